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

/* The file at PATH with its SESS section N bytes shorter at its end and
 * version VERSION, written to OUT (the checksum made again). */
static void shorten_sess(const char *path, const char *out, uint32_t version, size_t n)
{
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(path, &len);
    size_t sess = ms_section_at(b, len, "SESS"), sl = (size_t)ms_get_le(b + sess - 8, 8);
    memmove(b + sess + sl - n, b + sess + sl, len - (sess + sl));
    len -= n;
    ms_put_le(b + sess - 8, sl - n, 8);
    ms_put_le(b + 8, version, 4);
    ms_put_le(b + len - 8, tgm_fnv1a(b, len - 8, TGM_FNV_SEED), 8);
    cs_write_bytes(out, b, len);
    free(b);
}

/* 'save' writes "the whole system", and 'halted' is "1 if the last run
 * ended at HALT".  Saved right after a run to HALT and restored in a new
 * session, 'halted' said 0 there (and 'assert halted' failed) where the
 * session that saved it said 1: the file had no word of how the last run
 * ended.  Version 6 keeps it; what both sessions say from there on is the
 * same. */
static void restore__in_a_new_session_keeps_halted(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 200];
    cs_tmp_path(path, sizeof path, "halted.snap");
    static const char then[] = "echo ==; print halted; print $halted; regs; step; "
                               "print halted; go for 3; print halted";
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go; save %s; %s", path, then);
    char *want = after_mark(cmds);
    assert_non_null(strstr(want, "0x1 (1)\n0x1 (1)\n"));
    snprintf(cmds, sizeof cmds, "restore %s; %s", path, then);
    char *got = after_mark(cmds);
    assert_string_equal(got, want);
    free(got);
    free(want);
    snprintf(cmds, sizeof cmds, "restore %s; assert halted; vm create a 100; vm select bare; "
                                "assert halted", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);

    /* the file: version 6, its SESS ending with u32 1 */
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(path, &len);
    assert_int_equal(ms_get_le(b + 8, 4), 6);
    size_t sess = ms_section_at(b, len, "SESS");
    assert_int_equal(ms_get_le(b + sess + ms_get_le(b + sess - 8, 8) - 4, 4), 1);
    free(b);
}

/* A state whose last run did not end at HALT is written as before, as
 * version 5 ("save always writes version 5"), and a version 5 file (the
 * same one without the flag) restores as it did: 'halted' 0 in a new
 * session.  A flag other than 0 or 1 is a damaged file, refused. */
static void restore__version_5_files_are_as_they_were(void **state)
{
    (void)state;
    char path[CS_PATH], old[CS_PATH], bad[CS_PATH], cmds[2 * CS_PATH + 200];
    cs_tmp_path(path, sizeof path, "v5.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go for 5; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(path, &len);
    assert_int_equal(ms_get_le(b + 8, 4), 5);
    size_t sess = ms_section_at(b, len, "SESS"), sl5 = (size_t)ms_get_le(b + sess - 8, 8);
    free(b);

    cs_tmp_path(path, sizeof path, "v6.snap");
    cs_tmp_path(old, sizeof old, "v6-as-5.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go; save %s", path);
    cs_mon_prints(cmds, "saved");
    shorten_sess(path, old, 5, 4);
    snprintf(cmds, sizeof cmds, "restore %s; print halted", old);
    cs_mon_prints(cmds, "restored");
    cs_mon_prints(cmds, "0 (0)");
    /* in the session that saved it, the very state: as before */
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go; restore %s; print halted", old);
    cs_mon_prints(cmds, "0x1 (1)");

    b = (uint8_t *)cs_slurp(path, &len);
    sess = ms_section_at(b, len, "SESS");
    assert_int_equal(ms_get_le(b + sess - 8, 8), sl5 + 4); /* the flag, and only it, more */
    ms_put_le(b + sess + ms_get_le(b + sess - 8, 8) - 4, 2, 4);
    ms_put_le(b + len - 8, tgm_fnv1a(b, len - 8, TGM_FNV_SEED), 8);
    cs_tmp_path(bad, sizeof bad, "v6-bad.snap");
    cs_write_bytes(bad, b, len);
    free(b);
    snprintf(cmds, sizeof cmds, "restore %s", bad);
    cs_mon_fails(cmds, "bad session section");
    /* a version 6 SESS without its flag is cut short */
    shorten_sess(path, bad, 6, 4);
    cs_mon_fails(cmds, "bad session section");
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
        cmocka_unit_test(restore__in_a_new_session_keeps_halted),
        cmocka_unit_test(restore__version_5_files_are_as_they_were),
        cmocka_unit_test_setup_teardown(typed_keys__go_to_the_guest_during_step_and_next,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrl_c__loses_no_output_queued_for_the_terminal,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(ctrl_c__after_the_last_step_still_shows_at_the_prompt,
                                        pt_setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("audit_sess6", tests, group_setup, group_teardown);
}
