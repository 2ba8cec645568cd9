/* test_audit_refscript.c: the monitor's scripts and session commands
 * against an independent model of them (refscript.h, from docs/monitor.md).
 *
 * Random scripts, nested with 'do' and its arguments (%1..%9, %*, %%),
 * mix echo in every form the docs give, assert true and false and
 * unevaluable, set on-error (abbreviated, in any case) and other settings
 * good and bad, comments and blank lines, abbreviations and ambiguous or
 * unknown commands, log on and off, exit N and quit.  Each runs as
 * 'tgm monitor -c', '-f FILE ARGS' and from standard input, and in the
 * process through mon_run_string and mon_run_script; standard output,
 * standard error, the exit status and the logs left are compared with the
 * model.  TGM_REFSCRIPT_SEED and TGM_REFSCRIPT_RUNS make the campaign
 * different or larger; the default stays within seconds.
 */
#include <fcntl.h>
#include <setjmp.h>
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
#include "mon_support.h"
#include "refscript.h"
#include "rng.h"

static uint64_t seed;

static uint32_t rn(uint32_t n)
{
    return (uint32_t)(rng_next(&seed) % n);
}

static const char *pick(const char *const *v, size_t n)
{
    return v[rn((uint32_t)n)];
}
#define PICK(...) pick((const char *const[]){__VA_ARGS__}, \
                       sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

/* ---- the generator ---- */

struct gcase {
    struct rs_world w;
    struct sbuf text[RS_FILES];
    char logs[RS_LOGS][RS_PATH];
    int nlogname;
    bool in_file; /* the line is a file's, where %N is replaced */
    int file;     /* whose line it is */
};

static void gen_echo(struct gcase *g, struct sbuf *o)
{
    sbuf_printf(o, "%s", PICK("echo", "ec", "ech", "ECHO", "Echo"));
    int n = (int)rn(5);
    for (int i = 0; i < n; i++) {
        sbuf_printf(o, "%s", PICK(" ", " ", "  ", "\t", "   "));
        switch (rn(g->in_file ? 9 : 7)) {
        case 0: case 1: case 2:
            sbuf_printf(o, "%s", PICK("a", "hello", "x1", "A-b", "a#b", "'c'", "\\n", "a\\b"));
            break;
        case 3:
            sbuf_printf(o, "%s", PICK("\"a; b\"", "\"#x\"", "\"  sp  \"", "\"q\\\"t\"",
                                      "\"b\\\\s\"", "\"\"", "\"\\n\\q\""));
            break;
        case 4:
            sbuf_printf(o, "%s", PICK("a\"b c\"d", "\"x\"y", "%1", "100%"));
            break;
        case 5: case 6:
            sbuf_printf(o, "w%u", rn(100));
            break;
        default:
            sbuf_printf(o, "%s", PICK("%1", "%2", "%3", "%9", "%*", "%%", "[%1]", "%%1", "%x"));
        }
    }
    if (rn(6) == 0)
        sbuf_printf(o, "%s", PICK(" ", "  ", "\t"));
}

static void gen_command(struct gcase *g, struct sbuf *o, bool last)
{
    switch (rn(last ? 24 : 20)) {
    case 0: case 1: case 2: case 3:
        gen_echo(g, o);
        return;
    case 4: case 5:
        sbuf_printf(o, "%s %s", PICK("assert", "asser", "ASSERT"),
                    PICK("1", "3 == 3", "0x10 == 16", "'c' == 99", "-1 < 0", "(2+3)*4 == 20"));
        return;
    case 6:
        sbuf_printf(o, "assert %s", PICK("0", "2 < 1", "1 && 0", "0b101 != 5", "7 / 0"));
        return;
    case 7: case 8:
        sbuf_printf(o, "%s %s %s", PICK("set", "se", "SET"),
                    PICK("on-error", "on", "ON-ERR", "on-e"),
                    PICK("stop", "s", "continue", "c", "CONT", "finish", "f", "Fin", "bogus"));
        return;
    case 9:
        sbuf_printf(o, "set %s", PICK("limit 0", "limit 5000", "ring 0", "ring 1000000",
                                      "slice 1", "console off", "cons ON", "checkpoint 7",
                                      "hybrid off", "limit x", "limit -1", "ring 1000001",
                                      "slice 0", "console maybe", "checkpoint 0", "hybrid yes",
                                      "memory 1", "cp-memory 5", "profile x87", "prof pdp11",
                                      "limit", "limit 1 2"));
        return;
    case 10:
        sbuf_printf(o, "%s", PICK("zzz", "stpe", "rset", "tra", "TRA", "lo", "asse", "re",
                                  "help tra", "help zzz"));
        return;
    case 11: case 12: case 13: {
        int to = g->file + 1 + (int)rn(3);
        if (to >= g->w.n || rn(8) == 0) {
            sbuf_printf(o, "do %s", rn(2) ? "nosuch.mon" : "");
            return;
        }
        sbuf_printf(o, "%s %s", PICK("do", "DO", "Do"), g->w.path[to]);
        int na = (int)rn(4);
        for (int i = 0; i < na; i++)
            sbuf_printf(o, " %s", PICK("a1", "B2", "\"two words\"", "x", "%1", "q"));
        return;
    }
    case 14:
        if (g->nlogname < RS_LOGS && rn(2)) {
            sbuf_printf(o, "log %s", g->logs[g->nlogname++]);
            return;
        }
        sbuf_printf(o, "%s", PICK("log", "log off", "LOG OFF", "log"));
        return;
    case 15:
        if (g->in_file && g->file > 0) {
            sbuf_printf(o, "log %s", g->w.path[g->file]);
            return;
        }
        sbuf_printf(o, "log");
        return;
    case 16: case 17: case 18:
        gen_echo(g, o);
        return;
    case 19:
        sbuf_printf(o, "%s", PICK("exit 1 2", "exit 300", "exit -1", "quit 3"));
        return;
    case 20:
        sbuf_printf(o, "echo %s", PICK("\"unclosed", "x \"a; b"));
        return;
    default:
        if (rn(3) == 0)
            sbuf_printf(o, "%s", PICK("quit", "q", "QUIT", "qu"));
        else if (rn(2))
            sbuf_printf(o, "%s %u", PICK("exit", "exi", "EXIT"), rn(3) ? rn(8) : 255);
        else
            sbuf_printf(o, "exit");
    }
}

static void gen_line(struct gcase *g, struct sbuf *o)
{
    switch (rn(12)) {
    case 0:
        return;
    case 1:
        sbuf_printf(o, "%s", PICK("# a comment", "   # indented", "  ", ";;", " ; # x"));
        return;
    default:
        break;
    }
    if (rn(4) == 0)
        sbuf_printf(o, "%s", PICK(" ", "\t", "  "));
    int n = 1 + (rn(3) == 0 ? (int)rn(3) : 0);
    for (int i = 0; i < n; i++) {
        if (i)
            sbuf_printf(o, "%s", PICK(";", "; ", " ; ", ";  "));
        gen_command(g, o, i == n - 1);
    }
    if (rn(8) == 0)
        sbuf_printf(o, " # %s", PICK("note", "echo no; bogus", "\"q"));
}

static void gen_case(struct gcase *g, bool one_line)
{
    memset(g, 0, sizeof *g);
    g->w.n = 2 + (int)rn(RS_FILES - 2);
    for (int i = 0; i < g->w.n; i++) {
        char name[32];
        snprintf(name, sizeof name, "s%d.mon", i);
        cs_tmp_path(g->w.path[i], RS_PATH, name);
    }
    for (int i = 0; i < RS_LOGS; i++) {
        char name[32];
        snprintf(name, sizeof name, "log%d.txt", i);
        cs_tmp_path(g->logs[i], RS_PATH, name);
        unlink(g->logs[i]);
    }
    /* the deepest file may call itself: the 16 levels of 'do' */
    for (int i = g->w.n - 1; i >= 0; i--) {
        struct sbuf *t = &g->text[i];
        g->file = i;
        g->in_file = true;
        sbuf_printf(t, "%s", rn(10) == 0 ? "\xef\xbb\xbf" : "");
        if (i == 0 && one_line) {
            g->in_file = false;
            gen_line(g, t);
        } else {
            int n = 1 + (int)rn(8);
            for (int k = 0; k < n; k++) {
                gen_line(g, t);
                sbuf_printf(t, "\n");
            }
            if (i == g->w.n - 1 && rn(12) == 0)
                sbuf_printf(t, "echo deep %%1\ndo %s %%1x\n", g->w.path[i]);
            if (rn(5) == 0)
                gen_line(g, t); /* a last line with no newline */
        }
        g->w.text[i] = t->s;
    }
}

static void free_case(struct gcase *g)
{
    for (int i = 0; i < RS_FILES; i++)
        sbuf_free(&g->text[i]);
}

/* ---- running tgm and comparing ---- */

enum how { H_C, H_F, H_STDIN, H_STRING, H_SCRIPT, H_N };
static const char *const how_name[] = {"-c", "-f", "stdin", "mon_run_string", "mon_run_script"};

struct got {
    char *out, *err;
    size_t olen, elen;
    int status;
};

static void run_real(struct gcase *g, enum how h, int argc, const char *const *argv,
                     struct got *o)
{
    for (int i = 1; i < g->w.n; i++)
        cs_put_text(g->w.path[i], g->w.text[i]);
    cs_put_text(g->w.path[0], g->w.text[0]);
    if (h == H_STRING || h == H_SCRIPT) {
        struct ms_sess s;
        ms_sess_open(&s);
        if (h == H_STRING)
            o->status = mon_run_string(s.m, g->w.text[0]);
        else
            o->status = mon_run_script(s.m, g->w.path[0], argc, (char **)argv);
        mon_end(s.m);
        fflush(s.out);
        fflush(s.err);
        o->out = malloc(s.olen + 1);
        o->err = malloc(s.elen + 1);
        memcpy(o->out, s.obuf, s.olen + 1);
        memcpy(o->err, s.ebuf, s.elen + 1);
        o->olen = s.olen;
        o->elen = s.elen;
        ms_sess_close(&s);
        return;
    }
    struct cs_args a = {0};
    int in = -1;
    if (h == H_C) {
        cs_push_all(&a, "-c", g->w.text[0], NULL);
    } else if (h == H_F) {
        cs_push_all(&a, "-f", g->w.path[0], NULL);
        for (int i = 0; i < argc; i++)
            cs_push(&a, argv[i]);
    } else {
        in = open(g->w.path[0], O_RDONLY);
        assert_true(in >= 0);
    }
    struct cs_outcome r;
    if (in >= 0) {
        r = cs_finish_tgm(cs_start_tgm(in, "monitor", a.v));
        close(in);
    } else {
        r = cs_run_tgm_argv("monitor", a.v);
    }
    o->out = r.out;
    o->olen = r.out_len;
    o->err = r.err;
    o->elen = strlen(r.err);
    o->status = r.status;
}

static void show_case(const struct gcase *g, enum how h, int argc, const char *const *argv)
{
    fprintf(stderr, "---- case (%s, %d args:", how_name[h], argc);
    for (int i = 0; i < argc; i++)
        fprintf(stderr, " [%s]", argv[i]);
    fprintf(stderr, ")\n");
    for (int i = 0; i < g->w.n; i++)
        fprintf(stderr, "== %s\n%s\n", g->w.path[i], g->w.text[i]);
}

static void show_diff(const char *what, const char *got, const char *want)
{
    fprintf(stderr, "---- %s: got\n%s---- want (\\001 is any text)\n%s----\n", what, got, want);
}

/* One case run one way: true if tgm agreed with the model. */
static bool one(struct gcase *g, enum how h)
{
    static const char *const argv_pool[] = {"a1", "b c", "3", "x;y"};
    const char *argv[4];
    int argc = h == H_F || h == H_SCRIPT ? (int)rn(4) : 0;
    for (int i = 0; i < argc; i++)
        argv[i] = argv_pool[rn(3)];
    struct rs_top t = {.text = g->w.text[0], .argc = argc, .argv = argv};
    switch (h) {
    case H_C: case H_STRING: t.kind = RS_STRING; t.name = "-c"; break;
    case H_STDIN: t.kind = RS_STDIN; t.name = "<stdin>"; t.self = g->w.path[0]; break;
    default: t.kind = RS_FILE; t.name = g->w.path[0]; t.self = g->w.path[0]; break;
    }
    struct rs_result want;
    rs_model(&g->w, &t, &want);
    struct got got;
    run_real(g, h, argc, argv, &got);
    bool ok = true;
    if (got.status != want.status) {
        fprintf(stderr, "status %d, the model says %d\n", got.status, want.status);
        ok = false;
    }
    if (!rs_match(got.out, got.olen, want.out.s)) {
        show_diff("stdout", got.out, want.out.s);
        ok = false;
    }
    if (!rs_match(got.err, got.elen, want.err.s)) {
        show_diff("stderr", got.err, want.err.s);
        ok = false;
    }
    for (int i = 0; i < want.nlog; i++) {
        bool later = false; /* a later log of the same name replaced it */
        for (int j = i + 1; j < want.nlog; j++)
            later |= !strcmp(want.log[i].path, want.log[j].path);
        if (later)
            continue;
        if (access(want.log[i].path, F_OK) != 0) {
            fprintf(stderr, "log %s was not left\n", want.log[i].path);
            ok = false;
            continue;
        }
        size_t n;
        char *text = cs_slurp(want.log[i].path, &n);
        if (!rs_match(text, n, want.log[i].text.s ? want.log[i].text.s : "")) {
            show_diff(want.log[i].path, text, want.log[i].text.s ? want.log[i].text.s : "");
            ok = false;
        }
        free(text);
        unlink(want.log[i].path);
    }
    for (int i = 0; i < RS_LOGS; i++) { /* and no log the model does not open */
        bool opened = false;
        for (int j = 0; j < want.nlog; j++)
            opened |= !strcmp(want.log[j].path, g->logs[i]);
        if (!opened && access(g->logs[i], F_OK) == 0) {
            fprintf(stderr, "log %s was left, the model opens none\n", g->logs[i]);
            ok = false;
        }
    }
    if (!ok)
        show_case(g, h, argc, argv);
    free(got.out);
    free(got.err);
    rs_result_free(&want);
    return ok;
}

static void test_campaign(void **state)
{
    (void)state;
    uint64_t s0 = rng_env("TGM_REFSCRIPT_SEED", 0x5c41e7);
    uint64_t runs = rng_env("TGM_REFSCRIPT_RUNS", 500);
    seed = s0;
    unsigned agreed = 0, total = 0, bad = 0;
    for (uint64_t k = 0; k < runs && bad < 3; k++) {
        enum how h = (enum how)(k % H_N);
        struct gcase g;
        gen_case(&g, h == H_C || h == H_STRING);
        total++;
        if (one(&g, h))
            agreed++;
        else
            bad++;
        free_case(&g);
    }
    fprintf(stderr, "refscript: %u of %u scripts agreed with the model (seed %#llx)\n",
            agreed, total, (unsigned long long)s0);
    assert_int_equal(agreed, total);
}

/* ---- regressions ---- */

/* A failure counts as the on-error in force when it failed: one under
 * 'continue' is ignored (docs/monitor.md, "Scripts": "failures are
 * reported and ignored") though a later command on the line sets 'stop',
 * and one under 'finish' runs the script on though a later one does.  The
 * line's failures were judged by the setting at its end: -c (one line)
 * exited 1 where -f, a line each, exited 0, and 'finish' stopped. */
static void test_onerror_when_it_failed(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; bogus; set on-error stop; echo y");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "y\n");
    cs_outcome_free(&o);
    o = cs_mon("set on-error continue; bogus; set on-error finish; echo y");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    /* its 'exit' said 0 already: the end now says the same */
    o = cs_mon("set on-error continue; bogus; set on-error stop; exit");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);

    char f[CS_PATH];
    cs_write_text(f, sizeof f, "fin.mon",
                  "set on-error finish\nbogus; set on-error stop\necho runs on\n");
    o = cs_run_tgm("monitor", "-f", f, NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "runs on\n");
    cs_outcome_free(&o);
    /* a 'stop' failure still ends it, whatever a later command would set */
    o = cs_mon("bogus; set on-error continue; echo no");
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);

    struct ms_sess ss;
    ms_sess_open(&ss);
    assert_int_equal(mon_run_string(ss.m, "set on-error continue; assert 0; set on-error stop"), 0);
    ms_sess_close(&ss);
}

/* 'log' writes each command after its prompt "as on the screen"
 * (docs/monitor.md, log); a log a 'do' starts takes the rest of the line
 * that ran the 'do' too, but only when it runs: after an 'exit' in the
 * script, or a failure that ends the script, it wrote commands that never
 * ran. */
static void test_log_rest_only_when_run(void **state)
{
    (void)state;
    static const char *const scripts[] = {"log %s\nexit 3\n", "log %s\nbogus\n"};
    static const int status[] = {3, 1};
    for (int k = 0; k < 2; k++) {
        char log[CS_PATH], f[CS_PATH], text[2 * CS_PATH], line[2 * CS_PATH];
        cs_tmp_path(log, sizeof log, "rest.log");
        unlink(log);
        snprintf(text, sizeof text, scripts[k], log);
        cs_write_text(f, sizeof f, "opens.mon", text);
        snprintf(line, sizeof line, "do %s; echo never", f);
        struct cs_outcome o = cs_mon(line);
        assert_int_equal(o.status, status[k]);
        assert_null(strstr(o.out, "never"));
        char *t = cs_slurp(log, NULL);
        if (strstr(t, "never"))
            fail_msg("the log holds a command that did not run:\n%s", t);
        free(t);
        cs_outcome_free(&o);
    }
    /* the rest that runs is still there */
    char log[CS_PATH], f[CS_PATH], text[2 * CS_PATH], line[2 * CS_PATH];
    cs_tmp_path(log, sizeof log, "rest.log");
    snprintf(text, sizeof text, "log %s\n", log);
    cs_write_text(f, sizeof f, "opens.mon", text);
    snprintf(line, sizeof line, "do %s; echo runs", f);
    struct cs_outcome o = cs_mon_ok(line);
    char *t = cs_slurp(log, NULL);
    assert_non_null(strstr(t, "tgm> echo runs\nruns\n"));
    free(t);
    cs_outcome_free(&o);
}

/* What "Scripts" says of a breakpoint's list: a failed 'assert' there
 * fails the run command, and so the script; 'continue' ends the list, in
 * a script the list runs with 'do' too. */
static void test_breakpoint_lists_in_scripts(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; "
                                 "break loop do \"assert E[i] < 5; continue\"; go; echo no");
    assert_int_equal(o.status, 1);
    assert_null(strstr(o.out, "no\n"));
    assert_non_null(strstr(o.err, "-c:1: assert: assertion failed: E[i] < 5"));
    cs_outcome_free(&o);

    char f[CS_PATH], line[2 * CS_PATH];
    cs_write_text(f, sizeof f, "list.mon", "echo in-list\ncontinue\necho never\n");
    snprintf(line, sizeof line,
             "load examples/sum.s; break stop do \"do %s; echo never2\"; go; echo after", f);
    o = cs_mon_ok(line);
    assert_non_null(strstr(o.out, "in-list\n"));
    assert_non_null(strstr(o.out, "after\n"));
    assert_null(strstr(o.out, "never"));
    cs_outcome_free(&o);
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("refscript");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_campaign),
        cmocka_unit_test(test_onerror_when_it_failed),
        cmocka_unit_test(test_log_rest_only_when_run),
        cmocka_unit_test(test_breakpoint_lists_in_scripts),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
