/* test_timeline.c: `tgm run --vmm --timeline` and the monitor's timeline,
 * a picture of the control program of sections 5-6 at work.
 *
 * The JSON must be Chrome's trace event format: well-formed, a named track
 * for the control program and for each VM, slices (ph X) that never
 * overlap on one track nor across tracks (the real machine is one
 * processor), and one instant event per dispatcher event whose counts by
 * VM, cause and disposition equal those of --stats.  The SVG must be
 * well-formed XML (cs_xml_check) with one trap tick per event, the same
 * counts.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "vmm/vmm_impl.h" /* tl_fix2 */

#define NC 6 /* trap causes: none privileged memory svc illegal timer */
#define ND 5 /* dispositions */
static const char *const causes[NC] = {"none", "privileged", "memory", "svc", "illegal", "timer"};
static const char *const disps[ND] = {"interpreted", "reflected", "allocator", "scheduler",
                                      "hybrid"};

static int index_of(const char *const *names, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(names[i], s))
            return i;
    fail_msg("unknown name '%s'", s);
    return -1;
}

/* counts[vm][cause][disp] from --stats --json */
static int stats_counts(const char *json, uint64_t counts[][NC][ND])
{
    const char *vms = cs_json_get(json, "vms");
    int n = (int)cs_json_count(vms);
    for (int k = 0; k < n; k++) {
        const char *traps = cs_json_get(cs_json_get(cs_json_item(vms, (size_t)k), "stats"),
                                        "traps");
        for (int c = 0; c < NC; c++)
            for (int d = 0; d < ND; d++)
                counts[k][c][d] = cs_json_uint(cs_json_get(cs_json_get(traps, causes[c]),
                                                           disps[d]));
    }
    return n;
}

static void run_both(const char *out_name, char *path, struct cs_outcome *o)
{
    cs_tmp_path(path, CS_PATH, out_name);
    *o = cs_run_tgm("run", "--vmm", "--stats", "--json", "--timeline", path,
                    "examples/supervisor.s", "examples/hello.s", "examples/calls.s", NULL);
    if (o->status != 0)
        fail_msg("status %d: %s", o->status, o->err);
}

static void timeline__json_is_chrome_trace_with_stats_counts(void **state)
{
    (void)state;
    char path[CS_PATH];
    struct cs_outcome o;
    run_both("run.json", path, &o);
    uint64_t want[8][NC][ND] = {{{0}}}, got[8][NC][ND] = {{{0}}};
    int nvm = stats_counts(o.out, want);
    assert_int_equal(nvm, 3);
    char *doc = cs_slurp(path, NULL);
    const char *end = cs_json_value(cs_json_ws(doc));
    assert_non_null(end); /* well-formed */
    assert_true(*cs_json_ws(end) == '\0');
    const char *ev = cs_json_get(doc, "traceEvents");
    size_t n = cs_json_count(ev);
    bool named[8] = {false};
    uint64_t last_end = 0, track_end[8] = {0};
    size_t slices = 0;
    for (size_t i = 0; i < n; i++) {
        const char *e = cs_json_item(ev, i);
        char *ph = cs_json_str(cs_json_get(e, "ph"), NULL);
        uint64_t tid = cs_json_uint(cs_json_get(e, "tid"));
        assert_true(tid <= (uint64_t)nvm);
        assert_int_equal(cs_json_uint(cs_json_get(e, "pid")), 1);
        if (!strcmp(ph, "M")) {
            char *what = cs_json_str(cs_json_get(e, "name"), NULL);
            if (!strcmp(what, "thread_name"))
                named[tid] = true;
            free(what);
        } else if (!strcmp(ph, "X")) {
            uint64_t ts = cs_json_uint(cs_json_get(e, "ts"));
            uint64_t dur = cs_json_uint(cs_json_get(e, "dur"));
            assert_true(dur > 0);
            /* one processor: each slice starts where the last one ended or later */
            assert_true(ts >= last_end);
            assert_true(ts >= track_end[tid]);
            last_end = track_end[tid] = ts + dur;
            slices++;
        } else if (!strcmp(ph, "i")) {
            assert_true(tid >= 1);
            const char *args = cs_json_get(e, "args");
            char *c = cs_json_str(cs_json_get(args, "cause"), NULL);
            char *d = cs_json_str(cs_json_get(args, "disposition"), NULL);
            got[tid - 1][index_of(causes, NC, c)][index_of(disps, ND, d)]++;
            free(c);
            free(d);
        } else {
            fail_msg("unexpected event phase '%s'", ph);
        }
        free(ph);
    }
    for (int k = 0; k <= nvm; k++)
        assert_true(named[k]); /* the control program's track and each VM's */
    assert_true(slices > 100);
    assert_memory_equal(want, got, sizeof want);
    free(doc);
    cs_outcome_free(&o);
}

static size_t count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

static void timeline__svg_is_xml_with_a_tick_per_trap(void **state)
{
    (void)state;
    char path[CS_PATH], why[160];
    struct cs_outcome o;
    run_both("run.svg", path, &o);
    uint64_t want[8][NC][ND] = {{{0}}};
    int nvm = stats_counts(o.out, want);
    char *svg = cs_slurp(path, NULL);
    if (cs_xml_check(svg, why, sizeof why) != 0)
        fail_msg("%s is not well-formed XML: %s", path, why);
    for (int c = 0; c < NC; c++)
        for (int d = 0; d < ND; d++) {
            uint64_t total = 0;
            for (int k = 0; k < nvm; k++)
                total += want[k][c][d];
            char tick[128];
            snprintf(tick, sizeof tick,
                     "<line class=\"trap\" data-cause=\"%s\" data-disposition=\"%s\"", causes[c],
                     disps[d]);
            assert_int_equal(count(svg, tick), total);
        }
    assert_true(count(svg, "<rect class=\"direct\"") > 100);
    free(svg);
    cs_outcome_free(&o);
}

/* The reader that judges the SVG must itself tell XML from what is not. */
static void timeline__the_xml_reader_rejects_what_is_not_xml(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "<a><b></a></b>", "<a x=1/>", "<a>&foo;</a>", "<a/><b/>", "<a x='1' x='2'/>",
        "<a>x", "text", "<a x=\"<\"/>", "<a><!-- x </a>", "", "<a>&#x;</a>"};
    char why[160];
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (cs_xml_check(bad[i], why, sizeof why) == 0)
            fail_msg("'%s' passed as XML", bad[i]);
    assert_int_equal(cs_xml_check("<?xml version=\"1.0\"?>\n<a b=\"c &amp; d\"><!-- x -->"
                                  "<e f='g'/>t&#65;&#x42;&lt;</a>\n", why, sizeof why), 0);
}

static void timeline__monitor_command_writes_the_same_format(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 200];
    cs_tmp_path(path, sizeof path, "mon.json");
    snprintf(cmds, sizeof cmds, "timeline on; vm create g 4096 examples/hello.s; go; "
                                "timeline %s", path);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", cmds, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "14 events written"));
    char *doc = cs_slurp(path, NULL);
    assert_non_null(cs_json_value(cs_json_ws(doc)));
    assert_int_equal(count(doc, "\"ph\":\"i\""), 14); /* hello's 14 COUTs, interpreted */
    free(doc);
    cs_outcome_free(&o);
    char never[CS_PATH], cmd[CS_PATH + 16];
    cs_tmp_path(never, sizeof never, "never.json");
    snprintf(cmd, sizeof cmd, "timeline %s", never);
    o = cs_run_tgm("monitor", "-c", cmd, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_one_line(&o, "nothing recorded");
    cs_outcome_free(&o);
    assert_int_equal(access(never, F_OK), -1); /* and nothing written */
    o = cs_run_tgm("run", "--timeline", "x.json", "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: --timeline needs --vmm");
    cs_outcome_free(&o);
}

/* The last trap event's line in the JSON at PATH, the cycle in it. */
static char *last_event(const char *path)
{
    char *doc = cs_slurp(path, NULL), *last = NULL;
    for (char *at = doc; (at = strstr(at, "\"cat\":\"trap\"")) != NULL; at++)
        last = at;
    assert_non_null(last);
    last[strcspn(last, "\n")] = '\0';
    char *line = strdup(last);
    free(doc);
    return line;
}

/* 'timeline on' mid-run: an event that no trap brought (the VM's step
 * limit), the first recorded, was drawn 5 cycles before the cycle where a
 * recording from the start draws it. */
static void timeline__begun_mid_run_draws_an_event_where_a_whole_one_does(void **state)
{
    (void)state;
    char src[CS_PATH], whole[CS_PATH], part[CS_PATH], cmds[3 * CS_PATH + 200];
    cs_write_text(src, sizeof src, "cout.s", "        .entry s\ns:      LI c, 65\n"
                                              "loop:   COUT c\n        JMP loop\n"
                                              "c:      .word 0\n");
    cs_tmp_path(whole, sizeof whole, "whole.json");
    cs_tmp_path(part, sizeof part, "part.json");
    const char *on[2] = {"timeline on; ", ""}, *later[2] = {"", "timeline on; "};
    const char *file[2] = {whole, part};
    for (int k = 0; k < 2; k++) { /* the 101st step is a JMP: no trap */
        snprintf(cmds, sizeof cmds, "%svm create a 4096 %s; go for 100; %svm limit a 101; go; "
                 "timeline %s", on[k], src, later[k], file[k]);
        struct cs_outcome o = cs_run_tgm("monitor", "-c", cmds, NULL);
        assert_int_equal(o.status, 0);
        cs_outcome_free(&o);
    }
    char *a = last_event(whole), *b = last_event(part);
    assert_non_null(strstr(a, "\"cause\":\"none\",\"disposition\":\"scheduler\""));
    assert_string_equal(b, a);
    free(a);
    free(b);
}

/* 'timeline on' after some steps or a 'go for N': each VM's first direct
 * slice was drawn from its previous event, or from cycle 0 (before the
 * recording began), its direct cycles counted from the VM's start.  The
 * picture starts at the cycle recording began, in JSON and SVG alike. */
static void timeline__begun_mid_run_starts_where_recording_began(void **state)
{
    (void)state;
    char src[CS_PATH], out[CS_PATH], svg[CS_PATH], cmds[4 * CS_PATH + 300];
    cs_write_text(src, sizeof src, "cout2.s", "        .entry s\ns:      LI c, 65\n"
                                               "loop:   ADDI n, n, 1\n        ADDI n, n, 1\n"
                                               "        COUT c\n        JMP loop\n"
                                               "c:      .word 0\nn:      .word 0\n");
    cs_tmp_path(out, sizeof out, "mid.json");
    cs_tmp_path(svg, sizeof svg, "mid.svg");
    static const char *const before[] = {"go for 200", "step 7", "vm select a; step 9"};
    for (size_t k = 0; k < sizeof before / sizeof *before; k++) {
        snprintf(cmds, sizeof cmds, "vm create a 1024 %s; vm create b 1024 %s; set slice 50; "
                 "%s; timeline on; go for 30; step 3; timeline %s; timeline %s", src, src,
                 before[k], out, svg);
        struct cs_outcome o = cs_run_tgm("monitor", "-c", cmds, NULL);
        assert_int_equal(o.status, 0);
        const char *at = strstr(o.out, "recording from now (real cycle ");
        assert_non_null(at);
        unsigned long long t0 = strtoull(at + strlen("recording from now (real cycle "), NULL,
                                         10);
        assert_true(t0 > 0);
        char *doc = cs_slurp(out, NULL);
        const char *other = cs_json_get(doc, "otherData");
        assert_int_equal(cs_json_uint(cs_json_get(other, "from")), t0);
        const char *ev = cs_json_get(doc, "traceEvents");
        size_t n = cs_json_count(ev), direct[3] = {0};
        for (size_t i = 0; i < n; i++) {
            const char *e = cs_json_item(ev, i);
            char *ph = cs_json_str(cs_json_get(e, "ph"), NULL);
            if (strcmp(ph, "M") != 0) {
                uint64_t ts = cs_json_uint(cs_json_get(e, "ts"));
                if (ts < t0)
                    fail_msg("after '%s': an event at %llu, before recording began at %llu",
                             before[k], (unsigned long long)ts, t0);
                if (!strcmp(ph, "X"))
                    direct[cs_json_uint(cs_json_get(e, "tid"))]++;
            }
            free(ph);
        }
        assert_true(direct[1] > 0 && direct[2] > 0); /* both VMs ran */
        free(doc);
        char *pic = cs_slurp(svg, NULL), want[80];
        snprintf(want, sizeof want, "real machine time, %llu to ", t0);
        assert_non_null(strstr(pic, want));
        free(pic);
        cs_outcome_free(&o);
    }
}

/* The SVG's coordinates are written by its own formatter, not printf; it
 * must give printf's "%.2f" exactly: at decimal ties (which printf rounds
 * by the double's exact value), binary ties (to even), at random over its
 * whole range and beyond it, and at the values it hands to printf. */
static void same_as_printf(double x)
{
    char want[400], buf[32];
    snprintf(want, sizeof want, "%.2f", x);
    const char *got = tl_fix2(buf, x);
    if (strcmp(got, want))
        fail_msg("%.17g: the SVG writes %s, printf %s", x, got, want);
}

static void svg__coordinates_are_printfs_two_decimals(void **state)
{
    (void)state;
    for (uint32_t k = 0; k < 200000; k++) {
        same_as_printf(k / 1000.0);           /* every x.xx5 below 200 */
        same_as_printf((k + 0.5) / 100.0);    /* near-ties */
        same_as_printf(k / 8.0 + 65536.0);    /* exact ties, far from 0 */
    }
    uint64_t s = 0x1974;
    double p10 = 1e-3;
    for (int i = 0; i < 200000; i++) { /* each decade of [1e-3, 1e13) alike */
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        double u = (double)(s >> 11) / 9007199254740992.0;
        same_as_printf((1.0 + 9.0 * u) * p10);
        p10 = p10 < 1e12 ? p10 * 10.0 : 1e-3;
    }
    static const double edge[] = {0.0,       -0.0,      0.004999999, 0.005,  0.015,
                                  9999999.995, 1e7,     1e7 - 1e-9,  1e7 + 0.005,
                                  1e27,      -1.5,      -0.001};
    for (size_t i = 0; i < sizeof edge / sizeof *edge; i++)
        same_as_printf(edge[i]);
    same_as_printf(NAN);
    same_as_printf(INFINITY);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_timeline");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timeline__json_is_chrome_trace_with_stats_counts),
        cmocka_unit_test(timeline__svg_is_xml_with_a_tick_per_trap),
        cmocka_unit_test(timeline__the_xml_reader_rejects_what_is_not_xml),
        cmocka_unit_test(timeline__monitor_command_writes_the_same_format),
        cmocka_unit_test(timeline__begun_mid_run_draws_an_event_where_a_whole_one_does),
        cmocka_unit_test(timeline__begun_mid_run_starts_where_recording_began),
        cmocka_unit_test(svg__coordinates_are_printfs_two_decimals),
    };
    return cmocka_run_group_tests_name("timeline", tests, group_setup, group_teardown);
}
