/* test_charge_step.c: machine_charge_step_inline, the control program's
 * one execute of an interpreter v_i (section 4) with the guest's direct
 * execution charged first, against machine_charge then machine_step.
 *
 * The inlined step starts from the counters plus the charge, and its first
 * look counts the timer down as machine_charge does.  Each case runs both
 * ways on twin machines and asks for the same state, counters, exit reason
 * and steps: a step that completes, traps or halts; a charge that expires
 * the timer with I set (the timer's trap is the step) or clear (it stays
 * pending); and the checked loop (a watchpoint set).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "machine/machine_impl.h" /* step_op, as a step before left it */
#include "support.h"
#include "tgm/isa.h"

#define Q 128u
#define P0 10u /* the instruction stepped */
#define H 60u  /* the trap handler */
#define A 40u  /* an operand */
#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))

struct charge_case {
    const char *name;
    uint64_t word; /* at P0 */
    bool sup, ie;
    int64_t timer; /* cycles left on the armed timer; 0: disarmed */
    struct machine_charge ch;
    bool watch;    /* a watchpoint on A: the checked loop */
};

static const struct charge_case cases[] = {
    {"SPSW completes", I(SPSW, A, 0, 0), true, false, 0, {7, 3, 4}, false},
    {"SPSW completes, the timer not yet due", I(SPSW, A, 0, 0), true, true, 50, {7, 3, 4},
     false},
    {"the charge expires the timer, I set: its trap is the step", I(SPSW, A, 0, 0), true,
     true, 5, {7, 3, 4}, false},
    {"the charge expires the timer, I clear: pending, SPSW completes", I(SPSW, A, 0, 0),
     true, false, 5, {7, 3, 4}, false},
    {"the timer expires at the charge's last cycle", I(SPSW, A, 0, 0), true, true, 7,
     {7, 3, 4}, false},
    {"SPSW in user mode traps", I(SPSW, A, 0, 0), false, false, 0, {9, 2, 5}, false},
    {"an operand that does not develop traps", I(SPSW, Q + 5, 0, 0), true, false, 0,
     {1, 1, 1}, false},
    {"HALT", I(HALT, 0, 0, 0), true, false, 0, {2, 1, 1}, false},
    {"TSET from the charged cycles", I(TSET, A, 0, 0), true, false, 0, {11, 4, 6}, false},
    {"nothing charged", I(SPSW, A, 0, 0), true, false, 0, {0, 0, 0}, false},
    {"checked: SPSW hits a watchpoint", I(SPSW, A, 0, 0), true, false, 0, {7, 3, 4}, true},
    {"checked: the charge expires the timer, I set", I(SPSW, A, 0, 0), true, true, 3,
     {7, 3, 4}, true},
};

static struct machine *twin(const struct charge_case *c)
{
    struct machine *m = ts_machine(Q, NULL, false);
    ts_set_new_psw(m, H, false);
    ts_poke(m, P0, c->word);
    ts_poke(m, A, 1000);
    ts_poke(m, H, I(HALT, 0, 0, 0));
    machine_set_psw(m, ts_psw(c->sup, c->ie, 0, P0, 0, Q));
    if (c->timer)
        machine_set_timer(m, &(struct machine_timer){true, false, c->timer});
    if (c->watch)
        assert_int_equal(machine_watch(m, A, WATCH_READ | WATCH_WRITE), 0);
    return m;
}

static void charge_step__is_machine_charge_then_a_step(void **state)
{
    (void)state;
    unsigned ops = 0, ops_checked = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct charge_case *c = &cases[i];
        struct machine *a = twin(c), *b = twin(c);
        struct machine_exit ea, eb;
        machine_charge(a, c->ch.cycles, c->ch.instret, c->ch.steps);
        enum exit_reason ra = machine_step(a, &ea);
        uint64_t i0 = machine_instret(b);
        b->step_op = OP_NOP; /* the opcode an earlier step completed */
        enum exit_reason rb = machine_charge_step_inline(b, c->ch, &eb);
        /* a completed instruction's opcode, which the CP classifies by
         * without fetching the word again (machine_step_op) */
        if (machine_instret(b) == i0 + c->ch.instret + 1) {
            if (machine_step_op(b) != GET_OP(c->word))
                fail_msg("%s: step op %u, the word's %u", c->name, machine_step_op(b),
                         (unsigned)GET_OP(c->word));
            ops++;
            ops_checked += c->watch;
        } else if (machine_step_op(b) != 0) { /* none completed: it trapped */
            fail_msg("%s: step op %u after a step that completed none", c->name,
                     machine_step_op(b));
        }
        char diff[256];
        if (machine_compare(a, b, CMP_COUNTERS, "charge, step", "in one", diff, sizeof diff))
            fail_msg("%s: %s", c->name, diff);
        if (ra != rb || eb.reason != rb || ea.steps != eb.steps)
            fail_msg("%s: reason %d/%d, steps %llu/%llu", c->name, (int)ra, (int)rb,
                     (unsigned long long)ea.steps, (unsigned long long)eb.steps);
        machine_destroy(a);
        machine_destroy(b);
    }
    assert_true(ops >= 4 && ops_checked >= 1); /* inlined and checked steps */
}

/* The cases are not vacuous: the charge shows in the counters, and each
 * kind of end is met (a completed step, the timer's trap, a pending timer,
 * a privileged trap, HALT, a watchpoint's stop). */
static void charge_step__the_cases_meet_every_end(void **state)
{
    (void)state;
    unsigned seen = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct charge_case *c = &cases[i];
        struct machine *m = twin(c);
        uint64_t c0 = machine_cycles(m), s0 = machine_steps(m);
        struct machine_exit ex;
        enum exit_reason r = machine_charge_step_inline(m, c->ch, &ex);
        assert_true(machine_cycles(m) > c0 + c->ch.cycles);
        assert_int_equal(machine_steps(m), s0 + c->ch.steps + 1);
        struct machine_timer t = machine_get_timer(m);
        if (r == EXIT_HALT)
            seen |= 1;
        else if (r == EXIT_WATCH)
            seen |= 2;
        else if (machine_last_trap(m) == TRAP_TIMER && machine_p(m) == H)
            seen |= 4;
        else if (t.pending)
            seen |= 8;
        else if (machine_p(m) == H)
            seen |= 16;
        else if (machine_p(m) == P0 + 1)
            seen |= 32;
        machine_destroy(m);
    }
    assert_int_equal(seen, 63);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(charge_step__is_machine_charge_then_a_step),
        cmocka_unit_test(charge_step__the_cases_meet_every_end),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
