/* test_qa_fixes.c: regressions found by a hostile user's audit of the CLI
 * and the monitor: each test fails on the tree before its fix.
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

static struct cs_outcome mon(const char *cmds)
{
    return cs_run_tgm("monitor", "-c", cmds, NULL);
}

static void expect_fail(const char *cmds, const char *why)
{
    struct cs_outcome o = mon(cmds);
    if (o.status != 1)
        fail_msg("'%s': status %d, want 1; stderr \"%s\"", cmds, o.status, o.err);
    cs_assert_one_line(&o, why);
    cs_outcome_free(&o);
}

/* A program too big for the machine was refused without naming the file
 * ('load', 'vm create', 'vm load'), unlike 'tgm run'. */
static void load__too_big_names_the_file(void **state)
{
    (void)state;
    expect_fail("set memory 10; load examples/hello.s",
                "load: examples/hello.s: image needs words 0..25 but the machine has 10 words");
    expect_fail("vm create a 10 examples/hello.s",
                "vm: examples/hello.s: image needs words 0..25");
    expect_fail("vm create a 10; vm load a examples/hello.s",
                "vm: examples/hello.s: image needs words 0..25");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_qa_fixes");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__too_big_names_the_file),
    };
    return cmocka_run_group_tests_name("qa_fixes", tests, group_setup, group_teardown);
}
