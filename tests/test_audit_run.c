/* test_audit_run.c: what docs/run.md, docs/asm.md and docs/isa.md promise
 * for the tgm command, the assembler and the image format, found broken by
 * an audit; each test fails on the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* docs/asm.md: "an error on a line of a megabyte still takes four short
 * lines".  The excerpt was cut to 160 columns, but a message that quotes
 * the offending token (an unknown mnemonic, an undefined symbol, a bad
 * number, a token where an expression was expected) quoted all of it, so
 * its first line was a megabyte long.  A quoted token is now cut, marked
 * "...". */
static void as__a_megabyte_token_is_quoted_short(void **state)
{
    (void)state;
    static const struct {
        const char *before, *after, *why;
        char fill;
    } lines[] = {
        {"", "\n", "error: unknown mnemonic 'xxxx", 'x'},
        {".word ", "\n", "error: undefined symbol 'yyyy", 'y'},
        {".word 0x", "\n", "error: number '0x1111", '1'},
        {".word 0b2", "\n", "error: bad binary number '0b2111", '1'},
        {".word 1 ", "\n", "error: expected ',' or end of line, got 'zzzz", 'z'},
        {".word \"", "\"\n", "error: expected an expression, got '\"ssss", 's'},
        {".org ", "\n", "error: '.org' needs a value known here, but 'oooo", 'o'},
    };
    size_t big = (size_t)1 << 20;
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        size_t nb = strlen(lines[i].before), na = strlen(lines[i].after);
        char *text = malloc(nb + big + na + 1);
        assert_non_null(text);
        memcpy(text, lines[i].before, nb);
        memset(text + nb, lines[i].fill, big);
        memcpy(text + nb + big, lines[i].after, na + 1);
        const char *src = cs_tmp("mega.s");
        cs_put_text(src, text);
        free(text);
        struct cs_outcome o = cs_run_tgm("as", src, "-o", cs_tmp("mega.img"), NULL);
        assert_int_equal(o.status, 1);
        char *l[5] = {0};
        size_t n = 0;
        for (char *save = NULL, *s = strtok_r(o.err, "\n", &save); s && n < 5;
             s = strtok_r(NULL, "\n", &save))
            l[n++] = s;
        if (n != 4 || !strstr(l[0], lines[i].why) || !strstr(l[0], "...") ||
            strlen(l[0]) > 400 || strlen(l[1]) > 3 + 160 + 3 || strlen(l[2]) > 3 + 160 + 3)
            fail_msg("line %zu (\"%s...\"): %zu lines, the first %zu bytes long: %.300s", i,
                     lines[i].why, n, l[0] ? strlen(l[0]) : 0, l[0] ? l[0] : "");
        cs_outcome_free(&o);
    }
}

/* docs/run.md: a file not named *.s is read as an image, "and when it
 * holds text (its first 256 bytes printable, white space or UTF-8 ...)
 * the error says so".  Any byte from 0x80 up passed for UTF-8, so a
 * Latin-1 file or binary bytes such as 0xFF got the hint that it was a
 * source.  UTF-8 is now checked, a character that the 256th byte cuts read
 * to its end. */
static void run__text_means_utf8_not_any_high_byte(void **state)
{
    (void)state;
    static const char hint[] = "; an assembly source must be named *.s";
    static const struct {
        const char *bytes;
        bool text;
    } files[] = {
        {"caf\xc3\xa9 = 1\n", true},         /* UTF-8 */
        {"caf\xe9 = 1\n", false},             /* Latin-1 */
        {"HALT ; \xff\xfe\n", false},        /* never in UTF-8 */
        {"x: .word 1 ; \xc0\xaf\n", false},  /* an overlong '/' */
        {"; \xed\xa0\x80\n", false},        /* a surrogate */
        {"; \xf0\x9f\x98\x80 ok\n", true}, /* four bytes */
    };
    char path[CS_PATH], want[CS_PATH + 128];
    cs_tmp_path(path, sizeof path, "prog.asm");
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        cs_put_text(path, files[i].bytes);
        struct cs_outcome o = cs_run_tgm("run", path, NULL);
        snprintf(want, sizeof want, "tgm: run: %s: offset 0: bad magic (not a tgm image)%s\n",
                 path, files[i].text ? hint : "");
        if (o.status != 2 || strcmp(o.err, want) != 0)
            fail_msg("file %zu: status %d, stderr \"%s\"; want \"%s\"", i, o.status, o.err, want);
        cs_outcome_free(&o);
    }
    /* 255 bytes of text and an e-acute across the 256th: still text */
    char text[300];
    memset(text, ';', 255);
    strcpy(text + 255, "\xc3\xa9\n");
    cs_put_text(path, text);
    cs_tgm_fails(2, "bad magic (not a tgm image); it holds text", "dis", CS_ARGV(path));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_run");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(as__a_megabyte_token_is_quoted_short),
        cmocka_unit_test(run__text_means_utf8_not_any_high_byte),
    };
    return cmocka_run_group_tests_name("audit_run", tests, group_setup, group_teardown);
}
