/* test_audit_sess6.c: what a restored session says against what the
 * session that saved it said (docs/monitor.md, "Snapshots"), and the
 * monitor's stepping and Ctrl-C against docs/monitor.md.  Each test fails
 * on the tree before its fix.
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
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "pty_support.h"
#include "tgm/image.h"

/* What CMDS print after their 'echo ==' line, malloc'd. */
static char *after_mark(const char *cmds)
{
    struct cs_outcome o = cs_mon_ok(cmds);
    const char *at = strstr(o.out, "==\n");
    if (!at)
        fail_msg("no mark in the output of '%s':\n%s", cmds, o.out);
    char *rest = strdup(at + 3);
    assert_non_null(rest);
    cs_outcome_free(&o);
    return rest;
}

/* "save always writes version 5", a state whose last run ended at HALT
 * too, and 'halted' is the session's word on its last run, which a
 * snapshot does not hold: restored in a new session it is 0 (and a run
 * there to HALT makes it 1); in the session that saved the very state it
 * stays 1. */
static void restore__halted_is_the_sessions_and_save_writes_version_5(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 200];
    cs_tmp_path(path, sizeof path, "halted.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go; save %s; restore %s; echo ==; "
                                "print halted", path, path);
    char *same = after_mark(cmds);
    assert_string_equal(same, "0x1 (1)\n");
    free(same);
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(path, &len);
    assert_int_equal(ms_get_le(b + 8, 4), 5);
    free(b);
    snprintf(cmds, sizeof cmds, "restore %s; echo ==; print halted; regs; go; print halted",
             path);
    char *fresh = after_mark(cmds);
    assert_true(strncmp(fresh, "0 (0)\n", 6) == 0);
    const char *end = strstr(fresh, "halted after");
    assert_non_null(end);
    assert_non_null(strstr(end, "0x1 (1)\n"));
    free(fresh);
}

/* A loop that waits for a console byte (CIN until it is not -1) and then
 * writes it back (COUT) and halts: no call, so 'next' steps it as 'step'
 * does. */
#define WAIT_S                                                                                 \
    "        .org  0\n"                                                                        \
    "        .word 0\n"                                                                        \
    "        .word psw(SUP, fault, 0, 0x400)\n"                                                \
    "        .entry getc\n"                                                                    \
    "getc:   CIN   ch\n"                                                                       \
    "        BEQ   ch, none, getc\n"                                                           \
    "        COUT  ch\n"                                                                       \
    "        HALT\n"                                                                           \
    "fault:  HALT\n"                                                                           \
    "none:   .word -1\n"                                                                       \
    "ch:     .word 0\n"

/* docs/monitor.md: "Keys typed during a run go to the guest: the terminal
 * stops echoing while the machine runs, and every key is queued as console
 * input of the focused machine ... At the stop the monitor says how many
 * bytes it queued"; 'step' and 'next' are run commands ('set limit': "steps
 * per run command"; "the command whose run hit it (go, step, ...)").
 * During 'step N' (and 'next N' over no call) the keys were echoed and
 * left for the prompt, where they became a command line, and the guest
 * waiting for them never got them. */
static void typed_keys__go_to_the_guest_during_step_and_next(void **state)
{
    (void)state;
    static const char *const cmd[] = {"step 40000\r", "next 40000\r"};
    pt_put_file("wait.s", WAIT_S);
    for (int i = 0; i < 2; i++) {
        struct pt_session s = {0};
        pt_start(&s);
        pt_expect(&s, "tgm> ");
        pt_type(&s, "load wait.s\r");
        pt_expect(&s, "tgm> ");
        pt_type(&s, cmd[i]);
        pt_expect(&s, "CIN"); /* stepping, the guest waiting for its byte */
        pt_type(&s, "Z");
        pt_expect(&s, "console <- \"Z\"");
        pt_expect(&s, "\nhalted");
        pt_expect(&s, "(1 typed byte queued as console input of bare)");
        pt_expect(&s, "tgm> ");
        /* the terminal is the prompt's again: a line typed is a command */
        pt_echo(&s, "back");
        pt_quit(&s);
    }
}

/* docs/monitor.md, "Waits": "Ctrl-C ... while the monitor waits to write
 * to a pipe or terminal that nobody reads loses nothing: the write goes on
 * once there is room."  On the terminal the kernel threw away the output
 * queued for it at Ctrl-C: 'examine' blocked on a terminal nobody read
 * showed its lines with a gap of some hundreds where the ^C landed. */
static void ctrl_c__loses_no_output_queued_for_the_terminal(void **state)
{
    (void)state;
    enum { WORDS = 1000 };
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    size_t from = s.screen.len;
    pt_type(&s, "examine 0 1000\r");
    usleep(300 * 1000);
    assert_true(cs_blocked_in(s.pid, SYS_write)); /* the terminal is full */
    pt_type(&s, "\x03");
    pt_expect(&s, "0x003e7");
    pt_expect(&s, "tgm> ");
    /* every word's line, in order, whatever line the ^C is on */
    s.screen.buf[s.screen.len] = '\0';
    const char *p = s.screen.buf + from;
    unsigned want = 0;
    char at[16];
    while (want < WORDS) {
        snprintf(at, sizeof at, "0x%05x ", want);
        const char *hit = strstr(p, at);
        if (!hit)
            fail_msg("the line of word %#x is missing (the ^C came after %zu bytes)", want,
                     (size_t)(strstr(s.screen.buf + from, "^C") ?
                              strstr(s.screen.buf + from, "^C") - (s.screen.buf + from) : 0));
        p = hit + strlen(at);
        want++;
    }
    pt_quit(&s);
}

/* A Ctrl-C that no stop said (it came after the last step's check, while a
 * watchpoint's commands wrote) leaves its ^C line to be ended at the
 * prompt, as after 'go': 'step' and 'next' dropped it, so the ^C (drawn by
 * the monitor, the echo being off while they step) never showed, and its
 * line was never ended. */
static void ctrl_c__after_the_last_step_still_shows_at_the_prompt(void **state)
{
    (void)state;
    static const char *const cmd[] = {"go\r", "step\r", "next\r"};
    pt_put_file("wait.s", WAIT_S);
    for (int i = 0; i < 3; i++) {
        struct pt_session s = {0};
        pt_start(&s);
        pt_expect(&s, "tgm> ");
        pt_type(&s, "load wait.s; watch ch do \"examine 0 1000\"\r");
        pt_expect(&s, "tgm> ");
        pt_type(&s, cmd[i]);
        usleep(300 * 1000);
        assert_true(cs_blocked_in(s.pid, SYS_write)); /* in the watchpoint's commands */
        pt_type(&s, "\x03");
        pt_expect(&s, "0x003e7");
        pt_expect(&s, "stopped at 0x3 after 1 step");
        pt_expect(&s, "getc\r\n^C\r\ntgm> ");
        pt_quit(&s);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_sess6");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore__halted_is_the_sessions_and_save_writes_version_5),
        cmocka_unit_test_setup_teardown(typed_keys__go_to_the_guest_during_step_and_next,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrl_c__loses_no_output_queued_for_the_terminal,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrl_c__after_the_last_step_still_shows_at_the_prompt,
                                        pt_setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("audit_sess6", tests, group_setup, group_teardown);
}
