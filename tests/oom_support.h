/* oom_support.h: running out of memory on demand, for a test binary that
 * includes this header in its one test file (it defines malloc, calloc,
 * realloc and free, which come before the C library's for every caller).
 *
 * fail_after(N) makes the Nth allocation from then on fail with ENOMEM;
 * disarm() says whether it was reached.  While COUNTING is set, LIVE
 * counts blocks allocated less blocks freed, so that a test can see what
 * a call left allocated.  Under a sanitizer (which owns malloc) nothing
 * is replaced and OOM_SKIP is 1: the tests skip themselves.
 */
#ifndef TGM_TESTS_OOM_SUPPORT_H
#define TGM_TESTS_OOM_SUPPORT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#if defined(__SANITIZE_ADDRESS__)
#define OOM_SKIP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OOM_SKIP 1
#endif
#endif
#ifndef OOM_SKIP
#define OOM_SKIP 0
#endif

static long countdown; /* the call that fails, counted down; 0: none */
/* (unused where a file leaves them alone, or under a sanitizer) */
static bool counting __attribute__((unused)); /* blocks allocated less freed, into live */
static long live __attribute__((unused));

static inline void fail_after(long n)
{
    countdown = n;
}

/* true if the armed call was reached (and failed) */
static inline bool disarm(void)
{
    bool hit = countdown == 0;
    countdown = 0;
    return hit;
}

#if !OOM_SKIP
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

static inline bool fails(void)
{
    if (countdown <= 0 || --countdown > 0)
        return false;
    errno = ENOMEM;
    return true;
}

static inline void *counted(void *p)
{
    live += counting && p;
    return p;
}

void *malloc(size_t n)
{
    return fails() ? NULL : counted(__libc_malloc(n));
}

void *calloc(size_t a, size_t b)
{
    return fails() ? NULL : counted(__libc_calloc(a, b));
}

void *realloc(void *p, size_t n)
{
    if (fails())
        return NULL;
    void *q = __libc_realloc(p, n);
    return p ? q : counted(q);
}

void free(void *p)
{
    live -= counting && p;
    __libc_free(p);
}
#endif

#endif
