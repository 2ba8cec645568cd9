/* refrun.c: the model of refrun.h, from docs/run.md ("What is printed",
 * "JSON", "The step limit") and nothing of src/cli, and the random
 * programs it runs.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refrun.h"
#include "tgm/vmm.h"
#include "rng.h"

void rr_put(struct rr_buf *b, const void *p, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
        if (!b->s)
            abort();
    }
    memcpy(b->s + b->n, p, n);
    b->n += n;
    b->s[b->n] = '\0';
}

void rr_printf(struct rr_buf *b, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    rr_put(b, tmp, (size_t)k);
}

void rr_init(struct rr *r, uint32_t q, int prof, uint32_t load, const uint64_t *w,
             size_t n, uint64_t entry, const uint8_t *in, size_t nin)
{
    memset(r, 0, sizeof *r);
    struct rm *m = &r->m;
    m->q = q;
    m->e = calloc(q, sizeof *m->e);
    if (!m->e)
        abort();
    memcpy(m->e + load, w, n * sizeof *w);
    rm_load_psw(m, entry);
    m->prof = prof;
    m->in = in, m->nin = nin;
}

void rr_free(struct rr *r)
{
    free(r->m.e);
    r->m.e = NULL;
}

enum rr_stop rr_run(struct rr *r, uint64_t max)
{
    uint32_t code;
    for (uint64_t k = 0; max == 0 || k < max; k++) {
        enum rm_res res = rm_step(&r->m, &code);
        if (r->m.trapped)
            r->last = r->m.trapped;
        if (res == R_HALT)
            return RR_HALT;
    }
    return RR_LIMIT;
}

uint64_t rr_digest(const struct rm *m)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (uint32_t a = 0; a < m->q; a++)
        for (int k = 0; k < 8; k++) {
            h ^= (m->e[a] >> (8 * k)) & 0xFF;
            h *= UINT64_C(0x100000001b3);
        }
    return h;
}

static const char *const cause_name[RM_NCAUSE] = {"none", "privileged", "memory", "svc",
                                                  "illegal", "timer"};

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

void rr_console_text(struct rr_buf *b, const struct rm *m, bool follows)
{
    rr_put(b, m->out, m->nout);
    if (follows && m->nout && m->out[m->nout - 1] != '\n')
        rr_put(b, "\n", 1);
}

static uint64_t psw_word(const struct rm *m)
{
    return rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
}

void rr_state_text(struct rr_buf *b, const struct rr *r, enum rr_stop stop, const char *name)
{
    const struct rm *m = &r->m;
    if (name)
        rr_printf(b, "-- %s: ", name);
    else
        rr_put(b, "-- ", 3);
    rr_printf(b, "%s\n", stop == RR_HALT ? "halted" : "step limit reached before HALT");
    rr_printf(b, "psw          0x%016llx  %s  I=%d  P=%u  l=%u  b=%u\n",
              (unsigned long long)psw_word(m), m->sup ? "supervisor" : "user", m->ie, m->p,
              m->l, m->b);
    rr_printf(b, "last trap    %s\n", cause_name[r->last]);
    rr_printf(b, "traps        privileged %llu, memory %llu, svc %llu, illegal %llu, timer %llu\n",
              (unsigned long long)m->traps[RM_PRIV], (unsigned long long)m->traps[RM_MEM],
              (unsigned long long)m->traps[RM_SVC], (unsigned long long)m->traps[RM_ILL],
              (unsigned long long)m->traps[RM_TIMER]);
    rr_printf(b, "cycles       %llu\n", (unsigned long long)m->cycles);
    rr_printf(b, "instructions %llu\n", (unsigned long long)m->instret);
    rr_printf(b, "steps        %llu\n", (unsigned long long)m->steps);
    if (m->pending)
        rr_printf(b, "timer        expired, trap pending %s\n",
                  m->ie ? "before the next instruction" : "until I=1");
    else if (m->armed)
        rr_printf(b, "timer        armed, %lld %s left\n", (long long)m->rem,
                  plural((uint64_t)m->rem, "cycle", "cycles"));
    else
        rr_printf(b, "timer        disarmed\n");
    rr_printf(b, "console      %zu %s\n", m->nout, plural(m->nout, "byte", "bytes"));
    rr_printf(b, "digest       0x%016llx  (FNV-1a of E, %u %s)\n",
              (unsigned long long)rr_digest(m), m->q, plural(m->q, "word", "words"));
    if (m->prof != P_VIRT)
        rr_printf(b, "profile      %s\n", rm_prof_name[m->prof]);
}

static void json_console(struct rr_buf *b, const struct rm *m)
{
    rr_put(b, "\"", 1);
    for (size_t k = 0; k < m->nout; k++) {
        uint8_t c = m->out[k];
        if (c == '"' || c == '\\')
            rr_printf(b, "\\%c", c);
        else if (c == '\n')
            rr_put(b, "\\n", 2);
        else if (c == '\r')
            rr_put(b, "\\r", 2);
        else if (c == '\t')
            rr_put(b, "\\t", 2);
        else if (c >= 0x20 && c < 0x7F)
            rr_put(b, &c, 1);
        else
            rr_printf(b, "\\u%04x", c);
    }
    rr_put(b, "\"", 1);
}

void rr_json(struct rr_buf *b, const struct rr *r, enum rr_stop stop)
{
    const struct rm *m = &r->m;
    rr_printf(b, "{\"stop\":\"%s\",\"profile\":\"%s\",", stop == RR_HALT ? "halt" : "step_limit",
              rm_prof_name[m->prof]);
    rr_printf(b, "\"psw\":{\"word\":\"0x%016llx\",\"mode\":\"%s\",\"i\":%d,\"p\":%u,\"l\":%u,\"b\":%u},",
              (unsigned long long)psw_word(m), m->sup ? "supervisor" : "user", m->ie, m->p,
              m->l, m->b);
    rr_printf(b, "\"last_trap\":\"%s\",", cause_name[r->last]);
    rr_printf(b, "\"traps\":{\"privileged\":%llu,\"memory\":%llu,\"svc\":%llu,\"illegal\":%llu,"
              "\"timer\":%llu},",
              (unsigned long long)m->traps[RM_PRIV], (unsigned long long)m->traps[RM_MEM],
              (unsigned long long)m->traps[RM_SVC], (unsigned long long)m->traps[RM_ILL],
              (unsigned long long)m->traps[RM_TIMER]);
    rr_printf(b, "\"cycles\":%llu,\"instructions\":%llu,\"steps\":%llu,",
              (unsigned long long)m->cycles, (unsigned long long)m->instret,
              (unsigned long long)m->steps);
    rr_printf(b, "\"timer\":{\"armed\":%s,\"pending\":%s,\"remaining\":%lld},",
              m->armed ? "true" : "false", m->pending ? "true" : "false",
              (long long)(m->armed ? m->rem : 0));
    rr_put(b, "\"console\":", 10);
    json_console(b, m);
    rr_printf(b, ",\"console_bytes\":%zu,\"q\":%u,\"digest\":\"0x%016llx\"}", m->nout, m->q,
              (unsigned long long)rr_digest(m));
}

/* docs/run.md names the loop of a memory trap with no handler, and
 * docs/monitor.md any "step that takes a trap that loads the very PSW it
 * trapped from" (an illegal word that E[1] points at, too).  A timer that
 * E[1]'s I = 1 lets in traps to E[1] as well: no way out, unless the old
 * PSW it leaves in E[0] is a word the loop fetches.  Two steps from S (its
 * timer off) both trap, and the second leaves E and the PSW as the first
 * did: the cause, or 0. */
static unsigned loop_steps(const struct rm *s, bool timer_trap)
{
    struct rm c = *s;
    size_t bytes = (size_t)s->q * sizeof *c.e;
    c.e = malloc(bytes);
    uint64_t *e0 = malloc(bytes);
    if (!c.e || !e0)
        abort();
    memcpy(c.e, s->e, bytes);
    if (timer_trap)
        rm_trap(&c, RM_TIMER);
    c.armed = c.pending = false, c.rem = 0;
    uint32_t code;
    unsigned cause = 0;
    uint64_t psw0 = 0;
    for (int k = 0; k < 2; k++) {
        if (rm_step(&c, &code) != R_GO || !c.trapped) {
            cause = 0;
            break;
        }
        cause = c.trapped;
        if (k == 0) {
            psw0 = psw_word(&c);
            memcpy(e0, c.e, bytes);
        } else if (psw0 != psw_word(&c) || memcmp(e0, c.e, bytes)) {
            cause = 0;
        }
    }
    free(c.e);
    free(e0);
    return cause;
}

unsigned rr_trap_loop(const struct rm *m)
{
    uint64_t e1 = m->e[1] & ~(UINT64_C(0xF) << 58);
    if (e1 != psw_word(m))
        return 0;
    unsigned cause = loop_steps(m, false);
    if (cause && (m->armed || m->pending) && (e1 >> 62 & 1) && !loop_steps(m, true))
        return 0;
    return cause;
}

const char *rr_cause_name(unsigned cause)
{
    return cause_name[cause];
}

void rr_limit_note(struct rr_buf *b, const struct rm *m, uint64_t max, const char *name)
{
    unsigned c = rr_trap_loop(m);
    rr_printf(b, "tgm: run: %s%sstep limit of %llu reached before HALT", name ? name : "",
              name ? ": " : "", (unsigned long long)max);
    if (c) /* the article is the code's: "a svc" */
        rr_printf(b, " in a trap loop (each step takes %s %s trap and E[1] loads the same PSW: "
                  "a disabled wait), which no limit ends; give E[1] a trap handler\n",
                  strchr("aeiou", cause_name[c][0]) ? "an" : "a", cause_name[c]);
    else /* the docs give the gist; the words are the code's */
        rr_printf(b, " (raise it with --max-steps N, or 0 for none)\n");
}

/* ---- --stats and --nest ---- */

/* The --stats lines of docs/run.md's example. */
void rr_stats_text(struct rr_buf *b, const struct vm_stats *st)
{
    static const char *const cn[] = {"(no trap)", "privileged", "memory", "svc", "illegal",
                                     "timer"};
    static const char *const dn[] = {"interpreted", "reflected", "allocator", "scheduler",
                                     "hybrid"};
    uint64_t d = st->direct, i = st->interpreted;
    rr_printf(b, "efficiency     %llu %s executed directly, %llu interpreted "
              "(%.4f%% direct)\n", (unsigned long long)d,
              d == 1 ? "instruction" : "instructions", (unsigned long long)i,
              d + i ? 100.0 * (double)d / (double)(d + i) : 0.0);
    rr_printf(b, "cycles         %llu in the guest, %llu in the control program's trap "
              "sequences and HCALLs\n", (unsigned long long)st->guest_cycles,
              (unsigned long long)st->cp_cycles);
    rr_printf(b, "cp entries     %llu\n", (unsigned long long)st->entries);
    for (int c = 0; c < RM_NCAUSE; c++) {
        bool any = false;
        for (int k = 0; k < DISP_COUNT; k++)
            if (st->traps[c][k]) {
                if (!any)
                    rr_printf(b, "  %-13s", cn[c]);
                rr_printf(b, "%s%s %llu", any ? " " : "", dn[k],
                          (unsigned long long)st->traps[c][k]);
                any = true;
            }
        if (any)
            rr_put(b, "\n", 1);
    }
}

void rr_stats_json(struct rr_buf *b, const struct vm_stats *st)
{
    static const char *const dn[] = {"interpreted", "reflected", "allocator", "scheduler",
                                     "hybrid"};
    uint64_t d = st->direct, i = st->interpreted;
    rr_printf(b, "{\"direct\":%llu,\"interpreted\":%llu,\"direct_ratio\":%f,\"guest_cycles\":%llu,"
              "\"cp_cycles\":%llu,\"cp_entries\":%llu,\"traps\":{", (unsigned long long)d,
              (unsigned long long)i, d + i ? (double)d / (double)(d + i) : 0.0,
              (unsigned long long)st->guest_cycles, (unsigned long long)st->cp_cycles,
              (unsigned long long)st->entries);
    for (int c = 0; c < RM_NCAUSE; c++) {
        rr_printf(b, "%s\"%s\":{", c ? "," : "", cause_name[c]);
        for (int k = 0; k < DISP_COUNT; k++)
            rr_printf(b, "%s\"%s\":%llu", k ? "," : "", dn[k],
                      (unsigned long long)st->traps[c][k]);
        rr_put(b, "}", 1);
    }
    rr_put(b, "}}", 2);
}

/* The guest's state under --nest: a bare run's, with the three counts
 * "not counted by the control programs (see the levels)". */
void rr_nest_state(struct rr_buf *b, const struct rr *m)
{
    struct rr_buf t = {0};
    rr_state_text(&t, m, RR_HALT, NULL);
    for (char *line = t.s; *line;) {
        char *nl = strchr(line, '\n');
        static const char *const cnt[] = {"cycles       ", "instructions ", "steps        "};
        bool done = false;
        for (int k = 0; k < 3 && !done; k++)
            if (strncmp(line, cnt[k], 13) == 0) {
                rr_printf(b, "%snot counted by the control programs (see the levels)\n", cnt[k]);
                done = true;
            }
        if (!done)
            rr_put(b, line, (size_t)(nl - line) + 1);
        line = nl + 1;
    }
    free(t.s);
}

/* ---- random programs ---- */

uint64_t rr_rng;

uint32_t rr_rn(uint32_t n)
{
    return n ? (uint32_t)(rng_next(&rr_rng) % n) : 0;
}

#define rn rr_rn

uint64_t rr_enc(unsigned op, uint32_t a, uint32_t b, uint32_t c)
{
    return (uint64_t)op << 57 | (uint64_t)(a & RM_AMASK) << 38 |
           (uint64_t)(b & RM_AMASK) << 19 | (c & RM_AMASK);
}

/* An operand of kind K: data mostly, sometimes out of the program's reach. */
static uint32_t operand(char k, uint32_t code, uint32_t nc, uint32_t data, uint32_t nd)
{
    switch (k) {
    case 'a':
        if (rn(10) < 8)
            return data + rn(nd);
        return (uint32_t[]){0, 1, data + nd + rn(200), RM_AMASK, 0x10000, rn(64)}[rn(6)];
    case 't': return rn(12) ? code + rn(nc) : rn(0x80000);
    case 'n': return rn(4);
    case 'i': return rn(2) ? rn(16) : (uint32_t)-(int32_t)rn(16);
    case 'L': return rn(128);
    default: return 0;
    }
}

static uint64_t rand_insn(uint32_t code, uint32_t nc, uint32_t data, uint32_t nd)
{
    static const unsigned favour[] = {0x46, 0x46, 0x47, 0x47, 0x44, 0x44, 0x45,
                                      0x02, 0x34, 0x38, 0x40};
    unsigned r = rn(20);
    if (r == 0)
        return rng_next(&rr_rng); /* anything: mostly illegal */
    const struct rm_insn *d = r < 9 ? rm_find(favour[rn(11)]) : &rm_table[rn((uint32_t)rm_ninsn)];
    uint32_t f[3] = {0, 0, 0};
    for (int i = 0; i < 3 && d->f[i]; i++)
        f[i] = operand(d->f[i], code, nc, data, nd);
    if (d->f[0] && d->f[1] == 'L') {
        uint64_t imm = rn(2) ? rn(300) : rng_next(&rr_rng) & ((UINT64_C(1) << 38) - 1);
        return (uint64_t)d->op << 57 | (uint64_t)(f[0] & RM_AMASK) << 38 | imm;
    }
    return rr_enc(d->op, f[0], f[1], f[2]);
}

static uint64_t rand_psw(bool sup, uint32_t p, uint32_t top)
{
    uint32_t b = (uint32_t[]){RM_BMASK, 0x80000, top, top + rn(8), rn(top + 1)}[rn(5)];
    return rm_pack(sup, rn(3) == 0, 0, p, rn(8) ? 0 : rn(3), b);
}

/* Words 0 and 1 (when loaded at 0), the code, a trap handler, the data. */
void gen_prog(struct prog *g)
{
    memset(g, 0, sizeof *g);
    g->load = rn(6) ? 0 : rn(2) ? 2 : 0x100;
    uint32_t nc = 3 + rn(30), nh = 6, nd = 4 + rn(12);
    uint32_t code = g->load + 2, hand = code + nc, data = hand + nh;
    g->n = 2 + nc + nh + nd;
    /* indexed by address (g->w - g->load would point before the array) */
#define W(a) (g->w[(a) - g->load])
    for (uint32_t a = code; a < hand; a++)
        W(a) = rand_insn(code, nc, data, nd);
    if (rn(3))
        W(code + rn(nc)) = rr_enc(0x02, 0, 0, 0);
    /* data: a counter, a P step, characters, timer values, PSWs, noise */
    uint32_t cnt = data, step = data + 1;
    W(cnt) = 1 + rn(6);
    W(step) = UINT64_C(1) << 39;
    for (uint32_t a = data + 2; a < data + nd; a++)
        switch (rn(6)) {
        case 0: W(a) = 'A' + rn(60); break;
        case 1: W(a) = rn(256); break;
        case 2: W(a) = 1 + rn(120); break;
        case 3: W(a) = rand_psw(rn(2), code + rn(nc), data + nd); break;
        case 4: W(a) = rn(5); break;
        default: W(a) = rng_next(&rr_rng); break;
        }
    /* the timer: armed early, and a spin for it to run out in */
    if (rn(2)) {
        W(data + 2) = 1 + rn(rn(2) ? 40 : 300);
        W(code) = rr_enc(0x44, data + 2, 0, 0);
    }
    if (rn(2)) {
        uint32_t at = code + 1 + rn(nc - 1);
        W(data + nd - 1) = 1 + rn(60);
        W(at) = rr_enc(0x34, data + nd - 1, at, 0);
    }
    /* handler: count down, then skip the trapping word, or halt */
    uint32_t h = hand;
    switch (rn(4)) {
    case 0: /* print, halt */
        W(h++) = rr_enc(0x46, data + 2 + rn(nd - 2), 0, 0);
        W(h++) = rr_enc(0x02, 0, 0, 0);
        break;
    case 1: /* re-execute the trapping word: a loop of traps */
        W(h++) = rr_enc(0x40, 0, 0, 0);
        break;
    default: /* resume after it while the counter lasts */
        W(h) = rr_enc(0x34, cnt, h + 2, 0);
        h++;
        W(h++) = rr_enc(0x02, 0, 0, 0);
        W(h++) = rr_enc(0x10, 0, 0, step);
        W(h++) = rr_enc(0x46, data + 2 + rn(nd - 2), 0, 0);
        W(h++) = rr_enc(0x40, 0, 0, 0);
        break;
    }
    if (g->load == 0 && rn(5))
        W(1) = rm_pack(true, rn(4) == 0, 0, hand, 0, RM_BMASK);
    g->entry = rand_psw(rn(5) != 0, code, data + nd);
#undef W
}
