/* test_audit_json.c: the machine-readable outputs (JSON, the timeline's
 * trace and SVG) where they and the docs disagreed.  Each test fails on the
 * tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* Write the monitor's timeline after CMDS (which end in 'timeline ') to
 * NAME and return the file's text. */
static char *mon_timeline(const char *cmds, const char *name)
{
    char path[CS_PATH], all[CS_PATH + 400];
    cs_tmp_path(path, sizeof path, name);
    snprintf(all, sizeof all, "%s%s", cmds, path);
    struct cs_outcome o = cs_mon_ok(all);
    cs_outcome_free(&o);
    char *text = cs_slurp(path, NULL);
    assert_non_null(text);
    return text;
}

/* docs/run.md: the slices "fill [the run's] time: the VMs' direct slices
 * add up to their cycles in the guest", and a picture written while a VM
 * runs "ends with that VM's direct slice so far".  A VM that had not
 * trapped yet had no track at all: the picture spanned its cycles and
 * drew nothing in them. */
static void timeline__draws_a_vm_before_its_first_event(void **state)
{
    (void)state;
    const char *cmds = "vm create g 256 examples/hello.s; timeline on; step 3; timeline ";
    char *json = mon_timeline(cmds, "first.json");
    cs_assert_has(json, "\"from\":0,\"to\":5}");
    cs_assert_has(json, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,"
                  "\"args\":{\"name\":\"g\"}}");
    cs_assert_has(json, "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,\"tid\":1,"
                  "\"ts\":0,\"dur\":5}\n]}");
    free(json);
    char *svg = mon_timeline(cmds, "first.svg");
    cs_assert_has(svg, "<text x=\"8\" y=\"95\">g</text>");
    cs_assert_has(svg, "<rect class=\"direct\" x=\"130.00\" y=\"82\" width=\"950.00\"");
    free(svg);

    /* begun mid-stretch: only the cycles since recording began */
    json = mon_timeline("vm create g 256 examples/hello.s; step 2; timeline on; step 1; "
                        "timeline ",
                        "mid.json");
    cs_assert_has(json, "\"from\":4,\"to\":5}");
    cs_assert_has(json, "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,\"tid\":1,"
                  "\"ts\":4,\"dur\":1}\n]}");
    free(json);

    /* a second VM's first stretch, after the first VM's events */
    json = mon_timeline("vm create g 256 examples/hello.s; timeline on; "
                        "vm create h 256 examples/sum.s; vm select h; step 2; timeline ",
                        "second.json");
    cs_assert_has(json, "\"tid\":2,\"args\":{\"name\":\"h\"}}");
    cs_assert_has(json, "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,\"tid\":2,"
                  "\"ts\":166,\"dur\":2}\n]}");
    free(json);
}

/* The same for a VM made, while recording, in the id of one that the
 * picture drew already: it is drawn on a track of its own, as its first
 * event will draw it, not left out. */
static void timeline__draws_a_new_vm_in_a_used_id_before_its_first_event(void **state)
{
    (void)state;
    const char *cmds = "vm create a 256 examples/hello.s; timeline on; go; vm destroy a; "
                       "vm create b 256 examples/sum.s; step 3; timeline ";
    char *json = mon_timeline(cmds, "again.json");
    cs_assert_has(json, "\"tid\":1,\"args\":{\"name\":\"a\"}}");
    cs_assert_has(json, "\"tid\":2,\"args\":{\"name\":\"b\"}}");
    cs_assert_has(json, "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,\"tid\":2,"
                  "\"ts\":166,\"dur\":5}\n]}");
    free(json);
    char *svg = mon_timeline(cmds, "again.svg");
    cs_assert_has(svg, "<text x=\"8\" y=\"129\">b</text>");
    cs_assert_has(svg, "<rect class=\"direct\" x=\"1052.22\" y=\"116\" width=\"27.78\"");
    free(svg);
}

/* The same from 'tgm run --vmm --timeline': a guest that never traps,
 * stopped with Ctrl-C, ran every cycle of the picture directly. */
static void timeline__run_interrupted_before_any_trap_draws_the_guest(void **state)
{
    (void)state;
    char src[CS_PATH], out[CS_PATH];
    cs_write_text(src, sizeof src, "loop.s", "        .entry s\ns:      JMP s\n");
    cs_tmp_path(out, sizeof out, "loop.json");
    pid_t pid = cs_start_tgm_with(-1, cs_child_sigint, "run",
                                  CS_ARGV("--vmm", "--max-steps", "0", "--timeline", out, src));
    if (cs_catches_sigint(pid) != 1) {
        kill(pid, SIGKILL);
        struct cs_outcome o = cs_finish_tgm(pid);
        cs_outcome_free(&o);
        skip();
    }
    usleep(50000); /* let it run */
    assert_int_equal(kill(pid, SIGINT), 0);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_int_equal(o.status, 130);
    cs_outcome_free(&o);
    char *json = cs_slurp(out, NULL);
    assert_non_null(json);
    uint64_t to = cs_json_u64(json, "otherData", "to");
    assert_true(to > 0);
    cs_assert_has(json, "\"tid\":1,\"args\":{\"name\":\"vm0\"}}");
    char want[160];
    snprintf(want, sizeof want,
             "{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,\"tid\":1,"
             "\"ts\":0,\"dur\":%llu}\n]}",
             (unsigned long long)to);
    cs_assert_has(json, want);
    free(json);
}

/* docs/run.md: a file's name in a JSON report is escaped "as JSON does".
 * A UTF-8 name was written byte by byte as code points, so a JSON reader
 * got "\u00c3\u00a9.s" back as "Ã©.s", a file that does not exist; its
 * characters stand for themselves now, and only bytes that are no UTF-8
 * character's (a Latin-1 letter) or are control characters are escaped. */
static void json__file_names_are_their_text(void **state)
{
    (void)state;
    static const char *const names[] = {"\xc3\xa9.s", "x\xc2\x85y.s", "l\xe9.s"};
    static const char *const want[] = {"/\xc3\xa9.s\",", "/x\\u0085y.s\",", "/l\\u00e9.s\","};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char src[CS_PATH];
        cs_write_text(src, sizeof src, names[i], "        .entry s\ns:      HALT\n");
        const char *const *argvs[] = {CS_ARGV("--json", src), CS_ARGV("--json", "--nest", "1", src),
                                      CS_ARGV("--vmm", "--json", src)};
        const char *const cmds[] = {"check", "check", "run"};
        for (size_t k = 0; k < 3; k++) {
            struct cs_outcome o = cs_run_tgm_argv(cmds[k], argvs[k]);
            assert_int_equal(o.status, 0);
            cs_assert_json_object(&o);
            cs_assert_has(o.out, want[i]);
            cs_outcome_free(&o);
        }
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_json");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timeline__draws_a_vm_before_its_first_event),
        cmocka_unit_test(timeline__draws_a_new_vm_in_a_used_id_before_its_first_event),
        cmocka_unit_test(timeline__run_interrupted_before_any_trap_draws_the_guest),
        cmocka_unit_test(json__file_names_are_their_text),
    };
    return cmocka_run_group_tests_name("audit_json", tests, group_setup, group_teardown);
}
