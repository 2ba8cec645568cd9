/* test_audit_mutvmm52.c: cases that a mutation audit of the control
 * program's less-trodden parts (the stacks of docs/recursion.md, the
 * allocator, the saved state, the timeline) found no other suite asserting.
 *
 * Each case states the documented behaviour directly; each fails with the
 * small change to the product named in its comment.  Runs the real binary
 * (cli_support) from the top of the source tree, and the library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/nest.h"
#include "tgm/timeline.h"
#include "tgm/vmm.h"

/* ---- docs/recursion.md: the verdict's trap count ------------------------ */


/* "N traps in the same order, M of them timer traps", "no traps" when
 * there were none: a guest that takes exactly one trap (an SVC whose
 * handler halts) is told "1 trap", not "1 traps" (a plural chosen by
 * traps != 0 would say it). */
static void check_nest__one_trap_is_said_in_the_singular(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "one.s",
                  "        .org 0\n"
                  "        .word 0\n"
                  "        .word psw(SUP, h, 0, 0x80000)\n"
                  "        .entry go\n"
                  "go:     SVC 0\n"
                  "h:      HALT\n");
    struct cs_outcome o = cs_run_tgm("check", "--nest", "2", path, NULL);
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, ": equivalent at depth 2 (E, PSW, R, timer, console; 1 trap in the "
                       "same order, 0 of them timer traps); real steps "))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* docs/recursion.md: examples/vmm/cp.s "runs on a bare machine".  Run
 * alone, its guest size cp_w is 0 until the composer patches it: "its
 * boot writes `cp: no guest (build one with tgm run --nest N IMAGE)` and
 * a newline to the console and halts" (53 bytes: the run's own newline
 * before "-- halted" would hide a missing one). */
static void cp__alone_says_it_has_no_guest_and_halts(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "examples/vmm/cp.s", NULL);
    assert_int_equal(o.status, 0);
    if (strncmp(o.out, "cp: no guest (build one with tgm run --nest N IMAGE)\n-- halted\n", 63))
        fail_msg("\"%s\"", o.out);
    assert_non_null(strstr(o.out, "\nconsole      53 bytes\n"));
    cs_outcome_free(&o);
}

/* docs/recursion.md: the guest is "a bare machine of W words", and a
 * machine has at least 2 (E[0] and E[1]): a guest of exactly 2 words runs
 * on every level as on a bare machine, not taken for no guest at all. */
static void nest__a_guest_of_two_words_runs(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "two.s",
                  "        .entrypsw psw(SUP, 1, 0, 2)\n"
                  "        .org 0\n"
                  "        .word 0\n"
                  "        HALT\n");
    struct cs_outcome o = cs_run_tgm("check", "--nest", "2", "--mem", "2", path, NULL);
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, ": equivalent at depth 2 (E, PSW, R, timer, console; no traps)"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* ---- src/vmm/nest.c: the map learned from the CP ----------------------- */

static void cp_image(struct tgm_image *cp)
{
    char err[256];
    if (nest_cp_image(cp, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* docs/recursion.md: the CP is at 0 and its guest at K, "the CP's own
 * size rounded up".  A CP whose cp_guest names its own last word would
 * place the guest over it: refused (a check of K against the CP's end
 * less one would take it). */
static void learn__refuses_a_guest_base_inside_the_control_program(void **state)
{
    (void)state;
    struct tgm_image cp;
    struct nest_map map;
    char err[256];
    cp_image(&cp);
    struct tgm_symbol *k = NULL;
    for (uint32_t i = 0; i < cp.nsyms; i++)
        if (!strcmp(cp.syms[i].name, "cp_guest"))
            k = &cp.syms[i];
    assert_non_null(k);
    k->value = cp.nwords; /* just past the CP: accepted */
    assert_int_equal(nest_learn(&cp, &map, err, sizeof err), 0);
    assert_int_equal(map.k, cp.nwords);
    k->value = cp.nwords - 1;
    assert_int_equal(nest_learn(&cp, &map, err, sizeof err), -1);
    assert_non_null(strstr(err, "must load at 0 and end below cp_guest"));
    image_free(&cp);
}

/* nest.h: nest_compose is -1 with ERR when the stack does not fit; one
 * level is "1 level", two "2 levels". */
static void compose__names_the_levels_that_do_not_fit(void **state)
{
    (void)state;
    struct tgm_image cp, guest = {0}, out;
    struct nest_layout lay;
    char err[256], want[256];
    cp_image(&cp);
    struct nest_map map;
    assert_int_equal(nest_learn(&cp, &map, err, sizeof err), 0);
    for (unsigned depth = 1; depth <= 2; depth++) {
        uint32_t q = depth * map.k + 1; /* one word short of the smallest guest */
        assert_int_equal(nest_compose(&cp, &guest, depth, q, &out, &lay, err, sizeof err), -1);
        snprintf(want, sizeof want,
                 "%u level%s of the control program (%u words each) and the guest (2 words) "
                 "do not fit in %u words",
                 depth, depth == 1 ? "" : "s", (unsigned)map.k, (unsigned)q);
        assert_string_equal(err, want);
    }
    image_free(&cp);
}

/* ---- docs/vmm.md: the allocator's refusals ------------------------------ */

/* "vmm_vm_create_at(base, w) takes an explicit one and refuses any overlap
 * with another VM or the CP's words, with one line saying which": the
 * regions are named by their first and last words. */
static void alloc__create_at_names_the_regions_exactly(void **state)
{
    (void)state;
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 200}, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vmm_vm_create_at(v, 100, 50, "a", err, sizeof err), 0);
    assert_int_equal(vmm_vm_create_at(v, 140, 20, "b", err, sizeof err), -1);
    assert_string_equal(err, "region 140..159 overlaps VM 'a' (100..149)");
    assert_int_equal(vmm_vm_create_at(v, 4, 10, "b", err, sizeof err), -1);
    assert_string_equal(err, "region 4..13 overlaps the control program (0..7)");
    assert_int_equal(vmm_vm_create_at(v, 190, 20, "b", err, sizeof err), -1);
    assert_string_equal(err, "region 190..209 is outside real memory (200 words)");
    /* the last word of real memory is a region's last word */
    assert_int_equal(vmm_vm_create_at(v, 180, 20, "b", err, sizeof err), 1);
    vmm_destroy(v);
}

/* ---- docs/vmm.md: the control program's saved state ------------------- */

/* A CP of 200 words with one VM "a" of 50 words at 100, its state saved
 * into *BUF: the header's 56 bytes, then the record (id at 56, its name's
 * 32 bytes at 64, base at 96, w at 104, state at 112). */
enum { REC = 56, REC_BASE = REC + 40, REC_STATE = REC + 56 };

static struct vmm *one_vm_state(uint8_t **buf, size_t *len)
{
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 200}, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vmm_vm_create_at(v, 100, 50, "a", err, sizeof err), 0);
    assert_int_equal(vmm_state_save(v, buf, len), 0);
    return v;
}

static void put64(uint8_t *at, uint64_t x)
{
    for (int i = 0; i < 8; i++)
        at[i] = (uint8_t)(x >> 8 * i);
}

/* "Loading validates the whole input before it changes anything": a VM
 * record whose state is none of the four (runnable, stopped, halted, step
 * limit) is refused, the last of them taken. */
static void state__a_vm_state_past_step_limit_is_refused(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t len;
    char err[256];
    struct vmm *v = one_vm_state(&buf, &len);
    put64(buf + REC_STATE, VM_LIMIT);
    assert_int_equal(vmm_state_load(v, buf, len, err, sizeof err), 0);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(v, 0, &in), 0);
    assert_int_equal(in.state, VM_LIMIT);
    put64(buf + REC_STATE, VM_LIMIT + 1);
    assert_int_equal(vmm_state_load(v, buf, len, err, sizeof err), -1);
    assert_string_equal(err, "offset 56: bad VM record");
    assert_int_equal(vmm_vm_info(v, 0, &in), 0); /* unchanged */
    assert_int_equal(in.state, VM_LIMIT);
    free(buf);
    vmm_destroy(v);
}

/* A region in the CP's words (base below 8) is refused; one right after
 * them is taken. */
static void state__a_region_over_the_control_program_is_refused(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t len;
    char err[256];
    struct vmm *v = one_vm_state(&buf, &len);
    put64(buf + REC_BASE, VMM_K);
    assert_int_equal(vmm_state_load(v, buf, len, err, sizeof err), 0);
    put64(buf + REC_BASE, VMM_K - 1);
    assert_int_equal(vmm_state_load(v, buf, len, err, sizeof err), -1);
    assert_string_equal(err, "offset 56: bad VM record");
    free(buf);
    vmm_destroy(v);
}

/* The real PSW a state is checked with: in supervisor mode it must be at
 * the CP's own code (docs/vmm.md: the CP owns E[0..7], its dispatcher
 * from E[2]); at E[8], the first VM word, it is not. */
static void state__check_refuses_supervisor_mode_past_the_control_program(void **state)
{
    (void)state;
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 200}, err, sizeof err);
    assert_non_null(v);
    struct machine *m = vmm_machine(v);
    struct psw cp = psw_unpack(machine_mem(m)[1]);
    cp.p = VMM_K - 1;
    machine_set_psw(m, psw_pack(&cp));
    assert_int_equal(vmm_state_check(v, err, sizeof err), 0);
    cp.p = VMM_K;
    machine_set_psw(m, psw_pack(&cp));
    assert_int_equal(vmm_state_check(v, err, sizeof err), -1);
    assert_string_equal(err, "real PSW is in supervisor mode outside the control program");
    vmm_destroy(v);
}

/* ---- docs/run.md: --timeline FILE ---------------------------------------- */

/* "an SVG when FILE ends in .svg (in any case: .SVG too), else Chrome's
 * trace event format": a file named just ".svg" ends in it, and so is an
 * SVG; "x.json" is JSON. */
static void timeline__a_file_named_dot_svg_is_an_svg(void **state)
{
    (void)state;
    char err[256], cwd[4096];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 200}, err, sizeof err);
    assert_non_null(v);
    struct tgm_timeline *t = timeline_new();
    assert_non_null(t);
    timeline_begin(t, v);
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    int svg = timeline_write(t, v, ".svg", err, sizeof err);
    int json = timeline_write(t, v, "x.json", err, sizeof err);
    size_t n;
    char *a = svg == 0 ? cs_slurp(".svg", &n) : NULL, *b = json == 0 ? cs_slurp("x.json", &n) : NULL;
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(svg, 0);
    assert_int_equal(json, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_true(!strncmp(a, "<?xml", 5) && strstr(a, "<svg"));
    assert_true(!strncmp(b, "{\"displayTimeUnit\"", 18));
    free(a);
    free(b);
    timeline_free(t);
    vmm_destroy(v);
}

/* "N later events not recorded (at most 1000000 are kept)": one past the
 * cap is "1 later event".  The events are given to the recorder directly
 * (as the CP's event hook gives them), a million and one of them. */
static void timeline__one_event_past_the_cap_is_said_in_the_singular(void **state)
{
    (void)state;
    char err[256], path[CS_PATH];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 200}, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vmm_vm_create(v, 50, "a", err, sizeof err), 0);
    struct tgm_timeline *t = timeline_new();
    assert_non_null(t);
    timeline_begin(t, v);
    const struct vmm_event e = {0, TRAP_SVC, 1, 0, DISP_REFLECTED, TRAP_SVC, 0, 0};
    for (unsigned i = 0; i <= TIMELINE_MAX_EVENTS; i++)
        timeline_event(t, v, &e);
    size_t dropped;
    assert_int_equal(timeline_count(t, &dropped), TIMELINE_MAX_EVENTS);
    assert_int_equal(dropped, 1);
    cs_tmp_path(path, sizeof path, "cap.svg");
    assert_int_equal(timeline_write(t, v, path, err, sizeof err), 0);
    size_t n;
    char *svg = cs_slurp(path, &n);
    assert_non_null(svg);
    if (!strstr(svg, ">1 later event not recorded (at most 1000000 are kept): the picture "
                     "ends at cycle "))
        fail_msg("no singular line in the SVG");
    free(svg);
    remove(path);
    timeline_free(t);
    vmm_destroy(v);
}

/* run.md: a track is named as its VM is; a character other than a letter,
 * a digit, '_', '-' or '.' shows as '_' (so a name from the library is
 * safe in JSON and XML). */
static void timeline__a_track_is_named_as_its_vm(void **state)
{
    (void)state;
    char err[256], path[CS_PATH];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 300}, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vmm_vm_create(v, 50, "g.1-x_2", err, sizeof err), 0);
    assert_int_equal(vmm_vm_create(v, 50, "a b<&\"", err, sizeof err), 1);
    struct tgm_timeline *t = timeline_new();
    assert_non_null(t);
    timeline_begin(t, v);
    for (uint8_t id = 0; id < 2; id++)
        timeline_event(t, v, &(const struct vmm_event){id, TRAP_SVC, 1, 0, DISP_REFLECTED,
                                                      TRAP_SVC, 0, 0});
    cs_tmp_path(path, sizeof path, "names.json");
    assert_int_equal(timeline_write(t, v, path, err, sizeof err), 0);
    size_t n;
    char *json = cs_slurp(path, &n);
    assert_non_null(json);
    assert_non_null(strstr(json, "\"args\":{\"name\":\"g.1-x_2\"}"));
    assert_non_null(strstr(json, "\"args\":{\"name\":\"a_b___\"}"));
    free(json);
    remove(path);
    timeline_free(t);
    vmm_destroy(v);
}

/* Two VMs, time-sliced by SLICE cycles, each trapping once a loop (122
 * steps), in a fresh CP; with LOAD false, the CP alone, to take a saved
 * state. */
static struct vmm *two_sliced(uint64_t slice, bool load)
{
    static const char src[] = "        LI   9, 40\n"
                              "loop:   SPSW 10\n"
                              "        ADDI 11, 11, 3\n"
                              "        DJNZ 9, loop\n"
                              "        HALT\n";
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 400, .slice = slice}, err, sizeof err);
    assert_non_null(v);
    if (!load)
        return v;
    struct tgm_image img;
    size_t dl = 0;
    char *diag;
    FILE *f = open_memstream(&diag, &dl);
    assert_non_null(f);
    assert_int_equal(asm_assemble_buffer("t.s", src, sizeof src - 1, &img, f), 0);
    assert_int_equal(fclose(f), 0);
    free(diag);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(vmm_vm_create(v, 100, NULL, err, sizeof err), i);
        assert_int_equal(vmm_vm_load(v, i, &img, err, sizeof err), 0);
    }
    image_free(&img);
    return v;
}

/* Both VMs' counts, which any extra or missing CP entry changes. */
static void counts(struct vmm *v, uint64_t out[2][4])
{
    for (int i = 0; i < 2; i++) {
        struct vm_info vi;
        assert_int_equal(vmm_vm_info(v, i, &vi), 0);
        uint64_t timer = 0;
        for (int d = 0; d < DISP_COUNT; d++)
            timer += vi.stats.traps[TRAP_TIMER][d];
        out[i][0] = vi.stats.entries;
        out[i][1] = timer;
        out[i][2] = machine_cycles(vmm_vm_view(v, i));
        out[i][3] = vi.state;
    }
}

/* Run two_sliced(SLICE) cut after K steps, saved, restored in a new CP
 * and run to the end: its counts must be WANT, the uncut run's. */
static void cut_and_restore(uint64_t slice, uint64_t k, uint64_t want[2][4])
{
    uint64_t got[2][4];
    struct vmm *a = two_sliced(slice, true);
    vmm_run(a, k, NULL);
    uint8_t *buf, *real;
    size_t len, rlen;
    assert_int_equal(vmm_state_save(a, &buf, &len), 0);
    assert_int_equal(machine_state_save(vmm_machine(a), true, &real, &rlen), 0);
    vmm_destroy(a);
    struct vmm *b = two_sliced(slice, false);
    char err[256];
    assert_int_equal(vmm_state_load(b, buf, len, err, sizeof err), 0);
    assert_int_equal(machine_state_load(vmm_machine(b), real, rlen, err, sizeof err), 0);
    free(buf);
    free(real);
    assert_int_equal(vmm_run(b, 1u << 20, NULL), VMMSTOP_DONE);
    counts(b, got);
    if (memcmp(got, want, sizeof got))
        fail_msg("slice %" PRIu64 ", cut at %" PRIu64 ": entries %" PRIu64 "/%" PRIu64
                 ", timer %" PRIu64 "/%" PRIu64 " against %" PRIu64 "/%" PRIu64 ", %" PRIu64
                 "/%" PRIu64,
                 slice, k, got[0][0], got[1][0], got[0][1], got[1][1], want[0][0], want[1][0],
                 want[0][1], want[1][1]);
    vmm_destroy(b);
}

/* vmm.md: "A control program saved at any step ... and restored goes on
 * exactly as one never saved", restored by vmm_state_load alone (no
 * vmm_transient_set): the rest of the run enters the CP as often as the
 * uncut one, the slices' timer entries too.  A real timer the saved CP
 * armed and that ran out in the trap that entered it is not taken again
 * after the restore when the other VM's HALT has left one VM alone (no
 * slice to arm): with slices of 22 and 61 cycles, a cut near the end
 * falls there (after steps 233 and 215, found by trying every cut). */
static void state__a_run_cut_and_restored_anywhere_goes_on_the_same(void **state)
{
    (void)state;
    static const uint64_t slices[] = {22, 61};
    for (size_t s = 0; s < 2; s++) {
        uint64_t want[2][4];
        struct vmm *whole = two_sliced(slices[s], true);
        assert_int_equal(vmm_run(whole, 1u << 20, NULL), VMMSTOP_DONE);
        counts(whole, want);
        assert_true(want[0][1] > 0); /* the slices ended by the real timer */
        vmm_destroy(whole);
        for (uint64_t k = 200; k <= 244; k++)
            cut_and_restore(slices[s], k, want);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutvmm52");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_nest__one_trap_is_said_in_the_singular),
        cmocka_unit_test(cp__alone_says_it_has_no_guest_and_halts),
        cmocka_unit_test(nest__a_guest_of_two_words_runs),
        cmocka_unit_test(learn__refuses_a_guest_base_inside_the_control_program),
        cmocka_unit_test(compose__names_the_levels_that_do_not_fit),
        cmocka_unit_test(alloc__create_at_names_the_regions_exactly),
        cmocka_unit_test(state__a_vm_state_past_step_limit_is_refused),
        cmocka_unit_test(state__a_region_over_the_control_program_is_refused),
        cmocka_unit_test(timeline__a_file_named_dot_svg_is_an_svg),
        cmocka_unit_test(timeline__one_event_past_the_cap_is_said_in_the_singular),
        cmocka_unit_test(timeline__a_track_is_named_as_its_vm),
        cmocka_unit_test(state__a_run_cut_and_restored_anywhere_goes_on_the_same),
        cmocka_unit_test(state__check_refuses_supervisor_mode_past_the_control_program),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
