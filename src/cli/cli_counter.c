/* cli_counter.c: `tgm counterexample`: Theorems 1 and 3 seen failing.
 *
 * For each instruction of a profile that is sensitive but not privileged
 * (section 3), a short guest program built from the analyzer's witness, run
 * bare, under the VMM (sections 4 to 6) and under the hybrid VMM (section
 * 8).  The outcome is data: exit 0 when it ran, 1 only with --expect.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "tgm/analyze.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tgm counterexample [--profile P|all] [--json] [--expect]\n"
            "                          [--seed N] [--random-states N] [--words Q]\n"
            "For each instruction that is sensitive but not privileged, turn the witness\n"
            "of 'tgm analyze' into a short guest program, run it bare, under the VMM and\n"
            "under the hybrid VMM, and print the program and, for each monitor,\n"
            "'equivalent' or the first differing component of f(S2) and S2'.\n"
            "  -p, --profile P|all  one profile (default virtualizable), or all of them\n"
            "  -j, --json           one JSON object: the profile's, or with all\n"
            "                       {\"profiles\": [...]}, one per profile\n"
            "  --expect             exit 1 unless the VMM fails iff Theorem 1 fails, the\n"
            "                       hybrid VMM fails iff Theorem 3 fails and every program\n"
            "                       halts on the bare machine (for CI)\n"
            "  --seed N             the analyzer's seed, not 0 (default 0x%llx)\n"
            "  --random-states N    the analyzer's random states per instruction,\n"
            "                       1..1000000 (default %u)\n"
            "  --words Q            the analyzer's machine, %u to %u words (default %u);\n"
            "                       each program's guest has 2Q words\n"
            "  -h, --help           show this help\n"
            "Exit status: 0 when it ran, 1 with --expect and an unexpected outcome,\n"
            "2 bad usage.\n",
            (unsigned long long)ANALYZE_SEED_DEFAULT, ANALYZE_RANDOM_DEFAULT, ANALYZE_Q_MIN,
            ANALYZE_Q_MAX, ANALYZE_Q_DEFAULT);
}

static void json_str(const char *s)
{
    report_json_string(stdout, (const uint8_t *)s, strlen(s));
}

static void json_counterexample(const struct counterexample *cx)
{
    char d[160];
    analyze_diff_text(&cx->wit.diff, cx->wit.claim, d, sizeof d);
    printf("{\"insn\":\"%s\",\"claim\":\"%s\",\"witness\":", isa_table[cx->op].name,
           analyze_claim_name(cx->wit.claim));
    json_str(d);
    printf(",\"breaks_theorem3\":%s,\"words\":%u,\"source\":",
           cx->breaks_theorem3 ? "true" : "false", cx->w);
    json_str(cx->source);
    printf(",\"bare_halted\":%s,\"bare_instructions\":%llu", cx->bare_halted ? "true" : "false",
           (unsigned long long)cx->bare_instret);
    static const char *const key[COUNTER_MONITORS] = {"vmm", "hybrid"};
    for (unsigned m = 0; m < COUNTER_MONITORS; m++) {
        printf(",\"%s\":{\"equivalent\":%s,\"diff\":", key[m],
               cx->mon[m].equivalent ? "true" : "false");
        json_str(cx->mon[m].diff);
        printf("}");
    }
    printf("}");
}

static void json_report(const struct counter_report *r)
{
    printf("{\"profile\":");
    json_str(r->profile->name);
    printf(",\"theorem1\":%s,\"theorem3\":%s,\"counterexamples\":[",
           r->theorem1 ? "true" : "false", r->theorem3 ? "true" : "false");
    for (size_t i = 0; i < r->n; i++) {
        printf("%s\n", i ? "," : "");
        json_counterexample(&r->cx[i]);
    }
    printf("],\"vmm_fails\":%s,\"hybrid_fails\":%s,\"as_predicted\":%s}",
           counter_differ_count(r, COUNTER_VMM) ? "true" : "false",
           counter_differ_count(r, COUNTER_HYBRID) ? "true" : "false",
           counter_as_predicted(r) ? "true" : "false");
}

/* One profile's report; EXPECT: --expect (cli_analysis_main). */
static int counter_one(const struct isa_profile *p, const struct analyze_options *ao, bool json,
                       bool expect, const char *sep)
{
    char err[256];
    struct counter_report *r = counter_profile(p, ao, err, sizeof err);
    if (!r) {
        cli_error("counterexample: profile %s: %s", p->name, err);
        return EXIT_USAGE;
    }
    printf("%s", sep);
    if (json)
        json_report(r);
    else
        counter_report_text(stdout, r);
    int status = EXIT_OK;
    if (expect && !counter_as_predicted(r)) {
        cli_error("counterexample: profile %s: the outcomes are not those Theorems 1 "
                  "and 3 predict", p->name);
        status = EXIT_NEGATIVE;
    }
    counter_report_free(r);
    return status;
}

int cli_counter(int argc, char **argv)
{
    static const struct option opts[] = {
        ANALYSIS_OPTIONS,
        {"json", no_argument, 0, 'j'},
        {"expect", no_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    static const struct analysis_cmd cmd = {"counterexample", opts, 'e', usage, counter_one};
    return cli_analysis_main(&cmd, argc, argv);
}
