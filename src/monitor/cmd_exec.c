/* cmd_exec.c: loading and running: load, reset, go, continue, until, stop
 * (stepping is cmd_step.c's).
 *
 * The bare machine of section 2 runs in chunks of MON_CHUNK steps so that
 * Ctrl-C stops it between chunks, never inside the CPU; with a VM selected
 * the control program of sections 4-6 runs instead (vmm_run).
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/asm.h"

/* The most cycles one step can cost: the dearest instruction or a trap. */
static unsigned max_step_cycles(void)
{
    unsigned c = TGM_TRAP_CYCLES;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (isa_table[op].name && isa_table[op].cycles > c)
            c = isa_table[op].cycles;
    return c;
}

int mon_cmd_load(struct mon *m, int argc, char **argv)
{
    (void)argc;
    struct tgm_image img = {0};
    char err[512], **files;
    if (mon_read_program_files(m, argv[1], &img, &files) != 0)
        return -1;
    int rc;
    if (m->focus == MON_FOCUS_BARE) {
        rc = image_load(m->bare, &img, err, sizeof err);
        m->bare_ran = false;
    } else {
        rc = vmm_vm_load(m->vmm, m->focus, &img, err, sizeof err);
    }
    if (rc != 0) { /* the file named, as the CLI's run names it */
        image_free(&img);
        asm_sources_free(files);
        return mon_err(m, "%s: %s", argv[1], err);
    }
    mon_set_program_files(m, m->focus, files);
    if (m->focus == MON_FOCUS_BARE) /* over a stack, however small: it is gone */
        m->nested = false;
    struct tgm_image *slot = m->focus == MON_FOCUS_BARE ? &m->bare_img : &m->vm_img[m->focus];
    image_free(slot);
    *slot = img;
    mon_symix_forget(m);
    struct psw e = psw_unpack(img.entry_psw);
    char name[64];
    mon_out_line(m, "%s: loaded %s: %u word%s at %#x, %u symbol%s; entry P=%#x M=%c",
                 mon_target_name(m, name, sizeof name), argv[1], img.nwords,
                 img.nwords == 1 ? "" : "s", img.load, img.nsyms, img.nsyms == 1 ? "" : "s", e.p,
                 e.sup ? 's' : 'u');
    return 0;
}

int mon_cmd_reset(struct mon *m, int argc, char **argv)
{
    if (argc == 2 && mon_keyword(argv[1], "all") != 0)
        return mon_usage(m, argc, argv);
    if (argc == 2 && mon_not_mid_run(m) != 0) /* the control program runs */
        return -1;
    if (argc == 2 && m->vmm) {
        for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
            mon_vm_forget(m, id);
        vmm_destroy(m->vmm);
        m->vmm = NULL;
        m->focus = MON_FOCUS_BARE;
        if (m->timeline) /* its events go with the control program's clock */
            timeline_rewind(m->timeline, NULL);
    }
    machine_reset(m->bare);
    m->bare_ran = false;
    m->ring_head = m->ring_count = 0; /* the history was of the machine just reset */
    m->ring_lost = false;
    mon_debug_apply(m);
    mon_out(m, "bare machine reset: q=%u, profile %s%s\n", machine_q(m->bare),
            machine_profile(m->bare)->name, argc == 2 ? "; control program removed" : "");
    return 0;
}

/* Print one line saying where the focused machine (or VM VM) stands, and
 * the instruction at P - BACK (1 after HALT: the HALT itself). */
void mon_where(struct mon *m, int vm, const char *what, uint32_t back)
{
    struct machine *x = vm == MON_FOCUS_BARE ? m->bare : vmm_vm_view(m->vmm, vm);
    const struct tgm_image *syms = vm == MON_FOCUS_BARE ? &m->bare_img : &m->vm_img[vm];
    struct psw p = machine_psw(x);
    char buf[96];
    uint64_t w;
    if (vm != MON_FOCUS_BARE) {
        struct vm_info vi; /* a run's VM: no command removed it */
        mon_out(m, "%s: ", vmm_vm_info(m->vmm, vm, &vi) == 0 ? vi.name : "(gone)");
    }
    mon_out(m, "%s: %s\n", what, mon_fmt_psw(&p, buf, sizeof buf));
    uint32_t a = (p.p - back) & TGM_ADDR_MASK;
    if (machine_read_virt(x, a, &w) == 0)
        mon_print_vinsn(m, x, &p, syms, a, w);
    else
        mon_out(m, "  0x%05x: (P would take a memory trap: %s)\n", a, mon_why_trap(x, a));
}

/* One chunk of the bare machine or the control program; returns the exit
 * record as a machine exit plus which VM it concerns. */
static void run_chunk(struct mon *m, uint64_t budget, struct machine_exit *ex, int *vm,
                      bool *done)
{
    *done = false;
    *vm = MON_FOCUS_BARE;
    if (m->focus == MON_FOCUS_BARE) {
        machine_run(m->bare, budget, ex);
        m->bare_ran = true;
        m->bare_last = ex->reason;
        return;
    }
    /* steps are the guests', as the budget is: 'go for N' runs N guest
     * instructions however many real steps the control program takes */
    struct vmm_exit vx;
    uint64_t s0 = mon_guest_steps(m->vmm);
    m->timer_seen = false; /* a stop names this chunk's timer trap only */
    enum vmm_stop st = mon_vrev_run(m, budget, &vx);
    *ex = vx.mx;
    ex->steps = mon_guest_steps(m->vmm) - s0;
    *vm = vx.vm;
    if (st == VMMSTOP_DONE)
        *done = true;
    else if (st == VMMSTOP_BUDGET)
        ex->reason = EXIT_BUDGET;
}

/* A stop in mid-run: with VMs, where each VM that ran is (FIRST for the
 * first, with the counts, REST for the others), not the selected one if it
 * did not run.  A VM that halted (or met its limit) during the run says
 * so, with its HALT: "stopped" would read as 'vm stop', and the counts
 * belong to the VMs still running, so they go on the first of those. */
static void stop_line(struct mon *m, int id, const char *what)
{
    struct vm_info vi;
    bool vm = id != MON_FOCUS_BARE && vmm_vm_info(m->vmm, id, &vi) == 0;
    if (vm && (!what || vi.state != VM_RUNNABLE))
        mon_where(m, id, vm_state_name(vi.state), vi.state == VM_HALTED);
    else
        mon_where(m, id, what ? what : "stopped", 0);
}

static bool ran_runnable(struct mon *m, int id)
{
    struct vm_info vi;
    return mon_vm_ran(m, id) && vmm_vm_info(m->vmm, id, &vi) == 0 && vi.state == VM_RUNNABLE;
}

/* A breakpoint, watchpoint or trap stop names the VM it hit (VM); the
 * others that halted or met their limit during the run say so too.
 * MON_FOCUS_NONE: a stop that hit no VM, a trap loop's. */
#define MON_FOCUS_NONE (-2)
static void ended_meanwhile(struct mon *m, int vm)
{
    for (int id = vm == MON_FOCUS_BARE ? -1 : vmm_vm_next(m->vmm, -1); id >= 0;
         id = vmm_vm_next(m->vmm, id))
        if (id != vm && mon_vm_ran(m, id) && !ran_runnable(m, id))
            stop_line(m, id, NULL);
}

/* FIRST and REST NULL: each VM's own state. */
static void stopped_where(struct mon *m, const char *first, const char *rest)
{
    if (m->focus == MON_FOCUS_BARE) {
        stop_line(m, MON_FOCUS_BARE, first);
        return;
    }
    int lead = -1;
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0 && lead < 0; id = vmm_vm_next(m->vmm, id))
        if (ran_runnable(m, id))
            lead = id;
    int shown = lead >= 0;
    if (shown)
        stop_line(m, lead, first);
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
        if (id != lead && mon_vm_ran(m, id)) {
            if (shown++ || !first)
                stop_line(m, id, rest);
            else /* none ran on: the counts still go first */
                mon_where(m, id, first, 0);
        }
    if (!shown && first)
        mon_where(m, m->focus, first, 0);
    else if (!shown)
        stop_line(m, m->focus, NULL);
}

static void interrupted(struct mon *m, uint64_t done)
{
    char msg[96];
    snprintf(msg, sizeof msg, "interrupted after %llu step%s", (unsigned long long)done,
             mon_plural(done));
    stopped_where(m, msg, "interrupted");
}

/* The trap loop's line for machine ID (MON_FOCUS_BARE or a VM), whose
 * steps take CAUSE: ITS is "its " for a VM's own E[1]. */
static void storm_line(struct mon *m, int id, uint64_t done, unsigned cause, const char *its)
{
    char msg[200];
    snprintf(msg, sizeof msg,
             "trap loop after %llu step%s (a disabled wait): each step takes %s %s trap "
             "and %sE[1] loads the same PSW",
             (unsigned long long)done, done == 1 ? "" : "s", trap_cause_article(cause),
             trap_cause_name(cause), its);
    mon_where(m, id, msg, 0);
}

/* At a chunk boundary: is the bare machine (VM not MON_FOCUS_BARE: every
 * runnable VM) in a trap loop?  Then the run would spin forever: say so
 * and stop. */
bool mon_trap_storm(struct mon *m, int vm, uint64_t done)
{
    static const char hint[] = "  (load a program, or give E[1] a trap handler)\n";
    unsigned cause = 0;
    if (vm == MON_FOCUS_BARE) {
        if (!machine_trap_loop(m->bare, &cause))
            return false;
        storm_line(m, MON_FOCUS_BARE, done, cause, "");
        mon_out(m, "%s", hint);
        return true;
    }
    int n = 0;
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id)) {
        struct vm_info vi;
        if (vmm_vm_info(m->vmm, id, &vi) == 0 && vi.state == VM_RUNNABLE) {
            if (!machine_trap_loop(vmm_vm_view(m->vmm, id), &cause))
                return false;
            n++;
        }
    }
    if (!n)
        return false;
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id)) {
        struct vm_info vi;
        if (vmm_vm_info(m->vmm, id, &vi) != 0 || vi.state != VM_RUNNABLE)
            continue;
        machine_trap_loop(vmm_vm_view(m->vmm, id), &cause);
        storm_line(m, id, done, cause, "its ");
    }
    /* a VM's E[1] is its own trap PSW: the bare machine's hint holds */
    mon_out(m, "%s", hint);
    return true;
}

/* A run stopped by a breakpoint, watchpoint, trap stop or 'until': where,
 * after how many steps and cycles, as a stop by 'for N' says. */
void mon_stop_line(struct mon *m, int vm, uint64_t steps, uint64_t cycles)
{
    struct machine *x = vm == MON_FOCUS_BARE ? m->bare : vmm_vm_view(m->vmm, vm);
    struct psw ps = machine_psw(x);
    uint32_t p = ps.p;
    /* P's label is the word at P + l's, as the instruction line's below */
    const char *lab = mon_psw_label(m, vm, &ps, 0);
    char msg[160];
    snprintf(msg, sizeof msg, "stopped at %#x%s%s after %llu step%s, %llu cycle%s", p,
             lab ? " " : "", lab ? lab : "", (unsigned long long)steps, mon_plural(steps),
             (unsigned long long)cycles, mon_plural(cycles));
    mon_where(m, vm, msg, 0);
}

/* The cycles a run counts: the bare machine's, or under VMs the guests'
 * virtual time, all VMs together, as their steps are counted (the real
 * machine's are no measure: a hybrid VM's interpreted code spends none). */
uint64_t mon_counted(struct mon *m)
{
    return m->focus == MON_FOCUS_BARE ? machine_cycles(m->bare) : mon_guest_cycles(m->vmm);
}

static int run_loop(struct mon *m, enum mon_run_mode mode, uint64_t n)
{
    /* cycles are counted from CYC0, modulo 2^64: a counter near 2^64 (a
     * restored one) plus N would wrap, and the run would stop at once */
    uint64_t done = 0, cyc0 = mon_counted(m);
    unsigned maxc = max_step_cycles();
    char msg[96];
    bool cut = false; /* the last chunk ended at its budget */
    for (bool first = true;; first = false) {
        uint64_t chunk = MON_CHUNK;
        if (!first)
            mon_run_poll(m);
        if (!first && mon_stop_requested()) { /* checked between chunks only */
            mon_take_interrupt(m);
            interrupted(m, done);
            return 0;
        }
        uint64_t ran = mon_counted(m) - cyc0;
        if ((mode == RUN_STEPS && done >= n) || (mode == RUN_CYCLES && ran >= n)) {
            snprintf(msg, sizeof msg, "stopped after %llu step%s, %llu cycle%s",
                     (unsigned long long)done, mon_plural(done), (unsigned long long)ran,
                     mon_plural(ran));
            stopped_where(m, msg, "stopped");
            return 0;
        }
        if (m->limit && done >= m->limit) {
            snprintf(msg, sizeof msg, "step limit (%llu) reached", (unsigned long long)m->limit);
            stopped_where(m, msg, "stopped");
            return 0;
        }
        if (!first && mon_trap_storm(m, m->focus, done)) {
            /* every loop is told; a VM that halted (or met its limit)
             * during the run must not end unsaid either */
            if (m->focus != MON_FOCUS_BARE)
                ended_meanwhile(m, MON_FOCUS_NONE);
            return 0;
        }
        if (mode == RUN_STEPS && n - done < chunk)
            chunk = n - done;
        if (mode == RUN_CYCLES && (n - ran) / maxc < chunk)
            chunk = (n - ran) / maxc ? (n - ran) / maxc : 1;
        if (m->limit && m->limit - done < chunk)
            chunk = m->limit - done;
        uint64_t every = mon_rev_interval(m); /* checkpoints fall between chunks */
        if (every && every < chunk)
            chunk = every;
        struct machine_exit ex;
        int vm = MON_FOCUS_BARE;
        bool all_done = false;
        if (cut && m->focus == MON_FOCUS_BARE && mon_break_here(m->bare, &ex)) {
            m->bare_last = EXIT_BREAK; /* one run, though in chunks */
        } else {
            if (cut && m->focus != MON_FOCUS_BARE)
                vmm_run_continue(m->vmm); /* the same for the VMs */
            run_chunk(m, chunk, &ex, &vm, &all_done);
        }
        cut = ex.reason == EXIT_BUDGET;
        done += ex.steps;
        if (all_done || ex.reason != EXIT_BUDGET)
            mon_console_live(m);
        if (all_done) {
            mon_run_end(m);
            mon_out(m, "no VM is runnable after %llu step%s\n", (unsigned long long)done,
                    mon_plural(done));
            if (m->focus != MON_FOCUS_BARE)
                stopped_where(m, NULL, NULL);
            return 0;
        }
        mon_rev_note(m);
        switch (ex.reason) {
        case EXIT_BUDGET:
            continue;
        case EXIT_HALT:
            mon_run_end(m);
            snprintf(msg, sizeof msg, "halted after %llu step%s", (unsigned long long)done,
                     mon_plural(done));
            mon_where(m, vm, msg, 1);
            return 0;
        case EXIT_HOST:
            mon_run_end(m);
            snprintf(msg, sizeof msg, "host call %u", ex.code);
            mon_where(m, vm, msg, 0);
            return 0;
        case EXIT_TRAP:
        case EXIT_BREAK:
        case EXIT_WATCH: {
            mon_run_pause(m);
            if (mon_debug_stop(m, vm, &ex, done, mon_counted(m) - cyc0) &&
                !m->finished) {
                mon_watch_snapshot(m);
                mon_run_resume(m);
                /* the run goes on after a trap or watched step that did not
                 * stop it: a breakpoint at the new P is reached, not passed */
                cut = ex.reason != EXIT_BREAK;
                continue;
            }
            if (!m->finished)
                ended_meanwhile(m, vm);
            mon_run_end(m);
            return 0;
        }
        }
    }
}

/* With nothing armed but the history ring, run the fast loop and fill the
 * ring afterwards by replay (mon_rev_ring_fill, mon_vrev_ring_fill): the
 * checked loop's hook on every step costs some 7 times the run.  With VMs
 * the replay is debugged and this run not, so the control program exits
 * at its HCALL there and enters D in place here: both take one course. */
static void ring_fast_begin(struct mon *m)
{
    bool bare = m->focus == MON_FOCUS_BARE;
    struct machine *x = bare ? m->bare : vmm_machine(m->vmm);
    if (!m->ring_size || !mon_rev_interval(m))
        return;
    m->ring_fast = true;
    mon_trace_apply(m);
    if (machine_debugging(x)) { /* a breakpoint or trace: checked anyway */
        m->ring_fast = false;
        mon_trace_apply(m);
        return;
    }
    m->ring_fast_from = bare ? machine_get_counters(x).steps : 0;
    for (int id = bare ? -1 : vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
        m->ring_fast_from += machine_get_counters(vmm_vm_view(m->vmm, id)).steps;
}

/* After the run's history is recorded: the VMs' fill replays it. */
static void ring_fast_end(struct mon *m)
{
    if (!m->ring_fast)
        return;
    if (m->focus == MON_FOCUS_BARE)
        mon_rev_ring_fill(m);
    else
        mon_vrev_ring_fill(m);
    m->ring_fast = false;
    mon_trace_apply(m);
}

int mon_run(struct mon *m, enum mon_run_mode mode, uint64_t n)
{
    mon_watch_snapshot(m);
    m->typed = m->typed_dropped = 0;
    mon_rev_begin(m);
    ring_fast_begin(m);
    mon_run_begin(m); /* keys go to the guest from here on: before the note */
    if (m->interactive && mode == RUN_FREE) {
        mon_out(m, "running (Ctrl-C stops)\n");
        fflush(m->out);
    }
    int rc = run_loop(m, mode, n);
    mon_run_end(m);
    mon_rev_end(m);
    ring_fast_end(m);
    mon_run_typed_note(m);
    mon_display_show(m);
    return rc;
}

#define RUN_OPTS "until for cycles"

/* Parse go/continue options: [until ADDR] [for N] [cycles N] (each at most
 * once), then run.  All are checked before the one-shot breakpoint of
 * 'until' is set, so a bad one changes nothing. */
static int run_opts(struct mon *m, int argc, char **argv, int i)
{
    enum mon_run_mode mode = RUN_FREE;
    uint64_t n = 0;
    uint32_t until = 0;
    const char *has_until = NULL; /* as typed, for the note on a phased label */
    unsigned seen = 0;
    for (; i < argc; i += 2) {
        int k = mon_keyword(argv[i], RUN_OPTS);
        if (k < 0 || i + 1 >= argc)
            return mon_usage(m, argc, argv);
        if (mon_option_once(m, RUN_OPTS, k, &seen) != 0)
            return -1;
        if (k > 0 && (seen & 6u) == 6u) /* one count: the later was taken alone */
            return mon_err(m, "'for' and 'cycles' are two limits: give one");
        if (k == 0) {
            if (mon_e_addr(m, argv[i + 1], &until) != 0)
                return -1;
            has_until = argv[i + 1];
        } else {
            if (mon_count(m, argv[i + 1], &n) != 0)
                return -1;
            mode = k == 1 ? RUN_STEPS : RUN_CYCLES;
        }
    }
    if (mode != RUN_FREE && n == 0)
        return mon_zero_count(m, mode == RUN_STEPS ? "for" : "cycles");
    if (has_until) {
        struct mon_bp *b = mon_bp_new_temp(m);
        if (!b)
            return mon_err(m, "out of memory");
        b->kind = BP_EXEC;
        b->addr = until;
        mon_phased_note(m, has_until, until);
    }
    mon_debug_apply(m);
    int rc = mon_run(m, mode, n);
    if (has_until) /* a one-shot breakpoint that was not reached goes away too */
        mon_bp_delete(m, MON_BP_TEMP_ID);
    return rc;
}

/* Inside a breakpoint's commands 'go'/'continue' resume the run that
 * stopped, whose own options stand: one given here would be silently lost,
 * so it is refused. */
static int resume_stopped(struct mon *m, int argc, char **argv, int i)
{
    if (i < argc)
        return mon_err(m, "'%.*s%s' does not apply in a breakpoint's commands, which "
                       "resume the run that stopped as it was started", MON_QUOTE(argv[i]));
    m->resume = true;
    return 0;
}

int mon_cmd_go(struct mon *m, int argc, char **argv)
{
    int i = 1;
    struct machine *x = mon_target(m);
    uint64_t old = machine_get_psw(x), s0 = machine_steps(x);
    /* options come in pairs, so an odd count of words starts with ADDR: a
     * label c is 'go c', not 'go cycles' without its N */
    if (argc % 2 == 0 && (mon_keyword(argv[1], RUN_OPTS) < 0 || mon_is_symbol(m, argv[1]))) {
        uint32_t a = 0;
        if (mon_addr(m, argv[1], TGM_Q_MAX, &a) != 0)
            return -1;
        struct psw p = machine_psw(x);
        p.p = a;
        machine_set_psw(x, psw_pack(&p));
        i = 2;
    }
    int rc = m->in_bp_cmds ? resume_stopped(m, argc, argv, i) : run_opts(m, argc, argv, i);
    if (rc != 0 && machine_steps(x) == s0) /* refused before running: P as it was */
        machine_set_psw(x, old);
    return rc;
}

int mon_cmd_continue(struct mon *m, int argc, char **argv)
{
    if (m->in_bp_cmds)
        return resume_stopped(m, argc, argv, 1);
    return run_opts(m, argc, argv, 1);
}

int mon_cmd_until(struct mon *m, int argc, char **argv)
{
    (void)argc;
    char *args[] = {"until", "until", argv[1], NULL};
    return run_opts(m, 3, args, 1);
}

int mon_cmd_stop(struct mon *m, int argc, char **argv)
{
    int id = m->focus;
    if (argc == 2)
        id = mon_vm_lookup(m, argv[1]);
    if (id < 0) {
        if (argc == 2)
            return -1;
        mon_out(m, "the bare machine is stopped (a run ends at HALT, a breakpoint or Ctrl-C)\n");
        return 0;
    }
    struct vm_info vi;
    if (vmm_vm_stop(m->vmm, id) != 0 || vmm_vm_info(m->vmm, id, &vi) != 0)
        return mon_err(m, "cannot stop VM %d", id);
    /* the state it is in, as 'vm stop' says it: a halted VM stays halted */
    mon_out(m, "%s: %s\n", vi.name, vm_state_name(vi.state));
    return 0;
}
