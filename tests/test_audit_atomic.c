/* test_audit_atomic.c: bad input changes nothing, swept over every monitor
 * command and every subcommand's options.
 *
 * docs/monitor.md ("Commands, words and abbreviations"): "a bad argument
 * or an address out of range gets one error line and changes nothing".
 * Each case starts from one rich session (a program run part way with its
 * timer armed and console input queued, two VMs run part way, breakpoints,
 * a conditional watchpoint, a display, a trace, a timeline, the history
 * ring), runs one bad command line and asserts: status -1, one error line
 * naming the command, no output, the working directory's files as they
 * were, and the session as it was: a 'save' before and after byte for
 * byte, and the listings of the state 'save' does not hold.
 *
 * Three broke it: 'timeline o' (on or off, and no file 'o') wrote a file
 * 'o'; 'break ADDR i N' and 'watch ADDR i N' took 'i', which 'if' shares,
 * as 'ignore'; and 'nest N FILE' with a FILE too big for the guest's
 * memory did not name the file, as 'load' does.  The rest is a sample of
 * a wider sweep that held (every command, each with missing and extra
 * arguments, bad numbers, addresses out of range, unknown and ambiguous
 * keywords, unknown VMs, "", unterminated quotes, missing files and
 * directories, bad file contents), with a bare machine and a VM focused.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/monitor.h"

/* sum.s with its timer armed (TSET, I = 0: it never traps) */
static const char prog_s[] = "        .org 0\n"
                             "        .word 0\n"
                             "        .word psw(SUP, fault, 0, 0x80000)\n"
                             "        .entry start\n"
                             "start:  TSET  t\n"
                             "        LI    i, 0\n"
                             "        LI    total, 0\n"
                             "loop:   LDX   x, table, i\n"
                             "        ADD   total, total, x\n"
                             "        STX   copy, i, x\n"
                             "        ADDI  i, i, 1\n"
                             "        BNE   i, n, loop\n"
                             "stop:   HALT\n"
                             "fault:  HALT\n"
                             "t:      .word 100000\n"
                             "i:      .word 0\n"
                             "x:      .word 0\n"
                             "total:  .word 0\n"
                             "n:      .word 10\n"
                             "table:  .word 31, 41, 59, 26, -53, 58, 97, 93, 23, 84\n"
                             "copy:   .space 10\n";

static const char *const setup_cmds[] = {
    "load prog.s",
    "break loop ignore 3",
    "break stop do \"echo at stop\"",
    "break trap svc",
    "watch write total if E[total] > 100",
    "display total",
    "vm create va 4096 prog.s",
    "vm create vb 4096 prog.s",
    "vm input vb xyz",
    "break stop", /* in vb */
    "timeline on",
    "go for 25",
    "vm select va",
    "vm limit va 1000",
    "vm select bare",
    "go for 20",
    "console input abc",
    "trace traps cp",
    "set limit 5000000",
};

/* What 'save' does not hold, compared too. */
static const char *const look_cmds[] = {
    "info breakpoints", "trace", "vm list", "regs", "history 5", "show", "set",
    "display", "console", "log", "timeline", "symbols", "vm stats", "stack",
    "vm console va", "vm console vb",
};

struct sess {
    struct ms_sess ms;
    char here[4096];
};

/* Run LINE; its status, and its output and errors appended to *ACC. */
static int run_into(struct sess *s, const char *line, char **acc, size_t *alen)
{
    fflush(s->ms.out);
    fflush(s->ms.err);
    size_t o0 = s->ms.olen, e0 = s->ms.elen;
    int rc = mon_exec_line(s->ms.m, line);
    fflush(s->ms.out);
    fflush(s->ms.err);
    size_t add = (s->ms.olen - o0) + (s->ms.elen - e0) + strlen(line) + 64;
    *acc = realloc(*acc, *alen + add + 1);
    assert_non_null(*acc);
    *alen += (size_t)snprintf(*acc + *alen, add + 1, "> %s [%d]\n%.*s%.*s", line, rc,
                              (int)(s->ms.olen - o0), s->ms.obuf + o0, (int)(s->ms.elen - e0),
                              s->ms.ebuf + e0);
    return rc;
}

/* The session of setup_cmds (then FOCUS, if not NULL), in the suite's
 * temporary directory, where its files are. */
static void sess_open(struct sess *s, const char *focus)
{
    assert_non_null(getcwd(s->here, sizeof s->here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    ms_sess_open(&s->ms);
    char *log = NULL;
    size_t len = 0;
    for (size_t i = 0; i <= sizeof setup_cmds / sizeof setup_cmds[0]; i++) {
        const char *c = i < sizeof setup_cmds / sizeof setup_cmds[0] ? setup_cmds[i] : focus;
        if (c && run_into(s, c, &log, &len) != 0)
            fail_msg("setup '%s' failed:\n%s", c, log);
    }
    free(log);
}

static void sess_close(struct sess *s)
{
    ms_sess_close(&s->ms);
    assert_int_equal(chdir(s->here), 0);
}

/* The session's state: the listings as text, and the bytes of a 'save'. */
struct fp {
    char *text, *snap;
    size_t snapn;
};

static void fingerprint(struct sess *s, const char *snap, struct fp *fp)
{
    fp->text = NULL;
    size_t len = 0;
    for (size_t i = 0; i < sizeof look_cmds / sizeof look_cmds[0]; i++)
        run_into(s, look_cmds[i], &fp->text, &len);
    char line[64], *said = NULL;
    snprintf(line, sizeof line, "save %s", snap);
    size_t slen = 0;
    if (run_into(s, line, &said, &slen) != 0)
        fail_msg("%s", said);
    free(said);
    fp->snap = cs_slurp(snap, &fp->snapn);
    remove(snap);
}

/* The names, sizes and mtimes of the working directory's entries. */
static char *dir_listing(void)
{
    char *acc = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&acc, &len);
    DIR *d = opendir(".");
    assert_non_null(f);
    assert_non_null(d);
    struct dirent *e;
    struct stat st;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, "..") && lstat(e->d_name, &st) == 0) /* (others write there) */
            fprintf(f, "%s %lld %lld.%09ld\n", e->d_name, (long long)st.st_size,
                    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    closedir(d);
    fclose(f);
    return acc;
}

/* WHY := the first line where A and B differ. */
static void first_diff(const char *a, const char *b, char *why, size_t len)
{
    while (*a && *b) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (na != nb || memcmp(a, b, na)) {
            snprintf(why, len, "before: %.*s\n  after: %.*s", (int)na, a, (int)nb, b);
            return;
        }
        a += na + (a[na] == '\n');
        b += nb + (b[nb] == '\n');
    }
    snprintf(why, len, "the listings' lengths differ");
}

struct bad {
    const char *line; /* the bad command line */
    const char *cmd;  /* the command its error names */
    const char *want; /* what the error says (NULL: anything) */
};

/* One case, from the session focused on FOCUS (NULL: bare): a message
 * (malloc'd) if it breaks the rule, else NULL. */
static char *one_case(const struct bad *b, const char *focus)
{
    struct sess s;
    sess_open(&s, focus);
    struct fp before, after;
    fingerprint(&s, "fp/a.snap", &before);
    char *dir0 = dir_listing();
    size_t o0 = s.ms.olen, e0 = s.ms.elen;
    int rc = mon_exec_line(s.ms.m, b->line);
    fflush(s.ms.out);
    fflush(s.ms.err);
    char *out = strndup(s.ms.obuf + o0, s.ms.olen - o0);
    char *err = strndup(s.ms.ebuf + e0, s.ms.elen - e0);
    char *dir1 = dir_listing();
    fingerprint(&s, "fp/b.snap", &after);
    /* an assembler's diagnostics (FILE:LINE:COL: error:, docs/run.md) may
     * come before the one line that ends the command */
    const char *line = err;
    size_t nl = 0;
    for (const char *p = err; *p; p++)
        if (*p == '\n' && (nl++, p[1]) && strstr(err, ": error: "))
            line = p + 1;
    if (line != err)
        nl = 1;
    char why[1024] = "", named[64];
    snprintf(named, sizeof named, "%s: ", b->cmd);
    if (rc != -1)
        snprintf(why, sizeof why, "status %d", rc);
    else if (nl != 1 || strncmp(line, named, strlen(named)))
        snprintf(why, sizeof why, "the error is not one line naming %s", b->cmd);
    else if (b->want && !strstr(line, b->want))
        snprintf(why, sizeof why, "the error does not say '%s'", b->want);
    else if (*out)
        snprintf(why, sizeof why, "output: %.300s", out);
    else if (strcmp(dir0, dir1))
        first_diff(dir0, dir1, why, sizeof why);
    else if (strcmp(before.text, after.text))
        first_diff(before.text, after.text, why, sizeof why);
    else if (before.snapn != after.snapn || memcmp(before.snap, after.snap, before.snapn))
        snprintf(why, sizeof why, "the saved snapshot changed");
    char *msg = NULL;
    if (*why) {
        size_t len = strlen(why) + strlen(b->line) + strlen(err) + 64;
        msg = malloc(len);
        assert_non_null(msg);
        snprintf(msg, len, "'%s'%s%s: %s\n  (error: %s)", b->line, focus ? " after " : "",
                 focus ? focus : "", why, err);
    }
    free(out);
    free(err);
    free(dir0);
    free(dir1);
    free(before.text);
    free(before.snap);
    free(after.text);
    free(after.snap);
    sess_close(&s);
    return msg;
}

/* Every case of CASES (N of them), each failure printed; fails if any. */
static void sweep(const struct bad *cases, size_t n, const char *focus)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char *msg = one_case(&cases[i], focus);
        if (msg) {
            print_message("%s\n", msg);
            free(msg);
            bad++;
        }
    }
    if (bad)
        fail_msg("%d of %zu bad command lines broke the rule", bad, n);
}
#define SWEEP(cases, focus) sweep(cases, sizeof cases / sizeof cases[0], focus)

/* "Subcommands and keywords may be abbreviated too": 'o' is on and off;
 * "a word that names an existing file and is not a keyword in full is the
 * file", and there is none, so it is neither. */
static void timeline__an_ambiguous_prefix_is_refused(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"timeline o", "timeline", "ambiguous word 'o'"},
        {"timeline O", "timeline", "ambiguous word 'O'"},
    };
    SWEEP(cases, NULL);
}

/* 'if' shares 'i' with 'ignore': an abbreviation of either is not 'i'. */
static void break_watch__i_is_ignore_or_if(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"break loop i 1", "break", "ambiguous option 'i'"},
        {"watch total i 1", "watch", "ambiguous option 'i'"},
        {"watch total 2 I 1", "watch", "ambiguous option 'I'"},
        {"break loop do \"echo\" i 1", "break", "ambiguous option 'i'"},
    };
    SWEEP(cases, NULL);
    /* 'ig' and 'if' in full are still each */
    struct sess s;
    sess_open(&s, NULL);
    char *log = NULL;
    size_t len = 0;
    assert_int_equal(run_into(&s, "break stop ig 2 if i > 1", &log, &len), 0);
    assert_non_null(strstr(log, "if i > 1"));
    free(log);
    sess_close(&s);
}

/* 'load big.s' says "big.s: image needs words ..."; 'nest' said only the
 * words, not which file. */
static void nest__a_guest_too_big_names_its_file(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"nest 2 big.s", "nest", "big.s: image needs words 65530..65540"},
        {"nest 2 prog.s mem 16", "nest", "prog.s: image needs words 0..36 but the machine "
                                         "has 16 words"},
    };
    SWEEP(cases, NULL);
}

/* A sample of the sweep: each command with a wrong count of words, a bad
 * number or address, an unknown or ambiguous keyword, "", an unterminated
 * quote, a missing file, a directory, a bad file. */
static const struct bad sample[] = {
    {"load", "load", NULL}, {"load adir", "load", NULL}, {"load bad.s", "load", NULL},
    {"load corrupt.img", "load", NULL}, {"reset bogus", "reset", NULL},
    {"go 99999999999999999999", "go", NULL}, {"go 5 for 1 for 2", "go", NULL},
    {"go until 70000", "go", NULL}, {"continue cycles 1e3", "continue", NULL},
    {"step -1", "step", NULL}, {"next 0x", "next", NULL}, {"finish 1", "finish", NULL},
    {"rstep 100000", "rstep", NULL}, {"rcontinue \"\"", "rcontinue", NULL},
    {"until \"5", "until", NULL}, {"stop nosuch", "stop", NULL}, {"regs 1", "regs", NULL},
    {"examine 0..70000", "examine", NULL}, {"x/4q 0", "examine", NULL},
    {"translate 1e3", "translate", NULL}, {"symbols a b", "symbols", NULL},
    {"print/zz 1", "print", NULL}, {"display delete 1 9", "display", NULL},
    {"info \"reg", "info", NULL}, {"console input \\q", "console", NULL},
    {"show c", "show", NULL}, {"deposit 65534 1 2 3", "deposit", NULL},
    {"deposit 5 1 nosuch", "deposit", NULL}, {"assemble 5 ADD 1", "assemble", NULL},
    {"break loop ignore 1 ignore 2", "break", NULL}, {"break trap svc bogus", "break", NULL},
    {"watch total 2 ignore 1 bogus", "watch", NULL}, {"delete 1 99", "delete", NULL},
    {"ignore 1 99999999999999999999", "ignore", NULL}, {"trace insns to adir", "trace", NULL},
    {"trace t", "trace", NULL}, {"timeline nodir/x.json", "timeline", NULL},
    {"history 1e3", "history", NULL}, {"vm s", "vm", NULL},
    {"vm create vc 4096 bad.s", "vm", NULL}, {"vm load va big.s", "vm", NULL},
    {"vm limit nosuch 5", "vm", NULL}, {"check prog.s with nosuch.s", "check", NULL},
    {"nest 17 prog.s", "nest", NULL}, {"stack step 1 2", "stack", NULL},
    {"save nodir/x.snap", "save", NULL}, {"restore badsum.snap", "restore", NULL},
    {"restore trunc.snap", "restore", NULL}, {"do adir", "do", NULL},
    {"assert nosuch", "assert", NULL}, {"log prog.s", "log", NULL}, {"echo \"abc", "echo", NULL},
    {"set hybrid o", "set", NULL}, {"set ring 2000000", "set", NULL},
    {"help tra", "help", NULL}, {"exit 1 2", "exit", NULL}, {"quit 1", "quit", NULL},
};

static void sweep__bare_focused(void **state)
{
    (void)state;
    SWEEP(sample, NULL);
}

/* The same commands on a VM's own E, and with a log and a trace file
 * open: a refused 'log' or 'trace to' leaves them open. */
static void sweep__vm_focused_with_files_open(void **state)
{
    (void)state;
    static const struct bad cases[] = {
        {"examine 5000", "examine", NULL}, {"deposit 4094 1 2 3", "deposit", NULL},
        {"break 5000", "break", NULL}, {"watch 4095 2", "watch", NULL},
        {"assemble 5000 HALT", "assemble", NULL}, {"go until 5000", "go", NULL},
        {"step 99999999999999999999", "step", NULL}, {"log adir", "log", NULL},
        {"trace to nodir/x.tr", "trace", NULL}, {"stop va vb", "stop", NULL},
    };
    SWEEP(cases, "vm select va; log sess.log; trace traps cp to t.tr max 100000");
}

/* 'tgm SUBCOMMAND' with a bad option: status 2, one line on stderr,
 * nothing on stdout, and an existing output file left as it was. */
static void cli__a_bad_option_writes_no_output_file(void **state)
{
    (void)state;
    char out[CS_PATH], prog[CS_PATH], nodir[CS_PATH];
    cs_tmp_path(out, sizeof out, "out.dat");
    cs_tmp_path(prog, sizeof prog, "prog.s");
    cs_tmp_path(nodir, sizeof nodir, "nodir/x");
    const char *const cases[][10] = {
        {"run", prog, "--dump", out, "--mem", "0", NULL},
        {"run", prog, "--dump", out, "--max-steps", "1e3", NULL},
        {"run", prog, "--dump", out, "--input-file", nodir, NULL},
        {"run", prog, "--dump", out, "--s", "5", NULL}, /* --slice or --stats */
        {"run", "--vmm", prog, "--timeline", out, "--vms", "0", NULL},
        {"run", "--vmm", prog, "--timeline", out, "--bogus", NULL},
        {"run", "--nest", "2", prog, "--dump", out, "--mem", "99999999", NULL},
        {"check", prog, "--nest", "2", "--hybrid", NULL},
        {"as", prog, "-o", out, "--bogus", NULL},
        {"dis", nodir, "-o", out, NULL},
        {"isa", "--profile", "bogus", NULL},
        {"analyze", "--words", "65", NULL},
        {"counterexample", "--seed", "0", NULL},
        {"monitor", "--mem", "1", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cs_write_bytes(out, "OLD", 3);
        struct stat st0, st1;
        assert_int_equal(stat(out, &st0), 0);
        usleep(10000); /* a rewrite would show in the mtime */
        struct cs_outcome o = cs_run_tgm_argv(cases[i][0], &cases[i][1]);
        size_t n;
        char *now = cs_slurp(out, &n);
        assert_int_equal(stat(out, &st1), 0);
        const char *nl = strchr(o.err, '\n');
        if (o.status != 2 || !nl || nl[1] || o.out_len || n != 3 || memcmp(now, "OLD", 3) ||
            st0.st_mtim.tv_nsec != st1.st_mtim.tv_nsec || st0.st_mtim.tv_sec != st1.st_mtim.tv_sec)
            fail_msg("tgm %s ... %s: status %d, stderr: %s", cases[i][0], cases[i][2],
                     o.status, o.err);
        free(now);
        cs_outcome_free(&o);
    }
}

static int setup(void **state)
{
    (void)state;
    char here[4096];
    if (cs_setup("audit_atomic") || !getcwd(here, sizeof here) || chdir(cs_tmpdir()))
        return -1;
    static const char bad_s[] = "start: LI i, 0\n BOGUS 1\ni: .word 0\n";
    static const char big_s[] = ".org 65530\nstart: HALT\n.space 10\n";
    cs_write_bytes("prog.s", prog_s, strlen(prog_s));
    cs_write_bytes("bad.s", bad_s, strlen(bad_s));
    cs_write_bytes("big.s", big_s, strlen(big_s));
    cs_write_bytes("corrupt.img", "TGMIMAGE\1\0\0\0garbage", 19);
    FILE *null = fopen("/dev/null", "w");
    struct mon *m = null ? mon_create(null, null) : NULL;
    if (!m || mon_exec_line(m, "load prog.s; vm create va 4096 prog.s; save good.snap"))
        return -1;
    mon_destroy(m);
    fclose(null);
    size_t n;
    char *snap = cs_slurp("good.snap", &n);
    cs_write_bytes("trunc.snap", snap, n / 2);
    snap[n / 3] ^= 0x55;
    cs_write_bytes("badsum.snap", snap, n);
    free(snap);
    if (mkdir("adir", 0755) || mkdir("fp", 0755))
        return -1;
    return chdir(here);
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timeline__an_ambiguous_prefix_is_refused),
        cmocka_unit_test(break_watch__i_is_ignore_or_if),
        cmocka_unit_test(nest__a_guest_too_big_names_its_file),
        cmocka_unit_test(sweep__bare_focused),
        cmocka_unit_test(sweep__vm_focused_with_files_open),
        cmocka_unit_test(cli__a_bad_option_writes_no_output_file),
    };
    return cmocka_run_group_tests_name("audit_atomic", tests, setup, teardown);
}
