/* test_audit_scale.c: how the assembler's cost grows with its input.  Each
 * test runs a size that the fixed code handles in about a second but the
 * code before its fix took minutes or hours on (or more memory than a
 * limit set here), so that a regression shows as a suite that does not end
 * or a failure, never as a timed assertion.
 *
 * - an undefined symbol's "did you mean" looked at every symbol for every
 *   error, shown or not: 200,000 of each was about two days of work;
 * - a statement that overlaps many others was lexed again for each overlap
 *   though it reports one error: a line of 150,000 words over as many
 *   others was lexed 150,000 times;
 * - an .include kept the 8 KiB its text was read into, and found whether
 *   it was read before by a walk over every file: 100,000 includes of a
 *   one-line file took 800 MB.
 *
 * Runs the assembler through the library, and the real binary
 * (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"

/* An address-space limit does not go with a sanitizer's shadow memory. */
#if defined(__SANITIZE_ADDRESS__)
#define SCALE_NO_RLIMIT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define SCALE_NO_RLIMIT 1
#endif
#endif
#ifndef SCALE_NO_RLIMIT
#define SCALE_NO_RLIMIT 0
#endif

/* A growing text buffer. */
struct text {
    char *p;
    size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if (t->p && (size_t)n < t->cap - t->len) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->p = realloc(t->p, t->cap);
        assert_non_null(t->p);
    }
}

/* Assemble SRC through the library: its count of errors, and its messages
 * in *DIAG. */
static int assemble(const char *src, size_t len, char **diag)
{
    size_t dlen = 0;
    FILE *f = open_memstream(diag, &dlen);
    assert_non_null(f);
    struct tgm_image img;
    int rc = asm_assemble_buffer("big.s", src, len, &img, f);
    assert_int_equal(fclose(f), 0);
    if (rc == 0)
        image_free(&img);
    return rc;
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what))
        n++;
    return n;
}

/* 200,000 labels, each line using an undefined name next to one: every
 * error is counted, the first 20 are shown with the nearest name, and only
 * those 20 looked for it (the rest, 4e10 edit distances, took days). */
static void undefined__suggestions_cost_only_the_errors_shown(void **state)
{
    (void)state;
    enum { N = 200000 };
    struct text t = {0};
    for (int i = 0; i < N; i++)
        text_add(&t, "lab%d: ADD lab%dx, lab%d, 3\n", i, i, i);
    char *diag = NULL;
    assert_int_equal(assemble(t.p, t.len, &diag), N);
    assert_non_null(strstr(diag, "big.s:1:11: error: undefined symbol 'lab0x' (did you mean "
                                 "'lab0'?)\n"));
    assert_non_null(strstr(diag, "big.s:20:12: error: undefined symbol 'lab19x' (did you mean "
                                 "'lab19'?)\n"));
    assert_null(strstr(diag, "big.s:21:"));
    assert_int_equal(count(diag, "(did you mean"), 20);
    assert_non_null(strstr(diag, "(199980 more errors not shown)\n"));
    free(diag);
    free(t.p);
}

/* Errors found in pass 1 further down do not take the suggestion from the
 * undefined names above them, which are still among the first 20. */
static void undefined__a_shown_error_keeps_its_suggestion(void **state)
{
    (void)state;
    struct text t = {0};
    for (int i = 0; i < 3000; i++)
        text_add(&t, "lab%d: ADD lab%dx, lab%d, 3\n", i, i, i);
    for (int i = 0; i < 30; i++)
        text_add(&t, "  BAD 1\n");
    char *diag = NULL;
    assert_int_equal(assemble(t.p, t.len, &diag), 3030);
    assert_int_equal(count(diag, "(did you mean 'lab"), 20);
    assert_null(strstr(diag, "unknown mnemonic"));
    assert_non_null(strstr(diag, "(3010 more errors not shown)\n"));
    free(diag);
    free(t.p);
}

/* 150,000 one-word lines, then one line of 150,000 words over them all:
 * one error (the long line's), and the long line lexed once for it rather
 * than once per word it overlaps. */
static void overlap__a_long_line_over_many_is_lexed_once(void **state)
{
    (void)state;
    enum { N = 150000 };
    struct text t = {0};
    for (int i = 0; i < N; i++)
        text_add(&t, ".org %d\n.word 1\n", i);
    text_add(&t, ".org 0\n.word 1");
    for (int i = 1; i < N; i++)
        text_add(&t, ", 1");
    text_add(&t, "\n");
    char *diag = NULL;
    assert_int_equal(assemble(t.p, t.len, &diag), 1);
    assert_non_null(strstr(diag, "big.s:300002:1: error: address 0x00000 already holds a word "
                                 "from big.s:2\n"));
    assert_int_equal(count(diag, ": error: "), 1);
    assert_null(strstr(diag, "more error"));
    free(diag);
    free(t.p);
}

/* 'tgm as SRC -o IMG' with its address space limited to LIMIT bytes. */
static int as_limited(const char *src, const char *img, rlim_t limit)
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct rlimit rl = {limit, limit};
        if (setrlimit(RLIMIT_AS, &rl) != 0 || !freopen("/dev/null", "w", stdout) ||
            !freopen("/dev/null", "w", stderr))
            _exit(126);
        execl(cs_tgm(), cs_tgm(), "as", src, "-o", img, (char *)NULL);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 100,000 includes of a one-line file fit in 256 MiB of address space
 * (they took 8 KiB each, 800 MB); the image holds one word from each. */
static void include__many_includes_hold_no_read_slack(void **state)
{
    (void)state;
    if (SCALE_NO_RLIMIT)
        skip();
    enum { N = 100000 };
    char one[CS_PATH], main_s[CS_PATH], img[CS_PATH];
    cs_write_text(one, sizeof one, "one.s", "        .word 7\n");
    struct text t = {0};
    for (int i = 0; i < N; i++)
        text_add(&t, ".include \"one.s\"\n");
    cs_write_text(main_s, sizeof main_s, "many.s", t.p);
    cs_tmp_path(img, sizeof img, "many.img");
    assert_int_equal(as_limited(main_s, img, (rlim_t)256 << 20), 0);
    struct tgm_image im;
    char why[256];
    assert_int_equal(image_read_file(img, &im, why, sizeof why), 0);
    assert_int_equal(im.nwords, N);
    assert_int_equal(im.words[0], 7);
    assert_int_equal(im.words[N - 1], 7);
    image_free(&im);
    free(t.p);
}

/* With more files than the table of included files first holds, a file
 * read again still says from where, and one read once says nothing. */
static void include__read_again_is_told_among_many_files(void **state)
{
    (void)state;
    enum { N = 300 };
    char path[CS_PATH], name[64];
    struct text t = {0};
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof name, "inc%d.s", i);
        cs_write_text(path, sizeof path, name, i == 5 || i == N - 1 ? "  BAD\n" : "  .word 1\n");
        text_add(&t, ".include \"%s\"\n", name);
    }
    text_add(&t, ".include \"inc5.s\"\n");
    cs_write_text(path, sizeof path, "top.s", t.p);
    char img[CS_PATH];
    cs_tmp_path(img, sizeof img, "top.img");
    struct cs_outcome o = cs_run_tgm("as", path, "-o", img, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "inc5.s:1:3: error: unknown mnemonic 'BAD'\n"));
    assert_non_null(strstr(o.err, "inc299.s:1:3: error: unknown mnemonic 'BAD'\n"));
    assert_non_null(strstr(o.err, "inc5.s:1:3: error: unknown mnemonic 'BAD' (included again "
                                  "from "));
    assert_non_null(strstr(o.err, "top.s:301)\n"));
    assert_int_equal(count(o.err, "included again"), 1);
    cs_outcome_free(&o);
    free(t.p);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("audit_scale");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(undefined__suggestions_cost_only_the_errors_shown),
        cmocka_unit_test(undefined__a_shown_error_keeps_its_suggestion),
        cmocka_unit_test(overlap__a_long_line_over_many_is_lexed_once),
        cmocka_unit_test(include__many_includes_hold_no_read_slack),
        cmocka_unit_test(include__read_again_is_told_among_many_files),
    };
    return cmocka_run_group_tests_name("audit_scale", tests, group_setup, group_teardown);
}
