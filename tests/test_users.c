/* test_users.c: the monitor and the command line as a user of SIMH,
 * Hercules, the QEMU monitor and VM/370's CP meets them on a first day,
 * working from README.md and docs/monitor.md, docs/run.md: what such a
 * user types by habit and what tgm made of it.  Each test fails on the
 * tree before its fix.
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

/* 'deposit pc 4' (SIMH's DEPOSIT PC, gdb's $pc) wrote 4 into E[P], the
 * word P pointed at, and left P alone: pc is P in every expression, but
 * deposit knew only P as the register. */
static void deposit__pc_is_the_register(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; deposit pc 4; print/x P; print/x E[start]",
                  "0x4\n0x120002c000000000\n");
    cs_mon_prints("load examples/sum.s; deposit $pc loop; assert P == loop && E[2] != 4; "
                  "print/x P",
                  "0x4\n");
    /* as for P: 19 bits */
    cs_mon_fails("load examples/sum.s; deposit pc 0x80000",
                 "deposit: 0x80000 does not fit in 19 bits");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_users");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deposit__pc_is_the_register),
    };
    return cmocka_run_group_tests_name("users", tests, group_setup, group_teardown);
}
