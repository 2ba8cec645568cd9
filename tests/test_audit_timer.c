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

static int group_setup(void **state)
{
    (void)state;
    if (cs_setup("test_audit_timer") != 0)
        return -1;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "one.s", one_left_src);
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
    };
    return cmocka_run_group_tests_name("audit_timer", tests, group_setup, group_teardown);
}
