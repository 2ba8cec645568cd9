/* interp.c: the interpreters {v_i} of section 4, one per privileged
 * instruction, and the reflection of a trap into a VM.
 *
 * Each v_i simulates its instruction against the VM's virtual state (the
 * view: virtual M, P, R, timer and console), develops its operand through the
 * virtual R exactly as the hardware would, then advances P and charges the
 * instruction's bare cost to virtual time (the CP's own time is not charged).
 * Changes of R go through the allocator.
 */
#include "vmm_impl.h"

/* Develop operand address A through the virtual R; false if it traps. */
static bool operand(struct vm *vm, uint32_t a, uint32_t *phys)
{
    return machine_develop(vm->view, a, phys) == TRAP_NONE;
}

/* A simulated access is still an access: report it to the real machine's
 * watchpoints, as the CPU would have had the instruction run directly. */
static void watch(struct vm *vm, uint32_t phys, bool write)
{
    if (!machine_debugging(vm->host))
        return;
    int rw = machine_watch_test(vm->host, vm->base + phys);
    if (rw & (write ? WATCH_WRITE : WATCH_READ)) {
        vm->watch_hit = vm->base + phys;
        vm->watch_write = write;
    }
}

static uint64_t rd(struct vm *vm, uint32_t phys)
{
    uint64_t v = 0;
    machine_read_phys(vm->view, phys, &v);
    watch(vm, phys, false);
    return v;
}

static void wr(struct vm *vm, uint32_t phys, uint64_t v)
{
    machine_write_phys(vm->view, phys, v);
    watch(vm, phys, true);
}

void interp_reflect(struct vm *vm, unsigned cause)
{
    /* guest E[0] := virtual PSW with cause; virtual PSW := guest E[1] */
    machine_trap(vm->view, cause);
    watch(vm, 0, true);
}

/* Complete an instruction: P := P + 1 unless it set P itself, and charge
 * its cycles, one instruction and one step to the VM's virtual time. */
static void retire(struct vm *vm, unsigned op, bool advance)
{
    if (advance)
        machine_set_p(vm->view, machine_p(vm->view) + 1);
    machine_charge(vm->view, isa_table[op].cycles, 1, 1);
    vm->stats.interpreted++;
}

static enum vmm_disposition v_lpsw(struct vm *vm, uint32_t a)
{
    struct psw old = machine_psw(vm->view);
    uint64_t w = rd(vm, a);
    struct psw nw = psw_unpack(w);
    alloc_set_psw(vm, w);
    retire(vm, OP_LPSW, false);
    return (nw.l != old.l || nw.b != old.b) ? DISP_ALLOCATOR : DISP_INTERPRETED;
}

static enum vmm_disposition v_spsw(struct vm *vm, uint32_t a)
{
    struct psw p = machine_psw(vm->view);
    p.p = (p.p + 1) & TGM_ADDR_MASK;
    wr(vm, a, psw_pack(&p));
    retire(vm, OP_SPSW, true);
    return DISP_INTERPRETED;
}

static enum vmm_disposition v_lr(struct vm *vm, uint32_t a)
{
    struct psw r = psw_unpack(rd(vm, a));
    alloc_set_r(vm, r.l, r.b);
    retire(vm, OP_LR, true);
    return DISP_ALLOCATOR;
}

static enum vmm_disposition v_sr(struct vm *vm, uint32_t a)
{
    struct psw p = machine_psw(vm->view);
    wr(vm, a, r_pack(p.l, p.b));
    retire(vm, OP_SR, true);
    return DISP_INTERPRETED;
}

/* LRA where a profile makes it privileged (the real 360/67's): the real
 * address of n is n + l with the virtual l, not the real l' the CPU has. */
static enum vmm_disposition v_lra(struct vm *vm, uint32_t a, uint32_t n)
{
    wr(vm, a, (uint64_t)n + machine_psw(vm->view).l);
    retire(vm, OP_LRA, true);
    return DISP_INTERPRETED;
}

/* The virtual timer counts TSET's own cycles, as the real one does. */
static enum vmm_disposition v_tset(struct vm *vm, uint32_t a)
{
    int64_t n = (int64_t)rd(vm, a);
    struct machine_timer t = {.armed = n > 0, .pending = false, .remaining = n > 0 ? n : 0};
    machine_set_timer(vm->view, &t);
    retire(vm, OP_TSET, true);
    return DISP_INTERPRETED;
}

/* Reads the cycles left at the start of the TGET, as the real one does. */
static enum vmm_disposition v_tget(struct vm *vm, uint32_t a)
{
    struct machine_timer t = machine_get_timer(vm->view);
    wr(vm, a, t.armed ? (uint64_t)t.remaining : 0);
    retire(vm, OP_TGET, true);
    return DISP_INTERPRETED;
}

static enum vmm_disposition v_cout(struct vm *vm, uint32_t a)
{
    machine_console_put(vm->view, (uint8_t)rd(vm, a));
    retire(vm, OP_COUT, true);
    return DISP_INTERPRETED;
}

static enum vmm_disposition v_cin(struct vm *vm, uint32_t a)
{
    wr(vm, a, (uint64_t)(int64_t)machine_console_get(vm->view));
    retire(vm, OP_CIN, true);
    return DISP_INTERPRETED;
}

/* HALT ends the VM; the processor is a resource the CP takes back. */
static enum vmm_disposition v_halt(struct vm *vm)
{
    retire(vm, OP_HALT, true);
    vm->state = VM_HALTED;
    return DISP_INTERPRETED;
}

/* The word was fetched and checked by the CPU before it trapped, so it is a
 * valid privileged instruction and its A field is its only address (LRA's
 * B field is a number). */
enum vmm_disposition interp_privileged(struct vm *vm, uint64_t word,
                                       uint8_t *reflected)
{
    unsigned op = GET_OP(word);
    *reflected = TRAP_NONE;
    if (op == OP_HALT)
        return v_halt(vm);
    uint32_t a;
    if (!operand(vm, GET_A(word), &a)) { /* the bare machine would memory trap */
        *reflected = TRAP_MEM;
        interp_reflect(vm, TRAP_MEM);
        return DISP_REFLECTED;
    }
    switch (op) {
    case OP_LPSW: return v_lpsw(vm, a);
    case OP_SPSW: return v_spsw(vm, a);
    case OP_LR: return v_lr(vm, a);
    case OP_SR: return v_sr(vm, a);
    case OP_TSET: return v_tset(vm, a);
    case OP_TGET: return v_tget(vm, a);
    case OP_COUT: return v_cout(vm, a);
    case OP_CIN: return v_cin(vm, a);
    case OP_LRA: return v_lra(vm, a, GET_B(word));
    default:
        /* a privileged opcode with no interpreter cannot exist: the table
         * and this switch are checked against each other by the tests */
        *reflected = TRAP_ILL;
        interp_reflect(vm, TRAP_ILL);
        return DISP_REFLECTED;
    }
}
