/* refconsole.c: the console model of refconsole.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refconsole.h"
#include "rng.h"

static uint32_t rn(uint64_t *rng, uint32_t n)
{
    return n ? (uint32_t)(rng_next(rng) % n) : 0;
}

enum { NOP = 0x01, HALT = 0x02, ADD = 0x10, AND = 0x17, ADDI = 0x1D, BEQ = 0x2C,
       SVC = 0x38, LPSW = 0x40, TSET = 0x44, COUT = 0x46, CIN = 0x47 };

#define CODE 2u     /* main code starts here ... */
#define DATA 240u   /* ... and data here */

/* A value for COUT: a byte of every value, bytes the escapes treat
 * specially, and words that are not bytes. */
static uint64_t out_value(uint64_t *rng)
{
    static const uint8_t special[] = {'\n', '\t', '\r', 0, '"', '\\', 0x7f, 0x80, 0xff, ' ', '|'};
    switch (rn(rng, 6)) {
    case 0: case 1: return rn(rng, 256);
    case 2: return special[rn(rng, sizeof special)];
    case 3: return 0x20 + rn(rng, 95);
    case 4: return rng_next(rng);
    default: return (uint64_t)-(int64_t)rn(rng, 300);
    }
}

void rc_gen(struct rc_guest *g, uint64_t *rng)
{
    memset(g, 0, sizeof *g);
    uint32_t d = DATA;
    const uint32_t t = d++, pm = d++, ep = d++, one = d++, hm = d++;
    uint32_t val[16], tim[4];
    for (unsigned k = 0; k < 16; k++) {
        val[k] = d;
        g->w[d++] = out_value(rng);
    }
    static const int64_t tv[] = {1, 2, 3, 5, 8, 13, 30, 0, -5};
    for (unsigned k = 0; k < 4; k++) {
        tim[k] = d;
        g->w[d++] = (uint64_t)tv[rn(rng, sizeof tv / sizeof tv[0])];
    }
    g->ncin = 1 + rn(rng, RC_MAXSLOT);
    for (unsigned k = 0; k < g->ncin; k++)
        g->cin[k] = d++;
    g->n = d;

    uint32_t pc = CODE;
    unsigned ops = 2 + rn(rng, 40);
    for (unsigned k = 0; k < ops && pc < 200; k++) {
        uint32_t c = g->cin[rn(rng, g->ncin)];
        switch (rn(rng, 21)) {
        case 0: case 1: case 2: case 3: case 4: case 5: case 6:
            g->w[pc++] = rr_enc(COUT, val[rn(rng, 16)], 0, 0);
            break;
        case 7: case 8: case 9:
            g->w[pc++] = rr_enc(CIN, c, 0, 0);
            break;
        case 10: case 11: case 12: /* echo what was read, -1 included */
            g->w[pc++] = rr_enc(CIN, c, 0, 0);
            g->w[pc++] = rr_enc(COUT, c, 0, 0);
            break;
        case 13:
            g->w[pc++] = rr_enc(COUT, c, 0, 0);
            break;
        case 14: case 15:
            g->w[pc++] = rr_enc(SVC, rn(rng, 100), 0, 0);
            break;
        case 16: case 17:
            g->w[pc++] = rr_enc(TSET, tim[rn(rng, 4)], 0, 0);
            break;
        case 18:
            g->w[pc++] = rr_enc(ADDI, c, c, rn(rng, 5));
            break;
        case 19: /* CIN over the next instruction: its fetch must see the byte */
            if (rn(rng, 2)) {
                g->w[pc] = rr_enc(CIN, pc + 1, 0, 0);
                pc++;
                g->w[pc++] = rr_enc(COUT, val[rn(rng, 16)], 0, 0);
                break;
            }
            /* fall through */
        default:
            g->w[pc++] = rr_enc(NOP, 0, 0, 0);
        }
    }
    const uint32_t end = pc;
    g->w[pc++] = rr_enc(HALT, 0, 0, 0);
    /* The handler: a marker byte, then resume past the trapping (or, for
     * the timer, the next) instruction, or halt when that is the end. */
    const uint32_t h = pc;
    g->w[pc++] = rr_enc(COUT, hm, 0, 0);
    g->w[pc++] = rr_enc(AND, t, 0, pm);
    g->w[pc] = rr_enc(BEQ, t, ep, pc + 3);
    pc++;
    g->w[pc++] = rr_enc(ADD, 0, 0, one);
    g->w[pc++] = rr_enc(LPSW, 0, 0, 0);
    g->w[pc++] = rr_enc(HALT, 0, 0, 0);
    g->w[pm] = rm_pack(0, 0, 0, RM_AMASK, 0, 0);
    g->w[ep] = rm_pack(0, 0, 0, end, 0, 0);
    g->w[one] = rm_pack(0, 0, 0, 1, 0, 0);
    g->w[hm] = "!#$%&*+~\x01\xfe\n"[rn(rng, 11)];
    g->w[1] = rm_pack(1, 0, 0, h, 0, RC_Q);
    g->entry = rm_pack(rn(rng, 3) != 0, rn(rng, 2), 0, CODE, 0, RC_Q);
}

void rc_init(struct rc_mach *m, const struct rc_guest *g, uint32_t q)
{
    memset(m, 0, sizeof *m);
    rr_init(&m->r, q, P_VIRT, 0, g->w, g->n, g->entry, NULL, 0);
}

void rc_free(struct rc_mach *m)
{
    rr_free(&m->r);
    free(m->in);
}

void rc_queue(struct rc_mach *m, const uint8_t *b, size_t n)
{
    if (m->nin + n > m->cap) {
        m->cap = (m->nin + n) * 2 + 16;
        m->in = realloc(m->in, m->cap);
        if (!m->in)
            abort();
    }
    if (n) /* an empty queue may have no buffer, nor B any bytes */
        memcpy(m->in + m->nin, b, n);
    m->nin += n;
    m->r.m.in = m->in, m->r.m.nin = m->nin;
}

int rc_step(struct rc_mach *m)
{
    size_t before = m->r.m.nout;
    uint32_t code;
    if (rm_step(&m->r.m, &code) == R_HALT)
        m->halted = true;
    if (m->r.m.nout > RM_OUTMAX - 8)
        abort(); /* the guests are far smaller */
    return m->r.m.nout > before ? m->r.m.out[before] : -1;
}

uint64_t rc_psw(const struct rc_mach *m)
{
    const struct rm *x = &m->r.m;
    return rm_pack(x->sup, x->ie, 0, x->p, x->l, x->b);
}

/* Bytes as a quoted string shows them: a step's console line, or JSON's
 * \u00HH for the bytes without an escape of their own. */
static void esc(struct rr_buf *b, const uint8_t *s, size_t n, bool json)
{
    for (size_t k = 0; k < n; k++) {
        uint8_t c = s[k];
        switch (c) {
        case '\n': rr_put(b, "\\n", 2); break;
        case '\t': rr_put(b, "\\t", 2); break;
        case '\r': rr_put(b, "\\r", 2); break;
        case '"': rr_put(b, "\\\"", 2); break;
        case '\\': rr_put(b, "\\\\", 2); break;
        default:
            if (c >= 0x20 && c < 0x7f)
                rr_put(b, &c, 1);
            else if (json)
                rr_printf(b, "\\u%04x", c);
            else
                rr_printf(b, "\\x%02x", c);
        }
    }
}

void rc_esc_step(struct rr_buf *b, const uint8_t *s, size_t n) { esc(b, s, n, false); }

void rc_esc_json(struct rr_buf *b, const uint8_t *s, size_t n) { esc(b, s, n, true); }

void rc_closed(struct rr_buf *b, const uint8_t *s, size_t n)
{
    rr_put(b, s, n);
    if (n && s[n - 1] != '\n')
        rr_put(b, "\n", 1);
}

void rc_live_byte(struct rc_live *l, int vm, const char *name, uint8_t c)
{
    if (l->cur >= 0 && l->cur != vm)
        rc_live_end(l);
    if (l->cur < 0)
        rr_printf(l->b, "%s| ", name);
    rr_put(l->b, &c, 1);
    l->cur = c == '\n' ? -1 : vm;
}

void rc_live_end(struct rc_live *l)
{
    if (l->cur >= 0)
        rr_put(l->b, "\n", 1);
    l->cur = -1;
}

void rc_mon_text(struct rr_buf *b, const uint8_t *s, size_t n, uint64_t *rng)
{
    static const char hex[] = "0123456789abcdef0123456789ABCDEF";
    rr_put(b, "\"", 1);
    for (size_t k = 0; k < n; k++) {
        uint8_t c = s[k];
        unsigned up = rn(rng, 2) * 16;
        if (rn(rng, 4) == 0) { /* \xHH always works */
            rr_printf(b, "\\x%c%c", hex[up + (c >> 4)], hex[up + (c & 15)]);
            continue;
        }
        switch (c) {
        case '\n': rr_put(b, "\\n", 2); break;
        case '\t': rr_put(b, "\\t", 2); break;
        case '\r': rr_put(b, "\\r", 2); break;
        case 0: rr_put(b, "\\0", 2); break;
        /* the line takes \\ and \" first, .ascii then sees \\ and \" */
        case '\\': rr_put(b, "\\\\\\\\", 4); break;
        case '"': rr_put(b, "\\\\\\\"", 4); break;
        case '\'':
            if (rn(rng, 2))
                rr_put(b, "\\'", 2);
            else
                rr_put(b, "'", 1);
            break;
        default:
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                strchr(" .,:!?-+=()<>|;#", c) != NULL)
                rr_put(b, &c, 1);
            else
                rr_printf(b, "\\x%c%c", hex[up + (c >> 4)], hex[up + (c & 15)]);
        }
    }
    rr_put(b, "\"", 1);
}
