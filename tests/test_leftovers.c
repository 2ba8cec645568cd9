/* test_leftovers.c: small defects left over from the reviews of the
 * monitor and the command line: an error of 'deposit' naming only the
 * word past the end, 'tgm run --dump' calling a source an image, 'check
 * ... nest N' ignoring the session's hybrid setting and having no 'vmm'
 * as 'tgm check --nest N --vmm' has, 'until' on a label inside .phase
 * going unsaid, and the range 'set cp-memory' named.  Each
 * test fails on the tree before its fix.
 *
 * Runs from the top of the source tree: the real binary (cli_support) or
 * the monitor library.
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
#include "mon_support.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"

/* 'deposit 65534 1 2 3' said "address 65536 is out of range", an address
 * the user never typed, and left unsaid whether the first two values were
 * written.  It names the typed start and the value that does not fit, and
 * nothing is deposited. */
static void deposit__values_past_the_end_name_the_typed_start(void **state)
{
    (void)state;
    struct ms_io io;
    ms_io_open(&io);
    struct mon *m = mon_create(io.out, io.err);
    assert_non_null(m);
    assert_int_equal(mon_exec_line(m, "deposit 65533 7"), 0);
    assert_int_equal(mon_exec_line(m, "deposit 65534 1 2 3"), -1);
    fflush(io.err);
    assert_non_null(strstr(io.buf, "deposit: address 65534 (value 3 of 3, at 65536) is out of "
                                   "range (0..0xffff); nothing deposited\n"));
    assert_null(strchr(strchr(io.buf, '\n') + 1, '\n')); /* one line */
    uint64_t w[3];
    for (int k = 0; k < 3; k++)
        assert_int_equal(machine_read_phys(mon_machine(m), 65533 + (uint64_t)k, &w[k]), 0);
    assert_int_equal(w[0], 7);
    assert_int_equal(w[1], 0);
    assert_int_equal(w[2], 0);
    mon_destroy(m);
    ms_io_close(&io);
    /* the base as typed, as for one value */
    cs_mon_fails("deposit 0xfffe 1 2 3",
                 "address 0xfffe (value 3 of 3, at 0x10000) is out of range (0..0xffff)");
}

/* 'tgm run x.s --dump x.s' said "x.s is the image x.s itself" of a
 * source: a source is called one, an image still an image. */
static void run__a_dump_over_the_source_calls_it_the_source(void **state)
{
    (void)state;
    char src[CS_PATH], img[CS_PATH];
    cs_write_text(src, sizeof src, "x.s", "        .entry s\ns:      HALT\n");
    cs_make_image(img, sizeof img, "x.img", 0, CS_WORDS(0), 0);
    char want[2 * CS_PATH + 64];
    snprintf(want, sizeof want, "tgm: run: --dump: %s is the source %s itself; choose another "
             "file", src, src);
    cs_tgm_fails(2, want, "run", CS_ARGV(src, "--dump", src));
    snprintf(want, sizeof want, "tgm: run: --timeline: %s is the source %s itself", src, src);
    cs_tgm_fails(2, want, "run", CS_ARGV("--vmm", src, "--timeline", src));
    snprintf(want, sizeof want, "tgm: run: --dump: %s is the image %s itself", img, img);
    cs_tgm_fails(2, want, "run", CS_ARGV(img, "--dump", img));
    char *kept = cs_slurp(src, NULL);
    assert_string_equal(kept, "        .entry s\ns:      HALT\n");
    free(kept);
}

/* 'set hybrid on' then 'check FILE nest N' ran the check as if hybrid were
 * off, though 'check FILE nest N hybrid' is refused: the session's setting
 * is refused in the same words, with how to turn it off. */
static void check__nest_refuses_the_sessions_hybrid(void **state)
{
    (void)state;
    static const char why[] = "check: nest with hybrid: the machine-code control program is "
                              "no hybrid monitor: it runs its guest's supervisor code directly";
    cs_mon_fails("check examples/hello.s nest 1 hybrid", why);
    char want[256];
    snprintf(want, sizeof want, "%s (the session's hybrid is on: 'set hybrid off' turns it "
             "off)", why);
    cs_mon_fails("set hybrid on; check examples/hello.s nest 1", want);
    snprintf(want, sizeof want, "%s (the session's control program is hybrid: 'reset all', "
             "then 'set hybrid off')", why);
    cs_mon_fails("set hybrid on; vm create a 100; check examples/hello.s nest 1", want);
    cs_mon_prints("set hybrid on; set hybrid off; check examples/hello.s nest 1",
                  "check examples/hello.s: EQUIVALENT at depth 1");
}

/* The monitor's line for 'check FILE nest N' from the command line's for
 * 'tgm check --nest N' (CLI: "F: equivalent at depth N... (E, ...; T); real
 * steps ..."): "check F: EQUIVALENT at depth N..." and "  E, ...; T; real
 * steps ...", the same counts in the monitor's two lines. */
static void monitor_lines(const char *cli, char *head, char *body, size_t len)
{
    const char *eq = strstr(cli, ": equivalent at depth "), *paren = strstr(cli, " (E, PSW"),
               *close = strstr(cli, "); real steps ");
    if (!eq || !paren || !close || !strchr(close, '\n'))
        fail_msg("'tgm check --nest' printed \"%s\"", cli);
    snprintf(head, len, "check %.*s: EQUIVALENT%.*s", (int)(eq - cli), cli,
             (int)(paren - eq - 12), eq + 12);
    snprintf(body, len, "  %.*s%.*s", (int)(close - paren - 2), paren + 2,
             (int)(strchr(close, '\n') - close - 1), close + 1);
}

/* 'tgm check --nest N --vmm' (the C control program at the bottom of the
 * stack) had no counterpart in the monitor.  'check FILE nest N vmm'
 * makes the same runs and says the same verdicts and counts; 'vmm'
 * without 'nest' is refused as '--vmm' without '--nest' is. */
static void check__nest_vmm_is_tgm_check_nest_vmm(void **state)
{
    (void)state;
    static const char *const files[] = {"examples/hello.s", "examples/supervisor.s"};
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        struct cs_outcome c = cs_run_tgm("check", "--nest", "2", "--vmm", files[k], NULL);
        assert_int_equal(c.status, 0);
        char head[512], body[512], cmds[128];
        monitor_lines(c.out, head, body, sizeof head);
        assert_non_null(strstr(head, " on the C control program"));
        snprintf(cmds, sizeof cmds, "check %s nest 2 vmm", files[k]);
        struct cs_outcome o = cs_mon_ok(cmds);
        cs_assert_lines_in_order(o.out, (const char *const[]){head, body, NULL}, cmds);
        cs_outcome_free(&o);
        cs_outcome_free(&c);
    }
    /* a verdict of not equivalent: the same line, and the failure */
    struct cs_outcome c = cs_run_tgm("check", "--nest", "1", "--vmm", "--max-steps", "10",
                                     "examples/sum.s", NULL);
    assert_int_equal(c.status, 1);
    struct cs_outcome o = cs_mon("check examples/sum.s steps 10 nest 1 vmm");
    assert_int_equal(o.status, 1);
    char want[512];
    snprintf(want, sizeof want, "check %s", c.out);
    assert_string_equal(o.out, want);
    assert_non_null(strstr(o.err, "check: not equivalent at depth 1 on the C control program"));
    cs_outcome_free(&o);
    cs_outcome_free(&c);
    cs_tgm_fails(2, "check: --vmm goes with --nest", "check",
                 CS_ARGV("--vmm", "examples/hello.s"));
    cs_mon_fails("check examples/hello.s vmm",
                 "check: vmm goes with nest (the control program is always used)");
    cs_mon_fails("check examples/hello.s nest 1 vmm vmm", "check: 'vmm' given twice");
    /* Tab offers it with the other options */
    assert_true(ms_has_word(ms_compl("check a.s nest 1 ").words, "vmm"));
}

/* 'break uloop' on a label inside .phase says that its value is where its
 * code runs, not its word of E; 'until uloop' and 'go until uloop', a
 * one-shot breakpoint at the same word, said nothing, and the run went on
 * past the user loop to its step limit.  They give the same note, before
 * the run; an ordinary label, none. */
static void until__a_phased_label_gets_the_note_break_gives(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 128];
    cs_write_phased(path, sizeof path);
    static const char *const runs[] = {"until uloop", "go until uloop", "continue until uloop"};
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        snprintf(cmds, sizeof cmds, "set limit 50; load %s; %s; reset; until start", path,
                 runs[k]);
        struct cs_outcome o = cs_mon_ok(cmds);
        cs_assert_lines_in_order(o.out,
                                 (const char *const[]){CS_PHASED_NOTE,
                                                       "step limit (50) reached: u I=0 P=0x00000 "
                                                       "l=0x00010 b=0x00004",
                                                       NULL},
                                 runs[k]);
        /* one note: 'until start', an ordinary label, gives none */
        assert_null(strstr(strstr(o.out, "note:") + 1, "note:"));
        cs_outcome_free(&o);
    }
}

/* 'set cp-memory 1' said "out of range (2..524288)" though 2 to 8 were
 * refused too, in other words: the range named is the one taken. */
static void set__cp_memory_names_the_range_it_takes(void **state)
{
    (void)state;
    cs_mon_fails("set cp-memory 1", "set: 1 word is out of range (9..524288)");
    cs_mon_fails("set cp-memory 8", "set: 8 words is out of range (9..524288)");
    cs_mon_fails("set cp-memory 524289", "set: 524289 words is out of range (9..524288)");
    cs_mon_prints("set cp-memory 9; set", "\ncp-memory  9\n");
    cs_mon_prints("set cp-memory 524288; set", "\ncp-memory  524288\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_leftovers");
}

/* Does TEXT have a line that starts with PREFIX? */
static bool has_line_starting(const char *text, const char *prefix)
{
    for (const char *l = text; l; l = strchr(l, '\n'), l = l ? l + 1 : NULL)
        if (strncmp(l, prefix, strlen(prefix)) == 0)
            return true;
    return false;
}

/* A report line that names a file (a check verdict, alone and nested, and
 * a VM's header in 'tgm run --vmm') printed a newline in the name raw,
 * splitting the line; it is escaped as errors escape it (docs/run.md). */
static void report__a_control_character_in_a_name_is_escaped(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "r\nx.s", "        .entry s\ns:      HALT\n");
    char shown[CS_PATH + 8]; /* the path with its newline as \n */
    snprintf(shown, sizeof shown, "%.*sr\\nx.s", (int)(strlen(src) - 5), src);
    static const struct {
        const char *sub, *args[3], *line;
    } cases[] = {
        {"check", {NULL}, "%s: equivalent (alone); 1 instruction"},
        {"check", {"--nest", "1", NULL}, "%s: equivalent at depth 1 (E, PSW, R"},
        {"run", {"--vmm", NULL}, "== vm0: %s (65536 words at real 8)"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *argv[5] = {NULL};
        size_t n = 0;
        for (const char *const *a = cases[k].args; *a; a++)
            argv[n++] = *a;
        argv[n] = src;
        struct cs_outcome o = cs_run_tgm_argv(cases[k].sub, argv);
        assert_int_equal(o.status, 0);
        char want[2 * CS_PATH];
        snprintf(want, sizeof want, cases[k].line, shown);
        if (!has_line_starting(o.out, want))
            fail_msg("tgm %s: no line '%s' in:\n%s", cases[k].sub, want, o.out);
        cs_outcome_free(&o);
    }
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deposit__values_past_the_end_name_the_typed_start),
        cmocka_unit_test(run__a_dump_over_the_source_calls_it_the_source),
        cmocka_unit_test(check__nest_refuses_the_sessions_hybrid),
        cmocka_unit_test(check__nest_vmm_is_tgm_check_nest_vmm),
        cmocka_unit_test(until__a_phased_label_gets_the_note_break_gives),
        cmocka_unit_test(set__cp_memory_names_the_range_it_takes),
        cmocka_unit_test(report__a_control_character_in_a_name_is_escaped),
    };
    return cmocka_run_group_tests_name("leftovers", tests, group_setup, group_teardown);
}
