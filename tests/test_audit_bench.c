/* test_audit_bench.c: what docs/bench.md promises for the benchmark
 * harness's command line, found broken by an audit; each test fails on the
 * tree before its fix.
 *
 * Runs the bench binary ($TGM_BENCH, else build/bench/bench) from the top
 * of the source tree, on one short row without valgrind.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

static char bench[4096], before_json[4096]; /* docs/bench-before.json */
static char nest_bin[4096];                  /* bench-nest, make bench's second part */

/* The bench with ARGS in DIR, standard output on TO (cs_run_argv_in). */
static struct cs_outcome run_bench_to(const char *dir, const char *to, const char *const *args)
{
    const char *a[32];
    return cs_run_argv_in(cs_with_args(a, 32, bench, args), dir, to, 0);
}

static struct cs_outcome run_bench_in(const char *dir, const char *const *args)
{
    return run_bench_to(dir, NULL, args);
}

static struct cs_outcome run_bench(const char *const *args)
{
    return run_bench_in(NULL, args);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* Refused before any row ran: status 2, nothing on standard output, and
 * one line on standard error holding WHY (no "running" line first).  Run
 * in the temporary directory, where a file it should not write would go. */
static void refused_up_front(const char *const *args, const char *why)
{
    struct cs_outcome o = run_bench_in(cs_tmpdir(), args);
    if (o.status != 2 || o.out_len != 0 || strstr(o.err, "running"))
        fail_msg("'%s %s ...': status %d, stdout '%.200s', stderr '%.300s'", args[0],
                 args[1] ? args[1] : "", o.status, o.out, o.err);
    cs_assert_one_line(&o, why);
    cs_outcome_free(&o);
}

/* docs/bench.md: "`--json FILE` writes the same results to FILE ...
 * `--svg FILE` draws ... with `--before OLD.json` (an earlier `--json`)".
 * An output the writer would refuse, or a --before that cannot be read,
 * was found only after every row had run (minutes with valgrind), with the
 * text results printed first; and with a good --json and a bad --svg the
 * JSON was written though the run failed.  Both are now checked before
 * the first row runs, and nothing is written. */
static void outputs__checked_before_the_run(void **state)
{
    (void)state;
    char nodir[CS_PATH], json[CS_PATH], svg[CS_PATH], before[CS_PATH];
    cs_tmp_path(nodir, sizeof nodir, "no-such-dir/out.json");
    cs_tmp_path(json, sizeof json, "good.json");
    cs_tmp_path(svg, sizeof svg, "no-such-dir/out.svg");
    cs_tmp_path(before, sizeof before, "no-such-before.json");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json", nodir),
                     "no-such-dir");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json", json,
                             "--svg", svg),
                     "no-such-dir");
    assert_false(exists(json));
    cs_tmp_path(svg, sizeof svg, "good.svg");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", svg,
                             "--before", before),
                     "no-such-before.json");
    assert_false(exists(svg));
    /* a directory is no output file */
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json",
                             cs_tmpdir()),
                     "is a directory");
    /* the JSON and the chart in one file: one would replace the other */
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json", svg,
                             "--svg", svg),
                     "good.svg");
    assert_false(exists(svg));
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", "-",
                             "--json"),
                     "bench: --json and --svg name one file, standard output");
    cs_assert_no_temporary();
}

/* `--svg F --before F` drew the chart over the earlier run's JSON it was
 * drawn against: that run was lost.  Refused first, F left as it was. */
static void svg__over_its_before_file_is_refused(void **state)
{
    (void)state;
    char before[CS_PATH];
    cs_tmp_path(before, sizeof before, "earlier.json");
    const char json[] = "{\"benchmarks\":[{\"name\":\"djnz\",\"mips\":1.0}]}\n";
    cs_put_text(before, json);
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", before,
                             "--before", before),
                     "bench: --before and --svg name one file, ");
    char *now = cs_slurp(before, NULL);
    assert_string_equal(now, json);
    free(now);
    /* the JSON may replace it: read first, drawn against, then written */
    char svg[CS_PATH];
    cs_tmp_path(svg, sizeof svg, "against-earlier.svg");
    struct cs_outcome o =
        run_bench(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--json",
                          before, "--svg", svg, "--before", before));
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *chart = cs_slurp(svg, NULL), *after = cs_slurp(before, NULL);
    if (!strstr(chart, "fill=\"#bbb\"") || !strstr(after, "\"instructions\":19661402"))
        fail_msg("want the earlier bar in the chart and the new run in the JSON: %.300s / %.300s",
                 chart, after);
    free(chart);
    free(after);
    cs_assert_no_temporary();
}

/* "--svg FILE|-": a chart on standard output, as --json - gives JSON, in
 * place of the text.  `--svg -` wrote a file named '-' and printed the text. */
static void svg__dash_is_standard_output(void **state)
{
    (void)state;
    struct cs_outcome o = run_bench_in(
        cs_tmpdir(), CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--svg", "-"));
    assert_int_equal(o.status, 0);
    assert_true(o.out_len > 12);
    if (strncmp(o.out, "<svg ", 5) != 0 || strcmp(o.out + o.out_len - 7, "</svg>\n") != 0 ||
        !strstr(o.out, ">djnz<") || strstr(o.out, "MIPS\n"))
        fail_msg("stdout is not the chart alone: '%.300s'", o.out);
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
    assert_false(exists(cs_tmp("-")));
}

/* "with `--before OLD.json` (an earlier `--json`) the earlier run's bar
 * above each": any readable file was taken, and a file that is no bench
 * JSON (a text, the recursion rows' JSON) drew a chart with no earlier
 * bars, silently.  It is refused, naming the file. */
static void before__must_be_an_earlier_json(void **state)
{
    (void)state;
    char text[CS_PATH], nest[CS_PATH], svg[CS_PATH];
    cs_write_text(text, sizeof text, "notes.txt", "some notes\n");
    cs_write_text(nest, sizeof nest, "nest.json", "{\"guests\":[]}\n");
    cs_tmp_path(svg, sizeof svg, "chart.svg");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", svg,
                             "--before", text),
                     "notes.txt: not a bench JSON");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", svg,
                             "--before", nest),
                     "nest.json: not a bench JSON");
    assert_false(exists(svg));
    /* an earlier --json is taken, and its bars drawn (grey) */
    struct cs_outcome o =
        run_bench(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--svg", svg,
                          "--before", "docs/bench-before.json"));
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *chart = cs_slurp(svg, NULL);
    assert_non_null(strstr(chart, "fill=\"#bbb\""));
    free(chart);
    /* --before draws into --svg's chart; alone it did nothing */
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--before",
                             before_json),
                     "--before");
}

/* "build/bench/bench --native add-store|djnz": --native ran and exited 0
 * at once, so nothing after it was looked at: an unknown option, or one
 * it silently ignored (--json, --runs).  It takes no other option now. */
static void native__takes_no_other_option(void **state)
{
    (void)state;
    refused_up_front(CS_ARGV("--native", "djnz", "--bogus"), "--bogus");
    refused_up_front(CS_ARGV("--native", "djnz", "--runs", "3"), "--native");
    refused_up_front(CS_ARGV("--json", "-", "--native", "djnz"), "--native");
    struct cs_outcome o = run_bench(CS_ARGV("--native", "djnz"));
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, " MIPS\n"));
    cs_outcome_free(&o);
}

/* "[--svg FILE] [--before FILE]": the word after --svg or --before was
 * taken whatever it was, so '--svg --no-valgrind' wrote the chart to a
 * file named --no-valgrind; and --runs took ' 5' and '+5' (strtoull's
 * leading space and sign), which the tgm command refuses as numbers. */
static void options__a_value_is_no_option_and_a_count_is_digits(void **state)
{
    (void)state;
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--svg", "--no-valgrind"),
                     "--svg");
    assert_false(exists(cs_tmp("--no-valgrind")));
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--svg", "x.svg", "--before",
                             "--no-valgrind"),
                     "--before");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "+1", "--no-valgrind"), "'+1'");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", " 1", "--no-valgrind"), "' 1'");
    /* "--json -" and a bare --json still print JSON */
    struct cs_outcome o =
        run_bench(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--json", "-"));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    cs_outcome_free(&o);
}

/* docs/bench.md: "`--quick` runs each row at 1/20 of its size ... `djnz`
 * runs 1 + 300 x (65536 + 2) + 1 = 19,661,402"; a row under the control
 * program still runs against its twin, and the text keeps its wording. */
static void options__quick_runs_a_twentieth(void **state)
{
    (void)state;
    struct cs_outcome o = run_bench(CS_ARGV("--only", "djnz", "--only", "vmm-spsw", "--runs",
                                            "1", "--no-valgrind", "--quick", "--json", "-"));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    /* vmm-spsw: a twentieth of 200 outer loops is 10, in 8 chunks (two of
     * them 2): 10 x 131,074 + 8 x 2.  It ran 8, one a chunk. */
    if (!strstr(o.out, "{\"name\":\"djnz\",\"instructions\":19661402,") ||
        !strstr(o.out, "{\"name\":\"vmm-spsw\",\"instructions\":1310756,") ||
        !strstr(o.out, "\"vs\":\"spsw\""))
        fail_msg("want djnz at 19661402 and vmm-spsw at 1310756 instructions: %.600s", o.out);
    cs_outcome_free(&o);
    /* "break 150 outer loops in 8 x 2 + 150 x 196,610": it ran 144 (18 a
     * chunk); the VMs of vmm-16 share all 150 (8 x 16 x 2 first and last
     * instructions), where they ran 128; vmm-64 one each in each chunk,
     * 512, where a VM's share of a chunk's 18 was taken as 1 */
    o = run_bench(CS_ARGV("--only", "break", "--only", "vmm-16", "--only", "vmm-64", "--runs",
                          "1", "--no-valgrind", "--quick", "--json", "-"));
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "{\"name\":\"break\",\"instructions\":29491516,") ||
        !strstr(o.out, "{\"name\":\"vmm-16\",\"instructions\":29491756,") ||
        !strstr(o.out, "{\"name\":\"vmm-64\",\"instructions\":100665344,"))
        fail_msg("want break, vmm-16 and vmm-64 at 29491516, 29491756 and 100665344 "
                 "instructions: %.600s", o.out);
    cs_outcome_free(&o);
    o = run_bench(CS_ARGV("--only", "vmm-spsw", "--runs", "1", "--no-valgrind", "--quick"));
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, " MIPS (min ") || !strstr(o.out, " ns per trap round trip"))
        fail_msg("the text's wording: %.600s", o.out);
    cs_outcome_free(&o);
}

/* A second --only replaced the first, silently.  docs/bench.md: "each
 * `--only` adds a row ... the rows run in the order `bench --help` lists
 * them": djnz before spsw, and a row named twice runs once. */
static void options__each_only_adds_a_row(void **state)
{
    (void)state;
    struct cs_outcome o =
        run_bench(CS_ARGV("--only", "spsw", "--only", "djnz", "--only", "spsw", "--runs", "1",
                          "--no-valgrind", "--quick", "--json", "-"));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    const char *d = strstr(o.out, "{\"name\":\"djnz\""), *s = strstr(o.out, "{\"name\":\"spsw\"");
    if (!d || !s || s < d || strstr(s + 1, "{\"name\":") || strstr(o.out, "add-store"))
        fail_msg("want the rows djnz and spsw, in that order, once each: %.600s", o.out);
    cs_outcome_free(&o);
    refused_up_front(CS_ARGV("--only", "djnz", "--only", "nosuch"),
                     "bench: --only: unknown benchmark 'nosuch' (see --help)");
}

/* "a row is always timed against its twin, so `--only vmm-spsw` alone
 * shows the ratio too": one row, its twin named and the ratio a number. */
static void options__a_row_alone_has_its_ratio(void **state)
{
    (void)state;
    struct cs_outcome o = run_bench(CS_ARGV("--only", "vmm-spsw", "--runs", "1",
                                            "--no-valgrind", "--quick", "--json", "-"));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    const char *r = strstr(o.out, "{\"name\":\"vmm-spsw\""), *v = strstr(o.out, "\"vs\":\"spsw\"");
    const char *t = strstr(o.out, "\"time_ratio\":");
    if (!r || strstr(r + 1, "{\"name\":") || !v || !t || !(strtod(t + 13, NULL) > 1.0))
        fail_msg("want the one row vmm-spsw, against spsw, with a time ratio above 1: %.600s",
                 o.out);
    cs_outcome_free(&o);
}

/* Output that could not be written (standard output on a full disk: the
 * JSON of --json -, the text, --help, --native's figure) was lost with
 * status 0, and the --json FILE written as if the run had been shown.  It
 * is one line and status 1, and no file is written. */
static void output__a_full_disk_is_a_failure(void **state)
{
    (void)state;
    if (!exists("/dev/full"))
        skip();
    char json[CS_PATH];
    cs_tmp_path(json, sizeof json, "full.json");
    const char *const *cases[] = {
        CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--json", "-",
                "--json", json),
        CS_ARGV("--help"),
        CS_ARGV("--native", "djnz"),
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = run_bench_to(cs_tmpdir(), "/dev/full", cases[i]);
        if (o.status != 1)
            fail_msg("'%s' onto /dev/full: status %d, stderr '%s'", cases[i][0], o.status, o.err);
        cs_assert_one_line(&o, "bench: cannot write the output: No space left on device");
        cs_outcome_free(&o);
    }
    assert_false(exists(json));
    /* text mode: after the "running" lines, the same last line */
    struct cs_outcome o = run_bench_to(
        cs_tmpdir(), "/dev/full",
        CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--json", json));
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "running djnz...\nbench: cannot write the output: "));
    cs_outcome_free(&o);
    assert_false(exists(json));
}

/* bench-nest with ARGS (NULL-terminated), killed after SECS seconds. */
static struct cs_outcome run_nest(const char *const *args, unsigned secs)
{
    const char *a[8];
    return cs_run_argv_in(cs_with_args(a, 8, nest_bin, args), NULL, NULL, secs);
}

/* docs/bench.md's "hidden `--inner-only NAME SIZE` mode" refused a NAME
 * that is no row with status 2 and not a word on standard error; it says
 * so as --only does. */
static void inner_only__an_unknown_row_is_said(void **state)
{
    (void)state;
    refused_up_front(CS_ARGV("--inner-only", "nosuch", "1"),
                     "bench: --inner-only: unknown benchmark 'nosuch' (see --help)");
    struct cs_outcome o = run_bench(CS_ARGV("--inner-only", "djnz", "1"));
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* An empty FILE after --json or --svg was refused as "expected a file
 * name, got ''", which says nothing of which option had it; each names
 * its option, as --before's refusals do, in bench and bench-nest alike. */
static void outputs__an_empty_name_names_its_option(void **state)
{
    (void)state;
    char json[CS_PATH];
    cs_tmp_path(json, sizeof json, "named.json");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json", "",
                             "--svg", "-"),
                     "bench: --json: expected a file name, got ''");
    refused_up_front(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--json", json,
                             "--svg", ""),
                     "bench: --svg: expected a file name, got ''");
    assert_false(exists(json));
    const char *const *cases[] = {CS_ARGV("--runs", "1", "--json", "", "--svg", "-"),
                                  CS_ARGV("--runs", "1", "--json", json, "--svg", "")};
    const char *why[] = {"bench-nest: --json: expected a file name, got ''",
                         "bench-nest: --svg: expected a file name, got ''"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = run_nest(cases[i], 20); /* a run it should not start */
        assert_int_equal(o.status, 2);
        assert_int_equal(o.out_len, 0);
        cs_assert_one_line(&o, why[i]);
        cs_outcome_free(&o);
    }
    assert_false(exists(json));
}

/* `make bench` ends with bench-nest (docs/recursion.md: "bench-nest --runs 7
 * --json FILE --svg ..."): its --runs read with atoi took '3x' as 3, and an
 * output it could not write was found after the whole run, minutes on.
 * Both are refused first, in one line, nothing written.  (From the top of
 * the tree: it reads examples/os/os.s.) */
static void nest__refuses_bad_arguments_before_the_run(void **state)
{
    (void)state;
    char bad[CS_PATH], json[CS_PATH];
    cs_tmp_path(bad, sizeof bad, "no-such-dir/nest.json");
    cs_tmp_path(json, sizeof json, "recursion.json");
    const char *const *cases[] = {
        CS_ARGV("--runs", "3x", "--json", json),
        CS_ARGV("--runs", "1", "--json", bad),
        CS_ARGV("--runs", "1", "--json", json, "--svg", bad),
        CS_ARGV("--runs", "1", "--json", json, "--svg", json),
        CS_ARGV("--runs", "1", "--json", "-", "--svg", "-"),
    };
    const char *why[] = {"--runs: expected a number 1..51, got '3x'", "no-such-dir",
                         "no-such-dir", "name one file",
                         "bench-nest: --json and --svg name one file, standard output"};
    /* a bad option says which, on the usage's line before it */
    struct cs_outcome u = run_nest(CS_ARGV("--frob"), 20);
    assert_int_equal(u.status, 2);
    assert_non_null(strstr(u.err, "bench-nest: unknown option '--frob'\nusage: bench-nest "));
    cs_outcome_free(&u);
    u = run_nest(CS_ARGV("--json"), 20);
    assert_int_equal(u.status, 2);
    assert_non_null(strstr(u.err, "bench-nest: '--json' needs a value\n"));
    cs_outcome_free(&u);
    u = run_nest(CS_ARGV("--runs", "1", "--os", "no-such.s"), 20);
    assert_int_equal(u.status, 2); /* one line, not the assembler's "no-such.s: error: ..." */
    cs_assert_one_line(&u, "bench-nest: cannot read the OS at no-such.s: No such file or "
                           "directory (run it from the top of the source tree, or give "
                           "--os PATH)");
    cs_outcome_free(&u);
    /* a directory opens for reading on Linux: it must still be the same
     * one line, not the assembler's "DIR: error: ..." and "cannot assemble" */
    char dirline[2 * CS_PATH];
    snprintf(dirline, sizeof dirline, "bench-nest: cannot read the OS at %s: Is a directory "
             "(run it from the top of the source tree, or give --os PATH)", cs_tmpdir());
    u = run_nest(CS_ARGV("--runs", "1", "--os", cs_tmpdir()), 20);
    assert_int_equal(u.status, 2);
    cs_assert_one_line(&u, dirline);
    cs_outcome_free(&u);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = run_nest(cases[i], 20); /* a run it should not start */
        if (o.status != 2 || o.out_len != 0)
            fail_msg("bench-nest case %zu: status %d, stdout '%.200s'", i, o.status, o.out);
        cs_assert_one_line(&o, why[i]);
        cs_outcome_free(&o);
        assert_false(exists(json));
    }
}

/* docs/recursion.md: bench-nest's status is 2 "for a bad option, with one
 * line saying what is wrong (then the usage line, for ... a missing
 * value ...)".  A FILE or PATH left out before another option took that
 * option as the file: "--svg --json" ran every depth and wrote the chart
 * to a file named --json, status 0.  An N left out of --runs was taken for
 * a bad number, with no usage line, and a stray word was called an
 * unknown option. */
static void nest__a_value_is_no_option(void **state)
{
    (void)state;
    char os[4096];
    assert_non_null(realpath("examples/os/os.s", os));
    const char *const *cases[] = {
        CS_ARGV("--runs", "1", "--os", os, "--svg", "--json"),
        CS_ARGV("--runs", "1", "--os", os, "--json", "--svg", "x.svg"),
        CS_ARGV("--runs", "1", "--os", "--runs", "1"),
        CS_ARGV("--runs", "--json", "x.json", "--os", os),
        CS_ARGV("--runs", "1", "--os", os, "x.svg"),
    };
    const char *why[] = {"bench-nest: '--svg' needs a value (got the option '--json')\n",
                         "bench-nest: '--json' needs a value (got the option '--svg')\n",
                         "bench-nest: '--os' needs a value (got the option '--runs')\n",
                         "bench-nest: '--runs' needs a value (got the option '--json')\n",
                         "bench-nest: unexpected argument 'x.svg' (it takes options only)\n"};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *a[12];
        struct cs_outcome o = cs_run_argv_in(cs_with_args(a, 12, nest_bin, cases[i]), cs_tmpdir(),
                                       NULL, 60);
        if (o.status != 2 || o.out_len != 0 || strncmp(o.err, why[i], strlen(why[i])) != 0 ||
            !strstr(o.err, "\nusage: bench-nest "))
            fail_msg("bench-nest case %zu: status %d, stdout '%.100s', stderr '%.300s'", i,
                     o.status, o.out, o.err);
        cs_outcome_free(&o);
        assert_false(exists(cs_tmp("--json")));
        assert_false(exists(cs_tmp("--svg")));
        assert_false(exists(cs_tmp("x.svg")));
        assert_false(exists(cs_tmp("x.json")));
    }
}

/* "--runs 1 to 51": bench-nest refused 0007 (four characters), which bench
 * takes as 7.  Each is followed by a bad option, so that nothing runs. */
static void nest__runs_takes_leading_zeros_as_bench_does(void **state)
{
    (void)state;
    static const char *const runs[] = {"0007", "00000000000000000051", "0", "0052", "000"};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *a[8], *const *args = CS_ARGV("--runs", runs[i], "--frob");
        struct cs_outcome o = cs_run_argv_in(cs_with_args(a, 8, nest_bin, args), cs_tmpdir(), NULL, 60);
        char want[128];
        if (i < 2)
            snprintf(want, sizeof want, "bench-nest: unknown option '--frob'\n");
        else
            snprintf(want, sizeof want, "bench-nest: --runs: expected a number 1..51, got '%s'\n",
                     runs[i]);
        if (o.status != 2 || strncmp(o.err, want, strlen(want)) != 0)
            fail_msg("bench-nest --runs %s: status %d, stderr '%.300s', want '%s'", runs[i],
                     o.status, o.err, want);
        cs_outcome_free(&o);
    }
}

/* docs/recursion.md's table: bench-nest's depth-0 rows ended in spaces
 * (their last column is empty), which the doc's rows do not. */
static void nest__rows_end_without_spaces(void **state)
{
    (void)state;
    struct cs_outcome o = run_nest(CS_ARGV("--runs", "1"), 600);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\n  0      "));
    for (const char *p = o.out; (p = strchr(p, '\n')) != NULL; p++)
        if (p > o.out && p[-1] == ' ')
            fail_msg("a line ends in a space before offset %td:\n%s", p - o.out, o.out);
    cs_outcome_free(&o);
}

/* docs/bench.md: "`make bench-compare` (`bench/compare.sh`) ... does
 * `ROUNDS` rounds (default 3)".  A ROUNDS that is no count (abc, 0) ran no
 * round and printed medians of nothing with status 0, and a missing bench
 * binary was found after the simulators' first round; both are refused
 * before any simulator runs.  ROUNDS_ARG and BENCH are the script's. */
static struct cs_outcome compare(const char *rounds_arg, const char *bench_path)
{
    assert_int_equal(setenv("ROUNDS", rounds_arg, 1), 0);
    struct cs_outcome o = cs_run_argv_in(CS_ARGV("bash", "bench/compare.sh", bench_path), NULL, NULL,
                                   20); /* a round it should not start */
    unsetenv("ROUNDS");
    return o;
}

static void compare__refuses_a_bad_rounds_or_binary_first(void **state)
{
    (void)state;
    static const char *const bad[] = {"abc", "0", "-1", "2x", "10000"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct cs_outcome o = compare(bad[i], bench);
        if (o.status != 2 || o.out_len != 0)
            fail_msg("ROUNDS=%s: status %d, stdout '%.200s'", bad[i], o.status, o.out);
        cs_assert_one_line(&o, "compare.sh: ROUNDS: expected a number 1..9999");
        cs_outcome_free(&o);
    }
    struct cs_outcome o = compare("1", cs_tmp("no-bench"));
    assert_int_equal(o.status, 2);
    assert_int_equal(o.out_len, 0);
    cs_assert_one_line(&o, "no-bench: no bench binary there");
    cs_outcome_free(&o);
}

/* docs/recursion.md: bench-nest's --os names "the OS's source"; an OS that
 * does not assemble ends, after the assembler's lines, with `bench-nest:
 * cannot assemble the OS at PATH`.  That line told the user to run from the
 * top of the source tree or give --os PATH, which they had done (the file
 * was read); and another OS's rows were headed "time-sharing OS
 * (examples/os)".  Now the line is the plain fact and the heading names
 * PATH ("the OS at PATH"). */
static void nest__another_os_is_named_as_given(void **state)
{
    (void)state;
    char bad[CS_PATH];
    cs_write_text(bad, sizeof bad, "bad-os.s", "        FROB 1\n");
    struct cs_outcome o = run_nest(CS_ARGV("--runs", "1", "--os", bad), 20);
    assert_int_equal(o.status, 2);
    assert_int_equal(o.out_len, 0);
    char want[2 * CS_PATH];
    snprintf(want, sizeof want, "error: unknown mnemonic 'FROB'");
    cs_assert_has(o.err, want);
    snprintf(want, sizeof want, "\nbench-nest: cannot assemble the OS at %s\n", bad);
    cs_assert_ends_with(o.err, want);
    cs_outcome_free(&o);
    /* the same OS by another name (a tiny one would take long: the bench
     * repeats short samples) */
    o = run_nest(CS_ARGV("--runs", "1", "--os", "./examples/os/os.s"), 300);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "\nthe OS at ./examples/os/os.s (8997 guest instructions)\n");
    cs_assert_lacks(o.out, "time-sharing OS (examples/os)");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    const char *b = getenv("TGM_BENCH");
    if (!realpath(b && *b ? b : "build/bench/bench", bench) ||
        !realpath("docs/bench-before.json", before_json)) {
        fprintf(stderr, "test_audit_bench: no bench binary (make build/bench/bench)\n");
        return -1;
    }
    const char *n = getenv("TGM_BENCH_NEST");
    if (!realpath(n && *n ? n : "build/bench/bench-nest", nest_bin)) {
        fprintf(stderr, "test_audit_bench: no bench-nest (make build/bench/bench-nest)\n");
        return -1;
    }
    return cs_setup("test_audit_bench");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(outputs__checked_before_the_run),
        cmocka_unit_test(before__must_be_an_earlier_json),
        cmocka_unit_test(native__takes_no_other_option),
        cmocka_unit_test(options__a_value_is_no_option_and_a_count_is_digits),
        cmocka_unit_test(options__each_only_adds_a_row),
        cmocka_unit_test(options__a_row_alone_has_its_ratio),
        cmocka_unit_test(output__a_full_disk_is_a_failure),
        cmocka_unit_test(nest__refuses_bad_arguments_before_the_run),
        cmocka_unit_test(svg__dash_is_standard_output),
        cmocka_unit_test(svg__over_its_before_file_is_refused),
        cmocka_unit_test(options__quick_runs_a_twentieth),
        cmocka_unit_test(nest__a_value_is_no_option),
        cmocka_unit_test(nest__runs_takes_leading_zeros_as_bench_does),
        cmocka_unit_test(nest__rows_end_without_spaces),
        cmocka_unit_test(compare__refuses_a_bad_rounds_or_binary_first),
        cmocka_unit_test(inner_only__an_unknown_row_is_said),
        cmocka_unit_test(outputs__an_empty_name_names_its_option),
        cmocka_unit_test(nest__another_os_is_named_as_given),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
