/* test_audit_refexpr.c: the monitor's expressions against an evaluator
 * written from the docs alone (refexpr.c), on random expressions: print in
 * every format, deposit then the word it wrote, breakpoint conditions, and
 * a VM's own E against the real machine's words at its region.  A refusal
 * must give the model's message and leave the machine as it was.
 *
 * TGM_REFEXPR_SEED chooses the campaign, TGM_REFEXPR_N its size (per
 * machine state; default 350). */
#include <setjmp.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mon_support.h"
#include "refexpr.h"
#include "rng.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* Labels that hide built-ins (b, steps), names with '.' and '$', constants. */
static const char guest_src[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "K_ADD = 7\n"
    "NEG = -3\n"
    "start:  LI    t.x, 5\n"
    "loop:   ADDI  t.x, t.x, 1\n"
    "        ADDI  b, b, 2\n"
    "        BNE   t.x, lim, loop\n"
    "        SVC   3\n"
    "fault:  HALT\n"
    "t.x:    .word 0\n"
    "b:      .word 0\n"
    "lim:    .word 9\n"
    "steps:  .word 0x1234\n"
    "v$1:    .word -1\n"
    "tab:    .word 0x8000000000000000, 0x7fffffffffffffff, 1, 0, 0x41, ';'\n";

struct fx {
    struct ms_sess s;
    char src[256];
    char names[RX_MAX_LABELS][64];
    struct rx_env env;
    uint64_t seed, n;
    unsigned long agreed;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    ms_tmp_file(f->src, sizeof f->src, "refexpr.s");
    FILE *fp = fopen(f->src, "w");
    assert_non_null(fp);
    fputs(guest_src, fp);
    fclose(fp);
    ms_sess_open(&f->s);
    f->seed = rng_env("TGM_REFEXPR_SEED", 0x5eed0e4);
    f->n = rng_env("TGM_REFEXPR_N", 350);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    if (f->agreed)
        print_message("refexpr: %lu expressions agreed (seed %#llx)\n", f->agreed,
                      (unsigned long long)f->seed);
    ms_sess_close(&f->s);
    remove(f->src);
    free(f);
    return 0;
}

/* Run LINE; its output and errors since the last call go to OUT and ERR. */
static int run(struct fx *f, char *out, size_t olen, char *err, size_t elen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
static int run(struct fx *f, char *out, size_t olen, char *err, size_t elen, const char *fmt, ...)
{
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fflush(f->s.out);
    fflush(f->s.err);
    size_t o0 = f->s.olen, e0 = f->s.elen;
    int rc = mon_exec_line(f->s.m, line);
    fflush(f->s.out);
    fflush(f->s.err);
    snprintf(out, olen, "%.*s", (int)(f->s.olen - o0), f->s.obuf + o0);
    snprintf(err, elen, "%.*s", (int)(f->s.elen - e0), f->s.ebuf + e0);
    return rc;
}

/* The symbols the monitor lists, as the model's labels. */
static void read_symbols(struct fx *f)
{
    char out[4096], err[256];
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "symbols"), 0);
    f->env.nlab = 0;
    for (char *p = out; *p && f->env.nlab < RX_MAX_LABELS;) {
        char *nl = strchr(p, '\n');
        unsigned long long v;
        char name[64];
        if (sscanf(p, " %llx %63s", &v, name) == 2) {
            int i = f->env.nlab++;
            snprintf(f->names[i], sizeof f->names[i], "%s", name);
            f->env.lab[i] = f->names[i];
            f->env.val[i] = v;
        }
        if (!nl)
            break;
        p = nl + 1;
    }
}

/* The focused bare machine's state, as the model sees it. */
static void env_bare(struct fx *f, uint64_t halted)
{
    struct machine *m = mon_machine(f->s.m);
    struct psw p = machine_psw(m);
    struct rx_env *e = &f->env;
    e->P = p.p, e->M = p.sup, e->I = p.ie, e->l = p.l, e->b = p.b;
    e->q = machine_q(m);
    e->cause = machine_last_trap(m);
    e->cycles = machine_cycles(m);
    e->steps = machine_steps(m);
    e->insns = machine_instret(m);
    e->halted = halted;
    e->E = machine_mem(m);
}

/* What a refusal must not change: the PSW and all of E. */
static uint64_t digest(struct fx *f)
{
    struct vmm *v = mon_vmm(f->s.m);
    struct machine *m = v ? vmm_machine(v) : mon_machine(f->s.m);
    return machine_digest(m) ^ machine_get_psw(m);
}

static void mismatch(struct fx *f, const char *line, const char *want, const char *got)
{
    fail_msg("seed %#llx: '%s'\n  model:   %s\n  monitor: %s", (unsigned long long)f->seed,
             line, want, got);
}

/* N random 'print/F EXPR' lines, each compared with the model. */
static void campaign_print(struct fx *f, uint64_t *rng, uint64_t n)
{
    static const char fmts[] = "\0xduobtcw";
    for (uint64_t k = 0; k < n; k++) {
        char ex[600], want[700], out[1024], err[1024], line[700];
        rx_gen(rng, &f->env, 1, 6, ex, sizeof ex);
        char fm = fmts[rng_next(rng) % 10];
        if (fm)
            snprintf(line, sizeof line, "print/%c %s", fm, ex);
        else
            snprintf(line, sizeof line, "print %s", ex);
        uint64_t v, d0 = digest(f);
        char msg[600];
        int mrc = rx_eval(&f->env, ex, &v, msg, sizeof msg);
        if (!mrc) {
            rx_format(fm, v, want, sizeof want - 1);
            strcat(want, "\n");
        } else {
            snprintf(want, sizeof want, "print: %s\n", msg);
        }
        int rc = run(f, out, sizeof out, err, sizeof err, "%s", line);
        const char *got = rc ? err : out;
        if ((rc != 0) != (mrc != 0) || strcmp(want, got) || (rc && *out) || (!rc && *err))
            mismatch(f, line, want, rc ? err : out);
        assert_true(digest(f) == d0);
        f->agreed++;
    }
}

/* An address as a refusal shows it: a number in the base it was typed
 * in (0xffffffffffffffff too), an expression's value in hex, a negative
 * one signed. */
static void addr_shown(const char *t, uint64_t v, char *out, size_t len)
{
    bool plain = t[0] >= '0' && t[0] <= '9';
    for (const char *q = t; *q; q++)
        if (!strchr("0123456789abcdefABCDEFxXoO_", *q))
            plain = false;
    char base = plain && t[0] == '0' && t[1] ? (char)(t[1] | 0x20) : 'd';
    if (!plain && (int64_t)v < 0)
        snprintf(out, len, "%lld", (long long)v);
    else if (!plain || base == 'x')
        snprintf(out, len, "0x%llx", (unsigned long long)v);
    else if (base == 'o')
        snprintf(out, len, "0o%llo", (unsigned long long)v);
    else if (base == 'b')
        rx_format('b', v, out, len);
    else
        snprintf(out, len, "%llu", (unsigned long long)v);
}

/* Past the character at Q, or past the character constant it opens. */
static const char *skip_char(const char *q)
{
    if (*q != '\'')
        return q + 1;
    const char *e = q + 1 + (q[1] == '\\');
    if (*e)
        e++;
    while (*e && *e != '\'')
        e++;
    return *e ? e + 1 : e;
}

/* Is the address T written with '.' (P as an address: developed through
 * R), a '.' that is no part of a longer name? */
static bool dotted(const char *t)
{
    for (const char *q = t; *q; q = skip_char(q)) {
        bool before = q > t && (isalnum((unsigned char)q[-1]) || strchr("_.", q[-1]));
        bool after = isalnum((unsigned char)q[1]) || (q[1] && strchr("_.$", q[1]));
        if (*q == '.' && !before && !after)
            return true;
    }
    return false;
}

/* How much of the N bytes at P an error quotes (docs/monitor.md): at
 * most 80, a UTF-8 character not cut; "..." follows when N is more. */
static int cut80(const char *p, size_t n)
{
    size_t k = n > 80 ? 80 : n;
    while (k < n && k > 0 && ((unsigned char)p[k] & 0xC0) == 0x80)
        k--;
    return (int)k;
}

/* CMD's error for word W that the model refused with MSG: one that
 * opens more '(' and '[' than it closes may have been meant to go on in
 * the next word, and the monitor says so. */
static void word_error(const char *cmd, const char *w, const char *msg, char *out, size_t len)
{
    int open = 0;
    for (const char *q = w; *q; q = skip_char(q))
        open += (*q == '(' || *q == '[') - (*q == ')' || *q == ']');
    size_t n = strlen(w);
    if (open > 0)
        snprintf(out, len, "%s: %s ('%.*s%s' is one word of the command: quote an expression "
                 "that has spaces)\n", cmd, msg, cut80(w, n), w, n > 80 ? "..." : "");
    else
        snprintf(out, len, "%s: %s\n", cmd, msg);
}

/* 'deposit ADDR VALUE' with random one-word expressions: the word the
 * model says is written, or the model's refusal with nothing changed. */
static void campaign_deposit(struct fx *f, uint64_t *rng, uint64_t n, uint64_t *mem, uint64_t off)
{
    for (uint64_t k = 0; k < n; k++) {
        char a[300], val[300], want[1024], out[1024], err[1024], msg[600];
        if (rng_next(rng) % 2)
            snprintf(a, sizeof a, "%llu", (unsigned long long)(rng_next(rng) % (f->env.q + 4)));
        else
            rx_gen(rng, &f->env, 0, 8, a, sizeof a);
        static const char *const regs[] = {"P", "pc", "M", "I", "l", "b", "psw"};
        for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
            if (!strcmp(a + (a[0] == '$'), regs[i]))
                snprintf(a, sizeof a, "%zu", i); /* deposit REG VALUE: not an address */
        if (a[0] == '-' && isalpha((unsigned char)a[1]))
            a[0] = '~'; /* -x is a flag */
        rx_gen(rng, &f->env, 0, 8, val, sizeof val);
        uint64_t av, vv, d0 = digest(f);
        int arc = rx_eval(&f->env, a, &av, msg, sizeof msg);
        want[0] = 0;
        if (arc) {
            word_error("deposit", a, msg, want, sizeof want);
        } else if (dotted(a) && (av >= f->env.q || av + f->env.l >= f->env.q || av >= f->env.b)) {
            char at[64];
            addr_shown("", av, at, sizeof at);
            bool lq = av >= f->env.q || av + f->env.l >= f->env.q;
            snprintf(want, sizeof want, "deposit: %s would take a memory trap (%s)\n", at,
                     lq ? "a + l >= q" : "a >= b");
        } else if (!dotted(a) && av >= f->env.q) {
            char at[320];
            addr_shown(a, av, at, sizeof at);
            snprintf(want, sizeof want, "deposit: address %s is out of range (0..0x%llx)\n", at,
                     (unsigned long long)f->env.q - 1);
        } else if (rx_eval(&f->env, val, &vv, msg, sizeof msg)) {
            word_error("deposit", val, msg, want, sizeof want);
        }
        int rc = run(f, out, sizeof out, err, sizeof err, "deposit %s %s", a, val);
        char line[700];
        snprintf(line, sizeof line, "deposit %s %s", a, val);
        if (*want) {
            if (!rc || strcmp(err, want))
                mismatch(f, line, want, rc ? err : "(deposited)");
            assert_true(digest(f) == d0);
        } else {
            if (rc)
                mismatch(f, line, "(deposited)", err);
            if (dotted(a))
                av += f->env.l;
            if (mem[off + av] != vv) {
                char w[64], g[64];
                snprintf(w, sizeof w, "E[%llu] = %#llx", (unsigned long long)av,
                         (unsigned long long)vv);
                snprintf(g, sizeof g, "%#llx", (unsigned long long)mem[off + av]);
                mismatch(f, line, w, g);
            }
        }
        f->agreed++;
    }
}

/* SIMH's range A-B, where each side is one number or name: examine says
 * how a range is written (docs/monitor.md). */
static const char *range_hint(const char *t)
{
    static char buf[400];
    const char *m = t[0] ? strchr(t + 1, '-') : NULL;
    size_t n = strspn(t, "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_.$");
    if (!m || t + n != m || !m[1] || strspn(m + 1, "0123456789abcdefghijklmnopqrstuvwxyz"
                                                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ_.$") != strlen(m + 1))
        return "";
    size_t a = (size_t)(m - t), b = strlen(m + 1); /* each side quoted as an error quotes */
    snprintf(buf, sizeof buf, " (a range is written %.*s%s..%.*s%s)", cut80(t, a), t,
             a > 80 ? "..." : "", cut80(m + 1, b), m + 1, b > 80 ? "..." : "");
    return buf;
}

/* 'examine -d ADDR' with random one-word addresses: the word's line (its
 * address as typed through R or not, and its value), or the model's
 * refusal with nothing changed. */
static void campaign_examine(struct fx *f, uint64_t *rng, uint64_t n)
{
    for (uint64_t k = 0; k < n; k++) {
        char a[300], want[1024], out[4096], err[1024], msg[600], line[400];
        rx_gen(rng, &f->env, 0, 8, a, sizeof a);
        if (a[0] == '-' && isalpha((unsigned char)a[1]))
            a[0] = '~'; /* -x is a flag */
        snprintf(line, sizeof line, "examine -d %s", a);
        uint64_t av, d0 = digest(f);
        bool dot = dotted(a);
        want[0] = 0;
        if (rx_eval(&f->env, a, &av, msg, sizeof msg)) {
            word_error("examine", a, msg, want, sizeof want);
        } else if (dot && (av >= f->env.q || av + f->env.l >= f->env.q || av >= f->env.b)) {
            continue; /* -v's report of the trap, not a refusal */
        } else if (!dot && av >= f->env.q) {
            char at[320];
            addr_shown(a, av, at, sizeof at);
            snprintf(want, sizeof want, "examine: address %s is out of range (0..0x%llx)%s\n", at,
                     (unsigned long long)f->env.q - 1, (int64_t)av < 0 ? range_hint(a) : "");
        }
        int rc = run(f, out, sizeof out, err, sizeof err, "%s", line);
        if (*want) {
            if (!rc || strcmp(err, want))
                mismatch(f, line, want, rc ? err : out);
        } else {
            uint64_t at = dot ? av + f->env.l : av;
            char head[32], val[40];
            snprintf(head, sizeof head, "  0x%05llx ", (unsigned long long)av);
            snprintf(val, sizeof val, " %lld", (long long)f->env.E[at]);
            char *nl = strchr(out, '\n');
            if (rc || !nl || strncmp(out, head, strlen(head)) || !strstr(out, val) ||
                nl[1] || (dot && !strstr(out, "(E[")))
                mismatch(f, line, val, rc ? err : out);
        }
        assert_true(digest(f) == d0);
        f->agreed++;
    }
}

static void load_fresh(struct fx *f)
{
    ms_cmd(f->s.m, "reset");
    ms_cmd(f->s.m, "load %s", f->src);
}

/* Print, then deposit, on the bare machine: just loaded, part-way through
 * the loop, halted after its SVC trap, and with R relocating. */
static void test_bare(void **state)
{
    struct fx *f = *state;
    uint64_t rng = f->seed;
    load_fresh(f);
    read_symbols(f);
    assert_true(f->env.nlab >= 10);
    env_bare(f, 0);
    campaign_print(f, &rng, f->n);
    ms_cmd(f->s.m, "step 7");
    env_bare(f, 0);
    campaign_print(f, &rng, f->n);
    ms_cmd(f->s.m, "go");
    env_bare(f, 1);
    assert_int_equal(f->env.cause, 3);
    campaign_print(f, &rng, f->n);
    ms_cmd(f->s.m, "deposit l 5");
    ms_cmd(f->s.m, "deposit $b 0x21");
    env_bare(f, 1);
    campaign_print(f, &rng, f->n);
    campaign_examine(f, &rng, f->n);
    campaign_deposit(f, &rng, f->n, (uint64_t *)machine_mem(mon_machine(f->s.m)), 0);
}

/* 'break fault if EXPR': the run stops there exactly when the model says
 * EXPR is true in the state the hit sees (taken from an unconditional
 * run), and a condition that cannot be evaluated stops it with the
 * model's error. */
static void test_break_if(void **state)
{
    struct fx *f = *state;
    uint64_t rng = f->seed ^ 0xb4ea;
    char out[4096], err[1024], msg[600];
    load_fresh(f);
    read_symbols(f);
    ms_cmd(f->s.m, "break fault");
    ms_cmd(f->s.m, "go");
    env_bare(f, 0);
    uint64_t *snap = malloc(f->env.q * sizeof *snap);
    assert_non_null(snap);
    memcpy(snap, f->env.E, f->env.q * sizeof *snap);
    uint64_t psw_at = machine_get_psw(mon_machine(f->s.m)), mem_at = digest(f);
    f->env.E = snap;
    uint64_t n = f->n / 10 + 1;
    for (uint64_t k = 0; k < n; k++) {
        char ex[600];
        rx_gen(&rng, &f->env, 1, 0, ex, sizeof ex);
        uint64_t v;
        int mrc = rx_eval(&f->env, ex, &v, msg, sizeof msg);
        ms_cmd(f->s.m, "delete all");
        load_fresh(f);
        int src = run(f, out, sizeof out, err, sizeof err, "break fault if %s", ex);
        char line[700], want[700], smsg[600];
        snprintf(line, sizeof line, "break fault if %s", ex);
        /* setting it reads the condition; only a hit evaluates it */
        uint64_t unused;
        if (rx_eval_as(&f->env, ex, false, &unused, smsg, sizeof smsg)) {
            snprintf(want, sizeof want, "break: condition: %s\n", smsg);
            if (!src || strcmp(err, want))
                mismatch(f, line, want, src ? err : "(set)");
            f->agreed++;
            continue;
        }
        if (src)
            mismatch(f, line, "(set)", err);
        int rc = run(f, out, sizeof out, err, sizeof err, "go");
        bool stopped = strstr(out, " at 0x7 fault, hit 1 time") != NULL;
        if (mrc) {
            snprintf(want, sizeof want, "' cannot be evaluated: %s\n", msg);
            if (!rc || !strstr(err, want))
                mismatch(f, line, want, rc ? err : out);
        } else if (rc || stopped != (v != 0)) {
            mismatch(f, line, v ? "stops at fault" : "runs to HALT", rc ? err : out);
        }
        if (mrc || v) {
            assert_true(machine_get_psw(mon_machine(f->s.m)) == psw_at);
            assert_true(digest(f) == mem_at);
        }
        f->agreed++;
    }
    free(snap);
}

/* In a VM: E, q and the PSW are the VM's own; each word the model reads or
 * a deposit writes is the real machine's word at the VM's region. */
static void test_vm(void **state)
{
    struct fx *f = *state;
    uint64_t rng = f->seed ^ 0x7e5;
    ms_cmd(f->s.m, "set cp-memory 4096");
    ms_cmd(f->s.m, "vm create pad 100 %s", f->src);
    ms_cmd(f->s.m, "vm create g 48 %s", f->src);
    read_symbols(f);
    struct vmm *v = mon_vmm(f->s.m);
    int id = vmm_vm_find(v, "g");
    assert_true(id >= 0);
    for (int round = 0; round < 2; round++) {
        struct vm_info vi;
        assert_int_equal(vmm_vm_info(v, id, &vi), 0);
        struct machine *view = vmm_vm_view(v, id);
        struct rx_env *e = &f->env;
        e->P = vi.vpsw.p, e->M = vi.vpsw.sup, e->I = vi.vpsw.ie;
        e->l = vi.vpsw.l, e->b = vi.vpsw.b, e->q = vi.w;
        e->cause = machine_last_trap(view);
        e->cycles = machine_cycles(view);
        e->steps = machine_steps(view);
        e->insns = machine_instret(view);
        e->halted = (uint64_t)round;
        uint64_t *real = (uint64_t *)machine_mem(vmm_machine(v));
        e->E = real + vi.base;
        assert_true(vi.base >= 100);
        campaign_print(f, &rng, f->n / 2);
        campaign_examine(f, &rng, f->n / 2);
        if (round)
            campaign_deposit(f, &rng, f->n / 2, real, vi.base);
        else
            ms_cmd(f->s.m, "go");
    }
}

/* docs/monitor.md: 'break ADDR if EXPR' stops "only when EXPR is true",
 * and a condition "that cannot be evaluated at a hit" stops the run there
 * with an error: it is evaluated at the hits, not when it is set.  Setting
 * one that could not be evaluated yet (E[t.x] is 0 until the loop runs)
 * was refused with "division by zero". */
static void test_condition_evaluated_at_hit(void **state)
{
    struct fx *f = *state;
    char out[4096], err[1024];
    load_fresh(f);
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "break fault if 10/E[t.x] == 1"), 0);
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "watch b if 4/E[b] == 2"), 0);
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "go"), 0);
    assert_non_null(strstr(out, "watchpoint 2"));
    assert_int_equal(machine_mem(mon_machine(f->s.m))[9], 2); /* b after its first write */
    ms_cmd(f->s.m, "delete 2");
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "continue"), 0);
    assert_non_null(strstr(out, "breakpoint 1 at 0x7 fault, hit 1 time"));
    /* one that cannot be evaluated there stops the run with the error */
    load_fresh(f);
    ms_cmd(f->s.m, "delete all");
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "break fault if 1/E[tab+3]"), 0);
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "go"), 0);
    assert_non_null(strstr(err, "cannot be evaluated: division by zero"));
    assert_int_equal(machine_p(mon_machine(f->s.m)), 7);
    /* what reading finds is still refused when it is set, nothing set */
    static const char *const bad[][2] = {
        {"1 +", "expression ends too soon"},
        {"zqxj == 1", "unknown name 'zqxj'"},
        {"psw(1, 2)", "psw takes 4 arguments (m, p, l, b), got 2"},
        {"0x", "bad number near '0x'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "break: condition: %s\n", bad[i][1]);
        assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "break fault if %s", bad[i][0]), 0);
        assert_string_equal(err, want);
    }
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "break list"), 0);
    assert_non_null(strstr(out, "if 1/E[tab+3]"));
    assert_null(strstr(out, "zqxj"));
    assert_null(strstr(out, "psw(1, 2)"));
}

/* docs/monitor.md: V[x] "fails as the memory trap would", naming the check
 * that fails (a + l >= q before a >= b, as 'translate' does).  With l > 0,
 * V[-1] and an address '.-3' that comes out negative said (a >= b): a + l
 * wrapped in 64 bits to a small number that passed the first check. */
static void test_virtual_check_does_not_wrap(void **state)
{
    struct fx *f = *state;
    char out[4096], err[1024];
    load_fresh(f);
    ms_cmd(f->s.m, "deposit l 0x10");
    ms_cmd(f->s.m, "deposit $b 0x20");
    uint64_t d0 = digest(f);
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "print V[-1]"), 0);
    assert_string_equal(err, "print: V[-1] would take a memory trap (a + l >= q)\n");
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "print V[-16]"), 0);
    assert_string_equal(err, "print: V[-16] would take a memory trap (a + l >= q)\n");
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "deposit .-3 1"), 0);
    assert_string_equal(err, "deposit: -1 would take a memory trap (a + l >= q)\n");
    assert_true(digest(f) == d0);
    /* a small address still fails the bound, and one inside develops */
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "print V[0x20]"), 0);
    assert_string_equal(err, "print: V[0x20] would take a memory trap (a >= b)\n");
    assert_int_equal(run(f, out, sizeof out, err, sizeof err, "print V[0x1f] == E[0x2f]"), 0);
    assert_string_equal(out, "0x1 (1)\n");
}

/* docs/monitor.md: SIMH's range 0-4 is an expression here, so examine
 * says how a range is written: 'examine 0-4' ends '(a range is written
 * 0..4)'.  An expression that merely held a '-' got a hint that is no
 * range: 'examine ~-~5' ended '(a range is written ~..~5)' and 'examine
 * +E[30]-1' '(a range is written +E[30]..1)'. */
static void test_range_hint_only_for_a_range(void **state)
{
    struct fx *f = *state;
    char out[4096], err[1024];
    load_fresh(f);
    static const char *const cases[][2] = {
        {"0-4", "address -4 is out of range (0..0xffff) (a range is written 0..4)"},
        {"1-2", "address -1 is out of range (0..0xffff) (a range is written 1..2)"},
        {"K_ADD-lim", "address -3 is out of range (0..0xffff) (a range is written K_ADD..lim)"},
        {"~-~5", "address -7 is out of range (0..0xffff)"},
        {"+E[30]-1", "address -1 is out of range (0..0xffff)"},
        {"0|-15", "address -15 is out of range (0..0xffff)"},
        {"K_ADD-lim%24", "address -3 is out of range (0..0xffff)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char want[256];
        snprintf(want, sizeof want, "examine: %s\n", cases[i][1]);
        assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "examine %s", cases[i][0]), 0);
        assert_string_equal(err, want);
    }
    assert_int_not_equal(run(f, out, sizeof out, err, sizeof err, "examine 0:4"), 0);
    assert_string_equal(err, "examine: '0:4' is not an address (a range is written 0..4)\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_bare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_break_if, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_condition_evaluated_at_hit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtual_check_does_not_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_hint_only_for_a_range, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
