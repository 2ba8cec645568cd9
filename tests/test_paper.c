/* test_paper.c: section 6's equivalence, component by component.
 *
 * The paper calls the control program equivalent when a program that halts
 * in S2 on the real machine halts in f(S2) under it; docs/vmm.md lists what
 * tgm compares: the VM's region and the CP's words E'[1..K-1] (not E'[0],
 * "as last set by the trap handler"), the PSW the CP would load (P', R'),
 * the CP's record of the virtual M, I and R, and what f leaves unchanged:
 * the timer, the console and virtual time.  Each is changed in turn in an
 * equivalent pair, and vmm_compare must name it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#define W 64u

/* Privileged and innocuous instructions, a trap, the timer and the console. */
static const char src[] = "        .org 0\n"
                          "old:    .word 0\n"
                          "        .word psw(SUP, h, 0, 64)\n"
                          "        .entry start\n"
                          "start:  TSET  t\n"
                          "        ADD   x, x, t\n"
                          "        COUT  c\n"
                          "        SVC   1\n"
                          "h:      HALT\n"
                          "t:      .word 1000\n"
                          "x:      .word 5\n"
                          "c:      .word 'A'\n";

struct pair {
    struct machine *bare; /* S2 */
    struct vmm *v;        /* S2' in VM 0 */
    uint32_t base;
};

static int setup(void **state)
{
    static struct pair p;
    struct tgm_image img;
    char err[160];
    assert_int_equal(asm_assemble_string("eq.s", src, &img, stderr), 0);
    struct machine_config mc = {.q = W};
    p.bare = machine_create(&mc);
    assert_non_null(p.bare);
    assert_int_equal(image_load(p.bare, &img, err, sizeof err), 0);
    assert_int_equal(machine_run(p.bare, 100, NULL), EXIT_HALT);
    struct vmm_config vc = {.q = VMM_K + W};
    p.v = vmm_create(&vc, err, sizeof err);
    assert_non_null(p.v);
    int id = vmm_vm_create(p.v, W, NULL, err, sizeof err);
    assert_int_equal(id, 0);
    assert_int_equal(vmm_vm_load(p.v, id, &img, err, sizeof err), 0);
    assert_int_equal(vmm_run(p.v, 100, NULL), VMMSTOP_DONE);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(p.v, id, &in), 0);
    assert_int_equal(in.state, VM_HALTED);
    p.base = in.base;
    image_free(&img);
    *state = &p;
    return 0;
}

static int teardown(void **state)
{
    struct pair *p = *state;
    vmm_destroy(p->v);
    machine_destroy(p->bare);
    return 0;
}

static void expect_diff(struct pair *p, const char *want)
{
    char diff[256];
    vmm_compare(p->bare, p->v, 0, diff, sizeof diff);
    if (!want)
        assert_string_equal(diff, "");
    else if (!strstr(diff, want))
        fail_msg("wanted a difference naming '%s', got '%s'", want, diff);
}

/* Change one word of real memory, compare, restore. */
static void poke_real(struct pair *p, uint32_t at, const char *want)
{
    struct machine *real = vmm_machine(p->v);
    uint64_t keep = machine_mem(real)[at];
    machine_write_phys(real, at, keep ^ 0x40);
    expect_diff(p, want);
    machine_write_phys(real, at, keep);
}

static void equivalence__memory_region_and_cp_words_but_not_e0(void **state)
{
    struct pair *p = *state;
    expect_diff(p, NULL);
    poke_real(p, 0, NULL); /* E'[0]: the old PSW, as last set by a trap */
    char want[64];
    for (uint32_t i = 1; i < VMM_K; i++) {
        snprintf(want, sizeof want, "control program word E'[%u]", i);
        poke_real(p, i, want);
    }
    const uint32_t guest[] = {0, 1, 7, W - 1};
    for (size_t k = 0; k < sizeof guest / sizeof guest[0]; k++) {
        snprintf(want, sizeof want, "E[%u] (real E[%u])", guest[k], p->base + guest[k]);
        poke_real(p, p->base + guest[k], want);
    }
    expect_diff(p, NULL);
}

/* The virtual PSW: M, I and R are the CP's record, P and R also give the
 * real PSW it would load (P', R'). */
static void equivalence__virtual_psw_and_the_resume_psw(void **state)
{
    struct pair *p = *state;
    struct machine *view = vmm_vm_view(p->v, 0);
    const struct psw keep = machine_psw(view);
    struct psw c = keep;
    c.sup = !c.sup;
    machine_load_psw(view, &c);
    expect_diff(p, "virtual M");
    c = keep;
    c.ie = !c.ie;
    machine_load_psw(view, &c);
    expect_diff(p, "virtual I");
    c = keep;
    c.p++;
    machine_load_psw(view, &c);
    expect_diff(p, "P'");
    c = keep;
    c.l++;
    machine_load_psw(view, &c);
    expect_diff(p, "R' l");
    c = keep;
    c.b = W / 2; /* b' = min(b, w - l) changes too */
    machine_load_psw(view, &c);
    expect_diff(p, "R' b");
    c = keep;
    c.b = keep.b + 1; /* beyond w: the same b', another virtual b */
    machine_load_psw(view, &c);
    expect_diff(p, "virtual R b");
    machine_load_psw(view, &keep);
    expect_diff(p, NULL);
}

/* What f leaves unchanged: the timer, the console, and virtual time. */
static void equivalence__timer_console_and_virtual_time(void **state)
{
    struct pair *p = *state;
    struct machine *view = vmm_vm_view(p->v, 0);
    struct machine_timer t = machine_get_timer(view), off = {0};
    assert_true(t.armed);
    machine_set_timer(view, &off);
    expect_diff(p, "timer armed");
    machine_set_timer(view, &t);
    machine_charge(view, 1, 0, 0); /* a cycle counts the armed timer down */
    expect_diff(p, "timer remaining");
    machine_charge(p->bare, 1, 0, 0);
    expect_diff(p, NULL);
    /* an expiry not yet taken: neither armed nor with cycles left, and
     * still state (its trap comes once I = 1) */
    struct machine_timer tb = machine_get_timer(p->bare);
    machine_set_timer(view, &(struct machine_timer){.pending = true});
    machine_set_timer(p->bare, &off);
    expect_diff(p, "timer pending");
    machine_set_timer(view, &tb);
    machine_set_timer(p->bare, &tb);
    expect_diff(p, NULL);

    machine_console_put(view, 'B');
    expect_diff(p, "console output length");
    machine_console_put(p->bare, 'C'); /* "AB" against "AC" */
    expect_diff(p, "console output byte 1");
    machine_console_clear_output(view);
    machine_console_clear_output(p->bare);
    /* bytes written past the output's limit are counted (docs/monitor.md):
     * the count is part of the console's output */
    machine_console_add_dropped(view, 1);
    expect_diff(p, "console output dropped");
    machine_console_add_dropped(p->bare, 1);
    expect_diff(p, NULL);

    /* the same input waiting on both consoles, one byte taken by the VM */
    static const uint8_t in[] = {'x', 'y'};
    assert_int_equal(machine_console_input(view, in, sizeof in), 0);
    assert_int_equal(machine_console_input(p->bare, in, sizeof in), 0);
    expect_diff(p, NULL);
    assert_int_equal(machine_console_get(view), 'x');
    expect_diff(p, "console input consumed");
    assert_int_equal(machine_console_get(p->bare), 'x');
    expect_diff(p, NULL);
    /* the next byte CIN would read differs: "yp" waits on one, "yq" on the
     * other, then "p" and "q" */
    assert_int_equal(machine_console_input(view, (const uint8_t *)"p", 1), 0);
    assert_int_equal(machine_console_input(p->bare, (const uint8_t *)"q", 1), 0);
    expect_diff(p, "console input byte 2");
    assert_int_equal(machine_console_get(view), 'y');
    assert_int_equal(machine_console_get(p->bare), 'y');
    expect_diff(p, "console input byte 2");
    assert_int_equal(machine_console_get(view), 'p');
    assert_int_equal(machine_console_get(p->bare), 'q');
    expect_diff(p, NULL); /* read alike: the bytes are no longer state */

    /* with both timers off, counting alone differs */
    machine_set_timer(view, &off);
    machine_set_timer(p->bare, &off);
    expect_diff(p, NULL);
    const char *what[] = {"cycles", "instructions", "steps"};
    for (int k = 0; k < 3; k++) {
        machine_charge(view, k == 0, k == 1, k == 2);
        expect_diff(p, what[k]);
        machine_charge(p->bare, k == 0, k == 1, k == 2);
        expect_diff(p, NULL);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(equivalence__memory_region_and_cp_words_but_not_e0,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(equivalence__virtual_psw_and_the_resume_psw, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(equivalence__timer_console_and_virtual_time, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("paper", tests, NULL, NULL);
}
