/* nest.h: Theorem 2 (section 7): the control program written in tgm's own
 * instructions, stacked under itself with a guest on top.
 *
 * examples/vmm/cp.s is built into tgm (nest_cp_image).  A stack of depth N
 * is one image: the CP at 0, its guest at K, which is the CP again with its
 * guest at K, and so on; the guest proper sits at N*K in a machine of Q
 * words and sees a bare machine of Q - N*K words.  Level 1 is the CP that
 * hosts the guest directly, level N the one on the real machine.
 *
 * The CP's map f_k is learned from its image's symbol table: K (cp_guest),
 * the parameters it is built with (cp_w, cp_vpsw) and the words where it
 * keeps the virtual PSW, timer and figures.  Nothing here hard-codes the
 * CP's layout, so an edited cp.s is read correctly as long as it keeps the
 * names.
 */
#ifndef TGM_NEST_H
#define TGM_NEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/image.h"
#include "tgm/machine.h"

#define NEST_MAX_DEPTH 16u

/* Where the CP keeps what a level's guest cannot see (Lemma 2's record)
 * and its figures: addresses relative to the CP's own E[0]. */
struct nest_map {
    uint32_t k;                 /* the guest's base: cp_guest */
    uint32_t w, vpsw0;          /* the parameters: cp_w, cp_vpsw */
    uint32_t vpsw, vtarm, vrem, vtpend;
    uint32_t entries, interp, reflect, vtimer, steps, causes;
    uint32_t rtraps, last_trap; /* the guest's traps by cause, its last one */
    uint32_t vpsw_mark;         /* 1: vpsw holds cause bits until the boot writes it
                                 * (a word, as the rest: no padding to compare) */
};

/* A built stack. */
struct nest_layout {
    unsigned depth;             /* N >= 1 */
    uint32_t q;                 /* words of the machine the stack runs on */
    uint32_t top_base, top_w;   /* the guest proper: N*K, Q - N*K */
    struct nest_map map;
};

/* One level's state and figures, read from the real E. */
struct nest_level {
    unsigned level;             /* 1 = hosts the guest proper */
    uint32_t base;              /* real address of this CP's E[0] */
    uint32_t w;                 /* its guest's words */
    uint32_t gbase;             /* real address of its guest's E[0] */
    bool started;               /* its boot has loaded its guest's entry PSW */
    struct psw vpsw;            /* its guest's virtual PSW (all zero until started) */
    bool tarm, tpend;           /* its guest's virtual timer */
    int64_t trem;
    uint64_t entries, interp, reflect, vtimer, steps;
    uint64_t causes[TRAP_NCAUSES]; /* traps that reached this CP, by cause */
    uint64_t rtraps[TRAP_NCAUSES]; /* traps its guest took (reflected), by cause */
    uint8_t last_trap;
};

/* The built-in CP (examples/vmm/cp.s), assembled.  -1 with ERR. */
int nest_cp_image(struct tgm_image *out, char *err, size_t errlen);
/* Learn the map from CP's symbols.  -1 with ERR naming a missing symbol. */
int nest_learn(const struct tgm_image *cp, struct nest_map *map, char *err,
               size_t errlen);
/* Build the stack of DEPTH copies of CP with GUEST on top, for a machine of
 * Q words.  -1 with ERR if it does not fit (the guest needs its load
 * address plus its words, and at least TGM_Q_MIN). */
int nest_compose(const struct tgm_image *cp, const struct tgm_image *guest,
                 unsigned depth, uint32_t q, struct tgm_image *out,
                 struct nest_layout *lay, char *err, size_t errlen);
/* nest_compose for a guest that sees W words, checking first that GUEST
 * fits W and the stack a machine (CP NULL: the built-in one), so that
 * every command building a stack refuses the same mistake in the same
 * words.  -1 with ERR. */
int nest_build(const struct tgm_image *cp, const struct tgm_image *guest, unsigned depth,
               uint32_t w, struct tgm_image *stack, struct nest_layout *lay, char *err,
               size_t errlen);
/* The layout of DEPTH levels of the built-in CP in a machine of Q words, as
 * nest_compose made it.  -1 with ERR if it cannot be. */
int nest_layout_of(unsigned depth, uint32_t q, struct nest_layout *lay, char *err,
                   size_t errlen);
/* The most words a guest has under DEPTH levels, on a bare machine of 2^19
 * words or, with ON_VMM, on the C control program's largest VM. */
uint32_t nest_guest_most(unsigned depth, bool on_vmm);
/* Whether M still holds the stack LAY describes: its size, and every
 * level's w as nest_compose wrote it (a reset or a load changes them). */
bool nest_intact(const struct nest_layout *lay, const struct machine *m);
/* Read level LEVEL (1..depth) from the real memory E of the stack's machine. */
void nest_level_read(const struct nest_layout *lay, const uint64_t *E, unsigned level,
                     struct nest_level *out);
/* g^N: the guest proper's virtual machine, as a bare machine of top_w words:
 * its region of E, the PSW and timer level 1 records, and the console of
 * REAL (output, the count of bytes it dropped, and input consumed) since
 * the stack started.  OUT must be
 * a machine of top_w words whose console is unused (as machine_create
 * makes it: the stack's console is added to OUT's); its counters are left
 * alone.  0, or -1 if memory ran out for OUT's console (its output or the
 * input read): OUT is then not the guest's state. */
int nest_top_state(const struct nest_layout *lay, const struct machine *real,
                   struct machine *out);

/* Running a stack: on a bare machine, or as one VM of the C control
 * program (the host's CP at the very bottom).  The run keeps, in order,
 * every word written to the guest proper's E[0] (every old PSW its traps
 * stored, timer traps included, and any store of its own), so two runs
 * can be compared trap by trap. */
struct nest_run_opts {
    unsigned depth;             /* control programs under the guest: 0 = bare */
    uint32_t w;                 /* the guest proper's words */
    bool under_vmm;             /* the C control program at the bottom */
    bool log_traps;             /* keep the E[0] log (runs the checked loop) */
    const uint8_t *input;       /* console input */
    size_t input_len;
};

struct vmm;
struct nest_run {
    struct nest_layout lay;     /* lay.depth = 0 for a bare run */
    struct machine *real;       /* the machine the stack runs on */
    struct vmm *vmm;            /* under_vmm: the C CP, and its VM */
    int vm;
    struct machine *m;          /* the machine holding the stack: real or the VM's view */
    bool halted;
    uint64_t steps;             /* steps of m so far */
    uint64_t *log;              /* words written to the guest proper's E[0] */
    size_t nlog, caplog;
};

/* Build and load the stack.  CP may be NULL for the built-in one.  -1 with
 * ERR if the guest does not fit, W is outside TGM_Q_MIN..TGM_Q_MAX, or
 * memory runs out. */
int nest_run_start(const struct tgm_image *cp, const struct tgm_image *guest,
                   const struct nest_run_opts *o, struct nest_run *r, char *err,
                   size_t errlen);
/* Run at most BUDGET steps of m (0: until it halts or stops).  True once
 * the stack has halted (the guest proper's HALT reaches the bottom). */
bool nest_run_go(struct nest_run *r, uint64_t budget);
void nest_run_free(struct nest_run *r);
/* The guest proper as a bare machine of lay.top_w words (nest_top_state);
 * NULL if out of memory.  For depth 0, a copy of the bare machine. */
struct machine *nest_run_top(const struct nest_run *r);

/* Equivalence across levels: run GUEST bare on a machine of W words and on
 * DEPTH levels of CP (NULL: the built-in one), optionally on the C control
 * program, and compare g^N of the stack with the bare machine: E, M, I, P,
 * R, the timer and the console, and the trap logs word by word.  Cycles and
 * steps are reported, not compared: the paper excludes timing.  MAX_STEPS
 * limits the bare run (0: vmm.h's CHECK_DEFAULT_STEPS, as vmm_check takes it); the
 * stack may take up to NEST_STEP_FACTOR times as many. */
#define NEST_STEP_FACTOR 1000u
struct nest_check_result {
    bool equivalent;
    bool bare_halted, nest_halted;
    char diff[256];             /* the first difference, or "" */
    size_t traps, timer_traps;  /* the bare run's traps (its counters) */
    uint64_t bare_steps, bare_cycles; /* the bare machine's */
    uint64_t real_steps, real_cycles; /* the real machine's: the bottom level's,
                                         or under the C CP that CP's machine */
};
int nest_check(const struct tgm_image *cp, const struct tgm_image *guest,
               const struct nest_run_opts *o, uint64_t max_steps,
               struct nest_check_result *res, char *err, size_t errlen);
/* Do two trap logs (the words written to the guest's E[0], in order: its
 * traps' old PSWs and its own stores) differ?  true, with the first
 * difference in DIFF: "trap log, E[0] write N: bare wrote W (cause C,
 * P=P), nested ...", or the counts when one log is a prefix of the other. */
bool nest_logs_differ(const uint64_t *bare, size_t nbare, const uint64_t *nested,
                      size_t nnested, char *diff, size_t len);
/* nest_check that asks STOP (NULL: never) between chunks of steps: true
 * abandons it (Ctrl-C), -1 with ERR "interrupted: no verdict".  Apart, so
 * that nest_run_opts keeps its fields. */
int nest_check_until(const struct tgm_image *cp, const struct tgm_image *guest,
                     const struct nest_run_opts *o, uint64_t max_steps, bool (*stop)(void),
                     struct nest_check_result *res, char *err, size_t errlen);
/* What an equivalent result compared, for 'tgm check --nest' and the
 * monitor's 'check ... nest' alike: "no traps", or "N traps in the same
 * order, T of them timer traps" (singular for 1: "1 trap in the same
 * order, 1 of them a timer trap"). */
void nest_check_traps(const struct nest_check_result *res, char *buf, size_t len);

#endif
