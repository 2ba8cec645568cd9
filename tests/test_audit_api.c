/* test_audit_api.c: the library's header contracts, called as they are
 * written, where an audit found the code short of them.  Each test fails on
 * the tree before its fix (those about null pointers under 'make asan',
 * whose sanitizer sees the undefined memcpy).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/nest.h"

/* nest_compose takes any image, an empty one with no words array too
 * (image.h: nwords 0; image_free frees a NULL words): the stack is the CP's
 * levels alone, the guest's words all zero. */
static void nest_compose__takes_an_empty_guest_with_no_words(void **state)
{
    (void)state;
    char err[256];
    struct tgm_image cp, stack;
    struct nest_layout lay;
    assert_int_equal(nest_cp_image(&cp, err, sizeof err), 0);
    struct tgm_image guest = {.load = 0, .nwords = 0, .words = NULL};
    assert_int_equal(nest_build(&cp, &guest, 2, 64, &stack, &lay, err, sizeof err), 0);
    assert_int_equal(lay.top_w, 64);
    assert_int_equal(stack.nwords, lay.top_base);
    image_free(&stack);
    image_free(&cp);
}

/* asm_assemble_buffer of LEN = 0 bytes reads none, so SRC may be NULL: an
 * empty source, which assembles to an empty image. */
static void asm_assemble_buffer__takes_zero_bytes_at_null(void **state)
{
    (void)state;
    struct tgm_image img;
    assert_int_equal(asm_assemble_buffer("empty.s", NULL, 0, &img, stderr), 0);
    assert_int_equal(img.nwords, 0);
    image_free(&img);
}

/* asm_assemble_line assembles ONE instruction or data expression: a line
 * break ending it is allowed, but a second line after it was dropped
 * unread, its HALT taken for the whole. */
static void asm_line__refuses_a_second_line(void **state)
{
    (void)state;
    uint64_t w = 77;
    char err[128];
    static const char *const two[] = {"HALT\nJUNK", "HALT\r\nHALT", ".word 1\n.word 2"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        assert_int_equal(asm_assemble_line(two[i], 0, NULL, &w, err, sizeof err), -1);
        assert_string_equal(err, "only one line can be assembled in place");
    }
    assert_true(w == 77);
    assert_int_equal(asm_assemble_line("HALT\r\n", 0, NULL, &w, err, sizeof err), 0);
    assert_int_equal(GET_OP(w), OP_HALT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest_compose__takes_an_empty_guest_with_no_words),
        cmocka_unit_test(asm_assemble_buffer__takes_zero_bytes_at_null),
        cmocka_unit_test(asm_line__refuses_a_second_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
