/* dispatch.c: the dispatcher D of section 4 and the control program's loop.
 *
 * A VM runs in real user mode, its innocuous instructions directly on the
 * CPU.  Any trap stores the old PSW in E[0] and loads the CP's PSW from E[1];
 * its first instruction, the HCALL at VMM_ENTRY, brings the trap here.  D
 * accounts the guest's direct execution to its virtual time, then either
 * ends the time slice or has the VM's view execute the instruction that
 * trapped: in virtual supervisor mode that is the interpreter v_i, in
 * virtual user mode (or when the operand does not develop) the view traps,
 * and the trap is reflected.
 */
#include "vmm_impl.h"

/* Whether more than one VM is runnable: then the CP slices time.  It stops
 * counting at two (a slice change asks, among up to 64 VMs). */
static bool several_runnable(const struct vmm *v)
{
    int n = 0;
    for (int i = 0; i < VMM_MAX_VMS && n < 2; i++)
        n += v->vms[i].live && v->vms[i].state == VM_RUNNABLE;
    return n > 1;
}

/* The first runnable VM after the current one, round robin (the current
 * one last), or -1. */
static int next_runnable(const struct vmm *v)
{
    for (int k = 1; k <= VMM_MAX_VMS; k++) {
        int i = (v->cur + k + VMM_MAX_VMS) % VMM_MAX_VMS;
        if (v->vms[i].live && v->vms[i].state == VM_RUNNABLE)
            return i;
    }
    return -1;
}

/* VM I takes the processor for a new slice. */
static struct vm *take(struct vmm *v, int i)
{
    v->cur = i;
    v->slice_left = (int64_t)v->slice;
    v->slicing = several_runnable(v);
    return &v->vms[i];
}

/* The current VM while its slice lasts, else the next runnable one.  A
 * slice is measured in the VM's virtual cycles, so direct execution and
 * hybrid interpretation share it and the CP's own cycles are not charged. */
static struct vm *pick(struct vmm *v)
{
    if (v->cur >= 0 && v->vms[v->cur].live && v->vms[v->cur].state == VM_RUNNABLE &&
        v->slice_left > 0)
        return &v->vms[v->cur];
    int i = next_runnable(v);
    return i < 0 ? NULL : take(v, i);
}

/* A stretch of VM begins (vmm_run): its steps and cycles now, and the
 * cycle at which its slice ends. */
static void stretch_begin(struct vmm *v, struct vm *vm)
{
    v->st_vm = vm;
    v->st_steps = machine_steps(vm->view);
    v->st_cycles = machine_cycles(vm->view);
    v->run_cend = v->st_cycles + (uint64_t)v->slice_left;
}

/* ... and ends: its steps come off the call's budget, its cycles off the
 * slice.  A lone VM's slice does not run down: nothing ends it, and what
 * it would hold depended on where runs were cut. */
static void stretch_end(struct vmm *v)
{
    const struct vm *vm = v->st_vm;
    uint64_t used = machine_steps(vm->view) - v->st_steps;
    v->st_left -= used < v->st_left ? used : v->st_left;
    if (v->slicing)
        v->slice_left -= (int64_t)(machine_cycles(vm->view) - v->st_cycles);
}

/* The real PSW that runs VM, whose view's packed PSW is VW
 * (machine_get_psw of vm->view, nothing else): its composed
 * PSW (vmmap_real_psw), packed; all but P kept for the virtual R it was
 * last composed from (RPSW_KEY). */
static HOT_INLINE uint64_t real_psw(struct vm *vm, uint64_t vw)
{
    if (__builtin_expect(RPSW_KEY(vw) != vm->rkey, 0)) {
        struct vm_map map = {vm->base, vm->w};
        struct psw vp = psw_unpack(vw);
        struct psw rp = vmmap_real_psw(&map, &vp);
        rp.p = 0;
        vm->rpsw = psw_pack(&rp);
        vm->rkey = RPSW_KEY(vw);
    }
    /* P as machine_get_psw put it in VW (one shift the compiler shares) */
    return vm->rpsw | (uint64_t)machine_p(vm->view) << PSW_P_SHIFT;
}

/* Arm the real timer for the end of the slice or the virtual timer's
 * expiry, whichever is first (not at all for a lone VM without a timer:
 * nothing to regain).  VIE is the VM's virtual I bit.  Whether the real timer
 * may have changed. */
static HOT_INLINE bool arm(struct vmm *v, struct vm *vm, bool vie, int64_t slice_left)
{
    /* a real timer the CP left disarmed cannot be pending: leave it alone
     * (unless a guest armed it, which only a broken profile allows) */
    if (!vie && (v->run_quiet ||
                 (!v->slicing && !v->real_timer && !machine_get_timer(v->m).armed)))
        return false; /* a lone VM without a timer: nothing to arm */
    bool armed = false;
    int64_t remaining = 0;
    if (v->slicing) {
        armed = true;
        remaining = slice_left > 0 ? slice_left : 1;
    }
    if (vie) {
        struct machine_timer vt = machine_get_timer(vm->view);
        if (vt.armed && (!armed || vt.remaining < remaining)) {
            armed = true;
            remaining = vt.remaining;
        }
    }
    bool set = armed || v->real_timer || machine_get_timer(v->m).armed;
    if (set) {
        machine_set_timer(v->m, &(struct machine_timer){armed, false, remaining});
        v->run_quiet = false;
    }
    v->real_timer = armed;
    return set;
}

/* Load the VM's composed PSW into the real machine and arm its timer. */
static void resume(struct vmm *v, struct vm *vm, int64_t slice_left)
{
    uint64_t vw = machine_get_psw(vm->view);
    machine_set_psw(v->m, real_psw(vm, vw));
    arm(v, vm, (vw >> PSW_I_BIT) & 1, slice_left);
}

/* The real counters from which account() charges the guest next. */
static void snapshot(struct vmm *v)
{
    v->rc_cycles = machine_cycles(v->m);
    v->rc_steps = machine_steps(v->m);
}

/* The guest's direct execution since the snapshot, counted in its
 * statistics, for its virtual time; the snapshot moves here (D in place
 * resumes from here).  After a trap, the trap sequence and the HCALL are
 * the CP's, and the trapping instruction is charged by whoever handles it.
 * Every trap of the guest's enters D, so each of its real steps since the
 * snapshot completed: its instructions are its steps.  PLAIN: D in place
 * in a plain run, where nobody looks at the statistics until the run ends
 * (plain_stats): only the entry is counted. */
static HOT_INLINE struct machine_charge measure(struct vmm *v, struct vm *vm, bool trapped,
                                                const bool plain)
{
    uint64_t c = machine_cycles(v->m), s = machine_steps(v->m);
    uint64_t dc = c - v->rc_cycles, ds = s - v->rc_steps;
    v->rc_cycles = c;
    v->rc_steps = s;
    if (trapped) {
        uint64_t cp = TGM_TRAP_CYCLES + CYC_HCALL;
        dc -= cp;
        ds -= 2;
        if (plain) {
            v->run_entries++;
            return (struct machine_charge){dc, ds, ds};
        }
        vm->stats.cp_cycles += cp;
        vm->stats.entries++;
    }
    vm->stats.direct += ds;
    vm->stats.guest_cycles += dc;
    return (struct machine_charge){dc, ds, ds};
}

/* The end of a plain run: the statistics of its entries in place, which
 * measure left to it, from the real counters charged since the run began
 * (each entry's trap sequence and HCALL, the rest the guest's). */
static void plain_stats(struct vmm *v, struct vm *vm)
{
    uint64_t n = v->run_entries, cp = n * (TGM_TRAP_CYCLES + CYC_HCALL);
    vm->stats.entries += n;
    vm->stats.cp_cycles += cp;
    vm->stats.direct += v->rc_steps - v->run_s0 - 2 * n;
    vm->stats.guest_cycles += v->rc_cycles - v->run_c0 - cp;
}

/* ... charged to its virtual time. */
static HOT_INLINE void account(struct vmm *v, struct vm *vm, bool trapped)
{
    struct machine_charge ch = measure(v, vm, trapped, false);
    machine_charge(vm->view, ch.cycles, ch.instret, ch.steps);
}

/* Count a CP entry; the event is built only for a hook (never in a PLAIN
 * run). */
static HOT_INLINE void emit(struct vmm *v, struct vm *vm, uint8_t cause, uint32_t p,
                            uint64_t word, bool fetched, uint32_t l,
                            enum vmm_disposition disp, uint8_t reflected, const bool plain)
{
    vm->stats.traps[cause][disp]++;
    if (!plain && v->hook) {
        v->hook_vm1 = vm->id + 1;
        v->hook(v->hook_ctx,
                &(struct vmm_event){vm->id, cause, p, word, disp, reflected, l, fetched});
        v->hook_vm1 = 0;
    }
}

/* A VM that reaches its step limit stops; the CP takes the processor back
 * and says so, so that every change of hands is an event. */
static HOT_INLINE void check_limit_in(struct vmm *v, struct vm *vm, const bool plain)
{
    if (plain || vm->state != VM_RUNNABLE || !vm->max_steps || /* a plain run has none */
        machine_steps(vm->view) < vm->max_steps)
        return;
    vm->state = VM_LIMIT;
    uint32_t p = machine_p(vm->view);
    uint64_t word = 0; /* the instruction it stops before, for the event */
    bool fetched = machine_read_virt(vm->view, p, &word) == 0;
    emit(v, vm, TRAP_NONE, p, word, fetched, machine_psw(vm->view).l, DISP_SCHEDULER, TRAP_NONE,
         plain);
}
#define check_limit(v, vm) check_limit_in(v, vm, false)

/* D: one entry of the dispatcher, after the HCALL brought a trap here.  The
 * CP's own timer ends a slice; any other trap was taken by an instruction
 * of the guest, which the view now executes as the bare machine would:
 * simulated in virtual supervisor mode, or trapping into the guest.
 * OLD is E[0], the trap's old PSW.  Returns the disposition.  PLAIN: in a
 * plain run (plain_vm: no hook, no debugging, no step limit), whose tests
 * the compiler then leaves out. */
static HOT_INLINE enum vmm_disposition dispatch(struct vmm *v, struct vm *vm, struct psw old,
                                                bool *halted, const bool plain)
{
    struct machine_charge ch = measure(v, vm, true, plain);
    machine_set_p(vm->view, old.p);
    uint64_t word = 0;
    uint32_t l = 0;
    bool fetched = false; /* whether P developed: not for a fetch's memory trap */
    enum vmm_disposition disp = DISP_SCHEDULER;
    uint8_t reflected = TRAP_NONE;
    if (!plain) { /* for a watched step and the event, the CP's timer's too */
        fetched = machine_read_virt(vm->view, old.p, &word) == 0; /* if it can be read */
        l = machine_psw(vm->view).l;
    }
    if (old.cause != TRAP_TIMER) {
        disp = interp_step(vm, word, ch, &reflected, halted, plain); /* charges CH first */
    } else {
        machine_charge(vm->view, ch.cycles, ch.instret, ch.steps);
    }
    if (plain && disp == DISP_INTERPRETED) /* (the common count, its index known) */
        emit(v, vm, old.cause, old.p, word, fetched, l, DISP_INTERPRETED, reflected, plain);
    else
        emit(v, vm, old.cause, old.p, word, fetched, l, disp, reflected, plain);
    check_limit_in(v, vm, plain);
    return disp;
}

/* The end of VM's slice, with D in place: hand the processor to the next
 * VM without leaving the run loop, exactly as vmm_run would (the same VM,
 * slice and budget), when that VM's stretch needs nothing else: no
 * virtual timer trap to deliver, no step limit reached, no hybrid
 * interpretation, no debugging and no event hook.  Else false, with
 * nothing changed, and vmm_run decides.  Out of line: once a slice. */
static __attribute__((noinline)) bool next_in_place(struct vmm *v, struct vm *vm,
                                                    uint64_t *left, uint64_t *psw)
{
    if (!v->slicing || v->hybrid || v->hook || machine_debugging(v->m) ||
        (int64_t)(v->run_cend - machine_cycles(vm->view)) > 0 || /* its own timer */
        machine_steps(vm->view) - v->st_steps >= v->st_left)    /* the call's budget */
        return false;
    int i = next_runnable(v); /* pick()'s, the slice being over */
    if (i < 0 || i == v->cur)
        return false;
    struct vm *next = &v->vms[i];
    struct machine *nv = next->view;
    if ((next->max_steps && machine_steps(nv) >= next->max_steps) ||
        (machine_ie(nv) && machine_get_timer(nv).pending))
        return false;
    stretch_end(v);
    take(v, i);
    stretch_begin(v, next);
    uint64_t budget = v->st_left; /* as run_stretch and run_direct set it */
    if (next->max_steps && next->max_steps - machine_steps(nv) < budget)
        budget = next->max_steps - machine_steps(nv);
    uint64_t vw = machine_get_psw(nv);
    *psw = real_psw(next, vw);
    arm(v, next, (vw >> PSW_I_BIT) & 1, v->slice_left);
    v->run_vm = next;
    v->run_send = machine_steps(nv) + budget;
    v->run_budget = budget;
    *left = budget;
    return true;
}

/* D outside the run loop: out of line, so that the view's inlined step
 * stays in D in place and vmm_run keeps run_direct inlined. */
static __attribute__((noinline)) void dispatch_here(struct vmm *v, struct vm *vm)
{
    bool halted = false;
    dispatch(v, vm, psw_unpack(machine_mem(v->m)[0]), &halted, false);
}

/* A pending virtual timer traps at the next instruction boundary at which
 * the virtual I bit is set, exactly as on the bare machine. */
static void deliver_timer(struct vmm *v, struct vm *vm)
{
    if (!machine_ie(vm->view) || !machine_get_timer(vm->view).pending)
        return;
    uint32_t p = machine_p(vm->view);
    uint64_t word = 0; /* the instruction the trap comes before, for the event */
    bool fetched = machine_read_virt(vm->view, p, &word) == 0;
    uint32_t l = machine_psw(vm->view).l;
    interp_reflect(vm, TRAP_TIMER);
    emit(v, vm, TRAP_TIMER, p, word, fetched, l, DISP_REFLECTED, TRAP_TIMER, false);
    check_limit(v, vm);
}

/* A breakpoint at REAL is reported in VM: the run that continues from it
 * passes it once (vmm_break_before). */
static void skip_here(struct vmm *v, const struct vm *vm, uint32_t real)
{
    v->skip_break = real;
    v->skip_vm = vm->id;
    v->skip_steps = machine_steps(vm->view);
}

bool vmm_break_before(struct vmm *v, struct vm *vm, struct vmm_exit *ex)
{
    uint32_t phys;
    if (!machine_debugging(v->m) ||
        machine_develop(vm->view, machine_p(vm->view), &phys) != TRAP_NONE)
        return false;
    uint32_t real = vm->base + phys;
    if (!machine_breaks_at(v->m, real, machine_mem(v->m)[real]))
        return false;
    if (v->skip_break == real) { /* continuing from this very breakpoint */
        v->skip_break = -1;
        if (v->skip_vm < 0 ||
            (vm->id == v->skip_vm && machine_steps(vm->view) == v->skip_steps))
            return false;
    }
    if (v->first_on && machine_steps(vm->view) == v->first_steps[vm->id])
        return false; /* the VM's first step in the call */
    skip_here(v, vm, real);
    *ex = (struct vmm_exit){VMMSTOP_DEBUG, vm->id, {.reason = EXIT_BREAK, .addr = real}};
    return true;
}

/* D entered in place: the real machine's HCALL at VMM_ENTRY, run by the
 * fast loop.  After D, the VM resumes at once, without leaving the run
 * loop, when nothing else is due: it is still runnable, within its slice
 * and budget, no virtual timer trap or hybrid interpretation is pending,
 * the trap was not the CP's timer, and nobody is debugging; at the end of
 * a slice the next VM may take over in place (next_in_place).  Otherwise
 * the run stops and vmm_run decides, as after any other exit.  PLAIN: a
 * plain run (plain_vm, the common one), whose copy leaves out what only
 * slicing, hybrid interpretation, debugging, a hook or a step limit need. */
static HOT_INLINE enum hostcall_next hostcall_in(struct vmm *v, struct vm *vm, uint64_t *left,
                                                 uint64_t *psw, const bool plain)
{
    /* E[0]'s P and cause; in a trap exit (the real machine still in the
     * guest's user mode) the same two are the real machine's P and last
     * trap (machine.h), two loads for one and an unpacking */
    struct machine *m = v->m;
    struct psw old;
    if (__builtin_expect(!machine_sup(m), 1))
        old = (struct psw){.p = machine_p(m), .cause = machine_last_trap(m)};
    else
        old = psw_unpack(machine_mem(m)[0]);
    ASSUME(old.p <= TGM_ADDR_MASK); /* so machine_set_p's mask can go */
    if (old.cause == TRAP_TIMER) { /* (D's copy for it knows the cause) */
        bool halted = false;
        dispatch(v, vm, old, &halted, plain);
        uint64_t next_psw; /* (its address stays here) */
        if (next_in_place(v, vm, left, &next_psw)) {
            *psw = next_psw;
            return HOSTCALL_LPSW;
        }
        goto stop;
    }
    bool halted = false;
    enum vmm_disposition disp = dispatch(v, vm, old, &halted, plain);
    struct machine *view = vm->view;
    /* vmm_run charges the slice when the stretch ends */
    int64_t slice = 0;
    bool vie = machine_ie(view); /* a byte: cheaper than VW's bit */
    /* (in a plain run only a HALT ends the VM's run: no step limit) */
    if ((plain ? halted : vm->state != VM_RUNNABLE) ||
        (vie && machine_get_timer(view).pending))
        goto stop;
    if (!plain) {
        slice = (int64_t)(v->run_cend - machine_cycles(view));
        if ((v->slicing && slice <= 0) || (v->hybrid && machine_sup(view)) ||
            machine_debugging(v->m) || vm->watch_hit >= 0)
            goto stop;
    }
    /* the run loop loads the PSW: back to the trapped window if R is the
     * same.  With no timer armed it goes on with its own budget of real
     * steps, which runs out no later than the VM's (each of the VM's steps
     * is a real one, and each trap adds two), so when the VM's has run
     * out, the loop's next look stops the run.  Else the VM's steps left
     * are the budget: modulo 2^64, 0 or above the budget when it was
     * overrun are both "none" (one unsigned compare after the - 1); a
     * stop after arm is harmless, as resume arms the timer again. */
    /* an interpreted instruction left R as it was (interp_step): the PSW
     * composed for it holds */
    if (disp == DISP_INTERPRETED)
        *psw = vm->rpsw | (uint64_t)machine_p(view) << PSW_P_SHIFT;
    else
        *psw = real_psw(vm, machine_get_psw(view));
    if (!arm(v, vm, vie, slice))
        return HOSTCALL_RESUME;
    uint64_t room = v->run_send - machine_steps(view);
    if (room - 1 >= v->run_budget)
        goto stop;
    *left = room;
    return HOSTCALL_LPSW;
stop:
    v->entered = true;
    return HOSTCALL_STOP;
}


/* (The run loop has just stored the real counters one by one: GCC's SLP
 * vectoriser would load two at once, which no CPU forwards from two
 * stores, a stall of a dozen cycles at every trap.) */
#if defined(__GNUC__) && !defined(__clang__)
__attribute__((optimize("no-tree-slp-vectorize")))
#endif
struct hostcall_result vmm_hostcall(void *ctx, struct machine *m, uint64_t code,
                                    uint64_t *left)
{
    (void)code, (void)m; /* m is v->m */
    struct vmm *v = ctx;
    struct hostcall_result r = {HOSTCALL_STOP, 0};
    struct vm *vm = v->plain_vm; /* one load and test for the common run */
    if (__builtin_expect(vm != NULL, 1)) {
        r.next = hostcall_in(v, vm, left, &r.psw, true);
        return r;
    }
    vm = v->run_vm;
    if (!vm) /* not run_direct's run: stop as before */
        return r;
    r.next = hostcall_in(v, vm, left, &r.psw, false);
    return r;
}

/* Run VM directly from resume() to the next CP entry or the end of CHUNK
 * real steps, and handle what stopped it.  True if the caller must return
 * (a debugging stop), with EX filled in. */
static bool run_direct(struct vmm *v, struct vm *vm, uint64_t chunk, struct vmm_exit *ex)
{
    if (vmm_break_before(v, vm, ex))
        return true;
    resume(v, vm, v->slice_left);
    snapshot(v);
    v->run_entries = 0;
    v->run_c0 = v->rc_cycles;
    v->run_s0 = v->rc_steps;
    v->run_vm = vm;
    /* none of these changes during the run (no hook, which might) */
    bool plain = !v->slicing && !v->hybrid && !machine_debugging(v->m) && !v->hook &&
                 !vm->max_steps;
    v->plain_vm = plain ? vm : NULL;
    /* and none arms the real timer but arm (a guest's TSET traps) */
    v->run_quiet = !v->slicing && !v->real_timer && !machine_get_timer(v->m).armed &&
                   machine_profile(v->m)->beh[OP_TSET] == BEH_PRIV;
    v->entered = false;
    v->run_send = machine_steps(vm->view) + chunk; /* modulo 2^64 */
    v->run_budget = chunk;
    struct machine_exit mx, hx = {.reason = EXIT_HOST};
    machine_run(v->m, chunk, &mx);
    vm = v->run_vm; /* D may have handed the processor on (next_in_place) */
    if (v->plain_vm)
        plain_stats(v, vm);
    v->run_vm = NULL;
    v->plain_vm = NULL;
    v->run_quiet = false; /* arm outside a run looks for itself */
    bool entry = mx.reason == EXIT_HOST;
    if ((mx.reason == EXIT_BUDGET || mx.reason == EXIT_WATCH) && !machine_sup(v->m) &&
        machine_get_timer(v->m).pending) {
        /* the CP's timer expired at the VM's last step: its trap, no step of
         * the guest's, comes before the next one however the run is cut or
         * stopped (a watchpoint's stop is still reported) */
        struct machine_exit tx;
        machine_run(v->m, 1, &tx); /* the trap, perhaps its HCALL, or a trap stop */
        entry = tx.reason == EXIT_HOST;
        if (mx.reason == EXIT_BUDGET)
            mx = tx;
    }
    if (!entry && machine_sup(v->m)) {
        /* a trap was taken but its HCALL not yet run: finish the entry
         * (D then runs here, below, not in place) */
        machine_run(v->m, 1, &hx);
        entry = true;
    }
    if (hx.reason != EXIT_HOST) { /* only a damaged CP gets here */
        *ex = (struct vmm_exit){VMMSTOP_DEBUG, vm->id, hx};
        return true;
    }
    if (entry) {
        if (!v->entered) /* D has not run in place (the checked loop) */
            dispatch_here(v, vm);
    } else {
        account(v, vm, false);
        machine_set_p(vm->view, machine_p(v->m));
        check_limit(v, vm);
    }
    /* a class stop at the CP's own HCALL is no stop of the guest's: D has
     * run, and the run goes on (so the next step is not a run's first) */
    if (mx.reason == EXIT_BREAK && mx.addr < VMM_K && !machine_break_exec_test(v->m, mx.addr))
        return interp_watch_stop(vm, ex);
    if (mx.reason == EXIT_BREAK)
        skip_here(v, vm, mx.addr);
    /* a watched access of an instruction that trapped: the view's step of
     * it saw the same, and names what the CPU names (the trap's E[0] or
     * E[1], when watched); its hit must not wait for the next run */
    if (mx.reason == EXIT_WATCH && vm->watch_hit >= 0)
        return interp_watch_stop(vm, ex);
    if (mx.reason != EXIT_HOST && mx.reason != EXIT_BUDGET) {
        *ex = (struct vmm_exit){VMMSTOP_DEBUG, vm->id, mx};
        return true;
    }
    return interp_watch_stop(vm, ex);
}

/* One stretch of VM: a pending virtual timer, hybrid interpretation of its
 * supervisor code, or direct execution up to the next CP entry.  At most
 * BUDGET of its steps. */
static bool run_stretch(struct vmm *v, struct vm *vm, uint64_t budget, struct vmm_exit *ex)
{
    check_limit(v, vm);
    /* (hybrid interpretation's own step takes it, as it does mid-stretch) */
    if (vm->state == VM_RUNNABLE && !(v->hybrid && machine_sup(vm->view))) {
        uint64_t s0 = machine_steps(vm->view);
        deliver_timer(v, vm); /* a step of its own, as on the bare machine */
        uint64_t used = machine_steps(vm->view) - s0;
        if (interp_watch_stop(vm, ex))
            return true;
        if (used >= budget)
            return false;
        budget -= used;
        if (used) { /* its cycles come off the slice before the timer is armed */
            stretch_end(v);
            stretch_begin(v, vm);
            if (v->slicing && v->slice_left <= 0)
                return false; /* the slice ended with it: pick() hands on */
        }
    }
    if (vm->state != VM_RUNNABLE)
        return false;
    if (vm->max_steps) {
        uint64_t left = vm->max_steps - machine_steps(vm->view);
        budget = left < budget ? left : budget;
    }
    if (v->hybrid && machine_sup(vm->view)) {
        uint64_t cyc = v->slicing && v->slice_left > 0 ? (uint64_t)v->slice_left : UINT64_MAX;
        bool stop = hybrid_interpret(v, vm, budget, cyc, ex);
        check_limit(v, vm); /* at the step that reached it, as a direct stretch */
        return stop;
    }
    return run_direct(v, vm, budget, ex);
}

void vmm_run_continue(struct vmm *v) { v->run_on = true; }

/* BUDGET counts guest steps (the VMs' virtual steps); the CP's own steps,
 * the trap sequences and HCALLs that bring traps to D, are not counted. */
enum vmm_stop vmm_run(struct vmm *v, uint64_t budget, struct vmm_exit *ex)
{
    struct vmm_exit scratch;
    if (!ex)
        ex = &scratch;
    *ex = (struct vmm_exit){VMMSTOP_BUDGET, -1, {0}};
    v->slicing = several_runnable(v); /* VMs may have come or gone since */
    /* a lone VM's slice does not run down: left alone mid-turn, or given a
     * longer slice, it holds a whole one for the next VM to come (once it
     * runs alone: a call of no steps leaves its turn as it was) */
    if (!v->slicing && budget)
        v->slice_left = (int64_t)v->slice;
    if (v->restored) { /* saved without its run state (vmm_transient_set) */
        /* The saved CP may have armed the real timer, and it may have run
         * out in the trap that entered the CP: resume() resets a timer
         * pending so only when it knows it armed it, and the restored one
         * would otherwise trap where the saved run went on (docs/vmm.md,
         * "Snapshots"). */
        struct machine_timer rt = machine_get_timer(v->m);
        if (!v->real_timer && rt.pending && !rt.armed)
            machine_set_timer(v->m, &(struct machine_timer){0});
        v->restored = false;
    }
    /* as machine_run, no VM stops before its first step: each passes the
     * breakpoint it is found at (a VM another's turn left there too) */
    v->first_on = !v->run_on;
    v->run_on = false;
    for (int i = 0; v->first_on && i < VMM_MAX_VMS; i++)
        v->first_steps[i] = v->vms[i].live ? machine_steps(v->vms[i].view) : UINT64_MAX;
    v->st_left = budget;
    while (v->st_left > 0) {
        struct vm *vm = pick(v);
        if (!vm) {
            ex->reason = VMMSTOP_DONE;
            return ex->reason;
        }
        stretch_begin(v, vm);
        bool stop = run_stretch(v, vm, v->st_left, ex);
        stretch_end(v); /* perhaps the next VM's (next_in_place) */
        if (stop)
            return ex->reason;
    }
    /* as machine_run's HALT on its last step: the budget's last step may
     * have made every VM halt or reach its limit, and then none is runnable */
    if (next_runnable(v) < 0)
        ex->reason = VMMSTOP_DONE;
    return ex->reason;
}
