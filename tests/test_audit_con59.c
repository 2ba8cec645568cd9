/* test_audit_con59.c: the monitor's console as a gdb, QEMU or SIMH user
 * meets it (docs/monitor.md, "The terminal" and "Words from gdb, QEMU and
 * SIMH"): accented letters typed in a UTF-8 locale reach the command; a
 * Ctrl-Z during a run leaves one prompt, not two, after the stop; gdb's
 * reverse commands name rstep and rcontinue; a condition followed by 'do'
 * or 'ignore' says they go before 'if'.  Each test fails on the tree
 * before its fix.
 *
 * The terminal's tests drive the real binary on a pseudo-terminal
 * (pty_support).
 */
#include <locale.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"

/* The locale was set after libedit's el_init, which made the printable
 * characters U+0080..U+00FF (e acute, u umlaut, n tilde: UTF-8's 0xc3 ...)
 * meta keys of the C locale: typed, they vanished from the line, while
 * Greek and CJK went through. */
static void terminal__latin_letters_typed_in_utf8_reach_the_command(void **state)
{
    (void)state;
    if (!setlocale(LC_CTYPE, "C.UTF-8"))
        skip();
    setlocale(LC_CTYPE, "C");
    char *old = getenv("LC_ALL") ? strdup(getenv("LC_ALL")) : NULL;
    setenv("LC_ALL", "C.UTF-8", 1); /* the monitor's, inherited */
    struct pt_session s = {0};
    pt_start(&s);
    if (old)
        setenv("LC_ALL", old, 1);
    else
        unsetenv("LC_ALL");
    free(old);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo [caf\xc3\xa9 \xc3\xbc\xc3\xb1 \xce\xb1]\r");
    pt_expect(&s, "[caf\xc3\xa9 \xc3\xbc\xc3\xb1 \xce\xb1]\r\n");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
}

/* A Ctrl-Z during 'go', then 'fg', left the redraw it asks for pending:
 * after the run's stop the next prompt was drawn, then drawn again,
 * "tgm> tgm> ". */
static void terminal__ctrl_z_during_a_run_leaves_one_prompt(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_job(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "3 symbols");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_type(&s, "\x1a"); /* Ctrl-Z */
    pt_expect(&s, "[stopped; terminal");
    usleep(500000); /* the "shell" hands the terminal back ('fg') after its line */
    pt_type(&s, "\x03"); /* the run goes on: Ctrl-C stops it */
    pt_expect(&s, "interrupted after");
    size_t from = s.screen.len;
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo one\r");
    pt_expect(&s, "one\r\n");
    pt_expect(&s, "tgm> ");
    if (pt_screen_has(&s, from, "tgm> tgm> "))
        fail_msg("the prompt drawn twice after the stop: %.*s", (int)(s.screen.len - from),
                 s.screen.buf + from);
    pt_quit(&s);
}

/* gdb's reverse commands were unknown ('reverse-stepi' with 'try help',
 * 'rnext' guessed as 'next', which goes the other way). */
static void gdb__reverse_commands_name_rstep_and_rcontinue(void **state)
{
    (void)state;
    cs_mon_fails("reverse-stepi", "unknown command 'reverse-stepi' (in tgm: rstep [N])\n");
    cs_mon_fails("Reverse-Continue", "unknown command 'Reverse-Continue' (in tgm: rcontinue)\n");
    cs_mon_fails("rsi", "(in tgm: rstep [N])\n");
    cs_mon_fails_without("rnext", "(in tgm: rstep N (no reverse 'next': back N instructions))\n",
                         "did you mean");
    cs_mon_fails("reverse-next", "(in tgm: rstep N (no reverse 'next'");
    cs_mon_fails("reverse-finish", "(in tgm: rcontinue, or rstep N (no reverse 'finish'))\n");
    cs_mon_fails("record", "(in tgm: rstep and rcontinue (the history is always kept))\n");
    cs_mon_fails("help rn", "help: unknown command 'rn' (in tgm: rstep N");
}

/* 'if' takes the rest of the line: 'do' or 'ignore' after it was only
 * "condition: unexpected 'do ...'". */
static void break__do_after_if_says_the_order(void **state)
{
    (void)state;
    static const char hint[] = " ('if' takes the rest of the line: 'do' and 'ignore' go "
                               "before it)\n";
    char want[256];
    snprintf(want, sizeof want, "break: condition: unexpected 'do echo hi'%s", hint);
    cs_mon_fails("load examples/sum.s; break loop if E[i] == 3 do \"echo hi\"", want);
    snprintf(want, sizeof want, "watch: condition: unexpected 'IGNORE 2'%s", hint);
    cs_mon_fails("load examples/sum.s; watch total if 1 IGNORE 2", want);
    /* no hint where neither follows, and none set */
    cs_mon_fails_without("load examples/sum.s; break loop if E[i] ==",
                         "break: condition: expression ends too soon\n", "'do'");
    cs_mon_prints("set on-error continue; load examples/sum.s; "
                  "break loop if E[i] == 3 do \"echo hi\"; break list",
                  "no breakpoints");
    /* in the order the usage gives, taken */
    cs_mon_prints("load examples/sum.s; break loop do \"echo hi\" if E[i] == 3; go",
                  "hi\nstopped at 0x4 loop");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_con59");
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
        cmocka_unit_test_setup_teardown(terminal__latin_letters_typed_in_utf8_reach_the_command,
                                        pt_setup_loop, pt_teardown),
        cmocka_unit_test_setup_teardown(terminal__ctrl_z_during_a_run_leaves_one_prompt, pt_setup_loop,
                                        pt_teardown),
        cmocka_unit_test(gdb__reverse_commands_name_rstep_and_rcontinue),
        cmocka_unit_test(break__do_after_if_says_the_order),
    };
    return cmocka_run_group_tests_name("audit_con59", tests, group_setup, group_teardown);
}
