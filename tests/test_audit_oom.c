/* test_audit_oom.c: running out of memory, one allocation at a time.
 *
 * This file's own malloc, calloc, realloc, aligned_alloc and mmap
 * (oom_support.h: the executable's definitions come before the C library's,
 * for every caller) fail the Nth call after fail_after(N).  Each test runs
 * a library entry point with N = 1, 2, ... until a run makes fewer than N
 * calls, and asserts what robustness.md asks of bad input and failures:
 * an error said, or the same answer as with memory; never a crash, never a
 * different answer.  Under a sanitizer (which owns malloc) the tests are
 * skipped.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#include "oom_support.h"


static bool image_same(const struct tgm_image *a, const struct tgm_image *b)
{
    if (a->load != b->load || a->nwords != b->nwords || a->entry_psw != b->entry_psw ||
        a->nsyms != b->nsyms || memcmp(a->words, b->words, a->nwords * sizeof *a->words))
        return false;
    for (uint32_t i = 0; i < a->nsyms; i++)
        if (strcmp(a->syms[i].name, b->syms[i].name) || a->syms[i].value != b->syms[i].value)
            return false;
    return true;
}

/* The assembler gave up with abort() when an allocation failed: the whole
 * process (a monitor session, a --nest run) died of SIGABRT. */
static void asm__out_of_memory_is_an_error_not_an_abort(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct tgm_image ref;
    assert_int_equal(asm_assemble_string("hello.s", oom_hello_s, &ref, NULL), 0);
    int failed = 0;
    for (long n = 1;; n++) {
        struct tgm_image img = {0};
        fail_after(n);
        errno = 0;
        int rc = asm_assemble_string("hello.s", oom_hello_s, &img, NULL);
        int e0 = errno;
        bool hit = disarm();
        if (rc == 0) {
            assert_true(image_same(&img, &ref));
        } else {
            assert_int_equal(rc, 1);
            assert_int_equal(e0, ENOMEM); /* asm.h */
        }
        failed += rc != 0;
        image_free(&img);
        if (!hit)
            break;
    }
    assert_true(failed > 10); /* the allocations were reached */
    image_free(&ref);
}

/* asm_assemble_line, the monitor's 'assemble': "out of memory", -1. */
static void asm_line__out_of_memory_is_an_error_not_an_abort(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    uint64_t ref;
    char err[128] = "";
    assert_int_equal(asm_assemble_line("ADDI 5, 6, 1", 0, NULL, &ref, err, sizeof err), 0);
    int failed = 0;
    for (long n = 1;; n++) {
        uint64_t w = 0;
        fail_after(n);
        int rc = asm_assemble_line("ADDI 5, 6, 1", 0, NULL, &w, err, sizeof err);
        bool hit = disarm();
        if (rc != 0) {
            assert_string_equal(err, "out of memory");
            failed++;
        } else {
            assert_true(w == ref);
        }
        if (!hit)
            break;
    }
    assert_true(failed > 0);
}

/* vmm_check answered "NOT equivalent" when a console byte could not be
 * kept, or no machine for f(S2) could be made: now no verdict (-1 or
 * setup_failed), or the true one. */
static void check__out_of_memory_is_no_verdict(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("hello.s", oom_hello_s, &img, NULL), 0);
    const struct tgm_image *imgs[2] = {&img, &img};
    struct check_opts o = {.w = 4096};
    int failed = 0;
    for (long n = 1;; n++) {
        struct check_result res[2];
        char err[256] = "";
        fail_after(n);
        int rc = vmm_check(imgs, 2, &o, res, err, sizeof err);
        bool hit = disarm();
        if (rc == 0 && !res[0].setup_failed && !res[1].setup_failed) {
            if (!res[0].equivalent || !res[1].equivalent)
                fail_msg("N = %ld: NOT equivalent: %s / %s", n, res[0].alone_diff,
                         res[0].together_diff);
        } else {
            assert_true(err[0] != '\0');
            failed++;
        }
        if (!hit)
            break;
    }
    assert_true(failed > 5);
    image_free(&img);
}

/* A console byte the analyzer's machine could not keep made COUT "location
 * sensitive": now no result (NULL), or the same classes as with memory. */
static void analyze__out_of_memory_is_no_result(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct analyze_options ao = {.random_states = 64};
    const struct isa_profile *p = isa_profile_default();
    struct analyze_result *ref = analyze_profile(p, &ao);
    assert_non_null(ref);
    int failed = 0;
    for (long n = 1;; n++) {
        fail_after(n);
        struct analyze_result *r = analyze_profile(p, &ao);
        bool hit = disarm();
        if (r) {
            for (unsigned op = 0; op < ISA_NOPS; op++)
                if (r->insn[op].derived != ref->insn[op].derived)
                    fail_msg("N = %ld: %s derived differently", n,
                             isa_table[op].name ? isa_table[op].name : "?");
        } else {
            failed++;
        }
        analyze_result_free(r);
        if (!hit)
            break;
    }
    assert_true(failed > 0);
    analyze_result_free(ref);
}

/* Every block machine_create and vmm_create take, small (calloc) or large
 * (mmap), is given back when a later one fails, and by the destroy: every
 * byte of a mapping too (the large ones are mapped a huge page longer and
 * trimmed to an aligned part). */
static void create__out_of_memory_leaves_nothing(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    /* the third: a mapping that is not a whole number of huge pages */
    const uint32_t qs[] = {16, TGM_Q_DEFAULT, TGM_Q_DEFAULT + 8, TGM_Q_MAX};
    for (int k = 0; k < 5; k++) {
        int failed = 0;
        for (long n = 1;; n++) {
            counting = true;
            live = mapped = 0;
            fail_after(n);
            struct machine *m = NULL;
            struct vmm *v = NULL;
            if (k < 4)
                m = machine_create(&(struct machine_config){.q = qs[k]});
            else
                v = vmm_create(NULL, NULL, 0);
            bool hit = disarm();
            bool made = m || v;
            if (made && live == 0 && mapped == 0)
                fail_msg("case %d, N = %ld: made with nothing counted", k, n);
            machine_destroy(m);
            vmm_destroy(v);
            counting = false;
            if (live != 0)
                fail_msg("case %d, N = %ld: %ld block%s left", k, n, live, live == 1 ? "" : "s");
            if (mapped != 0)
                fail_msg("case %d, N = %ld: %ld bytes left mapped", k, n, mapped);
            if (made == hit)
                fail_msg("case %d, N = %ld: %s", k, n, made ? "made though a call failed"
                                                            : "not made, no call failed");
            failed += hit;
            if (!hit)
                break;
        }
        assert_true(failed >= 3); /* E, the cache, the machine at least */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__out_of_memory_is_an_error_not_an_abort),
        cmocka_unit_test(asm_line__out_of_memory_is_an_error_not_an_abort),
        cmocka_unit_test(check__out_of_memory_is_no_verdict),
        cmocka_unit_test(analyze__out_of_memory_is_no_result),
        cmocka_unit_test(create__out_of_memory_leaves_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
