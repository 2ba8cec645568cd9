/* test_audit_refasm.c: the assembler against a reference assembler written
 * from docs/asm.md and docs/isa.md alone (refasm.c), on random sources.
 *
 * A grammar writes random sources (labels before and after their uses,
 * several on a line, names that look like mnemonics or directives, every
 * directive, every instruction with operands at their kinds' edges, the
 * four number bases, characters and strings with every escape, psw(),
 * pswi() and rb(), .phase blocks, includes from a subdirectory, empty,
 * comment-only and long lines, tabs, CRLF and a byte order mark), and
 * mutations of them make errors.  For a valid source the image's words,
 * load address, entry PSW and symbol table (values and kinds) must agree,
 * and the source that dis_image writes must assemble back to the same
 * image file; for an invalid one both must reject it at the same file and
 * line, with the docs' wording where docs/asm.md quotes it.
 * TGM_REFASM_SOURCES and TGM_REFASM_SEED make the campaign larger or
 * different.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"

#include "cli_support.h"
#include "refasm.h"
#include "rng.h"

/* ---- random numbers ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    return rng_next(&rng_state);
}
static unsigned rn(unsigned n) { return (unsigned)(rnd() % n); }
static bool chance(unsigned pct) { return rn(100) < pct; }

/* ---- a growing text ---- */

struct buf {
    char *s;
    size_t len, cap;
};

static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap); /* any length: a mutant copies whole sources */
    va_end(ap);
    assert_true(n >= 0);
    if (b->len + (size_t)n + 1 > b->cap) {
        b->cap = (b->len + (size_t)n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
    va_end(again);
    b->len += (size_t)n;
}

/* ---- the grammar ---- */

static const char *const mnems[] = {
    "NOP", "HALT", "MOV", "LI", "LDX", "STX", "ADD", "SUB", "MUL", "DIV", "DIVU", "MOD",
    "MODU", "AND", "OR", "XOR", "SHL", "SHR", "SAR", "ADDI", "SLT", "SLTU", "SEQ", "JMP",
    "JMPI", "JMPX", "JAL", "BEQ", "BNE", "BLT", "BGE", "BLTU", "BGEU", "BZ", "BNZ", "DJNZ",
    "SVC", "LPSW", "SPSW", "LR", "SR", "TSET", "TGET", "COUT", "CIN", "HCALL", "JRSTU", "LRA",
    "MFPI",
};
static const char *const kinds[] = {
    "", "", "ab", "aL", "anc", "nbc", "abc", "abc", "abc", "abc", "abc", "abc", "abc", "abc",
    "abc", "abc", "abc", "abc", "abc", "abi", "abc", "abc", "abc", "t", "a", "nb", "at", "abt",
    "abt", "abt", "abt", "abt", "abt", "at", "at", "at", "n", "a", "a", "a", "a", "a", "a", "a",
    "a", "n", "t", "an", "ab",
};
#define NMNEM (sizeof mnems / sizeof mnems[0])

struct gen {
    struct buf src;
    char labels[48][64];
    int nlabels;       /* the names the source defines as labels */
    char consts[16][64];
    int nconsts, nconsts_above;
    uint32_t dot;      /* roughly where assembly is */
    bool phase, entry, crlf, dotsym;
    int incs;
};

static const char *eol(const struct gen *g) { return g->crlf ? "\r\n" : "\n"; }

static void cased(struct buf *b, const char *s)
{
    int mode = rn(6); /* mostly as written, sometimes lower or mixed */
    for (size_t i = 0; s[i]; i++) {
        char ch = s[i];
        if (mode == 1 || (mode == 2 && (i & 1)))
            ch = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
        put(b, "%c", ch);
    }
}

static void space(struct buf *b)
{
    static const char *const sp[] = {" ", " ", "  ", "\t", " \t ", "", " \r"};
    put(b, "%s", sp[rn(7)]);
}

static void number(struct buf *b, uint64_t v)
{
    switch (rn(6)) {
    case 0: put(b, "0x%llX", (unsigned long long)v); break;
    case 1: put(b, "0X%llx", (unsigned long long)v); break;
    case 2: {
        put(b, rn(2) ? "0b" : "0B");
        int top = 63;
        while (top > 0 && !(v >> top & 1))
            top--;
        for (int i = top; i >= 0; i--)
            put(b, "%c", (char)('0' + (v >> i & 1)));
        break;
    }
    case 3: put(b, rn(2) ? "0o%llo" : "0O%llo", (unsigned long long)v); break;
    default: put(b, "%llu", (unsigned long long)v); break;
    }
}

static const char *const escapes[] = {"\\n", "\\t", "\\r", "\\0", "\\\\", "\\'", "\\\"",
                                      "\\x41", "\\xff", "\\x7F"};

/* an expression worth V (in 0..2^19-1 when ADDR), or a label's or
 * constant's value */
static void operand(struct gen *g, char kind)
{
    struct buf *b = &g->src;
    unsigned pick = rn(12);
    if (kind == 'i') {
        static const long long edge[] = {-262144, 262143, -1, 0, 1, 1000, -77};
        switch (pick % 4) {
        case 0: put(b, "%lld", edge[rn(7)]); return;
        case 1: put(b, "~0"); return;
        case 2: put(b, rn(2) ? "0xFFFFFFFFFFFFFFFF" : "'a' - 'z'"); return;
        default: put(b, "-%u", rn(262145)); return;
        }
    }
    if (kind == 'L') {
        switch (pick % 5) {
        case 0: put(b, "-137438953472"); return;
        case 1: put(b, "137438953471"); return;
        case 2: put(b, "0x1FFFFFFFFF"); return;
        case 3: put(b, "-(1 << 37)"); return;
        default: put(b, "%lld", (long long)(rnd() % 2000000) - 1000000); return;
        }
    }
    if (pick < 4 && g->nlabels) {
        put(b, "%s", g->labels[rn((unsigned)g->nlabels)]);
        if (chance(20))
            put(b, " + 0");
        return;
    }
    if (pick == 4 && g->nconsts) {
        put(b, "%s", g->consts[rn((unsigned)g->nconsts)]);
        return;
    }
    switch (rn(9)) {
    case 0: put(b, "0"); break;
    case 1: number(b, 0x7FFFF); break;
    case 2: put(b, "."); break;
    case 3: put(b, "'%c'", (char)('A' + rn(26))); break;
    case 4: put(b, "'%s'", escapes[rn(10)]); break;
    case 5: put(b, "(%u + 2) * 3 - 1", rn(1000)); break;
    case 6: put(b, rn(2) ? "SUP" : "USER"); break;
    case 7: put(b, "0x7FFFF & ~%u", rn(64)); break;
    default: number(b, rn(1u << 19)); break;
    }
}

/* any 64-bit expression, for .word */
static void word_expr(struct gen *g)
{
    struct buf *b = &g->src;
    switch (rn(14)) {
    case 0: put(b, "psw(%u, %u, %u, %u)", rn(2), rn(2) ? 0x7FFFF : rn(1000), rn(2) ? 0 : 0x7FFFF,
                rn(2) ? 0x80000 : rn(9)); break;
    case 1: cased(b, "PSWI"); put(b, "(1, 0x10, 0, 0x80000)"); break;
    case 2: put(b, "rb(%u, %u)", rn(0x80000), rn(0x80001)); break;
    case 3: number(b, rnd()); break;
    case 4: put(b, "-9223372036854775807 - 1"); break;
    case 5: put(b, "%lld / %d", (long long)rnd() >> rn(64), (int)rn(7) - 3 ? (int)rn(7) - 3 : 5); break;
    case 6: put(b, "-%u %% %d", rn(100000), rn(9) + 1); break;
    case 7: put(b, "1 << %u", rn(70)); break;
    case 8: put(b, "-%u >> %u", rn(100) + 1, rn(70)); break;
    case 9: put(b, "0x%llx ^ 0x%llx | 3 & ~1", (unsigned long long)rnd(), (unsigned long long)rnd()); break;
    case 10: put(b, "-(-(~(+%u)))", rn(100)); break;
    case 11: put(b, "(((7)))"); break;
    default: operand(g, 'a'); break;
    }
}

static void string(struct gen *g, unsigned n)
{
    struct buf *b = &g->src;
    put(b, "\"");
    for (unsigned i = 0; i < n; i++) {
        switch (rn(8)) {
        case 0: put(b, "%s", escapes[rn(10)]); break;
        case 1: put(b, ";"); break;
        case 2: put(b, "\xC3\xA9"); break;
        case 3: put(b, rn(2) ? "'" : "\r"); break;
        default: {
            char ch = (char)(' ' + rn(95));
            put(b, "%c", ch == '"' || ch == '\\' ? 'q' : ch);
            break;
        }
        }
    }
    put(b, "\"");
}

static void labels_here(struct gen *g, int *next_label)
{
    struct buf *b = &g->src;
    int n = chance(70) ? 0 : chance(80) ? 1 : 3;
    for (int i = 0; i < n && *next_label < g->nlabels; i++) {
        put(b, "%s:", g->labels[(*next_label)++]);
        space(b);
    }
    if (!n)
        put(b, "%s", rn(2) ? "\t" : "        ");
}

static void instruction(struct gen *g)
{
    struct buf *b = &g->src;
    unsigned k = rn(NMNEM);
    cased(b, mnems[k]);
    for (size_t j = 0; kinds[k][j]; j++) {
        put(b, j ? "," : " ");
        space(b);
        operand(g, kinds[k][j]);
    }
    g->dot++;
}

static const char *const odd_names[] = {"ADD", ".org", "_x", "a.b", "x$1", "Loop", "loop",
                                        "JMP", "n", "psw_", "LI.", "SUPx", ".Lc"};

/* Write a random source for main.s (and include files into FILES). */
static void generate(struct gen *g, struct buf *inc, int *ninc)
{
    memset(g, 0, sizeof *g);
    g->crlf = chance(10);
    int nlines = chance(5) ? 150 + (int)rn(100) : 1 + (int)rn(40);
    g->nlabels = (int)rn(nlines < 47 ? (unsigned)nlines + 1 : 48);
    for (int i = 0; i < g->nlabels; i++) {
        if (chance(15))
            snprintf(g->labels[i], 64, "%s%d", odd_names[rn(13)], i);
        else
            snprintf(g->labels[i], 64, "L%d", i);
    }
    if (g->nlabels && chance(5)) /* the longest name there is */
        snprintf(g->labels[0], 64, "%s", "a23456789012345678901234567890123456789012345678901234567890123");
    g->nconsts = (int)rn(5);
    static const char *const odd_consts[] = {"SUP", "USER", ".org", "ADD", "Psw", "rb"};
    for (int i = 0; i < g->nconsts; i++)
        snprintf(g->consts[i], 64, i == 3 && chance(40) ? odd_consts[rn(6)] : "K%d", i);
    struct buf *b = &g->src;
    if (chance(5))
        put(b, "\xEF\xBB\xBF");
    *ninc = 0;
    if (chance(25)) { /* one include in sub/, which includes a common file */
        *ninc = 2;
        put(&inc[0], "\tNOP%s.include \"../common.s\"\t; from sub%s", "\n", "\n");
        put(&inc[1], "; common\n\t.word 0x%x, '\\x41'\n\tADD 1, 2, 3\n", rn(100));
    }
    if (chance(50)) {
        uint32_t org = chance(30) ? 0x7FFF0 + rn(0x10) : chance(30) ? 0 : rn(1u << 19);
        put(b, "\t");
        cased(b, ".org");
        put(b, " ");
        number(b, org);
        put(b, "%s", eol(g));
        g->dot = org;
    }
    int next_label = 0, consts_done = 0;
    for (int i = 0; i < nlines; i++) {
        if (g->dot >= 0x80000) /* nothing more can be emitted */
            break;
        if (chance(8)) {
            put(b, chance(50) ? "" : "   ; just a comment, with \"quotes\" and 'x'");
            put(b, "%s", eol(g));
            continue;
        }
        labels_here(g, &next_label);
        unsigned what = rn(100);
        uint32_t room = 0x80000 - g->dot;
        if (what < 45) {
            instruction(g);
        } else if (what < 55) {
            cased(b, ".word");
            unsigned n = 1 + rn(room < 5 ? room : 5);
            for (unsigned j = 0; j < n; j++) {
                put(b, j ? ", " : " ");
                word_expr(g);
            }
            g->dot += n;
        } else if (what < 60 && room > 12) {
            cased(b, rn(2) ? ".ascii" : ".asciz");
            put(b, " ");
            string(g, rn(10));
            g->dot += 11;
        } else if (what < 64 && room > 6) {
            cased(b, ".space");
            unsigned n = rn(6);
            put(b, " %u", n);
            g->dot += n;
        } else if (what < 72 && consts_done < g->nconsts) {
            if (rn(2)) {
                put(b, "%s", g->consts[consts_done]);
                space(b);
                put(b, "=");
                space(b);
            } else {
                cased(b, ".equ");
                put(b, " %s, ", g->consts[consts_done]);
            }
            if (rn(3) == 0)
                put(b, ". + %u", rn(5));
            else
                word_expr(g);
            consts_done++;
        } else if (what < 76 && !g->phase && room > 20) {
            cased(b, ".phase");
            put(b, " ");
            number(b, chance(20) ? 0x7FFF8 : rn(0x1000));
            g->phase = true;
        } else if (what < 80 && g->phase) {
            cased(b, ".dephase");
            g->phase = false;
        } else if (what < 83 && !g->entry) {
            if (rn(2)) {
                cased(b, ".entry");
                put(b, " ");
                operand(g, 't');
            } else {
                cased(b, ".entrypsw");
                put(b, " psw(%u, ", rn(2));
                operand(g, 't');
                put(b, ", 0, 0x80000)");
            }
            g->entry = true;
        } else if (what < 86 && !g->phase) {
            uint32_t to = g->dot + rn(50);
            if (chance(15))
                to = 0x7FFFF - rn(4);
            cased(b, ".org");
            put(b, " %u", to);
            g->dot = to;
        } else if (what < 88 && *ninc && g->incs < 2 && room > 8) {
            cased(b, ".include");
            put(b, " \"sub/inc.s\"");
            g->incs++;
            g->dot += 4;
        } else if (what < 89) {
            put(b, "; a long line%*s", (int)rn(300), "x");
        } else if (what < 90) { /* the symbol named '.': defined, never referred to */
            if (!g->dotsym) {
                cased(b, ".equ");
                put(b, " ., %u", rn(1u << 19));
                g->dotsym = true;
            }
        } else if (what < 93 && room > 1) {
            instruction(g);
            put(b, "%*s; %*s", (int)rn(200), "", (int)rn(200), "tail");
        } else {
            /* a label alone on its line (or nothing at all) */
        }
        put(b, "%s", eol(g));
    }
    while (next_label < g->nlabels && g->dot < 0x80000)
        put(b, "%s:%s", g->labels[next_label++], eol(g));
    if (g->phase)
        put(b, "\t.dephase%s", eol(g));
    /* constants never written are not referenced as defined: write them */
    while (consts_done < g->nconsts)
        put(b, "%s = %u%s", g->consts[consts_done++], rn(100), eol(g));
    if (next_label < g->nlabels) /* some labels were not placed: define them */
        while (next_label < g->nlabels)
            put(b, "%s = 0%s", g->labels[next_label++], eol(g));
}

/* ---- mutations: one change that may make the source invalid ---- */

static const char *const mutants[] = {
    "\tLPWS 5",                 /* unknown mnemonic */
    "\tNOP 1",                  /* too many operands */
    "\tADD 1, 2",               /* too few */
    "\tMOV 0x80000, 0",         /* one past the address range */
    "\tJMP -1",                 /* an address is unsigned */
    "\tADDI 1, 2, 262144",      /* one past imm */
    "\tADDI 1, 2, -262145",
    "\tLI 1, 137438953472",     /* one past imm38 */
    "\tLI 1, -137438953473",
    "\t.entry 3\n\t.entry 4",   /* twice */
    "\t.entry 0x80000",
    "\t.entrypsw 1 << 58",      /* cause bits */
    "\t.word nosuch",           /* undefined */
    "\t.ascii \"abc",           /* unterminated */
    "\t.word 0x",               /* bad numbers */
    "\t.word 0b102",
    "\t.word 18446744073709551616",
    "\t.word 12ab",
    "\t.word 'ab'",
    "\t.word '\xC3\xA9'",
    "\t.word '\\q'",
    "\t.space -1",
    "\t.phase 0\n\t.org 5\n\t.dephase",
    "\t.dephase",
    "\t.phase 3",
    "\t.phase 1\n\t.phase 2\n\t.dephase",
    ". = 5",
    ".: NOP",
    "a234567890123456789012345678901234567890123456789012345678901234: NOP",
    "\t.include 'x.s'",
    "\t.ascii 'a'",
    "\t.include \"missing.s\"",
    "\t.word 1 / 0",
    "\t.word 5 % (2 - 2)",
    "\t.word (1 + 2",
    "\t.word 1 +",
    "\t.word 1 2",
    "\t.org 0\n\t.word 1",
    "\t.org 0x80000\n\t.word 1",
    "\t.org 0x80001",
    "\t.org fwd_label\nfwd_label: NOP",
    "\t.space fwd_k\nfwd_k = 1",
    "\t.space SUP\nSUP = 3",
    "cy1 = cy2\ncy2 = cy1",
    "self = self + 1",
    "\t.word psw(2, 0, 0, 0)",
    "\t.word rb(0, 0x80001)",
    "\t.word psw(1, 2, 3)",
    "\t.word nofn(1)",
    "\t.word",
    "\t.set x, 1",
    "\t.blah",
    "\t.equ 5, 5",
    "\t.phase 0x7FFFF\n\tNOP\n\tNOP\n\t.dephase",
    "\t.word 1 @ 2",
    "x: y: z: HALT\nx: NOP",
    "\t.word 1\x01",
    "\t.space 0x80001",
    "\t.word 1\0",
    "\tNOP,",
    "\tADD 1,, 2, 3",
    "\t.dephase 1",
    "\t.include \"sub/inc.s\"",  /* from common.s: a cycle */
    "\t.include \"../main.s\"",  /* from sub/inc.s: a cycle */
    "\t.equ ., 7\n\t.word .",
    "\t.word . + 1\n. :",
};
#define NMUT (sizeof mutants / sizeof mutants[0])

/* Insert a mutant at a random line of B, or replace one, or drop one. */
static void mutate(struct buf *b)
{
    size_t nl = 0;
    for (size_t i = 0; i < b->len; i++)
        nl += b->s[i] == '\n';
    size_t at = rn((unsigned)nl + 1), line = 0, i = 0;
    while (i < b->len && line < at)
        line += b->s[i++] == '\n';
    size_t end = i;
    while (end < b->len && b->s[end] != '\n')
        end++;
    if (end < b->len)
        end++;
    struct buf out = {0};
    put(&out, "%.*s", (int)i, b->s);
    unsigned how = rn(10);
    const char *m = mutants[rn(NMUT)];
    size_t mlen = strlen(m);
    if (!strcmp(m, "\t.word 1")) /* the one with a NUL after it */
        mlen = 9;
    if (how < 6 || how == 9) { /* insert before the line (9: replace it) */
        size_t o = out.len;
        put(&out, "%*s\n", (int)mlen, "");
        memcpy(out.s + o, m, mlen);
        if (how == 9)
            i = end;
    } else if (how < 8) {
        i = end; /* drop the line */
    }
    size_t rest = b->len - i;
    if (out.len + rest + 1 > out.cap) {
        out.cap = out.len + rest + 1;
        out.s = realloc(out.s, out.cap);
    }
    memcpy(out.s + out.len, b->s + i, rest);
    out.len += rest;
    out.s[out.len] = 0;
    free(b->s);
    *b = out;
}

/* ---- running both ---- */

struct stats {
    unsigned valid, invalid, agreed, roundtrips, messages, cli;
};

static char dir[CS_PATH];

static void write_file(const char *name, const struct buf *b)
{
    char path[CS_PATH + 32];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cs_write_bytes(path, b->s ? b->s : "", b->len);
}

static char inc_shown[4096];
static const struct buf *shown_inc;

static void cli_roundtrip(const struct tgm_image *img, struct stats *st);

static void dump(const struct buf *main, const char *why, const char *diag)
{
    const char *keep = getenv("TGM_REFASM_DUMP"); /* a directory for the failing files */
    if (keep && *keep) {
        char path[CS_PATH + 32];
        snprintf(path, sizeof path, "%s/main.s", keep);
        cs_write_bytes(path, main->s ? main->s : "", main->len);
        for (int k = 0; k < 2 && shown_inc; k++) {
            snprintf(path, sizeof path, "%s/%s", keep, k ? "common.s" : "sub/inc.s");
            cs_write_bytes(path, shown_inc[k].s ? shown_inc[k].s : "", shown_inc[k].len);
        }
    }
    fprintf(stderr, "---- source (%s) ----\n%.*s\n%s---- diagnostics ----\n%s\n", why,
            (int)main->len, main->s ? main->s : "", inc_shown, diag);
}

static const char *base(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Compare the library and the model on main.s (with the files in INC). */
static void check(const struct buf *main, const struct buf *inc, int ninc, struct stats *st)
{
    struct ra_file files[3] = {{"main.s", main->s ? main->s : "", main->len}};
    size_t nf = 1;
    if (ninc) {
        files[1] = (struct ra_file){"sub/inc.s", inc[0].s, inc[0].len};
        files[2] = (struct ra_file){"common.s", inc[1].s, inc[1].len};
        nf = 3;
        write_file("sub/inc.s", &inc[0]);
        write_file("common.s", &inc[1]);
    } else { /* a mutant may include them: then they are missing */
        char path[CS_PATH + 32];
        snprintf(path, sizeof path, "%s/sub/inc.s", dir);
        unlink(path);
        snprintf(path, sizeof path, "%s/common.s", dir);
        unlink(path);
    }
    struct ra_result want;
    ra_assemble(files, nf, &want);

    char name[CS_PATH + 16];
    snprintf(name, sizeof name, "%s/main.s", dir);
    char *diag = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&diag, &dlen);
    assert_non_null(f);
    struct tgm_image img;
    int nerr = asm_assemble_buffer(name, main->s ? main->s : "", main->len, &img, f);
    fclose(f);

    shown_inc = ninc ? inc : NULL;
    if (ninc && (want.ok != (nerr == 0) || !want.ok))
        snprintf(inc_shown, sizeof inc_shown, "---- sub/inc.s ----\n%.*s---- common.s ----\n%.*s",
                 (int)inc[0].len, inc[0].s ? inc[0].s : "", (int)inc[1].len,
                 inc[1].s ? inc[1].s : "");
    else
        inc_shown[0] = 0;
    if (want.ok != (nerr == 0)) {
        dump(main, want.ok ? "the model accepts it" : "the model rejects it", diag);
        if (!want.ok)
            fprintf(stderr, "model: %s:%d\n", want.efile, want.eline);
        fail();
    }
    if (!want.ok) {
        st->invalid++;
        /* every error found, one per line, the first 20 in source order */
        int k = 0;
        bool same = nerr == want.nerr;
        for (char *p = diag; same && p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
            if (strncmp(p, dir, strlen(dir)) || !strstr(p, ": error: "))
                continue;
            char file[CS_PATH];
            int line = 0;
            const char *q = p + strlen(dir) + 1, *colon = strchr(q, ':');
            snprintf(file, sizeof file, "%.*s", (int)(colon - q), q);
            line = atoi(colon + 1);
            same = k < 20 && !strcmp(base(file), base(want.errs[k].file)) &&
                   line == want.errs[k].line;
            k++;
        }
        if (!same || k != (want.nerr < 20 ? want.nerr : 20)) {
            dump(main, "the errors differ", diag);
            fprintf(stderr, "model: %d errors:", want.nerr);
            for (int j = 0; j < want.nerr && j < 20; j++)
                fprintf(stderr, " %s:%d", want.errs[j].file, want.errs[j].line);
            fprintf(stderr, "\n");
            fail();
        }
        /* the first line: FILE:LINE:COL: error: ... */
        char *e = strstr(diag, ": error: ");
        assert_non_null(e);
        *e = 0;
        char *c2 = strrchr(diag, ':');
        assert_non_null(c2);
        *c2 = 0;
        char *c1 = strrchr(diag, ':');
        assert_non_null(c1);
        *c1 = 0;
        int line = atoi(c1 + 1);
        if (strcmp(base(diag), base(want.efile)) || line != want.eline ||
            (want.emsg && !strstr(e + 9, want.emsg))) {
            *e = ':';
            *c2 = ':';
            *c1 = ':';
            dump(main, "first error differs", diag);
            fprintf(stderr, "model: %s:%d (%s)\n", want.efile, want.eline,
                    want.emsg ? want.emsg : "any message");
            fail();
        }
        st->agreed++;
        st->messages += want.emsg != NULL;
        free(diag);
        ra_free(&want);
        return;
    }
    st->valid++;
    bool same = img.load == want.load && img.nwords == want.nwords &&
                img.entry_psw == want.entry && img.nsyms == want.nsyms &&
                (!img.nwords || !memcmp(img.words, want.words, (size_t)img.nwords * 8));
    for (uint32_t k = 0; same && k < img.nsyms; k++)
        same = !strcmp(img.syms[k].name, want.syms[k].name) &&
               img.syms[k].value == want.syms[k].value &&
               img.syms[k].kind == want.syms[k].kind;
    if (!same) {
        dump(main, "the images differ", diag);
        fprintf(stderr, "load %x/%x n %u/%u entry %llx/%llx nsyms %u/%zu\n", img.load,
                want.load, img.nwords, want.nwords, (unsigned long long)img.entry_psw,
                (unsigned long long)want.entry, img.nsyms, want.nsyms);
        for (uint32_t k = 0; k < img.nwords && k < want.nwords; k++)
            if (img.words[k] != want.words[k])
                fprintf(stderr, "word %x: %llx / %llx\n", img.load + k,
                        (unsigned long long)img.words[k], (unsigned long long)want.words[k]);
        for (uint32_t k = 0; k < img.nsyms && k < want.nsyms; k++)
            fprintf(stderr, "sym %s=%llx (%d) / %s=%llx (%d)\n", img.syms[k].name,
                    (unsigned long long)img.syms[k].value, img.syms[k].kind, want.syms[k].name,
                    (unsigned long long)want.syms[k].value, want.syms[k].kind);
        fail();
    }
    st->agreed++;

    /* docs/asm.md: the disassembly assembles back to the identical image
     * (a whole memory's source takes a second: one in 64 of those) */
    if (img.nwords > 4096 && rn(64)) {
        image_free(&img);
        free(diag);
        ra_free(&want);
        return;
    }
    char *text = NULL;
    size_t tlen = 0;
    f = open_memstream(&text, &tlen);
    assert_int_equal(dis_image(&img, f), 0);
    fclose(f);
    /* a whole memory's source is more than a stream may hold: a file */
    char dis_path[CS_PATH + 16];
    snprintf(dis_path, sizeof dis_path, "%s/dis.s", dir);
    cs_write_bytes(dis_path, text, tlen);
    struct tgm_image back;
    char *d2 = NULL;
    size_t d2len = 0;
    f = open_memstream(&d2, &d2len);
    int n2 = asm_assemble_file(dis_path, &back, f);
    fclose(f);
    if (n2) {
        fprintf(stderr, "%.3000s\n%s", tlen < 3000 ? text : "", d2);
        dump(main, "its disassembly does not assemble", "");
        fail();
    }
    uint8_t *b1, *b2;
    size_t l1, l2;
    assert_int_equal(image_serialize(&img, &b1, &l1), 0);
    assert_int_equal(image_serialize(&back, &b2, &l2), 0);
    if (l1 != l2 || memcmp(b1, b2, l1)) {
        fprintf(stderr, "%.3000s", tlen < 3000 ? text : "");
        dump(main, "its disassembly assembles to another image", "");
        fail();
    }
    st->roundtrips++;
    if (st->roundtrips % 50 == 1)
        cli_roundtrip(&img, st);
    free(b1);
    free(b2);
    image_free(&back);
    free(d2);
    free(text);
    image_free(&img);
    free(diag);
    ra_free(&want);
}

/* The same through the commands: 'tgm dis IMG -o SRC', 'tgm as SRC -o IMG2'
 * and the two files compared byte for byte. */
static void cli_roundtrip(const struct tgm_image *img, struct stats *st)
{
    char ip[CS_PATH + 16], sp[CS_PATH + 16], bp[CS_PATH + 16], why[256];
    snprintf(ip, sizeof ip, "%s/rt.img", dir);
    snprintf(sp, sizeof sp, "%s/rt.s", dir);
    snprintf(bp, sizeof bp, "%s/rt2.img", dir);
    assert_int_equal(image_write_file(ip, img, why, sizeof why), 0);
    struct cs_outcome o = cs_run_tgm("dis", ip, "-o", sp, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("as", sp, "-o", bp, NULL);
    if (o.status != 0)
        fprintf(stderr, "%s", o.err);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t l1, l2;
    char *a = cs_slurp(ip, &l1), *b = cs_slurp(bp, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1);
    free(a);
    free(b);
    st->cli++;
}

static unsigned env_count(const char *name, unsigned dflt)
{
    const char *s = getenv(name);
    return s && *s ? (unsigned)strtoul(s, NULL, 0) : dflt;
}

static void test_campaign(void **state)
{
    (void)state;
    unsigned n = env_count("TGM_REFASM_SOURCES", 3000);
    rng_state = env_count("TGM_REFASM_SEED", 20261205);
    struct stats st = {0};
    for (unsigned i = 0; i < n; i++) {
        struct gen g;
        struct buf inc[2] = {{0}};
        int ninc = 0;
        generate(&g, inc, &ninc);
        if (i % 3 == 2)
            mutate(&g.src);
        if (ninc && i % 7 == 6)
            mutate(&inc[rn(2)]);
        check(&g.src, inc, ninc, &st);
        free(g.src.s);
        free(inc[0].s);
        free(inc[1].s);
    }
    printf("refasm: %u sources, %u valid (%u disassembled and assembled back, %u of them "
           "through tgm dis and tgm as), %u invalid (%u with the docs' wording checked); "
           "%u agreed\n", n, st.valid, st.roundtrips, st.cli, st.invalid, st.messages, st.agreed);
    assert_int_equal(st.agreed, n);
    assert_true(st.valid > n / 3);
    assert_true(st.invalid > n / 5);
}

/* The errors of SRC (asm_assemble_string) into BUF; returns their count. */
static int errors_of(const char *src, char *buf, size_t len)
{
    char *diag = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&diag, &dlen);
    assert_non_null(f);
    struct tgm_image img;
    int n = asm_assemble_string("o.s", src, &img, f);
    fclose(f);
    if (n == 0)
        image_free(&img);
    snprintf(buf, len, "%s", diag);
    free(diag);
    return n;
}

/* docs/asm.md: "Every error in the source is found"; but an overlap is
 * reported only between two words above the first refused .org, .space or
 * .phase.  A refused .org (or .space) anywhere used to hide every overlap
 * in the source, those above it too. */
static void test_overlap_before_a_refused_org(void **state)
{
    (void)state;
    char d[4096];
    assert_int_equal(errors_of("\tNOP\n\t.org 0\n\tNOP\n\t.org 0x80001\n", d, sizeof d), 2);
    assert_non_null(strstr(d, "o.s:3:9: error: address 0x00000 already holds a word from o.s:1"));
    assert_non_null(strstr(d, "o.s:4:14: error: '.org' address 0x80001 is outside memory"));
    assert_int_equal(errors_of("\t.word 1, 2\n\t.org 1\n\tHALT\n\t.space -1\n", d, sizeof d), 2);
    assert_non_null(strstr(d, "o.s:3:9: error: address 0x00001 already holds a word from o.s:1"));
    /* below the refused one, an overlap is still most likely its echo */
    assert_int_equal(errors_of("\tNOP\n\t.org 0x80001\n\t.org 0\n\tNOP\n", d, sizeof d), 1);
    assert_null(strstr(d, "already holds"));
    /* below it, not even between two words an .org placed again */
    assert_int_equal(errors_of("\t.space -1\n\t.org 8\n\tNOP\n\t.org 8\n\tNOP\n", d, sizeof d), 1);
    assert_null(strstr(d, "already holds"));
    assert_int_equal(errors_of("\t.phase -1\n\t.dephase\n\tNOP\n\t.org 0\n\tNOP\n", d, sizeof d),
                     1);
    assert_null(strstr(d, "already holds"));
}

static int setup(void **state)
{
    (void)state;
    if (cs_setup("refasm") < 0)
        return -1;
    snprintf(dir, sizeof dir, "%s", cs_tmpdir());
    char sub[CS_PATH + 8];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    return mkdir(sub, 0700);
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_overlap_before_a_refused_org),
        cmocka_unit_test(test_campaign),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
