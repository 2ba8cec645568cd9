/* lex.c: the assembler's lexer and its chibicc-style diagnostics.
 *
 * Source text for section 2's instructions is read one line at a time: names,
 * numbers, character and string literals, operators.  Every error points at
 * its token with "file:line:col: error:", the line, and a ^~~~ caret.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asm_impl.h"
#include "tgm/bytes.h"

bool asm_ident_char(int ch, bool first)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || ch == '_' ||
           ch == '.' || (!first && ((ch >= '0' && ch <= '9') || ch == '$'));
}

bool asm_tok_punct(const struct asm_tok *t, int punct)
{
    return t->kind == TK_PUNCT && t->punct == punct;
}

bool asm_tok_is(const struct asm_tok *t, const char *s)
{
    return t->kind == TK_IDENT && strlen(s) == t->len && memcmp(t->p, s, t->len) == 0;
}

bool asm_quote_error(struct asm_ctx *c, const struct asm_tok *dir, const struct asm_tok *t)
{
    static const char *const takes[] = {".include", ".ascii", ".asciz"};
    for (size_t i = 0; dir && dir->kind == TK_IDENT && i < sizeof takes / sizeof *takes; i++)
        if (strlen(takes[i]) == dir->len && strncasecmp(takes[i], dir->p, dir->len) == 0) {
            asm_error_tok(c, t, "%.*s takes a string in double quotes, not a character literal",
                          (int)dir->len, dir->p);
            return true;
        }
    return false;
}

/* Display column after the bytes P..Q starting at COL: tabs stop every 8
 * columns and UTF-8 continuation bytes take no room, as a terminal shows. */
static uint32_t cols_after(uint32_t col, const char *p, const char *q)
{
    for (; p < q; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\t')
            col = (col - 1) / 8 * 8 + 9;
        else if ((ch & 0xC0) != 0x80)
            col++;
    }
    return col;
}

/* How the byte at P[I] (of LEN) is shown: 0 as it is (with its UTF-8
 * character's other bytes, *SKIP of them), 1 as a space (a control
 * character: C0, DEL, or C1 in UTF-8, U+0080-U+009F, whose second byte
 * *SKIP then passes over), 2 not at all (a stray byte 0x80-0x9F: a C1
 * control to a Latin-1 terminal, and no room in the columns). */
static int shown_as(const char *p, size_t len, size_t i, size_t *skip)
{
    unsigned char ch = (unsigned char)p[i];
    size_t u = ch >= 0xC2 ? tgm_utf8_char((const uint8_t *)p + i, len - i) : 0;
    *skip = u ? u - 1 : 0;
    if (ch < 0x20 || ch == 0x7f || (u == 2 && ch == 0xC2 && (unsigned char)p[i + 1] < 0xA0))
        return 1;
    return ch >= 0x80 && ch < 0xA0 ? 2 : 0;
}

/* The display columns FROM..TO-1 of the line P (LEN bytes), tabs expanded,
 * control characters as spaces; a character is shown whole or not at all. */
static void put_cols(FILE *f, const char *p, size_t len, uint32_t from, uint32_t to)
{
    uint32_t col = 1;
    bool on = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)p[i];
        size_t skip = 0;
        int as = shown_as(p, len, i, &skip);
        if ((ch & 0xC0) == 0x80) { /* a stray continuation byte: with the character before */
            if (on && as == 0)
                fputc(ch, f);
            continue;
        }
        if (col >= to)
            break;
        uint32_t next = cols_after(col, p + i, p + i + 1);
        on = col >= from && next <= to;
        if (ch == '\t') {
            for (uint32_t c = col; c < next && c < to; c++)
                if (c >= from)
                    fputc(' ', f);
        } else if (on) {
            if (as == 1)
                fputc(' ', f);
            else
                fwrite(p + i, 1, skip + 1, f);
        }
        i += skip;
        col = next;
    }
}

void asm_put_text(FILE *f, const char *p, size_t len, bool expand_tabs)
{
    if (expand_tabs) {
        put_cols(f, p, len, 1, UINT32_MAX);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        size_t skip = 0; /* a tab is kept, as it is */
        int as = p[i] == '\t' ? 0 : shown_as(p, len, i, &skip);
        if (as == 1)
            fputc(' ', f);
        else if (as == 0)
            fwrite(p + i, 1, skip + 1, f);
        i += skip;
    }
}

/* The line under an error and its caret at COL (WIDTH columns); a line
 * wider than EXCERPT_COLS (a megabyte of one line) is shown around the
 * caret, what is cut marked "...", so that the excerpt stays readable. */
#define EXCERPT_COLS 160
static void put_excerpt(FILE *f, const char *line, size_t len, uint32_t col, uint32_t width)
{
    uint32_t all = cols_after(1, line, line + len), from = 1, to = all;
    if (all - 1 > EXCERPT_COLS) {
        from = col > EXCERPT_COLS / 2 ? col - EXCERPT_COLS / 2 : 1;
        if (from + EXCERPT_COLS > all) /* near the end: still EXCERPT_COLS of it */
            from = all - EXCERPT_COLS;
        to = from + EXCERPT_COLS;
    }
    if (from > 1)
        fputs("...", f);
    put_cols(f, line, len, from, to);
    fputs(to < all ? "...\n" : "\n", f);
    if (to < all && col + width > to) /* the caret stops where the excerpt does */
        width = to - col;
    fprintf(f, "%*s^", (int)(col - from + (from > 1 ? 3 : 0)), "");
    for (uint32_t i = 1; i < width; i++)
        fputc('~', f);
    fputc('\n', f);
}

int asm_quote_cut(const char *p, size_t len, size_t max)
{
    if (len <= max)
        return (int)len;
    size_t n = max;
    while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
        n--; /* p[n] continues a character: cut before it begins */
    return (int)n;
}

int asm_quote_len(const char *p, size_t len)
{
    return asm_quote_cut(p, len, ASM_QUOTE_MAX);
}

void asm_diag_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(f, fmt, ap);
    va_end(ap);
}

bool asm_diag_kept(const struct asm_ctx *c, uint32_t si)
{
    if (c->stmts[si].bad)
        return false;
    if (c->err || c->ndiags < ASM_MAX_DIAGS)
        return true;
    for (uint32_t i = 0; i < c->ndiags; i++)
        if (c->diags[i].stmt > si)
            return true;
    return false;
}

static void vreport(struct asm_ctx *c, uint32_t si, uint32_t col,
                    uint32_t width, const char *fmt, va_list ap)
{
    struct asm_stmt *s = &c->stmts[si];
    if (s->bad)
        return; /* one diagnostic per statement: the rest would be noise */
    s->bad = true;
    c->nerrors++;
    if (c->err) {
        vsnprintf(c->err, c->errlen, fmt, ap);
        return;
    }
    /* only the first ASM_MAX_DIAGS in source order are shown: keep those,
     * so a file of a million bad lines costs no message for each */
    uint32_t slot = c->ndiags;
    if (slot == ASM_MAX_DIAGS) {
        slot = 0;
        for (uint32_t i = 1; i < c->ndiags; i++)
            if (c->diags[i].stmt > c->diags[slot].stmt)
                slot = i;
        if (si > c->diags[slot].stmt)
            return;
        free(c->diags[slot].text);
        c->diags[slot].text = NULL; /* freed again if memory runs out below */
    }
    /* room first: the message's text, once written, would be lost if this
     * gave the assembly up (asm_oom) */
    if (slot == c->ndiags)
        c->diags = asm_grow(c->diags, &c->capdiags, c->ndiags + 1, sizeof *c->diags);
    char *text = NULL;
    size_t tlen = 0;
    FILE *f = open_memstream(&text, &tlen);
    if (!f)
        asm_oom();
    const struct asm_file *file = &c->files[s->file];
    /* a control character in the file's name or in a quoted token is
     * escaped, so that the message stays one line */
    asm_diag_line(f, "%s:%u:%u: error: ", file->name, s->line, col);
    tgm_vfprint_line(f, fmt, ap);
    /* the same lines, read again, would give the same error: say which
     * reading it is, by the includes that led to it */
    for (uint32_t up = file->again ? file->from : 0; up; up = c->files[c->stmts[up - 1].file].from)
        asm_diag_line(f, "%s%s:%u", up == file->from ? " (included again from " : ", from ",
                      c->files[c->stmts[up - 1].file].name, c->stmts[up - 1].line);
    fputs(file->again ? ")\n" : "\n", f);
    if (s->len) /* an empty line has nothing to point at */
        put_excerpt(f, file->text + s->off, s->len, col, width);
    if (fclose(f) != 0) { /* the stream could not grow: a message cut short */
        free(text);
        asm_oom();
    }
    if (slot == c->ndiags)
        c->ndiags++;
    c->diags[slot] = (struct asm_diag){.stmt = si, .text = text};
}

void asm_error_at(struct asm_ctx *c, uint32_t stmt, uint32_t col,
                  uint32_t width, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, stmt, col, width ? width : 1, fmt, ap);
    va_end(ap);
}

void asm_error_tok(struct asm_ctx *c, const struct asm_tok *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vreport(c, t->stmt, t->col, t->width, fmt, ap);
    va_end(ap);
}

void asm_error_span(struct asm_ctx *c, const struct asm_tok *first,
                    const struct asm_tok *last, const char *fmt, ...)
{
    uint32_t end = last->col + last->width;
    va_list ap;
    va_start(ap, fmt);
    vreport(c, first->stmt, first->col, end > first->col ? end - first->col : 1, fmt, ap);
    va_end(ap);
}

/* (a statement has one diagnostic at most: its index orders them) */
static int diag_cmp(const void *x, const void *y)
{
    const struct asm_diag *a = x, *b = y;
    return a->stmt < b->stmt ? -1 : a->stmt > b->stmt;
}

void asm_flush_diags(struct asm_ctx *c, FILE *f)
{
    if (c->ndiags > 1)
        qsort(c->diags, c->ndiags, sizeof *c->diags, diag_cmp);
    for (uint32_t i = 0; f && i < c->ndiags; i++)
        fputs(c->diags[i].text, f);
    uint32_t rest = (uint32_t)c->nerrors - c->ndiags;
    if (f && rest) /* the rest would bury the first */
        fprintf(f, "(%u more error%s not shown)\n", rest, rest == 1 ? "" : "s");
}

/* --- literals --------------------------------------------------------- */

static int hex_digit(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Number token T (its text already delimited): 42, 0x2A, 0b101010, 0o52. */
static int lex_number(struct asm_ctx *c, struct asm_tok *t)
{
    const char *s = t->p, *end = t->p + t->len;
    unsigned base = 10;
    const char *what = "number";
    if (t->len >= 2 && s[0] == '0' && strchr("xXbBoO", s[1])) {
        base = tolower((unsigned char)s[1]) == 'x' ? 16 : tolower((unsigned char)s[1]) == 'b' ? 2 : 8;
        what = base == 16 ? "hexadecimal number" : base == 2 ? "binary number" : "octal number";
        s += 2;
    }
    if (s == end) {
        asm_error_tok(c, t, "bad %s '%.*s%s' (no digits)", what, ASM_QUOTE(t));
        return -1;
    }
    uint64_t v = 0;
    for (; s < end; s++) {
        int d = hex_digit((unsigned char)*s);
        if (d < 0 || (unsigned)d >= base) {
            asm_error_tok(c, t, "bad %s '%.*s%s'", what, ASM_QUOTE(t));
            return -1;
        }
        if (v > (UINT64_MAX - (unsigned)d) / base) {
            asm_error_tok(c, t, "number '%.*s%s' does not fit in 64 bits", ASM_QUOTE(t));
            return -1;
        }
        v = v * base + (unsigned)d;
    }
    t->val = v;
    return 0;
}

int asm_escape(const char **pp, const char *end, uint8_t *out)
{
    const char *p = *pp;
    if (*p != '\\') {
        *out = (uint8_t)*p;
        *pp = p + 1;
        return 0;
    }
    if (p + 1 >= end)
        return -1;
    switch (p[1]) {
    case 'n': *out = '\n'; break;
    case 't': *out = '\t'; break;
    case 'r': *out = '\r'; break;
    case '0': *out = '\0'; break;
    case '\\': *out = '\\'; break;
    case '\'': *out = '\''; break;
    case '"': *out = '"'; break;
    case 'x': {
        int hi = p + 2 < end ? hex_digit((unsigned char)p[2]) : -1;
        int lo = p + 3 < end ? hex_digit((unsigned char)p[3]) : -1;
        if (hi < 0 || lo < 0)
            return -1;
        *out = (uint8_t)(hi * 16 + lo);
        *pp = p + 4;
        return 0;
    }
    default:
        return -1;
    }
    *pp = p + 2;
    return 0;
}

static void bad_escape(struct asm_ctx *c, const struct asm_tok *t, const char *at,
                       const char *end)
{
    int n = at + 1 < end ? (at[1] == 'x' ? (int)(end - at < 4 ? end - at : 4) : 2) : 1;
    uint32_t col = cols_after(t->col, t->p, at);
    asm_error_at(c, t->stmt, col, cols_after(col, at, at + n) - col,
                 "unknown escape '%.*s' (use \\n \\t \\r \\0 \\\\ \\' \\\" or \\xHH)",
                 n, at);
}

/* 'c' or '\n': one byte.  *Q ends past the closing quote. */
static int lex_char(struct asm_ctx *c, struct asm_tok *t, const char *end,
                    const char **q)
{
    const char *p = t->p + 1;
    const char *close = memchr(p, '\'', (size_t)(end - p));
    if (p < end && *p == '\\' && p + 1 < end && p[1] == '\'')
        close = memchr(p + 2, '\'', (size_t)(end - p - 2));
    t->len = (uint32_t)((close ? close + 1 : end) - t->p);
    t->width = cols_after(t->col, t->p, t->p + t->len) - t->col;
    uint8_t v;
    const char *s = p;
    bool escape = close && p != close && asm_escape(&s, close, &v) != 0;
    if (close && p != close && !escape && s == close) {
        t->kind = TK_NUM;
        t->val = v;
        *q = close + 1;
        return 0;
    }
    /* .include 'p.s' is no character literal at all: say what it wants */
    if (asm_quote_error(c, c->ntoks ? &c->toks[c->ntoks - 1] : NULL, t))
        return -1;
    if (!close)
        asm_error_tok(c, t, "unterminated character literal");
    else if (p == close)
        asm_error_tok(c, t, "empty character literal");
    else if (escape)
        bad_escape(c, t, s, close);
    else
        asm_error_tok(c, t, "character literal must hold one byte");
    return -1;
}

/* "text": decoded into c->strs. */
static int lex_string(struct asm_ctx *c, struct asm_tok *t, const char *end,
                      const char **q)
{
    t->kind = TK_STR;
    t->val = c->nstrs;
    const char *s = t->p + 1;
    while (s < end && *s != '"') {
        uint8_t v;
        if (*s == '\\' && s + 1 == end)
            break; /* a backslash at the end of the line: unterminated */
        if (asm_escape(&s, end, &v) != 0) {
            bad_escape(c, t, s, end);
            return -1;
        }
        c->strs = asm_grow(c->strs, &c->capstrs, c->nstrs + 1, 1);
        c->strs[c->nstrs++] = (char)v;
    }
    if (s >= end || *s != '"') {
        t->len = (uint32_t)(end - t->p);
        t->width = cols_after(t->col, t->p, end) - t->col;
        asm_error_tok(c, t, "unterminated string");
        return -1;
    }
    t->slen = (uint32_t)(c->nstrs - t->val);
    *q = s + 1;
    return 0;
}

/* --- the line --------------------------------------------------------- */

static void push_tok(struct asm_ctx *c, const struct asm_tok *t)
{
    c->toks = asm_grow(c->toks, &c->captoks, c->ntoks + 1, sizeof *c->toks);
    c->toks[c->ntoks++] = *t;
}

int asm_lex_line(struct asm_ctx *c, uint32_t si)
{
    const struct asm_stmt *s = &c->stmts[si];
    const char *line = c->files[s->file].text + s->off;
    const char *p = line, *end = line + s->len;
    uint32_t col = 1, eol_col = 0;
    int rc = 0;
    c->ntoks = 0;
    c->nstrs = 0;
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
            col = cols_after(col, p, p + 1);
            p++;
            continue;
        }
        if (ch == ';')
            break;
        struct asm_tok t = {.stmt = si, .col = col, .p = p};
        const char *q = p + 1;
        if (asm_ident_char(ch, true)) {
            while (q < end && asm_ident_char((unsigned char)*q, false))
                q++;
            t.kind = TK_IDENT;
        } else if (ch >= '0' && ch <= '9') {
            /* take the whole word, so that "12ab" is one bad number */
            while (q < end && (isalnum((unsigned char)*q) || asm_ident_char((unsigned char)*q, false)))
                q++;
            t.kind = TK_NUM;
            t.len = (uint32_t)(q - p);
            t.width = cols_after(col, p, q) - col;
            rc = lex_number(c, &t);
        } else if (ch == '\'') {
            rc = lex_char(c, &t, end, &q);
        } else if (ch == '"') {
            rc = lex_string(c, &t, end, &q);
        } else if ((ch == '<' || ch == '>') && p + 1 < end && p[1] == (char)ch) {
            t.kind = TK_PUNCT;
            t.punct = ch == '<' ? P_SHL : P_SHR;
            q = p + 2;
        } else if (ch && strchr("()+-*/%&|^~,:=", ch)) {
            t.kind = TK_PUNCT;
            t.punct = ch;
        } else {
            t.width = 1;
            if (ch >= 0x20 && ch < 0x7f)
                asm_error_tok(c, &t, "unexpected character '%c'", ch);
            else
                asm_error_tok(c, &t, "unexpected byte 0x%02x", ch);
            rc = -1;
        }
        if (rc != 0)
            break;
        t.len = (uint32_t)(q - p);
        t.width = cols_after(col, p, q) - col;
        push_tok(c, &t);
        col = cols_after(col, p, q);
        eol_col = col;
        p = q;
    }
    /* The end of the statement sits just after its last token, so that
     * "expected an expression" points where the expression is missing. */
    struct asm_tok eol = {.kind = TK_EOL, .stmt = si, .col = eol_col ? eol_col : col,
                          .width = 1, .p = p};
    push_tok(c, &eol);
    return rc;
}

/* The words a '.word' whose operands cannot be read (a bad token, an
 * expression that does not parse) would hold: one more than the commas
 * after its head token H outside quotes and parentheses, so that the
 * labels after it stay put and their uses raise no false errors. */
uint32_t asm_words_listed(const struct asm_ctx *c, const struct asm_tok *h)
{
    const struct asm_stmt *s = &c->stmts[h->stmt];
    const char *p = h->p + h->len, *end = c->files[s->file].text + s->off + s->len;
    uint32_t n = 1;
    int depth = 0;
    for (; p < end && *p != ';'; p++) {
        if (*p == '\'' || *p == '"') { /* to its closing quote, escapes and all */
            const char *q = p;
            for (p++; p < end && *p != *q; p++)
                p += *p == '\\' && p + 1 < end;
            if (p >= end)
                break;
        } else {
            depth += (*p == '(') - (*p == ')');
            n += *p == ',' && depth <= 0;
        }
    }
    return n;
}
