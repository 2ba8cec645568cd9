/* test_quote_cut.c: a monitor error quotes at most 80 bytes of what was
 * typed, then "...", and a file's name whole up to 4096 bytes
 * (docs/monitor.md, "Commands, words and abbreviations").
 *
 * An expression's error cut its quote so, but the other errors that
 * quote a word quoted it whole: a word of 5,000 bytes made an error line
 * of 5,000 bytes ('do' and 'restore' cut a file's name at their buffer's
 * 512 bytes instead, the quote left open and the reason lost).  Each case types such a word where the error quotes
 * it and checks that the line is short and that the quote holds the
 * word's first 80 bytes, then "...", and no more of it; the edges are a
 * word of exactly 80 bytes (whole) and of 81 (cut), and for file names
 * 4096 and 4097.
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

#define CUT 80         /* ASM_QUOTE_MAX */
#define PATH_CUT 4096  /* ASM_PATH_QUOTE_MAX */
#define LONG 5000      /* the word typed */
#define SHORT_LINE 500 /* an error line with a cut word or four is shorter */

/* N bytes of letters, all of them not the same, so that where a quote
 * starts and stops in the word shows. */
static char *letters(size_t n)
{
    char *w = malloc(n + 1);
    assert_non_null(w);
    for (size_t i = 0; i < n; i++)
        w[i] = (char)('a' + i % 26);
    w[n] = '\0';
    return w;
}

/* FMT with every '@' replaced by REP (a copy, to free). */
static char *expand(const char *fmt, const char *rep)
{
    size_t at = 0, n = strlen(fmt) + 1, rl = strlen(rep);
    for (const char *p = fmt; *p; p++)
        if (*p == '@')
            n += rl;
    char *s = malloc(n);
    assert_non_null(s);
    for (const char *p = fmt; *p; p++) {
        if (*p == '@') {
            memcpy(s + at, rep, rl);
            at += rl;
        } else {
            s[at++] = *p;
        }
    }
    s[at] = '\0';
    return s;
}

/* TOK as a quote shows it: its first MAX bytes, then "..." if it had more
 * (a copy, to free). */
static char *cut(const char *tok, size_t max)
{
    size_t n = strlen(tok);
    char *s = malloc(max + 4);
    assert_non_null(s);
    snprintf(s, max + 4, "%.*s%s", (int)(n > max ? max : n), tok, n > max ? "..." : "");
    return s;
}

/* Do CMDS fail with status 1 and one line on stderr, shorter than MOST
 * bytes, holding WANT?  If not, say so (the start of the line only). */
static bool fails_short(const char *cmds, const char *want, size_t most)
{
    struct cs_outcome o = cs_mon(cmds);
    size_t n = strlen(o.err);
    const char *nl = strchr(o.err, '\n');
    bool ok = o.status == 1 && n && nl == o.err + n - 1 && n <= most && strstr(o.err, want);
    if (!ok)
        print_error("'%.100s': status %d (want 1), stderr of %zu bytes (want one line of at "
                    "most %zu holding '%.300s'): '%.300s'\n",
                    cmds, o.status, n, most, want, o.err);
    cs_outcome_free(&o);
    return ok;
}

/* Where the word is typed (CMD, '@' the token) and what the error says
 * around its quote (WANT, '@' the token cut), the token being the word
 * with PRE before it and POST after it. */
struct quote_case {
    const char *cmd, *want, *pre, *post;
};

/* Each case of CASES (N of them) with a word of LEN bytes, its quote
 * cut at MAX, the line at most MOST bytes: every case is tried, and the
 * test fails after them if one did. */
static void run_cases(const struct quote_case *cases, size_t n, size_t len, size_t max,
                      size_t most)
{
    char *w = letters(len);
    size_t bad = 0;
    for (size_t i = 0; i < n; i++) {
        const struct quote_case *c = &cases[i];
        size_t pl = strlen(c->pre), ql = strlen(c->post);
        char *tok = malloc(pl + len + ql + 1);
        assert_non_null(tok);
        memcpy(tok, c->pre, pl);
        memcpy(tok + pl, w, len);
        memcpy(tok + pl + len, c->post, ql + 1);
        char *cmd = expand(c->cmd, tok), *shown = cut(tok, max), *want = expand(c->want, shown);
        bad += !fails_short(cmd, want, most);
        free(cmd);
        free(shown);
        free(want);
        free(tok);
    }
    free(w);
    if (bad)
        fail_msg("%zu of %zu cases failed", bad, n);
}

#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* ---- the words of the monitor's language ------------------------------- */

/* A command, 'help''s command, a setting, a topic, a subcommand, a word
 * of 'trace' and 'check': the word was quoted whole after "unknown". */
static void unknown__a_long_word_is_cut(void **state)
{
    (void)state;
    static const struct quote_case cases[] = {
        {"@", "unknown command '@' (try 'help')\n", "", ""},
        {"help @", "help: unknown command '@' (try 'help')\n", "", ""},
        {"set @ 1", "set: unknown setting '@' (one of: ", "", ""},
        {"show @", "show: unknown setting '@' (one of: ", "", ""},
        {"info @", "info: unknown topic '@' (one of: ", "", ""},
        {"vm @", "vm: unknown subcommand '@' (one of: ", "", ""},
        {"trace @", "trace: unknown word '@' (usage: ", "", ""},
        {"check examples/hello.s @", "check: unknown option '@' (usage: ", "", ""},
        {"set profile @", "set: unknown profile '@' (known: ", "", ""},
        {"set cp-profile @", "set: unknown profile '@' (known: ", "", ""},
        {"break trap @", "break: unknown trap cause '@' (one of: ", "", ""},
        {"break class @", "break: unknown class '@' (one of: ", "", ""},
    };
    run_cases(cases, NCASES(cases), LONG, CUT, SHORT_LINE);
}

/* gdb's /FMT after x, print and display, and with no command before it. */
static void format__a_long_format_is_cut(void **state)
{
    (void)state;
    static const struct quote_case cases[] = {
        {"x/@ 0", "examine: unknown format '/@' (letters: ", "", ""},
        {"print/@ 1", "print: unknown format '/@' (letters: ", "", ""},
        {"display/@ 1", "display: unknown format '/@' (letters: ", "", ""},
        {"x/@ 0", "examine: bad count in '/@'\n", "-1", ""},
        {"print/@ 1", "print: '/@': a count is for examine (x/@); this shows one value\n", "4",
         ""},
        {"/@", "no command before '/@' (gdb's forms are x/NF ADDR and p/F EXPR)\n", "", ""},
    };
    run_cases(cases, NCASES(cases), LONG, CUT, SHORT_LINE);
}

/* A VM's name: one 'vm create' cannot take, one no VM has, and a file
 * where the words or the VM go. */
static void vm__a_long_name_is_cut(void **state)
{
    (void)state;
    static const struct quote_case cases[] = {
        {"vm create @ 4096", "vm: bad VM name '@' (a letter or _, ", "", ""},
        {"vm create a 4096 examples/hello.s; vm select @", "vm: no VM named '@' (see 'vm list')\n",
         "", ""},
        {"vm create a @", "vm: '@' is not a number of words: the order is 'vm create NAME WORDS "
                          "[FILE]'\n",
         "", ".s"},
        {"vm create a 4096 examples/hello.s; vm load @ a",
         "vm: '@' is not a VM: the order is 'vm load NAME FILE'\n", "", ""},
        {"nest @ 2", "nest: '@' is not a number of levels: the order is 'nest N FILE [mem W]'\n",
         "", ".s"},
    };
    run_cases(cases, NCASES(cases), LONG, CUT, SHORT_LINE);
}

/* Breakpoints and displays: a number that names none, words after do's
 * commands, a resumed run's option. */
static void break__a_long_word_is_cut(void **state)
{
    (void)state;
    static const struct quote_case cases[] = {
        {"delete @", "delete: no breakpoint @ (see 'break list')\n", "", ""},
        {"ignore @ 1", "ignore: no breakpoint @ (see 'break list')\n", "", ""},
        {"display 1; display delete @", "display: no display @ (see 'display')\n", "", ""},
        {"break 0 do a @", "break: '@' after do's commands: give them in double quotes", "", ""},
        {"load examples/sum.s; break loop do \"continue @\"; go",
         "continue: '@' does not apply in a breakpoint's commands", "", ""},
    };
    run_cases(cases, NCASES(cases), LONG, CUT, SHORT_LINE);
}

/* An address SIMH's way, and words an expression was typed in. */
static void words__a_long_word_is_cut(void **state)
{
    (void)state;
    static const struct quote_case cases[] = {
        {"examine @", "examine: '@' is not an address (a range is written @..1)\n", "", ":1"},
        {"regs @", "regs: usage: regs ('@' is one word of the command: quote an expression that "
                   "has spaces)\n",
         "psw(", ","},
        {"deposit 5 @ 5, 0, 9", "('@' is one word of the command: quote an expression that has "
                                "spaces)\n",
         "psw(", ","},
        {"regs @ + @", "regs: usage: regs ('@ + @' is an expression: one word, as @+@, or in "
                       "double quotes)\n",
         "", ""},
    };
    run_cases(cases, NCASES(cases), LONG, CUT, SHORT_LINE);
}

/* E: N bytes of 1+1+...+1, an expression as long as one likes. */
static void ones(char *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        e[i] = i % 2 ? '+' : '1';
    e[n - 1] = '1';
    e[n] = '\0';
}

/* 'watch ADDR KIND': the address, an expression, was quoted whole in the
 * order to type. */
static void watch__a_long_address_is_cut(void **state)
{
    (void)state;
    char e[LONG + 1], cmd[LONG + 16], want[200];
    ones(e, LONG - 1); /* 2500, an address */
    snprintf(cmd, sizeof cmd, "watch %s read", e);
    snprintf(want, sizeof want, "watch: the kind goes before the address: 'watch read %.*s...'\n",
             CUT, e);
    assert_true(fails_short(cmd, want, SHORT_LINE));
}

/* A breakpoint's condition (up to 1023 bytes) that cannot be evaluated
 * at a hit was quoted whole. */
static void break__a_long_condition_is_cut(void **state)
{
    (void)state;
    char e[1001], cond[1100], cmd[1200], want[200];
    ones(e, 999);
    snprintf(cond, sizeof cond, "E[0x7fffffff]+%s", e);
    snprintf(cmd, sizeof cmd, "load examples/sum.s; break loop if %s == 0; go", cond);
    snprintf(want, sizeof want, "go: breakpoint 1: condition '%.*s...' cannot be evaluated: ",
             CUT, cond);
    assert_true(fails_short(cmd, want, SHORT_LINE));
}

/* ---- the edges --------------------------------------------------------- */

/* 80 bytes are quoted whole, 81 cut to 80 and "...", and a UTF-8
 * character is not cut in two: 79 bytes and a two-byte one are cut
 * before it. */
static void edge__80_bytes_whole_81_cut(void **state)
{
    (void)state;
    char *w = letters(CUT + 1), want[200];
    w[CUT] = '\0';
    snprintf(want, sizeof want, "unknown command '%s' (try 'help')\n", w);
    bool whole = fails_short(w, want, 200);
    w[CUT] = 'z';
    snprintf(want, sizeof want, "unknown command '%.*s...' (try 'help')\n", CUT, w);
    bool cut81 = fails_short(w, want, 200);
    free(w);
    char u[CUT + 2];
    memset(u, 'y', CUT - 1);
    memcpy(u + CUT - 1, "\xc3\xa9", 3); /* e acute, and the NUL */
    snprintf(want, sizeof want, "unknown command '%.*s...' (try 'help')\n", CUT - 1, u);
    bool utf8 = fails_short(u, want, 200);
    assert_true(whole && cut81 && utf8);
}

/* ---- file names --------------------------------------------------------- */

/* A file that cannot be opened, named by N bytes, in each command that
 * reads one: quoted whole up to 4096 bytes, then cut there with "...". */
static void file_cases(size_t n)
{
    static const struct quote_case cases[] = {
        {"load @", "load: cannot open '@': ", "", ""},
        {"check @", "check: cannot open '@': ", "", ""},
        {"vm create b 4096 @", "vm: cannot open '@': ", "", ""},
        {"vm create a 4096 examples/hello.s; vm load a @", "vm: cannot open '@': ", "", ""},
        {"nest 1 @", "nest: cannot open '@': ", "", ""},
        {"do @", "do: cannot open script '@': ", "", ""},
        {"restore @", "restore: cannot open '@': ", "", ""},
        {"trace to @ screen", "trace: 'to @' and 'screen' both given: give one\n", "", ""},
    };
    run_cases(cases, NCASES(cases), n, PATH_CUT, PATH_CUT + 300);
}

/* A name of 5,000 bytes is cut at 4096. */
static void file__a_long_name_is_cut_at_4096(void **state)
{
    (void)state;
    file_cases(LONG);
}

/* A real path is never cut: 200 bytes and 4096 are quoted whole, 4097
 * cut; 80 is no limit for a name. */
static void file__4096_bytes_whole_4097_cut(void **state)
{
    (void)state;
    file_cases(200);
    file_cases(PATH_CUT);
    file_cases(PATH_CUT + 1);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_quote_cut");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unknown__a_long_word_is_cut),
        cmocka_unit_test(format__a_long_format_is_cut),
        cmocka_unit_test(vm__a_long_name_is_cut),
        cmocka_unit_test(break__a_long_word_is_cut),
        cmocka_unit_test(words__a_long_word_is_cut),
        cmocka_unit_test(watch__a_long_address_is_cut),
        cmocka_unit_test(break__a_long_condition_is_cut),
        cmocka_unit_test(edge__80_bytes_whole_81_cut),
        cmocka_unit_test(file__a_long_name_is_cut_at_4096),
        cmocka_unit_test(file__4096_bytes_whole_4097_cut),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
