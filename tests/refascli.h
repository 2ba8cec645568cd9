/* refascli.h: a model of `tgm as` as a user runs it, written from the
 * command-line parts of docs/asm.md, docs/robustness.md and `tgm as --help`
 * alone, for test_audit_refascli.c.  It makes a random source set (a main
 * file and an included one, good lines and lines with one known error each:
 * odd bytes, long lines, tabs, a BOM, CRLF) and predicts, line by line, what
 * tgm prints: every diagnostic with its excerpt and caret, the count, the
 * listing, and the image.
 */
#ifndef TGM_TESTS_REFASCLI_H
#define TGM_TESTS_REFASCLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refimage.h"

/* A growing string (NUL-terminated; may hold other bytes). */
struct rasc_sb {
    char *p;
    size_t n, cap;
};
void rasc_put(struct rasc_sb *b, const char *s, size_t n);
void rasc_printf(struct rasc_sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void rasc_sb_free(struct rasc_sb *b);

/* What assembling one random source set gives. */
struct rasc_src {
    char main_name[96], inc_name[96], inc2_name[96]; /* as tgm names them */
    struct rasc_sb main_text, inc_text, inc2_text;
    bool has_inc;    /* inc.s exists ... */
    bool includes;   /* ... and main reads it */
    bool has_inc2;   /* inc2.s, which inc.s may include, exists */
    /* the prediction */
    int nerr;
    struct rasc_sb diags;   /* the first 20 diagnostics (and the "more" line) */
    struct rasc_sb listing; /* without the summary line */
    struct ri_image img;  /* when nerr == 0 */
};

/* A source set in directory DIR (as tgm is given it, e.g. "c3" or
 * "c3/d.d") whose main file is MAIN (its name there); BAD is the chance in
 * 1/16ths that a line is an error line. */
void rasc_make(uint64_t *r, struct rasc_src *s, const char *dir, const char *main, unsigned bad);
void rasc_free(struct rasc_src *s);

/* The summary line of a listing of IMG. */
void rasc_summary(struct rasc_sb *b, const struct ri_image *img);
/* "N error(s)" words. */
const char *rasc_plural(long n);

#endif
