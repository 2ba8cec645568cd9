/* test_review.c: differential properties of the control program's runs
 * (sections 4-6): a run cut into chunks of any size, or saved at any point
 * and restored into a fresh control program, ends exactly where one
 * uninterrupted run does, in every VM, statistic, the real machine and the
 * control program's saved state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "progen.h"
#include "tgm/nest.h"
#include "tgm/timeline.h"
#include "tgm/vmm.h"

static const uint8_t nest_input[] = "tg"; /* console input of the stacks and checks */

/* xorshift64*: the same draws on every platform */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* A control program's configuration, drawn from SEED. */
struct rig {
    int n;
    uint64_t slice;
    bool hybrid;
    uint64_t limit[4];
    char input[4][8];
};

static void draw_rig(uint64_t seed, struct rig *c)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15u + 1;
    c->n = 1 + (int)(rnd(&s) % 4);
    c->slice = 20 + rnd(&s) % 400;
    c->hybrid = rnd(&s) % 3 == 0;
    for (int i = 0; i < c->n; i++) {
        c->limit[i] = 50 + rnd(&s) % 6000; /* every run ends */
        snprintf(c->input[i], sizeof c->input[i], "%c%c", 'a' + i, 'A' + (int)(rnd(&s) % 26));
    }
}

static struct vmm *build(uint64_t seed, const struct rig *c)
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

/* A and B equal in every VM (virtual machine, counters, state, statistics),
 * the real machine and the CP's saved state; WHAT says where. */
static void expect_same(struct vmm *a, struct vmm *b, const char *what, uint64_t seed)
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
static void run_chunked(struct vmm *v, uint64_t *s, uint64_t maxb)
{
    for (int calls = 0; calls < 1000000; calls++) {
        uint64_t b = maxb ? 1 + rnd(s) % maxb : UINT64_MAX;
        if (vmm_run(v, b, NULL) == VMMSTOP_DONE)
            return;
    }
    fail_msg("the run did not end");
}

/* vmm.md: "a run cut into calls of any budgets ends exactly as one call
 * does".  Each seed's rig has 1-4 VMs with step limits and console input,
 * plain or hybrid, a short slice; calls of 1..7 steps cut it at every kind
 * of instant (a slice's end, a virtual timer's expiry, mid hybrid
 * stretch), calls of 1..300 at fewer. */
static void chunks__a_run_in_chunks_ends_as_one_run(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct rig c;
        draw_rig(seed, &c);
        struct vmm *a = build(seed, &c), *b = build(seed, &c);
        uint64_t s = seed;
        run_chunked(a, &s, 0);
        run_chunked(b, &s, seed % 2 ? 7 : 300);
        expect_same(a, b, "chunked", seed);
        vmm_destroy(a);
        vmm_destroy(b);
    }
}

/* The CP and its real machine saved (as the monitor's snapshot saves
 * them: no transient state) and restored into a fresh CP, OUT. */
static struct vmm *save_restore(struct vmm *v)
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

/* Saved after a random number of steps in random calls and restored into
 * a fresh control program, a run goes on exactly as one never saved:
 * mid slice, mid hybrid stretch, with virtual timers pending, VMs at their
 * limits and console input half read. */
static void restore__a_restored_run_ends_as_one_never_saved(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct rig c;
        draw_rig(seed, &c);
        struct vmm *a = build(seed, &c), *b = build(seed, &c);
        uint64_t s = seed, sb = seed;
        uint64_t at = 1 + rnd(&s) % 3000;
        for (uint64_t done = 0; done < at;) {
            uint64_t n = 1 + rnd(&s) % 50;
            vmm_run(a, n, NULL);
            vmm_run(b, n, NULL);
            done += n;
        }
        expect_same(a, b, "before the save", seed);
        struct vmm *r = save_restore(b);
        expect_same(b, r, "restored", seed);
        vmm_destroy(b);
        run_chunked(a, &sb, 0);
        run_chunked(r, &sb, 0);
        expect_same(a, r, "after the restore", seed);
        vmm_destroy(a);
        vmm_destroy(r);
    }
}

/* vmm.h: vmm_state_load refuses a VM record out of range with one line
 * naming its offset, and leaves the CP as it was: also when base + w
 * wraps around 2^64, which made it pass as inside memory. */
static void restore__a_region_that_wraps_is_refused_at_its_record(void **state)
{
    (void)state;
    struct rig c;
    draw_rig(5, &c);
    struct vmm *v = build(5, &c);
    vmm_run(v, 500, NULL);
    uint8_t *buf, *was;
    size_t len, wlen;
    assert_int_equal(vmm_state_save(v, &buf, &len), 0);
    assert_int_equal(vmm_state_save(v, &was, &wlen), 0);
    /* the first record at 56: id, 32 bytes of name, then base and w */
    static const struct {
        size_t at;
        uint64_t value;
    } bad[] = {{96, UINT64_MAX - 7}, {104, UINT64_MAX - 7}, {96, UINT64_C(1) << 32},
               {104, (UINT64_C(1) << 32) + 16}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        uint8_t *b = malloc(len);
        assert_non_null(b);
        memcpy(b, buf, len);
        for (int i = 0; i < 8; i++)
            b[bad[k].at + i] = (uint8_t)(bad[k].value >> (8 * i));
        char err[300];
        memset(err, 'x', sizeof err - 1); /* not a message of its own */
        err[sizeof err - 1] = '\0';
        assert_int_equal(vmm_state_load(v, b, len, err, sizeof err), -1);
        if (strcmp(err, "offset 56: bad VM record"))
            fail_msg("field at %zu = %#llx: '%s'", bad[k].at, (unsigned long long)bad[k].value,
                     err);
        free(b);
        uint8_t *now;
        size_t nlen;
        assert_int_equal(vmm_state_save(v, &now, &nlen), 0);
        assert_true(nlen == wlen && !memcmp(now, was, nlen));
        free(now);
    }
    free(buf);
    free(was);
    vmm_destroy(v);
}

/* A run stopped at every write of watched words (each VM's E[0], which its
 * traps write, and a word of its trap handler's) and at a breakpoint, and
 * continued, ends as the same run not debugged. */
static void watch__a_run_stopped_at_watchpoints_ends_as_one_not_watched(void **state)
{
    (void)state;
    unsigned stops = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        struct rig c;
        draw_rig(seed, &c);
        struct vmm *a = build(seed, &c), *b = build(seed, &c);
        for (int id = 0; id < c.n; id++) {
            struct vm_info in;
            assert_int_equal(vmm_vm_info(b, id, &in), 0);
            assert_int_equal(machine_watch(vmm_machine(b), in.base, WATCH_WRITE), 0);
            assert_int_equal(machine_watch(vmm_machine(b), in.base + 2, WATCH_WRITE), 0);
            if (seed % 2) /* and the trap handler's first instruction */
                assert_int_equal(machine_break_exec(vmm_machine(b), in.base + 128, true), 0);
        }
        uint64_t s = seed;
        run_chunked(a, &s, 0);
        enum vmm_stop why;
        while ((why = vmm_run(b, UINT64_MAX, NULL)) != VMMSTOP_DONE) {
            assert_int_equal(why, VMMSTOP_DEBUG);
            stops++;
        }
        expect_same(a, b, "watched", seed);
        vmm_destroy(a);
        vmm_destroy(b);
    }
    assert_true(stops > 1000);
}

/* ---- the monitor's snapshots (docs/monitor.md) ----------------------------- */

/* A monitor session of the rig C for SEED: its VMs named, limited and
 * given input by the monitor's commands. */
static struct mon *mon_rig(FILE *sink, uint64_t seed, const struct rig *c)
{
    struct mon *m = mon_create(sink, sink);
    assert_non_null(m);
    ms_cmd(m, "set cp-memory 8192; set slice %llu%s", (unsigned long long)c->slice,
           c->hybrid ? "; set cp-profile pdp10; set hybrid on" : "");
    for (int i = 0; i < c->n; i++) {
        struct tgm_image img;
        char err[256];
        ms_cmd(m, "vm create g%c%d %u", 'z' - i, i, PG_W); /* names not in id order */
        pg_generate(seed * 11 + (uint64_t)i, NULL, &img);
        assert_int_equal(vmm_vm_load(mon_vmm(m), i, &img, err, sizeof err), 0);
        image_free(&img);
        ms_cmd(m, "vm limit g%c%d %llu; vm input g%c%d %s", 'z' - i, i,
               (unsigned long long)c->limit[i], 'z' - i, i, c->input[i]);
    }
    ms_cmd(m, "vm select g%c%d", 'z' - (int)(seed % (uint64_t)c->n), (int)(seed % (uint64_t)c->n));
    return m;
}

/* 'save' after a random number of steps and 'restore' in a new session:
 * the control program, its VMs (names, order, limits, console input half
 * read, statistics) and the real machine are as saved, and 'go' from there
 * ends as the session never saved. */
static void snapshot__a_restored_session_runs_on_as_one_never_saved(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "session.snap");
    for (uint64_t seed = 1; seed <= 60; seed++) {
        struct rig c;
        draw_rig(seed, &c);
        struct mon *a = mon_rig(sink, seed, &c), *b = mon_create(sink, sink);
        assert_non_null(b);
        uint64_t s = seed;
        ms_cmd(a, "set limit 0; go for %llu", (unsigned long long)(1 + rnd(&s) % 3000));
        ms_cmd(a, "save %s", path);
        ms_cmd(b, "set limit 0; restore %s", path);
        expect_same(mon_vmm(a), mon_vmm(b), "restored", seed);
        ms_cmd(a, "go");
        ms_cmd(b, "go");
        for (int id = 0; id < c.n; id++) {
            struct vm_info in;
            assert_int_equal(vmm_vm_info(mon_vmm(a), id, &in), 0);
            assert_int_not_equal(in.state, VM_RUNNABLE); /* 'go' ran them to the end */
        }
        expect_same(mon_vmm(a), mon_vmm(b), "run on after the restore", seed);
        mon_destroy(a);
        mon_destroy(b);
    }
    fclose(sink);
}

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
                               .hybrid = hybrid, .input = nest_input,
                               .input_len = sizeof nest_input - 1};
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

/* ---- the timeline (docs/run.md) ---------------------------------------- */

struct recorded {
    struct tgm_timeline *t;
    struct vmm *v;
};
static void to_timeline(void *ctx, const struct vmm_event *e)
{
    struct recorded *r = ctx;
    timeline_event(r->t, r->v, e);
}

/* The JSON timeline of V (recorded in R) as written to NAME. */
static char *timeline_json(struct recorded *r, const char *name)
{
    char path[CS_PATH], err[300];
    cs_tmp_path(path, sizeof path, name);
    if (timeline_write(r->t, r->v, path, err, sizeof err) != 0)
        fail_msg("%s", err);
    char *json = cs_slurp(path, NULL);
    assert_non_null(json);
    return json;
}

/* "a direct slice for each stretch the VM executed directly (its cycles
 * are the ones the control program charged it)", events "exactly the
 * traps --stats reports" but hybrid stretches, and "slices never overlap":
 * checked on the JSON of V's run. */
static void expect_timeline_adds_up(struct vmm *v, const char *json, uint64_t seed)
{
    uint64_t direct[VMM_MAX_VMS + 1] = {0}, end = 0;
    static uint64_t ev[VMM_MAX_VMS + 1][TRAP_NCAUSES][DISP_COUNT];
    memset(ev, 0, sizeof ev);
    for (const char *l = json; (l = strstr(l, "\n{")) != NULL; l++) {
        unsigned tid;
        unsigned long long ts, dur;
        char cause[16], disp[16];
        if (sscanf(l, "\n{\"name\":\"%*[^\"]\",\"cat\":\"%*[a-z]\",\"ph\":\"X\",\"pid\":1,"
                      "\"tid\":%u,\"ts\":%llu,\"dur\":%llu", &tid, &ts, &dur) == 3) {
            if (ts < end)
                fail_msg("seed %llu: a slice at %llu overlaps one ending at %llu",
                         (unsigned long long)seed, ts, (unsigned long long)end);
            end = ts + dur;
            if (tid > 0 && tid <= VMM_MAX_VMS)
                direct[tid] += dur;
        } else if (sscanf(l, "\n{\"name\":\"%*[^\"]\",\"cat\":\"trap\",\"ph\":\"i\",\"s\":"
                             "\"t\",\"pid\":1,\"tid\":%u,\"ts\":%llu,\"args\":{\"cause\":"
                             "\"%15[a-z]\",\"disposition\":\"%15[a-z]\"",
                          &tid, &ts, cause, disp) == 4) {
            unsigned c = 0, d = 0;
            while (c < TRAP_NCAUSES && strcmp(trap_cause_name(c), cause))
                c++;
            while (d < DISP_COUNT && strcmp(vmm_disposition_name((enum vmm_disposition)d), disp))
                d++;
            assert_true(tid > 0 && tid <= VMM_MAX_VMS && c < TRAP_NCAUSES && d < DISP_COUNT);
            ev[tid][c][d]++;
        }
    }
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        struct vm_info in;
        assert_int_equal(vmm_vm_info(v, id, &in), 0);
        if (direct[id + 1] != in.stats.guest_cycles)
            fail_msg("seed %llu, VM %d: direct slices of %llu cycles, %llu charged",
                     (unsigned long long)seed, id, (unsigned long long)direct[id + 1],
                     (unsigned long long)in.stats.guest_cycles);
        for (unsigned c = 0; c < TRAP_NCAUSES; c++)
            for (int d = 0; d < DISP_COUNT; d++)
                if (d != DISP_HYBRID && ev[id + 1][c][d] != in.stats.traps[c][d])
                    fail_msg("seed %llu, VM %d: %llu %s/%s events, %llu counted",
                             (unsigned long long)seed, id, (unsigned long long)ev[id + 1][c][d],
                             trap_cause_name(c), vmm_disposition_name((enum vmm_disposition)d),
                             (unsigned long long)in.stats.traps[c][d]);
    }
}

/* The timelines of a run in one call and in calls of 1..7 steps are the
 * same file, and add up to the statistics. */
static void timeline__a_run_in_chunks_draws_as_one_run(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 150; seed++) {
        struct rig c;
        draw_rig(seed, &c);
        struct vmm *a = build(seed, &c), *b = build(seed, &c);
        struct recorded ra = {timeline_new(), a}, rb = {timeline_new(), b};
        assert_true(ra.t && rb.t);
        vmm_set_event_hook(a, to_timeline, &ra);
        vmm_set_event_hook(b, to_timeline, &rb);
        uint64_t s = seed;
        run_chunked(a, &s, 0);
        run_chunked(b, &s, 7);
        char *x = timeline_json(&ra, "whole.json"), *y = timeline_json(&rb, "chunked.json");
        if (strcmp(x, y))
            fail_msg("seed %llu: the timelines differ", (unsigned long long)seed);
        expect_timeline_adds_up(a, x, seed);
        free(x);
        free(y);
        timeline_free(ra.t);
        timeline_free(rb.t);
        vmm_destroy(a);
        vmm_destroy(b);
    }
}

/* "At most 1,000,000 events are kept; the JSON's otherData.dropped counts
 * the rest": kept, not half of them. */
static void timeline__keeps_a_million_events(void **state)
{
    (void)state;
    struct rig c = {.n = 1, .slice = 100};
    struct vmm *v = build(1, &c);
    struct tgm_timeline *t = timeline_new();
    assert_non_null(t);
    struct vmm_event e = {0, TRAP_SVC, 300, 0, DISP_REFLECTED, TRAP_SVC};
    for (unsigned i = 0; i < TIMELINE_MAX_EVENTS + 2; i++)
        timeline_event(t, v, &e);
    size_t dropped;
    assert_int_equal(timeline_count(t, &dropped), TIMELINE_MAX_EVENTS);
    assert_int_equal(dropped, 2);
    timeline_free(t);
    vmm_destroy(v);
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
    assert_int_equal(machine_console_input(m, nest_input, sizeof nest_input - 1), 0);
    *halted = machine_run(m, steps, NULL) == EXIT_HALT;
    return m;
}

static void nest_start(const struct tgm_image *guest, unsigned depth, bool vmm, bool log,
                       struct nest_run *r)
{
    struct nest_run_opts o = {depth, PG_W, vmm, log, nest_input, sizeof nest_input - 1};
    char err[200];
    if (nest_run_start(NULL, guest, &o, r, err, sizeof err) != 0)
        fail_msg("nest_run_start: %s", err);
}

/* A stack run in one call and in calls of 1..MAXB steps: the same
 * machines, counters, trap logs and (on the C CP) CP state. */
static void nest__a_stack_run_in_chunks_ends_as_one_run(void **state)
{
    (void)state;
    unsigned compared = 0;
    for (uint64_t seed = 0; compared < 60; seed++) {
        struct tgm_image img;
        pg_generate(seed, NULL, &img);
        bool halted;
        machine_destroy(bare_run(&img, 20000, &halted));
        if (!halted) {
            image_free(&img);
            continue;
        }
        unsigned depth = 1 + compared % 3;
        bool vmm = compared % 4 == 3;
        struct nest_run a, b;
        nest_start(&img, depth, vmm, compared % 2, &a);
        nest_start(&img, depth, vmm, compared % 2, &b);
        image_free(&img);
        assert_true(nest_run_go(&a, UINT64_C(20000) * NEST_STEP_FACTOR));
        uint64_t s = seed + 1, maxb = compared % 3 ? 5000 : 13;
        while (!b.halted && b.steps < a.steps)
            nest_run_go(&b, 1 + rnd(&s) % maxb);
        char diff[300], what[80];
        snprintf(what, sizeof what, "seed %llu, depth %u%s", (unsigned long long)seed, depth,
                 vmm ? " on the C CP" : "");
        if (!b.halted || a.steps != b.steps)
            fail_msg("%s: the chunked run %s after %llu steps, the whole one halted after %llu",
                     what, b.halted ? "halted" : "did not halt", (unsigned long long)b.steps,
                     (unsigned long long)a.steps);
        if (machine_compare(a.m, b.m, CMP_COUNTERS, "whole", "chunked", diff, sizeof diff) ||
            machine_compare(a.real, b.real, CMP_COUNTERS, "whole", "chunked", diff,
                            sizeof diff))
            fail_msg("%s: %s", what, diff);
        if (a.nlog != b.nlog || (a.nlog && memcmp(a.log, b.log, a.nlog * sizeof *a.log)))
            fail_msg("%s: trap logs of %zu and %zu words differ", what, a.nlog, b.nlog);
        if (vmm)
            expect_same(a.vmm, b.vmm, what, seed);
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
        pg_generate(seed, NULL, &img);
        bool halted;
        machine_destroy(bare_run(&img, 20000, &halted));
        if (!halted) {
            image_free(&img);
            continue;
        }
        unsigned depth = 1 + compared % 3;
        bool vmm = compared % 2;
        struct nest_run a, b, c;
        nest_start(&img, depth, vmm, false, &a);
        nest_start(&img, depth, vmm, false, &b);
        nest_start(&img, depth, vmm, false, &c);
        image_free(&img);
        assert_true(nest_run_go(&a, UINT64_C(20000) * NEST_STEP_FACTOR));
        uint64_t s = seed;
        nest_run_go(&b, 1 + rnd(&s) % a.steps);
        uint8_t *real;
        size_t nreal;
        char err[300] = "";
        assert_int_equal(machine_state_save(b.real, true, &real, &nreal), 0);
        if (vmm) {
            struct vmm *r = save_restore(b.vmm);
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
        char diff[300];
        if (a.steps != c.steps ||
            machine_compare(a.m, c.m, CMP_COUNTERS, "never saved", "restored", diff,
                            sizeof diff) ||
            machine_compare(a.real, c.real, CMP_COUNTERS, "never saved", "restored", diff,
                            sizeof diff))
            fail_msg("seed %llu, depth %u%s, saved at step %llu: %s", (unsigned long long)seed,
                     depth, vmm ? " on the C CP" : "", (unsigned long long)b.steps,
                     a.steps != c.steps ? "steps differ" : diff);
        if (vmm)
            expect_same(a.vmm, c.vmm, "restored stack", seed);
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
    else if (!diff[0] && (bl != nl || memcmp(bo, no, bl) ||
                          machine_console_input_used(r->m) != machine_console_input_used(bare)))
        snprintf(diff, len, "console");
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
        struct nest_run_opts o = {depth, PG_W, compared % 5 == 4, false, nest_input,
                                  sizeof nest_input - 1};
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_review");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chunks__a_run_in_chunks_ends_as_one_run),
        cmocka_unit_test(restore__a_restored_run_ends_as_one_never_saved),
        cmocka_unit_test(restore__a_region_that_wraps_is_refused_at_its_record),
        cmocka_unit_test(nest__a_stack_run_in_chunks_ends_as_one_run),
        cmocka_unit_test(nest__a_restored_stack_ends_as_one_never_saved),
        cmocka_unit_test(timeline__a_run_in_chunks_draws_as_one_run),
        cmocka_unit_test(check__verdicts_agree_with_a_comparison_by_hand),
        cmocka_unit_test(snapshot__a_restored_session_runs_on_as_one_never_saved),
        cmocka_unit_test(watch__a_run_stopped_at_watchpoints_ends_as_one_not_watched),
        cmocka_unit_test(timeline__keeps_a_million_events),
        cmocka_unit_test(nest__check_agrees_with_a_comparison_by_hand),
    };
    return cmocka_run_group_tests_name("review", tests, group_setup, group_teardown);
}
