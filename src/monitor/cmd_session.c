/* cmd_session.c: scripts and the session: do, echo, set, show, exit, quit.
 *
 * Scripts make the monitor a test harness for the machine of section 2 and
 * the control program of sections 4-6, as SIMH runs its diagnostics: a
 * failed assert or command fails the script unless it says otherwise.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "mon_impl.h"
#include "reader.h"

int mon_cmd_do(struct mon *m, int argc, char **argv)
{
    if (m->depth >= MON_MAX_DEPTH)
        return mon_err(m, "scripts nested more than %d deep", MON_MAX_DEPTH);
    struct mon_reader r;
    char err[MON_PATH_ERR];
    if (mon_reader_file(&r, argv[1], err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    r.nargs = argc - 2;
    r.args = argv + 2;
    /* a script's failures end it, even when started at the prompt */
    const struct mon_cmd *cur = m->cur;
    /* its 'set on-error' is its own: the caller's failures still count */
    int on_error = m->on_error;
    /* a failure that ended it is this command's, which the caller's
     * on-error counts or ignores, for 'exit' as for the session's end */
    bool failed = m->failed;
    m->depth++;
    int st = mon_loop(m, &r);
    m->depth--;
    m->on_error = on_error;
    if (st && !m->finished)
        m->failed = failed;
    m->cur = cur;
    r.close(&r);
    if (mon_abandoned(m) && m->depth == 0) /* said once, by the 'do' typed */
        return mon_err(m, "interrupted: the rest of %s is not run", argv[1]);
    return st ? -1 : 0;
}

/* The rest of the line as written, spaces and all (SIMH's ECHO), with the
 * quoting every command line has taken off: 'echo "a; b"' prints a; b. */
int mon_cmd_echo(struct mon *m, int argc, char **argv)
{
    char none[1] = "", *text = argc > 1 ? argv[1] : none, *o = text;
    bool quoted = false;
    for (const char *s = text; *s;) {
        bool was = quoted;
        size_t k = mon_quote_step(s, &quoted);
        if (k == 2) { /* an escape's second character */
            *o++ = s[1];
        } else if (was == quoted) { /* text ('"' as written) */
            memmove(o, s, k);
            o += k;
        }
        s += k;
    }
    if (quoted) /* as the other commands say it */
        return mon_err(m, "missing closing quote");
    *o = '\0';
    mon_out(m, "%s\n", text);
    return 0;
}

/* The status a session ends with by 'exit' or 'quit': 1 after a failure
 * that counted (in a script, or one run by 'do'); at the terminal's own
 * prompt a failure was told and is left behind, as Ctrl-D leaves it. */
static int failed_status(const struct mon *m)
{
    return m->failed && !(m->interactive && m->nscripts == 0) ? 1 : 0;
}

int mon_cmd_exit(struct mon *m, int argc, char **argv)
{
    uint64_t n = (uint64_t)failed_status(m);
    if (argc == 2 && mon_ranged(m, argv[1], "status ", NULL, 0, 255, &n) != 0)
        return -1;
    m->finished = true;
    m->status = (int)n;
    return 0;
}

int mon_cmd_quit(struct mon *m, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    m->finished = true;
    m->status = failed_status(m); /* as the end of the input */
    return 0;
}

/* Is B a breakpoint of the bare machine beyond its first Q words? */
static bool beyond(const struct mon *m, const struct mon_bp *b, int q)
{
    (void)m;
    return b->vm == MON_FOCUS_BARE && (b->kind == BP_EXEC || b->kind == BP_WATCH) &&
           b->addr + (b->kind == BP_WATCH ? b->len : 1) > (uint32_t)q;
}

/* Replace the bare machine with one of Q words and PROFILE (reset state). */
int mon_new_bare(struct mon *m, uint32_t q, const struct isa_profile *p)
{
    if (mon_not_mid_run(m) != 0) /* a run may be on the one replaced */
        return -1;
    struct machine_config cfg = m->bare_cfg;
    cfg.q = q;
    cfg.profile = p;
    struct machine *nb = machine_create(&cfg);
    if (!nb)
        return mon_err(m, "cannot create a machine of %u words", q);
    machine_destroy(m->bare);
    mon_rev_scratch_free(m); /* of the old size or profile */
    m->bare = nb;
    m->bare_cfg = cfg;
    m->bare_ran = false;
    mon_bp_prune(m, beyond, (int)q, "outside the new memory");
    mon_debug_apply(m);
    mon_out(m, "bare machine: q=%u, profile %s (reset)\n", q, p->name);
    return 0;
}

int mon_set_machine(struct mon *m, const char *profile, uint32_t q)
{
    const struct isa_profile *p = machine_profile(m->bare);
    if (profile && !(p = mon_profile(m, profile)))
        return -1;
    if (q && (q < TGM_Q_MIN || q > TGM_Q_MAX))
        return mon_err(m, "%u word%s is out of range (%u..%u)", q, q == 1 ? "" : "s", TGM_Q_MIN,
                       TGM_Q_MAX);
    if (m->vmm) /* as 'set cp-profile' refuses */
        return mon_err(m, "the control program exists; 'reset all' first");
    if (profile)
        m->vmm_cfg.profile = p;
    return mon_new_bare(m, q ? q : machine_q(m->bare), p);
}

static int parse_q(struct mon *m, const char *s, uint32_t *q)
{
    uint64_t v;
    if (mon_ranged(m, s, "", "word", TGM_Q_MIN, TGM_Q_MAX, &v) != 0)
        return -1;
    *q = (uint32_t)v;
    return 0;
}

const struct isa_profile *mon_profile(struct mon *m, const char *s)
{
    const struct isa_profile *p = isa_profile_find(s);
    if (p)
        return p;
    char names[256] = "";
    for (const struct isa_profile *const *k = isa_profiles(); *k; k++) {
        strncat(names, " ", sizeof names - strlen(names) - 1);
        strncat(names, (*k)->name, sizeof names - strlen(names) - 1);
    }
    char sug[256];
    bool guess = isa_profile_suggest(s, sug, sizeof sug) > 0;
    mon_err(m, "unknown profile '%.*s%s' (known:%s)%s%s%s", MON_QUOTE(s), names,
            guess ? " (did you mean " : "", sug, guess ? "?)" : "");
    return NULL;
}

static const char *onerr_name(int e)
{
    return e == ONERR_STOP ? "stop" : e == ONERR_CONTINUE ? "continue" : "finish";
}

/* The keys of 'set', in the order 'set' lists them. */
static const char set_keys[] =
    "memory profile on-error limit ring histfile cp-memory cp-profile hybrid slice console "
    "checkpoint";

#define SET_NKEYS 12 /* the words of set_keys */

/* The line of setting K (an index into set_keys). */
static void setting(struct mon *m, int k)
{
    switch (k) {
    case 0:
        mon_out(m, "memory     %u\n", machine_q(m->bare));
        break;
    case 1:
        mon_out(m, "profile    %s\n", machine_profile(m->bare)->name);
        break;
    case 2:
        mon_out(m, "on-error   %s\n", onerr_name(m->on_error));
        break;
    case 3:
        mon_out(m, "limit      %llu%s\n", (unsigned long long)m->limit, m->limit ? "" : " (none)");
        break;
    case 4:
        mon_out(m, "ring       %zu\n", m->ring_size);
        break;
    case 5: {
        /* at the terminal, the file the default names (none when
         * $TGM_HISTORY is empty); a script keeps none of its own */
        char buf[PATH_MAX];
        const char *h = m->histfile ? (*m->histfile ? m->histfile : NULL)
                        : m->edit   ? mon_history_file(m, buf, sizeof buf)
                                    : NULL;
        mon_out_line(m, "histfile   %s%s",
                     h                          ? h
                     : !m->histfile && !m->edit ? "(default: $TGM_HISTORY or ~/.tgm_history)"
                                                : "(none: no history file)",
                     h && !m->histfile ? " (the default)" : "");
        break;
    }
    case 6:
        mon_out(m, "cp-memory  %u\n",
                m->vmm ? machine_q(vmm_machine(m->vmm)) : m->vmm_cfg.q ? m->vmm_cfg.q : TGM_Q_MAX);
        break;
    case 7:
        mon_out(m, "cp-profile %s\n",
                m->vmm_cfg.profile ? m->vmm_cfg.profile->name : isa_profile_default()->name);
        break;
    case 8:
        mon_out(m, "hybrid     %s\n",
                (m->vmm ? vmm_hybrid(m->vmm) : m->vmm_cfg.hybrid) ? "on" : "off");
        break;
    case 9:
        mon_out(m, "slice      %llu\n",
                (unsigned long long)(m->vmm ? vmm_slice(m->vmm)
                                            : m->vmm_cfg.slice ? m->vmm_cfg.slice
                                                               : VMM_DEFAULT_SLICE));
        break;
    case 10:
        mon_out(m, "console    %s\n",
                m->live_console ? "on (shown as the guest writes it)" : "off");
        break;
    default:
        mon_out(m, "checkpoint %llu step%s apart (reverse execution)\n",
                (unsigned long long)m->rev_every, m->rev_every == 1 ? "" : "s");
        break;
    }
}

static void settings(struct mon *m)
{
    for (int k = 0; k < SET_NKEYS; k++)
        setting(m, k);
}

int mon_cmd_set(struct mon *m, int argc, char **argv)
{
    if (argc == 1) {
        settings(m);
        return 0;
    }
    int k = mon_keyword(argv[1], set_keys);
    if (k < 0)
        return mon_err(m, "%s setting '%.*s%s' (one of: %s)", k == -2 ? "ambiguous" : "unknown",
                       MON_QUOTE(argv[1]), set_keys);
    if (argc != 3)
        return mon_err(m, "usage: set %s VALUE", argv[1]);
    const char *v = argv[2];
    uint32_t q = 0;
    uint64_t n;
    const struct isa_profile *p;
    if (k >= 6 && k <= 8 && m->vmm)
        return mon_err(m, "the control program exists; 'reset all' first");
    switch (k) {
    case 0:
        return parse_q(m, v, &q) ? -1 : mon_new_bare(m, q, machine_profile(m->bare));
    case 1:
        return (p = mon_profile(m, v)) ? mon_new_bare(m, machine_q(m->bare), p) : -1;
    case 2: {
        int e = mon_keyword(v, "stop continue finish");
        if (e < 0)
            return mon_err(m, "on-error is stop, continue or finish");
        m->on_error = e == 0 ? ONERR_STOP : e == 1 ? ONERR_CONTINUE : ONERR_FINISH;
        return 0;
    }
    case 3:
        if (mon_count(m, v, &n) != 0)
            return -1;
        m->limit = n;
        return 0;
    case 4:
        if (mon_ranged(m, v, "ring of ", "record", 0, 1000000, &n) != 0)
            return -1;
        if (mon_ring_resize(m, (size_t)n) != 0)
            return mon_err(m, "out of memory");
        if (!n)
            mon_rev_scratch_free(m);
        mon_trace_apply(m);
        return 0;
    case 5: { /* written after every line on the terminal: not over a file in use */
        if (*v && (mon_path_free(m, v, MON_W_HISTORY) != 0 || mon_history_check(m, v) != 0))
            return -1;
        char *h = strdup(v);
        if (!h)
            return mon_err(m, "out of memory");
        free(m->histfile);
        m->histfile = h;
        mon_history_load(m);
        return 0;
    }
    case 6: /* the range really taken: more than the control program's own words */
        if (mon_ranged(m, v, "", "word", VMM_K + 1, TGM_Q_MAX, &n) != 0)
            return -1;
        m->vmm_cfg.q = (uint32_t)n;
        return 0;
    case 7:
        if (!(p = mon_profile(m, v)))
            return -1;
        m->vmm_cfg.profile = p;
        return 0;
    case 8: {
        int e = mon_keyword(v, "on off");
        if (e < 0)
            return mon_err(m, "hybrid is on or off");
        m->vmm_cfg.hybrid = e == 0;
        return 0;
    }
    case 10: {
        int e = mon_keyword(v, "on off");
        if (e < 0)
            return mon_err(m, "console is on or off");
        m->live_console = e == 0;
        return 0;
    }
    case 11:
        if (mon_count_from(m, v, 1, &n) != 0)
            return -1;
        if (n == 0)
            return mon_err(m, "checkpoints must be at least one step apart");
        m->rev_every = n;
        mon_rev_restart(m); /* the next history uses it */
        return 0;
    default:
        /* 0 would be the control program's default; as 'tgm run --slice 0' */
        if (mon_count_in(m, v, "", "cycle", 1, &n) != 0)
            return -1;
        m->vmm_cfg.slice = n;
        if (m->vmm)
            vmm_set_slice(m->vmm, n);
        return 0;
    }
}

int mon_cmd_show(struct mon *m, int argc, char **argv)
{
    if (argc == 2) { /* SIMH's 'show KEY': one setting, as 'set' lists it */
        int k = mon_keyword(argv[1], set_keys);
        if (k < 0)
            return mon_err(m, "%s setting '%.*s%s' (one of: %s; 'show' alone shows the session)",
                           k == -2 ? "ambiguous" : "unknown", MON_QUOTE(argv[1]), set_keys);
        setting(m, k);
        return 0;
    }
    char name[64];
    mon_out(m, "focus: %s\n", mon_target_name(m, name, sizeof name));
    mon_out(m, "bare machine: q=%u, profile %s, %u symbols\n", machine_q(m->bare),
            machine_profile(m->bare)->name, m->bare_img.nsyms);
    if (m->vmm) {
        int n = 0;
        for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
            n++;
        mon_out(m, "control program: real q=%u, %d VM%s, slice %llu%s\n",
                machine_q(vmm_machine(m->vmm)), n, n == 1 ? "" : "s",
                (unsigned long long)vmm_slice(m->vmm), vmm_hybrid(m->vmm) ? ", hybrid" : "");
    } else {
        mon_out(m, "control program: not started ('vm create' starts it)\n");
    }
    mon_out(m, "breakpoints: %zu\n", m->nbps - m->bp_dead);
    settings(m);
    return 0;
}
