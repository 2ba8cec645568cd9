/* test_audit_agree.c: pairs of paths the docs say must agree, each checked
 * against the other over several programs rather than one example:
 *
 * - `tgm run X` and the monitor's `load X; go` with the same limit and
 *   input (docs/run.md, docs/monitor.md): the same PSW, counters, traps,
 *   timer, console output and all of E (`--dump` against `save`);
 * - the monitor's `save A; restore A; save B` (docs/monitor.md,
 *   "Snapshots": a restored session is the one saved): A and B the same
 *   bytes, bare and with VMs, mid-run, with the timer armed and console
 *   input queued.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/isa.h"

/* The fields of a machine state in a snapshot's BARE section, in the order
 * machine_state_save writes them. */
struct bare_state {
    uint64_t q, psw, armed, pending, remaining, cycles, instret, steps;
    uint64_t traps[TRAP_NCAUSES];
    const uint8_t *out, *E;
    uint64_t out_len;
};

static void bare_state(const uint8_t *snap, size_t len, struct bare_state *s)
{
    const uint8_t *p = snap + ms_section_at(snap, len, "BARE") + 16; /* magic, version */
    s->q = ms_get_le(p, 8);
    p += 16 + ms_get_le(p + 8, 8); /* the profile's name */
    uint64_t flags = ms_get_le(p, 8);
    s->psw = ms_get_le(p + 8, 8);
    s->armed = ms_get_le(p + 16, 8);
    s->pending = ms_get_le(p + 24, 8);
    s->remaining = ms_get_le(p + 32, 8);
    s->cycles = ms_get_le(p + 48, 8);
    s->instret = ms_get_le(p + 56, 8);
    s->steps = ms_get_le(p + 64, 8);
    p += 72;
    for (unsigned i = 0; i < TRAP_NCAUSES; i++, p += 8)
        s->traps[i] = ms_get_le(p, 8);
    s->out_len = ms_get_le(p, 8);
    s->out = p + 16;
    p += 16 + s->out_len;
    p += 16 + ms_get_le(p, 8); /* the input and how far CIN read it */
    assert_true(flags & 2);    /* with all of E */
    s->E = p;
    assert_true((size_t)(p - snap) + 8 * s->q <= len);
}

/* docs/run.md: `tgm run` loads the image into a bare machine and runs it
 * to HALT or the step limit; docs/monitor.md: `load` then `go` does the
 * same in the session, `set limit` the limit.  Both end in the same state,
 * through traps, the timer and console input, whether the run halts or the
 * limit stops it. */
static void run__agrees_with_the_monitors_load_and_go(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        unsigned limit;
        const char *input;
    } runs[] = {
        {"examples/hello.s", 100000, ""},
        {"examples/sum.s", 30, ""},
        {"examples/calls.s", 100000, ""},
        {"examples/compute.s", 777, ""},
        {"examples/supervisor.s", 100000, "ab"},
        {"examples/supervisor.s", 1000, ""},
        {"examples/os/os.s", 100000, "q\n"},
        {"examples/os/os.s", 2345, ""},
        {"examples/vmm/cp.s", 100000, ""},
        {"examples/hostile/timer.s", 5000, ""},
        {"examples/hostile/timer_games.s", 100000, ""},
        {"examples/hostile/trap_storm.s", 4321, ""},
        {"examples/hostile/svc_storm.s", 999, ""},
        {"examples/hostile/console_flood.s", 3000, ""},
        {"examples/hostile/selfmod.s", 2000, ""},
        {"examples/hostile/rwrap.s", 100000, ""},
    };
    char dump[CS_PATH], snap[CS_PATH], lim[24], cmds[3 * CS_PATH];
    cs_tmp_path(dump, sizeof dump, "agree.dump");
    cs_tmp_path(snap, sizeof snap, "agree.snap");
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        snprintf(lim, sizeof lim, "%u", runs[k].limit);
        struct cs_outcome r =
            *runs[k].input ? cs_run_tgm("run", "--json", "--max-steps", lim, "--dump", dump,
                                        "--input", runs[k].input, runs[k].file, NULL)
                           : cs_run_tgm("run", "--json", "--max-steps", lim, "--dump", dump,
                                        runs[k].file, NULL);
        if (r.status != 0 && r.status != 3)
            fail_msg("tgm run %s: status %d: %s", runs[k].file, r.status, r.err);
        char in[64] = "";
        if (*runs[k].input) /* the monitor's escapes for the newline */
            snprintf(in, sizeof in, "console input \"%s\"; ",
                     strcmp(runs[k].input, "q\n") ? runs[k].input : "q\\n");
        snprintf(cmds, sizeof cmds, "set limit %s; load %s; %sgo; save %s", lim, runs[k].file,
                 in, snap);
        struct cs_outcome m = cs_mon_ok(cmds);
        size_t slen, dlen;
        uint8_t *s = (uint8_t *)cs_slurp(snap, &slen);
        uint8_t *d = (uint8_t *)cs_slurp(dump, &dlen);
        struct bare_state b;
        bare_state(s, slen, &b);
        const char *j = r.out;
        char word[24];
        snprintf(word, sizeof word, "\"0x%016llx\"", (unsigned long long)b.psw);
        if (strncmp(cs_json_at(j, "psw", "word"), word, strlen(word)))
            fail_msg("%s: psw %s in the run, %s in the monitor", runs[k].file,
                     cs_json_at(j, "psw", "word"), word);
        assert_int_equal(cs_json_u64(j, NULL, "cycles"), b.cycles);
        assert_int_equal(cs_json_u64(j, NULL, "instructions"), b.instret);
        assert_int_equal(cs_json_u64(j, NULL, "steps"), b.steps);
        static const char *const cause[] = {"privileged", "memory", "svc", "illegal", "timer"};
        for (unsigned i = 0; i < 5; i++)
            assert_int_equal(cs_json_u64(j, "traps", cause[i]), b.traps[i + 1]);
        assert_int_equal(cs_json_u64(j, "timer", "remaining"), b.remaining);
        assert_int_equal(strncmp(cs_json_at(j, "timer", "armed"), "true", 4) == 0, b.armed);
        assert_int_equal(strncmp(cs_json_at(j, "timer", "pending"), "true", 4) == 0,
                         b.pending);
        assert_int_equal(cs_json_u64(j, NULL, "console_bytes"), b.out_len);
        cs_assert_json_str(j, NULL, "console", (const char *)b.out, b.out_len);
        if (dlen != 8 * b.q || memcmp(d, b.E, dlen))
            fail_msg("%s: the run's --dump is not the monitor's E", runs[k].file);
        free(s);
        free(d);
        cs_outcome_free(&m);
        cs_outcome_free(&r);
    }
}

/* docs/monitor.md, "Snapshots": `save` writes the whole system and
 * `restore` brings it back, so a snapshot saved right after restoring one
 * is that one, byte for byte: mid-run, with the timer armed, console input
 * queued, VMs sliced mid-slice or stopped at a breakpoint, the hybrid
 * monitor, a nest stack. */
static void save__after_restore_is_the_same_file(void **state)
{
    (void)state;
    static const char *const setups[] = {
        "load examples/hostile/timer.s; go for 777",
        "load examples/os/os.s; console input \"abc\\n\"; go for 2345",
        "load examples/supervisor.s; break trap svc; go; go",
        "load examples/supervisor.s; watch read 0x100; go for 500; display P",
        "set memory 100; load examples/hello.s; go for 20",
        "set profile x86; load examples/supervisor.s; go for 200",
        "set slice 37; vm create g0 65536 examples/compute.s; "
        "vm create g1 65536 examples/hostile/timer.s; vm select g1; go for 333",
        "vm create g0 65536 examples/supervisor.s; vm create g1 65536 examples/hostile/timer.s; "
        "vm select g0; break 0x30; go",
        "vm create g0 4096 examples/os/os.s; vm input g0 \"xyz\"; vm select g0; go for 1234",
        "set hybrid on; vm create g0 65536 examples/supervisor.s; vm select g0; "
        "break trap svc; go",
        "vm create g0 65536 examples/os/os.s; vm limit g0 300; vm select g0; go",
        "nest 1 examples/hostile/timer.s; go for 777",
    };
    char a[CS_PATH], b[CS_PATH], cmds[4 * CS_PATH];
    cs_tmp_path(a, sizeof a, "agree-a.snap");
    cs_tmp_path(b, sizeof b, "agree-b.snap");
    for (size_t k = 0; k < sizeof setups / sizeof setups[0]; k++) {
        snprintf(cmds, sizeof cmds, "%s; save %s; restore %s; save %s", setups[k], a, a, b);
        struct cs_outcome o = cs_mon_ok(cmds);
        size_t alen, blen;
        char *sa = cs_slurp(a, &alen), *sb = cs_slurp(b, &blen);
        if (alen != blen || memcmp(sa, sb, alen))
            fail_msg("'%s': the snapshot saved after restoring differs", setups[k]);
        free(sa);
        free(sb);
        cs_outcome_free(&o);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_agree");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__agrees_with_the_monitors_load_and_go),
        cmocka_unit_test(save__after_restore_is_the_same_file),
    };
    return cmocka_run_group_tests_name("audit_agree", tests, group_setup, group_teardown);
}
