/* test_audit_snap.c: the monitor's snapshots (docs/monitor.md,
 * "Snapshots") against what 'save' and 'restore' do: what a snapshot
 * holds, and how a damaged file is refused.  Each test fails on the tree
 * before its fix.
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

/* SESS holds the "slice": restored with a control program, it is the
 * session's slice too, so a control program made after 'reset all' has
 * it, as in the session saved (it got the restoring session's). */
static void restore__the_slice_outlives_reset_all(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "slice.snap");
    snprintf(cmds, sizeof cmds,
             "set slice 500; vm create a 1024 examples/hello.s; set slice 300; save %s", path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds, "restore %s; reset all; show slice; vm create b 100; show slice",
             path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"slice      300",
                                                   "slice      300", NULL},
                             "the slice saved, after reset all");
    assert_non_null(strstr(o.out, "control program removed"));
    assert_null(strstr(o.out, "10000"));
    cs_outcome_free(&o);
}

/* A file saved with its breakpoints restores them with "command lists ...
 * as they were saved": 'break' takes a list of any length, and one of
 * 4096 bytes or more made the session's own snapshot unreadable ("bad
 * breakpoint record 0"). */
static void restore__a_long_command_list_comes_back(void **state)
{
    (void)state;
    enum { N = 5000 };
    char path[CS_PATH], *list = malloc(N + 8), *cmds = malloc(N + CS_PATH + 128);
    assert_non_null(list);
    assert_non_null(cmds);
    strcpy(list, "echo ");
    memset(list + 5, 'x', N);
    list[N + 5] = '\0';
    cs_tmp_path(path, sizeof path, "long.snap");
    snprintf(cmds, N + CS_PATH + 128, "load examples/sum.s; break loop do \"%s\"; save %s",
             list, path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, N + CS_PATH + 128, "restore %s; info breakpoints; go", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    snprintf(cmds, N + CS_PATH + 128, "do \"%s\"\n", list);
    assert_non_null(strstr(o.out, cmds));       /* listed whole */
    assert_non_null(strstr(o.out, list + 5));   /* and run at the hit */
    assert_non_null(strstr(o.out, "breakpoint 1 at 0x4 loop, hit 1 time"));
    cs_outcome_free(&o);
    free(list);
    free(cmds);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_snap");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore__the_slice_outlives_reset_all),
        cmocka_unit_test(restore__a_long_command_list_comes_back),
    };
    return cmocka_run_group_tests_name("audit_snap", tests, group_setup, group_teardown);
}
