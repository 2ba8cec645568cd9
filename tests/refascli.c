/* refascli.c: the model of `tgm as` of refascli.h.  Each line the generator
 * writes carries what docs/asm.md says of it: the words it emits (at the
 * current address) and its listing line, or its one error (the message, and
 * the column and width of the token the caret marks).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refascli.h"
#include "rng.h"

#define HALT_WORD UINT64_C(0x0400000000000000)
#define SHOWN 20   /* errors printed before "(N more ...)" */
#define WIDE 160   /* columns of an excerpt */

void rasc_put(struct rasc_sb *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2 + 64;
        b->p = realloc(b->p, b->cap);
        if (!b->p)
            abort();
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void rasc_printf(struct rasc_sb *b, const char *fmt, ...)
{
    char tmp[1024];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    rasc_put(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void rasc_sb_free(struct rasc_sb *b)
{
    free(b->p);
    memset(b, 0, sizeof *b);
}

const char *rasc_plural(long n)
{
    return n == 1 ? "" : "s";
}

/* ---- one line and what it does ------------------------------------------ */

enum kind {
    K_BLANK, K_WORD, K_HALT, K_CONST, K_SPACE, K_ASCII, K_LONG, K_CTL, K_LABEL,
    K_ENTRY, K_INCLUDE, K_ERROR,
};

struct line {
    enum kind kind;
    struct rasc_sb text;   /* without its newline */
    bool crlf;
    uint64_t v[4];       /* the words (K_WORD, K_ASCII), the value (K_CONST) */
    unsigned nv;         /* how many; K_SPACE: the count */
    char label[16];      /* a label or constant it defines */
    size_t tok;          /* K_ERROR: the byte where the caret goes */
    unsigned width;      /* ... and how many columns it marks */
    char msg[256];
};

/* The state of one assembly as the docs describe it. */
struct asm_state {
    struct rasc_src *s;
    uint32_t dot;
    uint32_t *addr;      /* the words emitted, in order */
    uint64_t *word;
    size_t nw, capw;
    struct ri_sym syms[256];
    unsigned nsyms;
    bool entry_set;
    uint32_t entry;
    int entry_line;
    const char *resume;  /* the file whose lines resume after an include */
    /* the files: 0 main, 1 inc.s, 2 inc2.s (which inc.s may include) */
    struct line *lines[3];
    int nlines[3], reads[3];
    const char *name[3];
    long nul_at[3];      /* a NUL byte's offset (or -1), and its line */
    int nul_line[3];
    bool image[3];       /* the file is an image */
    const char *stack_name[8]; /* the includes that led here */
    int stack_line[8], depth;
    char labels[64][16]; /* main's labels, for duplicates */
    int label_line[64];
    unsigned nlabels;
};

static void emit(struct asm_state *a, uint64_t w)
{
    if (a->nw == a->capw) {
        a->capw = a->capw * 2 + 64;
        a->addr = realloc(a->addr, a->capw * sizeof *a->addr);
        a->word = realloc(a->word, a->capw * sizeof *a->word);
        if (!a->addr || !a->word)
            abort();
    }
    a->addr[a->nw] = a->dot++;
    a->word[a->nw++] = w;
}

static void add_sym(struct asm_state *a, const char *name, uint64_t value)
{
    struct ri_sym *y = &a->syms[a->nsyms++];
    y->len = (uint8_t)strlen(name);
    memcpy(y->name, name, y->len);
    y->value = value;
}

/* Columns up to byte N of TEXT: tabs to the next multiple of 8, a UTF-8
 * continuation byte none. */
static unsigned columns(const char *text, size_t n)
{
    unsigned c = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)text[i];
        if (ch == '\t')
            c = (c / 8 + 1) * 8;
        else if ((ch & 0xC0) != 0x80)
            c++;
    }
    return c;
}

/* The excerpt under a diagnostic: the line as shown (tabs expanded, a
 * control character a space), cut around the caret when wider than 160
 * columns, then the caret line. */
static void excerpt(struct rasc_sb *out, const struct line *ln)
{
    struct rasc_sb d = {0};
    for (size_t i = 0; i < ln->text.n; i++) {
        unsigned char ch = (unsigned char)ln->text.p[i];
        if (ch == '\t') {
            unsigned to = (columns(d.p ? d.p : "", d.n) / 8 + 1) * 8;
            while (columns(d.p, d.n) < to)
                rasc_put(&d, " ", 1);
        } else {
            rasc_put(&d, ch < 0x20 || ch == 0x7f ? " " : (const char *)&ln->text.p[i], 1);
        }
    }
    unsigned w = columns(d.p ? d.p : "", d.n), col = columns(ln->text.p, ln->tok);
    unsigned start = 0, caret = col, width = ln->width;
    if (w > WIDE) { /* long lines are ASCII here: a column is a byte */
        start = col > WIDE / 2 ? col - WIDE / 2 : 0;
        if (start > w - WIDE)
            start = w - WIDE;
        if (start > 0)
            rasc_put(out, "...", 3);
        rasc_put(out, d.p + start, WIDE);
        if (start + WIDE < w)
            rasc_put(out, "...", 3);
        caret = col - start + (start > 0 ? 3 : 0);
        if (col + width > start + WIDE) /* the marks stop where the excerpt does */
            width = start + WIDE - col;
    } else if (d.n) {
        rasc_put(out, d.p, d.n);
    }
    rasc_put(out, "\n", 1);
    for (unsigned i = 0; i < caret; i++)
        rasc_put(out, " ", 1);
    rasc_put(out, "^", 1);
    for (unsigned i = 1; i < width; i++)
        rasc_put(out, "~", 1);
    rasc_put(out, "\n", 1);
    rasc_sb_free(&d);
}

static void listing_line(struct rasc_sb *l, const char *prefix, int lineno, const struct line *ln)
{
    rasc_printf(l, "%-23s%7d  ", prefix, lineno);
    for (size_t i = 0; i < ln->text.n; i++) {
        unsigned char ch = (unsigned char)ln->text.p[i];
        rasc_put(l, (ch < 0x20 && ch != '\t') || ch == 0x7f ? " " : &ln->text.p[i], 1);
    }
    rasc_put(l, "\n", 1);
}

static void read_file(struct asm_state *a, int f);

/* Line LINENO of FILE does what LN says; AGAIN is the suffix of an
 * include's later readings. */
static void apply(struct asm_state *a, struct line *ln, int lineno, const char *file,
                  const char *again)
{
    struct rasc_src *s = a->s;
    char pre[32] = "";
    uint32_t at = a->dot;
    if (a->resume) { /* named again only when one of its lines follows */
        rasc_printf(&s->listing, "; %s\n", a->resume);
        a->resume = NULL;
    }
    switch (ln->kind) {
    case K_ERROR:
        if (++s->nerr <= SHOWN) {
            rasc_printf(&s->diags, "%s:%d:%u: error: %s%s\n", file, lineno,
                      columns(ln->text.p, ln->tok) + 1, ln->msg, again);
            excerpt(&s->diags, ln);
        }
        return;
    case K_LABEL:
    case K_BLANK:
    case K_ENTRY:
        if (ln->kind == K_LABEL)
            add_sym(a, ln->label, a->dot);
        listing_line(&s->listing, pre, lineno, ln);
        return;
    case K_CONST:
        add_sym(a, ln->label, ln->v[0]);
        snprintf(pre, sizeof pre, "    =  %016llx", (unsigned long long)ln->v[0]);
        listing_line(&s->listing, pre, lineno, ln);
        return;
    case K_SPACE:
        if (ln->nv)
            snprintf(pre, sizeof pre, "%05x  (zero words)", (unsigned)at);
        for (unsigned i = 0; i < ln->nv; i++)
            emit(a, 0);
        listing_line(&s->listing, pre, lineno, ln);
        return;
    case K_INCLUDE: {
        int f = ln->nv; /* the file it reads */
        listing_line(&s->listing, pre, lineno, ln);
        if (a->nlines[f] && a->nul_at[f] < 0 && !a->image[f])
            rasc_printf(&s->listing, "; %s\n", a->name[f]);
        a->resume = NULL;
        if (f == 1)
            s->includes = true;
        a->stack_name[a->depth] = file;
        a->stack_line[a->depth++] = lineno;
        read_file(a, f);
        a->depth--;
        a->resume = file;
        return;
    }
    default:
        break;
    }
    /* words at the current address: the first on the line's own listing line */
    if (ln->label[0])
        add_sym(a, ln->label, a->dot);
    for (unsigned i = 0; i < ln->nv; i++) {
        if (i == 0) {
            snprintf(pre, sizeof pre, "%05x  %016llx", (unsigned)a->dot, (unsigned long long)ln->v[0]);
            listing_line(&s->listing, pre, lineno, ln);
        } else {
            rasc_printf(&s->listing, "%05x  %016llx\n", (unsigned)a->dot, (unsigned long long)ln->v[i]);
        }
        emit(a, ln->v[i]);
    }
    if (ln->nv == 0)
        listing_line(&s->listing, "", lineno, ln);
}

/* One reading of file F: a later one names the includes that led to it,
 * innermost first. */
static void read_file(struct asm_state *a, int f)
{
    char again[512] = "";
    if (a->reads[f]++ > 0) {
        size_t n = 0;
        for (int d = a->depth - 1; d >= 0; d--)
            n += (size_t)snprintf(again + n, sizeof again - n, "%s%s:%d",
                                  d == a->depth - 1 ? " (included again from " : ", from ",
                                  a->stack_name[d], a->stack_line[d]);
        snprintf(again + n, sizeof again - n, ")");
    }
    struct rasc_src *s = a->s;
    if (a->nul_at[f] >= 0 || a->image[f]) { /* not a source: one error, no excerpt */
        if (++s->nerr <= SHOWN) {
            if (a->image[f])
                rasc_printf(&s->diags, "%s:1:1: error: not an assembly source: a tgm image (it "
                          "begins with the magic TGMIMAGE; 'tgm dis' turns it into source)%s\n",
                          a->name[f], again);
            else
                rasc_printf(&s->diags, "%s:%d:1: error: not an assembly source: a NUL byte at "
                          "offset %ld%s\n", a->name[f], a->nul_line[f], a->nul_at[f], again);
        }
        return;
    }
    for (int i = 0; i < a->nlines[f]; i++)
        apply(a, &a->lines[f][i], i + 1, a->name[f], again);
}

/* ---- the generator ------------------------------------------------------- */

static const char *const indents[] = {"", " ", "\t", "  \t", "\t\t", "    ", "   "};

static const char *indent(uint64_t *r)
{
    return indents[rng_next(r) % (sizeof indents / sizeof indents[0])];
}

static uint64_t value(uint64_t *r, char *buf, size_t len)
{
    uint64_t v = rng_next(r);
    switch (rng_next(r) % 5) {
    case 0: snprintf(buf, len, "0x%llx", (unsigned long long)v); return v;
    case 1: snprintf(buf, len, "%llu", (unsigned long long)v); return v;
    case 2: v %= 1000; snprintf(buf, len, "-%llu", (unsigned long long)v); return (uint64_t)0 - v;
    case 3: v = 'a' + v % 26; snprintf(buf, len, "'%c'", (char)v); return v;
    default: v %= 100; snprintf(buf, len, "%llu", (unsigned long long)v); return v;
    }
}

static void error_at(struct line *ln, size_t tok, unsigned width, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(struct line *ln, size_t tok, unsigned width, const char *fmt, ...)
{
    ln->kind = K_ERROR;
    ln->tok = tok;
    ln->width = width;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ln->msg, sizeof ln->msg, fmt, ap);
    va_end(ap);
}

static void spaces(struct rasc_sb *b, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        rasc_put(b, " ", 1);
}

/* A line with one error.  MAIN_FILE is NULL for the included file (no
 * errors that depend on what came before it there). */
static void bad_line(uint64_t *r, struct line *ln, struct asm_state *a, const char *main_file)
{
    struct rasc_sb *t = &ln->text;
    const char *in = indent(r);
    rasc_printf(t, "%s", in);
    size_t at = t->n;
    char tok[240];
    unsigned k = (unsigned)(rng_next(r) % (main_file ? 12 : 9));
    switch (k) {
    case 0: { /* letters no mnemonic is near */
        static const char pool[] = "xjkzq";
        unsigned len = 5 + (unsigned)(rng_next(r) % 4);
        tok[0] = 'z', tok[1] = rng_next(r) % 2 ? 'q' : 'Q';
        for (unsigned i = 2; i < len; i++)
            tok[i] = pool[rng_next(r) % 5];
        tok[len] = '\0';
        rasc_printf(t, "%s 1", tok);
        error_at(ln, at, len, "unknown mnemonic '%s'", tok);
        break;
    }
    case 1: {
        unsigned len = rng_next(r) % 4 ? 3 : 79 + (unsigned)(rng_next(r) % 150);
        tok[0] = tok[1] = 'z';
        for (unsigned i = 2; i < len; i++)
            tok[i] = (char)('a' + rng_next(r) % 26);
        tok[len] = '\0';
        rasc_printf(t, ".word %s", tok);
        if (len > 80)
            error_at(ln, at + 6, len, "undefined symbol '%.80s...'", tok);
        else
            error_at(ln, at + 6, len, "undefined symbol '%s'", tok);
        break;
    }
    case 2:
        rasc_printf(t, ".space -1");
        error_at(ln, at + 7, 2, "'.space -1': the count is negative");
        break;
    case 3:
        rasc_printf(t, ".word 1/0");
        error_at(ln, at + 7, 1, "division by zero");
        break;
    case 4: { /* an odd byte: shown as a space */
        static const unsigned char odd[] = {1, 2, 7, 8, 0x0e, 0x1b, 0x1f, 0x7f};
        unsigned char b = odd[rng_next(r) % sizeof odd];
        rasc_printf(t, ".word 1 ");
        rasc_put(t, (const char *)&b, 1);
        rasc_printf(t, " 2");
        error_at(ln, at + 8, 1, "unexpected byte 0x%02x", b);
        break;
    }
    case 5: { /* far out on a long line */
        t->n = 0;
        unsigned pad = 170 + (unsigned)(rng_next(r) % 300);
        spaces(t, pad);
        rasc_printf(t, "zqkxj 1");
        error_at(ln, pad, 5, "unknown mnemonic 'zqkxj'");
        break;
    }
    case 6: { /* in the middle of a long line */
        rasc_printf(t, ".word 1");
        unsigned pad = 1 + (unsigned)(rng_next(r) % 250);
        spaces(t, pad);
        size_t y = t->n;
        rasc_printf(t, "yy");
        spaces(t, (unsigned)(rng_next(r) % 250));
        error_at(ln, y, 2, "expected ',' or end of line, got 'yy'");
        break;
    }
    case 7:
        rasc_printf(t, ".word '\xc3\xa9'");
        error_at(ln, at + 6, 3, "character literal must hold one byte");
        break;
    case 8:
        rasc_printf(t, ".include 'p.s'");
        error_at(ln, at + 9, 5, ".include takes a string in double quotes, not a character literal");
        break;
    case 9:
        if (a->nlabels) {
            unsigned j = (unsigned)(rng_next(r) % a->nlabels);
            t->n = 0;
            rasc_printf(t, "%s: .word 0", a->labels[j]);
            error_at(ln, 0, (unsigned)strlen(a->labels[j]),
                     "duplicate symbol '%s' (first defined at %s:%d)", a->labels[j],
                     main_file, a->label_line[j]);
            break;
        }
        /* fall through */
    case 10:
        if (a->entry_set) {
            rasc_printf(t, ".entry 0x10");
            error_at(ln, at, 6, "the entry point is already set at %s:%d", main_file,
                     a->entry_line);
            break;
        }
        /* fall through */
    default:
        rasc_printf(t, "zqzqz");
        error_at(ln, at, 5, "unknown mnemonic 'zqzqz'");
    }
}

/* A good line; MAIN_FILE is NULL for the included file (no labels,
 * constants or entries there: a second reading would define them again). */
static void good_line(uint64_t *r, struct line *ln, struct asm_state *a, const char *main_file,
                      int lineno, int include)
{
    struct rasc_sb *t = &ln->text;
    char v[64];
    unsigned k = (unsigned)(rng_next(r) % 13);
    if (!main_file && (k == 3 || k == 8 || k == 9))
        k = 1;
    if (k == 12 && !include)
        k = 2;
    if (k == 9 && a->entry_set)
        k = 0;
    bool labelled = main_file && (k == 1 || k == 2) && rng_next(r) % 3 == 0;
    if (labelled) {
        snprintf(ln->label, sizeof ln->label, "L%u", a->nlabels);
        snprintf(a->labels[a->nlabels], sizeof a->labels[0], "%s", ln->label);
        a->label_line[a->nlabels++] = lineno;
        rasc_printf(t, "%s:", ln->label);
    }
    rasc_printf(t, "%s", indent(r));
    switch (k) {
    case 0:
        ln->kind = K_BLANK;
        if (rng_next(r) % 2)
            rasc_printf(t, "; note \xc3\xa9t\xc3\xa9 %u", (unsigned)(rng_next(r) % 100));
        break;
    case 1:
        ln->kind = K_WORD;
        ln->nv = 1 + (unsigned)(rng_next(r) % 3);
        rasc_printf(t, ".word ");
        for (unsigned i = 0; i < ln->nv; i++) {
            ln->v[i] = value(r, v, sizeof v);
            rasc_printf(t, "%s%s", i ? ", " : "", v);
        }
        break;
    case 2:
        ln->kind = K_HALT;
        ln->nv = 1;
        ln->v[0] = HALT_WORD;
        rasc_printf(t, rng_next(r) % 2 ? "HALT" : "halt");
        break;
    case 3:
        ln->kind = K_CONST;
        t->n = 0;
        snprintf(ln->label, sizeof ln->label, "C%u", lineno);
        ln->v[0] = value(r, v, sizeof v);
        rasc_printf(t, "%s%s = %s", indent(r), ln->label, v);
        break;
    case 4:
        ln->kind = K_SPACE;
        ln->nv = (unsigned)(rng_next(r) % 4);
        rasc_printf(t, ".space %u", ln->nv);
        break;
    case 5: {
        ln->kind = K_ASCII;
        bool z = rng_next(r) % 2;
        unsigned n = (unsigned)(rng_next(r) % 3);
        rasc_printf(t, z ? ".asciz \"" : ".ascii \"");
        for (unsigned i = 0; i < n; i++) {
            char c = (char)('a' + rng_next(r) % 26);
            ln->v[ln->nv++] = (unsigned char)c;
            rasc_put(t, &c, 1);
        }
        if (z)
            ln->v[ln->nv++] = 0;
        rasc_printf(t, "\"");
        break;
    }
    case 6: { /* a long comment */
        ln->kind = K_LONG;
        ln->nv = 1;
        ln->v[0] = 7;
        rasc_printf(t, ".word 7 ;");
        unsigned n = 150 + (unsigned)(rng_next(r) % 400);
        for (unsigned i = 0; i < n; i++)
            rasc_put(t, "c", 1);
        break;
    }
    case 7: { /* an odd byte in a comment: a space in the listing */
        static const unsigned char odd[] = {1, 3, 0x0e, 0x1b, 0x7f, '\r'};
        ln->kind = K_CTL;
        ln->nv = 1;
        ln->v[0] = 5;
        rasc_printf(t, ".word 5 ; a");
        rasc_put(t, (const char *)&odd[rng_next(r) % sizeof odd], 1);
        rasc_printf(t, "b");
        break;
    }
    case 8:
        ln->kind = K_LABEL;
        t->n = 0;
        snprintf(ln->label, sizeof ln->label, "L%u", a->nlabels);
        snprintf(a->labels[a->nlabels], sizeof a->labels[0], "%s", ln->label);
        a->label_line[a->nlabels++] = lineno;
        rasc_printf(t, "%s:", ln->label);
        break;
    case 9:
        ln->kind = K_ENTRY;
        a->entry_set = true;
        a->entry = (uint32_t)(rng_next(r) % RI_SPAN);
        a->entry_line = lineno;
        rasc_printf(t, ".entry %#x", (unsigned)a->entry);
        break;
    case 12:
        ln->kind = K_INCLUDE;
        ln->nv = (unsigned)include;
        rasc_printf(t, include == 1 ? ".include \"inc.s\"" : ".include \"inc2.s\"");
        break;
    default:
        ln->kind = K_BLANK;
        break;
    }
}

static void line_free(struct line *ln)
{
    rasc_sb_free(&ln->text);
}

static void write_lines(struct rasc_sb *out, struct line *lines, int n)
{
    for (int i = 0; i < n; i++) {
        if (lines[i].text.n)
            rasc_put(out, lines[i].text.p, lines[i].text.n);
        rasc_put(out, lines[i].crlf ? "\r\n" : "\n", lines[i].crlf ? 2 : 1);
    }
}

/* An included file's lines (none defines a symbol: a second reading would
 * define it again); INCLUDE: the file they may include (0: none). */
static int inc_lines(uint64_t *r, struct asm_state *a, struct line *ls, int max, unsigned bad,
                     int include)
{
    int n = 1 + (int)(rng_next(r) % (unsigned)max), reads = 0;
    for (int i = 0; i < n; i++) {
        if (rng_next(r) % 16 < bad)
            bad_line(r, &ls[i], a, NULL);
        else
            good_line(r, &ls[i], a, NULL, i + 1, reads < 2 ? include : 0);
        reads += ls[i].kind == K_INCLUDE;
        ls[i].crlf = rng_next(r) % 8 == 0;
    }
    return n;
}

/* Sometimes file F is no source at all: a NUL byte in it, or an image. */
static void not_source(uint64_t *r, struct asm_state *a, int f, struct rasc_sb *text)
{
    a->nul_at[f] = -1;
    unsigned k = (unsigned)(rng_next(r) % 24);
    if (k == 0) {
        a->nul_at[f] = (long)text->n;
        a->nul_line[f] = 1;
        for (size_t i = 0; i < text->n; i++)
            a->nul_line[f] += text->p[i] == '\n';
        rasc_put(text, "\0 HALT\n", 7);
    } else if (k == 1) {
        struct ri_image img = {.load = 3, .n = 1, .entry = RI_PSW_SUP(3)};
        uint64_t w = HALT_WORD;
        img.words = &w;
        size_t len;
        uint8_t *b = ri_write(&img, &len);
        text->n = 0;
        rasc_put(text, (const char *)b, len);
        free(b);
        a->image[f] = true;
    }
}

void rasc_make(uint64_t *r, struct rasc_src *s, const char *dir, const char *main, unsigned bad)
{
    memset(s, 0, sizeof *s);
    snprintf(s->main_name, sizeof s->main_name, "%s/%s", dir, main);
    snprintf(s->inc_name, sizeof s->inc_name, "%s/inc.s", dir);
    snprintf(s->inc2_name, sizeof s->inc2_name, "%s/inc2.s", dir);
    struct asm_state *a = calloc(1, sizeof *a);
    if (!a)
        abort();
    a->s = s;
    if (rng_next(r) % 10 == 0)
        bad = 15; /* many errors: more than are shown */
    s->has_inc = rng_next(r) % 2;
    s->has_inc2 = s->has_inc && rng_next(r) % 3 == 0;
    struct line inc[8] = {{0}}, inc2[4] = {{0}};
    int ninc2 = s->has_inc2 ? inc_lines(r, a, inc2, 3, bad, 0) : 0;
    int ninc = s->has_inc ? inc_lines(r, a, inc, 6, bad, s->has_inc2 ? 2 : 0) : 0;
    /* the included lines define nothing: the generator's state is main's */
    int n = 1 + (int)(rng_next(r) % (bad == 15 ? 40 : 30));
    struct line *lines = calloc((size_t)n, sizeof *lines);
    if (!lines)
        abort();
    unsigned includes = 0;
    for (int i = 0; i < n; i++) {
        struct line *ln = &lines[i];
        if (i == 0 && rng_next(r) % 2) {
            a->dot = (uint32_t)(rng_next(r) % (RI_SPAN - 400));
            ln->kind = K_BLANK;
            rasc_printf(&ln->text, "%s.org %#x", indent(r), (unsigned)a->dot);
        } else if (rng_next(r) % 16 < bad) {
            bad_line(r, ln, a, s->main_name);
        } else {
            good_line(r, ln, a, s->main_name, i + 1, s->has_inc && includes < 2 ? 1 : 0);
            includes += ln->kind == K_INCLUDE;
        }
        ln->crlf = rng_next(r) % 8 == 0;
    }
    uint32_t org = a->dot; /* only the first line moves it */
    /* the texts; a BOM sometimes, which no column counts */
    if (rng_next(r) % 6 == 0)
        rasc_put(&s->main_text, "\xef\xbb\xbf", 3);
    write_lines(&s->main_text, lines, n);
    write_lines(&s->inc_text, inc, ninc);
    write_lines(&s->inc2_text, inc2, ninc2);
    a->nul_at[0] = -1;
    not_source(r, a, 1, &s->inc_text);
    not_source(r, a, 2, &s->inc2_text);
    a->lines[0] = lines, a->nlines[0] = n, a->name[0] = s->main_name;
    a->lines[1] = inc, a->nlines[1] = ninc, a->name[1] = s->inc_name;
    a->lines[2] = inc2, a->nlines[2] = ninc2, a->name[2] = s->inc2_name;
    /* now assemble: the state again from the top */
    bool entry_set = a->entry_set;
    uint32_t entry = a->entry;
    a->dot = org;
    rasc_printf(&s->listing, "; %s\n", s->main_name);
    read_file(a, 0);
    if (s->nerr > SHOWN)
        rasc_printf(&s->diags, "(%d more error%s not shown)\n", s->nerr - SHOWN,
                  rasc_plural(s->nerr - SHOWN));
    if (s->nerr == 0) {
        uint32_t lo = a->dot, hi = a->dot;
        if (a->nw) {
            lo = UINT32_MAX, hi = 0;
            for (size_t i = 0; i < a->nw; i++) {
                lo = a->addr[i] < lo ? a->addr[i] : lo;
                hi = a->addr[i] + 1 > hi ? a->addr[i] + 1 : hi;
            }
        }
        struct ri_image *img = &s->img;
        img->load = lo;
        img->n = hi - lo;
        img->words = calloc((size_t)img->n + 1, 8);
        for (size_t i = 0; i < a->nw; i++)
            img->words[a->addr[i] - lo] = a->word[i];
        img->entry = RI_PSW_SUP(entry_set ? entry : lo % RI_SPAN);
        img->nsyms = a->nsyms;
        img->syms = calloc(a->nsyms + 1, sizeof *img->syms);
        memcpy(img->syms, a->syms, a->nsyms * sizeof *img->syms);
        /* sorted by value, then name */
        for (uint32_t i = 1; i < img->nsyms; i++)
            for (uint32_t j = i; j > 0 && ri_symcmp(&img->syms[j - 1], &img->syms[j]) > 0; j--) {
                struct ri_sym t = img->syms[j];
                img->syms[j] = img->syms[j - 1];
                img->syms[j - 1] = t;
            }
    }
    for (int i = 0; i < n; i++)
        line_free(&lines[i]);
    for (int i = 0; i < ninc; i++)
        line_free(&inc[i]);
    for (int i = 0; i < ninc2; i++)
        line_free(&inc2[i]);
    free(lines);
    free(a->addr);
    free(a->word);
    free(a);
}

void rasc_free(struct rasc_src *s)
{
    rasc_sb_free(&s->main_text);
    rasc_sb_free(&s->inc_text);
    rasc_sb_free(&s->inc2_text);
    rasc_sb_free(&s->diags);
    rasc_sb_free(&s->listing);
    ri_free(&s->img);
}

void rasc_summary(struct rasc_sb *b, const struct ri_image *img)
{
    rasc_printf(b, "; load 0x%05x, %u word%s, entry PSW 0x%016llx, %u symbol%s\n",
              (unsigned)img->load, (unsigned)img->n, rasc_plural(img->n),
              (unsigned long long)img->entry, (unsigned)img->nsyms, rasc_plural(img->nsyms));
}
