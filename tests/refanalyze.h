/* refanalyze.h: an independent classifier of instructions, written from the
 * paper's sections 3 and 8 and docs/theorems.md ("The rules the analyzer
 * implements", "The six profiles") alone, for test_audit_refanalyze.c.  It
 * executes each instruction on the reference machine of refmodel.h, never
 * on the library's, and searches states of its own making.
 */
#ifndef TGM_TESTS_REFANALYZE_H
#define TGM_TESTS_REFANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refmodel.h"

#define RFA_QMAX 64u

/* S = <E, M, P, R> with I, the timer and one waiting console byte. */
struct rfa_state {
    uint32_t q;
    uint64_t e[RFA_QMAX];
    bool sup, ie;
    uint32_t p, l, b;
    bool armed, pending;
    int64_t rem;
    int cin; /* -1: none */
};

/* i(S): what one step leaves. */
struct rfa_out {
    unsigned trap; /* cause, 0: completed */
    bool halted;
    bool sup, ie;
    uint32_t p, l, b;
    uint64_t e[RFA_QMAX];
    bool armed, pending;
    int64_t rem;
    size_t nout;
    uint8_t out[4];
    bool consumed;
    uint64_t cyc;
};

/* Class bits, as isa.h's enum insn_class (checked by the test). */
enum { RFA_PRIV = 1, RFA_CTL_S = 2, RFA_CTL_U = 4, RFA_LOC_S = 8, RFA_LOC_U = 16, RFA_MODE = 32 };
enum { RFA_NOTPRIV, RFA_CS, RFA_CU, RFA_LS, RFA_LU, RFA_MD, RFA_NCLAIM };

/* Components, as analyze.h's enum analyze_component (checked too). */
enum {
    RFC_NONE, RFC_TRAP, RFC_E, RFC_EOUT, RFC_P, RFC_M, RFC_I, RFC_L, RFC_B, RFC_HALT,
    RFC_ARMED, RFC_PENDING, RFC_REM, RFC_OUTLEN, RFC_OUT, RFC_IN, RFC_N
};

struct rfa_diff {
    unsigned comp;
    uint32_t addr;
    uint64_t v1, v2;
};

struct rfa_wit {
    struct rfa_state s1, s2;
    uint32_t x;
    struct rfa_diff d;
};

struct rfa_result {
    bool present;
    unsigned cls;
    uint64_t pairs, ctl[2], loc[2], mode; /* [1] supervisor, [0] user */
    bool found[RFA_NCLAIM];
    struct rfa_wit wit[RFA_NCLAIM];
};

void rfa_exec(int prof, unsigned op, const struct rfa_state *s, struct rfa_out *o);
/* Control: the first change of S -> O beyond P and E | r, or RFC_NONE. */
struct rfa_diff rfa_control(const struct rfa_state *s, const struct rfa_out *o);
/* Pairs: the first difference of i(S1) at r and i(S2) at r (+) x. */
struct rfa_diff rfa_compare(const struct rfa_state *s1, const struct rfa_out *o1,
                          const struct rfa_state *s2, const struct rfa_out *o2);
/* S moved by X (false if the instruction would leave memory). */
bool rfa_shift(const struct rfa_state *s, uint32_t x, struct rfa_state *out);
/* The value of component COMP at ADDR in a state's result (a pair's side);
 * for the timer, console and halt of a control claim's "before", use
 * rfa_before. */
uint64_t rfa_value(const struct rfa_state *s, const struct rfa_out *o, unsigned comp,
                   uint32_t addr);
uint64_t rfa_before(const struct rfa_state *s, const struct rfa_out *o, unsigned comp,
                    uint32_t addr);

/* Classify OP under profile PROF on a machine of Q words: boundary states
 * (R, P at the edges; up to NBOUND combinations of the fields' edges each),
 * then NRANDOM random states from SEED. */
void rfa_classify(int prof, unsigned op, uint32_t q, uint64_t seed, unsigned nbound,
                 unsigned nrandom, struct rfa_result *r);

/* CLAIM (RFA_NOTPRIV ...) on S1 and the S2 its definition pairs with S1 (by
 * X for pairs), as the search tries it: true with *D if it differs. */
bool rfa_claim(int prof, unsigned op, int claim, const struct rfa_state *s1, uint32_t x,
              struct rfa_state *s2, struct rfa_diff *d);
/* W reduced as docs/theorems.md's "Witnesses" says. */
void rfa_reduce(int prof, unsigned op, int claim, struct rfa_wit *w);

#endif
