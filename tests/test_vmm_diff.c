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

#include "progen.h"
#include "tgm/vmm.h"

#define STEPS 20000u
#define NVMS 4

static uint64_t nprograms(void)
{
    return getenv("TGM_SOAK") ? 100000u : 2000u;
}

/* Seeds to run: all of [0, n) or the one in TGM_SEED. */
static bool seed_wanted(uint64_t seed)
{
    const char *s = getenv("TGM_SEED");
    return !s || strtoull(s, NULL, 0) == seed;
}

static const uint8_t input[] = "tgm";

/* Resource control: memory may change between two CP entries only inside
 * the VM that trapped and in the CP's own words. */
struct watch {
    struct vmm *v;
    uint64_t *snap;
    uint32_t q;
    char fault[200];
};

static void on_event(void *ctx, const struct vmm_event *e)
{
    struct watch *w = ctx;
    const uint64_t *E = machine_mem(vmm_machine(w->v));
    struct vm_info info;
    if (vmm_vm_info(w->v, e->vm, &info) != 0) {
        snprintf(w->fault, sizeof w->fault, "event for VM %d, which does not exist", e->vm);
        return;
    }
    for (uint32_t i = 0; i < w->q; i++) {
        if (E[i] == w->snap[i])
            continue;
        bool own = i < VMM_K || (i >= info.base && i < info.base + info.w);
        if (!own && !w->fault[0])
            snprintf(w->fault, sizeof w->fault,
                     "real E[%u] changed outside VM %d's region %u..%u", i, e->vm, info.base,
                     info.base + info.w - 1);
        w->snap[i] = E[i];
    }
}

static struct machine *bare_run(const struct tgm_image *img, const struct isa_profile *p)
{
    struct machine_config mc = {.q = PG_W, .profile = p};
    struct machine *m = machine_create(&mc);
    char err[200];
    assert_non_null(m);
    assert_int_equal(image_load(m, img, err, sizeof err), 0);
    assert_int_equal(machine_console_input(m, input, sizeof input - 1), 0);
    machine_run(m, STEPS, NULL);
    return m;
}

/* Run N generated guests together under one CP; 0 if every one equals its
 * bare run, else 1 with the first failure in MSG. */
static int run_group(const uint64_t *seeds, int n, const struct isa_profile *p, bool hybrid,
                     uint64_t slice, char *msg, size_t len)
{
    struct tgm_image img[NVMS];
    struct machine *bare[NVMS];
    char err[200];
    struct vmm_config vc = {.q = VMM_K + (uint32_t)n * PG_W, .profile = p, .slice = slice,
                            .hybrid = hybrid};
    struct vmm *v = vmm_create(&vc, err, sizeof err);
    assert_non_null(v);
    struct watch w = {.v = v, .q = vc.q};
    w.snap = calloc(vc.q, sizeof *w.snap);
    assert_non_null(w.snap);
    for (int i = 0; i < n; i++) {
        pg_generate(seeds[i], p, &img[i]);
        bare[i] = bare_run(&img[i], p);
        int id = vmm_vm_create(v, PG_W, NULL, err, sizeof err);
        assert_int_equal(id, i);
        assert_int_equal(vmm_vm_load(v, id, &img[i], err, sizeof err), 0);
        assert_int_equal(vmm_vm_input(v, id, input, sizeof input - 1), 0);
        vmm_vm_set_limit(v, id, STEPS);
    }
    memcpy(w.snap, machine_mem(vmm_machine(v)), vc.q * sizeof *w.snap);
    vmm_set_event_hook(v, on_event, &w);
    while (vmm_run(v, UINT64_MAX, NULL) != VMMSTOP_DONE)
        ;
    int bad = 0;
    msg[0] = '\0';
    if (w.fault[0]) {
        snprintf(msg, len, "seed %llu (group of %d): resource control: %s",
                 (unsigned long long)seeds[0], n, w.fault);
        bad = 1;
    }
    for (int i = 0; i < n; i++) {
        char diff[256];
        vmm_compare(bare[i], v, i, diff, sizeof diff);
        if (diff[0] && !bad) {
            snprintf(msg, len, "seed %llu%s: %s", (unsigned long long)seeds[i],
                     n > 1 ? " (with others alongside)" : "", diff);
            bad = 1;
        }
        machine_destroy(bare[i]);
        image_free(&img[i]);
    }
    free(w.snap);
    vmm_destroy(v);
    return bad;
}

/* Run every wanted seed in groups of N; return the number of failures. */
static uint64_t sweep(const char *profile, bool hybrid, int n, uint64_t slice, uint64_t first,
                      uint64_t count, char *msg, size_t len)
{
    const struct isa_profile *p = isa_profile_find(profile);
    assert_non_null(p);
    uint64_t failures = 0;
    for (uint64_t s = first; s < first + count; s += (uint64_t)n) {
        uint64_t seeds[NVMS];
        bool any = false;
        for (int i = 0; i < n; i++) {
            seeds[i] = s + (uint64_t)i;
            any |= seed_wanted(seeds[i]);
        }
        if (!any)
            continue;
        char m[400];
        if (run_group(seeds, n, p, hybrid, slice, m, sizeof m)) {
            if (!failures)
                snprintf(msg, len, "%s%s: %s", profile, hybrid ? " (hybrid)" : "", m);
            failures++;
        }
    }
    return failures;
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
