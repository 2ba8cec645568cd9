/* test_audit_mutrev57.c: cases that a mutation audit of reverse execution
 * on the bare machine (rstep, rcontinue, the checkpoints and their replay,
 * docs/monitor.md's "Reverse execution") found no other suite asserting.
 *
 * Each states a documented rule at the edge a mutant moved: rcontinue's
 * search uses the bare machine's breakpoints only (not those of a VM),
 * every word of a watchpoint's range, and it shows the display
 * expressions both at a stop it went back to and at the start of the
 * history.  Runs the real binary (cli_support) from the top of the source
 * tree.
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

/* examples/sum.s at the start of its history, as rcontinue says it. */
#define SUM_START                                                                         \
    "no breakpoint, watchpoint or trap before this point: at the start of the history: " \
    "s I=0 P=0x00002 l=0x00000 b=0x80000\n"                                               \
    "  0x00002 start        LI     i, 0\n"

/* docs/monitor.md: "rcontinue finds the stop by replaying the history
 * from its first checkpoint with the execution breakpoints and
 * watchpoints set now", and "Breakpoints set while a VM is selected are
 * placed on the real machine at the VM's region": one set in a VM is
 * none of the bare machine's, which 'go' passes, and rcontinue on the
 * bare machine must pass it too.  (Mutant: the search set every
 * breakpoint, a VM's as well, on its copy of the bare machine, and went
 * back to step 47.) */
static void rcontinue__passes_a_breakpoint_set_in_a_vm(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("vm create a 4096 examples/sum.s; break loop; "
                                    "vm select bare; load examples/sum.s; go; rcontinue");
    cs_assert_has(o.out, "halted after 53 steps");
    cs_assert_ends_with(o.out, SUM_START);
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'watch ADDR [COUNT]': "Stop after an instruction
 * reads or writes watched words", and rcontinue replays "with the ...
 * watchpoints set now": all COUNT words of the range, so the previous
 * write is sum.s's last STX, to copy[9] at step 50, not the first one,
 * to copy[0] at step 5.  (Mutant: the search watched the range's first
 * word only.) */
static void rcontinue__watches_every_word_of_a_range(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go; watch copy 10; rcontinue",
                  "watchpoint 1 on 0x19..0x22 copy\n"
                  "back to the previous watchpoint, at step 50: s I=0 P=0x00007 l=0x00000 "
                  "b=0x80000\n"
                  "  0x00007              ADDI   i, i, 1\n");
    /* and a write to a word inside it, after the first, is found too */
    cs_mon_prints("load examples/sum.s; go for 30; watch copy 10; rcontinue",
                  "back to the previous watchpoint, at step 25: s I=0 P=0x00007");
}

/* docs/monitor.md, 'display': "Show EXPR now and after every stop of go,
 * step, next and finish (and of continue, until, rstep, rcontinue and
 * stack step)": on the bare machine, where rcontinue lands at a
 * breakpoint and where it finds none and lands at the start of the
 * history.  (Mutants: either of the two mon_display_show calls of the bare
 * machine's rcontinue dropped.) */
static void rcontinue__shows_the_displays_on_the_bare_machine(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; go; display E[i]; break loop; "
                                    "rcontinue; delete 1; rcontinue");
    cs_assert_ends_with(o.out,
                        "back to the previous breakpoint, at step 47: s I=0 P=0x00004 "
                        "l=0x00000 b=0x80000\n"
                        "  0x00004 loop         LDX    x, table, i\n"
                        "1: E[i] = 0x9 (9)\n" SUM_START "1: E[i] = 0 (0)\n");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutrev57");
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
        cmocka_unit_test(rcontinue__passes_a_breakpoint_set_in_a_vm),
        cmocka_unit_test(rcontinue__watches_every_word_of_a_range),
        cmocka_unit_test(rcontinue__shows_the_displays_on_the_bare_machine),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
