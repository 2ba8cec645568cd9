/* vmm_impl.h: the control program's private state (sections 4 and 6).
 *
 * One struct vmm per real machine; one struct vm per virtual machine, whose
 * virtual state <E|region, M, P, R>, timer, console and bare-equivalent
 * counters are kept in a view machine over its region.
 */
#ifndef TGM_VMM_IMPL_H
#define TGM_VMM_IMPL_H

#include "tgm/vmm.h"

/* The trap round trip's steps, inlined into D entered in place (its hot
 * path) rather than called. */
#if defined(__GNUC__)
#define HOT_INLINE inline __attribute__((always_inline))
/* what the compiler may take for granted (nothing is checked) */
#define ASSUME(c) ((c) ? (void)0 : __builtin_unreachable())
#else
#define HOT_INLINE inline
#define ASSUME(c) ((void)0)
#endif

struct vm {
    bool live;
    int id;
    char name[VMM_NAME_MAX + 1];
    uint32_t base, w;
    enum vm_state state;
    struct machine *view;    /* the VM's virtual machine */
    struct machine *host;    /* the real machine, for its watchpoints */
    int64_t watch_hit;       /* real address a simulated access hit, or -1 */
    bool watch_write;
    /* the real PSW without P last composed, and the key of the virtual R
     * it was composed from (RPSW_KEY); 0 until the first.  Every direct
     * run starts from a PSW composed for the view's R (resume, D in place,
     * next_in_place), so at a trap rkey is the key of the R the trapping
     * instruction ran under (interp_step), and after an interpreted one,
     * which leaves R alone, rpsw still holds (D in place) */
    uint64_t rpsw, rkey;
    uint64_t max_steps;      /* limit on the view's steps; 0: none */
    struct vm_stats stats;
};

struct vmm {
    struct machine *m; /* the real machine */
    uint32_t q;
    const struct isa_profile *profile;
    uint64_t slice;
    bool hybrid;
    struct vm vms[VMM_MAX_VMS];
    int cur;            /* VM holding the processor, or -1 */
    bool slicing;       /* more than one VM was runnable when the slice began */
    int64_t slice_left; /* virtual cycles left in cur's slice */
    bool real_timer;    /* resume() armed the real timer */
    bool restored;      /* vmm_state_load ran, and no run or vmm_transient_set since */
    int64_t skip_break; /* real address of the breakpoint last reported, or -1 */
    /* the VM it was reported in and that VM's steps then, or skip_vm -1 when
     * not known (a restored session): a VM that has stepped since is not
     * continuing from it, and must stop there again */
    int skip_vm;
    uint64_t skip_steps;
    /* each VM's first guest step of a vmm_run call: VM i at its step
     * first_steps[i] passes any breakpoint, as machine_run's first step
     * does, whichever VM steps first (none after vmm_run_continue) */
    bool first_on;
    uint64_t first_steps[VMM_MAX_VMS];
    bool run_on; /* vmm_run_continue: the next call has no first step */
    uint64_t rc_cycles, rc_steps; /* real counters charged so far */
    /* the direct run in progress (run_direct), for D entered in place */
    struct vm *run_vm;          /* the VM run_direct is running, or NULL */
    bool entered;               /* D ran in place, and the run stopped */
    /* run_vm in a run with no slicing, hybrid interpretation, debugging,
     * hook or step limit (none of which changes during it), else NULL: one
     * test in D */
    struct vm *plain_vm;
    bool run_quiet;             /* in the run: no slicing, no real timer until arm sets one */
    /* a plain run's entries of D in place, and the real counters at its
     * start: its statistics come at its end (plain_stats) */
    uint64_t run_entries, run_c0, run_s0;
    uint64_t run_send;          /* the VM's steps at its budget's end, mod 2^64 */
    uint64_t run_cend;          /* its cycles at its slice's end */
    uint64_t run_budget;        /* the steps it may take */
    /* the stretch of the VM holding the processor (vmm_run): the VM, the
     * call's budget left when it began, and the VM's steps and cycles then */
    const struct vm *st_vm;
    uint64_t st_left, st_steps, st_cycles;
    vmm_event_fn hook;
    int hook_vm1; /* 1 + the VM the hook is being told of, or 0: not destroyed under it */
    void *hook_ctx;
};

/* check.c: after a verdict DIFF that a bare machine did not halt, say so
 * if it spins in a trap loop (no trap handler, say), which no step limit
 * would have ended (tgm check, alone, together and nested). */
void vmm_trap_loop_note(const struct machine *bare, char *diff, size_t len);

/* vmmap.c */
struct psw vmmap_real_psw(const struct vm_map *map, const struct psw *vp);
void vmm_cp_install(struct machine *real);
/* Word I (1 <= I < VMM_K) of the CP in a real machine of Q words. */
uint64_t vmm_cp_word(uint32_t q, uint32_t i);

/* interp.c: {v_i}.  The view's one step with the real machine's
 * watchpoints mirrored onto it, and a trap reflected into a VM. */
void interp_step_watched(struct vm *vm, uint64_t word, struct machine_exit *mx);
void interp_reflect(struct vm *vm, unsigned cause);
/* Hybrid interpretation may touch any word of the region: ON gives the view
 * the real watchpoints on all of it, off takes them away again. */
void interp_watch_region(struct vm *vm, bool on);
/* Record the watch hit the view's step MX reported, if any. */
void interp_watch_report(struct vm *vm, const struct machine_exit *mx);
/* A watched word that an interpreter, a reflected trap or a hybrid step
 * touched stops the run after the instruction, as the CPU's watchpoints
 * do: fills EX and clears the hit. */
bool interp_watch_stop(struct vm *vm, struct vmm_exit *ex);

/* The key of the view's R in its packed PSW VW (real_psw's cache): a bit
 * set that no R has, so a zeroed record never matches. */
#define RPSW_KEY(vw) (((vw) & r_pack(TGM_ADDR_MASK, PSW_B_MASK)) | UINT64_C(1) << PSW_S_BIT)

/* {v_i}: charges the view CH (the guest's direct execution), has it
 * execute the instruction at its P that trapped on the real machine (WORD,
 * read by D unless PLAIN: a watched step needs it, the inlined one reports
 * its opcode itself), and classifies the step; *reflected is the trap the
 * view took (the guest's own), or TRAP_NONE.  A trap the view took is the
 * guest's own (reflected); otherwise the instruction was simulated, and one
 * that changed R went to the allocator; *halted is set if it was HALT
 * (the VM's state is then VM_HALTED).  PLAIN: the real machine is not
 * being debugged (a run's plain_vm).  Here rather than in interp.c so
 * that D's hot path inlines it. */
static HOT_INLINE enum vmm_disposition interp_step(struct vm *vm, uint64_t word,
                                                   struct machine_charge ch,
                                                   uint8_t *reflected, bool *halted,
                                                   const bool plain)
{
    struct machine *view = vm->view;
    /* LR and LPSW in one test: their codes differ in one bit */
    _Static_assert((OP_LPSW | 2) == OP_LR, "LR is LPSW's code with bit 1 set");
    unsigned op; /* the opcode completed, or 0 (machine_step_op) */
    bool watched = !plain && machine_debugging(vm->host);
    if (watched) {
        struct machine_exit wx;
        machine_charge(view, ch.cycles, ch.instret, ch.steps);
        uint64_t instret = machine_instret(view);
        interp_step_watched(vm, word, &wx);
        op = machine_instret(view) != instret ? GET_OP(word) : 0;
    } else {
        struct machine_exit mx; /* its address stays here, in registers */
        machine_charge_step_inline(view, ch, &mx);
        op = machine_step_op(view);
    }
    *reflected = TRAP_NONE;
    if (op == 0) { /* the view trapped: the guest's own trap */
        *reflected = machine_last_trap(view);
        return DISP_REFLECTED;
    }
    vm->stats.interpreted++;
    if (op == OP_HALT) { /* the processor is a resource the CP takes back */
        vm->state = VM_HALTED;
        *halted = true;
    }
    bool lr = op == OP_LR;
    if ((op | 2) != OP_LR)
        return DISP_INTERPRETED;
    /* an LPSW that changed R: rkey is the R it ran under (struct vm) */
    if (lr || RPSW_KEY(machine_get_psw(view)) != vm->rkey)
        return DISP_ALLOCATOR;
    return DISP_INTERPRETED;
}

/* dispatch.c: does a breakpoint stop VM before its next instruction?  Fills
 * EX and returns true if so (the CP simulates some instructions outside the
 * real run loop, so it must look for itself). */
bool vmm_break_before(struct vmm *v, struct vm *vm, struct vmm_exit *ex);

/* timeline.c: X as printf's "%.2f" writes it, somewhere in BUF, for X
 * below 1e28 (whose digits fit): the SVG's coordinates, which are below its
 * width (here for its test against printf). */
const char *tl_fix2(char buf[32], double x);

/* dispatch.c: D entered in place by the real machine's HCALL (KVM-style);
 * vmm_create installs it. */
struct hostcall_result vmm_hostcall(void *ctx, struct machine *m, uint64_t code,
                                    uint64_t *left);

/* hybrid.c: section 8.  Interprets the VM while it is in virtual supervisor
 * mode, for at most BUDGET steps and about CYCLES virtual cycles. */
bool hybrid_interpret(struct vmm *v, struct vm *vm, uint64_t budget, uint64_t cycles,
                      struct vmm_exit *ex);

#endif
