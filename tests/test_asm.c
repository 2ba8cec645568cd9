/* test_asm.c: the assembler, feature by feature and error by error.
 *
 * Each syntax feature of docs/asm.md with its asserted encoding and image
 * fields (the text form of section 2's instruction set and PSW), and each
 * error class with its exact message, line, column and caret.  Includes,
 * listings, one-line assembly and `tgm as` are in test_asm_files.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#define Q TGM_Q_MAX
#define DEFAULT_PSW(pc) psw_pack(&(struct psw){.sup = true, .p = (pc), .b = TGM_Q_MAX})

/* Assemble SRC as "t.s"; returns the error count and the diagnostics
 * (malloc'd, in *DIAG if not NULL). */
static int assemble(const char *src, struct tgm_image *img, char **diag)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    int n = asm_assemble_string("t.s", src, img, f);
    fclose(f);
    if (diag)
        *diag = text;
    else
        free(text);
    return n;
}

/* Assemble SRC, which must have no errors. */
static struct tgm_image ok(const char *src)
{
    struct tgm_image img;
    char *diag;
    int n = assemble(src, &img, &diag);
    if (n != 0)
        print_error("unexpected errors:\n%s", diag);
    free(diag);
    assert_int_equal(n, 0);
    return img;
}

/* Assemble SRC, which must give exactly the one diagnostic WANT (all three
 * lines: location and message, the source line, the caret). */
static void err1(const char *src, const char *want)
{
    struct tgm_image img = {.load = 12345};
    char *diag;
    int n = assemble(src, &img, &diag);
    if (n != 1 || strcmp(diag, want) != 0)
        print_error("want:\n%s\ngot %d errors:\n%s", want, n, diag);
    assert_int_equal(n, 1);
    assert_string_equal(diag, want);
    assert_int_equal(img.load, 12345); /* untouched */
    free(diag);
}

static uint64_t word0(const char *src)
{
    struct tgm_image img = ok(src);
    assert_true(img.nwords >= 1);
    uint64_t w = img.words[0];
    image_free(&img);
    return w;
}

static uint64_t symval(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    if (!s)
        print_error("no symbol '%s'\n", name);
    assert_non_null(s);
    return s->value;
}

/* --- image fields ------------------------------------------------------ */

static void asm__empty_source_gives_empty_image_at_zero(void **state)
{
    (void)state;
    struct tgm_image img = ok("; nothing here\n\n");
    assert_int_equal(img.load, 0);
    assert_int_equal(img.nwords, 0);
    assert_int_equal(img.nsyms, 0);
    assert_true(img.entry_psw == DEFAULT_PSW(0));
    image_free(&img);
}

static void asm__org_alone_gives_empty_image_where_assembly_ends(void **state)
{
    (void)state;
    struct tgm_image img = ok(".org 0x80000\nend:\n");
    assert_int_equal(img.load, Q);
    assert_int_equal(img.nwords, 0);
    assert_true(symval(&img, "end") == Q);
    /* the entry P is the load address mod 2^19, as docs/asm.md says */
    assert_int_equal(psw_unpack(img.entry_psw).p, 0);
    image_free(&img);
    img = ok(".org 0x100\n");
    assert_int_equal(psw_unpack(img.entry_psw).p, 0x100);
    image_free(&img);
}

static void asm__load_is_lowest_address_and_gaps_are_zero(void **state)
{
    (void)state;
    struct tgm_image img = ok(".org 0x20\n.word 7\n.org 0x10\n.word 5\n.org 0x13\n.word 6\n");
    assert_int_equal(img.load, 0x10);
    assert_int_equal(img.nwords, 0x11);
    assert_true(img.words[0] == 5 && img.words[1] == 0 && img.words[3] == 6 &&
                img.words[0x10] == 7);
    assert_true(img.entry_psw == DEFAULT_PSW(0x10));
    image_free(&img);
}

static void asm__entry_sets_p_and_entrypsw_the_whole_word(void **state)
{
    (void)state;
    struct tgm_image img = ok(".entry go\n.word 0\ngo: HALT\n");
    assert_true(img.entry_psw == DEFAULT_PSW(1));
    image_free(&img);
    img = ok(".entrypsw pswi(USER, 3, 0x100, 0x200)\nHALT\n");
    assert_true(img.entry_psw ==
                psw_pack(&(struct psw){.ie = true, .p = 3, .l = 0x100, .b = 0x200}));
    image_free(&img);
}

static void asm__top_of_memory_is_usable(void **state)
{
    (void)state;
    struct tgm_image img = ok(".org 0x7fffe\na: .word 1, 2\nb:\n");
    assert_int_equal(img.load, 0x7fffe);
    assert_int_equal(img.nwords, 2);
    assert_true(symval(&img, "b") == Q);
    image_free(&img);
}

static void asm__symbols_are_user_ones_sorted_by_value_then_name(void **state)
{
    (void)state;
    struct tgm_image img = ok("zed = 1\nb: a: HALT\nbig = -1\n.word SUP, USER\n");
    assert_int_equal(img.nsyms, 4);
    const char *names[] = {"a", "b", "zed", "big"};
    const uint64_t values[] = {0, 0, 1, UINT64_MAX};
    for (int i = 0; i < 4; i++) {
        assert_string_equal(img.syms[i].name, names[i]);
        assert_true(img.syms[i].value == values[i]);
    }
    image_free(&img);
}

/* --- instructions ------------------------------------------------------ */

struct enc {
    const char *src;
    uint64_t word;
};

static void asm__every_format_encodes_its_fields(void **state)
{
    (void)state;
    static const struct enc v[] = {
        {"NOP", MAKE_INSN(OP_NOP, 0, 0, 0)},
        {"JMPI 5", MAKE_INSN(OP_JMPI, 5, 0, 0)},
        {"MOV 1, 2", MAKE_INSN(OP_MOV, 1, 2, 0)},
        {"ADD 1, 2, 3", MAKE_INSN(OP_ADD, 1, 2, 3)},
        {"ADDI 1, 2, -1", MAKE_INSN(OP_ADDI, 1, 2, -1)},
        {"LI 7, -137438953472", MAKE_INSN_L(OP_LI, 7, ISA_IMM38_MIN)},
        {"LI 7, 137438953471", MAKE_INSN_L(OP_LI, 7, ISA_IMM38_MAX)},
        {"JMP 0x7ffff", MAKE_INSN(OP_JMP, 0x7ffff, 0, 0)},
        {"JAL 1, 9", MAKE_INSN(OP_JAL, 1, 9, 0)},
        {"BEQ 1, 2, 3", MAKE_INSN(OP_BEQ, 1, 2, 3)},
        {"SVC 42", MAKE_INSN(OP_SVC, 42, 0, 0)},
        {"LDX 1, 100, 3", MAKE_INSN(OP_LDX, 1, 100, 3)},
        {"STX 100, 2, 3", MAKE_INSN(OP_STX, 100, 2, 3)},
        {"JMPX 100, 2", MAKE_INSN(OP_JMPX, 100, 2, 0)},
        {"LRA 1, 0x40", MAKE_INSN(OP_LRA, 1, 0x40, 0)},
        {"ADDI 0, 0, 262143", MAKE_INSN(OP_ADDI, 0, 0, ISA_IMM_MAX)},
        {"ADDI 0, 0, -262144", MAKE_INSN(OP_ADDI, 0, 0, ISA_IMM_MIN)},
    };
    bool seen[FMT_COUNT] = {0};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        uint64_t w = word0(v[i].src);
        if (w != v[i].word)
            print_error("%s: got %016llx want %016llx\n", v[i].src, (unsigned long long)w,
                        (unsigned long long)v[i].word);
        assert_true(w == v[i].word);
        assert_true(isa_decode(w).ok);
        seen[isa_decode(w).info->format] = true;
    }
    for (int f = 0; f < FMT_COUNT; f++)
        assert_true(seen[f]);
}

static void asm__every_mnemonic_assembles_from_the_table(void **state)
{
    (void)state;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct insn_info *in = &isa_table[op];
        if (!in->name)
            continue;
        const uint8_t *k = isa_format_kinds[in->format];
        char src[64];
        int n = snprintf(src, sizeof src, "%s", in->name);
        for (int f = 0, i = 0; f < 3; f++)
            if (k[f] != OK_NONE)
                n += snprintf(src + n, sizeof src - (size_t)n, "%s%d", i++ ? ", " : " ", f + 1);
        uint64_t w = word0(src);
        assert_int_equal(GET_OP(w), op);
        assert_true(isa_decode(w).ok);
    }
}

static void asm__mnemonics_ignore_case_symbols_do_not(void **state)
{
    (void)state;
    struct tgm_image img = ok("x: add X, x, X\nX: halt\n.WORD psw(1, 0, 0, 0)\n");
    assert_true(img.words[0] == MAKE_INSN(OP_ADD, 1, 0, 1));
    assert_true(img.words[1] == MAKE_INSN(OP_HALT, 0, 0, 0));
    assert_true(img.words[2] == psw_pack(&(struct psw){.sup = true}));
    image_free(&img);
}

static void asm__labels_may_be_used_before_they_are_defined(void **state)
{
    (void)state;
    struct tgm_image img = ok("  JMP end\n  BZ n, end\nn: .word 3\nend: HALT\n");
    assert_true(img.words[0] == MAKE_INSN(OP_JMP, 3, 0, 0));
    assert_true(img.words[1] == MAKE_INSN(OP_BZ, 2, 3, 0));
    image_free(&img);
}

static void asm__labels_named_like_mnemonics_and_directives(void **state)
{
    (void)state;
    struct tgm_image img = ok("ADD: .org: .word 1\nHALT: JMP ADD\n.word = 9\n"
                              "psw = psw(1, 0, 0, 0)\n.equ ., 5\n.word .word, psw\n");
    assert_true(img.words[1] == MAKE_INSN(OP_JMP, 0, 0, 0));
    assert_true(img.words[2] == 9 && img.words[3] == psw_pack(&(struct psw){.sup = true}));
    assert_true(symval(&img, ".word") == 9 && symval(&img, ".org") == 0);
    assert_true(symval(&img, ".") == 5);
    assert_true(symval(&img, "psw") == psw_pack(&(struct psw){.sup = true}));
    image_free(&img);
    err1("MOV 0, psw\n", "t.s:1:8: error: undefined symbol 'psw'\nMOV 0, psw\n       ^~~\n");
}

/* --- expressions ------------------------------------------------------- */

static void asm__expressions_follow_the_documented_precedence(void **state)
{
    (void)state;
    static const struct enc v[] = {
        {"1 + 2 * 3", 7},        {"(1 + 2) * 3", 9},     {"1 | 2 ^ 3 & 1", 3},
        {"1 << 4 | 1", 17},      {"-1 >> 1", UINT64_MAX}, {"~0", UINT64_MAX},
        {"7 % 3", 1},            {"-7 / 2", (uint64_t)-3}, {"-7 % 2", (uint64_t)-1},
        {"1 << 64", 0},          {"-8 >> 70", UINT64_MAX}, {"+-+5", (uint64_t)-5},
        {"2 - 3 - 4", (uint64_t)-5}, {"0x8000000000000000 / -1", UINT64_C(1) << 63},
        {"10 - 2 << 1", 16},     {"6 & 3 + 1", 4},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char src[80];
        snprintf(src, sizeof src, ".word %s", v[i].src);
        uint64_t w = word0(src);
        if (w != v[i].word)
            print_error("%s = %llu\n", v[i].src, (unsigned long long)w);
        assert_true(w == v[i].word);
    }
}

static void asm__numbers_and_character_literals(void **state)
{
    (void)state;
    struct tgm_image img = ok(".word 42, 0x2A, 0X2a, 0b101010, 0o52, 007, 18446744073709551615\n"
                              ".word 'a', '\\n', '\\t', '\\0', '\\\\', '\\'', '\\\"', '\\x41', ';'\n");
    const uint64_t want[] = {42, 42, 42, 42, 42, 7, UINT64_MAX, 'a', '\n', '\t', 0, '\\', '\'',
                             '"', 'A', ';'};
    assert_int_equal(img.nwords, 16);
    for (int i = 0; i < 16; i++)
        assert_true(img.words[i] == want[i]);
    image_free(&img);
}

/* docs/asm.md: a line in error keeps the words it will surely hold, an
 * instruction one and a .word one per expression, also when a token of it
 * cannot be read: the labels after it stay put and raise no false errors.
 * A bad number took the instruction's word away, so 'b' moved and its
 * uses failed ("division by zero" where the source is right). */
static void asm__a_bad_token_keeps_the_lines_words(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        unsigned words;
    } cases[] = {
        {"ADD 0x1g, 0, 0", 1}, {"LI 0, 'ab'", 1},          {"ADD 1, 2 @", 1},
        {"FROB 0x1g", 1},      {".word 0x1g, ',', 3", 3}, {".word 1 +", 1},
        {".word 1, 2 3", 2},   {".word nofn(1), 2", 2},    {".WORD 0b2, (1, 2), 3", 3},
        {".word ';', 0x1g ; a, comment", 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char src[256];
        snprintf(src, sizeof src, "a: %s\nb: ADD b - %u, %u - b, 0\n", cases[k].line,
                 cases[k].words, cases[k].words);
        struct tgm_image img;
        char *diag;
        int n = assemble(src, &img, &diag);
        if (n != 1 || strncmp(diag, "t.s:1:", 6) != 0)
            fail_msg("'%s': %d errors, want the one of line 1:\n%s", cases[k].line, n, diag);
        free(diag);
    }
}

static void asm__dot_is_the_address_of_the_statement(void **state)
{
    (void)state;
    struct tgm_image img = ok(".org 0x40\nhere = .\n.word ., . + 1\nJMP .\n");
    assert_true(symval(&img, "here") == 0x40);
    assert_true(img.words[0] == 0x40 && img.words[1] == 0x41);
    assert_true(img.words[2] == MAKE_INSN(OP_JMP, 0x42, 0, 0));
    image_free(&img);
}

static void asm__builtins_build_psw_and_r_words(void **state)
{
    (void)state;
    struct tgm_image img = ok(".word psw(SUP, 5, 0x100, 0x80000), pswi(USER, 1, 2, 3), rb(7, 9)\n"
                              ".word PSW(1, 0, 0, 0)\n");
    assert_true(img.words[0] ==
                psw_pack(&(struct psw){.sup = true, .p = 5, .l = 0x100, .b = 0x80000}));
    assert_true(img.words[1] == psw_pack(&(struct psw){.ie = true, .p = 1, .l = 2, .b = 3}));
    assert_true(img.words[2] == r_pack(7, 9));
    assert_true(img.words[3] == psw_pack(&(struct psw){.sup = true}));
    image_free(&img);
}

static void asm__sup_and_user_are_predefined_but_may_be_shadowed(void **state)
{
    (void)state;
    struct tgm_image img = ok(".word SUP, USER\n");
    assert_true(img.words[0] == 1 && img.words[1] == 0);
    assert_int_equal(img.nsyms, 0);
    image_free(&img);
    img = ok(".word SUP\nSUP = 7\n");
    assert_true(img.words[0] == 7);
    assert_int_equal(img.nsyms, 1);
    assert_true(symval(&img, "SUP") == 7);
    image_free(&img);
}

static void asm__constants_with_equals_and_equ(void **state)
{
    (void)state;
    struct tgm_image img = ok("n = m * 2\n.equ m, 21\nsize = end - start\nstart: .space 3\nend:\n"
                              ".word n, size\n");
    assert_true(symval(&img, "n") == 42 && symval(&img, "m") == 21);
    assert_true(symval(&img, "size") == 3);
    assert_int_equal(img.nwords, 5);
    assert_true(img.words[3] == 42 && img.words[4] == 3);
    image_free(&img);
}

static void asm__data_directives(void **state)
{
    (void)state;
    struct tgm_image img = ok("a: .ascii \"hi\"\nb: .asciz \"\\t\\\"\"\nc: .space 2\nd: .word -1\n"
                              ".ascii \"\"\n");
    const uint64_t want[] = {'h', 'i', '\t', '"', 0, 0, 0, UINT64_MAX};
    assert_int_equal(img.nwords, 8);
    for (int i = 0; i < 8; i++)
        assert_true(img.words[i] == want[i]);
    assert_true(symval(&img, "b") == 2 && symval(&img, "c") == 5 && symval(&img, "d") == 7);
    image_free(&img);
}

static void asm__comments_blank_lines_tabs_and_crlf(void **state)
{
    (void)state;
    struct tgm_image img = ok("; header\r\n\r\n\tHALT\t; stop ; here\r\nx:\t.word ';'  ; semi\r\n");
    assert_int_equal(img.nwords, 2);
    assert_true(img.words[1] == ';');
    image_free(&img);
}

/* The example in docs/asm.md assembles, and sums its table on the machine. */
static void asm__docs_example_runs_on_the_machine(void **state)
{
    (void)state;
    FILE *f = fopen("docs/asm.md", "r");
    assert_non_null(f);
    static char doc[1 << 16]; /* the whole page: the example is far into it */
    size_t n = fread(doc, 1, sizeof doc - 1, f);
    fclose(f);
    assert_true(n < sizeof doc - 1); /* read whole */
    doc[n] = '\0';
    char *start = strstr(doc, "## Example\n\n```\n");
    assert_non_null(start);
    start += strlen("## Example\n\n```\n");
    char *end = strstr(start, "```");
    assert_non_null(end);
    *end = '\0';
    struct tgm_image img = ok(start);
    struct machine *m = machine_create(&(struct machine_config){.q = 256});
    assert_non_null(m);
    assert_int_equal(image_load(m, &img, NULL, 0), 0);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, 1000, &ex), EXIT_HALT);
    uint64_t total = 0;
    assert_int_equal(machine_read_phys(m, symval(&img, "total"), &total), 0);
    assert_true(total == 100);
    machine_destroy(m);
    image_free(&img);
}

/* --- errors ------------------------------------------------------------ */

static void asm__unknown_mnemonic_suggests_closest(void **state)
{
    (void)state;
    err1("\tLPWS  psw0\n", "t.s:1:9: error: unknown mnemonic 'LPWS' (did you mean 'LPSW'?)\n"
                          "        LPWS  psw0\n        ^~~~\n");
    err1("loop ADD 1, 2, 3\n", "t.s:1:1: error: unknown mnemonic 'loop' (a label needs a ':' after "
                              "it)\nloop ADD 1, 2, 3\n^~~~\n");
    err1("frobnicate 1\n", "t.s:1:1: error: unknown mnemonic 'frobnicate'\nfrobnicate 1\n^~~~~~~~~~\n");
    assert_string_equal(asm_suggest_mnemonic("LPWS"), "LPSW");
    assert_string_equal(asm_suggest_mnemonic("addd"), "ADD");
    assert_string_equal(asm_suggest_mnemonic("HLT"), "HALT");
    assert_null(asm_suggest_mnemonic("xyzzy"));
    assert_null(asm_suggest_mnemonic("Q"));
}

static void asm__wrong_operand_count(void **state)
{
    (void)state;
    err1("  ADD 1, 2\n", "t.s:1:3: error: 'ADD' takes 3 operands (address, address, address), got 2\n"
                        "  ADD 1, 2\n  ^~~\n");
    err1("JMP 1, 2, 3\n", "t.s:1:8: error: 'JMP' takes 1 operand (target), got 3\n"
                         "JMP 1, 2, 3\n       ^~~~\n");
    err1("HALT 0\n", "t.s:1:6: error: 'HALT' takes no operands, got 1\nHALT 0\n     ^\n");
}

static void asm__operand_out_of_range_for_its_kind(void **state)
{
    (void)state;
    err1("MOV -1, 0\n", "t.s:1:5: error: operand 1 of MOV: address -1 is out of range 0..524287\n"
                       "MOV -1, 0\n    ^~\n");
    err1("JMP 0x80000\n", "t.s:1:5: error: operand 1 of JMP: target 524288 is out of range "
                         "0..524287\nJMP 0x80000\n    ^~~~~~~\n");
    err1("SVC 1 << 20\n", "t.s:1:5: error: operand 1 of SVC: number 1048576 is out of range "
                         "0..524287\nSVC 1 << 20\n    ^~~~~~~\n");
    err1("ADDI 0, 0, 262144\n", "t.s:1:12: error: operand 3 of ADDI: imm 262144 is out of range "
                               "-262144..262143\nADDI 0, 0, 262144\n           ^~~~~~\n");
    err1("LI 0, -(1 << 37) - 1\n", "t.s:1:7: error: operand 2 of LI: imm38 -137438953473 is out "
                                  "of range -137438953472..137438953471\n"
                                  "LI 0, -(1 << 37) - 1\n      ^~~~~~~~~~~~~~\n");
    err1(".word psw(2, 0, 0, 0)\n", "t.s:1:11: error: psw: m = 2 is out of range 0..1\n"
                                   ".word psw(2, 0, 0, 0)\n          ^\n");
}

static void asm__undefined_symbol(void **state)
{
    (void)state;
    err1("loop: JMP lopp\n", "t.s:1:11: error: undefined symbol 'lopp' (did you mean 'loop'?)\n"
                            "loop: JMP lopp\n          ^~~~\n");
    err1("x = y + 1\n.word x\n", "t.s:1:5: error: undefined symbol 'y'\nx = y + 1\n    ^\n");
}

static void asm__duplicate_symbol(void **state)
{
    (void)state;
    err1("a: HALT\n a = 3\n", "t.s:2:2: error: duplicate symbol 'a' (first defined at t.s:1)\n"
                             " a = 3\n ^\n");
}

static void asm__bad_numbers(void **state)
{
    (void)state;
    err1(".word 12ab\n", "t.s:1:7: error: bad number '12ab'\n.word 12ab\n      ^~~~\n");
    err1(".word 0x\n", "t.s:1:7: error: bad hexadecimal number '0x' (no digits)\n.word 0x\n      ^~\n");
    err1(".word 0b102\n", "t.s:1:7: error: bad binary number '0b102'\n.word 0b102\n      ^~~~~\n");
    err1(".word 18446744073709551616\n",
         "t.s:1:7: error: number '18446744073709551616' does not fit in 64 bits\n"
         ".word 18446744073709551616\n      ^~~~~~~~~~~~~~~~~~~~\n");
}

static void asm__bad_character_and_string_literals(void **state)
{
    (void)state;
    err1(".word ''\n", "t.s:1:7: error: empty character literal\n.word ''\n      ^~\n");
    err1(".word 'ab'\n", "t.s:1:7: error: character literal must hold one byte\n"
                        ".word 'ab'\n      ^~~~\n");
    err1(".word 'a\n", "t.s:1:7: error: unterminated character literal\n.word 'a\n      ^~\n");
    err1(".word '\\q'\n", "t.s:1:8: error: unknown escape '\\q' (use \\n \\t \\r \\0 \\\\ \\' \\\" "
                         "or \\xHH)\n.word '\\q'\n       ^~\n");
    err1(".ascii \"a\\zb\"\n", "t.s:1:10: error: unknown escape '\\z' (use \\n \\t \\r \\0 \\\\ \\' "
                              "\\\" or \\xHH)\n.ascii \"a\\zb\"\n         ^~\n");
    /* a string where a value goes says what does take one */
    err1(".word \"s\"\n", "t.s:1:7: error: expected an expression, got '\"s\"' (a string is no "
                         "value: a character literal such as 'a' is; .ascii puts a string's "
                         "bytes, one per word)\n.word \"s\"\n      ^~~\n");
}

static void asm__unterminated_string(void **state)
{
    (void)state;
    err1(".ascii \"abc ; no end\n", "t.s:1:8: error: unterminated string\n"
                                   ".ascii \"abc ; no end\n       ^~~~~~~~~~~~~\n");
}

static void asm__unknown_directive(void **state)
{
    (void)state;
    err1(" .wrod 1\n", "t.s:1:2: error: unknown directive '.wrod' (did you mean '.word'?)\n"
                      " .wrod 1\n ^~~~~\n");
    err1(".frobnicate\n", "t.s:1:1: error: unknown directive '.frobnicate'\n.frobnicate\n^~~~~~~~~~~\n");
}

static void asm__overlapping_emission(void **state)
{
    (void)state;
    err1(".space 4\n.org 2\n.word 1\n", "t.s:3:1: error: address 0x00002 already holds a word "
                                       "from t.s:1\n.word 1\n^~~~~\n");
    /* every statement that emits over an earlier word has its error, even
     * when a later, wider one covers both: here line 4 over line 2, then
     * line 6 over both (it names the lowest address, and its first writer) */
    struct tgm_image img;
    char *diag;
    assert_int_equal(assemble(".org 5\n.word 1\n.org 4\n.word 1, 2\n.org 0\n.space 10\n", &img,
                              &diag), 2);
    assert_string_equal(diag, "t.s:4:1: error: address 0x00005 already holds a word from t.s:2\n"
                              ".word 1, 2\n^~~~~\n"
                              "t.s:6:1: error: address 0x00004 already holds a word from t.s:4\n"
                              ".space 10\n^~~~~~\n");
    free(diag);
    assert_int_equal(assemble(".org 3\n.word 1\n.org 1\n.word 1\n.org 0\n.word 1, 2, 3, 4\n"
                              ".org 3\n.word 9\n", &img, &diag), 2);
    assert_non_null(strstr(diag, "t.s:6:1: error: address 0x00001 already holds a word from t.s:4\n"));
    assert_non_null(strstr(diag, "t.s:8:1: error: address 0x00003 already holds a word from t.s:2\n"));
    free(diag);
}

static void asm__division_by_zero(void **state)
{
    (void)state;
    err1(".word 1 % (2 - 2)\n", "t.s:1:9: error: division by zero\n.word 1 % (2 - 2)\n        ^\n");
}

static void asm__expression_syntax_errors(void **state)
{
    (void)state;
    err1(".word (1 + 2\n", "t.s:1:13: error: expected ')'\n.word (1 + 2\n            ^\n");
    err1(".word 1 +\n", "t.s:1:10: error: expected an expression\n.word 1 +\n         ^\n");
    err1(".word 1 2\n", "t.s:1:9: error: expected ',' or end of line, got '2'\n.word 1 2\n        ^\n");
    err1(".word foo(1)\n", "t.s:1:7: error: unknown function 'foo' (the built-ins are psw, pswi "
                          "and rb)\n.word foo(1)\n      ^~~\n");
    err1(".word rb(1)\n", "t.s:1:7: error: rb takes 2 arguments (l, b), got 1\n"
                         ".word rb(1)\n      ^~~~~\n");
    err1("  @\n", "t.s:1:3: error: unexpected character '@'\n  @\n  ^\n");
    err1("5\n", "t.s:1:1: error: expected a label, instruction or directive, got '5'\n5\n^\n");
}

static void asm__label_name_too_long(void **state)
{
    (void)state;
    char src[200], want[600];
    char name[65];
    memset(name, 'n', 64);
    name[64] = '\0';
    snprintf(src, sizeof src, "%s: HALT\n", name);
    snprintf(want, sizeof want, "t.s:1:1: error: symbol name is too long (64 characters; at most "
                                "63)\n%s: HALT\n^%.*s\n", name, 63,
             "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~");
    err1(src, want);
    name[63] = '\0'; /* exactly 63 is fine */
    snprintf(src, sizeof src, "%s: HALT\n", name);
    struct tgm_image img = ok(src);
    assert_true(symval(&img, name) == 0);
    image_free(&img);
}

/* '.entry -1' was refused and still counted as the entry point, so a later
 * '.entrypsw' said "already set" too: one mistake, two errors.  Only an
 * accepted entry point counts; two accepted ones are still refused. */
static void asm__a_refused_entry_point_is_not_set(void **state)
{
    (void)state;
    err1(".entry -1\n.entrypsw 0\n", "t.s:1:8: error: '.entry' address -1 is outside memory "
                                     "(0..0x7ffff)\n.entry -1\n       ^~\n");
    err1(".entry x\n.entry 0\nx = 0x80000\n", "t.s:1:8: error: '.entry' address 0x80000 is "
                                             "outside memory (0..0x7ffff)\n.entry x\n       ^\n");
    err1(".entry nosuch\n.entrypsw 0\n",
         "t.s:1:8: error: undefined symbol 'nosuch'\n.entry nosuch\n       ^~~~~~\n");
    err1(".entrypsw 1 << 58\n.entry 3\n", "t.s:1:11: error: entry PSW 0x0400000000000000 has "
                                        "cause bits set (bits 58..61 must be 0)\n"
                                        ".entrypsw 1 << 58\n          ^~~~~~~\n");
    err1(".entry 3\n.entrypsw 0\n", "t.s:2:1: error: the entry point is already set at t.s:1\n"
                                  ".entrypsw 0\n^~~~~~~~~\n");
    /* the one accepted is the image's */
    struct tgm_image img = ok(".entry 3\n.word 0\n");
    assert_int_equal(img.entry_psw, DEFAULT_PSW(3));
    image_free(&img);
}

static void asm__directive_misuse(void **state)
{
    (void)state;
    err1(".org end\n.word 1\nend:\n", "t.s:1:6: error: '.org' needs a value known here, but 'end' "
                                     "is not defined above it\n.org end\n     ^~~\n");
    err1(".entry 0\n.entry 1\n", "t.s:2:1: error: the entry point is already set at t.s:1\n"
                                ".entry 1\n^~~~~~\n");
    err1(".entrypsw 1 << 58\n", "t.s:1:11: error: entry PSW 0x0400000000000000 has cause bits set "
                               "(bits 58..61 must be 0)\n.entrypsw 1 << 58\n          ^~~~~~~\n");
    err1(". = 5\n", "t.s:1:1: error: '. = expr' does not move the current address; use '.org "
                   "expr'\n. = 5\n^\n");
    err1(".: HALT\n", "t.s:1:1: error: '.' is the current address; it cannot be a label\n"
                     ".: HALT\n^\n");
    err1(".space SUP\nSUP = 2\n", "t.s:2:1: error: 'SUP' is redefined after its predefined value "
                                 "was used at t.s:1\nSUP = 2\n^~~\n");
    err1("a = b\nb = a + 1\n.word a\n", "t.s:2:5: error: 'a' is defined in terms of itself\n"
                                       "b = a + 1\n    ^\n");
    err1(".org 0x7ffff\n.word 1, 2\n", "t.s:2:1: error: 2 words at 0x7ffff would run past the "
                                      "end of memory (0x7ffff is the last address)\n"
                                      ".word 1, 2\n^~~~~\n");
    err1(".ascii 5\n", "t.s:1:8: error: expected a string, got '5'\n.ascii 5\n       ^\n");
}

/* .phase: words go where assembly is, '.' and labels are the run address. */
static void asm__phase_gives_labels_their_run_address(void **state)
{
    (void)state;
    struct tgm_image img = ok(".org 0x100\nstart: JMP start\n  .phase 0x10\nprog: .word .\n"
                              "k = .\n  .space 2\nloop: JMP loop\n  .dephase\nafter: .word ., "
                              "prog, loop\n");
    assert_int_equal(img.load, 0x100);
    assert_int_equal(img.nwords, 8);
    const uint64_t want[] = {MAKE_INSN(OP_JMP, 0x100, 0, 0), 0x10, 0, 0,
                             MAKE_INSN(OP_JMP, 0x13, 0, 0), 0x105, 0x10, 0x13};
    for (unsigned i = 0; i < 8; i++)
        assert_true(img.words[i] == want[i]);
    assert_true(symval(&img, "prog") == 0x10 && symval(&img, "k") == 0x11);
    assert_true(symval(&img, "loop") == 0x13 && symval(&img, "after") == 0x105);
    image_free(&img);
}

static void asm__phase_misuse(void **state)
{
    (void)state;
    err1(".phase 0\n.phase 1\n.dephase\n", "t.s:2:1: error: '.phase' inside the '.phase' at "
                                            "t.s:1 (end it with '.dephase' first)\n.phase 1\n"
                                            "^~~~~~\n");
    err1(".phase 0\n  .org 3\n.dephase\n", "t.s:2:3: error: '.org' inside the '.phase' at t.s:1 "
                                            "(end it with '.dephase' first)\n  .org 3\n  ^~~~\n");
    err1("HALT\n .dephase\n", "t.s:2:2: error: '.dephase' without '.phase'\n .dephase\n ^~~~~~~~\n");
    err1("HALT\n  .phase 4\nHALT\n", "t.s:2:3: error: '.phase' has no '.dephase' before the end "
                                     "of the file\n  .phase 4\n  ^~~~~~\n");
    err1(".phase 0\n.dephase 1\n", "t.s:2:10: error: expected end of line, got '1'\n"
                                   ".dephase 1\n         ^\n");
    err1(".phase x\nx:\n.dephase\n", "t.s:1:8: error: '.phase' needs a value known here, but "
                                     "'x' is not defined above it\n.phase x\n       ^\n");
    err1(".phase 0x80001\n.dephase\n", "t.s:1:8: error: '.phase' address 0x80001 is outside "
                                       "memory (0..0x80000)\n.phase 0x80001\n       ^~~~~~~\n");
}

static void asm__every_error_in_a_file_is_reported_in_order(void **state)
{
    (void)state;
    struct tgm_image img = {.nwords = 77};
    char *diag;
    int n = assemble("x: ADDD 1, 2, 3\n  JMP nowhere\n  HALT\nx: .word 1\n  .bogus\n"
                     "  .word 1/0\n",
                     &img, &diag);
    assert_int_equal(n, 5);
    const char *want[] = {"t.s:1:4: error: unknown mnemonic 'ADDD'",
                          "t.s:2:7: error: undefined symbol 'nowhere'",
                          "t.s:4:1: error: duplicate symbol 'x'",
                          "t.s:5:3: error: unknown directive '.bogus'",
                          "t.s:6:10: error: division by zero"};
    const char *p = diag;
    for (int i = 0; i < 5; i++) {
        p = strstr(p, want[i]);
        if (!p)
            print_error("missing or out of order: %s\nin:\n%s", want[i], diag);
        assert_non_null(p);
    }
    assert_int_equal(img.nwords, 77);
    free(diag);
}

/* docs/asm.md: a line wider than 160 columns shows 160 of them around the
 * caret.  An error near the end showed only the 80 columns before it. */
static void asm__a_wide_line_shows_160_columns_even_at_its_end(void **state)
{
    (void)state;
    char src[512] = "x = ";
    for (int i = 0; i < 200; i++)
        strcat(src, "1+");
    strcat(src, "zz\n"); /* 404 columns; 'zz' at column 405 */
    struct tgm_image img;
    char *diag;
    assert_int_equal(assemble(src, &img, &diag), 1);
    char want[1024];
    size_t len = strlen(src) - 1;
    snprintf(want, sizeof want, "t.s:1:405: error: undefined symbol 'zz'\n...%.*s\n%*s^~\n",
             160, src + len - 160, 3 + 158, "");
    assert_string_equal(diag, want);
    free(diag);
}

/* docs/asm.md: more than 1000 levels is an error, "each parenthesis, unary
 * operator and constant evaluated inside another counts" (999 parentheses
 * are fine); a constant counted two, so 500 constants each defined by the
 * next were too deep.  999 are fine now, 1000 are not. */
static void asm__a_constant_is_one_level_deep(void **state)
{
    (void)state;
    for (int n = 500; n <= 1000; n += n == 500 ? 499 : 1) {
        char *src = NULL, *diag;
        size_t len = 0;
        FILE *f = open_memstream(&src, &len);
        assert_non_null(f);
        fprintf(f, ".word K0\n");
        for (int i = 0; i + 1 < n; i++)
            fprintf(f, "K%d = K%d\n", i, i + 1);
        fprintf(f, "K%d = 7\n", n - 1);
        fclose(f);
        struct tgm_image img;
        int errors = assemble(src, &img, &diag);
        if (n < 1000 && (errors || img.words[0] != 7))
            fail_msg("%d constants deep: %d errors\n%s", n, errors, diag);
        if (n == 1000 && (errors != 1 || !strstr(diag, "constants nested too deeply (more "
                                                       "than 1000 levels)")))
            fail_msg("1000 constants deep: %d errors\n%s", errors, diag);
        if (!errors)
            image_free(&img);
        free(src);
        free(diag);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__empty_source_gives_empty_image_at_zero),
        cmocka_unit_test(asm__org_alone_gives_empty_image_where_assembly_ends),
        cmocka_unit_test(asm__load_is_lowest_address_and_gaps_are_zero),
        cmocka_unit_test(asm__entry_sets_p_and_entrypsw_the_whole_word),
        cmocka_unit_test(asm__top_of_memory_is_usable),
        cmocka_unit_test(asm__symbols_are_user_ones_sorted_by_value_then_name),
        cmocka_unit_test(asm__every_format_encodes_its_fields),
        cmocka_unit_test(asm__every_mnemonic_assembles_from_the_table),
        cmocka_unit_test(asm__mnemonics_ignore_case_symbols_do_not),
        cmocka_unit_test(asm__labels_may_be_used_before_they_are_defined),
        cmocka_unit_test(asm__labels_named_like_mnemonics_and_directives),
        cmocka_unit_test(asm__expressions_follow_the_documented_precedence),
        cmocka_unit_test(asm__numbers_and_character_literals),
        cmocka_unit_test(asm__dot_is_the_address_of_the_statement),
        cmocka_unit_test(asm__a_bad_token_keeps_the_lines_words),
        cmocka_unit_test(asm__builtins_build_psw_and_r_words),
        cmocka_unit_test(asm__sup_and_user_are_predefined_but_may_be_shadowed),
        cmocka_unit_test(asm__constants_with_equals_and_equ),
        cmocka_unit_test(asm__data_directives),
        cmocka_unit_test(asm__comments_blank_lines_tabs_and_crlf),
        cmocka_unit_test(asm__docs_example_runs_on_the_machine),
        cmocka_unit_test(asm__unknown_mnemonic_suggests_closest),
        cmocka_unit_test(asm__wrong_operand_count),
        cmocka_unit_test(asm__operand_out_of_range_for_its_kind),
        cmocka_unit_test(asm__undefined_symbol),
        cmocka_unit_test(asm__duplicate_symbol),
        cmocka_unit_test(asm__bad_numbers),
        cmocka_unit_test(asm__bad_character_and_string_literals),
        cmocka_unit_test(asm__unterminated_string),
        cmocka_unit_test(asm__unknown_directive),
        cmocka_unit_test(asm__overlapping_emission),
        cmocka_unit_test(asm__division_by_zero),
        cmocka_unit_test(asm__expression_syntax_errors),
        cmocka_unit_test(asm__label_name_too_long),
        cmocka_unit_test(asm__directive_misuse),
        cmocka_unit_test(asm__phase_gives_labels_their_run_address),
        cmocka_unit_test(asm__phase_misuse),
        cmocka_unit_test(asm__a_refused_entry_point_is_not_set),
        cmocka_unit_test(asm__every_error_in_a_file_is_reported_in_order),
        cmocka_unit_test(asm__a_wide_line_shows_160_columns_even_at_its_end),
        cmocka_unit_test(asm__a_constant_is_one_level_deep),
    };
    return cmocka_run_group_tests_name("asm", tests, NULL, NULL);
}
