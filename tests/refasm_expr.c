/* refasm_expr.c: the reference assembler's tokens, symbols and
 * expressions (docs/asm.md, "Expressions"); see refasm.h. */
#include "refasm_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const dirnames[] = {
    [D_ORG] = ".org",         [D_WORD] = ".word",    [D_ASCII] = ".ascii",
    [D_ASCIZ] = ".asciz",     [D_SPACE] = ".space",  [D_INCLUDE] = ".include",
    [D_ENTRY] = ".entry",     [D_ENTRYPSW] = ".entrypsw", [D_PHASE] = ".phase",
    [D_DEPHASE] = ".dephase", [D_EQU] = ".equ",
};

void ra_err(struct ctx *c, const struct line *l, const char *msg)
{
    if (c->nerrs == c->caperrs) {
        c->caperrs = c->caperrs ? 2 * c->caperrs : 64;
        c->errs = realloc(c->errs, (size_t)c->caperrs * sizeof *c->errs);
    }
    c->errs[c->nerrs++] = l->seq;
    if (c->eseq >= 0 && c->eseq <= l->seq)
        return;
    c->eseq = l->seq;
    snprintf(c->r->efile, sizeof c->r->efile, "%s", l->file);
    c->r->eline = l->lineno;
    c->r->emsg = msg;
}

/* ---- lexing one line ---- */

static bool name_start(int ch) { return isalpha(ch) || ch == '_' || ch == '.'; }
static bool name_char(int ch) { return isalnum(ch) || ch == '_' || ch == '.' || ch == '$'; }

static int hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    ch = tolower(ch);
    return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/* one character or escape; -1 if bad */
static int escape(const char **pp, const char *end, uint8_t *out)
{
    const char *p = *pp;
    if (p >= end)
        return -1;
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
    case '0': *out = 0; break;
    case '\\': *out = '\\'; break;
    case '\'': *out = '\''; break;
    case '"': *out = '"'; break;
    case 'x':
        if (p + 3 >= end || hexval(p[2]) < 0 || hexval(p[3]) < 0)
            return -1;
        *out = (uint8_t)(hexval(p[2]) * 16 + hexval(p[3]));
        *pp = p + 4;
        return 0;
    default: return -1;
    }
    *pp = p + 2;
    return 0;
}

static bool number(const char *s, size_t n, uint64_t *v)
{
    unsigned base = 10;
    if (n > 2 && s[0] == '0' && strchr("xXbBoO", s[1])) {
        base = tolower(s[1]) == 'x' ? 16 : tolower(s[1]) == 'b' ? 2 : 8;
        s += 2;
        n -= 2;
    }
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        int d = hexval(s[i]);
        if (d < 0 || (unsigned)d >= base)
            return false;
        if (x > (UINT64_MAX - (unsigned)d) / base)
            return false;
        x = x * base + (unsigned)d;
    }
    *v = x;
    return true;
}

static int lex(struct ctx *c, struct line *l, const char *p, const char *end);

/* Tokens of TEXT[0..N) up to a comment; -1 (and the error) if bad.  They
 * are read into one buffer and kept in an array of their number (and a
 * zero token after them): 48 KiB cleared per line was this model's time. */
int ra_lex(struct ctx *c, struct line *l, const char *p, const char *end)
{
    static struct tok buf[MAXTOK];
    l->t = buf;
    l->nt = 0;
    int rc = lex(c, l, p, end);
    l->t = calloc((size_t)l->nt + 1, sizeof *l->t);
    memcpy(l->t, buf, (size_t)l->nt * sizeof *l->t);
    return rc;
}

static int lex(struct ctx *c, struct line *l, const char *p, const char *end)
{
    while (p < end) {
        unsigned char ch = (unsigned char)*p;
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v') {
            p++;
            continue;
        }
        if (ch == ';')
            break;
        if (l->nt >= MAXTOK - 1) {
            ra_err(c, l, NULL);
            return -1;
        }
        struct tok *t = &l->t[l->nt++];
        memset(t, 0, sizeof *t);
        if (name_start(ch)) {
            const char *s = p;
            while (p < end && name_char((unsigned char)*p))
                p++;
            t->k = T_NAME;
            if (p - s > 63) { /* an error, but tgm reads on (docs/asm.md is silent) */
                ra_err(c, l, NULL);
                memcpy(t->s, s, 63);
                t->v = 1; /* too long: defines nothing */
                continue;
            }
            memcpy(t->s, s, (size_t)(p - s));
        } else if (isdigit(ch)) {
            const char *s = p;
            while (p < end && (isalnum((unsigned char)*p) || *p == '_'))
                p++;
            t->k = T_NUM;
            if (!number(s, (size_t)(p - s), &t->v)) {
                ra_err(c, l, NULL);
                return -1;
            }
        } else if (ch == '\'') {
            p++;
            uint8_t b;
            int esc = escape(&p, end, &b);
            if (esc < 0 || p >= end || *p != '\'') {
                /* a second byte before the quote: one byte only */
                const char *q = p;
                bool closed = false;
                while (q < end && *q != '\'' && *q != '"' && *q != ';')
                    q++;
                closed = q < end && *q == '\'';
                /* after a directive that takes a string, what docs/asm.md
                 * says of .include 'p.s' */
                const struct tok *d = l->nt >= 2 ? &l->t[l->nt - 2] : NULL;
                if (d && d->k == T_NAME && (ra_lookup_dir(d->s) == D_INCLUDE ||
                                            ra_lookup_dir(d->s) == D_ASCII ||
                                            ra_lookup_dir(d->s) == D_ASCIZ))
                    ra_err(c, l, "takes a string in double quotes, not a character literal");
                else
                    ra_err(c, l, closed && esc == 0 ? "character literal must hold one byte" : NULL);
                return -1;
            }
            p++;
            t->k = T_CHR;
            t->v = b;
        } else if (ch == '"') {
            p++;
            t->k = T_STR;
            t->str = malloc((size_t)(end - p) + 1);
            t->slen = 0;
            for (;;) {
                if (p >= end) {
                    ra_err(c, l, NULL);
                    return -1;
                }
                if (*p == '"') {
                    p++;
                    break;
                }
                uint8_t b;
                if (escape(&p, end, &b) < 0) {
                    ra_err(c, l, NULL);
                    return -1;
                }
                t->str[t->slen++] = (char)b;
            }
        } else {
            t->k = T_PUNCT;
            if (p + 1 < end && ((ch == '<' && p[1] == '<') || (ch == '>' && p[1] == '>'))) {
                memcpy(t->s, p, 2);
                p += 2;
            } else if (strchr("|^&+-*/%~(),:=", ch) && ch) {
                t->s[0] = (char)ch;
                p++;
            } else {
                ra_err(c, l, NULL);
                return -1;
            }
        }
    }
    return 0;
}

bool ra_is_p(const struct line *l, int i, const char *s)
{
    return i < l->nt && l->t[i].k == T_PUNCT && !strcmp(l->t[i].s, s);
}

/* ---- symbols ---- */

struct sym *ra_sym_find(struct ctx *c, const char *name)
{
    for (int i = 0; i < c->nsyms; i++)
        if (!strcmp(c->syms[i].name, name))
            return &c->syms[i];
    return NULL;
}

void ra_sym_define(struct ctx *c, struct line *l, const char *name, int kind,
                       uint64_t value)
{
    if (ra_sym_find(c, name)) {
        ra_err(c, l, "duplicate symbol");
        return;
    }
    if (c->nsyms >= MAXSYM)
        return;
    struct sym *s = &c->syms[c->nsyms++];
    memset(s, 0, sizeof *s);
    snprintf(s->name, sizeof s->name, "%s", name);
    s->kind = kind;
    s->seq = l->seq;
    s->value = value;
    s->def = l;
    s->state = kind == RA_CONST ? 0 : 2;
    if ((!strcmp(name, "SUP") && c->sup_used) || (!strcmp(name, "USER") && c->user_used))
        ra_err(c, l, NULL);
}

/* ---- expressions ---- */

struct ev {
    struct ctx *c;
    const struct line *l;
    int i, end;
    bool bad;
    int depth;
};

static uint64_t expr_or(struct ev *e);

static uint64_t shl(uint64_t x, uint64_t n) { return n >= 64 ? 0 : x << n; }
static uint64_t sar(uint64_t x, uint64_t n)
{
    bool neg = x >> 63;
    if (n >= 64)
        return neg ? UINT64_MAX : 0;
    uint64_t r = x >> n;
    if (neg && n)
        r |= ~(UINT64_MAX >> n);
    return r;
}

static uint64_t lookup(struct ev *e, const char *name)
{
    struct ctx *c = e->c;
    if (!strcmp(name, ".") || c->syntax_only)
        return e->l->dot;
    struct sym *s = ra_sym_find(c, name);
    if (s && c->restricted && s->seq >= c->cur->seq)
        s = NULL;
    if (!s) {
        bool sup = !strcmp(name, "SUP"), user = !strcmp(name, "USER");
        if (sup || user) {
            if (c->restricted)
                *(sup ? &c->sup_used : &c->user_used) = 1;
            return sup ? 1 : 0;
        }
        c->undefined = 1;
        e->bad = true;
        return 0;
    }
    if (s->kind != RA_CONST)
        return s->value;
    uint64_t v = 0;
    if (ra_eval_const(c, s, &v) < 0) {
        e->bad = true;
        if (s->state == 3)
            c->poisoned = 1;
    }
    return v;
}

static uint64_t primary(struct ev *e)
{
    const struct line *l = e->l;
    if (e->i >= e->end) {
        e->bad = true;
        return 0;
    }
    const struct tok *t = &l->t[e->i];
    if (t->k == T_NUM || t->k == T_CHR) {
        e->i++;
        return t->v;
    }
    if (t->k == T_NAME) {
        e->i++;
        if (e->i < e->end && ra_is_p(l, e->i, "(")) {
            char lo[8] = "";
            for (int k = 0; t->s[k] && k < 7; k++)
                lo[k] = (char)tolower((unsigned char)t->s[k]);
            int want = !strcmp(lo, "rb") ? 2 : (!strcmp(lo, "psw") || !strcmp(lo, "pswi")) ? 4 : 0;
            if (!want || strlen(t->s) > 4) {
                e->bad = true;
                return 0;
            }
            e->i++;
            uint64_t a[4] = {0};
            int n = 0;
            for (;;) {
                if (n >= 4) {
                    e->bad = true;
                    return 0;
                }
                a[n++] = expr_or(e);
                if (e->i < e->end && ra_is_p(l, e->i, ",")) {
                    e->i++;
                    continue;
                }
                break;
            }
            if (!(e->i < e->end && ra_is_p(l, e->i, ")")) || n != want) {
                e->bad = true;
                return 0;
            }
            e->i++;
            if (e->c->syntax_only)
                return 0;
            if (want == 2) {
                if (a[0] >= MEM || a[1] > MEM)
                    e->bad = true;
                return a[0] << 20 | a[1];
            }
            if (a[0] > 1 || a[1] >= MEM || a[2] >= MEM || a[3] > MEM)
                e->bad = true;
            return a[0] << 63 | (uint64_t)(lo[3] == 'i') << 62 | a[1] << 39 | a[2] << 20 | a[3];
        }
        return lookup(e, t->s);
    }
    if (ra_is_p(l, e->i, "(")) {
        e->i++;
        uint64_t v = expr_or(e);
        if (!(e->i < e->end && ra_is_p(l, e->i, ")")))
            e->bad = true;
        else
            e->i++;
        return v;
    }
    e->bad = true;
    return 0;
}

static uint64_t unary(struct ev *e)
{
    if (e->i < e->end && (ra_is_p(e->l, e->i, "-") || ra_is_p(e->l, e->i, "~") ||
                          ra_is_p(e->l, e->i, "+"))) {
        char op = e->l->t[e->i++].s[0];
        uint64_t v = unary(e);
        return op == '-' ? (uint64_t)0 - v : op == '~' ? ~v : v;
    }
    return primary(e);
}

static uint64_t binop(struct ev *e, int level);

static uint64_t apply(struct ev *e, const char *op, uint64_t a, uint64_t b)
{
    int64_t sa = (int64_t)a, sb = (int64_t)b;
    switch (op[0]) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '<': return shl(a, b);
    case '>': return sar(a, b);
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
    case '%':
        if (!b && e->c->syntax_only)
            return 0;
        if (!b) {
            e->bad = true;
            return 0;
        }
        if (sa == INT64_MIN && sb == -1)
            return op[0] == '/' ? a : 0;
        return op[0] == '/' ? (uint64_t)(sa / sb) : (uint64_t)(sa % sb);
    }
    return 0;
}

/* levels: 0 |, 1 ^, 2 &, 3 << >>, 4 + -, 5 * / % */
static const char *const level_ops[6][3] = {
    {"|"}, {"^"}, {"&"}, {"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
};

static uint64_t binop(struct ev *e, int level)
{
    if (level == 6)
        return unary(e);
    uint64_t v = binop(e, level + 1);
    for (;;) {
        const char *hit = NULL;
        for (int k = 0; k < 3 && level_ops[level][k]; k++)
            if (e->i < e->end && ra_is_p(e->l, e->i, level_ops[level][k]))
                hit = level_ops[level][k];
        if (!hit)
            return v;
        e->i++;
        uint64_t w = binop(e, level + 1);
        v = apply(e, hit, v, w);
    }
}

static uint64_t expr_or(struct ev *e) { return binop(e, 0); }

/* Evaluate operand K of L; 0, or -1 (the error, when not only undefined,
 * is the caller's). */
int ra_eval_range(struct ctx *c, const struct line *l, int start, int n, uint64_t *v)
{
    struct ev e = {c, l, start, start + n, false, 0};
    const struct line *save = c->cur;
    int poisoned = c->poisoned;
    c->cur = l;
    c->poisoned = 0;
    if (n <= 0) {
        c->cur = save;
        return -1;
    }
    *v = expr_or(&e);
    c->cur = save;
    if (e.i != e.end)
        e.bad = true;
    /* an error that is a bad constant's is no further error (-2) */
    int rc = !e.bad ? 0 : c->poisoned && e.i == e.end ? -2 : -1;
    c->poisoned = poisoned;
    return rc;
}

int ra_eval_const(struct ctx *c, struct sym *s, uint64_t *v)
{
    if (s->state == 2) {
        *v = s->value;
        return 0;
    }
    if (s->state == 3)
        return -1;
    if (s->state == 1) { /* defined in terms of itself: said where the
                            evaluation comes back to it */
        s->state = 3;
        ra_err(c, c->cur, NULL);
        return -1;
    }
    s->state = 1;
    struct line *l = s->def;
    int a = l->d == D_EQU ? l->arg[1] : l->arg[0], n = l->d == D_EQU ? l->argn[1] : l->argn[0];
    bool restricted = c->restricted;
    int undefined = c->undefined;
    c->undefined = 0;
    uint64_t x = 0;
    int rc = ra_eval_range(c, l, a, n, &x);
    if (rc < 0 && restricted && c->undefined) {
        /* not known above the restricted use: leave it for pass 2 */
        s->state = 0;
        c->undefined = 1;
        return -1;
    }
    c->undefined = undefined;
    if (s->state == 3)
        return -1;
    if (rc < 0) {
        s->state = 3;
        if (rc == -1)
            ra_err(c, l, NULL);
        return -1;
    }
    s->state = 2;
    s->value = x;
    *v = x;
    return 0;
}

int ra_lookup_dir(const char *s)
{
    char lo[16] = "";
    if (strlen(s) >= sizeof lo)
        return -1;
    for (int k = 0; s[k]; k++)
        lo[k] = (char)tolower((unsigned char)s[k]);
    for (int d = 0; d < D_FILE_END; d++)
        if (dirnames[d] && !strcmp(dirnames[d], lo))
            return d;
    return -1;
}
