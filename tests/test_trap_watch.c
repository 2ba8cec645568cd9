/* test_trap_watch.c: watchpoints on the two words a trap of section 2
 * touches.  A trap stores the old PSW in E[0] and loads the new one from
 * E[1] (docs/isa.md); a write watchpoint on E[0] stopped after it, but a
 * read watchpoint on E[1] never did.  Both now stop after the instruction
 * that trapped (or the timer trap's step), on the bare machine and in a
 * VM whose trap the control program reflects (plainly or by the hybrid
 * monitor), with the value read shown as any read watchpoint shows it.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* An SVC in supervisor mode: a trap at its first step. */
static const char svc_src[] = "        .org  0\n"
                              "        .word 0\n"
                              "        .word psw(SUP, h, 0, 64)\n"
                              "        .entry start\n"
                              "start:  SVC   5\n"
                              "h:      HALT\n";

/* A TSET with I = 1 whose timer falls due at once: the second step is
 * the timer trap, between instructions (the ADDI never runs). */
static const char timer_src[] = "        .org  0\n"
                                "        .word 0\n"
                                "        .word psw(SUP, h, 0, 64)\n"
                                "        .entrypsw pswi(SUP, start, 0, 64)\n"
                                "start:  TSET  two\n"
                                "        ADDI  x, x, 1\n"
                                "h:      HALT\n"
                                "two:    .word 2\n"
                                "x:      .word 0\n";

/* Where the program runs: the bare machine, a VM, a hybrid VM. */
static const char *const places[] = {"load %s", "vm create a 64 %s",
                                     "set hybrid on; vm create a 64 %s"};
static const char *const names[] = {"bare", "a VM", "a hybrid VM"};
#define NPLACES (sizeof places / sizeof places[0])

/* PLACE's session with the program SRC, then WATCHES; go. */
static struct cs_outcome run(size_t place, const char *src, const char *watches)
{
    char path[CS_PATH], head[CS_PATH + 64], cmds[2 * CS_PATH + 128];
    cs_write_text(path, sizeof path, "trap_watch.s", src);
    snprintf(head, sizeof head, places[place], path);
    snprintf(cmds, sizeof cmds, "%s; %s; go", head, watches);
    return cs_mon_ok(cmds);
}

/* The stop line, bare ("stopped ...") or the VM's ("a: stopped ..."). */
static void assert_stop(const char *out, size_t place, const char *hit, const char *stop)
{
    char line[256];
    snprintf(line, sizeof line, "%s%s", place ? "a: " : "", stop);
    cs_assert_lines_in_order(out, (const char *const[]){hit, line, NULL}, names[place]);
}

/* In every place, SRC with WATCHES stops with the lines HIT and STOP. */
static void assert_stops_everywhere(const char *src, const char *watches, const char *hit,
                                    const char *stop)
{
    for (size_t k = 0; k < NPLACES; k++) {
        struct cs_outcome o = run(k, src, watches);
        assert_stop(o.out, k, hit, stop);
        cs_outcome_free(&o);
    }
}

/* An SVC's trap reads E[1]: 'watch read 1' stops after the SVC, at the
 * handler, showing the new PSW it read. */
static void watch__a_trap_reads_e1(void **state)
{
    (void)state;
    assert_stops_everywhere(svc_src, "watch read 1",
                            "watchpoint 1: read E[0x1] = 0x8000018000000040, hit 1 time",
                            "stopped at 0x3 h after 1 step, 4 cycles: s I=0 P=0x00003 "
                            "l=0x00000 b=0x00040");
}

/* So does the timer trap, taken between instructions: in a VM the control
 * program delivers it itself (docs/vmm.md), not by stepping the guest. */
static void watch__a_timer_trap_reads_e1(void **state)
{
    (void)state;
    assert_stops_everywhere(timer_src, "watch access 1",
                            "watchpoint 1: read E[0x1] = 0x8000020000000040, hit 1 time",
                            "stopped at 0x4 h after 2 steps, 6 cycles: s I=0 P=0x00004 "
                            "l=0x00000 b=0x00040");
}

/* A write watchpoint on E[1] does not stop at a trap (the trap only reads
 * it), and with E[0]'s write watched too one stop names the write
 * (docs/monitor.md), as before. */
static void watch__a_trap_writes_e0_and_only_reads_e1(void **state)
{
    (void)state;
    for (size_t k = 0; k < NPLACES; k++) {
        struct cs_outcome o = run(k, svc_src, "watch write 1");
        assert_null(strstr(o.out, "watchpoint 1:"));
        assert_non_null(strstr(o.out, "halted"));
        cs_outcome_free(&o);
        o = run(k, timer_src, "watch write 0; watch read 1");
        assert_stop(o.out, k, "watchpoint 1: write E[0] 0 -> 0xd400018000000040, hit 1 time",
                    "stopped at 0x4 h after 2 steps, 6 cycles: s I=0 P=0x00004 l=0x00000 "
                    "b=0x00040");
        assert_null(strstr(o.out, "watchpoint 2:"));
        cs_outcome_free(&o);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_trap_watch");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(watch__a_trap_reads_e1),
        cmocka_unit_test(watch__a_timer_trap_reads_e1),
        cmocka_unit_test(watch__a_trap_writes_e0_and_only_reads_e1),
    };
    return cmocka_run_group_tests_name("trap_watch", tests, group_setup, group_teardown);
}
