/* test_audit_tracecp.c: the instruction a control program's event names
 * (vmm.h: "the instruction at P, if it could be fetched") and how `trace
 * cp` shows it (docs/monitor.md, "tracing"): where P does not develop, as
 * at a fetch's memory trap, the line says "(not fetched)", as `trace
 * insns` says for the same step, rather than the word 0 it never read.
 *
 * Runs the real binary (cli_support) from the top of the source tree, and
 * the control program through the library (vmm_support).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

/* The VM's supervisor jumps past its 256 words: the next fetch traps. */
static const char jump_far_src[] = "; jump past the VM's memory: fetch traps\n"
                                   "        JMP 0x7000\n";
/* One instruction before it, so that a short slice can end at either. */
static const char nop_jump_far_src[] = "        NOP\n"
                                       "        JMP 0x7000\n";
/* An operand past the VM's memory: the memory trap comes after the fetch. */
static const char far_operand_src[] = "        MOV 0x7000, 0\n";

/* 'tgm monitor -c CMDS' with %s in CMDS the path of a file holding SRC. */
static struct cs_outcome mon_with(const char *name, const char *src, const char *cmds)
{
    char path[CS_PATH], line[1024];
    cs_write_text(path, sizeof path, name, src);
    snprintf(line, sizeof line, cmds, path, path);
    return cs_mon_ok(line);
}

static void has_line(const struct cs_outcome *o, const char *want)
{
    if (!strstr(o->out, want))
        fail_msg("no line \"%s\" in:\n%s", want, o->out);
}

/* The line of the reproduction: `trace insns` says "(not fetched)" for the
 * step and the trap's own lines say the fetch trapped, but the cp line
 * showed ".word 0x0000000000000000".  The cause stays in its column. */
static void trace_cp__a_fetch_trap_is_not_fetched(void **state)
{
    (void)state;
    struct cs_outcome o = mon_with("jf.s", jump_far_src, "vm create a 256 %s; trace all; step 4");
    has_line(&o, "  (not fetched)  -> trap memory\n");
    has_line(&o, "\ncp: a P=0x07000 (not fetched)                memory trap -> reflected as "
                 "memory\n");
    has_line(&o, "\ncp: a P=0x00000 (not fetched)                memory trap -> reflected as "
                 "memory\n");
    assert_null(strstr(o.out, ".word"));
    cs_outcome_free(&o);
}

/* A memory trap whose fetch developed (its operand did not) names its
 * instruction, in the same columns, as before. */
static void trace_cp__a_fetched_instruction_is_shown_as_before(void **state)
{
    (void)state;
    struct cs_outcome o =
        mon_with("far.s", far_operand_src, "vm create a 256 %s; trace cp; step 1");
    has_line(&o, "\ncp: a P=0x00000 MOV    0x7000, 0x0           memory trap -> reflected as "
                 "memory\n");
    assert_null(strstr(o.out, "not fetched"));
    cs_outcome_free(&o);
}

/* The event of a VM stopped by its step limit names the instruction it
 * stops before: at a P that does not develop there is none. */
static void trace_cp__a_step_limit_before_no_instruction(void **state)
{
    (void)state;
    struct cs_outcome o =
        mon_with("jf.s", jump_far_src, "vm create a 256 %s; vm limit a 1; trace cp; continue");
    has_line(&o, "\ncp: a P=0x07000 (not fetched)                (no trap) -> scheduler\n");
    assert_null(strstr(o.out, ".word"));
    cs_outcome_free(&o);
}

/* A slice that ends before an instruction (the CP's timer) names it, or
 * says there is none.  HYBRID: a slice that ends while supervisor code is
 * interpreted, its own event; else the real timer's trap (D). */
static void slice_end_before_no_instruction(bool hybrid)
{
    char cmds[256];
    snprintf(cmds, sizeof cmds,
             "%sset slice %d; vm create a 256 %%s; vm create b 256 %%s; trace cp; step 6",
             hybrid ? "set hybrid on; " : "", hybrid ? 2 : 1);
    struct cs_outcome o = mon_with("nj.s", nop_jump_far_src, cmds);
    if (!hybrid) /* the first slice ends before the JMP */
        has_line(&o, "\ncp: a P=0x00001 JMP    0x7000                timer trap -> "
                     "scheduler\n");
    has_line(&o, "\ncp: a P=0x07000 (not fetched)                timer trap -> scheduler\n");
    has_line(&o, "\ncp: b P=0x07000 (not fetched)                timer trap -> scheduler\n");
    assert_null(strstr(o.out, ".word"));
    cs_outcome_free(&o);
}

static void trace_cp__a_slice_end_before_no_instruction(void **state)
{
    (void)state;
    slice_end_before_no_instruction(false);
}

static void trace_cp__a_hybrid_slice_end_before_no_instruction(void **state)
{
    (void)state;
    slice_end_before_no_instruction(true);
}

/* The guest's timer falls due during the LPSW that takes P past its
 * memory with I = 1: the CP delivers it before any fetch at that P. */
static const char timer_far_src[] = "        .org 0\n"
                                    "        .word 0\n"
                                    "        .word psw(SUP, h, 0, 0x80000)\n"
                                    "        .entry start\n"
                                    "start:  TSET  three\n"
                                    "        LPSW  on\n"
                                    "h:      HALT\n"
                                    "three:  .word 3\n"
                                    "on:     .word pswi(SUP, 0x7000, 0, 0x80000)\n";

/* A virtual timer trap the CP delivers (no real trap of its own) before
 * an instruction that does not develop. */
static void trace_cp__a_delivered_timer_before_no_instruction(void **state)
{
    (void)state;
    struct cs_outcome o = mon_with("tf.s", timer_far_src, "vm create a 256 %s; trace cp; step 4");
    has_line(&o, "\ncp: a P=0x00003 LPSW   on                    privileged trap -> "
                 "interpreted\n");
    has_line(&o, "\ncp: a P=0x07000 (not fetched)                timer trap -> reflected as "
                 "timer\n");
    assert_null(strstr(o.out, ".word"));
    cs_outcome_free(&o);
}

/* ---- the event itself (vmm.h) ------------------------------------------ */

struct seen {
    struct vmm_event ev[16];
    size_t n;
};

static void keep_events(void *ctx, const struct vmm_event *e)
{
    struct seen *s = ctx;
    if (s->n < sizeof s->ev / sizeof s->ev[0])
        s->ev[s->n++] = *e;
}

/* A control program with one VM holding SRC, its events kept in S; *W0
 * gets the image's first word. */
static struct vmm *one_vm(const char *src, int *id, struct seen *s, uint64_t *w0)
{
    struct vmm_config cfg = {.q = VMM_K + 256};
    struct vmm *v = tv_cp(&cfg);
    tv_cp_vm(v, 256, id);
    struct tgm_image img;
    char err[256];
    assert_int_equal(asm_assemble_buffer("guest.s", src, strlen(src), &img, stderr), 0);
    if (vmm_vm_load(v, *id, &img, err, sizeof err) != 0)
        fail_msg("vmm_vm_load: %s", err);
    assert_true(img.nwords >= 1);
    *w0 = img.words[0];
    image_free(&img);
    vmm_set_event_hook(v, keep_events, s);
    return v;
}

/* An event says whether its word was fetched: not at a fetch's memory
 * trap, and so for every renderer of events alike. */
static void event__fetched_says_whether_p_developed(void **state)
{
    (void)state;
    struct seen s = {0};
    int a;
    uint64_t w;
    struct vmm *v = one_vm(jump_far_src, &a, &s, &w);
    vmm_run(v, 2, NULL);
    assert_true(s.n >= 1);
    assert_int_equal(s.ev[0].cause, TRAP_MEM);
    assert_int_equal(s.ev[0].p, 0x7000);
    assert_false(s.ev[0].fetched);
    vmm_destroy(v);

    s = (struct seen){0};
    v = one_vm(far_operand_src, &a, &s, &w);
    vmm_run(v, 1, NULL);
    assert_true(s.n >= 1);
    assert_int_equal(s.ev[0].cause, TRAP_MEM);
    assert_int_equal(s.ev[0].p, 0);
    assert_true(s.ev[0].fetched);
    assert_true(w != 0);
    assert_int_equal(s.ev[0].word, w);
    vmm_destroy(v);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_tracecp");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trace_cp__a_fetch_trap_is_not_fetched),
        cmocka_unit_test(trace_cp__a_fetched_instruction_is_shown_as_before),
        cmocka_unit_test(trace_cp__a_step_limit_before_no_instruction),
        cmocka_unit_test(trace_cp__a_slice_end_before_no_instruction),
        cmocka_unit_test(trace_cp__a_hybrid_slice_end_before_no_instruction),
        cmocka_unit_test(trace_cp__a_delivered_timer_before_no_instruction),
        cmocka_unit_test(event__fetched_says_whether_p_developed),
    };
    return cmocka_run_group_tests_name("audit_tracecp", tests, group_setup, group_teardown);
}
