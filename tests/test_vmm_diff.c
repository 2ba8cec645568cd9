/* test_vmm_diff.c: the differential property test of sections 5 and 6.
 *
 * Generated guests (progen.c) run on a bare machine (S2) and under the
 * control program (S2'), stopped at HALT or at the same step count; f(S2)
 * must equal S2' in E, M, P, R, devices and virtual time.  After every trap
 * the CP handles, no word outside the trapping VM's region may have changed
 * except the CP's own (resource control).  TGM_SOAK=1 runs 100,000 programs;
 * TGM_SEED=n runs only seed n.  A failure prints its seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "diffcore.h"
#include "progen.h"
#include "tgm/vmm.h"

#define NVMS 4

static uint64_t nprograms(void)
{
    return getenv("TGM_SOAK") ? 100000u : 2000u;
}

/* Every group of the range, or only the one holding the seed in TGM_SEED;
 * the number of failures, the first described in MSG. */
static uint64_t sweep(const char *profile, bool hybrid, int n, uint64_t slice, uint64_t first,
                      uint64_t count, char *msg, size_t len)
{
    struct dc_config c = {profile, profile, hybrid, n, slice, first, count};
    struct dc_result r = {.first_failure = UINT64_MAX};
    const char *s = getenv("TGM_SEED");
    if (s) {
        uint64_t seed = strtoull(s, NULL, 0);
        if (seed >= first && seed < first + count)
            assert_int_equal(dc_run_group(&c, (seed - first) / (uint64_t)n, &r), 0);
    } else {
        dc_sweep(&c, 0, 1, &r);
        assert_int_equal(r.programs, count);
    }
    if (r.failures)
        snprintf(msg, len, "%s%s: %s", profile, hybrid ? " (hybrid)" : "", r.msg);
    return r.failures;
}

static void expect_no_failures(const char *profile, bool hybrid, int n, uint64_t slice,
                               uint64_t first)
{
    char msg[512] = "";
    uint64_t f = sweep(profile, hybrid, n, slice, first, nprograms(), msg, sizeof msg);
    if (f)
        fail_msg("%llu of %llu programs differ; first: %s", (unsigned long long)f,
                 (unsigned long long)nprograms(), msg);
}

static void diff__single_vm_equals_bare(void **state)
{
    (void)state;
    expect_no_failures("virtualizable", false, 1, 0, 0);
}

static void diff__four_vms_at_once_each_equal_bare(void **state)
{
    (void)state;
    /* a short slice so the scheduler interleaves the four often */
    expect_no_failures("virtualizable", false, NVMS, 97, 1000000);
}

static void diff__hybrid_equals_bare_on_pdp10(void **state)
{
    (void)state;
    expect_no_failures("pdp10", true, 1, 0, 2000000);
}

static void diff__hybrid_equals_bare_on_pdp11_45(void **state)
{
    (void)state;
    expect_no_failures("pdp11-45", true, 1, 0, 3000000);
}

/* The oracle can fail: on a machine that violates Theorem 1 the plain VMM
 * must be caught differing on some of 300 generated programs. */
static void expect_caught(const char *profile, uint64_t first)
{
    char msg[512] = "";
    uint64_t f = sweep(profile, false, 1, 0, first, 300, msg, sizeof msg);
    if (!getenv("TGM_SEED")) /* reproducing one seed proves nothing here */
        assert_true(f > 0);
}

static void diff__plain_vmm_is_caught_on_pdp10(void **state)
{
    (void)state;
    expect_caught("pdp10", 2000000);
}

/* The real 360/67's LRA is privileged: the plain VMM interprets it and is
 * equivalent; made unprivileged, it is caught (Theorem 1 fails). */
static void diff__plain_vmm_equals_bare_on_the_real_s360_67(void **state)
{
    (void)state;
    expect_no_failures("s360-67", false, 1, 0, 4000000);
}

static void diff__plain_vmm_is_caught_on_s360_67_lra_user(void **state)
{
    (void)state;
    expect_caught("s360-67-lra-user", 4000000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(diff__single_vm_equals_bare),
        cmocka_unit_test(diff__four_vms_at_once_each_equal_bare),
        cmocka_unit_test(diff__hybrid_equals_bare_on_pdp10),
        cmocka_unit_test(diff__hybrid_equals_bare_on_pdp11_45),
        cmocka_unit_test(diff__plain_vmm_is_caught_on_pdp10),
        cmocka_unit_test(diff__plain_vmm_equals_bare_on_the_real_s360_67),
        cmocka_unit_test(diff__plain_vmm_is_caught_on_s360_67_lra_user),
    };
    return cmocka_run_group_tests_name("vmm_diff", tests, NULL, NULL);
}
