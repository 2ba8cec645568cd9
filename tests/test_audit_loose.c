/* test_audit_loose.c: loose ends of the monitor and the run command that
 * earlier reviews noticed, each held to what docs/monitor.md and
 * docs/run.md say.  Each test fails on the tree before its fix.
 *
 * - A watchpoint that `set memory` or `restore` takes away is announced
 *   as a watchpoint ("Snapshots": "each said in a line"), not as
 *   `breakpoint N deleted`.
 * - `watch` on a label inside .phase gives the note `break` gives.
 * - `--input-file -` past the 64 MiB limit is named `-`, as every other
 *   error about it names it, not by the /dev name it is read through.
 * - `print ';'` (the `;` ends the command) says how to write the
 *   character.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <fcntl.h>
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

static void set_memory_announces_a_watchpoint_as_one(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; watch 0x5000; break 0x6000; "
                                    "set memory 4096; info breakpoints");
    assert_non_null(strstr(o.out, "\nwatchpoint 1 deleted: outside the new memory\n"));
    assert_non_null(strstr(o.out, "\nbreakpoint 2 deleted: outside the new memory\n"));
    assert_null(strstr(o.out, "breakpoint 1 deleted"));
    assert_non_null(strstr(o.out, "no breakpoints"));
    cs_outcome_free(&o);
}

/* A snapshot saved nobreaks of a smaller memory leaves the session's
 * watchpoint past it nowhere to be. */
static void restore_announces_a_watchpoint_as_one(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[CS_PATH * 2 + 200];
    cs_tmp_path(snap, sizeof snap, "small.snap");
    snprintf(cmds, sizeof cmds,
             "set memory 256; load examples/sum.s; save %s nobreaks; set memory 4096; "
             "load examples/sum.s; watch write 0x800; break 0x900; restore %s",
             snap, snap);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "\nwatchpoint 1 deleted: outside the snapshot's memory\n"));
    assert_non_null(strstr(o.out, "\nbreakpoint 2 deleted: outside the snapshot's memory\n"));
    assert_null(strstr(o.out, "breakpoint 1 deleted"));
    cs_outcome_free(&o);
}

static void watch_on_a_phased_label_gives_the_note(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 100];
    cs_write_phased(path, sizeof path);
    snprintf(cmds, sizeof cmds, "load %s; watch uloop", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    /* the note follows the watchpoint's own line, as break's does */
    const char *line = strstr(o.out, "watchpoint 1 on 0..0");
    assert_non_null(line);
    const char *note = strstr(line, "\n" CS_PHASED_NOTE "\n");
    assert_non_null(note);
    assert_ptr_equal(note, strchr(line, '\n'));
    cs_outcome_free(&o);
    /* a label that is not phased gives none */
    snprintf(cmds, sizeof cmds, "load %s; watch start", path);
    o = cs_mon_ok(cmds);
    assert_null(strstr(o.out, "note:"));
    cs_outcome_free(&o);
}

/* A ';' ends the command even between single quotes: "print ';'" gets a
 * hint on the way to write it; a lone quote at the end of a line none. */
static void print_semicolon_constant_gets_a_hint(void **state)
{
    (void)state;
    cs_mon_fails("print ';'", "print: bad character constant near ''' (a ';' ends the "
                              "command: write it as '\\x3b')");
    cs_mon_fails_without("print '", "print: bad character constant near '''", "x3b");
    cs_mon_prints("print '\\x3b'", "0x3b (59)");
}

/* Standard input one byte past the limit (a sparse file: zeros). */
static void input_file_dash_past_the_limit_is_named_dash(void **state)
{
    (void)state;
    char big[CS_PATH];
    cs_tmp_path(big, sizeof big, "big.in");
    int fd = open(big, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
    const char *const args[] = {"examples/sum.s", "--input-file", "-", NULL};
    struct cs_outcome o = cs_finish_tgm(cs_start_tgm(fd, "run", args));
    close(fd);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: run: --input-file: -: larger than 67108864 bytes, "
                               "the limit for console input\n");
    assert_int_equal(o.out_len, 0);
    cs_outcome_free(&o);
    /* a named file is still named as given */
    o = cs_run_tgm("run", "examples/sum.s", "--input-file", big, NULL);
    assert_int_equal(o.status, 2);
    char want[CS_PATH + 100];
    snprintf(want, sizeof want, "tgm: run: --input-file: %s: larger than 67108864 bytes, "
             "the limit for console input\n", big);
    assert_string_equal(o.err, want);
    cs_outcome_free(&o);
    unlink(big);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_loose");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set_memory_announces_a_watchpoint_as_one),
        cmocka_unit_test(restore_announces_a_watchpoint_as_one),
        cmocka_unit_test(watch_on_a_phased_label_gives_the_note),
        cmocka_unit_test(print_semicolon_constant_gets_a_hint),
        cmocka_unit_test(input_file_dash_past_the_limit_is_named_dash),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
