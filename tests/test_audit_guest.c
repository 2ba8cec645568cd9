/* test_audit_guest.c: what writing guest programs from docs/isa.md,
 * docs/asm.md, docs/run.md, docs/os.md and docs/vmm.md found wrong or
 * unclear in the tools a guest writer uses (tgm as, run, check, dis).
 * Each test fails on the tree before its fix.
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_guest");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'tgm as SRC -o IMAGE' fails with status 1, and its stderr holds WANT. */
static void as_fails_with(const char *name, const char *text, const char *want)
{
    char src[CS_PATH];
    cs_write_text(src, sizeof src, name, text);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", cs_tmp("out.img"), NULL);
    assert_int_equal(o.status, 1);
    if (!strstr(o.err, want))
        fail_msg("stderr lacks \"%s\":\n%s", want, o.err);
    cs_outcome_free(&o);
}

/* docs/asm.md: every error names "FILE:LINE" and what is wrong.  An
 * '.include ""' and an '.include "\0x"' both said "bad include path",
 * which names neither fault. */
static void include__an_empty_or_nul_path_says_which(void **state)
{
    (void)state;
    as_fails_with("empty.s", "        .include \"\"\n",
                  "empty.s:1:18: error: .include of an empty path: name a file\n");
    as_fails_with("nul.s", "        .include \"\\0x\"\n",
                  "nul.s:1:18: error: include path holds a NUL byte ('\\0'), which no file name "
                  "can\n");
}

/* A file that opens but cannot be read: the source itself says why
 * ("tgm: as: F: Input/output error"), an include said only "cannot read
 * include file 'F'". */
static void include__an_unreadable_file_says_why(void **state)
{
    (void)state;
    as_fails_with("mem.s", "        .include \"/proc/self/mem\"\n",
                  "mem.s:1:18: error: cannot read include file '/proc/self/mem': "
                  "Input/output error\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(include__an_empty_or_nul_path_says_which),
        cmocka_unit_test(include__an_unreadable_file_says_why),
    };
    return cmocka_run_group_tests_name("audit_guest", tests, group_setup, group_teardown);
}
