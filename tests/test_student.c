/* test_student.c: what a first-time user of the monitor met, working from
 * README.md and docs/ alone (docs/monitor.md, docs/isa.md): a 'step' that
 * takes a pending timer trap showed the instruction at P as if it had run,
 * 'vm load FILE NAME' (the words swapped) said only "no VM named", and a
 * VM that halted during a run another VM's breakpoint stopped, or during a
 * step of another VM, went unsaid; a read watchpoint's hit showed a change
 * that the read had not made, and a breakpoint on a label inside .phase
 * went, unsaid, to another word; and commands typed in capitals, as SIMH
 * takes them, were unknown; 'tgm run' spoke of "a illegal trap".
 * Each test fails on the tree before its fix.
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

/* A supervisor with I = 1 whose TSET makes the timer pending at once
 * (docs/isa.md: the count includes the TSET's own 2 cycles): the next step
 * is the timer trap, taken before the ADDI at 0x3, which never runs. */
static const char timer_src[] = "        .org 0\n"
                                "        .word 0\n"
                                "        .word psw(SUP, handler, 0, 0x80000)\n"
                                "        .entrypsw pswi(SUP, start, 0, 0x80000)\n"
                                "start:  TSET  two\n"
                                "        ADDI  x, x, 1\n"
                                "handler: HALT\n"
                                "two:    .word 2\n"
                                "x:      .word 0\n";

/* Run PRE PATH POST, PATH the timer program's; it must succeed. */
static struct cs_outcome timer_session(const char *pre, const char *post)
{
    char path[CS_PATH], cmds[CS_PATH + 256];
    cs_write_text(path, sizeof path, "timer.s", timer_src);
    snprintf(cmds, sizeof cmds, "%s%s%s", pre, path, post);
    return cs_mon_ok(cmds);
}

/* The timer step's lines: no instruction, the trap, and the ADDI not run
 * (x still 0, P at the handler). */
static void assert_timer_step(const char *out, const char *where)
{
    cs_assert_lines_in_order(
        out,
        (const char *const[]){"  0x00002 start        TSET   two",
                              "  0x00003: (not run: the pending timer trap comes first)",
                              "    PSW s I=1 P=0x00003 l=0x00000 b=0x80000 -> s I=0 P=0x00004 "
                              "l=0x00000 b=0x80000",
                              "    trap: timer (old PSW in E[0], new PSW from E[1])",
                              "0", NULL},
        where);
    if (strstr(out, "ADDI"))
        fail_msg("%s: the ADDI that never ran is shown as stepped:\n%s", where, out);
}

/* 'step' showed "0x00003  ADDI x, x, 1" for the step that took the timer
 * trap, though the trap came first and the ADDI never ran ('history' and
 * 'trace insns' said "(not fetched)" for the same step). */
static void step__a_timer_trap_step_runs_no_instruction(void **state)
{
    (void)state;
    struct cs_outcome o = timer_session("load ", "; step 2; print/d E[x]");
    assert_timer_step(o.out, "bare");
    cs_outcome_free(&o);

    /* in a VM the view's timer is the guest's: the same step */
    o = timer_session("vm create a 4096 ", "; step 2; print/d E[x]");
    assert_timer_step(o.out, "in a VM");
    cs_outcome_free(&o);

    /* an instruction that is not preceded by a timer trap is shown as before */
    o = timer_session("load ", "; step; print/d E[two]");
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"  0x00002 start        TSET   two", "2", NULL},
                             "a plain step");
    cs_outcome_free(&o);
}

/* docs/monitor.md: "two arguments given in the wrong order are named as
 * such, not as an unknown name".  'vm load hello.s a' said "no VM named
 * 'hello.s'"; so did 'vm input' and 'vm limit' with their words swapped. */
static void vm__swapped_arguments_are_named(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 4096; vm load examples/hello.s a",
                 "vm: 'examples/hello.s' is not a VM: the order is 'vm load NAME FILE'");
    cs_mon_fails("vm create a 4096; vm input hi a",
                 "vm: 'hi' is not a VM: the order is 'vm input NAME TEXT'");
    cs_mon_fails("vm create a 4096; vm limit 100 a",
                 "vm: '100' is not a VM: the order is 'vm limit NAME N'");
    /* nothing was loaded, queued or limited */
    cs_mon_prints("set on-error continue; vm create a 4096; vm load examples/hello.s a; "
                  "vm input hi a; vm limit 100 a; vm list",
                  "*  0 a            runnable   0x00008..0x01007 0x00000  s        0       0  "
                  "0.000");
    /* the right order, and a VM named by its id, work as before */
    cs_mon_prints("vm create a 4096; vm load a examples/hello.s; vm input 0 hi; vm limit a 5",
                  "a: runnable");
    /* a first word that is no VM and a second that is none either: as before */
    cs_mon_fails("vm create a 4096; vm load b examples/hello.s", "vm: no VM named 'b'");
}

/* docs/monitor.md: a VM that halted during the run says so at its HALT
 * ('a: halted: ...').  A run that a breakpoint in VM b stopped named only
 * b, though a had run to its HALT meanwhile: nothing said a had ended
 * until a later run found no VM runnable. */
static void go__a_vm_that_halted_meanwhile_says_so_at_a_stop(void **state)
{
    (void)state;
    static const char *const want[] = {
        "breakpoint 1 at 0x16 negate, hit 1 time",
        "b: stopped at 0x16 negate after 94 steps, 221 cycles: s I=0 P=0x00016 l=0x00000 "
        "b=0x80000",
        "  0x00016 negate       SUB    acc, zero, acc",
        "a: halted: s I=0 P=0x0000a l=0x00000 b=0x80000",
        "  0x00009 stop         HALT",
        NULL};
    struct cs_outcome o = cs_mon("vm create a 4096 examples/sum.s; vm create b 4096 "
                                 "examples/calls.s; break negate; go; echo next; go");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out, want, "a breakpoint stop in b");
    /* said once: the next run, in which a does not run, does not repeat it */
    const char *next = strstr(o.out, "next\n");
    assert_non_null(next);
    assert_null(strstr(next, "a: halted"));
    cs_outcome_free(&o);

    /* a breakpoint's 'continue' makes one run: the halt is said at its end */
    o = cs_mon("vm create a 4096 examples/sum.s; vm create b 4096 examples/calls.s; "
               "break apply do \"continue\"; break negate; go");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out, want + 3, "after a breakpoint's continue");
    cs_outcome_free(&o);

    /* on the bare machine, and with no other VM ended, the stop is as before */
    o = cs_mon("vm create b 4096 examples/calls.s; break negate; go");
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "halted"));
    cs_outcome_free(&o);
}

/* The same for a 'step' of one VM during which another ran to its HALT:
 * the step showed what the other wrote (docs/monitor.md), but not that it
 * had ended. */
static void step__a_vm_that_halted_meanwhile_says_so(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a 4096 examples/sum.s; vm create b 4096 "
                                 "examples/calls.s; step; step; vm list");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"  0x00002 start        LI     i, 0",
                              "    a: halted meanwhile: s I=0 P=0x0000a l=0x00000 b=0x80000",
                              "  0x00003 loop         LDX    op, ops, i", NULL},
        "a step of b");
    /* once: the second step, in which a did not run, does not repeat it */
    assert_null(strstr(strstr(o.out, "LDX    op, ops, i"), "meanwhile"));
    cs_outcome_free(&o);

    /* docs/monitor.md: a VM that met its vm limit meanwhile is said to have
     * halted too (it said "step limit meanwhile") */
    o = cs_mon("vm create a 4096 examples/sum.s; vm create b 4096 examples/calls.s; "
               "vm limit a 5; step");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "    a: halted meanwhile: s I=0 P=0x00007 l=0x00000 b=0x80000\n"));
    assert_null(strstr(o.out, "step limit meanwhile"));
    cs_outcome_free(&o);
}

/* A read watchpoint's hit showed "old -> new" with "old" the value at its
 * last hit: in examples/sum.s the ADD that reads x (written by the LDX
 * before it, which a read watch does not stop at) was shown as
 * "read E[0xc] 0 -> 0x1f", as if reading x had changed it.  A read now
 * shows the value the word holds, as gdb's rwatch does; a write keeps its
 * old and new values. */
static void watch__a_read_shows_the_value_not_a_change(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; watch read x; go; go");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"watchpoint 1: read E[0xc] = 0x1f, hit 1 time",
                                                   "watchpoint 1: read E[0xc] = 0x1f, hit 2 times",
                                                   NULL},
                             "watch read x");
    assert_null(strstr(o.out, "->"));
    cs_outcome_free(&o);

    /* 'access': the LDX's write shows the change, the ADD's read the value */
    o = cs_mon("load examples/sum.s; watch access x; go; go");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"watchpoint 1: write E[0xc] 0 -> 0x1f, hit 1 time",
                                                   "watchpoint 1: read E[0xc] = 0x1f, hit 2 times",
                                                   NULL},
                             "watch access x");
    cs_outcome_free(&o);
}

/* 'break uloop', uloop a label inside .phase (the user program of a
 * supervisor, assembled at apparent 0), set a breakpoint at the word of E
 * its value names, the supervisor's 'start', without a word: the student
 * waited for a stop in the user loop that never came.  docs/monitor.md
 * says such a label names where the code runs; 'break' now says so. */
static void break__a_phased_label_gets_a_note(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 128];
    cs_write_phased(path, sizeof path);
    snprintf(cmds, sizeof cmds, "load %s; break uloop; break start", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"breakpoint 1 at 0 start", CS_PHASED_NOTE,
                              "breakpoint 2 at 0 start", NULL},
        "break on a phased label");
    /* an ordinary label: no note of a phased label (breakpoint 1 at the
     * same word is noted, test_users.c) */
    assert_null(strstr(strstr(o.out, "breakpoint 2"), "label inside .phase"));
    cs_outcome_free(&o);
}

/* A SIMH user types commands in capitals.  Subcommands and keywords were
 * taken in any case ('vm LIST', 'set ON-ERROR Continue', 'break TRAP SVC')
 * but command names were not: 'LOAD' was "unknown command 'LOAD' (did you
 * mean 'load'?)".  A command, its prefix and its letters are now taken in
 * any case, as SIMH's and VM/370 CP's are; labels stay case-sensitive. */
static void commands__any_case(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("LOAD examples/sum.s; BREAK loop; Go; EX/1d i; STEP; "
                                    "Help BREAK; S");
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"bare: loaded examples/sum.s: 35 words at 0, 10 symbols; entry "
                              "P=0x2 M=s",
                              "breakpoint 1 at 0x4 loop", "breakpoint 1 at 0x4 loop, hit 1 time",
                              "  0x0000b i            0", "  0x00004 loop         LDX    x, table, i",
                              "also:  b", "  0x00005              ADD    total, total, x", NULL},
        "commands in capitals");
    cs_outcome_free(&o);
    /* an ambiguous prefix is ambiguous in any case; a label keeps its case */
    cs_mon_fails("TRA", "ambiguous command 'TRA': translate trace");
    cs_mon_fails("load examples/sum.s; break LOOP", "break: unknown name 'LOOP'");
}

/* A source without '.entry' whose first word is data: the entry P is its
 * load address, the word is no instruction, and E[1] (its second word)
 * sends every trap back there.  'tgm run' and 'tgm check' said "each step
 * takes a illegal trap"; the monitor already said "an". */
static void run__a_trap_loop_note_says_an_illegal_trap(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "noentry.s",
                  "n:      .word 5\nstart:  DJNZ  n, start\n        HALT\n");
    struct cs_outcome o = cs_run_tgm("run", "--max-steps", "1000", path, NULL);
    assert_int_equal(o.status, 3);
    cs_assert_one_line(&o, "in a trap loop (each step takes an illegal trap and E[1] loads "
                           "the same PSW: a disabled wait)");
    cs_outcome_free(&o);

    o = cs_run_tgm("check", "--max-steps", "1000", path, NULL);
    assert_int_equal(o.status, 1);
    if (!strstr(o.out, "it is in a trap loop (each step takes an illegal trap and E[1]"))
        fail_msg("check's verdict lacks the trap loop, with 'an':\n%s", o.out);
    cs_outcome_free(&o);

    /* a memory trap keeps its 'a' */
    cs_write_text(path, sizeof path, "empty.s", "        .org 0x10\n");
    o = cs_run_tgm("run", "--max-steps", "1000", path, NULL);
    assert_int_equal(o.status, 3);
    cs_assert_one_line(&o, "(each step takes a memory trap and E[1] loads the same PSW");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_student");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(step__a_timer_trap_step_runs_no_instruction),
        cmocka_unit_test(vm__swapped_arguments_are_named),
        cmocka_unit_test(go__a_vm_that_halted_meanwhile_says_so_at_a_stop),
        cmocka_unit_test(step__a_vm_that_halted_meanwhile_says_so),
        cmocka_unit_test(watch__a_read_shows_the_value_not_a_change),
        cmocka_unit_test(break__a_phased_label_gets_a_note),
        cmocka_unit_test(commands__any_case),
        cmocka_unit_test(run__a_trap_loop_note_says_an_illegal_trap),
    };
    return cmocka_run_group_tests_name("student", tests, group_setup, group_teardown);
}
