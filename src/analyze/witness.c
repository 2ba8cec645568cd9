/* witness.c: the definitions of sections 3 and 8 applied to runs.
 *
 * Privileged (a pair S1 = <e,s,p,r>, S2 = <e,u,p,r>), control sensitive (one
 * state, the change of M, R or a documented resource), location and mode
 * sensitive (S1 = <e|r, m1, p, r>, S2 = <e|r(+)x, m2, p, r(+)x>, comparing
 * e|r and p).  Also reduces a witness to what it needs, and replays one.
 */
#include <string.h>

#include "analyze_impl.h"

static void set_diff(struct analyze_diff *d, enum analyze_component c,
                     uint32_t addr, uint64_t v1, uint64_t v2)
{
    d->comp = (uint8_t)c;
    d->addr = addr;
    d->v1 = v1;
    d->v2 = v2;
}

/* What the timer would be after CYCLES with no instruction touching it:
 * an armed timer counts down and becomes pending at zero. */
static struct machine_timer timer_counted(struct machine_timer t, uint64_t cycles)
{
    if (t.armed) {
        if ((uint64_t)t.remaining > cycles) {
            t.remaining -= (int64_t)cycles;
        } else {
            t.armed = false;
            t.pending = true;
            t.remaining = 0;
        }
    }
    return t;
}

static bool timer_diff(struct machine_timer a, struct machine_timer b,
                       struct analyze_diff *d)
{
    if (a.armed != b.armed)
        set_diff(d, COMP_TIMER_ARMED, 0, a.armed, b.armed);
    else if (a.pending != b.pending)
        set_diff(d, COMP_TIMER_PENDING, 0, a.pending, b.pending);
    else if (a.remaining != b.remaining)
        set_diff(d, COMP_TIMER_REMAINING, 0, (uint64_t)a.remaining,
                 (uint64_t)b.remaining);
    else
        return false;
    return true;
}

/* The first i in [FROM, TO) with A[i] != B[i], or TO (also when FROM >= TO). */
static uint32_t first_diff(const uint64_t *a, const uint64_t *b, uint32_t from, uint32_t to)
{
    uint32_t i = from;
    while (i < to && a[i] == b[i])
        i++;
    return i < to ? i : to;
}

/* Control sensitivity of a run that completed: did it change M or R (the
 * paper's (a) and (b)), or a resource of the documented extensions (I, the
 * timer beyond counting down, the console, whether the processor runs), or
 * a word of E outside E | r (footnote 2's case, generalised)? */
static bool eval_control(const struct analyze_state *s, const struct analyze_run *r,
                         struct analyze_diff *d)
{
    const struct psw *a = &s->psw, *b = &r->psw;
    if (a->sup != b->sup) {
        set_diff(d, COMP_M, 0, a->sup, b->sup);
        return true;
    }
    if (a->l != b->l) {
        set_diff(d, COMP_L, 0, a->l, b->l);
        return true;
    }
    if (a->b != b->b) {
        set_diff(d, COMP_B, 0, a->b, b->b);
        return true;
    }
    if (a->ie != b->ie) {
        set_diff(d, COMP_I, 0, a->ie, b->ie);
        return true;
    }
    if (r->halted) {
        set_diff(d, COMP_HALT, 0, 0, 1);
        return true;
    }
    if (timer_diff(timer_counted(s->timer, r->cycles), r->timer, d))
        return true;
    if (r->out_len) {
        set_diff(d, COMP_CONSOLE_OUT_LEN, 0, 0, r->out_len);
        return true;
    }
    if (r->in_used) {
        set_diff(d, COMP_CONSOLE_IN, 0, 0, r->in_used);
        return true;
    }
    /* below E | r, then above it: in order, without testing each word's side */
    uint32_t lo = a->l < s->q ? a->l : s->q, hi = a->l + address_limit(s->q, a->l, a->b);
    uint32_t i = first_diff(s->mem, r->mem, 0, lo);
    if (i == lo)
        i = first_diff(s->mem, r->mem, hi, s->q);
    if (i < s->q) {
        set_diff(d, COMP_E_OUTSIDE, i, s->mem[i], r->mem[i]);
        return true;
    }
    return false;
}

/* Behaviour sensitivity: e1 | r against e2 | r (+) x over the words both
 * regions have, then p, then the extensions' observable results.  M and R
 * after are not compared: a change there is control sensitivity. */
static bool eval_pair(const struct analyze_state *s1, const struct analyze_run *r1,
                      const struct analyze_state *s2, const struct analyze_run *r2,
                      struct analyze_diff *d)
{
    uint32_t l1 = s1->psw.l, l2 = s2->psw.l;
    uint32_t n1 = address_limit(s1->q, l1, s1->psw.b);
    uint32_t n2 = address_limit(s2->q, l2, s2->psw.b);
    uint32_t n = n1 < n2 ? n1 : n2;
    for (uint32_t i = 0; i < n; i++)
        if (r1->mem[l1 + i] != r2->mem[l2 + i]) {
            set_diff(d, COMP_E, i, r1->mem[l1 + i], r2->mem[l2 + i]);
            return true;
        }
    if (r1->psw.p != r2->psw.p) {
        set_diff(d, COMP_P, 0, r1->psw.p, r2->psw.p);
        return true;
    }
    if (r1->halted != r2->halted) {
        set_diff(d, COMP_HALT, 0, r1->halted, r2->halted);
        return true;
    }
    if (r1->out_len != r2->out_len) {
        set_diff(d, COMP_CONSOLE_OUT_LEN, 0, r1->out_len, r2->out_len);
        return true;
    }
    for (size_t i = 0; i < r1->out_len; i++)
        if (r1->out[i] != r2->out[i]) {
            set_diff(d, COMP_CONSOLE_OUT, (uint32_t)i, r1->out[i], r2->out[i]);
            return true;
        }
    if (r1->in_used != r2->in_used) {
        set_diff(d, COMP_CONSOLE_IN, 0, r1->in_used, r2->in_used);
        return true;
    }
    return timer_diff(r1->timer, r2->timer, d);
}

/* E | r (+) x: the words l..l+b-1 of S1 copied to l+x.., as far as memory
 * goes; the rest of E is S1's.  x > 0, so the source always exists. */
void analyze_shift(const struct analyze_state *s1, uint32_t x, struct analyze_state *s2)
{
    analyze_state_copy(s2, s1);
    uint32_t l = s1->psw.l, q = s1->q;
    /* the region's first b words, as far as q lets them go (S2 is not S1) */
    if (l + x < q) {
        uint32_t n = s1->psw.b < q - l - x ? s1->psw.b : q - l - x;
        memcpy(s2->mem + l + x, s1->mem + l, n * sizeof s1->mem[0]);
    }
    s2->psw.l = l + x;
}

/* S1 on the slot of its mode; S2 on the slot of its mode among the shifted
 * states, or (a user twin) on the user slot, so that runs are shared. */
static unsigned slot_of(const struct analyze_state *s, bool shifted)
{
    return (shifted ? 2u : 0u) + (s->psw.sup ? 1u : 0u);
}

/* A pair with m1 != m2 and x != 0 mixes the two causes.  Its difference is
 * the location's when S1 moved by x in its own mode already differs from S1
 * (section 3's location sensitivity); only otherwise is it the mode's.
 * MOVED is that state and its run when the caller has them, else NULL. */
static bool moved_differs(struct analyze_ctx *cx, const struct analyze_state *s1,
                          const struct analyze_run *r1, uint32_t x,
                          const struct analyze_ran *moved)
{
    struct analyze_state st;
    struct analyze_diff d;
    struct analyze_ran m;
    if (moved) {
        m = *moved;
    } else {
        analyze_shift(s1, x, &st);
        m = (struct analyze_ran){&st, analyze_exec(cx, slot_of(&st, true), &st)};
    }
    return m.r->trap == TRAP_NONE && eval_pair(s1, r1, m.s, m.r, &d);
}

/* The modes each definition fixes: S1 = s and S2 = u for privileged and
 * mode sensitive pairs, one mode for both states of a location pair. */
static bool modes_fit(enum analyze_claim c, const struct analyze_state *s1,
                      const struct analyze_state *s2)
{
    switch (c) {
    case CLAIM_NOT_PRIV:
    case CLAIM_MODE:
        return s1->psw.sup && !s2->psw.sup;
    case CLAIM_CTL_S:
        return s1->psw.sup;
    case CLAIM_CTL_U:
        return !s1->psw.sup;
    case CLAIM_LOC_S:
        return s1->psw.sup && s2->psw.sup;
    case CLAIM_LOC_U:
        return !s1->psw.sup && !s2->psw.sup;
    default:
        return false;
    }
}

int analyze_check(struct analyze_ctx *cx, enum analyze_claim c,
                  const struct analyze_state *s1, const struct analyze_state *s2,
                  struct analyze_diff *d)
{
    set_diff(d, COMP_NONE, 0, 0, 0);
    if (!modes_fit(c, s1, s2))
        return CHECK_EXCLUDED;
    struct analyze_ran a = {s1, analyze_exec(cx, slot_of(s1, false), s1)}, b = {s2, NULL};
    if (c != CLAIM_CTL_S && c != CLAIM_CTL_U)
        b.r = analyze_exec(cx, slot_of(s2, s2->psw.l != s1->psw.l), s2);
    return analyze_judge(cx, c, a, b, NULL, d);
}

int analyze_judge(struct analyze_ctx *cx, enum analyze_claim c, struct analyze_ran a,
                  struct analyze_ran b, const struct analyze_ran *moved,
                  struct analyze_diff *d)
{
    const struct analyze_state *s1 = a.s, *s2 = b.s;
    const struct analyze_run *r1 = a.r, *r2 = b.r;
    set_diff(d, COMP_NONE, 0, 0, 0);
    switch (c) {
    case CLAIM_NOT_PRIV:
        /* the definition quantifies over pairs that do not memory trap */
        if (r1->trap == TRAP_MEM || r2->trap == TRAP_MEM)
            return CHECK_EXCLUDED;
        if (r2->trap != TRAP_NONE && r1->trap == TRAP_NONE)
            return CHECK_SAME;
        set_diff(d, COMP_TRAP, 0, r1->trap, r2->trap);
        return CHECK_DIFF;
    case CLAIM_CTL_S:
    case CLAIM_CTL_U:
        /* only executions that complete: a trap's own change is excluded */
        if (r1->trap != TRAP_NONE)
            return CHECK_EXCLUDED;
        return eval_control(s1, r1, d) ? CHECK_DIFF : CHECK_SAME;
    case CLAIM_LOC_S:
    case CLAIM_LOC_U:
        if (r1->trap != TRAP_NONE || r2->trap != TRAP_NONE)
            return CHECK_EXCLUDED;
        return eval_pair(s1, r1, s2, r2, d) ? CHECK_DIFF : CHECK_SAME;
    case CLAIM_MODE:
        if (r1->trap != TRAP_NONE || r2->trap != TRAP_NONE)
            return CHECK_EXCLUDED;
        if (!eval_pair(s1, r1, s2, r2, d))
            return CHECK_SAME;
        if (s2->psw.l != s1->psw.l &&
            moved_differs(cx, s1, r1, s2->psw.l - s1->psw.l, moved)) {
            set_diff(d, COMP_NONE, 0, 0, 0);
            return CHECK_SAME; /* the location's difference, not the mode's */
        }
        return CHECK_DIFF;
    case CLAIM_COUNT:
        break;
    }
    return CHECK_EXCLUDED;
}

void analyze_derive_s2(enum analyze_claim c, const struct analyze_state *s1,
                       uint32_t x, struct analyze_state *s2)
{
    switch (c) {
    case CLAIM_LOC_S:
    case CLAIM_LOC_U:
        analyze_shift(s1, x, s2);
        break;
    case CLAIM_MODE: /* x = 0 is the plain mode pair */
        analyze_shift(s1, x, s2);
        s2->psw.sup = false;
        break;
    case CLAIM_NOT_PRIV:
        analyze_state_copy(s2, s1);
        s2->psw.sup = false;
        break;
    default:
        analyze_state_copy(s2, s1);
        break;
    }
}

static bool still_differs(struct analyze_ctx *cx, struct analyze_witness *w)
{
    struct analyze_diff d;
    analyze_derive_s2(w->claim, &w->s1, w->x, &w->s2);
    return analyze_check(cx, w->claim, &w->s1, &w->s2, &d) == CHECK_DIFF;
}

/* Greedy reduction: zero each word of E but the instruction, disarm the
 * timer, drop console input, clear I, keeping each change that leaves a
 * difference; then record the difference the reduced state shows. */
void analyze_minimize(struct analyze_ctx *cx, struct analyze_witness *w)
{
    struct analyze_state *s = &w->s1;
    uint32_t at = s->psw.l + s->psw.p;
    for (uint32_t i = 0; i < s->q; i++) {
        uint64_t keep = s->mem[i];
        if (i == at || keep == 0)
            continue;
        s->mem[i] = 0;
        if (!still_differs(cx, w))
            s->mem[i] = keep;
    }
    struct machine_timer t = s->timer;
    if (t.armed || t.pending) {
        s->timer = (struct machine_timer){0};
        if (!still_differs(cx, w))
            s->timer = t;
    }
    int cin = s->cin;
    if (cin >= 0) {
        s->cin = -1;
        if (!still_differs(cx, w))
            s->cin = cin;
    }
    if (s->psw.ie) {
        s->psw.ie = false;
        if (!still_differs(cx, w))
            s->psw.ie = true;
    }
    analyze_derive_s2(w->claim, &w->s1, w->x, &w->s2);
    analyze_check(cx, w->claim, &w->s1, &w->s2, &w->diff);
}

/* e1 | r1 = e2 | r2 over the words both regions have. */
static bool regions_equal(const struct analyze_state *a, const struct analyze_state *b)
{
    uint32_t na = address_limit(a->q, a->psw.l, a->psw.b);
    uint32_t nb = address_limit(b->q, b->psw.l, b->psw.b);
    for (uint32_t i = 0; i < na && i < nb; i++)
        if (a->mem[a->psw.l + i] != b->mem[b->psw.l + i])
            return false;
    return true;
}

/* Is S2 the state the claim's definition pairs with S1?  A replay checks
 * this as well, so a witness cannot pass with an unrelated second state. */
static bool pair_related(const struct analyze_witness *w)
{
    const struct analyze_state *a = &w->s1, *b = &w->s2;
    uint32_t at = a->psw.l + a->psw.p;
    if (at >= a->q || GET_OP(a->mem[at]) != w->op)
        return false; /* the state does not hold the instruction at P */
    if (w->claim == CLAIM_CTL_S || w->claim == CLAIM_CTL_U)
        return true;
    if (a->q != b->q || a->psw.ie != b->psw.ie || a->psw.p != b->psw.p ||
        a->psw.b != b->psw.b || a->cin != b->cin ||
        a->timer.armed != b->timer.armed || a->timer.pending != b->timer.pending ||
        a->timer.remaining != b->timer.remaining)
        return false;
    switch (w->claim) {
    case CLAIM_NOT_PRIV: /* <e, s, p, r> and <e, u, p, r>: all of E */
        return a->psw.l == b->psw.l &&
               memcmp(a->mem, b->mem, a->q * sizeof a->mem[0]) == 0;
    case CLAIM_MODE:
        return b->psw.l == a->psw.l + w->x && regions_equal(a, b);
    case CLAIM_LOC_S:
    case CLAIM_LOC_U:
        return w->x > 0 && b->psw.l == a->psw.l + w->x && regions_equal(a, b);
    default:
        return false;
    }
}

/* A state a machine of q words can hold as it is: analyze_exec would run
 * any other as some other state (a timer armed and pending is refused, one
 * armed with no cycles left is pending, a console byte is a byte). */
static bool state_valid(const struct analyze_state *s)
{
    const struct psw *p = &s->psw;
    const struct machine_timer *t = &s->timer;
    if (p->p > TGM_ADDR_MASK || p->l > TGM_ADDR_MASK || p->b > PSW_B_MASK)
        return false;
    if (t->armed ? t->pending || t->remaining <= 0 : t->remaining != 0)
        return false;
    return s->cin >= -1 && s->cin <= 255;
}

bool analyze_witness_replay(const struct isa_profile *profile,
                            const struct analyze_witness *w,
                            struct analyze_diff *got)
{
    struct analyze_diff d;
    set_diff(&d, COMP_NONE, 0, 0, 0);
    bool same = false;
    struct analyze_ctx cx;
    /* S2's q is pair_related's to check: a control claim has no S2 */
    bool pair = w->claim != CLAIM_CTL_S && w->claim != CLAIM_CTL_U;
    if (w->claim < CLAIM_COUNT && w->s1.q >= ANALYZE_Q_MIN &&
        w->s1.q <= ANALYZE_Q_MAX && state_valid(&w->s1) &&
        (!pair || state_valid(&w->s2)) && pair_related(w) &&
        analyze_ctx_init(&cx, profile, w->s1.q) == 0) {
        /* the stored states as they are, not re-derived from S1 */
        if (analyze_check(&cx, w->claim, &w->s1, &w->s2, &d) == CHECK_DIFF)
            same = d.comp == w->diff.comp && d.addr == w->diff.addr &&
                   d.v1 == w->diff.v1 && d.v2 == w->diff.v2;
        else
            set_diff(&d, COMP_NONE, 0, 0, 0);
        analyze_ctx_fini(&cx);
    }
    if (got)
        *got = d;
    return same;
}
