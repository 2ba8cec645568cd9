/* oom_support.h: running out of memory on demand, for a test binary that
 * includes this header in its one test file (it defines malloc, calloc,
 * realloc, aligned_alloc, free, mmap and munmap, which come before the C
 * library's for every caller).
 *
 * fail_after(N) makes the Nth allocation from then on fail with ENOMEM;
 * disarm() says whether it was reached.  While COUNTING is set, LIVE
 * counts blocks allocated less blocks freed, and MAPPED bytes mapped less
 * bytes unmapped (a mapping may be given back in parts), so that a test
 * can see what a call left allocated.  Under a sanitizer (which owns
 * malloc) nothing is replaced and OOM_SKIP is 1: the tests skip themselves.
 * Below, a monitor session whose output goes to fixed buffers, and two
 * small programs.
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
static long mapped __attribute__((unused));

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
extern void *__libc_memalign(size_t, size_t);

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

void *aligned_alloc(size_t align, size_t n)
{
    return fails() ? NULL : counted(__libc_memalign(align, n));
}

void free(void *p)
{
    live -= counting && p;
    __libc_free(p);
}

/* A machine's large memories come from mmap: they fail and count too. */
#include <dlfcn.h>
#include <sys/mman.h>

void *mmap(void *a, size_t n, int prot, int flags, int fd, off_t off)
{
    static void *(*next)(void *, size_t, int, int, int, off_t);
    if (!next) /* before fails(): dlsym may allocate */
        *(void **)&next = dlsym(RTLD_NEXT, "mmap");
    if (fails())
        return MAP_FAILED;
    void *p = next(a, n, prot, flags, fd, off);
    if (p != MAP_FAILED && counting)
        mapped += (long)n;
    return p;
}

int munmap(void *a, size_t n)
{
    static int (*next)(void *, size_t);
    if (!next)
        *(void **)&next = dlsym(RTLD_NEXT, "munmap");
    if (counting)
        mapped -= (long)n;
    return next(a, n);
}
#endif


/* ---- a monitor session whose streams never allocate ---- */

#include <stdio.h>
#include <string.h>

#include "tgm/monitor.h"

/* open_memstream grows with realloc, which these tests make fail: the
 * session writes into fixed buffers instead, unbuffered. */
struct oom_sess {
    struct mon *m;
    FILE *out, *err;
    char obuf[1 << 16], ebuf[1 << 14];
};
static struct oom_sess S __attribute__((unused));

static inline FILE *oom_fixed_stream(char *buf, size_t len)
{
    memset(buf, 0, len);
    FILE *f = fmemopen(buf, len - 1, "w");
    assert_non_null(f);
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

static inline void sess_open(void)
{
    S.out = oom_fixed_stream(S.obuf, sizeof S.obuf);
    S.err = oom_fixed_stream(S.ebuf, sizeof S.ebuf);
    S.m = mon_create(S.out, S.err);
    assert_non_null(S.m);
}

static inline void sess_close(void)
{
    mon_destroy(S.m);
    fclose(S.out);
    fclose(S.err);
}

/* Forget what the session wrote so far. */
static inline void sess_clear(void)
{
    rewind(S.out);
    rewind(S.err);
    memset(S.obuf, 0, sizeof S.obuf);
    memset(S.ebuf, 0, sizeof S.ebuf);
}

/* A program that writes "hello, world\n" and halts. */
static const char oom_hello_s[] __attribute__((unused)) =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LI    i, 0\n"
    "loop:   LDX   ch, msg, i\n"
    "        BZ    ch, stop\n"
    "        COUT  ch\n"
    "        ADDI  i, i, 1\n"
    "        JMP   loop\n"
    "stop:   HALT\n"
    "fault:  HALT\n"
    "i:      .word 0\n"
    "ch:     .word 0\n"
    "msg:    .asciz \"hello, world\\n\"\n";

/* 600 bytes of output: a console buffer grown thrice. */
static const char oom_many_s[] __attribute__((unused)) =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LI    n, 600\n"
    "        LI    ch, 65\n"
    "loop:   COUT  ch\n"
    "        DJNZ  n, loop\n"
    "        HALT\n"
    "fault:  HALT\n"
    "n:      .word 0\n"
    "ch:     .word 0\n";

#endif
