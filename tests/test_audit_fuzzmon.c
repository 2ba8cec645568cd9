/* test_audit_fuzzmon.c: the monitor's command parser and the command
 * line's options against odd input (empty, huge, quoted, control
 * characters), as docs/monitor.md, docs/run.md and docs/robustness.md
 * promise: one error line naming the command, nothing changed.  Each test
 * fails on the tree before its fix (those that read out of bounds, under
 * the sanitizers of 'make asan').
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
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* 'help COMMAND' of an empty word: an unknown command, in one line; it
 * read past the end of the word looking for x/4i's '/'. */
static void help__an_empty_word_is_an_unknown_command(void **state)
{
    (void)state;
    cs_mon_fails("help \"\"", "help: unknown command '' (try 'help')");
    cs_mon_fails("help \"\" vm", "help: unknown command '' (try 'help')");
    cs_mon_prints("help x/4i", "usage: examine");
}

/* "An IMAGE that cannot be read ... is one line in the CLI's form": one
 * that can be read, by a name longer than 4,000 bytes (still within
 * PATH_MAX), is loaded, as 'tgm run' loads it; it made tgm exit 2 saying
 * nothing. */
static void monitor__a_long_image_name_is_loaded(void **state)
{
    (void)state;
    static char path[4100];
    size_t n = 0;
    while (n < 4000) {
        memcpy(path + n, "./", 2);
        n += 2;
    }
    snprintf(path + n, sizeof path - n, "examples/sum.s");
    struct cs_outcome o = cs_run_tgm("monitor", path, "-c", "show memory", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "sum.s: 35 words at 0"));
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
    /* and in a VM each, with another */
    o = cs_run_tgm("monitor", path, "examples/hello.s", "-c", "vm list", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "vm1"));
    cs_outcome_free(&o);
}

/* A script's line is at most 1 MiB (docs/robustness.md), with %1..%9
 * replaced too (docs/monitor.md, "Scripts"): a script that does itself
 * with '%1%1' doubled its line at every level, to gigabytes.  The line is
 * refused in one line, the script's own, and the session fails. */
static void script__a_line_past_1_mib_once_substituted_is_not_run(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "ten.mon", "echo %1%1%1%1%1%1%1%1%1%1\necho next\n");
    static char arg[110001];
    memset(arg, 'a', sizeof arg - 1);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, arg, NULL);
    assert_int_equal(o.status, 1);
    assert_null(strstr(o.out, "aaaa"));
    assert_non_null(strstr(o.err, "ten.mon:1: line longer than 1048576 bytes once %1..%9 and "
                                  "%* are replaced: not run\n"));
    assert_null(strchr(strchr(o.err, '\n') + 1, '\n'));
    cs_outcome_free(&o);
    /* 'echo ' and ten of 104,857 bytes: 1,048,575, which is run */
    arg[104857] = '\0';
    o = cs_run_tgm("monitor", "-f", path, arg, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "aaaa"));
    assert_non_null(strstr(o.out, "next"));
    cs_outcome_free(&o);
}

/* "An unknown command gets one error line, with a guess ... (try
 * 'help')": a word of 64 bytes or more was cut to its first 20 with
 * neither, and x/NF with a format that long was taken for an unknown
 * command, not examine refusing its count. */
static void command__a_long_word_is_named_in_full(void **state)
{
    (void)state;
    char cmd[300], why[200];
    memset(why, 0, sizeof why);
    memset(why, 'q', 70);
    snprintf(cmd, sizeof cmd, "%s", why);
    snprintf(why + 70, sizeof why - 70, "' (try 'help')");
    char want[240];
    snprintf(want, sizeof want, "-c:1: unknown command '%s", why);
    cs_mon_fails(cmd, want);
    snprintf(cmd, sizeof cmd, "help %s", why);
    *strchr(cmd, '\'') = '\0';
    snprintf(want, sizeof want, "-c:1: help: unknown command '%s", why);
    cs_mon_fails(cmd, want);
    char nines[80];
    memset(nines, '9', 70);
    nines[70] = '\0';
    snprintf(cmd, sizeof cmd, "x/%sx 0", nines);
    snprintf(want, sizeof want, "-c:1: examine: bad count in '/%sx'", nines);
    cs_mon_fails(cmd, want);
    snprintf(cmd, sizeof cmd, "x /%sx 0", nines); /* QEMU's form, a word of its own */
    cs_mon_fails(cmd, want);
}

/* The monitor prefixes an error with the script position, FILE:LINE:
 * (docs/robustness.md), and the error is one line with a control
 * character shown escaped (docs/monitor.md): the script's own name too.
 * A newline in it split the line in two, an escape reached the terminal. */
static void script__a_control_character_in_its_name_is_escaped(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "a\nb.mon", "bogus\n");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "a\\nb.mon:1: unknown command 'bogus' (try 'help')\n"));
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1);
    cs_outcome_free(&o);
    cs_write_text(path, sizeof path, "c\x1b[31md.mon", "set on-error continue\nbogus\n");
    char cmd[CS_PATH + 16];
    snprintf(cmd, sizeof cmd, "do \"%s\"", path);
    o = cs_mon(cmd);
    assert_non_null(strstr(o.err, "c\\x1b[31md.mon:2: unknown command 'bogus'"));
    assert_null(strchr(o.err, '\x1b'));
    cs_outcome_free(&o);
}

/* "tgm: monitor: cannot open script 'missing.mon': ..." (docs/robustness.md)
 * is one line, and so is the loss of a trace at the end of the session:
 * a newline or an escape in the file's name is shown escaped, as every
 * error shows it (docs/run.md).  Both wrote the name as it was. */
static void monitor__a_control_character_in_a_file_named_at_the_end_is_escaped(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "no\nsuch\x1b[1m.mon");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "no\\nsuch\\x1b[1m.mon': No such file or directory\n"));
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1);
    assert_null(strchr(o.err, '\x1b'));
    cs_outcome_free(&o);
    cs_tmp_path(path, sizeof path, "fu\nll");
    unlink(path);
    assert_int_equal(symlink("/dev/full", path), 0);
    char cmd[CS_PATH + 64];
    snprintf(cmd, sizeof cmd, "trace insns to \"%s\"; load examples/sum.s; go for 3", path);
    o = cs_mon(cmd);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "fu\\nll: cannot write: No space left on device\n"));
    assert_ptr_equal(strchr(o.err, '\n'), o.err + strlen(o.err) - 1);
    cs_outcome_free(&o);
    unlink(path);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_fuzzmon");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(help__an_empty_word_is_an_unknown_command),
        cmocka_unit_test(monitor__a_long_image_name_is_loaded),
        cmocka_unit_test(script__a_line_past_1_mib_once_substituted_is_not_run),
        cmocka_unit_test(command__a_long_word_is_named_in_full),
        cmocka_unit_test(script__a_control_character_in_its_name_is_escaped),
        cmocka_unit_test(monitor__a_control_character_in_a_file_named_at_the_end_is_escaped),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
