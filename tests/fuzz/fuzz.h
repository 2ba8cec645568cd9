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
static inline FILE *fuzz_sink(size_t *n)
{
    cookie_io_functions_t io = {.write = fuzz_sink_write};
    FILE *f = fopencookie(n, "w", io);
    if (!f)
        abort();
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

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

#endif
