/* test_audit_mutlive56.c: cases that a mutation audit of the monitor's
 * live guest I/O (a run's console output and typed keys), the focus, and
 * the 'console', 'vm console' and 'vm input' commands found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/monitor.md) at the edge a mutant
 * moved: the bare machine's output shown live while VMs exist but the
 * bare machine is selected; no 'meanwhile' line under a step for a VM
 * that ran and is still runnable; 'console' saying one byte dropped in
 * the singular; the live copy's 'console full' naming a VM as "VM NAME";
 * 'console clear' in a breakpoint's commands starting a new history.
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

/* Writes "a" (no newline) and halts. */
static const char a_src[] = "        .entry start\n"
                            "start:  COUT  h\n"
                            "        HALT\n"
                            "h:      .word 'a'\n";

/* Counts up for ever. */
static const char loop_src[] = "        .entry start\n"
                               "start:  LI    n, 0\n"
                               "spin:   ADDI  n, n, 1\n"
                               "        JMP   spin\n"
                               "n:      .word 0\n";

/* Writes 16777217 B's, one past what a console keeps, and halts. */
static const char big1_src[] = "        .org 0\n        .word 0, 0\n        .entry start\n"
                               "start:  COUT ch\n        DJNZ n, start\n        HALT\n"
                               "ch:     .word 66\nn:      .word 16777217\n";

static char hi_path[CS_PATH], a_path[CS_PATH], loop_path[CS_PATH];

/* ---- live output and the focus -------------------------------------- */

/* docs/monitor.md: "`vm select bare` returns to the bare machine", and
 * "during `go`/`continue` what the guest writes with COUT appears as it
 * is written": with VMs made but the bare machine selected, 'go' runs
 * the bare machine and its output is shown live.  (Mutant: the live
 * copy looked at the VMs whenever any existed, so the bare machine's
 * output went unshown.) */
static void live__bare_output_shown_with_vms_made_and_bare_selected(void **state)
{
    (void)state;
    char cmds[4 * CS_PATH];
    snprintf(cmds, sizeof cmds, "vm create a 4096 %s; vm select bare; load %s; go", a_path,
             hi_path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "; entry P=0 M=s\nhi\nhalted after 4 steps: ");
    cs_outcome_free(&o);
}

/* docs/monitor.md: 'step' shows "what another VM wrote while it ran
 * meanwhile as `NAME: console <- "..."` after the step that let it run
 * (and a VM that halted meanwhile, or met its `vm limit`, as `NAME: halted
 * meanwhile:` and its PSW)": a VM that ran meanwhile, wrote nothing and
 * is still runnable gets no line.  (Mutant: such a VM was said as
 * `a: runnable meanwhile:` and its PSW.) */
static void step__a_vm_still_runnable_meanwhile_is_not_said(void **state)
{
    (void)state;
    char cmds[4 * CS_PATH];
    snprintf(cmds, sizeof cmds, "vm create a 4096 %s; vm create b 4096 %s; step 2",
             loop_path, hi_path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "    console <- \"h\"\n    cp: privileged trap -> interpreted\n"
                         "  0x00001              COUT   i\n");
    assert_null(strstr(o.out, "meanwhile"));
    cs_outcome_free(&o);
}

/* ---- 'console' -------------------------------------------------------- */

/* docs/monitor.md: "`console` ends with `(N bytes more written and
 * dropped: a console keeps 16777216)`", N counted as the monitor counts
 * (a byte, bytes): one byte past the 16 MiB is "1 byte".  (Mutant: "1
 * bytes more written".) */
static void console__one_byte_dropped_is_said_in_the_singular(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_write_text(src, sizeof src, "big1.s", big1_src);
    snprintf(cmds, sizeof cmds, "load %s; set console off; go; console; echo end", src);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "BBB\n(1 byte more written and dropped: a console keeps 16777216)\n"
                         "end\n");
    cs_outcome_free(&o);
}

/* docs/monitor.md: "past them the live copy says so once, `(console
 * full: the machine's output past 16777216 bytes is dropped and counted;
 * 'console' says how many)` (`VM NAME's` for a VM)".  (Mutant: a VM was
 * named without "VM", as "a's output".) */
static void console__full_names_a_vm_as_vm_name(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_write_text(src, sizeof src, "big1.s", big1_src);
    snprintf(cmds, sizeof cmds, "vm create a 4096 %s; go", src);
    cs_mon_prints(cmds, "BBB\n(console full: VM a's output past 16777216 bytes is dropped and "
                        "counted; 'console' says how many)\nno VM is runnable after ");
}

/* docs/monitor.md: a breakpoint's `do` list of only commands that look
 * ("`console` without `input` or `clear`", ...) keeps the history; "Any
 * other command there ... starts a new history at the hit": 'console
 * clear' does, so going back stops at the hit.  (Mutant: only 'console'
 * with two words after it, 'console input TEXT', counted as a change.) */
static void console__clear_in_a_breakpoints_commands_starts_the_history(void **state)
{
    (void)state;
    char cmds[CS_PATH + 200];
    snprintf(cmds, sizeof cmds, "load %s; break 1 do \"console clear\"; go; rcontinue", hi_path);
    cs_mon_prints(cmds, "at the start of the history: s I=0 P=0x00001 ");
}

static int group_setup(void **state)
{
    (void)state;
    if (cs_setup("test_audit_mutlive56") != 0)
        return -1;
    cs_write_text(hi_path, sizeof hi_path, "hi.s", cs_hi_src);
    cs_write_text(a_path, sizeof a_path, "a.s", a_src);
    cs_write_text(loop_path, sizeof loop_path, "loop.s", loop_src);
    return 0;
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
        cmocka_unit_test(live__bare_output_shown_with_vms_made_and_bare_selected),
        cmocka_unit_test(step__a_vm_still_runnable_meanwhile_is_not_said),
        cmocka_unit_test(console__one_byte_dropped_is_said_in_the_singular),
        cmocka_unit_test(console__full_names_a_vm_as_vm_name),
        cmocka_unit_test(console__clear_in_a_breakpoints_commands_starts_the_history),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
