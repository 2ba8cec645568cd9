/* cmd_nest.c: the monitor's view of a stack of control programs (section 7,
 * Theorem 2): `nest` builds one in the bare machine, `stack` shows each
 * level and steps the guest on top.
 *
 * The stack is an ordinary program on the bare machine, so every other
 * command (examine, break, trace, save) works on it as it is.  `stack`
 * reads each level's record through the map learned from the control
 * program's symbols (src/vmm/nest.c).  The guest on top is running exactly
 * when the real machine is in user mode with l at or above its base: every
 * level's own code runs lower down.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/asm.h"
#include "tgm/nest.h"

static bool top_psw(const struct mon *m, struct psw p)
{
    return !p.sup && p.l >= m->nest.top_base;
}

static bool top_running(const struct mon *m) { return top_psw(m, machine_psw(m->bare)); }

/* nest N FILE [mem W] */
int mon_cmd_nest(struct mon *m, int argc, char **argv)
{
    if (mon_not_mid_run(m) != 0) /* it replaces the bare machine */
        return -1;
    if (m->focus != MON_FOCUS_BARE)
        return mon_err(m, "select the bare machine first ('vm select bare'): the stack "
                       "runs on it");
    uint64_t depth, w = TGM_Q_DEFAULT;
    if (mon_swapped(m, argv[1], argv[2]))
        return mon_err(m, "'%.*s%s' is not a number of levels: the order is '%s'",
                       MON_QUOTE(argv[1]), m->cur->usage);
    if (mon_ranged(m, argv[1], "", "level", 1, NEST_MAX_DEPTH, &depth) != 0)
        return -1;
    unsigned seen = 0; /* 'mem' may be abbreviated, and given once */
    for (int i = 3; i < argc; i += 2) {
        if (mon_keyword(argv[i], "mem") != 0 || i + 1 >= argc)
            return mon_usage(m, argc, argv);
        if (mon_option_once(m, "mem", 0, &seen) != 0 ||
            mon_ranged(m, argv[i + 1], "mem: ", "word", TGM_Q_MIN, TGM_Q_MAX, &w) != 0)
            return -1;
    }
    /* refused as 'tgm run --nest --profile' is: the user asked for that machine */
    const struct isa_profile *prof = machine_profile(m->bare);
    if (prof != isa_profile_default())
        return mon_err(m, "the machine-code control program virtualizes the '%s' profile "
                       "only, and the bare machine's is '%s' ('set profile %s' first)",
                       isa_profile_default()->name, prof->name, isa_profile_default()->name);
    struct tgm_image guest, stack;
    struct nest_layout lay;
    char err[256];
    char **files;
    if (mon_read_program_files(m, argv[2], &guest, &files) != 0)
        return -1;
    /* a guest too big for W is the file's fault: named, as 'load' names it */
    bool fits = image_fits(&guest, (uint32_t)w, err, sizeof err) == 0;
    int rc = fits ? nest_build(NULL, &guest, (unsigned)depth, (uint32_t)w, &stack, &lay, err,
                               sizeof err)
                  : -1;
    char hb[96]; /* what to try, as 'tgm run --nest' says it with --mem */
    const char *hint = fits ? "" : vmm_mem_hint(&guest, (uint32_t)w,
                                                nest_guest_most((unsigned)depth, false),
                                                "'mem W'", hb, sizeof hb);
    image_free(&guest);
    if (rc != 0) {
        asm_sources_free(files);
        return fits ? mon_err(m, "%s", err) : mon_err(m, "%s: %s%s", argv[2], err, hint);
    }
    if (mon_new_bare(m, lay.q, prof) != 0 ||
        image_load(m->bare, &stack, err, sizeof err) != 0) {
        image_free(&stack);
        asm_sources_free(files);
        return mon_err(m, "%s", err[0] ? err : "cannot load the stack");
    }
    mon_set_program_files(m, MON_FOCUS_BARE, files);
    image_free(&m->bare_img);
    m->bare_img = stack; /* the control program's symbols */
    mon_symix_forget(m);
    m->nest = lay;
    m->nested = true;
    m->nest_seen_ok = false;
    mon_out_line(m, "bare: %u level%s of the machine-code control program (%u words each) "
                 "with %s on top: a bare machine of %u words at %#x",
                 lay.depth, lay.depth == 1 ? "" : "s", (unsigned)lay.map.k, argv[2],
                 (unsigned)lay.top_w, (unsigned)lay.top_base);
    return 0;
}

static void show_stack(struct mon *m)
{
    const uint64_t *E = machine_mem(m->bare);
    struct psw r = machine_psw(m->bare);
    char buf[96];
    /* whose code the real machine is in: level d's CP runs at (depth-d)K */
    const char *who = "the guest on top";
    unsigned running = 0;
    if (!top_running(m)) {
        uint32_t l = r.sup ? 0 : r.l;
        running = m->nest.depth - l / m->nest.map.k;
        who = NULL;
    }
    mon_out(m, "real machine: %s; running %s", mon_fmt_psw(&r, buf, sizeof buf),
            who ? who : "");
    if (!who)
        mon_out(m, "level %u's control program", running);
    mon_out(m, "\n");
    for (unsigned d = m->nest.depth; d >= 1; d--) {
        struct nest_level l;
        nest_level_read(&m->nest, E, d, &l);
        mon_out(m, "level %u  CP at 0x%05x, guest of %u words at 0x%05x\n", d, l.base, l.w,
                l.gbase);
        if (!l.started) { /* its boot has not run */
            mon_out(m, "         its guest: not started\n");
            continue;
        }
        mon_out(m, "         its guest: %s  timer %s", mon_fmt_psw(&l.vpsw, buf, sizeof buf),
                l.tarm ? "armed" : l.tpend ? "pending" : "disarmed");
        if (l.tarm)
            mon_out(m, " (%lld cycle%s left)", (long long)l.trem, mon_plural((uint64_t)l.trem));
        mon_out(m, "\n         %llu entr%s: %llu interpreted, %llu reflected, %llu timer "
                "trap%s, %llu single step%s\n",
                (unsigned long long)l.entries, l.entries == 1 ? "y" : "ies",
                (unsigned long long)l.interp, (unsigned long long)l.reflect,
                (unsigned long long)l.vtimer, l.vtimer == 1 ? "" : "s",
                (unsigned long long)l.steps, l.steps == 1 ? "" : "s");
    }
}

/* The guest's steps in the levels' hands since level 1's counts were L0
 * (then L0 := L): each instruction level 1 interpreted and each trap it
 * reflected, a bare machine's step each (a trap and the timer trap let in
 * after it are two), but an interpreted instruction whose operand failed
 * is one step with its memory trap. */
static uint64_t handled_steps(struct nest_level *l0, const struct nest_level *l)
{
    uint64_t di = l->interp - l0->interp, dr = l->reflect - l0->reflect,
             dm = l->rtraps[TRAP_MEM] - l0->rtraps[TRAP_MEM];
    *l0 = *l;
    return di + dr - (di < dm ? di : dm);
}

/* One line of 'stack step': the guest's PSW after STEPS of its steps, and
 * under it, as 'step' shows it, what they wrote to the console since
 * *CON0 bytes (then *CON0 := all of it). */
static void show_top_step(struct mon *m, const struct psw *v, uint64_t steps, uint64_t real,
                          size_t *con0)
{
    char buf[96];
    mon_out(m, "  top guest %s  (", mon_fmt_psw(v, buf, sizeof buf));
    if (steps > 1)
        mon_out(m, "%llu steps, ", (unsigned long long)steps);
    mon_out(m, "after %llu real step%s)\n", (unsigned long long)real, real == 1 ? "" : "s");
    mon_step_console(m, m->bare, *con0, "");
    machine_console_output(m->bare, con0);
}

/* The look back through the history for level 1's counts as they were
 * when the guest on top last ran: those at the start of its last step
 * (which leaves them as they were: it cannot reach them, and a trap writes
 * E[0] only). */
struct top_look {
    struct mon_rev_look look; /* first: the trace hook's context */
    const struct mon *m;
    struct nest_level l1;
};

static void top_look_hook(void *ctx, const struct machine_trace *t)
{
    struct top_look *s = ctx;
    if (top_psw(s->m, psw_unpack(t->psw_before))) {
        nest_level_read(&s->m->nest, machine_mem(s->look.x), 1, &s->l1);
        s->look.found = true;
    }
}

/* Run real steps until the guest on top has taken N steps of its own, as a
 * bare machine counts them: an instruction the real machine completed for
 * it directly, or one the levels below simulated or a trap they reflected
 * (level 1's counts say how many), shown when the guest runs again. */
static int top_step(struct mon *m, uint64_t n)
{
    uint64_t done = 0, real = 0, total = 0, cyc0 = machine_get_counters(m->bare).cycles;
    uint64_t pending = 0; /* its steps not shown yet */
    struct machine_exit ex = {0};
    bool debug = false; /* a breakpoint's, watchpoint's or trap stop's */
    struct nest_level l1;
    nest_level_read(&m->nest, machine_mem(m->bare), 1, &l1);
    /* until the guest first runs, arriving at its entry is not a step */
    bool started = l1.entries > 0 || top_running(m);
    if (m->bare_ran && m->bare_last == EXIT_HALT) {
        /* the guest's HALT was its last step: the levels' loop after it
         * (HALT, JMP back) is none of the guest's */
        mon_out(m, "the stack halted (the guest on top executed HALT)\n");
        return 0;
    }
    /* stopped inside the levels' handling of a step (a breakpoint, a
     * watchpoint, the limit, 'go for N', 'step N'): level 1 may have
     * counted that step already, so the count from where the guest last
     * ran is the one to go on from.  The last 'stack step' kept it if
     * nothing ran or changed since; else the history has it, and says
     * whether the guest ran at all (level 1 may not have counted an
     * entry yet; not before level 1's boot gave it its entry PSW, when it
     * cannot have). */
    struct nest_level seen = l1;
    if (!top_running(m) && l1.started) {
        struct top_look tl = {.m = m};
        if (started && m->nest_seen_ok && machine_mark(m->bare) == m->nest_at_mark) {
            seen = m->nest_seen;
        } else if (mon_rev_look_back(m, top_look_hook, &tl.look) && tl.look.found) {
            seen = tl.l1;
            started = true;
        }
    }
    mon_clear_interrupt();
    mon_watch_snapshot(m); /* a watchpoint's report shows the old value */
    mon_rev_begin(m); /* a run like 'step': rstep can take it back */
    /* what the guest writes shows with the step that wrote it, as 'step'
     * shows it: the next run shows only its own output */
    size_t con0;
    machine_console_output(m->bare, &con0);
    while (done < n && !mon_step_guard(m, MON_FOCUS_BARE, total)) {
        bool direct = started && top_running(m);
        uint64_t t0 = mon_traps_taken(m->bare);
        /* a breakpoint at P stops it before the step, as it stops 'go'
         * (machine_step never looks); not at its first, as a run starting
         * on one goes past it */
        if (total > 0 && mon_break_here(m->bare, &ex)) {
            debug = true;
            if (!mon_debug_stop(m, MON_FOCUS_BARE, &ex, total,
                                machine_get_counters(m->bare).cycles - cyc0) ||
                m->finished)
                break;
        }
        machine_step(m->bare, &ex);
        mon_rev_note(m);
        real++;
        total++;
        if (direct && mon_traps_taken(m->bare) == t0)
            pending++; /* it completed an instruction of the guest's */
        debug = ex.reason == EXIT_BREAK || ex.reason == EXIT_WATCH || ex.reason == EXIT_TRAP;
        /* reported as a run reports it; an ignore count or 'continue' goes on */
        if (debug && mon_debug_stop(m, MON_FOCUS_BARE, &ex, total,
                                    machine_get_counters(m->bare).cycles - cyc0) &&
            !m->finished)
            ex.reason = EXIT_BUDGET;
        if (ex.reason != EXIT_BUDGET) {
            /* a stop after an instruction of the guest's (a watchpoint it
             * hit): that step was taken, and is shown after the report, as
             * when the watchpoint's list continues (the next 'stack step'
             * starts after it) */
            if (debug && started && top_running(m)) {
                nest_level_read(&m->nest, machine_mem(m->bare), 1, &l1);
                pending += handled_steps(&seen, &l1);
                if (pending) {
                    struct psw v = l1.vpsw;
                    v.p = machine_psw(m->bare).p;
                    show_top_step(m, &v, pending, real, &con0);
                }
            }
            break;
        }
        if (top_running(m) && !started) {
            started = true;
            nest_level_read(&m->nest, machine_mem(m->bare), 1, &seen);
            mon_out(m, "  top guest starts at P=0x%05x (after %llu real step%s)\n",
                    machine_psw(m->bare).p, (unsigned long long)real, real == 1 ? "" : "s");
            real = 0;
        } else if (top_running(m)) {
            nest_level_read(&m->nest, machine_mem(m->bare), 1, &l1);
            pending += handled_steps(&seen, &l1);
            if (!pending) /* a level's own errand (a single step's timer) */
                continue;
            done += pending;
            struct psw v = l1.vpsw; /* level 1's record, but P is the real one */
            v.p = machine_psw(m->bare).p;
            show_top_step(m, &v, pending, real, &con0);
            pending = real = 0;
        }
    }
    m->bare_ran = true;
    m->bare_last = ex.reason;
    m->nest_seen = seen;
    m->nest_at_mark = machine_mark(m->bare);
    m->nest_seen_ok = started;
    mon_rev_end(m);
    if (ex.reason == EXIT_HALT && started) {
        /* the guest's HALT, simulated by level 1, is a step of its own like
         * any other; the real machine halted in a level's code, so its PSW
         * after it is level 1's record */
        nest_level_read(&m->nest, machine_mem(m->bare), 1, &l1);
        pending += handled_steps(&seen, &l1);
        if (pending)
            show_top_step(m, &l1.vpsw, pending, real, &con0);
    }
    mon_step_console(m, m->bare, con0, ""); /* written by a step that stopped */
    if (ex.reason == EXIT_HALT)
        mon_out(m, "the stack halted (the guest on top executed HALT)\n");
    else if (ex.reason != EXIT_BUDGET && !debug)
        mon_out(m, "stopped: %s\n", exit_reason_name(ex.reason));
    mon_display_show(m); /* a stop, as after 'step' */
    return 0;
}

/* stack [step [N]] */
int mon_cmd_stack(struct mon *m, int argc, char **argv)
{
    if (!m->nested)
        return mon_err(m, "no stack: build one with 'nest N FILE'");
    /* reset, load, set mem or restore may have replaced it */
    if (!nest_intact(&m->nest, m->bare)) {
        m->nested = false;
        return mon_err(m, "the stack is gone (the bare machine was reset or reloaded); "
                       "build it again with 'nest N FILE'");
    }
    if (argc == 1) {
        show_stack(m);
        return 0;
    }
    if (mon_keyword(argv[1], "step") != 0)
        return mon_usage(m, argc, argv);
    uint64_t n = 1;
    if (argc == 3 && mon_ranged(m, argv[2], "step count ", NULL, 0, MON_SCRIPT_LIMIT, &n) != 0)
        return -1;
    if (n == 0)
        return mon_zero_count(m, "a count of");
    return top_step(m, n);
}
