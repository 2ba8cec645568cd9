/* refbreak.h: a model of the monitor's breakpoints, watchpoints and trap
 * stops, written from docs/monitor.md alone ("breakpoints" in the command
 * reference, "Words from gdb, QEMU and SIMH", "Scripts", "Reverse
 * execution" on hit counts), over the reference machine of refmodel.h.
 *
 * What the model takes from the docs:
 *  - 'break ADDR' stops before executing E[ADDR] (ADDR physical, or '.'
 *    developed through R); a run passes one at the instruction it starts
 *    from; 'ignore N' lets the first N hits pass, and they count as hits
 *    (README's 'break loop ignore 2' ... 'hit 3 times'); a hit whose
 *    condition is false is not counted; a condition that cannot be
 *    evaluated at a hit stops the run with an error.
 *  - 'watch [read|write|access] ADDR [COUNT]' stops after the instruction
 *    that accessed the words (default write), its condition evaluated
 *    after the access; a trap writes E[0] and reads E[1], the write named.
 *  - 'break trap CAUSE...' stops after such a trap, naming the old PSW's P.
 *  - 'until ADDR' is a one-shot breakpoint; 'for N' stops after N steps;
 *    'step N' is stopped early by HALT, a watchpoint or a trap stop (the
 *    list names no breakpoint); the step limit ends any run.
 *  - a 'do' list runs after the stop is reported; 'continue' in it resumes
 *    the same run (its counts go on).
 *  - 'ignore ID N' sets what is left; 'delete' with a number that is no
 *    breakpoint changes nothing.
 * Where the docs say nothing, the model follows tgm (see the notes in
 * refbreak.c).
 */
#ifndef TGM_TESTS_REFBREAK_H
#define TGM_TESTS_REFBREAK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refmodel.h"

#define RB_MAXBP 32
#define RB_MAXN 48 /* nodes of a condition */

/* A condition: nodes, the root last. */
struct rb_node {
    char op; /* 'n' number, 'E' 'V' (a), 'P' 'M' 'I' 'l' 'b' 's' 'c' 'i' 'q'
                leaves, binary + - * / % = (==) ! (!=) < L (<=) > G (>=) & | ^
                A (&&) O (||), unary N (!) u (-) */
    int a, b;
    int64_t v;
};
struct rb_cond {
    struct rb_node n[RB_MAXN];
    int nn;
    char txt[400];
};

enum { RB_BRK, RB_WATCH, RB_TRAP };

struct rb_bp {
    int id, kind;
    uint32_t lo, hi; /* RB_BRK: lo; RB_WATCH: lo..hi */
    int wk;          /* 1 read, 2 write, 3 access */
    unsigned tmask;  /* RB_TRAP: 1u << cause */
    uint64_t hits, ign;
    bool has_cond;
    struct rb_cond c;
    int dol; /* 0 none, 1 do "echo bN", 2 do "echo bN; continue" */
};

struct rb {
    struct rm m;
    uint64_t e[1024];
    struct rb_bp bp[RB_MAXBP];
    int nbp, next_id;
    uint64_t limit;
    char out[1 << 18]; /* the expected report lines of the last command */
    size_t nout;
    bool trap_loop;  /* the model met a trap loop: the session ends */
    bool vm;         /* the program runs in a VM ('g: halted: ...') */
    bool vhalted;    /* ... which has halted: it runs no more */
};

/* Evaluate C on the model's state: 0 and *V, or -1 (an error). */
int rb_eval(const struct rm *m, const struct rb_cond *c, int i, int64_t *v);

/* A run as the monitor makes it: STEP is 'step N' (FORN = N), else go,
 * continue or until (FORN 0 for none; UNTIL >= 0 a one-shot breakpoint at
 * E[UNTIL]).  Appends the expected report lines to R->out; returns -1 when
 * the run must fail (a condition that cannot be evaluated). */
int rb_run(struct rb *r, bool step, uint64_t forn, int64_t until);

/* Report lines of the monitor's output OUT (LEN bytes) as the model writes
 * them, into BUF. */
void rb_filter(const char *out, size_t len, char *buf, size_t cap);

#endif
