/* test_audit_mutmon56.c: cases that a mutation audit of the monitor's
 * core (its command lines, words, usage lines, breakpoints' command lists
 * and the step limit over them) and of the index of the machines' stops
 * behind breakpoints and watchpoints found no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md) at the edge a mutant
 * moved: a comment begun after a tab, an empty word that is no operator
 * of a spaced expression, 'stack' alone in a list (which runs nothing,
 * so the list goes on), a list's run command under 'set limit 0' (no
 * limit) and after a failure in the list (not run), and one of two breakpoints at an address, or watchpoints on a
 * word, deleted, seen by 'next' and 'step', which set no stops anew.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- words and usage lines ------------------------------------------ */

/* docs/monitor.md: "A line holds one or more commands separated by `;`.
 * `#` at the start of a word begins a comment": a word after a tab too,
 * and the comment runs to the end of the line, over its ';'.  (Mutant:
 * only a space or ';' before '#' began one, and 'echo c' ran.) */
static void line__a_comment_after_a_tab_takes_the_rest(void **state)
{
    (void)state;
    cs_mon_prints_exactly("echo a\t# b; echo c", "a\n");
}

/* docs/monitor.md: "A command given more words than it takes ... is
 * refused with its usage line ...: `step 1 2` says `step: usage: step
 * [N]`"; only a word of operators between two others makes it "an
 * expression: one word".  An empty word ("") is no operator.  (Mutant:
 * an empty word taken for one, "'1  2' is an expression".) */
static void usage__an_empty_word_is_no_operator(void **state)
{
    (void)state;
    cs_mon_fails_without("step 1 \"\" 2", "step: usage: step [N]", "is an expression");
}

/* docs/monitor.md, "Scripts": in a breakpoint's list, "`continue` ...
 * ends the list ...  So does any other command that runs the machine,
 * `step`, `next`, `until`, `finish` or `stack step`"; 'stack' alone
 * shows the stack and runs nothing, so it runs where it stands and the
 * list goes on.  (Mutant: every form of 'stack' ending the list.) */
static void break__stack_alone_in_a_list_runs_there(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("nest 1 examples/sum.s; break 0x284 do \"stack; echo after\"; go");
    cs_assert_has(o.out, "breakpoint 1 at 0x284, hit 1 time\n"
                         "real machine: u I=0 P=0x00004 l=0x00280 b=0x10000; running the "
                         "guest on top\n");
    cs_assert_has(o.out, " 0 single steps\nafter\nstopped at 0x4 after 28 steps");
    cs_outcome_free(&o);
}

/* ---- the step limit over breakpoints' commands ----------------------- */

/* docs/monitor.md, 'set': "limit N  steps per run command, 0 = none", and
 * "Scripts": a list's run command runs after the stop "until the command
 * and the commands its breakpoints left have run the step limit": with
 * no limit the 'step' a list leaves runs.  (Mutant: a limit of 0 taken as
 * reached at once, "step limit (0) reached ...: 'step' is not run".) */
static void limit__none_lets_a_lists_run_command_run(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("load examples/sum.s; set limit 0; break loop do \"step\"; go");
    cs_assert_has(o.out, "stopped at 0x4 loop after 2 steps, 2 cycles: ");
    cs_assert_has(o.out, "    E[0xc] := 0x1f (was 0)\n");
    assert_null(strstr(o.out, "step limit"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Scripts": the run command a list leaves runs "as if
 * it were typed next ..., unless that command failed already (a command
 * of the list failed, under `set on-error continue` too), when it is not
 * run".  (Mutant: the 'step' ran after the failed assert.) */
static void break__a_failed_list_drops_the_run_command_it_left(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; load examples/sum.s; "
                                 "break loop do \"assert 0; step\"; go; echo end");
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "stopped at 0x4 loop after 2 steps, 2 cycles: s I=0 P=0x00004 "
                         "l=0x00000 b=0x80000\n  0x00004 loop         LDX    x, table, i\n"
                         "end\n");
    cs_assert_has(o.err, "assert: assertion failed: 0\n");
    cs_outcome_free(&o);
}

/* ---- breakpoints that share words ------------------------------------ */

/* docs/monitor.md, 'delete': "Delete breakpoints and watchpoints by
 * number"; a second breakpoint at an address is allowed ('note:
 * breakpoint 1 is at 0x4 too'): deleting the first leaves the second,
 * at which 'next' still stops ('go' sets every stop anew).  (Mutant: any
 * delete at an address cleared the machine's stop there.) */
static void delete__one_of_two_breakpoints_at_an_address(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("load examples/sum.s; break loop; break loop; delete 1; next 10");
    cs_assert_has(o.out, "note: breakpoint 1 is at 0x4 too\n");
    cs_assert_has(o.out, "breakpoint 2 at 0x4 loop, hit 1 time\n"
                         "stopped at 0x4 loop after 2 steps, 2 cycles: ");
    cs_outcome_free(&o);
}

/* The same for watchpoints on one word: deleting one of two leaves the
 * other watching, and a watchpoint stops 'step' ('step': "HALT, a
 * watchpoint or trap stop ... stop it early").  (Mutant: a word's
 * writers not counted, so that the delete stopped all watching of it.) */
static void delete__one_of_two_watchpoints_on_a_word(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("load examples/sum.s; watch total; watch total; delete 1; step 10");
    cs_assert_has(o.out, "watchpoint 2: write E[0xd] 0 -> 0, hit 1 time\n"
                         "stopped at 0x4 loop after 2 steps, 2 cycles: ");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutmon56");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(line__a_comment_after_a_tab_takes_the_rest),
        cmocka_unit_test(usage__an_empty_word_is_no_operator),
        cmocka_unit_test(break__stack_alone_in_a_list_runs_there),
        cmocka_unit_test(limit__none_lets_a_lists_run_command_run),
        cmocka_unit_test(break__a_failed_list_drops_the_run_command_it_left),
        cmocka_unit_test(delete__one_of_two_breakpoints_at_an_address),
        cmocka_unit_test(delete__one_of_two_watchpoints_on_a_word),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
