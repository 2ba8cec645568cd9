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
#include "tgm/machine.h"
#include "tgm/vmm.h"

#include "monitor/mon_impl.h" /* the breakpoints, for the oracle */

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

/* Run LINE, which must fail with the errors WANT and print nothing. */
static void expect_err(struct sess *s, const char *line, const char *want)
{
    fflush(s->ms.out);
    fflush(s->ms.err);
    size_t o0 = s->ms.olen, e0 = s->ms.elen;
    assert_int_not_equal(mon_exec_line(s->ms.m, line), 0);
    fflush(s->ms.out);
    fflush(s->ms.err);
    assert_int_equal(s->ms.olen, o0);
    char *got = strndup(s->ms.ebuf + e0, s->ms.elen - e0);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' said\n%s\nnot\n%s", line, got, want);
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
    expect(&s, "print /x three", "0x12\n");
    assert_int_not_equal(mon_exec_line(s.ms.m, "print /x beta"), 0);
    free(run(&s, "restore lab-a.snap"));
    expect(&s, "x/1i 0x12", "  0x00012 beta         JMP    beta\n");
    expect(&s, "print /x beta", "0x12\n");
    assert_int_not_equal(mon_exec_line(s.ms.m, "print /x three"), 0);
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
            /* names found as the table has them, and only those */
            for (uint32_t i = 0; i < unk.nsyms; i += 5) {
                char w[32];
                snprintf(w, sizeof w, "0x%llx\n", (unsigned long long)unk.syms[i].value);
                char cmd[96];
                snprintf(cmd, sizeof cmd, "print /x %s", unk.syms[i].name);
                expect(&s, cmd, w);
                snprintf(cmd, sizeof cmd, "print /x %.*s", (int)strlen(unk.syms[i].name) - 1,
                         unk.syms[i].name);
                if (!image_symbol(&unk, cmd + 9)) {
                    fflush(s.ms.out);
                    assert_int_not_equal(mon_exec_line(s.ms.m, cmd), 0);
                }
            }
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

/* ---- breakpoints added and deleted one at a time ---- */

static const char stops_src[] = "        .org 0x10\n"
                                "        .entry start\n"
                                "start:  NOP\n"
                                "        NOP\n"
                                "        NOP\n"
                                "        NOP\n"
                                "        ADDI  w, w, 1\n"
                                "        NOP\n"
                                "        NOP\n"
                                "        HALT\n"
                                "w:      .word 0\n";

/* Deleted in another order than set, breakpoints stop where those left
 * are, the note names those left at the address, the list and the count
 * are of those left. */
static void test_breaks_deleted_out_of_order(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    put_file("lab-stops.s", stops_src);
    free(run(&s, "load lab-stops.s"));
    expect(&s, "break 0x12", "breakpoint 1 at 0x12\n");
    expect(&s, "break 0x14", "breakpoint 2 at 0x14\n");
    expect(&s, "break 0x14", "breakpoint 3 at 0x14\nnote: breakpoint 2 is at 0x14 too\n");
    expect(&s, "watch w", "watchpoint 4 on 0x18..0x18 w\n");
    expect(&s, "break 0x16", "breakpoint 5 at 0x16\n");
    expect(&s, "delete 2", "");
    expect(&s, "break list", "  1  break  0x12  hits 0\n"
                             "  3  break  0x14  hits 0\n"
                             "  4  watch  write 0x18..0x18 w  hits 0\n"
                             "  5  break  0x16  hits 0\n");
    expect(&s, "delete 1", "");
    expect(&s, "continue", "breakpoint 3 at 0x14, hit 1 time\n"
                           "stopped at 0x14 after 4 steps, 4 cycles: s I=0 P=0x00014 "
                           "l=0x00000 b=0x80000\n"
                           "  0x00014              ADDI   w, w, 1\n");
    expect(&s, "delete 3", "");
    expect(&s, "continue", "watchpoint 4: write E[0x18] 0 -> 0x1, hit 1 time\n"
                           "stopped at 0x15 after 1 step, 2 cycles: s I=0 P=0x00015 "
                           "l=0x00000 b=0x80000\n"
                           "  0x00015              NOP\n");
    expect(&s, "break 0x14", "breakpoint 6 at 0x14\n"); /* 2 and 3 are gone */
    expect(&s, "break 0x14 if w == 5",
           "breakpoint 7 at 0x14 if w == 5\nnote: breakpoint 6 is at 0x14 too\n");
    expect(&s, "delete 6", "");
    expect(&s, "break 0x14", "breakpoint 8 at 0x14\nnote: breakpoint 7 is at 0x14 too\n");
    expect(&s, "ignore 8 1", "breakpoint 8 will ignore its next hit\n");
    expect(&s, "delete 4 5", "");
    expect(&s, "break list", "  7  break  0x14  hits 0  if w == 5\n"
                             "  8  break  0x14  hits 0  ignore 1\n");
    char *show = run(&s, "show");
    assert_non_null(strstr(show, "\nbreakpoints: 2\n"));
    free(show);
    /* both at 0x14 are reached (docs/monitor.md: several at one address):
     * 7's condition is false, 8's hit is the one its ignore count passes,
     * so no stop to the HALT */
    free(run(&s, "deposit w 0; deposit P 0x10"));
    expect(&s, "continue", "halted after 8 steps: s I=0 P=0x00018 l=0x00000 b=0x80000\n"
                           "  0x00017              HALT\n");
    expect(&s, "break list", "  7  break  0x14  hits 0  if w == 5\n"
                             "  8  break  0x14  hits 1\n");
    expect(&s, "delete 7", "");
    free(run(&s, "deposit P 0x10"));
    expect(&s, "continue", "breakpoint 8 at 0x14, hit 2 times\n"
                           "stopped at 0x14 after 4 steps, 4 cycles: s I=0 P=0x00014 "
                           "l=0x00000 b=0x80000\n"
                           "  0x00014              ADDI   w, w, 1\n");
    /* numbers deleted, never given or given twice are refused as before */
    expect_err(&s, "delete 3", "delete: no breakpoint 3 (see 'break list')\n");
    expect_err(&s, "delete 9", "delete: no breakpoint 9 (see 'break list')\n");
    expect_err(&s, "delete 8 8", "delete: breakpoint 8 given twice\n");
    expect(&s, "break list", "  8  break  0x14  hits 2\n");
    sess_close(&s);
}

/* What the machines must have set for M's breakpoints, as setting every
 * one from nothing gives: compared word by word with what they have. */
static void check_stops(struct mon *m, const char *after)
{
    struct machine *real = m->vmm ? vmm_machine(m->vmm) : NULL;
    struct vm_info vi;
    uint32_t base = m->vmm && vmm_vm_info(m->vmm, 0, &vi) == 0 ? vi.base : 0;
    for (int r = 0; r < 2; r++) {
        struct machine *x = r ? real : m->bare;
        if (!x)
            continue;
        for (uint32_t a = 0; a < 0x60; a++) {
            uint32_t ph = (r ? base : 0) + a;
            bool ex = false;
            int rw = 0;
            for (size_t i = 0; i < m->nbps; i++) {
                const struct mon_bp *b = &m->bps[i];
                if ((b->vm != MON_FOCUS_BARE) != r || b->kind == BP_NONE)
                    continue;
                ex |= b->kind == BP_EXEC && b->addr == a;
                if (b->kind == BP_WATCH && a >= b->addr && a < b->addr + b->len)
                    rw |= b->rw;
            }
            if (machine_break_exec_test(x, ph) != ex || machine_watch_test(x, ph) != rw)
                fail_msg("after '%s': %s word %#x: break %d watch %d, not %d %d", after,
                         r ? "real" : "bare", a, machine_break_exec_test(x, ph),
                         machine_watch_test(x, ph), ex, rw);
        }
    }
}

/* The note 'break' prints for B, the newest, from the list itself. */
static void want_note(const struct mon *m, const struct mon_bp *b, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    char ids[4096] = "";
    for (size_t i = 0; i + 1 < m->nbps; i++) {
        const struct mon_bp *o = &m->bps[i];
        if (o->kind == BP_EXEC && !o->temp && o->vm == b->vm && o->addr == b->addr) {
            used += (size_t)snprintf(ids + used, sizeof ids - used, "%s%d", n ? ", " : " ",
                                     o->id);
            n++;
        }
    }
    if (!n)
        buf[0] = '\0';
    else
        snprintf(buf, len, "note: breakpoint%s%s %s at %#x too\n", n > 1 ? "s" : "", ids,
                 n > 1 ? "are" : "is", b->addr);
}

/* Random breaks, watches and deletes on the bare machine and a VM: after
 * each the machines' stops are those of the breakpoints left, and each
 * 'break' notes exactly the others at its address. */
static void test_random_breaks_and_deletes(void **state)
{
    (void)state;
    struct sess s;
    sess_open(&s);
    put_file("lab-stops.s", stops_src);
    free(run(&s, "load lab-stops.s"));
    free(run(&s, "vm create va 4096 lab-stops.s"));
    struct mon *m = s.ms.m;
    uint64_t seed = 7;
    static const char *const kinds[] = {"read", "write", "access"};
    for (int op = 0; op < 1500; op++) {
        seed = seed * 6364136223846793005u + 1442695040888963407u;
        unsigned r = (unsigned)(seed >> 33);
        char line[160];
        int live[4096], nlive = 0;
        for (size_t i = 0; i < m->nbps && nlive < 4096; i++)
            if (m->bps[i].kind != BP_NONE && !m->bps[i].temp)
                live[nlive++] = m->bps[i].id;
        switch (r % 10) {
        case 0:
            snprintf(line, sizeof line, "vm select %s", (r >> 4) & 1 ? "va" : "bare");
            break;
        case 1:
        case 2:
        case 3:
            snprintf(line, sizeof line, "break %#x", 0x10 + (r >> 4) % 0x30);
            break;
        case 4:
        case 5:
            snprintf(line, sizeof line, "watch %s %#x %u", kinds[(r >> 4) % 3],
                     0x10 + (r >> 6) % 0x30, 1 + (r >> 12) % 4);
            break;
        case 6:
            snprintf(line, sizeof line, "break %s", (r >> 4) & 1 ? "trap svc" : "class priv");
            break;
        default:
            if (!nlive)
                continue;
            if ((r >> 4) % 4 == 0 && nlive > 2) {
                int a = live[(r >> 6) % nlive], b = live[(r >> 16) % nlive];
                if (a == b)
                    continue;
                snprintf(line, sizeof line, "delete %d %d", a, b);
            } else {
                snprintf(line, sizeof line, "delete %d", live[(r >> 6) % nlive]);
            }
            break;
        }
        char *out = run(&s, "%s", line);
        if (!strncmp(line, "break 0x", 8)) {
            char note[4200], want[4400];
            want_note(m, &m->bps[m->nbps - 1], note, sizeof note);
            uint32_t a = m->bps[m->nbps - 1].addr;
            snprintf(want, sizeof want, "breakpoint %d at %#x%s\n%s", m->bps[m->nbps - 1].id, a,
                     a == 0x10 ? " start" : a == 0x18 ? " w" : "", note);
            if (strcmp(out, want) != 0)
                fail_msg("'%s' printed\n%s\nnot\n%s", line, out, want);
        }
        free(out);
        check_stops(m, line);
    }
    /* and from nothing again, the same */
    mon_debug_apply(m);
    check_stops(m, "mon_debug_apply");
    sess_close(&s);
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
        cmocka_unit_test(test_breaks_deleted_out_of_order),
        cmocka_unit_test(test_random_breaks_and_deletes),
    };
    return cmocka_run_group_tests_name("audit_labels", tests, setup, teardown);
}
