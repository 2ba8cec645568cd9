/* test_audit_refsnap.c: the round trip of a whole session through 'save'
 * and 'restore' against the model of refsnap.h (docs/monitor.md).
 *
 * A session loads random programs (docs/isa.md's instructions: arithmetic,
 * COUT, CIN, SVC through a handler that steps past it, the timer armed
 * with I = 0), assembled by the real assembler, into the bare machine and
 * sometimes into one to three VMs; sets random breakpoints, watchpoints,
 * trap stops, displays and settings; runs; saves (sometimes 'nobreaks');
 * then changes things (runs, deposits, console input, breakpoints,
 * settings, displays, a VM stopped or created, the memory resized), tries
 * refused restores (a missing file, a source, a damaged, cut or newer
 * snapshot), each of which must change nothing, and restores.  After it
 * every observable ('show', 'regs', 'examine', 'console', 'symbols', 'vm
 * list', 'vm stats', each VM's, 'break list', 'display') must be the
 * model's, and the same as in a second session that replayed the session
 * up to the save and never left that point; the next runs of both must
 * say the same.  A third, new session restores the file too.
 * TGM_REFSNAP_SESSIONS and TGM_REFSNAP_SEED size and seed the campaign;
 * TGM_REFSNAP_VERBOSE=1 shows each command and its output.
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

#include "cli_support.h"
#include "mon_support.h"
#include "refsnap.h"
#include "rng.h"
#include "sbuf.h"

static uint64_t rs;
static uint32_t rn(uint32_t n)
{
    return n ? (uint32_t)(rng_next(&rs) % n) : 0;
}
static bool verbose;

/* ---- a session and its commands ---- */

struct sx {
    struct ms_sess s;
    size_t oo, eo;
    int rc;
    const char *tag;
};

static void sx_open(struct sx *x, const char *tag)
{
    ms_sess_open(&x->s);
    x->oo = x->eo = 0;
    x->tag = tag;
}

/* Run LINE; its output and then its errors, malloc'd; X->rc its status. */
static char *sx_run(struct sx *x, const char *line)
{
    x->rc = mon_exec_line(x->s.m, line);
    fflush(x->s.out);
    fflush(x->s.err);
    struct sbuf b = {0};
    sbuf_printf(&b, "%.*s", (int)(x->s.olen - x->oo), x->s.obuf + x->oo);
    if (x->s.elen > x->eo)
        sbuf_printf(&b, "!! %.*s", (int)(x->s.elen - x->eo), x->s.ebuf + x->eo);
    x->oo = x->s.olen;
    x->eo = x->s.elen;
    if (verbose)
        fprintf(stderr, "%s> %s [%d]\n%s", x->tag, line, x->rc, b.s);
    return b.s;
}

static void sx_do(struct sx *x, const char *line)
{
    free(sx_run(x, line));
}

/* ---- random programs ---- */

#define NV_MAX 3
#define VW 256

static char progs[NV_MAX + 2][512];

static const char *const data[] = {"d0", "d1", "d2", "d3", "n"};
static const char *dat(void)
{
    return data[rn(4)];
}

/* A guest in supervisor mode (COUT and CIN are privileged): a counted loop
 * of random instructions, then HALT; E[1] sends every trap (its SVCs) to
 * a handler that adds 1 to the saved P and resumes. */
static void write_prog(int k)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "        .org 0\n        .word 0\n"
                    "        .word psw(SUP, hnd, 0, 0x80000)\n"
                    "        .entry start\n"
                    "start:  LI n, %u\n        LI d0, %d\n        LI d1, %d\n",
                1 + rn(12), (int)rn(200) - 100, (int)rn(200) - 100);
    sbuf_printf(&b, "loop:   NOP\n");
    unsigned len = 2 + rn(8);
    for (unsigned i = 0; i < len; i++) {
        static const char *const ops[] = {"ADD", "SUB", "XOR", "AND", "OR", "MUL", "SHL"};
        switch (rn(9)) {
        case 0: case 1: case 2:
            sbuf_printf(&b, "        %s %s, %s, %s\n", ops[rn(7)], data[rn(4)], dat(), dat());
            break;
        case 3:
            sbuf_printf(&b, "        ADDI %s, %s, %d\n", dat(), dat(), (int)rn(40) - 20);
            break;
        case 4:
            sbuf_printf(&b, "        AND t, %s, m\n        ADDI t, t, 97\n        COUT t\n", dat());
            break;
        case 5:
            sbuf_printf(&b, "        CIN %s\n", dat());
            break;
        case 6:
            sbuf_printf(&b, "        SVC %u\n", rn(100));
            break;
        case 7:
            sbuf_printf(&b, "        LI t, %u\n        TSET t\n", rn(3000));
            break;
        default:
            sbuf_printf(&b, "        STX tab, d3, %s\n        ADDI d3, d3, 1\n"
                            "        AND d3, d3, m\n", dat());
            break;
        }
    }
    sbuf_printf(&b, "        DJNZ n, loop\n        HALT\n"
                    "hnd:    ADD 0, 0, one\n        LPSW 0\n"
                    "one:    .word 0x8000000000\n"
                    "n:      .word 0\nd0:     .word 0\nd1:     .word 0\n"
                    "d2:     .word 0\nd3:     .word 0\nt:      .word 0\n"
                    "m:      .word 15\ntab:    .space 16\n");
    char stem[32];
    snprintf(stem, sizeof stem, "refsnap%d.s", k);
    cs_tmp_path(progs[k], sizeof progs[k], stem);
    FILE *f = fopen(progs[k], "w");
    assert_non_null(f);
    fputs(b.s, f);
    fclose(f);
    sbuf_free(&b);
}

/* ---- what a session shows ---- */

struct obs {
    char *snap;  /* the snapshot's part, 'show' lines included */
    char *show;  /* all of 'show' */
    char *disp;  /* 'display' */
    char *brk;   /* 'break list' */
    char *halted;
    char *focus; /* 'regs', 'examine' and 'console' of the focus */
};

static int nvm;
static char focus[8];
static bool nested;

/* What X shows, its focus FOC (given back after looking at each VM). */
static void obs_take_at(struct sx *x, struct obs *o, const char *foc)
{
    (void)foc;
    struct sbuf b = {0}, f = {0};
    sbuf_printf(&f, "%s", "");
    o->show = sx_run(x, "show");
    char *sp = rs_show_part(o->show, true);
    sbuf_printf(&b, "%s", sp);
    free(sp);
    static const char *const looks[] = {"regs", "examine 0 64", "console", "symbols",
                                        "examine -r 0 24"};
    for (size_t i = 0; i < sizeof looks / sizeof *looks; i++) {
        if (i == 4 && !nvm)
            break;
        char *t = sx_run(x, looks[i]);
        sbuf_printf(&b, "== %s\n%s", looks[i], t);
        if (i < 3)
            sbuf_printf(&f, "%s", t);
        free(t);
    }
    if (nvm) {
        char *t = sx_run(x, "vm list; vm stats");
        sbuf_printf(&b, "== vms\n%s", t);
        free(t);
        /* Each VM as it sees itself, then the focus back. */
        char line[128];
        for (int v = 0; v < nvm; v++) {
            snprintf(line, sizeof line, "vm select v%d; regs; examine 0 64; vm console v%d", v, v);
            t = sx_run(x, line);
            sbuf_printf(&b, "== v%d\n%s", v, t);
            free(t);
        }
        /* back to the focus 'show' named (a VM destroyed moves it) */
        char now[16] = "bare";
        if (!strncmp(o->show, "focus: ", 7))
            sscanf(o->show + 7, "%15s", now);
        snprintf(line, sizeof line, "vm select %s", now);
        t = sx_run(x, line);
        sbuf_printf(&b, "== focus %s\n%s", foc, t);
        free(t);
    }
    if (nested) {
        char *t = sx_run(x, "stack");
        /* the first 'stack' after the stack went says so, later ones
         * that there is none: the same state, looked at again */
        sbuf_printf(&b, "== stack\n%s", strstr(t, "!! stack:") ? "(none)\n" : t);
        free(t);
    }
    o->snap = b.s;
    o->focus = f.s;
    o->disp = sx_run(x, "display");
    o->brk = sx_run(x, "break list");
    o->halted = sx_run(x, "print halted");
}

static void obs_take(struct sx *x, struct obs *o)
{
    obs_take_at(x, o, focus);
}

static void obs_free(struct obs *o)
{
    free(o->snap);
    free(o->show);
    free(o->disp);
    free(o->brk);
    free(o->halted);
    free(o->focus);
}

static uint64_t sess_seed;
/* Fail, naming the session and WHAT, at the first line where GOT and
 * WANT part (with the line before it). */
static void same(const char *what, const char *got, const char *want)
{
    if (!strcmp(got, want))
        return;
    size_t i = 0, ls = 0, pl = 0;
    while (got[i] && got[i] == want[i]) {
        if (got[i] == '\n') {
            pl = ls;
            ls = i + 1;
        }
        i++;
    }
    fail_msg("session %#llx: %s differs at byte %zu:\n--- got\n%.300s\n--- want\n%.300s",
             (unsigned long long)sess_seed, what, i, got + pl, want + pl);
}

static void obs_same(const char *what, const struct obs *a, const struct obs *b, bool hits)
{
    char w[96];
    snprintf(w, sizeof w, "%s: the snapshot's state", what);
    same(w, a->snap, b->snap);
    snprintf(w, sizeof w, "%s: show", what);
    same(w, a->show, b->show);
    snprintf(w, sizeof w, "%s: display", what);
    same(w, a->disp, b->disp);
    snprintf(w, sizeof w, "%s: break list", what);
    if (hits) {
        same(w, a->brk, b->brk);
    } else {
        char *x = rs_blank_hits(a->brk), *y = rs_blank_hits(b->brk);
        same(w, x, y);
        free(x);
        free(y);
    }
}

/* ---- the commands of a session ---- */

/* The log of commands the twin replays: up to the save, then those of the
 * change phase that it shares (the session's settings; breakpoints too
 * when the file keeps none). */
#define NLOG 96
static char logv[NLOG][160];
static int nlog;

static void both(struct sx *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void both(struct sx *a, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    assert_true(nlog < NLOG);
    vsnprintf(logv[nlog], sizeof logv[nlog], fmt, ap);
    va_end(ap);
    sx_do(a, logv[nlog++]);
}

static void only(struct sx *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void only(struct sx *a, const char *fmt, ...)
{
    char line[192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    sx_do(a, line);
}

static const char *const where[] = {"loop", "hnd", "start", "loop+1", "loop+2"};

static void rand_break(struct sx *a, bool ignore_ok,
                       void (*put)(struct sx *, const char *, ...))
{
    switch (rn(6)) {
    case 0:
        put(a, "break trap svc");
        break;
    case 1:
        put(a, "watch %s %s", rn(2) ? "write" : "read", dat());
        break;
    case 2:
        put(a, "break %s if E[%s]&1", where[rn(5)], dat());
        break;
    case 3:
        if (ignore_ok) {
            put(a, "break %s ignore %u", where[rn(5)], 1 + rn(3));
            break;
        }
        /* fall through */
    case 4:
        put(a, "break %s do \"echo at %u\"", where[rn(5)], rn(9));
        break;
    default:
        put(a, "break %s", where[rn(5)]);
        break;
    }
}

static void rand_setting(struct sx *a, void (*put)(struct sx *, const char *, ...))
{
    switch (rn(6)) {
    case 0: put(a, "set limit %u", 500 + rn(4000)); break;
    case 1: put(a, "set console %s", rn(2) ? "off" : "on"); break;
    case 2: put(a, "set checkpoint %u", 10 + rn(200)); break;
    case 3: put(a, "set ring %u", rn(300)); break;
    case 4: put(a, "display %s", dat()); break;
    default: put(a, "display/d E[%s]", dat()); break;
    }
}

static void rand_run(struct sx *a, void (*put)(struct sx *, const char *, ...))
{
    switch (rn(5)) {
    case 0: put(a, "step %u", 1 + rn(6)); break;
    case 1: put(a, "go for %u", 1 + rn(60)); break;
    case 2: put(a, "continue"); break;
    case 3: put(a, "next"); break;
    default: put(a, "go"); break;
    }
}

/* A copy of the snapshot SRC, changed by KIND, at DST. */
static void damaged(const char *src, const char *dst, int kind)
{
    size_t len;
    uint8_t *b = (uint8_t *)cs_slurp(src, &len);
    assert_non_null(b);
    assert_true(len > 64);
    if (kind == 0) {
        b[16 + rn((uint32_t)(len - 16))] ^= (uint8_t)(1u << rn(8));
    } else if (kind == 1) {
        len = rn((uint32_t)len);
    } else {
        /* Newer than this tgm, its checksum made right. */
        ms_put_le(b + 8, 6, 4);
        uint64_t h = UINT64_C(0xcbf29ce484222325);
        for (size_t i = 0; i + 8 < len; i++)
            h = (h ^ b[i]) * UINT64_C(0x100000001b3);
        ms_put_le(b + len - 8, h, 8);
    }
    cs_write_bytes(dst, b, len);
    free(b);
}

static int sessions_agreed;

/* SHOW less its "breakpoints: N" line; malloc'd. */
static char *drop_breaks_line(const char *show)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (const char *p = show; *p;) {
        const char *e = strchr(p, '\n');
        int n = e ? (int)(e - p) + 1 : (int)strlen(p);
        if (strncmp(p, "breakpoints:", 12))
            sbuf_printf(&b, "%.*s", n, p);
        p += n;
    }
    return b.s;
}

static void one_session(uint64_t seed)
{
    sess_seed = seed;
    rs = seed;
    nlog = 0;
    nvm = (int)rn(4);
    for (int k = 0; k <= nvm; k++)
        write_prog(k);
    char snap[512], bad[512];
    cs_tmp_path(snap, sizeof snap, "refsnap.snap");
    cs_tmp_path(bad, sizeof bad, "refsnap-bad.snap");
    bool nobreaks = rn(3) == 0;
    struct sx a, b, c;
    sx_open(&a, "A");

    /* The session up to the save. */
    both(&a, "set limit %u", 2000 + rn(3000));
    nested = !nvm && !rn(4);
    if (nested)
        both(&a, "nest %u %s", 1 + rn(2), progs[0]);
    else
        both(&a, "load %s", progs[0]);
    bool tl = false;
    if (nvm) {
        both(&a, "set slice %u", 5 + rn(400));
        if (!rn(4))
            both(&a, "set hybrid on");
        for (int v = 0; v < nvm; v++)
            both(&a, "vm create v%d %d %s", v, VW, progs[v + 1]);
        if (!rn(3)) {
            tl = true;
            both(&a, "timeline on");
        }
        if (!rn(3))
            both(&a, "vm limit v%u %u", rn((uint32_t)nvm), 5 + rn(300));
        int f = (int)rn((uint32_t)nvm + 1);
        snprintf(focus, sizeof focus, f == nvm ? "bare" : "v%d", f);
        both(&a, "vm select %s", focus);
    } else {
        strcpy(focus, "bare");
    }
    if (rn(2))
        both(&a, "console input \"%c%c\"", 'a' + rn(26), 'a' + rn(26));
    if (nvm && rn(2))
        both(&a, "vm input v%u \"q\"", rn((uint32_t)nvm));
    for (unsigned i = rn(4); i; i--)
        rand_break(&a, !nobreaks, both);
    for (unsigned i = rn(3); i; i--)
        rand_setting(&a, both);
    for (unsigned i = rn(4); i; i--)
        rand_run(&a, both);
    only(&a, "save %s%s", snap, nobreaks ? " nobreaks" : "");
    assert_int_equal(a.rc, 0);
    struct obs saved;
    obs_take(&a, &saved);

    /* The twin replays it and must be where the saving session was. */
    sx_open(&b, "B");
    for (int i = 0; i < nlog; i++)
        sx_do(&b, logv[i]);
    struct obs bs;
    obs_take(&b, &bs);
    obs_same("the twin at the save", &bs, &saved, true);
    obs_free(&bs);

    /* The change phase: the twin takes the session's settings, and the
     * breakpoints when the file keeps none. */
    int shared_from = nlog;
    bool input = false;
    for (unsigned i = 2 + rn(6); i; i--) {
        switch (rn(7)) {
        case 0: case 1: rand_run(&a, only); break;
        case 2: only(&a, "deposit %s %d", dat(), (int)rn(1000)); break;
        case 3:
            only(&a, "console input \"%c\"", 'a' + rn(26));
            input = true; /* a change 'console' does not show */
            break;
        case 4: rand_setting(&a, both); break;
        case 5:
            if (nobreaks)
                rand_break(&a, false, both);
            else if (rn(2))
                rand_break(&a, true, only);
            else
                only(&a, "delete %u", 1 + rn(4));
            break;
        default:
            if (!nvm && rn(2)) {
                /* settings SESS keeps, with no control program yet */
                switch (rn(5)) {
                case 0: only(&a, "set cp-memory %u", 4096 + rn(100000)); break;
                case 1: only(&a, "set cp-profile pdp10"); break;
                case 2: only(&a, "set hybrid %s", rn(2) ? "on" : "off"); break;
                case 3: only(&a, "set slice %u", 1 + rn(5000)); break;
                default:
                    if (!nobreaks && !nested)
                        only(&a, "set %s", rn(2) ? "profile pdp10" : "memory 4000");
                    break;
                }
            } else if (!nvm)
                only(&a, "reset");
            else if (rn(3))
                only(&a, "vm %s v%u", rn(2) ? "stop" : "resume", rn((uint32_t)nvm));
            else if (rn(2))
                only(&a, "vm limit v%u %u", rn((uint32_t)nvm), 5 + rn(300));
            /* these take the VMs' breakpoints away, which a 'nobreaks'
             * restore would not bring back: the twin's runs would differ */
            else if (rn(2) && !nobreaks)
                only(&a, "vm destroy v%u", rn((uint32_t)nvm));
            else if (!tl && !nobreaks)
                only(&a, "reset all");
            break;
        }
    }
    /* Last, as they take breakpoint numbers the twin does not: one in a
     * VM the snapshot has not, or outside the memory it restores. */
    int gone[2], ngone = 0;
    const char *why = "";
    const char *foc = focus;
    if (nvm < NV_MAX && !nested && rn(3) == 0) {
        /* a VM the snapshot has not, the focus on it */
        only(&a, "vm create z %d %s", VW, progs[0]);
        char *t = sx_run(&a, "vm select z; break loop");
        if (nobreaks && strstr(t, "breakpoint ") && a.rc == 0)
            gone[ngone++] = atoi(strstr(t, "breakpoint ") + 11);
        why = "its VM is not in the snapshot";
        free(t);
        foc = "z";
    } else if (nobreaks && !nvm && !nested && rn(2)) {
        only(&a, "set memory 70000");
        char *t = sx_run(&a, "break 69000");
        if (strstr(t, "breakpoint "))
            gone[ngone++] = atoi(strstr(t, "breakpoint ") + 11);
        why = "outside the snapshot's memory";
        free(t);
    }
    struct obs before;
    obs_take_at(&a, &before, foc);

    /* Refused restores change nothing. */
    for (unsigned i = 1 + rn(3); i; i--) {
        int kind = (int)rn(5);
        char line[600];
        if (kind == 0) {
            snprintf(line, sizeof line, "restore %s.missing", snap);
        } else if (kind == 1) {
            snprintf(line, sizeof line, "restore %s", progs[0]);
        } else {
            damaged(snap, bad, kind - 2);
            snprintf(line, sizeof line, "restore %s", bad);
        }
        char *t = sx_run(&a, line);
        if (a.rc == 0)
            fail_msg("session %#llx: '%s' (kind %d) was accepted:\n%s",
                     (unsigned long long)seed, line, kind, t);
        free(t);
        struct obs o;
        obs_take_at(&a, &o, foc);
        obs_same("after a refused restore", &o, &before, true);
        obs_free(&o);
    }

    /* The restore. */
    char line[600];
    snprintf(line, sizeof line, "restore %s", snap);
    char *rout = sx_run(&a, line);
    if (a.rc)
        fail_msg("session %#llx: restore failed: %s", (unsigned long long)seed, rout);
    for (int i = 0; i < ngone; i++) {
        char want[96];
        snprintf(want, sizeof want, "breakpoint %d deleted: %s", gone[i], why);
        if (!strstr(rout, want))
            fail_msg("session %#llx: restore did not say '%s':\n%s",
                     (unsigned long long)seed, want, rout);
    }
    free(rout);
    /* A state other than the session's starts a new reverse history. */
    bool bare = !strcmp(focus, "bare");
    bool moved = strcmp(before.focus, saved.focus) != 0;
    /* before.focus is another machine's view when the focus moved to z:
     * then whether the bare machine changed is not known here */
    bool known = foc == focus && !input;
    if (bare && known && moved) {
        char *t = sx_run(&a, "rstep");
        if (a.rc == 0 || !strstr(t, "nothing to go back to"))
            fail_msg("session %#llx: rstep after restore: %s", (unsigned long long)seed, t);
        free(t);
    }
    struct obs after;
    obs_take(&a, &after);
    same("the snapshot's state after restore", after.snap, saved.snap);
    char *wshow = rs_show_expected(saved.show, before.show);
    /* The count of breakpoints follows the list, checked below. */
    char *g1 = drop_breaks_line(after.show), *g2 = drop_breaks_line(wshow);
    same("show after restore (the snapshot's settings and the session's)", g1, g2);
    free(g1);
    free(g2);
    free(wshow);
    if (nobreaks) {
        char *w = rs_breaks_without(before.brk, gone, ngone);
        same("break list after a nobreaks restore", after.brk, w);
        free(w);
    } else {
        same("break list after restore", after.brk, saved.brk);
    }
    if (bare && known && !moved)
        same("halted after restoring the very state", after.halted, before.halted);

    /* The twin takes the shared changes and must show what the restored
     * session shows, then run as it does. */
    for (int i = shared_from; i < nlog; i++)
        sx_do(&b, logv[i]);
    struct obs bt;
    obs_take(&b, &bt);
    if (bare && (moved || !known)) /* a new state: docs say no more */
        after.halted[0] = bt.halted[0] = '?';
    obs_same("restored vs the twin", &after, &bt, !nobreaks);
    obs_free(&bt);
    for (unsigned i = 1 + rn(4); i; i--) {
        char cmd[64];
        switch (rn(4)) {
        case 0: snprintf(cmd, sizeof cmd, "step %u", 1 + rn(5)); break;
        case 1: snprintf(cmd, sizeof cmd, "go for %u", 1 + rn(80)); break;
        case 2: snprintf(cmd, sizeof cmd, "continue"); break;
        default: snprintf(cmd, sizeof cmd, "go"); break;
        }
        char *ta = sx_run(&a, cmd);
        int rca = a.rc;
        char *tb = sx_run(&b, cmd);
        if (!nobreaks) {
            same(cmd, ta, tb);
        } else {
            char *x = rs_blank_hits(ta), *y = rs_blank_hits(tb);
            same(cmd, x, y);
            free(x);
            free(y);
        }
        assert_int_equal(rca, b.rc);
        free(ta);
        free(tb);
    }
    struct obs a2, b2;
    obs_take(&a, &a2);
    obs_take(&b, &b2);
    obs_same("after the runs that followed", &a2, &b2, !nobreaks);
    if (tl) {
        /* the recording went back with the restore: the same events */
        char ta[512], tb[512];
        cs_tmp_path(ta, sizeof ta, "tl-a.json");
        cs_tmp_path(tb, sizeof tb, "tl-b.json");
        snprintf(line, sizeof line, "timeline %s", ta);
        sx_do(&a, line);
        assert_int_equal(a.rc, 0);
        snprintf(line, sizeof line, "timeline %s", tb);
        sx_do(&b, line);
        assert_int_equal(b.rc, 0);
        size_t la, lb;
        char *fa = cs_slurp(ta, &la), *fb = cs_slurp(tb, &lb);
        assert_non_null(fa);
        assert_non_null(fb);
        same("the timeline recorded across the restore", fa, fb);
        free(fa);
        free(fb);
        snprintf(line, sizeof line, "restore %s", snap);
    }
    obs_free(&a2);
    obs_free(&b2);

    /* A new session restores the same state; 'halted' is 0 there. */
    sx_open(&c, "C");
    sx_do(&c, line);
    assert_int_equal(c.rc, 0);
    struct obs co;
    char savedfocus[8];
    memcpy(savedfocus, focus, sizeof focus);
    obs_take(&c, &co);
    same("a new session's restore", co.snap, saved.snap);
    if (!nobreaks)
        same("a new session's break list", co.brk, saved.brk);
    else
        same("a new session's break list (nobreaks)", co.brk, "no breakpoints\n");
    /* the bare machine's 'halted' is how a run of this session ended; a
     * VM's is its state, which CPST keeps */
    same("halted in a new session", co.halted, strcmp(focus, "bare") ? saved.halted : "0 (0)\n");
    obs_free(&co);

    obs_free(&saved);
    obs_free(&before);
    obs_free(&after);
    ms_sess_close(&a.s);
    ms_sess_close(&b.s);
    ms_sess_close(&c.s);
    unlink(snap);
    unlink(bad);
    for (int k = 0; k <= nvm; k++)
        unlink(progs[k]);
    sessions_agreed++;
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("audit_refsnap");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

static void test_campaign(void **state)
{
    (void)state;
    verbose = rng_env("TGM_REFSNAP_VERBOSE", 0) != 0;
    uint64_t n = rng_env("TGM_REFSNAP_SESSIONS", 30);
    uint64_t seed = rng_env("TGM_REFSNAP_SEED", 0x5eed5a7e);
    for (uint64_t i = 0; i < n; i++)
        one_session(seed + i * UINT64_C(0x9E3779B97F4A7C15));
    fprintf(stderr, "refsnap: %d of %llu sessions agreed with the model and the twin\n",
            sessions_agreed, (unsigned long long)n);
}

/* 'restore' of a file it cannot open said "restore: F: No such file or
 * directory", where docs/monitor.md has 'load', 'restore', 'vm create',
 * 'nest' and 'check' say "cannot open ''sum.s'': No such file or
 * directory (the single quotes are part of the name ...)". */
static void restore_names_a_file_it_cannot_open_as_load_does(void **state)
{
    (void)state;
    cs_mon_fails("restore 'x.snap'",
                 "-c:1: restore: cannot open ''x.snap'': No such file or directory (the single "
                 "quotes are part of the name: only double quotes group words)\n");
    cs_mon_fails("restore nosuch.snap",
                 "-c:1: restore: cannot open 'nosuch.snap': No such file or directory\n");
    /* and as before: an empty name, a directory */
    cs_mon_fails("restore \"\"", "-c:1: restore: expected a file name, got ''\n");
    cs_mon_fails("restore examples", "restore: examples: is a directory (give a file)");
}

/* What the docs say of a snapshot given where it is not read, and of a
 * restore in a breakpoint's commands: held, kept so. */
static void snapshots_are_refused_where_the_docs_say(void **state)
{
    (void)state;
    char snap[512], line[1200];
    cs_tmp_path(snap, sizeof snap, "held.snap");
    snprintf(line, sizeof line, "load examples/sum.s; save %s", snap);
    struct cs_outcome o = cs_mon_ok(line);
    cs_outcome_free(&o);
    snprintf(line, sizeof line, "load examples/sum.s; break loop do \"restore %s\"; go", snap);
    cs_mon_fails(line, "restore: not in a breakpoint's commands: the run that stopped there "
                       "is still under way");
    snprintf(line, sizeof line, "load %s", snap);
    cs_mon_fails(line, "offset 0: bad magic (not a tgm image but a monitor snapshot: the "
                       "monitor's 'restore' reads it)");
    cs_tgm_fails(2, "not a tgm image but a monitor snapshot", "monitor", CS_ARGV(snap));
    cs_mon_fails("load examples/sum.s; save examples/sum.s",
                 "save: examples/sum.s: the loaded program was read from this file; choose "
                 "another file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore_names_a_file_it_cannot_open_as_load_does),
        cmocka_unit_test(snapshots_are_refused_where_the_docs_say),
        cmocka_unit_test(test_campaign),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
