/* test_doc_contract_e.c: what a user reads outside docs/ (each command's
 * --help, the manual pages and the completions generated from it, the
 * monitor's Tab completion) says what tgm does.  A test of a fix fails on
 * the tree before it; the timeline's pins what its help now says.
 *
 * Runs the real binary (cli_support) from the top of the source tree; the
 * completion cases call the monitor's pure matcher (complete.h).
 */
#include <ctype.h>
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
#include "monitor/mon_impl.h"

#define MAX_CMDS 16

/* The subcommands 'tgm --help' lists, one a line under "commands:", into
 * NAMES; returns how many.  Each line must set its name apart from its
 * summary by two spaces: mkman.sh and completion.sh read the columns. */
static size_t subcommands(char (*names)[32])
{
    struct cs_outcome o = cs_run_tgm("--help", NULL);
    assert_int_equal(o.status, 0);
    const char *p = strstr(o.out, "\ncommands:\n");
    assert_non_null(p);
    size_t n = 0;
    for (p += strlen("\ncommands:\n"); *p == ' '; p = strchr(p, '\n') + 1) {
        size_t len = strcspn(p + 2, " \n");
        if (strncmp(p + 2 + len, "  ", 2) != 0)
            fail_msg("tgm --help: '%.*s' is not set apart from its summary by two spaces",
                     (int)strcspn(p, "\n"), p);
        assert_true(n < MAX_CMDS && len < sizeof names[0]);
        memcpy(names[n], p + 2, len);
        names[n++][len] = '\0';
    }
    assert_true(n >= 8);
    cs_outcome_free(&o);
    return n;
}

/* Is WORD (LEN bytes) an option ("-p", "--profile", "-p,") or the name of
 * its value ("P|all", "FILE", "ARGS")? */
static bool option_word(const char *w, size_t len)
{
    if (w[0] == '-')
        return true;
    for (size_t i = 0; i < len; i++)
        if (!isupper((unsigned char)w[i]) && w[i] != '|' && w[i] != '.' &&
            !(i > 0 && islower((unsigned char)w[i])))
            return false;
    return isupper((unsigned char)w[0]);
}

/* The help said "  -p, --profile P|all one profile ...": with one space
 * before the text, the manual page set the option as a line of prose, not
 * as a tagged option.  Every option line of every --help is option words,
 * two spaces, then what the option does. */
static void help__every_option_line_sets_the_option_apart(void **state)
{
    (void)state;
    char names[MAX_CMDS][32];
    size_t n = subcommands(names);
    for (size_t k = 0; k < n; k++) {
        struct cs_outcome o = cs_run_tgm(names[k], "--help", NULL);
        assert_int_equal(o.status, 0);
        for (const char *line = o.out, *next; *line; line = next) {
            size_t len = strcspn(line, "\n");
            next = line + len + (line[len] == '\n');
            if (strncmp(line, "  -", 3) != 0)
                continue;
            const char *gap = strstr(line + 2, "  ");
            bool ok = gap && gap < line + len;
            for (const char *w = line + 2; ok && w < gap; w += strspn(w, " ")) {
                size_t wl = strcspn(w, " ");
                ok = option_word(w, wl);
                w += wl;
            }
            if (!ok)
                fail_msg("tgm %s --help: option line '%.*s' is not OPTION  TEXT", names[k],
                         (int)len, line);
        }
        cs_outcome_free(&o);
    }
}

/* Lines of 81 to 106 columns wrapped on a terminal (and in tgm.1's
 * synopsis of the commands): tgm --help and each command's fit 80. */
static void help__every_line_fits_80_columns(void **state)
{
    (void)state;
    char names[MAX_CMDS][32];
    size_t n = subcommands(names);
    for (size_t k = 0; k <= n; k++) {
        struct cs_outcome o = k < n ? cs_run_tgm(names[k], "--help", NULL)
                                    : cs_run_tgm("--help", NULL);
        assert_int_equal(o.status, 0);
        for (const char *line = o.out; *line;) {
            size_t len = strcspn(line, "\n");
            if (len > 80)
                fail_msg("tgm %s%s--help: %zu columns: '%.*s'", k < n ? names[k] : "",
                         k < n ? " " : "", len, (int)len, line);
            line += len + (line[len] == '\n');
        }
        cs_outcome_free(&o);
    }
}

/* run --help sent the reader to 'tgm isa --profile' for the profiles, a
 * command that fails for want of a profile name.  Every 'tgm isa ...' a
 * help quotes runs, with P standing for a profile. */
static void help__the_isa_commands_quoted_run(void **state)
{
    (void)state;
    char names[MAX_CMDS][32];
    size_t n = subcommands(names), quoted = 0;
    for (size_t k = 0; k < n; k++) {
        struct cs_outcome o = cs_run_tgm(names[k], "--help", NULL);
        for (const char *q = o.out; (q = strstr(q, "'tgm isa")) != NULL; q++) {
            struct cs_args a = {0};
            char words[8][32];
            size_t nw = 0;
            for (const char *w = q + strlen("'tgm isa"); *w != '\'';) {
                w += strspn(w, " ");
                size_t wl = strcspn(w, " '");
                assert_true(nw < 8 && wl < sizeof words[0]);
                if (wl == 1 && w[0] == 'P')
                    snprintf(words[nw], sizeof words[0], "pdp10");
                else
                    snprintf(words[nw], sizeof words[0], "%.*s", (int)wl, w);
                cs_push(&a, words[nw++]);
                w += wl;
            }
            struct cs_outcome r = cs_run_tgm_argv("isa", a.v);
            if (r.status != 0 || !r.out[0])
                fail_msg("tgm %s --help quotes %.*s, which exits %d: %s", names[k],
                         (int)(strchr(q + 1, '\'') - q + 1), q, r.status, r.err);
            cs_outcome_free(&r);
            quoted++;
        }
        cs_outcome_free(&o);
    }
    assert_true(quoted >= 2); /* run's and analyze's */
}

/* run --help said "--timeline FILE ... FILE.json ..., FILE.svg": the file
 * written is FILE itself, an SVG when its name ends in .svg, else JSON. */
static void run__timeline_writes_file_itself_its_kind_by_its_name(void **state)
{
    (void)state;
    char json[CS_PATH], svg[CS_PATH], ext[CS_PATH];
    cs_tmp_path(json, sizeof json, "tl");
    cs_tmp_path(svg, sizeof svg, "tl.svg");
    cs_tgm_prints("hello, world", "run",
                  CS_ARGV("--vmm", "--quiet", "--timeline", json, "examples/hello.s"));
    cs_tgm_prints("hello, world", "run",
                  CS_ARGV("--vmm", "--quiet", "--timeline", svg, "examples/hello.s"));
    char *t = cs_slurp(json, NULL);
    assert_int_equal(t[0], '{');
    free(t);
    t = cs_slurp(svg, NULL);
    assert_non_null(strstr(t, "<svg"));
    free(t);
    cs_tmp_path(ext, sizeof ext, "tl.json");
    FILE *f = fopen(ext, "r");
    assert_null(f);
}

/* Tab offered what 'help watch', 'help nest' and 'help display' leave out,
 * and left out what they name: watch's ignore and do (break has them), a
 * file where nest wants its N, and display's delete and all. */
static void complete__offers_what_the_usage_names(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("watch total ");
    assert_true(ms_has_word(c.words, "ignore"));
    assert_true(ms_has_word(c.words, "do"));
    assert_true(ms_has_word(c.words, "if"));
    assert_non_null(strchr(c.kinds, 's'));

    assert_string_equal(ms_compl("nest ").kinds, ""); /* N */
    c = ms_compl("nest 2 ex");                        /* FILE */
    assert_string_equal(c.kinds, "f");
    assert_false(ms_has_word(c.words, "mem"));
    c = ms_compl("nest 2 examples/sum.s m");
    assert_true(ms_has_word(c.words, "mem"));
    assert_string_equal(c.kinds, "");

    c = ms_compl("display ");
    assert_true(ms_has_word(c.words, "delete"));
    assert_non_null(strchr(c.kinds, 's'));
    assert_true(ms_has_word(ms_compl("display delete ").words, "all"));
    c = ms_compl("display total + ");
    assert_non_null(strchr(c.kinds, 's'));
    assert_false(ms_has_word(c.words, "all"));
}

/* Every command 'help' lists completes by Tab from its shortest unique
 * prefix: the first word's candidates are the command table's names, as
 * the line editor (reader.c) gathers them. */
static void complete__every_command_help_lists(void **state)
{
    (void)state;
    const char *names[128];
    assert_true(mon_ncmds <= 128);
    for (size_t i = 0; i < mon_ncmds; i++)
        names[i] = mon_cmds[i].name;
    struct cs_outcome o = cs_mon("help");
    assert_int_equal(o.status, 0);
    size_t listed = 0;
    for (const char *line = o.out; *line && strncmp(line, "Commands may", 12) != 0;) {
        size_t len = strcspn(line, "\n");
        if (line[0] == ' ') { /* "  name       summary"; a group's name ends in ':' */
            char name[32], prefix[32];
            size_t nl = strcspn(line + 2, " ");
            assert_true(nl < sizeof name);
            snprintf(name, sizeof name, "%.*s", (int)nl, line + 2);
            const char *match[128];
            size_t common = 0;
            for (size_t k = 1; k <= nl; k++) { /* the shortest prefix naming one command */
                snprintf(prefix, sizeof prefix, "%.*s", (int)k, name);
                if (mon_complete_match(prefix, names, mon_ncmds, match, 128, &common) == 1)
                    break;
            }
            struct mon_compl c = ms_compl(prefix);
            if (c.pos != 0 || !strchr(c.kinds, 'C') ||
                mon_complete_match(prefix, names, mon_ncmds, match, 128, &common) != 1 ||
                strcmp(match[0], name) != 0)
                fail_msg("'help' lists '%s', which '%s' and Tab do not complete", name, prefix);
            listed++;
        }
        line += len + (line[len] == '\n');
    }
    assert_int_equal(listed, mon_ncmds);
    cs_outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_e");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help__every_option_line_sets_the_option_apart),
        cmocka_unit_test(help__every_line_fits_80_columns),
        cmocka_unit_test(help__the_isa_commands_quoted_run),
        cmocka_unit_test(run__timeline_writes_file_itself_its_kind_by_its_name),
        cmocka_unit_test(complete__offers_what_the_usage_names),
        cmocka_unit_test(complete__every_command_help_lists),
    };
    return cmocka_run_group_tests_name("doc_contract_e", tests, group_setup, group_teardown);
}
