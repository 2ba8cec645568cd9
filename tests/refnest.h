/* refnest.h: an independent judge of Theorem 2 as tgm realises it, written
 * from docs/recursion.md and docs/run.md alone.
 *
 * A guest runs bare on the reference machine (refmodel.h, written from
 * docs/isa.md) and on N levels of the machine-code control program, built
 * with the library's composer and run on the library's machine.  The guest
 * proper's virtual state is read out of the stack's real memory here, from
 * the control program's symbols (cp_guest, vpsw, vtarm, vrem, vtpend and
 * its figures), not through the library's own inverse map.  The bare run
 * also predicts level 1's figures (entries, interpreted, reflected, timer
 * traps, single steps, traps by cause) from the four timer modes.
 */
#ifndef TGM_TESTS_REFNEST_H
#define TGM_TESTS_REFNEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refmodel.h"

/* A guest: a bare machine of W words, all of E given, and its input. */
struct rn_guest {
    uint32_t w;
    uint64_t *e;
    uint64_t entry;
    uint8_t in[16];
    size_t nin;
};

/* The guest proper's state after a run, and level 1's figures: read from
 * the stack, or predicted from the bare run. */
struct rn_state {
    uint32_t w;
    uint64_t *e;
    uint64_t vpsw; /* the PSW word (cause 0) */
    bool armed, pending;
    int64_t rem;
    uint8_t out[RM_OUTMAX];
    size_t nout, in_used;
    uint64_t traps[RM_NCAUSE];
    uint8_t last_trap;
    uint64_t *log; /* every word written to the guest's E[0], in order */
    size_t nlog, caplog;
    bool halted;
    uint64_t steps, cycles; /* bare: the guest's; stack: the real machine's */
    uint64_t entries, interp, reflect, vtimer, single, causes[RM_NCAUSE];
    char levels[160]; /* stack: where a level's traps are not the next one's reflections */
};

/* Bare, on the reference machine, at most BUDGET steps.  0, or -1 when out
 * of memory. */
int rn_bare(const struct rn_guest *g, uint64_t budget, struct rn_state *out);
/* On DEPTH levels, at most BUDGET steps of the real machine.  0, or -1
 * with WHY. */
int rn_nest(const struct rn_guest *g, unsigned depth, uint64_t budget, struct rn_state *out,
            char *why, size_t len);
/* The first difference between the bare state and the stack's, in DIFF;
 * false when they agree in every component. */
bool rn_differ(const struct rn_state *bare, const struct rn_state *nest, char *diff,
               size_t len);
void rn_free(struct rn_state *s);

/* A random guest aimed at the control program's hard cases (E of W words,
 * freed with rn_guest_free). */
void rn_gen(uint64_t *rng, struct rn_guest *g);
void rn_guest_free(struct rn_guest *g);

/* The control program's K (cp_guest), from its symbols. */
uint32_t rn_k(void);

#endif
