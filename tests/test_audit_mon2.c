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

/* "An address is shown there in the base it was typed in": 0o and 0b are
 * bases an address may be typed in, as 0x and decimal are; an expression's
 * value is still hex. */
static void addr__an_error_shows_it_in_the_base_typed(void **state)
{
    (void)state;
    cs_mon_fails("examine 0o200000", "address 0o200000 is out of range (0..0xffff)");
    cs_mon_fails("examine 0b10000000000000000",
                 "address 0b10000000000000000 is out of range (0..0xffff)");
    cs_mon_fails("deposit 0o177776 1 2 3",
                 "address 0o177776 (value 3 of 3, at 0o200000) is out of range");
    cs_mon_fails("translate 0o2000000", "address 0o2000000 is wider than 19 bits");
    cs_mon_fails("deposit P 0o2000000", "0o2000000 does not fit in 19 bits");
    cs_mon_fails("examine 0o177777+1", "address 0x10000 is out of range");
    cs_mon_fails("examine 70_000", "address 70000 is out of range");
}

/* 'set on-error finish': "the script runs on and exits 1 at the end", and
 * a session that ends other than by 'exit N' "exits 0; 1 if a command or
 * an assert failed": 'quit' after a failure so counted exits 1, as 'exit'
 * and the end of the input do; with the failure ignored, 0. */
static void quit__after_a_counted_failure_exits_1(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error finish; assert 0; echo on; quit");
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "on"));
    cs_outcome_free(&o);
    o = cs_mon("set on-error finish; assert 0; exit");
    assert_int_equal(o.status, 1);
    cs_outcome_free(&o);
    o = cs_mon("set on-error continue; assert 0; quit");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    o = cs_mon("echo fine; quit");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
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
        cmocka_unit_test(addr__an_error_shows_it_in_the_base_typed),
        cmocka_unit_test(quit__after_a_counted_failure_exits_1),
    };
    return cmocka_run_group_tests_name("audit_mon2", tests, group_setup, group_teardown);
}
