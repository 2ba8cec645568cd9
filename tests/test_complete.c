/* test_complete.c: the monitor's pure completion matcher.
 *
 * Which word the cursor is in and what may go there, read from the command
 * table; and the candidate filter (sorted, unique, longest common prefix).
 * The monitor's commands reach sections 2-6; here only their names matter.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mon_support.h"

static void context__first_word_completes_commands(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("st");
    assert_int_equal(c.pos, 0);
    assert_int_equal(c.start, 0);
    assert_string_equal(c.kinds, "C");
    c = ms_compl("");
    assert_int_equal(c.pos, 0);
    assert_string_equal(c.kinds, "C");
}

/* 'check FILE ...' offers its options, 'nest' among them (as 'tgm check
 * --nest'), after the file. */
static void context__check_offers_its_options_nest_too(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("check a.s ");
    assert_true(ms_has_word(c.words, "nest"));
    assert_true(ms_has_word(c.words, "with"));
    assert_true(ms_has_word(c.words, "mem"));
}

/* examine takes ADDR and COUNT after its flags (docs/monitor.md: past a
 * command's last argument Tab offers nothing): the flags, counted in
 * max_args, let 'examine loop 3 <Tab>' offer them and the labels, and
 * flags were offered after ADDR, where they would be read as a COUNT. */
static void context__examine_nothing_past_addr_and_count(void **state)
{
    (void)state;
    static const char *const none[] = {
        "examine loop 3 ", "x loop 3 ",    "examine -p -i loop 3 ", "x/3i loop ",
        "x /3i loop ",     "x/4 0 ",       "examine -d loop ..5 ",  "e -v 0 4 ",
    };
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        struct mon_compl c = ms_compl(none[i]);
        if (c.kinds[0] || c.words[0])
            fail_msg("'%s': offers kinds '%s' words '%s', want nothing", none[i], c.kinds,
                     c.words);
    }
    /* after ADDR: a COUNT, an expression, but no flag */
    struct mon_compl c = ms_compl("examine loop ");
    assert_non_null(strchr(c.kinds, 's'));
    assert_false(ms_has_word(c.words, "-i"));
    c = ms_compl("deposit total ");
    assert_non_null(strchr(c.kinds, 's'));
    assert_false(ms_has_word(c.words, "-p"));
    /* flags still go before ADDR, and after a format word */
    assert_true(ms_has_word(ms_compl("examine -p ").words, "-i"));
    assert_true(ms_has_word(ms_compl("x/3i ").words, "-p"));
    assert_true(ms_has_word(ms_compl("x /3i ").words, "-p"));
    assert_non_null(strchr(ms_compl("x /i loop ").kinds, 's'));
}

static void context__subcommands_then_their_arguments(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("vm ");
    assert_int_equal(c.pos, 1);
    assert_int_equal(c.start, 3);
    assert_true(ms_has_word(c.words, "create"));
    assert_true(ms_has_word(c.words, "select"));
    assert_true(ms_has_word(c.words, "destroy"));
    assert_string_equal(c.kinds, "");
    c = ms_compl("vm select g");
    assert_int_equal(c.pos, 2);
    assert_int_equal(c.start, 10);
    assert_string_equal(c.kinds, "V");
    c = ms_compl("vm load g1 ex");
    assert_string_equal(c.kinds, "f");
    c = ms_compl("vm sel g"); /* a subcommand may be abbreviated */
    assert_string_equal(c.kinds, "V");
}

static void context__files_symbols_and_fixed_words(void **state)
{
    (void)state;
    assert_string_equal(ms_compl("load ex").kinds, "f");
    struct mon_compl c = ms_compl("break ");
    assert_true(ms_has_word(c.words, "trap"));
    assert_true(ms_has_word(c.words, "list"));
    assert_non_null(strchr(c.kinds, 's'));
    assert_string_equal(ms_compl("break trap me").kinds, "c");
    assert_string_equal(ms_compl("break class ").kinds, "k");
    c = ms_compl("set on-error c");
    assert_true(ms_has_word(c.words, "continue"));
    assert_true(ms_has_word(c.words, "finish"));
    assert_string_equal(ms_compl("set profile ").kinds, "p");
    assert_string_equal(ms_compl("help ").kinds, "C");
}

static void context__abbreviations_and_later_commands(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("e lo"); /* e is examine */
    assert_int_equal(c.start, 2);
    assert_non_null(strchr(c.kinds, 's'));
    c = ms_compl("echo hi; vm s");
    assert_int_equal(c.pos, 1);
    assert_true(ms_has_word(c.words, "stats"));
    c = ms_compl("go until loop ");   /* the last kinds element repeats */
    assert_non_null(strchr(c.kinds, 's'));
    assert_true(ms_has_word(c.words, "until"));
}

static void context__unknown_command_has_nothing(void **state)
{
    (void)state;
    struct mon_compl c;
    assert_int_equal(mon_complete_context("frobnicate x", 12, &c), -1);
    assert_int_equal(mon_complete_context("quit ", 5, &c), 0);
    assert_string_equal(c.kinds, "");
    assert_string_equal(c.words, "");
}

static void context__cursor_inside_the_line(void **state)
{
    (void)state;
    struct mon_compl c;
    /* only the text before the cursor counts */
    assert_int_equal(mon_complete_context("vm select g1", 4, &c), 0);
    assert_int_equal(c.pos, 1);
    assert_int_equal(c.start, 3);
}

/* In quotes \" is a quote character, as mon_split reads it: the ';' after
 * it is still quoted, so no new command starts there. */
static void context__an_escaped_quote_does_not_end_the_quotes(void **state)
{
    (void)state;
    struct mon_compl c;
    const char *line = "break loop do \"echo \\\"; s";
    assert_int_equal(mon_complete_context(line, strlen(line), &c), 0);
    assert_int_not_equal(c.pos, 0);
    line = "break loop do \"echo \\\\\"; s"; /* \\ then the closing quote */
    assert_int_equal(mon_complete_context(line, strlen(line), &c), 0);
    assert_int_equal(c.pos, 0);
}


/* Tab offered labels where an expression goes but not the word functions
 * of docs/monitor.md (psw(, pswi(, rb(): every command that reads an
 * expression there offers both (kind e with s); 'symbols PREFIX' takes a
 * prefix of a label, not an expression, and 'load' a file. */
static void context__expressions_offer_the_word_functions(void **state)
{
    (void)state;
    static const char *const exprs[] = {
        "print ",          "print/x ps",      "examine lo",      "x/3i lo",
        "assert ",         "break loop if ",  "break ",          "deposit ",
        "deposit acc ",    "go until ",       "go ",             "continue until ",
        "until ",          "translate ",      "display ",        "watch acc if ",
        "assemble ",       "p ",
    };
    for (size_t i = 0; i < sizeof exprs / sizeof exprs[0]; i++) {
        struct mon_compl c = ms_compl(exprs[i]);
        if (!strchr(c.kinds, 'e') || !strchr(c.kinds, 's'))
            fail_msg("'%s': kinds '%s', want labels (s) and functions (e)", exprs[i], c.kinds);
    }
    assert_string_equal(ms_compl("symbols ").kinds, "s");
    assert_string_equal(ms_compl("load ").kinds, "f");
    assert_null(strchr(ms_compl("set ring ").kinds, 'e'));
}

/* A name inside an expression starts after the operator, parenthesis or
 * comma before it, so 'print psw(1,sp<Tab>' completes "sp"; a keyword
 * does not go there, and a '-' that begins the word is still an option. */
static void context__a_name_inside_an_expression(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        size_t start;
    } at[] = {
        {"print psw(1,sp", 12}, {"print E[lo", 8},   {"assert 1+lo", 9},
        {"print rb(", 9},       {"print (lo", 7},    {"x/2w V[lo]+l", 11},
        {"print lo", 6},        {"examine -p", 8},   {"print a-b", 8},
    };
    for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
        struct mon_compl c = ms_compl(at[i].line);
        if (c.start != at[i].start)
            fail_msg("'%s': the name starts at %zu, want %zu", at[i].line, c.start,
                     at[i].start);
    }
    assert_string_equal(ms_compl("go (un").words, "");
    assert_true(ms_has_word(ms_compl("go un").words, "until"));
    assert_true(ms_has_word(ms_compl("examine -p").words, "-p"));
    assert_int_equal(ms_compl("load dir/a-b").start, 5); /* a file name is one word */
}

/* Nothing is offered where the syntax takes text or a number: a VM name
 * was offered again after 'vm input NAME', 'step' after 'stack step', and
 * files and options after 'check FILE mem'; nor past a command's last
 * argument ('reset all', 'info vms'). */
static void context__nothing_where_text_or_a_number_goes(void **state)
{
    (void)state;
    static const char *const none[] = {
        "vm input a ",         "vm limit a ",        "vm console a ",   "vm select a ",
        "vm stop a ",          "vm load a b.s ",     "vm create g 4096 a.s ",
        "stack step ",         "check a.s mem ",     "check a.s steps ",
        "check a.s slice ",    "check a.s nest ",    "check a.s input ",
        "go for ",             "go 4 cycles ",       "continue for ",   "break loop ignore ",
        "break loop do ",      "watch acc ignore ",  "reset all ",      "info vms ",
        "show slice ",         "load a.s ",          "save a.snap nobreaks ",
        "console input ",      "set profile paper ", "timeline on ",    "delete 1 ",
        "display delete 2 ",   "help vm ",           "watch list ",     "break list ",
    };
    /* 'list' ends a watch, a kind does not */
    assert_true(ms_has_word(ms_compl("watch ").words, "list"));
    assert_true(ms_has_word(ms_compl("watch ").words, "read"));
    assert_non_null(strchr(ms_compl("watch read ").kinds, 's'));
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        struct mon_compl c = ms_compl(none[i]);
        if (c.kinds[0] || c.words[0])
            fail_msg("'%s': offers kinds '%s' words '%s', want nothing", none[i], c.kinds,
                     c.words);
    }
    /* after the number the options come back */
    struct mon_compl c = ms_compl("check a.s mem 4096 ");
    assert_true(ms_has_word(c.words, "steps"));
    assert_non_null(strchr(c.kinds, 'f'));
    c = ms_compl("go for 5 ");
    assert_true(ms_has_word(c.words, "until"));
    /* a keyword's value is not taken for a keyword: 'p' after 'profile' */
    c = ms_compl("check a.s profile p ");
    assert_true(ms_has_word(c.words, "mem"));
    assert_null(strchr(c.kinds, 'p'));
    /* 'until' and 'if' take an expression; 'save FILE' a file only */
    c = ms_compl("go until ");
    assert_non_null(strchr(c.kinds, 'e'));
    assert_non_null(strchr(ms_compl("watch acc if ").kinds, 's'));
    c = ms_compl("save ");
    assert_string_equal(c.kinds, "f");
    assert_string_equal(c.words, "");
    assert_true(ms_has_word(ms_compl("save a.snap ").words, "nobreaks"));
}

/* Subcommands and keywords are taken in any case and abbreviated, so they
 * are read so before the word they take: 'break TRAP me' completes a
 * cause, 'check a.s PROF ' a profile. */
static void context__keywords_in_any_case_and_abbreviated(void **state)
{
    (void)state;
    assert_string_equal(ms_compl("break TRAP me").kinds, "c");
    assert_string_equal(ms_compl("break Class ").kinds, "k");
    assert_string_equal(ms_compl("vm SELECT g").kinds, "V");
    assert_string_equal(ms_compl("set PROFILE ").kinds, "p");
    assert_string_equal(ms_compl("check a.s PROF ").kinds, "p");
    assert_string_equal(ms_compl("check a.s prof ").kinds, "p");
    assert_true(ms_has_word(ms_compl("trace TO ").words, "screen"));
    struct mon_compl c = ms_compl("go FOR ");
    assert_string_equal(c.kinds, "");
    assert_string_equal(c.words, "");
}

static void match__filters_sorts_and_dedupes(void **state)
{
    (void)state;
    const char *cands[] = {"step", "stop", "set", "step", "symbols", NULL};
    const char *out[8];
    size_t common;
    size_t n = mon_complete_match("st", cands, 6, out, 8, &common);
    assert_int_equal(n, 2);
    assert_string_equal(out[0], "step");
    assert_string_equal(out[1], "stop");
    assert_int_equal(common, 2);
    n = mon_complete_match("ste", cands, 6, out, 8, &common);
    assert_int_equal(n, 1);
    assert_int_equal(common, 4);
}

static void match__common_prefix_and_no_match(void **state)
{
    (void)state;
    const char *cands[] = {"loop", "loop_end", "looped"};
    const char *out[4];
    size_t common;
    assert_int_equal(mon_complete_match("l", cands, 3, out, 4, &common), 3);
    assert_int_equal(common, 4);
    assert_int_equal(mon_complete_match("x", cands, 3, out, 4, &common), 0);
    assert_int_equal(common, 1);
    assert_int_equal(mon_complete_match("", cands, 3, out, 2, &common), 2);
}

/* Command names are taken in any case ('LOAD'), but Tab completed 'LO'
 * to nothing: they match in any case, and what Tab adds is in the typed
 * prefix's case when that is capitals.  Labels and files keep theirs. */
static void match__command_names_in_any_case(void **state)
{
    (void)state;
    const char *cands[] = {"load", "list", "step", "stop"};
    const char *out[4];
    size_t common;
    char tail[16];
    assert_int_equal(mon_complete_match_some("LO", cands, 4, 4, out, 4, &common, NULL), 1);
    assert_string_equal(out[0], "load");
    mon_complete_tail("LO", out[0], strlen(out[0]), true, tail, sizeof tail);
    assert_string_equal(tail, "AD");
    assert_int_equal(mon_complete_match_some("Lo", cands, 4, 4, out, 4, &common, NULL), 1);
    mon_complete_tail("Lo", out[0], strlen(out[0]), true, tail, sizeof tail);
    assert_string_equal(tail, "ad");
    mon_complete_tail("lo", out[0], strlen(out[0]), true, tail, sizeof tail);
    assert_string_equal(tail, "ad");
    /* several: their common prefix, compared in any case */
    assert_int_equal(mon_complete_match_some("ST", cands, 4, 4, out, 4, &common, NULL), 2);
    assert_int_equal(common, 2);
    assert_int_equal(mon_complete_match_some("S", cands, 4, 4, out, 4, &common, NULL), 2);
    mon_complete_tail("S", out[0], common, true, tail, sizeof tail);
    assert_string_equal(tail, "T");
    /* exact case otherwise: a label 'Loop' is not 'loop' */
    assert_int_equal(mon_complete_match("LO", cands, 4, out, 4, &common), 0);
}

/* Keywords are taken in any case, so Tab completes them in any case
 * ('set on-error CON' gives CONTINUE), as it does command names; a label
 * keeps its case: 'LO' completed the label 'LOop' to 'LOOP', which names
 * nothing. */
static void match__keywords_in_any_case_labels_in_theirs(void **state)
{
    (void)state;
    const char *cands[] = {"continue", "cycles", "LOop", "loop"}; /* two keywords first */
    const char *out[4];
    size_t common;
    bool caps;
    char tail[16];
    assert_int_equal(mon_complete_match_some("C", cands, 4, 2, out, 4, &common, &caps), 2);
    assert_true(caps);
    assert_int_equal(mon_complete_match_some("CON", cands, 4, 2, out, 4, &common, &caps), 1);
    mon_complete_tail("CON", out[0], strlen(out[0]), caps, tail, sizeof tail);
    assert_string_equal(tail, "TINUE");
    assert_int_equal(mon_complete_match_some("LO", cands, 4, 2, out, 4, &common, &caps), 1);
    assert_string_equal(out[0], "LOop");
    assert_false(caps);
    mon_complete_tail("LO", out[0], strlen(out[0]), caps, tail, sizeof tail);
    assert_string_equal(tail, "op");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(context__first_word_completes_commands),
        cmocka_unit_test(context__examine_nothing_past_addr_and_count),
        cmocka_unit_test(context__subcommands_then_their_arguments),
        cmocka_unit_test(context__check_offers_its_options_nest_too),
        cmocka_unit_test(context__files_symbols_and_fixed_words),
        cmocka_unit_test(context__abbreviations_and_later_commands),
        cmocka_unit_test(context__unknown_command_has_nothing),
        cmocka_unit_test(context__cursor_inside_the_line),
        cmocka_unit_test(context__an_escaped_quote_does_not_end_the_quotes),
        cmocka_unit_test(context__expressions_offer_the_word_functions),
        cmocka_unit_test(context__a_name_inside_an_expression),
        cmocka_unit_test(context__nothing_where_text_or_a_number_goes),
        cmocka_unit_test(context__keywords_in_any_case_and_abbreviated),
        cmocka_unit_test(match__filters_sorts_and_dedupes),
        cmocka_unit_test(match__common_prefix_and_no_match),
        cmocka_unit_test(match__command_names_in_any_case),
        cmocka_unit_test(match__keywords_in_any_case_labels_in_theirs),
    };
    return cmocka_run_group_tests_name("complete", tests, NULL, NULL);
}
