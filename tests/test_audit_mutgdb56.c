/* test_audit_mutgdb56.c: cases that a mutation audit of the monitor's
 * words from gdb, QEMU and SIMH (print and display formats, info, log)
 * and of the timeline (its recording, its JSON and SVG, the monitor's
 * 'timeline') found no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md, docs/run.md) at the
 * edge a mutant moved: print/d of a negative value, print/b and print/t
 * of 0, a /F of two letters, a display after 'exit' in a breakpoint's
 * list, 'info all' with no VMs, 'log' to a second file while one is in
 * force, the SVG's heading of a recording begun mid-run, a VM made again
 * under its old name and region in a used id (and its track forgotten
 * by going back to before its first event), the JSON's reflected cause
 * of an event that reflected nothing.
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

/* ---- print formats and info ----------------------------------------- */

/* docs/monitor.md, "Words from gdb, QEMU and SIMH": "print/F EXPR ... one
 * format: hex, signed, unsigned (u), ..." -- /d is the signed one, so
 * 2^64 - 1 is -1 (a mutant printed it as /u does). */
static void print__d_is_signed(void **state)
{
    (void)state;
    cs_mon_prints_exactly("print/d -1", "-1\n");
    cs_mon_prints_exactly("display/d -1", "1: -1 = -1\n");
}

/* The same table: "binary (b or t)", and the prefix is kept for 0 as for
 * /x and /o: 0 in binary is 0b0, not an empty "0b" (the mutant dropped
 * the digit written for the last bit when no 1 came before it). */
static void print__b_and_t_of_zero_is_0b0(void **state)
{
    (void)state;
    cs_mon_prints_exactly("print/b 0", "0b0\n");
    cs_mon_prints_exactly("print/t 0", "0b0\n");
    cs_mon_prints_exactly("print/b 2", "0b10\n");
}

/* docs/monitor.md, 'print': "/F shows it in one format" of the letters
 * listed: two letters are no format (a mutant took the first of them). */
static void print__a_format_is_one_letter(void **state)
{
    (void)state;
    cs_mon_fails("print/xd 5", "print: unknown format '/xd' (letters: xduobtcw)");
    cs_mon_fails("display/xx 1", "display: unknown format '/xx' (letters: xduobtcw)");
}

/* docs/monitor.md, "Scripts": "exit in a breakpoint's list ends the
 * session there, before the stop's own line": a display is not shown
 * after it (a mutant showed the displays of a session that had ended). */
static void display__not_shown_after_exit_in_a_breakpoints_list(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; display 42; break loop do \"exit 3\"; go");
    assert_int_equal(o.status, 3);
    cs_assert_ends_with(o.out, "breakpoint 1 at 0x4 loop, hit 1 time\n");
    const char *d = strstr(o.out, "1: 42 = 0x2a (42)\n");
    assert_non_null(d);
    assert_null(strstr(d + 1, "1: 42 = "));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'info': "'info all' shows the registers, the
 * breakpoints, the VMs (if any) and the display expressions": with no VM
 * it says nothing of VMs (a mutant added 'vm list''s "no VMs"); with one
 * it lists it. */
static void info_all__lists_vms_only_if_any(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("info all");
    assert_null(strstr(o.out, "VM"));
    cs_assert_ends_with(o.out, "no breakpoints\n");
    cs_outcome_free(&o);
    cs_mon_prints("vm create a 256 examples/hello.s; info all",
                  "no breakpoints\n  id name         state");
}

/* docs/monitor.md, 'log': "'log FILE' for another file closes the log
 * first": the session goes on to the screen and the new log only (a
 * mutant tied the new log's screen to the old log's stream, which the
 * close then freed: the session crashed at its next line). */
static void log__another_file_closes_the_first(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], cmds[3 * CS_PATH];
    cs_tmp_path(a, sizeof a, "first.log");
    cs_tmp_path(b, sizeof b, "second.log");
    snprintf(cmds, sizeof cmds, "log %s; echo one; log %s; echo two; log off; echo three", a,
             b);
    struct cs_outcome o = cs_mon_ok(cmds);
    char want[CS_PATH + 80];
    snprintf(want, sizeof want, "two\nlog %s closed\nthree\n", b);
    cs_assert_has(o.out, want);
    cs_outcome_free(&o);
    char *first = cs_slurp(a, NULL), *second = cs_slurp(b, NULL);
    /* the line of commands is logged whole, after its prompt, in each */
    cs_assert_has(first, "\none\n");
    assert_null(strstr(first, "\ntwo\n"));
    cs_assert_has(second, "\ntwo\n");
    assert_null(strstr(second, "\nthree\n"));
    free(first);
    free(second);
}

/* ---- the timeline ---------------------------------------------------- */

/* Run CMDS, then 'timeline FILE' for each name in NAMES (a NULL-ended
 * list, files in the temporary directory); the session's stdout. */
static char *mon_timelines(const char *cmds, const char *const *names)
{
    char all[4 * CS_PATH + 400], path[CS_PATH];
    size_t n = (size_t)snprintf(all, sizeof all, "%s", cmds);
    for (; *names; names++) {
        cs_tmp_path(path, sizeof path, *names);
        n += (size_t)snprintf(all + n, sizeof all - n, "; timeline %s", path);
    }
    assert_true(n < sizeof all);
    struct cs_outcome o = cs_mon_ok(all);
    char *out = o.out;
    o.out = NULL;
    cs_outcome_free(&o);
    return out;
}

static char *tmp_slurp(const char *name)
{
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, name);
    return cs_slurp(path, NULL);
}

/* docs/run.md: "Begun mid-run (after steps ...), the picture starts at the
 * real cycle recording began (from, the cycle timeline on reports)", and
 * "The JSON's otherData gives ... the real cycles the picture spans, from
 * and to; the SVG's heading says the same span": hello.s stepped 5 times
 * is at cycle 12, and halts at 166 (a mutant's heading gave the span's
 * length, 154, for its end). */
static void timeline__svg_heading_says_the_span_of_a_mid_run_recording(void **state)
{
    (void)state;
    char *out = mon_timelines("vm create a 256 examples/hello.s; step 5; timeline on; go",
                              CS_ARGV("mid.json", "mid.svg"));
    cs_assert_has(out, "timeline: recording from now (real cycle 12)\n");
    free(out);
    char *json = tmp_slurp("mid.json");
    assert_int_equal(cs_json_u64(json, "otherData", "from"), 12);
    assert_int_equal(cs_json_u64(json, "otherData", "to"), 166);
    free(json);
    char *svg = tmp_slurp("mid.svg");
    cs_assert_has(svg, ">real machine time, 12 to 166 cycles: direct execution (blue), "
                  "control program (grey), traps (ticks)</text>");
    free(svg);
}

/* docs/run.md: "one track per VM, named as the VM is"; "a VM destroyed
 * and made again while recording, even under the same name and region,
 * is another VM, on a track of its own after the first's" (a
 * mutant drew both on one, the second's cycles counted on from the
 * first's). */
static void timeline__a_vm_made_again_as_it_was_gets_its_own_track(void **state)
{
    (void)state;
    char *out = mon_timelines("vm create a 256 examples/hello.s; timeline on; go; "
                              "vm destroy a; vm create a 256 examples/hello.s; go",
                              CS_ARGV("again.json"));
    free(out);
    char *json = tmp_slurp("again.json");
    cs_assert_has(json, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,"
                  "\"args\":{\"name\":\"a\"}}");
    cs_assert_has(json, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":2,"
                  "\"args\":{\"name\":\"a\"}}");
    cs_assert_has(json, "\"cat\":\"trap\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":2,");
    assert_null(strstr(json, "\"tid\":3"));
    free(json);
}

/* docs/monitor.md ("In a VM"): going back, "a timeline being recorded
 * forgets the events undone, ... and the track of a VM that had no event
 * by then": b made again has a track of its own once it runs (tid 3), and
 * a's 'rstep' back to before that forgets it, keeping the first b's and
 * the 6 events before (a mutant kept the empty extra track). */
static void timeline__going_back_forgets_a_track_made_again_with_no_event_by_then(void **state)
{
    (void)state;
    char *out = mon_timelines("set slice 40; timeline on; vm create a 256 examples/hello.s; "
                              "vm create b 256 examples/hello.s; vm select b; step 10; "
                              "vm destroy b; vm create b 256 examples/hello.s; "
                              "vm select a; step 2; go",
                              CS_ARGV("ran.json"));
    free(out);
    char *json = tmp_slurp("ran.json");
    cs_assert_has(json, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":3,"
                  "\"args\":{\"name\":\"b\"}}");
    free(json);
    out = mon_timelines("set slice 40; timeline on; vm create a 256 examples/hello.s; "
                        "vm create b 256 examples/hello.s; vm select b; step 10; "
                        "vm destroy b; vm create b 256 examples/hello.s; "
                        "vm select a; step 2; go; vm select a; rstep 47; timeline",
                        CS_ARGV("back.json"));
    cs_assert_has(out, "a: back 47 steps, at step 22: ");
    cs_assert_has(out, "\ntimeline: recording, 6 events\n");
    free(out);
    json = tmp_slurp("back.json");
    cs_assert_has(json, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":2,"
                  "\"args\":{\"name\":\"b\"}}");
    assert_null(strstr(json, "\"tid\":3"));
    assert_int_equal(cs_json_u64(json, "otherData", "events"), 6);
    free(json);
}

/* docs/run.md: each event has "the cause, the disposition, the cause
 * reflected into the guest (if any) and the guest's P as arguments":
 * supervisor.s's first event, a privileged instruction interpreted,
 * reflects none (a mutant gave the trap's own cause there), and a memory
 * trap reflected has memory as both. */
static void timeline__an_event_reflecting_nothing_names_no_reflected_cause(void **state)
{
    (void)state;
    char *out = mon_timelines("vm create s 512 examples/supervisor.s; timeline on; go",
                              CS_ARGV("refl.json"));
    free(out);
    char *json = tmp_slurp("refl.json");
    cs_assert_has(json, "{\"name\":\"privileged -> interpreted\",\"cat\":\"trap\",\"ph\":\"i\","
                  "\"s\":\"t\",\"pid\":1,\"tid\":1,\"ts\":22,\"args\":{\"cause\":"
                  "\"privileged\",\"disposition\":\"interpreted\",\"reflected\":\"none\","
                  "\"P\":80}}");
    cs_assert_has(json, "{\"name\":\"memory -> reflected as memory\",\"cat\":\"trap\"");
    cs_assert_has(json, "\"args\":{\"cause\":\"memory\",\"disposition\":\"reflected\","
                  "\"reflected\":\"memory\",");
    assert_null(strstr(json, "\"disposition\":\"interpreted\",\"reflected\":\"privileged\""));
    free(json);
}

/* docs/monitor.md, 'timeline' (its help): "'timeline' alone says
 * 'timeline: recording, N events' ... or 'timeline: off (...)'": the
 * whole line, and after 'timeline off' it is off again. */
static void timeline__alone_says_it_is_off(void **state)
{
    (void)state;
    static const char off[] = "timeline: off ('timeline on' records the control program's "
                              "events)\n";
    cs_mon_prints_exactly("timeline", off);
    struct cs_outcome o = cs_mon_ok("timeline on; timeline off; timeline");
    cs_assert_ends_with(o.out, off);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutgdb56");
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
        cmocka_unit_test(print__d_is_signed),
        cmocka_unit_test(print__b_and_t_of_zero_is_0b0),
        cmocka_unit_test(print__a_format_is_one_letter),
        cmocka_unit_test(display__not_shown_after_exit_in_a_breakpoints_list),
        cmocka_unit_test(info_all__lists_vms_only_if_any),
        cmocka_unit_test(log__another_file_closes_the_first),
        cmocka_unit_test(timeline__svg_heading_says_the_span_of_a_mid_run_recording),
        cmocka_unit_test(timeline__a_vm_made_again_as_it_was_gets_its_own_track),
        cmocka_unit_test(timeline__going_back_forgets_a_track_made_again_with_no_event_by_then),
        cmocka_unit_test(timeline__an_event_reflecting_nothing_names_no_reflected_cause),
        cmocka_unit_test(timeline__alone_says_it_is_off),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
