/* test_audit_mutcli53.c: cases that a mutation audit of the monitor's shell
 * and of the command line found no other suite asserting.
 *
 * 'next' meets breakpoints as 'go' does (docs/monitor.md), class stops too,
 * at an instruction it steps and inside a call it runs; and a stop set
 * twice stays while either is left.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* docs/monitor.md: breakpoints never patch memory and each is its own;
 * a trap or class stop set twice stops 'next' (which meets them as 'go'
 * does, with no 'go' to set them all again first) while either is left. */
static void mon__a_trap_stop_set_twice_stays_until_both_go(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/supervisor.s; break trap svc; "
                                    "break trap svc; delete 1; next 1000");
    assert_non_null(strstr(o.out, "breakpoint 2: svc trap at 0x4"));
    cs_outcome_free(&o);
    o = cs_mon_ok("load examples/supervisor.s; break class privileged; break class privileged; "
                  "delete 2; next 1000");
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'step': "a breakpoint, by address or class, does not
 * ('next' stops at one, as 'go' does)": a class stop before an
 * instruction 'next' steps, and before one inside a call it runs, as an
 * address breakpoint there stops it.  (It ran past both.) */
static void next__stops_at_a_class_breakpoint(void **state)
{
    (void)state;
    char flat[CS_PATH], call[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(flat, sizeof flat, "flat.s",
                  "        .entry s\ns:      NOP\n        COUT  c\n        HALT\n"
                  "c:      .word 65\n");
    cs_write_text(call, sizeof call, "call.s",
                  "        .entry s\ns:      JAL   link, sub\n        HALT\n"
                  "sub:    NOP\n        COUT  c\n        JMPI  link\nlink:   .word 0\n"
                  "c:      .word 65\n");
    snprintf(cmds, sizeof cmds, "load %s; break class privileged; next 3", flat);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged: COUT) at 0x1, hit 1 time\n"
                                  "stopped at 0x1 after 1 step, 1 cycle"));
    assert_null(strstr(o.out, "console <-"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "load %s; break class privileged; next", call);
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged: COUT) at 0x3, hit 1 time\n"
                                  "stopped at 0x3 after 2 steps, 3 cycles"));
    assert_null(strstr(o.out, "call returned"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutcli53");
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
        cmocka_unit_test(mon__a_trap_stop_set_twice_stays_until_both_go),
        cmocka_unit_test(next__stops_at_a_class_breakpoint),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
