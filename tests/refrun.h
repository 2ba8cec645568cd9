/* refrun.h: an independent model of what `tgm run` prints, written from
 * docs/run.md alone: the text report, the JSON object, the step limit's
 * note and the exit status of a bare run, computed from the reference
 * machine of refmodel.h (docs/isa.md) running the same program.  For
 * test_audit_refrun.c, which compares it byte for byte with the binary.
 */
#ifndef TGM_TESTS_REFRUN_H
#define TGM_TESTS_REFRUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refmodel.h"

/* A growing text. */
struct rr_buf {
    char *s;
    size_t n, cap;
};
void rr_put(struct rr_buf *b, const void *p, size_t n);
void rr_printf(struct rr_buf *b, const char *fmt, ...);

enum rr_stop { RR_HALT, RR_LIMIT };

/* The machine, and the cause of the last trap it took (0: none). */
struct rr {
    struct rm m;
    unsigned last;
};

/* A bare machine of Q words: E zero but for the image's N words at LOAD,
 * the entry PSW, the timer disarmed, the console's input IN.  rr_free
 * releases E. */
void rr_init(struct rr *r, uint32_t q, int prof, uint32_t load, const uint64_t *w,
             size_t n, uint64_t entry, const uint8_t *in, size_t nin);
void rr_free(struct rr *r);
/* Run to HALT or MAX steps (0: no limit). */
enum rr_stop rr_run(struct rr *r, uint64_t max);

/* FNV-1a 64 of E, each word as 8 little-endian bytes. */
uint64_t rr_digest(const struct rm *m);
/* "What is printed": the state lines, from `-- halted` to the digest
 * (and `profile` when it is not the default); NAME, if not NULL, labels
 * the first line as the report API does (`-- vm1: halted`). */
void rr_state_text(struct rr_buf *b, const struct rr *r, enum rr_stop stop, const char *name);
/* The console as printed before the state: its bytes, then a newline if
 * it did not end in one (when FOLLOWS: something comes after it). */
void rr_console_text(struct rr_buf *b, const struct rm *m, bool follows);
/* "JSON": the one-line object (no trailing newline). */
void rr_json(struct rr_buf *b, const struct rr *r, enum rr_stop stop);
/* "The step limit": the machine is in the loop of a trap with no handler
 * (each step takes a memory trap and E[1] loads the same PSW): the cause
 * of the trap that repeats, or 0. */
unsigned rr_trap_loop(const struct rm *m);
/* none, privileged, memory, svc, illegal, timer */
const char *rr_cause_name(unsigned cause);
/* The note on stderr when a run stops at its step limit MAX (NAME: the
 * VM's, or NULL). */
void rr_limit_note(struct rr_buf *b, const struct rm *m, uint64_t max, const char *name);

/* --vmm --stats: the lines of docs/run.md's example, and the JSON object. */
struct vm_stats;
void rr_stats_text(struct rr_buf *b, const struct vm_stats *st);
void rr_stats_json(struct rr_buf *b, const struct vm_stats *st);
/* --nest: the guest's state, a bare run's with the three counts "not
 * counted by the control programs (see the levels)". */
void rr_nest_state(struct rr_buf *b, const struct rr *m);

/* ---- random programs (a SplitMix64 stream, seeded through rr_rng) ---- */

#define MAXW 96

struct prog {
    uint32_t load, n;
    uint64_t w[MAXW];
    uint64_t entry;
};

extern uint64_t rr_rng;
uint32_t rr_rn(uint32_t n); /* 0 .. n-1 */
/* An instruction word: opcode and the fields A, B, C. */
uint64_t rr_enc(unsigned op, uint32_t a, uint32_t b, uint32_t c);
/* Words 0 and 1 (when loaded at 0), code that halts, traps, loops, uses
 * the console and the timer, a trap handler of one of three kinds, data. */
void gen_prog(struct prog *g);

#endif
