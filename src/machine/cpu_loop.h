/* cpu_loop.h: the body of the run loop, included four times by cpu.c:
 * section 2's instructions i: C -> C, address development and trap, step by
 * step.
 *
 * ONE makes the loop of exactly one step (a VM's interpreted instruction, a
 * hybrid VM's every supervisor step), dispatching through its own table;
 * INLINED, through a switch, so that it can be inlined (no computed goto).
 * CHECKED is 0 for the fast loop and 1 for the loop that also handles
 * breakpoints, watchpoints and tracing (TinyEMU's template technique).  The
 * PSW, counters and relocated base live in locals and are written back at
 * `out`; nothing else sees the machine until then.
 */
/* CG: threaded dispatch (computed goto); an inlined loop has none */
#if defined(TGM_COMPUTED_GOTO) && !INLINED
#define CG 1
#define vmdispatch(x) goto *disp[x];
#define vmcase(name) L_##name:
#define vmdefault L_DEFAULT:
#else
#define CG 0
#define vmdispatch(x) switch ((x) & 0x7F) /* every code: no bounds check */
#define vmcase(name) case name:
#define vmdefault default:
#endif
static RUN_ATTR enum exit_reason RUN_FN(struct machine *m, uint64_t budget,
                               struct machine_exit *ex RUN_CHARGE_PARAMS)
{
#if CG
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
    static const void *const disp[ISA_NOPS + 3] = {
        [0 ... ISA_NOPS - 1] = &&L_DEFAULT,
#define INSN(nm, opc, fmt, cls, cyc, syn) [opc] = &&L_OP_##nm,
#include "tgm/insns.def"
#undef INSN
        [DISPATCH_PRIV] = &&L_DISPATCH_PRIV,
        [ISA_NOPS] = &&L_DECODE,       /* a stale entry's handler */
        [ISA_NOPS + 1] = &&L_GUARDED,  /* an opcode the mode or profile decides */
        [ISA_NOPS + 2] = &&L_BPCHK,    /* a word with a breakpoint on some machine */
    };

#if defined(__clang__)
#pragma clang diagnostic pop
#else
#pragma GCC diagnostic pop
#endif
    if (FAST && !m) { /* cpu_init: the table a decoded entry points into */
        fast_disp = disp;
#if RESOLVING
#define RES_ALU(nm, e) fast_res[OP_##nm] = &&L_R_##nm; res_writes[OP_##nm] = true;
#define RES_BRANCH(nm, e) fast_res[OP_##nm] = &&L_R_##nm;
#define RES_SIMPLE(nm) fast_res[OP_##nm] = &&L_R_##nm;
        ALU_OPS(RES_ALU)
        BRANCH_OPS(RES_BRANCH)
        SIMPLE_RESOLVED(RES_SIMPLE)
#undef RES_ALU
#undef RES_BRANCH
#undef RES_SIMPLE
        res_writes[OP_MOV] = res_writes[OP_LI] = res_writes[OP_ADDI] = true;
        res_writes[OP_DJNZ] = true;
#endif
        return EXIT_HALT;
    }
#endif
#if RESOLVING
/* A resolvable instruction's checked handler: an entry not yet tried for
 * this R and epoch is resolved first (L_RESOLVE), and runs resolved if it
 * can be. */
#define TRY_RESOLVE()                         \
    do {                                      \
        if (UNLIKELY(pc->tag != tag))         \
            goto L_RESOLVE;                   \
    } while (0)
#else
#define TRY_RESOLVE() ((void)0)
#endif

#if CG
    /* a constant in the fast loop, so it needs no register */
#define stale (FAST ? (const void *)&&L_DECODE : pdc_stale)
#elif ONE
    /* read where it is used: no register across the step */
#define stale pdc_stale
#else
    const void *const stale = pdc_stale;
#endif
    uint32_t P = m->p, lim = m->lim;
    uint64_t *El = m->El;
    struct pdc *Dl = m->Dl; /* the cache as P sees it */
    /* P is kept as pc = Dl + P; pclim = Dl + lim.  A jump to the target of
     * the last jump reuses its entry (last_t, last_pc), so a loop's back
     * branch does not wait for the target to be loaded. */
    struct pdc *pc = Dl + P, *pclim = Dl + lim, *last_pc = pc;
    /* the resolutions that hold (read by the fast loop's resolved handlers
     * only: the others need not load the cache's epoch) */
    uint64_t tag = RESOLVING ? pdc_tag(m->pdcs, Dl, lim) : TAG_LAZY;
    (void)tag;
    uint32_t last_t = UINT32_MAX;
    const struct pdc *dchk = pc; /* the checked loop's decoded word */
    const uint8_t *dmap = m->dmap[m->sup];
#if CG
    const void *const *hd = m->hdisp[m->sup]; /* the fast loop's, for dmap */
    /* a guarded entry's handler in this mode */
#define MODE_H(code) (FAST ? hd[code] : disp[dmap[code]])
#endif
    /* the counters, with what RUN_CHARGE adds (machine_charge's, done by
     * the first look) */
    uint64_t steps0 = m->ctr.steps + RUN_CHARGE(steps);
    uint64_t step_end = budget > UINT64_MAX - steps0 ? UINT64_MAX : steps0 + budget;
    /* the run's steps are STEPS() - origin: a host call that moves the
     * counter moves origin with it */
    uint64_t origin = steps0;
    /* cycles and steps (see RETIRE); cr = 0: look before the first step */
    uint64_t cbase = m->ctr.cycles + RUN_CHARGE(cycles), sbase = steps0;
    int64_t cr = 0;
    /* instructions completed = steps - ioff: ioff counts up with the
     * traps, so a write-back is one subtraction */
    uint64_t ioff = steps0 - (m->ctr.instret + RUN_CHARGE(instret));
    bool first = true;
    enum exit_reason why;
    uint8_t cause;
    uint64_t w = 0; /* the word fetched (checked loop) */
#if !CHECKED && !ONE
    /* a trap exit in progress (trap_exit): the trapped PSW's M, I and R,
     * and the new PSW; xnw is 0 otherwise */
    uint64_t tpswx, xnw;
#endif
    uint32_t fa, fb, fc;

    /* checked-mode bookkeeping; the debug settings are read again after
     * every trace call, in case the callback changed them */
    const uint8_t *bpx = m->bp_exec, *wmap = m->watch;
    unsigned bclass = m->break_class;
    bool per_step = bpx || bclass || m->trace; /* work before every step */
    const bool oracle = m->oracle;
    uint32_t Lw = m->l; /* l, for the watchpoints' physical addresses */
    struct machine_trace rec;
    struct pdc fetched = {0};
    bool rec_open = false;
    int64_t whit = -1; /* a watchpoint hit: see watch_hit */

    if (!INLINED) /* the inlined step sets only the reason and the steps */
        memset(ex, 0, sizeof *ex);

next:
    P = PC();
    pc = Dl + P;
    if (CHECKED && UNLIKELY(rec_open | (whit >= 0))) { /* the last step's */
        if (rec_open) {
            rec.cycles = CYC();
            m->trace(m->trace_ctx, &rec);
            rec_open = false;
            bpx = m->bp_exec;
            wmap = m->watch;
            bclass = m->break_class;
            per_step = bpx || bclass || m->trace;
        }
        if (whit >= 0) {
            ex->addr = (uint32_t)(whit >> 1);
            ex->write = whit & 1;
            why = EXIT_WATCH;
            goto out;
        }
    }
    if (UNLIKELY(cr >= 0)) { /* a look: the budget and the timer */
        uint64_t cyc = CYC(), st = STEPS();
        if (st >= step_end) {
            if (INLINED) /* no step completed (machine_step_op) */
                m->step_op = 0;
            why = EXIT_BUDGET;
            goto out;
        }
        if (m->timer_armed && cyc >= m->timer_deadline) {
            m->timer_armed = false;
            m->timer_pending = true;
        }
        if (!ONE)
            PLACE_LOOK(cyc, st);
        if (m->timer_pending && m->ie) {
            m->timer_pending = false;
            cause = TRAP_TIMER; /* P already names the next instruction */
            if (CHECKED && m->trace) {
                memset(&rec, 0, sizeof rec);
                rec.psw_before = psw_pack(&(struct psw){m->sup, m->ie, 0, P, m->l, m->b});
                rec_open = true;
            }
            first = false;
            goto trap;
        }
    }
    if (CHECKED && per_step) { /* breakpoints, tracing, class breakpoints */
        if (UNLIKELY(bpx && !first && P < lim && bit_test(bpx, m->l + P))) {
            ex->addr = m->l + P;
            why = EXIT_BREAK;
            goto out;
        }
        if (m->trace) {
            memset(&rec, 0, sizeof rec);
            rec.psw_before = psw_pack(&(struct psw){m->sup, m->ie, 0, P, m->l, m->b});
            rec_open = true;
        }
    }
    if (UNLIKELY(P >= lim)) { /* instruction fetch develops P */
        first = false; /* a step, its trap's: the next may stop (as in L_BPCHK) */
        goto mem_trap;
    }
    if (CHECKED && per_step) {
        w = El[P];
        unsigned op = GET_OP(w);
        if (rec_open) {
            rec.fetched = true;
            rec.word = w;
            rec.phys = m->l + P;
        }
        if (UNLIKELY(bclass && !first && (bclass & m->profile->cls[op]) && isa_table[op].name)) {
            ex->addr = m->l + P; /* the step is not taken */
            why = EXIT_BREAK;
            rec_open = false;
            goto out;
        }
    }
    first = false;
#if CG
    if (FAST)
        goto *cur->h; /* the entry's own handler, or L_DECODE */
#endif
    if (CHECKED && oracle) { /* the cache's oracle (tests) */
        pdc_decode(m->pdcs, &fetched, El[P]);
        dchk = &fetched;
    } else if (pc->h == stale) {
        pdc_decode(m->pdcs, pc, El[P]);
        if (CHECKED)
            dchk = pc;
    } else if (CHECKED) {
        dchk = pc;
    }
    if (INLINED) /* for its caller (machine_step_op): no second fetch */
        m->step_op = cur->code;
    vmdispatch(dmap[cur->code])
    {
#if CG
    L_DECODE:
        pdc_decode(m->pdcs, pc, El[pc - Dl]);
        tag = pdc_tag(m->pdcs, Dl, lim); /* a new epoch, perhaps */
        goto *pc->h;
    L_GUARDED:
        goto *MODE_H(cur->code);
    L_BPCHK: /* the fast loop's breakpoints; never the run's first step */
        if (FAST && m->bp_exec && bit_test(m->bp_exec, m->l + PC()) &&
            STEPS() != origin) {
            ex->addr = m->l + PC(); /* the step is not taken */
            why = EXIT_BREAK;
            goto out;
        }
        goto *MODE_H(cur->code);
#endif

        vmcase(OP_NOP)
        TRY_RESOLVE();
        NEXT(CYC_NOP);

        vmcase(OP_HALT)
        ADVANCE();
        RETIRE(CYC_HALT);
        why = EXIT_HALT;
        goto out;

        vmcase(OP_MOV) /* E[a] := E[b] */
        TRY_RESOLVE();
        fa = cur->a;
        fb = cur->b;
        DEVS(DEV(fa); DEV(fb));
        WR(fa, RD(fb));
        NEXT(CYC_MOV);

        vmcase(OP_LI) /* E[a] := imm38 */
        TRY_RESOLVE();
        fa = cur->a;
        DEV(fa);
        WR(fa, (uint64_t)cur->c);
        NEXT(CYC_LI);

        vmcase(OP_LDX) /* E[a] := E[(n + E[c]) mod 2^19] */
        {
            fa = cur->a;
            fc = (uint32_t)cur->c;
            DEVS(DEV(fa); DEV(fc));
            uint32_t x = (uint32_t)((cur->b + RD(fc)) & TGM_ADDR_MASK);
            DEV(x);
            WR(fa, RD(x));
            NEXT(CYC_LDX);
        }

        vmcase(OP_STX) /* E[(n + E[b]) mod 2^19] := E[c] */
        {
            fb = cur->b;
            fc = (uint32_t)cur->c;
            DEVS(DEV(fb); DEV(fc));
            uint32_t x = (uint32_t)((cur->a + RD(fb)) & TGM_ADDR_MASK);
            DEV(x);
            WR(x, RD(fc));
            NEXT(CYC_STX);
        }

#define CASE_ALU(nm, e) vmcase(OP_##nm) ALU(nm, e);
        ALU_OPS(CASE_ALU)
#undef CASE_ALU

        vmcase(OP_ADDI) /* E[a] := E[b] + imm */
        TRY_RESOLVE();
        fa = cur->a;
        fb = cur->b;
        DEVS(DEV(fa); DEV(fb));
        WR(fa, RD(fb) + (uint64_t)cur->c);
        NEXT(CYC_ADDI);

        vmcase(OP_JMP) /* P := t */
        TRY_RESOLVE();
        JUMP(cur->a, CYC_JMP);

        vmcase(OP_JMPI) /* P := E[a] */
        fa = cur->a;
        DEV(fa);
        JUMP((uint32_t)(RD(fa) & TGM_ADDR_MASK), CYC_JMPI);

        vmcase(OP_JMPX) /* P := E[(n + E[b]) mod 2^19] */
        {
            fb = cur->b;
            DEV(fb);
            uint32_t x = (uint32_t)((cur->a + RD(fb)) & TGM_ADDR_MASK);
            DEV(x);
            JUMP((uint32_t)(RD(x) & TGM_ADDR_MASK), CYC_JMPX);
        }

        vmcase(OP_JAL) /* E[a] := P + 1; P := t */
        fa = cur->a;
        DEV(fa);
        WR(fa, (PC() + 1) & TGM_ADDR_MASK);
        JUMP(cur->b, CYC_JAL);

#define CASE_BRANCH(nm, cond) vmcase(OP_##nm) BRANCH(nm, cond);
        BRANCH_OPS(CASE_BRANCH)
#undef CASE_BRANCH

        vmcase(OP_BZ) /* if E[a] = 0 then P := t */
        TRY_RESOLVE();
        fa = cur->a;
        DEV(fa);
        if (RD(fa) == 0)
            JUMP(cur->b, CYC_BZ);
        NEXT(CYC_BZ);

        vmcase(OP_BNZ) /* if E[a] != 0 then P := t */
        TRY_RESOLVE();
        fa = cur->a;
        DEV(fa);
        if (RD(fa) != 0)
            JUMP(cur->b, CYC_BNZ);
        NEXT(CYC_BNZ);

        vmcase(OP_DJNZ) /* E[a] := E[a] - 1; if E[a] != 0 then P := t */
        {
            TRY_RESOLVE();
            fa = cur->a;
            DEV(fa);
            uint64_t v = RD(fa) - 1;
            WR(fa, v);
            if (v != 0)
                JUMP(cur->b, CYC_DJNZ);
            NEXT(CYC_DJNZ);
        }

        vmcase(OP_SVC) /* trap in either mode */
        cause = TRAP_SVC;
        goto trap;

        vmcase(OP_LPSW) /* PSW := E[a] */
        {
            fa = cur->a;
            DEV(fa);
            uint64_t nw = RD(fa);
            if (!m->sup && m->profile->beh[OP_LPSW] == BEH_USER_MASKED)
                pc = Dl + psw_unpack(nw).p; /* a "user mode NOP" on M and R */
            else
                LOAD_PSW(nw);
            ADMIT();
            RETIRE(CYC_LPSW);
            DISPATCH();
        }

        vmcase(OP_SPSW) /* E[a] := PSW with P + 1 */
        fa = cur->a;
        DEV(fa);
        ADVANCE(); /* the PSW stored has P + 1, which out: stores too */
        WR(fa, psw_at(m, PC(), 0));
        NEXT_ADVANCED(CYC_SPSW);

        vmcase(OP_LR) /* R := E[a] */
        {
            fa = cur->a;
            DEV(fa);
            struct psw r = psw_unpack(RD(fa));
            P = PC();
            m->l = r.l;
            m->b = r.b;
            m->pswx = (m->pswx & ~r_pack(TGM_ADDR_MASK, UINT32_MAX)) | r_pack(r.l, r.b);
            RELOCATE();
            pc = Dl + P;
            NEXT(CYC_LR);
        }

        vmcase(OP_SR) /* E[a] := R */
        fa = cur->a;
        DEV(fa);
        WR(fa, r_pack(m->l, m->b));
        NEXT(CYC_SR);

        vmcase(OP_TSET) /* timer := E[a]; counts this instruction's cycles */
        {
            fa = cur->a;
            DEV(fa);
            int64_t v = (int64_t)RD(fa);
            m->timer_pending = false;
            m->timer_armed = v > 0;
            m->timer_deadline = v > 0 ? CYC() + (uint64_t)v : 0;
            RECHECK();
            NEXT(CYC_TSET);
        }

        vmcase(OP_TGET) /* E[a] := cycles left */
        fa = cur->a;
        DEV(fa);
        WR(fa, m->timer_armed ? m->timer_deadline - CYC() : 0);
        NEXT(CYC_TGET);

        vmcase(OP_COUT) /* console := E[a] mod 256 */
        fa = cur->a;
        DEV(fa);
        m->con.put(m->con.ctx, (uint8_t)RD(fa));
        NEXT(CYC_COUT);

        vmcase(OP_CIN) /* E[a] := console byte or -1 */
        fa = cur->a;
        DEV(fa);
        WR(fa, (uint64_t)(int64_t)m->con.get(m->con.ctx));
        NEXT(CYC_CIN);

        vmcase(OP_HCALL) /* exit to the host, or its handler in place */
        ex->code = cur->a;
        ADVANCE();
        RETIRE(CYC_HCALL);
#if !CHECKED && !ONE
        if (m->hostcall) {
            m->p = PC();
            /* no trap exit: no PSW's M, I and R are all ones (P and the
             * cause are cleared from them), and xnw is 0 */
            xnw = 0;
            tpswx = UINT64_MAX;
            goto hostcall;
        }
#endif
        why = EXIT_HOST;
        goto out;

        vmcase(OP_JRSTU) /* M := user; P := t */
        m->sup = false;
        m->pswx &= ~(UINT64_C(1) << PSW_S_BIT);
        SET_MODE(0);
        JUMP(cur->a, CYC_JRSTU);

        vmcase(OP_LRA) /* E[a] := n + l */
        fa = cur->a;
        DEV(fa);
        WR(fa, (uint64_t)cur->b + m->l);
        NEXT(CYC_LRA);

        vmcase(OP_MFPI) /* E[a] := E[E[b]] in supervisor mode, E[b] in user */
        {
            fa = cur->a;
            fb = cur->b;
            DEVS(DEV(fa); DEV(fb));
            uint32_t x = fb;
            if (m->sup) {
                x = (uint32_t)(RD(fb) & TGM_ADDR_MASK);
                DEV(x);
            }
            WR(fa, RD(x));
            NEXT(CYC_MFPI);
        }

        vmcase(DISPATCH_PRIV) /* privileged opcode in user mode */
        cause = TRAP_PRIV;
        goto trap;

        vmdefault
        goto ill;

#if RESOLVING
    /* Resolved handlers (pdc_resolve): the entry's tag names the R and
     * epoch its slots were proved for; any other falls back to the checked
     * handler, which resolves the entry again. */
    L_RESOLVE:
        if (tag == TAG_LAZY) { /* the entry may be resolved for this R already */
            tag = pdc_tag(m->pdcs, Dl, lim);
            if (pc->tag == tag)
                goto *pc->h;
        }
        goto *pdc_resolve(pc, PC(), Dl, El, lim, tag);
#define RCHECK(nm)                         \
    do {                                   \
        if (UNLIKELY(pc->tag != tag))      \
            goto L_OP_##nm;                \
    } while (0)
#define RGO()                              \
    do {                                   \
        if (UNLIKELY(cr >= 0))             \
            goto next;                     \
        goto *pc->h;                       \
    } while (0)
#define RNEXT(n)                           \
    do {                                   \
        pc++;                              \
        PIN(cr);                           \
        RETIRE(n);                         \
        RGO();                             \
    } while (0)
/* A jump to the last jump's target takes its entry from a register, as
 * JUMP does (sharing its last_t/last_pc), not from the slot s[i].  F is the
 * target's field: comparing it, not the pointer, keeps the compiler from
 * taking one for the other. */
#define RJUMP(i, f, n)                     \
    do {                                   \
        uint32_t t_ = (uint32_t)pc->f;     \
        JUMP_LAST(t_, n, RGO());           \
        pc = pc->s[i].t;                   \
        last_t = t_;                       \
        last_pc = pc;                      \
        RETIRE(n);                         \
        RGO();                             \
    } while (0)
#define R_ALU(nm, e)                                      \
    L_R_##nm : RCHECK(nm);                                \
    {                                                     \
        uint64_t x = *pc->s[1].w, y = *pc->s[2].w;        \
        *pc->s[0].w = (e);                                \
        RNEXT(CYC_##nm);                                  \
    }
#define R_BRANCH(nm, cond)                                \
    L_R_##nm : RCHECK(nm);                                \
    {                                                     \
        uint64_t x = *pc->s[0].w, y = *pc->s[1].w;        \
        if (cond)                                         \
            RJUMP(2, c, CYC_##nm);                        \
        RNEXT(CYC_##nm);                                  \
    }
        ALU_OPS(R_ALU)
        BRANCH_OPS(R_BRANCH)
    L_R_NOP:
        RCHECK(NOP);
        RNEXT(CYC_NOP);
    L_R_MOV:
        RCHECK(MOV);
        *pc->s[0].w = *pc->s[1].w;
        RNEXT(CYC_MOV);
    L_R_LI:
        RCHECK(LI);
        *pc->s[0].w = (uint64_t)pc->c;
        RNEXT(CYC_LI);
    L_R_ADDI:
        RCHECK(ADDI);
        *pc->s[0].w = *pc->s[1].w + (uint64_t)pc->c;
        RNEXT(CYC_ADDI);
    L_R_JMP:
        RCHECK(JMP);
        RJUMP(0, a, CYC_JMP);
    L_R_BZ:
        RCHECK(BZ);
        if (*pc->s[0].w == 0)
            RJUMP(1, b, CYC_BZ);
        RNEXT(CYC_BZ);
    L_R_BNZ:
        RCHECK(BNZ);
        if (*pc->s[0].w != 0)
            RJUMP(1, b, CYC_BNZ);
        RNEXT(CYC_BNZ);
    L_R_DJNZ:
        RCHECK(DJNZ);
        {
            uint64_t *w_ = pc->s[0].w, v_ = *w_ - 1;
            *w_ = v_;
            if (v_ != 0)
                RJUMP(1, b, CYC_DJNZ);
            RNEXT(CYC_DJNZ);
        }
#undef RCHECK
#undef RGO
#undef RNEXT
#undef RJUMP
#undef R_ALU
#undef R_BRANCH
#endif
    }

ill:
    COLD;
    cause = TRAP_ILL;
    goto trap;
mem_trap:
    COLD;
    cause = TRAP_MEM;
trap:
    /* E[0] := old PSW, PSW := E[1]; nothing else in E changes. */
    P = PC();
    if (INLINED) /* the step completed no instruction (machine_step_op) */
        m->step_op = 0;
#if defined(__GNUC__) && !CHECKED && !ONE
    /* one trap path for every cause (GCC would otherwise build the old
     * PSW's cause bits in each instruction that may trap) */
    __asm__("" : "+r"(cause));
    if (cause >= TRAP_NCAUSES) /* (so the old PSW needs no mask of it) */
        __builtin_unreachable();
#endif
    if (CHECKED) { /* E[1], read: the new PSW; then E[0], written (named if both) */
        whit = watch_hit(m, wmap, 1, WATCH_READ, whit);
        whit = watch_hit(m, wmap, 0, WATCH_WRITE, whit);
    }
    {
        uint64_t nw_ = trap_sequence(m, psw_at(m, P, cause), cause);
        ioff++;
#if !CHECKED && !ONE
#if CG /* an HCALL's entry's handler, decoded and with no breakpoint */
#define GUARDED_H ((const void *)&&L_GUARDED)
#else
#define GUARDED_H NULL /* (no entry has it: trap_exit looks every time) */
#endif
        /* the new PSW's first step is a host call: take it with the trap,
         * unless the next step would look (the budget or the timer: CR
         * with the trap retired is not negative) */
        const struct pdc *hw_;
        if (UNLIKELY(cr + (((int64_t)TGM_TRAP_CYCLES << CR_SHIFT) + 1) < 0) &&
            (m->p = P, hw_ = trap_exit(m, nw_, GUARDED_H))) {
            RETIRE(TGM_TRAP_CYCLES);
            /* (M's P is stored first, while P is at hand: unless the
             * exit is taken, out: or the host call stores it again) */
            tpswx = m->pswx;
            xnw = nw_;
            ex->code = hw_->a;
            RETIRE(CYC_HCALL);
            goto hostcall;
        }
#undef GUARDED_H
#endif
        RETIRE(TGM_TRAP_CYCLES);
        LOAD_PSW(nw_);
    }
    ADMIT();
    if (CHECKED) {
        if (rec_open)
            rec.trap = cause;
        if (m->trap_stop & (1u << cause)) {
            if (rec_open) {
                rec.cycles = CYC();
                m->trace(m->trace_ctx, &rec);
                rec_open = false;
            }
            ex->cause = cause;
            why = EXIT_TRAP;
            goto out;
        }
    }
    DISPATCH();

#if !CHECKED && !ONE
hostcall: /* the handler in place: M is written back (in a trap exit its PSW
           * is still the trapped one, machine.h), the run's locals not */
    {
        uint64_t steps = STEPS(), left = step_end - steps;
        m->ctr.cycles = CYC();
        m->ctr.instret = steps - ioff;
        m->ctr.steps = steps;
        struct hostcall_result hr = m->hostcall(m->hostcall_ctx, m, ex->code, &left);
        enum hostcall_next nx = hr.next;
        uint64_t nw = hr.psw;
        if (nx == HOSTCALL_RESUME && (nw & ~PSW_P_CAUSE_BITS) == m->pswx) {
            /* back to the window the loop holds, M's (the handler left M's
             * PSW as it was: in a trap exit the trapped one), with the
             * counters, the budget, the look and the timer as they were */
            P = (uint32_t)(nw >> PSW_P_SHIFT) & TGM_ADDR_MASK;
            pc = Dl + P;
            /* a new epoch, perhaps (TAG_LAZY may stay: it matches nothing) */
            if (UNLIKELY(tag >> PDC_TAG_EPOCH != m->pdcs->epoch))
                tag = pdc_tag(m->pdcs, Dl, lim);
            DISPATCH();
        }
        if (nx == HOSTCALL_RESUME)
            nx = HOSTCALL_LPSW;
        /* take the machine up again as at entry (the steps at the call
         * worked out again: not kept across it for this path alone) */
#ifdef __GNUC__
        __asm__("" : "+r"(cr));
#endif
        uint64_t s0 = m->ctr.steps;
        origin += s0 - STEPS();
        sbase = s0;
        uint64_t room = left < ~s0 ? left : ~s0; /* saturating */
        step_end = s0 + room;
        cbase = m->ctr.cycles;
        cr = 0;
        ioff = s0 - m->ctr.instret;
        if (xnw && nx == HOSTCALL_LPSW && (nw & ~PSW_P_CAUSE_BITS) == tpswx &&
            m->pswx == tpswx) {
            /* back to the trapped M, I and R, still M's: so is the window */
            P = (uint32_t)(nw >> PSW_P_SHIFT) & TGM_ADDR_MASK;
            pc = Dl + P;
        } else if (nx == HOSTCALL_LPSW) {
            LOAD_PSW(nw);
        } else if (xnw) { /* the new PSW, past its HCALL, as the two steps leave it */
            LOAD_PSW(xnw);
            ADVANCE();
        } else {
            P = m->p;
            WINDOW(m->lim); /* the setters keep it (machine_update_lim) */
            pc = Dl + P;
            SET_MODE(m->sup);
        }
        tag = pdc_tag(m->pdcs, Dl, lim); /* the guest runs resolved next */
        if (nx != HOSTCALL_STOP) {
            /* the look next: would make, unless it has more to do than
             * place the next one (the budget spent, the timer due) */
            if (room == 0 || m->timer_pending ||
                (m->timer_armed && m->timer_deadline <= cbase))
                goto next;
            PLACE_LOOK(cbase, s0); /* ahead: room and deadline are */
            DISPATCH_AHEAD();
        }
        why = EXIT_HOST;
        goto out;
    }
#endif

out:; /* a label needs a statement before a declaration (C11) */
#undef stale
#undef TRY_RESOLVE
#undef MODE_H
#undef CG
#undef vmdispatch
#undef vmcase
#undef vmdefault
    uint64_t cycles = CYC(), steps = STEPS();
    if (CHECKED && rec_open) {
        rec.cycles = cycles;
        m->trace(m->trace_ctx, &rec);
    }
    m->p = PC();
    m->ctr.cycles = cycles;
    m->ctr.instret = steps - ioff;
    ex->steps = steps - origin;
    m->ctr.steps = steps;
    if (m->timer_armed && cycles >= m->timer_deadline) {
        m->timer_armed = false;
        m->timer_pending = true;
    }
    if (CHECKED && whit >= 0) /* the step's hits, for machine_watch_hits */
        m->whits_mark = machine_mark(m);
    ex->reason = why;
    return why;
}
