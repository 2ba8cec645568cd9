/* test_audit_reftimeline.c: the timeline picture (`tgm run --vmm
 * --timeline`, the monitor's `timeline`) against a model written from
 * docs/run.md ("A picture of the run") and docs/monitor.md alone.
 *
 * Random sets of 1..6 random guests (traps of every cause, the timer, the
 * console, user and supervisor mode, HALTs, step limits, --hybrid,
 * profiles) run once with --stats --json; the JSON picture must hold what
 * the docs promise: slices that never overlap and fill the run's time,
 * `direct` slices adding up per VM to its guest cycles, the control
 * program's to its trap sequences and HCALLs, events named CAUSE ->
 * DISPOSITION with their arguments, counted as --stats counts the traps,
 * and otherData's span.  The SVG must parse as XML with one tick per event
 * and the same span.  The same set run in the monitor cut into parts (go
 * for N, step, a breakpoint, rstep, save and restore) must draw the same
 * picture as one `go`.  TGM_REFTIMELINE_SEED and TGM_REFTIMELINE_RUNS make
 * the campaign different or larger.
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

#include "cli_support.h"
#include "rng.h"

static uint64_t rs;
static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return (uint32_t)(rng_next(&rs) % n);
}

/* ---- random guests over docs/isa.md's instructions ---- */

/* A guest: a supervisor that sets its trap handler (which skips the
 * trapping word and returns, HALTing after a number of traps), maybe arms
 * its timer and maybe drops to user mode with a bound that a far load
 * crosses, then loops over random instructions. */
static void gen_guest(char *buf, size_t len)
{
    static const char *const ops[] = {
        "NOP", "LI d0, 77", "ADD d1, d0, d2", "MUL d2, d1, d0", "DIV d3, d1, d2",
        "MOV d1, d3", "SVC 5", "SVC 9", "COUT d0", "CIN d1", "TGET d2",
        "SPSW d3", "SR d3", "LR rw", "TSET tv", "LDX d1, 0x70000, zero",
        ".word 0", "ADDI d0, d0, 3", "JMP .+1", "LDX d2, 0, zero",
    };
    size_t n = 0;
    bool user = rn(2), timer = rn(2), inten = rn(2);
    n += (size_t)snprintf(buf + n, len - n,
                          "        .org 0\n        .word 0\n"
                          "        .word psw(SUP, h, 0, 0x80000)\n"
                          "        .entry start\n"
                          "start:  LI n, %u\n", 2 + rn(40));
    if (timer)
        n += (size_t)snprintf(buf + n, len - n, "        TSET tv\n");
    n += (size_t)snprintf(buf + n, len - n, "        LPSW upsw\nbody:\n");
    unsigned k = 3 + rn(14);
    for (unsigned i = 0; i < k; i++) {
        const char *op = rn(25) == 0 ? "HALT" : ops[rn(sizeof ops / sizeof *ops)];
        n += (size_t)snprintf(buf + n, len - n, "        %s\n", op);
    }
    n += (size_t)snprintf(buf + n, len - n,
                          "        DJNZ n, body\n        HALT\n"
                          "h:      ADD 0, 0, one39\n        DJNZ tc, hret\n        HALT\n"
                          "hret:   LPSW 0\n"
                          "n:      .word 0\ntc:     .word %u\none39:  .word 0x8000000000\n"
                          "tv:     .word %u\nd0:     .word 5\nd1:     .word 6\n"
                          "d2:     .word 7\nd3:     .word 0\nzero:   .word 0\n"
                          "rw:     .word 0x80000\n"
                          "upsw:   .word psw(%s, body, 0, 0x200)%s\n",
                          5 + rn(60), 20 + rn(300), user ? "USER" : "SUP",
                          inten ? " + 0x4000000000000000" : "");
}

/* ---- a VM set and its options ---- */

#define MAXVM 6
static const char *const profiles[] = {"virtualizable", "pdp10", "x86", "s360-67",
                                       "pdp11-45"};

struct setup {
    int nvm;
    char src[MAXVM][CS_PATH];
    unsigned slice, limit;
    const char *profile;
    bool hybrid;
    const char *input; /* console input for each VM, or NULL */
    int copies;        /* --vms: copies of the one image (0: the images as they are) */
};

static void make_setup(struct setup *s, unsigned run)
{
    char text[4096], name[64];
    s->nvm = 1 + (int)rn(MAXVM);
    for (int i = 0; i < s->nvm; i++) {
        gen_guest(text, sizeof text);
        snprintf(name, sizeof name, "g%u_%d.s", run, i);
        cs_write_text(s->src[i], sizeof s->src[i], name, text);
    }
    static const unsigned slices[] = {1, 3, 17, 50, 200, 1000, 10000};
    s->slice = slices[rn(7)];
    s->limit = rn(3) ? 200 + rn(3000) : 20 + rn(60);
    s->profile = rn(3) ? "virtualizable" : profiles[rn(5)];
    s->hybrid = rn(4) == 0;
    static const char *const inputs[] = {"abc", "hello, world", "0123456789xyz"};
    s->input = rn(3) == 0 ? inputs[rn(3)] : NULL;
    s->copies = s->nvm == 1 && rn(3) == 0 ? 2 + (int)rn(4) : 0;
}

/* ---- the picture, read from the JSON ---- */

struct slice {
    int tid;
    uint64_t ts, dur;
    char name[64], vm[40];
};
struct event {
    int tid;
    uint64_t ts;
    char name[64], cause[16], disp[16], refl[16];
    uint64_t p;
};
struct picture {
    uint64_t events, dropped, from, to;
    char track[MAXVM + 1][40]; /* by tid: 0 the control program */
    int ntracks;
    struct slice *sl;
    size_t nsl;
    struct event *ev;
    size_t nev;
    char *tev; /* the traceEvents array's text */
};

static void strfield(const char *obj, const char *key, char *buf, size_t len)
{
    char *v = cs_json_str(cs_json_get(obj, key), NULL);
    snprintf(buf, len, "%s", v);
    free(v);
}

static void read_picture(const char *json, struct picture *pc, const char *what)
{
    memset(pc, 0, sizeof *pc);
    const char *root = cs_json_ws(json);
    assert_non_null(cs_json_value(root));
    const char *od = cs_json_get(root, "otherData");
    pc->events = cs_json_uint(cs_json_get(od, "events"));
    pc->dropped = cs_json_uint(cs_json_get(od, "dropped"));
    pc->from = cs_json_uint(cs_json_get(od, "from"));
    pc->to = cs_json_uint(cs_json_get(od, "to"));
    const char *arr = cs_json_get(root, "traceEvents");
    pc->tev = cs_json_text(arr);
    size_t cap = 64;
    pc->sl = calloc(cap, sizeof *pc->sl);
    pc->ev = calloc(cap, sizeof *pc->ev);
    const char *p = cs_json_ws(arr + 1);
    while (*p == '{') {
        const char *end = cs_json_value(p);
        assert_non_null(end);
        char ph[8], name[64];
        strfield(p, "ph", ph, sizeof ph);
        strfield(p, "name", name, sizeof name);
        int tid = (int)cs_json_uint(cs_json_get(p, "tid"));
        if (tid < 0 || tid > MAXVM)
            fail_msg("%s: tid %d", what, tid);
        if (pc->nsl == cap || pc->nev == cap) {
            cap *= 2;
            pc->sl = realloc(pc->sl, cap * sizeof *pc->sl);
            pc->ev = realloc(pc->ev, cap * sizeof *pc->ev);
        }
        if (!strcmp(ph, "M")) {
            if (!strcmp(name, "thread_name")) {
                strfield(cs_json_get(p, "args"), "name", pc->track[tid], sizeof pc->track[tid]);
                if (tid + 1 > pc->ntracks)
                    pc->ntracks = tid + 1;
            }
        } else if (!strcmp(ph, "X")) {
            struct slice *s = &pc->sl[pc->nsl++];
            memset(s, 0, sizeof *s);
            s->tid = tid;
            snprintf(s->name, sizeof s->name, "%s", name);
            s->ts = cs_json_uint(cs_json_get(p, "ts"));
            s->dur = cs_json_uint(cs_json_get(p, "dur"));
            if (tid == 0)
                strfield(cs_json_get(p, "args"), "vm", s->vm, sizeof s->vm);
        } else if (!strcmp(ph, "i")) {
            struct event *e = &pc->ev[pc->nev++];
            const char *a = cs_json_get(p, "args");
            e->tid = tid;
            snprintf(e->name, sizeof e->name, "%s", name);
            e->ts = cs_json_uint(cs_json_get(p, "ts"));
            strfield(a, "cause", e->cause, sizeof e->cause);
            strfield(a, "disposition", e->disp, sizeof e->disp);
            strfield(a, "reflected", e->refl, sizeof e->refl);
            e->p = cs_json_uint(cs_json_get(a, "P"));
        } else {
            fail_msg("%s: an event of phase '%s'", what, ph);
        }
        p = cs_json_ws(end);
        if (*p == ',')
            p = cs_json_ws(p + 1);
    }
    if (*p != ']')
        fail_msg("%s: traceEvents does not end at '%.20s'", what, p);
}

static void free_picture(struct picture *pc)
{
    free(pc->sl);
    free(pc->ev);
    free(pc->tev);
}

static const char *const causes[] = {"none", "privileged", "memory", "svc", "illegal", "timer"};
static const char *const disps[] = {"interpreted", "reflected", "allocator", "scheduler",
                                    "hybrid"};

static int tid_of(const struct picture *pc, const char *vm)
{
    for (int t = 1; t < pc->ntracks; t++)
        if (!strcmp(pc->track[t], vm))
            return t;
    return -1;
}

/* Slices in time order, each starting where the one before ended, from
 * the picture's start to its end. */
static void check_fill(const struct picture *pc, const char *what)
{
    uint64_t at = pc->from;
    for (size_t i = 0; i < pc->nsl; i++) {
        const struct slice *s = &pc->sl[i];
        if (s->ts != at)
            fail_msg("%s: slice %zu (%s, tid %d) starts at %llu, the one before ended at %llu",
                     what, i, s->name, s->tid, (unsigned long long)s->ts,
                     (unsigned long long)at);
        if (s->tid != 0 && strcmp(s->name, "direct"))
            fail_msg("%s: a VM's slice named '%s'", what, s->name);
        at += s->dur;
    }
    if (at != pc->to)
        fail_msg("%s: the slices end at %llu, the picture at %llu", what,
                 (unsigned long long)at, (unsigned long long)pc->to);
}

/* A picture begun mid-run (MID) against one recorded from the start
 * (ALL) of the same run: its events are the whole one's within its span,
 * at the same cycles, and each slice lies within one of the whole's on
 * the same track (the first ones cut where recording began, the last
 * where it was written). */
static void check_mid(const struct picture *mid, uint64_t began, const struct picture *all,
                      const char *what)
{
    check_fill(mid, what);
    if (mid->from != began || mid->events != mid->nev)
        fail_msg("%s: begun at %llu, otherData from %llu", what, (unsigned long long)began,
                 (unsigned long long)mid->from);
    /* Events at the very cycle recording began may be before it (hybrid
     * stretches take no real time): the picture's are the whole one's from
     * one of those on. */
    size_t j0 = 0;
    while (j0 < all->nev && all->ev[j0].ts < began)
        j0++;
    bool found = false;
    for (; !found && j0 <= all->nev; j0++) {
        size_t i = 0, j = j0;
        for (; i < mid->nev && j < all->nev; i++, j++)
            if (all->ev[j].ts != mid->ev[i].ts || all->ev[j].tid != mid->ev[i].tid ||
                strcmp(all->ev[j].name, mid->ev[i].name) || all->ev[j].p != mid->ev[i].p)
                break;
        /* and the whole run's next event is after the picture's end */
        found = i == mid->nev && (j == all->nev || all->ev[j].ts >= mid->to);
        if (j0 == all->nev || all->ev[j0].ts != began)
            break;
    }
    if (!found)
        fail_msg("%s: begun at %llu: its %zu events are not the whole run's from there", what,
                 (unsigned long long)began, mid->nev);
    size_t k = 0;
    for (size_t i = 0; i < mid->nsl; i++) {
        const struct slice *s = &mid->sl[i];
        while (k < all->nsl && all->sl[k].ts + all->sl[k].dur <= s->ts &&
               !(all->sl[k].dur == 0 && all->sl[k].ts == s->ts))
            k++;
        if (k == all->nsl || all->sl[k].tid != s->tid || s->ts < all->sl[k].ts ||
            s->ts + s->dur > all->sl[k].ts + all->sl[k].dur)
            fail_msg("%s: begun at %llu: slice %zu (tid %d, %llu+%llu) is in none of the "
                     "whole run's", what, (unsigned long long)began, i, s->tid,
                     (unsigned long long)s->ts, (unsigned long long)s->dur);
    }
}

/* The docs' promises for a picture recorded from the start of a run,
 * against the run's --stats --json. */
static void check_picture(const struct picture *pc, const char *stats, const char *what)
{
    const char *root = cs_json_ws(stats);
    const char *vms = cs_json_get(root, "vms");
    uint64_t real = cs_json_uint(cs_json_get(cs_json_get(root, "real"), "cycles"));
    if (pc->from != 0 || pc->to != real || pc->dropped != 0 || pc->events != pc->nev)
        fail_msg("%s: otherData from %llu to %llu events %llu dropped %llu; the run: %llu "
                 "cycles, %zu events drawn", what, (unsigned long long)pc->from,
                 (unsigned long long)pc->to, (unsigned long long)pc->events,
                 (unsigned long long)pc->dropped, (unsigned long long)real, pc->nev);
    if (strcmp(pc->track[0], "control program"))
        fail_msg("%s: track 0 is '%s'", what, pc->track[0]);
    check_fill(pc, what);
    /* Events: named from their arguments, within the picture. */
    for (size_t i = 0; i < pc->nev; i++) {
        const struct event *e = &pc->ev[i];
        char want[80];
        snprintf(want, sizeof want, "%s -> %s%s%s",
                 strcmp(e->cause, "none") ? e->cause : "switch", e->disp,
                 strcmp(e->disp, "reflected") ? "" : " as ",
                 strcmp(e->disp, "reflected") ? "" : e->refl);
        if (strcmp(e->name, want) || e->tid == 0 || e->ts < pc->from || e->ts > pc->to)
            fail_msg("%s: event %zu '%s' (want '%s') on track %d at %llu", what, i, e->name,
                     want, e->tid, (unsigned long long)e->ts);
    }
    uint64_t cp_all = 0, cp_sl = 0;
    for (size_t i = 0; i < pc->nsl; i++)
        if (pc->sl[i].tid == 0)
            cp_sl += pc->sl[i].dur;
    size_t nvm = cs_json_count(vms);
    if ((int)nvm + 1 != pc->ntracks)
        fail_msg("%s: %zu VMs, %d tracks", what, nvm, pc->ntracks);
    for (size_t k = 0; k < nvm; k++) {
        const char *vm = cs_json_item(vms, k);
        char name[40];
        strfield(vm, "vm", name, sizeof name);
        const char *st = cs_json_get(vm, "stats");
        uint64_t gc = cs_json_uint(cs_json_get(st, "guest_cycles"));
        uint64_t cc = cs_json_uint(cs_json_get(st, "cp_cycles"));
        cp_all += cc;
        int t = tid_of(pc, name);
        if (t < 0)
            fail_msg("%s: no track for %s", what, name);
        uint64_t d = 0, c = 0;
        for (size_t i = 0; i < pc->nsl; i++) {
            if (pc->sl[i].tid == t)
                d += pc->sl[i].dur;
            if (pc->sl[i].tid == 0 && !strcmp(pc->sl[i].vm, name))
                c += pc->sl[i].dur;
        }
        if (d != gc || c != cc)
            fail_msg("%s: %s: direct slices %llu, guest cycles %llu; its CP slices %llu, "
                     "cp cycles %llu", what, name, (unsigned long long)d,
                     (unsigned long long)gc, (unsigned long long)c, (unsigned long long)cc);
        const char *tr = cs_json_get(st, "traps");
        for (size_t ci = 0; ci < 6; ci++)
            for (size_t di = 0; di < 5; di++) {
                uint64_t want = cs_json_uint(cs_json_get(cs_json_get(tr, causes[ci]), disps[di]));
                if (di == 4)
                    want = 0; /* hybrid stretches are not events */
                uint64_t got = 0;
                for (size_t i = 0; i < pc->nev; i++)
                    got += pc->ev[i].tid == t && !strcmp(pc->ev[i].cause, causes[ci]) &&
                           !strcmp(pc->ev[i].disp, disps[di]);
                if (got != want)
                    fail_msg("%s: %s: %llu events %s -> %s, --stats says %llu", what, name,
                             (unsigned long long)got, causes[ci], disps[di],
                             (unsigned long long)want);
            }
    }
    if (cp_sl != cp_all)
        fail_msg("%s: CP slices %llu, cp cycles %llu", what, (unsigned long long)cp_sl,
                 (unsigned long long)cp_all);
}

/* ---- the SVG, read as XML ---- */

struct svg_count {
    size_t ticks, direct, cp, elements;
    bool span;
};

/* The attribute NAME of the tag at P (up to its '>') into BUF; false if
 * it has none. */
static bool attr(const char *p, const char *name, char *buf, size_t len)
{
    const char *end = strchr(p, '>');
    size_t n = strlen(name);
    for (const char *q = p; q && q < end; q = strchr(q + 1, ' ')) {
        if (!strncmp(q + 1, name, n) && q[1 + n] == '=' && q[2 + n] == '"') {
            const char *v = q + 3 + n, *e = strchr(v, '"');
            snprintf(buf, len, "%.*s", (int)(e - v), v);
            return true;
        }
    }
    return false;
}

static void read_svg(const char *svg, const struct picture *pc, struct svg_count *c,
                     const char *what)
{
    char why[256];
    if (cs_xml_check(svg, why, sizeof why))
        fail_msg("%s: not XML: %s", what, why);
    memset(c, 0, sizeof *c);
    char span[96];
    snprintf(span, sizeof span, "%llu to %llu cycles", (unsigned long long)pc->from,
             (unsigned long long)pc->to);
    for (const char *p = strchr(svg, '<'); p; p = strchr(p + 1, '<')) {
        if (p[1] == '/' || p[1] == '?' || p[1] == '!')
            continue;
        c->elements++;
        char cls[32];
        if (!attr(p, "class", cls, sizeof cls))
            cls[0] = 0;
        if (!strncmp(p, "<line", 5) && !strcmp(cls, "trap"))
            c->ticks++;
        else if (!strncmp(p, "<rect", 5) && !strcmp(cls, "direct"))
            c->direct++;
        else if (!strncmp(p, "<rect", 5) && !strcmp(cls, "cp"))
            c->cp++;
        else if (!strncmp(p, "<text", 5)) {
            const char *t = strchr(p, '>') + 1;
            if (strstr(t, span) && strstr(t, span) < strchr(t, '<'))
                c->span = true;
        }
    }
    for (int t = 0; t < pc->ntracks; t++) {
        char lab[64];
        snprintf(lab, sizeof lab, ">%s</text>", pc->track[t]);
        if (!strstr(svg, lab))
            fail_msg("%s: no label for the track '%s'", what, pc->track[t]);
    }
    size_t direct = 0;
    for (size_t i = 0; i < pc->nsl; i++)
        direct += pc->sl[i].tid != 0;
    if (c->direct != direct || c->cp != pc->nsl - direct)
        fail_msg("%s: %zu direct and %zu CP rectangles for %zu and %zu slices", what, c->direct,
                 c->cp, direct, pc->nsl - direct);
    if (c->ticks != pc->nev || !c->span)
        fail_msg("%s: %zu ticks for %zu events; heading span '%s' %s", what, c->ticks, pc->nev,
                 span, c->span ? "found" : "missing");
}

/* ---- running ---- */

static struct cs_outcome run_cli(const struct setup *s, const char *out, bool stats)
{
    struct cs_args a = {0};
    char sl[32], lim[32];
    snprintf(sl, sizeof sl, "%u", s->slice);
    snprintf(lim, sizeof lim, "%u", s->limit);
    cs_push_all(&a, "--vmm", "--slice", sl, "--max-steps", lim, "--profile", s->profile,
                "--timeline", out, NULL);
    if (stats)
        cs_push_all(&a, "--stats", "--json", NULL);
    if (s->hybrid)
        cs_push(&a, "--hybrid");
    if (s->input)
        cs_push_all(&a, "--input", s->input, NULL);
    char copies[16];
    snprintf(copies, sizeof copies, "%d", s->copies);
    if (s->copies)
        cs_push_all(&a, "--vms", copies, NULL);
    for (int i = 0; i < s->nvm; i++)
        cs_push(&a, s->src[i]);
    struct cs_outcome o = cs_run_tgm_argv("run", a.v);
    if (o.status != 0 && o.status != 3)
        fail_msg("tgm run: status %d: %s", o.status, o.err);
    return o;
}

/* The monitor's commands that build the set, then 'timeline on'. */
static size_t mon_prefix(const struct setup *s, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "set cp-profile %s; set hybrid %s; set slice %u; ",
                                s->profile, s->hybrid ? "on" : "off", s->slice);
    for (int i = 0; i < (s->copies ? s->copies : s->nvm); i++) {
        n += (size_t)snprintf(buf + n, len - n, "vm create vm%d 65536 %s; vm limit vm%d %u; ",
                              i, s->src[s->copies ? 0 : i], i, s->limit);
        if (s->input)
            n += (size_t)snprintf(buf + n, len - n, "vm input vm%d \"%s\"; ", i, s->input);
    }
    n += (size_t)snprintf(buf + n, len - n, "timeline on; ");
    return n;
}

static char *mon_picture(const char *cmds, const char *file, bool strict)
{
    remove(file);
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0 && (strict || o.status != 1))
        fail_msg("monitor '%s': status %d: %s", cmds, o.status, o.err);
    cs_outcome_free(&o);
    return cs_slurp(file, NULL);
}

static uint64_t campaign_seed(void)
{
    return rng_env("TGM_REFTIMELINE_SEED", 0x7133e11e);
}

static unsigned agreed;

static void one_run(unsigned run)
{
    struct setup s;
    make_setup(&s, run);
    char json[CS_PATH], svg[CS_PATH], what[96];
    cs_tmp_path(json, sizeof json, "t.json");
    cs_tmp_path(svg, sizeof svg, "t.svg");
    snprintf(what, sizeof what, "seed %#llx run %u (%d VMs, slice %u, %s%s%s)",
             (unsigned long long)campaign_seed(), run, s.copies ? s.copies : s.nvm, s.slice,
             s.profile, s.hybrid ? ", hybrid" : "", s.input ? ", input" : "");
    struct cs_outcome o = run_cli(&s, json, true);
    if (getenv("TGM_REFTIMELINE_KEEP"))
        fprintf(stderr, "%s\n%s\n", json, o.out);
    char *text = cs_slurp(json, NULL);
    struct picture pc;
    read_picture(text, &pc, what);
    check_picture(&pc, o.out, what);
    cs_outcome_free(&o);

    o = run_cli(&s, svg, false);
    cs_outcome_free(&o);
    char *sv = cs_slurp(svg, NULL);
    struct svg_count sc;
    read_svg(sv, &pc, &sc, what);
    free(sv);

    /* The monitor: one 'go', then the same run cut into parts. */
    static char cmds[8192];
    size_t n = mon_prefix(&s, cmds, sizeof cmds);
    snprintf(cmds + n, sizeof cmds - n, "go; timeline %s", json);
    char *one = mon_picture(cmds, json, true);
    struct picture mp;
    read_picture(one, &mp, what);
    if (strcmp(mp.tev, pc.tev))
        fail_msg("%s: the monitor's one 'go' draws another picture than tgm run", what);
    /* A step limit may end a 'step' early, so that its 'rstep' is
     * refused: that changes nothing, and the script goes on. */
    /* Begun mid-run: a part of the same picture. */
    unsigned a = rn(80), b = 1 + rn(400);
    n = mon_prefix(&s, cmds, sizeof cmds);
    n -= strlen("timeline on; ");
    snprintf(cmds + n, sizeof cmds - n, "go for %u; timeline on; go for %u; timeline %s", a, b,
             json);
    remove(json);
    o = cs_mon(cmds);
    const char *rep = strstr(o.out, "recording from now (real cycle ");
    if (o.status != 0 || !rep)
        fail_msg("%s: '%s': status %d: %s", what, cmds, o.status, o.err);
    uint64_t began = strtoull(rep + strlen("recording from now (real cycle "), NULL, 10);
    cs_outcome_free(&o);
    char *midtext = cs_slurp(json, NULL);
    struct picture mid;
    read_picture(midtext, &mid, what);
    char midwhat[sizeof cmds + 100];
    snprintf(midwhat, sizeof midwhat, "%s: '%s'", what, cmds);
    check_mid(&mid, began, &mp, midwhat);
    free_picture(&mid);
    free(midtext);

    n = (size_t)snprintf(cmds, sizeof cmds, "set on-error continue; ");
    n += mon_prefix(&s, cmds + n, sizeof cmds - n);
    unsigned parts = 1 + rn(6);
    for (unsigned i = 0; i < parts; i++) {
        switch (rn(6)) {
        case 0:
            n += (size_t)snprintf(cmds + n, sizeof cmds - n, "go for %u; ", 1 + rn(60));
            break;
        case 1:
            n += (size_t)snprintf(cmds + n, sizeof cmds - n, "step %u; ", 1 + rn(5));
            break;
        case 2: /* a breakpoint in the selected VM's loop, hit once */
            n += (size_t)snprintf(cmds + n, sizeof cmds - n,
                                  "break body+%u; go; delete all; ", rn(3));
            break;
        case 3: {
            unsigned k = 1 + rn(5);
            n += (size_t)snprintf(cmds + n, sizeof cmds - n, "step %u; rstep %u; ", k, k);
            break;
        }
        case 4: {
            char snap[CS_PATH];
            cs_tmp_path(snap, sizeof snap, "s.snap");
            n += (size_t)snprintf(cmds + n, sizeof cmds - n,
                                  "save %s; go for %u; restore %s; ", snap, 1 + rn(40), snap);
            break;
        }
        default: /* a picture written midway changes nothing */
            n += (size_t)snprintf(cmds + n, sizeof cmds - n, "go for %u; timeline %s; ",
                                  1 + rn(30), svg);
            break;
        }
    }
    snprintf(cmds + n, sizeof cmds - n, "go; timeline %s", json);
    char *cut = mon_picture(cmds, json, false);
    struct picture cp;
    read_picture(cut, &cp, what);
    if (strcmp(cp.tev, mp.tev))
        fail_msg("%s: a run cut into parts draws another picture than one 'go': %s", what,
                 cmds);
    free_picture(&cp);
    free(cut);
    free_picture(&mp);
    free(one);
    free_picture(&pc);
    free(text);
    agreed++;
}

static void test_campaign(void **state)
{
    (void)state;
    rs = campaign_seed();
    unsigned runs = (unsigned)rng_env("TGM_REFTIMELINE_RUNS", 15);
    for (unsigned i = 0; i < runs; i++)
        one_run(i);
    printf("reftimeline: %u of %u runs agreed (seed %#llx)\n", agreed, runs,
           (unsigned long long)campaign_seed());
    cs_assert_no_temporary();
}

/* ---- one track per VM ---- */

/* A guest that traps at once and halts after a few traps, and one that a
 * hybrid control program interprets throughout: no trap, no direct cycle,
 * no event. */
static const char trapper[] = "        .org 0\n        .word 0\n"
                              "        .word psw(SUP, h, 0, 0x80000)\n"
                              "        .entry s\ns:      SVC 1\n        JMP s\n"
                              "h:      DJNZ n, s\n        HALT\nn:      .word 3\n";
static const char quiet[] = "        .entry s\ns:      NOP\n        HALT\n";

/* docs/run.md: "one track per VM"; a VM with no event after the last one
 * that had some was not drawn at all (one before it was). */
static void test_a_vm_without_events_has_its_track(void **state)
{
    (void)state;
    char tr[CS_PATH], qu[CS_PATH], out[CS_PATH], cmds[4 * CS_PATH];
    cs_write_text(tr, sizeof tr, "trapper.s", trapper);
    cs_write_text(qu, sizeof qu, "quiet.s", quiet);
    static const char *const files[] = {"one.json", "one.svg"};
    for (int f = 0; f < 2; f++)
        for (int order = 0; order < 2; order++) {
            cs_tmp_path(out, sizeof out, files[f]);
            struct cs_outcome o = cs_run_tgm("run", "--vmm", "--hybrid", "--timeline", out,
                                             order ? qu : tr, order ? tr : qu, NULL);
            assert_int_equal(o.status, 0);
            cs_outcome_free(&o);
            char *text = cs_slurp(out, NULL);
            const char *want[] = {"\"args\":{\"name\":\"vm1\"}", ">vm1</text>"};
            if (!strstr(text, want[f]) || !strstr(text, f ? ">vm0</text>" : "\"name\":\"vm0\""))
                fail_msg("%s (the quiet VM %s): no track for each VM:\n%.1500s", files[f],
                         order ? "first" : "second", text);
            free(text);
        }
    /* the monitor's, written midway */
    cs_tmp_path(out, sizeof out, "m.json");
    snprintf(cmds, sizeof cmds, "set hybrid on; vm create a 1000 %s; vm create b 1000 %s; "
             "timeline on; step; timeline %s", tr, qu, out);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    char *text = cs_slurp(out, NULL);
    if (!strstr(text, "\"args\":{\"name\":\"b\"}"))
        fail_msg("the monitor's picture has no track for b:\n%.1500s", text);
    free(text);
}

/* ---- going back before the recording began ---- */

static const char looper[] = "        .org 0\n        .word 0\n"
                             "        .word psw(SUP, h, 0, 0x80000)\n"
                             "        .entry s\ns:      SVC 1\n        JMP s\n"
                             "h:      DJNZ n, s\n        HALT\nn:      .word 300\n";

/* The real cycle 'timeline on' reports after CMDS. */
static uint64_t began_after(const char *cmds)
{
    char all[4 * CS_PATH + 16];
    snprintf(all, sizeof all, "%s; timeline on", cmds);
    struct cs_outcome o = cs_mon_ok(all);
    const char *r = strstr(o.out, "recording from now (real cycle ");
    assert_non_null(r);
    uint64_t c = strtoull(r + strlen("recording from now (real cycle "), NULL, 10);
    cs_outcome_free(&o);
    return c;
}

/* docs/monitor.md: gone back (rstep, restore) to before 'timeline on', or
 * to a snapshot of another session, the recording starts again there. */
static void test_recording_starts_again(void **state)
{
    (void)state;
    char src[CS_PATH], other[CS_PATH], snap[CS_PATH], out[CS_PATH], pre[2 * CS_PATH],
        cmds[4 * CS_PATH];
    cs_write_text(src, sizeof src, "loop.s", looper);
    cs_write_text(other, sizeof other, "other.s", trapper);
    cs_tmp_path(snap, sizeof snap, "other.snap");
    cs_tmp_path(out, sizeof out, "back.json");
    snprintf(pre, sizeof pre, "vm create a 1000 %s; go for 30", src);
    snprintf(cmds, sizeof cmds, "%s; go for 20; rstep 25", pre); /* before cycle 'on' */
    uint64_t back = began_after(cmds);
    snprintf(cmds, sizeof cmds, "%s; timeline on; go for 20; rstep 25; timeline %s", pre, out);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    char *text = cs_slurp(out, NULL);
    struct picture pc;
    read_picture(text, &pc, cmds);
    uint64_t on = began_after(pre);
    if (back >= on || pc.from != back || pc.to != back || pc.nev != 0)
        fail_msg("'%s': from %llu to %llu, %zu events; the point gone back to is cycle %llu",
                 cmds, (unsigned long long)pc.from, (unsigned long long)pc.to, pc.nev,
                 (unsigned long long)back);
    free_picture(&pc);
    free(text);
    /* a snapshot of another session */
    snprintf(cmds, sizeof cmds, "vm create z 2000 %s; go for 4; save %s", src, snap);
    o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "vm create z 2000 %s; go for 4", src);
    uint64_t saved = began_after(cmds);
    snprintf(cmds, sizeof cmds, "vm create a 1000 %s; timeline on; go for 5; restore %s; "
             "timeline %s", other, snap, out);
    o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    text = cs_slurp(out, NULL);
    read_picture(text, &pc, cmds);
    /* (z has not run since: no track of its own, docs/monitor.md, "In a VM") */
    if (pc.from != saved || pc.nev != 0 || pc.ntracks != 1)
        fail_msg("'%s': from %llu, %zu events, %d tracks; the snapshot is at cycle %llu", cmds,
                 (unsigned long long)pc.from, pc.nev, pc.ntracks, (unsigned long long)saved);
    free_picture(&pc);
    free(text);
}

/* ---- the file rules (docs/run.md, docs/robustness.md) ---- */

static void test_timeline_files(void **state)
{
    (void)state;
    char src[CS_PATH], in[CS_PATH], out[CS_PATH], miss[CS_PATH], cmds[4 * CS_PATH];
    cs_write_text(src, sizeof src, "f.s", trapper);
    cs_write_text(in, sizeof in, "in.txt", "x");
    cs_tmp_path(out, sizeof out, "f.json");
    cs_tmp_path(miss, sizeof miss, "nodir/x.json");
    cs_put_text(out, "old\n");
    cs_tgm_fails(2, "is the source", "run", CS_ARGV("--vmm", "--timeline", src, src));
    cs_tgm_fails(2, "is the input file", "run",
                 CS_ARGV("--vmm", "--input-file", in, "--timeline", in, src));
    cs_tgm_fails(2, "cannot write", "run", CS_ARGV("--vmm", "--timeline", miss, src));
    cs_tgm_fails(2, "expected a file name, got ''", "run", CS_ARGV("--vmm", "--timeline", "", src));
    cs_tgm_fails(2, "--timeline needs --vmm", "run", CS_ARGV("--timeline", out, src));
    char *old = cs_slurp(out, NULL); /* refused runs leave it as it was */
    assert_string_equal(old, "old\n");
    free(old);
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--timeline", out, src, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *text = cs_slurp(out, NULL);
    struct picture pc;
    read_picture(text, &pc, "f.json");
    assert_int_equal(pc.nev, 4); /* three SVCs reflected, the HALT interpreted */
    free_picture(&pc);
    free(text);
    cs_assert_no_temporary();
    snprintf(cmds, sizeof cmds, "vm create a 1000 %s; timeline on; go; timeline %s", src, src);
    cs_mon_fails(cmds, "the loaded program was read from this file");
    snprintf(cmds, sizeof cmds, "vm create a 1000 %s; timeline on; go; timeline %s", src, miss);
    cs_mon_fails(cmds, "timeline: cannot write");
    snprintf(cmds, sizeof cmds, "vm create a 1000 %s; timeline on; go; timeline off; timeline %s",
             src, out);
    cs_mon_fails(cmds, "timeline: nothing recorded");
    snprintf(cmds, sizeof cmds, "vm create a 1000 %s; timeline on; go; timeline %s", src, out);
    cs_mon_prints(cmds, "timeline: 4 events written to ");
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("reftimeline");
}

static int teardown(void **state)
{
    (void)state;
    return getenv("TGM_REFTIMELINE_KEEP") ? 0 : cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_a_vm_without_events_has_its_track),
        cmocka_unit_test(test_timeline_files),
        cmocka_unit_test(test_recording_starts_again),
        cmocka_unit_test(test_campaign),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
