/* test_audit_refmodel.c: an independent reference model of the machine,
 * written from docs/isa.md alone (state, address development, the
 * instruction table and its cycles, traps, the interval timer, the console,
 * HALT, host calls and the six profiles), run in lock step with the
 * library on random programs through the public API of tgm/machine.h.
 *
 * The model shares no code with src/machine: its field layouts, formats,
 * cycles and profiles are copied from the documentation, so a difference
 * names either a library bug or a place where the two readings of the
 * documentation part.  Each program compares the whole state (E, PSW,
 * counters, timer, console) after every step or run, and the exit record;
 * some run on a view, move through a snapshot, take the control program's
 * machine_trap and machine_charge, or run under a trace hook, a trap stop
 * mask, watchpoints or breakpoints (either loop).
 * TGM_REFMODEL_PROGRAMS and TGM_REFMODEL_SEED make the campaign larger or
 * different; the default stays within seconds.
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

#include "tgm/machine.h"

#include "refmodel.h"
#include "rng.h"

/* ---- random programs ---- */

static uint64_t rng_state;

static uint64_t rnd(void)
{
    return rng_next(&rng_state);
}

static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return n ? (uint32_t)(rnd() % n) : 0;
}

/* An address near one of the bounds the current R and q draw. */
static uint32_t near_bound(uint32_t q, uint32_t l, uint32_t b)
{
    uint32_t qb = q > l ? q - l : 0, lim = qb < b ? qb : b;
    if (lim && rn(4) < 3)
        return rn(lim < 24 ? lim : 24) + (rn(4) ? 0 : rn(lim));
    uint32_t pool[] = {0, 1, 2, 3, b - 1, b, b + 1, qb - 1, qb, qb + 1, q - 1, q,
                       RM_AMASK, RM_AMASK - 1, rn(q + 2), rn(8), rn(16), l, l - 1};
    return pool[rn(sizeof pool / sizeof pool[0])] & RM_AMASK;
}

static uint64_t rand_psw(uint32_t q)
{
    bool s = rn(10) < 7;
    uint32_t l = rn(2) ? 0 : near_bound(q, 0, q);
    uint32_t b = rn(6) ? q - l : (rn(2) ? near_bound(q, l, q) : (rn(2) ? 0 : RM_BMASK));
    return rm_pack(s, rn(3) == 0, rn(8) ? 0 : rn(16), near_bound(q, l, b), l, b);
}

static uint64_t rand_insn(uint32_t q, uint32_t l, uint32_t b);

static uint64_t rand_word(uint32_t q, uint32_t l, uint32_t b)
{
    switch (rn(20)) {
    case 0: return rnd();
    case 1: return rand_psw(q);
    case 2: return rm_pack(0, 0, 0, 0, near_bound(q, 0, q), near_bound(q, 0, q));
    case 3: return (uint64_t)(int64_t)(rn(7) - 3);
    case 4: return rn(2) ? (uint64_t)INT64_MIN : (uint64_t)INT64_MAX;
    case 5: return near_bound(q, l, b);
    case 6: return (uint64_t)rn(64);
    default: return rand_insn(q, l, b);
    }
}

static uint64_t rand_insn(uint32_t q, uint32_t l, uint32_t b)
{
    const struct rm_insn *d = &rm_table[rn(rm_ninsn)];
    if (rn(40) == 0)
        d = NULL;
    uint64_t w = d ? (uint64_t)d->op << 57 : (uint64_t)rn(128) << 57;
    for (int i = 0; d && i < 3 && d->f[i]; i++) {
        uint64_t v = near_bound(q, l, b);
        if (d->f[i] == 'L') {
            v = rn(2) ? (uint64_t)(int64_t)(rn(9) - 4) : rnd();
            w |= v & ((UINT64_C(1) << 38) - 1);
            break;
        }
        if (d->f[i] == 'n' && rn(4) == 0) /* a base that wraps at 2^19 */
            v = RM_AMASK - rn(4);
        if (d->f[i] == 'i')
            v = rn(2) ? (uint64_t)(int64_t)(rn(9) - 4) : rnd();
        w |= (v & RM_AMASK) << (38 - 19 * i);
    }
    if (d && rn(25) == 0) /* an unused or any field disturbed */
        w ^= (uint64_t)1 << rn(57);
    return w;
}

/* ---- lock step against the library ---- */

struct cov {
    uint64_t traps[RM_NCAUSE], halts, hosts, watches, wraps, pend_lost, breaks, stops;
    uint64_t ops[128][2]; /* completed, per mode */
};

static const char *rm_insn_name(uint64_t w)
{
    const struct rm_insn *d = rm_find((unsigned)(w >> 57));
    return d ? d->name : "?";
}

/* Compares the whole state; on a difference prints both and fails. */
static void rm_compare(const struct rm *m, const struct machine *x, const char *what,
                       unsigned prog, uint64_t step, uint64_t word)
{
    char why[160] = "";
    const uint64_t *xe = machine_mem(x);
    struct machine_counters c = machine_get_counters(x);
    struct machine_timer t = machine_get_timer(x);
    uint64_t xpsw = machine_get_psw(x);
    uint64_t mpsw = rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b);
    size_t olen;
    const uint8_t *out = machine_console_output(x, &olen);
    for (uint32_t i = 0; i < m->q && !why[0]; i++)
        if (xe[i] != m->e[i])
            snprintf(why, sizeof why, "E[%u]: tgm %#llx model %#llx", i,
                     (unsigned long long)xe[i], (unsigned long long)m->e[i]);
    if (!why[0] && xpsw != mpsw)
        snprintf(why, sizeof why, "PSW: tgm %#llx model %#llx", (unsigned long long)xpsw,
                 (unsigned long long)mpsw);
    if (!why[0] && (c.cycles != m->cycles || c.instret != m->instret || c.steps != m->steps ||
                    memcmp(c.traps + 1, m->traps + 1, sizeof m->traps - sizeof m->traps[0])))
        snprintf(why, sizeof why, "counters: tgm %llu/%llu/%llu model %llu/%llu/%llu (or traps)",
                 (unsigned long long)c.cycles, (unsigned long long)c.instret,
                 (unsigned long long)c.steps, (unsigned long long)m->cycles,
                 (unsigned long long)m->instret, (unsigned long long)m->steps);
    if (!why[0] && (t.armed != m->armed || t.pending != m->pending || t.remaining != m->rem))
        snprintf(why, sizeof why, "timer: tgm %d/%d/%lld model %d/%d/%lld", t.armed,
                 t.pending, (long long)t.remaining, m->armed, m->pending, (long long)m->rem);
    if (!why[0] && (olen != m->nout || (olen && memcmp(out, m->out, olen) != 0)))
        snprintf(why, sizeof why, "console output: tgm %zu bytes model %zu", olen, m->nout);
    if (!why[0] && machine_console_input_used(x) != m->used)
        snprintf(why, sizeof why, "console input used: tgm %zu model %zu",
                 machine_console_input_used(x), m->used);
    if (why[0]) {
        print_error("program %u, after step %llu (%s, last word %#llx %s), profile %s, "
                    "q %u: %s\n",
                    prog, (unsigned long long)step, what, (unsigned long long)word,
                    rm_insn_name(word), rm_prof_name[m->prof], m->q, why);
        fail();
    }
}

static uint32_t rand_q(void)
{
    static const uint32_t qs[] = {2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 32, 33, 64, 100};
    if (rn(150) == 0)
        return RM_AMASK + 1;
    return rn(4) ? qs[rn(sizeof qs / sizeof qs[0])] : 2 + rn(300);
}

#define INSN(op, a, b, c) ((uint64_t)(op) << 57 | (uint64_t)(a) << 38 | (uint64_t)(b) << 19 | (c))

/* A time-sliced loop: a body of in-range instructions that jumps back, and
 * a handler that re-arms the timer and returns through E[0], as a control
 * program does; long runs then cross many expiries. */
static void time_sliced(struct rm *m)
{
    uint32_t d = m->q - 8, body = 4 + rn(12);
    bool ie = rn(4) != 0;
    m->l = 0, m->b = m->q, m->p = 8, m->sup = rn(2), m->ie = ie;
    m->e[1] = rm_pack(true, false, 0, 2, 0, m->q);
    m->e[2] = INSN(0x44, d, 0, 0); /* TSET d */
    m->e[3] = rn(2) ? INSN(0x46, d + 1, 0, 0) : INSN(0x01, 0, 0, 0);
    m->e[4] = INSN(0x40, 0, 0, 0); /* LPSW 0 */
    m->e[5] = INSN(0x44, d, 0, 0);
    m->e[6] = rm_pack(m->sup, ie, 0, 8, 0, m->q);
    m->e[7] = INSN(0x40, 6, 0, 0);
    for (uint32_t i = 8; i < 8 + body; i++) { /* data operands, no jumps */
        const struct rm_insn *k = &rm_table[rn(rm_ninsn)];
        if (strspn(k->f, "a") != strlen(k->f) || k->op == 0x29 || k->op == 0x40)
            k = rm_find(0x10 + rn(17));
        m->e[i] = INSN(k->op, k->f[0] ? d + 2 + rn(6) : 0, k->f[1] ? d + 2 + rn(6) : 0,
                       k->f[2] ? d + 2 + rn(6) : 0);
    }
    m->e[8 + body] = INSN(0x28, 8, 0, 0); /* JMP 8 */
    m->e[d] = 1 + rn(300);
    if (rn(3) == 0) /* start through TSET and LPSW with the timer set */
        m->p = 5, m->sup = true;
}

/* One random program, run in lock step for about NSTEPS steps. */
static void run_program(unsigned prog, unsigned nsteps, struct cov *cov)
{
    struct rm m;
    memset(&m, 0, sizeof m);
    m.q = rand_q();
    m.prof = (int)rn(P_N);
    m.hostcalls = rn(4) == 0;
    struct machine_config cfg = {.q = m.q, .profile = isa_profile_find(rm_prof_name[m.prof]),
                                 .hostcalls = m.hostcalls};
    assert_non_null(cfg.profile);
    /* A view (the control program's VM) shares its E with a host: it must
     * behave as a machine of its own and leave the rest of the host alone. */
    struct machine *host = NULL, *x;
    uint32_t base = 0, hq = 0;
    if (m.q <= 4096 && rn(5) == 0) {
        base = rn(40), hq = base + m.q + rn(4);
        struct machine_config hc = {.q = hq};
        host = machine_create(&hc);
        assert_non_null(host);
        for (uint32_t i = 0; i < hq; i++)
            assert_int_equal(machine_write_phys(host, i, 0x5E47000000000000u | i), 0);
        x = machine_create_view(host, base, m.q, &cfg);
    } else {
        x = machine_create(&cfg);
    }
    assert_non_null(x);
    m.e = calloc(m.q, sizeof *m.e);
    assert_non_null(m.e);

    uint64_t psw = rand_psw(m.q);
    rm_load_psw(&m, psw);
    /* Fill all of a small E; a large one near 0, near l and at the top. */
    if (m.q <= 4096) {
        for (uint32_t i = 0; i < m.q; i++)
            m.e[i] = rand_word(m.q, m.l, m.b);
    } else {
        uint32_t at[3] = {0, m.l, m.q - 64};
        for (int k = 0; k < 3; k++)
            for (uint32_t i = at[k]; i < at[k] + 64 && i < m.q; i++)
                m.e[i] = rand_word(m.q, m.l, m.b);
        if (rn(4)) { /* run off the top: NOP, JAL 5, 7 or SPSW 5 at 2^19-1 */
            static const uint64_t top[] = {INSN(0x01, 0, 0, 0), INSN(0x2B, 5, 7, 0),
                                           INSN(0x41, 5, 0, 0)};
            m.l = 0, m.b = m.q, m.p = m.q - 1 - rn(4);
            psw = rm_pack(m.sup, m.ie, 0, m.p, 0, m.q);
            for (uint32_t i = m.q - 4; i < m.q; i++)
                m.e[i] = i < m.q - 1 ? INSN(0x01, 0, 0, 0) : top[rn(3)];
        }
    }
    m.e[1] = rn(3) ? rm_pack(rn(5) != 0, rn(4) == 0, rn(8) ? 0 : rn(16),
                             near_bound(m.q, 0, m.q), 0, m.q)
                   : rand_psw(m.q);
    /* Most handlers start with an instruction, not a trap loop. */
    uint32_t hp = (uint32_t)(m.e[1] >> 39) & RM_AMASK, hl = (uint32_t)(m.e[1] >> 20) & RM_AMASK;
    if (rn(3) && (uint64_t)hp + hl < m.q && hp + hl >= 2 && hp < (m.e[1] & RM_BMASK))
        m.e[hp + hl] = rand_insn(m.q, hl, (uint32_t)(m.e[1] & RM_BMASK));
    if (m.q >= 48 && m.q <= 4096 && rn(6) == 0) {
        time_sliced(&m);
        psw = rm_pack(m.sup, m.ie, 0, m.p, m.l, m.b);
        nsteps *= 8;
    }
    for (uint32_t i = 0; i < m.q; i++)
        if (m.e[i] || host)
            assert_int_equal(machine_write_phys(x, i, m.e[i]), 0);
    machine_set_psw(x, psw);

    struct machine_timer tm = {0};
    switch (rn(6)) {
    case 0: case 1: m.armed = true, m.rem = 1 + rn(20), tm.armed = true; break;
    case 2: m.pending = tm.pending = true; break;
    case 3: /* armed with nothing left: "it becomes pending" (machine.h) */
        m.pending = tm.armed = true, tm.remaining = -(int64_t)rn(3);
        break;
    default: break;
    }
    if (m.armed)
        tm.remaining = m.rem;
    assert_int_equal(machine_set_timer(x, &tm), 0);
    uint8_t in[8];
    m.in = in;
    m.nin = rn(2) ? rn(sizeof in + 1) : 0;
    for (size_t i = 0; i < m.nin; i++)
        in[i] = (uint8_t)rnd();
    if (m.nin)
        assert_int_equal(machine_console_input(x, in, m.nin), 0);
    rm_compare(&m, x, "set-up", prog, 0, 0);
    for (int k = 0; k < 8; k++) { /* machine_develop: "this rule written out literally" */
        uint64_t a = near_bound(m.q, m.l, m.b);
        a += k < 6 ? 0 : (uint64_t)rn(3) << (19 + 13 * (k - 6)); /* past 2^19, 2^32 */
        uint32_t want = 0, got = 0;
        uint64_t v;
        bool ok = a <= RM_AMASK && rm_dev(&m, (uint32_t)a, &want);
        assert_int_equal(machine_develop(x, a, &got), ok ? 0 : 2);
        assert_int_equal(machine_read_virt(x, a, &v), ok ? 0 : 2);
        if (ok)
            assert_true(got == want && v == m.e[want]);
    }

    /* The debug settings move the library to its checked run loop. */
    static struct rm_dbg g, xg;
    memset(&g, 0, sizeof g);
    bool tracing = rn(4) == 0;
    if (tracing)
        machine_set_trace(x, x_trace, &xg);
    if (rn(5) == 0) {
        g.stop_mask = rn(64) & ~1u;
        machine_trap_stop(x, g.stop_mask);
    }
    if (rn(4) == 0) {
        g.watch[0] = rn(2), g.wmask[0] = 1 + (int)rn(3);
        if (rn(2))
            g.watch[1] = rn(m.q), g.wmask[1] = 1 + (int)rn(3);
        if (g.wmask[1] && g.watch[1] == g.watch[0]) /* a second setting replaces */
            g.watch[0] = g.watch[1], g.wmask[0] = g.wmask[1], g.wmask[1] = 0;
        for (int j = 0; j < 2; j++)
            if (g.wmask[j])
                assert_int_equal(machine_watch(x, g.watch[j], g.wmask[j]), 0);
    }
    bool *brk = NULL;
    if (rn(5) == 0 && m.q <= 4096) { /* with the checked loop's causes too */
        brk = calloc(m.q, sizeof *brk);
        assert_non_null(brk);
        for (int k = 0; k < 3; k++) {
            uint32_t a = rn(k ? m.q : (m.q < 8 ? m.q : 8));
            brk[a] = true;
            assert_int_equal(machine_break_exec(x, a, true), 0);
        }
        g.brk = brk;
    }

    /* Once, a snapshot moves the run to a fresh machine mid-way. */
    bool snap = !host && !tracing && !g.stop_mask && !brk && !g.wmask[0] && rn(6) == 0;
    uint64_t snap_at = rn(nsteps);
    unsigned stuck = 0;
    for (uint64_t done = 0; done < nsteps;) {
        if (snap && done >= snap_at) {
            uint8_t *buf;
            size_t len;
            char err[200];
            assert_int_equal(machine_state_save(x, true, &buf, &len), 0);
            struct machine *y = machine_create(&cfg);
            assert_non_null(y);
            if (machine_state_load(y, buf, len, err, sizeof err) != 0) {
                print_error("program %u: state load: %s\n", prog, err);
                fail();
            }
            free(buf);
            machine_destroy(x);
            x = y;
            snap = false;
            rm_compare(&m, x, "snapshot", prog, done, 0);
        }
        uint32_t pc;
        uint64_t word = rm_dev(&m, m.p, &pc) ? m.e[pc] : 0;
        bool sup = m.sup;
        uint32_t p0 = m.p;
        bool was_pending = m.pending;
        if (rn(40) == 0) { /* the control program's software trap and charge */
            if (rn(2)) {
                unsigned cause = 1 + rn(RM_NCAUSE - 1);
                machine_trap(x, cause);
                rm_trap(&m, cause);
                m.steps++; /* it stands for the step that trapped */
            } else {
                uint64_t cy = rn(9), ir = rn(3), st = rn(3);
                machine_charge(x, cy, ir, st);
                rm_charge(&m, (unsigned)cy);
                m.instret += ir, m.steps += st;
            }
            rm_compare(&m, x, "trap or charge", prog, done, 0);
        }
        struct machine_exit ex, want;
        uint64_t budget = 1;
        enum exit_reason got;
        g.ntr = xg.ntr = 0;
        if (rn(2)) {
            rm_run(&m, 1, &g, &want);
            got = machine_step(x, &ex);
        } else {
            budget = rn(8) ? rn(12) : rn(300);
            rm_run(&m, budget, &g, &want);
            got = machine_run(x, budget, &ex);
        }
        uint64_t msteps = want.steps;
        if (got != want.reason || ex.reason != want.reason || ex.steps != want.steps ||
            (want.reason == EXIT_HOST && ex.code != want.code) ||
            (want.reason == EXIT_TRAP && ex.cause != want.cause) ||
            (want.reason == EXIT_BREAK && ex.addr != want.addr) ||
            (want.reason == EXIT_WATCH && !watch_named(&g, &ex))) {
            print_error("program %u, step %llu (word %#llx %s, profile %s, q %u): exit %s "
                        "after %llu steps (code %u cause %u addr %u), model %s after %llu "
                        "(code %u cause %u addr %u)\n",
                        prog, (unsigned long long)done, (unsigned long long)word,
                        rm_insn_name(word), rm_prof_name[m.prof], m.q,
                        exit_reason_name(got), (unsigned long long)ex.steps, ex.code,
                        ex.cause, ex.addr, exit_reason_name(want.reason),
                        (unsigned long long)want.steps, want.code, want.cause, want.addr);
            fail();
        }
        if (tracing && !trace_agrees(&xg, &g)) {
            print_error("program %u, step %llu: the trace hook saw other steps\n", prog,
                        (unsigned long long)done);
            fail();
        }
        done += msteps ? msteps : 1;
        rm_compare(&m, x, budget == 1 ? "step" : "run", prog, done, word);
        /* A trap that reloads the PSW it came from, with no timer to break
         * it, repeats for ever: the program has nothing more to show. */
        if (budget == 1 && m.trapped && !m.armed && !m.pending &&
            m.psw_before == rm_pack(m.sup, m.ie, 0, m.p, m.l, m.b) && ++stuck > 2)
            break;
        if (want.reason == EXIT_BREAK)
            cov->breaks++;
        if (want.reason == EXIT_TRAP)
            cov->stops++;
        if (want.reason == EXIT_WATCH)
            cov->watches++;
        if (budget == 1 && msteps == 1) {
            if (m.last_op)
                cov->ops[m.last_op][sup]++;
            if (want.reason == EXIT_HALT)
                cov->halts++;
            if (want.reason == EXIT_HOST)
                cov->hosts++;
            if (p0 == RM_AMASK && m.last_op && m.p == 0)
                cov->wraps++;
            if (was_pending && m.last_op == 0x44 && !m.pending)
                cov->pend_lost++;
        }
    }
    for (unsigned k = 1; k < RM_NCAUSE; k++)
        cov->traps[k] += m.traps[k];
    machine_destroy(x);
    if (host) {
        const uint64_t *he = machine_mem(host);
        for (uint32_t i = 0; i < hq; i++)
            if (i < base || i >= base + m.q)
                assert_int_equal(he[i], 0x5E47000000000000u | i);
            else
                assert_int_equal(he[i], m.e[i - base]);
        machine_destroy(host);
    }
    free(m.e);
    free(brk);
}

/* Thousands of random programs agree with the model step by step, and the
 * campaign reached what it claims to check. */
static void refmodel__random_programs_agree_with_the_documented_machine(void **state)
{
    (void)state;
    static struct cov cov;
    memset(&cov, 0, sizeof cov);
    const char *seed = getenv("TGM_REFMODEL_SEED"), *count = getenv("TGM_REFMODEL_PROGRAMS");
    rng_state = seed && *seed ? strtoull(seed, NULL, 0) : 0x1974;
    unsigned n = count && *count ? (unsigned)strtoul(count, NULL, 0) : 10000;
    for (unsigned i = 0; i < n; i++)
        run_program(i, 40 + rn(80), &cov);
    if (n < 10000)
        return;
    for (unsigned k = 1; k < RM_NCAUSE; k++)
        assert_true(cov.traps[k] > 20);
    assert_true(cov.halts > 20);
    assert_true(cov.hosts > 0);
    assert_true(cov.breaks > 20);
    assert_true(cov.stops > 20);
    assert_true(cov.watches > 20);
    assert_true(cov.wraps > 0);
    assert_true(cov.pend_lost > 0);
    for (size_t i = 0; i < rm_ninsn; i++) {
        const struct rm_insn *d = &rm_table[i];
        if (d->op == 0x38)
            continue; /* SVC never completes */
        /* every one in supervisor mode; in user mode all but the ones
         * privileged on every profile (x86 runs LPSW, SPSW and SR there) */
        bool user = !d->priv || d->op == 0x40 || d->op == 0x41 || d->op == 0x43;
        if (!cov.ops[d->op][1] || (user && !cov.ops[d->op][0]))
            print_error("%s never completed in %s mode\n", d->name,
                        cov.ops[d->op][1] ? "user" : "supervisor");
        assert_true(cov.ops[d->op][1] > 0 && (!user || cov.ops[d->op][0] > 0));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refmodel__random_programs_agree_with_the_documented_machine),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
