/* review_support.c: the rigs of test_review and test_review_b (see
 * review_support.h): generated guests under one control program, and the
 * comparison of two control programs in every component.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "progen.h"
#include "review_support.h"

const uint8_t rv_input[] = "tg";

/* xorshift64*: the same draws on every platform */
uint64_t rv_rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

void rv_draw_rig(uint64_t seed, struct rv_rig *c)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15u + 1;
    c->n = 1 + (int)(rv_rnd(&s) % 4);
    c->slice = 20 + rv_rnd(&s) % 400;
    c->hybrid = rv_rnd(&s) % 3 == 0;
    for (int i = 0; i < c->n; i++) {
        c->limit[i] = 50 + rv_rnd(&s) % 6000; /* every run ends */
        snprintf(c->input[i], sizeof c->input[i], "%c%c", 'a' + i, 'A' + (int)(rv_rnd(&s) % 26));
    }
}

struct vmm *rv_build(uint64_t seed, const struct rv_rig *c)
{
    char err[200];
    struct vmm_config cfg = {.q = 8192, .slice = c->slice, .hybrid = c->hybrid,
                             .profile = c->hybrid ? isa_profile_find("pdp10") : NULL};
    struct vmm *v = vmm_create(&cfg, err, sizeof err);
    assert_non_null(v);
    for (int i = 0; i < c->n; i++) {
        int id = vmm_vm_create(v, PG_W, NULL, err, sizeof err);
        assert_int_equal(id, i);
        struct tgm_image img;
        pg_generate(seed * 11 + (uint64_t)i, NULL, &img);
        assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
        image_free(&img);
        assert_int_equal(vmm_vm_set_limit(v, id, c->limit[i]), 0);
        assert_int_equal(vmm_vm_input(v, id, (const uint8_t *)c->input[i],
                                      strlen(c->input[i])), 0);
    }
    return v;
}

void rv_pair(uint64_t seed, struct rv_rig *c, struct vmm **a, struct vmm **b)
{
    rv_draw_rig(seed, c);
    *a = rv_build(seed, c);
    *b = rv_build(seed, c);
}

/* A and B equal in every VM (virtual machine, counters, state, statistics),
 * the real machine and the CP's saved state; WHAT says where. */
void rv_expect_same(struct vmm *a, struct vmm *b, const char *what, uint64_t seed)
{
    char diff[300];
    int ia = vmm_vm_next(a, -1), ib = vmm_vm_next(b, -1);
    for (; ia >= 0 || ib >= 0; ia = vmm_vm_next(a, ia), ib = vmm_vm_next(b, ib)) {
        if (ia != ib)
            fail_msg("seed %llu, %s: VM ids %d and %d", (unsigned long long)seed, what, ia, ib);
        if (machine_compare(vmm_vm_view(a, ia), vmm_vm_view(b, ib), CMP_COUNTERS, "a", "b",
                            diff, sizeof diff))
            fail_msg("seed %llu, %s, VM %d: %s", (unsigned long long)seed, what, ia, diff);
        struct vm_info x, y;
        assert_int_equal(vmm_vm_info(a, ia, &x), 0);
        assert_int_equal(vmm_vm_info(b, ib, &y), 0);
        if (strcmp(x.name, y.name) || x.state != y.state || x.max_steps != y.max_steps)
            fail_msg("seed %llu, %s, VM %d: name, state or limit differ", (unsigned long long)seed,
                     what, ia);
        for (int k = 0; k < TRAP_NCAUSES; k++)
            for (int d = 0; d < DISP_COUNT; d++)
                if (x.stats.traps[k][d] != y.stats.traps[k][d])
                    fail_msg("seed %llu, %s, VM %d: %s/%s events %llu and %llu",
                             (unsigned long long)seed, what, ia, trap_cause_name((unsigned)k),
                             vmm_disposition_name((enum vmm_disposition)d),
                             (unsigned long long)x.stats.traps[k][d],
                             (unsigned long long)y.stats.traps[k][d]);
        if (memcmp(&x.stats, &y.stats, sizeof x.stats) != 0)
            fail_msg("seed %llu, %s, VM %d: statistics differ (entries %llu, %llu; cp cycles "
                     "%llu, %llu)", (unsigned long long)seed, what, ia,
                     (unsigned long long)x.stats.entries, (unsigned long long)y.stats.entries,
                     (unsigned long long)x.stats.cp_cycles,
                     (unsigned long long)y.stats.cp_cycles);
    }
    if (machine_compare(vmm_machine(a), vmm_machine(b), CMP_COUNTERS, "a", "b", diff,
                        sizeof diff))
        fail_msg("seed %llu, %s, real machine: %s", (unsigned long long)seed, what, diff);
    uint8_t *x, *y;
    size_t nx, ny;
    assert_int_equal(vmm_state_save(a, &x, &nx), 0);
    assert_int_equal(vmm_state_save(b, &y, &ny), 0);
    size_t at = 0;
    while (at < nx && at < ny && x[at] == y[at])
        at++;
    free(x);
    free(y);
    if (at < nx || at < ny) /* 32: the current VM, 40: the slice left */
        fail_msg("seed %llu, %s: the control program's saved state differs at byte %zu",
                 (unsigned long long)seed, what, at);
}

/* Run to the end (every VM halted or at its limit) in calls of random
 * budgets 1..MAXB (0: one call). */
void rv_run_chunked(struct vmm *v, uint64_t *s, uint64_t maxb)
{
    for (int calls = 0; calls < 1000000; calls++) {
        uint64_t b = maxb ? 1 + rv_rnd(s) % maxb : UINT64_MAX;
        if (vmm_run(v, b, NULL) == VMMSTOP_DONE)
            return;
    }
    fail_msg("the run did not end");
}

/* The CP and its real machine saved (as the monitor's snapshot saves
 * them: no transient state) and restored into a fresh CP, OUT. */
struct vmm *rv_save_restore(struct vmm *v)
{
    uint8_t *cp, *real;
    size_t ncp, nreal;
    char err[300] = "";
    assert_int_equal(vmm_state_save(v, &cp, &ncp), 0);
    assert_int_equal(machine_state_save(vmm_machine(v), true, &real, &nreal), 0);
    struct vmm_config cfg = {.q = machine_q(vmm_machine(v)), .hybrid = vmm_hybrid(v),
                             .profile = machine_profile(vmm_machine(v))};
    struct vmm *out = vmm_create(&cfg, err, sizeof err);
    assert_non_null(out);
    int rc = vmm_state_load(out, cp, ncp, err, sizeof err);
    if (rc == 0)
        rc = machine_state_load(vmm_machine(out), real, nreal, err, sizeof err);
    if (rc == 0)
        rc = vmm_state_check(out, err, sizeof err);
    free(cp);
    free(real);
    if (rc != 0)
        fail_msg("restore refused: %s", err);
    return out;
}
