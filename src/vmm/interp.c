/* interp.c: the interpreters {v_i} of section 4, and the reflection of a
 * trap into a VM.
 *
 * Each v_i is the machine's own instruction: the CP steps the VM's view
 * (virtual M, P, R, timer and console over its region) through the one
 * instruction that trapped, so the view does exactly what a bare machine of
 * w words does, down to a trap into the guest's own E[0]/E[1] when the
 * operand does not develop or the virtual mode is user.  No second copy of
 * any instruction exists.  The classifier that says what the step was,
 * interp_step, is in vmm_impl.h so that D's hot path inlines it; here is
 * its step under debugging (the real watchpoints mirrored onto the view).
 * A change of R lands in the view, and the allocator composes R' from it
 * at every resume.
 */
#include "vmm_impl.h"

/* While the real machine is being debugged, give the view the real
 * watchpoints on the words the step may touch (E[a], and E[0] and E[1],
 * which a trap writes and reads), so that its own run loop reports what
 * the CPU would have reported; ON false takes them away again. */
static void watch_mirror(struct vm *vm, uint64_t word, bool on)
{
    uint32_t at[3] = {0, 1, 0};
    int n = 2;
    if (machine_develop(vm->view, GET_A(word), &at[2]) == TRAP_NONE)
        n = 3;
    for (int i = 0; i < n; i++)
        machine_watch(vm->view, at[i],
                      on ? machine_watch_test(vm->host, vm->base + at[i]) : 0);
}

void interp_watch_region(struct vm *vm, bool on)
{
    for (uint32_t i = 0; i < vm->w; i++) {
        int rw = machine_watch_test(vm->host, vm->base + i);
        if (rw)
            machine_watch(vm->view, i, on ? rw : 0);
    }
}

void interp_watch_report(struct vm *vm, const struct machine_exit *mx)
{
    if (mx->reason == EXIT_WATCH) {
        vm->watch_hit = vm->base + mx->addr;
        vm->watch_write = mx->write;
    }
}

void interp_reflect(struct vm *vm, unsigned cause)
{
    /* guest E[0] := virtual PSW with cause; virtual PSW := guest E[1] */
    machine_trap(vm->view, cause);
    if (!machine_debugging(vm->host))
        return;
    /* as the CPU reports them: E[1]'s read, unless E[0]'s write */
    if (machine_watch_test(vm->host, vm->base + 1) & WATCH_READ) {
        vm->watch_hit = vm->base + 1;
        vm->watch_write = false;
    }
    if (machine_watch_test(vm->host, vm->base) & WATCH_WRITE) {
        vm->watch_hit = vm->base;
        vm->watch_write = true;
    }
}

/* The step while the real machine is being debugged: with its watchpoints
 * (out of line: the trap round trip's hot path has none). */
void interp_step_watched(struct vm *vm, uint64_t word, struct machine_exit *mx)
{
    watch_mirror(vm, word, true);
    machine_run(vm->view, 1, mx);
    watch_mirror(vm, word, false);
    interp_watch_report(vm, mx);
}

bool interp_watch_stop(struct vm *vm, struct vmm_exit *ex)
{
    if (vm->watch_hit < 0)
        return false;
    *ex = (struct vmm_exit){VMMSTOP_DEBUG, vm->id,
                            {.reason = EXIT_WATCH, .addr = (uint32_t)vm->watch_hit,
                             .write = vm->watch_write}};
    vm->watch_hit = -1;
    return true;
}
