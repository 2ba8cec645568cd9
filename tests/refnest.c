/* refnest.c: the judge of refnest.h.  See there. */
#include "refnest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"

#include "rng.h"

/* ---- the two runs -------------------------------------------------------- */

static bool log_push(struct rn_state *s, uint64_t v)
{
    if (s->nlog == s->caplog) {
        size_t cap = s->caplog ? 2 * s->caplog : 64;
        uint64_t *p = realloc(s->log, cap * sizeof *p);
        if (!p)
            return false;
        s->log = p, s->caplog = cap;
    }
    s->log[s->nlog++] = v;
    return true;
}

void rn_free(struct rn_state *s)
{
    free(s->e);
    free(s->log);
    s->e = NULL, s->log = NULL;
}

/* Level 1's figures follow from the bare run and the modes of
 * docs/recursion.md: every trap the guest takes is reflected once; a
 * privileged instruction in supervisor mode is one entry and interpreted
 * (its operand's memory trap is reflected from it); with the virtual timer
 * armed and I = 1 in supervisor mode (step) each instruction is one resume
 * and, when it completes, one real timer trap; in user mode with I = 1
 * (exact) a timer trap right after an instruction the guest completed
 * there is the real timer's.  Every other virtual timer trap is let in by
 * the control program itself (a pending timer at resume): no entry. */
int rn_bare(const struct rn_guest *g, uint64_t budget, struct rn_state *o)
{
    memset(o, 0, sizeof *o);
    struct rm m;
    memset(&m, 0, sizeof m);
    m.q = g->w;
    m.e = malloc((size_t)g->w * sizeof *m.e);
    if (!m.e)
        return -1;
    memcpy(m.e, g->e, (size_t)g->w * sizeof *m.e);
    rm_load_psw(&m, g->entry);
    m.prof = P_VIRT;
    m.in = g->in, m.nin = g->nin;
    bool user_done = false; /* the last step completed an instruction in user mode */
    while (m.steps < budget) {
        bool sup = m.sup, ie = m.ie, armed = m.armed;
        uint32_t code;
        enum rm_res r = rm_step(&m, &code);
        for (unsigned i = 0; i < m.nacc; i++)
            if (m.accw[i] && m.acc[i] == 0) {
                if (!log_push(o, m.e[0]))
                    return free(m.e), -1;
                break;
            }
        unsigned t = m.trapped;
        if (t)
            o->last_trap = (uint8_t)t;
        if (t == RM_TIMER) {
            if (user_done)
                o->entries++, o->causes[RM_TIMER]++;
            user_done = false;
            continue;
        }
        bool step_mode = sup && ie && armed;
        const struct rm_insn *d = m.fetched ? rm_find((unsigned)(m.word >> 57)) : NULL;
        bool interp = sup && d && d->priv && t != RM_ILL;
        if (step_mode)
            o->single++;
        if (interp)
            o->entries++, o->interp++, o->causes[RM_PRIV]++;
        else if (t)
            o->entries++, o->causes[t]++;
        else if (step_mode)
            o->entries++, o->causes[RM_TIMER]++;
        user_done = !t && !sup;
        if (r == R_HALT) {
            o->halted = true;
            break;
        }
    }
    o->w = g->w;
    o->e = m.e;
    o->vpsw = rm_pack(m.sup, m.ie, 0, m.p, m.l, m.b);
    o->armed = m.armed, o->pending = m.pending, o->rem = m.rem;
    memcpy(o->out, m.out, m.nout);
    o->nout = m.nout, o->in_used = m.used;
    for (unsigned c = 1; c < RM_NCAUSE; c++)
        o->traps[c] = m.traps[c], o->reflect += m.traps[c];
    o->vtimer = m.traps[RM_TIMER];
    o->steps = m.steps, o->cycles = m.cycles;
    return 0;
}

static struct tgm_image cp;
static bool have_cp;

static uint32_t cp_sym(const char *name)
{
    const struct tgm_symbol *s = image_symbol(&cp, name);
    if (!s) {
        fprintf(stderr, "refnest: the control program has no symbol %s\n", name);
        abort();
    }
    return (uint32_t)s->value;
}

static int cp_load(char *why, size_t len)
{
    if (!have_cp && nest_cp_image(&cp, why, len) < 0)
        return -1;
    have_cp = true;
    return 0;
}

uint32_t rn_k(void)
{
    char why[256];
    if (cp_load(why, sizeof why) < 0)
        abort();
    return cp_sym("cp_guest");
}

/* The stack as docs/recursion.md lays it out: level d's CP at (N - d) K,
 * its cp_w the words of all it hosts, level 1's cp_vpsw the guest's entry
 * PSW, and the guest proper's words at N K. */
static bool layout_ok(const struct machine *m, const struct rn_guest *g, unsigned n,
                      uint32_t k, char *why, size_t len)
{
    const uint64_t *e = machine_mem(m);
    for (unsigned d = 1; d <= n; d++) {
        uint32_t base = (n - d) * k;
        if (e[base + cp_sym("cp_w")] != g->w + (uint64_t)(d - 1) * k) {
            snprintf(why, len, "level %u: cp_w is %llu, not %llu", d,
                     (unsigned long long)e[base + cp_sym("cp_w")],
                     (unsigned long long)(g->w + (uint64_t)(d - 1) * k));
            return false;
        }
    }
    if (e[(n - 1) * k + cp_sym("cp_vpsw")] != g->entry) {
        snprintf(why, len, "level 1: cp_vpsw is not the guest's entry PSW");
        return false;
    }
    if (memcmp(e + (size_t)n * k, g->e, (size_t)g->w * sizeof *e) != 0) {
        snprintf(why, len, "the guest's words are not at N K");
        return false;
    }
    return true;
}

int rn_nest(const struct rn_guest *g, unsigned depth, uint64_t budget, struct rn_state *o,
            char *why, size_t len)
{
    memset(o, 0, sizeof *o);
    if (cp_load(why, len) < 0)
        return -1;
    uint32_t k = cp_sym("cp_guest"), top = depth * k, base1 = (depth - 1) * k;
    struct tgm_image guest = {.load = 0, .nwords = g->w, .entry_psw = g->entry, .words = g->e};
    struct tgm_image stack;
    struct nest_layout lay;
    uint32_t q = g->w + depth * k;
    if (nest_compose(&cp, &guest, depth, q, &stack, &lay, why, len) < 0)
        return -1;
    struct machine_config cfg = {.q = q};
    struct machine *m = machine_create(&cfg);
    if (!m || image_load(m, &stack, why, len) < 0) {
        image_free(&stack);
        machine_destroy(m);
        snprintf(why, len, "the stack does not load");
        return -1;
    }
    image_free(&stack);
    if (!layout_ok(m, g, depth, k, why, len)) {
        machine_destroy(m);
        return -1;
    }
    if (machine_console_input(m, g->in, g->nin) < 0 || machine_watch(m, top, WATCH_WRITE) < 0) {
        machine_destroy(m);
        snprintf(why, len, "out of memory");
        return -1;
    }
    uint64_t left = budget;
    while (left) {
        struct machine_exit ex;
        enum exit_reason r = machine_run(m, left, &ex);
        left -= ex.steps < left ? ex.steps : left;
        if (r == EXIT_WATCH) {
            if (!log_push(o, machine_mem(m)[top]))
                break;
            continue;
        }
        o->halted = r == EXIT_HALT;
        break;
    }
    const uint64_t *e = machine_mem(m);
    const uint64_t *c1 = e + base1;
    o->w = g->w;
    o->e = malloc((size_t)g->w * sizeof *o->e);
    if (!o->e) {
        machine_destroy(m);
        snprintf(why, len, "out of memory");
        return -1;
    }
    memcpy(o->e, e + top, (size_t)g->w * sizeof *o->e);
    o->vpsw = c1[cp_sym("vpsw")];
    o->armed = c1[cp_sym("vtarm")] != 0;
    o->rem = (int64_t)c1[cp_sym("vrem")];
    o->pending = c1[cp_sym("vtpend")] != 0;
    size_t n;
    const uint8_t *out = machine_console_output(m, &n);
    o->nout = n;
    if (n) /* (no output: no buffer) */
        memcpy(o->out, out, n < RM_OUTMAX ? n : RM_OUTMAX);
    o->in_used = machine_console_input_used(m);
    for (unsigned c = 1; c < RM_NCAUSE; c++) {
        o->traps[c] = c1[cp_sym("n_rtrap") + c];
        o->causes[c] = c1[cp_sym("n_cause") + c];
    }
    o->last_trap = (uint8_t)c1[cp_sym("last_trap")];
    o->entries = c1[cp_sym("n_entries")];
    o->interp = c1[cp_sym("n_interp")];
    o->reflect = c1[cp_sym("n_reflect")];
    o->vtimer = c1[cp_sym("n_vtimer")];
    o->single = c1[cp_sym("n_steps")];
    o->steps = machine_steps(m), o->cycles = machine_cycles(m);
    /* Every trap that reaches level d is one that level d + 1 reflected
     * into it: its traps by cause are level d + 1's guest's traps. */
    for (unsigned d = 1; d < depth && !o->levels[0]; d++) {
        const uint64_t *lo = e + (depth - d) * k, *hi = e + (depth - d - 1) * k;
        for (unsigned c = 1; c < RM_NCAUSE; c++)
            if (lo[cp_sym("n_cause") + c] != hi[cp_sym("n_rtrap") + c])
                snprintf(o->levels, sizeof o->levels,
                         "level %u took %llu traps of cause %u, level %u reflected %llu", d,
                         (unsigned long long)lo[cp_sym("n_cause") + c], c, d + 1,
                         (unsigned long long)hi[cp_sym("n_rtrap") + c]);
        if (lo[cp_sym("n_entries")] != hi[cp_sym("n_reflect")])
            snprintf(o->levels, sizeof o->levels, "level %u: %llu entries, level %u: %llu reflected",
                     d, (unsigned long long)lo[cp_sym("n_entries")], d + 1,
                     (unsigned long long)hi[cp_sym("n_reflect")]);
    }
    machine_destroy(m);
    return 0;
}

#define DIFF(...) do { snprintf(diff, len, __VA_ARGS__); return true; } while (0)
#define U(x) ((unsigned long long)(x))

bool rn_differ(const struct rn_state *b, const struct rn_state *n, char *diff, size_t len)
{
    if (b->halted != n->halted)
        DIFF("halted: bare %d, nested %d", b->halted, n->halted);
    for (uint32_t i = 0; i < b->w; i++)
        if (b->e[i] != n->e[i])
            DIFF("E[%u]: bare %#llx, nested %#llx", i, U(b->e[i]), U(n->e[i]));
    if (b->vpsw != n->vpsw)
        DIFF("PSW: bare %#llx, nested %#llx", U(b->vpsw), U(n->vpsw));
    if (b->armed != n->armed || b->pending != n->pending || b->rem != n->rem)
        DIFF("timer: bare armed %d rem %lld pending %d, nested armed %d rem %lld pending %d",
             b->armed, (long long)b->rem, b->pending, n->armed, (long long)n->rem,
             n->pending);
    if (b->nout != n->nout || memcmp(b->out, n->out, b->nout < RM_OUTMAX ? b->nout : RM_OUTMAX))
        DIFF("console output: bare %zu bytes, nested %zu", b->nout, n->nout);
    if (b->in_used != n->in_used)
        DIFF("input consumed: bare %zu, nested %zu", b->in_used, n->in_used);
    for (size_t i = 0; i < b->nlog && i < n->nlog; i++)
        if (b->log[i] != n->log[i])
            DIFF("E[0] write %zu: bare %#llx, nested %#llx", i + 1, U(b->log[i]),
                 U(n->log[i]));
    if (b->nlog != n->nlog)
        DIFF("E[0] writes: bare %zu, nested %zu", b->nlog, n->nlog);
    for (unsigned c = 1; c < RM_NCAUSE; c++)
        if (b->traps[c] != n->traps[c])
            DIFF("traps of cause %u: bare %llu, level 1 %llu", c, U(b->traps[c]),
                 U(n->traps[c]));
    if (b->last_trap != n->last_trap)
        DIFF("last trap: bare %u, level 1 %u", b->last_trap, n->last_trap);
    if (b->reflect != n->reflect || b->vtimer != n->vtimer)
        DIFF("level 1 reflected %llu (model %llu), timer traps %llu (model %llu)",
             U(n->reflect), U(b->reflect), U(n->vtimer), U(b->vtimer));
    if (b->interp != n->interp)
        DIFF("level 1 interpreted %llu, model %llu", U(n->interp), U(b->interp));
    if (b->single != n->single)
        DIFF("level 1 single steps %llu, model %llu", U(n->single), U(b->single));
    for (unsigned c = 1; c < RM_NCAUSE; c++)
        if (b->causes[c] != n->causes[c])
            DIFF("level 1 entries of cause %u: %llu, model %llu", c, U(n->causes[c]),
                 U(b->causes[c]));
    if (b->entries != n->entries)
        DIFF("level 1 entries %llu, model %llu", U(n->entries), U(b->entries));
    if (n->levels[0])
        DIFF("%s", n->levels);
    return false;
}

/* ---- the generator ------------------------------------------------------- */

#define INSN(op, a, b, c)                                                                    \
    ((uint64_t)(op) << 57 | (uint64_t)((a) & 0x7FFFF) << 38 | (uint64_t)((b) & 0x7FFFF) << 19 | \
     (uint64_t)((c) & 0x7FFFF))
#define PSW(s, i, p, l, b) rm_pack(s, i, 0, p, l, b)

enum { G_FUEL = 2, G_P1 = 3, G_CNT = 4, G_POOL = 8, G_CODE = 72, G_NUSER = 6 };
enum {
    O_NOP = 0x01, O_HALT = 0x02, O_MOV = 0x08, O_LI = 0x09, O_LDX = 0x0A, O_STX = 0x0B,
    O_ADD = 0x10, O_DIV = 0x13, O_ADDI = 0x1D, O_JMP = 0x28, O_JMPI = 0x29, O_JAL = 0x2B,
    O_BEQ = 0x2C, O_BZ = 0x32, O_BNZ = 0x33, O_DJNZ = 0x34, O_SVC = 0x38, O_LPSW = 0x40,
    O_SPSW, O_LR, O_SR, O_TSET, O_TGET, O_COUT, O_CIN, O_HCALL
};

struct gen {
    uint64_t *rng;
    uint64_t *e;
    uint32_t w, pc, end;     /* code is written at pc, up to end */
    uint32_t prep;           /* prepared words are taken from the pool's top down */
    uint32_t l;              /* the block's relocation: operands are relative to it */
    uint32_t user[G_NUSER], nuser;
};

static uint32_t rn(struct gen *g, uint32_t n)
{
    return n ? (uint32_t)(rng_next(g->rng) % n) : 0;
}

static void put(struct gen *g, uint64_t word)
{
    if (g->pc < g->end)
        g->e[g->pc++] = word;
}

static uint32_t prep(struct gen *g, uint64_t v)
{
    uint32_t a = g->prep > G_POOL + 16 ? --g->prep : G_POOL + rn(g, 64);
    g->e[a] = v;
    return a - g->l; /* as the block addresses it */
}

/* Physical addresses, made relative to the block: mostly the pool, now and
 * then E[0], the code, the edges of the machine, anywhere. */
static uint32_t oob(struct gen *g)
{
    switch (rn(g, 5)) {
    case 0: return g->w - 1;
    case 1: return g->w;
    case 2: return g->w + rn(g, 8);
    case 3: return 0x7FFFF;
    default: return rn(g, 1u << 19);
    }
}

static uint32_t dr(struct gen *g)
{
    uint32_t r = rn(g, 100), a;
    if (r < 75) a = G_POOL + rn(g, 64);
    else if (r < 82) a = rn(g, 2);
    else if (r < 90) a = G_CODE + rn(g, g->pc - G_CODE + 4);
    else return oob(g) - g->l;
    return a - g->l;
}

static uint32_t dw(struct gen *g)
{
    uint32_t r = rn(g, 200), a;
    if (r < 160) a = G_POOL + rn(g, 64);
    else if (r < 170) a = 0;
    else if (r < 176) a = g->pc + 1 + rn(g, 4); /* its own code, ahead */
    else if (r == 176) a = 1;
    else return oob(g) - g->l;
    return a - g->l;
}

/* Timer values: small enough to expire inside trap sequences and
 * interpreted instructions, disarming, large, and near 2^63 (tcorr). */
static uint64_t tval(struct gen *g)
{
    uint32_t r = rn(g, 100);
    if (r < 45) return 1 + rn(g, 12);
    if (r < 60) return 13 + rn(g, 100);
    if (r < 70) return (uint64_t)-(int64_t)rn(g, 3);
    if (r < 88) return (uint64_t)INT64_MAX - rn(g, 20);
    if (r < 93) return (uint64_t)INT64_MAX - rn(g, 100000);
    return rng_next(g->rng);
}

static uint64_t rword(struct gen *g)
{
    uint32_t r = rn(g, 100);
    if (r < 55) return PSW(0, 0, 0, 0, g->w);
    if (r < 65) return PSW(0, 0, 0, 0, g->w + 1 + rn(g, 100));
    if (r < 72) return PSW(0, 0, 0, 0, 0x80000 + rn(g, 0x80000));
    if (r < 80) return PSW(0, 0, 0, g->w + rn(g, 20), 0); /* l >= W, b = 0 */
    if (r < 90) return PSW(0, 0, 0, 0, g->pc + 1 + rn(g, 8));
    return rng_next(g->rng);
}

static uint64_t illegal(struct gen *g)
{
    switch (rn(g, 6)) {
    case 0: return INSN(O_HCALL, rn(g, 10), 0, 0);
    case 1: return INSN(0x50, g->pc, 0, 0); /* JRSTU: other profiles only */
    case 2: return 0;
    case 3: return INSN(O_NOP, 1 + rn(g, 100), 0, 0); /* an unused field set */
    case 4: return INSN(O_HALT, 0, 0, 1);
    default: return (uint64_t)(0x58 + rn(g, 40)) << 57;
    }
}

static const unsigned alu_ops[] = {0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
                                   0x19, 0x1A, 0x1B, 0x1C, 0x1E, 0x1F, 0x20};
static const unsigned priv_ops[] = {O_HALT, O_LPSW, O_SPSW, O_LR,   O_SR,
                                    O_TSET, O_TGET, O_COUT, O_CIN};

static void innocuous(struct gen *g)
{
    uint32_t here = g->pc - g->l;
    switch (rn(g, 10)) {
    case 0: put(g, INSN(O_LI, dw(g), 0, 0) | (rng_next(g->rng) & ((UINT64_C(1) << 38) - 1))); break;
    case 1: put(g, INSN(O_MOV, dw(g), dr(g), 0)); break;
    case 2: put(g, INSN(O_ADDI, dw(g), dr(g), rn(g, 1u << 19))); break;
    case 3: put(g, INSN(O_LDX, dw(g), rn(g, 80), dr(g))); break;
    case 4: put(g, INSN(O_STX, rn(g, 80), dr(g), dr(g))); break;
    case 5: put(g, INSN(O_BEQ + rn(g, 6), dr(g), dr(g), here + 1 + rn(g, 4))); break;
    case 6: put(g, INSN(O_BZ + rn(g, 2), dr(g), here + 1 + rn(g, 4), 0)); break;
    case 7: put(g, rn(g, 2) ? INSN(O_JMP, here + 1 + rn(g, 3), 0, 0)
                         : INSN(O_JAL, dw(g), here + 1 + rn(g, 3), 0)); break;
    case 8: put(g, INSN(O_NOP, 0, 0, 0)); break;
    default: put(g, INSN(alu_ops[rn(g, 16)], dw(g), dr(g), dr(g))); break;
    }
}

/* A privileged instruction with an operand that develops, mostly. */
static void privileged(struct gen *g, bool sup)
{
    uint32_t here = g->pc - g->l, r = rn(g, 100);
    unsigned op = priv_ops[rn(g, 9)];
    uint32_t a;
    if (op == O_TSET)
        a = r < 85 ? prep(g, tval(g)) : dr(g);
    else if (op == O_LR)
        a = r < 85 ? prep(g, rword(g)) : dr(g);
    else if (op == O_LPSW)
        /* supervisor, I toggled, on to the next word; or a user block */
        a = r < 60 ? prep(g, PSW(1, rn(g, 2), here + 1, g->l, sup ? g->w : 0x80000))
            : r < 90 && g->nuser < G_NUSER ? (g->user[g->nuser++] = prep(g, 0) + g->l) - g->l
                                           : dr(g);
    else if (op == O_HALT)
        a = 0;
    else if (op == O_TGET || op == O_SPSW || op == O_CIN || op == O_SR)
        a = dw(g);
    else
        a = dr(g);
    if (op == O_HALT && sup && rn(g, 4))
        op = O_TGET, a = dw(g); /* a HALT ends the guest: fewer of them */
    put(g, INSN(op, a, 0, 0));
}

static void gadget(struct gen *g, bool sup)
{
    uint32_t r = rn(g, 100);
    if (r < 40)
        innocuous(g);
    else if (r < 75)
        privileged(g, sup);
    else if (r < 80)
        put(g, INSN(O_SVC, rn(g, 1u << 19), 0, 0));
    else if (r < 84)
        put(g, illegal(g));
    else if (r < 88) { /* a bounded loop, long instructions in it */
        uint32_t top;
        put(g, INSN(O_LI, G_CNT - g->l, 0, 1 + rn(g, 4)));
        top = g->pc - g->l;
        put(g, INSN(O_DIV, dw(g), dr(g), dr(g)));
        put(g, INSN(O_DJNZ, G_CNT - g->l, top, 0));
    } else if (r < 90) { /* its own code, ahead, rewritten */
        static const unsigned ops[] = {O_NOP, O_COUT, O_TSET, O_SVC, O_TGET};
        uint64_t word = rn(g, 5) ? INSN(ops[rn(g, 5)], dr(g), 0, 0) : illegal(g);
        put(g, INSN(O_MOV, g->pc + 1 + rn(g, 3) - g->l, prep(g, word), 0));
    } else if (r < 93) { /* E[0] and E[1] stored by the guest */
        if (rn(g, 3))
            put(g, rn(g, 2) ? INSN(O_MOV, -g->l, dr(g), 0) : INSN(O_ADD, -g->l, -g->l, G_P1 - g->l));
        else
            put(g, INSN(O_MOV, 1 - g->l,
                        prep(g, PSW(1, rn(g, 2), g->e[1] >> 39 & 0x7FFFF, 0, g->w)), 0));
    } else if (r < 94) {
        put(g, INSN(O_JMPI, prep(g, g->pc + 1 + rn(g, 3) - g->l), 0, 0));
    } else if (sup && g->nuser < G_NUSER) { /* the timer armed, then user mode */
        uint32_t k = rn(g, 3);
        put(g, INSN(O_TSET, prep(g, k == 0 ? 1 + rn(g, 40) : k == 1 ? tval(g)
                                     : (uint64_t)INT64_MAX - rn(g, 12)), 0, 0));
        g->user[g->nuser] = prep(g, 0);
        put(g, INSN(O_LPSW, g->user[g->nuser++], 0, 0));
    }
}

/* A user block at the next free word, entered by the PSW word at PSWA:
 * odd or even l, b short, exact, beyond W, or l >= W. */
static void user_block(struct gen *g, uint32_t pswa)
{
    uint32_t u = g->pc, r = rn(g, 100), l = rn(g, u + 1), b;
    if (rn(g, 2))
        l |= 1;
    if (l > u)
        l = u;
    b = r < 50 ? g->w - l : r < 62 ? g->w - l + 1 + rn(g, 100) : r < 70 ? 0x80000 + rn(g, 0x80000)
        : r < 85 ? u - l + 4 + rn(g, 30) : rn(g, g->w);
    if (rn(g, 20) == 0)
        l = g->w + rn(g, 10), b = 0;
    g->e[pswa] = PSW(0, rn(g, 4) != 0, u - (l > u ? 0 : l), l, b);
    g->l = l > u ? 0 : l;
    for (uint32_t n = 5 + rn(g, 40); n--;)
        gadget(g, false);
    put(g, rn(g, 2) ? INSN(O_SVC, rn(g, 100), 0, 0) : INSN(O_HALT, 0, 0, 0));
    g->l = 0;
}

void rn_gen(uint64_t *rng, struct rn_guest *out)
{
    struct gen g = {.rng = rng};
    g.w = 400 + rn(&g, 700);
    if (rn(&g, 8) == 0)
        g.w += rn(&g, 6000);
    g.e = calloc(g.w, sizeof *g.e);
    if (!g.e)
        abort();
    g.end = g.w - 4;
    g.prep = G_POOL + 64;
    for (uint32_t i = G_POOL; i < G_POOL + 64; i++)
        g.e[i] = rn(&g, 3) ? rn(&g, 300) : rng_next(rng);
    g.e[G_FUEL] = 3 + rn(&g, 30);
    g.e[G_P1] = UINT64_C(1) << 39;
    /* The handler first, so that the guest may store its PSW into E[1]:
     * fuel, a little work, then back after the trapping word (E[0] += 1
     * in P) or to it again. */
    uint32_t h = g.pc = G_CODE;
    g.e[1] = PSW(1, rn(&g, 4) == 0, h, 0, rn(&g, 6) ? g.w : 0x80000);
    put(&g, INSN(O_DJNZ, G_FUEL, h + 2, 0));
    put(&g, INSN(O_HALT, 0, 0, 0));
    for (uint32_t n = rn(&g, 4); n--;)
        rn(&g, 2) ? privileged(&g, true) : innocuous(&g);
    if (rn(&g, 5))
        put(&g, INSN(O_ADD, 0, 0, G_P1));
    put(&g, INSN(O_LPSW, 0, 0, 0));
    uint32_t m0 = g.pc;
    for (uint32_t n = 10 + rn(&g, 50); n--;)
        gadget(&g, true);
    put(&g, INSN(O_HALT, 0, 0, 0));
    for (uint32_t i = 0; i < g.nuser && g.pc + 8 < g.end; i++)
        user_block(&g, g.user[i]);
    out->w = g.w;
    out->e = g.e;
    out->entry = PSW(1, rn(&g, 2), m0, 0, rn(&g, 5) ? g.w : 0x80000);
    if (g.nuser && rn(&g, 10) == 0)
        out->entry = g.e[g.user[0]]; /* a guest that starts in user mode */
    out->nin = rn(&g, 9);
    for (size_t i = 0; i < out->nin; i++)
        out->in[i] = (uint8_t)rn(&g, 256);
}

void rn_guest_free(struct rn_guest *g)
{
    free(g->e);
    g->e = NULL;
}
