/* exec.c: an instruction as a function i: C -> C (section 2).
 *
 * Loads a state S into a machine of the profile, takes one step with the
 * simulator's own run loop, and captures i(S): whether it trapped, the PSW,
 * E, and the extensions (timer, console, halting).  Nothing here knows what
 * any instruction does; the classes come from comparing such runs.
 */
#include <string.h>

#include "analyze_impl.h"

int analyze_ctx_init(struct analyze_ctx *cx, const struct isa_profile *p,
                     uint32_t q)
{
    memset(cx, 0, sizeof *cx);
    cx->profile = p;
    cx->q = q;
    /* hostcalls off: the analyzer's machines are guest machines */
    struct machine_config cfg = {.q = q, .profile = p, .hostcalls = false};
    for (unsigned i = 0; i < ANALYZE_SLOTS; i++) {
        cx->slot[i].m = machine_create(&cfg);
        if (!cx->slot[i].m) {
            analyze_ctx_fini(cx);
            return -1;
        }
    }
    return 0;
}

void analyze_ctx_fini(struct analyze_ctx *cx)
{
    for (unsigned i = 0; i < ANALYZE_SLOTS; i++) {
        machine_destroy(cx->slot[i].m);
        cx->slot[i].m = NULL;
        cx->slot[i].valid = false;
    }
}

/* Field by field: the struct has padding, so memcmp would not do. */
static bool state_equal(const struct analyze_state *a, const struct analyze_state *b)
{
    return a->q == b->q && a->psw.sup == b->psw.sup && a->psw.ie == b->psw.ie &&
           a->psw.p == b->psw.p && a->psw.l == b->psw.l && a->psw.b == b->psw.b &&
           a->timer.armed == b->timer.armed && a->timer.pending == b->timer.pending &&
           a->timer.remaining == b->timer.remaining && a->cin == b->cin &&
           memcmp(a->mem, b->mem, a->q * sizeof a->mem[0]) == 0;
}

/* Power-on, then exactly S: E, PSW, timer, and one console byte waiting.
 * -1 if that byte could not be queued (out of memory). */
static int load_state(struct machine *m, const struct analyze_state *s)
{
    machine_reset_to(m, s->mem, s->q); /* s->q is the machine's q */
    machine_load_psw(m, &s->psw); /* what machine_set_psw of it packed does */
    machine_set_timer(m, &s->timer);
    if (s->cin >= 0) {
        uint8_t byte = (uint8_t)s->cin;
        return machine_console_input(m, &byte, 1);
    }
    return 0;
}

/* Run S on slot SL's machine and capture i(S) in the slot's run. */
static const struct analyze_run *run_state(struct analyze_ctx *cx, struct analyze_slot *sl,
                                           const struct analyze_state *s)
{
    struct machine *m = sl->m;
    if (load_state(m, s) != 0)
        cx->oom = true;
    struct machine_exit ex;
    machine_step(m, &ex);
    if (machine_console_lost(m))
        cx->oom = true; /* the run is not the instruction's: analyze_profile fails */

    struct machine_counters c = machine_get_counters(m);
    struct analyze_run *r = &sl->run;
    /* one step either completes the instruction or takes one trap */
    r->trap = c.instret ? TRAP_NONE : machine_last_trap(m);
    r->halted = ex.reason == EXIT_HALT;
    r->psw = machine_psw(m);
    r->timer = machine_get_timer(m);
    r->cycles = c.cycles;
    r->mem = machine_mem(m);
    r->out = machine_console_output(m, &r->out_len);
    r->in_used = machine_console_input_used(m);
    return r;
}

const struct analyze_run *analyze_exec(struct analyze_ctx *cx, unsigned slot,
                                       const struct analyze_state *s)
{
    struct analyze_slot *sl = &cx->slot[slot];
    if (sl->valid && state_equal(&sl->st, s))
        return &sl->run;
    const struct analyze_run *r = run_state(cx, sl, s);
    analyze_state_copy(&sl->st, s);
    sl->valid = true;
    return r;
}

const struct analyze_run *analyze_exec_once(struct analyze_ctx *cx, unsigned slot,
                                            const struct analyze_state *s)
{
    struct analyze_slot *sl = &cx->slot[slot];
    sl->valid = false;
    return run_state(cx, sl, s);
}
