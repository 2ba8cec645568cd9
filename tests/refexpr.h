/* refexpr.h: an evaluator of the monitor's expressions written from
 * docs/monitor.md ("Addresses and expressions") and docs/asm.md alone, and
 * a generator of random expressions for it, so that test_audit_refexpr
 * can compare the monitor's answers with it word for word. */
#ifndef TGM_TESTS_REFEXPR_H
#define TGM_TESTS_REFEXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RX_MAX_LABELS 32

/* What an expression can see: the focused machine's PSW, q, counters and
 * E, and the loaded program's symbols (which hide built-ins of the same
 * name; a $ name is always the built-in). */
struct rx_env {
    uint64_t P, M, I, l, b, q;
    uint64_t cause, cycles, steps, insns, halted;
    const uint64_t *E; /* q words */
    int nlab;
    const char *lab[RX_MAX_LABELS];
    uint64_t val[RX_MAX_LABELS];
};

/* Evaluate TEXT.  Returns 0 with *V set, or -1 with the error line's text
 * (after "print: ") in ERR. */
int rx_eval(const struct rx_env *env, const char *text, uint64_t *v, char *err,
            size_t errlen);

/* The same, LIVE false: only what reading it finds (syntax, names,
 * numbers, nesting, a function's count of arguments), as when a
 * condition is set; nothing is evaluated. */
int rx_eval_as(const struct rx_env *env, const char *text, bool live, uint64_t *v, char *err,
               size_t errlen);

/* print/F's line for V (F 0: print without a format), without its '\n'. */
void rx_format(char f, uint64_t v, char *out, size_t len);

/* A random expression into OUT (at most LEN bytes).  SPACES 0 writes it as
 * one word (for deposit's and examine's arguments); BAD > 0 makes roughly
 * one in BAD of them wrong somewhere (a bad token, an unknown name, a
 * missing parenthesis). */
void rx_gen(uint64_t *rng, const struct rx_env *env, int spaces, int bad,
            char *out, size_t len);

#endif
