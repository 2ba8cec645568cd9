/* refvmm.c: the control program's model of refvmm.h, from the docs alone
 * (docs/vmm.md: the standard VM map, the dispatcher's table, virtual time,
 * several VMs, the hybrid monitor; include/tgm/vmm.h's comments).
 */
#include <string.h>

#include "refvmm.h"

static int nrunnable(const struct cpm *c)
{
    int k = 0;
    for (int i = 0; i < c->n; i++)
        k += c->vm[i].live && c->vm[i].state == VM_RUNNABLE;
    return k;
}

/* The current VM while its slice lasts; else, round robin, the next
 * runnable VM after it (itself when it is the only one) gets a whole
 * slice.  With one VM runnable as its turn begins nothing is sliced: a lone
 * VM's slice does not run down (docs/vmm.md, "Several VMs"). */
static void cpm_pick(struct cpm *c)
{
    if (c->cur >= 0 && c->vm[c->cur].live && c->vm[c->cur].state == VM_RUNNABLE &&
        c->left > 0)
        return;
    /* "overshoots it by less than the longest instruction" */
    if (c->cur >= 0 && c->vm[c->cur].live && c->vm[c->cur].state == VM_RUNNABLE &&
        c->slicing && -c->left > c->max_over)
        c->max_over = -c->left;
    for (int k = 1; k <= c->n; k++) {
        int i = (c->cur + k + c->n) % c->n;
        if (c->vm[i].live && c->vm[i].state == VM_RUNNABLE) {
            c->cur = i;
            break;
        }
    }
    c->left = (int64_t)c->slice;
    c->slicing = nrunnable(c) > 1;
}

/* An event as the hook receives it: the guest's P and virtual l, and the
 * word at P when P develops under the guest's R. */
static void cpm_event(struct cpm *c, int id, uint8_t cause, enum vmm_disposition d,
                      uint8_t refl, uint32_t p, uint32_t l, uint32_t b, const struct rm *v,
                      uint64_t word, bool have_word)
{
    if (c->nev >= CPM_MAXEV)
        return;
    struct vmm_event *e = &c->ev[c->nev++];
    memset(e, 0, sizeof *e);
    e->vm = id, e->cause = cause, e->p = p, e->disp = d, e->reflected = refl, e->l = l;
    struct rm t = *v;
    t.l = l, t.b = b;
    uint32_t ph;
    e->fetched = rm_dev(&t, p, &ph);
    if (e->fetched)
        e->word = have_word ? word : v->e[ph];
}

static void cpm_event_now(struct cpm *c, int id, uint8_t cause, enum vmm_disposition d)
{
    const struct rm *v = &c->vm[id].v;
    cpm_event(c, id, cause, d, TRAP_NONE, v->p, v->l, v->b, v, 0, false);
}

/* R' = (l + base, min(b, w - l)), or (base, 0) when l >= w. */
static void compose(const struct cpm_vm *m, uint32_t *rl, uint32_t *rb)
{
    uint32_t w = m->v.q, l = m->v.l, b = m->v.b;
    if (l >= w) {
        *rl = m->base, *rb = 0;
        return;
    }
    *rl = l + m->base;
    *rb = b < w - l ? b : w - l;
}

/* One guest instruction in real user mode.  True if it completed there;
 * false if the real machine trapped (*CAUSE), with nothing changed. */
static bool direct(struct cpm_vm *m, uint8_t *cause)
{
    struct rm *v = &m->v;
    struct rm r = *v;
    r.sup = false, r.ie = true, r.armed = r.pending = false, r.hostcalls = true;
    uint64_t e0 = v->e[0];
    uint32_t code, pc = 0, pa = 0;
    bool fetch = rm_dev(v, v->p, &pc);
    uint64_t w = fetch ? v->e[pc] : 0;
    rm_step(&r, &code);
    if (r.trapped) {
        v->e[0] = e0; /* the real trap stores into the CP's E[0], not the guest's */
        *cause = r.trapped;
        return false;
    }
    const struct rm_insn *d = rm_find((unsigned)(w >> 57));
    uint32_t rl, rb, a = (uint32_t)(w >> 38) & RM_AMASK, n = (uint32_t)(w >> 19) & RM_AMASK;
    compose(m, &rl, &rb);
    /* What the real machine stores where the bare one would store other
     * words: its own PSW and R (x86's SPSW, SR), the real l (LRA). */
    if (d->op == 0x41 && rm_dev(v, a, &pa))
        v->e[pa] = rm_pack(false, true, 0, (v->p + 1) & RM_AMASK, rl, rb);
    if (d->op == 0x43 && rm_dev(v, a, &pa))
        v->e[pa] = rm_pack(false, false, 0, 0, rl, rb);
    if (d->op == 0x51 && rm_dev(v, a, &pa))
        v->e[pa] = (uint64_t)n + rl;
    v->p = r.p; /* the virtual M stays the CP's record (JRSTU cannot change it) */
    v->instret++, v->steps++;
    rm_charge(v, d->cyc);
    m->st.direct++, m->st.guest_cycles += d->cyc;
    return true;
}

static bool cpm_limit(struct cpm *c, int id)
{
    struct cpm_vm *m = &c->vm[id];
    if (m->state != VM_RUNNABLE || !m->max_steps || m->v.steps < m->max_steps)
        return false;
    m->state = VM_LIMIT;
    m->st.traps[TRAP_NONE][DISP_SCHEDULER]++;
    c->n_limit++;
    cpm_event_now(c, id, TRAP_NONE, DISP_SCHEDULER);
    return true;
}

/* One guest step of the current VM, and the CP's work around it. */
static void cpm_step(struct cpm *c)
{
    int id = c->cur;
    struct cpm_vm *m = &c->vm[id];
    struct rm *v = &m->v;
    /* The real timer ends slices only when several VMs were runnable as the
     * turn began; a lone VM's slice does not run down even when its virtual
     * timer can trap (where the docs leave it open, as the library does). */
    bool timed = c->slicing;
    uint32_t p0 = v->p, l0 = v->l, b0 = v->b, pc, code;
    uint64_t cyc0 = v->cycles, w0 = rm_dev(v, v->p, &pc) ? v->e[pc] : 0;
    if (c->hybrid && v->sup) { /* section 8: the view is stepped */
        enum rm_res r = rm_step(v, &code);
        if (!v->trapped)
            m->st.interpreted++;
        if (r == R_HALT)
            m->state = VM_HALTED;
        if (timed)
            c->left -= (int64_t)(v->cycles - cyc0);
        /* The stretch ends when the view halts or leaves supervisor mode,
         * and when the slice runs out in it: the next turn's is another (the
         * docs leave a slice's end open; a step limit or a budget does not
         * end one). */
        bool sliced = r != R_HALT && timed && c->left <= 0;
        if (r == R_HALT || !v->sup || sliced) {
            m->st.traps[TRAP_NONE][DISP_HYBRID]++;
            c->n_stretch++;
        }
        if (sliced) {
            m->st.traps[TRAP_TIMER][DISP_SCHEDULER]++;
            c->n_hyb_slice++;
            cpm_event_now(c, id, TRAP_TIMER, DISP_SCHEDULER);
        }
        return;
    }
    if (v->pending && v->ie) { /* the virtual timer's trap, delivered by the CP */
        rm_trap(v, RM_TIMER);
        v->steps++;
        m->st.traps[TRAP_TIMER][DISP_REFLECTED]++;
        c->n_deliver_cp++;
        cpm_event(c, id, TRAP_TIMER, DISP_REFLECTED, TRAP_TIMER, p0, l0, b0, v, w0, true);
        if (timed && (c->left -= 4) <= 0)
            c->n_switch_quiet++;
        return;
    }
    uint8_t cause;
    if (direct(m, &cause)) {
        if (timed)
            c->left -= (int64_t)(v->cycles - cyc0);
        bool vdue = v->pending && v->ie, sdue = timed && c->left <= 0;
        if (vdue || sdue) { /* the real timer */
            m->st.entries++, m->st.cp_cycles += 5;
            m->st.traps[TRAP_TIMER][DISP_SCHEDULER]++;
            c->n_vdue += vdue, c->n_slice_ev += sdue;
            cpm_event_now(c, id, TRAP_TIMER, DISP_SCHEDULER);
        }
        return;
    }
    /* A real trap: the dispatcher's entry; the view takes the step. */
    m->st.entries++, m->st.cp_cycles += 5;
    enum rm_res r = rm_step(v, &code);
    unsigned op = (unsigned)(w0 >> 57);
    enum vmm_disposition d = DISP_INTERPRETED;
    if (v->trapped)
        d = DISP_REFLECTED;
    else if (op == 0x42 || (op == 0x40 && (v->l != l0 || v->b != b0)))
        d = DISP_ALLOCATOR;
    if (!v->trapped)
        m->st.interpreted++;
    m->st.traps[cause][d]++;
    cpm_event(c, id, cause, d, v->trapped ? v->trapped : TRAP_NONE, p0, l0, b0, v, w0, true);
    if (timed)
        c->left -= (int64_t)(v->cycles - cyc0);
    if (r == R_HALT)
        m->state = VM_HALTED;
    else if (timed && c->left <= 0)
        c->n_switch_quiet++;
}

enum vmm_stop cpm_run(struct cpm *c, uint64_t budget)
{
    /* A call looks afresh at how many VMs are runnable; a lone one holds a
     * whole slice (once it runs). */
    c->slicing = nrunnable(c) > 1;
    if (!c->slicing && budget)
        c->left = (int64_t)c->slice;
    for (uint64_t done = 0;;) {
        if (!nrunnable(c))
            return VMMSTOP_DONE;
        if (done >= budget)
            return VMMSTOP_BUDGET;
        cpm_pick(c);
        if (cpm_limit(c, c->cur)) /* one resumed at its limit stops again at once */
            continue;
        int id = c->cur;
        cpm_step(c);
        done++;
        cpm_limit(c, id);
    }
}

/* The host's calls between runs (include/tgm/vmm.h). */
void cpm_stop(struct cpm *c, int id)
{
    if (c->vm[id].state == VM_RUNNABLE)
        c->vm[id].state = VM_STOPPED;
}

void cpm_resume(struct cpm *c, int id)
{
    c->vm[id].state = VM_RUNNABLE;
}

void cpm_set_limit(struct cpm *c, int id, uint64_t max)
{
    struct cpm_vm *m = &c->vm[id];
    m->max_steps = max;
    if (m->state == VM_LIMIT && (!max || max > m->v.steps))
        m->state = VM_RUNNABLE;
}

void cpm_set_slice(struct cpm *c, uint64_t cycles)
{
    c->slice = !cycles ? VMM_DEFAULT_SLICE : cycles > VMM_SLICE_MAX ? VMM_SLICE_MAX : cycles;
    if (c->left > (int64_t)c->slice)
        c->left = (int64_t)c->slice;
}

/* vmm_vm_load: the image's words and entry PSW; a stopped VM stays
 * stopped, any other is runnable again or at its limit. */
void cpm_load(struct cpm *c, int id, uint32_t at, const uint64_t *w, uint32_t n, uint64_t psw)
{
    struct cpm_vm *m = &c->vm[id];
    memcpy(m->v.e + at, w, n * sizeof *w);
    rm_load_psw(&m->v, psw);
    if (m->state != VM_STOPPED)
        m->state = m->max_steps && m->v.steps >= m->max_steps ? VM_LIMIT : VM_RUNNABLE;
}

/* vmm_vm_destroy: the VM is gone; holding the processor, its turn ends
 * there and round robin goes on after it (as when it halts). */
void cpm_destroy(struct cpm *c, int id)
{
    c->vm[id].live = false;
    if (c->cur == id)
        c->left = 0;
}
