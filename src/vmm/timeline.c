/* timeline.c: a run under the control program of sections 5-6 as a
 * picture: Chrome trace event JSON and a self-contained SVG.
 *
 * The real machine is one processor, so its time splits into stretches in
 * which one VM executes directly and stretches in which the control
 * program has it (the trap sequence, the dispatcher, an interpreter or the
 * allocator, the scheduler).  Every dispatcher event ends a VM's stretch:
 * its direct cycles since its last event are what the CP charged it
 * (vm_stats.guest_cycles), and the rest of the time between two events is
 * the control program's.  Each event is also a tick on the VM's track,
 * named by the trap's cause and the disposition the CP gave it.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "tgm/bytes.h"
#include "tgm/timeline.h"
#include "vmm_impl.h"

/* 24 bytes: a trap storm records a million of them */
struct tl_event {
    uint64_t t;      /* real cycles when the CP reported it */
    uint64_t direct; /* the VM's direct cycles just before it */
    uint32_t p;
    uint8_t vm;      /* its track (tl_lane) */
    uint8_t cause, disp;
    uint8_t reflected : 4;
    uint8_t trapped : 1; /* a real trap brought it (a CP entry), not a step
                            limit, a hybrid stretch or a delivery alone */
};

/* A track per VM: track k < VMM_MAX_VMS is VM id k's; a VM made in an id
 * that another VM had while recording ('vm destroy', 'vm create') gets a
 * track of its own after those, so neither is shown as the other. */
#define TL_TRACKS (4 * VMM_MAX_VMS)
_Static_assert(TL_TRACKS <= 256 && TRAP_NCAUSES <= 16, "a track and a cause fit tl_event");

struct tl_track {
    bool seen;
    char name[VMM_NAME_MAX + 1]; /* the VM's, as it was when seen */
    uint32_t base, w;
    uint64_t before; /* the VM's events before its first one here */
};

struct tgm_timeline {
    struct tl_event *ev;
    size_t n, cap, dropped;
    uint64_t t0;              /* real cycles when recording began */
    bool full;                /* TIMELINE_MAX_EVENTS kept, and one more came: */
    struct tl_event over;     /* that one, where the picture ends */
    size_t dropped_full;      /* dropped before it */
    uint64_t gc0[VMM_MAX_VMS]; /* guest cycles of the VMs there when it began */
    uint64_t ev0[VMM_MAX_VMS]; /* and their events (vm_events) */
    uint64_t ran0[VMM_MAX_VMS]; /* and their instructions, direct and simulated */
    uint64_t gc[VMM_MAX_VMS]; /* guest cycles at each VM's last event */
    uint64_t en[VMM_MAX_VMS]; /* and its CP entries */
    int nvm;                  /* highest VM id seen + 1 */
    int16_t track[VMM_MAX_VMS]; /* each id's track beyond the ids', + 1; 0: its own */
    int nextra;                 /* tracks beyond the ids' */
    struct tl_track tr[TL_TRACKS];
};

/* The lane (0 = the first VM track) that track K is drawn in, NVM ids
 * drawn before the extra tracks. */
static int tl_lane(int nvm, int k)
{
    return k < VMM_MAX_VMS ? k : nvm + (k - VMM_MAX_VMS);
}

struct tgm_timeline *timeline_new(void)
{
    return calloc(1, sizeof(struct tgm_timeline));
}

void timeline_free(struct tgm_timeline *t)
{
    if (t)
        free(t->ev);
    free(t);
}

/* The events a VM's statistics count: all but its hybrid stretches. */
static uint64_t vm_events(const struct vm_stats *s)
{
    uint64_t n = 0;
    for (int c = 0; c < TRAP_NCAUSES; c++)
        for (int d = 0; d < DISP_COUNT; d++)
            n += d == DISP_HYBRID ? 0 : s->traps[c][d];
    return n;
}

size_t timeline_count(const struct tgm_timeline *t, size_t *dropped)
{
    if (dropped)
        *dropped = t->dropped;
    return t->n;
}

void timeline_begin(struct tgm_timeline *t, struct vmm *v)
{
    struct vm_info vi;
    t->t0 = v ? machine_get_counters(vmm_machine(v)).cycles : 0;
    for (int id = v ? vmm_vm_next(v, -1) : -1; id >= 0; id = vmm_vm_next(v, id))
        if (vmm_vm_info(v, id, &vi) == 0) { /* the track stays unseen: no event yet */
            struct tl_track *tr = &t->tr[id];
            snprintf(tr->name, sizeof tr->name, "%s", vi.name);
            tr->base = vi.base;
            tr->w = vi.w;
            t->en[id] = vi.stats.entries;
            /* its first stretch here is what it runs from now */
            t->gc[id] = t->gc0[id] = vi.stats.guest_cycles;
            t->ev0[id] = vm_events(&vi.stats);
            t->ran0[id] = vi.stats.direct + vi.stats.interpreted;
        }
}

/* The track that draws VM id ID now. */
static int track_of(const struct tgm_timeline *t, int id)
{
    return t->track[id] ? VMM_MAX_VMS + t->track[id] - 1 : id;
}

/* Did track TR draw the VM VI (its name and region)? */
static bool drew(const struct tl_track *tr, const struct vm_info *vi)
{
    return tr->seen && !strcmp(tr->name, vi->name) && tr->base == vi->base && tr->w == vi->w;
}

void timeline_event(struct tgm_timeline *t, struct vmm *v, const struct vmm_event *e)
{
    struct vm_info vi;
    if (e->vm < 0 || e->vm >= VMM_MAX_VMS || vmm_vm_info(v, e->vm, &vi) != 0)
        return;
    int k = track_of(t, e->vm);
    struct tl_track *tr = &t->tr[k];
    if (tr->seen && (!drew(tr, &vi) || vi.stats.guest_cycles < t->gc[e->vm])) {
        /* another VM in this id */
        if (VMM_MAX_VMS + t->nextra == TL_TRACKS) {
            t->dropped++;
            return;
        }
        t->track[e->vm] = (int16_t)++t->nextra;
        k = VMM_MAX_VMS + t->nextra - 1;
        tr = &t->tr[k];
        t->gc[e->vm] = t->en[e->vm] = 0;
    }
    if (!tr->seen) {
        /* entries taken by timeline_begin (or a rewind) are this VM's only
         * if it is the VM there then; one made since had none */
        if (strcmp(tr->name, vi.name) || tr->base != vi.base || tr->w != vi.w ||
            vi.stats.entries < t->en[e->vm])
            t->en[e->vm] = t->gc[e->vm] = t->gc0[e->vm] = t->ran0[e->vm] = 0;
        /* (the statistics count E already) */
        *tr = (struct tl_track){true, "", vi.base, vi.w, vm_events(&vi.stats) - 1};
    }
    snprintf(tr->name, sizeof tr->name, "%s", vi.name);
    uint64_t direct = vi.stats.guest_cycles - t->gc[e->vm];
    bool trapped = vi.stats.entries != t->en[e->vm];
    t->gc[e->vm] = vi.stats.guest_cycles;
    t->en[e->vm] = vi.stats.entries;
    struct tl_event ev = {machine_get_counters(vmm_machine(v)).cycles, direct, e->p,
                          (uint8_t)k, e->cause, (uint8_t)e->disp, e->reflected & 15, trapped};
    if (t->n == TIMELINE_MAX_EVENTS) {
        if (!t->full) { /* the picture stops where this one's stretch begins */
            t->full = true;
            t->over = ev;
            t->dropped_full = t->dropped;
        }
        t->dropped++;
        return;
    }
    if (t->n == t->cap) {
        size_t nc = t->cap ? 2 * t->cap : 1024;
        if (nc > TIMELINE_MAX_EVENTS) /* the last doubling stops at the limit */
            nc = TIMELINE_MAX_EVENTS;
        struct tl_event *ne = nc > t->cap ? realloc(t->ev, nc * sizeof *ne) : NULL;
        if (!ne) {
            t->dropped++;
            return;
        }
        t->ev = ne;
        t->cap = nc;
    }
    t->ev[t->n++] = ev;
    if (e->vm + 1 > t->nvm)
        t->nvm = e->vm + 1;
}

/* Is the VM in id ID now none that its tracks drew (a snapshot of another
 * session restored)?  A track drew it if its name and region match. */
static bool foreign_vm(const struct tgm_timeline *t, struct vmm *v, int id)
{
    struct vm_info vi;
    if (vmm_vm_info(v, id, &vi) != 0)
        return false;
    const struct tl_track *own = &t->tr[id], *now = &t->tr[track_of(t, id)];
    return (own->seen || now->seen) && !drew(own, &vi) && !drew(now, &vi);
}

/* As new, tracks too, but keep the buffer; begun at V's present if V. */
static void restart(struct tgm_timeline *t, struct vmm *v)
{
    struct tl_event *ev = t->ev;
    size_t cap = t->cap;
    *t = (struct tgm_timeline){.ev = ev, .cap = cap};
    if (v)
        timeline_begin(t, v);
}

/* Has a VM of V had events since recording began that the recording does
 * not hold, KEPT[k] of them on track k?  So after a restore to a point
 * beyond the recording (a snapshot saved later, or one restored into a
 * recording that drew nothing yet): its events before that point were
 * never recorded, and drawing on from them would guess them. */
static bool missed(const struct tgm_timeline *t, struct vmm *v, const uint64_t *kept)
{
    struct vm_info vi;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        if (vmm_vm_info(v, id, &vi) != 0)
            continue;
        int k = track_of(t, id);
        const struct tl_track *own = &t->tr[id];
        /* unseen: the VM timeline_begin found in its id had ev0 then; one
         * made since had none */
        uint64_t had = t->tr[k].seen ? t->tr[k].before + kept[k]
                       : !strcmp(own->name, vi.name) && own->base == vi.base && own->w == vi.w
                           ? t->ev0[id]
                           : 0;
        if (vm_events(&vi.stats) > had)
            return true;
    }
    return false;
}

void timeline_rewind(struct tgm_timeline *t, struct vmm *v)
{
    uint64_t gc[TL_TRACKS] = {0};
    bool foreign = false;
    for (int id = 0; v && id < VMM_MAX_VMS && !foreign; id++)
        foreign = foreign_vm(t, v, id);
    if (!v || foreign) { /* none of its events is this history's: it starts here */
        restart(t, v);
        return;
    }
    /* A VM's statistics, as they are now, count its events so far; real
     * time alone cannot tell the events at the present cycle from those
     * after it (hybrid interpretation takes none).  Events after the
     * present are the last ones, whatever their VMs. */
    uint64_t now = machine_get_counters(vmm_machine(v)).cycles;
    uint64_t keep[TL_TRACKS], seen[TL_TRACKS] = {0};
    struct vm_info vi;
    for (int k = 0; k < TL_TRACKS; k++)
        keep[k] = UINT64_MAX;
    for (int id = 0; id < VMM_MAX_VMS; id++) {
        int k = track_of(t, id);
        if (t->tr[k].seen && vmm_vm_info(v, id, &vi) == 0) {
            uint64_t n = vm_events(&vi.stats);
            keep[k] = n > t->tr[k].before ? n - t->tr[k].before : 0;
        }
    }
    size_t n = 0;
    while (n < t->n && t->ev[n].t <= now && seen[t->ev[n].vm] < keep[t->ev[n].vm])
        seen[t->ev[n++].vm]++;
    /* the events dropped at the cap came after every one kept */
    bool unfull = t->full && (n < t->n || now < t->over.t);
    if (!(unfull ? t->dropped_full : t->dropped) && missed(t, v, seen)) {
        restart(t, v);
        return;
    }
    if (unfull) {
        t->full = false;
        t->dropped = t->dropped_full;
    }
    t->n = n;
    /* a track's guest cycles at its last event are the sum of its directs */
    bool used[TL_TRACKS] = {false};
    for (size_t i = 0; i < t->n; i++) {
        gc[t->ev[i].vm] += t->ev[i].direct;
        used[t->ev[i].vm] = true;
    }
    /* a track whose events are all undone is drawn as it was before them:
     * not at all, as recording up to now would have left it */
    while (t->nextra && !used[VMM_MAX_VMS + t->nextra - 1]) {
        for (int id = 0; id < VMM_MAX_VMS; id++)
            if (t->track[id] == t->nextra)
                t->track[id] = 0;
        t->tr[VMM_MAX_VMS + --t->nextra].seen = false;
    }
    t->nvm = 0;
    for (int id = 0; id < VMM_MAX_VMS; id++) {
        int k = track_of(t, id);
        if (!used[id])
            t->tr[id].seen = false;
        if (used[id] || used[k])
            t->nvm = id + 1;
        t->gc[id] = gc[k] + (k == id ? t->gc0[id] : 0);
        /* every entry is an event: the entries now are those at the last */
        t->en[id] = vmm_vm_info(v, id, &vi) == 0 ? vi.stats.entries : 0;
    }
    if (now < t->t0) { /* back before it began: as if begun here */
        memset(t->gc0, 0, sizeof t->gc0);
        memset(t->ev0, 0, sizeof t->ev0);
        timeline_begin(t, v);
    }
}

/* Event E's stretch after PREV, where the last one ended: its VM ran
 * directly in [*START, *END). */
static void stretch(const struct tl_event *e, uint64_t prev, uint64_t *start, uint64_t *end)
{
    /* the trap sequence and the HCALL that brought the event are the CP's */
    uint64_t cp = e->trapped ? TGM_TRAP_CYCLES + CYC_HCALL : 0;
    uint64_t stop = e->t >= cp ? e->t - cp : 0;
    if (stop < prev)
        stop = prev;
    uint64_t s = stop >= e->direct ? stop - e->direct : 0;
    *start = s < prev ? prev : s;
    *end = stop;
}

/* The events in order with their stretches, computed as they are drawn
 * (no array of them: a million events would need 16 MB more): event E's
 * VM ran directly in [start, end), the CP then had the processor until
 * next, the next stretch's start or the end of the picture. */
struct tl_walk {
    const struct tgm_timeline *t;
    size_t i;
    uint64_t now, start, end, next, nend;
};

/* The stretch under way where the picture ends: a VM that has run directly
 * since its last event (a run stopped between two of its traps), or since
 * recording began if it has had none yet, has those cycles in its
 * statistics already.  N is their number, at most the picture's span (0
 * if the control program has the processor), K the track its next event
 * will draw it on, ID the VM; NVM and NEXTRA the lanes drawn, the VM's
 * included. */
struct tl_tail {
    uint64_t n;
    int k, id, nvm, nextra;
};

static struct tl_tail tail_stretch(const struct tgm_timeline *t, struct vmm *v,
                                   uint64_t span)
{
    struct tl_tail tl = {0, 0, -1, t->nvm, t->nextra};
    struct vm_info vi;
    if (!v || t->full)
        return tl;
    struct psw r = machine_psw(vmm_machine(v));
    for (int id = r.sup ? -1 : vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        if (vmm_vm_info(v, id, &vi) != 0 || r.l < vi.base || r.l - vi.base >= vi.w)
            continue;
        int k = track_of(t, id);
        const struct tl_track *tr = &t->tr[k];
        uint64_t gc = t->gc[id];
        if (tr->seen && !drew(tr, &vi)) {
            /* another VM in this id, with no event yet: its first one
             * gives it a track of its own (timeline_event) */
            if (VMM_MAX_VMS + t->nextra == TL_TRACKS)
                return tl;
            k = VMM_MAX_VMS + t->nextra;
            tl.nextra++;
            gc = 0;
        } else if (!tr->seen && (strcmp(tr->name, vi.name) || tr->base != vi.base ||
                                 tr->w != vi.w || vi.stats.entries < t->en[id])) {
            gc = 0; /* not the VM timeline_begin found here: all its cycles are since */
        }
        if (vi.stats.guest_cycles <= gc)
            return (struct tl_tail){0, 0, -1, t->nvm, t->nextra};
        uint64_t n = vi.stats.guest_cycles - gc;
        tl.n = n < span ? n : span;
        tl.k = k;
        tl.id = id;
        if (k < VMM_MAX_VMS && k + 1 > tl.nvm)
            tl.nvm = k + 1;
        return tl;
    }
    return tl;
}

static struct tl_walk walk_begin(const struct tgm_timeline *t, uint64_t now)
{
    struct tl_walk w = {t, 0, now, 0, t->t0, 0, 0};
    if (t->n)
        stretch(&t->ev[0], t->t0, &w.next, &w.nend);
    return w;
}

static const struct tl_event *walk_next(struct tl_walk *w)
{
    const struct tgm_timeline *t = w->t;
    if (w->i == t->n)
        return NULL;
    w->start = w->next;
    w->end = w->nend;
    if (++w->i < t->n)
        stretch(&t->ev[w->i], w->end, &w->next, &w->nend);
    else if (t->full) /* the first event not kept: the picture ends as its VM runs */
        stretch(&t->over, w->end, &w->next, &w->nend);
    else
        w->next = w->now > w->end ? w->now : w->end;
    return &t->ev[w->i - 1];
}

void timeline_span(const struct tgm_timeline *t, struct vmm *v, uint64_t *from, uint64_t *to)
{
    struct tl_walk w = walk_begin(t, v ? machine_get_counters(vmm_machine(v)).cycles : 0);
    while (walk_next(&w))
        ;
    *from = t->t0;
    *to = t->n ? w.next : w.now > t->t0 ? w.now : t->t0;
}

static const char *event_name(const struct tl_event *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s -> %s%s%s", e->cause ? trap_cause_name(e->cause) : "switch",
             vmm_disposition_name((enum vmm_disposition)e->disp), e->reflected ? " as " : "",
             e->reflected ? trap_cause_name(e->reflected) : "");
    return buf;
}

/* Track K's VM's name, safe in JSON strings and XML text alike; TL the
 * stretch under way, whose track may have no event yet. */
static const char *vm_name(const struct tgm_timeline *t, struct vmm *v, const struct tl_tail *tl,
                           int k, char *buf, size_t len)
{
    struct vm_info vi;
    int id = tl->n && k == tl->k ? tl->id : k < VMM_MAX_VMS ? k : -1;
    if (t->tr[k].seen)
        snprintf(buf, len, "%s", t->tr[k].name);
    else if (id >= 0 && vmm_vm_info(v, id, &vi) == 0)
        snprintf(buf, len, "%s", vi.name);
    else
        snprintf(buf, len, "vm%d", k);
    for (char *c = buf; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
              *c == '_' || *c == '-' || *c == '.'))
            *c = '_';
    return buf;
}

/* tail_stretch, with a lane for every VM that ran since the recording
 * began (docs/run.md: one track per VM), not only up to the last that had
 * an event: one that neither trapped nor ran directly (a hybrid one
 * interpreted throughout) is drawn as an empty track wherever its id
 * falls among the others.  One that has not run (gone back to before it
 * did) has none (docs/monitor.md, "In a VM"). */
static struct tl_tail tail_direct(const struct tgm_timeline *t, struct vmm *v, uint64_t span)
{
    struct tl_tail tl = tail_stretch(t, v, span);
    struct vm_info vi;
    for (int id = v ? vmm_vm_next(v, -1) : -1; id >= 0; id = vmm_vm_next(v, id))
        if (id + 1 > tl.nvm && vmm_vm_info(v, id, &vi) == 0 &&
            vi.stats.direct + vi.stats.interpreted > t->ran0[id])
            tl.nvm = id + 1;
    return tl;
}

/* ---- Chrome trace event JSON ---- */

static void json(FILE *f, const struct tgm_timeline *t, struct vmm *v, uint64_t from,
                 uint64_t to)
{
    char name[80], vmn[80];
    fprintf(f, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"generator\":\"tgm\","
               "\"time\":\"real machine cycles (1 cycle shown as 1 us)\","
               "\"events\":%zu,\"dropped\":%zu,\"from\":%llu,\"to\":%llu},\n"
               "\"traceEvents\":[\n", t->n, t->dropped, (unsigned long long)from,
            (unsigned long long)to);
    fprintf(f, "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
               "\"args\":{\"name\":\"real machine\"}},\n");
    fprintf(f, "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
               "\"args\":{\"name\":\"control program\"}},\n");
    fprintf(f, "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":0,"
               "\"args\":{\"sort_index\":0}}");
    struct tl_tail tl = tail_direct(t, v, to - from);
    int nvm = tl.nvm;
    for (int lane = 0; lane < nvm + tl.nextra; lane++) {
        int k = lane < nvm ? lane : VMM_MAX_VMS + lane - nvm;
        fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                   "\"args\":{\"name\":\"%s\"}},\n"
                   "{\"name\":\"thread_sort_index\",\"ph\":\"M\",\"pid\":1,\"tid\":%d,"
                   "\"args\":{\"sort_index\":%d}}",
                lane + 1, vm_name(t, v, &tl, k, name, sizeof name), lane + 1, lane + 1);
    }
    struct tl_walk w = walk_begin(t, to - tl.n);
    for (const struct tl_event *e; (e = walk_next(&w));) {
        int tid = tl_lane(nvm, e->vm) + 1;
        if (w.end > w.start)
            fprintf(f, ",\n{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,"
                       "\"tid\":%d,\"ts\":%llu,\"dur\":%llu}",
                    tid, (unsigned long long)w.start, (unsigned long long)(w.end - w.start));
        fprintf(f, ",\n{\"name\":\"%s\",\"cat\":\"trap\",\"ph\":\"i\",\"s\":\"t\",\"pid\":1,"
                   "\"tid\":%d,\"ts\":%llu,\"args\":{\"cause\":\"%s\",\"disposition\":\"%s\","
                   "\"reflected\":\"%s\",\"P\":%u}}",
                event_name(e, name, sizeof name), tid, (unsigned long long)w.end,
                trap_cause_name(e->cause), vmm_disposition_name((enum vmm_disposition)e->disp),
                trap_cause_name(e->reflected), e->p);
        if (w.next > w.end)
            fprintf(f, ",\n{\"name\":\"%s\",\"cat\":\"cp\",\"ph\":\"X\",\"pid\":1,\"tid\":0,"
                       "\"ts\":%llu,\"dur\":%llu,\"args\":{\"vm\":\"%s\"}}",
                    event_name(e, name, sizeof name), (unsigned long long)w.end,
                    (unsigned long long)(w.next - w.end),
                    vm_name(t, v, &tl, e->vm, vmn, sizeof vmn));
    }
    /* the VM running when the picture was written; with no event yet,
     * its stretch is all there is to draw */
    uint64_t at = t->n ? w.next : to - tl.n;
    if (tl.n && to > at)
        fprintf(f, ",\n{\"name\":\"direct\",\"cat\":\"guest\",\"ph\":\"X\",\"pid\":1,"
                   "\"tid\":%d,\"ts\":%llu,\"dur\":%llu}",
                tl_lane(nvm, tl.k) + 1, (unsigned long long)at, (unsigned long long)(to - at));
    fputs("\n]}\n", f);
}

/* ---- SVG ---- */

/* X as "%.2f" writes it, without printf's exact decimal expansion (a
 * million-event SVG spent most of its time there): X * 100 rounded to
 * nearest.  The product is rounded, but monotonically, and below 2^52 every
 * half is a double, so it falls on the same side of each half as the exact
 * product or on the half itself; near a half, printf decides (as it does
 * for X negative, -0 and out of range). */
const char *tl_fix2(char buf[32], double x)
{
    double v = x * 100.0;
    if (!(v >= 0 && v < 1e15) || signbit(v)) {
        snprintf(buf, 32, "%.2f", x);
        return buf;
    }
    uint64_t n = (uint64_t)v;
    double frac = v - (double)n;
    if (frac > 0.5 - 1e-6 && frac < 0.5 + 1e-6) {
        snprintf(buf, 32, "%.2f", x);
        return buf;
    }
    n += frac > 0.5;
    char *e = buf + 31;
    *e = '\0';
    *--e = (char)('0' + n % 10);
    *--e = (char)('0' + n / 10 % 10);
    *--e = '.';
    n /= 100;
    do
        *--e = (char)('0' + n % 10);
    while ((n /= 10) != 0);
    return e;
}

/* A hue per cause, a lightness per disposition. */
static void tick_colour(const struct tl_event *e, char *buf, size_t len)
{
    static const int hue[TRAP_NCAUSES] = {0, 210, 0, 120, 290, 35};
    int h = e->cause < TRAP_NCAUSES ? hue[e->cause] : 0;
    int s = e->cause ? 75 : 0;
    int l = 30 + 12 * (e->disp % 5);
    snprintf(buf, len, "hsl(%d,%d%%,%d%%)", h, s, l);
}

static void svg(FILE *f, const struct tgm_timeline *t, struct vmm *v, uint64_t from,
                uint64_t to)
{
    const int W = 1100, left = 130, lane = 34, top = 40;
    struct tl_tail tl = tail_direct(t, v, to - from);
    int nvm = tl.nvm;
    int lanes = nvm + tl.nextra + 1, legend = 20 * (TRAP_NCAUSES + DISP_COUNT) / 2 + 40;
    int H = top + lanes * lane + legend + (t->dropped ? 20 : 0);
    double span = to > from ? (double)(to - from) : 1.0, scale = (W - left - 20) / span;
    char name[80], col[40];
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
               "<title>tgm: a run under the control program, %llu real cycles, %zu events"
               "</title>\n<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
            W, H, W, H, (unsigned long long)(to - from), t->n, W, H);
    fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\">real machine time, %llu to %llu "
               "cycles: direct execution (blue), control program (grey), traps (ticks)"
               "</text>\n", left, (unsigned long long)from, (unsigned long long)to);
    for (int k = 0; k < lanes; k++) {
        int y = top + k * lane;
        fprintf(f, "<text x=\"8\" y=\"%d\">%s</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" "
                   "height=\"%d\" fill=\"#f4f4f4\"/>\n",
                y + lane / 2 + 4,
                k == 0 ? "control program"
                       : vm_name(t, v, &tl, k - 1 < nvm ? k - 1 : VMM_MAX_VMS + k - 1 - nvm,
                                 name, sizeof name),
                left, y + 4, W - left - 20, lane - 8);
    }
    struct tl_walk w = walk_begin(t, to - tl.n);
    for (const struct tl_event *e; (e = walk_next(&w));) {
        int y = top + (tl_lane(nvm, e->vm) + 1) * lane;
        double x0 = left + (double)(w.start - from) * scale;
        double x1 = left + (double)(w.end - from) * scale;
        char a[32], b[32], c[32];
        const char *sx1 = tl_fix2(c, x1);
        if (w.end > w.start)
            fprintf(f, "<rect class=\"direct\" x=\"%s\" y=\"%d\" width=\"%s\" "
                       "height=\"%d\" fill=\"#4a7fc1\"/>\n",
                    tl_fix2(a, x0), y + 8, tl_fix2(b, x1 - x0 < 0.3 ? 0.3 : x1 - x0),
                    lane - 16);
        double cp = (double)(w.next - w.end) * scale;
        if (w.next > w.end)
            fprintf(f, "<rect class=\"cp\" x=\"%s\" y=\"%d\" width=\"%s\" height=\"%d\" "
                       "fill=\"#9a9a9a\"/>\n",
                    sx1, top + 8, tl_fix2(b, cp < 0.3 ? 0.3 : cp), lane - 16);
        tick_colour(e, col, sizeof col);
        fprintf(f, "<line class=\"trap\" data-cause=\"%s\" data-disposition=\"%s\" "
                   "x1=\"%s\" y1=\"%d\" x2=\"%s\" y2=\"%d\" stroke=\"%s\" "
                   "stroke-width=\"1\"><title>%s at P=%#x</title></line>\n",
                trap_cause_name(e->cause), vmm_disposition_name((enum vmm_disposition)e->disp),
                sx1, y + 2, sx1, y + lane - 2, col, event_name(e, name, sizeof name), e->p);
    }
    uint64_t at = t->n ? w.next : to - tl.n; /* as in the JSON */
    if (tl.n && to > at) { /* the VM running when the picture was written */
        double x0 = left + (double)(at - from) * scale, x1 = left + (double)(to - from) * scale;
        char a[32], b[32];
        fprintf(f, "<rect class=\"direct\" x=\"%s\" y=\"%d\" width=\"%s\" "
                   "height=\"%d\" fill=\"#4a7fc1\"/>\n",
                tl_fix2(a, x0), top + (tl_lane(nvm, tl.k) + 1) * lane + 8,
                tl_fix2(b, x1 - x0 < 0.3 ? 0.3 : x1 - x0), lane - 16);
    }
    int y = top + lanes * lane + 20;
    if (t->dropped) { /* say where the picture stops being the whole run */
        fprintf(f, "<text class=\"dropped\" x=\"8\" y=\"%d\">%zu later event%s not recorded "
                   "(at most %u are kept): the picture ends at cycle %llu</text>\n",
                y, t->dropped, t->dropped == 1 ? "" : "s", TIMELINE_MAX_EVENTS,
                (unsigned long long)to);
        y += 20;
    }
    fprintf(f, "<text x=\"8\" y=\"%d\">trap ticks: hue by cause, shade by disposition</text>\n",
            y);
    for (unsigned c = 0; c < TRAP_NCAUSES; c++)
        for (int d = 0; d < DISP_COUNT; d++) {
            struct tl_event e = {.cause = (uint8_t)c, .disp = (uint8_t)d};
            tick_colour(&e, col, sizeof col);
            int x = left + d * 190, yy = y + 14 + (int)c * 16;
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                       "<text x=\"%d\" y=\"%d\" font-size=\"10\">%s %s</text>\n",
                    x, yy, col, x + 14, yy + 9, c ? trap_cause_name(c) : "switch",
                    vmm_disposition_name((enum vmm_disposition)d));
        }
    fputs("</svg>\n", f);
}

int timeline_write(const struct tgm_timeline *t, struct vmm *v, const char *path, char *err,
                   size_t errlen)
{
    uint64_t from, to;
    timeline_span(t, v, &from, &to);
    /* written as it is made: the text of a million events is some 400 MB */
    struct tgm_wfile w;
    if (tgm_wopen(&w, path, err, errlen) != 0)
        return -1;
    int fd = dup(w.fd);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        tgm_wabort(&w);
        return tgm_err(err, errlen, "%s: cannot write: %s", path, strerror(e));
    }
    size_t n = strlen(path);
    errno = 0;
    if (n >= 4 && !strcasecmp(path + n - 4, ".svg")) /* TL.SVG too */
        svg(f, t, v, from, to);
    else
        json(f, t, v, from, to);
    int bad = ferror(f), e = errno;
    if (fclose(f) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad && !w.error) /* tgm_wcommit says it and removes the temporary file */
        w.error = e ? e : EIO;
    return tgm_wcommit(&w, path, err, errlen);
}
