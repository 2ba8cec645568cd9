/* cmd_trace.c: tracing instructions and traps, the history ring, and the
 * control program's decision for every trap of a VM.
 *
 * The trap lines show section 2's trap sequence as it happens; the 'cp'
 * lines show which part of section 5's control program (interpreter,
 * allocator, dispatcher's scheduler) handled each trap a VM caused.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mon_impl.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"

int mon_ring_resize(struct mon *m, size_t n)
{
    struct mon_ring_ent *r = NULL;
    if (n && !(r = calloc(n, sizeof *r)))
        return -1;
    /* the newest entries stay, oldest first: 'history' still shows them */
    size_t keep = m->ring_count < n ? m->ring_count : n;
    for (size_t k = 0; k < keep; k++)
        r[k] = m->ring[(m->ring_head + m->ring_size - keep + k) % m->ring_size];
    free(m->ring);
    m->ring = r;
    m->ring_size = n;
    m->ring_count = keep;
    m->ring_head = n ? keep % n : 0;
    return 0;
}

/* The stream's writes go to the writer's descriptor and keep the first
 * error's errno (stdio keeps only a flag), so that a full disk says "No
 * space left on device" when the file is closed. */
struct wcookie {
    int fd, error;
};

static ssize_t wcookie_write(void *c, const char *buf, size_t n)
{
    struct wcookie *k = c;
    for (size_t done = 0; done < n;) {
        ssize_t r = write(k->fd, buf + done, n - done);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            if (!k->error)
                k->error = r < 0 ? errno : EIO;
            errno = k->error;
            return -1;
        }
        done += (size_t)r;
    }
    return (ssize_t)n;
}

static int wcookie_close(void *c)
{
    struct wcookie *k = c;
    int e = k->error;
    free(k);
    errno = e;
    return e ? -1 : 0;
}

FILE *mon_wstream_open(struct tgm_wfile *w, const char *path, char *err, size_t errlen)
{
    if (tgm_wopen(w, path, err, errlen) != 0)
        return NULL;
    struct wcookie *k = malloc(sizeof *k);
    FILE *f = k ? fopencookie(k, "w", (cookie_io_functions_t){.write = wcookie_write,
                                                              .close = wcookie_close})
                : NULL;
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(k);
        tgm_wabort(w);
        return NULL;
    }
    *k = (struct wcookie){.fd = w->fd};
    return f;
}

int mon_wstream_close(FILE *f, struct tgm_wfile *w, const char *path, char *err,
                      size_t errlen)
{
    bool bad = ferror(f);
    int e = fclose(f) != 0 ? errno : 0; /* the first write error's, from wcookie_close */
    if (!e && bad)
        e = EIO;
    if (e && !w->error)
        w->error = e;
    return tgm_wcommit(w, path, err, errlen);
}

int mon_file_lost(struct mon *m, const char *what, const char *err)
{
    if (m->cur) /* the command that ended it says so, and fails */
        return mon_err(m, "%s", err);
    mon_err_line(m, "%s: %s", what, err);
    return -1;
}

static bool same_path(const char *a, const char *b)
{
    return strcmp(a, b) == 0 || tgm_same_file(a, b) || tgm_same_target(a, b);
}

/* Why PATH is a file the session writes later (the trace and the log when
 * they end, the history after every line on the terminal), or NULL; SELF's
 * own file does not count, since SELF replaces it anyway. */
static const char *written_later(const struct mon *m, const char *path, enum mon_writer self)
{
    char buf[4096];
    const char *h = self == MON_W_HISTORY ? NULL : mon_history_file(m, buf, sizeof buf);
    if (self != MON_W_TRACE && m->trace_file && m->trace_w.path &&
        same_path(path, m->trace_w.path))
        return "the trace goes there until 'trace off'";
    if (self != MON_W_LOG && m->log && m->log_w.path && same_path(path, m->log_w.path))
        return "the log goes there until 'log off'";
    if (h && same_path(path, h))
        return "the session's command history goes there";
    return NULL;
}

int mon_path_free(struct mon *m, const char *path, enum mon_writer self)
{
    const char *why = written_later(m, path, self);
    if (why) /* one of the two files would be lost */
        return mon_err(m, "%s: %s; choose another file", path, why);
    /* the script would be replaced by what it writes, as 'tgm as x.s -o x.s' */
    for (int k = 0; k < m->nscripts; k++)
        if (same_path(path, m->scripts[k]))
            return mon_err(m, "%s: a script being run is read from this file; choose another "
                           "file", path);
    /* as 'tgm run --dump' will not write over its input image */
    for (int k = 0; k <= VMM_MAX_VMS; k++)
        for (char **f = m->prog_files[k]; f && *f; f++)
            if (same_path(path, *f))
                return mon_err(m, "%s: the loaded program was read from this file%s%s%s; "
                               "choose another file", path, strcmp(path, *f) ? " (as " : "",
                               strcmp(path, *f) ? *f : "", strcmp(path, *f) ? ")" : "");
    return 0;
}

int mon_program_free(struct mon *m, char *const *files)
{
    for (; files && *files; files++) {
        const char *why = written_later(m, *files, MON_W_NONE);
        if (why) /* it would be written over the program that came from it */
            return mon_err(m, "%s: %s; a program is not loaded from it", *files, why);
    }
    return 0;
}

/* End the trace file: it appears under its name only now, complete (the
 * one writer, tgm_wopen; an old file stays intact if this fails). */
int mon_trace_close(struct mon *m)
{
    int rc = 0;
    if (m->trace_file) {
        char err[512];
        if (mon_wstream_close(m->trace_file, &m->trace_w, m->trace_path, err, sizeof err) != 0)
            rc = mon_file_lost(m, "trace", err);
    }
    m->trace_file = NULL;
    free(m->trace_path);
    m->trace_path = NULL;
    return rc;
}

/* One line for a traced step, in BUF. */
static void trace_fmt(struct mon *m, const struct mon_ring_ent *e, char *buf, size_t len)
{
    struct psw p = psw_unpack(e->t.psw_before);
    char b[96], dis[160] = "(not fetched)";
    /* labels name physical addresses: only unrelocated code gets them */
    const struct tgm_image *syms = e->real || p.l ? NULL : &m->bare_img;
    if (e->t.fetched)
        mon_dis_word(m, e->real ? vmm_machine(m->vmm) : m->bare, e->t.word, p.p, syms, dis,
                     sizeof dis);
    int n = snprintf(buf, len, "%10llu %s%s  %s", (unsigned long long)e->t.cycles,
                     e->real ? "real " : "", mon_fmt_psw(&p, b, sizeof b), dis);
    if (e->t.trap && n >= 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, "  -> trap %s", trap_cause_name(e->t.trap));
}

/* Write one trace line (without its newline) to the screen or the trace
 * file.  Either stops at its cap, the note that says so included: a file
 * never grows past it, and a cap too small for the note ends it empty. */
static void trace_emit(struct mon *m, const char *line)
{
    if (m->trace_capped)
        return;
    FILE *f = m->trace_file ? m->trace_file : m->out;
    char note[80];
    uint64_t nn = (uint64_t)snprintf(note, sizeof note,
                                     "[trace stopped: size cap of %llu bytes reached]\n",
                                     (unsigned long long)m->trace_cap);
    uint64_t n = strlen(line) + 1;
    if (m->trace_bytes + n + nn > m->trace_cap) {
        if (m->trace_bytes + nn <= m->trace_cap) {
            fputs(note, f);
            m->trace_bytes += nn;
        }
        m->trace_capped = true;
        return;
    }
    fprintf(f, "%s\n", line);
    m->trace_bytes += n;
    m->trace_lines++;
}

static void ring_push(struct mon *m, const struct mon_ring_ent *e)
{
    if (m->ring_size) {
        m->ring[m->ring_head] = *e;
        m->ring_head = (m->ring_head + 1) % m->ring_size;
        if (m->ring_count < m->ring_size)
            m->ring_count++;
        if (m->ring_count == m->ring_size)
            m->ring_lost = false; /* full of steps that came after those lost */
    }
}

void mon_ring_lost(struct mon *m)
{
    m->ring_head = m->ring_count = 0;
    m->ring_lost = true;
}

static void hook(struct mon *m, const struct machine_trace *t, bool real)
{
    struct mon_ring_ent e = {*t, real};
    ring_push(m, &e);
    if (!(m->trace_insns || (m->trace_traps && t->trap)) || m->trace_capped)
        return;
    char line[400];
    trace_fmt(m, &e, line, sizeof line);
    trace_emit(m, line);
}

void mon_trace_hook(void *ctx, const struct machine_trace *t) { hook(ctx, t, false); }
void mon_trace_hook_real(void *ctx, const struct machine_trace *t) { hook(ctx, t, true); }

/* The ring alone: a replay that fills it prints no trace lines. */
void mon_ring_hook(void *ctx, const struct machine_trace *t)
{
    struct mon_ring_ent e = {*t, false};
    ring_push(ctx, &e);
}

void mon_trace_apply(struct mon *m)
{
    /* a fast run fills the ring after it (mon_rev_ring_fill) */
    bool on = (m->ring_size && !m->ring_fast) || m->trace_insns || m->trace_traps;
    machine_set_trace(m->bare, on ? mon_trace_hook : NULL, on ? m : NULL);
    if (m->vmm)
        machine_set_trace(vmm_machine(m->vmm), on ? mon_trace_hook_real : NULL, on ? m : NULL);
}

/* "(no trap)" for an event no trap brought, as 'vm stats' names its row,
 * rather than "none trap" */
static const char *event_cause(const struct vmm_event *e)
{
    return e->cause == TRAP_NONE ? "(no trap)" : trap_cause_name(e->cause);
}

const char *mon_event_text(const struct vmm_event *e, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s -> %s%s%s", event_cause(e), e->cause == TRAP_NONE ? "" : " trap",
             vmm_disposition_name(e->disp), e->reflected ? " as " : "",
             e->reflected ? trap_cause_name(e->reflected) : "");
    return buf;
}

void mon_vmm_event(void *ctx, const struct vmm_event *e)
{
    struct mon *m = ctx;
    if (m->timeline)
        timeline_event(m->timeline, m->vmm, e);
    if (e->cause == TRAP_TIMER) {
        m->timer_ev = *e;
        m->timer_steps = machine_steps(vmm_vm_view(m->vmm, e->vm));
        m->timer_seen = true;
    }
    /* 'step' shows what the CP did for the focused VM, not for the others
     * that ran meanwhile */
    if (e->vm == m->focus) {
        if (m->nev < sizeof m->ev / sizeof m->ev[0])
            m->ev[m->nev++] = *e;
        else
            m->ev_lost++;
    }
    if (!m->trace_cp || m->trace_capped)
        return;
    struct vm_info vi;
    char dis[160] = "(not fetched)"; /* as trace insns has it: no word at P */
    if (vmm_vm_info(m->vmm, e->vm, &vi) != 0)
        vi.name = "?";
    /* labels name words of E: relocated code's operands stay numbers, as
     * step shows them */
    if (e->fetched)
        mon_dis_word(m, vmm_machine(m->vmm), e->word, e->p, e->l ? NULL : &m->vm_img[e->vm],
                     dis, sizeof dis);
    char line[400], what[96];
    snprintf(line, sizeof line, "cp: %s P=0x%05x %-28s %s", vi.name, e->p, dis,
             mon_event_text(e, what, sizeof what));
    trace_emit(m, line);
}

static void trace_status(struct mon *m)
{
    char size[96] = "";
    if (m->trace_path || m->trace_insns || m->trace_traps || m->trace_cp)
        snprintf(size, sizeof size, " (%llu of at most %llu bytes%s)",
                 (unsigned long long)m->trace_bytes, (unsigned long long)m->trace_cap,
                 m->trace_capped ? "; stopped at the cap" : "");
    mon_out_line(m, "trace: insns %s, traps %s, cp %s; to %s%s", m->trace_insns ? "on" : "off",
                 m->trace_traps ? "on" : "off", m->trace_cp ? "on" : "off",
                 m->trace_path ? m->trace_path : "screen", size);
}

/* Close the trace file a 'trace' command ends and say what it holds, as
 * 'timeline F' does: "trace: N records written to FILE". */
static int trace_end(struct mon *m)
{
    bool to_file = m->trace_file && m->trace_path;
    char *path = to_file ? strdup(m->trace_path) : NULL;
    uint64_t n = m->trace_lines;
    int rc = mon_trace_close(m);
    if (to_file && rc == 0) /* without memory for the name, the line still comes */
        mon_out_line(m, "trace: %llu record%s written to %s", (unsigned long long)n,
                     n == 1 ? "" : "s", path ? path : "its file");
    free(path);
    return rc;
}

#define TRACE_WORDS "insns traps cp all off to max screen"

int mon_cmd_trace(struct mon *m, int argc, char **argv)
{
    bool ins = m->trace_insns, trp = m->trace_traps, cp = m->trace_cp;
    const char *path = NULL;
    bool screen = false;
    uint64_t cap = m->trace_cap;
    unsigned seen = 0;
    for (int i = 1; i < argc; i++) {
        int k = mon_keyword(argv[i], TRACE_WORDS);
        if (k < 0)
            return mon_err(m, "%s word '%.*s%s' (usage: %s)", k == -2 ? "ambiguous" : "unknown",
                           MON_QUOTE(argv[i]), m->cur->usage);
        if (mon_option_once(m, TRACE_WORDS, k, &seen) != 0)
            return -1;
        if ((k == 5 || k == 6) && i + 1 >= argc)
            return mon_err(m, "'%s' needs a value", argv[i]);
        switch (k) {
        case 0: ins = true; break;
        case 1: trp = true; break;
        case 2: cp = true; break;
        case 3: ins = trp = cp = true; break;
        case 4: ins = trp = cp = false; break;
        case 5: /* 'to screen' is the screen, as the status line says it */
            if (strcasecmp(argv[++i], "screen") != 0)
                path = argv[i];
            else if (mon_option_once(m, TRACE_WORDS, 7, &seen) != 0)
                return -1;
            else
                screen = true;
            break;
        case 6:
            if (mon_count(m, argv[++i], &cap) != 0)
                return -1;
            break;
        case 7: screen = true; break;
        }
    }
    if (argc == 1) {
        trace_status(m);
        return 0;
    }
    if (path && screen)
        return mon_err(m, "'to %.*s%s' and 'screen' both given: give one", MON_PATH_QUOTE(path));
    int rc = 0; /* -1 if the file of a trace this ends was lost */
    if (path) {
        struct tgm_wfile w;
        char err[512];
        if (mon_path_free(m, path, MON_W_TRACE) != 0)
            return -1;
        FILE *f = mon_wstream_open(&w, path, err, sizeof err);
        if (!f)
            return mon_err(m, "%s", err); /* names the file, as save's does */
        char *p = strdup(path);
        if (!p) {
            fclose(f);
            tgm_wabort(&w);
            return mon_err(m, "out of memory");
        }
        rc = trace_end(m);
        m->trace_w = w;
        m->trace_file = f;
        m->trace_path = p;
        m->trace_bytes = m->trace_lines = 0;
        m->trace_capped = false;
    } else if (screen) {
        rc = trace_end(m);
        m->trace_capped = false;
    }
    m->trace_insns = ins;
    m->trace_traps = trp;
    m->trace_cp = cp;
    if (!ins && !trp && !cp && !path)
        rc |= trace_end(m); /* 'trace off' ends the file */
    m->trace_cap = cap;
    if (!m->trace_file) /* the screen: each 'trace' counts afresh */
        m->trace_bytes = 0;
    if (!m->trace_file || m->trace_bytes < cap)
        m->trace_capped = false;
    mon_trace_apply(m);
    trace_status(m);
    return rc;
}

int mon_cmd_history(struct mon *m, int argc, char **argv)
{
    uint64_t n = 20;
    if (argc == 2 && mon_count(m, argv[1], &n) != 0)
        return -1;
    if (!n) /* asks for no lines: none, whatever the ring holds, so that a
             * script's computed count may be 0 (docs/monitor.md) */
        return 0;
    if (!m->ring_size)
        return mon_err(m, "the history ring is off ('set ring N' to keep N instructions)");
    if (m->ring_lost && !m->ring_count)
        return mon_err(m, "out of memory: the instructions last run were not recorded");
    if (m->ring_lost) /* what it has, and that it is not all */
        mon_out(m, "(out of memory: instructions run before these were not recorded)\n");
    else if (!m->ring_count)
        mon_out(m, "no instructions executed yet\n");
    if (n > m->ring_count)
        n = m->ring_count;
    for (size_t k = 0; k < n; k++) {
        size_t idx = (m->ring_head + m->ring_size - n + k) % m->ring_size;
        char line[400];
        trace_fmt(m, &m->ring[idx], line, sizeof line);
        mon_out(m, "%s\n", line);
    }
    return 0;
}

int mon_cmd_timeline(struct mon *m, int argc, char **argv)
{
    if (argc == 1) {
        size_t dropped = 0, n = m->timeline ? timeline_count(m->timeline, &dropped) : 0;
        if (m->timeline)
            mon_out(m, "timeline: recording, %zu event%s%s\n", n, n == 1 ? "" : "s",
                    dropped ? " (some dropped)" : "");
        else
            mon_out(m, "timeline: off ('timeline on' records the control program's events)\n");
        return 0;
    }
    int k = mon_keyword_or_file(argv[1], "on off"); /* a file named "of" is the file */
    if (k == -2) /* 'o', no file of that name: neither word, nor a file to write */
        return mon_err(m, "ambiguous word '%s' (one of: on off; a new file of that name is "
                       "./%s)", argv[1], argv[1]);
    if (k == 0) {
        if (m->timeline) { /* it goes on: "from now" would hide the events kept */
            size_t n = timeline_count(m->timeline, NULL);
            mon_out(m, "timeline: already recording, %zu event%s so far\n", n,
                    n == 1 ? "" : "s");
            return 0;
        }
        if (!(m->timeline = timeline_new()))
            return mon_err(m, "out of memory");
        timeline_begin(m->timeline, m->vmm); /* mid-run: what each VM had so far */
        mon_out(m, "timeline: recording from now (real cycle %llu)\n",
                m->vmm ? (unsigned long long)machine_get_counters(vmm_machine(m->vmm)).cycles
                       : 0ULL);
        return 0;
    }
    if (k == 1) { /* say what is lost: the events go with the recording */
        if (!m->timeline) {
            mon_out(m, "timeline: already off\n");
            return 0;
        }
        size_t n = timeline_count(m->timeline, NULL);
        timeline_free(m->timeline);
        m->timeline = NULL;
        mon_out(m, "timeline: off, %zu event%s discarded\n", n, n == 1 ? "" : "s");
        return 0;
    }
    /* the file named is looked at first, as every writer's: a name the
     * session writes, a directory, are refused whatever is recorded */
    char err[512];
    if (mon_path_free(m, argv[1], MON_W_NONE) != 0)
        return -1;
    if (tgm_wcheck(argv[1], err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    if (!m->timeline)
        return mon_err(m, "nothing recorded ('timeline on', then run VMs)");
    if (!m->vmm)
        return mon_err(m, "no control program (create a VM first)");
    if (timeline_write(m->timeline, m->vmm, argv[1], err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    size_t dropped, n = timeline_count(m->timeline, &dropped);
    uint64_t from, to;
    timeline_span(m->timeline, m->vmm, &from, &to);
    char more[96] = "";
    if (dropped) /* the picture stops short of now: say where */
        snprintf(more, sizeof more, "; %zu later not recorded, the picture ends at cycle %llu",
                 dropped, (unsigned long long)to);
    mon_out_line(m, "timeline: %zu event%s written to %s%s", n, n == 1 ? "" : "s", argv[1], more);
    return 0;
}
