/* test_audit_cons.c: the monitor said some things differently from the
 * command line, or not at all: report lines that name a file printed the
 * name raw, an assembly error count worded otherwise than 'tgm run', a
 * silent 'ignore', and zero limits refused in other words than the
 * command line's.  Each test fails on the tree before its fix.
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

/* docs/monitor.md: a line that names a file shows a control character in
 * the name as an error does (\n, \xHH), as 'tgm check' shows its verdicts:
 * 'loaded', 'saved', 'log', 'trace', 'vm create', 'timeline', 'check',
 * 'nest' and 'show histfile' printed the name raw, so that a newline split
 * the line and an escape reached the terminal. */
static void mon__report_lines_show_a_file_name_escaped(void **state)
{
    (void)state;
    char f[512], cmds[8192];
    char *src = cs_slurp("examples/sum.s", NULL);
    cs_write_text(f, sizeof f, "a\nb\x1b[31m.s", src);
    free(src);
    snprintf(cmds, sizeof cmds,
             "load \"%1$s\"; save \"%1$s.snap\"; restore \"%1$s.snap\"; log \"%1$s.log\"; "
             "log; log off; trace insns to \"%1$s.tr\"; trace; trace off; check \"%1$s\"; "
             "nest 1 \"%1$s\"; check \"%1$s\" nest 1; set histfile \"%1$s.h\"; "
             "show histfile; vm create v 4096 \"%1$s\"; timeline on; go; "
             "timeline \"%1$s.tl\"",
             f);
    struct cs_outcome o = cs_mon_ok(cmds);
    char *dir = strrchr(f, '/');
    *dir = '\0';
    static const char *const want[] = {
        "bare: loaded %s/a\\nb\\x1b[31m.s: 35 words at 0",
        "saved %s/a\\nb\\x1b[31m.s.snap\n",
        "restored %s/a\\nb\\x1b[31m.s.snap\n",
        "logging the session to %s/a\\nb\\x1b[31m.s.log ('log off' stops)\n",
        "logging to %s/a\\nb\\x1b[31m.s.log\n",
        "log %s/a\\nb\\x1b[31m.s.log closed\n",
        "trace: insns on, traps off, cp off; to %s/a\\nb\\x1b[31m.s.tr (0 of at most",
        "trace: 0 records written to %s/a\\nb\\x1b[31m.s.tr\n",
        "check %s/a\\nb\\x1b[31m.s: EQUIVALENT\n",
        "with %s/a\\nb\\x1b[31m.s on top: a bare machine of 65536 words at 0x280\n",
        "check %s/a\\nb\\x1b[31m.s: EQUIVALENT at depth 1\n  E, PSW, R",
        "histfile   %s/a\\nb\\x1b[31m.s.h\n",
        "v: VM 0, 4096 words at real 0x8..0x1007, loaded %s/a\\nb\\x1b[31m.s; selected\n",
        "timeline: 1 event written to %s/a\\nb\\x1b[31m.s.tl\n",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char line[1024];
        snprintf(line, sizeof line, want[i], f);
        if (!strstr(o.out, line))
            fail_msg("no line '%s' in:\n%s", line, o.out);
    }
    if (memchr(o.out, '\x1b', o.out_len))
        fail_msg("an escape reached the output:\n%s", o.out);
    cs_outcome_free(&o);
}

/* The last line of OUT (stderr), its newline included. */
static const char *last_line(const char *out)
{
    size_t n = strlen(out);
    const char *s = out + (n ? n - 1 : 0);
    while (s > out && s[-1] != '\n')
        s--;
    return s;
}

/* docs/run.md and docs/monitor.md: a source with errors ends in one line
 * that counts them, 'tgm run's "FILE: 2 errors"; the monitor said "2
 * assembly errors" (at 'load', and for the FILE 'tgm monitor' is given). */
static void mon__a_sources_errors_are_counted_as_tgm_run_counts_them(void **state)
{
    (void)state;
    static const struct {
        const char *name, *text, *count;
    } cases[] = {{"one.s", "FOO\n", "1 error"}, {"two.s", "FOO\nBAR 1\n", "2 errors"}};
    for (size_t i = 0; i < 2; i++) {
        char src[CS_PATH], cmds[CS_PATH + 16], want[CS_PATH + 64];
        cs_write_text(src, sizeof src, cases[i].name, cases[i].text);
        struct cs_outcome run = cs_run_tgm("run", src, NULL);
        snprintf(want, sizeof want, "tgm: run: %s: %s\n", src, cases[i].count);
        assert_string_equal(last_line(run.err), want);
        cs_outcome_free(&run);
        struct cs_outcome mon = cs_run_tgm("monitor", src, NULL);
        snprintf(want, sizeof want, "tgm: monitor: %s: %s\n", src, cases[i].count);
        assert_int_equal(mon.status, 2);
        assert_string_equal(last_line(mon.err), want);
        cs_outcome_free(&mon);
        snprintf(cmds, sizeof cmds, "load %s", src);
        mon = cs_mon(cmds);
        snprintf(want, sizeof want, "-c:1: load: %s: %s\n", src, cases[i].count);
        assert_int_equal(mon.status, 1);
        assert_string_equal(last_line(mon.err), want);
        cs_outcome_free(&mon);
    }
}

/* docs/monitor.md: 'ignore ID N' says what it did, as gdb's ignore ("Will
 * ignore next N crossings of breakpoint M."); it was silent. */
static void ignore__says_what_it_did(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; break loop; watch total; ignore 1 2; "
                                    "ignore 1 1; ignore 1 0; ignore 2 3");
    const char *want = "breakpoint 1 will ignore its next 2 hits\n"
                       "breakpoint 1 will ignore its next hit\n"
                       "breakpoint 1 will stop at its next hit\n"
                       "watchpoint 2 will ignore its next 3 hits\n";
    const char *at = strstr(o.out, "breakpoint 1 will");
    if (!at || strcmp(at, want))
        fail_msg("ignore said:\n%s", o.out);
    cs_outcome_free(&o);
    /* and does what it says: the third hit stops, as 'break ... ignore 2' */
    cs_mon_prints("load examples/sum.s; break loop; ignore 1 2; go",
                  "breakpoint 1 at 0x4 loop, hit 3 times");
    cs_mon_prints("load examples/sum.s; break loop; ignore 1 2; ignore 1 0; go",
                  "breakpoint 1 at 0x4 loop, hit 1 time");
}

/* The text of ERR (one line) after its first occurrence of AFTER. */
static const char *after(const char *err, const char *what)
{
    const char *at = strstr(err, what);
    if (!at)
        fail_msg("no '%s' in: %s", what, err);
    return at + strlen(what);
}

/* docs/run.md and docs/monitor.md: a zero limit is refused in one wording
 * on both sides.  'set slice 0' said "a slice must be at least one cycle"
 * and 'check ... steps 0' "a limit of at least one step is needed", where
 * 'tgm run --slice 0' says "0 cycles is out of range (1..2^63-1)". */
static void zero_limits__are_refused_in_the_command_lines_words(void **state)
{
    (void)state;
    struct cs_outcome cli = cs_run_tgm("run", "--vmm", "--slice", "0", "examples/hello.s", NULL);
    struct cs_outcome mon = cs_mon("set slice 0");
    assert_int_equal(cli.status, 2);
    assert_int_equal(mon.status, 1);
    assert_string_equal(after(mon.err, "-c:1: set: "), after(cli.err, "tgm: run: --slice: "));
    cs_outcome_free(&cli);
    cs_outcome_free(&mon);
    cli = cs_run_tgm("check", "--slice", "0", "examples/sum.s", NULL);
    mon = cs_mon("check examples/sum.s slice 0");
    assert_string_equal(after(mon.err, "-c:1: check: slice: "),
                        after(cli.err, "tgm: check: --slice: "));
    cs_outcome_free(&cli);
    cs_outcome_free(&mon);
    /* the same words; the monitor's counts stop at 2^63-1 */
    cli = cs_run_tgm("check", "--max-steps", "0", "examples/sum.s", NULL);
    mon = cs_mon("check examples/sum.s steps 0");
    assert_string_equal(after(cli.err, "tgm: check: --max-steps: "),
                        "0 steps is out of range (1..18446744073709551615)\n");
    assert_string_equal(after(mon.err, "-c:1: check: steps: "),
                        "0 steps is out of range (1..9223372036854775807)\n");
    cs_outcome_free(&cli);
    cs_outcome_free(&mon);
}

/* The same refusal past the top of the range: 'set slice 2^63' said "count
 * 9223372036854775808 is out of range", where 'tgm run --slice' and 'set
 * slice 0' say "N cycles is out of range", and 'check ... steps 2^63' and
 * a negative count did not say which option they were. */
static void over_range_limits__are_refused_in_the_same_words(void **state)
{
    (void)state;
    struct cs_outcome cli = cs_run_tgm("run", "--vmm", "--slice", "9223372036854775808",
                                       "examples/hello.s", NULL);
    struct cs_outcome mon = cs_mon("set slice 9223372036854775808");
    assert_int_equal(mon.status, 1);
    assert_string_equal(after(mon.err, "-c:1: set: "), after(cli.err, "tgm: run: --slice: "));
    cs_outcome_free(&cli);
    cs_outcome_free(&mon);
    static const char *const cases[][2] = {
        {"check examples/sum.s steps 9223372036854775808",
         "-c:1: check: steps: 9223372036854775808 steps is out of range "
         "(1..9223372036854775807)\n"},
        {"check examples/sum.s slice 9223372036854775808",
         "-c:1: check: slice: 9223372036854775808 cycles is out of range "
         "(1..9223372036854775807)\n"},
        {"check examples/sum.s steps -1", "-c:1: check: steps: count -1 is negative\n"},
        {"set slice -1", "-c:1: set: count -1 is negative\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        mon = cs_mon(cases[i][0]);
        assert_int_equal(mon.status, 1);
        assert_string_equal(mon.err, cases[i][1]);
        cs_outcome_free(&mon);
    }
    /* the top of the range is taken */
    mon = cs_mon_ok("set slice 9223372036854775807; check examples/sum.s steps 9223372036854775807");
    cs_outcome_free(&mon);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_cons");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mon__report_lines_show_a_file_name_escaped),
        cmocka_unit_test(mon__a_sources_errors_are_counted_as_tgm_run_counts_them),
        cmocka_unit_test(ignore__says_what_it_did),
        cmocka_unit_test(zero_limits__are_refused_in_the_command_lines_words),
        cmocka_unit_test(over_range_limits__are_refused_in_the_same_words),
    };
    return cmocka_run_group_tests_name("audit_cons", tests, group_setup, group_teardown);
}
