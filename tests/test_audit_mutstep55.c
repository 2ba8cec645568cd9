/* test_audit_mutstep55.c: cases that a mutation audit of the monitor's
 * stepping (step, next, finish, 'stack step'), 'set checkpoint' and
 * 'set histfile' found no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md, the help text) at the
 * edge a mutant moved: the word STX writes through its index, shown by
 * 'step'; a HALT inside a call counted from the command's start by
 * 'next', which says nothing of 'finish'; 'finish' refused on a stopped
 * VM; 'stack step' going past a breakpoint it starts on; a guest's
 * privileged instruction whose operand traps counted as its one step;
 * 'stack step' after 'step' ran the stack to its HALT; 'show histfile'
 * in a session with no terminal.
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

/* ---- step, next, finish --------------------------------------------- */

/* docs/monitor.md, 'step': "Prints the address, the word disassembled,
 * the PSW before and after, every word of E the step changed": STX's
 * word is its A operand plus E[B], not A (examples/calls.s stores
 * trace[1] = 15, E[0x33], on its second pass).  Mutant: only STX's A
 * operand is looked at, so the line for E[0x33] goes. */
static void step__shows_the_word_stx_writes_through_its_index(void **state)
{
    (void)state;
    cs_mon_prints_exactly(
        "load examples/calls.s; go until 6; go until 6; step",
        "bare: loaded examples/calls.s: 56 words at 0, 28 symbols; entry P=0x2 M=s\n"
        "stopped at 0x6 after 9 steps, 20 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000\n"
        "  0x00006              STX    trace, i, acc\n"
        "stopped at 0x6 after 11 steps, 28 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000\n"
        "  0x00006              STX    trace, i, acc\n"
        "  0x00006              STX    trace, i, acc\n"
        "    PSW s I=0 P=0x00006 l=0x00000 b=0x80000 -> s I=0 P=0x00007 l=0x00000 b=0x80000\n"
        "    E[0x33] := 0xf (was 0)\n");
}

/* A plain step, then a call whose subroutine halts. */
static const char halt_in_call_src[] = "        .org  0\n"
                                       "        .word 0\n"
                                       "        .word psw(SUP, 0, 0, 0x80000)\n"
                                       "        .entry start\n"
                                       "start:  LI    i, 0\n"
                                       "        JAL   ret, sub\n"
                                       "        HALT\n"
                                       "sub:    ADDI  i, i, 1\n"
                                       "        HALT\n"
                                       "ret:    .word 0\n"
                                       "i:      .word 0\n";

/* docs/monitor.md, 'next': "HALT ... stop[s] it early; a stop says after
 * how many steps and cycles of the command, as 'go' does, a call's
 * included": the LI before the call counts (4 steps, not the call's 3),
 * and 'finish''s note on a HALT outside any subroutine is not said.
 * Mutants: the call's steps alone counted; the note said for 'next'. */
static void next__a_halt_in_a_call_counts_the_commands_steps(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64], want[CS_PATH + 512];
    cs_write_text(src, sizeof src, "halt_in_call.s", halt_in_call_src);
    snprintf(cmds, sizeof cmds, "load %s; next 2", src);
    snprintf(want, sizeof want,
             "bare: loaded %s: 9 words at 0, 4 symbols; entry P=0x2 M=s\n"
             "  0x00002 start        LI     i, 0\n"
             "    PSW s I=0 P=0x00002 l=0x00000 b=0x80000 -> s I=0 P=0x00003 l=0x00000 "
             "b=0x80000\n"
             "halted after 4 steps: s I=0 P=0x00007 l=0x00000 b=0x80000\n"
             "  0x00006              HALT\n",
             src);
    cs_mon_prints_exactly(cmds, want);
}

/* docs/monitor.md, 'stop': "'stop' marks the selected (or named) VM
 * stopped until 'vm resume'", so the control program no longer runs it:
 * 'finish' is refused, as 'step' and 'next' are, not run on a VM that
 * takes no step.  Mutant: 'finish' does not look at the VM's state and
 * spins to the step limit. */
static void finish__refuses_a_stopped_vm(void **state)
{
    (void)state;
    cs_mon_fails("set limit 1000; vm create a 8192 examples/hello.s; vm select a; stop; "
                 "finish",
                 "finish: a is stopped ('vm resume' to run it)");
}

/* ---- stack step ----------------------------------------------------- */

/* docs/monitor.md: 'stack step' is stopped by "a breakpoint, watchpoint
 * or trap stop, with the report a run gives", and "A run ... stops at
 * every breakpoint it reaches except one at the instruction it starts
 * from, so that continuing from a breakpoint makes progress": the next
 * 'stack step' takes the guest's step from there.  (On one level
 * examples/sum.s sits at 0x280: its loop, E[4], is real word 0x284.)
 * Mutant: the breakpoint at P is looked at before the first step too. */
static void stack_step__goes_past_the_breakpoint_it_starts_on(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("nest 1 examples/sum.s; break 0x284; stack step 10; stack step 1");
    static const char *const want[] = {
        "breakpoint 1 at 0x284, hit 1 time",
        "stopped at 0x4 after 28 steps, 49 cycles: u I=0 P=0x00004 l=0x00280 b=0x10000",
        "  top guest s I=0 P=0x00005 l=0x00000 b=0x80000  (after 1 real step)", NULL};
    cs_assert_lines_in_order(o.out, want, "stack step from a breakpoint");
    assert_null(strstr(o.out, "hit 2 times"));
    cs_outcome_free(&o);
}

/* LPSW of a word outside the guest's 65,536: a memory trap, one step. */
static const char lpsw_src[] = "        .org  0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, fault, 0, 0x80000)\n"
                               "        .entry start\n"
                               "start:  LPSW  0x7fff0\n"
                               "fault:  HALT\n";

/* docs/monitor.md, 'stack': "'stack step N' runs the real machine until
 * the guest on top has taken N steps, each executed directly or handled
 * by the levels below it, counted as its bare machine counts them": its
 * bare machine takes an LPSW whose operand traps as one step (the trap),
 * so level 1 interpreting it and reflecting the memory trap is one step,
 * and the HALT the next.  Mutant: the interpreted instruction and the
 * trap reflected for it count two. */
static void stack_step__a_privileged_operand_trap_is_one_step(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH + 64];
    cs_write_text(src, sizeof src, "lpsw.s", lpsw_src);
    snprintf(cmds, sizeof cmds, "load %s; step 2; nest 1 %s; stack step 2", src, src);
    struct cs_outcome o = cs_mon_ok(cmds);
    static const char *const want[] = {
        "    trap: memory (old PSW in E[0], new PSW from E[1])", "halted",
        "  top guest starts at P=0x00002 (after 26 real steps)",
        "  top guest s I=0 P=0x00003 l=0x00000 b=0x80000  (after 75 real steps)",
        "  top guest s I=0 P=0x00004 l=0x00000 b=0x80000  (after 46 real steps)",
        "the stack halted (the guest on top executed HALT)", NULL};
    cs_assert_lines_in_order(o.out, want, "stack step over an LPSW that traps");
    assert_null(strstr(o.out, "2 steps,"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Stacks of control programs": "After the stack
 * halted, the guest's `HALT` was its last step: `stack step` then says
 * `the stack halted (the guest on top executed HALT)` and runs nothing",
 * also when 'step' ran the real machine to that HALT.  Mutant: 'step'
 * does not record that the bare machine ran, so 'stack step' runs on and
 * shows a step of the guest's after its HALT. */
static void stack_step__after_step_reached_the_halt_runs_nothing(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(src, sizeof src, "lpsw.s", lpsw_src);
    snprintf(cmds, sizeof cmds, "nest 1 %s; step 1000; stack step", src);
    struct cs_outcome o = cs_mon_ok(cmds);
    /* nothing after the refusal: 'stack step' ran no step */
    cs_assert_ends_with(o.out, "\nhalted\nthe stack halted (the guest on top executed HALT)\n");
    cs_outcome_free(&o);
}

/* ---- set histfile --------------------------------------------------- */

/* docs/monitor.md, "The terminal": "in a session with no terminal, which
 * keeps no history, it says what a terminal's would use: `(default:
 * $TGM_HISTORY or ~/.tgm_history)`, or the file `set histfile` named".
 * Mutant: the line leaves out $TGM_HISTORY. */
static void show__histfile_without_a_terminal_names_the_default(void **state)
{
    (void)state;
    cs_mon_prints_exactly("show histfile; set histfile h.txt; show histfile",
                          "histfile   (default: $TGM_HISTORY or ~/.tgm_history)\n"
                          "histfile   h.txt\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutstep55");
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
        cmocka_unit_test(step__shows_the_word_stx_writes_through_its_index),
        cmocka_unit_test(next__a_halt_in_a_call_counts_the_commands_steps),
        cmocka_unit_test(finish__refuses_a_stopped_vm),
        cmocka_unit_test(stack_step__goes_past_the_breakpoint_it_starts_on),
        cmocka_unit_test(stack_step__a_privileged_operand_trap_is_one_step),
        cmocka_unit_test(stack_step__after_step_reached_the_halt_runs_nothing),
        cmocka_unit_test(show__histfile_without_a_terminal_names_the_default),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
