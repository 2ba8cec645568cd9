/* test_audit_mutrdr56.c: cases that a mutation audit of the monitor's
 * line reader, Tab completion, command table and session commands found
 * no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md) at the edge a mutant
 * moved: a double quote after a single quote that closes no character
 * constant, a script's line of exactly 1 MiB once %1 is replaced, a
 * script of CR LF lines, a setting's prefix shared by several keys, 'vm
 * li <Tab>' read as 'vm list', no flag offered after 'deposit REG'; at
 * the terminal, an alias that begins a command ('rs<Tab>'), a function
 * completed in capitals, 'bare' after 'vm select', a dot-file only after
 * a dot, Ctrl-D's newline, a history file of exactly 16 MiB, every line of the session
 * going to the file 'set histfile' names, a repeated or blank line kept
 * out of the history, and no history file after 'set histfile ""' or
 * with $TGM_HISTORY empty.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "pty_support.h"

/* ---- the line's words ------------------------------------------------ */

/* docs/monitor.md: "Double quotes group words ... Single quotes are not
 * quotes"; only '"' (and '\"') is a character constant that opens no
 * quotes.  A single quote before a '"' that is not closed by one leaves
 * that '"' a quote: the ';' after it is quoted text.  (Mutant: '"x taken
 * as a constant without its closing quote.) */
static void echo__a_quote_after_a_lone_single_quote_groups(void **state)
{
    (void)state;
    cs_mon_prints_exactly("echo '\"a; echo b\"", "'a; echo b\n");
}

/* ---- scripts --------------------------------------------------------- */

/* A script whose one line is 'echo ' and %1 1023 times and then TAIL 'y's,
 * run by 'do' with an argument of 1024 'x's: 5 + 1023 * 1024 + TAIL bytes
 * once %1 is replaced. */
static struct cs_outcome do_line_of(size_t tail)
{
    char path[CS_PATH], arg[1025];
    size_t n = 5 + 2 * 1023 + tail;
    char *text = malloc(n + 2);
    assert_non_null(text);
    memcpy(text, "echo ", 5);
    for (size_t i = 0; i < 1023; i++)
        memcpy(text + 5 + 2 * i, "%1", 2);
    memset(text + 5 + 2 * 1023, 'y', tail);
    memcpy(text + n, "\n", 2);
    cs_write_text(path, sizeof path, "long.mon", text);
    free(text);
    memset(arg, 'x', 1024);
    arg[1024] = '\0';
    char *cmd = malloc(strlen(path) + 1100);
    assert_non_null(cmd);
    sprintf(cmd, "do %s %s", path, arg);
    struct cs_outcome o = cs_mon(cmd);
    free(cmd);
    return o;
}

/* docs/monitor.md, "Scripts": "A line is at most 1 MiB with them
 * replaced, as a script's lines are: a longer one is not run and fails
 * (`FILE:LINE: line longer than 1048576 bytes once %1..%9 and %* are
 * replaced: not run`)": one of exactly 1048576 bytes runs.  (Mutant: the
 * cap refused a line of exactly 1 MiB.) */
static void do__a_line_of_exactly_1_mib_once_replaced_runs(void **state)
{
    (void)state;
    struct cs_outcome o = do_line_of(1019); /* 1048576 bytes */
    if (o.status != 0 || o.out_len != 1048572 || strspn(o.out, "x") != 1023 * 1024 ||
        o.out[1048570] != 'y' || o.out[1048571] != '\n')
        fail_msg("status %d, %zu bytes out, errors: %s", o.status, o.out_len, o.err);
    cs_outcome_free(&o);
    o = do_line_of(1020); /* a byte more */
    assert_int_equal(o.status, 1);
    assert_int_equal(o.out_len, 0);
    assert_non_null(strstr(o.err, "long.mon:1: line longer than 1048576 bytes once %1..%9 and "
                                  "%* are replaced: not run"));
    cs_outcome_free(&o);
}

/* ---- settings ------------------------------------------------------- */

/* docs/monitor.md: "Subcommands and keywords may be abbreviated too";
 * "A prefix that several share is ambiguous there as for commands ...
 * `set c 1`: `set: ambiguous setting 'c' (one of: ...)`": 'set c 1'
 * (cp-memory, cp-profile, console, checkpoint) is ambiguous, not
 * unknown, as 'show c' is.  (Mutant: set's message swapped the two.) */
static void set__a_shared_prefix_is_ambiguous_not_unknown(void **state)
{
    (void)state;
    cs_mon_fails("set c 1",
                 "set: ambiguous setting 'c' (one of: memory profile on-error limit ring histfile "
                 "cp-memory cp-profile hybrid slice console checkpoint)");
    cs_mon_fails("set zz 1", "set: unknown setting 'zz' (one of: ");
}

/* ---- completion ------------------------------------------------------ */

/* docs/monitor.md: "`vm li` is fixed to mean `vm list`, although `limit`
 * shares the prefix", and Tab reads subcommands "as they are taken, in
 * any case and abbreviated"; 'vm list' takes no argument, so "past a
 * command's last argument Tab offers nothing".  (Mutant: the last
 * subcommand the prefix matched, 'limit', won: VM names offered.) */
static void complete__vm_li_is_vm_list_and_offers_nothing(void **state)
{
    (void)state;
    static const char *const lines[] = {"vm li ", "vm LI ", "vm list "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct mon_compl c = ms_compl(lines[i]);
        if (c.kinds[0] || c.words[0])
            fail_msg("'%s': offers kinds '%s' words '%s', want nothing", lines[i], c.kinds,
                     c.words);
    }
    /* 'vm lim' is limit: a VM */
    assert_string_equal(ms_compl("vm lim ").kinds, "v");
}

/* docs/monitor.md, 'deposit': "deposit [-p|-v|-r] ADDR VALUE... |
 * deposit REG VALUE": the flags go before ADDR, so once a register (a
 * fixed word that is no flag) was given Tab offers no flag.  (Mutant:
 * every fixed word of the list counted as a flag, none as plain.) */
static void complete__no_flag_after_a_register(void **state)
{
    (void)state;
    static const char *const lines[] = {"deposit P ", "deposit psw ", "d pc "};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct mon_compl c = ms_compl(lines[i]);
        if (ms_has_word(c.words, "-p") || ms_has_word(c.words, "-v") ||
            ms_has_word(c.words, "-r") || !strchr(c.kinds, 's'))
            fail_msg("'%s': offers kinds '%s' words '%s', want labels and no flag", lines[i],
                     c.kinds, c.words);
    }
    assert_true(ms_has_word(ms_compl("deposit ").words, "-p"));
}

/* ---- at the terminal ------------------------------------------------- */

/* docs/monitor.md: "Any unique prefix of a command names it" and Tab
 * "completes command names": 'rs', also rstep's own alias, completes
 * to 'rstep ' as any prefix does, not listed beside it.  (Mutant: an
 * alias typed in full was offered even where it begins a command.) */
static void pty__an_alias_that_begins_a_command_completes_it(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "rs\t2\r"); /* "rstep " completed, then its count */
    pt_expect(&s, "rstep: nothing to go back to");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    assert_null(strstr(s.screen.buf, "unknown command"));
}

/* docs/monitor.md: the functions are taken with "the names in any case",
 * and "A command name is completed in any case, as it is taken, in
 * capitals when typed in capitals": 'print RB<Tab>' gives 'print RB(', as
 * 'print rb<Tab>' gives 'print rb('.  (Mutant: the functions matched in
 * their own case only.) */
static void pty__a_function_completes_in_any_case(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "print RB\t"); /* the line now reads "print RB(" */
    pt_expect(&s, "(");
    pt_type(&s, "0,1)\r");
    pt_expect(&s, "0x1 (1)\r\n");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
}

/* docs/monitor.md, 'vm': "vm select NAME|bare", and Tab completes "VM
 * names (`vm select g<Tab>`)" and keywords: 'bare' is offered there too.
 * (Mutant: only the VMs' names offered.) */
static void pty__vm_select_completes_bare(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "vm select ba\t"); /* the line now reads "vm select bare " */
    pt_expect(&s, "re ");
    pt_type(&s, "\x15");
    pt_quit(&s);
}

/* docs/monitor.md, "The terminal": Tab completes "file names (`load
 * exa<Tab>`; those beginning with a dot only after a dot, as a shell
 * offers them)": with hx.s and .hy.s there, 'load <Tab>' is 'load hx.s'
 * and 'load .h<Tab>' 'load .hy.s'.  (Mutants: dot-files offered always;
 * never.) */
static void pty__a_dot_file_is_offered_only_after_a_dot(void **state)
{
    (void)state;
    pt_put_file("hx.s", "HALT\n");
    pt_put_file(".hy.s", "HALT\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load \t\r");
    pt_expect(&s, "bare: loaded hx.s: 1 word at 0");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load .h\t\r");
    pt_expect(&s, "bare: loaded .hy.s: 1 word at 0");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
}

/* docs/monitor.md, "The terminal": "Ctrl-D ends the prompt's line first,
 * so that the shell's prompt starts on a line of its own": the screen
 * ends with the prompt's line (and the ^D the terminal echoes) and one
 * newline, and the status is 0.  (Mutant: no newline.) */
static void pty__ctrl_d_ends_the_prompt_line(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    const char *last = strstr(s.screen.buf, "tgm> ");
    assert_non_null(last);
    for (const char *p; (p = strstr(last + 1, "tgm> "));)
        last = p;
    if (strcspn(last, "\r\n") + 2 != strlen(last))
        fail_msg("the screen does not end with the prompt's line:\n%s", s.screen.buf);
    cs_assert_ends_with(last, "\r\n");
}

/* docs/monitor.md, "The terminal": a history file is refused when it is
 * "larger than 16 MiB (`F: larger than 16777216 bytes, the limit for a
 * history file`)": one of exactly 16777216 bytes is taken.  (Mutant: the
 * limit itself refused.) */
static void pty__a_history_file_of_exactly_16_mib_is_taken(void **state)
{
    (void)state;
    pt_put_history("big", 16777216);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    s.slow = true; /* each line writes the big history */
    pt_type(&s, "set histfile big\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "show histfile\r");
    pt_expect(&s, "histfile   big\r\n");
    pt_quit(&s);
    assert_null(strstr(s.screen.buf, "larger than"));
}

/* docs/monitor.md, "The terminal": "`set histfile F` keeps F's history
 * ... F ends as its old lines followed by every line of this session":
 * all 150 typed before the change too.  (Mutant: the session's own lines
 * kept only to its newest 100.) */
static void pty__set_histfile_takes_every_line_of_the_session(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    char line[32];
    for (int i = 1; i <= 150; i++) { /* comments: lines with no spaces */
        snprintf(line, sizeof line, "#c%d\r", i);
        pt_type(&s, line);
        pt_expect(&s, "tgm> ");
    }
    pt_type(&s, "set histfile h2\r");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    char path[CS_PATH];
    char *t = cs_slurp(pt_in_dir(path, sizeof path, "h2"), NULL);
    if (strncmp(t, "_HiStOrY_V2_\n#c1\n#c2\n", 21) != 0 || !strstr(t, "\n#c150\n") ||
        !strstr(t, "\nquit\n"))
        fail_msg("h2 holds:\n%.300s", t);
    free(t);
}

/* docs/monitor.md, "Scripts": "a line may end in CR LF as a file written
 * on Windows does (the carriage returns at its end are dropped)", in a
 * script 'do' runs too, whose %1 is not left with a CR after it, and an
 * empty CR LF line is an empty line.  (Mutant: only the LF dropped.) */
static void do__a_script_of_crlf_lines_runs_as_typed(void **state)
{
    (void)state;
    char inner[CS_PATH], outer[CS_PATH];
    cs_write_text(inner, sizeof inner, "inner.mon", "echo [%1]\r\n");
    char text[2 * CS_PATH];
    snprintf(text, sizeof text, "echo one\r\n\r\ndo %s two\r\r\necho \"x \"\r\n", inner);
    cs_write_text(outer, sizeof outer, "outer.mon", text);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", outer, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "one\n[two]\nx \n");
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
}

/* docs/monitor.md, "The terminal": "A line of blanks only, or the same
 * as the line before it, is not added": the file holds #a once for the
 * two typed in a row, no blank line, and #a again after #b; so does the
 * file 'set histfile' then takes every line of the session to.
 * (Mutants: a repeat kept in the list; the blank line kept.) */
static void pty__a_repeated_or_blank_line_is_not_added(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    const char *const lines[] = {"#a\r", "#a\r", "   \r", "\r", "#b\r", "#a\r"};
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        pt_type(&s, lines[i]);
        pt_expect(&s, "tgm> ");
    }
    pt_type(&s, "#b\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set histfile h2\r");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    const char *const files[] = {".tgm_history", "h2"};
    const char *const want[] = {"_HiStOrY_V2_\n#a\n#b\n#a\n#b\n",
                                "_HiStOrY_V2_\n#a\n#b\n#a\n#b\nset\\040histfile\\040h2\nquit\n"};
    for (int i = 0; i < 2; i++) {
        char path[CS_PATH];
        char *t = cs_slurp(pt_in_dir(path, sizeof path, files[i]), NULL);
        if (strcmp(t, want[i]) != 0)
            fail_msg("%s holds:\n%s", files[i], t);
        free(t);
    }
}

/* docs/monitor.md, "The terminal": "after `set histfile \"\"` the lines
 * that follow go to no file": none is written, and nothing warns that
 * one could not be.  (Mutant: "" taken as a file's name.) */
static void pty__set_histfile_empty_writes_no_file(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "before");
    pt_type(&s, "set histfile \"\"\r");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "after");
    pt_type(&s, "show histfile\r");
    pt_expect(&s, "histfile   (none: no history file)\r\n");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    assert_null(strstr(s.screen.buf, "warning"));
    char path[CS_PATH];
    char *t = cs_slurp(pt_in_dir(path, sizeof path, ".tgm_history"), NULL);
    if (!strstr(t, "before") || strstr(t, "after"))
        fail_msg("~/.tgm_history holds:\n%s", t);
    free(t);
}

/* docs/monitor.md, "The terminal": history is kept "in `~/.tgm_history`,
 * or in the file named by `$TGM_HISTORY` (empty: no file)": 'show
 * histfile' says so and the session writes no file.  (Mutant: an empty
 * $TGM_HISTORY taken as a file's name.) */
static void pty__an_empty_tgm_history_keeps_no_file(void **state)
{
    (void)state;
    struct pt_session s;
    pt_start_history(&s, "");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "show histfile\r");
    pt_expect(&s, "histfile   (none: no history file)\r\n");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "one");
    pt_quit(&s);
    char home[CS_PATH];
    assert_int_not_equal(access(pt_in_dir(home, sizeof home, ".tgm_history"), F_OK), 0);
    assert_null(strstr(s.screen.buf, "warning"));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutrdr56");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echo__a_quote_after_a_lone_single_quote_groups),
        cmocka_unit_test(do__a_script_of_crlf_lines_runs_as_typed),
        cmocka_unit_test(set__a_shared_prefix_is_ambiguous_not_unknown),
        cmocka_unit_test(complete__vm_li_is_vm_list_and_offers_nothing),
        cmocka_unit_test(do__a_line_of_exactly_1_mib_once_replaced_runs),
        cmocka_unit_test(complete__no_flag_after_a_register),
        cmocka_unit_test_setup_teardown(pty__an_alias_that_begins_a_command_completes_it,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_function_completes_in_any_case, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__vm_select_completes_bare, pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_d_ends_the_prompt_line, pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_dot_file_is_offered_only_after_a_dot, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_history_file_of_exactly_16_mib_is_taken,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__set_histfile_takes_every_line_of_the_session,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_repeated_or_blank_line_is_not_added, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__set_histfile_empty_writes_no_file, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__an_empty_tgm_history_keeps_no_file, pt_setup,
                                        pt_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
