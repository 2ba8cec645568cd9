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

int cli_counter(int argc, char **argv)
{
    static const struct option opts[] = {
        ANALYSIS_OPTIONS,
        {"json", no_argument, 0, 'j'},
        {"expect", no_argument, 0, 'e'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    struct analysis_args aa = {0};
    bool json = false, expect = false;
    int c, took;
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":p:jh", opts, NULL)) != -1) {
        if ((took = cli_analysis_option("counterexample", c, optarg, &aa)) != 0) {
            if (took < 0)
                return EXIT_USAGE;
            continue;
        }
        switch (c) {
        case 'j': json = true; break;
        case 'e': expect = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_bad_option("counterexample", c, argv, opts);
        }
    }
    if (optind < argc)
        return cli_no_operands("counterexample", argv[optind]);
    const struct isa_profile *single[2];
    const struct isa_profile *const *list = cli_analysis_profiles(&aa, single);
    bool all = aa.all;
    int status = EXIT_OK;
    if (json && all)
        printf("{\"profiles\":[");
    for (size_t i = 0; list[i]; i++) {
        char err[256];
        struct counter_report *r = counter_profile(list[i], &aa.ao, err, sizeof err);
        if (!r) {
            cli_error("counterexample: profile %s: %s", list[i]->name, err);
            return EXIT_USAGE;
        }
        if (i)
            printf(json ? ",\n" : "\n");
        if (json)
            json_report(r);
        else
            counter_report_text(stdout, r);
        if (expect && !counter_as_predicted(r)) {
            cli_error("counterexample: profile %s: the outcomes are not those Theorems 1 "
                      "and 3 predict", list[i]->name);
            status = EXIT_NEGATIVE;
        }
        counter_report_free(r);
    }
    if (json)
        printf(all ? "]}\n" : "\n");
    return status;
}
