/* cli_support.c: helpers for the suites that drive the tgm binary
 * (see cli_support.h), which check sections 2-8 from the command line.
 *
 * Linked into every test binary, so every name is cs_ and the state (the
 * binary's path and the temporary directory) is set up only by cs_setup.
 */
#include <signal.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/image.h"

static char tmpdir[256];
static const char *tgm;

/* ---- the binary and the temporary directory ---------------------------- */

const char *cs_tgm_binary(void)
{
    const char *t = getenv("TGM");
    return t && *t ? t : "build/tgm";
}

int cs_setup(const char *suite)
{
    tgm = cs_tgm_binary();
    if (access(tgm, X_OK) != 0) {
        fprintf(stderr, "%s: no tgm binary at '%s' (set TGM)\n", suite, tgm);
        return -1;
    }
    char name[128];
    snprintf(name, sizeof name, "tgm-%s.XXXXXX", suite);
    cs_tmp_name(tmpdir, sizeof tmpdir, name);
    return mkdtemp(tmpdir) ? 0 : -1;
}

void cs_tmp_name(char *buf, size_t len, const char *name)
{
    const char *t = getenv("TMPDIR");
    snprintf(buf, len, "%s/%s", t && *t ? t : "/tmp", name);
}

/* A suite's subdirectories would otherwise keep its directory in /tmp. */
int cs_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        DIR *dir = opendir(path);
        if (dir) {
            char sub[1024];
            for (struct dirent *d; (d = readdir(dir));)
                if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
                    snprintf(sub, sizeof sub, "%s/%s", path, d->d_name);
                    cs_remove_tree(sub);
                }
            closedir(dir);
        }
        rmdir(path);
    } else {
        remove(path);
    }
    return lstat(path, &st) == 0 ? -1 : 0;
}

int cs_teardown(void)
{
    cs_remove_tree(tmpdir);
    return 0;
}

const char *cs_tgm(void) { return tgm; }

const char cs_hi_src[] = "        .entry start\n"
                          "start:  COUT  h\n"
                          "        COUT  i\n"
                          "        COUT  nl\n"
                          "        HALT\n"
                          "h:      .word 'h'\n"
                          "i:      .word 'i'\n"
                          "nl:     .word 10\n";

const char *cs_tmpdir(void) { return tmpdir; }

void cs_tmp_path(char *buf, size_t len, const char *name)
{
    if (!*tmpdir) /* no cs_setup: it was "/NAME", at the root */
        fail_msg("%s: no temporary directory (the suite calls no cs_setup)", name);
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* ---- files ------------------------------------------------------------- */

char *cs_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open '%s'", path);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            buf = realloc(buf, (cap *= 2) + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

void cs_write_bytes(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        fail_msg("cannot create '%s'", path);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

void cs_make_image(char *path, size_t len, const char *name, uint32_t load,
                   const uint64_t *words, size_t n, uint64_t entry)
{
    struct tgm_image img = {.load = load, .nwords = (uint32_t)n, .entry_psw = entry,
                            .words = (uint64_t *)words};
    char err[300];
    cs_tmp_path(path, len, name);
    if (image_write_file(path, &img, err, sizeof err) != 0)
        fail_msg("image_write_file: %s", err);
}

void cs_write_text(char *path, size_t len, const char *name, const char *text)
{
    cs_tmp_path(path, len, name);
    cs_write_bytes(path, text, strlen(text));
}

void cs_write_phased(char *path, size_t len)
{
    cs_write_text(path, len, "phased.s", "        .entry start\n"
                                         "start:  LPSW  upsw\n"
                                         "upsw:   .word psw(USER, 0, 0x10, 4)\n"
                                         "        .org  0x10\n"
                                         "        .phase 0\n"
                                         "uloop:  JMP   uloop\n"
                                         "        .dephase\n");
}

static int by_name(const void *x, const void *y)
{
    return strcmp((const char *)x, (const char *)y);
}

size_t cs_list_files(const char *dir, const char *suffix, char (*paths)[CS_PATH],
                     size_t max)
{
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open '%s': run the tests from the source tree's root", dir);
    size_t n = 0, slen = strlen(suffix);
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        if (len <= slen || strcmp(e->d_name + len - slen, suffix) != 0)
            continue;
        if (n == max) {
            closedir(d);
            fail_msg("more than %zu files %s/*%s", max, dir, suffix);
        }
        snprintf(paths[n++], CS_PATH, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(paths, n, sizeof paths[0], by_name);
    return n;
}

/* The first name in DIR holding TEXT at its start (START) or anywhere, or
 * NULL; the name is kept until the next call. */
static const char *name_in(const char *dir, const char *text, bool start)
{
    static char found[CS_PATH];
    DIR *d = opendir(dir);
    if (!d)
        fail_msg("cannot open '%s'", dir);
    const char *hit = NULL;
    for (struct dirent *e; !hit && (e = readdir(d));)
        if (start ? strncmp(e->d_name, text, strlen(text)) == 0 : strstr(e->d_name, text) != NULL) {
            snprintf(found, sizeof found, "%s", e->d_name);
            hit = found;
        }
    closedir(d);
    return hit;
}

bool cs_has_file_starting(const char *dir, const char *prefix)
{
    return name_in(dir, prefix, true) != NULL;
}

void cs_assert_no_temporary(void)
{
    const char *left = name_in(tmpdir, ".tmp", false);
    if (left)
        fail_msg("temporary file left behind: %s", left);
}

/* ---- running the binary ------------------------------------------------ */

void cs_push(struct cs_args *a, const char *arg)
{
    if (a->n >= CS_MAX_ARGS)
        fail_msg("more than %d arguments", CS_MAX_ARGS);
    a->v[a->n++] = arg;
    a->v[a->n] = NULL;
}

void cs_push_all(struct cs_args *a, ...)
{
    va_list ap;
    va_start(ap, a);
    for (const char *s; (s = va_arg(ap, const char *));)
        cs_push(a, s);
    va_end(ap);
}

void cs_child_sigint(void)
{
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGINT, &dfl, NULL);
}

/* cs_start_tgm_with's child without PREP, started with posix_spawn: a
 * fork marked all of a suite's memory copy-on-write for each of its
 * thousands of tgm processes, and the suite paid a fault and a copy at
 * its next write to each page (test_audit_refrun: 2.7 s to 1.7 s). */
static pid_t spawn_tgm(int in, const char *out_path, const char *err_path, const char **argv)
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t dfl;
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGINT); /* cs_child_sigint */
    int rc = posix_spawn_file_actions_init(&fa);
    assert_int_equal(rc, 0);
    if (in < 0)
        rc |= posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    else
        rc |= posix_spawn_file_actions_adddup2(&fa, in, 0);
    rc |= posix_spawn_file_actions_addopen(&fa, 1, out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    rc |= posix_spawn_file_actions_addopen(&fa, 2, err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    rc |= posix_spawnattr_init(&at);
    rc |= posix_spawnattr_setsigdefault(&at, &dfl);
    rc |= posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF);
    assert_int_equal(rc, 0);
    extern char **environ;
    pid_t pid;
    rc = posix_spawn(&pid, tgm, &fa, &at, (char *const *)argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0)
        fail_msg("cannot start %s: %s (is $TGM right?)", tgm, strerror(rc));
    return pid;
}

pid_t cs_start_tgm_with(int in, void (*prep)(void), const char *subcommand,
                        const char *const *args)
{
    const char *argv[CS_MAX_ARGS + 3] = {tgm, subcommand};
    int argc = 2;
    for (size_t i = 0; args && args[i]; i++) {
        if (argc >= CS_MAX_ARGS + 2)
            fail_msg("more than %d arguments for tgm %s", CS_MAX_ARGS, subcommand);
        argv[argc++] = args[i];
    }
    argv[argc] = NULL;

    char out_path[300], err_path[300];
    cs_tmp_path(out_path, sizeof out_path, "stdout.txt");
    cs_tmp_path(err_path, sizeof err_path, "stderr.txt");
    if (!prep)
        return spawn_tgm(in, out_path, err_path, argv);
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (in < 0)
            in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        cs_child_sigint();
        if (prep)
            prep();
        execv(tgm, (char *const *)argv);
        _exit(127);
    }
    return pid;
}

pid_t cs_start_tgm(int in, const char *subcommand, const char *const *args)
{
    return cs_start_tgm_with(in, NULL, subcommand, args);
}

struct cs_outcome cs_finish_tgm(pid_t pid) { return cs_finish_tgm_waited(pid, -1); }

struct cs_outcome cs_finish_tgm_waited(pid_t pid, int st)
{
    char out_path[300], err_path[300];
    cs_tmp_path(out_path, sizeof out_path, "stdout.txt");
    cs_tmp_path(err_path, sizeof err_path, "stderr.txt");
    if (st < 0)
        assert_int_equal(waitpid(pid, &st, 0), pid);
    struct cs_outcome o = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, NULL, 0, NULL};
    assert_int_not_equal(o.status, 127); /* exec failed: is $TGM right? */
    o.out = cs_slurp(out_path, &o.out_len);
    o.err = cs_slurp(err_path, NULL);
    return o;
}

/* Wait until SIGINT's bit is set in FIELD ("SigCgt: ") of PID's status. */
static int sigint_in(pid_t pid, const char *field)
{
    char path[64], line[256], fmt[32];
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    snprintf(fmt, sizeof fmt, "%s%%llx", field);
    for (int tries = 0; tries < 20000; tries++) { /* a guard, not a timing */
        FILE *f = fopen(path, "r");
        if (!f)
            return -1;
        unsigned long long set = 0;
        bool seen = false;
        while (!seen && fgets(line, sizeof line, f))
            seen = sscanf(line, fmt, &set) == 1;
        fclose(f);
        if (!seen)
            return -1;
        if (set & (1ull << (SIGINT - 1)))
            return 1;
        usleep(1000);
    }
    return 0;
}

/* Wait until PID is blocked in system call NR (from /proc/PID/syscall):
 * true, or false after about 20 s.  Skipped where /proc cannot say. */
bool cs_blocked_in(pid_t pid, long nr)
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

static int last_pipe[2] = {-1, -1};

size_t cs_pipe(int p[2], bool full)
{
    assert_int_equal(pipe(p), 0);
    last_pipe[0] = p[0];
    last_pipe[1] = p[1];
    int fl = fcntl(p[1], F_GETFL);
    assert_int_equal(fcntl(p[1], F_SETFL, fl | O_NONBLOCK), 0);
    size_t n = 0;
    while (full && write(p[1], "x", 1) == 1) /* one byte at a time fills every page */
        n++;
    assert_true(!full || errno == EAGAIN);
    assert_int_equal(fcntl(p[1], F_SETFL, fl), 0);
    return n;
}

void cs_onto_pipe(void)
{
    dup2(last_pipe[1], STDOUT_FILENO);
    close(last_pipe[0]);
    close(last_pipe[1]);
}

int cs_catches_sigint(pid_t pid) { return sigint_in(pid, "SigCgt: "); }
int cs_holds_sigint(pid_t pid) { return sigint_in(pid, "SigBlk: "); }

const char *cs_tmp(const char *name)
{
    static char buf[4][CS_PATH];
    static int k;
    k = (k + 1) % 4;
    cs_tmp_path(buf[k], sizeof buf[k], name);
    return buf[k];
}

void cs_put_text(const char *path, const char *text)
{
    unlink(path);
    cs_write_bytes(path, text, strlen(text));
}

char *cs_sh_output(const char *cmd, int *status)
{
    fflush(NULL);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = 0, cap = 4096;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t k; (k = fread(out + n, 1, cap - n - 1, p)) > 0;) {
        n += k;
        if (n + 1 == cap) {
            out = realloc(out, cap *= 2);
            assert_non_null(out);
        }
    }
    out[n] = '\0';
    int st = pclose(p);
    if (status)
        *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

struct cs_outcome cs_run_tgm_argv(const char *subcommand, const char *const *args)
{
    return cs_finish_tgm(cs_start_tgm(-1, subcommand, args));
}

struct cs_outcome cs_run_tgm(const char *subcommand, ...)
{
    struct cs_args a = {.n = 0};
    va_list ap;
    va_start(ap, subcommand);
    for (const char *s; (s = va_arg(ap, const char *));)
        cs_push(&a, s);
    va_end(ap);
    return cs_run_tgm_argv(subcommand, a.v);
}

void cs_full_stdout_keeps(const char *keep, const char *why, char *const argv[])
{
    if (access("/dev/full", W_OK) != 0)
        skip(); /* no full device here: nothing to test with */
    char errpath[CS_PATH];
    cs_tmp_path(errpath, sizeof errpath, "full.txt");
    fflush(NULL); /* nothing buffered may be written twice */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int full = open("/dev/full", O_WRONLY),
            err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(full, 1);
        dup2(err, 2);
        cs_child_sigint();
        execv(tgm, argv);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    char *text = cs_slurp(errpath, NULL);
    if (WEXITSTATUS(status) != 2 || !strstr(text, why) ||
        strchr(text, '\n') != text + strlen(text) - 1)
        fail_msg("status %d, stderr \"%s\"", WEXITSTATUS(status), text);
    free(text);
    if (keep) {
        text = cs_slurp(keep, NULL);
        assert_string_equal(text, "old\n");
        free(text);
    }
}

struct cs_outcome cs_run_argv_in(const char *const *argv, const char *dir, const char *to,
                                 unsigned secs)
{
    char out[CS_PATH], err[CS_PATH];
    cs_tmp_path(out, sizeof out, "run.out");
    cs_tmp_path(err, sizeof err, "run.err");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(to ? to : out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0 || dup2(in, 0) < 0 ||
            (dir && chdir(dir) != 0))
            _exit(126);
        alarm(secs);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    struct cs_outcome o = {.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1};
    if (to)
        cs_put_text(out, "");
    o.out = cs_slurp(out, &o.out_len);
    o.err = cs_slurp(err, NULL);
    return o;
}

const char *const *cs_with_args(const char **a, size_t n, const char *prog,
                                const char *const *args)
{
    size_t k = 0;
    a[k++] = prog;
    for (; args[k - 1] && k < n - 1; k++)
        a[k] = args[k - 1];
    a[k] = NULL;
    return a;
}

void cs_outcome_free(struct cs_outcome *o)
{
    free(o->out);
    free(o->err);
    o->out = o->err = NULL;
}

void cs_assert_one_line(const struct cs_outcome *o, const char *want)
{
    size_t n = strlen(o->err);
    if (n == 0 || o->err[n - 1] != '\n' || strchr(o->err, '\n') != o->err + n - 1)
        fail_msg("expected one line on stderr, got \"%s\"", o->err);
    if (!strstr(o->err, want))
        fail_msg("stderr \"%s\" does not mention \"%s\"", o->err, want);
}

pid_t cs_spawn_monitor_silent(const char *cmds)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        cs_child_sigint();
        execl(cs_tgm(), "tgm", "monitor", "-c", cmds, (char *)NULL);
        _exit(127);
    }
    return pid;
}

void cs_assert_lines_in_order(const char *text, const char *const *want, const char *what)
{
    const char *at = text;
    for (; *want; want++) {
        size_t n = strlen(*want);
        const char *hit = at;
        while ((hit = strstr(hit, *want)) && ((hit > text && hit[-1] != '\n') || hit[n] != '\n'))
            hit++;
        if (!hit)
            fail_msg("%s: no line '%s' after the lines before it; it holds:\n%s", what, *want,
                     text);
        at = hit + n;
    }
}

struct cs_outcome cs_mon(const char *cmds)
{
    return cs_run_tgm("monitor", "-c", cmds, NULL);
}

struct cs_outcome cs_mon_ok(const char *cmds)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0)
        fail_msg("'%s': status %d, stderr \"%s\"", cmds, o.status, o.err);
    return o;
}

void cs_mon_fails(const char *cmds, const char *why)
{
    cs_mon_fails_without(cmds, why, NULL);
}

void cs_mon_fails_without(const char *cmds, const char *why, const char *absent)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 1)
        fail_msg("'%s': status %d, want 1; stderr \"%s\"", cmds, o.status, o.err);
    cs_assert_one_line(&o, why);
    if (absent && strstr(o.err, absent))
        fail_msg("'%s': the error holds \"%s\": %s", cmds, absent, o.err);
    cs_outcome_free(&o);
}

void cs_mon_prints(const char *cmds, const char *want)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0 || !strstr(o.out, want))
        fail_msg("'%s': status %d, output \"%s\" lacks \"%s\"; stderr \"%s\"", cmds, o.status,
                 o.out, want, o.err);
    cs_outcome_free(&o);
}

void cs_assert_has(const char *text, const char *want)
{
    if (!strstr(text, want))
        fail_msg("missing \"%s\" in:\n%.3000s", want, text);
}

void cs_assert_ends_with(const char *text, const char *tail)
{
    size_t n = strlen(text), t = strlen(tail);
    if (n < t || strcmp(text + n - t, tail) != 0)
        fail_msg("does not end with \"%s\":\n%s", tail, n > 3000 ? text + n - 3000 : text);
}

FILE *cs_mem_open(struct cs_mem *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    assert_non_null(m->f);
    return m->f;
}

char *cs_mem_text(struct cs_mem *m)
{
    assert_int_equal(fclose(m->f), 0);
    m->f = NULL;
    return m->buf;
}

void cs_assert_lacks(const char *text, const char *unwanted)
{
    if (strstr(text, unwanted))
        fail_msg("unexpected \"%s\" in:\n%.3000s", unwanted, text);
}

char *cs_doc_block(const char *doc, const char *cmd)
{
    char head[160];
    snprintf(head, sizeof head, "$ %s\n", cmd);
    const char *a = strstr(doc, head);
    if (!a)
        fail_msg("the document shows no '%s'", cmd);
    a += strlen(head);
    const char *b = strstr(a, "```");
    assert_non_null(b);
    char *out = strndup(a, (size_t)(b - a));
    assert_non_null(out);
    return out;
}

void cs_mon_prints_exactly(const char *cmds, const char *want)
{
    struct cs_outcome o = cs_mon_ok(cmds);
    if (strcmp(o.out, want) != 0)
        fail_msg("'%s': output\n%s\nwanted exactly\n%s", cmds, o.out, want);
    cs_outcome_free(&o);
}

void cs_as_refuses_own_output(const char *path, const char *why)
{
    size_t n0, n1;
    char *before = cs_slurp(path, &n0);
    struct cs_outcome o = cs_run_tgm("as", path, NULL);
    assert_int_equal(o.status, 1);
    if (!strstr(o.err, why) || strstr(o.err, "itself"))
        fail_msg("tgm as %s: stderr:\n%s", path, o.err);
    cs_outcome_free(&o);
    char *after = cs_slurp(path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(before);
    free(after);
}

void cs_tgm_prints(const char *want, const char *subcommand, const char *const *args)
{
    struct cs_outcome o = cs_run_tgm_argv(subcommand, args);
    if (o.status != 0 || !strstr(o.out, want))
        fail_msg("tgm %s: status %d, output \"%s\" lacks \"%s\"; stderr \"%s\"", subcommand,
                 o.status, o.out, want, o.err);
    cs_outcome_free(&o);
}

void cs_tgm_fails(int status, const char *why, const char *subcommand, const char *const *args)
{
    struct cs_outcome o = cs_run_tgm_argv(subcommand, args);
    if (o.status != status)
        fail_msg("tgm %s: status %d, want %d; stderr \"%s\"", subcommand, o.status, status,
                 o.err);
    cs_assert_one_line(&o, why);
    cs_outcome_free(&o);
}
