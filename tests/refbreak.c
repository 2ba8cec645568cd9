/* refbreak.c: the model of refbreak.h: conditions as docs/monitor.md's
 * expressions evaluate them, a run with the monitor's stops, and the
 * report lines it prints.
 *
 * Where docs/monitor.md says nothing, the model follows tgm:
 *  - several breakpoints at one address (watchpoints on one access, trap
 *    stops of one cause) are reached in order of their numbers until one
 *    stops the run; those after it are not counted;
 *  - a step names one watched access, as the CPU reports it: E[0]'s write
 *    on a trap, else the step's last watched one (writes come after
 *    reads); a trap stop that stops the run comes before it; when the
 *    named access's watchpoints let the run go on, the step's other
 *    accesses are looked at in the order made, each watchpoint once a
 *    step (docs/monitor.md's 'watch');
 *  - a read's hit shows the word after the step;
 *  - 'continue' in the commands of a watchpoint or trap stop goes on to
 *    the breakpoints at the new P (one in a breakpoint's passes it);
 *  - a condition is read when it is set (only its syntax and names can
 *    refuse it); one that cannot be evaluated at a hit stops the run there;
 *  - a VM that halted runs no more: runs say so, 'step' fails.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "refbreak.h"

static int64_t sdiv(int64_t a, int64_t b)
{
    return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}

int rb_eval(const struct rm *m, const struct rb_cond *c, int i, int64_t *v)
{
    const struct rb_node *n = &c->n[i];
    int64_t x = 0, y = 0;
    uint32_t ph;
    switch (n->op) {
    case 'n': *v = n->v; return 0;
    case 'P': *v = m->p; return 0;
    case 'M': *v = m->sup; return 0;
    case 'I': *v = m->ie; return 0;
    case 'l': *v = m->l; return 0;
    case 'b': *v = m->b; return 0;
    case 's': *v = (int64_t)m->steps; return 0;
    case 'c': *v = (int64_t)m->cycles; return 0;
    case 'i': *v = (int64_t)m->instret; return 0;
    case 'q': *v = m->q; return 0;
    case 'E':
    case 'V':
        if (rb_eval(m, c, n->a, &x))
            return -1;
        if (x < 0 || x > (int64_t)RM_AMASK)
            return -1;
        if (n->op == 'E') {
            if ((uint64_t)x >= m->q)
                return -1;
            ph = (uint32_t)x;
        } else if (!rm_dev(m, (uint32_t)x, &ph))
            return -1;
        *v = (int64_t)m->e[ph];
        return 0;
    case 'N':
    case 'u':
        if (rb_eval(m, c, n->a, &x))
            return -1;
        *v = n->op == 'N' ? !x : (int64_t)(0 - (uint64_t)x);
        return 0;
    case 'A':
    case 'O':
        if (rb_eval(m, c, n->a, &x))
            return -1;
        if ((n->op == 'A') == !x) { /* the left decides */
            *v = n->op == 'O';
            return 0;
        }
        if (rb_eval(m, c, n->b, &y))
            return -1;
        *v = y != 0;
        return 0;
    default: break;
    }
    if (rb_eval(m, c, n->a, &x) || rb_eval(m, c, n->b, &y))
        return -1;
    uint64_t ux = (uint64_t)x, uy = (uint64_t)y;
    switch (n->op) {
    case '+': *v = (int64_t)(ux + uy); break;
    case '-': *v = (int64_t)(ux - uy); break;
    case '*': *v = (int64_t)(ux * uy); break;
    case '/':
        if (!y)
            return -1;
        *v = sdiv(x, y);
        break;
    case '%':
        if (!y)
            return -1;
        *v = y == -1 ? 0 : x % y;
        break;
    case '=': *v = x == y; break;
    case '!': *v = x != y; break;
    case '<': *v = x < y; break;
    case 'L': *v = x <= y; break;
    case '>': *v = x > y; break;
    case 'G': *v = x >= y; break;
    case '&': *v = x & y; break;
    case '|': *v = x | y; break;
    case '^': *v = x ^ y; break;
    default: return -1;
    }
    return 0;
}

static void say(struct rb *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct rb *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(r->out + r->nout, sizeof r->out - r->nout, fmt, ap);
    va_end(ap);
    if (k > 0 && r->nout + (size_t)k < sizeof r->out)
        r->nout += (size_t)k;
}

static const char *plural(uint64_t n, const char *one, const char *many, char *buf)
{
    sprintf(buf, "%" PRIu64 " %s", n, n == 1 ? one : many);
    return buf;
}

static void hex(char *buf, uint64_t v)
{
    if (v)
        sprintf(buf, "%#" PRIx64, v);
    else
        strcpy(buf, "0");
}

static const char *const cause_name[RM_NCAUSE] = {"none", "privileged", "memory", "svc",
                                                  "illegal", "timer"};

/* The stop's own line, as 'go' ends (no label: the program has none). */
static void stopped(struct rb *r, uint64_t n, uint64_t cyc)
{
    char a[32], b[32];
    say(r, "stopped at %#x after %s, %s\n", r->m.p, plural(n, "step", "steps", a),
        plural(cyc, "cycle", "cycles", b));
}

/* A hit of BP: its condition (-1: cannot be evaluated), then count it;
 * 1 when it stops the run. */
static int hit(struct rb *r, struct rb_bp *bp)
{
    if (bp->has_cond) {
        int64_t v;
        if (rb_eval(&r->m, &bp->c, bp->c.nn - 1, &v))
            return -1;
        if (!v)
            return 0;
    }
    bp->hits++;
    if (bp->ign) {
        bp->ign--;
        return 0;
    }
    return 1;
}

/* A hit that stops: its LINE and its commands; true when the run ends
 * there (no 'continue' in them). */
static bool report(struct rb *r, const struct rb_bp *bp, const char *line)
{
    say(r, "%s", line);
    if (bp->dol)
        say(r, "b%d\n", bp->id);
    return bp->dol != 2;
}

int rb_run(struct rb *r, bool step, uint64_t forn, int64_t until)
{
    struct rm *m = &r->m;
    uint64_t n = 0, c0 = m->cycles;
    bool first = true;
    uint64_t old[1024];
    char s1[32], s2[32], s3[32];
    r->nout = 0;
    r->out[0] = 0;
    for (;;) {
        if (forn && n == forn) {
            if (!step)
                say(r, "stopped after %s, %s\n", plural(n, "step", "steps", s1),
                    plural(m->cycles - c0, "cycle", "cycles", s2));
            return 0;
        }
        if (n == r->limit) {
            say(r, "step limit (%" PRIu64 ")\n", r->limit);
            return 0;
        }
        uint32_t x;
        char line[200];
        int h;
        if (!first && !step && !(m->pending && m->ie) && rm_dev(m, m->p, &x)) {
            for (int i = 0; i < r->nbp; i++) {
                struct rb_bp *bp = &r->bp[i];
                if (bp->kind != RB_BRK || bp->lo != x)
                    continue;
                if ((h = hit(r, bp)) < 0)
                    goto cond_error;
                snprintf(line, sizeof line, "breakpoint %d at %#x, hit %s\n", bp->id, x,
                         plural(bp->hits, "time", "times", s1));
                if (h && report(r, bp, line))
                    goto stop;
            }
            /* until's one-shot breakpoint is the newest: those set before
             * it at the address are reached first */
            if (until >= 0 && x == (uint64_t)until)
                goto stop;
        }
        first = false;
        memcpy(old, m->e, m->q * sizeof old[0]);
        uint32_t code;
        enum rm_res res = rm_step(m, &code);
        n++;
        if (res == R_HALT) {
            r->vhalted = r->vm;
            if (step || r->vm)
                say(r, "halted\n");
            else
                say(r, "halted after %s\n", plural(n, "step", "steps", s1));
            return 0;
        }
        if (m->trapped && m->psw_before == rm_pack(m->sup, m->ie, 0, m->p, m->l, m->b)) {
            r->trap_loop = true; /* the monitor's own test: the session ends */
            return 0;
        }
        for (int i = 0; i < r->nbp && m->trapped; i++) {
            struct rb_bp *bp = &r->bp[i];
            if (bp->kind != RB_TRAP || !(bp->tmask & 1u << m->trapped))
                continue;
            if ((h = hit(r, bp)) < 0)
                goto cond_error;
            snprintf(line, sizeof line, "breakpoint %d: %s trap at %#x, hit %s\n", bp->id,
                     cause_name[m->trapped], (uint32_t)(m->e[0] >> 39) & RM_AMASK,
                     plural(bp->hits, "time", "times", s1));
            if (h && report(r, bp, line))
                goto stop;
        }
        /* the step's watched access the CPU names: E[0]'s write on a trap,
         * else the last watched one (reads come before writes) */
        int ka = -1;
        for (unsigned k = 0; k < m->nacc; k++)
            for (int i = 0; i < r->nbp; i++) {
                struct rb_bp *bp = &r->bp[i];
                if (bp->kind == RB_WATCH && m->acc[k] >= bp->lo && m->acc[k] <= bp->hi &&
                    (bp->wk & (m->accw[k] ? 2 : 1)) &&
                    !(ka >= 0 && m->trapped && m->acc[ka] == 0 && m->accw[ka]))
                    ka = (int)k;
            }
        /* then the step's other accesses in the order made, each
         * watchpoint looked at once a step, for the first it covers */
        bool seen[RB_MAXBP] = {0};
        for (unsigned j = 0, at = (unsigned)ka; ka >= 0 && j <= m->nacc; at = j++)
            for (int i = 0; i < r->nbp && (j == 0 || at != (unsigned)ka); i++) {
                struct rb_bp *bp = &r->bp[i];
                uint32_t a = m->acc[at];
                bool w = m->accw[at];
                if (bp->kind != RB_WATCH || a < bp->lo || a > bp->hi || !(bp->wk & (w ? 2 : 1)) ||
                    seen[i])
                    continue;
                seen[i] = true;
                if ((h = hit(r, bp)) < 0)
                    goto cond_error;
                hex(s3, m->e[a]);
                hex(s2, old[a]);
                if (w)
                    snprintf(line, sizeof line, "watchpoint %d: write E[%#x] %s -> %s, hit %s\n",
                             bp->id, a, s2, s3, plural(bp->hits, "time", "times", s1));
                else /* tgm shows the word after the step (docs: "a read's value") */
                    snprintf(line, sizeof line, "watchpoint %d: read E[%#x] = %s, hit %s\n", bp->id,
                             a, s3, plural(bp->hits, "time", "times", s1));
                if (h && report(r, bp, line))
                    goto stop;
            }
        continue;
    stop:
        stopped(r, n, m->cycles - c0);
        return 0;
    }
cond_error: /* the run stops there, and fails */
    stopped(r, n, m->cycles - c0);
    return -1;
}

/* The lines the model writes: a stop's, a breakpoint's, a do list's echo;
 * a 'stopped'/'halted' line up to its ':' (the PSW is compared whole). */
void rb_filter(const char *out, size_t len, char *buf, size_t cap)
{
    static const char *const pre[] = {"breakpoint ", "watchpoint ", "stopped ", "halted",
                                      "step limit (", "b"};
    size_t k = 0;
    buf[0] = 0;
    for (size_t i = 0; i < len;) {
        const char *ln = out + i, *nl = memchr(ln, '\n', len - i);
        size_t ll = nl ? (size_t)(nl - ln) : len - i;
        i += ll + 1;
        for (size_t p = 0; p < sizeof pre / sizeof pre[0]; p++) {
            const char *at = NULL;
            for (size_t j = 0; j + strlen(pre[p]) <= ll && !at; j++)
                if (!memcmp(ln + j, pre[p], strlen(pre[p])) && (p < 5 || j == 0))
                    at = ln + j;
            if (!at)
                continue;
            size_t w = ll - (size_t)(at - ln);
            if (p == 5 && (w < 2 || w > 3 || at[1] < '0' || at[1] > '9'))
                break;
            const char *colon = memchr(at, ':', w);
            if ((p == 2 || p == 3) && colon)
                w = (size_t)(colon - at);
            if (p == 4)
                w = strlen(pre[4]) + strspn(at + strlen(pre[4]), "0123456789") + 1;
            if (p == 1 && strstr(at, " on 0x") && !strstr(at, ": "))
                break; /* 'watchpoint N on ...': setting one */
            if (p == 0 && (memchr(at, ',', w) == NULL))
                break; /* 'breakpoint N at ...': setting one */
            if (k + w + 2 < cap) {
                memcpy(buf + k, at, w);
                k += w;
                buf[k++] = '\n';
                buf[k] = 0;
            }
            break;
        }
    }
}
