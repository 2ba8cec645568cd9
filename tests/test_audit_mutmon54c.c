/* test_audit_mutmon54c.c: cases that a mutation audit of the monitor's
 * session settings (set, show) and stacks (nest, stack) found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/monitor.md) at the edge a mutant
 * moved: the mode 'set on-error' was given, shown back; a limit of 1 is a
 * limit, only 0 none; the control program's real machine of 2^19 words
 * before any is set; 'set hybrid' only before the first VM; the
 * breakpoints 'show' counts are those that remain after 'delete'.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- set and show --------------------------------------------------- */

/* docs/monitor.md, 'set': "on-error MODE  in scripts: stop (default),
 * continue, or finish", and 'show KEY' "shows one of the settings 'set'
 * lists": each mode set is the one shown. */
static void set__on_error_shows_the_mode_given(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("show on-error; set on-error continue; show on-error; "
                                    "set on-error finish; show on-error");
    assert_non_null(strstr(o.out, "on-error   stop\non-error   continue\non-error   finish\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'set': "limit N  steps per run command, 0 = none":
 * a limit of 1 is one step, not none. */
static void set__a_limit_of_one_is_a_limit(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("set limit 1; show limit; set limit 0; show limit");
    assert_non_null(strstr(o.out, "limit      1\nlimit      0 (none)\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Bare machine, VMs and the focus": 'set cp-memory Q'
 * takes 9..524288 words and, unset, the control program's real machine
 * has "the real machine's 2^19 words" (seven VMs of 65536 fit it). */
static void show__cp_memory_is_2_to_the_19_unless_set(void **state)
{
    (void)state;
    cs_mon_prints("show cp-memory", "cp-memory  524288\n");
    cs_mon_prints("set cp-memory 9; show cp-memory", "cp-memory  9\n");
}

/* docs/monitor.md, 'set': "cp-memory Q, cp-profile NAME, hybrid on|off
 * the control program's machine, before the first VM": once a VM exists,
 * 'set hybrid' is refused as 'set cp-memory' is, and changes nothing. */
static void set__hybrid_only_before_the_first_vm(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 100; set hybrid on", "set: the control program exists");
    cs_mon_fails("vm create a 100; set cp-memory 4096", "set: the control program exists");
    struct cs_outcome o =
        cs_mon("set on-error continue; vm create a 100; set hybrid on; show hybrid");
    assert_non_null(strstr(o.out, "hybrid     off\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'show': "Show the session: machines, focus, settings,
 * breakpoints": a deleted breakpoint is no longer one of them. */
static void show__counts_the_breakpoints_left_after_delete(void **state)
{
    (void)state;
    cs_mon_prints("break 3; break 4; watch 5; delete 1; show", "breakpoints: 2\n");
    cs_mon_prints("break 3; delete 1; show", "breakpoints: 0\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutmon54c");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set__on_error_shows_the_mode_given),
        cmocka_unit_test(set__a_limit_of_one_is_a_limit),
        cmocka_unit_test(show__cp_memory_is_2_to_the_19_unless_set),
        cmocka_unit_test(set__hybrid_only_before_the_first_vm),
        cmocka_unit_test(show__counts_the_breakpoints_left_after_delete),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
