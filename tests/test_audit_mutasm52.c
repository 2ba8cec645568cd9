/* test_audit_mutasm52.c: cases that a mutation audit of the assembler, the
 * image format and the text test found no other suite asserting.
 *
 * Each states a documented rule at its boundary (docs/asm.md, docs/isa.md,
 * docs/run.md): the byte order mark of a file that holds nothing else, the
 * highest of the four cause bits of an entry PSW, a tab's column, the exit
 * status of 'tgm as -o -' on a source with errors, a symbol count that its
 * table cannot hold, and what makes a file text (its first 256 bytes,
 * white space including the vertical tab); a count of .space that is large
 * but not negative, a line assembled in place at the last address, and a
 * machine state refused whole when its timer is both armed and pending,
 * and one with a full console (16 MiB) taken back; a constant's listing.
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
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* Assemble SRC (LEN bytes) as "t.s": the error count, the diagnostics in
 * *DIAG (free it) and, on success, the image in *IMG. */
static int assemble(const char *src, size_t len, struct tgm_image *img, char **diag)
{
    size_t dlen = 0;
    FILE *f = open_memstream(diag, &dlen);
    assert_non_null(f);
    int n = asm_assemble_buffer("t.s", src, len, img, f);
    assert_int_equal(fclose(f), 0);
    return n;
}

/* A source and the error it must give, the only one. */
struct one_error {
    const char *src, *want;
};

static void each_gives_its_error(const struct one_error *cases, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct tgm_image img;
        char *diag;
        assert_int_equal(assemble(cases[i].src, strlen(cases[i].src), &img, &diag), 1);
        if (!strstr(diag, cases[i].want))
            fail_msg("case %zu: %s", i, diag);
        free(diag);
    }
}

/* asm.md: "A file may begin with a UTF-8 byte order mark, which is
 * skipped", and "an empty file gives an empty image at 0": a file that
 * holds the mark alone is such an empty source. */
static void asm__a_file_of_a_byte_order_mark_alone_is_empty(void **state)
{
    (void)state;
    struct tgm_image img;
    char *diag;
    assert_int_equal(assemble("\xef\xbb\xbf", 3, &img, &diag), 0);
    assert_string_equal(diag, "");
    assert_int_equal(img.load, 0);
    assert_int_equal(img.nwords, 0);
    assert_int_equal(img.nsyms, 0);
    image_free(&img);
    free(diag);
}

/* asm.md: ".entrypsw expr ... its cause bits must be 0"; isa.md: the cause
 * field is bits 61..58.  Its highest bit alone (cause 8) is refused at the
 * line, as the lowest is, and sets no entry. */
static void asm__every_cause_bit_of_an_entry_psw_is_refused(void **state)
{
    (void)state;
    for (unsigned bit = 58; bit <= 61; bit++) {
        char src[160];
        snprintf(src, sizeof src, "        .entrypsw psw(1, 0, 0, 0x80000) | (1 << %u)\n"
                                  "        HALT\n", bit);
        struct tgm_image img;
        char *diag;
        assert_int_equal(assemble(src, strlen(src), &img, &diag), 1);
        if (!strstr(diag, "t.s:1:19: error: entry PSW 0x") || !strstr(diag, "cause bits"))
            fail_msg("bit %u: %s", bit, diag);
        free(diag);
    }
}

/* asm.md: "The column counts tabs to the next multiple of 8": a tab in
 * column 8 takes the text after it to column 9, one in column 9 to 17. */
static void asm__a_tab_in_column_8_reaches_column_9(void **state)
{
    (void)state;
    static const struct one_error cases[] = {
        {"       \tLPWS 1\n", "t.s:1:9: error: unknown mnemonic 'LPWS'"},
        {"        \tLPWS 1\n", "t.s:1:17: error: unknown mnemonic 'LPWS'"},
        {"\tLPWS 1\n", "t.s:1:9: error: unknown mnemonic 'LPWS'"},
    };
    each_gives_its_error(cases, sizeof cases / sizeof cases[0]);
}

/* asm.md: "a negative `.space` count ('.space -1': the count is
 * negative)"; a count that is large but not negative (2^62) is no such
 * count: it runs past the end of memory. */
static void asm__only_a_negative_space_count_is_called_negative(void **state)
{
    (void)state;
    static const struct one_error cases[] = {
        {"        .space -1\n", "'.space -1': the count is negative"},
        {"        .space 1 << 63\n", "'.space -9223372036854775808': the count is negative"},
        {"        .space 1 << 62\n", "'.space 4611686018427387904' runs past the end of memory"},
    };
    each_gives_its_error(cases, sizeof cases / sizeof cases[0]);
}

/* asm.md, "Assembling one line in place": `.` is the address given, any
 * address of memory (0..2^19-1), the last too; past it is refused. */
static void asm__a_line_assembles_in_place_at_the_last_address(void **state)
{
    (void)state;
    uint64_t w = 0;
    char err[256] = "";
    if (asm_assemble_line("JMP .", 0x7ffff, NULL, &w, err, sizeof err) != 0)
        fail_msg("JMP . at 0x7ffff: %s", err);
    assert_true(w == MAKE_INSN(OP_JMP, 0x7ffff, 0, 0));
    assert_int_equal(asm_assemble_line("JMP .", 0x80000, NULL, &w, err, sizeof err), -1);
    assert_string_equal(err, "address 0x80000 is outside memory (0..0x7ffff)");
}

/* asm.md: "Exit status: 0 success, 1 errors in the source", with '-o -'
 * as with a file: nothing reaches standard output. */
static void as__errors_with_output_to_stdout_are_status_1(void **state)
{
    (void)state;
    const char *src = cs_tmp("bad.s");
    cs_put_text(src, "        LPWS 1\n");
    struct cs_outcome o = cs_run_tgm("as", src, "-o", "-", NULL);
    assert_int_equal(o.status, 1);
    assert_int_equal(o.out_len, 0);
    assert_non_null(strstr(o.err, "bad.s:1:9: error: unknown mnemonic 'LPWS'"));
    cs_outcome_free(&o);
}

/* An image of no words, its symbol table SYMSIZE bytes of zeros counted as
 * NSYMS symbols, checksummed: *LEN bytes (free it). */
static uint8_t *image_with_table(uint32_t nsyms, uint32_t symsize, size_t *len)
{
    *len = TGM_IMAGE_HEADER + symsize + 8;
    uint8_t *b = calloc(1, *len);
    assert_non_null(b);
    memcpy(b, "TGMIMAGE", 8);
    le_write(b + 8, 1, 4);
    le_write(b + 24, UINT64_C(1) << 63 | 0x80000, 8); /* supervisor, R = (0, 2^19) */
    le_write(b + 32, nsyms, 4);
    le_write(b + 36, symsize, 4);
    le_write(b + *len - 8, tgm_fnv1a(b, *len - 8, TGM_FNV_SEED), 8);
    return b;
}

/* isa.md: a symbol is an 8-byte value, a 1-byte length (1..63) and the
 * name, 10 bytes at least, and "a symbol table that does not add up" is
 * refused naming the offset: one symbol in 9 bytes is the count's fault
 * (offset 32), whatever the 9 bytes hold; in 10 it is the name's. */
static void image__a_count_its_table_cannot_hold_names_the_count(void **state)
{
    (void)state;
    for (uint32_t size = 0; size <= 10; size++) {
        size_t len;
        uint8_t *b = image_with_table(1, size, &len);
        struct tgm_image img;
        char err[256] = "";
        assert_int_equal(image_parse(b, len, &img, err, sizeof err), -1);
        const char *want = size < 10 ? "offset 32: symbol count 1 cannot fit" : "offset 40: ";
        if (strncmp(err, want, strlen(want)) != 0)
            fail_msg("a %u-byte table: %s", size, err);
        free(b);
    }
}

/* run.md: a file that is not an image "holds text" when "its first 256
 * bytes [are] printable, white space or UTF-8", and then its error says
 * how a source is named.  So a control byte as the 256th byte makes it
 * binary, one as the 257th does not, and a vertical tab is white space. */
static void run__text_is_told_by_the_first_256_bytes(void **state)
{
    (void)state;
    static const char hint[] = "; an assembly source must be named *.s";
    static const struct {
        size_t printable;
        char tail;
        bool text;
    } cases[] = {{255, '\x01', false}, {256, '\x01', true}, {10, '\v', true}, {10, '\x1b', false}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char bytes[300];
        memset(bytes, 'x', cases[i].printable);
        bytes[cases[i].printable] = cases[i].tail;
        bytes[cases[i].printable + 1] = '\n';
        const char *path = cs_tmp("prog.asm");
        cs_write_bytes(path, bytes, cases[i].printable + 2);
        struct cs_outcome o = cs_run_tgm("run", path, NULL);
        assert_int_equal(o.status, 2);
        if (!strstr(o.err, "prog.asm: offset 0: bad magic (not a tgm image)") ||
            (strstr(o.err, hint) != NULL) != cases[i].text)
            fail_msg("case %zu: %s", i, o.err);
        cs_outcome_free(&o);
    }
}

/* machine.h: machine_state_load "checks everything first and changes
 * nothing on error".  A state whose timer is both armed and pending (no
 * instruction makes one) is refused before anything is applied: the
 * machine keeps its memory, PSW and timer. */
static void state__an_armed_and_pending_timer_is_refused_changing_nothing(void **state)
{
    (void)state;
    struct machine_config cfg = {.q = 64};
    struct machine *a = machine_create(&cfg), *b = machine_create(&cfg);
    assert_non_null(a);
    assert_non_null(b);
    uint8_t *armed, *pending;
    size_t alen, plen;
    machine_write_phys(a, 5, 77);
    const struct machine_timer on = {.armed = true, .remaining = 100}, due = {.pending = true};
    assert_int_equal(machine_set_timer(a, &on), 0);
    assert_int_equal(machine_state_save(a, true, &armed, &alen), 0);
    assert_int_equal(machine_set_timer(a, &due), 0);
    assert_int_equal(machine_state_save(a, true, &pending, &plen), 0);
    assert_int_equal(alen, plen);
    /* the byte that is 0 armed and 1 pending is the pending flag's */
    size_t at = 0;
    while (at < alen && !(armed[at] == 0 && pending[at] == 1))
        at++;
    assert_true(at < alen);
    armed[at] = 1;
    uint64_t psw = machine_get_psw(b), w;
    char err[256] = "";
    assert_int_equal(machine_state_load(b, armed, alen, err, sizeof err), -1);
    assert_non_null(strstr(err, "the timer is both armed and pending"));
    assert_true(machine_get_psw(b) == psw);
    assert_int_equal(machine_read_phys(b, 5, &w), 0);
    assert_true(w == 0);
    assert_false(machine_get_timer(b).armed);
    free(armed);
    free(pending);
    machine_destroy(a);
    machine_destroy(b);
}

/* isa.md: the machine's console "captures output (up to 16 MiB, then
 * counts what it drops)"; a state saved with its console full, 16 MiB
 * kept and more dropped, loads back with both. */
static void state__a_full_console_saves_and_loads_back(void **state)
{
    (void)state;
    struct machine_config cfg = {.q = 64};
    struct machine *a = machine_create(&cfg), *b = machine_create(&cfg);
    assert_non_null(a);
    assert_non_null(b);
    for (uint32_t i = 0; i < (16u << 20) + 3; i++)
        machine_console_put(a, 'A');
    assert_true(machine_console_dropped(a) == 3);
    uint8_t *buf;
    size_t len;
    assert_int_equal(machine_state_save(a, false, &buf, &len), 0);
    char err[256] = "";
    if (machine_state_load(b, buf, len, err, sizeof err) != 0)
        fail_msg("%s", err);
    size_t n = 0;
    assert_non_null(machine_console_output(b, &n));
    assert_int_equal(n, 16u << 20);
    assert_true(machine_console_dropped(b) == 3);
    free(buf);
    machine_destroy(a);
    machine_destroy(b);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutasm52");
}

/* asm.md: a symbol outside the image lists as `name = value`, in hex and,
 * in its comment, in unsigned decimal: a value is a 64-bit word. */
static void dis__a_constant_lists_in_hex_and_unsigned_decimal(void **state)
{
    (void)state;
    static const char src[] = "X = -1\nY = 5\n        HALT\n";
    struct tgm_image img;
    char *diag, *out;
    size_t olen = 0;
    assert_int_equal(assemble(src, sizeof src - 1, &img, &diag), 0);
    free(diag);
    FILE *f = open_memstream(&out, &olen);
    assert_non_null(f);
    assert_int_equal(dis_image(&img, f), 0);
    assert_int_equal(fclose(f), 0);
    const char *x = strstr(out, "\nX = 0xffffffffffffffff ");
    assert_non_null(x);
    assert_non_null(strstr(x, "; 18446744073709551615\n"));
    assert_true(strchr(x + 1, '\n') > strstr(x, "; 18446744073709551615"));
    assert_non_null(strstr(out, "\nY = 0x5 "));
    free(out);
    image_free(&img);
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__a_file_of_a_byte_order_mark_alone_is_empty),
        cmocka_unit_test(asm__every_cause_bit_of_an_entry_psw_is_refused),
        cmocka_unit_test(asm__a_tab_in_column_8_reaches_column_9),
        cmocka_unit_test(asm__only_a_negative_space_count_is_called_negative),
        cmocka_unit_test(asm__a_line_assembles_in_place_at_the_last_address),
        cmocka_unit_test(as__errors_with_output_to_stdout_are_status_1),
        cmocka_unit_test(image__a_count_its_table_cannot_hold_names_the_count),
        cmocka_unit_test(run__text_is_told_by_the_first_256_bytes),
        cmocka_unit_test(state__an_armed_and_pending_timer_is_refused_changing_nothing),
        cmocka_unit_test(state__a_full_console_saves_and_loads_back),
        cmocka_unit_test(dis__a_constant_lists_in_hex_and_unsigned_decimal),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
