/* test_monitor_pty.c: the real tgm binary's monitor on a pseudo-terminal.
 *
 * Types at the shell as a person would: Tab completion, history recall with
 * the up arrow (also from the history file of an earlier session), Ctrl-C
 * stopping a looping guest with section 2's state intact, Ctrl-C at the
 * prompt, Ctrl-D; keys typed during a run reaching the guest's console
 * input, Ctrl-C naming the VM that ran, Ctrl-C abandoning a check, Ctrl-Z
 * and 'fg' redrawing the prompt; Tab offering psw( in expressions; 'set
 * histfile' keeping the new file's history; a default history file that is
 * not one left alone.  Every read has a deadline, so a hang
 * fails the test.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

#define DEADLINE_MS 10000

static const char loop_src[] = "        .entry start\n"
                               "start:  LI    n, 0\n"
                               "spin:   ADDI  n, n, 1\n"
                               "        JMP   spin\n"
                               "n:      .word 0\n";

/* Waits for a console byte c, writes c + 1 and halts. */
static const char echo_src[] = "        .entry start\n"
                               "start:  CIN   ch\n"
                               "        BLT   ch, zero, start\n"
                               "        ADDI  ch, ch, 1\n"
                               "        COUT  ch\n"
                               "        HALT\n"
                               "ch:     .word 0\n"
                               "zero:   .word 0\n";

/* Writes a line and halts. */
static const char hi_src[] = "        .entry start\n"
                             "start:  COUT  h\n"
                             "        COUT  i\n"
                             "        COUT  nl\n"
                             "        HALT\n"
                             "h:      .word 'h'\n"
                             "i:      .word 'i'\n"
                             "nl:     .word 10\n";

struct session {
    pid_t pid;
    int fd;
    char screen[65536];
    size_t len;
    size_t seen; /* expect() matches only after this offset */
    bool job;    /* under job_shell */
};

static char dir[256];

static const char *tgm_path(void)
{
    const char *t = getenv("TGM");
    return t && *t ? t : "build/tgm";
}

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

static void start_as(struct session *s, bool job);

static void start(struct session *s) { start_as(s, false); }

static void start_as(struct session *s, bool job)
{
    char exe[4096];
    memset(s, 0, sizeof *s);
    s->job = job;
    if (!realpath(tgm_path(), exe))
        fail_msg("no tgm binary at '%s' (set TGM)", tgm_path());
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    s->pid = forkpty(&s->fd, NULL, NULL, &ws);
    assert_true(s->pid >= 0);
    if (s->pid == 0) {
        if (chdir(dir) != 0)
            _exit(127);
        setenv("HOME", dir, 1);
        /* libedit never frees the names given to EL_ADDFN */
        setenv("LSAN_OPTIONS", "suppressions=lsan.supp", 1);
        setenv("TERM", "xterm", 1);
        unsetenv("TGM_HISTORY");
        if (s->job)
            job_shell(exe);
        execl(exe, "tgm", "monitor", (char *)NULL);
        _exit(127);
    }
}

static void start_job(struct session *s) { start_as(s, true); }

/* Read until TEXT appears on the screen after the last match; fail after
 * the deadline, showing what the screen held. */
static void expect(struct session *s, const char *text)
{
    long end = now_ms() + DEADLINE_MS;
    for (;;) {
        s->screen[s->len] = '\0';
        char *hit = strstr(s->screen + s->seen, text);
        if (hit) {
            s->seen = (size_t)(hit - s->screen) + strlen(text);
            return;
        }
        long left = end - now_ms();
        if (left <= 0)
            fail_msg("timed out waiting for '%s'; screen:\n%s", text, s->screen + s->seen);
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            continue;
        if (s->len + 1 >= sizeof s->screen)
            fail_msg("screen buffer full");
        ssize_t n = read(s->fd, s->screen + s->len, sizeof s->screen - 1 - s->len);
        if (n <= 0)
            fail_msg("tgm closed the terminal waiting for '%s'; screen:\n%s", text,
                     s->screen + s->seen);
        s->len += (size_t)n;
    }
}

static void type(struct session *s, const char *keys)
{
    size_t n = strlen(keys);
    assert_int_equal(write(s->fd, keys, n), (ssize_t)n);
}

/* Wait for the process to end (with a deadline) and return its status. */
static int finish(struct session *s)
{
    long end = now_ms() + DEADLINE_MS;
    int st = 0;
    char sink[4096];
    while (waitpid(s->pid, &st, WNOHANG) == 0) {
        if (now_ms() > end) {
            kill(s->pid, SIGKILL);
            waitpid(s->pid, &st, 0);
            fail_msg("tgm did not exit");
        }
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        if (poll(&p, 1, 50) > 0 && read(s->fd, sink, sizeof sink) <= 0)
            usleep(10000);
    }
    close(s->fd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* TEXT as DIR/NAME. */
static void put_file(const char *name, const char *text)
{
    char path[CS_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
    (void)state;
    cs_tmp_name(dir, sizeof dir, "tgm-pty-XXXXXX");
    assert_non_null(mkdtemp(dir));
    put_file("loop.s", loop_src);
    put_file("echo.s", echo_src);
    put_file("hi.s", hi_src);
    put_file("lsan.supp", "leak:wcsdup\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[CS_PATH];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
    return 0;
}

static void pty__tab_completes_commands_files_and_symbols(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "hel\t");
    expect(&s, "p ");            /* the line now reads "help " */
    type(&s, "\r");
    expect(&s, "execution:");
    expect(&s, "tgm> ");
    type(&s, "load lo\t");       /* a file name */
    expect(&s, "op.s ");
    type(&s, "\r");
    expect(&s, "3 symbols");
    type(&s, "examine sp\t");    /* a symbol of the loaded program */
    expect(&s, "in ");
    type(&s, "\r");
    expect(&s, "spin ");
    expect(&s, "tgm> ");
    type(&s, "vm sel\t");        /* a subcommand */
    expect(&s, "ect ");
    type(&s, "\x15quit\r");      /* Ctrl-U clears the line */
    assert_int_equal(finish(&s), 0);
}

static void pty__history_recall_within_and_across_sessions(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "echo first-line\r");
    expect(&s, "first-line\r\n");
    expect(&s, "tgm> ");
    type(&s, "\x1b[A");          /* up arrow */
    expect(&s, "echo first-line");
    type(&s, "\r");
    expect(&s, "first-line\r\n");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);

    start(&s);                   /* a new session reads the history file */
    expect(&s, "tgm> ");
    type(&s, "\x1b[A\x1b[A");
    expect(&s, "echo first-line");
    type(&s, "\x15quit\r");
    assert_int_equal(finish(&s), 0);

    /* a failure between writing the history and renaming it keeps the old */
    char path[CS_PATH], before[4096], after[4096];
    snprintf(path, sizeof path, "%s/.tgm_history", dir);
    FILE *h = fopen(path, "r");
    assert_non_null(h);
    size_t nb = fread(before, 1, sizeof before, h);
    fclose(h);
    setenv("TGM_TEST_FAIL_RENAME", "1", 1);
    start(&s);
    unsetenv("TGM_TEST_FAIL_RENAME");
    expect(&s, "tgm> ");
    type(&s, "echo second-line\r");
    expect(&s, "injected failure");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
    h = fopen(path, "r");
    assert_non_null(h);
    size_t na = fread(after, 1, sizeof after, h);
    fclose(h);
    assert_int_equal(na, nb);
    assert_memory_equal(after, before, na);
}

static void pty__ctrl_c_stops_a_run_and_keeps_the_shell(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "load loop.s\r");
    expect(&s, "tgm> ");
    type(&s, "go\r");
    expect(&s, "Ctrl-C stops");
    type(&s, "\x03");
    expect(&s, "interrupted after");
    expect(&s, "tgm> ");
    /* the machine is stopped inside the loop, its state intact */
    type(&s, "print P >= spin && P <= spin + 1 && M == sup && E[n] > 0\r");
    expect(&s, "0x1 (1)");
    expect(&s, "tgm> ");
    type(&s, "\x03");            /* at the prompt: a fresh line, no exit */
    expect(&s, "tgm> ");
    type(&s, "echo alive\r");
    expect(&s, "alive\r\n");
    expect(&s, "tgm> ");
    type(&s, "\x04");            /* Ctrl-D on an empty line leaves */
    assert_int_equal(finish(&s), 0);
}

/* 'check' ran to its step limit whatever Ctrl-C said; it is abandoned now,
 * as a run is, and the shell goes on (docs/monitor.md, "The terminal"). */
static void pty__ctrl_c_abandons_a_check(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "check loop.s steps 30000000000\r"); /* some 30 s, bare and virtual */
    expect(&s, "check loop.s steps 30000000000\r\n");
    usleep(300 * 1000); /* the check is under way, past the line editor */
    type(&s, "\x03");
    expect(&s, "check: interrupted: no verdict");
    expect(&s, "tgm> ");
    type(&s, "load loop.s; go for 10\r");
    expect(&s, "stopped after 10 steps");
    expect(&s, "tgm> ");
    type(&s, "\x04");
    assert_int_equal(finish(&s), 0); /* the terminal goes on after a failure */
}

static void pty__typed_keys_during_a_run_go_to_the_guest(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "load echo.s\r");
    expect(&s, "tgm> ");
    type(&s, "go\r");
    expect(&s, "Ctrl-C stops");
    size_t run_start = s.seen;
    type(&s, "x");               /* the guest waits for it with CIN */
    expect(&s, "halted after");
    /* the key was not echoed; the guest got it and wrote x + 1 */
    s.screen[s.len] = '\0';
    char *between = strndup(s.screen + run_start, s.seen - run_start);
    assert_non_null(between);
    assert_null(strchr(between, 'x'));
    assert_non_null(strchr(between, 'y'));
    free(between);
    expect(&s, "1 typed byte queued");
    expect(&s, "tgm> ");
    type(&s, "print E[ch]\r");
    expect(&s, "0x79 (121)");  /* x + 1 */
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
}

static void pty__ctrl_c_names_the_vm_that_was_running(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "vm create spinner 4096 loop.s\r");
    expect(&s, "tgm spinner> ");
    type(&s, "vm create quick 4096 hi.s\r"); /* selected; it halts at once */
    expect(&s, "tgm quick> ");
    type(&s, "go\r");
    expect(&s, "Ctrl-C stops");
    expect(&s, "quick| hi");      /* its output, live and named */
    type(&s, "\x03");
    expect(&s, "spinner: interrupted after");
    expect(&s, "tgm quick> ");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
}

static void pty__ctrl_z_and_fg_redraw_the_prompt(void **state)
{
    (void)state;
    struct session s = {0};
    start_job(&s);
    expect(&s, "tgm> ");
    type(&s, "echo half");       /* a line being edited */
    expect(&s, "half");
    type(&s, "\x1a");            /* Ctrl-Z */
    expect(&s, "[stopped; terminal cooked]");
    expect(&s, "tgm> echo half"); /* drawn again after 'fg' */
    type(&s, "-done\r");
    expect(&s, "half-done\r\n");
    expect(&s, "tgm> ");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
}


/* DIR/NAME into BUF. */
static const char *in_dir(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", dir, name);
    return buf;
}

/* Tab offers the word functions where an expression goes, with their
 * parenthesis and no space after it, and completes a label inside an
 * expression (after the comma of "psw(1,"). */
static void pty__tab_completes_word_functions_in_expressions(void **state)
{
    (void)state;
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "load loop.s\r");
    expect(&s, "3 symbols");
    type(&s, "print rb\t");
    expect(&s, "(");
    type(&s, "0, 16)\r");
    expect(&s, "0x10 (16)");
    type(&s, "print psw(1,sp\t");
    expect(&s, "in ");
    type(&s, ",0,16)\r");
    expect(&s, "0x8000008000000010");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
    /* the lines as completed, from the history file */
    char path[CS_PATH];
    char *h = cs_slurp(in_dir(path, sizeof path, ".tgm_history"), NULL);
    assert_non_null(strstr(h, "\nprint\\040rb(0,\\04016)\n")); /* no space after '(' */
    assert_non_null(strstr(h, "\nprint\\040psw(1,spin\\040,0,16)\n"));
    free(h);
}

/* TEXT has the lines WANT (NULL-terminated) in that order. */
static void lines_in_order(const char *text, const char *const *want, const char *file)
{
    const char *at = text;
    for (; *want; want++) {
        size_t n = strlen(*want);
        const char *hit = at;
        while ((hit = strstr(hit, *want)) && ((hit > text && hit[-1] != '\n') || hit[n] != '\n'))
            hit++;
        if (!hit)
            fail_msg("%s: no line '%s' after the lines before it; it holds:\n%s", file, *want,
                     text);
        at = hit + n;
    }
}

/* 'set histfile F' wrote the whole list over F at the next line: the lines
 * of the file it left came first and F's own came after them.  Now F ends
 * as its old lines, then this session's (the 'set histfile' line
 * included), and the old file keeps only what was typed before the switch. */
static void pty__set_histfile_keeps_the_new_files_history(void **state)
{
    (void)state;
    char f[CS_PATH], home[CS_PATH], notes[CS_PATH];
    put_file("F", "_HiStOrY_V2_\nold-f-line\n");
    put_file("notes.txt", "not a history\n");
    struct session s = {0};
    start(&s);
    expect(&s, "tgm> ");
    type(&s, "echo one\r");
    expect(&s, "one\r\n");
    expect(&s, "tgm> ");
    type(&s, "set histfile F\r");
    expect(&s, "tgm> ");
    type(&s, "\x1b[A\x1b[A\x1b[A"); /* F's line is now the oldest */
    expect(&s, "old-f-line");
    type(&s, "\x15" "echo two\r");
    expect(&s, "two\r\n");
    type(&s, "set histfile notes.txt\r"); /* it would be replaced */
    expect(&s, "notes.txt: not a history file");
    type(&s, "set histfile .\r");
    expect(&s, ".: is a directory; choose another file");
    type(&s, "set histfile no-such-dir/h\r"); /* it could not be made */
    expect(&s, "set: cannot write no-such-dir/h: no-such-dir: No such file or directory; "
               "choose another file");
    type(&s, "set histfile \"\"\r");   /* no file from here on */
    expect(&s, "tgm> ");
    type(&s, "echo three\r");
    expect(&s, "three\r\n");
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);

    char *ft = cs_slurp(in_dir(f, sizeof f, "F"), NULL), *ht = cs_slurp(in_dir(home, sizeof home, ".tgm_history"), NULL);
    static const char *const fwant[] = {"_HiStOrY_V2_", "old-f-line", "echo\\040one",
                                        "set\\040histfile\\040F", "echo\\040two",
                                        "set\\040histfile\\040notes.txt",
                                        "set\\040histfile\\040.", NULL};
    lines_in_order(ft, fwant, "F");
    assert_null(strstr(ft, "three"));    /* typed after 'set histfile ""' */
    assert_null(strstr(ft, "\"\""));
    static const char *const hwant[] = {"_HiStOrY_V2_", "echo\\040one", NULL};
    lines_in_order(ht, hwant, ".tgm_history");
    assert_null(strstr(ht, "histfile"));
    assert_null(strstr(ht, "old-f-line"));
    free(ft);
    free(ht);
    char *nt = cs_slurp(in_dir(notes, sizeof notes, "notes.txt"), NULL);
    assert_string_equal(nt, "not a history\n");
    free(nt);
}

/* A session at the prompt of a monitor whose default history file is
 * not a history: one warning holding WHY, then a line typed and quit. */
static void session_with_a_bad_history(const char *why)
{
    struct session s = {0};
    start(&s);
    expect(&s, why);
    expect(&s, "; no history file this session ('set histfile FILE' chooses one)");
    expect(&s, "tgm> ");
    type(&s, "echo one\r");
    expect(&s, "one\r\n");
    expect(&s, "tgm> ");
    type(&s, "echo two\r");
    expect(&s, "two\r\n");
    expect(&s, "tgm> ");
    assert_null(strstr(s.screen + s.seen, "warning")); /* once */
    assert_null(strstr(strstr(s.screen, why) + 1, why));
    type(&s, "quit\r");
    assert_int_equal(finish(&s), 0);
}

/* ~/.tgm_history (or $TGM_HISTORY) that is a text file or a directory was
 * written over at the first prompt, though 'set histfile' refuses such a
 * file.  Now the session warns once, keeps no file and leaves it alone. */
static void pty__a_default_history_that_is_not_one_is_left_alone(void **state)
{
    (void)state;
    char home[CS_PATH];
    put_file(".tgm_history", "my notes\n");
    session_with_a_bad_history(".tgm_history: not a history file (it would be replaced)");
    char *ht = cs_slurp(in_dir(home, sizeof home, ".tgm_history"), NULL);
    assert_string_equal(ht, "my notes\n");
    free(ht);

    assert_int_equal(unlink(home), 0);
    assert_int_equal(mkdir(home, 0700), 0);
    session_with_a_bad_history(".tgm_history: is a directory");
    struct stat st;
    assert_int_equal(stat(home, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(rmdir(home), 0); /* still empty */
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pty__tab_completes_commands_files_and_symbols, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__history_recall_within_and_across_sessions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_stops_a_run_and_keeps_the_shell, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_abandons_a_check, setup, teardown),
        cmocka_unit_test_setup_teardown(pty__typed_keys_during_a_run_go_to_the_guest, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_names_the_vm_that_was_running, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_z_and_fg_redraw_the_prompt, setup, teardown),
        cmocka_unit_test_setup_teardown(pty__tab_completes_word_functions_in_expressions, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__set_histfile_keeps_the_new_files_history, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(pty__a_default_history_that_is_not_one_is_left_alone,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("monitor_pty", tests, NULL, NULL);
}
