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

/* 'tgm monitor -c CMDS' succeeds and its output is exactly WANT. */
static void mon_says(const char *cmds, const char *want)
{
    struct cs_outcome o = cs_mon_ok(cmds);
    if (strcmp(o.out, want) != 0)
        fail_msg("monitor -c '%s' printed:\n%s---- wanted:\n%s", cmds, o.out, want);
    cs_outcome_free(&o);
}

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
    mon_says("print '\"'", "0x22 (34)\n");
    mon_says("print '\"' + 1", "0x23 (35)\n");
    mon_says("print '\"'; print 1", "0x22 (34)\n0x1 (1)\n");
    mon_says("print '\"' + 1; echo hi", "0x23 (35)\nhi\n");
    mon_says("print '\\\"'; print 1", "0x22 (34)\n0x1 (1)\n");
    mon_says("assert '\"' == 34 && '\\\"' == 34; echo ok", "ok\n");
    /* a command that splits its words takes it as one */
    mon_says("deposit 0 '\"'; print E[0]; deposit 1 '\\\"'; print E[1]",
             "0x22 (34)\n0x22 (34)\n");
    mon_says("break 5 if E[0] == '\"'; break list",
             "breakpoint 1 at 0x5 if E[0] == '\"'\n"
             "  1  break  0x5  hits 0  if E[0] == '\"'\n");
    /* echo prints it as written: it is no quote to take off */
    mon_says("echo a '\"' b", "a '\"' b\n");
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
    mon_says("break 5 do \"print '\\\"'; print 7\"; break list",
             "breakpoint 1 at 0x5\n"
             "  1  break  0x5  hits 0  do \"print '\\\"'; print 7\"\n");
    mon_says("echo \"a; b\" '\"'", "a; b '\"'\n");
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
    };
    return cmocka_run_group_tests_name("audit_docrel", tests, group_setup, group_teardown);
}
