/* test_audit_msgthm.c: the messages docs/robustness.md, docs/theorems.md
 * and DEVELOPERS.md quote, compared with what tgm prints.
 *
 * The first tests pin messages that differed from their quotation or
 * were missing (each fails on the tree before its fix); the table after it pins quoted
 * messages that held when checked, so that a later change to one of them
 * fails here rather than silently parting from the documents.  Runs the
 * real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
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

/* ---- DEVELOPERS.md: make deps names what is missing ---------------------- */

/* Run make TARGET at the top of the tree with PATH = DIR alone (make
 * itself found first), both streams into one string. */
static char *make_with_path(const char *dir, const char *target)
{
    char top[CS_PATH], cmd[4 * CS_PATH];
    assert_non_null(getcwd(top, sizeof top));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && m=$(command -v make) && unset MAKEFLAGS MFLAGS MAKELEVEL && "
             "PATH='%s' \"$m\" -s %s 2>&1",
             top, dir, target);
    return cs_sh_output(cmd, NULL);
}

static void script(const char *dir, const char *name, const char *body)
{
    char path[2 * CS_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cs_put_text(path, body);
    assert_int_equal(chmod(path, 0755), 0);
}

static void has_line(const char *text, const char *line, const char *what)
{
    const char *want[] = {line, NULL};
    cs_assert_lines_in_order(text, want, what);
}

/* "otherwise it stops with the exact command to run:
 *     tgm: missing dependencies: cmocka"
 * A machine without pkg-config got "tgm: missing dependencies:pkg-config
 * libedit" (no space after the colon), and as root "installing missing
 * dependencies ( cmocka)": the list kept the space it was built with. */
static void deps__the_missing_are_listed_as_quoted(void **state)
{
    (void)state;
    char none[CS_PATH], nocm[CS_PATH], root[CS_PATH], body[2 * CS_PATH];
    cs_tmp_path(none, sizeof none, "deps-none");
    cs_tmp_path(nocm, sizeof nocm, "deps-nocmocka");
    cs_tmp_path(root, sizeof root, "deps-root");
    assert_int_equal(mkdir(none, 0755), 0);
    assert_int_equal(mkdir(nocm, 0755), 0);
    assert_int_equal(mkdir(root, 0755), 0);
    /* not root, so nothing is installed: the command is named instead */
    script(none, "id", "#!/bin/sh\necho 1000\n");
    script(nocm, "id", "#!/bin/sh\necho 1000\n");
    /* a pkg-config that knows everything but cmocka */
    FILE *w = popen("command -v pkg-config", "r");
    assert_non_null(w);
    char real[CS_PATH] = "";
    if (!fgets(real, sizeof real, w))
        real[0] = '\0';
    pclose(w);
    real[strcspn(real, "\n")] = '\0';
    if (!real[0])
        skip(); /* make test itself needs it: not reached there */
    snprintf(body, sizeof body,
             "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = cmocka ] && exit 1; done\nexec '%s' \"$@\"\n",
             real);
    script(nocm, "pkg-config", body);
    script(root, "pkg-config", body);
    script(root, "id", "#!/bin/sh\necho 0\n");
    script(root, "apt-get", "#!/bin/sh\nexit 0\n"); /* installs nothing */

    char *out = make_with_path(none, "deps");
    has_line(out, "tgm: missing dependencies: pkg-config libedit", "make deps without pkg-config");
    has_line(out, "tgm: install them with: sudo apt-get install -y libedit-dev pkg-config",
             "make deps without pkg-config");
    free(out);
    out = make_with_path(nocm, "test-deps");
    has_line(out, "tgm: missing dependencies: cmocka", "make test-deps without cmocka");
    has_line(out,
             "tgm: install them with: sudo apt-get install -y libcmocka-dev libedit-dev "
             "pkg-config",
             "make test-deps without cmocka");
    free(out);
    out = make_with_path(root, "test-deps");
    has_line(out,
             "tgm: installing missing dependencies (cmocka): apt-get install -y libcmocka-dev "
             "libedit-dev pkg-config",
             "make test-deps as root without cmocka");
    free(out);
}

/* ---- docs/bench.md: bench/compare.sh ------------------------------------- */

/* bench/compare.sh with ROUNDS=2 and stand-ins in directory NAME (under
 * the temporary one) for the simulators, which give no figure, and for the
 * bench binary, a script of BENCH_BODY; standard output (status 0
 * asserted), standard error into *ERR if ERR is not NULL.  Stand-ins keep
 * this to a second. */
static char *compare_with_fakes(const char *name, const char *bench_body, char **err)
{
    char dir[CS_PATH], bench[2 * CS_PATH], top[CS_PATH], errf[CS_PATH], cmd[10 * CS_PATH];
    cs_tmp_path(dir, sizeof dir, name);
    cs_tmp_path(errf, sizeof errf, "compare.err");
    assert_int_equal(mkdir(dir, 0755), 0);
    script(dir, "pdp11", "#!/bin/sh\nexit 1\n");
    script(dir, "hercules", "#!/bin/sh\nexit 0\n");
    script(dir, "bench", bench_body);
    snprintf(bench, sizeof bench, "%s/bench", dir);
    assert_non_null(getcwd(top, sizeof top));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && PATH='%s':\"$PATH\" ROUNDS=2 bash bench/compare.sh '%s' 2>'%s'", top,
             dir, bench, errf);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char out[8192];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    char *e = cs_slurp(errf, NULL);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("bench/compare.sh: status %d, stdout '%s', stderr '%s'",
                 WIFEXITED(st) ? WEXITSTATUS(st) : -1, out, e);
    if (err)
        *err = e;
    else
        free(e);
    return out;
}

/* "then prints the median of each and the ratios ... (a run whose loop
 * has not finished within its 30-second pause gives no figure)": a
 * simulator installed but giving no figure in any round lost its row and
 * its ratio without a word. */
static void compare__a_row_without_a_figure_says_so(void **state)
{
    (void)state;
    const char *out = compare_with_fakes(
        "compare-fakes",
        "#!/bin/sh\ncase \"$1\" in --native) echo '4000.0 MIPS' ;;\n"
        "*) echo '    1500.0 MIPS (min 1500.0, max 1500.0; 1400.0 by the wall clock)' ;; esac\n",
        NULL);
    static const char *const want[] = {
        "SIMH 3.8 pdp11         no figure: none of the 2 runs gave one",
        "Hercules S/370         no figure: none of the 2 runs gave one",
        "C djnz (limit)           4000.0 MIPS  bench --native, memory words; runs: 4000.0 4000.0 ",
        "ratios:",
        "tgm / Hercules (add-store)              -   (bar >= 5: no figure)",
        "tgm / SIMH (add-store)                  -   (bar >= 7: no figure)",
        "tgm / C limit (add-store)            0.38",
        NULL,
    };
    cs_assert_lines_in_order(out, want, "bench/compare.sh with no simulator figure");
}

/* "A row none of whose runs gave a figure says so": a tgm row whose bench
 * run failed (its loop did not halt after the expected count) ended the
 * script under set -e, status 1, after "round 1 of 2..." and nothing
 * else, the bench's own error thrown away.  The row says it has no
 * figure, the ratios that need it are '-', and the bench's error is shown. */
static void compare__a_failed_tgm_row_says_so(void **state)
{
    (void)state;
    char *err = NULL;
    const char *out = compare_with_fakes(
        "compare-failing-bench",
        "#!/bin/sh\ncase \"$1\" in --native) echo '4000.0 MIPS' ;;\n"
        "*) echo \"bench: running $2...\" >&2; echo \"bench: $2: stopped\" >&2; exit 1 ;; "
        "esac\n",
        &err);
    static const char *const want[] = {
        "tgm add-store          no figure: none of the 2 runs gave one",
        "C add-store (limit)      4000.0 MIPS  bench --native, memory words; runs: 4000.0 4000.0 ",
        "tgm djnz               no figure: none of the 2 runs gave one",
        "ratios:",
        "tgm / C limit (add-store)               -",
        "tgm / C limit (djnz)                    -",
        NULL,
    };
    cs_assert_lines_in_order(out, want, "bench/compare.sh with a failing tgm row");
    if (!strstr(err, "bench: add-store: stopped\n") || !strstr(err, "bench: djnz: stopped\n") ||
        strstr(err, "running"))
        fail_msg("stderr should carry the bench's errors, not its progress: '%s'", err);
    free(err);
}

/* ---- the quoted messages that hold --------------------------------------- */

/* Arguments: "@NAME" is NAME in the temporary directory. */
struct quoted {
    const char *doc;      /* where the text is quoted */
    const char *sub;      /* tgm's subcommand */
    const char *args[8];
    int status;
    bool on_stdout;       /* else standard error */
    const char *want;
};

static const struct quoted quoted[] = {
    /* docs/robustness.md, "Bad input: what the user sees" */
    {"robustness", "run", {"@missing.img"}, 2, false, "missing.img: No such file or directory"},
    {"robustness", "run", {"@d"}, 2, false, "d: is a directory (give a file)"},
    {"robustness", "run", {"@trunc.img"}, 2, false,
     "trunc.img: offset 30: truncated header (30 bytes, need 48)"},
    {"robustness", "run", {"@magic.img"}, 2, false,
     "magic.img: offset 0: bad magic (not a tgm image)\n"},
    {"robustness", "run", {"@snap.s"}, 2, false,
     "snap.s: offset 0: bad magic (not a tgm image but a monitor snapshot: the monitor's "
     "'restore' reads it)"},
    {"robustness", "run", {"@prog.asm"}, 2, false,
     "prog.asm: offset 0: bad magic (not a tgm image); an assembly source must be named *.s\n"},
    {"robustness", "run", {"@.s"}, 2, false,
     "; an assembly source must be named *.s, with a name before the .s"},
    {"robustness", "run", {"@ver.img"}, 2, false,
     "ver.img: offset 8: unsupported version 9 (this tgm reads 1)"},
    {"robustness", "run", {"@sum.img"}, 2, false, ": checksum mismatch (file damaged)"},
    {"robustness", "dis", {"/dev/zero"}, 2, false,
     "tgm: dis: /dev/zero: larger than 71303208 bytes, the limit for a tgm image"},
    {"robustness", "run", {"--mem", "4", "@good26.img"}, 2, false,
     "good26.img: image needs words 0..25 but the machine has 4 words (try a larger --mem)"},
    {"robustness", "as", {"/dev/zero", "-o", "@z.img"}, 1, false,
     "/dev/zero: error: larger than 16777216 bytes, the limit for a source"},
    {"robustness", "as", {"@inc.s"}, 1, false,
     "inc.s:1:10: error: include file '/dev/zero' is larger than 16777216 bytes, the limit "
     "for a source"},
    {"robustness", "as", {"@inc2.s"}, 1, false, "inc2.s:1:10: error: include cycle: "},
    {"robustness", "as", {"@nul.s"}, 1, false,
     "nul.s:3:1: error: not an assembly source: a NUL byte at offset 10"},
    {"robustness", "as", {"@img.s"}, 1, false,
     "img.s:1:1: error: not an assembly source: a tgm image (it begins with the magic "
     "TGMIMAGE; 'tgm dis' turns it into source)"},
    {"robustness", "as", {"@snap.s"}, 1, false,
     "snap.s:1:1: error: not an assembly source: a monitor snapshot (it begins with the "
     "magic TGMSNAP; the monitor's 'restore' reads it)"},
    {"robustness", "as", {"@h.s", "-o", "@h.s"}, 2, false, "h.s itself; choose another -o"},
    {"robustness", "as", {"@h.s", "-o", "@two.img"}, 2, false,
     "two.img: has 2 hard links, which replacing it would break; remove the other links or "
     "write elsewhere"},
    {"robustness", "run", {"@good.img", "--dump", "@good.img"}, 2, false,
     "good.img itself; choose another file"},
    {"robustness", "as", {"@h.s", "-o", "@d"}, 2, false, "d: is a directory (give a file name)"},
    {"robustness", "as", {"@h.s", "-o", ""}, 2, false, "tgm: as: expected a file name, got ''"},
    {"robustness", "run", {"@good.img", "--input-file", "/dev/zero"}, 2, false,
     "tgm: run: --input-file: /dev/zero: larger than 67108864 bytes, the limit for console "
     "input"},
    {"robustness", "monitor", {"-f", "@missing.mon"}, 2, false,
     "tgm: monitor: cannot open script '"},
    {"robustness", "monitor", {"-f", "@missing.mon"}, 2, false,
     "missing.mon': No such file or directory"},
    {"robustness", "monitor", {"-f", "/dev/zero"}, 1, false,
     "/dev/zero:1: line longer than 1048576 bytes: not a monitor script"},
    {"robustness", "monitor", {"-f", "@x.mon"}, 1, false,
     "x.mon:2: a NUL byte at column 6: not a monitor script"},
    {"robustness", "monitor", {"-c", "restore /dev/zero"}, 1, false,
     "-c:1: restore: /dev/zero: larger than 268435456 bytes, the limit for a snapshot"},
    {"robustness", "monitor", {"-c", "trace insns to /dev/full; step; trace off"}, 1, false,
     "trace: /dev/full: cannot write: No space left on device"},
    {"robustness", "monitor", {"-c", "log @F; save @F"}, 1, false,
     "F: the log goes there until 'log off'; choose another file"},
    {"robustness", "monitor", {"-c", "log @F; load @F"}, 1, false,
     "F: the log goes there until 'log off'; a program is not loaded from it"},
    {"robustness", "monitor", {"-f", "@self.mon"}, 1, false,
     "self.mon: a script being run is read from this file; choose another file"},
    {"robustness", "monitor", {"-c", "load @loop.s; break 1 do \"vm create\"; continue"}, 1, false,
     "-c:1: vm: not in a breakpoint's commands: the run that stopped there is still under way"},
    /* docs/theorems.md */
    {"theorems", "analyze", {"--profile", "al"}, 2, false, "(did you mean 'all'?)\n"},
    {"theorems", "counterexample", {"--profile", "virtualizable"}, 0, true,
     "no counterexample: no instruction is both sensitive and unprivileged, so there is no "
     "witness to build a program from\noutcome: nothing to run: as Theorems 1 and 3 predict\n"},
    {"theorems", "counterexample", {"--profile", "pdp10"}, 0, true,
     "outcome: the VMM differs on 1 of 1, the hybrid VMM on 0 of 1: as Theorems 1 and 3 "
     "predict\n"},
    {"theorems", "analyze", {"--profile", "pdp10", "--random-states", "1"}, 0, true,
     "Theorem 2 (virtualizable, and a VMM without timing dependencies exists): not "
     "established: Theorem 1 fails (JRSTU); Theorem 2 is only a sufficient condition, so "
     "this does not show that the machine is not recursively virtualizable; Theorem 3 "
     "holds: a hybrid monitor can be built\n"},
};

/* The files the table's rows read. */
static void make_inputs(void)
{
    char p[CS_PATH], q[CS_PATH];
    cs_write_text(p, sizeof p, "h.s", "HALT\n");
    cs_write_text(p, sizeof p, "loop.s", "start: NOP\n        NOP\n        HALT\n");
    cs_write_text(p, sizeof p, "good.s", "start: HALT\n");
    cs_tmp_path(q, sizeof q, "good.img");
    struct cs_outcome o = cs_run_tgm("as", p, "-o", q, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t n;
    char *img = cs_slurp(q, &n);
    cs_tmp_path(p, sizeof p, "trunc.img");
    cs_write_bytes(p, img, 30);
    cs_tmp_path(p, sizeof p, "img.s");
    cs_write_bytes(p, img, n);
    img[8] = 9; /* the version */
    cs_tmp_path(p, sizeof p, "ver.img");
    cs_write_bytes(p, img, n);
    img[8] = 1;
    img[40] ^= 1; /* the first word: the checksum no longer matches */
    cs_tmp_path(p, sizeof p, "sum.img");
    cs_write_bytes(p, img, n);
    free(img);
    cs_write_text(p, sizeof p, "good26.s", "start:  HALT\n        .org 25\n        .word 1\n");
    cs_tmp_path(q, sizeof q, "good26.img");
    o = cs_run_tgm("as", p, "-o", q, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    cs_tmp_path(p, sizeof p, "magic.img");
    cs_write_bytes(p, "\x01\x02\x03\x00", 4);
    cs_write_text(p, sizeof p, "prog.asm", "HALT\n");
    cs_write_text(p, sizeof p, ".s", "HALT\n");
    cs_write_text(p, sizeof p, "inc.s", ".include \"/dev/zero\"\n");
    cs_write_text(p, sizeof p, "inc2.s", ".include \"inc2.s\"\n");
    cs_tmp_path(p, sizeof p, "nul.s");
    cs_write_bytes(p, "HALT\nHALT\n\0abc\n", 15);
    cs_tmp_path(p, sizeof p, "x.mon");
    cs_write_bytes(p, "regs\nregs \0 x\nregs\n", 19);
    cs_tmp_path(p, sizeof p, "snap.s");
    char cmd[2 * CS_PATH];
    snprintf(cmd, sizeof cmd, "save %s", p);
    o = cs_mon_ok(cmd);
    cs_outcome_free(&o);
    cs_write_text(p, sizeof p, "two.img", "old\n");
    cs_tmp_path(q, sizeof q, "two2.img");
    assert_int_equal(link(p, q), 0);
    cs_tmp_path(p, sizeof p, "d");
    assert_int_equal(mkdir(p, 0755), 0);
    cs_tmp_path(q, sizeof q, "self.mon");
    snprintf(cmd, sizeof cmd, "log %s\n", q);
    cs_put_text(q, cmd);
}

/* "@NAME" in S, anywhere, becomes NAME's path in the temporary directory. */
static void expand(char *buf, size_t len, const char *s)
{
    size_t n = 0;
    buf[0] = '\0';
    while (*s && n + 1 < len) {
        if (*s == '@') {
            size_t k = strcspn(s + 1, " ;\"");
            char name[64], path[CS_PATH];
            snprintf(name, sizeof name, "%.*s", (int)k, s + 1);
            cs_tmp_path(path, sizeof path, name);
            n += (size_t)snprintf(buf + n, len - n, "%s", path);
            s += k + 1;
        } else {
            buf[n++] = *s++;
            buf[n] = '\0';
        }
    }
    assert_true(n + 1 < len);
}

static void quoted__messages_are_the_documents(void **state)
{
    (void)state;
    make_inputs();
    static char argbuf[8][3 * CS_PATH];
    for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
        const struct quoted *t = &quoted[i];
        const char *args[9];
        size_t n = 0;
        for (; t->args[n]; n++) {
            expand(argbuf[n], sizeof argbuf[n], t->args[n]);
            args[n] = argbuf[n];
        }
        args[n] = NULL;
        struct cs_outcome o = cs_run_tgm_argv(t->sub, args);
        const char *text = t->on_stdout ? o.out : o.err;
        if (o.status != t->status || !strstr(text, t->want))
            fail_msg("docs/%s.md: tgm %s %s ...: status %d (want %d), %s:\n%s\nwant:\n%s", t->doc,
                     t->sub, t->args[0] ? t->args[0] : "", o.status, t->status,
                     t->on_stdout ? "stdout" : "stderr", text, t->want);
        /* an error is one line on standard error, and nothing on stdout */
        if (t->status == 2 && o.out_len != 0)
            fail_msg("docs/%s.md: tgm %s %s ...: status 2 with output on stdout:\n%s", t->doc,
                     t->sub, t->args[0], o.out);
        cs_outcome_free(&o);
    }
}

static void to_out(void)
{
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "out");
    FILE *f = freopen(path, "w", stdout);
    if (!f)
        _exit(127);
}

/* "`tgm run x.s --dump out > out` refuses: `out: is this command's
 * standard output, whose text replacing it would lose; write to
 * /dev/stdout to add to it, or elsewhere`" */
static void quoted__dump_onto_the_redirected_output(void **state)
{
    (void)state;
    char src[CS_PATH], out[CS_PATH];
    cs_write_text(src, sizeof src, "dumped.s", "start: HALT\n");
    cs_tmp_path(out, sizeof out, "out");
    const char *args[] = {src, "--dump", out, NULL};
    struct cs_outcome o = cs_finish_tgm(cs_start_tgm_with(-1, to_out, "run", args));
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "out: is this command's standard output, whose text replacing it "
                           "would lose; write to /dev/stdout to add to it, or elsewhere");
    cs_outcome_free(&o);
    /* "a dangling link whose target's directory is missing is refused
     * (before a run ...) naming what is missing: `tgm: run: --dump: dl:
     * links to nodir/x.bin, but nodir: No such file or directory`" (here
     * each name with the temporary directory before it) */
    char dl[CS_PATH], pre[2 * CS_PATH];
    cs_tmp_path(dl, sizeof dl, "dl");
    assert_int_equal(symlink("nodir/x.bin", dl), 0);
    o = cs_run_tgm("run", src, "--dump", dl, NULL);
    assert_int_equal(o.status, 2);
    assert_int_equal(o.out_len, 0);
    snprintf(pre, sizeof pre, "tgm: run: --dump: %s: links to %s/nodir/x.bin, but %s/nodir: "
             "No such file or directory\n", dl, cs_tmpdir(), cs_tmpdir());
    assert_string_equal(o.err, pre);
    cs_outcome_free(&o);
}

/* theorems.md: `tgm analyze --profile all` gives each profile's verdicts as
 * the per-profile table says, and with --check-declared exits 0 (every
 * derived class is the declared one). */
static void cli__analyze_all_gives_the_tables_verdicts(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--check-declared",
                                     "--random-states", "1", NULL);
    assert_int_equal(o.status, 0);
    static const char *const want[] = {
        "profile virtualizable:",
        "Theorem 1 (sensitive is a subset of privileged): FAILS: JRSTU (ctl-s, not privileged)",
        "Theorem 1 (sensitive is a subset of privileged): FAILS: LRA (loc-s loc-u, not privileged)",
        "Theorem 3 (user sensitive is a subset of privileged): FAILS: LRA (loc-u, not privileged)",
        "Theorem 1 (sensitive is a subset of privileged): FAILS: MFPI (mode, not privileged)",
        "Theorem 2 (virtualizable, and a VMM without timing dependencies exists): not established: "
        "Theorem 1 fails (LPSW SPSW SR)",
        "Theorem 3 (user sensitive is a subset of privileged): FAILS: SPSW (loc-u, not privileged), "
        "SR (loc-u, not privileged)",
    };
    const char *at = o.out;
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        const char *hit = strstr(at, want[k]);
        if (!hit)
            fail_msg("missing, in order: %s", want[k]);
        at = hit;
    }
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_msgthm");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deps__the_missing_are_listed_as_quoted),
        cmocka_unit_test(compare__a_row_without_a_figure_says_so),
        cmocka_unit_test(compare__a_failed_tgm_row_says_so),
        cmocka_unit_test(quoted__messages_are_the_documents),
        cmocka_unit_test(quoted__dump_onto_the_redirected_output),
        cmocka_unit_test(cli__analyze_all_gives_the_tables_verdicts),
    };
    return cmocka_run_group_tests_name("audit_msgthm", tests, group_setup, group_teardown);
}
