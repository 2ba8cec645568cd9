/* vmm_support.c: rigs, guests and the bare-machine oracle (see vmm_support.h).
 *
 * Section 5's resource control is checked at every dispatcher entry: since
 * the previous entry no real word may have changed outside the entering VM's
 * region (or a region hybrid-interpreted meanwhile), except E[0], the old
 * PSW; the CP's own words never change.  Linked into every test binary.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/image.h"
#include "vmm_support.h"

/* The regions whose words may have changed since the last check: the
 * entering VM's (all live VMs' when VM < 0), and those of VMs that have
 * interpreted a stretch of hybrid supervisor code meanwhile, which is
 * counted in their statistics but not traced. */
struct regions {
    size_t n;
    uint32_t base[VMM_MAX_VMS], w[VMM_MAX_VMS];
};

static void may_change(struct tv_rig *r, int vm, struct regions *g)
{
    g->n = 0;
    if (vm >= 0 && !r->cfg.hybrid) { /* no hybrid stretches: only VM's region */
        struct vm_info in = tv_info(r, vm);
        g->base[0] = in.base;
        g->w[0] = in.w;
        g->n = 1;
        return;
    }
    for (int id = vmm_vm_next(r->v, -1); id >= 0; id = vmm_vm_next(r->v, id)) {
        struct vm_info in = tv_info(r, id);
        uint64_t h = in.stats.traps[TRAP_NONE][DISP_HYBRID];
        if (vm < 0 || id == vm || h != r->hybrid[id]) {
            g->base[g->n] = in.base;
            g->w[g->n++] = in.w;
        }
        r->hybrid[id] = h;
    }
}

/* Fail at the first word of [LO, HI) that changed since the snapshot. */
static void unchanged(struct tv_rig *r, const uint64_t *E, uint32_t lo, uint32_t hi, int vm,
                      const char *when)
{
    if (hi <= lo || !memcmp(E + lo, r->snap + lo, (size_t)(hi - lo) * sizeof *E))
        return;
    for (uint32_t i = lo; i < hi; i++)
        if (E[i] != r->snap[i])
            fail_msg("resource control (%s): real E[%u] changed from %#llx to %#llx outside "
                     "the region of VM %d",
                     when, i, (unsigned long long)r->snap[i], (unsigned long long)E[i], vm);
}

/* Resource control since the last check; then take a new snapshot. */
static void check_resources(struct tv_rig *r, int vm, const char *when)
{
    const uint64_t *E = machine_mem(vmm_machine(r->v));
    struct regions g;
    may_change(r, vm, &g);
    for (uint32_t i = 1; i < VMM_K; i++)
        if (E[i] != r->cp[i])
            fail_msg("resource control (%s): the control program's word E[%u] changed", when,
                     i);
    /* the regions that may change, in address order (few: insertion sort) */
    for (size_t k = 1; k < g.n; k++)
        for (size_t j = k; j > 0 && g.base[j - 1] > g.base[j]; j--) {
            uint32_t b = g.base[j], w = g.w[j];
            g.base[j] = g.base[j - 1];
            g.w[j] = g.w[j - 1];
            g.base[j - 1] = b;
            g.w[j - 1] = w;
        }
    uint32_t at = VMM_K;
    for (size_t k = 0; k < g.n; k++) {
        unchanged(r, E, at, g.base[k], vm, when);
        if (g.base[k] + g.w[k] > at)
            at = g.base[k] + g.w[k];
    }
    unchanged(r, E, at, r->q, vm, when);
    for (size_t k = 0; k < g.n; k++)
        memcpy(r->snap + g.base[k], E + g.base[k], (size_t)g.w[k] * sizeof *E);
}

static void hook(void *ctx, const struct vmm_event *e)
{
    struct tv_rig *r = ctx;
    struct vm_info in;
    if (vmm_vm_info(r->v, e->vm, &in) != 0)
        fail_msg("event for VM %d, which does not exist", e->vm);
    check_resources(r, e->vm, "between two events");
    if (r->nev < TV_EVENTS) {
        r->ev[r->nev] = *e;
        for (int id = vmm_vm_next(r->v, -1); id >= 0; id = vmm_vm_next(r->v, id))
            r->cycles[r->nev][id] = machine_cycles(vmm_vm_view(r->v, id));
    }
    r->nev++;
    if (r->also)
        r->also(r, e);
}

static void snapshot(struct tv_rig *r)
{
    memcpy(r->snap, machine_mem(vmm_machine(r->v)), (size_t)r->q * sizeof *r->snap);
    struct regions g;
    may_change(r, -1, &g); /* and the hybrid counts */
}

static void release(struct tv_rig *r)
{
    for (size_t i = 0; i < r->nowned; i++)
        machine_destroy(r->owned[i]);
    r->nowned = 0;
    vmm_destroy(r->v);
    vmm_destroy(r->spare);
    r->v = r->spare = NULL;
    free(r->snap);
    r->snap = NULL;
}

void tv_reset(struct tv_rig *r, const struct vmm_config *cfg)
{
    release(r);
    r->cfg = cfg ? *cfg : (struct vmm_config){0};
    if (!r->cfg.q)
        r->cfg.q = TV_Q;
    char err[256] = "";
    r->v = vmm_create(&r->cfg, err, sizeof err);
    if (!r->v)
        fail_msg("vmm_create: %s", err);
    r->q = machine_q(vmm_machine(r->v));
    r->snap = calloc(r->q, sizeof *r->snap);
    assert_non_null(r->snap);
    memcpy(r->cp, machine_mem(vmm_machine(r->v)), sizeof r->cp);
    memset(r->hybrid, 0, sizeof r->hybrid);
    snapshot(r);
    r->nev = 0;
    r->also = NULL;
    r->also_ctx = NULL;
    vmm_set_event_hook(r->v, hook, r);
}

int tv_setup(void **state)
{
    struct tv_rig *r = calloc(1, sizeof *r);
    if (!r)
        return -1;
    r->param = *state;
    tv_reset(r, NULL);
    *state = r;
    return 0;
}

int tv_teardown(void **state)
{
    struct tv_rig *r = *state;
    release(r);
    free(r);
    return 0;
}

static struct machine *own(struct tv_rig *r, struct machine *m)
{
    assert_non_null(m);
    assert_true(r->nowned < TV_OWNED);
    r->owned[r->nowned++] = m;
    return m;
}

static struct tgm_image image_of(const struct tv_guest *g)
{
    return (struct tgm_image){.load = 0, .nwords = (uint32_t)g->n, .entry_psw = g->psw,
                              .words = (uint64_t *)g->mem};
}

void tv_load(struct tv_rig *r, int id, const struct tv_guest *g)
{
    struct tgm_image img = image_of(g);
    char err[256] = "";
    if (vmm_vm_load(r->v, id, &img, err, sizeof err) != 0)
        fail_msg("vmm_vm_load: %s", err);
    if (g->input)
        assert_int_equal(vmm_vm_input(r->v, id, (const uint8_t *)g->input, strlen(g->input)),
                         0);
    snapshot(r); /* loading is the host's doing, not a guest's */
}

static int added(struct tv_rig *r, int id, const char *err, const struct tv_guest *g)
{
    if (id < 0)
        fail_msg("the allocator refused a VM of %u words: %s", g->w, err);
    tv_load(r, id, g);
    return id;
}

int tv_vm(struct tv_rig *r, const struct tv_guest *g)
{
    char err[256] = "";
    return added(r, vmm_vm_create(r->v, g->w, NULL, err, sizeof err), err, g);
}

int tv_vm_at(struct tv_rig *r, uint32_t base, const struct tv_guest *g)
{
    char err[256] = "";
    return added(r, vmm_vm_create_at(r->v, base, g->w, NULL, err, sizeof err), err, g);
}

enum vmm_stop tv_run_ex(struct tv_rig *r, uint64_t budget, struct vmm_exit *ex)
{
    snapshot(r);
    enum vmm_stop s = vmm_run(r->v, budget, ex);
    assert_int_equal(ex->reason, s);
    check_resources(r, -1, "at the end of a run");
    return s;
}

enum vmm_stop tv_run(struct tv_rig *r, uint64_t budget)
{
    struct vmm_exit ex;
    return tv_run_ex(r, budget, &ex);
}

void tv_run_done(struct tv_rig *r)
{
    assert_int_equal(tv_run(r, TV_STEPS), VMMSTOP_DONE);
}

void tv_run_until_stopped(struct tv_rig *r, int id, uint64_t budget)
{
    for (uint64_t done = 0; tv_info(r, id).state == VM_RUNNABLE; done += budget) {
        if (done > TV_STEPS)
            fail_msg("VM %d still runnable after %llu steps", id, (unsigned long long)done);
        tv_run(r, budget);
    }
}

struct vm_info tv_info(const struct tv_rig *r, int id)
{
    struct vm_info in;
    assert_int_equal(vmm_vm_info(r->v, id, &in), 0);
    return in;
}

struct machine *tv_view(struct tv_rig *r, int id)
{
    struct machine *m = vmm_vm_view(r->v, id);
    assert_non_null(m);
    return m;
}

struct machine *tv_machine(struct tv_rig *r, uint32_t q)
{
    struct machine_config mc = {.q = q, .profile = r->cfg.profile};
    return own(r, machine_create(&mc));
}

struct vmm *tv_cp(const struct vmm_config *cfg)
{
    char err[256];
    struct vmm *v = vmm_create(cfg, err, sizeof err);
    if (!v)
        fail_msg("vmm_create: %s", err);
    return v;
}

struct machine *tv_cp_vm(struct vmm *v, uint32_t w, int *id)
{
    char err[256];
    int k = vmm_vm_create(v, w, NULL, err, sizeof err);
    if (k < 0)
        fail_msg("vmm_vm_create of %u words: %s", w, err);
    if (id)
        *id = k;
    struct machine *view = vmm_vm_view(v, k);
    assert_non_null(view);
    return view;
}

struct machine *tv_copy(struct tv_rig *r, const struct machine *m)
{
    uint8_t *buf;
    size_t len;
    char err[256] = "";
    assert_int_equal(machine_state_save(m, true, &buf, &len), 0);
    struct machine_config mc = {.q = machine_q(m), .profile = machine_profile(m),
                                .hostcalls = machine_hostcalls(m)};
    struct machine *c = own(r, machine_create(&mc));
    int rc = machine_state_load(c, buf, len, err, sizeof err);
    free(buf);
    if (rc != 0)
        fail_msg("machine_state_load: %s", err);
    return c;
}

struct machine *tv_bare(struct tv_rig *r, const struct tv_guest *g, uint64_t steps,
                        enum exit_reason *why)
{
    struct machine *m = tv_machine(r, g->w);
    struct tgm_image img = image_of(g);
    char err[256] = "";
    if (image_load(m, &img, err, sizeof err) != 0)
        fail_msg("image_load: %s", err);
    if (g->input)
        assert_int_equal(machine_console_input(m, (const uint8_t *)g->input, strlen(g->input)),
                         0);
    struct machine_exit ex;
    enum exit_reason e = machine_run(m, steps, &ex);
    if (why)
        *why = e;
    return m;
}

struct machine *tv_bare_halted(struct tv_rig *r, const struct tv_guest *g)
{
    enum exit_reason why;
    struct machine *m = tv_bare(r, g, TV_STEPS, &why);
    if (why != EXIT_HALT)
        fail_msg("the bare machine did not halt (%s)", exit_reason_name(why));
    return m;
}

void tv_keep_up(struct tv_rig *r, struct machine *bare, int id, const char *what)
{
    struct machine *view = tv_view(r, id);
    uint64_t want = machine_steps(view), have = machine_steps(bare);
    assert_true(want >= have);
    struct machine_exit ex;
    if (want > have)
        machine_run(bare, want - have, &ex);
    assert_int_equal(machine_steps(bare), want);
    char diff[256] = "";
    vmm_compare(bare, r->v, id, diff, sizeof diff);
    if (diff[0])
        fail_msg("%s: VM %d differs from its bare run after %llu steps: %s", what, id,
                 (unsigned long long)want, diff);
}

void tv_assert_same(const struct machine *bare, const struct machine *view,
                    const char *what)
{
    char diff[256];
    if (machine_compare(bare, view, CMP_COUNTERS, "bare", "vm", diff, sizeof diff) != 0)
        fail_msg("%s: the VM differs from the bare machine: %s", what, diff);
}

int tv_diff(struct tv_rig *r, const struct tv_guest *g, const char *what,
            struct machine **bare)
{
    struct tv_guest sentinel = {.w = TV_SENTINEL_W};
    int lo = tv_vm(r, &sentinel), id = tv_vm(r, g), hi = tv_vm(r, &sentinel);
    tv_fill(r, lo, 0x10);
    tv_fill(r, hi, 0x20);
    assert_int_equal(vmm_vm_stop(r->v, lo), 0);
    assert_int_equal(vmm_vm_stop(r->v, hi), 0);
    struct machine *m = tv_bare_halted(r, g);
    tv_run_done(r);
    struct vm_info in = tv_info(r, id);
    if (in.state != VM_HALTED)
        fail_msg("%s: the VM ended %s, the bare machine halted", what,
                 vm_state_name(in.state));
    tv_assert_filled(r, lo, 0x10);
    tv_assert_filled(r, hi, 0x20);
    size_t len;
    machine_console_output(vmm_machine(r->v), &len);
    if (len != 0)
        fail_msg("%s: the guest's console output reached the real console", what);
    tv_assert_same(m, tv_view(r, id), what);
    /* vm_info reports the virtual PSW and R' composed as vmm.h says */
    struct psw vp = machine_psw(tv_view(r, id));
    assert_int_equal(psw_pack(&in.vpsw), psw_pack(&vp));
    uint32_t eb = vp.l >= in.w ? 0 : vp.b < in.w - vp.l ? vp.b : in.w - vp.l;
    assert_int_equal(in.real_b, eb);
    if (eb)
        assert_int_equal(in.real_l, in.base + vp.l);
    uint64_t instret = machine_get_counters(m).instret;
    if (in.stats.direct + in.stats.interpreted != instret)
        fail_msg("%s: %llu direct + %llu interpreted instructions, the bare machine "
                 "completed %llu",
                 what, (unsigned long long)in.stats.direct,
                 (unsigned long long)in.stats.interpreted, (unsigned long long)instret);
    if (bare)
        *bare = m;
    return id;
}

void tv_place(uint64_t *mem, uint32_t w, const struct tv_word *words, size_t n)
{
    for (size_t i = 0; i < n && words[i].at; i++) {
        if (words[i].at >= w)
            fail_msg("program word at %u is outside %u words", words[i].at, w);
        mem[words[i].at] = words[i].v;
    }
}

static uint64_t pattern(uint64_t seed, uint32_t i)
{
    return (seed << 32) ^ (0x9E3779B97F4A7C15ull * (i + 1));
}

void tv_fill(struct tv_rig *r, int id, uint64_t seed)
{
    struct machine *m = tv_view(r, id);
    for (uint32_t i = 0; i < machine_q(m); i++)
        assert_int_equal(machine_write_phys(m, i, pattern(seed, i)), 0);
    snapshot(r);
}

void tv_assert_filled(struct tv_rig *r, int id, uint64_t seed)
{
    const uint64_t *E = machine_mem(tv_view(r, id));
    for (uint32_t i = 0; i < machine_q(tv_view(r, id)); i++)
        if (E[i] != pattern(seed, i))
            fail_msg("VM %d's word E[%u] changed although it never ran", id, i);
}

const struct vmm_event *tv_event(const struct tv_rig *r, int vm, uint32_t p)
{
    size_t n = r->nev < TV_EVENTS ? r->nev : TV_EVENTS;
    for (size_t i = 0; i < n; i++)
        if (r->ev[i].vm == vm && r->ev[i].p == p)
            return &r->ev[i];
    return NULL;
}

size_t tv_count(const struct tv_rig *r, int vm, int disp, int reflected)
{
    size_t n = r->nev < TV_EVENTS ? r->nev : TV_EVENTS, k = 0;
    for (size_t i = 0; i < n; i++)
        k += r->ev[i].vm == vm && (disp < 0 || r->ev[i].disp == (unsigned)disp) &&
             (reflected < 0 || r->ev[i].reflected == reflected);
    return k;
}

void tv_assert_event(const struct tv_rig *r, int vm, uint32_t p, unsigned cause,
                     enum vmm_disposition disp, unsigned reflected)
{
    const struct vmm_event *e = tv_event(r, vm, p);
    if (!e)
        fail_msg("no dispatcher entry for VM %d at P = %u", vm, p);
    if (e->cause != cause || e->disp != disp || e->reflected != reflected)
        fail_msg("entry at P = %u: cause %s, %s, reflected %s; expected cause %s, %s, "
                 "reflected %s",
                 p, trap_cause_name(e->cause), vmm_disposition_name(e->disp),
                 trap_cause_name(e->reflected), trap_cause_name(cause),
                 vmm_disposition_name(disp), trap_cause_name(reflected));
}
