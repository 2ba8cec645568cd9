/* test_qa_fixes.c: regressions found by a hostile user's audit of the CLI
 * and the monitor: each test fails on the tree before its fix.
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
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* A program too big for the machine was refused without naming the file
 * ('load', 'vm create', 'vm load'), unlike 'tgm run'. */
static void load__too_big_names_the_file(void **state)
{
    (void)state;
    cs_mon_fails("set memory 10; load examples/hello.s",
                "load: examples/hello.s: image needs words 0..25 but the machine has 10 words");
    cs_mon_fails("vm create a 10 examples/hello.s",
                "vm: examples/hello.s: image needs words 0..25");
    cs_mon_fails("vm create a 10; vm load a examples/hello.s",
                "vm: examples/hello.s: image needs words 0..25");
}

/* 'tgm monitor -- -odd.img' said "unexpected argument '--'", though every
 * other command takes "--" as the end of its options. */
static void cli__monitor_takes_double_dash(void **state)
{
    (void)state;
    char img[CS_PATH], top[PATH_MAX];
    cs_make_image(img, sizeof img, "-odd.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    /* a relative name that begins with '-': run from the temporary directory */
    assert_non_null(getcwd(top, sizeof top));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", "regs", "--", "-odd.img", NULL);
    assert_int_equal(chdir(top), 0);
    if (o.status != 0 || !strstr(o.out, "loaded -odd.img"))
        fail_msg("status %d, out \"%s\", err \"%s\"", o.status, o.out, o.err);
    cs_outcome_free(&o);
}

/* The monitor's 'check' refused a program too big for the guests without
 * naming it ('tgm check' named it), and said "1 guests ... do not fit". */
static void check__a_program_that_does_not_fit_is_named(void **state)
{
    (void)state;
    cs_mon_fails("check examples/hello.s with examples/calls.s mem 40",
                "check: examples/calls.s: image needs words 0..55 but the machine has 40 words "
                "(try a larger 'mem W')\n");
    /* in 'tgm check''s words, with the monitor's option */
    cs_mon_fails("check examples/hello.s with examples/hello.s mem 262144",
                "check: 2 images of 262144 words need 524296 words of real memory, more than "
                "524288 (use a smaller 'mem W')\n");
}

/* 'exit' without N is 1 after a failure; with 'set on-error finish' it was
 * 0 when the failure was on the same line ('-c', or 'a; b' in a script). */
static void exit__after_a_failure_on_the_same_line_is_1(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error finish; print 1/0; exit");
    assert_int_equal(o.status, 1);
    cs_outcome_free(&o);
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "fin.mon", "set on-error finish\nprint 1/0; exit\n");
    o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 1);
    cs_outcome_free(&o);
    o = cs_mon("set on-error finish; print 1/0; exit 0"); /* an explicit status stands */
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* A failed command in a breakpoint's commands (an 'assert') was printed but
 * the script went on and exited 0. */
static void break__failed_commands_fail_the_run(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/hello.s; break loop do \"assert E[i] < 5; "
                                 "continue\"; go; echo AFTER");
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "assertion failed: E[i] < 5"));
    assert_null(strstr(o.out, "AFTER"));
    cs_outcome_free(&o);
    o = cs_mon("load examples/hello.s; watch i do \"print 1/0\"; go; echo AFTER");
    assert_int_equal(o.status, 1);
    assert_null(strstr(o.out, "AFTER"));
    cs_outcome_free(&o);
    /* commands that succeed change nothing */
    o = cs_mon("load examples/hello.s; break loop do \"assert E[i] < 100; continue\"; go; "
            "assert halted");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* A condition that could not be evaluated at a hit stopped the run with a
 * note on standard output, and the script went on with status 0. */
static void break__a_condition_that_fails_is_an_error(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon("load examples/hello.s; break loop if 100/(E[i]-3) > 0; go; echo AFTER");
    assert_int_equal(o.status, 1);
    cs_assert_one_line(&o, "go: breakpoint 1: condition '100/(E[i]-3) > 0' cannot be "
                           "evaluated: division by zero");
    assert_null(strstr(o.out, "AFTER"));
    cs_outcome_free(&o);
}

/* 'console' on a machine that has written nothing passed fwrite a NULL
 * buffer: UBSan stopped it ('make asan' runs this suite so built). */
static void console__empty_is_not_undefined(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("console; vm create a 100; console; echo done");
    if (o.status != 0 || strcmp(o.err, "") != 0)
        fail_msg("status %d, stderr \"%s\"", o.status, o.err);
    assert_non_null(strstr(o.out, "done"));
    cs_outcome_free(&o);
}

/* SIGTERM during 'next N' was lost: each single step cleared the stop
 * request after its own step, so the loop ran on (Ctrl-C the same). */
static void next__sigterm_stops_it(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "spin.s", "        .entry s\ns:      JMP   s\n");
    char cmds[CS_PATH + 64];
    snprintf(cmds, sizeof cmds, "load %s; next 100000000000; echo not reached", src);
    pid_t pid = cs_spawn_monitor_silent(cmds);
    usleep(500000); /* the handlers in place and the steps under way */
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status = 0;
    pid_t w = 0;
    for (int i = 0; i < 200 && (w = waitpid(pid, &status, WNOHANG)) == 0; i++)
        usleep(50000);
    if (w == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fail_msg("'next' went on for 10 s after SIGTERM");
    }
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
}

/* 'break list' showed a command list with quotes in it as typed less its
 * escapes (do "echo "x""), which does not read back as the same list. */
static void break__list_quotes_the_commands_as_typed(void **state)
{
    (void)state;
    cs_mon_prints("break 5 do \"echo \\\"x\\\"; echo y\"; break list",
                  "do \"echo \\\"x\\\"; echo y\"\n");
}

/* x/c showed a word that is not a byte as \x and all its hex digits (0x141:
 * "\x141", read as \x14 then '1'), and one whose low byte is '"', '\' or
 * a newline as that character (0x122: "\""). */
static void examine__characters_that_are_not_bytes_are_braced(void **state)
{
    (void)state;
    cs_mon_prints("deposit 0 0x41 0x141 0x122 0x10a 0x22 10 0; x/7c 0",
                  "\"A\\x{141}\\x{122}\\x{10a}\\\"\\n\\x00\"");
}

/* A second 'timeline on' said "recording from now" but kept the events
 * recorded before it. */
static void timeline__on_twice_says_it_goes_on(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 100 examples/hello.s; timeline on; go; timeline on",
                  "timeline: already recording, 14 events so far");
}

/* A read error on the script (stdin a directory, EIO) ended it as its end
 * would, with status 0: the rest of the script silently lost. */
static void script__a_read_error_is_a_failure(void **state)
{
    (void)state;
    char errpath[CS_PATH];
    cs_tmp_path(errpath, sizeof errpath, "readerr.txt");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int dir = open(cs_tmpdir(), O_RDONLY), null = open("/dev/null", O_WRONLY),
            err = open(errpath, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(dir, 0);
        dup2(null, 1);
        dup2(err, 2);
        execl(cs_tgm(), "tgm", "monitor", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 1);
    char *text = cs_slurp(errpath, NULL);
    if (strcmp(text, "<stdin>:1: cannot read: Is a directory\n") != 0)
        fail_msg("stderr \"%s\"", text);
    free(text);
}

/* 'run --nest N --vmm' with a guest that leaves no room for the C control
 * program said only "real memory must be 9..524288 words, not 524296". */
static void nest__vmm_too_big_says_what_needs_the_words(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "16", "--vmm", "--mem", "514048",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: examples/hello.s: 16 levels of 640 words, a guest of "
                           "514048 words and the C control program's 8 need 524296 words, "
                           "more than the 524288 a machine has");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "1", "--vmm", "--mem", "523648", "examples/hello.s",
                   NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "need 524296 words, more than the 524288 a machine has");
    cs_outcome_free(&o);
}

/* 'tgm monitor -c "log F; load P; go"' logged the output but none of the
 * commands: the line had been logged before the log was opened. */
static void log__the_rest_of_the_line_that_opens_it(void **state)
{
    (void)state;
    char log[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(log, sizeof log, "rest.log");
    snprintf(cmds, sizeof cmds, "echo before; log %s; echo logged; log off", log);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *text = cs_slurp(log, NULL);
    if (!strstr(text, "tgm> echo logged; log off\nlogged\n") || strstr(text, "before"))
        fail_msg("log: \"%s\"", text);
    free(text);
}

/* x/1x -d took the /x and dropped -d, x/3x 0 5 showed 5 words and x/3 0..5
 * six: a second format or count silently lost, which the monitor's own
 * rule (an option at most once) forbids. */
static void examine__slash_and_flags_do_not_conflict_silently(void **state)
{
    (void)state;
    cs_mon_fails("x/1x -d 0", "examine: '/x' and '-d': give one format");
    cs_mon_fails("x/3x 0 5", "examine: a count after '/' and a COUNT or ..END: give one");
    cs_mon_fails("x/3 0..5", "a count after '/' and a COUNT or ..END: give one");
    struct cs_outcome o = cs_mon("deposit 0 10; x/2d 0; x -d 0 2; x/d 0 2; x/c -v 0; x 0..1");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* A 'vm' subcommand with the wrong arguments printed the usage of all of
 * 'vm' ('vm create' gave its own); 'vm list x' ignored the x. */
static void vm__subcommands_give_their_own_usage(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 100; vm limit a", "vm: usage: vm limit NAME N");
    cs_mon_fails("vm create a 100; vm stats a b", "vm: usage: vm stats [NAME]");
    cs_mon_fails("vm list x", "vm: usage: vm list");
    cs_mon_fails("vm select", "vm: usage: vm select NAME|bare");
}

/* 'tgm check --mem x' printed two lines: the parse error and then the range
 * error, though x was never a number. */
static void cli__check_bad_mem_is_one_line(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--mem", "x", "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: --mem: expected a non-negative number, got 'x'");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--mem", "1", "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: --mem: 1 word is out of range (2..524280)");
    cs_outcome_free(&o);
}

/* A script run by 'do' that said 'set on-error continue' left it set for
 * its caller: the caller's failures were then ignored, status 0. */
static void do__on_error_is_the_scripts_own(void **state)
{
    (void)state;
    char inner[CS_PATH], outer[CS_PATH + 64];
    cs_write_text(inner, sizeof inner, "inner.mon", "set on-error continue\nprint 1/0\n");
    snprintf(outer, sizeof outer, "do %s; print 2/0; echo after", inner);
    struct cs_outcome o = cs_mon(outer);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "-c:1: print: division by zero"));
    assert_null(strstr(o.out, "after"));
    cs_outcome_free(&o);
}

/* A VM made, while a timeline recorded, in the id of a destroyed one took
 * over its track: the destroyed VM's stretches and traps were drawn under
 * the new VM's name. */
static void timeline__a_vm_in_a_reused_id_has_its_own_track(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "reuse.json");
    snprintf(cmds, sizeof cmds, "timeline on; vm create a 100 examples/hello.s; vm create b 100 "
             "examples/hello.s; go; vm destroy a; vm create c 300 examples/calls.s; go; "
             "timeline %s", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *text = cs_slurp(path, NULL);
    const char *want[] = {"\"tid\":1,\"args\":{\"name\":\"a\"}",
                          "\"tid\":2,\"args\":{\"name\":\"b\"}",
                          "\"tid\":3,\"args\":{\"name\":\"c\"}"};
    for (size_t i = 0; i < 3; i++)
        if (!strstr(text, want[i]))
            fail_msg("no %s in the timeline", want[i]);
    free(text);
}

/* 'tgm as -l SRC -o IMAGE > /dev/full' failed (status 2) but had already
 * replaced IMAGE: the listing was flushed only after the image was written. */
static void as__a_listing_that_cannot_be_written_leaves_the_image(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_write_text(img, sizeof img, "keep.img", "old\n");
    cs_full_stdout_keeps(img, "tgm: as: cannot write the listing: No space left on device; ",
                      (char *[]){"tgm", "as", "-l", "examples/hello.s", "-o", img, NULL});
}

/* 'timeline off' threw the recording away without a word. */
static void timeline__off_says_what_it_discards(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("timeline off; vm create a 100 examples/hello.s; timeline on; go; "
                              "timeline off");
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "timeline: already off\n") ||
        !strstr(o.out, "timeline: off, 14 events discarded\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* 'trace ... max N' capped only a file: to the screen nothing stopped it,
 * and a file with a cap of 0 still got a 45-byte note. */
static void trace__the_cap_holds_on_the_screen_and_in_a_file(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/hello.s; trace insns max 200; go; trace");
    assert_int_equal(o.status, 0);
    const char *note = strstr(o.out, "[trace stopped: size cap of 200 bytes reached]\n");
    if (!note || strstr(o.out, "COUT") || !strstr(o.out, "(173 of at most 200 bytes; stopped"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    char path[CS_PATH], cmds[CS_PATH + 80];
    cs_tmp_path(path, sizeof path, "cap0.trace");
    snprintf(cmds, sizeof cmds, "load examples/hello.s; trace insns to %s max 0; go; trace off",
             path);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t len = 1;
    free(cs_slurp(path, &len));
    assert_int_equal(len, 0);
    snprintf(cmds, sizeof cmds, "load examples/hello.s; trace insns to %s max 300; go; trace off",
             path);
    o = cs_mon(cmds);
    cs_outcome_free(&o);
    char *t = cs_slurp(path, &len);
    if (len > 300 || !strstr(t, "[trace stopped: size cap of 300 bytes reached]\n"))
        fail_msg("%zu bytes: \"%s\"", len, t);
    free(t);
}

/* A count of one was plural: "did not halt within 1 steps", "checkpoint
 * 1 steps apart". */
static void messages__one_step_is_singular(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--max-steps", "1",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 1);
    if (!strstr(o.out, "the bare run did not halt within 1 step\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    o = cs_mon("set checkpoint 1; show");
    if (!strstr(o.out, "checkpoint 1 step apart"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* 'check' and 'run --nest' with a program too big for --mem lacked the
 * "(try a larger --mem)" that 'run' and 'run --vmm' give. */
static void cli__too_small_mem_hints_at_mem(void **state)
{
    (void)state;
    const char *const cases[][4] = {{"check", "--nest", "1", NULL},
                                    {"check", NULL, NULL, NULL},
                                    {"run", "--nest", "1", NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_args a = {0};
        for (size_t k = 1; k < 4 && cases[i][k]; k++)
            cs_push(&a, cases[i][k]);
        cs_push_all(&a, "--mem", "2", "examples/hello.s", NULL);
        struct cs_outcome o = cs_run_tgm_argv(cases[i][0], a.v);
        assert_int_equal(o.status, 2);
        cs_assert_one_line(&o, "words (try a larger --mem)\n");
        cs_outcome_free(&o);
    }
}

/* 'restore DIR' said "Is a directory" (strerror), 'save DIR' "is a
 * directory": other commands say what to give instead. */
static void files__a_directory_says_give_a_file(void **state)
{
    (void)state;
    cs_mon_fails("restore examples", "restore: examples: is a directory (give a file)");
    cs_mon_fails("save examples", "save: examples: is a directory (give a file name)");
    struct cs_outcome o = cs_run_tgm("run", "--input-file", "examples", "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: --input-file: examples: is a directory (give a file)");
    cs_outcome_free(&o);
}

/* 'break list' showed a class stop as a raw mask ("class  mask 0x3e"), not
 * the class words 'break class' takes. */
static void break__list_names_the_classes(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("break class sensitive; break class location mode; "
                              "break class privileged control; break list");
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "  1  class  sensitive  hits 0\n") ||
        !strstr(o.out, "  2  class  location mode  hits 0\n") ||
        !strstr(o.out, "  3  class  privileged control  hits 0\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* 'run --nest 1 --max-steps 1' stopped before level 1 booted the guest and
 * reported its all-zero PSW as a state (user mode, b=0); the monitor's
 * 'stack' says "not started". */
static void nest__a_guest_not_started_is_said_so(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--max-steps", "1",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 3);
    if (!strstr(o.out, "psw          not started (the control programs have not booted "
                       "the guest)\n") ||
        !strstr(o.out, "single steps; its guest: not started\n") || strstr(o.out, "user"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "1", "--max-steps", "1", "--json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "\"guest_started\":false"));
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "1", "--json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\"guest_started\":true"));
    cs_outcome_free(&o);
}

/* 'tgm run --vmm --timeline F > /dev/full' failed (status 2) but had
 * already replaced F; '--dump F' left its F as it was. */
static void run__a_report_that_cannot_be_written_leaves_the_timeline(void **state)
{
    (void)state;
    char tl[CS_PATH];
    cs_write_text(tl, sizeof tl, "keep.json", "old\n");
    cs_full_stdout_keeps(tl, "tgm: run: cannot write the output: No space left on device; ",
                      (char *[]){"tgm", "run", "--vmm", "--timeline", tl, "examples/hello.s",
                                 NULL});
}

/* 'tgm isa --profiles --markdown' (or --profile P) listed the names and
 * silently dropped the other option. */
static void isa__profiles_with_another_option_is_refused(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("isa", "--profiles", "--markdown", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: isa: --profiles lists the names only; give it without "
                           "--markdown");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
    o = cs_run_tgm("isa", "--profile", "x86", "--profiles", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "give it without --profile");
    cs_outcome_free(&o);
    o = cs_run_tgm("isa", "--profiles", NULL);
    assert_int_equal(o.status, 0);
    assert_true(strncmp(o.out, "virtualizable\n", 14) == 0);
    cs_outcome_free(&o);
}

/* More counts of one that were plural: 'stack' said "1 entries", the
 * timeline "1 events". */
static void messages__one_entry_and_one_event_are_singular(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("nest 2 examples/hello.s; stack step 1; stack");
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, " 1 entry: 1 interpreted, 0 reflected, 0 timer traps, 0 single steps\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    char src[CS_PATH], cmds[2 * CS_PATH + 96], json[CS_PATH];
    cs_write_text(src, sizeof src, "halt.s", "        .entry s\ns:      HALT\n");
    cs_tmp_path(json, sizeof json, "one.json");
    snprintf(cmds, sizeof cmds, "timeline on; vm create a 100 %s; go; timeline; timeline on; "
             "timeline %s", src, json);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "timeline: recording, 1 event\n") ||
        !strstr(o.out, "timeline: already recording, 1 event so far\n") ||
        !strstr(o.out, "timeline: 1 event written to "))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    /* an absolute binary, so a test may run it from another directory */
    static char exe[PATH_MAX];
    const char *t = getenv("TGM");
    if (realpath(t && *t ? t : "build/tgm", exe))
        setenv("TGM", exe, 1);
    return cs_setup("test_qa_fixes");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'set slice N' below the slice under way left it running (a VM beside
 * the one running waited out the old 10,000 cycles) and broke slice_left
 * <= slice: 'save' then 'restore' refused the snapshot it had written. */
static void set__a_shorter_slice_takes_effect_now(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[2 * CS_PATH + 400];
    cs_tmp_path(snap, sizeof snap, "slice.snap");
    snprintf(cmds, sizeof cmds,
             "vm create os 8192 examples/supervisor.s; vm create calc 4096 examples/sum.s; "
             "vm select os; go for 300; set slice 7; save %s; restore %s; go for 100; "
             "vm select calc; assert steps > 0",
             snap, snap);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
}

/* The text after "---" in the output of CMDS (the caller frees it). */
static char *after_mark(const char *cmds)
{
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    const char *at = strstr(o.out, "---\n");
    assert_non_null(at);
    char *text = strdup(at);
    cs_outcome_free(&o);
    return text;
}

/* 'history' after 'rstep' said "no instructions executed yet": the ring
 * was emptied, not given the steps that led to the point gone back to. */
static void rstep__history_shows_the_steps_that_led_there(void **state)
{
    (void)state;
    char *a = after_mark("load examples/calls.s; set checkpoint 7; go for 30; echo ---; "
                         "history 12"),
         *b = after_mark("load examples/calls.s; set checkpoint 7; go for 40; step 3; "
                         "rstep 13; echo ---; history 12");
    assert_string_equal(a, b);
    assert_null(strstr(b, "no instructions"));
    free(a);
    free(b);
}

/* 'vm list': a name longer than 12 characters pushed the later columns
 * out of line; the name column is as wide as the longest name, and each
 * heading stands over its column (they stood one to the right). */
static void vm_list__a_long_name_keeps_the_columns_aligned(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a_name_of_twenty_one 100; vm create b 100; vm list");
    assert_int_equal(o.status, 0);
    const char *head = strstr(o.out, "  id name");
    assert_non_null(head);
    const char *end = strchr(head, '\n');
    int at_state = (int)(strstr(head, "state") - head), at_region = (int)(strstr(head, "region") - head);
    assert_true(at_state < end - head);
    assert_int_equal(at_state, (int)strlen("*  1 a_name_of_twenty_one "));
    int rows = 0;
    for (const char *r = end + 1; *r; r = strchr(r, '\n') + 1, rows++) {
        assert_int_equal((int)(strstr(r, "runnable") - r), at_state);
        assert_int_equal((int)(strstr(r, "0x0") - r), at_region);
    }
    assert_int_equal(rows, 2);
    cs_outcome_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__too_big_names_the_file),
        cmocka_unit_test(cli__monitor_takes_double_dash),
        cmocka_unit_test(check__a_program_that_does_not_fit_is_named),
        cmocka_unit_test(exit__after_a_failure_on_the_same_line_is_1),
        cmocka_unit_test(break__failed_commands_fail_the_run),
        cmocka_unit_test(break__a_condition_that_fails_is_an_error),
        cmocka_unit_test(console__empty_is_not_undefined),
        cmocka_unit_test(next__sigterm_stops_it),
        cmocka_unit_test(break__list_quotes_the_commands_as_typed),
        cmocka_unit_test(examine__characters_that_are_not_bytes_are_braced),
        cmocka_unit_test(timeline__on_twice_says_it_goes_on),
        cmocka_unit_test(script__a_read_error_is_a_failure),
        cmocka_unit_test(nest__vmm_too_big_says_what_needs_the_words),
        cmocka_unit_test(log__the_rest_of_the_line_that_opens_it),
        cmocka_unit_test(examine__slash_and_flags_do_not_conflict_silently),
        cmocka_unit_test(vm__subcommands_give_their_own_usage),
        cmocka_unit_test(cli__check_bad_mem_is_one_line),
        cmocka_unit_test(do__on_error_is_the_scripts_own),
        cmocka_unit_test(timeline__a_vm_in_a_reused_id_has_its_own_track),
        cmocka_unit_test(as__a_listing_that_cannot_be_written_leaves_the_image),
        cmocka_unit_test(timeline__off_says_what_it_discards),
        cmocka_unit_test(trace__the_cap_holds_on_the_screen_and_in_a_file),
        cmocka_unit_test(messages__one_step_is_singular),
        cmocka_unit_test(cli__too_small_mem_hints_at_mem),
        cmocka_unit_test(files__a_directory_says_give_a_file),
        cmocka_unit_test(break__list_names_the_classes),
        cmocka_unit_test(nest__a_guest_not_started_is_said_so),
        cmocka_unit_test(run__a_report_that_cannot_be_written_leaves_the_timeline),
        cmocka_unit_test(isa__profiles_with_another_option_is_refused),
        cmocka_unit_test(messages__one_entry_and_one_event_are_singular),
        cmocka_unit_test(set__a_shorter_slice_takes_effect_now),
        cmocka_unit_test(rstep__history_shows_the_steps_that_led_there),
        cmocka_unit_test(vm_list__a_long_name_keeps_the_columns_aligned),
    };
    return cmocka_run_group_tests_name("qa_fixes", tests, group_setup, group_teardown);
}
