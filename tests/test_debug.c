/* test_debug.c: breakpoints, watchpoints, trap stops, tracing, run budget.
 *
 * The debugging aids must observe section 2's machine without changing it:
 * no memory is patched, an execution breakpoint stops before the instruction
 * and a watchpoint after it, and the checked run loop computes exactly what
 * the fast one does.  Also machine_run's budget and machine_reset.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#define Q 256u
#define RL 16u
#define RB 200u
#define H 220u /* trap handler (physical): HALT */
#define X 100u
#define Y 101u
#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))

/* Code at virtual 10 under R = (RL, RB), supervisor, I = IE. */
static void load(struct machine *m, const uint64_t *code, size_t n, bool ie)
{
    ts_put(m, RL + 10, code, n);
    machine_set_psw(m, ts_psw(true, ie, 0, 10, RL, RB));
}

static int fx_setup(void **state)
{
    struct machine *m = ts_machine(Q, NULL, false);
    ts_set_new_psw(m, H, false);
    ts_poke(m, H, I(HALT, 0, 0, 0));
    *state = m;
    return 0;
}

static int fx_teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

static const uint64_t straight[] = {
    I(NOP, 0, 0, 0), I(MOV, X, Y, 0), I(NOP, 0, 0, 0), I(HALT, 0, 0, 0),
};

static void break__exec_stops_before_and_never_patches_memory(void **state)
{
    struct machine *m = *state;
    load(m, straight, 4, false);
    ts_poke(m, RL + Y, 7);
    uint64_t digest = machine_digest(m);
    assert_int_equal(machine_break_exec(m, RL + 11, true), 0);
    assert_int_equal(machine_break_exec(m, Q, true), -1);
    assert_true(machine_break_exec_test(m, RL + 11));
    assert_false(machine_break_exec_test(m, 11));
    assert_int_equal(machine_digest(m), digest);
    assert_int_equal(ts_peek(m, RL + 11), straight[1]);

    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, RL + 11); /* physical */
    assert_int_equal(ex.steps, 1);
    assert_int_equal(machine_psw(m).p, 11);
    assert_int_equal(ts_peek(m, RL + X), 0); /* the MOV has not run */
    assert_int_equal(machine_digest(m), digest);

    /* the first step of a run ignores the breakpoint it stopped at */
    assert_int_equal(machine_run(m, 100, &ex), EXIT_HALT);
    assert_int_equal(ts_peek(m, RL + X), 7);
    assert_int_equal(machine_get_counters(m).instret, 4);

    /* so does a single step sitting on one */
    machine_set_psw(m, ts_psw(true, false, 0, 11, RL, RB));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(machine_psw(m).p, 12);
    assert_int_equal(machine_break_exec(m, RL + 11, false), 0);
    assert_false(machine_break_exec_test(m, RL + 11));
}

/* Watchpoints stop after the instruction that touched the word. */
static void watch__read_and_write_stop_after_the_instruction(void **state)
{
    struct machine *m = *state;
    const struct {
        uint32_t phys;
        int mask;
        bool stops, write;
    } cases[] = {
        {RL + Y, WATCH_READ, true, false},
        {RL + X, WATCH_WRITE, true, true},
        {RL + X, WATCH_READ, false, false}, /* MOV only writes X */
        {RL + Y, WATCH_WRITE, false, false},
        {X, WATCH_READ | WATCH_WRITE, false, false}, /* the physical address */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        machine_debug_clear(m);
        load(m, straight, 4, false);
        ts_poke(m, RL + X, 0);
        ts_poke(m, RL + Y, 9);
        assert_int_equal(machine_watch(m, cases[i].phys, cases[i].mask), 0);
        assert_int_equal(machine_watch_test(m, cases[i].phys), cases[i].mask);
        struct machine_exit ex;
        enum exit_reason r = machine_run(m, 100, &ex);
        if (!cases[i].stops) {
            assert_int_equal(r, EXIT_HALT);
            continue;
        }
        assert_int_equal(r, EXIT_WATCH);
        assert_int_equal(ex.addr, cases[i].phys);
        assert_int_equal(ex.write, cases[i].write);
        assert_int_equal(ex.steps, 2);
        assert_int_equal(ts_peek(m, RL + X), 9); /* the MOV completed */
        assert_int_equal(machine_psw(m).p, 12);
        assert_int_equal(machine_run(m, 100, &ex), EXIT_HALT);
    }
    assert_int_equal(machine_watch(m, X, 0), 0);
    assert_int_equal(machine_watch_test(m, X), 0);
    assert_int_equal(machine_watch(m, Q, WATCH_READ), -1);
}

/* The trap's store of the old PSW is a write of E[0]. */
static void watch__trap_write_of_e0_stops_after_the_trap(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {I(NOP, 0, 0, 0), I(SVC, 3, 0, 0)};
    load(m, code, 2, false);
    assert_int_equal(machine_watch(m, 0, WATCH_WRITE), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100, &ex), EXIT_WATCH);
    assert_int_equal(ex.addr, 0);
    assert_true(ex.write);
    assert_int_equal(ex.steps, 2);
    assert_int_equal(ts_peek(m, 0), ts_psw(true, false, TRAP_SVC, 11, RL, RB));
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H, 0, Q));
}

/* Class breakpoints use the profile's declared classes. */
static void break__class_stops_before_each_matching_instruction(void **state)
{
    (void)state;
    const char *profiles[] = {"virtualizable", "x86"};
    for (size_t i = 0; i < 2; i++) {
        struct machine *m = ts_machine(Q, profiles[i], false);
        ts_set_new_psw(m, H, false);
        const uint64_t code[] = {I(NOP, 0, 0, 0), I(SPSW, X, 0, 0), I(TGET, X, 0, 0),
                                 I(HALT, 0, 0, 0)};
        load(m, code, 4, false);
        machine_break_class(m, CLASS_PRIV);
        struct machine_exit ex;
        /* SPSW is privileged in the default profile only */
        if (i == 0) {
            assert_int_equal(machine_run(m, 100, &ex), EXIT_BREAK);
            assert_int_equal(ex.addr, RL + 11);
            assert_int_equal(machine_get_counters(m).instret, 1);
        }
        assert_int_equal(machine_run(m, 100, &ex), EXIT_BREAK);
        assert_int_equal(ex.addr, RL + 12);
        assert_int_equal(machine_get_counters(m).instret, 2);
        assert_int_equal(machine_run(m, 100, &ex), EXIT_BREAK);
        assert_int_equal(ex.addr, RL + 13);
        assert_int_equal(machine_run(m, 100, &ex), EXIT_HALT);
        assert_int_equal(machine_get_counters(m).instret, 4);
        machine_destroy(m);
    }
}

/* A cause in the stop mask ends the run after the trap sequence; others
 * are taken silently. */
static void trapstop__stops_after_the_trap_sequence_for_masked_causes(void **state)
{
    struct machine *m = *state;
    const uint64_t code[] = {0, I(SVC, 1, 0, 0)};
    load(m, code, 2, false);
    ts_poke(m, 1, ts_psw(true, false, 0, RL + 11, 0, Q)); /* ILL goes on to 11 */
    machine_trap_stop(m, 1u << TRAP_SVC);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100, &ex), EXIT_TRAP);
    assert_int_equal(ex.cause, TRAP_SVC);
    assert_int_equal(ex.steps, 2);
    assert_int_equal(ts_peek(m, 0), ts_psw(true, false, TRAP_SVC, RL + 11, 0, Q));
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, RL + 11, 0, Q));
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_ILL], 1);
    assert_int_equal(c.traps[TRAP_SVC], 1);
    assert_int_equal(c.cycles, 2 * TGM_TRAP_CYCLES);
}

struct trace_log {
    struct machine_trace rec[8];
    size_t n;
};

static void trace_fn(void *ctx, const struct machine_trace *t)
{
    struct trace_log *log = ctx;
    if (log->n < 8)
        log->rec[log->n] = *t;
    log->n++;
}

static void assert_rec(const struct machine_trace *r, uint64_t psw, bool fetched,
                       uint64_t word, uint32_t phys, unsigned trap, uint64_t cycles)
{
    assert_int_equal(r->psw_before, psw);
    assert_int_equal(r->fetched, fetched);
    if (fetched) {
        assert_int_equal(r->word, word);
        assert_int_equal(r->phys, phys);
    }
    assert_int_equal(r->trap, trap);
    assert_int_equal(r->cycles, cycles);
}

static void trace__one_record_per_step_with_psw_word_trap_and_cycles(void **state)
{
    struct machine *m = *state;
    struct trace_log log = {.n = 0};
    const uint64_t code[] = {I(NOP, 0, 0, 0), I(TSET, X, 0, 0), I(NOP, 0, 0, 0)};
    load(m, code, 3, true);
    ts_poke(m, RL + X, 1); /* expires within the TSET */
    machine_set_trace(m, trace_fn, &log);
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(log.n, 4);
    uint64_t c1 = isa_table[OP_NOP].cycles, c2 = c1 + isa_table[OP_TSET].cycles;
    uint64_t c3 = c2 + TGM_TRAP_CYCLES;
    assert_rec(&log.rec[0], ts_psw(true, true, 0, 10, RL, RB), true, code[0], RL + 10, 0, c1);
    assert_rec(&log.rec[1], ts_psw(true, true, 0, 11, RL, RB), true, code[1], RL + 11, 0, c2);
    assert_rec(&log.rec[2], ts_psw(true, true, 0, 12, RL, RB), false, 0, 0, TRAP_TIMER, c3);
    assert_rec(&log.rec[3], ts_psw(true, false, 0, H, 0, Q), true, I(HALT, 0, 0, 0), H, 0,
               c3 + isa_table[OP_HALT].cycles);

    /* a fetch that fails is a step with a trap and no word */
    log.n = 0;
    machine_set_psw(m, ts_psw(false, false, 0, RB, RL, RB));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(log.n, 2);
    uint64_t c4 = c3 + isa_table[OP_HALT].cycles + TGM_TRAP_CYCLES;
    assert_rec(&log.rec[0], ts_psw(false, false, 0, RB, RL, RB), false, 0, 0, TRAP_MEM, c4);
    machine_set_trace(m, NULL, NULL);
}

static void run__budget_ends_with_exit_budget_and_counts_steps(void **state)
{
    struct machine *m = *state;
    const uint64_t loop[] = {I(NOP, 0, 0, 0), I(JMP, 10, 0, 0)};
    load(m, loop, 2, false);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 7, &ex), EXIT_BUDGET);
    assert_int_equal(ex.reason, EXIT_BUDGET);
    assert_int_equal(ex.steps, 7);
    assert_int_equal(machine_get_counters(m).steps, 7);
    assert_int_equal(machine_psw(m).p, 11); /* 4 NOPs and 3 JMPs */
    assert_int_equal(machine_run(m, 0, &ex), EXIT_BUDGET);
    assert_int_equal(ex.steps, 0);
    assert_int_equal(machine_run(m, 5, &ex), EXIT_BUDGET);
    assert_int_equal(machine_get_counters(m).steps, 12);
    assert_int_equal(machine_get_counters(m).cycles,
                     6 * isa_table[OP_NOP].cycles + 6 * isa_table[OP_JMP].cycles);
}

/* A program that loops, traps and touches the console, for comparing the
 * checked loop with the fast one. */
static void load_busy(struct machine *m)
{
    const uint64_t code[] = {
        I(ADD, X, X, Y), I(MUL, X + 1, X, X), I(COUT, X, 0, 0), I(DJNZ, Y + 1, 10, 0),
        I(SVC, 9, 0, 0),
    };
    ts_poke(m, RL + Y, 3);
    ts_poke(m, RL + Y + 1, 5);
    load(m, code, 5, false);
}

static void break__checked_loop_computes_what_the_fast_loop_does(void **state)
{
    struct machine *fast = *state;
    struct machine *checked = ts_machine(Q, NULL, false);
    ts_set_new_psw(checked, H, false);
    ts_poke(checked, H, I(HALT, 0, 0, 0));
    load_busy(fast);
    load_busy(checked);
    struct trace_log log = {.n = 0};
    machine_set_trace(checked, trace_fn, &log);
    assert_int_equal(machine_break_exec(checked, Q - 1, true), 0);
    assert_int_equal(machine_watch(checked, Q - 2, WATCH_READ), 0);
    assert_int_equal(machine_run(fast, 1000, NULL), EXIT_HALT);
    assert_int_equal(machine_run(checked, 1000, NULL), EXIT_HALT);
    assert_int_equal(machine_digest(fast), machine_digest(checked));
    assert_int_equal(machine_get_psw(fast), machine_get_psw(checked));
    struct machine_counters a = machine_get_counters(fast), b = machine_get_counters(checked);
    assert_memory_equal(&a, &b, sizeof a);
    assert_int_equal(log.n, a.steps);
    size_t na, nb;
    const uint8_t *oa = machine_console_output(fast, &na);
    const uint8_t *ob = machine_console_output(checked, &nb);
    assert_int_equal(na, 5);
    assert_int_equal(nb, 5);
    assert_memory_equal(oa, ob, na);
    machine_destroy(checked);
}

static void no_trace(void *ctx, const struct machine_trace *t)
{
    (void)ctx, (void)t;
}

/* machine.h: "A run never stops on an execution breakpoint or a class
 * breakpoint at its first step": only there.  A first step whose fetch
 * takes a memory trap is a step; the handler's first instruction, the
 * second step, stops at its breakpoint, in both loops.  The checked loop
 * (a trace hook, or a class breakpoint) took it for the first step still
 * and ran it. */
static void break__the_step_after_a_first_step_that_trapped_stops(void **state)
{
    (void)state;
    for (int k = 0; k < 4; k++) {
        struct machine *m = ts_machine(16, NULL, false);
        ts_set_new_psw(m, 4, false);
        ts_poke(m, 4, I(LPSW, 5, 0, 0)); /* privileged: a class breakpoint's */
        ts_poke(m, 5, ts_psw(true, false, 0, 6, 0, 16));
        if (k < 3)
            assert_int_equal(machine_break_exec(m, 4, true), 0);
        if (k == 1)
            machine_set_trace(m, no_trace, NULL);
        if (k >= 2)
            machine_break_class(m, CLASS_PRIV);
        machine_set_psw(m, ts_psw(true, false, 0, 20, 0, 16)); /* P = 20 >= b */
        struct machine_exit ex;
        assert_int_equal(machine_run(m, 3, &ex), EXIT_BREAK);
        assert_int_equal(ex.addr, 4);
        assert_int_equal(machine_get_counters(m).steps, 1);
        assert_int_equal(machine_get_counters(m).traps[TRAP_MEM], 1);
        machine_destroy(m);
    }
}

/* A loop that rewrites the word it has a breakpoint on (virtual 13). */
static void load_smc_loop(struct machine *m)
{
    const uint64_t code[] = {
        I(ADDI, X, X, 1), I(MOV, 13, Y, 0), I(NOP, 0, 0, 0), I(ADD, X, X, X),
        I(DJNZ, Y + 1, 10, 0), I(HALT, 0, 0, 0),
    };
    ts_poke(m, RL + Y, I(NOP, 0, 0, 0));
    ts_poke(m, RL + Y + 1, 6);
    load(m, code, 6, false);
}

/* Breakpoints alone run on the fast loop (marked in the decode cache); it
 * stops where the checked loop stops, at the same step, also on a word the
 * program keeps rewriting. */
static void break__fast_loop_stops_where_the_checked_loop_stops(void **state)
{
    struct machine *fast = *state;
    struct machine *checked = ts_machine(Q, NULL, false);
    struct trace_log log = {.n = 0};
    machine_set_trace(checked, trace_fn, &log); /* forces the checked loop */
    struct machine *ms[2] = {fast, checked};
    for (int k = 0; k < 2; k++) {
        ts_set_new_psw(ms[k], H, false);
        ts_poke(ms[k], H, I(HALT, 0, 0, 0));
        load_smc_loop(ms[k]);
        assert_int_equal(machine_break_exec(ms[k], RL + 13, true), 0);
        assert_int_equal(machine_break_exec(ms[k], RL + 10, true), 0);
    }
    int stops = 0;
    for (;;) {
        struct machine_exit a, b;
        log.n = 0;
        machine_run(fast, 1000, &a);
        machine_run(checked, 1000, &b);
        assert_int_equal(a.reason, b.reason);
        assert_int_equal(a.addr, b.addr);
        assert_int_equal(a.steps, b.steps);
        assert_int_equal(machine_digest(fast), machine_digest(checked));
        assert_int_equal(machine_get_psw(fast), machine_get_psw(checked));
        if (a.reason != EXIT_BREAK)
            break;
        stops++;
    }
    assert_int_equal(stops, 11); /* at 13 in 6 rounds, at 10 in 5 (not the first step) */
    machine_destroy(checked);
}

/* A view shares its host's cache: each machine stops only at its own
 * breakpoints, clearing one leaves the other's, and destroying the view
 * takes its marks away. */
static void break__views_share_the_cache_but_not_breakpoints(void **state)
{
    struct machine *host = *state;
    load_smc_loop(host); /* the code at RL + 10, host R = (RL, RB) */
    struct machine *view = machine_create_view(host, RL, 150, NULL);
    assert_non_null(view);
    machine_set_psw(view, ts_psw(true, false, 0, 10, 0, 150));
    assert_int_equal(machine_break_exec(host, RL + 12, true), 0);
    assert_int_equal(machine_break_exec(view, 12, true), 0);
    assert_int_equal(machine_break_exec(view, 14, true), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(view, 100, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, 12); /* the view's own address */
    assert_int_equal(machine_break_exec(view, 12, false), 0);
    assert_int_equal(machine_run(view, 100, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, 14); /* the host's mark at RL + 12 is not the view's */
    assert_int_equal(machine_run(host, 100, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, RL + 12);
    assert_int_equal(machine_run(host, 100, &ex), EXIT_BREAK); /* the next round */
    assert_int_equal(ex.addr, RL + 12);
    machine_destroy(view); /* its mark at RL + 14 goes */
    machine_set_psw(host, ts_psw(true, false, 0, 13, RL, RB));
    assert_int_equal(machine_run(host, 2, &ex), EXIT_BUDGET); /* past 14 */
    assert_int_equal(machine_break_exec(host, RL + 12, false), 0);
    assert_int_equal(machine_run(host, 1000, &ex), EXIT_HALT);
}

static void reset__restores_power_on_state_and_keeps_debug_settings(void **state)
{
    struct machine *m = *state;
    load_busy(m);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"abc", 3), 0);
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = 500});
    assert_int_equal(machine_break_exec(m, RL + 12, true), 0);
    assert_int_equal(machine_watch(m, 40, WATCH_WRITE), 0);
    assert_int_equal(machine_run(m, 1000, NULL), EXIT_BREAK);
    assert_int_equal(machine_run(m, 1000, NULL), EXIT_BREAK);
    machine_set_psw(m, ts_psw(false, true, 0, 77, 3, 9));

    machine_reset(m);
    struct machine *fresh = ts_machine(Q, NULL, false);
    assert_int_equal(machine_digest(m), machine_digest(fresh));
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, 0, 0, Q));
    struct machine_timer t = machine_get_timer(m);
    assert_false(t.armed);
    assert_false(t.pending);
    size_t n;
    machine_console_output(m, &n);
    assert_int_equal(n, 0);
    assert_int_equal(machine_console_input_used(m), 0);
    struct machine_counters c = machine_get_counters(m), z = {0};
    assert_memory_equal(&c, &z, sizeof c);
    assert_int_equal(machine_last_trap(m), TRAP_NONE);
    /* the queued input went too: CIN finds none */
    ts_poke(m, 0, I(CIN, 5, 0, 0));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 5), UINT64_MAX);
    /* debug settings are kept */
    assert_true(machine_break_exec_test(m, RL + 12));
    assert_int_equal(machine_watch_test(m, 40), WATCH_WRITE);
    machine_debug_clear(m);
    assert_false(machine_break_exec_test(m, RL + 12));
    assert_int_equal(machine_watch_test(m, 40), 0);
    machine_destroy(fresh);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, fx_setup, fx_teardown)
    const struct CMUnitTest tests[] = {
        T(break__exec_stops_before_and_never_patches_memory),
        T(watch__read_and_write_stop_after_the_instruction),
        T(watch__trap_write_of_e0_stops_after_the_trap),
        T(break__class_stops_before_each_matching_instruction),
        T(trapstop__stops_after_the_trap_sequence_for_masked_causes),
        T(trace__one_record_per_step_with_psw_word_trap_and_cycles),
        T(run__budget_ends_with_exit_budget_and_counts_steps),
        T(break__the_step_after_a_first_step_that_trapped_stops),
        T(break__checked_loop_computes_what_the_fast_loop_does),
        T(break__fast_loop_stops_where_the_checked_loop_stops),
        T(break__views_share_the_cache_but_not_breakpoints),
        T(reset__restores_power_on_state_and_keeps_debug_settings),
    };
    return cmocka_run_group_tests_name("debug", tests, NULL, NULL);
}
