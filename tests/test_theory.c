/* test_theory.c: what a researcher finds checking the paper's theorems with
 * tgm from its documents alone: the equivalence of section 6 under the
 * control program and under N levels of itself (Theorem 2, section 7),
 * the analyzer's verdicts (Theorems 1 and 3) and the efficiency counts.
 * Each test is a place where the command and docs/ once disagreed.
 *
 * Runs from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* A guest with no trap handler: its SVC loads E[1] = 0, whose fetch
 * memory traps into the same PSW for ever (a disabled wait). */
static void no_handler(char *path, size_t len)
{
    cs_write_text(path, len, "nohandler.s", "        .entry start\nstart:  SVC 1\n"
                                            "        HALT\n");
}

static const char loop_note[] = ": it is in a trap loop (each step takes a memory trap and "
                                "E[1] loads the same PSW: a disabled wait)";

/* 'tgm check' says when the bare machine that did not halt is in a trap
 * loop (docs/vmm.md); 'tgm check --nest' runs the same bare machine and
 * said only that it did not halt, as if a larger limit could help. */
static void check_nest__names_the_bare_trap_loop_as_check_does(void **state)
{
    (void)state;
    char src[CS_PATH], want[512];
    no_handler(src, sizeof src);
    snprintf(want, sizeof want, "the bare run did not halt within 1000 steps%s\n", loop_note);
    for (int vmm = 0; vmm < 2; vmm++) {
        struct cs_outcome o = vmm ? cs_run_tgm("check", "--nest", "2", "--vmm", "--max-steps",
                                               "1000", src, NULL)
                                  : cs_run_tgm("check", "--nest", "1", "--max-steps", "1000",
                                               src, NULL);
        assert_int_equal(o.status, 1);
        assert_non_null(strstr(o.out, want));
        cs_outcome_free(&o);
    }
    /* a bare run that could still end keeps the plain line */
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--max-steps", "10",
                                     "examples/sum.s", NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "examples/sum.s: NOT equivalent at depth 1: the bare run did "
                                  "not halt within 10 steps\n"));
    cs_outcome_free(&o);
}

/* 'tgm run' and 'tgm run --vmm' say that no limit ends a guest's trap
 * loop (docs/run.md); 'tgm run --nest' advised raising the limit for the
 * same guest on the levels, whose state it reads back and prints. */
static void run_nest__a_guest_trap_loop_is_no_reason_to_raise_the_limit(void **state)
{
    (void)state;
    char src[CS_PATH];
    no_handler(src, sizeof src);
    cs_tgm_fails(3, "tgm: run: step limit of 5000 reached before HALT in a trap loop (each step "
                    "takes a memory trap and E[1] loads the same PSW: a disabled wait), which no "
                    "limit ends; give E[1] a trap handler",
                 "run", CS_ARGV("--nest", "2", "--max-steps", "5000", src));
    /* so does a guest the levels have not booted yet: its PSW, all zero,
     * is no state of the guest's (and h1 would halt at once) */
    char h1[CS_PATH];
    cs_write_text(h1, sizeof h1, "h1.s", "        .entry start\nstart:  HALT\n");
    cs_tgm_fails(3, "tgm: run: step limit of 10 reached before HALT (raise it with "
                    "--max-steps N, or 0 for none)",
                 "run", CS_ARGV("--nest", "2", "--max-steps", "10", h1));
    cs_tgm_fails(3, "tgm: run: step limit of 10 reached before HALT (raise it with "
                    "--max-steps N, or 0 for none)",
                 "run", CS_ARGV("--nest", "2", "--max-steps", "10", src));
    /* the guest still computing keeps the advice */
    cs_tgm_fails(3, "tgm: run: step limit of 100 reached before HALT (raise it with "
                    "--max-steps N, or 0 for none)",
                 "run", CS_ARGV("--nest", "1", "--max-steps", "100", "examples/sum.s"));
}

/* A count of 1 is singular wherever tgm prints counts (docs/run.md), as
 * 'tgm run --vmm --stats' says '1 instruction executed directly'; the
 * monitor's 'vm stats' and 'check' said '1 instructions direct'. */
static void vm_stats__one_instruction_direct_is_singular(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH + 64];
    cs_write_text(src, sizeof src, "one.s", "        .entry start\nstart:  NOP\n        HALT\n");
    snprintf(cmds, sizeof cmds, "vm create a 10 %s; go; vm stats a", src);
    cs_mon_prints(cmds, "\na: 1 instruction direct, 1 interpreted; direct ratio 0.5000\n");
    snprintf(cmds, sizeof cmds, "check %s", src);
    cs_mon_prints(cmds, "\n  alone: 1 instruction direct, 1 interpreted; direct ratio 0.5000\n");
    cs_tgm_prints("efficiency     1 instruction executed directly, 1 interpreted (50.0000% "
                  "direct)\n", "run", CS_ARGV("--vmm", "--stats", src));
    /* and more than one stays plural */
    cs_mon_prints("vm create a 4096 examples/hello.s; go; vm stats a",
                  "\na: 55 instructions direct, 14 interpreted; direct ratio 0.7971\n");
}

/* docs/os.md: a quantum of 5 cycles or less is spent by the dispatching
 * TSET and LPSW, so every process takes its timer trap before its first
 * instruction; 6 is the least with which the OS runs to its end. */
static void os__a_quantum_must_outlast_its_dispatch(void **state)
{
    (void)state;
    cs_mon_prints("set console off; load examples/os/os.s; deposit quantum 5; go for 200000; "
                  "console; regs",
                  "\nos: 4 processes, quantum 5 cycles\nbare machine");
    cs_mon_prints("set console off; load examples/os/os.s; deposit quantum 5; go for 200000; "
                  "regs",
                  "u I=1 P=0x00001 l=0x00280 b=0x00080  cause=timer  (old PSW)");
    cs_mon_prints("set console off; load examples/os/os.s; deposit quantum 6; go; console",
                  "\nos: all processes done: 3 exited, 1 killed\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_theory");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check_nest__names_the_bare_trap_loop_as_check_does),
        cmocka_unit_test(run_nest__a_guest_trap_loop_is_no_reason_to_raise_the_limit),
        cmocka_unit_test(vm_stats__one_instruction_direct_is_singular),
        cmocka_unit_test(os__a_quantum_must_outlast_its_dispatch),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
