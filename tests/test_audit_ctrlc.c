/* test_audit_ctrlc.c: the line of Ctrl-C's ^C against docs/monitor.md,
 * "The terminal": with the output a pipe ('tgm monitor | tee log') "the
 * line is still edited on the terminal, where the prompt, the typed line,
 * Tab's lists and Ctrl-C's `^C` appear; the pipe gets the output of the
 * commands".  A run stopped by Ctrl-C ended the ^C's line with a newline
 * on standard output: the pipe got a blank line before the stop, and the
 * terminal kept the ^C's line open (the prompt or an error after it), or
 * during 'go', whose run turns the terminal's echo off, showed no ^C; and
 * a Ctrl-C no command said left the next prompt on the ^C's line.
 * Each test fails on the tree before its fix.
 *
 * Drives the real binary on a pseudo-terminal (pty_support), its standard
 * output a pipe or the terminal itself.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"

/* The pipe holds no blank line: only the commands' output, line by line. */
static void pipe_has_no_blank_line(const struct pt_session *s)
{
    if (strstr(s->piped.buf, "\n\n"))
        fail_msg("a blank line in the pipe:\n%s", s->piped.buf);
}

/* The terminal shows TEXT next, right after the last match. */
static void expect_next(struct pt_session *s, const char *text)
{
    size_t from = s->screen.seen;
    pt_expect(s, text);
    if (s->screen.seen - strlen(text) != from)
        fail_msg("'%s' came after:\n%.*s", text,
                 (int)(s->screen.seen - strlen(text) - from), s->screen.buf + from);
}

/* A session whose output is a pipe, loop.s loaded, at the prompt. */
static void start_piped(struct pt_session *s)
{
    pt_start_piped(s, false);
    pt_expect_piped(s, "tgm monitor: bare machine of");
    pt_expect(s, "tgm> ");
    pt_type(s, "load loop.s\r");
    pt_expect_piped(s, "loaded");
    pt_expect(s, "tgm> ");
}

/* Ctrl-C once the command typed has been under way a while. */
static void ctrl_c_soon(struct pt_session *s)
{
    usleep(300 * 1000);
    pt_type(s, "\x03");
}

/* 'go' turns the terminal's echo off (keys go to the guest), so the
 * terminal did not show the ^C, and the newline meant to end its line went
 * to the pipe. */
static void ctrlc__go_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    start_piped(&s);
    pt_type(&s, "go\r");
    pt_expect(&s, "go\r\n");
    ctrl_c_soon(&s);
    pt_expect_piped(&s, "(Ctrl-C stops)\ninterrupted after ");
    pt_expect_piped(&s, " steps: ");
    expect_next(&s, "^C\r\ntgm> "); /* the ^C on a line of its own */
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* 'step N' keeps the terminal's echo: the terminal shows ^C itself, and
 * its line was left open, the next prompt on it ("^Ctgm> "). */
static void ctrlc__step_n_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    start_piped(&s);
    pt_type(&s, "step 100000000\r");
    pt_expect(&s, "step 100000000\r\n");
    pt_expect_piped(&s, "    PSW ");
    ctrl_c_soon(&s);
    pt_expect_piped(&s, "interrupted after ");
    expect_next(&s, "^C\r\ntgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* 'next N' over instructions that are no calls steps as 'step N' does. */
static void ctrlc__next_n_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    start_piped(&s);
    pt_type(&s, "next 100000000\r");
    pt_expect(&s, "next 100000000\r\n");
    pt_expect_piped(&s, "    PSW ");
    ctrl_c_soon(&s);
    pt_expect_piped(&s, "interrupted after ");
    expect_next(&s, "^C\r\ntgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* A VM's run: the stop is the VM's, said in the pipe with no blank line
 * before it; the terminal shows the ^C on its own line. */
static void ctrlc__vm_run_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_piped(&s, false);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "vm create spinner 4096 loop.s\r");
    pt_expect(&s, "tgm spinner> ");
    pt_type(&s, "continue\r");
    pt_expect(&s, "continue\r\n");
    ctrl_c_soon(&s);
    pt_expect_piped(&s, "(Ctrl-C stops)\nspinner: interrupted after ");
    expect_next(&s, "^C\r\ntgm spinner> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* 'check' leaves the echo on: the terminal's ^C, then the error on a line
 * of its own (it came right after the ^C), and no blank line in the pipe. */
static void ctrlc__check_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    start_piped(&s);
    pt_type(&s, "check loop.s steps 30000000000\r");
    pt_expect(&s, "check loop.s steps 30000000000\r\n");
    ctrl_c_soon(&s);
    expect_next(&s, "^C\r\ncheck: interrupted: no verdict\r\n");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* 'rcontinue' abandoned: its error on a line of its own after the ^C. */
static void ctrlc__rcontinue_to_a_pipe(void **state)
{
    (void)state;
    struct pt_session s = {0};
    start_piped(&s);
    pt_type(&s, "go for 1000000000\r"); /* a history some seconds long to search */
    pt_expect_piped(&s, "stopped after 1000000000 steps");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "rcontinue\r");
    pt_expect(&s, "rcontinue\r\n");
    ctrl_c_soon(&s);
    expect_next(&s, "^C\r\nrcontinue: interrupted: the machine is where it was\r\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pipe_has_no_blank_line(&s);
}

/* A Ctrl-C no command says, here one that lands while the banner waits for
 * room in a full pipe: the terminal echoes its ^C, and the prompt came on
 * that line ("^Ctgm> "); it starts a line of its own. */
static void ctrlc__unsaid_ctrl_c_leaves_the_prompt_its_own_line(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_piped(&s, true);
    assert_true(cs_blocked_in(s.pid, SYS_write)); /* the banner, into the full pipe */
    pt_type(&s, "\x03");
    usleep(200 * 1000);
    pt_expect_piped(&s, "tgm monitor: bare machine of");
    expect_next(&s, "^C\r\ntgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
}

/* The output the terminal too: where the ^C goes the screen showed a blank
 * line, 'go' having turned the echo off. */
static void ctrlc__go_at_the_terminal_shows_the_caret(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "(Ctrl-C stops)\r\n");
    ctrl_c_soon(&s);
    pt_expect(&s, "interrupted after ");
    pt_expect(&s, "tgm> ");
    assert_non_null(strstr(s.screen.buf, "(Ctrl-C stops)\r\n^C\r\ninterrupted after "));
    pt_quit(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ctrlc__go_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__step_n_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__next_n_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__vm_run_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__check_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__rcontinue_to_a_pipe, pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__unsaid_ctrl_c_leaves_the_prompt_its_own_line,
                                        pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrlc__go_at_the_terminal_shows_the_caret, pt_setup_loop,
                                        pt_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
