/* test_timeline_b.c: the timeline of the control program of sections 5-6
 * at its limit, through the library: a trap storm (a guest whose every
 * other instruction traps, in several VMs) past TIMELINE_MAX_EVENTS.
 *
 * The picture must end where the first event not kept began, say so (as
 * the monitor and tgm run must), and be written whole; it and the VMs are
 * the same whatever the chunks a run is cut into.
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
#include "tgm/asm.h"
#include "tgm/timeline.h"

#define NVM 3

/* TGET traps (privileged, interpreted), JMP runs directly. */
static const char storm_src[] = "        .entry s\n"
                                "s:      TGET  t\n"
                                "        JMP   s\n"
                                "t:      .word 0\n";

struct rec {
    struct tgm_timeline *t;
    struct vmm *v;
    uint64_t last_kept, first_over; /* real cycles of those two events */
};

static void hook(void *ctx, const struct vmm_event *e)
{
    struct rec *r = ctx;
    size_t dropped, n0 = timeline_count(r->t, &dropped);
    bool was_full = dropped > 0;
    timeline_event(r->t, r->v, e);
    size_t n = timeline_count(r->t, &dropped);
    uint64_t now = machine_cycles(vmm_machine(r->v));
    if (n > n0)
        r->last_kept = now;
    else if (!was_full && dropped)
        r->first_over = now;
}

/* The last KEEP bytes of PATH, as a string. */
static char *tail(const char *path, long keep)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    assert_int_equal(fseek(f, -keep, SEEK_END), 0);
    char *b = calloc((size_t)keep + 1, 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)keep, f), (size_t)keep);
    fclose(f);
    return b;
}

/* NVM storm VMs of 1024 words in slices of SLICE cycles; with LIMIT, VM i
 * stops at LIMIT + 1001 i steps. */
static struct vmm *storm_rig(uint64_t slice, uint64_t limit)
{
    char err[300];
    struct vmm_config cfg = {.q = VMM_K + NVM * 1024, .slice = slice};
    struct vmm *v = vmm_create(&cfg, err, sizeof err);
    assert_non_null(v);
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("storm.s", storm_src, &img, stderr), 0);
    for (int i = 0; i < NVM; i++) {
        int id = vmm_vm_create(v, 1024, NULL, err, sizeof err);
        assert_true(id >= 0);
        assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
        if (limit)
            assert_int_equal(vmm_vm_set_limit(v, id, limit + (uint64_t)i * 1001), 0);
    }
    image_free(&img);
    return v;
}

static void timeline__a_trap_storm_past_the_cap_ends_where_the_first_lost_event_began(
    void **state)
{
    (void)state;
    char err[300], path[CS_PATH], svg[CS_PATH];
    struct vmm *v = storm_rig(50, 0);
    struct rec r = {timeline_new(), v, 0, 0};
    assert_non_null(r.t);
    vmm_set_event_hook(v, hook, &r);
    /* a trap every other step: 3 million steps make some 1.5 million events */
    assert_int_equal(vmm_run(v, 3000000, NULL), VMMSTOP_BUDGET);
    size_t dropped, n = timeline_count(r.t, &dropped);
    assert_int_equal(n, TIMELINE_MAX_EVENTS);
    assert_true(dropped > 100000);
    uint64_t from, to, now = machine_cycles(vmm_machine(v));
    timeline_span(r.t, v, &from, &to);
    assert_int_equal(from, 0);
    /* after the last kept event, before the first lost one was reported */
    assert_true(r.last_kept > 0 && r.first_over > r.last_kept);
    if (to < r.last_kept || to >= r.first_over || to >= now)
        fail_msg("the picture ends at %llu, not between %llu and %llu",
                 (unsigned long long)to, (unsigned long long)r.last_kept,
                 (unsigned long long)r.first_over);

    /* (memory is the bench's to measure, not a test's: the writer streams) */
    cs_tmp_path(path, sizeof path, "storm.json");
    assert_int_equal(timeline_write(r.t, v, path, err, sizeof err), 0);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char head[400] = "", want[200];
    assert_true(fread(head, 1, sizeof head - 1, f) > 0);
    fclose(f);
    snprintf(want, sizeof want, "\"events\":%u,\"dropped\":%zu,\"from\":0,\"to\":%llu}",
             TIMELINE_MAX_EVENTS, dropped, (unsigned long long)to);
    if (!strstr(head, want))
        fail_msg("want %s in %s", want, head);
    /* the last slice, the control program's after the last event, ends there */
    char *end = tail(path, 400), *cp = strstr(end, "\"cat\":\"cp\"");
    assert_non_null(cp);
    unsigned long long ts, dur;
    assert_int_equal(sscanf(strstr(cp, "\"ts\":"), "\"ts\":%llu,\"dur\":%llu", &ts, &dur), 2);
    assert_int_equal(ts + dur, to);
    free(end);
    remove(path);

    cs_tmp_path(svg, sizeof svg, "storm.svg");
    assert_int_equal(timeline_write(r.t, v, svg, err, sizeof err), 0);
    end = tail(svg, 16000);
    snprintf(want, sizeof want, "%zu later events not recorded (at most %u are kept): the "
             "picture ends at cycle %llu", dropped, TIMELINE_MAX_EVENTS,
             (unsigned long long)to);
    if (!strstr(end, want))
        fail_msg("no '%s' in the SVG", want);
    free(end);
    remove(svg);
    timeline_free(r.t);
    vmm_destroy(v);
}

/* SAID, the line of the monitor or of tgm run, names the events lost and
 * the cycle the SVG at PATH ends at, as the SVG itself does. */
static void says_where_it_ends(const char *said, const char *lead, const char *path)
{
    const char *at = strstr(said, lead);
    if (!at)
        fail_msg("no '%s' in '%s'", lead, said);
    unsigned long long later, cycle;
    assert_int_equal(sscanf(at + strlen(lead),
                            "; %llu later not recorded, the picture ends at cycle %llu\n",
                            &later, &cycle), 2);
    assert_true(later > 0 && cycle > 0);
    /* the note is near the end, as in the first test (the picture is
     * some 370 MB: reading all of it twice was a quarter of this suite's time) */
    char *pic = tail(path, 16000), want[200];
    snprintf(want, sizeof want, "%llu later events not recorded (at most %u are kept): the "
             "picture ends at cycle %llu", later, TIMELINE_MAX_EVENTS, cycle);
    assert_non_null(strstr(pic, want));
    free(pic);
    remove(path);
}

/* The monitor and tgm run say where the picture they wrote stops short of
 * the run's end. */
static void timeline__monitor_and_run_say_where_a_capped_picture_ends(void **state)
{
    (void)state;
    char src[CS_PATH], svg[CS_PATH], cmds[3 * CS_PATH + 200], lead[CS_PATH + 80];
    cs_write_text(src, sizeof src, "storm.s", storm_src);
    cs_tmp_path(svg, sizeof svg, "capped.svg");
    snprintf(cmds, sizeof cmds, "vm create a 1024 %s; vm create b 1024 %s; timeline on; "
             "go for 2200000; timeline; timeline %s", src, src, svg);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", cmds, NULL);
    assert_int_equal(o.status, 0);
    /* 'timeline' alone counts the events kept and says some were not */
    assert_non_null(strstr(o.out, "\ntimeline: recording, 1000000 events (some dropped)\n"));
    snprintf(lead, sizeof lead, "timeline: 1000000 events written to %s", svg);
    says_where_it_ends(o.out, lead, svg);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--max-steps", "1100000", "--timeline", svg, src, src,
                   NULL);
    assert_int_equal(o.status, 3); /* the step limit's, as without --timeline */
    snprintf(lead, sizeof lead, "tgm: run: --timeline: %s: the first 1000000 events", svg);
    says_where_it_ends(o.err, lead, svg);
    cs_outcome_free(&o);
}

/* One run of NVM storm VMs in one-cycle slices, each to a limit of LIMIT
 * steps, in vmm_run calls of CHUNK guest steps: the SVG it draws and the
 * control program's state, in *SVG and *SAVED (free them). */
static void sliced_run(uint64_t chunk, uint64_t limit, char **svg, uint8_t **saved,
                       size_t *saved_len)
{
    char err[300], path[CS_PATH];
    struct vmm *v = storm_rig(1, limit);
    struct rec r = {timeline_new(), v, 0, 0};
    assert_non_null(r.t);
    vmm_set_event_hook(v, hook, &r);
    while (vmm_run(v, chunk, NULL) != VMMSTOP_DONE)
        ;
    cs_tmp_path(path, sizeof path, "chunks.svg");
    assert_int_equal(timeline_write(r.t, v, path, err, sizeof err), 0);
    *svg = cs_slurp(path, NULL);
    remove(path);
    assert_int_equal(vmm_state_save(v, saved, saved_len), 0);
    timeline_free(r.t);
    vmm_destroy(v);
}

/* `tgm run --vmm` runs in chunks small enough that Ctrl-C is seen at once
 * with one-cycle slices: the picture and every VM (all in the CP's state)
 * must be the same whatever the chunk. */
static void timeline__the_same_whatever_the_run_chunk(void **state)
{
    (void)state;
    static const uint64_t chunks[] = {UINT64_C(1) << 24, UINT64_C(1) << 16, 4093};
    char *svg0 = NULL;
    uint8_t *saved0 = NULL;
    size_t len0 = 0;
    for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
        char *svg;
        uint8_t *saved;
        size_t len;
        sliced_run(chunks[i], 70000, &svg, &saved, &len);
        if (i == 0) {
            svg0 = svg;
            saved0 = saved;
            len0 = len;
            continue;
        }
        if (strcmp(svg, svg0) != 0 || len != len0 || memcmp(saved, saved0, len) != 0)
            fail_msg("chunks of %llu steps: not the run of one call",
                     (unsigned long long)chunks[i]);
        free(svg);
        free(saved);
    }
    free(svg0);
    free(saved0);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_timeline_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(timeline__a_trap_storm_past_the_cap_ends_where_the_first_lost_event_began),
        cmocka_unit_test(timeline__monitor_and_run_say_where_a_capped_picture_ends),
        cmocka_unit_test(timeline__the_same_whatever_the_run_chunk),
    };
    return cmocka_run_group_tests_name("timeline_b", tests, group_setup, group_teardown);
}
