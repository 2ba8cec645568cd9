/* test_audit_fuzz2.c: what longer fuzzing and soak runs found (crashes,
 * sanitizer reports, broken invariants of docs/robustness.md), each
 * minimised to the input that shows it.  A test that guards against
 * undefined behaviour fails on the tree before its fix under clang's
 * sanitizers ('make asan CC=clang').
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
#include "tgm/image.h"

/* Assemble SRC as NAME in process; return the status, *DIAG what it said
 * (free it). */
static int assemble(const char *name, const char *src, char **diag)
{
    size_t len = 0;
    FILE *f = open_memstream(diag, &len);
    assert_non_null(f);
    struct tgm_image img;
    int rc = asm_assemble_string(name, src, &img, f);
    fclose(f);
    if (rc == 0)
        image_free(&img);
    return rc;
}

/* '.include ""' as the first string of a source: the empty path was
 * offset from the string table before any string had a byte, a null
 * pointer (undefined behaviour, found by fuzzing .include chains).  It is
 * docs/asm.md's one error naming the empty path. */
static void include__an_empty_path_first_in_a_source_is_an_error(void **state)
{
    (void)state;
    char *diag = NULL;
    assert_int_not_equal(assemble("e.s", "start: .include \"\"\n", &diag), 0);
    if (!strstr(diag, "e.s:1:17: error: .include of an empty path: name a file"))
        fail_msg("unexpected diagnostics:\n%s", diag);
    free(diag);
    diag = NULL;
    assert_int_not_equal(assemble("e.s", ".include \"\"\n.include \"\"\n", &diag), 0);
    if (!strstr(diag, "e.s:2:10: error: .include of an empty path"))
        fail_msg("unexpected diagnostics:\n%s", diag);
    free(diag);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(include__an_empty_path_first_in_a_source_is_an_error),
    };
    return cmocka_run_group_tests_name("audit_fuzz2", tests, NULL, NULL);
}
