/* test_audit_refvmm.c: an independent reference model of the control
 * program's bookkeeping (refvmm.h, written from docs/vmm.md alone), run
 * against the library on random guests through tgm/vmm.h.
 *
 * One to five VMs of random sizes and bases, random or generated guests
 * (tests/progen.h) on every profile, random slices, the hybrid mode or not,
 * virtual timers armed or not, step limits, an event hook or none; each
 * run is cut into vmm_run calls of random budgets, small and large, as the
 * monitor cuts it.  After every call the model and the library must agree
 * on the call's answer, on every VM's virtual state (its E, PSW, timer,
 * console and counters), its statistics and its state, and on the events
 * the hook received, in order, which also fixes the order in which the
 * VMs had the processor.  Between calls the host stops, resumes, limits,
 * loads, destroys and recreates VMs, changes the slice, queues input, or
 * saves and restores the control program.  TGM_REFVMM_GUESTS and
 * TGM_REFVMM_SEED make the campaign larger or different,
 * TGM_REFVMM_FEATURES (a mask of F_*) leaves features out, and
 * TGM_REFVMM_VERBOSE=N prints guest set N's events both ways.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#include "progen.h"
#include "refmodel.h"
#include "refvmm.h"
#include "review_support.h"
#include "rng.h"

static uint64_t rng_state;

static uint64_t rnd(void)
{
    return rng_next(&rng_state);
}

static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

#define INSN(op, a, b, c) ((uint64_t)(op) << 57 | (uint64_t)(a) << 38 | (uint64_t)(b) << 19 | (c))

/* An address inside the VM mostly, now and then at or past its edge. */
static uint32_t addr(uint32_t w)
{
    switch (rn(12)) {
    case 0: return w;
    case 1: return w - 1;
    case 2: return rn(2 * w + 2);
    case 3: return RM_AMASK - rn(2);
    default: return 8 + rn(w > 24 ? 16 : (w > 8 ? w - 8 : 1));
    }
}

static uint64_t rand_psw(uint32_t w, bool sup)
{
    uint32_t l = rn(6) ? 0 : rn(w + 2);
    uint32_t b = rn(5) ? w : (rn(2) ? rn(w + 2) : RM_BMASK);
    return rm_pack(sup, rn(3) != 0, rn(8) ? 0 : rn(16), rn(3) ? 8 + rn(8) : addr(w), l, b);
}

/* Mostly instructions of the profile, with operands near the guest's
 * data, some privileged, some trapping. */
static uint64_t rand_insn(uint32_t w)
{
    const struct rm_insn *d = &rm_table[rn(rm_ninsn)];
    if (rn(3) == 0) /* the CP's business: privileged instructions */
        d = rm_find(0x40 + rn(8));
    if (rn(60) == 0)
        return (uint64_t)rn(128) << 57;
    uint64_t x = (uint64_t)d->op << 57;
    for (int i = 0; i < 3 && d->f[i]; i++) {
        uint64_t v = addr(w);
        if (d->f[i] == 'L') {
            x |= (uint64_t)(int64_t)(rn(40) - 4) & ((UINT64_C(1) << 38) - 1);
            break;
        }
        if (d->f[i] == 't')
            v = 8 + rn(w > 24 ? 16 : 1);
        if (d->f[i] == 'i' || d->f[i] == 'n')
            v = rn(2) ? rn(9) : addr(w);
        x |= (v & RM_AMASK) << (38 - 19 * i);
    }
    return x;
}

/* Data words: PSWs (for LPSW and E[1]), R words, small numbers, timers. */
static uint64_t rand_data(uint32_t w)
{
    switch (rn(6)) {
    case 0: return rand_psw(w, rn(2));
    case 1: return rm_pack(0, 0, 0, 0, rn(6) ? 0 : rn(w + 2), rn(4) ? w : rn(w + 2));
    case 2: return 1 + rn(30);
    case 3: return rnd();
    default: return rand_insn(w);
    }
}

/* A random guest of W words: a trap handler in supervisor mode at 32.. (E[1]
 * points there) that re-arms the timer and returns through E[0] or goes
 * on, a body at 8.. of random instructions, data at 16... */
static void rand_guest(struct rm *v)
{
    uint32_t w = v->q;
    for (uint32_t i = 0; i < w; i++)
        v->e[i] = i < 16 || rn(3) ? rand_insn(w) : rand_data(w);
    if (w >= 48 && rn(4)) {
        v->e[1] = rm_pack(true, false, 0, 32, 0, w);
        v->e[32] = INSN(0x44, 40 + rn(2), 0, 0);   /* TSET */
        v->e[33] = rn(2) ? INSN(0x46, 41, 0, 0) : rand_insn(w);
        v->e[34] = INSN(0x40, rn(4) ? 0 : 42, 0, 0); /* LPSW 0 */
        v->e[40] = 1 + rn(40), v->e[41] = rn(3) ? 5 + rn(30) : 0;
        v->e[42] = rand_psw(w, rn(2));
    } else if (rn(2)) {
        v->e[1] = rand_psw(w, rn(5) != 0);
    }
    rm_load_psw(v, rand_psw(w, rn(2)));
}

/* ---- comparison ---- */

struct hook {
    struct vmm_event ev[CPM_MAXEV];
    size_t n;
};

static void hook_fn(void *ctx, const struct vmm_event *e)
{
    struct hook *h = ctx;
    if (h->n < CPM_MAXEV)
        h->ev[h->n++] = *e;
}

static const char *what;
static unsigned guest_no;

static void mismatch(const char *fmt, ...)
{
    char buf[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    print_error("guest %u (%s): %s\n", guest_no, what, buf);
    fail();
}

static void compare_vm(struct vmm *x, int id, const struct cpm_vm *m)
{
    const struct rm *v = &m->v;
    struct machine *view = vmm_vm_view(x, id);
    const uint64_t *xe = machine_mem(view);
    for (uint32_t i = 0; i < v->q; i++)
        if (xe[i] != v->e[i])
            mismatch("vm %d E[%u]: tgm %#llx model %#llx", id, i, (unsigned long long)xe[i],
                     (unsigned long long)v->e[i]);
    uint64_t psw = machine_get_psw(view), mp = rm_pack(v->sup, v->ie, 0, v->p, v->l, v->b);
    if (psw != mp)
        mismatch("vm %d PSW: tgm %#llx model %#llx", id, (unsigned long long)psw,
                 (unsigned long long)mp);
    struct machine_counters k = machine_get_counters(view);
    if (k.cycles != v->cycles || k.instret != v->instret || k.steps != v->steps ||
        memcmp(k.traps + 1, v->traps + 1, sizeof v->traps - sizeof v->traps[0]))
        mismatch("vm %d counters: tgm %llu/%llu/%llu model %llu/%llu/%llu (or traps)", id,
                 (unsigned long long)k.cycles, (unsigned long long)k.instret,
                 (unsigned long long)k.steps, (unsigned long long)v->cycles,
                 (unsigned long long)v->instret, (unsigned long long)v->steps);
    struct machine_timer t = machine_get_timer(view);
    if (t.armed != v->armed || t.pending != v->pending || t.remaining != v->rem)
        mismatch("vm %d timer: tgm %d/%d/%lld model %d/%d/%lld", id, t.armed, t.pending,
                 (long long)t.remaining, v->armed, v->pending, (long long)v->rem);
    size_t olen;
    const uint8_t *out = machine_console_output(view, &olen);
    /* the model keeps RM_OUTMAX bytes: past them, the library's prefix */
    bool full = v->nout == RM_OUTMAX;
    if ((full ? olen < v->nout : olen != v->nout) || (v->nout && memcmp(out, v->out, v->nout)) ||
        machine_console_input_used(view) != v->used)
        mismatch("vm %d console: tgm %zu out %zu in, model %zu out %zu in", id, olen,
                 machine_console_input_used(view), v->nout, v->used);
    struct vm_info in;
    assert_int_equal(vmm_vm_info(x, id, &in), 0);
    struct psw vp = in.vpsw;
    uint32_t rl = m->base, rb = 0;
    if (v->l < v->q) /* R' = (l + base, min(b, w - l)), (base, 0) when l >= w */
        rl = v->l + m->base, rb = v->b < v->q - v->l ? v->b : v->q - v->l;
    if (vp.sup != v->sup || vp.ie != v->ie || vp.p != v->p || vp.l != v->l || vp.b != v->b ||
        in.real_l != rl || in.real_b != rb || in.base != m->base || in.w != v->q ||
        in.max_steps != m->max_steps || in.id != id)
        mismatch("vm %d info: tgm R' (%u, %u) max %llu, model (%u, %u) max %llu (or vpsw)", id,
                 in.real_l, in.real_b, (unsigned long long)in.max_steps, rl, rb,
                 (unsigned long long)m->max_steps);
    if (in.state != m->state)
        mismatch("vm %d state: tgm %s model %s", id, vm_state_name(in.state),
                 vm_state_name(m->state));
    const struct vm_stats *a = &in.stats, *b = &m->st;
    if (a->direct != b->direct || a->interpreted != b->interpreted ||
        a->guest_cycles != b->guest_cycles || a->cp_cycles != b->cp_cycles ||
        a->entries != b->entries)
        mismatch("vm %d stats: tgm direct %llu interp %llu guest %llu cp %llu entries %llu, "
                 "model %llu %llu %llu %llu %llu", id, (unsigned long long)a->direct,
                 (unsigned long long)a->interpreted, (unsigned long long)a->guest_cycles,
                 (unsigned long long)a->cp_cycles, (unsigned long long)a->entries,
                 (unsigned long long)b->direct, (unsigned long long)b->interpreted,
                 (unsigned long long)b->guest_cycles, (unsigned long long)b->cp_cycles,
                 (unsigned long long)b->entries);
    uint64_t done = b->direct + b->interpreted; /* direct / (direct + interpreted), or 0 */
    if (vm_stats_direct_ratio(a) != (done ? (double)b->direct / (double)done : 0.0))
        mismatch("vm %d direct ratio %g", id, vm_stats_direct_ratio(a));
    for (int c = 0; c < TRAP_NCAUSES; c++)
        for (int d = 0; d < DISP_COUNT; d++)
            if (a->traps[c][d] != b->traps[c][d])
                mismatch("vm %d traps[%d][%s]: tgm %llu model %llu", id, c,
                         vmm_disposition_name(d), (unsigned long long)a->traps[c][d],
                         (unsigned long long)b->traps[c][d]);
}

static void compare_events(const struct hook *h, const struct cpm *c)
{
    for (size_t k = 0; k < h->n || k < c->nev; k++) {
        if (k >= h->n || k >= c->nev)
            mismatch("event %zu: tgm has %zu events, model %zu", k, h->n, c->nev);
        const struct vmm_event *a = &h->ev[k], *b = &c->ev[k];
        if (a->vm != b->vm || a->cause != b->cause || a->p != b->p || a->disp != b->disp ||
            a->reflected != b->reflected || a->l != b->l || a->fetched != b->fetched ||
            (b->fetched && a->word != b->word))
            mismatch("event %zu of %zu: tgm vm %d cause %u p %u %s refl %u l %u fetched %u "
                     "word %#llx; model vm %d cause %u p %u %s refl %u l %u fetched %u "
                     "word %#llx", k, c->nev, a->vm, a->cause, a->p,
                     vmm_disposition_name(a->disp), a->reflected, a->l, a->fetched,
                     (unsigned long long)a->word, b->vm, b->cause, b->p,
                     vmm_disposition_name(b->disp), b->reflected, b->l, b->fetched,
                     (unsigned long long)b->word);
    }
}

/* ---- one guest set ---- */

static long verbose = -1; /* the guest whose events are printed */
static unsigned features = ~0u; /* TGM_REFVMM_FEATURES: which to mix in */
enum { F_MULTI = 1, F_SLICE = 2, F_HYBRID = 4, F_TIMER = 8, F_LIMIT = 16, F_HOOK = 32,
       F_PROGEN = 64, F_PROFILES = 128, F_HOST = 256, F_SNAP = 512, F_LONG = 1024 };

struct cov {
    uint64_t runs, agreed_calls, by_cause[TRAP_NCAUSES][DISP_COUNT], halts, limits;
    uint64_t slice_ev, vdue, deliver_cp, stretch, hyb_slice, quiet, multi, hybrid, host, snaps;
    int64_t max_over;
};

/* The host's calls between runs, on the library and the model alike. */
static void host_call(struct vmm *x, struct cpm *c, uint8_t in[][64], struct cov *cov)
{
    int id = (int)rn((uint32_t)c->n);
    struct cpm_vm *m = &c->vm[id];
    if (!m->live)
        return;
    unsigned op = rn(8);
    if (verbose == (long)guest_no)
        fprintf(stderr, "host call %u on vm %d\n", op, id);
    switch (op) {
    case 6: { /* an image loaded over the VM, as the monitor's load */
        static uint64_t w[64];
        uint32_t at = rn(m->v.q), n = 1 + rn(m->v.q - at < 64 ? m->v.q - at : 64);
        for (uint32_t k = 0; k < n; k++)
            w[k] = rand_insn(m->v.q);
        struct tgm_image img = {.load = at, .nwords = n, .entry_psw = rand_psw(m->v.q, rn(2)),
                                .words = w};
        char err[200];
        assert_int_equal(vmm_vm_load(x, id, &img, err, sizeof err), 0);
        cpm_load(c, id, at, w, n, img.entry_psw);
        break;
    }
    case 7: { /* destroyed (its region zeroed) and another VM made there */
        if (rn(4))
            return;
        assert_int_equal(vmm_vm_destroy(x, id), 0);
        cpm_destroy(c, id);
        const uint64_t *re = machine_mem(vmm_machine(x));
        for (uint32_t k = 0; k < m->v.q; k++)
            if (re[m->base + k])
                mismatch("vm %d destroyed: real E[%u] is %#llx", id, m->base + k,
                         (unsigned long long)re[m->base + k]);
        char err[200];
        int nid = vmm_vm_create_at(x, m->base, m->v.q, NULL, err, sizeof err);
        if (nid != id) /* the lowest free id: the only one free */
            mismatch("vmm_vm_create_at in vm %d's place: %d %s", id, nid, err);
        struct machine *view = vmm_vm_view(x, id);
        uint32_t q = m->v.q, base = m->base;
        struct rm v = m->v;
        memset(m, 0, sizeof *m);
        m->live = true, m->state = VM_RUNNABLE, m->base = base;
        v.q = q, v.steps = v.cycles = v.instret = 0, v.nout = v.used = v.nin = 0;
        memset(v.traps, 0, sizeof v.traps);
        v.armed = v.pending = false, v.rem = 0;
        memcpy(v.e, machine_mem(view), q * sizeof *v.e); /* the power-on state */
        rm_load_psw(&v, machine_get_psw(view));
        m->v = v;
        compare_vm(x, id, m);
        rand_guest(&m->v);
        for (uint32_t k = 0; k < q; k++)
            assert_int_equal(machine_write_phys(view, k, m->v.e[k]), 0);
        machine_set_psw(view, rm_pack(m->v.sup, m->v.ie, 0, m->v.p, m->v.l, m->v.b));
        break;
    }
    case 0: assert_int_equal(vmm_vm_stop(x, id), 0), cpm_stop(c, id); break;
    case 1: assert_int_equal(vmm_vm_resume(x, id), 0), cpm_resume(c, id); break;
    case 2: {
        uint64_t max = rn(3) ? m->v.steps + rn(100) : rn(2) ? 0 : rn(50);
        assert_int_equal(vmm_vm_set_limit(x, id, max), 0);
        cpm_set_limit(c, id, max);
        break;
    }
    case 3: {
        uint64_t s = rn(4) ? 1 + rn(100) : rn(2) ? 0 : UINT64_MAX - rn(2);
        vmm_set_slice(x, s);
        cpm_set_slice(c, s);
        if (vmm_slice(x) != c->slice)
            mismatch("vmm_slice %llu, model %llu", (unsigned long long)vmm_slice(x),
                     (unsigned long long)c->slice);
        break;
    }
    default: {
        size_t k = rn(5);
        if (m->v.nin + k > 64)
            k = 0;
        for (size_t j = 0; j < k; j++)
            in[id][m->v.nin + j] = (uint8_t)rnd();
        if (k)
            assert_int_equal(vmm_vm_input(x, id, in[id] + m->v.nin, k), 0);
        m->v.nin += k;
        break;
    }
    }
    cov->host++;
}


static void run_guests(unsigned no, struct cov *cov)
{
    static struct cpm c;
    static struct hook h;
    memset(&c, 0, sizeof c);
    c.cur = -1;
    guest_no = no;
    int prof = (features & F_PROFILES) && rn(3) == 0 ? (int)rn(P_N) : P_VIRT;
    c.n = (features & F_MULTI) && rn(3) == 0 ? 2 + (int)rn(4) : 1;
    c.hybrid = (features & F_HYBRID) && rn(4) == 0;
    uint64_t slice = (features & F_SLICE) && rn(3) ? 1 + rn(rn(2) ? 12 : 200) : 0;
    c.slice = slice ? slice : VMM_DEFAULT_SLICE;
    bool progen = (features & F_PROGEN) && rn(5) == 0;
    uint32_t ws[CPM_MAXVM], bases[CPM_MAXVM], top = VMM_K;
    for (int i = 0; i < c.n; i++) {
        ws[i] = progen ? PG_W : (rn(4) ? 2 + rn(70) : 2 + rn(400));
        bases[i] = top + (rn(2) ? 0 : rn(20));
        top = bases[i] + ws[i];
    }
    bool high = rn(40) == 0; /* the last VM at the top of the largest memory */
    if (high) {
        bases[c.n - 1] = TGM_Q_MAX - ws[c.n - 1] - rn(3);
        top = TGM_Q_MAX;
    }
    struct vmm_config cfg = {.q = high ? 0 : top + rn(30), .profile = isa_profile_find(rm_prof_name[prof]),
                             .slice = slice, .hybrid = c.hybrid};
    char err[200];
    struct vmm *x = vmm_create(&cfg, err, sizeof err);
    if (!x)
        mismatch("vmm_create: %s", err);
    h.n = 0;
    bool hooked = (features & F_HOOK) && rn(2);
    hooked |= verbose == (long)no;
    if (hooked)
        vmm_set_event_hook(x, hook_fn, &h);
    static uint8_t in[CPM_MAXVM][64];
    static uint64_t mem[CPM_MAXVM][PG_W > 472 ? PG_W : 472];
    for (int i = 0; i < c.n; i++) {
        struct cpm_vm *m = &c.vm[i];
        struct rm *v = &m->v;
        v->q = ws[i], v->e = mem[i], v->prof = prof, v->hostcalls = false;
        memset(mem[i], 0, sizeof mem[i]);
        m->base = bases[i], m->state = VM_RUNNABLE, m->live = true;
        int id = vmm_vm_create_at(x, bases[i], ws[i], NULL, err, sizeof err);
        if (id != i)
            mismatch("vmm_vm_create_at(%u, %u): %d %s", bases[i], ws[i], id, err);
        struct machine *view = vmm_vm_view(x, id);
        if (progen) {
            struct tgm_image img;
            pg_generate(rnd(), cfg.profile, &img);
            assert_int_equal(vmm_vm_load(x, id, &img, err, sizeof err), 0);
            const uint64_t *ve = machine_mem(view);
            memcpy(v->e, ve, v->q * sizeof *v->e);
            rm_load_psw(v, machine_get_psw(view));
            image_free(&img);
        } else {
            rand_guest(v);
            for (uint32_t k = 0; k < v->q; k++)
                assert_int_equal(machine_write_phys(view, k, v->e[k]), 0);
            machine_set_psw(view, rm_pack(v->sup, v->ie, 0, v->p, v->l, v->b));
        }
        if ((features & F_TIMER) && rn(2)) {
            struct machine_timer t = {0};
            if (rn(4))
                v->armed = t.armed = true, v->rem = t.remaining = 1 + rn(rn(2) ? 30 : 400);
            else
                v->pending = t.pending = true;
            assert_int_equal(machine_set_timer(view, &t), 0);
        }
        v->in = in[i], v->nin = rn(9);
        for (size_t k = 0; k < v->nin; k++)
            in[i][k] = (uint8_t)rnd();
        if (v->nin)
            assert_int_equal(vmm_vm_input(x, id, in[i], v->nin), 0);
        if ((features & F_LIMIT) && rn(6) == 0) {
            m->max_steps = 1 + rn(150);
            assert_int_equal(vmm_vm_set_limit(x, id, m->max_steps), 0);
        }
    }
    what = "set-up";
    for (int i = 0; i < c.n; i++)
        compare_vm(x, i, &c.vm[i]);
    bool host = (features & F_HOST) && rn(3) == 0, snap = (features & F_SNAP) && rn(8) == 0;
    bool lng = (features & F_LONG) && rn(20) == 0;
    unsigned total = lng ? 20000 + rn(40000) : 200 + rn(400), done = 0;
    char whatbuf[120];
    for (unsigned call = 0; done < total; call++) {
        if (host && rn(4) == 0)
            host_call(x, &c, in, cov);
        if (snap && rn(6) == 0) { /* saved and restored, with its run state or not */
            struct vmm_transient tr;
            vmm_transient_get(x, &tr);
            struct vmm *y = rv_save_restore(x);
            if (rn(2))
                vmm_transient_set(y, &tr);
            vmm_destroy(x);
            x = y;
            if (hooked)
                vmm_set_event_hook(x, hook_fn, &h);
            cov->snaps++;
        }
        uint64_t budget = rn(3) ? 1 + rn(12) : rn(500);
        if (lng)
            budget = rn(3) ? rn(5000) : 1 + rn(20);
        h.n = 0, c.nev = 0;
        struct vmm_exit ex;
        enum vmm_stop got = vmm_run(x, budget, &ex), want = cpm_run(&c, budget);
        snprintf(whatbuf, sizeof whatbuf, "call %u, budget %llu, after %u steps, %d VMs%s, "
                 "profile %s, slice %llu", call, (unsigned long long)budget, done, c.n,
                 c.hybrid ? " hybrid" : "", rm_prof_name[prof], (unsigned long long)c.slice);
        what = whatbuf;
        if (got != want || ex.reason != want)
            mismatch("vmm_run returned %d, model %d", got, want);
        if (verbose == (long)no) /* TGM_REFVMM_VERBOSE: both event lists, for a disagreement */
            for (size_t k = 0; k < h.n || k < c.nev; k++)
                fprintf(stderr, "  %zu: tgm %d/%u/%u/%d/%u  model %d/%u/%u/%d/%u\n", k,
                        k < h.n ? h.ev[k].vm : -1, h.ev[k].cause, h.ev[k].p, h.ev[k].disp,
                        h.ev[k].reflected, k < c.nev ? c.ev[k].vm : -1, c.ev[k].cause,
                        c.ev[k].p, c.ev[k].disp, c.ev[k].reflected);
        for (int i = 0; i < c.n; i++)
            if (c.vm[i].live)
                compare_vm(x, i, &c.vm[i]);
        if (hooked)
            compare_events(&h, &c);
        cov->agreed_calls++;
        done += budget ? (unsigned)budget : 1;
        if (want == VMMSTOP_DONE && !host)
            break;
    }
    cov->runs++;
    cov->multi += c.n > 1, cov->hybrid += c.hybrid;
    for (int i = 0; i < c.n; i++) {
        cov->halts += c.vm[i].state == VM_HALTED;
        cov->limits += c.vm[i].state == VM_LIMIT;
        for (int k = 0; k < TRAP_NCAUSES; k++)
            for (int d = 0; d < DISP_COUNT; d++)
                cov->by_cause[k][d] += c.vm[i].st.traps[k][d];
    }
    cov->slice_ev += c.n_slice_ev, cov->vdue += c.n_vdue, cov->deliver_cp += c.n_deliver_cp;
    cov->stretch += c.n_stretch, cov->hyb_slice += c.n_hyb_slice;
    cov->quiet += c.n_switch_quiet;
    if (c.max_over >= 12)
        mismatch("a turn overshot its slice by %lld cycles", (long long)c.max_over);
    if (c.max_over > cov->max_over)
        cov->max_over = c.max_over;
    vmm_destroy(x);
}

/* Thousands of random guest sets agree with the model after every call. */
static void refvmm__random_guests_agree_with_the_documented_control_program(void **state)
{
    (void)state;
    static struct cov cov;
    memset(&cov, 0, sizeof cov);
    const char *seed = getenv("TGM_REFVMM_SEED"), *count = getenv("TGM_REFVMM_GUESTS"),
               *feat = getenv("TGM_REFVMM_FEATURES");
    rng_state = seed && *seed ? strtoull(seed, NULL, 0) : 0x1973;
    unsigned n = count && *count ? (unsigned)strtoul(count, NULL, 0) : 5000;
    const char *vb = getenv("TGM_REFVMM_VERBOSE");
    verbose = vb && *vb ? strtol(vb, NULL, 0) : -1;
    if (feat && *feat)
        features = (unsigned)strtoul(feat, NULL, 0);
    for (unsigned i = 0; i < n; i++)
        run_guests(i, &cov);
    print_message("refvmm: %llu guest sets (%llu with several VMs, %llu hybrid) agreed over "
                  "%llu calls; %llu halted, %llu at their limit; slice ends %llu, virtual "
                  "timer due %llu, delivered by the CP %llu, stretches %llu, slices ending "
                  "in one %llu, quiet switches %llu; host calls %llu, restores %llu; longest overshoot %lld\n",
                  (unsigned long long)cov.runs, (unsigned long long)cov.multi,
                  (unsigned long long)cov.hybrid, (unsigned long long)cov.agreed_calls,
                  (unsigned long long)cov.halts, (unsigned long long)cov.limits,
                  (unsigned long long)cov.slice_ev, (unsigned long long)cov.vdue,
                  (unsigned long long)cov.deliver_cp, (unsigned long long)cov.stretch,
                  (unsigned long long)cov.hyb_slice, (unsigned long long)cov.quiet, (unsigned long long)cov.host,
                  (unsigned long long)cov.snaps, (long long)cov.max_over);
    if (n < 5000 || features != ~0u)
        return;
    /* every row of the dispatcher's table and every event no trap brings */
    static const int cells[][2] = {
        {TRAP_PRIV, DISP_INTERPRETED}, {TRAP_PRIV, DISP_ALLOCATOR}, {TRAP_PRIV, DISP_REFLECTED},
        {TRAP_MEM, DISP_REFLECTED},    {TRAP_SVC, DISP_REFLECTED},  {TRAP_ILL, DISP_REFLECTED},
        {TRAP_TIMER, DISP_SCHEDULER},  {TRAP_TIMER, DISP_REFLECTED}, {TRAP_NONE, DISP_SCHEDULER},
        {TRAP_NONE, DISP_HYBRID}};
    for (size_t k = 0; k < sizeof cells / sizeof cells[0]; k++)
        assert_true(cov.by_cause[cells[k][0]][cells[k][1]] > 20);
    assert_true(cov.halts > 20 && cov.limits > 20 && cov.slice_ev > 20 && cov.vdue > 20);
    assert_true(cov.deliver_cp > 20 && cov.hyb_slice > 20 && cov.quiet > 20);
    assert_true(cov.host > 20 && cov.snaps > 20);
}

/* A lone VM, virtual supervisor with I = 1, sets its timer (the CP arms the
 * real one for it), and its LPSW to I = 0 traps as the real timer runs out
 * in the trap sequence: the CP's real timer is left pending.  Saved there
 * by vmm_state_save alone and restored into a fresh control program, the
 * run goes on as one never saved (docs/vmm.md, "Snapshots"): no timer trap
 * of the CP's own, no scheduler event. */
static struct vmm *timer_guest(void)
{
    char err[200];
    struct vmm_config cfg = {.q = 8 + 64};
    struct vmm *x = vmm_create(&cfg, err, sizeof err);
    assert_non_null(x);
    assert_int_equal(vmm_vm_create(x, 64, NULL, err, sizeof err), 0);
    struct machine *view = vmm_vm_view(x, 0);
    const uint64_t words[][2] = {
        {1, rm_pack(true, false, 0, 30, 0, 64)},
        {8, INSN(0x44, 20, 0, 0)}, /* TSET 20: 5 cycles */
        {9, INSN(0x01, 0, 0, 0)},  /* NOP */
        {10, INSN(0x40, 21, 0, 0)}, /* LPSW 21: I = 0 */
        {11, INSN(0x01, 0, 0, 0)},
        {12, INSN(0x02, 0, 0, 0)}, /* HALT */
        {20, 5},
        {21, rm_pack(true, false, 0, 11, 0, 64)},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        assert_int_equal(machine_write_phys(view, words[i][0], words[i][1]), 0);
    machine_set_psw(view, rm_pack(true, true, 0, 8, 0, 64));
    for (int k = 0; k < 3; k++)
        assert_int_equal(vmm_run(x, 1, NULL), VMMSTOP_BUDGET);
    return x;
}

static void refvmm__restored_cp_takes_no_timer_trap_it_would_not_have(void **state)
{
    (void)state;
    struct vmm *a = timer_guest(), *b0 = timer_guest();
    struct vmm *b = rv_save_restore(b0);
    vmm_destroy(b0);
    assert_int_equal(vmm_run(a, 10, NULL), VMMSTOP_DONE);
    assert_int_equal(vmm_run(b, 10, NULL), VMMSTOP_DONE);
    struct vm_info ia, ib;
    assert_int_equal(vmm_vm_info(a, 0, &ia), 0);
    assert_int_equal(vmm_vm_info(b, 0, &ib), 0);
    assert_int_equal(ia.stats.entries, 3); /* TSET, LPSW, HALT */
    assert_int_equal(ia.stats.traps[TRAP_TIMER][DISP_SCHEDULER], 0);
    assert_int_equal(ib.stats.entries, ia.stats.entries);
    assert_int_equal(ib.stats.cp_cycles, ia.stats.cp_cycles);
    assert_int_equal(ib.stats.traps[TRAP_TIMER][DISP_SCHEDULER], 0);
    vmm_destroy(a);
    vmm_destroy(b);
}

/* docs/vmm.md, "Several VMs": round robin.  VM 1, destroyed while it holds
 * the processor, hands it to VM 2, the next after it, as when it halts or
 * is stopped; VM 0, whose turn has just been, waits for its own. */
static void refvmm__destroying_the_running_vm_hands_on_round_robin(void **state)
{
    (void)state;
    char err[200];
    struct vmm_config cfg = {.q = 8 + 3 * 16, .slice = 10};
    struct vmm *x = vmm_create(&cfg, err, sizeof err);
    assert_non_null(x);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(vmm_vm_create(x, 16, NULL, err, sizeof err), i);
        struct machine *view = vmm_vm_view(x, i);
        assert_int_equal(machine_write_phys(view, 8, INSN(0x28, 8, 0, 0)), 0); /* JMP 8 */
        machine_set_psw(view, rm_pack(false, false, 0, 8, 0, 16));
    }
    assert_int_equal(vmm_run(x, 15, NULL), VMMSTOP_BUDGET); /* VM 0's turn, half VM 1's */
    assert_int_equal(machine_get_counters(vmm_vm_view(x, 1)).steps, 5);
    assert_int_equal(vmm_vm_destroy(x, 1), 0);
    assert_int_equal(vmm_run(x, 3, NULL), VMMSTOP_BUDGET);
    assert_int_equal(machine_get_counters(vmm_vm_view(x, 2)).steps, 3);
    assert_int_equal(machine_get_counters(vmm_vm_view(x, 0)).steps, 10);
    assert_int_equal(vmm_run(x, 7, NULL), VMMSTOP_BUDGET); /* VM 2's turn ends: VM 0's */
    assert_int_equal(vmm_run(x, 1, NULL), VMMSTOP_BUDGET);
    assert_int_equal(machine_get_counters(vmm_vm_view(x, 0)).steps, 11);
    vmm_destroy(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refvmm__random_guests_agree_with_the_documented_control_program),
        cmocka_unit_test(refvmm__restored_cp_takes_no_timer_trap_it_would_not_have),
        cmocka_unit_test(refvmm__destroying_the_running_vm_hands_on_round_robin),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
