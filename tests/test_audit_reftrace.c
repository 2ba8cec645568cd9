/* test_audit_reftrace.c: an independent formatter of what the monitor
 * prints about the machine, written from docs/monitor.md (and the
 * operand rules of docs/asm.md's disassembler), run against the monitor
 * on random programs.  The expected text comes from the reference model
 * (refmodel.h, from docs/isa.md) stepping the same program: `step`
 * blocks, `trace insns`/`trace traps` lines and the stop lines of `go`,
 * `history`, `regs`, `examine` in every format, `print` in every format,
 * `translate`, and the stops of breakpoints, watchpoints and trap stops.
 * Where the docs name no layout (column widths, the base of a value) the
 * formatter follows the monitor's.
 * TGM_REFTRACE_SESSIONS and TGM_REFTRACE_SEED make the campaign larger
 * or different; the default stays within seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mon_support.h"
#include "refmodel.h"
#include "rng.h"
#include "sbuf.h"

static uint64_t rs;
static uint64_t rnd(void) { return rng_next(&rs); }
static uint32_t rn(uint32_t n) { return n ? (uint32_t)(rnd() % n) : 0; }

/* ---- a growing string ---- */

static void bclear(struct sbuf *b)
{
    b->n = 0;
    if (b->s)
        b->s[0] = 0;
}

/* ---- the formatter ---- */

static const char *cause_name(unsigned c)
{
    static const char *const n[] = {"none", "privileged", "memory", "svc", "illegal", "timer"};
    return c < 6 ? n[c] : "?";
}

/* A PSW's fields as the monitor shows them (docs/monitor.md's regs). */
static void f_psw(struct sbuf *b, uint64_t w)
{
    sbuf_printf(b, "%c I=%u P=0x%05x l=0x%05x b=0x%05x", (w >> 63) ? 's' : 'u', (unsigned)(w >> 62) & 1,
       (unsigned)(w >> 39) & RM_AMASK, (unsigned)(w >> 20) & RM_AMASK, (unsigned)w & RM_BMASK);
}

/* A value as the step lines show it: 0 alone, else hex. */
static void f_val(struct sbuf *b, uint64_t v)
{
    if (v)
        sbuf_printf(b, "0x%llx", (unsigned long long)v);
    else
        sbuf_printf(b, "0");
}

/* An address in a sentence, as C's %#x writes it (0 alone). */
static const char *hx(uint64_t v)
{
    static char s[4][24];
    static unsigned k;
    k = (k + 1) % 4;
    snprintf(s[k], sizeof s[k], v ? "0x%llx" : "0", (unsigned long long)v);
    return s[k];
}

static bool fields_ok(const struct rm_insn *d, uint64_t w)
{
    size_t k = strlen(d->f);
    return (k >= 2 && d->f[1] == 'L') || (w & ((UINT64_C(1) << 19 * (3 - k)) - 1)) == 0;
}

/* docs/asm.md: address, target and number operands in hex (no symbols
 * here), immediates in decimal; anything else `.word 0x...`. */
static void f_dis(struct sbuf *b, uint64_t w)
{
    const struct rm_insn *d = rm_find((unsigned)(w >> 57));
    if (!d || rm_behaviour(P_VIRT, true, d) == B_ABSENT || !fields_ok(d, w)) {
        sbuf_printf(b, ".word 0x%016llx", (unsigned long long)w);
        return;
    }
    if (!d->f[0]) {
        sbuf_printf(b, "%s", d->name);
        return;
    }
    sbuf_printf(b, "%-6s", d->name);
    uint32_t fld[3] = {(uint32_t)(w >> 38) & RM_AMASK, (uint32_t)(w >> 19) & RM_AMASK,
                       (uint32_t)w & RM_AMASK};
    for (int i = 0; i < 3 && d->f[i]; i++) {
        sbuf_printf(b, "%s", i ? ", " : " ");
        if (d->f[i] == 'i')
            sbuf_printf(b, "%lld", (long long)((int64_t)((uint64_t)fld[2] << 45) >> 45));
        else if (d->f[i] == 'L') {
            sbuf_printf(b, "%lld", (long long)((int64_t)(w << 26) >> 26));
            break;
        } else
            sbuf_printf(b, "0x%x", fld[i]);
    }
}

/* A byte string as the console and -c show it. */
static void f_chars(struct sbuf *b, const uint64_t *v, size_t n)
{
    sbuf_printf(b, "\"");
    for (size_t i = 0; i < n; i++) {
        uint64_t c = v[i];
        if (c > 255)
            sbuf_printf(b, "\\x{%llx}", (unsigned long long)c);
        else if (c == '"' || c == '\\')
            sbuf_printf(b, "\\%c", (int)c);
        else if (c == '\n' || c == '\t' || c == '\r')
            sbuf_printf(b, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        else if (c >= 0x20 && c < 0x7f)
            sbuf_printf(b, "%c", (int)c);
        else
            sbuf_printf(b, "\\x%02x", (unsigned)c);
    }
    sbuf_printf(b, "\"");
}

/* ---- the reference machine and what each step did ---- */

struct rec {
    uint64_t psw_before, psw_after, word, cycles;
    uint32_t p;
    bool fetched, timer, halted;
    uint8_t trap;
    uint32_t waddr[4];
    uint64_t wold[4], wnew[4];
    unsigned nw;
    uint64_t out[8];
    unsigned nout;
};

static struct rm M;
static uint64_t *before; /* E before the step, for its changes */
static unsigned last_trap;

static uint64_t cur_psw(const struct rm *m)
{
    return rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
}

static struct rec ref_step(void)
{
    struct rec r;
    memset(&r, 0, sizeof r);
    r.p = M.p;
    r.timer = M.pending && M.ie;
    size_t nout = M.nout;
    uint32_t code;
    memcpy(before, M.e, M.q * sizeof *M.e);
    enum rm_res res = rm_step(&M, &code);
    r.psw_before = M.psw_before;
    r.psw_after = cur_psw(&M);
    r.fetched = M.fetched;
    r.word = M.word;
    r.trap = M.trapped;
    r.cycles = M.cycles;
    r.halted = res == R_HALT;
    if (r.trap)
        last_trap = r.trap;
    for (uint32_t i = 0; i < M.q && r.nw < 4; i++)
        if (M.e[i] != before[i])
            r.waddr[r.nw] = i, r.wold[r.nw] = before[i], r.wnew[r.nw++] = M.e[i];
    for (size_t i = nout; i < M.nout && r.nout < 8; i++)
        r.out[r.nout++] = M.out[i];
    return r;
}

/* A step that traps and loads the very PSW it ran under: a disabled wait.
 * The monitor looks for one every 65536 steps of 'step' and between the
 * million-step chunks of 'go', so the short runs here show each step. */
static bool is_loop(const struct rec *r)
{
    return r->trap && r->psw_after == r->psw_before;
}

static void f_insn_at(struct sbuf *b, uint32_t addr, uint64_t w)
{
    sbuf_printf(b, "  0x%05x %-12s ", addr, "");
    f_dis(b, w);
    sbuf_printf(b, "\n");
}

/* The reason a fetch at P fails, as translate names it. */
static const char *why(uint32_t a, uint32_t l, uint32_t b, uint32_t q)
{
    return (uint64_t)a + l >= q ? "a + l >= q" : a >= b ? "a >= b" : NULL;
}

static void f_step(struct sbuf *b, const struct rec *r)
{
    if (r->fetched)
        f_insn_at(b, r->p, r->word);
    else if (r->timer)
        sbuf_printf(b, "  0x%05x: (not run: the pending timer trap comes first)\n", r->p);
    else
        sbuf_printf(b, "  0x%05x: (fetch: memory trap, %s)\n", r->p,
           why(r->p, (uint32_t)(r->psw_before >> 20) & RM_AMASK,
               (uint32_t)r->psw_before & RM_BMASK, M.q));
    sbuf_printf(b, "    PSW ");
    f_psw(b, r->psw_before);
    sbuf_printf(b, " -> ");
    f_psw(b, r->psw_after);
    sbuf_printf(b, "\n");
    for (unsigned i = 0; i < r->nw; i++) {
        sbuf_printf(b, "    E[0x%x] := ", r->waddr[i]);
        f_val(b, r->wnew[i]);
        sbuf_printf(b, " (was ");
        f_val(b, r->wold[i]);
        sbuf_printf(b, ")\n");
    }
    if (r->nout) {
        sbuf_printf(b, "    console <- ");
        f_chars(b, r->out, r->nout);
        sbuf_printf(b, "\n");
    }
    if (r->trap)
        sbuf_printf(b, "    trap: %s (old PSW in E[0], new PSW from E[1])\n", cause_name(r->trap));
    if (r->halted)
        sbuf_printf(b, "halted\n");
}

static void f_trace(struct sbuf *b, const struct rec *r)
{
    sbuf_printf(b, "%10llu ", (unsigned long long)r->cycles);
    f_psw(b, r->psw_before);
    sbuf_printf(b, "  ");
    if (r->fetched)
        f_dis(b, r->word);
    else
        sbuf_printf(b, "(not fetched)");
    if (r->trap)
        sbuf_printf(b, "  -> trap %s", cause_name(r->trap));
    sbuf_printf(b, "\n");
}

/* ---- the session ---- */

static struct ms_sess S;
static size_t omark, emark;
static struct sbuf got, gerr, want;
static struct rec hist[256];
static size_t nhist;
static unsigned long agreed, cmds, loops, armed, vms, timers;
static char last_cmd[256];

static int cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int cmd(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_cmd, sizeof last_cmd, fmt, ap);
    va_end(ap);
    int rc = mon_exec_line(S.m, last_cmd);
    fflush(S.out);
    fflush(S.err);
    bclear(&got);
    bclear(&gerr);
    for (size_t i = omark; i < S.olen; i++) /* a NUL shown, not ending it */
        sbuf_printf(&got, S.obuf[i] ? "%c" : "\\0", S.obuf[i]);
    sbuf_printf(&gerr, "%.*s", (int)(S.elen - emark), S.ebuf + emark);
    omark = S.olen, emark = S.elen;
    cmds++;
    return rc;
}

static void expect(const char *what)
{
    if (strcmp(got.s ? got.s : "", want.s ? want.s : "") != 0) {
        fprintf(stderr, "seed %llu: '%s' (%s) differs\n--- want\n%s--- got\n%s--- err\n%s",
                    (unsigned long long)rs, last_cmd, what, want.s ? want.s : "",
                    got.s ? got.s : "", gerr.s ? gerr.s : "");
        fail();
    }
}

/* Take the lines of GOT that begin with PREFIX out of it. */
static void drop_lines(const char *prefix)
{
    char *w = got.s, *r = got.s;
    size_t k = strlen(prefix);
    while (r && *r) {
        char *nl = strchr(r, '\n');
        size_t len = nl ? (size_t)(nl - r) + 1 : strlen(r);
        if (strncmp(r, prefix, k) != 0) {
            memmove(w, r, len);
            w += len;
        }
        r += len;
    }
    if (w) {
        *w = 0;
        got.n = (size_t)(w - got.s);
    }
}

/* Keep GOT from the line that begins with PREFIX (all of it if none). */
static void from_line(const char *prefix)
{
    char *at = got.s;
    while (at && strncmp(at, prefix, strlen(prefix)) != 0)
        at = (at = strchr(at, '\n')) ? at + 1 : NULL;
    if (at) {
        memmove(got.s, at, strlen(at) + 1);
        got.n = strlen(got.s);
    }
}

static void remember(const struct rec *r)
{
    timers += r->timer;
    if (nhist == 256)
        memmove(hist, hist + 1, 255 * sizeof *hist), nhist--;
    hist[nhist++] = *r;
}

/* ---- random programs over docs/isa.md's instruction set ---- */

static uint32_t q_now;
/* A lone VM (docs/monitor.md: it "stops where its bare machine would, with
 * the same counts"): the model is its bare machine; NAME heads its blocks. */
static bool in_vm, vm_halted;
static char vm_name[16];

static uint32_t r_addr(void)
{
    uint32_t lim = q_now < 48 ? q_now : 48;
    switch (rn(10)) {
    case 0: return q_now - 1 - rn(3);
    case 1: return rn(q_now + 4) & RM_AMASK;
    case 2: return RM_AMASK - rn(2);
    default: return rn(lim);
    }
}

static uint64_t r_insn(void)
{
    const struct rm_insn *d = &rm_table[rn((uint32_t)rm_ninsn)];
    if (d->op == 0x48 || (d->op == 0x02 && rn(3))) /* few HALTs */
        d = &rm_table[rn(3) + 2];
    uint64_t w = (uint64_t)d->op << 57;
    for (int i = 0; i < 3 && d->f[i]; i++) {
        uint64_t v;
        if (d->f[i] == 'L') {
            static const int64_t e[] = {0, 1, -1, 3, 64, -7, 0x1fffffffff, -0x2000000000};
            w |= (uint64_t)(rn(2) ? e[rn(8)] : (int64_t)(rnd() >> 26) - (INT64_C(1) << 37))
                 & ((UINT64_C(1) << 38) - 1);
            break;
        }
        v = d->f[i] == 'i'   ? rnd() & RM_AMASK
            : d->f[i] == 'n' ? rn(8) * (rn(4) ? 1 : 0x1111)
                             : r_addr();
        w |= (v & RM_AMASK) << (38 - 19 * i);
    }
    if (rn(30) == 0)
        w |= rnd() & RM_AMASK; /* a non-zero unused field, sometimes */
    return w;
}

static uint64_t r_word(void)
{
    static const uint64_t e[] = {0, 1, UINT64_MAX, UINT64_C(1) << 63, 5, 0x7f, '"', 10, 0x41, 300};
    switch (rn(10)) {
    case 0: return e[rn(10)];
    case 1: return rnd();
    case 2: return rn(64);
    default: return r_insn();
    }
}

static void put(uint32_t a, uint64_t v)
{
    cmd("deposit 0x%x 0x%llx", a, (unsigned long long)v);
    assert_int_equal(got.n, 0);
    M.e[a] = v;
}

/* A new bare machine of Q words holding a random program. */
static void new_machine(uint32_t q, uint32_t *lo, uint32_t *hi)
{
    q_now = q;
    free(M.e);
    free(before);
    memset(&M, 0, sizeof M);
    M.q = q;
    M.e = calloc(q, sizeof *M.e);
    before = calloc(q, sizeof *before);
    assert_true(M.e && before);
    if (in_vm) {
        cmd("vm create %s %u", vm_name, q);
        assert_non_null(strstr(got.s, "selected"));
    } else {
        cmd("set memory %u", q);
    }
    vm_halted = false;
    *lo = q < 96 ? q : 64;
    *hi = q < 96 ? q : q - 32;
    for (uint32_t a = 0; a < q; a++)
        if (a < *lo || a >= *hi)
            put(a, a == 1 ? rm_pack(rn(5) != 0, rn(3) == 0, 0, rn(*lo), 0, rn(4) ? q : rn(q) + 1)
                          : r_word());
    /* mostly a handler that runs, so that most runs do more than spin */
    uint64_t h = (M.e[1] >> 39) & RM_AMASK;
    if (rn(6) && h < q && (M.e[1] >> 63)) {
        uint32_t to = rn(*lo);
        put((uint32_t)h, rn(2) ? UINT64_C(0x28) << 57 | (uint64_t)to << 38 : UINT64_C(1) << 57);
        put(1, rm_pack(true, rn(3) == 0, 0, (uint32_t)h, 0, q));
    }
    uint64_t psw;
    if (q > 96 && rn(2)) /* P near 2^19-1 */
        psw = rm_pack(true, rn(2), 0, q - 1 - rn(4), 0, q);
    else if (rn(8) == 0) /* l + b past 2^19, b up to 2^20-1 */
        psw = rm_pack(rn(2), rn(2), 0, rn(*lo), RM_AMASK - rn(3), RM_BMASK - rn(3));
    else
        psw = rm_pack(rn(4) != 0, rn(3) == 0, 0, rn(*lo), rn(4) ? 0 : rn(3), rn(4) ? q : rn(q) + 1);
    uint32_t p0 = (uint32_t)(psw >> 39) & RM_AMASK;
    if (rn(3) == 0 && p0 + 1 < *lo) { /* a timer that falls due soon, with I = 1 */
        uint32_t a = p0 + 1 + rn(*lo - p0 - 1);
        put(p0, UINT64_C(0x44) << 57 | (uint64_t)a << 38);
        put(a, 1 + rn(12));
        psw = rm_pack(true, true, 0, p0, 0, q);
    }
    cmd("deposit psw 0x%llx", (unsigned long long)psw);
    rm_load_psw(&M, psw);
    nhist = 0;
    last_trap = 0;
}

/* ---- the commands ---- */

/* step N: one block a step. */
static void do_step(void)
{
    unsigned n = 1 + rn(12);
    if (vm_halted)
        return; /* 'vm resume' first, the monitor says */
    cmd("step %u", n);
    if (in_vm) /* what the control program did: docs/vmm.md's, not modelled here */
        drop_lines("    cp: ");
    bclear(&want);
    for (unsigned i = 0; i < n; i++) {
        struct rec r = ref_step();
        loops += is_loop(&r); /* told only every 65536 steps: shown as steps */
        f_step(&want, &r);
        remember(&r);
        if (r.halted) {
            vm_halted = in_vm;
            break;
        }
    }
    expect("step");
}

static void f_stop_tail(struct sbuf *b, uint64_t steps, uint64_t cyc, bool at)
{
    /* a stop by 'for N' says where in its PSW line, not after "stopped" */
    sbuf_printf(b, "stopped ");
    if (at)
        sbuf_printf(b, "at %s ", hx(M.p));
    sbuf_printf(b, "after %llu step%s, %llu cycle%s: ", (unsigned long long)steps, steps == 1 ? "" : "s",
       (unsigned long long)cyc, cyc == 1 ? "" : "s");
    f_psw(b, cur_psw(&M));
    sbuf_printf(b, "\n");
    uint32_t ph;
    if (rm_dev(&M, M.p, &ph))
        f_insn_at(b, M.p, M.e[ph]);
    else
        sbuf_printf(b, "  0x%05x: (P would take a memory trap: %s)\n", M.p, why(M.p, M.l, M.b, M.q));
}

/* A traced `go for N`, perhaps with a breakpoint, watchpoint or trap stop. */
static void do_go(void)
{
    unsigned mode = rn(3); /* insns, traps, both */
    static const char *const tm[] = {"insns", "traps", "insns traps"};
    cmd("trace off");
    cmd("trace %s", tm[mode]);
    unsigned stop = rn(4); /* none, break, watch, trap stop */
    uint32_t at = r_addr() % M.q;
    unsigned cause = 1 + rn(5), wkind = rn(3);
    if (stop == 1)
        cmd("break 0x%x", at);
    else if (stop == 2)
        cmd("watch %s 0x%x", wkind == 0 ? "write" : wkind == 1 ? "read" : "access", at);
    else if (stop == 3)
        cmd("break trap %s", cause_name(cause));
    unsigned id = 0; /* numbers go on after 'delete all', as gdb's */
    if (stop)
        assert_int_equal(sscanf(got.s, "%*s %u", &id), 1);
    unsigned n = 1 + rn(60);
    cmd("go for %u", n);
    bclear(&want);
    uint64_t c0 = M.cycles;
    unsigned i;
    struct sbuf tail = {0};
    for (i = 0; i < n; i++) {
        uint32_t ph;
        if (stop == 1 && i > 0 && !(M.pending && M.ie) && rm_dev(&M, M.p, &ph) && ph == at) {
            sbuf_printf(&tail, "breakpoint %u at %s, hit 1 time\n", id, hx(at));
            f_stop_tail(&tail, i, M.cycles - c0, true);
            break;
        }
        struct rec r = ref_step();
        loops += is_loop(&r); /* looked for between chunks of a million */
        remember(&r);
        if (mode != 1 || r.trap)
            f_trace(&want, &r);
        if (r.halted) {
            sbuf_printf(&tail, "halted after %u step%s: ", i + 1, i ? "s" : "");
            f_psw(&tail, cur_psw(&M));
            sbuf_printf(&tail, "\n");
            f_insn_at(&tail, r.p, r.word);
            break;
        }
        bool hit = false;
        /* a word read and written by one step is named by its write, as
         * a trap's E[0] is (the docs name no other case) */
        for (unsigned pass = 0; stop == 2 && pass < 2 * M.nacc && !hit; pass++) {
            unsigned k = pass % M.nacc;
            if (M.acc[k] != at || M.accw[k] != (pass < M.nacc) || (wkind == 0 && !M.accw[k]) ||
                (wkind == 1 && M.accw[k]))
                continue;
            hit = true;
            sbuf_printf(&tail, "watchpoint %u: ", id);
            unsigned j;
            for (j = 0; j < r.nw && r.waddr[j] != at; j++)
                ;
            if (M.accw[k]) {
                sbuf_printf(&tail, "write E[%s] ", hx(at));
                f_val(&tail, j < r.nw ? r.wold[j] : M.e[at]);
                sbuf_printf(&tail, " -> ");
                f_val(&tail, M.e[at]);
            } else {
                sbuf_printf(&tail, "read E[%s] = ", hx(at));
                f_val(&tail, M.e[at]);
            }
            sbuf_printf(&tail, ", hit 1 time\n");
        }
        if (stop == 3 && r.trap == cause) {
            hit = true;
            sbuf_printf(&tail, "breakpoint %u: %s trap at %s, hit 1 time\n", id, cause_name(cause),
               hx((unsigned)(M.e[0] >> 39) & RM_AMASK));
        }
        if (hit) {
            f_stop_tail(&tail, i + 1, M.cycles - c0, true);
            break;
        }
    }
    if (i == n)
        f_stop_tail(&tail, n, M.cycles - c0, false);
    if (tail.n)
        sbuf_printf(&want, "%s", tail.s);
    free(tail.s);
    expect("go");
    if (stop)
        cmd("delete all");
    cmd("trace off");
}

static void do_history(void)
{
    if (!nhist)
        return;
    unsigned n = 1 + rn((uint32_t)nhist);
    cmd("history %u", n);
    bclear(&want);
    for (size_t i = nhist - n; i < nhist; i++)
        f_trace(&want, &hist[i]);
    expect("history");
}

static void do_regs(void)
{
    cmd("%s", rn(2) ? "regs" : rn(2) ? "info registers" : "psw");
    bclear(&want);
    armed += M.armed;
    if (in_vm) /* the table beside it is the real machine's */
    {
        char head[32];
        snprintf(head, sizeof head, "%s (q=", vm_name);
        from_line(head);
    }
    sbuf_printf(&want, "%s (q=%u, profile virtualizable)\n  PSW   %016llx  ",
       in_vm ? vm_name : "bare machine", M.q,
       (unsigned long long)cur_psw(&M));
    f_psw(&want, cur_psw(&M));
    sbuf_printf(&want, "  last trap: %s\n  E[0]  %016llx  ", cause_name(last_trap),
       (unsigned long long)M.e[0]);
    f_psw(&want, M.e[0]);
    sbuf_printf(&want, "  cause=%s  (old PSW)\n  E[1]  %016llx  ", cause_name((unsigned)(M.e[0] >> 58) & 15),
       (unsigned long long)M.e[1]);
    f_psw(&want, M.e[1]);
    sbuf_printf(&want, "  (new PSW)\n  timer %s, %lld cycle%s left;  cycles %llu  insns %llu  steps %llu\n",
       M.armed ? "armed" : M.pending ? "disarmed (pending)" : "disarmed", (long long)M.rem,
       M.rem == 1 ? "" : "s",
       (unsigned long long)M.cycles, (unsigned long long)M.instret, (unsigned long long)M.steps);
    expect("regs");
}

static const char fmts[] = "xduobticw";

static void f_word(struct sbuf *b, char f, uint64_t v)
{
    switch (f) {
    case 'x': sbuf_printf(b, "%016llx", (unsigned long long)v); break;
    case 'd': sbuf_printf(b, "%lld", (long long)v); break;
    case 'u': sbuf_printf(b, "%llu", (unsigned long long)v); break;
    case 'o': sbuf_printf(b, "0o%llo", (unsigned long long)v); break;
    case 'b':
    case 't': {
        int k = 63;
        while (k > 0 && !((v >> k) & 1))
            k--;
        sbuf_printf(b, "0b");
        for (; k >= 0; k--)
            sbuf_printf(b, "%c", (int)('0' + ((v >> k) & 1)));
        break;
    }
    case 'i': f_dis(b, v); break;
    case 'w':
        f_psw(b, v);
        sbuf_printf(b, "  cause=%s", cause_name((unsigned)(v >> 58) & 15));
        break;
    default: break;
    }
}

static void do_examine(void)
{
    char f = fmts[rn(9)];
    uint32_t a = rn(M.q), n = 1 + rn(6);
    if (rn(20) == 0) { /* docs: examine 0 0 shows nothing, refused with one line */
        char fl = f == 't' ? 'b' : f == 'u' ? 'd' : f;
        assert_int_not_equal(cmd(rn(2) ? "x/0%c 0x%x" : "examine -%c 0x%x 0", fl, a), 0);
        assert_int_equal(got.n, 0);
        assert_true(gerr.n > 0 && strchr(gerr.s, '\n') == gerr.s + gerr.n - 1);
        return;
    }
    bool past = a + n > M.q;
    switch (rn(3)) {
    case 0: cmd("x/%u%c 0x%x", n, f, a); break;
    case 1: cmd("examine -%c 0x%x %u", f == 't' ? 'b' : f == 'u' ? 'd' : f, a, n);
        if (f == 't')
            f = 'b';
        if (f == 'u')
            f = 'd';
        break;
    default: cmd("examine/%c 0x%x..0x%x", f, a, a + n - 1); break;
    }
    bclear(&want);
    if (past) {
        assert_int_equal(got.n, 0);
        assert_non_null(strstr(gerr.s, "out of range"));
        return;
    }
    if (f == 'c') {
        sbuf_printf(&want, "  0x%05x: ", a);
        f_chars(&want, M.e + a, n);
        sbuf_printf(&want, "\n");
    } else {
        for (uint32_t i = a; i < a + n; i++) {
            sbuf_printf(&want, "  0x%05x %-12s ", i, "");
            f_word(&want, f, M.e[i]);
            sbuf_printf(&want, "\n");
        }
    }
    expect("examine");
}

/* examine -v: each address developed through R. */
static void do_examine_v(void)
{
    uint32_t a = rn(M.b < 64 ? M.b + 3 : 64), n = 1 + rn(4);
    if (rn(3) == 0)
        a = (M.q - M.l) - rn(3);
    a &= RM_AMASK;
    if (a + n > RM_AMASK + 1)
        return;
    cmd("examine -v 0x%x %u", a, n);
    bclear(&want);
    for (uint32_t i = a; i < a + n; i++) {
        uint32_t ph;
        if (!rm_dev(&M, i, &ph)) {
            sbuf_printf(&want, "  0x%05x: memory trap (%s)\n", i, why(i, M.l, M.b, M.q));
            continue; /* each address says for itself */
        }
        sbuf_printf(&want, "  0x%05x %-12s %016llx (E[%s])\n", i, "", (unsigned long long)M.e[ph], hx(ph));
    }
    expect("examine -v");
}

static void do_print(void)
{
    static const uint64_t e[] = {0, 1, UINT64_MAX, UINT64_C(1) << 63, (UINT64_C(1) << 63) - 1,
                                 65, 10, 255, 256, 0x7ffff, '"', '\\', 9};
    uint64_t v = rn(2) ? e[rn(13)] : rn(2) ? rnd() : M.e[rn(M.q)];
    char f = rn(4) ? fmts[rn(9)] : 0;
    if (f == 'i')
        f = 0;
    if (f)
        cmd("print/%c 0x%llx", f, (unsigned long long)v);
    else
        cmd("print 0x%llx", (unsigned long long)v);
    bclear(&want);
    switch (f) {
    case 0: sbuf_printf(&want, "%s (%lld)", hx(v), (long long)v); break;
    case 'x': sbuf_printf(&want, "0x%llx", (unsigned long long)v); break; /* 0x0, where the default has 0 */
    case 'c':
        if (v > 255)
            sbuf_printf(&want, "'\\x{%llx}'", (unsigned long long)v);
        else if (v == '\'' || v == '\\')
            sbuf_printf(&want, "'\\%c'", (int)v);
        else if (v >= 0x20 && v < 0x7f)
            sbuf_printf(&want, "'%c'", (int)v);
        else if (v == '\n' || v == '\t' || v == '\r')
            sbuf_printf(&want, "'\\%c'", v == '\n' ? 'n' : v == '\t' ? 't' : 'r');
        else
            sbuf_printf(&want, "'\\x%02x'", (unsigned)v);
        break;
    default: f_word(&want, f, v); break;
    }
    sbuf_printf(&want, "\n");
    expect("print");
}

static void do_translate(void)
{
    uint32_t a = rn(3) ? rn(M.b < 64 ? M.b + 3 : 64) : rn(2) ? (M.q - M.l - rn(2)) & RM_AMASK
                                                                : RM_AMASK - rn(2);
    cmd("translate 0x%x", a);
    bclear(&want);
    if (in_vm) { /* R', composed by the allocator, follows */
        char *r = strstr(got.s, "real machine, through R'");
        assert_non_null(r);
        *r = 0;
        got.n = strlen(got.s);
    }
    sbuf_printf(&want, "%s: a=", in_vm ? vm_name : "bare");
    f_val(&want, a);
    sbuf_printf(&want, ", R=(l=");
    f_val(&want, M.l);
    sbuf_printf(&want, ", b=");
    f_val(&want, M.b);
    sbuf_printf(&want, "), q=0x%x\n  a + l = ", M.q);
    f_val(&want, (uint64_t)a + M.l);
    bool f1 = (uint64_t)a + M.l >= M.q, f2 = a >= M.b;
    sbuf_printf(&want, f1 ? " >= q   FAILS: memory trap\n" : " < q   ok\n");
    sbuf_printf(&want, "  a     = ");
    f_val(&want, a);
    sbuf_printf(&want, f2 ? " >= b   FAILS: memory trap\n" : " < b   ok\n");
    if (f1 || f2)
        sbuf_printf(&want, "  => memory trap (%s)\n", f1 ? "a + l >= q" : "a >= b");
    else {
        sbuf_printf(&want, "  => physical ");
        f_val(&want, a + M.l);
        sbuf_printf(&want, "\n");
    }
    expect("translate");
}

static void session(void)
{
    static const uint32_t qs[] = {16, 64, 64, 200, 1024, 524288};
    uint32_t q = qs[rn(6)], lo, hi;
    in_vm = rn(4) == 0;
    if (in_vm) {
        static unsigned nvm;
        snprintf(vm_name, sizeof vm_name, "g%u", nvm++);
        q = q == 524288 ? 524280 : q;
    }
    vms += in_vm;
    new_machine(q, &lo, &hi);
    for (unsigned k = 0; k < 14; k++) {
        /* in a VM, runs, traces and history are the real machine's */
        unsigned c = rn(8);
        switch (in_vm && (c == 1 || c == 2) ? 0 : c) {
        case 0: do_step(); break;
        case 1: do_go(); break;
        case 2: do_history(); break;
        case 3: do_regs(); break;
        case 4: do_examine(); break;
        case 5: do_examine_v(); break;
        case 6: do_print(); break;
        default: do_translate(); break;
        }
    }
    if (in_vm) {
        cmd("vm destroy %s", vm_name);
        cmd("vm select bare");
    }
    agreed++;
}

static unsigned long env_num(const char *name, unsigned long dflt)
{
    const char *s = getenv(name);
    return s && *s ? strtoul(s, NULL, 0) : dflt;
}

static void reftrace__random_sessions_print_what_the_docs_say(void **state)
{
    (void)state;
    unsigned long n = env_num("TGM_REFTRACE_SESSIONS", 150);
    uint64_t seed = env_num("TGM_REFTRACE_SEED", 20261205);
    ms_sess_open(&S);
    omark = S.olen, emark = S.elen;
    cmd("set limit 0");
    cmd("set console off"); /* live output comes between chunks */
    for (unsigned long i = 0; i < n; i++) {
        rs = seed * 1000003u + i;
        cmd("delete all");
        cmd("trace off");
        session();
    }
    print_message("reftrace: %lu of %lu sessions agreed (%lu in a VM), %lu commands (%lu "
                  "trap-loop steps, %lu timer traps, %lu regs with the timer armed)\n",
                  agreed, n, vms, cmds, loops, timers, armed);
    assert_true(agreed == n);
    ms_sess_close(&S);
    free(M.e);
    free(before);
    free(got.s);
    free(gerr.s);
    free(want.s);
}

/* docs/isa.md: a word whose opcode is not an instruction of the machine's
 * profile "is not an instruction: executing it takes an illegal-instruction
 * trap, and the disassembler shows it as .word"; only tgm dis, which knows
 * no profile, names JRSTU, LRA and MFPI.  The monitor knows the profile. */
static void reftrace__an_opcode_the_profile_lacks_is_shown_as_word(void **state)
{
    (void)state;
    struct ms_sess s;
    ms_sess_open(&s);
    const char *lines[] = {"deposit 2 0xa4000a4000880000", "deposit psw psw(1,2,0,q)",
                           "x/1i 2", "trace insns", "step", "history 1", "set profile pdp11-45",
                           "deposit 2 0xa4000a4000880000", "x/1i 2"};
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++)
        assert_int_equal(mon_exec_line(s.m, lines[i]), 0);
    fflush(s.out);
    const char *w = ".word 0xa4000a4000880000";
    const char *x = strstr(s.obuf, "  0x00002              .word 0xa4000a4000880000\n");
    assert_non_null(x); /* x/1i on virtualizable */
    assert_non_null(strstr(x, "         4 s I=0 P=0x00002 l=0x00000 b=0x10000  .word "
                              "0xa4000a4000880000  -> trap illegal\n")); /* the trace */
    assert_non_null(strstr(x, "  0x00002              .word 0xa4000a4000880000\n    PSW"));
    assert_null(strstr(s.obuf, "MFPI   0x29, 0x11\n    PSW")); /* the step */
    /* on pdp11-45 it is an instruction, named */
    assert_non_null(strstr(strstr(x, "reset"), "  0x00002              MFPI   0x29, 0x11\n"));
    assert_non_null(strstr(s.obuf, w));
    ms_sess_close(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reftrace__an_opcode_the_profile_lacks_is_shown_as_word),
        cmocka_unit_test(reftrace__random_sessions_print_what_the_docs_say),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
