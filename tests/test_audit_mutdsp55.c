/* test_audit_mutdsp55.c: cases that a mutation audit of the dispatcher D
 * and the control program's API (src/vmm/dispatch.c, src/vmm/vmm.c) found
 * no other suite asserting.
 *
 * Each states a documented rule at the edge a mutant moved: a run of
 * budget 1 whose one step is a virtual timer trap the CP delivers (after
 * the LPSW that set I) stops there, a breakpoint on the handler left to
 * the next run, as on the bare machine; a watchpoint on the guest's E[0]
 * stops the run at that delivered trap's write, not a step later; and the
 * CP's end-of-slice timer that falls due at a budget's last step is taken
 * in that run, so a trap stop on it is reported however the run is cut.
 * Library-level: each case builds its own control program.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* SRC assembled into IMG. */
static void assemble(const char *src, struct tgm_image *img)
{
    size_t dl = 0;
    char *diag = NULL;
    FILE *f = open_memstream(&diag, &dl);
    assert_non_null(f);
    int rc = asm_assemble_buffer("t.s", src, strlen(src), img, f);
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("%s", diag);
    free(diag);
}

/* A CP with N VMs of W words (and no more real memory), each loaded with
 * SRC, its slice SLICE cycles (0: the default). */
static struct vmm *cp_with(const char *src, int n, uint32_t w, uint64_t slice)
{
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 8 + (uint32_t)n * w, .slice = slice},
                               err, sizeof err);
    assert_non_null(v);
    struct tgm_image img;
    assemble(src, &img);
    for (int i = 0; i < n; i++) {
        assert_int_equal(vmm_vm_create(v, w, NULL, err, sizeof err), i);
        assert_int_equal(vmm_vm_load(v, i, &img, err, sizeof err), 0);
    }
    image_free(&img);
    return v;
}

/* ---- docs/vmm.md, "Virtual time, exactly" and "Several VMs" ------------- */

/* TSET of 1 makes the timer pending at once with I clear; the LPSW sets
 * I, and the trap comes before the next instruction, into h. */
static const char pending_src[] = "        .org 0\n"
                                   "old:    .word 0\n"
                                   "        .word psw(SUP, h, 0, 0x80000)\n"
                                   "        .entry start\n"
                                   "start:  TSET one\n"
                                   "        LPSW go\n"
                                   "s:      JMP s\n"
                                   "h:      HALT\n"
                                   "go:     .word pswi(SUP, s, 0, 0x80000)\n"
                                   "one:    .word 1\n";

/* docs/vmm.md: "A pending virtual timer with I clear stays pending until
 * an interpreted LPSW sets I, and is then reflected before the next
 * instruction, as on the bare machine", and "vmm_run(v, budget) runs at
 * most budget guest steps"; "a VM stops exactly where the bare machine
 * would".  A call of budget 1 whose one step is that trap ends with
 * VMMSTOP_BUDGET at h, as machine_run(bare, 1) does, though a breakpoint
 * is set at h: the breakpoint is the next call's.  (run_stretch's
 * used >= budget made used > budget went on to a stretch of no steps,
 * which stopped at the breakpoint.) */
static void vmm_run__a_delivered_timer_trap_is_the_last_step_of_a_budget_of_one(void **state)
{
    (void)state;
    struct tgm_image img;
    assemble(pending_src, &img);
    uint32_t h = 0;
    for (uint32_t i = 0; i < img.nsyms; i++)
        if (!strcmp(img.syms[i].name, "h"))
            h = img.syms[i].value;
    assert_true(h > 0);
    image_free(&img);

    struct vmm *v = cp_with(pending_src, 1, 64, 0);
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(machine_break_exec(vmm_machine(v), vi.base + h, true), 0);
    struct machine *view = vmm_vm_view(v, 0);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 2, &ex), VMMSTOP_BUDGET); /* the TSET and the LPSW */
    assert_int_equal(machine_steps(view), 2);
    assert_true(machine_get_timer(view).pending);
    assert_int_equal(vmm_run(v, 1, &ex), VMMSTOP_BUDGET); /* the timer's trap */
    assert_int_equal(ex.vm, -1);
    assert_int_equal(machine_steps(view), 3);
    assert_int_equal(machine_p(view), h);
    assert_int_equal(machine_get_counters(view).traps[TRAP_TIMER], 1);
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.stats.traps[TRAP_TIMER][DISP_REFLECTED], 1);
    /* the next call passes the breakpoint at its first step and halts */
    assert_int_equal(vmm_run(v, 10, &ex), VMMSTOP_DONE);
    assert_int_equal(machine_steps(view), 4);
    vmm_destroy(v);
}

/* docs/vmm.md, "Debugging a VM": the CP "reports watched words that an
 * interpreter, a reflected trap or a hybrid step touched: a VM stops
 * exactly where the bare machine would".  The delivered timer trap
 * writes the guest's E[0]: a watchpoint there stops the run at once,
 * after the trap's step, not a step later (after the handler's HALT).
 * (deliver_timer's stretch went on without asking interp_watch_stop.) */
static void watch__a_delivered_timer_trap_stops_at_its_write_of_e0(void **state)
{
    (void)state;
    struct vmm *v = cp_with(pending_src, 1, 64, 0);
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(machine_watch(vmm_machine(v), vi.base, WATCH_WRITE), 0);
    struct machine *view = vmm_vm_view(v, 0);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 2, &ex), VMMSTOP_BUDGET);
    assert_int_equal(vmm_run(v, 10, &ex), VMMSTOP_DEBUG);
    assert_int_equal(ex.vm, 0);
    assert_int_equal(ex.mx.reason, EXIT_WATCH);
    assert_int_equal(ex.mx.addr, vi.base);
    assert_true(ex.mx.write);
    assert_int_equal(machine_steps(view), 3);
    assert_int_equal(machine_get_counters(view).traps[TRAP_TIMER], 1);
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.state, VM_RUNNABLE);
    vmm_destroy(v);
}

/* A VM that only computes: every end of its slice is the CP's timer. */
static const char spin_src[] = "        .org 2\n"
                               "        .entry l\n"
                               "l:      JMP  l\n";

/* docs/monitor.md: a trap stop on `timer` fires "also on the control
 * program's own end-of-slice timer while any VM runs"; docs/vmm.md: "a run
 * never stops ... before a trap of the CP's timer that fell due at its
 * last step".  Two spinning VMs run one step per call (vmm_run_continue
 * between, as a debugger cuts a run) stop on the CP's timer as often as
 * one run of the same steps does.  (run_direct left the run's exit at
 * EXIT_BUDGET after taking that trap, so a cut at the slice's last step
 * lost the trap stop.) */
static void trap_stop__the_slice_timer_at_a_budgets_last_step_stops_the_run(void **state)
{
    (void)state;
    enum { STEPS = 400 };
    uint64_t stops[2] = {0, 0};
    for (int cut = 0; cut < 2; cut++) {
        struct vmm *v = cp_with(spin_src, 2, 16, 37);
        machine_trap_stop(vmm_machine(v), 1u << TRAP_TIMER);
        uint64_t done = 0;
        struct vmm_exit ex;
        while (done < STEPS) {
            uint64_t before = machine_steps(vmm_vm_view(v, 0)) + machine_steps(vmm_vm_view(v, 1));
            enum vmm_stop r = vmm_run(v, cut ? 1 : STEPS - done, &ex);
            done += machine_steps(vmm_vm_view(v, 0)) + machine_steps(vmm_vm_view(v, 1)) - before;
            if (r == VMMSTOP_DEBUG) {
                assert_int_equal(ex.mx.reason, EXIT_TRAP);
                assert_int_equal(ex.mx.cause, TRAP_TIMER);
                stops[cut]++;
            } else {
                assert_int_equal(r, VMMSTOP_BUDGET);
            }
            vmm_run_continue(v);
        }
        assert_int_equal(done, STEPS);
        vmm_destroy(v);
    }
    assert_true(stops[0] > 4);
    assert_int_equal(stops[1], stops[0]);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutdsp55");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmm_run__a_delivered_timer_trap_is_the_last_step_of_a_budget_of_one),
        cmocka_unit_test(watch__a_delivered_timer_trap_stops_at_its_write_of_e0),
        cmocka_unit_test(trap_stop__the_slice_timer_at_a_budgets_last_step_stops_the_run),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
