/* vmm.h: the control program CP = <D, A, {v_i}> and the VM map (sections 4-6).
 *
 * The CP owns physical E[0..VMM_K-1] of a real machine: E[0] receives old
 * PSWs, E[1] holds the CP's PSW (supervisor, I = 0, P = VMM_ENTRY, R = all
 * of memory), E[VMM_ENTRY] is an HCALL through which the trap reaches the
 * dispatcher written in C.  Each VM owns a disjoint region [base, base + w)
 * and runs in real user mode with R' = (l + base, min(b, w - l)); its
 * innocuous instructions run directly on the simulated CPU.
 *
 * Each VM's virtual state <E | region, M, P, R>, virtual timer, console and
 * bare-equivalent counters live in a "view": a struct machine whose E is the
 * region itself.  Between calls of vmm_run every view is exact, so a VM can be
 * inspected, compared with a bare machine, or stepped like one.
 */
#ifndef TGM_VMM_H
#define TGM_VMM_H

#include <stddef.h>
#include <stdint.h>

#include "tgm/image.h"
#include "tgm/machine.h"

#define VMM_K 8u         /* words of E the control program owns */
/* The largest VM: the largest real machine less the CP's words. */
#define VMM_W_MAX (TGM_Q_MAX - VMM_K)
#define VMM_ENTRY 2u     /* the dispatcher's first instruction: HCALL 0 */
#define VMM_MAX_VMS 64
#define VMM_DEFAULT_SLICE 10000u /* cycles per time slice with several VMs */
#define VMM_SLICE_MAX INT64_MAX  /* the longest slice; a longer one is taken as it */

struct vmm;

struct vmm_config {
    uint32_t q;                        /* real memory; 0 means TGM_Q_MAX */
    const struct isa_profile *profile; /* NULL: the default profile */
    uint64_t slice;                    /* cycles per slice; 0: VMM_DEFAULT_SLICE;
                                          at most VMM_SLICE_MAX */
    bool hybrid;                       /* section 8: interpret every
                                          instruction in virtual supervisor mode */
};

enum vm_state {
    VM_RUNNABLE,
    VM_STOPPED, /* stopped by the host (vmm_vm_stop) */
    VM_HALTED,  /* executed HALT in virtual supervisor mode */
    VM_LIMIT,   /* reached its step limit */
};

/* What the control program did with a trap (the monitor traces these). */
enum vmm_disposition {
    DISP_INTERPRETED, /* v_i simulated a privileged instruction */
    DISP_REFLECTED,   /* the trap was the guest's own: passed to its E[1]
                         (TRAP_TIMER also: its virtual timer's trap delivered) */
    DISP_ALLOCATOR,   /* A handled a change of R (LR, LPSW) */
    DISP_SCHEDULER,   /* the real timer trapped (TRAP_TIMER): a time slice
                         ended, or the virtual timer it was armed for ran
                         out (its trap then follows, TRAP_TIMER reflected);
                         or the VM reached its step limit (TRAP_NONE) */
    DISP_HYBRID,      /* hybrid mode: a stretch of supervisor code interpreted
                         (counted in vm_stats; no event is traced) */
    DISP_COUNT
};

struct vm_stats {
    uint64_t direct;      /* guest instructions the real CPU executed directly */
    uint64_t interpreted; /* guest instructions simulated by the CP */
    /* by cause and disposition: every CP entry (a real trap), and the
     * events no real trap brings (docs/vmm.md), so that the cells add up to
     * entries only when there were none: a virtual timer trap delivered
     * [TRAP_TIMER][DISP_REFLECTED] without a real one, a step limit
     * [TRAP_NONE][DISP_SCHEDULER], a hybrid stretch [TRAP_NONE][DISP_HYBRID]
     * and a slice that ran out in one [TRAP_TIMER][DISP_SCHEDULER] */
    uint64_t traps[TRAP_NCAUSES][DISP_COUNT];
    uint64_t guest_cycles; /* real cycles spent executing the guest directly */
    uint64_t cp_cycles;    /* real cycles of trap sequences and CP instructions */
    uint64_t entries;      /* times the dispatcher was entered for this VM */
};

struct vm_info {
    int id;
    const char *name;
    uint32_t base, w;
    enum vm_state state;
    struct psw vpsw;         /* virtual PSW */
    uint32_t real_l, real_b; /* R' the allocator composed */
    uint64_t max_steps;      /* 0: none */
    struct vm_stats stats;
};

/* One dispatcher entry, for tracing. */
struct vmm_event {
    int vm;
    uint8_t cause;      /* real trap cause that entered the CP */
    uint32_t p;         /* guest P of the trapping instruction */
    uint64_t word;      /* the instruction at P, if it could be fetched */
    enum vmm_disposition disp;
    uint8_t reflected;  /* cause reflected to the guest, or TRAP_NONE */
    uint32_t l;         /* the guest's virtual l when P was fetched: its
                           operands are addresses under it */
    uint8_t fetched;    /* 1: WORD is the word at P; 0: P does not develop
                           under the VM's R (as at a fetch's memory trap)
                           and WORD means nothing */
};
typedef void (*vmm_event_fn)(void *ctx, const struct vmm_event *e);

enum vmm_stop {
    VMMSTOP_DONE,   /* no VM is runnable (all halted, stopped or at limit),
                       also when the budget's last step made it so */
    VMMSTOP_BUDGET, /* the call's step budget ran out, a VM still runnable */
    VMMSTOP_DEBUG,  /* the real machine stopped on a breakpoint, watchpoint or
                       trap stop; mx says which, vm which VM was running */
};

struct vmm_exit {
    enum vmm_stop reason;
    int vm;                  /* the VM that was running; -1 for DONE and BUDGET */
    struct machine_exit mx;
};

/* Lifecycle.  NULL with ERR on a bad configuration: q is VMM_K + 1 to
 * 2^19; a slice over VMM_SLICE_MAX is taken as that. */
struct vmm *vmm_create(const struct vmm_config *cfg, char *err, size_t errlen);
void vmm_destroy(struct vmm *v);
struct machine *vmm_machine(struct vmm *v); /* the real machine */
uint64_t vmm_slice(const struct vmm *v);
/* CYCLES 0: VMM_DEFAULT_SLICE, more than VMM_SLICE_MAX: that.  A slice
 * under way ends within the new one. */
void vmm_set_slice(struct vmm *v, uint64_t cycles);
bool vmm_hybrid(const struct vmm *v);

/* The longest VM name (a longer one is refused). */
#define VMM_NAME_MAX 31

/* The allocator A.  vmm_vm_create finds the first free region of W words;
 * vmm_vm_create_at takes an explicit base and refuses an overlap.  Both
 * return the new VM's id or -1 with ERR; NAME (NULL or empty: "vmID", or
 * when another VM already has that name the first "vmN", N > ID, that none
 * has) has at most VMM_NAME_MAX characters, and no two VMs share one.  A
 * new VM is in the power-on state of a bare machine of W words
 * (machine_reset). */
int vmm_vm_create(struct vmm *v, uint32_t w, const char *name, char *err,
                  size_t errlen);
int vmm_vm_create_at(struct vmm *v, uint32_t base, uint32_t w,
                     const char *name, char *err, size_t errlen);
/* Reclaim: stop the VM and free its region (zeroed).  -1 for no such VM,
 * and for the VM an event hook is being told of, from within the hook (the
 * CP is still handling it: vmm_vm_stop it there, destroy it once vmm_run
 * has returned); other VMs may be destroyed there. */
int vmm_vm_destroy(struct vmm *v, int id);
/* Load IMG into VM ID as image_load does into its view (its words and
 * entry PSW; counters, timer and console as they are).  -1 with ERR if
 * there is no such VM or IMG does not fit its w words.  A stopped VM stays
 * stopped; any other is runnable again (or at its step limit). */
int vmm_vm_load(struct vmm *v, int id, const struct tgm_image *img, char *err,
                size_t errlen);
/* Stop a runnable VM (VM_STOPPED; a halted one or one at its limit stays
 * so); resume makes it runnable whatever it was (one at its step limit
 * stops again at once, a halted one goes on past its HALT).  0, or -1 if
 * there is no VM ID. */
int vmm_vm_stop(struct vmm *v, int id);
int vmm_vm_resume(struct vmm *v, int id);
/* MAX_STEPS of the VM's own steps in all (0: none); a VM stopped at its
 * limit runs on when the new one is past its steps. */
int vmm_vm_set_limit(struct vmm *v, int id, uint64_t max_steps);
/* Queue console input for a VM. */
int vmm_vm_input(struct vmm *v, int id, const uint8_t *bytes, size_t len);

/* Inspection.  Ids are 0..VMM_MAX_VMS-1; vmm_vm_next iterates live ones
 * (start with -1; returns -1 at the end). */
int vmm_vm_next(const struct vmm *v, int id);
/* The live VM named NAME (exactly), or -1 (NAME NULL too). */
int vmm_vm_find(const struct vmm *v, const char *name);
int vmm_vm_info(const struct vmm *v, int id, struct vm_info *out);
/* The VM's virtual machine (valid until the VM is destroyed).  Writing it
 * between runs changes the VM, as a monitor's deposit should. */
struct machine *vmm_vm_view(struct vmm *v, int id);

/* The dispatcher loop.  Runs the runnable VMs round robin for at most
 * BUDGET guest steps in all (steps of the VMs' virtual machines; the CP's
 * own trap sequences and HCALLs are not counted), and returns why it
 * stopped.  Slices are measured in virtual cycles.  As machine_run, it
 * never stops on a breakpoint at a VM's first guest step in the call (each
 * VM passes the one the call finds it at, whichever VM steps first).  Calls
 * whose budgets add up to N end where one call of N does: every VM, its
 * statistics, the real machine and vmm_state_save's bytes.  EX may be
 * NULL. */
enum vmm_stop vmm_run(struct vmm *v, uint64_t budget, struct vmm_exit *ex);
/* The next vmm_run goes on from the last as one run: it may stop at a
 * breakpoint at any VM's first guest step (a run cut into calls by a
 * debugger, so that a breakpoint reached exactly at a cut is not passed). */
void vmm_run_continue(struct vmm *v);
void vmm_set_event_hook(struct vmm *v, vmm_event_fn fn, void *ctx);

/* Efficiency: the fraction of a VM's instructions executed directly,
 * direct / (direct + interpreted); 0 when it has completed none. */
double vm_stats_direct_ratio(const struct vm_stats *s);
const char *vmm_disposition_name(enum vmm_disposition d);
const char *vm_state_name(enum vm_state s);

/* The VM map of section 6, as plain functions.  A map places a bare machine
 * of w words at BASE in a real machine of q words.
 * f: E'[base + i] = E[i] (0 <= i < w), E'[1] = the CP's PSW, E'[VMM_ENTRY..]
 *    = the CP, M' = u, I' = 1, P' = p, R' = (l + base, min(b, w - l)) (R' =
 *    (base, 0) if l >= w), and the virtual M, I and R recorded for the CP.
 * g: the inverse, from the real machine and the CP's record.
 * Both give 0, or -1 (nothing changed) when BARE is not of w words or the
 * region is not inside the real machine (f also when BASE is below
 * VMM_K, over the CP's words).  Neither copies the timer, the console or
 * the counters: vmm_compare compares those itself. */
struct vm_map {
    uint32_t base, w;
};
struct vm_record {   /* what the CP remembers that the real PSW cannot hold */
    bool vsup, vie;
    uint32_t vl, vb;
};
void vmmap_compose_r(const struct vm_map *map, uint32_t l, uint32_t b,
                     uint32_t *real_l, uint32_t *real_b);
int vmmap_f(const struct vm_map *map, const struct machine *bare,
            struct machine *real, struct vm_record *rec);
int vmmap_g(const struct vm_map *map, const struct machine *real,
            const struct vm_record *rec, struct machine *bare);

/* Equivalence (section 6): run each image to HALT on a bare machine of W
 * words (S2) and under the control program (S2'), alone and, when there are
 * several, all together in one control program, and compare f(S2) with S2'
 * component by component: E, M, P, R, the devices, and virtual time.  S2' is
 * the real machine's region, the CP's record of the virtual M and R, and the
 * PSW the CP would load to resume the VM.  A run that does not halt within
 * the step limit is never called equivalent. */
struct check_opts {
    uint32_t w;                 /* guest memory; 0: TGM_Q_DEFAULT */
    uint64_t max_steps;         /* per guest; 0: CHECK_DEFAULT_STEPS */
    uint64_t slice;             /* 0: VMM_DEFAULT_SLICE */
    const struct isa_profile *profile;
    bool hybrid;
    const uint8_t *input;       /* console input given to every run */
    size_t input_len;
    bool (*stop)(void);         /* NULL, or asked between chunks of steps:
                                   true abandons the check (Ctrl-C) */
};
#define CHECK_DEFAULT_STEPS 100000000u
struct check_result {
    bool setup_failed;          /* this image could not be set up: see ERR */
    bool equivalent;            /* equal and halted in the runs compared: alone,
                                   and together once together_done; with several
                                   images the verdict is whole only then, as when
                                   vmm_check returns 0 */
    bool bare_halted;
    bool alone_halted, together_halted; /* together: false if not run */
    bool alone_done, together_done; /* compared (false: not reached before a stop) */
    char alone_diff[256];       /* first differing component, or "" */
    char together_diff[256];
    struct machine_counters bare;
    struct vm_stats stats;      /* of the alone run */
};
/* Compare f(S2), S2 being BARE, with S2' for VM ID of V: 0 with "" in
 * DIFF if equal, else with the first differing component.  vmm_check's
 * comparison, for callers that stop both machines at the same step instead
 * of at HALT.  -1 when f(S2) could not be computed (out of memory, say),
 * ID names no VM ("no VM 7"), or LEN is 0 (DIFF left alone): DIFF says
 * why where it has room, and no verdict rests on it. */
int vmm_compare(const struct machine *bare, struct vmm *v, int id, char *diff,
                 size_t len);
/* Do N guests (named WHAT: "image", "VM") of W words each fit, with the
 * control program's words, in the largest real machine?  0, or -1 with
 * "N WHATs of W words need Q words of real memory, more than 524288" in
 * ERR, to which a caller adds how to choose a smaller W. */
int vmm_guests_fit(uint64_t n, const char *what, uint32_t w, char *err, size_t errlen);
/* The hint after the error IMG's size caused in a guest of W words, OPT
 * naming the option that sets W: " (try a larger OPT)" when IMG fits one
 * of MOST words, the largest OPT allows; when it fits none, what MOST is,
 * in BUF; "" when it fits W. */
const char *vmm_mem_hint(const struct tgm_image *img, uint32_t w, uint32_t most,
                         const char *opt, char *buf, size_t len);
/* RESULTS has N entries; O NULL takes every default.  Returns 0, or -1
 * with ERR if a run could not be set up (an image that does not fit W,
 * say) or O->stop abandoned it. */
int vmm_check(const struct tgm_image *const *imgs, size_t n,
              const struct check_opts *o, struct check_result *results,
              char *err, size_t errlen);

/* Snapshots: the whole CP state (VMs, regions, virtual state, statistics)
 * to bytes and back; the real machine is saved with machine_state_save. */
int vmm_state_save(const struct vmm *v, uint8_t **buf, size_t *len);
/* -1 with ERR, the CP left as it was, for a state that is not one
 * vmm_state_save could have written: truncated, for another memory size,
 * more slice left than the slice, VM records out of range, overlapping,
 * with an empty name or two with one name.  (The real machine's
 * machine_edits, and so vmm_mark, may still move on such a failure: the
 * VMs' views are built aside on the real memory they would share.) */
int vmm_state_load(struct vmm *v, const uint8_t *buf, size_t len, char *err,
                   size_t errlen);
/* Every invariant the CP relies on, for a state restored from elsewhere:
 * its words E[1..VMM_K-1] as installed (so no trap reaches anything but
 * the dispatcher), the real PSW the CP's or a user-mode one, regions
 * disjoint, above the CP's words and inside memory, a slice no longer
 * than configured, distinct VM names.  -1 with ERR naming the first
 * violation. */
int vmm_state_check(struct vmm *v, char *err, size_t errlen);
/* The session's state in O(VMs): a digest of machine_mark of the real
 * machine and of every view, and of the rest of what vmm_state_save saves.
 * Two marks differ if anything but vmm_run changed the session between
 * them (the monitor's reverse execution looks for such changes). */
uint64_t vmm_mark(const struct vmm *v);
/* What the dispatcher keeps between runs that vmm_state_save leaves out:
 * whether it armed the real timer (resume decides by it whether to reset
 * a pending real timer) and the breakpoint a run last stopped at, which
 * the next run passes once (-1, none, when there is none, or once its VM
 * is gone or has taken a step since: a run from there stops at it).  A caller
 * that restores a state and replays vmm_run exactly needs both. */
struct vmm_transient {
    bool real_timer;
    int64_t skip_break;
};
void vmm_transient_get(const struct vmm *v, struct vmm_transient *t);
void vmm_transient_set(struct vmm *v, const struct vmm_transient *t);

#endif
