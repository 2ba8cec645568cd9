/* fuzz.h: what the fuzz harnesses share (libFuzzer's entry point, also
 * built by AFL++'s afl-clang-fast -fsanitize=fuzzer).
 *
 * A harness checks invariants, not only "no crash": FUZZ_CHECK prints the
 * broken invariant and aborts, which the fuzzer reports as a finding with
 * the input that caused it.
 */
#ifndef TGM_FUZZ_H
#define TGM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "tgm/machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A stream that keeps nothing and counts the bytes written to it in *N
 * (when N is not NULL): output without allocations that the fuzzer's leak
 * check would have to scan. */
static inline ssize_t fuzz_sink_write(void *c, const char *buf, size_t len)
{
    (void)buf;
    if (c)
        *(size_t *)c += len;
    return (ssize_t)len;
}
/* An unbuffered stream whose writes go to FN with C. */
static inline FILE *fuzz_stream(void *c, cookie_write_function_t *fn)
{
    cookie_io_functions_t io = {.write = fn};
    FILE *f = fopencookie(c, "w", io);
    if (!f)
        abort();
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}
static inline FILE *fuzz_sink(size_t *n) { return fuzz_stream(n, fuzz_sink_write); }

/* A stream that keeps the first bytes written to it since the last
 * fuzz_count_reset, and its last line, and counts the bytes and lines:
 * whether what a command said is one line, and what it was. */
struct fuzz_count {
    size_t bytes, lines;
    int last;            /* the last byte */
    char text[512];      /* the first bytes */
    char line[256], cur[256]; /* the last whole line (its start), the one being written */
    size_t cur_len;
};
static inline ssize_t fuzz_count_write(void *c, const char *buf, size_t len)
{
    struct fuzz_count *n = c;
    for (size_t i = 0; i < len; i++, n->bytes++) {
        if (n->bytes < sizeof n->text - 1)
            n->text[n->bytes] = buf[i];
        n->last = (unsigned char)buf[i];
        if (buf[i] == '\n') {
            n->lines++;
            memcpy(n->line, n->cur, n->cur_len);
            n->line[n->cur_len] = '\0';
            n->cur_len = 0;
        } else if (n->cur_len < sizeof n->cur - 1) {
            n->cur[n->cur_len++] = buf[i];
        }
    }
    return (ssize_t)len;
}
static inline FILE *fuzz_counter(struct fuzz_count *n)
{
    return fuzz_stream(n, fuzz_count_write);
}
static inline void fuzz_count_reset(struct fuzz_count *n) { memset(n, 0, sizeof *n); }

/* A fresh directory NAMEXXXXXX in $TMPDIR (else /tmp), removed with
 * everything in it when the fuzzer exits. */
static char *fuzz_tmpdir_path;
static inline int fuzz_rm_one(const char *path, const struct stat *st, int flag,
                              struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}
static inline void fuzz_tmpdir_remove(void)
{
    nftw(fuzz_tmpdir_path, fuzz_rm_one, 16, FTW_DEPTH | FTW_PHYS);
}
static inline char *fuzz_tmpdir(const char *name)
{
    static char template[4096];
    const char *t = getenv("TMPDIR");
    snprintf(template, sizeof template, "%s/%sXXXXXX", t && *t ? t : "/tmp", name);
    if (!mkdtemp(template))
        abort();
    fuzz_tmpdir_path = template;
    atexit(fuzz_tmpdir_remove);
    return template;
}

/* A copy of DATA whose last 8 bytes are the FNV-1a 64 of the rest, as an
 * image's and a snapshot's checksum is: a harness tries it after the bytes
 * themselves are refused, so that mutations reach the parser behind the
 * checksum (a mutated byte alone almost never keeps it right).  NULL when
 * the input is too short or already has it right.  Free it. */
static inline uint8_t *fuzz_checksummed(const uint8_t *data, size_t size)
{
    if (size < 16)
        return NULL;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size - 8; i++)
        h = (h ^ data[i]) * 0x100000001b3ull;
    uint8_t *copy = malloc(size);
    if (!copy)
        abort();
    memcpy(copy, data, size - 8);
    for (int k = 0; k < 8; k++)
        copy[size - 8 + k] = (uint8_t)(h >> (8 * k));
    if (!memcmp(copy, data, size)) {
        free(copy);
        return NULL;
    }
    return copy;
}

#define FUZZ_CHECK(cond, ...)                                                   \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "invariant broken (%s:%d): ", __FILE__, __LINE__);  \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            abort();                                                            \
        }                                                                       \
    } while (0)

/* Every trap M has taken, of any cause (a step trapped if this moved). */
static inline uint64_t fuzz_traps(const struct machine *m)
{
    struct machine_counters c = machine_get_counters(m);
    uint64_t n = 0;
    for (int i = 0; i < TRAP_NCAUSES; i++)
        n += c.traps[i];
    return n;
}

#endif
