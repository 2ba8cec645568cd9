/* test_doc_examples.c: the command outputs the documents show are what tgm
 * prints.  Every fenced block of docs/ that opens with "$ tgm ..." is run
 * as a reader would type it, and its output must be the block's other
 * lines up to the next "$ " line.  A line "..." (or an elided comment,
 * "; ...") stands for any number of lines, as the documents use it.
 *
 * Files the documents make in the current directory (os.img, hello.tgm)
 * are made in a temporary directory instead, and their names in the
 * commands and the outputs are mapped to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* Files made by the documents' commands, and the sources of those that a
 * document runs without showing how it was made. */
static const struct {
    const char *name, *source;
} made[] = {
    {"os.img", "examples/os/os.s"},
    {"hello.tgm", "examples/hello.s"},
};
#define NMADE (sizeof made / sizeof made[0])

/* TEXT with every made file's name replaced by its temporary path. */
static char *map_names(const char *text)
{
    size_t len = strlen(text) + 1, extra = strlen(cs_tmpdir()) + 1;
    for (const char *s = text; *s; s++)
        len += extra; /* a generous bound: at most one name per character */
    char *out = malloc(len), *o = out;
    assert_non_null(out);
    while (*text) {
        size_t k = 0;
        while (k < NMADE && strncmp(text, made[k].name, strlen(made[k].name)))
            k++;
        if (k < NMADE) {
            o += sprintf(o, "%s/%s", cs_tmpdir(), made[k].name);
            text += strlen(made[k].name);
        } else {
            *o++ = *text++;
        }
    }
    *o = '\0';
    return out;
}

static bool is_gap(const char *line, size_t n)
{
    while (n && *line == ' ')
        line++, n--;
    return (n == 3 && !strncmp(line, "...", 3)) || (n == 5 && !strncmp(line, "; ...", 5));
}

/* Does GOT match WANT line by line, a gap line of WANT matching any run of
 * lines?  (Glob matching with lines for characters: retry from the last
 * gap.)  On a mismatch *AT gets the first WANT line not matched. */
static bool lines_match(const char *want, const char *got, const char **at)
{
    const char *w = want, *g = got, *star = NULL, *star_g = NULL;
    *at = want;
    for (;;) {
        size_t wn = strcspn(w, "\n"), gn = strcspn(g, "\n");
        if (*w && is_gap(w, wn)) {
            star = w + wn + (w[wn] == '\n');
            star_g = g;
            w = star;
            continue;
        }
        if (!*w && !*g)
            return true;
        if (*w && *g && wn == gn && !strncmp(w, g, wn)) {
            w += wn + (w[wn] == '\n');
            g += gn + (g[gn] == '\n');
            continue;
        }
        if (w > *at)
            *at = w;
        if (!star || !*star_g)
            return false;
        star_g += strcspn(star_g, "\n");
        star_g += *star_g == '\n';
        w = star;
        g = star_g;
    }
}

/* Run COMMAND ("tgm SUB ARGS...", names already mapped) and compare. */
static void check_command(const char *doc, int line, char *command, const char *want)
{
    struct cs_args a = {.n = 0};
    char *save = NULL, *tok = strtok_r(command, " ", &save);
    assert_string_equal(tok, "tgm");
    const char *sub = strtok_r(NULL, " ", &save);
    assert_non_null(sub);
    while ((tok = strtok_r(NULL, " ", &save)))
        cs_push(&a, tok);
    struct cs_outcome o = cs_run_tgm_argv(sub, a.v);
    const char *at;
    if (o.status < 0 || o.status > 3 || !lines_match(want, o.out, &at))
        fail_msg("%s:%d: '%s %s...' (status %d) does not print what the document shows; "
                 "first line not matched:\n%.*s\nit printed:\n%s%s",
                 doc, line, sub, a.n ? a.v[0] : "", o.status, (int)strcspn(at, "\n"), at,
                 o.out, o.err);
    cs_outcome_free(&o);
}

/* Every "$ tgm" block of DOC; returns how many commands were checked. */
static int check_doc(const char *doc)
{
    char *text = cs_slurp(doc, NULL);
    char *want = malloc(strlen(text) + 1), *cmd = NULL;
    assert_non_null(want);
    int n = 0, line = 0, cmd_line = 0;
    bool fence = false, block = false;
    for (char *s = text, *next; *s; s = next) {
        size_t len = strcspn(s, "\n");
        next = s + len + (s[len] == '\n');
        s[len] = '\0';
        line++;
        bool is_fence = !strncmp(s, "```", 3);
        if (block && (is_fence || !strncmp(s, "$ ", 2)) && cmd) {
            char *c = map_names(cmd), *w = map_names(want);
            check_command(doc, cmd_line, c, w);
            free(c);
            free(w);
            free(cmd);
            cmd = NULL;
            n++;
        }
        if (is_fence) {
            block = false;
            fence = !fence;
            if (fence && !strncmp(next, "$ tgm ", 6))
                block = true;
            continue;
        }
        if (block && !strncmp(s, "$ ", 2)) {
            cmd = strdup(s + 2);
            assert_non_null(cmd);
            cmd_line = line;
            want[0] = '\0';
        } else if (block) {
            strcat(strcat(want, s), "\n");
        }
    }
    free(cmd);
    free(want);
    free(text);
    return n;
}

static void docs__command_outputs_are_what_tgm_prints(void **state)
{
    (void)state;
    for (size_t k = 0; k < NMADE; k++) {
        char out[CS_PATH];
        cs_tmp_path(out, sizeof out, made[k].name);
        struct cs_outcome o = cs_run_tgm("as", made[k].source, "-o", out, NULL);
        assert_int_equal(o.status, 0);
        cs_outcome_free(&o);
    }
    static const struct {
        const char *doc;
        int min; /* commands the document shows, at least */
    } docs[] = {
        {"docs/os.md", 4},        {"docs/recursion.md", 1}, {"docs/run.md", 4},
        {"docs/theorems.md", 11}, {"docs/vmm.md", 1},
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        int n = check_doc(docs[i].doc);
        if (n < docs[i].min)
            fail_msg("%s: %d commands found, expected %d", docs[i].doc, n, docs[i].min);
    }
}

/* docs/monitor.md's command reference says it is generated from the
 * command table: it must be what 'help --markdown' prints now. */
static void docs__monitor_reference_is_the_command_table(void **state)
{
    (void)state;
    char *doc = cs_slurp("docs/monitor.md", NULL);
    static const char head[] = "## Command reference\n\n"
                               "Generated from the command table with "
                               "`tgm monitor -c 'help --markdown'`.\n\n";
    const char *ref = strstr(doc, head);
    assert_non_null(ref);
    ref += strlen(head);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", "help --markdown", NULL);
    assert_int_equal(o.status, 0);
    size_t n = strlen(o.out);
    while (n && o.out[n - 1] == '\n') /* the document ends with one newline */
        n--;
    if (strncmp(ref, o.out, n) != 0 || strcmp(ref + n, "\n") != 0) {
        size_t k = 0;
        while (k < n && ref[k] == o.out[k])
            k++;
        fail_msg("docs/monitor.md's reference differs from 'help --markdown' at:\n%.200s\n"
                 "---- help --markdown prints:\n%.200s",
                 ref + k, o.out + k);
    }
    cs_outcome_free(&o);
    free(doc);
}

/* The matcher itself: a gap matches nothing or many lines, but not a
 * changed line. */
static void docs__gaps_match_lines_not_changes(void **state)
{
    (void)state;
    const char *at;
    assert_true(lines_match("a\n...\nd\n", "a\nb\nc\nd\n", &at));
    assert_true(lines_match("a\n...\nd\n", "a\nd\n", &at));
    assert_true(lines_match("a\n  ; ...\n", "a\n  ; x\n  ; y\n", &at));
    assert_false(lines_match("a\n...\nd\n", "a\nb\nc\n", &at));
    assert_false(lines_match("a\nb\n", "a\nc\n", &at));
    assert_string_equal(at, "b\n");
    assert_false(lines_match("a\n", "a\nextra\n", &at));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_examples");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(docs__gaps_match_lines_not_changes),
        cmocka_unit_test(docs__command_outputs_are_what_tgm_prints),
        cmocka_unit_test(docs__monitor_reference_is_the_command_table),
    };
    return cmocka_run_group_tests_name("doc_examples", tests, group_setup, group_teardown);
}
