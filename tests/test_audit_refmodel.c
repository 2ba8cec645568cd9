/* test_audit_refmodel.c: an independent reference model of the machine,
 * written from docs/isa.md alone (state, address development, the
 * instruction table and its cycles, traps, the interval timer, the console,
 * HALT, host calls and the six profiles), run in lock step with the
 * library on random programs through the public API of tgm/machine.h.
 *
 * The model shares no code with src/machine: its field layouts, formats,
 * cycles and profiles are copied from the documentation, so a difference
 * names either a library bug or a place where the two readings of the
 * documentation part.  Each program compares the whole state (E, PSW,
 * counters, timer, console) after every step or run, and the exit record;
 * some run on a view, move through a snapshot, take the control program's
 * machine_trap and machine_charge, or run under a trace hook, a trap stop
 * mask, watchpoints (the checked loop) or breakpoints (the fast loop).
 * TGM_REFMODEL_PROGRAMS and TGM_REFMODEL_SEED make the campaign larger or
 * different; the default stays within seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/machine.h"

/* ---- the model, from docs/isa.md ---- */

#define RM_AMASK 0x7FFFFu  /* every address is 19 bits wide */
#define RM_BMASK 0xFFFFFu  /* b has one bit more */
#define RM_OUTMAX 4096

enum { RM_PRIV = 1, RM_MEM, RM_SVC, RM_ILL, RM_TIMER, RM_NCAUSE };

/* Field kinds: 0 unused (must be zero), 'a' data address, 't' code
 * address, 'n' number, 'i' imm (C), 'L' imm38 (B:C). */
struct rm_insn {
    const char *name;
    unsigned op;
    char f[4]; /* kinds of A, B, C */
    unsigned cyc;
    int priv; /* "privileged" in the table's user-mode column */
};

static const struct rm_insn rm_table[] = {
    {"NOP", 0x01, "", 1, 0},     {"HALT", 0x02, "", 1, 1},    {"MOV", 0x08, "aa", 2, 0},
    {"LI", 0x09, "aL", 1, 0},    {"LDX", 0x0A, "ana", 3, 0},  {"STX", 0x0B, "naa", 3, 0},
    {"ADD", 0x10, "aaa", 2, 0},  {"SUB", 0x11, "aaa", 2, 0},  {"MUL", 0x12, "aaa", 4, 0},
    {"DIV", 0x13, "aaa", 12, 0}, {"DIVU", 0x14, "aaa", 12, 0}, {"MOD", 0x15, "aaa", 12, 0},
    {"MODU", 0x16, "aaa", 12, 0}, {"AND", 0x17, "aaa", 2, 0},  {"OR", 0x18, "aaa", 2, 0},
    {"XOR", 0x19, "aaa", 2, 0},  {"SHL", 0x1A, "aaa", 2, 0},  {"SHR", 0x1B, "aaa", 2, 0},
    {"SAR", 0x1C, "aaa", 2, 0},  {"ADDI", 0x1D, "aai", 2, 0}, {"SLT", 0x1E, "aaa", 2, 0},
    {"SLTU", 0x1F, "aaa", 2, 0}, {"SEQ", 0x20, "aaa", 2, 0},  {"JMP", 0x28, "t", 1, 0},
    {"JMPI", 0x29, "a", 2, 0},   {"JMPX", 0x2A, "na", 3, 0},  {"JAL", 0x2B, "at", 2, 0},
    {"BEQ", 0x2C, "aat", 2, 0},  {"BNE", 0x2D, "aat", 2, 0},  {"BLT", 0x2E, "aat", 2, 0},
    {"BGE", 0x2F, "aat", 2, 0},  {"BLTU", 0x30, "aat", 2, 0}, {"BGEU", 0x31, "aat", 2, 0},
    {"BZ", 0x32, "at", 1, 0},    {"BNZ", 0x33, "at", 1, 0},   {"DJNZ", 0x34, "at", 2, 0},
    {"SVC", 0x38, "n", 4, 0},    {"LPSW", 0x40, "a", 3, 1},   {"SPSW", 0x41, "a", 2, 1},
    {"LR", 0x42, "a", 3, 1},     {"SR", 0x43, "a", 2, 1},     {"TSET", 0x44, "a", 2, 1},
    {"TGET", 0x45, "a", 2, 1},   {"COUT", 0x46, "a", 4, 1},   {"CIN", 0x47, "a", 4, 1},
    {"HCALL", 0x48, "n", 1, 1},  {"JRSTU", 0x50, "t", 2, 0},  {"LRA", 0x51, "an", 2, 0},
    {"MFPI", 0x52, "aa", 3, 0},
};
#define RM_NINSN (sizeof rm_table / sizeof rm_table[0])

enum rm_beh { B_ABSENT, B_DIRECT, B_PRIV, B_MASKED };

/* docs/theorems.md, "The six profiles", and docs/isa.md's notes. */
enum rm_prof { P_VIRT, P_PDP10, P_S360, P_S360U, P_PDP11, P_X86, P_N };
static const char *const rm_prof_name[P_N] = {
    "virtualizable", "pdp10", "s360-67", "s360-67-lra-user", "pdp11-45", "x86"};

static const struct rm_insn *rm_find(unsigned op)
{
    for (size_t i = 0; i < RM_NINSN; i++)
        if (rm_table[i].op == op)
            return &rm_table[i];
    return NULL;
}

static enum rm_beh rm_behaviour(int prof, bool hostcalls, const struct rm_insn *d)
{
    switch (d->op) {
    case 0x48: return hostcalls ? B_PRIV : B_ABSENT;
    case 0x50: return prof == P_PDP10 ? B_DIRECT : B_ABSENT;
    case 0x51: return prof == P_S360 ? B_PRIV : prof == P_S360U ? B_DIRECT : B_ABSENT;
    case 0x52: return prof == P_PDP11 ? B_DIRECT : B_ABSENT;
    case 0x41: case 0x43: /* SPSW, SR */
        return prof == P_X86 ? B_DIRECT : B_PRIV;
    case 0x40: return prof == P_X86 ? B_MASKED : B_PRIV;
    default: return d->priv ? B_PRIV : B_DIRECT;
    }
}

struct rm {
    uint32_t q;
    uint64_t *e;
    bool sup, ie;
    uint32_t p, l, b;
    bool armed, pending;
    int64_t rem;
    uint8_t out[RM_OUTMAX];
    size_t nout;
    const uint8_t *in;
    size_t nin, used;
    uint64_t cycles, instret, steps, traps[RM_NCAUSE];
    int prof;
    bool hostcalls;
    unsigned last_op; /* for coverage: the opcode the last step completed */
    /* The last step as a trace hook sees it. */
    uint64_t psw_before, word;
    uint32_t phys;
    bool fetched;
    uint8_t trapped;
    /* The step's accesses to E, for watchpoints: reads, then writes. */
    uint32_t acc[8];
    bool accw[8];
    unsigned nacc;
};

static void rm_acc(struct rm *m, uint32_t phys, bool write)
{
    if (m->nacc < 8)
        m->acc[m->nacc] = phys, m->accw[m->nacc++] = write;
}

/* Which of A, B, C an instruction reads (r), writes (w) or both (m). */
static const char *rm_access(unsigned op)
{
    switch (op) {
    case 0x08: case 0x1D: case 0x52: return "wr";
    case 0x0A: return "w-r";
    case 0x0B: return "-r"; /* STX reads E[c] once its target develops */
    case 0x29: case 0x32: case 0x33: case 0x40: case 0x42: case 0x44: case 0x46: return "r";
    case 0x2A: return "-r";
    case 0x09: case 0x2B: case 0x41: case 0x43: case 0x45: case 0x47: case 0x51: return "w";
    case 0x34: return "m";
    default: return op >= 0x10 && op <= 0x20 ? "wrr" : op >= 0x2C && op <= 0x31 ? "rr" : "";
    }
}

enum rm_res { R_GO, R_HALT, R_HOST };

static uint64_t rm_pack(bool s, bool i, unsigned cause, uint32_t p, uint32_t l, uint32_t b)
{
    return (uint64_t)s << 63 | (uint64_t)i << 62 | (uint64_t)(cause & 0xF) << 58 |
           (uint64_t)(p & RM_AMASK) << 39 | (uint64_t)(l & RM_AMASK) << 20 | (b & RM_BMASK);
}

static void rm_load_psw(struct rm *m, uint64_t w)
{
    m->sup = (w >> 63) & 1;
    m->ie = (w >> 62) & 1;
    m->p = (uint32_t)(w >> 39) & RM_AMASK;
    m->l = (uint32_t)(w >> 20) & RM_AMASK;
    m->b = (uint32_t)w & RM_BMASK;
}

/* Section 2's rule, literally: a + l >= q, else a >= b, traps. */
static bool rm_dev(const struct rm *m, uint32_t a, uint32_t *phys)
{
    if ((uint64_t)a + m->l >= m->q)
        return false;
    if (a >= m->b)
        return false;
    *phys = a + m->l;
    return true;
}

/* Every cycle counts the armed timer down; reaching zero makes it pending. */
static void rm_charge(struct rm *m, unsigned cyc)
{
    m->cycles += cyc;
    if (m->armed) {
        m->rem -= cyc;
        if (m->rem <= 0) {
            m->armed = false;
            m->rem = 0;
            m->pending = true;
        }
    }
}

static void rm_trap(struct rm *m, unsigned cause)
{
    m->e[0] = rm_pack(m->sup, m->ie, cause, m->p, m->l, m->b);
    rm_load_psw(m, m->e[1]);
    if (cause == RM_TIMER)
        m->pending = false;
    m->traps[cause]++;
    m->trapped = (uint8_t)cause;
    rm_acc(m, 0, true);
    rm_acc(m, 1, false);
    rm_charge(m, 4);
}

static void rm_done(struct rm *m, const struct rm_insn *d, uint32_t next)
{
    m->p = next & RM_AMASK;
    m->instret++;
    m->last_op = d->op;
    rm_charge(m, d->cyc);
}

/* "A field the format does not use must be zero": the low 19 bits per
 * operand missing (an imm38 uses B and C). */
static bool rm_fields_ok(const struct rm_insn *d, uint64_t w)
{
    size_t k = strlen(d->f);
    return (k >= 2 && d->f[1] == 'L') || (w & ((UINT64_C(1) << 19 * (3 - k)) - 1)) == 0;
}

#define RM_TRAP(cause) do { rm_trap(m, cause); return R_GO; } while (0)

static enum rm_res rm_step(struct rm *m, uint32_t *code)
{
    m->steps++;
    m->last_op = 0;
    m->psw_before = rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
    m->fetched = false;
    m->trapped = 0;
    m->nacc = 0;
    if (m->pending && m->ie)
        RM_TRAP(RM_TIMER);
    uint32_t pc;
    if (!rm_dev(m, m->p, &pc))
        RM_TRAP(RM_MEM);
    uint64_t w = m->e[pc];
    m->fetched = true, m->word = w, m->phys = pc;
    const struct rm_insn *d = rm_find((unsigned)(w >> 57));
    enum rm_beh beh = d ? rm_behaviour(m->prof, m->hostcalls, d) : B_ABSENT;
    if (beh == B_ABSENT || !rm_fields_ok(d, w))
        RM_TRAP(RM_ILL);
    if (!m->sup && beh == B_PRIV)
        RM_TRAP(RM_PRIV);
    uint32_t fld[3] = {(uint32_t)(w >> 38) & RM_AMASK, (uint32_t)(w >> 19) & RM_AMASK,
                       (uint32_t)w & RM_AMASK};
    uint32_t ph[3] = {0, 0, 0};
    for (int i = 0; i < 3 && d->f[i]; i++)
        if (d->f[i] == 'a' && !rm_dev(m, fld[i], &ph[i]))
            RM_TRAP(RM_MEM);
    const char *acc = rm_access(d->op);
    for (size_t i = 0; acc[i]; i++)
        if (acc[i] == 'r' || acc[i] == 'm')
            rm_acc(m, ph[i], false);
    uint64_t *e = m->e;
    uint64_t vb = e[ph[1]], vc = e[ph[2]];
    int64_t sb = (int64_t)vb, sc = (int64_t)vc;
    uint32_t next = m->p + 1, t = 0, x;
    uint64_t r = 0;
    bool store = true; /* E[A] := r */
    switch (d->op) {
    case 0x01: store = false; break;
    case 0x02: rm_done(m, d, next); return R_HALT;
    case 0x48: *code = fld[0], rm_done(m, d, next); return R_HOST;
    case 0x08: r = vb; break;
    case 0x09: r = (uint64_t)((int64_t)(w << 26) >> 26); break;
    case 0x0A: /* LDX a, n, c */
        if (!rm_dev(m, (uint32_t)((fld[1] + vc) & RM_AMASK), &x))
            RM_TRAP(RM_MEM);
        rm_acc(m, x, false);
        r = e[x];
        break;
    case 0x0B: /* STX n, b, c */
        if (!rm_dev(m, (uint32_t)((fld[0] + vb) & RM_AMASK), &x))
            RM_TRAP(RM_MEM);
        rm_acc(m, ph[2], false);
        e[x] = vc;
        rm_acc(m, x, true);
        store = false;
        break;
    case 0x10: r = vb + vc; break;
    case 0x11: r = vb - vc; break;
    case 0x12: r = vb * vc; break;
    case 0x13:
        r = sc == 0 ? UINT64_MAX
            : (sb == INT64_MIN && sc == -1) ? (uint64_t)INT64_MIN : (uint64_t)(sb / sc);
        break;
    case 0x14: r = vc == 0 ? UINT64_MAX : vb / vc; break;
    case 0x15:
        r = sc == 0 ? vb : (sb == INT64_MIN && sc == -1) ? 0 : (uint64_t)(sb % sc);
        break;
    case 0x16: r = vc == 0 ? vb : vb % vc; break;
    case 0x17: r = vb & vc; break;
    case 0x18: r = vb | vc; break;
    case 0x19: r = vb ^ vc; break;
    case 0x1A: r = vb << (vc & 63); break;
    case 0x1B: r = vb >> (vc & 63); break;
    case 0x1C: r = sb < 0 ? ~(~vb >> (vc & 63)) : vb >> (vc & 63); break;
    case 0x1D: r = vb + (uint64_t)((int64_t)((uint64_t)fld[2] << 45) >> 45); break;
    case 0x1E: r = sb < sc; break;
    case 0x1F: r = vb < vc; break;
    case 0x20: r = vb == vc; break;
    default: store = false; break;
    }
    uint64_t va = e[ph[0]];
    bool jump = false;
    switch (d->op) {
    case 0x28: jump = true, t = fld[0]; break;
    case 0x29: jump = true, t = (uint32_t)(va & RM_AMASK); break;
    case 0x2A: /* JMPX n, b */
        if (!rm_dev(m, (uint32_t)((fld[0] + vb) & RM_AMASK), &x))
            RM_TRAP(RM_MEM);
        rm_acc(m, x, false);
        jump = true, t = (uint32_t)(e[x] & RM_AMASK);
        break;
    case 0x2B: e[ph[0]] = next & RM_AMASK, jump = true, t = fld[1]; break;
    case 0x2C: jump = va == vb, t = fld[2]; break;
    case 0x2D: jump = va != vb, t = fld[2]; break;
    case 0x2E: jump = (int64_t)va < sb, t = fld[2]; break;
    case 0x2F: jump = (int64_t)va >= sb, t = fld[2]; break;
    case 0x30: jump = va < vb, t = fld[2]; break;
    case 0x31: jump = va >= vb, t = fld[2]; break;
    case 0x32: jump = va == 0, t = fld[1]; break;
    case 0x33: jump = va != 0, t = fld[1]; break;
    case 0x34: e[ph[0]] = va - 1, jump = va - 1 != 0, t = fld[1]; break;
    case 0x38: rm_trap(m, RM_SVC); return R_GO;
    case 0x40:
        if (beh == B_MASKED && !m->sup) {
            jump = true, t = (uint32_t)(va >> 39) & RM_AMASK;
            break;
        }
        rm_load_psw(m, va);
        rm_done(m, d, m->p);
        return R_GO;
    case 0x41: e[ph[0]] = rm_pack(m->sup, m->ie, 0, next, m->l, m->b); break;
    case 0x42:
        m->l = (uint32_t)(va >> 20) & RM_AMASK;
        m->b = (uint32_t)va & RM_BMASK;
        break;
    case 0x43: e[ph[0]] = rm_pack(false, false, 0, 0, m->l, m->b); break;
    case 0x44: /* TSET: starts afresh, its own cycles included */
        m->pending = false;
        m->armed = (int64_t)va > 0;
        m->rem = m->armed ? (int64_t)va : 0;
        break;
    case 0x45: e[ph[0]] = m->armed ? (uint64_t)m->rem : 0; break;
    case 0x46:
        if (m->nout < RM_OUTMAX)
            m->out[m->nout++] = (uint8_t)va;
        break;
    case 0x47: e[ph[0]] = m->used < m->nin ? m->in[m->used++] : UINT64_MAX; break;
    case 0x50: m->sup = false, jump = true, t = fld[0]; break;
    case 0x51: e[ph[0]] = (uint64_t)fld[1] + m->l; break;
    case 0x52: /* MFPI a, b */
        if (m->sup) {
            if (!rm_dev(m, (uint32_t)(vb & RM_AMASK), &x))
                RM_TRAP(RM_MEM);
            rm_acc(m, x, false);
            e[ph[0]] = e[x];
        } else {
            e[ph[0]] = vb;
        }
        break;
    default: break;
    }
    if (store)
        e[ph[0]] = r;
    for (size_t i = 0; acc[i]; i++)
        if (acc[i] == 'w' || acc[i] == 'm')
            rm_acc(m, ph[i], true);
    rm_done(m, d, jump ? t : next);
    return R_GO;
}

/* Debug settings of a run, and what it saw. */
struct rm_dbg {
    unsigned stop_mask;       /* 1u << cause: stop after such a trap */
    const bool *brk;          /* execution breakpoints by physical address */
    uint32_t watch[2];        /* watched physical addresses ... */
    int wmask[2];             /* ... and WATCH_READ | WATCH_WRITE (0: none) */
    uint32_t hit[8];          /* a watch stop: the watched accesses, any of */
    bool hitw[8];             /* which the library may name */
    unsigned nhit;
    struct machine_trace tr[64];
    size_t ntr;
};

static void rm_trace(struct rm *m, struct rm_dbg *g)
{
    if (g->ntr < 64)
        g->tr[g->ntr++] = (struct machine_trace){
            .psw_before = m->psw_before, .word = m->fetched ? m->word : 0,
            .phys = m->fetched ? m->phys : 0, .fetched = m->fetched,
            .trap = m->trapped, .cycles = m->cycles};
}

/* machine_run: BUDGET steps at most; a breakpoint stops before a step
 * other than the first, a trap in the stop mask after its step. */
static enum exit_reason rm_run(struct rm *m, uint64_t budget, struct rm_dbg *g,
                               struct machine_exit *ex)
{
    memset(ex, 0, sizeof *ex);
    for (ex->steps = 0; ex->steps < budget;) {
        uint32_t pc;
        if (g->brk && ex->steps > 0 && !(m->pending && m->ie) && rm_dev(m, m->p, &pc) &&
            g->brk[pc]) {
            ex->addr = pc;
            return ex->reason = EXIT_BREAK;
        }
        enum rm_res r = rm_step(m, &ex->code);
        ++ex->steps;
        rm_trace(m, g);
        if (r == R_HALT)
            return ex->reason = EXIT_HALT;
        if (r == R_HOST)
            return ex->reason = EXIT_HOST;
        if (m->trapped && (g->stop_mask >> m->trapped & 1)) {
            ex->cause = m->trapped;
            return ex->reason = EXIT_TRAP;
        }
        g->nhit = 0;
        for (unsigned k = 0; k < m->nacc; k++)
            for (int j = 0; j < 2; j++)
                if (g->wmask[j] && g->watch[j] == m->acc[k] &&
                    (g->wmask[j] & (m->accw[k] ? WATCH_WRITE : WATCH_READ)))
                    g->hit[g->nhit] = m->acc[k], g->hitw[g->nhit++] = m->accw[k];
        if (g->nhit) {
            ex->addr = g->hit[0], ex->write = g->hitw[0];
            return ex->reason = EXIT_WATCH;
        }
    }
    return ex->reason = EXIT_BUDGET;
}

/* The library names one of the step's watched accesses; of a trap's two,
 * the write of E[0] (docs/isa.md). */
static bool watch_named(const struct rm_dbg *g, const struct machine_exit *ex)
{
    bool found = false, w0 = false;
    for (unsigned k = 0; k < g->nhit; k++) {
        found |= g->hit[k] == ex->addr && g->hitw[k] == ex->write;
        w0 |= g->hit[k] == 0 && g->hitw[k];
    }
    return found && !(w0 && ex->addr == 1 && !ex->write);
}

/* The trace records of a run: PSW before, the word if fetched, the trap,
 * the cycle count after. */
static bool trace_agrees(const struct rm_dbg *x, const struct rm_dbg *g)
{
    if (x->ntr != g->ntr)
        return false;
    for (size_t k = 0; k < g->ntr; k++) {
        const struct machine_trace *a = &x->tr[k], *b = &g->tr[k];
        if (a->psw_before != b->psw_before || a->fetched != b->fetched ||
            (b->fetched && (a->word != b->word || a->phys != b->phys)) ||
            a->trap != b->trap || a->cycles != b->cycles)
            return false;
    }
    return true;
}

static void x_trace(void *ctx, const struct machine_trace *t)
{
    struct rm_dbg *g = ctx;
    if (g->ntr < 64)
        g->tr[g->ntr++] = *t;
}

/* ---- random programs ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
}

static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

/* An address near one of the bounds the current R and q draw. */
static uint32_t near_bound(uint32_t q, uint32_t l, uint32_t b)
{
    uint32_t qb = q > l ? q - l : 0, lim = qb < b ? qb : b;
    if (lim && rn(4) < 3)
        return rn(lim < 24 ? lim : 24) + (rn(4) ? 0 : rn(lim));
    uint32_t pool[] = {0, 1, 2, 3, b - 1, b, b + 1, qb - 1, qb, qb + 1, q - 1, q,
                       RM_AMASK, RM_AMASK - 1, rn(q + 2), rn(8), rn(16), l, l - 1};
    return pool[rn(sizeof pool / sizeof pool[0])] & RM_AMASK;
}

static uint64_t rand_psw(uint32_t q)
{
    bool s = rn(10) < 7;
    uint32_t l = rn(2) ? 0 : near_bound(q, 0, q);
    uint32_t b = rn(6) ? q - l : (rn(2) ? near_bound(q, l, q) : (rn(2) ? 0 : RM_BMASK));
    return rm_pack(s, rn(3) == 0, rn(8) ? 0 : rn(16), near_bound(q, l, b), l, b);
}

static uint64_t rand_insn(uint32_t q, uint32_t l, uint32_t b);

static uint64_t rand_word(uint32_t q, uint32_t l, uint32_t b)
{
    switch (rn(20)) {
    case 0: return rnd();
    case 1: return rand_psw(q);
    case 2: return rm_pack(0, 0, 0, 0, near_bound(q, 0, q), near_bound(q, 0, q));
    case 3: return (uint64_t)(int64_t)(rn(7) - 3);
    case 4: return rn(2) ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX;
    case 5: return near_bound(q, l, b);
    case 6: return (uint64_t)rn(64);
    default: return rand_insn(q, l, b);
    }
}

static uint64_t rand_insn(uint32_t q, uint32_t l, uint32_t b)
{
    const struct rm_insn *d = &rm_table[rn(RM_NINSN)];
    if (rn(40) == 0)
        d = NULL;
    uint64_t w = d ? (uint64_t)d->op << 57 : (uint64_t)rn(128) << 57;
    for (int i = 0; d && i < 3 && d->f[i]; i++) {
        uint64_t v = near_bound(q, l, b);
        if (d->f[i] == 'L') {
            v = rn(2) ? (uint64_t)(int64_t)(rn(9) - 4) : rnd();
            w |= v & ((UINT64_C(1) << 38) - 1);
            break;
        }
        if (d->f[i] == 'n' && rn(4) == 0) /* a base that wraps at 2^19 */
            v = RM_AMASK - rn(4);
        if (d->f[i] == 'i')
            v = rn(2) ? (uint64_t)(int64_t)(rn(9) - 4) : rnd();
        w |= (v & RM_AMASK) << (38 - 19 * i);
    }
    if (d && rn(25) == 0) /* an unused or any field disturbed */
        w ^= (uint64_t)1 << rn(57);
    return w;
}

/* ---- lock step against the library ---- */

struct cov {
    uint64_t traps[RM_NCAUSE], halts, hosts, watches, wraps, pend_lost, breaks, stops;
    uint64_t ops[128][2]; /* completed, per mode */
};

static const char *rm_insn_name(uint64_t w)
{
    const struct rm_insn *d = rm_find((unsigned)(w >> 57));
    return d ? d->name : "?";
}

/* Compares the whole state; on a difference prints both and fails. */
static void rm_compare(const struct rm *m, const struct machine *x, const char *what,
                       unsigned prog, uint64_t step, uint64_t word)
{
    char why[160] = "";
    const uint64_t *xe = machine_mem(x);
    struct machine_counters c = machine_get_counters(x);
    struct machine_timer t = machine_get_timer(x);
    uint64_t xpsw = machine_get_psw(x);
    uint64_t mpsw = rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
    size_t olen;
    const uint8_t *out = machine_console_output(x, &olen);
    for (uint32_t i = 0; i < m->q && !why[0]; i++)
        if (xe[i] != m->e[i])
            snprintf(why, sizeof why, "E[%u]: tgm %#llx model %#llx", i,
                     (unsigned long long)xe[i], (unsigned long long)m->e[i]);
    if (!why[0] && xpsw != mpsw)
        snprintf(why, sizeof why, "PSW: tgm %#llx model %#llx", (unsigned long long)xpsw,
                 (unsigned long long)mpsw);
    if (!why[0] && (c.cycles != m->cycles || c.instret != m->instret || c.steps != m->steps ||
                    memcmp(c.traps + 1, m->traps + 1, sizeof m->traps - sizeof m->traps[0])))
        snprintf(why, sizeof why, "counters: tgm %llu/%llu/%llu model %llu/%llu/%llu (or traps)",
                 (unsigned long long)c.cycles, (unsigned long long)c.instret,
                 (unsigned long long)c.steps, (unsigned long long)m->cycles,
                 (unsigned long long)m->instret, (unsigned long long)m->steps);
    if (!why[0] && (t.armed != m->armed || t.pending != m->pending || t.remaining != m->rem))
        snprintf(why, sizeof why, "timer: tgm %d/%d/%lld model %d/%d/%lld", t.armed,
                 t.pending, (long long)t.remaining, m->armed, m->pending, (long long)m->rem);
    if (!why[0] && (olen != m->nout || (olen && memcmp(out, m->out, olen) != 0)))
        snprintf(why, sizeof why, "console output: tgm %zu bytes model %zu", olen, m->nout);
    if (!why[0] && machine_console_input_used(x) != m->used)
        snprintf(why, sizeof why, "console input used: tgm %zu model %zu",
                 machine_console_input_used(x), m->used);
    if (why[0]) {
        print_error("program %u, after step %llu (%s, last word %#llx %s), profile %s, "
                    "q %u: %s\n",
                    prog, (unsigned long long)step, what, (unsigned long long)word,
                    rm_insn_name(word), rm_prof_name[m->prof], m->q, why);
        fail();
    }
}

static uint32_t rand_q(void)
{
    static const uint32_t qs[] = {2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 64, 100};
    if (rn(150) == 0)
        return RM_AMASK + 1;
    return rn(4) ? qs[rn(sizeof qs / sizeof qs[0])] : 2 + rn(300);
}

#define INSN(op, a, b, c) ((uint64_t)(op) << 57 | (uint64_t)(a) << 38 | (uint64_t)(b) << 19 | (c))

/* A time-sliced loop: a body of in-range instructions that jumps back, and
 * a handler that re-arms the timer and returns through E[0], as a control
 * program does; long runs then cross many expiries. */
static void time_sliced(struct rm *m)
{
    uint32_t d = m->q - 8, body = 4 + rn(12);
    bool ie = rn(4) != 0;
    m->l = 0, m->b = m->q, m->p = 8, m->sup = rn(2), m->ie = ie;
    m->e[1] = rm_pack(true, false, 0, 2, 0, m->q);
    m->e[2] = INSN(0x44, d, 0, 0); /* TSET d */
    m->e[3] = rn(2) ? INSN(0x46, d + 1, 0, 0) : INSN(0x01, 0, 0, 0);
    m->e[4] = INSN(0x40, 0, 0, 0); /* LPSW 0 */
    m->e[5] = INSN(0x44, d, 0, 0);
    m->e[6] = rm_pack(m->sup, ie, 0, 8, 0, m->q);
    m->e[7] = INSN(0x40, 6, 0, 0);
    for (uint32_t i = 8; i < 8 + body; i++) { /* data operands, no jumps */
        const struct rm_insn *k = &rm_table[rn(RM_NINSN)];
        if (strspn(k->f, "a") != strlen(k->f) || k->op == 0x29 || k->op == 0x40)
            k = rm_find(0x10 + rn(17));
        m->e[i] = INSN(k->op, k->f[0] ? d + 2 + rn(6) : 0, k->f[1] ? d + 2 + rn(6) : 0,
                       k->f[2] ? d + 2 + rn(6) : 0);
    }
    m->e[8 + body] = INSN(0x28, 8, 0, 0); /* JMP 8 */
    m->e[d] = 1 + rn(300);
    if (rn(3) == 0) /* start through TSET and LPSW with the timer set */
        m->p = 5, m->sup = true;
}

/* One random program, run in lock step for about NSTEPS steps. */
static void run_program(unsigned prog, unsigned nsteps, struct cov *cov)
{
    struct rm m;
    memset(&m, 0, sizeof m);
    m.q = rand_q();
    m.prof = (int)rn(P_N);
    m.hostcalls = rn(4) == 0;
    struct machine_config cfg = {.q = m.q, .profile = isa_profile_find(rm_prof_name[m.prof]),
                                 .hostcalls = m.hostcalls};
    assert_non_null(cfg.profile);
    /* A view (the control program's VM) shares its E with a host: it must
     * behave as a machine of its own and leave the rest of the host alone. */
    struct machine *host = NULL, *x;
    uint32_t base = 0, hq = 0;
    if (m.q <= 4096 && rn(5) == 0) {
        base = rn(40), hq = base + m.q + rn(4);
        struct machine_config hc = {.q = hq};
        host = machine_create(&hc);
        assert_non_null(host);
        for (uint32_t i = 0; i < hq; i++)
            assert_int_equal(machine_write_phys(host, i, 0x5E47000000000000u | i), 0);
        x = machine_create_view(host, base, m.q, &cfg);
    } else {
        x = machine_create(&cfg);
    }
    assert_non_null(x);
    m.e = calloc(m.q, sizeof *m.e);
    assert_non_null(m.e);

    uint64_t psw = rand_psw(m.q);
    rm_load_psw(&m, psw);
    /* Fill all of a small E; a large one near 0, near l and at the top. */
    if (m.q <= 4096) {
        for (uint32_t i = 0; i < m.q; i++)
            m.e[i] = rand_word(m.q, m.l, m.b);
    } else {
        uint32_t at[3] = {0, m.l, m.q - 64};
        for (int k = 0; k < 3; k++)
            for (uint32_t i = at[k]; i < at[k] + 64 && i < m.q; i++)
                m.e[i] = rand_word(m.q, m.l, m.b);
        if (rn(4)) { /* run off the top: NOP, JAL 5, 7 or SPSW 5 at 2^19-1 */
            static const uint64_t top[] = {INSN(0x01, 0, 0, 0), INSN(0x2B, 5, 7, 0),
                                           INSN(0x41, 5, 0, 0)};
            m.l = 0, m.b = m.q, m.p = m.q - 1 - rn(4);
            psw = rm_pack(m.sup, m.ie, 0, m.p, 0, m.q);
            for (uint32_t i = m.q - 4; i < m.q; i++)
                m.e[i] = i < m.q - 1 ? INSN(0x01, 0, 0, 0) : top[rn(3)];
        }
    }
    m.e[1] = rn(3) ? rm_pack(rn(5) != 0, rn(4) == 0, rn(8) ? 0 : rn(16),
                             near_bound(m.q, 0, m.q), 0, m.q)
                   : rand_psw(m.q);
    /* Most handlers start with an instruction, not a trap loop. */
    uint32_t hp = (uint32_t)(m.e[1] >> 39) & RM_AMASK, hl = (uint32_t)(m.e[1] >> 20) & RM_AMASK;
    if (rn(3) && (uint64_t)hp + hl < m.q && hp + hl >= 2 && hp < (m.e[1] & RM_BMASK))
        m.e[hp + hl] = rand_insn(m.q, hl, (uint32_t)(m.e[1] & RM_BMASK));
    if (m.q >= 48 && m.q <= 4096 && rn(6) == 0) {
        time_sliced(&m);
        psw = rm_pack(m.sup, m.ie, 0, m.p, m.l, m.b);
        nsteps *= 8;
    }
    for (uint32_t i = 0; i < m.q; i++)
        if (m.e[i] || host)
            assert_int_equal(machine_write_phys(x, i, m.e[i]), 0);
    machine_set_psw(x, psw);

    struct machine_timer tm = {0};
    switch (rn(6)) {
    case 0: case 1: m.armed = true, m.rem = 1 + rn(20), tm.armed = true; break;
    case 2: m.pending = tm.pending = true; break;
    case 3: /* armed with nothing left: "it becomes pending" (machine.h) */
        m.pending = tm.armed = true, tm.remaining = -(int64_t)rn(3);
        break;
    default: break;
    }
    if (m.armed)
        tm.remaining = m.rem;
    assert_int_equal(machine_set_timer(x, &tm), 0);
    uint8_t in[8];
    m.in = in;
    m.nin = rn(2) ? rn(sizeof in + 1) : 0;
    for (size_t i = 0; i < m.nin; i++)
        in[i] = (uint8_t)rnd();
    if (m.nin)
        assert_int_equal(machine_console_input(x, in, m.nin), 0);
    rm_compare(&m, x, "set-up", prog, 0, 0);
    for (int k = 0; k < 8; k++) { /* machine_develop: "this rule written out literally" */
        uint64_t a = near_bound(m.q, m.l, m.b);
        a += k < 6 ? 0 : (uint64_t)rn(3) << (19 + 13 * (k - 6)); /* past 2^19, 2^32 */
        uint32_t want = 0, got = 0;
        uint64_t v;
        bool ok = a <= RM_AMASK && rm_dev(&m, (uint32_t)a, &want);
        assert_int_equal(machine_develop(x, a, &got), ok ? 0 : 2);
        assert_int_equal(machine_read_virt(x, a, &v), ok ? 0 : 2);
        if (ok)
            assert_true(got == want && v == m.e[want]);
    }

    /* The debug settings move the library to its checked run loop. */
    static struct rm_dbg g, xg;
    memset(&g, 0, sizeof g);
    bool tracing = rn(4) == 0;
    if (tracing)
        machine_set_trace(x, x_trace, &xg);
    if (rn(5) == 0) {
        g.stop_mask = rn(64) & ~1u;
        machine_trap_stop(x, g.stop_mask);
    }
    if (rn(4) == 0) {
        g.watch[0] = rn(2), g.wmask[0] = 1 + (int)rn(3);
        if (rn(2))
            g.watch[1] = rn(m.q), g.wmask[1] = 1 + (int)rn(3);
        if (g.wmask[1] && g.watch[1] == g.watch[0]) /* a second setting replaces */
            g.watch[0] = g.watch[1], g.wmask[0] = g.wmask[1], g.wmask[1] = 0;
        for (int j = 0; j < 2; j++)
            if (g.wmask[j])
                assert_int_equal(machine_watch(x, g.watch[j], g.wmask[j]), 0);
    }
    bool *brk = NULL;
    /* Breakpoints only with the fast loop: the checked loop takes a first
     * step whose fetch trapped for no step, and so does not stop at a
     * breakpoint right after it. */
    if (rn(5) == 0 && m.q <= 4096 && !tracing && !g.stop_mask && !g.wmask[0]) {
        brk = calloc(m.q, sizeof *brk);
        assert_non_null(brk);
        for (int k = 0; k < 3; k++) {
            uint32_t a = rn(k ? m.q : (m.q < 8 ? m.q : 8));
            brk[a] = true;
            assert_int_equal(machine_break_exec(x, a, true), 0);
        }
        g.brk = brk;
    }

    /* Once, a snapshot moves the run to a fresh machine mid-way. */
    bool snap = !host && !tracing && !g.stop_mask && !brk && !g.wmask[0] && rn(6) == 0;
    uint64_t snap_at = rn(nsteps);
    unsigned stuck = 0;
    for (uint64_t done = 0; done < nsteps;) {
        if (snap && done >= snap_at) {
            uint8_t *buf;
            size_t len;
            char err[200];
            assert_int_equal(machine_state_save(x, true, &buf, &len), 0);
            struct machine *y = machine_create(&cfg);
            assert_non_null(y);
            if (machine_state_load(y, buf, len, err, sizeof err) != 0) {
                print_error("program %u: state load: %s\n", prog, err);
                fail();
            }
            free(buf);
            machine_destroy(x);
            x = y;
            snap = false;
            rm_compare(&m, x, "snapshot", prog, done, 0);
        }
        uint32_t pc;
        uint64_t word = rm_dev(&m, m.p, &pc) ? m.e[pc] : 0;
        bool sup = m.sup;
        uint32_t p0 = m.p;
        bool was_pending = m.pending;
        if (rn(40) == 0) { /* the control program's software trap and charge */
            if (rn(2)) {
                unsigned cause = 1 + rn(RM_NCAUSE - 1);
                machine_trap(x, cause);
                rm_trap(&m, cause);
                m.steps++; /* it stands for the step that trapped */
            } else {
                uint64_t cy = rn(9), ir = rn(3), st = rn(3);
                machine_charge(x, cy, ir, st);
                rm_charge(&m, (unsigned)cy);
                m.instret += ir, m.steps += st;
            }
            rm_compare(&m, x, "trap or charge", prog, done, 0);
        }
        struct machine_exit ex, want;
        uint64_t budget = 1;
        enum exit_reason got;
        g.ntr = xg.ntr = 0;
        if (rn(2)) {
            rm_run(&m, 1, &g, &want);
            got = machine_step(x, &ex);
        } else {
            budget = rn(8) ? rn(12) : rn(300);
            rm_run(&m, budget, &g, &want);
            got = machine_run(x, budget, &ex);
        }
        uint64_t msteps = want.steps;
        if (got != want.reason || ex.reason != want.reason || ex.steps != want.steps ||
            (want.reason == EXIT_HOST && ex.code != want.code) ||
            (want.reason == EXIT_TRAP && ex.cause != want.cause) ||
            (want.reason == EXIT_BREAK && ex.addr != want.addr) ||
            (want.reason == EXIT_WATCH && !watch_named(&g, &ex))) {
            print_error("program %u, step %llu (word %#llx %s, profile %s, q %u): exit %s "
                        "after %llu steps (code %u cause %u addr %u), model %s after %llu "
                        "(code %u cause %u addr %u)\n",
                        prog, (unsigned long long)done, (unsigned long long)word,
                        rm_insn_name(word), rm_prof_name[m.prof], m.q,
                        exit_reason_name(got), (unsigned long long)ex.steps, ex.code,
                        ex.cause, ex.addr, exit_reason_name(want.reason),
                        (unsigned long long)want.steps, want.code, want.cause, want.addr);
            fail();
        }
        if (tracing && !trace_agrees(&xg, &g)) {
            print_error("program %u, step %llu: the trace hook saw other steps\n", prog,
                        (unsigned long long)done);
            fail();
        }
        done += msteps ? msteps : 1;
        rm_compare(&m, x, budget == 1 ? "step" : "run", prog, done, word);
        /* A trap that reloads the PSW it came from, with no timer to break
         * it, repeats for ever: the program has nothing more to show. */
        if (budget == 1 && m.trapped && !m.armed && !m.pending &&
            m.psw_before == rm_pack(m.sup, m.ie, 0, m.p, m.l, m.b) && ++stuck > 2)
            break;
        if (want.reason == EXIT_BREAK)
            cov->breaks++;
        if (want.reason == EXIT_TRAP)
            cov->stops++;
        if (want.reason == EXIT_WATCH)
            cov->watches++;
        if (budget == 1 && msteps == 1) {
            if (m.last_op)
                cov->ops[m.last_op][sup]++;
            if (want.reason == EXIT_HALT)
                cov->halts++;
            if (want.reason == EXIT_HOST)
                cov->hosts++;
            if (p0 == RM_AMASK && m.last_op && m.p == 0)
                cov->wraps++;
            if (was_pending && m.last_op == 0x44 && !m.pending)
                cov->pend_lost++;
        }
    }
    for (unsigned k = 1; k < RM_NCAUSE; k++)
        cov->traps[k] += m.traps[k];
    machine_destroy(x);
    if (host) {
        const uint64_t *he = machine_mem(host);
        for (uint32_t i = 0; i < hq; i++)
            if (i < base || i >= base + m.q)
                assert_int_equal(he[i], 0x5E47000000000000u | i);
            else
                assert_int_equal(he[i], m.e[i - base]);
        machine_destroy(host);
    }
    free(m.e);
    free(brk);
}

/* Thousands of random programs agree with the model step by step, and the
 * campaign reached what it claims to check. */
static void refmodel__random_programs_agree_with_the_documented_machine(void **state)
{
    (void)state;
    static struct cov cov;
    memset(&cov, 0, sizeof cov);
    const char *seed = getenv("TGM_REFMODEL_SEED"), *count = getenv("TGM_REFMODEL_PROGRAMS");
    rng_state = seed && *seed ? strtoull(seed, NULL, 0) : 0x1974;
    unsigned n = count && *count ? (unsigned)strtoul(count, NULL, 0) : 10000;
    for (unsigned i = 0; i < n; i++)
        run_program(i, 40 + rn(80), &cov);
    if (n < 10000)
        return;
    for (unsigned k = 1; k < RM_NCAUSE; k++)
        assert_true(cov.traps[k] > 20);
    assert_true(cov.halts > 20);
    assert_true(cov.hosts > 0);
    assert_true(cov.breaks > 20);
    assert_true(cov.stops > 20);
    assert_true(cov.watches > 20);
    assert_true(cov.wraps > 0);
    assert_true(cov.pend_lost > 0);
    for (size_t i = 0; i < RM_NINSN; i++) {
        const struct rm_insn *d = &rm_table[i];
        if (d->op == 0x38)
            continue; /* SVC never completes */
        /* every one in supervisor mode; in user mode all but the ones
         * privileged on every profile (x86 runs LPSW, SPSW and SR there) */
        bool user = !d->priv || d->op == 0x40 || d->op == 0x41 || d->op == 0x43;
        if (!cov.ops[d->op][1] || (user && !cov.ops[d->op][0]))
            print_error("%s never completed in %s mode\n", d->name,
                        cov.ops[d->op][1] ? "user" : "supervisor");
        assert_true(cov.ops[d->op][1] > 0 && (!user || cov.ops[d->op][0] > 0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refmodel__random_programs_agree_with_the_documented_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
