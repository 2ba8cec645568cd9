/* test_audit_json2.c: the machine-readable outputs as a script reads them,
 * found wanting by an audit; each test fails on the tree before its fix.
 *
 * Runs tgm ($TGM) and the bench binary ($TGM_BENCH, else build/bench/bench,
 * on two short rows without valgrind) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

static char bench[4096];

/* The text of the chart's row NAME: from its label to the next label. */
static char *chart_row(const char *svg, const char *name)
{
    char label[64];
    snprintf(label, sizeof label, ">%s</text>", name);
    const char *p = strstr(svg, label);
    assert_non_null(p);
    const char *e = strstr(p + strlen(label), "<text x=\"10\"");
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *row = malloc(n + 1);
    assert_non_null(row);
    memcpy(row, p, n);
    row[n] = '\0';
    return row;
}

/* docs/bench.md: `--before OLD.json` (an earlier `--json`) draws the
 * earlier run's bar above each row.  An earlier JSON rewritten by a JSON
 * tool (pretty-printed, keys sorted: jq -S .) was refused as "not a bench
 * JSON" when spaced, and with its keys sorted each row took the next
 * row's MIPS, since "mips" was looked for after the row's name. */
static void before__a_reformatted_json_gives_each_row_its_own_bar(void **state)
{
    (void)state;
    static const char *const forms[] = {
        /* jq -S . */
        "{\n  \"bars\": {\"mips\": 1000},\n  \"benchmarks\": [\n"
        "    {\n      \"cycles\": 1,\n      \"instructions\": 1,\n      \"mips\": 111.0,\n"
        "      \"name\": \"add-store\"\n    },\n"
        "    {\n      \"cycles\": 1,\n      \"instructions\": 1,\n      \"mips\": 222.0,\n"
        "      \"name\": \"djnz\"\n    }\n  ],\n  \"runs\": 1\n}\n",
        /* jq -cS . */
        "{\"bars\":{\"mips\":1000},\"benchmarks\":[{\"cycles\":1,\"mips\":111.0,"
        "\"name\":\"add-store\"},{\"cycles\":1,\"mips\":222.0,\"name\":\"djnz\"}],\"runs\":1}\n",
        /* as bench writes it */
        "{\"runs\":1,\"benchmarks\":[{\"name\":\"add-store\",\"mips\":111.0},"
        "{\"name\":\"djnz\",\"mips\":222.0}]}\n",
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char before[CS_PATH], name[32];
        snprintf(name, sizeof name, "before%zu.json", i);
        cs_tmp_path(before, sizeof before, name);
        cs_put_text(before, forms[i]);
        const char *a[32];
        struct cs_outcome o = cs_run_argv_in(
            cs_with_args(a, 32, bench,
                         CS_ARGV("--only", "add-store", "--only", "djnz", "--runs", "1",
                                 "--quick", "--no-valgrind", "--svg", "-", "--before", before)),
            NULL, NULL, 0);
        if (o.status != 0)
            fail_msg("form %zu: status %d, stderr '%.300s'", i, o.status, o.err);
        char *add = chart_row(o.out, "add-store"), *djnz = chart_row(o.out, "djnz");
        if (!strstr(add, "fill=\"#bbb\"") || !strstr(add, ">111</text>") ||
            !strstr(djnz, ">222</text>"))
            fail_msg("form %zu: want the grey bars 111 and 222: '%s' / '%s'", i, add, djnz);
        free(add);
        free(djnz);
        cs_outcome_free(&o);
    }
}

/* docs/run.md: "counts are numbers", beside "JSON numbers lose precision
 * beyond 2^53": the timer's remaining is the count a guest's TSET gave it,
 * up to 2^63 - 1.  Written exactly; the docs now say what a reader needs. */
static void run__a_huge_timer_count_is_exact_and_documented(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "tbig.s",
                  "        .org 0\n        .word 0\n"
                  "        .word psw(SUP, fault, 0, 0x80000)\n        .entry start\n"
                  "start:  TSET  big\n        HALT\nfault:  HALT\n"
                  "big:    .word 0x7fffffffffffffff\n");
    struct cs_outcome o = cs_run_tgm("run", "--json", src, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_true(cs_json_u64(o.out, "timer", "remaining") == UINT64_C(9223372036854775804));
    cs_assert_has(o.out, "\"remaining\":9223372036854775804}");
    cs_outcome_free(&o);
    char *doc = cs_slurp("docs/run.md", NULL);
    cs_assert_has(doc, "timer's `remaining` is what the guest's `TSET` gave it");
    free(doc);
    doc = cs_slurp("docs/robustness.md", NULL);
    cs_assert_has(doc, "a seed is a JSON number, written");
    free(doc);
}

static int group_setup(void **state)
{
    (void)state;
    const char *b = getenv("TGM_BENCH");
    if (!realpath(b && *b ? b : "build/bench/bench", bench)) {
        fprintf(stderr, "test_audit_json2: no bench binary (make build/bench/bench)\n");
        return -1;
    }
    return cs_setup("test_audit_json2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(before__a_reformatted_json_gives_each_row_its_own_bar),
        cmocka_unit_test(run__a_huge_timer_count_is_exact_and_documented),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
