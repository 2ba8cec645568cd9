/* test_audit_mon.c: monitor behaviours the docs state (or tgm's other
 * commands do) that an audit found broken: keywords taken in any case
 * ('vm select BARE' too); the one-shot breakpoint of 'until' kept out of
 * the user's numbers, list and snapshots; a character constant with the
 * assembler's escapes; a snapshot's control-program settings before any
 * VM; the instruction a timer event names, and relocated code's operands
 * in the trace; print/x 0; 'watch list x'; an ambiguous keyword;
 * 'show histfile' with none.  Each test fails on the tree before its fix.
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

/* "Commands, their prefixes and letters, subcommands and keywords are
 * taken in any case": a watchpoint's kind, 'if', 'list', display's
 * 'delete' and 'all', trace's 'screen' and log's 'off' too. */
static void keywords__in_any_case(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; watch READ total; watch list", "1  watch  read 0xd..0xd");
    cs_mon_prints("load examples/sum.s; watch Access total; watch LIST",
                  "1  watch  access 0xd..0xd");
    cs_mon_prints("load examples/sum.s; watch total IF E[total] > 100; info watch",
                  "if E[total] > 100");
    cs_mon_prints("load examples/sum.s; break loop If i == 3; break List", "if i == 3");
    cs_mon_prints("display 1; display DELETE ALL; display",
                  "no display expressions ('display EXPR' adds one)");
    cs_mon_prints("trace insns TO SCREEN", "; to screen (0 of at most");
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "kw.log");
    snprintf(cmds, sizeof cmds, "log %s; log OFF", path);
    char want[CS_PATH + 32];
    snprintf(want, sizeof want, "log %s closed", path);
    cs_mon_prints(cmds, want);
}

/* 'until ADDR' is "a one-shot breakpoint": not one of the user's, so the
 * next 'break' is still number 1, and a list or a 'save' made while it is
 * set (in a breakpoint's commands) neither shows nor keeps it. */
static void until__its_breakpoint_is_not_the_users(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; until 5; break 4", "breakpoint 1 at 0x4 loop");
    cs_mon_prints("load examples/sum.s; go until stop for 3; break 4", "breakpoint 1 at 0x4");
    char path[CS_PATH], cmds[2 * CS_PATH + 128];
    cs_tmp_path(path, sizeof path, "until.snap");
    snprintf(cmds, sizeof cmds,
             "load examples/sum.s; break loop do \"break list; save %s; continue\"; go until stop",
             path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_null(strstr(o.out, "break  0x9"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "restore %s; break list", path);
    o = cs_mon_ok(cmds);
    assert_null(strstr(o.out, "break  0x9"));
    assert_non_null(strstr(o.out, "1  break  0x4 loop"));
    cs_outcome_free(&o);
}

/* An expression's 'c' is the assembler's character literal (docs/asm.md),
 * '\x41' and '\"' included; a bad one is still refused. */
static void expr__character_escapes_as_in_the_assembler(void **state)
{
    (void)state;
    cs_mon_prints("print '\\x41'", "0x41 (65)");
    cs_mon_prints("print '\\\"'", "0x22 (34)");
    cs_mon_prints("assert 'A' == '\\x41'; echo ok", "ok");
    cs_mon_fails("print '\\x4g'", "print: bad character constant near ''\\x4g''");
    cs_mon_fails("print 'ab'", "print: bad character constant near ''ab''");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'vm select NAME|bare': bare is a keyword, so it is taken in any case,
 * and no VM may be named BARE either (vm select BARE said "no VM named
 * 'BARE'", and 'vm create BARE' made one the keyword then hid). */
static void vm_select__bare_in_any_case(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 4096 examples/sum.s; vm select BARE; vm list",
                  "\n   0 a            runnable");
    cs_mon_fails("vm create BARE 100", "vm: bad VM name 'BARE'");
    cs_mon_fails("vm create Bare 100", "vm: bad VM name 'Bare'");
}

/* docs/monitor.md: a snapshot's SESS holds "memory sizes, profiles, focus,
 * slice, hybrid".  With no VM yet, the control program's settings were
 * not saved: a restore in a new session gave the defaults. */
static void save__keeps_the_control_programs_settings_before_any_vm(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 128];
    cs_tmp_path(path, sizeof path, "cfg.snap");
    snprintf(cmds, sizeof cmds,
             "set slice 500; set hybrid on; set cp-memory 70000; set cp-profile pdp10; save %s",
             path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds, "restore %s; set", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"cp-memory  70000", "cp-profile pdp10",
                                                   "hybrid     on", "slice      500", NULL},
                             "the settings restored");
    cs_outcome_free(&o);
}

/* include/tgm/vmm.h: an event's word is "the instruction at P, if it could
 * be fetched".  For the control program's timer ending a slice and for a
 * virtual timer trap delivered, trace cp showed '.word 0x0000000000000000'
 * where the instruction was, say, an ADDI. */
static void trace_cp__a_timer_event_shows_the_instruction_at_p(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a 4096 examples/sum.s; vm create b 4096 "
                                 "examples/calls.s; set slice 20; trace cp; go for 60");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "cp: a P=0x00007 ADDI   i, i, 1               timer trap -> "
                                  "scheduler"));
    assert_null(strstr(o.out, ".word 0x0000000000000000"));
    cs_outcome_free(&o);
}

/* print/x of 0 said "0" where /o and /b said 0o0 and 0b0 (docs/monitor.md:
 * "one format: hex, ..."; gdb's p/x 0 is 0x0). */
static void print_x__zero_has_its_prefix(void **state)
{
    (void)state;
    cs_mon_prints("print/x 0; echo end", "0x0\nend");
    cs_mon_prints("display/x 0", "1: 0 = 0x0");
}

/* 'watch list x' said "unknown name 'list'", where 'break list x' gives
 * the usage line. */
static void watch_list__with_a_word_after_it_gives_the_usage(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; watch list x", "-c:1: watch: usage: watch ");
}

/* 'show histfile' after 'set histfile ""' (no file, docs/monitor.md) showed
 * nothing after the key. */
static void show_histfile__none_is_said(void **state)
{
    (void)state;
    cs_mon_prints("set histfile \"\"; show histfile", "histfile   (none: no history file)\n");
}

/* trace cp disassembled relocated user code with the labels of the words
 * its operands name at l = 0: 'SVC 1' at l = 0x100 was 'SVC new', the
 * supervisor's E[1].  step shows such operands as numbers; so does the
 * trace now. */
static void trace_cp__relocated_code_keeps_its_operands_numbers(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(path, sizeof path, "reloc.s",
                  "        .entry start\n"
                  "old:    .word 0\n"
                  "new:    .word psw(1, handler, 0, 0x80000)\n"
                  "start:  LPSW upsw\n"
                  "handler: HALT\n"
                  "upsw:   .word psw(0, 0, 0x100, 0x10)\n"
                  "        .org 0x100\n"
                  "        SVC 1\n");
    snprintf(cmds, sizeof cmds, "vm create a 4096 %s; trace cp; go", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "cp: a P=0x00000 SVC    0x1 "));
    assert_non_null(strstr(o.out, "cp: a P=0x00002 LPSW   upsw "));
    cs_outcome_free(&o);
}

/* A keyword two of a command's words begin with is "ambiguous", as set,
 * show and vm say (trace and check called it unknown); an empty breakpoint
 * number is named '' (it was a double space). */
static void keywords__an_ambiguous_one_is_called_so(void **state)
{
    (void)state;
    cs_mon_fails("trace t", "-c:1: trace: ambiguous word 't' (usage: trace ");
    cs_mon_fails("check examples/sum.s s 5", "-c:1: check: ambiguous option 's' (usage: check ");
    cs_mon_fails("trace zz", "-c:1: trace: unknown word 'zz' (usage: trace ");
    cs_mon_fails("delete \"\"", "-c:1: delete: no breakpoint '' (see 'break list')");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keywords__in_any_case),
        cmocka_unit_test(until__its_breakpoint_is_not_the_users),
        cmocka_unit_test(expr__character_escapes_as_in_the_assembler),
        cmocka_unit_test(vm_select__bare_in_any_case),
        cmocka_unit_test(save__keeps_the_control_programs_settings_before_any_vm),
        cmocka_unit_test(trace_cp__a_timer_event_shows_the_instruction_at_p),
        cmocka_unit_test(print_x__zero_has_its_prefix),
        cmocka_unit_test(watch_list__with_a_word_after_it_gives_the_usage),
        cmocka_unit_test(show_histfile__none_is_said),
        cmocka_unit_test(trace_cp__relocated_code_keeps_its_operands_numbers),
        cmocka_unit_test(keywords__an_ambiguous_one_is_called_so),
    };
    return cmocka_run_group_tests_name("audit_mon", tests, group_setup, group_teardown);
}
