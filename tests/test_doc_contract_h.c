/* test_doc_contract_h.c: the public headers (include/tgm/ headers), docs/isa.md,
 * docs/asm.md and docs/vmm.md read as a contract a second time, against the
 * code and the paper (sections 2-8).  A test of a behaviour that changed
 * fails on the tree before its fix; the others pin what a header or a
 * document promises and no test checked.
 *
 * Uses the C API directly, as an embedder would, and the real binary
 * (cli_support) from the top of the source tree.
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

#include "cli_support.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* ---- image.h ------------------------------------------------------------ */

/* image.h: image_serialize returns -1 "if it violates the format".  It
 * wrote symbols out of order, a name twice and cause bits in the entry PSW
 * (masking them), and image_parse then refused the bytes it wrote (or took
 * another entry PSW than the image held).  Whatever it writes now parses
 * back to the same image, and image_write_file says why it refuses. */
static void image__serialize_writes_only_what_parse_takes(void **state)
{
    (void)state;
    uint64_t words[2] = {1, 2};
    struct tgm_symbol unsorted[] = {{"b", 1, 0}, {"a", 0, 0}};
    struct tgm_symbol samename[] = {{"a", 0, 0}, {"a", 1, 0}};
    struct tgm_symbol twice[] = {{"a", 0, 0}, {"a", 0, 0}};
    struct tgm_symbol sorted[] = {{"a", 0, 0}, {"b", 0, 0}, {"a2", 1, 0}};
    static const struct {
        uint32_t n;
        uint64_t psw;
        const char *why;
    } bad[] = {
        {2, 0, "symbols not sorted by value, then name"},
        {2, 0, "a symbol name twice"},
        {2, 0, "symbols not sorted by value, then name"},
        {0, UINT64_C(3) << PSW_CAUSE_SHIFT, "cause bits in the entry PSW"},
    };
    struct tgm_symbol *syms[] = {unsorted, samename, twice, NULL};
    char path[CS_PATH], err[512];
    cs_tmp_path(path, sizeof path, "h-bad.img");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct tgm_image img = {0, 2, bad[k].psw, words, bad[k].n, syms[k]};
        uint8_t *buf = NULL;
        size_t len = 0;
        assert_int_equal(image_serialize(&img, &buf, &len), -1);
        assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
        if (!strstr(err, bad[k].why) || !strstr(err, "image violates the format"))
            fail_msg("case %zu: '%s'", k, err);
    }
    /* the canonical order, and a PSW with I and every field set, round trip */
    uint64_t psw = UINT64_C(0xC3FFFFFFFFFFFFFF) & ~(UINT64_C(0xF) << PSW_CAUSE_SHIFT);
    struct tgm_image img = {7, 2, psw, words, 3, sorted};
    uint8_t *buf;
    size_t len;
    assert_int_equal(image_serialize(&img, &buf, &len), 0);
    struct tgm_image back;
    assert_int_equal(image_parse(buf, len, &back, err, sizeof err), 0);
    assert_int_equal(back.load, 7);
    assert_int_equal(back.entry_psw, psw);
    assert_int_equal(back.nsyms, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_string_equal(back.syms[i].name, sorted[i].name);
        assert_int_equal(back.syms[i].value, sorted[i].value);
    }
    image_free(&back);
    free(buf);
}

/* ---- machine.h --------------------------------------------------------- */

/* A machine of 32 words in supervisor mode at P = 4, R = (2, 20), whose
 * E[1] is a new PSW with cause bits (ignored) and I = IE, E[6] an SVC. */
static struct machine *trap_fixture(bool ie)
{
    struct machine_config cfg = {32, NULL, false};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    struct psw np = {false, ie, 5, 9, 1, 30};
    machine_write_phys(m, 1, psw_pack(&np));
    machine_write_phys(m, 6, MAKE_INSN(OP_SVC, 3, 0, 0));
    for (uint32_t i = 7; i < 32; i++)
        machine_write_phys(m, i, i * 0x1111);
    machine_load_psw(m, &(struct psw){true, false, 0, 4, 2, 20});
    return m;
}

/* machine.h: machine_trap is "the trap sequence of section 2 done in
 * software ... The same effect the CPU produces" (the control program
 * reflects every trap with it), and a timer trap clears the pending timer
 * as the CPU's does.  Nothing tested it against the CPU. */
static void machine_h__machine_trap_is_the_cpus_trap(void **state)
{
    (void)state;
    for (int timer = 0; timer <= 1; timer++) {
        struct machine *cpu = trap_fixture(false), *sw = trap_fixture(false);
        struct machine_timer pend = {false, true, 0};
        if (timer) { /* a pending timer and I = 1: the CPU's step is the trap */
            for (struct machine **m = (struct machine *[]){cpu, sw, NULL}; *m; m++) {
                machine_set_timer(*m, &pend);
                machine_load_psw(*m, &(struct psw){true, true, 0, 4, 2, 20});
            }
        }
        struct machine_exit ex;
        assert_int_equal(machine_step(cpu, &ex), EXIT_BUDGET);
        machine_trap(sw, timer ? TRAP_TIMER : TRAP_SVC);
        char diff[256];
        if (machine_compare(cpu, sw, CMP_COUNTERS, "cpu", "machine_trap", diff, sizeof diff))
            fail_msg("%s trap: %s", timer ? "timer" : "svc", diff);
        /* and both are section 2's: old PSW with P and cause, new from E[1] */
        struct psw old = psw_unpack(machine_mem(sw)[0]), now = machine_psw(sw);
        assert_int_equal(old.cause, timer ? TRAP_TIMER : TRAP_SVC);
        assert_int_equal(old.p, 4);
        assert_true(old.sup && old.ie == (timer == 1) && old.l == 2 && old.b == 20);
        assert_true(!now.sup && !now.ie && now.p == 9 && now.l == 1 && now.b == 30);
        struct machine_counters c = machine_get_counters(sw);
        assert_int_equal(c.cycles, TGM_TRAP_CYCLES);
        assert_int_equal(c.steps, 1);
        assert_int_equal(c.instret, 0);
        assert_int_equal(machine_last_trap(sw), timer ? TRAP_TIMER : TRAP_SVC);
        assert_false(machine_get_timer(sw).pending);
        machine_destroy(cpu);
        machine_destroy(sw);
    }
}

/* machine.h's other promises: the size range, a run of no steps, the exit
 * record optional, the timer set as expired, the debug setters' range, a
 * view's limits, a PSW's cause ignored. */
static void machine_h__the_api_keeps_its_promises(void **state)
{
    (void)state;
    assert_null(machine_create(&(struct machine_config){TGM_Q_MIN - 1, NULL, false}));
    assert_null(machine_create(&(struct machine_config){TGM_Q_MAX + 1, NULL, false}));
    struct machine *d = machine_create(NULL);
    assert_non_null(d);
    assert_int_equal(machine_q(d), TGM_Q_DEFAULT);
    assert_string_equal(machine_profile(d)->name, "virtualizable");
    machine_destroy(d);

    struct machine *m = trap_fixture(false);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 0, &ex), EXIT_BUDGET);
    assert_int_equal(ex.steps, 0);
    assert_int_equal(machine_steps(m), 0);
    /* the SVC at apparent 4 (E[6]), then the word at the new P, data */
    assert_int_equal(machine_run(m, 2, NULL), EXIT_BUDGET);
    assert_int_equal(machine_get_counters(m).traps[TRAP_SVC], 1);
    assert_int_equal(machine_get_counters(m).traps[TRAP_ILL], 1);

    /* "Armed with remaining <= 0 means it has expired: it becomes pending." */
    machine_set_timer(m, &(struct machine_timer){true, false, 0});
    struct machine_timer t = machine_get_timer(m);
    assert_true(!t.armed && t.pending && t.remaining == 0);
    machine_set_timer(m, &(struct machine_timer){true, false, 10});
    machine_charge(m, 4, 1, 1);
    t = machine_get_timer(m);
    assert_true(t.armed && !t.pending && t.remaining == 6);
    machine_charge(m, 6, 0, 0);
    t = machine_get_timer(m);
    assert_true(!t.armed && t.pending && t.remaining == 0);

    assert_int_equal(machine_break_exec(m, 32, true), -1);
    assert_int_equal(machine_watch(m, 32, WATCH_READ), -1);
    assert_int_equal(machine_break_exec(m, 31, true), 0);
    assert_true(machine_break_exec_test(m, 31));
    uint64_t v;
    assert_int_equal(machine_read_phys(m, 32, &v), -1);
    assert_int_equal(machine_write_phys(m, 32, 1), -1);
    assert_null(machine_create_view(m, 0, TGM_Q_MIN - 1, NULL));
    assert_null(machine_create_view(m, 20, 13, NULL));
    struct machine *view = machine_create_view(m, 20, 12, NULL);
    assert_non_null(view);
    assert_int_equal(machine_mem(view)[0], 20 * 0x1111); /* the region as it stands */
    machine_destroy(view);
    assert_int_equal(machine_mem(m)[20], 20 * 0x1111);

    machine_set_psw(m, UINT64_C(0xF) << PSW_CAUSE_SHIFT | (UINT64_C(7) << PSW_P_SHIFT));
    assert_int_equal(machine_get_psw(m), UINT64_C(7) << PSW_P_SHIFT);

    /* "Power-on state: E all zero, supervisor, I = 0, P = 0, R = (0, q),
     * timer disarmed, console empty, counters zero.  Debug settings are
     * kept." */
    machine_console_put(m, 'x');
    assert_int_equal(machine_console_input(m, (const uint8_t *)"ab", 2), 0);
    assert_int_equal(machine_console_get(m), 'a');
    machine_reset(m);
    for (uint32_t i = 0; i < 32; i++)
        assert_int_equal(machine_mem(m)[i], 0);
    assert_int_equal(machine_get_psw(m), psw_pack(&(struct psw){true, false, 0, 0, 0, 32}));
    t = machine_get_timer(m);
    assert_true(!t.armed && !t.pending);
    size_t len;
    machine_console_output(m, &len);
    assert_int_equal(len, 0);
    assert_int_equal(machine_console_input_used(m), 0);
    assert_int_equal(machine_console_get(m), -1);
    struct machine_counters zero = {0}, c = machine_get_counters(m);
    assert_memory_equal(&c, &zero, sizeof c);
    assert_int_equal(machine_last_trap(m), TRAP_NONE);
    assert_true(machine_break_exec_test(m, 31) && machine_debugging(m));
    machine_debug_clear(m);
    assert_false(machine_break_exec_test(m, 31) || machine_debugging(m));
    machine_destroy(m);
}

/* ---- docs/isa.md as a model ------------------------------------------- */

/* A machine of MQ words as docs/isa.md describes it, written from the
 * document alone (isa_table supplies only what the generated table there
 * says: format, cycles and, per profile, the user-mode behaviour). */
#define MQ 48u
struct model {
    uint64_t E[MQ];
    bool s, ie, armed, pending, halted;
    uint32_t p, l, b;
    int64_t rem;
    uint64_t cycles, instret, steps, traps[TRAP_NCAUSES];
    uint8_t in[2], out[32]; /* the console: input queued, output sent */
    size_t nin, used, nout;
};

/* "if a + l >= q then memory trap else if a >= b then memory trap else use
 * E[a + l]" */
static bool m_dev(const struct model *s, uint64_t a, uint32_t *ph)
{
    if (a + s->l >= MQ || a >= s->b)
        return false;
    *ph = (uint32_t)(a + s->l);
    return true;
}

/* "While armed it counts down by every cycle the machine spends,
 * instructions and trap sequences alike." */
static void m_spend(struct model *s, unsigned cycles)
{
    s->cycles += cycles;
    if (s->armed && (s->rem -= cycles) <= 0) {
        s->armed = false;
        s->pending = true;
        s->rem = 0;
    }
}

static uint64_t m_psw(const struct model *s, uint32_t p, unsigned cause)
{
    struct psw w = {s->s, s->ie, (uint8_t)cause, p, s->l, s->b};
    return psw_pack(&w);
}

static void m_load(struct model *s, uint64_t w)
{
    struct psw p = psw_unpack(w); /* the cause is ignored */
    s->s = p.sup;
    s->ie = p.ie;
    s->p = p.p;
    s->l = p.l;
    s->b = p.b;
}

/* "E[0] := the old PSW <M, P, R> with I and the cause; <M, P, R> and I :=
 * the fields of E[1]"; 4 cycles, a step, no instruction completed. */
static void m_trap(struct model *s, unsigned cause)
{
    s->E[0] = m_psw(s, s->p, cause);
    m_load(s, s->E[1]);
    s->steps++;
    s->traps[cause]++;
    m_spend(s, TGM_TRAP_CYCLES);
}

static uint64_t m_alu(unsigned op, uint64_t x, uint64_t y)
{
    int64_t sx = (int64_t)x, sy = (int64_t)y;
    bool ovf = sx == INT64_MIN && sy == -1;
    switch (op) {
    case OP_ADD: return x + y;
    case OP_SUB: return x - y;
    case OP_MUL: return x * y;
    case OP_DIV: return !y ? UINT64_MAX : ovf ? x : (uint64_t)(sx / sy);
    case OP_DIVU: return y ? x / y : UINT64_MAX;
    case OP_MOD: return !y ? x : ovf ? 0 : (uint64_t)(sx % sy);
    case OP_MODU: return y ? x % y : x;
    case OP_AND: return x & y;
    case OP_OR: return x | y;
    case OP_XOR: return x ^ y;
    case OP_SHL: return x << (y % 64);
    case OP_SHR: return x >> (y % 64);
    case OP_SAR: return (uint64_t)(sx >> (y % 64));
    case OP_SLT: return sx < sy;
    case OP_SLTU: return x < y;
    default: return x == y; /* SEQ */
    }
}

static bool m_branch(unsigned op, uint64_t x, uint64_t y)
{
    switch (op) {
    case OP_BEQ: return x == y;
    case OP_BNE: return x != y;
    case OP_BLT: return (int64_t)x < (int64_t)y;
    case OP_BGE: return (int64_t)x >= (int64_t)y;
    case OP_BLTU: return x < y;
    default: return x >= y; /* BGEU */
    }
}

/* One step: a pending timer with I = 1 first, then the fetch, illegal,
 * privileged, the operands in order, and the instruction. */
static void m_step(struct model *s, const struct isa_profile *prof)
{
    uint32_t ph, x, pa[3] = {0};
    if (s->pending && s->ie) {
        s->pending = false;
        m_trap(s, TRAP_TIMER);
        return;
    }
    if (!m_dev(s, s->p, &ph)) {
        m_trap(s, TRAP_MEM);
        return;
    }
    uint64_t w = s->E[ph], *E = s->E;
    unsigned op = GET_OP(w);
    const struct insn_info *ii = &isa_table[op];
    if (!ii->name || prof->beh[op] == BEH_ABSENT || op == OP_HCALL ||
        (w & isa_mbz_mask(ii->format))) {
        m_trap(s, TRAP_ILL);
        return;
    }
    if (!s->s && prof->beh[op] == BEH_PRIV) {
        m_trap(s, TRAP_PRIV);
        return;
    }
    uint32_t f[3] = {GET_A(w), GET_B(w), GET_C(w)}, np = (s->p + 1) & TGM_ADDR_MASK;
    for (int i = 0; i < 3; i++)
        if (isa_format_kinds[ii->format][i] == OK_ADDR && !m_dev(s, f[i], &pa[i])) {
            m_trap(s, TRAP_MEM);
            return;
        }
    uint64_t *A = &E[pa[0]], *B = &E[pa[1]], *C = &E[pa[2]];
    switch (op) {
    case OP_NOP: break;
    case OP_HALT: s->halted = true; break;
    case OP_MOV: *A = *B; break;
    case OP_LI: *A = (uint64_t)GET_IMM38(w); break;
    case OP_ADDI: *A = *B + (uint64_t)GET_IMM(w); break;
    case OP_LDX: case OP_STX: case OP_JMPX:
        x = (uint32_t)((op == OP_LDX ? f[1] + *C : f[0] + *B) & TGM_ADDR_MASK);
        if (!m_dev(s, x, &ph)) {
            m_trap(s, TRAP_MEM);
            return;
        }
        if (op == OP_LDX)
            *A = E[ph];
        else if (op == OP_STX)
            E[ph] = *C;
        else
            np = (uint32_t)(E[ph] & TGM_ADDR_MASK);
        break;
    case OP_JMP: np = f[0]; break;
    case OP_JMPI: np = (uint32_t)(*A & TGM_ADDR_MASK); break;
    case OP_JAL: *A = np; np = f[1]; break;
    case OP_BZ: if (*A == 0) np = f[1]; break;
    case OP_BNZ: if (*A != 0) np = f[1]; break;
    case OP_DJNZ: if (--*A != 0) np = f[1]; break;
    case OP_SVC: m_trap(s, TRAP_SVC); return;
    case OP_LPSW:
        if (!s->s && prof->beh[op] == BEH_USER_MASKED) { /* x86: P only */
            np = psw_unpack(*A).p;
            break;
        }
        m_load(s, *A);
        np = s->p;
        break;
    case OP_SPSW: *A = m_psw(s, np, 0); break;
    case OP_LR: s->l = psw_unpack(*A).l; s->b = psw_unpack(*A).b; break;
    case OP_SR: *A = r_pack(s->l, s->b); break;
    case OP_TSET: /* the count includes the TSET's own cycles (m_spend) */
        s->pending = false;
        s->armed = (int64_t)*A > 0;
        s->rem = s->armed ? (int64_t)*A : 0;
        break;
    case OP_TGET: *A = s->armed ? (uint64_t)s->rem : 0; break;
    case OP_COUT: s->out[s->nout++] = (uint8_t)*A; break;
    case OP_CIN: *A = s->used < s->nin ? s->in[s->used++] : UINT64_MAX; break;
    case OP_JRSTU: s->s = false; np = f[0]; break;
    case OP_LRA: *A = (uint64_t)f[1] + s->l; break;
    case OP_MFPI:
        if (s->s && !m_dev(s, *B & TGM_ADDR_MASK, &ph)) {
            m_trap(s, TRAP_MEM);
            return;
        }
        *A = s->s ? E[ph] : *B;
        break;
    default:
        if (ii->format == FMT_ABT) {
            if (m_branch(op, *A, *B))
                np = f[2];
        } else {
            *A = m_alu(op, *B, *C);
        }
    }
    s->p = np;
    s->instret++;
    s->steps++;
    m_spend(s, ii->cycles);
}

static uint64_t rng_state = UINT64_C(0x9E3779B97F4A7C15);
static uint64_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* A value near the boundaries: an address, a small or negative number. */
static uint64_t near(void)
{
    switch (rnd() % 5) {
    case 0: return rnd() % MQ;
    case 1: return rnd();
    case 2: return (uint64_t)-(int64_t)(rnd() % 4);
    case 3: return rnd() % 70;
    default: return rnd() % 3;
    }
}

/* A random state around one instruction word at P (often a defined
 * opcode, sometimes a stray field or an unassigned one). */
static void random_state(struct model *s, const unsigned *ops, unsigned nops)
{
    memset(s, 0, sizeof *s);
    for (uint32_t i = 0; i < MQ; i++)
        s->E[i] = near();
    s->s = rnd() & 1;
    s->ie = rnd() & 1;
    s->l = (uint32_t)(rnd() % 8 ? rnd() % 6 : rnd() % 60);
    s->b = (uint32_t)(rnd() % 8 ? rnd() % (MQ + 4) : rnd() % (1u << 20));
    s->p = rnd() % 16 ? (uint32_t)(rnd() % (MQ + 2)) : TGM_ADDR_MASK;
    unsigned op = rnd() % 10 ? ops[rnd() % nops] : (unsigned)(rnd() % ISA_NOPS);
    uint64_t w = MAKE_INSN(op, near(), near(), near());
    if (rnd() % 8 == 0)
        w |= UINT64_C(1) << (rnd() % 57);
    uint32_t ph;
    if (m_dev(s, s->p, &ph))
        s->E[ph] = w;
    s->E[1] = near() | (rnd() % 3 ? 0 : rnd() << 58); /* cause bits, ignored */
    s->nin = rnd() % 3;
    for (size_t i = 0; i < s->nin; i++)
        s->in[i] = (uint8_t)rnd();
    switch (rnd() % 4) {
    case 1: s->armed = true; s->rem = (int64_t)(1 + rnd() % 6); break;
    case 2: s->pending = true; break;
    default: break;
    }
}

/* docs/isa.md, executed: every instruction in every profile, from random
 * states around the boundaries of address development, in both modes, with
 * the timer armed, pending or not and console input queued or not: one
 * step (machine_step) and a run of up to 30 (machine_run, the fast loop)
 * leave E, M, I, P, R, the timer, the console, the counters by cause and
 * the halt exactly as the model of the document. */
static void isa__every_step_is_the_documents(void **state)
{
    (void)state;
    unsigned ops[ISA_NOPS], nops = 0;
    for (unsigned o = 0; o < ISA_NOPS; o++)
        if (isa_table[o].name)
            ops[nops++] = o;
    for (const struct isa_profile *const *pp = isa_profiles(); *pp; pp++) {
        struct machine_config cfg = {MQ, *pp, false};
        struct machine *m = machine_create(&cfg);
        assert_non_null(m);
        for (int it = 0; it < 20000; it++) {
            struct model s, s0;
            random_state(&s, ops, nops);
            s0 = s;
            machine_reset(m);
            for (uint32_t i = 0; i < MQ; i++)
                machine_write_phys(m, i, s.E[i]);
            machine_load_psw(m, &(struct psw){s.s, s.ie, 0, s.p, s.l, s.b});
            machine_set_timer(m, &(struct machine_timer){s.armed, s.pending, s.rem});
            assert_int_equal(machine_console_input(m, s.in, s.nin), 0);
            unsigned k = it % 2 ? 30 : 1, n = 0;
            while (n++ < k && !s.halted)
                m_step(&s, *pp);
            struct machine_exit ex;
            enum exit_reason r = k == 1 ? machine_step(m, &ex) : machine_run(m, k, &ex);
            struct psw mp = machine_psw(m);
            struct machine_counters c = machine_get_counters(m);
            struct machine_timer t = machine_get_timer(m);
            size_t nout;
            const uint8_t *out = machine_console_output(m, &nout);
            bool same = !memcmp(machine_mem(m), s.E, sizeof s.E) && mp.sup == s.s &&
                        mp.ie == s.ie && mp.p == s.p && mp.l == s.l && mp.b == s.b &&
                        c.cycles == s.cycles && c.instret == s.instret &&
                        c.steps == s.steps && !memcmp(c.traps, s.traps, sizeof s.traps) &&
                        t.armed == s.armed && t.pending == s.pending &&
                        t.remaining == s.rem && (r == EXIT_HALT) == s.halted &&
                        nout == s.nout && (!nout || !memcmp(out, s.out, nout)) &&
                        machine_console_input_used(m) == s.used;
            if (!same)
                fail_msg("%s, iteration %d (%u steps): from M=%d I=%d P=%#x R=(%#x, %#x) "
                         "word %#018llx the machine is not the document's",
                         (*pp)->name, it, k, s0.s, s0.ie, s0.p, s0.l, s0.b,
                         (unsigned long long)s0.E[(s0.p + s0.l) % MQ]);
        }
        machine_destroy(m);
    }
}

/* ---- vmm.h: the allocator --------------------------------------------- */

/* vmm.h: a VM created without a name is "vmID".  When a VM named so
 * already existed (an explicit name), the new one took the same name:
 * vmm_vm_find found only the first, and vmm_state_check refused the
 * control program ("VMs 0 and 1 are both named 'vm1'"). */
static void alloc__a_default_name_is_never_another_vms(void **state)
{
    (void)state;
    char err[256] = "";
    struct vmm_config c = {.q = 4096};
    struct vmm *v = vmm_create(&c, err, sizeof err);
    assert_non_null(v);
    int a = vmm_vm_create(v, 100, "vm1", err, sizeof err);
    int b = vmm_vm_create(v, 100, NULL, err, sizeof err);
    int d = vmm_vm_create(v, 100, "", err, sizeof err);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(d, 2);
    struct vm_info ia, ib, id;
    assert_int_equal(vmm_vm_info(v, a, &ia), 0);
    assert_int_equal(vmm_vm_info(v, b, &ib), 0);
    assert_int_equal(vmm_vm_info(v, d, &id), 0);
    assert_string_equal(ia.name, "vm1");
    assert_string_equal(ib.name, "vm2");
    assert_string_equal(id.name, "vm3");
    assert_int_equal(vmm_vm_find(v, "vm2"), b);
    assert_int_equal(vmm_state_check(v, err, sizeof err), 0);
    /* an explicit name that is taken is refused; a free default is kept */
    assert_int_equal(vmm_vm_create(v, 100, "vm2", err, sizeof err), -1);
    assert_non_null(strstr(err, "a VM named 'vm2' exists already"));
    assert_int_equal(vmm_vm_destroy(v, a), 0);
    int e = vmm_vm_create(v, 100, NULL, err, sizeof err);
    assert_int_equal(e, 0);
    struct vm_info ie;
    assert_int_equal(vmm_vm_info(v, e, &ie), 0);
    assert_string_equal(ie.name, "vm0");
    vmm_destroy(v);
}

/* The state of VM ID, and its view's steps. */
static enum vm_state vm_state_of(struct vmm *v, int id, uint64_t *steps)
{
    struct vm_info i;
    assert_int_equal(vmm_vm_info(v, id, &i), 0);
    *steps = machine_steps(vmm_vm_view(v, id));
    return i.state;
}

/* vmm.h: what load, stop, resume and the step limit do to a VM's state,
 * as the header now says: a limit counts the VM's own steps in all, a
 * stopped VM stays stopped through a load, resume goes on past a HALT. */
static void vmm_h__stop_resume_load_and_the_step_limit(void **state)
{
    (void)state;
    char err[256];
    struct vmm_config c = {.q = 1024};
    struct vmm *v = vmm_create(&c, err, sizeof err);
    assert_non_null(v);
    int id = vmm_vm_create(v, 64, NULL, err, sizeof err);
    assert_int_equal(id, 0);
    uint64_t words[] = {MAKE_INSN(OP_HALT, 0, 0, 0), MAKE_INSN(OP_JMP, 4, 0, 0)};
    struct psw entry = {true, false, 0, 3, 0, 64};
    struct tgm_image img = {3, 2, psw_pack(&entry), words, 0, NULL};
    assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
    uint64_t steps;
    assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_DONE);
    assert_int_equal(vm_state_of(v, id, &steps), VM_HALTED);
    assert_int_equal(steps, 1);
    /* resume: past the HALT, into the loop at 4, up to a limit of 10 */
    assert_int_equal(vmm_vm_set_limit(v, id, 10), 0);
    assert_int_equal(vmm_vm_resume(v, id), 0);
    assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_DONE);
    assert_int_equal(vm_state_of(v, id, &steps), VM_LIMIT);
    assert_int_equal(steps, 10);
    assert_int_equal(machine_p(vmm_vm_view(v, id)), 4);
    /* a limit below its steps keeps it there; resume stops again at once */
    assert_int_equal(vmm_vm_set_limit(v, id, 5), 0);
    assert_int_equal(vm_state_of(v, id, &steps), VM_LIMIT);
    assert_int_equal(vmm_vm_resume(v, id), 0);
    assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_DONE);
    assert_int_equal(vm_state_of(v, id, &steps), VM_LIMIT);
    assert_int_equal(steps, 10);
    /* past them, it runs on */
    assert_int_equal(vmm_vm_set_limit(v, id, 15), 0);
    assert_int_equal(vm_state_of(v, id, &steps), VM_RUNNABLE);
    assert_int_equal(vmm_run(v, 3, NULL), VMMSTOP_BUDGET);
    assert_int_equal(vm_state_of(v, id, &steps), VM_RUNNABLE);
    assert_int_equal(steps, 13);
    /* stopped stays stopped through a load; stop leaves a halted VM halted */
    assert_int_equal(vmm_vm_stop(v, id), 0);
    assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
    assert_int_equal(vm_state_of(v, id, &steps), VM_STOPPED);
    assert_int_equal(machine_p(vmm_vm_view(v, id)), 3);
    assert_int_equal(vmm_vm_set_limit(v, id, 0), 0);
    assert_int_equal(vmm_vm_resume(v, id), 0);
    assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_DONE);
    assert_int_equal(vm_state_of(v, id, &steps), VM_HALTED);
    assert_int_equal(steps, 14); /* a load keeps the counters */
    assert_int_equal(vmm_vm_stop(v, id), 0);
    assert_int_equal(vm_state_of(v, id, &steps), VM_HALTED);
    /* no such VM; an image that does not fit */
    assert_int_equal(vmm_vm_stop(v, 5), -1);
    assert_int_equal(vmm_vm_resume(v, -1), -1);
    assert_int_equal(vmm_vm_load(v, 7, &img, err, sizeof err), -1);
    img.load = 63;
    assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), -1);
    assert_non_null(strstr(err, "image needs words 63..64 but the machine has 64 words"));
    vmm_destroy(v);
}

/* docs/vmm.md: a virtual timer's trap delivered by the CP is a `timer
 * reflected` event; in a hybrid VM's stretch of virtual supervisor mode the
 * stepped view takes it itself, and --stats counts it only in the stretch's
 * `(no trap) hybrid` event, as the document now says (it said so of an SVC
 * alone).  Both runs give the guest the timer trap the bare machine takes. */
static void stats__a_timer_trap_in_a_hybrid_stretch_is_the_stretchs(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "h-vtimer.s",
                  "        .org 0\nold:    .word 0\n        .word psw(SUP, h, 0, 0x80000)\n"
                  "        .entry start\nstart:  TSET  ten\n        LPSW  go\ns:      JMP   s\n"
                  "h:      HALT\ngo:     .word pswi(SUP, s, 0, 0x80000)\nten:    .word 10\n");
    for (int hybrid = 0; hybrid <= 1; hybrid++) {
        struct cs_outcome o = hybrid ? cs_run_tgm("run", "--vmm", "--hybrid", "--stats",
                                                  "--json", src, NULL)
                                     : cs_run_tgm("run", "--vmm", "--stats", "--json", src, NULL);
        assert_int_equal(o.status, 0);
        const char *vm = cs_json_item(cs_json_get(o.out, "vms"), 0);
        const char *traps = cs_json_get(cs_json_get(vm, "stats"), "traps");
        assert_int_equal(cs_json_u64(vm, "traps", "timer"), 1); /* what the guest saw */
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(traps, "timer"), "reflected")),
                         hybrid ? 0 : 1);
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(traps, "none"), "hybrid")),
                         hybrid ? 1 : 0);
        cs_outcome_free(&o);
    }
    char *doc = cs_slurp("docs/vmm.md", NULL);
    assert_non_null(strstr(doc, "the virtual timer's) go to the guest's E[0]/E[1] and count "
                                "only here"));
    free(doc);
    cs_tgm_prints(": equivalent", "check", CS_ARGV("--hybrid", src));
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_h");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(machine_h__machine_trap_is_the_cpus_trap),
        cmocka_unit_test(machine_h__the_api_keeps_its_promises),
        cmocka_unit_test(isa__every_step_is_the_documents),
        cmocka_unit_test(image__serialize_writes_only_what_parse_takes),
        cmocka_unit_test(alloc__a_default_name_is_never_another_vms),
        cmocka_unit_test(vmm_h__stop_resume_load_and_the_step_limit),
        cmocka_unit_test(stats__a_timer_trap_in_a_hybrid_stretch_is_the_stretchs),
    };
    return cmocka_run_group_tests_name("doc_contract_h", tests, group_setup, group_teardown);
}
