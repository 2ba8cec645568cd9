/* cpu.c: the processor: fetch, address development, execute, trap, cycles.
 *
 * Section 2 made to run.  Every fetch and operand address a is developed
 * through R = (l, b); the paper's two checks (a + l >= q, a >= b) are folded
 * into one compare against lim = min(b, q - l), which machine_develop()
 * spells out literally and the tests check against each other.  A trap
 * stores the old PSW (P of the trapping instruction) in absolute E[0] and
 * loads the new PSW from absolute E[1]; nothing else in E changes, because
 * every instruction develops all of its addresses before it writes.
 *
 * The loop is instantiated four times: the fast one (which also honours
 * execution breakpoints, marked in the decode cache), one of exactly one
 * step, the same inlined where the CP steps a view, and a checked one that
 * also handles watchpoints, class breakpoints, trap stops and tracing.
 * Nothing here prints.
 */
#include <stddef.h>
#include <string.h>

#include "machine_impl.h"

#if defined(__GNUC__) && !defined(TGM_NO_COMPUTED_GOTO)
#define TGM_COMPUTED_GOTO 1
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline bool bit_test(const uint8_t *bm, uint32_t i)
{
    return (bm[i >> 3] >> (i & 7)) & 1;
}

/* Add hit H to the step's list (machine_watch_hits); HIT < 0, no hit yet
 * in this run, starts it: a run stops after its first step with a hit, so
 * the list is that step's. */
static __attribute__((noinline, cold)) void watch_note(struct machine *m, int64_t h,
                                                       int64_t hit)
{
    if (hit < 0)
        m->nwhits = 0;
    if (m->nwhits < MACHINE_WATCH_HITS)
        m->whits[m->nwhits++] = (uint32_t)h;
}

/* A watchpoint hit (WMAP: a byte per word, or NULL): 2 x the physical
 * address + 1 for a write, or HIT as it was; the instruction completes,
 * then the run stops. */
static inline int64_t watch_hit(struct machine *m, const uint8_t *wmap, uint32_t phys,
                                unsigned kind, int64_t hit)
{
    if (UNLIKELY(wmap && (wmap[phys] & kind))) {
        int64_t h = 2 * (int64_t)phys + (kind == WATCH_WRITE);
        watch_note(m, h, hit);
        return h;
    }
    return hit;
}

/* Division never traps; results at zero and overflow are documented. */
static inline uint64_t div_s(uint64_t x, uint64_t y)
{
    if (y == 0)
        return UINT64_MAX;
    if ((int64_t)x == INT64_MIN && (int64_t)y == -1)
        return x;
    return (uint64_t)((int64_t)x / (int64_t)y);
}

static inline uint64_t mod_s(uint64_t x, uint64_t y)
{
    if (y == 0)
        return x;
    if ((int64_t)x == INT64_MIN && (int64_t)y == -1)
        return 0;
    return (uint64_t)((int64_t)x % (int64_t)y);
}

/* The three-operand ALU instructions and the compare-and-branch ones, each
 * with its result in terms of x = E[b], y = E[c] (ALU) or x = E[a], y =
 * E[b] (branch): one list for the handlers, checked and resolved. */
#define ALU_OPS(X)                                        \
    X(ADD, x + y)                                         \
    X(SUB, x - y)                                         \
    X(MUL, x * y)                                         \
    X(DIV, (div_s(x, y)))                                 \
    X(DIVU, y ? x / y : UINT64_MAX)                       \
    X(MOD, (mod_s(x, y)))                                 \
    X(MODU, y ? x % y : x)                                \
    X(AND, x & y)                                         \
    X(OR, x | y)                                          \
    X(XOR, x ^ y)                                         \
    X(SHL, x << (y & 63))                                 \
    X(SHR, x >> (y & 63))                                 \
    X(SAR, (uint64_t)((int64_t)x >> (y & 63)))            \
    X(SLT, (uint64_t)((int64_t)x < (int64_t)y))           \
    X(SLTU, (uint64_t)(x < y))                            \
    X(SEQ, (uint64_t)(x == y))
#define BRANCH_OPS(X)                                     \
    X(BEQ, x == y)                                        \
    X(BNE, x != y)                                        \
    X(BLT, (int64_t)x < (int64_t)y)                       \
    X(BGE, (int64_t)x >= (int64_t)y)                      \
    X(BLTU, x < y)                                        \
    X(BGEU, x >= y)
/* The other instructions the fast loop resolves (see pdc_resolve). */
#define SIMPLE_RESOLVED(X) X(NOP) X(MOV) X(LI) X(ADDI) X(JMP) X(BZ) X(BNZ) X(DJNZ)

#define FIELD_A (ISA_FIELD << ISA_A_SHIFT)
#define FIELD_B (ISA_FIELD << ISA_B_SHIFT)
#define FIELD_C (ISA_FIELD << ISA_C_SHIFT)

/* The entry being executed: the fast loop's is the one at P. */
#define cur (CHECKED ? dchk : (const struct pdc *)pc)
/* Trap paths: keep them out of the handlers' way. */
#if defined(__GNUC__) && !defined(__clang__)
#define COLD __attribute__((cold))
#else
#define COLD
#endif

/* Operand and step macros shared by both instantiations of the loop.
 * P is pc - Dl (mod 2^19: running off the top of E wraps, as P + 1 does). */
#define PC() ((uint32_t)(pc - Dl) & TGM_ADDR_MASK)
#define ADVANCE() (pc++)
/* Cycles and steps share one counter, cr: its high 40 bits are the cycles
 * relative to the next look (cbase; negative until it is due), its low 24
 * bits the steps since the last look (sbase).  A step retires with one add,
 * and the sign says when to look: exactly when the timer's deadline or the
 * step budget may have come.  Instructions are steps less traps. */
#define INSN(nm, opc, fmt, cls, cyc, syn) \
    _Static_assert((cyc) >= 1, "the run loop's looks need every step to take a cycle");
#include "tgm/insns.def"
#undef INSN
_Static_assert(TGM_TRAP_CYCLES >= 1, "a trap takes a cycle");
/* Keep the counter's add next to the test of its sign (GCC would hoist a
 * shared add above a branch and test the sign again).  The loop of one
 * step tests no sign: there the counter is known (0 until the step). */
#ifdef TGM_COMPUTED_GOTO
#define PIN(x)                       \
    do {                             \
        if (!ONE)                    \
            __asm__("" : "+r"(x));   \
    } while (0)
#else
#define PIN(x) ((void)0)
#endif
#define CR_SHIFT 24
#define CR_STEPS ((INT64_C(1) << CR_SHIFT) - 1)
#define RETIRE(n) (cr += ((int64_t)(n) << CR_SHIFT) + 1)
#define CYC() (cbase + (uint64_t)(cr >> CR_SHIFT))
#define STEPS() (sbase + (uint64_t)(cr & CR_STEPS))
/* Place the next look, at cycle CYC_ and step ST_: every step takes at
 * least one cycle, so the budget cannot run out before cycle CYC_ +
 * (step_end - ST_); the look is then or at the timer's deadline, and within
 * 2^23 cycles, so the steps fit in cr's low bits. */
#define PLACE_LOOK(cyc_, st_)                                               \
    do {                                                                    \
        uint64_t c0_ = (cyc_), s0_ = (st_);                                 \
        uint64_t room_ = step_end - s0_, max_ = (uint64_t)1 << (CR_SHIFT - 1); \
        uint64_t look_ = c0_ + (room_ < max_ ? room_ : max_);               \
        if (m->timer_armed && m->timer_deadline < look_)                    \
            look_ = m->timer_deadline;                                      \
        sbase = s0_;                                                        \
        cbase = look_;                                                      \
        cr = -(int64_t)((look_ - c0_) << CR_SHIFT);                         \
    } while (0)
/* Make the next step look at the budget and the timer again. */
#define RECHECK()                     \
    do {                              \
        uint64_t c_ = CYC();          \
        sbase = STEPS();              \
        cbase = c_;                   \
        cr = 0;                       \
    } while (0)
/* A new PSW whose I admits a pending timer: the timer traps before the
 * next instruction.  (The timer itself can only have expired at a look,
 * so nothing else needs one.) */
#define ADMIT()                                  \
    do {                                         \
        if (UNLIKELY(m->timer_pending && m->ie))    \
            RECHECK();                           \
    } while (0)
/* Threaded dispatch: the fast loop fetches the next entry at the end of
 * every handler; next: takes the rest (a look due, P out of range, the
 * checked loop's every step).  CG (cpu_loop.h) picks the variant: the
 * inlined loop of one step dispatches with a switch, so it has no computed
 * goto and can be inlined (machine_step_inline). */
#define CG_PICK(name) CG_PICK_(name, CG)
#define CG_PICK_(name, c) CG_PICK__(name, c)
#define CG_PICK__(name, c) name##_##c
#define GO() CG_PICK(GO)()
#define DISPATCH() CG_PICK(DISPATCH)()
#define DISPATCH_AHEAD() CG_PICK(DISPATCH_AHEAD)()
/* the loop of one step ends after its one instruction */
#define ONE_DONE()                             \
    do {                                       \
        if (ONE) {                             \
            why = EXIT_BUDGET;                 \
            goto out;                          \
        }                                      \
    } while (0)
#define GO_1()                                 \
    do {                                       \
        ONE_DONE();                            \
        if (CHECKED || UNLIKELY(cr >= 0))      \
            goto next;                         \
        goto *pc->h;                           \
    } while (0)
#define DISPATCH_1()                           \
    do {                                       \
        if (!ONE && UNLIKELY(pc >= pclim))     \
            goto next;                         \
        GO_1();                                \
    } while (0)
/* The fast loop's dispatch when the next look is known to be ahead. */
#define DISPATCH_AHEAD_1()                     \
    do {                                       \
        if (UNLIKELY(pc >= pclim))             \
            goto next;                         \
        goto *pc->h;                           \
    } while (0)
#define GO_0()                                 \
    do {                                       \
        ONE_DONE();                            \
        goto next;                             \
    } while (0)
#define DISPATCH_0()    \
    do {                \
        (void)pclim;    \
        GO_0();         \
    } while (0)
#define DISPATCH_AHEAD_0() DISPATCH_0()
#define NEXT(n)                                  \
    do {                                         \
        ADVANCE();                               \
        NEXT_ADVANCED(n);                        \
    } while (0)
/* NEXT once P has advanced (an instruction that stores P + 1 itself) */
#define NEXT_ADVANCED(n)                         \
    do {                                         \
        if (!ONE && UNLIKELY(pc >= pclim)) {     \
            RETIRE(n);                           \
            goto next;                           \
        }                                        \
        PIN(cr);                                 \
        RETIRE(n);                               \
        GO();                                    \
    } while (0)
/* A jump to T_, the last jump's target: its entry is last_pc, and the next
 * step goes on with GO_ (a branch the CPU predicts, where loading the entry
 * would chain a loop's iterations through the load). */
#define JUMP_LAST(t_, n, go_)          \
    do {                               \
        if (LIKELY((t_) == last_t)) {  \
            pc = last_pc;              \
            PIN(cr);                   \
            RETIRE(n);                 \
            go_;                       \
        }                              \
    } while (0)
/* last_pc was developed when it was cached; RELOCATE forgets it.  (The
 * loop of one step ends after it, whatever the target.) */
#define JUMP(t, n)                          \
    do {                                    \
        uint32_t t_ = (t);                  \
        JUMP_LAST(t_, n, GO());             \
        RETIRE(n);                          \
        pc = Dl + t_;                       \
        if (!ONE && UNLIKELY(t_ >= lim))    \
            goto next;                      \
        last_t = t_;                        \
        last_pc = pc;                       \
        GO();                               \
    } while (0)
#define DEV(x)                    \
    do {                          \
        if (UNLIKELY((x) >= lim)) \
            goto mem_trap;        \
    } while (0)
/* All of an instruction's operand addresses: compare the largest with lim
 * once.  No instruction reads or writes before all are developed, and every
 * failure is the same memory trap, so the order is not observable (EACH,
 * the addresses one by one, documents which they are). */
#define DEVS(each)                                  \
    do {                                            \
        if (UNLIKELY(cur->amax >= lim))             \
            goto mem_trap;                          \
    } while (0)
#define WATCH(x, kind) \
    (CHECKED ? (void)(whit = watch_hit(m, wmap, Lw + (x), (kind), whit)) : (void)0)
#define RD(x) (CHECKED ? (WATCH(x, WATCH_READ), El[x]) : El[x])
/* Every store makes the word's predecoded entry stale. */
#define WR(x, v)                   \
    do {                           \
        uint64_t v_ = (v);         \
        WATCH(x, WATCH_WRITE);     \
        El[x] = v_;                \
        Dl[x].h = stale;           \
    } while (0)
/* The window of R = (m->l, m->b), whose first LIM_ words develop (kept in
 * M too, as machine_update_lim keeps it outside the loop).  The
 * tag is left to the first resolved step that needs it (L_RESOLVE): a
 * trap's handler seldom runs resolved code at once. */
#define WINDOW(lim_)                                           \
    do {                                                       \
        lim = (lim_);                                          \
        El = m->El = LIKELY(m->l < m->q) ? m->E + m->l : m->E; \
        Dl = m->Dl = LIKELY(m->l < m->q) ? m->D + m->l : m->D; \
        pclim = Dl + lim;                                      \
        tag = TAG_LAZY;                                        \
        last_t = UINT32_MAX;                                   \
        Lw = m->l;                                             \
    } while (0)
/* m->lim follows R at once, as machine_update_lim keeps it outside */
#define RELOCATE() WINDOW(m->lim = address_limit(m->q, m->l, m->b))
/* No pdc_tag is all ones (bit 39 is clear: an index has 19 bits), so no
 * entry matches it. */
#define TAG_LAZY UINT64_MAX
#define LOAD_PSW(word)                     \
    do {                                   \
        uint64_t w_ = (word);              \
        struct psw np_ = psw_unpack(w_);   \
        m->sup = np_.sup;                  \
        m->ie = np_.ie;                    \
        P = np_.p;                         \
        m->l = np_.l;                      \
        m->b = np_.b;                      \
        m->pswx = w_ & ~PSW_P_CAUSE_BITS;  \
        RELOCATE();                        \
        pc = Dl + P;                       \
        SET_MODE(m->sup);                  \
    } while (0)
#define ABC()                        \
    fa = cur->a;                     \
    fb = cur->b;                     \
    fc = (uint32_t)cur->c;           \
    DEVS(DEV(fa); DEV(fb); DEV(fc))
#define ALU(name, expr)                  \
    do {                                 \
        TRY_RESOLVE();                   \
        ABC();                           \
        uint64_t x = RD(fb), y = RD(fc); \
        WR(fa, (expr));                  \
        NEXT(CYC_##name);                \
    } while (0)
#define BRANCH(name, cond)                            \
    do {                                              \
        TRY_RESOLVE();                                \
        fa = cur->a;                                \
        fb = cur->b;                                \
        DEVS(DEV(fa); DEV(fb));                       \
        uint64_t x = RD(fa), y = RD(fb);              \
        if (cond)                                     \
            JUMP((uint32_t)cur->c, CYC_##name);               \
        NEXT(CYC_##name);                             \
    } while (0)

/* The mode's dispatch map (and the fast loop's handlers for it). */
#define SET_MODE(s) CG_PICK(SET_MODE)(s)
_Static_assert(ISA_NOPS == 0x80 && DISPATCH_PRIV == 0x7F,
               "a dispatch code has 7 bits (the switch masks it)");
#define SET_MODE_1(s) (dmap = m->dmap[s], hd = m->hdisp[s])
#define SET_MODE_0(s) (dmap = m->dmap[s])


const void *pdc_stale;
bool cpu_fast_breaks;
static const void *const *fast_disp; /* run_fast's table (computed goto) */
/* Opcodes that execute directly in both modes of every profile: their
 * entries jump straight to their handlers; any other goes through the
 * mode's dispatch map (L_GUARDED), so no handler need know its profile. */
static bool uniform[ISA_NOPS];

/* The fast loop's handler for a decoded entry: it depends on the opcode
 * alone (L_GUARDED consults the mode and profile). */
static const void *pdc_handler(const struct pdc *d)
{
    return fast_disp[d->nbp ? ISA_NOPS + 2 : uniform[d->code] ? d->code : ISA_NOPS + 1];
}

/* Retire every resolution in the cache S: a new epoch (all tags, when the
 * epoch's bits run out). */
static void pdc_new_epoch(struct pdc_shared *s)
{
    if (++s->epoch >= (1u << PDC_EPOCH_BITS)) {
        for (uint32_t i = 0; i < s->q; i++)
            s->D0[i].tag = 0;
        s->epoch = 1;
    }
}

/* Predecode WORD into D, an entry of the cache S: its operands, and its
 * handler.  A word some resolved entry stores into unmarked is code from
 * now on, so those resolutions end (a new epoch). */
void pdc_decode(struct pdc_shared *s, struct pdc *d, uint64_t word)
{
    struct insn in = isa_decode(word);
    d->code = in.ok ? in.op : DISPATCH_ILL;
    d->a = in.a;
    d->b = in.b;
    d->c = in.ok && (in.info->format == FMT_ABI || in.info->format == FMT_AL) ? in.imm
                                                                              : in.c;
    d->amax = 0;
    const uint8_t *k = isa_format_kinds[in.ok ? in.info->format : FMT_N];
    uint32_t f[3] = {in.a, in.b, in.c};
    for (int i = 0; i < 3; i++)
        if (k[i] == OK_ADDR && f[i] > d->amax)
            d->amax = f[i];
    d->h = fast_disp ? pdc_handler(d) : d; /* anything but stale */
    d->tag = 0;
    if (UNLIKELY(d->flags & PDC_TARGET)) {
        d->flags = 0;
        pdc_new_epoch(s);
    }
}

#ifdef TGM_COMPUTED_GOTO
/* The resolved handlers (run_fast's), and whether each stores into E[a]. */
static const void *fast_res[ISA_NOPS];
static bool res_writes[ISA_NOPS];

/* Resolve entry E, at P of the window DL/EL whose first LIM words develop,
 * for TAG; returns the handler E now has.  The resolved handler takes for
 * granted what is proved here: every data operand and the jump target
 * develop, so does P + 1, and the word it stores into has no decoded entry
 * (it is flagged instead; see struct pdc).  Any of these failing, E keeps
 * its checked handler, and is not tried again until the tag changes. */
static const void *pdc_resolve(struct pdc *e, uint32_t P, struct pdc *Dl, uint64_t *El,
                               uint32_t lim, uint64_t tag)
{
    e->tag = tag;
    const void *h = fast_res[e->code];
    if (!h || !uniform[e->code] || e->nbp || P + 1 >= lim || e->amax >= lim)
        return e->h = pdc_handler(e);
    const uint8_t *k = isa_format_kinds[isa_table[e->code].format];
    uint32_t f[3] = {e->a, e->b, (uint32_t)e->c};
    for (int i = 0; i < 3; i++) {
        if (k[i] == OK_ADDR) {
            e->s[i].w = El + f[i];
        } else if (k[i] == OK_TGT) {
            if (f[i] >= lim)
                return e->h = pdc_handler(e);
            e->s[i].t = Dl + f[i];
        }
    }
    if (res_writes[e->code]) {
        struct pdc *t = Dl + e->a;
        if (t->h != pdc_stale)
            return e->h = pdc_handler(e);
        t->flags |= PDC_TARGET;
    }
    return e->h = h;
}
#endif

/* No trap exit cached (trap_exit): no handler is this entry's. */
const struct pdc pdc_none = {.code = DISPATCH_ILL};

/* A trap exit's check for a new PSW NW not cached, or an entry no longer
 * the HCALL it was: NW is in supervisor mode (an HCALL's only), its P
 * develops, the word there is an HCALL that mode executes, no breakpoint
 * marks it, and no timer trap comes first.  If so, returns the word's
 * entry, decoded (as its step would decode it), and keeps NW and the entry
 * when NW's I is 0 (the CP's PSW), so that trap_exit need not look again;
 * else NULL. */
static __attribute__((noinline)) const struct pdc *trap_exit_check(struct machine *m,
                                                                   uint64_t nw)
{
    if (!(nw >> PSW_S_BIT) || !m->hostcall || m->dmap[1][OP_HCALL] != OP_HCALL)
        return NULL;
    uint32_t p = (uint32_t)(nw >> PSW_P_SHIFT) & TGM_ADDR_MASK;
    uint32_t l = (uint32_t)(nw >> PSW_L_SHIFT) & TGM_ADDR_MASK;
    if (p >= address_limit(m->q, l, (uint32_t)(nw & PSW_B_MASK)))
        return NULL; /* (else l + p < q: P develops) */
    struct pdc *e = m->D + l + p;
    if (e->h == pdc_stale)
        pdc_decode(m->pdcs, e, m->E[l + p]);
    if (e->code != OP_HCALL || e->nbp)
        return NULL;
    bool ie = (nw >> PSW_I_BIT) & 1;
    if (ie && m->timer_pending)
        return NULL;
    if (!ie) {
        m->xpsw = nw;
        m->xent = e;
    }
    return e;
}

/* A trap exit: is the first step of the trap's new PSW NW an HCALL that
 * the fast loop can take with the trap?  The last NW that passed (the
 * CP's PSW, at every trap) is kept with its entry: while that entry's
 * handler is GUARDED (the fast loop's for an HCALL: decoded, no breakpoint
 * on it) and its opcode HCALL, NW passes again.  Only a PSW with I 0 is
 * kept, so no timer trap can come first, and machine_set_hostcall and
 * cpu_mode_handlers forget it (pdc_none). */
static inline const struct pdc *trap_exit(struct machine *m, uint64_t nw, const void *guarded)
{
    const struct pdc *e = m->xent;
    if (LIKELY(nw == m->xpsw && e->h == guarded && e->code == OP_HCALL))
        return e;
    return trap_exit_check(m, nw);
}

/* The fast loop's handlers are the ones entries point to (FAST). */
#define FAST (!CHECKED && !ONE)
/* and only they resolve entries (threaded dispatch only) */
#ifdef TGM_COMPUTED_GOTO
#define RESOLVING FAST
#else
#define RESOLVING 0
#endif
/* Only the inlined step is given counts to charge first (RUN_CHARGE). */
#define RUN_CHARGE_PARAMS
#define RUN_CHARGE(field) UINT64_C(0)
#define CHECKED 0
#define ONE 0
#define INLINED 0
#define RUN_FN run_fast
#if defined(__clang__)
#define RUN_ATTR __attribute__((noinline))
#else
#define RUN_ATTR __attribute__((noinline, noclone))
#endif
#include "cpu_loop.h"
#undef ONE
#undef RUN_FN
#undef RUN_ATTR
#define RUN_ATTR
#define ONE 1
#define RUN_FN run_one
#include "cpu_loop.h"
#undef INLINED
#undef RUN_FN
#undef RUN_ATTR
/* the same, inlined where the CP steps a view (machine_step_inline) */
#define RUN_ATTR inline __attribute__((always_inline))
#define INLINED 1
#define RUN_FN run_one_inline
#undef RUN_CHARGE_PARAMS
#undef RUN_CHARGE
#define RUN_CHARGE_PARAMS , struct machine_charge ch
#define RUN_CHARGE(field) (ch.field)
#include "cpu_loop.h"
#undef RUN_CHARGE_PARAMS
#undef RUN_CHARGE
#define RUN_CHARGE_PARAMS
#define RUN_CHARGE(field) UINT64_C(0)
#undef CHECKED
#undef ONE
#undef INLINED
#undef RUN_FN
#undef RUN_ATTR
#define RUN_ATTR
#define INLINED 0
#define CHECKED 1
#define ONE 0
#define RUN_FN run_checked
#include "cpu_loop.h"
#undef CHECKED
#undef ONE
#undef INLINED
#undef RUN_FN

/* A guarded entry's handler in each mode (the fast loop's L_GUARDED), so
 * that it dispatches once, not through the code and then the table. */
void cpu_mode_handlers(struct machine *m)
{
    for (int s = 0; s < 2; s++)
        for (unsigned op = 0; op < ISA_NOPS; op++)
            m->hdisp[s][op] = fast_disp ? fast_disp[m->dmap[s][op]] : NULL;
    m->xent = &pdc_none; /* what trap_exit kept depends on the dispatch */
}

/* The fast loop's handler addresses are fixed for the life of the process
 * (it is never inlined or cloned); an entry holds one of them. */
void cpu_init(void)
{
    static char stale_marker; /* without computed goto: any unique address */
    if (pdc_stale)
        return;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        uniform[op] = isa_table[op].name && op != OP_HCALL;
        for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
            uniform[op] = uniform[op] && (*p)->beh[op] == BEH_DIRECT;
    }
#ifdef TGM_COMPUTED_GOTO
    struct machine_exit ex;
    run_fast(NULL, 0, &ex);
#endif
    pdc_stale = fast_disp ? fast_disp[ISA_NOPS] : &stale_marker;
    cpu_fast_breaks = fast_disp != NULL;
}

/* Declared inline (the header's declaration makes this the external
 * definition) so that LTO inlines it where the machine is run. */
inline enum exit_reason machine_run(struct machine *m, uint64_t budget,
                                    struct machine_exit *ex)
{
    struct machine_exit scratch;
    if (!ex)
        ex = &scratch;
    if (m->checked)
        return run_checked(m, budget, ex);
    return budget == 1 && !m->hostcall ? run_one(m, budget, ex) : run_fast(m, budget, ex);
}

enum exit_reason machine_step(struct machine *m, struct machine_exit *ex)
{
    return machine_run(m, 1, ex);
}

/* machine_charge, then machine_step_inline: the step's first look counts
 * the timer down, as machine_charge does, so the charge costs no stores of
 * its own (the CP charges a view its direct execution at every trap, then
 * steps it). */
inline __attribute__((always_inline)) enum exit_reason
machine_charge_step_inline(struct machine *m, struct machine_charge ch,
                           struct machine_exit *ex)
{
    struct machine_exit scratch;
    if (!ex)
        ex = &scratch;
    if (m->step_run) /* m->checked || m->hostcall */ {
        /* a record of its own, so that EX's address does not escape and
         * the caller's unread fields need no stores */
        struct machine_exit x;
        machine_charge(m, ch.cycles, ch.instret, ch.steps);
        uint64_t i0 = m->ctr.instret;
        uint8_t op = m->p < m->lim ? (uint8_t)GET_OP(m->El[m->p]) : 0;
        machine_run(m, 1, &x);
        m->step_op = m->ctr.instret != i0 ? op : 0;
        *ex = x;
        return x.reason;
    }
    return run_one_inline(m, 1, ex, ch);
}

/* machine_step with the loop of one step inlined into the caller (LTO):
 * the CP steps a view at every trap, and a call's prologue, the exit
 * record and the view's counters then stay in registers. */
inline __attribute__((always_inline)) enum exit_reason
machine_step_inline(struct machine *m, struct machine_exit *ex)
{
    struct machine_exit scratch;
    if (!ex)
        ex = &scratch;
    if (m->step_run) /* m->checked || m->hostcall */
        return machine_run(m, 1, ex);
    return run_one_inline(m, 1, ex, (struct machine_charge){0, 0, 0});
}
