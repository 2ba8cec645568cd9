/* test_doc_contract_f.c: docs/monitor.md read line by line against the
 * monitor: reverse execution, the history ring, expressions, the focus,
 * stacks, scripts, snapshots and the command reference.  The tests named
 * as fixes fail on the tree before their fix; the others pin what the
 * document says and no other test checked.
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

/* A program whose call never returns: the JAL goes to a word that is no
 * instruction, and E[1] sends the trap to a PSW that traps again. */
static void write_loop_source(char *path, size_t len)
{
    cs_write_text(path, len, "loop.s",
                  "        .org  0\n"
                  "        .word 0\n"
                  "        .word 0\n"
                  "        .entry start\n"
                  "start:  JAL   ret, f\n"
                  "        HALT\n"
                  "f:      .word -1\n"
                  "ret:    .word 0\n");
}

/* "A run that can only spin is stopped": 'go' was, but 'finish' and
 * 'next' over a call stepped on to the step limit (1,000,000,000 steps in
 * a script, half a minute; at the terminal, forever). */
static void finish__a_trap_loop_stops_it(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64];
    /* the limit keeps the test quick on a tree without the fix */
    cs_mon_prints("set limit 3000000; finish", "trap loop after 65535 steps (a disabled wait)");
    write_loop_source(src, sizeof src);
    snprintf(cmds, sizeof cmds, "set limit 3000000; load %s; next", src);
    cs_mon_prints(cmds, "trap loop after 65535 steps (a disabled wait): each step takes a "
                        "memory trap");
    snprintf(cmds, sizeof cmds, "set limit 3000000; vm create a 4096 %s; finish", src);
    cs_mon_prints(cmds, "a: trap loop after");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_f");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finish__a_trap_loop_stops_it),
    };
    return cmocka_run_group_tests_name("doc_contract_f", tests, group_setup, group_teardown);
}
