/* test_walk_r.c: a researcher's walk through docs/theorems.md,
 * docs/recursion.md, docs/os.md and docs/isa.md with the paper at hand:
 * the analyzer's verdicts (sections 3, 5, 7 and 8), guests that use a
 * behaviour sensitive or user sensitive instruction under the VMM and the
 * hybrid VMM, and the time-sharing OS and other guests nested (section 7's
 * Theorem 2), compared with their bare runs.  Each test is written from
 * the documents, through the tgm binary; a test of a fix fails on the tree
 * before it.
 *
 * Runs from the top of the source tree.
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

/* A kernel that, like examples/supervisor.s, resumes after an SVC by
 * adding 1 to P in the old PSW that the trap stored in E[0]: it writes
 * E[0] itself after each of its 5 SVCs.  Its bare run takes 6 traps
 * (5 SVCs and the memory trap that ends it). */
static const char svc_kernel[] = "        .org  0\n"
                                 "old:    .word 0\n"
                                 "        .word psw(SUP, trap, 0, 0x80000)\n"
                                 "        .entry start\n"
                                 "start:  LPSW  user\n"
                                 "trap:   SHR   c, old, k58\n"
                                 "        AND   c, c, k15\n"
                                 "        BNE   c, k3, stop\n"
                                 "        ADD   old, old, onep\n"
                                 "        LPSW  old\n"
                                 "stop:   HALT\n"
                                 "k58:    .word 58\n"
                                 "k15:    .word 15\n"
                                 "k3:     .word 3\n"
                                 "onep:   .word 1 << 39\n"
                                 "c:      .word 0\n"
                                 "user:   .word psw(USER, 0, 0x100, 16)\n"
                                 "        .org  0x100\n"
                                 "        .phase 0\n"
                                 "        LI    n, 5\n"
                                 "loop:   SVC   1\n"
                                 "        DJNZ  n, loop\n"
                                 "        MOV   16, n\n"
                                 "n:      .word 0\n"
                                 "        .dephase\n";

/* 'tgm check --nest N' says how many traps the guest took and that they
 * came in the same order; it counted the words written to the guest's
 * E[0] instead, so a kernel that stores into its own E[0] (as
 * examples/supervisor.s does) was said to take traps it never took:
 * "44 traps" for supervisor.s, whose bare run takes 23. */
static void check_nest__counts_the_traps_the_bare_machine_took(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "svc_kernel.s", svc_kernel);
    cs_tgm_prints("traps        privileged 0, memory 1, svc 5, illegal 0, timer 0\n", "run",
                  CS_ARGV(src));
    cs_tgm_prints("equivalent at depth 2 (E, PSW, R, timer, console; 6 traps in the same "
                  "order, 0 of them timer traps)", "check", CS_ARGV("--nest", "2", src));
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--json", src, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\"traps\":6,\"timer_traps\":0,"));
    cs_outcome_free(&o);
    /* the example the docs run: 1 memory trap and 22 SVCs */
    cs_tgm_prints("traps        privileged 0, memory 1, svc 22, illegal 0, timer 0\n", "run",
                  CS_ARGV("examples/supervisor.s"));
    cs_tgm_prints("23 traps in the same order, 0 of them timer traps", "check",
                  CS_ARGV("--nest", "1", "examples/supervisor.s"));
}

/* 'tgm check --nest 2 --hybrid' said the control program "hosts one
 * guest": the reason for refusing --slice, not --hybrid.  Each is refused
 * with its own reason, and nothing is run. */
static void check_nest__refuses_hybrid_and_slice_each_with_its_reason(void **state)
{
    (void)state;
    cs_tgm_fails(2, "check: --nest with --hybrid: the machine-code control program is no "
                 "hybrid monitor", "check", CS_ARGV("--nest", "2", "--hybrid", "examples/sum.s"));
    cs_tgm_fails(2, "check: --nest with --slice: the machine-code control program hosts one "
                 "guest, with no time slices", "check",
                 CS_ARGV("--nest", "2", "--slice", "5", "examples/sum.s"));
}

/* Section 3's behaviour sensitivity without privilege, as docs/theorems.md
 * describes the profiles: MFPI (pdp11-45) is mode sensitive, so in virtual
 * supervisor mode the VMM runs it directly in real user mode and gets the
 * user-mode result; the hybrid monitor interprets it.  LRA
 * (s360-67-lra-user) is location sensitive from user mode too, so both
 * monitors see the real l; on s360-67 it is privileged and both are
 * equivalent. */
static void check__sensitive_unprivileged_guests_diverge_as_the_theorems_say(void **state)
{
    (void)state;
    char mfpi[CS_PATH], lra[CS_PATH];
    cs_write_text(mfpi, sizeof mfpi, "mfpi.s",
                  "        .org 0\n"
                  "        .word 0\n"
                  "        .word psw(SUP, fault, 0, 0x80000)\n"
                  "        .entry start\n"
                  "start:  LI    ptr, 8\n"
                  "        MFPI  dst, ptr\n"
                  "        HALT\n"
                  "fault:  HALT\n"
                  "ptr:    .word 0\n"
                  "dst:    .word 0\n");
    /* E[dst] := E[E[ptr]] = E[8] = 0 in supervisor mode, E[ptr] = 8 in user */
    struct cs_outcome o = cs_run_tgm("check", "--profile", "pdp11-45", mfpi, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "alone: E[7] (real E[15]): bare 0x0000000000000000, vm "
                                  "0x0000000000000008"));
    cs_outcome_free(&o);
    cs_tgm_prints("equivalent (alone); 3 instructions, 0.0000% executed directly", "check",
                  CS_ARGV("--profile", "pdp11-45", "--hybrid", mfpi));
    cs_write_text(lra, sizeof lra, "lra.s",
                  "        .org 0\n"
                  "old:    .word 0\n"
                  "        .word psw(SUP, trap, 0, 0x80000)\n"
                  "        .entry start\n"
                  "start:  LPSW  user\n"
                  "trap:   MOV   saved, old\n"
                  "        HALT\n"
                  "saved:  .word 0\n"
                  "user:   .word psw(USER, 0, 0x100, 0x10)\n"
                  "        .org 0x100\n"
                  "        LRA   3, 7\n"
                  "        HALT\n");
    /* user mode: 7 + l = 0x107 bare, 7 + l + 8 under either monitor */
    for (int hybrid = 0; hybrid < 2; hybrid++) {
        struct cs_args a = {0};
        cs_push_all(&a, "--profile", "s360-67-lra-user", NULL);
        if (hybrid)
            cs_push(&a, "--hybrid");
        cs_push(&a, lra);
        o = cs_run_tgm_argv("check", a.v);
        assert_int_equal(o.status, 1);
        assert_non_null(strstr(o.out, "alone: E[259] (real E[267]): bare 0x0000000000000107, "
                                      "vm 0x000000000000010f"));
        cs_outcome_free(&o);
    }
    cs_tgm_prints("lra.s: equivalent (alone)", "check", CS_ARGV("--profile", "s360-67", lra));
}

/* A kernel that runs with I = 1 in supervisor mode (the stack's
 * single-step mode), reads the timer with TGET into a table, echoes its
 * console input and makes an SVC on every round, until its timer trap:
 * equivalent under the VMM, the hybrid VMM and stacks of 1 and 3 levels,
 * and 2 on the C control program (docs/recursion.md, "Virtual time is
 * exact"), with the same console. */
static void check__a_kernel_reading_its_timer_with_input_is_equivalent_nested(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "tget.s",
                  "        .org 0\n"
                  "old:    .word 0\n"
                  "        .word psw(SUP, handler, 0, 0x80000)\n"
                  "        .entry start\n"
                  "start:  TSET  t0\n"
                  "        LPSW  go_i\n"
                  "loop:   TGET  tv\n"
                  "        STX   buf, i, tv\n"
                  "        ADDI  i, i, 1\n"
                  "        CIN   ch\n"
                  "        BLT   ch, zero, nochar\n"
                  "        COUT  ch\n"
                  "nochar: SVC   7\n"
                  "        JMP   loop\n"
                  "handler: SHR  c, old, k58\n"
                  "        AND   c, c, k15\n"
                  "        BEQ   c, k3, resvc\n"
                  "        HALT\n"
                  "resvc:  ADD   old, old, onep\n"
                  "        LPSW  old\n"
                  "go_i:   .word pswi(SUP, loop, 0, 0x80000)\n"
                  "t0:     .word 157\n"
                  "k58:    .word 58\n"
                  "k15:    .word 15\n"
                  "k3:     .word 3\n"
                  "onep:   .word 1 << 39\n"
                  "tv:     .word 0\n"
                  "i:      .word 0\n"
                  "c:      .word 0\n"
                  "ch:     .word 0\n"
                  "zero:   .word 0\n"
                  "buf:    .word 0\n");
    cs_tgm_prints("hey\n-- halted\n", "run", CS_ARGV("--input", "hey", src));
    cs_tgm_prints("traps        privileged 0, memory 0, svc 5, illegal 0, timer 1\n", "run",
                  CS_ARGV("--input", "hey", src));
    cs_tgm_prints("equivalent (alone); 63 instructions", "check",
                  CS_ARGV("--input", "hey", src));
    cs_tgm_prints("equivalent (alone); 63 instructions", "check",
                  CS_ARGV("--hybrid", "--input", "hey", src));
    static const char traps[] = "6 traps in the same order, 1 of them a timer trap)";
    cs_tgm_prints(traps, "check", CS_ARGV("--nest", "1", "--input", "hey", src));
    cs_tgm_prints(traps, "check", CS_ARGV("--nest", "3", "--input", "hey", src));
    cs_tgm_prints(traps, "check", CS_ARGV("--nest", "2", "--vmm", "--input", "hey", src));
}

/* Depth 1 and the deepest stack the command line builds, with the largest
 * guest that fits beside it (16 x 640 + 514048 = 2^19 words), and one word
 * more refused before anything runs. */
static void check_nest__depth_one_and_the_maximum(void **state)
{
    (void)state;
    cs_tgm_prints("examples/sum.s: equivalent at depth 1 (E, PSW, R, timer, console; no traps)",
                  "check", CS_ARGV("--nest", "1", "examples/sum.s"));
    cs_tgm_prints("examples/sum.s: equivalent at depth 16 (", "check",
                  CS_ARGV("--nest", "16", "--mem", "514048", "examples/sum.s"));
    cs_tgm_fails(2, "examples/sum.s: 16 levels of 640 words and a guest of 514049 words need "
                 "524289 words, more than the 524288 a machine has", "check",
                 CS_ARGV("--nest", "16", "--mem", "514049", "examples/sum.s"));
    cs_tgm_fails(2, "--nest: 17 levels is out of range (1..16)", "check",
                 CS_ARGV("--nest", "17", "examples/sum.s"));
}

/* docs/run.md: a level's counts, for the OS at depth 1, where 18 of the 42
 * timer traps are let in by the kernel's LPSW within the entry that
 * interprets it, so interpreted + reflected is 18 more than the entries. */
static void run_nest__the_levels_counts_of_the_os(void **state)
{
    (void)state;
    cs_tgm_prints("level 1      base 0x00000, guest of 65536 words at 0x00280: 803 entries, "
                  "647 interpreted, 174 reflected, 42 timer traps, 0 single steps;",
                  "run", CS_ARGV("--nest", "1", "examples/os/os.s"));
    cs_tgm_prints("traps        privileged 0, memory 1, svc 131, illegal 0, timer 42\n", "run",
                  CS_ARGV("examples/os/os.s"));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_walk_r");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_nest__counts_the_traps_the_bare_machine_took),
        cmocka_unit_test(check_nest__refuses_hybrid_and_slice_each_with_its_reason),
        cmocka_unit_test(check__sensitive_unprivileged_guests_diverge_as_the_theorems_say),
        cmocka_unit_test(check__a_kernel_reading_its_timer_with_input_is_equivalent_nested),
        cmocka_unit_test(check_nest__depth_one_and_the_maximum),
        cmocka_unit_test(run_nest__the_levels_counts_of_the_os),
    };
    return cmocka_run_group_tests_name("walk_r", tests, group_setup, group_teardown);
}
