/* test_audit_expr.c: the monitor's and the assembler's expressions, checked
 * against a reference evaluator built from the docs alone.
 *
 * docs/monitor.md ("Addresses and expressions") and docs/asm.md
 * ("Expressions") give the operators and their precedence, 64-bit words
 * taken as signed, shifts by 64 or more (the count taken as unsigned), '/'
 * truncating toward zero, '%' with the dividend's sign, division by zero an
 * error, numbers in four bases up to 2^64-1, character constants with
 * their escapes, and psw(), pswi() and rb() with their ranges.  The
 * reference below knows only those rules.  Random expression trees (a
 * fixed seed) are rendered with random spacing, parentheses only where
 * precedence needs them and some redundant ones, and evaluated by the
 * reference, by 'print EXPR' in a monitor session and, for the operators
 * the assembler has, by '.word EXPR' in a source.  Both held; three
 * things around them did not: the monitor took '0x_' for 0, its '&&' and
 * '||' evaluated the side the left decides, and the assembler counted a
 * constant as two levels of nesting (test_asm pins that one).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/monitor.h"

#include "mon_support.h"

/* ---- the reference: an expression tree and its documented value ---- */

/* binding strength, weakest first (docs/monitor.md's list; the
 * assembler's operators keep the same order among themselves) */
enum { LV_LOR = 1, LV_LAND, LV_BOR, LV_XOR, LV_BAND, LV_EQ, LV_REL, LV_SH, LV_ADD, LV_MUL,
       LV_UNARY, LV_PRIM };

enum op { O_LOR, O_LAND, O_BOR, O_XOR, O_BAND, O_EQ, O_NE, O_LT, O_LE, O_GT, O_GE, O_SHL,
          O_SHR, O_ADD, O_SUB, O_MUL, O_DIV, O_MOD, O_NOPS };

static const struct {
    const char *text;
    int level;
    bool mon_only; /* the assembler has no comparisons nor logical operators */
} ops[O_NOPS] = {
    {"||", LV_LOR, true}, {"&&", LV_LAND, true}, {"|", LV_BOR, false}, {"^", LV_XOR, false},
    {"&", LV_BAND, false}, {"==", LV_EQ, true},  {"!=", LV_EQ, true},   {"<", LV_REL, true},
    {"<=", LV_REL, true},  {">", LV_REL, true},  {">=", LV_REL, true},  {"<<", LV_SH, false},
    {">>", LV_SH, false},  {"+", LV_ADD, false}, {"-", LV_ADD, false},  {"*", LV_MUL, false},
    {"/", LV_MUL, false},  {"%", LV_MUL, false},
};

enum kind { N_NUM, N_CHR, N_NAME, N_UN, N_BIN, N_FN };

struct node {
    enum kind kind;
    int op;      /* N_BIN: enum op; N_UN: '-', '~', '!' or '+'; N_FN: 0 psw, 1 pswi, 2 rb */
    uint64_t v;  /* N_NUM, N_CHR: the value; N_NAME: index in names[] */
    int kid[4];
    int nkids;
    bool paren;  /* redundant parentheses around it */
};

#define POOL 512
static struct node pool[POOL];
static int npool;

static const struct {
    const char *text;
    uint64_t v;
} names[] = {
    /* a fresh session: 64K words (docs/monitor.md, "Bare machine") */
    {"$q", 65536}, {"q", 65536}, {"$sup", 1}, {"sup", 1}, {"$user", 0}, {"user", 0},
};

static const struct {
    const char *name;
    int nargs;
    uint64_t max[4];
} fns[] = {
    {"psw", 4, {1, (1u << 19) - 1, (1u << 19) - 1, 1u << 19}},
    {"pswi", 4, {1, (1u << 19) - 1, (1u << 19) - 1, 1u << 19}},
    {"rb", 2, {(1u << 19) - 1, 1u << 19}},
};

static uint64_t rng_state;

static uint64_t rnd(void) /* splitmix64 */
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}

static int mk(enum kind k, int op, uint64_t v)
{
    assert_true(npool < POOL);
    pool[npool] = (struct node){.kind = k, .op = op, .v = v};
    return npool++;
}

static int num(uint64_t v)
{
    return mk(N_NUM, 0, v);
}

/* an operator on A (and B, when not -1) */
static int op_node(enum kind k, int op, int a, int b)
{
    int n = mk(k, op, 0);
    pool[n].kid[0] = a;
    pool[n].kid[1] = b;
    pool[n].nkids = b < 0 ? 1 : 2;
    return n;
}
#define un(op, a) op_node(N_UN, op, a, -1)
#define bin(op, a, b) op_node(N_BIN, op, a, b)

/* V as a leaf: negative values through unary minus, as a user writes them */
static int signed_leaf(int64_t v)
{
    return v < 0 ? un('-', num(0 - (uint64_t)v)) : num((uint64_t)v);
}

static uint64_t some_value(void)
{
    static const uint64_t special[] = {
        0, 1, 2, 3, 63, 64, 65, 127, 128, 255, 0x7fffffffffffffffu, 0x8000000000000000u,
        0xffffffffffffffffu, 0xfffffffffffffffeu, 0xffffffffu, 0x100000000u, 1u << 19,
    };
    switch (below(6)) {
    case 0: return below(21);
    case 1: return special[below(sizeof special / sizeof special[0])];
    case 2: return rnd();
    case 3: return rnd() >> below(64);
    default: return below(1000);
    }
}

/* MODE: which operators a tree may use */
enum mode { M_MON, M_BOTH, M_ASM };

static int gen(int depth, enum mode mode);

static int leaf(enum mode mode)
{
    unsigned r = below(20);
    if (r < 3)
        return mk(N_CHR, 0, below(256));
    if (mode == M_MON && r < 4)
        return mk(N_NAME, 0, below(sizeof names / sizeof names[0]));
    if (r < 5) {
        int f = (int)below(3), n = mk(N_FN, f, 0);
        pool[n].nkids = fns[f].nargs;
        for (int i = 0; i < fns[f].nargs; i++) {
            uint64_t max = fns[f].max[i];
            unsigned k = below(10);
            /* mostly in range, the ends and one past them sometimes */
            pool[n].kid[i] = k < 6   ? num(rnd() % (max + 1))
                             : k < 7 ? num(max)
                             : k < 8 ? num(max + 1)
                             : k < 9 ? un('-', num(1))
                                     : gen(1, mode);
        }
        return n;
    }
    return num(some_value());
}

/* a count that probes the documented shift rules */
static int shift_count(void)
{
    static const int64_t c[] = {0, 1, 31, 62, 63, 64, 65, 100, 127, 128, -1, -63, -64, -65};
    unsigned r = below(4);
    return r == 0 ? num(rnd() | 0x8000000000000000u) /* huge */
           : r == 1 ? num(0xffffffffffffffffu)
                    : signed_leaf(c[below(sizeof c / sizeof c[0])]);
}

static int divisor(void)
{
    static const int64_t d[] = {0, 1, -1, 2, -2, 3, -3, 7, -7, INT64_MIN, INT64_MAX};
    return signed_leaf(d[below(sizeof d / sizeof d[0])]);
}

static int gen(int depth, enum mode mode)
{
    int n;
    unsigned r = below(10);
    if (depth <= 0 || r < 2) {
        n = leaf(mode);
    } else if (r < 4) {
        /* the monitor's unary operators, both's, the assembler's */
        static const char *const u[] = {"-~!", "-~", "-~+"};
        n = un(u[mode][below(mode == M_BOTH ? 2 : 3)], gen(depth - 1, mode));
    } else {
        int op;
        do
            op = (int)below(O_NOPS);
        while (mode != M_MON && ops[op].mon_only);
        int a, b;
        if ((op == O_SHL || op == O_SHR) && below(2)) {
            a = gen(depth - 1, mode);
            b = shift_count();
        } else if ((op == O_DIV || op == O_MOD) && below(2)) {
            a = below(3) ? gen(depth - 1, mode) : signed_leaf(below(2) ? INT64_MIN : -7);
            b = divisor();
        } else {
            a = gen(depth - 1, mode);
            b = gen(depth - 1, mode);
        }
        n = bin(op, a, b);
    }
    pool[n].paren = below(12) == 0;
    return n;
}

#define SIGN 0x8000000000000000u

/* The value of N, wrapping as 64-bit words do; on an error, WHY holds the
 * first one in evaluation order (left to right, operands first). */
static bool eval(int n, uint64_t *out, char *why, size_t len)
{
    const struct node *d = &pool[n];
    uint64_t v[4] = {0};
    if (d->kind == N_BIN && (d->op == O_LAND || d->op == O_LOR)) {
        /* as in C: the right side counts only when the left does not decide */
        if (!eval(d->kid[0], &v[0], why, len))
            return false;
        if ((v[0] != 0) == (d->op == O_LOR)) {
            *out = v[0] != 0;
            return true;
        }
        if (!eval(d->kid[1], &v[1], why, len))
            return false;
        *out = v[1] != 0;
        return true;
    }
    for (int i = 0; i < d->nkids; i++)
        if (!eval(d->kid[i], &v[i], why, len))
            return false;
    uint64_t x = v[0], y = v[1];
    switch (d->kind) {
    case N_NUM:
    case N_CHR:
        *out = d->v;
        return true;
    case N_NAME:
        *out = names[d->v].v;
        return true;
    case N_FN:
        for (int i = 0; i < d->nkids; i++)
            if (v[i] > fns[d->op].max[i]) {
                const char *argn = d->nkids == 4 ? "mplb" : "lb";
                char shown[32];
                if (v[i] & SIGN)
                    snprintf(shown, sizeof shown, "-%llu", (unsigned long long)(0 - v[i]));
                else
                    snprintf(shown, sizeof shown, "%llu", (unsigned long long)v[i]);
                snprintf(why, len, "%s: %c = %s is out of range 0..%llu", fns[d->op].name,
                         argn[i], shown, (unsigned long long)fns[d->op].max[i]);
                return false;
            }
        if (d->nkids == 2)
            *out = v[0] << 20 | v[1];
        else /* docs/isa.md, "The PSW word" */
            *out = v[0] << 63 | (uint64_t)(d->op == 1) << 62 | v[1] << 39 | v[2] << 20 | v[3];
        return true;
    case N_UN:
        *out = d->op == '-' ? 0 - x : d->op == '~' ? ~x : d->op == '!' ? (uint64_t)(x == 0) : x;
        return true;
    case N_BIN:
        break;
    }
    /* signed order without signed arithmetic: flip the sign bits */
    bool lt = (x ^ SIGN) < (y ^ SIGN);
    bool neg_x = x & SIGN, neg_y = y & SIGN;
    switch (d->op) {
    case O_BOR: *out = x | y; break;
    case O_XOR: *out = x ^ y; break;
    case O_BAND: *out = x & y; break;
    case O_EQ: *out = x == y; break;
    case O_NE: *out = x != y; break;
    case O_LT: *out = lt; break;
    case O_LE: *out = lt || x == y; break;
    case O_GT: *out = !lt && x != y; break;
    case O_GE: *out = !lt; break;
    case O_SHL: *out = y >= 64 ? 0 : x << y; break;
    case O_SHR: /* arithmetic: 0 or -1 by the sign past 63 */
        *out = y >= 64 ? (neg_x ? ~(uint64_t)0 : 0) : neg_x ? ~(~x >> y) : x >> y;
        break;
    case O_ADD: *out = x + y; break;
    case O_SUB: *out = x - y; break;
    case O_MUL: *out = x * y; break;
    case O_DIV:
    case O_MOD: {
        if (y == 0) {
            snprintf(why, len, "division by zero");
            return false;
        }
        /* on magnitudes: the quotient truncates toward zero, the remainder
         * takes the dividend's sign; 2^63 / 1 wraps to INT64_MIN */
        uint64_t ax = neg_x ? 0 - x : x, ay = neg_y ? 0 - y : y;
        uint64_t q = ax / ay, r = ax % ay;
        *out = d->op == O_DIV ? (neg_x != neg_y ? 0 - q : q) : (neg_x ? 0 - r : r);
        break;
    }
    }
    return true;
}

/* ---- rendering ---- */

struct text {
    char buf[8192];
    size_t n;
};

static void put(struct text *t, const char *s)
{
    size_t k = strlen(s);
    assert_true(t->n + k < sizeof t->buf);
    memcpy(t->buf + t->n, s, k + 1);
    t->n += k;
}

static bool spacing; /* random blanks between tokens */

static void blank(struct text *t)
{
    if (!spacing)
        return;
    unsigned r = below(10);
    put(t, r < 5 ? "" : r < 8 ? " " : r < 9 ? "  " : "\t");
}

static int level(int n)
{
    const struct node *d = &pool[n];
    if (d->paren || d->kind != N_BIN)
        return d->kind == N_UN && !d->paren ? LV_UNARY : LV_PRIM;
    return ops[d->op].level;
}

static void render_number(struct text *t, uint64_t v)
{
    char s[80], *p = s + sizeof s - 1;
    unsigned r = below(10), base = r < 4 ? 10 : r < 7 ? 16 : r < 9 ? 8 : 2;
    bool upper = below(2);
    *p = '\0';
    do {
        unsigned dgt = (unsigned)(v % base);
        *--p = (char)(dgt < 10 ? '0' + dgt : (upper ? 'A' : 'a') + dgt - 10);
        v /= base;
    } while (v);
    for (unsigned z = below(8) == 0 ? 1 + below(3) : 0; z; z--) /* leading zeros */
        *--p = '0';
    put(t, base == 16 ? "0x" : base == 8 ? "0o" : base == 2 ? "0b" : "");
    put(t, p);
}

static void render_char(struct text *t, uint64_t c, bool mon)
{
    char s[16];
    static const char *const esc[] = {['\n'] = "\\n", ['\t'] = "\\t", ['\r'] = "\\r",
                                      ['\0'] = "\\0", ['\\'] = "\\\\", ['\''] = "\\'",
                                      ['"'] = "\\\""};
    /* ';' ends a monitor command: the monitor's own is written '\x3b' */
    bool plain = c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' && (!mon || c != ';');
    if (plain && below(4))
        snprintf(s, sizeof s, "'%c'", (char)c);
    else if (c < sizeof esc / sizeof esc[0] && esc[c] && below(2))
        snprintf(s, sizeof s, "'%s'", esc[c]);
    else
        snprintf(s, sizeof s, below(2) ? "'\\x%02x'" : "'\\x%02X'", (unsigned)c);
    put(t, s);
}

static void render(struct text *t, int n, bool mon)
{
    const struct node *d = &pool[n];
    if (d->paren)
        put(t, "(");
    switch (d->kind) {
    case N_NUM:
        render_number(t, d->v);
        break;
    case N_CHR:
        render_char(t, d->v, mon);
        break;
    case N_NAME:
        put(t, names[d->v].text);
        break;
    case N_UN: {
        char op[2] = {(char)d->op, '\0'};
        put(t, op);
        blank(t);
        bool need = level(d->kid[0]) < LV_UNARY;
        put(t, need ? "(" : "");
        render(t, d->kid[0], mon);
        put(t, need ? ")" : "");
        break;
    }
    case N_BIN: {
        int lv = ops[d->op].level;
        /* binary operators group left to right */
        bool l = level(d->kid[0]) < lv, r = level(d->kid[1]) <= lv;
        put(t, l ? "(" : "");
        render(t, d->kid[0], mon);
        put(t, l ? ")" : "");
        blank(t);
        put(t, ops[d->op].text);
        blank(t);
        put(t, r ? "(" : "");
        render(t, d->kid[1], mon);
        put(t, r ? ")" : "");
        break;
    }
    case N_FN: {
        char name[8];
        snprintf(name, sizeof name, "%s", fns[d->op].name);
        for (char *c = name; *c; c++) /* the names in any case */
            if (below(4) == 0)
                *c = (char)(*c - 'a' + 'A');
        put(t, name);
        put(t, "(");
        for (int i = 0; i < d->nkids; i++) {
            blank(t);
            render(t, d->kid[i], mon);
            blank(t);
            put(t, i + 1 < d->nkids ? "," : ")");
        }
        break;
    }
    }
    if (d->paren)
        put(t, ")");
}

/* ---- the two evaluators ---- */

/* what went wrong, for the failure message: the first few cases */
static char report[6000];
static size_t nreport;
static int nbad;

static void bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void bad(const char *fmt, ...)
{
    va_list ap;
    nbad++;
    if (nbad > 12 || nreport >= sizeof report - 1)
        return;
    va_start(ap, fmt);
    int k = vsnprintf(report + nreport, sizeof report - nreport, fmt, ap);
    va_end(ap);
    nreport += k < 0 ? 0 : (size_t)k;
    if (nreport >= sizeof report)
        nreport = sizeof report - 1;
}

static void end_report(const char *what, int cases)
{
    int n = nbad;
    nbad = 0;
    nreport = 0;
    if (n)
        fail_msg("%d of %d %s disagree with the docs:\n%s", n, cases, what, report);
}

/* Assemble LEN bytes of SRC: the number of errors, *DIAG their text (to
 * free); on none, *IMG the image (to free). */
static int assemble(const char *src, size_t len, struct tgm_image *img, char **diag)
{
    size_t dn = 0;
    *diag = NULL;
    FILE *f = open_memstream(diag, &dn);
    assert_non_null(f);
    int errors = asm_assemble_buffer("expr.s", src, len, img, f);
    fclose(f);
    return errors;
}

/* 'print EXPR' against the reference's outcome: the value, shown as
 * "HEX (SIGNED)", or one error line ending in WHY */
static void check_mon(struct ms_sess *s, const char *expr, bool ok, uint64_t want,
                      const char *why)
{
    static char line[8200];
    snprintf(line, sizeof line, "print %s", expr);
    size_t o0 = s->olen, e0 = s->elen; /* flushed */
    int rc = mon_exec_line(s->m, line);
    fflush(s->out);
    fflush(s->err);
    const char *out = s->obuf + o0, *err = s->ebuf + e0;
    if (!ok) {
        const char *nl = strchr(err, '\n');
        size_t wl = strlen(why);
        if (rc != -1 || *out || !nl || nl[1] || (size_t)(nl - err) < wl ||
            strncmp(nl - wl, why, wl))
            bad("monitor: print %s\n  want the error '%s', got rc %d, '%s' '%s'\n", expr, why,
                rc, out, err);
        return;
    }
    char *end, *end2;
    uint64_t v = strtoull(out, &end, 0);
    long long sv = end[0] == ' ' && end[1] == '(' ? strtoll(end + 2, &end2, 10) : 0;
    if (rc != 0 || *err || v != want || end == out || end[0] != ' ' || end[1] != '(' ||
        (uint64_t)sv != want || strcmp(end2, ")\n"))
        bad("monitor: print %s\n  want %#llx (%lld), got rc %d, '%s' '%s'\n", expr,
            (unsigned long long)want, (long long)want, rc, out, err);
}

/* '.word EXPR' alone, which the reference finds in error: one error, WHY */
static void check_asm_error(const char *expr, const char *why)
{
    char *src = NULL, *diag;
    struct tgm_image img;
    assert_true(asprintf(&src, ".word %s\n", expr) > 0);
    int errors = assemble(src, strlen(src), &img, &diag);
    char want[256];
    snprintf(want, sizeof want, ": error: %s\n", why);
    if (errors == 0)
        image_free(&img);
    if (errors != 1 || !strstr(diag, want))
        bad("assembler: .word %s\n  want the error '%s', got %d errors: %s\n", expr, why,
            errors, diag);
    free(src);
    free(diag);
}

/* Lines of '.word EXPR' whose values the reference knows, assembled as one
 * source and compared word by word. */
struct batch {
    char *src;
    size_t len;
    FILE *f;
    int n;
    uint64_t want[4096];
    char *expr[4096];
};

static void batch_open(struct batch *b)
{
    b->src = NULL;
    b->n = 0;
    b->f = open_memstream(&b->src, &b->len);
    assert_non_null(b->f);
}

static void batch_add(struct batch *b, const char *expr, uint64_t want)
{
    assert_true(b->n < 4096);
    fprintf(b->f, "        .word %s\n", expr);
    b->want[b->n] = want;
    b->expr[b->n] = strdup(expr);
    assert_non_null(b->expr[b->n]);
    b->n++;
}

static void batch_check(struct batch *b)
{
    char *diag;
    struct tgm_image img;
    fclose(b->f);
    int errors = assemble(b->src, b->len, &img, &diag);
    if (errors) {
        bad("assembler: %d errors in %d lines that are good:\n%.3000s\n", errors, b->n, diag);
    } else {
        if (img.load != 0 || img.nwords != (uint32_t)b->n)
            bad("assembler: %u words at %u for %d lines\n", img.nwords, img.load, b->n);
        for (int i = 0; i < b->n && i < (int)img.nwords; i++)
            if (img.words[i] != b->want[i])
                bad("assembler: .word %s\n  want %#llx, got %#llx\n", b->expr[i],
                    (unsigned long long)b->want[i], (unsigned long long)img.words[i]);
        image_free(&img);
    }
    for (int i = 0; i < b->n; i++)
        free(b->expr[i]);
    free(diag);
    free(b->src);
}

/* Tree ROOT through both evaluators (the assembler's only when ASM). */
static const char *text_of(int root, bool mon)
{
    static struct text t;
    t.n = 0;
    t.buf[0] = '\0';
    render(&t, root, mon);
    return t.buf;
}

static void check_tree(struct ms_sess *s, struct batch *b, int root, enum mode mode)
{
    uint64_t want = 0;
    char why[160] = "";
    bool ok = eval(root, &want, why, sizeof why);
    if (mode != M_ASM)
        check_mon(s, text_of(root, true), ok, want, why);
    if (mode != M_MON && ok)
        batch_add(b, text_of(root, false), want);
    else if (mode != M_MON)
        check_asm_error(text_of(root, false), why);
}

/* ---- the suites ---- */

/* Thousands of random trees: a third with the monitor's operators, a third
 * with those both have (through both), a third with the assembler's. */
static void random_trees__agree_with_the_docs(void **state)
{
    (void)state;
    static struct batch b;
    struct ms_sess s;
    ms_sess_open(&s);
    batch_open(&b);
    rng_state = 0x1974;
    spacing = true;
    int cases = 4500;
    for (int i = 0; i < cases; i++) {
        npool = 0;
        enum mode mode = (enum mode)(i % 3);
        check_tree(&s, &b, gen(1 + (int)below(5), mode), mode);
    }
    batch_check(&b);
    ms_sess_close(&s);
    end_report("random expressions", cases);
}

/* Every pair of binary operators, a OP1 b OP2 c without parentheses,
 * grouped as the precedence list and left-to-right grouping say. */
static void operator_pairs__precedence_and_grouping(void **state)
{
    (void)state;
    static struct batch b;
    static const int64_t triples[][3] = {
        {12, 5, 3}, {2, 7, 1}, {6, 6, 2}, {1, 0, 3}, {-9, 4, 2}, {3, -2, 70}, {0, 5, 5},
    };
    struct ms_sess s;
    ms_sess_open(&s);
    batch_open(&b);
    rng_state = 7;
    spacing = false;
    int cases = 0;
    for (int o1 = 0; o1 < O_NOPS; o1++)
        for (int o2 = 0; o2 < O_NOPS; o2++)
            for (size_t k = 0; k < sizeof triples / sizeof triples[0]; k++) {
                npool = 0;
                int a = signed_leaf(triples[k][0]), x = signed_leaf(triples[k][1]),
                    c = signed_leaf(triples[k][2]);
                int root = ops[o1].level >= ops[o2].level ? bin(o2, bin(o1, a, x), c)
                                                          : bin(o1, a, bin(o2, x, c));
                bool both = !ops[o1].mon_only && !ops[o2].mon_only;
                check_tree(&s, &b, root, both ? M_BOTH : M_MON);
                cases++;
            }
    batch_check(&b);
    ms_sess_close(&s);
    end_report("operator pairs", cases);
}

struct edge {
    const char *expr;
    bool ok;
    int64_t v;       /* the value, if ok */
    const char *why; /* else the error */
    enum mode mode;  /* which evaluators */
};

static void check_edges(const struct edge *e, size_t n, const char *what)
{
    static struct batch b;
    struct ms_sess s;
    ms_sess_open(&s);
    batch_open(&b);
    for (size_t i = 0; i < n; i++) {
        if (e[i].mode != M_ASM)
            check_mon(&s, e[i].expr, e[i].ok, (uint64_t)e[i].v, e[i].why);
        if (e[i].mode == M_MON)
            continue;
        if (e[i].ok)
            batch_add(&b, e[i].expr, (uint64_t)e[i].v);
        else
            check_asm_error(e[i].expr, e[i].why);
    }
    batch_check(&b);
    ms_sess_close(&s);
    end_report(what, (int)n);
}

#define V(e, v) {e, true, (int64_t)(v), NULL, M_BOTH}
#define VM(e, v) {e, true, (int64_t)(v), NULL, M_MON}
#define E(e, why) {e, false, 0, why, M_BOTH}
#define EM(e, why) {e, false, 0, why, M_MON}
#define EA(e, why) {e, false, 0, why, M_ASM}

/* Shifts, division, wraparound and stacked unary operators at their ends. */
static void edges__shifts_division_wrap_unary(void **state)
{
    (void)state;
    static const struct edge e[] = {
        /* a shift by 64 or more gives 0 (>>: 0 or -1 by the sign); the
         * count is unsigned, so a negative count is such a shift */
        V("1 << 0", 1), V("1 << 63", INT64_MIN), V("1 << 64", 0), V("1 << 65", 0),
        V("1 << -1", 0), V("1 << 0xffffffffffffffff", 0), V("3 << 0x8000000000000000", 0),
        V("-1 << 63", INT64_MIN), V("-8 >> 1", -4), V("-1 >> 63", -1), V("-1 >> 64", -1),
        V("-1 >> -1", -1), V("0x8000000000000000 >> 63", -1), V("0x8000000000000000 >> 64", -1),
        V("0x7fffffffffffffff >> 62", 1), V("0x7fffffffffffffff >> 64", 0),
        V("5 >> -64", 0), V("5 >> 0", 5), V("5 << 0", 5), V("1 << 2 << 3", 32),
        V("256 >> 2 >> 3", 8), V("1 << 1 + 1", 4), V("-1 >> 1 - 1", -1),
        /* / truncates toward zero, % has the dividend's sign */
        V("7 / 2", 3), V("-7 / 2", -3), V("7 / -2", -3), V("-7 / -2", 3), V("7 % 2", 1),
        V("-7 % 2", -1), V("7 % -2", 1), V("-7 % -2", -1), V("-9223372036854775808 / -1",
        INT64_MIN), V("-9223372036854775808 % -1", 0), V("0x8000000000000000 / -1", INT64_MIN),
        V("0x8000000000000000 / 2", -4611686018427387904LL), V("0xffffffffffffffff / 2", 0),
        V("100 / 7 / 2", 7), V("100 % 7 % 4", 2), V("100 / 7 * 7", 98), V("2 * 3 % 4", 2),
        E("1 / 0", "division by zero"), E("1 % 0", "division by zero"),
        E("0 / (3 - 3)", "division by zero"), E("-9223372036854775808 % (1 - 1)",
        "division by zero"),
        /* + - * wrap as 64-bit words */
        V("0x7fffffffffffffff + 1", INT64_MIN), V("-0x8000000000000000 - 1", INT64_MAX),
        V("0xffffffffffffffff + 2", 1), V("0xffffffffffffffff * 0xffffffffffffffff", 1),
        V("4294967296 * 4294967296", 0), V("-0x8000000000000000 * -1", INT64_MIN),
        V("0 - 0x8000000000000000", INT64_MIN), V("10 - 3 - 2", 5),
        /* unary operators stacked */
        V("--5", 5), V("- -5", 5), V("-~0", 1), V("~-1", 0), V("~~5", 5), V("---5", -5),
        V("-(-(5))", 5), V("-5 * -5", 25), V("~0 * ~0", 1), VM("!~0", 0), VM("-!0", -1),
        VM("!!7", 1), VM("!-1", 0), VM("~!0", -2), VM("!0 + !0", 2), VM("-!5", 0),
        V("-0x8000000000000000", INT64_MIN), V("-(1 << 63)", INT64_MIN),
    };
    check_edges(e, sizeof e / sizeof e[0], "edge cases");
}

/* Signed comparisons, the logical operators, and how they sit in the list. */
static void edges__comparisons_and_logic(void **state)
{
    (void)state;
    static const struct edge e[] = {
        VM("-1 < 0", 1), VM("0xffffffffffffffff < 0", 1), VM("0 > -1", 1),
        VM("0x8000000000000000 < 0x7fffffffffffffff", 1), VM("0x8000000000000000 <= 0", 1),
        VM("5 >= 5", 1), VM("5 > 5", 0), VM("-5 <= -6", 0), VM("1 < 2 < 3", 1),
        VM("3 > 2 > 1", 0), VM("2 == 2 == 2", 0), VM("1 == 1 == 1", 1), VM("1 != 2 == 1", 1),
        VM("2 & 1 == 1", 0), VM("1 | 2 == 2", 1), VM("1 < 2 == 2 > 1", 1),
        VM("1 << 2 < 5", 1), VM("5 && 3", 1), VM("0 && 3", 0), VM("0 || 7", 1),
        VM("0 || 0", 0), VM("1 || 0 && 0", 1), VM("2 | 1 && 4", 1), VM("1 ^ 1 || 0", 0),
        VM("-1 == 0xffffffffffffffff", 1), VM("'a' < 'b'", 1), VM("$q == 65536", 1),
        VM("q == $q", 1), VM("$sup - $user", 1), VM("sup && !user", 1),
        /* the side the other decides is not evaluated, as in C (it was:
         * these were errors), but its names must still be known */
        VM("0 && 1 / 0", 0), VM("1 || 1 % 0", 1), VM("0 && 1 / 0 || 5", 1),
        VM("1 || 0 && 1 / 0", 1), VM("0 && (1 || 1 / 0)", 0), VM("0 && psw(2, 0, 0, 0)", 0),
        VM("1 || E[0x7fffffff] == 1", 1), VM("0 && V[0x7ffff] == 1", 0),
        EM("1 && 1 / 0", "division by zero"), EM("0 || 1 % 0", "division by zero"),
        EM("0 && nosuch", "unknown name 'nosuch'"),
        EM("1 || psw(1)", "psw takes 4 arguments (m, p, l, b), got 1"),
        EM("0 && (1", "missing ')' at the end"),
    };
    check_edges(e, sizeof e / sizeof e[0], "comparisons");
}

/* Numbers up to 2^64-1 in every base; one past, in any base, is an error. */
static void edges__numbers_and_characters(void **state)
{
    (void)state;
    static const struct edge e[] = {
        V("18446744073709551615", -1), V("0xffffffffffffffff", -1), V("0xFFFFFFFFFFFFFFFF", -1),
        V("0o1777777777777777777777", -1),
        V("0b1111111111111111111111111111111111111111111111111111111111111111", -1),
        V("0x00000000000000000000ffffffffffffffff", -1), V("0", 0), V("00", 0), V("0x0", 0),
        V("0b0", 0), V("0o0", 0), V("42", 42), V("0x2a", 42), V("0x2A", 42), V("0b101010", 42),
        V("0o52", 42), V("007", 7), V("09", 9), V("-18446744073709551615", 1),
        E("18446744073709551616", "number '18446744073709551616' does not fit in 64 bits"),
        E("99999999999999999999", "number '99999999999999999999' does not fit in 64 bits"),
        E("0x10000000000000000", "number '0x10000000000000000' does not fit in 64 bits"),
        E("0o2000000000000000000000", "number '0o2000000000000000000000' does not fit in 64 "
          "bits"),
        E("0b10000000000000000000000000000000000000000000000000000000000000000",
          "number '0b10000000000000000000000000000000000000000000000000000000000000000' does "
          "not fit in 64 bits"),
        V("'a'", 97), V("'\\n'", 10), V("'\\t'", 9), V("'\\r'", 13), V("'\\0'", 0),
        V("'\\\\'", 92), V("'\\''", 39), V("'\\\"'", 34), V("'\"'", 34), V("'\\x41'", 65),
        V("'\\xC3'", 0xc3), V("'\\xff'", 255), V("' '", 32), V("'a' + 1", 98),
        V("'0' * 2", 96), V("-'a'", -97), V("~'\\0'", -1),
        /* the functions, in any case, and their ranges */
        V("psw(1, 0, 0, 0)", INT64_MIN), V("pswi(0, 0, 0, 0)", 1LL << 62),
        V("PSW(1, 2, 3, 4)", (int64_t)(0x8000000000000000u | 2ull << 39 | 3 << 20 | 4)),
        V("rb(1, 0x80000)", 1 << 20 | 0x80000), V("Rb(0x7ffff, 0)", 0x7ffffull << 20),
        E("psw(2, 0, 0, 0)", "psw: m = 2 is out of range 0..1"),
        E("pswi(0, 0x80000, 0, 0)", "pswi: p = 524288 is out of range 0..524287"),
        E("psw(0, 0, -1, 0)", "psw: l = -1 is out of range 0..524287"),
        E("rb(0, 0x80001)", "rb: b = 524289 is out of range 0..524288"),
        E("rb(1 / 0, 5)", "division by zero"),
    };
    check_edges(e, sizeof e / sizeof e[0], "numbers");
}

/* A guard before && keeps the word it guards from being read: a condition
 * such as 'l != 0 && V[x] == 3' was refused, or stopped the run, where
 * the guard is false; and assert names no comparison that was skipped. */
static void logic__a_guard_keeps_its_right_side_unread(void **state)
{
    (void)state;
    struct ms_sess s;
    ms_sess_open(&s);
    assert_int_equal(mon_exec_line(s.m, "break 5 if l != 0 && V[0x7ffff] == 3"), 0);
    assert_int_equal(mon_exec_line(s.m, "assert l == 0 || V[0x7ffff] == 3"), 0);
    assert_int_equal(mon_exec_line(s.m, "assert 0 && 1 == 2"), -1);
    fflush(s.err);
    if (!strstr(s.ebuf, "assertion failed: 0 && 1 == 2\n"))
        fail_msg("want the assertion without a comparison, got '%s'", s.ebuf);
    ms_sess_close(&s);
}

/* The monitor's '_' between digits (docs/monitor.md): '0x_' was 0, '0_'
 * and '10_' their digits, '0x_1' 1; a '_' with no digit on one side is a
 * bad number now.  The assembler takes no '_' at all. */
static void numbers__an_underscore_stands_between_two_digits(void **state)
{
    (void)state;
    static const struct edge e[] = {
        VM("70_000", 70000), VM("0xffff_FFFF", 0xffffffff), VM("0b1010_1010", 0xaa),
        VM("0o7_7", 077), VM("1_2_3", 123), VM("-1_0 + 1", -9),
        EM("0x_", "bad number near '0x_'"),
        EM("0b_", "bad number near '0b_'"),
        EM("0_", "bad number near '0_'"),
        EM("10_ + 1", "bad number near '10_ + 1'"),
        EM("0x_1", "bad number near '0x_1'"),
        EM("0o_7", "bad number near '0o_7'"),
        EM("1__0", "bad number near '1__0'"),
        EM("1_a", "bad number near '1_a'"),
        EA("1_000", "bad number '1_000'"),
    };
    check_edges(e, sizeof e / sizeof e[0], "numbers with '_'");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_trees__agree_with_the_docs),
        cmocka_unit_test(operator_pairs__precedence_and_grouping),
        cmocka_unit_test(edges__shifts_division_wrap_unary),
        cmocka_unit_test(edges__comparisons_and_logic),
        cmocka_unit_test(edges__numbers_and_characters),
        cmocka_unit_test(numbers__an_underscore_stands_between_two_digits),
        cmocka_unit_test(logic__a_guard_keeps_its_right_side_unread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
