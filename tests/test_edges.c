/* test_edges.c: the public API at its integer edges (sections 2 and 4-6).
 *
 * Every function of include/tgm that takes a size, a count, an address or a
 * budget is called with 0, the largest value its header allows and one past
 * it (and UINT64_MAX for budgets).  A value out of range gets one error
 * and changes nothing; a value in range does what the header says.  The
 * limits come from the headers (TGM_Q_MIN, TGM_Q_MAX, VMM_W_MAX, ...), not
 * from running the code.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "vmm_support.h"
#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/nest.h"
#include "tgm/suggest.h"
#include "tgm/vmm.h"

#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))

/* ---- the machine ---- */

static void test_create_q_edges(void **state)
{
    (void)state;
    static const struct {
        uint32_t q, want; /* want 0: refused */
    } cases[] = {
        {0, TGM_Q_DEFAULT},
        {1, 0},
        {TGM_Q_MIN, TGM_Q_MIN},
        {TGM_Q_MAX, TGM_Q_MAX},
        {TGM_Q_MAX + 1, 0},
        {UINT32_MAX, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct machine *m = machine_create(&(struct machine_config){.q = cases[i].q});
        if (!cases[i].want) {
            assert_null(m);
            continue;
        }
        assert_non_null(m);
        assert_int_equal(machine_q(m), cases[i].want);
        /* power-on R covers all of it */
        assert_int_equal(machine_psw(m).b, cases[i].want);
        machine_destroy(m);
    }
}

static void test_phys_access_edges(void **state)
{
    (void)state;
    struct machine *m = ts_machine(64, NULL, false);
    uint64_t v = 7;
    uint64_t digest = machine_digest(m);
    static const uint64_t bad[] = {64, 65, UINT32_MAX, (uint64_t)UINT32_MAX + 1, UINT64_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(machine_read_phys(m, bad[i], &v), -1);
        assert_int_equal(machine_write_phys(m, bad[i], 1), -1);
    }
    assert_int_equal(v, 7);
    assert_true(machine_digest(m) == digest);
    assert_int_equal(machine_write_phys(m, 63, UINT64_MAX), 0);
    assert_int_equal(machine_read_phys(m, 63, &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(machine_write_phys(m, 0, 5), 0);
    assert_int_equal(machine_read_phys(m, 0, &v), 0);
    assert_int_equal(v, 5);
    machine_destroy(m);
}

/* Section 2: a + l >= q or a >= b traps, for every a, however large (a +
 * l must not wrap round to a small address). */
static void test_develop_edges(void **state)
{
    (void)state;
    struct machine *m = ts_machine(64, NULL, false);
    machine_set_r(m, 10, 20);
    ts_poke(m, 29, 42);
    uint32_t phys = 99;
    uint64_t v = 0;
    assert_int_equal(machine_develop(m, 19, &phys), TRAP_NONE);
    assert_int_equal(phys, 29);
    assert_int_equal(machine_read_virt(m, 19, &v), 0);
    assert_int_equal(v, 42);
    static const uint64_t bad[] = {20, 54, 64, UINT32_MAX, UINT64_MAX - 9, UINT64_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        phys = 99;
        assert_int_equal(machine_develop(m, bad[i], &phys), TRAP_MEM);
        assert_int_equal(phys, 99);
        assert_int_equal(machine_read_virt(m, bad[i], &v), TRAP_MEM);
        assert_int_equal(machine_write_virt(m, bad[i], 1), TRAP_MEM);
    }
    assert_int_equal(v, 42);
    /* l past q: nothing develops; b past q - l: only q - l words do */
    machine_set_r(m, 64, 1);
    assert_int_equal(machine_develop(m, 0, NULL), TRAP_MEM);
    machine_set_r(m, 60, TGM_Q_MAX);
    assert_int_equal(machine_develop(m, 3, &phys), TRAP_NONE);
    assert_int_equal(phys, 63);
    assert_int_equal(machine_develop(m, 4, NULL), TRAP_MEM);
    /* R's fields keep their widths: l is 19 bits, b 20 */
    machine_set_r(m, UINT32_MAX, UINT32_MAX);
    assert_int_equal(machine_psw(m).l, TGM_ADDR_MASK);
    assert_int_equal(machine_psw(m).b, PSW_B_MASK);
    assert_int_equal(address_limit(64, TGM_ADDR_MASK, (uint32_t)PSW_B_MASK), 0);
    assert_int_equal(address_limit(TGM_Q_MAX, 0, (uint32_t)PSW_B_MASK), TGM_Q_MAX);
    machine_set_p(m, UINT32_MAX);
    assert_int_equal(machine_p(m), TGM_ADDR_MASK);
    machine_destroy(m);
}

static void test_debug_address_edges(void **state)
{
    (void)state;
    struct machine *m = ts_machine(64, NULL, false);
    static const uint32_t bad[] = {64, 65, TGM_Q_MAX, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(machine_break_exec(m, bad[i], true), -1);
        assert_false(machine_break_exec_test(m, bad[i]));
        assert_int_equal(machine_watch(m, bad[i], WATCH_READ | WATCH_WRITE), -1);
        assert_int_equal(machine_watch_test(m, bad[i]), 0);
    }
    assert_false(machine_debugging(m));
    assert_false(machine_watching(m));
    assert_int_equal(machine_break_exec(m, 63, true), 0);
    assert_true(machine_break_exec_test(m, 63));
    assert_int_equal(machine_watch(m, 63, WATCH_WRITE), 0);
    assert_int_equal(machine_watch_test(m, 63), WATCH_WRITE);
    /* bits outside the two flags are ignored */
    assert_int_equal(machine_watch(m, 0, ~0), 0);
    assert_int_equal(machine_watch_test(m, 0), WATCH_READ | WATCH_WRITE);
    assert_int_equal(machine_watch(m, 0, 0), 0);
    assert_int_equal(machine_watch(m, 63, 0), 0);
    assert_false(machine_watching(m));
    assert_int_equal(machine_break_exec(m, 63, false), 0);
    assert_false(machine_debugging(m));
    machine_destroy(m);
}

/* A loop of q - 1 NOPs and a branch back: the budget is the only stop. */
static struct machine *spinner(uint32_t q)
{
    struct machine *m = ts_machine(q, NULL, false);
    ts_set_new_psw(m, 0, false);
    ts_poke(m, 2, I(JMP, 2, 0, 0));
    machine_set_p(m, 2);
    return m;
}

static void test_run_budget_edges(void **state)
{
    (void)state;
    struct machine *m = spinner(16);
    struct machine_exit ex = {.steps = 99};
    assert_int_equal(machine_run(m, 0, &ex), EXIT_BUDGET);
    assert_int_equal(ex.steps, 0);
    assert_int_equal(machine_steps(m), 0);
    assert_int_equal(machine_run(m, 1, &ex), EXIT_BUDGET);
    assert_int_equal(ex.steps, 1);
    /* UINT64_MAX steps: the run ends at HALT, not at a wrapped budget */
    struct machine *h = ts_machine(16, NULL, false);
    ts_poke(h, 0, I(NOP, 0, 0, 0));
    ts_poke(h, 1, I(HALT, 0, 0, 0));
    assert_int_equal(machine_run(h, UINT64_MAX, &ex), EXIT_HALT);
    assert_int_equal(ex.steps, 2);
    machine_destroy(h);
    /* the checked loop too */
    assert_int_equal(machine_watch(m, 15, WATCH_READ), 0);
    uint64_t s0 = machine_steps(m);
    assert_int_equal(machine_run(m, 0, &ex), EXIT_BUDGET);
    assert_int_equal(machine_steps(m), s0);
    assert_int_equal(machine_run(m, 3, &ex), EXIT_BUDGET);
    assert_int_equal(ex.steps, 3);
    machine_destroy(m);
}

static void test_timer_edges(void **state)
{
    (void)state;
    struct machine *m = ts_machine(16, NULL, false);
    struct machine_timer t;
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = INT64_MAX});
    t = machine_get_timer(m);
    assert_true(t.armed);
    assert_false(t.pending);
    assert_true(t.remaining == INT64_MAX);
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = INT64_MIN});
    t = machine_get_timer(m);
    assert_false(t.armed);
    assert_true(t.pending);
    assert_true(t.remaining == 0);
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = 0});
    t = machine_get_timer(m);
    assert_false(t.armed);
    assert_true(t.pending);
    machine_set_timer(m, &(struct machine_timer){.armed = true, .remaining = 1});
    machine_charge(m, 0, 0, 0);
    assert_true(machine_get_timer(m).armed);
    machine_charge(m, 1, 0, 0);
    assert_false(machine_get_timer(m).armed);
    assert_true(machine_get_timer(m).pending);
    machine_destroy(m);
}

static void test_view_edges(void **state)
{
    (void)state;
    struct machine *host = ts_machine(64, NULL, false);
    static const struct {
        uint32_t base, w;
        bool ok;
    } cases[] = {
        {0, 64, true},
        {62, 2, true},
        {0, 0, false},
        {0, 1, false},
        {63, 2, false},
        {64, 2, false},
        {0, 65, false},
        {UINT32_MAX, 2, false},
        {2, UINT32_MAX, false},
        {UINT32_MAX - 1, 4, false}, /* base + w wraps to 2 */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct machine *v = machine_create_view(host, cases[i].base, cases[i].w, NULL);
        assert_true((v != NULL) == cases[i].ok);
        if (v) {
            assert_true(machine_is_view(v));
            assert_int_equal(machine_q(v), cases[i].w);
            machine_destroy(v);
        }
    }
    machine_destroy(host);
}

static void test_console_input_edges(void **state)
{
    (void)state;
    struct machine *m = ts_machine(16, NULL, false);
    assert_int_equal(machine_console_input(m, NULL, 0), 0);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"", 0), 0);
    assert_int_equal(machine_console_get(m), -1);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"\xff", 1), 0);
    assert_int_equal(machine_console_get(m), 255);
    assert_int_equal(machine_console_get(m), -1);
    assert_int_equal(machine_console_input_used(m), 1);
    machine_console_add_dropped(m, UINT64_MAX);
    assert_true(machine_console_dropped(m) == UINT64_MAX);
    machine_destroy(m);
}

/* ---- snapshots ---- */

static void test_state_load_lengths(void **state)
{
    (void)state;
    struct machine *a = ts_machine(16, NULL, false);
    ts_poke(a, 5, 123);
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(machine_state_save(a, true, &buf, &len), 0);
    struct machine *b = ts_machine(16, NULL, false);
    ts_poke(b, 5, 77);
    uint64_t before = machine_digest(b);
    char err[200];
    /* every proper prefix and one byte more are refused, b left alone */
    for (size_t n = 0; n <= len + 1; n++) {
        if (n == len)
            continue;
        uint8_t *copy = malloc(len + 1);
        assert_non_null(copy);
        memcpy(copy, buf, len);
        copy[len] = 0;
        err[0] = '\0';
        assert_int_equal(machine_state_load(b, copy, n, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(strchr(err, '\n'));
        assert_true(machine_digest(b) == before);
        free(copy);
    }
    assert_int_equal(machine_state_load(b, buf, len, err, sizeof err), 0);
    assert_int_equal(ts_peek(b, 5), 123);
    free(buf);
    machine_destroy(a);
    machine_destroy(b);
}

/* ---- images ---- */

static void test_image_fits_edges(void **state)
{
    (void)state;
    uint64_t words[4] = {0};
    char err[160];
    struct tgm_image img = {.load = 0, .nwords = 4, .words = words};
    assert_int_equal(image_fits(&img, 4, err, sizeof err), 0);
    assert_int_equal(image_fits(&img, 3, err, sizeof err), -1);
    assert_string_equal(err, "image needs words 0..3 but the machine has 3 words");
    img.load = TGM_Q_MAX - 4;
    assert_int_equal(image_fits(&img, TGM_Q_MAX, err, sizeof err), 0);
    img.load = TGM_Q_MAX - 3;
    assert_int_equal(image_fits(&img, TGM_Q_MAX, err, sizeof err), -1);
    /* load + nwords past 2^32 must not wrap into range */
    img.load = UINT32_MAX - 1;
    assert_int_equal(image_fits(&img, TGM_Q_MAX, err, sizeof err), -1);
    assert_string_equal(err, "image needs words 4294967294..4294967297 but the machine has "
                             "524288 words");
    img.nwords = 0;
    assert_int_equal(image_fits(&img, TGM_Q_MIN, err, sizeof err), 0);
    assert_int_equal(image_parse(NULL, 0, &img, err, sizeof err), -1);
    assert_true(err[0] != '\0');
}

/* ---- the control program ---- */

static void test_vmm_create_q_edges(void **state)
{
    (void)state;
    static const struct {
        uint32_t q, want;
    } cases[] = {
        {0, TGM_Q_MAX},
        {VMM_K, 0},
        {VMM_K + 1, VMM_K + 1},
        {TGM_Q_MAX, TGM_Q_MAX},
        {TGM_Q_MAX + 1, 0},
        {UINT32_MAX, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[160] = "";
        struct vmm *v = vmm_create(&(struct vmm_config){.q = cases[i].q}, err, sizeof err);
        if (!cases[i].want) {
            assert_null(v);
            assert_true(err[0] != '\0');
            continue;
        }
        assert_non_null(v);
        assert_int_equal(machine_q(vmm_machine(v)), cases[i].want);
        vmm_destroy(v);
    }
}

static void test_vmm_slice_edges(void **state)
{
    (void)state;
    char err[160];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 64, .slice = UINT64_MAX}, err,
                               sizeof err);
    assert_non_null(v);
    assert_true(vmm_slice(v) == VMM_SLICE_MAX);
    vmm_set_slice(v, 0);
    assert_int_equal(vmm_slice(v), VMM_DEFAULT_SLICE);
    vmm_set_slice(v, 1);
    assert_int_equal(vmm_slice(v), 1);
    vmm_set_slice(v, VMM_SLICE_MAX);
    assert_true(vmm_slice(v) == VMM_SLICE_MAX);
    vmm_set_slice(v, (uint64_t)VMM_SLICE_MAX + 1);
    assert_true(vmm_slice(v) == VMM_SLICE_MAX);
    vmm_destroy(v);
}

static void test_vmm_region_edges(void **state)
{
    (void)state;
    char err[200];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 0}, err, sizeof err);
    assert_non_null(v);
    uint64_t before = machine_digest(vmm_machine(v));
    static const uint32_t bad_w[] = {0, 1, VMM_W_MAX + 1, TGM_Q_MAX, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad_w / sizeof bad_w[0]; i++) {
        err[0] = '\0';
        assert_int_equal(vmm_vm_create(v, bad_w[i], NULL, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_int_equal(vmm_vm_next(v, -1), -1);
    }
    static const struct {
        uint32_t base, w;
    } bad_at[] = {
        {0, 2},
        {VMM_K - 1, 2},
        {TGM_Q_MAX - 1, 2},
        {TGM_Q_MAX, 2},
        {UINT32_MAX, 2},
        {UINT32_MAX - 1, 4},
        {VMM_K, UINT32_MAX},
    };
    for (size_t i = 0; i < sizeof bad_at / sizeof bad_at[0]; i++) {
        err[0] = '\0';
        assert_int_equal(vmm_vm_create_at(v, bad_at[i].base, bad_at[i].w, NULL, err, sizeof err),
                         -1);
        assert_true(err[0] != '\0');
        assert_int_equal(vmm_vm_next(v, -1), -1);
    }
    assert_true(machine_digest(vmm_machine(v)) == before);
    int id = vmm_vm_create(v, VMM_W_MAX, NULL, err, sizeof err);
    assert_int_equal(id, 0);
    struct vm_info info;
    assert_int_equal(vmm_vm_info(v, id, &info), 0);
    assert_int_equal(info.base, VMM_K);
    assert_int_equal(info.w, VMM_W_MAX);
    assert_int_equal(vmm_vm_create(v, TGM_Q_MIN, NULL, err, sizeof err), -1);
    assert_int_equal(vmm_vm_destroy(v, id), 0);
    id = vmm_vm_create_at(v, TGM_Q_MAX - TGM_Q_MIN, TGM_Q_MIN, NULL, err, sizeof err);
    assert_true(id >= 0);
    vmm_destroy(v);
}

static void test_vmm_id_edges(void **state)
{
    (void)state;
    char err[160];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 64}, err, sizeof err);
    assert_non_null(v);
    static const int bad[] = {-1, 0, VMM_MAX_VMS - 1, VMM_MAX_VMS, INT32_MAX, INT32_MIN};
    struct vm_info info;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int id = bad[i];
        assert_int_equal(vmm_vm_destroy(v, id), -1);
        assert_int_equal(vmm_vm_stop(v, id), -1);
        assert_int_equal(vmm_vm_resume(v, id), -1);
        assert_int_equal(vmm_vm_set_limit(v, id, 1), -1);
        assert_int_equal(vmm_vm_input(v, id, (const uint8_t *)"x", 1), -1);
        assert_int_equal(vmm_vm_info(v, id, &info), -1);
        assert_null(vmm_vm_view(v, id));
        struct tgm_image img = {0};
        assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), -1);
        assert_true(vmm_vm_next(v, id) == -1);
    }
    /* and with live VMs: the next after the last, and after every id past it */
    assert_int_equal(vmm_vm_create(v, 8, NULL, err, sizeof err), 0);
    assert_int_equal(vmm_vm_next(v, -1), 0);
    assert_int_equal(vmm_vm_next(v, 0), -1);
    assert_int_equal(vmm_vm_next(v, INT32_MAX), -1);
    assert_int_equal(vmm_vm_next(v, INT32_MIN), 0);
    /* vmm_compare's DIFF of 0 bytes is left alone, a VM or not */
    struct machine *bare = ts_machine(8, NULL, false);
    char diff[4] = "abc";
    assert_int_equal(vmm_compare(bare, v, 0, diff, 0), -1); /* no verdict to give */
    assert_int_equal(vmm_compare(bare, v, INT32_MAX, diff, 0), -1);
    assert_string_equal(diff, "abc");
    /* an id of no VM is no verdict either (it said 0 with its DIFF) */
    assert_int_equal(vmm_compare(bare, v, INT32_MAX, diff, sizeof diff), -1);
    assert_string_equal(diff, "no ");
    machine_destroy(bare);
    vmm_destroy(v);
}

static void test_vmm_name_edges(void **state)
{
    (void)state;
    char err[160];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 256}, err, sizeof err);
    assert_non_null(v);
    char name[VMM_NAME_MAX + 2];
    memset(name, 'n', sizeof name);
    name[VMM_NAME_MAX + 1] = '\0';
    assert_int_equal(vmm_vm_create(v, 8, name, err, sizeof err), -1);
    assert_int_equal(vmm_vm_next(v, -1), -1);
    name[VMM_NAME_MAX] = '\0';
    int id = vmm_vm_create(v, 8, name, err, sizeof err);
    assert_true(id >= 0);
    assert_int_equal(vmm_vm_find(v, name), id);
    int e = vmm_vm_create(v, 8, "", err, sizeof err);
    struct vm_info info;
    assert_int_equal(vmm_vm_info(v, e, &info), 0);
    assert_true(info.name[0] != '\0');
    vmm_destroy(v);
}

/* vmm_run: a budget of 0 takes no step; UINT64_MAX runs the guest to its
 * HALT; the VM's own step limit at 1 and at UINT64_MAX. */
static void test_vmm_budget_edges(void **state)
{
    (void)state;
    char err[160];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 64}, err, sizeof err);
    assert_non_null(v);
    int id = vmm_vm_create(v, 16, NULL, err, sizeof err);
    assert_true(id >= 0);
    struct machine *view = vmm_vm_view(v, id);
    ts_poke(view, 0, I(NOP, 0, 0, 0));
    ts_poke(view, 1, I(NOP, 0, 0, 0));
    ts_poke(view, 2, I(HALT, 0, 0, 0));
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 0, &ex), VMMSTOP_BUDGET);
    assert_int_equal(machine_steps(view), 0);
    assert_int_equal(vmm_vm_set_limit(v, id, UINT64_MAX), 0);
    assert_int_equal(vmm_run(v, UINT64_MAX, &ex), VMMSTOP_DONE);
    struct vm_info info;
    assert_int_equal(vmm_vm_info(v, id, &info), 0);
    assert_int_equal(info.state, VM_HALTED);
    assert_int_equal(machine_steps(view), 3);
    /* a limit of one step stops it after one */
    machine_reset(view);
    ts_poke(view, 0, I(NOP, 0, 0, 0));
    ts_poke(view, 1, I(HALT, 0, 0, 0));
    assert_int_equal(vmm_vm_set_limit(v, id, machine_steps(view) + 1), 0);
    assert_int_equal(vmm_vm_resume(v, id), 0);
    assert_int_equal(vmm_run(v, UINT64_MAX, &ex), VMMSTOP_DONE);
    assert_int_equal(vmm_vm_info(v, id, &info), 0);
    assert_int_equal(info.state, VM_LIMIT);
    assert_int_equal(vmm_vm_input(v, id, NULL, 0), 0);
    vmm_destroy(v);
}

static void test_vmmap_edges(void **state)
{
    (void)state;
    struct vm_map map = {.base = 100, .w = 50};
    uint32_t l = 0, b = 0;
    vmmap_compose_r(&map, 0, UINT32_MAX, &l, &b);
    assert_int_equal(l, 100);
    assert_int_equal(b, 50);
    vmmap_compose_r(&map, 49, 1, &l, &b);
    assert_int_equal(l, 149);
    assert_int_equal(b, 1);
    vmmap_compose_r(&map, 50, 10, &l, &b);
    assert_int_equal(l, 100);
    assert_int_equal(b, 0);
    vmmap_compose_r(&map, UINT32_MAX, UINT32_MAX, &l, &b);
    assert_int_equal(l, 100);
    assert_int_equal(b, 0);
}

/* ---- nesting ---- */

static void test_nest_depth_edges(void **state)
{
    (void)state;
    char err[300];
    struct nest_layout lay;
    static const unsigned bad[] = {0, NEST_MAX_DEPTH + 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(nest_layout_of(bad[i], TGM_Q_MAX, &lay, err, sizeof err), -1);
        assert_true(err[0] != '\0');
    }
    assert_int_equal(nest_layout_of(1, TGM_Q_MAX, &lay, err, sizeof err), 0);
    assert_int_equal(lay.top_w, TGM_Q_MAX - lay.top_base);
    assert_int_equal(nest_layout_of(NEST_MAX_DEPTH, TGM_Q_MAX, &lay, err, sizeof err), 0);
    assert_int_equal(lay.top_base, NEST_MAX_DEPTH * lay.map.k);
    /* q: the levels and TGM_Q_MIN words of guest, and one word less */
    uint32_t k = lay.map.k;
    assert_int_equal(nest_layout_of(2, 2 * k + TGM_Q_MIN, &lay, err, sizeof err), 0);
    assert_int_equal(lay.top_w, TGM_Q_MIN);
    assert_int_equal(nest_layout_of(2, 2 * k + TGM_Q_MIN - 1, &lay, err, sizeof err), -1);
    assert_int_equal(nest_layout_of(1, TGM_Q_MAX + 1, &lay, err, sizeof err), -1);
    assert_int_equal(nest_layout_of(1, UINT32_MAX, &lay, err, sizeof err), -1);
}

/* A bare nest run (depth 0) of W words: the guest is the machine. */
static void test_nest_run_w_edges(void **state)
{
    (void)state;
    uint64_t words[] = {I(NOP, 0, 0, 0), I(HALT, 0, 0, 0)};
    struct tgm_image guest = {.nwords = 2, .words = words,
                              .entry_psw = TS_PSW(1, 0, 0, 0, 0, TGM_Q_MIN)};
    static const struct {
        unsigned depth;
        uint32_t w;
        bool under_vmm;
    } bad[] = {
        {0, 0, false},
        {0, 1, false},
        {0, TGM_Q_MAX + 1, false},
        {0, UINT32_MAX, false},
        {0, VMM_W_MAX + 1, true},
        {1, 0, false},
        {1, TGM_Q_MAX, false},
        {NEST_MAX_DEPTH + 1, 64, false},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[300] = "";
        struct nest_run r;
        struct nest_run_opts o = {.depth = bad[i].depth, .w = bad[i].w,
                                  .under_vmm = bad[i].under_vmm};
        assert_int_equal(nest_run_start(NULL, &guest, &o, &r, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(strstr(err, "out of memory"));
        if (bad[i].depth == 0 && !bad[i].under_vmm)
            assert_non_null(strstr(err, "out of range"));
    }
    static const struct {
        unsigned depth;
        uint32_t w;
        bool under_vmm;
    } good[] = {
        {0, TGM_Q_MIN, false},
        {0, TGM_Q_MAX, false},
        {0, VMM_W_MAX, true},
        {1, 64, false},
        {1, 64, true},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        char err[300] = "";
        struct nest_run r;
        struct nest_run_opts o = {.depth = good[i].depth, .w = good[i].w,
                                  .under_vmm = good[i].under_vmm};
        assert_int_equal(nest_run_start(NULL, &guest, &o, &r, err, sizeof err), 0);
        assert_false(nest_run_go(&r, 1) && good[i].depth > 0);
        assert_true(nest_run_go(&r, UINT64_MAX));
        struct machine *top = nest_run_top(&r);
        assert_non_null(top);
        assert_int_equal(machine_q(top), good[i].depth ? 64 : good[i].w);
        machine_destroy(top);
        nest_run_free(&r);
    }
}

/* ---- the monitor ---- */

static void test_monitor_q_edges(void **state)
{
    (void)state;
    FILE *out = tmpfile(), *err = tmpfile();
    assert_non_null(out);
    assert_non_null(err);
    struct mon *m = mon_create(out, err);
    assert_non_null(m);
    assert_int_equal(mon_set_machine(m, NULL, 64), 0);
    static const uint32_t bad[] = {1, TGM_Q_MAX + 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        long at = ftell(err);
        assert_int_equal(mon_set_machine(m, NULL, bad[i]), -1);
        assert_true(ftell(err) > at); /* one line says why */
        assert_int_equal(machine_q(mon_machine(m)), 64);
    }
    assert_int_equal(mon_set_machine(m, NULL, 0), 0); /* 0: the size it has */
    assert_int_equal(machine_q(mon_machine(m)), 64);
    assert_int_equal(mon_set_machine(m, NULL, TGM_Q_MIN), 0);
    assert_int_equal(machine_q(mon_machine(m)), TGM_Q_MIN);
    assert_int_equal(mon_set_machine(m, NULL, TGM_Q_MAX), 0);
    assert_int_equal(machine_q(mon_machine(m)), TGM_Q_MAX);
    mon_destroy(m);
    fclose(out);
    fclose(err);
}

/* ---- small helpers ---- */

static void test_buffer_length_edges(void **state)
{
    (void)state;
    char buf[8] = "xxxxxxx";
    assert_int_equal(tgm_err(buf, 0, "%s", "message"), -1);
    assert_string_equal(buf, "xxxxxxx");
    assert_int_equal(tgm_err(buf, 1, "%s", "message"), -1);
    assert_string_equal(buf, "");
    assert_int_equal(tgm_err(NULL, 8, "%s", "message"), -1);
    memcpy(buf, "xxxxxxx", 8);
    isa_profile_suggest("pdp1O", buf, 0);
    assert_string_equal(buf, "xxxxxxx");
    isa_profile_suggest("pdp1O", buf, 1);
    assert_string_equal(buf, "");
    memcpy(buf, "xxxxxxx", 8);
    analyze_insn_text(0, buf, 0);
    assert_string_equal(buf, "xxxxxxx");
    analyze_insn_text(0, buf, 1);
    assert_string_equal(buf, "");
    memcpy(buf, "xxxxxxx", 8);
    analyze_class_text(0, buf, 0);
    assert_string_equal(buf, "xxxxxxx");
    struct machine *a = ts_machine(16, NULL, false);
    struct machine *b = ts_machine(32, NULL, false);
    memcpy(buf, "xxxxxxx", 8);
    assert_int_equal(machine_compare(a, b, 0, "a", "b", buf, 0), 1);
    assert_string_equal(buf, "xxxxxxx");
    assert_int_equal(machine_compare(a, b, 0, "a", "b", NULL, 0), 1);
    machine_destroy(a);
    machine_destroy(b);
    assert_int_equal(tgm_edit_distance("", 0, "", 0), 0);
    assert_int_equal(tgm_edit_distance("abc", 3, "", 0), 3);
}

static void test_bytes_edges(void **state)
{
    (void)state;
    uint8_t data[4] = {1, 2, 3, 4};
    struct bytes_in r = {.p = data, .len = sizeof data};
    assert_non_null(bytes_take(&r, 0));
    assert_null(bytes_take(&r, SIZE_MAX));
    assert_true(r.bad);
    assert_int_equal(r.off, 0);
    r = (struct bytes_in){.p = data, .len = sizeof data};
    assert_non_null(bytes_take(&r, 3));
    assert_null(bytes_take(&r, SIZE_MAX - 1));
    assert_null(bytes_take(&r, 1)); /* stays bad */
    r = (struct bytes_in){.p = data, .len = sizeof data};
    assert_int_equal(bytes_get_le(&r, 4), 0x04030201);
    assert_int_equal(bytes_get_le(&r, 1), 0);
    assert_true(r.bad);
    assert_true(asm_shl(1, 63) == UINT64_C(1) << 63);
    assert_true(asm_shl(1, 64) == 0);
    assert_true(asm_shl(1, UINT64_MAX) == 0);
    assert_true(asm_sar(UINT64_MAX, 64) == UINT64_MAX);
    assert_true(asm_sar(UINT64_C(1) << 62, UINT64_MAX) == 0);
    assert_true(le_read(data, 0) == 0);
    uint8_t out[8];
    le_write(out, UINT64_MAX, 8);
    assert_true(le_read(out, 8) == UINT64_MAX);
}

/* The word functions: arguments at their documented largest value and one
 * past it, and argument counts up to UINT_MAX (never taken for success). */
static void test_wordfn_edges(void **state)
{
    (void)state;
    const struct isa_wordfn *rb = isa_wordfn_find("rb", 2);
    assert_non_null(rb);
    assert_null(isa_wordfn_find("rb", 0));
    assert_null(isa_wordfn_at(SIZE_MAX));
    char err[120];
    uint64_t word = 7;
    uint64_t ok[2] = {TGM_ADDR_MASK, TGM_Q_MAX};
    assert_int_equal(isa_wordfn_apply(rb, ok, 2, &word, err, sizeof err), -1);
    assert_true(word == TV_R(TGM_ADDR_MASK, TGM_Q_MAX));
    uint64_t past_l[2] = {TGM_ADDR_MASK + 1, 0}, past_b[2] = {0, TGM_Q_MAX + 1};
    word = 7;
    assert_int_equal(isa_wordfn_apply(rb, past_l, 2, &word, err, sizeof err), 0);
    assert_int_equal(isa_wordfn_apply(rb, past_b, 2, &word, err, sizeof err), 1);
    assert_string_equal(err, "rb: b = 524289 is out of range 0..524288");
    static const unsigned counts[] = {0, 1, 3, INT32_MAX, (unsigned)INT32_MAX + 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
        int rc = isa_wordfn_apply(rb, ok, counts[i], &word, err, sizeof err);
        assert_true(rc >= 0);
        assert_int_equal(rc, counts[i] > INT32_MAX ? INT32_MAX : (int)counts[i]);
    }
    assert_int_equal(word, 7);
}

/* tgm_read_file: a file of exactly LIMIT bytes is read, one more refused. */
static void test_read_limit_edges(void **state)
{
    (void)state;
    char path[4096];
    cs_tmp_name(path, sizeof path, "tgm-edges-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "ab", 2), 2);
    close(fd);
    uint8_t *buf = NULL;
    size_t len = 99;
    char err[300];
    assert_int_equal(tgm_read_file(path, 2, "a test", &buf, &len, err, sizeof err), 0);
    assert_int_equal(len, 2);
    assert_int_equal(buf[2], 0);
    free(buf);
    buf = NULL;
    len = 99;
    assert_int_equal(tgm_read_file(path, 1, "a test", &buf, &len, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than 1 bytes, the limit for a test"));
    assert_null(buf);
    assert_int_equal(tgm_read_file(path, 0, "a test", &buf, &len, err, sizeof err), -1);
    assert_int_equal(tgm_read_file(path, SIZE_MAX, "a test", &buf, &len, err, sizeof err), 0);
    assert_int_equal(len, 2);
    free(buf);
    unlink(path);
}

/* vmm_state_load: every proper prefix of a saved state is refused and
 * leaves the control program as it was. */
static void test_vmm_state_lengths(void **state)
{
    (void)state;
    char err[200];
    struct vmm *a = vmm_create(&(struct vmm_config){.q = 64}, err, sizeof err);
    struct vmm *b = vmm_create(&(struct vmm_config){.q = 64}, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(vmm_vm_create(a, 8, "one", err, sizeof err), 0);
    assert_int_equal(vmm_vm_create(a, 8, "two", err, sizeof err), 1);
    assert_int_equal(vmm_vm_create(b, 16, "other", err, sizeof err), 0);
    uint8_t *sa = NULL, *sb = NULL, *sb2 = NULL;
    size_t la = 0, lb = 0, lb2 = 0;
    assert_int_equal(vmm_state_save(a, &sa, &la), 0);
    assert_int_equal(vmm_state_save(b, &sb, &lb), 0);
    for (size_t n = 0; n < la; n++) {
        uint8_t *copy = malloc(n ? n : 1);
        assert_non_null(copy);
        memcpy(copy, sa, n);
        err[0] = '\0';
        assert_int_equal(vmm_state_load(b, copy, n, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        free(copy);
    }
    assert_int_equal(vmm_state_save(b, &sb2, &lb2), 0);
    assert_int_equal(lb2, lb);
    assert_memory_equal(sb2, sb, lb);
    assert_int_equal(vmm_state_load(b, sa, la, err, sizeof err), 0);
    assert_int_equal(vmm_vm_find(b, "two"), 1);
    free(sa);
    free(sb);
    free(sb2);
    vmm_destroy(a);
    vmm_destroy(b);
}

static void test_asm_length_edges(void **state)
{
    (void)state;
    struct tgm_image img;
    assert_int_equal(asm_assemble_buffer("empty", "", 0, &img, stderr), 0);
    assert_int_equal(img.nwords, 0);
    image_free(&img);
    /* only LEN bytes are read: the rest of the text is not assembled */
    static const char src[] = "  HALT\n  bogus";
    assert_int_equal(asm_assemble_buffer("cut", src, 7, &img, stderr), 0);
    assert_int_equal(img.nwords, 1);
    image_free(&img);
    char text[64];
    assert_true(dis_word(I(HALT, 0, 0, 0), TGM_ADDR_MASK, NULL, text, sizeof text));
    assert_true(dis_word(I(HALT, 0, 0, 0), UINT32_MAX, NULL, text, sizeof text));
    memcpy(text, "xxxx", 5);
    dis_word(I(HALT, 0, 0, 0), 0, NULL, text, 0);
    assert_string_equal(text, "xxxx");
    dis_word(I(HALT, 0, 0, 0), 0, NULL, text, 1);
    assert_string_equal(text, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_create_q_edges),
        cmocka_unit_test(test_phys_access_edges),
        cmocka_unit_test(test_develop_edges),
        cmocka_unit_test(test_debug_address_edges),
        cmocka_unit_test(test_run_budget_edges),
        cmocka_unit_test(test_timer_edges),
        cmocka_unit_test(test_view_edges),
        cmocka_unit_test(test_console_input_edges),
        cmocka_unit_test(test_state_load_lengths),
        cmocka_unit_test(test_image_fits_edges),
        cmocka_unit_test(test_vmm_create_q_edges),
        cmocka_unit_test(test_vmm_slice_edges),
        cmocka_unit_test(test_vmm_region_edges),
        cmocka_unit_test(test_vmm_id_edges),
        cmocka_unit_test(test_vmm_name_edges),
        cmocka_unit_test(test_vmm_budget_edges),
        cmocka_unit_test(test_vmmap_edges),
        cmocka_unit_test(test_nest_depth_edges),
        cmocka_unit_test(test_nest_run_w_edges),
        cmocka_unit_test(test_monitor_q_edges),
        cmocka_unit_test(test_buffer_length_edges),
        cmocka_unit_test(test_bytes_edges),
        cmocka_unit_test(test_wordfn_edges),
        cmocka_unit_test(test_read_limit_edges),
        cmocka_unit_test(test_vmm_state_lengths),
        cmocka_unit_test(test_asm_length_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
