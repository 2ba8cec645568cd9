/* test_audit_limits.c: the limits the docs give, and those the code has,
 * tried at the limit and one past it.  Each test fails on the tree before
 * its fix.
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
#include "tgm/image.h"

/* 'deposit ADDR VALUE...' and 'do FILE ARGS...' take any number of words
 * (docs/monitor.md): a line held at most 64, so 100 values, or a script's
 * %* of 80 arguments (which 'tgm monitor -f' passes), were refused with
 * "too many words (at most 64)". */
static void words__a_command_takes_as_many_as_its_line_holds(void **state)
{
    (void)state;
    char cmds[4096] = "deposit 0x100";
    for (int v = 1; v <= 100; v++)
        snprintf(cmds + strlen(cmds), sizeof cmds - strlen(cmds), " %d", v);
    strcat(cmds, "; print E[0x163]; print E[0x164]");
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "0x64 (100)\n0 (0)\n"));
    cs_outcome_free(&o);

    char path[CS_PATH];
    cs_write_text(path, sizeof path, "star.mon", "echo [%*]\n");
    char want[1024] = "[", line[CS_PATH + 1024];
    snprintf(line, sizeof line, "do %s", path);
    for (int v = 1; v <= 80; v++) {
        snprintf(line + strlen(line), sizeof line - strlen(line), " a%d", v);
        snprintf(want + strlen(want), sizeof want - strlen(want), "%sa%d", v > 1 ? " " : "", v);
    }
    strcat(want, "]\n");
    cs_mon_prints(line, want);
}

/* A condition of 1023 bytes, the most a snapshot keeps, is set, saved and
 * restored; one byte more is refused in one line that says the limit.
 * 'break' refused 1023 bytes already, and said only "condition too
 * long". */
static void condition__1023_bytes_are_kept_and_1024_refused(void **state)
{
    (void)state;
    char cond[1100] = "1", path[CS_PATH], cmds[2 * CS_PATH + 2400];
    while (strlen(cond) < 1023)
        strcat(cond, "+1");
    assert_int_equal(strlen(cond), 1023);
    cs_tmp_path(path, sizeof path, "cond.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; break loop if %s; save %s; "
             "delete all; restore %s; break list; go", cond, path, path);
    struct cs_outcome o = cs_mon_ok(cmds);
    char want[1200];
    snprintf(want, sizeof want, "hits 0  if %s\n", cond);
    assert_non_null(strstr(o.out, want));
    assert_non_null(strstr(o.out, "breakpoint 1 at 0x4 loop, hit 1 time"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "load examples/sum.s; break loop if %s +", cond);
    cs_mon_fails(cmds, "break: condition of 1025 bytes is too long (at most 1023)");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; watch total if 0%s", cond);
    cs_mon_fails(cmds, "watch: condition of 1024 bytes is too long (at most 1023)");
}

/* The limits docs/monitor.md gives the displays, expressions, VMs and
 * 'stack step': the last one taken, the next refused in one line, the
 * rest kept. */
static void monitor__displays_expressions_and_vms_at_their_limits(void **state)
{
    (void)state;
    char cmds[8192] = "load examples/sum.s;";
    for (int k = 1; k <= 16; k++)
        snprintf(cmds + strlen(cmds), sizeof cmds - strlen(cmds), " display E[%d];", k);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "16: E[16] = "));
    cs_outcome_free(&o);
    strcat(cmds, " display E[17]");
    cs_mon_fails(cmds, "display: at most 16 display expressions");

    /* 255 parentheses and the constant in them: 256 levels */
    char expr[1024] = "print ";
    for (int k = 0; k < 255; k++)
        strcat(expr, "(");
    strcat(expr, "7");
    for (int k = 0; k < 255; k++)
        strcat(expr, ")");
    cs_mon_prints(expr, "0x7 (7)\n");
    memmove(expr + 7, expr + 6, strlen(expr + 6) + 1);
    strcat(expr, ")");
    cs_mon_fails(expr, "print: expression nested too deeply (more than 256 levels)");

    cmds[0] = '\0';
    for (int k = 0; k < 64; k++)
        snprintf(cmds + strlen(cmds), sizeof cmds - strlen(cmds), "vm create v%d 2; ", k);
    strcat(cmds, "vm list");
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "* 63 v63 "));
    cs_outcome_free(&o);
    strcat(cmds, "; vm create w 2");
    cs_mon_fails(cmds, "vm: no more than 64 VMs");
    /* the smallest real memory takes, but fits no VM (monitor.md) */
    cs_mon_fails("set cp-memory 9; vm create a 2",
                 "vm: no free region of 2 words in 9 words of real memory");
    cs_mon_prints("set cp-memory 10; vm create a 2", "a: VM 0, 2 words at real 0x8..0x9");

    cs_mon_prints("nest 1 examples/sum.s; stack step 1000000000", "the stack halted");
    cs_mon_fails("nest 1 examples/sum.s; stack step 1000000001",
                 "stack: step count 1000000001 is out of range (0..1000000000)");
}

/* Tab reads every word before the cursor: past the 16th it completed
 * nothing, so 'check F with' and 16 files offered no file name, nor
 * 'deposit' after 15 values a label. */
static void complete__reads_every_word_before_the_cursor(void **state)
{
    (void)state;
    char line[512] = "check a.s with";
    for (int k = 0; k < 20; k++)
        snprintf(line + strlen(line), sizeof line - strlen(line), " f%d.s", k);
    strcat(line, " ex");
    struct mon_compl c = ms_compl(line);
    assert_string_equal(c.kinds, "f");
    assert_int_equal(c.start, strlen(line) - 2);
    strcpy(line, "deposit 0x100");
    for (int k = 0; k < 20; k++)
        strcat(line, " 1");
    strcat(line, " lo");
    c = ms_compl(line);
    assert_non_null(strchr(c.kinds, 'e'));
    assert_int_equal(c.start, strlen(line) - 2);
}

/* The note on a second breakpoint at an address names every one there
 * already (docs/monitor.md: "the next one says which are there"): it
 * stopped at the 23rd, in a buffer of 96 bytes, without a word. */
static void break__the_same_address_note_names_every_breakpoint(void **state)
{
    (void)state;
    char cmds[1024] = "load examples/sum.s;", want[1024] = "note: breakpoints 1";
    for (int k = 1; k <= 40; k++)
        strcat(cmds, " break loop;");
    for (int k = 2; k <= 39; k++)
        snprintf(want + strlen(want), sizeof want - strlen(want), ", %d", k);
    strcat(want, " are at 0x4 too\n");
    cs_mon_prints(cmds, want);
}

/* 'save' writes no snapshot 'restore' would refuse (docs/robustness.md:
 * a snapshot is read up to 256 MiB): four machines' queued console input
 * at its 64 MiB (docs/monitor.md) make one larger, which 'save' wrote and
 * 'restore' then refused.  It is refused in one line, the file left as
 * it was. */
static void save__refuses_a_snapshot_restore_would_not_read(void **state)
{
    (void)state;
    char script[CS_PATH], snap[CS_PATH];
    cs_tmp_path(snap, sizeof snap, "big.snap");
    cs_put_text(snap, "old\n");
    cs_tmp_path(script, sizeof script, "big.mon");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    static char chunk[(1 << 20) - 32]; /* a line of the script stays under 1 MiB */
    memset(chunk, 'x', sizeof chunk - 1);
    fputs("vm create a 100; vm create b 100; vm create c 100\n", f);
    const char *to[] = {"vm input a", "vm input b", "vm input c", "console input"};
    for (int k = 0; k < 4; k++) {
        if (k == 3)
            fputs("vm select bare\n", f);
        /* 64 lines fill the machine's 64 MiB but for 64 x 32 bytes */
        for (int i = 0; i < 64; i++)
            fprintf(f, "%s %s\n", to[k], chunk);
    }
    fprintf(f, "save %s\n", snap);
    assert_int_equal(fclose(f), 0);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", script, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "save: "));
    assert_non_null(strstr(o.err, "big.snap: the snapshot would be "));
    assert_non_null(strstr(o.err, " bytes, larger than 268435456, the limit for a snapshot"));
    assert_non_null(strstr(o.err, "nothing written\n"));
    cs_outcome_free(&o);
    size_t len;
    char *kept = cs_slurp(snap, &len);
    assert_string_equal(kept, "old\n");
    free(kept);
    assert_int_equal(remove(script), 0);
}

/* docs/isa.md: the writer refuses what the reader rejects, "so every file
 * it writes reads back"; the readers take at most 71303208 bytes
 * (docs/robustness.md: header + 2^19 words + 64 MiB).  An image of one
 * word and symbols filling exactly that much is written and read back;
 * one byte more is refused, the file left as it was.  The writer wrote
 * it (so 'tgm as' did, from a source of a million names) and every
 * reader refused it. */
static void image__the_writer_writes_nothing_the_readers_refuse(void **state)
{
    (void)state;
    /* 40 + 8 + 990321 x (9 + 63) + (9 + 31) + 8 = 71303208 */
    enum { NSYMS = 990322 };
    uint64_t word = 0;
    struct tgm_image img = {.nwords = 1, .words = &word, .entry_psw = 0, .nsyms = NSYMS};
    img.syms = calloc(NSYMS, sizeof *img.syms);
    char *names = calloc(NSYMS, 64);
    assert_non_null(img.syms);
    assert_non_null(names);
    for (uint32_t i = 0; i < NSYMS; i++) {
        img.syms[i].name = names + 64 * (size_t)i;
        img.syms[i].value = i;
        snprintf(img.syms[i].name, 64, "s%062u", i);
    }
    img.syms[NSYMS - 1].name[31] = '\0';
    char path[CS_PATH], err[512];
    cs_tmp_path(path, sizeof path, "full.img");
    assert_int_equal(image_write_file(path, &img, err, sizeof err), 0);
    size_t len;
    free(cs_slurp(path, &len));
    assert_int_equal(len, 71303208);
    struct tgm_image back;
    if (image_read_file(path, &back, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(back.nsyms, NSYMS);
    image_free(&back);

    img.syms[NSYMS - 1].name[31] = 'x'; /* a name one longer */
    img.syms[NSYMS - 1].name[32] = '\0';
    cs_put_text(path, "old\n");
    assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
    assert_non_null(strstr(err, "larger than 71303208 bytes, the limit for a tgm image"));
    char *kept = cs_slurp(path, &len);
    assert_string_equal(kept, "old\n");
    free(kept);
    uint8_t *buf;
    assert_int_equal(image_serialize(&img, &buf, &len), -1);
    free(names);
    free(img.syms);
}

/* docs/monitor.md: an unknown name in an expression gets a guess from the
 * labels; a label may have 63 characters (docs/asm.md), but a word or
 * label past 32 got none, the misspelt one nor the one the word begins. */
static void guess__a_label_of_63_characters_is_guessed(void **state)
{
    (void)state;
    char label[64], src[256], path[CS_PATH], cmds[CS_PATH + 256];
    memset(label, 'k', 63);
    label[63] = '\0';
    snprintf(src, sizeof src, "%s: HALT\n", label);
    cs_write_text(path, sizeof path, "long.s", src);
    char typo[64];
    strcpy(typo, label);
    typo[62] = 'x';
    snprintf(cmds, sizeof cmds, "load %s; print %s", path, typo);
    char want[256];
    snprintf(want, sizeof want, "unknown name '%s' (did you mean '%s'?)", typo, label);
    cs_mon_fails(cmds, want);
    typo[40] = '\0'; /* the one name the word begins */
    snprintf(cmds, sizeof cmds, "load %s; print %s", path, typo);
    snprintf(want, sizeof want, "unknown name '%s' (did you mean '%s'?)", typo, label);
    cs_mon_fails(cmds, want);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_limits");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(words__a_command_takes_as_many_as_its_line_holds),
        cmocka_unit_test(condition__1023_bytes_are_kept_and_1024_refused),
        cmocka_unit_test(monitor__displays_expressions_and_vms_at_their_limits),
        cmocka_unit_test(complete__reads_every_word_before_the_cursor),
        cmocka_unit_test(break__the_same_address_note_names_every_breakpoint),
        cmocka_unit_test(save__refuses_a_snapshot_restore_would_not_read),
        cmocka_unit_test(image__the_writer_writes_nothing_the_readers_refuse),
        cmocka_unit_test(guess__a_label_of_63_characters_is_guessed),
    };
    return cmocka_run_group_tests_name("audit_limits", tests, group_setup, group_teardown);
}
