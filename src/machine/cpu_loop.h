/* cpu_loop.h: the body of the run loop, included twice by cpu.c: section 2's
 * instructions i: C -> C, address development and trap, step by step.
 *
 * CHECKED is 0 for the fast loop and 1 for the loop that also handles
 * breakpoints, watchpoints and tracing (TinyEMU's template technique).  The
 * PSW, counters and relocated base live in locals and are written back at
 * `out`; nothing else sees the machine until then.
 */
static enum exit_reason RUN_FN(struct machine *m, uint64_t budget,
                               struct machine_exit *ex)
{
    uint64_t *const E = m->E;
    const uint32_t q = m->q;
    bool sup = m->sup, ie = m->ie;
    uint32_t P = m->p, l = m->l, bnd = m->b, lim = m->lim;
    uint64_t *El = l < q ? E + l : E;
    const uint8_t *dmap = m->dmap[sup];
    uint64_t cycles = m->ctr.cycles;
    const uint64_t steps0 = m->ctr.steps;
    const uint64_t step_end =
        budget > UINT64_MAX - steps0 ? UINT64_MAX : steps0 + budget;
    /* Steps are counted by one down-counter, fuel: the steps that may run
     * before the budget or the timer needs a look (see next:). */
    uint64_t steps_at = steps0, fuel0 = 0, fuel = 0;
    uint64_t ntraps = 0; /* instructions completed = steps - traps */
    const uint64_t max_cost = m->max_cost;
    bool first = true;
    enum exit_reason why;
    uint8_t cause;
    uint64_t w = 0;
    uint32_t fa, fb, fc;

    /* checked-mode bookkeeping */
    struct machine_trace rec;
    bool rec_open = false;
    int64_t whit = -1;
    bool wwrite = false;

    memset(ex, 0, sizeof *ex);

#ifdef TGM_COMPUTED_GOTO
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Winitializer-overrides"
#else
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"
#endif
    static const void *const disp[ISA_NOPS] = {
        [0 ... ISA_NOPS - 1] = &&L_DEFAULT,
#define INSN(nm, opc, fmt, cls, cyc, syn) [opc] = &&L_OP_##nm,
#include "tgm/insns.def"
#undef INSN
        [DISPATCH_PRIV] = &&L_DISPATCH_PRIV,
    };
#if defined(__clang__)
#pragma clang diagnostic pop
#else
#pragma GCC diagnostic pop
#endif
#endif

next:
    if (CHECKED) {
        if (rec_open) {
            rec.cycles = cycles;
            m->trace(m->trace_ctx, &rec);
            rec_open = false;
        }
        if (whit >= 0) {
            ex->addr = (uint32_t)whit;
            ex->write = wwrite;
            why = EXIT_WATCH;
            goto out;
        }
    }
    if (UNLIKELY(fuel == 0)) {
        steps_at += fuel0;
        fuel0 = 0;
        if (steps_at >= step_end) {
            why = EXIT_BUDGET;
            goto out;
        }
        if (m->timer_armed && cycles >= m->timer_deadline) {
            m->timer_armed = false;
            m->timer_pending = true;
        }
        /* No step costs more than max_cost cycles, so the timer cannot
         * expire within (deadline - cycles) / max_cost steps. */
        uint64_t room = step_end - steps_at;
        if (m->timer_armed) {
            uint64_t t = (m->timer_deadline - cycles) / max_cost;
            room = t < room ? (t ? t : 1) : room;
        }
        fuel0 = fuel = room;
        if (m->timer_pending && ie) {
            m->timer_pending = false;
            cause = TRAP_TIMER; /* P already names the next instruction */
            if (CHECKED && m->trace) {
                memset(&rec, 0, sizeof rec);
                rec.psw_before = psw_pack(&(struct psw){sup, ie, 0, P, l, bnd});
                rec_open = true;
            }
            fuel--;
            first = false;
            goto trap;
        }
    }
    if (CHECKED) {
        if (!first && m->bp_exec && P < lim && bit_test(m->bp_exec, l + P)) {
            ex->addr = l + P;
            why = EXIT_BREAK;
            goto out;
        }
        if (m->trace) {
            memset(&rec, 0, sizeof rec);
            rec.psw_before = psw_pack(&(struct psw){sup, ie, 0, P, l, bnd});
            rec_open = true;
        }
    }
    fuel--;
    if (UNLIKELY(P >= lim)) /* instruction fetch develops P */
        goto mem_trap;
    w = El[P];
    if (CHECKED) {
        unsigned op = GET_OP(w);
        if (rec_open) {
            rec.fetched = true;
            rec.word = w;
            rec.phys = l + P;
        }
        if (!first && (m->break_class & m->profile->cls[op]) && isa_table[op].name) {
            fuel++; /* the step was not taken */
            ex->addr = l + P;
            why = EXIT_BREAK;
            rec_open = false;
            goto out;
        }
    }
    first = false;
    vmdispatch(dmap[GET_OP(w)])
    {
        vmcase(OP_NOP) MBZ(FIELD_A | FIELD_B | FIELD_C);
        NEXT(CYC_NOP);

        vmcase(OP_HALT) MBZ(FIELD_A | FIELD_B | FIELD_C);
        ADVANCE();
        RETIRE(CYC_HALT);
        why = EXIT_HALT;
        goto out;

        vmcase(OP_MOV) /* E[a] := E[b] */
        MBZ(FIELD_C);
        fa = GET_A(w);
        fb = GET_B(w);
        DEV(fa);
        DEV(fb);
        WR(fa, RD(fb));
        NEXT(CYC_MOV);

        vmcase(OP_LI) /* E[a] := imm38 */
        fa = GET_A(w);
        DEV(fa);
        WR(fa, (uint64_t)GET_IMM38(w));
        NEXT(CYC_LI);

        vmcase(OP_LDX) /* E[a] := E[(n + E[c]) mod 2^19] */
        {
            fa = GET_A(w);
            fc = GET_C(w);
            DEV(fa);
            DEV(fc);
            uint32_t x = (uint32_t)((GET_B(w) + RD(fc)) & TGM_ADDR_MASK);
            DEV(x);
            WR(fa, RD(x));
            NEXT(CYC_LDX);
        }

        vmcase(OP_STX) /* E[(n + E[b]) mod 2^19] := E[c] */
        {
            fb = GET_B(w);
            fc = GET_C(w);
            DEV(fb);
            DEV(fc);
            uint32_t x = (uint32_t)((GET_A(w) + RD(fb)) & TGM_ADDR_MASK);
            DEV(x);
            WR(x, RD(fc));
            NEXT(CYC_STX);
        }

        vmcase(OP_ADD) ALU(ADD, x + y);
        vmcase(OP_SUB) ALU(SUB, x - y);
        vmcase(OP_MUL) ALU(MUL, x * y);
        vmcase(OP_DIV) ALU(DIV, div_s(x, y));
        vmcase(OP_DIVU) ALU(DIVU, y ? x / y : UINT64_MAX);
        vmcase(OP_MOD) ALU(MOD, mod_s(x, y));
        vmcase(OP_MODU) ALU(MODU, y ? x % y : x);
        vmcase(OP_AND) ALU(AND, x & y);
        vmcase(OP_OR) ALU(OR, x | y);
        vmcase(OP_XOR) ALU(XOR, x ^ y);
        vmcase(OP_SHL) ALU(SHL, x << (y & 63));
        vmcase(OP_SHR) ALU(SHR, x >> (y & 63));
        vmcase(OP_SAR) ALU(SAR, (uint64_t)((int64_t)x >> (y & 63)));
        vmcase(OP_SLT) ALU(SLT, (uint64_t)((int64_t)x < (int64_t)y));
        vmcase(OP_SLTU) ALU(SLTU, (uint64_t)(x < y));
        vmcase(OP_SEQ) ALU(SEQ, (uint64_t)(x == y));

        vmcase(OP_ADDI) /* E[a] := E[b] + imm */
        fa = GET_A(w);
        fb = GET_B(w);
        DEV(fa);
        DEV(fb);
        WR(fa, RD(fb) + (uint64_t)GET_IMM(w));
        NEXT(CYC_ADDI);

        vmcase(OP_JMP) /* P := t */
        MBZ(FIELD_B | FIELD_C);
        JUMP(GET_A(w), CYC_JMP);

        vmcase(OP_JMPI) /* P := E[a] */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        JUMP((uint32_t)(RD(fa) & TGM_ADDR_MASK), CYC_JMPI);

        vmcase(OP_JMPX) /* P := E[(n + E[b]) mod 2^19] */
        {
            MBZ(FIELD_C);
            fb = GET_B(w);
            DEV(fb);
            uint32_t x = (uint32_t)((GET_A(w) + RD(fb)) & TGM_ADDR_MASK);
            DEV(x);
            JUMP((uint32_t)(RD(x) & TGM_ADDR_MASK), CYC_JMPX);
        }

        vmcase(OP_JAL) /* E[a] := P + 1; P := t */
        MBZ(FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, (P + 1) & TGM_ADDR_MASK);
        JUMP(GET_B(w), CYC_JAL);

        vmcase(OP_BEQ) BRANCH(BEQ, x == y);
        vmcase(OP_BNE) BRANCH(BNE, x != y);
        vmcase(OP_BLT) BRANCH(BLT, (int64_t)x < (int64_t)y);
        vmcase(OP_BGE) BRANCH(BGE, (int64_t)x >= (int64_t)y);
        vmcase(OP_BLTU) BRANCH(BLTU, x < y);
        vmcase(OP_BGEU) BRANCH(BGEU, x >= y);

        vmcase(OP_BZ) /* if E[a] = 0 then P := t */
        MBZ(FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        if (RD(fa) == 0)
            JUMP(GET_B(w), CYC_BZ);
        NEXT(CYC_BZ);

        vmcase(OP_BNZ) /* if E[a] != 0 then P := t */
        MBZ(FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        if (RD(fa) != 0)
            JUMP(GET_B(w), CYC_BNZ);
        NEXT(CYC_BNZ);

        vmcase(OP_DJNZ) /* E[a] := E[a] - 1; if E[a] != 0 then P := t */
        {
            MBZ(FIELD_C);
            fa = GET_A(w);
            DEV(fa);
            uint64_t v = RD(fa) - 1;
            WR(fa, v);
            if (v != 0)
                JUMP(GET_B(w), CYC_DJNZ);
            NEXT(CYC_DJNZ);
        }

        vmcase(OP_SVC) /* trap in either mode */
        MBZ(FIELD_B | FIELD_C);
        cause = TRAP_SVC;
        goto trap;

        vmcase(OP_LPSW) /* PSW := E[a] */
        {
            MBZ(FIELD_B | FIELD_C);
            fa = GET_A(w);
            DEV(fa);
            uint64_t nw = RD(fa);
            if (!sup && m->profile->beh[OP_LPSW] == BEH_USER_MASKED)
                P = psw_unpack(nw).p; /* a "user mode NOP" on M and R */
            else
                LOAD_PSW(nw);
            RECHECK(); /* I may now admit a pending timer */
            RETIRE(CYC_LPSW);
            goto next;
        }

        vmcase(OP_SPSW) /* E[a] := PSW with P + 1 */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, psw_pack(&(struct psw){sup, ie, 0, (P + 1) & TGM_ADDR_MASK, l, bnd}));
        NEXT(CYC_SPSW);

        vmcase(OP_LR) /* R := E[a] */
        {
            MBZ(FIELD_B | FIELD_C);
            fa = GET_A(w);
            DEV(fa);
            struct psw r = psw_unpack(RD(fa));
            l = r.l;
            bnd = r.b;
            RELOCATE();
            NEXT(CYC_LR);
        }

        vmcase(OP_SR) /* E[a] := R */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, r_pack(l, bnd));
        NEXT(CYC_SR);

        vmcase(OP_TSET) /* timer := E[a]; counts this instruction's cycles */
        {
            MBZ(FIELD_B | FIELD_C);
            fa = GET_A(w);
            DEV(fa);
            int64_t v = (int64_t)RD(fa);
            m->timer_pending = false;
            m->timer_armed = v > 0;
            m->timer_deadline = v > 0 ? cycles + (uint64_t)v : 0;
            RECHECK();
            NEXT(CYC_TSET);
        }

        vmcase(OP_TGET) /* E[a] := cycles left */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, m->timer_armed ? m->timer_deadline - cycles : 0);
        NEXT(CYC_TGET);

        vmcase(OP_COUT) /* console := E[a] mod 256 */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        m->con.put(m->con.ctx, (uint8_t)RD(fa));
        NEXT(CYC_COUT);

        vmcase(OP_CIN) /* E[a] := console byte or -1 */
        MBZ(FIELD_B | FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, (uint64_t)(int64_t)m->con.get(m->con.ctx));
        NEXT(CYC_CIN);

        vmcase(OP_HCALL) /* exit to the host */
        MBZ(FIELD_B | FIELD_C);
        ex->code = GET_A(w);
        ADVANCE();
        RETIRE(CYC_HCALL);
        why = EXIT_HOST;
        goto out;

        vmcase(OP_JRSTU) /* M := user; P := t */
        MBZ(FIELD_B | FIELD_C);
        sup = false;
        dmap = m->dmap[0];
        JUMP(GET_A(w), CYC_JRSTU);

        vmcase(OP_LRA) /* E[a] := n + l */
        MBZ(FIELD_C);
        fa = GET_A(w);
        DEV(fa);
        WR(fa, (uint64_t)GET_B(w) + l);
        NEXT(CYC_LRA);

        vmcase(OP_MFPI) /* E[a] := E[E[b]] in supervisor mode, E[b] in user */
        {
            MBZ(FIELD_C);
            fa = GET_A(w);
            fb = GET_B(w);
            DEV(fa);
            DEV(fb);
            uint32_t x = fb;
            if (sup) {
                x = (uint32_t)(RD(fb) & TGM_ADDR_MASK);
                DEV(x);
            }
            WR(fa, RD(x));
            NEXT(CYC_MFPI);
        }

        vmcase(DISPATCH_PRIV) /* privileged opcode in user mode */
        if (w & isa_mbz_mask(isa_table[GET_OP(w)].format))
            goto ill;
        cause = TRAP_PRIV;
        goto trap;

        vmdefault
        goto ill;
    }

ill:
    cause = TRAP_ILL;
    goto trap;
mem_trap:
    cause = TRAP_MEM;
trap:
    /* E[0] := old PSW, PSW := E[1]; nothing else in E changes. */
    if (CHECKED && m->watch_wr && bit_test(m->watch_wr, 0)) {
        whit = 0;
        wwrite = true;
    }
    E[0] = psw_pack(&(struct psw){sup, ie, cause, P, l, bnd});
    LOAD_PSW(E[1]);
    m->last_trap = cause;
    m->ctr.traps[cause]++;
    ntraps++;
    cycles += TGM_TRAP_CYCLES;
    RECHECK(); /* the new PSW's I may admit a pending timer */
    if (CHECKED) {
        if (rec_open)
            rec.trap = cause;
        if (m->trap_stop & (1u << cause)) {
            if (rec_open) {
                rec.cycles = cycles;
                m->trace(m->trace_ctx, &rec);
                rec_open = false;
            }
            ex->cause = cause;
            why = EXIT_TRAP;
            goto out;
        }
    }
    goto next;

out:
    if (CHECKED && rec_open) {
        rec.cycles = cycles;
        m->trace(m->trace_ctx, &rec);
    }
    m->sup = sup;
    m->ie = ie;
    m->p = P;
    m->l = l;
    m->b = bnd;
    m->lim = lim;
    uint64_t steps = steps_at + (fuel0 - fuel);
    m->ctr.cycles = cycles;
    m->ctr.instret += steps - steps0 - ntraps;
    ex->steps = steps - steps0;
    m->ctr.steps = steps;
    if (m->timer_armed && cycles >= m->timer_deadline) {
        m->timer_armed = false;
        m->timer_pending = true;
    }
    ex->reason = why;
    return why;
}
