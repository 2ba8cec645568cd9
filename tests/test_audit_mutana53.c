/* test_audit_mutana53.c: cases that a mutation audit of the analyzer, its
 * counterexamples and the instruction-set profiles found no other suite
 * asserting.
 *
 * Each states a rule of docs/theorems.md at its boundary, where the other
 * suites met it only through the default outputs, whose counts and
 * witnesses a small mistake can leave as they are: the states the
 * analyzer generates, how a witness is written and what its replay
 * demands, the words of a difference, the library's defaults, the
 * counterexample programs, and the ends of the options' ranges.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ana_support.h"
#include "analyze/analyze_impl.h"
#include "cli_support.h"
#include "tgm/analyze.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* ---- docs/theorems.md, "State generation": the boundary states --------- */

/* The ten R = (l, b) of the table, in its order, for a machine of q words. */
static void documented_r(uint32_t q, uint32_t r[10][2])
{
    const uint32_t t[10][2] = {{0, q},          {0, q - 1},     {0, 8},     {4, q / 2},
                               {q / 2, q / 2},  {q - 12, 16},   {q / 2, 1}, {1, q - 1},
                               {2, 0},          {q, 4}};
    memcpy(r, t, sizeof t);
}

/* Each boundary state of OP on a machine of Q words, in order, to FN. */
static void each_boundary_state(unsigned op, uint32_t q,
                                void (*fn)(const struct analyze_state *s, unsigned i,
                                           const uint32_t *xs, unsigned nx, void *arg),
                                void *arg)
{
    static struct analyze_gen g;
    static struct analyze_state s;
    uint32_t xs[ANALYZE_MAX_SHIFTS];
    unsigned nx, i = 0;
    analyze_gen_init(&g, op, q, 1, 0); /* no random states */
    while (analyze_gen_next(&g, &s, xs, &nx))
        fn(&s, i++, xs, nx, arg);
}

struct r_seen {
    uint32_t r[16][2];
    unsigned n, states[16];
    bool plain_first[16];
};

static void note_r(const struct analyze_state *s, unsigned i, const uint32_t *xs, unsigned nx,
                   void *arg)
{
    (void)i, (void)xs, (void)nx;
    struct r_seen *seen = arg;
    if (!seen->n || seen->r[seen->n - 1][0] != s->psw.l || seen->r[seen->n - 1][1] != s->psw.b) {
        assert_true(seen->n < 16);
        seen->r[seen->n][0] = s->psw.l;
        seen->r[seen->n][1] = s->psw.b;
        /* plain: memory zero but the word, P = 2 where it fits, I = 0, timer
         * disarmed, no console input */
        uint32_t lim = address_limit(s->q, s->psw.l, s->psw.b), at = s->psw.l + s->psw.p;
        bool plain = s->psw.p == (lim > 2 ? 2u : 0u) && !s->psw.ie && !s->timer.armed &&
                     !s->timer.pending && s->cin == -1;
        for (uint32_t k = 0; k < s->q; k++)
            plain = plain && (k == at || s->mem[k] == 0);
        seen->plain_first[seen->n] = plain;
        seen->n++;
    }
    seen->states[seen->n - 1]++;
}

/* "For each of ten relocation-bounds values ... The first state of each R
 * is plain"; "where nothing is addressable at most four combinations". */
static void states__the_ten_boundary_r_values_in_order_each_first_plain(void **state)
{
    (void)state;
    static const uint32_t qs[] = {16, 32, 33, 64};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
        uint32_t want[10][2];
        documented_r(qs[k], want);
        struct r_seen seen = {0};
        each_boundary_state(OP_ADD, qs[k], note_r, &seen);
        assert_int_equal(seen.n, 10);
        for (unsigned i = 0; i < 10; i++) {
            if (seen.r[i][0] != want[i][0] || seen.r[i][1] != want[i][1])
                fail_msg("q = %u: boundary R %u is (%u,%u), the table says (%u,%u)", qs[k], i,
                         seen.r[i][0], seen.r[i][1], want[i][0], want[i][1]);
            assert_true(seen.plain_first[i]);
        }
        assert_true(seen.states[8] <= 4 && seen.states[9] <= 4);
    }
}

/* The distinct values of the documented edge list V (N of them), dropping
 * what a field cannot hold: an unsigned field neither negative nor past
 * 2^19 - 1. */
static unsigned edge_set(const int64_t *v, unsigned n, bool sign_ok, int64_t *out)
{
    unsigned k = 0;
    for (unsigned i = 0; i < n; i++) {
        bool dup = false;
        for (unsigned j = 0; j < k; j++)
            dup = dup || out[j] == v[i];
        if (!dup && (sign_ok || (v[i] >= 0 && v[i] <= TGM_ADDR_MASK)))
            out[k++] = v[i];
    }
    return k;
}

struct field_check {
    unsigned op;
    unsigned field;     /* 0 = A, 1 = B, 2 = C */
    char kind;          /* 'a' address, 't' target, 'n' number, 'i' imm, 'I' imm38 */
    uint32_t l, b;      /* the R being looked at */
    int64_t seen[64];
    unsigned nseen, states;
};

static int64_t field_of(uint64_t word, const struct field_check *c)
{
    if (c->kind == 'i')
        return GET_IMM(word);
    if (c->kind == 'I')
        return GET_IMM38(word);
    return c->field == 0 ? GET_A(word) : c->field == 1 ? GET_B(word) : GET_C(word);
}

static void note_field(const struct analyze_state *s, unsigned i, const uint32_t *xs,
                       unsigned nx, void *arg)
{
    (void)i, (void)xs, (void)nx;
    struct field_check *c = arg;
    if (s->psw.l != c->l || s->psw.b != c->b)
        return;
    c->states++;
    int64_t v = field_of(s->mem[s->psw.l + s->psw.p], c);
    for (unsigned j = 0; j < c->nseen; j++)
        if (c->seen[j] == v)
            return;
    assert_true(c->nseen < 64);
    c->seen[c->nseen++] = v;
}

/* "an address field takes 0, 1, b-1, b, q-l-1, q-l and 2^19-1; a code
 * target 0, 1, lim-1, lim, 2^19-1; a number 0, 1, q-1, q, 2^19-1; an
 * immediate 0, 1, -1 and its two extremes", in every combination. */
static void states__each_operand_field_takes_its_documented_edges(void **state)
{
    (void)state;
    static const struct {
        unsigned op, field, nfields;
        char kind;
    } cases[] = {
        {OP_ADD, 0, 3, 'a'}, {OP_ADD, 2, 3, 'a'}, {OP_JMP, 0, 1, 't'}, {OP_BZ, 1, 2, 't'},
        {OP_SVC, 0, 1, 'n'}, {OP_LDX, 1, 3, 'n'}, {OP_ADDI, 2, 3, 'i'}, {OP_LI, 1, 2, 'I'},
    };
    const uint32_t q = 32;
    uint32_t rs[10][2];
    documented_r(q, rs);
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        for (unsigned ri = 0; ri < 8; ri++) { /* the eight where something is addressable */
            int64_t Q = q, L = rs[ri][0], B = rs[ri][1];
            int64_t lim = address_limit(q, rs[ri][0], rs[ri][1]);
            int64_t doc[7];
            unsigned nd;
            bool sign_ok = false;
            switch (cases[k].kind) {
            case 'a':
                nd = 7;
                memcpy(doc, (int64_t[]){0, 1, B - 1, B, Q - L - 1, Q - L, TGM_ADDR_MASK},
                       sizeof doc);
                break;
            case 't':
                nd = 5;
                memcpy(doc, (int64_t[]){0, 1, lim - 1, lim, TGM_ADDR_MASK}, 5 * sizeof doc[0]);
                break;
            case 'n':
                nd = 5;
                memcpy(doc, (int64_t[]){0, 1, Q - 1, Q, TGM_ADDR_MASK}, 5 * sizeof doc[0]);
                break;
            case 'i':
                nd = 5, sign_ok = true;
                memcpy(doc, (int64_t[]){0, 1, -1, ISA_IMM_MIN, ISA_IMM_MAX}, 5 * sizeof doc[0]);
                break;
            default:
                nd = 5, sign_ok = true;
                memcpy(doc, (int64_t[]){0, 1, -1, ISA_IMM38_MIN, ISA_IMM38_MAX},
                       5 * sizeof doc[0]);
                break;
            }
            int64_t want[7];
            unsigned nw = edge_set(doc, nd, sign_ok, want);
            struct field_check c = {.op = cases[k].op, .field = cases[k].field,
                                    .kind = cases[k].kind, .l = rs[ri][0], .b = rs[ri][1]};
            each_boundary_state(c.op, q, note_field, &c);
            for (unsigned i = 0; i < nw; i++) {
                bool found = false;
                for (unsigned j = 0; j < c.nseen; j++)
                    found = found || c.seen[j] == want[i];
                if (!found)
                    fail_msg("%s field %u under R = (%u,%u): edge %lld never taken",
                             isa_table[c.op].name, c.field, c.l, c.b, (long long)want[i]);
            }
            assert_int_equal(c.nseen, nw); /* and nothing else */
            /* every combination: each field's edges times the others' */
            assert_true(c.states % nw == 0);
            assert_true(cases[k].nfields > 1 || c.states == nw);
        }
}

/* ---- docs/theorems.md, "State generation": the random states ------------ */

struct random_seen {
    bool t1, t2_13, t100, t2_40, pending, ones, own_addr_l_gt_0;
};

/* Every generated state of OP (boundary and NRANDOM random ones) to FN. */
static void each_state(unsigned op, uint32_t q, unsigned nrandom,
                       void (*fn)(const struct analyze_state *s, const uint32_t *xs, unsigned nx,
                                  void *arg),
                       void *arg)
{
    static struct analyze_gen g;
    static struct analyze_state s;
    uint32_t xs[ANALYZE_MAX_SHIFTS];
    unsigned nx;
    analyze_gen_init(&g, op, q, ANALYZE_SEED_DEFAULT, nrandom);
    while (analyze_gen_next(&g, &s, xs, &nx))
        fn(&s, xs, nx, arg);
}

static void note_random(const struct analyze_state *s, const uint32_t *xs, unsigned nx,
                        void *arg)
{
    (void)xs, (void)nx;
    struct random_seen *r = arg;
    const struct machine_timer *t = &s->timer;
    /* "A state whose timer is pending while I is set is never generated" */
    assert_false(t->pending && s->psw.ie);
    assert_false(t->pending && t->armed);
    if (t->armed) {
        int64_t n = t->remaining;
        if (n != 1 && !(n >= 2 && n <= 13) && n != 100 && n != INT64_C(1) << 40)
            fail_msg("a timer armed with %lld cycles, not one the list gives", (long long)n);
        r->t1 |= n == 1;
        r->t2_13 |= n >= 2 && n <= 13;
        r->t100 |= n == 100;
        r->t2_40 |= n == INT64_C(1) << 40;
    }
    r->pending |= t->pending;
    assert_true(s->cin == -1 || (s->cin >= 0 && s->cin <= 255));
    uint32_t at = s->psw.l + s->psw.p;
    bool ones = true, own = s->psw.l > 0;
    for (uint32_t i = 0; i < s->q; i++) {
        if (i == at)
            continue;
        ones = ones && s->mem[i] == UINT64_MAX;
        own = own && s->mem[i] == (uint64_t)i - s->psw.l;
    }
    r->ones |= ones;
    r->own_addr_l_gt_0 |= own;
}

/* "the timer disarmed, armed with 1 cycle (expiring during the step), 2 to
 * 13, 100 or 2^40 cycles, or pending (then I = 0)"; memory "each word its
 * own relative address", or "all ones". */
static void states__random_timers_and_memory_are_the_documented_kinds(void **state)
{
    (void)state;
    struct random_seen r = {0};
    each_state(OP_ADD, 32, 2048, note_random, &r);
    assert_true(r.t1);
    assert_true(r.t2_13);
    assert_true(r.t100);
    assert_true(r.t2_40);
    assert_true(r.pending);
    assert_true(r.ones);
    assert_true(r.own_addr_l_gt_0);
}

static void note_shifts(const struct analyze_state *s, const uint32_t *xs, unsigned nx,
                        void *arg)
{
    unsigned *with_three = arg;
    int64_t q = s->q, l = s->psw.l, b = s->psw.b, p = s->psw.p;
    if (l + p >= q || address_limit(s->q, s->psw.l, s->psw.b) == 0) {
        assert_int_equal(nx, 0); /* no shifted state keeps the instruction in E */
        return;
    }
    /* x = 1, the x that ends the region at q, one past it: those of them
     * that keep the instruction inside E, each once, in this order */
    int64_t room = q - l - p - 1, cand[3] = {1, q - l - b, q - l - b + 1}, want[3];
    unsigned nw = 0;
    for (unsigned i = 0; i < 3; i++) {
        bool dup = false;
        for (unsigned j = 0; j < nw; j++)
            dup = dup || want[j] == cand[i];
        if (!dup && cand[i] >= 1 && cand[i] <= room)
            want[nw++] = cand[i];
    }
    assert_true(nx >= nw && nx <= 3 && nx <= nw + 1); /* then one random one, if room */
    for (unsigned i = 0; i < nx; i++) {
        if (i < nw && xs[i] != want[i])
            fail_msg("R = (%lld,%lld) P = %lld: shift %u is %u, not %lld", (long long)l,
                     (long long)b, (long long)p, i, xs[i], (long long)want[i]);
        assert_true(xs[i] >= 1 && xs[i] <= room);
        for (unsigned j = 0; j < i; j++)
            assert_true(xs[j] != xs[i]);
    }
    *with_three += nx == 3;
}

/* "each state gets up to three shifts: the first three distinct ones, in
 * this order, of x = 1, x moving the region to end exactly at q, one past
 * that, and a random one, taking only those that keep the instruction
 * itself inside memory". */
static void states__shifts_are_the_documented_ones_in_order(void **state)
{
    (void)state;
    unsigned with_three = 0;
    each_state(OP_ADD, 32, 2048, note_shifts, &with_three);
    each_state(OP_JMP, 16, 512, note_shifts, &with_three);
    assert_true(with_three > 100);
}
/* ---- docs/theorems.md, "Witnesses": how a witness is written ----------- */

/* analyze_witness_text or _json of W, as a string (free it). */
static char *witness_out(const struct analyze_witness *w, bool json)
{
    struct cs_mem m;
    (json ? analyze_witness_json : analyze_witness_text)(cs_mem_open(&m), w);
    return cs_mem_text(&m);
}

/* "a mode pair's [S2 reads] "S2 = S1 in user mode" (with ", moved by x =
 * N" when x is nonzero), and a control claim with a nonzero x adds a line
 * "x = N""; in JSON "x" is there "for location pairs, and for any witness
 * whose x is nonzero". */
static void witness__a_nonzero_x_is_shown_whatever_the_claim(void **state)
{
    (void)state;
    static struct analyze_witness w;
    char *t;
    ana_witness_of(&w, OP_MFPI, CLAIM_MODE, 32, 3, MAKE_INSN(OP_MFPI, 31, 0, 0));
    t = witness_out(&w, false);
    cs_assert_has(t, "\n         S2 = S1 in user mode, moved by x = 3: <M=u I=0 P=2 R=(3,32)>");
    free(t);
    t = witness_out(&w, true);
    cs_assert_has(t, ",\"x\":3,\"diff\":");
    free(t);

    ana_witness_of(&w, OP_MFPI, CLAIM_MODE, 32, 0, MAKE_INSN(OP_MFPI, 31, 0, 0));
    t = witness_out(&w, false);
    cs_assert_has(t, "\n         S2 = S1 in user mode: <M=u I=0 P=2 R=(0,32)>");
    free(t);
    t = witness_out(&w, true);
    cs_assert_lacks(t, "\"x\":");
    free(t);

    ana_witness_of(&w, OP_LPSW, CLAIM_CTL_S, 32, 2, MAKE_INSN(OP_LPSW, 0, 0, 0));
    t = witness_out(&w, false);
    cs_assert_has(t, "\n         x = 2\n");
    cs_assert_lacks(t, "S2 =");
    free(t);
    t = witness_out(&w, true);
    cs_assert_has(t, ",\"x\":2,\"diff\":");
    cs_assert_lacks(t, "\"s2\":");
    free(t);

    ana_witness_of(&w, OP_LPSW, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_LPSW, 0, 0, 0));
    t = witness_out(&w, false);
    cs_assert_lacks(t, "x =");
    free(t);

    /* a location pair shows its x always */
    ana_witness_of(&w, OP_SR, CLAIM_LOC_S, 32, 1, MAKE_INSN(OP_SR, 0, 0, 0));
    t = witness_out(&w, false);
    cs_assert_has(t, "\n         S2 = S1 moved by x = 1: <M=s I=0 P=2 R=(1,32)>");
    free(t);
    t = witness_out(&w, true);
    cs_assert_has(t, ",\"x\":1,\"diff\":");
    free(t);
}

/* A state's timer and console byte: "timer=100", "console-in=0x5e" in the
 * text; in JSON a "timer" object of "armed", "pending" and "remaining",
 * and "console_input", "the console byte waiting, 0..255, or -1 for none". */
static void witness__timer_and_console_byte_as_documented(void **state)
{
    (void)state;
    static struct analyze_witness w;
    char *t;
    ana_witness_of(&w, OP_CIN, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_CIN, 1, 0, 0));
    w.s1.cin = 0x5e;
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
    t = witness_out(&w, false);
    cs_assert_has(t, "S1 = <M=s I=0 P=2 R=(0,32)> timer=100 console-in=0x5e E[2]=CIN 1\n");
    free(t);
    t = witness_out(&w, true);
    cs_assert_has(t, "\"timer\":{\"armed\":true,\"pending\":false,\"remaining\":100},"
                  "\"console_input\":94,");
    free(t);

    w.s1.cin = -1;
    w.s1.timer = (struct machine_timer){.pending = true};
    t = witness_out(&w, true);
    cs_assert_has(t, "\"timer\":{\"armed\":false,\"pending\":true,\"remaining\":0},"
                  "\"console_input\":-1,");
    free(t);
}

/* "The order above is the order in which the first difference is
 * reported": M, or R (M first, then l, then b), before I.  An LPSW 10
 * from <s, I = 0, R = (0, 32)> loading the PSW in E[10] changes all it
 * loads; the witness that replays names the first. */
static bool lpsw_reports(struct psw loaded, enum analyze_component c, uint64_t v1, uint64_t v2)
{
    static struct analyze_witness w;
    ana_witness_of(&w, OP_LPSW, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_LPSW, 10, 0, 0));
    w.s1.mem[10] = psw_pack(&loaded);
    w.diff = (struct analyze_diff){(uint8_t)c, 0, v1, v2};
    return analyze_witness_replay(isa_profile_default(), &w, NULL);
}

static void control__m_and_r_are_reported_before_i(void **state)
{
    (void)state;
    struct psw user_i = {.sup = false, .ie = true, .p = 3, .l = 0, .b = 8};
    assert_true(lpsw_reports(user_i, COMP_M, 1, 0));
    assert_false(lpsw_reports(user_i, COMP_I, 0, 1));
    assert_false(lpsw_reports(user_i, COMP_B, 32, 8));
    struct psw bound_i = {.sup = true, .ie = true, .p = 3, .l = 0, .b = 8};
    assert_true(lpsw_reports(bound_i, COMP_B, 32, 8));
    assert_false(lpsw_reports(bound_i, COMP_I, 0, 1));
    struct psw moved = {.sup = true, .ie = false, .p = 3, .l = 1, .b = 8};
    assert_true(lpsw_reports(moved, COMP_L, 0, 1));
    assert_false(lpsw_reports(moved, COMP_B, 32, 8));
}

/* "i(S) is exactly one machine_step() of a machine loaded with S: ... one
 * waiting console byte set from S", a byte "0..255": a byte 0 waits too,
 * and CIN consumes it. */
static void exec__a_waiting_console_byte_0_is_a_byte(void **state)
{
    (void)state;
    static struct analyze_witness w;
    for (int byte = 0; byte < 256; byte += 255) {
        ana_witness_of(&w, OP_CIN, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_CIN, 1, 0, 0));
        w.s1.cin = byte;
        w.diff = (struct analyze_diff){COMP_CONSOLE_IN, 0, 0, 1};
        assert_true(analyze_witness_replay(isa_profile_default(), &w, NULL));
    }
}
/* ---- docs/theorems.md: a replay checks the states are the claim's ------- */

/* x86's SR, unprivileged: a loc-s witness at R = (0, 32), moved by 1. */
static void sr_loc_s(struct analyze_witness *w)
{
    ana_witness_of(w, OP_SR, CLAIM_LOC_S, 32, 1, MAKE_INSN(OP_SR, 0, 0, 0));
    w->diff = (struct analyze_diff){COMP_E, 0, r_pack(0, 32), r_pack(1, 32)};
}

/* "`loc-s` is this with m = s, `loc-u` with m = u": both states of a
 * location pair are in the claim's mode, and the claimed address is the
 * one where the difference is. */
static void replay__a_location_pair_is_in_one_mode_at_its_address(void **state)
{
    (void)state;
    const struct isa_profile *x86 = isa_profile_find("x86");
    static struct analyze_witness w, bad;
    sr_loc_s(&w);
    assert_true(analyze_witness_replay(x86, &w, NULL));
    bad = w;
    bad.s2.psw.sup = false; /* SR stores the same R word in user mode */
    assert_false(analyze_witness_replay(x86, &bad, NULL));
    bad = w;
    bad.claim = CLAIM_LOC_U; /* S1 and S2 in s: not a user pair */
    assert_false(analyze_witness_replay(x86, &bad, NULL));
    bad = w;
    bad.diff.addr = 1; /* the values are E|r[0]'s */
    assert_false(analyze_witness_replay(x86, &bad, NULL));
}

/* pdp11-45's MFPI 23, 0 with E[0] = 8 at R = (0, 24): E|r[23] is E[8] = 0
 * in s, 8 in u.  A mode pair's S2 is S1 in user mode moved by the witness's
 * x, no other: the same S2 moved by 1 with x = 0 in the witness does not
 * replay. */
static void replay__a_mode_pair_is_moved_by_its_own_x(void **state)
{
    (void)state;
    const struct isa_profile *p = isa_profile_find("pdp11-45");
    static struct analyze_witness w, bad;
    ana_mfpi_mode(&w);
    assert_true(analyze_witness_replay(p, &w, NULL));
    bad = w;
    analyze_derive_s2(CLAIM_MODE, &w.s1, 1, &bad.s2); /* moved by 1 ... */
    bad.x = 1;
    assert_true(analyze_witness_replay(p, &bad, NULL)); /* ... is a pair with x = 1 */
    bad.x = 0;                                          /* and not one with x = 0 */
    assert_false(analyze_witness_replay(p, &bad, NULL));
}

/* A not-privileged pair is "identical but for M": a console byte waiting
 * in one state only is another pair. */
static void replay__a_privileged_pair_differs_in_m_alone(void **state)
{
    (void)state;
    const struct isa_profile *x86 = isa_profile_find("x86");
    static struct analyze_witness w, bad;
    ana_witness_of(&w, OP_SR, CLAIM_NOT_PRIV, 32, 0, MAKE_INSN(OP_SR, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_TRAP, 0, TRAP_NONE, TRAP_NONE};
    assert_true(analyze_witness_replay(x86, &w, NULL));
    bad = w;
    bad.s2.cin = 'A';
    assert_false(analyze_witness_replay(x86, &bad, NULL));
    bad = w;
    bad.s2.psw.ie = true;
    assert_false(analyze_witness_replay(x86, &bad, NULL));
}

/* An armed timer has cycles left (isa.md: at zero it "is disarmed and
 * becomes pending"): a witness whose S1 is armed with 0 is no state, and
 * does not replay. */
static void replay__a_timer_armed_with_no_cycles_is_no_state(void **state)
{
    (void)state;
    static struct analyze_witness w;
    ana_witness_of(&w, OP_LPSW, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_LPSW, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_M, 0, 1, 0};
    assert_true(analyze_witness_replay(isa_profile_default(), &w, NULL));
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 0};
    assert_false(analyze_witness_replay(isa_profile_default(), &w, NULL));
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 1};
    assert_true(analyze_witness_replay(isa_profile_default(), &w, NULL));
}
/* ---- docs/theorems.md: the words of a difference and of an instruction -- */

static void diff_is(enum analyze_component c, uint32_t addr, uint64_t v1, uint64_t v2,
                    enum analyze_claim claim, const char *want)
{
    char buf[160];
    struct analyze_diff d = {(uint8_t)c, addr, v1, v2};
    analyze_diff_text(&d, claim, buf, sizeof buf);
    assert_string_equal(buf, want);
}

/* "`not-priv` witness (`S1 (s) completes, S2 (u) completes`; an outcome
 * that traps is `traps (CAUSE)`, as `SVC`'s `S1 (s) traps (svc), S2 (u)
 * traps (svc)`)"; a word outside E | r names its (physical) address. */
static void text__differences_read_as_documented(void **state)
{
    (void)state;
    diff_is(COMP_TRAP, 0, TRAP_NONE, TRAP_NONE, CLAIM_NOT_PRIV,
            "S1 (s) completes, S2 (u) completes");
    diff_is(COMP_TRAP, 0, TRAP_SVC, TRAP_SVC, CLAIM_NOT_PRIV,
            "S1 (s) traps (svc), S2 (u) traps (svc)");
    diff_is(COMP_M, 0, 1, 0, CLAIM_CTL_S, "M: s -> u");
    diff_is(COMP_E, 0, 0x20, 0x100020, CLAIM_LOC_S, "E|r[0]: i(S1) 0x20, i(S2) 0x100020");
    char buf[160];
    struct analyze_diff d = {COMP_E_OUTSIDE, 5, 0, 7};
    analyze_diff_text(&d, CLAIM_CTL_S, buf, sizeof buf);
    cs_assert_has(buf, "E[5]");
    cs_assert_has(buf, "outside E|r");
    cs_assert_has(buf, "0x0 -> 0x7");
}

/* `insn`, "the instruction's word disassembled": an immediate is signed,
 * as `tgm dis` writes it. */
static void text__an_instruction_shows_its_signed_immediate(void **state)
{
    (void)state;
    char buf[64];
    analyze_insn_text(MAKE_INSN(OP_ADDI, 1, 2, ISA_FIELD), buf, sizeof buf);
    assert_string_equal(buf, "ADDI 1, 2, -1");
    analyze_insn_text(MAKE_INSN_L(OP_LI, 3, -5), buf, sizeof buf);
    assert_string_equal(buf, "LI 3, -5");
    analyze_insn_text(MAKE_INSN_L(OP_LI, 3, ISA_IMM38_MIN), buf, sizeof buf);
    assert_string_equal(buf, "LI 3, -137438953472");
}

/* ---- the library's defaults: "0 ... the library takes a seed of 0 to
 * mean the default" (docs/theorems.md, --seed) ----------------------------- */
static void analyze__zero_options_are_the_documented_defaults(void **state)
{
    (void)state;
    struct analyze_options o = {.random_states = 1};
    struct analyze_result *r = analyze_profile(isa_profile_find("pdp10"), &o);
    assert_non_null(r);
    assert_true(r->opts.seed == UINT64_C(0x50470a1974));
    assert_int_equal(r->opts.q, 32);
    o.seed = UINT64_C(0x50470a1974);
    struct analyze_result *same = analyze_profile(isa_profile_find("pdp10"), &o);
    assert_non_null(same);
    for (unsigned op = 0; op < ISA_NOPS; op++)
        assert_true(r->insn[op].n.mode == same->insn[op].n.mode &&
                    r->insn[op].n.states == same->insn[op].n.states);
    analyze_result_free(same);
    analyze_result_free(r);
}

/* ---- docs/theorems.md, "From a witness to a program" --------------------- */

/* "If the instruction leaves R unchanged and its new P addresses a word
 * that was 0, a HALT is put there": JRSTU 0 jumps to E|r[0]; with a word
 * there, the program keeps the word and has no observer HALT. */
static void counter__no_halt_over_a_word_of_the_witness(void **state)
{
    (void)state;
    const struct isa_profile *p = isa_profile_find("pdp10");
    static struct analyze_witness w;
    ana_witness_of(&w, OP_JRSTU, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_JRSTU, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_M, 0, 1, 0};
    static struct counterexample cx;
    char err[256];
    assert_int_equal(counter_build(p, &w, &cx, err, sizeof err), 0);
    assert_true(cx.observer); /* E|r[0] = 0: the HALT goes there */
    cs_assert_has(cx.source, "after:   HALT");
    counter_free(&cx);

    w.s1.mem[0] = 5;
    assert_int_equal(counter_build(p, &w, &cx, err, sizeof err), 0);
    assert_false(cx.observer);
    cs_assert_lacks(cx.source, "after:");
    cs_assert_has(cx.source, ".word   0x5");
    assert_true(cx.img.words[cx.shift - cx.img.load] == 5);
    counter_free(&cx);
}

/* A prologue for S1's timer "warns when `TSET` or `LPSW` is not privileged
 * in the profile": x86's LPSW is not. */
static void counter__a_prologue_warns_of_an_unprivileged_lpsw(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct counterexample cx;
    char err[256];
    ana_witness_of(&w, OP_SR, CLAIM_LOC_U, 32, 1, MAKE_INSN(OP_SR, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_E, 0, r_pack(0, 32), r_pack(1, 32)};
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
    analyze_derive_s2(CLAIM_LOC_U, &w.s1, 1, &w.s2);
    assert_int_equal(counter_build(isa_profile_find("x86"), &w, &cx, err, sizeof err), 0);
    cs_assert_has(cx.source, "TSET or LPSW is not privileged in profile x86");
    counter_free(&cx);

    ana_witness_of(&w, OP_LRA, CLAIM_LOC_U, 32, 1, MAKE_INSN(OP_LRA, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_E, 0, 0, 1};
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
    analyze_derive_s2(CLAIM_LOC_U, &w.s1, 1, &w.s2);
    const struct isa_profile *lra = isa_profile_find("s360-67-lra-user");
    assert_int_equal(counter_build(lra, &w, &cx, err, sizeof err), 0);
    cs_assert_has(cx.source, "TSET");
    cs_assert_lacks(cx.source, "not privileged in profile");
    counter_free(&cx);
}

/* E | r is the b words from l (docs/theorems.md: "b being a size here ...
 * it is b words"): in the program, a word of the witness just past the
 * region is labelled outside it, not E|r[b]. */
static void counter__a_word_just_past_the_region_is_outside_it(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct counterexample cx;
    char err[256];
    ana_witness_of(&w, OP_JRSTU, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_JRSTU, 0, 0, 0));
    w.s1.psw.b = 8;
    w.s1.mem[7] = 6;
    w.s1.mem[8] = 5;
    w.diff = (struct analyze_diff){COMP_M, 0, 1, 0};
    assert_int_equal(counter_build(isa_profile_find("pdp10"), &w, &cx, err, sizeof err), 0);
    cs_assert_has(cx.source, ".word   0x6                      ; E|r[7]\n");
    cs_assert_has(cx.source, ".word   0x5                      ; witness E[8], outside E|r\n");
    cs_assert_lacks(cx.source, "E|r[8]");
    counter_free(&cx);
}

/* `as_predicted`: "every program halts on the bare machine, the VMM fails
 * iff Theorem 1 fails and the hybrid VMM iff Theorem 3 fails": outcomes as
 * predicted but one program not halting bare is not as predicted. */
static void counter__a_program_that_does_not_halt_is_not_as_predicted(void **state)
{
    (void)state;
    char err[256];
    struct counter_report *r = counter_profile(isa_profile_find("pdp10"), NULL, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(r->n, 1);
    assert_true(counter_as_predicted(r));
    r->cx[0].bare_halted = false;
    assert_false(counter_as_predicted(r));
    counter_report_free(r);
}
/* ---- docs/theorems.md: the options' ranges, at their ends --------------- */

/* `--random-states N`: "1 to 1,000,000": the top of the range is taken,
 * one past it is not.  Each option is checked as it comes, so a bad
 * --words after it is the one refused when 1000000 is taken (and the
 * analysis never starts). */
static void cli__random_states_takes_one_million_not_more(void **state)
{
    (void)state;
    static const char *const cmds[] = {"analyze", "counterexample"};
    for (size_t i = 0; i < 2; i++) {
        struct cs_outcome o =
            cs_run_tgm(cmds[i], "--random-states", "1000000", "--words", "65", NULL);
        assert_int_equal(o.status, 2);
        cs_assert_has(o.err, "--words: 65 words is out of range (16..64)");
        cs_assert_lacks(o.err, "random-states");
        assert_int_equal(o.out_len, 0);
        cs_outcome_free(&o);
        o = cs_run_tgm(cmds[i], "--random-states", "1000001", NULL);
        assert_int_equal(o.status, 2);
        cs_assert_has(o.err, "1000001 is out of range (1..1000000)");
        assert_int_equal(o.out_len, 0);
        cs_outcome_free(&o);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutana53");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(states__the_ten_boundary_r_values_in_order_each_first_plain),
        cmocka_unit_test(states__each_operand_field_takes_its_documented_edges),
        cmocka_unit_test(states__random_timers_and_memory_are_the_documented_kinds),
        cmocka_unit_test(states__shifts_are_the_documented_ones_in_order),
        cmocka_unit_test(witness__a_nonzero_x_is_shown_whatever_the_claim),
        cmocka_unit_test(witness__timer_and_console_byte_as_documented),
        cmocka_unit_test(replay__a_location_pair_is_in_one_mode_at_its_address),
        cmocka_unit_test(replay__a_mode_pair_is_moved_by_its_own_x),
        cmocka_unit_test(replay__a_privileged_pair_differs_in_m_alone),
        cmocka_unit_test(replay__a_timer_armed_with_no_cycles_is_no_state),
        cmocka_unit_test(control__m_and_r_are_reported_before_i),
        cmocka_unit_test(exec__a_waiting_console_byte_0_is_a_byte),
        cmocka_unit_test(text__differences_read_as_documented),
        cmocka_unit_test(text__an_instruction_shows_its_signed_immediate),
        cmocka_unit_test(analyze__zero_options_are_the_documented_defaults),
        cmocka_unit_test(counter__no_halt_over_a_word_of_the_witness),
        cmocka_unit_test(counter__a_prologue_warns_of_an_unprivileged_lpsw),
        cmocka_unit_test(counter__a_word_just_past_the_region_is_outside_it),
        cmocka_unit_test(counter__a_program_that_does_not_halt_is_not_as_predicted),
        cmocka_unit_test(cli__random_states_takes_one_million_not_more),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
