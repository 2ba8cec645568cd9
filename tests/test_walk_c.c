/* test_walk_c.c: a teacher's lab on virtualization, written from
 * docs/monitor.md alone and run as a class would run it: several guests
 * under the control program of sections 4-6, each inspected as it sees
 * itself, with live console I/O, breakpoints and watchpoints with
 * conditions and command lists, reverse execution, the timeline, saved
 * sessions and logs, in combination.  Lab scripts go through
 * 'tgm monitor -f' (their asserts are the checks), typing through a
 * pseudo-terminal.
 *
 * Runs from the top of the source tree.
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
#include "pty_support.h"

/* Echoes each console byte it reads, plus one, and counts them; with no
 * input it polls.  CIN and COUT are privileged: the control program
 * interprets them for a VM. */
static const char echo_src[] = "        .org  0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, fault, 0, 0x80000)\n"
                               "        .entry start\n"
                               "start:  CIN   ch\n"
                               "        BLT   ch, zero, start\n"
                               "        ADDI  ch, ch, 1\n"
                               "        COUT  ch\n"
                               "        ADDI  count, count, 1\n"
                               "        JMP   start\n"
                               "fault:  HALT\n"
                               "ch:     .word 0\n"
                               "zero:   .word 0\n"
                               "count:  .word 0\n";

/* Counts for ever, with no trap. */
static const char spin_src[] = "        .org  0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, fault, 0, 0x80000)\n"
                               "        .entry start\n"
                               "start:  ADDI  n, n, 1\n"
                               "        JMP   start\n"
                               "fault:  HALT\n"
                               "n:      .word 0\n";

static int setup(void **state)
{
    (void)state;
    if (cs_setup("walk_c") != 0)
        return -1;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "echo.s", echo_src);
    cs_write_text(path, sizeof path, "spin.s", spin_src);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'tgm monitor -f LAB' with LAB's text written to a file first, from the
 * top of the source tree (examples/ reachable) with the lab's guests in
 * the temporary directory, named there as %1: the script's asserts are the
 * checks, so it must exit 0.  The outcome, for its output. */
static struct cs_outcome lab(const char *text)
{
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "lab.mon", text);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, cs_tmpdir(), NULL);
    if (o.status != 0)
        fail_msg("lab failed with status %d:\n%s\n%s", o.status, o.out, o.err);
    return o;
}


/* A run stopped by the step limit, 'for N' or Ctrl-C shows each VM that
 * ran: one that halted in it said "stopped" (the word 'vm stop' leaves)
 * or carried the run's counts, shown at the word after its HALT ("a: step
 * limit (1000) reached: ... fault HALT").  It says "halted", at its HALT,
 * and the counts go to a VM that runs on (docs/monitor.md, "The
 * terminal"). */
static void stop__a_vm_that_halted_in_the_run_says_so(void **state)
{
    (void)state;
    struct cs_outcome o = lab("set limit 1000\n"
                              "vm create a 4096 examples/sum.s\n"
                              "vm create c 4096 %1/spin.s\n"
                              "go\n"
                              "vm select a\n"
                              "assert halted && E[total] == 459\n");
    static const char *const limit[] = {
        "c: step limit (1000) reached: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "  0x00003              JMP    start",
        "a: halted: s I=0 P=0x0000a l=0x00000 b=0x80000",
        "  0x00009 stop         HALT", NULL};
    cs_assert_lines_in_order(o.out, limit, "set limit 1000; go");
    cs_outcome_free(&o);

    o = lab("set slice 200\n"
            "vm create a 4096 %1/spin.s\n"
            "vm create b 4096 examples/sum.s\n"
            "vm select a\n"
            "go for 250\n");
    static const char *const forn[] = {
        "a: stopped after 250 steps, 428 cycles: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "b: halted: s I=0 P=0x0000a l=0x00000 b=0x80000", "  0x00009 stop         HALT", NULL};
    cs_assert_lines_in_order(o.out, forn, "go for 250");
    cs_outcome_free(&o);
}

/* At the terminal: keys typed during a run go to the selected VM and
 * start a new history there (docs/monitor.md, "Reverse execution"); Ctrl-C
 * stops the run, naming each VM that ran, one that halted as halted.
 * Going back to the start of that history un-reads the keys and unwrites
 * the echo; stepping on reads them again. */
static void pty__typed_keys_ctrl_c_and_back_to_before_they_were_read(void **state)
{
    (void)state;
    char sum[4096], line[4200];
    if (!realpath("examples/sum.s", sum))
        fail_msg("run from the top of the source tree");
    pt_make_dir();
    pt_put_file("echo.s", echo_src);
    pt_put_file("spin.s", spin_src);
    struct pt_session s;
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    snprintf(line, sizeof line,
             "set slice 50; vm create e 4096 echo.s; vm create h 4096 %s; "
             "vm create s 4096 spin.s; vm select e\r",
             sum);
    pt_type(&s, line);
    pt_expect(&s, "tgm e> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_type(&s, "ab");
    pt_expect(&s, "e| bc");
    pt_type(&s, "\x03");
    pt_expect(&s, "\ne: interrupted after ");
    pt_expect(&s, "\nh: halted: s I=0 P=0x0000a l=0x00000 b=0x80000\r\n"
                  "  0x00009 stop         HALT\r\n"
                  "s: interrupted: ");
    pt_expect(&s, "(2 typed bytes queued as console input of e)");
    pt_expect(&s, "tgm e> ");
    pt_type(&s, "rcontinue; print E[count]; vm console e; echo [end]\r");
    pt_expect(&s, "e: no trap before this point: at the start of the history: ");
    pt_expect(&s, "0 (0)\r\n[end]\r\n"); /* nothing read, nothing written */
    pt_type(&s, "step 12; assert E[count] == 2; vm console e\r");
    pt_expect(&s, "console <- \"b\"");
    pt_expect(&s, "console <- \"c\"");
    pt_expect(&s, "\nbc\r\n");
    pt_expect(&s, "tgm e> ");
    pt_type(&s, "quit\r");
    assert_int_equal(pt_finish(&s), 0);
    pt_remove_dir();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop__a_vm_that_halted_in_the_run_says_so),
        cmocka_unit_test(pty__typed_keys_ctrl_c_and_back_to_before_they_were_read),
    };
    return cmocka_run_group_tests_name("walk_c", tests, setup, teardown);
}
