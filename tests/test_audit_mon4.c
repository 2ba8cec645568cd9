/* test_audit_mon4.c: docs/monitor.md from "Starting" to "Bare machine, VMs
 * and the focus", where an audit found the monitor saying otherwise.  Each
 * test fails on the tree before its fix.
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

/* "'history 0' shows no lines and succeeds": before anything ran too (it
 * said "no instructions executed yet") and with the ring off (it failed,
 * "the history ring is off"), so that a script's computed count may be 0. */
static void history__0_shows_no_lines_whatever_the_ring(void **state)
{
    (void)state;
    cs_mon_prints_exactly("history 0; echo end", "end\n");
    cs_mon_prints_exactly(
        "load examples/sum.s; history 0; echo end",
        "bare: loaded examples/sum.s: 35 words at 0, 10 symbols; entry P=0x2 M=s\nend\n");
    cs_mon_prints_exactly("set ring 0; history 0; echo end", "end\n");
    /* a count other than 0 still says so */
    cs_mon_prints("history 1", "no instructions executed yet\n");
    cs_mon_fails("set ring 0; history 1", "the history ring is off");
}

/* "An unknown name in an expression gets one too, from the labels of the
 * loaded program and the built-in names": examples/supervisor.s has labels
 * 'cause' and 's', which hide the built-ins of those names; the two were
 * counted as a tie, and CAUSE got no guess. */
static void expr__a_label_named_as_a_builtin_is_still_guessed(void **state)
{
    (void)state;
    cs_mon_fails("load examples/supervisor.s; print CAUSE",
                 "unknown name 'CAUSE' (did you mean 'cause'?)");
    cs_mon_fails("load examples/supervisor.s; break Cause",
                 "unknown name 'Cause' (did you mean 'cause'?)");
    cs_mon_fails("load examples/supervisor.s; print S", "unknown name 'S' (did you mean 's'?)");
    /* and $ names only the built-in, as before */
    cs_mon_fails("load examples/supervisor.s; print $CAUSE",
                 "unknown name '$CAUSE' (did you mean '$cause'?)");
}

/* "An address is shown there in the base it was typed in ... an
 * expression's value is shown in hex": examine's empty range showed both
 * ends in hex ('examine 2..0' said 0x2..0). */
static void examine__an_empty_range_shows_its_ends_as_typed(void **state)
{
    (void)state;
    cs_mon_fails("examine 2..0", "examine: range 2..0 is empty");
    cs_mon_fails("examine 0x20..0x1f", "range 0x20..0x1f is empty");
    cs_mon_fails("examine 1_000 ..999", "range 1000..999 is empty");
    cs_mon_fails("examine 0o10..0b1", "range 0o10..0b1 is empty");
    cs_mon_fails("load examples/sum.s; examine loop..2", "range 0x4..2 is empty");
}

/* The table's constants: "`user` is 0, also `u`; `sup` is 1, also `s`
 * and `supervisor` ...; `true` is 1 and `false` 0", and a label hides
 * each as any built-in. */
static void expr__the_constants_and_their_other_names(void **state)
{
    (void)state;
    cs_mon_prints_exactly("print user; print u; print false", "0 (0)\n0 (0)\n0 (0)\n");
    cs_mon_prints_exactly("print sup; print s; print supervisor; print true",
                          "0x1 (1)\n0x1 (1)\n0x1 (1)\n0x1 (1)\n");
    cs_mon_prints_exactly("print none; print privileged; print memory; print svc; print illegal; "
                          "print timer",
                          "0 (0)\n0x1 (1)\n0x2 (2)\n0x3 (3)\n0x4 (4)\n0x5 (5)\n");
    cs_mon_prints("load examples/supervisor.s; print s == $s", "0 (0)\n");
}

/* 'trace': "a cap given stays for the traces after it until another
 * 'max'", which the default of 16M left open. */
static void trace__a_cap_stays_until_another_max(void **state)
{
    (void)state;
    cs_mon_prints_exactly("trace insns max 100; trace off; trace insns; trace; trace off; "
                          "trace traps max 16777216; trace",
                          "trace: insns on, traps off, cp off; to screen (0 of at most 100 bytes)\n"
                          "trace: insns off, traps off, cp off; to screen\n"
                          "trace: insns on, traps off, cp off; to screen (0 of at most 100 bytes)\n"
                          "trace: insns on, traps off, cp off; to screen (0 of at most 100 bytes)\n"
                          "trace: insns off, traps off, cp off; to screen\n"
                          "trace: insns off, traps on, cp off; to screen (0 of at most 16777216 "
                          "bytes)\n"
                          "trace: insns off, traps on, cp off; to screen (0 of at most 16777216 "
                          "bytes)\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mon4");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(history__0_shows_no_lines_whatever_the_ring),
        cmocka_unit_test(expr__a_label_named_as_a_builtin_is_still_guessed),
        cmocka_unit_test(examine__an_empty_range_shows_its_ends_as_typed),
        cmocka_unit_test(expr__the_constants_and_their_other_names),
        cmocka_unit_test(trace__a_cap_stays_until_another_max),
    };
    return cmocka_run_group_tests_name("audit_mon4", tests, group_setup, group_teardown);
}
