/* test_audit_vmm.c: what docs/vmm.md promises of the control program,
 * found broken by an audit; each test fails on the tree before its fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

/* A guest that spins in one-cycle instructions: its slice ends after
 * exactly the slice's cycles. */
static const char spin_src[] = "        .entry s\n"
                               "s:      NOP\n"
                               "        JMP s\n";

static void load_src(struct vmm *v, int id, const char *src)
{
    struct tgm_image img;
    char err[256];
    assert_int_equal(asm_assemble_buffer("guest.s", src, strlen(src), &img, stderr), 0);
    if (vmm_vm_load(v, id, &img, err, sizeof err) != 0)
        fail_msg("vmm_vm_load: %s", err);
    image_free(&img);
}

/* The cycles VM A runs from now until VM B first runs. */
static uint64_t cycles_before(struct vmm *v, int a, int b)
{
    struct machine *va = vmm_vm_view(v, a), *vb = vmm_vm_view(v, b);
    uint64_t a0 = machine_cycles(va), b0 = machine_cycles(vb);
    for (int k = 0; k < 1000000 && machine_cycles(vb) == b0; k++)
        assert_int_equal(vmm_run(v, 1, NULL), VMMSTOP_BUDGET);
    assert_true(machine_cycles(vb) != b0);
    return machine_cycles(va) - a0;
}

/* vmm.md, Several VMs: a lone VM's "slice does not run down (a second VM
 * that comes finds it with a whole slice)".  A VM left alone in the middle
 * of its turn (the other stopped or destroyed) kept what was left of that
 * turn, and one left alone when a longer slice was set kept the old slice:
 * the VM that came found it with less than a whole slice. */
static void slice__a_lone_vm_holds_a_whole_slice_for_the_next_to_come(void **state)
{
    (void)state;
    for (int how = 0; how < 3; how++) {
        struct vmm_config cfg = {.q = VMM_K + 2 * 256, .slice = 1000};
        struct vmm *v = tv_cp(&cfg);
        int a, b;
        tv_cp_vm(v, 256, &a);
        tv_cp_vm(v, 256, &b);
        load_src(v, a, spin_src);
        load_src(v, b, spin_src);
        uint64_t whole = 1000;
        if (how < 2) {
            assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_BUDGET); /* a: 100 cycles */
            assert_int_equal(machine_cycles(vmm_vm_view(v, b)), 0);
            if (how == 0)
                assert_int_equal(vmm_vm_stop(v, b), 0);
            else
                assert_int_equal(vmm_vm_destroy(v, b), 0);
        } else { /* a alone from the start, then a longer slice */
            assert_int_equal(vmm_vm_stop(v, b), 0);
            assert_int_equal(vmm_run(v, 100, NULL), VMMSTOP_BUDGET);
            vmm_set_slice(v, whole = 3000);
        }
        assert_int_equal(vmm_run(v, 5000, NULL), VMMSTOP_BUDGET); /* a alone */
        if (how == 1) {
            char err[256];
            b = vmm_vm_create(v, 256, NULL, err, sizeof err);
            assert_true(b >= 0);
            load_src(v, b, spin_src);
        } else {
            assert_int_equal(vmm_vm_resume(v, b), 0);
        }
        assert_int_equal(cycles_before(v, a, b), whole);
        vmm_destroy(v);
    }
}

/* The last event a hook saw. */
static void keep_event(void *ctx, const struct vmm_event *e)
{
    *(struct vmm_event *)ctx = *e;
}

/* vmm.h: an event's word is "the instruction at P, if it could be
 * fetched".  The event of a VM reaching its step limit gave 0, though P
 * (the instruction it stops before) is fetchable. */
static void limit__its_event_names_the_instruction_at_p(void **state)
{
    (void)state;
    struct vmm_config cfg = {.q = VMM_K + 256};
    struct vmm *v = tv_cp(&cfg);
    int a;
    tv_cp_vm(v, 256, &a);
    load_src(v, a, spin_src);
    assert_int_equal(vmm_vm_set_limit(v, a, 3), 0); /* NOP, JMP, NOP: stops before the JMP */
    struct vmm_event e = {.word = 0};
    vmm_set_event_hook(v, keep_event, &e);
    vmm_run(v, 100, NULL);
    assert_int_equal(e.cause, TRAP_NONE);
    assert_int_equal(e.disp, DISP_SCHEDULER);
    uint64_t w;
    assert_int_equal(machine_read_virt(vmm_vm_view(v, a), e.p, &w), 0);
    assert_int_equal(e.p, 1);
    assert_true(w != 0);
    assert_int_equal(e.word, w);
    vmm_destroy(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slice__a_lone_vm_holds_a_whole_slice_for_the_next_to_come),
        cmocka_unit_test(limit__its_event_names_the_instruction_at_p),
    };
    return cmocka_run_group_tests_name("audit_vmm", tests, NULL, NULL);
}
