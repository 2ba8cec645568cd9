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
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"

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

/* docs/asm.md: "A file may begin with a UTF-8 byte order mark, which is
 * skipped."  Only a file read by name skipped it: a source the monitor
 * reads from a pipe (asm_assemble_buffer) failed on its first byte. */
static void asm__a_bom_is_skipped_whatever_reads_the_source(void **state)
{
    (void)state;
    static const char src[] = "\xef\xbb\xbf        NOP\n        HALT\n";
    struct tgm_image img;
    char *diag = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&diag, &dlen);
    assert_non_null(f);
    int n = asm_assemble_buffer("pipe.s", src, sizeof src - 1, &img, f);
    fclose(f);
    if (n != 0)
        fail_msg("%d errors:\n%s", n, diag);
    free(diag);
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

/* A file that begins with the image magic is an image whatever its name:
 * the monitor's load took sum.img copied to x.s as an image, while 'tgm
 * run', 'check' and 'run --vmm' assembled it and failed on a NUL byte.
 * 'tgm as' on it says that it is an image. */
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
}

/* ---- fixture ----------------------------------------------------------- */

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
        cmocka_unit_test(dis__a_source_is_said_to_hold_text),
        cmocka_unit_test(as__a_negative_count_or_operand_is_shown_signed),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
