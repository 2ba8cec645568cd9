/* test_audit_man.c: what the manual pages, the --help texts and the
 * monitor's help say, held against the docs and against what tgm does,
 * found wrong by an audit; each test fails on the tree before its fix.
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

#include <cmocka.h>

#include "cli_support.h"

/* TEXT with every run of white space made one space, so that a sentence
 * is found however the help wraps it (the caller frees it). */
static char *squeeze(const char *text)
{
    char *s = malloc(strlen(text) + 1), *d = s;
    assert_non_null(s);
    for (const char *p = text; *p; p++) {
        bool space = *p == ' ' || *p == '\n' || *p == '\t';
        if (!space)
            *d++ = *p;
        else if (d > s && d[-1] != ' ')
            *d++ = ' ';
    }
    *d = '\0';
    return s;
}

/* 'tgm CMD --help' succeeds, and its text, white space squeezed, holds WANT. */
static void help_says(const char *cmd, const char *want)
{
    struct cs_outcome o = cs_run_tgm(cmd, "--help", NULL);
    assert_int_equal(o.status, 0);
    char *text = squeeze(o.out);
    if (!strstr(text, want))
        fail_msg("tgm %s --help does not say '%s':\n%s", cmd, want, o.out);
    free(text);
    cs_outcome_free(&o);
}

/* docs/theorems.md: --expect exits 1 unless the VMM fails iff Theorem 1
 * fails, the hybrid VMM iff Theorem 3 fails, "and every program halts on
 * the bare machine", as counter_as_predicted tests.  The --help (and so
 * tgm(1)) left the third condition out. */
static void counterexample__expect_help_names_the_bare_halt(void **state)
{
    (void)state;
    help_says("counterexample",
              "--expect exit 1 unless the VMM fails iff Theorem 1 fails, the hybrid VMM "
              "fails iff Theorem 3 fails and every program halts on the bare machine");
}

/* docs/monitor.md, "Starting": an IMAGE that cannot be read or does not
 * fit "is one line in the CLI's form, such as `tgm: monitor: sum.s: image
 * needs words 0..34 but the machine has 16 words`, and exit status 2
 * before any command runs".  Standard output got the line of the --mem
 * machine's reset first (and, with several images, a line for each VM
 * made before the one refused), where the other commands print nothing
 * there with status 2.  What loading prints is now held until every
 * image has loaded, and shown then, in order, as before. */
static void monitor__an_image_refused_at_start_prints_only_its_error(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("monitor", "--mem", "16", "examples/sum.s", "-c", "quit", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: monitor: examples/sum.s: image needs words 0..34 but the "
                           "machine has 16 words");
    if (o.out_len != 0)
        fail_msg("--mem 16 sum.s: standard output \"%s\"; want nothing", o.out);
    cs_outcome_free(&o);

    /* the second of two images does not fit its VM of 65536 words */
    const char *far = cs_tmp("far.s");
    cs_put_text(far, "        .org 70000\n        HALT\n");
    o = cs_run_tgm("monitor", "examples/hello.s", far, "-c", "quit", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "image needs words 70000..70000 but the machine has 65536 words");
    if (o.out_len != 0)
        fail_msg("hello.s far.s: standard output \"%s\"; want nothing", o.out);
    cs_outcome_free(&o);

    /* loaded: the same lines as ever, before the commands' output */
    o = cs_run_tgm("monitor", "--mem", "100", "examples/sum.s", "-c", "echo done", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "bare machine: q=100, profile virtualizable (reset)\n"
                               "bare: loaded examples/sum.s: 35 words at 0, 10 symbols; "
                               "entry P=0x2 M=s\n"
                               "done\n");
    cs_outcome_free(&o);
}

/* What the bash completion generated from the help (build/gen/tgm.bash,
 * beside the binary) offers for the last of WORDS (NULL-terminated, plain
 * words), sorted, one space apart; the caller frees it. */
static char *complete(const char *const *words)
{
    char cmd[1024], script[CS_PATH];
    const char *bin = cs_tgm_binary(), *slash = strrchr(bin, '/');
    snprintf(script, sizeof script, "%.*sgen/tgm.bash", slash ? (int)(slash - bin + 1) : 0, bin);
    int n = snprintf(cmd, sizeof cmd,
                     "bash -c '. \"$1\"; shift; COMP_WORDS=(\"$@\"); COMP_CWORD=$(($# - 1)); _tgm; "
                     "printf \"%%s\\n\" \"${COMPREPLY[@]}\"' sh '%s'", script);
    for (const char *const *w = words; *w; w++)
        n += snprintf(cmd + n, sizeof cmd - (size_t)n, " '%s'", *w);
    n += snprintf(cmd + n, sizeof cmd - (size_t)n, " | sort | tr '\\n' ' ' | sed 's/ $//'");
    assert_true(n < (int)sizeof cmd);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *got = calloc(1, 4096);
    assert_non_null(got);
    size_t len = fread(got, 1, 4095, p);
    got[len] = '\0';
    assert_int_equal(pclose(p), 0);
    return got;
}

static void completes_to(const char *want, const char *const *words)
{
    char *got = complete(words);
    if (strcmp(got, want) != 0) {
        char line[512] = "";
        for (const char *const *w = words; *w; w++)
            snprintf(line + strlen(line), sizeof line - strlen(line), "%s'%s'",
                     w == words ? "" : " ", *w);
        fail_msg("complete %s: \"%s\", want \"%s\"", line, got, want);
    }
    free(got);
}

/* tgm monitor --help: "-f SCRIPT ARGS  run a script; %1.. in it stand for
 * ARGS", and the monitor takes every word after SCRIPT as one of them
 * ('tgm monitor -f s.mon --mem 4' gives the script %1 = --mem).  The
 * completion offered the monitor's options there (--profile, --mem,
 * --help), which would be the script's arguments, not options; DEVELOPERS.md:
 * it offers "no option the command refuses (nor any after --)".  After
 * -f SCRIPT it now completes file names only, as after '--'. */
static void completion__after_f_script_every_word_is_the_scripts(void **state)
{
    (void)state;
    completes_to("", CS_ARGV("tgm", "monitor", "-f", "examples/sum.mon", "--p"));
    completes_to("", CS_ARGV("tgm", "monitor", "-f", "examples/sum.mon", "a", "-"));
    completes_to("examples/hello.s",
                 CS_ARGV("tgm", "monitor", "-f", "examples/sum.mon", "--mem", "examples/hel"));
    /* before -f, and its SCRIPT, as ever */
    completes_to("--profile", CS_ARGV("tgm", "monitor", "--p"));
    completes_to("examples/sum.mon", CS_ARGV("tgm", "monitor", "-f", "examples/sum.m"));
    completes_to("--profile", CS_ARGV("tgm", "monitor", "-c", "quit", "--p"));
}

/* tgm(1)'s EXIT STATUS gave the statuses of run and check only, but its
 * TGM MONITOR section, docs/monitor.md ("N after `exit N`; ... 128 + the
 * signal's number after SIGTERM, SIGHUP") and 'help exit' give the
 * monitor's others; the page's own summary now names them too. */
static void man__exit_status_names_the_monitors(void **state)
{
    (void)state;
    char page[CS_PATH];
    const char *bin = cs_tgm_binary(), *slash = strrchr(bin, '/');
    snprintf(page, sizeof page, "%.*sman/tgm.1", slash ? (int)(slash - bin + 1) : 0, bin);
    size_t len;
    char *text = cs_slurp(page, &len);
    assert_non_null(text);
    char *sec = strstr(text, ".SH \"EXIT STATUS\"\n");
    assert_non_null(sec);
    char *end = strstr(sec + 1, "\n.SH ");
    if (end)
        *end = '\0';
    char *flat = squeeze(sec);
    if (!strstr(flat, "130 interrupted") || !strstr(flat, "exits N after 'exit N'") ||
        !strstr(flat, "128 + the signal's number after SIGTERM or SIGHUP"))
        fail_msg("%s: EXIT STATUS leaves out the monitor's statuses:\n%s", page, sec);
    free(flat);
    free(text);
}

/* docs/theorems.md: analyze's "Exit status: 0 when the analysis ran ...;
 * 1 only with --check-declared and a mismatch; 2 on bad usage".  The
 * --help (and tgm(1)) gave 0 and 1 only, as if a bad option could not
 * fail; counterexample's gives its 2. */
static void analyze__help_gives_the_usage_status(void **state)
{
    (void)state;
    help_says("analyze", "Exit 0 when the analysis ran, whatever the verdicts; with "
                         "--check-declared, 1 if a derived class differs from the declared "
                         "one; 2 on bad usage.");
    /* and it is so */
    struct cs_outcome o = cs_run_tgm("analyze", "--words", "8", NULL);
    assert_int_equal(o.status, 2);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_man");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counterexample__expect_help_names_the_bare_halt),
        cmocka_unit_test(monitor__an_image_refused_at_start_prints_only_its_error),
        cmocka_unit_test(completion__after_f_script_every_word_is_the_scripts),
        cmocka_unit_test(man__exit_status_names_the_monitors),
        cmocka_unit_test(analyze__help_gives_the_usage_status),
    };
    return cmocka_run_group_tests_name("audit_man", tests, group_setup, group_teardown);
}
