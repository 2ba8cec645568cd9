/* state.c: the machine's state as a value: the trap done in software,
 * time charged from elsewhere, comparison, snapshots, and the probe for a
 * state that can only trap back to itself (a disabled wait).
 *
 * Section 2's trap and state S, used by the control program to keep each
 * VM's virtual state (section 6's map f works on these) and by the monitor
 * to save and restore.  machine_trap must have the CPU's exact effect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "machine_impl.h"
#include "tgm/bytes.h"

void machine_trap(struct machine *m, unsigned cause)
{
    if (cause == TRAP_TIMER) /* the trap consumes the pending timer */
        m->timer_pending = false;
    machine_set_psw(m, trap_sequence(m, psw_at(m, m->p, cause), cause));
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

/* One line naming the first difference; the comparison's result is 1. */
#define differ(...) (tgm_err(__VA_ARGS__), 1)

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
        {"console input waiting", a->conbuf.in_len - a->conbuf.in_pos,
         b->conbuf.in_len - b->conbuf.in_pos},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i].x != f[i].y)
            return differ(diff, len, "%s: %s %llu, %s %llu", f[i].name, na,
                          (unsigned long long)f[i].x, nb, (unsigned long long)f[i].y);
    for (size_t i = 0; i < a->conbuf.out_len; i++)
        if (a->conbuf.out[i] != b->conbuf.out[i])
            return differ(diff, len, "console output byte %zu: %s 0x%02x, %s 0x%02x", i,
                          na, a->conbuf.out[i], nb, b->conbuf.out[i]);
    /* what CIN will read next is state too: two machines that differ there
     * would go on differently */
    for (size_t i = a->conbuf.in_pos; i < a->conbuf.in_len; i++)
        if (a->conbuf.in[i] != b->conbuf.in[i])
            return differ(diff, len, "console input byte %zu: %s 0x%02x, %s 0x%02x", i, na,
                          a->conbuf.in[i], nb, b->conbuf.in[i]);
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

int machine_state_save(const struct machine *m, bool with_memory, uint8_t **buf,
                       size_t *len)
{
    struct bytes_out w = {0};
    struct machine_timer t = machine_get_timer(m);
    size_t nlen = strlen(m->profile->name);
    /* all of it at once: 17 fields and the trap counts of 8 bytes each,
     * the profile's name, the console and the memory */
    bytes_reserve(&w, 8 * (17 + TRAP_NCAUSES) + nlen + m->conbuf.out_len + m->conbuf.in_len +
                          (with_memory ? (size_t)m->q * 8 : 0));
    bytes_put(&w, STATE_MAGIC, 8);
    bytes_put_le(&w, STATE_VERSION, 8);
    bytes_put_le(&w, m->q, 8);
    bytes_put_le(&w, nlen, 8);
    bytes_put(&w, m->profile->name, nlen);
    bytes_put_le(&w, (m->hostcalls ? 1u : 0u) | (with_memory ? 2u : 0u), 8);
    bytes_put_le(&w, machine_get_psw(m), 8);
    bytes_put_le(&w, t.armed, 8);
    bytes_put_le(&w, t.pending, 8);
    bytes_put_le(&w, (uint64_t)t.remaining, 8);
    bytes_put_le(&w, m->last_trap, 8);
    bytes_put_le(&w, m->ctr.cycles, 8);
    bytes_put_le(&w, m->ctr.instret, 8);
    bytes_put_le(&w, m->ctr.steps, 8);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        bytes_put_le(&w, m->ctr.traps[i], 8);
    bytes_put_le(&w, m->conbuf.out_len, 8);
    bytes_put_le(&w, m->conbuf.out_dropped, 8);
    bytes_put(&w, m->conbuf.out, m->conbuf.out_len);
    bytes_put_le(&w, m->conbuf.in_len, 8);
    bytes_put_le(&w, m->conbuf.in_pos, 8);
    bytes_put(&w, m->conbuf.in, m->conbuf.in_len);
    uint8_t *d = with_memory ? bytes_room(&w, (size_t)m->q * 8) : NULL;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (d) /* the words as they are: little-endian already */
        memcpy(d, m->E, (size_t)m->q * 8);
#else
    for (uint32_t i = 0; d && i < m->q; i++)
        le_write(d + 8 * (size_t)i, m->E[i], 8);
#endif
    if (w.oom) {
        free(w.p);
        return -1;
    }
    *buf = w.p;
    *len = w.len;
    return 0;
}

int machine_state_load(struct machine *m, const uint8_t *buf, size_t len,
                       char *err, size_t errlen)
{
    struct bytes_in r = {buf, len, 0, false};
    const uint8_t *magic = bytes_take(&r, 8);
    if (!magic || memcmp(magic, STATE_MAGIC, 8) != 0)
        return tgm_err(err, errlen, "offset 0: not a machine state");
    uint64_t version = bytes_get_le(&r, 8);
    if (!r.bad && version != STATE_VERSION)
        return tgm_err(err, errlen, "offset 8: unsupported state version %llu",
                         (unsigned long long)version);
    uint64_t q = bytes_get_le(&r, 8);
    if (!r.bad && q != m->q)
        return tgm_err(err, errlen, "offset 16: state is for %llu words, machine has %u",
                         (unsigned long long)q, m->q);
    uint64_t nlen = bytes_get_le(&r, 8);
    const uint8_t *name = nlen < 64 ? bytes_take(&r, nlen) : NULL;
    if (r.bad) /* not "version 0" or "another profile" */
        return tgm_err(err, errlen, "offset %zu: state is truncated", r.off);
    if (!name || strlen(m->profile->name) != nlen ||
        memcmp(name, m->profile->name, nlen) != 0)
        return tgm_err(err, errlen, "offset 32: state is for another instruction-set profile");
    size_t at = r.off; /* where each field checked below begins */
    uint64_t flags = bytes_get_le(&r, 8);
    if (!r.bad && flags > 3)
        return tgm_err(err, errlen, "offset %zu: unknown state flags 0x%llx", at,
                       (unsigned long long)flags);
    if (!r.bad && (flags & 1u) != (m->hostcalls ? 1u : 0u))
        return tgm_err(err, errlen, "offset %zu: state %s host calls, the machine %s", at,
                       flags & 1u ? "has" : "has no", m->hostcalls ? "has" : "has not");
    size_t at_psw = r.off;
    uint64_t psw = bytes_get_le(&r, 8);
    size_t at_timer = r.off;
    struct machine_timer t; /* one field at a time: initialisers are unsequenced */
    t.armed = bytes_get_le(&r, 8) != 0;
    t.pending = bytes_get_le(&r, 8) != 0;
    t.remaining = (int64_t)bytes_get_le(&r, 8);
    size_t at_last = r.off;
    uint64_t last = bytes_get_le(&r, 8);
    struct machine_counters c;
    c.cycles = bytes_get_le(&r, 8);
    c.instret = bytes_get_le(&r, 8);
    c.steps = bytes_get_le(&r, 8);
    for (unsigned i = 0; i < TRAP_NCAUSES; i++)
        c.traps[i] = bytes_get_le(&r, 8);
    uint64_t olen = bytes_get_le(&r, 8), odrop = bytes_get_le(&r, 8);
    const uint8_t *out = olen <= CONBUF_OUT_LIMIT ? bytes_take(&r, olen) : NULL;
    size_t at_ipos = r.off + 8;
    uint64_t ilen = bytes_get_le(&r, 8), ipos = bytes_get_le(&r, 8);
    const uint8_t *in = ilen <= len ? bytes_take(&r, ilen) : NULL;
    const uint8_t *mem = (flags & 2u) ? bytes_take(&r, (size_t)m->q * 8) : NULL;
    if (r.bad || (olen && !out) || (ilen && !in) || ((flags & 2u) && !mem))
        return tgm_err(err, errlen, "offset %zu: state is truncated", r.off);
    if (r.off != len)
        return tgm_err(err, errlen, "offset %zu: %zu stray byte%s after the state", r.off,
                       len - r.off, len - r.off == 1 ? "" : "s");
    if (psw >> PSW_CAUSE_SHIFT & 0xF)
        return tgm_err(err, errlen, "offset %zu: the PSW 0x%016llx has a trap cause", at_psw,
                       (unsigned long long)psw);
    if (t.armed && t.pending) /* machine_set_timer would refuse it after the rest is applied */
        return tgm_err(err, errlen, "offset %zu: the timer is both armed and pending, a state "
                       "no instruction makes", at_timer);
    if (last >= TRAP_NCAUSES)
        return tgm_err(err, errlen, "offset %zu: last trap cause %llu is none of the %u",
                       at_last, (unsigned long long)last, TRAP_NCAUSES);
    if (ipos > ilen)
        return tgm_err(err, errlen, "offset %zu: console input read to %llu of its %llu bytes",
                       at_ipos, (unsigned long long)ipos, (unsigned long long)ilen);

    /* Everything is valid: apply.  Console buffers first (may fail). */
    struct console_buf nb;
    conbuf_init(&nb);
    if (conbuf_feed(&nb, in, ilen) != 0)
        return tgm_err(err, errlen, "out of memory");
    for (uint64_t i = 0; i < olen; i++)
        conbuf_put(&nb, out[i]);
    if (nb.out_len != olen) {
        conbuf_free(&nb);
        return tgm_err(err, errlen, "out of memory");
    }
    nb.in_pos = ipos;
    nb.out_dropped = odrop;
    const struct console_buf *oc = &m->conbuf; /* the registers go by value */
    bool edited = oc->out_len != olen || oc->out_dropped != odrop || oc->out_lost ||
                  oc->in_len != ilen || oc->in_pos != ipos ||
                  (olen && memcmp(oc->out, out, olen)) || (ilen && memcmp(oc->in, in, ilen));
    conbuf_free(&m->conbuf);
    m->conbuf = nb;
    if (m->con.put == conbuf_put)
        m->con.ctx = &m->conbuf;
    if (mem)
        for (uint32_t i = 0; i < m->q; i++) {
            uint64_t v = 0;
            for (int k = 0; k < 8; k++)
                v |= (uint64_t)mem[8ull * i + k] << (8 * k);
            edited = edited || m->E[i] != v;
            mem_store(m, i, v);
        }
    if (edited)
        machine_edited(m);
    machine_set_psw(m, psw);
    m->ctr = c;
    m->last_trap = (uint8_t)last;
    machine_set_timer(m, &t);
    return 0;
}

/* ---- trap loops: a machine that can only spin (the monitor, tgm run) ---- */

/* Two steps on C: if both trap and the second leaves E, M, P and R exactly
 * as the first did, every later step repeats it.  C's timer is off. */
static bool trap_loop_steps(struct machine *c, unsigned *cause)
{
    uint64_t psw[2], digest[2];
    unsigned trapped[2] = {TRAP_NCAUSES, TRAP_NCAUSES};
    bool loop = true;
    for (int k = 0; k < 2 && loop; k++) {
        struct machine_counters c0 = machine_get_counters(c);
        struct machine_exit ex;
        loop = machine_step(c, &ex) == EXIT_BUDGET;
        struct machine_counters c1 = machine_get_counters(c);
        for (unsigned i = 1; i < TRAP_NCAUSES; i++)
            if (c1.traps[i] != c0.traps[i])
                trapped[k] = i;
        loop = loop && trapped[k] < TRAP_NCAUSES;
        psw[k] = machine_get_psw(c);
        digest[k] = machine_digest(c);
    }
    *cause = trapped[1];
    return loop && psw[0] == psw[1] && digest[0] == digest[1];
}

bool machine_trap_loop(const struct machine *x, unsigned *cause)
{
    /* In a trap loop every step ends by loading E[1], so the PSW is E[1]'s
     * at every boundary; anything else is not one, and needs no copy. */
    uint64_t e1;
    if (machine_read_phys(x, 1, &e1) != 0 ||
        machine_get_psw(x) != (e1 & ~((uint64_t)0xF << PSW_CAUSE_SHIFT)))
        return false;
    /* A timer that E[1]'s I = 1 lets in traps once, and its trap loads E[1]
     * as well: the loop goes on unless the old PSW it leaves in E[0] is a
     * word the loop fetches.  So the loop must hold without the timer's
     * trap and after it.  With I = 0 the timer never traps. */
    struct machine_timer t = machine_get_timer(x);
    bool timer = (t.armed || t.pending) && (e1 >> PSW_I_BIT & 1);
    uint8_t *buf = NULL;
    size_t len = 0;
    if (machine_state_save(x, true, &buf, &len) != 0)
        return false;
    struct machine_config cfg = {.q = machine_q(x), .profile = machine_profile(x),
                                 .hostcalls = machine_hostcalls(x)};
    struct machine *c = machine_create(&cfg);
    char err[128];
    const struct machine_timer off = {0};
    bool loop = c && machine_state_load(c, buf, len, err, sizeof err) == 0 &&
                machine_set_timer(c, &off) == 0 && trap_loop_steps(c, cause);
    if (loop && timer) {
        unsigned after;
        loop = machine_state_load(c, buf, len, err, sizeof err) == 0;
        if (loop) {
            machine_trap(c, TRAP_TIMER);
            loop = machine_set_timer(c, &off) == 0 && trap_loop_steps(c, &after);
        }
    }
    machine_destroy(c);
    free(buf);
    return loop;
}
