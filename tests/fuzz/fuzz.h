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
