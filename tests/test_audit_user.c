/* test_audit_user.c: what a student following README.md and the docs met
 * in a lab of their own (a supervisor with a relocated user program, run
 * bare and as VMs) that an audit found broken: the label a stop line gives
 * P in relocated code; a trap stop lost with an unrelated VM; the
 * instruction a VM's trap stop names.  Each test fails on the tree before
 * its fix.
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_user");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* A supervisor at 0 (label 'start') drops to a user program at word 0x10
 * ('ucode'), which runs at apparent address 0 through R = (0x10, 4). */
static const char reloc_src[] = "        .entry start\n"
                                "start:  LPSW  upsw\n"
                                "upsw:   .word psw(USER, 0, 0x10, 4)\n"
                                "        .org  0x10\n"
                                "ucode:  MOV   3, 3\n"
                                "        JMP   0\n"
                                "        .word 0, 0\n";

/* Labels name words of E (docs/monitor.md, "only a label names an
 * address"), and the instruction line under a stop names the word at
 * P + l: the stop line named P itself, so a breakpoint in relocated user
 * code stopped "at 0 start", the supervisor's word, not "at 0 ucode". */
static void stop_line__labels_the_word_at_p_relocated(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(path, sizeof path, "reloc.s", reloc_src);
    snprintf(cmds, sizeof cmds, "load %s; break ucode; go", path);
    cs_mon_prints(cmds, "\nstopped at 0 ucode after 1 step, 3 cycles: u I=0 P=0x00000 l=0x00010");
    snprintf(cmds, sizeof cmds, "vm create a 64 %s; break ucode; go", path);
    cs_mon_prints(cmds, "\na: stopped at 0 ucode after 1 step, 3 cycles: u I=0");
    /* a watchpoint's stop too: P = 1 is E[0x11], not 'upsw' at E[1] */
    snprintf(cmds, sizeof cmds, "load %s; break ucode; go; watch 0x13; go", path);
    cs_mon_prints(cmds, "\nstopped at 0x1 after 1 step, 2 cycles: u I=0 P=0x00001");
    /* the phased label of cs_write_phased's loop is no word's: none */
    cs_write_phased(path, sizeof path);
    snprintf(cmds, sizeof cmds, "load %s; break 0x10; go", path);
    cs_mon_prints(cmds, "\nstopped at 0 after 1 step");
}

/* "Trap and class stops set while a VM is selected apply to the real
 * machine" (docs/monitor.md): they stop every VM, but 'vm destroy' of the
 * VM selected when they were set deleted them, "its VM is gone", and the
 * other VMs ran on unwatched.  A breakpoint in that VM's E still goes. */
static void vm_destroy__keeps_the_real_machines_trap_stops(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_write_text(path, sizeof path, "reloc.s", reloc_src);
    snprintf(cmds, sizeof cmds,
             "vm create a 64 %s; vm create b 64 %s; break trap privileged; break class "
             "privileged; break ucode; vm destroy b; break list; vm select a; go",
             path, path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "breakpoint 3 deleted: its VM is gone\n"
                                  "b destroyed; its region is free\n"
                                  "  1  trap   privileged [a]  hits 0\n"
                                  "  2  class  privileged [a]  hits 0\n"));
    assert_null(strstr(o.out, "breakpoint 1 deleted"));
    assert_non_null(strstr(o.out, "breakpoint 1: privileged trap at 0"));
    assert_non_null(strstr(o.out, "a: stopped at 0 ucode after 1 step"));
    cs_outcome_free(&o);
    /* with no VM left there is nothing for them to watch */
    snprintf(cmds, sizeof cmds, "vm create b 64 %s; break trap svc; vm destroy b; break list",
             path);
    cs_mon_prints(cmds, "breakpoint 1 deleted: its VM is gone\nb destroyed; its region is "
                        "free\nno breakpoints\n");
}

/* "A trap stop's hit names its cause and the trapping instruction, the old
 * PSW's P in E[0]" (docs/monitor.md).  In a VM the stop is the real
 * machine's trap, and it named the P in the VM's own E[0], which that trap
 * wrote only when the control program reflected it: an LPSW it emulated
 * at 0x3 was "privileged trap at 0", whatever the guest's E[0] held. */
static void trap_stop__in_a_vm_names_the_trapping_instruction(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(path, sizeof path, "drop.s",
                  "        .entry start\n"
                  "        .org  2\n"
                  "start:  NOP\n"
                  "drop:   LPSW  upsw\n"
                  "upsw:   .word psw(USER, 0, 0x10, 4)\n"
                  "        .org  0x10\n"
                  "        SVC   1\n");
    snprintf(cmds, sizeof cmds, "vm create a 64 %s; break trap privileged; go", path);
    cs_mon_prints(cmds, "breakpoint 1: privileged trap at 0x3 drop, hit 1 time\n"
                        "a: stopped at 0 after 2 steps");
    /* a trap reflected into the guest: its own E[0] says the same */
    snprintf(cmds, sizeof cmds, "vm create a 64 %s; break trap svc; go; assert E[0] >> 58 == 3",
             path);
    cs_mon_prints(cmds, "breakpoint 1: svc trap at 0, hit 1 time\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop_line__labels_the_word_at_p_relocated),
        cmocka_unit_test(vm_destroy__keeps_the_real_machines_trap_stops),
        cmocka_unit_test(trap_stop__in_a_vm_names_the_trapping_instruction),
    };
    return cmocka_run_group_tests_name("audit_user", tests, group_setup, group_teardown);
}
