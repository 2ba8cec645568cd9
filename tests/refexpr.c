/* refexpr.c: the monitor's expressions as docs/monitor.md ("Addresses and
 * expressions") and docs/asm.md ("Expressions") describe them, evaluated
 * left to right in one pass, so that the first error in reading order is
 * the one reported; and a generator of random expressions.  Where the docs
 * give no wording (a syntax error, an E[x] outside the machine) the text
 * follows what the monitor says. */
#include "refexpr.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rng.h"

#define RX_DEPTH 256

struct cx {
    const struct rx_env *env;
    const char *p;
    int depth;
    bool failed;
    char *err;
    size_t errlen;
};

static int fail(struct cx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct cx *c, const char *fmt, ...)
{
    if (!c->failed) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
        c->failed = true;
    }
    return -1;
}

/* docs/monitor.md: an error quotes at most 80 bytes of the expression (a
 * UTF-8 character not cut), then "..." when there was more. */
static int cut_len(const char *p, size_t n)
{
    if (n <= 80)
        return (int)n;
    for (n = 80; n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80; n--)
        ;
    return (int)n;
}

static void ws(struct cx *c)
{
    while (*c->p == ' ' || *c->p == '\t')
        c->p++;
}

/* A syntax error at the current place: the rest of the line is quoted. */
static int unexpected(struct cx *c)
{
    ws(c);
    if (!*c->p)
        return fail(c, "expression ends too soon");
    size_t n = strlen(c->p);
    while (n && c->p[n - 1] == ' ')
        n--;
    return fail(c, "unexpected '%.*s%s'", cut_len(c->p, n), c->p, n > 80 ? "..." : "");
}

/* A ')' or ']' that is not where it should be. */
static int missing(struct cx *c, char close)
{
    ws(c);
    if (!*c->p)
        return fail(c, "missing '%c' at the end", close);
    size_t n = strlen(c->p);
    while (n && c->p[n - 1] == ' ')
        n--;
    return fail(c, "missing '%c' near '%.*s%s'", close, cut_len(c->p, n), c->p,
                n > 80 ? "..." : "");
}

static int enter(struct cx *c)
{
    if (++c->depth > RX_DEPTH)
        return fail(c, "expression nested too deeply (more than %d levels)", RX_DEPTH);
    return 0;
}

/* An address in a message: hex, or signed when negative. */
static void addr_text(uint64_t a, char *buf, size_t len)
{
    if ((int64_t)a < 0)
        snprintf(buf, len, "%" PRId64, (int64_t)a);
    else
        snprintf(buf, len, "0x%" PRIx64, a);
}

static int expr(struct cx *c, bool live, uint64_t *v);

static bool name_char(char ch)
{
    return isalnum((unsigned char)ch) || ch == '_';
}

static int digit_val(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 10;
    return 99;
}

/* Digits of BASE in [S, E), '_' only between two digits; *OVF on overflow. */
static bool digits(const char *s, const char *e, unsigned base, uint64_t *v, bool *ovf)
{
    *v = 0;
    *ovf = false;
    if (s == e)
        return false;
    for (const char *q = s; q < e; q++) {
        if (*q == '_') {
            if (q == s || q + 1 == e || q[1] == '_')
                return false;
            continue;
        }
        int d = digit_val(*q);
        if (d >= (int)base)
            return false;
        if (*v > (UINT64_MAX - (uint64_t)d) / base)
            *ovf = true;
        *v = *v * base + (uint64_t)d;
    }
    return true;
}

static int number(struct cx *c, uint64_t *v)
{
    const char *s = c->p, *e = s;
    while (name_char(*e))
        e++;
    unsigned base = 10;
    const char *d = s;
    if (s[0] == '0' && strchr("xXbBoO", s[1]) && s[1]) {
        base = tolower((unsigned char)s[1]) == 'x' ? 16 : tolower((unsigned char)s[1]) == 'b' ? 2 : 8;
        d = s + 2;
    }
    bool ovf;
    if (!digits(d, e, base, v, &ovf)) {
        const char *n = s + strlen(s); /* the rest of the line is quoted */
        char hint[128] = "";
        uint64_t k;
        bool o2;
        char last = e > s ? e[-1] : 0;
        if (base == 10 && strchr("kKmMgG", last) && last && digits(s, e - 1, 10, &k, &o2) && !o2) {
            int sh = strchr("kK", last) ? 10 : strchr("mM", last) ? 20 : 30;
            snprintf(hint, sizeof hint, " (no %s suffix here: %.*s is %" PRIu64 ")",
                     sh == 30 ? "G" : "K or M", (int)(e - s), s, k << sh);
        }
        return fail(c, "bad number near '%.*s%s'%s", cut_len(s, (size_t)(n - s)), s,
                    n - s > 80 ? "..." : "", hint);
    }
    if (ovf)
        return fail(c, "number '%.*s%s' does not fit in 64 bits", cut_len(s, (size_t)(e - s)),
                    s, e - s > 80 ? "..." : "");
    c->p = e;
    return 0;
}

static int charconst(struct cx *c, uint64_t *v)
{
    const char *s = c->p, *q = s + 1;
    bool ok = false;
    if (q[0] == '\\') {
        const char *esc = "n\nt\tr\r0\0\\\\''\"\"";
        for (const char *t = esc; *t; t += 2)
            if (q[1] == t[0] && q[2] == '\'') {
                *v = (unsigned char)t[1];
                ok = true;
                q += 3;
                break;
            }
        if (!ok && q[1] == 'x' && isxdigit((unsigned char)q[2]) && isxdigit((unsigned char)q[3]) &&
            q[4] == '\'') {
            *v = (uint64_t)(digit_val(q[2]) * 16 + digit_val(q[3]));
            ok = true;
            q += 5;
        }
    } else if (q[0] && q[0] != '\'' && q[1] == '\'' && !(q[0] & 0x80)) {
        *v = (unsigned char)q[0];
        ok = true;
        q += 2;
    }
    if (!ok) {
        size_t n = strlen(s);
        return fail(c, "bad character constant near '%.*s%s'", cut_len(s, n), s,
                    n > 80 ? "..." : "");
    }
    c->p = q;
    return 0;
}

static bool builtin(const struct rx_env *env, const char *n, size_t len, uint64_t *v)
{
    static const char *const consts[] = {"user", "sup", "none", "privileged",
                                         "memory", "svc", "illegal", "timer"};
    static const uint64_t cval[] = {0, 1, 0, 1, 2, 3, 4, 5};
    struct {
        const char *name;
        uint64_t val;
    } regs[] = {{"P", env->P},         {"pc", env->P},         {"M", env->M},
                {"I", env->I},         {"l", env->l},          {"b", env->b},
                {"q", env->q},         {"cause", env->cause},  {"cycles", env->cycles},
                {"steps", env->steps}, {"insns", env->insns},  {"halted", env->halted},
                {".", env->P}};
    for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
        if (strlen(regs[i].name) == len && !memcmp(regs[i].name, n, len)) {
            *v = regs[i].val;
            return true;
        }
    for (size_t i = 0; i < 8; i++)
        if (strlen(consts[i]) == len && !memcmp(consts[i], n, len)) {
            *v = cval[i];
            return true;
        }
    return false;
}

static int memory(struct cx *c, bool live, bool virt, uint64_t *v)
{
    if (enter(c))
        return -1;
    ws(c);
    c->p++; /* '[' */
    uint64_t a;
    if (expr(c, live, &a))
        return -1;
    ws(c);
    if (*c->p != ']')
        return missing(c, ']');
    c->p++;
    c->depth--;
    *v = 0;
    if (!live)
        return 0;
    const struct rx_env *e = c->env;
    char at[32];
    addr_text(a, at, sizeof at);
    if (virt) {
        /* the two checks of section 2, a + l as an integer (no wrap) */
        if (a >= e->q || a + e->l >= e->q)
            return fail(c, "V[%s] would take a memory trap (a + l >= q)", at);
        if (a >= e->b)
            return fail(c, "V[%s] would take a memory trap (a >= b)", at);
        *v = e->E[a + e->l];
        return 0;
    }
    if (a >= e->q)
        return fail(c, "E[%s] is outside the machine", at);
    *v = e->E[a];
    return 0;
}

static int call(struct cx *c, bool live, const char *n, size_t len, uint64_t *v)
{
    if (enter(c))
        return -1;
    bool isrb = len == 2;
    const char *fn = isrb ? "rb" : len == 3 ? "psw" : "pswi";
    c->p = n + len;
    ws(c);
    c->p++; /* '(' */
    uint64_t a[8];
    int na = 0;
    ws(c);
    if (*c->p == ')') {
        c->p++;
    } else {
        for (;;) {
            uint64_t x;
            if (expr(c, live, &x))
                return -1;
            if (na < 8)
                a[na] = x;
            na++;
            ws(c);
            if (*c->p == ',') {
                c->p++;
                continue;
            }
            if (*c->p == ')') {
                c->p++;
                break;
            }
            return missing(c, ')');
        }
    }
    int want = isrb ? 2 : 4;
    if (na != want)
        return fail(c, "%s takes %d arguments (%s), got %d", fn, want,
                    isrb ? "l, b" : "m, p, l, b", na);
    c->depth--;
    *v = 0;
    if (!live)
        return 0;
    static const char *const pn[] = {"m", "p", "l", "b"}, *const rn[] = {"l", "b"};
    static const uint64_t pmax[] = {1, 524287, 524287, 524288}, rmax[] = {524287, 524288};
    for (int i = 0; i < want; i++) {
        uint64_t mx = isrb ? rmax[i] : pmax[i];
        if (a[i] > mx)
            return fail(c, "%s: %s = %" PRId64 " is out of range 0..%" PRIu64, fn,
                        isrb ? rn[i] : pn[i], (int64_t)a[i], mx);
    }
    if (isrb)
        *v = a[0] << 20 | a[1];
    else
        *v = a[0] << 63 | (uint64_t)(len == 4) << 62 | a[1] << 39 | a[2] << 20 | a[3];
    return 0;
}

static bool is_fn(const char *n, size_t len)
{
    return (len == 3 && !strncasecmp(n, "psw", 3)) || (len == 4 && !strncasecmp(n, "pswi", 4)) ||
           (len == 2 && !strncasecmp(n, "rb", 2));
}

static bool next_is(const char *p, char ch)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return *p == ch;
}

static int primary(struct cx *c, bool live, uint64_t *v)
{
    ws(c);
    char ch = *c->p;
    if (ch == '(') {
        if (enter(c))
            return -1;
        c->p++;
        if (expr(c, live, v))
            return -1;
        ws(c);
        if (*c->p != ')')
            return missing(c, ')');
        c->p++;
        c->depth--;
        return 0;
    }
    if (isdigit((unsigned char)ch) || ch == '\'') {
        if (enter(c))
            return -1;
        if (ch == '\'' ? charconst(c, v) : number(c, v))
            return -1;
        c->depth--;
        return 0;
    }
    bool dollar = ch == '$';
    /* a name is written as the assembler's symbols are (docs/asm.md) */
    const char *n = c->p + dollar, *e = n;
    if (isalpha((unsigned char)*e) || *e == '_' || *e == '.')
        for (e++; name_char(*e) || *e == '.' || *e == '$'; e++)
            ;
    size_t len = (size_t)(e - n);
    if (!len && !dollar)
        return unexpected(c);
    if (is_fn(n, len) && next_is(e, '('))
        return call(c, live, n, len, v);
    if (!dollar) {
        for (int i = 0; i < c->env->nlab; i++)
            if (strlen(c->env->lab[i]) == len && !memcmp(c->env->lab[i], n, len)) {
                if (enter(c))
                    return -1;
                c->depth--;
                c->p = e;
                *v = c->env->val[i];
                return 0;
            }
    }
    if (len == 1 && (*n == 'E' || *n == 'V') && next_is(e, '[')) {
        c->p = e;
        return memory(c, live, *n == 'V', v);
    }
    if (builtin(c->env, n, len, v)) {
        if (enter(c))
            return -1;
        c->depth--;
        c->p = e;
        return 0;
    }
    return fail(c, "unknown name '%.*s'", (int)(e - c->p), c->p);
}

static int unary(struct cx *c, bool live, uint64_t *v)
{
    ws(c);
    char ch = *c->p;
    if (ch && strchr("-!~+", ch)) {
        if (enter(c))
            return -1;
        c->p++;
        if (unary(c, live, v))
            return -1;
        c->depth--;
        *v = ch == '-' ? 0 - *v : ch == '!' ? !*v : ch == '~' ? ~*v : *v;
        return 0;
    }
    return primary(c, live, v);
}

/* Binary levels, lowest first; an operator is matched when the text is
 * not the start of a longer one. */
static const char *const levels[][3] = {
    {"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<=", ">=", "<"}, {"<<", ">>"},
    {"+", "-"}, {"*", "/", "%"},
};
#define NLEVELS ((int)(sizeof levels / sizeof levels[0]))

static const char *match(struct cx *c, int lv)
{
    ws(c);
    const char *p = c->p;
    if (lv == 6 && *p == '>' && p[1] != '>' && p[1] != '=')
        return ">";
    for (int i = 0; i < 3 && levels[lv][i]; i++) {
        const char *op = levels[lv][i];
        size_t n = strlen(op);
        if (strncmp(p, op, n))
            continue;
        if (n == 1 && strchr("|&<>", op[0]) && (p[1] == op[0] || (op[0] == '<' && p[1] == '=')))
            continue;
        return op;
    }
    return NULL;
}

static uint64_t apply(const char *op, uint64_t a, uint64_t b)
{
    int64_t x = (int64_t)a, y = (int64_t)b;
    switch (op[0]) {
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '=': return a == b;
    case '!': return a != b;
    case '<':
        return op[1] == '<' ? (b >= 64 ? 0 : a << b) : op[1] == '=' ? x <= y : x < y;
    case '>':
        if (op[1] == '>')
            return b >= 64 ? (x < 0 ? UINT64_MAX : 0) : (uint64_t)(x >> b);
        return op[1] == '=' ? x >= y : x > y;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return (x == INT64_MIN && y == -1) ? a : (uint64_t)(x / y);
    default: return (x == INT64_MIN && y == -1) ? 0 : (uint64_t)(x % y);
    }
}

static int binary(struct cx *c, int lv, bool live, uint64_t *v)
{
    if (lv == NLEVELS)
        return unary(c, live, v);
    if (binary(c, lv + 1, live, v))
        return -1;
    const char *op;
    while ((op = match(c, lv))) {
        c->p += strlen(op);
        uint64_t r;
        bool rlive = live && (lv > 1 || (lv == 0 ? !*v : !!*v));
        if (binary(c, lv + 1, rlive, &r))
            return -1;
        if (lv <= 1) {
            *v = lv == 0 ? (*v || r) : (*v && r);
            continue;
        }
        if (live && (op[0] == '/' || op[0] == '%') && !r)
            return fail(c, "division by zero");
        *v = live ? apply(op, *v, r) : 0;
    }
    return 0;
}

static int expr(struct cx *c, bool live, uint64_t *v)
{
    return binary(c, 0, live, v);
}

int rx_eval(const struct rx_env *env, const char *text, uint64_t *v, char *err, size_t errlen)
{
    return rx_eval_as(env, text, true, v, err, errlen);
}

int rx_eval_as(const struct rx_env *env, const char *text, bool live, uint64_t *v, char *err,
               size_t errlen)
{
    /* the monitor's message holds at most 255 bytes */
    struct cx c = {.env = env, .p = text, .err = err, .errlen = errlen < 256 ? errlen : 256};
    err[0] = 0;
    if (expr(&c, live, v))
        return -1;
    ws(&c);
    if (*c.p)
        return unexpected(&c);
    return 0;
}

void rx_format(char f, uint64_t v, char *out, size_t len)
{
    static const char *const causes[] = {"none", "privileged", "memory", "svc", "illegal", "timer"};
    char bits[80];
    int n = 0;
    switch (f) {
    case 'x': snprintf(out, len, "0x%" PRIx64, v); return;
    case 'd': snprintf(out, len, "%" PRId64, (int64_t)v); return;
    case 'u': snprintf(out, len, "%" PRIu64, v); return;
    case 'o': snprintf(out, len, "0o%" PRIo64, v); return;
    case 'b':
    case 't':
        for (int i = 63; i >= 0; i--)
            if (n || (v >> i & 1) || !i)
                bits[n++] = (char)('0' + (v >> i & 1));
        bits[n] = 0;
        snprintf(out, len, "0b%s", bits);
        return;
    case 'c':
        if (v >= 0x100)
            snprintf(out, len, "'\\x{%" PRIx64 "}'", v);
        else if (v == '\n' || v == '\t' || v == '\r' || v == '\\' || v == '\'') /* .ascii's escapes */
            snprintf(out, len, "'\\%c'",
                     v == '\n' ? 'n' : v == '\t' ? 't' : v == '\r' ? 'r' : (char)v);
        else if (v >= 0x20 && v < 0x7f)
            snprintf(out, len, "'%c'", (char)v);
        else
            snprintf(out, len, "'\\x%02" PRIx64 "'", v);
        return;
    case 'w': {
        uint64_t cz = v >> 58 & 15;
        snprintf(out, len, "%c I=%d P=0x%05" PRIx64 " l=0x%05" PRIx64 " b=0x%05" PRIx64 "  cause=%s",
                 v >> 63 ? 's' : 'u', (int)(v >> 62 & 1), v >> 39 & 0x7ffff, v >> 20 & 0x7ffff,
                 v & 0xfffff, cz < 6 ? causes[cz] : "?");
        return;
    }
    default:
        if (!v)
            snprintf(out, len, "0 (0)");
        else
            snprintf(out, len, "0x%" PRIx64 " (%" PRId64 ")", v, (int64_t)v);
    }
}

/* ---- the generator ---- */

struct gx {
    uint64_t *r;
    const struct rx_env *env;
    int spaces;
    char *out;
    size_t len, n;
};

static void put(struct gx *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct gx *g, const char *fmt, ...)
{
    if (g->n >= g->len)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(g->out + g->n, g->len - g->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        g->n += (size_t)k;
    if (g->n >= g->len)
        g->n = g->len - 1;
}

static unsigned pick(struct gx *g, unsigned n)
{
    return (unsigned)(rng_next(g->r) % n);
}

static void sp(struct gx *g)
{
    if (g->spaces && pick(g, 3) == 0)
        put(g, " ");
}

/* A value worth trying: small, near a power of two, or any. */
static uint64_t value(struct gx *g)
{
    switch (pick(g, 6)) {
    case 0: return pick(g, 4);
    case 1: return pick(g, 70);
    case 2: return (uint64_t)1 << pick(g, 64);
    case 3: return ((uint64_t)1 << pick(g, 64)) - 1;
    case 4: return 0 - (uint64_t)pick(g, 5);
    default: return rng_next(g->r);
    }
}

/* VALUE written in one of the forms the docs give. */
static void number_text(struct gx *g, uint64_t v)
{
    char d[80];
    int k = pick(g, 8);
    const char *pre = "";
    if (k == 0 || k == 1) {
        snprintf(d, sizeof d, k ? "%" PRIx64 : "%" PRIX64, v);
        pre = pick(g, 2) ? "0x" : "0X";
    } else if (k == 2) {
        snprintf(d, sizeof d, "%" PRIo64, v);
        pre = pick(g, 2) ? "0o" : "0O";
    } else if (k == 3 && v < 4096) {
        int n = 0;
        for (int i = 63; i >= 0; i--)
            if (n || (v >> i & 1) || !i)
                d[n++] = (char)('0' + (v >> i & 1));
        d[n] = 0;
        pre = pick(g, 2) ? "0b" : "0B";
    } else if (k == 4 && v >= 0x20 && v < 0x7f && v != ';' && v != '"' && v != '#' &&
               (g->spaces || v != ' ')) {
        put(g, v == '\'' || v == '\\' ? "'\\%c'" : "'%c'", (char)v);
        return;
    } else if (k == 5 && v < 256) {
        put(g, "'\\x%02" PRIx64 "'", v);
        return;
    } else {
        snprintf(d, sizeof d, "%" PRIu64, v);
    }
    put(g, "%s", pre);
    size_t n = strlen(d);
    bool grp = pick(g, 4) == 0;
    for (size_t i = 0; i < n; i++) {
        put(g, "%c", d[i]);
        if (grp && i + 1 < n && pick(g, 3) == 0)
            put(g, "_");
    }
}

static void leaf(struct gx *g)
{
    static const char *const names[] = {"P",      "pc",    "M",    "I",     "l",    "b",
                                        "q",      "cause", "cycles", "steps", "insns", "halted",
                                        "user",   "sup",   "none", "privileged", "memory",
                                        "svc",    "illegal", "timer", "."};
    const struct rx_env *e = g->env;
    switch (pick(g, 9)) {
    case 0:
    case 1:
    case 2: number_text(g, value(g)); return;
    case 3:
        if (e->nlab) {
            put(g, "%s", e->lab[pick(g, (unsigned)e->nlab)]);
            return;
        }
        /* fall through */
    case 4: put(g, "%s", names[pick(g, sizeof names / sizeof names[0])]); return;
    case 5: put(g, "$%s", names[pick(g, sizeof names / sizeof names[0])]); return;
    default: number_text(g, pick(g, 3) ? pick(g, 40) : value(g));
    }
}

static const char *const binops[] = {"||", "&&", "|", "^", "&", "==", "!=", "<", "<=", ">",
                                     ">=", "<<", ">>", "+", "-", "*", "/", "%"};

static void gen(struct gx *g, int d)
{
    unsigned k = d <= 0 ? 0 : pick(g, 12);
    switch (k) {
    case 0:
    case 1:
    case 2: leaf(g); return;
    case 3:
    case 4: {
        const char *u = "-!~+";
        put(g, "%c", u[pick(g, 4)]);
        gen(g, d - 1);
        return;
    }
    case 5:
        put(g, "(");
        gen(g, d - 1);
        put(g, ")");
        return;
    case 6:
        put(g, "%s%s[", pick(g, 4) ? "" : "$", pick(g, 3) ? "E" : "V");
        if (pick(g, 3))
            number_text(g, pick(g, 4) ? pick(g, 48) : value(g));
        else
            gen(g, d - 1);
        put(g, "]");
        return;
    case 7: {
        static const char *const fn[] = {"psw", "pswi", "rb", "PSW", "Rb", "pSwI"};
        const char *f = fn[pick(g, 6)];
        int na = tolower((unsigned char)f[0]) == 'r' ? 2 : 4;
        if (pick(g, 16) == 0)
            na += pick(g, 2) ? 1 : -1;
        put(g, "%s(", f);
        for (int i = 0; i < na; i++) {
            if (i)
                put(g, ",");
            sp(g);
            if (pick(g, 4))
                number_text(g, pick(g, 3) ? pick(g, 8) : i == 0 && na == 4 ? pick(g, 3) : value(g) & 0xfffff);
            else
                gen(g, d - 2);
        }
        put(g, ")");
        return;
    }
    default: {
        gen(g, d - 1);
        sp(g);
        put(g, "%s", binops[pick(g, sizeof binops / sizeof binops[0])]);
        sp(g);
        gen(g, d - 1);
    }
    }
}

static void spoil(struct gx *g)
{
    static const char *const bad[] = {
        "0x",   "0b2",  "1__0", "10_",  "0x_1", "64K",  "3m",  "2G",   "'ab'",
        "'\\q'", "''",  "zqxj", "$zqxj", "99999999999999999999", "0o8", "@", ")",
        "(1",   "E[1",  "0B",   "1_",   "'\\x4'", "0xfffffffffffffffff", "12ab"};
    unsigned k = pick(g, 3);
    const char *t = bad[pick(g, sizeof bad / sizeof bad[0])];
    if (k == 0) {
        /* a bad token where an operand goes */
        char rest[512];
        snprintf(rest, sizeof rest, "%s", g->out);
        g->n = 0;
        put(g, "%s", t);
        put(g, "%s", binops[pick(g, sizeof binops / sizeof binops[0])]);
        put(g, "%s", rest);
    } else if (k == 1) {
        put(g, "%s", binops[pick(g, sizeof binops / sizeof binops[0])]);
        put(g, "%s", t);
    } else if (g->n > 1) {
        g->n -= 1 + pick(g, (unsigned)(g->n < 4 ? g->n - 1 : 3)); /* cut short */
        g->out[g->n] = 0;
        /* a name cut short would get a guess (did you mean ...): make it
         * far from every name instead */
        char last = g->n ? g->out[g->n - 1] : 0;
        if (isalpha((unsigned char)last) || last == '$' || last == '.' || last == '_')
            put(g, "zqxj");
    }
}

void rx_gen(uint64_t *rng, const struct rx_env *env, int spaces, int bad, char *out, size_t len)
{
    struct gx g = {.r = rng, .env = env, .spaces = spaces, .out = out, .len = len};
    out[0] = 0;
    gen(&g, 1 + pick(&g, 6));
    if (bad && pick(&g, (unsigned)bad) == 0)
        spoil(&g);
    /* a word never ends in a space, and never starts a comment */
    while (g.n && out[g.n - 1] == ' ')
        out[--g.n] = 0;
}
