/* test_monitor_b.c: monitor rough edges an audit of docs/monitor.md found:
 * the kinds of a watchpoint, addresses out of range, 'stack step' running
 * away, the stop line of 'go until', 'echo' and quoting, the reverse
 * history across a breakpoint's 'do' list, run options there, the stop
 * line of a breakpoint or watchpoint (in 'stack step' too), and 'step N'
 * and 'next N' running away, a breakpoint where 'go' or 'rcontinue'
 * cuts its run into chunks, a watchpoint stop at a time slice's end, and
 * a run command in a breakpoint's list, a count of 0 for what runs, and
 * the cause a trap or class stop names.
 * Each test fails on the tree
 * before its fix.
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

/* Write TEXT as NAME in the temporary directory, then run PRE PATH POST
 * (PATH the file's). */
static struct cs_outcome mon_with_file(const char *name, const char *text, const char *pre,
                                       const char *post)
{
    char path[CS_PATH], cmds[CS_PATH + 256];
    cs_write_text(path, sizeof path, name, text);
    snprintf(cmds, sizeof cmds, "%s%s%s", pre, path, post);
    return cs_mon(cmds);
}

/* ... which succeeds and prints WANT. */
static void file_prints(const char *name, const char *text, const char *pre, const char *post,
                        const char *want)
{
    struct cs_outcome o = mon_with_file(name, text, pre, post);
    if (o.status != 0 || !strstr(o.out, want))
        fail_msg("'%s...%s': status %d, output \"%s\" lacks \"%s\"; stderr \"%s\"", pre, post,
                 o.status, o.out, want, o.err);
    cs_outcome_free(&o);
}

/* "watch [read|write|access]": 'watch read write 0' said "unknown name
 * 'write'"; now it says 'access' is both, and a label named write is
 * still an address. */
static void watch__one_kind(void **state)
{
    (void)state;
    cs_mon_fails("watch read write 0",
                 "watch: 'write' after 'read': give one kind ('access' is reads and writes)");
    cs_mon_fails("watch write access 0", "watch: 'access' after 'write': give one kind");
    /* nothing was set */
    cs_mon_prints("set on-error continue; watch read write 0; info watch",
                  "no watchpoints");
    cs_mon_prints("watch access 0 2; info watch", "1  watch  access 0..0x1  hits 0");
    file_prints("w.s", "        .entry s\ns:      HALT\nwrite:  .word 0\n", "load ",
                "; watch read write; info watch", "1  watch  read 0x1..0x1 write  hits 0");
}

/* "an address out of range gets one error line": 'examine -1' showed
 * 0xffffffffffffffff (and "(count 1)"), 'x 5..-1' a count of 2^64 - 5. */
static void address__negative_as_written(void **state)
{
    (void)state;
    cs_mon_fails("examine -1", "examine: address -1 is out of range (0..0xffff)");
    cs_mon_fails("examine 1-2", "examine: address -1 is out of range (0..0xffff)");
    /* one number is shown as typed, whatever its top bit */
    cs_mon_fails("examine 0xFFFFFFFFFFFFFFFF",
                 "examine: address 0xffffffffffffffff is out of range (0..0xffff)");
    cs_mon_fails("deposit 18446744073709551614 1",
                 "deposit: address 18446744073709551614 is out of range (0..0xffff)");
    cs_mon_fails("x/2x -1", "examine: address -1 is out of range (0..0xffff)");
    cs_mon_fails("examine 5..-1", "examine: address -1 is out of range (0..0xffff)");
    cs_mon_fails("examine 65536", "examine: address 65536 is out of range (0..0xffff)");
    cs_mon_fails("examine 0x10000", "examine: address 0x10000 is out of range (0..0xffff)");
    cs_mon_fails("examine 65535 2", "address 65535 (count 2) is out of range (0..0xffff)");
    cs_mon_fails("deposit -1 5", "deposit: address -1 is out of range (0..0xffff)");
    cs_mon_fails("deposit -v -1 5", "deposit: -1 would take a memory trap");
    cs_mon_fails("deposit P -1", "deposit: -1 does not fit in 19 bits");
    cs_mon_fails("break -1", "break: address -1 is out of range (0..0xffff)");
    cs_mon_fails("until -2", "until: address -2 is out of range (0..0xffff)");
    cs_mon_fails("print E[-1]", "print: E[-1] is outside the machine");
    cs_mon_fails("translate -1", "translate: address -1 is wider than 19 bits");
    /* the machine unchanged: the word after a refused deposit */
    cs_mon_prints("set on-error continue; deposit 65535 7 8; examine 65535",
                  "0x0ffff              0000000000000000");
}

/* 'stack step' had no step limit and no trap-loop check: with the real
 * machine in a disabled wait it spun until Ctrl-C (for ever in a script). */
static void stack_step__limit_and_trap_loop(void **state)
{
    (void)state;
    static const char spin[] = "        .entry s\ns:      BNE   one, zero, s\n"
                               "one:    .word 1\nzero:   .word 0\n";
    struct cs_outcome o = mon_with_file("spin.s", spin, "nest 1 ",
                                        "; set limit 100; stack step 1000");
    assert_non_null(strstr(o.out, "step limit (100) reached: u I=0 P=0x00000 l=0x00280"));
    /* the limit counts real steps: fewer than 100 guest steps were shown */
    int shown = 0;
    for (const char *p = o.out; (p = strstr(p, "  top guest ")) != NULL; p++)
        shown++;
    assert_int_equal(o.status, 0);
    assert_in_range(shown, 1, 99);
    cs_outcome_free(&o);
    /* E[1] = 0 and P past the end: every real step traps back to itself;
     * the limit, far off, keeps the test finite should the check fail */
    file_prints("spin.s", spin, "nest 1 ",
                "; deposit 1 0; deposit P 0x7fff0; set limit 3000000; stack step",
                "trap loop after 65535 steps (a disabled wait): each step takes a memory trap "
                "and E[1] loads the same PSW");
}

/* A stop by 'for N' or 'cycles N' says "stopped after N steps, M cycles";
 * one by 'until A' said only "stopped:". */
static void until__the_stop_says_where_and_how_long(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go until loop; until 7",
                  "stopped at 0x4 loop after 2 steps, 2 cycles: s I=0 P=0x00004 l=0x00000 "
                  "b=0x80000\n  0x00004 loop         LDX    x, table, i\n"
                  "stopped at 0x7 after 3 steps, 8 cycles: s I=0 P=0x00007");
    cs_mon_prints("load examples/sum.s; go for 3", "stopped after 3 steps, 5 cycles: ");
    /* in a VM, named as the other stops are */
    cs_mon_prints("vm create a 4096 examples/sum.s; continue until loop",
                  "a: stopped at 0x4 loop after 2 steps, 2 cycles: s I=0 P=0x00004");
    /* a breakpoint there too is that breakpoint's stop, one line */
    cs_mon_prints("load examples/sum.s; break loop; go until loop",
                  "breakpoint 1 at 0x4 loop, hit 1 time\nstopped at 0x4 loop after 2 steps, "
                  "2 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n  0x00004 loop ");
}

/* "Double quotes group words ... inside them \\" is a quote": 'echo
 * "a; b"' printed the quotes too.  Now the rest of the line as written,
 * spaces kept, with the quoting taken off. */
static void echo__takes_the_quotes_off(void **state)
{
    (void)state;
    cs_mon_prints("echo \"a; b\"; echo c", "a; b\nc\n");
    cs_mon_prints("echo a   b  \"  c\"", "a   b    c\n");
    cs_mon_prints("echo \"say \\\"hi\\\"\" and \"\\\\\" then", "say \"hi\" and \\ then\n");
    cs_mon_prints("echo back\\slash it's", "back\\slash it's\n"); /* no escapes outside */
    cs_mon_prints("echo; echo x", "\nx\n");
    cs_mon_fails("echo \"open", "echo: missing closing quote");
    /* in a breakpoint's list the quotes inside are escaped once more */
    cs_mon_prints("load examples/sum.s; break loop do \"echo \\\"hit; at\\\" loop\"; go",
                  "hit 1 time\nhit; at loop\n");
    /* and a script line is a command line */
    file_prints("e.mon", "echo \"%1; %2\"  done\n", "do ", " x y", "x; y  done\n");
}

/* "the commands of a breakpoint start a new [history]": a list that only
 * echoes and continues changed nothing, yet 'rstep' could not go back
 * past its last hit.  Now such a list keeps the history, on the bare
 * machine and in a VM, and 'rstep' arrives where 'go for' does. */
static void do_list__echo_and_continue_keep_the_history(void **state)
{
    (void)state;
    static const char *const setups[] = {"load examples/sum.s",
                                         "vm create a 4096 examples/sum.s"};
    for (size_t k = 0; k < sizeof setups / sizeof setups[0]; k++) {
        char back[256], fwd[256];
        snprintf(back, sizeof back,
                 "%s; break loop do \"echo pass; print/d E[i]; assert E[i] < 10; continue\"; "
                 "go; rstep 30; regs; examine -d total",
                 setups[k]);
        snprintf(fwd, sizeof fwd, "%s; go for 23; regs; examine -d total", setups[k]);
        struct cs_outcome b = cs_mon(back), f = cs_mon(fwd);
        assert_int_equal(b.status, 0);
        assert_int_equal(f.status, 0);
        const char *rb = strstr(b.out, " (q="), *rf = strstr(f.out, " (q=");
        assert_non_null(rb);
        assert_non_null(rf);
        assert_string_equal(rb, rf); /* the registers and total at step 23 */
        cs_outcome_free(&b);
        cs_outcome_free(&f);
    }
    cs_mon_prints("load examples/sum.s; break loop do \"echo pass; continue\"; go; rcontinue; "
                  "rcontinue; examine -d i",
                  "back to the previous breakpoint, at step 42: ");
    /* a list that may change the machine still starts a new history */
    cs_mon_fails("load examples/sum.s; break loop do \"deposit x 0; continue\"; go; rstep 30",
                 "rstep: can go back at most 6 steps (the history starts at step 47)");
}

/* "Inside a breakpoint's command list, 'continue' resumes the run that
 * stopped": 'continue until X' or 'go for N' there dropped the option
 * and resumed as a bare 'continue'.  Now the option is refused, which
 * fails the run's command and leaves the run stopped at the hit. */
static void do_list__run_options_refused(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; break loop do \"continue until 9\"; go",
                 "continue: 'until' does not apply in a breakpoint's commands, which resume "
                 "the run that stopped as it was started");
    cs_mon_fails("load examples/sum.s; break loop do \"go for 3\"; go",
                 "go: 'for' does not apply in a breakpoint's commands");
    cs_mon_fails("load examples/sum.s; break loop do \"c cycles 3\"; go",
                 "continue: 'cycles' does not apply");
    /* the run stopped at the first hit, P there */
    struct cs_outcome o =
        cs_mon("set on-error continue; load examples/sum.s; break loop do \"continue for 3\"; "
               "go; print/d E[i]; print P");
    assert_non_null(strstr(o.out, "hit 1 time\n"));
    assert_null(strstr(o.out, "hit 2 times"));
    assert_non_null(strstr(o.out, "\n0\n0x4 (4)\n"));
    cs_outcome_free(&o);
    /* a bare 'continue', and 'go ADDR', still resume */
    cs_mon_prints("load examples/sum.s; break loop do \"continue\"; go", "halted after 53 steps");
}

/* "these stops say how many steps and cycles ran": a breakpoint,
 * watchpoint or trap stop said only "stopped: PSW".  Now each says where,
 * after how many steps and cycles, as a stop by 'until' does, in a run
 * and in 'step', 'next' or 'finish'. */
static void stop__breakpoints_say_how_long(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; break loop ignore 2; go",
                  "breakpoint 1 at 0x4 loop, hit 3 times\nstopped at 0x4 loop after 12 steps, "
                  "26 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n"
                  "  0x00004 loop         LDX    x, table, i\n");
    cs_mon_prints("load examples/sum.s; watch total; go",
                  "watchpoint 1: write E[0xd] 0 -> 0, hit 1 time\nstopped at 0x4 loop after 2 steps, ");
    cs_mon_prints("load examples/supervisor.s; break trap svc; go",
                  "breakpoint 1: svc trap at 0x4, hit 1 time\nstopped at 0x24 trap after 464 steps, "
                  "1174 cycles: s I=0 P=0x00024");
    cs_mon_prints("load examples/sum.s; watch total; step 10",
                  "hit 1 time\nstopped at 0x4 loop after 2 steps, 2 cycles: ");
    cs_mon_prints("vm create a 4096 examples/sum.s; break loop; go",
                  "hit 1 time\na: stopped at 0x4 loop after 2 steps, 2 cycles: s I=0 P=0x00004");
}

/* 'stack step' that hit a watchpoint said "stopped: watchpoint", the exit
 * reason's name.  Now it gives the report a run gives, and an ignore
 * count or a 'continue' in the list steps on. */
static void stack_step__breakpoint_report(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("nest 1 examples/sum.s; watch 0x28d; stack step 20");
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "stopped: watchpoint"));
    assert_non_null(strstr(o.out, "watchpoint 1: write E[0x28d] 0 -> 0, hit 1 time\n"
                                  "stopped at 0x4 after 28 steps, 49 cycles: u I=0 P=0x00004 "
                                  "l=0x00280"));
    cs_outcome_free(&o);
    cs_mon_prints("nest 1 examples/sum.s; watch 0x28d ignore 1; stack step 20",
                  "hit 2 times\nstopped at 0x6 after 30 steps, ");
    cs_mon_prints("nest 1 examples/sum.s; watch 0x28d do \"echo hi; continue\"; stack step 4",
                  "hit 1 time\nhi\n  top guest s I=0 P=0x00004 ");
}

/* 'step N' ran all N steps whatever the step limit, and an empty machine
 * (every step traps back to itself) spun through all of them.  Now the
 * limit and a trap loop stop it as they stop 'go'. */
static void step__limit_and_trap_loop(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set limit 5; step 100");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "step limit (5) reached: u I=0 P=0x00000"));
    int shown = 0;
    for (const char *p = o.out; (p = strstr(p, "\n    PSW ")) != NULL; p++)
        shown++;
    assert_int_equal(shown, 5);
    cs_outcome_free(&o);
    o = cs_mon("step 200000");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "trap loop after 65535 steps (a disabled wait): each step "
                                  "takes a memory trap and E[1] loads the same PSW"));
    cs_outcome_free(&o);
}

/* The same for 'next N' over instructions that are not calls: each was
 * a 'step 1' of its own, so neither the limit nor a trap loop stopped it;
 * and a watchpoint's stop there counted only the last step's cycles. */
static void next__limit_and_trap_loop(void **state)
{
    (void)state;
    cs_mon_prints("set limit 5; next 100", "step limit (5) reached: u I=0 P=0x00000");
    cs_mon_prints("next 200000", "trap loop after 65535 steps (a disabled wait)");
    cs_mon_prints("load examples/sum.s; watch total; next 10",
                  "hit 1 time\nstopped at 0x4 loop after 2 steps, 2 cycles: ");
}

/* 'break trap' and 'break class' said only "trap stop" or "class stop",
 * and a class stop's hit "(instruction class)", naming the first class
 * stop set even when the instruction was in another's classes only: now
 * each names its causes or classes, and a hit the classes and the
 * instruction of the stop it is in. */
static void break__trap_and_class_stops_name_their_cause(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/supervisor.s; break trap svc privileged; "
                                 "break class location; break class privileged control; "
                                 "go; delete 2 3; continue");
    assert_int_equal(o.status, 0);
    static const char *const want[] = {
        "breakpoint 1: trap stop (privileged svc)\n",
        "breakpoint 2: class stop (location)\n",
        "breakpoint 3: class stop (privileged control)\n",
        "breakpoint 3 (class privileged control: COUT) at 0x50, hit 1 time\n",
        "breakpoint 1: svc trap at 0x4, hit 1 time\n",
    };
    const char *at = o.out;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *got = strstr(at, want[i]);
        if (!got)
            fail_msg("no \"%s\" in order in \"%s\"", want[i], o.out);
        at = got + strlen(want[i]);
    }
    cs_outcome_free(&o);
}

/* A count of 0: 'step 0' and 'next 0' printed nothing, 'go for 0' a stop
 * after 0 steps, 'rstep 0' "back 0 steps", 'stack step 0' an error: now
 * each runs nothing, says so in one line and succeeds (a script's
 * computed count may be 0), on the bare machine and with a VM selected;
 * the registers after it are as before it. */
static void counts_of_zero__run_nothing_and_say_so(void **state)
{
    (void)state;
    static const struct {
        const char *before, *cmd, *note;
    } rows[] = {
        {"load examples/hello.s; go for 5", "step 0", "step: a count of 0 runs nothing\n"},
        {"load examples/hello.s; go for 5", "s 1-1", "step: a count of 0 runs nothing\n"},
        {"load examples/hello.s; go for 5", "next 0", "next: a count of 0 runs nothing\n"},
        {"load examples/hello.s; go for 5", "rstep 0", "rstep: a count of 0 runs nothing\n"},
        {"load examples/hello.s; go for 5", "go for 0", "go: for 0 runs nothing\n"},
        {"load examples/hello.s; go for 5", "go cycles 0", "go: cycles 0 runs nothing\n"},
        {"vm create a 1024 examples/hello.s; go for 5", "step 0",
         "step: a count of 0 runs nothing\n"},
        {"vm create a 1024 examples/hello.s; go for 5", "rstep 0",
         "rstep: a count of 0 runs nothing\n"},
        {"nest 1 examples/hello.s; stack step 3", "stack step 0",
         "stack: a count of 0 runs nothing\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char cmds[200], plain_cmds[200];
        snprintf(cmds, sizeof cmds, "%s; %s; regs", rows[i].before, rows[i].cmd);
        snprintf(plain_cmds, sizeof plain_cmds, "%s; regs", rows[i].before);
        struct cs_outcome upto = cs_mon(rows[i].before), plain = cs_mon(plain_cmds),
                          o = cs_mon(cmds);
        assert_int_equal(plain.status, 0);
        size_t k = strlen(upto.out), nl = strlen(rows[i].note);
        if (o.status != 0 || o.err[0] || strncmp(o.out, upto.out, k) != 0 ||
            strncmp(o.out + k, rows[i].note, nl) != 0 || strcmp(o.out + k + nl, plain.out + k) != 0)
            fail_msg("'%s': status %d, stdout \"%s\", stderr \"%s\"", cmds, o.status, o.out, o.err);
        cs_outcome_free(&o);
        cs_outcome_free(&plain);
        cs_outcome_free(&upto);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_monitor_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* A breakpoint first reached exactly where 'go' cut its run into chunks
 * (1,000,000 steps: NOP, then DJNZ 999,999 times) was passed, as
 * machine_run and vmm_run never stop at their first step, and the machine
 * or the VM halted; 'rcontinue', which searches in chunks as long, went
 * back past it. */
static void go__a_breakpoint_where_the_run_is_cut_stops_it(void **state)
{
    (void)state;
    static const char src[] = "        .org  0\n"
                              "        .word 0\n"
                              "        .word psw(SUP, fault, 0, 0x80000)\n"
                              "        .entry start\n"
                              "start:  NOP\n"
                              "loop:   DJNZ  c, loop\n"
                              "t:      HALT\n"
                              "fault:  HALT\n"
                              "c:      .word 999999\n";
    file_prints("cut.s", src, "load ", "; break t; go",
                "breakpoint 1 at 0x4 t, hit 1 time\nstopped at 0x4 t after 1000000 steps, ");
    file_prints("cut.s", src, "load ", "; go; break t; rcontinue",
                "back to the previous breakpoint, at step 1000000: s I=0 P=0x00004");
    /* in a VM, where each chunk is a vmm_run call (vmm_run_continue) */
    file_prints("cut.s", src, "vm create a 4096 ", "; break t; go",
                "breakpoint 1 at 0x4 t, hit 1 time\na: stopped at 0x4 t after 1000000 steps, ");
}

/* docs/vmm.md: a watchpoint stop at the step where the control program's
 * timer fell due comes after that trap is taken; the stop said only the
 * watch, so the slice's end (the other VM runs next) went unseen.  It is
 * named once, at that stop and no other. */
static void watch__a_slice_ending_at_the_stop_is_named(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 200];
    cs_write_text(path, sizeof path, "slice-watch.s",
                  "        .entry s\ns:      LI    i, 0\nloop:   ADDI  i, i, 1\n"
                  "        JMP   loop\ni:      .word 0\n");
    snprintf(cmds, sizeof cmds,
             "vm create a 4096 %s; vm create b 4096 %s; set slice 7; vm select a; "
             "watch write i; go; go; go; go; go; go", path, path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    const char *want = "watchpoint 1: write E[0x3] 0x4 -> 0x5, hit 6 times\n"
                       "a: stopped at 0x2 after 2 steps, 3 cycles: s I=0 P=0x00002 l=0x00000 "
                       "b=0x80000\n"
                       "  0x00002              JMP    loop\n"
                       "a: at the same step, cp: timer trap -> scheduler\n";
    const char *at = strstr(o.out, want), *note = strstr(o.out, "at the same step");
    if (!at || !note || note != strstr(at, "at the same step") || strstr(note + 1, "at the same step"))
        fail_msg("output \"%s\" lacks \"%s\" or names a slice's end elsewhere", o.out, want);
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Scripts": a command that runs the machine in a
 * breakpoint's list ends it, as 'continue' does, and runs once the run that
 * stopped there has stopped, as in gdb.  'step', 'next', 'until' and
 * 'finish' there started a run inside the stopped one, before its stop was
 * reported, and the list went on after it; a list running into its own
 * breakpoint ('until s' at s) recursed until the monitor's stack overflowed. */
static void do_list__a_run_command_ends_it_and_runs_after_the_stop(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 128];
    cs_write_text(src, sizeof src, "loop.s",
                  "        .entry s\ns:      ADDI  i, i, 1\n        JMP   s\ni:      .word 0\n");
    snprintf(cmds, sizeof cmds, "load %s; break s do \"echo in; step; echo after\"; go; "
             "print/d E[i]", src);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"breakpoint 1 at 0 s, hit 1 time", "in",
                              "stopped at 0 s after 2 steps, 3 cycles: s I=0 P=0x00000 "
                              "l=0x00000 b=0x80000",
                              "    PSW s I=0 P=0x00000 l=0x00000 b=0x80000 -> s I=0 P=0x00001 "
                              "l=0x00000 b=0x80000",
                              "    E[0x2] := 0x2 (was 0x1)", "2", NULL},
        "step in a breakpoint's list");
    assert_null(strstr(o.out, "after\n"));
    cs_outcome_free(&o);

    /* into its own breakpoint: one run after another, to the step limit */
    snprintf(cmds, sizeof cmds, "set limit 10; load %s; break s do \"until s\"; go", src);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"breakpoint 1 at 0 s, hit 5 times",
                              "step limit (10) reached by this command and its breakpoints' "
                              "commands: 'until s' is not run", NULL},
        "a list that runs into its own breakpoint");
    assert_null(strstr(o.out, "hit 6 times"));
    cs_outcome_free(&o);

    /* 'finish' there returns from the call the breakpoint is in */
    o = cs_mon("load examples/calls.s; break apply do \"finish; echo no\"; go; print P");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"stopped at 0xb apply after 4 steps, 9 cycles: s I=0 P=0x0000b "
                              "l=0x00000 b=0x80000",
                              "returned after 5 steps: s I=0 P=0x00006 l=0x00000 b=0x80000",
                              "0x6 (6)", NULL},
        "finish in a breakpoint's list");
    assert_null(strstr(o.out, "no\n"));
    cs_outcome_free(&o);

    /* its bad argument is said when it runs, and fails the run's command */
    cs_mon_fails("load examples/calls.s; break apply do \"step x\"; go",
                 "step: unknown name 'x'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(go__a_breakpoint_where_the_run_is_cut_stops_it),
        cmocka_unit_test(watch__one_kind),
        cmocka_unit_test(address__negative_as_written),
        cmocka_unit_test(stack_step__limit_and_trap_loop),
        cmocka_unit_test(until__the_stop_says_where_and_how_long),
        cmocka_unit_test(echo__takes_the_quotes_off),
        cmocka_unit_test(do_list__echo_and_continue_keep_the_history),
        cmocka_unit_test(do_list__run_options_refused),
        cmocka_unit_test(do_list__a_run_command_ends_it_and_runs_after_the_stop),
        cmocka_unit_test(stop__breakpoints_say_how_long),
        cmocka_unit_test(stack_step__breakpoint_report),
        cmocka_unit_test(step__limit_and_trap_loop),
        cmocka_unit_test(next__limit_and_trap_loop),
        cmocka_unit_test(watch__a_slice_ending_at_the_stop_is_named),
        cmocka_unit_test(counts_of_zero__run_nothing_and_say_so),
        cmocka_unit_test(break__trap_and_class_stops_name_their_cause),
    };
    return cmocka_run_group_tests_name("monitor_b", tests, group_setup, group_teardown);
}
