/* test_polish.c: small user-facing promises of docs/asm.md, docs/run.md,
 * docs/monitor.md: '-o -' is standard output, the monitor completes
 * profile names after 'check ... profile', and a mistake with --nest is
 * refused in the same words by 'tgm run', 'tgm check' and 'nest'.  Each
 * case failed on the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <utmp.h>
#include <unistd.h>

#include <pty.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"

/* A file named '-' left in the tree by an output that took '-' literally:
 * fail, and remove it so the next run starts clean. */
static void assert_no_dash_file(void)
{
    bool there = access("-", F_OK) == 0;
    if (there)
        remove("-");
    assert_false(there);
}

/* docs/asm.md: 'tgm as SRC -o -' writes the image to standard output, the
 * same bytes -o FILE writes; it wrote a file named '-'. */
static void as__dash_output_is_standard_output(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_tmp_path(img, sizeof img, "hello.img");
    struct cs_outcome o = cs_run_tgm("as", "examples/hello.s", "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t len;
    char *want = cs_slurp(img, &len);
    o = cs_run_tgm("as", "examples/hello.s", "-o", "-", NULL);
    assert_no_dash_file();
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    assert_int_equal(o.out_len, len);
    assert_memory_equal(o.out, want, len);
    free(want);
    cs_outcome_free(&o);
    /* a listing would be mixed into the image */
    cs_tgm_fails(2, "tgm: as: -l and -o - would both write to standard output", "as",
                 CS_ARGV("-l", "examples/hello.s", "-o", "-"));
}

/* docs/run.md: standard output lost (a full disk) is status 2 and one line. */
static void as__dash_output_lost_is_status_2_and_one_line(void **state)
{
    (void)state;
    cs_full_stdout_keeps(NULL, "tgm: as: cannot write the output: No space left on device",
                         (char *[]){"tgm", "as", "examples/hello.s", "-o", "-", NULL});
    assert_no_dash_file();
}

/* An image is binary: on a terminal 'as -o -' refuses, as gzip does. */
static void as__dash_output_refuses_a_terminal(void **state)
{
    (void)state;
    char exe[4096];
    if (!realpath(cs_tgm(), exe))
        fail_msg("no tgm binary at '%s'", cs_tgm());
    /* The test keeps the terminal's other end open until the child has
     * exited and its output is read: once the last one closes, a read of
     * the master may fail with EIO before what the child wrote is drained
     * (seen on a loaded machine). */
    int fd, tty;
    assert_int_equal(openpty(&fd, &tty, NULL, NULL, NULL), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        close(fd);
        if (login_tty(tty) != 0)
            _exit(126);
        execl(exe, "tgm", "as", "examples/hello.s", "-o", "-", (char *)NULL);
        _exit(127);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(fcntl(fd, F_SETFL, O_NONBLOCK), 0);
    char screen[4096];
    size_t n = 0;
    for (ssize_t k; n < sizeof screen - 1 && (k = read(fd, screen + n, sizeof screen - 1 - n)) > 0;)
        n += (size_t)k; /* all of it is there: EAGAIN ends it */
    screen[n] = '\0';
    close(tty);
    close(fd);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 2);
    assert_null(memmem(screen, n, "TGMIMAGE", 8));
    assert_non_null(strstr(screen, "tgm: as: standard output is a terminal and an image is "
                                    "binary; redirect it or give -o IMAGE"));
    assert_no_dash_file();
}

/* docs/asm.md: 'tgm dis IMAGE -o -' is its default, standard output. */
static void dis__dash_output_is_standard_output(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "halt.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    struct cs_outcome want = cs_run_tgm("dis", img, NULL);
    struct cs_outcome o = cs_run_tgm("dis", img, "-o", "-", NULL);
    assert_no_dash_file();
    assert_int_equal(want.status, 0);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, want.out);
    cs_outcome_free(&want);
    cs_outcome_free(&o);
}

/* docs/run.md: run's report is on standard output, so '--dump -' and
 * '--timeline -' are refused; they wrote a file named '-'. */
static void run__dash_is_no_dump_or_timeline(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: --dump -: standard output holds the report", "run",
                 CS_ARGV("--dump", "-", "examples/hello.s"));
    assert_no_dash_file();
    cs_tgm_fails(2, "tgm: run: --timeline -: standard output holds the report", "run",
                 CS_ARGV("--vmm", "--timeline", "-", "examples/hello.s"));
    assert_no_dash_file();
}

/* docs/monitor.md: Tab after a keyword that takes a profile offers the
 * profile names (kind p), as after 'set profile'; check's offered files. */
static void complete__profile_names_after_check_profile(void **state)
{
    (void)state;
    assert_string_equal(ms_compl("check examples/sum.s profile ").kinds, "p");
    assert_string_equal(ms_compl("check a.s mem 100 profile pd").kinds, "p");
    assert_string_equal(ms_compl("check a.s hybrid profile ").kinds, "p");
    assert_string_equal(ms_compl("set profile ").kinds, "p");
    assert_string_equal(ms_compl("set cp-profile ").kinds, "p");
    /* the other keywords are as they were */
    struct mon_compl c = ms_compl("check a.s profile pdp10 ");
    assert_string_equal(c.kinds, "f");
    assert_true(ms_has_word(c.words, "with"));
}

/* The one error line of 'tgm ARGS...' (status 2) or of the monitor's
 * CMDS (status 1), into LINE without its newline. */
static void error_line(struct cs_outcome o, int status, char *line, size_t len)
{
    if (o.status != status || !strchr(o.err, '\n') || strchr(o.err, '\n')[1])
        fail_msg("status %d, stderr \"%s\"", o.status, o.err);
    snprintf(line, len, "%.*s", (int)strcspn(o.err, "\n"), o.err);
    cs_outcome_free(&o);
}

/* The same mistake gets the same words after each command's prefix:
 * "tgm: run: --nest: ", "tgm: check: --nest: ", "nest: " for the depth;
 * "tgm: run: FILE: ", ..., "nest: " for the stack's memory (the CLI may
 * add its hint about --mem; the monitor's hint names its 'mem W'). */
static void same_nest_refusal(const char *depth, const char *mem, const char *want)
{
    char line[512], mon[512], cmds[256];
    snprintf(cmds, sizeof cmds, "nest %s examples/hello.s mem %s", depth, mem);
    error_line(cs_mon(cmds), 1, line, sizeof line);
    const char *at = strstr(line, "nest: ");
    assert_non_null(at);
    snprintf(mon, sizeof mon, "%s", at + strlen("nest: "));
    if (!strstr(mon, want))
        fail_msg("nest says \"%s\", not \"%s\"", mon, want);
    char *hint = strstr(mon, " (try a larger 'mem W')");
    if (hint)
        *hint = '\0';
    static const char *const cmd[] = {"run", "check"};
    for (size_t i = 0; i < 2; i++) {
        error_line(cs_run_tgm(cmd[i], "--nest", depth, "--mem", mem, "examples/hello.s", NULL),
                   2, line, sizeof line);
        char pre[64];
        snprintf(pre, sizeof pre, "tgm: %s: ", cmd[i]);
        if (strncmp(line, pre, strlen(pre)) || !strstr(line, mon) ||
            (hint && !strstr(line, " (try a larger --mem)")))
            fail_msg("%s says \"%s\"; nest says \"%s\"%s", cmd[i], line, mon,
                     hint ? " and what to try" : "");
    }
}

static void nest__the_same_mistake_is_refused_in_the_same_words(void **state)
{
    (void)state;
    same_nest_refusal("0", "1000", "0 levels is out of range (1..16)");
    same_nest_refusal("17", "1000", "17 levels is out of range (1..16)");
    same_nest_refusal("3", "10", "image needs words 0..25 but the machine has 10 words");
    same_nest_refusal("16", "524200", "16 levels of 640 words and a guest of 524200 words "
                                       "need 534440 words, more than the 524288 a machine has");
    /* run and check: one wording for a profile the stack cannot run */
    static const char prof[] = "--nest: the machine-code control program virtualizes the "
                               "'virtualizable' profile only";
    char why[256];
    snprintf(why, sizeof why, "tgm: run: %s", prof);
    cs_tgm_fails(2, why, "run", CS_ARGV("--nest", "2", "--profile", "pdp10", "examples/hello.s"));
    snprintf(why, sizeof why, "tgm: check: %s", prof);
    cs_tgm_fails(2, why, "check",
                 CS_ARGV("--nest", "2", "--profile", "pdp10", "examples/hello.s"));
}

/* 'nest' after 'set profile pdp10' built the stack on the virtualizable
 * profile all the same: the user got another machine than the one asked
 * for.  It is refused, in the words the CLI uses, the machine kept. */
static void nest__refuses_a_profile_the_stack_cannot_run(void **state)
{
    (void)state;
    cs_mon_fails("set profile pdp10; nest 2 examples/hello.s",
                 "nest: the machine-code control program virtualizes the 'virtualizable' "
                 "profile only, and the bare machine's is 'pdp10' ('set profile "
                 "virtualizable' first)");
    cs_mon_prints("set profile pdp10; set memory 4096; set on-error continue; "
                  "nest 2 examples/hello.s; set",
                  "memory     4096\nprofile    pdp10\n");
    cs_mon_prints("set profile pdp10; set profile virtualizable; nest 1 examples/hello.s",
                  "bare machine: q=66176, profile virtualizable");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_polish");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(as__dash_output_is_standard_output),
        cmocka_unit_test(as__dash_output_lost_is_status_2_and_one_line),
        cmocka_unit_test(as__dash_output_refuses_a_terminal),
        cmocka_unit_test(dis__dash_output_is_standard_output),
        cmocka_unit_test(run__dash_is_no_dump_or_timeline),
        cmocka_unit_test(complete__profile_names_after_check_profile),
        cmocka_unit_test(nest__the_same_mistake_is_refused_in_the_same_words),
        cmocka_unit_test(nest__refuses_a_profile_the_stack_cannot_run),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
