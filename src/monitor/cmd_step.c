/* cmd_step.c: stepping: step, next, finish, one instruction at a time,
 * each shown with what it changed.
 *
 * A step of the bare machine of section 2 is one instruction or one trap;
 * with a VM selected it is one step of the VM's virtual machine, the
 * control program (sections 4-6) running the others meanwhile.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"

/* ---- step ---- */

#define MAX_CAND 4

/* Words of E the instruction WORD may write, developed through X's R:
 * its A operand, STX's indexed target, and E[0] (a trap). */
static size_t write_candidates(const struct machine *x, uint64_t word, uint32_t *c)
{
    size_t n = 0;
    uint32_t ph;
    struct insn in = isa_decode(word);
    c[n++] = 0;
    if (!in.ok)
        return n;
    const uint8_t *k = isa_format_kinds[in.info->format];
    if (k[0] == OK_ADDR && machine_develop(x, in.a, &ph) == TRAP_NONE)
        c[n++] = ph;
    if (in.op == OP_STX) {
        uint64_t eb;
        if (machine_read_virt(x, in.b, &eb) == 0 &&
            machine_develop(x, (in.a + eb) & TGM_ADDR_MASK, &ph) == TRAP_NONE)
            c[n++] = ph;
    }
    return n;
}

/* Run the focused VM until its own step count moves (one guest step), the
 * other VMs meanwhile for as long as the schedule gives them (a slice may
 * hold far more steps than any fixed count), or until Ctrl-C. */
static enum exit_reason vm_step(struct mon *m, struct machine *view, struct machine_exit *ex)
{
    uint64_t s0 = machine_get_counters(view).steps;
    m->timer_seen = false;
    while (!mon_stop_requested()) {
        struct vmm_exit vx;
        enum vmm_stop st = mon_vrev_run(m, 1, &vx);
        struct vm_info vi;
        if (mon_focus_info(m, &vi) != 0)
            break;
        if (st == VMMSTOP_DEBUG) {
            *ex = vx.mx;
            return ex->reason;
        }
        if (vi.state == VM_HALTED) {
            ex->reason = EXIT_HALT;
            return EXIT_HALT;
        }
        /* at its limit ('vm limit' at or below its steps) it takes no step:
         * running the others on would only run them to their end */
        if (machine_get_counters(view).steps != s0 || st == VMMSTOP_DONE ||
            vi.state == VM_LIMIT)
            break;
    }
    ex->reason = EXIT_BUDGET;
    return EXIT_BUDGET;
}

/* One step of the focused machine X: the bare machine's, or the VM's
 * (vm_step). */
static void step_focus(struct mon *m, struct machine *x, struct machine_exit *ex)
{
    if (m->focus == MON_FOCUS_BARE) {
        machine_step(x, ex);
        m->bare_ran = true;
        m->bare_last = ex->reason;
    } else {
        vm_step(m, x, ex);
    }
}

/* Has the focused VM reached its step limit ('vm limit')?  A step that
 * brings it there ends the command: another would find nothing to step. */
static bool vm_at_limit(struct mon *m)
{
    struct vm_info vi;
    return m->focus != MON_FOCUS_BARE && vmm_vm_info(m->vmm, m->focus, &vi) == 0 &&
           vi.state == VM_LIMIT;
}

static int calls_ok(struct mon *m);
static uint64_t step_n(struct mon *m, uint64_t n, uint64_t prior, uint64_t cyc0);

/* The end of 'step' and 'next': the keys typed, the history and the
 * displays, as after 'go'. */
static int stepped(struct mon *m)
{
    mon_step_keys_end(m);
    mon_clear_interrupt();
    mon_rev_end(m);
    mon_run_typed_note(m); /* said at the stop, as 'go' says it */
    mon_display_show(m);
    return 0;
}

int mon_cmd_step(struct mon *m, int argc, char **argv)
{
    uint64_t n = 1;
    if (argc == 2 && mon_count(m, argv[1], &n) != 0)
        return -1;
    if (n == 0)
        return mon_zero_count(m, "a count of");
    if (calls_ok(m) != 0)
        return -1;
    m->typed = m->typed_dropped = 0; /* keys typed while it steps */
    mon_rev_begin(m);
    step_n(m, n, 0, mon_counted(m));
    return stepped(m);
}

/* Execute N instructions, showing each; returns how many ran before a
 * stop (HALT, a breakpoint or trap stop, a trap loop, the step limit,
 * Ctrl-C).  PRIOR steps of the command came before, from CYC0 cycles of
 * the counted machine: the limit, the trap-loop check and a stop's report
 * count them. */
static uint64_t step_n(struct mon *m, uint64_t n, uint64_t prior, uint64_t cyc0)
{
    struct machine *x = mon_target(m);
    const struct tgm_image *syms = mon_symbols(m);
    uint64_t i = 0;
    /* a huge N on a machine in a trap loop is stopped as 'go' is, and
     * Ctrl-C says so as it does for 'go' */
    for (; i < n; i++) {
        mon_step_keys(m); /* typed during the steps before: the guest's, as in a run */
        if (mon_step_guard(m, m->focus, prior + i))
            break;
        struct psw before = machine_psw(x);
        uint64_t word = 0, old[MAX_CAND];
        uint32_t cand[MAX_CAND] = {0};
        /* a pending timer with I = 1 traps before the instruction at P */
        bool timer_first = mon_timer_first(x);
        bool fetched = !timer_first && machine_read_virt(x, before.p, &word) == 0;
        /* which check the fetch fails, under the PSW it is made with: the
         * trap loads another */
        const char *fetch_why = fetched || timer_first ? NULL : mon_why_trap(x, before.p);
        size_t nc = fetched ? write_candidates(x, word, cand) : 1;
        for (size_t k = 0; k < nc; k++)
            machine_read_phys(x, cand[k], &old[k]);
        uint64_t traps0 = 0;
        size_t con0, others0[VMM_MAX_VMS] = {0};
        uint64_t steps0[VMM_MAX_VMS] = {0};
        machine_console_output(x, &con0);
        for (int id = m->focus == MON_FOCUS_BARE ? -1 : vmm_vm_next(m->vmm, -1); id >= 0;
             id = vmm_vm_next(m->vmm, id)) {
            machine_console_output(vmm_vm_view(m->vmm, id), &others0[id]);
            steps0[id] = machine_steps(vmm_vm_view(m->vmm, id));
        }
        struct machine_counters c0 = machine_get_counters(x);
        for (unsigned t = 0; t < TRAP_NCAUSES; t++)
            traps0 += c0.traps[t];
        struct machine_exit ex = {0};
        m->nev = m->ev_lost = 0;
        mon_watch_snapshot(m); /* a write's report shows the word before it */
        step_focus(m, x, &ex);
        if (m->focus != MON_FOCUS_BARE && ex.reason == EXIT_BUDGET &&
            machine_steps(x) == c0.steps) {
            /* interrupted before the guest's step, or at its limit from
             * the start: only the stop to say */
            if (vm_at_limit(m))
                mon_where(m, m->focus, vm_state_name(VM_LIMIT), 0);
            else
                mon_step_guard(m, m->focus, prior + i);
            break;
        }
        if (timer_first)
            mon_out(m, "  0x%05x: (not run: the pending timer trap comes first)\n", before.p);
        else if (fetched)
            mon_print_vinsn(m, x, &before, syms, before.p, word);
        else
            mon_out(m, "  0x%05x: (fetch: memory trap, %s)\n", before.p,
                    fetch_why ? fetch_why : "outside the machine");
        mon_rev_note(m);
        struct psw after = machine_psw(x);
        char b1[96], b2[96];
        mon_out(m, "    PSW %s -> %s\n", mon_fmt_psw(&before, b1, sizeof b1),
                mon_fmt_psw(&after, b2, sizeof b2));
        for (size_t k = 0; k < nc; k++) {
            uint64_t now = 0;
            machine_read_phys(x, cand[k], &now);
            if (now != old[k] && (k == 0 || cand[k] != cand[0]))
                mon_out(m, "    E[0x%x] := %#llx (was %#llx)\n", cand[k],
                        (unsigned long long)now, (unsigned long long)old[k]);
        }
        struct machine_counters c1 = machine_get_counters(x);
        uint64_t traps1 = 0;
        for (unsigned t = 0; t < TRAP_NCAUSES; t++)
            traps1 += c1.traps[t];
        if (traps1 != traps0)
            mon_out(m, "    trap: %s (old PSW in E[0], new PSW from E[1])\n",
                    trap_cause_name(machine_last_trap(x)));
        mon_step_console(m, x, con0, "");
        for (int id = m->focus == MON_FOCUS_BARE ? -1 : vmm_vm_next(m->vmm, -1); id >= 0;
             id = vmm_vm_next(m->vmm, id))
            if (id != m->focus)
                mon_step_other(m, id, others0[id], steps0[id]);
        for (size_t k = 0; k < m->nev; k++)
            mon_out(m, "    cp: %s\n", mon_event_text(&m->ev[k], b1, sizeof b1));
        m->timer_seen = false; /* shown just now */
        if (ex.reason == EXIT_HALT) {
            mon_out(m, "halted\n");
            break;
        }
        if (vm_at_limit(m)) {
            mon_where(m, m->focus, vm_state_name(VM_LIMIT), 0);
            break;
        }
        /* an ignored hit, a false condition or a 'continue' in the
         * commands is no stop: the steps go on, as a run does */
        if ((ex.reason == EXIT_BREAK || ex.reason == EXIT_WATCH || ex.reason == EXIT_TRAP) &&
            (!mon_debug_stop(m, m->focus, &ex, prior + i + 1, mon_counted(m) - cyc0) ||
             m->finished))
            break;
    }
    return i;
}

/* ---- next and finish: over and out of JAL calls ---- */

bool mon_step_guard(struct mon *m, int vm, uint64_t done)
{
    char msg[96];
    bool run = m->in_run; /* 'stack step' is none: no console to show */
    if ((done & 0xffff) == 0xffff) {
        if (run)
            mon_run_poll(m);
        if (mon_trap_storm(m, vm, done)) { /* as 'go' does: a disabled wait never returns */
            if (run)
                mon_run_end(m);
            return true;
        }
    }
    if (mon_stop_requested()) {
        mon_take_interrupt(m);
        snprintf(msg, sizeof msg, "interrupted after %llu step%s", (unsigned long long)done,
                 mon_plural(done));
    } else if (m->limit && done >= m->limit) {
        snprintf(msg, sizeof msg, "step limit (%llu) reached", (unsigned long long)m->limit);
    } else {
        return false;
    }
    if (run)
        mon_run_end(m);
    mon_where(m, vm, msg, 0);
    return true;
}

bool mon_timer_first(const struct machine *x)
{
    struct machine_timer t = machine_get_timer(x);
    return machine_ie(x) && (t.pending || (t.armed && t.remaining <= 0));
}

/* Would X's run stop before its next step (an execution or class
 * breakpoint at P)?  machine_run never stops at its first step, so a run
 * cut into chunks asks this at each cut itself, or a breakpoint reached
 * exactly there would be passed.  EX is the stop machine_run would give. */

bool mon_break_here(struct machine *x, struct machine_exit *ex)
{
    uint32_t phys;
    uint64_t word = 0;
    /* a timer trap due now comes first, as in the run loop: the step
     * would not run E[P], so a run cut here must not stop either */
    if (mon_timer_first(x))
        return false;
    if (machine_develop(x, machine_p(x), &phys) != TRAP_NONE ||
        machine_read_phys(x, phys, &word) != 0 || !machine_breaks_at(x, phys, word))
        return false;
    *ex = (struct machine_exit){.reason = EXIT_BREAK, .addr = phys};
    return true;
}

/* The opcode at P of the focused machine, or 0 if P does not fetch. */
static struct insn insn_at_p(struct machine *x)
{
    uint64_t w;
    if (machine_read_virt(x, machine_p(x), &w) != 0)
        return (struct insn){.ok = false};
    return isa_decode(w);
}

static unsigned op_at_p(struct machine *x)
{
    struct insn in = insn_at_p(x);
    return in.ok ? in.op : 0;
}

/* A breakpoint, watchpoint or trap stop EX met during the calls, STEPS
 * into the command that began CYC0 cycles ago: said as a run's stop (its
 * commands run); false when the command ends there. */
static bool stop_goes_on(struct mon *m, const struct machine_exit *ex, uint64_t steps,
                         uint64_t cyc0)
{
    mon_run_pause(m);
    if (!mon_debug_stop(m, m->focus, ex, steps, mon_counted(m) - cyc0)) {
        mon_run_end(m);
        return false;
    }
    mon_run_resume(m);
    return true;
}

/* Will X's next step run the JAL at P: no timer trap first, and its link
 * word develops (its target is developed by the next fetch)? */
static bool call_at_p(struct machine *x)
{
    if (mon_timer_first(x))
        return false;
    uint32_t ph;
    struct insn in = insn_at_p(x);
    return in.ok && in.op == OP_JAL && machine_develop(x, in.a, &ph) == TRAP_NONE;
}

/* A breakpoint at X's P, as a run would see it (a single step never
 * does; nor a run when a timer trap comes first): an execution breakpoint
 * or a class stop of the instruction there, as the machine that runs has
 * them set; true with BX its stop, as the CPU reports it. */
static bool break_at_p(struct mon *m, struct machine *x, struct machine_exit *bx)
{
    uint32_t ph;
    uint64_t word;
    if (mon_timer_first(x) || machine_develop(x, machine_p(x), &ph) != TRAP_NONE ||
        machine_read_phys(x, ph, &word) != 0)
        return false;
    bool vm = m->focus != MON_FOCUS_BARE;
    struct vm_info vi;
    uint32_t base = vm && vmm_vm_info(m->vmm, m->focus, &vi) == 0 ? vi.base : 0;
    if (!machine_breaks_at(vm ? vmm_machine(m->vmm) : x, base + ph, word))
        return false;
    *bx = (struct machine_exit){.reason = EXIT_BREAK, .addr = base + ph};
    return true;
}

/* Step quietly until a call returns (1), or stop early (0).  OUT: stop after the JMPI that leaves
 * the subroutine P is in (finish); else after the JAL at P and everything
 * it calls (next).  Calls are JAL, returns JMPI, as examples/calls.s uses
 * them; a breakpoint, watchpoint, trap stop, HALT, a trap loop, the step
 * limit or Ctrl-C stops it early.  *STEPS of the command came before, from
 * CYC0 cycles: a stop counts from the command's start, as 'go' does; the
 * call's steps are added to *STEPS. */
static int run_calls(struct mon *m, bool out, uint64_t *steps, uint64_t cyc0)
{
    struct machine *x = mon_target(m);
    long depth = 0;
    const uint64_t prior = *steps;
    uint64_t done = 0;
    char msg[96];
    mon_run_begin(m);
    for (bool first = true;; first = false) {
        *steps = prior + done;
        if (mon_step_guard(m, m->focus, *steps))
            return 0;
        struct machine_exit bx;
        if (!first && break_at_p(m, x, &bx) && !stop_goes_on(m, &bx, *steps, cyc0))
            return 0;
        unsigned op = op_at_p(x);
        uint64_t ran0 = machine_get_counters(x).instret;
        struct machine_exit ex = {0};
        mon_watch_snapshot(m); /* as 'step': a write's report shows the word before it */
        step_focus(m, x, &ex);
        *steps = prior + ++done;
        /* a step that took a trap (the timer's first, or the instruction's
         * own) ran no JAL or JMPI: no call made, none returned */
        if (machine_get_counters(x).instret == ran0)
            op = 0;
        mon_rev_note(m);
        if (ex.reason == EXIT_HALT) {
            mon_run_end(m);
            snprintf(msg, sizeof msg, "halted after %llu step%s", (unsigned long long)*steps,
                     mon_plural(*steps));
            mon_where(m, m->focus, msg, 1);
            if (out) /* gdb: "finish" not meaningful in the outermost frame */
                mon_out(m, "finish: HALT came before any return (JMPI): P was in no "
                        "subroutine, so it ran as 'go' would\n");
            return 0;
        }
        if (vm_at_limit(m)) { /* the call cannot return: stop, not spin */
            mon_run_end(m);
            snprintf(msg, sizeof msg, "%s after %llu step%s", vm_state_name(VM_LIMIT),
                     (unsigned long long)*steps, mon_plural(*steps));
            mon_where(m, m->focus, msg, 0);
            return 0;
        }
        if ((ex.reason == EXIT_BREAK || ex.reason == EXIT_WATCH || ex.reason == EXIT_TRAP) &&
            !stop_goes_on(m, &ex, *steps, cyc0))
            return 0;
        if (op == OP_JAL)
            depth++;
        else if (op == OP_JMPI)
            depth--;
        if ((out && depth < 0) || (!out && depth <= 0)) {
            mon_run_end(m);
            snprintf(msg, sizeof msg, "%s after %llu step%s", out ? "returned" : "call returned",
                     (unsigned long long)done, mon_plural(done));
            mon_where(m, m->focus, msg, 0);
            return 1;
        }
    }
}

static int calls_ok(struct mon *m)
{
    if (m->focus == MON_FOCUS_BARE)
        return 0;
    struct vm_info vi;
    if (vmm_vm_info(m->vmm, m->focus, &vi) != 0)
        return mon_err(m, "no VM is selected ('vm select NAME')");
    /* 'vm resume' refuses a VM at its limit: raising the limit runs it on */
    if (vi.state == VM_LIMIT)
        return mon_err(m, "%s has taken the %llu steps of its limit ('vm limit %s N' raises it)",
                       vi.name, (unsigned long long)vi.max_steps, vi.name);
    if (vi.state != VM_RUNNABLE)
        return mon_err(m, "%s is %s ('vm resume' to run it)", vi.name, vm_state_name(vi.state));
    return 0;
}

int mon_cmd_next(struct mon *m, int argc, char **argv)
{
    uint64_t n = 1;
    if ((argc == 2 && mon_count(m, argv[1], &n) != 0) || calls_ok(m) != 0)
        return -1;
    if (n == 0)
        return mon_zero_count(m, "a count of");
    uint64_t cyc0 = mon_counted(m), steps = 0;
    m->typed = m->typed_dropped = 0; /* keys typed while its calls run */
    mon_rev_begin(m);
    /* STEPS (a call's all of them) came before: the guard and a stop count
     * them */
    /* a Ctrl-C is seen, and said, by the next step's guard */
    for (uint64_t i = 0; i < n && !m->finished; i++) {
        /* a breakpoint stops it before any instruction but its first, as
         * it stops 'go' (docs/monitor.md), inside a call or not */
        struct machine_exit bx;
        if (i > 0 && break_at_p(m, mon_target(m), &bx)) {
            mon_run_begin(m); /* as a run's stop is said */
            if (!stop_goes_on(m, &bx, steps, cyc0))
                break;
            mon_run_end(m);
        }
        if (!call_at_p(mon_target(m))) {
            if (step_n(m, 1, steps, cyc0) != 1)
                break;
            steps++;
        } else if (run_calls(m, false, &steps, cyc0) != 1) {
            break;
        }
    }
    return stepped(m);
}

int mon_cmd_finish(struct mon *m, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (calls_ok(m) != 0)
        return -1;
    uint64_t steps = 0;
    m->typed = m->typed_dropped = 0;
    mon_rev_begin(m);
    run_calls(m, true, &steps, mon_counted(m));
    mon_rev_end(m);
    mon_run_typed_note(m);
    mon_display_show(m);
    return 0;
}
