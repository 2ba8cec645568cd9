/* test_timer.c: the interval timer, a documented extension of section 2.
 *
 * The paper leaves interrupts out; tgm adds one timer whose trap is the
 * section 2 trap with P = the next instruction.  Expected expiry points are
 * derived from the table's cycle costs, never from running the machine.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#define Q 256u
#define H 200u   /* trap handler */
#define VAL 100u /* TSET's operand */
#define X 101u   /* TGET's result */
#define PSWS 102u
#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))
#define CYC(op) ((uint64_t)isa_table[OP_##op].cycles)

/* Power-on state plus a trap handler at H that halts. */
static void fresh(struct machine *m)
{
    machine_reset(m);
    ts_set_new_psw(m, H, false);
    ts_poke(m, H, I(HALT, 0, 0, 0));
}

static int fx_setup(void **state)
{
    struct machine *m = ts_machine(Q, NULL, false);
    fresh(m);
    *state = m;
    return 0;
}

static int fx_teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

/* Put CODE at 10, E[VAL] := v, PSW := supervisor at 10 with I = IE. */
static void load(struct machine *m, const uint64_t *code, size_t n, int64_t v, bool ie)
{
    ts_put(m, 10, code, n);
    ts_poke(m, VAL, (uint64_t)v);
    machine_set_psw(m, ts_psw(true, ie, 0, 10, 0, Q));
}

static void assert_timer(const struct machine *m, bool armed, bool pending, int64_t left)
{
    struct machine_timer t = machine_get_timer(m);
    assert_int_equal(t.armed, armed);
    assert_int_equal(t.pending, pending);
    assert_int_equal(t.remaining, left);
}

static const uint64_t seq[] = {
    I(TSET, VAL, 0, 0), I(ADD, X, X, X), I(MUL, X, X, X), I(DIV, X, X, X),
    I(NOP, 0, 0, 0),    I(NOP, 0, 0, 0), I(MOV, X, X, 0), I(HALT, 0, 0, 0),
};
#define NSEQ (sizeof seq / sizeof seq[0])

/* For every V up to the sequence's length in cycles, the trap comes right
 * after the first instruction whose cumulative cost (TSET's own included)
 * reaches V; run in one go and step by step, the machine agrees. */
static void timer__expires_exactly_between_the_right_instructions(void **state)
{
    struct machine *m = *state;
    uint64_t cum[NSEQ], total = 0;
    for (size_t i = 0; i < NSEQ; i++)
        cum[i] = total += isa_table[GET_OP(seq[i])].cycles;
    for (int64_t v = 1; v <= (int64_t)cum[NSEQ - 2]; v++) {
        size_t k = 0;
        while ((int64_t)cum[k] < v)
            k++;
        for (int stepwise = 0; stepwise < 2; stepwise++) {
            fresh(m);
            load(m, seq, NSEQ, v, true);
            if (stepwise) {
                for (size_t i = 0; i <= k + 1; i++)
                    ts_step_expect(m, EXIT_BUDGET);
                ts_step_expect(m, EXIT_HALT);
            } else {
                assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
            }
            /* timer trap with P = the instruction after the k-th */
            assert_int_equal(ts_peek(m, 0), ts_psw(true, true, TRAP_TIMER, 10 + k + 1, 0, Q));
            struct machine_counters c = machine_get_counters(m);
            assert_int_equal(c.traps[TRAP_TIMER], 1);
            assert_int_equal(c.instret, k + 2); /* k + 1 of seq, then HALT */
            assert_int_equal(c.steps, k + 3);
            assert_int_equal(c.cycles, cum[k] + TGM_TRAP_CYCLES + CYC(HALT));
            assert_timer(m, false, false, 0);
        }
    }
}

static void timer__tget_reads_cycles_left_at_its_start(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {I(TGET, X, 0, 0), I(TSET, VAL, 0, 0), I(NOP, 0, 0, 0),
                             I(NOP, 0, 0, 0), I(TGET, X + 1, 0, 0), I(TGET, X + 2, 0, 0),
                             I(HALT, 0, 0, 0)};
    load(m, code, sizeof code / sizeof code[0], 100, false);
    ts_poke(m, X, 55);
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(ts_peek(m, X), 0); /* disarmed: nothing left */
    uint64_t left = 100 - CYC(TSET) - 2 * CYC(NOP);
    assert_int_equal(ts_peek(m, X + 1), left);
    assert_int_equal(ts_peek(m, X + 2), left - CYC(TGET));
    assert_timer(m, true, false, (int64_t)(left - 2 * CYC(TGET) - CYC(HALT)));
}

/* Expiry with I = 0 leaves the timer pending and disarmed; the trap comes
 * right after the LPSW that sets I, with P = where that LPSW went. */
static void timer__pending_waits_for_i_and_traps_after_lpsw(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {I(TSET, VAL, 0, 0), I(NOP, 0, 0, 0), I(NOP, 0, 0, 0),
                             I(LPSW, PSWS, 0, 0)};
    load(m, code, sizeof code / sizeof code[0], 1, false);
    ts_poke(m, PSWS, ts_psw(false, true, 0, 60, 0, Q));
    for (int i = 0; i < 3; i++) {
        ts_step_expect(m, EXIT_BUDGET);
        assert_timer(m, false, true, 0);
    }
    ts_step_expect(m, EXIT_BUDGET); /* the LPSW completes */
    assert_int_equal(machine_get_psw(m), ts_psw(false, true, 0, 60, 0, Q));
    assert_int_equal(machine_get_counters(m).instret, 4);
    ts_step_expect(m, EXIT_BUDGET); /* the timer trap, nothing fetched */
    assert_int_equal(ts_peek(m, 0), ts_psw(false, true, TRAP_TIMER, 60, 0, Q));
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H, 0, Q));
    assert_int_equal(machine_get_counters(m).instret, 4);
    assert_timer(m, false, false, 0);
}

/* TSET with E[a] <= 0 disarms and clears a pending expiry. */
static void timer__tset_zero_or_negative_disarms_and_clears_pending(void **state)
{
    struct machine *m = *state;
    const int64_t offs[] = {0, -5, INT64_MIN};
    for (size_t i = 0; i < sizeof offs / sizeof offs[0]; i++) {
        fresh(m);
        const uint64_t code[] = {I(TSET, VAL + 1, 0, 0), I(NOP, 0, 0, 0), I(TSET, VAL, 0, 0),
                                 I(LPSW, PSWS, 0, 0)};
        load(m, code, sizeof code / sizeof code[0], offs[i], false);
        ts_poke(m, VAL + 1, 1);
        ts_poke(m, PSWS, ts_psw(true, true, 0, 20, 0, Q));
        ts_poke(m, 20, I(NOP, 0, 0, 0));
        ts_poke(m, 21, I(HALT, 0, 0, 0));
        ts_step_expect(m, EXIT_BUDGET);
        ts_step_expect(m, EXIT_BUDGET);
        assert_timer(m, false, true, 0);
        ts_step_expect(m, EXIT_BUDGET);
        assert_timer(m, false, false, 0);
        assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
        assert_int_equal(machine_get_counters(m).traps[TRAP_TIMER], 0);
        assert_int_equal(machine_psw(m).p, 22);
    }
    /* an armed timer is disarmed too */
    fresh(m);
    const uint64_t code[] = {I(TSET, VAL + 1, 0, 0), I(TSET, VAL, 0, 0)};
    load(m, code, 2, 0, true);
    ts_poke(m, VAL + 1, 50);
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, true, false, 50 - (int64_t)CYC(TSET));
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, false, false, 0);
}

/* A TSET with E[a] > 0 also clears a pending expiry: the timer restarts
 * from E[a], and an LPSW that sets I afterwards takes no trap until the new
 * count runs out (docs/isa.md). */
static void timer__tset_positive_rearms_and_clears_pending(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {I(TSET, VAL + 1, 0, 0), I(NOP, 0, 0, 0), I(TSET, VAL, 0, 0),
                             I(LPSW, PSWS, 0, 0)};
    load(m, code, sizeof code / sizeof code[0], 40, false);
    ts_poke(m, VAL + 1, 1);
    ts_poke(m, PSWS, ts_psw(true, true, 0, 20, 0, Q));
    ts_poke(m, 20, I(NOP, 0, 0, 0));
    ts_poke(m, 21, I(JMP, 20, 0, 0));
    ts_step_expect(m, EXIT_BUDGET);
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, false, true, 0);
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, true, false, 40 - (int64_t)CYC(TSET));
    ts_step_expect(m, EXIT_BUDGET); /* LPSW sets I: nothing is pending */
    assert_int_equal(machine_psw(m).p, 20);
    assert_int_equal(machine_get_counters(m).traps[TRAP_TIMER], 0);
    machine_trap_stop(m, 1u << TRAP_TIMER);
    assert_int_equal(machine_run(m, 100, NULL), EXIT_TRAP);
    assert_int_equal(machine_get_counters(m).traps[TRAP_TIMER], 1);
    /* expired exactly 40 cycles after the second TSET began */
    assert_int_equal(machine_cycles(m),
                     CYC(TSET) + CYC(NOP) + 40 + TGM_TRAP_CYCLES);
}

/* The trap sequence's cycles count down the timer; an expiry inside one
 * traps at the handler's first boundary if the new PSW has I set. */
static void timer__trap_sequence_cycles_count_down(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {I(TSET, VAL, 0, 0), I(SVC, 0, 0, 0)};
    load(m, code, 2, 100, false);
    ts_poke(m, H, I(TGET, X, 0, 0));
    ts_poke(m, H + 1, I(HALT, 0, 0, 0));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(ts_peek(m, X), 100 - CYC(TSET) - TGM_TRAP_CYCLES);

    /* now it runs out during the SVC's trap sequence */
    fresh(m);
    ts_set_new_psw(m, H, true);
    load(m, code, 2, (int64_t)CYC(TSET) + TGM_TRAP_CYCLES - 1, false);
    ts_step_expect(m, EXIT_BUDGET);
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, false, true, 0);
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 0), ts_psw(true, true, TRAP_TIMER, H, 0, Q));
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_SVC], 1);
    assert_int_equal(c.traps[TRAP_TIMER], 1);
    assert_int_equal(c.cycles, CYC(TSET) + 2 * TGM_TRAP_CYCLES);
}

static void timer__get_set_round_trip_and_countdown(void **state)
{
    struct machine *m = *state;
    struct machine_timer t = {.armed = true, .remaining = 3};
    machine_set_timer(m, &t);
    assert_timer(m, true, false, 3);
    for (uint32_t i = 0; i < 4; i++)
        ts_poke(m, 10 + i, I(NOP, 0, 0, 0));
    machine_set_psw(m, ts_psw(true, true, 0, 10, 0, Q));
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, true, false, 3 - (int64_t)CYC(NOP));
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = 2});
    ts_step_expect(m, EXIT_BUDGET);
    ts_step_expect(m, EXIT_BUDGET);
    assert_timer(m, false, true, 0);
    ts_step_expect(m, EXIT_BUDGET); /* the trap: P = 13 was not executed */
    assert_int_equal(ts_peek(m, 0), ts_psw(true, true, TRAP_TIMER, 13, 0, Q));

    const struct machine_timer states[] = {
        {false, false, 0}, {false, true, 0}, {true, false, 1}, {true, false, INT64_MAX / 2}};
    for (size_t i = 0; i < sizeof states / sizeof states[0]; i++) {
        machine_set_timer(m, &states[i]);
        assert_timer(m, states[i].armed, states[i].pending, states[i].remaining);
    }
}

/* Cycles charged from outside the run loop (a VM's direct execution, a
 * reflected trap) count the timer down as the CPU's own do: it expires when
 * they reach its setting, not one cycle later, and the next step is the
 * timer trap. */
static void timer__charged_cycles_expire_it_at_zero_like_executed_ones(void **state)
{
    struct machine *m = *state;
    ts_poke(m, 10, I(NOP, 0, 0, 0));
    machine_set_psw(m, ts_psw(true, true, 0, 10, 0, Q));
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = 5});
    machine_charge(m, 4, 4, 4);
    assert_timer(m, true, false, 1);
    machine_charge(m, 1, 1, 1);
    assert_timer(m, false, true, 0);
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 0), ts_psw(true, true, TRAP_TIMER, 10, 0, Q));
    assert_int_equal(machine_p(m), H);
}

/* Runs far longer than the run loop's look interval (2^23 cycles, 2^24
 * steps in its counter) still count exactly and expire on time, in one run
 * and in chunks of an odd step budget. */
static void timer__long_runs_count_exactly_and_expire_on_time(void **state)
{
    struct machine *m = *state;
    const uint64_t n = 40000000, v = 3 * (UINT64_C(1) << 23) + 5;
    const uint64_t code[] = {I(TSET, VAL, 0, 0), I(DJNZ, X, 11, 0), I(HALT, 0, 0, 0)};
    /* k DJNZs after TSET, the first k at which the timer has run out */
    uint64_t k = (v - CYC(TSET) + CYC(DJNZ) - 1) / CYC(DJNZ);
    for (int chunked = 0; chunked < 2; chunked++) {
        fresh(m);
        load(m, code, 3, (int64_t)v, true);
        ts_poke(m, X, n);
        enum exit_reason r;
        uint64_t runs = 0;
        do {
            r = machine_run(m, chunked ? (UINT64_C(1) << 22) + 3 : UINT64_MAX, NULL);
            runs++;
        } while (r == EXIT_BUDGET);
        assert_int_equal(r, EXIT_HALT);
        assert_true(chunked ? runs > 1 : runs == 1);
        assert_int_equal(ts_peek(m, 0), ts_psw(true, true, TRAP_TIMER, 11, 0, Q));
        assert_int_equal(ts_peek(m, X), n - k);
        struct machine_counters c = machine_get_counters(m);
        assert_int_equal(c.steps, 1 + k + 1 + 1);
        assert_int_equal(c.instret, 1 + k + 1);
        assert_int_equal(c.cycles, CYC(TSET) + k * CYC(DJNZ) + TGM_TRAP_CYCLES + CYC(HALT));
    }
    /* and with the timer off (TSET 0), all n DJNZs in one run */
    fresh(m);
    load(m, code, 3, 0, true);
    ts_poke(m, X, n);
    assert_int_equal(machine_run(m, UINT64_MAX, NULL), EXIT_HALT);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.steps, n + 2);
    assert_int_equal(c.cycles, CYC(TSET) + n * CYC(DJNZ) + CYC(HALT));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(timer__expires_exactly_between_the_right_instructions),
        T(timer__tget_reads_cycles_left_at_its_start),
        T(timer__pending_waits_for_i_and_traps_after_lpsw),
        T(timer__tset_zero_or_negative_disarms_and_clears_pending),
        T(timer__tset_positive_rearms_and_clears_pending),
        T(timer__trap_sequence_cycles_count_down),
        T(timer__get_set_round_trip_and_countdown),
        T(timer__charged_cycles_expire_it_at_zero_like_executed_ones),
        T(timer__long_runs_count_exactly_and_expire_on_time),
    };
    return cmocka_run_group_tests_name("timer", tests, NULL, NULL);
}
