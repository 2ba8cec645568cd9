/* state.c: the machine's state as a value: the trap done in software,
 * time charged from elsewhere, comparison, and snapshots.
 *
 * Section 2's trap and state S, used by the control program to keep each
 * VM's virtual state (section 6's map f works on these) and by the monitor
 * to save and restore.  machine_trap must have the CPU's exact effect.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_impl.h"

void machine_trap(struct machine *m, unsigned cause)
{
    struct psw old = {m->sup, m->ie, (uint8_t)cause, m->p, m->l, m->b};
    if (cause == TRAP_TIMER)
        m->timer_pending = false; /* taking the timer trap consumes it */
    m->E[0] = psw_pack(&old);
    machine_set_psw(m, m->E[1]);
    m->last_trap = (uint8_t)cause;
    m->ctr.traps[cause]++;
    machine_charge(m, TGM_TRAP_CYCLES, 0, 1);
}

void machine_charge(struct machine *m, uint64_t cycles, uint64_t instret,
                    uint64_t steps)
{
    m->ctr.cycles += cycles;
    m->ctr.instret += instret;
    m->ctr.steps += steps;
    if (m->timer_armed && m->ctr.cycles >= m->timer_deadline) {
        m->timer_armed = false;
        m->timer_pending = true;
    }
}

void machine_console_put(struct machine *m, uint8_t ch)
{
    m->con.put(m->con.ctx, ch);
}

int machine_console_get(struct machine *m)
{
    return m->con.get(m->con.ctx);
}

static int differ(char *diff, size_t len, const char *fmt, ...)
{
    if (diff && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(diff, len, fmt, ap);
        va_end(ap);
    }
    return 1;
}

int machine_compare(const struct machine *a, const struct machine *b,
                    unsigned flags, const char *na, const char *nb, char *diff,
                    size_t len)
{
    if (diff && len)
        diff[0] = '\0';
    if (a->q != b->q)
        return differ(diff, len, "memory size: %s %u words, %s %u", na, a->q, nb, b->q);
    for (uint32_t i = 0; i < a->q; i++)
        if (a->E[i] != b->E[i])
            return differ(diff, len, "E[%u]: %s 0x%016llx, %s 0x%016llx", i, na,
                          (unsigned long long)a->E[i], nb, (unsigned long long)b->E[i]);
    struct {
        const char *name;
        uint64_t x, y;
    } f[] = {
        {"PSW M (1 = supervisor)", a->sup, b->sup},
        {"PSW I", a->ie, b->ie},
        {"PSW P", a->p, b->p},
        {"R l", a->l, b->l},
        {"R b", a->b, b->b},
        {"timer armed", a->timer_armed, b->timer_armed},
        {"timer pending", a->timer_pending, b->timer_pending},
        {"timer remaining", (uint64_t)machine_get_timer(a).remaining,
         (uint64_t)machine_get_timer(b).remaining},
        {"console output length", a->conbuf.out_len, b->conbuf.out_len},
        {"console output dropped", a->conbuf.out_dropped, b->conbuf.out_dropped},
        {"console input consumed", a->conbuf.in_pos, b->conbuf.in_pos},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].x != f[i].y)
            return differ(diff, len, "%s: %s %llu, %s %llu", f[i].name, na,
                          (unsigned long long)f[i].x, nb, (unsigned long long)f[i].y);
    for (size_t i = 0; i < a->conbuf.out_len; i++)
        if (a->conbuf.out[i] != b->conbuf.out[i])
            return differ(diff, len, "console output byte %zu: %s 0x%02x, %s 0x%02x", i,
                          na, a->conbuf.out[i], nb, b->conbuf.out[i]);
    if (!(flags & CMP_COUNTERS))
        return 0;
    const struct machine_counters *x = &a->ctr, *y = &b->ctr;
    struct {
        const char *name;
        uint64_t x, y;
    } c[] = {
        {"cycles", x->cycles, y->cycles},
        {"instructions", x->instret, y->instret},
        {"steps", x->steps, y->steps},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
        if (c[i].x != c[i].y)
            return differ(diff, len, "%s: %s %llu, %s %llu", c[i].name, na,
                          (unsigned long long)c[i].x, nb, (unsigned long long)c[i].y);
    for (unsigned t = 0; t < TRAP_NCAUSES; t++)
        if (x->traps[t] != y->traps[t])
            return differ(diff, len, "%s traps: %s %llu, %s %llu", trap_cause_name(t), na,
                          (unsigned long long)x->traps[t], nb,
                          (unsigned long long)y->traps[t]);
    return 0;
}

/* Snapshot layout (little-endian u64 fields unless noted), version 1:
 *   "TGMSTATE", version, q, profile name (u64 length + bytes), flags
 *   (bit 0 hostcalls, bit 1 memory included), PSW word, timer armed,
 *   pending, remaining, last trap, cycles, instret, steps, traps[6],
 *   console out length, dropped, bytes; input length, position, bytes;
 *   then q words of E if included. */
#define STATE_MAGIC "TGMSTATE"
#define STATE_VERSION 1u

struct wbuf {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static void put_bytes(struct wbuf *w, const void *src, size_t n)
{
    if (w->oom)
        return;
    if (w->len + n > w->cap) {
        size_t cap = w->cap ? w->cap : 1024;
        while (cap < w->len + n)
            cap *= 2;
        uint8_t *np = realloc(w->p, cap);
        if (!np) {
            w->oom = true;
            return;
        }
        w->p = np;
        w->cap = cap;
    }
    if (n)
        memcpy(w->p + w->len, src, n);
    w->len += n;
}

static void put64(struct wbuf *w, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put_bytes(w, b, 8);
}

int machine_state_save(const struct machine *m, bool with_memory, uint8_t **buf,
                       size_t *len)
{
    struct wbuf w = {0};
    struct machine_timer t = machine_get_timer(m);
    size_t nlen = strlen(m->profile->name);
    put_bytes(&w, STATE_MAGIC, 8);
    put64(&w, STATE_VERSION);
    put64(&w, m->q);
    put64(&w, nlen);
    put_bytes(&w, m->profile->name, nlen);
    put64(&w, (m->hostcalls ? 1u : 0u) | (with_memory ? 2u : 0u));
    put64(&w, machine_get_psw(m));
    put64(&w, t.armed);
    put64(&w, t.pending);
    put64(&w, (uint64_t)t.remaining);
    put64(&w, m->last_trap);
    put64(&w, m->ctr.cycles);
    put64(&w, m->ctr.instret);
    put64(&w, m->ctr.steps);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        put64(&w, m->ctr.traps[i]);
    put64(&w, m->conbuf.out_len);
    put64(&w, m->conbuf.out_dropped);
    put_bytes(&w, m->conbuf.out, m->conbuf.out_len);
    put64(&w, m->conbuf.in_len);
    put64(&w, m->conbuf.in_pos);
    put_bytes(&w, m->conbuf.in, m->conbuf.in_len);
    if (with_memory)
        for (uint32_t i = 0; i < m->q; i++)
            put64(&w, m->E[i]);
    if (w.oom) {
        free(w.p);
        return -1;
    }
    *buf = w.p;
    *len = w.len;
    return 0;
}

struct rbuf {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};

static const uint8_t *get_bytes(struct rbuf *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return NULL;
    }
    const uint8_t *p = r->p + r->off;
    r->off += n;
    return p;
}

static uint64_t get64(struct rbuf *r)
{
    const uint8_t *b = get_bytes(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static int load_fail(char *err, size_t len, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int machine_state_load(struct machine *m, const uint8_t *buf, size_t len,
                       char *err, size_t errlen)
{
    struct rbuf r = {buf, len, 0, false};
    const uint8_t *magic = get_bytes(&r, 8);
    if (!magic || memcmp(magic, STATE_MAGIC, 8) != 0)
        return load_fail(err, errlen, "offset 0: not a machine state");
    uint64_t version = get64(&r);
    if (version != STATE_VERSION)
        return load_fail(err, errlen, "offset 8: unsupported state version %llu",
                         (unsigned long long)version);
    uint64_t q = get64(&r);
    if (!r.bad && q != m->q)
        return load_fail(err, errlen, "offset 16: state is for %llu words, machine has %u",
                         (unsigned long long)q, m->q);
    uint64_t nlen = get64(&r);
    const uint8_t *name = nlen < 64 ? get_bytes(&r, nlen) : NULL;
    if (r.bad || !name || strlen(m->profile->name) != nlen ||
        memcmp(name, m->profile->name, nlen) != 0)
        return load_fail(err, errlen, "offset 32: state is for another instruction-set profile");
    uint64_t flags = get64(&r);
    if (!r.bad && (flags & 1u) != (m->hostcalls ? 1u : 0u))
        return load_fail(err, errlen, "state disagrees on host calls");
    if (!r.bad && flags > 3)
        return load_fail(err, errlen, "unknown state flags 0x%llx", (unsigned long long)flags);
    uint64_t psw = get64(&r);
    struct machine_timer t; /* one field at a time: initialisers are unsequenced */
    t.armed = get64(&r) != 0;
    t.pending = get64(&r) != 0;
    t.remaining = (int64_t)get64(&r);
    uint64_t last = get64(&r);
    struct machine_counters c;
    c.cycles = get64(&r);
    c.instret = get64(&r);
    c.steps = get64(&r);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        c.traps[i] = get64(&r);
    uint64_t olen = get64(&r), odrop = get64(&r);
    const uint8_t *out = olen <= CONBUF_OUT_LIMIT ? get_bytes(&r, olen) : NULL;
    uint64_t ilen = get64(&r), ipos = get64(&r);
    const uint8_t *in = ilen <= len ? get_bytes(&r, ilen) : NULL;
    const uint8_t *mem = (flags & 2u) ? get_bytes(&r, (size_t)m->q * 8) : NULL;
    if (r.bad || (olen && !out) || (ilen && !in) || ((flags & 2u) && !mem))
        return load_fail(err, errlen, "offset %zu: state is truncated", r.off);
    if (r.off != len)
        return load_fail(err, errlen, "offset %zu: %zu stray bytes after the state", r.off,
                         len - r.off);
    if (ipos > ilen || last >= TRAP_NCAUSES || (psw >> PSW_CAUSE_SHIFT & 0xF))
        return load_fail(err, errlen, "state is inconsistent (console, trap or PSW field)");

    /* Everything is valid: apply.  Console buffers first (may fail). */
    struct console_buf nb;
    conbuf_init(&nb);
    if (conbuf_feed(&nb, in, ilen) != 0)
        return load_fail(err, errlen, "out of memory");
    for (uint64_t i = 0; i < olen; i++)
        conbuf_put(&nb, out[i]);
    if (nb.out_len != olen) {
        conbuf_free(&nb);
        return load_fail(err, errlen, "out of memory");
    }
    nb.in_pos = ipos;
    nb.out_dropped = odrop;
    conbuf_free(&m->conbuf);
    m->conbuf = nb;
    if (m->con.put == conbuf_put)
        m->con.ctx = &m->conbuf;
    if (mem)
        for (uint32_t i = 0; i < m->q; i++) {
            uint64_t v = 0;
            for (int k = 0; k < 8; k++)
                v |= (uint64_t)mem[8ull * i + k] << (8 * k);
            m->E[i] = v;
        }
    machine_set_psw(m, psw);
    m->ctr = c;
    m->last_trap = (uint8_t)last;
    machine_set_timer(m, &t);
    return 0;
}
