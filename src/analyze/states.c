/* states.c: the states each instruction is tried on (sections 2 and 3).
 *
 * Boundary states first: R = (l, b) at the edges of section 2's address
 * development, with every combination of the operand fields at their edges;
 * then random states.  Memory, P, I, timer and console come from a seeded
 * generator: everything is a function of (op, q, seed).
 */
#include <string.h>

#include "analyze_impl.h"

/* splitmix64: small, fast, and the same sequence everywhere. */
static uint64_t rnd(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static uint32_t below(uint64_t *s, uint32_t n)
{
    return n ? (uint32_t)(rnd(s) % n) : 0;
}

struct rconf {
    uint32_t l, b;
};

/* The boundary relocation-bounds values, in order of simplicity. */
#define NRCONF 10
static struct rconf rconf(unsigned i, uint32_t q)
{
    switch (i) {
    case 0: return (struct rconf){0, q};          /* all of E, as at power-on */
    case 1: return (struct rconf){0, q - 1};      /* the paper's (0, q - 1) */
    case 2: return (struct rconf){0, 8};          /* small, holding E[0], E[1] */
    case 3: return (struct rconf){4, q / 2};      /* inside memory */
    case 4: return (struct rconf){q / 2, q / 2};  /* ends exactly at q */
    case 5: return (struct rconf){q - 12, 16};    /* runs past q: a + l >= q first */
    case 6: return (struct rconf){q / 2, 1};      /* one word: the instruction */
    case 7: return (struct rconf){1, q - 1};      /* all but E[0] */
    case 8: return (struct rconf){2, 0};          /* b = 0: nothing addressable */
    default: return (struct rconf){q, 4};         /* l = q: nothing addressable */
    }
}

static unsigned add_edge(int64_t *e, unsigned n, int64_t v, bool sign_ok)
{
    if (n >= ANALYZE_MAX_EDGES || (!sign_ok && (v < 0 || v > TGM_ADDR_MASK)))
        return n;
    for (unsigned i = 0; i < n; i++)
        if (e[i] == v)
            return n;
    e[n] = v;
    return n + 1;
}

/* Edge values of one operand field under R = (l, b): for an address, the
 * two checks of section 2 on either side (a = b - 1, b; a + l = q - 1, q). */
static unsigned field_edges(unsigned kind, uint32_t q, uint32_t l, uint32_t b,
                            int64_t *e)
{
    int64_t lim = address_limit(q, l, b), Q = q, L = l, B = b;
    int64_t vals[7];
    unsigned nv = 0;
    bool sign_ok = false;
    switch (kind) {
    case OK_ADDR:
        nv = 7;
        memcpy(vals, (int64_t[]){0, 1, B - 1, B, Q - L - 1, Q - L, TGM_ADDR_MASK},
               sizeof vals);
        break;
    case OK_TGT:
        nv = 5;
        memcpy(vals, (int64_t[]){0, 1, lim - 1, lim, TGM_ADDR_MASK}, 5 * sizeof vals[0]);
        break;
    case OK_NUM:
        nv = 5;
        memcpy(vals, (int64_t[]){0, 1, Q - 1, Q, TGM_ADDR_MASK}, 5 * sizeof vals[0]);
        break;
    case OK_IMM:
        nv = 5;
        sign_ok = true;
        memcpy(vals, (int64_t[]){0, 1, -1, ISA_IMM_MIN, ISA_IMM_MAX}, 5 * sizeof vals[0]);
        break;
    case OK_IMM38:
        nv = 5;
        sign_ok = true;
        memcpy(vals, (int64_t[]){0, 1, -1, ISA_IMM38_MIN, ISA_IMM38_MAX},
               5 * sizeof vals[0]);
        break;
    default:
        nv = 1;
        vals[0] = 0;
        break;
    }
    unsigned n = 0;
    for (unsigned i = 0; i < nv; i++)
        n = add_edge(e, n, vals[i], sign_ok);
    return n;
}

static const uint8_t *kinds_of(unsigned op)
{
    return isa_format_kinds[isa_table[op].format];
}

static void setup_rconf(struct analyze_gen *g)
{
    struct rconf r = rconf(g->rc, g->q);
    const uint8_t *k = kinds_of(g->op);
    g->ncombo = 1;
    for (unsigned f = 0; f < 3; f++) {
        g->nedge[f] = field_edges(k[f], g->q, r.l, r.b, g->edge[f]);
        g->ncombo *= g->nedge[f];
    }
    /* where nothing is addressable every state traps: a few suffice */
    if (address_limit(g->q, r.l, r.b) == 0 && g->ncombo > 4)
        g->ncombo = 4;
    g->combo = 0;
}

void analyze_gen_init(struct analyze_gen *g, unsigned op, uint32_t q,
                      uint64_t seed, unsigned nrandom)
{
    memset(g, 0, sizeof *g);
    g->op = (uint8_t)op;
    g->q = q;
    g->rng = seed ^ ((uint64_t)op * UINT64_C(0x9e3779b97f4a7c15));
    g->random_left = nrandom;
    g->rc = 0;
    setup_rconf(g);
}

/* The draws are sequenced one by one: the order in which a function's
 * arguments or an initializer's values are evaluated is unspecified in C,
 * and gcc and clang differ, which gave different states (and counts). */
static uint64_t random_psw(uint64_t *rng, uint32_t p, uint32_t l, uint32_t b)
{
    bool sup = below(rng, 2);
    bool ie = below(rng, 2);
    struct psw w = {sup, ie, 0, p, l, b};
    return psw_pack(&w);
}

/* One word of memory: mostly addresses and edge values, some PSW and R
 * words (valid for this machine), some noise. */
static uint64_t pool_value(uint64_t *rng, uint32_t q, uint32_t l, uint32_t b)
{
    uint32_t lim = address_limit(q, l, b);
    switch (below(rng, 24)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return UINT64_MAX;
    case 3: return (uint64_t)INT64_MIN;
    case 4: return (uint64_t)INT64_MAX;
    case 5: return q - 1;
    case 6: return q;
    case 7: return b ? b - 1 : 0;
    case 8: return b;
    case 9: return TGM_ADDR_MASK;
    case 10: return TGM_ADDR_MASK + 1u;
    case 11: return 'A';
    case 12: return 0x1FF;
    case 13: return random_psw(rng, below(rng, lim ? lim : 1), l, b);
    case 14: return random_psw(rng, below(rng, 4), 0, q);
    case 15: {
        uint32_t b2 = 1 + below(rng, q), l2 = below(rng, q), p2 = below(rng, q);
        return random_psw(rng, p2, l2, b2);
    }
    case 16: return r_pack(l, b);
    case 17: return r_pack(0, q);
    case 18: {
        uint32_t b2 = 1 + below(rng, q), l2 = below(rng, q);
        return r_pack(l2, b2);
    }
    case 19: return rnd(rng);
    default: return below(rng, q + 2); /* an address, in or just past E */
    }
}

/* One of the field's edge values under R = (l, b), drawn. */
static int64_t random_edge(struct analyze_gen *g, unsigned kind, uint32_t l, uint32_t b)
{
    int64_t e[ANALYZE_MAX_EDGES];
    unsigned ne = field_edges(kind, g->q, l, b, e);
    return e[below(&g->rng, ne)];
}

/* An operand field in the random phase: small valid values most often.
 * The edges are worked out only when drawn from (they use no draws). */
static int64_t random_field(struct analyze_gen *g, unsigned kind, uint32_t l, uint32_t b,
                            uint32_t lim)
{
    uint32_t r = below(&g->rng, 100);
    switch (kind) {
    case OK_ADDR:
    case OK_TGT:
    case OK_NUM:
        if (r < 45)
            return below(&g->rng, (kind == OK_NUM ? g->q : lim) + 1);
        if (r < 80)
            return random_edge(g, kind, l, b);
        return rnd(&g->rng) & TGM_ADDR_MASK;
    case OK_IMM:
    case OK_IMM38:
        if (r < 50)
            return (int64_t)below(&g->rng, 9) - 4;
        if (r < 80)
            return random_edge(g, kind, l, b);
        return kind == OK_IMM ? GET_IMM(rnd(&g->rng)) : GET_IMM38(rnd(&g->rng));
    default:
        return 0;
    }
}

static uint64_t make_word(unsigned op, const int64_t f[3])
{
    const uint8_t *k = kinds_of(op);
    if (k[1] == OK_IMM38)
        return MAKE_INSN_L(op, (uint32_t)f[0], f[1]);
    return MAKE_INSN(op, (uint64_t)f[0], (uint64_t)f[1], (uint64_t)f[2]);
}

static struct machine_timer random_timer(uint64_t *rng)
{
    struct machine_timer t = {0};
    switch (below(rng, 8)) {
    case 3: t.armed = true; t.remaining = 1; break; /* expires during the step */
    case 4: t.armed = true; t.remaining = 2 + below(rng, 12); break;
    case 5: t.armed = true; t.remaining = 100; break;
    case 6: t.armed = true; t.remaining = INT64_C(1) << 40; break;
    case 7: t.pending = true; break;
    default: break; /* disarmed */
    }
    return t;
}

/* Shifts x for S2 = <e | r (+) x, m, p, r (+) x>: by one, to the end of
 * memory, one past it (the region then loses words), and a random one; only
 * those that leave the instruction inside E. */
static unsigned shifts(uint64_t *rng, uint32_t q, uint32_t l, uint32_t b,
                       uint32_t p, uint32_t xs[ANALYZE_MAX_SHIFTS])
{
    if (l + p >= q || address_limit(q, l, b) == 0)
        return 0;
    int64_t room = (int64_t)q - l - p - 1; /* largest x keeping the fetch in E */
    int64_t end = (int64_t)q - l - b;
    int64_t cand[4] = {1, end, end + 1, 1 + (int64_t)below(rng, (uint32_t)(room > 0 ? room : 1))};
    unsigned n = 0;
    for (unsigned i = 0; i < 4 && n < ANALYZE_MAX_SHIFTS; i++) {
        bool dup = false;
        for (unsigned j = 0; j < n; j++)
            dup |= xs[j] == cand[i];
        if (!dup && cand[i] >= 1 && cand[i] <= room)
            xs[n++] = (uint32_t)cand[i];
    }
    return n;
}

bool analyze_gen_next(struct analyze_gen *g, struct analyze_state *s,
                      uint32_t xs[ANALYZE_MAX_SHIFTS], unsigned *nx)
{
    const uint8_t *k = kinds_of(g->op);
    uint32_t q = g->q, l, b;
    int64_t f[3];
    bool plain = false;
    while (g->rc < NRCONF && g->combo >= g->ncombo)
        if (++g->rc < NRCONF)
            setup_rconf(g);
    if (g->rc < NRCONF) {
        struct rconf r = rconf(g->rc, q);
        l = r.l;
        b = r.b;
        uint32_t c = g->combo++;
        plain = c == 0; /* the first state of each R: nothing but the word */
        for (unsigned i = 0; i < 3; i++) {
            f[i] = g->edge[i][c % g->nedge[i]];
            c /= g->nedge[i];
        }
    } else {
        if (g->random_left == 0)
            return false;
        g->random_left--;
        uint32_t r = below(&g->rng, 32);
        l = r == 0 ? q : below(&g->rng, q);
        b = r == 1 ? 0 : r < 6 ? q - (l < q ? l : q) : 1 + below(&g->rng, q + 3);
        uint32_t lim = address_limit(q, l, b);
        for (unsigned i = 0; i < 3; i++)
            f[i] = random_field(g, k[i], l, b, lim);
    }

    uint32_t lim = address_limit(q, l, b);
    memset(s, 0, sizeof *s);
    s->q = q;
    s->cin = -1;
    /* the pattern chosen once, not tested again at every word */
    switch (plain ? 0 : below(&g->rng, 8)) {
    case 0: break; /* zero already */
    case 1:
        for (uint32_t i = 0; i < q; i++)
            s->mem[i] = (uint64_t)i - l; /* each word its own address */
        break;
    case 2:
        for (uint32_t i = 0; i < q; i++)
            s->mem[i] = UINT64_MAX;
        break;
    default:
        for (uint32_t i = 0; i < q; i++)
            s->mem[i] = pool_value(&g->rng, q, l, b);
        break;
    }
    uint32_t p = 0;
    if (plain)
        p = lim > 2 ? 2 : 0;
    else if (lim)
        switch (below(&g->rng, 4)) {
        case 0: p = 0; break;
        case 1: p = lim - 1; break;
        default: p = below(&g->rng, lim); break;
        }
    if (l + p < q)
        s->mem[l + p] = make_word(g->op, f);
    s->psw = (struct psw){below(&g->rng, 2), false, 0, p, l, b};
    if (!plain) {
        s->psw.ie = below(&g->rng, 2);
        s->timer = random_timer(&g->rng);
        /* a pending timer with I set is an interrupt, not this instruction */
        if (s->timer.pending)
            s->psw.ie = false;
        uint32_t c = below(&g->rng, 4);
        s->cin = c < 2 ? -1 : c == 2 ? 'A' : (int)below(&g->rng, 256);
    }
    *nx = shifts(&g->rng, q, l, b, p, xs);
    return true;
}
