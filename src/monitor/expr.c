/* expr.c: the monitor's small expression language, for addresses, values
 * and 'assert'.
 *
 * Names reach the state of section 2 directly: P, M, I, l, b, q, E[x] (a
 * word of E by physical address) and V[x] (developed through R, failing as
 * the memory trap would); psw() and rb() build its PSW and R words.  C
 * precedence; values are 64-bit, compared signed.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/asm.h"
#include "tgm/suggest.h"

/* Deeper nesting of parentheses or unary operators than this is an error,
 * not a stack overflow (as in the assembler). */
#define EV_MAX_DEPTH 256u

struct ev {
    struct mon *m;
    const char *s, *p;
    char *err;
    size_t errlen;
    bool bad;
    unsigned depth;
    /* inside the side of && or || that the other decides: parsed, but a
     * word's value is not wanted, so it fails no read and no division */
    unsigned skip;
    /* the first comparison that came out false, for assert's message */
    bool cmp_set;
    uint64_t cmp_l, cmp_r;
    const char *cmp_op;
};

static uint64_t fail(struct ev *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static uint64_t fail(struct ev *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (!e->bad)
        vsnprintf(e->err, e->errlen, fmt, ap);
    va_end(ap);
    e->bad = true;
    return 0;
}

static void skip(struct ev *e)
{
    while (*e->p == ' ' || *e->p == '\t')
        e->p++;
}

/* Consume OP if it is next (and not the start of a longer operator). */
static bool accept(struct ev *e, const char *op)
{
    skip(e);
    size_t n = strlen(op);
    if (strncmp(e->p, op, n))
        return false;
    char c = e->p[n];
    if (n == 1 && (op[0] == '<' || op[0] == '>') && (c == op[0] || c == '='))
        return false;
    if (n == 1 && (op[0] == '&' || op[0] == '|') && c == op[0])
        return false;
    if (n == 1 && (op[0] == '!' || op[0] == '=') && c == '=')
        return false;
    e->p += n;
    return true;
}

static uint64_t expr(struct ev *e);
static uint64_t unary(struct ev *e);

static bool ident_char(int c, bool first)
{
    return isalpha(c) || c == '_' || c == '.' || c == '$' || (!first && isdigit(c));
}

const char *mon_why_trap(const struct machine *x, uint64_t a)
{
    struct psw p = machine_psw(x);
    /* a + l as an integer: in 64 bits it wraps for a near 2^64 (V[-1]) */
    if (a >= machine_q(x) || a + p.l >= machine_q(x))
        return "a + l >= q";
    if (a >= p.b)
        return "a >= b";
    return NULL;
}

static uint64_t memory(struct ev *e, bool virt, uint64_t a)
{
    if (e->skip)
        return 0;
    struct machine *x = mon_target(e->m);
    uint64_t v = 0;
    char what[40], at[32];
    snprintf(what, sizeof what, "%c[%s]", virt ? 'V' : 'E', mon_addr_text(NULL, a, at, sizeof at));
    if (virt) {
        const char *why = mon_why_trap(x, a);
        if (why) {
            char msg[96];
            snprintf(msg, sizeof msg, "%s would take a memory trap (%s)", what, why);
            return fail(e, "%s", msg);
        }
        machine_read_virt(x, a, &v);
        return v;
    }
    if (machine_read_phys(x, a, &v) != 0)
        return fail(e, "%s is outside the machine", what);
    return v;
}

static bool halted(struct mon *m)
{
    struct vm_info vi;
    if (m->focus == MON_FOCUS_BARE)
        return m->bare_ran && m->bare_last == EXIT_HALT;
    return vmm_vm_info(m->vmm, m->focus, &vi) == 0 && vi.state == VM_HALTED;
}

/* The built-in names: the PSW fields, q, the counters and the constants
 * (the trap causes are isa's names).  One table, so that a typo of one is
 * guessed from the same names that are looked up. */
enum builtin { B_P, B_M, B_I, B_L, B_B, B_Q, B_CAUSE, B_CYCLES, B_STEPS, B_INSNS, B_HALTED,
               B_CONST };
static const struct {
    const char *name;
    enum builtin what;
    uint64_t v; /* B_CONST's value */
} builtins[] = {
    {"P", B_P, 0}, {".", B_P, 0}, {"pc", B_P, 0}, /* pc: gdb's $pc */
    {"M", B_M, 0}, {"I", B_I, 0}, {"l", B_L, 0}, {"b", B_B, 0}, {"q", B_Q, 0},
    {"cause", B_CAUSE, 0}, {"cycles", B_CYCLES, 0}, {"steps", B_STEPS, 0},
    {"insns", B_INSNS, 0}, {"halted", B_HALTED, 0},
    {"user", B_CONST, 0}, {"u", B_CONST, 0}, {"sup", B_CONST, 1}, {"s", B_CONST, 1},
    {"supervisor", B_CONST, 1}, {"true", B_CONST, 1}, {"false", B_CONST, 0},
};

/* "unknown name 'N'", with a guess among the labels and the built-ins
 * when one is nearer than any other, as for commands: a label typed in
 * other capitals ('LOOP') or a register spelt as elsewhere ('PC'). */
static uint64_t unknown_name(struct ev *e, const char *written, const struct tgm_image *img)
{
    bool dollar = written[0] == '$';
    const char *n = written + dollar;
    struct tgm_suggest s;
    tgm_suggest_init(&s, n, strlen(n));
    for (uint32_t i = 0; img && !dollar && i < img->nsyms; i++)
        tgm_suggest_offer(&s, img->syms[i].name);
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
        tgm_suggest_offer(&s, builtins[i].name);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        tgm_suggest_offer(&s, trap_cause_name(i));
    /* E[x], V[x] and the functions are built-ins too, but only where their
     * bracket follows: 'e[1]' is E[1] typed in other capitals */
    skip(e);
    if (*e->p == '[') {
        tgm_suggest_offer(&s, "E");
        tgm_suggest_offer(&s, "V");
    }
    for (size_t i = 0; *e->p == '(' && isa_wordfn_at(i); i++)
        tgm_suggest_offer(&s, isa_wordfn_at(i)->name);
    const char *near = tgm_suggest_unique(&s);
    if (near)
        return fail(e, "unknown name '%s' (did you mean '%s%s'?)", written, dollar ? "$" : "",
                    near);
    return fail(e, "unknown name '%s'", written);
}

/* The value of a name: a label of the loaded program, else a built-in (the
 * PSW fields, the constants, the counters); $name skips the labels, so a
 * label hides a built-in only where it is written plainly. */
static uint64_t name_value(struct ev *e, const char *n)
{
    const char *written = n; /* for the error: '$foo', not 'foo' */
    const struct tgm_image *img = mon_symbols(e->m);
    const struct tgm_symbol *s = n[0] != '$' ? mon_symbol(e->m, img, n) : NULL;
    if (s)
        return s->value;
    if (n[0] == '$')
        n++;
    struct machine *x = mon_target(e->m);
    struct psw p = machine_psw(x);
    struct machine_counters c = machine_get_counters(x);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        if (!strcmp(n, trap_cause_name(i)))
            return i;
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        if (strcmp(n, builtins[i].name))
            continue;
        switch (builtins[i].what) {
        case B_P:
            e->m->expr_dot |= n[0] == '.'; /* examine's and deposit's R (mon_impl.h) */
            return p.p;
        case B_M: return p.sup;
        case B_I: return p.ie;
        case B_L: return p.l;
        case B_B: return p.b;
        case B_Q: return machine_q(x);
        case B_CAUSE: return machine_last_trap(x);
        case B_CYCLES: return c.cycles;
        case B_STEPS: return c.steps;
        case B_INSNS: return c.instret;
        case B_HALTED: return halted(e->m);
        case B_CONST: return builtins[i].v;
        }
    }
    return unknown_name(e, written, img);
}

/* C as a digit of BASE, or -1 */
static int digit_of(char c, int base)
{
    int d = isdigit((unsigned char)c) ? c - '0'
            : isxdigit((unsigned char)c) ? tolower((unsigned char)c) - 'a' + 10
                                          : -1;
    return d < base ? d : -1;
}

static uint64_t number(struct ev *e)
{
    const char *s = e->p;
    int base = 10;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, s += 2;
    else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        base = 2, s += 2;
    else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
        base = 8, s += 2;
    uint64_t v = 0;
    bool over = false;
    const char *start = s;
    for (;; s++) {
        /* '_' groups digits (70_000), one between two of them: '0x_' has
         * none, and is no 0 */
        if (*s == '_' && s > start && digit_of(s[1], base) >= 0)
            continue;
        if (*s == '_')
            return fail(e, "bad number near '%.*s%s'", MON_QUOTE(e->p));
        int d = digit_of(*s, base);
        if (d < 0)
            break;
        if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            over = true;
        v = v * (uint64_t)base + (uint64_t)d;
    }
    /* SIMH's SET CPU 64K: say what the number is in full (*s may end the text) */
    char hint[160];
    if (base == 10 && s > start && *s && !isalnum((unsigned char)s[1]) && !over &&
        tgm_suffix_hint(hint, sizeof hint, e->p, (size_t)(s - e->p) + 1, v))
        return fail(e, "bad number near '%.*s%s' %s", MON_QUOTE(e->p), hint);
    if (s == start || isalnum((unsigned char)*s))
        return fail(e, "bad number near '%.*s%s'", MON_QUOTE(e->p));
    if (over)
        return fail(e, "number '%.*s%s' does not fit in 64 bits",
                    MON_QUOTE_CUT(e->p, (size_t)(s - e->p), ASM_QUOTE_MAX));
    e->p = s;
    return v;
}

/* A closing CH that is not where E stands: at the end of the line, or
 * before what is there instead. */
static uint64_t missing(struct ev *e, char ch)
{
    skip(e);
    if (!*e->p)
        return fail(e, "missing '%c' at the end", ch);
    return fail(e, "missing '%c' near '%.*s%s'", ch, MON_QUOTE(e->p));
}

/* psw(m, p, l, b), pswi(m, p, l, b), rb(l, b) after its '(': the
 * assembler's functions, from the machine's one table of them. */
static uint64_t call(struct ev *e, const struct isa_wordfn *fn)
{
    uint64_t arg[4] = {0}, w;
    unsigned n = 0;
    if (!accept(e, ")"))
        for (;;) {
            uint64_t a = expr(e);
            if (n < 4)
                arg[n] = a;
            n++;
            if (accept(e, ")"))
                break;
            if (!accept(e, ","))
                return missing(e, ')');
        }
    char why[128];
    int bad = e->bad ? -1 : isa_wordfn_apply(fn, arg, n, &w, why, sizeof why);
    if (bad >= 0 && (!e->skip || (unsigned)bad == n)) /* a wrong count is always wrong */
        return fail(e, "%s", why);
    return bad >= 0 || e->bad ? 0 : w;
}

static uint64_t primary(struct ev *e)
{
    skip(e);
    const char *p = e->p;
    if (accept(e, "(")) {
        uint64_t v = expr(e);
        if (!accept(e, ")"))
            return missing(e, ')');
        return v;
    }
    if (isdigit((unsigned char)*p))
        return number(e);
    if (*p == '\'') { /* one byte, with the assembler's escapes ('\x41', '\"') */
        const char *q = p + 1, *end = q + strlen(q);
        uint8_t c = (uint8_t)*q;
        bool ok = *q == '\\' ? asm_escape(&q, end, &c) == 0 : *q && *q++ != '\'';
        if (!ok || *q != '\'') /* "print ';'": the ';' ended the command */
            return fail(e, "bad character constant near '%.*s%s'%s", MON_QUOTE(p),
                        !p[1] && e->m->cut_at_semicolon
                            ? " (a ';' ends the command: write it as '\\x3b')"
                            : "");
        e->p = q + 1;
        return c;
    }
    if (ident_char((unsigned char)*p, true)) {
        char name[TGM_SYM_MAX + 1];
        size_t n = 0;
        while (ident_char((unsigned char)p[n], n == 0))
            n++;
        if (n > TGM_SYM_MAX)
            return fail(e, "name too long near '%.*s%s'", MON_QUOTE(p));
        memcpy(name, p, n);
        name[n] = '\0';
        e->p += n;
        const char *bn = name + (name[0] == '$'); /* $E[x] is E[x] */
        const struct isa_wordfn *fn = isa_wordfn_find(bn, strlen(bn));
        if (fn && accept(e, "(")) /* no label hides a function: it is not called */
            return call(e, fn);
        if ((!strcmp(bn, "E") || !strcmp(bn, "V")) && accept(e, "[")) {
            uint64_t a = expr(e);
            if (!accept(e, "]"))
                return missing(e, ']');
            return e->bad ? 0 : memory(e, bn[0] == 'V', a);
        }
        const struct tgm_image *img = mon_symbols(e->m);
        if ((!strcmp(bn, "E") || !strcmp(bn, "V")) && *e->p == '(' &&
            !mon_symbol(e->m, img, name)) /* E(i): a habit of other tools */
            return fail(e, "%s takes brackets: %s[ADDR]", bn, bn);
        return name_value(e, name);
    }
    if (!*p)
        return fail(e, "expression ends too soon");
    return fail(e, "unexpected '%.*s%s'", MON_QUOTE(p));
}

static uint64_t unary1(struct ev *e)
{
    if (accept(e, "-"))
        return (uint64_t)0 - unary(e);
    if (accept(e, "+"))
        return unary(e);
    if (accept(e, "!"))
        return !unary(e);
    if (accept(e, "~"))
        return ~unary(e);
    return primary(e);
}

/* Every nesting (parentheses, E[...], unary operators) passes here. */
static uint64_t unary(struct ev *e)
{
    if (e->bad)
        return 0;
    if (e->depth >= EV_MAX_DEPTH)
        return fail(e, "expression nested too deeply (more than %u levels)", EV_MAX_DEPTH);
    e->depth++;
    uint64_t v = unary1(e);
    e->depth--;
    return v;
}

static uint64_t mul(struct ev *e)
{
    uint64_t v = unary(e);
    for (;;) {
        if (accept(e, "*")) {
            v *= unary(e);
        } else if (accept(e, "/") || accept(e, "%")) {
            bool div = e->p[-1] == '/';
            int64_t r = (int64_t)unary(e);
            if (r == 0 && e->skip)
                v = 0;
            else if (r == 0)
                return fail(e, "division by zero");
            else if ((int64_t)v == INT64_MIN && r == -1)
                v = div ? v : 0;
            else
                v = (uint64_t)(div ? (int64_t)v / r : (int64_t)v % r);
        } else {
            return v;
        }
    }
}

static uint64_t add(struct ev *e)
{
    uint64_t v = mul(e);
    for (;;) {
        if (accept(e, "+"))
            v += mul(e);
        else if (accept(e, "-"))
            v -= mul(e);
        else
            return v;
    }
}

static uint64_t shift(struct ev *e)
{
    uint64_t v = add(e);
    for (;;) {
        if (accept(e, "<<"))
            v = asm_shl(v, add(e));
        else if (accept(e, ">>"))
            v = asm_sar(v, add(e));
        else
            return v;
    }
}

/* Record the first false comparison, so assert can show both sides. */
static uint64_t compared(struct ev *e, const char *op, uint64_t l, uint64_t r, bool t)
{
    if (!t && !e->cmp_set && !e->bad && !e->skip) {
        e->cmp_set = true;
        e->cmp_l = l;
        e->cmp_r = r;
        e->cmp_op = op;
    }
    return t;
}

static uint64_t rel(struct ev *e)
{
    uint64_t v = shift(e);
    for (;;) {
        int64_t l = (int64_t)v;
        if (accept(e, "<=")) {
            uint64_t r = shift(e);
            v = compared(e, "<=", v, r, l <= (int64_t)r);
        } else if (accept(e, ">=")) {
            uint64_t r = shift(e);
            v = compared(e, ">=", v, r, l >= (int64_t)r);
        } else if (accept(e, "<")) {
            uint64_t r = shift(e);
            v = compared(e, "<", v, r, l < (int64_t)r);
        } else if (accept(e, ">")) {
            uint64_t r = shift(e);
            v = compared(e, ">", v, r, l > (int64_t)r);
        } else {
            return v;
        }
    }
}

static uint64_t eq(struct ev *e)
{
    uint64_t v = rel(e);
    for (;;) {
        if (accept(e, "==")) {
            uint64_t r = rel(e);
            v = compared(e, "==", v, r, v == r);
        } else if (accept(e, "!=")) {
            uint64_t r = rel(e);
            v = compared(e, "!=", v, r, v != r);
        } else {
            return v;
        }
    }
}

static uint64_t band(struct ev *e)
{
    uint64_t v = eq(e);
    while (accept(e, "&"))
        v &= eq(e);
    return v;
}

static uint64_t bxor(struct ev *e)
{
    uint64_t v = band(e);
    while (accept(e, "^"))
        v ^= band(e);
    return v;
}

static uint64_t bor(struct ev *e)
{
    uint64_t v = bxor(e);
    while (accept(e, "|"))
        v |= bxor(e);
    return v;
}

static uint64_t land(struct ev *e)
{
    uint64_t v = bor(e);
    while (accept(e, "&&")) {
        bool skip = !v; /* as in C: 0 && ... is 0 without the right side */
        e->skip += skip;
        uint64_t r = bor(e);
        e->skip -= skip;
        v = v && r;
    }
    return v;
}

static uint64_t expr(struct ev *e)
{
    uint64_t v = land(e);
    while (accept(e, "||")) {
        bool skip = v != 0;
        e->skip += skip;
        uint64_t r = land(e);
        e->skip -= skip;
        v = v || r;
    }
    return v;
}

/* Evaluate, and for a false assert describe the first false comparison;
 * READ_ONLY: read S without evaluating any of it, as the side of && that
 * the other decides is read. */
static int evaluate(struct mon *m, const char *s, uint64_t *out, char *err,
                    size_t errlen, char *why, size_t whylen, bool read_only)
{
    struct ev e = {.m = m, .s = s, .p = s, .err = err, .errlen = errlen, .skip = read_only};
    m->expr_dot = false;
    uint64_t v = expr(&e);
    skip(&e);
    if (!e.bad && *e.p)
        fail(&e, "unexpected '%.*s%s'", MON_QUOTE(e.p));
    if (e.bad)
        return -1;
    *out = v;
    if (why && whylen) {
        why[0] = '\0';
        if (e.cmp_set)
            snprintf(why, whylen, "%#llx %s %#llx is false", (unsigned long long)e.cmp_l,
                     e.cmp_op, (unsigned long long)e.cmp_r);
    }
    return 0;
}

int mon_eval(struct mon *m, const char *s, uint64_t *out, char *err, size_t errlen)
{
    return evaluate(m, s, out, err, errlen, NULL, 0, false);
}

int mon_parse(struct mon *m, const char *s, char *err, size_t errlen)
{
    uint64_t v;
    bool dot = m->expr_dot;
    int rc = evaluate(m, s, &v, err, errlen, NULL, 0, true);
    m->expr_dot = dot;
    return rc;
}

bool mon_unclosed(const char *s)
{
    int open = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\'') { /* a character constant: skip to its end */
            while (p[1] && p[1] != '\'')
                p += p[1] == '\\' && p[2] ? 2 : 1;
            if (!p[1])
                break;
            p++;
        } else if (*p == '(' || *p == '[') {
            open++;
        } else if (*p == ')' || *p == ']') {
            open--;
        }
    }
    return open > 0;
}

int mon_arg(struct mon *m, const char *s, uint64_t *out)
{
    char err[256];
    if (mon_eval(m, s, out, err, sizeof err) != 0) {
        /* the words of a command end at spaces, where assert's and
         * print's expression does not: say so rather than only that it
         * ended too soon */
        if (mon_unclosed(s))
            mon_err(m, "%s ('%.*s%s' is one word of the command: quote an expression that "
                    "has spaces)", err, MON_QUOTE(s));
        else
            mon_err(m, "%s", err);
        return -1; /* not mon_err's -1: the analyzer does not follow variadic calls */
    }
    return 0;
}

bool mon_swapped(struct mon *m, const char *num, const char *other)
{
    uint64_t v;
    char err[256];
    return mon_eval(m, num, &v, err, sizeof err) != 0 &&
           mon_eval(m, other, &v, err, sizeof err) == 0;
}

/* V as the user wrote S: signed when S begins with '-', so that -5 is not
 * shown as 18446744073709551611 nor 2^64 - 1 as -1. */
static const char *as_written(const char *s, uint64_t v, char *buf, size_t len)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s == '-')
        snprintf(buf, len, "%lld", (long long)v);
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
    return buf;
}

static int in_range(struct mon *m, const char *s, uint64_t v, const char *pre, const char *unit,
                    uint64_t lo, uint64_t hi)
{
    if (v >= lo && v <= hi)
        return 0;
    char buf[32], words[128]; /* as the command line words it */
    tgm_range_words(words, sizeof words, unit, v == 1, lo, hi);
    return mon_err(m, "%s%s%s", pre, as_written(s, v, buf, sizeof buf), words);
}

int mon_ranged(struct mon *m, const char *s, const char *pre, const char *unit, uint64_t lo,
               uint64_t hi, uint64_t *out)
{
    if (mon_arg(m, s, out) != 0)
        return -1;
    return in_range(m, s, *out, pre, unit, lo, hi);
}

int mon_count_from(struct mon *m, const char *s, uint64_t lo, uint64_t *out)
{
    char buf[32];
    if (mon_arg(m, s, out) != 0)
        return -1;
    if ((int64_t)*out >= 0)
        return 0;
    as_written(s, *out, buf, sizeof buf);
    if (buf[0] == '-')
        return mon_err(m, "count %s is negative", buf);
    return mon_err(m, "count %s is out of range (%llu..%lld)", buf, (unsigned long long)lo,
                   (long long)INT64_MAX);
}

int mon_count_in(struct mon *m, const char *s, const char *pre, const char *unit, uint64_t lo,
                 uint64_t *out)
{
    char buf[32];
    if (mon_arg(m, s, out) != 0)
        return -1;
    /* past 2^63 - 1 is out of the range named, as 0 is: one wording for both */
    if ((int64_t)*out < 0 && *as_written(s, *out, buf, sizeof buf) == '-')
        return mon_err(m, "%scount %s is negative", pre, buf);
    return in_range(m, s, *out, pre, unit, lo, INT64_MAX);
}

int mon_count(struct mon *m, const char *s, uint64_t *out)
{
    return mon_count_from(m, s, 0, out);
}

int mon_zero_count(struct mon *m, const char *what)
{
    mon_out(m, "%s: %s 0 runs nothing\n", m->cur ? m->cur->name : "run", what);
    return 0;
}

/* The base S is written in when it is one number (spaces around it and
 * '_' between digits allowed, as number() takes them): 10, 16, 8 or 2;
 * 0 for an expression. */
static int number_base(const char *s)
{
    s += strspn(s, " \t");
    int base = 10;
    const char *digits = "0123456789_";
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        base = 16, digits = "0123456789abcdefABCDEF_";
    else if (s[0] == '0' && (s[1] == 'o' || s[1] == 'O'))
        base = 8, digits = "01234567_";
    else if (s[0] == '0' && (s[1] == 'b' || s[1] == 'B'))
        base = 2, digits = "01_";
    if (base != 10)
        s += 2;
    size_t n = strspn(s, digits);
    return n > 0 && s[n + strspn(s + n, " \t")] == '\0' ? base : 0;
}

const char *mon_addr_text(const char *typed, uint64_t a, char *buf, size_t len)
{
    int base = typed ? number_base(typed) : 0;
    char b[72];
    if (base == 0 && (int64_t)a < 0) /* an expression's: 0xffff... typed stays so */
        snprintf(buf, len, "%lld", (long long)a);
    else if (base == 10)
        snprintf(buf, len, "%llu", (unsigned long long)a);
    else if ((base == 8 || base == 2) && /* 0o200000 as typed, not 0x10000 */
             strlen(mon_fmt_value(a, base == 8 ? 'o' : 'b', b, sizeof b)) < len)
        snprintf(buf, len, "%s", b);
    else
        snprintf(buf, len, "%#llx", (unsigned long long)a);
    return buf;
}

/* V, written as S, as an address below LIMIT. */
static int addr_below(struct mon *m, const char *s, uint64_t v, uint32_t limit, uint32_t *out)
{
    char buf[MON_ADDR_TEXT];
    if (v >= limit)
        return mon_err(m, "address %s is out of range (0..%#x)",
                       mon_addr_text(s, v, buf, sizeof buf), limit - 1);
    *out = (uint32_t)v;
    return 0;
}

int mon_addr(struct mon *m, const char *s, uint32_t limit, uint32_t *out)
{
    uint64_t v;
    return mon_arg(m, s, &v) != 0 ? -1 : addr_below(m, s, v, limit, out);
}

int mon_e_addr(struct mon *m, const char *s, uint32_t *out)
{
    struct machine *x = mon_target(m);
    uint64_t v;
    if (mon_arg(m, s, &v) != 0)
        return -1;
    if (!m->expr_dot)
        return addr_below(m, s, v, machine_q(x), out);
    if (machine_develop(x, v, out) != TRAP_NONE) /* the word P points at, through R */
        return mon_err(m, "%s would take a memory trap (%s): an address written with '.' is "
                       "developed through R", s, mon_why_trap(x, v));
    return 0;
}

int mon_cmd_assert(struct mon *m, int argc, char **argv)
{
    (void)argc;
    uint64_t v;
    char err[256], why[128];
    if (mon_quoted_word(argv[1], true) < 0) /* an expression as one word, as elsewhere */
        return mon_err(m, "missing closing quote");
    if (evaluate(m, argv[1], &v, err, sizeof err, why, sizeof why, false) != 0)
        return mon_err(m, "%s", err);
    if (v)
        return 0;
    if (why[0])
        return mon_err(m, "assertion failed: %s (%s)", argv[1], why);
    return mon_err(m, "assertion failed: %s", argv[1]);
}
