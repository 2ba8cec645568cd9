/* test_audit_mutdis55.c: cases that a mutation audit of the disassembler
 * and the small subcommands (tgm dis, tgm as, tgm isa) found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/asm.md, docs/isa.md, the commands'
 * help text) at the edge a mutant moved: 'tgm dis' takes exactly one
 * image, refusing a second one rather than disassembling the first; 'tgm
 * as' calls a monitor snapshot that is its own default output a snapshot,
 * as it does an image; and 'tgm isa --profiles' names every profile once,
 * the default first and only there.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- tgm dis ---------------------------------------------------------- */

/* 'tgm dis --help': "usage: tgm dis IMAGE [-o SRC]", one image.  Two
 * valid images are bad usage (status 2, one line, nothing on standard
 * output), not the first one disassembled (the mutant tested only for
 * too few operands). */
static void dis__a_second_image_is_refused(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH];
    cs_make_image(a, sizeof a, "one.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    cs_make_image(b, sizeof b, "two.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    struct cs_outcome o = cs_run_tgm("dis", a, b, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: dis: expected one image, got 2 (try 'tgm dis --help')");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* ---- tgm as ----------------------------------------------------------- */

/* docs/asm.md: a file that begins as "a monitor snapshot" gets "FILE:1:1:
 * error: not an assembly source: a monitor snapshot (...)", "whatever its
 * name": one named prog.img, its own default output, is still called a
 * snapshot (status 1) and left as it was, as an image is, not "the output
 * is the source itself" (the mutant looked for the image magic only). */
static void as__a_snapshot_as_its_own_output_is_called_a_snapshot(void **state)
{
    (void)state;
    char path[CS_PATH], cmd[2 * CS_PATH];
    cs_tmp_path(path, sizeof path, "prog.img");
    snprintf(cmd, sizeof cmd, "save %s", path);
    struct cs_outcome o = cs_mon_ok(cmd);
    cs_outcome_free(&o);
    cs_as_refuses_own_output(path, "prog.img:1:1: error: not an assembly source: a monitor "
                                   "snapshot (it begins with the magic TGMSNAP; the monitor's "
                                   "'restore' reads it)");
}

/* ---- tgm isa ---------------------------------------------------------- */

/* docs/isa.md: "`tgm isa --profiles` (given alone) lists their names one
 * a line (the default first)"; the names are the six profiles it lists:
 * the default, virtualizable, once and first, not again among the others
 * (the mutant printed it twice). */
static void isa__profiles_names_each_profile_once(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("isa", "--profiles", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    static const char *const names[] = {"virtualizable", "pdp10", "pdp11-45", "x86",
                                        "s360-67", "s360-67-lra-user"};
    assert_true(strncmp(o.out, "virtualizable\n", 14) == 0);
    size_t lines = 0;
    for (const char *c = o.out; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, sizeof names / sizeof names[0]);
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        /* each name is a whole line of its own, found once */
        size_t n = 0, len = strlen(names[i]);
        for (const char *p = o.out; (p = strstr(p, names[i])); p++)
            if ((p == o.out || p[-1] == '\n') && p[len] == '\n')
                n++;
        if (n != 1)
            fail_msg("'%s' is listed %zu times in:\n%s", names[i], n, o.out);
    }
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutdis55");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dis__a_second_image_is_refused),
        cmocka_unit_test(as__a_snapshot_as_its_own_output_is_called_a_snapshot),
        cmocka_unit_test(isa__profiles_names_each_profile_once),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
