/* test_cli_errors.c: the wording of the command line's errors (docs/run.md,
 * docs/robustness.md): every error of a subcommand is one line that starts
 * "tgm: SUBCOMMAND: " and then names the option or file, whichever part of
 * the paper (sections 2-8) the subcommand reaches; and the monitor's words
 * for the same problems are the command line's.
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
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

#define MAX_ARGS 8

/* `tgm CMD ARGS` exits 2 with one line on stderr that begins WANT. */
static void fails_with_prefix(const char *cmd, const char *const *args, const char *want)
{
    struct cs_outcome o = cs_run_tgm_argv(cmd, args);
    if (o.status != 2 || strncmp(o.err, want, strlen(want)) != 0)
        fail_msg("tgm %s %s: status %d, stderr \"%s\", want \"%s...\"", cmd,
                 args[0] ? args[0] : "", o.status, o.err, want);
    cs_assert_one_line(&o, want);
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* An option's bad value was "tgm: --mem: ..." where the same command's
 * other errors said "tgm: run: ...". */
static void cli__an_options_bad_value_names_the_subcommand_first(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *args[MAX_ARGS], *want;
    } rows[] = {
        {"run", {"--mem", "1", "examples/hello.s"}, "tgm: run: --mem: 1 word is out of range"},
        {"run", {"--mem", "x", "examples/hello.s"}, "tgm: run: --mem: expected a non-negative"},
        {"run", {"--max-steps", "-1", "examples/hello.s"}, "tgm: run: --max-steps: "},
        {"run", {"--max-steps", "99999999999999999999999", "examples/hello.s"},
         "tgm: run: --max-steps: 99999999999999999999999 steps is out of range"},
        {"run", {"--vmm", "--vms", "0", "examples/hello.s"}, "tgm: run: --vms: 0 is out of"},
        {"run", {"--vmm", "--slice", "0", "examples/hello.s"}, "tgm: run: --slice: "},
        {"run", {"--profile", "zz", "examples/hello.s"}, "tgm: run: --profile: unknown"},
        {"run", {"--nest", "0", "examples/hello.s"}, "tgm: run: --nest: 0 levels"},
        {"run", {"--quiet", "--json", "examples/hello.s"}, "tgm: run: --quiet: "},
        {"run", {"--vmm", "--dump", "d.bin", "examples/hello.s"}, "tgm: run: --dump: "},
        {"run", {"--dump", "", "examples/hello.s"}, "tgm: run: --dump: expected a file name"},
        {"run", {"--dump", "examples/hello.s", "examples/hello.s"},
         "tgm: run: --dump: examples/hello.s is the source"},
        {"run", {"--dump", "no-such-dir/d.bin", "examples/hello.s"},
         "tgm: run: --dump: cannot write no-such-dir/d.bin: no-such-dir: "},
        {"run", {"--vmm", "--timeline", "examples", "examples/hello.s"},
         "tgm: run: --timeline: examples: is a directory"},
        {"run", {"--input-file", "", "examples/hello.s"}, "tgm: run: --input-file: expected"},
        {"run", {"--input-file", "no-such-input.txt", "examples/hello.s"},
         "tgm: run: --input-file: no-such-input.txt: "},
        {"check", {"--mem", "1", "examples/hello.s"}, "tgm: check: --mem: 1 word is out of"},
        {"check", {"--max-steps", "0", "examples/hello.s"},
         "tgm: check: --max-steps: 0 steps is out of range (1..18446744073709551615)"},
        {"check", {"--slice", "0", "examples/hello.s"}, "tgm: check: --slice: "},
        {"check", {"--slice", "x", "examples/hello.s"}, "tgm: check: --slice: expected a"},
        {"check", {"--profile", "zz", "examples/hello.s"}, "tgm: check: --profile: unknown"},
        {"check", {"--nest", "99", "examples/hello.s"}, "tgm: check: --nest: 99 levels"},
        {"check", {"--input-file", "", "examples/hello.s"}, "tgm: check: --input-file: "},
        {"analyze", {"--seed", "0"}, "tgm: analyze: --seed: 0 is out of range (1.."},
        {"analyze", {"--words", "1"}, "tgm: analyze: --words: 1 word is out of range (16..64)"},
        {"analyze", {"--random-states", "0"}, "tgm: analyze: --random-states: 0 is out"},
        {"analyze", {"--profile", "zz"}, "tgm: analyze: --profile: unknown"},
        {"counterexample", {"--seed", "x"}, "tgm: counterexample: --seed: expected a"},
        {"counterexample", {"--words", "1"}, "tgm: counterexample: --words: 1 word is out"},
        {"counterexample", {"--random-states", "0"},
         "tgm: counterexample: --random-states: 0 is out of range (1..1000000)"},
        {"isa", {"--profile", "zz"}, "tgm: isa: --profile: unknown profile 'zz'"},
        {"monitor", {"--mem", "1"}, "tgm: monitor: --mem: 1 word is out of range"},
        {"monitor", {"--profile", "zz"}, "tgm: monitor: --profile: unknown profile"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fails_with_prefix(rows[i].cmd, rows[i].args, rows[i].want);
}

/* run said "missing IMAGE" where check and dis said "no image given". */
static void cli__no_image_is_said_alike_by_each_command(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *args[MAX_ARGS];
    } rows[] = {{"run", {NULL}}, {"run", {"--vmm"}}, {"run", {"--nest", "2"}},
                {"check", {NULL}}, {"dis", {NULL}}};
    char want[128];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        snprintf(want, sizeof want, "tgm: %s: no image given (try 'tgm %s --help')",
                 rows[i].cmd, rows[i].cmd);
        fails_with_prefix(rows[i].cmd, rows[i].args, want);
    }
}

/* docs/monitor.md: 8 images, a VM of 65536 words each, do not fit the
 * real machine; the error said "no free region" and not why or what to
 * do instead. */
static void monitor__eight_images_say_at_most_seven(void **state)
{
    (void)state;
    struct cs_args a = {0};
    cs_push_all(&a, "-c", "vm list", NULL);
    for (int i = 0; i < 7; i++)
        cs_push(&a, "examples/hello.s");
    struct cs_outcome o = cs_run_tgm_argv("monitor", a.v);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "vm6"));
    cs_outcome_free(&o);
    cs_push(&a, "examples/hello.s");
    o = cs_run_tgm_argv("monitor", a.v);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: monitor: 8 images of 65536 words need 524296 words of real "
                           "memory, more than 524288 (at most 7; 'vm create NAME WORDS FILE' "
                           "makes smaller VMs)");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* 65 images said "at most 64 images", not how many were given; check says
 * it in run's words (docs/run.md: "tgm check and tgm monitor alike"). */
static void cli__too_many_images_says_how_many_were_given(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *flag, *want;
    } rows[] = {
        {"run", "--vmm", "tgm: run: 65 images given, at most 64\n"},
        {"check", "--json", "tgm: check: 65 images given, at most 64\n"},
        {"monitor", "-c", "tgm: monitor: 65 images given, at most 64\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cs_args a = {.n = 0};
        cs_push(&a, rows[i].flag);
        if (!strcmp(rows[i].flag, "-c"))
            cs_push(&a, "quit");
        for (int k = 0; k < 65; k++)
            cs_push(&a, "examples/hello.s");
        struct cs_outcome o = cs_run_tgm_argv(rows[i].cmd, a.v);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.err, rows[i].want);
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    /* the monitor's 'check' counts them as 'tgm check' does (it said
     * "at most 64 images") */
    char cmds[65 * 20 + 64] = "check examples/hello.s with";
    for (int k = 0; k < 65; k++)
        strcat(cmds, " examples/sum.s");
    strcat(cmds, " steps 5");
    cs_mon_fails(cmds, "check: 66 images given, at most 64\n");
}

/* The monitor's writers said "nodir/x: cannot create a temporary file: No
 * such file or directory" where the command line says "cannot write
 * nodir/x: nodir: ...": both now name the file and the directory (log and
 * trace added "cannot write the log: " before it). */
static void monitor__a_writer_names_the_file_and_directory_as_the_cli(void **state)
{
    (void)state;
    static const char why[] = "cannot write no-such-dir/x: no-such-dir: No such file or "
                              "directory\n";
    static const char *const cmds[] = {"save", "log", "trace insns to"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[64], want[160];
        snprintf(line, sizeof line, "%s no-such-dir/x", cmds[i]);
        snprintf(want, sizeof want, "-c:1: %.5s: %s", cmds[i], why);
        if (!strncmp(cmds[i], "trace", 5)) /* the command, not its arguments */
            snprintf(want, sizeof want, "-c:1: trace: %s", why);
        cs_mon_fails(line, want);
    }
    cs_tgm_fails(2, "tgm: run: --dump: cannot write no-such-dir/x: no-such-dir: No such file",
                 "run", CS_ARGV("--dump", "no-such-dir/x", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: as: cannot write no-such-dir/x: no-such-dir: No such file", "as",
                 CS_ARGV("examples/hello.s", "-o", "no-such-dir/x"));
}

/* 'deposit 70000 1' said "address 0x11170 is out of range": an address is
 * shown in the base it was typed in, as --mem's words are; an expression's
 * value in hex, and a negative one signed. */
static void monitor__an_address_is_shown_in_the_base_it_was_typed_in(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *want;
    } rows[] = {
        {"deposit 70000 1", "deposit: address 70000 is out of range (0..0xffff)"},
        {"deposit 0x11170 1", "deposit: address 0x11170 is out of range (0..0xffff)"},
        {"deposit 65535 1 2",
         "deposit: address 65535 (value 2 of 2, at 65536) is out of range (0..0xffff)"},
        {"examine 700000", "examine: address 700000 is out of range (0..0xffff)"},
        {"examine 0..70000", "examine: address 70000 is out of range (0..0xffff)"},
        {"examine 65530 10", "examine: address 65530 (count 10) is out of range"},
        {"examine 70000+0", "examine: address 0x11170 is out of range (0..0xffff)"},
        {"examine 1-2", "examine: address -1 is out of range (0..0xffff)"},
        {"break 70000", "break: address 70000 is out of range (0..0xffff)"},
        {"translate 700000", "translate: address 700000 is wider than 19 bits"},
        {"deposit P 700000", "deposit: 700000 does not fit in 19 bits"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        cs_mon_fails(rows[i].cmd, rows[i].want);
}

/* An argument or a name with a newline in it broke the error's one line
 * ('tgm run -$'\n'' said "unknown option '-" and then "' (try ..."; the
 * command-line fuzz harness found it), and an escape reached the terminal
 * (also in the monitor's errors): a control character is shown escaped, so
 * the error stays one line and cannot drive the terminal. */
static void cli__a_control_character_in_an_argument_is_shown_escaped(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *args[MAX_ARGS], *want;
    } rows[] = {
        {"run", {"-\n", "examples/hello.s"},
         "tgm: run: unknown option '-\\n' (try 'tgm run --help')\n"},
        {"run", {"no\nsuch\t.img"},
         "tgm: run: no\\nsuch\\t.img: No such file or directory\n"},
        {"isa", {"--profile", "\x1b[31mred"},
         "tgm: isa: --profile: unknown profile '\\x1b[31mred' (known: "},
        {"as", {"examples/hello.s", "-o", "no-dir\r/x"},
         "tgm: as: cannot write no-dir\\r/x: no-dir\\r: No such file or directory\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cs_outcome o = cs_run_tgm_argv(rows[i].cmd, rows[i].args);
        assert_int_equal(o.status, 2);
        if (strncmp(o.err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("tgm %s %s: stderr \"%s\", want \"%s\"", rows[i].cmd, rows[i].args[0],
                     o.err, rows[i].want);
        assert_non_null(strchr(o.err, '\n'));
        assert_string_equal(strchr(o.err, '\n'), "\n"); /* one line */
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    /* the monitor's errors alike: an escape typed in a name */
    cs_mon_fails("load a\x1b[31mb.s",
                 "-c:1: load: cannot open 'a\\x1b[31mb.s': No such file or directory\n");
}

/* '--mem 64K' and 'set memory 64K' said what 64K is in full, but '1G'
 * got no hint at all: G (2^30) is a suffix SIMH's users type too. */
static void cli__a_g_suffix_gets_the_hint_as_k_and_m_do(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: --max-steps: expected a non-negative number, got '1G' (no G "
                 "suffix here: 1G is 1073741824)",
                 "run", CS_ARGV("--max-steps", "1G", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: analyze: --seed: expected a non-negative number, got '3g' (no G "
                 "suffix here: 3g is 3221225472)", "analyze", CS_ARGV("--seed", "3g"));
    cs_mon_fails("set memory 1G", "-c:1: set: bad number near '1G' (no G suffix here: "
                                  "1G is 1073741824)\n");
    cs_mon_fails("print 2_0G", "print: bad number near '2_0G' (no G suffix here: 2_0G "
                               "is 21474836480)\n");
    /* past 2^64 - 1 with the suffix: no hint, as for K and M */
    cs_mon_fails_without("print 17179869184G", "bad number near '17179869184G'", "suffix");
}

/* A file named just .s is no source (docs/asm.md), but the error said it
 * "must be named *.s", which it seemed to be; and under a directory
 * (DIR/.s) it was assembled all the same. */
static void cli__a_file_named_just_dot_s_is_told_why_it_is_no_source(void **state)
{
    (void)state;
    char path[CS_PATH], want[CS_PATH + 160];
    cs_write_text(path, sizeof path, ".s", "halt\n");
    snprintf(want, sizeof want, "tgm: run: %s: offset 0: bad magic (not a tgm image); an assembly "
             "source must be named *.s, with a name before the .s\n", path);
    cs_tgm_fails(2, want, "run", CS_ARGV(path));
    cs_tgm_fails(2, "tgm: check: ", "check", CS_ARGV(path));
    /* a name with something before the .s is still a source */
    cs_write_text(path, sizeof path, "a.s", "halt\n");
    cs_tgm_prints("-- halted", "run", CS_ARGV(path));
}

/* A monitor snapshot named x.s was assembled ("not an assembly source: a
 * NUL byte at offset 7"); now it is refused as under any other name, as a
 * snapshot, with what reads it. */
static void cli__a_monitor_snapshot_is_named_whatever_its_name(void **state)
{
    (void)state;
    char snap[CS_PATH], src[CS_PATH], cmds[2 * CS_PATH + 64], want[2 * CS_PATH + 160];
    cs_tmp_path(snap, sizeof snap, "lab.snap");
    cs_tmp_path(src, sizeof src, "lab.s");
    snprintf(cmds, sizeof cmds, "load examples/hello.s; save %s; save %s", snap, src);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    static const char *const cmd[] = {"run", "dis", "check"};
    for (size_t i = 0; i < 3; i++)
        for (int k = 0; k < 2; k++) {
            const char *path = k ? src : snap;
            snprintf(want, sizeof want, "tgm: %s: %s: offset 0: bad magic (not a tgm image but "
                     "a monitor snapshot: the monitor's 'restore' reads it)\n", cmd[i], path);
            cs_tgm_fails(2, want, cmd[i], CS_ARGV(path));
        }
    snprintf(cmds, sizeof cmds, "load %s", src);
    snprintf(want, sizeof want, "load: %s: offset 0: bad magic (not a tgm image but a monitor "
             "snapshot", src);
    cs_mon_fails(cmds, want);
    /* tgm as: the assembler's one error, as for an image */
    o = cs_run_tgm("as", src, NULL);
    snprintf(want, sizeof want, "%s:1:1: error: not an assembly source: a monitor snapshot (it "
             "begins with the magic TGMSNAP; the monitor's 'restore' reads it)\n", src);
    assert_int_equal(o.status, 1);
    if (strncmp(o.err, want, strlen(want)) != 0)
        fail_msg("tgm as %s: stderr \"%s\", want \"%s...\"", src, o.err, want);
    cs_outcome_free(&o);
    /* and the snapshot is one */
    snprintf(cmds, sizeof cmds, "restore %s; print P", src);
    cs_mon_prints(cmds, "restored");
}

/* An option given twice takes its last value, but each must be valid
 * (docs/run.md): check's --mem, whose range waits for --nest, and the
 * monitor's --mem and --profile took an earlier bad value silently. */
static void cli__each_value_of_a_repeated_option_must_be_valid(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *args[MAX_ARGS], *want;
    } rows[] = {
        {"check", {"--mem", "1", "--mem", "200", "examples/hello.s"},
         "tgm: check: --mem: 1 word is out of range (2..524280)"},
        {"check", {"--mem", "524285", "--mem", "200", "examples/hello.s"},
         "tgm: check: --mem: 524285 words is out of range (2..524280)"},
        {"check", {"--nest", "1", "--mem", "1", "--mem", "200", "examples/hello.s"},
         "tgm: check: --mem: 1 word is out of range (2..524288)"},
        {"monitor", {"--mem", "1", "--mem", "200", "-c", "quit"},
         "tgm: monitor: --mem: 1 word is out of range (2..524288)"},
        {"monitor", {"--mem=64K", "--mem", "200", "-c", "quit"},
         "tgm: monitor: --mem: expected a non-negative number, got '64K'"},
        {"monitor", {"--profile", "zz", "--profile", "x86", "-c", "quit"},
         "tgm: monitor: --profile: unknown profile 'zz'"},
        /* an empty output name, as run's --dump '' --dump x is refused */
        {"as", {"examples/hello.s", "-o", "", "-o", "/dev/null"},
         "tgm: as: expected a file name, got ''"},
        {"dis", {"examples/hello.s", "-o", "", "-o", "-"},
         "tgm: dis: expected a file name, got ''"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        fails_with_prefix(rows[i].cmd, rows[i].args, rows[i].want);
    /* under --nest a guest may have up to 2^19 words: 524285 is a valid value */
    struct cs_outcome o = cs_run_tgm_argv(
        "check", CS_ARGV("--nest", "1", "--mem", "524285", "--mem", "200", "examples/hello.s"));
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* A guess goes to "the one name the word begins" (docs/run.md), but a
 * word of one letter got none: 'tgm r', '--profile x'. */
static void cli__a_one_letter_word_gets_the_one_name_it_begins(void **state)
{
    (void)state;
    static const char *const none[] = {NULL};
    cs_tgm_fails(2, "tgm: unknown command 'r' (did you mean 'run'?)", "r", none);
    cs_tgm_fails(2, "tgm: isa: --profile: unknown profile 'x' (known: virtualizable, pdp10, "
                    "s360-67, s360-67-lra-user, pdp11-45, x86) (did you mean 'x86'?)",
                 "isa", CS_ARGV("--profile", "x"));
    /* two names begin so: no guess */
    cs_tgm_fails(2, "tgm: unknown command 'a' (try 'tgm --help')", "a", none);
    /* 'tgm help' is a command of the usage line too: a swap is one edit */
    cs_tgm_fails(2, "tgm: unknown command 'hlep' (did you mean 'help'?)", "hlep", none);
}

/* "A FILE that cannot be written ... is refused before the run"
 * (docs/run.md), but access() lets root through where no file can be
 * made (/proc, /sys): the run was made and reported, and only then was
 * the output refused, so status 2 came after a report on stdout. */
static void cli__an_output_no_file_can_be_made_in_is_refused_before_the_run(void **state)
{
    (void)state;
    static const struct {
        const char *cmd, *flag, *path, *want;
    } rows[] = {
        {"run", "--dump", "/proc/x.bin", "tgm: run: --dump: cannot write /proc/x.bin: /proc: "},
        {"run", "--timeline", "/proc/x.json",
         "tgm: run: --timeline: cannot write /proc/x.json: /proc: "},
        {"as", "-o", "/proc/x.tgm", "tgm: as: cannot write /proc/x.tgm: /proc: "},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        struct cs_args a = {0};
        if (!strcmp(rows[i].flag, "--timeline"))
            cs_push(&a, "--vmm");
        cs_push_all(&a, rows[i].flag, rows[i].path, "examples/hello.s", (char *)NULL);
        if (!strcmp(rows[i].cmd, "as")) /* as takes its source first */
            a = (struct cs_args){{"examples/hello.s", "-o", rows[i].path}, 3};
        struct cs_outcome o = cs_run_tgm_argv(rows[i].cmd, a.v);
        if (o.status != 2 || o.out_len != 0 ||
            strncmp(o.err, rows[i].want, strlen(rows[i].want)) != 0)
            fail_msg("tgm %s %s %s: status %d, stdout %zu bytes, stderr \"%s\", want \"%s...\"",
                     rows[i].cmd, rows[i].flag, rows[i].path, o.status, o.out_len, o.err,
                     rows[i].want);
        cs_assert_one_line(&o, rows[i].want);
        cs_outcome_free(&o);
    }
    /* the writer itself, where nothing checked first, in the same words
     * (it said "cannot create a temporary file", naming no directory) */
    cs_mon_fails("trace insns to /proc/x.t", "trace: cannot write /proc/x.t: /proc: ");
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_cli_errors");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cli__an_options_bad_value_names_the_subcommand_first),
        cmocka_unit_test(cli__no_image_is_said_alike_by_each_command),
        cmocka_unit_test(cli__too_many_images_says_how_many_were_given),
        cmocka_unit_test(monitor__eight_images_say_at_most_seven),
        cmocka_unit_test(cli__each_value_of_a_repeated_option_must_be_valid),
        cmocka_unit_test(monitor__a_writer_names_the_file_and_directory_as_the_cli),
        cmocka_unit_test(monitor__an_address_is_shown_in_the_base_it_was_typed_in),
        cmocka_unit_test(cli__a_control_character_in_an_argument_is_shown_escaped),
        cmocka_unit_test(cli__a_g_suffix_gets_the_hint_as_k_and_m_do),
        cmocka_unit_test(cli__a_file_named_just_dot_s_is_told_why_it_is_no_source),
        cmocka_unit_test(cli__a_monitor_snapshot_is_named_whatever_its_name),
        cmocka_unit_test(cli__a_one_letter_word_gets_the_one_name_it_begins),
        cmocka_unit_test(cli__an_output_no_file_can_be_made_in_is_refused_before_the_run),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
