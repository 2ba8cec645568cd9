/* test_audit_refvmcmd.c: the monitor's virtual-machine commands against an
 * independent model of them (refvmcmd.h, from docs/monitor.md and
 * docs/vmm.md) over the control program's model (refvmm.h).
 *
 * Random sessions through the library: `vm create` of random names, sizes
 * and guests (random instructions of docs/isa.md, written as assembly and
 * assembled by the real assembler), `vm load`, `vm select`, `vm destroy`,
 * `vm limit`, `vm stop`/`vm resume`/`stop`, `vm list`, `vm stats`,
 * `vm console`, `vm input`, `set slice`, `set hybrid` and `set cp-memory`
 * before the first VM, `go for N` and `go`, `step N`, `regs`, `examine` in
 * a VM and `-r`, `deposit -r`, `translate`, `load`, `console` and `stop`
 * with a VM selected, `info vms`, `reset all`, `save` and `restore`; and
 * the refusals the docs list (a 65th VM, a VM that does
 * not fit, names taken or bad, sizes out of range, an image larger than
 * the VM), after each of which the session must be as it was.  Every line
 * the model predicts is compared, and at the end of a session every VM's
 * state, memory, statistics, console and the real machine's words.
 * TGM_REFVMCMD_SESSIONS and TGM_REFVMCMD_SEED make the campaign larger or
 * different; TGM_REFVMCMD_SESSION=S reruns the session of seed S (the
 * failure names it) and TGM_REFVMCMD_VERBOSE=1 prints each command.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"

#include "mon_support.h"
#include "refvmcmd.h"
#include "rng.h"

static uint64_t rng_state, session_seed;
static bool verbose;
/* what the campaign met */
static struct {
    unsigned go, plain, done, step, refused, hybrid, many, limit_stops;
} cov;

static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return n ? (uint32_t)(rng_next(&rng_state) % n) : 0;
}

/* ---- the session under test ---- */

static struct ms_sess S;
static char last_line[300];
static char got_out[1 << 16], got_err[1024];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_line, sizeof last_line, fmt, ap);
    va_end(ap);
    size_t o0 = S.olen, e0 = S.elen;
    int rc = mon_exec_line(S.m, last_line);
    fflush(S.out), fflush(S.err);
    size_t no = S.olen - o0, ne = S.elen - e0;
    no = no < sizeof got_out - 1 ? no : sizeof got_out - 1;
    ne = ne < sizeof got_err - 1 ? ne : sizeof got_err - 1;
    memcpy(got_out, S.obuf + o0, no), got_out[no] = 0;
    memcpy(got_err, S.ebuf + e0, ne), got_err[ne] = 0;
    if (verbose)
        printf("> %s [rc %d]\n%s%s", last_line, rc, got_out, got_err);
    return rc;
}

static void mismatch(const char *what, const char *want, const char *got)
{
    printf("session seed %llu, '%s': %s differ\n--- model:\n%s--- monitor:\n%s",
           (unsigned long long)session_seed, last_line, what, want, got);
    fail_msg("session seed %llu, '%s': %s differ", (unsigned long long)session_seed, last_line,
             what);
}

/* The command's output and errors must be the model's. */
static void expect(int rc, const struct vc_out *o)
{
    char werr[600] = "";
    if (o->err[0])
        snprintf(werr, sizeof werr, "%s\n", o->err);
    if (strcmp(werr, got_err)) {
        /* a name that is no VM's may get a guess among the VMs' names */
        const char *see = strstr(werr, " (see 'vm list')");
        if (!see || strncmp(werr, got_err, (size_t)(see - werr)) ||
            !strstr(got_err, "(did you mean '"))
            mismatch("errors", werr, got_err);
    }
    cov.refused += o->err[0] != 0;
    if ((rc != 0) != (o->err[0] != 0))
        mismatch("status", o->err[0] ? "failure\n" : "success\n", rc ? "failure\n" : "success\n");
    if (strcmp(o->out, got_out))
        mismatch("output", o->out, got_out);
}

/* ---- random guests, as assembly ---- */

struct guest {
    char src[8192];
    struct tgm_image img;
};

static void gen_guest(struct guest *g, uint32_t *words)
{
    vc_guest_source(&rng_state, g->src, sizeof g->src, words);
    assert_int_equal(asm_assemble_string("guest.s", g->src, &g->img, stderr), 0);
}

/* ---- names ---- */

static int pick_live(const struct vc *s)
{
    int ids[VC_MAXVM], k = 0;
    for (int i = 0; i < VC_MAXVM; i++)
        if (s->vm[i].live)
            ids[k++] = i;
    return k ? ids[rn((uint32_t)k)] : -1;
}

/* ---- comparing the whole state ---- */

static void cmp_simple(struct vc *s, const char *line, void (*f)(const struct vc *, struct vc_out *, int), int id)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    f(s, &o, id);
    expect(run("%s", line), &o);
}

static void cmp_list(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    vc_list(s, &o);
    expect(run("vm list"), &o);
}

/* regs with VM ID focused: the side-by-side table's label and virtual
 * columns (the real machine's column is the CP's business), then the
 * VM's own block as it is. */
static void cmp_regs(struct vc *s, int id)
{
    static struct vc_out o;
    static char got[8192];
    memset(&o, 0, sizeof o);
    vc_regs(s, &o, id);
    int rc = run("regs");
    if (rc)
        mismatch("status", "success\n", got_err);
    vc_regs_columns(got_out, got, sizeof got);
    if (strcmp(o.out, got))
        mismatch("regs", o.out, got);
}

static void cmp_real(struct vc *s, uint32_t a, uint32_t n)
{
    run("examine -r %u %u", a, n);
    const char *p = got_out;
    for (uint32_t i = 0; i < n; i++) {
        unsigned addr;
        unsigned long long w;
        if (sscanf(p, "  0x%x %llx", &addr, &w) != 2 || addr != a + i)
            mismatch("examine -r", "a word a line\n", got_out);
        bool known;
        uint64_t want = vc_real(s, a + i, &known);
        if (known && want != w) {
            char m[80];
            snprintf(m, sizeof m, "E[%#x] = %016llx\n", a + i, (unsigned long long)want);
            mismatch("real memory", m, got_out);
        }
        p = strchr(p, '\n');
        if (!p)
            break;
        p++;
    }
}

static void cmp_all(struct vc *s)
{
    cmp_list(s);
    int focus = s->focus;
    for (int i = 0; i < VC_MAXVM; i++) {
        if (!s->vm[i].live || i >= CPM_MAXVM)
            continue;
        char line[80];
        snprintf(line, sizeof line, "vm stats %s", s->vm[i].name);
        cmp_simple(s, line, vc_stats, i);
        snprintf(line, sizeof line, "vm console %s", s->vm[i].name);
        cmp_simple(s, line, vc_console, i);
        assert_int_equal(run("vm select %d", i), 0);
        s->focus = i;
        cmp_regs(s, i);
        uint32_t w = s->vm[i].w, n = w < 200 ? w : 200; /* a large VM: its first and last words */
        static struct vc_out o;
        for (int part = 0; part < (w > n ? 2 : 1); part++) {
            uint32_t a = part ? w - 16 : 0, k = part ? 16 : n;
            memset(&o, 0, sizeof o);
            vc_examine(s, &o, i, a, k);
            expect(run("examine %u %u", a, k), &o);
            cmp_real(s, s->vm[i].base + a, k);
        }
    }
    if (s->cp)
        cmp_real(s, 1, 7);
    s->focus = focus;
    if (focus < 0)
        assert_int_equal(run("vm select bare"), 0);
    else
        assert_int_equal(run("vm select %d", focus), 0);
}


/* ---- the session ---- */

static char paths[4][256];

/* A guest written to one of the session's files; its image for the model. */
static const char *new_guest(struct guest *g, uint32_t *w)
{
    gen_guest(g, w);
    const char *path = paths[rn(4)];
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(g->src, f);
    fclose(f);
    return path;
}

static void do_create(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    int free_id = 0; /* the model's control program runs the first CPM_MAXVM ids */
    while (free_id < VC_MAXVM && s->vm[free_id].live)
        free_id++;
    if (free_id >= CPM_MAXVM)
        return;
    const char *name = vc_pick_name(&rng_state);
    struct guest g;
    uint32_t gw;
    bool file = rn(4) != 0;
    const char *path = file ? new_guest(&g, &gw) : NULL;
    long long w = file ? (long long)gw : 2 + rn(40);
    switch (rn(16)) {
    case 0: w = (long long)rn(2); break;
    case 1: w = VC_WMAX + 1 + rn(3); break;
    case 2: w = -1; break;
    case 3: w = file ? (long long)g.img.nwords - 1 - rn(2) : w; break; /* the image does not fit */
    case 4: w = rn(2) ? 200 + rn(2000) : VC_WMAX; break;
    default: break;
    }
    bool ok = vc_create(s, &o, name, w, path, file ? g.img.words : NULL, file ? g.img.load : 0,
                        file ? g.img.nwords : 0, file ? g.img.entry_psw : 0,
                        file ? g.img.nsyms : 0);
    int rc = file ? run("vm create %s %lld %s", name, w, path) : run("vm create %s %lld", name, w);
    expect(rc, &o);
    if (file)
        image_free(&g.img);
    if (!ok)
        cmp_list(s); /* a refusal leaves the session as it was */
}

static void do_load(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    int id = pick_live(s);
    const char *name = id >= 0 && rn(6) ? s->vm[id].name : vc_pick_name(&rng_state);
    struct guest g;
    uint32_t gw;
    const char *path = new_guest(&g, &gw);
    /* 'load FILE' with a VM selected loads it into that VM */
    bool focused = s->focus >= 0 && rn(3) == 0;
    if (focused)
        name = s->vm[s->focus].name;
    bool ok = vc_load(s, &o, name, path, g.img.words, g.img.load, g.img.nwords, g.img.entry_psw,
                      g.img.nsyms);
    if (focused && !strncmp(o.err, "vm: ", 4)) {
        memmove(o.err + 4, o.err + 2, strlen(o.err + 2) + 1);
        memcpy(o.err, "load", 4);
    }
    if (focused)
        expect(run("load %s", path), &o);
    else
        expect(run("vm load %s %s", name, path), &o);
    image_free(&g.img);
    if (!ok)
        cmp_list(s);
}

/* NAME's id, or the refusal a command that names a VM gets. */
static int named(struct vc *s, struct vc_out *o, const char **name, const char *cmd)
{
    int id = pick_live(s);
    *name = id >= 0 && rn(5) ? s->vm[id].name : vc_pick_name(&rng_state);
    id = vc_find(s, *name);
    if (id < 0)
        vc_no_vm(s, o, cmd, *name);
    return id;
}

static void do_state_cmd(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    const char *name;
    unsigned which = rn(5);
    int id = named(s, &o, &name, which == 2 ? "stop" : "vm");
    static const char *const verb[] = {"vm stop", "vm resume", "stop", "vm limit", "vm destroy"};
    uint64_t lim = id >= 0 && rn(3) ? s->c.vm[id].v.steps + rn(40) : rn(3);
    if (id < 0 && which == 3 && s->cp && lim < VC_MAXVM && s->vm[lim].live)
        snprintf(o.err, sizeof o.err, "vm: '%s' is not a VM: the order is 'vm limit NAME N'", name);
    if (id >= 0) {
        struct cpm_vm *m = &s->c.vm[id];
        switch (which) {
        case 0: case 2: cpm_stop(&s->c, id); break;
        case 1:
            /* at its limit, whatever its state says, it would stop again
             * at once: refused (the docs are silent; as the monitor) */
            if (m->max_steps && m->v.steps >= m->max_steps) {
                snprintf(o.err, sizeof o.err,
                         "vm: %s has taken the %llu steps of its limit ('vm limit %s N' raises it)",
                         name, (unsigned long long)m->max_steps, name);
                break;
            }
            cpm_resume(&s->c, id);
            break;
        case 3:
            cpm_set_limit(&s->c, id, lim);
            break;
        default: vc_destroy(s, &o, id); break;
        }
        if (which < 4 && !o.err[0])
            vc_printf(&o, "%s: %s\n", name, vc_state_name(m->state));
    }
    if (which == 3)
        expect(run("%s %s %llu", verb[which], name, (unsigned long long)lim), &o);
    else
        expect(run("%s %s", verb[which], name), &o);
}

static void do_select(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    if (!rn(6)) {
        s->focus = -1;
        expect(run("vm select bare"), &o);
        return;
    }
    int id = pick_live(s);
    if (id >= 0 && rn(3) == 0) {
        s->focus = id;
        expect(run("vm select %d", id), &o);
        return;
    }
    const char *name;
    id = named(s, &o, &name, "vm");
    if (!strcmp(name, "bare"))
        o.err[0] = 0, id = -1, s->focus = -1;
    if (id >= 0)
        s->focus = id;
    expect(run("vm select %s", name), &o);
}

/* go for N: the control program runs every runnable VM; the first line of
 * the report names the counts of the run (docs/monitor.md). */
static void do_go(struct vc *s)
{
    uint64_t n = 1 + rn(rn(2) ? 50 : 3000), steps = 0, cyc0 = 0, cyc1 = 0, st0 = 0, st1;
    bool bounded = true; /* plain 'go' ends when every VM meets its limit */
    for (int i = 0; i < CPM_MAXVM; i++)
        if (s->c.vm[i].live && s->c.vm[i].state == VM_RUNNABLE &&
            (!s->c.vm[i].max_steps || s->c.vm[i].max_steps > s->c.vm[i].v.steps + 3000))
            bounded = false;
    bool plain = bounded && rn(2);
    if (plain)
        n = UINT64_MAX;
    uint64_t each[CPM_MAXVM];
    bool lim0[CPM_MAXVM]; /* at its limit before the run */
    for (int i = 0; i < CPM_MAXVM; i++) {
        each[i] = s->c.vm[i].v.steps;
        lim0[i] = s->c.vm[i].state == VM_LIMIT;
        if (s->c.vm[i].live)
            cyc0 += s->c.vm[i].v.cycles, st0 += s->c.vm[i].v.steps;
    }
    enum vmm_stop r = VMMSTOP_BUDGET;
    /* the budget's last step may be the one that halts the last VM */
    for (st1 = st0; st1 - st0 < n && (r = vc_step1(s)) != VMMSTOP_DONE;)
        for (int i = st1 = 0; i < CPM_MAXVM; i++)
            st1 += s->c.vm[i].live ? s->c.vm[i].v.steps : 0;
    for (int i = st1 = 0; i < CPM_MAXVM; i++)
        if (s->c.vm[i].live)
            cyc1 += s->c.vm[i].v.cycles, st1 += s->c.vm[i].v.steps;
    steps = st1 - st0;
    if (r != VMMSTOP_DONE && steps >= n) {
        bool any = false; /* as vmm_run: no VM left runnable is DONE at the budget too */
        for (int i = 0; i < CPM_MAXVM; i++)
            any |= s->c.vm[i].live && s->c.vm[i].state == VM_RUNNABLE;
        r = any ? r : VMMSTOP_DONE;
    }
    /* the report: where each VM that ran is, the first line with the
     * counts (the first VM in id order that ran and runs on, else the first
     * that ran, else the selected one); a VM that halted or met its limit
     * says so, one that met its lowered limit without a step too
     * (docs/monitor.md, "Bare machine, VMs and the focus") */
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    char counts[120];
    snprintf(counts, sizeof counts, "stopped after %llu step%s, %llu cycle%s",
             (unsigned long long)steps, steps == 1 ? "" : "s", (unsigned long long)(cyc1 - cyc0),
             cyc1 - cyc0 == 1 ? "" : "s");
    bool done = r == VMMSTOP_DONE;
    if (done)
        vc_printf(&o, "no VM is runnable after %llu step%s\n", (unsigned long long)steps,
                  steps == 1 ? "" : "s");
    int lead = -1, shown = 0;
    for (int i = 0; i < CPM_MAXVM && !done && lead < 0; i++)
        if (s->c.vm[i].live && s->c.vm[i].v.steps != each[i] && s->c.vm[i].state == VM_RUNNABLE)
            lead = i;
    if (lead >= 0)
        vc_where(s, &o, lead, counts), shown++;
    for (int i = 0; i < CPM_MAXVM; i++) {
        const struct cpm_vm *m = &s->c.vm[i];
        if (i == lead || !m->live || (m->v.steps == each[i] && (lim0[i] || m->state != VM_LIMIT)))
            continue;
        const char *st = vc_state_name(m->state);
        vc_where(s, &o, i, shown++ || done ? (m->state == VM_RUNNABLE ? "stopped" : st) : counts);
    }
    if (!shown)
        vc_where(s, &o, s->focus, done ? vc_state_name(s->c.vm[s->focus].state) : counts);
    cov.go++, cov.plain += plain, cov.done += done;
    if (plain)
        run("go");
    else
        run("go for %llu", (unsigned long long)n);
    vc_unindented(got_out);
    if (strcmp(o.out, got_out))
        mismatch("go's report", o.out, got_out);
    cmp_list(s);
}

/* step N with a VM focused: N of its own steps, the others running
 * meanwhile as the control program schedules them. */
static void do_step(struct vc *s)
{
    int id = s->focus;
    struct cpm_vm *m = &s->c.vm[id];
    uint32_t n = 1 + rn(4);
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    if (m->state == VM_LIMIT) /* as 'vm resume' refuses it */
        snprintf(o.err, sizeof o.err,
                 "step: %s has taken the %llu steps of its limit ('vm limit %s N' raises it)",
                 s->vm[id].name, (unsigned long long)m->max_steps, s->vm[id].name);
    else if (m->state != VM_RUNNABLE)
        snprintf(o.err, sizeof o.err, "step: %s is %s ('vm resume' to run it)", s->vm[id].name,
                 vc_state_name(m->state));
    for (uint32_t k = 0; k < n && !o.err[0] && m->state == VM_RUNNABLE; k++) {
        uint64_t s0 = m->v.steps;
        while (m->v.steps == s0 && m->state == VM_RUNNABLE)
            if (vc_step1(s) == VMMSTOP_DONE)
                break;
    }
    cov.step++;
    cov.limit_stops += m->state == VM_LIMIT;
    int rc = run("step %u", n);
    if (o.err[0]) {
        expect(rc, &o);
        return;
    }
    if (rc || got_err[0])
        mismatch("step", "success\n", got_err);
    /* the steps are shown indented; HALT and the VM's own limit end it
     * with a line of their own */
    if (m->state == VM_HALTED)
        vc_printf(&o, "halted\n");
    else if (m->state == VM_LIMIT)
        vc_where(s, &o, id, "step limit");
    vc_unindented(got_out);
    if (strcmp(o.out, got_out))
        mismatch("step's stop", o.out, got_out);
}

static void do_look(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    int id = s->focus;
    switch (rn(6)) {
    case 0:
        if (rn(3)) {
            cmp_list(s);
        } else if (rn(2)) {
            vc_list(s, &o);
            expect(run("info vms"), &o);
        } else {
            for (int i = 0; i < VC_MAXVM; i++)
                if (s->vm[i].live)
                    vc_stats(s, &o, i);
            if (!o.n)
                vc_printf(&o, "no VMs\n");
            expect(run("vm stats"), &o);
        }
        break;
    case 1: {
        const char *name;
        int k = named(s, &o, &name, "vm");
        if (k >= 0)
            vc_stats(s, &o, k);
        expect(run("vm stats %s", name), &o);
        break;
    }
    case 2: {
        const char *name;
        int k = named(s, &o, &name, "vm");
        if (k >= 0)
            vc_console(s, &o, k);
        expect(run("vm console %s", name), &o);
        break;
    }
    case 3:
        if (id >= 0)
            cmp_regs(s, id);
        break;
    case 4:
        if (id >= 0) {
            uint32_t a = rn(s->vm[id].w), n = 1 + rn(s->vm[id].w - a);
            n = n < 200 ? n : 200;
            vc_examine(s, &o, id, a, n);
            expect(run("examine %u %u", a, n), &o);
        } else if (s->cp) {
            int k = pick_live(s);
            if (k >= 0 && k < CPM_MAXVM)
                cmp_real(s, s->vm[k].base, s->vm[k].w < 200 ? s->vm[k].w : 200);
        }
        break;
    default:
        if (id >= 0) {
            uint32_t a = rn(3) ? rn(s->vm[id].w + 4) : rn(RM_AMASK + 1);
            vc_translate(s, &o, id, a);
            expect(run("translate %#x", a), &o);
        }
        break;
    }
}

/* vm input NAME TEXT: console input for CIN, the VM's own. */
static uint8_t inbuf[CPM_MAXVM][512];

static void do_input(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    const char *name;
    int id = named(s, &o, &name, "vm");
    char text[16];
    uint32_t n = 1 + rn(8);
    for (uint32_t i = 0; i < n; i++)
        text[i] = (char)('a' + rn(26));
    text[n] = 0;
    if (id < 0 && s->cp && vc_find(s, text) >= 0) /* the words swapped, it seems */
        snprintf(o.err, sizeof o.err, "vm: '%s' is not a VM: the order is 'vm input NAME TEXT'",
                 name);
    if (id >= 0) {
        struct rm *v = &s->c.vm[id].v;
        if (v->in != inbuf[id]) /* a new VM: its input starts empty */
            memmove(inbuf[id], v->in ? v->in : inbuf[id], v->nin), v->in = inbuf[id];
        if (v->nin + n <= sizeof inbuf[id])
            memcpy(inbuf[id] + v->nin, text, n), v->nin += n;
        else
            return;
    }
    expect(run("vm input %s %s", name, text), &o);
}

/* deposit -r: the control program's E[1..7] refused, a region's words
 * the VM's own E. */
static void do_deposit(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    uint64_t val = rng_next(&rng_state) >> rn(64);
    int id = pick_live(s);
    uint32_t a = rn(3) == 0 || id < 0 ? 1 + rn(7) : s->vm[id].base + rn(s->vm[id].w);
    if (!s->cp)
        snprintf(o.err, sizeof o.err, "deposit: -r: no control program yet (create a VM first)");
    else if (a < VMM_K)
        snprintf(o.err, sizeof o.err,
                 "deposit: real E[%u] belongs to the control program (E[1..7] stay as installed, "
                 "or a trap would not reach it)", a);
    else
        s->c.vm[id].v.e[a - s->vm[id].base] = val;
    int rc = run("deposit -r %u %#llx", a, (unsigned long long)val);
    if (o.err[0])
        expect(rc, &o);
    else if (rc)
        mismatch("deposit -r", "success\n", got_err);
    if (o.err[0] && s->cp)
        cmp_real(s, 1, 7);
}

static void do_reset_all(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    uint32_t cpmem = s->cpmem;
    bool hybrid = s->hybrid;
    uint64_t slice = s->slice;
    vc_free(s);
    vc_init(s);
    s->cpmem = cpmem, s->hybrid = s->c.hybrid = hybrid, s->slice = s->c.slice = slice;
    vc_printf(&o, "bare machine reset: q=65536, profile virtualizable; control program removed\n");
    expect(run("reset all"), &o);
    cmp_list(s);
}

/* With a VM selected, 'console', 'console input', 'console clear' and
 * 'stop' act on it. */
static void do_focused(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    int id = s->focus;
    if (id < 0 || id >= CPM_MAXVM)
        return;
    struct rm *v = &s->c.vm[id].v;
    switch (rn(4)) {
    case 0:
        vc_console(s, &o, id);
        expect(run("console"), &o);
        break;
    case 1: {
        char text[8];
        uint32_t n = 1 + rn(6);
        for (uint32_t i = 0; i < n; i++)
            text[i] = (char)('A' + rn(26));
        text[n] = 0;
        if (v->in != inbuf[id])
            memmove(inbuf[id], v->in ? v->in : inbuf[id], v->nin), v->in = inbuf[id];
        if (v->nin + n > sizeof inbuf[id])
            return;
        memcpy(inbuf[id] + v->nin, text, n), v->nin += n;
        expect(run("console input %s", text), &o);
        break;
    }
    case 2:
        v->nout = 0; /* the output so far is forgotten, queued input stays */
        expect(run("console clear"), &o);
        break;
    default:
        cpm_stop(&s->c, id);
        vc_printf(&o, "%s: %s\n", s->vm[id].name, vc_state_name(s->c.vm[id].state));
        expect(run("stop"), &o);
        break;
    }
}

/* save and restore: the whole system, the control program and every VM
 * with it, and how its dispatcher stood (docs/monitor.md, "Snapshots"). */
static char snap_path[256];
static struct vc saved;
static uint8_t saved_in[CPM_MAXVM][512];
static bool have_saved;

static void do_snapshot(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    if (!have_saved || rn(2)) {
        vc_copy(&saved, s, saved_in, (const uint8_t(*)[512])inbuf);
        have_saved = true;
        vc_printf(&o, "saved %s\n", snap_path);
        expect(run("save %s", snap_path), &o);
        return;
    }
    vc_copy(s, &saved, inbuf, (const uint8_t(*)[512])saved_in);
    vc_printf(&o, "restored %s\n", snap_path);
    expect(run("restore %s", snap_path), &o);
    cmp_list(s);
}

static void do_slice(struct vc *s)
{
    static struct vc_out o;
    memset(&o, 0, sizeof o);
    uint64_t n = rn(8) ? 1 + rn(rn(2) ? 30 : 3000) : 0;
    if (!n)
        snprintf(o.err, sizeof o.err, "set: 0 cycles is out of range (1..9223372036854775807)");
    else
        cpm_set_slice(&s->c, n), s->slice = n;
    expect(run("set slice %llu", (unsigned long long)n), &o);
}

/* Up to 64 VMs of 2 words, then a 65th refused; the VMs past the control
 * program model's table go again before anything runs. */
static void do_many(struct vc *s)
{
    static struct vc_out o;
    for (int i = 0; i < VC_MAXVM + 1; i++) {
        char name[16];
        snprintf(name, sizeof name, "m%d", i);
        memset(&o, 0, sizeof o);
        vc_create(s, &o, name, 2, NULL, NULL, 0, 0, 0, 0);
        expect(run("vm create %s 2", name), &o);
    }
    cmp_list(s);
    for (int i = CPM_MAXVM; i < VC_MAXVM; i++)
        if (s->vm[i].live) {
            memset(&o, 0, sizeof o);
            vc_destroy(s, &o, i);
            expect(run("vm destroy %s", s->vm[i].name), &o);
        }
}

static void session(uint64_t seed, unsigned ncmd)
{
    static struct vc s;
    session_seed = seed;
    rng_state = seed;
    vc_init(&s);
    ms_sess_open(&S);
    assert_int_equal(run("set console off"), 0);
    if (rn(3) == 0) {
        s.cpmem = rn(2) ? 9 + rn(300) : 1000 + rn(3000);
        assert_int_equal(run("set cp-memory %u", s.cpmem), 0);
    }
    if (rn(3) == 0) {
        s.hybrid = s.c.hybrid = true;
        assert_int_equal(run("set hybrid on"), 0);
    }
    if (rn(2)) {
        s.slice = s.c.slice = 1 + rn(rn(2) ? 20 : 500);
        assert_int_equal(run("set slice %llu", (unsigned long long)s.slice), 0);
    } else
        s.c.slice = VMM_DEFAULT_SLICE;
    bool many = rn(20) == 0;
    cov.many += many, cov.hybrid += s.hybrid;
    for (unsigned k = 0; k < ncmd; k++) {
        unsigned r = rn(100);
        if (many && k == ncmd / 2)
            do_many(&s);
        else if (r < 18)
            do_create(&s);
        else if (r < 24)
            do_load(&s);
        else if (r < 32)
            do_select(&s);
        else if (r < 44)
            do_state_cmd(&s);
        else if (r < 47)
            do_slice(&s);
        else if (r < 62) {
            if (s.focus >= 0 && vc_can_run(&s))
                do_go(&s);
        } else if (r < 72) {
            if (s.focus >= 0 && s.focus < CPM_MAXVM && vc_can_run(&s))
                do_step(&s);
        } else if (r < 76)
            do_input(&s);
        else if (r < 80)
            do_deposit(&s);
        else if (r == 80 && rn(3) == 0)
            do_reset_all(&s);
        else if (r >= 81 && r < 85)
            do_focused(&s);
        else if (r >= 85 && r < 88 && vc_can_run(&s))
            do_snapshot(&s);
        else
            do_look(&s);
    }
    cmp_all(&s);
    ms_sess_close(&S);
    vc_free(&s);
    vc_free(&saved);
    have_saved = false;
}

static void refvmcmd__random_sessions_agree_with_the_documented_vm_commands(void **state)
{
    (void)state;
    uint64_t n = rng_env("TGM_REFVMCMD_SESSIONS", 60);
    uint64_t seed = rng_env("TGM_REFVMCMD_SEED", 0x7e5f);
    verbose = rng_env("TGM_REFVMCMD_VERBOSE", 0) != 0;
    for (int i = 0; i < 4; i++) {
        char stem[32];
        snprintf(stem, sizeof stem, "refvmcmd-g%d", i);
        ms_tmp_file(paths[i], sizeof paths[i], stem);
    }
    ms_tmp_file(snap_path, sizeof snap_path, "refvmcmd-snap");
    uint64_t st = seed, one = rng_env("TGM_REFVMCMD_SESSION", 0);
    for (uint64_t i = 0; i < n; i++)
        session(one ? one : rng_next(&st), 40);
    for (int i = 0; i < 4; i++)
        unlink(paths[i]);
    unlink(snap_path);
    printf("refvmcmd: %llu sessions agreed (seed %#llx): %u go (%u plain, %u ending with no VM "
           "runnable), %u step (%u at the VM's limit), %u refusals, %u hybrid, %u with 64 VMs\n",
           (unsigned long long)n, (unsigned long long)seed, cov.go, cov.plain, cov.done, cov.step,
           cov.limit_stops, cov.refused, cov.hybrid, cov.many);
}

/* Two VMs: A counts down a long loop, B (selected) loops printing; B
 * takes 3 steps, and its limit is then set to 2, below them. */
static void two_vms_b_past_its_limit(char pa[256], char pb[256])
{
    ms_tmp_file(pa, 256, "refvmcmd-ra");
    ms_tmp_file(pb, 256, "refvmcmd-rb");
    FILE *f = fopen(pa, "w");
    assert_non_null(f);
    fputs(".entry 2\n.word 0\n.word 0\n LI 9, 5000\n DJNZ 9, 3\n HALT\n", f);
    fclose(f);
    f = fopen(pb, "w");
    assert_non_null(f);
    fputs("start: LI x, 65\n COUT x\nl: ADDI x, x, 1\n JMP l\nx: .word 0\n", f);
    fclose(f);
    ms_sess_open(&S);
    assert_int_equal(run("set console off"), 0);
    assert_int_equal(run("set slice 20"), 0);
    assert_int_equal(run("vm create a 20 %s", pa), 0);
    assert_int_equal(run("vm create b 20 %s", pb), 0);
    assert_int_equal(run("step 3"), 0);
    assert_int_equal(run("vm limit b 2"), 0);
}

/* docs/monitor.md, step: "HALT, a watchpoint or trap stop, the step limit,
 * the VM's own ('vm limit') ... stop it early, as they stop 'go'".  A VM
 * whose limit is already reached takes no step: 'step' said nothing and ran
 * the other VMs on until none was runnable (A's 5000-step loop to its
 * HALT). */
static void refvmcmd__step_stops_at_a_limit_already_reached(void **state)
{
    (void)state;
    char pa[256], pb[256];
    two_vms_b_past_its_limit(pa, pb);
    assert_int_equal(run("step 2"), 0);
    assert_non_null(strstr(got_out, "b: step limit: "));
    assert_int_equal(run("vm list"), 0);
    assert_non_null(strstr(got_out, "   0 a            runnable "));
    assert_non_null(strstr(got_out, "*  1 b            step limit "));
    ms_sess_close(&S);
    unlink(pa), unlink(pb);
}

/* 'step' refused a VM at its limit with "('vm resume' to run it)", which
 * 'vm resume' refuses; the docs: "a VM at its limit runs on when it is
 * raised" (help vm).  It now says what 'vm resume' says. */
static void refvmcmd__step_at_a_limit_names_vm_limit_not_vm_resume(void **state)
{
    (void)state;
    char pa[256], pb[256];
    two_vms_b_past_its_limit(pa, pb);
    assert_int_equal(run("go for 1"), 0); /* b meets its limit */
    assert_int_not_equal(run("step"), 0);
    assert_string_equal(got_err, "step: b has taken the 2 steps of its limit ('vm limit b N' raises it)\n");
    assert_int_not_equal(run("vm resume b"), 0);
    assert_int_equal(run("vm limit b 4"), 0);
    assert_int_equal(run("step"), 0);
    assert_null(strstr(got_err, "step"));
    ms_sess_close(&S);
    unlink(pa), unlink(pb);
}

/* docs/monitor.md: "At most 64 VMs exist at once ...: a 65th `vm create`
 * is refused (`vm: no more than 64 VMs`)".  With the real memory full as
 * well, the 65th was refused for want of a region instead. */
static void refvmcmd__a_65th_vm_is_refused_as_such_in_a_full_memory(void **state)
{
    (void)state;
    ms_sess_open(&S);
    assert_int_equal(run("set cp-memory %d", VMM_K + 2 * VC_MAXVM), 0);
    for (int i = 0; i < VC_MAXVM; i++)
        assert_int_equal(run("vm create v%d 2", i), 0);
    assert_int_not_equal(run("vm create w 2"), 0);
    assert_string_equal(got_err, "vm: no more than 64 VMs\n");
    assert_int_equal(run("vm destroy v5"), 0);
    assert_int_equal(run("vm create w 2"), 0);
    ms_sess_close(&S);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refvmcmd__random_sessions_agree_with_the_documented_vm_commands),
        cmocka_unit_test(refvmcmd__step_stops_at_a_limit_already_reached),
        cmocka_unit_test(refvmcmd__step_at_a_limit_names_vm_limit_not_vm_resume),
        cmocka_unit_test(refvmcmd__a_65th_vm_is_refused_as_such_in_a_full_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
