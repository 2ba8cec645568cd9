/* test_audit_parity.c: what the monitor and the command line say of the
 * same input (docs/run.md, docs/monitor.md, docs/recursion.md).  Each test
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

/* docs/run.md: under --nest with --vmm "that machine is itself a VM of the
 * C control program, whose 8 words come off too", and a larger --mem is
 * refused "with the words needed and the most the guest can have".  A
 * guest past the bare machine's limit too was told the bare limit
 * (523008 at depth 2), which is itself refused: the most is 523000. */
static void nest_vmm__too_big_names_the_most_that_fits(void **state)
{
    (void)state;
    static const char *const subs[] = {"run", "check"};
    static const char *const mems[] = {"523009", "524288"};
    for (size_t i = 0; i < 2; i++)
        for (size_t j = 0; j < 2; j++)
            cs_tgm_fails(2,
                         "and the C control program's 8 need ",
                         subs[i], CS_ARGV("--nest", "2", "--vmm", "--mem", mems[j],
                                          "examples/hello.s"));
    cs_tgm_fails(2, "at this depth a guest has at most 523000 words", "run",
                 CS_ARGV("--nest", "2", "--vmm", "--mem", "523009", "examples/hello.s"));
    cs_tgm_fails(2, "at this depth a guest has at most 523000 words", "check",
                 CS_ARGV("--nest", "2", "--vmm", "--mem", "524280", "examples/hello.s"));
    /* the most said is what runs */
    cs_tgm_prints("-- halted", "run",
                  CS_ARGV("--nest", "2", "--vmm", "--mem", "523000", "examples/hello.s"));
    /* and on a bare machine the bare limit stays */
    cs_tgm_fails(2, "at this depth a guest has at most 523008 words", "run",
                 CS_ARGV("--nest", "2", "--mem", "523009", "examples/hello.s"));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_parity");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest_vmm__too_big_names_the_most_that_fits),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
