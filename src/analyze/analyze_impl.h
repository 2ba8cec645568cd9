/* analyze_impl.h: the analyzer's private pieces, shared by its files.
 *
 * exec.c runs one instruction i on a state S and captures i(S) (section 2's
 * "an instruction is a function from C to C"); witness.c holds the checks
 * of sections 3 and 8 on pairs of such runs; states.c generates the states.
 */
#ifndef TGM_ANALYZE_IMPL_H
#define TGM_ANALYZE_IMPL_H

#include <string.h>

#include "tgm/analyze.h"

/* i(S), as far as the definitions look at it.  mem, out point into the
 * machine that ran it and stay valid until that slot runs another state. */
struct analyze_run {
    uint8_t trap;               /* TRAP_NONE: completed without trapping */
    bool halted;                /* HALT stopped the processor */
    struct psw psw;             /* after */
    struct machine_timer timer; /* after */
    uint64_t cycles;            /* cycles the step spent */
    const uint64_t *mem;        /* E after, q words */
    const uint8_t *out;         /* console output written by the step */
    size_t out_len;
    size_t in_used;             /* console input bytes consumed */
};

/* *D = *S over the words S has: no word of a state at or past its q is
 * read, and a state's copy is most of the analyzer's moving of memory
 * (q is 16..64 of ANALYZE_Q_MAX). */
static inline void analyze_state_copy(struct analyze_state *d, const struct analyze_state *s)
{
    d->q = s->q;
    memcpy(d->mem, s->mem, s->q * sizeof s->mem[0]);
    d->psw = s->psw;
    d->timer = s->timer;
    d->cin = s->cin;
}

/* Four machines: [sup] for S1 in each mode, [2 + sup] for shifted S2.
 * A slot remembers the state it last ran, so the several definitions that
 * look at the same execution share it. */
#define ANALYZE_SLOTS 4
struct analyze_slot {
    struct machine *m;
    bool valid;
    struct analyze_state st;
    struct analyze_run run;
};

struct analyze_ctx {
    const struct isa_profile *profile;
    uint32_t q;
    struct analyze_slot slot[ANALYZE_SLOTS];
    bool oom; /* a console byte lost for want of memory: no result */
};

/* exec.c */
int analyze_ctx_init(struct analyze_ctx *cx, const struct isa_profile *p,
                     uint32_t q);
void analyze_ctx_fini(struct analyze_ctx *cx);
const struct analyze_run *analyze_exec(struct analyze_ctx *cx, unsigned slot,
                                       const struct analyze_state *s);
/* analyze_exec for a state the caller runs only once: it is run without
 * being looked for, and the slot forgets what it held instead of copying
 * S (a copy was a tenth of a run's cost). */
const struct analyze_run *analyze_exec_once(struct analyze_ctx *cx, unsigned slot,
                                            const struct analyze_state *s);

/* witness.c */
enum { CHECK_EXCLUDED = -1, CHECK_SAME = 0, CHECK_DIFF = 1 };
/* Apply claim C's definition to S1 (and S2 for pairs).  EXCLUDED when the
 * definition does not quantify over this state (a trap it rules out, or
 * modes other than the claim's). */
int analyze_check(struct analyze_ctx *cx, enum analyze_claim c,
                  const struct analyze_state *s1, const struct analyze_state *s2,
                  struct analyze_diff *d);
/* A state and its run, as analyze_exec left it on the slot of its mode. */
struct analyze_ran {
    const struct analyze_state *s;
    const struct analyze_run *r;
};
/* analyze_check's verdict on runs already made: A = (S1, i(S1)), B = (S2,
 * i(S2)) for pairs, in the modes the claim fixes.  MOVED, for a mode pair
 * with x != 0: S1 moved by x in its own mode and its run on the shifted
 * slot of that mode, or NULL to have it run here. */
int analyze_judge(struct analyze_ctx *cx, enum analyze_claim c, struct analyze_ran a,
                  struct analyze_ran b, const struct analyze_ran *moved,
                  struct analyze_diff *d);
/* E | r (+) x: S1 with the words l..l+b-1 copied to l+x (as far as memory
 * goes) and l moved by x. */
void analyze_shift(const struct analyze_state *s1, uint32_t x, struct analyze_state *s2);
/* The second state of claim C's pair: the user twin of S1 (NOT_PRIV, MODE)
 * or S1 moved by x (LOC): r (+) x with E | r copied along. */
void analyze_derive_s2(enum analyze_claim c, const struct analyze_state *s1,
                       uint32_t x, struct analyze_state *s2);
/* Reduce W to the cells and settings its difference needs. */
void analyze_minimize(struct analyze_ctx *cx, struct analyze_witness *w);

/* states.c */
#define ANALYZE_MAX_SHIFTS 3
#define ANALYZE_MAX_EDGES 8
struct analyze_gen {
    uint8_t op;
    uint32_t q;
    uint64_t rng;
    unsigned rc;            /* boundary R configuration, then random phase */
    uint32_t combo, ncombo; /* operand-field combination within rc */
    int64_t edge[3][ANALYZE_MAX_EDGES]; /* signed: imm fields */
    unsigned nedge[3];
    unsigned random_left;
};
void analyze_gen_init(struct analyze_gen *g, unsigned op, uint32_t q,
                      uint64_t seed, unsigned nrandom);
/* The next state for the instruction, its mode left to the caller, and
 * the shifts x to try for location sensitivity.  False when done. */
bool analyze_gen_next(struct analyze_gen *g, struct analyze_state *s,
                      uint32_t xs[ANALYZE_MAX_SHIFTS], unsigned *nx);

#endif
