/* bp_index.c: the machines' stops for the breakpoints, kept by count.
 *
 * mon_debug_apply sets every breakpoint's stop in the machines from
 * nothing.  Doing that for each 'break', 'watch' or 'delete' cleared and
 * scanned the whole of E and walked every breakpoint, so a session that
 * set thousands one by one took seconds.  What it set is counted here,
 * per word of each machine (execution breakpoints, reading and writing
 * watchpoints) and per trap cause or class bit, so that one breakpoint is
 * added or taken away by changing the words it covers.  The counts are
 * those of the machines they were set in: anything else that changes the
 * machines or the breakpoints calls mon_debug_apply, which counts again.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"

/* A word's counts: KEY_MACH (its stops in a machine) or KEY_SAME (the
 * user's execution breakpoints at one address of one machine's E, for
 * 'break's note). */
struct bpix_ent {
    uint64_t key; /* 0: free */
    uint32_t exec, rd, wr, same;
};

struct mon_bpix {
    bool ok; /* the counts are those of m->bps, in BARE and REAL */
    const struct machine *bare, *real;
    struct bpix_ent *t;
    size_t cap, used; /* cap a power of two, or 0 */
    uint32_t trap[2][32], cls[2][32];
};

#define KEY_MACH(r, phys) ((UINT64_C(1) << 40) | ((uint64_t)(r) << 32) | (phys))
#define KEY_SAME(vm, addr) ((UINT64_C(2) << 40) | ((uint64_t)(uint32_t)((vm) + 1) << 20) | (addr))

static size_t slot_of(uint64_t key, size_t cap)
{
    key ^= key >> 29;
    key *= UINT64_C(0xbf58476d1ce4e5b9);
    key ^= key >> 32;
    return (size_t)key & (cap - 1);
}

/* KEY's counts, made (zero) if new; NULL when memory runs out. */
static struct bpix_ent *ent(struct mon_bpix *ix, uint64_t key)
{
    if (2 * (ix->used + 1) > ix->cap) { /* at most half full */
        size_t cap = ix->cap ? 2 * ix->cap : 64;
        struct bpix_ent *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < ix->cap; i++)
            if (ix->t[i].key) {
                size_t s = slot_of(ix->t[i].key, cap);
                while (t[s].key)
                    s = (s + 1) & (cap - 1);
                t[s] = ix->t[i];
            }
        free(ix->t);
        ix->t = t;
        ix->cap = cap;
    }
    size_t s = slot_of(key, ix->cap);
    while (ix->t[s].key && ix->t[s].key != key)
        s = (s + 1) & (ix->cap - 1);
    if (!ix->t[s].key) {
        ix->t[s] = (struct bpix_ent){.key = key};
        ix->used++;
    }
    return &ix->t[s];
}

static const struct bpix_ent *find(const struct mon_bpix *ix, uint64_t key)
{
    if (!ix->cap)
        return NULL;
    size_t s = slot_of(key, ix->cap);
    while (ix->t[s].key && ix->t[s].key != key)
        s = (s + 1) & (ix->cap - 1);
    return ix->t[s].key ? &ix->t[s] : NULL;
}

void mon_bpix_free(struct mon *m)
{
    if (m->bpix)
        free(m->bpix->t);
    free(m->bpix);
    m->bpix = NULL;
}

int64_t mon_bp_base(const struct mon *m, const struct mon_bp *b)
{
    struct vm_info vi;
    if (b->vm == MON_FOCUS_BARE)
        return 0;
    if (!m->vmm || vmm_vm_info(m->vmm, b->vm, &vi) != 0)
        return -1;
    return vi.base;
}

static bool same_counted(const struct mon_bp *b)
{
    return b->kind == BP_EXEC && !b->temp;
}

/* Count B's stops in (D 1) or out of (D -1) IX and set the machines to
 * match.  -1 when memory ran out (IX is then no longer to be trusted). */
static int change(struct mon *m, struct mon_bpix *ix, const struct mon_bp *b, int d)
{
    struct machine *real = m->vmm ? vmm_machine(m->vmm) : NULL;
    int64_t base = mon_bp_base(m, b);
    int r = b->vm != MON_FOCUS_BARE;
    struct machine *x = r ? real : m->bare;
    if (same_counted(b)) {
        struct bpix_ent *e = ent(ix, KEY_SAME(b->vm, b->addr));
        if (!e)
            return -1;
        e->same += (uint32_t)d;
    }
    if (base < 0 || !x)
        return 0;
    uint32_t a = (uint32_t)base + b->addr;
    switch (b->kind) {
    case BP_EXEC: {
        struct bpix_ent *e = ent(ix, KEY_MACH(r, a));
        if (!e)
            return -1;
        e->exec += (uint32_t)d;
        if (e->exec == (d > 0 ? 1u : 0u))
            machine_break_exec(x, a, d > 0);
        break;
    }
    case BP_WATCH:
        for (uint32_t k = 0; k < b->len; k++) {
            struct bpix_ent *e = ent(ix, KEY_MACH(r, a + k));
            if (!e)
                return -1;
            e->rd += (b->rw & WATCH_READ) ? (uint32_t)d : 0;
            e->wr += (b->rw & WATCH_WRITE) ? (uint32_t)d : 0;
            int rw = (e->rd ? WATCH_READ : 0) | (e->wr ? WATCH_WRITE : 0);
            if (machine_watch_test(x, a + k) != rw)
                machine_watch(x, a + k, rw);
        }
        break;
    case BP_TRAP:
    case BP_CLASS: {
        uint32_t *n = b->kind == BP_TRAP ? ix->trap[r] : ix->cls[r];
        unsigned mask = 0;
        for (unsigned i = 0; i < 32; i++) {
            n[i] += (b->mask >> i) & 1 ? (uint32_t)d : 0;
            mask |= n[i] ? 1u << i : 0;
        }
        if (b->kind == BP_TRAP)
            machine_trap_stop(x, mask);
        else
            machine_break_class(x, mask);
        break;
    }
    case BP_NONE:
        break;
    }
    return 0;
}

/* The stops set as they always were, counting nothing. */
static void apply_plain(struct mon *m, struct machine *real)
{
    unsigned trap[2] = {0, 0}, cls[2] = {0, 0};
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        int64_t base = mon_bp_base(m, b);
        int r = b->vm != MON_FOCUS_BARE;
        struct machine *x = r ? real : m->bare;
        if (base < 0 || !x)
            continue;
        uint32_t a = (uint32_t)base + b->addr;
        switch (b->kind) {
        case BP_EXEC:
            machine_break_exec(x, a, true);
            break;
        case BP_WATCH:
            for (uint32_t k = 0; k < b->len; k++)
                machine_watch(x, a + k, machine_watch_test(x, a + k) | b->rw);
            break;
        case BP_TRAP:
            trap[r] |= b->mask;
            break;
        case BP_CLASS:
            cls[r] |= b->mask;
            break;
        case BP_NONE:
            break;
        }
    }
    machine_trap_stop(m->bare, trap[0]);
    machine_break_class(m->bare, cls[0]);
    if (real) {
        machine_trap_stop(real, trap[1]);
        machine_break_class(real, cls[1]);
    }
}

void mon_debug_apply(struct mon *m)
{
    struct machine *real = m->vmm ? vmm_machine(m->vmm) : NULL;
    mon_bp_compact(m);
    machine_debug_clear(m->bare);
    if (real)
        machine_debug_clear(real);
    if (!m->bpix)
        m->bpix = calloc(1, sizeof *m->bpix);
    struct mon_bpix *ix = m->bpix;
    bool ok = ix != NULL;
    if (ix) {
        struct bpix_ent *t = ix->t;
        size_t cap = ix->cap;
        if (t)
            memset(t, 0, cap * sizeof *t);
        *ix = (struct mon_bpix){.bare = m->bare, .real = real, .t = t, .cap = cap};
        for (size_t i = 0; ok && i < m->nbps; i++)
            ok = change(m, ix, &m->bps[i], 1) == 0;
        ix->ok = ok;
    }
    if (!ok) { /* out of memory: from nothing again, uncounted */
        machine_debug_clear(m->bare);
        if (real)
            machine_debug_clear(real);
        apply_plain(m, real);
    }
    mon_trace_apply(m);
}

bool mon_debug_change(struct mon *m, const struct mon_bp *b, int d)
{
    struct mon_bpix *ix = m->bpix;
    struct machine *real = m->vmm ? vmm_machine(m->vmm) : NULL;
    if (!ix || !ix->ok || ix->bare != m->bare || ix->real != real ||
        change(m, ix, b, d) != 0) {
        if (ix)
            ix->ok = false;
        return false;
    }
    mon_trace_apply(m); /* as mon_debug_apply leaves it */
    return true;
}

long mon_bp_same_count(const struct mon *m, const struct mon_bp *b)
{
    const struct mon_bpix *ix = m->bpix;
    if (!ix || !ix->ok)
        return -1;
    const struct bpix_ent *e = find(ix, KEY_SAME(b->vm, b->addr));
    return e ? (long)e->same : 0;
}
