/* expr.c: the assembler's symbol table and expression evaluator.
 *
 * Operands of section 2's instructions are addresses in E, numbers and
 * immediates; psw(), pswi() and rb() build the PSW <M, P, R> and R words that
 * LPSW and LR load.  Constants are evaluated on demand, so any symbol may be
 * used before its definition; arithmetic is 64-bit two's complement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_impl.h"
#include "tgm/image.h"

/* Deeper nesting of parentheses, unary operators or constants than this is
 * an error rather than a stack overflow. */
#define EV_MAX_DEPTH 1000u

/* --- symbol table ------------------------------------------------------ */

static uint32_t name_hash(const char *s, size_t n)
{
    uint64_t h = tgm_fnv1a(s, n, TGM_FNV_SEED);
    return (uint32_t)(h ^ (h >> 32));
}

int32_t asm_sym_find(struct asm_ctx *c, const char *name, size_t len)
{
    if (!c->hashcap)
        return -1;
    uint32_t mask = c->hashcap - 1;
    for (uint32_t h = name_hash(name, len) & mask;; h = (h + 1) & mask) {
        uint32_t e = c->hash[h];
        if (!e)
            return -1;
        const struct asm_sym *s = &c->syms[e - 1];
        if (s->len == len && memcmp(s->name, name, len) == 0)
            return (int32_t)(e - 1);
    }
}

static void hash_insert(struct asm_ctx *c, uint32_t idx)
{
    uint32_t mask = c->hashcap - 1;
    uint32_t h = name_hash(c->syms[idx].name, c->syms[idx].len) & mask;
    while (c->hash[h])
        h = (h + 1) & mask;
    c->hash[h] = idx + 1;
}

uint32_t asm_sym_add(struct asm_ctx *c, const char *name, size_t len,
                     enum sym_kind kind, uint64_t value)
{
    if ((c->nsyms + 1) * 2 > c->hashcap) {
        uint32_t cap = c->hashcap ? c->hashcap * 2 : 64;
        free(c->hash);
        c->hash = calloc(cap, sizeof *c->hash);
        if (!c->hash)
            asm_oom();
        c->hashcap = cap;
        for (uint32_t i = 0; i < c->nsyms; i++)
            hash_insert(c, i);
    }
    c->syms = asm_grow(c->syms, &c->capsyms, c->nsyms + 1, sizeof *c->syms);
    char *copy = asm_strndup(name, len); /* before the symbol is counted */
    uint32_t idx = c->nsyms++;
    c->syms[idx] = (struct asm_sym){.name = copy, .len = (uint32_t)len,
                                    .kind = (uint8_t)kind, .state = SS_DONE, .value = value};
    hash_insert(c, idx);
    return idx;
}

/* --- expressions ------------------------------------------------------- */

struct ev {
    struct asm_ctx *c;
    const struct asm_tok *t;
    uint32_t pos;
    uint32_t dot;
    int mode;
    const struct asm_tok *unknown;
};

static int ev_expr(struct ev *e, uint64_t *v);

static int enter(struct ev *e, const struct asm_tok *at)
{
    if (++e->c->depth > EV_MAX_DEPTH) {
        asm_error_tok(e->c, at, "expression nested too deeply (more than %u levels)",
                      EV_MAX_DEPTH);
        return EV_ERROR;
    }
    return EV_OK;
}

static void expected_expression(struct ev *e, const struct asm_tok *t)
{
    if (t->kind == TK_EOL)
        asm_error_tok(e->c, t, "expected an expression");
    else if (t->kind == TK_STR) /* as gas's .word "abc": say what does take one */
        asm_error_tok(e->c, t, "expected an expression, got '%.*s%s' (a string is no value: "
                      "a character literal such as 'a' is; .ascii puts a string's bytes, "
                      "one per word)",
                      ASM_QUOTE(t));
    else
        asm_error_tok(e->c, t, "expected an expression, got '%.*s%s'", ASM_QUOTE(t));
}

static bool want_punct(struct ev *e, int punct)
{
    const struct asm_tok *t = &e->t[e->pos];
    if (asm_tok_punct(t, punct)) {
        e->pos++;
        return true;
    }
    if (t->kind == TK_EOL)
        asm_error_tok(e->c, t, "expected '%c'", punct);
    else
        asm_error_tok(e->c, t, "expected '%c', got '%.*s%s'", punct, ASM_QUOTE(t));
    return false;
}

void asm_show_value(char *buf, size_t len, uint64_t v)
{
    if (v >> 63)
        snprintf(buf, len, "%lld", (long long)v);
    else
        snprintf(buf, len, "%llu", (unsigned long long)v);
}

void asm_show_address(char *buf, size_t len, uint64_t v)
{
    if (v >> 63)
        asm_show_value(buf, len, v);
    else
        snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/* psw(m, p, l, b), pswi(m, p, l, b), rb(l, b) (the machine's one table of
 * them, shared with the monitor): NAME is the name token. */
static int ev_call(struct ev *e, const struct asm_tok *name, uint64_t *v)
{
    const struct isa_wordfn *fn = isa_wordfn_find(name->p, name->len);
    if (!fn) {
        asm_error_tok(e->c, name, "unknown function '%.*s%s' (the built-ins are "
                      ISA_WORDFN_NAMES ")", ASM_QUOTE(name));
        return EV_ERROR;
    }
    e->pos += 2; /* name ( */
    uint64_t arg[4] = {0};
    const struct asm_tok *first[4] = {0}, *last[4] = {0};
    unsigned n = 0;
    if (!asm_tok_punct(&e->t[e->pos], ')'))
        for (;;) {
            const struct asm_tok *start = &e->t[e->pos];
            uint64_t a;
            int st = ev_expr(e, &a);
            if (st != EV_OK)
                return st;
            if (n < 4) {
                arg[n] = a;
                first[n] = start;
                last[n] = &e->t[e->pos - 1];
            }
            n++;
            if (!asm_tok_punct(&e->t[e->pos], ','))
                break;
            e->pos++;
        }
    if (!want_punct(e, ')'))
        return EV_ERROR;
    char why[128];
    int bad = isa_wordfn_apply(fn, arg, n, v, why, sizeof why);
    if (bad < 0 || (e->mode == EV_SYNTAX && (unsigned)bad < n))
        return EV_OK; /* in a syntax pass only the count is known */
    if ((unsigned)bad == n)
        asm_error_span(e->c, name, &e->t[e->pos - 1], "%s", why);
    else
        asm_error_span(e->c, first[bad], last[bad], "%s", why);
    return EV_ERROR;
}

static int ev_symbol(struct ev *e, const struct asm_tok *t, uint64_t *v)
{
    struct asm_ctx *c = e->c;
    int32_t idx = asm_sym_find(c, t->p, t->len);
    if (idx < 0) {
        if (e->mode == EV_PASS1) {
            e->unknown = t;
            return EV_UNKNOWN;
        }
        /* the nearest name costs a look at every symbol: for a message
         * that is shown (a million undefined uses among a million symbols
         * would take days) */
        const char *near = NULL;
        if (asm_diag_kept(c, t->stmt)) {
            struct tgm_suggest s;
            tgm_suggest_init(&s, t->p, t->len);
            for (uint32_t i = 0; i < c->nsyms; i++)
                tgm_suggest_offer(&s, c->syms[i].name);
            near = tgm_suggest_result(&s);
        }
        if (near)
            asm_error_tok(c, t, "undefined symbol '%.*s%s' (did you mean '%s'?)", ASM_QUOTE(t),
                          near);
        else
            asm_error_tok(c, t, "undefined symbol '%.*s%s'", ASM_QUOTE(t));
        return EV_ERROR;
    }
    struct asm_sym *s = &c->syms[idx];
    if (s->kind == SYM_PREDEF && e->mode == EV_PASS1 && !s->used)
        s->used = t->stmt + 1;
    if (s->kind != SYM_CONST) {
        *v = s->value;
        return EV_OK;
    }
    struct ev_result r;
    int st = asm_eval_sym(c, (uint32_t)idx, e->mode, t, &r);
    if (st == EV_UNKNOWN)
        e->unknown = r.unknown;
    *v = r.value;
    return st;
}

static int ev_primary(struct ev *e, uint64_t *v)
{
    const struct asm_tok *t = &e->t[e->pos];
    *v = 0;
    if (t->kind == TK_NUM) {
        e->pos++;
        *v = t->val;
        return EV_OK;
    }
    if (t->kind == TK_IDENT) {
        if (asm_tok_punct(t + 1, '('))
            return ev_call(e, t, v);
        e->pos++;
        if (asm_tok_is(t, ".")) {
            *v = e->dot;
            return EV_OK;
        }
        return e->mode == EV_SYNTAX ? EV_OK : ev_symbol(e, t, v);
    }
    if (asm_tok_punct(t, '(')) {
        e->pos++;
        int st = ev_expr(e, v);
        if (st != EV_OK)
            return st;
        return want_punct(e, ')') ? EV_OK : EV_ERROR;
    }
    expected_expression(e, t);
    return EV_ERROR;
}

static int ev_unary(struct ev *e, uint64_t *v)
{
    const struct asm_tok *t = &e->t[e->pos];
    int st = enter(e, t);
    if (st == EV_OK) {
        if (asm_tok_punct(t, '-') || asm_tok_punct(t, '~') || asm_tok_punct(t, '+')) {
            e->pos++;
            st = ev_unary(e, v);
            if (t->punct == '-')
                *v = 0 - *v;
            else if (t->punct == '~')
                *v = ~*v;
        } else {
            st = ev_primary(e, v);
        }
    }
    e->c->depth--;
    return st;
}

/* Binary operators, lowest precedence first. */
static const int op_levels[][3] = {
    {'|'}, {'^'}, {'&'}, {P_SHL, P_SHR}, {'+', '-'}, {'*', '/', '%'},
};
#define NLEVELS (int)(sizeof op_levels / sizeof op_levels[0])

static bool at_level(const struct asm_tok *t, int level)
{
    if (t->kind != TK_PUNCT)
        return false;
    for (int i = 0; i < 3; i++)
        if (op_levels[level][i] && op_levels[level][i] == t->punct)
            return true;
    return false;
}

uint64_t asm_shl(uint64_t x, uint64_t n)
{
    return n >= 64 ? 0 : x << n;
}

/* arithmetic, without right-shifting a negative signed value: the bits
 * are flipped to non-negative and back */
uint64_t asm_sar(uint64_t x, uint64_t n)
{
    uint64_t fill = x >> 63 ? UINT64_MAX : 0;
    return n >= 64 ? fill : fill ^ (fill ^ x) >> n;
}

/* X op Y, wrapping; signed where the sign matters (/ % >>). */
static int apply(struct ev *e, const struct asm_tok *op, uint64_t x, uint64_t y,
                 uint64_t *v)
{
    int64_t sx = (int64_t)x, sy = (int64_t)y;
    switch (op->punct) {
    case '|': *v = x | y; break;
    case '^': *v = x ^ y; break;
    case '&': *v = x & y; break;
    case P_SHL: *v = asm_shl(x, y); break;
    case P_SHR: *v = asm_sar(x, y); break;
    case '+': *v = x + y; break;
    case '-': *v = x - y; break;
    case '*': *v = x * y; break;
    case '/':
    case '%':
        if (y == 0) {
            asm_error_tok(e->c, op, "division by zero");
            return EV_ERROR;
        }
        if (sx == INT64_MIN && sy == -1) /* the one quotient that overflows */
            *v = op->punct == '/' ? x : 0;
        else
            *v = op->punct == '/' ? (uint64_t)(sx / sy) : (uint64_t)(sx % sy);
        break;
    }
    return EV_OK;
}

static int ev_level(struct ev *e, int level, uint64_t *v)
{
    if (level == NLEVELS)
        return ev_unary(e, v);
    int st = ev_level(e, level + 1, v);
    while (st == EV_OK && at_level(&e->t[e->pos], level)) {
        const struct asm_tok *op = &e->t[e->pos++];
        uint64_t y;
        st = ev_level(e, level + 1, &y);
        if (st == EV_OK && e->mode != EV_SYNTAX)
            st = apply(e, op, *v, y, v);
    }
    return st;
}

static int ev_expr(struct ev *e, uint64_t *v)
{
    return ev_level(e, 0, v);
}

int asm_eval(struct asm_ctx *c, const struct asm_tok *t, uint32_t *pos,
             uint32_t dot, int mode, struct ev_result *r)
{
    struct ev e = {.c = c, .t = t, .pos = *pos, .dot = dot, .mode = mode};
    uint64_t v = 0;
    int st = ev_expr(&e, &v);
    *pos = e.pos;
    r->value = v;
    r->unknown = e.unknown;
    return st;
}

int asm_eval_sym(struct asm_ctx *c, uint32_t idx, int mode,
                 const struct asm_tok *use, struct ev_result *r)
{
    struct asm_sym *s = &c->syms[idx];
    r->value = s->value;
    r->unknown = NULL;
    switch (s->state) {
    case SS_DONE:
        return EV_OK;
    case SS_FAILED:
        return EV_ERROR; /* its own error is already reported */
    case SS_BUSY:
        if (use)
            asm_error_tok(c, use, "'%s' is defined in terms of itself", s->name);
        return EV_ERROR;
    }
    const struct asm_tok *at = use ? use : &c->ctoks[s->expr];
    /* the constant is one level (docs/asm.md), which its expression's
     * first ev_unary takes: counted here too, a constant was two */
    if (c->depth + 1 > EV_MAX_DEPTH) {
        asm_error_tok(c, at, "constants nested too deeply (more than %u levels)", EV_MAX_DEPTH);
        return EV_ERROR;
    }
    s->state = SS_BUSY;
    uint32_t pos = 0;
    int st = asm_eval(c, c->ctoks + s->expr, &pos, s->dot, mode, r);
    s = &c->syms[idx];
    if (st == EV_OK) {
        s->state = SS_DONE;
        s->value = r->value;
    } else {
        s->state = st == EV_UNKNOWN ? SS_PENDING : SS_FAILED;
    }
    return st;
}
