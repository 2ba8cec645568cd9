/* hybrid.c: the hybrid virtual machine monitor of section 8.
 *
 * In a hybrid VM every instruction executed in virtual supervisor mode is
 * interpreted in software; virtual user mode still runs directly.  The
 * interpreter is the simulator's own semantics applied to the VM's virtual
 * state: its view machine is stepped, so its traps are the VM's own (into
 * the guest's E[0]/E[1]), its timer and console are the virtual ones, and no
 * second copy of any instruction exists.
 */
#include "vmm_impl.h"

bool hybrid_interpret(struct vmm *v, struct vm *vm, uint64_t budget, uint64_t cycles,
                      struct vmm_exit *ex)
{
    uint64_t n = 0, c0 = machine_cycles(vm->view);
    bool stop = false;
    /* any word of the region may be touched: the view watches what the real
     * machine watches there, so a VM stops where its bare machine would */
    bool watching = machine_watching(vm->host);
    if (watching)
        interp_watch_region(vm, true);
    while (n < budget && vm->state == VM_RUNNABLE && machine_sup(vm->view) &&
           machine_cycles(vm->view) - c0 < cycles && vm->watch_hit < 0) {
        /* a pending timer trap comes first and runs no instruction at P, so
         * no breakpoint there stops it, as on the bare machine */
        bool timer_first = machine_ie(vm->view) && machine_get_timer(vm->view).pending;
        if (!timer_first && (stop = vmm_break_before(v, vm, ex)))
            break;
        uint64_t before = machine_instret(vm->view);
        struct machine_exit mx;
        machine_step_inline(vm->view, &mx);
        n++;
        vm->stats.interpreted += machine_instret(vm->view) - before;
        if (mx.reason == EXIT_HALT)
            vm->state = VM_HALTED;
        interp_watch_report(vm, &mx);
    }
    if (watching)
        interp_watch_region(vm, false);
    if (!stop)
        stop = interp_watch_stop(vm, ex);
    /* counted, not traced, and not a dispatcher entry: no trap brought the
     * CP here (docs/vmm.md).  Once, when the stretch ends: one cut short
     * by the steps a run was given (or a debugging stop) goes on in the
     * next, so that the count does not depend on how a run is cut. */
    bool sliced = vm->state == VM_RUNNABLE && machine_cycles(vm->view) - c0 >= cycles;
    if (sliced || vm->state != VM_RUNNABLE || !machine_sup(vm->view))
        vm->stats.traps[TRAP_NONE][DISP_HYBRID]++;
    if (sliced) {
        /* the slice ended during interpretation: the CP's timer, in effect.
         * Also when its last instruction left supervisor mode: the CP takes
         * the processor back all the same, and every change of hands is an
         * event. */
        struct vmm_event t = {vm->id, TRAP_TIMER, machine_p(vm->view), 0, DISP_SCHEDULER,
                              TRAP_NONE, machine_psw(vm->view).l, 0};
        vm->stats.traps[TRAP_TIMER][DISP_SCHEDULER]++;
        if (v->hook) {
            t.fetched = machine_read_virt(vm->view, t.p, &t.word) == 0; /* if it can be read */
            v->hook_vm1 = vm->id + 1;
            v->hook(v->hook_ctx, &t);
            v->hook_vm1 = 0;
        }
    }
    return stop;
}
