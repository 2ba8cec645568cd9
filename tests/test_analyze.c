/* test_analyze.c: the analyzer derives sections 3 and 8's classes.
 *
 * Every profile's derived classes must equal the declared ones, the
 * verdicts of Theorems 1, 2 (section 7) and 3 must be the paper's, every
 * witness must replay, and a profile that lies about a class, or whose
 * behaviour changes under an unchanged declaration, must be caught and named.
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
static struct analyze_result *results[NPROF];

struct expect {
    const char *profile;
    bool theorem1, theorem3;
    const char *t1_offenders; /* space-separated, in opcode order */
    const char *t3_offenders;
};

/* The real 360/67's LRA is privileged (it is virtualizable); the flaw
 * lives on in the hypothetical s360-67-lra-user. */
static const struct expect paper[NPROF] = {
    {"virtualizable", true, true, "", ""},
    {"pdp10", false, true, "JRSTU", ""},
    {"s360-67", true, true, "", ""},
    {"s360-67-lra-user", false, false, "LRA", "LRA"},
    {"pdp11-45", false, true, "MFPI", ""},
    {"x86", false, false, "LPSW SPSW SR", "SPSW SR"},
};

static const struct analyze_result *result_of(const char *name)
{
    for (int i = 0; i < NPROF; i++)
        if (results[i] && strcmp(results[i]->profile->name, name) == 0)
            return results[i];
    fail_msg("no result for profile %s", name);
    return NULL;
}

/* The names of the instructions PICK selects, space-separated. */
static void names(const struct analyze_result *r, bool (*pick)(const struct analyze_insn *),
                  char *buf, size_t len)
{
    buf[0] = '\0';
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (pick(&r->insn[op])) {
            if (buf[0])
                strncat(buf, " ", len - strlen(buf) - 1);
            strncat(buf, isa_table[op].name, len - strlen(buf) - 1);
        }
}

static bool mismatched(const struct analyze_insn *in)
{
    return in->present && in->derived != in->declared;
}

/* A copy of a built-in profile, to be altered by a test. */
static struct isa_profile copy_of(const char *name)
{
    const struct isa_profile *p = isa_profile_find(name);
    assert_non_null(p);
    return *p;
}

/* ---- the built-in profiles ------------------------------------------- */

static void analyze__derived_equals_declared_in_every_profile(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = results[i];
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            const struct analyze_insn *in = &r->insn[op];
            if (!in->present)
                continue;
            if (in->derived != in->declared) {
                char d[64], c[64];
                analyze_class_text(in->derived, d, sizeof d);
                analyze_class_text(in->declared, c, sizeof c);
                fail_msg("%s %s: derived '%s', declared '%s'", r->profile->name,
                         isa_table[op].name, d, c);
            }
        }
        assert_int_equal(r->mismatches, 0);
    }
}

static void analyze__verdicts_are_the_papers(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = result_of(paper[i].profile);
        char got[128];
        assert_int_equal(r->theorem1, paper[i].theorem1);
        assert_int_equal(r->theorem3, paper[i].theorem3);
        names(r, analyze_breaks_theorem1, got, sizeof got);
        assert_string_equal(got, paper[i].t1_offenders);
        names(r, analyze_breaks_theorem3, got, sizeof got);
        assert_string_equal(got, paper[i].t3_offenders);
    }
}

/* Theorem 2 (section 7): its condition is Theorem 1's plus a VMM without
 * timing dependencies, which tgm's control program is for every profile;
 * where Theorem 1 fails the verdict is "not established", never a claim
 * that the machine is not recursively virtualizable. */
static void analyze__theorem2_is_theorem1_and_a_timing_free_vmm(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = result_of(paper[i].profile);
        char why[512], want[128];
        assert_int_equal(r->theorem2, paper[i].theorem1);
        analyze_theorem2_reason(r, why, sizeof why);
        assert_null(strchr(why, '\n'));
        if (paper[i].theorem1) {
            assert_string_equal(analyze_theorem2_verdict(r), "holds");
            assert_non_null(strstr(why, "recursively virtualizable"));
            assert_non_null(strstr(why, "no timing dependencies"));
            assert_non_null(strstr(why, "docs/recursion.md"));
            continue;
        }
        assert_string_equal(analyze_theorem2_verdict(r), "not established");
        snprintf(want, sizeof want, "Theorem 1 fails (%s)", paper[i].t1_offenders);
        if (strncmp(why, want, strlen(want)) != 0)
            fail_msg("%s: reason '%s' does not start '%s'", paper[i].profile, why, want);
        assert_non_null(strstr(why, "only a sufficient condition"));
        assert_non_null(strstr(why, paper[i].theorem3
                                        ? "Theorem 3 holds: a hybrid monitor can be built"
                                        : "Theorem 3 fails too ("));
    }
    /* a reason cut short still ends in a terminated string */
    char small[12];
    analyze_theorem2_reason(result_of("x86"), small, sizeof small);
    assert_string_equal(small, "Theorem 1 f");
}

/* Each existential claim has a witness and each universal one was tried. */
static void analyze__claims_have_witnesses_and_counts(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = results[i];
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            const struct analyze_insn *in = &r->insn[op];
            if (!in->present)
                continue;
            assert_true(in->n.states > 1000);
            assert_true(in->n.priv_pairs > 0);
            for (unsigned c = CLAIM_CTL_S; c < CLAIM_COUNT; c++)
                assert_int_equal(in->found[c], (in->derived & analyze_claim_class(c)) != 0);
            /* privileged exactly when no counterexample was found */
            assert_int_equal(in->found[CLAIM_NOT_PRIV], !(in->derived & CLASS_PRIV));
            if (in->derived & CLASS_PRIV) /* vacuous from user mode */
                assert_int_equal(in->n.ctl[0], 0);
            else
                assert_true(in->n.ctl[0] > 0 || op == OP_SVC);
        }
    }
}

static void analyze__every_witness_replays(void **state)
{
    (void)state;
    unsigned replayed = 0;
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = results[i];
        for (unsigned op = 0; op < ISA_NOPS; op++)
            for (unsigned c = 0; c < CLAIM_COUNT; c++) {
                const struct analyze_witness *w = &r->insn[op].wit[c];
                if (!r->insn[op].found[c])
                    continue;
                struct analyze_diff got;
                if (!analyze_witness_replay(r->profile, w, &got))
                    fail_msg("%s %s %s: witness does not replay", r->profile->name,
                             isa_table[op].name, analyze_claim_name(c));
                assert_int_equal(w->op, op);
                assert_int_equal(w->claim, c);
                assert_int_equal(got.comp, w->diff.comp);
                assert_true(got.v1 == w->diff.v1 && got.v2 == w->diff.v2);
                replayed++;
            }
    }
    assert_true(replayed > 5 * 30); /* every innocuous one has a not-priv pair */
}

static void analyze__unreduced_witnesses_replay_too(void **state)
{
    (void)state;
    struct analyze_options o = {.keep_witnesses = true, .random_states = 64};
    struct analyze_result *r = analyze_profile(isa_profile_find("x86"), &o);
    assert_non_null(r);
    for (unsigned op = 0; op < ISA_NOPS; op++)
        for (unsigned c = 0; c < CLAIM_COUNT; c++)
            if (r->insn[op].found[c])
                assert_true(analyze_witness_replay(r->profile, &r->insn[op].wit[c], NULL));
    analyze_result_free(r);
}

static void analyze__replay_rejects_a_wrong_witness(void **state)
{
    (void)state;
    const struct analyze_result *s360 = result_of("s360-67-lra-user");
    struct analyze_witness w = s360->insn[OP_LRA].wit[CLAIM_LOC_U];
    assert_true(s360->insn[OP_LRA].found[CLAIM_LOC_U]);
    assert_true(analyze_witness_replay(s360->profile, &w, NULL));

    struct analyze_witness bad = w; /* a different claimed value */
    bad.diff.v2 ^= 1;
    assert_false(analyze_witness_replay(s360->profile, &bad, NULL));

    bad = w; /* S2 no longer holds e | r (+) x */
    bad.s2.mem[bad.s2.psw.l + (bad.s2.psw.p == 0)] ^= 0x10; /* not the instruction */
    assert_false(analyze_witness_replay(s360->profile, &bad, NULL));

    bad = w; /* S2's R is not S1's R (+) x */
    bad.x += 1;
    assert_false(analyze_witness_replay(s360->profile, &bad, NULL));

    /* the same witness on a machine where LRA is not an instruction */
    struct analyze_diff got;
    assert_false(analyze_witness_replay(isa_profile_default(), &w, &got));
    assert_int_equal(got.comp, COMP_NONE);
}

static void analyze__hcall_and_flaw_instructions_are_absent_where_they_should_be(void **state)
{
    (void)state;
    static const struct {
        const char *profile;
        uint8_t op;
    } flaw[] = {{"pdp10", OP_JRSTU},    {"s360-67", OP_LRA},
                {"s360-67-lra-user", OP_LRA}, {"pdp11-45", OP_MFPI}};
    for (int i = 0; i < NPROF; i++) {
        const struct analyze_result *r = results[i];
        assert_false(r->insn[OP_HCALL].present); /* guest machines */
        assert_true(r->insn[OP_ADD].present);
        for (unsigned op = OP_JRSTU; op <= OP_MFPI; op++) {
            bool in_profile = false;
            for (size_t k = 0; k < sizeof flaw / sizeof flaw[0]; k++)
                in_profile = in_profile || (flaw[k].op == op &&
                                            strcmp(r->profile->name, flaw[k].profile) == 0);
            assert_int_equal(r->insn[op].present, in_profile);
        }
    }
    /* the real 360/67's LRA: privileged and location sensitive from s */
    assert_int_equal(result_of("s360-67")->insn[OP_LRA].derived, CLASS_PRIV | CLASS_LOC_S);
    assert_int_equal(result_of("s360-67-lra-user")->insn[OP_LRA].derived,
                     CLASS_LOC_S | CLASS_LOC_U);
}

/* POPF's analogue: the mode changes only M, I and R, which is control
 * sensitivity from s; e | r and p are the same in both modes. */
static void analyze__x86_lpsw_is_control_not_mode_sensitive(void **state)
{
    (void)state;
    const struct analyze_insn *in = &result_of("x86")->insn[OP_LPSW];
    assert_int_equal(in->derived, CLASS_CTL_S);
    assert_false(in->found[CLAIM_MODE]);
    assert_true(in->n.mode > 100);
    assert_false(in->found[CLAIM_CTL_U]);
    assert_true(in->n.ctl[0] > 100);
    uint8_t comp = in->wit[CLAIM_CTL_S].diff.comp;
    assert_true(comp == COMP_M || comp == COMP_I || comp == COMP_L || comp == COMP_B);
    /* the not-privileged pair: user mode completes */
    assert_int_equal(in->wit[CLAIM_NOT_PRIV].diff.v2, TRAP_NONE);
}

static void analyze__witnesses_are_reduced_to_what_matters(void **state)
{
    (void)state;
    const struct analyze_witness *w = &result_of("pdp10")->insn[OP_JRSTU].wit[CLAIM_CTL_S];
    unsigned nonzero = 0;
    for (uint32_t i = 0; i < w->s1.q; i++)
        nonzero += w->s1.mem[i] != 0;
    assert_int_equal(nonzero, 1); /* the instruction alone */
    assert_int_equal(w->diff.comp, COMP_M);
    assert_int_equal(w->diff.v1, 1);
    assert_int_equal(w->diff.v2, 0);
    assert_false(w->s1.timer.armed || w->s1.timer.pending);
    assert_int_equal(w->s1.cin, -1);
}

/* ---- profiles that lie, or that change behaviour --------------------- */

static void analyze__catches_lpsw_declared_innocuous(void **state)
{
    (void)state;
    struct isa_profile p = copy_of("virtualizable");
    p.cls[OP_LPSW] = 0;
    struct analyze_result *r = analyze_profile(&p, NULL);
    assert_non_null(r);
    char got[128];
    names(r, mismatched, got, sizeof got);
    assert_string_equal(got, "LPSW");
    assert_int_equal(r->mismatches, 1);
    assert_int_equal(r->insn[OP_LPSW].derived, CLASS_PRIV | CLASS_CTL_S);
    /* verdicts come from the derivation, not the declaration */
    assert_true(r->theorem1);
    assert_true(r->theorem3);
    analyze_result_free(r);
}

static void analyze__catches_add_declared_privileged(void **state)
{
    (void)state;
    struct isa_profile p = copy_of("pdp10");
    p.cls[OP_ADD] = CLASS_PRIV;
    struct analyze_result *r = analyze_profile(&p, NULL);
    assert_non_null(r);
    char got[128];
    names(r, mismatched, got, sizeof got);
    assert_string_equal(got, "ADD");
    const struct analyze_insn *in = &r->insn[OP_ADD];
    assert_int_equal(in->derived, 0);
    assert_true(in->found[CLAIM_NOT_PRIV]);
    assert_int_equal(in->wit[CLAIM_NOT_PRIV].diff.v2, TRAP_NONE); /* user ran it */
    assert_true(analyze_witness_replay(&p, &in->wit[CLAIM_NOT_PRIV], NULL));
    analyze_result_free(r);
}

/* LR made unprivileged with its declaration untouched: the analyzer reads
 * behaviour, so LR is now control sensitive from user mode and both
 * theorems fail, naming LR. */
static void analyze__follows_behaviour_not_the_declared_flags(void **state)
{
    (void)state;
    struct isa_profile p = copy_of("virtualizable");
    p.beh[OP_LR] = BEH_DIRECT;
    struct analyze_result *r = analyze_profile(&p, NULL);
    assert_non_null(r);
    const struct analyze_insn *in = &r->insn[OP_LR];
    assert_int_equal(in->derived, CLASS_CTL_S | CLASS_CTL_U);
    assert_false(r->theorem1);
    assert_false(r->theorem3);
    char got[128];
    names(r, analyze_breaks_theorem3, got, sizeof got);
    assert_string_equal(got, "LR");
    names(r, mismatched, got, sizeof got);
    assert_string_equal(got, "LR");
    analyze_result_free(r);
}

/* The classes are the paper's: reading the timer is neither location nor
 * mode sensitivity, so an unprivileged TGET passes Theorem 1 here; yet the
 * control program runs a guest on a real timer of its own, and a user-mode
 * TGET run directly reads that one (docs/theorems.md says so). */
static void analyze__unprivileged_tget_is_innocuous_but_not_virtualizable(void **state)
{
    (void)state;
    struct isa_profile p = copy_of("virtualizable");
    p.beh[OP_TGET] = BEH_DIRECT;
    p.cls[OP_TGET] = 0;
    struct analyze_options o = {.random_states = 64};
    struct analyze_result *r = analyze_profile(&p, &o);
    assert_non_null(r);
    assert_int_equal(r->insn[OP_TGET].derived, 0);
    assert_true(r->theorem1);
    analyze_result_free(r);

    static const char src[] = "        .org 0\n"
                              "old:    .word 0\n"
                              "        .word psw(SUP, h, 0, 64)\n"
                              "        .entry start\n"
                              "start:  TSET  t\n"
                              "        LPSW  u\n"
                              "user:   TGET  x\n"
                              "        SVC   0\n"
                              "h:      HALT\n"
                              "t:      .word 1000\n"
                              "x:      .word 0\n"
                              "u:      .word psw(USER, user, 0, 64)\n";
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("tget.s", src, &img, stderr), 0);
    const struct tgm_image *imgs[] = {&img};
    struct check_opts co = {.w = 64, .profile = &p};
    struct check_result res;
    char err[160];
    assert_int_equal(vmm_check(imgs, 1, &co, &res, err, sizeof err), 0);
    assert_true(res.bare_halted);
    assert_false(res.equivalent);
    assert_non_null(strstr(res.alone_diff, "E[")); /* the word TGET stored */
    co.profile = NULL; /* privileged: it traps in user mode, bare and virtual */
    assert_int_equal(vmm_check(imgs, 1, &co, &res, err, sizeof err), 0);
    assert_true(res.equivalent);
    image_free(&img);
}

/* ---- options ---------------------------------------------------------- */

static void analyze__same_seed_same_result_other_seed_same_classes(void **state)
{
    (void)state;
    const struct isa_profile *p = isa_profile_find("pdp11-45");
    struct analyze_options a = {.seed = 7, .random_states = 200};
    struct analyze_options b = {.seed = 8, .random_states = 200};
    struct analyze_result *r1 = analyze_profile(p, &a), *r2 = analyze_profile(p, &a),
                          *r3 = analyze_profile(p, &b);
    assert_non_null(r1);
    assert_non_null(r2);
    assert_non_null(r3);
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        assert_int_equal(r1->insn[op].derived, r2->insn[op].derived);
        assert_memory_equal(&r1->insn[op].n, &r2->insn[op].n, sizeof r1->insn[op].n);
        assert_int_equal(r1->insn[op].derived, r3->insn[op].derived);
    }
    analyze_result_free(r1);
    analyze_result_free(r2);
    analyze_result_free(r3);
}

static void analyze__other_memory_sizes_give_the_same_classes(void **state)
{
    (void)state;
    static const uint32_t qs[] = {ANALYZE_Q_MIN, ANALYZE_Q_MAX};
    for (size_t k = 0; k < 2; k++) {
        struct analyze_options o = {.q = qs[k], .random_states = 256};
        struct analyze_result *r = analyze_profile(isa_profile_find("x86"), &o);
        assert_non_null(r);
        assert_int_equal(r->mismatches, 0);
        assert_false(r->theorem1);
        assert_false(r->theorem3);
        analyze_result_free(r);
    }
}

static void analyze__rejects_memory_outside_the_small_machine(void **state)
{
    (void)state;
    struct analyze_options o = {.q = ANALYZE_Q_MIN - 1};
    assert_null(analyze_profile(isa_profile_default(), &o));
    o.q = ANALYZE_Q_MAX + 1;
    assert_null(analyze_profile(isa_profile_default(), &o));
    assert_null(analyze_profile(NULL, NULL));
}

static void analyze__text_names(void **state)
{
    (void)state;
    char buf[64];
    analyze_class_text(CLASS_PRIV | CLASS_CTL_S, buf, sizeof buf);
    assert_string_equal(buf, "priv ctl-s");
    analyze_class_text(0, buf, sizeof buf);
    assert_string_equal(buf, "innocuous");
    analyze_insn_text(MAKE_INSN(OP_LPSW, 3, 0, 0), buf, sizeof buf);
    assert_string_equal(buf, "LPSW 3");
    analyze_insn_text(MAKE_INSN(OP_ADDI, 1, 2, (uint32_t)-1), buf, sizeof buf);
    assert_string_equal(buf, "ADDI 1, 2, -1");
    struct analyze_diff d = {COMP_M, 0, 1, 0};
    analyze_diff_text(&d, CLAIM_CTL_S, buf, sizeof buf);
    assert_string_equal(buf, "M: s -> u");
}

/* ---- the command ------------------------------------------------------ */

/* Run `tgm ARGS`, capture stdout (first LEN-1 bytes), return the status. */
static int run_tgm(const char *args, char *out, size_t len)
{
    const char *tgm = cs_tgm_binary();
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s 2>/dev/null", tgm, args);
    FILE *f = popen(cmd, "r");
    assert_non_null(f);
    size_t n = 0;
    int ch;
    while ((ch = fgetc(f)) != EOF)
        if (n + 1 < len)
            out[n++] = (char)ch;
    out[n] = '\0';
    int st = pclose(f);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void analyze__command_exit_status_and_output(void **state)
{
    (void)state;
    size_t len = 1 << 20;
    char *out = malloc(len);
    assert_non_null(out);
    assert_int_equal(run_tgm("analyze --profile x86 --json", out, len), 0);
    assert_non_null(strstr(out, "\"theorem1\":false,\"theorem3\":false"));
    assert_non_null(strstr(out, "\"theorem3_offenders\":[\"SPSW\",\"SR\"]"));
    assert_int_equal(run_tgm("analyze --profile pdp10", out, len), 0);
    assert_non_null(strstr(out, "Theorem 1 (sensitive is a subset of privileged): FAILS: JRSTU"));
    assert_non_null(strstr(out, "Theorem 3 (user sensitive is a subset of privileged): holds"));
    assert_non_null(strstr(out, "Theorem 2 (virtualizable, and a VMM without timing "
                                "dependencies exists): not established: Theorem 1 fails "
                                "(JRSTU); "));
    assert_non_null(strstr(out, "; Theorem 3 holds: a hybrid monitor can be built\n"));
    /* every profile's object has theorem2, verdict and reason; text alike */
    assert_int_equal(run_tgm("analyze --profile all --json --random-states 1", out, len), 0);
    for (int i = 0; i < NPROF; i++) {
        char head[64], want[96];
        snprintf(head, sizeof head, "{\"profile\":\"%s\",", paper[i].profile);
        const char *obj = strstr(out, head);
        assert_non_null(obj);
        const char *end = strstr(obj + 1, "{\"profile\":");
        snprintf(want, sizeof want, "\"theorem2\":%s,\"theorem2_verdict\":\"%s\",",
                 paper[i].theorem1 ? "true" : "false",
                 paper[i].theorem1 ? "holds" : "not established");
        const char *at = strstr(obj, want);
        if (!at || (end && at > end))
            fail_msg("profile %s: no %s", paper[i].profile, want);
        at = strstr(obj, "\"theorem2_reason\":\"");
        assert_true(at && (!end || at < end));
    }
    assert_int_equal(run_tgm("analyze --profile all --random-states 1", out, len), 0);
    for (int i = 0; i < NPROF; i++) {
        char head[64];
        snprintf(head, sizeof head, "profile %s: ", paper[i].profile);
        const char *sec = strstr(out, head);
        assert_non_null(sec);
        const char *end = strstr(sec + 1, "\nprofile ");
        const char *t2 = strstr(sec, "\nTheorem 2 (virtualizable, and a VMM without timing "
                                     "dependencies exists): ");
        assert_true(t2 && (!end || t2 < end));
        t2 = strstr(t2, "): ") + 3;
        const char *want = paper[i].theorem1 ? "holds: recursively virtualizable, since"
                                             : "not established: Theorem 1 fails (";
        if (strncmp(t2, want, strlen(want)) != 0)
            fail_msg("profile %s: Theorem 2 line '%.80s'", paper[i].profile, t2);
    }
    assert_int_equal(run_tgm("analyze --profile all --check-declared", out, len), 0);
    assert_int_equal(run_tgm("analyze --profile nosuch", out, len), 2);
    assert_int_equal(run_tgm("analyze --words 3", out, len), 2);
    assert_int_equal(run_tgm("analyze extra", out, len), 2);
    free(out);
}

/* counterexample builds its programs from analyze's witnesses, so it takes
 * every option of the analysis (docs/theorems.md); --random-states was
 * analyze's alone.  The first witness comes from the boundary states, so
 * one random state gives the default's programs. */
static void counterexample__takes_the_analyzers_random_states(void **state)
{
    (void)state;
    size_t len = 1 << 20;
    char *def = malloc(len), *one = malloc(len);
    assert_non_null(def);
    assert_non_null(one);
    assert_int_equal(run_tgm("counterexample --profile pdp11-45", def, len), 0);
    assert_int_equal(run_tgm("counterexample --profile pdp11-45 --random-states 1", one, len), 0);
    assert_non_null(strstr(one, "counterexample 1 of 1: MFPI"));
    assert_string_equal(one, def);
    assert_int_equal(run_tgm("counterexample --random-states 1000001", one, len), 2);
    assert_int_equal(run_tgm("counterexample --help", one, len), 0);
    assert_non_null(strstr(one, "[--seed N] [--random-states N] [--words Q]"));
    free(def);
    free(one);
}

static int group_setup(void **state)
{
    (void)state;
    const struct isa_profile *const *p = isa_profiles();
    for (int i = 0; i < NPROF; i++) {
        if (!p[i])
            return -1;
        results[i] = analyze_profile(p[i], NULL);
        if (!results[i])
            return -1;
    }
    return p[NPROF] == NULL ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    for (int i = 0; i < NPROF; i++)
        analyze_result_free(results[i]);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__derived_equals_declared_in_every_profile),
        cmocka_unit_test(analyze__verdicts_are_the_papers),
        cmocka_unit_test(analyze__theorem2_is_theorem1_and_a_timing_free_vmm),
        cmocka_unit_test(analyze__claims_have_witnesses_and_counts),
        cmocka_unit_test(analyze__every_witness_replays),
        cmocka_unit_test(analyze__unreduced_witnesses_replay_too),
        cmocka_unit_test(analyze__replay_rejects_a_wrong_witness),
        cmocka_unit_test(analyze__hcall_and_flaw_instructions_are_absent_where_they_should_be),
        cmocka_unit_test(analyze__x86_lpsw_is_control_not_mode_sensitive),
        cmocka_unit_test(analyze__witnesses_are_reduced_to_what_matters),
        cmocka_unit_test(analyze__catches_lpsw_declared_innocuous),
        cmocka_unit_test(analyze__catches_add_declared_privileged),
        cmocka_unit_test(analyze__follows_behaviour_not_the_declared_flags),
        cmocka_unit_test(analyze__unprivileged_tget_is_innocuous_but_not_virtualizable),
        cmocka_unit_test(analyze__same_seed_same_result_other_seed_same_classes),
        cmocka_unit_test(analyze__other_memory_sizes_give_the_same_classes),
        cmocka_unit_test(analyze__rejects_memory_outside_the_small_machine),
        cmocka_unit_test(analyze__text_names),
        cmocka_unit_test(analyze__command_exit_status_and_output),
        cmocka_unit_test(counterexample__takes_the_analyzers_random_states),
    };
    return cmocka_run_group_tests_name("analyze", tests, group_setup, group_teardown);
}
