/* report.h: printing a machine's final state, as text or as one JSON object.
 *
 * The state printed is section 2's S = <E, M, P, R> seen from outside: the
 * PSW fields, the trap and cycle counters, the timer and console extensions,
 * and a digest of E.  It is captured into a struct of plain values, so a
 * control program can report a virtual machine's state the same way.
 */
#ifndef TGM_REPORT_H
#define TGM_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tgm/machine.h"

/* Why the run whose state is reported stopped. */
enum report_stop {
    STOP_NONE,        /* not stated (a snapshot) */
    STOP_HALT,        /* HALT in supervisor mode */
    STOP_STEP_LIMIT,  /* the step limit was reached */
    STOP_TRAP,        /* a trap the caller asked to stop on (detail: cause) */
    STOP_BREAK,       /* breakpoint (detail: physical address) */
    STOP_WATCH,       /* watchpoint (detail: physical address) */
    STOP_HOST,        /* HCALL (detail: its number) */
    STOP_INTERRUPT,   /* the user interrupted the run */
    STOP_COUNT
};

struct report_state {
    const char *name;        /* label such as "vm1", or NULL */
    const char *profile;     /* instruction-set profile name, or NULL */
    enum report_stop stop;
    uint32_t stop_detail;    /* see enum report_stop */
    uint64_t psw;            /* the PSW word; its cause bits are ignored */
    uint8_t last_trap;       /* enum trap_cause */
    struct machine_counters ctr;
    struct machine_timer timer;
    uint32_t q;              /* words of E the digest covers */
    uint64_t digest;         /* FNV-1a 64 of E, little-endian words */
    bool counters_unknown;   /* cycles, instructions, steps not kept (a nested
                                guest: no level counts them); printed as such */
    bool not_started;        /* a nested guest its control program has not
                                booted yet: its PSW means nothing */
    const uint8_t *console;  /* console output so far (borrowed, not NUL-terminated) */
    size_t console_len;
    uint64_t console_bytes;  /* bytes written, when more than CONSOLE holds (a
                                streamed run, a full buffer); 0: console_len */
};

/* Fill ST from M; EX (may be NULL) gives the stop reason.  ST borrows M's
 * console buffer, so it is valid until M runs again or is destroyed. */
void report_capture(struct report_state *st, const struct machine *m,
                    const struct machine_exit *ex);
/* The stop reason an exit record stands for, and its detail. */
enum report_stop report_stop_of(const struct machine_exit *ex, uint32_t *detail);
/* Short names: "halt", "step_limit", ... (JSON) and "halted", ... (text). */
const char *report_stop_key(enum report_stop s);
const char *report_stop_text(enum report_stop s);

/* The state as aligned "field  value" lines, headed by the stop reason. */
void report_text(FILE *f, const struct report_state *st);
/* The console output exactly as it is; true when it leaves a line open
 * (does not end in a newline), so that the caller starts whatever it
 * prints next on a line of its own, and adds nothing when nothing follows. */
bool report_console(FILE *f, const struct report_state *st);
/* The state as one JSON object (no trailing newline), so callers can put
 * several in an array.  64-bit words (PSW, digest) are hex strings; counts
 * are numbers; console bytes are escaped, bytes >= 0x80 as \u0080..\u00ff. */
void report_json(FILE *f, const struct report_state *st);
/* S[0..n-1] as a quoted JSON string, escaped as report_json does. */
void report_json_string(FILE *f, const uint8_t *s, size_t n);
/* NAME (a file's name) as a quoted JSON string of its text: UTF-8
 * characters as they are, other bytes and control characters escaped as
 * report_json_string does. */
void report_json_name(FILE *f, const char *name);

#endif
