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
    };
    return cmocka_run_group_tests_name("walk_r", tests, group_setup, group_teardown);
}
