/* test_hostile_env.c: tgm's files in a hostile environment.
 *
 * What a user of a simulator trusts it with (docs/robustness.md, "Files"):
 * a write that fails or is killed leaves the old file as it was and no
 * temporary file; a full device says so by name; any name the directory
 * takes can be written; a device or a FIFO where a file is expected
 * neither hangs tgm nor fills its memory nor is changed.  The images
 * written and read are those of section 2's machine (E and the PSW).
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"

static const char spin_src[] = "        .entry s\n"
                               "s:      JMP   s\n";

static const char hello_src[] = "        .entry start\n"
                                "start:  COUT  ch\n"
                                "        HALT\n"
                                "ch:     .word 'X'\n";


static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_hostile_env");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* ---- writers ------------------------------------------------------------- */

/* SIG while 'tgm run --timeline' writes a large timeline: the signal
 * ends tgm, as it would have, but the temporary file goes first. */
static void kill_mid_write(int sig)
{
    const char *src = cs_tmp("spin.s"), *tl = cs_tmp("big.json");
    cs_put_text(src, spin_src);
    cs_put_text(tl, "old\n");
    pid_t pid = cs_start_tgm(-1, "run", CS_ARGV("--vmm", "--vms", "3", "--slice", "10",
                                               "--max-steps", "1000000", src, "--timeline",
                                               tl));
    /* the run is over and the timeline (about 100 MB) is being written */
    bool seen = false;
    for (int i = 0; i < 200000 && !seen && waitpid(pid, NULL, WNOHANG) == 0; i++)
        if (!(seen = cs_has_file_starting(cs_tmpdir(), "big.json.tmp")))
            usleep(500);
    assert_true(seen);
    assert_int_equal(kill(pid, sig), 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st)); /* the signal's usual end, as without tgm's writer */
    assert_int_equal(WTERMSIG(st), sig);
    char *old = cs_slurp(tl, NULL);
    assert_string_equal(old, "old\n");
    free(old);
    cs_assert_no_temporary();
}

/* SIGTERM killed tgm with its temporary file left beside the old one. */
static void writer__sigterm_mid_write_leaves_no_temporary(void **state)
{
    (void)state;
    kill_mid_write(SIGTERM);
}

/* Only SIGKILL or a crash may leave a temporary file (docs/robustness.md),
 * but the writer removed it only for the four signals a shell and a pipe
 * send: SIGUSR1 or SIGALRM, whose default action also ends tgm, left it. */
static void writer__any_ending_signal_leaves_no_temporary(void **state)
{
    (void)state;
    kill_mid_write(SIGUSR1);
    kill_mid_write(SIGALRM);
}

/* A name of 246..255 bytes is a name the directory takes, but its
 * temporary file NAME.tmpXXXXXX was not: 'cannot create a temporary
 * file: File name too long'.  The temporary's name is cut instead. */
static void writer__a_name_of_255_bytes_is_written(void **state)
{
    (void)state;
    char name[256];
    memset(name, 'n', 255);
    name[255] = '\0';
    const char *src = cs_tmp("hello.s");
    char out[CS_PATH + 256];
    snprintf(out, sizeof out, "%s/%s", cs_tmpdir(), name);
    cs_put_text(src, hello_src);
    cs_put_text(out, "old\n"); /* and it replaces a file of that name */
    struct cs_outcome o = cs_run_tgm("as", src, "-o", out, NULL);
    if (o.status != 0)
        fail_msg("tgm as -o NAME(255): status %d, stderr \"%s\"", o.status, o.err);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", out, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "X"));
    cs_outcome_free(&o);
    assert_int_equal(unlink(out), 0);
    cs_assert_no_temporary();
}

/* 'trace insns to /dev/full' and 'log /dev/full' said "Input/output
 * error" once their output passed stdio's buffer: the stream kept only a
 * flag.  The error is the device's. */
static void writer__a_full_device_says_no_space(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip(); /* no full device here: nothing to test with */
    const char *src = cs_tmp("spin.s");
    cs_put_text(src, spin_src);
    char cmds[CS_PATH + 128];
    snprintf(cmds, sizeof cmds, "load %s; set limit 5000; trace insns to /dev/full; go; "
                                "trace off", src);
    cs_mon_fails(cmds, "trace: /dev/full: cannot write: No space left on device");
    snprintf(cmds, sizeof cmds, "load %s; log /dev/full; examine 0 4000; log off", src);
    cs_mon_fails(cmds, "log: /dev/full: cannot write: No space left on device");
}

/* ---- readers ------------------------------------------------------------- */

/* 'tgm run F' and 'tgm check F' hold Ctrl-C until their run begins; with
 * F a FIFO no one writes to (or a terminal, a pipe that never ends) the
 * read never ended, so Ctrl-C did nothing.  While such a file is read,
 * Ctrl-C ends the command with one line, as during an --input-file. */
static void reader__ctrl_c_ends_a_wait_for_a_fifo(void **state)
{
    (void)state;
    const char *fifo = cs_tmp("wait.img");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const char *const cmds[] = {"run", "check"};
    for (size_t i = 0; i < 2; i++) {
        pid_t pid = cs_start_tgm_with(-1, cs_child_sigint, cmds[i], CS_ARGV(fifo));
        /* waiting in the FIFO's open with Ctrl-C caught, else held */
        bool caught = cs_catches_sigint(pid) == 1;
        bool waiting = cs_blocked_in(pid, SYS_openat);
        assert_int_equal(kill(pid, SIGINT), 0);
        int st = 0;
        pid_t got = 0;
        for (int k = 0; k < 20000 && (got = waitpid(pid, &st, WNOHANG)) == 0; k++)
            usleep(1000); /* a guard against a hang, not a timing */
        if (got == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            fail_msg("tgm %s FIFO: still waiting after Ctrl-C", cmds[i]);
        }
        assert_true(caught);
        assert_true(waiting);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 130);
        char want[2 * CS_PATH], *err = cs_slurp(cs_tmp("stderr.txt"), NULL);
        snprintf(want, sizeof want,
                 "tgm: %s: interrupted (Ctrl-C) while reading %s; nothing was run\n", cmds[i],
                 fifo);
        assert_string_equal(err, want);
        free(err);
    }
    assert_int_equal(unlink(fifo), 0);
}

/* A source line of a megabyte with an error in it: the excerpt under the
 * diagnostic was the whole line, and the caret line a megabyte of spaces.
 * It is now the 160 columns around the caret, cut at "...". */
static void reader__an_error_on_a_megabyte_line_shows_its_surroundings(void **state)
{
    (void)state;
    size_t pad = (size_t)1 << 20;
    char *text = malloc(pad + 32);
    assert_non_null(text);
    strcpy(text, " HALT");
    memset(text + 5, ' ', pad);
    strcpy(text + 5 + pad, "junk\n");
    const char *src = cs_tmp("wide.s");
    cs_put_text(src, text);
    free(text);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", cs_tmp("wide.img"), NULL);
    assert_int_equal(o.status, 1);
    char *lines[5] = {0};
    size_t n = 0;
    for (char *save = NULL, *l = strtok_r(o.err, "\n", &save); l && n < 5;
         l = strtok_r(NULL, "\n", &save))
        lines[n++] = l;
    assert_int_equal(n, 4); /* the diagnostic, the excerpt, the caret, the count */
    assert_non_null(strstr(lines[0], "wide.s:1:1048582: error: 'HALT' takes no operands"));
    assert_true(strlen(lines[1]) <= 3 + 160 + 3);
    assert_true(strncmp(lines[1], "...", 3) == 0);
    char *junk = strstr(lines[1], "junk"), *caret = strchr(lines[2], '^');
    assert_non_null(junk);
    assert_non_null(caret);
    assert_int_equal(junk - lines[1], caret - lines[2]); /* the caret under the token */
    assert_string_equal(caret, "^~~~");
    cs_outcome_free(&o);
}

/* N lines of LINE as NAME; 'tgm as' on it; its peak resident set (KiB). */
static long as_peak_kib(const char *name, const char *line, size_t n)
{
    size_t len = strlen(line);
    char *text = malloc(n * len + 1);
    assert_non_null(text);
    for (size_t i = 0; i < n; i++)
        memcpy(text + i * len, line, len);
    text[n * len] = '\0';
    const char *src = cs_tmp(name);
    cs_put_text(src, text);
    free(text);
    char img[CS_PATH];
    snprintf(img, sizeof img, "%s.img", src);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        execl(cs_tgm_binary(), "tgm", "as", src, "-o", img, (char *)NULL);
        _exit(127);
    }
    int status;
    struct rusage ru;
    assert_int_equal(wait4(pid, &status, 0, &ru), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
    return ru.ru_maxrss;
}

/* A source of a million bad lines: every error's message and excerpt was
 * kept until the end, though only the first 20 are shown, so errors cost
 * over twice the memory of the file's good lines (a 16 MiB source could
 * take a gigabyte).  Only the shown ones are kept now. */
static void reader__errors_not_shown_cost_no_memory(void **state)
{
    (void)state;
    enum { LINES = 200000 };
    long good = as_peak_kib("good.s", "halt\n", LINES);
    long bad = as_peak_kib("bad.s", "bad 1\n", LINES);
    /* (the same statements either way: only the errors differ) */
    assert_true(bad < good + good / 2);
}

/* 'tgm monitor -f F', F a FIFO no one writes to: SIGTERM (or Ctrl-C)
 * ended the open with status 2, bad usage, where every other wait the
 * monitor has ends with 128 + the signal's number. */
static void reader__a_signal_ends_a_script_fifo_as_any_wait(void **state)
{
    (void)state;
    const char *fifo = cs_tmp("wait.mon");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = cs_start_tgm_with(-1, cs_child_sigint, "monitor", CS_ARGV("-f", fifo));
    bool caught = cs_catches_sigint(pid) == 1; /* the monitor's handlers are in place */
    bool waiting = cs_blocked_in(pid, SYS_openat); /* and it waits in the open */
    assert_int_equal(kill(pid, SIGTERM), 0);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_true(caught);
    assert_true(waiting);
    assert_int_equal(o.status, 128 + SIGTERM);
    cs_assert_one_line(&o, "wait.mon");
    cs_outcome_free(&o);
    assert_int_equal(unlink(fifo), 0);
}

/* SIGTERM while the monitor waits to write to a full pipe: the write
 * ended with EINTR, and the session with status 2 and "cannot write the
 * output: Interrupted system call", where a signal gives 128 + it. */
static void output__a_signal_during_a_blocked_write_gives_its_status(void **state)
{
    (void)state;
    int p[2];
    cs_pipe(p, true); /* the monitor's first write waits */
    pid_t pid = cs_start_tgm_with(-1, cs_onto_pipe, "monitor", CS_ARGV("-c", "echo one; echo two"));
    close(p[1]);
    bool waiting = cs_blocked_in(pid, SYS_write);
    assert_int_equal(kill(pid, SIGTERM), 0);
    usleep(200 * 1000); /* the signal lands before there is room */
    char buf[4096];
    while (read(p[0], buf, sizeof buf) > 0) /* room, so that it can end */
        ;
    close(p[0]);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_true(waiting);
    if (o.status != 128 + SIGTERM || o.err[0])
        fail_msg("status %d, stderr \"%s\"", o.status, o.err);
    cs_outcome_free(&o);
}

/* Wait up to SECS seconds for PID to end: its wait status, or -1 (then
 * still running). */
static int wait_up_to(pid_t pid, int secs)
{
    int st = 0;
    for (int i = 0; i < secs * 20; i++) {
        if (waitpid(pid, &st, WNOHANG) == pid)
            return st;
        usleep(50 * 1000);
    }
    return -1;
}

/* SIGTERM while a command's long output waits for room in a pipe no one
 * reads: the write the signal cut short ended, the next one waited again,
 * and the session never ended.  docs/monitor.md: the output still waiting
 * is dropped and the status is the signal's. */
static void output__a_signal_drops_output_no_one_reads(void **state)
{
    (void)state;
    int p[2];
    cs_pipe(p, true);
    pid_t pid = cs_start_tgm_with(-1, cs_onto_pipe, "monitor",
                                  CS_ARGV("-c", "examine 0 65536; echo not reached"));
    close(p[1]);
    bool waiting = cs_blocked_in(pid, SYS_write);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int st = wait_up_to(pid, 10); /* the pipe is never read meanwhile */
    char buf[4096];
    while (st < 0 && read(p[0], buf, sizeof buf) > 0) /* a hung session: let it end */
        ;
    close(p[0]);
    struct cs_outcome o = cs_finish_tgm_waited(pid, st);
    assert_true(waiting);
    if (st < 0)
        fail_msg("the session went on for 10 s after SIGTERM, waiting to write");
    if (o.status != 128 + SIGTERM || o.err[0])
        fail_msg("status %d, stderr \"%s\"", o.status, o.err);
    cs_outcome_free(&o);
}

/* A pipe whose reader has gone (SIGPIPE ignored, as here): docs/monitor.md's
 * one line says why, "Broken pipe".  A run's live output failed, the
 * command's own flush then had nothing left to write, and the reason said
 * was "Input/output error". */
static void output__a_reader_gone_mid_run_says_broken_pipe(void **state)
{
    (void)state;
    int in[2], p[2];
    assert_int_equal(pipe2(in, O_CLOEXEC), 0); /* the writer stays ours */
    cs_pipe(p, false);
    pid_t pid = cs_start_tgm_with(in[0], cs_onto_pipe, "monitor", CS_ARGV(NULL));
    close(in[0]);
    close(p[1]);
    static const char load[] = "load examples/sum.s\n", go[] = "go\n";
    assert_int_equal(write(in[1], load, sizeof load - 1), (ssize_t)(sizeof load - 1));
    char c = 0;
    while (c != '\n') /* the load's line read, then the reader goes */
        assert_int_equal(read(p[0], &c, 1), 1);
    close(p[0]);
    assert_int_equal(write(in[1], go, sizeof go - 1), (ssize_t)(sizeof go - 1));
    close(in[1]);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: monitor: cannot write the output: Broken pipe\n");
    cs_outcome_free(&o);
}

/* ---- the history file (on a terminal) ------------------------------------ */

/* A session with ~/.tgm_history a link to DEV: it starts, runs lines,
 * warns of nothing and ends with status 0. */
static void session_with_history_on(const char *dev)
{
    char home[CS_PATH];
    assert_int_equal(symlink(dev, pt_in_dir(home, sizeof home, ".tgm_history")), 0);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "one");
    pt_echo(&s, "two");
    pt_quit(&s);
    assert_null(strstr(s.screen.buf, "warning"));
}

/* A history file on /dev/zero (or /dev/full, /dev/urandom) was loaded as
 * one endless line: the session filled memory before its first prompt. */
static void history__an_endless_device_is_not_loaded(void **state)
{
    (void)state;
    if (access("/dev/zero", R_OK) != 0)
        skip();
    session_with_history_on("/dev/zero");
}

/* TGM_HISTORY=/dev/null, the usual "no history": libedit fchmods the file
 * it saves to, which made /dev/null 0600 for root (and failed with a
 * warning for anyone else).  A device keeps no history and is left alone. */
static void history__dev_null_keeps_its_mode(void **state)
{
    (void)state;
    struct stat before, after;
    if (stat("/dev/null", &before) != 0)
        skip();
    session_with_history_on("/dev/null");
    assert_int_equal(stat("/dev/null", &after), 0);
    if (after.st_mode != before.st_mode) /* put it back before failing */
        chmod("/dev/null", before.st_mode & 07777);
    assert_int_equal(after.st_mode, before.st_mode);
}

/* ---- a terminal hung up ------------------------------------------------- */

/* Close the terminal under the session (as a dropped ssh connection or a
 * closed window does: SIGHUP, and writes that fail) and wait for the
 * monitor, with a deadline; its exit status, or -1 if a signal killed it. */
static int hang_up(struct pt_session *s)
{
    close(s->fd);
    int st = 0;
    for (int i = 0; i < 1000 && waitpid(s->pid, &st, WNOHANG) == 0; i++)
        usleep(10000);
    if (waitpid(s->pid, &st, WNOHANG) == 0) {
        kill(s->pid, SIGKILL);
        waitpid(s->pid, &st, 0);
        fail_msg("tgm did not exit when its terminal hung up");
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* docs/monitor.md: 128 + the signal's number after SIGHUP, the log put in
 * place.  A hung-up terminal's SIGHUP comes with writes that fail, and the
 * session said status 2 ("cannot write the output", on the terminal that
 * had gone), at the prompt and in a run alike.  The kernel wakes the
 * prompt's read before it sends the signal: the third round holds SIGHUP
 * back for good (blocked in the session), and the hang-up alone must end
 * the session as its SIGHUP would. */
static void terminal__a_hangup_ends_the_session_with_sighups_status(void **state)
{
    (void)state;
    pt_put_file("spin.s", spin_src);
    for (int round = 0; round < 3; round++) {
        bool running = round == 1;
        char log[CS_PATH];
        pt_in_dir(log, sizeof log, "hup.log");
        unlink(log);
        struct pt_session s = {0};
        sigset_t hup, old;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        /* the session catches SIGHUP, as at a terminal, even when this
         * suite runs under nohup (an ignored SIGHUP stays ignored) */
        struct sigaction dfl = {.sa_handler = SIG_DFL}, was;
        sigemptyset(&dfl.sa_mask);
        sigaction(SIGHUP, &dfl, &was);
        sigprocmask(round == 2 ? SIG_BLOCK : SIG_SETMASK, round == 2 ? &hup : NULL, &old);
        pt_start(&s); /* the session inherits the mask */
        sigprocmask(SIG_SETMASK, &old, NULL);
        sigaction(SIGHUP, &was, NULL);
        pt_expect(&s, "tgm> ");
        pt_type(&s, "log hup.log\n");
        pt_expect(&s, "tgm> ");
        if (running) {
            pt_type(&s, "load spin.s\n");
            pt_expect(&s, "tgm> ");
            pt_type(&s, "go\n");
            pt_expect(&s, "running");
        }
        int st = hang_up(&s);
        if (st != 128 + SIGHUP)
            fail_msg("a hangup %s ended the session with status %d, not %d",
                     running ? "during a run" : round == 2 ? "before its SIGHUP" : "at the prompt",
                     st, 128 + SIGHUP);
        char *text = cs_slurp(log, NULL);
        assert_non_null(text);
        assert_non_null(strstr(text, "logging the session to hup.log"));
        free(text);
    }
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer__sigterm_mid_write_leaves_no_temporary),
        cmocka_unit_test(writer__any_ending_signal_leaves_no_temporary),
        cmocka_unit_test(writer__a_name_of_255_bytes_is_written),
        cmocka_unit_test(writer__a_full_device_says_no_space),
        cmocka_unit_test(reader__ctrl_c_ends_a_wait_for_a_fifo),
        cmocka_unit_test(reader__a_signal_ends_a_script_fifo_as_any_wait),
        cmocka_unit_test(output__a_signal_during_a_blocked_write_gives_its_status),
        cmocka_unit_test(output__a_signal_drops_output_no_one_reads),
        cmocka_unit_test(output__a_reader_gone_mid_run_says_broken_pipe),
        cmocka_unit_test(reader__an_error_on_a_megabyte_line_shows_its_surroundings),
        cmocka_unit_test(reader__errors_not_shown_cost_no_memory),
        cmocka_unit_test_setup_teardown(history__an_endless_device_is_not_loaded, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(history__dev_null_keeps_its_mode, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(terminal__a_hangup_ends_the_session_with_sighups_status,
                                        pt_setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("hostile_env", tests, group_setup, group_teardown);
}
