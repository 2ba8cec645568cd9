/* test_audit_mon.c: monitor behaviours docs/monitor.md states that an
 * audit found broken: keywords taken in any case.  Each test fails on the
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

#include <cmocka.h>

#include "cli_support.h"

/* "Commands, their prefixes and letters, subcommands and keywords are
 * taken in any case": a watchpoint's kind, 'if', 'list', display's
 * 'delete' and 'all', trace's 'screen' and log's 'off' too. */
static void keywords__in_any_case(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; watch READ total; watch list", "1  watch  read 0xd..0xd");
    cs_mon_prints("load examples/sum.s; watch Access total; watch LIST",
                  "1  watch  access 0xd..0xd");
    cs_mon_prints("load examples/sum.s; watch total IF E[total] > 100; info watch",
                  "if E[total] > 100");
    cs_mon_prints("load examples/sum.s; break loop If i == 3; break List", "if i == 3");
    cs_mon_prints("display 1; display DELETE ALL; display",
                  "no display expressions ('display EXPR' adds one)");
    cs_mon_prints("trace insns TO SCREEN", "; to screen (0 of at most");
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "kw.log");
    snprintf(cmds, sizeof cmds, "log %s; log OFF", path);
    char want[CS_PATH + 32];
    snprintf(want, sizeof want, "log %s closed", path);
    cs_mon_prints(cmds, want);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(keywords__in_any_case),
    };
    return cmocka_run_group_tests_name("audit_mon", tests, group_setup, group_teardown);
}
