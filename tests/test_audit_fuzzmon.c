/* test_audit_fuzzmon.c: the monitor's command parser and the command
 * line's options against odd input (empty, huge, quoted, control
 * characters), as docs/monitor.md, docs/run.md and docs/robustness.md
 * promise: one error line naming the command, nothing changed.  Each test
 * fails on the tree before its fix (those that read out of bounds, under
 * the sanitizers of 'make asan').
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

/* 'help COMMAND' of an empty word: an unknown command, in one line; it
 * read past the end of the word looking for x/4i's '/'. */
static void help__an_empty_word_is_an_unknown_command(void **state)
{
    (void)state;
    cs_mon_fails("help \"\"", "help: unknown command '' (try 'help')");
    cs_mon_fails("help \"\" vm", "help: unknown command '' (try 'help')");
    cs_mon_prints("help x/4i", "usage: examine");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_fuzzmon");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help__an_empty_word_is_an_unknown_command),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
