/* test_trap_exit.c: a trap whose new PSW starts with an HCALL, taken as one
 * exit by the fast loop (section 2's trap, then the host call).
 *
 * The control program's entry is the paper's trap: E[0] := old PSW, PSW :=
 * E[1], whose first instruction is the HCALL that brings the trap to the
 * host.  The fast loop takes the two steps at once and returns to the
 * trapped window without setting it up again.  These tests pin what the
 * handler sees (machine.h), that each answer it gives leaves the machine as
 * the two steps would, that a run one step at a time (no trap exit) ends
 * in the same state, and the cases that must not be taken as one exit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/isa.h"

#define Q 256u
#define RL 16u
#define RB 200u
#define PC 0x20u   /* the guest's code, virtual */
#define S 10u      /* SPSW's operand */
#define X 11u      /* ADDI's counter */
#define H 240u     /* the handler's HCALL, physical (R = (0, Q)) */
#define CODE 7u    /* the HCALL's A field */
#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))
#define USER(p) ts_psw(false, false, 0, (p), RL, RB)
#define HCALL_COST (TGM_TRAP_CYCLES + CYC_HCALL)

/* What the handler does at each call, and what it saw. */
enum act { BACK, STOP, GO, ELSEWHERE, RESUME, NO_R, HERE, HERE_LPSW };
struct hc {
    enum act act[4];
    uint64_t left[4]; /* what BACK sets *LEFT to; 0 leaves it */
    int calls;
    uint64_t e0[4], psw[4], code[4];
    struct machine_counters ctr[4];
};

static enum hostcall_next handler_with(void *ctx, struct machine *m, uint64_t code,
                                       uint64_t *left, uint64_t *psw)
{
    struct hc *h = ctx;
    int k = h->calls++;
    assert_true(k < 4);
    h->e0[k] = ts_peek(m, 0);
    h->psw[k] = machine_get_psw(m);
    h->code[k] = code;
    h->ctr[k] = machine_get_counters(m);
    struct psw old = psw_unpack(h->e0[k]);
    old.cause = 0;
    old.p++; /* past the trapping instruction */
    switch (h->act[k]) {
    case BACK:
        *psw = psw_pack(&old);
        if (h->left[k])
            *left = h->left[k];
        return HOSTCALL_LPSW;
    case RESUME: /* which leaves *LEFT alone */
        *psw = psw_pack(&old);
        return HOSTCALL_RESUME;
    case NO_R: /* user mode, I = 0, R = (0, 0): M, I and R all zeros */
        *psw = ts_psw(false, false, 0, PC, 0, 0);
        return HOSTCALL_RESUME;
    case ELSEWHERE: /* another mode and R: the HALT after the HCALL */
        *psw = ts_psw(true, false, 0, H + 1, 0, Q);
        return HOSTCALL_LPSW;
    case HERE: /* M's own PSW, past the HCALL */
        *psw = machine_get_psw(m);
        return HOSTCALL_RESUME;
    case HERE_LPSW:
        *psw = machine_get_psw(m);
        return HOSTCALL_LPSW;
    case GO:
        return HOSTCALL_GO;
    case STOP:
        break;
    }
    return HOSTCALL_STOP;
}

/* The handler as machine_set_hostcall takes it: the PSW in the result. */
static struct hostcall_result handler(void *ctx, struct machine *m, uint64_t code,
                                      uint64_t *left)
{
    struct hostcall_result r = {HOSTCALL_STOP, 0};
    r.next = handler_with(ctx, m, code, left, &r.psw);
    return r;
}

/*   PC    SPSW S          (privileged: traps to the HCALL at H)
 *   PC+1  ADDI X, X, 1
 *   PC+2  SPSW S
 *   H     HCALL 7; H+1 HALT */
static struct machine *setup(struct hc *h)
{
    struct machine *m = ts_machine(Q, NULL, true);
    ts_poke(m, RL + PC, I(SPSW, S, 0, 0));
    ts_poke(m, RL + PC + 1, I(ADDI, X, X, 1));
    ts_poke(m, RL + PC + 2, I(SPSW, S, 0, 0));
    ts_poke(m, H, I(HCALL, CODE, 0, 0));
    ts_poke(m, H + 1, I(HALT, 0, 0, 0));
    ts_set_new_psw(m, H, false);
    machine_set_psw(m, USER(PC));
    machine_set_hostcall(m, handler, h);
    return m;
}

/* A and B ended in the same PSW, counters and memory; both go. */
static void assert_same_end_and_destroy(struct machine *a, struct machine *b)
{
    assert_int_equal(machine_get_psw(b), machine_get_psw(a));
    struct machine_counters ca = machine_get_counters(a), cb = machine_get_counters(b);
    assert_memory_equal(&ca, &cb, sizeof ca);
    assert_memory_equal(machine_mem(a), machine_mem(b), Q * sizeof(uint64_t));
    machine_destroy(a);
    machine_destroy(b);
}

static void trap_exit__handler_sees_the_two_steps_done_and_the_trapped_psw(void **state)
{
    (void)state;
    struct hc h = {.act = {BACK, STOP}};
    struct machine *m = setup(&h);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST);
    assert_int_equal(h.calls, 2);
    assert_int_equal(h.code[0], CODE);
    assert_int_equal(ex.code, CODE);
    ts_assert_psw(h.e0[0], false, false, TRAP_PRIV, PC, RL, RB);
    assert_int_equal(h.psw[0], USER(PC)); /* M's PSW: still the trapped one */
    assert_int_equal(h.ctr[0].steps, 2);
    assert_int_equal(h.ctr[0].instret, 1); /* the HCALL; a trap is no instruction */
    assert_int_equal(h.ctr[0].cycles, HCALL_COST);
    ts_assert_psw(h.e0[1], false, false, TRAP_PRIV, PC + 2, RL, RB);
    /* BACK returned to PC + 1 in the trapped window: the ADDI ran there */
    assert_int_equal(ts_peek(m, RL + X), 1);
    /* STOP: the new PSW, past its HCALL */
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H + 1, 0, Q));
    assert_int_equal(ex.steps, 5);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.steps, 5);
    assert_int_equal(c.instret, 3);
    assert_int_equal(c.cycles, 2 * HCALL_COST + CYC_ADDI);
    assert_int_equal(c.traps[TRAP_PRIV], 2);
    machine_destroy(m);
}

/*   PC+1..PC+3  ADDI X, X, 1;  PC+4  SPSW S */
static struct machine *setup_three_addis(struct hc *h)
{
    struct machine *m = setup(h);
    for (uint32_t i = 2; i <= 3; i++)
        ts_poke(m, RL + PC + i, I(ADDI, X, X, 1));
    ts_poke(m, RL + PC + 4, I(SPSW, S, 0, 0));
    return m;
}

/* A run of M with BUDGET ends for WHY after STEPS steps, the handler H
 * called CALLS times and the counter X at XV. */
static void assert_run(struct machine *m, const struct hc *h, uint64_t budget,
                       enum exit_reason why, uint64_t steps, int calls, uint64_t xv)
{
    struct machine_exit ex;
    assert_int_equal(machine_run(m, budget, &ex), why);
    assert_int_equal(ex.steps, steps);
    assert_int_equal(h->calls, calls);
    assert_int_equal(ts_peek(m, RL + X), xv);
}

/* HOSTCALL_RESUME is LPSW for a handler that left the counters, the timer
 * and the budget alone: the same state as BACK, and the run ends where
 * its own budget does.  LPSW takes the budget the handler sets, whether it
 * ends sooner or later than the run's. */
static void trap_exit__resume_ends_as_lpsw_and_a_set_budget_holds(void **state)
{
    (void)state;
    struct hc hb = {.act = {BACK, STOP}}, hr = {.act = {RESUME, STOP}};
    struct machine *a = setup(&hb), *b = setup(&hr);
    assert_int_equal(machine_run(a, 1000, NULL), EXIT_HOST);
    struct machine_exit ex;
    assert_int_equal(machine_run(b, 1000, &ex), EXIT_HOST);
    assert_int_equal(ex.steps, 5);
    assert_same_end_and_destroy(a, b);

    /* RESUME: the trap, the HCALL and three ADDIs are the run's 5 steps */
    struct hc h0 = {.act = {RESUME, STOP}};
    struct machine *m = setup_three_addis(&h0);
    assert_run(m, &h0, 5, EXIT_BUDGET, 5, 1, 3);
    assert_int_equal(machine_get_psw(m), USER(PC + 4));
    machine_destroy(m);

    /* one step left: the ADDI, then the budget, though the run had more */
    struct hc h1 = {.act = {BACK}, .left = {1}};
    m = setup(&h1);
    assert_run(m, &h1, 1000, EXIT_BUDGET, 3, 1, 1);
    assert_int_equal(machine_get_psw(m), USER(PC + 2));
    machine_destroy(m);

    /* more left than the run had: it goes on past its 5 steps to the
     * next trap */
    struct hc h2 = {.act = {BACK, STOP}, .left = {1000}};
    m = setup_three_addis(&h2);
    assert_run(m, &h2, 5, EXIT_HOST, 7, 2, 3);
    machine_destroy(m);
}

/* An HCALL reached without a trap is no trap exit: RESUME loads its PSW
 * as LPSW does, even one whose M, I and R are all zeros (here R = (0, 0),
 * so P does not develop and the next step is a memory trap). */
static void trap_exit__resume_outside_a_trap_exit_loads_the_psw(void **state)
{
    (void)state;
    struct hc h = {.act = {NO_R, STOP}};
    struct machine *m = setup(&h);
    machine_set_psw(m, ts_psw(true, false, 0, H, 0, Q));
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST);
    assert_int_equal(h.calls, 2);
    ts_assert_psw(h.e0[1], false, false, TRAP_MEM, PC, 0, 0);
    machine_destroy(m);

    /* M's own PSW (the loop goes on in the window it holds): as LPSW of it */
    struct hc hr = {.act = {HERE}}, hl = {.act = {HERE_LPSW}};
    struct machine *a = setup(&hl), *b = setup(&hr);
    machine_set_psw(a, ts_psw(true, false, 0, H, 0, Q));
    machine_set_psw(b, ts_psw(true, false, 0, H, 0, Q));
    assert_int_equal(machine_run(a, 1000, NULL), EXIT_HALT);
    assert_int_equal(machine_run(b, 1000, &ex), EXIT_HALT);
    assert_int_equal(ex.steps, 2);
    assert_int_equal(hr.calls, 1);
    assert_same_end_and_destroy(a, b);
}

/* One step per run never takes a trap exit (the run looks at its budget
 * between the trap and the HCALL): the same program ends the same way. */
static void trap_exit__ends_as_the_run_one_step_at_a_time_does(void **state)
{
    (void)state;
    struct hc h1 = {.act = {BACK, STOP}}, h2 = h1;
    struct machine *a = setup(&h1), *b = setup(&h2);
    assert_int_equal(machine_run(a, 1000, NULL), EXIT_HOST);
    struct machine_exit ex;
    assert_int_equal(machine_run(b, 1, &ex), EXIT_BUDGET);
    assert_int_equal(h2.calls, 0); /* the trap alone: P at the HCALL */
    assert_int_equal(machine_get_psw(b), ts_psw(true, false, 0, H, 0, Q));
    int runs = 1;
    while (machine_run(b, 1, &ex) != EXIT_HOST)
        assert_true(++runs < 20);
    /* outside a trap exit the handler sees the HCALL's own PSW */
    assert_int_equal(h2.psw[0], ts_psw(true, false, 0, H + 1, 0, Q));
    assert_int_equal(h2.calls, 2);
    assert_int_equal(h2.e0[0], h1.e0[0]);
    assert_memory_equal(&h2.ctr[0], &h1.ctr[0], sizeof h1.ctr[0]);
    assert_same_end_and_destroy(a, b);
}

static void trap_exit__go_runs_on_past_the_hcall(void **state)
{
    (void)state;
    struct hc h = {.act = {GO}};
    struct machine *m = setup(&h);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HALT);
    assert_int_equal(h.calls, 1);
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H + 2, 0, Q));
    assert_int_equal(ex.steps, 3);
    machine_destroy(m);
}

static void trap_exit__lpsw_of_another_mode_and_r_loads_it(void **state)
{
    (void)state;
    struct hc h = {.act = {ELSEWHERE}};
    struct machine *m = setup(&h);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HALT);
    assert_int_equal(h.calls, 1);
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H + 2, 0, Q));
    assert_int_equal(ts_peek(m, RL + X), 0);
    machine_destroy(m);
}

/* A breakpoint on the HCALL stops the run before it, exit or not. */
static void trap_exit__not_taken_over_a_breakpoint(void **state)
{
    (void)state;
    struct hc h = {.act = {STOP}};
    struct machine *m = setup(&h);
    machine_break_exec(m, H, true);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, H);
    assert_int_equal(h.calls, 0);
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H, 0, Q));
    machine_destroy(m);
}

/* WORD at AT of a machine run 10 steps at once and of one run a step at
 * a time: neither calls the handler, and the two end alike.  The first's
 * counters. */
static struct machine_counters run_with_no_exit(uint32_t at, uint64_t word)
{
    struct hc h = {.act = {STOP}}, g = {.act = {STOP}};
    struct machine *m = setup(&h), *one = setup(&g);
    ts_poke(m, at, word);
    ts_poke(one, at, word);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 10, &ex), EXIT_BUDGET);
    for (int i = 0; i < 10; i++)
        assert_int_equal(machine_run(one, 1, &ex), EXIT_BUDGET);
    assert_int_equal(h.calls, 0);
    assert_int_equal(g.calls, 0);
    struct machine_counters c = machine_get_counters(m);
    assert_same_end_and_destroy(m, one);
    return c;
}

/* An HCALL word with a must-be-zero field set is illegal: its step takes
 * an illegal-instruction trap, so the trap that leads to it is no trap
 * exit and the handler is not called, as one step at a time shows (the
 * exit took the word's opcode alone for an HCALL). */
static void trap_exit__not_taken_to_a_malformed_hcall(void **state)
{
    (void)state;
    uint64_t bad = I(HCALL, CODE, 1, 0);
    assert_false(isa_decode(bad).ok);
    assert_int_equal(run_with_no_exit(H, bad).traps[TRAP_ILL], 9);
}

/* A new PSW whose P does not develop (P = b, section 2's a >= b) fetches
 * nothing: the HCALL stored at that word is never run, and each step is a
 * memory trap, as one step at a time. */
static void trap_exit__not_taken_to_an_hcall_at_p_equal_to_b(void **state)
{
    (void)state;
    /* P = H = b */
    struct machine_counters c = run_with_no_exit(1, ts_psw(true, false, 0, H, 0, H));
    assert_int_equal(c.traps[TRAP_PRIV], 1);
    assert_int_equal(c.traps[TRAP_MEM], 9);
}

/* The exit keeps the CP's PSW and its HCALL's entry from one trap to the
 * next: a breakpoint set on the HCALL, the word made another instruction,
 * or the handler removed after one exit, and the next trap is no exit. */
static void trap_exit__kept_entry_rechecked_after_each_change(void **state)
{
    (void)state;
    for (int change = 0; change < 3; change++) {
        struct hc h = {.act = {STOP}};
        struct machine *m = setup(&h);
        struct machine_exit ex;
        assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST); /* one exit */
        assert_int_equal(h.calls, 1);
        machine_set_psw(m, USER(PC));
        if (change == 0)
            machine_break_exec(m, H, true);
        else if (change == 1)
            ts_poke(m, H, I(HALT, 0, 0, 0));
        else
            machine_set_hostcall(m, NULL, NULL);
        enum exit_reason why = machine_run(m, 1000, &ex);
        assert_int_equal(h.calls, 1); /* not called again */
        assert_int_equal(why, change == 0 ? EXIT_BREAK : change == 1 ? EXIT_HALT : EXIT_HOST);
        /* the trap was taken as a trap: the new PSW loaded, at the HCALL
         * (the breakpoint) or past it */
        ts_assert_psw(ts_peek(m, 0), false, false, TRAP_PRIV, PC, RL, RB);
        assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, H + (change != 0), 0, Q));
        machine_destroy(m);
    }
}

/* A new PSW with I set and a timer pending: the timer traps before the
 * HCALL, and that trap's exit is the one the handler sees. */
static void trap_exit__a_pending_timer_traps_first(void **state)
{
    (void)state;
    struct hc h = {.act = {STOP}};
    struct machine *m = setup(&h);
    ts_set_new_psw(m, H, true);
    machine_set_timer(m, &(struct machine_timer){false, true, 0});
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HOST);
    assert_int_equal(h.calls, 1);
    ts_assert_psw(h.e0[0], true, true, TRAP_TIMER, H, 0, Q);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_PRIV], 1);
    assert_int_equal(c.traps[TRAP_TIMER], 1);
    assert_int_equal(c.steps, 3);
    assert_int_equal(machine_get_psw(m), ts_psw(true, true, 0, H + 1, 0, Q));
    machine_destroy(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trap_exit__handler_sees_the_two_steps_done_and_the_trapped_psw),
        cmocka_unit_test(trap_exit__resume_ends_as_lpsw_and_a_set_budget_holds),
        cmocka_unit_test(trap_exit__resume_outside_a_trap_exit_loads_the_psw),
        cmocka_unit_test(trap_exit__ends_as_the_run_one_step_at_a_time_does),
        cmocka_unit_test(trap_exit__go_runs_on_past_the_hcall),
        cmocka_unit_test(trap_exit__lpsw_of_another_mode_and_r_loads_it),
        cmocka_unit_test(trap_exit__not_taken_over_a_breakpoint),
        cmocka_unit_test(trap_exit__a_pending_timer_traps_first),
        cmocka_unit_test(trap_exit__not_taken_to_a_malformed_hcall),
        cmocka_unit_test(trap_exit__not_taken_to_an_hcall_at_p_equal_to_b),
        cmocka_unit_test(trap_exit__kept_entry_rechecked_after_each_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
