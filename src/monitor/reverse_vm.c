/* reverse_vm.c: reverse execution with a VM selected: rstep [N] and
 * rcontinue under the control program of sections 4-6, by replay.
 *
 * The whole session (the real machine, the control program, every VM) is
 * deterministic, but the control program's course depends on where a run
 * is cut into vmm_run calls (its time slices are re-armed at each return).
 * So the history is the exact list of calls the monitor made, with
 * checkpoints of the whole session between them: replaying the same calls
 * from a checkpoint gives the same states, call boundary by call boundary.
 * A point inside a call is reached by one shorter call from the call's
 * start, the state the uncut call passed through there.  Positions are
 * counted in guest steps of all VMs together (g); the selected VM's own
 * step and trap counts are monotonic in g, so a point where one of them
 * reaches a value is found by replay and, inside a call, bisection.
 */
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"

#define VREV_MAX 64 /* checkpoints kept, as for the bare machine */
#define VREV_WORDS 8192u /* real words per 'set checkpoint' steps between them */

/* Where the VMs stood at a point: g, and per VM id its steps and traps. */
struct vpt {
    uint64_t g;
    uint64_t real;  /* the real machine's steps */
    int n;          /* ids 0..n-1 recorded */
    uint64_t *val;  /* steps[0..n-1], then traps[0..n-1] */
};

struct vpos {       /* a point in the log: entry i, k of its calls done */
    size_t i;
    uint64_t k;
};

struct vck {
    struct vpos at;
    struct vpt pt;
    uint8_t *real;  /* the real machine without E */
    size_t rlen;
    uint64_t *mem;  /* E's non-zero runs: start, length, words... */
    size_t mlen;
    uint8_t *cp;    /* vmm_state_save */
    size_t cplen;
    struct vmm_transient tr;
    uint64_t id;    /* a checkpoint's number (no other has it), else 0 */
};

/* A point a command left the session at, with what replay of the calls
 * alone cannot give back there: a run that stopped at a breakpoint has
 * already picked the next VM or loaded its PSW into the real machine.  So
 * the real machine's registers and the CP's table (small: E is not in
 * them) are kept and put back when a reverse command lands here. */
struct vobs {
    struct vpt pt;
    uint8_t *real, *cp;
    size_t rlen, cplen;
    struct vmm_transient tr;
};
#define VOBS_MAX 4096 /* when full, every other one goes */

/* N calls that each advanced the VMs P guest steps.  Whether the real
 * machine is debugged does not matter: the dispatcher entered in place
 * takes the course of the exit (test_vmm_diff). */
struct vcall {
    uint64_t p, n;
};

struct mon_vrev {
    struct vck ck[VREV_MAX];
    int nck;
    uint64_t interval;
    struct vcall *log;
    size_t nlog, caplog;
    struct vobs *obs;
    size_t nobs, capobs;
    uint64_t g;         /* at the end of the log */
    uint64_t end_mark;  /* vmm_mark as the last execution command left it */
    bool valid;
    bool fresh;     /* as mon_rev's: begun by 'set checkpoint', nothing run since */
    bool stoppable; /* rcontinue's replay: Ctrl-C abandons it between calls */
    uint64_t ids;       /* the last checkpoint's id */
    uint64_t seek_ck;   /* the checkpoint the last seek replayed from, by id */
    /* The state the last ring fill's replay reached at the end of the log,
     * replayed from checkpoint near_ck (by id; 0: none): the next fill's
     * seeks start there rather than replay again all the calls since that
     * checkpoint, which can be millions of steps. */
    struct vck near;
    uint64_t near_ck;
};

/* ---- the session's state ---- */

uint64_t mon_guest_steps(struct vmm *v)
{
    uint64_t s = 0;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id))
        s += machine_steps(vmm_vm_view(v, id));
    return s;
}

uint64_t mon_guest_cycles(struct vmm *v)
{
    uint64_t c = 0;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id))
        c += machine_cycles(vmm_vm_view(v, id));
    return c;
}

uint64_t mon_traps_taken(const struct machine *x)
{
    struct machine_counters c = machine_get_counters(x);
    uint64_t t = 0;
    for (unsigned k = 1; k < TRAP_NCAUSES; k++)
        t += c.traps[k];
    return t;
}

static int pt_take(struct vmm *v, struct vpt *pt)
{
    int n = 0;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id))
        n = id + 1;
    pt->g = mon_guest_steps(v);
    pt->real = machine_steps(vmm_machine(v));
    pt->n = n;
    pt->val = calloc(2 * (size_t)n + 1, sizeof *pt->val);
    if (!pt->val)
        return -1;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        pt->val[id] = machine_steps(vmm_vm_view(v, id));
        pt->val[n + id] = mon_traps_taken(vmm_vm_view(v, id));
    }
    return 0;
}

enum vkind { V_G, V_STEPS, V_TRAPS, V_REAL }; /* V_REAL: the real machine's steps */

static uint64_t pt_value(const struct vpt *pt, enum vkind k, int id)
{
    if (k == V_G)
        return pt->g;
    if (id >= pt->n)
        return 0;
    return pt->val[(k == V_TRAPS ? pt->n : 0) + id];
}

static uint64_t now_value(struct mon *m, enum vkind k)
{
    if (k == V_REAL)
        return machine_steps(vmm_machine(m->vmm));
    struct machine *x = vmm_vm_view(m->vmm, m->focus);
    return k == V_G       ? mon_guest_steps(m->vmm)
           : k == V_STEPS ? machine_steps(x)
                          : mon_traps_taken(x);
}

/* The first non-zero word of E[I..Q-1], or Q: eight at a time where E
 * is empty, as most of the real machine's is (a ring fill takes a
 * checkpoint at every 'go'). */
static uint32_t skip_zeros(const uint64_t *E, uint32_t i, uint32_t q)
{
    for (; i < q && (i & 7); i++)
        if (E[i])
            return i;
    while (q - i >= 8 && !(E[i] | E[i + 1] | E[i + 2] | E[i + 3] | E[i + 4] | E[i + 5] |
                           E[i + 6] | E[i + 7]))
        i += 8;
    while (i < q && !E[i])
        i++;
    return i;
}

/* FNV-style over W in four interleaved lanes, combined at the end: one
 * chain of multiplies stalls on each one's latency, four run together (a
 * ring fill hashes E twice at every 'go'). */
static uint64_t hash_words(const uint64_t *w, size_t n, uint64_t h)
{
    const uint64_t k = UINT64_C(0x100000001b3);
    uint64_t a = h, b = h ^ 1, c = h ^ 2, d = h ^ 3;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        a = (a ^ w[i]) * k;
        b = (b ^ w[i + 1]) * k;
        c = (c ^ w[i + 2]) * k;
        d = (d ^ w[i + 3]) * k;
    }
    for (; i < n; i++)
        a = (a ^ w[i]) * k;
    return (((a * k ^ b) * k ^ c) * k ^ d) * k;
}

/* The hash of E's non-zero runs, from RUNS (as a checkpoint keeps them:
 * start, length, words...; MLEN words) or, if RUNS is NULL, from E. */
static uint64_t hash_runs(const uint64_t *E, uint32_t q, const uint64_t *runs, size_t mlen,
                          uint64_t h)
{
    const uint64_t k = UINT64_C(0x100000001b3);
    if (runs) {
        for (size_t o = 0; o < mlen; o += 2 + runs[o + 1])
            h = hash_words(&runs[o + 2], runs[o + 1], (h ^ runs[o] ^ runs[o + 1] << 32) * k);
        return h;
    }
    for (uint32_t i = skip_zeros(E, 0, q); i < q; i = skip_zeros(E, i, q)) {
        uint32_t j = i;
        while (j < q && E[j])
            j++;
        h = hash_words(&E[i], j - i, (h ^ i ^ (uint64_t)(j - i) << 32) * k);
        i = j;
    }
    return h;
}

/* The real machine (E's non-zero runs) and the control program's table: a
 * pass over E, for the rare checks vmm_mark cannot make (a restore, the
 * ring's replay), not at every command.  RUNS, if not NULL, are E's (MLEN
 * words, as a checkpoint keeps them), known to be E as it is: no pass. */
static uint64_t session_hash_of(struct vmm *v, const uint64_t *runs, size_t mlen, bool *ok)
{
    struct machine *x = vmm_machine(v);
    uint8_t *a = NULL, *b = NULL;
    size_t la = 0, lb = 0;
    *ok = machine_state_save(x, false, &a, &la) == 0 && vmm_state_save(v, &b, &lb) == 0;
    uint64_t h = 0;
    if (*ok) {
        h = tgm_fnv1a(a, la, TGM_FNV_SEED);
        h = tgm_fnv1a(b, lb, h);
        h = hash_runs(machine_mem(x), machine_q(x), runs, mlen, h);
    }
    free(a);
    free(b);
    return h;
}

static void ck_free(struct vck *c)
{
    free(c->pt.val);
    free(c->real);
    free(c->mem);
    free(c->cp);
    memset(c, 0, sizeof *c);
}

static int ck_take(struct mon *m, struct vck *c)
{
    struct machine *x = vmm_machine(m->vmm);
    const uint64_t *E = machine_mem(x);
    uint32_t q = machine_q(x);
    memset(c, 0, sizeof *c);
    /* one pass over E (a count first would be a second): the runs go into
     * a block grown as they come, cut to size at the end */
    size_t cap = 1024, o = 0;
    c->mem = malloc(cap * sizeof *c->mem);
    if (!c->mem || pt_take(m->vmm, &c->pt) != 0 ||
        machine_state_save(x, false, &c->real, &c->rlen) != 0 ||
        vmm_state_save(m->vmm, &c->cp, &c->cplen) != 0) {
        ck_free(c);
        return -1;
    }
    for (uint32_t i = skip_zeros(E, 0, q); i < q; i = skip_zeros(E, i, q)) {
        uint32_t j = i;
        while (j < q && E[j])
            j++;
        if (o + 2 + (j - i) >= cap) {
            size_t nc = 2 * cap > o + 3 + (j - i) ? 2 * cap : o + 3 + (j - i);
            uint64_t *nm = realloc(c->mem, nc * sizeof *nm);
            if (!nm) {
                ck_free(c);
                return -1;
            }
            c->mem = nm;
            cap = nc;
        }
        c->mem[o++] = i;
        c->mem[o++] = j - i;
        memcpy(&c->mem[o], &E[i], (j - i) * sizeof *E);
        o += j - i;
        i = j;
    }
    c->mlen = o;
    uint64_t *fit = o + 1 < cap ? realloc(c->mem, (o + 1) * sizeof *fit) : NULL;
    if (fit) /* (else the larger block stays: nothing is lost) */
        c->mem = fit;
    vmm_transient_get(m->vmm, &c->tr);
    return 0;
}

/* Put the session back in checkpoint C's state; E is written only where
 * it differs. */
static int ck_load(struct mon *m, const struct vck *c)
{
    struct machine *x = vmm_machine(m->vmm);
    char err[256];
    if (machine_state_load(x, c->real, c->rlen, err, sizeof err) != 0 ||
        vmm_state_load(m->vmm, c->cp, c->cplen, err, sizeof err) != 0)
        return mon_err(m, "cannot restore a checkpoint: %s", err);
    const uint64_t *E = machine_mem(x);
    uint32_t q = machine_q(x), at = 0;
    for (size_t o = 0; o <= c->mlen; ) {
        uint32_t start = o < c->mlen ? (uint32_t)c->mem[o] : q;
        for (at = skip_zeros(E, at, start); at < start; at = skip_zeros(E, at + 1, start))
            machine_write_phys(x, at, 0);
        if (o == c->mlen)
            break;
        uint64_t len = c->mem[o + 1];
        for (uint64_t k = 0; k < len; k++, at++)
            if (E[at] != c->mem[o + 2 + k])
                machine_write_phys(x, at, c->mem[o + 2 + k]);
        o += 2 + len;
    }
    vmm_transient_set(m->vmm, &c->tr);
    return 0;
}

/* ---- recording ---- */

static void obs_free(struct vobs *o)
{
    free(o->pt.val);
    free(o->real);
    free(o->cp);
}

static int log_push(struct mon_vrev *r, uint64_t p)
{
    if (r->nlog && r->log[r->nlog - 1].p == p) {
        r->log[r->nlog - 1].n++;
        return 0;
    }
    struct vcall *nl = mon_room(r->log, r->nlog, &r->caplog, sizeof *nl);
    if (!nl)
        return -1;
    r->log = nl;
    r->log[r->nlog++] = (struct vcall){p, 1};
    return 0;
}

static void near_drop(struct mon_vrev *r)
{
    ck_free(&r->near);
    r->near_ck = 0;
}

static void drop_all(struct mon_vrev *r)
{
    near_drop(r);
    for (int i = 0; i < r->nck; i++)
        ck_free(&r->ck[i]);
    for (size_t i = 0; i < r->nobs; i++)
        obs_free(&r->obs[i]);
    r->nck = 0;
    r->nlog = r->nobs = 0;
    r->valid = false;
}

void mon_vrev_free(struct mon *m)
{
    if (m->vrev) {
        drop_all(m->vrev);
        free(m->vrev->log);
        free(m->vrev->obs);
    }
    free(m->vrev);
    m->vrev = NULL;
}

/* Runs are cut into calls of at most 'set checkpoint' steps, though
 * checkpoints are further apart: a point inside a call is found by
 * bisection over the call, so calls stay short. */
uint64_t mon_vrev_interval(const struct mon *m)
{
    if (!m->vrev || !m->vrev->valid)
        return 0;
    return m->vrev->interval < m->rev_every ? m->vrev->interval : m->rev_every;
}

static struct vpos log_end(const struct mon_vrev *r)
{
    return r->nlog ? (struct vpos){r->nlog - 1, r->log[r->nlog - 1].n} : (struct vpos){0, 0};
}

static void ck_drop(void *c) { ck_free(c); }
static void obs_drop(void *o) { obs_free(o); }

static void checkpoint(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    if (r->nck == VREV_MAX) {
        r->nck = (int)mon_thin(r->ck, (size_t)r->nck, sizeof r->ck[0], ck_drop);
        r->interval *= 2;
    }
    struct vck *c = &r->ck[r->nck];
    if (ck_take(m, c) != 0) {
        drop_all(r); /* out of memory: no history rather than a wrong one */
        return;
    }
    c->at = log_end(r);
    c->id = ++r->ids;
    r->nck++;
    r->valid = true;
}

static int obs_add(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    if (r->nobs == VOBS_MAX)
        r->nobs = mon_thin(r->obs, r->nobs, sizeof r->obs[0], obs_drop);
    struct vobs *no = mon_room(r->obs, r->nobs, &r->capobs, sizeof *no);
    if (!no)
        return -1;
    r->obs = no;
    struct vobs *o = &r->obs[r->nobs];
    memset(o, 0, sizeof *o);
    if (pt_take(m->vmm, &o->pt) != 0 ||
        machine_state_save(vmm_machine(m->vmm), false, &o->real, &o->rlen) != 0 ||
        vmm_state_save(m->vmm, &o->cp, &o->cplen) != 0) {
        obs_free(o);
        return -1;
    }
    vmm_transient_get(m->vmm, &o->tr);
    r->nobs++;
    return 0;
}

void mon_vrev_rebase(struct mon *m)
{
    if (!m->vmm || (!m->vrev && !(m->vrev = calloc(1, sizeof *m->vrev))))
        return;
    struct mon_vrev *r = m->vrev;
    if (m->ring_fast && r->valid) { /* while the history it needs is there */
        mon_vrev_end(m);
        mon_vrev_ring_fill(m);
    }
    drop_all(r);
    /* a checkpoint costs a pass over the real machine's E: scale the
     * interval with it (64 times at 2^19 words), so that checkpoints stay a
     * small part of a run */
    uint32_t q = machine_q(vmm_machine(m->vmm));
    r->interval = m->rev_every * (q > VREV_WORDS ? q / VREV_WORDS : 1);
    r->g = mon_guest_steps(m->vmm);
    checkpoint(m);
    if (r->valid && obs_add(m) != 0)
        drop_all(r);
}

void mon_vrev_restarted(struct mon *m)
{
    if (m->vrev && m->vrev->valid)
        m->vrev->fresh = true;
}

void mon_vrev_swapped(struct mon *m, struct vmm *old_vmm)
{
    struct mon_vrev *r = m->vrev;
    bool a = false, b = false;
    if (r && r->valid && old_vmm && m->vmm && vmm_mark(old_vmm) == r->end_mark &&
        session_hash_of(old_vmm, NULL, 0, &a) == session_hash_of(m->vmm, NULL, 0, &b) && a && b)
        r->end_mark = vmm_mark(m->vmm);
}

void mon_vrev_begin(struct mon *m)
{
    if (!m->vmm)
        return;
    struct mon_vrev *r = m->vrev;
    if (!r || !r->valid || vmm_mark(m->vmm) != r->end_mark || mon_guest_steps(m->vmm) != r->g)
        mon_vrev_rebase(m); /* changed by something other than execution */
}

enum vmm_stop mon_vrev_run(struct mon *m, uint64_t budget, struct vmm_exit *ex)
{
    struct mon_vrev *r = m->vrev;
    uint64_t g0 = mon_guest_steps(m->vmm);
    enum vmm_stop st = vmm_run(m->vmm, budget, ex);
    uint64_t p = mon_guest_steps(m->vmm) - g0;
    if (!r || !r->valid || !p) /* a call that made no step needs no replay */
        return st;
    if (log_push(r, p) != 0)
        drop_all(r);
    r->g += p;
    return st;
}

void mon_vrev_note(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    if (r && r->valid && r->g - r->ck[r->nck - 1].pt.g >= r->interval)
        checkpoint(m);
}

void mon_vrev_end(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    if (!r || !r->valid)
        return;
    r->fresh = false;
    r->end_mark = vmm_mark(m->vmm);
    if (obs_add(m) != 0)
        drop_all(r);
}

/* ---- replay ---- */

/* Replay from the state the caller restored: the log's calls from AT on,
 * each exactly as recorded, until the value K of the selected VM (of all
 * VMs for V_G) reaches X.  Inside a call the point is found by bisection
 * from a copy of the call's start (V_REAL: the call is run whole).  *AT
 * and *PART (steps of a call done) say where it stopped.  0, -1 with an
 * error, or -2 when Ctrl-C came while stoppable (calls are at most 'set
 * checkpoint' guest steps, so it is seen as soon as 'go' would see it). */
static int replay(struct mon *m, enum vkind k, uint64_t x, struct vpos *at, uint64_t *part)
{
    struct mon_vrev *r = m->vrev;
    bool ran = false; /* a call at least, as 'go' makes a chunk's progress */
    *part = 0;
    while (now_value(m, k) < x && at->i < r->nlog) {
        struct vcall *c = &r->log[at->i];
        if (at->k == c->n) {
            at->i++;
            at->k = 0;
            continue;
        }
        if (ran && r->stoppable && mon_stop_requested())
            return -2; /* no error: the caller puts the session back */
        ran = true;
        uint64_t g0 = mon_guest_steps(m->vmm), p = c->p;
        if (k == V_G && g0 + p > x)
            p = x - g0; /* the point is inside this call: a shorter one reaches it */
        struct vck start = {0};
        bool bisect = (k == V_STEPS || k == V_TRAPS) && p > 1;
        if (bisect && ck_take(m, &start) != 0)
            return mon_err(m, "out of memory");
        vmm_run(m->vmm, p, NULL);
        if (mon_guest_steps(m->vmm) - g0 != p) {
            ck_free(&start);
            return mon_err(m, "replay diverged from the history (a bug): %llu steps of %llu",
                           (unsigned long long)(mon_guest_steps(m->vmm) - g0), (unsigned long long)p);
        }
        if (p < c->p) {
            *part = p;
            return 0;
        }
        if (bisect && now_value(m, k) >= x) {
            uint64_t lo = 0, hi = p; /* value < x after lo steps, >= x after hi */
            while (hi - lo > 1) {
                uint64_t mid = lo + (hi - lo) / 2;
                if (ck_load(m, &start) != 0)
                    return ck_free(&start), -1;
                vmm_run(m->vmm, mid, NULL);
                if (now_value(m, k) >= x)
                    hi = mid;
                else
                    lo = mid;
            }
            int rc = ck_load(m, &start);
            if (rc == 0)
                vmm_run(m->vmm, hi, NULL);
            ck_free(&start);
            *part = hi < p ? hi : 0;
            if (!*part)
                at->k++;
            return rc;
        }
        ck_free(&start);
        at->k++;
    }
    return 0;
}

static bool pos_after(struct vpos a, struct vpos b)
{
    return a.i > b.i || (a.i == b.i && a.k > b.k);
}

/* Put the session at the first point where value K reaches X (V_G: at g =
 * X), without touching the history.  *AT, *PART as for replay. */
static int seek(struct mon *m, enum vkind k, uint64_t x, struct vpos *at, uint64_t *part)
{
    struct mon_vrev *r = m->vrev;
    int c = r->nck - 1;
    while (c > 0 && (k == V_G ? pt_value(&r->ck[c].pt, k, m->focus) > x
                              : pt_value(&r->ck[c].pt, k, m->focus) >= x))
        c--;
    /* the near state is on the way from that checkpoint to X: the same
     * calls replayed from the same state, so the same states on */
    const struct vck *from = &r->ck[c];
    if (k == V_G && r->near_ck == from->id && r->near.pt.g <= x &&
        !pos_after(from->at, r->near.at))
        from = &r->near;
    r->seek_ck = r->ck[c].id;
    if (ck_load(m, from) != 0)
        return -1;
    *at = from->at;
    return replay(m, k, x, at, part);
}

/* Make the point seek reached the end of the history: the log stops there
 * (a partial call becomes a call of its own), later checkpoints and
 * observations go, TAIL (if not NULL) is what a command left there. */
static int commit(struct mon *m, struct vpos at, uint64_t part, const struct vobs *tail)
{
    struct mon_vrev *r = m->vrev;
    char err[256];
    near_drop(r); /* the log is cut: its position may name other calls */
    if (tail && (machine_state_load(vmm_machine(m->vmm), tail->real, tail->rlen, err,
                                    sizeof err) != 0 ||
                 vmm_state_load(m->vmm, tail->cp, tail->cplen, err, sizeof err) != 0))
        return mon_err(m, "cannot restore a stop: %s", err);
    if (tail)
        vmm_transient_set(m->vmm, &tail->tr);
    while (r->nck > 1 && pos_after(r->ck[r->nck - 1].at, at))
        ck_free(&r->ck[--r->nck]);
    r->nlog = at.i < r->nlog ? at.i + 1 : r->nlog;
    if (at.i < r->nlog)
        r->log[at.i].n = at.k;
    if (r->nlog && !r->log[r->nlog - 1].n)
        r->nlog--;
    r->g = mon_guest_steps(m->vmm);
    while (r->nobs > 1 && (tail ? &r->obs[r->nobs - 1] > tail
                                : r->obs[r->nobs - 1].pt.g > r->g))
        obs_free(&r->obs[--r->nobs]);
    if (part && log_push(r, part) != 0)
        drop_all(r);
    mon_debug_apply(m);
    vmm_set_event_hook(m->vmm, mon_vmm_event, m);
    m->ring_head = m->ring_count = 0; /* the ring held the undone steps */
    m->ring_lost = false;
    if (m->timeline) /* and the timeline the undone events */
        timeline_rewind(m->timeline, m->vmm);
    mon_vrev_end(m);
    return 0;
}

/* Replay with nothing in the way: no breakpoint, trace or event hook. */
static void quiet(struct mon *m)
{
    machine_debug_clear(vmm_machine(m->vmm));
    machine_set_trace(vmm_machine(m->vmm), NULL, NULL);
    vmm_set_event_hook(m->vmm, NULL, NULL);
}

/* After a failure midway: back where the command found the session. */
static int give_up(struct mon *m, uint64_t g_now)
{
    struct vpos at;
    uint64_t part;
    struct mon_vrev *r = m->vrev;
    if (seek(m, V_G, g_now, &at, &part) != 0 || !r->nobs ||
        commit(m, at, part, &r->obs[r->nobs - 1]) != 0)
        drop_all(r);
    mon_debug_apply(m);
    vmm_set_event_hook(m->vmm, mon_vmm_event, m);
    return -1;
}

/* The ring could not be filled: what replay put in it is not the run's.
 * The run fails in one line: the replay's (errors said past E0), or this. */
static void fill_failed(struct mon *m, uint64_t g_now, unsigned long e0)
{
    give_up(m, g_now);
    mon_ring_lost(m);
    if (m->errs_said == e0)
        mon_err(m, "out of memory: the instructions run were not recorded");
    m->bp_cmds_failed = true;
}

void mon_vrev_ring_fill(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    struct machine *x = vmm_machine(m->vmm);
    uint64_t from = m->ring_fast_from, g_now = mon_guest_steps(m->vmm), real_now = machine_steps(x);
    unsigned long e0 = m->errs_said;
    m->ring_fast_from = g_now;
    if (!m->ring_size || g_now <= from)
        return;
    if (!r || !r->valid || !r->nobs || r->obs[r->nobs - 1].pt.g != g_now) {
        mon_ring_lost(m); /* the history went for want of memory */
        return;
    }
    /* from the latest checkpoint of the run that leaves a ring's worth of
     * real steps, else from the run's start: no step before it again */
    uint64_t g_from = from;
    for (int c = r->nck - 1; c >= 0; c--)
        if (r->ck[c].pt.g >= from && real_now - r->ck[c].pt.real >= m->ring_size) {
            g_from = r->ck[c].pt.g;
            break;
        }
    /* the replay ends by putting back the state it found, but not the same
     * objects (vmm_state_load makes new views, whose loads count as edits):
     * if that state was the end's, it still is, as a pass over E says */
    bool was_end = vmm_mark(m->vmm) == r->end_mark, ok0 = false, ok1 = false;
    uint64_t h0 = was_end ? session_hash_of(m->vmm, NULL, 0, &ok0) : 0;
    quiet(m);
    struct vpos at;
    uint64_t part;
    const struct vobs *end = &r->obs[r->nobs - 1];
    char err[256];
    if (seek(m, V_G, g_from, &at, &part) != 0 || part) {
        fill_failed(m, g_now, e0);
        return;
    }
    /* the checked loop costs 7 times the fast one: find the last call
     * boundary before the ring's steps quietly, and hook from there */
    if (real_now - machine_steps(x) > m->ring_size) {
        uint64_t real_to = real_now - m->ring_size;
        if (replay(m, V_REAL, real_to + 1, &at, &part) != 0 || machine_steps(x) <= real_to) {
            fill_failed(m, g_now, e0);
            return;
        }
        /* back to the boundary before the call that crossed */
        if (seek(m, V_G, mon_guest_steps(m->vmm) - r->log[at.i].p, &at, &part) != 0 || part) {
            fill_failed(m, g_now, e0);
            return;
        }
    }
    machine_set_trace(x, mon_trace_hook_real, m);
    int rc = replay(m, V_G, g_now, &at, &part);
    machine_set_trace(x, NULL, NULL);
    if (rc == 0 && !part && mon_guest_steps(m->vmm) == g_now) {
        /* the next fill starts here (without it, as it did: memory is
         * short, and the fill needs none) */
        struct vck near;
        near_drop(r);
        if (ck_take(m, &near) == 0) {
            near.at = at;
            r->near = near;
            r->near_ck = r->seek_ck;
        }
    }
    if (rc != 0 || part || mon_guest_steps(m->vmm) != g_now ||
        machine_state_load(x, end->real, end->rlen, err, sizeof err) != 0 ||
        vmm_state_load(m->vmm, end->cp, end->cplen, err, sizeof err) != 0) {
        fill_failed(m, g_now, e0);
        return;
    }
    vmm_transient_set(m->vmm, &end->tr);
    mon_debug_apply(m);
    vmm_set_event_hook(m->vmm, mon_vmm_event, m);
    /* (E is the near state's, if it was kept: the loads above are of
     * registers and tables, no word of E) */
    if (was_end && ok0 &&
        session_hash_of(m->vmm, r->near_ck ? r->near.mem : NULL, r->near.mlen, &ok1) == h0 && ok1)
        r->end_mark = vmm_mark(m->vmm);
}

static int ready(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    /* as on the bare machine, VMs that never ran too */
    char name[64];
    if (!r || !r->valid || vmm_mark(m->vmm) != r->end_mark || r->fresh)
        return mon_err(m, "nothing to go back to: the VMs were changed since they last ran, "
                       "so their history starts here, at step %llu of VM %s (run them, and "
                       "this command can come back as far as here)",
                       (unsigned long long)now_value(m, V_STEPS),
                       mon_target_name(m, name, sizeof name));
    quiet(m);
    return 0;
}

/* Did a VM's console lose a byte in the replay, for want of memory?  Then
 * the state replayed is not the history's: said as 'go' says it, true. */
static bool replay_lost(struct mon *m)
{
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id)) {
        if (machine_console_lost(vmm_vm_view(m->vmm, id))) {
            mon_console_lost_line(m, id + 1);
            return true;
        }
    }
    return false;
}

static void where_vm(struct mon *m, const char *what)
{
    struct machine *view = vmm_vm_view(m->vmm, m->focus);
    struct psw p = machine_psw(view);
    char b[96], name[64];
    uint64_t w;
    mon_out(m, "%s: %s: %s\n", mon_target_name(m, name, sizeof name), what,
            mon_fmt_psw(&p, b, sizeof b));
    if (machine_read_virt(view, p.p, &w) == 0)
        mon_print_vinsn(m, view, &p, mon_symbols(m), p.p, w);
}

int mon_vrev_rstep(struct mon *m, uint64_t n)
{
    struct mon_vrev *r = m->vrev;
    if (ready(m) != 0)
        return -1;
    uint64_t now = now_value(m, V_STEPS), base = pt_value(&r->ck[0].pt, V_STEPS, m->focus);
    uint64_t g_now = r->g;
    if (n > now - base) {
        mon_debug_apply(m);
        vmm_set_event_hook(m->vmm, mon_vmm_event, m);
        return mon_err(m, "can go back at most %llu step%s (the history starts at step %llu)",
                       (unsigned long long)(now - base), now - base == 1 ? "" : "s",
                       (unsigned long long)base);
    }
    uint64_t t = now - n;
    /* where a command left the VM at step T, the latest; else just after
     * the VM's step T (where 'step' leaves it) */
    const struct vobs *o = NULL;
    for (size_t j = r->nobs; j-- > 0 && !o;)
        if (pt_value(&r->obs[j].pt, V_STEPS, m->focus) == t)
            o = &r->obs[j];
    struct vpos at;
    uint64_t part;
    int rc = o ? seek(m, V_G, o->pt.g, &at, &part) : seek(m, V_STEPS, t, &at, &part);
    if (rc != 0 || now_value(m, V_STEPS) != t)
        return rc == 0 ? (mon_err(m, "replay missed step %llu (a bug)", (unsigned long long)t),
                          give_up(m, g_now))
                       : give_up(m, g_now);
    /* (a stop's state, O, is put back whole: its console too) */
    if ((!o && replay_lost(m)) || commit(m, at, part, o) != 0)
        return give_up(m, g_now);
    char what[96];
    snprintf(what, sizeof what, "back %llu step%s, at step %llu", (unsigned long long)n,
             n == 1 ? "" : "s", (unsigned long long)t);
    where_vm(m, what);
    mon_display_show(m);
    return 0;
}

/* rcontinue's search and landing: 0, -1 (after give_up) or -2 for Ctrl-C,
 * the session then anywhere in its history. */
static int vrev_rcontinue(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    uint64_t g_now = r->g, g0 = r->ck[0].pt.g;
    uint64_t k0 = pt_value(&r->ck[0].pt, V_TRAPS, m->focus), want = k0;
    uint64_t s_now = now_value(m, V_STEPS), s0 = pt_value(&r->ck[0].pt, V_STEPS, m->focus);
    struct vpos at;
    uint64_t part;
    int rc;
    /* the VM's trap count one step of its own ago: the last trap before
     * now (not one guest step ago: another VM may have taken that step,
     * and the VM's own last step may be the trap it stands just after) */
    if (s_now > s0) {
        if ((rc = seek(m, V_STEPS, s_now - 1, &at, &part)) != 0)
            return rc == -2 ? -2 : give_up(m, g_now);
        want = now_value(m, V_TRAPS);
    }
    char what[96];
    if (want <= k0) {
        if ((rc = seek(m, V_G, g0, &at, &part)) != 0)
            return rc == -2 ? -2 : give_up(m, g_now);
        r->stoppable = false; /* found: from here on the history changes */
        if (commit(m, at, part, &r->obs[0]) != 0)
            return give_up(m, g_now);
        where_vm(m, "no trap before this point: at the start of the history");
    } else {
        if ((rc = seek(m, V_TRAPS, want, &at, &part)) != 0)
            return rc == -2 ? -2 : give_up(m, g_now);
        r->stoppable = false;
        if (replay_lost(m) || commit(m, at, part, NULL) != 0)
            return give_up(m, g_now);
        snprintf(what, sizeof what, "back to the previous trap (%s), at step %llu",
                 trap_cause_name(machine_last_trap(vmm_vm_view(m->vmm, m->focus))),
                 (unsigned long long)now_value(m, V_STEPS));
        where_vm(m, what);
    }
    mon_display_show(m);
    return 0;
}

int mon_vrev_rcontinue(struct mon *m)
{
    struct mon_vrev *r = m->vrev;
    if (ready(m) != 0)
        return -1;
    /* Ctrl-C puts the session back here: a pass over E, far less than a
     * replay, and exact where give_up would replay from a checkpoint */
    struct vck here;
    if (ck_take(m, &here) != 0) {
        mon_debug_apply(m);
        vmm_set_event_hook(m->vmm, mon_vmm_event, m);
        return mon_err(m, "out of memory");
    }
    r->stoppable = true;
    int rc = vrev_rcontinue(m);
    r->stoppable = false;
    if (rc == -2) {
        rc = ck_load(m, &here);
        mon_debug_apply(m);
        vmm_set_event_hook(m->vmm, mon_vmm_event, m);
        if (rc == 0) {
            /* the state ready() found as the history left it, in new views */
            r->end_mark = vmm_mark(m->vmm);
            mon_take_interrupt(m);
            mon_err(m, "interrupted: the VMs are where they were");
        } else {
            give_up(m, r->g);
        }
        rc = -1;
    }
    ck_free(&here);
    return rc;
}
