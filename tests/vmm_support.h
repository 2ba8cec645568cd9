/* vmm_support.h: helpers for the control program's test suites.
 *
 * A rig is a control program whose event hook records every dispatcher entry
 * and checks section 5's resource control property as it goes; a guest is a
 * program for a bare machine of w words.  The bare machine is the oracle
 * (section 6's equivalence): tv_diff runs a guest on both and compares them.
 */
#ifndef TGM_TEST_VMM_SUPPORT_H
#define TGM_TEST_VMM_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/machine.h"
#include "tgm/vmm.h"

#define TV_Q 4096u          /* real memory of a default rig */
#define TV_EVENTS 1024      /* events a rig keeps (it counts them all) */
#define TV_OWNED 16         /* machines a rig frees at teardown */
#define TV_STEPS 2000000u   /* step budget for runs meant to halt */
#define TV_SENTINEL_W 16u   /* words of the stopped VMs around a guest */

/* An R word (LR, SR): l and b in their PSW positions, all else zero. */
#define TV_R(l, b) (((uint64_t)((l) & 0x7FFFF) << 20) | (uint64_t)((b) & 0xFFFFF))

/* One word of a program: E[at] := v.  Lists end at the first at == 0. */
struct tv_word {
    uint32_t at;
    uint64_t v;
};
/* MEM[word.at] := word.v for the first N words of WORDS (up to an at of 0);
 * fails the test if a word lies outside MEM's W words. */
void tv_place(uint64_t *mem, uint32_t w, const struct tv_word *words, size_t n);

/* A program for a bare machine of W words: E[0..n-1] := mem, PSW := psw. */
struct tv_guest {
    uint32_t w;
    uint64_t psw;
    const uint64_t *mem;
    size_t n;
    const char *input; /* console input, or NULL */
};

struct tv_rig {
    const void *param;      /* a table-driven test's case (cmocka prestate) */
    struct vmm *v;
    struct vmm *spare;      /* a second control program a test may make */
    struct vmm_config cfg;
    uint32_t q;
    uint64_t *snap;         /* real E as of the last resource-control check */
    uint64_t cp[VMM_K];     /* the control program's words as installed */
    uint64_t hybrid[VMM_MAX_VMS]; /* hybrid stretches per VM at the last check */
    struct machine *owned[TV_OWNED];
    size_t nowned;
    struct vmm_event ev[TV_EVENTS];
    uint64_t cycles[TV_EVENTS][VMM_MAX_VMS]; /* every VM's virtual cycles at each */
    size_t nev;             /* events seen; the first TV_EVENTS are kept */
    /* a test's own look at every event, after the rig's checks (NULL:
     * none); tv_reset clears it */
    void (*also)(struct tv_rig *r, const struct vmm_event *e);
    void *also_ctx;
};

/* cmocka fixtures: *state is a rig with the default configuration; a
 * prestate given to the test is kept in its param. */
int tv_setup(void **state);
int tv_teardown(void **state);
/* Start again with a fresh control program (CFG NULL: q = TV_Q). */
void tv_reset(struct tv_rig *r, const struct vmm_config *cfg);

/* A VM of g->w words (first fit, or at BASE) with G loaded; fails the test
 * if the allocator refuses. */
int tv_vm(struct tv_rig *r, const struct tv_guest *g);
int tv_vm_at(struct tv_rig *r, uint32_t base, const struct tv_guest *g);
void tv_load(struct tv_rig *r, int id, const struct tv_guest *g);

/* vmm_run, with resource control checked at every event and at the end. */
enum vmm_stop tv_run(struct tv_rig *r, uint64_t budget);
enum vmm_stop tv_run_ex(struct tv_rig *r, uint64_t budget, struct vmm_exit *ex);
/* Run until no VM is runnable; fails the test if that takes too long. */
void tv_run_done(struct tv_rig *r);
/* Run in slices of BUDGET until VM ID is no longer runnable. */
void tv_run_until_stopped(struct tv_rig *r, int id, uint64_t budget);

struct vm_info tv_info(const struct tv_rig *r, int id);
struct machine *tv_view(struct tv_rig *r, int id);

/* The oracle: G on a bare machine of g->w words, run for at most STEPS
 * steps; the rig frees it.  tv_bare_halted also asserts that it halted. */
struct machine *tv_bare(struct tv_rig *r, const struct tv_guest *g, uint64_t steps,
                        enum exit_reason *why);
struct machine *tv_bare_halted(struct tv_rig *r, const struct tv_guest *g);
/* Bring BARE (a tv_bare of VM ID's guest) to the VM's step count and
 * fail, naming WHAT, unless the VM equals it (vmm_compare): a checkpoint
 * of a long run against the oracle. */
void tv_keep_up(struct tv_rig *r, struct machine *bare, int id, const char *what);
/* A plain machine of Q words that the rig frees. */
struct machine *tv_machine(struct tv_rig *r, uint32_t q);

/* Without a rig, for a test that drives one control program itself: a
 * control program of CFG (the caller destroys it), and a VM of W words in
 * it, its id into *ID (may be NULL) and its view returned.  Each fails the
 * test if refused. */
struct vmm *tv_cp(const struct vmm_config *cfg);
struct machine *tv_cp_vm(struct vmm *v, uint32_t w, int *id);

/* An independent copy of M (E, PSW, devices, counters) that the rig frees. */
struct machine *tv_copy(struct tv_rig *r, const struct machine *m);

/* machine_compare with CMP_COUNTERS; the failure names WHAT and the
 * first differing component. */
void tv_assert_same(const struct machine *bare, const struct machine *view,
                    const char *what);

/* Section 6 in one call: G on a bare machine to HALT, and in a VM placed
 * between two stopped sentinel VMs to HALT; asserts the VM halted, that the
 * sentinels are untouched, that E, PSW, devices and virtual time equal the
 * bare machine's, that vm_info reports the virtual PSW and R' as composed,
 * that nothing reached the real console, and that every completed
 * instruction was either executed directly or interpreted.  Returns the
 * VM's id; *BARE (if not NULL) gets the oracle. */
int tv_diff(struct tv_rig *r, const struct tv_guest *g, const char *what,
            struct machine **bare);

/* Fill VM ID's memory with a pattern from SEED; check it is still there. */
void tv_fill(struct tv_rig *r, int id, uint64_t seed);
void tv_assert_filled(struct tv_rig *r, int id, uint64_t seed);

/* The first recorded event of VM at guest address P, or NULL; the number of
 * VM's events with disposition DISP (-1: any) reflecting REFLECTED (-1: any). */
const struct vmm_event *tv_event(const struct tv_rig *r, int vm, uint32_t p);
size_t tv_count(const struct tv_rig *r, int vm, int disp, int reflected);
/* Assert the event at P: real cause, disposition and reflected cause. */
void tv_assert_event(const struct tv_rig *r, int vm, uint32_t p, unsigned cause,
                     enum vmm_disposition disp, unsigned reflected);

#endif
