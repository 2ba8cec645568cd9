/* test_audit_rob2.c: what docs/robustness.md promises for bad input and
 * the files tgm writes, found broken by a second audit; each test fails
 * on the tree before its fix.
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
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* "`load F` (or a program that `.include`s F) likewise: `F: the log goes
 * there until 'log off'; a program is not loaded from it`": a program
 * that included an old log assembled it, said the log's lines as errors
 * and its count, and never the refusal. */
static void load__an_include_the_log_goes_to_is_refused_in_one_line(void **state)
{
    (void)state;
    char log[CS_PATH], src[CS_PATH], cmds[3 * CS_PATH];
    cs_write_text(log, sizeof log, "inc.log", "tgm> print 'ab'\nnot a source > at all\n");
    cs_write_text(src, sizeof src, "uses_log.s", ".include \"inc.log\"\nHALT\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", log, src);
    cs_mon_fails(cmds, "inc.log: the log goes there until 'log off'; a program is not loaded "
                       "from it");
    snprintf(cmds, sizeof cmds, "trace insns to %s; vm create g 4096 %s", log, src);
    cs_mon_fails(cmds, "inc.log: the trace goes there until 'trace off'; a program is not "
                       "loaded from it");
    /* an include's errors of its own are still said, each with its caret */
    char bad[CS_PATH];
    cs_write_text(bad, sizeof bad, "bad_inc.s", "junk >\n");
    cs_write_text(src, sizeof src, "uses_bad.s", ".include \"bad_inc.s\"\nHALT\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", log, src);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    if (!strstr(o.err, "bad_inc.s:1:6: error: unexpected character '>'") ||
        !strstr(o.err, "uses_bad.s: 1 assembly error"))
        fail_msg("'%s': stderr \"%s\"", cmds, o.err);
    cs_outcome_free(&o);
}

/* "an empty name (... in the monitor `save ""`, `log ""`, `trace insns to
 * ""`, `timeline ""`, refused when given, status 1": with nothing
 * recorded yet, `timeline ""` said "nothing recorded" instead. */
static void timeline__an_empty_name_is_refused_as_such(void **state)
{
    (void)state;
    static const char why[] = "timeline: expected a file name, got ''";
    cs_mon_fails("timeline \"\"", why);
    cs_mon_fails("timeline on; timeline \"\"", why);
    cs_assert_no_temporary();
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rob2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__an_include_the_log_goes_to_is_refused_in_one_line),
        cmocka_unit_test(timeline__an_empty_name_is_refused_as_such),
    };
    return cmocka_run_group_tests_name("audit_rob2", tests, group_setup, group_teardown);
}
