/* test_audit_words.c: monitor commands taken as docs/monitor.md words
 * them.
 *
 * A word that may be a file or a keyword ("Commands, words and
 * abbreviations"): keywords may be
 * abbreviated, and where a file may stand instead of one, a word that
 * names an existing file and is not a keyword in full is the file.
 *
 * `log [FILE|off]` took only `off` in full, so `log of` logged to a new
 * file `of`; `timeline [on|off|FILE]` took `of` for `off` even when a file
 * `of` existed.  And `tgm monitor -` said "unknown option '-'" where every
 * other command takes `-` as a file of that name (docs/run.md).  Runs the
 * monitor library in the suite's temporary directory, where the files are,
 * and the tgm binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/monitor.h"

/* A session whose output and errors both go to BUF, run in the suite's
 * temporary directory (HERE keeps where the suite was). */
struct sess {
    struct mon *m;
    FILE *f;
    char *buf;
    size_t len;
    char here[4096];
};

static void sess_open(struct sess *s)
{
    assert_non_null(getcwd(s->here, sizeof s->here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    s->buf = NULL;
    s->f = open_memstream(&s->buf, &s->len);
    assert_non_null(s->f);
    s->m = mon_create(s->f, s->f);
    assert_non_null(s->m);
}

/* Run LINE; its status.  The output so far is in s->buf. */
static int sess_run(struct sess *s, const char *line)
{
    int rc = mon_exec_line(s->m, line);
    fflush(s->f);
    return rc;
}

static void sess_close(struct sess *s)
{
    mon_destroy(s->m);
    fclose(s->f);
    free(s->buf);
    assert_int_equal(chdir(s->here), 0);
}

static bool exists(const char *name)
{
    struct stat st;
    return stat(name, &st) == 0;
}

static void log__a_prefix_of_off_naming_no_file_stops_the_log(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    remove("of");
    assert_int_equal(sess_run(&s, "log words.log"), 0);
    assert_int_equal(sess_run(&s, "log of"), 0);
    if (!strstr(s.buf, "log words.log closed\n") || exists("of"))
        fail_msg("'log of' did not stop the log:\n%s", s.buf);
    /* with nothing logged, the keyword says so, as 'log off' does */
    assert_int_equal(sess_run(&s, "log OF"), -1);
    assert_non_null(strstr(s.buf, "not logging\n"));
    /* a file of that name is the file */
    FILE *f = fopen("of", "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(sess_run(&s, "log of"), 0);
    assert_non_null(strstr(s.buf, "logging the session to of ('log off' stops)\n"));
    assert_int_equal(sess_run(&s, "log off"), 0); /* in full: the keyword */
    assert_non_null(strstr(s.buf, "log of closed\n"));
    sess_close(&s);
    remove("of");
    remove("words.log");
}

/* "'log FILE' for another file closes the log first; for the log's own
 * file it keeps the log going": the same file again started a new log,
 * which at its close replaced the first one and every line it held. */
static void log__its_own_file_again_keeps_the_log(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    remove("same.log");
    assert_int_equal(sess_run(&s, "log same.log"), 0);
    assert_int_equal(sess_run(&s, "echo first"), 0);
    assert_int_equal(sess_run(&s, "log ./same.log"), 0); /* the same file by another name */
    assert_non_null(strstr(s.buf, "already logging the session to same.log\n"));
    assert_int_equal(sess_run(&s, "echo second"), 0);
    assert_int_equal(sess_run(&s, "log off"), 0);
    char *text = cs_slurp("same.log", NULL);
    if (!strstr(text, "first\n") || !strstr(text, "second\n") ||
        strstr(text, "logging the session to same.log ('log off' stops)\n") != text)
        fail_msg("the log lost lines:\n%s", text);
    free(text);
    sess_close(&s);
    remove("same.log");
}

static void timeline__an_existing_file_named_by_a_prefix_is_the_file(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    FILE *f = fopen("of", "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(sess_run(&s, "timeline on"), 0);
    /* the file 'of', which needs a control program to picture */
    assert_int_equal(sess_run(&s, "timeline of"), -1);
    assert_non_null(strstr(s.buf, "no control program (create a VM first)"));
    assert_int_equal(sess_run(&s, "timeline"), 0);
    if (strstr(s.buf, "discarded") || !strstr(s.buf, "timeline: recording, 0 events\n"))
        fail_msg("'timeline of' with a file 'of' stopped the recording:\n%s", s.buf);
    remove("of");
    /* with no such file, the prefix is the keyword */
    assert_int_equal(sess_run(&s, "timeline of"), 0);
    assert_non_null(strstr(s.buf, "timeline: off, 0 events discarded\n"));
    sess_close(&s);
}

static void monitor__a_lone_dash_is_a_file_as_in_the_other_commands(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("monitor", "-", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: monitor: -: No such file or directory (standard input is "
                               "/dev/stdin)\n");
    cs_outcome_free(&o);
    /* a file of that name is loaded (the binary's path is absolute: setup) */
    char img[CS_PATH], here[4096];
    cs_make_image(img, sizeof img, "-", 0, CS_WORDS(UINT64_C(0x0400000000000000)),
                  UINT64_C(0x8000000000080000));
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    o = cs_run_tgm("monitor", "-c", "echo ok", "-", NULL);
    assert_int_equal(chdir(here), 0);
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "bare: loaded -: 1 word at 0") || !strstr(o.out, "\nok\n"))
        fail_msg("tgm monitor -c 'echo ok' -: %s%s", o.out, o.err);
    cs_outcome_free(&o);
}

/* docs/monitor.md, `next`: "Breakpoints, watchpoints, trap stops, HALT,
 * ... stop it early; a stop says after how many steps and cycles of the
 * command, as 'go' does".  A breakpoint on an instruction next stepped
 * (not inside a call it ran through) was passed without a word. */
static void next__a_breakpoint_outside_a_call_stops_it(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/calls.s; break loop+1; next 10; next");
    assert_int_equal(o.status, 0);
    const char *stop = strstr(o.out, "breakpoint 1 at 0x4, hit 1 time\n"
                                     "stopped at 0x4 after 2 steps, 4 cycles: ");
    if (!stop || strstr(o.out, "call returned"))
        fail_msg("next 10 did not stop at the breakpoint:\n%s", o.out);
    /* as after go, the next command's first step passes it */
    assert_non_null(strstr(stop, "E[0x2c] := 0x5 (was 0)"));
    assert_null(strstr(stop + 1, "hit 2 times"));
    cs_outcome_free(&o);
    /* its command list goes on, as a run's does */
    o = cs_mon("load examples/calls.s; break loop+1 do \"echo listed; continue\"; next 4");
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "listed\n") || !strstr(o.out, "call returned after"))
        fail_msg("next 4 with a continuing command list:\n%s", o.out);
    cs_outcome_free(&o);
}

/* docs/monitor.md: "`examine .` shows the word P points at and `deposit .
 * 4` writes it".  In relocated code (l = 0x100) they took P as a physical
 * address: `examine .` showed E[1], the trap's new PSW, and `deposit . 5`
 * overwrote it.  An address written with '.' is developed through R, as
 * -v does, unless -p says physical. */
static void dot__is_the_word_p_points_at_under_relocation(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 256];
    cs_write_text(src, sizeof src, "rel.s",
                  "        .org 1\n"
                  "        .word psw(SUP, h, 0, 0x80000)\n"
                  "        .entry start\n"
                  "start:  LPSW up\n"
                  "h:      HALT\n"
                  "up:     .word psw(USER, 0, 0x100, 16)\n"
                  "        .org 0x100\n"
                  "        NOP\n"
                  "        NOP\n"
                  "        SVC 0\n");
    snprintf(cmds, sizeof cmds,
             "load %s; step 2; examine .; x/2i .; examine -p .; deposit . 5; examine 1; "
             "examine 0x101",
             src);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    static const char *const want[] = {
        "  0x00001              0200000000000000 (E[0x101])\n" /* examine . */
        "  0x00001              NOP\n"                         /* x/2i . */
        "  0x00002              SVC    0x0\n"
        "  0x00001              8000018000080000\n",           /* -p: E[1] */
        "  0x00001              8000018000080000\n"            /* E[1] kept */
        "  0x00101              0000000000000005\n",           /* deposit . */
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(o.out, want[i]))
            fail_msg("no \"%s\" in:\n%s%s", want[i], o.out, o.err);
    cs_outcome_free(&o);
    /* break, watch and until take '.' so too; one that does not develop
     * is refused */
    snprintf(cmds, sizeof cmds, "load %s; step 2; break .+1; watch .; until .+2; break list",
             src);
    o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "breakpoint 1 at 0x102\n") ||
        !strstr(o.out, "watchpoint 2 on 0x101..0x101\n") ||
        !strstr(o.out, "breakpoint 1 at 0x102, hit 1 time\n"))
        fail_msg("break .+1; watch .; until .+2:\n%s%s", o.out, o.err);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "load %s; step 2; break .+0x20", src);
    cs_mon_fails(cmds, "break: .+0x20 would take a memory trap (a >= b): an address written "
                       "with '.' is developed through R");
}

/* docs/monitor.md's `0x300 + tc_text`, typed with its spaces, is three
 * words: the command said only its usage.  It says which words make an
 * expression and how to give it as one. */
static void usage__names_an_expression_typed_with_spaces(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; break loop + 1",
                 "usage: break [ADDR [ignore N] [do \"CMDS\"] [if EXPR] | trap CAUSE... | class "
                 "CLASS... | list] ('loop + 1' is an expression: one word, as loop+1, or in "
                 "double quotes)");
    cs_mon_fails("load examples/sum.s; examine loop + 1",
                 "('loop + 1' is an expression: one word, as loop+1, or in double quotes)");
    cs_mon_fails("load examples/sum.s; deposit total + 1 5",
                 "('total + 1' is an expression: one word, as total+1, or in double quotes)");
    /* no hint where no such words are */
    cs_mon_fails_without("load examples/sum.s; examine loop 2 3", "usage: examine",
                         "expression");
    cs_mon_prints("load examples/sum.s; break \"loop + 1\"", "breakpoint 1 at 0x5");
    /* a call cut at its spaces: the word that opens it is named, whether
     * the command took too many words or evaluated the word */
    cs_mon_fails("deposit psw psw(user, 5, 0x10, 0x20)",
                 "usage: deposit [-p|-v|-r] ADDR VALUE... | deposit REG VALUE ('psw(user,' is "
                 "one word of the command: quote an expression that has spaces)");
    cs_mon_fails("deposit 5 psw(user, 5, 0x10, 0x20)",
                 "expression ends too soon ('psw(user,' is one word of the command: quote an "
                 "expression that has spaces)");
    cs_mon_prints("deposit psw \"psw(user, 5, 0x10, 0x20)\"; regs", "P=0x00005 l=0x00010");
}

static int setup(void **state)
{
    (void)state;
    /* the binary by its absolute path, so that a test may change directory */
    char *abs = realpath(cs_tgm_binary(), NULL);
    if (abs)
        setenv("TGM", abs, 1);
    free(abs);
    return cs_setup("audit_words");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log__a_prefix_of_off_naming_no_file_stops_the_log),
        cmocka_unit_test(log__its_own_file_again_keeps_the_log),
        cmocka_unit_test(timeline__an_existing_file_named_by_a_prefix_is_the_file),
        cmocka_unit_test(monitor__a_lone_dash_is_a_file_as_in_the_other_commands),
        cmocka_unit_test(next__a_breakpoint_outside_a_call_stops_it),
        cmocka_unit_test(dot__is_the_word_p_points_at_under_relocation),
        cmocka_unit_test(usage__names_an_expression_typed_with_spaces),
    };
    return cmocka_run_group_tests_name("audit_words", tests, setup, teardown);
}
