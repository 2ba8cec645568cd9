/* test_walk_a.c: a student's walk through README.md, docs/asm.md,
 * docs/isa.md and docs/run.md, checked as a tester who has only those
 * pages would check them: guest programs written as the docs describe,
 * run through the built tgm command and the public headers.  The machine
 * is section 2's S = <E, M, P, R> with its trap through E[0] and E[1].
 *
 * Runs from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* ---- helpers ------------------------------------------------------------ */

/* SRC written as NAME in the temporary directory; its path in PATH. */
static void source(char *path, size_t len, const char *name, const char *src)
{
    cs_write_text(path, len, name, src);
}

/* `tgm as SRC -o IMG`: status 1, no image written, and the first
 * diagnostic line is WANT (with the file name left out: it starts at the
 * line number). */
static void as_fails_with(const char *src, const char *want)
{
    char path[CS_PATH], img[CS_PATH];
    source(path, sizeof path, "walk.s", src);
    cs_tmp_path(img, sizeof img, "walk.img");
    unlink(img);
    struct cs_outcome o = cs_run_tgm("as", path, "-o", img, NULL);
    assert_int_equal(o.status, 1);
    assert_int_equal(access(img, F_OK), -1);
    const char *line = strstr(o.err, "walk.s:");
    if (!line || strncmp(line + strlen("walk.s:"), want, strlen(want)) != 0)
        fail_msg("want 'walk.s:%s...', got:\n%s", want, o.err);
    cs_outcome_free(&o);
}

/* ---- docs/asm.md: errors ------------------------------------------------ */

/* "A value out of range is shown signed when its top bit is set (-1, not
 * 18446744073709551615)."  The operands of .org, .phase and .entry were
 * shown as 0xffffffffffffffff. */
static void asm__an_address_out_of_range_is_shown_signed(void **state)
{
    (void)state;
    as_fails_with("        .org -1\n",
                  "1:14: error: '.org' address -1 is outside memory (0..0x80000)");
    as_fails_with("        .phase 0 - 2\n        .dephase\n",
                  "1:16: error: '.phase' address -2 is outside memory (0..0x80000)");
    as_fails_with("        .entry -1\n        HALT\n",
                  "1:16: error: '.entry' address -1 is outside memory (0..0x7ffff)");
    /* a value with its top bit clear stays in hex, as the range is */
    as_fails_with("        .org 0x80001\n",
                  "1:14: error: '.org' address 0x80001 is outside memory (0..0x80000)");
    as_fails_with("        .entry 0x80000\n        HALT\n",
                  "1:16: error: '.entry' address 0x80000 is outside memory (0..0x7ffff)");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_walk_a");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__an_address_out_of_range_is_shown_signed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
