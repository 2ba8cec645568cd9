/* test_audit_guest.c: what writing guest programs from docs/isa.md,
 * docs/asm.md, docs/run.md, docs/os.md and docs/vmm.md found wrong or
 * unclear in the tools a guest writer uses (tgm as, run, check, dis).
 * Each test fails on the tree before its fix.
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_guest");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'tgm as SRC -o IMAGE' fails with status 1, and its stderr holds WANT. */
static void as_fails_with(const char *name, const char *text, const char *want)
{
    char src[CS_PATH];
    cs_write_text(src, sizeof src, name, text);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", cs_tmp("out.img"), NULL);
    assert_int_equal(o.status, 1);
    if (!strstr(o.err, want))
        fail_msg("stderr lacks \"%s\":\n%s", want, o.err);
    cs_outcome_free(&o);
}

/* docs/asm.md: every error names "FILE:LINE" and what is wrong.  An
 * '.include ""' and an '.include "\0x"' both said "bad include path",
 * which names neither fault. */
static void include__an_empty_or_nul_path_says_which(void **state)
{
    (void)state;
    as_fails_with("empty.s", "        .include \"\"\n",
                  "empty.s:1:18: error: .include of an empty path: name a file\n");
    as_fails_with("nul.s", "        .include \"\\0x\"\n",
                  "nul.s:1:18: error: include path holds a NUL byte ('\\0'), which no file name "
                  "can\n");
}

/* A file that opens but cannot be read: the source itself says why
 * ("tgm: as: F: Input/output error"), an include said only "cannot read
 * include file 'F'". */
static void include__an_unreadable_file_says_why(void **state)
{
    (void)state;
    as_fails_with("mem.s", "        .include \"/proc/self/mem\"\n",
                  "mem.s:1:18: error: cannot read include file '/proc/self/mem': "
                  "Input/output error\n");
}

/* V as N little-endian bytes at P. */
static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned k = 0; k < n; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* An image of one HALT at 0 whose one symbol, valued 0, is named by the
 * LEN bytes at NAME; *N gets the file's size.  The checksum is right, so
 * only the name is wrong. */
static uint8_t *image_with_name(const char *name, size_t len, size_t *n)
{
    size_t size = 40 + 8 + 9 + len + 8;
    uint8_t *b = calloc(1, size);
    assert_non_null(b);
    memcpy(b, "TGMIMAGE", 8);
    put_le(b + 8, 1, 4);                     /* version */
    put_le(b + 20, 1, 4);                    /* one word, at 0 */
    put_le(b + 24, 0x8000000000080000u, 8);  /* entry PSW */
    put_le(b + 32, 1, 4);                    /* one symbol */
    put_le(b + 36, 9 + len, 4);
    put_le(b + 40, 0x0400000000000000u, 8);  /* HALT */
    b[48 + 8] = (uint8_t)len;                /* value 0, then the name */
    memcpy(b + 57, name, len);
    uint64_t h = 0xcbf29ce484222325u; /* FNV-1a 64 of every byte before it */
    for (size_t k = 0; k < size - 8; k++)
        h = (h ^ b[k]) * 0x100000001b3u;
    put_le(b + size - 8, h, 8);
    *n = size;
    return b;
}

/* docs/isa.md: the reader rejects "a bad or duplicate symbol name", each
 * with "one line naming the offset and the problem".  It said only
 * "symbol 0 has a bad name", whatever the name was: now it shows it (a
 * byte outside printable ASCII as \xHH) and the rule it breaks. */
static void image__a_bad_symbol_name_is_shown(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        size_t len;
        const char *why;
    } cases[] = {
        {"a-b", 3, "symbol 0 has a bad name 'a-b' (a name is [A-Za-z_.][A-Za-z0-9_.$]*)\n"},
        {"1x", 2, "symbol 0 has a bad name '1x' (a name is"},
        {"\xC3\xA9\x01\\", 4, "symbol 0 has a bad name '\\xC3\\xA9\\x01\\x5C' (a name is"},
        /* newline, tab and return as every tgm error shows them (docs/run.md) */
        {"a\nb\tc\r", 6, "symbol 0 has a bad name 'a\\nb\\tc\\r' (a name is"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 70,
         "symbol 0 has a bad name: 70 bytes, at most 63\n"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n;
        uint8_t *b = image_with_name(cases[i].name, cases[i].len, &n);
        const char *path = cs_tmp("badname.img");
        cs_write_bytes(path, b, n);
        free(b);
        struct cs_outcome o = cs_run_tgm("dis", path, NULL);
        assert_int_equal(o.status, 2);
        assert_non_null(strstr(o.err, ": offset 48: "));
        if (!strstr(o.err, cases[i].why))
            fail_msg("case %zu: stderr lacks \"%s\":\n%s", i, cases[i].why, o.err);
        cs_outcome_free(&o);
    }
}

/* docs/asm.md: "a text that begins with the word TGMIMAGE is still a
 * source", not an image (every image holds NULs in its header); run.md:
 * a text not named *.s gets "bad magic (not a tgm image)" and the hint.
 * Such a text was read as an image cut short or of another version:
 * "offset 15: truncated header (15 bytes, need 48)", "offset 8:
 * unsupported version 1095245882".  The magic alone is still a cut image. */
static void image__a_text_beginning_tgmimage_is_no_image(void **state)
{
    (void)state;
    static const char *const texts[] = {
        "TGMIMAGE: HALT\n",
        "TGMIMAGE: HALT\n; long enough for a whole header, and then some more\n",
    };
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        char path[CS_PATH];
        cs_write_text(path, sizeof path, "word.x", texts[i]);
        static const char *const cmds[] = {"run", "check", "dis"};
        for (size_t k = 0; k < 3; k++) {
            struct cs_outcome o = cs_run_tgm(cmds[k], path, NULL);
            assert_int_equal(o.status, 2);
            if (!strstr(o.err, "word.x: offset 0: bad magic (not a tgm image: a text that "
                               "begins with the word TGMIMAGE); "))
                fail_msg("tgm %s, text %zu:\n%s", cmds[k], i, o.err);
            cs_outcome_free(&o);
        }
    }
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "magic.x", "TGMIMAGE");
    struct cs_outcome o = cs_run_tgm("run", path, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "magic.x: offset 8: truncated header (8 bytes, need 48)\n"));
    cs_outcome_free(&o);
}

/* 'tgm as prog.img', whose default output is prog.img itself, said "the
 * output prog.img is the source prog.img itself; choose another -o" (as
 * if the fault were the output's name) where the file is an image, which
 * no -o would assemble: the assembler's own error says so, and the image
 * is left as it was. */
static void as__an_image_as_its_own_output_is_called_an_image(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_make_image(path, sizeof path, "prog.img", 0, CS_WORDS(0x1234, 0x5678), 0);
    cs_as_refuses_own_output(path, "prog.img:1:1: error: not an assembly source: a tgm image");
    /* a source named as its own output still gets the usage error */
    cs_write_text(path, sizeof path, "self.img", "HALT\n");
    struct cs_outcome o = cs_run_tgm("as", path, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "is the source"));
    cs_outcome_free(&o);
}

/* docs/isa.md: a branch costs the same taken or not; a jump to a target
 * outside R completes (JAL's link, its cycles) and the next fetch traps
 * with P = the target; CIN stores a byte from 0 to 255. */
static void isa__branches_far_jumps_and_cin_as_the_docs_say(void **state)
{
    (void)state;
    static const char *const runs[2] = {
        /* every condition false, then every one true: 1 + 1 + 2 + 2 + 1 cycles */
        "start: BZ one, b\nb: BNZ zero, c\nc: BEQ one, zero, d\nd: DJNZ one, e\ne: HALT\n"
        "one: .word 1\nzero: .word 0\n",
        "start: BZ zero, b\nb: BNZ one, c\nc: BEQ one, one, d\nd: DJNZ two, e\ne: HALT\n"
        "one: .word 1\ntwo: .word 2\nzero: .word 0\n",
    };
    char src[CS_PATH];
    for (int i = 0; i < 2; i++) {
        cs_write_text(src, sizeof src, i ? "taken.s" : "untaken.s", runs[i]);
        struct cs_outcome o = cs_run_tgm("run", "--json", src, NULL);
        assert_int_equal(o.status, 0);
        assert_non_null(strstr(o.out, "\"cycles\":7,\"instructions\":5,"));
        cs_outcome_free(&o);
    }
    cs_write_text(src, sizeof src, "far.s",
                  "\t.entrypsw psw(1, start, 0, 16)\n\t.org 1\n"
                  "\t.word psw(1, handler, 0, 0x80000)\n"
                  "start: JAL link, 100\nlink: .word 0\nhandler: HALT\n");
    char cmds[CS_PATH + 64];
    snprintf(cmds, sizeof cmds, "load %s; go; print/w E[0]; print E[link]; print cycles", src);
    cs_mon_prints(cmds, "s I=0 P=0x00064 l=0x00000 b=0x00010  cause=memory\n0x3 (3)\n0x7 (7)\n");
    cs_write_text(src, sizeof src, "cin.s", "\tCIN x\n\tHALT\nx: .word 0\n");
    snprintf(cmds, sizeof cmds, "load %s; console input \"\\xff\"; go; print E[x]", src);
    cs_mon_prints(cmds, "\n0xff (255)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(include__an_empty_or_nul_path_says_which),
        cmocka_unit_test(include__an_unreadable_file_says_why),
        cmocka_unit_test(image__a_bad_symbol_name_is_shown),
        cmocka_unit_test(image__a_text_beginning_tgmimage_is_no_image),
        cmocka_unit_test(as__an_image_as_its_own_output_is_called_an_image),
        cmocka_unit_test(isa__branches_far_jumps_and_cin_as_the_docs_say),
    };
    return cmocka_run_group_tests_name("audit_guest", tests, group_setup, group_teardown);
}
