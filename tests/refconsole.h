/* refconsole.h: an independent model of the guest console as a user sees
 * it, written from docs/isa.md ("The console"), docs/run.md (`--input`,
 * `--input-file`, what is printed, JSON) and docs/monitor.md ("The
 * terminal", `console`, `vm console`, `vm input`, the `console <-` lines of
 * `step`), over the reference machine of refmodel.h.  For
 * test_audit_refconsole.c, which compares it byte for byte with the binary.
 */
#ifndef TGM_TESTS_REFCONSOLE_H
#define TGM_TESTS_REFCONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refrun.h"

#define RC_Q 4096u      /* the guest's bound b, and a VM's words */
#define RC_WORDS 400u   /* the image: code, handler, data */
#define RC_MAXSLOT 12

/* A random guest that writes and reads the console in either mode, takes
 * SVC, privileged and timer traps, and whose handler writes a marker byte
 * and resumes past the trapping instruction; it always halts. */
struct rc_guest {
    uint64_t w[RC_WORDS];
    uint32_t n;
    uint64_t entry;
    uint32_t cin[RC_MAXSLOT]; /* the words CIN stores into */
    unsigned ncin;
};

void rc_gen(struct rc_guest *g, uint64_t *rng);

/* A machine running a guest, with a console input queue that grows. */
struct rc_mach {
    struct rr r;
    uint8_t *in;
    size_t nin, cap;
    bool halted;
};

void rc_init(struct rc_mach *m, const struct rc_guest *g, uint32_t q);
void rc_free(struct rc_mach *m);
void rc_queue(struct rc_mach *m, const uint8_t *b, size_t n);
/* One step; the byte it wrote, or -1. */
int rc_step(struct rc_mach *m);
/* PSW word of the machine (cause bits clear). */
uint64_t rc_psw(const struct rc_mach *m);

/* ---- how the console is shown ---- */

/* `console <- "..."` escaping (docs/monitor.md, examine -c): \n \t \r,
 * \" and \\, printable ASCII as itself, \xHH for every other byte. */
void rc_esc_step(struct rr_buf *b, const uint8_t *s, size_t n);
/* JSON string body: printable ASCII as itself, \" \\ \n \r \t, \u00XX. */
void rc_esc_json(struct rr_buf *b, const uint8_t *s, size_t n);
/* Bytes, then a newline if they did not end in one (nothing if empty). */
void rc_closed(struct rr_buf *b, const uint8_t *s, size_t n);

/* Live output of several VMs: each line prefixed `NAME| `; a line left
 * open by one VM is ended before another's bytes. */
struct rc_live {
    struct rr_buf *b;
    int cur; /* the VM whose line is open, -1: none */
};
void rc_live_byte(struct rc_live *l, int vm, const char *name, uint8_t c);
void rc_live_end(struct rc_live *l);

/* TEXT as a monitor word in double quotes that queues exactly S (random
 * spellings of the escapes docs/monitor.md lists). */
void rc_mon_text(struct rr_buf *b, const uint8_t *s, size_t n, uint64_t *rng);

#endif
