/* test_mutants.c: cases that a mutation audit of the core semantics found
 * no other suite asserting.
 *
 * Each case states a rule of the paper or of the documented extensions
 * directly, where the suites met it only through a bigger property that a
 * small mistake can slip past: section 3's control sensitivity through the
 * I bit of the PSW, and the time slice that direct execution and hybrid
 * interpretation (section 8) share.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

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
        cmocka_unit_test_setup_teardown(slice__ends_after_exactly_its_cycles_direct_or_hybrid,
                                        tv_setup, tv_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
