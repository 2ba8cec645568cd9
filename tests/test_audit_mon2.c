/* test_audit_mon2.c: the monitor's command reference (docs/monitor.md,
 * "Command reference") against what the commands do: argument forms,
 * output and errors that an audit found to differ.  Each test fails on
 * the tree before its fix.
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

/* 'step' "prints the address, ... and a trap if one was taken": a step
 * whose fetch traps names the check that fails under the PSW it ran
 * with, not under the new PSW the trap loaded (which passes it). */
static void step__a_fetch_trap_names_its_check(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("load examples/sum.s; deposit psw psw(user,2,0,0); step");
    assert_non_null(strstr(o.out, "0x00002: (fetch: memory trap, a >= b)"));
    assert_null(strstr(o.out, "(null)"));
    cs_outcome_free(&o);
    cs_mon_prints("load examples/sum.s; deposit psw psw(user,2,0x10000,0x80000); step",
                  "0x00002: (fetch: memory trap, a + l >= q)");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step__a_fetch_trap_names_its_check),
    };
    return cmocka_run_group_tests_name("audit_mon2", tests, group_setup, group_teardown);
}
