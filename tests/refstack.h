/* refstack.h: an independent model of the monitor's stacks of control
 * programs ('nest', 'stack', 'stack step'), written from docs/monitor.md
 * ("Stacks of control programs (Theorem 2)", the command reference) and
 * docs/recursion.md.  The guest on top is a random program over
 * docs/isa.md (assembled by the real assembler), run bare on the reference
 * machine (refmodel.h) one step at a time; the model says what each line of
 * 'stack step' must show, and what level 1 records at HALT (refnest.h's
 * prediction of its figures).
 */
#ifndef TGM_TESTS_REFSTACK_H
#define TGM_TESTS_REFSTACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refmodel.h"

#define RS_K 640u /* each level's words (docs/recursion.md) */

/* A random guest: its source written to PATH, its bare machine of W words
 * (0: the default 65536, 'mem' not given). */
struct rs_guest {
    uint32_t w;
    bool mem_given;
    uint64_t *e; /* all of E, as 'nest' loads it */
    uint64_t entry;
    uint32_t data;  /* the address of the data words d0..d7 */
};

/* Write a random guest's source to PATH and assemble it.  False (with the
 * assembler's messages on stderr) if it does not assemble. */
bool rs_gen(uint64_t *rng, const char *path, struct rs_guest *g);
void rs_guest_free(struct rs_guest *g);

/* The guest on top, as the model runs it. */
struct rs_model {
    struct rm m;
    uint64_t k;      /* guest steps taken */
    bool halted;
    bool started_seen; /* 'stack step' said where it starts */
};

void rs_model_init(struct rs_model *s, const struct rs_guest *g);
void rs_model_copy(struct rs_model *dst, const struct rs_model *src);
void rs_model_free(struct rs_model *s);

/* One line's worth of guest steps ('stack step', docs/monitor.md): one
 * step, or two when a step lets in the timer trap (I set from 0 to 1 with
 * the timer pending).  Writes the line without its real-step count into
 * LINE ("  top guest s I=0 P=0x00003 l=0x00000 b=0x80000  (" and "2 steps,
 * " when two), the console bytes written into OUT (*NOUT), and returns the
 * steps taken (0 once halted). */
unsigned rs_model_line(struct rs_model *s, char *line, size_t len, uint8_t *out,
                       size_t *nout);
/* "s I=0 P=0x00003 l=0x00000 b=0x80000" of a PSW. */
void rs_psw_text(char *buf, size_t len, bool sup, bool ie, uint32_t p, uint32_t l, uint32_t b);
/* The timer as 'stack' shows a level's guest's. */
void rs_timer_text(char *buf, size_t len, const struct rm *m);

#endif
