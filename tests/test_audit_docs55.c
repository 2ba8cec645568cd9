/* test_audit_docs55.c: behaviour of the monitor that docs/monitor.md did
 * not describe until now, each pinned in the words it gives.
 *
 * A command given the wrong number of words answers with its usage line;
 * a VM's four states and what 'vm resume' does from each; the stack of control programs is the bare machine's, so 'nest' with a
 * VM selected is refused, and 'stack' tells a stack never built (or
 * replaced by 'load') from one that 'reset' or 'set memory' wiped.
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

/* ---- words ---------------------------------------------------------- */

/* docs/monitor.md, "Commands, words and abbreviations": "A command given
 * more words than it takes, or fewer, is refused with its usage line":
 * the table's usage for a count out of range, 'set KEY' its own. */
static void words__a_wrong_count_gives_the_usage_line(void **state)
{
    (void)state;
    cs_mon_fails("step 1 2", "-c:1: step: usage: step [N]\n");
    cs_mon_fails("set limit 5 6", "-c:1: set: usage: set [KEY VALUE]\n");
    cs_mon_fails("set limit", "-c:1: set: usage: set limit VALUE\n");
    cs_mon_fails("reset all now", "-c:1: reset: usage: reset [all]\n");
}

/* ---- section 2 at equality ------------------------------------------ */

/* Section 2: "if a + l >= q, memory trap; else if a >= b, memory trap",
 * which 'translate' shows and V[x] obeys (docs/monitor.md: "fails as the
 * memory trap would"), here at equality, where only the fixed-seed
 * reference sessions met it before; and a range A..A is one word
 * ("ADDR..END is a range (inclusive)"). */
static void section2__translate_and_v_at_equality(void **state)
{
    (void)state;
    cs_mon_prints_exactly("deposit b 0x10; translate 0xf; translate 0x10",
                          "bare: a=0xf, R=(l=0, b=0x10), q=0x10000\n"
                          "  a + l = 0xf < q   ok\n"
                          "  a     = 0xf < b   ok\n"
                          "  => physical 0xf\n"
                          "bare: a=0x10, R=(l=0, b=0x10), q=0x10000\n"
                          "  a + l = 0x10 < q   ok\n"
                          "  a     = 0x10 >= b   FAILS: memory trap\n"
                          "  => memory trap (a >= b)\n");
    cs_mon_prints("set memory 100; deposit l 90; translate 9; translate 10",
                  "bare: a=0x9, R=(l=0x5a, b=0x64), q=0x64\n"
                  "  a + l = 0x63 < q   ok\n"
                  "  a     = 0x9 < b   ok\n"
                  "  => physical 0x63\n"
                  "bare: a=0xa, R=(l=0x5a, b=0x64), q=0x64\n"
                  "  a + l = 0x64 >= q   FAILS: memory trap\n"
                  "  a     = 0xa < b   ok\n"
                  "  => memory trap (a + l >= q)\n");
    cs_mon_prints("set memory 100; deposit l 90; deposit 99 7; print V[9]", "0x7 (7)\n");
    cs_mon_fails("set memory 100; deposit l 90; print V[10]",
                 "-c:1: print: V[0xa] would take a memory trap (a + l >= q)\n");
    cs_mon_fails("deposit b 0x10; print V[0x10]",
                 "-c:1: print: V[0x10] would take a memory trap (a >= b)\n");
    cs_mon_prints_exactly("deposit 5 9; examine 5..5", "  0x00005              0000000000000009\n");
    cs_mon_prints_exactly("deposit b 0x10; examine -v 0xf..0xf",
                          "  0x0000f              0000000000000000 (E[0xf])\n");
}

/* ---- next and finish ------------------------------------------------ */

/* docs/monitor.md: "A call 'next' runs through is shown as one line,
 * 'call returned after N steps: ' and the PSW after its JMPI, N counting
 * the call's steps alone", and 'finish' "ends with 'returned after N
 * steps: ' and the PSW, N its own steps".  (examples/calls.s: 'next 3'
 * steps LI, LDX, LDX and runs the call at 5 through, 6 steps; stepped
 * twice into the call, 'finish' takes the 4 left of it.) */
static void next__a_call_counts_its_own_steps_and_finish_its_own(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/calls.s; next 4; regs");
    static const char *const want[] = {
        "  0x00004              LDX    arg, args, i",
        "call returned after 6 steps: s I=0 P=0x00006 l=0x00000 b=0x80000",
        "  0x00006              STX    trace, i, acc",
        "  timer disarmed, 0 cycles left;  cycles 20  insns 9  steps 9", NULL};
    cs_assert_lines_in_order(o.out, want, "next through a call");
    cs_outcome_free(&o);
    cs_mon_prints("load examples/calls.s; next 3; step; step; finish",
                  "returned after 4 steps: s I=0 P=0x00006 l=0x00000 b=0x80000\n"
                  "  0x00006              STX    trace, i, acc\n");
}

/* ---- a VM's states -------------------------------------------------- */

/* docs/monitor.md, "Bare machine, VMs and the focus": "A VM is in one of
 * four states, which 'vm list''s column 'state' and a run's stop lines
 * name: runnable, stopped, halted and step limit"; 'vm resume' makes a
 * stopped or halted VM runnable, "a halted one goes on after its HALT",
 * but not one at its limit. */
static void vm__the_four_states_and_resume(void **state)
{
    (void)state;
    static const char head[] =
        "  id name         state      region           P        M   direct  interp  ratio\n";
    struct cs_outcome o = cs_mon_ok("vm create a 4096 examples/sum.s; vm stop a; vm list");
    assert_non_null(strstr(o.out, "a: stopped\n"));
    assert_non_null(strstr(o.out, head));
    assert_non_null(strstr(o.out, "*  0 a            stopped    0x00008..0x01007 0x00002  s      "
                                  "  0       0  0.000\n"));
    cs_outcome_free(&o);
    cs_mon_prints("vm create a 4096 examples/sum.s; vm stop a; vm resume a; vm list",
                  "*  0 a            runnable   0x00008..0x01007 0x00002  s        0       0  0.000\n");
    /* sum.s halts at 0x9: P after it is 0xa; resumed, the next word halts too */
    cs_mon_prints("vm create a 4096 examples/sum.s; go; vm list",
                  "*  0 a            halted     0x00008..0x01007 0x0000a  s       52       1  0.981\n");
    cs_mon_prints("vm create a 4096 examples/sum.s; go; vm resume a; go",
                  "a: runnable\nno VM is runnable after 1 step\n"
                  "a: halted: s I=0 P=0x0000b l=0x00000 b=0x80000\n");
    o = cs_mon_ok("vm create a 4096 examples/sum.s; vm limit a 3; go; vm list");
    assert_non_null(strstr(o.out, "a: step limit: s I=0 P=0x00005 l=0x00000 b=0x80000\n"));
    assert_non_null(strstr(o.out, "*  0 a            step limit 0x00008..0x01007 0x00005  s      "
                                  "  3       0  1.000\n"));
    cs_outcome_free(&o);
    cs_mon_fails("vm create a 4096 examples/sum.s; vm limit a 3; go; vm resume a",
                 "-c:1: vm: a has taken the 3 steps of its limit ('vm limit a N' raises it)\n");
    /* "'step', 'next' and 'finish' on the selected VM are refused unless
     * it is runnable" */
    cs_mon_fails("vm create a 4096 examples/sum.s; vm stop a; step",
                 "-c:1: step: a is stopped ('vm resume' to run it)\n");
    cs_mon_fails("vm create a 4096 examples/sum.s; go; next",
                 "-c:1: next: a is halted ('vm resume' to run it)\n");
    cs_mon_fails("vm create a 4096 examples/sum.s; vm limit a 3; go; next",
                 "-c:1: next: a has taken the 3 steps of its limit ('vm limit a N' raises it)\n");
    cs_mon_prints("vm create a 4096 examples/sum.s; vm stop a; go",
                  "no VM is runnable after 0 steps\na: stopped: s I=0 P=0x00002 l=0x00000 "
                  "b=0x80000\n");
}

/* ---- the stack is the bare machine's -------------------------------- */

/* docs/monitor.md, "Stacks of control programs": 'stack step' "prints
 * the guest's PSW after each with the real steps it took", and "Before
 * the guest's first step, the levels start it: the first 'stack step'
 * says so first, with the real steps that took". */
static void stack_step__the_start_line_then_one_line_a_step(void **state)
{
    (void)state;
    cs_mon_prints("nest 1 examples/sum.s; stack step 2",
                  "  top guest starts at P=0x00002 (after 26 real steps)\n"
                  "  top guest s I=0 P=0x00003 l=0x00000 b=0x80000  (after 1 real step)\n"
                  "  top guest s I=0 P=0x00004 l=0x00000 b=0x80000  (after 1 real step)\n");
    struct cs_outcome o = cs_mon_ok("nest 1 examples/sum.s; stack step 2; stack step 1");
    const char *first = strstr(o.out, "top guest starts");
    assert_non_null(first);
    assert_null(strstr(first + 1, "top guest starts"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Stacks of control programs": "with a VM selected
 * 'nest' is refused"; the VM stays selected and no stack is built. */
static void nest__refused_with_a_vm_selected(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 4096 examples/sum.s; nest 1 examples/sum.s",
                 "-c:1: nest: select the bare machine first ('vm select bare'): the stack "
                 "runs on it\n");
    struct cs_outcome o = cs_mon("set on-error continue; vm create a 4096 examples/sum.s; "
                                 "nest 1 examples/sum.s; vm select bare; stack");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.err, "stack: no stack: build one with 'nest N FILE'\n"));
    cs_outcome_free(&o);
}

/* "with none built, 'stack' says ... as it does once 'load' has put
 * another program in the bare machine" */
static void stack__none_before_nest_and_after_load(void **state)
{
    (void)state;
    cs_mon_fails("stack", "-c:1: stack: no stack: build one with 'nest N FILE'\n");
    cs_mon_fails("nest 1 examples/sum.s; load examples/sum.s; stack",
                 "-c:1: stack: no stack: build one with 'nest N FILE'\n");
}

/* "after 'reset' or 'set memory', which clear E, 'stack' says 'the stack
 * is gone ...' and forgets it (the next 'stack' says there is none)" */
static void stack__gone_after_reset_or_set_memory_then_none(void **state)
{
    (void)state;
    static const char gone[] = "-c:1: stack: the stack is gone (the bare machine was reset or "
                               "reloaded); build it again with 'nest N FILE'\n";
    cs_mon_fails("nest 1 examples/sum.s; reset; stack", gone);
    cs_mon_fails("nest 1 examples/sum.s; set memory 70000; stack", gone);
    cs_mon_fails("nest 1 examples/sum.s; stack step 2; reset; stack step 1", gone);
    struct cs_outcome o =
        cs_mon("set on-error continue; nest 1 examples/sum.s; reset; stack; stack");
    assert_int_equal(o.status, 0);
    char want[512];
    snprintf(want, sizeof want, "%s-c:1: stack: no stack: build one with 'nest N FILE'\n", gone);
    assert_string_equal(o.err, want);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_docs55");
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
        cmocka_unit_test(words__a_wrong_count_gives_the_usage_line),
        cmocka_unit_test(section2__translate_and_v_at_equality),
        cmocka_unit_test(next__a_call_counts_its_own_steps_and_finish_its_own),
        cmocka_unit_test(vm__the_four_states_and_resume),
        cmocka_unit_test(stack_step__the_start_line_then_one_line_a_step),
        cmocka_unit_test(nest__refused_with_a_vm_selected),
        cmocka_unit_test(stack__none_before_nest_and_after_load),
        cmocka_unit_test(stack__gone_after_reset_or_set_memory_then_none),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
