/* test_vmm.c: the control program against the bare machine (sections 4-6, 8).
 * Privileged instructions in virtual supervisor mode are interpreted (v_i) or
 * go to the allocator, in virtual user mode are reflected; every trap cause,
 * the virtual timer included, reaches the guest as on a bare machine of w
 * words; section 6's map f and its inverse g; efficiency; hybrid mode.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

/* A guest of W words: code from CODE, data from D, and a trap handler at
 * HND (a HALT) that E[1] names. */
#define W 128u
#define CODE 8u
#define D 64u
#define X 65u
#define Y 66u
#define Z 67u
#define HND 120u
#define BIG 0xFFFFFu /* the largest b: beyond any w */
#define NWORDS 14

#define I(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))
#define LI(a, imm) MAKE_INSN_L(OP_LI, (a), (imm))
#define HALT I(HALT, 0, 0, 0)
#define NOP I(NOP, 0, 0, 0)
#define PSW(s, i, p, l, b) TS_PSW(s, i, 0, p, l, b)
#define SUP PSW(1, 0, CODE, 0, W)

struct prog {
    const char *what;
    uint64_t entry; /* entry PSW; 0: supervisor at CODE with R = (0, W) */
    struct tv_word words[NWORDS];
    const char *input;
};
#define PROG(name, ...) {.what = name, .words = {__VA_ARGS__}}

/* The guest for P: E[1] = supervisor at HND with R = (0, W), E[HND] = HALT,
 * then P's own words (which may replace those). */
static struct tv_guest build(const struct prog *p, uint64_t mem[W])
{
    memset(mem, 0, W * sizeof *mem);
    mem[1] = PSW(1, 0, HND, 0, W);
    mem[HND] = HALT;
    tv_place(mem, W, p->words, NWORDS);
    return (struct tv_guest){W, p->entry ? p->entry : SUP, mem, W, p->input};
}

/* A well-formed word for OP: address fields 5, numbers 3, targets 2. */
static uint64_t word_for(unsigned op)
{
    static const uint32_t val[] = {[OK_NONE] = 0, [OK_ADDR] = 5, [OK_TGT] = 2,
                                   [OK_NUM] = 3,  [OK_IMM] = 0,  [OK_IMM38] = 0};
    const uint8_t *k = isa_format_kinds[isa_table[op].format];
    return MAKE_INSN(op, val[k[0]], val[k[1]], val[k[2]]);
}

/* ---- 1. privileged instructions in virtual supervisor mode ------------- */

struct sup_case {
    struct prog prog;
    unsigned op;      /* the instruction under test, at virtual P = CODE */
    uint8_t cause;    /* the real trap that brings it to the CP */
    uint8_t disp, reflected;
    const char *output;         /* console output the semantics require, or NULL */
    struct tv_word expect[3];   /* words the semantics require at the halt */
    const char *profile;        /* the profile the case needs, or NULL: the default */
};

#define CASE(name, entry_, op_, disp_, ...)                                     \
    {.prog = {.what = name, .entry = entry_, .words = {__VA_ARGS__}}, .op = OP_##op_, \
     .disp = DISP_##disp_}
/* The same, with words the documented semantics require at the halt. */
#define EXPECT(...) {__VA_ARGS__}
#define CASEX(name, entry_, op_, disp_, expect_, ...)                                   \
    {.prog = {.what = name, .entry = entry_, .words = {__VA_ARGS__}}, .op = OP_##op_, \
     .disp = DISP_##disp_, .expect = expect_}
#define ILLEGAL(name, op_, cause_, ...)                                         \
    {.prog = {.what = name, .words = {__VA_ARGS__}}, .op = OP_##op_, .cause = cause_, \
     .disp = DISP_REFLECTED, .reflected = TRAP_ILL}
static const struct sup_case sup_cases[] = {
    CASE("lpsw_stays_in_supervisor_mode_and_jumps", 0, LPSW, INTERPRETED,
         {CODE, I(LPSW, D, 0, 0)}, {D, PSW(1, 0, 30, 0, W)}, {30, HALT}),
    CASE("lpsw_into_user_mode_keeping_r", 0, LPSW, INTERPRETED,
         {CODE, I(LPSW, D, 0, 0)}, {D, PSW(0, 0, 30, 0, W)}, {30, I(ADD, X, X, X)}, {X, 21},
         {31, I(SVC, 7, 0, 0)}),
    CASE("lpsw_into_user_mode_with_a_new_r_goes_to_the_allocator", 0, LPSW, ALLOCATOR,
         {CODE, I(LPSW, D, 0, 0)}, {D, PSW(0, 0, 4, 32, 40)}, {36, LI(10, 77)},
         {37, I(SVC, 1, 0, 0)}),
    CASEX("lpsw_ignores_cause_bits_and_loads_i", 0, LPSW, INTERPRETED,
          EXPECT({X, PSW(1, 1, 31, 0, W)}),
         {CODE, I(LPSW, D, 0, 0)}, {D, TS_PSW(1, 1, 0xF, 30, 0, W)}, {30, I(SPSW, X, 0, 0)},
         {31, HALT}),
    CASE("lpsw_to_a_p_beyond_its_own_bound_then_fetch_traps", 0, LPSW, ALLOCATOR,
         {CODE, I(LPSW, D, 0, 0)}, {D, PSW(1, 0, 50, 0, 40)}),
    CASEX("spsw_stores_the_virtual_psw_with_p_plus_1", PSW(1, 1, CODE, 8, 100), SPSW,
          INTERPRETED, EXPECT({58, PSW(1, 1, CODE + 1, 8, 100)}),
         {8 + CODE, I(SPSW, 50, 0, 0)}, {8 + CODE + 1, HALT}),
    CASEX("lr_shrinks_r", 0, LR, ALLOCATOR, EXPECT({19, 5}, {20, 0}),
         {CODE, I(LR, D, 0, 0)}, {D, TV_R(0, 20)}, {CODE + 1, LI(19, 5)}, {CODE + 2, LI(20, 5)}),
    CASEX("lr_moves_r_and_the_next_fetch_follows", 0, LR, ALLOCATOR,
          EXPECT({42, 9}, {43, TV_R(40, 30)}),
         {CODE, I(LR, D, 0, 0)}, {D, TV_R(40, 30)}, {40 + CODE + 1, LI(2, 9)},
         {40 + CODE + 2, I(SR, 3, 0, 0)}, {40 + CODE + 3, HALT}),
    CASE("lr_to_l_beyond_w_makes_every_access_trap", 0, LR, ALLOCATOR,
         {CODE, I(LR, D, 0, 0)}, {D, TV_R(W + 5, 10)}),
    CASE("lr_to_b_beyond_w_minus_l_is_clamped_like_bare", 0, LR, ALLOCATOR,
         {CODE, I(LR, D, 0, 0)}, {D, TV_R(100, BIG)}, {100 + CODE + 1, LI(W - 101, 1)},
         {100 + CODE + 2, LI(W - 100, 1)}),
    CASEX("sr_stores_the_virtual_r_not_the_real_one", PSW(1, 0, CODE, 8, BIG), SR,
          INTERPRETED, EXPECT({58, TV_R(8, BIG)}),
         {8 + CODE, I(SR, 50, 0, 0)}, {8 + CODE + 1, HALT}),
    CASEX("tset_arms_the_timer_and_tget_reads_it", 0, TSET, INTERPRETED,
          EXPECT({X, 100 - CYC_TSET - CYC_NOP}, {Y, 100 - CYC_TSET - CYC_NOP - CYC_TGET}),
         {CODE, I(TSET, D, 0, 0)}, {D, 100}, {CODE + 1, NOP}, {CODE + 2, I(TGET, X, 0, 0)},
         {CODE + 3, I(TGET, Y, 0, 0)}, {CODE + 4, HALT}),
    CASEX("tset_of_zero_disarms", 0, TSET, INTERPRETED, EXPECT({X, 0}),
         {CODE, I(TSET, D, 0, 0)}, {D, 50}, {CODE + 1, I(TSET, Z, 0, 0)},
         {CODE + 2, I(TGET, X, 0, 0)}, {X, 55}, {CODE + 3, HALT}),
    CASEX("tset_of_a_negative_value_disarms", 0, TSET, INTERPRETED, EXPECT({X, 0}),
         {CODE, I(TSET, D, 0, 0)}, {D, (uint64_t)-5}, {CODE + 1, I(TGET, X, 0, 0)}, {X, 55},
         {CODE + 2, HALT}),
    CASEX("tget_of_a_disarmed_timer_reads_zero", 0, TGET, INTERPRETED, EXPECT({X, 0}),
         {CODE, I(TGET, X, 0, 0)}, {X, 55}, {CODE + 1, HALT}),
    {.prog = {.what = "cout_writes_e_a_mod_256_to_the_vms_console",
              .words = {{CODE, I(COUT, X, 0, 0)}, {X, 0x100 + 'h'}, {CODE + 1, I(COUT, Y, 0, 0)},
                        {Y, 'i'}, {CODE + 2, HALT}}},
     .op = OP_COUT, .disp = DISP_INTERPRETED, .output = "hi"},
    {.prog = {.what = "cin_reads_the_vms_own_input_then_minus_1", .input = "ok",
              .words = {{CODE, I(CIN, X, 0, 0)}, {CODE + 1, I(CIN, Y, 0, 0)},
                        {CODE + 2, I(CIN, Z, 0, 0)}, {CODE + 3, HALT}}},
     .op = OP_CIN, .disp = DISP_INTERPRETED,
     .expect = {{X, 'o'}, {Y, 'k'}, {Z, (uint64_t)-1}}},
    CASE("halt_ends_the_vm", 0, HALT, INTERPRETED, {CODE, HALT}),
    ILLEGAL("hcall_is_illegal_in_a_guest", HCALL, TRAP_PRIV, {CODE, I(HCALL, 3, 0, 0)}),
    ILLEGAL("hcall_with_a_nonzero_unused_field_is_illegal", HCALL, TRAP_ILL,
            {CODE, I(HCALL, 3, 0, 1)}),
    ILLEGAL("lpsw_with_a_nonzero_unused_field_is_illegal", LPSW, TRAP_ILL,
            {CODE, I(LPSW, D, 1, 0)}, {D, PSW(1, 0, 30, 0, W)}),
    /* the real 360/67's LRA is privileged: the CP adds the virtual l */
    {.prog = {.what = "lra_of_the_real_360_67_adds_the_virtual_l",
              .entry = PSW(1, 0, CODE, 8, 100),
              .words = {{8 + CODE, I(LRA, 50, 0x123, 0)}, {8 + CODE + 1, HALT}}},
     .op = OP_LRA, .disp = DISP_INTERPRETED, .expect = {{58, 0x123 + 8}},
     .profile = "s360-67"},
    {.prog = {.what = "lra_of_the_real_360_67_with_an_operand_beyond_b_traps",
              .entry = PSW(1, 0, CODE, 8, 40),
              .words = {{8 + CODE, I(LRA, 40, 5, 0)}}},
     .op = OP_LRA, .disp = DISP_REFLECTED, .reflected = TRAP_MEM, .profile = "s360-67"},
};
#define NSUP (sizeof sup_cases / sizeof sup_cases[0])

/* A fresh control program under the case's profile, if it names one. */
static void case_profile(struct tv_rig *r, const char *profile, bool hybrid)
{
    struct vmm_config cfg = {.hybrid = hybrid};
    if (profile) {
        cfg.profile = isa_profile_find(profile);
        assert_non_null(cfg.profile);
    }
    tv_reset(r, &cfg);
}

/* The case runs as on the bare machine, and the CP's entry at CODE had the
 * case's disposition, counted in the VM's statistics. */
static void sup__case(void **state)
{
    struct tv_rig *r = *state;
    const struct sup_case *c = r->param;
    if (c->profile)
        case_profile(r, c->profile, false);
    uint64_t mem[W];
    struct tv_guest g = build(&c->prog, mem);
    int id = tv_diff(r, &g, c->prog.what, NULL);
    unsigned cause = c->cause ? c->cause : TRAP_PRIV; /* unset: a privileged trap */
    tv_assert_event(r, id, CODE, cause, c->disp, c->reflected);
    struct vm_stats s = tv_info(r, id).stats;
    assert_true(s.traps[cause][c->disp] >= 1);
    if (c->disp != DISP_REFLECTED)
        assert_true(s.interpreted >= 1);
    if (c->output) {
        size_t len;
        const uint8_t *out = machine_console_output(tv_view(r, id), &len);
        assert_int_equal(len, strlen(c->output));
        assert_memory_equal(out, c->output, len);
    }
    for (size_t i = 0; i < 3 && c->expect[i].at; i++)
        assert_int_equal(machine_mem(tv_view(r, id))[c->expect[i].at], c->expect[i].v);
}

/* Every opcode privileged in some profile has a case under a profile where
 * it is privileged that interprets it (or, for HCALL, reflects it), so a new
 * privileged instruction without a test fails here. */
static void sup__every_privileged_opcode_has_a_case(void **state)
{
    (void)state;
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            if ((*p)->beh[op] != BEH_PRIV)
                continue;
            bool found = false;
            for (size_t i = 0; i < NSUP; i++) {
                const char *cp = sup_cases[i].profile;
                const struct isa_profile *in =
                    cp ? isa_profile_find(cp) : isa_profile_default();
                bool handled = sup_cases[i].disp != DISP_REFLECTED || op == OP_HCALL;
                found = found || (sup_cases[i].op == op && in && in->beh[op] == BEH_PRIV &&
                                  handled);
            }
            if (!found)
                fail_msg("opcode %s, privileged in profile %s, has no virtual supervisor case",
                         isa_table[op].name, (*p)->name);
        }
}

/* An operand at the virtual bound, or beyond w with b beyond w, traps as on
 * the bare machine: the CP reflects a memory trap with P of the instruction. */
struct operand_case {
    unsigned op;
    bool beyond_w;
};

static void sup__operand_memory_trap(void **state)
{
    struct tv_rig *r = *state;
    const struct operand_case *c = r->param;
    uint32_t l = c->beyond_w ? 16 : 0, b = c->beyond_w ? BIG : 60;
    uint32_t a = c->beyond_w ? W - l : b;
    struct prog p = {.what = isa_table[c->op].name, .entry = PSW(1, 0, CODE, l, b),
                     .words = {{l + CODE, MAKE_INSN(c->op, a, 0, 0)}}};
    uint64_t mem[W];
    struct tv_guest g = build(&p, mem);
    struct machine *bare;
    int id = tv_diff(r, &g, p.what, &bare);
    ts_assert_psw(ts_peek(bare, 0), true, false, TRAP_MEM, CODE, l, b);
    tv_assert_event(r, id, CODE, TRAP_PRIV, DISP_REFLECTED, TRAP_MEM);
}

/* ---- 2. privileged instructions in virtual user mode -------------------- */

#define UL 16u  /* the user program's virtual R: b beyond w - l, so R' differs */
#define UB 200u
#define UP 2u

struct user_case {
    unsigned op;
    const char *profile; /* a profile in which OP is privileged; NULL: the default */
};

/* The guest's E[0] holds the virtual old PSW (cause, P of the instruction,
 * the virtual R) and its PSW is E[1], checked two steps in; then the run
 * ends as on the bare machine. */
static void user__privileged_is_reflected(void **state)
{
    struct tv_rig *r = *state;
    const struct user_case *uc = r->param;
    unsigned op = uc->op;
    if (uc->profile)
        case_profile(r, uc->profile, false);
    unsigned cause = op == OP_HCALL ? TRAP_ILL : TRAP_PRIV; /* guests have no host calls */
    struct prog p = PROG(isa_table[op].name, {CODE, I(LPSW, D, 0, 0)},
                         {D, PSW(0, 1, UP, UL, UB)}, {UL + UP, word_for(op)});
    uint64_t mem[W];
    struct tv_guest g = build(&p, mem);
    int id = tv_vm(r, &g);
    assert_int_equal(vmm_vm_set_limit(r->v, id, 2), 0); /* LPSW, then the trap */
    tv_run_done(r);
    struct machine *view = tv_view(r, id);
    assert_int_equal(tv_info(r, id).state, VM_LIMIT);
    ts_assert_psw(ts_peek(view, 0), false, true, cause, UP, UL, UB);
    assert_int_equal(machine_get_psw(view), PSW(1, 0, HND, 0, W));
    tv_assert_same(tv_bare(r, &g, 2, NULL), view, "two steps in");
    tv_assert_event(r, id, UP, TRAP_PRIV, DISP_REFLECTED, cause);

    assert_int_equal(vmm_vm_set_limit(r->v, id, 0), 0);
    assert_int_equal(vmm_vm_resume(r->v, id), 0);
    tv_run_done(r);
    assert_int_equal(tv_info(r, id).state, VM_HALTED);
    tv_assert_same(tv_bare_halted(r, &g), view, "at the halt");
}

/* ---- 3. every trap cause is reflected ---------------------------------- */

struct trap_case {
    struct prog prog;
    uint32_t p;              /* virtual P of the trapping instruction */
    uint8_t cause, reflected; /* real cause entering the CP; cause the guest sees */
};

/* Enter user mode at P = 0 with R = (UL, b). */
#define USER(b) {CODE, I(LPSW, D, 0, 0)}, {D, PSW(0, 0, 0, UL, b)}
#define TRAP(name, entry_, p_, cause_, reflected_, ...)                                  \
    {.prog = {.what = name, .entry = entry_, .words = {__VA_ARGS__}}, .p = p_, .cause = cause_, \
     .reflected = reflected_}
static const struct trap_case trap_cases[] = {
    TRAP("fetch_at_the_virtual_bound_in_user_mode", 0, 10, TRAP_MEM, TRAP_MEM,
         USER(10), {UL, I(JMP, 8, 0, 0)}, {UL + 8, NOP}, {UL + 9, NOP}),
    TRAP("fetch_at_the_end_of_w_with_b_beyond_w", PSW(1, 0, W - 2, 0, BIG), W, TRAP_MEM,
         TRAP_MEM, {W - 2, NOP}, {W - 1, NOP}),
    TRAP("jump_beyond_w_in_user_mode_traps_at_the_fetch", 0, W - UL, TRAP_MEM, TRAP_MEM,
         USER(BIG), {UL, I(JMP, W - UL, 0, 0)}),
    TRAP("operand_at_the_virtual_bound_in_user_mode", 0, 1, TRAP_MEM, TRAP_MEM,
         USER(40), {UL, LI(39, 1)}, {UL + 1, LI(40, 1)}),
    TRAP("operand_at_the_end_of_w_with_b_beyond_w", 0, 1, TRAP_MEM, TRAP_MEM,
         USER(BIG), {UL, LI(W - UL - 1, 1)}, {UL + 1, LI(W - UL, 1)}),
    TRAP("indexed_store_beyond_w", PSW(1, 0, CODE, 0, BIG), CODE, TRAP_MEM, TRAP_MEM,
         {CODE, I(STX, 100, X, Y)}, {X, 28}),
    TRAP("indexed_load_beyond_w", PSW(1, 0, CODE, 0, BIG), CODE, TRAP_MEM, TRAP_MEM,
         {CODE, I(LDX, X, 0, Y)}, {Y, W}),
    TRAP("svc_in_user_mode", 0, 0, TRAP_SVC, TRAP_SVC, USER(40), {UL, I(SVC, 9, 0, 0)}),
    TRAP("svc_in_supervisor_mode", 0, CODE, TRAP_SVC, TRAP_SVC, {CODE, I(SVC, 9, 0, 0)}),
    TRAP("opcode_zero_is_illegal", 0, CODE, TRAP_ILL, TRAP_ILL, {CODE, 0}),
    TRAP("unassigned_opcode_0x7f_is_illegal_in_user_mode", 0, 0, TRAP_ILL, TRAP_ILL,
         USER(40), {UL, MAKE_INSN(0x7F, 0, 0, 0)}),
    TRAP("unassigned_opcode_0x7e_is_illegal", 0, CODE, TRAP_ILL, TRAP_ILL,
         {CODE, MAKE_INSN(0x7E, 0, 0, 0)}),
    TRAP("jrstu_is_absent_from_the_default_profile", 0, CODE, TRAP_ILL, TRAP_ILL,
         {CODE, I(JRSTU, 30, 0, 0)}),
    TRAP("nop_with_a_nonzero_a_field_is_illegal", 0, CODE, TRAP_ILL, TRAP_ILL,
         {CODE, I(NOP, 1, 0, 0)}),
    TRAP("mov_with_a_nonzero_c_field_is_illegal_in_user_mode", 0, 0, TRAP_ILL, TRAP_ILL,
         USER(40), {UL, I(MOV, 1, 2, 3)}),
    TRAP("hcall_in_user_mode_is_illegal", 0, 0, TRAP_PRIV, TRAP_ILL,
         USER(40), {UL, I(HCALL, 0, 0, 0)}),
    TRAP("trap_into_a_handler_with_its_own_r", 0, 0, TRAP_SVC, TRAP_SVC,
         USER(40), {UL, I(SVC, 1, 0, 0)}, {1, PSW(1, 0, 3, 90, 20)}, {93, HALT}),
};
#define NTRAP (sizeof trap_cases / sizeof trap_cases[0])

static void trap__case(void **state)
{
    struct tv_rig *r = *state;
    const struct trap_case *c = r->param;
    uint64_t mem[W];
    struct tv_guest g = build(&c->prog, mem);
    struct machine *bare;
    int id = tv_diff(r, &g, c->prog.what, &bare);
    struct psw old = psw_unpack(ts_peek(bare, 0));
    assert_int_equal(old.cause, c->reflected); /* the oracle agrees with the case */
    assert_int_equal(old.p, c->p);
    tv_assert_event(r, id, c->p, c->cause, DISP_REFLECTED, c->reflected);
}

/* An event names the instruction that trapped whenever it can be fetched
 * (vmm.h: "the instruction at P, if it could be fetched"), whatever the
 * cause, so that a trace shows what the guest did. */
static void trap__events_name_the_trapping_instruction(void **state)
{
    struct tv_rig *r = *state;
    char wrong[512] = "";
    for (size_t i = 0; i < NTRAP; i++) {
        const struct trap_case *c = &trap_cases[i];
        tv_reset(r, NULL);
        uint64_t mem[W], word;
        struct tv_guest g = build(&c->prog, mem);
        struct machine *bare;
        int id = tv_diff(r, &g, c->prog.what, &bare);
        struct psw old = psw_unpack(ts_peek(bare, 0));
        machine_set_r(bare, old.l, old.b);
        if (machine_read_virt(bare, old.p, &word) != 0)
            continue; /* a fetch trap: there is no instruction to name */
        const struct vmm_event *e = tv_event(r, id, c->p);
        assert_non_null(e);
        if (e->word != word) {
            size_t at = strlen(wrong);
            snprintf(wrong + at, sizeof wrong - at, " %s", c->prog.what);
        }
    }
    if (wrong[0])
        fail_msg("events with a wrong instruction word:%s", wrong);
}

/* Breakpoints and watchpoints the monitor puts on a VM's real addresses
 * stop the run where the same ones stop a bare machine, with the view
 * exact, whether the access was direct, interpreted (by v_i, or by the
 * hybrid monitor) or a reflected trap's E[0]; continuing, every later stop
 * agrees too, up to the halt. */
struct dbg_case {
    const char *what;
    bool watch;
    uint32_t at;  /* guest address */
    unsigned cls; /* instead, a class breakpoint */
};
static const struct dbg_case dbg_cases[] = {
    {"break at the entry: the run's first step passes it", false, CODE, 0},
    {"break after a direct ADD", false, CODE + 1, 0},
    {"break after an interpreted SPSW", false, CODE + 2, 0},
    {"break after an interpreted TGET", false, CODE + 4, 0},
    {"break at the handler after an SVC", false, HND, 0},
    {"watch a word ADD writes", true, X, 0},
    {"watch a word SPSW writes", true, Y, 0},
    {"watch a word TGET writes", true, Z, 0},
    {"watch E[0], written by the SVC trap", true, 0, 0},
    {"break before every privileged instruction", false, 0, CLASS_PRIV},
};
#define NDBG (sizeof dbg_cases / sizeof dbg_cases[0])

/* One stop of each side; false (with a note in MISSED) if they disagree. */
static bool same_stop(struct tv_rig *r, int id, struct machine *bare, const char *what,
                      char *missed, size_t len)
{
    struct machine_exit bx;
    enum exit_reason b = machine_run(bare, TV_STEPS, &bx);
    struct vmm_exit ex;
    enum vmm_stop s = tv_run_ex(r, TV_STEPS, &ex);
    bool agree = b == EXIT_HALT ? s == VMMSTOP_DONE
                                : s == VMMSTOP_DEBUG && ex.mx.reason == b &&
                                      ex.mx.addr == tv_info(r, id).base + bx.addr;
    char diff[256] = "";
    if (agree && machine_compare(bare, tv_view(r, id), CMP_COUNTERS, "bare", "vm", diff,
                                 sizeof diff) == 0)
        return b != EXIT_HALT;
    size_t at = strlen(missed);
    snprintf(missed + at, len - at, "\n  %s: bare %s at %u after %llu steps, vm %s %s", what,
             exit_reason_name(b), bx.addr,
             (unsigned long long)machine_get_counters(bare).steps,
             s == VMMSTOP_DEBUG ? exit_reason_name(ex.mx.reason) : "ran on", diff);
    return false;
}

static void trap__breakpoints_and_watchpoints_stop_where_bare_ones_do(void **state)
{
    struct tv_rig *r = *state;
    const struct prog p = PROG("dbg", {CODE, I(ADD, X, X, X)}, {CODE + 1, I(SPSW, Y, 0, 0)},
                               {CODE + 2, NOP}, {CODE + 3, I(TGET, Z, 0, 0)},
                               {CODE + 4, I(ADD, X, X, X)}, {CODE + 5, I(SVC, 1, 0, 0)});
    char missed[1024] = "";
    for (size_t i = 0; i < 2 * NDBG; i++) { /* each case plain, then hybrid */
        const struct dbg_case *c = &dbg_cases[i % NDBG];
        struct vmm_config cfg = {.hybrid = i >= NDBG};
        tv_reset(r, &cfg);
        uint64_t mem[W];
        struct tv_guest g = build(&p, mem);
        struct machine *bare = tv_bare(r, &g, 0, NULL), *real = vmm_machine(r->v);
        int id = tv_vm(r, &g);
        uint32_t base = tv_info(r, id).base;
        int rw = WATCH_READ | WATCH_WRITE;
        if (c->cls) {
            machine_break_class(bare, c->cls);
            machine_break_class(real, c->cls);
        } else if (c->watch) {
            assert_int_equal(machine_watch(bare, c->at, rw), 0);
            assert_int_equal(machine_watch(real, base + c->at, rw), 0);
        } else {
            assert_int_equal(machine_break_exec(bare, c->at, true), 0);
            assert_int_equal(machine_break_exec(real, base + c->at, true), 0);
        }
        for (int stops = 0; stops < 10 && same_stop(r, id, bare, c->what, missed, sizeof missed);
             stops++)
            ;
    }
    if (missed[0])
        fail_msg("the VM and the bare machine stopped differently:%s", missed);
}

/* ---- 3. the virtual timer ----------------------------------------------- */

/* Supervisor code with I set that mixes direct, interpreted and reflected
 * instructions, then user code; the handler returns past a trapping
 * instruction, or halts on a timer or illegal-instruction trap. */
enum { TH = 90, C58 = 100, C15, C5, C4, CP1, TMP, V, UD = 110, U = 40 };
static const struct tv_word sweep_words[] = {
    {1, PSW(1, 0, TH, 0, W)},
    {CODE, I(TSET, V, 0, 0)}, {9, I(ADD, X, X, X)}, {10, I(SPSW, Y, 0, 0)},
    {11, I(MUL, X, X, X)}, {12, I(SVC, 1, 0, 0)}, {13, LI(200, 1)},
    {14, I(TGET, Z, 0, 0)}, {15, NOP}, {16, I(SR, Y, 0, 0)}, {17, I(LPSW, UD, 0, 0)},
    {U, I(ADD, X, X, X)}, {U + 1, I(COUT, X, 0, 0)}, {U + 2, I(DIV, X, X, X)},
    {U + 3, I(SVC, 2, 0, 0)}, {U + 4, NOP}, {U + 5, 0},
    {TH, I(SHR, TMP, 0, C58)}, {TH + 1, I(AND, TMP, TMP, C15)}, {TH + 2, I(BEQ, TMP, C5, TH + 6)},
    {TH + 3, I(BEQ, TMP, C4, TH + 6)}, {TH + 4, I(ADD, 0, 0, CP1)}, {TH + 5, I(LPSW, 0, 0, 0)},
    {TH + 6, HALT},
    {C58, 58}, {C15, 15}, {C5, TRAP_TIMER}, {C4, TRAP_ILL}, {CP1, 1ull << 39},
    {X, 3}, {UD, PSW(0, 1, U, 0, W)},
};
#define NSWEEP (sizeof sweep_words / sizeof sweep_words[0])

enum sweep_mode { ALONE = 0, HYBRID = 1, TOGETHER = 2 }; /* HYBRID | TOGETHER: both */

/* For every timer setting up to the program's length, the VM takes the timer
 * trap at the same instruction as the bare machine (E[0] holds its P) and
 * ends in the same state.  TOGETHER shares the processor with an endless VM
 * under a short, odd slice. */
static void sweep(struct tv_rig *r, unsigned mode)
{
    uint64_t mem[W] = {0};
    tv_place(mem, W, sweep_words, NSWEEP);
    struct tv_guest g = {W, PSW(1, 1, CODE, 0, W), mem, W, NULL};
    const uint64_t busy_mem[] = {0, 0, I(ADD, 3, 3, 3), I(JMP, 2, 0, 0)};
    struct tv_guest busy = {16, PSW(1, 0, 2, 0, 16), busy_mem, 4, NULL};
    uint64_t length = machine_get_counters(tv_bare_halted(r, &g)).cycles;
    unsigned timed = 0;
    for (uint64_t v = 1; v <= length + 2; v++) {
        mem[V] = v;
        struct vmm_config cfg = {.hybrid = mode & HYBRID, .slice = mode & TOGETHER ? 7 : 0};
        tv_reset(r, &cfg);
        char what[64];
        snprintf(what, sizeof what, "timer set to %llu", (unsigned long long)v);
        struct machine *bare;
        int id;
        if (mode & TOGETHER) {
            int b = tv_vm(r, &busy);
            id = tv_vm(r, &g);
            bare = tv_bare_halted(r, &g);
            tv_run_until_stopped(r, id, 97);
            assert_int_equal(tv_info(r, id).state, VM_HALTED);
            tv_assert_same(bare, tv_view(r, id), what);
            assert_true(machine_get_counters(tv_view(r, b)).steps > 0);
        } else {
            id = tv_diff(r, &g, what, &bare);
        }
        bool took = machine_get_counters(bare).traps[TRAP_TIMER] == 1;
        timed += took;
        if (!(mode & HYBRID) && tv_count(r, id, DISP_REFLECTED, TRAP_TIMER) != took)
            fail_msg("%s: %zu timer traps reflected, the bare machine took %d", what,
                     tv_count(r, id, DISP_REFLECTED, TRAP_TIMER), took);
    }
    assert_true(timed > length / 2); /* the sweep did exercise the timer */
}

static void timer__expiry_matches_bare_at_every_setting(void **state)
{
    sweep(*state, ALONE);
}

static void timer__expiry_matches_bare_when_sharing_the_processor(void **state)
{
    sweep(*state, TOGETHER);
}

static void hybrid__timer_expiry_matches_bare_at_every_setting(void **state)
{
    sweep(*state, HYBRID);
}

static void hybrid__timer_expiry_matches_bare_when_sharing_the_processor(void **state)
{
    sweep(*state, HYBRID | TOGETHER);
}

/* A timer that expired while I was clear is taken right after whatever
 * first sets I: an LPSW (to either mode), or a trap whose E[1] has I set. */
static const struct prog pending_cases[] = {
    PROG("lpsw_to_supervisor_mode", {CODE, I(TSET, D, 0, 0)}, {D, 3}, {CODE + 1, NOP},
         {CODE + 2, NOP}, {CODE + 3, I(TGET, Z, 0, 0)}, {CODE + 4, I(SPSW, X, 0, 0)},
         {CODE + 5, I(LPSW, Y, 0, 0)}, {Y, PSW(1, 1, 30, 0, W)}, {30, HALT}),
    PROG("lpsw_to_user_mode", {CODE, I(TSET, D, 0, 0)}, {D, 3}, {CODE + 1, NOP},
         {CODE + 2, NOP}, {CODE + 3, I(LPSW, Y, 0, 0)}, {Y, PSW(0, 1, 30, 0, W)}, {30, NOP}),
    PROG("trap_whose_new_psw_has_i_set", {CODE, I(TSET, D, 0, 0)}, {D, 3}, {CODE + 1, NOP},
         {CODE + 2, NOP}, {CODE + 3, I(SVC, 4, 0, 0)}, {1, PSW(1, 1, HND, 0, W)}),
};

static void timer__pending_with_i_clear_is_taken_when_i_is_set(void **state)
{
    struct tv_rig *r = *state;
    for (size_t i = 0; i < sizeof pending_cases / sizeof pending_cases[0]; i++) {
        tv_reset(r, NULL);
        uint64_t mem[W];
        struct tv_guest g = build(&pending_cases[i], mem);
        struct machine *bare;
        int id = tv_diff(r, &g, pending_cases[i].what, &bare);
        struct psw old = psw_unpack(ts_peek(bare, 0));
        assert_int_equal(old.cause, TRAP_TIMER);
        assert_true(old.ie);
        assert_int_equal(tv_count(r, id, DISP_REFLECTED, TRAP_TIMER), 1);
    }
}

/* TSET counts its own cycles: set to at most CYC_TSET, the timer expires in
 * TSET itself and traps with P = the next instruction; set to 0 or less it
 * never does. */
static void timer__tset_whose_own_cycles_expire_it(void **state)
{
    struct tv_rig *r = *state;
    for (int64_t v = -1; v <= 5; v++) {
        struct prog p = PROG("tset", {CODE, I(TSET, D, 0, 0)}, {D, (uint64_t)v},
                             {CODE + 1, NOP}, {CODE + 2, NOP}, {CODE + 3, NOP}, {CODE + 4, HALT});
        p.entry = PSW(1, 1, CODE, 0, W);
        tv_reset(r, NULL);
        uint64_t mem[W];
        struct tv_guest g = build(&p, mem);
        struct machine *bare;
        int id = tv_diff(r, &g, "tset", &bare);
        assert_int_equal(tv_count(r, id, DISP_REFLECTED, TRAP_TIMER), v > 0);
        uint64_t expect_p = 0; /* E[0] untouched when the timer never fires */
        if (v > 0) {
            int64_t after = isa_table[OP_TSET].cycles;
            expect_p = CODE + 1;
            for (; after < v; after += isa_table[OP_NOP].cycles)
                expect_p++;
            ts_assert_psw(ts_peek(bare, 0), true, true, TRAP_TIMER, (uint32_t)expect_p, 0, W);
        } else {
            assert_int_equal(ts_peek(bare, 0), 0);
        }
    }
}

/* ---- 7. efficiency ----------------------------------------------------- */

#define LOOPS 5000
#define CNT 70u

/* A long loop of innocuous instructions between three privileged ones: the
 * innocuous ones all run directly (1 LI + 4 per iteration), the privileged
 * ones are interpreted. */
static void efficiency__innocuous_instructions_run_directly(void **state)
{
    struct tv_rig *r = *state;
    struct prog p = PROG("loop", {CODE, I(COUT, X, 0, 0)}, {CODE + 1, LI(CNT, LOOPS)},
                         {CODE + 2, I(ADD, X, X, Y)}, {CODE + 3, I(XOR, Y, Y, X)},
                         {CODE + 4, MAKE_INSN(OP_ADDI, Z, Z, 3)},
                         {CODE + 5, I(DJNZ, CNT, CODE + 2, 0)}, {CODE + 6, I(SR, Y, 0, 0)},
                         {CODE + 7, HALT}, {Y, 1});
    uint64_t mem[W];
    struct tv_guest g = build(&p, mem);
    int id = tv_diff(r, &g, "loop", NULL);
    struct vm_stats s = tv_info(r, id).stats;
    assert_int_equal(s.direct, 1 + 4 * LOOPS);
    assert_int_equal(s.interpreted, 3);
    assert_true(vm_stats_direct_ratio(&s) > 0.999);
    assert_int_equal(tv_count(r, id, DISP_INTERPRETED, -1), 3);
}

/* ---- 8. hybrid mode ---------------------------------------------------- */

/* Four supervisor instructions, three user ones, a reflected SR, three in
 * the handler: everything in virtual supervisor mode is interpreted. */
static void hybrid__supervisor_code_is_interpreted_user_code_direct(void **state)
{
    struct tv_rig *r = *state;
    struct vmm_config cfg = {.hybrid = true};
    tv_reset(r, &cfg);
    assert_true(vmm_hybrid(r->v));
    struct prog p = PROG("hybrid", {CODE, LI(X, 5)}, {CODE + 1, I(ADD, X, X, X)},
                         {CODE + 2, I(SPSW, Y, 0, 0)}, {CODE + 3, I(LPSW, D, 0, 0)},
                         {D, PSW(0, 0, 40, 0, W)}, {40, I(ADD, X, X, X)}, {41, I(MUL, X, X, X)},
                         {42, LI(Z, 9)}, {43, I(SR, Y, 0, 0)}, {1, PSW(1, 0, 100, 0, W)},
                         {100, I(ADD, X, X, X)}, {101, I(SR, Z, 0, 0)}, {102, HALT});
    uint64_t mem[W];
    struct tv_guest g = build(&p, mem);
    int id = tv_diff(r, &g, "hybrid", NULL);
    struct vm_stats s = tv_info(r, id).stats;
    assert_int_equal(s.interpreted, 7);
    assert_int_equal(s.direct, 3);
    assert_int_equal(tv_count(r, id, DISP_INTERPRETED, -1), 0);
    assert_int_equal(tv_count(r, id, DISP_ALLOCATOR, -1), 0);
    assert_true(s.traps[TRAP_NONE][DISP_HYBRID] >= 2); /* counted, and per vmm.h */
    assert_int_equal(tv_count(r, id, DISP_HYBRID, -1), 0); /* not traced */
    tv_assert_event(r, id, 43, TRAP_PRIV, DISP_REFLECTED, TRAP_PRIV);
}

/* The supervisor and trap cases again, with every supervisor instruction
 * interpreted: the result is still the bare machine's. */
static void hybrid__every_case_equals_bare(void **state)
{
    struct tv_rig *r = *state;
    struct vmm_config cfg = {.hybrid = true};
    uint64_t mem[W];
    for (size_t i = 0; i < NSUP + NTRAP; i++) {
        const struct prog *p = i < NSUP ? &sup_cases[i].prog : &trap_cases[i - NSUP].prog;
        if (i < NSUP && sup_cases[i].profile)
            case_profile(r, sup_cases[i].profile, true);
        else
            tv_reset(r, &cfg);
        struct tv_guest g = build(p, mem);
        tv_diff(r, &g, p->what, NULL);
    }
}

/* ---- 6. the VM map ------------------------------------------------------ */

#define MQ 512u
#define MBASE 100u
#define MW 64u

/* vmmap_compose_r, literally as the header states it. */
static void expect_r(uint32_t l, uint32_t b, uint32_t *el, uint32_t *eb)
{
    *el = l >= MW ? MBASE : l + MBASE; /* nothing develops: R' stays in the region */
    *eb = l >= MW ? 0 : b < MW - l ? b : MW - l;
}

static const struct {
    uint32_t l, b;
} map_rs[] = {
    {0, MW}, {0, 0}, {0, BIG}, {10, 20}, {10, BIG}, {MW - 1, BIG}, {MW - 1, 1},
    {MW - 1, 0}, {MW, 5}, {MW, BIG}, {MW + 7, 3}, {0x7FFFF, BIG}, {5, MW - 5}, {5, MW - 4},
};
#define NMAP (sizeof map_rs / sizeof map_rs[0])

/* R' = (l + base, min(b, w - l)), (base, 0) when l >= w; and, the point of
 * it, an address develops through R' to base + x exactly when it develops
 * to x on a bare machine of w words. */
static void vmmap__compose_r_edge_cases(void **state)
{
    struct tv_rig *r = *state;
    const struct vm_map map = {MBASE, MW};
    struct machine *bare = tv_machine(r, MW), *real = tv_machine(r, MQ);
    for (size_t i = 0; i < NMAP; i++) {
        uint32_t l = map_rs[i].l, b = map_rs[i].b, rl, rb, el, eb;
        vmmap_compose_r(&map, l, b, &rl, &rb);
        expect_r(l, b, &el, &eb);
        assert_int_equal(rb, eb);
        assert_int_equal(rl, el);
        machine_set_r(bare, l, b);
        machine_set_r(real, rl, rb);
        for (uint64_t a = 0; a <= MW + 2; a++) {
            uint32_t pb = 0, pr = 0;
            int tb = machine_develop(bare, a, &pb), tr = machine_develop(real, a, &pr);
            if (tb != tr)
                fail_msg("R = (%u, %u), a = %llu: bare %s, through R' = (%u, %u) %s", l, b,
                         (unsigned long long)a, tb ? "traps" : "develops", rl, rb,
                         tr ? "traps" : "develops");
            if (tb == TRAP_NONE)
                assert_int_equal(pr, MBASE + pb);
        }
    }
}

/* f as section 6 defines it, and g(f(S)) = S, for states whose R lies
 * inside, across and beyond the w words. */
static void vmmap__g_inverts_f(void **state)
{
    struct tv_rig *r = *state;
    const struct vm_map map = {MBASE, MW};
    for (size_t i = 0; i < NMAP; i++) {
        struct machine *s = tv_machine(r, MW), *real = tv_machine(r, MQ);
        for (uint32_t k = 0; k < MW; k++)
            machine_write_phys(s, k, 0x0123456789ull * (k + 1) + i);
        for (uint32_t k = 0; k < MQ; k++)
            machine_write_phys(real, k, ~(uint64_t)k);
        bool sup = i % 2, ie = i % 3 == 0;
        uint32_t p = (uint32_t)(i * 37 % 0x7FFFF);
        machine_set_psw(s, PSW(sup, ie, p, map_rs[i].l, map_rs[i].b));
        struct vm_record rec;
        assert_int_equal(vmmap_f(&map, s, real, &rec), 0);
        for (uint32_t k = 0; k < MQ; k++) {
            uint64_t want = k >= MBASE && k < MBASE + MW ? machine_mem(s)[k - MBASE]
                            : k >= VMM_K                 ? ~(uint64_t)k
                                                         : machine_mem(real)[k];
            if (machine_mem(real)[k] != want)
                fail_msg("state %zu: f wrote real E[%u]", i, k);
        }
        assert_int_equal(machine_mem(real)[1], PSW(1, 0, VMM_ENTRY, 0, MQ));
        assert_int_equal(machine_mem(real)[VMM_ENTRY], I(HCALL, 0, 0, 0));
        struct psw rp = machine_psw(real);
        uint32_t el, eb;
        expect_r(map_rs[i].l, map_rs[i].b, &el, &eb);
        assert_false(rp.sup);
        assert_int_equal(rp.p, p);
        assert_int_equal(rp.b, eb);
        if (eb)
            assert_int_equal(rp.l, el);
        assert_int_equal(rec.vsup, sup);
        assert_int_equal(rec.vie, ie);
        assert_int_equal(rec.vl, map_rs[i].l);
        assert_int_equal(rec.vb, map_rs[i].b);
        struct machine *back = tv_machine(r, MW);
        assert_int_equal(vmmap_g(&map, real, &rec, back), 0);
        char diff[256];
        if (machine_compare(s, back, 0, "S", "g(f(S))", diff, sizeof diff) != 0)
            fail_msg("state %zu: %s", i, diff);
        tv_reset(r, NULL); /* frees this state's machines */
    }
}

static void vmmap__f_and_g_refuse_maps_that_do_not_fit(void **state)
{
    struct tv_rig *r = *state;
    struct machine *s = tv_machine(r, MW), *real = tv_machine(r, MQ);
    const uint64_t before = machine_digest(real);
    struct vm_record rec = {0};
    const struct vm_map bad[] = {{VMM_K - 1, MW}, {MQ - MW + 1, MW}, {MBASE, MW - 1}, {0, MW}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(vmmap_f(&bad[i], s, real, &rec), -1);
    assert_int_equal(machine_digest(real), before);
    assert_int_equal(vmmap_g(&bad[1], real, &rec, s), -1);
    assert_int_equal(vmmap_g(&bad[2], real, &rec, s), -1);
}

/* ---- the groups -------------------------------------------------------- */

#define T(fn) cmocka_unit_test_setup_teardown(fn, tv_setup, tv_teardown)
#define MAXDYN 256

static struct CMUnitTest dyn[MAXDYN];
static char dyn_names[MAXDYN][96];
static size_t ndyn;

static void add(const char *prefix, const char *name, const char *suffix,
                CMUnitTestFunction fn, const void *param)
{
    if (ndyn >= MAXDYN)
        abort();
    char *n = dyn_names[ndyn];
    snprintf(n, sizeof dyn_names[0], "%s%s%s", prefix, name, suffix);
    for (char *s = n; *s; s++)
        *s = (char)(*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s);
    dyn[ndyn++] = (struct CMUnitTest){n, fn, tv_setup, tv_teardown, (void *)param};
}

int main(void)
{
    static struct user_case priv_ops[ISA_NOPS];
    static struct operand_case operand_cases[2 * ISA_NOPS];
    size_t npriv = 0, nop = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (isa_profile_default()->beh[op] != BEH_PRIV)
            continue;
        priv_ops[npriv++] = (struct user_case){op, NULL};
        if (isa_table[op].format == FMT_A)
            for (int k = 0; k < 2; k++)
                operand_cases[nop++] = (struct operand_case){op, k == 1};
    }
    /* opcodes privileged only in another profile (the real 360/67's LRA) */
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            bool seen = isa_profile_default()->beh[op] == BEH_PRIV;
            for (size_t i = 0; i < npriv && !seen; i++)
                seen = priv_ops[i].op == op;
            if ((*p)->beh[op] == BEH_PRIV && !seen)
                priv_ops[npriv++] = (struct user_case){op, (*p)->name};
        }

    for (size_t i = 0; i < NSUP; i++)
        add("sup__", sup_cases[i].prog.what, "", sup__case, &sup_cases[i]);
    for (size_t i = 0; i < nop; i++)
        add("sup__", isa_table[operand_cases[i].op].name,
            operand_cases[i].beyond_w ? "_operand_beyond_w_traps"
                                      : "_operand_at_the_virtual_bound_traps",
            sup__operand_memory_trap, &operand_cases[i]);
    size_t nsup = ndyn;
    for (size_t i = 0; i < npriv; i++)
        add("user__", isa_table[priv_ops[i].op].name, "_is_reflected_with_the_virtual_psw",
            user__privileged_is_reflected, &priv_ops[i]);
    size_t nuser = ndyn - nsup;
    for (size_t i = 0; i < NTRAP; i++)
        add("trap__", trap_cases[i].prog.what, "", trap__case, &trap_cases[i]);
    size_t ntrap = ndyn - nsup - nuser;

    const struct CMUnitTest coverage[] = {
        cmocka_unit_test(sup__every_privileged_opcode_has_a_case),
    };
    const struct CMUnitTest trace[] = {
        T(trap__events_name_the_trapping_instruction),
        T(trap__breakpoints_and_watchpoints_stop_where_bare_ones_do),
    };
    const struct CMUnitTest timer[] = {
        T(timer__expiry_matches_bare_at_every_setting),
        T(timer__expiry_matches_bare_when_sharing_the_processor),
        T(timer__pending_with_i_clear_is_taken_when_i_is_set),
        T(timer__tset_whose_own_cycles_expire_it),
    };
    const struct CMUnitTest map[] = {
        T(vmmap__compose_r_edge_cases),
        T(vmmap__g_inverts_f),
        T(vmmap__f_and_g_refuse_maps_that_do_not_fit),
    };
    const struct CMUnitTest efficiency[] = {
        T(efficiency__innocuous_instructions_run_directly),
    };
    const struct CMUnitTest hybrid[] = {
        T(hybrid__supervisor_code_is_interpreted_user_code_direct),
        T(hybrid__every_case_equals_bare),
        T(hybrid__timer_expiry_matches_bare_at_every_setting),
        T(hybrid__timer_expiry_matches_bare_when_sharing_the_processor),
    };
    int fails = 0;
    fails += cmocka_run_group_tests_name("vmm_coverage", coverage, NULL, NULL);
    fails += _cmocka_run_group_tests("vmm_supervisor", dyn, nsup, NULL, NULL);
    fails += _cmocka_run_group_tests("vmm_user", dyn + nsup, nuser, NULL, NULL);
    fails += _cmocka_run_group_tests("vmm_traps", dyn + nsup + nuser, ntrap, NULL, NULL);
    fails += cmocka_run_group_tests_name("vmm_trace", trace, NULL, NULL);
    fails += cmocka_run_group_tests_name("vmm_timer", timer, NULL, NULL);
    fails += cmocka_run_group_tests_name("vmm_map", map, NULL, NULL);
    fails += cmocka_run_group_tests_name("vmm_efficiency", efficiency, NULL, NULL);
    fails += cmocka_run_group_tests_name("vmm_hybrid", hybrid, NULL, NULL);
    return fails;
}
