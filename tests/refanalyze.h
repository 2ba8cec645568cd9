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

#define RA_QMAX 64u

/* S = <E, M, P, R> with I, the timer and one waiting console byte. */
struct ra_state {
    uint32_t q;
    uint64_t e[RA_QMAX];
    bool sup, ie;
    uint32_t p, l, b;
    bool armed, pending;
    int64_t rem;
    int cin; /* -1: none */
};

/* i(S): what one step leaves. */
struct ra_out {
    unsigned trap; /* cause, 0: completed */
    bool halted;
    bool sup, ie;
    uint32_t p, l, b;
    uint64_t e[RA_QMAX];
    bool armed, pending;
    int64_t rem;
    size_t nout;
    uint8_t out[4];
    bool consumed;
    uint64_t cyc;
};

/* Class bits, as isa.h's enum insn_class (checked by the test). */
enum { RA_PRIV = 1, RA_CTL_S = 2, RA_CTL_U = 4, RA_LOC_S = 8, RA_LOC_U = 16, RA_MODE = 32 };
enum { RA_NOTPRIV, RA_CS, RA_CU, RA_LS, RA_LU, RA_MD, RA_NCLAIM };

/* Components, as analyze.h's enum analyze_component (checked too). */
enum {
    RC_NONE, RC_TRAP, RC_E, RC_EOUT, RC_P, RC_M, RC_I, RC_L, RC_B, RC_HALT,
    RC_ARMED, RC_PENDING, RC_REM, RC_OUTLEN, RC_OUT, RC_IN, RC_N
};

struct ra_diff {
    unsigned comp;
    uint32_t addr;
    uint64_t v1, v2;
};

struct ra_wit {
    struct ra_state s1, s2;
    uint32_t x;
    struct ra_diff d;
};

struct ra_result {
    bool present;
    unsigned cls;
    uint64_t pairs, ctl[2], loc[2], mode; /* [1] supervisor, [0] user */
    bool found[RA_NCLAIM];
    struct ra_wit wit[RA_NCLAIM];
};

void ra_exec(int prof, unsigned op, const struct ra_state *s, struct ra_out *o);
/* Control: the first change of S -> O beyond P and E | r, or RC_NONE. */
struct ra_diff ra_control(const struct ra_state *s, const struct ra_out *o);
/* Pairs: the first difference of i(S1) at r and i(S2) at r (+) x. */
struct ra_diff ra_compare(const struct ra_state *s1, const struct ra_out *o1,
                          const struct ra_state *s2, const struct ra_out *o2);
/* S moved by X (false if the instruction would leave memory). */
bool ra_shift(const struct ra_state *s, uint32_t x, struct ra_state *out);
/* The value of component COMP at ADDR in a state's result (a pair's side);
 * for the timer, console and halt of a control claim's "before", use
 * ra_before. */
uint64_t ra_value(const struct ra_state *s, const struct ra_out *o, unsigned comp, uint32_t addr);
uint64_t ra_before(const struct ra_state *s, const struct ra_out *o, unsigned comp, uint32_t addr);

/* Classify OP under profile PROF on a machine of Q words: boundary states
 * (R, P at the edges; up to NBOUND combinations of the fields' edges each),
 * then NRANDOM random states from SEED. */
void ra_classify(int prof, unsigned op, uint32_t q, uint64_t seed, unsigned nbound,
                 unsigned nrandom, struct ra_result *r);

/* CLAIM (RA_NOTPRIV ...) on S1 and the S2 its definition pairs with S1 (by
 * X for pairs), as the search tries it: true with *D if it differs. */
bool ra_claim(int prof, unsigned op, int claim, const struct ra_state *s1, uint32_t x,
              struct ra_state *s2, struct ra_diff *d);
/* W reduced as docs/theorems.md's "Witnesses" says. */
void ra_reduce(int prof, unsigned op, int claim, struct ra_wit *w);

#endif
