/* test_audit_os2.c: what running the time-sharing OS of docs/os.md bare,
 * under the control program and on stacks of the machine-code control
 * program (docs/recursion.md, the monitor's nest and stack) found to differ
 * from the docs.  Each test fails on the tree before its fix.
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
    return cs_setup("test_audit_os2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* The guest steps that 'stack step' output shows: one per line, or the N
 * of a line's "(N steps, ...". */
static uint64_t shown_steps(const char *out)
{
    uint64_t n = 0;
    for (const char *p = out; (p = strstr(p, "  top guest ")) != NULL; p++) {
        if (!strncmp(p, "  top guest starts", 18))
            continue; /* arriving at the entry is no step */
        const char *eol = strchr(p, '\n'), *paren = strstr(p, "  (");
        if (paren && (!eol || paren < eol) && strstr(paren, " steps, ") &&
            strstr(paren, " steps, ") < (eol ? eol : paren + strlen(paren)))
            n += strtoull(paren + 3, NULL, 10);
        else
            n++;
    }
    return n;
}

/* docs/monitor.md: 'stack step N' "prints the guest's PSW after each [of
 * its steps] with the real steps it took".  The guest's last step, its
 * HALT (which level 1 simulates), printed no line: stepping the OS to its
 * end showed 9170 of the bare machine's 9171 steps, and a 'stack step'
 * onto the HALT printed only "the stack halted". */
static void stack_step__shows_the_guests_halt_as_a_step(void **state)
{
    (void)state;
    struct cs_outcome b = cs_run_tgm("run", "--json", "--mem", "1024", "examples/os/os.s", NULL);
    assert_int_equal(b.status, 0);
    uint64_t bare = cs_json_u64(b.out, NULL, "steps");
    assert_int_equal(bare, 9171);
    cs_outcome_free(&b);

    struct cs_outcome o = cs_mon_ok("nest 2 examples/os/os.s mem 1024; stack step 20000");
    assert_non_null(strstr(o.out, "the stack halted (the guest on top executed HALT)\n"));
    assert_int_equal(shown_steps(o.out), bare);
    cs_outcome_free(&o);

    /* one step short of the end, then the HALT alone: its PSW, P past it,
     * as level 1 records it and 'stack' shows it */
    o = cs_mon_ok("nest 2 examples/os/os.s mem 1024; stack step 9170; stack step 1");
    const char *halt = strstr(o.out, "the stack halted");
    assert_non_null(halt);
    const char *line = strstr(o.out, "  top guest s I=0 P=0x00083 l=0x00000 b=0x80000  (after ");
    if (!line || line > halt)
        fail_msg("no line for the HALT step before the stack halted:\n%s", halt);
    assert_null(strstr(halt, "top guest"));
    cs_outcome_free(&o);
}

/* The "stopped at ..." line of OUT, NUL-terminated into BUF. */
static void stop_line(const char *out, char *buf, size_t len)
{
    const char *p = strstr(out, "stopped at ");
    if (!p)
        fail_msg("no stop in:\n%s", out);
    size_t n = strcspn(p, "\n");
    assert_true(n < len);
    memcpy(buf, p, n);
    buf[n] = '\0';
}

/* docs/monitor.md: 'stack step N' stops at "a breakpoint, watchpoint or
 * trap stop, with the report a run gives".  Watchpoints and trap stops
 * did, but an execution or class breakpoint never stopped it: the real
 * machine ran through the control program's v_cout, and through the OS's
 * own code on top, as if no breakpoint were set. */
static void stack_step__stops_at_a_breakpoint_as_go_does(void **state)
{
    (void)state;
    static const char *const bps[] = {
        "break v_cout",             /* level 2's interpreter of COUT */
        "break class privileged",   /* the first privileged instruction */
        "break 0x594",              /* the OS's puts, at 2 x 640 + 0x94 */
    };
    for (size_t i = 0; i < sizeof bps / sizeof bps[0]; i++) {
        char cmds[256], want[256], got[256];
        snprintf(cmds, sizeof cmds, "nest 2 examples/os/os.s; %s; go", bps[i]);
        struct cs_outcome g = cs_mon_ok(cmds);
        stop_line(g.out, want, sizeof want);
        cs_outcome_free(&g);
        snprintf(cmds, sizeof cmds, "nest 2 examples/os/os.s; %s; stack step 100", bps[i]);
        struct cs_outcome o = cs_mon_ok(cmds);
        stop_line(o.out, got, sizeof got);
        assert_string_equal(got, want);
        assert_non_null(strstr(o.out, "hit 1 time"));
        assert_true(shown_steps(o.out) < 100);
        cs_outcome_free(&o);
    }
    /* stepping on from a breakpoint goes past it, to its next hit */
    struct cs_outcome o = cs_mon_ok("nest 2 examples/os/os.s; break 0x594; stack step 100; "
                                    "stack step 100");
    assert_non_null(strstr(o.out, "breakpoint 1 at 0x594, hit 2 times\n"));
    cs_outcome_free(&o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_step__shows_the_guests_halt_as_a_step),
        cmocka_unit_test(stack_step__stops_at_a_breakpoint_as_go_does),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
