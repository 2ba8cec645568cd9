/* test_nest.c: Theorem 2 (section 7): the control program in tgm's own
 * instructions (examples/vmm/cp.s), alone and stacked under itself.
 *
 * The oracle is the bare machine: a guest run on N levels of the CP, on a
 * bare machine or on the C control program, must end in the state f^N of
 * its bare run (E, M, I, P, R, timer, console) and must have taken every
 * trap, the timer's included, at the same P in the same order.  Random
 * programs (progen.c) cover the CP's interpreters and its timer modes.
 * TGM_SOAK=1 runs 20,000 programs at depths 1 and 2 and the examples at
 * depths 4 and 5.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cli_support.h"
#include "progen.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/nest.h"

static const uint8_t input[] = "tgm";

static bool soak(void) { return getenv("TGM_SOAK") != NULL; }

static uint64_t sym(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    if (!s)
        fail_msg("the control program has no symbol '%s'", name);
    return s->value;
}

static void cp_image(struct tgm_image *cp)
{
    char err[256];
    if (nest_cp_image(cp, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* Check GUEST at DEPTH (on the C CP with VMM); the diff, or "" if equivalent. */
static bool check(const struct tgm_image *cp, const struct tgm_image *guest, unsigned depth,
                  bool vmm, uint32_t w, uint64_t steps, struct nest_check_result *res)
{
    struct nest_run_opts o = {depth, w, vmm, true, input, sizeof input - 1};
    char err[256];
    if (nest_check(cp, guest, &o, steps, res, err, sizeof err) != 0)
        fail_msg("nest_check: %s", err);
    return res->equivalent;
}

/* ---- the control program's tables against the machine's ----------------- */

/* CP's table 'cycles' holds every opcode's cost as insns.def gives it. */
static void assert_cycle_table(const struct tgm_image *cp)
{
    uint64_t at = sym(cp, "cycles");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        uint64_t want = isa_table[op].name ? isa_table[op].cycles : 0;
        if (cp->words[at + op] != want)
            fail_msg("cp.s cycles[0x%02x] is %llu, insns.def says %llu", op,
                     (unsigned long long)cp->words[at + op], (unsigned long long)want);
    }
}

static void cp__cycle_table_is_the_machines(void **state)
{
    (void)state;
    struct tgm_image cp;
    cp_image(&cp);
    assert_cycle_table(&cp);
    image_free(&cp);
}

/* examples/vmm/cp.s as it is on disk, not only the copy built into tgm:
 * its table, and the constants its interpreters charge (CYC_LPSW, ...,
 * CYC_TRAP the trap sequence, CYC_LPSW_TSET the sum of its parts), are the
 * machine's, so that neither copy can drift from insns.def unnoticed. */
static void cp__named_cycle_costs_are_the_machines(void **state)
{
    (void)state;
    struct tgm_image cp = {0};
    if (asm_assemble_file("examples/vmm/cp.s", &cp, stderr) != 0)
        fail_msg("examples/vmm/cp.s does not assemble");
    assert_cycle_table(&cp);
    unsigned named = 0;
    for (uint32_t i = 0; i < cp.nsyms; i++) {
        const char *name = cp.syms[i].name;
        if (strncmp(name, "CYC_", 4) != 0)
            continue;
        char parts[TGM_SYM_MAX + 1];
        snprintf(parts, sizeof parts, "%s", name + 4);
        uint64_t want = 0;
        for (char *p = strtok(parts, "_"); p; p = strtok(NULL, "_")) {
            const struct insn_info *in = isa_lookup(p);
            if (!strcmp(p, "TRAP"))
                want += TGM_TRAP_CYCLES;
            else if (in && !strcmp(in->name, p))
                want += in->cycles;
            else
                fail_msg("cp.s %s: '%s' is neither an instruction of insns.def nor TRAP",
                         name, p);
        }
        if (cp.syms[i].value != want)
            fail_msg("cp.s %s is %llu, insns.def says %llu", name,
                     (unsigned long long)cp.syms[i].value, (unsigned long long)want);
        named++;
    }
    assert_true(named >= 10); /* CYC_TRAP and each interpreted instruction */
    image_free(&cp);
}

static void cp__has_an_interpreter_for_every_privileged_instruction(void **state)
{
    (void)state;
    struct tgm_image cp;
    cp_image(&cp);
    uint64_t tab = sym(&cp, "v_tab"), ill = sym(&cp, "v_ill");
    const struct isa_profile *p = isa_profile_default();
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        /* HCALL is privileged in the table but not an instruction on a
         * machine without host calls, which is every machine the CP runs on */
        bool priv = p->beh[op] == BEH_PRIV && op != OP_HCALL;
        bool has = cp.words[tab + op] != ill;
        if (priv != has)
            fail_msg("opcode 0x%02x (%s): privileged %d, interpreter %d", op,
                     isa_table[op].name ? isa_table[op].name : "-", priv, has);
    }
    image_free(&cp);
}

static void learn__reads_the_map_and_refuses_an_image_without_it(void **state)
{
    (void)state;
    struct tgm_image cp, hello;
    struct nest_map map;
    char err[256];
    cp_image(&cp);
    assert_int_equal(nest_learn(&cp, &map, err, sizeof err), 0);
    assert_int_equal(map.k, sym(&cp, "cp_guest"));
    assert_true(map.k >= cp.nwords);
    assert_int_equal(map.vpsw, sym(&cp, "vpsw"));
    assert_int_equal(asm_assemble_file("examples/hello.s", &hello, stderr), 0);
    assert_int_equal(nest_learn(&hello, &map, err, sizeof err), -1);
    assert_string_equal(err, "control program image has no symbol 'cp_guest'");
    image_free(&hello);
    image_free(&cp);
}

static void compose__places_each_level_and_refuses_what_does_not_fit(void **state)
{
    (void)state;
    struct tgm_image cp, guest, out;
    struct nest_layout lay;
    char err[256];
    cp_image(&cp);
    assert_int_equal(asm_assemble_file("examples/sum.s", &guest, stderr), 0);
    assert_int_equal(nest_compose(&cp, &guest, 3, 3 * 640 + 4096, &out, &lay, err, sizeof err),
                     0);
    uint32_t k = lay.map.k;
    assert_int_equal(lay.top_base, 3 * k);
    assert_int_equal(lay.top_w, 3 * 640 + 4096 - 3 * k);
    for (unsigned d = 1; d <= 3; d++) { /* level d at (3 - d) K hosts the rest */
        uint32_t base = (3 - d) * k;
        assert_int_equal(out.words[base + lay.map.w], lay.q - base - k);
        uint64_t entry = d == 1 ? guest.entry_psw : cp.entry_psw;
        assert_int_equal(out.words[base + lay.map.vpsw0], entry);
    }
    for (uint32_t i = 0; i < guest.nwords; i++)
        assert_int_equal(out.words[lay.top_base + guest.load + i], guest.words[i]);
    image_free(&out);
    assert_int_equal(nest_compose(&cp, &guest, 0, 65536, &out, &lay, err, sizeof err), -1);
    assert_non_null(strstr(err, "depth 0"));
    assert_int_equal(nest_compose(&cp, &guest, 2, 2 * k + 10, &out, &lay, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "do not fit"));
    image_free(&guest);
    image_free(&cp);
}

/* A snapshot keeps only the depth: nest_layout_of must give back what
 * nest_compose built, and nest_intact must see the stack go. */
static void layout_of__matches_compose_and_intact_sees_a_change(void **state)
{
    (void)state;
    struct tgm_image cp, guest, out;
    struct nest_layout lay, again;
    char err[256];
    cp_image(&cp);
    assert_int_equal(asm_assemble_file("examples/sum.s", &guest, stderr), 0);
    uint32_t q = 3 * 640 + 4096;
    assert_int_equal(nest_compose(&cp, &guest, 3, q, &out, &lay, err, sizeof err), 0);
    assert_int_equal(nest_layout_of(3, q, &again, err, sizeof err), 0);
    assert_memory_equal(&lay, &again, sizeof lay);
    struct machine_config mc = {.q = q, .profile = isa_profile_default()};
    struct machine *m = machine_create(&mc);
    assert_int_equal(image_load(m, &out, err, sizeof err), 0);
    assert_true(nest_intact(&lay, m));
    machine_write_phys(m, lay.map.k + lay.map.w, 7); /* level 2's w */
    assert_false(nest_intact(&lay, m));
    machine_destroy(m);
    mc.q = q + 1;
    m = machine_create(&mc);
    assert_false(nest_intact(&lay, m));
    machine_destroy(m);
    assert_int_equal(nest_layout_of(0, q, &again, err, sizeof err), -1);
    assert_int_equal(nest_layout_of(3, 3 * lay.map.k + TGM_Q_MIN - 1, &again, err, sizeof err), -1);
    assert_non_null(strstr(err, "do not fit"));
    image_free(&out);
    image_free(&guest);
    image_free(&cp);
}

/* g^N keeps the bottom machine's whole console: the bytes its 16 MiB buffer
 * holds and the count of those it dropped, which the bare machine's
 * console has too (else check --nest calls a long printer not equivalent). */
static void top_state__keeps_the_count_of_dropped_console_bytes(void **state)
{
    (void)state;
    enum { KEPT = 16 << 20, DROPPED = 1000 };
    struct tgm_image cp, guest, stack;
    struct nest_layout lay;
    char err[256];
    cp_image(&cp);
    assert_int_equal(asm_assemble_file("examples/sum.s", &guest, stderr), 0);
    assert_int_equal(nest_compose(&cp, &guest, 1, 640 + 4096, &stack, &lay, err, sizeof err),
                     0);
    struct machine *real = machine_create(&(struct machine_config){.q = lay.q});
    struct machine *top = machine_create(&(struct machine_config){.q = lay.top_w});
    assert_non_null(real);
    assert_non_null(top);
    for (size_t i = 0; i < KEPT + DROPPED; i++)
        machine_console_put(real, 'A');
    nest_top_state(&lay, real, top);
    size_t len;
    machine_console_output(top, &len);
    assert_int_equal(len, KEPT);
    assert_int_equal(machine_console_dropped(top), DROPPED);
    machine_destroy(real);
    machine_destroy(top);
    image_free(&stack);
    image_free(&guest);
    image_free(&cp);
}

/* ---- equivalence across levels -------------------------------------------- */

static void examples__are_equivalent_nested_one_to_three_deep(void **state)
{
    (void)state;
    char ex[32][CS_PATH];
    size_t n = cs_list_files("examples", ".s", ex, 32);
    assert_true(n >= 5);
    unsigned maxd = soak() ? 5 : 3;
    for (size_t i = 0; i < n; i++) {
        struct tgm_image img;
        assert_int_equal(asm_assemble_file(ex[i], &img, stderr), 0);
        for (unsigned d = 1; d <= maxd; d++) {
            for (int vmm = 0; vmm <= (d == 2 || d == maxd); vmm++) {
                struct nest_check_result r;
                if (!check(NULL, &img, d, vmm, TGM_Q_DEFAULT, 10000000, &r))
                    fail_msg("%s at depth %u%s: %s", ex[i], d, vmm ? " on the C CP" : "",
                             r.diff);
            }
        }
        image_free(&img);
    }
}

/* The time-sharing OS: its output interleaves where the timer preempts, so
 * only exact virtual time keeps it equal at every depth. */
static void os__is_equivalent_nested_one_to_three_deep(void **state)
{
    (void)state;
    struct tgm_image os;
    assert_int_equal(asm_assemble_file("examples/os/os.s", &os, stderr), 0);
    unsigned maxd = soak() ? 5 : 3;
    for (unsigned d = 1; d <= maxd; d++) {
        for (int vmm = 0; vmm <= (d == maxd); vmm++) {
            struct nest_check_result r;
            if (!check(NULL, &os, d, vmm, TGM_Q_DEFAULT, 10000000, &r))
                fail_msg("the OS at depth %u%s: %s", d, vmm ? " on the C CP" : "", r.diff);
            assert_true(r.timer_traps >= 10); /* preempted, and each landed alike */
            assert_true(r.traps > r.timer_traps);
        }
    }
    image_free(&os);
}

/* Generated programs that halt within the step limit, at DEPTH; at least
 * WANT of them must be compared. */
static void sweep(unsigned depth, bool vmm, unsigned want)
{
    unsigned compared = 0, timer = 0;
    for (uint64_t seed = 0; compared < want; seed++) {
        if (seed > 4 * (uint64_t)want)
            fail_msg("only %u of %llu programs halted", compared, (unsigned long long)seed);
        struct tgm_image img;
        pg_generate(seed, NULL, &img);
        struct nest_check_result r;
        bool ok = check(NULL, &img, depth, vmm, PG_W, 20000, &r);
        image_free(&img);
        if (!r.bare_halted)
            continue;
        if (!ok)
            fail_msg("seed %llu at depth %u%s: %s", (unsigned long long)seed, depth,
                     vmm ? " on the C CP" : "", r.diff);
        compared++;
        timer += r.timer_traps > 0;
    }
    /* the programs exercise the virtual timer, or the sweep proves little */
    assert_true(timer > want / 10);
}

static void random__programs_are_equivalent_at_depth_one(void **state)
{
    (void)state;
    sweep(1, false, soak() ? 20000 : 500);
}

static void random__programs_are_equivalent_at_depth_two(void **state)
{
    (void)state;
    sweep(2, false, soak() ? 20000 : 500);
    sweep(2, true, soak() ? 2000 : 100);
}

/* The check can fail: a CP whose timer accounting is one cycle off (the
 * ADDI after a timer reading in TM_EXACT) lets some guest's timer trap land
 * elsewhere, and nest_check says where. */
static void check__catches_a_control_program_with_inexact_time(void **state)
{
    (void)state;
    struct tgm_image cp;
    cp_image(&cp);
    uint64_t at = sym(&cp, "acct_exact") + 2;
    uint64_t w = cp.words[at];
    assert_int_equal(GET_OP(w), OP_ADDI);
    assert_int_equal(GET_IMM(w), TGM_TRAP_CYCLES);
    cp.words[at] = MAKE_INSN(OP_ADDI, GET_A(w), GET_B(w), TGM_TRAP_CYCLES - 1);
    bool caught = false;
    for (uint64_t seed = 0; seed < 400 && !caught; seed++) {
        struct tgm_image img;
        pg_generate(seed, NULL, &img);
        struct nest_check_result r;
        caught = !check(&cp, &img, 1, false, PG_W, 20000, &r) && r.bare_halted;
        if (caught)
            assert_true(strstr(r.diff, "trap") || strstr(r.diff, "timer"));
        image_free(&img);
    }
    assert_true(caught);
    image_free(&cp);
}

/* Section 7's equivalence holds trap by trap, not only at the end: a CP
 * that reflects each trap into the guest's E[0] without its cause leaves a
 * guest that resumes with LPSW, keeps no cause and clears E[0] before it
 * halts in the bare machine's final state, and only the trap log shows the
 * difference. */
static void check__catches_a_reflected_trap_without_its_cause(void **state)
{
    (void)state;
    static const char src[] =
        "        .org  0\n"
        "        .word 0\n"
        "        .word psw(SUP, handler, 0, 0x80000)\n"
        "        .entry start\n"
        "start:  SVC   1\n"
        "        SVC   2\n"
        "        MOV   0, zero\n"
        "        HALT\n"
        "handler: ADD  ret, 0, next\n" /* resume after the SVC at the saved P, */
        "        AND   ret, ret, nocause\n"  /* keeping no cause in E either */
        "        LPSW  ret\n"
        "zero:   .word 0\n"
        "next:   .word 1 << 39\n"
        "nocause: .word 0xC3FFFFFFFFFFFFFF\n"
        "ret:    .word 0\n";
    struct tgm_image guest, cp;
    assert_int_equal(asm_assemble_string("svc.s", src, &guest, stderr), 0);
    cp_image(&cp);
    struct nest_check_result r;
    assert_true(check(&cp, &guest, 1, false, PG_W, 20000, &r));
    uint64_t at = sym(&cp, "reflect") + 1; /* OR t0, vpsw, t0: the cause put in */
    uint64_t w = cp.words[at];
    assert_int_equal(GET_OP(w), OP_OR);
    cp.words[at] = MAKE_INSN(OP_OR, GET_A(w), GET_B(w), GET_B(w));
    assert_false(check(&cp, &guest, 1, false, PG_W, 20000, &r));
    assert_true(r.bare_halted && r.nest_halted);
    if (!strstr(r.diff, "trap log, E[0] write 1:"))
        fail_msg("diff: %s", r.diff);
    image_free(&guest);
    image_free(&cp);
}

/* ---- the command line ------------------------------------------------------ */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_nest");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

static void cli__run_nest_reports_the_guest_like_a_bare_run(void **state)
{
    (void)state;
    struct cs_outcome b = cs_run_tgm("run", "--json", "examples/supervisor.s", NULL);
    struct cs_outcome n =
        cs_run_tgm("run", "--json", "--nest", "3", "examples/supervisor.s", NULL);
    assert_int_equal(b.status, 0);
    assert_int_equal(n.status, 0);
    cs_assert_json_object(&b);
    cs_assert_json_object(&n);
    static const char *const same[] = {"stop", "psw", "last_trap", "traps", "timer",
                                       "console", "console_bytes", "q", "digest"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        const char *x = cs_json_get(b.out, same[i]), *y = cs_json_get(n.out, same[i]);
        size_t lx = (size_t)(cs_json_value(x) - x), ly = (size_t)(cs_json_value(y) - y);
        if (lx != ly || memcmp(x, y, lx) != 0)
            fail_msg("key %s: bare %.*s, nested %.*s", same[i], (int)lx, x, (int)ly, y);
    }
    /* keys a bare run has and no level counts are there, as null */
    assert_non_null(cs_json_find(n.out, "cycles"));
    assert_int_equal(strncmp(cs_json_get(n.out, "cycles"), "null", 4), 0);
    const char *nest = cs_json_get(n.out, "nest");
    assert_int_equal(cs_json_u64(n.out, "nest", "depth"), 3);
    const char *levels = cs_json_get(nest, "levels");
    for (size_t k = 0; k < 3; k++)
        assert_non_null(cs_json_item(levels, k));
    assert_null(cs_json_item(levels, 3));
    cs_outcome_free(&b);
    cs_outcome_free(&n);
}

/* A differing trap log called each E[0] word "... trap at P=..." though
 * the guest may have stored it itself (a kernel stepping past an SVC):
 * it names the write and the word, read as a PSW.  And a guest that never
 * traps read "0 traps in the same order, 0 of them timer traps". */
static void check_nest__says_what_the_trap_log_holds(void **state)
{
    (void)state;
    struct psw t = {.cause = TRAP_SVC, .p = 3, .b = 0x10000}, g = t;
    g.p = 4; /* the trap's word with P stepped, as the guest stores it */
    uint64_t bare[] = {psw_pack(&t), psw_pack(&g)}, nested[] = {psw_pack(&t), psw_pack(&t)};
    char diff[256];
    assert_true(nest_logs_differ(bare, 2, nested, 2, diff, sizeof diff));
    assert_string_equal(diff, "trap log, E[0] write 2: bare wrote 0x0c00020000010000 (cause "
                              "svc, P=0x4), nested 0x0c00018000010000 (cause svc, P=0x3)");
    assert_true(nest_logs_differ(bare, 2, nested, 1, diff, sizeof diff));
    assert_string_equal(diff, "trap log: bare wrote E[0] 2 times, nested 1");
    assert_true(nest_logs_differ(bare, 1, nested, 2, diff, sizeof diff)); /* not "1 times" */
    assert_string_equal(diff, "trap log: bare wrote E[0] 1 time, nested 2");
    assert_false(nest_logs_differ(bare, 1, nested, 1, diff, sizeof diff));

    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    static const char none[] = "examples/hello.s: equivalent at depth 1 (E, PSW, R, timer, "
                               "console; no traps); real steps ";
    if (strncmp(o.out, none, strlen(none)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", none, o.out);
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "1", "--json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
    assert_int_equal(cs_json_u64(im, NULL, "traps"), 0); /* JSON keeps its number */
    assert_int_equal(cs_json_u64(im, NULL, "timer_traps"), 0);
    cs_outcome_free(&o);
}

static void cli__check_nest_says_equivalent_and_refuses_bad_depths(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_run_tgm("check", "--nest", "2", "--vmm", "examples/supervisor.s", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "examples/supervisor.s: equivalent at depth 2 on the C "
                                  "control program"));
    assert_non_null(strstr(o.out, "23 traps in the same order"));
    cs_outcome_free(&o);
    /* a missing image is one error line and no half-written report */
    o = cs_run_tgm("check", "--nest", "2", "--json", "examples/sum.s", "no-such-image.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    cs_assert_one_line(&o, "no-such-image.s");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "0", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: --nest: 0 levels is out of range (1..16)");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "2", "--hybrid", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--nest takes one IMAGE, and not --vms, --hybrid");
    cs_outcome_free(&o);
    /* refused, not silently ignored */
    o = cs_run_tgm("run", "--nest", "1", "--vmm", "--stats", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--stats or --timeline");
    cs_outcome_free(&o);
    char tl[512]; /* in the suite's directory: build/ need not exist */
    cs_tmp_path(tl, sizeof tl, "nest-refused.json");
    o = cs_run_tgm("run", "--nest", "1", "--timeline", tl, "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--stats or --timeline");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "16", "--mem", "524288", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "more than the 524288 a machine has");
    cs_outcome_free(&o);
}

/* A snapshot of a session with a stack restored without it: 'stack' in a
 * new session said "no stack".  It comes back with the snapshot, and a
 * snapshot without one takes the session's away. */
static void cli__a_snapshot_keeps_the_stack(void **state)
{
    (void)state;
    char snap[512], plain[512], cmd[1280];
    cs_tmp_path(snap, sizeof snap, "nest-snapshot.snap");
    cs_tmp_path(plain, sizeof plain, "nest-plain.snap");
    snprintf(cmd, sizeof cmd, "nest 2 examples/sum.s; go 1000; save %s", snap);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", cmd, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    snprintf(cmd, sizeof cmd, "restore %s; stack", snap);
    o = cs_run_tgm("monitor", "-c", cmd, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "level 2  CP at 0x00000, guest of 66176 words at 0x00280\n"));
    assert_non_null(strstr(o.out, "level 1  CP at 0x00280, guest of 65536 words at 0x00500\n"));
    cs_outcome_free(&o);
    snprintf(cmd, sizeof cmd, "load examples/sum.s; save %s; nest 1 examples/sum.s; "
                              "restore %s; stack", plain, plain);
    o = cs_run_tgm("monitor", "-c", cmd, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_one_line(&o, "stack: no stack: build one with 'nest N FILE'");
    cs_outcome_free(&o);
    /* a NEST section that does not fit the memory is refused, and the
     * session keeps what it had.  It is the last section: its 4 bytes of
     * depth come right before the checksum. */
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(snap, &len);
    assert_true(len > 12 && memcmp(b + len - 28, "NEST", 4) == 0);
    for (uint8_t depth = 0; depth <= 3; depth += 3) { /* none; more than were built */
        b[len - 12] = depth;
        uint64_t sum = tgm_fnv1a(b, len - 8, TGM_FNV_SEED);
        for (int k = 0; k < 8; k++)
            b[len - 8 + k] = (uint8_t)(sum >> (8 * k));
        cs_write_bytes(plain, b, len);
        snprintf(cmd, sizeof cmd, "nest 1 examples/sum.s; restore %s", plain);
        o = cs_run_tgm("monitor", "-c", cmd, NULL);
        assert_int_equal(o.status, 1);
        cs_assert_one_line(&o, "bad stack section");
        cs_outcome_free(&o);
    }
    free(b);
    snprintf(cmd, sizeof cmd, "set on-error continue; nest 1 examples/sum.s; restore %s; stack",
             plain);
    o = cs_run_tgm("monitor", "-c", cmd, NULL); /* the session's own stack stays */
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.err, "bad stack section"));
    assert_non_null(strstr(o.out, "level 1  CP at 0x00000, guest of 65536 words at 0x00280\n"));
    cs_outcome_free(&o);
    remove(snap);
    remove(plain);
}

/* docs/run.md: nest's W is the guest on top of N levels of 640 words, so
 * it is at most 2^19 - 640N (8 less on the C control program); a larger
 * one is told that most, not only that the stack does not fit. */
static void cli__a_guest_too_big_is_told_the_most_it_can_have(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--mem", "524288",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: run: examples/hello.s: 1 level of 640 words and a guest "
                               "of 524288 words need 524928 words, more than the 524288 a "
                               "machine has: at this depth a guest has at most 523648 words\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "1", "--mem", "523648", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0); /* the most it said */
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "1", "--vmm", "--mem", "523641", "examples/hello.s",
                   NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "at this depth a guest has at most 523640 words");
    cs_outcome_free(&o);
    /* past the C control program's 524280 but within 2^19: the depth's
     * limit, as 'run' says it, not check's own range */
    cs_tgm_fails(2, "tgm: check: examples/hello.s: 1 level of 640 words and a guest of 524285 "
                    "words need 524925 words, more than the 524288 a machine has: at this "
                    "depth a guest has at most 523648 words",
                 "check", CS_ARGV("--nest", "1", "--mem", "524285", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: check: --mem: 524289 words is out of range (2..524288)", "check",
                 CS_ARGV("--nest", "1", "--mem", "524289", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: check: --mem: 524285 words is out of range (2..524280)", "check",
                 CS_ARGV("--mem", "524285", "examples/hello.s"));
    o = cs_run_tgm("run", "--nest", "1", "--vmm", "--mem", "523640", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    cs_mon_fails("nest 2 examples/hello.s mem 523009",
                 "at this depth a guest has at most 523008 words");
    cs_mon_prints("nest 2 examples/hello.s mem 523008", "a bare machine of 523008 words");
    /* an image too big for W: what to try, as run and check say it, in the
     * monitor's words for the option (docs/run.md, "the same words") */
    cs_tgm_fails(2, "tgm: check: examples/hello.s: image needs words 0..25 but the machine has "
                    "10 words (try a larger --mem)",
                 "check", CS_ARGV("--nest", "2", "--mem", "10", "examples/hello.s"));
    cs_mon_fails("nest 2 examples/hello.s mem 10",
                 "nest: examples/hello.s: image needs words 0..25 but the machine has 10 words "
                 "(try a larger 'mem W')");
    cs_mon_fails("check examples/hello.s nest 2 mem 10",
                 "check: examples/hello.s: image needs words 0..25 but the machine has 10 words "
                 "(try a larger 'mem W')");
}

/* docs/monitor.md: the monitor's 'check FILE... nest N' is 'tgm check
 * --nest N': the same comparison and verdict, refused in the same words
 * after its own prefix. */
static void monitor__check_nest_is_the_command_lines(void **state)
{
    (void)state;
    cs_mon_prints("check examples/supervisor.s nest 2",
                  "check examples/supervisor.s: EQUIVALENT at depth 2\n  E, PSW, R, timer, "
                  "console; ");
    struct cs_outcome o = cs_run_tgm("check", "--nest", "2", "examples/supervisor.s", NULL);
    assert_int_equal(o.status, 0);
    const char *traps = strstr(o.out, "console; "), *end = strstr(o.out, "); real steps");
    assert_true(traps && end && end > traps);
    char want[256];
    snprintf(want, sizeof want, "%.*s; real steps", (int)(end - traps), traps);
    cs_outcome_free(&o);
    cs_mon_prints("check examples/supervisor.s nest 2", want);
    cs_mon_prints("check examples/hello.s with examples/sum.s nest 1",
                  "check examples/sum.s: EQUIVALENT at depth 1");
    cs_mon_fails("check examples/hello.s nest 17", "check: nest: 17 levels is out of range (1..16)");
    cs_mon_fails("check examples/hello.s nest 1 hybrid",
                 "check: nest with hybrid: the machine-code control program is no hybrid "
                 "monitor: it runs its guest's supervisor code directly");
    cs_mon_fails("check examples/hello.s slice 5 nest 1",
                 "check: nest with slice: the machine-code control program hosts one guest, "
                 "with no time slices");
    cs_mon_fails("check examples/hello.s profile pdp10 nest 1",
                 "check: nest: the machine-code control program virtualizes the 'virtualizable' "
                 "profile only");
    /* mem: the depth's limit up to 2^19, as with --nest */
    cs_mon_fails("check examples/hello.s mem 524285 nest 1",
                 "check: examples/hello.s: 1 level of 640 words and a guest of 524285 words need "
                 "524925 words, more than the 524288 a machine has: at this depth a guest has at "
                 "most 523648 words");
    cs_mon_fails("check examples/hello.s mem 524285", "mem: 524285 words is out of range "
                                                      "(2..524280)");
    cs_mon_fails("check examples/hello.s nest 1 nest 2", "'nest' given twice");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cp__cycle_table_is_the_machines),
        cmocka_unit_test(cp__named_cycle_costs_are_the_machines),
        cmocka_unit_test(cp__has_an_interpreter_for_every_privileged_instruction),
        cmocka_unit_test(learn__reads_the_map_and_refuses_an_image_without_it),
        cmocka_unit_test(compose__places_each_level_and_refuses_what_does_not_fit),
        cmocka_unit_test(layout_of__matches_compose_and_intact_sees_a_change),
        cmocka_unit_test(top_state__keeps_the_count_of_dropped_console_bytes),
        cmocka_unit_test(examples__are_equivalent_nested_one_to_three_deep),
        cmocka_unit_test(os__is_equivalent_nested_one_to_three_deep),
        cmocka_unit_test(random__programs_are_equivalent_at_depth_one),
        cmocka_unit_test(random__programs_are_equivalent_at_depth_two),
        cmocka_unit_test(check__catches_a_control_program_with_inexact_time),
        cmocka_unit_test(check__catches_a_reflected_trap_without_its_cause),
        cmocka_unit_test(cli__run_nest_reports_the_guest_like_a_bare_run),
        cmocka_unit_test(cli__check_nest_says_equivalent_and_refuses_bad_depths),
        cmocka_unit_test(check_nest__says_what_the_trap_log_holds),
        cmocka_unit_test(cli__a_snapshot_keeps_the_stack),
        cmocka_unit_test(monitor__check_nest_is_the_command_lines),
        cmocka_unit_test(cli__a_guest_too_big_is_told_the_most_it_can_have),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
