/* test_monitor_fixes.c: regressions of the monitor and the tgm command, each
 * a defect a user met: expressions that overflowed the stack or wrapped,
 * counts that were negative, a trap loop on an empty machine of section 2
 * that ran forever, a trace cap ignored, labels of relocated code taken by
 * virtual address, constants taken for labels, and CLI errors in several
 * styles.
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
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/image.h"

/* Drops to user mode with R = (0x100, 0x10): the user code at physical
 * 0x100 runs at virtual 0. */
static const char reloc_src[] = "        .org 0\n"
                                "        .word 0\n"
                                "        .word psw(SUP, handler, 0, 0x80000)\n"
                                "        .entry start\n"
                                "start:  LPSW  upsw\n"
                                "handler: HALT\n"
                                "upsw:   .word psw(USER, 0, 0x100, 0x10)\n"
                                "        .org 0x100\n"
                                "ucode:  ADDI  3, 3, 1\n"
                                "        ADDI  3, 3, 1\n"
                                "uthird: COUT  3\n"
                                "        HALT\n";

static char *repeat(const char *head, const char *unit, size_t n, const char *mid,
                    const char *tail_unit)
{
    size_t len = strlen(head) + n * (strlen(unit) + strlen(tail_unit)) + strlen(mid) + 1;
    char *s = malloc(len);
    assert_non_null(s);
    strcpy(s, head);
    for (size_t i = 0; i < n; i++)
        strcat(s, unit);
    strcat(s, mid);
    for (size_t i = 0; i < n; i++)
        strcat(s, tail_unit);
    return s;
}

static void expr__deep_nesting_is_an_error_not_a_crash(void **state)
{
    (void)state;
    char *parens = repeat("print ", "(", 8000, "1", ")");
    cs_mon_fails(parens, "nested too deeply");
    free(parens);
    const char *ops[] = {"-", "!", "~"};
    for (size_t k = 0; k < 3; k++) {
        char *chain = repeat("print ", ops[k], 20000, "1", "");
        cs_mon_fails(chain, "nested too deeply");
        free(chain);
    }
    char *fine = repeat("print ", "(", 100, "7", ")");
    cs_mon_prints(fine, "0x7 (7)");
    free(fine);
}

static void expr__numbers_that_do_not_fit_are_refused(void **state)
{
    (void)state;
    cs_mon_fails("print 99999999999999999999", "does not fit in 64 bits");
    cs_mon_fails("print 0x1ffffffffffffffff", "does not fit in 64 bits");
    cs_mon_prints("print 18446744073709551615", "0xffffffffffffffff");
}

/* The monitor shifts as the assembler does (docs/monitor.md, docs/asm.md):
 * a count of 64 or more, or a negative one, shifts everything out.  Each
 * expression goes through the assembler ('assemble') and the monitor. */
static void expr__shifts_agree_with_the_assembler(void **state)
{
    (void)state;
    static const char *const exprs[] = {"1 << 64", "1 << 63", "3 << 100", "1 << -1",
                                        "-8 >> 64", "-8 >> 70", "5 >> 64", "-8 >> 1",
                                        "5 >> -1"};
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        char cmds[200];
        snprintf(cmds, sizeof cmds, "assemble 0 %s; assert E[0] == (%s)", exprs[i], exprs[i]);
        cs_mon_prints(cmds, "0x00000"); /* the assert held */
    }
    cs_mon_prints("print 1 << 64", "0 (0)");
    cs_mon_prints("print -8 >> 64", "0xffffffffffffffff (-1)");
}

/* A repeated option is one error line naming it and changes nothing
 * (docs/monitor.md), in every command that takes options. */
static void options__given_twice_are_refused(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"load examples/sum.s; go for 1 for 2", "go: 'for' given twice"},
        {"load examples/sum.s; continue unt 5 until 6", "continue: 'until' given twice"},
        {"break 5 ignore 1 do \"p 1\" ig 2", "break: 'ignore' given twice"},
        {"watch 5 do \"p 1\" do \"p 2\"", "watch: 'do' given twice"},
        {"break 5; break 6; delete 1 2 01", "delete: breakpoint 1 given twice"},
        {"trace insns traps insns", "trace: 'insns' given twice"},
        {"check examples/sum.s steps 9 steps 10", "check: 'steps' given twice"},
        {"check examples/sum.s with examples/sum.s with examples/sum.s",
         "check: 'with' given twice"},
        {"examine -v -v 0", "examine: '-v' given twice"},
        {"deposit -p -v 0 1", "deposit: '-v' after '-p': give one space flag"},
        {"examine -x -d 0", "examine: '-d' after '-x': give one format flag"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cs_mon_fails(cases[i][0], cases[i][1]);
    /* nothing changed: 'go' left P, 'delete' the breakpoint */
    cs_mon_prints("set on-error continue; load examples/sum.s; go 9 for 1 for 2; print P; "
               "break 5; delete 1 1; break list",
               "0x2 (2)\nbreakpoint 1 at 0x5\n  1  break  0x5");
}

static void counts__negative_and_zero_counts_are_refused(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; step -1", "count -1 is negative");
    cs_mon_fails("load examples/sum.s; go for -5", "negative");
    cs_mon_fails("examine 0 0", "count of 0");
    struct cs_outcome o = cs_mon("load examples/sum.s; examine 0 0");
    assert_null(strstr(o.err, "address"));
    cs_outcome_free(&o);
    /* nothing moved */
    cs_mon_prints("load examples/sum.s; set on-error continue; step -1; print P", "0x2 (2)");
    cs_mon_fails("exit -1", "status -1 is out of range");
    cs_mon_fails("deposit I 2", "deposit: I is 0 or 1\n"); /* not M's words */
    cs_mon_fails("deposit M 2", "M is 0 (user) or 1 (sup)");
    cs_mon_prints("load examples/sum.s; symbols zz", "no symbols start with 'zz'\n");
    cs_mon_prints("vm create a 100; display 6*7; info all", "*  0 a  ");
    cs_mon_prints("nest 1 examples/sum.s; stack step 1", "(after 1 real step)\n");
    cs_mon_prints("break 5; info watchpoints; watch 7; info watchpoints",
               "no watchpoints\nwatchpoint 2 on 0x7..0x7\n  2  watch  write 0x7..0x7  hits 0\n");
}

static void set__slice_zero_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    cs_mon_fails("set slice 0", "set: 0 cycles is out of range (1..9223372036854775807)");
    cs_mon_prints("set on-error continue; set slice 500; set slice 0; set", "slice      500");
}

static void console__clear_forgets_the_output(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set console off; load examples/hello.s; go; console; "
                              "console clear; console; echo END");
    assert_int_equal(o.status, 0);
    const char *first = strstr(o.out, "hello, world");
    assert_non_null(first);
    assert_null(strstr(first + 1, "hello, world")); /* shown once, then forgotten */
    cs_outcome_free(&o);
}

/* 'console input \x41' queued "x41" and '\q' a 'q', silently: the escapes
 * are the assembler's, and any other is refused, queueing nothing. */
static void console__input_escapes_are_the_assemblers(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH + 200];
    cs_write_text(src, sizeof src, "echo.s",
                  "        .entry s\ns:      CIN   c\n        BZ    c, e\n"
                  "        ADDI  c, c, 1\n        BZ    c, e\n        ADDI  c, c, -1\n"
                  "        COUT  c\n        JMP   s\ne:      HALT\nc:      .word 0\n");
    snprintf(cmds, sizeof cmds,
             "set console off; load %s; console input \"\\x41\\t\\\\\\'z\\r\"; go; "
             "console; vm create v 64 %s; vm input v \\x42; go; vm console v", src, src);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "HALT\nA\t\\'z\r\n"));
    assert_non_null(strstr(o.out, "HALT\nB\n"));
    cs_outcome_free(&o);
    static const char *const bad[] = {"\\q", "\\x4", "\\xZZ", "ab\\"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(cmds, sizeof cmds, "load %s; console input %s", src, bad[i]);
        cs_mon_fails(cmds, "unknown escape '\\");
        snprintf(cmds, sizeof cmds,
                 "set console off; load %s; set on-error continue; console input %s; "
                 "console input ok; go; console", src, bad[i]);
        cs_mon_prints(cmds, "\nok\n"); /* nothing of the refused line was queued */
    }
}

static void trace__cp_lines_respect_the_cap(void **state)
{
    (void)state;
    char path[CS_PATH], cmd[CS_PATH + 200];
    cs_tmp_path(path, sizeof path, "cp.trace");
    snprintf(cmd, sizeof cmd, "vm create g 4096 examples/supervisor.s; trace cp to %s max 2000; "
                              "go; trace", path);
    struct cs_outcome o = cs_mon(cmd);
    assert_int_equal(o.status, 0);
    size_t len;
    char *t = cs_slurp(path, &len);
    const char *note = strstr(t, "[trace stopped: size cap of 2000 bytes reached]\n");
    assert_non_null(note);
    assert_true((size_t)(note - t) <= 2000); /* the lines before the note */
    assert_non_null(strstr(t, "cp: g "));
    free(t);
    cs_outcome_free(&o);
}

/* A refused 'go' changes nothing: its 'until' leaves no breakpoint behind
 * (docs/monitor.md: a bad argument changes nothing). */
static void go__bad_option_leaves_no_until_breakpoint(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; set on-error continue; go until loop for nosuch; "
               "break list; go; assert halted; print P",
               "no breakpoints\nhalted after");
    cs_mon_prints("load examples/sum.s; break 6; go until loop; go until 5; break list",
               "  1  break  0x6  hits 0\n");
}

/* docs/monitor.md, Scripts: %1.. stand for the arguments and %% for a
 * percent sign, whether or not the script was given any. */
static void script__percent_words_without_arguments(void **state)
{
    (void)state;
    char script[CS_PATH], cmds[CS_PATH + 16];
    cs_write_text(script, sizeof script, "pct.mon", "echo [%1] [%*] 100%%\n");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "[] [] 100%\n");
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "do %s", script);
    cs_mon_prints(cmds, "[] [] 100%\n");
    o = cs_run_tgm("monitor", "-f", script, "a", "b", NULL);
    assert_string_equal(o.out, "[a] [a b] 100%\n");
    cs_outcome_free(&o);
    /* an argument used many times is not cut short */
    static const char arg[] = "0123456789012345678901234567890123456789";
    cs_write_text(script, sizeof script, "many.mon", "echo %1%1%1%1%1%1%1%1.\n");
    o = cs_run_tgm("monitor", "-f", script, arg, NULL);
    assert_int_equal(strlen(o.out), 8 * strlen(arg) + 2);
    assert_string_equal(o.out + 8 * strlen(arg), ".\n");
    cs_outcome_free(&o);
}

/* A script (or pipe) whose first line was empty crashed the monitor: the
 * line buffer did not exist yet.  A UTF-8 byte order mark, as some editors
 * write one, is not part of the first command. */
static void script__empty_first_line_and_bom(void **state)
{
    (void)state;
    char script[CS_PATH], cmds[CS_PATH + 16];
    cs_write_text(script, sizeof script, "blank.mon", "\n\necho after blank lines\n");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "after blank lines\n");
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "do %s", script);
    cs_mon_prints(cmds, "after blank lines\n");
    cs_write_text(script, sizeof script, "bom.mon", "\xef\xbb\xbf" "echo bom\n");
    o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "bom\n");
    cs_outcome_free(&o);
}

/* A NUL byte used to end the line there: 'deposit 0 1<NUL> 2' wrote one
 * word and succeeded.  The line is refused, naming the column, under the
 * script's on-error policy (docs/robustness.md). */
static void script__a_nul_byte_refuses_the_line(void **state)
{
    (void)state;
    char script[CS_PATH], cmds[CS_PATH + 16];
    cs_tmp_path(script, sizeof script, "nul.mon");
    static const char text[] = "set on-error continue\ndeposit 0 1\0 2\nexamine 0 2\n";
    cs_write_bytes(script, text, sizeof text - 1);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.err, "nul.mon:2: a NUL byte at column 12: not a monitor script"));
    assert_non_null(strstr(o.out, "0x00000              0000000000000000\n"));
    cs_outcome_free(&o);
    cs_write_bytes(script, "echo a\0b\n", 9);
    snprintf(cmds, sizeof cmds, "do %s", script);
    /* about the script's line, by 'do' as by -f */
    cs_mon_fails_without(cmds, "nul.mon:1: a NUL byte at column 7", "do:");
}

/* The monitor's check refuses what 'tgm check' and 'set slice' refuse, and
 * a 'with' that names no image. */
static void check__bad_options_are_refused(void **state)
{
    (void)state;
    cs_mon_fails("check examples/sum.s slice 0",
                 "check: slice: 0 cycles is out of range (1..9223372036854775807)");
    cs_mon_fails("check examples/sum.s with", "'with' needs a FILE");
    cs_mon_fails("check examples/sum.s with hybrid", "'with' needs a FILE");
    cs_mon_fails("check examples/sum.s mem 1", "out of range (2..");
    cs_mon_fails("check examples/sum.s steps -1", "count -1 is negative");
    cs_mon_fails("check examples/sum.s slice -1", "count -1 is negative");
    cs_mon_fails("check examples/sum.s steps 0",
                 "check: steps: 0 steps is out of range (1..9223372036854775807)");
    cs_mon_prints("check examples/sum.s with examples/hello.s", "together with the others halted");
}

/* docs/monitor.md: a label hides a built-in of the same name, the PSW's
 * fields included, and $NAME always means the built-in. */
static void expr__labels_hide_builtins_and_dollar_names_them(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_write_text(src, sizeof src, "shadow.s",
                  "        .org 0\n        .word 0\n"
                  "        .word psw(SUP, b, 0, 0x80000)\n        .entry b\n"
                  "b:      HALT\nl:      .word 7\ncause:  .word 3\n");
    snprintf(cmds, sizeof cmds,
             "load %s; print b; print $b; print l; print $l; print cause; print $cause; "
             "print $P; print $q; print $E[l] + $V[1]",
             src);
    cs_mon_prints(cmds, "0x2 (2)\n0x80000 (524288)\n0x3 (3)\n0 (0)\n0x4 (4)\n0 (0)\n"
                     "0x2 (2)\n0x10000 (65536)\n0x8000010000080007 (");
}

/* With VMs, 'go for N' runs N guest steps, also past the first chunk of a
 * run, though each interpreted COUT takes the real machine three steps. */
static void go__for_n_counts_guest_steps_in_a_vm(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_write_text(src, sizeof src, "couts.s",
                  "        .org 0\n        .word 0\n"
                  "        .word psw(SUP, stop, 0, 0x80000)\n        .entry start\n"
                  "start:  COUT  ch\n        JMP   start\nstop:   HALT\nch:     .word 0\n");
    snprintf(cmds, sizeof cmds,
             "set console off; set checkpoint 1000; vm create a 4096 %s; go for 30000; "
             "print steps; set limit 500; go; print steps",
             src);
    cs_mon_prints(cmds, "a: stopped after 30000 steps, ");
    cs_mon_prints(cmds, "0x7530 (30000)\na: step limit (500) reached");
    cs_mon_prints(cmds, "0x7724 (30500)\n");
    cs_mon_prints("vm create a 4096 examples/hello.s; go for 5", "a: stopped after 5 steps");
}

static void vm__destroy_names_the_vm(void **state)
{
    (void)state;
    cs_mon_prints("vm create guest7 4096; vm destroy guest7", "guest7 destroyed");
}

/* docs/monitor.md's example of an abbreviated subcommand: 'vm li' is the
 * list, although 'limit' shares the prefix. */
/* A VM name is one word that 'vm select' can reach: not 'bare' (the bare
 * machine), not a number (an id), not cut short by the control program. */
static void vm__bad_names_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {"bare", "0", "\"a b\"", "a#b",
                                      "abcdefghijklmnopqrstuvwxyz_abcdefg"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char cmds[128];
        snprintf(cmds, sizeof cmds, "vm create %s 100", bad[i]);
        cs_mon_fails(cmds, "bad VM name");
    }
    cs_mon_prints("vm create guest_1.x-y 100; vm select bare; vm select guest_1.x-y; show",
               "focus: guest_1.x-y");
}

/* A refused 'vm create' (no room, or the program does not fit the VM) starts
 * no control program: the settings that need none stay open. */
static void vm__refused_create_leaves_no_control_program(void **state)
{
    (void)state;
    cs_mon_fails("set cp-memory 4096; vm create a 4096", "no free region of 4096 words");
    cs_mon_fails("vm create a 2 examples/hello.s", "image needs words");
    cs_mon_prints("set on-error continue; vm create a 524288; vm create a 2 examples/hello.s; "
               "set hybrid on; set cp-memory 4096; vm create a 100; show",
               "control program: real q=4096, 1 VM");
    cs_mon_prints("set on-error continue; vm create a 524288; examine -r 0; echo done", "done");
    struct cs_outcome o = cs_mon("set on-error continue; vm create a 524288; examine -r 0");
    assert_non_null(strstr(o.err, "no control program yet"));
    cs_outcome_free(&o);
}

/* 'deposit -r 1 1' rewrote the control program's trap PSW: traps no longer
 * reached it, and 'save' wrote a snapshot that 'restore' refuses. */
static void deposit__real_cp_words_are_refused(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 100; deposit -r 1 1",
                "real E[1] belongs to the control program (E[1..7]");
    cs_mon_fails("vm create a 100; deposit -r 0 0 0 0 0 0 0 0 0", "real E[1] belongs");
    /* nothing written, E[0] and the VMs' words stay open */
    cs_mon_prints("vm create a 100; set on-error continue; deposit -r 6 1 2 3; "
               "deposit -r 0 5; deposit -r 8 9; examine -r 0 9",
               "  0x00000              0000000000000005\n"
               "  0x00001              8000010000080000\n");
    cs_mon_prints("vm create a 100; set on-error continue; deposit -r 6 1 2 3; examine -r 6 3",
               "  0x00006              0000000000000000\n"
               "  0x00007              0000000000000000\n"
               "  0x00008              0000000000000000\n");
}

/* docs/monitor.md: a watchpoint in a VM sees what the control program does
 * for the guest, so it stops where the bare machine stops. */
static void vm__watch_sees_interpreted_accesses(void **state)
{
    (void)state;
    static const char tail[] = "watch read ch; go; continue; print P";
    char cmds[128];
    snprintf(cmds, sizeof cmds, "load examples/hello.s; %s", tail);
    cs_mon_prints(cmds, "hit 2 times\nstopped at 0x6 after 1 step, 4 cycles: s I=0 P=0x00006");
    snprintf(cmds, sizeof cmds, "vm create a 4096 examples/hello.s; %s", tail);
    /* the guests' steps and cycles, as the bare machine's */
    cs_mon_prints(cmds, "hit 2 times\na: stopped at 0x6 after 1 step, 4 cycles: s I=0 P=0x00006");
    /* the stop names the VM it is in, also when another one is selected */
    cs_mon_prints("vm create a 4096 examples/sum.s; vm create b 4096 examples/hello.s; break 5; "
               "vm select a; go",
               "hit 1 time\nb: stopped at 0x5 after 56 steps, 128 cycles: s I=0 P=0x00005");
}

static void vm__li_lists(void **state)
{
    (void)state;
    cs_mon_prints("vm create guest7 4096; vm li", "runnable");
    cs_mon_fails("vm create guest7 4096; vm l", "ambiguous subcommand 'l'");
}

static void reset__forgets_the_history(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go; reset; history", "no instructions executed yet");
}

static void go__cycles_reports_this_run(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; go cycles 3; go cycles 3");
    assert_int_equal(o.status, 0);
    const char *second = strstr(o.out, "stopped after");
    assert_non_null(second);
    second = strstr(second + 1, "stopped after");
    assert_non_null(second);
    /* the second run is a few cycles long, not the total since reset */
    unsigned steps = 0, cycles = 0;
    assert_int_equal(sscanf(second, "stopped after %u step%*[s], %u cycle", &steps, &cycles), 2);
    assert_true(cycles >= 3 && cycles < 10);
    cs_outcome_free(&o);
}

static void go__trap_loop_on_an_empty_machine_stops(void **state)
{
    (void)state;
    static const char hint[] = "\n  (load a program, or give E[1] a trap handler)\n";
    struct cs_outcome o = cs_mon("set limit 5000000; go");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "trap loop"));
    assert_non_null(strstr(o.out, "disabled wait"));
    assert_non_null(strstr(o.out, hint));
    cs_outcome_free(&o);
    /* a VM's E[1] is its own trap PSW: the hint holds there too, once */
    o = cs_mon("set limit 5000000; vm create a 4096; vm create b 4096; go");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "a: trap loop"));
    assert_non_null(strstr(o.out, "b: trap loop"));
    const char *h = strstr(o.out, hint);
    if (!h || strstr(h + 1, hint) || h < strstr(o.out, "b: trap loop"))
        fail_msg("the hint once, after the VMs' lines: '%s'", o.out);
    cs_outcome_free(&o);
    /* E[1] at an illegal word: the loop is named with its cause */
    cs_mon_prints("deposit 1 0x8000028000080000; deposit 5 0xff00000000000000; deposit P 5; go",
               "each step takes an illegal trap");
    /* a program that traps and handles its traps is no loop */
    cs_mon_prints("set limit 5000000; load examples/supervisor.s; go", "halted after");
}

static void load__a_directory_is_named_as_one(void **state)
{
    (void)state;
    cs_mon_fails("load examples", "'examples' is a directory");
    cs_mon_fails("vm create g 4096 examples", "is a directory");
    cs_mon_fails("do examples", "is a directory");
}

static void labels__relocated_code_is_labelled_by_physical_address(void **state)
{
    (void)state;
    char src[CS_PATH], cmd[CS_PATH + 100];
    cs_write_text(src, sizeof src, "reloc.s", reloc_src);
    snprintf(cmd, sizeof cmd, "load %s; step 3; examine -v -i 2", src);
    struct cs_outcome o = cs_mon(cmd);
    assert_int_equal(o.status, 0);
    /* virtual 0 is physical 0x100, ucode; virtual 2 is uthird, not 'start' */
    assert_non_null(strstr(o.out, "0x00000 ucode"));
    assert_non_null(strstr(o.out, "0x00002 uthird"));
    assert_null(strstr(o.out, "0x00002 start        COUT"));
    cs_outcome_free(&o);
}

/* Constants whose values are addresses: 0, 2 and 3 (the labels' too). */
static const char consts_src[] = "K_ADD = 0\n"
                                 "two = 2\n"
                                 "        .word 0, psw(SUP, start, 0, 0x80000)\n"
                                 "        .entry start\n"
                                 "start:  HALT\n"
                                 "three = .\n"
                                 "LAST:   .word K_ADD + two\n";

/* A constant whose value is an address (K_ADD = 0, lower-case two = 2) does
 * not label it, even after a snapshot; it still works in expressions. */
static void labels__constants_do_not_name_addresses(void **state)
{
    (void)state;
    char src[CS_PATH], snap[CS_PATH], cmd[3 * CS_PATH + 200];
    cs_write_text(src, sizeof src, "consts.s", consts_src);
    cs_tmp_path(snap, sizeof snap, "consts.snap");
    snprintf(cmd, sizeof cmd,
             "load %s; examine 0 4; save %s; restore %s; examine -i 0 4; print K_ADD + two",
             src, snap, snap);
    struct cs_outcome o = cs_mon(cmd);
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "K_ADD "));
    assert_null(strstr(o.out, "two "));
    assert_null(strstr(o.out, "three "));
    assert_non_null(strstr(o.out, "  0x00000              0000000000000000\n"));
    assert_non_null(strstr(o.out, "  0x00002 start        0"));
    assert_non_null(strstr(o.out, "  0x00003 LAST         0"));
    assert_non_null(strstr(o.out, "  0x00002 start        HALT"));
    assert_non_null(strstr(o.out, "  0x00003 LAST         .word"));
    assert_non_null(strstr(o.out, "\n0x2 (2)\n"));
    cs_outcome_free(&o);
}

/* 'vm stats' left out the events with no trap: a hybrid VM's 24
 * interpreted stretches showed nowhere in its table.  They are not
 * dispatcher entries (docs/vmm.md): the 23 entries are the real traps. */
static void vm_stats__shows_the_events_with_no_trap(void **state)
{
    (void)state;
    cs_mon_prints("set hybrid on; vm create a 65536 examples/supervisor.s; go; vm stats",
               "dispatcher entries 23\n  traps       interpreted   reflected   allocator"
               "   scheduler      hybrid\n  (no trap)             0           0           0"
               "           0          24\n  privileged ");
    struct cs_outcome o = cs_mon("vm create a 65536 examples/sum.s; go; vm stats");
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "(no trap)")); /* none: no row */
    cs_outcome_free(&o);
}

/* A version 2 snapshot, whose symbols have no kinds, is still read; its
 * symbols are then of unknown kind, as an image file's are. */
static void snapshot__version_2_symbols_are_read_without_kinds(void **state)
{
    (void)state;
    char src[CS_PATH], snap[CS_PATH], old[CS_PATH], cmd[3 * CS_PATH + 200];
    cs_write_text(src, sizeof src, "consts.s", consts_src);
    cs_tmp_path(snap, sizeof snap, "v5.snap");
    cs_tmp_path(old, sizeof old, "v2.snap");
    snprintf(cmd, sizeof cmd, "load %s; save %s", src, snap);
    struct cs_outcome o = cs_mon(cmd);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    /* version 5 (no stack, no control program) to 2: the symbols (BSYM)
     * lose the kind byte each ends with */
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(snap, &len), *v2 = malloc(len);
    assert_non_null(v2);
    assert_int_equal(ms_get_le(b + 8, 4), 5);
    memcpy(v2, b, 16);
    ms_put_le(v2 + 8, 2, 4);
    size_t in = 16, out = 16;
    for (uint64_t sec = ms_get_le(b + 12, 4); sec > 0; sec--) {
        const uint8_t *d = b + in + 16;
        size_t n = ms_get_le(b + in + 8, 8), k = 0, w = 0;
        memcpy(v2 + out, b + in, 8);
        if (memcmp(b + in, "BSYM", 4) == 0) {
            uint64_t nsyms = ms_get_le(d, 4);
            memcpy(v2 + out + 16, d, 4);
            for (k = w = 4; nsyms > 0; nsyms--) { /* value, name length, name */
                size_t one = 12 + ms_get_le(d + k + 8, 4);
                memcpy(v2 + out + 16 + w, d + k, one);
                k += one + 1;
                w += one;
            }
            assert_int_equal(k, n);
        } else {
            memcpy(v2 + out + 16, d, n);
            w = n;
        }
        ms_put_le(v2 + out + 8, w, 8);
        in += 16 + n;
        out += 16 + w;
    }
    assert_int_equal(in, len - 8);
    ms_put_le(v2 + out, tgm_fnv1a(v2, out, TGM_FNV_SEED), 8);
    cs_write_bytes(old, v2, out + 8);
    free(b);
    free(v2);
    snprintf(cmd, sizeof cmd, "restore %s; examine 0 3; print K_ADD + two", old);
    o = cs_mon(cmd);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "  0x00000 K_ADD        0000000000000000\n"));
    assert_non_null(strstr(o.out, "  0x00002 start        0"));
    assert_non_null(strstr(o.out, "\n0x2 (2)\n"));
    cs_outcome_free(&o);
}

/* ---- features: live console, conditions, gdb words, log ---- */

static void live__console_output_appears_during_go(void **state)
{
    (void)state;
    cs_mon_prints("load examples/hello.s; go", "hello, world\nhalted after");
    struct cs_outcome o = cs_mon("vm create a 4096 examples/hello.s; "
                              "vm create b 4096 examples/hello.s; go");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "a| hello, world\n"));
    assert_non_null(strstr(o.out, "b| hello, world\n"));
    cs_outcome_free(&o);
    cs_mon_prints("load examples/hello.s; step 4", "console <- \"h\"");
    /* a stop in the middle of a guest's line is reported on a line of its own */
    cs_mon_prints("load examples/hello.s; go for 5", "\nh\nstopped after 5 steps");
    cs_mon_prints("load examples/hello.s; break loop+2; go; continue",
               "\nh\nbreakpoint 1 at 0x5, hit 2 times\n");
    cs_mon_prints("vm create a 4096 examples/hello.s; go for 5", "\nh\na: stopped");
}

static void break__condition_false_is_not_a_hit(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; break loop if E[i] == 99; go; break list",
               "hits 0  if E[i] == 99");
    cs_mon_fails("load examples/sum.s; break loop if nosuch > 1", "unknown name 'nosuch'");
    cs_mon_prints("load examples/calls.s; watch acc if E[acc] < 0; go; print E[acc]",
               "(-11)");
}

/* docs/monitor.md: watch [read|write|access] ADDR [COUNT] [ignore N] ...:
 * COUNT may be left out before 'ignore' as before 'do' and 'if'. */
static void watch__ignore_without_a_count(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; watch total ignore 2; go; print E[i]; break list",
               "hit 3 times");
    cs_mon_prints("load examples/sum.s; watch write total ignore 2; break list",
               "write 0xd..0xd total  hits 0  ignore 2");
}

static void snapshot__keeps_break_and_watch_conditions(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[1024];
    cs_tmp_path(snap, sizeof snap, "cond.snap");
    /* the conditions come back and still decide: i stops at 5, not 1 */
    snprintf(cmds, sizeof cmds,
             "load examples/sum.s; break loop if E[i] == 5; watch total if E[total] > 400; "
             "save %s; delete all; restore %s; break list; go; assert E[i] == 5; delete 1; go; "
             "assert E[total] > 400",
             snap, snap);
    cs_mon_prints(cmds, "hits 0  if E[i] == 5");
    cs_mon_prints(cmds, "if E[total] > 400");
}

static void gdb__words_and_formats(void **state)
{
    (void)state;
    cs_mon_fails("bt", "in tgm: history");
    cs_mon_prints("info registers", "bare machine (q=65536");
    cs_mon_prints("i r", "last trap: none");
    cs_mon_prints("load examples/sum.s; x/2d i", "i            0");
    cs_mon_prints("print/w 0x8c00020100000040", "s I=0 P=0x00004 l=0x01000 b=0x00040  cause=svc");
    cs_mon_prints("print/b 10; print/o 8", "0b1010\n0o10\n");
    cs_mon_fails("step/x", "takes no /FORMAT");
    cs_mon_fails("/4x 0",
                 "-c:1: no command before '/4x' (gdb's forms are x/NF ADDR and p/F EXPR)\n");
    cs_mon_prints("load examples/calls.s; until loop+2; next; print E[calls]", "0x1 (1)");
    cs_mon_prints("load examples/calls.s; break negate; go; finish; print P == do_neg + 1",
               "0x1 (1)");
    cs_mon_prints("load examples/sum.s; display E[i]; go", "1: E[i] = 0x");
}

static void log__copies_commands_and_output(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "session.log");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    char script[CS_PATH], text[CS_PATH + 100];
    snprintf(text, sizeof text, "log %s\nprint 6*7\n# a comment\nnosuch\nlog off\n", path);
    cs_write_text(script, sizeof script, "log.mon", text);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 1);
    cs_outcome_free(&o);
    char *t = cs_slurp(path, NULL);
    assert_non_null(strstr(t, "tgm> print 6*7\n0x2a (42)\n"));
    assert_non_null(strstr(t, "tgm> nosuch\n"));
    assert_non_null(strstr(t, "unknown command 'nosuch'"));
    assert_null(strstr(t, "comment"));
    free(t);
}

/* ---- the tgm command's errors: one line, "tgm: WHAT: WHY" ---- */

static void cli_one_error(int status, const char *want, const char *sub, ...)
{
    struct cs_args a = {0};
    va_list ap;
    va_start(ap, sub);
    for (const char *s; (s = va_arg(ap, const char *)) != NULL;)
        cs_push(&a, s);
    va_end(ap);
    struct cs_outcome o = cs_run_tgm_argv(sub, a.v);
    if (o.status != status)
        fail_msg("tgm %s: status %d, want %d; stderr \"%s\"", sub, o.status, status, o.err);
    cs_assert_one_line(&o, want);
    if (strncmp(o.err, "tgm: ", 5) != 0)
        fail_msg("tgm %s: \"%s\" lacks the tgm: prefix", sub, o.err);
    cs_outcome_free(&o);
}

static void cli__errors_are_one_line_in_one_style(void **state)
{
    (void)state;
    cli_one_error(2, "tgm: monitor: --mem: 0 words is out of range", "monitor", "--mem", "0", NULL);
    cli_one_error(2, "examples/: is a directory", "run", "examples/", NULL);
    cli_one_error(2, "steps is out of range", "run", "--max-steps", "99999999999999999999999",
                  "examples/sum.s", NULL);
    cli_one_error(2, "tgm: as: cannot write /nonexistent/x: /nonexistent: No such file",
                  "as", "-o", "/nonexistent/x", "examples/sum.s", NULL);
    cli_one_error(2, "tgm: monitor: option '-c' needs a value", "monitor", "-c", NULL);
    cli_one_error(2, "tgm: isa: unknown option '--bogus'", "isa", "--bogus", NULL);
    cli_one_error(2, "tgm: counterexample: unknown option '--bogus'",
                  "counterexample", "--bogus", NULL);
    cli_one_error(2, "tgm: analyze: unknown", "analyze", "--bogus", NULL);
    cli_one_error(2, "tgm: check: unknown", "check", "--bogus", NULL);
    cli_one_error(2, "tgm: as: option '-o' needs a value", "as", "-o", NULL);
    cli_one_error(2, "tgm: dis: examples: is a directory", "dis", "examples", NULL);
    cli_one_error(2, "tgm: monitor: examples: is a directory", "monitor", "examples", NULL);
    cli_one_error(2, "tgm: monitor: cannot run script 'examples'", "monitor", "-f", "examples",
                  NULL);
}

static void cli__vmm_quiet_run_names_the_step_limit(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--quiet", "--max-steps", "100",
                                     "examples/supervisor.s", NULL);
    assert_int_equal(o.status, 3);
    cs_assert_one_line(&o, "step limit of 100 reached before HALT");
    cs_outcome_free(&o);
}

static void cli__help_lists_version(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "--version"));
    cs_outcome_free(&o);
}

/* The status a signal gives (docs/monitor.md) is in both helps, not
 * only in the documents. */
static void help__exit_status_names_the_signal_status(void **state)
{
    (void)state;
    cs_mon_prints("help exit", "128 + the\nsignal's number after SIGTERM, SIGHUP");
    struct cs_outcome o = cs_run_tgm("monitor", "--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "128 + the signal's number after\nSIGTERM, SIGHUP"));
    cs_outcome_free(&o);
}

/* 'trace insns' is the real machine's: a hybrid VM's supervisor-mode
 * instructions are interpreted and not in it, as 'help trace' and
 * docs/monitor.md say; without hybrid they run (and trace) as real steps. */
static void trace__hybrid_interpretation_is_not_traced_as_documented(void **state)
{
    (void)state;
    static const char run[] = "vm create a 4096 examples/supervisor.s; trace insns; go for 30";
    char cmds[200];
    cs_mon_prints(run, " real u I=1 P=0x00002 ");
    snprintf(cmds, sizeof cmds, "set hybrid on; %s", run);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "a: stopped after 30 steps"));
    assert_null(strstr(o.out, " real s I="));
    assert_null(strstr(o.out, " real u I="));
    cs_outcome_free(&o);
    cs_mon_prints("help trace", "(the real machine's: not what a hybrid VM's control\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_monitor_fixes");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* One step of history is "1 step", bare and in a VM. */
static void reverse__the_limit_names_one_step(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; step; rstep 2",
                "rstep: can go back at most 1 step (the history starts at step 0)");
    cs_mon_fails("vm create a 256 examples/sum.s; vm select a; step; rstep 2",
                "rstep: can go back at most 1 step (the history starts at step 0)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(expr__deep_nesting_is_an_error_not_a_crash),
        cmocka_unit_test(expr__numbers_that_do_not_fit_are_refused),
        cmocka_unit_test(expr__shifts_agree_with_the_assembler),
        cmocka_unit_test(options__given_twice_are_refused),
        cmocka_unit_test(counts__negative_and_zero_counts_are_refused),
        cmocka_unit_test(set__slice_zero_is_refused_and_changes_nothing),
        cmocka_unit_test(console__clear_forgets_the_output),
        cmocka_unit_test(console__input_escapes_are_the_assemblers),
        cmocka_unit_test(trace__cp_lines_respect_the_cap),
        cmocka_unit_test(go__bad_option_leaves_no_until_breakpoint),
        cmocka_unit_test(script__percent_words_without_arguments),
        cmocka_unit_test(script__a_nul_byte_refuses_the_line),
        cmocka_unit_test(script__empty_first_line_and_bom),
        cmocka_unit_test(check__bad_options_are_refused),
        cmocka_unit_test(expr__labels_hide_builtins_and_dollar_names_them),
        cmocka_unit_test(go__for_n_counts_guest_steps_in_a_vm),
        cmocka_unit_test(vm__destroy_names_the_vm),
        cmocka_unit_test(vm__watch_sees_interpreted_accesses),
        cmocka_unit_test(vm__li_lists),
        cmocka_unit_test(vm__bad_names_are_refused),
        cmocka_unit_test(vm__refused_create_leaves_no_control_program),
        cmocka_unit_test(deposit__real_cp_words_are_refused),
        cmocka_unit_test(reset__forgets_the_history),
        cmocka_unit_test(go__cycles_reports_this_run),
        cmocka_unit_test(go__trap_loop_on_an_empty_machine_stops),
        cmocka_unit_test(load__a_directory_is_named_as_one),
        cmocka_unit_test(labels__relocated_code_is_labelled_by_physical_address),
        cmocka_unit_test(labels__constants_do_not_name_addresses),
        cmocka_unit_test(snapshot__version_2_symbols_are_read_without_kinds),
        cmocka_unit_test(vm_stats__shows_the_events_with_no_trap),
        cmocka_unit_test(live__console_output_appears_during_go),
        cmocka_unit_test(break__condition_false_is_not_a_hit),
        cmocka_unit_test(watch__ignore_without_a_count),
        cmocka_unit_test(snapshot__keeps_break_and_watch_conditions),
        cmocka_unit_test(gdb__words_and_formats),
        cmocka_unit_test(log__copies_commands_and_output),
        cmocka_unit_test(cli__errors_are_one_line_in_one_style),
        cmocka_unit_test(cli__vmm_quiet_run_names_the_step_limit),
        cmocka_unit_test(cli__help_lists_version),
        cmocka_unit_test(reverse__the_limit_names_one_step),
        cmocka_unit_test(help__exit_status_names_the_signal_status),
        cmocka_unit_test(trace__hybrid_interpretation_is_not_traced_as_documented),
    };
    return cmocka_run_group_tests_name("monitor_fixes", tests, group_setup, group_teardown);
}
