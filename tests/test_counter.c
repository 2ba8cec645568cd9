/* test_counter.c: counterexamples to the VMM and the hybrid VMM.
 *
 * The analyzer's witnesses made into guest programs must fail the VMM
 * exactly where Theorem 1 fails and the hybrid VMM exactly where Theorem 3
 * does (sections 5, 6 and 8); each program must halt bare, start in the
 * witness's state, and be printed as source that reassembles to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#define NPROF 6
static struct counter_report *reports[NPROF];

/* The paper's verdicts, as the instructions each counterexample is for. */
static const struct {
    const char *profile;
    const char *insns;    /* Theorem 1 offenders, in opcode order */
    const char *theorem3; /* of those, the user sensitive ones */
} expected[NPROF] = {
    {"virtualizable", "", ""},
    {"pdp10", "JRSTU", ""},
    {"s360-67", "", ""}, /* the real 360/67: LRA privileged */
    {"s360-67-lra-user", "LRA", "LRA"},
    {"pdp11-45", "MFPI", ""},
    {"x86", "LPSW SPSW SR", "SPSW SR"},
};

static int group_setup(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        char err[256];
        const struct isa_profile *p = isa_profile_find(expected[i].profile);
        reports[i] = p ? counter_profile(p, NULL, err, sizeof err) : NULL;
        if (!reports[i]) {
            fprintf(stderr, "counter_profile(%s): %s\n", expected[i].profile,
                    p ? err : "no such profile");
            return -1;
        }
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++)
        counter_report_free(reports[i]);
    return 0;
}

static const struct counter_report *report_of(const char *name)
{
    for (int i = 0; i < NPROF; i++)
        if (strcmp(reports[i]->profile->name, name) == 0)
            return reports[i];
    fail_msg("no report for profile %s", name);
    return NULL;
}

static bool differs(const struct counterexample *cx, enum counter_monitor m)
{
    return !cx->mon[m].equivalent;
}

/* The instructions of R's counterexamples (only the user sensitive ones
 * with T3), space-separated. */
static void insn_names(const struct counter_report *r, bool t3, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; i < r->n; i++)
        if (!t3 || r->cx[i].breaks_theorem3) {
            if (buf[0])
                strncat(buf, " ", len - strlen(buf) - 1);
            strncat(buf, isa_table[r->cx[i].op].name, len - strlen(buf) - 1);
        }
}

/* ---- the outcomes of the five profiles --------------------------------- */

static void counter__one_program_per_theorem1_offender(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        char names[128];
        insn_names(reports[i], false, names, sizeof names);
        assert_string_equal(names, expected[i].insns);
        insn_names(reports[i], true, names, sizeof names);
        assert_string_equal(names, expected[i].theorem3);
    }
}

static void counter__virtualizable_has_no_counterexample(void **state)
{
    (void)state;
    const struct counter_report *r = report_of("virtualizable");
    assert_true(r->theorem1);
    assert_true(r->theorem3);
    assert_int_equal(r->n, 0);
    assert_true(counter_as_predicted(r));
    r = report_of("s360-67"); /* nor has the real 360/67 */
    assert_true(r->theorem1);
    assert_true(r->theorem3);
    assert_int_equal(r->n, 0);
    assert_true(counter_as_predicted(r));
}

/* Theorem 1 fails and Theorem 3 holds: every program differs under the VMM
 * and is equivalent under the hybrid VMM.  Switching the hybrid mode off
 * makes the second half fail. */
static void counter__pdp10_and_pdp11_45_fail_the_vmm_not_the_hybrid(void **state)
{
    (void)state;
    const char *names[] = {"pdp10", "pdp11-45"};
    for (size_t k = 0; k < 2; k++) {
        const struct counter_report *r = report_of(names[k]);
        assert_false(r->theorem1);
        assert_true(r->theorem3);
        assert_true(r->n > 0);
        for (size_t i = 0; i < r->n; i++) {
            const struct counterexample *cx = &r->cx[i];
            assert_true(cx->bare_halted);
            assert_true(differs(cx, COUNTER_VMM));
            assert_true(cx->mon[COUNTER_VMM].diff[0] != '\0');
            assert_false(differs(cx, COUNTER_HYBRID));
            assert_string_equal(cx->mon[COUNTER_HYBRID].diff, "");
        }
        assert_true(counter_as_predicted(r));
    }
}

/* Theorem 3 fails too: a user sensitive instruction differs under both. */
static void counter__s360_67_lra_user_and_x86_fail_both_monitors(void **state)
{
    (void)state;
    const char *names[] = {"s360-67-lra-user", "x86"};
    for (size_t k = 0; k < 2; k++) {
        const struct counter_report *r = report_of(names[k]);
        size_t both = 0;
        for (size_t i = 0; i < r->n; i++) {
            const struct counterexample *cx = &r->cx[i];
            assert_true(cx->bare_halted);
            assert_true(differs(cx, COUNTER_VMM));
            /* the hybrid VMM fails exactly on the user sensitive ones */
            assert_int_equal(differs(cx, COUNTER_HYBRID), cx->breaks_theorem3);
            both += differs(cx, COUNTER_HYBRID);
        }
        assert_true(both > 0);
        assert_true(counter_as_predicted(r));
    }
}

/* The VMM's difference is the monitor's doing, not the program's: the same
 * image under vmm_check with and without the hybrid mode. */
static void counter__pdp10_program_is_equivalent_only_with_hybrid_on(void **state)
{
    (void)state;
    const struct counter_report *r = report_of("pdp10");
    assert_int_equal(r->n, 1);
    const struct tgm_image *imgs[1] = {&r->cx[0].img};
    for (int hybrid = 0; hybrid <= 1; hybrid++) {
        struct check_opts o = {.w = r->cx[0].w, .max_steps = COUNTER_MAX_STEPS,
                               .profile = r->profile, .hybrid = hybrid};
        struct check_result res;
        char err[256];
        assert_int_equal(vmm_check(imgs, 1, &o, &res, err, sizeof err), 0);
        assert_int_equal(res.equivalent, hybrid);
    }
}

/* --expect's test must be able to say no. */
static void counter__a_wrong_prediction_is_detected(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        struct counter_report r = *reports[i];
        assert_true(counter_as_predicted(&r));
        r.theorem1 = !r.theorem1;
        if (r.n) /* with no program, "fails" cannot be observed either way */
            assert_false(counter_as_predicted(&r));
        r = *reports[i];
        r.theorem3 = !r.theorem3;
        if (r.n)
            assert_false(counter_as_predicted(&r));
    }
}

/* ---- the programs themselves ------------------------------------------- */

static struct machine *bare_with(const struct counterexample *cx, const struct isa_profile *p)
{
    struct machine_config mc = {.q = cx->w, .profile = p};
    struct machine *m = machine_create(&mc);
    assert_non_null(m);
    char err[256];
    assert_int_equal(image_load(m, &cx->img, err, sizeof err), 0);
    if (cx->has_input)
        assert_int_equal(machine_console_input(m, &cx->input, 1), 0);
    return m;
}

static void counter__every_program_halts_on_the_bare_machine(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++)
        for (size_t k = 0; k < reports[i]->n; k++) {
            const struct counterexample *cx = &reports[i]->cx[k];
            struct machine *m = bare_with(cx, reports[i]->profile);
            struct machine_exit ex;
            assert_int_equal(machine_run(m, COUNTER_MAX_STEPS, &ex), EXIT_HALT);
            assert_true(machine_sup(m));
            assert_true(cx->bare_halted);
            assert_int_equal(machine_instret(m), cx->bare_instret);
            machine_destroy(m);
        }
}

/* Loaded, a program is S1 moved by q: the entry PSW is S1's with l + q, and
 * the witness's words sit at q + i (the observer HALT in a word that was 0). */
static void assert_starts_in_witness(const struct counterexample *cx, const struct isa_profile *p)
{
    const struct analyze_state *s = &cx->wit.s1;
    assert_int_equal(cx->shift, s->q);
    assert_int_equal(cx->w, 2 * s->q);
    struct machine *m = bare_with(cx, p);
    if (s->timer.armed || s->timer.pending) { /* run the prologue: TSET, LPSW */
        struct machine_exit ex;
        machine_run(m, 2, &ex);
        struct machine_timer t = machine_get_timer(m);
        assert_int_equal(t.armed, s->timer.armed);
        assert_int_equal(t.pending, s->timer.pending);
        assert_int_equal(t.remaining, s->timer.remaining);
    }
    struct psw ps = machine_psw(m);
    assert_int_equal(ps.sup, s->psw.sup);
    assert_int_equal(ps.ie, s->psw.ie);
    assert_int_equal(ps.p, s->psw.p);
    assert_int_equal(ps.l, cx->shift + s->psw.l);
    assert_int_equal(ps.b, s->psw.b);
    assert_int_equal(cx->at, cx->shift + s->psw.l + s->psw.p);
    const uint64_t *e = machine_mem(m);
    assert_int_equal(GET_OP(e[cx->at]), cx->op);
    unsigned halts = 0;
    for (uint32_t i = 0; i < s->q; i++) {
        if (e[cx->shift + i] == s->mem[i])
            continue;
        assert_int_equal(s->mem[i], 0);
        assert_int_equal(e[cx->shift + i], MAKE_INSN(OP_HALT, 0, 0, 0));
        halts++;
    }
    assert_int_equal(halts, cx->observer);
    machine_destroy(m);
}

static void counter__every_program_starts_in_its_witness_state(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++)
        for (size_t k = 0; k < reports[i]->n; k++)
            assert_starts_in_witness(&reports[i]->cx[k], reports[i]->profile);
}

/* The text report's program blocks: the lines after "  program (", less
 * their four-space indent, up to "  bare machine:". */
static size_t program_blocks(const char *text, char **blocks, size_t max)
{
    size_t n = 0;
    for (const char *s = strstr(text, "\n  program ("); s && n < max;
         s = strstr(s, "\n  program (")) {
        s = strchr(s + 1, '\n') + 1;
        const char *end = strstr(s, "\n  bare machine:");
        assert_non_null(end);
        char *out = calloc(1, (size_t)(end - s) + 2);
        assert_non_null(out);
        size_t len = 0;
        while (s <= end) {
            size_t l = strcspn(s, "\n");
            assert_true(l == 0 || strncmp(s, "    ", 4) == 0);
            if (l) {
                memcpy(out + len, s + 4, l - 4);
                len += l - 4;
            }
            out[len++] = '\n';
            s += l + 1;
        }
        blocks[n++] = out;
    }
    return n;
}

static void assert_same_image(const struct tgm_image *a, const struct tgm_image *b)
{
    assert_int_equal(a->load, b->load);
    assert_int_equal(a->nwords, b->nwords);
    assert_int_equal(a->entry_psw, b->entry_psw);
    assert_memory_equal(a->words, b->words, a->nwords * sizeof a->words[0]);
    assert_int_equal(a->nsyms, b->nsyms);
    for (uint32_t i = 0; i < a->nsyms; i++) {
        assert_string_equal(a->syms[i].name, b->syms[i].name);
        assert_int_equal(a->syms[i].value, b->syms[i].value);
    }
}

static void counter__printed_source_reassembles_to_the_program_run(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        char *text = NULL, *blocks[8];
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        assert_non_null(f);
        counter_report_text(f, reports[i]);
        fclose(f);
        size_t n = program_blocks(text, blocks, 8);
        assert_int_equal(n, reports[i]->n);
        for (size_t k = 0; k < n; k++) {
            struct tgm_image img;
            assert_int_equal(asm_assemble_string("printed", blocks[k], &img, stderr), 0);
            assert_same_image(&img, &reports[i]->cx[k].img);
            image_free(&img);
            free(blocks[k]);
        }
        free(text);
    }
}

/* ---- witnesses beyond the five profiles' reduced ones ------------------ */

/* S1 with a timer needs a prologue; the timer must be S1's when it ends. */
static void counter__a_timer_in_s1_is_set_by_a_prologue(void **state)
{
    (void)state;
    const struct counter_report *r = report_of("pdp11-45");
    const struct machine_timer timers[] = {{true, false, 100}, {false, true, 0}};
    for (size_t k = 0; k < 2; k++) {
        struct analyze_witness w = r->cx[0].wit;
        w.s1.timer = timers[k];
        w.s1.psw.ie = !timers[k].pending; /* a pending timer with I set would trap */
        struct counterexample cx;
        char err[256];
        assert_int_equal(counter_build(r->profile, &w, &cx, err, sizeof err), 0);
        assert_non_null(strstr(cx.source, "TSET"));
        assert_starts_in_witness(&cx, r->profile);
        assert_int_equal(counter_run(r->profile, &cx, err, sizeof err), 0);
        assert_true(cx.bare_halted);
        assert_true(differs(&cx, COUNTER_VMM));
        assert_false(differs(&cx, COUNTER_HYBRID));
        counter_free(&cx);
    }
}

/* The prologue's comment counts S1's cycles left as a word: "1 cycle". */
static void counter__the_prologue_says_cycle_or_cycles(void **state)
{
    (void)state;
    const struct counter_report *r = report_of("pdp11-45");
    const struct {
        int64_t left;
        const char *says;
    } cases[] = {{1, "1 cycle left in S1"}, {2, "2 cycles left in S1"}};
    for (size_t k = 0; k < 2; k++) {
        struct analyze_witness w = r->cx[0].wit;
        w.s1.timer = (struct machine_timer){true, false, cases[k].left};
        struct counterexample cx;
        char err[256];
        assert_int_equal(counter_build(r->profile, &w, &cx, err, sizeof err), 0);
        assert_non_null(strstr(cx.source, cases[k].says));
        counter_free(&cx);
    }
}

/* S1 at l > 0 with a region that runs past the witness's machine. */
static void counter__a_witness_above_l_0_keeps_its_bound_checks(void **state)
{
    (void)state;
    const struct counter_report *r = report_of("s360-67-lra-user");
    struct analyze_witness w = r->cx[0].wit;
    struct analyze_state *s = &w.s1;
    uint64_t word = s->mem[s->psw.l + s->psw.p];
    memset(s->mem, 0, sizeof s->mem);
    s->psw.l = s->q - 6;
    s->psw.b = 16; /* runs 10 words past q: those must still memory trap */
    s->psw.p = 1;
    s->mem[s->psw.l + s->psw.p] = word;
    struct counterexample cx;
    char err[256];
    assert_int_equal(counter_build(r->profile, &w, &cx, err, sizeof err), 0);
    assert_starts_in_witness(&cx, r->profile);
    struct machine *m = bare_with(&cx, r->profile);
    uint32_t phys;
    assert_int_equal(machine_develop(m, 5, &phys), TRAP_NONE);
    assert_int_equal(machine_develop(m, 6, &phys), TRAP_MEM); /* a + l >= 2q */
    machine_destroy(m);
    assert_int_equal(counter_run(r->profile, &cx, err, sizeof err), 0);
    assert_true(cx.bare_halted);
    assert_true(differs(&cx, COUNTER_VMM));
    assert_true(differs(&cx, COUNTER_HYBRID));
    counter_free(&cx);
}

/* An unprivileged CIN: its witness needs a console byte, given to each run. */
static void counter__a_console_witness_gets_its_input(void **state)
{
    (void)state;
    struct isa_profile p = *isa_profile_find("virtualizable");
    p.beh[OP_CIN] = BEH_DIRECT;
    char err[256];
    struct counter_report *r = counter_profile(&p, NULL, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(r->n, 1);
    assert_int_equal(r->cx[0].op, OP_CIN);
    assert_true(r->cx[0].has_input);
    assert_true(r->cx[0].breaks_theorem3);
    assert_true(r->cx[0].bare_halted);
    assert_true(differs(&r->cx[0], COUNTER_VMM));
    assert_true(differs(&r->cx[0], COUNTER_HYBRID));
    assert_true(counter_as_predicted(r));
    counter_report_free(r);
}

/* Unreduced witnesses (random memory, timers, console bytes, I set) are
 * programs too, and still fail the monitors as the theorems say. */
static void counter__unreduced_witnesses_fail_as_predicted(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 3; seed++)
        for (int i = 0; i < NPROF; i++) {
            struct analyze_options o = {.seed = seed, .random_states = 256, .keep_witnesses = true};
            char err[256];
            struct counter_report *r = counter_profile(reports[i]->profile, &o, err, sizeof err);
            assert_non_null(r);
            assert_true(counter_all_halted(r));
            assert_true(counter_as_predicted(r));
            counter_report_free(r);
        }
}

/* ---- the command ------------------------------------------------------- */

static int tgm_status(const char *args)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd, "\"%s\" counterexample %s >/dev/null 2>&1", cs_tgm_binary(), args);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void counter__command_exit_status(void **state)
{
    (void)state;
    assert_int_equal(tgm_status("--profile all --expect"), 0);
    assert_int_equal(tgm_status("--profile x86 --json --expect"), 0);
    assert_int_equal(tgm_status("--profile nosuch"), 2);
    assert_int_equal(tgm_status("--words 8"), 2);
    assert_int_equal(tgm_status("--bogus"), 2);
    assert_int_equal(tgm_status("extra"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counter__one_program_per_theorem1_offender),
        cmocka_unit_test(counter__virtualizable_has_no_counterexample),
        cmocka_unit_test(counter__pdp10_and_pdp11_45_fail_the_vmm_not_the_hybrid),
        cmocka_unit_test(counter__s360_67_lra_user_and_x86_fail_both_monitors),
        cmocka_unit_test(counter__pdp10_program_is_equivalent_only_with_hybrid_on),
        cmocka_unit_test(counter__a_wrong_prediction_is_detected),
        cmocka_unit_test(counter__every_program_halts_on_the_bare_machine),
        cmocka_unit_test(counter__every_program_starts_in_its_witness_state),
        cmocka_unit_test(counter__printed_source_reassembles_to_the_program_run),
        cmocka_unit_test(counter__a_timer_in_s1_is_set_by_a_prologue),
        cmocka_unit_test(counter__a_witness_above_l_0_keeps_its_bound_checks),
        cmocka_unit_test(counter__a_console_witness_gets_its_input),
        cmocka_unit_test(counter__the_prologue_says_cycle_or_cycles),
        cmocka_unit_test(counter__unreduced_witnesses_fail_as_predicted),
        cmocka_unit_test(counter__command_exit_status),
    };
    return cmocka_run_group_tests_name("counter", tests, group_setup, group_teardown);
}
