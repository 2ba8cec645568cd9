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

/* The guest's lines of a 'stack step' in the text from *AT up to the
 * next line "==" (then *AT is past them): each line's text before
 * "(after", and the real steps it says. */
static int top_lines(const char **at, char line[][80], uint64_t *real, int max)
{
    int n = 0;
    const char *p = *at, *end = strstr(p, "\n==");
    while (n < max && (p = strstr(p, "  top guest ")) != NULL && (!end || p < end)) {
        const char *a = strstr(p, "(after "), *e = strchr(p, '\n');
        assert_non_null(a);
        assert_true(!e || a < e);
        snprintf(line[n], 80, "%.*s", (int)(a - p), p);
        unsigned long long r;
        assert_int_equal(sscanf(a, "(after %llu", &r), 1);
        real[n++] = r;
        p = a;
    }
    *at = p && (!end || p < end) ? p : end ? end : *at + strlen(*at);
    return n;
}

/* docs/monitor.md: 'stack step N' runs "until the guest on top has taken
 * N steps".  After 'go for K' or 'step K' stopped inside the levels'
 * handling of one of its steps, that step is the first the next 'stack
 * step' completes, whether level 1 counted it before the stop or not: the
 * line it shows is the model run's (from one 'stack step 40') for the
 * first step not complete at the stop, with the real steps left to it.
 * (That step was lost when level 1 had counted it.) */
static void stack_step__after_a_run_stopped_inside_a_step(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        unsigned depth, from, to, by;
    } cases[] = {{"examples/supervisor.s", 1, 1, 160, 1}, {"examples/hello.s", 2, 1, 900, 7}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char cmds[16384], line[48][80];
        uint64_t real[48], at[48];
        int len = snprintf(cmds, sizeof cmds, "nest %u %s; stack step 40; echo ==",
                           cases[c].depth, cases[c].file);
        for (unsigned k = cases[c].from; k <= cases[c].to; k += cases[c].by)
            len += snprintf(cmds + len, sizeof cmds - (size_t)len,
                            "; nest %u %s; stack step 10; %s %u; echo ==>; stack step",
                            cases[c].depth, cases[c].file, k % 2 ? "go for" : "step", k);
        assert_true(len < (int)sizeof cmds);
        struct cs_outcome o = cs_mon_ok(cmds);
        const char *p = o.out;
        int n = top_lines(&p, line, real, 48);
        assert_int_equal(n, 41); /* where it starts, then 40 steps */
        for (int i = 0; i < n; i++)
            at[i] = (i ? at[i - 1] : 0) + real[i];
        for (unsigned k = cases[c].from; k <= cases[c].to; k += cases[c].by) {
            char got[1][80];
            uint64_t r;
            assert_non_null(p = strstr(p, "==>\n"));
            assert_int_equal(top_lines(&p, got, &r, 1), 1);
            int i = 11;
            while (i < n && at[i] <= at[10] + k)
                i++;
            assert_true(i < n);
            if (strcmp(got[0], line[i]) || r != at[i] - at[10] - k)
                fail_msg("%s at depth %u, after %s %u: '%s(after %llu' where the model "
                         "has '%s(after %llu'", cases[c].file, cases[c].depth,
                         k % 2 ? "go for" : "step", k, got[0], (unsigned long long)r, line[i],
                         (unsigned long long)(at[i] - at[10] - k));
        }
        cs_outcome_free(&o);
    }
    /* so after 'rstep' back into the handling of a COUT */
    cs_mon_prints("nest 1 examples/supervisor.s; stack step 11; rstep 30; stack step 1",
                  "back 30 steps, at step 80: s I=0 P=0x00096 l=0x00000 b=0x80000\n"
                  "  0x00096 advance      SHR    t1, vpsw, k39\n"
                  "  top guest s I=0 P=0x00051 l=0x00000 b=0x80000  (after 30 real steps)\n");
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
        cmocka_unit_test(stack_step__after_a_run_stopped_inside_a_step),
        cmocka_unit_test(timeline__ends_with_the_direct_stretch_under_way),
        cmocka_unit_test(timeline__restore_of_another_session_starts_again),
    };
    return cmocka_run_group_tests_name("audit_rev", tests, group_setup, group_teardown);
}
