/* test_polish_b.c: more small promises of the docs kept by the program:
 * the JSON types of an analyzer witness (docs/theorems.md: section 3's
 * definitions shown on states), the files the monitor refuses to load or
 * write (docs/monitor.md), the monitor's psw() and rb() (the PSW word of
 * section 2, as the assembler builds it), and the commands README.md and
 * docs/bench.md tell a reader to run.  Each case about the monitor and
 * the witnesses failed on the tree before its fix; the last two guard the
 * docs against drifting from the commands.
 *
 * Runs the real binary (cli_support) from the top of the source tree, and
 * the bench ($TGM_BENCH, default build/bench/bench).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"

/* ---- docs/theorems.md "Witnesses": each key's JSON type ------------------ */

#define MAX_KEYS 64

struct key_type {
    char key[32];
    char type[32];
    bool seen;
};

struct key_types {
    struct key_type k[MAX_KEYS];
    size_t n;
};

/* The table "| key | type | what |" of the section "### Witnesses": every
 * backquoted name of a row's first cell gets the row's type. */
static void read_key_table(struct key_types *t)
{
    char *doc = cs_slurp("docs/theorems.md", NULL);
    const char *sec = strstr(doc, "\n### Witnesses\n");
    if (!sec)
        fail_msg("docs/theorems.md has no section 'Witnesses'");
    const char *tab = strstr(sec, "\n| key | type | what |\n");
    const char *next = strstr(sec + 1, "\n#");
    if (!tab || (next && tab > next))
        fail_msg("docs/theorems.md, 'Witnesses': no table '| key | type | what |'");
    const char *line = strchr(tab + 1, '\n') + 1;
    line = strchr(line, '\n') + 1; /* past |---| */
    t->n = 0;
    for (; *line == '|'; line = strchr(line, '\n') + 1) {
        const char *c1 = line + 1, *c2 = strchr(c1, '|') + 1, *c3 = strchr(c2, '|');
        char type[32];
        snprintf(type, sizeof type, "%.*s", (int)(c3 - c2), c2);
        char *s = type + strspn(type, " ");
        size_t len = strlen(s);
        while (len && s[len - 1] == ' ')
            s[--len] = '\0';
        for (const char *q = c1; q < c2 - 1; q++) {
            if (*q != '`')
                continue;
            const char *e = strchr(q + 1, '`');
            assert_true(t->n < MAX_KEYS);
            struct key_type *k = &t->k[t->n++];
            snprintf(k->key, sizeof k->key, "%.*s", (int)(e - q - 1), q + 1);
            snprintf(k->type, sizeof k->type, "%s", s);
            k->seen = false;
            q = e;
        }
    }
    assert_true(t->n > 0);
    free(doc);
}

static struct key_type *documented(struct key_types *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->k[i].key, key))
            return &t->k[i];
    fail_msg("witness key '%s' is not in docs/theorems.md's table", key);
    return NULL;
}

static bool is_hex_string(const char *v)
{
    char buf[64];
    size_t len;
    if (*v != '"' || !cs_json_string(v, buf, &len) || len < 3 || len > 18)
        return false;
    buf[len] = '\0';
    return !strncmp(buf, "0x", 2) && strspn(buf + 2, "0123456789abcdef") == len - 2;
}

/* What the walk saw, so that the interesting states were among them. */
struct seen {
    size_t witnesses;
    bool armed_timer, console_byte;
};

static void check_object(struct key_types *t, const char *obj, struct seen *s);

/* The value V of KEY has its documented type (and range, where given). */
static void check_member(struct key_types *t, const char *key, const char *v, struct seen *s)
{
    struct key_type *k = documented(t, key);
    k->seen = true;
    const char *type = k->type;
    bool ok = false;
    if (!strcmp(type, "number"))
        ok = *v == '-' || (*v >= '0' && *v <= '9');
    else if (!strcmp(type, "string"))
        ok = *v == '"';
    else if (!strcmp(type, "hex string"))
        ok = is_hex_string(v);
    else if (!strcmp(type, "boolean"))
        ok = !strncmp(v, "true", 4) || !strncmp(v, "false", 5);
    else if (!strcmp(type, "object"))
        ok = *v == '{';
    else if (!strcmp(type, "array"))
        ok = *v == '[';
    else
        fail_msg("docs/theorems.md gives '%s' the unknown type '%s'", key, type);
    if (!ok) {
        char *text = cs_json_text(v);
        fail_msg("witness key '%s' is %s, documented as a %s", key, text, type);
    }
    if (!strcmp(key, "console_input")) {
        double c = cs_json_num(v);
        assert_true(c >= -1 && c <= 255 && c == (double)(int)c);
        s->console_byte |= c >= 0;
    } else if (!strcmp(key, "remaining")) {
        double r = cs_json_num(v);
        assert_true(r >= 0 && r <= (double)(UINT64_C(1) << 40));
    } else if (!strcmp(key, "armed")) {
        s->armed_timer |= cs_json_bool(v);
    } else if (!strcmp(key, "value")) {
        assert_int_equal(strcspn(v + 1, "\""), 18); /* 0x and 16 digits */
    }
    if (*v == '{')
        check_object(t, v, s);
    for (size_t i = 0; *v == '[' && cs_json_item(v, i); i++)
        check_object(t, cs_json_item(v, i), s);
}

static void check_object(struct key_types *t, const char *obj, struct seen *s)
{
    const char *p = cs_json_ws(obj + 1);
    while (*p == '"') {
        char key[64];
        size_t len;
        p = cs_json_string(p, key, &len);
        assert_non_null(p);
        assert_true(len < sizeof key);
        key[len] = '\0';
        p = cs_json_ws(p);
        assert_int_equal(*p, ':');
        const char *v = cs_json_ws(p + 1);
        check_member(t, key, v, s);
        p = cs_json_ws(cs_json_value(v));
        if (*p == ',')
            p = cs_json_ws(p + 1);
    }
    assert_int_equal(*p, '}');
}

/* docs/theorems.md said "in JSON every 64-bit value is a hex string", but a
 * witness state's timer 'remaining' and 'console_input' are numbers, as the
 * run report's 'remaining' is; the doc now gives each key's type, and every
 * witness of every profile must have exactly those. */
static void analyze__witness_json_has_the_documented_types(void **state)
{
    (void)state;
    struct key_types t;
    read_key_table(&t);
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *end = cs_json_value(o.out); /* one object, a line per instruction */
    assert_true(end && *cs_json_ws(end) == '\0');
    struct seen s = {0};
    const char *profiles = cs_json_get(o.out, "profiles");
    for (size_t i = 0; cs_json_item(profiles, i); i++) {
        const char *prof = cs_json_item(profiles, i);
        assert_true(is_hex_string(cs_json_get(prof, "seed")));
        const char *insns = cs_json_get(prof, "instructions");
        for (size_t j = 0; cs_json_item(insns, j); j++) {
            const char *w = cs_json_find(cs_json_item(insns, j), "witnesses");
            for (size_t k = 0; w && cs_json_item(w, k); k++, s.witnesses++)
                check_object(&t, cs_json_item(w, k), &s);
        }
    }
    cs_outcome_free(&o);
    assert_true(s.witnesses > 100);
    assert_true(s.armed_timer);
    assert_true(s.console_byte);
    for (size_t i = 0; i < t.n; i++)
        if (!t.k[i].seen)
            fail_msg("docs/theorems.md documents the witness key '%s', which no witness has",
                     t.k[i].key);
}

/* ---- docs/monitor.md "Snapshots": files the session writes later ---------- */

/* 'set histfile HIST; CMD' fails with WHY for each CMD (NULL-terminated),
 * a format for PATH. */
static void after_histfile_each_fails(const char *hist, const char *const *cmd,
                                      const char *path, const char *why)
{
    for (; *cmd; cmd++) {
        char c[2 * CS_PATH], all[4 * CS_PATH];
        snprintf(c, sizeof c, *cmd, path);
        snprintf(all, sizeof all, "set histfile %s; %s", hist, c);
        cs_mon_fails(all, why);
    }
}

/* 'set histfile F' refused F if the loaded program came from it, but a
 * later 'load F' (or a program that includes F) was not refused, nor was a
 * load from the open log's or trace's file, each of which is written over
 * the program later.  Now the refusal holds whichever comes first, for
 * every command that loads a program; the file is left as it was. */
static void monitor__no_program_from_a_file_the_session_writes_later(void **state)
{
    (void)state;
    char src[CS_PATH], inc[CS_PATH], cmds[6 * CS_PATH];
    cs_write_text(inc, sizeof inc, "b-part.inc", "x: .word 5\n");
    cs_write_text(src, sizeof src, "b-main.s",
                  ".include \"b-part.inc\"\nstart: HALT\n.entry start\n");
    char *before = cs_slurp(src, NULL);
    static const char hist[] = "the session's command history goes there; "
                               "a program is not loaded from it";
    static const char *const loads[] = {"load %s", "vm create g 4096 %s",
                                        "vm create g 4096; vm load g %s", "nest 1 %s", NULL};
    after_histfile_each_fails(src, loads, src, hist);
    after_histfile_each_fails(inc, loads, src, hist); /* its .include */
    char *after = cs_slurp(src, NULL);
    assert_string_equal(before, after);
    free(after);
    /* the open log's and trace's files: written over when they end */
    snprintf(cmds, sizeof cmds, "log %s; load %s", src, src);
    cs_mon_fails(cmds, "the log goes there until 'log off'; a program is not loaded from it");
    cs_write_text(src, sizeof src, "b-main.s", before);
    snprintf(cmds, sizeof cmds, "trace insns to %s; load %s", inc, src);
    cs_mon_fails(cmds, "the trace goes there until 'trace off'; a program is not loaded from it");
    cs_write_text(inc, sizeof inc, "b-part.inc", "x: .word 5\n");
    /* once the history goes elsewhere the file is free; then it is the
     * loaded program's, and 'set histfile' refuses it as before */
    snprintf(cmds, sizeof cmds, "set histfile %s; set histfile \"\"; load %s; set histfile %s",
             src, src, src);
    cs_mon_fails(cmds, "the loaded program was read from this file; choose another file");
    free(before);
}

/* Nor does a command that writes a file write over the history file (the
 * history would replace it after the next line); 'set histfile' may name
 * its own file again. */
static void monitor__writers_refuse_the_history_file(void **state)
{
    (void)state;
    char h[CS_PATH], cmds[4 * CS_PATH];
    cs_tmp_path(h, sizeof h, "b-hist");
    static const char *const writers[] = {"save %s", "trace insns to %s", "log %s",
                                          "timeline on; vm create g 64; timeline %s", NULL};
    after_histfile_each_fails(h, writers, h,
                              "the session's command history goes there; choose another file");
    snprintf(cmds, sizeof cmds, "set histfile %s; set histfile %s; set", h, h);
    cs_mon_prints(cmds, "histfile   ");
}

/* ---- docs/monitor.md "Addresses and expressions": psw() and rb() --------- */

/* The monitor's expressions lacked the assembler's psw(), pswi() and rb();
 * now they have them, from the same table: the same words as the bits of
 * docs/isa.md's PSW, as the assembler's, and the same refusals. */
static void monitor__psw_and_rb_are_the_assemblers(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH + 512];
    /* a label named like a function hides only the plain name */
    cs_write_text(src, sizeof src, "b-words.s",
                  "a: .word psw(SUP, 5, 0x10, 0x80000), pswi(USER, 2, 3, 4)\n"
                  "rb: .word rb(7, 0x80000)\nstart: HALT\n.entry start\n");
    snprintf(cmds, sizeof cmds,
             "load %s; assert E[0] == psw(sup, 5, 0x10, 0x80000) && E[1] == pswi(0, 2, 3, 4)"
             " && E[2] == rb(7, 0x80000) && rb == 2 && PSW(1, 0, 0, 0) == psw(1, 0, 0, 0)"
             " && $psw(1, 0, 0, 0) == psw(1, 0, 0, 0)",
             src);
    cs_mon_prints(cmds, "loaded");
    char want[64];
    snprintf(want, sizeof want, "%#llx", (unsigned long long)TS_PSW(1, 0, 0, 5, 0x10, 0x80000));
    cs_mon_prints("print psw(1, 5, 0x10, 0x80000)", want);
    snprintf(want, sizeof want, "%#llx", (unsigned long long)TS_PSW(0, 1, 0, 2, 3, 4));
    cs_mon_prints("print pswi(user, 1 + 1, 3, 4)", want);
    snprintf(want, sizeof want, "%#llx", (unsigned long long)TS_PSW(0, 0, 0, 0, 7, 8));
    cs_mon_prints("print rb(7, 8)", want);
    /* the assembler's refusals, word for word */
    static const char *const bad[][2] = {
        {"psw(1, 2, 3)", "psw takes 4 arguments (m, p, l, b), got 3"},
        {"rb()", "rb takes 2 arguments (l, b), got 0"},
        {"pswi(2, 0, 0, 0)", "pswi: m = 2 is out of range 0..1"},
        {"rb(1, -1)", "rb: b = -1 is out of range 0..524288"},
        {"psw(0, 0x80000, 0, 0)", "psw: p = 524288 is out of range 0..524287"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char line[128];
        snprintf(cmds, sizeof cmds, "print %s", bad[k][0]);
        cs_mon_fails(cmds, bad[k][1]);
        snprintf(line, sizeof line, "x: .word %s\n", bad[k][0]);
        cs_write_text(src, sizeof src, "b-bad.s", line);
        struct cs_outcome o = cs_run_tgm("as", src, "-o", "/dev/null", NULL);
        assert_int_equal(o.status, 1);
        if (!strstr(o.err, bad[k][1]))
            fail_msg("tgm as says \"%s\", not \"%s\"", o.err, bad[k][1]);
        cs_outcome_free(&o);
    }
    cs_mon_fails("print psw(1, 2, 3, 4", "missing ')'");
}

/* ---- README.md and docs/bench.md: the commands a reader is told to run ---- */

/* Run CMD with sh in DIR; its standard output, malloc'd; *STATUS its exit. */
static char *run_sh(const char *dir, const char *cmd, int *status)
{
    char line[2 * CS_PATH + 8192 + 32]; /* the callers' commands are at most 8 KiB */
    snprintf(line, sizeof line, "cd '%s' && %s 2>/dev/null", dir, cmd);
    return cs_sh_output(line, status);
}

/* Every "    $ build/tgm ..." of README.md runs as written, from a directory
 * laid out as the tree (build/tgm, examples/), and prints the lines shown
 * under it in that order ("..." stands for lines left out). */
static void readme__every_command_runs_as_shown(void **state)
{
    (void)state;
    char dir[CS_PATH], path[CS_PATH], real[4096];
    cs_tmp_path(dir, sizeof dir, "readme");
    cs_tmp_path(path, sizeof path, "readme/build");
    assert_int_equal(mkdir(dir, 0700), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    cs_tmp_path(path, sizeof path, "readme/build/tgm");
    assert_non_null(realpath(cs_tgm(), real));
    assert_int_equal(symlink(real, path), 0);
    cs_tmp_path(path, sizeof path, "readme/examples");
    assert_non_null(realpath("examples", real));
    assert_int_equal(symlink(real, path), 0);
    char *doc = cs_slurp("README.md", NULL);
    size_t commands = 0;
    for (char *l = strstr(doc, "\n    $ "); l; l = strstr(l, "\n    $ ")) {
        l += strlen("\n    $ ");
        char cmd[512];
        snprintf(cmd, sizeof cmd, "%.*s", (int)strcspn(l, "\n"), l);
        assert_int_equal(strncmp(cmd, "build/tgm ", 10), 0);
        int status;
        char *out = run_sh(dir, cmd, &status);
        if (status != 0)
            fail_msg("README.md: '%s' exits with %d", cmd, status);
        const char *at = out;
        /* the output shown: the indented lines up to the next command */
        for (const char *o = strchr(l, '\n'); o && !strncmp(o, "\n    ", 5) &&
                                              strncmp(o, "\n    $ ", 7);
             o = strchr(o + 1, '\n')) {
            char want[512];
            snprintf(want, sizeof want, "%.*s\n", (int)strcspn(o + 5, "\n"), o + 5);
            if (!strcmp(want, "...\n"))
                continue;
            const char *got = strstr(at, want);
            if (!got)
                fail_msg("README.md: '%s' does not print, in order, \"%.*s\"; it prints:\n%s",
                         cmd, (int)strlen(want) - 1, want, out);
            at = got + strlen(want);
        }
        free(out);
        commands++;
    }
    free(doc);
    assert_true(commands >= 8);
}

/* The bench binary: $TGM_BENCH, else build/bench/bench. */
static const char *bench_bin(void)
{
    const char *b = getenv("TGM_BENCH");
    return b && *b ? b : "build/bench/bench";
}

/* Every option docs/bench.md shows is in 'bench --help' (but valgrind's own
 * --tool and the hidden --inner-only, which the doc calls hidden), each
 * usage line's options word for word; and the bench takes them all. */
static void bench__every_option_in_the_docs_is_taken(void **state)
{
    (void)state;
    char real[4096], cmd[2 * 4096];
    if (!realpath(bench_bin(), real))
        fail_msg("no bench binary at '%s' (make build/bench/bench)", bench_bin());
    int status;
    snprintf(cmd, sizeof cmd, "'%s' --help", real);
    char *help = run_sh(".", cmd, &status);
    assert_int_equal(status, 0);
    char *doc = cs_slurp("docs/bench.md", NULL);
    for (const char *o = strstr(doc, "--"); o; o = strstr(o + 2, "--")) {
        char opt[64];
        if (o[2] < 'a' || o[2] > 'z' || (o > doc && o[-1] == '-'))
            continue; /* a table's |---| */
        snprintf(opt, sizeof opt, "--%.*s", (int)strspn(o + 2, "-abcdefghijklmnopqrstuvwxyz"),
                 o + 2);
        if (!strcmp(opt, "--tool"))
            continue;
        if (!strcmp(opt, "--inner-only")) {
            assert_non_null(strstr(doc, "hidden\n  `--inner-only"));
            continue;
        }
        if (!strstr(help, opt))
            fail_msg("docs/bench.md shows %s; 'bench --help' does not have it", opt);
    }
    /* the usage block: each [--opt ARG] as the help writes it */
    const char *u = strstr(doc, "```\nbuild/bench/bench ");
    assert_non_null(u);
    const char *end = strstr(u + 3, "```");
    for (const char *b = strstr(u, "--"); b && b < end; b = strstr(b + 2, "--")) {
        char group[64];
        snprintf(group, sizeof group, "%.*s", (int)strcspn(b, "]\n"), b);
        if (!strstr(help, group))
            fail_msg("docs/bench.md's usage has '%s', 'bench --help' does not", group);
    }
    free(doc);
    free(help);
    /* and the bench takes them: one short row, every output option */
    char json[CS_PATH], svg[CS_PATH];
    cs_tmp_path(json, sizeof json, "b-bench.json");
    cs_tmp_path(svg, sizeof svg, "b-bench.svg");
    snprintf(cmd, sizeof cmd,
             "'%s' --only djnz --runs 1 --no-valgrind --quick --json '%s' --svg '%s' "
             "--before docs/bench-before.json >/dev/null",
             real, json, svg);
    free(run_sh(".", cmd, &status));
    assert_int_equal(status, 0);
    struct cs_outcome o = {.out = cs_slurp(json, &o.out_len), .err = NULL};
    assert_non_null(strstr(o.out, "\"djnz\""));
    free(o.out);
    free(cs_slurp(svg, NULL));
    snprintf(cmd, sizeof cmd, "'%s' --only djnz --runs 1 --no-valgrind --quick --json", real);
    char *out = run_sh(".", cmd, &status);
    assert_int_equal(status, 0);
    assert_int_equal(out[0], '{');
    free(out);
    snprintf(cmd, sizeof cmd, "'%s' --native djnz", real);
    out = run_sh(".", cmd, &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, " MIPS\n"));
    free(out);
}

/* The bars the bench prints are docs/bench.md's: <= 3 with a breakpoint
 * set, and none for the watchpoint's checked loop (it printed one). */
static void bench__prints_the_bars_of_the_docs(void **state)
{
    (void)state;
    char real[4096], cmd[2 * 4096];
    if (!realpath(bench_bin(), real))
        fail_msg("no bench binary at '%s' (make build/bench/bench)", bench_bin());
    char *doc = cs_slurp("docs/bench.md", NULL);
    assert_non_null(strstr(doc, "| one breakpoint set, against none | "));
    assert_non_null(strstr(doc, "| <= 3 | yes |\n| one watchpoint set (the checked loop), "
                                "against none | "));
    assert_non_null(strstr(doc, "earlier runs, the latter when `add-store` ran slower) | | |\n"));
    free(doc);
    int status;
    snprintf(cmd, sizeof cmd, "'%s' --only break --runs 1 --no-valgrind 2>/dev/null", real);
    char *out = run_sh(".", cmd, &status);
    assert_int_equal(status, 0);
    const char *bars = strstr(out, "(bars: ");
    assert_non_null(bars);
    const char *end = strstr(bars, "):\n");
    assert_non_null(end);
    char heading[512];
    snprintf(heading, sizeof heading, "%.*s", (int)(end - bars), bars);
    assert_non_null(strstr(heading, "<= 3 with a\nbreakpoint;"));
    assert_null(strstr(heading, "watchpoint"));
    free(out);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_polish_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__witness_json_has_the_documented_types),
        cmocka_unit_test(monitor__no_program_from_a_file_the_session_writes_later),
        cmocka_unit_test(monitor__writers_refuse_the_history_file),
        cmocka_unit_test(monitor__psw_and_rb_are_the_assemblers),
        cmocka_unit_test(readme__every_command_runs_as_shown),
        cmocka_unit_test(bench__every_option_in_the_docs_is_taken),
        cmocka_unit_test(bench__prints_the_bars_of_the_docs),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
