/* refmodel.c: the reference model of refmodel.h, from docs/isa.md alone
 * (no code of src/machine): one step (rm_step), a run with the debugger's
 * stops (rm_run), and what a run's trace and watch stops must show.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "refmodel.h"

/* docs/isa.md's instruction table. */
const struct rm_insn rm_table[] = {
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
const size_t rm_ninsn = sizeof rm_table / sizeof rm_table[0];

const char *const rm_prof_name[P_N] = {
    "virtualizable", "pdp10", "s360-67", "s360-67-lra-user", "pdp11-45", "x86"};

const struct rm_insn *rm_find(unsigned op)
{
    for (size_t i = 0; i < rm_ninsn; i++)
        if (rm_table[i].op == op)
            return &rm_table[i];
    return NULL;
}

enum rm_beh rm_behaviour(int prof, bool hostcalls, const struct rm_insn *d)
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

uint64_t rm_pack(bool s, bool i, unsigned cause, uint32_t p, uint32_t l, uint32_t b)
{
    return (uint64_t)s << 63 | (uint64_t)i << 62 | (uint64_t)(cause & 0xF) << 58 |
           (uint64_t)(p & RM_AMASK) << 39 | (uint64_t)(l & RM_AMASK) << 20 | (b & RM_BMASK);
}

void rm_load_psw(struct rm *m, uint64_t w)
{
    m->sup = (w >> 63) & 1;
    m->ie = (w >> 62) & 1;
    m->p = (uint32_t)(w >> 39) & RM_AMASK;
    m->l = (uint32_t)(w >> 20) & RM_AMASK;
    m->b = (uint32_t)w & RM_BMASK;
}

/* Section 2's rule, literally: a + l >= q, else a >= b, traps. */
bool rm_dev(const struct rm *m, uint32_t a, uint32_t *phys)
{
    if ((uint64_t)a + m->l >= m->q)
        return false;
    if (a >= m->b)
        return false;
    *phys = a + m->l;
    return true;
}

/* Every cycle counts the armed timer down; reaching zero makes it pending. */
void rm_charge(struct rm *m, unsigned cyc)
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

void rm_trap(struct rm *m, unsigned cause)
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

enum rm_res rm_step(struct rm *m, uint32_t *code)
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
enum exit_reason rm_run(struct rm *m, uint64_t budget, struct rm_dbg *g, struct machine_exit *ex)
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
bool watch_named(const struct rm_dbg *g, const struct machine_exit *ex)
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
bool trace_agrees(const struct rm_dbg *x, const struct rm_dbg *g)
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

void x_trace(void *ctx, const struct machine_trace *t)
{
    struct rm_dbg *g = ctx;
    if (g->ntr < 64)
        g->tr[g->ntr++] = *t;
}

