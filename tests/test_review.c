/* test_review.c: differential properties of the control program's runs
 * (sections 4-6): a run cut into calls of any budgets, stopped at
 * watchpoints, or saved at any point (by the library or the monitor) and
 * restored into a fresh control program, ends exactly where one
 * uninterrupted run does, in every VM, statistic, the real machine, the
 * control program's saved state and the timeline.
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
#include "review_support.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/timeline.h"
#include "vmm/vmm_impl.h" /* to break an invariant the API keeps */

/* vmm.md: "a run cut into calls of any budgets ends exactly as one call
 * does".  Each seed's rig has 1-4 VMs with step limits and console input,
 * plain or hybrid, a short slice; calls of 1..7 steps cut it at every kind
 * of instant (a slice's end, a virtual timer's expiry, mid hybrid
 * stretch), calls of 1..300 at fewer. */
static void chunks__a_run_in_chunks_ends_as_one_run(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct rv_rig c;
        struct vmm *a, *b;
        rv_pair(seed, &c, &a, &b);
        uint64_t s = seed;
        rv_run_chunked(a, &s, 0);
        rv_run_chunked(b, &s, seed % 2 ? 7 : 300);
        rv_expect_same(a, b, "chunked", seed);
        /* VMs stopped at their limits run on when the limits are raised */
        for (int id = 0; id < c.n; id++) {
            uint64_t more = c.limit[id] + rv_rnd(&s) % 1000;
            assert_int_equal(vmm_vm_set_limit(a, id, more), 0);
            assert_int_equal(vmm_vm_set_limit(b, id, more), 0);
        }
        rv_run_chunked(a, &s, 0);
        rv_run_chunked(b, &s, seed % 2 ? 300 : 7);
        rv_expect_same(a, b, "chunked, the limits raised", seed);
        /* vmm.md: the counts add up to the bare-equivalent instructions,
         * and each CP entry costs a trap sequence and an HCALL */
        for (int id = 0; id < c.n; id++) {
            struct vm_info in;
            assert_int_equal(vmm_vm_info(a, id, &in), 0);
            assert_int_equal(in.stats.direct + in.stats.interpreted,
                             machine_instret(vmm_vm_view(a, id)));
            assert_int_equal(in.stats.cp_cycles, in.stats.entries * (TGM_TRAP_CYCLES + CYC_HCALL));
        }
        vmm_destroy(a);
        vmm_destroy(b);
    }
}

/* A slice of 2^63 cycles or more was negative once taken, so it ended
 * after every instruction: 'tgm run --vmm --slice 18446744073709551615'
 * took a scheduler trap per instruction.  It is VMM_SLICE_MAX, and runs as
 * that slice does. */
static void slice__a_slice_too_long_is_the_longest_not_the_shortest(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 40; seed++) {
        struct rv_rig c;
        rv_draw_rig(seed, &c);
        c.slice = UINT64_MAX;
        struct vmm *a = rv_build(seed, &c);
        c.slice = VMM_SLICE_MAX;
        struct vmm *b = rv_build(seed, &c);
        assert_int_equal(vmm_slice(a), VMM_SLICE_MAX);
        vmm_set_slice(b, (uint64_t)VMM_SLICE_MAX + 1);
        assert_int_equal(vmm_slice(b), VMM_SLICE_MAX);
        uint64_t s = seed;
        rv_run_chunked(a, &s, 0);
        rv_run_chunked(b, &s, 0);
        rv_expect_same(a, b, "the longest slice", seed);
        vmm_destroy(a);
        vmm_destroy(b);
    }
}

/* Saved after a random number of steps in random calls and restored into
 * a fresh control program, a run goes on exactly as one never saved:
 * mid slice, mid hybrid stretch, with virtual timers pending, VMs at their
 * limits and console input half read. */
enum { MID_HYBRID, TIMER_PENDING, AT_LIMIT, INPUT_HALF_READ, NCORNERS };

/* Count in SEEN the corners V is in. */
static void corners(struct vmm *v, unsigned *seen)
{
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        struct vm_info in;
        struct machine *view = vmm_vm_view(v, id);
        assert_int_equal(vmm_vm_info(v, id, &in), 0);
        seen[MID_HYBRID] += vmm_hybrid(v) && in.state == VM_RUNNABLE && machine_sup(view);
        seen[TIMER_PENDING] += machine_get_timer(view).pending;
        seen[AT_LIMIT] += in.state == VM_LIMIT;
        seen[INPUT_HALF_READ] += machine_console_input_used(view) == 1; /* of 2 */
    }
}

static void restore__a_restored_run_ends_as_one_never_saved(void **state)
{
    (void)state;
    unsigned seen[NCORNERS] = {0};
    for (uint64_t seed = 1; seed <= 400; seed++) {
        struct rv_rig c;
        struct vmm *a, *b;
        rv_pair(seed, &c, &a, &b);
        uint64_t s = seed, sb = seed;
        uint64_t at = 1 + rv_rnd(&s) % 3000;
        for (uint64_t done = 0; done < at;) {
            uint64_t n = 1 + rv_rnd(&s) % 50;
            vmm_run(a, n, NULL);
            vmm_run(b, n, NULL);
            done += n;
        }
        rv_expect_same(a, b, "before the save", seed);
        corners(b, seen);
        struct vmm *r = rv_save_restore(b);
        rv_expect_same(b, r, "restored", seed);
        vmm_destroy(b);
        rv_run_chunked(a, &sb, 0);
        rv_run_chunked(r, &sb, 0);
        rv_expect_same(a, r, "after the restore", seed);
        vmm_destroy(a);
        vmm_destroy(r);
    }
    for (int k = 0; k < NCORNERS; k++) /* each corner was saved in a few times */
        if (seen[k] < 3)
            fail_msg("corner %d saved in %u times", k, seen[k]);
}

/* Load BUF with the 8 bytes at AT set to VALUE: refused with WANT, and V
 * (whose state was WAS) left as it was. */
static void rv_load_bad(struct vmm *v, const uint8_t *buf, size_t len, size_t at,
                        uint64_t value, const char *want, const uint8_t *was, size_t wlen)
{
    uint8_t *b = malloc(len);
    assert_non_null(b);
    memcpy(b, buf, len);
    for (int i = 0; i < 8; i++)
        b[at + i] = (uint8_t)(value >> (8 * i));
    char err[300];
    memset(err, 'x', sizeof err - 1); /* not a message of its own */
    err[sizeof err - 1] = '\0';
    assert_int_equal(vmm_state_load(v, b, len, err, sizeof err), -1);
    if (strcmp(err, want))
        fail_msg("field at %zu = %#llx: '%s'", at, (unsigned long long)value, err);
    free(b);
    uint8_t *now;
    size_t nlen;
    assert_int_equal(vmm_state_save(v, &now, &nlen), 0);
    assert_true(nlen == wlen && !memcmp(now, was, nlen));
    free(now);
}

/* vmm.h: vmm_state_load refuses a VM record out of range with one line
 * naming its offset, and leaves the CP as it was: also when base + w
 * wraps around 2^64, which made it pass as inside memory; so too each bad
 * field of the header, an empty name and more slice left than the slice. */
static void restore__a_bad_cp_state_field_is_named_at_its_offset(void **state)
{
    (void)state;
    struct rv_rig c;
    rv_draw_rig(5, &c);
    struct vmm *v = rv_build(5, &c);
    vmm_run(v, 500, NULL);
    uint8_t *buf, *was;
    size_t len, wlen;
    assert_int_equal(vmm_state_save(v, &buf, &len), 0);
    assert_int_equal(vmm_state_save(v, &was, &wlen), 0);
    /* the first record at 56: id, 32 bytes of name, then base and w */
    static const struct {
        size_t at;
        uint64_t value;
        const char *want;
    } bad[] = {{96, UINT64_MAX - 7, "offset 56: bad VM record"},
               {104, UINT64_MAX - 7, "offset 56: bad VM record"},
               {96, UINT64_C(1) << 32, "offset 56: bad VM record"},
               {104, (UINT64_C(1) << 32) + 16, "offset 56: bad VM record"},
               /* an empty name, which no VM can be found by; loaded alone
                * (no vmm_state_check after) it was taken */
               {64, 0, "offset 64: VM record has an empty name"},
               /* the header's fields said "control program state is
                * inconsistent", or the size with no offset */
               {8, 4096, "offset 8: state is for 4096 words of real memory, not 8192"},
               {16, 0, "offset 16: time slice of 0 cycles is not 1..9223372036854775807"},
               {16, UINT64_MAX, "offset 16: time slice of 18446744073709551615 cycles is not "
                                "1..9223372036854775807"},
               {24, 2, "offset 24: hybrid mode 2 is neither 0 nor 1"},
               {32, 64, "offset 32: current VM 64 is out of range"},
               {48, 65, "offset 48: 65 VMs, more than 64"}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        rv_load_bad(v, buf, len, bad[k].at, bad[k].value, bad[k].want, was, wlen);
    /* more of the slice left than the slice (at 40) was taken alone too */
    uint64_t slice = le_read(buf + 16, 8);
    char want[120];
    snprintf(want, sizeof want, "offset 40: time slice left of %llu cycles exceeds the slice of %llu",
             (unsigned long long)slice + 1, (unsigned long long)slice);
    rv_load_bad(v, buf, len, 40, slice + 1, want, was, wlen);
    free(buf);
    free(was);
    vmm_destroy(v);
}

/* vmm_state_check words a slice left longer than the slice (or a slice
 * out of range) as vmm_state_load does, without the offset; it said "time
 * slice left (N) exceeds the slice (M)", unlike the load's line. */
static void restore__the_check_words_a_bad_slice_as_the_load_does(void **state)
{
    (void)state;
    struct rv_rig c;
    rv_draw_rig(5, &c);
    struct vmm *v = rv_build(5, &c);
    char err[200] = "";
    assert_int_equal(vmm_state_check(v, err, sizeof err), 0);
    uint64_t slice = vmm_slice(v);
    int64_t left = v->slice_left;
    v->slice_left = (int64_t)slice + 1;
    char want[120];
    snprintf(want, sizeof want, "time slice left of %llu cycles exceeds the slice of %llu",
             (unsigned long long)slice + 1, (unsigned long long)slice);
    assert_int_equal(vmm_state_check(v, err, sizeof err), -1);
    assert_string_equal(err, want);
    v->slice_left = left;
    v->slice = 0;
    assert_int_equal(vmm_state_check(v, err, sizeof err), -1);
    assert_string_equal(err, "time slice of 0 cycles is not 1..9223372036854775807");
    v->slice = slice;
    assert_int_equal(vmm_state_check(v, err, sizeof err), 0);
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
        struct rv_rig c;
        struct vmm *a, *b;
        rv_pair(seed, &c, &a, &b);
        for (int id = 0; id < c.n; id++) {
            struct vm_info in;
            assert_int_equal(vmm_vm_info(b, id, &in), 0);
            assert_int_equal(machine_watch(vmm_machine(b), in.base, WATCH_WRITE), 0);
            assert_int_equal(machine_watch(vmm_machine(b), in.base + 2, WATCH_WRITE), 0);
            if (seed % 2) /* and the trap handler's first instruction */
                assert_int_equal(machine_break_exec(vmm_machine(b), in.base + 128, true), 0);
        }
        uint64_t s = seed;
        rv_run_chunked(a, &s, 0);
        enum vmm_stop why;
        while ((why = vmm_run(b, UINT64_MAX, NULL)) != VMMSTOP_DONE) {
            assert_int_equal(why, VMMSTOP_DEBUG);
            stops++;
        }
        rv_expect_same(a, b, "watched", seed);
        vmm_destroy(a);
        vmm_destroy(b);
    }
    assert_true(stops > 1000);
}

/* ---- the monitor's snapshots (docs/monitor.md) ----------------------------- */

/* A monitor running the rig C for SEED: its VMs named, limited and
 * given input by the monitor's commands. */
static struct mon *mon_rig(FILE *sink, uint64_t seed, const struct rv_rig *c)
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

/* 'save' after a random number of steps and 'restore' in a new monitor:
 * the control program, its VMs (names, order, limits, console input half
 * read, statistics) and the real machine are as saved, and 'go' from there
 * ends as the monitor that never saved. */
static void snapshot__a_restored_monitor_runs_on_as_one_never_saved(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "monitor.snap");
    for (uint64_t seed = 1; seed <= 60; seed++) {
        struct rv_rig c;
        rv_draw_rig(seed, &c);
        struct mon *a = mon_rig(sink, seed, &c), *b = mon_create(sink, sink);
        assert_non_null(b);
        uint64_t s = seed;
        ms_cmd(a, "set limit 0; go for %llu", (unsigned long long)(1 + rv_rnd(&s) % 3000));
        ms_cmd(a, "save %s", path);
        ms_cmd(b, "set limit 0; restore %s", path);
        rv_expect_same(mon_vmm(a), mon_vmm(b), "restored", seed);
        ms_cmd(a, "go");
        ms_cmd(b, "go");
        for (int id = 0; id < c.n; id++) {
            struct vm_info in;
            assert_int_equal(vmm_vm_info(mon_vmm(a), id, &in), 0);
            assert_int_not_equal(in.state, VM_RUNNABLE); /* 'go' ran them to the end */
        }
        rv_expect_same(mon_vmm(a), mon_vmm(b), "run on after the restore", seed);
        mon_destroy(a);
        mon_destroy(b);
    }
    fclose(sink);
}

/* A machine state with a bad field is refused with one line naming the
 * field's offset (it said "state is inconsistent (console, trap or PSW
 * field)" with none), and the machine is left as it was; one cut short is
 * "truncated" wherever it is cut (in its header it was "unsupported state
 * version 0" or "another instruction-set profile"). */
static void restore__a_bad_machine_state_field_is_named_at_its_offset(void **state)
{
    (void)state;
    struct machine_config mc = {.q = 64};
    struct machine *m = machine_create(&mc);
    assert_non_null(m);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"ab", 2), 0);
    machine_console_get(m);
    uint8_t *buf, *was, *now;
    size_t len, wlen, nlen;
    assert_int_equal(machine_state_save(m, true, &buf, &len), 0);
    assert_int_equal(machine_state_save(m, true, &was, &wlen), 0);
    size_t flags = 32 + strlen(machine_profile(m)->name), psw = flags + 8, last = flags + 40;
    size_t ipos = flags + 128 + 8 + 8; /* past the output's length, dropped and none */
    static const char *const want[] = {"unknown state flags 0x6", "state has host calls, the "
                                       "machine has not", "the PSW 0x0400000000000000 has a "
                                       "trap cause", "last trap cause 6 is none of the 6",
                                       "console input read to 3 of its 2 bytes"};
    const struct {
        size_t at;
        uint64_t value;
    } bad[] = {{flags, 6}, {flags, 3}, {psw, UINT64_C(1) << 58}, {last, 6}, {ipos, 3}};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        uint8_t *b = malloc(len);
        assert_non_null(b);
        memcpy(b, buf, len);
        for (int i = 0; i < 8; i++)
            b[bad[k].at + i] = (uint8_t)(bad[k].value >> (8 * i));
        char err[200], expect[200];
        snprintf(expect, sizeof expect, "offset %zu: %s", bad[k].at, want[k]);
        assert_int_equal(machine_state_load(m, b, len, err, sizeof err), -1);
        assert_string_equal(err, expect);
        free(b);
        assert_int_equal(machine_state_save(m, true, &now, &nlen), 0);
        assert_true(nlen == wlen && !memcmp(now, was, nlen));
        free(now);
    }
    /* cut anywhere past the magic, it is truncated, not another version or
     * profile */
    for (size_t cut = 8; cut < len; cut++) {
        char err[200];
        assert_int_equal(machine_state_load(m, buf, cut, err, sizeof err), -1);
        if (!strstr(err, ": state is truncated"))
            fail_msg("cut to %zu bytes: '%s'", cut, err);
    }
    free(buf);
    free(was);
    machine_destroy(m);
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
 * are the ones the control program charged it)", a control program slice
 * for "the trap sequence, the dispatcher, ..." (its cycles those of the
 * trap sequences and HCALLs), events "exactly the traps --stats reports"
 * but hybrid stretches, and "slices never overlap": checked on the JSON of
 * V's run, recorded from its start. */
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
            if (tid <= VMM_MAX_VMS) /* 0: the control program's */
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
    uint64_t cp = 0, all = direct[0], now = machine_cycles(vmm_machine(v));
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        struct vm_info in;
        assert_int_equal(vmm_vm_info(v, id, &in), 0);
        cp += in.stats.cp_cycles;
        all += direct[id + 1];
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
    /* the control program's slices are its trap sequences and HCALLs, and
     * with the VMs' they fill the real machine's time */
    if (direct[0] != cp || all != now)
        fail_msg("seed %llu: control program slices of %llu cycles (%llu charged), all slices "
                 "%llu of %llu real cycles", (unsigned long long)seed,
                 (unsigned long long)direct[0], (unsigned long long)cp,
                 (unsigned long long)all, (unsigned long long)now);
}

/* Two control programs of SEED's rig, each with a timeline recording it
 * from its start, in RA and RB. */
static void recorded_pair(uint64_t seed, struct recorded *ra, struct recorded *rb)
{
    struct rv_rig c;
    struct vmm *a, *b;
    rv_pair(seed, &c, &a, &b);
    *ra = (struct recorded){timeline_new(), a};
    *rb = (struct recorded){timeline_new(), b};
    assert_true(ra->t && rb->t);
    vmm_set_event_hook(a, to_timeline, ra);
    vmm_set_event_hook(b, to_timeline, rb);
}

/* The two timelines, written, are the same file (and that of RA adds up
 * to its statistics); both are freed, and their runs. */
static void expect_same_timelines(struct recorded *ra, struct recorded *rb, uint64_t seed,
                                  const char *what)
{
    char *x = timeline_json(ra, "a.json"), *y = timeline_json(rb, "b.json");
    if (strcmp(x, y))
        fail_msg("seed %llu: the timelines differ (%s)", (unsigned long long)seed, what);
    expect_timeline_adds_up(ra->v, x, seed);
    free(x);
    free(y);
    timeline_free(ra->t);
    timeline_free(rb->t);
    vmm_destroy(ra->v);
    vmm_destroy(rb->v);
}

/* The timelines of a run in one call and in calls of 1..7 steps are the
 * same file, and add up to the statistics. */
static void timeline__a_run_in_chunks_draws_as_one_run(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 150; seed++) {
        struct recorded ra, rb;
        recorded_pair(seed, &ra, &rb);
        struct vmm *a = ra.v, *b = rb.v;
        uint64_t s = seed;
        rv_run_chunked(a, &s, 0);
        rv_run_chunked(b, &s, 7);
        expect_same_timelines(&ra, &rb, seed, "chunked");
    }
}

/* Gone back in time (the state saved at a random point loaded again, as
 * reverse execution does) and rewound, a timeline records the run on from
 * there as if it had never gone further: the same file as a straight run. */
static void timeline__rewound_after_going_back_draws_as_one_run(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 150; seed++) {
        struct recorded ra, rb;
        recorded_pair(seed, &ra, &rb);
        struct vmm *a = ra.v, *b = rb.v;
        uint64_t s = seed;
        vmm_run(b, 1 + rv_rnd(&s) % 2000, NULL);
        uint8_t *cp, *real;
        size_t ncp, nreal;
        char err[300] = "";
        struct vmm_transient tr;
        assert_int_equal(vmm_state_save(b, &cp, &ncp), 0);
        assert_int_equal(machine_state_save(vmm_machine(b), true, &real, &nreal), 0);
        vmm_transient_get(b, &tr);
        vmm_run(b, 1 + rv_rnd(&s) % 2000, NULL);
        if (vmm_state_load(b, cp, ncp, err, sizeof err) != 0 ||
            machine_state_load(vmm_machine(b), real, nreal, err, sizeof err) != 0)
            fail_msg("seed %llu: %s", (unsigned long long)seed, err);
        vmm_transient_set(b, &tr);
        timeline_rewind(rb.t, b);
        free(cp);
        free(real);
        rv_run_chunked(a, &s, 0);
        rv_run_chunked(b, &s, 0);
        rv_expect_same(a, b, "gone back", seed);
        expect_same_timelines(&ra, &rb, seed, "rewound");
    }
}

/* "At most 1,000,000 events are kept; the JSON's otherData.dropped counts
 * the rest": kept, not half of them. */
static void timeline__keeps_a_million_events(void **state)
{
    (void)state;
    struct rv_rig c = {.n = 1, .slice = 100};
    struct vmm *v = rv_build(1, &c);
    struct tgm_timeline *t = timeline_new();
    assert_non_null(t);
    struct vmm_event e = {0, TRAP_SVC, 300, 0, DISP_REFLECTED, TRAP_SVC, 0, 0};
    for (unsigned i = 0; i < TIMELINE_MAX_EVENTS + 2; i++)
        timeline_event(t, v, &e);
    size_t dropped;
    assert_int_equal(timeline_count(t, &dropped), TIMELINE_MAX_EVENTS);
    assert_int_equal(dropped, 2);
    timeline_free(t);
    vmm_destroy(v);
}

/* The real cycle of each event too, as the hook saw it. */
struct recorded_at {
    struct recorded r;
    uint64_t cycle[4];
    size_t n;
};
static void to_timeline_at(void *ctx, const struct vmm_event *e)
{
    struct recorded_at *ra = ctx;
    if (ra->n < sizeof ra->cycle / sizeof ra->cycle[0])
        ra->cycle[ra->n++] = machine_cycles(vmm_machine(ra->r.v));
    to_timeline(&ra->r, e);
}

/* 'timeline on' mid-run (timeline_begin): a VM's first event there that
 * no trap brought (its step limit) was taken for one a trap brought, the
 * VM's entries being counted from none, and drawn 5 cycles (the trap
 * sequence and the HCALL) before the cycle it happened at. */
static void timeline__begun_mid_run_an_untrapped_first_event_is_at_its_cycle(void **state)
{
    (void)state;
    char err[300];
    struct vmm_config cfg = {.q = VMM_K + 4096};
    struct vmm *v = vmm_create(&cfg, err, sizeof err);
    assert_non_null(v);
    struct tgm_image img; /* COUT traps (interpreted), JMP does not */
    assert_int_equal(asm_assemble_string("cout.s", "        .entry s\ns:      LI c, 65\n"
                                         "loop:   COUT c\n        JMP loop\nc:      .word 0\n",
                                         &img, stderr), 0);
    int id = vmm_vm_create(v, 4096, "a", err, sizeof err);
    assert_true(id >= 0);
    assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
    image_free(&img);
    vmm_run(v, 100, NULL); /* the next step is a JMP */
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(v, id, &vi), 0);
    assert_true(vi.stats.entries > 0);
    struct recorded_at ra = {{timeline_new(), v}, {0}, 0};
    assert_non_null(ra.r.t);
    timeline_begin(ra.r.t, v);
    vmm_set_event_hook(v, to_timeline_at, &ra);
    assert_int_equal(vmm_vm_set_limit(v, id, machine_steps(vmm_vm_view(v, id)) + 1), 0);
    assert_int_equal(vmm_run(v, 10, NULL), VMMSTOP_DONE);
    assert_int_equal(ra.n, 1);
    char *json = timeline_json(&ra.r, "mid-run.json"), want[160];
    snprintf(want, sizeof want, "\"cat\":\"trap\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,"
             "\"tid\":1,\"ts\":%llu,\"args\":{\"cause\":\"none\"",
             (unsigned long long)ra.cycle[0]);
    if (!strstr(json, want))
        fail_msg("no event at cycle %llu: %s", (unsigned long long)ra.cycle[0], json);
    free(json);
    timeline_free(ra.r.t);
    vmm_destroy(v);
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
        cmocka_unit_test(slice__a_slice_too_long_is_the_longest_not_the_shortest),
        cmocka_unit_test(restore__a_restored_run_ends_as_one_never_saved),
        cmocka_unit_test(restore__a_bad_cp_state_field_is_named_at_its_offset),
        cmocka_unit_test(restore__a_bad_machine_state_field_is_named_at_its_offset),
        cmocka_unit_test(restore__the_check_words_a_bad_slice_as_the_load_does),
        cmocka_unit_test(timeline__a_run_in_chunks_draws_as_one_run),
        cmocka_unit_test(snapshot__a_restored_monitor_runs_on_as_one_never_saved),
        cmocka_unit_test(watch__a_run_stopped_at_watchpoints_ends_as_one_not_watched),
        cmocka_unit_test(timeline__rewound_after_going_back_draws_as_one_run),
        cmocka_unit_test(timeline__keeps_a_million_events),
        cmocka_unit_test(timeline__begun_mid_run_an_untrapped_first_event_is_at_its_cycle),
    };
    return cmocka_run_group_tests_name("review", tests, group_setup, group_teardown);
}
