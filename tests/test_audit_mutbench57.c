/* test_audit_mutbench57.c: cases that a mutation audit of the benchmark
 * harness (bench/bench.c, bench/report.c, bench/nest.c) found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/bench.md, docs/recursion.md, the
 * programs' usage) at the edge a mutant moved: --runs 0 and an option
 * left without its value, the default of 5 runs, --no-valgrind's empty
 * host figure, a bare --json before another option, --svg - with
 * --before, --json - with --svg FILE, --native's shapes and its unknown
 * one, the median between the minimum and the maximum, a twin row with no
 * privileged instruction (no trap round trip), the twin lines and the
 * compact table, the cycles beside the instructions, and bench-nest's
 * --help and its text, JSON and SVG (the table's exact counts).
 *
 * Runs the bench programs ($TGM_BENCH and $TGM_BENCH_NEST, else
 * build/bench/bench and build/bench/bench-nest) from the top of the source
 * tree, one short row at a time (--quick, --no-valgrind), asserting
 * wording, structure and counts, never a speed.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_support.h"

static char bench[4096], nest_bin[4096];

/* PROG with ARGS (NULL-terminated) in DIR (NULL: the top of the tree):
 * its status, standard output and error. */
static struct cs_outcome run_prog(const char *prog, const char *dir, const char *const *args)
{
    const char *a[32];
    return cs_run_argv_in(cs_with_args(a, 32, prog, args), dir, NULL, 0);
}

static struct cs_outcome run_bench(const char *const *args)
{
    return run_prog(bench, NULL, args);
}

/* The bench with ARGS succeeds, nothing on standard error but its
 * "running" lines; its standard output. */
static char *bench_ok(const char *const *args)
{
    struct cs_outcome o = run_bench(args);
    if (o.status != 0)
        fail_msg("bench %s %s ...: status %d, stderr '%.300s'", args[0], args[1] ? args[1] : "",
                 o.status, o.err);
    free(o.err);
    return o.out;
}

/* Refused before any row ran: status 2, nothing on standard output, and
 * exactly the line WANT on standard error. */
static void bench_refuses(const char *const *args, const char *want)
{
    struct cs_outcome o = run_bench(args);
    if (o.status != 2 || o.out_len != 0 || strcmp(o.err, want) != 0)
        fail_msg("bench %s %s ...: status %d, stdout '%.200s', stderr '%s', want '%s'",
                 args[0], args[1] ? args[1] : "", o.status, o.out, o.err, want);
    cs_outcome_free(&o);
}

static bool exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/* The number after KEY (as "\"mips\":") in the first object of JSON named
 * NAME. */
static double json_field(const char *json, const char *name, const char *key)
{
    char at[64];
    snprintf(at, sizeof at, "{\"name\":\"%s\"", name);
    const char *row = strstr(json, at);
    if (!row)
        fail_msg("no row %s in %.400s", name, json);
    const char *v = strstr(row, key);
    if (!v)
        fail_msg("no %s in row %s: %.400s", key, name, row);
    return strtod(v + strlen(key), NULL);
}

/* The line of TEXT that starts with START, copied into BUF. */
static const char *line_of(const char *text, const char *start, char *buf, size_t len)
{
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        if (!strncmp(p, start, strlen(start))) {
            snprintf(buf, len, "%.*s", (int)strcspn(p, "\n"), p);
            return buf;
        }
    fail_msg("no line starting '%s' in:\n%s", start, text);
    return NULL;
}

/* The last line of TEXT (which ends in a newline), copied into BUF. */
static const char *last_line(const char *text, char *buf, size_t len)
{
    size_t n = strlen(text);
    if (n == 0 || text[n - 1] != '\n')
        fail_msg("want lines: '%s'", text);
    const char *p = text + n - 1;
    while (p > text && p[-1] != '\n')
        p--;
    snprintf(buf, len, "%.*s", (int)(text + n - 1 - p), p);
    return buf;
}

/* ---- options -------------------------------------------------------- */

/* Usage "[--runs N]" and docs/bench.md: "N timed runs (`--runs N`, 1 to
 * 101, default 5; another N is status 2 ...).  The figure reported is the
 * median": no run has no median, and an option whose value is missing is
 * said (mutants: 0 taken as a count; --runs and --only at the end read
 * past the arguments; status 1). */
static void options__runs_zero_and_a_missing_value_are_refused(void **state)
{
    (void)state;
    bench_refuses(CS_ARGV("--only", "djnz", "--runs", "0", "--no-valgrind"),
                  "bench: --runs: expected a number 1..101, got '0'\n");
    bench_refuses(CS_ARGV("--only", "djnz", "--runs", "102", "--no-valgrind"),
                  "bench: --runs: expected a number 1..101, got '102'\n");
    bench_refuses(CS_ARGV("--only", "djnz", "--runs"),
                  "bench: unknown or incomplete option '--runs' (see --help)\n");
    bench_refuses(CS_ARGV("--runs", "1", "--only"),
                  "bench: unknown or incomplete option '--only' (see --help)\n");
    bench_refuses(CS_ARGV("--frob"), "bench: unknown or incomplete option '--frob' (see --help)\n");
}

/* docs/bench.md: "One untimed warm-up run, then N timed runs (default
 * 5)" (mutants: a default of 3; the JSON's runs off by one; "run" and
 * "runs" swapped in the text's first line). */
static void options__five_runs_by_default(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "djnz", "--no-valgrind", "--quick", "--json", "-"));
    if (strncmp(out, "{\"runs\":5,\"benchmarks\":[", 24) != 0)
        fail_msg("want 5 runs: %.300s", out);
    free(out);
    out = bench_ok(CS_ARGV("--only", "djnz", "--no-valgrind", "--quick"));
    cs_assert_has(out, "tgm bench: median of 5 timed runs after a warm-up;\n");
    free(out);
    out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick"));
    cs_assert_has(out, "tgm bench: median of 1 timed run after a warm-up;\n");
    free(out);
}

/* docs/bench.md: "**Host instructions per guest instruction**, when
 * valgrind is installed" and the usage's [--no-valgrind]: without it the
 * row has no such figure: null in the JSON, "-" in the table, no line in
 * the text (mutants: valgrind run despite --no-valgrind; -1.00 in the
 * table; 0 in the JSON). */
static void options__no_valgrind_gives_no_host_figure(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick",
                                 "--json", "-"));
    cs_assert_has(out, ",\"host_insns_per_guest_insn\":null}],");
    free(out);
    out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick"));
    char line[256];
    last_line(out, line, sizeof line); /* the table's one row */
    /* row, MIPS, host/guest, ratio: "-" for both figures it has not */
    char name[32], mips[32], host[32], ratio[32], extra[32];
    if (sscanf(line, "%31s %31s %31s %31s %31s", name, mips, host, ratio, extra) != 4 ||
        strcmp(host, "-") != 0 || strcmp(ratio, "-") != 0)
        fail_msg("want 'djnz MIPS - -': '%s'", line);
    if (strstr(out, "host instructions per guest instruction"))
        fail_msg("a host figure without valgrind:\n%s", out);
    free(out);
}

/* docs/bench.md: "`--json -`, or `--json` with no FILE after it, prints
 * JSON instead of text": an option after a bare --json is no FILE
 * (mutant: --json --quick wrote a file named --quick). */
static void options__a_bare_json_before_another_option(void **state)
{
    (void)state;
    struct cs_outcome o = run_prog(bench, cs_tmpdir(),
                                   CS_ARGV("--only", "djnz", "--runs", "1", "--json", "--quick",
                                           "--no-valgrind"));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    cs_assert_has(o.out, "{\"name\":\"djnz\",\"instructions\":19661402,");
    assert_string_equal(o.err, ""); /* JSON instead of text: no "running" line */
    cs_outcome_free(&o);
    assert_false(exists(cs_tmp("--quick")));
}

/* docs/bench.md: "`--svg FILE` draws the median MIPS of every row (`--svg
 * -` prints the SVG instead of text), and with `--before OLD.json` (an
 * earlier `--json`) the earlier run's bar above each" (mutants: --before
 * refused with --svg -; the title or the grey bars whatever --before). */
static void svg__dash_with_before_draws_the_earlier_bars(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick",
                                 "--svg", "-", "--before", "docs/bench-before.json"));
    char why[256];
    if (cs_xml_check(out, why, sizeof why) != 0)
        fail_msg("not XML (%s): %.300s", why, out);
    cs_assert_has(out, "tgm bench: median MIPS per row (grey: before, blue: after)</text>");
    /* one grey bar (djnz's earlier run, 383 MIPS) and one blue */
    const char *g = strstr(out, "fill=\"#bbb\"/><text ");
    if (!g || strstr(g + 1, "fill=\"#bbb\"") || !strstr(g, ">383</text>") ||
        !strstr(g, "fill=\"#36c\""))
        fail_msg("want djnz's earlier bar (383) above this run's: %.600s", out);
    free(out);
    /* no --before: this run alone, no grey bar */
    out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick", "--svg",
                           "-"));
    cs_assert_has(out, "tgm bench: median MIPS per row (this run)</text>");
    if (strstr(out, "#bbb") || !strstr(out, "fill=\"#36c\""))
        fail_msg("want this run's bar alone: %.600s", out);
    free(out);
}

/* "Standard output takes one of them": `--json -` with `--svg FILE` is
 * JSON on standard output and the chart in FILE (mutant: the text
 * printed instead of the JSON when a chart is written too). */
static void json__dash_with_an_svg_file(void **state)
{
    (void)state;
    char svg[CS_PATH];
    cs_tmp_path(svg, sizeof svg, "with-json.svg");
    struct cs_outcome o = run_bench(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind",
                                            "--quick", "--json", "-", "--svg", svg));
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    cs_outcome_free(&o);
    char *chart = cs_slurp(svg, NULL);
    if (strncmp(chart, "<svg ", 5) != 0 || !strstr(chart, ">djnz</text>"))
        fail_msg("want the chart in the file: %.300s", chart);
    free(chart);
}

/* "with `--before OLD.json` (an earlier `--json`)": a file with the list
 * of rows but no figure is none (mutant: "mips" not required). */
static void before__needs_the_figures(void **state)
{
    (void)state;
    char before[CS_PATH], svg[CS_PATH], want[2 * CS_PATH];
    cs_write_text(before, sizeof before, "no-mips.json",
                  "{\"benchmarks\":[{\"name\":\"djnz\"}]}\n");
    cs_tmp_path(svg, sizeof svg, "no-mips.svg");
    snprintf(want, sizeof want, "bench: --before: %s: not a bench JSON (an earlier run's --json)\n",
             before);
    bench_refuses(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--svg", svg,
                          "--before", before),
                  want);
    assert_false(exists(svg));
}

/* "build/bench/bench --native add-store|djnz" "prints its
 * guest-equivalent MIPS" (mutants: add-store not known; an unknown shape
 * status 1; a second --native taken). */
static void native__its_two_shapes_and_no_other(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--native", "add-store"));
    char unit[16] = "";
    double mips = 0;
    if (sscanf(out, "%lf %15s", &mips, unit) != 2 || strcmp(unit, "MIPS") != 0 || !(mips > 0) ||
        strchr(out, '\n') != out + strlen(out) - 1)
        fail_msg("want one line 'N MIPS': '%s'", out);
    free(out);
    bench_refuses(CS_ARGV("--native", "loop"),
                  "bench: --native: unknown shape 'loop' (add-store, djnz)\n");
    bench_refuses(CS_ARGV("--native", "djnz", "--native", "add-store"),
                  "bench: --native SHAPE takes no other option\n");
}

/* ---- the figures ------------------------------------------------------ */

/* docs/bench.md: "N timed runs (default 5).  The figure reported is the
 * **median**, with the minimum and maximum": of two runs, their mean;
 * and min <= median <= max in the JSON and in the text (mutants: the
 * median of an even count taken as the upper one; min and max swapped in
 * the stats, in the JSON, or in the text). */
static void figures__the_median_between_min_and_max(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "2", "--no-valgrind", "--quick",
                                 "--json", "-"));
    double med = json_field(out, "djnz", "\"mips\":");
    double lo = json_field(out, "djnz", "\"mips_min\":");
    double hi = json_field(out, "djnz", "\"mips_max\":");
    if (!(lo <= med && med <= hi) || med - (lo + hi) / 2 > 0.011 || (lo + hi) / 2 - med > 0.011)
        fail_msg("the median of two runs is their mean: %.400s", out);
    free(out);
    out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "3", "--no-valgrind", "--quick"));
    double m, a, b;
    const char *p = strstr(out, " MIPS (min ");
    assert_non_null(p);
    while (p > out && p[-1] != ' ')
        p--;
    if (sscanf(p, "%lf MIPS (min %lf, max %lf;", &m, &a, &b) != 3 || !(a <= m && m <= b))
        fail_msg("want 'M MIPS (min A, max B;' with A <= M <= B: %.400s", out);
    free(out);
}

/* docs/bench.md: "Simulated cycles per second uses the cycle costs of
 * `insns.def` (2 cycles for each instruction of these loops, 1 for the
 * `LI`s that set their counters and the `HALT`)": djnz's 19,661,402
 * instructions under --quick take 2 x 19,661,402 - 302 cycles, at twice
 * the MIPS (mutants: instructions and cycles swapped; cycles/s counted
 * from the instructions). */
static void figures__cycles_beside_the_instructions(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "djnz", "--runs", "1", "--no-valgrind", "--quick"));
    cs_assert_has(out, "\n                19661402 instructions, 39322502 cycles, median ");
    const char *p = strstr(out, " MIPS (min ");
    assert_non_null(p);
    while (p > out && p[-1] != ' ')
        p--;
    double mips = strtod(p, NULL), cyc = 0;
    const char *c = strstr(out, " million simulated cycles/s\n");
    assert_non_null(c);
    while (c > out && c[-1] != ' ')
        c--;
    cyc = strtod(c, NULL);
    /* 39322502 / 19661402 = 1.99998; both rounded to 0.1 */
    if (cyc / mips < 1.99 || cyc / mips > 2.01)
        fail_msg("cycles/s %.1f should be twice %.1f MIPS", cyc, mips);
    free(out);
}

/* docs/bench.md: "`vmm-add-store` | the add-store loop, compute-bound (no
 * privileged instruction) | `add-store`" and "trap round trip: the extra
 * time per privileged instruction ... over the number of privileged
 * instructions": with none it has its ratio and no round trip (mutants:
 * no ratio for a row without traps; its round trip a number; the text's
 * line naming the row itself as its twin). */
static void twin__no_privileged_instruction_no_round_trip(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "vmm-add-store", "--runs", "1", "--no-valgrind",
                                 "--quick", "--json", "-"));
    cs_assert_has(out, ",\"vs\":\"add-store\",\"time_ratio\":");
    cs_assert_has(out, ",\"ns_per_trap\":null}],");
    free(out);
    out = bench_ok(CS_ARGV("--only", "vmm-add-store", "--runs", "1", "--no-valgrind", "--quick"));
    char line[256];
    line_of(out, "  vmm-add-store   time ratio ", line, sizeof line);
    const char *t = line + strlen("  vmm-add-store   time ratio ");
    size_t k = strspn(t, "0123456789.");
    if (k < 5 || strcmp(t + k, " against add-store") != 0)
        fail_msg("want 'time ratio N against add-store' and no round trip: '%s'", line);
    if (strstr(out, "trap round trip\n") || strstr(out, "ns per trap"))
        fail_msg("a round trip for a row without traps:\n%s", out);
    free(out);
}

/* docs/bench.md: "the run ends with a compact table, one line per row:
 * median MIPS, host instructions per guest instruction, and the time
 * ratio to the row's twin", after the twin rows' two figures, "time
 * ratio" and "trap round trip" (mutants: the twin's name left out of the
 * table or its header; the blank line before the table). */
static void twin__the_lines_and_the_compact_table(void **state)
{
    (void)state;
    char *out = bench_ok(CS_ARGV("--only", "vmm-spsw", "--runs", "1", "--no-valgrind",
                                 "--quick"));
    char line[256], name[32], mips[32], host[32], ratio[32], vs[32], extra[32];
    line_of(out, "  vmm-spsw        time ratio ", line, sizeof line);
    const char *trip = " ns per trap round trip";
    if (!strstr(line, " against spsw; ") || strlen(line) < strlen(trip) ||
        strcmp(line + strlen(line) - strlen(trip), trip) != 0)
        fail_msg("the twin line: '%s'", line);
    cs_assert_has(out, " ns per trap round trip\n\nrow                  MIPS  host/guest    ratio  "
                       "against\nvmm-spsw   ");
    last_line(out, line, sizeof line);
    if (sscanf(line, "%31s %31s %31s %31s %31s %31s", name, mips, host, ratio, vs, extra) != 5 ||
        strcmp(host, "-") != 0 || strcmp(vs, "spsw") != 0 || !(strtod(ratio, NULL) > 0) ||
        !(strtod(mips, NULL) > 0))
        fail_msg("want 'vmm-spsw MIPS - RATIO spsw': '%s'", line);
    cs_assert_ends_with(out, "spsw\n");
    free(out);
}

/* ---- bench-nest ------------------------------------------------------ */

/* docs/recursion.md: bench-nest's "usage is `bench-nest [--runs N]
 * [--json FILE|-] [--svg FILE|-] [--os PATH] [--max-steps N]`": --help prints it on
 * standard output, status 0 (mutants: on standard error; status 2). */
static void nest__help_is_its_usage(void **state)
{
    (void)state;
    struct cs_outcome o = run_prog(nest_bin, NULL, CS_ARGV("--help"));
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "usage: bench-nest [--runs N] [--json FILE|-] [--svg FILE|-] "
                               "[--os PATH] [--max-steps N]\n");
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
}

/* docs/recursion.md: "`--max-steps` the real steps a run of the OS may
 * take, 1 to 2^64-1 ...: the OS is run first, and one that has not halted
 * by then ends the bench with status 1 and one line" (before, a looping
 * OS ran for ever); 0 and 2^64 are bad options, status 2. */
static void nest__an_os_that_loops_ends_at_max_steps(void **state)
{
    (void)state;
    char os[CS_PATH];
    cs_write_text(os, sizeof os, "loop.s", "l: JMP l\n");
    struct cs_outcome o =
        run_prog(nest_bin, NULL, CS_ARGV("--runs", "1", "--os", os, "--max-steps", "1000"));
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "");
    assert_string_equal(o.err, "bench-nest: depth 0: the OS did not halt within 1000 real "
                               "steps (--max-steps)\n");
    cs_outcome_free(&o);
    static const char *const bad[] = {"0", "18446744073709551616"};
    for (int i = 0; i < 2; i++) {
        o = run_prog(nest_bin, NULL, CS_ARGV("--max-steps", bad[i], "--os", os));
        assert_int_equal(o.status, 2);
        char want[128];
        snprintf(want, sizeof want,
                 "bench-nest: --max-steps: expected a number 1..18446744073709551615, got "
                 "'%s'\n", bad[i]);
        assert_string_equal(o.err, want);
        cs_outcome_free(&o);
    }
}

/* The whitespace-separated words of LINE into W (at most N): how many. */
static size_t words(char *line, char **w, size_t n)
{
    size_t k = 0;
    for (char *t = strtok(line, " "); t && k < n; t = strtok(NULL, " "))
        w[k++] = t;
    return k;
}

/* Each table line of the doc's recursion table (docs/recursion.md,
 * between its markers) is in OUT with the same depth, real instructions
 * per guest instruction, real traps and traps reaching each level (the
 * times and their ratios are the run's). */
static void nest_table_as_documented(const char *out)
{
    char *doc = cs_slurp("docs/recursion.md", NULL);
    const char *t = strstr(doc, "<!-- recursion-table -->\n```\n");
    assert_non_null(t);
    const char *end = strstr(t, "```\n<!-- /recursion-table -->");
    assert_non_null(end);
    size_t rows = 0;
    for (const char *p = strchr(t, '\n') + 5; p < end; p = strchr(p, '\n') + 1) {
        char want[256], got[256], *w[16], *g[16];
        snprintf(want, sizeof want, "%.*s", (int)strcspn(p, "\n"), p);
        if (strncmp(want, "  ", 2) != 0 || !strchr("01234", want[2])) {
            /* a heading or the bar's line: as the doc's, but the verdict */
            if (strncmp(want, "  bar: ", 7) != 0 && want[0])
                line_of(out, want, got, sizeof got);
            continue;
        }
        char start[16];
        snprintf(start, sizeof start, "  %c      ", want[2]);
        /* the depth's line in the same section: count the doc's rows */
        const char *sec = rows < 5 ? out : strstr(out, "time-sharing OS (examples/os)");
        assert_non_null(sec);
        line_of(sec, start, got, sizeof got);
        size_t nw = words(want, w, 16), ng = words(got, g, 16);
        if (nw != ng)
            fail_msg("depth %c: %zu words, the doc's %zu: '%s'", want[2], ng, nw, got);
        for (size_t i = 0; i < nw; i++)
            if ((i == 0 || i >= 4) && strcmp(w[i], g[i]) != 0)
                fail_msg("depth %c, word %zu: '%s', the doc's '%s'", want[2], i, g[i], w[i]);
        rows++;
    }
    assert_int_equal(rows, 10);
    free(doc);
}

/* JSON's guest GUEST has INSNS guest instructions and at depth D the
 * level entries ENTRIES[D] ("1,3" for [1,3]). */
static void nest_json_guest(const char *json, const char *guest, uint64_t insns,
                            const char *const *entries)
{
    char at[64];
    snprintf(at, sizeof at, "{\"guest\":\"%s\",\"guest_instructions\":%" PRIu64 ",", guest, insns);
    const char *g = strstr(json, at);
    if (!g)
        fail_msg("no %s: %.600s", at, json);
    for (unsigned d = 0; d <= 4; d++) {
        char want[96];
        snprintf(want, sizeof want, "\"level_entries\":[%s]}", entries[d]);
        const char *dep = strstr(g, "{\"depth\":");
        for (unsigned k = 0; dep && k < d; k++)
            dep = strstr(dep + 1, "{\"depth\":");
        if (!dep || strncmp(strstr(dep, "\"level_entries\""), want, strlen(want)) != 0)
            fail_msg("%s depth %u: want %s in %.300s", guest, d, want, dep ? dep : g);
    }
}

/* docs/recursion.md, "What it costs": "a compute-bound guest (ADDI, MOV,
 * DJNZ, 196 million instructions ...) and the OS, each at depths 0 to 4,
 * with ... real instructions per guest instruction, and the traps that
 * reached each level", the table's counts exact ("the instruction counts
 * do not" vary); "a FILE of `-` prints that instead of the text"; and
 * `--json FILE --svg docs/recursion.svg` "reproduces them and the chart".
 * Two runs side by side: the text with both files, and the JSON on
 * standard output with the chart in a file (mutants: the trap count
 * missing a cause; " / " between the levels; the guest's count from the
 * depth's own run; the OS's heading; 2 decimals; depth 4 left out; the
 * last level's entries left out of the JSON, the OS's JSON the compute
 * guest's; the chart's top decade; the chart file given the JSON; the
 * JSON and the chart swapped on standard output). */
static void nest__text_json_and_chart(void **state)
{
    (void)state;
    char json[CS_PATH], svg[CS_PATH], svg2[CS_PATH], tout[CS_PATH], terr[CS_PATH];
    char jout[CS_PATH], jerr[CS_PATH], cmd[2 * sizeof nest_bin + 16 * CS_PATH];
    cs_tmp_path(json, sizeof json, "nest.json");
    cs_tmp_path(svg, sizeof svg, "nest.svg");
    cs_tmp_path(svg2, sizeof svg2, "nest2.svg");
    cs_tmp_path(tout, sizeof tout, "nest-text.out");
    cs_tmp_path(terr, sizeof terr, "nest-text.err");
    cs_tmp_path(jout, sizeof jout, "nest-json.out");
    cs_tmp_path(jerr, sizeof jerr, "nest-json.err");
    snprintf(cmd, sizeof cmd,
             "'%s' --runs 1 --json - --svg '%s' >'%s' 2>'%s' </dev/null & p=$!; "
             "'%s' --runs 1 --json '%s' --svg '%s' >'%s' 2>'%s' </dev/null; t=$?; "
             "wait $p; echo \"$? $t\"",
             nest_bin, svg2, jout, jerr, nest_bin, json, svg, tout, terr);
    int status;
    char *st = cs_sh_output(cmd, &status);
    char *text = cs_slurp(tout, NULL), *err = cs_slurp(terr, NULL);
    char *jtext = cs_slurp(jout, NULL), *jerrs = cs_slurp(jerr, NULL);
    if (strcmp(st, "0 0\n") != 0 || *err || *jerrs)
        fail_msg("bench-nest: status '%s', stderr '%s' / '%s'", st, err, jerrs);
    /* the text: the doc's table, its counts exact */
    cs_assert_has(text, "compute-bound guest (196610002 guest instructions)\n");
    cs_assert_has(text, "\ntime-sharing OS (examples/os) (8997 guest instructions)\n");
    cs_assert_has(text, "\n  bar: time ratio at depth 4 <= 1.05: ");
    nest_table_as_documented(text);
    /* the JSON, in the file and on standard output alike */
    const char *const ce[] = {"", "1", "1,3", "1,3,7", "1,3,7,15"};
    const char *const oe[] = {"", "803", "803,2978", "803,2978,10196", "803,2978,10196,35184"};
    char *files[2] = {cs_slurp(json, NULL), jtext};
    for (int i = 0; i < 2; i++) {
        struct cs_outcome o = {.out = files[i], .out_len = strlen(files[i])};
        cs_assert_json_object(&o);
        if (strncmp(files[i], "{\"guests\":[{\"guest\":\"compute\",", 30) != 0)
            fail_msg("JSON %d: %.200s", i, files[i]);
        nest_json_guest(files[i], "compute", 196610002, ce);
        nest_json_guest(files[i], "os", 8997, oe);
    }
    /* the chart, in both files: XML, the five depths, the four decades */
    char *charts[2] = {cs_slurp(svg, NULL), cs_slurp(svg2, NULL)};
    for (int i = 0; i < 2; i++) {
        char why[256];
        if (strncmp(charts[i], "<svg ", 5) != 0 || cs_xml_check(charts[i], why, sizeof why) != 0)
            fail_msg("chart %d is no SVG: %.200s", i, charts[i]);
        cs_assert_has(charts[i], ">depth 4</text>");
        cs_assert_has(charts[i], ">1e4</text>");
        cs_assert_has(charts[i], "<title>OS, depth 1: 7.92</title>");
        cs_assert_has(charts[i], "<title>compute-bound, depth 4: 1.00</title>");
        free(charts[i]);
    }
    free(files[0]);
    free(st);
    free(text);
    free(err);
    free(jtext);
    free(jerrs);
}

static int group_setup(void **state)
{
    (void)state;
    const char *b = getenv("TGM_BENCH"), *n = getenv("TGM_BENCH_NEST");
    if (!realpath(b && *b ? b : "build/bench/bench", bench) ||
        !realpath(n && *n ? n : "build/bench/bench-nest", nest_bin)) {
        fprintf(stderr, "test_audit_mutbench57: no bench programs (make build/bench/bench "
                        "build/bench/bench-nest)\n");
        return -1;
    }
    return cs_setup("test_audit_mutbench57");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest__text_json_and_chart),
        cmocka_unit_test(nest__help_is_its_usage),
        cmocka_unit_test(nest__an_os_that_loops_ends_at_max_steps),
        cmocka_unit_test(options__runs_zero_and_a_missing_value_are_refused),
        cmocka_unit_test(options__five_runs_by_default),
        cmocka_unit_test(options__no_valgrind_gives_no_host_figure),
        cmocka_unit_test(options__a_bare_json_before_another_option),
        cmocka_unit_test(svg__dash_with_before_draws_the_earlier_bars),
        cmocka_unit_test(json__dash_with_an_svg_file),
        cmocka_unit_test(before__needs_the_figures),
        cmocka_unit_test(native__its_two_shapes_and_no_other),
        cmocka_unit_test(figures__the_median_between_min_and_max),
        cmocka_unit_test(figures__cycles_beside_the_instructions),
        cmocka_unit_test(twin__no_privileged_instruction_no_round_trip),
        cmocka_unit_test(twin__the_lines_and_the_compact_table),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
