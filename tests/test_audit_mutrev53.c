/* test_audit_mutrev53.c: cases that a mutation audit of reverse execution
 * with the control program (rstep, rcontinue and the history in a VM,
 * docs/monitor.md's "In a VM") found no other suite asserting.
 *
 * Each case states the documented behaviour directly; each fails with the
 * small change to the product named in its comment.  Runs the real binary
 * (cli_support) from the top of the source tree.
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

/* Two VMs in a short slice, a selected; a failed command is said and the
 * session goes on, so that what follows a refusal can be looked at. */
#define VMS                                                                                    \
    "set on-error continue; set slice 40; vm create a 8192 examples/supervisor.s; "            \
    "vm create b 8192 examples/hello.s; vm select a"

/* CMDS run after VMS; the errors must hold REFUSED and the output WANT
 * (either may be NULL: not looked at). */
static void in_two_vms(const char *cmds, const char *refused, const char *want)
{
    char line[1024];
    snprintf(line, sizeof line, VMS "; %s", cmds);
    struct cs_outcome o = cs_mon(line);
    if (refused && !strstr(o.err, refused))
        fail_msg("no refusal \"%s\" in:\n%s", refused, o.err);
    if (want && !strstr(o.out, want))
        fail_msg("\"%s\" not in:\n%s", want, o.out);
    cs_outcome_free(&o);
}

/* docs/monitor.md: going back past the start of the history "is an error
 * that says how far back the history goes, and changes nothing".  With a
 * VM selected the refusal had taken the watchpoints out of the real
 * machine (the replay runs with none) and did not put them back: 'step',
 * which stops at a watchpoint as 'go' does but sets none itself, then ran
 * on past the write (mutant: no mon_debug_apply on that refusal). */
static void rstep__refused_in_a_vm_leaves_watchpoints_armed(void **state)
{
    (void)state;
    in_two_vms("go for 30; watch 0x62; rstep 1000000; step 100",
                  "rstep: can go back at most 18 steps (the history starts at step 0)",
                  "watchpoint 1: write E[0x62] 0x75 -> 0x70, hit 1 time\n"
                  "a: stopped at 0x4f after 1 step");
}

/* The same refusal, and 'trace cp' ("for every trap in a VM, what the
 * control program did"): the control program's events went unseen after
 * it, trace and timeline alike (mutant: the event hook not put back). */
static void rstep__refused_in_a_vm_keeps_tracing_the_control_program(void **state)
{
    (void)state;
    in_two_vms("go for 300; trace cp; rstep 1000000; go for 300",
                  "rstep: can go back at most", "cp: a P=0x00050 COUT   ch");
    in_two_vms("go for 300; rstep 1000000; timeline on; go for 300; timeline",
                  "rstep: can go back at most", "timeline: recording, 16 events");
}

/* docs/monitor.md: right after a change, "with a VM selected, the VMs
 * were changed since they last ran, so their history starts here, at step
 * N of VM a": N is the selected VM's own step ('regs' shows it), not the
 * guest steps of all VMs together (mutant: 100, a's 55 and b's 45). */
static void rstep__nothing_to_go_back_to_names_the_vms_own_step(void **state)
{
    (void)state;
    in_two_vms("go for 100; set checkpoint 100; rstep",
                  "rstep: nothing to go back to: the VMs were changed since they last ran, so "
                  "their history starts here, at step 55 of VM a (run them, and this command "
                  "can come back as far as here)\n",
                  NULL);
    in_two_vms("go for 100; set checkpoint 100; vm select b; rcontinue",
                  "rcontinue: nothing to go back to: the VMs were changed since they last "
                  "ran, so their history starts here, at step 45 of VM b (run them",
                  NULL);
}

/* docs/monitor.md: with a VM selected, "rcontinue goes back to just
 * after that VM's previous trap", and its line says where: "back to the
 * previous trap (CAUSE), at step N", N the step it went back to, as 'regs'
 * then counts the VM's steps.  examples/supervisor.s halts at step 1935
 * after job 2's memory trap at 1521 and job 1's last SVC at 927 (mutant:
 * the line said the step it started from). */
static void rcontinue__in_a_vm_says_the_step_it_went_back_to(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("vm create a 8192 examples/supervisor.s; vm select a; go; "
                                    "rcontinue; regs; rcontinue; regs");
    static const char *const want[] = {
        "a: back to the previous trap (memory), at step 1521: s I=0 P=0x00024 l=0x00000 "
        "b=0x80000",
        "  timer disarmed, 0 cycles left;  cycles 3714  insns 1498  steps 1521",
        "a: back to the previous trap (svc), at step 927: s I=0 P=0x00024 l=0x00000 b=0x80000",
        "  timer disarmed, 0 cycles left;  cycles 2246  insns 905  steps 927",
        NULL};
    cs_assert_lines_in_order(o.out, want, "rcontinue; regs; rcontinue; regs");
    cs_outcome_free(&o);
}

/* docs/monitor.md: 'display' shows its expressions "after every stop of
 * go, step, next and finish (and of continue, until, rstep, rcontinue and
 * stack step)".  With a VM selected, 'rstep' showed none (mutant: no
 * mon_display_show there); 'rcontinue' shows them too. */
static void rstep__in_a_vm_shows_the_displays(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 8192 examples/supervisor.s; vm select a; go for 100; display "
                  "steps; rstep 5",
                  "a: back 5 steps, at step 95: s I=0 P=0x00056 l=0x00000 b=0x80000\n"
                  "  0x00056              DIVU   num, num, k10\n"
                  "1: steps = 0x5f (95)\n");
    cs_mon_prints("vm create a 8192 examples/supervisor.s; vm select a; go for 100; display "
                  "steps; rcontinue",
                  "  0x00002 start        LI     job, 0\n"
                  "1: steps = 0 (0)\n");
}

/* docs/monitor.md: rcontinue in a VM goes back past "a trap of its own, as
 * its bare machine would take it", and names its cause.  With 'set hybrid
 * on' the VM's supervisor code is interpreted, so its illegal word traps
 * in the VM and not in the real machine: the cause is the VM's (mutant:
 * the real machine's last trap, "none"). */
static void rcontinue__in_a_hybrid_vm_names_the_vms_own_trap(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 128];
    cs_write_text(path, sizeof path, "ill.s",
                  "        .org 0\n"
                  "        .word 0\n"
                  "        .word psw(SUP, h, 0, 0x80000)\n"
                  "        .entry go\n"
                  "go:     .word -1\n"
                  "h:      HALT\n");
    snprintf(cmds, sizeof cmds, "set hybrid on; vm create a 256 %s; vm select a; go; rcontinue",
             path);
    cs_mon_prints(cmds, "a: back to the previous trap (illegal), at step 1: s I=0 P=0x00003");
    remove(path);
}

/* docs/monitor.md: 'rcontinue' in a VM "does not stop at breakpoints or
 * watchpoints going back", and 'step' stops at a watchpoint "as they stop
 * 'go'".  Going back, by rstep or rcontinue, took the watchpoints out of
 * the real machine for the replay and did not put them back: the next
 * 'step' ran past the write (mutant: no mon_debug_apply after landing). */
static void rstep__in_a_vm_leaves_watchpoints_armed_after_going_back(void **state)
{
    (void)state;
    in_two_vms("go for 30; watch 0x62; rstep 2; step 100", NULL,
                  "watchpoint 1: write E[0x62] 0x75 -> 0x70, hit 1 time\n"
                  "a: stopped at 0x4f after 3 steps");
    in_two_vms("go for 30; watch 0x62; rcontinue; step 100", NULL,
                  "watchpoint 1: write E[0x62] 0 -> 0x73, hit 1 time\n"
                  "a: stopped at 0x4f after 9 steps");
}

/* docs/monitor.md: going back replays the history "with no breakpoint,
 * trace or trap stop in the way", and 'rcontinue' in a VM "does not stop
 * at breakpoints or watchpoints going back".  With a breakpoint and a
 * watchpoint on the loop that prints, the replay stopped at them and was
 * refused as diverged (mutant: the real machine's stops left set for it):
 * rstep lands at the step asked, rcontinue at the history's start. */
static void rstep__in_a_vm_goes_back_across_breakpoints(void **state)
{
    (void)state;
    in_two_vms("go for 300; break 0x4f; watch 0x62; echo MARK; rstep 100; rcontinue", NULL,
                  "MARK\n"
                  "a: back 100 steps, at step 131: s I=0 P=0x0000f l=0x00000 b=0x80000\n"
                  "  0x0000f              JAL    putn_ret, putn\n"
                  "a: no trap before this point: at the start of the history: s I=0 "
                  "P=0x00002 l=0x00000 b=0x80000\n"
                  "  0x00002 start        LI     job, 0\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutrev53");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rstep__refused_in_a_vm_leaves_watchpoints_armed),
        cmocka_unit_test(rstep__refused_in_a_vm_keeps_tracing_the_control_program),
        cmocka_unit_test(rstep__nothing_to_go_back_to_names_the_vms_own_step),
        cmocka_unit_test(rcontinue__in_a_vm_says_the_step_it_went_back_to),
        cmocka_unit_test(rstep__in_a_vm_shows_the_displays),
        cmocka_unit_test(rcontinue__in_a_hybrid_vm_names_the_vms_own_trap),
        cmocka_unit_test(rstep__in_a_vm_leaves_watchpoints_armed_after_going_back),
        cmocka_unit_test(rstep__in_a_vm_goes_back_across_breakpoints),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
