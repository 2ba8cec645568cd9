/* test_audit_rob.c: what docs/robustness.md promises for bad input, found
 * broken by an audit; each test fails on the tree before its fix.
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

/* 'log F' then 'load F' is refused in one line when F is not a source
 * (the log of an earlier session): the assembler read it first and said
 * its errors, line by line, instead. */
static void load__the_log_file_is_refused_before_it_is_read(void **state)
{
    (void)state;
    char f[CS_PATH], cmds[3 * CS_PATH];
    cs_write_text(f, sizeof f, "old.log", "tgm> print 'ab'\nnot a source > at all\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", f, f);
    cs_mon_fails(cmds, "the log goes there until 'log off'; a program is not loaded from it");
    cs_write_text(f, sizeof f, "old.log", "not a source > at all\n");
    snprintf(cmds, sizeof cmds, "trace insns to %s; vm create g 4096 %s", f, f);
    cs_mon_fails(cmds, "the trace goes there until 'trace off'; a program is not loaded from it");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rob");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__the_log_file_is_refused_before_it_is_read),
    };
    return cmocka_run_group_tests_name("audit_rob", tests, group_setup, group_teardown);
}
