/* cli_analyze.c: `tgm analyze`: derived classes and Theorems 1, 2 and 3.
 *
 * Prints what the analyzer derived for each instruction of a profile
 * (sections 3 and 8) next to the declared class, the witnesses, and the
 * verdicts of Theorem 1 (section 5), Theorem 2 (section 7) and Theorem 3
 * (section 8), as a table or as JSON.  The verdict is data: exit 0 whenever
 * the analysis ran.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "tgm/analyze.h"

static const char *const claim_count_key[CLAIM_COUNT] = {
    [CLAIM_NOT_PRIV] = "priv_pairs", [CLAIM_CTL_S] = "ctl_s", [CLAIM_CTL_U] = "ctl_u",
    [CLAIM_LOC_S] = "loc_s",         [CLAIM_LOC_U] = "loc_u", [CLAIM_MODE] = "mode",
};

/* How many states the definition behind claim C was applied to. */
static uint64_t tried(const struct analyze_counts *n, enum analyze_claim c)
{
    switch (c) {
    case CLAIM_NOT_PRIV: return n->priv_pairs;
    case CLAIM_CTL_S: return n->ctl[1];
    case CLAIM_CTL_U: return n->ctl[0];
    case CLAIM_LOC_S: return n->loc[1];
    case CLAIM_LOC_U: return n->loc[0];
    default: return n->mode;
    }
}

/* ---- text ---- */

static void offenders_text(FILE *f, const struct analyze_result *r, int theorem)
{
    const char *sep = "";
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &r->insn[op];
        bool bad = theorem == 1 ? analyze_breaks_theorem1(in) : analyze_breaks_theorem3(in);
        if (!bad)
            continue;
        char cls[64];
        analyze_class_text(in->derived & (theorem == 1 ? CLASS_SENSITIVE : CLASS_USER_SENSITIVE),
                           cls, sizeof cls);
        fprintf(f, "%s%s (%s, not privileged)", sep, isa_table[op].name, cls);
        sep = ", ";
    }
}

static void report_text(FILE *f, const struct analyze_result *r)
{
    const struct analyze_options *o = &r->opts;
    fprintf(f, "profile %s: %s\n", r->profile->name, r->profile->summary);
    fprintf(f, "machine of %u words; %u random state%s per instruction after the "
               "boundary states; seed 0x%" PRIx64 "\n\n",
            o->q, o->random_states, cli_plural(o->random_states), o->seed);
    fprintf(f, "%-6s %-22s %-22s %-5s %6s %6s %13s %13s %6s\n", "insn", "derived",
            "declared", "match", "states", "s/u", "ctl s/u", "loc s/u", "mode");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &r->insn[op];
        if (!in->present)
            continue;
        char der[64], dec[64], ctl[32], loc[32];
        analyze_class_text(in->derived, der, sizeof der);
        analyze_class_text(in->declared, dec, sizeof dec);
        snprintf(ctl, sizeof ctl, "%" PRIu64 "/%" PRIu64, in->n.ctl[1], in->n.ctl[0]);
        snprintf(loc, sizeof loc, "%" PRIu64 "/%" PRIu64, in->n.loc[1], in->n.loc[0]);
        fprintf(f, "%-6s %-22s %-22s %-5s %6" PRIu64 " %6" PRIu64 " %13s %13s %6" PRIu64 "\n",
                isa_table[op].name, der, dec, in->derived == in->declared ? "yes" : "NO",
                in->n.states, in->n.priv_pairs, ctl, loc, in->n.mode);
    }
    fprintf(f, "absent on this machine:");
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (isa_table[op].name && !r->insn[op].present)
            fprintf(f, " %s", isa_table[op].name);
    fprintf(f, "\n(counts: states generated; then how many states each definition "
               "covered: s/u pairs neither memory trapping, and executions or pairs "
               "completing without a trap)\n\n");

    fprintf(f, "witnesses (cells of E not listed are 0):\n");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &r->insn[op];
        if (!in->present || !(in->derived & CLASS_SENSITIVE))
            continue;
        for (unsigned c = 0; c < CLAIM_COUNT; c++)
            if (in->found[c])
                analyze_witness_text(f, &in->wit[c]);
    }
    fputc('\n', f);
    fprintf(f, "Theorem 1 (sensitive is a subset of privileged): %s", r->theorem1 ? "holds" : "FAILS: ");
    offenders_text(f, r, 1);
    char why[512];
    analyze_theorem2_reason(r, why, sizeof why);
    fprintf(f, "\nTheorem 2 (virtualizable, and a VMM without timing dependencies exists): "
               "%s: %s",
            analyze_theorem2_verdict(r), why);
    fprintf(f, "\nTheorem 3 (user sensitive is a subset of privileged): %s",
            r->theorem3 ? "holds" : "FAILS: ");
    offenders_text(f, r, 3);
    fprintf(f, "\n");
    if (r->mismatches) {
        fprintf(f, "derived differs from declared:");
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            const struct analyze_insn *in = &r->insn[op];
            if (in->present && in->derived != in->declared)
                fprintf(f, " %s", isa_table[op].name);
        }
        fprintf(f, "\n");
    }
}

/* ---- JSON ---- */

static void json_classes(FILE *f, unsigned cls)
{
    char buf[64];
    analyze_class_text(cls, buf, sizeof buf);
    fputc('[', f);
    if (cls) {
        const char *sep = "";
        for (char *tok = strtok(buf, " "); tok; tok = strtok(NULL, " ")) {
            fputs(sep, f);
            analyze_json_str(f, tok);
            sep = ",";
        }
    }
    fputc(']', f);
}

static void json_names(FILE *f, const struct analyze_result *r,
                       bool (*pick)(const struct analyze_insn *))
{
    const char *sep = "";
    fputc('[', f);
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (pick(&r->insn[op])) {
            fprintf(f, "%s\"%s\"", sep, isa_table[op].name);
            sep = ",";
        }
    fputc(']', f);
}

static bool is_mismatch(const struct analyze_insn *in)
{
    return in->present && in->derived != in->declared;
}

static void report_json(FILE *f, const struct analyze_result *r)
{
    fprintf(f, "{\"profile\":");
    analyze_json_str(f, r->profile->name);
    fprintf(f, ",\"summary\":");
    analyze_json_str(f, r->profile->summary);
    fprintf(f, ",\"q\":%u,\"seed\":\"0x%" PRIx64 "\",\"random_states\":%u,", r->opts.q,
            r->opts.seed, r->opts.random_states);
    fprintf(f, "\"theorem1\":%s,\"theorem3\":%s,", r->theorem1 ? "true" : "false",
            r->theorem3 ? "true" : "false");
    char why[512];
    analyze_theorem2_reason(r, why, sizeof why);
    fprintf(f, "\"theorem2\":%s,\"theorem2_verdict\":", r->theorem2 ? "true" : "false");
    analyze_json_str(f, analyze_theorem2_verdict(r));
    fprintf(f, ",\"theorem2_reason\":");
    analyze_json_str(f, why);
    fprintf(f, ",\"theorem1_offenders\":");
    json_names(f, r, analyze_breaks_theorem1);
    fprintf(f, ",\"theorem3_offenders\":");
    json_names(f, r, analyze_breaks_theorem3);
    fprintf(f, ",\"mismatches\":");
    json_names(f, r, is_mismatch);
    fprintf(f, ",\"instructions\":[");
    const char *sep = "";
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &r->insn[op];
        if (!isa_table[op].name)
            continue;
        fprintf(f, "%s\n{\"name\":\"%s\",\"opcode\":%u,\"present\":%s,\"declared\":", sep,
                isa_table[op].name, op, in->present ? "true" : "false");
        sep = ",";
        json_classes(f, in->declared);
        if (!in->present) {
            fputc('}', f);
            continue;
        }
        fprintf(f, ",\"derived\":");
        json_classes(f, in->derived);
        fprintf(f, ",\"match\":%s,\"tried\":{\"states\":%" PRIu64,
                in->derived == in->declared ? "true" : "false", in->n.states);
        for (unsigned c = 0; c < CLAIM_COUNT; c++)
            fprintf(f, ",\"%s\":%" PRIu64, claim_count_key[c], tried(&in->n, c));
        fprintf(f, "},\"witnesses\":[");
        const char *wsep = "";
        for (unsigned c = 0; c < CLAIM_COUNT; c++)
            if (in->found[c]) {
                fputs(wsep, f);
                analyze_witness_json(f, &in->wit[c]);
                wsep = ",";
            }
        fprintf(f, "]}");
    }
    fprintf(f, "\n]}");
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tgm analyze [--profile P|all] [--json] [--check-declared]\n"
            "                   [--seed N] [--random-states N] [--words Q]\n"
            "Derive each instruction's class (privileged, control, location and mode\n"
            "sensitive; user and supervisor) by executing it on generated states of a\n"
            "small machine, compare with the declared class, and test Theorem 1\n"
            "(sensitive subset of privileged), Theorem 2 (recursively virtualizable:\n"
            "Theorem 1 and a VMM without timing dependencies) and Theorem 3 (user\n"
            "sensitive subset of privileged).  Exit 0 when the analysis ran, whatever\n"
            "the verdicts; with --check-declared, 1 if a derived class differs from\n"
            "the declared one; 2 on bad usage.\n\n"
            "  -p, --profile P|all  one profile (default virtualizable), or all of them\n"
            "  -j, --json           one JSON object\n"
            "  --check-declared     exit 1 if a derived class differs from the declared one\n"
            "  --seed N             seed of the random states, not 0 (default 0x%" PRIx64 ")\n"
            "  --random-states N    random states per instruction, 1..1000000 (default %u)\n"
            "  --words Q            words of the small machine, %u..%u (default %u)\n"
            "  -h, --help           show this help\n\n"
            "Profiles:",
            ANALYZE_SEED_DEFAULT, ANALYZE_RANDOM_DEFAULT, ANALYZE_Q_MIN, ANALYZE_Q_MAX,
            ANALYZE_Q_DEFAULT);
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        fprintf(f, " %s", (*p)->name);
    fprintf(f, "\n('tgm isa --profile P' describes each one)\n");
}

/* One profile's report; CHECK: --check-declared (cli_analysis_main). */
static int analyze_one(const struct isa_profile *p, const struct analyze_options *ao, bool json,
                       bool check, const char *sep)
{
    struct analyze_result *r = analyze_profile(p, ao);
    if (!r) {
        cli_error("analyze: out of memory");
        return EXIT_USAGE;
    }
    printf("%s", sep);
    if (json)
        report_json(stdout, r);
    else
        report_text(stdout, r);
    int status = EXIT_OK;
    if (check && r->mismatches) {
        for (unsigned op = 0; op < ISA_NOPS; op++)
            if (is_mismatch(&r->insn[op])) {
                char der[64], dec[64];
                analyze_class_text(r->insn[op].derived, der, sizeof der);
                analyze_class_text(r->insn[op].declared, dec, sizeof dec);
                cli_error("analyze: profile %s: %s is derived '%s' but declared '%s'", p->name,
                          isa_table[op].name, der, dec);
            }
        status = EXIT_NEGATIVE;
    }
    analyze_result_free(r);
    return status;
}

int cli_analyze(int argc, char **argv)
{
    static const struct option opts[] = {
        ANALYSIS_OPTIONS,
        {"json", no_argument, 0, 'j'},
        {"check-declared", no_argument, 0, 'c'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    static const struct analysis_cmd cmd = {"analyze", opts, 'c', usage, analyze_one};
    return cli_analysis_main(&cmd, argc, argv);
}
