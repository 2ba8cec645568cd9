/* test_audit_mutrun55.c: cases that a mutation audit of the command
 * line's run paths (tgm run bare and under --vmm, the report, console
 * input, Ctrl-C, option parsing and dispatch) found no other suite
 * asserting.
 *
 * Each states a documented rule (docs/run.md) at the edge a mutant
 * moved: a step limit one short of the 2^24 steps the run loop takes at
 * a time, the JSON console's usual escapes for a tab and a return,
 * and a second IMAGE refused in the words for with and without --vms. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* A supervisor program whose traps go to a HALT; BODY runs from 'start'
 * and may use the word 'c', which holds 'A'. */
static const char *guest(const char *name, const char *body)
{
    static char path[4][CS_PATH];
    static int turn;
    char text[1024];
    snprintf(text, sizeof text,
             "        .org 0\n"
             "        .word 0\n"
             "        .word psw(SUP, f, 0, 0x80000)\n"
             "        .entry start\n"
             "start:\n%s"
             "f:      HALT\n"
             "c:      .word 65\n",
             body);
    char *p = path[turn++ % 4];
    cs_write_text(p, CS_PATH, name, text);
    return p;
}

/* docs/run.md: "--max-steps N  stop after N steps": exactly N, also for
 * an N one short of the 2^24 steps the run loop takes at a time (a
 * mutant that let the last chunk run whole stopped one step late). */
static void run__a_limit_one_short_of_a_chunk_stops_there(void **state)
{
    (void)state;
    const char *spin = guest("spin.s", "        JMP start\n");
    struct cs_outcome o = cs_run_tgm("run", "--max-steps", "16777215", spin, NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "\nsteps        16777215\n"));
    cs_outcome_free(&o);
}

/* docs/run.md, JSON: "printable ASCII as itself, `\"` `\\` newline, return
 * and tab escaped as usual, every other byte as `\\u00XX`": a tab and a
 * return are \t and \r, not \u0009 and \u000d (mutants that dropped
 * either case of the escape printed the \u00XX form). */
static void run__json_escapes_tab_and_return_as_usual(void **state)
{
    (void)state;
    const char *tr = guest("tabret.s",
                           "        COUT tab\n        COUT c\n        COUT ret\n"
                           "        COUT us\n        HALT\n"
                           "tab:    .word 9\n"
                           "ret:    .word 13\n"
                           "us:     .word 31\n");
    struct cs_outcome o = cs_run_tgm("run", "--json", tr, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_non_null(strstr(o.out, "\"console\":\"\\tA\\r\\u001f\",\"console_bytes\":4,"));
    cs_outcome_free(&o);
}

/* docs/run.md: "A second IMAGE without --vmm is refused naming it ...
 * (one IMAGE only; several need --vmm)"; "with --vms, which copies one
 * image, the parenthesis says (one IMAGE only with --vms)", status 2. */
static void run__a_second_image_is_refused_in_its_words(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "examples/hello.s", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: run: unexpected argument 'examples/sum.s' (one IMAGE only; "
                               "several need --vmm)\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--vms", "2", "examples/hello.s", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: run: unexpected argument 'examples/sum.s' (one IMAGE only "
                               "with --vms)\n");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutrun55");
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
        cmocka_unit_test(run__a_limit_one_short_of_a_chunk_stops_there),
        cmocka_unit_test(run__json_escapes_tab_and_return_as_usual),
        cmocka_unit_test(run__a_second_image_is_refused_in_its_words),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
