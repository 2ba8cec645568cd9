/* test_mutants.c: cases that a mutation audit of the core semantics found
 * no other suite asserting.
 *
 * Each case states a rule of the paper or of the documented extensions
 * directly, where the suites met it only through a bigger property that a
 * small mistake can slip past: section 3's control sensitivity through the
 * I bit of the PSW, its privileged pairs' modes and the mode pair that is
 * not a location one, the time slice that direct execution and hybrid
 * interpretation (section 8) share, and section 2's instruction as a
 * function of the whole state, which the analyzer's runs must be.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "analyze/analyze_impl.h"
#include "support.h"
#include "tgm/analyze.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))

/* ---- section 3: control sensitivity counts the I bit ------------------- */

/* An LPSW that loads its own M and R with only I changed is control
 * sensitive (I is a resource of the documented extensions, docs/theorems.md):
 * the witness replays, and its difference is I, from 0 to 1. */
static void control__a_change_of_i_alone_is_control_sensitive(void **state)
{
    (void)state;
    static struct analyze_witness w; /* large: E of ANALYZE_Q_MAX words */
    memset(&w, 0, sizeof w);
    w.op = OP_LPSW;
    w.claim = CLAIM_CTL_S;
    struct analyze_state *s = &w.s1;
    s->q = 32;
    s->psw = (struct psw){.sup = true, .ie = false, .p = 4, .l = 0, .b = 32};
    s->cin = -1;
    s->mem[4] = I(LPSW, 10, 0, 0);
    s->mem[10] = psw_pack(&(struct psw){.sup = true, .ie = true, .p = 5, .l = 0, .b = 32});
    w.s2 = w.s1;
    w.diff = (struct analyze_diff){COMP_I, 0, 0, 1};
    struct analyze_diff got;
    assert_true(analyze_witness_replay(isa_profile_default(), &w, &got));
    assert_int_equal(got.comp, COMP_I);
}

/* ---- section 3: privileged pairs S1 = <e, s, p, r>, S2 = <e, u, p, r> ----- */

/* A not-privileged witness for INSN at P = 4 (operand E[10], a PSW that
 * keeps M and R): S2 is S1 in user mode, or in supervisor mode if S2_SUP,
 * and both runs complete. */
static bool not_priv_replays(uint64_t insn, bool s2_sup)
{
    static struct analyze_witness w; /* large: E of ANALYZE_Q_MAX words */
    memset(&w, 0, sizeof w);
    w.op = (uint8_t)GET_OP(insn);
    w.claim = CLAIM_NOT_PRIV;
    w.s1.q = 32;
    w.s1.psw = (struct psw){.sup = true, .p = 4, .l = 0, .b = 32};
    w.s1.cin = -1;
    w.s1.mem[4] = insn;
    w.s1.mem[10] = psw_pack(&(struct psw){.sup = true, .p = 5, .l = 0, .b = 32});
    w.s2 = w.s1;
    w.s2.psw.sup = s2_sup;
    w.diff = (struct analyze_diff){COMP_TRAP, 0, TRAP_NONE, TRAP_NONE};
    return analyze_witness_replay(isa_profile_default(), &w, NULL);
}

/* "Not privileged" is shown by a pair whose S2 is in user mode: ADD runs
 * there, and its witness replays; LPSW's pair with S2 in supervisor mode is
 * no such pair, however alike the two runs are, and does not. */
static void privileged__a_pair_needs_s2_in_user_mode(void **state)
{
    (void)state;
    assert_true(not_priv_replays(I(ADD, 11, 10, 10), false));
    assert_false(not_priv_replays(I(LPSW, 10, 0, 0), false)); /* it traps in user mode */
    assert_false(not_priv_replays(I(LPSW, 10, 0, 0), true));
    assert_false(not_priv_replays(I(ADD, 11, 10, 10), true));
}

/* ---- section 3: mode sensitivity, told from location sensitivity ---------- */

/* A pair S1 = <e|r, s, p, r>, S2 = <e|r (+) x, u, p, r (+) x> shows a
 * location difference, not a mode one, when S1 moved by x in its own mode
 * already differs from S1 when both complete.  Here the moved run traps: its
 * operand develops past the memory the shift leaves, so it shows no location
 * difference, and the pair's difference is the mode's.  On pdp11-45, MFPI in
 * supervisor mode loads E[E[b]] = E[30], in user mode E[b] = 30; moved by 4,
 * 30 no longer develops. */
static void mode__a_pair_whose_moved_run_traps_shows_the_modes(void **state)
{
    (void)state;
    static struct analyze_witness w; /* large: E of ANALYZE_Q_MAX words */
    memset(&w, 0, sizeof w);
    w.op = OP_MFPI;
    w.claim = CLAIM_MODE;
    w.x = 4;
    struct analyze_state *s = &w.s1;
    s->q = 32;
    s->psw = (struct psw){.sup = true, .p = 4, .l = 0, .b = 32};
    s->cin = -1;
    s->mem[4] = I(MFPI, 10, 11, 0);
    s->mem[11] = 30;
    s->mem[30] = 0x55;
    analyze_derive_s2(CLAIM_MODE, &w.s1, w.x, &w.s2);
    assert_false(w.s2.psw.sup);
    assert_int_equal(w.s2.psw.l, 4);
    w.diff = (struct analyze_diff){COMP_E, 10, 0x55, 30};
    const struct isa_profile *p = isa_profile_find("pdp11-45");
    assert_non_null(p);
    struct analyze_diff got;
    if (!analyze_witness_replay(p, &w, &got))
        fail_msg("no mode difference: got component %u at %u", got.comp, got.addr);
}

/* ---- section 2: an instruction is a function i: C -> C ------------------- */

/* What i(S) is, as the definitions compare it. */
static void assert_runs_equal(const struct analyze_run *a, const struct analyze_run *b,
                              uint32_t q)
{
    assert_int_equal(a->trap, b->trap);
    assert_int_equal(a->halted, b->halted);
    assert_int_equal(psw_pack(&a->psw), psw_pack(&b->psw));
    assert_int_equal(a->timer.armed, b->timer.armed);
    assert_int_equal(a->timer.pending, b->timer.pending);
    assert_int_equal(a->timer.remaining, b->timer.remaining);
    assert_memory_equal(a->mem, b->mem, q * sizeof a->mem[0]);
    assert_int_equal(a->out_len, b->out_len);
    assert_int_equal(a->in_used, b->in_used);
}

static bool runs_differ(const struct analyze_run *a, const struct analyze_run *b, uint32_t q)
{
    return a->trap != b->trap || psw_pack(&a->psw) != psw_pack(&b->psw) ||
           a->timer.armed != b->timer.armed || a->timer.pending != b->timer.pending ||
           a->timer.remaining != b->timer.remaining || a->in_used != b->in_used ||
           memcmp(a->mem, b->mem, q * sizeof a->mem[0]) != 0;
}

/* S0 and S differ in one component, which i reads: i(S) taken right after
 * i(S0) on the same machine is i(S) taken afresh, and not i(S0). */
static void exec_after(const struct analyze_state *s0, const struct analyze_state *s)
{
    static struct analyze_ctx warm, cold, cold0; /* large: four machines and states each */
    const struct isa_profile *p = isa_profile_default();
    assert_int_equal(analyze_ctx_init(&warm, p, s->q), 0);
    assert_int_equal(analyze_ctx_init(&cold, p, s->q), 0);
    assert_int_equal(analyze_ctx_init(&cold0, p, s->q), 0);
    unsigned slot = s->psw.sup ? 1 : 0;
    const struct analyze_run *r0 = analyze_exec(&cold0, slot, s0);
    const struct analyze_run *r = analyze_exec(&cold, slot, s);
    assert_true(runs_differ(r0, r, s->q)); /* (else the pair shows nothing) */
    analyze_exec(&warm, slot, s0);
    assert_runs_equal(analyze_exec(&warm, slot, s), r, s->q);
    analyze_ctx_fini(&warm);
    analyze_ctx_fini(&cold);
    analyze_ctx_fini(&cold0);
}

/* A supervisor state of 32 words with WORD at P = 4, E[10] = 7, R = (0, 32). */
static void base_state(struct analyze_state *s, uint64_t word)
{
    memset(s, 0, sizeof *s);
    s->q = 32;
    s->psw = (struct psw){.sup = true, .p = 4, .l = 0, .b = 32};
    s->cin = -1;
    s->mem[4] = word;
    s->mem[10] = 7;
}

/* Each component of S that some instruction reads: the timer's cycles
 * left, whether it is armed or pending, the console byte waiting, M, I,
 * P, R's l and b, and a word of E. */
static void exec__each_component_of_the_state_is_read_afresh(void **state)
{
    (void)state;
    static struct analyze_state s0, s;
    base_state(&s0, I(TGET, 10, 0, 0)); /* the timer's cycles left */
    s0.timer = (struct machine_timer){.armed = true, .remaining = 100};
    s = s0;
    s.timer.remaining = 200;
    exec_after(&s0, &s);
    s = s0; /* armed or not */
    s.timer = (struct machine_timer){0};
    exec_after(&s0, &s);
    s = s0; /* pending, with I = 1: the timer's trap comes first */
    s.timer = (struct machine_timer){.pending = true};
    s.psw.ie = true;
    s0.psw.ie = true;
    exec_after(&s0, &s);

    base_state(&s0, I(CIN, 10, 0, 0)); /* the console byte waiting */
    s0.cin = 'A';
    s = s0;
    s.cin = 'B';
    exec_after(&s0, &s);
    s.cin = -1;
    exec_after(&s0, &s);

    base_state(&s0, I(SPSW, 10, 0, 0)); /* M, I and P, as SPSW stores them */
    s = s0;
    s.psw.ie = true;
    exec_after(&s0, &s);
    s = s0;
    s.psw.p = 5;
    s.mem[5] = s.mem[4];
    exec_after(&s0, &s);
    s = s0; /* M: SPSW traps in user mode */
    s.psw.sup = false;
    exec_after(&s0, &s);

    base_state(&s0, I(SR, 10, 0, 0)); /* R, as SR stores it */
    s = s0;
    s.psw.b = 31;
    exec_after(&s0, &s);
    s = s0;
    s.psw.l = 1;
    s.psw.b = 31;
    s.mem[5] = s.mem[4];
    s.mem[11] = s.mem[10];
    exec_after(&s0, &s);

    base_state(&s0, I(ADD, 11, 10, 10)); /* a word of E */
    s = s0;
    s.mem[10] = 8;
    exec_after(&s0, &s);
}

/* ---- the time slice, direct and hybrid (docs/vmm.md) --------------------- */

#define SLICE 50u
/* An endless supervisor loop of one-cycle instructions: every slice of
 * SLICE cycles ends on an instruction boundary, with nothing left over. */
static const uint64_t nop_loop_mem[] = {0, 0, 0, I(NOP, 0, 0, 0), I(JMP, 3, 0, 0)};
static const struct tv_guest nop_loop = {16, TS_PSW(1, 0, 0, 3, 0, 16), nop_loop_mem, 5,
                                         NULL};

/* "A slice is measured in the running VM's virtual cycles, so direct
 * execution and hybrid interpretation share it": each slice end finds the
 * VM that ran with a whole number of slices of virtual cycles, whether its
 * supervisor code ran directly or was interpreted. */
static void slice__ends_after_exactly_its_cycles_direct_or_hybrid(void **state)
{
    struct tv_rig *r = *state;
    for (int hybrid = 0; hybrid < 2; hybrid++) {
        struct vmm_config cfg = {.slice = SLICE, .hybrid = hybrid};
        tv_reset(r, &cfg);
        tv_vm(r, &nop_loop);
        tv_vm(r, &nop_loop);
        assert_int_equal(tv_run(r, 10 * SLICE), VMMSTOP_BUDGET);
        size_t ends = 0;
        for (size_t i = 0; i < r->nev && i < TV_EVENTS; i++) {
            const struct vmm_event *e = &r->ev[i];
            if (e->cause != TRAP_TIMER || e->disp != DISP_SCHEDULER)
                continue;
            ends++;
            if (r->cycles[i][e->vm] % SLICE)
                fail_msg("%s: slice %zu ended with VM %d at %llu virtual cycles",
                         hybrid ? "hybrid" : "direct", ends, e->vm,
                         (unsigned long long)r->cycles[i][e->vm]);
        }
        assert_true(ends >= 4);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(control__a_change_of_i_alone_is_control_sensitive),
        cmocka_unit_test(privileged__a_pair_needs_s2_in_user_mode),
        cmocka_unit_test(mode__a_pair_whose_moved_run_traps_shows_the_modes),
        cmocka_unit_test(exec__each_component_of_the_state_is_read_afresh),
        cmocka_unit_test_setup_teardown(slice__ends_after_exactly_its_cycles_direct_or_hybrid,
                                        tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
