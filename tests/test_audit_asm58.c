/* test_audit_asm58.c: claims of docs/asm.md and docs/isa.md that a read of
 * them as a contract found no suite asserting, checked through the binary
 * as a user would: `tgm as` (a label before `.org`, `.phase` and
 * `.dephase`, the largest and smallest `.word` at the top of memory, a
 * `.space` of all memory and one word more, the listing's file lines
 * around an include, the words a `.word` line in error keeps), `tgm dis`
 * (the first name of several by byte order, never `.`), `tgm run` (every
 * instruction's cycles as the table gives them, an SVC's cost, P + 1
 * wrapping at the top of memory, TGET after TSET, a pending timer let in
 * by LPSW before a fetch that would fail, or by a trap into a handler
 * with I = 1) and the image reader (an empty image at 2^19 but not past
 * it, a word count that reaches past memory, symbols sorted unsigned).
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

/* ---- helpers ----------------------------------------------------------- */

/* Write SRC as NAME, assemble it to NAME with .img for .s; PATH gets the
 * image's path.  Fails the test unless `tgm as` succeeds. */
static void assemble(char *path, size_t len, const char *name, const char *src)
{
    char spath[CS_PATH];
    cs_write_text(spath, sizeof spath, name, src);
    snprintf(path, len, "%.*s.img", (int)(strlen(spath) - 2), spath);
    struct cs_outcome o = cs_run_tgm("as", spath, "-o", path, NULL);
    if (o.status != 0)
        fail_msg("tgm as %s: status %d\n%s", name, o.status, o.err);
    cs_outcome_free(&o);
}

/* TEXT with each "{D}" replaced by the temporary directory (free it): the
 * commands name files by the paths they were given. */
static char *expand(const char *text)
{
    const char *d = cs_tmpdir();
    size_t n = 0;
    for (const char *p = text; (p = strstr(p, "{D}")); p += 3)
        n++;
    char *out = malloc(strlen(text) + n * strlen(d) + 1);
    assert_non_null(out);
    char *o = out;
    for (const char *p = text; *p;) {
        if (strncmp(p, "{D}", 3) == 0) {
            o += sprintf(o, "%s", d);
            p += 3;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
    return out;
}

/* TEXT is exactly WANT once expanded. */
static void assert_expanded(const char *text, const char *want)
{
    char *w = expand(want);
    if (strcmp(text, w) != 0)
        fail_msg("want\n%s\ngot\n%s", w, text);
    free(w);
}

/* `tgm as NAME -l -o NAME.img` on SRC: its outcome (free it). */
static struct cs_outcome listing(const char *name, const char *src)
{
    char spath[CS_PATH], ipath[CS_PATH];
    cs_write_text(spath, sizeof spath, name, src);
    cs_tmp_path(ipath, sizeof ipath, "listing.img");
    return cs_run_tgm("as", spath, "-l", "-o", ipath, NULL);
}

/* `tgm as` on SRC fails with status 1 and exactly WANT on stderr. */
static void as_fails(const char *src, const char *want)
{
    struct cs_outcome o = listing("bad.s", src);
    assert_int_equal(o.status, 1);
    assert_expanded(o.err, want);
    cs_outcome_free(&o);
}

/* Run SRC (written as run.s) with `tgm run`, dumping E to run.bin, with
 * the one option OPT (or none): the outcome, which must be status 0. */
static struct cs_outcome run_src(const char *src, const char *opt, const char *optval)
{
    char spath[CS_PATH], dpath[CS_PATH];
    cs_write_text(spath, sizeof spath, "run.s", src);
    cs_tmp_path(dpath, sizeof dpath, "run.bin");
    struct cs_outcome o = opt ? cs_run_tgm("run", spath, "--dump", dpath, opt, optval, NULL)
                              : cs_run_tgm("run", spath, "--dump", dpath, NULL);
    if (o.status != 0)
        fail_msg("tgm run: status %d\n%s\n%s", o.status, o.out, o.err);
    return o;
}

/* E[ADDR] from the last run's dump (little-endian words). */
static uint64_t dumped(uint32_t addr)
{
    char dpath[CS_PATH];
    size_t len;
    cs_tmp_path(dpath, sizeof dpath, "run.bin");
    unsigned char *d = (unsigned char *)cs_slurp(dpath, &len);
    assert_true((size_t)addr * 8 + 8 <= len);
    uint64_t w = 0;
    for (int i = 7; i >= 0; i--)
        w = w << 8 | d[(size_t)addr * 8 + (size_t)i];
    free(d);
    return w;
}

static void put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* isa.md: the last 8 bytes are the "FNV-1a 64 checksum of every byte
 * before it": recompute it after a change to another field. */
static void reseal(unsigned char *b, size_t len)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i + 8 < len; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    put64(b + len - 8, h);
}

/* `tgm dis PATH` fails with status 2 and exactly WANT on stderr. */
static void dis_refuses(const char *path, const char *want)
{
    struct cs_outcome o = cs_run_tgm("dis", path, NULL);
    if (o.status != 2 || strcmp(o.err, want) != 0)
        fail_msg("want status 2 and\n%s\ngot %d and\n%s", want, o.status, o.err);
    cs_outcome_free(&o);
}

/* ---- tgm as ------------------------------------------------------------ */

/* asm.md, lines 18-20: "A label stands before its line's statement, so it
 * takes `.` before the directive: `a: .org 0x20` names the old address,
 * `a: .phase 0x100` the emit address, `a: .dephase` the phased one." */
static void as__a_label_takes_dot_before_its_directive(void **state)
{
    (void)state;
    struct cs_outcome o = listing("lab.s", " HALT\n"
                                           "a: .org 0x20\n"
                                           "b: .phase 0x100\n"
                                           " .word .\n"
                                           "d: .dephase\n"
                                           " .word a, b, d\n");
    assert_int_equal(o.status, 0);
    assert_expanded(o.out, "; {D}/lab.s\n"
                               "00000  0400000000000000      1   HALT\n"
                               "                             2  a: .org 0x20\n"
                               "                             3  b: .phase 0x100\n"
                               "00020  0000000000000100      4   .word .\n"
                               "                             5  d: .dephase\n"
                               "00021  0000000000000001      6   .word a, b, d\n"
                               "00022  0000000000000020\n"
                               "00023  0000000000000101\n"
                               "; load 0x00000, 36 words, entry PSW 0x8000000000080000, "
                               "3 symbols\n");
    cs_outcome_free(&o);
}

/* asm.md: `.org expr` takes 0..2^19 and numbers go "up to 2^64-1", and
 * arithmetic is 64-bit two's complement: the last two words of memory
 * hold 2^64-1 and -2^63 exactly, and one word more runs past the end. */
static void as__the_extreme_words_fill_the_top_of_memory(void **state)
{
    (void)state;
    struct cs_outcome o = listing("top.s", ".org 0x7fffe\n"
                                           ".word 0xFFFFFFFFFFFFFFFF, -9223372036854775808\n");
    assert_int_equal(o.status, 0);
    assert_expanded(o.out, "; {D}/top.s\n"
                               "                             1  .org 0x7fffe\n"
                               "7fffe  ffffffffffffffff      2  .word 0xFFFFFFFFFFFFFFFF, "
                               "-9223372036854775808\n"
                               "7ffff  8000000000000000\n"
                               "; load 0x7fffe, 2 words, entry PSW 0x83ffff0000080000, "
                               "0 symbols\n");
    cs_outcome_free(&o);
    as_fails(".org 0x7fffe\n.word 18446744073709551615, -0x8000000000000000, 0\n",
             "{D}/bad.s:2:1: error: 3 words at 0x7fffe would run past the end of memory "
             "(0x7ffff is the last address)\n"
             ".word 18446744073709551615, -0x8000000000000000, 0\n"
             "^~~~~\n"
             "tgm: as: 1 error in {D}/bad.s; {D}/listing.img not written\n");
}

/* asm.md: "`.space n` | n zero words": all of memory is 2^19 of them, one
 * more has nowhere to go. */
static void as__space_of_all_memory_and_one_word_more(void **state)
{
    (void)state;
    struct cs_outcome o = listing("sp.s", ".space 0x80000\n");
    assert_int_equal(o.status, 0);
    assert_expanded(o.out, "; {D}/sp.s\n"
                               "00000  (zero words)          1  .space 0x80000\n"
                               "; load 0x00000, 524288 words, entry PSW 0x8000000000080000, "
                               "0 symbols\n");
    cs_outcome_free(&o);
    as_fails(".space 0x80001\n",
             "{D}/bad.s:1:8: error: '.space 524289' runs past the end of memory (524288 words "
             "left at 0x00000)\n"
             ".space 0x80001\n"
             "       ^~~~~~~\n"
             "tgm: as: 1 error in {D}/bad.s; {D}/listing.img not written\n");
}

/* asm.md, "The command": the listing has "a line `; FILE` ... where a run
 * of lines of a file begins: before the source's first line, an included
 * file's, and the including file's again after its `.include`"; a label
 * alone and a constant have no address, a constant shows `=` and its
 * value. */
static void as__listing_names_the_file_again_after_an_include(void **state)
{
    (void)state;
    char ipath[CS_PATH];
    cs_write_text(ipath, sizeof ipath, "part.s", "k = 7\n");
    struct cs_outcome o = listing("whole.s", "top:\n.include \"part.s\"\n\tHALT\n");
    assert_int_equal(o.status, 0);
    assert_expanded(o.out, "; {D}/whole.s\n"
                               "                             1  top:\n"
                               "                             2  .include \"part.s\"\n"
                               "; {D}/part.s\n"
                               "    =  0000000000000007      1  k = 7\n"
                               "; {D}/whole.s\n"
                               "00000  0400000000000000      3  \tHALT\n"
                               "; load 0x00000, 1 word, entry PSW 0x8000000000080000, "
                               "2 symbols\n");
    cs_outcome_free(&o);
}

/* asm.md, "Errors": "A line in error keeps the words it will surely hold
 * ... a `.word` one per expression it lists (one more than its commas
 * outside quotes and parentheses)": the comma in the character literal
 * ',' and the one in the string count for nothing, so the line holds 3
 * words and the label after it names 3, where a word 9 then overlaps. */
static void as__a_word_line_in_error_keeps_one_word_per_expression(void **state)
{
    (void)state;
    as_fails(".word ',', @, \"a,b\"\nL: .word 0\n.org 3\n.word 9\n",
             "{D}/bad.s:1:12: error: unexpected character '@'\n"
             ".word ',', @, \"a,b\"\n"
             "           ^\n"
             "{D}/bad.s:4:1: error: address 0x00003 already holds a word from {D}/bad.s:2\n"
             ".word 9\n"
             "^~~~~\n"
             "tgm: as: 2 errors in {D}/bad.s; {D}/listing.img not written\n");
}

/* ---- tgm dis ----------------------------------------------------------- */

/* asm.md, "The disassembler": an operand prints "as a symbol's name when a
 * symbol has exactly that value (the first by name; never `.`)", and the
 * image's names sort "byte by byte, so `B` before `a`" (isa.md); a symbol
 * named `.` is written `.equ ., value`. */
/* asm.md: a token that cannot be read is the line's one error, even after
 * an unknown mnemonic. */
static void as__a_token_error_is_the_line_s_error(void **state)
{
    (void)state;
    as_fails(" FOO 'ab'\n", "{D}/bad.s:1:6: error: character literal must hold one byte\n"
                            " FOO 'ab'\n     ^~~~\n"
                            "tgm: as: 1 error in {D}/bad.s; {D}/listing.img not written\n");
}

static void dis__an_operand_takes_the_first_name_bytewise_never_dot(void **state)
{
    (void)state;
    char img[CS_PATH];
    assemble(img, sizeof img, "names.s", "b = 1\nB = 1\n.equ ., 1\n JMP 1\n SVC 1\n");
    struct cs_outcome o = cs_run_tgm("dis", img, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, ".equ ., 0x1                                      ; 1\n"
                         "        JMP    B                                 ; 00000: "
                         "5000004000000000\n"
                         "B:\n"
                         "b:\n"
                         "        SVC    B                                 ; 00001: "
                         "7000004000000000\n");
    cs_outcome_free(&o);
}

/* ---- tgm run: cycles --------------------------------------------------- */

/* isa.md, "Cycles and counters": "Every instruction costs the cycles in
 * the table below when it completes ... A branch costs the same whether
 * it is taken or not": each instruction then a HALT (1 cycle). */
static void run__each_instruction_costs_its_table_cycles(void **state)
{
    (void)state;
    static const struct {
        const char *insn;
        unsigned cycles;
    } table[] = {
        {"NOP", 1},           {"MOV x, y", 2},       {"LI x, -1", 1},
        {"LDX x, y, z", 3},   {"STX 0x100, z, y", 3}, {"ADD x, x, y", 2},
        {"SUB x, x, y", 2},   {"MUL x, x, y", 4},    {"DIV x, x, y", 12},
        {"DIVU x, x, y", 12}, {"MOD x, x, y", 12},   {"MODU x, x, y", 12},
        {"AND x, x, y", 2},   {"OR x, x, y", 2},     {"XOR x, x, y", 2},
        {"SHL x, x, y", 2},   {"SHR x, x, y", 2},    {"SAR x, x, y", 2},
        {"ADDI x, x, -5", 2}, {"SLT x, x, y", 2},    {"SLTU x, x, y", 2},
        {"SEQ x, x, y", 2},   {"JMP h", 1},          {"JMPI j", 2},
        {"JMPX j, z", 3},     {"JAL x, h", 2},       {"BEQ x, y, h", 2},
        {"BNE x, y, h", 2},   {"BLT x, y, h", 2},    {"BGE x, y, h", 2},
        {"BLTU x, y, h", 2},  {"BGEU x, y, h", 2},   {"BZ z, h", 1},
        {"BNZ z, h", 1},      {"DJNZ x, h", 2},      {"SPSW x", 2},
        {"SR x", 2},          {"LR r", 3},           {"TSET z", 2},
        {"TGET x", 2},        {"COUT y", 4},         {"CIN x", 4},
        {"LPSW p", 3},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        char src[400], want[160];
        snprintf(src, sizeof src, " %s\nh: HALT\nx: .word 5\ny: .word 3\nz: .word 0\n"
                                  "j: .word h\nr: .word rb(0, 0x80000)\n"
                                  "p: .word psw(SUP, h, 0, 0x80000)\n", table[i].insn);
        struct cs_outcome o = run_src(src, NULL, NULL);
        snprintf(want, sizeof want, "cycles       %u\ninstructions 2\nsteps        2\n",
                 table[i].cycles + 1);
        if (!strstr(o.out, "traps        privileged 0, memory 0, svc 0, illegal 0, timer 0\n") ||
            !strstr(o.out, want))
            fail_msg("%s: want\n%sgot\n%s", table[i].insn, want, o.out);
        cs_outcome_free(&o);
    }
}

/* isa.md, "Traps": "A trap costs 4 cycles and nothing else; the instruction
 * that trapped is not charged ... an `SVC` costs the trap's 4 cycles and
 * nothing more", and "the handler finds n in the instruction at the saved
 * P" as `(word >> 38) & 0x7FFFF`. */
static void run__an_svc_costs_the_trap_s_four_cycles_only(void **state)
{
    (void)state;
    struct cs_outcome o = run_src("old: .word 0\nnew: .word psw(SUP, h, 0, 0x80000)\n"
                                  "start: SVC 0x7ffff\nh: HALT\n.entry start\n",
                                  NULL, NULL);
    cs_assert_has(o.out, "last trap    svc\n"
                         "traps        privileged 0, memory 0, svc 1, illegal 0, timer 0\n"
                         "cycles       5\ninstructions 1\nsteps        2\n");
    /* old PSW: S = 1, cause 3, P = 2 (the SVC) */
    assert_true(dumped(0) == 0x8c00010000080000ULL);
    assert_true((dumped(2) >> 38 & 0x7FFFF) == 0x7ffff);
    cs_outcome_free(&o);
}

/* isa.md, "State": "after the instruction at 2^19-1, P wraps to 0 ... and
 * so do the P + 1 that `JAL` links and `SPSW` stores: at 2^19-1 they are
 * 0" (and one word lower, 2^19-1). */
static void run__p_plus_one_wraps_at_the_top_of_memory(void **state)
{
    (void)state;
    struct cs_outcome o = run_src(" HALT\n.org 0x100\nr: .word 7\ns: .word 7\n"
                                  ".org 0x7fffe\ntop: SPSW s\n JAL r, 0\n.entry top\n",
                                  "--mem", "524288");
    cs_assert_has(o.out, "-- halted\n"
                         "psw          0x8000008000080000  supervisor  I=0  P=1  l=0  "
                         "b=524288\n");
    cs_assert_has(o.out, "cycles       5\ninstructions 3\n");
    assert_true(dumped(0x100) == 0);
    assert_true(dumped(0x101) == 0x83ffff8000080000ULL);
    cs_outcome_free(&o);
}

/* ---- tgm run: the timer ------------------------------------------------ */

/* isa.md, "The interval timer": "The count includes the `TSET`'s own
 * cycles", "`TGET a` stores the cycles remaining as they stand at the
 * start of the `TGET` (0 when disarmed)" and "E[a] <= 0 disarms it". */
static void run__tget_sees_the_tset_s_own_cycles_spent(void **state)
{
    (void)state;
    struct cs_outcome o = run_src(" TGET r0\n TSET n\n TGET r1\n TSET m\n TGET r2\n HALT\n"
                                  "n: .word 100\nm: .word -5\n"
                                  "r0: .word 7\nr1: .word 7\nr2: .word 7\n",
                                  NULL, NULL);
    cs_assert_has(o.out, "cycles       11\ninstructions 6\nsteps        6\n"
                         "timer        disarmed\n");
    assert_true(dumped(8) == 0);
    assert_true(dumped(9) == 98);
    assert_true(dumped(10) == 0);
    cs_outcome_free(&o);
}

/* isa.md: "with I = 0 it stays pending until an `LPSW` sets I, and the
 * trap is then taken before the instruction the `LPSW` loaded" and "At a
 * boundary the pending timer comes before everything else, even a fetch
 * that would fail": the saved P is the loaded one, outside R. */
static void run__a_pending_timer_comes_before_a_failing_fetch(void **state)
{
    (void)state;
    struct cs_outcome o = run_src("old: .word 0\nnew: .word psw(SUP, h, 0, 0x80000)\n"
                                  "start: TSET n\n NOP\n NOP\n TGET r\n LPSW go\n"
                                  "h: HALT\nn: .word 3\nr: .word 7\n"
                                  "go: .word pswi(SUP, 0x7ffff, 0, 0x10)\n.entry start\n",
                                  NULL, NULL);
    cs_assert_has(o.out, "last trap    timer\n"
                         "traps        privileged 0, memory 0, svc 0, illegal 0, timer 1\n"
                         "cycles       14\ninstructions 6\n");
    /* expired and disarmed before the TGET */
    assert_true(dumped(9) == 0);
    /* old PSW: S = 1, I = 1, cause 5, P = 0x7ffff, R = (0, 0x10) */
    assert_true(dumped(0) == 0xd7ffff8000000010ULL);
    cs_outcome_free(&o);
}

/* isa.md: "a trap whose new PSW (E[1]) has I = 1 lets it in too, before
 * the handler's first instruction, so the timer trap's old PSW (saved P:
 * the handler's first instruction) replaces the first trap's in E[0]". */
static void run__a_trap_into_an_enabled_handler_lets_the_timer_in(void **state)
{
    (void)state;
    struct cs_outcome o = run_src("old: .word 0\nnew: .word pswi(SUP, h, 0, 0x80000)\n"
                                  "start: TSET n\n NOP\n SVC 7\nh: HALT\nn: .word 3\n"
                                  ".entry start\n",
                                  NULL, NULL);
    cs_assert_has(o.out, "last trap    timer\n"
                         "traps        privileged 0, memory 0, svc 1, illegal 0, timer 1\n"
                         "cycles       12\ninstructions 3\nsteps        5\n");
    /* old PSW: S = 1, I = 1, cause 5, P = 5 (h) */
    assert_true(dumped(0) == 0xd400028000080000ULL);
    cs_outcome_free(&o);
}

/* ---- the image reader -------------------------------------------------- */

/* isa.md: the reader rejects "words that would reach past address 2^19-1
 * (load address + word count > 2^19)", each "with one line naming the
 * offset": an empty image at 2^19 reaches nothing (`.org 0x80000` alone
 * makes one), one at 2^19+1 does; a word count alone can reach past. */
static void image__an_empty_image_sits_at_2_19_and_no_further(void **state)
{
    (void)state;
    char img[CS_PATH];
    assemble(img, sizeof img, "end.s", ".org 0x80000\n");
    struct cs_outcome o = cs_run_tgm("dis", img, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "; tgm disassembly: an empty image at 0x80000, 0 symbols\n");
    cs_assert_has(o.out, "        .entrypsw 0x8000000000080000             ; S=1 I=0 P=0x00000 "
                         "R=(0x00000, 0x80000)\n");
    cs_outcome_free(&o);

    size_t len;
    unsigned char *b = (unsigned char *)cs_slurp(img, &len);
    assert_int_equal(len, 48);
    char bad[CS_PATH], want[CS_PATH + 200];
    put32(b + 16, 0x80001);
    reseal(b, len);
    cs_tmp_path(bad, sizeof bad, "past.img");
    cs_write_bytes(bad, b, len);
    snprintf(want, sizeof want, "tgm: dis: %s: offset 16: load address 524289 + 0 words exceeds "
                                "the largest memory (524288 words)\n", bad);
    dis_refuses(bad, want);

    put32(b + 16, 0);
    put32(b + 20, 0xffffffff);
    reseal(b, len);
    cs_tmp_path(bad, sizeof bad, "count.img");
    cs_write_bytes(bad, b, len);
    snprintf(want, sizeof want, "tgm: dis: %s: offset 20: word count 4294967295 exceeds the "
                                "largest memory (524288 words)\n", bad);
    dis_refuses(bad, want);
    free(b);
}

/* isa.md, the symbol table is "sorted by value (unsigned: -1 comes last),
 * then name": the assembler writes -1 last, and a table with -1 first is
 * out of order at the symbol after it. */
static void image__symbols_sort_unsigned_with_minus_one_last(void **state)
{
    (void)state;
    char img[CS_PATH];
    assemble(img, sizeof img, "neg.s", "B = -1\na = 0\n");
    size_t len;
    unsigned char *b = (unsigned char *)cs_slurp(img, &len);
    /* header 40, no words, two symbols of 10 bytes, checksum 8 */
    assert_int_equal(len, 68);
    assert_true(b[48] == 1 && b[49] == 'a' && b[58] == 1 && b[59] == 'B');
    assert_true(b[50] == 0xff && b[57] == 0xff);
    unsigned char sym[10];
    memcpy(sym, b + 40, 10);
    memmove(b + 40, b + 50, 10);
    memcpy(b + 50, sym, 10);
    reseal(b, len);
    char bad[CS_PATH], want[CS_PATH + 200];
    cs_tmp_path(bad, sizeof bad, "swapped.img");
    cs_write_bytes(bad, b, len);
    snprintf(want, sizeof want, "tgm: dis: %s: offset 50: symbol 'a' is out of order (symbols "
                                "are sorted by value, then name)\n", bad);
    dis_refuses(bad, want);
    free(b);
}

/* asm.md: "the name of an include file it cannot open is quoted whole up
 * to 4096 bytes, the longest path a system takes, and cut there" (a name
 * of a megabyte was quoted whole: a megabyte-long line); one of 100 bytes
 * is quoted whole, past the 80 a token gets. */
static void include__a_name_it_cannot_open_is_quoted_up_to_4096_bytes(void **state)
{
    (void)state;
    static const size_t lens[] = {100, 1000000};
    for (int i = 0; i < 2; i++) {
        size_t n = lens[i];
        char *src = malloc(n + 16);
        assert_non_null(src);
        memcpy(src, ".include \"", 10);
        memset(src + 10, 'a', n);
        strcpy(src + 10 + n, "\"\n");
        struct cs_outcome o = listing("inc.s", src);
        free(src);
        assert_int_equal(o.status, 1);
        const char *q = strstr(o.err, "cannot open include file '");
        assert_non_null(q);
        q += strlen("cannot open include file '");
        size_t dir = strlen(cs_tmpdir()) + 1, shown = strcspn(q, "'");
        assert_memory_equal(q, cs_tmpdir(), dir - 1);
        if (n + dir <= 4096) { /* whole: no such file */
            assert_int_equal(shown, dir + n);
            cs_assert_has(q + shown, "': No such file or directory\n");
        } else { /* 4096 bytes, then "..." */
            assert_int_equal(shown, 4096 + 3);
            cs_assert_has(q + 4096, "...': File name too long\n");
        }
        cs_outcome_free(&o);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_asm58");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(include__a_name_it_cannot_open_is_quoted_up_to_4096_bytes),
        cmocka_unit_test(as__a_label_takes_dot_before_its_directive),
        cmocka_unit_test(as__the_extreme_words_fill_the_top_of_memory),
        cmocka_unit_test(as__space_of_all_memory_and_one_word_more),
        cmocka_unit_test(as__listing_names_the_file_again_after_an_include),
        cmocka_unit_test(as__a_word_line_in_error_keeps_one_word_per_expression),
        cmocka_unit_test(as__a_token_error_is_the_line_s_error),
        cmocka_unit_test(dis__an_operand_takes_the_first_name_bytewise_never_dot),
        cmocka_unit_test(run__each_instruction_costs_its_table_cycles),
        cmocka_unit_test(run__an_svc_costs_the_trap_s_four_cycles_only),
        cmocka_unit_test(run__p_plus_one_wraps_at_the_top_of_memory),
        cmocka_unit_test(run__tget_sees_the_tset_s_own_cycles_spent),
        cmocka_unit_test(run__a_pending_timer_comes_before_a_failing_fetch),
        cmocka_unit_test(run__a_trap_into_an_enabled_handler_lets_the_timer_in),
        cmocka_unit_test(image__an_empty_image_sits_at_2_19_and_no_further),
        cmocka_unit_test(image__symbols_sort_unsigned_with_minus_one_last),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
