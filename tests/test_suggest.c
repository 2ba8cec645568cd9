/* test_suggest.c: "did you mean" for the names a user types: the CLI's
 * subcommands, the profiles of sections 3 and 8 (--profile and the
 * monitor's 'set profile') and the monitor's commands, as docs/run.md and
 * docs/monitor.md describe it.  One guess is named only when no other name
 * is as near, except among the few profiles, where every name that ties is
 * named; otherwise the line is the one it always was.
 *
 * Runs from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/machine.h"
#include "tgm/suggest.h"

static const char *guess(const char *word, const char *const *names)
{
    struct tgm_suggest s;
    tgm_suggest_init(&s, word, strlen(word));
    for (; *names; names++)
        tgm_suggest_offer(&s, *names);
    return tgm_suggest_unique(&s);
}

static void suggest__one_near_name_or_none(void **state)
{
    (void)state;
    static const char *const cmds[] = {"as", "dis", "run", "isa", "analyze", "check",
                                       "counterexample", "monitor", NULL};
    assert_string_equal(guess("chek", cmds), "check");    /* one edit */
    assert_string_equal(guess("anlayze", cmds), "analyze"); /* a swap is one edit */
    assert_string_equal(guess("counter", cmds), "counterexample"); /* begins it */
    assert_null(guess("frob", cmds));
    assert_null(guess("x", cmds)); /* never the whole word */
    static const char *const tie[] = {"reset", "set", "step", NULL};
    assert_null(guess("rset", tie)); /* two names one edit away: no guess */
    assert_string_equal(guess("rest", tie), "reset");
    assert_int_equal(tgm_edit_distance("STPE", 4, "step", 4), 1);
}

/* The profiles are few: a tie is named whole rather than dropped.  'pdp11'
 * is one edit from pdp10 and begins pdp11-45, and got no guess at all. */
static void suggest__a_profile_tie_names_every_near_profile(void **state)
{
    (void)state;
    static const struct {
        const char *word, *want;
        size_t n;
    } cases[] = {
        {"x87", "'x86'", 1},
        {"virtualizabel", "'virtualizable'", 1},
        {"pdp10x", "'pdp10'", 1},
        {"pdp11", "'pdp10' or 'pdp11-45'", 2},
        {"pdp1", "'pdp10' or 'pdp11-45'", 2},
        {"s360", "'s360-67' or 's360-67-lra-user'", 2},
        {"frob", "", 0},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char buf[128];
        size_t n = isa_profile_suggest(cases[k].word, buf, sizeof buf);
        if (n != cases[k].n || strcmp(buf, cases[k].want) != 0)
            fail_msg("'%s': %zu \"%s\", want %zu \"%s\"", cases[k].word, n, buf, cases[k].n,
                     cases[k].want);
    }
    /* a buffer too short is cut, not overrun, and the count stays */
    char small[8];
    assert_int_equal(isa_profile_suggest("pdp11", small, sizeof small), 2);
    assert_string_equal(small, "'pdp10'");
    /* three that tie: a, b or c (the suggester's own rule, as the profiles
     * use it) */
    static const char *const names[] = {"stab", "stag", "star", "stop", NULL};
    struct tgm_suggest s;
    tgm_suggest_init(&s, "sta", 3);
    for (const char *const *p = names; *p; p++)
        tgm_suggest_offer(&s, *p);
    assert_null(tgm_suggest_unique(&s));
    for (const char *const *p = names; *p; p++)
        assert_int_equal(tgm_suggest_nearest(&s, *p), strcmp(*p, "stop") != 0);
}

static void cli__unknown_command_names_the_one_near_command(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("chek", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: unknown command 'chek' (did you mean 'check'?)\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("frob", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: unknown command 'frob' (try 'tgm --help')\n");
    cs_outcome_free(&o);
    cs_tgm_fails(2, "tgm: help: unknown command 'rnu' (did you mean 'run'?)\n", "help",
                 CS_ARGV("rnu"));
}

static void cli__unknown_profile_names_the_one_near_profile(void **state)
{
    (void)state;
    cs_tgm_fails(2,
                 "tgm: isa: --profile: unknown profile 'x87' (known: virtualizable, pdp10, "
                 "s360-67, s360-67-lra-user, pdp11-45, x86) (did you mean 'x86'?)\n",
                 "isa", CS_ARGV("--profile", "x87"));
    cs_tgm_fails(2, "tgm: analyze: --profile: unknown profile 'virtualizabel' (known: ",
                 "analyze", CS_ARGV("--profile", "virtualizabel"));
    cs_tgm_fails(2, "(did you mean 'virtualizable'?)\n", "analyze",
                 CS_ARGV("--profile", "virtualizabel"));
    cs_tgm_fails(2, "pdp11-45, x86) (did you mean 'pdp10' or 'pdp11-45'?)\n", "isa",
                 CS_ARGV("--profile", "pdp1"));
    cs_tgm_fails(2,
                 "tgm: run: --profile: unknown profile 'pdp11' (known: virtualizable, pdp10, "
                 "s360-67, s360-67-lra-user, pdp11-45, x86) (did you mean 'pdp10' or "
                 "'pdp11-45'?)\n",
                 "run", CS_ARGV("--profile", "pdp11", "examples/hello.s"));
    cs_tgm_fails(2, "x86)\n", "isa", CS_ARGV("--profile", "frob")); /* none near */
}

/* analyze and counterexample take --profile all too: it is a known name
 * there, and a typo of it gets it as the guess; run and isa do not take it */
static void cli__analysis_profile_names_include_all(void **state)
{
    (void)state;
    cs_tgm_fails(2,
                 "tgm: analyze: --profile: unknown profile 'al' (known: virtualizable, pdp10, "
                 "s360-67, s360-67-lra-user, pdp11-45, x86, all) (did you mean 'all'?)\n",
                 "analyze", CS_ARGV("--profile", "al"));
    cs_tgm_fails(2, "pdp11-45, x86, all) (did you mean 'all'?)\n", "counterexample",
                 CS_ARGV("--profile", "alll"));
    cs_tgm_fails(2, "pdp11-45, x86, all) (did you mean 'x86'?)\n", "analyze",
                 CS_ARGV("--profile", "x87"));
    cs_tgm_fails(2, "pdp11-45, x86)\n", "run", CS_ARGV("--profile", "al", "examples/hello.s"));
}

static void monitor__unknown_names_get_one_guess_or_none(void **state)
{
    (void)state;
    cs_mon_fails("set profile x87", "set: unknown profile 'x87' (known: virtualizable pdp10 "
                                    "s360-67 s360-67-lra-user pdp11-45 x86) (did you mean 'x86'?)\n");
    cs_mon_fails("set profile pdp11", "set: unknown profile 'pdp11' (known: virtualizable pdp10 "
                                      "s360-67 s360-67-lra-user pdp11-45 x86) (did you mean "
                                      "'pdp10' or 'pdp11-45'?)\n");
    cs_mon_fails("check examples/hello.s profile s360",
                 "x86) (did you mean 's360-67' or 's360-67-lra-user'?)\n");
    cs_mon_fails("brak", "unknown command 'brak' (did you mean 'break'?)\n");
    cs_mon_fails("rset", "unknown command 'rset' (try 'help')\n"); /* reset or set */
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_suggest");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(suggest__one_near_name_or_none),
        cmocka_unit_test(suggest__a_profile_tie_names_every_near_profile),
        cmocka_unit_test(cli__unknown_command_names_the_one_near_command),
        cmocka_unit_test(cli__unknown_profile_names_the_one_near_profile),
        cmocka_unit_test(cli__analysis_profile_names_include_all),
        cmocka_unit_test(monitor__unknown_names_get_one_guess_or_none),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
