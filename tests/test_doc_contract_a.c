/* test_doc_contract_a.c: the CLI does what docs/run.md, docs/asm.md and
 * docs/theorems.md say, found by reading them as a contract; each test
 * fails on the tree before its fix.
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

#define FULL "tgm: run: cannot write the output: No space left on device"

/* docs/run.md, exit status 2: "standard output that cannot be written (a
 * full disk; the dump or timeline is then not written)".  With --quiet the
 * report is the streamed console, whose failed write was not noticed: the
 * dump was written and the error said only "write error". */
static void run__quiet_lost_output_writes_no_dump(void **state)
{
    (void)state;
    char keep[CS_PATH];
    cs_write_text(keep, sizeof keep, "keep.bin", "old\n");
    cs_full_stdout_keeps(keep, FULL "; --dump ",
                         (char *[]){"tgm", "run", "--quiet", "--dump", keep,
                                    "examples/hello.s", NULL});
}

/* A lost report is status 2 whatever the run's result: a step limit (3)
 * under --vmm, --nest or --quiet, or check's "not equivalent" (1), kept
 * their status, and the step limit's note came before or instead of the
 * one line saying the output was lost. */
static void cli__lost_output_is_status_2_whatever_the_result(void **state)
{
    (void)state;
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--quiet", "--max-steps", "10",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--vmm", "--max-steps", "10",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--nest", "1", "--max-steps", "1000",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, "tgm: check: cannot write the output: No space left on device",
                         (char *[]){"tgm", "check", "--max-steps", "10", "examples/hello.s",
                                    NULL});
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_a");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__quiet_lost_output_writes_no_dump),
        cmocka_unit_test(cli__lost_output_is_status_2_whatever_the_result),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
