/* test_audit_api58.c: library calls, made as a reader of the headers and
 * docs/isa.md and docs/vmm.md would make them, whose documented answers no
 * other suite asserted.
 *
 * They pin: machine_watch_hits (an instruction's accesses in order, a
 * trap's read of E[1] before its write of E[0], the cut at MAX, none once
 * the machine changed, the hits of a step that made a trap stop);
 * machine_breaks_at agreeing with the run loop; machine_reset keeping the
 * debug settings, a console device and the host-call handler;
 * machine_reset_to and machine_state_load refusing and changing nothing;
 * vmm_compare giving no verdict for a bare machine of another size;
 * machine_trap_loop's way out through a timer word the loop fetches;
 * vmm_mem_hint's three answers; image_is_snapshot's NUL; and a guest at
 * docs/vmm.md's edges equivalent bare and under the control program,
 * plain and hybrid, alone and two together; counter_monitor_name's
 * "unknown" for a value that is no monitor.  Library-level: no binary is
 * run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* A supervisor machine of 64 words whose E[1] sends a trap to a HALT at
 * 40, with the PSW at P = 5. */
static struct machine *trap_machine(const char *profile)
{
    struct machine_config cfg = {.q = 64, .profile = isa_profile_find(profile)};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    assert_int_equal(machine_write_phys(m, 1, psw_pack(&(struct psw){.sup = true, .p = 40,
                                                                     .b = 64})), 0);
    assert_int_equal(machine_write_phys(m, 40, MAKE_INSN(OP_HALT, 0, 0, 0)), 0);
    machine_set_psw(m, psw_pack(&(struct psw){.sup = true, .p = 5, .b = 64}));
    return m;
}

/* The hits machine_watch_hits gives (at most 8) as "21r 1r 0w". */
static void hits_text(const struct machine *m, size_t max, char *buf, size_t len)
{
    struct machine_exit h[MACHINE_WATCH_HITS];
    size_t n = machine_watch_hits(m, h, max), at = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && at < len; i++) {
        assert_int_equal(h[i].reason, EXIT_WATCH);
        at += (size_t)snprintf(buf + at, len - at, "%s%u%c", i ? " " : "", h[i].addr,
                               h[i].write ? 'w' : 'r');
    }
}

/* ---- include/tgm/machine.h: watchpoints ------------------------------- */

/* machine.h: "A watchpoint reports an access the instruction made even if
 * it then trapped, and a trap's own accesses"; machine_watch_hits lists
 * them "in the order the step made them ... a trap two, listed as its read
 * of E[1], then its write of E[0] (the one an EXIT_WATCH names when both
 * are watched)".  LDX reads E[c], then its index (100) fails to develop. */
static void watch_hits__a_trapping_read_then_the_traps_read_of_e1_and_write_of_e0(void **state)
{
    (void)state;
    struct machine *m = trap_machine(NULL);
    assert_int_equal(machine_write_phys(m, 5, MAKE_INSN(OP_LDX, 20, 0, 21)), 0);
    assert_int_equal(machine_write_phys(m, 21, 100), 0);
    assert_int_equal(machine_watch(m, 21, WATCH_READ), 0);
    assert_int_equal(machine_watch(m, 20, WATCH_WRITE), 0);
    assert_int_equal(machine_watch(m, 0, WATCH_WRITE), 0);
    assert_int_equal(machine_watch(m, 1, WATCH_READ), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 10, &ex), EXIT_WATCH);
    assert_int_equal(ex.addr, 0);
    assert_true(ex.write);
    assert_int_equal(ex.steps, 1);
    assert_int_equal(machine_last_trap(m), TRAP_MEM);
    assert_int_equal(machine_p(m), 40);
    char got[96];
    hits_text(m, MACHINE_WATCH_HITS, got, sizeof got);
    assert_string_equal(got, "21r 1r 0w");
    machine_destroy(m);
}

/* machine.h: "at most MAX into HITS ...; 0 once the machine has changed
 * since, as machine_mark tells it".  LDX a, n, c makes three accesses:
 * E[c], E[n + E[c]], then E[a]; the EXIT_WATCH "names the last of them". */
static void watch_hits__in_order_cut_at_max_and_none_after_a_change(void **state)
{
    (void)state;
    struct machine *m = trap_machine(NULL);
    assert_int_equal(machine_write_phys(m, 5, MAKE_INSN(OP_LDX, 20, 2, 21)), 0);
    assert_int_equal(machine_write_phys(m, 21, 30), 0);
    assert_int_equal(machine_watch(m, 21, WATCH_READ), 0);
    assert_int_equal(machine_watch(m, 32, WATCH_READ), 0);
    assert_int_equal(machine_watch(m, 20, WATCH_WRITE), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 10, &ex), EXIT_WATCH);
    assert_int_equal(ex.addr, 20);
    assert_true(ex.write);
    char got[96];
    hits_text(m, MACHINE_WATCH_HITS, got, sizeof got);
    assert_string_equal(got, "21r 32r 20w");
    hits_text(m, 2, got, sizeof got);
    assert_string_equal(got, "21r 32r");
    assert_int_equal(machine_p(m), 6);
    machine_set_p(m, 7); /* a change a run did not make */
    hits_text(m, MACHINE_WATCH_HITS, got, sizeof got);
    assert_string_equal(got, "");
    machine_destroy(m);
}

/* machine.h: "when a trap in the stop mask is taken in the same step, the
 * trap stop is reported and the watch hit is not", and machine_watch_hits
 * still lists the accesses of "a trap stop in that step". */
static void watch_hits__a_trap_stop_in_the_step_keeps_its_hits(void **state)
{
    (void)state;
    struct machine *m = trap_machine(NULL);
    assert_int_equal(machine_write_phys(m, 5, MAKE_INSN(OP_SVC, 7, 0, 0)), 0);
    assert_int_equal(machine_watch(m, 0, WATCH_WRITE), 0);
    machine_trap_stop(m, 1u << TRAP_SVC);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 10, &ex), EXIT_TRAP);
    assert_int_equal(ex.cause, TRAP_SVC);
    assert_int_equal(machine_p(m), 40);
    char got[96];
    hits_text(m, MACHINE_WATCH_HITS, got, sizeof got);
    assert_string_equal(got, "0w");
    machine_destroy(m);
}

/* ---- machine_breaks_at ------------------------------------------------ */

/* machine.h: machine_breaks_at answers "Would the run loop stop before
 * executing WORD at physical address PHYS: an execution breakpoint there,
 * or a class breakpoint for its opcode?"  Asked of words of every kind (a
 * privileged one, one with a nonzero unused field, opcodes only some
 * profiles have, HCALL, zero) under several class masks and profiles, it
 * must be the run loop's own answer: a run from a NOP before the word
 * stops there or not. */
static void breaks_at__is_the_run_loops_own_answer(void **state)
{
    (void)state;
    static const char *const profiles[] = {"virtualizable", "s360-67", "s360-67-lra-user",
                                           "x86", "pdp10", "pdp11-45"};
    const uint64_t words[] = {
        MAKE_INSN(OP_LRA, 10, 5, 0),  MAKE_INSN(OP_LPSW, 3, 0, 0), MAKE_INSN(OP_LPSW, 3, 1, 0),
        MAKE_INSN(OP_SR, 3, 0, 0),    MAKE_INSN(OP_JRSTU, 3, 0, 0), MAKE_INSN(OP_MFPI, 3, 4, 0),
        MAKE_INSN(OP_HCALL, 1, 0, 0), MAKE_INSN(OP_ADD, 1, 2, 3),  0,
    };
    static const unsigned masks[] = {CLASS_PRIV, CLASS_SENSITIVE, CLASS_LOC_U, CLASS_MODE, 0};
    unsigned stops = 0, cases = 0;
    for (size_t p = 0; p < sizeof profiles / sizeof profiles[0]; p++)
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++)
            for (size_t k = 0; k <= sizeof masks / sizeof masks[0]; k++) {
                struct machine *m = trap_machine(profiles[p]);
                assert_int_equal(machine_write_phys(m, 5, MAKE_INSN(OP_NOP, 0, 0, 0)), 0);
                assert_int_equal(machine_write_phys(m, 6, words[w]), 0);
                if (k < sizeof masks / sizeof masks[0])
                    machine_break_class(m, masks[k]);
                else /* the last round: an execution breakpoint alone */
                    assert_int_equal(machine_break_exec(m, 6, true), 0);
                bool says = machine_breaks_at(m, 6, words[w]);
                struct machine_exit ex;
                enum exit_reason r = machine_run(m, 2, &ex);
                bool stopped = r == EXIT_BREAK && ex.addr == 6 && machine_p(m) == 6;
                if (says != stopped)
                    fail_msg("%s, word %#llx, round %zu: machine_breaks_at %d, run %s",
                             profiles[p], (unsigned long long)words[w], k, says,
                             exit_reason_name(r));
                stops += stopped;
                cases++;
                machine_destroy(m);
            }
    /* both answers occur: every execution breakpoint, some class ones */
    assert_true(stops > sizeof profiles / sizeof profiles[0] * (sizeof words / sizeof words[0]));
    assert_true(stops < cases);
}

/* ---- machine_reset ---------------------------------------------------- */

static char dev_out[8];
static size_t dev_n;
static void dev_put(void *ctx, uint8_t ch)
{
    (void)ctx;
    if (dev_n < sizeof dev_out)
        dev_out[dev_n++] = (char)ch;
}
static int dev_get(void *ctx)
{
    (void)ctx;
    return 'Q';
}
static int host_calls;
static struct hostcall_result host_go(void *ctx, struct machine *m, uint64_t code,
                                      uint64_t *left)
{
    (void)ctx, (void)m, (void)left;
    host_calls += code == 9;
    return (struct hostcall_result){HOSTCALL_GO, 0};
}

/* machine.h: machine_reset gives "E all zero, supervisor, I = 0, P = 0,
 * R = (0, q), timer disarmed, console empty, counters zero.  Debug
 * settings are kept, and so are a plugged-in console device and the
 * host-call handler."  After the reset, CIN and COUT go to the device, the
 * HCALL to the handler, and the breakpoint still stops the run. */
static void reset__keeps_debug_settings_the_device_and_the_handler(void **state)
{
    (void)state;
    struct machine *m = machine_create(&(struct machine_config){.q = 64, .hostcalls = true});
    assert_non_null(m);
    struct tgm_console dev = {NULL, dev_put, dev_get};
    machine_set_console(m, &dev);
    machine_set_hostcall(m, host_go, NULL);
    assert_int_equal(machine_break_exec(m, 4, true), 0);
    assert_int_equal(machine_watch(m, 30, WATCH_READ), 0);
    assert_int_equal(machine_write_phys(m, 7, 1), 0);
    machine_set_psw(m, psw_pack(&(struct psw){.ie = true, .p = 3, .l = 1, .b = 9}));
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){.armed = true,
                                                                  .remaining = 9}), 0);
    machine_charge(m, 5, 1, 1);
    machine_reset(m);
    struct psw p = machine_psw(m);
    assert_true(p.sup && !p.ie && p.p == 0 && p.l == 0 && p.b == 64);
    assert_true(machine_mem(m)[7] == 0);
    assert_false(machine_get_timer(m).armed);
    assert_true(machine_cycles(m) == 0 && machine_steps(m) == 0);
    assert_true(machine_break_exec_test(m, 4));
    assert_int_equal(machine_watch_test(m, 30), WATCH_READ);
    const uint64_t prog[] = {MAKE_INSN(OP_CIN, 20, 0, 0), MAKE_INSN(OP_COUT, 20, 0, 0),
                             MAKE_INSN(OP_HCALL, 9, 0, 0), MAKE_INSN(OP_NOP, 0, 0, 0),
                             MAKE_INSN(OP_HALT, 0, 0, 0)};
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(machine_write_phys(m, i, prog[i]), 0);
    machine_watch(m, 30, 0); /* the checked loop would not call the handler */
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 10, &ex), EXIT_BREAK);
    assert_int_equal(ex.addr, 4);
    assert_int_equal(host_calls, 1);
    assert_int_equal(dev_n, 1);
    assert_int_equal(dev_out[0], 'Q');
    size_t len = 1;
    machine_console_output(m, &len);
    assert_int_equal(len, 0); /* the own console saw nothing */
    machine_destroy(m);
}

/* ---- refusals that change nothing ------------------------------------- */

/* machine.h: machine_reset_to gives "-1, and nothing changed, if N > q". */
static void reset_to__more_words_than_q_changes_nothing(void **state)
{
    (void)state;
    struct machine *m = trap_machine(NULL);
    assert_int_equal(machine_write_phys(m, 9, 99), 0);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"x", 1), 0);
    uint64_t words[65] = {7, 8, 9};
    uint64_t mark = machine_mark(m), edits = machine_edits(m), psw = machine_get_psw(m);
    assert_int_equal(machine_reset_to(m, words, 65), -1);
    assert_true(machine_mark(m) == mark);
    assert_true(machine_edits(m) == edits);
    assert_true(machine_get_psw(m) == psw);
    assert_true(machine_mem(m)[0] == 0 && machine_mem(m)[9] == 99);
    assert_int_equal(machine_console_input_len(m), 1);
    /* q words exactly are taken */
    assert_int_equal(machine_reset_to(m, words, 64), 0);
    assert_true(machine_mem(m)[0] == 7 && machine_mem(m)[9] == 0);
    assert_int_equal(machine_console_input_len(m), 0);
    machine_destroy(m);
}

/* machine.h: machine_state_load "checks everything first and changes
 * nothing on error": a state saved from a machine of 50 words is refused
 * by one of 51, and the line says both sizes. */
static void state_load__another_size_is_refused_and_changes_nothing(void **state)
{
    (void)state;
    struct machine *a = machine_create(&(struct machine_config){.q = 50});
    struct machine *b = machine_create(&(struct machine_config){.q = 51});
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(machine_write_phys(a, 3, 7), 0);
    machine_set_p(a, 9);
    assert_int_equal(machine_write_phys(b, 4, 5), 0);
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(machine_state_save(a, true, &buf, &len), 0);
    uint64_t mark = machine_mark(b);
    char err[160] = "";
    assert_int_equal(machine_state_load(b, buf, len, err, sizeof err), -1);
    assert_string_equal(err, "offset 16: state is for 50 words, machine has 51");
    assert_true(machine_mark(b) == mark);
    assert_true(machine_mem(b)[4] == 5 && machine_p(b) == 0);
    free(buf);
    machine_destroy(a);
    machine_destroy(b);
}

/* vmm.h: vmm_compare gives "-1 when f(S2) could not be computed", and
 * vmmap_f cannot compute it when "BARE is not of w words": a VM of 10
 * words compared with a bare machine of 11 gets no verdict, with why. */
static void vmm_compare__a_bare_machine_of_another_size_gives_no_verdict(void **state)
{
    (void)state;
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 100}, err, sizeof err);
    assert_non_null(v);
    assert_int_equal(vmm_vm_create(v, 10, NULL, err, sizeof err), 0);
    struct machine *same = machine_create(&(struct machine_config){.q = 10});
    struct machine *other = machine_create(&(struct machine_config){.q = 11});
    assert_non_null(same);
    assert_non_null(other);
    char diff[256] = "x";
    assert_int_equal(vmm_compare(same, v, 0, diff, sizeof diff), 0); /* both power-on */
    assert_string_equal(diff, "");
    assert_int_equal(vmm_compare(other, v, 0, diff, sizeof diff), -1);
    assert_true(diff[0] != '\0');
    machine_destroy(same);
    machine_destroy(other);
    vmm_destroy(v);
}

/* ---- machine_trap_loop ------------------------------------------------ */

/* machine.h: "A timer trap that may come loads it too, and is no way out
 * unless the word it leaves in E[0] is one the loop fetches."  E[1] is a
 * user PSW with I = 1, P = 0 and b = 2^19: the loop fetches E[0], whose
 * old PSW (cause illegal) is no instruction; with the timer armed, the
 * timer's old PSW (cause timer) reads as JMPX 0, 1, an instruction, and
 * the machine leaves the loop. */
static void trap_loop__a_timer_word_the_loop_fetches_is_a_way_out(void **state)
{
    (void)state;
    struct machine *m = machine_create(&(struct machine_config){.q = TGM_Q_MAX});
    assert_non_null(m);
    const uint64_t e1 = psw_pack(&(struct psw){.ie = true, .b = TGM_Q_MAX});
    const uint64_t ill = e1 | (uint64_t)TRAP_ILL << PSW_CAUSE_SHIFT;
    const uint64_t tim = e1 | (uint64_t)TRAP_TIMER << PSW_CAUSE_SHIFT;
    assert_false(isa_decode(ill).ok);
    assert_true(isa_decode(tim).ok && isa_decode(tim).op == OP_JMPX);
    assert_int_equal(machine_write_phys(m, 1, e1), 0);
    assert_int_equal(machine_write_phys(m, 0, ill), 0);
    machine_set_psw(m, e1);
    unsigned cause = TRAP_NONE;
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_ILL);
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){.armed = true,
                                                                  .remaining = 50}), 0);
    assert_false(machine_trap_loop(m, &cause));
    assert_int_equal(machine_steps(m), 0); /* probed on a copy */
    /* and it is a way out: after the timer trap, steps complete */
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 100, &ex), EXIT_BUDGET);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_TIMER], 1);
    assert_int_equal(c.traps[TRAP_ILL] + c.traps[TRAP_TIMER] + c.instret, 100);
    assert_true(c.instret > 0);
    machine_destroy(m);
}

/* ---- include/tgm/vmm.h and image.h: small answers --------------------- */

/* vmm.h: vmm_mem_hint gives "" when IMG fits W, " (try a larger OPT)"
 * when it fits one of MOST words, and when it fits none, what MOST is. */
static void mem_hint__fits_w_fits_most_or_none(void **state)
{
    (void)state;
    uint64_t word = 0;
    struct tgm_image img = {.load = 99, .nwords = 1, .words = &word}; /* needs 100 words */
    char buf[160];
    assert_string_equal(vmm_mem_hint(&img, 100, 1000, "--mem", buf, sizeof buf), "");
    assert_string_equal(vmm_mem_hint(&img, 99, 100, "--mem", buf, sizeof buf),
                        " (try a larger --mem)");
    assert_string_equal(vmm_mem_hint(&img, 50, 99, "'mem W'", buf, sizeof buf),
                        " (no 'mem W' is large enough: a guest has at most 99 words here)");
}

/* image.h: image_is_snapshot: "Do the first N bytes begin with a monitor
 * snapshot's magic and its NUL?" (TGM_SNAPSHOT_MAGIC "and a NUL"). */
static void snapshot_magic__needs_its_nul(void **state)
{
    (void)state;
    assert_true(image_is_snapshot(TGM_SNAPSHOT_MAGIC "\0more", 12));
    assert_true(image_is_snapshot(TGM_SNAPSHOT_MAGIC, sizeof TGM_SNAPSHOT_MAGIC));
    assert_false(image_is_snapshot(TGM_SNAPSHOT_MAGIC, sizeof TGM_SNAPSHOT_MAGIC - 1));
    assert_false(image_is_snapshot(TGM_SNAPSHOT_MAGIC "X", sizeof TGM_SNAPSHOT_MAGIC));
    assert_false(image_is_snapshot(TGM_IMAGE_MAGIC, sizeof TGM_IMAGE_MAGIC));
}

/* ---- docs/vmm.md, "What a guest can depend on" ------------------------ */

/* TSET of 2^63 - 1 and TGET, TSET of -1; LR of rb(63, 2^19) on w = 64 (only
 * apparent 0 valid: the next fetch traps); LR with l = w (nothing
 * addressable); CIN past the input; an LPSW to user mode with l > w.  The
 * handler at h counts the traps in E[50] and halts at the third. */
static const char edge_guest[] = ".org 0\n"
                                 "old:  .word 0\n"
                                 "      .word psw(1, h, 0, 64)\n"
                                 "      .org 4\n"
                                 "      TSET big\n"
                                 "      TGET 40\n"
                                 "      TSET minus\n"
                                 "      TGET 41\n"
                                 "      LR r1\n"
                                 "h:    ADDI 50, 50, 1\n"
                                 "      LI 51, 3\n"
                                 "      BLT 50, 51, next\n"
                                 "      HALT\n"
                                 "next: BEQ 50, one, t2\n"
                                 "      JMP t3\n"
                                 "t2:   LR r2\n"
                                 "t3:   CIN 42\n"
                                 "      CIN 43\n"
                                 "      COUT 42\n"
                                 "      LPSW user\n"
                                 "      .org 30\n"
                                 "big:  .word 0x7fffffffffffffff\n"
                                 "minus: .word -1\n"
                                 "r1:   .word rb(63, 524288)\n"
                                 "one:  .word 1\n"
                                 "r2:   .word rb(64, 10)\n"
                                 "user: .word pswi(0, 0, 70, 5)\n"
                                 "      .entry 4\n";

/* docs/vmm.md: "Any R it loads, by LPSW or LR, behaves as on a bare machine
 * of w words: b up to 2^20 - 1 bounds nothing more than w - l ... and with
 * l >= w nothing is addressable", "TSET of 0 or less disarms, 2^63 - 1 is
 * as good as any", "CIN returns -1 when its input is used up"; and
 * vmm_check compares f(S2) with S2' "alone and, when there are several,
 * all together".  On the profiles that meet Theorem 1, plain and hybrid,
 * with a slice of 7 cycles, the guest is equivalent both ways. */
static void check__a_guest_at_the_documented_edges_is_equivalent(void **state)
{
    (void)state;
    struct tgm_image img;
    size_t dl = 0;
    char *diag = NULL;
    FILE *f = open_memstream(&diag, &dl);
    assert_non_null(f);
    int rc = asm_assemble_string("edge.s", edge_guest, &img, f);
    assert_int_equal(fclose(f), 0);
    if (rc != 0)
        fail_msg("%s", diag);
    free(diag);
    char err[256];
    /* the bare run, by hand */
    struct machine *b = machine_create(&(struct machine_config){.q = 64});
    assert_non_null(b);
    assert_int_equal(image_load(b, &img, err, sizeof err), 0);
    assert_int_equal(machine_console_input(b, (const uint8_t *)"Z", 1), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(b, 1000, &ex), EXIT_HALT);
    const uint64_t *e = machine_mem(b);
    assert_true(e[40] == (uint64_t)INT64_MAX - 2); /* TSET's own 2 cycles counted */
    assert_true(e[41] == 0 && e[42] == 'Z' && e[43] == UINT64_MAX && e[50] == 3);
    assert_int_equal(machine_get_counters(b).traps[TRAP_MEM], 3);
    assert_false(machine_get_timer(b).armed);
    machine_destroy(b);
    static const char *const profiles[] = {"virtualizable", "s360-67"};
    for (size_t p = 0; p < 2; p++)
        for (int hybrid = 0; hybrid <= 1; hybrid++) {
            const struct tgm_image *imgs[2] = {&img, &img};
            struct check_result res[2];
            struct check_opts o = {.w = 64, .max_steps = 1000, .slice = 7,
                                   .profile = isa_profile_find(profiles[p]),
                                   .hybrid = hybrid, .input = (const uint8_t *)"Z",
                                   .input_len = 1};
            if (vmm_check(imgs, 2, &o, res, err, sizeof err) != 0)
                fail_msg("%s: %s", profiles[p], err);
            for (int i = 0; i < 2; i++) {
                if (!res[i].equivalent)
                    fail_msg("%s%s, image %d: '%s' '%s'", profiles[p],
                             hybrid ? " hybrid" : "", i, res[i].alone_diff,
                             res[i].together_diff);
                assert_true(res[i].bare_halted && res[i].alone_halted &&
                            res[i].together_halted && res[i].together_done);
            }
        }
    image_free(&img);
}

/* analyze.h: counter_monitor_name is "VMM", "hybrid VMM"; "unknown" for
 * any other value, as the other name functions answer. */
static void counter_monitor_name__the_two_and_unknown(void **state)
{
    (void)state;
    assert_string_equal(counter_monitor_name(COUNTER_VMM), "VMM");
    assert_string_equal(counter_monitor_name(COUNTER_HYBRID), "hybrid VMM");
    assert_string_equal(counter_monitor_name((enum counter_monitor)(COUNTER_HYBRID + 1)),
                        "unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(watch_hits__a_trapping_read_then_the_traps_read_of_e1_and_write_of_e0),
        cmocka_unit_test(counter_monitor_name__the_two_and_unknown),
        cmocka_unit_test(watch_hits__in_order_cut_at_max_and_none_after_a_change),
        cmocka_unit_test(watch_hits__a_trap_stop_in_the_step_keeps_its_hits),
        cmocka_unit_test(breaks_at__is_the_run_loops_own_answer),
        cmocka_unit_test(reset__keeps_debug_settings_the_device_and_the_handler),
        cmocka_unit_test(reset_to__more_words_than_q_changes_nothing),
        cmocka_unit_test(state_load__another_size_is_refused_and_changes_nothing),
        cmocka_unit_test(vmm_compare__a_bare_machine_of_another_size_gives_no_verdict),
        cmocka_unit_test(trap_loop__a_timer_word_the_loop_fetches_is_a_way_out),
        cmocka_unit_test(mem_hint__fits_w_fits_most_or_none),
        cmocka_unit_test(snapshot_magic__needs_its_nul),
        cmocka_unit_test(check__a_guest_at_the_documented_edges_is_equivalent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
