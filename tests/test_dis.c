/* test_dis.c: the disassembler, and assemble(disassemble(image)) == image.
 *
 * An image is section 2's storage E from a load address plus the entry PSW
 * <M, P, R> and a symbol table.  The round trip must hold byte for byte for
 * every valid image: 1,000 generated ones (fixed seed, printed on failure),
 * the corner cases one by one, and every examples/ source present at run time.
 */
#include <glob.h>
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

#define SEED UINT64_C(0x74676d2d646973) /* "tgm-dis" */
#define NIMAGES 1000

/* --- the round trip ------------------------------------------------------ */

static char *disassemble(const struct tgm_image *img)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    assert_int_equal(dis_image(img, f), 0);
    fclose(f);
    return text;
}

/* Disassemble IMG, assemble the result, and compare the serialised images.
 * WHAT says which image it was, for the failure message. */
static void round_trip(const struct tgm_image *img, const char *what)
{
    uint8_t *want, *got = NULL;
    size_t want_len, got_len = 0;
    assert_int_equal(image_serialize(img, &want, &want_len), 0);
    char *src = disassemble(img);
    char *diag = NULL;
    size_t dlen = 0;
    FILE *df = open_memstream(&diag, &dlen);
    struct tgm_image back;
    int nerr = asm_assemble_string("roundtrip.s", src, &back, df);
    fclose(df);
    bool same = false;
    if (nerr == 0) {
        assert_int_equal(image_serialize(&back, &got, &got_len), 0);
        same = got_len == want_len && memcmp(got, want, want_len) == 0;
        image_free(&back);
    }
    if (!same)
        print_error("round trip failed for %s (%d errors)\n%s--- source:\n%s", what, nerr, diag,
                    src);
    assert_int_equal(nerr, 0);
    assert_true(same);
    free(want);
    free(got);
    free(src);
    free(diag);
}

/* --- generated images ---------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) /* xorshift64* */
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * UINT64_C(2685821657736338717);
}

static uint64_t below(uint64_t n)
{
    return n ? rnd() % n : 0;
}

/* Names that a careless disassembler would print as something else. */
static const char *const tricky_names[] = {
    "ADD", "add", "HALT", "lpsw", "JMP", ".org", ".word", ".entry", ".entrypsw",
    ".equ", ".include", ".ascii", ".space", "psw", "pswi", "rb", "PSW", "SUP", "USER",
    ".", "..", ".5", "_", "a$b", "x", "X", "_0", ".L1$", ".0x10", "a.b"
};
#define NTRICKY (sizeof tricky_names / sizeof tricky_names[0])

static void random_name(char *buf)
{
    static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.";
    static const char rest[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.0123456789$";
    size_t len = below(4) == 0 ? TGM_SYM_MAX : 1 + below(12);
    buf[0] = first[below(sizeof first - 1)];
    for (size_t i = 1; i < len; i++)
        buf[i] = rest[below(sizeof rest - 1)];
    buf[len] = '\0';
}

/* A word of every kind: valid instructions with random fields, the same
 * with a stray bit in an unused field, unassigned opcodes, raw noise. */
static uint64_t random_word(const struct tgm_image *img)
{
    unsigned op;
    do
        op = (unsigned)below(ISA_NOPS);
    while (!isa_table[op].name && below(8) != 0);
    uint64_t w = ((uint64_t)op << ISA_OP_SHIFT) | (rnd() & ((UINT64_C(1) << ISA_OP_SHIFT) - 1));
    switch (below(6)) {
    case 0:
        return rnd();
    case 1:
        return below(3) == 0 ? 0 : below(1000);
    case 2: /* invalid: an unused field made non-zero, if the format has one */
        if (isa_table[op].name) {
            uint64_t mbz = isa_mbz_mask(isa_table[op].format);
            w &= ~mbz;
            if (mbz)
                w |= UINT64_C(1) << __builtin_ctzll(mbz) << below(19);
        }
        return w;
    default:
        if (!isa_table[op].name)
            return w;
        w &= ~isa_mbz_mask(isa_table[op].format);
        /* point some fields at symbols so that operands print by name */
        if (img->nsyms && below(2)) {
            uint64_t v = img->syms[below(img->nsyms)].value & ISA_FIELD;
            int shift = (int)below(3) * 19;
            w = (w & ~(ISA_FIELD << shift)) | (v << shift);
            w &= ~isa_mbz_mask(isa_table[op].format);
        }
        return w;
    }
}

static uint64_t random_value(const struct tgm_image *img, uint64_t prev)
{
    switch (below(8)) {
    case 0: return UINT64_MAX;
    case 1: return rnd();
    case 2: return prev; /* several names for one value */
    case 3: return TGM_Q_MAX;
    case 4: return (uint64_t)img->load + img->nwords; /* just past the end */
    case 5: return below(TGM_Q_MAX);
    default: return img->nwords ? img->load + below(img->nwords) : img->load;
    }
}

static bool have_name(const struct tgm_image *img, uint32_t n, const char *name)
{
    for (uint32_t i = 0; i < n; i++)
        if (strcmp(img->syms[i].name, name) == 0)
            return true;
    return false;
}

static void random_image(struct tgm_image *img, unsigned index)
{
    memset(img, 0, sizeof *img);
    img->nwords = (uint32_t)(index % 10 == 0 ? 0 : below(3) == 0 ? below(4) : below(60));
    switch (below(4)) {
    case 0: img->load = 0; break;
    case 1: img->load = TGM_Q_MAX - img->nwords; break; /* top of memory */
    default: img->load = (uint32_t)below(TGM_Q_MAX - img->nwords + 1); break;
    }
    img->entry_psw = rnd() & ~((uint64_t)0xF << PSW_CAUSE_SHIFT);
    img->nsyms = (uint32_t)below(10);
    img->syms = calloc(img->nsyms ? img->nsyms : 1, sizeof *img->syms);
    uint64_t prev = 0;
    for (uint32_t i = 0; i < img->nsyms; i++) {
        char name[TGM_SYM_MAX + 1];
        do {
            if (below(2))
                snprintf(name, sizeof name, "%s", tricky_names[below(NTRICKY)]);
            else
                random_name(name);
        } while (have_name(img, i, name));
        img->syms[i].name = strdup(name);
        img->syms[i].value = prev = random_value(img, prev);
    }
    image_sort_symbols(img);
    img->words = malloc((img->nwords ? img->nwords : 1) * sizeof *img->words);
    for (uint32_t i = 0; i < img->nwords; i++)
        img->words[i] = random_word(img);
}

static void dis__round_trip_of_generated_images(void **state)
{
    (void)state;
    rng_state = SEED;
    for (unsigned i = 0; i < NIMAGES; i++) {
        struct tgm_image img;
        random_image(&img, i);
        char what[96];
        snprintf(what, sizeof what, "generated image %u (seed 0x%llx)", i, (unsigned long long)SEED);
        round_trip(&img, what);
        image_free(&img);
    }
}

/* --- corner cases, one by one -------------------------------------------- */

static void dis__round_trip_of_empty_images_anywhere(void **state)
{
    (void)state;
    const uint32_t loads[] = {0, 1, 0x1234, TGM_Q_MAX - 1, TGM_Q_MAX};
    for (size_t i = 0; i < sizeof loads / sizeof loads[0]; i++) {
        struct tgm_image img = {.load = loads[i], .entry_psw = 0};
        round_trip(&img, "an empty image");
    }
}

static void dis__round_trip_of_every_opcode_and_top_of_memory(void **state)
{
    (void)state;
    uint64_t words[ISA_NOPS * 2];
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        words[2 * op] = MAKE_INSN(op, 0x7ffff, 0x40000, 0x7ffff);
        if (isa_table[op].name)
            words[2 * op] &= ~isa_mbz_mask(isa_table[op].format);
        words[2 * op + 1] = MAKE_INSN(op, 1, 2, 3);
    }
    struct tgm_image img = {.load = TGM_Q_MAX - ISA_NOPS * 2, .nwords = ISA_NOPS * 2,
                            .words = words, .entry_psw = UINT64_MAX >> 6 << 6 & ~((uint64_t)0xF << 58)};
    round_trip(&img, "every opcode at the top of memory");
}

static void dis__round_trip_of_symbols_that_look_like_syntax(void **state)
{
    (void)state;
    struct tgm_symbol syms[NTRICKY];
    uint64_t words[4] = {MAKE_INSN(OP_ADD, 0, 1, 2), MAKE_INSN(OP_JMP, 3, 0, 0),
                         MAKE_INSN(OP_SVC, 1, 0, 0), 0};
    for (size_t i = 0; i < NTRICKY; i++)
        syms[i] = (struct tgm_symbol){(char *)tricky_names[i], i < 4 ? i : UINT64_MAX - i, 0};
    struct tgm_image img = {.nwords = 4, .words = words, .nsyms = NTRICKY, .syms = syms};
    image_sort_symbols(&img);
    round_trip(&img, "symbols that look like syntax");
}

static void dis__round_trip_of_all_of_memory(void **state)
{
    (void)state;
    struct tgm_image img = {.nwords = TGM_Q_MAX, .entry_psw = 1};
    img.words = malloc(TGM_Q_MAX * sizeof *img.words);
    rng_state = SEED ^ 1;
    for (uint32_t i = 0; i < TGM_Q_MAX; i++)
        img.words[i] = i % 3 ? rnd() : MAKE_INSN(OP_ADD, i, i + 1, i + 2);
    round_trip(&img, "all 2^19 words");
    free(img.words);
}

/* .phase is a source notion: phased labels come back as symbols by value. */
static void dis__round_trip_of_phased_code(void **state)
{
    (void)state;
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("p.s", ".org 0x1000\n.phase 0\nprog: LI n, 3\n"
                                                "loop: DJNZ n, loop\nHALT\nn: .word 0\n"
                                                ".dephase\nafter: .word .\n",
                                         &img, stderr), 0);
    assert_int_equal(img.load, 0x1000);
    round_trip(&img, "phased code");
    image_free(&img);
}

/* Whatever examples exist when the suite runs (they arrive over time), and
 * the main file of each example in a directory of its own. */
static void dis__round_trip_of_every_example(void **state)
{
    (void)state;
    glob_t g;
    int rc = glob("examples/*.s", 0, NULL, &g);
    rc = glob("examples/*/*.s", rc == 0 ? GLOB_APPEND : 0, NULL, &g) == 0 ? 0 : rc;
    if (rc != 0) {
        print_message("no examples/*.s yet\n");
        return;
    }
    for (size_t i = 0; i < g.gl_pathc; i++) {
        struct tgm_image img;
        int nerr = asm_assemble_file(g.gl_pathv[i], &img, stderr);
        if (nerr)
            print_error("%s does not assemble\n", g.gl_pathv[i]);
        assert_int_equal(nerr, 0);
        round_trip(&img, g.gl_pathv[i]);
        image_free(&img);
    }
    globfree(&g);
}

/* --- dis_word ------------------------------------------------------------- */

static void dis_word__each_format_prints_operands_by_kind(void **state)
{
    (void)state;
    struct tgm_symbol syms[] = {{"zz", 5, 0}, {"tab", 0x100, 0}, {".", 7, 0}, {"aa", 5, 0},
                                {"neg", UINT64_MAX, 0}};
    struct tgm_image img = {.nsyms = 5, .syms = syms}; /* deliberately unsorted */
    static const struct {
        uint64_t word;
        const char *text;
    } v[] = {
        {MAKE_INSN(OP_HALT, 0, 0, 0), "HALT"},
        {MAKE_INSN(OP_JMPI, 5, 0, 0), "JMPI   aa"},
        {MAKE_INSN(OP_MOV, 7, 6, 0), "MOV    0x7, 0x6"},
        {MAKE_INSN(OP_ADD, 5, 0x100, 0x7ffff), "ADD    aa, tab, 0x7ffff"},
        {MAKE_INSN(OP_ADDI, 5, 5, -5), "ADDI   aa, aa, -5"},
        {MAKE_INSN_L(OP_LI, 1, ISA_IMM38_MIN), "LI     0x1, -137438953472"},
        {MAKE_INSN(OP_JMP, 0x100, 0, 0), "JMP    tab"},
        {MAKE_INSN(OP_JAL, 1, 5, 0), "JAL    0x1, aa"},
        {MAKE_INSN(OP_BEQ, 1, 2, 5), "BEQ    0x1, 0x2, aa"},
        {MAKE_INSN(OP_SVC, 5, 0, 0), "SVC    aa"},
        {MAKE_INSN(OP_LDX, 1, 0x100, 2), "LDX    0x1, tab, 0x2"},
        {MAKE_INSN(OP_STX, 0x100, 1, 2), "STX    tab, 0x1, 0x2"},
        {MAKE_INSN(OP_JMPX, 0x100, 3, 0), "JMPX   tab, 0x3"},
        {MAKE_INSN(OP_LRA, 1, 0x40, 0), "LRA    0x1, 0x40"},
    };
    bool seen[FMT_COUNT] = {0};
    char buf[128];
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_true(dis_word(v[i].word, 0, &img, buf, sizeof buf));
        assert_string_equal(buf, v[i].text);
        seen[isa_decode(v[i].word).info->format] = true;
    }
    for (int f = 0; f < FMT_COUNT; f++)
        assert_true(seen[f]);
    /* without symbols every operand is a number */
    assert_true(dis_word(MAKE_INSN(OP_ADD, 5, 0x100, 7), 0, NULL, buf, sizeof buf));
    assert_string_equal(buf, "ADD    0x5, 0x100, 0x7");
}

/* docs/asm.md: an address or target operand is named only by a label of
 * an image address, never by a constant or a label inside .phase that
 * happens to have its value (the monitor's examine and trace use
 * dis_word); a number operand (an SVC code, a base) by any symbol. */
static void dis_word__constants_and_phased_labels_name_no_address(void **state)
{
    (void)state;
    struct tgm_image img;
    const char *src = "W = 4\n"
                      "        .org 2\n"
                      "top:    JMP   4\n"        /* 4 is W and the phased ploop */
                      "        ADD   3, 4, 6\n"
                      "        SVC   4\n"
                      "        .phase 4\n"
                      "ploop:  JMP   ploop\n"
                      "        .dephase\n"
                      "data:   .word 0\n";      /* 6: a label of the image */
    assert_int_equal(asm_assemble_string("k.s", src, &img, stderr), 0);
    char buf[128];
    dis_word(img.words[0], 2, &img, buf, sizeof buf);
    assert_string_equal(buf, "JMP    0x4");
    dis_word(img.words[1], 3, &img, buf, sizeof buf);
    assert_string_equal(buf, "ADD    0x3, 0x4, data");
    dis_word(img.words[2], 4, &img, buf, sizeof buf);
    assert_string_equal(buf, "SVC    W");
    /* a whole listing ignores the kinds (docs/asm.md): it writes every
     * symbol as a label or a definition, which assembles to no kind, so
     * listing its own output must give the same text (the fuzz harness's
     * fixpoint; it did not while the listing used the kinds) */
    char *out = disassemble(&img);
    assert_non_null(strstr(out, "JMP    W "));
    assert_non_null(strstr(out, "ADD    0x3, W, data "));
    assert_non_null(strstr(out, "SVC    W "));
    struct tgm_image back;
    assert_int_equal(asm_assemble_string("k-dis.s", out, &back, stderr), 0);
    char *again = disassemble(&back);
    assert_string_equal(again, out);
    free(again);
    image_free(&back);
    free(out);
    image_free(&img);
}

static void dis_word__non_instructions_are_data(void **state)
{
    (void)state;
    char buf[64];
    assert_false(dis_word(0, 0, NULL, buf, sizeof buf));
    assert_string_equal(buf, ".word 0x0000000000000000");
    assert_false(dis_word(MAKE_INSN(OP_HALT, 1, 0, 0), 0, NULL, buf, sizeof buf));
    assert_string_equal(buf, ".word 0x0400004000000000");
    assert_false(dis_word(UINT64_MAX, 0, NULL, buf, sizeof buf));
    assert_string_equal(buf, ".word 0xffffffffffffffff");
}

static void dis_image__writes_org_entrypsw_labels_and_comments(void **state)
{
    (void)state;
    uint64_t words[] = {MAKE_INSN(OP_JMP, 0x11, 0, 0), 42};
    struct tgm_symbol syms[] = {{"start", 0x10, 0}, {"data", 0x11, 0}, {"far", 1000, 0}};
    struct tgm_image img = {.load = 0x10, .nwords = 2, .words = words, .nsyms = 3, .syms = syms,
                            .entry_psw = 0x8000080000080000};
    image_sort_symbols(&img);
    char *src = disassemble(&img);
    const char *want[] = {
        "; tgm disassembly: 2 words at 0x00010..0x00011, 3 symbols\n",
        "        .org 0x10                                ; load address\n",
        "        .entrypsw 0x8000080000080000             ; S=1 I=0 P=0x00010 R=(0x00000, 0x80000)\n",
        "far = 0x3e8                                      ; 1000\n",
        "start:\n        JMP    data                              ; 00010: 5000044000000000\n",
        "data:\n        .word 0x000000000000002a                 ; 00011: 000000000000002a\n",
    };
    const char *p = src;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const char *at = strstr(p, want[i]);
        if (!at)
            print_error("missing or out of order:\n%s\nin:\n%s", want[i], src);
        assert_non_null(at);
        p = at + strlen(want[i]);
    }
    free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dis__round_trip_of_generated_images),
        cmocka_unit_test(dis__round_trip_of_empty_images_anywhere),
        cmocka_unit_test(dis__round_trip_of_every_opcode_and_top_of_memory),
        cmocka_unit_test(dis__round_trip_of_symbols_that_look_like_syntax),
        cmocka_unit_test(dis__round_trip_of_all_of_memory),
        cmocka_unit_test(dis__round_trip_of_phased_code),
        cmocka_unit_test(dis__round_trip_of_every_example),
        cmocka_unit_test(dis_word__each_format_prints_operands_by_kind),
        cmocka_unit_test(dis_word__constants_and_phased_labels_name_no_address),
        cmocka_unit_test(dis_word__non_instructions_are_data),
        cmocka_unit_test(dis_image__writes_org_entrypsw_labels_and_comments),
    };
    return cmocka_run_group_tests_name("dis", tests, NULL, NULL);
}
