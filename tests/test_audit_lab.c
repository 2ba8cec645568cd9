/* test_audit_lab.c: a virtualization lab taken end to end as README.md and
 * docs/ describe it: a guest assembled, stepped and inspected, guests run
 * under the control program, equivalence, profiles and counterexamples,
 * reverse execution, and a saved state handed to a student.  Each test is
 * of something the lab found to differ from the docs; it fails on the
 * tree before its fix.
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

/* docs/monitor.md, "Reverse execution": right after a change, "a
 * `restore`, say", rstep and rcontinue say where the new history starts.
 * A student who restores a handed-out state in a session of their own was
 * told "no history yet: the machine has not run since it was last
 * changed", which says neither. */
static void rstep__after_a_restore_in_a_new_session_says_where_the_history_starts(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "handout.tgms");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; step 3; save %s", path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds, "restore %s; rstep", path);
    cs_mon_fails(cmds, "rstep: nothing to go back to: the machine was changed since it last "
                       "ran, so its history starts here, at step 3 (run it, and this command "
                       "can come back as far as here)");
    snprintf(cmds, sizeof cmds, "restore %s; rcontinue", path);
    cs_mon_fails(cmds, "rcontinue: nothing to go back to: the machine was changed since it "
                       "last ran, so its history starts here, at step 3");
    /* and it can: run, then back as far as the restored point */
    snprintf(cmds, sizeof cmds, "restore %s; step 2; rstep 2; assert steps == 3; echo back",
             path);
    cs_mon_prints(cmds, "back");
    /* a machine with no past is told the same, at step 0 */
    cs_mon_fails("load examples/sum.s; rstep",
                 "rstep: nothing to go back to: the machine was changed since it last ran, "
                 "so its history starts here, at step 0 (run it, and this command can come "
                 "back as far as here)");
}

/* The same with VMs: "with a VM selected, `the VMs were changed since they
 * last ran, so their history starts here, at step N of VM a ...`". */
static void rstep__after_a_restore_of_vms_in_a_new_session_says_where_the_history_starts(
    void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "handout-vm.tgms");
    snprintf(cmds, sizeof cmds, "vm create a 4096 examples/hello.s; step 5; save %s", path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds, "restore %s; rstep", path);
    cs_mon_fails(cmds, "rstep: nothing to go back to: the VMs were changed since they last "
                       "ran, so their history starts here, at step 5 of VM a (run them, and "
                       "this command can come back as far as here)");
    snprintf(cmds, sizeof cmds, "restore %s; step 2; rstep 2; assert steps == 5; echo back",
             path);
    cs_mon_prints(cmds, "back");
    cs_mon_fails("vm create a 4096 examples/hello.s; rstep",
                 "rstep: nothing to go back to: the VMs were changed since they last ran, so "
                 "their history starts here, at step 0 of VM a (run them, and this command "
                 "can come back as far as here)");
}

/* 'stack step' runs the guest on top a step at a time; what it wrote
 * went unshown, and the next 'go' shows only its own output, so a student
 * stepping examples/hello.s on the stack saw "ello, world": 'step' shows
 * a step's output as console <- "..." (docs/monitor.md, "The terminal"). */
static void stack_step__shows_what_the_guest_writes(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("nest 1 examples/hello.s; stack step 5; stack step 5; go; console");
    const char *const want[] = {
        "  top guest s I=0 P=0x00006 l=0x00000 b=0x80000  (after 74 real steps)",
        "    console <- \"h\"",
        "  top guest s I=0 P=0x00006 l=0x00000 b=0x80000  (after 74 real steps)",
        "    console <- \"e\"",
        "llo, world",
        "hello, world",
        NULL};
    cs_assert_lines_in_order(o.out, want, "each character once, under its step");
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Addresses and expressions": "Inside a command's
 * arguments an expression is one word: write copy+5, or quote it", and
 * its example is 'assert E[1] == psw(sup, handler, 0, q)'.  A student who
 * deposits that PSW the same way got only "expression ends too soon",
 * which does not say the spaces cut it; the error now says so. */
static void deposit__an_expression_cut_at_its_spaces_says_to_quote_it(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; deposit 1 psw(sup, 9, 0, q)",
                 "deposit: expression ends too soon ('psw(sup,' is one word of the command: "
                 "quote an expression that has spaces)");
    cs_mon_fails("load examples/sum.s; break E[ 1 ]",
                 "('E[' is one word of the command: quote an expression that has spaces)");
    /* quoted, it is one word; and an error with the brackets closed (or
     * one in a character constant) gets no such note */
    cs_mon_prints("load examples/sum.s; deposit 1 \"psw(sup, 9, 0, q)\"; "
                  "assert E[1] == psw(sup, 9, 0, q); echo deposited",
                  "deposited");
    cs_mon_fails_without("load examples/sum.s; deposit 1 nosuch('(')", "unknown name 'nosuch'",
                         "one word");
}

/* 'trace cp' shows, for every event in a VM, the instruction at P; the
 * step limit's (a 'vm limit' reached: "none trap -> scheduler") showed
 * ".word 0x0000000000000000" where examples/hello.s has JMP loop, the
 * instruction the stop line under it names. */
static void trace_cp__the_step_limit_names_the_instruction_at_p(void **state)
{
    (void)state;
    cs_mon_prints("vm create g 4096 examples/hello.s; vm limit g 10; trace cp; go",
                  "cp: g P=0x00007 JMP    loop                  ");
    struct cs_outcome o = cs_mon_ok("vm create g 4096 examples/hello.s; vm limit g 10; "
                                    "trace cp; go");
    assert_null(strstr(o.out, ".word"));
    cs_outcome_free(&o);
}

/* The step limit's event is one "no real trap brings" (docs/vmm.md):
 * 'vm stats' counts it in its "(no trap)" row, and 'trace cp' and 'step'
 * called it "none trap -> scheduler", a trap named "none".  They say
 * "(no trap) -> scheduler" now, as the statistics name it. */
static void trace_cp__an_event_with_no_trap_is_named_as_vm_stats_names_it(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("vm create g 4096 examples/hello.s; vm limit g 10; "
                                    "trace cp; go; vm stats; vm limit g 12; step 3");
    assert_non_null(
        strstr(o.out, "cp: g P=0x00007 JMP    loop                  (no trap) -> scheduler\n"));
    assert_non_null(strstr(o.out, "  (no trap)             0           0           0           1"));
    assert_non_null(strstr(o.out, "\n    cp: (no trap) -> scheduler\n"));
    assert_null(strstr(o.out, "none trap"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_lab");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rstep__after_a_restore_in_a_new_session_says_where_the_history_starts),
        cmocka_unit_test(
            rstep__after_a_restore_of_vms_in_a_new_session_says_where_the_history_starts),
        cmocka_unit_test(stack_step__shows_what_the_guest_writes),
        cmocka_unit_test(deposit__an_expression_cut_at_its_spaces_says_to_quote_it),
        cmocka_unit_test(trace_cp__the_step_limit_names_the_instruction_at_p),
        cmocka_unit_test(trace_cp__an_event_with_no_trap_is_named_as_vm_stats_names_it),
    };
    return cmocka_run_group_tests_name("audit_lab", tests, group_setup, group_teardown);
}
