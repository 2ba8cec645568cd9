/* test_cli_sigint.c: Ctrl-C as the shell arranges it (docs/run.md,
 * docs/monitor.md), for runs of the machine of section 2.
 *
 * A SIGINT ignored when tgm starts (nohup, a background job of a
 * non-interactive shell) stays ignored: the input is read, the run goes on
 * and the command ends as it would have; so does the monitor's SIGHUP.  A Ctrl-C that is not ignored,
 * at any moment from tgm's first change to SIGINT up to its run, stops
 * `tgm run` and `tgm check` with status 130, never by the signal: each
 * return from a system call that changes SIGINT's action or the signal
 * mask is a moment at which the test, tracing tgm, sends it.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* Prints 'x' forever: 2 steps a byte, so that a run's first chunk (of
 * 2^24 steps for `tgm run`, 10^6 for the monitor) fills any pipe. */
static const char printer_src[] = "        .entry s\n"
                                  "s:      COUT  c\n"
                                  "        JMP   s\n"
                                  "c:      .word 120\n";

static void ignore_sigint(void) { signal(SIGINT, SIG_IGN); }

/* Wait until PID is blocked in system call NR (from /proc/PID/syscall):
 * true, or false after about 20 s.  Skipped where /proc cannot say. */
static bool blocked_in(pid_t pid, long nr)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
    for (int tries = 0; tries < 20000; tries++) { /* a guard, not a timing */
        FILE *f = fopen(path, "r");
        char word[32] = "";
        int n = f ? fscanf(f, "%31s", word) : -1;
        if (f)
            fclose(f);
        char *end;
        long got = strtol(word, &end, 10);
        if (n != 1 || (*end && strcmp(word, "running") != 0)) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            skip();
        }
        if (!*end && got == nr)
            return true;
        usleep(1000);
    }
    return false;
}

/* Read FD to its end: what it held (free it), its length in *LEN. */
static char *drain(int fd, size_t *len)
{
    size_t cap = 1 << 16;
    char *all = malloc(cap + 1);
    assert_non_null(all);
    *len = 0;
    for (ssize_t n; (n = read(fd, all + *len, cap - *len)) != 0;) {
        assert_true(n > 0);
        *len += (size_t)n;
        if (*len == cap) {
            all = realloc(all, 2 * cap + 1);
            assert_non_null(all);
            cap *= 2;
        }
    }
    all[*len] = '\0';
    return all;
}

/* `nohup tgm run --input-file - ...`: the SIGINT sent while it waits for
 * its input was taken by tgm's handler (status 130, "interrupted while
 * reading"); ignored, the input is read and run. */
static void ignored_sigint_leaves_an_input_file_read(void **state)
{
    (void)state;
    static const char *const sub[] = {"run", "check"};
    for (size_t i = 0; i < 2; i++) {
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        pid_t pid = cs_start_tgm_with(p[0], ignore_sigint, sub[i],
                                      CS_ARGV("--input-file", "-", "examples/hello.s"));
        close(p[0]);
        bool waiting = blocked_in(pid, SYS_read);
        if (waiting)
            assert_int_equal(kill(pid, SIGINT), 0);
        assert_int_equal(write(p[1], "abc", 3), 3);
        close(p[1]);
        struct cs_outcome o = cs_finish_tgm(pid);
        if (!waiting)
            fail_msg("tgm %s never waited for its input", sub[i]);
        if (o.status != 0 || o.err[0])
            fail_msg("%s: status %d, stdout \"%.300s\", stderr \"%s\"", sub[i], o.status,
                     o.out, o.err);
        assert_non_null(strstr(o.out, i == 0 ? "hello, world\n" : "hello.s: equivalent"));
        cs_outcome_free(&o);
    }
}

/* tgm's standard output on this pipe, this signal ignored: the child's
 * prep. */
static int out_pipe = -1, ignored_sig;
static void ignore_on_pipe(void)
{
    signal(ignored_sig, SIG_IGN);
    dup2(out_pipe, 1);
}

/* The run goes on through an ignored SIGINT, to its step limit past its
 * first chunk: `tgm run` (status 3), the monitor's `go` (its script ends
 * with status 0), where both stopped there with 130; so does the monitor
 * through SIGHUP under nohup, which ended it with 129. */
static void ignored_sigint_leaves_a_run_running(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "printer.s", printer_src);
    char cmds[CS_PATH + 64];
    snprintf(cmds, sizeof cmds, "load %s; set limit 2200000; go", src);
    static const struct {
        const char *sub;
        int sig, status;
        const char *want;
    } rows[] = {{"run", SIGINT, 3, "-- step limit reached before HALT\n"},
                {"monitor", SIGINT, 0, "step limit (2200000) reached"},
                {"monitor", SIGHUP, 0, "step limit (2200000) reached"}};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        out_pipe = p[1];
        ignored_sig = rows[i].sig;
        pid_t pid = cs_start_tgm_with(-1, ignore_on_pipe, rows[i].sub,
                                      i == 0 ? CS_ARGV("--max-steps", "17000000", src)
                                             : CS_ARGV("-c", cmds));
        close(p[1]);
        bool writing = blocked_in(pid, SYS_write); /* in its run, the pipe full */
        if (writing)
            assert_int_equal(kill(pid, rows[i].sig), 0);
        size_t total;
        char *out = drain(p[0], &total);
        close(p[0]);
        struct cs_outcome o = cs_finish_tgm(pid);
        if (!writing)
            fail_msg("tgm %s never waited to write the guest's output", rows[i].sub);
        if (o.status != rows[i].status || total < (i == 0 ? 8500000u : 1100000u) || !strstr(out, rows[i].want))
            fail_msg("%s, signal %d: status %d after %zu bytes ending \"%s\", stderr \"%s\"",
                     rows[i].sub, rows[i].sig, o.status, total,
                     total > 200 ? out + total - 200 : out, o.err);
        free(out);
        cs_outcome_free(&o);
    }
}

/* ---- Ctrl-C at every moment before the run ------------------------------ */

static void trace_me(void)
{
    if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) != 0)
        _exit(125);
}

/* Is SIGINT in the signal set at ADDR of stopped PID? */
static bool has_sigint(pid_t pid, uint64_t addr)
{
    errno = 0;
    long w = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)addr, NULL);
    return errno == 0 && (w & (1L << (SIGINT - 1)));
}

/* Run `tgm SUB ARGS` traced, and send it SIGINT as its K-th moment
 * returns (see the top), then let it go.  K = 0 sends none, and kills it
 * at its first write to standard output or error: how many moments came
 * before it, in *MOMENTS. */
static struct cs_outcome interrupt_at(const char *sub, const char *const *args, int k,
                                      int *moments)
{
    pid_t pid = cs_start_tgm_with(-1, trace_me, sub, args);
    int st, sig = 0, seen = 0;
    bool on = false;
    long nr = -1;
    uint64_t a[6] = {0};
    assert_int_equal(waitpid(pid, &st, 0), pid); /* at its exec */
    if (WIFEXITED(st)) { /* no tracing here */
        struct cs_outcome o = {0};
        skip();
        return o;
    }
    assert_int_equal(ptrace(PTRACE_SETOPTIONS, pid, NULL,
                            (void *)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)),
                     0);
    for (;;) {
        assert_int_equal(ptrace(PTRACE_SYSCALL, pid, NULL, (void *)(intptr_t)sig), 0);
        sig = 0;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        if (!WIFSTOPPED(st))
            fail_msg("tgm %s ended before its output (status 0x%x)", sub, st);
        if (WSTOPSIG(st) != (SIGTRAP | 0x80)) { /* a signal of its own: delivered */
            sig = WSTOPSIG(st);
            continue;
        }
        struct __ptrace_syscall_info si;
        if (ptrace(PTRACE_GET_SYSCALL_INFO, pid, (void *)sizeof si, &si) <= 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            skip();
        }
        if (si.op == PTRACE_SYSCALL_INFO_ENTRY) {
            nr = (long)si.entry.nr;
            memcpy(a, si.entry.args, sizeof a);
            if (nr == SYS_write && (a[0] == 1 || a[0] == 2)) {
                assert_int_equal(k, 0); /* the moment K was never reached */
                *moments = seen;
                kill(pid, SIGKILL);
                break;
            }
            continue;
        }
        bool moment = false;
        if (nr == SYS_rt_sigaction && a[0] == SIGINT && a[1])
            on = moment = true;
        else if (nr == SYS_rt_sigprocmask && a[1])
            moment = on = on || has_sigint(pid, a[1]);
        if (moment && ++seen == k) {
            assert_int_equal(kill(pid, SIGINT), 0);
            assert_int_equal(ptrace(PTRACE_DETACH, pid, NULL, NULL), 0);
            break;
        }
    }
    return cs_finish_tgm(pid);
}

/* A Ctrl-C in the gap between reading an --input-file and the run's
 * handler (SIGINT's default action put back after the read) ended tgm by
 * the signal, with no line; now every moment gives 130 and either the
 * report, marked interrupted, or the one line of an interrupted read. */
static void ctrl_c_at_any_moment_before_the_run_is_130(void **state)
{
    (void)state;
    char src[CS_PATH], in[CS_PATH];
    cs_write_text(src, sizeof src, "printer.s", printer_src);
    cs_write_text(in, sizeof in, "input.txt", "abc");
    static const char *const sub[] = {"run", "check"};
    const char *const *args[] = {
        CS_ARGV("--input-file", in, "--input-file", in, "--max-steps", "2000", src),
        CS_ARGV("--input-file", in, "examples/hello.s")};
    for (size_t i = 0; i < 2; i++) {
        int moments = 0;
        struct cs_outcome o = interrupt_at(sub[i], args[i], 0, &moments);
        cs_outcome_free(&o);
        assert_true(moments >= 4); /* a hold, a read's handler and back, the run's */
        /* check's last is its end, its report made (though still in
         * stdio's buffer): SIGINT's action put back, as after any command */
        int last = i == 0 ? moments : moments - 1;
        for (int k = 1; k <= last; k++) {
            int unused;
            o = interrupt_at(sub[i], args[i], k, &unused);
            char line[CS_PATH + 128];
            snprintf(line, sizeof line, "tgm: %s: --input-file: interrupted (Ctrl-C) while "
                     "reading %s; nothing was run\n", sub[i], in);
            bool reported = !o.err[0] && strstr(o.out, "nterrupted");
            bool read_stopped = strcmp(o.err, line) == 0 && !o.out[0];
            if (o.status != 130 || !(reported || read_stopped))
                fail_msg("%s, SIGINT at moment %d of %d: status %d, stdout \"%.200s\", "
                         "stderr \"%s\"", sub[i], k, moments, o.status, o.out, o.err);
            cs_outcome_free(&o);
        }
    }
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_cli_sigint");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ignored_sigint_leaves_an_input_file_read),
        cmocka_unit_test(ignored_sigint_leaves_a_run_running),
        cmocka_unit_test(ctrl_c_at_any_moment_before_the_run_is_130),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
