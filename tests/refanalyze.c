/* refanalyze.c: the classifier of refanalyze.h.  Its definitions are the
 * paper's (section 3: privileged, control sensitive, location and mode
 * sensitive; section 8: user and supervisor sensitive) with the trap rule
 * and the extensions of docs/theorems.md; its states are its own.
 */
#include <stddef.h>
#include <string.h>

#include "refanalyze.h"
#include "rng.h"

#define A19 0x7FFFFu

void rfa_exec(int prof, unsigned op, const struct rfa_state *s, struct rfa_out *o)
{
    (void)op; /* the word at E[l + P] is the instruction */
    static uint64_t e[RFA_QMAX];
    static struct rm m;
    /* all but the 4 KiB of console output, which nout says is empty */
    memset(&m, 0, offsetof(struct rm, out));
    memset(&m.nout, 0, sizeof m - offsetof(struct rm, nout));
    memcpy(e, s->e, sizeof e);
    uint8_t in = (uint8_t)(s->cin < 0 ? 0 : s->cin);
    m.q = s->q;
    m.e = e;
    m.sup = s->sup, m.ie = s->ie, m.p = s->p, m.l = s->l, m.b = s->b;
    m.armed = s->armed, m.pending = s->pending, m.rem = s->armed ? s->rem : 0;
    m.in = &in, m.nin = s->cin >= 0;
    m.prof = prof;
    uint32_t code = 0;
    enum rm_res res = rm_step(&m, &code);
    memset(o, 0, sizeof *o);
    o->trap = m.trapped;
    o->halted = res == R_HALT;
    o->sup = m.sup, o->ie = m.ie, o->p = m.p, o->l = m.l, o->b = m.b;
    memcpy(o->e, e, sizeof o->e);
    o->armed = m.armed, o->pending = m.pending, o->rem = m.armed ? m.rem : 0;
    o->nout = m.nout;
    memcpy(o->out, m.out, m.nout < 4 ? m.nout : 4);
    o->consumed = m.used > 0;
    o->cyc = m.cycles;
}

/* The timer S had, counted down by C cycles (pending at zero). */
static void counted(const struct rfa_state *s, uint64_t c, bool *armed, bool *pending, int64_t *rem)
{
    *armed = s->armed, *pending = s->pending, *rem = s->armed ? s->rem : 0;
    if (*armed && (*rem -= (int64_t)c) <= 0)
        *armed = false, *pending = true, *rem = 0;
}

/* The words of E | r that exist: min(b, q - l), 0 when l >= q. */
static uint32_t region(const struct rfa_state *s)
{
    if (s->l >= s->q)
        return 0;
    return s->b < s->q - s->l ? s->b : s->q - s->l;
}

uint64_t rfa_before(const struct rfa_state *s, const struct rfa_out *o, unsigned comp,
                    uint32_t addr)
{
    bool armed, pending;
    int64_t rem;
    counted(s, o->cyc, &armed, &pending, &rem);
    switch (comp) {
    case RFC_EOUT: return addr < s->q ? s->e[addr] : 0;
    case RFC_P: return s->p;
    case RFC_M: return s->sup;
    case RFC_I: return s->ie;
    case RFC_L: return s->l;
    case RFC_B: return s->b;
    case RFC_ARMED: return armed;
    case RFC_PENDING: return pending;
    case RFC_REM: return (uint64_t)rem;
    default: return 0; /* not halted, nothing written or consumed yet */
    }
}

uint64_t rfa_value(const struct rfa_state *s, const struct rfa_out *o, unsigned comp,
                   uint32_t addr)
{
    switch (comp) {
    case RFC_TRAP: return o->trap;
    case RFC_E: return s->l + addr < s->q ? o->e[s->l + addr] : 0;
    case RFC_EOUT: return addr < s->q ? o->e[addr] : 0;
    case RFC_P: return o->p;
    case RFC_M: return o->sup;
    case RFC_I: return o->ie;
    case RFC_L: return o->l;
    case RFC_B: return o->b;
    case RFC_HALT: return o->halted;
    case RFC_ARMED: return o->armed;
    case RFC_PENDING: return o->pending;
    case RFC_REM: return (uint64_t)o->rem;
    case RFC_OUTLEN: return o->nout;
    case RFC_OUT: return addr < o->nout && addr < 4 ? o->out[addr] : 0;
    case RFC_IN: return o->consumed;
    default: return 0;
    }
}

#define DIFF(c, a, x, y)                                                                  \
    do {                                                                                  \
        uint64_t x_ = (x), y_ = (y);                                                      \
        if (x_ != y_)                                                                     \
            return (struct rfa_diff){(c), (a), x_, y_};                                    \
    } while (0)

struct rfa_diff rfa_control(const struct rfa_state *s, const struct rfa_out *o)
{
    static const unsigned order[] = {RFC_M, RFC_L, RFC_B, RFC_I, RFC_HALT, RFC_ARMED, RFC_PENDING,
                                     RFC_REM, RFC_OUTLEN, RFC_IN};
    for (size_t k = 0; k < sizeof order / sizeof order[0]; k++)
        DIFF(order[k], 0, rfa_before(s, o, order[k], 0), rfa_value(s, o, order[k], 0));
    /* footnote 2: storage the instruction was not allocated */
    uint32_t n = region(s);
    for (uint32_t a = 0; a < s->q; a++)
        if (a < s->l || a >= s->l + n)
            DIFF(RFC_EOUT, a, s->e[a], o->e[a]);
    return (struct rfa_diff){RFC_NONE, 0, 0, 0};
}

struct rfa_diff rfa_compare(const struct rfa_state *s1, const struct rfa_out *o1,
                          const struct rfa_state *s2, const struct rfa_out *o2)
{
    uint32_t n1 = region(s1), n2 = region(s2), n = n1 < n2 ? n1 : n2;
    for (uint32_t i = 0; i < n; i++)
        DIFF(RFC_E, i, o1->e[s1->l + i], o2->e[s2->l + i]);
    DIFF(RFC_P, 0, o1->p, o2->p);
    DIFF(RFC_HALT, 0, o1->halted, o2->halted);
    DIFF(RFC_OUTLEN, 0, o1->nout, o2->nout);
    for (uint32_t k = 0; k < o1->nout && k < 4; k++)
        DIFF(RFC_OUT, k, o1->out[k], o2->out[k]);
    DIFF(RFC_IN, 0, o1->consumed, o2->consumed);
    DIFF(RFC_ARMED, 0, o1->armed, o2->armed);
    DIFF(RFC_PENDING, 0, o1->pending, o2->pending);
    DIFF(RFC_REM, 0, (uint64_t)o1->rem, (uint64_t)o2->rem);
    return (struct rfa_diff){RFC_NONE, 0, 0, 0};
}

bool rfa_shift(const struct rfa_state *s, uint32_t x, struct rfa_state *out)
{
    if ((uint64_t)s->l + x + s->p >= s->q)
        return false;
    *out = *s;
    out->l = s->l + x;
    for (uint32_t i = 0; i < s->b && s->l + i < s->q && s->l + x + i < s->q; i++)
        out->e[s->l + x + i] = s->e[s->l + i];
    return true;
}

/* ---- the search ---- */

static uint64_t rs;

static uint64_t rnd(void)
{
    return rng_next(&rs);
}

static uint32_t rn(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

static void keep(struct rfa_result *r, int claim, const struct rfa_state *s1,
                 const struct rfa_state *s2, uint32_t x, struct rfa_diff d)
{
    if (r->found[claim])
        return;
    r->found[claim] = true;
    r->wit[claim] = (struct rfa_wit){*s1, s2 ? *s2 : *s1, x, d};
}

/* Every definition on the base state B (its M is set by the pairs). */
static void consider(int prof, unsigned op, const struct rfa_state *b, struct rfa_result *r)
{
    struct rfa_state st[2] = {*b, *b};
    struct rfa_out o[2], t, t2;
    st[0].sup = false, st[1].sup = true;
    rfa_exec(prof, op, &st[0], &o[0]);
    rfa_exec(prof, op, &st[1], &o[1]);
    if (o[0].trap != RM_MEM && o[1].trap != RM_MEM) {
        r->pairs++;
        if (!(o[0].trap && !o[1].trap))
            keep(r, RFA_NOTPRIV, &st[1], &st[0], 0,
                 (struct rfa_diff){RFC_TRAP, 0, o[1].trap, o[0].trap});
    }
    /* the shifts: 1, 2, to end at q, past it, and one at random */
    uint32_t xs[6], nx = 0, q = b->q;
    uint32_t cand[6] = {1, 2, 0, 0, 0, 1 + rn(q)};
    if ((uint64_t)b->l + b->b < q) {
        cand[2] = q - b->l - b->b;
        cand[3] = cand[2] + 1;
    }
    cand[4] = b->l < q && q - b->l > 3 ? q - b->l - 1 - b->p : 0;
    for (int k = 0; k < 6; k++) {
        bool dup = cand[k] == 0 || (uint64_t)b->l + cand[k] + b->p >= q;
        for (uint32_t j = 0; j < nx; j++)
            dup |= xs[j] == cand[k];
        if (!dup)
            xs[nx++] = cand[k];
    }
    for (int m = 0; m < 2; m++) {
        if (o[m].trap)
            continue;
        r->ctl[m]++;
        struct rfa_diff d = rfa_control(&st[m], &o[m]);
        if (d.comp)
            keep(r, m ? RFA_CS : RFA_CU, &st[m], NULL, 0, d);
        for (uint32_t k = 0; k < nx; k++) {
            struct rfa_state s2;
            if (!rfa_shift(&st[m], xs[k], &s2))
                continue;
            rfa_exec(prof, op, &s2, &t);
            if (t.trap)
                continue;
            r->loc[m]++;
            d = rfa_compare(&st[m], &o[m], &s2, &t);
            if (d.comp)
                keep(r, m ? RFA_LS : RFA_LU, &st[m], &s2, xs[k], d);
        }
    }
    if (o[1].trap)
        return;
    if (!o[0].trap) {
        r->mode++;
        struct rfa_diff d = rfa_compare(&st[1], &o[1], &st[0], &o[0]);
        if (d.comp)
            keep(r, RFA_MD, &st[1], &st[0], 0, d);
    }
    for (uint32_t k = 0; k < nx; k++) {
        struct rfa_state su, ss;
        if (!rfa_shift(&st[0], xs[k], &su))
            continue;
        rfa_exec(prof, op, &su, &t);
        if (t.trap)
            continue;
        r->mode++;
        struct rfa_diff d = rfa_compare(&st[1], &o[1], &su, &t);
        if (!d.comp)
            continue;
        /* the location's, unless S1 moved in its own mode shows nothing */
        rfa_shift(&st[1], xs[k], &ss);
        rfa_exec(prof, op, &ss, &t2);
        if (t2.trap || !rfa_compare(&st[1], &o[1], &ss, &t2).comp)
            keep(r, RFA_MD, &st[1], &su, xs[k], d);
    }
}

static uint32_t lim_of(uint32_t q, uint32_t l, uint32_t b)
{
    return l >= q ? 0 : b < q - l ? b : q - l;
}

/* How many edge values a field of kind K has, and the I-th. */
static unsigned nedge(char k)
{
    return k == 'a' ? 10 : k == 't' ? 7 : k == 'n' ? 8 : 5;
}

static uint32_t edge(char k, uint32_t q, uint32_t l, uint32_t b, uint32_t p, unsigned i)
{
    uint32_t lim = lim_of(q, l, b);
    switch (k) {
    case 'a': {
        uint32_t v[] = {0, 1, lim - 1, lim, b - 1, b, q - l - 1, q - l, A19, p};
        return v[i % 10] & A19;
    }
    case 't': {
        uint32_t v[] = {0, 1, p, lim - 1, lim, A19, p + 1};
        return v[i % 7] & A19;
    }
    case 'n': {
        uint32_t v[] = {0, 1, q - 1, q, A19, b, lim - 1, A19 - l};
        return v[i % 8] & A19;
    }
    default: { /* 'i': a 19-bit signed immediate */
        uint32_t v[] = {0, 1, A19, 0x40000, 0x3FFFF};
        return v[i % 5];
    }
    }
}

static uint64_t pool_word(uint32_t q, uint32_t l, uint32_t b)
{
    switch (rn(16)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return UINT64_MAX;
    case 3: return (uint64_t)INT64_MIN;
    case 4: return (uint64_t)INT64_MAX;
    case 5: return rn(q + 3);
    case 6: return b;
    case 7: return l + rn(3);
    case 8:
        return rm_pack(rn(2), rn(2), 0, rn(q + 1), rn(2) ? l : rn(q + 1),
                       rn(2) ? b : rn(q + 2));
    case 9: return rm_pack(0, 0, 0, 0, rn(q), rn(q + 1)); /* an R word */
    case 10: return rnd();
    case 11: return 63 + rn(3);
    case 12: return 'A' + rn(3);
    case 13: return (uint64_t)-(int64_t)rn(4);
    case 14: return A19 - rn(3);
    default: return rn(4);
    }
}

static void fill(struct rfa_state *s, bool plain)
{
    memset(s->e, 0, sizeof s->e);
    unsigned pat = plain ? 0 : rn(6);
    for (uint32_t a = 0; a < s->q; a++)
        s->e[a] = pat == 0 ? 0 : pat == 1 ? a : pat == 2 ? UINT64_MAX
                : pat == 3 ? rn(s->q + 2) : pool_word(s->q, s->l, s->b);
    s->ie = !plain && rn(2);
    s->armed = s->pending = false, s->rem = 0;
    unsigned t = plain ? 0 : rn(8);
    static const int64_t rems[] = {1, 2, 3, 4, 11, 12, 13, 100, INT64_C(1) << 40};
    if (t >= 4 && t < 7)
        s->armed = true, s->rem = rems[rn(9)];
    else if (t == 7 && !s->ie)
        s->pending = true;
    s->cin = plain || rn(2) ? -1 : rn(3) ? 'A' : (int)rn(256);
}

static uint64_t word_of(unsigned op, const struct rm_insn *d, const uint32_t f[3])
{
    uint64_t w = (uint64_t)op << 57;
    if (d->f[0])
        w |= (uint64_t)f[0] << 38;
    if (d->f[1] == 'L')
        return w | (((uint64_t)f[1] << 19 | f[2]) & ((UINT64_C(1) << 38) - 1));
    if (d->f[1])
        w |= (uint64_t)f[1] << 19;
    if (d->f[2])
        w |= f[2];
    return w;
}

static void place(struct rfa_state *s, unsigned op, const struct rm_insn *d, const uint32_t f[3])
{
    s->e[s->l + s->p] = word_of(op, d, f);
}

void rfa_classify(int prof, unsigned op, uint32_t q, uint64_t seed, unsigned nbound,
                 unsigned nrandom, struct rfa_result *r)
{
    memset(r, 0, sizeof *r);
    rs = seed ^ (uint64_t)op << 40 ^ (uint64_t)q << 32;
    const struct rm_insn *d = rm_find(op);
    /* present: run once in supervisor mode, every field zero */
    struct rfa_state s = {.q = q, .sup = true, .p = 2, .l = 0, .b = q, .cin = -1};
    struct rfa_out o;
    s.e[2] = (uint64_t)op << 57;
    rfa_exec(prof, op, &s, &o);
    if (!d || o.trap == RM_ILL)
        return;
    r->present = true;
    size_t nf = strlen(d->f);
    /* boundary states: R at the edges of address development */
    const uint32_t ls[] = {0, 1, 2, q / 4, q / 2, q - 8, q - 2, q - 1, q};
    for (size_t li = 0; li < sizeof ls / sizeof ls[0]; li++) {
        uint32_t l = ls[li];
        const uint32_t bs[] = {0, 1, 2, 3, 8, q / 2, q - l - 1, q - l, q - l + 1, q, RM_BMASK};
        for (size_t bi = 0; bi < sizeof bs / sizeof bs[0]; bi++) {
            uint32_t b = bs[bi] & RM_BMASK, lim = lim_of(q, l, b);
            if (!lim)
                continue;
            const uint32_t ps[] = {0, lim - 1, lim / 2};
            for (int pi = 0; pi < 3; pi++) {
                uint32_t p = ps[pi];
                unsigned nk = 1;
                for (size_t k = 0; k < nf; k++)
                    nk *= nedge(d->f[k]);
                unsigned n = nk < nbound ? nk : nbound;
                for (unsigned c = 0; c < n; c++) {
                    struct rfa_state b0 = {.q = q, .p = p, .l = l, .b = b};
                    fill(&b0, c == 0);
                    uint32_t f[3] = {0, 0, 0};
                    unsigned pick = nk <= nbound ? c : rn(nk);
                    for (size_t k = 0; k < nf; k++) {
                        char kind = d->f[k];
                        if (kind == 'L') { /* imm38 over B and C */
                            static const uint64_t v[] = {0, 1, (UINT64_C(1) << 38) - 1,
                                                         UINT64_C(1) << 37,
                                                         (UINT64_C(1) << 37) - 1};
                            uint64_t x = v[pick % 5];
                            f[1] = (uint32_t)(x >> 19) & A19, f[2] = (uint32_t)x & A19;
                            break;
                        }
                        unsigned m = nedge(kind);
                        f[k] = edge(kind, q, l, b, p, pick % m);
                        pick /= m;
                    }
                    place(&b0, op, d, f);
                    consider(prof, op, &b0, r);
                }
            }
        }
    }
    /* random states */
    for (unsigned i = 0; i < nrandom; i++) {
        struct rfa_state b0 = {.q = q};
        b0.l = rn(3) ? rn(4) : rn(q);
        b0.b = rn(3) ? q - b0.l : rn(4) ? rn(q + 2) : rn(RM_BMASK + 1);
        uint32_t lim = lim_of(q, b0.l, b0.b);
        if (!lim)
            continue;
        b0.p = rn(4) ? rn(lim) : lim - 1;
        fill(&b0, false);
        uint32_t f[3] = {0, 0, 0};
        for (size_t k = 0; k < nf; k++) {
            char kind = d->f[k];
            if (kind == 'L') {
                f[1] = rn(2) ? 0 : (uint32_t)rnd() & A19, f[2] = (uint32_t)rnd() & A19;
                break;
            }
            unsigned w = rn(8);
            f[k] = w < 5 ? rn(lim + 2) : w < 7 ? edge(kind, q, b0.l, b0.b, b0.p, rn(10))
                                               : (uint32_t)rnd() & A19;
        }
        place(&b0, op, d, f);
        consider(prof, op, &b0, r);
    }
    if (!r->found[RFA_NOTPRIV] && r->pairs)
        r->cls |= RFA_PRIV;
    static const unsigned bit[RFA_NCLAIM] = {0,         RFA_CTL_S, RFA_CTL_U,
                                             RFA_LOC_S, RFA_LOC_U, RFA_MODE};
    for (int c = RFA_CS; c < RFA_NCLAIM; c++)
        if (r->found[c])
            r->cls |= bit[c];
}

/* ---- one claim on given states, and the witness reduction ---- */

bool rfa_claim(int prof, unsigned op, int claim, const struct rfa_state *s1, uint32_t x,
              struct rfa_state *s2, struct rfa_diff *d)
{
    struct rfa_out o1, o2, om;
    struct rfa_state mv;
    *d = (struct rfa_diff){RFC_NONE, 0, 0, 0};
    *s2 = *s1;
    rfa_exec(prof, op, s1, &o1);
    switch (claim) {
    case RFA_NOTPRIV:
        s2->sup = false;
        rfa_exec(prof, op, s2, &o2);
        if (o1.trap == RM_MEM || o2.trap == RM_MEM || (o2.trap && !o1.trap))
            return false;
        *d = (struct rfa_diff){RFC_TRAP, 0, o1.trap, o2.trap};
        return true;
    case RFA_CS:
    case RFA_CU:
        if (o1.trap)
            return false;
        *d = rfa_control(s1, &o1);
        return d->comp != RFC_NONE;
    default:
        if (!rfa_shift(s1, x, s2))
            return false;
        if (claim == RFA_MD)
            s2->sup = false;
        rfa_exec(prof, op, s2, &o2);
        if (o1.trap || o2.trap)
            return false;
        *d = rfa_compare(s1, &o1, s2, &o2);
        if (d->comp && claim == RFA_MD && x && rfa_shift(s1, x, &mv)) {
            rfa_exec(prof, op, &mv, &om);
            if (!om.trap && rfa_compare(s1, &o1, &mv, &om).comp)
                *d = (struct rfa_diff){RFC_NONE, 0, 0, 0}; /* the location's */
        }
        return d->comp != RFC_NONE;
    }
}

/* "Witnesses": each word of E but the instruction set to zero, then the
 * timer, the console input and I cleared, each change kept only if the
 * claim still shows a difference; S2 and the difference recomputed. */
void rfa_reduce(int prof, unsigned op, int claim, struct rfa_wit *w)
{
    struct rfa_state *s = &w->s1, t;
    struct rfa_diff d;
    uint32_t at = s->l + s->p;
    for (uint32_t i = 0; i < s->q; i++) {
        uint64_t keep = s->e[i];
        if (i == at || !keep)
            continue;
        s->e[i] = 0;
        if (!rfa_claim(prof, op, claim, s, w->x, &t, &d))
            s->e[i] = keep;
    }
    if (s->armed || s->pending) {
        bool a = s->armed, p = s->pending;
        int64_t r = s->rem;
        s->armed = s->pending = false, s->rem = 0;
        if (!rfa_claim(prof, op, claim, s, w->x, &t, &d))
            s->armed = a, s->pending = p, s->rem = r;
    }
    if (s->cin >= 0) {
        int c = s->cin;
        s->cin = -1;
        if (!rfa_claim(prof, op, claim, s, w->x, &t, &d))
            s->cin = c;
    }
    if (s->ie) {
        s->ie = false;
        if (!rfa_claim(prof, op, claim, s, w->x, &t, &d))
            s->ie = true;
    }
    rfa_claim(prof, op, claim, s, w->x, &w->s2, &w->d);
}
