/* counter_run.c: counterexamples run bare and under both monitors.
 *
 * Section 6's equivalence is checked by vmm_check (f(S2) against S2') for
 * each counterexample program, under the VMM of sections 4 to 6 and the
 * hybrid VMM of section 8; the outcomes are set against the predictions of
 * Theorem 1 (section 5) and Theorem 3 (section 8) from the analyzer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_impl.h"
#include "tgm/vmm.h"

const char *counter_monitor_name(enum counter_monitor m)
{
    return m == COUNTER_HYBRID ? "hybrid VMM" : m == COUNTER_VMM ? "VMM" : "unknown";
}

/* One line in ERR, naming the instruction when there is one. */
static void report_error(char *err, size_t len, const char *msg, const char *insn)
{
    if (err && len)
        snprintf(err, len, "%s%s%s", insn ? insn : "", insn ? ": " : "", msg);
}

int counter_run(const struct isa_profile *profile, struct counterexample *cx, char *err,
                size_t errlen)
{
    const struct tgm_image *imgs[1] = {&cx->img};
    for (unsigned m = 0; m < COUNTER_MONITORS; m++) {
        struct check_opts o = {
            .w = cx->w,
            .max_steps = COUNTER_MAX_STEPS,
            .profile = profile,
            .hybrid = m == COUNTER_HYBRID,
            .input = cx->has_input ? &cx->input : NULL,
            .input_len = cx->has_input ? 1 : 0,
        };
        struct check_result res;
        if (vmm_check(imgs, 1, &o, &res, err, errlen) != 0)
            return -1;
        cx->mon[m].equivalent = res.equivalent;
        snprintf(cx->mon[m].diff, sizeof cx->mon[m].diff, "%s", res.alone_diff);
        /* the same bare run both times: it does not depend on the monitor */
        cx->bare_halted = res.bare_halted;
        cx->bare_instret = res.bare.instret;
    }
    cx->ran = true;
    return 0;
}

struct counter_report *counter_profile(const struct isa_profile *profile,
                                       const struct analyze_options *opts, char *err,
                                       size_t errlen)
{
    struct analyze_result *ar = analyze_profile(profile, opts);
    bool oom = !ar && errno == ENOMEM; /* (before calloc, which may set it) */
    struct counter_report *r = calloc(1, sizeof *r);
    if (!ar || !r) {
        report_error(err, errlen, oom || !r ? "out of memory" : "cannot analyze the profile",
                     NULL);
        goto fail;
    }
    r->profile = profile;
    r->theorem1 = ar->theorem1;
    r->theorem3 = ar->theorem3;
    size_t offenders = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        offenders += analyze_breaks_theorem1(&ar->insn[op]);
    r->cx = calloc(offenders ? offenders : 1, sizeof *r->cx);
    if (!r->cx) {
        report_error(err, errlen, "out of memory", NULL);
        goto fail;
    }
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &ar->insn[op];
        if (!analyze_breaks_theorem1(in))
            continue;
        enum analyze_claim c = counter_pick_claim(in);
        if (c == CLAIM_COUNT) {
            report_error(err, errlen, "no witness to build a program from", isa_table[op].name);
            goto fail;
        }
        struct counterexample *cx = &r->cx[r->n];
        if (counter_build(profile, &in->wit[c], cx, err, errlen) != 0)
            goto fail;
        r->n++;
        if (counter_run(profile, cx, err, errlen) != 0)
            goto fail;
    }
    analyze_result_free(ar);
    return r;
fail:
    analyze_result_free(ar);
    counter_report_free(r);
    return NULL;
}

void counter_report_free(struct counter_report *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        counter_free(&r->cx[i]);
    free(r->cx);
    free(r);
}

size_t counter_differ_count(const struct counter_report *r, enum counter_monitor m)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++)
        n += !r->cx[i].mon[m].equivalent;
    return n;
}

bool counter_all_halted(const struct counter_report *r)
{
    for (size_t i = 0; i < r->n; i++)
        if (!r->cx[i].bare_halted)
            return false;
    return true;
}

/* A monitor "fails" when some counterexample is not equivalent under it. */
bool counter_as_predicted(const struct counter_report *r)
{
    return counter_all_halted(r) &&
           (counter_differ_count(r, COUNTER_VMM) > 0) == !r->theorem1 &&
           (counter_differ_count(r, COUNTER_HYBRID) > 0) == !r->theorem3;
}

/* ---- text ---- */

/* "holds" or "fails (A B)", naming the instructions that break it. */
static void verdict_text(FILE *f, const struct counter_report *r, bool holds, bool t3)
{
    if (holds) {
        fprintf(f, "holds");
        return;
    }
    fprintf(f, "fails (");
    const char *sep = "";
    for (size_t i = 0; i < r->n; i++)
        if (!t3 || r->cx[i].breaks_theorem3) {
            fprintf(f, "%s%s", sep, isa_table[r->cx[i].op].name);
            sep = " ";
        }
    fprintf(f, ")");
}

static void source_text(FILE *f, const char *src)
{
    while (*src) {
        size_t n = strcspn(src, "\n");
        if (n)
            fprintf(f, "    %.*s", (int)n, src);
        fputc('\n', f);
        src += n + (src[n] == '\n');
    }
}

static void counterexample_text(FILE *f, const struct counterexample *cx, size_t k, size_t n)
{
    char d[160];
    analyze_diff_text(&cx->wit.diff, cx->wit.claim, d, sizeof d);
    fprintf(f, "counterexample %zu of %zu: %s, from its %s witness (%s)\n", k, n,
            isa_table[cx->op].name, analyze_claim_name(cx->wit.claim), d);
    fprintf(f, "  program (%u words, %u in the image):\n", cx->w, cx->img.nwords);
    source_text(f, cx->source);
    if (!cx->ran) {
        fprintf(f, "  bare machine: not run\n");
        return;
    }
    if (cx->bare_halted)
        fprintf(f, "  bare machine: halts after %llu instruction%s\n",
                (unsigned long long)cx->bare_instret, cx->bare_instret == 1 ? "" : "s");
    else
        fprintf(f, "  bare machine: DOES NOT HALT within %u steps\n", COUNTER_MAX_STEPS);
    for (unsigned m = 0; m < COUNTER_MONITORS; m++) {
        const struct counter_outcome *o = &cx->mon[m];
        fprintf(f, "  %-13s %s%s\n", m == COUNTER_VMM ? "VMM:" : "hybrid VMM:",
                o->equivalent ? "equivalent" : "differs: ", o->equivalent ? "" : o->diff);
    }
}

void counter_report_text(FILE *f, const struct counter_report *r)
{
    fprintf(f, "profile %s: %s\n", r->profile->name, r->profile->summary);
    fprintf(f, "tgm analyze: Theorem 1 ");
    verdict_text(f, r, r->theorem1, false);
    fprintf(f, "; Theorem 3 ");
    verdict_text(f, r, r->theorem3, true);
    if (r->theorem1)
        fprintf(f, "\nprediction: no counterexample exists (Theorem 1 holds, and so does "
                   "Theorem 3)\n\n");
    else
        fprintf(f, "\nprediction: some counterexample differs under the VMM (Theorem 1 fails); "
                   "%s\n\n",
                r->theorem3 ? "every one is equivalent under the hybrid VMM (Theorem 3 holds)"
                            : "some differs under the hybrid VMM too (Theorem 3 fails)");
    if (r->n == 0)
        fprintf(f, "no counterexample: no instruction is both sensitive and unprivileged, "
                   "so there is no witness to build a program from\n");
    for (size_t i = 0; i < r->n; i++) {
        counterexample_text(f, &r->cx[i], i + 1, r->n);
        fputc('\n', f);
    }
    size_t v = counter_differ_count(r, COUNTER_VMM), h = counter_differ_count(r, COUNTER_HYBRID);
    if (r->n)
        fprintf(f, "outcome: the VMM differs on %zu of %zu, the hybrid VMM on %zu of %zu", v,
                r->n, h, r->n);
    else
        fprintf(f, "outcome: nothing to run");
    fprintf(f, ": %s\n", counter_as_predicted(r) ? "as Theorems 1 and 3 predict"
                                                 : "NOT as Theorems 1 and 3 predict");
}
