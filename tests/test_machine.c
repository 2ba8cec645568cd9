/* test_machine.c: address development, the trap, counters, profiles, console.
 *
 * Section 2: every address a is developed through R = (l, b) ("if a + l >= q
 * then memorytrap else if a >= b then memorytrap"), and a trap stores the old
 * PSW in E[0], loads E[1] and changes nothing else.  Section 3: privileged
 * instructions trap in user mode; the profiles model the paper's flawed ones.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine_impl.h"
#include "progen.h"
#include "support.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#define Q 256u
#define RL 16u
#define RB 200u
#define PC 0x20u /* virtual address of the instruction under test */
#define S 10u    /* a valid scratch operand */
#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))

static int fx_setup(void **state)
{
    *state = ts_machine(Q, NULL, false);
    return 0;
}

static int fx_teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

static const unsigned field_shift[3] = {ISA_A_SHIFT, ISA_B_SHIFT, ISA_C_SHIFT};

/* A valid word for OP: address fields S, targets 3, numbers and immediates
 * 0, except field PROBE (0..2), which is A_VAL; -1 probes nothing. */
static uint64_t word_for(unsigned op, int probe, uint32_t a_val)
{
    const uint8_t *k = isa_format_kinds[isa_table[op].format];
    uint64_t w = (uint64_t)op << ISA_OP_SHIFT;
    for (int f = 0; f < 3; f++) {
        uint32_t v = k[f] == OK_ADDR ? S : k[f] == OK_TGT ? 3 : 0;
        if (f == probe)
            v = a_val;
        w |= (uint64_t)v << field_shift[f];
    }
    return w;
}

/* ---- 2. address development at the boundaries -------------------------- */

#define QB 64u
struct bound_cfg {
    const char *what;
    uint32_t l, b;
};
static const struct bound_cfg bounds[] = {
    {"a + l reaches q, l = 0", 0, QB + 5},
    {"a + l reaches q, l > 0", 8, QB},
    {"a reaches b, l = 0", 0, 40},
    {"a reaches b, l > 0", 8, 40},
};

/* The first a that must trap: the smaller of b and q - l. */
static uint32_t first_bad(const struct bound_cfg *c)
{
    return c->b < QB - c->l ? c->b : QB - c->l;
}

/* Step WORD at virtual 2 with R from C; a trap must be a memory trap with
 * nothing else changed, and no trap must mean the instruction completed. */
static void probe(const struct bound_cfg *c, unsigned op, bool user,
                  uint64_t word, uint64_t s_val, uint32_t p, bool want_trap)
{
    struct machine *m = ts_machine(QB, ts_profile_for(op), false);
    ts_set_new_psw(m, 0, false);
    ts_poke(m, c->l + 2, word);
    ts_poke(m, c->l + S, s_val);
    machine_set_psw(m, ts_psw(!user, false, 0, p, c->l, c->b));
    uint64_t *snap = ts_snapshot(m);
    ts_step_expect(m, EXIT_BUDGET);
    struct machine_counters ctr = machine_get_counters(m);
    if (want_trap) {
        uint32_t e0 = 0;
        assert_int_equal(ctr.traps[TRAP_MEM], 1);
        assert_int_equal(ctr.instret, 0);
        assert_int_equal(ts_peek(m, 0), ts_psw(!user, false, TRAP_MEM, p, c->l, c->b));
        ts_assert_mem_except(m, snap, &e0, 1);
    } else {
        for (unsigned k = 0; k < TRAP_NCAUSES; k++)
            assert_int_equal(ctr.traps[k], 0);
        assert_int_equal(ctr.instret, 1);
    }
    free(snap);
    machine_destroy(m);
}

/* Which fields of OP hold data addresses, and does it compute one (4th). */
static bool computes_address(unsigned op, bool user)
{
    return op == OP_LDX || op == OP_STX || op == OP_JMPX || (op == OP_MFPI && !user);
}

static void develop__operand_boundaries_for_every_field_and_mode(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        const struct bound_cfg *c = &bounds[i];
        uint32_t lim = first_bad(c);
        for (int user = 0; user < 2; user++) {
            for (unsigned op = 0; op < ISA_NOPS; op++) {
                const struct insn_info *in = &isa_table[op];
                if (!in->name || (user && (in->cls & CLASS_PRIV)))
                    continue;
                const uint8_t *k = isa_format_kinds[in->format];
                for (int f = 0; f < 3; f++) {
                    if (k[f] != OK_ADDR)
                        continue;
                    for (uint32_t a = lim - 1; a <= lim; a++)
                        probe(c, op, user, word_for(op, f, a), 0, 2, a == lim);
                }
                if (computes_address(op, user))
                    for (uint32_t a = lim - 1; a <= lim; a++)
                        probe(c, op, user, word_for(op, -1, 0), a, 2, a == lim);
            }
        }
    }
}

static void develop__fetch_boundaries_in_both_modes(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        const struct bound_cfg *c = &bounds[i];
        uint32_t lim = first_bad(c);
        for (int user = 0; user < 2; user++) {
            struct machine *m = ts_machine(QB, NULL, false);
            ts_set_new_psw(m, 0, false);
            ts_poke(m, c->l + lim - 1, MAKE_INSN(OP_NOP, 0, 0, 0));
            machine_set_psw(m, ts_psw(!user, false, 0, lim - 1, c->l, c->b));
            ts_step_expect(m, EXIT_BUDGET);
            assert_int_equal(machine_get_counters(m).instret, 1);
            /* the NOP moved P onto the first address that must trap */
            assert_int_equal(machine_psw(m).p, lim);
            ts_step_expect(m, EXIT_BUDGET);
            assert_int_equal(machine_get_counters(m).traps[TRAP_MEM], 1);
            assert_int_equal(ts_peek(m, 0), ts_psw(!user, false, TRAP_MEM, lim, c->l, c->b));
            machine_destroy(m);
        }
    }
}

/* P is 19 bits: after the instruction at 2^19 - 1, P wraps to 0, which
 * develops like any other address (here R covers all of a 2^19-word E),
 * and a link or stored PSW names 0 too.  In the fast loop, in single steps
 * and in the checked loop (a trace hook). */
static void trace_nothing(void *ctx, const struct machine_trace *t)
{
    (void)ctx;
    (void)t;
}

static void develop__p_wraps_to_zero_after_the_top_address(void **state)
{
    (void)state;
    const uint32_t top = TGM_ADDR_MASK, cell = 100;
    const uint64_t tops[] = {I(NOP, 0, 0, 0), I(ADD, cell, cell, cell), I(JAL, cell, 0, 0),
                             I(SPSW, cell, 0, 0)};
    for (size_t i = 0; i < sizeof tops / sizeof tops[0]; i++) {
        for (int loop = 0; loop < 3; loop++) {
            struct machine *m = ts_machine(TGM_Q_MAX, NULL, false);
            ts_poke(m, top, tops[i]);
            ts_poke(m, 0, I(NOP, 0, 0, 0));
            ts_poke(m, 1, I(HALT, 0, 0, 0));
            ts_poke(m, cell, 21);
            machine_set_psw(m, ts_psw(true, false, 0, top, 0, TGM_Q_MAX));
            if (loop == 2)
                machine_set_trace(m, trace_nothing, NULL);
            if (loop == 1) {
                ts_step_expect(m, EXIT_BUDGET);
                assert_int_equal(machine_p(m), 0);
            }
            assert_int_equal(machine_run(m, 10, NULL), EXIT_HALT);
            assert_int_equal(machine_p(m), 2);
            assert_int_equal(machine_instret(m), 3);
            const uint64_t cells[] = {21, 42, 0, ts_psw(true, false, 0, 0, 0, TGM_Q_MAX)};
            assert_int_equal(ts_peek(m, cell), cells[i]);
            machine_destroy(m);
        }
    }
}

/* White-box: machine_develop (the paper's two tests, literally), the run
 * loop's cached lim, and an actual fetch agree over a grid of boundaries. */
static void develop__literal_test_agrees_with_run_loop_on_grid(void **state)
{
    (void)state;
    const uint32_t qs[] = {TGM_Q_MIN, 3, 64, TGM_Q_MAX};
    for (size_t iq = 0; iq < sizeof qs / sizeof qs[0]; iq++) {
        uint32_t q = qs[iq];
        struct machine *m = ts_machine(q, NULL, false);
        const int64_t ls[] = {0, 1, (int64_t)q - 2, (int64_t)q - 1, q, (int64_t)q + 1,
                              TGM_ADDR_MASK};
        for (size_t il = 0; il < sizeof ls / sizeof ls[0]; il++) {
            if (ls[il] < 0 || ls[il] > TGM_ADDR_MASK)
                continue;
            uint32_t l = (uint32_t)ls[il];
            const int64_t bs[] = {0, 1, 2, (int64_t)q - l - 1, (int64_t)q - l, (int64_t)q - 1,
                                  q, (int64_t)q + 1, PSW_B_MASK};
            for (size_t ib = 0; ib < sizeof bs / sizeof bs[0]; ib++) {
                if (bs[ib] < 0 || bs[ib] > (int64_t)PSW_B_MASK)
                    continue;
                uint32_t b = (uint32_t)bs[ib];
                const int64_t as[] = {0, 1, (int64_t)b - 1, b, (int64_t)q - l - 1,
                                      (int64_t)q - l, (int64_t)q - 1, q, TGM_ADDR_MASK,
                                      (int64_t)TGM_ADDR_MASK + 1};
                for (size_t ia = 0; ia < sizeof as / sizeof as[0]; ia++) {
                    if (as[ia] < 0)
                        continue;
                    uint64_t a = (uint64_t)as[ia];
                    bool trap = a + l >= q || a >= b;
                    machine_set_psw(m, ts_psw(true, false, 0, 0, l, b));
                    uint32_t phys = UINT32_MAX;
                    assert_int_equal(machine_develop(m, a, &phys), trap ? TRAP_MEM : TRAP_NONE);
                    if (!trap)
                        assert_int_equal(phys, a + l);
                    assert_int_equal(a < m->lim, !trap);
                    uint64_t v;
                    assert_int_equal(machine_read_virt(m, a, &v), trap ? TRAP_MEM : 0);
                    assert_int_equal(machine_write_virt(m, a, 0), trap ? TRAP_MEM : 0);
                    if (a > TGM_ADDR_MASK)
                        continue;
                    /* fetch at P = a: E is all zero, so a developed fetch
                     * finds word 0, which is illegal */
                    machine_set_psw(m, ts_psw(true, false, 0, (uint32_t)a, l, b));
                    ts_step_expect(m, EXIT_BUDGET);
                    assert_int_equal(ts_peek(m, 0), ts_psw(true, false, trap ? TRAP_MEM : TRAP_ILL,
                                                           (uint32_t)a, l, b));
                    ts_poke(m, 0, 0);
                }
            }
        }
        uint64_t v;
        assert_int_equal(machine_read_phys(m, q - 1, &v), 0);
        assert_int_equal(machine_read_phys(m, q, &v), -1);
        assert_int_equal(machine_write_phys(m, q, 1), -1);
        machine_destroy(m);
    }
}

/* ---- 3. the trap protocol, cause by cause ------------------------------- */

struct trap_case {
    const char *what;
    uint64_t word;          /* at virtual PC */
    unsigned cause;
    uint32_t old_p;         /* P in the old PSW */
    const char *profile;
    bool user, ie, hostcalls;
    struct { uint32_t addr; uint64_t val; } cell; /* virtual; 0: none */
    void (*prep)(struct machine *m);
    void (*check)(struct machine *m);
};

static void prep_pending_timer(struct machine *m)
{
    struct machine_timer t = {.pending = true};
    machine_set_timer(m, &t);
}

static void prep_input_and_timer(struct machine *m)
{
    assert_int_equal(machine_console_input(m, (const uint8_t *)"z", 1), 0);
    struct machine_timer t = {.armed = true, .remaining = 1000};
    machine_set_timer(m, &t);
}

/* Nothing reached the devices: no output, no input used, and the timer only
 * counted the trap's cycles. */
static void check_devices_untouched(struct machine *m)
{
    size_t n;
    machine_console_output(m, &n);
    assert_int_equal(n, 0);
    assert_int_equal(machine_console_input_used(m), 0);
    struct machine_timer t = machine_get_timer(m);
    assert_true(t.armed);
    assert_int_equal(t.remaining, 1000 - TGM_TRAP_CYCLES);
}

#define MEM(what, w) {what, w, TRAP_MEM, .old_p = PC}
#define MEMC(what, w, addr, val) {what, w, TRAP_MEM, .old_p = PC, .cell = {addr, val}}
#define DEVS .prep = prep_input_and_timer, .check = check_devices_untouched

static const struct trap_case trap_cases[] = {
    {"privileged LPSW in user mode", I(LPSW, S, 0, 0), TRAP_PRIV, .old_p = PC, .user = true},
    {"privileged HALT in user mode", I(HALT, 0, 0, 0), TRAP_PRIV, .old_p = PC, .user = true},
    {"HCALL in user mode with hostcalls", I(HCALL, 1, 0, 0), TRAP_PRIV, .old_p = PC, .user = true,
     .hostcalls = true},
    MEM("operand a at the bound", I(MOV, RB, S, 0)),
    MEM("operand b beyond q", I(MOV, S, Q - RL, 0)),
    MEM("ADD's c at the bound writes no result", I(ADD, S, S, RB)),
    MEMC("STX computed address writes nothing", I(STX, RB - 1, S, S), S, 1),
    MEMC("LDX computed address loads nothing", I(LDX, S, 0, S), S, RB),
    MEMC("JMPX computed address does not jump", I(JMPX, 0, S, 0), S, RB + 7),
    MEM("JAL with its link out of bounds neither links nor jumps", I(JAL, RB, 3, 0)),
    MEM("LPSW from out of bounds loads E[1] only", I(LPSW, RB, 0, 0)),
    {"CIN out of bounds consumes no input", I(CIN, RB, 0, 0), TRAP_MEM, .old_p = PC, DEVS},
    {"COUT out of bounds prints nothing", I(COUT, RB, 0, 0), TRAP_MEM, .old_p = PC, DEVS},
    {"TSET out of bounds leaves the timer", I(TSET, RB, 0, 0), TRAP_MEM, .old_p = PC, DEVS},
    {"MFPI computed address (supervisor)", I(MFPI, S, S, 0), TRAP_MEM, .old_p = PC, "pdp11-45",
     .cell = {S, RB}},
    {"SVC in supervisor mode", I(SVC, 5, 0, 0), TRAP_SVC, .old_p = PC},
    {"SVC in user mode with I set", I(SVC, 5, 0, 0), TRAP_SVC, .old_p = PC, .user = true, .ie = true},
    {"undefined opcode 0x03", MAKE_INSN(0x03, 0, 0, 0), TRAP_ILL, .old_p = PC},
    {"the zero word", 0, TRAP_ILL, .old_p = PC, .user = true},
    {"opcode 0x7F", MAKE_INSN(0x7F, 0, 0, 0), TRAP_ILL, .old_p = PC},
    {"JRSTU outside its profile", I(JRSTU, 3, 0, 0), TRAP_ILL, .old_p = PC},
    {"HCALL without hostcalls", I(HCALL, 1, 0, 0), TRAP_ILL, .old_p = PC},
    {"DJNZ with C set is not decremented", I(DJNZ, S, 3, 1), TRAP_ILL, .old_p = PC, .cell = {S, 5}},
    {"privileged word with unused field set", I(TSET, S, 1, 0), TRAP_ILL, .old_p = PC, .user = true},
    {"pending timer with I set", I(NOP, 0, 0, 0), TRAP_TIMER, .old_p = PC, .ie = true,
     .prep = prep_pending_timer},
    {"pending timer in user mode", I(LPSW, S, 0, 0), TRAP_TIMER, .old_p = PC, .user = true,
     .ie = true, .prep = prep_pending_timer},
};

static void run_trap_case(const struct trap_case *tc, uint64_t e1)
{
    struct machine *m = ts_machine(Q, tc->profile, tc->hostcalls);
    ts_poke(m, 1, e1);
    ts_poke(m, RL + PC, tc->word);
    if (tc->cell.addr)
        ts_poke(m, RL + tc->cell.addr, tc->cell.val);
    machine_set_psw(m, ts_psw(!tc->user, tc->ie, 0, PC, RL, RB));
    if (tc->prep)
        tc->prep(m);
    uint64_t *snap = ts_snapshot(m);
    struct machine_counters c0 = machine_get_counters(m);

    ts_step_expect(m, EXIT_BUDGET);

    /* E[0] := (M1, P1, R1) with the cause; every other word unchanged */
    uint32_t e0 = 0;
    ts_assert_mem_except(m, snap, &e0, 1);
    assert_int_equal(ts_peek(m, 0), ts_psw(!tc->user, tc->ie, tc->cause, tc->old_p, RL, RB));
    /* (M2, P2, R2) := E[1], its cause bits ignored */
    struct psw want = psw_unpack(e1), now = machine_psw(m);
    assert_int_equal(now.sup, want.sup);
    assert_int_equal(now.ie, want.ie);
    assert_int_equal(now.p, want.p);
    assert_int_equal(now.l, want.l);
    assert_int_equal(now.b, want.b);
    assert_int_equal(machine_get_psw(m), e1 & ~(UINT64_C(0xF) << 58));
    /* the trap costs TGM_TRAP_CYCLES and completes no instruction */
    struct machine_counters c1 = machine_get_counters(m);
    assert_int_equal(c1.cycles - c0.cycles, TGM_TRAP_CYCLES);
    assert_int_equal(c1.instret, c0.instret);
    assert_int_equal(c1.steps - c0.steps, 1);
    for (unsigned k = 0; k < TRAP_NCAUSES; k++)
        assert_int_equal(c1.traps[k] - c0.traps[k], k == tc->cause);
    assert_int_equal(machine_last_trap(m), tc->cause);
    if (tc->check)
        tc->check(m);
    free(snap);
    machine_destroy(m);
}

static void trap__only_e0_changes_and_psw_becomes_e1(void **state)
{
    (void)state;
    /* two new PSWs: one user with I and relocation, one supervisor at the
     * top of P's range; both carry cause bits that must be ignored */
    const uint64_t e1s[] = {ts_psw(false, true, 0xA, 0x44, 4, 30),
                            ts_psw(true, false, 0x5, TGM_ADDR_MASK, 0, Q)};
    int seen[TRAP_NCAUSES] = {0};
    for (size_t i = 0; i < sizeof trap_cases / sizeof trap_cases[0]; i++) {
        print_message("  %s\n", trap_cases[i].what);
        for (size_t k = 0; k < 2; k++)
            run_trap_case(&trap_cases[i], e1s[k]);
        seen[trap_cases[i].cause]++;
    }
    for (unsigned k = TRAP_PRIV; k < TRAP_NCAUSES; k++)
        assert_true(seen[k] > 0);
}

/* ---- 4. counters over a program that takes every kind of trap ------------ */

#define H 100u /* trap handler: skip the trapping word, or halt on a user SVC */
enum { D_ONEP = 200, D_MASK, D_USVC, D_UPSW, D_TMP, D_ONE };

static void load_counter_program(struct machine *m)
{
    const uint64_t handler[] = {
        I(AND, D_TMP, 0, D_MASK),      /* 100: TMP := E[0] & (S | cause) */
        I(BEQ, D_TMP, D_USVC, H + 5),  /* 101: a user SVC ends the run */
        I(ADD, 0, 0, D_ONEP),          /* 102: old P + 1 */
        I(LPSW, 0, 0, 0),              /* 103: return */
        0,
        I(HALT, 0, 0, 0),              /* 105 */
    };
    const uint64_t sup_code[] = {
        I(NOP, 0, 0, 0),               /* 10 */
        I(SVC, 7, 0, 0),               /* 11: SVC */
        0,                             /* 12: illegal */
        I(MOV, 5, 300, 0),             /* 13: memory trap (q = 256) */
        I(TSET, D_ONE, 0, 0),          /* 14: expires within itself, I = 0 */
        I(LPSW, D_UPSW, 0, 0),         /* 15: user, I = 1: timer trap at 40 */
    };
    const uint64_t user_code[] = {
        I(NOP, 0, 0, 0),               /* 40: skipped by the handler */
        I(TGET, D_TMP, 0, 0),          /* 41: privileged */
        I(HALT, 0, 0, 0),              /* 42: privileged */
        MAKE_INSN(0x05, 0, 0, 0),      /* 43: illegal */
        I(SVC, 1, 0, 0),               /* 44: ends the run */
    };
    const uint64_t data[] = {
        UINT64_C(1) << 39, UINT64_C(0xF) << 58 | UINT64_C(1) << 63,
        ts_psw(false, false, TRAP_SVC, 0, 0, 0), ts_psw(false, true, 0, 40, 0, Q), 0, 1,
    };
    ts_put(m, H, handler, sizeof handler / sizeof handler[0]);
    ts_put(m, 10, sup_code, sizeof sup_code / sizeof sup_code[0]);
    ts_put(m, 40, user_code, sizeof user_code / sizeof user_code[0]);
    ts_put(m, D_ONEP, data, sizeof data / sizeof data[0]);
    ts_set_new_psw(m, H, false);
    machine_set_psw(m, ts_psw(true, false, 0, 10, 0, Q));
}

/* The steps the program must take: (address, trap cause); address -1 is
 * the timer trap, which fetches nothing. */
struct want_step {
    int addr;
    unsigned trap;
};
#define RET {H, 0}, {H + 1, 0}, {H + 2, 0}, {H + 3, 0}
static const struct want_step counter_steps[] = {
    {10, 0}, {11, TRAP_SVC}, RET, {12, TRAP_ILL}, RET, {13, TRAP_MEM}, RET,
    {14, 0}, {15, 0}, {-1, TRAP_TIMER}, RET, {41, TRAP_PRIV}, RET,
    {42, TRAP_PRIV}, RET, {43, TRAP_ILL}, RET, {44, TRAP_SVC},
    {H, 0}, {H + 1, 0}, {H + 5, 0},
};
#define NSTEPS (sizeof counter_steps / sizeof counter_steps[0])

static void counters__sum_table_costs_and_trap_cycles(void **state)
{
    struct machine *m = *state;
    load_counter_program(m);
    struct machine_counters want = {0};
    for (size_t i = 0; i < NSTEPS; i++) {
        const struct want_step *s = &counter_steps[i];
        if (s->addr >= 0)
            assert_int_equal(machine_psw(m).p, (uint32_t)s->addr);
        unsigned op = s->addr >= 0 ? GET_OP(ts_peek(m, (uint32_t)s->addr)) : 0;
        ts_step_expect(m, i + 1 == NSTEPS ? EXIT_HALT : EXIT_BUDGET);
        want.steps++;
        if (s->trap) {
            want.cycles += TGM_TRAP_CYCLES;
            want.traps[s->trap]++;
        } else {
            want.cycles += isa_table[op].cycles;
            want.instret++;
        }
        struct machine_counters got = machine_get_counters(m);
        assert_int_equal(got.steps, want.steps);
        assert_int_equal(got.cycles, want.cycles);
        assert_int_equal(got.instret, want.instret);
        assert_memory_equal(got.traps, want.traps, sizeof want.traps);
    }
    /* one run over the same program counts the same */
    machine_reset(m);
    load_counter_program(m);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HALT);
    assert_int_equal(ex.steps, NSTEPS);
    struct machine_counters got = machine_get_counters(m);
    assert_int_equal(got.cycles, want.cycles);
    assert_int_equal(got.instret, want.instret);
    assert_int_equal(got.steps, want.steps);
    assert_memory_equal(got.traps, want.traps, sizeof want.traps);
}

/* ---- 6. privilege and the profiles --------------------------------------- */

enum outcome { RUNS, PRIV_TRAP, ILLEGAL };

/* The documented behaviour, written out apart from profile.c. */
static enum outcome documented(const char *profile, unsigned op, bool user)
{
    bool x86 = strcmp(profile, "x86") == 0;
    bool s360 = strcmp(profile, "s360-67") == 0;
    if ((op == OP_JRSTU && strcmp(profile, "pdp10") != 0) ||
        (op == OP_LRA && !s360 && strcmp(profile, "s360-67-lra-user") != 0) ||
        (op == OP_MFPI && strcmp(profile, "pdp11-45") != 0) || op == OP_HCALL)
        return ILLEGAL; /* HCALL: these machines have no hostcalls */
    if (x86 && (op == OP_SPSW || op == OP_SR || op == OP_LPSW))
        return RUNS;
    if (s360 && op == OP_LRA) /* the real 360/67's LRA is privileged */
        return user ? PRIV_TRAP : RUNS;
    return user && (isa_table[op].cls & CLASS_PRIV) ? PRIV_TRAP : RUNS;
}

static void profiles__each_opcode_behaves_as_documented_in_both_modes(void **state)
{
    (void)state;
    const char *names[] = {"virtualizable", "pdp10",    "s360-67", "s360-67-lra-user",
                           "pdp11-45",      "x86"};
    size_t nprof = 0; /* every built-in profile is listed */
    while (isa_profiles()[nprof])
        nprof++;
    assert_int_equal(nprof, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            if (!isa_table[op].name || op == OP_SVC) /* SVC: always traps */
                continue;
            for (int user = 0; user < 2; user++) {
                struct machine *m = ts_machine(Q, names[i], false);
                ts_set_new_psw(m, 0x70, false);
                ts_poke(m, RL + PC, word_for(op, -1, 0));
                machine_set_psw(m, ts_psw(!user, false, 0, PC, RL, RB));
                enum outcome o = documented(names[i], op, user);
                ts_step_expect(m, op == OP_HALT && o == RUNS ? EXIT_HALT : EXIT_BUDGET);
                struct machine_counters c = machine_get_counters(m);
                if (o != RUNS)
                    assert_int_equal(ts_peek(m, 0), ts_psw(!user, false,
                                                           o == PRIV_TRAP ? TRAP_PRIV : TRAP_ILL,
                                                           PC, RL, RB));
                assert_int_equal(c.instret, o == RUNS);
                machine_destroy(m);
            }
        }
    }
}

static void profiles__x86_spsw_sr_in_user_mode_reveal_the_real_state(void **state)
{
    (void)state;
    struct machine *m = ts_machine(Q, "x86", false);
    ts_poke(m, RL + PC, I(SPSW, S, 0, 0));
    ts_poke(m, RL + PC + 1, I(SR, S + 1, 0, 0));
    machine_set_psw(m, ts_psw(false, true, 0, PC, RL, RB));
    ts_step_expect(m, EXIT_BUDGET);
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, RL + S), ts_psw(false, true, 0, PC + 1, RL, RB));
    assert_int_equal(ts_peek(m, RL + S + 1), ts_psw(false, false, 0, 0, RL, RB));
    assert_int_equal(machine_get_counters(m).instret, 2);
    machine_destroy(m);
}

static void profiles__x86_lpsw_in_user_mode_loads_only_p(void **state)
{
    (void)state;
    struct machine *m = ts_machine(Q, "x86", false);
    const uint64_t target = ts_psw(true, true, 0, 0x44, 0, Q);
    ts_poke(m, RL + S, target);
    ts_poke(m, RL + PC, I(LPSW, S, 0, 0));
    machine_set_psw(m, ts_psw(false, false, 0, PC, RL, RB));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(machine_get_psw(m), ts_psw(false, false, 0, 0x44, RL, RB));
    /* in supervisor mode it is the whole LPSW */
    machine_set_psw(m, ts_psw(true, false, 0, PC, RL, RB));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(machine_get_psw(m), target);
    machine_destroy(m);
}

static void hcall__exits_to_host_in_supervisor_mode_with_hostcalls(void **state)
{
    (void)state;
    struct machine *m = ts_machine(Q, NULL, true);
    ts_poke(m, RL + PC, I(HCALL, 0x7FFFF, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, PC, RL, RB));
    uint64_t *snap = ts_snapshot(m);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100, &ex), EXIT_HOST);
    assert_int_equal(ex.code, 0x7FFFF);
    assert_int_equal(ex.steps, 1);
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, PC + 1, RL, RB));
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.cycles, isa_table[OP_HCALL].cycles);
    assert_int_equal(c.instret, 1);
    ts_assert_mem_except(m, snap, NULL, 0);
    free(snap);
    machine_destroy(m);
}

/* A host-call handler runs in place: the run goes on from the state it
 * leaves, within the steps it allows, and stops with EXIT_HOST when it says
 * so; the checked loop never calls it. */
struct hc_log {
    int calls, stop_at; /* stop the run at call STOP_AT */
    uint64_t give;      /* steps the run may still take after a call */
    uint64_t last_code;
};

static struct hostcall_result hc_handler(void *ctx, struct machine *m, uint64_t code,
                                         uint64_t *left)
{
    struct hc_log *log = ctx;
    log->calls++;
    log->last_code = code;
    if (log->calls == log->stop_at)
        return (struct hostcall_result){HOSTCALL_STOP, 0};
    assert_int_equal(machine_psw(m).p, PC + 1); /* the HCALL has completed */
    machine_set_p(m, PC);                       /* run it again */
    *left = log->give;
    return (struct hostcall_result){HOSTCALL_GO, 0};
}

static void hcall__handler_runs_in_place_and_can_stop_the_run(void **state)
{
    (void)state;
    struct machine *m = ts_machine(Q, NULL, true);
    ts_poke(m, RL + PC, I(HCALL, 5, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, PC, RL, RB));
    struct hc_log log = {.stop_at = 3, .give = 10};
    machine_set_hostcall(m, hc_handler, &log);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST);
    assert_int_equal(log.calls, 3);
    assert_int_equal(log.last_code, 5);
    assert_int_equal(ex.steps, 3);
    assert_int_equal(ex.code, 5);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.steps, 3);
    assert_int_equal(c.instret, 3);
    assert_int_equal(c.cycles, 3 * isa_table[OP_HCALL].cycles);
    /* the handler's budget counts, not the run's: a run of one step goes on */
    log = (struct hc_log){.stop_at = 3, .give = 2};
    machine_set_p(m, PC);
    assert_int_equal(machine_run(m, 1, &ex), EXIT_HOST);
    assert_int_equal(log.calls, 3);
    assert_int_equal(ex.steps, 3);
    assert_int_equal(machine_steps(m), 6);
    /* and *left = 0 ends the run after the HCALL */
    log = (struct hc_log){.stop_at = 3, .give = 0};
    machine_set_p(m, PC);
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_BUDGET);
    assert_int_equal(log.calls, 1);
    assert_int_equal(ex.steps, 1);
    /* the checked loop stops at every HCALL, as without a handler */
    machine_break_class(m, 1u << 30); /* a class no instruction has */
    log.calls = 0;
    machine_set_p(m, PC);
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST);
    assert_int_equal(log.calls, 0);
    machine_destroy(m);
}

/* ---- 7. the console -------------------------------------------------------- */

static void console__cout_output_is_captured_mod_256(void **state)
{
    struct machine *m = *state;
    const uint64_t text[] = {'H', 0x100 + 'i', UINT64_MAX - 0xFF + '!'};
    ts_put(m, 50, text, 3);
    for (uint32_t i = 0; i < 3; i++)
        ts_poke(m, 10 + i, I(COUT, 50 + i, 0, 0));
    ts_poke(m, 13, I(HALT, 0, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, 10, 0, Q));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    size_t n;
    const uint8_t *out = machine_console_output(m, &n);
    assert_int_equal(n, 3);
    assert_memory_equal(out, "Hi!", 3);
}

static void console__cin_reads_queued_input_then_minus_one(void **state)
{
    struct machine *m = *state;
    assert_int_equal(machine_console_input(m, (const uint8_t *)"a\xff", 2), 0);
    for (uint32_t i = 0; i < 3; i++)
        ts_poke(m, 10 + i, I(CIN, 50 + i, 0, 0));
    ts_poke(m, 13, I(HALT, 0, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, 10, 0, Q));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(ts_peek(m, 50), 'a');
    assert_int_equal(ts_peek(m, 51), 0xFF);
    assert_int_equal(ts_peek(m, 52), UINT64_MAX);
    assert_int_equal(machine_console_input_used(m), 2);
}

struct fake_console {
    char out[8];
    size_t nout;
    const char *in;
};

static void fake_put(void *ctx, uint8_t ch)
{
    struct fake_console *f = ctx;
    if (f->nout < sizeof f->out)
        f->out[f->nout++] = (char)ch;
}

static int fake_get(void *ctx)
{
    struct fake_console *f = ctx;
    return *f->in ? (unsigned char)*f->in++ : -1;
}

static void console__plugged_device_receives_and_supplies_bytes(void **state)
{
    struct machine *m = *state;
    struct fake_console f = {.in = "Q"};
    struct tgm_console dev = {&f, fake_put, fake_get};
    machine_set_console(m, &dev);
    ts_poke(m, 10, I(CIN, 50, 0, 0));
    ts_poke(m, 11, I(COUT, 50, 0, 0));
    ts_poke(m, 12, I(CIN, 51, 0, 0));
    ts_poke(m, 13, I(HALT, 0, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, 10, 0, Q));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(f.nout, 1);
    assert_int_equal(f.out[0], 'Q');
    assert_int_equal(ts_peek(m, 51), UINT64_MAX);
    size_t n;
    machine_console_output(m, &n);
    assert_int_equal(n, 0); /* the own console saw nothing */
    /* NULL restores the machine's own console */
    machine_set_console(m, NULL);
    machine_set_psw(m, ts_psw(true, false, 0, 11, 0, Q));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(f.nout, 1);
    assert_memory_equal(machine_console_output(m, &n), "Q", 1);
    assert_int_equal(n, 1);
}

static void machine__create_rejects_q_outside_its_range(void **state)
{
    (void)state;
    struct machine_config cfg = {.q = TGM_Q_MIN - 1};
    assert_null(machine_create(&cfg));
    cfg.q = TGM_Q_MAX + 1;
    assert_null(machine_create(&cfg));
    struct machine *m = machine_create(NULL);
    assert_non_null(m);
    assert_int_equal(machine_q(m), TGM_Q_DEFAULT);
    assert_ptr_equal(machine_profile(m), isa_profile_default());
    assert_string_equal(machine_profile(m)->name, "virtualizable");
    assert_false(machine_hostcalls(m));
    machine_destroy(m);
}

/* ---- the run loop's packed PSW ------------------------------------------ */

/* M, I and R are also kept packed (pswx), and a trap's old PSW and SPSW's
 * word are made from it: it must follow every change of them, in the loop
 * of one step and the fast loop, under the profiles with JRSTU and a masked
 * LPSW, and through the setters. */
static void assert_pswx(const struct machine *m)
{
    assert_int_equal(m->pswx, psw_pack(&(struct psw){m->sup, m->ie, 0, 0, m->l, m->b}));
}

static void psw__packed_copy_follows_every_change(void **state)
{
    (void)state;
    static const char *const profiles[] = {"virtualizable", "pdp10", "x86", "s360-67",
                                           "pdp11-45"};
    for (size_t k = 0; k < sizeof profiles / sizeof profiles[0]; k++) {
        for (uint64_t seed = 1; seed <= 30; seed++) {
            struct tgm_image img;
            char err[256];
            pg_generate(seed, isa_profile_find(profiles[k]), &img);
            struct machine *m = ts_machine(PG_W, profiles[k], false);
            assert_int_equal(image_load(m, &img, err, sizeof err), 0);
            image_free(&img);
            assert_pswx(m);
            for (unsigned i = 0; i < 2000; i++) {
                machine_run(m, i % 2 ? 1 : 1 + i % 7, NULL);
                assert_pswx(m);
            }
            machine_set_r(m, 3, 700);
            assert_pswx(m);
            machine_set_psw(m, TS_PSW(seed & 1, 1, 0, 5, 9, 300));
            assert_pswx(m);
            machine_reset(m);
            assert_pswx(m);
            machine_destroy(m);
        }
    }
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)

int main(void)
{
    const struct CMUnitTest tests[] = {
        T(develop__operand_boundaries_for_every_field_and_mode),
        cmocka_unit_test(hcall__handler_runs_in_place_and_can_stop_the_run),
        T(develop__fetch_boundaries_in_both_modes),
        cmocka_unit_test(develop__p_wraps_to_zero_after_the_top_address),
        T(develop__literal_test_agrees_with_run_loop_on_grid),
        T(trap__only_e0_changes_and_psw_becomes_e1),
        T(counters__sum_table_costs_and_trap_cycles),
        T(profiles__each_opcode_behaves_as_documented_in_both_modes),
        T(profiles__x86_spsw_sr_in_user_mode_reveal_the_real_state),
        T(profiles__x86_lpsw_in_user_mode_loads_only_p),
        T(hcall__exits_to_host_in_supervisor_mode_with_hostcalls),
        T(console__cout_output_is_captured_mod_256),
        T(console__cin_reads_queued_input_then_minus_one),
        T(console__plugged_device_receives_and_supplies_bytes),
        T(machine__create_rejects_q_outside_its_range),
        cmocka_unit_test(psw__packed_copy_follows_every_change),
    };
    return cmocka_run_group_tests_name("machine", tests, NULL, NULL);
}
