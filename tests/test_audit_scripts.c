/* test_audit_scripts.c: what the docs show a user running, run as shown
 * under a memory checker.  README.md's first session is typed at the
 * monitor on a terminal; valgrind (or, in the sanitizer build, LeakSanitizer)
 * must find nothing in it.
 * Each test fails on the tree before its fix.
 *
 * Drives the real binary on a pseudo-terminal (pty_support), under the
 * checker.
 */
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pty_support.h"

/* README.md, "A first session": 'The monitor (build/tgm on a terminal, or
 * build/tgm monitor)'.  At a terminal the monitor edits lines with
 * libedit; the completion it binds to Tab was named through el_set, which
 * copies the name and its help with wcsdup and never frees them, so every
 * session ended with 120 bytes definitely lost (valgrind's exit 99). */
static void terminal_session__leaks_nothing(void **state)
{
    (void)state;
    char sum[PATH_MAX], line[PATH_MAX + 16];
    assert_non_null(realpath("examples/sum.s", sum)); /* the session runs elsewhere */
    struct pt_session *s = calloc(1, sizeof *s);
    assert_non_null(s);
    if (!pt_start_checked(s)) {
        free(s);
        skip(); /* no valgrind here */
    }
    pt_expect(s, "tgm> ");
    snprintf(line, sizeof line, "load %s\r", sum);
    pt_type(s, line);
    pt_expect(s, "10 symbols; entry P=0x2 M=s");
    pt_expect(s, "tgm> ");
    pt_type(s, "lo\t"); /* the completion is still bound to Tab */
    pt_expect(s, "load  log");
    pt_type(s, "\025go\r"); /* Ctrl-U: the line is 'go' */
    pt_expect(s, "halted after 53 steps");
    pt_expect(s, "tgm> ");
    pt_type(s, "quit\r");
    int rc = pt_finish(s);
    if (rc != 0)
        fail_msg("exit %d; the terminal held:\n%s", rc, s->screen.buf);
    free(s);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(terminal_session__leaks_nothing, pt_setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("audit_scripts", tests, NULL, NULL);
}
