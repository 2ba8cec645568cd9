/* test_audit_refrev.c: the monitor's reverse execution and history ring
 * against a naive model written from docs/monitor.md ("Reverse
 * execution", "In a VM", "The history ring", rstep, rcontinue, history).
 *
 * The model drives a twin machine one step at a time itself and keeps
 * every state of the history and a record of every step.  A random session
 * (runs, rstep, rcontinue, commands that start a new history and commands
 * that must not) goes through the monitor, and after each command the
 * monitor's machine must be, byte for byte, the model's state at the step
 * the docs name, and 'history N' must list the model's last steps.
 * Checkpoints are close together and runs long, so that the list of
 * checkpoints thins often.  TGM_REFREV_SESSIONS runs more sessions than 100 (from
 * seed TGM_REFREV_FIRST);
 * test_audit_refrev_vm.c does the same with VMs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "progen.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "rng.h"

#define LIMIT 4000 /* 'set limit': every run ends */

static uint64_t rs;
static uint64_t rnd(void)
{
    return rng_xorshift(&rs);
}
static uint64_t below(uint64_t n) { return rnd() % n; }

static unsigned long sessions(unsigned long dflt)
{
    const char *e = getenv("TGM_REFREV_SESSIONS");
    return e ? strtoul(e, NULL, 10) : dflt;
}
/* TGM_REFREV_FIRST: the first seed (1), to go on from a campaign's end. */
static unsigned long sessions_from(void)
{
    const char *e = getenv("TGM_REFREV_FIRST");
    return e ? strtoul(e, NULL, 10) : 1;
}

/* One step as 'history' shows it. */
struct rec {
    uint64_t cycles, psw;
    uint8_t trap;
};

struct blob {
    uint8_t *b;
    size_t len;
};

/* The model of the bare machine: states st[0..n-1] of the history (st[0]
 * where it begins), rc[k] the step that led to st[k], pos where the
 * machine is. */
struct model {
    struct machine *m; /* the twin, driven here */
    struct blob *st;
    struct rec *rc;
    size_t n, pos, cap;
    struct rec *ring; /* every step executed, the newest last */
    size_t nring, ringcap, ringmax;
    uint32_t bp[4];
    size_t nbp;
    uint32_t wa[2];
    int wm[2];
    size_t nw;
};

static struct blob save_state(struct machine *m)
{
    struct blob s;
    assert_int_equal(machine_state_save(m, true, &s.b, &s.len), 0);
    return s;
}

static void load_state(struct machine *m, const struct blob *s)
{
    char err[256];
    if (machine_state_load(m, s->b, s->len, err, sizeof err) != 0)
        fail_msg("state load: %s", err);
}

static void ring_push(struct model *md, struct rec r)
{
    if (md->nring == md->ringcap) {
        md->ringcap = md->ringcap ? 2 * md->ringcap : 1024;
        md->ring = realloc(md->ring, md->ringcap * sizeof *md->ring);
        assert_non_null(md->ring);
    }
    md->ring[md->nring++] = r;
    /* keep the newest ringmax, and a run's worth more for settle() */
    size_t keep = md->ringmax + LIMIT;
    if (md->nring > 2 * keep) {
        memmove(md->ring, md->ring + md->nring - keep, keep * sizeof *md->ring);
        md->nring = keep;
    }
}

static void truncate_to(struct model *md, size_t n)
{
    for (size_t k = n; k < md->n; k++)
        free(md->st[k].b);
    if (n < md->n)
        md->n = n;
}

/* A new history begins at the machine's state now. */
static void rebase(struct model *md)
{
    truncate_to(md, 0);
    md->st[0] = save_state(md->m);
    md->n = 1;
    md->pos = 0;
}

static void push_state(struct model *md, struct rec r)
{
    truncate_to(md, md->pos + 1);
    if (md->n == md->cap) {
        md->cap *= 2;
        md->st = realloc(md->st, md->cap * sizeof *md->st);
        md->rc = realloc(md->rc, md->cap * sizeof *md->rc);
        assert_true(md->st && md->rc);
    }
    md->st[md->n] = save_state(md->m);
    md->rc[md->n] = r;
    md->pos = md->n++;
    ring_push(md, r);
}

/* Back (or forward) to st[k]: the ring holds the steps that led there. */
static void go_to(struct model *md, size_t k)
{
    load_state(md->m, &md->st[k]);
    md->pos = k;
    md->nring = 0;
    for (size_t j = 1; j <= k; j++)
        ring_push(md, md->rc[j]);
}

static void trace_hook(void *ctx, const struct machine_trace *t)
{
    struct rec *r = ctx;
    r->cycles = t->cycles;
    r->psw = t->psw_before;
    r->trap = t->trap;
}

/* A timer trap is due: the next step takes it and runs no instruction. */
static bool timer_first(const struct machine *m)
{
    struct machine_timer t = machine_get_timer(m);
    return machine_ie(m) && (t.pending || (t.armed && t.remaining <= 0));
}

static bool at_break(const struct model *md, const struct machine *m)
{
    uint32_t phys;
    /* a timer trap due comes first: E[P] is not about to run, and the
     * machine's run loop does not stop there */
    if (timer_first(m))
        return false;
    if (machine_develop(m, machine_p(m), &phys) != 0)
        return false;
    for (size_t i = 0; i < md->nbp; i++)
        if (md->bp[i] == phys)
            return true;
    return false;
}

enum { RUN_STEP, RUN_GO };

/* A run of at most N steps (and LIMIT), 'step' (no breakpoints) or a
 * 'go' (breakpoints, not at its first step, and the one-shot UNTIL);
 * HALT and a watchpoint hit end it after their step.  Returns the
 * steps taken. */
static uint64_t model_run(struct model *md, int kind, uint64_t n, int64_t until)
{
    uint64_t k = 0;
    if (n > LIMIT)
        n = LIMIT;
    while (k < n) {
        if (k > 0 && kind == RUN_GO) {
            uint32_t phys;
            if (at_break(md, md->m))
                break;
            if (until >= 0 && !timer_first(md->m) &&
                machine_develop(md->m, machine_p(md->m), &phys) == 0 &&
                phys == (uint32_t)until)
                break;
        }
        struct rec r = {0};
        machine_set_trace(md->m, trace_hook, &r);
        struct machine_exit ex;
        enum exit_reason why = machine_step(md->m, &ex);
        machine_set_trace(md->m, NULL, NULL);
        push_state(md, r);
        k++;
        if (why == EXIT_HALT || why == EXIT_WATCH)
            break;
    }
    return k;
}

static void model_watch(struct model *md)
{
    for (uint32_t a = 0; a < PG_W; a++)
        machine_watch(md->m, a, 0);
    for (size_t i = 0; i < md->nw; i++)
        machine_watch(md->m, md->wa[i], machine_watch_test(md->m, md->wa[i]) | md->wm[i]);
}

/* rcontinue: the latest state before pos at a breakpoint, after a trap or
 * after a step that touched a watched word (conditions and ignore counts
 * do not apply), else the start of the history. */
static size_t model_rcontinue_target(struct model *md)
{
    size_t found = 0;
    for (size_t j = md->pos; j-- > 0;) {
        if (j >= 1 && md->rc[j].trap) {
            found = j;
            break;
        }
        load_state(md->m, &md->st[j]);
        if (at_break(md, md->m)) {
            found = j;
            break;
        }
        if (j >= 1 && md->nw) {
            load_state(md->m, &md->st[j - 1]);
            struct machine_exit ex;
            if (machine_step(md->m, &ex) == EXIT_WATCH) {
                found = j;
                break;
            }
        }
    }
    load_state(md->m, &md->st[md->pos]);
    return found;
}

/* ---- the monitor side ---- */

/* The command run last, and where its output and errors begin in the
 * session's buffers (OUT and ERR below). */
static char line[512];
static size_t omark, emark;

static int run_line(struct ms_sess *s)
{
    fflush(s->out);
    fflush(s->err);
    omark = s->olen;
    emark = s->elen;
    if (getenv("TGM_REFREV_VERBOSE"))
        fprintf(stderr, "> %s\n", line);
    int rc = mon_exec_line(s->m, line);
    fflush(s->out);
    fflush(s->err);
    if (getenv("TGM_REFREV_VERBOSE"))
        fprintf(stderr, "%s%s", s->obuf + omark, s->ebuf + emark);
    return rc;
}
#define OUT(s) ((s)->obuf + omark)
#define ERR(s) ((s)->ebuf + emark)

static int exec(struct ms_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int exec(struct ms_sess *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    return run_line(s);
}

static char ctx[640]; /* seed and command, for failure messages */

static void psw_text(uint64_t w, char *buf, size_t len)
{
    struct psw p = psw_unpack(w);
    snprintf(buf, len, "%c I=%d P=0x%05x l=0x%05x b=0x%05x", p.sup ? 's' : 'u', p.ie, p.p,
             p.l, p.b);
}

/* 'history N' must list the model's last steps: cycles after each, the
 * PSW it ran under and its trap. */
static void check_history(struct ms_sess *s, const struct rec *ring, size_t nring,
                          size_t ringmax, unsigned n)
{
    size_t want = nring < ringmax ? nring : ringmax;
    if (want > n)
        want = n;
    assert_int_equal(exec(s, "history %u", n), 0);
    const char *o = OUT(s);
    if (want == 0) { /* 'history 0' asks for none, and shows no line */
        bool none = !strcmp(o, "no instructions executed yet\n");
        if (n ? !none : *o != '\0')
            fail_msg("%s: history %u: want no entries, got:\n%s", ctx, n, o);
        return;
    }
    const struct rec *r = ring + nring - want;
    for (size_t i = 0; i < want; i++, r++) {
        const char *nl = strchr(o, '\n');
        unsigned long long cyc;
        char want_psw[96];
        int used = 0;
        psw_text(r->psw, want_psw, sizeof want_psw);
        if (!nl || sscanf(o, "%llu %n", &cyc, &used) != 1 || cyc != r->cycles ||
            strncmp(o + used, want_psw, strlen(want_psw)) ||
            (r->trap != 0) != (strstr(o, "-> trap") != NULL && strstr(o, "-> trap") < nl) ||
            (r->trap && strncmp(strstr(o, "-> trap ") + 8, trap_cause_name(r->trap),
                                strlen(trap_cause_name(r->trap)))))
            fail_msg("%s: history %u, line %zu of %zu: want %llu %s%s%s, got:\n%s", ctx, n,
                     i + 1, want, (unsigned long long)r->cycles, want_psw,
                     r->trap ? " -> trap " : "", r->trap ? trap_cause_name(r->trap) : "", o);
        o = nl + 1;
    }
    if (*o)
        fail_msg("%s: history %u: more lines than the %zu wanted:\n%s", ctx, n, want, o);
}

static void check_same(struct machine *got, struct machine *want)
{
    struct blob a = save_state(got), b = save_state(want);
    if (a.len != b.len || memcmp(a.b, b.b, a.len)) {
        char diff[512];
        machine_compare(got, want, CMP_COUNTERS, "monitor", "model", diff, sizeof diff);
        fail_msg("%s: the state differs: %s (steps %llu, P %#x; model %llu, P %#x)", ctx, diff,
                 (unsigned long long)machine_steps(got), machine_p(got),
                 (unsigned long long)machine_steps(want), machine_p(want));
    }
    free(a.b);
    free(b.b);
}

/* 'regs' shows the counters the model has. */
static void check_regs(struct ms_sess *s, struct machine *want)
{
    struct machine_counters c = machine_get_counters(want);
    char buf[128];
    snprintf(buf, sizeof buf, "cycles %llu  insns %llu  steps %llu",
             (unsigned long long)c.cycles, (unsigned long long)c.instret,
             (unsigned long long)c.steps);
    assert_int_equal(exec(s, "regs"), 0);
    if (!strstr(OUT(s), buf))
        fail_msg("%s: regs: want '%s' in:\n%s", ctx, buf, OUT(s));
}

/* 'examine' of a few words shows the model's E. */
static void check_examine(struct ms_sess *s, struct machine *want, uint32_t a)
{
    assert_int_equal(exec(s, "examine -d %u 1", a), 0);
    uint64_t v;
    machine_read_phys(want, a, &v);
    char buf[64];
    snprintf(buf, sizeof buf, "%lld", (long long)v);
    const char *nl = strchr(OUT(s), '\n'), *o = nl;
    while (o && o > OUT(s) && o[-1] != ' ')
        o--;
    if (!o || (size_t)(nl - o) != strlen(buf) || strncmp(o, buf, strlen(buf)))
        fail_msg("%s: examine -d %u: want %s in: %s", ctx, a, buf, OUT(s));
}

/* A physical address P reaches within the next few steps, for 'until'
 * and 'break' (so that they are hit). */
static uint32_t ahead(struct model *md)
{
    uint64_t n = 1 + below(200);
    uint32_t phys = 256;
    for (uint64_t k = 0; k < n; k++) {
        struct machine_exit ex;
        if (machine_step(md->m, &ex) == EXIT_HALT)
            break;
    }
    if (machine_develop(md->m, machine_p(md->m), &phys) != 0)
        phys = 256;
    load_state(md->m, &md->st[md->pos]);
    return phys;
}

/* The monitor stopped a run steps before the model: only a trap loop (a
 * disabled wait) may do that. */
static void settle(struct model *md, struct machine *got)
{
    uint64_t g = machine_steps(got), w = machine_steps(md->m);
    if (g >= w)
        return;
    size_t back = (size_t)(w - g);
    if (back > md->pos)
        fail_msg("%s: the monitor is %zu steps behind the model", ctx, back);
    load_state(md->m, &md->st[md->pos - back]);
    unsigned cause;
    if (!machine_trap_loop(md->m, &cause))
        fail_msg("%s: the monitor stopped %zu steps before the model, not in a trap loop", ctx,
                 back);
    md->pos -= back;
    md->nring = md->nring > back ? md->nring - back : 0;
    truncate_to(md, md->pos + 1);
}

static void bare_session(uint64_t seed, FILE *sink, unsigned ncmd)
{
    rs = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
    char img_path[256], snap_path[256];
    ms_tmp_file(img_path, sizeof img_path, "refrev-img");
    ms_tmp_file(snap_path, sizeof snap_path, "refrev-snap");
    strcat(img_path, ".img");
    struct tgm_image img;
    char err[256];
    pg_generate(seed, NULL, &img);
    assert_int_equal(image_write_file(img_path, &img, err, sizeof err), 0);

    struct ms_sess s;
    ms_sess_open(&s);
    struct mon *twin = mon_create(sink, sink);
    assert_non_null(twin);
    ms_cmd(twin, "set memory %u", PG_W);
    struct model md = {.m = mon_machine(twin), .cap = 64, .ringmax = 256};
    md.st = calloc(md.cap, sizeof *md.st);
    md.rc = calloc(md.cap, sizeof *md.rc);
    assert_true(md.st && md.rc);
    unsigned ckpt = 1 + (unsigned)below(12);
    ms_cmd(s.m, "set memory %u; set limit %d; set checkpoint %u", PG_W, LIMIT, ckpt);
    if (below(2)) {
        md.ringmax = below(3) ? 1 + below(40) : 2000 + below(3000);
        ms_cmd(s.m, "set ring %zu", md.ringmax);
    }
    ms_cmd(s.m, "load %s", img_path);
    assert_int_equal(image_load(md.m, &img, err, sizeof err), 0);
    rebase(&md);
    struct blob saved = {0};

    for (unsigned c = 0; c < ncmd; c++) {
        unsigned k = (unsigned)below(100);
        int rc = 0;
        bool fwd = k < 38; /* a run forward, which a trap loop may end early */
        line[0] = 0;
        if (k < 14) { /* step N */
            uint64_t n = below(4) ? 1 + below(30) : 1 + below(600);
            rc = exec(&s, "step %llu", (unsigned long long)n);
            model_run(&md, RUN_STEP, n, -1);
        } else if (k < 26) { /* go for N: long, so that checkpoints thin */
            uint64_t n = below(3) ? 1 + below(LIMIT) : 1 + below(50);
            rc = exec(&s, "go for %llu", (unsigned long long)n);
            model_run(&md, RUN_GO, n, -1);
        } else if (k < 32) {
            uint32_t a = ahead(&md);
            rc = exec(&s, "until %u", a);
            model_run(&md, RUN_GO, UINT64_MAX, a);
        } else if (k < 38) {
            rc = exec(&s, "continue");
            model_run(&md, RUN_GO, UINT64_MAX, -1);
        } else if (k < 52) { /* rstep, now and then past the start */
            uint64_t n = below(5) == 0 ? md.pos + 1 + below(5) : below(4) ? 1 + below(md.pos + 1) : 1;
            if (n == 1 && below(2))
                rc = exec(&s, "rstep");
            else
                rc = exec(&s, "rstep %llu", (unsigned long long)n);
            uint64_t start = machine_get_counters(md.m).steps - md.pos;
            if (n > md.pos) {
                char want[96];
                snprintf(want, sizeof want, "at step %llu", (unsigned long long)start);
                /* right after a change, it says so */
                if (rc != -1 || !strstr(ERR(&s), want) ||
                    (md.n == 1) != (strstr(ERR(&s), "nothing to go back to") != NULL))
                    fail_msg("%s: rstep %llu past the start (%zu back, %s): rc %d, '%s'", line,
                             (unsigned long long)n, md.pos, want, rc, ERR(&s));
                rc = 0;
            } else {
                go_to(&md, md.pos - n);
            }
        } else if (k < 60) {
            rc = exec(&s, "rcontinue");
            if (md.n == 1) { /* nothing ran since the change */
                char want[192];
                snprintf(want, sizeof want, "nothing to go back to: the machine was changed "
                         "since it last ran, so its history starts here, at step %llu",
                         (unsigned long long)machine_steps(md.m));
                if (rc != -1 || !strstr(ERR(&s), want))
                    fail_msg("seed %llu: %s: rcontinue right after a change: rc %d, '%s'", (unsigned long long)seed, line, rc,
                             ERR(&s));
                rc = 0;
            } else {
                go_to(&md, model_rcontinue_target(&md));
            }
        } else if (k < 64) { /* deposit: a new history */
            uint32_t a = 16 + (uint32_t)below(96);
            uint64_t v = below(4) ? below(1000) : machine_mem(md.m)[a];
            rc = exec(&s, "deposit %u %llu", a, (unsigned long long)v);
            uint64_t was;
            machine_read_phys(md.m, a, &was);
            machine_write_phys(md.m, a, v);
            if (was != v) /* the same value changes nothing: the history stays */
                rebase(&md);
        } else if (k < 67) {
            rc = exec(&s, "console input ab%u", (unsigned)below(10));
            char txt[8];
            snprintf(txt, sizeof txt, "ab%c", line[strlen(line) - 1]);
            machine_console_input(md.m, (const uint8_t *)txt, 3);
            rebase(&md);
        } else if (k < 69) {
            rc = exec(&s, "reset; load %s", img_path);
            machine_reset(md.m);
            md.nring = 0; /* the code forgets the ring: the docs leave it open */
            assert_int_equal(image_load(md.m, &img, err, sizeof err), 0);
            rebase(&md);
        } else if (k < 72) {
            rc = exec(&s, "save %s nobreaks", snap_path);
            free(saved.b);
            saved = save_state(md.m);
        } else if (k < 75 && saved.b) {
            rc = exec(&s, "restore %s", snap_path);
            md.nring = 0; /* as 'reset' */
            struct blob now = save_state(md.m);
            bool same = now.len == saved.len && !memcmp(now.b, saved.b, now.len);
            free(now.b);
            if (!same) { /* the very state keeps the history */
                load_state(md.m, &saved);
                rebase(&md);
            }
        } else if (k < 77) {
            ckpt = 1 + (unsigned)below(below(2) ? 8 : 3000);
            rc = exec(&s, "set checkpoint %u", ckpt);
            rebase(&md);
        } else if (k < 79) {
            size_t was = md.ringmax; /* the ring kept that many; the newest stay */
            md.ringmax = below(3) ? 1 + below(300) : 1 + below(5000);
            rc = exec(&s, "set ring %zu", md.ringmax);
            size_t keep = was < md.ringmax ? was : md.ringmax;
            if (md.nring > keep) {
                memmove(md.ring, md.ring + md.nring - keep, keep * sizeof *md.ring);
                md.nring = keep;
            }
        } else if (k < 85) { /* commands that look */
            static const char *const look[] = {"regs", "examine 16 8", "print E[20] + 1",
                                               "console", "info breakpoints", "x/3i 256"};
            rc = exec(&s, "%s", look[below(6)]);
        } else if (k < 91 && md.nbp < 4) {
            uint32_t a = below(3) ? ahead(&md) : 256 + (uint32_t)below(PG_W - 256);
            rc = exec(&s, "break %u", a);
            md.bp[md.nbp++] = a;
        } else if (k < 94 && md.nw < 2) {
            static const char *const kind[] = {"read", "write", "access"};
            int w = 1 + (int)below(3);
            uint32_t a = below(4) ? 16 + (uint32_t)below(96) : (uint32_t)below(2);
            rc = exec(&s, "watch %s %u", kind[w - 1], a);
            md.wa[md.nw] = a;
            md.wm[md.nw++] = w; /* WATCH_READ 1, WATCH_WRITE 2, both 3 */
            model_watch(&md);
        } else if (k < 97 && (md.nbp || md.nw)) {
            rc = exec(&s, "delete all");
            md.nbp = md.nw = 0;
            model_watch(&md);
        } else {
            rc = exec(&s, "history %u", (unsigned)below(30));
        }
        snprintf(ctx, sizeof ctx, "seed %llu, command %u '%s'", (unsigned long long)seed, c,
                 line);
        if (rc != 0 && line[0])
            fail_msg("%s: failed: %s", ctx, ERR(&s));
        if (fwd)
            settle(&md, mon_machine(s.m));
        check_same(mon_machine(s.m), md.m);
        check_history(&s, md.ring, md.nring, md.ringmax, (unsigned)(below(3) ? below(25) : 100000));
        if (below(4) == 0) {
            check_regs(&s, md.m);
            check_examine(&s, md.m, (uint32_t)below(PG_W));
        }
    }
    free(saved.b);
    truncate_to(&md, 0);
    free(md.st);
    free(md.rc);
    free(md.ring);
    image_free(&img);
    mon_destroy(twin);
    ms_sess_close(&s);
    remove(img_path);
    remove(snap_path);
}

static void refrev__bare_sessions_agree_with_the_model(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    unsigned long n = sessions(100), first = sessions_from();
    for (uint64_t seed = first; seed < first + n; seed++)
        bare_session(seed, sink, 40);
    fclose(sink);
    printf("refrev: %lu bare sessions of 40 commands agreed with the model\n", n);
}

/* docs/monitor.md: rcontinue goes back "to the previous breakpoint",
 * found by "replaying the history from its first checkpoint with the
 * execution breakpoints ... set now".  A state at a breakpoint right
 * after a HALT was passed: the replay stops at the HALT and its next run
 * does not stop at its first step, so rcontinue went back further, to
 * an earlier stop or the start of the history. */
static void rcontinue__stops_at_a_breakpoint_right_after_a_halt(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "refrev-halt.s",
                  "        .entry start\n"
                  "start:  ADDI  n, n, 1\n"
                  "        HALT\n"
                  "after:  ADDI  n, n, 1\n"
                  "        ADDI  n, n, 1\n"
                  "        ADDI  n, n, 1\n"
                  "        HALT\n"
                  "n:      .word 0\n");
    struct ms_sess s;
    ms_sess_open(&s);
    ms_cmd(s.m, "load %s; break after; go", path); /* halts at 'after' */
    ms_cmd(s.m, "assert P == after && steps == 2; go for 2");
    assert_int_equal(exec(&s, "rcontinue"), 0);
    if (!strstr(OUT(&s), "back to the previous breakpoint, at step 2"))
        fail_msg("rcontinue: want the breakpoint at step 2, got: %s", OUT(&s));
    ms_cmd(s.m, "assert P == after && steps == 2 && E[n] == 1");
    ms_sess_close(&s);
    remove(path);
}

/* docs/monitor.md: 'set checkpoint N' sets the steps between checkpoints
 * for rstep; runs are cut into chunks there.  Where a timer trap was due
 * at a breakpoint ('until' is one), the run loop takes the trap first and
 * goes on, but at a cut the monitor stopped at the breakpoint: where
 * 'until' stopped depended on the checkpoint interval.  The guest of seed
 * 355 reaches 0x134 at step 152 with its timer trap due, and again at 163. */
static void until__stops_where_it_does_whatever_the_checkpoint_interval(void **state)
{
    (void)state;
    struct tgm_image img;
    char err[256];
    pg_generate(355, NULL, &img);
    for (unsigned every = 1; every <= 40; every++) {
        struct ms_sess s;
        ms_sess_open(&s);
        ms_cmd(s.m, "set memory %u; set checkpoint %u", PG_W, every);
        assert_int_equal(image_load(mon_machine(s.m), &img, err, sizeof err), 0);
        ms_cmd(s.m, "until 0x134");
        if (machine_steps(mon_machine(s.m)) != 163)
            fail_msg("set checkpoint %u: until stopped at step %llu, not 163", every,
                     (unsigned long long)machine_steps(mon_machine(s.m)));
        /* and a breakpoint, going forward and back */
        ms_cmd(s.m, "rstep 163; break 0x134; go; assert steps == 163; go for 1; rcontinue");
        if (machine_steps(mon_machine(s.m)) != 163)
            fail_msg("set checkpoint %u: rcontinue went to step %llu, not 163", every,
                     (unsigned long long)machine_steps(mon_machine(s.m)));
        ms_sess_close(&s);
    }
    image_free(&img);
}

/* the suite's files go in a temporary directory (with no cs_setup they
 * went to the root directory) */
static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_refrev");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refrev__bare_sessions_agree_with_the_model),
        cmocka_unit_test(rcontinue__stops_at_a_breakpoint_right_after_a_halt),
        cmocka_unit_test(until__stops_where_it_does_whatever_the_checkpoint_interval),
    };
    return cmocka_run_group_tests_name("audit_refrev", tests, group_setup, group_teardown);
}
