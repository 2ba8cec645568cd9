/* sbuf.h: a growing string for the suites that build expected text piece
 * by piece (printf-style appends; S is NUL-terminated once anything was
 * added). */
#ifndef TGM_TESTS_SBUF_H
#define TGM_TESTS_SBUF_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

struct sbuf {
    char *s;
    size_t n, cap;
};

static inline void sbuf_printf(struct sbuf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static inline void sbuf_printf(struct sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0)
        abort();
    if (b->n + (size_t)k + 1 > b->cap) {
        b->cap = (b->n + (size_t)k + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    va_start(ap, fmt);
    vsnprintf(b->s + b->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)k;
}

static inline void sbuf_free(struct sbuf *b)
{
    free(b->s);
    *b = (struct sbuf){0};
}

#endif
