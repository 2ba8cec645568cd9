/* test_audit_docrel.c: loose ends between docs/monitor.md (and the docs
 * it leans on) and the monitor, each settled by the code or by a sentence
 * added to the docs, and pinned here.
 *
 * Runs the real binary from the top of the source tree.
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

/* ---- a double quote as a character constant ---- */

/* "Single quotes are not quotes ('c' is a character in an expression)" and
 * "'\"' is a double quote" (docs/monitor.md): the line's tokenizer took the
 * '"' of '"' (and of '\"') for the opening of a double-quoted group, so
 * the ';' after it was inside quotes ('print '"'; print 1' said "unexpected
 * '; print 1'") and a command that takes words said "missing closing
 * quote". */
static void char_quote__is_a_character_not_a_quote(void **state)
{
    (void)state;
    cs_mon_prints_exactly("print '\"'", "0x22 (34)\n");
    cs_mon_prints_exactly("print '\"' + 1", "0x23 (35)\n");
    cs_mon_prints_exactly("print '\"'; print 1", "0x22 (34)\n0x1 (1)\n");
    cs_mon_prints_exactly("print '\"' + 1; echo hi", "0x23 (35)\nhi\n");
    cs_mon_prints_exactly("print '\\\"'; print 1", "0x22 (34)\n0x1 (1)\n");
    cs_mon_prints_exactly("assert '\"' == 34 && '\\\"' == 34; echo ok", "ok\n");
    /* a command that splits its words takes it as one */
    cs_mon_prints_exactly("deposit 0 '\"'; print E[0]; deposit 1 '\\\"'; print E[1]",
                          "0x22 (34)\n0x22 (34)\n");
    cs_mon_prints_exactly("break 5 if E[0] == '\"'; break list",
                          "breakpoint 1 at 0x5 if E[0] == '\"'\n"
                          "  1  break  0x5  hits 0  if E[0] == '\"'\n");
    /* echo prints it as written: it is no quote to take off */
    cs_mon_prints_exactly("echo a '\"' b", "a '\"' b\n");
    /* ';' between single quotes still ends the command, as documented */
    cs_mon_fails("print ';'", "a ';' ends the command: write it as '\\x3b'");
}

/* A guest that copies its console input to its output, then halts. */
#define ECHO_S                                                                                 \
    "        .org  0\n"                                                                        \
    "        .word 0\n"                                                                        \
    "        .word psw(SUP, fault, 0, 0x400)\n"                                                \
    "        .entry start\n"                                                                   \
    "start:  CIN   ch\n"                                                                       \
    "        BEQ   ch, none, done\n"                                                           \
    "        COUT  ch\n"                                                                       \
    "        JMP   start\n"                                                                    \
    "done:   HALT\n"                                                                           \
    "fault:  HALT\n"                                                                           \
    "none:   .word -1\n"                                                                       \
    "ch:     .word 0\n"

/* Double-quoted groups are as they were: a breakpoint's list, console
 * input's string; and inside the list the constant works at its hit. */
static void char_quote__double_quotes_elsewhere_unchanged(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[1024];
    cs_write_text(path, sizeof path, "echo.s", ECHO_S);
    snprintf(cmds, sizeof cmds,
             "load %s; console input \"a \\\"b\\\"; c\"; go; console", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "\na \"b\"; c\n"));
    cs_outcome_free(&o);
    /* the list holds print '"' (typed \" in the quotes), and runs it */
    snprintf(cmds, sizeof cmds,
             "load %s; break done do \"print '\\\"' + 1; echo listed\"; console input x; go",
             path);
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "0x23 (35)\nlisted\n"));
    cs_outcome_free(&o);
    cs_mon_prints_exactly("break 5 do \"print '\\\"'; print 7\"; break list",
                          "breakpoint 1 at 0x5\n"
                          "  1  break  0x5  hits 0  do \"print '\\\"'; print 7\"\n");
    cs_mon_prints_exactly("echo \"a; b\" '\"'", "a; b '\"'\n");
}

/* ---- addresses in relocated code ---- */

/* A user loop relocated to 0x100 (R = (0x100, 0x40) once deposited): four
 * ADDIs and a jump back, never leaving apparent 0..4; E[2] is a HALT that
 * only a supervisor at l = 0 would run. */
#define RELOC_S                                                                                \
    "        .org  0\n"                                                                        \
    "        .word 0\n"                                                                        \
    "        .word psw(SUP, 2, 0, 0x80000)\n"                                                  \
    "        HALT\n"                                                                           \
    "        .org  0x100\n"                                                                    \
    "        ADDI  0x20, 0x20, 1\n"                                                            \
    "        ADDI  0x20, 0x20, 1\n"                                                            \
    "        ADDI  0x20, 0x20, 1\n"                                                            \
    "        ADDI  0x20, 0x20, 1\n"                                                            \
    "        JMP   0\n"

static struct cs_outcome reloc_mon(const char *cmds)
{
    char path[CS_PATH], line[1024];
    cs_write_text(path, sizeof path, "reloc.s", RELOC_S);
    snprintf(line, sizeof line,
             "load %s; deposit P 0; deposit M 0; deposit l 0x100; deposit b 0x40; %s", path,
             cmds);
    return cs_mon_ok(line);
}

static void reloc_has(const char *cmds, const char *want, const char *absent)
{
    struct cs_outcome o = reloc_mon(cmds);
    if (!strstr(o.out, want) || (absent && strstr(o.out, absent)))
        fail_msg("'%s' printed:\n%s---- wanted '%s'%s%s", cmds, o.out, want,
                 absent ? ", not " : "", absent ? absent : "");
    cs_outcome_free(&o);
}

/* docs/monitor.md: "Written with P or a number, an address is E's,
 * physical"; only '.' is developed through R.  'until ADDR' ("run until P
 * reaches ADDR (a one-shot breakpoint)") is that breakpoint, at E[ADDR]:
 * the sentence added after that one says so, with l 0x100. */
static void reloc__until_a_number_is_a_word_of_e(void **state)
{
    (void)state;
    reloc_has("until 0x102; print P", "stopped at 0x2 after 2 steps", NULL);
    reloc_has("go until 0x103; print P", "stopped at 0x3 after 3 steps", NULL);
    reloc_has("until .+1; print P", "stopped at 0x1 after 1 step", NULL);
    /* E[2] is never run: P passes 2 and the run goes on to the limit */
    reloc_has("set limit 30; until 2", "step limit (30) reached", "stopped at");
}

static void reloc__pc_and_p_are_physical_dot_is_not(void **state)
{
    (void)state;
    /* P = 0: $pc is E[0] (the old-PSW word), '.' the ADDI at E[0x100] */
    reloc_has("x/1i $pc", ".word 0x0000000000000000", "ADDI");
    reloc_has("x/1i .", "ADDI   0x20, 0x20, 1", ".word");
    /* at P = 2: 'break P' is E[2], which the loop never runs */
    reloc_has("until .+2; break P; set limit 30; continue",
              "breakpoint 1 at 0x2\nstep limit (30) reached", "hit 1 time");
    reloc_has("until .+2; break .; continue for 30", "breakpoint 1 at 0x102, hit 1 time",
              "step limit");
}

/* ---- trace cp and the hybrid monitor ---- */

/* 'trace cp' listed hybrid among what it shows, but a hybrid stretch is
 * counted, not traced (docs/vmm.md: "no event of its own"; docs/monitor.md:
 * not "in trace cp, which shows traps that reach the control program"):
 * the help now says so, and the trace has no line for it. */
static void trace_cp__hybrid_is_counted_not_traced(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[1024];
    cs_write_text(path, sizeof path, "echo.s", ECHO_S);
    snprintf(cmds, sizeof cmds,
             "set hybrid on; vm create g 4096 %s; vm input g ab; trace cp; go; vm stats", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_null(strstr(o.out, "cp: g"));
    assert_non_null(strstr(o.out, "  (no trap)             0           0           0           0"
                                  "           1\n"));
    cs_outcome_free(&o);
    /* the same guest without hybrid: its COUTs are traced as interpreted */
    snprintf(cmds, sizeof cmds, "vm create g 4096 %s; vm input g ab; trace cp; go", path);
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "cp: g P="));
    assert_non_null(strstr(o.out, "privileged trap -> interpreted"));
    cs_outcome_free(&o);
    o = cs_mon_ok("help trace");
    assert_non_null(strstr(o.out, "(a hybrid VM's stretch of interpreted supervisor code is\n"
                                  "         counted by 'vm stats', column hybrid, not traced"));
    cs_outcome_free(&o);
}

/* ---- numbers ---- */

/* Capital base prefixes and unary '+' were taken by both the monitor and
 * the assembler, but docs/monitor.md listed neither and docs/asm.md only
 * '+': both now say so, and the two agree. */
static void numbers__capital_prefixes_and_unary_plus(void **state)
{
    (void)state;
    cs_mon_prints_exactly("print 0X2A; print 0B101; print 0O52; print +5; print -+-1; "
                          "print 0XFF_FF",
                          "0x2a (42)\n0x5 (5)\n0x2a (42)\n0x5 (5)\n0x1 (1)\n0xffff (65535)\n");
    char path[CS_PATH], cmds[1024];
    cs_write_text(path, sizeof path, "caps.s",
                  "        .word 0X2A\n        .word 0B101010\n        .word 0O52\n"
                  "        .word +5\n        .word -+-1\n");
    snprintf(cmds, sizeof cmds,
             "load %s; print E[0]; print E[1]; print E[2]; print E[3]; print E[4]", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "0x2a (42)\n0x2a (42)\n0x2a (42)\n0x5 (5)\n0x1 (1)\n"));
    cs_outcome_free(&o);
}

/* ---- console input's backslash ---- */

/* docs/monitor.md gave console input's escapes (.ascii's) but not that a
 * double-quoted TEXT is unquoted first, the line's \" and \\ taken before
 * .ascii's: a backslash there is four.  The help now says so, with the
 * example pinned here. */
static void console_input__a_backslash_in_quotes_is_four(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[1024];
    cs_write_text(path, sizeof path, "echo.s", ECHO_S);
    snprintf(cmds, sizeof cmds,
             "load %s; console input \"a\\\\\\\\b\"; console input a\\\\b; "
             "console input \"\\x5c\"; go; console",
             path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "\na\\ba\\b\\\n"));
    cs_outcome_free(&o);
    /* two in quotes are one for .ascii: an escape it refuses */
    cs_mon_fails("console input \"a\\\\b\"", "unknown escape '\\b'");
    o = cs_mon_ok("help console");
    assert_non_null(strstr(o.out, "a backslash is written \\\\\\\\ or \\x5c there: console input\n"
                                  "\"a\\\\\\\\b\" queues a\\b, as console input a\\\\b does."));
    cs_outcome_free(&o);
}

/* ---- check's input ---- */

/* 'input TEXT' is "as 'tgm check --input'", which may be repeated, while
 * "an option is given at most once" in the monitor: docs/monitor.md now
 * says which holds for check's input, and how to give several bytes. */
static void check_input__once_in_the_monitor_repeated_on_the_command_line(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[1024];
    cs_write_text(path, sizeof path, "echo.s", ECHO_S);
    snprintf(cmds, sizeof cmds, "check %s input x input y", path);
    cs_mon_fails(cmds, "'input' given twice");
    snprintf(cmds, sizeof cmds, "check %s input \"x\\ny\"", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, ": EQUIVALENT\n"));
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--input", "x", "--input", "y", path, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, ": equivalent"));
    cs_outcome_free(&o);
}

/* ---- the nested run's step cap ---- */

/* docs/recursion.md: "the stack may take 1,000 times as many real steps";
 * with --vmm the steps it counts are those of the C control program's VM
 * holding the stack, fewer than the real steps reported.  The sentence
 * added there gives these numbers. */
static void nest_cap__counts_the_stacks_machine(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--nest", "5", "--vmm", "--max-steps", "13222",
                                     "examples/os/os.s", NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "the nested run did not halt within 13222000 steps"));
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "5", "--vmm", "--max-steps", "13223", "examples/os/os.s",
                   NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "real steps 13663663, bare 9171"));
    cs_outcome_free(&o);
    /* without --vmm the real steps are the ones counted: 13222403 */
    o = cs_run_tgm("check", "--nest", "5", "--max-steps", "13223", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "real steps 13222403, bare 9171"));
    cs_outcome_free(&o);
    cs_mon_fails("check examples/os/os.s nest 5 vmm steps 13222",
                 "not equivalent at depth 5 on the C control program");
    /* tgm run --nest: the same steps, N of them */
    o = cs_run_tgm("run", "--nest", "5", "--vmm", "--max-steps", "13222402",
                   "examples/os/os.s", NULL);
    assert_non_null(strstr(o.err, "step limit of 13222402 reached before HALT"));
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "5", "--vmm", "--max-steps", "13222403",
                   "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.err, "step limit"));
    assert_non_null(strstr(o.out, "13222403 instructions, 13663663 steps"));
    cs_outcome_free(&o);
}

/* ---- a missing script: -f and do ---- */

/* docs/robustness.md's row "monitor script (-f, do) | missing" shows -f's
 * line and status 2; do's failure is a command's, status 1 (the sentence
 * added after the table says so). */
static void missing_script__f_is_2_do_is_a_failed_command(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[1024];
    cs_tmp_path(path, sizeof path, "missing.mon");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "tgm: monitor: cannot open script '"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "do %s; echo after", path);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    assert_true(strncmp(o.err, "-c:1: do: cannot open script '", 30) == 0);
    assert_non_null(strstr(o.err, "missing.mon': No such file or directory\n"));
    assert_null(strstr(o.out, "after"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "set on-error continue; do %s; echo after", path);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "after\n"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_docrel");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(char_quote__is_a_character_not_a_quote),
        cmocka_unit_test(char_quote__double_quotes_elsewhere_unchanged),
        cmocka_unit_test(reloc__until_a_number_is_a_word_of_e),
        cmocka_unit_test(reloc__pc_and_p_are_physical_dot_is_not),
        cmocka_unit_test(trace_cp__hybrid_is_counted_not_traced),
        cmocka_unit_test(numbers__capital_prefixes_and_unary_plus),
        cmocka_unit_test(console_input__a_backslash_in_quotes_is_four),
        cmocka_unit_test(check_input__once_in_the_monitor_repeated_on_the_command_line),
        cmocka_unit_test(nest_cap__counts_the_stacks_machine),
        cmocka_unit_test(missing_script__f_is_2_do_is_a_failed_command),
    };
    return cmocka_run_group_tests_name("audit_docrel", tests, group_setup, group_teardown);
}
