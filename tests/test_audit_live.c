/* test_audit_live.c: the monitor at a real terminal (docs/monitor.md, "The
 * terminal") against what it does there: Ctrl-C stopping 'step N' and
 * 'next N' with the stop said as 'go' says it, and Ctrl-C returning to the
 * prompt from a script run by 'do' and from the rest of a typed line; Tab
 * taking a command's other names (ni, stepi, run) typed in full, and
 * offering no keyword inside a breakpoint's condition; 'show histfile'
 * naming the default file; the history file keeping its mode.
 * Each test fails on the tree before its fix.
 *
 * Drives the real binary on a pseudo-terminal (pty_support).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "pty_support.h"

static int setup(void **state)
{
    pt_setup_loop(state);
    pt_put_file("long.mon", "go\necho after-go\n");
    return 0;
}

/* After Ctrl-C the machine is stopped inside the loop, its state intact,
 * and the shell goes on. */
static void still_in_the_loop(struct pt_session *s)
{
    pt_type(s, "print P >= spin && P <= spin + 1 && E[n] > 0\r");
    pt_expect(s, "0x1 (1)");
    pt_expect(s, "tgm> ");
}

/* Ctrl-C in the middle of CMD (a 'step N' or 'next N'): the stop is said,
 * as 'go' says it, and the machine is where it stopped. */
static void ctrl_c_stops(const char *cmd)
{
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, cmd);
    pt_expect(&s, "    PSW ");
    usleep(200 * 1000);
    pt_type(&s, "\x03");
    pt_expect(&s, "interrupted after ");
    pt_expect(&s, " steps: s I=0 P=");
    pt_expect(&s, "tgm> ");
    still_in_the_loop(&s);
    pt_quit(&s);
}

/* "Ctrl-C stop it early, as they stop 'go'" (help step): 'step N' stopped
 * at Ctrl-C but said nothing of it, the last step's line cut short by the
 * ^C and the prompt next, where 'go' says "interrupted after N steps". */
static void live__ctrl_c_stops_step_n_and_says_so(void **state)
{
    (void)state;
    ctrl_c_stops("step 100000000\r");
}

/* The same for 'next N' over instructions that are no calls: "Ctrl-C stop
 * it early; a stop says after how many steps and cycles of the command,
 * as 'go' does" (help next). */
static void live__ctrl_c_stops_next_n_and_says_so(void **state)
{
    (void)state;
    ctrl_c_stops("next 100000000\r");
}

/* "Ctrl-C while the machine runs stops it ... and returns to the prompt":
 * in a script run by 'do' the script went on with its next line instead,
 * so a script of several runs could not be left at all. */
static void live__ctrl_c_ends_a_script_at_the_prompt(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "tgm> ");
    size_t from = s.screen.len;
    pt_type(&s, "do long.mon\r");
    pt_expect(&s, "Ctrl-C stops");
    usleep(200 * 1000);
    pt_type(&s, "\x03");
    pt_expect(&s, "interrupted after ");
    pt_expect(&s, "do: interrupted: the rest of long.mon is not run");
    pt_expect(&s, "tgm> ");
    still_in_the_loop(&s);
    pt_echo(&s, "alive");
    assert_false(pt_screen_has(&s, from, "\nafter-go"));
    pt_quit(&s); /* a failure at the terminal is left behind: status 0 */
}

/* The same for the commands after the run on the line typed. */
static void live__ctrl_c_ends_the_typed_line_at_the_prompt(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    size_t from = s.screen.len;
    pt_type(&s, "load loop.s; go; echo after-go\r");
    pt_expect(&s, "Ctrl-C stops");
    usleep(200 * 1000);
    pt_type(&s, "\x03");
    pt_expect(&s, "interrupted after ");
    pt_expect(&s, "tgm> ");
    still_in_the_loop(&s);
    pt_echo(&s, "alive");
    /* echo's output starts a line; the typed line has "echo " before it */
    assert_false(pt_screen_has(&s, from, "\nafter-go"));
    pt_quit(&s);
}

/* docs/monitor.md, "Starting": "only the terminal goes on after a
 * failure, at the next line typed (the commands after the failed one on
 * its line are not run, whatever `set on-error` says, as after Ctrl-C)":
 * 'set on-error continue' is for scripts. */
static void live__a_failure_ends_the_typed_line(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set on-error continue\r");
    pt_expect(&s, "tgm> ");
    size_t from = s.screen.len;
    pt_type(&s, "bogus; echo after-bogus\r");
    pt_expect(&s, "unknown command");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "alive");
    assert_false(pt_screen_has(&s, from, "\nafter-bogus"));
    pt_quit(&s);
}

/* "Tab completes command names": a command's other name typed in full
 * that begins none of the names (gdb's ni and stepi, 'run') rang the bell
 * and got no space, so 'stepi<Tab>2' ran the unknown command 'stepi2'. */
static void live__tab_takes_a_commands_other_names(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "tgm> ");
    size_t from = s.screen.len;
    pt_type(&s, "stepi\t2\r");
    pt_expect(&s, "spin         ADDI");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "NI\t1\r");      /* in capitals, as it is taken */
    pt_expect(&s, "JMP    spin");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "run\tfor 3\r");
    pt_expect(&s, "stopped after 3 steps");
    pt_expect(&s, "tgm> ");
    assert_false(pt_screen_has(&s, from, "unknown command"));
    pt_quit(&s);
}

/* "if EXPR ...but only when EXPR is true (the rest of the line ...)"
 * (help break, help watch): after 'if' and a word of the condition Tab
 * offered the keywords ignore, do and if, which the condition would then
 * take as its own words ("condition: unexpected 'ignore 2'"); anywhere in
 * the condition it offers the labels and functions only. */
static void live__tab_offers_no_keyword_inside_a_condition(void **state)
{
    (void)state;
    static const char *const lines[] = {
        "break loop if E[n] > 3 ", "break loop if E[n] > 3 ig", "watch n if E[n] == 3 d",
        "b loop ignore 2 if x ",   "watch write n 2 IF x ",
    };
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        struct mon_compl c = ms_compl(lines[i]);
        if (c.words[0] || !strchr(c.kinds, 's') || !strchr(c.kinds, 'e'))
            fail_msg("'%s': words '%s', kinds '%s': want labels and functions only",
                     lines[i], c.words, c.kinds);
    }
    /* before 'if' the keywords are still there */
    assert_non_null(strstr(ms_compl("break loop ignore 2 ").words, "if"));
}

/* 'show histfile' at the terminal named no file when the default was in
 * use ("(default: $TGM_HISTORY or ~/.tgm_history)"), though the session
 * keeps one there; it names the file the default comes to. */
static void live__show_histfile_names_the_default_file(void **state)
{
    (void)state;
    char want[4200];
    snprintf(want, sizeof want, "histfile   %s/.tgm_history (the default)", pt_dir());
    struct pt_session s = {0};
    pt_start(&s); /* $HOME is the test's directory, $TGM_HISTORY unset */
    pt_expect(&s, "tgm> ");
    pt_type(&s, "show histfile\r");
    pt_expect(&s, want);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set histfile \"\"; show histfile\r");
    pt_expect(&s, "histfile   (none: no history file)");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
}

/* docs/robustness.md: every file tgm writes, the history file too, goes
 * through the one writer, and "the old file's mode ... is kept": libedit's
 * save made the history file 0600 whatever it had been. */
static void live__the_history_file_keeps_its_mode(void **state)
{
    (void)state;
    char path[CS_PATH];
    pt_in_dir(path, sizeof path, ".tgm_history");
    pt_put_file(".tgm_history", "_HiStOrY_V2_\necho\\040old\n");
    assert_int_equal(chmod(path, 0644), 0);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "kept");
    pt_quit(&s);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0644);
    char *text = cs_slurp(path, NULL);
    if (!strstr(text, "echo\\040old\n") || !strstr(text, "echo\\040kept\n"))
        fail_msg("the history file holds \"%s\"", text);
    free(text);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(live__ctrl_c_stops_step_n_and_says_so, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__ctrl_c_stops_next_n_and_says_so, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__ctrl_c_ends_a_script_at_the_prompt, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__ctrl_c_ends_the_typed_line_at_the_prompt, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__a_failure_ends_the_typed_line, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__tab_takes_a_commands_other_names, setup,
                                        pt_teardown),
        cmocka_unit_test(live__tab_offers_no_keyword_inside_a_condition),
        cmocka_unit_test_setup_teardown(live__show_histfile_names_the_default_file, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(live__the_history_file_keeps_its_mode, setup,
                                        pt_teardown),
    };
    return cmocka_run_group_tests_name("audit_live", tests, NULL, NULL);
}
