/* vmm_state.c: saving and restoring the control program (section 4's CP).
 *
 * The CP's state is its VM table: for each VM its region, name, state, step
 * limit, statistics and virtual state (the view, without memory: E lives in
 * the real machine, which is saved separately).  Loading validates the whole
 * input before it changes anything.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/bytes.h"
#include "tgm/image.h"
#include "vmm_impl.h"

#define VMM_STATE_MAGIC "TGMCPST1"

/* Worded alike by vmm_state_load (after the field's offset) and
 * vmm_state_check, so a user sees one message for one problem. */
#define SLICE_BAD_FMT "time slice of %llu cycles is not 1..%lld"
#define SLICE_LEFT_BAD_FMT "time slice left of %lld cycles exceeds the slice of %llu"

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
    struct bytes_out o = {0};
    bytes_put(&o, VMM_STATE_MAGIC, 8);
    bytes_put_le(&o, v->q, 8);
    bytes_put_le(&o, v->slice, 8);
    bytes_put_le(&o, v->hybrid, 8);
    bytes_put_le(&o, (uint64_t)(int64_t)v->cur, 8);
    bytes_put_le(&o, (uint64_t)v->slice_left, 8);
    uint64_t nvms = 0;
    for (int i = 0; i < VMM_MAX_VMS; i++)
        nvms += v->vms[i].live;
    bytes_put_le(&o, nvms, 8); /* so a state cut at a record boundary is refused */
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
        bytes_put_le(&o, (uint64_t)i, 8);
        bytes_put(&o, vm->name, sizeof vm->name);
        bytes_put_le(&o, vm->base, 8);
        bytes_put_le(&o, vm->w, 8);
        bytes_put_le(&o, vm->state, 8);
        bytes_put_le(&o, vm->max_steps, 8);
        uint64_t *f[NSTAT];
        stats_flat(&vm->stats, f);
        for (int k = 0; k < NSTAT; k++)
            bytes_put_le(&o, *f[k], 8);
        bytes_put_le(&o, vlen, 8);
        bytes_put(&o, vs, vlen);
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

static uint64_t mix(uint64_t h, uint64_t w) { return tgm_fnv1a(&w, sizeof w, h); }

/* What vmm_state_save saves and the real machine, in O(VMs): the views and
 * the real machine by machine_mark, the table by value. */
uint64_t vmm_mark(const struct vmm *v)
{
    uint64_t h = mix(TGM_FNV_SEED, machine_mark(v->m));
    h = mix(mix(mix(h, v->slice), v->hybrid), (uint64_t)(int64_t)v->cur);
    h = mix(h, (uint64_t)v->slice_left);
    for (int i = 0; i < VMM_MAX_VMS; i++) {
        struct vm *vm = (struct vm *)&v->vms[i];
        if (!vm->live)
            continue;
        h = tgm_fnv1a(vm->name, sizeof vm->name, mix(h, (uint64_t)i));
        h = mix(mix(mix(mix(h, vm->base), vm->w), vm->state), vm->max_steps);
        uint64_t *f[NSTAT];
        stats_flat(&vm->stats, f);
        for (int k = 0; k < NSTAT; k++)
            h = mix(h, *f[k]);
        h = mix(h, machine_mark(vm->view));
    }
    return h;
}

int vmm_state_load(struct vmm *v, const uint8_t *buf, size_t len, char *err,
                   size_t errlen)
{
    struct bytes_in r = {buf, len, 0, false};
    const uint8_t *magic = bytes_take(&r, 8);
    if (!magic || memcmp(magic, VMM_STATE_MAGIC, 8) != 0)
        return tgm_err(err, errlen, "offset 0: not a control program state");
    uint64_t q = bytes_get_le(&r, 8), slice = bytes_get_le(&r, 8), hybrid = bytes_get_le(&r, 8);
    int64_t cur = (int64_t)bytes_get_le(&r, 8);
    int64_t slice_left = (int64_t)bytes_get_le(&r, 8);
    uint64_t nvms = bytes_get_le(&r, 8);
    if (r.bad)
        return tgm_err(err, errlen, "offset %zu: control program state is truncated", r.off);
    /* the header's fields: q at 8, slice 16, hybrid 24, cur 32, slice left 40,
     * nvms 48; the same checks as vmm_state_check, for a caller without it */
    if (q != v->q)
        return tgm_err(err, errlen, "offset 8: state is for %llu words of real memory, not %u",
                    (unsigned long long)q, v->q);
    if (slice == 0 || slice > VMM_SLICE_MAX)
        return tgm_err(err, errlen, "offset 16: " SLICE_BAD_FMT,
                       (unsigned long long)slice, (long long)VMM_SLICE_MAX);
    if (hybrid > 1)
        return tgm_err(err, errlen, "offset 24: hybrid mode %llu is neither 0 nor 1",
                       (unsigned long long)hybrid);
    if (cur < -1 || cur >= VMM_MAX_VMS)
        return tgm_err(err, errlen, "offset 32: current VM %lld is out of range",
                       (long long)cur);
    if (slice_left > (int64_t)slice)
        return tgm_err(err, errlen, "offset 40: " SLICE_LEFT_BAD_FMT,
                       (long long)slice_left, (unsigned long long)slice);
    if (nvms > VMM_MAX_VMS)
        return tgm_err(err, errlen, "offset 48: %llu VMs, more than %d",
                       (unsigned long long)nvms, VMM_MAX_VMS);

    /* Build the new table aside; commit only when all of it is valid. */
    struct vm *nv = calloc(VMM_MAX_VMS, sizeof *nv);
    if (!nv)
        return tgm_err(err, errlen, "out of memory");
    int rc = -1;
    for (uint64_t n = 0; n < nvms; n++) {
        size_t at = r.off; /* the record's start, where its errors point */
        uint64_t id = bytes_get_le(&r, 8);
        const uint8_t *name = bytes_take(&r, sizeof nv->name);
        uint64_t base = bytes_get_le(&r, 8), w = bytes_get_le(&r, 8), state = bytes_get_le(&r, 8), lim = bytes_get_le(&r, 8);
        if (r.bad || id >= VMM_MAX_VMS || nv[id].live || state > VM_LIMIT || w < TGM_Q_MIN ||
            base < VMM_K || base >= q || w > q - base || /* no sum to wrap */
            !memchr(name, 0, sizeof nv->name)) {
            tgm_err(err, errlen, "offset %zu: bad VM record", at);
            goto out;
        }
        if (!name[0]) { /* vmm_vm_find could never find it */
            tgm_err(err, errlen, "offset %zu: VM record has an empty name", at + 8);
            goto out;
        }
        /* 'vm create' pads a name with NULs: bytes after the first are a
         * name with a NUL inside, which would restore cut at it */
        size_t nl = strlen((const char *)name);
        for (size_t i = nl; i < sizeof nv->name; i++)
            if (name[i]) {
                tgm_err(err, errlen, "offset %zu: VM record's name has a NUL inside, at "
                        "byte %zu of it", at + 8, nl);
                goto out;
            }
        struct vm *vm = &nv[id];
        for (int i = 0; i < VMM_MAX_VMS; i++) {
            if (nv[i].live && base < nv[i].base + nv[i].w && nv[i].base < base + w) {
                tgm_err(err, errlen, "offset %zu: VM regions overlap", at);
                goto out;
            }
            /* names find VMs (vmm_vm_find): two alike would hide one */
            if (nv[i].live && !strcmp(nv[i].name, (const char *)name)) {
                tgm_err(err, errlen, "offset %zu: VMs %d and %d are both named '%s'", at,
                        i, (int)id, nv[i].name);
                goto out;
            }
        }
        memcpy(vm->name, name, sizeof vm->name);
        uint64_t *f[NSTAT];
        stats_flat(&vm->stats, f);
        for (int k = 0; k < NSTAT; k++)
            *f[k] = bytes_get_le(&r, 8);
        uint64_t vlen = bytes_get_le(&r, 8);
        const uint8_t *vs = vlen <= r.len ? bytes_take(&r, vlen) : NULL;
        if (r.bad || !vs) {
            tgm_err(err, errlen, "offset %zu: control program state is truncated", r.off);
            goto out;
        }
        struct machine_config mc = {.q = (uint32_t)w, .profile = v->profile};
        vm->view = machine_create_view(v->m, (uint32_t)base, (uint32_t)w, &mc);
        if (!vm->view) {
            tgm_err(err, errlen, "out of memory");
            goto out;
        }
        vm->live = true; /* so cleanup destroys the view */
        if (machine_state_load(vm->view, vs, vlen, err, errlen) != 0) {
            tgm_err_rebase(err, errlen, (size_t)(vs - buf)); /* an offset in BUF */
            goto out;
        }
        vm->id = (int)id;
        vm->host = v->m;
        vm->watch_hit = -1;
        vm->base = (uint32_t)base;
        vm->w = (uint32_t)w;
        vm->state = (enum vm_state)state;
        vm->max_steps = lim;
    }
    if (r.off != r.len) {
        tgm_err(err, errlen, "offset %zu: %zu stray bytes after the last VM", r.off,
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
    v->skip_break = -1;
    v->skip_vm = -1;
    v->restored = true; /* vmm_run looks at the real timer restored with it */
    rc = 0;
out:
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (nv[i].live)
            machine_destroy(nv[i].view);
    free(nv);
    return rc;
}

int vmm_state_check(struct vmm *v, char *err, size_t errlen)
{
    const uint64_t *E = machine_mem(v->m);
    if (machine_q(v->m) != v->q)
        return tgm_err(err, errlen, "real machine has %u words, the CP %u", machine_q(v->m),
                       v->q);
    for (uint32_t i = 1; i < VMM_K; i++)
        if (E[i] != vmm_cp_word(v->q, i))
            return tgm_err(err, errlen,
                           "real E[%u] is 0x%016llx, not the control program's word 0x%016llx",
                           i, (unsigned long long)E[i],
                           (unsigned long long)vmm_cp_word(v->q, i));
    struct psw p = machine_psw(v->m);
    struct psw cp = psw_unpack(E[1]);
    if (p.sup && (p.ie || p.l != cp.l || p.b != cp.b || p.p < VMM_ENTRY || p.p >= VMM_K))
        return tgm_err(err, errlen,
                       "real PSW is in supervisor mode outside the control program");
    if (v->slice == 0 || v->slice > VMM_SLICE_MAX)
        return tgm_err(err, errlen, SLICE_BAD_FMT, (unsigned long long)v->slice,
                       (long long)VMM_SLICE_MAX);
    if (v->slice_left > (int64_t)v->slice)
        return tgm_err(err, errlen, SLICE_LEFT_BAD_FMT, (long long)v->slice_left,
                       (unsigned long long)v->slice);
    if (v->cur < -1 || v->cur >= VMM_MAX_VMS)
        return tgm_err(err, errlen, "current VM %d is out of range", v->cur);
    for (int i = 0; i < VMM_MAX_VMS; i++) {
        const struct vm *a = &v->vms[i];
        if (!a->live)
            continue;
        if (a->base < VMM_K || a->w < TGM_Q_MIN || (uint64_t)a->base + a->w > v->q ||
            machine_q(a->view) != a->w)
            return tgm_err(err, errlen, "VM %d's region [%u, %llu) is not inside free memory",
                           i, a->base, (unsigned long long)a->base + a->w);
        if (!a->name[0] || !memchr(a->name, 0, sizeof a->name))
            return tgm_err(err, errlen, "VM %d has no name", i);
        for (int j = i + 1; j < VMM_MAX_VMS; j++) {
            const struct vm *b = &v->vms[j];
            if (!b->live)
                continue;
            if (a->base < b->base + b->w && b->base < a->base + a->w)
                return tgm_err(err, errlen, "VMs %d and %d overlap", i, j);
            if (!strcmp(a->name, b->name))
                return tgm_err(err, errlen, "VMs %d and %d are both named '%s'", i, j,
                               a->name);
        }
    }
    return 0;
}

void vmm_transient_get(const struct vmm *v, struct vmm_transient *t)
{
    t->real_timer = v->real_timer;
    /* the breakpoint last reported is passed once only by a run that goes
     * on from it: not once its VM has stepped (vmm_break_before), so such
     * a one is none, and a state restored with it stops there again */
    const struct vm *vm = v->skip_vm >= 0 ? &v->vms[v->skip_vm] : NULL;
    bool stale = vm && (!vm->live || machine_steps(vm->view) != v->skip_steps);
    t->skip_break = stale ? -1 : v->skip_break;
}

void vmm_transient_set(struct vmm *v, const struct vmm_transient *t)
{
    v->real_timer = t->real_timer;
    v->skip_break = t->skip_break;
    v->skip_vm = -1;
    v->restored = false;
}
