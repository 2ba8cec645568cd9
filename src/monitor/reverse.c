/* reverse.c: reverse execution of the bare machine: rstep [N] and
 * rcontinue, by replay from periodic checkpoints.
 *
 * Section 2's machine is a function of its state S = <E, M, P, R> (plus
 * the timer, the console and the counters this simulator adds), so the
 * state after any step can be rebuilt exactly: restore the last checkpoint
 * at or before it and run forward.  The history is valid only while the
 * machine changed by executing: a command that alters it otherwise
 * (deposit, load, reset, typed console input, a breakpoint's commands)
 * starts a new history from that state.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/image.h"

#define REV_MAX 64 /* checkpoints kept; when full, every other goes and the
                      interval ('set checkpoint', default 100,000) doubles */

struct rev_ckpt {
    uint64_t pos; /* the machine's step counter */
    uint64_t id;  /* which checkpoint this is: no other has its number */
    uint8_t *state;
    size_t len;
};

struct mon_rev {
    struct rev_ckpt ck[REV_MAX];
    int n;
    uint64_t interval;
    uint64_t end_mark; /* machine_mark as the last execution command left it */
    bool valid;
    bool fresh; /* begun by 'set checkpoint', and nothing has run since */
    uint64_t ids; /* the last checkpoint's id */
    /* The ring's replay machine, kept between runs: creating one of the
     * bare machine's size (its E and decode cache) cost more than a short
     * run.  It is at the state the replay from checkpoint scratch_ck (by
     * id; 0: none) reached, step scratch_at of the history. */
    struct machine *scratch;
    uint64_t scratch_ck, scratch_at;
};

static struct rev_ckpt *last(struct mon_rev *r) { return &r->ck[r->n - 1]; }

static void drop_all(struct mon_rev *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->ck[i].state);
    r->n = 0;
    r->valid = false;
}

uint64_t mon_rev_interval(const struct mon *m)
{
    if (m->focus != MON_FOCUS_BARE)
        return mon_vrev_interval(m);
    return m->rev && m->rev->valid ? m->rev->interval : 0;
}

void mon_rev_scratch_free(struct mon *m)
{
    if (m->rev) {
        machine_destroy(m->rev->scratch);
        m->rev->scratch = NULL;
        m->rev->scratch_ck = 0;
    }
}

void mon_rev_free(struct mon *m)
{
    mon_vrev_free(m);
    mon_rev_scratch_free(m);
    if (m->rev)
        drop_all(m->rev);
    free(m->rev);
    m->rev = NULL;
}

size_t mon_thin(void *items, size_t n, size_t size, void (*drop)(void *))
{
    char *a = items;
    size_t k = 1;
    for (size_t i = 1; i < n; i++) {
        if (i % 2 == 0)
            memmove(a + k++ * size, a + i * size, size);
        else
            drop(a + i * size);
    }
    return k;
}

static void ck_drop(void *c) { free(((struct rev_ckpt *)c)->state); }

/* Keep every other checkpoint (the first always) and double the interval. */
static void thin(struct mon_rev *r)
{
    r->n = (int)mon_thin(r->ck, (size_t)r->n, sizeof r->ck[0], ck_drop);
    r->interval *= 2;
}

static void checkpoint(struct mon *m)
{
    struct mon_rev *r = m->rev;
    if (r->n == REV_MAX)
        thin(r);
    struct rev_ckpt c = {machine_get_counters(m->bare).steps, ++r->ids, NULL, 0};
    if (machine_state_save(m->bare, true, &c.state, &c.len) != 0) {
        drop_all(r); /* out of memory: no history rather than a wrong one */
        return;
    }
    r->ck[r->n++] = c;
    r->valid = true;
}

/* Start a new history at the present state. */
void mon_rev_rebase(struct mon *m)
{
    if (m->focus != MON_FOCUS_BARE) {
        mon_vrev_rebase(m);
        return;
    }
    if (!m->rev)
        return;
    if (m->ring_fast)
        mon_rev_ring_fill(m); /* while the checkpoints it needs are there */
    drop_all(m->rev);
    m->rev->interval = m->rev_every;
    checkpoint(m);
}

void mon_rev_restart(struct mon *m)
{
    mon_rev_rebase(m);
    if (m->focus != MON_FOCUS_BARE)
        mon_vrev_restarted(m);
    else if (m->rev && m->rev->valid)
        m->rev->fresh = true;
}

void mon_rev_begin(struct mon *m)
{
    if (m->focus != MON_FOCUS_BARE) {
        mon_vrev_begin(m);
        return;
    }
    if (!m->rev && !(m->rev = calloc(1, sizeof *m->rev)))
        return;
    /* machine_mark, not a pass over E: this is at every 'step' */
    struct mon_rev *r = m->rev;
    if (!r->valid || machine_mark(m->bare) != r->end_mark ||
        last(r)->pos > machine_get_counters(m->bare).steps)
        mon_rev_rebase(m); /* changed by something other than execution */
}

void mon_rev_note(struct mon *m)
{
    struct mon_rev *r = m->rev;
    if (m->focus != MON_FOCUS_BARE) {
        mon_vrev_note(m);
        return;
    }
    if (!r || !r->valid)
        return;
    if (machine_get_counters(m->bare).steps - last(r)->pos >= r->interval)
        checkpoint(m);
}

void mon_rev_end(struct mon *m)
{
    struct mon_rev *r = m->rev;
    if (m->focus != MON_FOCUS_BARE) {
        mon_vrev_end(m);
        return;
    }
    if (!r || !r->valid)
        return;
    r->fresh = false;
    r->end_mark = machine_mark(m->bare);
}

/* Are A and B in the very same state, E and all?  False if memory ran out. */
static bool same_state(const struct machine *a, const struct machine *b)
{
    uint8_t *x = NULL, *y = NULL;
    size_t lx = 0, ly = 0;
    bool same = machine_state_save(a, true, &x, &lx) == 0 &&
                machine_state_save(b, true, &y, &ly) == 0 && lx == ly && !memcmp(x, y, lx);
    free(x);
    free(y);
    return same;
}

void mon_rev_swapped(struct mon *m, const struct machine *old_bare, struct vmm *old_vmm)
{
    struct mon_rev *r = m->rev;
    if (r && r->valid && machine_mark(old_bare) == r->end_mark && same_state(old_bare, m->bare))
        r->end_mark = machine_mark(m->bare);
    mon_vrev_swapped(m, old_vmm);
}

/* Run X for N steps, whatever its loop stops for (nothing is set on it). */
static void run_exactly(struct machine *x, uint64_t n)
{
    while (n) {
        struct machine_exit ex;
        machine_run(x, n, &ex);
        if (ex.steps == 0 && ex.reason != EXIT_BUDGET)
            break; /* cannot happen in a recorded history; do not spin */
        n -= ex.steps < n ? ex.steps : n;
    }
}

/* The state at step POS of the history: the last checkpoint at or before
 * it, then POS - its position steps with no breakpoint, trace or trap stop
 * in the way, on a copy of the bare machine.  The copy, or NULL after an
 * error line. */
static struct machine *replay_to(struct mon *m, uint64_t pos)
{
    struct mon_rev *r = m->rev;
    int k = r->n - 1;
    while (k > 0 && r->ck[k].pos > pos)
        k--;
    struct machine_config cfg = {.q = machine_q(m->bare), .profile = machine_profile(m->bare)};
    struct machine *c = machine_create(&cfg);
    char err[256];
    if (!c) {
        mon_err(m, "out of memory");
        return NULL;
    }
    if (machine_state_load(c, r->ck[k].state, r->ck[k].len, err, sizeof err) != 0) {
        machine_destroy(c);
        mon_err(m, "cannot restore a checkpoint: %s", err);
        return NULL;
    }
    run_exactly(c, pos - r->ck[k].pos);
    /* a console byte the copy could not keep: its state is not the
     * history's, and the machine must not take it (said as 'go' says it) */
    if (machine_console_lost(c)) {
        machine_destroy(c);
        mon_console_lost_line(m, 0);
        return NULL;
    }
    return c;
}

/* Put the bare machine at step POS of the history (replay_to), or leave
 * it where it was.  0, or -1 with an error. */
static int go_to(struct mon *m, uint64_t pos)
{
    struct mon_rev *r = m->rev;
    struct machine *c = replay_to(m, pos);
    if (!c)
        return -1;
    uint8_t *b = NULL;
    size_t len = 0;
    char err[256];
    int rc = machine_state_save(c, true, &b, &len);
    if (rc == 0)
        rc = machine_state_load(m->bare, b, len, err, sizeof err); /* all or nothing */
    free(b);
    machine_destroy(c);
    if (rc != 0)
        return mon_err(m, "out of memory");
    /* checkpoints after POS belong to a future that may not come again */
    while (r->n > 1 && last(r)->pos > pos) {
        free(last(r)->state);
        r->n--;
    }
    mon_debug_apply(m);
    m->nest_seen_ok = false; /* back before the last 'stack step' ended */
    m->bare_ran = pos > 0;
    m->bare_last = EXIT_BUDGET;
    /* the ring held the undone steps: it gets those that led here, as far
     * back as the history goes ('history' after 'rstep' showed none) */
    m->ring_head = m->ring_count = 0;
    m->ring_lost = false;
    m->ring_fast_from = r->ck[0].pos;
    mon_rev_ring_fill(m);
    mon_rev_end(m);
    return 0;
}

/* The scratch machine for the replay of the last checkpoint at or before
 * START, at that checkpoint or at a later step no further than START of
 * the replay from it, or NULL (out of memory, or no such checkpoint). */
static struct machine *scratch_at(struct mon *m, uint64_t start)
{
    struct mon_rev *r = m->rev;
    int k = r->n - 1;
    while (k > 0 && r->ck[k].pos > start)
        k--;
    if (r->ck[k].pos > start)
        return NULL;
    struct machine *c = r->scratch;
    if (c && (machine_q(c) != machine_q(m->bare) ||
              machine_profile(c) != machine_profile(m->bare)))
        mon_rev_scratch_free(m);
    if (!r->scratch) {
        struct machine_config cfg = {.q = machine_q(m->bare),
                                     .profile = machine_profile(m->bare)};
        if (!(r->scratch = machine_create(&cfg)))
            return NULL;
    }
    c = r->scratch;
    if (r->scratch_ck == r->ck[k].id && r->scratch_at <= start)
        return c; /* on the way from that checkpoint: the same states on */
    char err[256];
    r->scratch_ck = 0;
    if (machine_state_load(c, r->ck[k].state, r->ck[k].len, err, sizeof err) != 0)
        return NULL;
    r->scratch_ck = r->ck[k].id;
    r->scratch_at = r->ck[k].pos;
    return c;
}

/* Run the scratch machine C on to step TO of the history with FN (CTX)
 * as its trace hook.  It is kept only where the replay went as far as
 * asked, with its console whole: a later replay from it is then the
 * replay from the checkpoint. */
static void scratch_replay(struct mon_rev *r, struct machine *c, machine_trace_fn fn, void *ctx,
                           uint64_t to)
{
    machine_set_trace(c, fn, ctx);
    run_exactly(c, to - machine_get_counters(c).steps);
    machine_set_trace(c, NULL, NULL);
    r->scratch_at = machine_get_counters(c).steps;
    if (r->scratch_at != to || machine_console_lost(c))
        r->scratch_ck = 0;
}

void mon_rev_ring_fill(struct mon *m)
{
    struct mon_rev *r = m->rev;
    uint64_t now = machine_get_counters(m->bare).steps, from = m->ring_fast_from;
    m->ring_fast_from = now;
    if (!m->ring_size || now <= from)
        return;
    if (!r || !r->valid) { /* its checkpoints went for want of memory */
        mon_ring_lost(m);
        return;
    }
    uint64_t start = now - from > m->ring_size ? now - m->ring_size : from;
    struct machine *c = scratch_at(m, start);
    if (!c) {
        mon_ring_lost(m);
        return;
    }
    run_exactly(c, start - r->scratch_at);
    scratch_replay(r, c, mon_ring_hook, m, now);
}

bool mon_rev_look_back(struct mon *m, machine_trace_fn fn, struct mon_rev_look *look)
{
    struct mon_rev *r = m->rev;
    if (!r || !r->valid || machine_mark(m->bare) != r->end_mark)
        return false;
    uint64_t end = machine_get_counters(m->bare).steps;
    look->found = false;
    for (int k = r->n - 1; k >= 0 && !look->found; k--) {
        uint64_t from = r->ck[k].pos;
        if (from >= end)
            continue;
        /* the scratch machine at checkpoint K (not past it: FROM is its
         * position), left where this replay ends, as a ring fill leaves it */
        struct machine *c = scratch_at(m, from);
        if (!c)
            return false;
        look->x = c;
        scratch_replay(r, c, fn, look, end);
        end = from;
    }
    return true;
}

static int rev_ready(struct mon *m)
{
    /* a machine that never ran, or a state with a past (a snapshot
     * restored before this session ran anything), is changed like any
     * other: its history starts here (docs/monitor.md's one wording) */
    uint64_t steps = machine_get_counters(m->bare).steps;
    if (!m->rev || !m->rev->valid || machine_mark(m->bare) != m->rev->end_mark ||
        m->rev->fresh)
        return mon_err(m, "nothing to go back to: the machine was changed since it last ran, "
                       "so its history starts here, at step %llu (run it, and this command "
                       "can come back as far as here)",
                       (unsigned long long)steps);
    return 0;
}

static void where_now(struct mon *m, const char *what)
{
    struct psw p = machine_psw(m->bare);
    char b[96];
    uint64_t w;
    mon_out(m, "%s: %s\n", what, mon_fmt_psw(&p, b, sizeof b));
    if (machine_read_virt(m->bare, p.p, &w) == 0)
        mon_print_vinsn(m, m->bare, &p, mon_symbols(m), p.p, w);
}

int mon_cmd_rstep(struct mon *m, int argc, char **argv)
{
    uint64_t n = 1;
    if (mon_not_mid_run(m) != 0 || (argc == 2 && mon_count(m, argv[1], &n) != 0))
        return -1;
    if (n == 0)
        return mon_zero_count(m, "a count of");
    if (m->focus != MON_FOCUS_BARE)
        return mon_vrev_rstep(m, n);
    if (rev_ready(m) != 0)
        return -1;
    uint64_t now = machine_get_counters(m->bare).steps, base = m->rev->ck[0].pos;
    if (n > now - base)
        return mon_err(m, "can go back at most %llu step%s (the history starts at step %llu)",
                       (unsigned long long)(now - base), now - base == 1 ? "" : "s",
                       (unsigned long long)base);
    if (go_to(m, now - n) != 0)
        return -1;
    char what[96];
    snprintf(what, sizeof what, "back %llu step%s, at step %llu", (unsigned long long)n,
             n == 1 ? "" : "s", (unsigned long long)(now - n));
    where_now(m, what);
    mon_display_show(m);
    return 0;
}

/* Steps of the search between looks at Ctrl-C, as 'go' has at most. */
#define REV_CHUNK 1000000u

/* The position of the last stop (breakpoint, watchpoint, trap) before NOW,
 * found by running a copy of the history's first checkpoint with every
 * execution breakpoint and watchpoint of the bare machine and a stop on
 * every trap.  Conditions and ignore counts are not applied.  -1 if none,
 * -2 if Ctrl-C came (looked at between chunks, as 'go' does). */
static int64_t last_stop(struct mon *m, uint64_t now, const char **why)
{
    struct mon_rev *r = m->rev;
    struct machine_config cfg = {.q = machine_q(m->bare), .profile = machine_profile(m->bare)};
    struct machine *c = machine_create(&cfg);
    char err[256];
    int64_t found = -1;
    if (!c || machine_state_load(c, r->ck[0].state, r->ck[0].len, err, sizeof err) != 0) {
        machine_destroy(c);
        return -1;
    }
    for (size_t i = 0; i < m->nbps; i++) {
        const struct mon_bp *b = &m->bps[i];
        if (b->vm != MON_FOCUS_BARE)
            continue;
        if (b->kind == BP_EXEC)
            machine_break_exec(c, b->addr, true);
        else if (b->kind == BP_WATCH)
            for (uint32_t k = 0; k < b->len; k++)
                machine_watch(c, b->addr + k, machine_watch_test(c, b->addr + k) | b->rw);
    }
    machine_trap_stop(c, ((1u << TRAP_NCAUSES) - 1) & ~1u);
    bool cut = false; /* the last run ended at its budget or a HALT */
    for (;;) {
        uint64_t pos = machine_get_counters(c).steps;
        if (pos >= now)
            break;
        if (pos > r->ck[0].pos && mon_stop_requested()) {
            found = -2;
            break;
        }
        struct machine_exit ex;
        if (cut && mon_break_here(c, &ex)) {
            found = (int64_t)pos; /* at a cut: the next run would pass it */
            *why = "breakpoint";
        }
        machine_run(c, now - pos < REV_CHUNK ? now - pos : REV_CHUNK, &ex);
        /* a HALT cuts the replay as the budget does: the history goes on
         * past it, and a breakpoint right after it is one to stop at */
        cut = ex.reason == EXIT_BUDGET || ex.reason == EXIT_HALT;
        uint64_t at = machine_get_counters(c).steps;
        if (ex.reason == EXIT_BREAK || ex.reason == EXIT_WATCH || ex.reason == EXIT_TRAP) {
            if (at < now) {
                found = (int64_t)at;
                *why = ex.reason == EXIT_BREAK ? "breakpoint" : ex.reason == EXIT_WATCH
                                                                    ? "watchpoint" : "trap";
            }
        } else if (ex.reason != EXIT_BUDGET || at == pos) {
            if (ex.reason == EXIT_HALT && at < now)
                continue;
            break;
        }
    }
    machine_destroy(c);
    return found;
}

int mon_cmd_rcontinue(struct mon *m, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (mon_not_mid_run(m) != 0)
        return -1;
    if (m->focus != MON_FOCUS_BARE)
        return mon_vrev_rcontinue(m);
    if (rev_ready(m) != 0)
        return -1;
    uint64_t now = machine_get_counters(m->bare).steps;
    const char *why = NULL;
    int64_t at = last_stop(m, now, &why);
    if (at == -2) { /* the search ran on a copy: the machine is untouched */
        mon_take_interrupt(m);
        return mon_err(m, "interrupted: the machine is where it was");
    }
    if (at < 0) {
        if (go_to(m, m->rev->ck[0].pos) != 0)
            return -1;
        where_now(m, "no breakpoint, watchpoint or trap before this point: at the start of "
                     "the history");
        mon_display_show(m);
        return 0;
    }
    if (go_to(m, (uint64_t)at) != 0)
        return -1;
    char what[96];
    if (!strcmp(why, "trap")) /* named, as in a VM */
        snprintf(what, sizeof what, "back to the previous trap (%s), at step %lld",
                 trap_cause_name(machine_last_trap(m->bare)), (long long)at);
    else
        snprintf(what, sizeof what, "back to the previous %s, at step %lld", why,
                 (long long)at);
    where_now(m, what);
    mon_display_show(m);
    return 0;
}
