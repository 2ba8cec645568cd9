/* test_audit_mutcli56.c: cases that a mutation audit of the command
 * line's front door (dispatch, help, the numbers every option takes, the
 * standard streams), of 'tgm analyze' and 'tgm counterexample' options
 * and of 'tgm monitor's IMAGE arguments and exit status found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/run.md, docs/asm.md,
 * docs/robustness.md, docs/theorems.md, docs/monitor.md) at the edge a
 * mutant moved: a word that only ends in K is no number with a suffix,
 * '0x' and '' are no numbers at all, 'tgm --help' on a full disk is
 * status 2, a closed standard error is not the next file opened, a
 * profile given twice is the last one even after 'all', 'counterexample
 * --profile all' is each profile's text in turn and, with --json, one
 * object, an IMAGE whose name holds a backslash is loaded by that name,
 * and 'exit N' gives N after a log was lost.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- numbers ------------------------------------------------------- */

/* docs/run.md: "a value that is not a decimal or `0x` number as
 * `expected a non-negative number, got 'X'` (there is no K, M or G
 * suffix, and a number with one says what it would be in full".  '64xK'
 * is no number with a suffix: it gets no hint of what it would be (the
 * mutant offered "(no K or M suffix here: 64xK is 65536)"). */
static void numbers__only_a_number_with_a_suffix_gets_the_hint(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--seed", "64xK", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_string_equal(o.err, "tgm: analyze: --seed: expected a non-negative number, got "
                               "'64xK'\n");
    cs_outcome_free(&o);
    /* the one that is: the hint stays */
    o = cs_run_tgm("analyze", "--seed", "64K", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: analyze: --seed: expected a non-negative number, got "
                               "'64K' (no K or M suffix here: 64K is 65536)\n");
    cs_outcome_free(&o);
}

/* docs/run.md: "Numbers may be decimal or `0x` (or `0X`) hexadecimal";
 * "a value that is not a decimal or `0x` number as `expected a
 * non-negative number, got 'X'`".  '0x' with no digits and the empty
 * word are no numbers, not 0 (the mutant, which let a word of no digits
 * through as 0, said "0x words is out of range (16..64)" and would take
 * 'tgm run --max-steps 0x' as no limit). */
static void numbers__no_digits_is_no_number(void **state)
{
    (void)state;
    static const char *const words[][2] = {
        {"--words", "0x"}, {"--words", "0X"}, {"--seed", ""}, {"--random-states", "0x"}};
    for (size_t k = 0; k < sizeof words / sizeof words[0]; k++) {
        struct cs_outcome o = cs_run_tgm("analyze", words[k][0], words[k][1], NULL);
        char want[160];
        snprintf(want, sizeof want, "tgm: analyze: %s: expected a non-negative number, got '%s'\n",
                 words[k][0], words[k][1]);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        assert_string_equal(o.err, want);
        cs_outcome_free(&o);
    }
}

/* ---- help ---------------------------------------------------------- */

/* docs/asm.md: "a standard output that cannot be written (a full disk)
 * is status 2 and one line, `tgm: as: cannot write the output: ...`, as
 * for every command (docs/run.md)": the top-level help too, 'tgm
 * --help' and 'tgm help' (the mutant returned 0 from them without
 * looking at the output). */
static void help__a_full_disk_is_status_2(void **state)
{
    (void)state;
    char tgm[] = "tgm", help[] = "--help", word[] = "help";
    cs_full_stdout_keeps(NULL, "tgm: --help: cannot write the output: No space left on device",
                         (char *const[]){tgm, help, NULL});
    cs_full_stdout_keeps(NULL, "tgm: help: cannot write the output: No space left on device",
                         (char *const[]){tgm, word, NULL});
}

/* docs/robustness.md: "one that is closed (`tgm run prog.s >&-`) is
 * opened on `/dev/null` before anything else ... so that no file tgm
 * opens later (a `--dump`, a trace) becomes descriptor 0, 1 or 2":
 * standard error too.  With it closed, a trace file opened later is not
 * where an error then goes (the mutant left descriptor 2 closed, and
 * the failed load's line was written into the trace). */
static void closed__stderr_is_not_reused_for_a_trace(void **state)
{
    (void)state;
    char trace[CS_PATH], cmd[4 * CS_PATH];
    cs_tmp_path(trace, sizeof trace, "closed-err.trace");
    snprintf(cmd, sizeof cmd,
             "'%s' monitor -c 'load examples/hello.s; trace insns to %s; step; "
             "load nosuch.s' >/dev/null 2>&-",
             cs_tgm(), trace);
    int status;
    free(cs_sh_output(cmd, &status));
    assert_int_equal(status, 1);
    char *text = cs_slurp(trace, NULL);
    assert_string_equal(text, "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n");
    free(text);
}

/* ---- analyze and counterexample ------------------------------------ */

/* docs/run.md: "An option given twice takes its last value"; docs/
 * theorems.md: "`--profile P` | one profile ...; `all` runs each in
 * turn".  '--profile all --profile pdp10' is pdp10 alone (the mutant
 * kept 'all' once given and ran all six). */
static void analyze__the_last_profile_counts_after_all(void **state)
{
    (void)state;
    struct cs_outcome one = cs_run_tgm("analyze", "--profile", "pdp10", "--random-states", "1",
                                       NULL);
    assert_int_equal(one.status, 0);
    assert_true(!strncmp(one.out, "profile pdp10: ", 15));
    struct cs_outcome last = cs_run_tgm("analyze", "--profile", "all", "--profile", "pdp10",
                                        "--random-states", "1", NULL);
    assert_int_equal(last.status, 0);
    assert_string_equal(last.out, one.out);
    assert_string_equal(last.err, "");
    cs_outcome_free(&last);
    cs_outcome_free(&one);
    /* and the other way round: all of them */
    struct cs_outcome all = cs_run_tgm("analyze", "--profile", "all", "--random-states", "1",
                                       "--json", NULL);
    struct cs_outcome back = cs_run_tgm("analyze", "--profile", "pdp10", "--profile", "all",
                                        "--random-states", "1", "--json", NULL);
    assert_int_equal(back.status, 0);
    assert_string_equal(back.out, all.out);
    cs_outcome_free(&back);
    cs_outcome_free(&all);
}

/* docs/theorems.md: "`--profile P` | one profile (default
 * `virtualizable`); `all` runs each in turn"; "`--json` | one JSON
 * object per profile (`{"profiles": [...]}` with `all`)".  In text,
 * 'all' is each profile's output in turn, a blank line between them,
 * and nothing of the JSON wrapping (the mutant began the text with
 * '{"profiles":['). */
static void counterexample__all_in_text_is_each_profile_in_turn(void **state)
{
    (void)state;
    static const char *const profiles[] = {"virtualizable", "pdp10", "s360-67",
                                           "s360-67-lra-user", "pdp11-45", "x86"};
    size_t cap = 1 << 16, n = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    want[0] = '\0';
    for (size_t k = 0; k < sizeof profiles / sizeof profiles[0]; k++) {
        struct cs_outcome o = cs_run_tgm("counterexample", "--profile", profiles[k],
                                         "--random-states", "64", NULL);
        assert_int_equal(o.status, 0);
        size_t len = strlen(o.out);
        while (n + len + 2 > cap) {
            cap *= 2;
            want = realloc(want, cap);
            assert_non_null(want);
        }
        n += (size_t)sprintf(want + n, "%s%s", k ? "\n" : "", o.out);
        cs_outcome_free(&o);
    }
    struct cs_outcome all = cs_run_tgm("counterexample", "--profile", "all", "--random-states",
                                       "64", NULL);
    assert_int_equal(all.status, 0);
    assert_true(!strncmp(all.out, "profile virtualizable: ", 23));
    assert_string_equal(all.out, want);
    assert_string_equal(all.err, "");
    cs_outcome_free(&all);
    free(want);
}

/* docs/theorems.md, 'tgm counterexample': "`--json` | one JSON object per
 * profile (`{"profiles": [...]}` with `all`)": one well-formed object,
 * its "profiles" the six objects in turn, and nothing after it but the
 * newline (the mutant closed the array and forgot the object's '}'). */
static void counterexample__all_in_json_is_one_object(void **state)
{
    (void)state;
    static const char *const profiles[] = {"virtualizable", "pdp10", "s360-67",
                                           "s360-67-lra-user", "pdp11-45", "x86"};
    struct cs_outcome o = cs_run_tgm("counterexample", "--profile", "all", "--json",
                                     "--random-states", "64", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    assert_int_equal(o.out[0], '{');
    const char *end = cs_json_value(o.out);
    assert_non_null(end);
    assert_string_equal(end, "\n");
    const char *list = cs_json_get(o.out, "profiles");
    assert_int_equal(cs_json_count(list), 6);
    for (size_t k = 0; k < 6; k++)
        cs_assert_json_string(cs_json_get(cs_json_item(list, k), "profile"), profiles[k]);
    cs_outcome_free(&o);
}

/* ---- monitor ------------------------------------------------------- */

/* docs/monitor.md, "Starting": "`tgm monitor examples/sum.s` # loaded
 * into the bare machine" and "`tgm monitor a.s b.s` # several: a VM
 * each": any file's name, one with a backslash too (the mutant passed
 * the name to 'load' and 'vm create' inside double quotes without
 * doubling its backslashes: 'x\\y.s' was looked for as 'x\y.s', and a
 * name ending in '\' left its quote open). */
static void monitor__an_image_named_with_a_backslash_is_loaded(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], want[4 * CS_PATH];
    const char *text = "        .entry go\ngo:     HALT\n";
    cs_write_text(a, sizeof a, "x\\\\y.s", text);
    cs_write_text(b, sizeof b, "end\\", text);
    struct cs_outcome o = cs_run_tgm("monitor", a, "-c", "echo ok", NULL);
    snprintf(want, sizeof want, "bare: loaded %s: 1 word at 0, 1 symbol; entry P=0 M=s\nok\n",
             a);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    assert_string_equal(o.out, want);
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", a, b, "-c", "echo ok", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    snprintf(want, sizeof want, "loaded %s; selected\n", b);
    assert_non_null(strstr(o.out, want));
    snprintf(want, sizeof want, "loaded %s; selected\n", a);
    assert_non_null(strstr(o.out, want));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Starting": "Exit status: 0; 1 if a command or an
 * `assert` failed; N after `exit N`": a log that could not be written
 * is said, and fails a session that would have ended 0, but 'exit 3'
 * still gives 3 (the mutant made every session with a lost log 1). */
static void monitor__exit_n_is_n_after_a_lost_log(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip(); /* no full device here: nothing to lose a log to */
    struct cs_outcome o = cs_run_tgm("monitor", "-c", "log /dev/full; echo hi; exit 3", NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.err, "log: /dev/full: cannot write: No space left on device\n"));
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "-c", "log /dev/full; echo hi", NULL);
    assert_int_equal(o.status, 1);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutcli56");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers__only_a_number_with_a_suffix_gets_the_hint),
        cmocka_unit_test(numbers__no_digits_is_no_number),
        cmocka_unit_test(help__a_full_disk_is_status_2),
        cmocka_unit_test(closed__stderr_is_not_reused_for_a_trace),
        cmocka_unit_test(analyze__the_last_profile_counts_after_all),
        cmocka_unit_test(counterexample__all_in_text_is_each_profile_in_turn),
        cmocka_unit_test(counterexample__all_in_json_is_one_object),
        cmocka_unit_test(monitor__an_image_named_with_a_backslash_is_loaded),
        cmocka_unit_test(monitor__exit_n_is_n_after_a_lost_log),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
