/* test_audit_refanacli.c: `tgm analyze`, `tgm counterexample` and `tgm isa`
 * against the model of refanacli.c, written from docs/theorems.md, the help
 * texts and README.md alone.
 *
 * The text output is compared byte for byte with the model's rendering, the
 * JSON field by field (keys in the documented order, types, values), the
 * exit statuses with the documented ones; every program `tgm counterexample`
 * writes is assembled, run bare and checked under both monitors with the
 * CLI, and must behave as its report says.  Options vary at random
 * (SplitMix64): TGM_REFANACLI_SEED picks the campaign, TGM_REFANACLI_RUNS
 * (default 3) how many random option sets each test tries.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/analyze.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#include "cli_support.h"
#include "refanacli.h"
#include "refanalyze.h"
#include "rng.h"

static uint64_t seed0, runs;

/* One set of analyzer options, as arguments and as the library takes them. */
struct opts {
    uint64_t seed;
    uint32_t q;
    unsigned nrand;
    bool has_seed, has_q, has_nrand;
};

static struct opts random_opts(uint64_t *r, bool with_nrand)
{
    struct opts o = {0};
    o.has_seed = rng_next(r) % 2;
    o.seed = rng_next(r) % 4 ? 1 + rng_next(r) % 100000 : rng_next(r) | 1;
    o.has_q = rng_next(r) % 2;
    o.q = 16 + (uint32_t)(rng_next(r) % 49);
    o.has_nrand = with_nrand && rng_next(r) % 4;
    o.nrand = rng_next(r) % 6 ? 1 + (unsigned)(rng_next(r) % 160) : 1;
    return o;
}

/* Push the options in a random order, sometimes as -p and -j. */
static void push_opts(struct cs_args *a, uint64_t *r, const char *prof, const struct opts *o,
                      bool json, const char *extra)
{
    static char v[3][32]; /* the arguments point here until the next call */
    const char *k[6][2];
    size_t n = 0;
    if (prof)
        k[n][0] = rng_next(r) % 2 ? "-p" : "--profile", k[n++][1] = prof;
    if (o->has_seed) {
        snprintf(v[0], sizeof v[0], rng_next(r) % 2 ? "%" PRIu64 : "0x%" PRIx64, o->seed);
        k[n][0] = "--seed", k[n++][1] = v[0];
    }
    if (o->has_q) {
        snprintf(v[1], sizeof v[1], "%" PRIu32, o->q);
        k[n][0] = "--words", k[n++][1] = v[1];
    }
    if (o->has_nrand) {
        snprintf(v[2], sizeof v[2], "%u", o->nrand);
        k[n][0] = "--random-states", k[n++][1] = v[2];
    }
    if (json)
        k[n][0] = rng_next(r) % 2 ? "-j" : "--json", k[n++][1] = NULL;
    if (extra)
        k[n][0] = extra, k[n++][1] = NULL;
    for (size_t i = n; i > 1; i--) { /* shuffle */
        size_t j = rng_next(r) % i;
        const char *t0 = k[i - 1][0], *t1 = k[i - 1][1];
        k[i - 1][0] = k[j][0], k[i - 1][1] = k[j][1], k[j][0] = t0, k[j][1] = t1;
    }
    for (size_t i = 0; i < n; i++) {
        cs_push(a, k[i][0]);
        if (k[i][1])
            cs_push(a, k[i][1]);
    }
}

static struct analyze_result *dflt[RAC_NPROF]; /* at the defaults, kept */

static struct analyze_result *lib_result(int p, const struct opts *o)
{
    bool d = !o->has_q && !o->has_seed && !o->has_nrand;
    if (d && dflt[p])
        return dflt[p];
    struct analyze_options ao = {
        .q = o->has_q ? o->q : 0,
        .seed = o->has_seed ? o->seed : 0,
        .random_states = o->has_nrand ? o->nrand : 0,
    };
    struct analyze_result *res = analyze_profile(isa_profile_find(rac_prof[p]), &ao);
    assert_non_null(res);
    if (d)
        dflt[p] = res;
    return res;
}

static void lib_done(struct analyze_result *res)
{
    for (int p = 0; p < RAC_NPROF; p++)
        if (dflt[p] == res)
            return;
    analyze_result_free(res);
}

static void same_text(const char *got, const char *want, const char *what)
{
    if (!strcmp(got, want))
        return;
    size_t i = 0, line = 1, start = 0;
    for (; got[i] && got[i] == want[i]; i++)
        if (got[i] == '\n')
            line++, start = i + 1;
    fail_msg("%s: differs at line %zu:\n got: %.200s\nwant: %.200s", what, line, got + start,
             want + start);
}

/* ---- JSON walking -------------------------------------------------------- */

/* The keys of the object at OBJ, in order, space separated, into BUF. */
static void json_keys(const char *obj, char *buf, size_t len)
{
    const char *s = cs_json_ws(obj);
    size_t n = 0;
    buf[0] = 0;
    assert_int_equal(*s, '{');
    s = cs_json_ws(s + 1);
    while (*s == '"') {
        char k[64];
        size_t kl;
        s = cs_json_string(s, k, &kl);
        assert_non_null(s);
        k[kl < sizeof k ? kl : sizeof k - 1] = 0;
        n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", k);
        s = cs_json_ws(s);
        assert_int_equal(*s, ':');
        s = cs_json_value(cs_json_ws(s + 1));
        assert_non_null(s);
        s = cs_json_ws(s);
        if (*s == ',')
            s = cs_json_ws(s + 1);
    }
    assert_int_equal(*s, '}');
}

/* One valid JSON object (the docs do not say on one line). */
static void json_object(const struct cs_outcome *o)
{
    assert_true(o->out_len > 2 && o->out[0] == '{');
    const char *end = cs_json_value(o->out);
    if (!end || *cs_json_ws(end) != '\0')
        fail_msg("not one valid JSON object: %.2000s", o->out);
}

static void keys_are(const char *obj, const char *want, const char *what)
{
    char got[512];
    json_keys(obj, got, sizeof got);
    if (strcmp(got, want))
        fail_msg("%s: keys '%s', want '%s'", what, got, want);
}

static void str_is(const char *v, const char *want, const char *what)
{
    char *s = cs_json_str(v, NULL);
    if (strcmp(s, want))
        fail_msg("%s: \"%s\", want \"%s\"", what, s, want);
    free(s);
}

static void hex_is(const char *v, uint64_t want, bool pad, const char *what)
{
    char w[32];
    snprintf(w, sizeof w, pad ? "0x%016" PRIx64 : "0x%" PRIx64, want);
    str_is(v, w, what);
}

static void words_are(const char *arr, unsigned cls, const char *what)
{
    char want[64], got[128] = "";
    size_t n = 0;
    rac_class_words(cls, want, sizeof want);
    for (size_t i = 0; cs_json_item(arr, i); i++) {
        char *w = cs_json_str(cs_json_item(arr, i), NULL);
        n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", n ? " " : "", w);
        free(w);
    }
    if (!n)
        snprintf(got, sizeof got, "innocuous");
    if (strcmp(got, want))
        fail_msg("%s: [%s], want %s", what, got, want);
}

static void check_json_state(const char *v, const struct analyze_state *s, const char *what)
{
    keys_are(v, "q M I P l b timer console_input cells", what);
    assert_int_equal(cs_json_uint(cs_json_get(v, "q")), s->q);
    str_is(cs_json_get(v, "M"), s->psw.sup ? "s" : "u", what);
    assert_int_equal(cs_json_uint(cs_json_get(v, "I")), s->psw.ie);
    assert_int_equal(cs_json_uint(cs_json_get(v, "P")), s->psw.p);
    assert_int_equal(cs_json_uint(cs_json_get(v, "l")), s->psw.l);
    assert_int_equal(cs_json_uint(cs_json_get(v, "b")), s->psw.b);
    const char *t = cs_json_get(v, "timer");
    keys_are(t, "armed pending remaining", what);
    assert_int_equal(cs_json_bool(cs_json_get(t, "armed")), s->timer.armed);
    assert_int_equal(cs_json_bool(cs_json_get(t, "pending")), s->timer.pending);
    assert_int_equal(cs_json_uint(cs_json_get(t, "remaining")), (uint64_t)s->timer.remaining);
    assert_true(cs_json_num(cs_json_get(v, "console_input")) == (double)s->cin);
    const char *cells = cs_json_get(v, "cells");
    uint32_t at = s->psw.l + s->psw.p;
    size_t k = 0;
    for (uint32_t a = 0; a < s->q; a++) {
        if (a != at && !s->mem[a])
            continue;
        const char *c = cs_json_item(cells, k++);
        assert_non_null(c);
        keys_are(c, a == at ? "addr value insn" : "addr value", what);
        assert_int_equal(cs_json_uint(cs_json_get(c, "addr")), a);
        hex_is(cs_json_get(c, "value"), s->mem[a], true, what);
        if (a == at) {
            char d[96];
            analyze_insn_text(s->mem[a], d, sizeof d);
            str_is(cs_json_get(c, "insn"), d, what);
        }
    }
    assert_null(cs_json_item(cells, k));
}

static const char *component_word(unsigned comp)
{
    static const char *const w[COMP_COUNT] = {
        [COMP_TRAP] = "trap", [COMP_E] = "E|r", [COMP_E_OUTSIDE] = "E outside E|r",
        [COMP_P] = "P", [COMP_M] = "M", [COMP_I] = "I", [COMP_L] = "R.l", [COMP_B] = "R.b",
        [COMP_HALT] = "halted",
    };
    /* "timer ..." and "console ...": the docs give the first word only */
    return comp < COMP_COUNT && w[comp] ? w[comp] : analyze_component_name(comp);
}

static void check_json_witness(const char *v, const struct analyze_witness *w, const char *what)
{
    bool pair = w->claim != CLAIM_CTL_S && w->claim != CLAIM_CTL_U;
    bool hasx = w->claim == CLAIM_LOC_S || w->claim == CLAIM_LOC_U || w->x;
    char want[64];
    snprintf(want, sizeof want, "claim s1%s%s diff", pair ? " s2" : "", hasx ? " x" : "");
    keys_are(v, want, what);
    str_is(cs_json_get(v, "claim"), analyze_claim_name(w->claim), what);
    check_json_state(cs_json_get(v, "s1"), &w->s1, what);
    if (pair)
        check_json_state(cs_json_get(v, "s2"), &w->s2, what);
    if (hasx)
        assert_int_equal(cs_json_uint(cs_json_get(v, "x")), w->x);
    const char *d = cs_json_get(v, "diff");
    keys_are(d, "component addr v1 v2 text", what);
    const char *cw = component_word(w->diff.comp);
    str_is(cs_json_get(d, "component"), cw, what);
    if (strncmp(cw, "timer ", 6) && strncmp(cw, "console ", 8) && strchr(cw, ' ') &&
        strcmp(cw, "E outside E|r"))
        fail_msg("%s: component %s", what, cw);
    assert_int_equal(cs_json_uint(cs_json_get(d, "addr")), w->diff.addr);
    /* "0 for the other components" */
    if (w->diff.comp != COMP_E && w->diff.comp != COMP_E_OUTSIDE &&
        w->diff.comp != COMP_CONSOLE_OUT)
        assert_int_equal(w->diff.addr, 0);
    hex_is(cs_json_get(d, "v1"), w->diff.v1, false, what);
    hex_is(cs_json_get(d, "v2"), w->diff.v2, false, what);
    char text[256];
    rac_diff_text(w, text, sizeof text);
    str_is(cs_json_get(d, "text"), text, what);
}

static void check_json_profile(const char *v, int p, const struct analyze_result *r)
{
    char what[64], buf[1024];
    snprintf(what, sizeof what, "analyze --json %s", rac_prof[p]);
    keys_are(v, "profile summary q seed random_states theorem1 theorem3 theorem2 "
                "theorem2_verdict theorem2_reason theorem1_offenders theorem3_offenders "
                "mismatches instructions", what);
    str_is(cs_json_get(v, "profile"), rac_prof[p], what);
    str_is(cs_json_get(v, "summary"), rac_summary[p], what);
    assert_int_equal(cs_json_uint(cs_json_get(v, "q")), r->opts.q);
    hex_is(cs_json_get(v, "seed"), r->opts.seed, false, what);
    assert_int_equal(cs_json_uint(cs_json_get(v, "random_states")), r->opts.random_states);
    assert_int_equal(cs_json_bool(cs_json_get(v, "theorem1")), rac_theorem1(p));
    assert_int_equal(cs_json_bool(cs_json_get(v, "theorem3")), rac_theorem3(p));
    assert_int_equal(cs_json_bool(cs_json_get(v, "theorem2")), rac_theorem1(p));
    str_is(cs_json_get(v, "theorem2_verdict"), rac_theorem1(p) ? "holds" : "not established",
           what);
    rac_theorem2_reason(p, buf, sizeof buf);
    str_is(cs_json_get(v, "theorem2_reason"), buf, what);
    for (int t = 0; t < 2; t++) {
        const char *arr = cs_json_get(v, t ? "theorem3_offenders" : "theorem1_offenders");
        char want[128], got[128] = "";
        size_t n = 0;
        rac_offenders(p, t, want, sizeof want);
        for (size_t i = 0; cs_json_item(arr, i); i++) {
            char *s = cs_json_str(cs_json_item(arr, i), NULL);
            n += (size_t)snprintf(got + n, sizeof got - n, "%s%s", n ? " " : "", s);
            free(s);
        }
        if (strcmp(got, want))
            fail_msg("%s: offenders %d [%s], want [%s]", what, t ? 3 : 1, got, want);
    }
    assert_int_equal(cs_json_count(cs_json_get(v, "mismatches")), 0);
    const char *ins = cs_json_get(v, "instructions");
    size_t k = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (!isa_table[op].name)
            continue;
        const char *in = cs_json_item(ins, k++);
        const struct analyze_insn *li = &r->insn[op];
        bool pres = rac_present(p, op);
        assert_non_null(in);
        snprintf(what, sizeof what, "analyze --json %s %s", rac_prof[p], isa_table[op].name);
        keys_are(in, pres ? "name opcode present declared derived match tried witnesses"
                          : "name opcode present declared", what);
        str_is(cs_json_get(in, "name"), isa_table[op].name, what);
        assert_int_equal(cs_json_uint(cs_json_get(in, "opcode")), op);
        assert_int_equal(cs_json_bool(cs_json_get(in, "present")), pres);
        if (pres || !strcmp(isa_table[op].name, "HCALL"))
            words_are(cs_json_get(in, "declared"), rac_declared(p, op), what);
        if (!pres)
            continue;
        words_are(cs_json_get(in, "derived"), rac_declared(p, op), what);
        assert_true(cs_json_bool(cs_json_get(in, "match")));
        const char *t = cs_json_get(in, "tried");
        keys_are(t, "states priv_pairs ctl_s ctl_u loc_s loc_u mode", what);
        assert_int_equal(cs_json_uint(cs_json_get(t, "states")), li->n.states);
        assert_int_equal(cs_json_uint(cs_json_get(t, "priv_pairs")), li->n.priv_pairs);
        assert_int_equal(cs_json_uint(cs_json_get(t, "ctl_s")), li->n.ctl[1]);
        assert_int_equal(cs_json_uint(cs_json_get(t, "ctl_u")), li->n.ctl[0]);
        assert_int_equal(cs_json_uint(cs_json_get(t, "loc_s")), li->n.loc[1]);
        assert_int_equal(cs_json_uint(cs_json_get(t, "loc_u")), li->n.loc[0]);
        assert_int_equal(cs_json_uint(cs_json_get(t, "mode")), li->n.mode);
        /* every instruction all of its witnesses: not-priv for the
           unprivileged, and one per class derived */
        const char *ws = cs_json_get(in, "witnesses");
        size_t j = 0;
        unsigned c = rac_declared(p, op);
        for (int cl = 0; cl < CLAIM_COUNT; cl++) {
            bool want = cl == CLAIM_NOT_PRIV ? !(c & CLASS_PRIV)
                                             : (c & analyze_claim_class(cl)) != 0;
            assert_int_equal(li->found[cl], want);
            if (want)
                check_json_witness(cs_json_item(ws, j++), &li->wit[cl], what);
        }
        assert_null(cs_json_item(ws, j));
    }
    assert_null(cs_json_item(ins, k));
}

/* ---- tgm analyze ------------------------------------------------------- */

/* FORMS: 1 the text, 2 the JSON, 3 both. */
static void analyze_one(uint64_t *r, int p, const struct opts *o, int forms)
{
    struct analyze_result *res = lib_result(p, o);
    struct sbuf want = {0};
    rac_analyze_text(p, res, &want);
    for (int json = 0; json < 2; json++) {
        if (!(forms & (1 << json)))
            continue;
        struct cs_args a = {0};
        push_opts(&a, r, p || rng_next(r) % 2 ? rac_prof[p] : NULL, o, json,
                  rng_next(r) % 3 ? NULL : "--check-declared");
        struct cs_outcome out = cs_run_tgm_argv("analyze", a.v);
        if (out.status != 0 || out.err[0])
            fail_msg("analyze %s: status %d, %s", rac_prof[p], out.status, out.err);
        if (json) {
            json_object(&out);
            check_json_profile(out.out, p, res);
        } else {
            same_text(out.out, want.s, rac_prof[p]);
        }
        cs_outcome_free(&out);
    }
    sbuf_free(&want);
    lib_done(res);
}

static void analyze__text_and_json_are_the_models_at_the_defaults(void **state)
{
    (void)state;
    uint64_t r = seed0;
    struct opts o = {0};
    /* one form each, in turn (the seed says which first): --profile all
     * below and the random options have both of every profile */
    for (int p = 0; p < RAC_NPROF; p++)
        analyze_one(&r, p, &o, 1 << (int)((p + seed0) % 2));
}

static void analyze__text_and_json_are_the_models_for_random_options(void **state)
{
    (void)state;
    uint64_t r = seed0 ^ 0xa11;
    for (uint64_t i = 0; i < runs; i++) {
        struct opts o = random_opts(&r, true);
        if (!o.has_nrand) { /* keep the default-sized runs few */
            o.has_nrand = true;
            o.nrand = rng_next(&r) % 4 ? 1 + (unsigned)(rng_next(&r) % 64) : 1;
        }
        analyze_one(&r, (int)(rng_next(&r) % RAC_NPROF), &o, 3);
    }
    if (rac_undocumented)
        print_message("refanacli: %u witness texts in forms the docs do not show\n",
                      rac_undocumented);
}

/* --profile all: each in turn; {"profiles": [...]} with --json. */
static void analyze__all_runs_each_profile_in_turn(void **state)
{
    (void)state;
    uint64_t r = seed0 ^ 0xa1;
    struct opts o = random_opts(&r, false);
    o.has_nrand = true, o.nrand = 8;
    struct sbuf want = {0};
    struct analyze_result *res[RAC_NPROF];
    for (int p = 0; p < RAC_NPROF; p++) {
        res[p] = lib_result(p, &o);
        if (p)
            sbuf_printf(&want, "\n"); /* the docs are silent on the separator */
        rac_analyze_text(p, res[p], &want);
    }
    for (int json = 0; json < 2; json++) {
        struct cs_args a = {0};
        push_opts(&a, &r, "all", &o, json, NULL);
        struct cs_outcome out = cs_run_tgm_argv("analyze", a.v);
        assert_int_equal(out.status, 0);
        if (!json) {
            same_text(out.out, want.s, "analyze --profile all");
        } else {
            json_object(&out);
            keys_are(out.out, "profiles", "analyze --profile all --json");
            const char *arr = cs_json_get(out.out, "profiles");
            assert_int_equal(cs_json_count(arr), RAC_NPROF);
            for (int p = 0; p < RAC_NPROF; p++)
                check_json_profile(cs_json_item(arr, (size_t)p), p, res[p]);
        }
        cs_outcome_free(&out);
    }
    for (int p = 0; p < RAC_NPROF; p++)
        lib_done(res[p]);
    sbuf_free(&want);
}

/* ---- tgm counterexample ------------------------------------------------ */

static const char *claim_word(int c)
{
    return analyze_claim_name((enum analyze_claim)c);
}

/* The number after KEY in TEXT (a line "KEY N"), or fail. */
static uint64_t number_after(const char *text, const char *key)
{
    const char *s = strstr(text, key);
    if (!s)
        fail_msg("no '%s' in:\n%s", key, text);
    return strtoull(s + strlen(key), NULL, 10);
}

/* What the CLI says of the program SRC: its image's word count, the bare
 * run's instructions (it must halt), and each monitor's outcome as
 * `tgm check` reports it ("equivalent" or "differs: DIFF"). */
struct ran {
    int halt_at; /* the witness's word the observer HALT was put on, or -1 */
    uint32_t image_words;
    uint64_t bare_insns;
    char mon[2][256];
};

static uint64_t le(const unsigned char *b, int n)
{
    uint64_t v = 0;
    for (int i = n - 1; i >= 0; i--)
        v = v << 8 | b[i];
    return v;
}

/* "Layout" and "Start": the witness's E[i] is the guest's E[q + i], the
 * observer HALT aside (on a word S1 had 0), and the entry PSW is S1's with
 * l moved by q, unless a timer needs the prologue. */
static int image_holds_s1(const unsigned char *img, size_t len, const struct analyze_state *s1)
{
    int at = -1;
    uint32_t load = (uint32_t)le(img + 16, 4), n = (uint32_t)le(img + 20, 4), q = s1->q;
    unsigned halts = 0;
    assert_true(len >= 48 + 8 * (size_t)n);
    for (uint32_t i = 0; i < q; i++) {
        uint32_t a = q + i;
        uint64_t w = a >= load && a < load + n ? le(img + 40 + 8 * (size_t)(a - load), 8) : 0;
        if (w == s1->mem[i])
            continue;
        if (s1->mem[i] || w != (uint64_t)OP_HALT << 57 || halts++)
            fail_msg("guest E[%" PRIu32 "] = 0x%" PRIx64 ", S1's E[%" PRIu32 "] = 0x%" PRIx64, a,
                     w, i, s1->mem[i]);
        at = (int)i;
    }
    if (s1->timer.armed || s1->timer.pending)
        return at;
    struct psw e = s1->psw;
    e.l += q;
    e.cause = 0;
    if (le(img + 24, 8) != psw_pack(&e))
        fail_msg("entry PSW 0x%" PRIx64 ", S1's moved by q 0x%" PRIx64, le(img + 24, 8),
                 psw_pack(&e));
    return at;
}

static void run_program(int p, const char *src, uint32_t words, const struct analyze_state *s1,
                        struct ran *out)
{
    int cin = s1->cin;
    char spath[CS_PATH], ipath[CS_PATH], mem[16], in[2] = {(char)cin, 0};
    cs_write_text(spath, sizeof spath, "ce.s", src);
    cs_tmp_path(ipath, sizeof ipath, "ce.img");
    snprintf(mem, sizeof mem, "%" PRIu32, words);
    struct cs_outcome o = cs_run_tgm("as", spath, "-o", ipath, NULL);
    if (o.status)
        fail_msg("the program does not assemble: %s\n%s", o.err, src);
    cs_outcome_free(&o);
    size_t len;
    unsigned char *img = (unsigned char *)cs_slurp(ipath, &len);
    assert_true(len >= 48);
    out->image_words = (uint32_t)le(img + 20, 4);
    out->halt_at = image_holds_s1(img, len, s1);
    free(img);
    bool input = cin > 0; /* a NUL byte cannot be an argument */
    struct cs_args a = {0};
    cs_push_all(&a, "--mem", mem, "--profile", rac_prof[p], NULL);
    if (input)
        cs_push_all(&a, "--input", in, NULL);
    cs_push(&a, ipath);
    o = cs_run_tgm_argv("run", a.v);
    if (o.status || strncmp(o.out, "-- halted\n", 10))
        fail_msg("bare run: status %d\n%s%s", o.status, o.out, o.err);
    out->bare_insns = number_after(o.out, "\ninstructions ");
    cs_outcome_free(&o);
    for (int h = 0; h < 2; h++) {
        struct cs_args c = {0};
        cs_push_all(&c, "--mem", mem, "--profile", rac_prof[p], NULL);
        if (h)
            cs_push(&c, "--hybrid");
        if (input)
            cs_push_all(&c, "--input", in, NULL);
        cs_push(&c, ipath);
        o = cs_run_tgm_argv("check", c.v);
        if (o.status == 0) {
            snprintf(out->mon[h], sizeof out->mon[h], "equivalent");
        } else {
            const char *d = strstr(o.out, "\n  alone: ");
            if (o.status != 1 || !d)
                fail_msg("check: status %d\n%s%s", o.status, o.out, o.err);
            d += 10;
            snprintf(out->mon[h], sizeof out->mon[h], "differs: %.*s",
                     (int)strcspn(d, "\n"), d);
        }
        cs_outcome_free(&o);
    }
}

/* The program's comment "i(S1) leaves <M=.. I=.. P=.. R=(l,b)>" against one
 * step of the reference machine (refanalyze.c) from S1. */
static void leaves_is_the_references(int p, unsigned op, const char *src,
                                     const struct analyze_state *s1, int halt_at)
{
    struct rfa_state rs = {.q = s1->q, .sup = s1->psw.sup, .ie = s1->psw.ie, .p = s1->psw.p,
                           .l = s1->psw.l, .b = s1->psw.b, .armed = s1->timer.armed,
                           .pending = s1->timer.pending, .rem = s1->timer.remaining,
                           .cin = s1->cin};
    memcpy(rs.e, s1->mem, sizeof rs.e[0] * s1->q);
    int rp = -1;
    for (int k = 0; k < P_N; k++)
        if (!strcmp(rm_prof_name[k], rac_prof[p]))
            rp = k;
    assert_true(rp >= 0);
    struct rfa_out o;
    rfa_exec(rp, op, &rs, &o);
    assert_int_equal(o.trap, 0);
    char want[128];
    snprintf(want, sizeof want, ";   i(S1) leaves <M=%c I=%d P=%" PRIu32 " R=(%" PRIu32 ",%" PRIu32 ")>\n",
             o.sup ? 's' : 'u', o.ie, o.p, o.l, o.b);
    if (!strstr(src, want))
        fail_msg("%s %s: no '%s' in the program:\n%s", rac_prof[p], isa_table[op].name, want, src);
    /* "After the instruction": a HALT only where R is unchanged, at the P
       it leaves, on a word that was 0 */
    uint32_t next = o.l + o.p;
    bool may = o.l == s1->psw.l && o.b == s1->psw.b && next < s1->q && !s1->mem[next];
    if (halt_at >= 0 && (!may || (uint32_t)halt_at != next))
        fail_msg("%s %s: a HALT at E|r[%d], i(S1) leaves P=%" PRIu32, rac_prof[p],
                 isa_table[op].name, halt_at, o.p);
    if (halt_at < 0 && may)
        print_message("refanacli: %s %s: no observer HALT where one could be\n", rac_prof[p],
                      isa_table[op].name);
}

/* The doc's outputs and "From a witness to a program", checked on one
 * profile at options O: the text, the JSON, and each program through the
 * CLI. */
static void counter_one(uint64_t *r, int p, const struct opts *o)
{
    struct analyze_result *res = lib_result(p, o);
    struct cs_args a = {0};
    push_opts(&a, r, p || rng_next(r) % 2 ? rac_prof[p] : NULL, o, true,
              rng_next(r) % 2 ? "--expect" : NULL);
    struct cs_outcome js = cs_run_tgm_argv("counterexample", a.v);
    if (js.status || js.err[0])
        fail_msg("counterexample --json %s: %d %s", rac_prof[p], js.status, js.err);
    json_object(&js);
    char what[64], o1[128], o3[128];
    snprintf(what, sizeof what, "counterexample --json %s", rac_prof[p]);
    keys_are(js.out, "profile theorem1 theorem3 counterexamples vmm_fails hybrid_fails "
                     "as_predicted", what);
    str_is(cs_json_get(js.out, "profile"), rac_prof[p], what);
    bool t1 = rac_theorem1(p), t3 = rac_theorem3(p);
    assert_int_equal(cs_json_bool(cs_json_get(js.out, "theorem1")), t1);
    assert_int_equal(cs_json_bool(cs_json_get(js.out, "theorem3")), t3);
    assert_int_equal(cs_json_bool(cs_json_get(js.out, "vmm_fails")), !t1);
    assert_int_equal(cs_json_bool(cs_json_get(js.out, "hybrid_fails")), !t3);
    assert_true(cs_json_bool(cs_json_get(js.out, "as_predicted")));
    rac_offenders(p, false, o1, sizeof o1);
    rac_offenders(p, true, o3, sizeof o3);

    struct sbuf want = {0};
    sbuf_printf(&want, "profile %s: %s\n", rac_prof[p], rac_summary[p]);
    sbuf_printf(&want, "tgm analyze: Theorem 1 %s%s%s%s; Theorem 3 %s%s%s%s\n",
            t1 ? "holds" : "fails", t1 ? "" : " (", t1 ? "" : o1, t1 ? "" : ")",
            t3 ? "holds" : "fails", t3 ? "" : " (", t3 ? "" : o3, t3 ? "" : ")");
    if (t1)
        sbuf_printf(&want, "prediction: no counterexample exists (Theorem 1 holds, and so does "
                       "Theorem 3)\n\nno counterexample: no instruction is both sensitive and "
                       "unprivileged, so there is no witness to build a program from\n"
                       "outcome: nothing to run: as Theorems 1 and 3 predict\n");
    else
        sbuf_printf(&want, "prediction: some counterexample differs under the VMM (Theorem 1 "
                       "fails); %s\n\n",
                t3 ? "every one is equivalent under the hybrid VMM (Theorem 3 holds)"
                   : "some differs under the hybrid VMM too (Theorem 3 fails)");
    const char *ces = cs_json_get(js.out, "counterexamples");
    size_t n = 0, k = 0, hyb = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        n += !t1 && rac_present(p, op) && (rac_declared(p, op) & CLASS_SENSITIVE) &&
             !(rac_declared(p, op) & CLASS_PRIV);
    assert_int_equal(cs_json_count(ces), n);
    for (unsigned op = 0; op < ISA_NOPS && n; op++) {
        unsigned c = rac_declared(p, op);
        if (!rac_present(p, op) || !(c & CLASS_SENSITIVE) || (c & CLASS_PRIV))
            continue;
        const char *ce = cs_json_item(ces, k++);
        enum analyze_claim cl = rac_counter_claim(p, op);
        bool user = cl == CLAIM_CTL_U || cl == CLAIM_LOC_U;
        const struct analyze_witness *w = &res->insn[op].wit[cl];
        char wt[256];
        assert_true(res->insn[op].found[cl]);
        rac_diff_text(w, wt, sizeof wt);
        snprintf(what, sizeof what, "counterexample --json %s %s", rac_prof[p],
                 isa_table[op].name);
        keys_are(ce, "insn claim witness breaks_theorem3 words source bare_halted "
                     "bare_instructions vmm hybrid", what);
        str_is(cs_json_get(ce, "insn"), isa_table[op].name, what);
        str_is(cs_json_get(ce, "claim"), claim_word(cl), what);
        str_is(cs_json_get(ce, "witness"), wt, what);
        assert_int_equal(cs_json_bool(cs_json_get(ce, "breaks_theorem3")), user);
        assert_int_equal(cs_json_uint(cs_json_get(ce, "words")), 2 * res->opts.q);
        assert_true(cs_json_bool(cs_json_get(ce, "bare_halted")));
        char *src = cs_json_str(cs_json_get(ce, "source"), NULL);
        struct ran ran;
        run_program(p, src, 2 * res->opts.q, &w->s1, &ran);
        leaves_is_the_references(p, op, src, &w->s1, ran.halt_at);
        assert_int_equal(cs_json_uint(cs_json_get(ce, "bare_instructions")), ran.bare_insns);
        /* "Why the outcomes are the theorems'": the VMM differs on every
           program, the hybrid VMM on the user sensitive ones' */
        if (!strcmp(ran.mon[0], "equivalent") || !strcmp(ran.mon[1], "equivalent") == user)
            fail_msg("%s: tgm check says VMM '%s', hybrid '%s'", what, ran.mon[0], ran.mon[1]);
        for (int h = 0; h < 2; h++) {
            const char *m = cs_json_get(ce, h ? "hybrid" : "vmm");
            bool eq = !strcmp(ran.mon[h], "equivalent");
            keys_are(m, "equivalent diff", what);
            assert_int_equal(cs_json_bool(cs_json_get(m, "equivalent")), eq);
            str_is(cs_json_get(m, "diff"), eq ? "" : ran.mon[h] + 9, what);
        }
        hyb += user;
        sbuf_printf(&want, "counterexample %zu of %zu: %s, from its %s witness (%s)\n", k, n,
                isa_table[op].name, claim_word(cl), wt);
        sbuf_printf(&want, "  program (%" PRIu32 " words, %" PRIu32 " in the image):\n",
                2 * res->opts.q, ran.image_words);
        for (const char *s = src; *s;) {
            size_t l = strcspn(s, "\n");
            sbuf_printf(&want, l ? "    %.*s\n" : "%.*s\n", (int)l, s);
            s += l + (s[l] == '\n');
        }
        sbuf_printf(&want, "  bare machine: halts after %" PRIu64 " instructions\n", ran.bare_insns);
        sbuf_printf(&want, "  VMM:          %s\n  hybrid VMM:   %s\n\n", ran.mon[0], ran.mon[1]);
        free(src);
    }
    if (!t1)
        sbuf_printf(&want, "outcome: the VMM differs on %zu of %zu, the hybrid VMM on %zu of %zu: "
                       "as Theorems 1 and 3 predict\n", n, n, hyb, n);
    cs_outcome_free(&js);
    struct cs_args b = {0};
    push_opts(&b, r, rac_prof[p], o, false, rng_next(r) % 2 ? "--expect" : NULL);
    struct cs_outcome tx = cs_run_tgm_argv("counterexample", b.v);
    assert_int_equal(tx.status, 0);
    same_text(tx.out, want.s, rac_prof[p]);
    cs_outcome_free(&tx);
    sbuf_free(&want);
    lib_done(res);
}

static void counterexample__is_the_models_at_the_defaults(void **state)
{
    (void)state;
    uint64_t r = seed0 ^ 0xce;
    struct opts o = {0};
    for (int p = 0; p < RAC_NPROF; p++)
        counter_one(&r, p, &o);
}

static void counterexample__is_the_models_for_random_options(void **state)
{
    (void)state;
    uint64_t r = seed0 ^ 0xce2;
    for (uint64_t i = 0; i < (runs + 1) / 2; i++) {
        struct opts o = random_opts(&r, true); /* its --random-states too */
        counter_one(&r, 1 + (int)(rng_next(&r) % (RAC_NPROF - 1)), &o);
    }
}

/* ---- tgm isa --profile P ----------------------------------------------- */

/* docs/isa.md: the class column is the declared class; the user-mode one
 * "privileged" for a privileged instruction, "user-masked" for x86's LPSW,
 * else "direct"; JRSTU, LRA and MFPI only in their profiles. */
static void isa__tables_are_each_profiles(void **state)
{
    (void)state;
    for (int p = 0; p < RAC_NPROF; p++) {
        struct cs_outcome o = cs_run_tgm("isa", "--profile", rac_prof[p], NULL);
        assert_int_equal(o.status, 0);
        char head[1024];
        snprintf(head, sizeof head, "profile %s: %s\n", rac_prof[p], rac_summary[p]);
        assert_memory_equal(o.out, head, strlen(head));
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            if (!isa_table[op].name)
                continue;
            char key[16], cls[64], line[256];
            snprintf(key, sizeof key, "\n%-6s 0x%02X ", isa_table[op].name, op);
            const char *l = strstr(o.out, key);
            bool listed = rac_present(p, op) || !strcmp(isa_table[op].name, "HCALL");
            if (!listed) {
                if (l)
                    fail_msg("isa %s lists %s", rac_prof[p], isa_table[op].name);
                continue;
            }
            if (!l)
                fail_msg("isa %s: no %s", rac_prof[p], isa_table[op].name);
            unsigned c = rac_declared(p, op);
            rac_class_words(c, cls, sizeof cls);
            const char *um = c & CLASS_PRIV ? "privileged"
                             : p == 5 && !strcmp(isa_table[op].name, "LPSW") ? "user-masked"
                                                                             : "direct";
            snprintf(line, sizeof line, " %-11s %-16s %s\n", um, cls, isa_table[op].synopsis);
            const char *e = strchr(l + 1, '\n');
            if (!strstr(l, line) || strstr(l, line) > e)
                fail_msg("isa %s: '%.*s' lacks '%s'", rac_prof[p], (int)(e - l - 1), l + 1, line);
        }
        cs_outcome_free(&o);
    }
}

/* ---- bad usage ----------------------------------------------------------- */

/* docs/robustness.md "Bad input" and docs/run.md: one line starting
 * `tgm: CMD: `, status 2, nothing on standard output. */
static void bad_usage__is_one_line_status_2_and_nothing_written(void **state)
{
    (void)state;
    uint64_t r = seed0 ^ 0xbad;
    static const char *const cmds[] = {"analyze", "counterexample", "isa"};
    for (uint64_t i = 0; i < 40 * runs; i++) {
        int c = (int)(rng_next(&r) % 3);
        struct cs_args a = {0};
        char v[32], msg[64];
        const char *want;
        switch (rng_next(&r) % 9) {
        case 0:
            snprintf(v, sizeof v, "%" PRIu64, rng_next(&r) % 16);
            cs_push_all(&a, "--words", v, NULL);
            snprintf(msg, sizeof msg, "%s words is out of range (16..64)", v);
            want = c == 2 ? "unknown option '--words'" : msg;
            if (c != 2 && !strcmp(v, "1"))
                want = "1 word is out of range (16..64)"; /* as run.md's "1 word" */
            break;
        case 1:
            cs_push_all(&a, "--words", rng_next(&r) % 2 ? "65" : "18446744073709551616", NULL);
            want = c == 2 ? "unknown option" : "is out of range (16..64)";
            break;
        case 2:
            cs_push_all(&a, "--seed", "0", NULL);
            want = c == 2 ? "unknown option"
                          : "--seed: 0 is out of range (1..18446744073709551615)";
            break;
        case 3:
            cs_push_all(&a, "--random-states", rng_next(&r) % 2 ? "0" : "1000001", NULL);
            want = c == 2 ? "unknown option '--random-states'" /* counterexample's too */
                          : "is out of range (1..1000000)";
            break;
        case 4:
            cs_push_all(&a, "--profile", rng_next(&r) % 2 ? "al" : "x87", NULL);
            want = "--profile: unknown profile";
            break;
        case 5:
            cs_push(&a, c == 2 ? "--words" : "--frob");
            want = "unknown option";
            break;
        case 6:
            cs_push(&a, rng_next(&r) % 2 ? "--profile" : "--seed");
            want = c == 2 && strcmp(a.v[0], "--profile") ? "unknown option" : "needs a value";
            break;
        case 7:
            cs_push_all(&a, c == 2 ? "--profile" : "--seed", c == 2 ? "all" : "12K", NULL);
            want = c == 2 ? "unknown profile 'all'"
                          : "expected a non-negative number, got '12K' (no K or M suffix "
                            "here: 12K is 12288)";
            break;
        default:
            cs_push(&a, "stray");
            want = "unexpected argument 'stray'";
            break;
        }
        if (rng_next(&r) % 2) { /* a good option first changes nothing */
            memmove(a.v + 1, a.v, (a.n + 1) * sizeof a.v[0]);
            a.v[0] = c == 1 ? "--expect" : c ? "--markdown" : "--json";
            a.n++;
        }
        struct cs_outcome o = cs_run_tgm_argv(cmds[c], a.v);
        char pre[32];
        snprintf(pre, sizeof pre, "tgm: %s: ", cmds[c]);
        if (o.status != 2 || o.out_len || strncmp(o.err, pre, strlen(pre)))
            fail_msg("tgm %s %s %s %s: status %d, out %zu bytes, err %s", cmds[c], a.v[0],
                     a.v[1] ? a.v[1] : "", a.v[1] && a.v[2] ? a.v[2] : "", o.status, o.out_len, o.err);
        cs_assert_one_line(&o, want);
        cs_outcome_free(&o);
    }
}

static int setup(void **state)
{
    (void)state;
    seed0 = rng_env("TGM_REFANACLI_SEED", 0x5eed);
    runs = rng_env("TGM_REFANACLI_RUNS", 3);
    print_message("refanacli: TGM_REFANACLI_SEED=0x%" PRIx64 " TGM_REFANACLI_RUNS=%" PRIu64 "\n",
                  seed0, runs);
    return cs_setup("audit_refanacli");
}

static int teardown(void **state)
{
    (void)state;
    for (int p = 0; p < RAC_NPROF; p++)
        analyze_result_free(dflt[p]);
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__text_and_json_are_the_models_at_the_defaults),
        cmocka_unit_test(analyze__text_and_json_are_the_models_for_random_options),
        cmocka_unit_test(analyze__all_runs_each_profile_in_turn),
        cmocka_unit_test(counterexample__is_the_models_at_the_defaults),
        cmocka_unit_test(counterexample__is_the_models_for_random_options),
        cmocka_unit_test(isa__tables_are_each_profiles),
        cmocka_unit_test(bad_usage__is_one_line_status_2_and_nothing_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
