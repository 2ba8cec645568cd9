/* vmm_state.c: saving and restoring the control program (section 4's CP).
 *
 * The CP's state is its VM table: for each VM its region, name, state, step
 * limit, statistics and virtual state (the view, without memory: E lives in
 * the real machine, which is saved separately).  Loading validates the whole
 * input before it changes anything.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm_impl.h"

#define VMM_STATE_MAGIC "TGMCPST1"

struct out {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};

static void put(struct out *o, const void *src, size_t n)
{
    if (o->oom)
        return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 4096;
        while (cap < o->len + n)
            cap *= 2;
        uint8_t *np = realloc(o->p, cap);
        if (!np) {
            o->oom = true;
            return;
        }
        o->p = np;
        o->cap = cap;
    }
    memcpy(o->p + o->len, src, n);
    o->len += n;
}

static void put64(struct out *o, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    put(o, b, 8);
}

/* The statistics as a flat array of counters, for both directions. */
#define NSTAT (5 + TRAP_NCAUSES * DISP_COUNT)
static void stats_flat(struct vm_stats *s, uint64_t **f)
{
    f[0] = &s->direct;
    f[1] = &s->interpreted;
    f[2] = &s->guest_cycles;
    f[3] = &s->cp_cycles;
    f[4] = &s->entries;
    for (int c = 0; c < TRAP_NCAUSES; c++)
        for (int d = 0; d < DISP_COUNT; d++)
            f[5 + c * DISP_COUNT + d] = &s->traps[c][d];
}

int vmm_state_save(const struct vmm *v, uint8_t **buf, size_t *len)
{
    struct out o = {0};
    put(&o, VMM_STATE_MAGIC, 8);
    put64(&o, v->q);
    put64(&o, v->slice);
    put64(&o, v->hybrid);
    put64(&o, (uint64_t)(int64_t)v->cur);
    put64(&o, (uint64_t)v->slice_left);
    uint64_t nvms = 0;
    for (int i = 0; i < VMM_MAX_VMS; i++)
        nvms += v->vms[i].live;
    put64(&o, nvms); /* so a state cut at a record boundary is refused */
    for (int i = 0; i < VMM_MAX_VMS; i++) {
        struct vm *vm = (struct vm *)&v->vms[i];
        if (!vm->live)
            continue;
        uint8_t *vs;
        size_t vlen;
        if (machine_state_save(vm->view, false, &vs, &vlen) != 0) {
            free(o.p);
            return -1;
        }
        put64(&o, (uint64_t)i);
        put(&o, vm->name, sizeof vm->name);
        put64(&o, vm->base);
        put64(&o, vm->w);
        put64(&o, vm->state);
        put64(&o, vm->max_steps);
        uint64_t *f[NSTAT];
        stats_flat(&vm->stats, f);
        for (int k = 0; k < NSTAT; k++)
            put64(&o, *f[k]);
        put64(&o, vlen);
        put(&o, vs, vlen);
        free(vs);
    }
    if (o.oom) {
        free(o.p);
        return -1;
    }
    *buf = o.p;
    *len = o.len;
    return 0;
}

struct in {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};

static const uint8_t *take(struct in *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return NULL;
    }
    r->off += n;
    return r->p + r->off - n;
}

static uint64_t get64(struct in *r)
{
    const uint8_t *b = take(r, 8);
    uint64_t v = 0;
    for (int i = 0; b && i < 8; i++)
        v |= (uint64_t)b[i] << (8 * i);
    return v;
}

static int fail(char *err, size_t len, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -1;
}

int vmm_state_load(struct vmm *v, const uint8_t *buf, size_t len, char *err,
                   size_t errlen)
{
    struct in r = {buf, len, 0, false};
    const uint8_t *magic = take(&r, 8);
    if (!magic || memcmp(magic, VMM_STATE_MAGIC, 8) != 0)
        return fail(err, errlen, "offset 0: not a control program state");
    uint64_t q = get64(&r), slice = get64(&r), hybrid = get64(&r);
    int64_t cur = (int64_t)get64(&r);
    int64_t slice_left = (int64_t)get64(&r);
    uint64_t nvms = get64(&r);
    if (r.bad)
        return fail(err, errlen, "offset %zu: control program state is truncated", r.off);
    if (q != v->q)
        return fail(err, errlen, "state is for %llu words of real memory, not %u",
                    (unsigned long long)q, v->q);
    if (cur < -1 || cur >= VMM_MAX_VMS || hybrid > 1 || slice == 0 || nvms > VMM_MAX_VMS)
        return fail(err, errlen, "control program state is inconsistent");

    /* Build the new table aside; commit only when all of it is valid. */
    struct vm *nv = calloc(VMM_MAX_VMS, sizeof *nv);
    if (!nv)
        return fail(err, errlen, "out of memory");
    int rc = -1;
    for (uint64_t n = 0; n < nvms; n++) {
        uint64_t id = get64(&r);
        const uint8_t *name = take(&r, sizeof nv->name);
        uint64_t base = get64(&r), w = get64(&r), state = get64(&r), lim = get64(&r);
        if (r.bad || id >= VMM_MAX_VMS || nv[id].live || state > VM_LIMIT || w < TGM_Q_MIN ||
            base < VMM_K || base + w > q || !memchr(name, 0, sizeof nv->name)) {
            fail(err, errlen, "offset %zu: bad VM record", r.off);
            goto out;
        }
        struct vm *vm = &nv[id];
        for (int i = 0; i < VMM_MAX_VMS; i++)
            if (nv[i].live && base < nv[i].base + nv[i].w && nv[i].base < base + w) {
                fail(err, errlen, "offset %zu: VM regions overlap", r.off);
                goto out;
            }
        memcpy(vm->name, name, sizeof vm->name);
        uint64_t *f[NSTAT];
        stats_flat(&vm->stats, f);
        for (int k = 0; k < NSTAT; k++)
            *f[k] = get64(&r);
        uint64_t vlen = get64(&r);
        const uint8_t *vs = vlen <= r.len ? take(&r, vlen) : NULL;
        if (r.bad || !vs) {
            fail(err, errlen, "offset %zu: control program state is truncated", r.off);
            goto out;
        }
        struct machine_config mc = {.q = (uint32_t)w, .profile = v->profile};
        vm->view = machine_create_view(v->m, (uint32_t)base, (uint32_t)w, &mc);
        vm->live = true; /* so cleanup destroys the view */
        if (!vm->view || machine_state_load(vm->view, vs, vlen, err, errlen) != 0)
            goto out;
        vm->id = (int)id;
        vm->host = v->m;
        vm->watch_hit = -1;
        vm->base = (uint32_t)base;
        vm->w = (uint32_t)w;
        vm->state = (enum vm_state)state;
        vm->max_steps = lim;
    }
    if (r.off != r.len) {
        fail(err, errlen, "offset %zu: %zu stray bytes after the last VM", r.off,
             r.len - r.off);
        goto out;
    }
    /* commit */
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (v->vms[i].live)
            machine_destroy(v->vms[i].view);
    memcpy(v->vms, nv, sizeof v->vms);
    memset(nv, 0, VMM_MAX_VMS * sizeof *nv);
    v->slice = slice;
    v->hybrid = hybrid;
    v->cur = (int)cur;
    v->slice_left = slice_left;
    v->in_guest = false;
    v->skip_break = -1;
    rc = 0;
out:
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (nv[i].live)
            machine_destroy(nv[i].view);
    free(nv);
    return rc;
}
