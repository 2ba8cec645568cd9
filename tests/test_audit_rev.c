/* test_audit_rev.c: reverse execution, VMs and stacks of control programs
 * where docs/monitor.md and the monitor disagreed.  Each test fails on the
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

/* "The history begins where the machine was last changed other than by
 * running it": 'stack step' runs the stack on the bare machine, so rstep
 * takes it back, and a 'go' after it keeps the steps before in the
 * history. */
static void stack_step__is_in_the_reverse_history(void **state)
{
    (void)state;
    cs_mon_prints("nest 2 examples/hello.s; stack step 10; rstep 100; assert steps == 557",
                  "back 100 steps, at step 557");
    /* the same point as 'stack step 10' left, after going on and back */
    cs_mon_prints("nest 2 examples/hello.s; stack step 10; go; rstep 3118; "
                  "assert steps == 657; rstep 657",
                  "back 657 steps, at step 0");
}

/* docs/run.md: the control program's slice is each stretch it had the
 * processor "until a VM runs again", and the VMs' direct slices add up to
 * their cycles in the guest.  A picture written while a VM runs between
 * two of its traps (after 'step 40', 64 guest cycles, 30 the control
 * program's) ends with that VM's direct slice so far, not with the
 * control program's slice stretched over it. */
static void timeline__ends_with_the_direct_stretch_under_way(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    const char *fmt[] = {"%s.json", "%s.svg"};
    const char *want[] = {"\"name\":\"privileged -> interpreted\",\"cat\":\"cp\",\"ph\":\"X\","
                          "\"pid\":1,\"tid\":0,\"ts\":82,\"dur\":5,\"args\":{\"vm\":\"a\"}},\n"
                          "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,"
                          "\"tid\":1,\"ts\":87,\"dur\":7}\n]}",
                          "<rect class=\"direct\" x=\"1009.26\" y=\"82\" width=\"70.74\""};
    for (int i = 0; i < 2; i++) {
        char name[32];
        snprintf(name, sizeof name, fmt[i], "under-way");
        cs_tmp_path(path, sizeof path, name);
        snprintf(cmds, sizeof cmds,
                 "vm create a 8192 examples/supervisor.s; timeline on; step 40; timeline %s",
                 path);
        struct cs_outcome o = cs_mon_ok(cmds);
        cs_outcome_free(&o);
        char *text = cs_slurp(path, NULL);
        assert_non_null(text);
        if (!strstr(text, want[i]))
            fail_msg("%s lacks %s", name, want[i]);
        free(text);
        remove(path);
    }
}

/* docs/monitor.md: restore takes a timeline back as rstep does; a
 * snapshot of another session, whose VM 0 is 'a', not the 'q' recorded,
 * has none of those events in its past, so the recording starts at the
 * restored point and draws what recording there would: no 'q' track. */
static void timeline__restore_of_another_session_starts_again(void **state)
{
    (void)state;
    char snap[CS_PATH], a[CS_PATH], b[CS_PATH], cmds[3 * CS_PATH + 256];
    cs_tmp_path(snap, sizeof snap, "other.snap");
    cs_tmp_path(a, sizeof a, "other-a.json");
    cs_tmp_path(b, sizeof b, "other-b.json");
    const char *vms = "set slice 40; vm create a 4096 examples/calls.s; "
                      "vm create b 4096 examples/hello.s";
    snprintf(cmds, sizeof cmds, "%s; go for 150; save %s", vms, snap);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds,
             "set slice 40; vm create q 8192 examples/supervisor.s; timeline on; go; "
             "restore %s; go; timeline %s",
             snap, a);
    o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "restore %s; timeline on; go; timeline %s", snap, b);
    o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    size_t la, lb;
    char *ta = cs_slurp(a, &la), *tb = cs_slurp(b, &lb);
    assert_non_null(ta);
    assert_non_null(tb);
    assert_null(strstr(ta, "\"name\":\"q\""));
    assert_int_equal(la, lb);
    assert_memory_equal(ta, tb, la);
    free(ta);
    free(tb);
    remove(snap);
    remove(a);
    remove(b);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rev");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_step__is_in_the_reverse_history),
        cmocka_unit_test(timeline__ends_with_the_direct_stretch_under_way),
        cmocka_unit_test(timeline__restore_of_another_session_starts_again),
    };
    return cmocka_run_group_tests_name("audit_rev", tests, group_setup, group_teardown);
}
