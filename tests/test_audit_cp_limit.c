/* test_audit_cp_limit.c: a VM that meets its 'vm limit' during a run
 * without taking a step (the limit lowered to or below the steps it has
 * taken, docs/monitor.md: "at or below the steps taken, before its next")
 * is still said at the run's end: "the end of a run when no VM is
 * runnable, each VM with its state", and a 'for N' stop names each VM
 * that halted or met its limit during the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

static const char printer_src[] = "        .entry start\n"
                                  "start:  LI    n, 50\n"
                                  "again:  LI    ch, 80\n"
                                  "        COUT  ch\n"
                                  "        LI    ch, 10\n"
                                  "        COUT  ch\n"
                                  "        DJNZ  n, again\n"
                                  "        HALT\n"
                                  "n:      .word 0\n"
                                  "ch:     .word 0\n";

static const char loop_src[] = "        .entry start\n"
                               "start:  ADDI  c, c, 1\n"
                               "        JMP   start\n"
                               "c:      .word 0\n";

static void cmds_for(char *cmds, size_t len, const char *tail)
{
    char pr[CS_PATH], lp[CS_PATH];
    cs_write_text(pr, sizeof pr, "pr.s", printer_src);
    cs_write_text(lp, sizeof lp, "lp.s", loop_src);
    snprintf(cmds, len,
             "set slice 20; vm create pr 64 %s; vm create lp 16 %s; go for 30; "
             "vm limit lp 5; %s",
             pr, lp, tail);
}

/* 'go' to the end: lp, selected, met its limit at its first turn */
static void limit_lowered__said_when_no_vm_is_runnable(void **state)
{
    (void)state;
    char cmds[3 * CS_PATH];
    cmds_for(cmds, sizeof cmds, "go");
    struct cs_outcome o = cs_mon_ok(cmds);
    const char *end = strstr(o.out, "no VM is runnable after");
    if (!end || !strstr(end, "pr: halted: ") || !strstr(end, "lp: step limit: "))
        fail_msg("want pr and lp said after the run's end, got\n%s", o.out);
    cs_outcome_free(&o);
}

/* 'go for N' whose steps all go to pr: lp met its limit meanwhile */
static void limit_lowered__said_at_a_for_n_stop(void **state)
{
    (void)state;
    char cmds[3 * CS_PATH];
    cmds_for(cmds, sizeof cmds, "go for 12; vm list");
    struct cs_outcome o = cs_mon_ok(cmds);
    const char *end = strstr(o.out, "lp: runnable");
    if (!end || !strstr(end, "after 12 steps") || !strstr(end, "lp: step limit: "))
        fail_msg("want lp's step limit said at the stop, got\n%s", o.out);
    cs_outcome_free(&o);
}

/* monitor.md: destroying the selected VM leaves the focus on the bare
 * machine, not on the other VM */
static void destroy__the_selected_vm_leaves_the_focus_bare(void **state)
{
    (void)state;
    char cmds[3 * CS_PATH];
    cmds_for(cmds, sizeof cmds, "vm select lp; vm destroy lp; show");
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "lp destroyed; its region is free\nfocus: bare\n");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_cp_limit");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_lowered__said_when_no_vm_is_runnable),
        cmocka_unit_test(destroy__the_selected_vm_leaves_the_focus_bare),
        cmocka_unit_test(limit_lowered__said_at_a_for_n_stop),
    };
    return cmocka_run_group_tests_name("audit_cp_limit", tests, group_setup, group_teardown);
}
