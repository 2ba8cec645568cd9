/* test_audit_mutprof57.c: cases that a mutation audit of the instruction
 * table's word functions, the profiles' list of guesses, the "did you mean"
 * rule and the monitor's program loading found no other suite asserting.
 *
 * Each states a documented rule (docs/run.md, docs/asm.md, docs/monitor.md,
 * docs/robustness.md) at the edge a mutant moved: a four-letter word two
 * edits from a command, a guess in any case but never of every letter or
 * for an empty word, three profiles that tie named 'a', 'b' or 'c', the
 * largest number with a G suffix that still gets its hint, a function name
 * only a prefix of psw, a directory given to 'load', a file the log goes
 * to refused before it is read, a source on a pipe past 16 MiB, and
 * 'save' over the program file of the first of two VMs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/machine.h"

/* ---- did you mean ---------------------------------------------------- */

/* docs/run.md: a guess is named "at most one edit in a word of up to
 * three letters, two in a longer one": 'cjek' is two edits from 'check'
 * (mutant: the limit of one edit reached to four letters). */
static void suggest__a_four_letter_word_is_guessed_within_two_edits(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    cs_tgm_fails(2, "tgm: unknown command 'cjek' (did you mean 'check'?)\n", "cjek", none);
}

/* docs/run.md: a guess has "letters compared whatever their case, `tgm
 * CHEK` as `tgm chek`; never an edit of every letter, so `tgm s` and an
 * empty word get none": COUNTER begins counterexample, s is one edit from
 * as, and '' begins every profile (mutants: the beginning compared in
 * its case; a whole word replaced; an empty word beginning every name). */
static void suggest__any_case_but_never_every_letter_or_an_empty_word(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    cs_tgm_fails(2, "tgm: unknown command 'COUNTER' (did you mean 'counterexample'?)\n",
                 "COUNTER", none);
    cs_tgm_fails(2, "tgm: unknown command 's' (try 'tgm --help')\n", "s", none);
    cs_tgm_fails(2,
                 "tgm: isa: --profile: unknown profile '' (known: virtualizable, pdp10, "
                 "s360-67, s360-67-lra-user, pdp11-45, x86)\n",
                 "isa", CS_ARGV("--profile", ""));
}

/* docs/run.md: "The profiles are few, so where several are equally near
 * all of them are named: ... (three would be `'a', 'b' or 'c'`)".  'pdp1'
 * begins pdp10, pdp11-45 and the extra name pdp12 alike (mutant: every
 * separator " or "). */
static void profiles__three_that_tie_are_named_a_b_or_c(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(isa_profile_suggest_with("pdp1", "pdp12", buf, sizeof buf), 3);
    assert_string_equal(buf, "'pdp10', 'pdp11-45' or 'pdp12'");
}

/* docs/run.md: "there is no K, M or G suffix, and a number with one says
 * what it would be in full": 17179869183G is 2^64 - 2^30, the largest that
 * fits, and still gets its hint (mutant: the bound one lower). */
static void cli__the_largest_g_number_that_fits_gets_its_hint(void **state)
{
    (void)state;
    cs_tgm_fails(2,
                 "tgm: run: --max-steps: expected a non-negative number, got '17179869183G' "
                 "(no G suffix here: 17179869183G is 18446744072635809792)\n",
                 "run", CS_ARGV("--max-steps", "17179869183G", "examples/hello.s"));
}

/* ---- the word functions ---------------------------------------------- */

/* docs/asm.md: the built-in functions are `psw(m, p, l, b)`, `pswi(m, p,
 * l, b)` and `rb(l, b)`: 'ps' is only the start of one, no function
 * (mutant: a name matched as a prefix of the table's). */
static void wordfn__a_prefix_of_psw_is_no_function(void **state)
{
    (void)state;
    char src[CS_PATH], out[CS_PATH];
    cs_write_text(src, sizeof src, "ps.s", "    .word ps(1, 0, 0, 4)\n");
    cs_tmp_path(out, sizeof out, "ps.img");
    struct cs_outcome o = cs_run_tgm("as", src, "-o", out, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_has(o.err, "ps.s:1:11: error: unknown function 'ps' (the built-ins are psw, "
                         "pswi and rb)\n");
    cs_outcome_free(&o);
    cs_mon_fails("print ps(1, 0, 0, 4)", "print: unknown name 'ps'\n");
}

/* ---- load ------------------------------------------------------------ */

/* docs/robustness.md: the monitor's `load` names a file it cannot open
 * in its own words: "`-c:1: load: 'd' is a directory (give a program
 * file)`" (mutant: the hint in parentheses dropped). */
static void load__a_directory_asks_for_a_program_file(void **state)
{
    (void)state;
    char dir[CS_PATH], cmd[CS_PATH + 16], want[CS_PATH + 64];
    cs_tmp_path(dir, sizeof dir, "progdir");
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(cmd, sizeof cmd, "load %s", dir);
    snprintf(want, sizeof want, "-c:1: load: '%s' is a directory (give a program file)\n", dir);
    cs_mon_fails(cmd, want);
}

/* docs/monitor.md: "`load` ... refuse a program read from a file the
 * session writes (the history, a log, a trace ...) ..., as in `load:
 * sum.s: the log goes there until 'log off'; a program is not loaded from
 * it`": checked before the file is read, so a log not yet in place, or an
 * old one left empty, gets that line and not the reader's error (mutant:
 * the file read before it is checked). */
static void load__the_log_file_is_refused_before_it_is_read(void **state)
{
    (void)state;
    char log[CS_PATH], cmd[2 * CS_PATH + 32], want[CS_PATH + 96];
    for (int empty = 0; empty <= 1; empty++) {
        if (empty)
            cs_write_text(log, sizeof log, "old.log", "");
        else
            cs_tmp_path(log, sizeof log, "new.log");
        snprintf(cmd, sizeof cmd, "log %s; load %s", log, log);
        snprintf(want, sizeof want,
                 "-c:1: load: %s: the log goes there until 'log off'; a program is not "
                 "loaded from it\n",
                 log);
        cs_mon_fails(cmd, want);
    }
}

/* docs/asm.md: "a source or include larger than 16 MiB read from a stream
 * (a pipe, a device such as `/dev/zero`) ...: the source itself is `FILE:
 * error: larger than 16777216 bytes, the limit for a source`", a source
 * the monitor loads too (docs/robustness.md): 16 MiB and one byte of
 * blanks on a pipe is a source too long, not an image (mutant: the image's
 * limit named for every stream past its cap). */
static void load__a_source_on_a_pipe_past_16_mib_is_a_source_too_long(void **state)
{
    (void)state;
    char cmd[CS_PATH + 128];
    snprintf(cmd, sizeof cmd,
             "head -c 16777217 /dev/zero | tr '\\0' ' ' | '%s' monitor -c 'load /dev/stdin' 2>&1",
             cs_tgm());
    int status;
    char *out = cs_sh_output(cmd, &status);
    assert_int_equal(status, 1);
    assert_string_equal(out, "/dev/stdin: error: larger than 16777216 bytes, the limit for a "
                             "source\n-c:1: load: /dev/stdin: 1 error\n");
    free(out);
}

/* docs/monitor.md: `save` "is never written over a file the loaded
 * program was read from (the bare machine's, a VM's ...)": each VM's
 * program is kept as its own, the first's when a second is loaded
 * (mutant: a later VM's files put in an earlier VM's place). */
static void save__refuses_each_vms_program_file(void **state)
{
    (void)state;
    static const char src[] = "start:  HALT\n";
    char a[CS_PATH], b[CS_PATH], cmd[3 * CS_PATH + 64], want[CS_PATH + 96];
    cs_write_text(a, sizeof a, "vma.s", src);
    cs_write_text(b, sizeof b, "vmb.s", src);
    const char *const files[] = {a, b};
    for (size_t i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "vm create a 4096 %s; vm create b 4096 %s; save %s", a, b,
                 files[i]);
        snprintf(want, sizeof want,
                 "save: %s: the loaded program was read from this file; choose another file\n",
                 files[i]);
        cs_mon_fails(cmd, want);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutprof57");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suggest__a_four_letter_word_is_guessed_within_two_edits),
        cmocka_unit_test(suggest__any_case_but_never_every_letter_or_an_empty_word),
        cmocka_unit_test(profiles__three_that_tie_are_named_a_b_or_c),
        cmocka_unit_test(cli__the_largest_g_number_that_fits_gets_its_hint),
        cmocka_unit_test(wordfn__a_prefix_of_psw_is_no_function),
        cmocka_unit_test(load__a_directory_asks_for_a_program_file),
        cmocka_unit_test(load__the_log_file_is_refused_before_it_is_read),
        cmocka_unit_test(load__a_source_on_a_pipe_past_16_mib_is_a_source_too_long),
        cmocka_unit_test(save__refuses_each_vms_program_file),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
