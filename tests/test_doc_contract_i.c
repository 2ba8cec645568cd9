/* test_doc_contract_i.c: a second pass over docs/theorems.md (sections 3,
 * 5, 7 and 8 of the paper: the classes, the verdicts, the analyzer's
 * options), docs/os.md (the time-sharing OS's system calls and memory) and
 * docs/recursion.md (the control program under itself).  A test of a fix
 * fails on the tree before it; the others pin a statement no test checked.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- docs/theorems.md ------------------------------------------------------ */

/* '--seed 0' ran with the default seed 0x50470a1974 (the library reads a
 * seed of 0 as "unset"), so the states were not those of the seed asked
 * for.  Both commands that take --seed now refuse it as bad usage. */
static void analyze__a_seed_of_zero_is_refused_not_replaced(void **state)
{
    (void)state;
    const char *cmds[] = {"analyze", "counterexample"};
    for (size_t k = 0; k < 2; k++) {
        struct cs_outcome o = cs_run_tgm(cmds[k], "--seed", "0", NULL);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        cs_assert_one_line(&o, "tgm: --seed: expected 1 to 18446744073709551615, got '0'");
        cs_outcome_free(&o);
    }
    /* every other seed is taken as it is, the largest too */
    struct cs_outcome o = cs_run_tgm("analyze", "--seed", "0xffffffffffffffff", "--json", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_str(o.out, NULL, "seed", "0xffffffffffffffff", 18);
    cs_outcome_free(&o);
    char *doc = cs_slurp("docs/theorems.md", NULL);
    assert_non_null(strstr(doc, "| `--seed N` | seed of the random states, 1 to 2^64 - 1"));
    free(doc);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_i");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__a_seed_of_zero_is_refused_not_replaced),
    };
    return cmocka_run_group_tests_name("doc_contract_i", tests, group_setup, group_teardown);
}
