/* test_audit_refbreak.c: the monitor's breakpoints, watchpoints and trap
 * stops against the model of refbreak.h (written from docs/monitor.md),
 * stepping the same program on the reference machine of refmodel.h.
 *
 * A session deposits a random program (docs/isa.md's instructions, a trap
 * handler that steps past the trapping word, the timer sometimes armed,
 * code sometimes relocated) into a machine of 256 words, then gives random
 * 'break' (numbers, '.+k', out of range; ignore, do lists, conditions),
 * 'watch' (every kind, counts, E[0] and E[1]), 'break trap', 'ignore',
 * 'delete', 'info breakpoints' and runs ('go', 'go ADDR for N', 'continue
 * [for N]', 'until', 'step N').  After each command its success, its report
 * lines (which breakpoint, the line printed, the hit count, where and after
 * how many steps and cycles), the machine's whole state and the
 * breakpoint list must be the model's.  The same sessions run again in a
 * VM alone under the control program ("so a VM stops where its bare
 * machine would"), without trap stops, which see the real machine's traps.
 * TGM_REFBREAK_SESSIONS and TGM_REFBREAK_SEED make the campaign larger or
 * different; TGM_REFBREAK_KEEP_GOING=1 reports every session that parts
 * instead of failing at the first, TGM_REFBREAK_VERBOSE=1 shows each
 * command and its output.  The tests before the campaign are regressions
 * it found.
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mon_support.h"
#include "refbreak.h"
#include "refmodel.h"
#include "rng.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#define Q 256u
#define HND (Q - 8) /* the trap handler */
#define LIMIT 3000

static uint64_t rs;
static uint64_t rnd(void)
{
    return rng_next(&rs);
}
static uint32_t rn(uint32_t n)
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

static unsigned long env_num(const char *name, unsigned long dflt)
{
    const char *e = getenv(name);
    return e && *e ? strtoul(e, NULL, 0) : dflt;
}

/* ---- random programs ---- */

static uint32_t daddr(void)
{
    switch (rn(12)) {
    case 0: return rn(8) ? 0 : 1; /* E[1] written seldom: a trap loop ends a session */
    case 1: return 2 + rn(62);
    case 2: return rn(Q + 8);
    default: return 64 + rn(32);
    }
}

static uint64_t op_of(const char *name)
{
    for (size_t i = 0; i < rm_ninsn; i++)
        if (!strcmp(rm_table[i].name, name))
            return (uint64_t)rm_table[i].op << 57;
    fail_msg("no %s", name);
    return 0;
}

static uint64_t insn(void)
{
    const struct rm_insn *d = &rm_table[rn((uint32_t)rm_ninsn)];
    uint64_t w = (uint64_t)d->op << 57;
    for (int i = 0; i < 3 && d->f[i]; i++) {
        uint64_t v;
        switch (d->f[i]) {
        case 'a': v = daddr(); break;
        case 't': v = 2 + rn(62); break;
        case 'n': v = d->op == 0x38 ? rn(4) : 64 + rn(16); break;
        case 'i': v = (uint64_t)(int64_t)((int)rn(9) - 4); break;
        default: /* 'L' */
            w |= (uint64_t)rn(60) & ((UINT64_C(1) << 38) - 1);
            return w;
        }
        w |= (v & RM_AMASK) << (38 - 19 * i);
    }
    return w;
}

static void gen(uint64_t *e)
{
    memset(e, 0, Q * sizeof e[0]);
    e[1] = rm_pack(1, 0, 0, HND, 0, Q);
    for (uint32_t a = 2; a < 64; a++)
        e[a] = rn(8) ? insn() : rn(40);
    for (uint32_t a = 64; a < 96; a++)
        e[a] = rn(6) ? rn(50) : rn(2) ? (uint64_t)-(int64_t)rn(5) : rm_pack(0, 0, 0, rn(40), 0, Q);
    /* E[0].P += 1; LPSW 0: back past the word that trapped */
    e[HND] = op_of("ADD") | (uint64_t)(HND + 4);
    e[HND + 1] = op_of("LPSW");
    e[HND + 4] = UINT64_C(1) << 39;
}

/* ---- conditions ---- */

static int node(struct rb_cond *c, char op, int a, int b, int64_t v)
{
    c->n[c->nn] = (struct rb_node){op, a, b, v};
    return c->nn++;
}

static const char *const bin_txt = "+-*/%=!<L>G&|^AO";
static const char *const bin_word[] = {"+", "-", "*", "/", "%", "==", "!=", "<",
                                       "<=", ">", ">=", "&", "|", "^", "&&", "||"};

/* A random expression of at most DEPTH, its text appended to T. */
static int gexpr(struct rb_cond *c, int depth, char *t, size_t cap)
{
    size_t k = strlen(t);
    if (depth == 0 || c->nn > RB_MAXN - 8 || rn(3) == 0) {
        static const char leaf[] = "nnnEEEVPMIlbsciq";
        static const char *const name[] = {"", "", "", "", "", "", "", "P", "M", "I",
                                           "l", "b", "steps", "cycles", "insns", "q"};
        int j = (int)rn(sizeof leaf - 1);
        if (leaf[j] == 'n') {
            int64_t v = rn(4) ? rn(20) : rn(300);
            snprintf(t + k, cap - k, "%" PRId64, v);
            return node(c, 'n', 0, 0, v);
        }
        if (leaf[j] == 'E' || leaf[j] == 'V') {
            int64_t a = rn(5) ? 64 + rn(32) : rn(Q + 4);
            snprintf(t + k, cap - k, "%c[%" PRId64 "]", leaf[j], a);
            return node(c, leaf[j], node(c, 'n', 0, 0, a), 0, 0);
        }
        snprintf(t + k, cap - k, "%s", name[j]);
        return node(c, leaf[j], 0, 0, 0);
    }
    if (rn(8) == 0) {
        snprintf(t + k, cap - k, "!(");
        int a = gexpr(c, depth - 1, t, cap);
        k = strlen(t);
        snprintf(t + k, cap - k, ")");
        return node(c, 'N', a, 0, 0);
    }
    int o = (int)rn(16);
    snprintf(t + k, cap - k, "(");
    int a = gexpr(c, depth - 1, t, cap);
    k = strlen(t);
    snprintf(t + k, cap - k, " %s ", bin_word[o]);
    int b = gexpr(c, depth - 1, t, cap);
    k = strlen(t);
    snprintf(t + k, cap - k, ")");
    return node(c, bin_txt[o], a, b, 0);
}

static void gcond(struct rb_cond *c)
{
    c->nn = 0;
    c->txt[0] = 0;
    gexpr(c, 1 + (int)rn(3), c->txt, sizeof c->txt);
}

/* ---- the session ---- */

struct sess {
    struct ms_sess s;
    struct rb r;
    size_t omark, emark;
    unsigned long seed;
    int cmdno, fails;
    bool vm; /* the program runs in VM g, alone under the control program */
    char line[1024];
};

static bool keep_going, verbose;
static unsigned long agreed, ended_loop, commands;

static int exec(struct sess *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int exec(struct sess *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->line, sizeof x->line, fmt, ap);
    va_end(ap);
    fflush(x->s.out);
    fflush(x->s.err);
    x->omark = x->s.olen;
    x->emark = x->s.elen;
    int rc = mon_exec_line(x->s.m, x->line);
    fflush(x->s.out);
    fflush(x->s.err);
    x->cmdno++;
    commands++;
    if (verbose)
        fprintf(stderr, "%d> %s  [rc %d]\n%s%s", x->cmdno, x->line, rc, x->s.obuf + x->omark,
                x->s.ebuf + x->emark);
    return rc;
}

static void differ(struct sess *x, const char *what, const char *want, const char *got)
{
    fprintf(stderr, "refbreak: seed %lu command %d '%s': %s differs\n-- model:\n%s\n-- tgm:\n%s\n",
            x->seed, x->cmdno, x->line, what, want, got);
    fprintf(stderr, "-- output:\n%s%s\n", x->s.obuf + x->omark, x->s.ebuf + x->emark);
    x->fails++;
    if (!keep_going)
        fail_msg("seed %lu: the monitor and the model part (TGM_REFBREAK_SEED=%lu)", x->seed,
                 x->seed);
}

static void check_rc(struct sess *x, int rc, bool ok)
{
    if ((rc == 0) != ok)
        differ(x, "success", ok ? "succeeds" : "fails", rc == 0 ? "succeeds" : "fails");
}

static void check_state(struct sess *x)
{
    struct machine *mm = x->vm ? vmm_vm_view(mon_vmm(x->s.m), 0) : mon_machine(x->s.m);
    struct rm *m = &x->r.m;
    const uint64_t *e = machine_mem(mm);
    struct machine_counters c = machine_get_counters(mm);
    char a[128] = "", b[128] = "";
    for (uint32_t i = 0; i < Q && !a[0]; i++)
        if (e[i] != m->e[i]) {
            snprintf(a, sizeof a, "E[%u] %#" PRIx64, i, m->e[i]);
            snprintf(b, sizeof b, "E[%u] %#" PRIx64, i, e[i]);
        }
    uint64_t p = rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
    if (!a[0] && (machine_get_psw(mm) != p || c.steps != m->steps || c.cycles != m->cycles ||
                  c.instret != m->instret)) {
        snprintf(a, sizeof a, "PSW %#" PRIx64 " steps %" PRIu64 " cycles %" PRIu64, p, m->steps,
                 m->cycles);
        snprintf(b, sizeof b, "PSW %#" PRIx64 " steps %" PRIu64 " cycles %" PRIu64,
                 machine_get_psw(mm), c.steps, c.cycles);
    }
    if (a[0])
        differ(x, "state", a, b);
}

static struct rb_bp *find(struct rb *r, int id)
{
    for (int i = 0; i < r->nbp; i++)
        if (r->bp[i].id == id)
            return &r->bp[i];
    return NULL;
}

static void hexs(char *buf, uint64_t v)
{
    if (v)
        sprintf(buf, "%#" PRIx64, v);
    else
        strcpy(buf, "0");
}

static void check_list(struct sess *x)
{
    static const char *const kind[] = {"", "read", "write", "access"};
    static const char *const cause[] = {"", "privileged", "memory", "svc", "illegal", "timer"};
    char want[8192] = "", *w = want, got[8192];
    int rc = exec(x, "info breakpoints");
    check_rc(x, rc, true);
    struct rb *r = &x->r;
    for (int i = 0; i < r->nbp; i++) {
        struct rb_bp *bp = &r->bp[i];
        char a[32], b[32];
        hexs(a, bp->lo), hexs(b, bp->hi);
        const char *g = x->vm ? " [g]" : "";
        if (bp->kind == RB_BRK)
            w += sprintf(w, "%3d  break  %s%s  hits %" PRIu64, bp->id, a, g, bp->hits);
        else if (bp->kind == RB_WATCH)
            w += sprintf(w, "%3d  watch  %s %s..%s%s  hits %" PRIu64, bp->id, kind[bp->wk], a, b,
                         g, bp->hits);
        else {
            w += sprintf(w, "%3d  trap  ", bp->id);
            for (int k = 1; k < RM_NCAUSE; k++)
                if (bp->tmask & 1u << k)
                    w += sprintf(w, " %s", cause[k]);
            w += sprintf(w, "  hits %" PRIu64, bp->hits);
        }
        if (bp->ign)
            w += sprintf(w, "  ignore %" PRIu64, bp->ign);
        if (bp->dol)
            w += sprintf(w, "  do \"echo b%d%s\"", bp->id, bp->dol == 2 ? "; continue" : "");
        if (bp->has_cond)
            w += sprintf(w, "  if %s", bp->c.txt);
        w += sprintf(w, "\n");
    }
    size_t n = x->s.olen - x->omark;
    if (n >= sizeof got)
        n = sizeof got - 1;
    memcpy(got, x->s.obuf + x->omark, n);
    got[n] = 0;
    if (!r->nbp && strstr(got, "  1  ") == NULL)
        return; /* an empty list says so in words of its own */
    if (strcmp(want, got))
        differ(x, "info breakpoints", want, got);
}

/* Options of a new breakpoint, into the line and BP. */
static void options(struct sess *x, char *t, size_t cap, struct rb_bp *bp)
{
    size_t k = strlen(t);
    if (rn(3) == 0) {
        bp->ign = rn(4);
        k += (size_t)snprintf(t + k, cap - k, " ignore %" PRIu64, bp->ign);
    }
    if (rn(3) == 0) {
        bp->dol = 1 + (int)rn(2);
        k += (size_t)snprintf(t + k, cap - k, " do \"echo b%d%s\"", x->r.next_id,
                              bp->dol == 2 ? "; continue" : "");
    }
    if (rn(2) == 0) {
        /* a condition is read when it is set, evaluated only at hits */
        gcond(&bp->c);
        bp->has_cond = true;
        snprintf(t + k, cap - k, " if %s", bp->c.txt);
    }
}

static void add(struct sess *x, struct rb_bp *bp, const char *t, bool ok)
{
    int rc = exec(x, "%s", t);
    check_rc(x, rc, ok);
    if (ok && rc == 0 && x->r.nbp < RB_MAXBP) {
        bp->id = x->r.next_id++;
        x->r.bp[x->r.nbp++] = *bp;
    }
}

static void cmd_break(struct sess *x)
{
    struct rb_bp bp = {.kind = RB_BRK};
    char t[600];
    bool ok = true;
    uint32_t r = rn(10), ph = 0;
    if (r < 7) {
        bp.lo = r < 6 ? 2 + rn(62) : rn(2) ? HND + rn(2) : rn(Q);
        snprintf(t, sizeof t, "break %u", bp.lo);
    } else if (r < 9) {
        uint32_t k = rn(6);
        ok = rm_dev(&x->r.m, (x->r.m.p + k) & RM_AMASK, &ph);
        bp.lo = ph;
        snprintf(t, sizeof t, "break .+%u", k);
    } else {
        ok = false;
        snprintf(t, sizeof t, "break %u", Q + rn(100));
    }
    options(x, t, sizeof t, &bp);
    add(x, &bp, t, ok);
}

static void cmd_watch(struct sess *x)
{
    static const char *const kind[] = {"", "read ", "write ", "access "};
    struct rb_bp bp = {.kind = RB_WATCH};
    char t[600];
    bool ok = true;
    int k = (int)rn(4);
    bp.wk = k ? k : 2;
    bp.lo = rn(4) ? 64 + rn(32) : rn(3) ? rn(2) : 2 + rn(62);
    uint32_t cnt = rn(2) ? 0 : 1 + rn(4);
    bp.hi = bp.lo + (cnt ? cnt - 1 : 0);
    snprintf(t, sizeof t, "watch %s%u", kind[k], bp.lo);
    if (cnt)
        snprintf(t + strlen(t), sizeof t - strlen(t), " %u", cnt);
    options(x, t, sizeof t, &bp);
    add(x, &bp, t, ok);
}

static void cmd_trap(struct sess *x)
{
    static const char *const cause[] = {"", "privileged", "memory", "svc", "illegal", "timer"};
    struct rb_bp bp = {.kind = RB_TRAP};
    char t[100] = "break trap";
    for (int n = 1 + (int)rn(2); n > 0; n--) {
        int c = 1 + (int)rn(5);
        if (bp.tmask & 1u << c)
            continue;
        bp.tmask |= 1u << c;
        snprintf(t + strlen(t), sizeof t - strlen(t), " %s", cause[c]);
    }
    add(x, &bp, t, true);
}

static int pick_id(struct sess *x)
{
    if (x->r.nbp && rn(6))
        return x->r.bp[rn((uint32_t)x->r.nbp)].id;
    return 1 + (int)rn((uint32_t)x->r.next_id + 2);
}

static void cmd_ignore(struct sess *x)
{
    int id = pick_id(x);
    uint32_t n = rn(5);
    struct rb_bp *bp = find(&x->r, id);
    int rc = exec(x, "ignore %d %u", id, n);
    check_rc(x, rc, bp != NULL);
    if (bp && rc == 0)
        bp->ign = n;
}

static void cmd_delete(struct sess *x)
{
    int ids[3], n = 1 + (int)rn(3);
    bool ok = true;
    char t[64] = "delete";
    for (int i = 0; i < n; i++) {
        ids[i] = pick_id(x);
        for (int j = 0; j < i; j++)
            ok &= ids[j] != ids[i];
        ok &= find(&x->r, ids[i]) != NULL;
        snprintf(t + strlen(t), sizeof t - strlen(t), " %d", ids[i]);
    }
    int rc = exec(x, "%s", t);
    check_rc(x, rc, ok);
    if (!ok || rc)
        return;
    for (int i = 0; i < n; i++) {
        struct rb_bp *bp = find(&x->r, ids[i]);
        if (bp) {
            memmove(bp, bp + 1, (size_t)(x->r.bp + x->r.nbp - bp - 1) * sizeof *bp);
            x->r.nbp--;
        }
    }
}

static void cmd_run(struct sess *x)
{
    struct rb *r = &x->r;
    uint32_t k = rn(7), n = 1 + rn(rn(3) ? 40 : 400), a = 2 + rn(62);
    int rc, want;
    if (r->vm && r->vhalted) {
        bool step = k >= 6;
        rc = exec(x, step ? "step" : k == 2 ? "go %u for %u" : "go", a, n);
        if (k == 2)
            r->m.p = a;
        check_rc(x, rc, !step);
        char got[64];
        rb_filter(x->s.obuf + x->omark, x->s.olen - x->omark, got, sizeof got);
        if (strcmp(got, step ? "" : "halted\n"))
            differ(x, "report of a halted VM", step ? "" : "halted\n", got);
        return check_state(x);
    }
    switch (k) {
    case 0: rc = exec(x, "go"); want = rb_run(r, false, 0, -1); break;
    case 1:
        rc = exec(x, "go for %u", n);
        want = rb_run(r, false, n, -1);
        break;
    case 2:
        rc = exec(x, "go %u for %u", a, n);
        r->m.p = a;
        want = rb_run(r, false, n, -1);
        break;
    case 3: rc = exec(x, "continue"); want = rb_run(r, false, 0, -1); break;
    case 4:
        rc = exec(x, "continue for %u", n);
        want = rb_run(r, false, n, -1);
        break;
    case 5: rc = exec(x, "until %u", a); want = rb_run(r, false, 0, a); break;
    default:
        n = 1 + rn(12);
        rc = exec(x, "step %u", n);
        want = rb_run(r, true, n, -1);
        break;
    }
    if (r->trap_loop)
        return;
    check_rc(x, rc, want == 0);
    if (r->vhalted && r->vm) /* "no VM is runnable": only 'vm resume' runs it again */
        return check_state(x);
    static char got[1 << 18];
    rb_filter(x->s.obuf + x->omark, x->s.olen - x->omark, got, sizeof got);
    if (strcmp(r->out, got))
        differ(x, "report", r->out, got);
    check_state(x);
}

static void session(unsigned long seed, int ncmd, bool vm)
{
    struct sess *x = calloc(1, sizeof *x);
    assert_non_null(x);
    rs = seed * UINT64_C(0xD1B54A32D192ED03);
    x->seed = seed;
    x->vm = x->r.vm = vm;
    ms_sess_open(&x->s);
    if (vm) /* "a lone VM stops where its bare machine would, with the same counts" */
        ms_cmd(x->s.m, "set memory %u; vm create g %u; vm select g", 2 * Q, Q);
    else
        ms_cmd(x->s.m, "set memory %u", Q);
    ms_cmd(x->s.m, "set limit %d", LIMIT);
    struct rb *r = &x->r;
    r->m.q = Q;
    r->m.e = r->e;
    r->m.prof = P_VIRT;
    r->limit = LIMIT;
    r->next_id = 1;
    gen(r->e);
    for (uint32_t a = 0; a < Q; a += 4)
        exec(x, "deposit %u 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64 " 0x%" PRIx64, a,
               r->e[a], r->e[a + 1], r->e[a + 2], r->e[a + 3]);
    uint32_t l = rn(4) ? 0 : 1 + rn(8), b = rn(4) ? Q - l : 20 + rn(80);
    uint64_t psw = rm_pack(rn(3) != 0, rn(3) == 0, 0, 2 + rn(10), l, b);
    exec(x, "deposit psw 0x%" PRIx64, psw);
    rm_load_psw(&r->m, psw);
    check_state(x);
    for (int i = 0; i < ncmd && !r->trap_loop && !x->fails; i++) {
        uint32_t k = rn(100);
        if (k < 16)
            cmd_break(x);
        else if (k < 28)
            cmd_watch(x);
        else if (k < 33 && !vm) /* in a VM they see the real machine's traps */
            cmd_trap(x);
        else if (k < 40)
            cmd_ignore(x);
        else if (k < 47)
            cmd_delete(x);
        else if (k < 53)
            check_list(x);
        else
            cmd_run(x);
    }
    if (r->trap_loop)
        ended_loop++;
    else if (!x->fails)
        check_list(x);
    if (!x->fails)
        agreed++;
    ms_sess_close(&x->s);
    free(x);
}

static void test_sessions(void **state)
{
    (void)state;
    unsigned long n = env_num("TGM_REFBREAK_SESSIONS", 100);
    unsigned long first = env_num("TGM_REFBREAK_SEED", 1);
    for (unsigned long s = first; s < first + n; s++)
        session(s, 40, false);
    fprintf(stderr, "refbreak: %lu of %lu sessions agreed (%lu ended at a trap loop), %lu commands\n",
            agreed, n, ended_loop, commands);
    assert_int_equal(agreed, n);
}

/* The same sessions in a VM: breakpoints and watchpoints on its own E. */
static void test_sessions_vm(void **state)
{
    (void)state;
    unsigned long n = env_num("TGM_REFBREAK_SESSIONS", 100);
    unsigned long first = env_num("TGM_REFBREAK_SEED", 1);
    agreed = ended_loop = commands = 0;
    for (unsigned long s = first; s < first + n; s++)
        session(s, 40, true);
    fprintf(stderr, "refbreak: %lu of %lu VM sessions agreed (%lu ended at a trap loop), %lu commands\n",
            agreed, n, ended_loop, commands);
    assert_int_equal(agreed, n);
}

/* ---- regressions, each a place where tgm and docs/monitor.md parted ---- */

/* start: LI x, 1; SVC 3; ADDI x, x, 1; HALT; the handler steps past the
 * SVC.  Labels: start 2, handler 6, x 9. */
static const char prog_src[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, handler, 0, 0x100)\n"
    "        .entry start\n"
    "start:  LI    x, 1\n"
    "        SVC   3\n"
    "        ADDI  x, x, 1\n"
    "        HALT\n"
    "handler: ADD  0, 0, one\n"
    "        LPSW  0\n"
    "one:    .word 0x8000000000\n"
    "x:      .word 0\n";

/* A session with prog_src loaded; OUT(S) is the output since then. */
static void prog_open(struct ms_sess *s, char *path, size_t len)
{
    ms_tmp_file(path, len, "refbreak.s");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(prog_src, f);
    fclose(f);
    ms_sess_open(s);
    ms_cmd(s->m, "load %s", path);
    fflush(s->out);
}

static void prog_close(struct ms_sess *s, const char *path)
{
    ms_sess_close(s);
    remove(path);
}

static void expect_out(struct ms_sess *s, const char *want)
{
    fflush(s->out);
    if (!strstr(s->obuf, want))
        fail_msg("'%s' not in:\n%s", want, s->obuf);
}

static uint32_t prog_p(struct ms_sess *s)
{
    return (uint32_t)(machine_get_psw(mon_machine(s->m)) >> 39) & RM_AMASK;
}

/* "Several breakpoints may be set at one address (with other conditions
 * ...)": one whose condition is false must not hide the next. */
static void test_several_at_one_address(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "break 3 if E[x] == 99");
    ms_cmd(s.m, "break 3");
    ms_cmd(s.m, "go");
    expect_out(&s, "breakpoint 2 at 0x3, hit 1 time\n");
    assert_int_equal(prog_p(&s), 3);
    prog_close(&s, path);
}

static void test_several_watchpoints_on_a_word(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "watch x if E[x] == 99");
    ms_cmd(s.m, "watch x");
    ms_cmd(s.m, "go");
    expect_out(&s, "watchpoint 2: write E[0x9] 0 -> 0x1, hit 1 time\n");
    assert_int_equal(prog_p(&s), 3);
    prog_close(&s, path);
}

/* "'watch 0' and 'watch read 1' stop after the step that trapped": also
 * when a trap stop for that trap lets it pass. */
static void test_ignored_trap_stop_then_watch(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "break trap svc");
    ms_cmd(s.m, "ignore 1 1");
    ms_cmd(s.m, "watch 0");
    ms_cmd(s.m, "go");
    expect_out(&s, "watchpoint 2: write E[0] 0 -> 0x");
    expect_out(&s, "stopped at 0x6 handler after 2 steps");
    prog_close(&s, path);
}

/* 'step N' is stopped early by "a watchpoint or trap stop ... as they stop
 * 'go'": a hit its ignore count lets pass stops neither. */
static void test_step_goes_on_past_an_ignored_hit(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "watch x ignore 1");
    ms_cmd(s.m, "step 3");
    assert_int_equal(machine_get_counters(mon_machine(s.m)).steps, 3);
    assert_int_equal(prog_p(&s), 7);
    prog_close(&s, path);
}

/* "A hit shows a write's old and new value": the word before the step,
 * not as it was when the watchpoint was set; for 'step', and for 'finish'
 * (and 'next' over a call), which step one at a time as 'step' does. */
static void old_value_shown_by(const char *cmd)
{
    struct ms_sess s;
    char path[256];
    prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "watch x");
    ms_cmd(s.m, "deposit x 5");
    ms_cmd(s.m, "%s", cmd);
    expect_out(&s, "watchpoint 1: write E[0x9] 0x5 -> 0x1, hit 1 time\n");
    prog_close(&s, path);
}

static void test_step_shows_the_old_value(void **state)
{
    (void)state;
    old_value_shown_by("step");
}

static void test_finish_shows_the_old_value(void **state)
{
    (void)state;
    old_value_shown_by("finish");
}

/* A session with prog_src loaded in VM g, selected. */
static void prog_open_vm(struct ms_sess *s, char *path, size_t len)
{
    ms_tmp_file(path, len, "refbreak-vm.s");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(prog_src, f);
    fclose(f);
    ms_sess_open(s);
    ms_cmd(s->m, "vm create g 256 %s; vm select g", path);
    fflush(s->out);
}

static uint32_t vm_p(struct ms_sess *s)
{
    return (uint32_t)(machine_get_psw(vmm_vm_view(mon_vmm(s->m), 0)) >> 39) & RM_AMASK;
}

/* "A run stops at every breakpoint it reaches except one at the
 * instruction it starts from": a trap stop's ignored hit is no new start,
 * on the bare machine and in a VM ("so a VM stops where its bare machine
 * would"). */
static void ignored_trap_stop_then_breakpoint(bool vm)
{
    struct ms_sess s;
    char path[256];
    if (vm)
        prog_open_vm(&s, path, sizeof path);
    else
        prog_open(&s, path, sizeof path);
    ms_cmd(s.m, "break trap svc");
    ms_cmd(s.m, "ignore 1 1");
    ms_cmd(s.m, "break handler");
    ms_cmd(s.m, "go");
    expect_out(&s, "breakpoint 2 at 0x6 handler, hit 1 time\n");
    assert_int_equal(vm ? vm_p(&s) : prog_p(&s), 6);
    prog_close(&s, path);
}

static void test_ignored_trap_stop_then_breakpoint(void **state)
{
    (void)state;
    ignored_trap_stop_then_breakpoint(false);
}

static void test_vm_ignored_trap_stop_then_breakpoint(void **state)
{
    (void)state;
    ignored_trap_stop_then_breakpoint(true);
}

/* A VM's breakpoint once reported is passed only by the run that goes on
 * from it: a run from elsewhere that comes back to it stops there. */
static void test_vm_breakpoint_again_after_a_run_from_elsewhere(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open_vm(&s, path, sizeof path);
    ms_cmd(s.m, "break handler");
    ms_cmd(s.m, "go");
    expect_out(&s, "breakpoint 1 at 0x6 handler, hit 1 time\n");
    ms_cmd(s.m, "go 2");
    expect_out(&s, "breakpoint 1 at 0x6 handler, hit 2 times\n");
    assert_int_equal(vm_p(&s), 6);
    prog_close(&s, path);
}

/* The same when the run that left it ended in the fast loop, whose ring
 * fill restores the VMs with vmm_transient_set: the breakpoint reported
 * before that run is no longer the one to pass, and the LPSW the control
 * program interprets brings the VM to it. */
static void test_vm_breakpoint_again_after_a_filled_run(void **state)
{
    (void)state;
    struct ms_sess s;
    char path[256];
    prog_open_vm(&s, path, sizeof path);
    ms_cmd(s.m, "until 4");
    expect_out(&s, "stopped at 0x4 after 4 steps");
    ms_cmd(s.m, "deposit P 2");
    ms_cmd(s.m, "go for 3"); /* LI, SVC, ADD: P at the handler's LPSW */
    assert_int_equal(vm_p(&s), 7);
    ms_cmd(s.m, "until 4");
    expect_out(&s, "stopped at 0x4 after 1 step,");
    assert_int_equal(vm_p(&s), 4);
    prog_close(&s, path);
}

/* An instruction of a VM that reads its watched E[0] and traps: the step
 * names the trap's write of E[0], as on the bare machine, and the next run
 * does not stop again at once for the same step ("after 0 steps"). */
static void test_vm_watched_read_then_trap(void **state)
{
    (void)state;
    static const char src[] = "        .org  0\n"
                              "        .word 0x7000\n"
                              "        .word psw(SUP, handler, 0, 0x100)\n"
                              "        .entry start\n"
                              "start:  LDX   x, 0x1000, 0\n" /* index E[0]: 0x8000 traps */
                              "        HALT\n"
                              "handler: HALT\n"
                              "x:      .word 0\n";
    struct ms_sess s;
    char path[256];
    ms_tmp_file(path, sizeof path, "refbreak-e0.s");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(src, f);
    fclose(f);
    ms_sess_open(&s);
    ms_cmd(s.m, "vm create g 256 %s; vm select g", path);
    ms_cmd(s.m, "watch access 0");
    ms_cmd(s.m, "go");
    expect_out(&s, "watchpoint 1: write E[0] 0x7000 -> 0x8800010000080000, hit 1 time\n");
    ms_cmd(s.m, "go");
    expect_out(&s, "g: halted: s I=0 P=0x00005");
    prog_close(&s, path);
}

int main(void)
{
    keep_going = env_num("TGM_REFBREAK_KEEP_GOING", 0) != 0;
    verbose = env_num("TGM_REFBREAK_VERBOSE", 0) != 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_several_at_one_address),
        cmocka_unit_test(test_several_watchpoints_on_a_word),
        cmocka_unit_test(test_ignored_trap_stop_then_breakpoint),
        cmocka_unit_test(test_ignored_trap_stop_then_watch),
        cmocka_unit_test(test_step_goes_on_past_an_ignored_hit),
        cmocka_unit_test(test_step_shows_the_old_value),
        cmocka_unit_test(test_finish_shows_the_old_value),
        cmocka_unit_test(test_vm_ignored_trap_stop_then_breakpoint),
        cmocka_unit_test(test_vm_breakpoint_again_after_a_run_from_elsewhere),
        cmocka_unit_test(test_vm_breakpoint_again_after_a_filled_run),
        cmocka_unit_test(test_vm_watched_read_then_trap),
        cmocka_unit_test(test_sessions),
        cmocka_unit_test(test_sessions_vm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
