/* test_audit_nest3.c: loose ends of the stacks (docs/run.md,
 * docs/recursion.md), of how a file is read as text or an image, of step
 * budgets near 2^64, and of the OS example's quantum.  Each test fails on
 * the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
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
#include "mon_support.h"
#include "tgm/machine.h"

/* A guest whose entry PSW is the all-zero word (user mode, I = 0, P = 0,
 * R = (0, 0): valid, its first fetch takes a memory trap) and whose trap
 * PSW halts. */
static void write_zero_entry(char *path, size_t len)
{
    cs_write_text(path, len, "zero.s",
                  "        .entrypsw 0\n"
                  "        .org  0\n"
                  "        .word 0\n"
                  "        .word psw(SUP, h, 0, 0x80000)\n"
                  "h:      HALT\n");
}

#define NOT_STARTED "psw          not started (the control programs have not booted the guest)\n"

/* docs/run.md: "Until level 1 has booted the guest ... its PSW means
 * nothing".  Level 1's boot is its third instruction; a guest whose entry
 * PSW is 0 was reported not started until its first trap (the rule was
 * "PSW nonzero or a trap taken"), 26 steps later. */
static void nest__a_zero_entry_psw_counts_as_started_once_booted(void **state)
{
    (void)state;
    char path[CS_PATH];
    write_zero_entry(path, sizeof path);
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--max-steps", "2", path, NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, NOT_STARTED));
    assert_non_null(strstr(o.out, "; its guest: not started\n"));
    cs_outcome_free(&o);
    /* booted, and stopped well before the guest's first trap */
    o = cs_run_tgm("run", "--nest", "1", "--max-steps", "10", path, NULL);
    assert_int_equal(o.status, 3);
    if (strstr(o.out, "not started") ||
        !strstr(o.out, "psw          0x0000000000000000  user  I=0  P=0  l=0  b=0\n") ||
        !strstr(o.out, "0 entries, 0 interpreted, 0 reflected, 0 timer traps, 0 single steps; "
                       "its guest: u I=0 P=0x00000 l=0x00000 b=0x00000\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "1", "--max-steps", "10", "--json", path, NULL);
    assert_int_equal(o.status, 3);
    cs_assert_json_object(&o);
    const char *levels = cs_json_get(cs_json_get(o.out, "nest"), "levels");
    assert_true(cs_json_bool(cs_json_get(cs_json_item(levels, 0), "guest_started")));
    cs_outcome_free(&o);
    /* two levels: level 2 has booted level 1's CP, level 1 not yet its guest */
    o = cs_run_tgm("run", "--nest", "2", "--max-steps", "5", "--json", path, NULL);
    assert_int_equal(o.status, 3);
    levels = cs_json_get(cs_json_get(o.out, "nest"), "levels");
    assert_false(cs_json_bool(cs_json_get(cs_json_item(levels, 0), "guest_started")));
    assert_true(cs_json_bool(cs_json_get(cs_json_item(levels, 1), "guest_started")));
    cs_outcome_free(&o);
}

/* The monitor's 'stack' follows the same rule. */
static void stack__a_zero_entry_psw_counts_as_started_once_booted(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    write_zero_entry(path, sizeof path);
    snprintf(cmds, sizeof cmds, "nest 1 %s; stack; step 2; stack", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    const char *first = strstr(o.out, "its guest: not started\n"); /* before the boot's AND */
    if (!first || !strstr(first + 1, "its guest: not started\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "nest 1 %s; step 3; stack", path);
    o = cs_mon_ok(cmds);
    if (strstr(o.out, "not started") ||
        !strstr(o.out, "its guest: u I=0 P=0x00000 l=0x00000 b=0x00000  timer disarmed\n"))
        fail_msg("\"%s\"", o.out);
    cs_outcome_free(&o);
}

/* 'load FILE' (docs/monitor.md): "a binary one that begins with the image
 * magic TGMIMAGE is an image whatever its name; else one named .s is a
 * source, an empty, binary or .img one an image, and any other text
 * (prog.asm) a source", text as docs/run.md has it: "its first 256 bytes
 * printable, white space or UTF-8".  A binary file took only a NUL before:
 * control bytes or Latin-1 without one were assembled, into an assembler's
 * errors, where 'tgm run' reads the same file as an image. */
static void load__binary_is_not_text_as_run_reads_it(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64], want[CS_PATH + 80];
    static const char *const binary[][2] = {
        {"ctl.bin", "\x01\x02\xff\xfe"},
        {"latin1.asm", "caf\xe9: HALT\n"}, /* no UTF-8 */
        {"esc.asm", "start: HALT \x1b[0m\n"},
    };
    for (size_t i = 0; i < sizeof binary / sizeof binary[0]; i++) {
        cs_write_text(path, sizeof path, binary[i][0], binary[i][1]);
        snprintf(cmds, sizeof cmds, "load %s", path);
        snprintf(want, sizeof want, "load: %s: offset 0: bad magic (not a tgm image)", path);
        cs_mon_fails(cmds, want);
        struct cs_outcome o = cs_run_tgm("run", path, NULL);
        assert_int_equal(o.status, 2);
        assert_non_null(strstr(o.err, "offset 0: bad magic (not a tgm image)\n"));
        cs_outcome_free(&o);
    }
    /* the same bytes named .s are a source, whatever they hold */
    cs_write_text(path, sizeof path, "ctl.s", "\x01\x02\xff\xfe\n");
    snprintf(cmds, sizeof cmds, "load %s", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "ctl.s: 1 error\n"));
    cs_outcome_free(&o);
}

/* The edges that held: UTF-8 in a comment, and a character that the 256th
 * byte cuts, are text (a source under any name); an image is one by its
 * magic under any name, though its first bytes print; an empty file is an
 * image (the reader says it is cut short) unless named .s. */
static void load__text_image_and_empty_edges(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64], want[CS_PATH + 80];
    cs_write_text(path, sizeof path, "u.asm",
                  "start: HALT ; caf\xc3\xa9 \xe2\x9c\x93\n.entry start\n");
    snprintf(cmds, sizeof cmds, "load %s", path);
    cs_mon_prints(cmds, "u.asm: 1 word at 0, 1 symbol; entry P=0 M=s\n");
    char src[300];
    memset(src, ';', sizeof src);
    memcpy(src, "start: HALT\n", 12);
    memcpy(src + 255, "\xc3\xa9\n", 3); /* in a comment, bytes 255 and 256: the 256th cuts it */
    src[258] = '\0';
    cs_write_text(path, sizeof path, "cut.asm", src);
    snprintf(cmds, sizeof cmds, "load %s", path);
    cs_mon_prints(cmds, "cut.asm: 1 word at 0, 1 symbol; entry P=0 M=s\n");
    cs_make_image(path, sizeof path, "img.asm", 0, CS_WORDS(0, 0), 0x8000000000080000ull);
    snprintf(cmds, sizeof cmds, "load %s", path);
    cs_mon_prints(cmds, "img.asm: 2 words at 0, 0 symbols");
    cs_write_text(path, sizeof path, "empty.asm", "");
    snprintf(cmds, sizeof cmds, "load %s", path);
    snprintf(want, sizeof want, "load: %s: offset 0: truncated header (0 bytes, need 48)", path);
    cs_mon_fails(cmds, want);
    cs_write_text(path, sizeof path, "empty.s", "");
    snprintf(cmds, sizeof cmds, "load %s", path);
    cs_mon_prints(cmds, "empty.s: 0 words at 0, 0 symbols");
}

/* 'go cycles N' (docs/monitor.md): "'cycles N' at the first instruction
 * boundary after N cycles of this run".  N is at most 2^63 - 1, but the
 * counter it starts from may be anything (a restored session's): the run's
 * end was the counter plus N, which wrapped past 2^64, and the run stopped
 * at once after 0 steps.  A counter 10,000 short of 2^64 stands in for one.
 * 'for N' and the step limit count the run's own steps and held. */
static void go_cycles__counts_from_a_counter_near_2_to_the_64(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "count.s",
                  "        .entry start\n"
                  "start:  LI    n, 100\n"
                  "loop:   DJNZ  n, loop\n"
                  "        HALT\n"
                  "n:      .word 0\n");
    static const char *const runs[][2] = {
        {"go cycles 9223372036854775807", "halted after 102 steps"},
        {"go cycles 50", "stopped after 26 steps, 51 cycles"},
        {"go for 9223372036854775807", "halted after 102 steps"},
        {"set limit 9223372036854775807; go", "halted after 102 steps"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        struct ms_sess s;
        ms_sess_open(&s);
        ms_cmd(s.m, "load %s", path);
        machine_charge(mon_machine(s.m), UINT64_MAX - 10000, 0, 0);
        ms_cmd(s.m, "%s", runs[i][0]);
        fflush(s.out);
        if (!strstr(s.obuf, runs[i][1]))
            fail_msg("'%s': \"%s\" lacks \"%s\"", runs[i][0], s.obuf, runs[i][1]);
        ms_sess_close(&s);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_nest3");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest__a_zero_entry_psw_counts_as_started_once_booted),
        cmocka_unit_test(stack__a_zero_entry_psw_counts_as_started_once_booted),
        cmocka_unit_test(load__binary_is_not_text_as_run_reads_it),
        cmocka_unit_test(load__text_image_and_empty_edges),
        cmocka_unit_test(go_cycles__counts_from_a_counter_near_2_to_the_64),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
