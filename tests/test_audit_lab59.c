/* test_audit_lab59.c: what a teacher preparing a lab from the docs found.
 *
 * An output option that takes the next word as its FILE (`tgm run --vmm
 * --timeline a.s b.s`, the FILE forgotten; `tgm as -o a.s b.s`) wrote
 * over the student's source: such a FILE that is an existing program tgm
 * reads (a source, an image, a snapshot) is refused, and left as it was.
 * The monitor's `check` given an option where its FILE goes (`check mem
 * 4096 a.s`) said `cannot open 'mem'`: it names the order, as `nest` does.
 * And the lab's three guests (docs/isa.md's traps, timer and relocation)
 * give, bare, under the control program and nested, what the docs predict.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>

#include <cmocka.h>

#include "cli_support.h"

/* A supervisor whose handler, installed by E[1], counts the SVCs of a
 * user program run in a window of relocation-bounds R = (0x100, 5); the
 * SVC code is read from the word at the saved P, E[l + P]. */
static const char svc_src[] =
    "UBASE = 0x100\n"
    "oldpsw: .word 0\n"
    "newpsw: .word psw(SUP, handler, 0, 0x80000)\n"
    "upsw:   .word psw(USER, 0, UBASE, 5)\n"
    "count:  .word 0\n"
    "t:      .word 0\n"
    "p:      .word 0\n"
    "w:      .word 0\n"
    "c:      .word 0\n"
    "        .entry start\n"
    "start:  LPSW  upsw\n"
    "handler: ADDI count, count, 1\n"
    "        LI    t, 39\n"
    "        SHR   p, oldpsw, t\n"
    "        LI    t, 0x7FFFF\n"
    "        AND   p, p, t\n"
    "        LDX   w, UBASE, p\n"
    "        LI    t, 38\n"
    "        SHR   w, w, t\n"
    "        LI    t, 0x7FFFF\n"
    "        AND   w, w, t\n"
    "        LI    t, 2\n"
    "        BEQ   w, t, done\n"
    "        LI    t, 1\n"
    "        LI    c, 39\n"
    "        SHL   t, t, c\n"
    "        ADD   c, oldpsw, t\n"
    "        LPSW  c\n"
    "done:   LI    t, '0'\n"
    "        ADD   c, count, t\n"
    "        COUT  c\n"
    "        HALT\n"
    "        .org UBASE\n"
    "        .phase 0\n"
    "        LI    n, 3\n"
    "loop:   SVC   1\n"
    "        DJNZ  n, loop\n"
    "        SVC   2\n"
    "n:      .word 0\n"
    "        .dephase\n";

/* The interval timer, period 20, interrupts a loop that prints "hello". */
static const char tick_src[] =
    "old:    .word 0\n"
    "new:    .word psw(SUP, tick, 0, 0x80000)\n"
    "run:    .word pswi(SUP, main, 0, 0x80000)\n"
    "period: .word 20\n"
    "star:   .word '*'\n"
    "i:      .word 0\n"
    "ch:     .word 0\n"
    "msg:    .asciz \"hello\"\n"
    "        .entry start\n"
    "start:  TSET  period\n"
    "        LPSW  run\n"
    "main:   LI    i, 0\n"
    "loop:   LDX   ch, msg, i\n"
    "        BZ    ch, fin\n"
    "        COUT  ch\n"
    "        ADDI  i, i, 1\n"
    "        JMP   loop\n"
    "fin:    HALT\n"
    "tick:   COUT  star\n"
    "        TSET  period\n"
    "        LPSW  old\n";

/* FILE holds TEXT exactly. */
static void holds(const char *file, const char *text)
{
    size_t n = 0;
    char *got = cs_slurp(file, &n);
    if (n != strlen(text) || memcmp(got, text, n) != 0)
        fail_msg("%s was changed: %.200s", file, got);
    free(got);
}

/* ---- an output option never replaces a program ------------------------ */

/* run.md, `--dump`: a FILE that is an existing source, image or snapshot
 * none of the run reads is refused too, before the run, and left as it
 * was; a fresh file, or an old dump, is written as before. */
static void run__dump_and_timeline_never_replace_a_program(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], img[CS_PATH], snap[CS_PATH], why[2 * CS_PATH];
    cs_write_text(a, sizeof a, "a.s", svc_src);
    cs_write_text(b, sizeof b, "b.s", tick_src);
    cs_tmp_path(img, sizeof img, "a.img");
    cs_tmp_path(snap, sizeof snap, "a.snap");
    struct cs_outcome o = cs_run_tgm("as", a, "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char cmds[3 * CS_PATH];
    snprintf(cmds, sizeof cmds, "load %s; save %s", b, snap);
    cs_outcome_free((struct cs_outcome[]){cs_mon_ok(cmds)});
    size_t img_len = 0, snap_len = 0;
    char *img_bytes = cs_slurp(img, &img_len), *snap_bytes = cs_slurp(snap, &snap_len);

    snprintf(why, sizeof why, "tgm: run: --timeline: %s is an assembly source and is not "
             "written over; choose another file", a);
    cs_tgm_fails(2, why, "run", CS_ARGV("--vmm", "--timeline", a, b));
    snprintf(why, sizeof why, "tgm: run: --dump: %s is an assembly source and is not written "
             "over; choose another file", a);
    cs_tgm_fails(2, why, "run", CS_ARGV("--dump", a, b));
    holds(a, svc_src);
    snprintf(why, sizeof why, "tgm: run: --dump: %s is a tgm image and is not written over; "
             "choose another file", img);
    cs_tgm_fails(2, why, "run", CS_ARGV("--dump", img, b));
    snprintf(why, sizeof why, "tgm: run: --timeline: %s is a monitor snapshot and is not "
             "written over; choose another file", snap);
    cs_tgm_fails(2, why, "run", CS_ARGV("--vmm", "--timeline", snap, b));
    size_t n = 0;
    char *now = cs_slurp(img, &n);
    assert_true(n == img_len && memcmp(now, img_bytes, n) == 0);
    free(now);
    now = cs_slurp(snap, &n);
    assert_true(n == snap_len && memcmp(now, snap_bytes, n) == 0);
    free(now);
    free(img_bytes);
    free(snap_bytes);

    /* a dump written twice, and a timeline, still are */
    const char *dump = cs_tmp("b.dump");
    for (int i = 0; i < 2; i++)
        cs_tgm_prints("", "run", CS_ARGV("--quiet", "--dump", dump, b));
    cs_tgm_prints("", "run", CS_ARGV("--vmm", "--quiet", "--timeline", cs_tmp("b.json"), b));
}

/* asm.md, "The command": an IMAGE that is an existing source other than
 * SRC is refused as SRC itself is, and left as it was; one that holds an
 * image, even named *.s, is replaced as before. */
static void as__o_never_replaces_another_source(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], why[2 * CS_PATH];
    cs_write_text(a, sizeof a, "as_a.s", svc_src);
    cs_write_text(b, sizeof b, "as_b.s", tick_src);
    snprintf(why, sizeof why, "tgm: as: the output %s is an assembly source and is not written "
             "over; choose another -o", a);
    cs_tgm_fails(2, why, "as", CS_ARGV("-o", a, b));
    holds(a, svc_src);
    const char *img_s = cs_tmp("img.s");
    for (int i = 0; i < 2; i++)
        cs_tgm_prints("", "as", CS_ARGV(b, "-o", img_s));
}

/* asm.md, `tgm dis`: an SRC that is another existing image is refused
 * and left as it was; an existing source is written over. */
static void dis__o_never_replaces_an_image(void **state)
{
    (void)state;
    char a[CS_PATH], src[CS_PATH], why[2 * CS_PATH];
    cs_write_text(a, sizeof a, "dis_a.s", svc_src);
    cs_write_text(src, sizeof src, "dis_old.s", tick_src);
    char img_a[CS_PATH], img_b[CS_PATH];
    cs_tmp_path(img_a, sizeof img_a, "dis_a.img");
    cs_tmp_path(img_b, sizeof img_b, "dis_b.img");
    cs_tgm_prints("", "as", CS_ARGV(a, "-o", img_a));
    cs_tgm_prints("", "as", CS_ARGV(a, "-o", img_b));
    size_t len = 0, n = 0;
    char *before = cs_slurp(img_a, &len);
    snprintf(why, sizeof why, "tgm: dis: the output %s is a tgm image and is not written over; "
             "choose another -o", img_a);
    cs_tgm_fails(2, why, "dis", CS_ARGV("-o", img_a, img_b));
    char *now = cs_slurp(img_a, &n);
    assert_true(n == len && memcmp(now, before, n) == 0);
    free(now);
    free(before);
    cs_tgm_prints("", "dis", CS_ARGV(img_b, "-o", src));
    now = cs_slurp(src, &n);
    assert_non_null(strstr(now, ".entrypsw"));
    free(now);
}

/* monitor.md: several IMAGEs are VMs in their order, the last selected. */
static void monitor__several_images_leave_the_last_selected(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH];
    cs_write_text(a, sizeof a, "sel_a.s", svc_src);
    cs_write_text(b, sizeof b, "sel_b.s", tick_src);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", "vm list", a, b, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "\n   0 vm0 ");
    cs_assert_has(o.out, "\n*  1 vm1 ");
    cs_outcome_free(&o);
}

/* ---- the monitor's check names its order ------------------------------ */

/* monitor.md: "Two arguments given in the wrong order are named as such,
 * not as an unknown name": an option where check's FILE goes, with no
 * file of that name, says the order; a file of that name is still one. */
static void check__an_option_for_its_file_says_the_order(void **state)
{
    (void)state;
    static const char usage[] = "check FILE [mem W] [steps N] [slice N] [profile P] [hybrid] "
                                "[input TEXT] [nest N [vmm]] [with FILE...]";
    static const char *const opts[] = {"mem 4096", "steps 5", "hybrid", "with", "nest 2",
                                       "MEM 4096"};
    char a[CS_PATH], cmds[2 * CS_PATH], why[512];
    cs_write_text(a, sizeof a, "c.s", svc_src);
    for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++) {
        snprintf(cmds, sizeof cmds, "check %s %s", opts[i], a);
        char word[16];
        sscanf(opts[i], "%15s", word);
        snprintf(why, sizeof why, "check: '%s' is not a FILE: the order is '%s'", word, usage);
        cs_mon_fails(cmds, why);
    }
    cs_mon_fails("check nosuch.s", "check: cannot open 'nosuch.s': No such file or directory");
    /* a file named mem, in the current directory, is the FILE */
    char mem[CS_PATH];
    cs_write_text(mem, sizeof mem, "mem", svc_src);
    char tgm[4096];
    assert_non_null(realpath(cs_tgm(), tgm));
    const char *argv[] = {tgm, "monitor", "-c", "check mem", NULL};
    struct cs_outcome o = cs_run_argv_in(argv, cs_tmpdir(), NULL, 60);
    if (o.status != 0 || !strstr(o.out, "check mem: EQUIVALENT"))
        fail_msg("check mem: status %d\n%s\n%s", o.status, o.out, o.err);
    cs_outcome_free(&o);
}

/* ---- the lab's guests, as the docs predict them ----------------------- */

/* isa.md: 4 SVCs at 4 cycles each, the handler's E[0] the last old PSW
 * (user, cause svc 3, P = 3, R = (0x100, 5)); equivalent under the
 * control program and at depth 2. */
static void lab__svc_counter_as_predicted(void **state)
{
    (void)state;
    char a[CS_PATH];
    cs_write_text(a, sizeof a, "lab_svc.s", svc_src);
    const char *dump = cs_tmp("lab_svc.dump");
    struct cs_outcome o = cs_run_tgm("run", "--dump", dump, a, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "4\n-- halted\n");
    cs_assert_has(o.out, "last trap    svc\n");
    cs_assert_has(o.out, "traps        privileged 0, memory 0, svc 4, illegal 0, timer 0\n");
    cs_assert_has(o.out, "cycles       141\ninstructions 72\nsteps        76\n");
    cs_outcome_free(&o);
    size_t n = 0;
    unsigned char *e = (unsigned char *)cs_slurp(dump, &n);
    assert_true(n == 8 * 65536);
    uint64_t e0 = 0;
    for (int i = 7; i >= 0; i--)
        e0 = e0 << 8 | e[i];
    free(e);
    assert_true(e0 == (3ull << 58 | 3ull << 39 | 0x100ull << 20 | 5));
    o = cs_run_tgm("check", a, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "2", a, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* isa.md, "The interval timer": TSET counts its own cycles, the trap
 * comes before the next instruction and saves its P; the console shows
 * where each tick fell, bare, under the control program and nested. */
static void lab__timer_ticks_where_predicted(void **state)
{
    (void)state;
    char b[CS_PATH];
    cs_write_text(b, sizeof b, "lab_tick.s", tick_src);
    struct cs_outcome o = cs_run_tgm("run", b, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "h*el*l*o\n-- halted\n");
    cs_assert_has(o.out, "traps        privileged 0, memory 0, svc 0, illegal 0, timer 3\n");
    cs_assert_has(o.out, "cycles       105\ninstructions 40\nsteps        43\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--quiet", b, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "h*el*l*o");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "2", b, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "3 traps in the same order, 3 of them timer traps");
    cs_outcome_free(&o);
}

/* monitor.md, "The history ring": the step that took the timer trap ran
 * no instruction, and its line says `(not fetched)`, as `trace insns`
 * writes it, where `step` says `(not run: ...)`. */
static void history__a_timer_trap_step_fetched_nothing(void **state)
{
    (void)state;
    char b[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(b, sizeof b, "hist_tick.s", tick_src);
    snprintf(cmds, sizeof cmds, "load %s; step 10; history 1; rstep; trace insns; step", b);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "  0x00011: (not run: the pending timer trap comes first)\n");
    const char *line = "        24 s I=1 P=0x00011 l=0x00000 b=0x80000  (not fetched)  -> trap "
                       "timer\n";
    const char *first = strstr(o.out, line);
    if (!first || !strstr(first + 1, line))
        fail_msg("history and trace insns do not both say (not fetched):\n%s", o.out);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_lab59");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__dump_and_timeline_never_replace_a_program),
        cmocka_unit_test(as__o_never_replaces_another_source),
        cmocka_unit_test(dis__o_never_replaces_an_image),
        cmocka_unit_test(monitor__several_images_leave_the_last_selected),
        cmocka_unit_test(check__an_option_for_its_file_says_the_order),
        cmocka_unit_test(lab__svc_counter_as_predicted),
        cmocka_unit_test(lab__timer_ticks_where_predicted),
        cmocka_unit_test(history__a_timer_trap_step_fetched_nothing),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
