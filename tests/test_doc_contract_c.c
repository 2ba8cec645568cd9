/* test_doc_contract_c.c: the assembler, the disassembler, the image format
 * and the instruction set do what docs/asm.md and docs/isa.md say, found by
 * reading them as a contract.  A test of a behaviour that changed fails on
 * the tree before its fix; the others pin what a document was silent on and
 * now says.
 *
 * Runs the real binary (cli_support) from the top of the source tree, and
 * the assembler's library entry points where no command reaches them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"

/* `tgm as SRC -o OUT` (OUT in the temporary directory) fails with status 1,
 * its standard error is exactly WANT, and OUT is not written. */
static void as_fails(const char *src, const char *want)
{
    char out[CS_PATH];
    cs_tmp_path(out, sizeof out, "as_fails.img");
    unlink(out);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", out, NULL);
    if (o.status != 1 || strcmp(o.err, want) != 0)
        fail_msg("tgm as %s: status %d, stderr\n%s\nwant status 1 and\n%s", src, o.status,
                 o.err, want);
    assert_int_equal(access(out, F_OK), -1);
    cs_outcome_free(&o);
}

/* Assemble SRC in-process as "t.s" (or, SRC NULL, the file PATH); the
 * error count, and the diagnostics in *DIAG (malloc'd). */
static int assemble_diag(const char *path, const char *src, struct tgm_image *img,
                         char **diag)
{
    size_t dlen = 0;
    *diag = NULL;
    FILE *f = open_memstream(diag, &dlen);
    assert_non_null(f);
    int n = src ? asm_assemble_string("t.s", src, img, f) : asm_assemble_file(path, img, f);
    fclose(f);
    return n;
}

/* Assemble SRC in-process; it must have no errors. */
static struct tgm_image assemble_ok(const char *src)
{
    struct tgm_image img;
    char *diag;
    int n = assemble_diag(NULL, src, &img, &diag);
    if (n != 0)
        fail_msg("%d errors:\n%s", n, diag);
    free(diag);
    return img;
}

static uint64_t sym_value(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *y = image_symbol(img, name);
    if (!y)
        fail_msg("no symbol '%s'", name);
    return y->value;
}

/* docs/asm.md: "A file may begin with a UTF-8 byte order mark, which is
 * skipped."  Only a file read by name skipped it: a source the monitor
 * reads from a pipe (asm_assemble_buffer) failed on its first byte. */
static void asm__a_bom_is_skipped_whatever_reads_the_source(void **state)
{
    (void)state;
    static const char src[] = "\xef\xbb\xbf        NOP\n        HALT\n";
    struct tgm_image img;
    assert_int_equal(asm_assemble_buffer("pipe.s", src, sizeof src - 1, &img, stderr), 0);
    assert_int_equal(img.nwords, 2);
    image_free(&img);
    /* and neither an error's column nor its excerpt shows the mark */
    char path[CS_PATH], want[3 * CS_PATH];
    cs_write_text(path, sizeof path, "bomerr.s", "\xef\xbb\xbfNOP 1\n");
    snprintf(want, sizeof want,
             "%s:1:5: error: 'NOP' takes no operands, got 1\nNOP 1\n    ^\n"
             "tgm: as: 1 error in %s; %s/as_fails.img not written\n",
             path, path, cs_tmpdir());
    as_fails(path, want);
}

/* The NUL-byte error names "offset N": it counted from after a BOM, so a
 * file whose NUL is at byte 7 said "offset 4". */
static void as__a_nul_byte_is_named_at_its_file_offset(void **state)
{
    (void)state;
    char path[CS_PATH], want[3 * CS_PATH];
    cs_tmp_path(path, sizeof path, "bomnul.s");
    cs_write_bytes(path, "\xef\xbb\xbfNOP\n\0", 8);
    snprintf(want, sizeof want,
             "%s:2:1: error: not an assembly source: a NUL byte at offset 7\n"
             "tgm: as: 1 error in %s; %s/as_fails.img not written\n",
             path, path, cs_tmpdir());
    as_fails(path, want);
}

/* A binary file that begins with the image magic is an image whatever its
 * name: the monitor's load took sum.img copied to x.s as an image, while
 * 'tgm run', 'check' and 'run --vmm' assembled it and failed on a NUL
 * byte.  'tgm as' on it says that it is an image.  A text that begins with
 * the label TGMIMAGE is a source everywhere (the monitor took it for an
 * image). */
static void cli__an_image_named_dot_s_is_an_image(void **state)
{
    (void)state;
    char load[CS_PATH + 8], img[CS_PATH], want[3 * CS_PATH];
    cs_tmp_path(img, sizeof img, "sum_as_s.s");
    cs_tgm_prints("", "as", CS_ARGV("examples/sum.s", "-o", img));
    cs_tgm_prints("-- halted\n", "run", CS_ARGV(img));
    cs_tgm_prints("-- vm0: halted\n", "run", CS_ARGV("--vmm", img));
    cs_tgm_prints(": equivalent", "check", CS_ARGV(img));
    snprintf(load, sizeof load, "load %s", img);
    cs_mon_prints(load, "35 words at 0, 10 symbols");
    snprintf(want, sizeof want,
             "%s:1:1: error: not an assembly source: a tgm image (it begins with the magic "
             "TGMIMAGE; 'tgm dis' turns it into source)\n"
             "tgm: as: 1 error in %s; %s/as_fails.img not written\n",
             img, img, cs_tmpdir());
    as_fails(img, want);
    /* but only a binary file: a source may begin with the label TGMIMAGE */
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "tgmlabel.s", "TGMIMAGE: HALT\n");
    cs_tgm_prints("-- halted\n", "run", CS_ARGV(src));
    cs_tmp_path(img, sizeof img, "tgmlabel.img");
    cs_tgm_prints("", "as", CS_ARGV(src, "-o", img));
    snprintf(load, sizeof load, "load %s", src); /* it read it as a damaged image */
    cs_mon_prints(load, "1 word at 0, 1 symbol");
}

/* docs/asm.md: control bytes make a binary file "even without a NUL", and a
 * binary file that begins with the magic is an image.  An image cut short
 * before its first NUL (TGMIMAGE and its version's low byte) was assembled
 * when named .s ("unexpected byte 0x01"), by 'tgm as' and 'tgm run' alike. */
static void cli__an_image_cut_before_its_first_nul_is_an_image(void **state)
{
    (void)state;
    char path[CS_PATH], want[3 * CS_PATH], load[CS_PATH + 8];
    cs_tmp_path(path, sizeof path, "cut9.s");
    cs_write_bytes(path, "TGMIMAGE\x01", 9);
    snprintf(want, sizeof want,
             "%s:1:1: error: not an assembly source: a tgm image (it begins with the magic "
             "TGMIMAGE; 'tgm dis' turns it into source)\n"
             "tgm: as: 1 error in %s; %s/as_fails.img not written\n",
             path, path, cs_tmpdir());
    as_fails(path, want);
    snprintf(want, sizeof want, "tgm: run: %s: offset 9: truncated header (9 bytes, need 48)",
             path);
    cs_tgm_fails(2, want, "run", CS_ARGV(path));
    snprintf(load, sizeof load, "load %s", path);
    cs_mon_fails(load, "offset 9: truncated header (9 bytes, need 48)");
}

/* docs/asm.md: a number without a prefix is decimal even with leading
 * zeros (monitor too); a form feed and a vertical tab separate tokens; a
 * listing line that emits no word has no address; the listing is printed
 * before IMAGE is written, so an IMAGE that the source includes is refused
 * after it. */
static void as__numbers_white_space_and_the_listing_as_the_docs_say(void **state)
{
    (void)state;
    char src[CS_PATH], img[CS_PATH], inc[CS_PATH];
    cs_write_text(src, sizeof src, "lz.s",
                  "a:\n\t.org 4\nb = 3\n\t.space 0\n\t.word 012,\f08\v, 0o12\n");
    cs_tmp_path(img, sizeof img, "lz.img");
    struct cs_outcome o = cs_run_tgm("as", src, "-o", img, "-l", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\n                             1  a:\n"
                                  "                             2  \t.org 4\n"
                                  "    =  0000000000000003      3  b = 3\n"
                                  "                             4  \t.space 0\n"
                                  "00004  000000000000000c      5  \t.word 012, 08 , 0o12\n"
                                  "00005  0000000000000008\n00006  000000000000000a\n"));
    cs_outcome_free(&o);
    cs_mon_prints("print 012", "0xc (12)");
    /* main.s includes inc.s, and inc.s is the output: listed, then refused */
    cs_write_text(inc, sizeof inc, "inc.s", "\tHALT\n");
    cs_write_text(src, sizeof src, "main.s", ".include \"inc.s\"\n");
    o = cs_run_tgm("as", src, "-o", inc, "-l", NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.out, "00000  0400000000000000      1  \tHALT\n"));
    assert_non_null(strstr(o.err, "which is the output"));
    cs_outcome_free(&o);
    char *kept = cs_slurp(inc, NULL);
    assert_string_equal(kept, "\tHALT\n");
    free(kept);
}

/* docs/run.md, docs/asm.md: a C1 control (U+0085 NEL in UTF-8, a stray
 * 0x9B, CSI to a Latin-1 terminal) in an error is escaped as C0's are; the
 * echoed line and the listing show C1 in UTF-8 as a space and leave a
 * stray one out.  Both passed raw, so a file name could drive the
 * terminal. */
static void cli__c1_controls_are_escaped_as_c0_are(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: x\\xc2\\x85y\\x9b[2J\xc4\x85\xe9.img: No such file or directory",
                 "run", CS_ARGV("x\xc2\x85y\x9b[2J\xc4\x85\xe9.img"));
    char src[CS_PATH], img[CS_PATH];
    cs_write_text(src, sizeof src, "c1.s", ".include \"x\xc2\x85y\x9bz\"\n");
    struct cs_outcome o = cs_run_tgm("as", src, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "/x\\xc2\\x85y\\x9bz': No such file or directory\n"
                                  ".include \"x yz\"\n"));
    cs_outcome_free(&o);
    cs_write_text(src, sizeof src, "c1l.s", "\tHALT ; x\xc2\x85y\x9bz \xc4\x85\n");
    cs_tmp_path(img, sizeof img, "c1l.img");
    o = cs_run_tgm("as", src, "-o", img, "-l", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "1  \tHALT ; x yz \xc4\x85\n"));
    cs_outcome_free(&o);
}

/* 'tgm dis' of a source said only "bad magic"; it now says, as 'tgm run'
 * does for a source not named .s, what the file is. */
static void dis__a_source_is_said_to_hold_text(void **state)
{
    (void)state;
    cs_tgm_fails(2,
                 "tgm: dis: examples/sum.s: offset 0: bad magic (not a tgm image); it holds "
                 "text: an assembly source is assembled with 'tgm as'",
                 "dis", CS_ARGV("examples/sum.s"));
}

/* '.space -1' said "'.space 18446744073709551615' runs past the end of
 * memory"; a value is shown as it was written, and a negative count is
 * named as such. */
static void as__a_negative_count_or_operand_is_shown_signed(void **state)
{
    (void)state;
    char path[CS_PATH], want[4 * CS_PATH];
    cs_write_text(path, sizeof path, "neg.s", ".space -1\n.space 0x80001\n");
    snprintf(want, sizeof want,
             "%s:1:8: error: '.space -1': the count is negative\n.space -1\n       ^~\n"
             "%s:2:8: error: '.space 524289' runs past the end of memory (524288 words left "
             "at 0x00000)\n.space 0x80001\n       ^~~~~~~\n"
             "tgm: as: 2 errors in %s; %s/as_fails.img not written\n",
             path, path, path, cs_tmpdir());
    as_fails(path, want);
    /* one word left is singular, as every count tgm prints (docs/run.md) */
    cs_write_text(path, sizeof path, "one.s", ".org 0x7ffff\n.space 2\n");
    snprintf(want, sizeof want,
             "%s:2:8: error: '.space 2' runs past the end of memory (1 word left at 0x7ffff)\n"
             ".space 2\n       ^\ntgm: as: 1 error in %s; %s/as_fails.img not written\n",
             path, path, cs_tmpdir());
    as_fails(path, want);
}

/* docs/asm.md: a label stands before its line's statement, so on a line
 * with .phase or .dephase (as with .org) it takes '.' before the directive:
 * the emit address before a .phase, the phased address before a .dephase. */
static void asm__a_label_on_a_phase_line_takes_dot_before_the_directive(void **state)
{
    (void)state;
    struct tgm_image img = assemble_ok("        .org 0x10\n"
                                       "a:      .phase 0x100\n"
                                       "        NOP\n"
                                       "b:      .dephase\n"
                                       "c:      NOP\n"
                                       "d:      .org 0x20\n");
    assert_int_equal(sym_value(&img, "a"), 0x10);
    assert_int_equal(sym_value(&img, "b"), 0x101);
    assert_int_equal(sym_value(&img, "c"), 0x11);
    assert_int_equal(sym_value(&img, "d"), 0x12);
    image_free(&img);
}

/* docs/asm.md, Operands: an immediate is checked as a signed 64-bit value,
 * so 0xFFFFFFFFFFFFFFFF (2^64 - 1, which wraps to -1) is the immediate -1,
 * as in any 64-bit two's complement expression. */
static void asm__an_immediate_is_its_value_as_signed_64_bits(void **state)
{
    (void)state;
    struct tgm_image a = assemble_ok("ADDI 1, 2, -1\nLI 1, -1\n");
    struct tgm_image b = assemble_ok("ADDI 1, 2, 0xFFFFFFFFFFFFFFFF\nLI 1, ~0\n");
    assert_int_equal(a.nwords, 2);
    assert_memory_equal(a.words, b.words, 2 * sizeof *a.words);
    image_free(&a);
    image_free(&b);
}

/* docs/isa.md: LR takes l and b from their PSW positions and ignores every
 * other bit of the word (S, I, cause, P); SR writes them with every other
 * bit zero.  The same under the control program. */
static void isa__lr_ignores_the_other_bits_and_sr_writes_only_l_and_b(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(src, sizeof src, "lr.s",
                  "        .entry start\n"
                  "start:  LR     r\n"
                  "        SR     s\n"
                  "        HALT\n"
                  "r:      .word  (0x3f << 58) | (0x7ffff << 39) | rb(0, 0x100)\n"
                  "s:      .word  -1\n");
    snprintf(cmds, sizeof cmds, "load %s; go; assert E[s] == 0x100; assert $b == 0x100; "
                                "assert $l == 0", src);
    cs_mon_prints(cmds, "halted");
    cs_tgm_prints(": equivalent", "check", CS_ARGV(src));
}

/* docs/isa.md: b has 20 bits; a bound above 2^19 (up to 2^20 - 1) limits
 * no address more than 2^19 does, on the bare machine and under the
 * control program alike. */
static void isa__a_bound_above_2_19_bounds_nothing_more(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "bigb.s",
                  "        .entrypsw (1 << 63) | (2 << 39) | 0xfffff\n"
                  "        .org 2\n"
                  "        MOV    0x7fff, 0x7ffe\n"
                  "        HALT\n");
    cs_tgm_prints("b=1048575\n", "run", CS_ARGV(src));
    cs_tgm_prints(": equivalent", "check", CS_ARGV(src));
}

/* docs/asm.md: the default output replaces the extension of SRC's last
 * path component; a name without one (a dot in a directory's name, or a
 * leading dot: '.s' is a hidden file with no extension) gets .img added. */
static void as__the_default_output_replaces_only_the_last_extension(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"prog.s", "prog.img"}, {"prog", "prog.img"}, {"two.dots.s", "two.dots.img"},
        {"dir.d/prog", "dir.d/prog.img"}, {".s", ".s.img"}};
    char dir[CS_PATH];
    cs_tmp_path(dir, sizeof dir, "dir.d");
    mkdir(dir, 0755);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char src[CS_PATH], out[CS_PATH];
        cs_write_text(src, sizeof src, cases[i][0], "HALT\n");
        cs_tmp_path(out, sizeof out, cases[i][1]);
        unlink(out);
        cs_tgm_prints("", "as", CS_ARGV(src));
        if (access(out, F_OK) != 0)
            fail_msg("tgm as %s did not write %s", src, out);
    }
    /* the group's teardown removes files, not directories: empty it here,
     * or every run leaves its temporary directory behind */
    char path[CS_PATH];
    for (size_t i = 0; i < 2; i++) {
        cs_tmp_path(path, sizeof path, (const char *[]){"dir.d/prog", "dir.d/prog.img"}[i]);
        assert_int_equal(unlink(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
}

/* "A line reports at most its first error": a line whose label stood
 * before a bad literal lost the label, so every use of it was a second,
 * false "undefined symbol" error (four errors here, not two). */
static void as__a_bad_literal_does_not_undefine_the_labels_before_it(void **state)
{
    (void)state;
    char path[CS_PATH], want[4 * CS_PATH];
    cs_write_text(path, sizeof path, "lexerr.s", "x: .word 'ab'\n JMP x\ny: .word $\nJMP y\n");
    snprintf(want, sizeof want,
             "%s:1:10: error: character literal must hold one byte\nx: .word 'ab'\n"
             "         ^~~~\n"
             "%s:3:10: error: unexpected character '$'\ny: .word $\n         ^\n"
             "tgm: as: 2 errors in %s; %s/as_fails.img not written\n",
             path, path, path, cs_tmpdir());
    as_fails(path, want);
}

/* docs/isa.md: P wraps from 2^19-1 to 0, and so do JAL's link (P + 1) and
 * the P + 1 that SPSW stores: an instruction at 2^19-1 links to 0. */
static void isa__the_link_and_spsw_at_the_top_of_memory_wrap_to_0(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(src, sizeof src, "topjal.s",
                  "        .org   0x7ffff\n"
                  "        .entry 0x7ffff\n"
                  "        JAL    link, 2\n"
                  "        .org   2\n"
                  "        HALT\n"
                  "link:   .word  7\n");
    snprintf(cmds, sizeof cmds, "set memory 524288; load %s; go; assert E[link] == 0", src);
    cs_mon_prints(cmds, "halted");
    cs_write_text(src, sizeof src, "topspsw.s",
                  "        .org   0x7ffff\n"
                  "        .entry 0x7ffff\n"
                  "        SPSW   p\n"
                  "        .org   0\n"
                  "        HALT\n"
                  "p:      .word  7\n");
    snprintf(cmds, sizeof cmds,
             "set memory 524288; load %s; go; assert E[p] == 0x8000000000080000", src);
    cs_mon_prints(cmds, "halted");
}

/* One error line of assembling SRC in-process must start with WANT. */
static void assemble_fails(const char *src, const char *want)
{
    struct tgm_image img;
    char *diag;
    int n = assemble_diag(NULL, src, &img, &diag);
    if (n != 1 || strncmp(diag, want, strlen(want)) != 0)
        fail_msg("%d errors:\n%s\nwant one starting \"%s\"", n, diag, want);
    free(diag);
}

/* docs/asm.md now states the assembler's limits: 1000 levels of
 * expression (999 parentheses are fine), 64 nested includes, a character
 * literal of one byte. */
static void asm__the_documented_limits_hold(void **state)
{
    (void)state;
    size_t n = 1000, len = 16 + 2 * n;
    char *src = malloc(len);
    assert_non_null(src);
    for (size_t deep = n - 1; deep <= n; deep++) {
        int k = snprintf(src, len, ".word ");
        memset(src + k, '(', deep);
        src[k + deep] = '1';
        memset(src + k + deep + 1, ')', deep);
        strcpy(src + k + 2 * deep + 1, "\n");
        if (deep < n) {
            struct tgm_image img = assemble_ok(src);
            image_free(&img);
        } else {
            assemble_fails(src, "t.s:1:1007: error: expression nested too deeply "
                                "(more than 1000 levels)");
        }
    }
    free(src);
    assemble_fails(".word '\xc3\xa9'\n", "t.s:1:7: error: character literal must hold one byte");
    /* inc0.s includes inc1.s ... inc64.s: 64 levels; inc65.s is one too many */
    for (int depth = 64; depth <= 65; depth++) {
        char name[32], text[64], top[CS_PATH];
        for (int i = 0; i <= depth; i++) {
            snprintf(name, sizeof name, "inc%d.s", i);
            if (i < depth)
                snprintf(text, sizeof text, ".include \"inc%d.s\"\n", i + 1);
            else
                snprintf(text, sizeof text, "        HALT\n");
            cs_write_text(top, sizeof top, name, text);
        }
        cs_tmp_path(top, sizeof top, "inc0.s");
        struct tgm_image img;
        char *diag;
        int errs = assemble_diag(top, NULL, &img, &diag);
        if (depth == 64) {
            assert_int_equal(errs, 0);
            image_free(&img);
        } else {
            assert_int_equal(errs, 1);
            assert_non_null(strstr(diag, "inc64.s:1:10: error: includes nested too deeply "
                                         "(more than 64 levels)\n"));
        }
        free(diag);
    }
}

/* docs/asm.md: ".include: the path is relative to the including file".
 * A source read from a stream (/dev/stdin, a pipe) has no directory of
 * sources: its includes were looked up in /dev ("cannot open include file
 * '/dev/lib.s'").  They are now relative to the current directory. */
static void asm__a_stream_includes_from_the_current_directory(void **state)
{
    (void)state;
    char lib[CS_PATH], here[CS_PATH];
    cs_write_text(lib, sizeof lib, "streamlib.s", "libword: .word 7\n");
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    static const char src[] = ".include \"streamlib.s\"\n        .word libword\n";
    struct tgm_image img;
    int n = asm_assemble_buffer("/dev/stdin", src, sizeof src - 1, &img, stderr);
    assert_int_equal(chdir(here), 0);
    assert_int_equal(n, 0);
    assert_int_equal(img.nwords, 2);
    assert_int_equal(img.words[1], 0);
    image_free(&img);
}

/* docs/isa.md: b is a size and a >= b traps, as the paper's
 * micro-sequence says, so its aside "the bounds to q - 1" for all of
 * memory leaves E[q-1] out: with R = (0, q - 1) in a machine of q = 16
 * words, E[14] is reached and E[15] takes a memory trap (saved P: 3). */
static void isa__r_0_q_minus_1_leaves_the_last_word_out(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(src, sizeof src, "qminus1.s",
                  "        .org 1\n"
                  "        .word psw(1, h, 0, 16)\n"
                  "        .entrypsw psw(1, 2, 0, 15)\n"
                  "        MOV 10, 14\n"
                  "        MOV 10, 15\n"
                  "h:      HALT\n");
    cs_tgm_prints("traps        privileged 0, memory 1, svc 0", "run",
                  CS_ARGV("--mem", "16", src));
    snprintf(cmds, sizeof cmds,
             "set memory 16; load %s; go; assert E[0] == 0x880001800000000f", src);
    cs_mon_prints(cmds, "halted");
}

/* docs/asm.md: dis's source "gives back the identical image, byte for
 * byte, for every valid image".  A program with a word at 0 and one at the
 * top of memory spans all of it, and its 38 MiB of source was refused by
 * the 16 MiB limit meant for endless streams; a regular file is now read up
 * to 1 GiB (a stream still stops at 16 MiB). */
static void dis__an_image_spanning_all_of_memory_round_trips(void **state)
{
    (void)state;
    char src[CS_PATH], img[CS_PATH], dis[CS_PATH], again[CS_PATH];
    cs_write_text(src, sizeof src, "span.s",
                  "        NOP\n        .org 0x7ffff\ntop:    HALT\n");
    cs_tmp_path(img, sizeof img, "span.img");
    cs_tmp_path(dis, sizeof dis, "span_dis.s");
    cs_tmp_path(again, sizeof again, "span_again.img");
    cs_tgm_prints("", "as", CS_ARGV(src, "-o", img));
    cs_tgm_prints("", "dis", CS_ARGV(img, "-o", dis));
    cs_tgm_prints("", "as", CS_ARGV(dis, "-o", again));
    size_t n1, n2;
    char *a = cs_slurp(img, &n1), *b = cs_slurp(again, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(a, b, n1);
    free(a);
    free(b);
    unlink(dis); /* 38 MiB */
}

/* ---- fixture ----------------------------------------------------------- */

/* An operand kind as the docs write it: a, b, c, t, n, imm or imm38. */
static size_t kind_len(const char *p)
{
    static const char *const kinds[] = {"imm38", "imm", "a", "b", "c", "t", "n"};
    for (size_t i = 0; i < sizeof kinds / sizeof *kinds; i++) {
        size_t n = strlen(kinds[i]);
        if (strncmp(p, kinds[i], n) == 0 && (p[n] == ',' || p[n] == '`'))
            return n;
    }
    return 0;
}

/* The operands of the code span at P ("a, t`"), counted, or -1 when the
 * span is not a list of kinds. */
static int kinds_in_span(const char *p)
{
    int n = 0;
    for (;;) {
        size_t k = kind_len(p);
        if (!k)
            return -1;
        n++;
        p += k;
        if (*p == '`')
            return n;
        if (strncmp(p, ", ", 2) != 0)
            return -1;
        p += 2;
    }
}

/* docs/isa.md wrote `JZ a, t`, an instruction no profile has (it is BZ):
 * every `MNEMONIC kinds` span of the two documents names a real
 * instruction with that many operands. */
static void isa__every_instruction_the_docs_write_with_operands_exists(void **state)
{
    (void)state;
    static const char *const docs[] = {"docs/isa.md", "docs/asm.md"};
    int seen = 0;
    for (size_t d = 0; d < sizeof docs / sizeof *docs; d++) {
        char *doc = cs_slurp(docs[d], NULL);
        assert_non_null(doc);
        for (char *p = strchr(doc, '`'); p; p = strchr(p + 1, '`')) {
            size_t m = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
            if (m < 2 || p[1 + m] != ' ')
                continue;
            int want = kinds_in_span(p + 2 + m);
            if (want < 0)
                continue;
            char name[16];
            snprintf(name, sizeof name, "%.*s", (int)m, p + 1);
            const struct insn_info *in = isa_lookup(name);
            if (!in)
                fail_msg("%s: `%s ...` is no instruction", docs[d], name);
            int got = 0;
            for (int f = 0; f < 3; f++)
                got += isa_format_kinds[in->format][f] != OK_NONE;
            if (got != want)
                fail_msg("%s: `%s` has %d operands, not %d", docs[d], name, got, want);
            seen++;
        }
        free(doc);
    }
    assert_true(seen >= 8);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_c");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__a_bom_is_skipped_whatever_reads_the_source),
        cmocka_unit_test(as__a_nul_byte_is_named_at_its_file_offset),
        cmocka_unit_test(cli__an_image_named_dot_s_is_an_image),
        cmocka_unit_test(cli__an_image_cut_before_its_first_nul_is_an_image),
        cmocka_unit_test(as__numbers_white_space_and_the_listing_as_the_docs_say),
        cmocka_unit_test(cli__c1_controls_are_escaped_as_c0_are),
        cmocka_unit_test(dis__a_source_is_said_to_hold_text),
        cmocka_unit_test(as__a_negative_count_or_operand_is_shown_signed),
        cmocka_unit_test(asm__a_label_on_a_phase_line_takes_dot_before_the_directive),
        cmocka_unit_test(asm__an_immediate_is_its_value_as_signed_64_bits),
        cmocka_unit_test(isa__lr_ignores_the_other_bits_and_sr_writes_only_l_and_b),
        cmocka_unit_test(isa__a_bound_above_2_19_bounds_nothing_more),
        cmocka_unit_test(as__the_default_output_replaces_only_the_last_extension),
        cmocka_unit_test(as__a_bad_literal_does_not_undefine_the_labels_before_it),
        cmocka_unit_test(isa__the_link_and_spsw_at_the_top_of_memory_wrap_to_0),
        cmocka_unit_test(asm__the_documented_limits_hold),
        cmocka_unit_test(asm__a_stream_includes_from_the_current_directory),
        cmocka_unit_test(isa__r_0_q_minus_1_leaves_the_last_word_out),
        cmocka_unit_test(dis__an_image_spanning_all_of_memory_round_trips),
        cmocka_unit_test(isa__every_instruction_the_docs_write_with_operands_exists),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
