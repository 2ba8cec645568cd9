/* test_audit_mutvmm54.c: cases that a mutation audit of the equivalence
 * checker, the VM map, the hybrid monitor, the interpreters and the stacks
 * of control programs (and of 'tgm check', 'check --nest', 'run --nest')
 * found no other suite asserting.
 *
 * Each case states the documented behaviour (docs/vmm.md, docs/run.md,
 * docs/recursion.md, docs/robustness.md, docs/monitor.md) at the edge a
 * mutant moved: the largest guest and the most images, the sixteenth level,
 * the hint's limits, a trap loop's note, JSON keys, a pending timer, input
 * read, singular counts, watch and break stops in hybrid code.  Each fails
 * with the small change to the product named in its comment.  Runs the
 * real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

#define HELLO "examples/hello.s"

/* A trap loop: E[1] is 0, so every step takes a memory trap and loads
 * the PSW it ran under (docs/vmm.md, "Equivalence"). */
static void trap_loop_source(char *path, size_t len)
{
    cs_write_text(path, len, "tl.s", ".org 2\nstart: JMP 0x7ffff\n.entry start\n");
}

/* ---- docs/run.md, docs/vmm.md: what 'tgm check' takes --------------------- */

/* "one VM has at most 524280" and "tgm check --mem stops at 524280": a
 * guest of exactly that many fills the real machine (8 + 524280 = 2^19)
 * and is checked.  (vmm_guests_fit's n <= (Q_MAX - K) / w made n < ...
 * refuses it.) */
static void check__a_guest_of_524280_words_fits(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--mem", "524280", HELLO, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, HELLO ": equivalent (alone);");
    cs_outcome_free(&o);
}

/* "at most 64 [images]; more are refused ... tgm check ... alike": 64 are
 * taken, and all 64 run together in one control program.  (vmm_check's
 * n > VMM_MAX_VMS made >= refuses the 64th.) */
static void check__sixty_four_images_are_checked(void **state)
{
    (void)state;
    struct cs_args a = {0};
    cs_push_all(&a, "--mem", "1024", NULL);
    for (int i = 0; i < 64; i++)
        cs_push(&a, HELLO);
    struct cs_outcome o = cs_run_tgm_argv("check", a.v);
    assert_int_equal(o.status, 0);
    size_t lines = 0;
    for (const char *p = o.out; (p = strstr(p, "equivalent (alone and with the others)")); p++)
        lines++;
    assert_int_equal(lines, 64);
    cs_outcome_free(&o);
}

/* docs/vmm.md: a bare machine caught in a trap loop "has that said after
 * the line"; with several images the run with the others has its own line,
 * and the note follows it too.  (Dropping trap_loop_note for the together
 * verdict leaves it off.) */
static void check__a_trap_loop_is_said_with_the_others_too(void **state)
{
    (void)state;
    char tl[CS_PATH];
    trap_loop_source(tl, sizeof tl);
    struct cs_outcome o =
        cs_run_tgm("check", "--max-steps", "1000", "--mem", "1024", tl, HELLO, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_has(o.out, "  with the others: the bare machine did not halt within 1000 steps: "
                  "it is in a trap loop (each step takes a memory trap and E[1] loads "
                  "the same PSW: a disabled wait)\n");
    cs_outcome_free(&o);
}

/* ---- docs/robustness.md, docs/run.md: the hint after a refused image ------ */

/* "(no --mem is large enough: a guest has at most 523648 words here)" is for
 * an image larger than any machine --nest 1 allows; one that needs exactly
 * 523648 words fits a larger --mem, and is told to try one.  (need <= most
 * made need < most says no --mem is large enough.) */
static void nest__an_image_of_the_most_words_is_told_to_try_a_larger_mem(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "edge.img", 523647, CS_WORDS(0), 0);
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--mem", "1024", img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "(try a larger --mem)");
    if (strstr(o.err, "large enough"))
        fail_msg("%s", o.err);
    cs_outcome_free(&o);
}

/* ---- docs/run.md, docs/recursion.md: the deepest stack ---------------------- */

/* "--nest N: run the image on N levels (1..16)", "so --mem is at most
 * 2^19 - 640 x N (... 514048 under sixteen)": sixteen levels with the
 * largest guest run to its HALT.  (layout's depth > NEST_MAX_DEPTH made
 * >= refuses the sixteenth level.) */
static void nest__sixteen_levels_run_the_largest_guest(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "halt.s", ".entry s\ns: HALT\n");
    struct cs_outcome o = cs_run_tgm("run", "--nest", "16", "--mem", "514048", src, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "-- halted\n");
    cs_assert_has(o.out, "level 1      base 0x02580, guest of 514048 words at 0x02800: ");
    cs_assert_has(o.out, "level 16     base 0x00000, guest of 523648 words at 0x00280: ");
    cs_outcome_free(&o);
}

/* ---- docs/recursion.md: what check --nest compares -------------------------- */

/* check --nest compares "its timer (armed, remaining, pending)" and "the
 * console input consumed": a guest whose timer expired with I = 0 (pending,
 * and so no longer armed, docs/isa.md) and that read two of three input
 * bytes ends the same on the stack as bare.  (nest_top_state's armed =
 * tarm && !tpend made tarm, or the input's used bytes read one short, say
 * NOT equivalent.) */
static void check_nest__a_pending_timer_and_input_read_are_equivalent(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "pend.s",
                  "        .entry s\n"
                  "s:      TSET five\n"
                  "        LI n, 10\n"
                  "spin:   DJNZ n, spin\n"
                  "        CIN a\n"
                  "        CIN b\n"
                  "        HALT\n"
                  "five:   .word 5\n"
                  "n:      .word 0\n"
                  "a:      .word 0\n"
                  "b:      .word 0\n");
    struct cs_outcome o = cs_run_tgm("run", "--input", "xyz", src, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "timer        expired, trap pending until I=1\n");
    cs_outcome_free(&o);
    for (int vmm = 0; vmm < 2; vmm++) {
        struct cs_outcome c = vmm ? cs_run_tgm("check", "--nest", "2", "--vmm", "--input", "xyz",
                                               "--mem", "1024", src, NULL)
                                  : cs_run_tgm("check", "--nest", "1", "--input", "xyz",
                                               "--mem", "1024", src, NULL);
        assert_int_equal(c.status, 0);
        cs_assert_has(c.out, ": equivalent at depth ");
        cs_outcome_free(&c);
    }
}

/* docs/run.md: under --nest "the same limit as run applies, refused in the
 * same words": at --mem 524288, which a bare machine has, the stack is what
 * does not fit, said with the words needed and the most a guest has.
 * (nest_run_start's bare range w > Q_MAX made >= refuses the bare run of
 * 2^19 words first, in other words.) */
static void check_nest__a_guest_of_2_19_words_is_refused_for_the_stack(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--mem", "524288", HELLO, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: " HELLO ": 1 level of 640 words and a guest of 524288 "
                           "words need 524928 words, more than the 524288 a machine has: at "
                           "this depth a guest has at most 523648 words");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* ---- docs/run.md: check --json ---------------------------------------------- */

/* "bare_halted" is the bare run's, "alone": {"halted"} the VM's, and
 * "together" is "there only when there are several images": an x86 guest
 * whose LPSW to user mode leaves the VM in virtual supervisor mode halts
 * bare and not in its VM (docs/vmm.md).  (bare_halted printed from the
 * VM's, or "together" printed for one image, fails it.) */
static void check_json__bare_halted_is_the_bare_run_and_one_image_has_no_together(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "x86.s", CS_X86_STUCK_SRC);
    struct cs_outcome o = cs_run_tgm("check", "--json", "--profile", "x86", "--max-steps",
                                     "1000", "--mem", "1024", src, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_json_object(&o);
    const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
    assert_non_null(im);
    assert_int_equal(cs_json_bool(cs_json_get(im, "bare_halted")), 1);
    assert_int_equal(cs_json_bool(cs_json_get(cs_json_get(im, "alone"), "halted")), 0);
    assert_null(cs_json_find(im, "together"));
    cs_outcome_free(&o);
}

/* ---- docs/vmm.md, docs/monitor.md: a hybrid VM stops where the bare one does */

/* A pending timer trap preempts the instruction at P only when I = 1
 * (docs/isa.md); with I = 0 the instruction runs, so a breakpoint on it
 * stops the bare machine, and "a VM stops exactly where the bare machine
 * would" (docs/vmm.md) in hybrid supervisor code too.  (hybrid_interpret
 * taking any pending timer as first, I = 0 or not, runs past it.) */
static void hybrid__a_pending_timer_with_i_clear_does_not_pass_a_breakpoint(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "pend0.s",
                  "        .org 1\n"
                  "        .word psw(SUP, h, 0, 0x80000)\n"
                  "        .entry s\n"
                  "s:      TSET one\n"
                  "        ADDI x, x, 1\n"
                  "        HALT\n"
                  "h:      HALT\n"
                  "one:    .word 1\n"
                  "x:      .word 0\n");
    static const char *const fmts[] = {
        "load %s; break 3; go",
        "set hybrid on; vm create a 4096 %s; break 3; go",
    };
    for (size_t i = 0; i < sizeof fmts / sizeof *fmts; i++) {
        char cmds[2 * CS_PATH];
        snprintf(cmds, sizeof cmds, fmts[i], src);
        struct cs_outcome o = cs_mon_ok(cmds);
        if (!strstr(o.out, "stopped at 0x3"))
            fail_msg("%s: did not stop at the breakpoint:\n%s", cmds, o.out);
        cs_outcome_free(&o);
    }
}

/* docs/monitor.md: the monitor's check refuses "vmm" without "nest" as
 * "check: vmm goes with nest (the control program is always used)", and
 * docs/run.md has tgm check refuse as the monitor does, its option names
 * instead.  (Dropping the refusal runs the plain check.) */
static void check__vmm_without_nest_is_refused(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--vmm", HELLO, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: --vmm goes with --nest (the control program is always "
                           "used)");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* docs/run.md: the lines of 'run --nest' per level, where "a count of 1 is
 * singular: `1 entry`, `1 timer trap`", and one single step likewise.
 * (A plural printed for every count fails it.) */
static void run_nest__a_count_of_one_is_singular_in_the_level_lines(void **state)
{
    (void)state;
    static const struct {
        const char *name, *src, *want;
    } cases[] = {
        {"h1.s", ".entry s\ns: HALT\n",
         ": 1 entry, 1 interpreted, 0 reflected, 0 timer traps, 0 single steps; its guest: "},
        /* the virtual timer expires at the LPSW that sets I */
        {"t1.s",
         ".org 1\n.word psw(SUP, h, 0, 0x80000)\n.entry s\ns: TSET one\nLPSW on\n"
         "w: JMP w\nh: HALT\none: .word 1\non: .word pswi(SUP, w, 0, 0x80000)\n",
         ", 1 reflected, 1 timer trap, 0 single steps; its guest: "},
        /* supervisor mode with I = 1 and the timer armed runs step by step */
        {"s1.s",
         ".org 1\n.word psw(SUP, h, 0, 0x80000)\n.entry s\ns: TSET big\nLPSW on\n"
         "w: HALT\nh: HALT\nbig: .word 1000\non: .word pswi(SUP, w, 0, 0x80000)\n",
         ", 0 timer traps, 1 single step; its guest: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char src[CS_PATH];
        cs_write_text(src, sizeof src, cases[i].name, cases[i].src);
        struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--mem", "1024", src, NULL);
        assert_int_equal(o.status, 0);
        cs_assert_has(o.out, cases[i].want);
        cs_outcome_free(&o);
    }
}

/* docs/run.md: several images under check "together ... must fit one real
 * machine, 8 + N x --mem words at most 2^19", so with two a guest has at
 * most 262140 words, and an image larger than that is told no --mem is
 * large enough (docs/robustness.md), not to try a larger one.  (The hint
 * taking 524280, one VM's most, for any count fails it.) */
static void check__the_hint_counts_the_images_run_together(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "big.img", 299999, CS_WORDS(0), 0);
    struct cs_outcome o = cs_run_tgm("check", "--mem", "1024", HELLO, img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "(no --mem is large enough: a guest has at most 262140 words here)");
    cs_outcome_free(&o);
}

/* docs/run.md: 'run --nest' refuses "a --profile other than virtualizable",
 * so that one given by name is taken; and its JSON's "nest" object says
 * "c_control_program" true under --vmm.  (Refusing any --profile given,
 * printing false always, or naming the bare machine as the real one under
 * --vmm fails it.) */
static void run_nest__virtualizable_by_name_and_the_c_control_program_in_json(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "h2.s", ".entry s\ns: HALT\n");
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--profile", "virtualizable",
                                     "--mem", "1024", src, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "-- halted\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "1", "--profile", "virtualizable", "--mem", "1024", src,
                   NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    /* docs/recursion.md: with --vmm the real machine reported is "the C
     * control program's machine ..., as tgm run --nest --vmm reports it" */
    o = cs_run_tgm("run", "--nest", "1", "--vmm", "--mem", "1024", src, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "\nreal         the C control program's machine: ");
    cs_outcome_free(&o);
    for (int vmm = 0; vmm < 2; vmm++) {
        o = vmm ? cs_run_tgm("run", "--nest", "1", "--vmm", "--json", "--mem", "1024", src, NULL)
                : cs_run_tgm("run", "--nest", "1", "--json", "--mem", "1024", src, NULL);
        assert_int_equal(o.status, 0);
        cs_assert_json_object(&o);
        const char *nest = cs_json_get(o.out, "nest");
        assert_int_equal(cs_json_bool(cs_json_get(nest, "c_control_program")), vmm);
        cs_outcome_free(&o);
    }
}

/* docs/vmm.md: the CP "reports watched words that ... a hybrid step
 * touched" (the real watchpoints given to the view for the stretch); a
 * watchpoint deleted (docs/monitor.md, `delete ID`) stops nothing more,
 * in the hybrid stretch that goes on too.  (Leaving the region's watches
 * on the view after a stretch stops the second write as well.) */
static void hybrid__a_deleted_watchpoint_stops_no_more(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(src, sizeof src, "w2.s",
                  ".entry s\ns: ADDI x, x, 1\n ADDI x, x, 1\n HALT\nx: .word 0\n");
    snprintf(cmds, sizeof cmds, "set hybrid on; vm create a 4096 %s; watch 3; go; delete 1; go",
             src);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "watchpoint 1: write E[0x3] 0 -> 0x1, hit 1 time\n");
    cs_assert_has(o.out, "a: halted: s I=0 P=0x00003");
    if (strstr(o.out, "0x1 -> 0x2"))
        fail_msg("the deleted watchpoint stopped again:\n%s", o.out);
    cs_outcome_free(&o);
}

/* docs/run.md: under --nest with --vmm "that machine is itself a VM of the
 * C control program, whose 8 words come off too (523640 under one level)",
 * so an image of 523641..523648 words is larger than any --mem allows
 * there (docs/robustness.md's hint).  (Taking the bare stack's 523648 for
 * both says to try a larger --mem.) */
static void nest_vmm__the_hint_takes_the_c_control_programs_words_off(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "vbig.img", 523644, CS_WORDS(0), 0);
    struct cs_outcome o =
        cs_run_tgm("run", "--nest", "1", "--vmm", "--mem", "1024", img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "(no --mem is large enough: a guest has at most 523640 words here)");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutvmm54");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check__a_guest_of_524280_words_fits),
        cmocka_unit_test(check__sixty_four_images_are_checked),
        cmocka_unit_test(check__a_trap_loop_is_said_with_the_others_too),
        cmocka_unit_test(nest__an_image_of_the_most_words_is_told_to_try_a_larger_mem),
        cmocka_unit_test(nest__sixteen_levels_run_the_largest_guest),
        cmocka_unit_test(check_nest__a_pending_timer_and_input_read_are_equivalent),
        cmocka_unit_test(check_nest__a_guest_of_2_19_words_is_refused_for_the_stack),
        cmocka_unit_test(check_json__bare_halted_is_the_bare_run_and_one_image_has_no_together),
        cmocka_unit_test(hybrid__a_pending_timer_with_i_clear_does_not_pass_a_breakpoint),
        cmocka_unit_test(check__vmm_without_nest_is_refused),
        cmocka_unit_test(run_nest__a_count_of_one_is_singular_in_the_level_lines),
        cmocka_unit_test(check__the_hint_counts_the_images_run_together),
        cmocka_unit_test(run_nest__virtualizable_by_name_and_the_c_control_program_in_json),
        cmocka_unit_test(hybrid__a_deleted_watchpoint_stops_no_more),
        cmocka_unit_test(nest_vmm__the_hint_takes_the_c_control_programs_words_off),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
