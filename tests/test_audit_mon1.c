/* test_audit_mon1.c: monitor behaviours docs/monitor.md states that a
 * second audit of its general rules found broken.  Each test fails on the
 * tree before its fix.
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
#include <sys/wait.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/monitor.h"

/* 'tgm monitor -c CMDS' with its output and errors on one pipe, as a
 * user's '2>&1 | less' sees them: BUF gets what it wrote; the status. */
static int mon_merged(const char *cmds, char *buf, size_t len)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "'%s' monitor -c \"%s\" 2>&1 </dev/null", cs_tgm(), cmds);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(buf, 1, len - 1, p);
    buf[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* 'log FILE' copies the session and leaves the screen as it was: an error
 * line still comes after the output of the commands before it, not before
 * output held back in the screen's stream behind the log. */
static void log__screen_keeps_its_order(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 128], out[4096];
    cs_tmp_path(path, sizeof path, "order.log");
    snprintf(cmds, sizeof cmds,
             "set on-error continue; log %s; print 1; print nosuch; print 2; log off", path);
    assert_int_equal(mon_merged(cmds, out, sizeof out), 0);
    static const char *const want[] = {
        "0x1 (1)", "-c:1: print: unknown name 'nosuch'", "0x2 (2)", NULL,
    };
    cs_assert_lines_in_order(out, want, "log with 2>&1");
    char *log = cs_slurp(path, NULL);
    cs_assert_lines_in_order(log, want, path);
    free(log);
}

/* "the session ends at the first output that cannot be written": the
 * session must see the failed write with a log open too, where the
 * screen's stream sits behind the log's copy. */
static void log__a_failed_screen_write_is_seen(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (!full)
        skip();
    FILE *err = fopen("/dev/null", "w");
    assert_non_null(err);
    struct mon *m = mon_create(full, err);
    assert_non_null(m);
    char path[CS_PATH], cmd[CS_PATH + 16];
    cs_tmp_path(path, sizeof path, "full.log");
    snprintf(cmd, sizeof cmd, "log %s", path);
    assert_int_equal(mon_exec_line(m, cmd), 0);
    mon_exec_line(m, "print 1");
    assert_int_not_equal(mon_output_errno(m), 0);
    mon_destroy(m);
    fclose(full);
    fclose(err);
}

/* "An unknown name in an expression gets one too, from the labels of the
 * loaded program and the built-in names below": E[x], V[x] and the
 * functions are among them, guessed where their bracket follows. */
static void expr__guess_covers_memory_and_functions(void **state)
{
    (void)state;
    cs_mon_fails("print e[1]", "print: unknown name 'e' (did you mean 'E'?)");
    cs_mon_fails("print v [1]", "print: unknown name 'v' (did you mean 'V'?)");
    cs_mon_fails("assert E[1] == pws(sup, 0, 0, q)",
                 "assert: unknown name 'pws' (did you mean 'psw'?)");
    /* without the bracket it is no such call, and no guess is made */
    cs_mon_fails_without("print e", "print: unknown name 'e'", "did you mean");
    cs_mon_fails_without("print r", "print: unknown name 'r'", "did you mean");
}

/* "Subcommands and keywords may be abbreviated too": a watchpoint's kind
 * as well, unless the shortened word is a label (calls.s's 'acc'). */
static void watch__kind_abbreviated(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; watch acc total; watch list",
                  "1  watch  access 0xd..0xd total");
    cs_mon_prints("load examples/sum.s; watch R x; watch list", "1  watch  read 0xc..0xc x");
    cs_mon_prints("load examples/sum.s; watch wri total; watch list",
                  "1  watch  write 0xd..0xd total");
    cs_mon_fails("load examples/sum.s; watch total wri",
                 "the kind goes before the address: 'watch wri total'");
    cs_mon_prints("load examples/calls.s; watch acc; watch list", "1  watch  write 0x2d..0x2d acc");
}

/* ... and so is 'list' ('vm lis' is the doc's own example), but not to
 * 'l', the PSW's l, nor where the shortened word is a label. */
static void list__abbreviated(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; break loop; break lis", "1  break  0x4 loop  hits 0");
    cs_mon_prints("load examples/sum.s; watch total; watch LI", "1  watch  write 0xd..0xd total");
    cs_mon_prints("load examples/sum.s; break l", "breakpoint 1 at 0");
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(path, sizeof path, "li.s",
                  "        .entry li\nli:     NOP\n        HALT\n");
    snprintf(cmds, sizeof cmds, "load %s; break li", path);
    cs_mon_prints(cmds, "breakpoint 1 at 0 li");
}

/* 'display delete N...|all' with 'all' shortened, as 'delete al' takes it. */
static void display__delete_all_abbreviated(void **state)
{
    (void)state;
    cs_mon_prints("display 1; display 2; display del al; display",
                  "no display expressions ('display EXPR' adds one)");
    cs_mon_fails("display 1; display delete all 1", "display: no display all");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon1");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(log__screen_keeps_its_order),
        cmocka_unit_test(log__a_failed_screen_write_is_seen),
        cmocka_unit_test(expr__guess_covers_memory_and_functions),
        cmocka_unit_test(watch__kind_abbreviated),
        cmocka_unit_test(list__abbreviated),
        cmocka_unit_test(display__delete_all_abbreviated),
    };
    return cmocka_run_group_tests_name("audit_mon1", tests, group_setup, group_teardown);
}
