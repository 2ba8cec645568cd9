/* test_doc_contract_a.c: the CLI does what docs/run.md, docs/robustness.md
 * and docs/theorems.md say, found by reading them as a contract.  A test of
 * a behaviour that changed fails on the tree before its fix; the others pin
 * what a document was silent on and now says.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
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

#define FULL "tgm: run: cannot write the output: No space left on device"

/* docs/run.md, exit status 2: "standard output that cannot be written (a
 * full disk; the dump or timeline is then not written)".  With --quiet the
 * report is the streamed console, whose failed write was not noticed: the
 * dump was written and the error said only "write error". */
static void run__quiet_lost_output_writes_no_dump(void **state)
{
    (void)state;
    char keep[CS_PATH];
    cs_write_text(keep, sizeof keep, "keep.bin", "old\n");
    cs_full_stdout_keeps(keep, FULL "; --dump ",
                         (char *[]){"tgm", "run", "--quiet", "--dump", keep,
                                    "examples/hello.s", NULL});
}

/* A lost report is status 2 whatever the run's result: a step limit (3)
 * under --vmm, --nest or --quiet, or check's "not equivalent" (1), kept
 * their status, and the step limit's note came before or instead of the
 * one line saying the output was lost. */
static void cli__lost_output_is_status_2_whatever_the_result(void **state)
{
    (void)state;
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--quiet", "--max-steps", "10",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--vmm", "--max-steps", "10",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, FULL,
                         (char *[]){"tgm", "run", "--nest", "1", "--max-steps", "1000",
                                    "examples/hello.s", NULL});
    cs_full_stdout_keeps(NULL, "tgm: check: cannot write the output: No space left on device",
                         (char *[]){"tgm", "check", "--max-steps", "10", "examples/hello.s",
                                    NULL});
    /* and dis says it as the others do (it said "dis: write error: ...") */
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "halt.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    cs_full_stdout_keeps(NULL, "tgm: dis: cannot write the output: No space left on device",
                         (char *[]){"tgm", "dis", img, NULL});
}

/* docs/run.md now says what a guest starts with besides its image: the
 * timer disarmed (TGET reads 0) and only the --input bytes to read (then
 * CIN reads -1).  The guest prints TGET's word, then each CIN's low byte
 * until -1. */
static void run__a_guest_starts_with_the_timer_disarmed_and_only_its_input(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "start.s",
                  "        .entry s\n"
                  "s:      TGET t\n"
                  "        ADDI t, t, 48\n"
                  "        COUT t\n"
                  "next:   CIN c\n"
                  "        BEQ c, m1, done\n"
                  "        COUT c\n"
                  "        JMP next\n"
                  "done:   HALT\n"
                  "t:      .word 7\n"
                  "c:      .word 0\n"
                  "m1:     .word -1\n");
    cs_tgm_prints("0ab\n-- halted\n", "run", CS_ARGV("--input", "ab", src));
    cs_tgm_prints("\"console\":\"0\"", "run", CS_ARGV("--json", src));
}

/* docs/run.md now says what a guest that traps with no handler (E[1]
 * zero) does: memory traps in user mode with R = (0, 0) until the limit. */
static void run__a_trap_with_no_handler_loops_as_documented(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "nohandler.s", "        .entry s\ns: SVC 0\n");
    struct cs_outcome o = cs_run_tgm("run", "--max-steps", "100", src, NULL);
    assert_int_equal(o.status, 3);
    static const char *const want[] = {
        "psw          0x0000000000000000  user  I=0  P=0  l=0  b=0\n",
        "last trap    memory\n",
        "traps        privileged 0, memory 99, svc 1, illegal 0, timer 0\n"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(o.out, want[i]))
            fail_msg("no \"%s\" in \"%s\"", want[i], o.out);
    cs_outcome_free(&o);
}

/* `tgm run --nest N` said "1 timer traps", "1 single steps", "1 entries"
 * and "1 traps", and `tgm check --nest` "1 traps in the same order", where
 * the monitor says "1 step". */
static void nest__counts_of_one_are_singular(void **state)
{
    (void)state;
    char halt[CS_PATH], timer[CS_PATH];
    cs_write_text(halt, sizeof halt, "halt.s", "        .entry s\ns: HALT\n");
    /* one virtual timer trap, after one single step of the guest's LPSW */
    cs_write_text(timer, sizeof timer, "timer.s",
                  "        .org 1\n"
                  "        .word psw(1, handler, 0, 0x80000)\n"
                  "        .entry start\n"
                  "start:  TSET n\n"
                  "        LPSW go\n"
                  "spin:   JMP spin\n"
                  "handler: HALT\n"
                  "n:      .word 6\n"
                  "go:     .word pswi(1, spin, 0, 0x80000)\n");
    cs_tgm_prints(": 1 entry, 1 interpreted,", "run", CS_ARGV("--nest", "1", halt));
    cs_tgm_prints(" steps, 1 trap\n", "run", CS_ARGV("--nest", "1", halt));
    cs_tgm_prints(" reflected, 1 timer trap, 1 single step; its guest", "run",
           CS_ARGV("--nest", "1", timer));
    cs_tgm_prints("; 1 trap in the same order, 1 of them a timer trap)", "check",
           CS_ARGV("--nest", "1", timer));
}

/* The reports said "1 cycles left", "1 bytes", "1 instructions executed
 * directly" (--stats), check's "1 instructions" and analyze's "1 random
 * states". */
static void reports__counts_of_one_are_singular(void **state)
{
    (void)state;
    char one[CS_PATH];
    /* NOP runs directly under the control program; TSET leaves 1 cycle */
    cs_write_text(one, sizeof one, "one.s",
                  "        .entry s\n"
                  "s:      NOP\n"
                  "        COUT c\n"
                  "        TSET n\n"
                  "        HALT\n"
                  "c:      .word 65\n"
                  "n:      .word 4\n");
    cs_tgm_prints("timer        armed, 1 cycle left\nconsole      1 byte\n", "run", CS_ARGV(one));
    cs_tgm_prints("efficiency     1 instruction executed directly, 3 interpreted", "run",
           CS_ARGV("--vmm", "--stats", one));
    char halt[CS_PATH];
    cs_write_text(halt, sizeof halt, "halt1.s", "        .entry s\ns: HALT\n");
    cs_tgm_prints(": equivalent (alone); 1 instruction, ", "check", CS_ARGV(halt));
    cs_tgm_prints("; 1 random state per instruction after", "analyze",
           CS_ARGV("--random-states", "1"));
}

/* docs/run.md: an option given twice takes its last value.  --timeline
 * refused a first value that the second replaced (it was checked as it
 * was read, unlike --dump) and named no flag. */
static void run__a_repeated_option_takes_its_last_value(void **state)
{
    (void)state;
    cs_tgm_prints("(FNV-1a of E, 65536 words)", "run", CS_ARGV("--mem", "10", "--mem", "65536",
                                                      "examples/hello.s"));
    cs_tgm_fails(2, "but the machine has 10 words (try a larger --mem)", "run",
                 CS_ARGV("--mem", "65536", "--mem", "10", "examples/hello.s"));

    char tl[CS_PATH];
    cs_tmp_path(tl, sizeof tl, "last.json");
    cs_tgm_prints("== vm0", "run", CS_ARGV("--vmm", "--timeline", cs_tmpdir(), "--timeline", tl,
                                 "examples/hello.s"));
    free(cs_slurp(tl, NULL)); /* written */
    cs_tgm_fails(2, "tgm: run: --timeline: ", "run",
                 CS_ARGV("--vmm", "--timeline", tl, "--timeline", cs_tmpdir(),
                         "examples/hello.s"));
}

/* docs/run.md's example error is "--mem: 1 word is out of range
 * (2..524288)"; a number past 2^64-1 said "is too large (at most
 * 18446744073709551615)" instead of the option's range; --max-steps,
 * whose range is all of 0..2^64-1, names it the same way. */
static void cli__a_huge_number_is_out_of_the_options_range(void **state)
{
    (void)state;
    static const char huge[] = "99999999999999999999999";
    cs_tgm_fails(2, "tgm: run: --mem: 99999999999999999999999 words is out of range (2..524288)",
                 "run", CS_ARGV("--mem", huge, "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --nest: 0x10000000000000000 levels is out of range (1..16)", "run",
                 CS_ARGV("--nest", "0x10000000000000000", "examples/hello.s"));
    /* check's --mem said "guest memory must be 2..524280 words", no value */
    cs_tgm_fails(2, "tgm: check: --mem: 99999999999999999999999 words is out of range (2..524280)",
                 "check", CS_ARGV("--mem", huge, "examples/hello.s"));
    cs_tgm_fails(2, "tgm: analyze: --words: 99999999999999999999999 words is out of range (16..64)",
                 "analyze", CS_ARGV("--words", huge));
    cs_tgm_fails(2, "tgm: run: --max-steps: 99999999999999999999999 steps is out of range "
                 "(0..18446744073709551615)", "run",
                 CS_ARGV("--max-steps", huge, "examples/hello.s"));
}

/* docs/robustness.md's bad-image rows, as `tgm run` and `tgm dis` print
 * them (the table left out the command, which every CLI line names). */
static void image__bad_images_are_said_as_robustness_md_shows(void **state)
{
    (void)state;
    char good[CS_PATH], dir[CS_PATH], trunc[CS_PATH], magic[CS_PATH], ver[CS_PATH];
    cs_make_image(good, sizeof good, "good.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    size_t len;
    char *bytes = cs_slurp(good, &len);
    cs_tmp_path(trunc, sizeof trunc, "trunc.img");
    cs_write_bytes(trunc, bytes, 30);
    bytes[0] = 'X'; /* the magic */
    cs_tmp_path(magic, sizeof magic, "magic.img");
    cs_write_bytes(magic, bytes, len);
    bytes[0] = 'T';
    bytes[8] = 9; /* the version */
    cs_tmp_path(ver, sizeof ver, "ver.img");
    cs_write_bytes(ver, bytes, len);
    free(bytes);
    cs_tmp_path(dir, sizeof dir, "d");
    assert_int_equal(mkdir(dir, 0700), 0);
    static const struct { const char *file, *why; } rows[] = {
        {"missing.img", "missing.img: No such file or directory"},
        {"d", "d: is a directory (give a file)"},
        {"trunc.img", "trunc.img: offset 30: truncated header (30 bytes, need 48)"},
        {"magic.img", "magic.img: offset 0: bad magic (not a tgm image)"},
        {"ver.img", "ver.img: offset 8: unsupported version 9 (this tgm reads 1)"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char path[CS_PATH], run[CS_PATH + 64], dis[CS_PATH + 64];
        cs_tmp_path(path, sizeof path, rows[i].file);
        snprintf(run, sizeof run, "tgm: run: %s/%s", cs_tmpdir(), rows[i].why);
        snprintf(dis, sizeof dis, "tgm: dis: %s/%s", cs_tmpdir(), rows[i].why);
        cs_tgm_fails(2, run, "run", CS_ARGV(path));
        cs_tgm_fails(2, dis, "dis", CS_ARGV(path));
    }
}

/* 'tgm monitor -c A -c B' said "give one of -c and -f", which names no
 * fault: unlike run's options, a second -c is refused (both are commands,
 * and neither may be silently dropped), so the line says so. */
static void monitor__a_second_c_is_refused_saying_why(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: monitor: -c given twice; give one -c with the commands separated by "
                    "';'", "monitor", CS_ARGV("-c", "regs", "-c", "regs"));
    cs_tgm_fails(2, "tgm: monitor: give one of -c and -f", "monitor",
                 CS_ARGV("-c", "regs", "-f", "examples/sum.mon"));
}

/* 'tgm monitor --mem=100' was "unexpected argument", though every other
 * command (getopt) takes --mem=Q; and an unknown option was called an
 * unexpected argument. */
static void monitor__options_take_the_equals_form_and_unknown_ones_are_named(void **state)
{
    (void)state;
    cs_tgm_prints("bare machine: q=100, profile pdp10", "monitor",
                  CS_ARGV("--mem=100", "--profile=pdp10", "-c", "regs"));
    cs_tgm_fails(2, "tgm: monitor: unknown option '--bogus' (try 'tgm monitor --help')",
                 "monitor", CS_ARGV("-c", "regs", "--bogus"));
}

/* docs/run.md names check's JSON keys: "together" only with several
 * images (it was not documented), and check --nest's object (nor was it). */
static void check__json_has_the_documented_keys(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
    assert_null(cs_json_find(im, "together"));
    assert_true(cs_json_bool(cs_json_get(cs_json_get(im, "alone"), "halted")));
    cs_outcome_free(&o);

    o = cs_run_tgm("check", "--nest", "1", "--json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_int_equal(cs_json_uint(cs_json_get(o.out, "depth")), 1);
    assert_false(cs_json_bool(cs_json_get(o.out, "c_control_program")));
    assert_true(cs_json_bool(cs_json_get(o.out, "equivalent")));
    im = cs_json_item(cs_json_get(o.out, "images"), 0);
    static const char *const keys[] = {"file", "equivalent", "diff", "traps", "timer_traps"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(cs_json_find(im, keys[i]));
    assert_true(cs_json_uint(cs_json_get(cs_json_get(im, "bare"), "steps")) > 0);
    assert_true(cs_json_uint(cs_json_get(cs_json_get(im, "real"), "cycles")) > 0);
    cs_outcome_free(&o);
}

/* docs/theorems.md now gives --random-states' range, as --help does; the
 * bounds are accepted and their neighbours refused with one line. */
static void analyze__random_states_range_is_as_documented(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: analyze: --random-states: 0 is out of range (1..1000000)", "analyze",
                 CS_ARGV("--random-states", "0"));
    cs_tgm_fails(2, "tgm: analyze: --random-states: 1000001 is out of range (1..1000000)", "analyze",
                 CS_ARGV("--random-states", "1000001"));
    cs_tgm_prints("1 random state per instruction", "analyze",
                  CS_ARGV("--profile", "pdp10", "--random-states", "1"));
}

/* docs/run.md: under --nest, "--mem Q is the guest's memory, as for a bare
 * run".  An image too big for it was reported in the stack's terms ("1
 * level of the control program (640 words each) and the guest (26 words)
 * do not fit in 650 words"), not as a bare run and check --nest say it. */
static void nest__an_image_too_big_for_mem_is_said_as_a_bare_run_says_it(void **state)
{
    (void)state;
    static const char why[] = "tgm: run: examples/hello.s: image needs words 0..25 but the "
                              "machine has 10 words (try a larger --mem)";
    cs_tgm_fails(2, why, "run", CS_ARGV("--mem", "10", "examples/hello.s"));
    cs_tgm_fails(2, why, "run", CS_ARGV("--nest", "1", "--mem", "10", "examples/hello.s"));
}

/* docs/run.md: a --nest run stopped before level 1 boots the guest says
 * "not started" in text, and in JSON an all-zero psw with level 1's
 * guest_started false (the JSON's form was not documented). */
static void nest__a_guest_not_started_is_said_in_text_and_json(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "2", "--max-steps", "5", "--json",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 3);
    cs_assert_json_object(&o);
    cs_assert_json_string(cs_json_get(cs_json_get(o.out, "psw"), "word"),
                          "0x0000000000000000");
    const char *levels = cs_json_get(cs_json_get(o.out, "nest"), "levels");
    assert_false(cs_json_bool(cs_json_get(cs_json_item(levels, 0), "guest_started")));
    assert_true(cs_json_bool(cs_json_get(cs_json_item(levels, 1), "guest_started")));
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "2", "--max-steps", "5", "examples/hello.s", NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "psw          not started (the control programs have not "
                                  "booted the guest)\n"));
    assert_non_null(strstr(o.out, "its guest: not started\n"));
    cs_outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_a");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__quiet_lost_output_writes_no_dump),
        cmocka_unit_test(cli__lost_output_is_status_2_whatever_the_result),
        cmocka_unit_test(run__a_guest_starts_with_the_timer_disarmed_and_only_its_input),
        cmocka_unit_test(run__a_trap_with_no_handler_loops_as_documented),
        cmocka_unit_test(nest__counts_of_one_are_singular),
        cmocka_unit_test(reports__counts_of_one_are_singular),
        cmocka_unit_test(run__a_repeated_option_takes_its_last_value),
        cmocka_unit_test(cli__a_huge_number_is_out_of_the_options_range),
        cmocka_unit_test(image__bad_images_are_said_as_robustness_md_shows),
        cmocka_unit_test(monitor__a_second_c_is_refused_saying_why),
        cmocka_unit_test(monitor__options_take_the_equals_form_and_unknown_ones_are_named),
        cmocka_unit_test(check__json_has_the_documented_keys),
        cmocka_unit_test(analyze__random_states_range_is_as_documented),
        cmocka_unit_test(nest__an_image_too_big_for_mem_is_said_as_a_bare_run_says_it),
        cmocka_unit_test(nest__a_guest_not_started_is_said_in_text_and_json),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
