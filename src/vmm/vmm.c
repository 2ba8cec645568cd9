/* vmm.c: the control program's lifecycle and the VM table (section 4).
 *
 * Creates the real machine with host calls enabled, installs the CP in
 * E[0..VMM_K-1] (its PSW in E[1], the dispatcher's HCALL at VMM_ENTRY), and
 * answers questions about VMs.  The dispatcher is in dispatch.c, the
 * allocator in alloc.c, the interpreters in interp.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vmm_impl.h"

/* CYCLES as a slice: 0 the default, and no more than VMM_SLICE_MAX (the
 * cycles left in a slice are signed: a longer one was negative at once,
 * and ended after every instruction). */
static uint64_t slice_of(uint64_t cycles)
{
    return !cycles ? VMM_DEFAULT_SLICE : cycles > VMM_SLICE_MAX ? VMM_SLICE_MAX : cycles;
}

struct vmm *vmm_create(const struct vmm_config *cfg, char *err, size_t errlen)
{
    uint32_t q = cfg && cfg->q ? cfg->q : TGM_Q_MAX;
    if (q <= VMM_K || q > TGM_Q_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "real memory must be %u..%u words, not %u", VMM_K + 1,
                     TGM_Q_MAX, q);
        return NULL;
    }
    struct vmm *v = calloc(1, sizeof *v);
    if (!v)
        goto oom;
    v->profile = cfg && cfg->profile ? cfg->profile : isa_profile_default();
    struct machine_config mc = {.q = q, .profile = v->profile, .hostcalls = true};
    v->m = machine_create(&mc);
    if (!v->m)
        goto oom;
    v->q = q;
    v->slice = slice_of(cfg ? cfg->slice : 0);
    v->hybrid = cfg && cfg->hybrid;
    v->cur = -1;
    v->skip_break = -1;
    v->skip_vm = -1;
    vmm_cp_install(v->m);
    machine_set_hostcall(v->m, vmm_hostcall, v);
    machine_set_psw(v->m, machine_mem(v->m)[1]); /* the CP holds the processor */
    return v;
oom:
    free(v);
    if (err && errlen)
        snprintf(err, errlen, "out of memory");
    return NULL;
}

void vmm_destroy(struct vmm *v)
{
    if (!v)
        return;
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (v->vms[i].live)
            machine_destroy(v->vms[i].view);
    machine_destroy(v->m);
    free(v);
}

struct machine *vmm_machine(struct vmm *v) { return v->m; }
uint64_t vmm_slice(const struct vmm *v) { return v->slice; }
bool vmm_hybrid(const struct vmm *v) { return v->hybrid; }

void vmm_set_slice(struct vmm *v, uint64_t cycles)
{
    v->slice = slice_of(cycles);
    /* a shorter slice takes effect now: the one under way ends within it
     * (left longer, the state broke slice_left <= slice, and restore refused it) */
    if (v->slice_left > (int64_t)v->slice)
        v->slice_left = (int64_t)v->slice;
}

void vmm_set_event_hook(struct vmm *v, vmm_event_fn fn, void *ctx)
{
    v->hook = fn;
    v->hook_ctx = ctx;
}

static struct vm *live(const struct vmm *v, int id)
{
    if (id < 0 || id >= VMM_MAX_VMS || !v->vms[id].live)
        return NULL;
    return (struct vm *)&v->vms[id];
}

/* Has VM used up its step limit? */
static bool at_limit(const struct vm *vm)
{
    return vm->max_steps && machine_steps(vm->view) >= vm->max_steps;
}

int vmm_vm_load(struct vmm *v, int id, const struct tgm_image *img, char *err,
                size_t errlen)
{
    struct vm *vm = live(v, id);
    if (!vm) {
        if (err && errlen)
            snprintf(err, errlen, "no VM %d", id);
        return -1;
    }
    if (image_load(vm->view, img, err, errlen) != 0)
        return -1;
    if (vm->state != VM_STOPPED) /* a load keeps the counters, so the limit too */
        vm->state = at_limit(vm) ? VM_LIMIT : VM_RUNNABLE;
    return 0;
}

int vmm_vm_stop(struct vmm *v, int id)
{
    struct vm *vm = live(v, id);
    if (!vm)
        return -1;
    if (vm->state == VM_RUNNABLE)
        vm->state = VM_STOPPED;
    return 0;
}

int vmm_vm_resume(struct vmm *v, int id)
{
    struct vm *vm = live(v, id);
    if (!vm)
        return -1;
    vm->state = VM_RUNNABLE;
    return 0;
}

int vmm_vm_set_limit(struct vmm *v, int id, uint64_t max_steps)
{
    struct vm *vm = live(v, id);
    if (!vm)
        return -1;
    vm->max_steps = max_steps;
    if (vm->state == VM_LIMIT && !at_limit(vm))
        vm->state = VM_RUNNABLE;
    return 0;
}

int vmm_vm_input(struct vmm *v, int id, const uint8_t *bytes, size_t len)
{
    struct vm *vm = live(v, id);
    return vm ? machine_console_input(vm->view, bytes, len) : -1;
}

int vmm_vm_next(const struct vmm *v, int id)
{
    /* an ID past the last has no next (ID + 1 would overflow at INT_MAX) */
    for (int i = id < 0 ? 0 : id < VMM_MAX_VMS ? id + 1 : VMM_MAX_VMS; i < VMM_MAX_VMS; i++)
        if (v->vms[i].live)
            return i;
    return -1;
}

int vmm_vm_find(const struct vmm *v, const char *name)
{
    if (!name) /* no VM is named by no name */
        return -1;
    for (int i = 0; i < VMM_MAX_VMS; i++)
        if (v->vms[i].live && strcmp(v->vms[i].name, name) == 0)
            return i;
    return -1;
}

int vmm_vm_info(const struct vmm *v, int id, struct vm_info *out)
{
    const struct vm *vm = live(v, id);
    if (!vm)
        return -1;
    struct vm_map map = {vm->base, vm->w};
    /* field by field: a compound literal was cleared and then copied whole,
     * and a rig asks at every event (tests/vmm_support.c) */
    out->id = id;
    out->name = vm->name;
    out->base = vm->base;
    out->w = vm->w;
    out->state = vm->state;
    out->vpsw = machine_psw(vm->view);
    out->max_steps = vm->max_steps;
    out->stats = vm->stats;
    vmmap_compose_r(&map, out->vpsw.l, out->vpsw.b, &out->real_l, &out->real_b);
    return 0;
}

struct machine *vmm_vm_view(struct vmm *v, int id)
{
    struct vm *vm = live(v, id);
    return vm ? vm->view : NULL;
}

double vm_stats_direct_ratio(const struct vm_stats *s)
{
    uint64_t all = s->direct + s->interpreted;
    return all ? (double)s->direct / (double)all : 0.0;
}

const char *vmm_disposition_name(enum vmm_disposition d)
{
    static const char *const names[DISP_COUNT] = {
        "interpreted", "reflected", "allocator", "scheduler", "hybrid"};
    return d < DISP_COUNT ? names[d] : "unknown";
}

const char *vm_state_name(enum vm_state s)
{
    switch (s) {
    case VM_RUNNABLE: return "runnable";
    case VM_STOPPED: return "stopped";
    case VM_HALTED: return "halted";
    case VM_LIMIT: return "step limit";
    }
    return "unknown";
}
