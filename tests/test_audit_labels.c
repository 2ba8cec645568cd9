/* test_audit_labels.c: the monitor's labels and breakpoints at scale keep
 * their behaviour.
 *
 * 'x/Ni' over an image with a label at every word looked each label and
 * operand name up by a scan of the symbol table, and each 'break' or
 * 'watch' set every breakpoint again; both are now indexed.  These tests
 * pin what a person sees, no timings: which name is shown when several
 * name one address (in a source's table and an image file's, whose
 * symbols have no kinds), names after the table is replaced (load, a VM,
 * restore), and breakpoints added and deleted in any order stopping and
 * listing as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"

struct sess {
    struct ms_sess ms;
    char here[4096];
};

static void sess_open(struct sess *s)
{
    assert_non_null(getcwd(s->here, sizeof s->here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    ms_sess_open(&s->ms);
}

static void sess_close(struct sess *s)
{
    ms_sess_close(&s->ms);
    assert_int_equal(chdir(s->here), 0);
}

/* Run LINE, which must succeed; its output (malloc'd). */
static char *run(struct sess *s, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fflush(s->ms.out);
    fflush(s->ms.err);
    size_t o0 = s->ms.olen, e0 = s->ms.elen;
    int rc = mon_exec_line(s->ms.m, line);
    fflush(s->ms.out);
    fflush(s->ms.err);
    if (rc != 0)
        fail_msg("'%s' failed: %.*s", line, (int)(s->ms.elen - e0), s->ms.ebuf + e0);
    return strndup(s->ms.obuf + o0, s->ms.olen - o0);
}

/* Run LINE and check that its output is WANT. */
static void expect(struct sess *s, const char *line, const char *want)
{
    char *got = run(s, "%s", line);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' printed\n%s\nnot\n%s", line, got, want);
    free(got);
}

static void put_file(const char *name, const char *text)
{
    FILE *f = fopen(name, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Assemble SRC into the image file NAME (its symbols lose their kinds). */
static void put_image(const char *name, const char *src)
{
    struct tgm_image img;
    char err[256];
    assert_int_equal(asm_assemble_string(name, src, &img, stderr), 0);
    assert_int_equal(image_write_file(name, &img, err, sizeof err), 0);
    image_free(&img);
}

/* Two labels at 0x10, a constant and a label at 0x12, a constant alone
 * at 0x13: labels win over constants, a name over a constant-like name
 * when the kinds are unknown, and an operand takes the first by name. */
static const char tie_src[] = "        .org 0x10\n"
                              "        .entry zeta\n"
                              "K_TWELVE = 0x12\n"
                              "UPPER = 0x13\n"
                              "zeta:\n"
                              "alpha:  LDX   alpha, 0x12, zeta\n"
                              "        NOP\n"
                              "beta:   JMP   0x12\n"
                              "        LDX   UPPER, 0x13, 0x13\n";

static const char tie_x_src[] = "  0x00010 alpha        LDX    alpha, K_TWELVE, alpha\n"
                                "  0x00011              NOP\n"
                                "  0x00012 beta         JMP    beta\n"
                                "  0x00013              LDX    0x13, UPPER, 0x13\n";

static const char tie_x_img[] = "  0x00010 alpha        LDX    alpha, K_TWELVE, alpha\n"
                                "  0x00011              NOP\n"
                                "  0x00012 beta         JMP    K_TWELVE\n"
                                "  0x00013 UPPER        LDX    UPPER, UPPER, UPPER\n";

/* A table of the same size, other names at the same addresses. */
static const char other_src[] = "        .org 0x10\n"
                                "        .entry one\n"
                                "C_A = 0x12\n"
                                "C_B = 0x13\n"
                                "one:\n"
                                "two:    NOP\n"
                                "        NOP\n"
                                "three:  JMP   0x12\n"
                                "        HALT\n";

static void test_ties_source_and_image(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    put_file("lab-tie.s", tie_src);
    put_image("lab-tie.img", tie_src);
    free(run(&s, "load lab-tie.s"));
    expect(&s, "x/4i 0x10", tie_x_src);
    expect(&s, "break 0x12", "breakpoint 1 at 0x12 beta\n");
    expect(&s, "break 0x13", "breakpoint 2 at 0x13\n");
    expect(&s, "watch 0x10 2", "watchpoint 3 on 0x10..0x11 alpha\n");
    free(run(&s, "load lab-tie.img"));
    expect(&s, "x/4i 0x10", tie_x_img);
    expect(&s, "break list", "  1  break  0x12 beta  hits 0\n"
                             "  2  break  0x13 UPPER  hits 0\n"
                             "  3  watch  write 0x10..0x11 alpha  hits 0\n");
    sess_close(&s);
}

/* Every table that replaces another is the one looked in: a load of the
 * same number of symbols, a VM's, a restore's. */
static void test_labels_after_reload(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    put_file("lab-tie.s", tie_src);
    put_file("lab-other.s", other_src);
    put_image("lab-tie.img", tie_src);
    free(run(&s, "load lab-tie.s"));
    expect(&s, "x/1i 0x12", "  0x00012 beta         JMP    beta\n");
    free(run(&s, "save lab-a.snap"));
    free(run(&s, "load lab-other.s"));
    expect(&s, "x/3i 0x10", "  0x00010 one          NOP\n"
                            "  0x00011              NOP\n"
                            "  0x00012 three        JMP    three\n");
    free(run(&s, "restore lab-a.snap"));
    expect(&s, "x/1i 0x12", "  0x00012 beta         JMP    beta\n");
    /* a VM has its own table; the bare machine's stays */
    free(run(&s, "vm create va 4096 lab-other.s"));
    expect(&s, "x/1i 0x12", "  0x00012 three        JMP    three\n");
    free(run(&s, "load lab-tie.img"));
    expect(&s, "x/4i 0x10", tie_x_img);
    free(run(&s, "vm select bare"));
    expect(&s, "x/4i 0x10", tie_x_src);
    free(run(&s, "vm select va"));
    expect(&s, "x/1i 0x13", "  0x00013 UPPER        LDX    UPPER, UPPER, UPPER\n");
    free(run(&s, "vm destroy va"));
    free(run(&s, "vm create vb 4096 lab-other.s"));
    expect(&s, "x/1i 0x13", "  0x00013              HALT\n");
    sess_close(&s);
}

/* The rule of the monitor's label column, as docs/monitor.md gives it
 * and the scan over the table had it: no constant or phased label; a
 * label, or (kinds unknown) a name not written like a constant, first in
 * the table; else the first constant-like one. */
static const char *ref_label(const struct tgm_image *img, uint64_t addr)
{
    const char *best = NULL;
    for (uint32_t i = 0; i < img->nsyms; i++) {
        const struct tgm_symbol *y = &img->syms[i];
        if (y->value != addr || y->kind == TGM_SYM_CONST || y->kind == TGM_SYM_PHASED)
            continue;
        bool lower = false;
        for (const char *c = y->name; *c; c++)
            lower |= *c >= 'a' && *c <= 'z';
        if (y->kind == TGM_SYM_LABEL || lower)
            return y->name;
        if (!best)
            best = y->name;
    }
    return best;
}

/* Many names per address, in random spellings, labels and constants; the
 * listing must be what the scans gave: dis_word on the table, unindexed,
 * and ref_label. */
static void test_random_tables_match_scan(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    uint64_t seed = 12345;
    for (int round = 0; round < 6; round++) {
        size_t cap = 1 << 16, len = 0;
        char *src = malloc(cap);
        assert_non_null(src);
        const unsigned nw = 300;
        len += (size_t)snprintf(src + len, cap - len, "        .org 0x20\n");
        for (unsigned i = 0; i < nw; i++) {
            unsigned nl = 0;
            for (;;) { /* zero to three labels a word */
                seed = seed * 6364136223846793005u + 1442695040888963407u;
                if ((seed >> 60) % 4 == 0 || nl == 3)
                    break;
                const char *spell = (seed >> 40) & 1 ? "L" : "l";
                len += (size_t)snprintf(src + len, cap - len, "%s%u_%u%s:\n", spell, i, nl,
                                        (seed >> 41) & 1 ? "x" : "X");
                nl++;
            }
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            unsigned a = 0x20 + (unsigned)(seed >> 33) % (nw + 8);
            unsigned b = 0x20 + (unsigned)(seed >> 13) % (nw + 8);
            len += (size_t)snprintf(src + len, cap - len, "        LDX 0x%x, 0x%x, 0x%x\n", a,
                                    b, 0x20 + i);
            if ((seed >> 7) % 5 == 0) /* a constant at a word's address */
                len += (size_t)snprintf(src + len, cap - len, "K%u_%u = 0x%x\n", round, i, b);
        }
        src[len] = '\0';
        struct tgm_image img;
        assert_int_equal(asm_assemble_string("lab-rand.s", src, &img, stderr), 0);
        put_file("lab-rand.s", src);
        char err[256];
        assert_int_equal(image_write_file("lab-rand.img", &img, err, sizeof err), 0);
        for (int file = 0; file < 2; file++) {
            struct tgm_image unk = img; /* the image file's table: no kinds */
            if (file) {
                assert_int_equal(image_read_file("lab-rand.img", &unk, err, sizeof err), 0);
            }
            free(run(&s, "load %s", file ? "lab-rand.img" : "lab-rand.s"));
            char *got = run(&s, "x/%ui 0x20", nw);
            size_t wcap = 200 * nw, wl = 0;
            char *want = malloc(wcap);
            assert_non_null(want);
            for (unsigned i = 0; i < nw; i++) {
                char dis[160];
                const char *lab = ref_label(&unk, 0x20 + i);
                dis_word(unk.words[i], 0x20 + i, &unk, dis, sizeof dis);
                wl += (size_t)snprintf(want + wl, wcap - wl, "  0x%05x %-12s %s\n", 0x20 + i,
                                       lab ? lab : "", dis);
            }
            if (strcmp(got, want) != 0)
                fail_msg("round %d, %s: listing differs from the scan's", round,
                         file ? "image" : "source");
            free(got);
            free(want);
            if (file)
                image_free(&unk);
        }
        image_free(&img);
        free(src);
    }
    sess_close(&s);
}

/* The disassembler's index against its scan, with every kind of symbol
 * at one value ('.', a phased label, a constant, a label, an unknown) in
 * every order of the table. */
static void test_dis_index_matches_scan(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        uint8_t kind;
    } kinds[] = {{".", TGM_SYM_UNKNOWN}, {"ph", TGM_SYM_PHASED}, {"Kc", TGM_SYM_CONST},
                 {"lab", TGM_SYM_LABEL}, {"Unk", TGM_SYM_UNKNOWN}, {"a", TGM_SYM_CONST}};
    enum { NK = sizeof kinds / sizeof kinds[0] };
    struct tgm_symbol syms[NK];
    uint64_t seed = 99;
    for (int round = 0; round < 200; round++) {
        struct tgm_image img = {.nsyms = 0, .syms = syms};
        for (unsigned i = 0; i < NK; i++) {
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            if ((seed >> 62) == 0)
                continue; /* some left out */
            syms[img.nsyms++] = (struct tgm_symbol){(char *)kinds[i].name, (seed >> 20) % 3 + 4,
                                                    kinds[i].kind};
        }
        for (uint32_t i = img.nsyms; i > 1; i--) { /* any order */
            seed = seed * 6364136223846793005u + 1442695040888963407u;
            uint32_t j = (uint32_t)(seed >> 33) % i;
            struct tgm_symbol t = syms[i - 1];
            syms[i - 1] = syms[j];
            syms[j] = t;
        }
        struct dis_index *ix = dis_index_new(&img);
        assert_non_null(ix);
        for (uint32_t a = 3; a < 8; a++)
            for (uint32_t n = 3; n < 8; n++) {
                /* LDX a, n, c: addresses and a number; JMP t: a target */
                uint64_t w[2] = {MAKE_INSN(0x0A, a, n, a ^ n), MAKE_INSN(0x28, n, n, n)};
                for (int k = 0; k < 2; k++) {
                    char x[160], y[160];
                    assert_int_equal(dis_word(w[k], 0, &img, x, sizeof x),
                                     dis_word_indexed(w[k], 0, ix, y, sizeof y));
                    assert_string_equal(x, y);
                }
            }
        dis_index_free(ix);
    }
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("audit_labels");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ties_source_and_image),
        cmocka_unit_test(test_labels_after_reload),
        cmocka_unit_test(test_random_tables_match_scan),
        cmocka_unit_test(test_dis_index_matches_scan),
    };
    return cmocka_run_group_tests_name("audit_labels", tests, setup, teardown);
}
