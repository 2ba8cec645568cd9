/* test_audit_refnest.c: a randomized differential of Theorem 2 as tgm
 * realises it (docs/recursion.md), with an independent judge (refnest.h):
 * random guests aimed at the machine-code control program's hard cases run
 * bare on the reference machine and on 1 to 4 levels, and the guest's
 * virtual state read out of the stack, its trap log and level 1's figures
 * must be the bare run's.  The same guests then go through the library's
 * own comparison (nest_check, on a bare machine and on the C control
 * program) and the command line's (tgm run --nest, tgm check --nest),
 * whose counts must be the judge's.
 *
 * TGM_REFNEST_GUESTS (guests at depth 1; depth 2 gets half, 3 a tenth and
 * 4 a fiftieth) and TGM_REFNEST_SEED make the campaign larger or another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"

#include "cli_support.h"
#include "refnest.h"
#include "rng.h"

#define BARE_BUDGET 20000u

struct tally {
    unsigned agreed, skipped, halted_early;
};

/* One guest at DEPTH: true when it halts bare (else it is skipped). */
static bool one(uint64_t seed, unsigned n, unsigned depth, struct tally *t)
{
    uint64_t rng = seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (n + 1));
    struct rn_guest g;
    rn_gen(&rng, &g);
    struct rn_state b, s;
    assert_int_equal(rn_bare(&g, BARE_BUDGET, &b), 0);
    if (!b.halted) {
        t->skipped++;
        rn_free(&b);
        rn_guest_free(&g);
        return false;
    }
    char why[256], diff[256];
    if (rn_nest(&g, depth, b.steps * 100 * NEST_STEP_FACTOR, &s, why, sizeof why) < 0)
        fail_msg("seed %#llx guest %u depth %u: %s", (unsigned long long)seed, n, depth, why);
    if (rn_differ(&b, &s, diff, sizeof diff))
        fail_msg("seed %#llx guest %u (W %u) depth %u: %s", (unsigned long long)seed, n, g.w,
                 depth, diff);
    t->agreed++;
    rn_free(&b);
    rn_free(&s);
    rn_guest_free(&g);
    return true;
}

static void campaign(unsigned depth, unsigned divisor)
{
    uint64_t seed = rng_env("TGM_REFNEST_SEED", 0x7265666e657374);
    unsigned n = (unsigned)(rng_env("TGM_REFNEST_GUESTS", 400) / divisor);
    struct tally t = {0};
    for (unsigned i = 0; i < n; i++)
        one(seed + depth, i, depth, &t);
    print_message("refnest: depth %u, seed %#llx: %u guests agreed, %u skipped (no HALT bare)\n",
                  depth, (unsigned long long)seed, t.agreed, t.skipped);
    assert_true(t.agreed * 4 >= n * 3);
}

static void campaign__depth_1(void **state) { (void)state; campaign(1, 1); }
static void campaign__depth_2(void **state) { (void)state; campaign(2, 2); }
static void campaign__depth_3(void **state) { (void)state; campaign(3, 10); }
static void campaign__depth_4(void **state) { (void)state; campaign(4, 50); }

/* ---- the library's comparison and the command line, on the same guests -- */

static const char *const cause_name[] = {"none", "privileged", "memory", "svc", "illegal",
                                         "timer"};

struct pair {
    struct rn_guest g;
    struct rn_state b, s;
    unsigned depth;
};

/* The next guest of SEED that halts bare, run both ways (they must agree). */
static void pair_make(uint64_t *rng, unsigned depth, struct pair *p)
{
    char why[256], diff[256];
    for (;;) {
        rn_gen(rng, &p->g);
        assert_int_equal(rn_bare(&p->g, BARE_BUDGET, &p->b), 0);
        if (p->b.halted)
            break;
        rn_free(&p->b);
        rn_guest_free(&p->g);
    }
    p->depth = depth;
    if (rn_nest(&p->g, depth, p->b.steps * 100 * NEST_STEP_FACTOR, &p->s, why, sizeof why) < 0)
        fail_msg("%s", why);
    if (rn_differ(&p->b, &p->s, diff, sizeof diff))
        fail_msg("depth %u: %s", depth, diff);
}

static void pair_free(struct pair *p)
{
    rn_free(&p->b);
    rn_free(&p->s);
    rn_guest_free(&p->g);
}

static uint64_t bare_traps(const struct rn_state *b)
{
    uint64_t n = 0;
    for (unsigned c = 1; c < RM_NCAUSE; c++)
        n += b->traps[c];
    return n;
}

/* nest_check (docs/recursion.md, "Equivalence across levels") calls every
 * guest the judge calls equivalent so, counts the bare run's traps, and
 * reports both runs' steps and cycles as the judge measured them. */
static void library__nest_check_agrees_with_the_judge(void **state)
{
    (void)state;
    uint64_t rng = rng_env("TGM_REFNEST_SEED", 0x7265666e657374) ^ 0x6c6962;
    unsigned n = (unsigned)(rng_env("TGM_REFNEST_GUESTS", 400) / 4);
    for (unsigned i = 0; i < n; i++) {
        struct pair p;
        pair_make(&rng, 1 + i % 3 / 2 + (i % 20 == 19), &p);
        struct tgm_image img = {.nwords = p.g.w, .entry_psw = p.g.entry, .words = p.g.e};
        /* now and then with the C control program at the very bottom */
        struct nest_run_opts o = {.depth = p.depth, .w = p.g.w, .under_vmm = i % 7 == 3,
                                  .log_traps = true, .input = p.g.in, .input_len = p.g.nin};
        struct nest_check_result r;
        char err[256];
        if (nest_check(NULL, &img, &o, BARE_BUDGET, &r, err, sizeof err) < 0)
            fail_msg("guest %u: %s", i, err);
        if (!r.equivalent)
            fail_msg("guest %u at depth %u: the judge agrees, nest_check says %s", i, p.depth,
                     r.diff);
        assert_int_equal(r.traps, bare_traps(&p.b));
        assert_int_equal(r.timer_traps, p.b.traps[RM_TIMER]);
        assert_int_equal(r.bare_steps, p.b.steps);
        assert_int_equal(r.bare_cycles, p.b.cycles);
        if (!o.under_vmm) {
            assert_int_equal(r.real_steps, p.s.steps);
            assert_int_equal(r.real_cycles, p.s.cycles);
        }
        pair_free(&p);
    }
}

static void write_pair(const struct pair *p, unsigned i, char *img, char *in)
{
    char name[64];
    snprintf(name, sizeof name, "g%u.tgm", i);
    cs_make_image(img, CS_PATH, name, 0, p->g.e, p->g.w, p->g.entry);
    snprintf(name, sizeof name, "g%u.in", i);
    cs_tmp_path(in, CS_PATH, name);
    cs_write_bytes(in, p->g.in, p->g.nin);
}

/* docs/run.md, "Under N levels of itself": tgm run --nest prints the
 * guest's virtual state (PSW, traps, last trap, timer, console, digest of
 * its E), level 1's figures and the real machine's counts; all must be
 * the judge's. */
static void cli__run_nest_prints_the_judges_state_and_counts(void **state)
{
    (void)state;
    uint64_t rng = rng_env("TGM_REFNEST_SEED", 0x7265666e657374) ^ 0x636c69;
    for (unsigned i = 0; i < 8; i++) {
        struct pair p;
        pair_make(&rng, 1 + i % 3, &p);
        char img[CS_PATH], in[CS_PATH], depth[8], word[32], mem[16];
        write_pair(&p, i, img, in);
        snprintf(depth, sizeof depth, "%u", p.depth);
        snprintf(mem, sizeof mem, "%u", p.g.w);
        struct cs_outcome o = cs_run_tgm("run", "--nest", depth, "--mem", mem, "--json",
                                         "--input-file", in, img, NULL);
        if (o.status != 0)
            fail_msg("guest %u: status %d: %s", i, o.status, o.err);
        cs_assert_json_object(&o);
        const char *j = o.out;
        CS_ASSERT_JSON_STR(j, NULL, "stop", "halt");
        snprintf(word, sizeof word, "0x%016llx", (unsigned long long)p.b.vpsw);
        cs_assert_json_str(j, "psw", "word", word, strlen(word));
        const char *traps = cs_json_get(j, "traps");
        for (unsigned c = 1; c < RM_NCAUSE; c++)
            assert_int_equal(cs_json_uint(cs_json_get(traps, cause_name[c])), p.b.traps[c]);
        cs_assert_json_str(j, NULL, "last_trap", cause_name[p.b.last_trap],
                           strlen(cause_name[p.b.last_trap]));
        const char *t = cs_json_get(j, "timer");
        assert_int_equal(cs_json_bool(cs_json_get(t, "armed")), p.b.armed);
        assert_int_equal(cs_json_bool(cs_json_get(t, "pending")), p.b.pending);
        assert_int_equal(cs_json_uint(cs_json_get(t, "remaining")), (uint64_t)p.b.rem);
        assert_int_equal(cs_json_uint(cs_json_get(j, "console_bytes")), p.b.nout);
        size_t n;
        char *con = cs_json_str(cs_json_get(j, "console"), &n);
        assert_int_equal(n, p.b.nout);
        assert_memory_equal(con, p.b.out, n);
        free(con);
        snprintf(word, sizeof word, "0x%016llx",
                 (unsigned long long)tgm_fnv1a(p.b.e, (size_t)p.g.w * 8, TGM_FNV_SEED));
        cs_assert_json_str(j, NULL, "digest", word, strlen(word));
        const char *nest = cs_json_get(j, "nest");
        const char *l1 = cs_json_item(cs_json_get(nest, "levels"), 0);
        assert_int_equal(cs_json_uint(cs_json_get(l1, "entries")), p.b.entries);
        assert_int_equal(cs_json_uint(cs_json_get(l1, "interpreted")), p.b.interp);
        assert_int_equal(cs_json_uint(cs_json_get(l1, "reflected")), p.b.reflect);
        assert_int_equal(cs_json_uint(cs_json_get(l1, "timer_traps")), p.b.vtimer);
        assert_int_equal(cs_json_uint(cs_json_get(l1, "single_steps")), p.b.single);
        const char *in1 = cs_json_get(l1, "traps_in");
        for (unsigned c = 1; c < RM_NCAUSE; c++)
            assert_int_equal(cs_json_uint(cs_json_get(in1, cause_name[c])), p.b.causes[c]);
        const char *real = cs_json_get(nest, "real");
        assert_int_equal(cs_json_uint(cs_json_get(real, "q")), p.g.w + p.depth * rn_k());
        assert_int_equal(cs_json_uint(cs_json_get(real, "steps")), p.s.steps);
        assert_int_equal(cs_json_uint(cs_json_get(real, "cycles")), p.s.cycles);
        cs_outcome_free(&o);
        pair_free(&p);
    }
}

/* tgm check --nest's verdict: equivalent, the bare run's traps and timer
 * traps, the real steps and the bare ones (docs/recursion.md). */
static void cli__check_nest_verdict_counts_are_the_judges(void **state)
{
    (void)state;
    uint64_t rng = rng_env("TGM_REFNEST_SEED", 0x7265666e657374) ^ 0x63686b;
    for (unsigned i = 0; i < 6; i++) {
        struct pair p;
        pair_make(&rng, 1 + i % 2, &p);
        char img[CS_PATH], in[CS_PATH], depth[8], want[CS_PATH + 128];
        write_pair(&p, 100 + i, img, in);
        snprintf(depth, sizeof depth, "%u", p.depth);
        char mem[16];
        snprintf(mem, sizeof mem, "%u", p.g.w);
        struct cs_outcome o = cs_run_tgm("check", "--nest", depth, "--mem", mem, "--input-file", in, img, NULL);
        if (o.status != 0)
            fail_msg("guest %u: status %d: %s%s", i, o.status, o.out, o.err);
        snprintf(want, sizeof want, "%s: equivalent at depth %u (E, PSW, R, timer, console; ",
                 img, p.depth);
        if (strncmp(o.out, want, strlen(want)) != 0)
            fail_msg("guest %u: \"%s\", want \"%s...\"", i, o.out, want);
        snprintf(want, sizeof want,
                 "; real steps %llu, bare %llu (reported, not compared: the paper excludes "
                 "timing)\n",
                 (unsigned long long)p.s.steps, (unsigned long long)p.b.steps);
        if (!strstr(o.out, want))
            fail_msg("guest %u: \"%s\", want \"...%s\"", i, o.out, want);
        cs_outcome_free(&o);
        o = cs_run_tgm("check", "--nest", depth, "--mem", mem, "--json", "--input-file", in,
                       img, NULL);
        assert_int_equal(o.status, 0);
        const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
        assert_true(cs_json_bool(cs_json_get(im, "equivalent")));
        assert_int_equal(cs_json_uint(cs_json_get(im, "traps")), bare_traps(&p.b));
        assert_int_equal(cs_json_uint(cs_json_get(im, "timer_traps")), p.b.traps[RM_TIMER]);
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(im, "bare"), "steps")), p.b.steps);
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(im, "bare"), "cycles")),
                         p.b.cycles);
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(im, "real"), "steps")), p.s.steps);
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(im, "real"), "cycles")),
                         p.s.cycles);
        cs_outcome_free(&o);
        pair_free(&p);
    }
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("audit_refnest");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(campaign__depth_1),
        cmocka_unit_test(campaign__depth_2),
        cmocka_unit_test(campaign__depth_3),
        cmocka_unit_test(campaign__depth_4),
        cmocka_unit_test(library__nest_check_agrees_with_the_judge),
        cmocka_unit_test(cli__run_nest_prints_the_judges_state_and_counts),
        cmocka_unit_test(cli__check_nest_verdict_counts_are_the_judges),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
