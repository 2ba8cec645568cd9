/* test_audit_mutmon54b.c: cases that a mutation audit of the monitor's
 * debugging and VM commands (break, watch, trap and class stops, ignore,
 * delete, trace, history, go, vm, nest, set memory, save and restore)
 * found no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md) at the edge a mutant
 * moved: a watchpoint's old value after hits 'stack step' let pass,
 * 'none' as a trap cause, 'ignore' on a watchpoint, a condition of 1023
 * and 1024 bytes, a class stop's address in a VM, breakpoints on the
 * last word 'set memory' keeps, the number after restored breakpoints,
 * 'cycles N' at a boundary of exactly N, an option word alone after
 * 'continue' in a list, a trace file and its note filling the cap
 * exactly, the screen's count from each 'trace', 'history' of 20.
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

/* ---- breakpoints and watchpoints ------------------------------------ */

/* docs/monitor.md, 'watch': "A hit shows a write's old and new value",
 * and 'stack step' reports a watchpoint "as they stop 'go'": after hits
 * an ignore count let pass, the old value is the last write's, not the
 * word as the run began.  (examples/sum.s's total is E[0xd] of the
 * guest, at 0x280 on one level; its writes are 0, 0x1f, 0x48.) */
static void watch__old_value_follows_hits_passed_in_stack_step(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("nest 1 examples/sum.s; watch 0x28d ignore 2; stack step 100");
    assert_non_null(strstr(o.out, "watchpoint 1: write E[0x28d] 0x1f -> 0x48, hit 3 times\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'break': "break trap CAUSE  stop after a trap:
 * privileged memory svc illegal timer": 'none', which names no trap, is
 * no cause. */
static void break__none_is_no_trap_cause(void **state)
{
    (void)state;
    cs_mon_fails("break trap none",
                 "break: unknown trap cause 'none' (one of: privileged memory svc illegal timer)");
    cs_mon_fails("break trap svc none", "unknown trap cause 'none'");
}

/* docs/monitor.md, 'ignore': "for N = 0 'breakpoint 1 will stop at its
 * next hit'.  A watchpoint is named as one", whatever N. */
static void ignore__names_a_watchpoint_as_one(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("watch 5; ignore 1 0; ignore 1 1; ignore 1 2");
    static const char *const want[] = {"watchpoint 1 will stop at its next hit",
                                       "watchpoint 1 will ignore its next hit",
                                       "watchpoint 1 will ignore its next 2 hits", NULL};
    cs_assert_lines_in_order(o.out, want, "ignore on a watchpoint");
    cs_outcome_free(&o);
}

/* docs/monitor.md: "A condition, its words joined by single spaces, holds
 * at most 1023 bytes ...: a longer one is refused and sets nothing
 * (`break: condition of 1024 bytes is too long (at most 1023)`)": at
 * the edge, 1023 bytes are kept and 1024 refused. */
static void break__a_condition_holds_1023_bytes_not_1024(void **state)
{
    (void)state;
    char cmds[1200];
    /* 1 with leading zeros: a number of LEN digits that is true */
    for (size_t len = 1023; len <= 1024; len++) {
        static const char head[] = "set on-error continue; break 3 if ";
        size_t h = sizeof head - 1;
        memcpy(cmds, head, h);
        memset(cmds + h, '0', len - 1);
        strcpy(cmds + h + len - 1, "1; break list");
        struct cs_outcome o = cs_mon(cmds);
        assert_int_equal(o.status, 0);
        if (len == 1023) {
            assert_non_null(strstr(o.out, "  1  break  0x3  hits 0  if 000"));
        } else {
            assert_non_null(
                strstr(o.err, "break: condition of 1024 bytes is too long (at most 1023)"));
            assert_non_null(strstr(o.out, "no breakpoints"));
        }
        cs_outcome_free(&o);
    }
}

/* docs/monitor.md, 'break': a class stop's hit names "the classes and
 * instruction ('breakpoint 2 (class privileged: COUT) at 0x50')", and
 * with a VM selected addresses are the VM's own E: supervisor.s's COUT
 * at 0x50 is at 0x50 in a VM whose region starts at real 0x8. */
static void break__a_class_stop_in_a_vm_names_the_vms_address(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("vm create a 4096 examples/supervisor.s; break class privileged; go");
    assert_non_null(strstr(o.out, "at real 0x8..0x1007"));
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged: COUT) at 0x50, hit 1 time\n"
                                  "a: stopped at 0x50 after 10 steps"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Snapshots": `set memory` "takes away those outside its
 * new memory": those that end on its last word stay. */
static void set_memory__keeps_breakpoints_on_the_last_word(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("break 0xf; watch 0xe 2; break 0x10; set memory 16; break list");
    static const char *const want[] = {"breakpoint 3 deleted: outside the new memory",
                                       "  1  break  0xf  hits 0",
                                       "  2  watch  write 0xe..0xf  hits 0", NULL};
    cs_assert_lines_in_order(o.out, want, "set memory 16");
    assert_null(strstr(o.out, "breakpoint 1 deleted"));
    assert_null(strstr(o.out, "watchpoint 2 deleted"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Snapshots": restored breakpoints replace the
 * session's, "and one set after it is numbered on from the session's, as
 * a session never gives a number twice": a new session that restores
 * breakpoint 1 numbers the next 2. */
static void restore__numbers_on_after_a_restored_breakpoint(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(snap, sizeof snap, "one.snap");
    snprintf(cmds, sizeof cmds, "break 3; save %s", snap);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "restore %s; break 4; break list", snap);
    o = cs_mon_ok(cmds);
    static const char *const want[] = {"breakpoint 2 at 0x4", "  1  break  0x3  hits 0",
                                       "  2  break  0x4  hits 0", NULL};
    cs_assert_lines_in_order(o.out, want, "restore, then break");
    cs_outcome_free(&o);
}

/* ---- running -------------------------------------------------------- */

/* docs/monitor.md, 'go': "'cycles N' at the first instruction boundary
 * after N cycles of this run": a boundary at exactly N is that one
 * (hello.s's first steps take 1, 3 and 1 cycles), not the next. */
static void go__cycles_stops_at_a_boundary_of_exactly_n(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/hello.s; go cycles 4; go cycles 1");
    static const char *const want[] = {
        "stopped after 2 steps, 4 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000",
        "stopped after 1 step, 1 cycle: s I=0 P=0x00005 l=0x00000 b=0x80000", NULL};
    cs_assert_lines_in_order(o.out, want, "go cycles");
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'continue': inside a breakpoint's command list it
 * "resumes the run that stopped, with the options it was started with:
 * 'until', 'for' and 'cycles' are refused there", the word alone too
 * (it did not resume the run), failing the run that hit it. */
static void continue__an_option_word_alone_is_refused_in_a_list(void **state)
{
    (void)state;
    cs_mon_fails("load examples/hello.s; break 4 do \"continue cycles\"; go",
                 "continue: 'cycles' does not apply in a breakpoint's commands");
    cs_mon_fails("load examples/hello.s; break 4 do \"go for\"; go",
                 "go: 'for' does not apply in a breakpoint's commands");
}

/* ---- tracing -------------------------------------------------------- */

/* The trace file of 'trace insns to F max CAP; step 3' (hello.s). */
static char *capped_trace(unsigned cap, size_t *len)
{
    char path[CS_PATH], name[32], cmds[CS_PATH + 96];
    snprintf(name, sizeof name, "cap%u.trace", cap);
    cs_tmp_path(path, sizeof path, name);
    snprintf(cmds, sizeof cmds, "load examples/hello.s; trace insns to %s max %u; step 3; "
             "trace off", path, cap);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    return cs_slurp(path, len);
}

/* docs/monitor.md, 'trace': output "stops at BYTES ..., the note that
 * says so included, so a cap smaller than the note shows nothing": a
 * line and the note that fill the cap exactly are both written (the
 * first line is 60 bytes, the note for 107 is 47), and a note of exactly
 * the cap (46) is written, one byte less (45) shows nothing. */
static void trace__a_file_fills_its_cap_exactly(void **state)
{
    (void)state;
    size_t len;
    char *t = capped_trace(107, &len);
    assert_int_equal(len, 107);
    assert_string_equal(t, "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n"
                           "[trace stopped: size cap of 107 bytes reached]\n");
    free(t);
    t = capped_trace(46, &len);
    assert_string_equal(t, "[trace stopped: size cap of 46 bytes reached]\n");
    free(t);
    t = capped_trace(45, &len);
    assert_int_equal(len, 0);
    free(t);
}

/* docs/monitor.md, 'trace': "the screen counts from each 'trace'": three
 * lines of 60 bytes, each after its own 'trace', all pass a cap of 130
 * that two of them and the note would not. */
static void trace__the_screen_counts_from_each_trace(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/hello.s; trace insns max 130; step; "
                                    "trace insns; step; trace insns; step");
    assert_non_null(strstr(o.out, "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n"));
    assert_non_null(strstr(o.out, "         4 s I=0 P=0x00003 "));
    assert_non_null(strstr(o.out, "         5 s I=0 P=0x00004 "));
    assert_null(strstr(o.out, "trace stopped"));
    const char *p = o.out;
    int fresh = 0;
    while ((p = strstr(p, "to screen (0 of at most 130 bytes)")))
        fresh++, p++;
    assert_int_equal(fresh, 3);
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'history': "Show the last N instructions executed
 * (default 20 ...)": sum.s runs 53, and 'history' shows 20 of them, the
 * HALT last. */
static void history__shows_20_by_default(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/sum.s; go; echo ---; history");
    const char *h = strstr(o.out, "---\n");
    assert_non_null(h);
    int lines = 0;
    for (const char *c = h + 4; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 20);
    assert_non_null(strstr(h, "HALT\n"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutmon54b");
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
        cmocka_unit_test(watch__old_value_follows_hits_passed_in_stack_step),
        cmocka_unit_test(break__none_is_no_trap_cause),
        cmocka_unit_test(ignore__names_a_watchpoint_as_one),
        cmocka_unit_test(break__a_condition_holds_1023_bytes_not_1024),
        cmocka_unit_test(break__a_class_stop_in_a_vm_names_the_vms_address),
        cmocka_unit_test(set_memory__keeps_breakpoints_on_the_last_word),
        cmocka_unit_test(restore__numbers_on_after_a_restored_breakpoint),
        cmocka_unit_test(go__cycles_stops_at_a_boundary_of_exactly_n),
        cmocka_unit_test(continue__an_option_word_alone_is_refused_in_a_list),
        cmocka_unit_test(trace__a_file_fills_its_cap_exactly),
        cmocka_unit_test(trace__the_screen_counts_from_each_trace),
        cmocka_unit_test(history__shows_20_by_default),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
