/* test_audit_rev.c: reverse execution, VMs and stacks of control programs
 * where docs/monitor.md and the monitor disagreed.  Each test fails on the
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

/* "The history begins where the machine was last changed other than by
 * running it": 'stack step' runs the stack on the bare machine, so rstep
 * takes it back, and a 'go' after it keeps the steps before in the
 * history. */
static void stack_step__is_in_the_reverse_history(void **state)
{
    (void)state;
    cs_mon_prints("nest 2 examples/hello.s; stack step 10; rstep 100; assert steps == 557",
                  "back 100 steps, at step 557");
    /* the same point as 'stack step 10' left, after going on and back */
    cs_mon_prints("nest 2 examples/hello.s; stack step 10; go; rstep 3118; "
                  "assert steps == 657; rstep 657",
                  "back 657 steps, at step 0");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rev");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_step__is_in_the_reverse_history),
    };
    return cmocka_run_group_tests_name("audit_rev", tests, group_setup, group_teardown);
}
