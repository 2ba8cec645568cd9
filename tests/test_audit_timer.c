/* test_audit_timer.c: the interval timer (docs/isa.md, docs/vmm.md,
 * docs/recursion.md) as the monitor and the reports show it, through the
 * bare machine, the control program and the stack of control programs.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* TSET of 3 cycles costs its own 2: one cycle is left after it. */
static const char one_left_src[] = "        .org 0\n"
                                   "        .word 0\n"
                                   "        .word psw(SUP, h, 0, 0x80000)\n"
                                   "        .entry start\n"
                                   "start:  TSET  three\n"
                                   "        NOP\n"
                                   "        NOP\n"
                                   "        HALT\n"
                                   "h:      HALT\n"
                                   "three:  .word 3\n";

/* ADDI takes the 7-cycle timer to zero with I = 1: the timer trap comes
 * before the JMP at 5, which never runs (docs/isa.md). */
static const char before_jmp_src[] = "        .org 0\n"
                                     "        .word 0\n"
                                     "        .word psw(SUP, h, 0, 0x80000)\n"
                                     "        .entry start\n"
                                     "start:  TSET  seven\n"
                                     "        LPSW  on\n"
                                     "s:      ADDI  x, x, 1\n"
                                     "        JMP   s\n"
                                     "h:      HALT\n"
                                     "seven:  .word 7\n"
                                     "x:      .word 0\n"
                                     "on:     .word pswi(SUP, s, 0, 0x80000)\n";

static char *cmds_with(const char *fmt, const char *file)
{
    size_t n = strlen(fmt) + strlen(file) + 1;
    char *s = malloc(n);
    assert_non_null(s);
    snprintf(s, n, fmt, file);
    return s;
}

/* "A count of 1 is singular (`armed, 1 cycle left`, ...), as everywhere
 * tgm prints counts" (docs/run.md): regs said "1 cycles left". */
static void regs__one_cycle_left_is_singular(void **state)
{
    (void)state;
    char *cmds = cmds_with("load %s; step; regs", cs_tmp("one.s"));
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "  timer armed, 1 cycle left;  cycles 2  insns 1  steps 1\n"));
    assert_null(strstr(o.out, "1 cycles"));
    cs_outcome_free(&o);
    free(cmds);
    /* the same line for a VM's virtual timer */
    cmds = cmds_with("vm create a 256 %s; vm select a; step; regs", cs_tmp("one.s"));
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "  timer armed, 1 cycle left;  cycles 2  insns 1  steps 1\n"));
    cs_outcome_free(&o);
    free(cmds);
}

/* ... and the stack's level lines said "(1 cycles left)". */
static void stack__one_cycle_left_is_singular(void **state)
{
    (void)state;
    char *cmds = cmds_with("nest 1 %s; stack step 1; stack", cs_tmp("one.s"));
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "s I=0 P=0x00003 l=0x00000 b=0x80000  timer armed "
                                  "(1 cycle left)\n"));
    cs_outcome_free(&o);
    free(cmds);
}

/* "Breakpoints, watchpoints and class stops do stop there [in a hybrid
 * VM's interpreted supervisor code], as on the bare machine"
 * (docs/monitor.md): the bare machine takes a pending timer trap before
 * the instruction at P, so a breakpoint there does not stop it.  The
 * hybrid interpreter stopped at it, before the trap, where the bare
 * machine and a VM without hybrid run on to the HALT. */
static void hybrid__no_break_before_an_instruction_the_timer_trap_preempts(void **state)
{
    (void)state;
    static const char *const fmts[] = {
        "load %s; break 5; go",
        "vm create a 4096 %s; break 5; go",
        "set hybrid on; vm create a 4096 %s; break 5; go",
        "set hybrid on; vm create a 4096 %s; until 5",
    };
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        char *cmds = cmds_with(fmts[i], cs_tmp("jmp.s"));
        struct cs_outcome o = cs_mon_ok(cmds);
        if (strstr(o.out, "halted after 5 steps: s I=0 P=0x00007") == NULL &&
            strstr(o.out, "a: halted: s I=0 P=0x00007") == NULL)
            fail_msg("%s: did not run to the HALT:\n%s", cmds, o.out);
        if (strstr(o.out, "hit 1 time") != NULL || strstr(o.out, "stopped at 0x5") != NULL)
            fail_msg("%s: stopped before the timer trap:\n%s", cmds, o.out);
        cs_outcome_free(&o);
        free(cmds);
    }
    /* the same breakpoint stops the hybrid VM where the instruction does run */
    char *cmds = cmds_with("set hybrid on; vm create a 4096 %s; break 4; go", cs_tmp("jmp.s"));
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "a: stopped at 0x4 s after 2 steps"));
    cs_outcome_free(&o);
    free(cmds);
}

static int group_setup(void **state)
{
    (void)state;
    if (cs_setup("test_audit_timer") != 0)
        return -1;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "one.s", one_left_src);
    cs_write_text(path, sizeof path, "jmp.s", before_jmp_src);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(regs__one_cycle_left_is_singular),
        cmocka_unit_test(stack__one_cycle_left_is_singular),
        cmocka_unit_test(hybrid__no_break_before_an_instruction_the_timer_trap_preempts),
    };
    return cmocka_run_group_tests_name("audit_timer", tests, group_setup, group_teardown);
}
