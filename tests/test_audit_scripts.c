/* test_audit_scripts.c: what the docs show a user running, run as shown
 * under a memory checker.  README.md's first session is typed at the
 * monitor on a terminal; valgrind (or, in the sanitizer build, LeakSanitizer)
 * must find nothing in it.
 * Each test fails on the tree before its fix.
 *
 * Drives the real binary on a pseudo-terminal of its own (forkpty), so that
 * the checker's report, written to the terminal, can be shown.
 */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

#define DEADLINE_MS 120000 /* valgrind is slow to start */

static long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
}

static bool have_valgrind(void)
{
    return system("valgrind --version >/dev/null 2>&1") == 0;
}

struct term {
    pid_t pid;
    int fd;
    char buf[1 << 17];
    size_t len, seen;
};

/* 'tgm monitor' on a new terminal, in the top of the tree, under valgrind
 * unless this is the sanitizer build (whose binary checks itself). */
static void term_start(struct term *t)
{
    char exe[4096];
    if (!realpath(cs_tgm_binary(), exe))
        fail_msg("no tgm binary at '%s' (set TGM)", cs_tgm_binary());
    memset(t, 0, sizeof *t);
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    t->pid = forkpty(&t->fd, NULL, NULL, &ws);
    assert_true(t->pid >= 0);
    if (t->pid == 0) {
        setenv("TERM", "xterm", 1);
        setenv("TGM_HISTORY", "", 1);
        unsetenv("LSAN_OPTIONS"); /* no suppression: every leak counts */
        if (UNDER_ASAN)
            execl(exe, "tgm", "monitor", (char *)NULL);
        else
            execlp("valgrind", "valgrind", "-q", "--leak-check=full", "--error-exitcode=99",
                   exe, "monitor", (char *)NULL);
        _exit(127);
    }
}

/* Read until TEXT appears after the last match; fail after the deadline. */
static void term_expect(struct term *t, const char *text)
{
    long end = now_ms() + DEADLINE_MS;
    for (;;) {
        t->buf[t->len] = '\0';
        char *hit = strstr(t->buf + t->seen, text);
        if (hit) {
            t->seen = (size_t)(hit - t->buf) + strlen(text);
            return;
        }
        long left = end - now_ms();
        if (left <= 0)
            fail_msg("timed out waiting for '%s'; the terminal held:\n%s", text, t->buf);
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        if (poll(&p, 1, (int)left) <= 0)
            continue;
        if (t->len + 1 >= sizeof t->buf)
            fail_msg("too much output waiting for '%s'", text);
        ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            fail_msg("the terminal closed waiting for '%s'; it held:\n%s", text, t->buf);
        t->len += (size_t)n;
    }
}

static void term_type(struct term *t, const char *keys)
{
    size_t n = strlen(keys);
    assert_int_equal(write(t->fd, keys, n), (ssize_t)n);
}

/* Read to the end (the checker's report included) and reap it: its
 * exit status. */
static int term_finish(struct term *t)
{
    long end = now_ms() + DEADLINE_MS;
    for (;;) {
        if (now_ms() > end) {
            kill(t->pid, SIGKILL);
            waitpid(t->pid, NULL, 0);
            fail_msg("tgm did not exit; the terminal held:\n%s", t->buf);
        }
        struct pollfd p = {.fd = t->fd, .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        if (t->len + 1 >= sizeof t->buf)
            break;
        ssize_t n = read(t->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break; /* EIO: every holder of the terminal has gone */
        t->len += (size_t)n;
    }
    t->buf[t->len] = '\0';
    close(t->fd);
    int st;
    assert_int_equal(waitpid(t->pid, &st, 0), t->pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* README.md, "A first session": 'The monitor (build/tgm on a terminal, or
 * build/tgm monitor)'.  At a terminal the monitor edits lines with
 * libedit; the completion it binds to Tab was named through el_set, which
 * copies the name and its help with wcsdup and never frees them, so every
 * session ended with 120 bytes definitely lost (valgrind's exit 99). */
static void terminal_session__leaks_nothing(void **state)
{
    (void)state;
    if (!UNDER_ASAN && !have_valgrind())
        skip();
    struct term *t = malloc(sizeof *t);
    assert_non_null(t);
    term_start(t);
    term_expect(t, "tgm> ");
    term_type(t, "load examples/sum.s\r");
    term_expect(t, "10 symbols; entry P=0x2 M=s");
    term_expect(t, "tgm> ");
    term_type(t, "lo\t"); /* the completion is still bound to Tab */
    term_expect(t, "load  log");
    term_type(t, "\025go\r"); /* Ctrl-U: the line is 'go' */
    term_expect(t, "halted after 53 steps");
    term_expect(t, "tgm> ");
    term_type(t, "quit\r");
    int rc = term_finish(t);
    if (rc != 0 || strstr(t->buf, "definitely lost") || strstr(t->buf, "LeakSanitizer"))
        fail_msg("exit %d; the terminal held:\n%s", rc, t->buf);
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(terminal_session__leaks_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
