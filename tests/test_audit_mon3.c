/* test_audit_mon3.c: the monitor's stepping over calls and its
 * watchpoints where a trap is taken (docs/monitor.md, "Command reference":
 * next, finish, break, watch), found wrong by an audit.  Each test fails on
 * the tree before its fix.
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

/* A guest's first words: E[0] for the old PSW, E[1] the handler H's PSW. */
#define HEAD "\t.word 0\n\t.word psw(SUP, h, 0, 0x80000)\n\t.entry start\n"
/* The timer's handler, back to the interrupted instruction. */
#define BACK "h: LPSW 0\n"

/* CMDS after 'load' of a guest SRC (NAME in the temporary directory) print
 * WANT and do not print NOT (NULL: no such check).  WHERE "vm" runs it in
 * a VM (plain, or "hybrid"), else on the bare machine. */
static void run_guest(const char *name, const char *src, const char *where, const char *cmds,
                      const char *want, const char *not)
{
    char path[CS_PATH], all[4 * CS_PATH];
    cs_write_text(path, sizeof path, name, src);
    if (!where)
        snprintf(all, sizeof all, "load %s; %s", path, cmds);
    else
        snprintf(all, sizeof all, "%svm create g 4096 %s; vm select g; %s",
                 strcmp(where, "hybrid") ? "" : "set hybrid on; ", path, cmds);
    struct cs_outcome o = cs_mon_ok(all);
    if (!strstr(o.out, want) || (not && strstr(o.out, not)))
        fail_msg("'%s' (%s): output\n%s\nshould %s\n%s", cmds, where ? where : "bare", o.out,
                 strstr(o.out, want) ? "not hold" : "hold", strstr(o.out, want) ? not : want);
    cs_outcome_free(&o);
}

static const char *const places[] = {NULL, "vm", "hybrid"};

/* 'next' on a JAL is a call only when the step runs it: a timer trap due
 * first, or a JAL whose link word is out of reach (a memory trap), makes
 * no call, so 'next' is that step, as 'step' shows it.  It took the
 * opcode at P for a call: it ran to HALT, or to some later JMPI. */
static void next__a_jal_that_a_trap_comes_before_makes_no_call(void **state)
{
    (void)state;
    static const char timer[] =
        HEAD "start: LPSW ipsw\nrun: TSET three\n\tNOP\ncall: JAL lk, f\n\tNOP\n\tHALT\n"
             "f: NOP\n\tJMPI lk\nh: HALT\nthree: .word 3\nlk: .word 0\n"
             "ipsw: .word pswi(SUP, run, 0, 0x80000)\n";
    static const char trap[] =
        HEAD "start: JAL 0x10000, f\n\tNOP\n\tLI lk, back\n\tJMPI lk\nback: NOP\n\tHALT\n"
             "f: HALT\nh: ADD 0, 0, one\n\tLPSW 0\none: .word 1 << 39\nlk: .word 0\n";
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        run_guest("jaltimer.s", timer, places[i], "step 3; next",
                  "  0x00005: (not run: the pending timer trap comes first)\n", "returned");
        run_guest("jaltrap.s", trap, places[i], "next",
                  "    trap: memory (old PSW in E[0], new PSW from E[1])\n", "returned");
    }
}

/* A JMPI or JAL that a timer trap comes before is not run: no return, no
 * call.  'next' said "call returned" at the handler when the trap came at
 * the callee's JMPI, and 'finish' missed its return after a trap at a JAL
 * inside the subroutine (then said P was in no subroutine). */
static void next_finish__count_only_the_calls_and_returns_run(void **state)
{
    (void)state;
    static const char jmpi[] =
        HEAD "start: LPSW ipsw\nrun: TSET five\ncall: JAL lk, f\nafter: NOP\n\tHALT\n"
             "f: NOP\n\tJMPI lk\n" BACK "five: .word 5\nlk: .word 0\n"
             "ipsw: .word pswi(SUP, run, 0, 0x80000)\n";
    static const char fin[] =
        HEAD "start: LPSW ipsw\nrun: JAL lk1, g\nback: NOP\n\tHALT\n"
             "g: TSET three\n\tNOP\n\tJAL lk2, f\n\tJMPI lk1\nf: NOP\n\tJMPI lk2\n" BACK
             "three: .word 3\nlk1: .word 0\nlk2: .word 0\n"
             "ipsw: .word pswi(SUP, run, 0, 0x80000)\n";
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        run_guest("jmpitimer.s", jmpi, places[i], "step 2; next",
                  "call returned after 5 steps: s I=1 P=0x00005", NULL);
        run_guest("fintimer.s", fin, places[i], "until g; finish",
                  "returned after 8 steps: s I=1 P=0x00004", "no subroutine");
    }
}

/* A breakpoint is met as 'go' meets it: not where a timer trap comes
 * before the instruction ('next' stopped there; 'go' never did). */
static void next__a_breakpoint_a_timer_trap_comes_before_is_not_met(void **state)
{
    (void)state;
    static const char src[] =
        HEAD "start: LPSW ipsw\nrun: TSET five\n\tNOP\n\tNOP\n\tNOP\nl5: NOP\n\tNOP\n\tHALT\n"
             "h: HALT\nfive: .word 5\nipsw: .word pswi(SUP, run, 0, 0x80000)\n";
    run_guest("brktimer.s", src, NULL, "break l5; go", "halted after 7 steps", "hit 1 time");
    run_guest("brktimer.s", src, NULL, "break l5; next 8",
              "  0x00007: (not run: the pending timer trap comes first)\n", "hit 1 time");
}

/* "Stop after an instruction reads or writes watched words": a step that
 * reads one watched word and writes another is two hits.  The CPU names
 * the write; when its watchpoint let the run go on (a false condition, an
 * ignore count) the read was lost, and the run went on past it. */
static void watch__a_read_and_a_write_of_one_step_are_two_hits(void **state)
{
    (void)state;
    static const char mov[] =
        HEAD "start: MOV dst, src\n\tSVC 3\n\tHALT\nh: HALT\nsrc: .word 7\ndst: .word 0\n";
    for (size_t i = 0; i < sizeof places / sizeof places[0]; i++) {
        run_guest("mov.s", mov, places[i], "watch read src; watch dst if 0; go",
                  "watchpoint 1: read E[0x6] = 0x7, hit 1 time\n", "halted");
        run_guest("mov.s", mov, places[i], "watch dst ignore 1; watch read src; go",
                  "watchpoint 2: read E[0x6] = 0x7, hit 1 time\n", "halted");
    }
    /* both stop: the write is named, once (the read is not looked at) */
    run_guest("mov.s", mov, NULL, "watch read src; watch dst; go; info watchpoints",
              "watch  read 0x6..0x6 src  hits 0\n", NULL);
    /* a trap's read of E[1] and write of E[0], the write passed */
    static const char timer[] =
        HEAD "start: LPSW ipsw\nrun: TSET five\n\tNOP\n\tNOP\n\tNOP\n\tHALT\n"
             "h: HALT\nfive: .word 5\nipsw: .word pswi(SUP, run, 0, 0x80000)\n";
    run_guest("wtimer.s", timer, NULL, "watch read 1; watch 0 ignore 1; go",
              "watchpoint 1: read E[0x1] = 0x8000040000080000, hit 1 time\n", "halted");
    /* one watchpoint over both is looked at once a step: its one hit let
     * pass, the run goes on to the handler's HALT */
    run_guest("wtimer.s", timer, NULL, "watch access 0 2 ignore 1; go; info watchpoints",
              "watch  access 0..0x1  hits 1\n", "stopped");
}

/* docs/monitor.md said "every watched access of a step is a hit", yet a
 * watchpoint that stops the run ends the step's hits there (as breakpoints
 * at one address are met until one stops), the read after it is no hit:
 * the reference and the help now say so, and the run does it. */
static void watch__a_stop_ends_the_hits_of_its_step_as_said(void **state)
{
    (void)state;
    static const char *const said[] = {
        "watched accesses of a step are hits until one stops the run: a step",
        "count) does not hide the read, and one that stops it leaves the read no",
    };
    struct cs_outcome o = cs_mon_ok("help watch");
    size_t len;
    char *doc = cs_slurp("docs/monitor.md", &len);
    assert_non_null(doc);
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++) {
        if (!strstr(o.out, said[i]) || !strstr(doc, said[i]))
            fail_msg("'help watch' and docs/monitor.md should both say\n%s", said[i]);
    }
    assert_null(strstr(doc, "Every\nwatched access of a step is a hit"));
    free(doc);
    cs_outcome_free(&o);
    /* ADD reads x and writes total: the write stops, the read is no hit,
     * and the next stop is the next step's read of x (STX), not this one's */
    cs_mon_prints("load examples/sum.s; until 5; watch total; watch read x; go; "
                  "info watchpoints; go",
                  "  1  watch  write 0xd..0xd total  hits 1\n"
                  "  2  watch  read 0xc..0xc x  hits 0\n"
                  "watchpoint 2: read E[0xc] = 0x1f, hit 1 time\n"
                  "stopped at 0x7 after 1 step, 3 cycles: s I=0 P=0x00007 l=0x00000 "
                  "b=0x80000\n");
}

/* docs/monitor.md: "an expression is one word: write copy+5, or quote
 * it", and print, assert and display take the rest of the line: they kept
 * its quotes ("unexpected '"1 + 2"'"), and assemble's ADDR could not be
 * quoted at all. */
static void quote__an_expression_quoted_as_one_word_everywhere(void **state)
{
    (void)state;
    cs_mon_prints("print \"1 + 2\"", "0x3 (3)\n");
    cs_mon_prints("print/x \"0x10 | 1\"", "0x11\n");
    struct cs_outcome o = cs_mon_ok("assert \"1 == 1\"");
    cs_outcome_free(&o);
    cs_mon_fails("assert \"1 == 2\"", "assertion failed: 1 == 2");
    cs_mon_prints("load examples/sum.s; display \"E[i] + 1\"", "1: E[i] + 1 = 0x1 (1)\n");
    cs_mon_prints("load examples/sum.s; assemble \"total + 1\" HALT; examine total+1",
                  "  0x0000e n            HALT\n");
    cs_mon_fails("print \"1 + 2", "missing closing quote");
    /* a quoted word followed by more is not one word: as before */
    cs_mon_fails("print \"1\" + 2", "unexpected '\"1\" + 2'");
}

/* docs/monitor.md: when the bare machine's profile is not the default and
 * not the control program's, "such a check" says which it runs on; a
 * check under 'nest N' runs on the control program's as well, and said
 * nothing. */
static void check__nested_says_its_profile_too(void **state)
{
    (void)state;
    static const char note[] = "note: check runs on profile virtualizable, the control "
                               "program's, not the bare machine's pdp10";
    cs_mon_prints("set profile pdp10; check examples/hello.s nest 2", note);
    cs_mon_prints("set profile pdp10; check examples/hello.s nest 1 vmm", note);
    struct cs_outcome o = cs_mon_ok("check examples/hello.s nest 1");
    assert_null(strstr(o.out, "note:"));
    cs_outcome_free(&o);
}

/* docs/monitor.md: '.' is DDT's current location, the word P points at
 * through R, for examine, deposit, break, ... and now assemble, which
 * wrote E[P] in relocated code. */
static void assemble__dot_is_the_word_p_points_at(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; deposit psw \"psw(sup, 2, 0x10, 0x100)\"; "
                  "assemble . HALT; examine 2",
                  "  0x00012              HALT\n  0x00002 start        120002c000000000\n");
    cs_mon_fails("load examples/sum.s; deposit psw \"psw(sup, 2, 0x10, 8)\"; "
                 "assemble .+10 HALT",
                 ".+10 would take a memory trap (a >= b)");
}

/* docs/monitor.md, now said: 'step N' passes breakpoints ('next' meets
 * them); a write is a hit whether or not it changes the word; fetching an
 * instruction is no read. */
static void step_watch__what_stops_them_as_the_reference_says(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; break loop; step 8");
    assert_non_null(strstr(o.out, "  0x00004 loop         LDX    x, table, i\n"));
    assert_null(strstr(o.out, ", hit "));
    cs_outcome_free(&o);
    cs_mon_prints("load examples/sum.s; break loop; next 8",
                  "breakpoint 1 at 0x4 loop, hit 1 time");
    cs_mon_prints("load examples/sum.s; watch i; go",
                  "watchpoint 1: write E[0xb] 0 -> 0, hit 1 time");
    cs_mon_prints("load examples/sum.s; watch read loop; go", "halted after 53 steps");
}

/* What docs/monitor.md left unsaid and now says: aliases only in full,
 * flags in their case, 'history 0', %1 put in as text, a script's NUL and
 * over-long lines, a run's stop no failure, 'exit' in a breakpoint's
 * list before the stop line, 'bare' in any case, REAL only with a control
 * program. */
static void docs__session_rules_now_said(void **state)
{
    (void)state;
    cs_mon_fails("ru", "unknown command 'ru'");
    cs_mon_fails("examine -I 2", "unknown flag '-I'");
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; step 3; history 0; echo end");
    assert_non_null(strstr(o.out, "(was 0)\nend\n"));
    cs_outcome_free(&o);
    char mon[CS_PATH], cmds[3 * CS_PATH];
    cs_write_text(mon, sizeof mon, "args.mon", "echo %1\necho \"%1\"\n");
    snprintf(cmds, sizeof cmds, "do %s \"x; echo y\"", mon);
    cs_mon_prints(cmds, "x\ny\nx; echo y\n");
    cs_write_bytes(mon, "set on-error continue\necho a\x00\necho b\n", 37);
    o = cs_run_tgm("monitor", "-f", mon, NULL);
    assert_int_equal(o.status, 0); /* a failed line, ignored as set on-error says */
    assert_non_null(strstr(o.err, "a NUL byte at column 7: not a monitor script"));
    assert_non_null(strstr(o.out, "b\n"));
    cs_outcome_free(&o);
    char *line = malloc(1048700); /* its second line over 1 MiB */
    assert_non_null(line);
    memset(line, 'x', 1048699);
    memcpy(line, "set on-error continue\necho ", 27);
    memcpy(line + 1048690, "\necho b\n", 9);
    cs_write_bytes(mon, line, 1048699);
    free(line);
    o = cs_run_tgm("monitor", "-f", mon, NULL);
    assert_int_equal(o.status, 1); /* ended there, on-error or not */
    assert_null(strstr(o.out, "b\n"));
    cs_outcome_free(&o);
    cs_write_text(mon, sizeof mon, "lim.mon",
                  "set limit 10\nload examples/sum.s\ngo\necho after\n");
    o = cs_run_tgm("monitor", "-f", mon, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "step limit (10) reached"));
    assert_non_null(strstr(o.out, "after\n"));
    cs_outcome_free(&o);
    o = cs_mon("load examples/sum.s; break loop do \"echo in; exit 3\"; go");
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "in\n"));
    assert_null(strstr(o.out, "stopped at"));
    cs_outcome_free(&o);
    cs_mon_fails("vm create BARE 16 examples/sum.s", "not 'bare'");
    char snap[CS_PATH];
    cs_tmp_path(snap, sizeof snap, "novm.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; save %s", snap);
    o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    size_t n;
    char *b = cs_slurp(snap, &n);
    assert_null(memmem(b, n, "REAL", 4));
    assert_non_null(memmem(b, n, "BARE", 4));
    free(b);
}

/* docs/monitor.md: an error quotes at most 80 bytes, then "...": the
 * whole rest of the line was quoted, and a long one was cut at the
 * message's 255 bytes, its quote left open. */
static void expr__an_error_quotes_at_most_80_bytes(void **state)
{
    (void)state;
    char cmd[400], want[200];
    char y[101];
    memset(y, 'y', 100);
    y[100] = '\0';
    snprintf(cmd, sizeof cmd, "print 1 + 2 %s", y);
    snprintf(want, sizeof want, "print: unexpected '%.80s...'\n", y);
    cs_mon_fails(cmd, want);
    snprintf(cmd, sizeof cmd, "print (1 + 2 %s", y);
    snprintf(want, sizeof want, "print: missing ')' near '%.80s...'\n", y);
    cs_mon_fails(cmd, want);
    snprintf(cmd, sizeof cmd, "print 1 + 2 %.80s", y); /* 80: all of it, no "..." */
    snprintf(want, sizeof want, "print: unexpected '%.80s'\n", y);
    cs_mon_fails(cmd, want);
}

/* docs/monitor.md: an expression typed with spaces is told as such by the
 * usage line of every command that takes one.  'watch' took the '+' as
 * its COUNT ("expression ends too soon") and 'assemble' the '+' as the
 * instruction; their lines said neither. */
static void usage__a_spaced_address_is_told_by_watch_and_assemble(void **state)
{
    (void)state;
    const char *hint = " ('0x30 + 5' is an expression: one word, as 0x30+5, or in double "
                       "quotes)\n";
    static const char *const cmds[] = {"watch 0x30 + 5", "watch read 0x30 + 5",
                                       "assemble 0x30 + 5 HALT"};
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++)
        cs_mon_fails(cmds[k], hint);
    cs_mon_prints("watch 0x30 if 1 == 1", "watchpoint 1 on 0x30..0x30 if 1 == 1\n");
    cs_mon_prints("assemble 0x30 HALT", "HALT");
}

/* docs/monitor.md: a run does not stop at a breakpoint at the instruction
 * it starts from, in a VM too.  With two VMs time-sliced, a VM whose turn
 * ended at the breakpoint's address stopped there again when the run's
 * first step was the other VM's: 'continue' made no progress and counted a
 * hit.  Now each VM passes the one it is found at. */
static void continue__a_vm_left_at_its_breakpoint_makes_progress(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("set slice 1; vm create a 4096 examples/hello.s; vm create b 4096 "
                  "examples/hello.s; vm select a; step 1; break loop; continue; print steps");
    const char *last = strrchr(o.out, '\n');
    assert_non_null(last);
    while (last > o.out && last[-1] != '\n')
        last--;
    assert_string_equal(last, "0x6 (6)\n"); /* a at loop again, its next time round */
    cs_outcome_free(&o);
    /* and after rstep, which leaves the VM at the breakpoint mid-turn */
    o = cs_mon_ok("set slice 1; vm create a 4096 examples/hello.s; vm create b 4096 "
                  "examples/hello.s; vm select a; go for 30; rstep 9; break loop; continue; "
                  "print steps");
    assert_non_null(strstr(o.out, "\n0xb (11)\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md: after the stack halted, the guest's HALT was its last
 * step.  'stack step' ran the levels' loop after it (JMP back, HALT) each
 * time, two real steps, and after an rstep showed a step the guest never
 * took; now it says the stack halted and runs nothing. */
static void stack_step__a_halted_stack_runs_nothing(void **state)
{
    (void)state;
    cs_mon_prints("nest 1 examples/sum.s; go; print $steps; stack step; stack step 3; "
                  "print $steps",
                  "0x7c (124)\nthe stack halted (the guest on top executed HALT)\n"
                  "the stack halted (the guest on top executed HALT)\n0x7c (124)\n");
    cs_mon_prints("nest 1 examples/sum.s; go; rstep 1; stack step; stack step; print $steps",
                  "(after 1 real step)\nthe stack halted (the guest on top executed HALT)\n"
                  "the stack halted (the guest on top executed HALT)\n0x7c (124)\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon3");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(next__a_jal_that_a_trap_comes_before_makes_no_call),
        cmocka_unit_test(next_finish__count_only_the_calls_and_returns_run),
        cmocka_unit_test(next__a_breakpoint_a_timer_trap_comes_before_is_not_met),
        cmocka_unit_test(watch__a_read_and_a_write_of_one_step_are_two_hits),
        cmocka_unit_test(watch__a_stop_ends_the_hits_of_its_step_as_said),
        cmocka_unit_test(quote__an_expression_quoted_as_one_word_everywhere),
        cmocka_unit_test(check__nested_says_its_profile_too),
        cmocka_unit_test(assemble__dot_is_the_word_p_points_at),
        cmocka_unit_test(step_watch__what_stops_them_as_the_reference_says),
        cmocka_unit_test(docs__session_rules_now_said),
        cmocka_unit_test(expr__an_error_quotes_at_most_80_bytes),
        cmocka_unit_test(usage__a_spaced_address_is_told_by_watch_and_assemble),
        cmocka_unit_test(continue__a_vm_left_at_its_breakpoint_makes_progress),
        cmocka_unit_test(stack_step__a_halted_stack_runs_nothing),
    };
    return cmocka_run_group_tests_name("audit_mon3", tests, group_setup, group_teardown);
}
