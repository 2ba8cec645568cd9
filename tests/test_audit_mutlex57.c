/* test_audit_mutlex57.c: cases that a mutation audit of the assembler's
 * lexer and expressions (src/asm/lex.c, src/asm/expr.c) found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/asm.md) at the edge a mutant moved:
 * a string whose line ends in a backslash, the caret of a missing operand
 * before blanks and a comment, the excerpt of a wide line whose caret is
 * at column 80, a quoted token cut after 80 bytes where a UTF-8
 * character begins, U+00A0 in an echoed line (the first character past
 * the C1 controls), and the commas between a built-in's arguments.
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
#include "tgm/asm.h"
#include "tgm/image.h"

/* Assemble SRC as "t.s": the error count, the diagnostics in *DIAG (free
 * it) and, on success, the image in *IMG (free it). */
static int assemble(const char *src, struct tgm_image *img, char **diag)
{
    struct cs_mem m;
    int n = asm_assemble_buffer("t.s", src, strlen(src), img, cs_mem_open(&m));
    *diag = cs_mem_text(&m);
    return n;
}

/* SRC has exactly one error, and its diagnostics are WANT. */
static void gives(const char *src, const char *want)
{
    struct tgm_image img;
    char *diag;
    int n = assemble(src, &img, &diag);
    if (n != 1 || strcmp(diag, want) != 0)
        fail_msg("%s: want\n%s\ngot %d errors:\n%s", src, want, n, diag);
    free(diag);
}

/* 79 ASCII bytes: a quoted token's 80th byte is the quote before them. */
static const char as_79[] =
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/* ---- the echoed line ------------------------------------------------- */

/* asm.md, "Errors": a control character "the echoed line shows ... as a
 * space, C1's in UTF-8 too": the C1 controls are U+0080-U+009F, so
 * U+00A0 (C2 A0), the next character, is shown as it is (the mutant took
 * a second byte up to 0xA0 for a C1 control). */
static void excerpt__u00a0_is_no_c1_control(void **state)
{
    (void)state;
    gives("x = y ; \xc2\xa0z\xc2\x85w\n",
          "t.s:1:5: error: undefined symbol 'y'\n"
          "x = y ; \xc2\xa0z w\n"
          "    ^\n");
}

/* ---- strings -------------------------------------------------------- */

/* asm.md: "A line ends at a newline", and among the errors is an
 * "unterminated string": a backslash last on the line escapes no closing
 * quote, so the string is unterminated, not a bad escape (the mutant read
 * the backslash as an unknown escape). */
static void string__a_backslash_at_the_end_of_the_line_is_unterminated(void **state)
{
    (void)state;
    gives(".ascii \"ab\\\n",
          "t.s:1:8: error: unterminated string\n"
          ".ascii \"ab\\\n"
          "       ^~~~\n");
}

/* ---- the caret ------------------------------------------------------ */

/* asm.md, "Errors": "the caret marks the offending token or operand": an
 * operand that is missing is marked where it should be, just after the
 * last token, not at the blanks or the comment after it (the mutant put
 * the caret where the lexer stopped). */
static void caret__a_missing_operand_is_marked_after_the_last_token(void **state)
{
    (void)state;
    gives(".word 1 +   ; sum\n",
          "t.s:1:10: error: expected an expression\n"
          ".word 1 +   ; sum\n"
          "         ^\n");
    gives("\tADDI x, x, \t\n",
          "t.s:1:19: error: expected an expression\n"
          "        ADDI x, x,      \n"
          "                  ^\n");
}

/* asm.md, "Errors": "A line wider than 160 columns is shown only around
 * the caret, 160 of its columns with `...` where it is cut": a caret at
 * column 80, half the excerpt from the start, still sees the line from
 * its first column, 160 columns of it (the mutant began the excerpt at
 * column 0 there: 159 columns, the caret one to the right). */
static void caret__at_column_80_of_a_wide_line_shows_its_first_160(void **state)
{
    (void)state;
    char src[200], want[600];
    /* ".word", blanks to column 79, x at 80, then a comment to column 183 */
    int n = snprintf(src, sizeof src, ".word%74sx ; %.50s%.50s\n", "", as_79, as_79);
    assert_int_equal(n, 184);
    snprintf(want, sizeof want, "t.s:1:80: error: undefined symbol 'x'\n%.160s...\n%79s^\n",
             src, "");
    gives(src, want);
}

/* ---- tokens quoted in messages ---------------------------------------- */

/* asm.md, "Errors": "A token that the message quotes ... is cut after 80
 * bytes, marked `...`": a string of a quote and 79 ASCII bytes before a
 * two-byte character is quoted by its first 80 bytes, not 79 (the mutant
 * cut before the 80th byte when the 81st begins a UTF-8 character). */
static void quote__a_token_is_cut_after_80_bytes_before_a_character(void **state)
{
    (void)state;
    char src[160], want[400];
    snprintf(src, sizeof src, ".word \"%.79s\xc3\xa9" "b\"\n", as_79);
    snprintf(want, sizeof want, "t.s:1:7: error: expected an expression, got '\"%.79s...' "
             "(a string is no value: a character literal such as 'a' is; .ascii puts a "
             "string's bytes, one per word)\n", as_79);
    struct tgm_image img;
    char *diag;
    assert_int_equal(assemble(src, &img, &diag), 1);
    if (strncmp(diag, want, strlen(want)) != 0)
        fail_msg("want\n%sgot\n%s", want, diag);
    free(diag);
}

/* ---- built-in functions ---------------------------------------------- */

/* asm.md, "Expressions": the built-ins are written `psw(m, p, l, b)` and
 * `rb(l, b)`: their arguments are separated by commas, and another
 * punctuator between two is an error at it (the mutant took a ':' as a
 * comma there). */
static void call__arguments_are_separated_by_commas_only(void **state)
{
    (void)state;
    gives(".word rb(0: 5)\n",
          "t.s:1:11: error: expected ')', got ':'\n"
          ".word rb(0: 5)\n"
          "          ^\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutlex57");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(excerpt__u00a0_is_no_c1_control),
        cmocka_unit_test(string__a_backslash_at_the_end_of_the_line_is_unterminated),
        cmocka_unit_test(caret__a_missing_operand_is_marked_after_the_last_token),
        cmocka_unit_test(caret__at_column_80_of_a_wide_line_shows_its_first_160),
        cmocka_unit_test(quote__a_token_is_cut_after_80_bytes_before_a_character),
        cmocka_unit_test(call__arguments_are_separated_by_commas_only),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
