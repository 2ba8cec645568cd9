/* test_audit_run.c: what docs/run.md, docs/asm.md and docs/isa.md promise
 * for the tgm command, the assembler and the image format, found broken by
 * an audit; each test fails on the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
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
    };
    return cmocka_run_group_tests_name("audit_run", tests, group_setup, group_teardown);
}
