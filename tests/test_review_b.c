/* test_review_b.c: the verdicts of section 6's check and of section 7's
 * stacks against comparisons by hand, and stacks of the machine-code
 * control program run in chunks or restored mid-run, at depths 1..4.
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
#include "tgm/nest.h"

/* ---- tgm check (section 6) ----------------------------------------------- */

/* vmm_check's verdicts on generated programs, alone and together, plain
 * and hybrid, on profiles where Theorem 1 holds and where it fails: each
 * image is equivalent exactly when a comparison by hand of its bare run
 * with its VM's view (every component and counter, both halted) finds
 * nothing, alone and in one CP with the others. */
static void check__verdicts_agree_with_a_comparison_by_hand(void **state)
{
    (void)state;
    static const char *const profiles[] = {"virtualizable", "pdp10", "pdp11-45"};
    unsigned equal = 0, differ = 0;
    for (uint64_t seed = 1; seed <= 90; seed++) {
        const struct isa_profile *prof = isa_profile_find(profiles[seed % 3]);
        assert_non_null(prof);
        bool hybrid = seed % 4 == 1;
        size_t n = 1 + seed % 3;
        struct tgm_image img[3];
        const struct tgm_image *imgs[3];
        for (size_t i = 0; i < n; i++) {
            pg_generate(seed * 3 + i, prof, &img[i]);
            imgs[i] = &img[i];
        }
        const uint64_t steps = 20000;
        struct check_opts o = {.w = PG_W, .max_steps = steps, .slice = 150, .profile = prof,
                               .hybrid = hybrid, .input = rv_input,
                               .input_len = sizeof rv_input - 1};
        struct check_result res[3];
        char err[300];
        if (vmm_check(imgs, n, &o, res, err, sizeof err) != 0)
            fail_msg("vmm_check: %s", err);
        /* by hand: the bare runs, then all in one CP (and each alone) */
        struct machine *bare[3];
        bool bare_halted[3];
        for (size_t i = 0; i < n; i++) {
            struct machine_config mc = {.q = PG_W, .profile = prof};
            assert_non_null(bare[i] = machine_create(&mc));
            assert_int_equal(image_load(bare[i], &img[i], err, sizeof err), 0);
            assert_int_equal(machine_console_input(bare[i], o.input, o.input_len), 0);
            bare_halted[i] = machine_run(bare[i], steps, NULL) == EXIT_HALT;
        }
        bool hand[3] = {true, true, true};
        for (size_t together = 0; together < 2 && (together == 0 || n > 1); together++)
            for (size_t first = 0; first < (together ? 1 : n); first++) {
                struct vmm_config vc = {.q = VMM_K + 3 * PG_W, .profile = prof, .slice = 150,
                                        .hybrid = hybrid};
                struct vmm *v = vmm_create(&vc, err, sizeof err);
                assert_non_null(v);
                size_t k0 = together ? 0 : first, k1 = together ? n : first + 1;
                for (size_t k = k0; k < k1; k++) {
                    int id = vmm_vm_create(v, PG_W, NULL, err, sizeof err);
                    assert_true(id >= 0);
                    assert_int_equal(vmm_vm_load(v, id, &img[k], err, sizeof err), 0);
                    assert_int_equal(vmm_vm_input(v, id, o.input, o.input_len), 0);
                    assert_int_equal(vmm_vm_set_limit(v, id, steps), 0);
                }
                enum vmm_stop why;
                while ((why = vmm_run(v, UINT64_MAX, NULL)) == VMMSTOP_BUDGET)
                    ;
                for (size_t k = k0; k < k1; k++) {
                    struct vm_info in;
                    assert_int_equal(vmm_vm_info(v, (int)(k - k0), &in), 0);
                    char diff[300];
                    if (why != VMMSTOP_DONE || !bare_halted[k] || in.state != VM_HALTED ||
                        machine_compare(bare[k], vmm_vm_view(v, (int)(k - k0)), CMP_COUNTERS,
                                        "bare", "vm", diff, sizeof diff))
                        hand[k] = false;
                }
                vmm_destroy(v);
            }
        for (size_t i = 0; i < n; i++) {
            if (res[i].equivalent != hand[i])
                fail_msg("seed %llu, %s%s, image %zu of %zu: check says %s ('%s', '%s'), by "
                         "hand %s", (unsigned long long)seed, profiles[seed % 3],
                         hybrid ? " hybrid" : "", i, n,
                         res[i].equivalent ? "equivalent" : "not", res[i].alone_diff,
                         res[i].together_diff, hand[i] ? "equal" : "not");
            equal += hand[i];
            differ += !hand[i];
            machine_destroy(bare[i]);
            image_free(&img[i]);
        }
    }
    assert_true(equal > 20 && differ > 5); /* both verdicts were reached */
}

/* ---- stacks of the machine-code control program (section 7) ------------- */

/* The bare run of GUEST: halted within STEPS? */
static struct machine *bare_run(const struct tgm_image *guest, uint64_t steps, bool *halted)
{
    struct machine_config mc = {.q = PG_W};
    struct machine *m = machine_create(&mc);
    char err[200];
    assert_non_null(m);
    assert_int_equal(image_load(m, guest, err, sizeof err), 0);
    assert_int_equal(machine_console_input(m, rv_input, sizeof rv_input - 1), 0);
    *halted = machine_run(m, steps, NULL) == EXIT_HALT;
    return m;
}

static void nest_start(const struct tgm_image *guest, unsigned depth, bool vmm, bool log,
                       struct nest_run *r)
{
    struct nest_run_opts o = {depth, PG_W, vmm, log, rv_input, sizeof rv_input - 1};
    char err[200];
    if (nest_run_start(NULL, guest, &o, r, err, sizeof err) != 0)
        fail_msg("nest_run_start: %s", err);
}

/* IMG := the guest of SEED, if it halts within 20,000 steps bare. */
static bool halting_guest(uint64_t seed, struct tgm_image *img)
{
    bool halted;
    pg_generate(seed, NULL, img);
    machine_destroy(bare_run(img, 20000, &halted));
    if (!halted)
        image_free(img);
    return halted;
}

/* Two runs of one stack, both halted, equal in steps, the machine holding
 * the stack and the one it runs on (counters too), the trap logs and (on
 * the C CP) the CP; WHAT says which. */
static void expect_same_stack(const struct nest_run *a, const struct nest_run *b,
                              const char *what, uint64_t seed)
{
    char diff[300];
    if (!b->halted || a->steps != b->steps)
        fail_msg("%s: %s after %llu steps, the other halted after %llu", what,
                 b->halted ? "halted" : "did not halt", (unsigned long long)b->steps,
                 (unsigned long long)a->steps);
    if (machine_compare(a->m, b->m, CMP_COUNTERS, "one", "other", diff, sizeof diff) ||
        machine_compare(a->real, b->real, CMP_COUNTERS, "one", "other", diff, sizeof diff))
        fail_msg("%s: %s", what, diff);
    if (a->nlog != b->nlog || (a->nlog && memcmp(a->log, b->log, a->nlog * sizeof *a->log)))
        fail_msg("%s: trap logs of %zu and %zu words differ", what, a->nlog, b->nlog);
    if (a->vmm)
        rv_expect_same(a->vmm, b->vmm, what, seed);
}

/* A stack run in one call and in calls of 1..MAXB steps: the same
 * machines, counters, trap logs and (on the C CP) CP state. */
static void nest__a_stack_run_in_chunks_ends_as_one_run(void **state)
{
    (void)state;
    unsigned compared = 0;
    for (uint64_t seed = 0; compared < 60; seed++) {
        struct tgm_image img;
        if (!halting_guest(seed, &img))
            continue;
        unsigned depth = 1 + compared % 3;
        bool vmm = compared % 4 == 3;
        struct nest_run a, b;
        nest_start(&img, depth, vmm, compared % 2, &a);
        nest_start(&img, depth, vmm, compared % 2, &b);
        image_free(&img);
        assert_true(nest_run_go(&a, UINT64_C(20000) * NEST_STEP_FACTOR));
        uint64_t s = seed + 1, maxb = compared % 3 ? 5000 : 13;
        while (!b.halted && b.steps < a.steps)
            nest_run_go(&b, 1 + rv_rnd(&s) % maxb);
        char what[80];
        snprintf(what, sizeof what, "seed %llu, depth %u%s, chunked", (unsigned long long)seed,
                 depth, vmm ? " on the C CP" : "");
        expect_same_stack(&a, &b, what, seed);
        nest_run_free(&a);
        nest_run_free(&b);
        compared++;
    }
}

/* A stack saved after a random number of steps (the machine it runs on
 * and, on the C CP, that CP) and restored into a fresh run goes on to end
 * as one never saved, at depths 1..3. */
static void nest__a_restored_stack_ends_as_one_never_saved(void **state)
{
    (void)state;
    unsigned compared = 0;
    for (uint64_t seed = 500; compared < 30; seed++) {
        struct tgm_image img;
        if (!halting_guest(seed, &img))
            continue;
        unsigned depth = 1 + compared % 3;
        bool vmm = compared % 2;
        struct nest_run a, b, c;
        nest_start(&img, depth, vmm, false, &a);
        nest_start(&img, depth, vmm, false, &b);
        nest_start(&img, depth, vmm, false, &c);
        image_free(&img);
        assert_true(nest_run_go(&a, UINT64_C(20000) * NEST_STEP_FACTOR));
        uint64_t s = seed;
        nest_run_go(&b, 1 + rv_rnd(&s) % a.steps);
        uint8_t *real;
        size_t nreal;
        char err[300] = "";
        assert_int_equal(machine_state_save(b.real, true, &real, &nreal), 0);
        if (vmm) {
            struct vmm *r = rv_save_restore(b.vmm);
            vmm_destroy(c.vmm);
            c.vmm = r;
            c.real = vmm_machine(r);
            c.m = vmm_vm_view(r, c.vm);
        } else if (machine_state_load(c.real, real, nreal, err, sizeof err) != 0) {
            fail_msg("%s", err);
        }
        free(real);
        c.steps = b.steps;
        assert_true(nest_run_go(&c, UINT64_C(20000) * NEST_STEP_FACTOR));
        char what[80];
        snprintf(what, sizeof what, "seed %llu, depth %u%s, restored at step %llu",
                 (unsigned long long)seed, depth, vmm ? " on the C CP" : "",
                 (unsigned long long)b.steps);
        expect_same_stack(&a, &c, what, seed);
        nest_run_free(&a);
        nest_run_free(&b);
        nest_run_free(&c);
        compared++;
    }
}

/* The guest proper of a halted stack compared with its bare run by hand,
 * from the level-1 CP's words as cp.s keeps them (not nest_top_state): "" or
 * the first difference in DIFF. */
static void nest_by_hand(const struct nest_run *r, const struct machine *bare, char *diff,
                         size_t len)
{
    const uint64_t *E = machine_mem(r->m), *B = machine_mem(bare);
    const struct nest_map *map = &r->lay.map;
    const uint64_t *cp1 = E + (r->lay.depth - 1) * map->k;
    struct machine_timer t = machine_get_timer(bare);
    size_t bl, nl;
    const uint8_t *bo = machine_console_output(bare, &bl), *no = machine_console_output(r->m, &nl);
    diff[0] = '\0';
    for (uint32_t i = 0; i < PG_W && !diff[0]; i++)
        if (E[r->lay.top_base + i] != B[i])
            snprintf(diff, len, "E[%u]", i);
    if (!diff[0] && cp1[map->vpsw] != machine_get_psw(bare))
        snprintf(diff, len, "PSW");
    else if (!diff[0] && ((cp1[map->vtarm] != 0) != t.armed ||
                          (cp1[map->vtpend] != 0) != t.pending ||
                          (t.armed && (int64_t)cp1[map->vrem] != t.remaining)))
        snprintf(diff, len, "timer");
    else if (!diff[0] && (bl != nl || (bl && memcmp(bo, no, bl)) ||
                          machine_console_input_used(r->m) != machine_console_input_used(bare)))
        snprintf(diff, len, "console");
    /* the figures add up: level 1 reflected every trap the bare machine
     * took, by cause, and each level's entries are its causes' sum */
    struct machine_counters bc = machine_get_counters(bare);
    struct nest_level lv;
    nest_level_read(&r->lay, E, 1, &lv);
    for (unsigned c = 1; c < TRAP_NCAUSES && !diff[0]; c++)
        if (lv.rtraps[c] != bc.traps[c])
            snprintf(diff, len, "%s traps: bare %llu, level 1 reflected %llu",
                     trap_cause_name(c), (unsigned long long)bc.traps[c],
                     (unsigned long long)lv.rtraps[c]);
    for (unsigned l = 1; l <= r->lay.depth && !diff[0]; l++) {
        nest_level_read(&r->lay, E, l, &lv);
        uint64_t sum = 0;
        for (unsigned c = 0; c < TRAP_NCAUSES; c++)
            sum += lv.causes[c];
        if (sum != lv.entries)
            snprintf(diff, len, "level %u: %llu entries, %llu by cause", l,
                     (unsigned long long)lv.entries, (unsigned long long)sum);
    }
}

/* tgm check --nest's verdict, at depths 1..4, against the hand comparison
 * of the same programs' bare and stacked runs (its trap log left aside):
 * equivalent exactly when nothing differs by hand, with the built-in CP and
 * with one whose timer accounting is a cycle off. */
static void nest__check_agrees_with_a_comparison_by_hand(void **state)
{
    (void)state;
    struct tgm_image cp;
    char err[200];
    assert_int_equal(nest_cp_image(&cp, err, sizeof err), 0);
    const struct tgm_symbol *acct = image_symbol(&cp, "acct_exact");
    assert_non_null(acct);
    uint64_t w = cp.words[acct->value + 2];
    assert_int_equal(GET_OP(w), OP_ADDI);
    unsigned differ = 0, compared = 0;
    for (uint64_t seed = 100; compared < 120; seed++) {
        struct tgm_image img;
        pg_generate(seed, NULL, &img);
        bool halted;
        struct machine *bare = bare_run(&img, 20000, &halted);
        if (!halted) {
            machine_destroy(bare);
            image_free(&img);
            continue;
        }
        unsigned depth = 1 + compared % 4;
        bool broken = compared % 2;
        cp.words[acct->value + 2] =
            broken ? MAKE_INSN(OP_ADDI, GET_A(w), GET_B(w), TGM_TRAP_CYCLES - 1) : w;
        struct nest_run_opts o = {depth, PG_W, compared % 5 == 4, false, rv_input,
                                  sizeof rv_input - 1};
        struct nest_check_result res;
        assert_int_equal(nest_check(&cp, &img, &o, 20000, &res, err, sizeof err), 0);
        struct nest_run r;
        o.log_traps = compared % 3 == 0;
        if (nest_run_start(&cp, &img, &o, &r, err, sizeof err) != 0)
            fail_msg("%s", err);
        image_free(&img);
        char hand[80] = "the stack did not halt";
        if (nest_run_go(&r, UINT64_C(20000) * NEST_STEP_FACTOR))
            nest_by_hand(&r, bare, hand, sizeof hand);
        bool log = strncmp(res.diff, "trap", 4) == 0; /* the log only nest_check keeps */
        if (res.equivalent != !hand[0] && !(log && !hand[0]))
            fail_msg("seed %llu, depth %u%s: check says '%s', by hand '%s'",
                     (unsigned long long)seed, depth, broken ? " (broken CP)" : "", res.diff,
                     hand);
        if (!broken && !res.equivalent)
            fail_msg("seed %llu, depth %u: %s", (unsigned long long)seed, depth, res.diff);
        differ += hand[0] != '\0';
        nest_run_free(&r);
        machine_destroy(bare);
        compared++;
    }
    assert_true(differ > 0); /* the broken CP shows by hand */
    image_free(&cp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check__verdicts_agree_with_a_comparison_by_hand),
        cmocka_unit_test(nest__a_stack_run_in_chunks_ends_as_one_run),
        cmocka_unit_test(nest__a_restored_stack_ends_as_one_never_saved),
        cmocka_unit_test(nest__check_agrees_with_a_comparison_by_hand),
    };
    return cmocka_run_group_tests_name("review_b", tests, NULL, NULL);
}
