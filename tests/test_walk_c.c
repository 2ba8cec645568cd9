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


/* The lab TEXT (see lab()) prints the whole lines WANT in that order;
 * WHAT names it in a failure. */
static void lab_lines(const char *text, const char *const *want, const char *what)
{
    struct cs_outcome o = lab(text);
    cs_assert_lines_in_order(o.out, want, what);
    cs_outcome_free(&o);
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
    static const char *const limit[] = {
        "c: step limit (1000) reached: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "  0x00003              JMP    start",
        "a: halted: s I=0 P=0x0000a l=0x00000 b=0x80000",
        "  0x00009 stop         HALT", NULL};
    lab_lines("set limit 1000\n"
              "vm create a 4096 examples/sum.s\n"
              "vm create c 4096 %1/spin.s\n"
              "go\n"
              "vm select a\n"
              "assert halted && E[total] == 459\n",
              limit, "set limit 1000; go");
    static const char *const forn[] = {
        "a: stopped after 250 steps, 419 cycles: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "b: halted: s I=0 P=0x0000a l=0x00000 b=0x80000", "  0x00009 stop         HALT", NULL};
    lab_lines("set slice 200\n"
              "vm create a 4096 %1/spin.s\n"
              "vm create b 4096 examples/sum.s\n"
              "vm select a\n"
              "go for 250\n",
              forn, "go for 250");
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
    pt_quit(&s);
}

/* The cycles a stop under VMs reports, and 'cycles N', are the guests'
 * (their virtual time), as the VM's own counter is (docs/monitor.md, "Bare
 * machine, VMs and the focus"): a CIN the control program interprets costs
 * its bare 4 cycles, not the real machine's trap sequence and HCALL. */
static void vm__a_stop_counts_the_guests_cycles_as_its_bare_machine(void **state)
{
    (void)state;
    static const char *const want[] = {
        "a: stopped after 1 step, 4 cycles: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "a: stopped after 3 steps, 8 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000", NULL};
    lab_lines("vm create a 4096 %1/echo.s\n"
              "vm create b 4096 examples/sum.s\n"
              "vm select a\n"
              "vm input a \"x\"\n"
              "go for 1\n"
              "assert steps == 1 && cycles == 4 && E[ch] == 'x'\n"
              "go cycles 5\n" /* BLT 2, ADDI 2, then COUT 4: 8 */
              "assert steps == 4 && cycles == 12 && P == 6\n",
              want, "go for 1; go cycles 5");
}

/* Console input a VM has read, and the output it wrote, go back with it:
 * after 'rstep' past a CIN the byte is unread and the echo unwritten, and
 * stepping on reads the same bytes again (docs/monitor.md, "In a VM"). */
static void reverse__a_vm_console_goes_back_and_is_read_again(void **state)
{
    (void)state;
    struct cs_outcome o = lab("vm create a 4096 %1/echo.s\n"
                              "vm create c 4096 examples/sum.s\n"
                              "vm select a\n"
                              "vm input a \"xy\"\n"
                              "go for 20\n"
                              "assert E[count] == 2\n"
                              "rstep 11\n" /* a's step 9: before the second COUT */
                              "assert E[count] == 1 && E[ch] == 'z' && P == 5\n"
                              "echo [9]\n"
                              "vm console a\n"
                              "rstep 8\n" /* step 1: 'x' read, 'y' not yet */
                              "assert E[ch] == 'x' && P == 3\n"
                              "echo [1]\n"
                              "vm console a\n"
                              "echo [13]\n"
                              "step 12\n"
                              "assert E[count] == 2 && E[ch] == -1\n"
                              "vm console a\n"
                              "echo [end]\n");
    static const char *const want[] = {"[9]", "y", "[1]", "[13]", "    console <- \"y\"",
                                       "    console <- \"z\"", "yz", "[end]", NULL};
    cs_assert_lines_in_order(o.out, want, "the lab");
    /* nothing between [1] and [13]: the console was empty at step 1 */
    assert_non_null(strstr(o.out, "\n[1]\n[13]\n"));
    cs_outcome_free(&o);
}

/* A watchpoint whose condition holds only at a CIN the control program
 * interprets stops there, after a breakpoint's command list ran twice (it
 * keeps the history: it only echoes and continues); going back crosses
 * those hits, and a run forward stops at the same word again.  Hit counts
 * are the monitor's, not the machine's: going back does not undo them. */
static void reverse__across_a_command_list_to_a_watch_in_the_cp(void **state)
{
    (void)state;
    static const char *const want[] = {
        "[pass]",
        "[pass]",
        "watchpoint 2: write E[0x9] 0x7a -> 0x71, hit 1 time",
        "a: stopped at 0x3 after 23 steps, 56 cycles: s I=0 P=0x00003 l=0x00000 b=0x80000",
        "a: back 1 step, at step 12: s I=0 P=0x00002 l=0x00000 b=0x80000",
        "a: back 10 steps, at step 2: s I=0 P=0x00004 l=0x00000 b=0x80000",
        "breakpoint 1 at 0x6, hit 3 times",
        "[pass]",
        "breakpoint 1 at 0x6, hit 4 times",
        "[pass]",
        "watchpoint 2: write E[0x9] 0x7a -> 0x71, hit 2 times",
        "  1  break  0x6 [a]  hits 4  do \"echo [pass]; continue\"",
        NULL};
    lab_lines("set slice 20\n"
              "vm create a 4096 %1/echo.s\n"
              "vm create c 4096 examples/sum.s\n"
              "vm select a\n"
              "vm input a \"xyq\"\n"
              "break 6 do \"echo [pass]; continue\"\n"
              "watch write ch if E[ch] == 'q'\n"
              "go\n"
              "assert steps == 13 && E[ch] == 'q' && E[count] == 2 && P == 3\n"
              "rstep 1\n"
              "assert steps == 12 && E[ch] == 'z' && P == 2\n"
              "rstep 10\n"
              "assert steps == 2 && E[count] == 0 && E[ch] == 'x'\n"
              "go\n"
              "assert steps == 13 && E[ch] == 'q' && E[count] == 2\n"
              "break list\n",
              want, "the lab");
}

/* Going back in one VM takes every other VM back to where the command
 * left it at that step ('step N' then 'rstep N'), across the switches
 * between them in a short slice. */
static void reverse__step_back_takes_the_other_vm_back_too(void **state)
{
    (void)state;
    struct cs_outcome o = lab("set slice 3\n"
                              "vm create a 4096 %1/echo.s\n"
                              "vm create c 4096 examples/sum.s\n"
                              "vm select a\n"
                              "vm input a \"xyz\"\n"
                              "step 7\n"
                              "vm select c\n"
                              "echo [c at a's 7]\n"
                              "print E[total]\n"
                              "print steps\n"
                              "vm select a\n"
                              "step 9\n"
                              "rstep 9\n"
                              "assert steps == 7\n"
                              "vm select c\n"
                              "echo [c again]\n"
                              "print E[total]\n"
                              "print steps\n");
    const char *a = strstr(o.out, "[c at a's 7]\n"), *b = strstr(o.out, "[c again]\n");
    assert_non_null(a);
    assert_non_null(b);
    a += strlen("[c at a's 7]\n");
    b += strlen("[c again]\n");
    const char *two = strchr(a, '\n'); /* c's total and steps: two lines */
    size_t n = two && strchr(two + 1, '\n') ? (size_t)(strchr(two + 1, '\n') - a) : 0;
    if (!n || strncmp(a, b, n + 1) != 0 || strncmp(a, "0 (0)\n", 6) == 0)
        fail_msg("c ran, and should be back where it was:\n%s", o.out);
    cs_outcome_free(&o);
}

/* The timeline after going back, by 'rstep' or by 'restore', is the
 * picture recording up to that point draws: it kept a track (a named,
 * empty lane) for a VM whose every event was undone (docs/monitor.md,
 * 'timeline': going back forgets the events undone). */
static void timeline__after_going_back_is_the_picture_of_that_point(void **state)
{
    (void)state;
    struct cs_outcome o = lab("set slice 200\n"
                              "timeline on\n"
                              "vm create a 4096 %1/spin.s\n"
                              "vm create b 4096 examples/sum.s\n"
                              "vm select a\n"
                              "go for 50\n"
                              "timeline %1/then.json\n"
                              "save %1/then.tgms\n"
                              "go for 200\n"
                              "vm select b\n"
                              "assert halted\n"
                              "vm select a\n"
                              "timeline %1/later.json\n"
                              "rstep 147\n"
                              "assert steps == 50\n"
                              "timeline %1/back.json\n"
                              "go for 200\n"
                              "restore %1/then.tgms\n"
                              "timeline %1/restored.json\n");
    cs_outcome_free(&o);
    char p[4][CS_PATH];
    const char *name[4] = {"then.json", "later.json", "back.json", "restored.json"};
    char *text[4];
    for (int k = 0; k < 4; k++) {
        cs_tmp_path(p[k], sizeof p[k], name[k]);
        text[k] = cs_slurp(p[k], NULL);
    }
    assert_non_null(strstr(text[1], "\"name\":\"b\"")); /* b's track, once it ran */
    assert_string_equal(text[2], text[0]);
    assert_string_equal(text[3], text[0]);
    for (int k = 0; k < 4; k++)
        free(text[k]);
}

/* A breakpoint's commands run while its run is under way: one that
 * replaced a machine or the control program ('set memory', 'reset all',
 * 'restore', 'nest') left the run on freed memory, and one that changed
 * the focus ('vm select bare', 'vm create') had 'continue' run another
 * machine than the one that stopped (the empty bare machine, to a trap
 * loop).  They are refused there as 'rstep' is, failing the run
 * (docs/monitor.md, "Scripts"). */
static void break__commands_that_replace_the_running_machines_are_refused(void **state)
{
    (void)state;
    static const char *const bare_cmds[] = {
        "set memory 4096", "set profile pdp10", "nest 1 examples/sum.s",
        "restore %s", "vm create c 4096 examples/sum.s", "reset all", NULL};
    static const char *const vm_cmds[] = {"vm select bare", "vm destroy a", "vm create c 4096",
                                          "reset all", "restore %s", "rstep", NULL};
    char snap[CS_PATH], cmd[256], line[1024];
    cs_tmp_path(snap, sizeof snap, "walk.tgms");
    snprintf(line, sizeof line, "load examples/sum.s; save %s", snap);
    struct cs_outcome o = cs_mon(line);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    for (int vm = 0; vm < 2; vm++)
        for (const char *const *c = vm ? vm_cmds : bare_cmds; *c; c++) {
            snprintf(cmd, sizeof cmd, *c, snap);
            snprintf(line, sizeof line,
                     "%s; break loop do \"%s; continue\"; go",
                     vm ? "vm create a 4096 examples/sum.s" : "load examples/sum.s", cmd);
            char why[160];
            snprintf(why, sizeof why, "%.*s: not in a breakpoint's commands: the run that "
                     "stopped there is still under way", (int)strcspn(cmd, " "), cmd);
            cs_mon_fails(line, why);
            /* with the failures ignored, the run goes on to the end on the
             * machines it started with */
            snprintf(line, sizeof line,
                     "set on-error continue; %s; break loop do \"%s; continue\"; go; "
                     "set on-error stop; assert halted && E[total] == 459 && q == %s; exit 0",
                     vm ? "vm create a 4096 examples/sum.s" : "load examples/sum.s", cmd,
                     vm ? "4096" : "65536");
            o = cs_mon(line);
            if (o.status != 0)
                fail_msg("'%s': status %d\n%s%s", line, o.status, o.out, o.err);
            cs_outcome_free(&o);
        }
}

/* Stepping one VM lets the others run as the control program schedules
 * them, slices ending inside its steps: what they wrote meanwhile was
 * shown nowhere but 'vm console'.  It follows the step that let them run,
 * named (docs/monitor.md, "The terminal").  And 'vm list' keeps its columns for a VM at its step limit,
 * the widest state. */
static void step__shows_what_the_other_vms_wrote_meanwhile(void **state)
{
    (void)state;
    struct cs_outcome o = lab("set slice 3\n"
                              "vm create c 4096 %1/echo.s\n"
                              "vm create a 4096 examples/sum.s\n"
                              "vm input c \"ab\"\n"
                              "vm select a\n"
                              "step 8\n"
                              "vm select c\n"
                              "assert E[count] == 1\n"
                              "vm list\n");
    static const char *const want[] = {
        "  0x00007              ADDI   i, i, 1",
        "    PSW s I=0 P=0x00007 l=0x00000 b=0x80000 -> s I=0 P=0x00008 l=0x00000 b=0x80000",
        "    E[0xb] := 0x1 (was 0)",
        "    c: console <- \"b\"",
        "  0x00008              BNE    i, n, loop",
        "  id name         state      region           P        M   direct  interp  ratio",
        "*  0 c            runnable   0x00008..0x01007 0x00002  s        4       2  0.667",
        "   1 a            runnable   0x01008..0x02007 0x00005  s        8       0  1.000",
        NULL};
    cs_assert_lines_in_order(o.out, want, "step 8 in a");
    assert_null(strstr(o.out, "  console <- ")); /* a itself wrote nothing */
    /* c's slices ended inside a's steps and its CIN and COUT trapped, but
     * 'step' shows what the control program did for a: only the ends of
     * a's own slices, none of c's traps */
    size_t cp = 0, sched = 0;
    for (const char *q = o.out; (q = strstr(q, "cp: ")) != NULL; q++, cp++)
        sched += strncmp(q, "cp: timer trap -> scheduler\n", 28) == 0;
    assert_true(sched > 0);
    assert_int_equal(cp, sched);
    cs_outcome_free(&o);
    o = lab("vm create a 4096 examples/sum.s\n"
            "vm limit a 8\n"
            "go\n"
            "vm list\n");
    static const char *const limit[] = {
        "*  0 a            step limit 0x00008..0x01007 0x00005  s        8       0  1.000", NULL};
    cs_assert_lines_in_order(o.out, limit, "vm list at the limit");
    cs_outcome_free(&o);
}

/* A breakpoint's command list that continues the run: the end of the run
 * named only the VMs that ran after the last hit, so the supervisor, which
 * halted before the calculator's breakpoint, was left out of "each VM
 * that ran" (docs/monitor.md, "The terminal"). */
static void stop__names_the_vms_that_ran_before_a_continued_hit(void **state)
{
    (void)state;
    static const char *const want[] = {"[i is 5]", "no VM is runnable after 1988 steps",
                                       "os: halted: s I=0 P=0x00024 l=0x00000 b=0x80000",
                                       "  0x00023 stop         HALT",
                                       "calc: halted: s I=0 P=0x0000a l=0x00000 b=0x80000",
                                       NULL};
    lab_lines("vm create os 8192 examples/supervisor.s\n"
              "vm create calc 4096 examples/sum.s\n"
              "break loop do \"echo [i is 5]; continue\" if E[i] == 5\n"
              "go\n"
              "assert halted && E[total] == 459\n",
              want, "the lab");
}

/* A lab handed out as a snapshot: one saved 'nobreaks' keeps the
 * student's breakpoints, one saved with breakpoints replaces them with its
 * own, hit counts included (docs/monitor.md, "Snapshots"). */
static void restore__nobreaks_keeps_the_sessions_breakpoints(void **state)
{
    (void)state;
    struct cs_outcome o = lab("vm create calc 4096 examples/sum.s\n"
                              "save %1/handout.tgms nobreaks\n"
                              "break stop\n"
                              "go\n"
                              "save %1/mine.tgms\n"
                              "restore %1/handout.tgms\n"
                              "assert steps == 0\n"
                              "echo [handout]\n"
                              "break list\n"
                              "break loop\n"
                              "restore %1/mine.tgms\n"
                              "assert steps == 52 && P == stop\n"
                              "echo [mine]\n"
                              "break list\n");
    static const char *const want[] = {"[handout]", "  1  break  0x9 stop [calc]  hits 1",
                                       "[mine]", "  1  break  0x9 stop [calc]  hits 1", NULL};
    cs_assert_lines_in_order(o.out, want, "the lab");
    assert_null(strstr(strstr(o.out, "[mine]"), "loop"));
    cs_outcome_free(&o);
}

/* A gdb user's command list looks with 'x' or 'info registers', not
 * 'print': such a list cut the reverse history at every hit ("can go back
 * at most 2 steps").  Commands that only look keep it, in a VM too; one
 * that changes the console still starts a new one (docs/monitor.md,
 * "Reverse execution"). */
static void reverse__a_command_list_that_only_looks_keeps_the_history(void **state)
{
    (void)state;
    struct cs_outcome o = lab("load examples/sum.s\n"
                              "break loop do \"x/1d i; info registers; translate 5; show; "
                              "symbols to; console; continue\"\n"
                              "go\n"
                              "rstep 40\n"
                              "assert steps == 13 && E[i] == 2\n"
                              "delete all\n"
                              "vm create os 8192 examples/supervisor.s\n"
                              "vm create calc 4096 examples/sum.s\n"
                              "break loop do \"examine -d i; regs; vm stats calc; "
                              "vm console os; vm list; info vms; continue\"\n"
                              "go\n"
                              "rstep 40\n"
                              "assert steps == 13 && E[i] == 2\n"
                              "vm select os\n"
                              "assert halted\n");
    cs_outcome_free(&o);
    cs_mon_fails("vm create calc 4096 examples/sum.s; "
                 "break loop do \"vm console calc; vm input calc 'a'; continue\"; go; rstep 7",
                 "rstep: can go back at most 6 steps (the history starts at step 47)");
}

/* A lab's checks kept in a script that a breakpoint's commands run with
 * 'do': its 'continue' resumed the run only after the rest of the script
 * had run, where on the list's own line the commands after it are not run
 * (docs/monitor.md, "Scripts").  The history is kept: it only looks. */
static void break__continue_in_a_script_run_by_the_commands_ends_them(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "pass.mon",
                  "assert E[i] < 10\n"
                  "echo [pass]\n"
                  "continue\n"
                  "echo [after continue]\n");
    struct cs_outcome o = lab("load examples/sum.s\n"
                              "break loop do \"do %1/pass.mon; echo [after do]\"\n"
                              "go\n"
                              "assert halted && E[total] == 459\n"
                              "rstep 50\n"
                              "assert E[i] == 0 && steps == 3\n");
    static const char *const want[] = {"breakpoint 1 at 0x4 loop, hit 10 times", "[pass]",
                                       "halted after 53 steps: s I=0 P=0x0000a l=0x00000 "
                                       "b=0x80000",
                                       NULL};
    cs_assert_lines_in_order(o.out, want, "the lab");
    assert_null(strstr(o.out, "[after"));
    cs_outcome_free(&o);
}

/* A lab report: the log has each command after its prompt and the
 * guests' live output, and 'trace cp' what the control program did in the
 * run; going back replays with no trace in the way, so the trace is that
 * of the run alone (docs/monitor.md, "Reverse execution" and 'log'). */
static void log__and_trace_of_a_lab_that_goes_back(void **state)
{
    (void)state;
    static const char *const cmds =
        "vm create os 8192 examples/supervisor.s\n"
        "vm create calc 4096 examples/sum.s\n"
        "trace cp to %1/%2\n"
        "vm select os\n"
        "go for 500\n";
    char text[1024], path[2][CS_PATH];
    snprintf(text, sizeof text, "log %%1/lab.log\n%s%s", cmds, "rstep 100\nrcontinue\n");
    cs_write_text(path[0], sizeof path[0], "back.mon", text);
    cs_write_text(path[1], sizeof path[1], "fwd.mon", cmds);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path[0], cs_tmpdir(), "back.txt", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "-f", path[1], cs_tmpdir(), "fwd.txt", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char p[3][CS_PATH];
    cs_tmp_path(p[0], sizeof p[0], "back.txt");
    cs_tmp_path(p[1], sizeof p[1], "fwd.txt");
    cs_tmp_path(p[2], sizeof p[2], "lab.log");
    char *back = cs_slurp(p[0], NULL), *fwd = cs_slurp(p[1], NULL), *log = cs_slurp(p[2], NULL);
    assert_non_null(strstr(fwd, "cp: os P=0x00004 SVC    0x1                   svc trap -> "
                                "reflected as svc\n"));
    assert_string_equal(back, fwd);
    static const char *const want[] = {
        "tgm calc> vm select os", "tgm os> go for 500", "os| supervisor: job 1 in 64 words at 4096",
        "os: stopped after 500 steps, 1256 cycles: s I=0 P=0x00032 l=0x00000 b=0x80000",
        "tgm os> rstep 100", "tgm os> rcontinue", NULL};
    cs_assert_lines_in_order(log, want, "lab.log");
    free(back);
    free(fwd);
    free(log);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stop__a_vm_that_halted_in_the_run_says_so),
        cmocka_unit_test_setup_teardown(pty__typed_keys_ctrl_c_and_back_to_before_they_were_read,
                                        pt_setup, pt_teardown),
        cmocka_unit_test(vm__a_stop_counts_the_guests_cycles_as_its_bare_machine),
        cmocka_unit_test(reverse__a_vm_console_goes_back_and_is_read_again),
        cmocka_unit_test(reverse__across_a_command_list_to_a_watch_in_the_cp),
        cmocka_unit_test(reverse__step_back_takes_the_other_vm_back_too),
        cmocka_unit_test(timeline__after_going_back_is_the_picture_of_that_point),
        cmocka_unit_test(break__commands_that_replace_the_running_machines_are_refused),
        cmocka_unit_test(step__shows_what_the_other_vms_wrote_meanwhile),
        cmocka_unit_test(stop__names_the_vms_that_ran_before_a_continued_hit),
        cmocka_unit_test(restore__nobreaks_keeps_the_sessions_breakpoints),
        cmocka_unit_test(reverse__a_command_list_that_only_looks_keeps_the_history),
        cmocka_unit_test(break__continue_in_a_script_run_by_the_commands_ends_them),
        cmocka_unit_test(log__and_trace_of_a_lab_that_goes_back),
    };
    return cmocka_run_group_tests_name("walk_c", tests, setup, teardown);
}
