/* alloc.c: the allocator A of section 4.
 *
 * Gives each VM a disjoint region of real memory, refuses overlapping
 * requests and takes regions back.  A guest's attempt to change R lands in
 * its view (the view executes LR and LPSW itself); the real R' is composed
 * from it with the region's base and clamped to the region at every resume
 * (vmmap_compose_r), so that the VM behaves as a real machine of w words
 * would (section 5's "smaller" machine).
 */
#include <stdio.h>
#include <string.h>

#include "tgm/bytes.h"
#include "vmm_impl.h"

/* Does [base, base + w) overlap the control program or a live VM? */
static int overlap(const struct vmm *v, uint32_t base, uint32_t w)
{
    if (base < VMM_K)
        return -2;
    for (int i = 0; i < VMM_MAX_VMS; i++) {
        const struct vm *o = &v->vms[i];
        if (o->live && base < o->base + o->w && o->base < base + w)
            return i;
    }
    return -1;
}

/* The lowest id no live VM has, or -1 with ERR when all 64 are taken. */
static int free_id(const struct vmm *v, char *err, size_t errlen)
{
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (!v->vms[i].live)
            return i;
    return tgm_err(err, errlen, "no more than %d VMs", VMM_MAX_VMS);
}

int vmm_vm_create_at(struct vmm *v, uint32_t base, uint32_t w, const char *name,
                     char *err, size_t errlen)
{
    if (name && strlen(name) > VMM_NAME_MAX) /* not cut: it would name another VM */
        return tgm_err(err, errlen, "a VM name has at most %d characters", VMM_NAME_MAX);
    if (w < TGM_Q_MIN)
        return tgm_err(err, errlen, "a VM needs at least %u words", TGM_Q_MIN);
    if ((uint64_t)base + w > v->q)
        return tgm_err(err, errlen, "region %u..%llu is outside real memory (%u words)", base,
                    (unsigned long long)base + w - 1, v->q);
    int o = overlap(v, base, w);
    if (o == -2)
        return tgm_err(err, errlen, "region %u..%u overlaps the control program (0..%u)", base,
                    base + w - 1, VMM_K - 1);
    if (o >= 0)
        return tgm_err(err, errlen, "region %u..%u overlaps VM '%s' (%u..%u)", base,
                    base + w - 1, v->vms[o].name, v->vms[o].base,
                    v->vms[o].base + v->vms[o].w - 1);
    if (name && vmm_vm_find(v, name) >= 0)
        return tgm_err(err, errlen, "a VM named '%s' exists already", name);
    int id = free_id(v, err, errlen);
    if (id < 0)
        return -1;
    struct machine_config cfg = {.q = w, .profile = v->profile};
    struct machine *view = machine_create_view(v->m, base, w, &cfg);
    if (!view)
        return tgm_err(err, errlen, "out of memory");
    struct vm *vm = &v->vms[id];
    memset(vm, 0, sizeof *vm);
    if (name && *name)
        snprintf(vm->name, sizeof vm->name, "%s", name);
    else /* "vmID", unless another VM took that name: names stay distinct */
        for (int n = id;; n++) {
            snprintf(vm->name, sizeof vm->name, "vm%d", n);
            if (vmm_vm_find(v, vm->name) < 0)
                break;
        }
    vm->live = true; /* after the name: vmm_vm_find must not find this VM */
    vm->id = id;
    vm->base = base;
    vm->w = w;
    machine_reset(view); /* a bare machine's power-on state, region zeroed */
    vm->view = view;
    vm->host = v->m;
    vm->watch_hit = -1;
    vm->state = VM_RUNNABLE;
    return id;
}

/* A deliberate bug, compiled in only for the fuzz harness's own test
 * (tests/fuzz/selftest.sh): each new region starts one word early, sharing
 * a word with the region before it. */
#ifdef TGM_ALLOC_OVERLAP_BUG
#define OVERLAP_BUG 1u
#else
#define OVERLAP_BUG 0u
#endif

int vmm_vm_create(struct vmm *v, uint32_t w, const char *name, char *err,
                  size_t errlen)
{
    /* a VM past the last one is refused as such, whether or not there
     * would be room for it (docs/monitor.md: "a 65th `vm create` is
     * refused (`vm: no more than 64 VMs`)") */
    if (free_id(v, err, errlen) < 0)
        return -1;
    /* first fit: try just after the CP and after every live region */
    uint32_t best = UINT32_MAX;
    for (int i = -1; i < VMM_MAX_VMS; i++) {
        uint32_t base = i < 0 ? VMM_K : v->vms[i].base + v->vms[i].w;
        if (i >= 0 && !v->vms[i].live)
            continue;
        if ((uint64_t)base + w <= v->q && overlap(v, base, w) == -1 && base < best)
            best = base;
    }
    if (best == UINT32_MAX)
        return tgm_err(err, errlen, "no free region of %u words in %u words of real memory",
                    w, v->q);
    if (OVERLAP_BUG && best > VMM_K) {
        int id = vmm_vm_create_at(v, best + 1, w - 1, name, err, errlen);
        if (id >= 0) { /* then widen it one word down, over its neighbour */
            struct vm *vm = &v->vms[id];
            struct machine_config cfg = {.q = w, .profile = v->profile};
            machine_destroy(vm->view);
            vm->base = best - 1;
            vm->w = w;
            vm->view = machine_create_view(v->m, best - 1, w, &cfg);
            machine_reset(vm->view);
        }
        return id;
    }
    return vmm_vm_create_at(v, best, w, name, err, errlen);
}

int vmm_vm_destroy(struct vmm *v, int id)
{
    if (id < 0 || id >= VMM_MAX_VMS || !v->vms[id].live || v->hook_vm1 == id + 1)
        return -1;
    struct vm *vm = &v->vms[id];
    for (uint32_t i = 0; i < vm->w; i++)
        machine_write_phys(v->m, vm->base + i, 0);
    machine_destroy(vm->view);
    memset(vm, 0, sizeof *vm);
    /* its turn ends here, and round robin goes on after it (as when it
     * halts or is stopped), not from the first VM again */
    if (v->cur == id)
        v->slice_left = 0;
    return 0;
}
