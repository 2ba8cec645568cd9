/* test_cli_sigint.c: Ctrl-C as the shell arranges it (docs/run.md,
 * docs/monitor.md), for runs of the machine of section 2.
 *
 * A SIGINT ignored when tgm starts (nohup, a background job of a
 * non-interactive shell) stays ignored: the input is read, the run goes on
 * and the command ends as it would have; so does the monitor's SIGHUP.  A Ctrl-C that is not ignored,
 * at any moment from tgm's first change to SIGINT up to its run, stops
 * `tgm run` and `tgm check` with status 130, never by the signal: each
 * return from a system call that changes SIGINT's action or the signal
 * mask is a moment at which the test, tracing tgm, sends it.  One after
 * the run, as the report or a --dump or --timeline is written, is held
 * until they are whole, then gives 130.
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
#include <sys/stat.h>
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
        bool waiting = cs_blocked_in(pid, SYS_read);
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
        bool writing = cs_blocked_in(pid, SYS_write); /* in its run, the pipe full */
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

/* Ctrl-C while the guest's output waited for room in a pipe: the write
 * ended with EINTR, what it held was lost, and the status was 2 with
 * "cannot write the output: Interrupted system call".  Now the write goes
 * on: every byte the report counts is there, and the status is 130. */
static void ctrl_c_while_the_output_waits_loses_nothing(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "printer.s", printer_src);
    int p[2];
    size_t held = cs_pipe(p, true); /* full: the run's first write waits */
    pid_t pid = cs_start_tgm_with(-1, cs_onto_pipe, "run", CS_ARGV("--max-steps", "100000000", src));
    close(p[1]);
    bool writing = cs_blocked_in(pid, SYS_write);
    if (writing)
        assert_int_equal(kill(pid, SIGINT), 0);
    usleep(200 * 1000); /* the signal lands before there is room */
    size_t total;
    char *out = drain(p[0], &total);
    close(p[0]);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_true(writing);
    size_t xs = strspn(out, "x"); /* the pipe's own, then the guest's */
    const char *line = strstr(out, "\nconsole ");
    unsigned long long n = 0;
    if (o.status != 130 || o.err[0] || !line || sscanf(line, " console %llu bytes", &n) != 1 ||
        n != xs - held)
        fail_msg("status %d, %zu x bytes, report \"%.200s\", stderr \"%s\"", o.status, xs,
                 line ? line : "(none)", o.err);
    free(out);
    cs_outcome_free(&o);
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

/* One stop of a traced tgm: the system call NR with arguments A, at its
 * entry or its return. */
struct sc_stop {
    pid_t pid;
    bool entry;
    long nr;
    uint64_t a[6];
};

/* When to send SIGINT: WHEN answers 1 to send it now (tgm then goes on
 * untraced), -1 to kill tgm and stop, 0 to go on. */
typedef int (*sigint_when)(const struct sc_stop *s, void *ctx);

/* Run `tgm SUB ARGS` traced, asking WHEN at each system call's entry and
 * return; the outcome once tgm ends. */
static struct cs_outcome interrupt_when(const char *sub, const char *const *args,
                                        sigint_when when, void *ctx)
{
    pid_t pid = cs_start_tgm_with(-1, trace_me, sub, args);
    int st, sig = 0;
    struct sc_stop s = {.pid = pid, .nr = -1};
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
        s.entry = si.op == PTRACE_SYSCALL_INFO_ENTRY;
        if (s.entry) {
            s.nr = (long)si.entry.nr;
            memcpy(s.a, si.entry.args, sizeof s.a);
        }
        int act = when(&s, ctx);
        if (act < 0) {
            kill(pid, SIGKILL);
            break;
        }
        if (act > 0) {
            assert_int_equal(kill(pid, SIGINT), 0);
            assert_int_equal(ptrace(PTRACE_DETACH, pid, NULL, NULL), 0);
            break;
        }
    }
    return cs_finish_tgm(pid);
}

/* The moments of the top: K-th gets SIGINT; K = 0 sends none, and kills
 * tgm at its first write to standard output or error, counting them. */
struct moments {
    int k, seen;
    bool on;
};

static int at_moment(const struct sc_stop *s, void *ctx)
{
    struct moments *m = ctx;
    if (s->entry) {
        if (s->nr == SYS_write && (s->a[0] == 1 || s->a[0] == 2)) {
            assert_int_equal(m->k, 0); /* the moment K was never reached */
            return -1;
        }
        return 0;
    }
    bool moment = false;
    if (s->nr == SYS_rt_sigaction && s->a[0] == SIGINT && s->a[1])
        m->on = moment = true;
    else if (s->nr == SYS_rt_sigprocmask && s->a[1])
        moment = m->on = m->on || has_sigint(s->pid, s->a[1]);
    return moment && ++m->seen == m->k;
}

/* Run `tgm SUB ARGS` traced, and send it SIGINT as its K-th moment
 * returns (see the top), then let it go.  K = 0 sends none, and kills it
 * at its first write to standard output or error: how many moments came
 * before it, in *MOMENTS. */
static struct cs_outcome interrupt_at(const char *sub, const char *const *args, int k,
                                      int *moments)
{
    struct moments m = {.k = k};
    struct cs_outcome o = interrupt_when(sub, args, at_moment, &m);
    *moments = m.seen;
    return o;
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

/* ---- Ctrl-C while the report and files are written ---------------------- */

/* The string at ADDR of stopped PID (up to LEN - 1 bytes) in BUF. */
static void peek_string(pid_t pid, uint64_t addr, char *buf, size_t len)
{
    size_t i = 0;
    while (i + 1 < len) {
        errno = 0;
        long w = ptrace(PTRACE_PEEKDATA, pid, (void *)(uintptr_t)(addr + i), NULL);
        if (errno)
            break;
        size_t n = len - 1 - i < sizeof w ? len - 1 - i : sizeof w;
        memcpy(buf + i, &w, n);
        if (memchr(&w, '\0', n))
            break;
        i += n;
    }
    buf[i < len ? i : len - 1] = '\0';
    buf[len - 1] = '\0';
}

/* SIGINT as the writer's temporary file ("NAME.tmpXXXXXX") has been made. */
static int at_temporary(const struct sc_stop *s, void *ctx)
{
    (void)ctx;
    if (s->entry || s->nr != SYS_openat || !(s->a[2] & O_CREAT))
        return 0;
    char name[CS_PATH];
    peek_string(s->pid, s->a[1], name, sizeof name);
    return strstr(name, ".tmp") != NULL;
}

/* SIGINT as the report's first write to standard output begins. */
static int at_report(const struct sc_stop *s, void *ctx)
{
    (void)ctx;
    return s->entry && s->nr == SYS_write && s->a[0] == 1;
}

/* Ctrl-C after the run, while the report and a --dump or --timeline were
 * written, ended tgm by the signal, leaving the temporary file and a
 * report cut short; now it is held until they are written in full, and
 * the status is 130: the same report and file as without it, no other
 * file in the directory. */
static void ctrl_c_while_writing_is_held_then_130(void **state)
{
    (void)state;
    char dir[CS_PATH], dump[CS_PATH + 16], tl[CS_PATH + 16];
    cs_tmp_path(dir, sizeof dir, "held"); /* a directory of its own: what is left in it */
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(dump, sizeof dump, "%s/h.dump", dir);
    snprintf(tl, sizeof tl, "%s/h.timeline", dir);
    static const struct {
        const char *sub;
        int base; /* the status without Ctrl-C */
        bool at_file;
    } rows[] = {{"run", 0, true}, {"run", 0, true}, {"check", 0, false}, {"run", 0, false}};
    const char *const *args[] = {CS_ARGV("--dump", dump, "examples/hello.s"),
                                 CS_ARGV("--vmm", "--timeline", tl, "examples/hello.s"),
                                 CS_ARGV("examples/hello.s", "examples/hello.s"),
                                 CS_ARGV("--nest", "1", "examples/hello.s")};
    const char *file[] = {dump, tl, NULL, NULL};
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cs_outcome plain = cs_run_tgm_argv(rows[i].sub, args[i]);
        assert_int_equal(plain.status, rows[i].base);
        char *want = file[i] ? cs_slurp(file[i], NULL) : NULL;
        if (file[i])
            assert_int_equal(unlink(file[i]), 0);
        struct cs_outcome o =
            interrupt_when(rows[i].sub, args[i], rows[i].at_file ? at_temporary : at_report, NULL);
        if (o.status != 130 || strcmp(o.out, plain.out) != 0 || o.err[0])
            fail_msg("%s %zu: status %d, stdout \"%.300s\", stderr \"%s\"", rows[i].sub, i,
                     o.status, o.out, o.err);
        char left[4][CS_PATH];
        /* "." and "..", then the file alone */
        assert_int_equal(cs_list_files(dir, "", left, 4), file[i] ? 3 : 2);
        if (file[i]) {
            char *got = cs_slurp(file[i], NULL);
            assert_string_equal(left[2], file[i]);
            assert_string_equal(got, want);
            free(got);
            assert_int_equal(unlink(file[i]), 0);
        }
        free(want);
        cs_outcome_free(&o);
        cs_outcome_free(&plain);
    }
    assert_int_equal(rmdir(dir), 0);
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
        cmocka_unit_test(ctrl_c_while_the_output_waits_loses_nothing),
        cmocka_unit_test(ctrl_c_at_any_moment_before_the_run_is_130),
        cmocka_unit_test(ctrl_c_while_writing_is_held_then_130),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
