/* test_walk_b.c: a researcher's walk through docs/vmm.md, docs/theorems.md,
 * docs/recursion.md and docs/os.md with the paper at hand (sections 4 to 8:
 * the control program's dispositions, virtual time, resource control of the
 * processor, equivalence, the counterexamples to Theorems 1 and 3) and the
 * monitor's commands on VMs.  Each test is written from the documents,
 * through include/tgm/ and the tgm binary; a test of a fix fails on the
 * tree before it.
 *
 * Runs from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/vmm.h"

static void assemble(const char *src, struct tgm_image *img)
{
    if (asm_assemble_string("walk.s", src, img, stderr) != 0)
        fail_msg("the test's guest does not assemble");
}

static void assemble_file(const char *path, struct tgm_image *img)
{
    if (asm_assemble_file(path, img, stderr) != 0)
        fail_msg("%s does not assemble", path);
}

/* A control program of Q words with one VM of W words per image in IMGS
 * (first fit), each loaded. */
static struct vmm *cp_with(uint32_t q, uint32_t w, const struct tgm_image *const *imgs,
                           size_t n, bool hybrid)
{
    char err[256];
    struct vmm_config c = {.q = q, .hybrid = hybrid};
    struct vmm *v = vmm_create(&c, err, sizeof err);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) {
        int id = vmm_vm_create(v, w, NULL, err, sizeof err);
        assert_int_equal(id, (int)i);
        if (vmm_vm_load(v, id, imgs[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    }
    return v;
}

/* ---- vmm_run: a budget whose last step halts the last VM ------------------ */

/* vmm.h: VMMSTOP_DONE "no VM is runnable", VMMSTOP_BUDGET "the budget ran
 * out".  A guest that halts on the budget's last step left no VM runnable,
 * yet vmm_run said BUDGET, where machine_run says HALT; so 'go for 53' on
 * sum.s in a VM said "stopped after 53 steps" over a halted VM. */
static void vmm_run__a_budget_whose_last_step_halts_is_done(void **state)
{
    (void)state;
    struct tgm_image img;
    assemble("start: NOP\n       HALT\n", &img);
    const struct tgm_image *one[] = {&img, &img};
    struct vmm *v = cp_with(256, 16, one, 1, false);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 2, &ex), VMMSTOP_DONE);
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.state, VM_HALTED);
    assert_int_equal(machine_steps(vmm_vm_view(v, 0)), 2);
    vmm_destroy(v);
    /* a step limit reached on the budget's last step: none runnable either */
    v = cp_with(256, 16, one, 1, false);
    assert_int_equal(vmm_vm_set_limit(v, 0, 1), 0);
    assert_int_equal(vmm_run(v, 1, NULL), VMMSTOP_DONE);
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.state, VM_LIMIT);
    vmm_destroy(v);
    /* two VMs: the first halts on the budget's last step, the second has
     * not run: the budget ran out */
    v = cp_with(256, 16, one, 2, false);
    assert_int_equal(vmm_run(v, 2, NULL), VMMSTOP_BUDGET);
    assert_int_equal(vmm_run(v, 2, NULL), VMMSTOP_DONE);
    assert_int_equal(machine_steps(vmm_vm_view(v, 1)), 2);
    vmm_destroy(v);
    image_free(&img);
}

static void monitor__go_for_n_ending_at_a_halt_says_no_vm_is_runnable(void **state)
{
    (void)state;
    /* bare, the 53rd step of sum.s is its HALT */
    cs_mon_prints("load examples/sum.s; go for 53", "halted after 53 steps");
    struct cs_outcome o = cs_mon("vm create a 256 examples/sum.s; go for 53");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "no VM is runnable after 53 steps\na: halted: "));
    assert_null(strstr(o.out, "stopped after"));
    cs_outcome_free(&o);
}

/* ---- step and next in a VM that reaches its step limit -------------------- */

/* How many steps a 'step' command's OUTPUT shows (a PSW line each). */
static size_t steps_shown(const char *out)
{
    size_t n = 0;
    for (const char *a = strstr(out, "    PSW "); a; a = strstr(a + 1, "    PSW "))
        n++;
    return n;
}

/* monitor.md: step and next stop early at "HALT, ..., the step limit, ...,
 * as they stop 'go'", and 'go' stops where a VM reaches its 'vm limit'.
 * 'step 5' went on past the limit printing steps that did nothing (P
 * unchanged), and 'next' over a call that could no longer return spun
 * until interrupted. */
static void monitor__step_and_next_stop_at_a_vms_step_limit(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a 256 examples/sum.s; vm limit a 3; step 5");
    assert_int_equal(o.status, 0);
    const char *stop = strstr(o.out, "a: step limit: s I=0 P=0x00005 ");
    assert_non_null(stop);
    assert_null(strstr(stop, "PSW s I=0")); /* no step after it */
    assert_int_equal(steps_shown(o.out), 3);
    cs_outcome_free(&o);
    /* calls.s: the fourth step is a JAL whose call runs past a limit of 6 */
    o = cs_mon("set limit 100000; vm create a 256 examples/calls.s; vm limit a 6; next 5; "
               "vm list");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "a: step limit after 6 steps: "));
    assert_null(strstr(o.out, "interrupted"));
    assert_non_null(strstr(o.out, "step limit 0x00008..0x00107"));
    cs_outcome_free(&o);
}

/* monitor.md: 'step' with a VM selected "steps the guest one instruction
 * ...; the other runnable VMs run meanwhile, as the control program
 * schedules them".  It gave up after 100,000 steps of the others and showed
 * a step the guest had not taken (P unchanged); a slice of a million
 * cycles holds far more.  Now it waits for the guest's turn. */
static void monitor__step_in_a_vm_waits_for_its_turn(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set slice 1000000; vm create a 256 examples/sum.s; "
                                 "vm create b 256 examples/hostile/spin.s; vm stop a; "
                                 "go for 10; vm resume a; vm select a; step; print P");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "  0x00002 start        LI     i, 0\n"
                                  "    PSW s I=0 P=0x00002 l=0x00000 b=0x80000 -> "
                                  "s I=0 P=0x00003 "));
    assert_non_null(strstr(o.out, "\n0x3 (3)\n"));
    cs_outcome_free(&o);
}

/* vmm.h: a VM "reached its step limit" is VM_LIMIT, and the CP says so with
 * a scheduler event (docs/vmm.md).  A hybrid stretch that reached the limit
 * left the VM runnable until the next vmm_run, where a direct stretch stops
 * it at once; so 'step 7' in a hybrid VM limited to 5 showed a sixth step
 * that did nothing. */
static void hybrid__a_stretch_that_reaches_the_limit_stops_the_vm(void **state)
{
    (void)state;
    struct tgm_image img;
    assemble_file("examples/sum.s", &img);
    const struct tgm_image *one[] = {&img};
    for (int hybrid = 0; hybrid <= 1; hybrid++) {
        struct vmm *v = cp_with(1024, 256, one, 1, hybrid);
        assert_int_equal(vmm_vm_set_limit(v, 0, 5), 0);
        assert_int_equal(vmm_run(v, 5, NULL), VMMSTOP_DONE);
        struct vm_info vi;
        assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
        assert_int_equal(vi.state, VM_LIMIT);
        assert_int_equal(vi.stats.traps[TRAP_NONE][DISP_SCHEDULER], 1);
        assert_int_equal(machine_steps(vmm_vm_view(v, 0)), 5);
        assert_int_equal(vi.stats.interpreted, hybrid ? 5 : 0);
        vmm_destroy(v);
    }
    image_free(&img);
    struct cs_outcome o = cs_mon("set hybrid on; vm create a 256 examples/sum.s; vm limit a 5; "
                                 "step 7");
    assert_int_equal(o.status, 0);
    assert_int_equal(steps_shown(o.out), 5);
    assert_non_null(strstr(o.out, "a: step limit: s I=0 P=0x00007 "));
    cs_outcome_free(&o);
}

/* ---- a VM's run counts the guests' cycles ----------------------------------- */

/* monitor.md: with VMs, a run counts the guests' steps, so a lone VM stops
 * where its bare machine would.  'cycles N' and the cycles a stop reports
 * were the real machine's: a hybrid VM's interpreted code spends none, so
 * 'go cycles 50' never stopped it (hello.s ran to its HALT), and under the
 * plain VMM it stopped two steps early, after 52 real cycles. */
static void monitor__a_vms_run_counts_the_guests_cycles(void **state)
{
    (void)state;
    static const char want[] = "stopped after 24 steps, 53 cycles: s I=0 P=0x00006 ";
    static const char *const runs[] = {
        "load examples/hello.s; go cycles 50",
        "vm create a 256 examples/hello.s; go cycles 50",
        "set hybrid on; vm create a 256 examples/hello.s; go cycles 50",
    };
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++)
        cs_mon_prints(runs[k], want);
    /* a breakpoint's stop counts the same way, bare, in a VM, hybrid */
    static const char brk[] = "stopped at 0x24 trap after 464 steps, 1174 cycles: ";
    cs_mon_prints("load examples/supervisor.s; break 0x24; go", brk);
    cs_mon_prints("vm create a 65536 examples/supervisor.s; break 0x24; go", brk);
    cs_mon_prints("set hybrid on; vm create a 65536 examples/supervisor.s; break 0x24; go", brk);
}

/* monitor.md: a trap stop sees the real machine's traps; a hybrid VM's
 * supervisor code is interpreted, so the traps it takes are not real and
 * stop no 'break trap', while a watchpoint on the guest's E[0], which such
 * a trap writes, stops where the bare machine and the plain VMM stop. */
static void monitor__a_trap_stop_sees_the_real_machines_traps(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(path, sizeof path, "svc_sup.s",
                  "        .org  0\n"
                  "        .word 0\n"
                  "        .word psw(SUP, h, 0, 64)\n"
                  "        .entry start\n"
                  "start:  SVC   5                 ; in supervisor mode\n"
                  "h:      HALT\n");
    static const char *const pre[] = {"load %s", "vm create a 64 %s",
                                      "set hybrid on; vm create a 64 %s"};
    static const char stop[] = "stopped at 0x3 h after 1 step, 4 cycles: s I=0 P=0x00003 ";
    for (size_t k = 0; k < 3; k++) {
        char head[CS_PATH + 40];
        snprintf(head, sizeof head, pre[k], path);
        snprintf(cmds, sizeof cmds, "%s; break trap svc; go", head);
        struct cs_outcome o = cs_mon(cmds);
        assert_int_equal(o.status, 0);
        if ((strstr(o.out, "svc trap at 0x2 start, hit 1 time") != NULL) != (k < 2))
            fail_msg("'%s' stops as it should not, or not as it should:\n%s", cmds, o.out);
        cs_outcome_free(&o);
        snprintf(cmds, sizeof cmds, "%s; watch write 0; go", head);
        cs_mon_prints(cmds, stop);
    }
}

/* ---- the real timer is the CP's, for regaining the processor --------------- */

static const char loop_src[] = "loop:  ADDI  n, n, 1\n"
                               "       JMP   loop\n"
                               "n:     .word 0\n";

/* A guest that arms its timer for 1000 cycles, with I = IE, and loops. */
static void timer_guest(struct tgm_image *img, bool ie)
{
    char src[512];
    snprintf(src, sizeof src,
             "       .org  0\n"
             "       .word 0\n"
             "       .word psw(SUP, h, 0, 64)\n"
             "       .entry start\n"
             "start: TSET  big\n"
             "       LPSW  go\n"
             "loop:  ADDI  n, n, 1\n"
             "       JMP   loop\n"
             "h:     HALT\n"
             "big:   .word 1000\n"
             "go:    .word %s(SUP, loop, 0, 64)\n"
             "n:     .word 0\n",
             ie ? "pswi" : "psw");
    assemble(src, img);
}

/* docs/vmm.md: the real interval timer "is only a way for the CP to regain
 * control": armed for a lone VM only when its virtual timer can trap (then
 * for exactly the virtual cycles left), for the slice when VMs share the
 * processor, and a guest always runs in real user mode with I = 1. */
static void timer__the_real_timer_serves_only_the_cp(void **state)
{
    (void)state;
    struct tgm_image plain, off, on;
    assemble(loop_src, &plain);
    timer_guest(&off, false);
    timer_guest(&on, true);
    static const char *const what[] = {
        "a lone VM, no timer",
        "a lone VM, timer armed with I = 0",
        "a lone VM, timer armed with I = 1",
        "two VMs, no timer",
    };
    const struct tgm_image *imgs[] = {&plain, &off, &on, &plain};
    for (size_t k = 0; k < 4; k++) {
        const struct tgm_image *list[] = {imgs[k], imgs[k]};
        struct vmm *v = cp_with(1024, 64, list, k == 3 ? 2 : 1, false);
        for (int round = 0; round < 5; round++) {
            assert_int_equal(vmm_run(v, 7, NULL), VMMSTOP_BUDGET);
            struct machine *real = vmm_machine(v), *view = vmm_vm_view(v, 0);
            struct machine_timer rt = machine_get_timer(real), vt = machine_get_timer(view);
            struct psw rp = machine_psw(real);
            if (rp.sup || !rp.ie)
                fail_msg("%s: the real PSW is not user mode with I = 1", what[k]);
            if (k == 0 || k == 1) {
                if (rt.armed || rt.pending)
                    fail_msg("%s: the real timer is armed", what[k]);
            } else if (k == 2) {
                if (!rt.armed || !vt.armed || rt.remaining != vt.remaining)
                    fail_msg("%s: real timer %lld, virtual %lld", what[k],
                             (long long)rt.remaining, (long long)vt.remaining);
            } else if (!rt.armed || rt.remaining > (int64_t)VMM_DEFAULT_SLICE) {
                fail_msg("%s: the real timer is not the slice's", what[k]);
            }
            if (k == 1 && (!vt.armed || vt.remaining >= 1000))
                fail_msg("%s: the virtual timer does not count down", what[k]);
        }
        vmm_destroy(v);
    }
    /* with I = 0 the virtual timer expires unseen, pending as on the bare
     * machine, though the real one was never armed */
    const struct tgm_image *list[] = {&off};
    struct vmm *v = cp_with(1024, 64, list, 1, false);
    assert_int_equal(vmm_run(v, 2000, NULL), VMMSTOP_BUDGET);
    assert_true(machine_get_timer(vmm_vm_view(v, 0)).pending);
    assert_false(machine_get_timer(vmm_machine(v)).armed);
    vmm_destroy(v);
    image_free(&plain);
    image_free(&off);
    image_free(&on);
}

/* docs/vmm.md: a VM's virtual state lives in a view, "a struct machine whose
 * memory is the region itself": the standard map's E'[base + i] = E[i] is
 * one word, not a copy, and the view is a bare machine of w words. */
static void view__its_memory_is_the_region_itself(void **state)
{
    (void)state;
    struct tgm_image img;
    assemble(loop_src, &img);
    const struct tgm_image *two[] = {&img, &img};
    struct vmm *v = cp_with(512, 100, two, 2, false);
    struct machine *real = vmm_machine(v);
    for (int id = 0; id < 2; id++) {
        struct vm_info vi;
        assert_int_equal(vmm_vm_info(v, id, &vi), 0);
        assert_int_equal(vi.base, VMM_K + (uint32_t)id * 100);
        struct machine *view = vmm_vm_view(v, id);
        assert_int_equal(machine_q(view), 100);
        assert_ptr_equal(machine_mem(view), machine_mem(real) + vi.base);
        assert_int_equal(machine_write_phys(view, 99, 0x5eed + (uint64_t)id), 0);
        assert_int_equal(machine_mem(real)[vi.base + 99], 0x5eed + (uint64_t)id);
        assert_int_not_equal(machine_write_phys(view, 100, 1), 0); /* past w */
    }
    assert_int_equal(vmm_run(v, 50, NULL), VMMSTOP_BUDGET);
    assert_int_equal(machine_mem(real)[VMM_K + 99], 0x5eed);
    vmm_destroy(v);
    image_free(&img);
}

/* ---- the OS in a VM, step by step ------------------------------------------- */

/* docs/vmm.md: "Between calls every VM's view is exact", and a budget counts
 * guest steps however the CP handled them.  The OS of docs/os.md, whose
 * console shows any error in virtual time, run in a VM in chunks of odd
 * sizes, equals its bare run after every chunk (f(S) = S', section 6),
 * under the VMM and under the hybrid monitor. */
static void os__in_a_vm_equals_its_bare_run_after_every_chunk(void **state)
{
    (void)state;
    struct tgm_image img;
    char err[256];
    assemble_file("examples/os/os.s", &img);
    for (int hybrid = 0; hybrid <= 1; hybrid++) {
        struct machine_config mc = {.q = 1024};
        struct machine *bare = machine_create(&mc);
        assert_non_null(bare);
        assert_int_equal(image_load(bare, &img, err, sizeof err), 0);
        const struct tgm_image *one[] = {&img};
        struct vmm *v = cp_with(1024 + VMM_K, 1024, one, 1, hybrid);
        uint64_t steps = 0, chunk = 1;
        for (;;) {
            struct machine_exit ex;
            enum exit_reason why = machine_run(bare, chunk, &ex);
            enum vmm_stop vwhy = vmm_run(v, chunk, NULL);
            steps += ex.steps;
            char diff[256];
            vmm_compare(bare, v, 0, diff, sizeof diff);
            if (diff[0])
                fail_msg("%s, after %llu steps: %s", hybrid ? "hybrid" : "VMM",
                         (unsigned long long)steps, diff);
            assert_int_equal(why == EXIT_HALT, vwhy == VMMSTOP_DONE);
            if (why == EXIT_HALT)
                break;
            assert_int_equal(why, EXIT_BUDGET);
            chunk = chunk * 7 % 61 + 1; /* 8, 57, 34, 56, ...: odd places */
        }
        assert_int_equal(steps, 9171); /* docs/os.md's bare run */
        vmm_destroy(v);
        machine_destroy(bare);
    }
    image_free(&img);
}

/* ---- the timer in supervisor mode with I = 1, on every monitor ------------ */

/* docs/recursion.md: the machine-code CP single-steps a guest in virtual
 * supervisor mode with I = 1 ("step"), so that its timer trap lands where
 * the bare machine's does.  A kernel whose handler runs with I = 1 and is
 * interrupted every 13 cycles, in COUT, TGET and SPSW alike, is equivalent
 * on one and two levels, on the C control program below them, and under
 * the VMM and the hybrid monitor, its 450 timer traps in the same order. */
static const char supt_src[] =
    "W = 256\n"
    "        .org  0\n"
    "old:    .word 0\n"
    "        .word pswi(SUP, h, 0, W)  ; the handler runs with I = 1 too\n"
    "        .entry start\n"
    "start:  TSET  t7\n"
    "        LPSW  on\n"
    "loop:   ADDI  n, n, 1\n"
    "        COUT  ch\n"
    "        TGET  left\n"
    "        SPSW  sp\n"
    "        BNE   n, max, loop\n"
    "        HALT\n"
    "h:      ADDI  ticks, ticks, 1\n"
    "        MOV   log, old\n"
    "        TSET  t13\n"
    "        LPSW  log                ; back where the timer struck\n"
    "t7:     .word 7\n"
    "t13:    .word 13\n"
    "on:     .word pswi(SUP, loop, 0, W)\n"
    "n:      .word 0\n"
    "ch:     .word 'z'\n"
    "left:   .word 0\n"
    "sp:     .word 0\n"
    "ticks:  .word 0\n"
    "max:    .word 300\n"
    "log:    .word 0\n";

static void timer__supervisor_code_interrupted_with_i_set_is_equivalent(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "supt.s", supt_src);
    static const char nested[] = "450 traps in the same order, 450 of them timer traps";
    cs_tgm_prints(nested, "check", CS_ARGV("--nest", "1", path));
    cs_tgm_prints(nested, "check", CS_ARGV("--nest", "2", path));
    cs_tgm_prints(nested, "check", CS_ARGV("--nest", "2", "--vmm", path));
    cs_tgm_prints("equivalent (alone)", "check", CS_ARGV(path));
    cs_tgm_prints("equivalent (alone)", "check", CS_ARGV("--hybrid", path));
    struct cs_outcome o = cs_run_tgm("run", "--json", path, NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(o.out, "traps"), "timer")), 450);
    assert_int_equal(cs_json_uint(cs_json_get(o.out, "console_bytes")), 300);
    cs_outcome_free(&o);
    /* level 1 reflected the 450, and single-stepped its guest to land them */
    o = cs_run_tgm("run", "--nest", "1", "--json", path, NULL);
    assert_int_equal(o.status, 0);
    const char *l1 = cs_json_item(cs_json_get(cs_json_get(o.out, "nest"), "levels"), 0);
    assert_int_equal(cs_json_uint(cs_json_get(l1, "timer_traps")), 450);
    assert_true(cs_json_uint(cs_json_get(l1, "single_steps")) > 0);
    cs_outcome_free(&o);
}

/* The P after each step of OUT, as 'step' shows it ("-> ... P=0x...") or
 * 'stack step' does ("top guest ... P=0x... (2 steps, ...)": the first of
 * the two unseen, UNSEEN), into P (at most MAX); returns how many. */
#define UNSEEN UINT32_MAX
static size_t steps_p(const char *out, bool stack, uint32_t *p, size_t max)
{
    size_t n = 0;
    const char *mark = stack ? "  top guest s" : "    PSW ";
    for (const char *a = strstr(out, mark); a && n < max; a = strstr(a + 1, mark)) {
        const char *q = stack ? strstr(a, " P=0x") : strstr(strstr(a, "->"), " P=0x");
        assert_non_null(q);
        uint32_t v = (uint32_t)strtoul(q + 5, NULL, 16);
        const char *k = strstr(q, "  (");
        unsigned times = stack && k && strncmp(k, "  (2 steps", 10) == 0 ? 2 : 1;
        for (unsigned t = 0; t < times && n < max; t++)
            p[n++] = t + 1 < times ? UNSEEN : v;
    }
    return n;
}

/* docs/monitor.md: 'stack step N' steps the guest on top N of its own steps.
 * It counted one for every return to the guest: the real timer's single
 * steps of a guest in supervisor mode with I = 1 showed each instruction
 * twice, and an instruction level 1 simulated with the timer trap it let in
 * showed as one.  Counted as its bare machine counts, step by step the
 * guest is where the bare machine's 'step' puts it, one and two levels
 * down. */
static void stack_step__counts_the_guests_steps_as_a_bare_machine(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(path, sizeof path, "supt.s", supt_src);
    enum { N = 40 };
    uint32_t bare[N], nest[N];
    snprintf(cmds, sizeof cmds, "load %s; step %d", path, N);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_int_equal(steps_p(o.out, false, bare, N), N);
    cs_outcome_free(&o);
    for (int depth = 1; depth <= 2; depth++) {
        snprintf(cmds, sizeof cmds, "nest %d %s mem 256; stack step %d", depth, path, N);
        o = cs_mon(cmds);
        assert_int_equal(o.status, 0);
        size_t got = steps_p(strstr(o.out, "top guest starts"), true, nest, N);
        assert_true(got >= N - 1); /* a line of two steps may end it at N + 1 */
        for (size_t k = 0; k < got; k++)
            if (nest[k] != UNSEEN && nest[k] != bare[k])
                fail_msg("depth %d, step %zu: P=0x%x, bare P=0x%x", depth, k + 1, nest[k],
                         bare[k]);
        assert_non_null(strstr(o.out, "(2 steps, after "));
        cs_outcome_free(&o);
    }
}

/* ---- a guest meets every row of the dispatcher's table ------------------- */

/* docs/vmm.md's table of dispositions, row by row, in one guest: in virtual
 * supervisor mode a privileged instruction is interpreted, LR and an LPSW
 * that changes R go to the allocator, an LPSW that keeps R is interpreted;
 * in virtual user mode a privileged instruction, HCALL (illegal in a
 * guest), SVC, an illegal word and a memory trap are reflected.  The
 * handler logs each old PSW and resumes after the trap. */
static const char rows_src[] =
    "W = 128\n"
    "        .org  0\n"
    "old:    .word 0\n"
    "        .word psw(SUP, h, 0, W)\n"
    "        .entry start\n"
    "start:  COUT  ch                 ; interpreted\n"
    "        LR    rr                 ; allocator\n"
    "        LPSW  same               ; R kept: interpreted\n"
    "next:   LPSW  user               ; R changed: allocator\n"
    "u:      COUT  ch                 ; privileged, reflected\n"
    "        SVC   7                  ; reflected\n"
    "        .word 0                  ; illegal, reflected\n"
    "        MOV   W - 1, ch          ; past b = W/2: memory, reflected\n"
    "        HCALL 1                  ; illegal in a guest, reflected\n"
    "        SVC   0                  ; the last\n"
    "h:      STX   log, n, old        ; log the old PSW\n"
    "        ADDI  n, n, 1\n"
    "        BEQ   n, six, done\n"
    "        ADD   t, old, onep       ; the cause bits are ignored by LPSW\n"
    "        LPSW  t                  ; R (0, W/2) again: allocator\n"
    "done:   HALT                     ; interpreted\n"
    "ch:     .word 'x'\n"
    "rr:     .word rb(0, W)\n"
    "same:   .word psw(SUP, next, 0, W)\n"
    "user:   .word psw(USER, u, 0, W / 2)\n"
    "onep:   .word 1 << 39\n"
    "six:    .word 6\n"
    "n:      .word 0\n"
    "t:      .word 0\n"
    "log:    .space 6\n";

static uint64_t cell(const char *traps, const char *cause, const char *disp)
{
    return cs_json_uint(cs_json_get(cs_json_get(traps, cause), disp));
}

static void dispositions__a_guest_meets_every_row(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "rows.s", rows_src);
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--stats", "--json", path, NULL);
    assert_int_equal(o.status, 0);
    const char *vm = cs_json_item(cs_json_get(o.out, "vms"), 0);
    const char *st = cs_json_get(vm, "stats"), *tr = cs_json_get(st, "traps");
    assert_int_equal(cell(tr, "privileged", "interpreted"), 3); /* COUT, LPSW, HALT */
    assert_int_equal(cell(tr, "privileged", "allocator"), 7);   /* LR, 6 LPSWs */
    assert_int_equal(cell(tr, "privileged", "reflected"), 2);   /* COUT, HCALL */
    assert_int_equal(cell(tr, "svc", "reflected"), 2);
    assert_int_equal(cell(tr, "illegal", "reflected"), 1);
    assert_int_equal(cell(tr, "memory", "reflected"), 1);
    assert_int_equal(cs_json_uint(cs_json_get(st, "cp_entries")), 16);
    assert_int_equal(cs_json_uint(cs_json_get(st, "cp_cycles")), 16 * 5);
    CS_ASSERT_JSON_STR(cs_json_get(vm, "state"), NULL, "console", "x");
    /* the guest saw the bare machine's traps: HCALL as an illegal word */
    struct tgm_image img;
    assemble(rows_src, &img);
    const struct tgm_symbol *logsym = image_symbol(&img, "log");
    assert_non_null(logsym);
    const struct tgm_image *one[] = {&img};
    struct vmm *v = cp_with(256, 128, one, 1, false);
    assert_int_equal(vmm_run(v, 1000, NULL), VMMSTOP_DONE);
    static const unsigned causes[] = {TRAP_PRIV, TRAP_SVC, TRAP_ILL, TRAP_MEM, TRAP_ILL,
                                      TRAP_SVC};
    const uint64_t *e = machine_mem(vmm_vm_view(v, 0));
    for (size_t k = 0; k < 6; k++) {
        struct psw old = psw_unpack(e[logsym->value + k]);
        if (old.cause != causes[k] || old.sup || old.l != 0 || old.b != 64)
            fail_msg("trap %zu: the guest's old PSW 0x%016llx", k,
                     (unsigned long long)e[logsym->value + k]);
    }
    vmm_destroy(v);
    image_free(&img);
    cs_outcome_free(&o);
    cs_tgm_prints("equivalent (alone)", "check", CS_ARGV("--mem", "128", path));
}

/* ---- tgm counterexample --json, as docs/theorems.md lists it ------------- */

/* Fails unless OBJ's keys are exactly KEYS, in that order. */
static void keys_are(const char *obj, const char *const *keys, const char *what)
{
    const char *p = cs_json_ws(obj);
    assert_int_equal(*p, '{');
    p = cs_json_ws(p + 1);
    size_t k = 0;
    while (*p != '}') {
        char name[64];
        size_t len;
        const char *end = cs_json_string(p, NULL, &len);
        assert_non_null(end);
        assert_true(len < sizeof name);
        cs_json_string(p, name, NULL);
        name[len] = '\0';
        if (!keys[k] || strcmp(name, keys[k]) != 0)
            fail_msg("%s: key %zu is '%s', docs/theorems.md says '%s'", what, k, name,
                     keys[k] ? keys[k] : "(none)");
        k++;
        p = cs_json_ws(end);
        assert_int_equal(*p, ':');
        p = cs_json_value(cs_json_ws(p + 1));
        assert_non_null(p);
        p = cs_json_ws(p);
        if (*p == ',')
            p = cs_json_ws(p + 1);
    }
    if (keys[k])
        fail_msg("%s: no key '%s'", what, keys[k]);
}

static void counterexample__json_is_as_documented(void **state)
{
    (void)state;
    static const char *const report[] = {"profile",      "theorem1",   "theorem3",
                                         "counterexamples", "vmm_fails", "hybrid_fails",
                                         "as_predicted", NULL};
    static const char *const cx[] = {"insn",  "claim",  "witness",     "breaks_theorem3",
                                     "words", "source", "bare_halted", "bare_instructions",
                                     "vmm",   "hybrid", NULL};
    static const char *const mon[] = {"equivalent", "diff", NULL};
    char *doc = cs_slurp("docs/theorems.md", NULL);
    for (const char *const *k = cx; *k; k++) {
        char row[64];
        snprintf(row, sizeof row, "| `%s`", *k);
        if (!strstr(doc, row))
            fail_msg("docs/theorems.md has no row for '%s'", *k);
    }
    free(doc);
    struct cs_outcome o = cs_run_tgm("counterexample", "--profile", "all", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *profiles = cs_json_get(o.out, "profiles");
    size_t n = cs_json_count(profiles), seen = 0;
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        const char *r = cs_json_item(profiles, i);
        keys_are(r, report, "a profile's object");
        const char *list = cs_json_get(r, "counterexamples");
        bool t1 = cs_json_bool(cs_json_get(r, "theorem1"));
        bool t3 = cs_json_bool(cs_json_get(r, "theorem3"));
        bool vmm_fails = false, hybrid_fails = false;
        assert_int_equal(cs_json_count(list) == 0, t1);
        for (size_t j = 0; j < cs_json_count(list); j++, seen++) {
            const char *c = cs_json_item(list, j);
            keys_are(c, cx, "a counterexample");
            keys_are(cs_json_get(c, "vmm"), mon, "vmm");
            keys_are(cs_json_get(c, "hybrid"), mon, "hybrid");
            char *claim = cs_json_str(cs_json_get(c, "claim"), NULL);
            bool user = !strcmp(claim, "ctl-u") || !strcmp(claim, "loc-u");
            assert_int_equal(cs_json_bool(cs_json_get(c, "breaks_theorem3")), user);
            free(claim);
            assert_int_equal(cs_json_uint(cs_json_get(c, "words")), 64);
            assert_true(cs_json_bool(cs_json_get(c, "bare_halted")));
            assert_true(cs_json_uint(cs_json_get(c, "bare_instructions")) > 0);
            for (int m = 0; m < 2; m++) {
                const char *mo = cs_json_get(c, m ? "hybrid" : "vmm");
                bool eq = cs_json_bool(cs_json_get(mo, "equivalent"));
                size_t dlen;
                free(cs_json_str(cs_json_get(mo, "diff"), &dlen));
                assert_int_equal(eq, dlen == 0);
                if (!eq)
                    *(m ? &hybrid_fails : &vmm_fails) = true;
            }
        }
        assert_int_equal(cs_json_bool(cs_json_get(r, "vmm_fails")), vmm_fails);
        assert_int_equal(cs_json_bool(cs_json_get(r, "hybrid_fails")), hybrid_fails);
        assert_int_equal(vmm_fails, !t1);
        assert_int_equal(hybrid_fails, !t3);
        assert_true(cs_json_bool(cs_json_get(r, "as_predicted")));
    }
    assert_int_equal(seen, 6); /* JRSTU, LRA, MFPI, LPSW SPSW SR */
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_walk_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmm_run__a_budget_whose_last_step_halts_is_done),
        cmocka_unit_test(monitor__go_for_n_ending_at_a_halt_says_no_vm_is_runnable),
        cmocka_unit_test(monitor__step_and_next_stop_at_a_vms_step_limit),
        cmocka_unit_test(monitor__step_in_a_vm_waits_for_its_turn),
        cmocka_unit_test(hybrid__a_stretch_that_reaches_the_limit_stops_the_vm),
        cmocka_unit_test(monitor__a_vms_run_counts_the_guests_cycles),
        cmocka_unit_test(monitor__a_trap_stop_sees_the_real_machines_traps),
        cmocka_unit_test(timer__the_real_timer_serves_only_the_cp),
        cmocka_unit_test(view__its_memory_is_the_region_itself),
        cmocka_unit_test(os__in_a_vm_equals_its_bare_run_after_every_chunk),
        cmocka_unit_test(timer__supervisor_code_interrupted_with_i_set_is_equivalent),
        cmocka_unit_test(stack_step__counts_the_guests_steps_as_a_bare_machine),
        cmocka_unit_test(dispositions__a_guest_meets_every_row),
        cmocka_unit_test(counterexample__json_is_as_documented),
    };
    return cmocka_run_group_tests_name("walk_b", tests, group_setup, group_teardown);
}
