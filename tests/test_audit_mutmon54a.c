/* test_audit_mutmon54a.c: cases that a mutation audit of the monitor's
 * inspection commands (examine, translate, deposit, symbols, console,
 * print), its expression language and its program loading found no other
 * suite asserting.
 *
 * Each states a documented rule (docs/monitor.md, docs/isa.md) at the edge
 * a mutant moved: the widest P, l and b 'deposit' sets, a label inside
 * .phase naming no word of E, no label on the real machine's words, the
 * trap 'translate' names when both checks fail, and a binary file named
 * .s read as a source.
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

/* ---- examine ---------------------------------------------------------- */

/* docs/monitor.md, a label inside .phase: "its value is an address as
 * the moved or relocated code sees it, not the word it labels": E[0],
 * unlabelled, is not named by uloop (whose value is 0), nor is JMP's
 * target. */
static void examine__a_phased_label_names_no_word(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 32];
    cs_write_text(path, sizeof path, "ph.s",
                  "        .entry start\n        .org  2\nstart:  LPSW  upsw\n"
                  "upsw:   .word psw(USER, 0, 0x10, 4)\n        .org  0x10\n"
                  "        .phase 0\nuloop:  JMP   uloop\n        .dephase\n");
    snprintf(cmds, sizeof cmds, "load %s; x 0; x -i 0x10", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "\n  0x00000              0000000000000000\n"
                                  "  0x00010              JMP    0x0\n"));
    assert_null(strstr(o.out, "uloop"));
    cs_outcome_free(&o);
}

/* docs/monitor.md: "The real machine's words (`examine -r`) carry no
 * labels": sum.s's start is VM a's 0x2, not the real 0x2. */
static void examine__real_words_carry_no_labels(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon_ok("vm create a 4096 examples/sum.s; x 2; x -r 2; x -r -i 2");
    assert_non_null(strstr(o.out, "\n  0x00002 start        120002c000000000\n"));
    assert_non_null(strstr(o.out, "\n  0x00002              9000000000000000\n"
                                  "  0x00002              HCALL  0x0\n"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'translate': "Develop a virtual address through R, as
 * section 2 defines", showing "which of the two checks fails": both may,
 * and the trap is the first check's, a + l >= q, as section 2 tests it
 * first. */
static void translate__names_the_first_check_when_both_fail(void **state)
{
    (void)state;
    cs_mon_prints_exactly("deposit b 4; deposit l 0xffff; translate 5",
                          "bare: a=0x5, R=(l=0xffff, b=0x4), q=0x10000\n"
                          "  a + l = 0x10004 >= q   FAILS: memory trap\n"
                          "  a     = 0x5 >= b   FAILS: memory trap\n"
                          "  => memory trap (a + l >= q)\n");
}

/* ---- deposit ---------------------------------------------------------- */

/* docs/isa.md: P and l are addresses, 0 .. 2^19-1 (docs/monitor.md's
 * psw(): "p and l in 0..2^19-1"): deposit takes the widest. */
static void deposit__p_and_l_take_19_bits(void **state)
{
    (void)state;
    cs_mon_prints_exactly("deposit P 0x7ffff; deposit l 0x7ffff; print P; print l",
                          "0x7ffff (524287)\n0x7ffff (524287)\n");
    cs_mon_fails("deposit P 0x80000", "deposit: 0x80000 does not fit in 19 bits");
    cs_mon_fails("deposit l 0x80000", "deposit: 0x80000 does not fit in 19 bits");
}

/* docs/isa.md: b is "a size: valid apparent addresses are 0 .. b-1", so
 * 2^19 (every address) is a bound (psw(): "b in 0..2^19"). */
static void deposit__b_takes_2_to_the_19(void **state)
{
    (void)state;
    cs_mon_prints_exactly("deposit b 0x80000; print b", "0x80000 (524288)\n");
}

/* ---- load ------------------------------------------------------------- */

/* docs/monitor.md, 'load': "a binary one that begins with the image magic
 * TGMIMAGE is an image whatever its name; else one named .s is a source":
 * a binary .s gets the assembler's errors, counted, not the image
 * reader's. */
static void load__a_binary_file_named_s_is_a_source(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 8];
    cs_tmp_path(path, sizeof path, "bin.s");
    cs_write_bytes(path, "\x01\x02\xff\n", 4);
    snprintf(cmds, sizeof cmds, "load %s", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "bin.s:1:1: error: unexpected byte 0x01"));
    assert_non_null(strstr(o.err, "load: "));
    assert_non_null(strstr(o.err, "bin.s: 1 error\n"));
    assert_null(strstr(o.err, "magic"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutmon54a");
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
        cmocka_unit_test(examine__a_phased_label_names_no_word),
        cmocka_unit_test(examine__real_words_carry_no_labels),
        cmocka_unit_test(translate__names_the_first_check_when_both_fail),
        cmocka_unit_test(deposit__p_and_l_take_19_bits),
        cmocka_unit_test(deposit__b_takes_2_to_the_19),
        cmocka_unit_test(load__a_binary_file_named_s_is_a_source),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
