/* analyze.c: derive every instruction's class by execution; the verdicts.
 *
 * Tries section 3's definitions and section 8's split by mode on every
 * generated state of each opcode, keeps the first witness of each
 * existential claim and counts the states each universal one held on; then
 * Theorem 1 (section 5), Theorem 2 (section 7: Theorem 1 and a VMM without
 * timing dependencies) and Theorem 3 (section 8).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_impl.h"

/* Is OP an instruction of this machine at all?  Run it once in supervisor
 * mode with every field zero: an illegal-instruction trap says no (HCALL
 * on a guest machine, the flaw instructions outside their profiles). */
static bool present(struct analyze_ctx *cx, unsigned op)
{
    struct analyze_state s;
    memset(&s, 0, sizeof s);
    s.q = cx->q;
    s.cin = -1;
    s.psw = (struct psw){true, false, 0, 2, 0, cx->q};
    s.mem[2] = MAKE_INSN(op, 0, 0, 0);
    return analyze_exec(cx, 1, &s)->trap != TRAP_ILL;
}

/* Claim C's verdict on the runs A and B (and MOVED, analyze_judge); count
 * the state if the definition covers it, and keep the first difference as
 * the claim's witness.  A control claim's B is A: its S2 is S1. */
static void try_claim(struct analyze_ctx *cx, struct analyze_insn *in,
                      enum analyze_claim c, struct analyze_ran a, struct analyze_ran b,
                      const struct analyze_ran *moved, uint32_t x, uint64_t *count)
{
    struct analyze_diff d;
    int r = analyze_judge(cx, c, a, b, moved, &d);
    if (r == CHECK_EXCLUDED)
        return;
    (*count)++;
    if (r == CHECK_DIFF && !in->found[c]) {
        struct analyze_witness *w = &in->wit[c];
        w->op = in->op;
        w->claim = (uint8_t)c;
        w->s1 = *a.s;
        w->s2 = *b.s;
        w->x = x;
        w->diff = d;
        in->found[c] = true;
    }
}

/* Each generated state S in both modes, and for each shift x S moved by x
 * in both modes: the distinct states the claims pair, each run once on the
 * slot analyze_check would run it on (so the runs are the same), and every
 * claim judged on those runs. */
static void analyze_op(struct analyze_ctx *cx, struct analyze_insn *in,
                       const struct analyze_options *o)
{
    struct analyze_gen g;
    struct analyze_state s, ss, su, ms, mu;
    uint32_t xs[ANALYZE_MAX_SHIFTS];
    unsigned nx;
    /* copied word by word to q (the same for all): past it, zero as a
     * witness's states are */
    memset(&ss, 0, sizeof ss);
    su = mu = ms = ss;
    analyze_gen_init(&g, in->op, cx->q, o->seed, o->random_states);
    while (analyze_gen_next(&g, &s, xs, &nx)) {
        in->n.states++;
        analyze_state_copy(&ss, &s);
        ss.psw.sup = true;
        analyze_state_copy(&su, &s);
        su.psw.sup = false;
        struct analyze_ran rs = {&ss, analyze_exec_once(cx, 1, &ss)};
        struct analyze_ran ru = {&su, analyze_exec_once(cx, 0, &su)};
        try_claim(cx, in, CLAIM_NOT_PRIV, rs, ru, NULL, 0, &in->n.priv_pairs);
        try_claim(cx, in, CLAIM_CTL_S, rs, rs, NULL, 0, &in->n.ctl[1]);
        try_claim(cx, in, CLAIM_CTL_U, ru, ru, NULL, 0, &in->n.ctl[0]);
        /* x = 0: S moved by nothing is S, in user mode */
        try_claim(cx, in, CLAIM_MODE, rs, ru, NULL, 0, &in->n.mode);
        for (unsigned k = 0; k < nx; k++) {
            analyze_shift(&ss, xs[k], &ms);
            analyze_state_copy(&mu, &ms);
            mu.psw.sup = false;
            struct analyze_ran rms = {&ms, analyze_exec_once(cx, 3, &ms)};
            struct analyze_ran rmu = {&mu, analyze_exec_once(cx, 2, &mu)};
            try_claim(cx, in, CLAIM_LOC_S, rs, rms, NULL, xs[k], &in->n.loc[1]);
            try_claim(cx, in, CLAIM_LOC_U, ru, rmu, NULL, xs[k], &in->n.loc[0]);
            /* m1 != m2 with x != 0: shares the runs of the two above */
            try_claim(cx, in, CLAIM_MODE, rs, rmu, &rms, xs[k], &in->n.mode);
        }
    }
    /* privileged is universal: no counterexample, and not vacuously */
    if (!in->found[CLAIM_NOT_PRIV] && in->n.priv_pairs > 0)
        in->derived |= CLASS_PRIV;
    for (unsigned c = CLAIM_CTL_S; c < CLAIM_COUNT; c++)
        if (in->found[c]) {
            in->derived |= (uint8_t)analyze_claim_class(c);
            if (!o->keep_witnesses)
                analyze_minimize(cx, &in->wit[c]);
        }
    if (in->found[CLAIM_NOT_PRIV] && !o->keep_witnesses)
        analyze_minimize(cx, &in->wit[CLAIM_NOT_PRIV]);
}

bool analyze_breaks_theorem1(const struct analyze_insn *in)
{
    return in->present && (in->derived & CLASS_SENSITIVE) && !(in->derived & CLASS_PRIV);
}

bool analyze_breaks_theorem3(const struct analyze_insn *in)
{
    return in->present && (in->derived & CLASS_USER_SENSITIVE) &&
           !(in->derived & CLASS_PRIV);
}

struct analyze_result *analyze_profile(const struct isa_profile *profile,
                                       const struct analyze_options *opts)
{
    struct analyze_options o = opts ? *opts : (struct analyze_options){0};
    if (!o.q)
        o.q = ANALYZE_Q_DEFAULT;
    if (!o.seed)
        o.seed = ANALYZE_SEED_DEFAULT;
    if (!o.random_states)
        o.random_states = ANALYZE_RANDOM_DEFAULT;
    if (!profile || o.q < ANALYZE_Q_MIN || o.q > ANALYZE_Q_MAX) {
        errno = EINVAL;
        return NULL;
    }
    struct analyze_result *r = calloc(1, sizeof *r);
    struct analyze_ctx cx;
    if (!r || analyze_ctx_init(&cx, profile, o.q) != 0) {
        free(r);
        errno = ENOMEM;
        return NULL;
    }
    r->profile = profile;
    r->opts = o;
    r->theorem1 = r->theorem3 = true;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        struct analyze_insn *in = &r->insn[op];
        in->op = (uint8_t)op;
        if (!isa_table[op].name)
            continue;
        in->declared = profile->cls[op];
        in->present = present(&cx, op);
        if (!in->present)
            continue;
        analyze_op(&cx, in, &o);
        if (in->derived != in->declared)
            r->mismatches++;
        if (analyze_breaks_theorem1(in))
            r->theorem1 = false;
        if (analyze_breaks_theorem3(in))
            r->theorem3 = false;
    }
    analyze_ctx_fini(&cx);
    if (cx.oom) { /* a derived class would rest on a console byte lost */
        free(r);
        errno = ENOMEM;
        return NULL;
    }
    /* (b), a VMM without timing dependencies, is tgm's control program: its
     * virtual time is exact, whatever the profile (analyze.h) */
    r->theorem2 = r->theorem1;
    return r;
}

void analyze_result_free(struct analyze_result *r)
{
    free(r);
}
