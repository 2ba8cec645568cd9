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

uint64_t hybrid_interpret(struct vmm *v, struct vm *vm, uint64_t budget)
{
    struct psw p = machine_psw(vm->view);
    struct vmm_event e = {vm->id, TRAP_NONE, p.p, 0, DISP_HYBRID, TRAP_NONE};
    machine_read_virt(vm->view, p.p, &e.word);
    uint64_t n = 0;
    while (n < budget && vm->state == VM_RUNNABLE && machine_psw(vm->view).sup) {
        uint64_t before = machine_get_counters(vm->view).instret;
        struct machine_exit ex;
        machine_run(vm->view, 1, &ex);
        n++;
        vm->stats.interpreted += machine_get_counters(vm->view).instret - before;
        if (ex.reason == EXIT_HALT)
            vm->state = VM_HALTED;
        if (vm->max_steps && machine_get_counters(vm->view).steps >= vm->max_steps &&
            vm->state == VM_RUNNABLE)
            vm->state = VM_LIMIT;
    }
    vm->stats.entries++;
    vm->stats.traps[TRAP_NONE][DISP_HYBRID]++;
    if (v->hook)
        v->hook(v->hook_ctx, &e);
    return n;
}
