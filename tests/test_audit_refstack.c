/* test_audit_refstack.c: the monitor's stacks of control programs ('nest',
 * 'stack', 'stack step', docs/monitor.md "Stacks of control programs
 * (Theorem 2)") against an independent model (refstack.h): random guests
 * on 1 to 4 levels, stepped with 'stack step' (every line's PSW, its step
 * count and its console output the bare model's), run with 'go for' and
 * 'go', saved and restored, read back with 'examine' through the layout
 * the docs give, with the refusals the docs list, each of which must leave
 * 'stack' and 'regs' as they were.  At HALT level 1's record and figures
 * must be what the guest's bare run predicts (refnest.h).
 *
 * TGM_REFSTACK_SESSIONS and TGM_REFSTACK_SEED make the campaign larger or
 * another.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mon_support.h"
#include "refnest.h"
#include "refstack.h"
#include "rng.h"

struct sess {
    struct ms_sess ms;
    char out[1 << 16], err[4096];
    char ctx[96]; /* seed and session, for the failure messages */
};

/* Run one command line; its new output and errors into S->out, S->err. */
static int run(struct sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int run(struct sess *s, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    size_t o = s->ms.olen, e = s->ms.elen;
    int rc = mon_exec_line(s->ms.m, line);
    fflush(s->ms.out);
    fflush(s->ms.err);
    /* a guest's console may hold NUL bytes ('go' prints it as it comes) */
    size_t n = s->ms.olen - o < sizeof s->out - 1 ? s->ms.olen - o : sizeof s->out - 1;
    memcpy(s->out, s->ms.obuf + o, n);
    s->out[n] = 0;
    for (size_t i = 0; i < n; i++)
        if (!s->out[i])
            s->out[i] = 1;
    snprintf(s->err, sizeof s->err, "%.*s", (int)(s->ms.elen - e), s->ms.ebuf + e);
    if (getenv("TGM_REFSTACK_TRACE")) /* to replay a failing session by hand */
        fprintf(stderr, "> %s\n%s%s", line, s->out, s->err);
    return rc;
}

static void ok(struct sess *s, const char *cmd)
{
    if (run(s, "%s", cmd) != 0)
        fail_msg("%s: '%s' failed: %s", s->ctx, cmd, s->err);
}

/* A command the docs refuse: it fails with WANT among its errors. */
static void refused(struct sess *s, const char *cmd, const char *want)
{
    if (run(s, "%s", cmd) == 0)
        fail_msg("%s: '%s' succeeded: %s", s->ctx, cmd, s->out);
    if (!strstr(s->err, want))
        fail_msg("%s: '%s' said\n%s\nnot\n%s", s->ctx, cmd, s->err, want);
}

/* The session as 'stack' and 'regs' show it. */
static char *state(struct sess *s)
{
    ok(s, "stack");
    char *st = strdup(s->out);
    assert_non_null(st);
    ok(s, "regs");
    size_t n = strlen(st) + strlen(s->out) + 1;
    char *r = malloc(n);
    assert_non_null(r);
    snprintf(r, n, "%s%s", st, s->out);
    free(st);
    return r;
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* 'stack' output: the real machine's line names the level whose code runs
 * by l (docs/recursion.md: level d runs with l = (N - d) K, the guest on
 * top with l >= N K), then levels N..1 where the layout puts them.  Returns
 * level 1's lines (its guest, its counts) in L1, L1C. */
static void layout(struct sess *s, unsigned depth, uint32_t w, char *l1, char *l1c, size_t len)
{
    ok(s, "stack");
    char *save = NULL, *txt = strdup(s->out);
    assert_non_null(txt);
    char *ln = strtok_r(txt, "\n", &save);
    unsigned l = 0;
    const char *lp = ln ? strstr(ln, " l=0x") : NULL;
    if (!ln || strncmp(ln, "real machine: ", 14) || !lp || sscanf(lp, " l=0x%x", &l) != 1)
        fail_msg("%s: stack's first line: %s", s->ctx, s->out);
    char want[128];
    if (l >= depth * RS_K)
        snprintf(want, sizeof want, "; running the guest on top");
    else
        snprintf(want, sizeof want, "; running level %u's control program", depth - l / RS_K);
    if (!strstr(ln, want) || (l % RS_K && l < depth * RS_K))
        fail_msg("%s: l=%#x but: %s", s->ctx, l, ln);
    l1[0] = l1c[0] = 0;
    uint64_t records[16];
    for (unsigned d = 0; d < 16; d++)
        records[d] = UINT64_MAX;
    for (unsigned d = depth; d >= 1; d--) {
        ln = strtok_r(NULL, "\n", &save);
        snprintf(want, sizeof want, "level %u  CP at 0x%05x, guest of %u words at 0x%05x", d,
                 (depth - d) * RS_K, w + (d - 1) * RS_K, (depth - d + 1) * RS_K);
        if (!ln || strcmp(ln, want))
            fail_msg("%s: stack: '%s', not '%s'\n%s", s->ctx, ln ? ln : "", want, s->out);
        ln = strtok_r(NULL, "\n", &save);
        if (!ln || strncmp(ln, "         its guest: ", 20))
            fail_msg("%s: stack: level %u: %s", s->ctx, d, s->out);
        if (d == 1)
            snprintf(l1, len, "%s", ln);
        char m;
        unsigned ie, rp, rl, rb;
        if (strcmp(ln + 20, "not started") &&
            sscanf(ln + 20, "%c I=%u P=0x%x l=0x%x b=0x%x", &m, &ie, &rp, &rl, &rb) == 5)
            records[d - 1] = rm_pack(m == 's', ie, 0, rp, rl, rb);
        else if (strcmp(ln + 20, "not started"))
            fail_msg("%s: stack: level %u's guest: %s", s->ctx, d, ln);
        if (strcmp(ln + 20, "not started")) {
            ln = strtok_r(NULL, "\n", &save);
            if (!ln || !strstr(ln, " interpreted, "))
                fail_msg("%s: stack: level %u's counts: %s", s->ctx, d, s->out);
            if (d == 1)
                snprintf(l1c, len, "%s", ln);
        }
    }
    if (strtok_r(NULL, "\n", &save))
        fail_msg("%s: stack: more lines than levels:\n%s", s->ctx, s->out);
    free(txt);
    /* what a level shows is its record, the word vpsw of its control program
     * (docs/recursion.md: level d's at (N - d) K) */
    for (unsigned d = 1; d <= depth; d++)
        if (records[d - 1] != UINT64_MAX) {
            char cmd[128];
            snprintf(cmd, sizeof cmd, "assert E[%u * cp_guest + vpsw] == %#llx", depth - d,
                     (unsigned long long)records[d - 1]);
            ok(s, cmd);
        }
}

/* Does LINE show the model's line WANT, and a count of real steps?  LOOSE
 * (a 'go for' stopped inside the step): whether it counts two is not
 * checked. */
static bool same_line(const char *line, const char *want, bool loose)
{
    size_t k = strlen(want);
    if (loose) {
        size_t cut = (size_t)(strchr(want, '(') - want) + 1;
        if (strncmp(line, want, cut))
            return false;
        line += cut;
        if (!strncmp(line, "2 steps, ", 9))
            line += 9;
    } else {
        if (strncmp(line, want, k))
            return false;
        line += k;
    }
    unsigned long long n;
    const char *rs = strstr(line, "real step");
    return sscanf(line, "after %llu real step", &n) == 1 && n > 0 && rs &&
           !strcmp(rs, n == 1 ? "real step)" : "real steps)");
}

/* The line under a step that wrote to the console: its bytes quoted, a
 * byte that is not printable as \xHH (as 'step' shows them). */
static void console_text(char *buf, size_t len, const uint8_t *b, size_t n)
{
    size_t k = (size_t)snprintf(buf, len, "    console <- \"");
    for (size_t i = 0; i < n && k + 6 < len; i++) {
        if (b[i] == '"' || b[i] == '\\')
            k += (size_t)snprintf(buf + k, len - k, "\\%c", b[i]);
        else if (b[i] == '\n')
            k += (size_t)snprintf(buf + k, len - k, "\\n");
        else if (b[i] >= 0x20 && b[i] < 0x7f)
            buf[k++] = (char)b[i], buf[k] = 0;
        else
            k += (size_t)snprintf(buf + k, len - k, "\\x%02x", b[i]);
    }
    snprintf(buf + k, len - k, "\"");
}

static const char halt_line[] = "the stack halted (the guest on top executed HALT)";

/* Do the lines L[0..N-1] of 'stack step COUNT' show the model's next
 * steps (the first one LOOSE, see same_line)?  The model advances; WHY
 * says the first difference. */
static bool lines_agree(struct rs_model *md, char **l, size_t n, unsigned count, bool loose,
                        char *why, size_t len)
{
    char want[160], cw[256];
    uint8_t con[RM_OUTMAX];
    size_t ncon;
    unsigned taken = 0;
    for (size_t i = 0; i < n; i++) {
        if (md->halted) {
            if (strcmp(l[i], halt_line) || i + 1 != n)
                return snprintf(why, len, "after HALT: '%s'", l[i]), false;
            return true;
        }
        taken += rs_model_line(md, want, sizeof want, con, &ncon);
        if (!same_line(l[i], want, loose && i == 0))
            return snprintf(why, len, "guest step %llu: '%s', the model: '%s'",
                            (unsigned long long)md->k, l[i], want),
                   false;
        if (ncon) {
            console_text(cw, sizeof cw, con, ncon);
            if (i + 1 < n && !strcmp(l[i + 1], cw))
                i++;
            else if (!loose || i > 0) /* a run stopped inside it may have shown it */
                return snprintf(why, len, "no '%s' after guest step %llu", cw,
                                (unsigned long long)md->k),
                       false;
        }
    }
    /* COUNT steps, or one more when the last line shows two */
    if (!md->halted && !loose && count && (taken < count || taken > count + 1))
        return snprintf(why, len, "%u guest steps", taken), false;
    return !md->halted;
}

/* Does the real machine hold the model's guest E[0] (the last trap's PSW)
 * and data words, where the layout puts the guest? */
static bool guest_agrees(struct sess *s, const struct rs_model *md, uint32_t data,
                         unsigned depth)
{
    uint32_t at = depth * RS_K;
    int rc = run(s, "assert E[%u] == %#llx", at, (unsigned long long)md->m.e[0]);
    for (unsigned i = 0; i < 8 && rc == 0; i++)
        rc = run(s, "assert E[%u] == %#llx", at + data + i,
                 (unsigned long long)md->m.e[data + i]);
    return rc == 0;
}

/* 'stack step COUNT', every line against the model; LOST: a 'go for' (or a
 * stop) left the model behind the stack, so it is found again: the first
 * of its later steps from which every line agrees.  A breakpoint or the
 * step limit may stop it: the lines before the stop must agree, the stop's
 * own lines go to STOP (when not NULL) and the model is lost. */
static uint64_t last_real, last_delta; /* the last 'stack step's real steps */

/* The real machine's steps, as 'regs' counts them. */
static uint64_t real_steps(struct sess *s)
{
    ok(s, "regs");
    const char *p = strstr(s->out, "  steps ");
    unsigned long long n = 0;
    if (!p || sscanf(p, "  steps %llu", &n) != 1)
        fail_msg("%s: regs: %s", s->ctx, s->out);
    return n;
}

static void step_cmd(struct sess *s, struct rs_model *md, unsigned count, bool *lost,
                     uint32_t data, unsigned depth, char *stop, size_t stoplen)
{
    char cmd[48], want[160], why[400];
    snprintf(cmd, sizeof cmd, "stack step %u", count);
    if (count == 1 && md->k % 2) /* N is 1 unless given */
        snprintf(cmd, sizeof cmd, "stack step");
    uint64_t steps0 = real_steps(s);
    ok(s, cmd);
    char *save = NULL, *txt = strdup(s->out), *shown = strdup(s->out), *l[256];
    size_t n = 0;
    assert_non_null(txt);
    last_real = 0; /* the real steps its lines show */
    for (char *ln = strtok_r(txt, "\n", &save); ln && n < 256; ln = strtok_r(NULL, "\n", &save)) {
        const char *a = strstr(ln, "(after "), *a2 = strstr(ln, "(2 steps, after ");
        unsigned long long rs;
        if (strncmp(ln, "  top guest ", 12))
            ;
        else if (a && sscanf(a, "(after %llu", &rs) == 1)
            last_real += rs;
        else if (a2 && sscanf(a2, "(2 steps, after %llu", &rs) == 1)
            last_real += rs;
        l[n++] = ln;
    }
    char **v = l;
    /* A stop's report (its lines, which are not the guest's) goes to STOP;
     * the step an instruction of the guest's ended with a stop (a watchpoint
     * it hit) is shown after it */
    bool stopped = false;
    size_t k = 0;
    if (stop)
        stop[0] = 0;
    for (size_t i = 0; i < n; i++) {
        /* (after a stop, the console a half-done step wrote is the stop's) */
        bool guest = !strncmp(l[i], "  top guest ", 12) || !strcmp(l[i], halt_line) ||
                     (!strncmp(l[i], "    console <- ", 15) &&
                      (!stopped || (i > 0 && !strncmp(l[i - 1], "  top guest ", 12))));
        if (!stopped && (!strncmp(l[i], "breakpoint ", 11) ||
                         !strncmp(l[i], "step limit (", 12) ||
                         !strncmp(l[i], "watchpoint ", 11)))
            stopped = true;
        if (!stopped || guest)
            l[k++] = l[i];
        else if (stop)
            snprintf(stop + strlen(stop), stoplen - strlen(stop), "%s\n", l[i]);
    }
    n = k;
    if (stopped && !stop)
        fail_msg("%s: %s stopped:\n%s", s->ctx, cmd, shown);
    /* each line's real steps are those it took: they add up to the run's */
    uint64_t steps1 = real_steps(s);
    last_delta = steps1 - steps0;
    if (!stopped && !strstr(shown, halt_line) && steps1 - steps0 != last_real)
        fail_msg("%s: %s: the real machine took %llu steps, the lines say %llu\n%s", s->ctx,
                 cmd, (unsigned long long)(steps1 - steps0), (unsigned long long)last_real,
                 shown);
    if (md->halted && !*lost) {
        if (n != 1 || strcmp(l[0], halt_line))
            fail_msg("%s: %s once halted:\n%s", s->ctx, cmd, s->out);
        free(txt);
        free(shown);
        return;
    }
    if (n && !strncmp(l[0], "  top guest starts at", 21)) {
        snprintf(want, sizeof want, "  top guest starts at P=0x%05x (after ", md->m.p);
        /* after 'go for' the run may have stopped inside the first step */
        if (!*lost && (md->k || md->started_seen || strncmp(l[0], want, strlen(want))))
            fail_msg("%s: %s: '%s' at guest step %llu\n%s", s->ctx, cmd, l[0],
                     (unsigned long long)md->k, s->out);
        md->started_seen = true;
        v++, n--;
    } else if (!*lost && md->k == 0 && !md->started_seen && !(stopped && !n)) {
        fail_msg("%s: %s: no line says where the guest starts\n%s", s->ctx, cmd, s->out);
    }
    if (!*lost) {
        if (!lines_agree(md, v, n, stopped ? 0 : count, false, why, sizeof why) &&
            !md->halted && !(stopped && !strcmp(why, "0 guest steps")))
            fail_msg("%s: %s: %s\n%s", s->ctx, cmd, why, s->out);
        *lost = stopped;
        if (md->halted && (!n || strcmp(v[n - 1], halt_line)))
            fail_msg("%s: %s: no halt line\n%s", s->ctx, cmd, s->out);
        free(txt);
        free(shown);
        return;
    }
    if (!n) { /* stopped before a step was shown: still lost */
        free(txt);
        free(shown);
        return;
    }
    struct rs_model c, t;
    bool found = false;
    rs_model_copy(&c, md);
    for (unsigned j = 0; j < 4000 && !found; j++) {
        rs_model_copy(&t, &c);
        found = n && !strcmp(v[0], halt_line)
                    ? c.halted
                    : lines_agree(&t, v, n, count, true, why, sizeof why) ||
                          (t.halted && !strcmp(v[n - 1], halt_line));
        /* lines alone may fit several passes through the trap handler: E[0]
         * (the last trap's PSW) and the data words tell them apart */
        /* (a stop may leave a step half done: then the earliest that fits,
         * and the next command looks on from there) */
        if (found && !stopped && !guest_agrees(s, &t, data, depth))
            found = false;
        if (found) {
            rs_model_free(md);
            *md = t;
        } else {
            rs_model_free(&t);
            if (c.halted)
                break;
            uint8_t con[RM_OUTMAX];
            size_t ncon;
            rs_model_line(&c, want, sizeof want, con, &ncon);
        }
    }
    rs_model_free(&c);
    if (!found) {
        for (unsigned j = 0; j < 60 && !md->halted; j++) {
            uint8_t con[RM_OUTMAX];
            size_t ncon;
            rs_model_line(md, want, sizeof want, con, &ncon);
            print_message("model: %s [%.*s]\n", want, (int)ncon, (char *)con);
        }
        fail_msg("%s: after 'go for', %s: no step of the model agrees\n%s", s->ctx, cmd, shown);
    }
    *lost = stopped;
    free(txt);
    free(shown);
}

/* A refusal the docs list, which must leave the session as it was. */
static void refusal(struct sess *s, uint64_t *r, const char *path, unsigned depth, uint32_t w)
{
    char *before = state(s), cmd[1200], want[1200];
    unsigned d2 = 1 + (unsigned)(rng_next(r) % 16), x;
    switch (rng_next(r) % 8) {
    case 0:
        snprintf(cmd, sizeof cmd, "nest 0 %s", path);
        refused(s, cmd, "nest: 0 levels is out of range (1..16)");
        break;
    case 1:
        x = 17 + (unsigned)(rng_next(r) % 100);
        snprintf(cmd, sizeof cmd, "nest %u %s", x, path);
        snprintf(want, sizeof want, "nest: %u levels is out of range (1..16)", x);
        refused(s, cmd, want);
        break;
    case 2:
        snprintf(cmd, sizeof cmd, "nest %s %u", path, depth);
        snprintf(want, sizeof want,
                 "nest: '%s' is not a number of levels: the order is 'nest N FILE [mem W]'",
                 path);
        refused(s, cmd, want);
        break;
    case 3:
        x = 524288 - d2 * RS_K + 1 + (unsigned)(rng_next(r) % (d2 * RS_K + 200));
        if (rng_next(r) % 4 == 0)
            x = (unsigned)(rng_next(r) % 2);
        snprintf(cmd, sizeof cmd, "nest %u %s mem %u", d2, path, x);
        if (x > 524288 || x < 2) /* as --mem is refused (docs/run.md) */
            snprintf(want, sizeof want, "nest: mem: %u %s is out of range (2..524288)", x,
                     plural(x, "word", "words"));
        else
            snprintf(want, sizeof want,
                 "nest: %u %s of 640 words and a guest of %u words need %u words, more than "
                 "the 524288 a machine has: at this depth a guest has at most %u words",
                 d2, plural(d2, "level", "levels"), x, x + d2 * RS_K, 524288 - d2 * RS_K);
        refused(s, cmd, want);
        break;
    case 4:
        x = 1000000001 + (unsigned)(rng_next(r) % 1000000);
        snprintf(cmd, sizeof cmd, "stack step %u", x);
        snprintf(want, sizeof want, "stack: step count %u is out of range (0..1000000000)", x);
        refused(s, cmd, want);
        break;
    case 5:
        snprintf(cmd, sizeof cmd, "check %s vmm", path);
        refused(s, cmd, "check: vmm goes with nest (the control program is always used)");
        break;
    case 6:
        ok(s, "set hybrid on");
        snprintf(cmd, sizeof cmd, "check %s nest %u", path, depth);
        refused(s, cmd,
                "nest with hybrid: the machine-code control program is no hybrid monitor: it "
                "runs its guest's supervisor code directly (the session's hybrid is on: 'set "
                "hybrid off' turns it off)");
        ok(s, "set hybrid off");
        break;
    default:
        ok(s, "stack step 0");
        if (strcmp(s->out, "stack: a count of 0 runs nothing\n"))
            fail_msg("%s: stack step 0 said '%s'", s->ctx, s->out);
        snprintf(cmd, sizeof cmd, "check %s nest %u mem %u", path, 1 + depth % 3, w);
        ok(s, cmd);
        snprintf(want, sizeof want, "EQUIVALENT at depth %u", 1 + depth % 3);
        if (!strstr(s->out, want))
            fail_msg("%s: %s said '%s'", s->ctx, cmd, s->out);
    }
    char *after = state(s);
    if (strcmp(before, after))
        fail_msg("%s: '%s' changed the session:\n%s\nnow\n%s", s->ctx, cmd, before, after);
    free(before);
    free(after);
}

/* Every data word of the guest, at its place in the real machine. */
static void examine_data(struct sess *s, const struct rs_model *md, const struct rs_guest *g,
                         unsigned depth)
{
    for (unsigned i = 0; i < 8; i++) {
        char cmd[96];
        snprintf(cmd, sizeof cmd, "assert E[%u] == %#llx", depth * RS_K + g->data + i,
                 (unsigned long long)md->m.e[g->data + i]);
        ok(s, cmd);
    }
}

/* A watchpoint on a data word of the guest, where the layout puts it, and
 * 'stack step': when the guest's own instruction wrote it (the real machine
 * stopped in the guest on top), that step is the last line before the stop,
 * and the model's word is the new value. */
static void watch_case(struct sess *s, struct rs_model *md, const struct rs_guest *g,
                       unsigned depth, uint64_t *r, bool *lost, unsigned *watched)
{
    char cmd[96], stop[4096];
    uint32_t at = depth * RS_K + g->data + (uint32_t)(rng_next(r) % 8);
    if (!*watched) {
        snprintf(cmd, sizeof cmd, "watch write %u", at);
        ok(s, cmd);
        *watched = at;
    }
    at = *watched;
    bool was_lost = *lost;
    stop[0] = 0;
    step_cmd(s, md, 1 + (unsigned)(rng_next(r) % 8), lost, g->data, depth, stop, sizeof stop);
    if (!stop[0] || strncmp(stop, "watchpoint ", 11))
        return;
    char want[96];
    snprintf(want, sizeof want, ": write E[%#x] ", at);
    const char *nv = strstr(stop, " -> ");
    unsigned long long v = nv ? strtoull(nv + 4, NULL, 0) : 0;
    if (!strstr(stop, want) || !nv ||
        !strstr(stop, "\nstopped at "))
        fail_msg("%s: a watchpoint's stop said\n%s", s->ctx, stop);
    const char *st = strstr(stop, "\nstopped at ");
    const char *lp = strstr(st, " l=0x");
    unsigned l = 0;
    if (!was_lost && lp && sscanf(lp, " l=0x%x", &l) == 1 && l >= depth * RS_K &&
        strstr(st, ": u I=") && (uint64_t)v != md->m.e[at - depth * RS_K])
        fail_msg("%s: the guest wrote %#llx to E[%#x] and stopped; the model's step: %#llx",
                 s->ctx, v, at, (unsigned long long)md->m.e[at - depth * RS_K]);
}

struct tally {
    unsigned sessions, steps_cmds, refusals, gofor, saves, breaks, limits, rsteps, watches;
};

static void session(uint64_t seed, unsigned n, struct tally *t)
{
    uint64_t r = seed ^ (UINT64_C(0x9E3779B97F4A7C15) * (n + 1));
    static struct sess s;
    char path[600], snap[600], base[512];
    ms_tmp_file(base, sizeof base, "refstack");
    snprintf(path, sizeof path, "%s.s", base);
    snprintf(snap, sizeof snap, "%s.snap", base);
    struct rs_guest g;
    struct rs_model md, probe;
    for (;;) { /* a guest that halts bare within a few thousand steps */
        assert_true(rs_gen(&r, path, &g));
        rs_model_init(&probe, &g);
        char l[160];
        uint8_t c[RM_OUTMAX];
        size_t nc;
        while (!probe.halted && probe.k < 3000)
            rs_model_line(&probe, l, sizeof l, c, &nc);
        bool h = probe.halted;
        rs_model_free(&probe);
        if (h)
            break;
        rs_guest_free(&g);
    }
    unsigned depth = 1 + (unsigned)(rng_next(&r) % 3);
    if (rng_next(&r) % 10 == 0)
        depth = 4;
    snprintf(s.ctx, sizeof s.ctx, "seed %#llx session %u (depth %u)", (unsigned long long)seed,
             n, depth);
    ms_sess_open(&s.ms);
    char cmd[1200], want[1200], pre[600];
    snprintf(pre, sizeof pre, "%s.pre", base);
    if (rng_next(&r) % 2) {
        refused(&s, "stack", "stack: no stack: build one with 'nest N FILE'");
        snprintf(cmd, sizeof cmd, "save %s", pre);
        ok(&s, cmd);
    }
    if (g.mem_given)
        snprintf(cmd, sizeof cmd, "nest %u %s mem %u", depth, path, g.w);
    else
        snprintf(cmd, sizeof cmd, "nest %u %s", depth, path);
    ok(&s, cmd);
    snprintf(want, sizeof want,
             "bare machine: q=%u, profile virtualizable (reset)\n"
             "bare: %u %s of the machine-code control program (640 words each) with %s on top: "
             "a bare machine of %u words at %#x\n",
             depth * RS_K + g.w, depth, plural(depth, "level", "levels"), path, g.w,
             depth * RS_K);
    if (strcmp(s.out, want))
        fail_msg("%s: %s said\n%s\nnot\n%s", s.ctx, cmd, s.out, want);
    char l1[256], l1c[256];
    layout(&s, depth, g.w, l1, l1c, sizeof l1);
    if (strcmp(l1, "         its guest: not started"))
        fail_msg("%s: before any step level 1 says '%s'", s.ctx, l1);
    rs_model_init(&md, &g);
    bool lost = false;
    char stop[4096];
    unsigned hits = 0, watched = 0;
    for (unsigned a = 0; a < 14 && !md.halted; a++) {
        stop[0] = 0;
        switch (rng_next(&r) % 12) {
        case 0: case 1: case 2: case 3:
            step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 6), &lost, g.data, depth, stop, sizeof stop);
            t->steps_cmds++;
            break;
        case 4:
            layout(&s, depth, g.w, l1, l1c, sizeof l1);
            break;
        case 5: case 6:
            refusal(&s, &r, path, depth, g.w);
            t->refusals++;
            break;
        case 7:
            snprintf(cmd, sizeof cmd, "go for %u", 1 + (unsigned)(rng_next(&r) % 400));
            ok(&s, cmd);
            if (!((hits || watched) && (strstr(s.out, "breakpoint ") || strstr(s.out, "watchpoint "))) &&
                !strstr(s.out, "stopped after ") && !strstr(s.out, "halted after "))
                fail_msg("%s: %s said '%s'", s.ctx, cmd, s.out);
            lost = true;
            t->gofor++;
            if (strstr(s.out, "halted after ")) {
                char l[160];
                uint8_t c[RM_OUTMAX];
                size_t nc;
                while (!md.halted)
                    rs_model_line(&md, l, sizeof l, c, &nc);
                lost = false;
            }
            break;
        case 8: { /* save, step on, restore: the stack as it was, and its future */
            char *before = state(&s);
            struct rs_model keep;
            rs_model_copy(&keep, &md);
            bool keep_lost = lost;
            snprintf(cmd, sizeof cmd, "save %s", snap);
            ok(&s, cmd);
            if (rng_next(&r) % 3 == 0) { /* restore rebuilds the saved layout */
                snprintf(cmd, sizeof cmd, "nest %u %s mem %u", 1 + depth % 4, path,
                         512 + (unsigned)(rng_next(&r) % 4096));
                ok(&s, cmd);
            } else {
                step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 4), &lost, g.data, depth,
                         stop, sizeof stop);
            }
            snprintf(cmd, sizeof cmd, "restore %s", snap);
            ok(&s, cmd);
            char *after = state(&s);
            if (strcmp(before, after))
                fail_msg("%s: restore: stack and regs\n%s\nnot as saved\n%s", s.ctx, after,
                         before);
            free(before);
            free(after);
            rs_model_free(&md);
            md = keep;
            lost = keep_lost;
            unlink(snap);
            t->saves++;
            break;
        }
        case 9:
            if (!lost && rng_next(&r) % 3 == 0) {
                examine_data(&s, &md, &g, depth);
                break;
            }
            /* back into the last 'stack step': the model takes up from where
             * that began, and finds the guest again from there */
        {
            struct rs_model before_step;
            bool was_lost = lost;
            rs_model_copy(&before_step, &md);
            step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 4), &lost, g.data, depth, stop,
                     sizeof stop);
            if (!was_lost && !stop[0] && !lost && !md.halted && last_real > 1) {
                snprintf(cmd, sizeof cmd, "rstep %llu",
                         (unsigned long long)(1 + rng_next(&r) % (last_real - 1)));
                ok(&s, cmd);
                rs_model_free(&md);
                rs_model_copy(&md, &before_step);
                lost = true;
                t->rsteps++;
            }
            rs_model_free(&before_step);
            break;
        }
        case 10:
            if (rng_next(&r) % 2) {
                watch_case(&s, &md, &g, depth, &r, &lost, &watched);
                t->watches++;
                break;
            }
            /* fall through */
        case 12: { /* a breakpoint in the bottom level's reflection of a trap */
            if (!hits) { /* its id: after the watchpoint's, if any */
                ok(&s, "break d_reflect");
                hits = watched ? 2 : 1;
            }
            step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 6), &lost, g.data, depth, stop,
                     sizeof stop);
            if (stop[0] && !(watched && !strncmp(stop, "watchpoint ", 11))) {
                /* hit counts go back with 'restore': their wording is checked */
                snprintf(want, sizeof want, "breakpoint %u at ", hits);
                char hit[64];
                const char *h = strstr(stop, " d_reflect, hit ");
                unsigned nh = 0;
                if (h)
                    sscanf(h, " d_reflect, hit %u", &nh);
                snprintf(hit, sizeof hit, " d_reflect, hit %u %s\nstopped at 0x", nh,
                         plural(nh, "time", "times"));
                if (strncmp(stop, want, strlen(want)) || !nh || !strstr(stop, hit) ||
                    !strstr(stop, " d_reflect after "))
                    fail_msg("%s: a breakpoint's stop said\n%s", s.ctx, stop);
                ok(&s, "assert P == d_reflect && l == 0");
                /* the report a run gives: the real machine's steps in this run */
                snprintf(want, sizeof want, " d_reflect after %llu step%s, ",
                         (unsigned long long)last_delta, last_delta == 1 ? "" : "s");
                if (!strstr(stop, want))
                    fail_msg("%s: a breakpoint's stop after %llu real steps said\n%s", s.ctx,
                             (unsigned long long)last_delta, stop);
            }
            t->breaks++;
            break;
        }
        default: { /* the step limit counts real steps */
            unsigned lim = 20 + (unsigned)(rng_next(&r) % 2000);
            snprintf(cmd, sizeof cmd, "set limit %u", lim);
            ok(&s, cmd);
            step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 6), &lost, g.data, depth, stop,
                     sizeof stop);
            ok(&s, "set limit 1000000000");
            if (stop[0]) {
                snprintf(want, sizeof want, "step limit (%u) reached: ", lim);
                if (strncmp(stop, want, strlen(want)) &&
                    !((hits || watched) && (!strncmp(stop, "breakpoint ", 11) ||
                                            !strncmp(stop, "watchpoint ", 11))))
                    fail_msg("%s: the step limit's stop said\n%s", s.ctx, stop);
                if (!strncmp(stop, want, strlen(want)) && last_delta != lim)
                    fail_msg("%s: the step limit %u stopped after %llu real steps", s.ctx, lim,
                             (unsigned long long)last_delta);
                t->limits++;
            }
        }
        }
    }
    if (hits || watched)
        ok(&s, "delete all");
    /* the whole stack to HALT: level 1's record and figures are the bare run's */
    ok(&s, "go");
    if (!md.halted && !strstr(s.out, "halted after "))
        fail_msg("%s: go said '%s'", s.ctx, s.out);
    char l[160];
    uint8_t c[RM_OUTMAX];
    size_t nc;
    while (!md.halted)
        rs_model_line(&md, l, sizeof l, c, &nc);
    ok(&s, "assert halted && P == cp_halt + 1");
    layout(&s, depth, g.w, l1, l1c, sizeof l1);
    char psw[64], tm[64];
    rs_psw_text(psw, sizeof psw, md.m.sup, md.m.ie, md.m.p, md.m.l, md.m.b);
    rs_timer_text(tm, sizeof tm, &md.m);
    snprintf(want, sizeof want, "         its guest: %s  %s", psw, tm);
    if (strcmp(l1, want))
        fail_msg("%s: at HALT level 1: '%s', the model: '%s'", s.ctx, l1, want);
    struct rn_guest rg = {.w = g.w, .e = g.e, .entry = g.entry};
    struct rn_state b;
    assert_int_equal(rn_bare(&rg, 10000, &b), 0);
    assert_true(b.halted);
    snprintf(want, sizeof want,
             "         %llu %s: %llu interpreted, %llu reflected, %llu %s, %llu %s",
             (unsigned long long)b.entries, plural(b.entries, "entry", "entries"),
             (unsigned long long)b.interp, (unsigned long long)b.reflect,
             (unsigned long long)b.vtimer, plural(b.vtimer, "timer trap", "timer traps"),
             (unsigned long long)b.single, plural(b.single, "single step", "single steps"));
    if (strcmp(l1c, want))
        fail_msg("%s: at HALT level 1: '%s', the prediction: '%s'", s.ctx, l1c, want);
    rn_free(&b);
    examine_data(&s, &md, &g, depth);
    bool no = false;
    step_cmd(&s, &md, 1 + (unsigned)(rng_next(&r) % 3), &no, g.data, depth, NULL, 0);
    if (access(pre, F_OK) == 0) { /* a snapshot without a stack leaves none */
        snprintf(cmd, sizeof cmd, "restore %s", pre);
        ok(&s, cmd);
        refused(&s, "stack", "stack: no stack: build one with 'nest N FILE'");
        unlink(pre);
    }
    rs_model_free(&md);
    rs_guest_free(&g);
    ms_sess_close(&s.ms);
    unlink(path);
    t->sessions++;
}

static void campaign__random_sessions(void **state)
{
    (void)state;
    uint64_t seed = rng_env("TGM_REFSTACK_SEED", 0x726566737461636b);
    unsigned n = (unsigned)rng_env("TGM_REFSTACK_SESSIONS", 60);
    struct tally t = {0};
    unsigned only = (unsigned)rng_env("TGM_REFSTACK_ONLY", UINT64_MAX);
    for (unsigned i = 0; i < n; i++)
        if (only == (unsigned)UINT64_MAX || i == only)
            session(seed, i, &t);
    print_message("refstack: seed %#llx: %u sessions agreed (%u stack steps, %u refusals, "
                  "%u go for, %u save/restore, %u with a breakpoint, %u with a watchpoint, %u limits, "
                  "%u rstep)\n",
                  (unsigned long long)seed, t.sessions, t.steps_cmds, t.refusals, t.gofor,
                  t.saves, t.breaks, t.watches, t.limits, t.rsteps);
    assert_true(t.sessions == n || only != (unsigned)UINT64_MAX);
}

/* Open S (named CTX) on SRC, written to a file (*PATH), under DEPTH levels
 * of 64 words. */
static void nest_source(struct sess *s, const char *ctx, int depth, const char *src, char *path,
                        size_t len)
{
    char base[512], cmd[700];
    ms_tmp_file(base, sizeof base, "refstack-src");
    snprintf(path, len, "%s.s", base);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(src, f);
    assert_int_equal(fclose(f), 0);
    snprintf(s->ctx, sizeof s->ctx, "%s", ctx);
    ms_sess_open(&s->ms);
    snprintf(cmd, sizeof cmd, "nest %d %s mem 64", depth, path);
    ok(s, cmd);
}

/* docs/monitor.md: 'stack step N' prints the guest's PSW after each of its
 * steps, and a watchpoint stops it as it stops 'go'.  A watched word the
 * guest's own instruction writes stops the run after that instruction: the
 * step was taken, so its line is shown, after the report as when the
 * watchpoint's list continues (it was lost: neither that command nor the
 * next showed it, and the next counted from the step after). */
static void stack_step__a_watch_hit_by_the_guest_shows_its_step(void **state)
{
    (void)state;
    char path[600];
    static struct sess s;
    nest_source(&s, "watch", 2,
                "        .entry start\nstart:  LI d0, 65\n        LI d1, 66\n        LI d0, 67\n"
                "        HALT\nd0:     .word 0\nd1:     .word 0\n",
                path, sizeof path);
    ok(&s, "watch write 0x504"); /* d0, at 2 x 640 + 4 */
    ok(&s, "stack step 3");
    const char *step = strstr(s.out, "  top guest s I=0 P=0x00001 l=0x00000 b=0x80000  (after ");
    const char *hit = strstr(s.out, "watchpoint 1: write E[0x504] 0 -> 0x41");
    if (!step || !hit || step < hit)
        fail_msg("the stop, then the step that wrote the watched word:\n%s", s.out);
    ok(&s, "stack step 1"); /* the next step is the guest's second */
    if (!strstr(s.out, "  top guest s I=0 P=0x00002 l=0x00000 b=0x80000  (after 1 real step)"))
        fail_msg("the step after the stop:\n%s", s.out);
    ok(&s, "stack step 2"); /* the third writes d0 again: shown, then the stop */
    step = strstr(s.out, "  top guest s I=0 P=0x00003 l=0x00000 b=0x80000  (after ");
    hit = strstr(s.out, "watchpoint 1: write E[0x504] 0x41 -> 0x43");
    if (!step || !hit || step < hit || strstr(s.out, "P=0x00004"))
        fail_msg("the stop, then the third step:\n%s", s.out);
    ms_sess_close(&s.ms);
    unlink(path);
}

/* A breakpoint in the control program after level 1 counted the step it is
 * simulating (its COUT at P=1) stops 'stack step' inside that step; the
 * next 'stack step 1' must show that step, P=2 (it went on from level 1's
 * count as it found it, so the COUT was never shown and the step after it
 * was taken instead). */
static void stack_step__a_stop_inside_a_simulated_step_then_that_step(void **state)
{
    (void)state;
    char path[600];
    static struct sess s;
    nest_source(&s, "mid", 1,
                "        .entry start\nstart:  LI d0, 65\n        COUT d0\n        LI d0, 67\n"
                "        HALT\nd0:     .word 0\n",
                path, sizeof path);
    ok(&s, "stack step 1");
    ok(&s, "break resume");
    ok(&s, "stack step 1");
    if (!strstr(s.out, "breakpoint 1 at ") || strstr(s.out, "top guest") ||
        !strstr(s.out, "    console <- \"A\"")) /* written by the step that stopped */
        fail_msg("the COUT's handling stops at resume:\n%s", s.out);
    ok(&s, "delete all");
    ok(&s, "stack step 1");
    if (!strstr(s.out, "  top guest s I=0 P=0x00002 l=0x00000 b=0x80000  (after ") ||
        strstr(s.out, "P=0x00003"))
        fail_msg("the COUT's step:\n%s", s.out);
    ok(&s, "stack step 1");
    if (!strstr(s.out, "  top guest s I=0 P=0x00003 l=0x00000 b=0x80000  (after 1 real step)"))
        fail_msg("the step after it:\n%s", s.out);
    ms_sess_close(&s.ms);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stack_step__a_watch_hit_by_the_guest_shows_its_step),
        cmocka_unit_test(stack_step__a_stop_inside_a_simulated_step_then_that_step),
        cmocka_unit_test(campaign__random_sessions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
