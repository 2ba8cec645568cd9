/* pty_support.c: the monitor on a pseudo-terminal (see pty_support.h).
 * The terminal is where the monitor's line editing, Ctrl-C and typed
 * console input live; section 2's machine is reached only through it.
 */
#include "pty_support.h"

#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

#define DEADLINE_MS 10000
#define CHECKED_DEADLINE_MS 120000 /* valgrind is slow to start */

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

static char dir[256];

const char *pt_dir(void) { return dir; }

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* As a job-control shell does: the monitor runs in a process group of its
 * own, in the foreground of the terminal, under a parent in the same
 * session (so Ctrl-Z can stop it).  When it stops, the "shell" checks the
 * terminal was handed back with echo on, prints a line saying so, and
 * continues it as 'fg' would. */
static void job_shell(const char *exe)
{
    pid_t kid = fork();
    if (kid < 0)
        _exit(127);
    if (kid == 0) {
        setpgid(0, 0);
        cs_child_sigint();
        signal(SIGTTOU, SIG_IGN);
        tcsetpgrp(STDIN_FILENO, getpid());
        signal(SIGTTOU, SIG_DFL);
        execl(exe, "tgm", "monitor", (char *)NULL);
        _exit(127);
    }
    setpgid(kid, kid);
    signal(SIGTTOU, SIG_IGN);
    for (;;) {
        int st;
        if (waitpid(kid, &st, WUNTRACED) < 0)
            _exit(127);
        if (!WIFSTOPPED(st))
            _exit(WIFEXITED(st) ? WEXITSTATUS(st) : 127);
        tcsetpgrp(STDIN_FILENO, getpgrp());
        struct termios t;
        bool cooked = tcgetattr(STDIN_FILENO, &t) == 0 && (t.c_lflag & ECHO) &&
                      (t.c_lflag & ICANON);
        dprintf(STDOUT_FILENO, "\r\n[stopped; terminal %s]\r\n",
                cooked ? "cooked" : "left raw");
        tcsetpgrp(STDIN_FILENO, kid);
        kill(-kid, SIGCONT);
    }
}

/* HISTORY: $TGM_HISTORY's value, NULL for none. */
static void start_as(struct pt_session *s, bool job, int out[2], bool checked,
                     const char *history)
{
    char exe[4096];
    memset(s, 0, sizeof *s);
    s->job = job;
    s->checked = checked;
    s->out = out ? out[0] : -1;
    if (!realpath(cs_tgm_binary(), exe))
        fail_msg("no tgm binary at '%s' (set TGM)", cs_tgm_binary());
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    s->pid = forkpty(&s->fd, NULL, NULL, &ws);
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        if (out)
            cs_onto_pipe();
        setenv("HOME", dir, 1);
        setenv("TERM", "xterm", 1);
        if (history)
            setenv("TGM_HISTORY", history, 1);
        else
            unsetenv("TGM_HISTORY");
        cs_child_sigint(); /* Ctrl-C typed must reach it */
        if (s->job)
            job_shell(exe);
        if (checked && !UNDER_ASAN) /* the sanitizer build checks itself */
            execlp("valgrind", "valgrind", "-q", "--leak-check=full", "--error-exitcode=99",
                   exe, "monitor", (char *)NULL);
        else
            execl(exe, "tgm", "monitor", (char *)NULL);
        _exit(127);
    }
}

void pt_start(struct pt_session *s) { start_as(s, false, NULL, false, NULL); }

void pt_start_history(struct pt_session *s, const char *value)
{
    start_as(s, false, NULL, false, value);
}

void pt_start_job(struct pt_session *s) { start_as(s, true, NULL, false, NULL); }

bool pt_start_checked(struct pt_session *s)
{
    if (!UNDER_ASAN && system("valgrind --version >/dev/null 2>&1") != 0)
        return false;
    start_as(s, false, NULL, true, NULL);
    return true;
}

void pt_start_piped(struct pt_session *s, bool full)
{
    int p[2];
    cs_pipe(p, full);
    start_as(s, false, p, false, NULL);
    close(p[1]);
}

/* What T holds after the last match, its last 2000 bytes at most. */
static const char *tail(const struct pt_text *t)
{
    size_t from = t->len - t->seen > 2000 ? t->len - 2000 : t->seen;
    return t->buf + from;
}

/* Read FD into T until TEXT appears after the last match. */
static void expect_in(int fd, struct pt_text *t, const char *what, const char *text,
                      long deadline)
{
    long end = now_ms() + deadline;
    for (;;) {
        t->buf[t->len] = '\0';
        char *hit = strstr(t->buf + t->seen, text);
        if (hit) {
            t->seen = (size_t)(hit - t->buf) + strlen(text);
            return;
        }
        long left = end - now_ms();
        if (left <= 0)
            fail_msg("timed out waiting for '%s'; %s:\n%s", text, what, tail(t));
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        if (t->len + 1 >= sizeof t->buf) { /* a flood: keep its newer half */
            size_t keep = sizeof t->buf / 2;
            memmove(t->buf, t->buf + t->len - keep, keep);
            t->len = keep;
            t->seen = 0;
        }
        ssize_t n = read(fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
        if (n <= 0)
            fail_msg("tgm closed the %s waiting for '%s'; it held:\n%s", what, text, tail(t));
        t->len += (size_t)n;
    }
}

static long deadline_ms(const struct pt_session *s)
{
    return s->checked || s->slow ? CHECKED_DEADLINE_MS : DEADLINE_MS;
}

void pt_expect(struct pt_session *s, const char *text)
{
    expect_in(s->fd, &s->screen, "terminal", text, deadline_ms(s));
}

void pt_expect_piped(struct pt_session *s, const char *text)
{
    assert_true(s->out >= 0);
    expect_in(s->out, &s->piped, "pipe", text, DEADLINE_MS);
}

bool pt_screen_has(const struct pt_session *s, size_t from, const char *text)
{
    size_t n = strlen(text);
    for (size_t i = from; i + n <= s->screen.len; i++)
        if (memcmp(s->screen.buf + i, text, n) == 0)
            return true;
    return false;
}

void pt_type(struct pt_session *s, const char *keys)
{
    size_t n = strlen(keys);
    assert_int_equal(write(s->fd, keys, n), (ssize_t)n);
}

void pt_resize(struct pt_session *s, int cols)
{
    struct winsize ws = {.ws_row = 40, .ws_col = (unsigned short)cols};
    assert_int_equal(ioctl(s->fd, TIOCSWINSZ, &ws), 0);
}

int pt_finish(struct pt_session *s)
{
    long end = now_ms() + deadline_ms(s);
    int st = 0;
    char sink[4096];
    while (waitpid(s->pid, &st, WNOHANG) == 0) {
        if (now_ms() > end) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
            fail_msg("tgm did not exit");
        }
        struct pollfd p[2] = {{.fd = s->fd, .events = POLLIN}, {.fd = s->out, .events = POLLIN}};
        if (poll(p, s->out >= 0 ? 2 : 1, 50) > 0) {
            bool got = false;
            /* the terminal's last words (a checker's report) are kept */
            struct pt_text *t = &s->screen;
            size_t room = sizeof t->buf - 1 - t->len;
            for (int i = 0; i < 2; i++) {
                bool keep = i == 0 && room > 0;
                ssize_t n = p[i].revents ? read(p[i].fd, keep ? t->buf + t->len : sink,
                                                keep ? room : sizeof sink)
                                         : 0;
                if (n > 0 && keep)
                    t->buf[t->len += (size_t)n] = '\0';
                got = got || n > 0;
            }
            if (!got)
                usleep(10000);
        }
    }
    /* and what it wrote just before it exited */
    struct pt_text *t = &s->screen;
    struct pollfd q = {.fd = s->fd, .events = POLLIN};
    ssize_t n;
    while (t->len + 1 < sizeof t->buf && poll(&q, 1, 0) > 0 &&
           (n = read(s->fd, t->buf + t->len, sizeof t->buf - 1 - t->len)) > 0)
        t->buf[t->len += (size_t)n] = '\0';
    close(s->fd);
    if (s->out >= 0)
        close(s->out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void pt_echo(struct pt_session *s, const char *word)
{
    char line[256];
    snprintf(line, sizeof line, "echo %s\r", word);
    pt_type(s, line);
    snprintf(line, sizeof line, "%s\r\n", word);
    pt_expect(s, line);
    pt_expect(s, "tgm> ");
}

void pt_quit(struct pt_session *s)
{
    pt_type(s, "quit\r");
    assert_int_equal(pt_finish(s), 0);
}

void pt_put_file(const char *name, const char *text)
{
    char path[CS_PATH];
    cs_write_bytes(pt_in_dir(path, sizeof path, name), text, strlen(text));
}

const char *pt_in_dir(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

void pt_put_history(const char *name, long size)
{
    char path[CS_PATH];
    FILE *f = fopen(pt_in_dir(path, sizeof path, name), "w");
    assert_non_null(f);
    fputs("_HiStOrY_V2_\n", f);
    assert_int_equal(fseek(f, size - 1, SEEK_SET), 0); /* sparse up to its last byte */
    fputc('\n', f);
    assert_int_equal(fclose(f), 0);
}

void pt_make_dir(void)
{
    cs_tmp_name(dir, sizeof dir, "tgm-pty-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

void pt_remove_dir(void)
{
    assert_int_equal(cs_remove_tree(dir), 0);
}

int pt_setup(void **state)
{
    (void)state;
    pt_make_dir();
    return 0;
}

int pt_setup_loop(void **state)
{
    pt_setup(state);
    pt_put_file("loop.s", "        .entry start\n"
                          "start:  LI    n, 0\n"
                          "spin:   ADDI  n, n, 1\n"
                          "        JMP   spin\n"
                          "n:      .word 0\n");
    return 0;
}

int pt_teardown(void **state)
{
    (void)state;
    pt_remove_dir();
    return 0;
}
