/* test_doc_contract_g.c: a second reading of docs/run.md, docs/robustness.md
 * and README.md as a contract, against the real binaries (tgm and the soak
 * driver).  A test of a behaviour that changed fails on the tree before its
 * fix; the others pin what the documents say and no test checked.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* A refusal of the control program's options named no option: 'tgm run
 * --stats X' said "--vms, --slice, --hybrid, --stats and --timeline need
 * --vmm", and --nest with one of them listed all six. */
static void run__a_refused_option_is_the_one_named(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: --stats needs --vmm", "run",
                 CS_ARGV("--stats", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --slice needs --vmm", "run",
                 CS_ARGV("examples/hello.s", "--slice", "5"));
    cs_tgm_fails(2, "tgm: run: --nest with --dump: ", "run",
                 CS_ARGV("--nest", "1", "--dump", "x.bin", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --nest with --hybrid: ", "run",
                 CS_ARGV("--nest", "1", "--vmm", "--hybrid", "examples/hello.s"));
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_g");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__a_refused_option_is_the_one_named),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
