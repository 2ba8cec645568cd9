/* test_audit_refanalyze.c: `tgm analyze` against an independent classifier
 * (refanalyze.c), written from the paper's sections 3 and 8 and
 * docs/theorems.md alone and run on the reference machine of refmodel.c.
 *
 * For each of the six profiles and each opcode: the derived classes of the
 * two searches, each side's witnesses re-run on the other side's machine,
 * the verdicts and offender lists recomputed from the reference classes, and
 * the declared classes of docs/theorems.md's tables against both.  Also at
 * other q (--words 16 to 64) and seeds; the analyzer's witness reduction
 * redone on the reference machine; the state counts.  TGM_REFANALYZE_STATES
 * (random states per instruction of the reference search, default 300) and
 * TGM_REFANALYZE_SEEDS (seeds at each other q, default 1; above 1 also
 * q = 24 and 48, with every boundary state) make the search larger.
 */
#include <errno.h>
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
#include "refanalyze.h"

static unsigned nstates = 300, nseeds = 1;

static struct rfa_result ref[P_N][ISA_NOPS]; /* at q = 32 */
static struct analyze_result *lib[P_N];      /* the analyzer's, by default */
static bool ref_done;

static const struct isa_profile *lib_profile(int p)
{
    const struct isa_profile *pr = isa_profile_find(rm_prof_name[p]);
    assert_non_null(pr);
    return pr;
}

static void classify_all(uint32_t q, uint64_t seed, unsigned nb, unsigned n,
                         struct rfa_result out[P_N][ISA_NOPS])
{
    for (int p = 0; p < P_N; p++)
        for (unsigned op = 0; op < ISA_NOPS; op++)
            rfa_classify(p, op, q, seed, nb, n, &out[p][op]);
}

static const struct isa_profile *lib_profile(int p);

static void need_ref(void)
{
    if (ref_done)
        return;
    classify_all(32, 0x7e5a11, 24, nstates, ref);
    for (int p = 0; p < P_N; p++)
        assert_non_null(lib[p] = analyze_profile(lib_profile(p), NULL));
    ref_done = true;
}

static const char *opname(unsigned op)
{
    return isa_table[op].name ? isa_table[op].name : "?";
}

static void cls_text(unsigned c, char *buf, size_t n)
{
    analyze_class_text(c, buf, n);
}

static void print_ra_state(const char *tag, const struct rfa_state *s)
{
    fprintf(stderr, "      %s <M=%c I=%d P=%u R=(%u,%u)> timer %s%s%lld cin %d;", tag,
            s->sup ? 's' : 'u', s->ie, s->p, s->l, s->b, s->armed ? "armed " : "",
            s->pending ? "pending " : "", (long long)s->rem, s->cin);
    for (uint32_t a = 0; a < s->q; a++)
        if (s->e[a])
            fprintf(stderr, " E[%u]=%#llx", a, (unsigned long long)s->e[a]);
    fprintf(stderr, "\n");
}

/* ---- conversions between the two sides' states and witnesses ---- */

static void to_ra(const struct analyze_state *a, struct rfa_state *s)
{
    memset(s, 0, sizeof *s);
    s->q = a->q;
    memcpy(s->e, a->mem, sizeof s->e);
    s->sup = a->psw.sup, s->ie = a->psw.ie, s->p = a->psw.p, s->l = a->psw.l, s->b = a->psw.b;
    s->armed = a->timer.armed, s->pending = a->timer.pending;
    s->rem = a->timer.armed ? a->timer.remaining : 0;
    s->cin = a->cin;
}

static void to_an(const struct rfa_state *s, struct analyze_state *a)
{
    memset(a, 0, sizeof *a);
    a->q = s->q;
    memcpy(a->mem, s->e, sizeof a->mem);
    a->psw = (struct psw){.sup = s->sup, .ie = s->ie, .p = s->p, .l = s->l, .b = s->b};
    a->timer = (struct machine_timer){s->armed, s->pending, s->armed ? s->rem : 0};
    a->cin = s->cin;
}

static bool same_but_r(const struct rfa_state *a, const struct rfa_state *b)
{
    return a->q == b->q && a->ie == b->ie && a->p == b->p && a->armed == b->armed &&
           a->pending == b->pending && a->rem == b->rem && a->cin == b->cin;
}

/* S2 is S1 at r (+) x with the same e | r (over the words both have). */
static bool moved(const struct rfa_state *s1, const struct rfa_state *s2, uint32_t x)
{
    if (!same_but_r(s1, s2) || s2->l != s1->l + x || s2->b != s1->b)
        return false;
    for (uint32_t i = 0; i < s1->b && s1->l + i < s1->q && s2->l + i < s2->q; i++)
        if (s1->e[s1->l + i] != s2->e[s2->l + i])
            return false;
    return true;
}

/* ... and exactly as "Location sensitive" builds it: E[l .. l+b-1] copied
 * to E[l+x ..] as far as memory goes, the rest of E S1's. */
static bool exactly_moved(const struct rfa_state *s1, const struct rfa_state *s2, uint32_t x)
{
    struct rfa_state t;
    if (!rfa_shift(s1, x, &t))
        return false;
    return memcmp(t.e, s2->e, s1->q * sizeof t.e[0]) == 0;
}

/* Item 2: the analyzer's witness W re-run on the reference machine: its
 * states are related as the claim requires, its executions complete (or, for
 * not-priv, do not memory trap), and the reference finds the same first
 * difference.  "" or why not, in WHY. */
static void check_lib_witness(int p, const struct analyze_witness *w, char *why, size_t n)
{
    struct rfa_state s1, s2, ss;
    struct rfa_out o1, o2, os;
    to_ra(&w->s1, &s1);
    to_ra(&w->s2, &s2);
    why[0] = 0;
    rfa_exec(p, w->op, &s1, &o1);
    struct rfa_diff d = {0}, got = {w->diff.comp, w->diff.addr, w->diff.v1, w->diff.v2};
    switch (w->claim) {
    case CLAIM_NOT_PRIV:
        rfa_exec(p, w->op, &s2, &o2);
        if (!s1.sup || s2.sup || !same_but_r(&s1, &s2) || s1.l != s2.l || s1.b != s2.b ||
            memcmp(s1.e, s2.e, sizeof s1.e))
            snprintf(why, n, "S1, S2 are not one state in the two modes");
        else if (o1.trap == RM_MEM || o2.trap == RM_MEM)
            snprintf(why, n, "a memory trap (s %u, u %u)", o1.trap, o2.trap);
        else if (o2.trap && !o1.trap)
            snprintf(why, n, "u traps and s completes: no counterexample");
        d = (struct rfa_diff){RFC_TRAP, 0, o1.trap, o2.trap};
        break;
    case CLAIM_CTL_S:
    case CLAIM_CTL_U:
        if (s1.sup != (w->claim == CLAIM_CTL_S))
            snprintf(why, n, "S1 in the wrong mode");
        else if (o1.trap)
            snprintf(why, n, "S1 traps (%u)", o1.trap);
        d = rfa_control(&s1, &o1);
        break;
    default:
        rfa_exec(p, w->op, &s2, &o2);
        if (s1.sup != (w->claim != CLAIM_LOC_U) || s2.sup != (w->claim == CLAIM_LOC_S))
            snprintf(why, n, "S1 or S2 in the wrong mode");
        else if ((w->claim != CLAIM_MODE && !w->x) || !moved(&s1, &s2, w->x))
            snprintf(why, n, "S2 is not S1 moved by x = %u", w->x);
        else if (!exactly_moved(&s1, &s2, w->x))
            snprintf(why, n, "S2 is not S1 moved by x = %u as the docs build it", w->x);
        else if (o1.trap || o2.trap)
            snprintf(why, n, "a trap (%u, %u)", o1.trap, o2.trap);
        d = rfa_compare(&s1, &o1, &s2, &o2);
        if (w->claim == CLAIM_MODE && w->x && !why[0] && rfa_shift(&s1, w->x, &ss)) {
            rfa_exec(p, w->op, &ss, &os);
            if (!os.trap && rfa_compare(&s1, &o1, &ss, &os).comp)
                snprintf(why, n, "the difference is the location's");
        }
        break;
    }
    if (!why[0] && !d.comp)
        snprintf(why, n, "no difference on the reference machine");
    else if (!why[0] && memcmp(&d, &got, sizeof d) &&
             (d.comp != got.comp || d.addr != got.addr || d.v1 != got.v1 || d.v2 != got.v2))
        snprintf(why, n, "reference difference comp %u addr %u %#llx/%#llx, analyzer's comp %u "
                 "addr %u %#llx/%#llx", d.comp, d.addr, (unsigned long long)d.v1,
                 (unsigned long long)d.v2, got.comp, got.addr, (unsigned long long)got.v1,
                 (unsigned long long)got.v2);
}

static bool rfa_state_eq(const struct rfa_state *a, const struct rfa_state *b)
{
    return a->q == b->q && !memcmp(a->e, b->e, a->q * sizeof a->e[0]) && a->sup == b->sup &&
           a->ie == b->ie && a->p == b->p && a->l == b->l && a->b == b->b &&
           a->armed == b->armed && a->pending == b->pending && a->rem == b->rem &&
           a->cin == b->cin;
}

/* The analyzer's first-found witness RAW, reduced on the reference machine
 * as "Witnesses" says, is its reduced witness RED. */
static unsigned nreduced;

static void check_reduction(int p, const struct analyze_witness *raw,
                            const struct analyze_witness *red, char *why, size_t n)
{
    struct rfa_wit w, want;
    nreduced++;
    to_ra(&raw->s1, &w.s1);
    to_ra(&raw->s2, &w.s2);
    w.x = raw->x;
    rfa_reduce(p, raw->op, raw->claim, &w);
    to_ra(&red->s1, &want.s1);
    to_ra(&red->s2, &want.s2);
    bool pair = raw->claim != CLAIM_CTL_S && raw->claim != CLAIM_CTL_U;
    if (red->x != raw->x || !rfa_state_eq(&w.s1, &want.s1))
        snprintf(why, n, "reduced S1 is not the reference reduction's");
    else if (pair && !rfa_state_eq(&w.s2, &want.s2))
        snprintf(why, n, "reduced S2 is not the reference reduction's");
    else if (w.d.comp != red->diff.comp || w.d.addr != red->diff.addr ||
             w.d.v1 != red->diff.v1 || w.d.v2 != red->diff.v2)
        snprintf(why, n, "reduced difference is not the reference reduction's");
}

static const int claim_of[RFA_NCLAIM] = {CLAIM_NOT_PRIV, CLAIM_CTL_S, CLAIM_CTL_U,
                                        CLAIM_LOC_S, CLAIM_LOC_U, CLAIM_MODE};

/* The reference witness of CLAIM as the library's witness. */
static void to_an_witness(unsigned op, int claim, const struct rfa_wit *rw,
                          struct analyze_witness *w)
{
    memset(w, 0, sizeof *w);
    w->op = (uint8_t)op;
    w->claim = (uint8_t)claim_of[claim];
    to_an(&rw->s1, &w->s1);
    if (claim != RFA_CS && claim != RFA_CU)
        to_an(&rw->s2, &w->s2);
    w->x = rw->x;
    w->diff = (struct analyze_diff){(uint8_t)rw->d.comp, rw->d.addr, rw->d.v1, rw->d.v2};
}

/* ---- the comparisons ---- */

/* The numbering refanalyze.h copies from isa.h and analyze.h. */
static void numbering__is_the_librarys(void **state)
{
    (void)state;
    assert_int_equal(RFA_PRIV, CLASS_PRIV);
    assert_int_equal(RFA_CTL_S, CLASS_CTL_S);
    assert_int_equal(RFA_CTL_U, CLASS_CTL_U);
    assert_int_equal(RFA_LOC_S, CLASS_LOC_S);
    assert_int_equal(RFA_LOC_U, CLASS_LOC_U);
    assert_int_equal(RFA_MODE, CLASS_MODE);
    assert_int_equal(RFC_E, COMP_E);
    assert_int_equal(RFC_EOUT, COMP_E_OUTSIDE);
    assert_int_equal(RFC_REM, COMP_TIMER_REMAINING);
    assert_int_equal(RFC_IN, COMP_CONSOLE_IN);
    assert_int_equal(RFC_N, COMP_COUNT);
    assert_int_equal(RM_MEM, TRAP_MEM);
    assert_int_equal(RM_ILL, TRAP_ILL);
}

/* Derived classes of REF and of the analyzer's R for profile P: every
 * difference is printed with the side's witness. */
static unsigned compare_classes(int p, const struct rfa_result *refp,
                                const struct analyze_result *r, const char *what)
{
    unsigned bad = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *in = &r->insn[op];
        const struct rfa_result *x = &refp[op];
        if (!isa_table[op].name) {
            assert_false(x->present);
            continue;
        }
        if (in->present != x->present) {
            fprintf(stderr, "%s %s %s: present: analyzer %d, reference %d\n", what,
                    rm_prof_name[p], opname(op), in->present, x->present);
            bad++;
            continue;
        }
        if (!x->present || in->derived == x->cls)
            continue;
        char a[64], b[64];
        cls_text(in->derived, a, sizeof a);
        cls_text(x->cls, b, sizeof b);
        fprintf(stderr, "%s %s %s: analyzer '%s', reference '%s'\n", what, rm_prof_name[p],
                opname(op), a, b);
        for (int c = 0; c < RFA_NCLAIM; c++)
            if (x->found[c] && !in->found[claim_of[c]]) {
                fprintf(stderr, "    reference %s: comp %u addr %u %#llx -> %#llx x=%u\n",
                        analyze_claim_name(claim_of[c]), x->wit[c].d.comp, x->wit[c].d.addr,
                        (unsigned long long)x->wit[c].d.v1, (unsigned long long)x->wit[c].d.v2,
                        x->wit[c].x);
                print_ra_state("S1", &x->wit[c].s1);
                print_ra_state("S2", &x->wit[c].s2);
            }
        bad++;
    }
    return bad;
}

/* Item 1: the reference search and the analyzer (default options) derive
 * the same classes for every opcode of every profile. */
static void classes__agree_with_the_reference_at_the_defaults(void **state)
{
    (void)state;
    need_ref();
    unsigned bad = 0;
    for (int p = 0; p < P_N; p++)
        bad += compare_classes(p, ref[p], lib[p], "q=32");
    assert_int_equal(bad, 0);
}

/* Item 2: every witness the analyzer reports shows the same difference on
 * the reference machine, its states related as the claim says; and each
 * reference witness replays on the library (analyze_witness_replay). */
static void witnesses__replay_on_the_other_machine(void **state)
{
    (void)state;
    need_ref();
    unsigned bad = 0, checked = 0, back = 0;
    char why[256];
    for (int p = 0; p < P_N; p++) {
        const struct isa_profile *pr = lib_profile(p);
        for (int keepw = 0; keepw < 2; keepw++) {
            /* as found (on fewer states), and reduced */
            struct analyze_options o = {.keep_witnesses = true, .random_states = 256};
            struct analyze_result *r = keepw ? analyze_profile(pr, &o) : lib[p];
            assert_non_null(r);
            for (unsigned op = 0; op < ISA_NOPS; op++)
                for (int c = 0; c < CLAIM_COUNT; c++) {
                    if (!r->insn[op].found[c])
                        continue;
                    checked++;
                    check_lib_witness(p, &r->insn[op].wit[c], why, sizeof why);
                    if (!why[0] && keepw && lib[p]->insn[op].found[c])
                        check_reduction(p, &r->insn[op].wit[c], &lib[p]->insn[op].wit[c], why,
                                        sizeof why);
                    if (why[0]) {
                        fprintf(stderr, "%s %s %s%s: %s\n", rm_prof_name[p], opname(op),
                                analyze_claim_name(c), keepw ? " (unreduced)" : "", why);
                        bad++;
                    }
                }
            if (keepw)
                analyze_result_free(r);
        }
        for (unsigned op = 0; op < ISA_NOPS; op++)
            for (int c = 0; c < RFA_NCLAIM; c++) {
                if (!ref[p][op].found[c])
                    continue;
                struct analyze_witness w;
                struct analyze_diff got;
                to_an_witness(op, c, &ref[p][op].wit[c], &w);
                back++;
                if (!analyze_witness_replay(pr, &w, &got)) {
                    fprintf(stderr, "%s %s %s: the reference witness does not replay on the "
                            "library (got comp %u addr %u %#llx/%#llx)\n", rm_prof_name[p],
                            opname(op), analyze_claim_name(claim_of[c]), got.comp, got.addr,
                            (unsigned long long)got.v1, (unsigned long long)got.v2);
                    print_ra_state("S1", &ref[p][op].wit[c].s1);
                    print_ra_state("S2", &ref[p][op].wit[c].s2);
                    bad++;
                }
            }
    }
    assert_true(checked > 6 * 40); /* a not-priv witness at least per direct insn */
    assert_true(back > 6 * 40);
    fprintf(stderr, "%u analyzer witnesses, %u reductions, %u reference witnesses\n", checked,
            nreduced, back);
    assert_true(nreduced > 6 * 40);
    assert_int_equal(bad, 0);
}

/* analyze.h keeps S2 for pair claims only, and the JSON of a control
 * witness has no "s2": the docs' HALT ctl-s witness, S1 = <M=s I=0 P=2
 * R=(0,32)> E[2]=HALT, halted 0 -> 1, replays with S2 left empty.  It used
 * to be refused unless S2 had S1's q.  A pair claim still needs its S2. */
static void replay__a_control_witness_needs_no_s2(void **state)
{
    (void)state;
    struct analyze_witness w;
    memset(&w, 0, sizeof w);
    w.op = OP_HALT;
    w.claim = CLAIM_CTL_S;
    w.s1.q = 32;
    w.s1.mem[2] = (uint64_t)OP_HALT << 57;
    w.s1.psw = (struct psw){.sup = true, .p = 2, .l = 0, .b = 32};
    w.s1.cin = -1;
    w.diff = (struct analyze_diff){COMP_HALT, 0, 0, 1};
    struct analyze_diff got;
    assert_true(analyze_witness_replay(isa_profile_default(), &w, &got));
    assert_int_equal(got.comp, COMP_HALT);
    w.diff.v2 = 0; /* a wrong difference is refused all the same */
    assert_false(analyze_witness_replay(isa_profile_default(), &w, NULL));
    /* SPSW loc-s needs the S2 its definition pairs with S1 */
    memset(&w, 0, sizeof w);
    w.op = OP_SPSW;
    w.claim = CLAIM_LOC_S;
    w.x = 1;
    w.s1.q = 32;
    w.s1.mem[2] = (uint64_t)OP_SPSW << 57;
    w.s1.psw = (struct psw){.sup = true, .p = 2, .l = 0, .b = 32};
    w.s1.cin = -1;
    w.diff = (struct analyze_diff){COMP_E, 0, 0x8000018000000020u, 0x8000018000100020u};
    assert_false(analyze_witness_replay(isa_profile_default(), &w, NULL));
    w.s2 = w.s1;
    w.s2.psw.l = 1;
    w.s2.mem[2] = 0;
    w.s2.mem[3] = (uint64_t)OP_SPSW << 57;
    assert_true(analyze_witness_replay(isa_profile_default(), &w, NULL));
}

/* "an edited witness cannot pass": nor one whose state the machine cannot
 * hold, which the replay used to run as another state (a timer armed and
 * pending runs disarmed, one armed with -5 cycles runs pending, a console
 * byte of 300 runs as 44), so TSET's ctl-s witness still "replayed". */
static void replay__refuses_a_state_no_machine_holds(void **state)
{
    (void)state;
    need_ref();
    const struct isa_profile *pr = isa_profile_default();
    struct analyze_witness w = lib[P_VIRT]->insn[OP_TSET].wit[CLAIM_CTL_S];
    assert_true(w.s1.timer.armed);
    assert_true(analyze_witness_replay(pr, &w, NULL));
    w.s1.timer.pending = true;
    w.s2 = w.s1;
    assert_false(analyze_witness_replay(pr, &w, NULL));
    w.s1.timer.pending = false;
    w.s1.timer.remaining = -5;
    w.s2 = w.s1;
    assert_false(analyze_witness_replay(pr, &w, NULL));
    w = lib[P_VIRT]->insn[OP_CIN].wit[CLAIM_CTL_S];
    assert_true(w.s1.cin >= 0);
    assert_true(analyze_witness_replay(pr, &w, NULL));
    w.s1.cin += 256;
    w.s2 = w.s1;
    assert_false(analyze_witness_replay(pr, &w, NULL));
    /* a pair's S2 is held to the same */
    w = lib[P_VIRT]->insn[OP_SR].wit[CLAIM_LOC_S];
    assert_true(analyze_witness_replay(pr, &w, NULL));
    w.s2.psw.b |= 1u << 20;
    w.s1.psw.b |= 1u << 20;
    assert_false(analyze_witness_replay(pr, &w, NULL));
}

/* Item 3: Theorems 1, 2 and 3 and their offenders, recomputed from the
 * reference classes by the theorems' statements (docs/theorems.md,
 * "Verdicts"), against the analyzer's. */
static void verdicts__follow_from_the_reference_classes(void **state)
{
    (void)state;
    need_ref();
    for (int p = 0; p < P_N; p++) {
        struct analyze_result *r = lib[p];
        bool t1 = true, t3 = true;
        char off1[128] = "", off3[128] = "";
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            const struct rfa_result *x = &ref[p][op];
            bool b1 = x->present && (x->cls & CLASS_SENSITIVE) && !(x->cls & RFA_PRIV);
            bool b3 = x->present && (x->cls & CLASS_USER_SENSITIVE) && !(x->cls & RFA_PRIV);
            assert_int_equal(analyze_breaks_theorem1(&r->insn[op]), b1);
            assert_int_equal(analyze_breaks_theorem3(&r->insn[op]), b3);
            if (b1)
                t1 = false, snprintf(off1 + strlen(off1), sizeof off1 - strlen(off1), "%s%s",
                                     off1[0] ? " " : "", opname(op));
            if (b3)
                t3 = false, snprintf(off3 + strlen(off3), sizeof off3 - strlen(off3), "%s%s",
                                     off3[0] ? " " : "", opname(op));
        }
        assert_int_equal(r->theorem1, t1);
        assert_int_equal(r->theorem3, t3);
        assert_int_equal(r->theorem2, t1);
        assert_string_equal(analyze_theorem2_verdict(r), t1 ? "holds" : "not established");
        /* the reason, word for word as theorems.md's "Per profile" table */
        char reason[1024], want[1024], t3s[256];
        analyze_theorem2_reason(r, reason, sizeof reason);
        if (t3)
            snprintf(t3s, sizeof t3s, "Theorem 3 holds: a hybrid monitor can be built");
        else
            snprintf(t3s, sizeof t3s, "Theorem 3 fails too (%s): not even a hybrid monitor is "
                     "assured", off3);
        if (t1)
            snprintf(want, sizeof want, "recursively virtualizable, since Theorem 1 holds and "
                     "tgm's control program has no timing dependencies (its virtual time is "
                     "exact; nested runs: docs/recursion.md)");
        else
            snprintf(want, sizeof want, "Theorem 1 fails (%s); Theorem 2 is only a sufficient "
                     "condition, so this does not show that the machine is not recursively "
                     "virtualizable; %s", off1, t3s);
        assert_string_equal(reason, want);
        /* no mismatch: the declarations are the derived classes */
        unsigned mism = 0;
        for (unsigned op = 0; op < ISA_NOPS; op++)
            mism += r->insn[op].present && r->insn[op].derived != r->insn[op].declared;
        assert_int_equal(r->mismatches, mism);
        assert_int_equal(mism, 0);
        assert_int_equal(r->opts.q, 32);
        assert_int_equal(r->opts.random_states, 2048);
        assert_true(r->opts.seed == UINT64_C(0x50470a1974));
    }
}

/* docs/theorems.md's per-profile tables: the declared classes, which are
 * also what every profile derives. */
static unsigned docs_class(int p, unsigned op)
{
    switch (op) {
    case OP_HALT: case OP_LR: case OP_TSET: case OP_COUT: case OP_CIN:
        return CLASS_PRIV | CLASS_CTL_S;
    case OP_TGET: return CLASS_PRIV;
    case OP_LPSW: return p == P_X86 ? CLASS_CTL_S : CLASS_PRIV | CLASS_CTL_S;
    case OP_SPSW:
        return p == P_X86 ? CLASS_LOC_S | CLASS_LOC_U | CLASS_MODE : CLASS_PRIV | CLASS_LOC_S;
    case OP_SR: return p == P_X86 ? CLASS_LOC_S | CLASS_LOC_U : CLASS_PRIV | CLASS_LOC_S;
    case OP_JRSTU: return CLASS_CTL_S;
    case OP_LRA: return p == P_S360 ? CLASS_PRIV | CLASS_LOC_S : CLASS_LOC_S | CLASS_LOC_U;
    case OP_MFPI: return CLASS_MODE;
    default: return 0;
    }
}

static bool docs_present(int p, unsigned op)
{
    switch (op) {
    case OP_HCALL: return false;
    case OP_JRSTU: return p == P_PDP10;
    case OP_LRA: return p == P_S360 || p == P_S360U;
    case OP_MFPI: return p == P_PDP11;
    default: return isa_table[op].name != NULL;
    }
}

/* Item 4: the tables' declared classes against the reference's derived ones
 * and the profiles' declarations; `--check-declared` agrees. */
static void declared__the_tables_are_the_reference_classes(void **state)
{
    (void)state;
    need_ref();
    for (int p = 0; p < P_N; p++) {
        const struct isa_profile *pr = lib_profile(p);
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            if (!isa_table[op].name)
                continue;
            const struct rfa_result *x = &ref[p][op];
            if (x->present != docs_present(p, op) || (x->present && x->cls != docs_class(p, op)))
                fail_msg("%s %s: reference %d/%#x, docs %d/%#x", rm_prof_name[p], opname(op),
                         x->present, x->cls, docs_present(p, op), docs_class(p, op));
            if (docs_present(p, op) && pr->cls[op] != docs_class(p, op))
                fail_msg("%s %s: declared %#x, docs %#x", rm_prof_name[p], opname(op),
                         pr->cls[op], docs_class(p, op));
        }
    }
    static const char *const words[] = {"16", "64"};
    for (size_t k = 0; k < 2; k++) {
        struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--check-declared",
                                         "--random-states", "1", "--words", words[k],
                                         "--seed", "12345", NULL);
        if (o.status != 0)
            fail_msg("--words %s: status %d: %s", words[k], o.status, o.err);
        cs_outcome_free(&o);
    }
}

/* analyze.h: a bad profile or q is refused with EINVAL; "every state is a
 * function of (opcode, q, seed)": two runs give the same result. */
static void profile__refuses_bad_options_and_repeats_itself(void **state)
{
    (void)state;
    struct analyze_options o = {.q = 15};
    errno = 0;
    assert_null(analyze_profile(isa_profile_default(), &o));
    assert_int_equal(errno, EINVAL);
    o.q = 65;
    errno = 0;
    assert_null(analyze_profile(isa_profile_default(), &o));
    assert_int_equal(errno, EINVAL);
    errno = 0;
    assert_null(analyze_profile(NULL, NULL));
    assert_int_equal(errno, EINVAL);
    o = (struct analyze_options){.q = 20, .seed = 99, .random_states = 32};
    struct analyze_result *a = analyze_profile(isa_profile_find("x86"), &o);
    struct analyze_result *b = analyze_profile(isa_profile_find("x86"), &o);
    assert_non_null(a);
    assert_non_null(b);
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct analyze_insn *x = &a->insn[op], *y = &b->insn[op];
        assert_int_equal(x->derived, y->derived);
        assert_memory_equal(&x->n, &y->n, sizeof x->n);
        for (int c = 0; c < CLAIM_COUNT; c++) {
            assert_int_equal(x->found[c], y->found[c]);
            const struct analyze_diff *dx = &x->wit[c].diff, *dy = &y->wit[c].diff;
            if (x->found[c])
                assert_true(dx->comp == dy->comp && dx->addr == dy->addr && dx->v1 == dy->v1 &&
                            dx->v2 == dy->v2);
        }
    }
    analyze_result_free(a);
    analyze_result_free(b);
}

/* A field's edge values under R = (l, b) as "State generation" lists
 * them, those that fit the field, each once. */
static unsigned edges(char kind, uint32_t q, uint32_t l, uint32_t b)
{
    int64_t lim = l >= q ? 0 : b < q - l ? b : q - l, Q = q, L = l, B = b, M = 0x7FFFF;
    int64_t v[7];
    unsigned n = 0, k = 0;
    switch (kind) {
    case 'a': memcpy(v, (int64_t[]){0, 1, B - 1, B, Q - L - 1, Q - L, M}, sizeof v), n = 7; break;
    case 't': memcpy(v, (int64_t[]){0, 1, lim - 1, lim, M}, 5 * sizeof v[0]), n = 5; break;
    case 'n': memcpy(v, (int64_t[]){0, 1, Q - 1, Q, M}, 5 * sizeof v[0]), n = 5; break;
    case 'i': case 'L': return 5; /* 0, 1, -1 and the two extremes */
    default: return 1;
    }
    for (unsigned i = 0; i < n; i++) {
        bool dup = v[i] < 0 || v[i] > M;
        for (unsigned j = 0; j < i; j++)
            dup |= v[j] == v[i];
        k += !dup;
    }
    return k;
}

/* The "states" count is the boundary states of "State generation" (ten R,
 * every combination of the fields' edges, four where nothing is
 * addressable) and the random ones; the other counts keep to what their
 * definitions allow: a privileged instruction never completes in user
 * mode, and each state has at most three shifts. */
static void counts__are_the_documented_states(void **state)
{
    (void)state;
    need_ref();
    static const uint32_t qs[] = {17, 32, 64};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        uint32_t q = qs[k];
        const uint32_t rl[10] = {0, 0, 0, 4, q / 2, q - 12, q / 2, 1, 2, q};
        const uint32_t rb[10] = {q, q - 1, 8, q / 2, q / 2, 16, 1, q - 1, 0, 4};
        for (int p = 0; p < P_N; p++) {
            struct analyze_options o = {.q = q, .random_states = 7};
            struct analyze_result *r = q == 32 ? lib[p] : analyze_profile(lib_profile(p), &o);
            assert_non_null(r);
            for (unsigned op = 0; op < ISA_NOPS; op++) {
                const struct analyze_insn *in = &r->insn[op];
                const struct rm_insn *d = rm_find(op);
                if (!in->present || !d)
                    continue;
                uint64_t want = r->opts.random_states;
                for (int i = 0; i < 10; i++) {
                    uint64_t c = 1;
                    for (size_t f = 0; f < 3; f++)
                        c *= edges(f < strlen(d->f) ? d->f[f] : 0, q, rl[i], rb[i]);
                    bool none = rl[i] >= q || rb[i] == 0;
                    want += none && c > 4 ? 4 : c;
                }
                if (in->n.states != want)
                    fail_msg("q=%u %s %s: %llu states, want %llu", q, rm_prof_name[p],
                             opname(op), (unsigned long long)in->n.states,
                             (unsigned long long)want);
                const struct analyze_counts *n = &in->n;
                assert_true(n->priv_pairs <= n->states && n->ctl[0] <= n->states &&
                            n->ctl[1] <= n->states);
                assert_true(n->loc[0] <= 3 * n->ctl[0] && n->loc[1] <= 3 * n->ctl[1]);
                assert_true(n->mode <= 4 * n->ctl[1] && n->mode <= 4 * n->ctl[0]);
                if (in->derived & CLASS_PRIV)
                    assert_true(n->ctl[0] == 0 && n->loc[0] == 0 && n->mode == 0);
            }
            if (q != 32)
                analyze_result_free(r);
        }
    }
}

/* Item 1 again at other sizes and seeds (--words 16 to 64, --seed). */
static void classes__agree_at_other_words_and_seeds(void **state)
{
    (void)state;
    static struct rfa_result other[P_N][ISA_NOPS];
    static const uint32_t qs[] = {16, 17, 64, 24, 48};
    unsigned bad = 0;
    for (size_t k = 0; k < (nseeds > 1 ? 5u : 3u); k++)
        for (unsigned s = 0; s < nseeds; s++) {
            uint64_t seed = 0x1000 + 977u * s + qs[k];
            classify_all(qs[k], seed * 31, nseeds > 1 ? 24 : 6, nstates / 4, other);
            for (int p = 0; p < P_N; p++) {
                struct analyze_options o = {.q = qs[k], .seed = seed, .random_states = 32};
                struct analyze_result *r = analyze_profile(lib_profile(p), &o);
                assert_non_null(r);
                char what[48];
                snprintf(what, sizeof what, "q=%u seed=%#llx", qs[k], (unsigned long long)seed);
                bad += compare_classes(p, other[p], r, what);
                for (unsigned op = 0; op < ISA_NOPS; op++)
                    for (int c = 0; c < CLAIM_COUNT; c++) {
                        char why[256];
                        if (!r->insn[op].found[c])
                            continue;
                        check_lib_witness(p, &r->insn[op].wit[c], why, sizeof why);
                        if (why[0]) {
                            fprintf(stderr, "%s %s %s %s: %s\n", what, rm_prof_name[p],
                                    opname(op), analyze_claim_name(c), why);
                            bad++;
                        }
                    }
                analyze_result_free(r);
            }
        }
    assert_int_equal(bad, 0);
}

static int setup(void **state)
{
    (void)state;
    const char *n = getenv("TGM_REFANALYZE_STATES"), *s = getenv("TGM_REFANALYZE_SEEDS");
    if (n && *n)
        nstates = (unsigned)strtoul(n, NULL, 0);
    if (s && *s)
        nseeds = (unsigned)strtoul(s, NULL, 0);
    return cs_setup("audit_refanalyze");
}

static int teardown(void **state)
{
    (void)state;
    for (int p = 0; p < P_N; p++)
        analyze_result_free(lib[p]);
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbering__is_the_librarys),
        cmocka_unit_test(classes__agree_with_the_reference_at_the_defaults),
        cmocka_unit_test(replay__a_control_witness_needs_no_s2),
        cmocka_unit_test(replay__refuses_a_state_no_machine_holds),
        cmocka_unit_test(witnesses__replay_on_the_other_machine),
        cmocka_unit_test(verdicts__follow_from_the_reference_classes),
        cmocka_unit_test(declared__the_tables_are_the_reference_classes),
        cmocka_unit_test(profile__refuses_bad_options_and_repeats_itself),
        cmocka_unit_test(counts__are_the_documented_states),
        cmocka_unit_test(classes__agree_at_other_words_and_seeds),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
