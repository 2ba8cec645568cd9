/* test_audit_rev2.c: reverse execution and the timeline where
 * docs/monitor.md and docs/run.md and the monitor disagreed.  Each test
 * fails on the tree before its fix.
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

#define VMS                                                                                    \
    "set slice 40; vm create a 8192 examples/supervisor.s; "                                   \
    "vm create b 8192 examples/hello.s; vm select a"

/* Run CMDS, then write the timeline to STEM.json and STEM.svg; both files
 * are returned (malloc'd) in TEXT[0] and TEXT[1]. */
static void picture(const char *cmds, const char *stem, char *text[2], size_t len[2])
{
    char json[CS_PATH], svg[CS_PATH], name[64], line[4 * CS_PATH];
    snprintf(name, sizeof name, "%s.json", stem);
    cs_tmp_path(json, sizeof json, name);
    snprintf(name, sizeof name, "%s.svg", stem);
    cs_tmp_path(svg, sizeof svg, name);
    snprintf(line, sizeof line, "%s; timeline %s; timeline %s", cmds, json, svg);
    struct cs_outcome o = cs_mon_ok(line);
    cs_outcome_free(&o);
    text[0] = cs_slurp(json, &len[0]);
    text[1] = cs_slurp(svg, &len[1]);
    assert_non_null(text[0]);
    assert_non_null(text[1]);
    remove(json);
    remove(svg);
}

/* The two sessions draw the same pictures, byte for byte. */
static void same_pictures(const char *cmds, const char *want_cmds)
{
    char *got[2], *want[2];
    size_t glen[2], wlen[2];
    picture(cmds, "got", got, glen);
    picture(want_cmds, "want", want, wlen);
    for (int i = 0; i < 2; i++) {
        if (glen[i] != wlen[i] || memcmp(got[i], want[i], glen[i]))
            fail_msg("the %s differs from a recording begun at the restored point:\n"
                     "%.300s\n---\n%.300s",
                     i ? "SVG" : "JSON", got[i], want[i]);
        free(got[i]);
        free(want[i]);
    }
}

/* docs/monitor.md: "A snapshot of another session (a VM there that none
 * of the recorded tracks drew, by its name and region) has none of the
 * recorded events in its past: the recording starts again at the
 * restored point."  A recording that drew nothing yet drew none of the
 * snapshot's VMs: it was kept going from cycle 0, and the snapshot's past
 * (events never recorded) was drawn from its statistics, a direct slice
 * before the restored point and the control program's in the hole. */
static void timeline__restore_into_an_empty_recording_starts_again(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[2 * CS_PATH + 256], want[2 * CS_PATH + 256];
    cs_tmp_path(snap, sizeof snap, "later.snap");
    snprintf(cmds, sizeof cmds, VMS "; go for 100; save %s", snap);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "timeline on; restore %s; go for 50", snap);
    snprintf(want, sizeof want, "restore %s; timeline on; go for 50", snap);
    same_pictures(cmds, want);
    remove(snap);
}

/* docs/monitor.md: going back, a timeline "forgets the events undone ...
 * so that the picture is the one recorded up to that point", and docs/run.md:
 * slices "recorded from the start of the run, fill its time: the VMs'
 * direct slices add up to their cycles in the guest".  A restore forward,
 * to a snapshot saved later than the point 'rstep' went back to, has a past
 * whose events the recording forgot: it starts again there, as after
 * 'timeline off; timeline on' at that point (it drew a 168-cycle slice of
 * the control program over what had run meanwhile). */
static void timeline__restore_forward_past_forgotten_events_starts_again(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[2 * CS_PATH + 256];
    cs_tmp_path(snap, sizeof snap, "forward.snap");
    snprintf(cmds, sizeof cmds,
             VMS "; timeline on; go for 100; save %s; rstep 40; restore %s; go for 50", snap,
             snap);
    same_pictures(cmds, VMS "; timeline on; go for 100; timeline off; timeline on; go for 50");
    /* going back as far as before, without the restore, keeps what it can */
    cs_mon_prints(VMS "; timeline on; go for 100; rstep 40; timeline",
                  "timeline: recording, 1 event");
    remove(snap);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rev2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* docs/monitor.md: 'set checkpoint' starts a new history, and "right after
 * such a change ..., before anything runs, there is nothing to go back to,
 * and rstep and rcontinue say where the new history starts".  They said
 * "can go back at most 0 steps" and "no breakpoint ... at the start of the
 * history" instead, on the bare machine and in a VM. */
static void reverse__set_checkpoint_leaves_nothing_to_go_back_to(void **state)
{
    (void)state;
    static const char *const cmds[] = {"rstep", "rcontinue"};
    for (int k = 0; k < 2; k++) {
        char line[256];
        snprintf(line, sizeof line, "load examples/sum.s; step 5; set checkpoint 100; %s",
                 cmds[k]);
        cs_mon_fails(line, "nothing to go back to: the machine was changed since it last "
                           "ran, so its history starts here, at step 5 (run it");
        snprintf(line, sizeof line, "vm create a 256 examples/sum.s; vm select a; step 5; "
                 "set checkpoint 100; %s", cmds[k]);
        cs_mon_fails(line, "nothing to go back to: the VMs were changed since they last ran, "
                           "so their history starts here, at step 5 of VM a");
    }
    /* and once it runs, back as far as there */
    cs_mon_prints("load examples/sum.s; step 5; set checkpoint 100; step 2; rstep 2",
                  "back 2 steps, at step 5");
    cs_mon_prints("vm create a 256 examples/sum.s; vm select a; step 5; set checkpoint 100; "
                  "step 2; rstep 2",
                  "a: back 2 steps, at step 5");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timeline__restore_into_an_empty_recording_starts_again),
        cmocka_unit_test(timeline__restore_forward_past_forgotten_events_starts_again),
        cmocka_unit_test(reverse__set_checkpoint_leaves_nothing_to_go_back_to),
    };
    return cmocka_run_group_tests_name("audit_rev2", tests, group_setup, group_teardown);
}
