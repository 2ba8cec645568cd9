/* test_audit_mutwit57.c: cases that a mutation audit of the analyzer's
 * witnesses and counterexamples found no other suite asserting.
 *
 * Each states a rule of docs/theorems.md at the edge a mutant moved, where
 * the default outputs stayed as they were: a replay's demand that the two
 * states are the claim's pair (same p, b, timer and l; e | r equal; S1 in
 * the claim's mode; the witness's own instruction; a machine of 16
 * words), the reduction clearing the timer and a console byte 0, a
 * witness's cells and difference in JSON, the names of the components,
 * the console byte of the random states, which witness a counterexample
 * is made from, where its observer HALT may go, the warning of an
 * unprivileged TSET, the console byte 0 given to its runs, an outcome the
 * theorems do not predict, and the counterexample outputs the document
 * shows.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ana_support.h"
#include "analyze/analyze_impl.h"
#include "cli_support.h"
#include "tgm/analyze.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* The virtualizable profile's LPSW 0 from supervisor mode: M s -> u. */
static void lpsw_ctl_s(struct analyze_witness *w, uint32_t q)
{
    ana_witness_of(w, OP_LPSW, CLAIM_CTL_S, q, 0, MAKE_INSN(OP_LPSW, 0, 0, 0));
    w->diff = (struct analyze_diff){COMP_M, 0, 1, 0};
}

static bool replays(const char *profile, const struct analyze_witness *w)
{
    return analyze_witness_replay(isa_profile_find(profile), w, NULL);
}

/* ---- docs/theorems.md: a replay checks the states are the claim's ------- */

/* Control sensitivity is "Split by the mode of S1: `ctl-s` (supervisor),
 * `ctl-u` (user)": LPSW's change from a supervisor S1 is no ctl-u witness.
 * (Mutant: any S1 fitting a ctl-u claim.) */
static void replay__a_control_claim_is_the_mode_of_s1(void **state)
{
    (void)state;
    static struct analyze_witness w;
    lpsw_ctl_s(&w, 32);
    assert_true(replays("virtualizable", &w));
    w.claim = CLAIM_CTL_U;
    assert_false(replays("virtualizable", &w));
}

/* "S1 = <e|r, m, p, r> and S2 = <e|r (+) x, m, p, r (+) x>", r (+) x =
 * (l + x, b): x86's SR 0 from E|r[2] and from E|r[3] (both hold it), or
 * under R = (1, 31), stores another R word, but such an S2 is not the
 * pair's.  (Mutants: S2's p, or its b, left unchecked.) */
static void replay__a_location_pair_keeps_p_and_b(void **state)
{
    (void)state;
    static struct analyze_witness w, bad;
    ana_witness_of(&w, OP_SR, CLAIM_LOC_S, 32, 1, MAKE_INSN(OP_SR, 0, 0, 0));
    w.s1.mem[3] = w.s1.mem[2];
    analyze_derive_s2(CLAIM_LOC_S, &w.s1, 1, &w.s2);
    w.diff = (struct analyze_diff){COMP_E, 0, r_pack(0, 32), r_pack(1, 32)};
    assert_true(replays("x86", &w));
    bad = w;
    bad.s2.psw.p = 3; /* E[4]: SR 0 again, storing at E|r[0] */
    assert_false(replays("x86", &bad));
    bad = w;
    bad.s2.psw.b = 31;
    bad.diff.v2 = r_pack(1, 31);
    assert_false(replays("x86", &bad));
}

/* The privileged pair: "S1 = `<e, s, p, r>`, S2 = `<e, u, p, r>` (identical
 * but for M)": neither another timer nor another l is its S2, though SR
 * completes in both as the witness says.  (Mutants: the timer's cycles,
 * or S2's l, left unchecked.) */
static void replay__a_privileged_pair_keeps_the_timer_and_l(void **state)
{
    (void)state;
    static struct analyze_witness w, bad;
    ana_witness_of(&w, OP_SR, CLAIM_NOT_PRIV, 32, 0, MAKE_INSN(OP_SR, 0, 0, 0));
    w.s1.mem[3] = w.s1.mem[2]; /* so that S2 at l = 1 runs SR too */
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
    analyze_derive_s2(CLAIM_NOT_PRIV, &w.s1, 0, &w.s2);
    w.diff = (struct analyze_diff){COMP_TRAP, 0, TRAP_NONE, TRAP_NONE};
    assert_true(replays("x86", &w));
    bad = w;
    bad.s2.timer.remaining = 99;
    assert_false(replays("x86", &bad));
    bad = w;
    bad.s2.psw.l = 1;
    assert_false(replays("x86", &bad));
}

/* A mode pair: "S1 = `<e|r, s, p, r>` and S2 = `<e|r (+) x, u, p, r (+)
 * x>`", so e | r is S1's: pdp11-45's MFPI 23, 0 with another word in S2's
 * region is no pair, whatever it shows.  (Mutant: e | r unchecked.) */
static void replay__a_mode_pair_has_s1s_region(void **state)
{
    (void)state;
    static struct analyze_witness w, bad;
    ana_mfpi_mode(&w);
    assert_true(replays("pdp11-45", &w));
    bad = w;
    bad.s2.mem[5] = 7;
    bad.diff = (struct analyze_diff){COMP_E, 5, 0, 7};
    assert_false(replays("pdp11-45", &bad));
}

/* A witness is of its instruction: "re-runs the instruction on the stored
 * states"; LPSW's witness relabelled as NOP's does not replay.  And `--words`
 * is "16 to 64": a witness of a 16-word machine replays, as does one of 64.
 * (Mutants: the opcode at P unchecked; q = 16 refused.) */
static void replay__a_witness_of_its_instruction_on_16_to_64_words(void **state)
{
    (void)state;
    static struct analyze_witness w;
    lpsw_ctl_s(&w, 32);
    w.op = OP_NOP;
    assert_false(replays("virtualizable", &w));
    lpsw_ctl_s(&w, 16);
    assert_true(replays("virtualizable", &w));
    lpsw_ctl_s(&w, 64);
    assert_true(replays("virtualizable", &w));
}

/* ---- docs/theorems.md, "Witnesses": reduced, then written --------------- */

/* "each word of E other than the instruction is set to zero, and the
 * timer, the console input and I are cleared, each change kept only if
 * the claim still shows a difference": LPSW 0's M s -> u needs none of
 * them, a console byte 0 being console input as any other.  (Mutants: the
 * timer kept; a byte 0 kept.) */
static void minimize__clears_what_the_difference_does_not_need(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct analyze_ctx cx;
    assert_int_equal(analyze_ctx_init(&cx, isa_profile_default(), 32), 0);
    static const int bytes[] = {0, 'A'};
    for (size_t k = 0; k < 2; k++) {
        lpsw_ctl_s(&w, 32);
        w.s1.mem[9] = 5;
        w.s1.psw.ie = true;
        w.s1.cin = bytes[k];
        w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
        w.diff = (struct analyze_diff){COMP_NONE, 0, 0, 0};
        analyze_minimize(&cx, &w);
        assert_true(w.s1.mem[9] == 0 && w.s1.mem[2] == MAKE_INSN(OP_LPSW, 0, 0, 0));
        assert_false(w.s1.timer.armed || w.s1.timer.pending);
        assert_true(w.s1.timer.remaining == 0);
        assert_int_equal(w.s1.cin, -1);
        assert_false(w.s1.psw.ie);
        assert_int_equal(w.diff.comp, COMP_M);
        assert_true(w.diff.v1 == 1 && w.diff.v2 == 0);
    }
    analyze_ctx_fini(&cx);
}

/* analyze_witness_json of W, as a string (free it). */
static char *witness_json(const struct analyze_witness *w)
{
    struct cs_mem m;
    analyze_witness_json(cs_mem_open(&m), w);
    return cs_mem_text(&m);
}

/* `cells`: "the words of E that are not zero, and the instruction's word:
 * `addr`, `value` and, for the instruction's word, `insn`", a `value`
 * being "a cell's word, 16 hex digits"; the difference's `addr` is
 * "relative for `E|r`".  The instruction's word is E[l + p]: S2 of SR's
 * location pair runs E[3], and its E[2] (S1's E[1], moved) is only a word.
 * (Mutants: insn on E[p]; a value without its leading zeros; the
 * difference's address written 0.) */
static void witness__json_cells_and_difference_as_documented(void **state)
{
    (void)state;
    static struct analyze_witness w;
    char want[256];
    uint64_t sr = MAKE_INSN(OP_SR, 0, 0, 0);
    ana_witness_of(&w, OP_SR, CLAIM_LOC_S, 32, 1, sr);
    w.s1.mem[1] = 5;
    analyze_derive_s2(CLAIM_LOC_S, &w.s1, 1, &w.s2);
    w.diff = (struct analyze_diff){COMP_E, 0, r_pack(0, 32), r_pack(1, 32)};
    char *t = witness_json(&w);
    snprintf(want, sizeof want,
             "\"s2\":{\"q\":32,\"M\":\"s\",\"I\":0,\"P\":2,\"l\":1,\"b\":32,"
             "\"timer\":{\"armed\":false,\"pending\":false,\"remaining\":0},"
             "\"console_input\":-1,\"cells\":[{\"addr\":2,\"value\":\"0x0000000000000005"
             "\"},{\"addr\":3,\"value\":\"0x%016" PRIx64 "\",\"insn\":\"SR 0\"}]}",
             sr);
    cs_assert_has(t, want);
    free(t);

    ana_mfpi_mode(&w);
    t = witness_json(&w);
    cs_assert_has(t, "\"cells\":[{\"addr\":0,\"value\":\"0x0000000000000008\"},{\"addr\":21,");
    cs_assert_has(t, ",\"diff\":{\"component\":\"E|r\",\"addr\":23,\"v1\":\"0x0\",\"v2\":\"0x8\","
                     "\"text\":\"E|r[23]: i(S1) 0x0, i(S2) 0x8\"}}");
    free(t);
}

/* "the component (`E|r` with its relative address, `P`, `M`, `I`, `R.l`,
 * `R.b`, `halted`, `timer ...`, `console ...`, `E outside E|r`, or `trap`
 * for a not-privileged pair)", as JSON's `component` and the text name
 * them.  (Mutants: R.l named R.b; P named p.) */
static void text__components_are_named_as_documented(void **state)
{
    (void)state;
    static const struct {
        enum analyze_component c;
        const char *name;
    } named[] = {
        {COMP_E, "E|r"}, {COMP_P, "P"},         {COMP_M, "M"},
        {COMP_I, "I"},   {COMP_L, "R.l"},       {COMP_B, "R.b"},
        {COMP_HALT, "halted"}, {COMP_E_OUTSIDE, "E outside E|r"}, {COMP_TRAP, "trap"},
    };
    for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
        assert_string_equal(analyze_component_name(named[i].c), named[i].name);
    static const enum analyze_component timer[] = {COMP_TIMER_ARMED, COMP_TIMER_PENDING,
                                                   COMP_TIMER_REMAINING};
    for (size_t i = 0; i < 3; i++)
        assert_true(strncmp(analyze_component_name(timer[i]), "timer ", 6) == 0);
    static const enum analyze_component console[] = {COMP_CONSOLE_OUT_LEN, COMP_CONSOLE_OUT,
                                                     COMP_CONSOLE_IN};
    for (size_t i = 0; i < 3; i++)
        assert_true(strncmp(analyze_component_name(console[i]), "console ", 8) == 0);
    /* in a control witness's words, "R.l: 0 -> 1" */
    char buf[160];
    struct analyze_diff d = {COMP_L, 0, 0, 1};
    analyze_diff_text(&d, CLAIM_CTL_S, buf, sizeof buf);
    assert_string_equal(buf, "R.l: 0 -> 1");
    d = (struct analyze_diff){COMP_P, 0, 3, 4};
    analyze_diff_text(&d, CLAIM_MODE, buf, sizeof buf);
    assert_string_equal(buf, "P: i(S1) 3, i(S2) 4");
}

/* ---- docs/theorems.md, "State generation" ------------------------------- */

/* The random states' console: "no console input, 'A', or a random byte":
 * 'A' is one of the three choices, not only a random byte's chance.
 * (Mutant: another fixed byte in its place.) */
static void states__a_random_states_console_byte_is_none_a_or_any(void **state)
{
    (void)state;
    static struct analyze_gen g;
    static struct analyze_state s;
    uint32_t xs[ANALYZE_MAX_SHIFTS];
    unsigned nx, none = 0, a = 0, n = 0;
    analyze_gen_init(&g, OP_CIN, 32, UINT64_C(0x50470a1974), 2048);
    while (analyze_gen_next(&g, &s, xs, &nx)) {
        assert_true(s.cin >= -1 && s.cin <= 255);
        none += s.cin == -1;
        a += s.cin == 'A';
        n++;
    }
    /* the boundary states have none; of the 2048 random ones about a
     * quarter wait with 'A' (a byte drawn at random is 'A' 1 time in 256) */
    assert_true(n > 2048 && none > n / 3);
    if (a < 2048 / 8)
        fail_msg("only %u of 2048 random states wait with 'A'", a);
}

/* ---- docs/theorems.md, "From a witness to a program" --------------------- */

/* "If the instruction is user sensitive, its user-mode witness is used
 * (`ctl-u`, else `loc-u`) ... Otherwise its supervisor-mode witness
 * (`ctl-s`, else `loc-s`, else `mode`)."  (Mutants: each order changed.) */
static void counter__the_witness_is_picked_in_the_documented_order(void **state)
{
    (void)state;
    static struct analyze_insn in;
    memset(&in, 0, sizeof in);
    in.derived = CLASS_CTL_U | CLASS_LOC_U | CLASS_CTL_S | CLASS_LOC_S | CLASS_MODE;
    for (unsigned c = 0; c < CLAIM_COUNT; c++)
        in.found[c] = c != CLAIM_NOT_PRIV;
    assert_int_equal(counter_pick_claim(&in), CLAIM_CTL_U);
    in.found[CLAIM_CTL_U] = false;
    assert_int_equal(counter_pick_claim(&in), CLAIM_LOC_U);
    in.derived = CLASS_CTL_S | CLASS_LOC_S | CLASS_MODE;
    in.found[CLAIM_LOC_U] = false;
    assert_int_equal(counter_pick_claim(&in), CLAIM_CTL_S);
    in.found[CLAIM_CTL_S] = false;
    assert_int_equal(counter_pick_claim(&in), CLAIM_LOC_S);
    in.found[CLAIM_LOC_S] = false;
    assert_int_equal(counter_pick_claim(&in), CLAIM_MODE);
    in.found[CLAIM_MODE] = false;
    assert_int_equal(counter_pick_claim(&in), CLAIM_COUNT);
}

/* A prologue for S1's timer: the program "warns when `TSET` or `LPSW` is
 * not privileged in the profile"; TSET alone unprivileged is warned of
 * too.  (Mutant: only LPSW looked at.) */
static void counter__a_prologue_warns_of_an_unprivileged_tset(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct counterexample cx;
    static struct isa_profile p;
    char err[256];
    p = *isa_profile_default();
    p.name = "tset-user";
    p.beh[OP_TSET] = BEH_DIRECT;
    ana_witness_of(&w, OP_LPSW, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_LPSW, 0, 0, 0));
    w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
    w.diff = (struct analyze_diff){COMP_M, 0, 1, 0};
    assert_int_equal(counter_build(&p, &w, &cx, err, sizeof err), 0);
    cs_assert_has(cx.source, "; Note: TSET or LPSW is not privileged in profile tset-user,");
    counter_free(&cx);
    assert_int_equal(counter_build(isa_profile_default(), &w, &cx, err, sizeof err), 0);
    cs_assert_lacks(cx.source, "Note:");
    counter_free(&cx);
}

/* pdp10's JRSTU 0 from supervisor mode, M s -> u: a witness to build. */
static void jrstu_ctl_s(struct analyze_witness *w, uint64_t insn)
{
    ana_witness_of(w, OP_JRSTU, CLAIM_CTL_S, 32, 0, insn);
    w->diff = (struct analyze_diff){COMP_M, 0, 1, 0};
}

/* "A console byte waiting in S1 is given to every run as console input",
 * the byte 0 too; and a program is made from a sensitivity witness (its
 * `claim` is "`ctl-u`, `loc-u`, `ctl-s`, `loc-s` or `mode`"), not from a
 * `not-priv` one.  (Mutants: a byte 0 taken for none; a not-priv witness
 * built.) */
static void counter__a_byte_0_is_input_and_not_priv_is_no_program(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct counterexample cx;
    const struct isa_profile *p = isa_profile_find("pdp10");
    char err[256] = "";
    jrstu_ctl_s(&w, MAKE_INSN(OP_JRSTU, 0, 0, 0));
    w.s1.cin = 0;
    assert_int_equal(counter_build(p, &w, &cx, err, sizeof err), 0);
    assert_true(cx.has_input);
    assert_int_equal(cx.input, 0);
    cs_assert_has(cx.source, "; Every run is given the console input byte 0x00, S1's waiting "
                             "byte.\n");
    counter_free(&cx);

    ana_witness_of(&w, OP_JRSTU, CLAIM_NOT_PRIV, 32, 0, MAKE_INSN(OP_JRSTU, 0, 0, 0));
    w.diff = (struct analyze_diff){COMP_TRAP, 0, TRAP_NONE, TRAP_NONE};
    assert_int_equal(counter_build(p, &w, &cx, err, sizeof err), -1);
    assert_string_equal(err, "JRSTU: not a sensitivity witness");
    counter_free(&cx);
}

/* "If the instruction leaves R unchanged and its new P addresses a word
 * that was 0, a HALT is put there, but only if the analyzer, re-running
 * the claim with that HALT in S1, still finds the same kind of
 * difference."  TSET 3 at P = 2 reads E[3]: with 0 there it disarms the
 * timer (timer armed: 1 -> 0), with a HALT word it arms it (timer
 * remaining), so no HALT; TSET 31 reads another word and gets one.  And
 * JRSTU 8 under R = (0, 8) leaves P = 8, which addresses no word of the
 * region, though E[8] is 0.  (Mutants: any difference taken; P = b taken.) */
static void counter__an_observer_halt_only_where_the_rule_puts_one(void **state)
{
    (void)state;
    static struct analyze_witness w;
    static struct counterexample cx;
    const struct isa_profile *v = isa_profile_default();
    char err[256];
    for (unsigned a = 3; a <= 31; a += 28) {
        ana_witness_of(&w, OP_TSET, CLAIM_CTL_S, 32, 0, MAKE_INSN(OP_TSET, a, 0, 0));
        w.s1.timer = (struct machine_timer){.armed = true, .remaining = 100};
        w.diff = (struct analyze_diff){COMP_TIMER_ARMED, 0, 1, 0};
        assert_true(analyze_witness_replay(v, &w, NULL));
        assert_int_equal(counter_build(v, &w, &cx, err, sizeof err), 0);
        assert_int_equal(cx.observer, a == 31);
        if (a == 3)
            cs_assert_lacks(cx.source, "after:");
        else
            cs_assert_has(cx.source, "after:   HALT                             ; E|r[3], "
                                     "the P it leaves");
        counter_free(&cx);
    }

    const struct isa_profile *p = isa_profile_find("pdp10");
    jrstu_ctl_s(&w, MAKE_INSN(OP_JRSTU, 8, 0, 0));
    w.s1.psw.b = 8;
    assert_true(analyze_witness_replay(p, &w, NULL));
    assert_int_equal(counter_build(p, &w, &cx, err, sizeof err), 0);
    assert_false(cx.observer);
    cs_assert_lacks(cx.source, "after:");
    counter_free(&cx);
}

/* REPORT as counter_report_text writes it (free it). */
static char *report_text(const struct counter_report *r)
{
    struct cs_mem m;
    counter_report_text(cs_mem_open(&m), r);
    return cs_mem_text(&m);
}

/* docs/theorems.md: the outcome line "ends `: as Theorems 1 and 3
 * predict`, or `: NOT as Theorems 1 and 3 predict` for an outcome
 * `--expect` refuses"; "a program that does not halt on the bare machine
 * within 10,000 steps says `bare machine: DOES NOT HALT within 10000
 * steps` and is such an outcome".  No built-in profile gives either, so
 * the reports are changed: virtualizable's verdict, pdp10's bare run.
 * (Mutants: the words; the bare run not counted.) */
static void counter__an_outcome_not_predicted_says_so(void **state)
{
    (void)state;
    char err[256];
    struct counter_report *r =
        counter_profile(isa_profile_find("virtualizable"), NULL, err, sizeof err);
    assert_non_null(r);
    r->theorem1 = false; /* predicts a VMM failure: there is no counterexample */
    assert_false(counter_as_predicted(r));
    char *t = report_text(r);
    cs_assert_ends_with(t, "\noutcome: nothing to run: NOT as Theorems 1 and 3 predict\n");
    free(t);
    counter_report_free(r);
    r = counter_profile(isa_profile_find("pdp10"), NULL, err, sizeof err);
    assert_non_null(r);
    assert_true(r->n > 0 && counter_as_predicted(r));
    r->cx[0].bare_halted = false;
    assert_false(counter_as_predicted(r));
    t = report_text(r);
    cs_assert_has(t, "\n  bare machine: DOES NOT HALT within 10000 steps\n");
    cs_assert_has(t, ": NOT as Theorems 1 and 3 predict\n");
    free(t);
    counter_report_free(r);
}

/* ---- docs/theorems.md: the counterexample outputs it shows -------------- */

/* The line at *P (without its newline), moving *P past it. */
static size_t next_line(const char **p, const char **line)
{
    *line = *p;
    size_t n = strcspn(*p, "\n");
    *p += n + ((*p)[n] == '\n');
    return n;
}

/* "The outputs below are copied from `tgm counterexample --profile P`. In
 * all but the `pdp10` output, the two comment paragraphs on the layout and
 * on "whatever runs next" are shown as `; ...`": every other line is the
 * command's, in order.  (Mutants: a comment wrapped at another column;
 * Theorem 3's offenders chosen wrongly; the claim's words.) */
static void counterexample__outputs_are_the_documents(void **state)
{
    (void)state;
    char *doc = cs_slurp("docs/theorems.md", NULL);
    static const char *const profs[] = {"virtualizable", "pdp10", "s360-67-lra-user",
                                        "pdp11-45", "x86"};
    for (size_t k = 0; k < sizeof profs / sizeof profs[0]; k++) {
        char cmd[80];
        snprintf(cmd, sizeof cmd, "tgm counterexample --profile %s", profs[k]);
        char *shown = cs_doc_block(doc, cmd);
        struct cs_outcome o = cs_run_tgm("counterexample", "--profile", profs[k], NULL);
        assert_int_equal(o.status, 0);
        const char *d = shown, *g = o.out, *dl, *gl;
        unsigned lineno = 0, elided = 0;
        while (*d) {
            size_t dn = next_line(&d, &dl);
            lineno++;
            if (dn == 9 && strncmp(dl, "    ; ...", 9) == 0) {
                /* a paragraph left out: comment lines up to the next shown one */
                size_t nn = strcspn(d, "\n");
                while (strncmp(g, "    ;", 5) == 0 &&
                       !(strcspn(g, "\n") == nn && strncmp(g, d, nn) == 0)) {
                    next_line(&g, &gl);
                    elided++;
                }
                continue;
            }
            if (!*g)
                fail_msg("%s: the command ends before line %u of the document's output, "
                         "'%.*s'", profs[k], lineno, (int)dn, dl);
            size_t gn = next_line(&g, &gl);
            if (gn != dn || strncmp(gl, dl, dn) != 0)
                fail_msg("%s: line %u of the document's output is\n'%.*s'\nthe command "
                         "prints\n'%.*s'", profs[k], lineno, (int)dn, dl, (int)gn, gl);
        }
        if (*g)
            fail_msg("%s: the command prints more than the document shows: '%s'", profs[k], g);
        /* pdp10's is whole; the others leave out paragraphs of each program */
        assert_true(k == 1 ? elided == 0 : k == 0 || elided > 0);
        cs_outcome_free(&o);
        free(shown);
    }
    free(doc);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutwit57");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(replay__a_control_claim_is_the_mode_of_s1),
        cmocka_unit_test(replay__a_location_pair_keeps_p_and_b),
        cmocka_unit_test(replay__a_privileged_pair_keeps_the_timer_and_l),
        cmocka_unit_test(replay__a_mode_pair_has_s1s_region),
        cmocka_unit_test(replay__a_witness_of_its_instruction_on_16_to_64_words),
        cmocka_unit_test(minimize__clears_what_the_difference_does_not_need),
        cmocka_unit_test(witness__json_cells_and_difference_as_documented),
        cmocka_unit_test(text__components_are_named_as_documented),
        cmocka_unit_test(states__a_random_states_console_byte_is_none_a_or_any),
        cmocka_unit_test(counter__the_witness_is_picked_in_the_documented_order),
        cmocka_unit_test(counter__a_prologue_warns_of_an_unprivileged_tset),
        cmocka_unit_test(counter__a_byte_0_is_input_and_not_priv_is_no_program),
        cmocka_unit_test(counter__an_observer_halt_only_where_the_rule_puts_one),
        cmocka_unit_test(counter__an_outcome_not_predicted_says_so),
        cmocka_unit_test(counterexample__outputs_are_the_documents),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
