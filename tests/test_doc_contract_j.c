/* test_doc_contract_j.c: docs/isa.md, docs/vmm.md, docs/theorems.md,
 * docs/recursion.md and docs/os.md read once more as a contract, against
 * the paper (sections 2-8), by what no other test pinned: the order of a
 * trap's causes on the bare machine and under the control program, a code
 * target developed by the next fetch, a trap's new PSW without a cause, the
 * control program's own words and the real PSW a guest runs under, what an
 * SVC costs each side, the analyzer's classes from one random state, the
 * OS's shortest quantum under every monitor, each level's code at its own
 * relocation, and a virtual timer near 2^63 through the levels.
 *
 * Uses the C API, as an embedder would, and the real binary (cli_support).
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
#include "support.h"
#include "vmm_support.h"
#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

#define I(op, a, b, c) MAKE_INSN(OP_##op, a, b, c)

static void assemble(const char *name, const char *src, struct tgm_image *img)
{
    if (asm_assemble_string(name, src, img, stderr) != 0)
        fail_msg("%s does not assemble", name);
}

/* A guest image of W words: WORDS at 0.. and the entry PSW. */
static struct tgm_image guest_image(uint64_t *words, uint32_t n, uint64_t psw)
{
    struct tgm_image img = {0, n, psw, words, 0, NULL};
    return img;
}

/* vmm_check of IMG alone, on W words, with HYBRID: equivalent, halted. */
static void assert_equivalent(const struct tgm_image *img, uint32_t w, bool hybrid,
                              const char *what)
{
    struct check_opts o = {.w = w, .max_steps = 1000000, .hybrid = hybrid};
    struct check_result res;
    char err[256] = "";
    const struct tgm_image *imgs[] = {img};
    if (vmm_check(imgs, 1, &o, &res, err, sizeof err) != 0)
        fail_msg("%s: vmm_check: %s", what, err);
    if (!res.equivalent || !res.bare_halted)
        fail_msg("%s%s: not equivalent under the control program: %s", what,
                 hybrid ? " (hybrid)" : "", res.alone_diff);
}

/* nest_check of IMG on DEPTH levels of the built-in control program. */
static void assert_nested_equivalent(const struct tgm_image *img, uint32_t w, unsigned depth,
                                     bool under_vmm, const char *what)
{
    struct nest_run_opts o = {.depth = depth, .w = w, .under_vmm = under_vmm};
    struct nest_check_result res;
    char err[256] = "";
    if (nest_check(NULL, img, &o, 1000000, &res, err, sizeof err) != 0)
        fail_msg("%s: nest_check: %s", what, err);
    if (!res.equivalent)
        fail_msg("%s: not equivalent at depth %u%s: %s", what, depth,
                 under_vmm ? " on the C control program" : "", res.diff);
}

/* ---- docs/isa.md: traps -------------------------------------------------- */

/* docs/isa.md, Traps: "When one word could trap for several reasons, the
 * first that applies wins: the fetch's memory trap, then illegal (the word
 * is not an instruction here), then privileged (in user mode, before any
 * operand is developed), then an operand's memory trap.  A privileged
 * instruction in user mode with an operand out of bounds therefore takes a
 * privileged trap, on the bare machine and under the control program
 * alike."  Each word below could trap for two of the reasons; the guest
 * (R = (0, 20) in a machine of 64 words) records the old PSW its handler
 * finds, and the control program, plain and hybrid, must give it the same. */
static void isa__the_first_cause_that_applies_wins_bare_and_under_the_cp(void **state)
{
    (void)state;
    enum { W = 64, B = 20, AT = 10, H = 40 };
    static const struct {
        const char *what;
        bool user;
        uint32_t p;
        uint64_t word;
        unsigned cause;
    } cases[] = {
        {"a fetch out of bounds of a word that is no instruction", true, B + 2, 0, TRAP_MEM},
        {"a fetch out of bounds in supervisor mode", false, B, 0, TRAP_MEM},
        {"HALT with an unused field set, in user mode", true, AT, I(HALT, 1, 0, 0), TRAP_ILL},
        {"LPSW with its operand out of bounds and C set, in user mode", true, AT,
         I(LPSW, B + 5, 0, 1), TRAP_ILL},
        {"JRSTU (not in this profile) with a target out of bounds, in user mode", true, AT,
         I(JRSTU, B + 5, 0, 0), TRAP_ILL},
        {"LPSW with its operand out of bounds, in user mode", true, AT, I(LPSW, B + 5, 0, 0),
         TRAP_PRIV},
        {"COUT with its operand out of bounds, in user mode", true, AT, I(COUT, B, 0, 0),
         TRAP_PRIV},
        {"TSET with its operand beyond q, in user mode", true, AT, I(TSET, W + 1, 0, 0),
         TRAP_PRIV},
        {"LPSW with its operand out of bounds, in supervisor mode", false, AT,
         I(LPSW, B + 5, 0, 0), TRAP_MEM},
        {"HCALL in user mode (not an instruction of a guest)", true, AT, I(HCALL, 0, 0, 0),
         TRAP_ILL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        uint64_t words[W] = {0};
        words[1] = ts_psw(true, false, 0, H, 0, W);
        words[H] = I(HALT, 0, 0, 0);
        if (cases[k].p < W)
            words[cases[k].p] = cases[k].word;
        uint64_t entry = ts_psw(!cases[k].user, false, 0, cases[k].p, 0, B);
        struct tgm_image img = guest_image(words, W, entry);

        struct machine *m = ts_machine(W, NULL, false);
        char err[256];
        assert_int_equal(image_load(m, &img, err, sizeof err), 0);
        struct machine_exit ex;
        assert_int_equal(machine_run(m, 10, &ex), EXIT_HALT);
        uint64_t old = ts_peek(m, 0);
        if (psw_unpack(old).cause != cases[k].cause)
            fail_msg("%s: the bare machine took %s, not %s", cases[k].what,
                     trap_cause_name(psw_unpack(old).cause), trap_cause_name(cases[k].cause));
        ts_assert_psw(old, !cases[k].user, false, cases[k].cause, cases[k].p, 0, B);
        assert_int_equal(machine_get_counters(m).traps[cases[k].cause], 1);
        machine_destroy(m);

        assert_equivalent(&img, W, false, cases[k].what);
        assert_equivalent(&img, W, true, cases[k].what);
    }
}

/* docs/isa.md, the field kinds: "t | a code address: P := t, developed by
 * the next fetch", and "An instruction develops all of its addresses
 * before it changes anything".  So a JAL whose target is out of bounds is
 * no trap of its own: it links and jumps, and the fetch at t takes the
 * memory trap, with t as the saved P.  A JAL whose link is out of bounds
 * does neither. */
static void isa__a_code_target_is_developed_by_the_next_fetch(void **state)
{
    (void)state;
    struct machine *m = ts_machine(64, NULL, false);
    ts_set_new_psw(m, 40, false);
    ts_poke(m, 40, I(HALT, 0, 0, 0));
    ts_poke(m, 10, I(JAL, 5, 50, 0));
    machine_set_psw(m, ts_psw(false, false, 0, 10, 0, 20));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 5), 11);
    ts_assert_psw(machine_get_psw(m), false, false, 0, 50, 0, 20);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.instret, 1);
    assert_int_equal(c.cycles, 2);
    assert_int_equal(c.traps[TRAP_MEM], 0);
    ts_step_expect(m, EXIT_BUDGET);
    ts_assert_psw(ts_peek(m, 0), false, false, TRAP_MEM, 50, 0, 20);

    /* BEQ and JMP alike; JAL's link out of bounds: no link, no jump */
    machine_reset(m);
    ts_set_new_psw(m, 40, false);
    ts_poke(m, 10, I(JAL, 25, 3, 0));
    ts_poke(m, 25, 77);
    machine_set_psw(m, ts_psw(false, false, 0, 10, 0, 20));
    ts_step_expect(m, EXIT_BUDGET);
    ts_assert_psw(ts_peek(m, 0), false, false, TRAP_MEM, 10, 0, 20);
    assert_int_equal(ts_peek(m, 25), 77);
    machine_destroy(m);
}

/* docs/isa.md: "The cause field is written by a trap into the old PSW ...;
 * it is ignored when a PSW is loaded (by LPSW, or from E[1] by a trap)."
 * A trap through an E[1] whose cause bits are all set runs the handler
 * with no cause in its PSW: SPSW stores cause 0, and the handler's own
 * trap stores its own cause, not one merged with E[1]'s. */
static void isa__a_trap_takes_no_cause_from_e1(void **state)
{
    (void)state;
    struct machine *m = ts_machine(64, NULL, false);
    ts_poke(m, 1, ts_psw(true, false, 0, 40, 0, 64) | UINT64_C(0xF) << PSW_CAUSE_SHIFT);
    ts_poke(m, 5, I(SVC, 9, 0, 0));
    ts_poke(m, 40, I(SPSW, 30, 0, 0));
    ts_poke(m, 41, I(SVC, 1, 0, 0));
    machine_set_psw(m, ts_psw(true, false, 0, 5, 0, 64));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(machine_psw(m).cause, 0);
    assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, 40, 0, 64));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 30), ts_psw(true, false, 0, 41, 0, 64));
    ts_step_expect(m, EXIT_BUDGET);
    assert_int_equal(ts_peek(m, 0), ts_psw(true, false, TRAP_SVC, 41, 0, 64));
    machine_destroy(m);
}

/* ---- docs/vmm.md: the control program's words and the real PSW ----------- */

/* docs/vmm.md's drawing of real E: E[1] the CP's PSW "<s, P = 2, R = (0,
 * q)>, I = 0", E[2] "HCALL 0 (D)", E[3] "HALT (never)"; and include/tgm/
 * vmm.h: VMM_ENTRY is 2, VMM_K 8.  For the largest real machine too, whose
 * b = 2^19 needs the PSW's twentieth bit. */
static void vmm__the_cps_words_are_as_drawn(void **state)
{
    (void)state;
    assert_int_equal(VMM_ENTRY, 2);
    assert_int_equal(VMM_K, 8);
    static const uint32_t qs[] = {4096, TGM_Q_MAX};
    for (size_t k = 0; k < 2; k++) {
        struct vmm_config cfg = {.q = qs[k]};
        struct vmm *v = tv_cp(&cfg);
        const uint64_t *e = machine_mem(vmm_machine(v));
        ts_assert_psw(e[1], true, false, 0, VMM_ENTRY, 0, qs[k]);
        assert_int_equal(e[2], I(HCALL, 0, 0, 0));
        assert_int_equal(e[3], I(HALT, 0, 0, 0));
        vmm_destroy(v);
    }
}

/* A control program with one VM of 100 words: a user SVC at P = 7 under
 * R = (3, 20), a supervisor HALT as its handler.  Its view into *VIEW. */
static struct vmm *svc_then_halt(int *id, struct machine **view)
{
    struct vmm_config cfg = {.q = 4096};
    struct vmm *v = tv_cp(&cfg);
    *view = tv_cp_vm(v, 100, id);
    ts_poke(*view, 1, ts_psw(true, false, 0, 60, 0, 100));
    ts_poke(*view, 60, I(HALT, 0, 0, 0));
    ts_poke(*view, 3 + 7, I(SVC, 4, 0, 0));
    machine_set_psw(*view, ts_psw(false, false, 0, 7, 3, 20));
    return v;
}

/* docs/vmm.md: a VM runs "in real user mode with M' = u, P' = p, R' = (l +
 * base, b') ... and with the real I = 1 whatever the virtual I".  The real
 * trap's old PSW (real E[0]) shows what the guest ran under; the guest's own
 * E[0] holds the virtual one: I = 0 and its own l ("the virtual R, not the
 * real one"). */
static void vmm__a_guest_runs_with_the_real_i_set_and_r_composed(void **state)
{
    (void)state;
    int id;
    struct machine *view;
    struct vmm *v = svc_then_halt(&id, &view);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(v, id, &in), 0);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 100, &ex), VMMSTOP_DONE);
    assert_int_equal(vmm_vm_info(v, id, &in), 0);
    assert_int_equal(in.state, VM_HALTED);
    uint64_t real_old = ts_peek(vmm_machine(v), 0);
    /* the last real trap is the HALT's, in virtual supervisor mode: real
     * user mode, I = 1, R' = (0 + base, 100) */
    ts_assert_psw(real_old, false, true, TRAP_PRIV, 60, in.base, 100);
    ts_assert_psw(ts_peek(view, 0), false, false, TRAP_SVC, 7, 3, 20);
    vmm_destroy(v);

    /* and the SVC's own real trap, stopped on: R' = (3 + base, 20) */
    v = svc_then_halt(&id, &view);
    machine_trap_stop(vmm_machine(v), 1u << TRAP_SVC);
    assert_int_equal(vmm_run(v, 100, &ex), VMMSTOP_DEBUG);
    ts_assert_psw(ts_peek(vmm_machine(v), 0), false, true, TRAP_SVC, 7, 3 + in.base, 20);
    vmm_destroy(v);
}

/* docs/vmm.md, "How the efficiency ratio counts it": an SVC is "a CP entry
 * with cause svc and disposition reflected, ... and its cost as 5 real
 * cycles of cp_cycles (the trap sequence, 4, and the HCALL, 1), while the
 * guest's virtual time is charged the bare trap's 4 cycles and one step",
 * and it is in neither the direct nor the interpreted count.  The HALT
 * that follows in virtual supervisor mode is interpreted: one more entry
 * of 5 cycles, 1 virtual cycle, one instruction. */
static void vmm__an_svc_costs_the_cp_five_cycles_and_the_guest_four(void **state)
{
    (void)state;
    struct vmm_config cfg = {.q = 4096};
    struct vmm *v = tv_cp(&cfg);
    int id;
    struct machine *view = tv_cp_vm(v, 64, &id);
    ts_poke(view, 1, ts_psw(true, false, 0, 20, 0, 64));
    ts_poke(view, 10, I(SVC, 1, 0, 0));
    ts_poke(view, 20, I(HALT, 0, 0, 0));
    machine_set_psw(view, ts_psw(false, false, 0, 10, 0, 64));
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 100, &ex), VMMSTOP_DONE);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(v, id, &in), 0);
    assert_int_equal(in.stats.traps[TRAP_SVC][DISP_REFLECTED], 1);
    assert_int_equal(in.stats.traps[TRAP_PRIV][DISP_INTERPRETED], 1);
    assert_int_equal(in.stats.entries, 2);
    assert_int_equal(in.stats.cp_cycles, 2 * (TGM_TRAP_CYCLES + 1));
    assert_int_equal(in.stats.direct, 0);
    assert_int_equal(in.stats.interpreted, 1);
    assert_int_equal(in.stats.guest_cycles, 0);
    struct machine_counters c = machine_get_counters(view);
    assert_int_equal(c.cycles, TGM_TRAP_CYCLES + 1);
    assert_int_equal(c.steps, 2);
    assert_int_equal(c.instret, 1);
    assert_int_equal(c.traps[TRAP_SVC], 1);
    /* the real machine: both trap sequences, both HCALLs */
    assert_int_equal(machine_cycles(vmm_machine(v)), 2 * (TGM_TRAP_CYCLES + 1));
    vmm_destroy(v);
}

static struct vmm_event seen_ev[16];
static size_t nseen;

static void keep_event(void *ctx, const struct vmm_event *e)
{
    (void)ctx;
    if (nseen < 16)
        seen_ev[nseen] = *e;
    nseen++;
}

/* docs/vmm.md's dispatcher table: a real timer trap is "the CP's own timer:
 * the end of a time slice, or the virtual timer expiring" (scheduler), and
 * the virtual timer's trap delivered into the guest is an event of its own
 * (reflected).  include/tgm/vmm.h named only the slice.  A lone VM has no
 * slices: its one real timer trap is its virtual timer's, a scheduler
 * entry, followed by the reflected delivery at the same P. */
static void vmm__a_lone_vms_timer_trap_is_a_scheduler_entry_then_delivered(void **state)
{
    (void)state;
    struct vmm_config cfg = {.q = 4096};
    struct vmm *v = tv_cp(&cfg);
    int id;
    struct machine *view = tv_cp_vm(v, 64, &id);
    ts_poke(view, 1, ts_psw(true, false, 0, 40, 0, 64));
    ts_poke(view, 40, I(HALT, 0, 0, 0));
    ts_poke(view, 30, 50);
    ts_poke(view, 10, I(TSET, 30, 0, 0));
    ts_poke(view, 11, I(LPSW, 31, 0, 0));
    ts_poke(view, 31, ts_psw(false, true, 0, 20, 0, 64));
    ts_poke(view, 20, I(ADDI, 32, 32, 1));
    ts_poke(view, 21, I(JMP, 20, 0, 0));
    machine_set_psw(view, ts_psw(true, false, 0, 10, 0, 64));
    nseen = 0;
    vmm_set_event_hook(v, keep_event, NULL);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 1000, &ex), VMMSTOP_DONE);
    /* TSET and LPSW interpreted, the timer's two events, the HALT */
    assert_int_equal(nseen, 5);
    assert_int_equal(seen_ev[2].cause, TRAP_TIMER);
    assert_int_equal(seen_ev[2].disp, DISP_SCHEDULER);
    assert_int_equal(seen_ev[3].cause, TRAP_TIMER);
    assert_int_equal(seen_ev[3].disp, DISP_REFLECTED);
    assert_int_equal(seen_ev[3].reflected, TRAP_TIMER);
    assert_int_equal(seen_ev[2].p, seen_ev[3].p);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(v, id, &in), 0);
    assert_int_equal(in.stats.traps[TRAP_TIMER][DISP_SCHEDULER], 1);
    assert_int_equal(in.stats.traps[TRAP_TIMER][DISP_REFLECTED], 1);
    assert_int_equal(machine_get_counters(view).traps[TRAP_TIMER], 1);
    vmm_destroy(v);
}

/* docs/vmm.md, What a guest can depend on: "Any R it loads, by LPSW or LR,
 * behaves as on a bare machine of w words: b up to 2^20 - 1 bounds nothing
 * more than w - l, l + b past 2^19 is no wrap into other memory, and with
 * l >= w nothing is addressable", "at any depth of nesting"; and docs/
 * isa.md: such a b "is kept as it is" (SR and SPSW give it back).  One
 * guest meets each case; the C control program, plain and hybrid, and one
 * and two levels of the machine-code one, end as the bare machine does. */
static void vmm__r_at_its_extremes_behaves_as_bare_at_any_depth(void **state)
{
    (void)state;
    static const char src[] =
        "; R words at their extremes, loaded, stored back and used\n"
        "        .org 0\n"
        "        .word 0\n"
        "        .word psw(SUP, handler, 0, 0x400)\n"
        "        .entry start\n"
        "start:  LR    big            ; b = 2^20 - 1, l = 0\n"
        "        SR    r1             ; kept as it is\n"
        "        SPSW  p1\n"
        "        MOV   x, y           ; addresses still develop up to w\n"
        "        LR    far            ; l = 0x7ffff: nothing addressable\n"
        "        NOP                  ; the fetch traps: a memory trap\n"
        "handler: BNZ  done, fin\n"
        "        LI    done, 1\n"
        "        SR    r2\n"
        "        SPSW  p2\n"
        "        LPSW  wide\n"
        "back:   SR    r3\n"
        "        LPSW  nowhere        ; R = (0x3ff, 2^20-1): only E[0x3ff] in 1024 words\n"
        "fin:    SR    r4\n"
        "        SPSW  p4\n"
        "        HALT\n"
        "done:   .word 0\n"
        "big:    .word rb(0, 0) | 0xfffff\n"
        "far:    .word rb(0x7ffff, 0) | 0xfffff\n"
        "wide:   .word psw(SUP, back, 0, 0) | 0xfffff\n"
        "nowhere: .word psw(SUP, 0, 0x3ff, 0) | 0xfffff\n"
        "x:      .word 0\n"
        "y:      .word 0x1234\n"
        "r1:     .word 0\n"
        "r2:     .word 0\n"
        "r3:     .word 0\n"
        "r4:     .word 0\n"
        "p1:     .word 0\n"
        "p2:     .word 0\n"
        "p4:     .word 0\n";
    struct tgm_image img;
    assemble("extreme-r.s", src, &img);
    struct machine *m = ts_machine(1024, NULL, false);
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    const struct tgm_symbol *r1 = image_symbol(&img, "r1"), *p1 = image_symbol(&img, "p1");
    assert_non_null(r1);
    assert_non_null(p1);
    assert_int_equal(ts_peek(m, (uint32_t)r1->value), 0xFFFFF);     /* LR big; SR */
    assert_int_equal(ts_peek(m, (uint32_t)r1->value + 2), 0xFFFFF); /* LPSW wide; SR */
    assert_int_equal(ts_peek(m, (uint32_t)p1->value) & PSW_B_MASK, 0xFFFFF);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_MEM], 1); /* the fetch with l = 2^19 - 1 */
    assert_int_equal(c.traps[TRAP_ILL], 1); /* E[0x3ff], the one word R reaches */
    machine_destroy(m);
    assert_equivalent(&img, 1024, false, "extreme R");
    assert_equivalent(&img, 1024, true, "extreme R");
    assert_nested_equivalent(&img, 1024, 1, false, "extreme R");
    assert_nested_equivalent(&img, 1024, 2, false, "extreme R");
    assert_nested_equivalent(&img, 1024, 1, true, "extreme R");
    image_free(&img);
}

/* ---- docs/theorems.md --------------------------------------------------- */

/* docs/theorems.md, State generation: "With --random-states 1 (the
 * boundary states and one random state) every profile already derives its
 * declared classes".  --check-declared exits 1 on any difference. */
static void theorems__one_random_state_derives_every_declared_class(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--random-states", "1",
                                     "--check-declared", NULL);
    if (o.status != 0)
        fail_msg("tgm analyze --random-states 1 --check-declared: status %d\n%s", o.status,
                 o.err);
    assert_non_null(strstr(o.out, "profile x86:"));
    assert_non_null(strstr(o.out, "1 random state per instruction"));
    cs_outcome_free(&o);
}

/* docs/theorems.md, Witnesses, "Which witnesses are shown" (the text output
 * and --json showed different sets, and the document did not say which):
 * the text lists every claim found for each instruction derived sensitive
 * and nothing for the others; --json gives every witness, an unprivileged
 * innocuous instruction's not-priv one included. */
static void theorems__the_text_shows_the_sensitive_instructions_witnesses(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "x86", NULL);
    assert_int_equal(o.status, 0);
    const char *w = strstr(o.out, "\nwitnesses (cells of E not listed are 0):\n");
    assert_non_null(w);
    const char *end = strstr(w, "\nTheorem 1 ");
    assert_non_null(end);
    size_t n = (size_t)(end - w);
    static const char *const shown[] = {"  SPSW   not-priv ", "  SPSW   loc-u ", "  SPSW   mode ",
                                        "  LPSW   not-priv ", "  LPSW   ctl-s ", "  HALT   ctl-s ",
                                        "  SR     not-priv ", "  LR     ctl-s "};
    static const char *const hidden[] = {"  ADD    ", "  NOP    ", "  SVC    ", "  TGET   "};
    for (size_t k = 0; k < sizeof shown / sizeof shown[0]; k++) {
        const char *at = strstr(w, shown[k]);
        if (!at || at > w + n)
            fail_msg("the text output's witnesses lack '%s'", shown[k]);
    }
    for (size_t k = 0; k < sizeof hidden / sizeof hidden[0]; k++) {
        const char *at = strstr(w, hidden[k]);
        if (at && at < w + n)
            fail_msg("the text output shows a witness of '%s', which is not sensitive",
                     hidden[k]);
    }
    cs_outcome_free(&o);

    o = cs_run_tgm("analyze", "--profile", "x86", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *add = strstr(o.out, "{\"name\":\"ADD\"");
    assert_non_null(add);
    const char *next = strstr(add + 1, "{\"name\":");
    const char *np = strstr(add, "\"claim\":\"not-priv\"");
    assert_true(np && (!next || np < next));
    const char *svc = strstr(o.out, "{\"name\":\"SVC\"");
    assert_non_null(svc);
    next = strstr(svc + 1, "{\"name\":");
    const char *traps = strstr(svc, "S1 (s) traps (svc), S2 (u) traps (svc)");
    assert_true(traps && (!next || traps < next));
    cs_outcome_free(&o);
    char *doc = cs_slurp("docs/theorems.md", NULL);
    assert_non_null(strstr(doc, "Which witnesses are shown: the text output lists"));
    free(doc);
}

/* docs/theorems.md: "The derived classes were also checked to be the same
 * for seeds 1 to 12 and for q = 16, 24, 48 and 64", and of the
 * counterexamples "The outcomes are the same for seeds 1, 2, 3, 7, 12, 99
 * and 12345 at q = 16, 24, 32, 48 and 64."  One corner of each grid, the
 * smallest machine and the largest (the whole grids take a minute). */
static void theorems__other_seeds_and_sizes_give_the_same_classes_and_outcomes(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--seed", "12", "--words",
                                     "16", "--check-declared", NULL);
    if (o.status != 0)
        fail_msg("analyze --seed 12 --words 16 --check-declared: status %d\n%s", o.status, o.err);
    cs_outcome_free(&o);
    o = cs_run_tgm("counterexample", "--profile", "all", "--expect", "--seed", "12345",
                   "--words", "64", NULL);
    if (o.status != 0)
        fail_msg("counterexample --seed 12345 --words 64 --expect: status %d\n%s", o.status,
                 o.err);
    assert_non_null(strstr(o.out, "outcome: the VMM differs on 3 of 3, the hybrid VMM on 2 of 3: "
                                  "as Theorems 1 and 3 predict"));
    cs_outcome_free(&o);
}

/* include/tgm/analyze.h said a mode pair and the `mode` count are "(s, u)
 * pairs with the same r", but docs/theorems.md's mode rule takes S2 at r
 * (+) x too ("its 2745 mode pairs include the mixed ones (m1 != m2, x >
 * 0)"), and so does the analyzer.  Same-r pairs that both complete are at
 * most the pairs in which neither memory traps (the s/u count); an
 * unprivileged instruction's mode count is well above it, and SR on x86,
 * whose mixed pairs differ only by the location, is still not mode
 * sensitive. */
static void analyze_h__mode_pairs_include_shifted_ones(void **state)
{
    (void)state;
    struct analyze_result *r = analyze_profile(isa_profile_find("x86"), NULL);
    assert_non_null(r);
    const struct analyze_insn *sr = &r->insn[OP_SR], *add = &r->insn[OP_ADD];
    assert_true(sr->n.mode > sr->n.priv_pairs);
    assert_true(add->n.mode > add->n.priv_pairs);
    assert_int_equal(sr->n.mode, 2745);
    assert_true(sr->derived & CLASS_LOC_U);
    assert_false(sr->derived & CLASS_MODE);
    assert_false(sr->found[CLAIM_MODE]);
    analyze_result_free(r);
}

/* ---- docs/os.md --------------------------------------------------------- */

/* examples/os/os.s assembled with its word `quantum` patched to Q. */
static void os_with_quantum(struct tgm_image *img, uint64_t q)
{
    if (asm_assemble_file("examples/os/os.s", img, stderr) != 0)
        fail_msg("examples/os/os.s does not assemble");
    const struct tgm_symbol *s = image_symbol(img, "quantum");
    assert_non_null(s);
    assert_true(s->value >= img->load && s->value < img->load + img->nwords);
    img->words[s->value - img->load] = q;
}

/* docs/os.md, Changing it: the quantum "must be at least 6 ...  With 6 the
 * OS runs to its end, bare, under the control program and nested."  (The
 * bare run is pinned in test_theory.c; here the monitors.) */
static void os__a_quantum_of_six_runs_to_its_end_under_every_monitor(void **state)
{
    (void)state;
    struct tgm_image img;
    os_with_quantum(&img, 6);
    assert_equivalent(&img, 1024, false, "the OS with a quantum of 6");
    assert_equivalent(&img, 1024, true, "the OS with a quantum of 6");
    assert_nested_equivalent(&img, 1024, 1, false, "the OS with a quantum of 6");
    assert_nested_equivalent(&img, 1024, 1, true, "the OS with a quantum of 6");
    image_free(&img);
}

/* docs/os.md: with a quantum of 5 "every process takes its timer trap at
 * apparent P = 1 and none ever runs (a livelock, not a trap loop: the run
 * goes on until its step limit, with the boot line alone on the console)".
 * So the run does not halt, and it is no trap loop. */
static void os__a_quantum_of_five_is_a_livelock_not_a_trap_loop(void **state)
{
    (void)state;
    struct tgm_image img;
    os_with_quantum(&img, 5);
    struct machine *m = ts_machine(1024, NULL, false);
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100000, &ex), EXIT_BUDGET);
    unsigned cause = TRAP_NONE;
    assert_false(machine_trap_loop(m, &cause));
    size_t n;
    const uint8_t *out = machine_console_output(m, &n);
    static const char boot[] = "os: 4 processes, quantum 5 cycles\n";
    assert_int_equal(n, strlen(boot));
    assert_memory_equal(out, boot, n);
    assert_true(machine_get_counters(m).traps[TRAP_TIMER] > 1000);
    machine_destroy(m);
    image_free(&img);
}

/* docs/os.md: a quantum of 0 or less "disarms the timer at each dispatch,
 * as TSET does with E[a] <= 0, so no process is ever preempted": the OS
 * runs each process to its end without one timer trap, and halts. */
static void os__a_quantum_of_zero_preempts_nothing(void **state)
{
    (void)state;
    struct tgm_image img;
    os_with_quantum(&img, 0);
    struct machine *m = ts_machine(1024, NULL, false);
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000000, &ex), EXIT_HALT);
    assert_int_equal(machine_get_counters(m).traps[TRAP_TIMER], 0);
    size_t n;
    const char *out = (const char *)machine_console_output(m, &n);
    char *text = strndup(out, n);
    assert_non_null(strstr(text, "os: process 1 exited"));
    assert_non_null(strstr(text, "os: all processes done: 3 exited, 1 killed\n"));
    free(text);
    machine_destroy(m);
    image_free(&img);
}

/* docs/os.md, Trap entry: "A negative E[0] (S is the sign bit) means the
 * kernel itself trapped: a kernel bug, so it prints `os: panic: kernel
 * trap` and halts."  A kernel whose first instruction is no instruction
 * takes an illegal trap in supervisor mode at boot. */
static void os__a_kernel_trap_is_a_panic(void **state)
{
    (void)state;
    struct tgm_image img;
    if (asm_assemble_file("examples/os/os.s", &img, stderr) != 0)
        fail_msg("examples/os/os.s does not assemble");
    const struct tgm_symbol *boot = image_symbol(&img, "boot"), *stop = image_symbol(&img, "stop");
    assert_non_null(boot);
    assert_non_null(stop);
    assert_int_equal(psw_unpack(img.entry_psw).p, boot->value);
    img.words[boot->value - img.load] = 0;
    struct machine *m = ts_machine(1024, NULL, false);
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    assert_int_equal(machine_run(m, 100000, NULL), EXIT_HALT);
    size_t n;
    const uint8_t *out = machine_console_output(m, &n);
    static const char want[] = "os: panic: kernel trap\n";
    assert_int_equal(n, strlen(want));
    assert_memory_equal(out, want, n);
    assert_int_equal(machine_psw(m).p, stop->value + 1);
    ts_assert_psw(ts_peek(m, 0), true, false, TRAP_ILL, (uint32_t)boot->value, 0, TGM_Q_MAX);
    machine_destroy(m);
    image_free(&img);
}

/* ---- docs/recursion.md -------------------------------------------------- */

static uint64_t by_level[NEST_MAX_DEPTH + 1], misplaced;
static uint32_t trace_k, trace_depth;

static void count_level(void *ctx, const struct machine_trace *t)
{
    (void)ctx;
    struct psw p = psw_unpack(t->psw_before);
    if (p.l >= trace_depth * trace_k)
        by_level[0]++;
    else if (p.l % trace_k == 0)
        by_level[trace_depth - p.l / trace_k]++;
    else
        misplaced++;
}

/* docs/recursion.md, Stacks: "Each level takes K = 640 words"; "Level 1
 * hosts the guest proper; level N runs on the real machine.  The real
 * machine runs level d's own code with l = (N - d) K, and the guest proper
 * with l >= N K, so the monitor can always say whose code is running."
 * Every real step of the OS on two levels is one or the other, and each
 * level's code runs (level 1's in real user mode, as level 2's guest). */
static void recursion__each_levels_code_runs_at_its_own_l(void **state)
{
    (void)state;
    struct tgm_image guest;
    if (asm_assemble_file("examples/os/os.s", &guest, stderr) != 0)
        fail_msg("examples/os/os.s does not assemble");
    struct nest_run_opts o = {.depth = 2, .w = 1024};
    struct nest_run r;
    char err[256];
    assert_int_equal(nest_run_start(NULL, &guest, &o, &r, err, sizeof err), 0);
    assert_int_equal(r.lay.map.k, 640);
    assert_int_equal(r.lay.top_base, 2 * 640);
    assert_int_equal(r.lay.top_w, 1024);
    trace_k = r.lay.map.k;
    trace_depth = 2;
    memset(by_level, 0, sizeof by_level);
    misplaced = 0;
    machine_set_trace(r.real, count_level, NULL);
    assert_true(nest_run_go(&r, 0));
    assert_int_equal(misplaced, 0);
    for (unsigned d = 0; d <= 2; d++)
        if (by_level[d] == 0)
            fail_msg("no real step ran %s%u", d ? "level " : "the guest proper, level ", d);
    nest_run_free(&r);
    image_free(&guest);
}

/* docs/recursion.md, Virtual time: "A virtual timer near 2^63 cycles
 * cannot be armed with the offsets above without overflowing; the CP arms
 * the largest value and adds back the difference when it reads the timer
 * (tcorr)."  A guest that arms 2^63 - 1 and reads it back after a trap
 * reads what the bare machine reads, in each of the CP's timer modes
 * (late: I = 0; exact: I = 1 in user mode; step: I = 1 in supervisor mode),
 * one and two levels deep and on the C control program. */
static void recursion__a_virtual_timer_near_2_63_is_exact_through_the_levels(void **state)
{
    (void)state;
    static const char *const modes[] = {"psw(SUP", "pswi(SUP", "pswi(USER", "psw(USER"};
    for (size_t k = 0; k < 4; k++) {
        char src[1024];
        snprintf(src, sizeof src,
                 "        .org 0\n"
                 "        .word 0\n"
                 "        .word psw(SUP, handler, 0, 0x400)\n"
                 "        .entry start\n"
                 "start:  TSET  big\n"
                 "        LPSW  go\n"
                 "handler: TGET left\n"
                 "        HALT\n"
                 "go:     .word %s, body, 0, 0x400)\n"
                 "body:   ADDI  n, n, 1\n"
                 "        SVC   1\n"
                 "big:    .word 0x7fffffffffffffff\n"
                 "n:      .word 0\n"
                 "left:   .word 0\n",
                 modes[k]);
        struct tgm_image img;
        assemble("bigtimer.s", src, &img);
        /* bare: TSET 2, LPSW 3, ADDI 2, SVC's trap 4, TGET reads at its start */
        struct machine *m = ts_machine(1024, NULL, false);
        char err[256];
        assert_int_equal(image_load(m, &img, err, sizeof err), 0);
        assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
        const struct tgm_symbol *left = image_symbol(&img, "left");
        assert_non_null(left);
        assert_int_equal(ts_peek(m, (uint32_t)left->value), INT64_MAX - (2 + 3 + 2 + 4));
        machine_destroy(m);
        assert_equivalent(&img, 1024, false, modes[k]);
        assert_nested_equivalent(&img, 1024, 1, false, modes[k]);
        assert_nested_equivalent(&img, 1024, 2, false, modes[k]);
        assert_nested_equivalent(&img, 1024, 1, true, modes[k]);
        image_free(&img);
    }
}

/* docs/recursion.md: "--max-steps N (default 100,000,000) limits the bare
 * run; the stack may take 1,000 times as many real steps
 * (NEST_STEP_FACTOR).  A run that does not halt within its limit is never
 * called equivalent".  The OS halts bare in 9171 steps; four levels take
 * 3,746,851 real steps, under 1,000 times that, and five about 3.5 times
 * as many, over it. */
static void recursion__the_stack_may_take_a_thousand_times_the_bare_limit(void **state)
{
    (void)state;
    assert_int_equal(NEST_STEP_FACTOR, 1000);
    cs_tgm_prints("examples/os/os.s: equivalent at depth 4 (E, PSW, R, timer, console; 174 "
                  "traps in the same order, 42 of them timer traps); real steps 3746851, bare "
                  "9171 ",
                  "check", CS_ARGV("--nest", "4", "--max-steps", "9171", "examples/os/os.s"));
    struct cs_outcome o = cs_run_tgm("check", "--nest", "5", "--max-steps", "9171",
                                     "examples/os/os.s", NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "examples/os/os.s: NOT equivalent at depth 5: the nested run "
                               "did not halt within 9171000 steps\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "4", "--max-steps", "9170", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "examples/os/os.s: NOT equivalent at depth 4: the bare run did "
                               "not halt within 9170 steps\n");
    cs_outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_j");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(isa__the_first_cause_that_applies_wins_bare_and_under_the_cp),
        cmocka_unit_test(isa__a_code_target_is_developed_by_the_next_fetch),
        cmocka_unit_test(isa__a_trap_takes_no_cause_from_e1),
        cmocka_unit_test(vmm__the_cps_words_are_as_drawn),
        cmocka_unit_test(vmm__a_guest_runs_with_the_real_i_set_and_r_composed),
        cmocka_unit_test(vmm__an_svc_costs_the_cp_five_cycles_and_the_guest_four),
        cmocka_unit_test(vmm__a_lone_vms_timer_trap_is_a_scheduler_entry_then_delivered),
        cmocka_unit_test(vmm__r_at_its_extremes_behaves_as_bare_at_any_depth),
        cmocka_unit_test(theorems__one_random_state_derives_every_declared_class),
        cmocka_unit_test(theorems__the_text_shows_the_sensitive_instructions_witnesses),
        cmocka_unit_test(theorems__other_seeds_and_sizes_give_the_same_classes_and_outcomes),
        cmocka_unit_test(analyze_h__mode_pairs_include_shifted_ones),
        cmocka_unit_test(os__a_quantum_of_six_runs_to_its_end_under_every_monitor),
        cmocka_unit_test(os__a_quantum_of_five_is_a_livelock_not_a_trap_loop),
        cmocka_unit_test(os__a_quantum_of_zero_preempts_nothing),
        cmocka_unit_test(os__a_kernel_trap_is_a_panic),
        cmocka_unit_test(recursion__each_levels_code_runs_at_its_own_l),
        cmocka_unit_test(recursion__a_virtual_timer_near_2_63_is_exact_through_the_levels),
        cmocka_unit_test(recursion__the_stack_may_take_a_thousand_times_the_bare_limit),
    };
    return cmocka_run_group_tests_name("doc_contract_j", tests, group_setup, group_teardown);
}
