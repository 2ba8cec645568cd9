/* cmd_break.c: breakpoints on P, watchpoints, trap stops and instruction
 * class stops, with hit and ignore counts and command lists.
 *
 * Nothing here patches E: every stop comes from the machine's debugging
 * API (machine.h), so a guest cannot see its debugger, the property the
 * paper's equivalence (section 6) needs.  A class stop on "sensitive" shows
 * each instruction of section 3's classes as it is about to run.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mon_impl.h"

static const unsigned class_masks[] = {
    CLASS_PRIV, CLASS_SENSITIVE, CLASS_CTL_S | CLASS_CTL_U,
    CLASS_LOC_S | CLASS_LOC_U, CLASS_MODE,
};

bool mon_bp_valid(const struct mon_bp *b, uint32_t q)
{
    unsigned all = 0; /* the classes 'break class' names, together */
    for (size_t k = 0; k < sizeof class_masks / sizeof class_masks[0]; k++)
        if ((b->mask & class_masks[k]) == class_masks[k])
            all |= class_masks[k];
    switch (b->kind) {
    case BP_EXEC:
        return b->addr < q;
    case BP_WATCH:
        return b->addr < q && b->len >= 1 && b->len <= q - b->addr && b->rw >= WATCH_READ &&
               b->rw <= (WATCH_READ | WATCH_WRITE);
    case BP_TRAP: /* 'none' is no cause */
        return b->mask && !(b->mask & ~((1u << TRAP_NCAUSES) - 2));
    case BP_CLASS:
        return b->mask && b->mask == all;
    case BP_NONE:
        break;
    }
    return false;
}

/* The words 'break trap' or 'break class' takes for B's mask, as ' w1 w2'
 * in BUF, so that a line naming them reads back; for a class stop only
 * the classes that meet OF (an instruction's, or ~0u for all). */
static const char *bp_words(const struct mon_bp *b, unsigned of, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
#define PUT(...) (n += (size_t)snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
    if (b->kind == BP_TRAP) {
        for (unsigned c = 1; c < TRAP_NCAUSES; c++)
            if (b->mask & (1u << c))
                PUT(" %s", trap_cause_name(c));
        return buf;
    }
    unsigned left = b->mask, named = 0;
    const char *w = MON_CLASS_WORDS;
    for (size_t k = 0; k < sizeof class_masks / sizeof class_masks[0]; k++) {
        size_t wl = strcspn(w, " ");
        unsigned c = class_masks[k];
        if ((b->mask & c) == c && (named & c) != c && (c & of)) {
            PUT(" %.*s", (int)wl, w);
            named |= c;
            left &= ~c;
        }
        w += wl + (w[wl] == ' ');
    }
    if (left & of)
        PUT(" mask %#x", left & of);
#undef PUT
    return buf;
}

static struct mon_bp *bp_alloc(struct mon *m, int id)
{
    struct mon_bp *nb = mon_room(m->bps, m->nbps, &m->capbps, sizeof *nb);
    if (!nb)
        return NULL;
    m->bps = nb;
    struct mon_bp *b = &m->bps[m->nbps++];
    memset(b, 0, sizeof *b);
    b->id = id;
    b->vm = m->focus;
    return b;
}

struct mon_bp *mon_bp_new(struct mon *m)
{
    struct mon_bp *b = bp_alloc(m, m->next_bp);
    if (b)
        m->next_bp++;
    return b;
}

/* 'until' is no breakpoint of the user's: it takes no number, so the next
 * 'break' is numbered as if it had not been, and is neither listed nor
 * saved (restored, it would stop every run after). */
struct mon_bp *mon_bp_new_temp(struct mon *m)
{
    struct mon_bp *b = bp_alloc(m, MON_BP_TEMP_ID);
    if (b)
        b->temp = true;
    return b;
}

static void bp_free(struct mon_bp *b)
{
    free(b->cmds);
    free(b->old);
}

void mon_bp_free_all(struct mon *m)
{
    for (size_t i = 0; i < m->nbps; i++)
        bp_free(&m->bps[i]);
    free(m->bps);
    m->bps = NULL;
    m->nbps = m->capbps = m->bp_dead = 0;
    mon_bpix_free(m);
}

/* 'delete' leaves a breakpoint's place in m->bps empty (BP_NONE, temp so
 * neither listed, saved nor found by number, and of no kind a stop
 * matches) rather than moving every later one up; the places are given
 * back here, in one pass, by whatever walks them all anyway. */
void mon_bp_compact(struct mon *m)
{
    size_t k = 0;
    for (size_t i = 0; m->bp_dead && i < m->nbps; i++)
        if (m->bps[i].kind != BP_NONE)
            m->bps[k++] = m->bps[i];
    if (m->bp_dead)
        m->nbps = k;
    m->bp_dead = 0;
}

/* Take B, the breakpoint at I, out of the machines; its place stays empty. */
static void bp_vacate(struct mon *m, size_t i)
{
    struct mon_bp *b = &m->bps[i];
    if (!mon_debug_change(m, b, -1))
        m->bp_stale = true;
    int id = b->id; /* kept, so that bp_find's search holds */
    bp_free(b);
    *b = (struct mon_bp){.id = id, .kind = BP_NONE, .vm = MON_FOCUS_BARE, .temp = true};
    m->bp_dead++;
}

/* What a stop or a removal calls B. */
static const char *bp_noun(const struct mon_bp *b)
{
    return b->kind == BP_WATCH ? "watchpoint" : "breakpoint";
}

static void bp_remove(struct mon *m, size_t i)
{
    bp_free(&m->bps[i]);
    memmove(&m->bps[i], &m->bps[i + 1], (m->nbps - i - 1) * sizeof *m->bps);
    m->nbps--;
}

void mon_bp_prune(struct mon *m, mon_bp_pred *gone, int arg, const char *why)
{
    mon_bp_compact(m);
    for (size_t i = 0; i < m->nbps;)
        if (gone(m, &m->bps[i], arg)) {
            mon_out(m, "%s %d deleted: %s\n", bp_noun(&m->bps[i]), m->bps[i].id, why);
            bp_remove(m, i);
        } else {
            i++;
        }
}

void mon_bp_delete(struct mon *m, int id)
{
    for (size_t i = 0; i < m->nbps; i++)
        if (m->bps[i].id == id) {
            bp_remove(m, i);
            mon_debug_apply(m);
            return;
        }
}

/* The label of B's address in the symbols of the machine it was set on. */
static const char *bp_label(const struct mon *m, const struct mon_bp *b)
{
    return mon_label(m, b->vm == MON_FOCUS_BARE ? &m->bare_img : &m->vm_img[b->vm], b->addr);
}

void mon_watch_snapshot(struct mon *m)
{
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        int64_t base = mon_bp_base(m, b);
        if (b->kind != BP_WATCH || base < 0)
            continue;
        struct machine *x = b->vm == MON_FOCUS_BARE ? m->bare : vmm_machine(m->vmm);
        for (uint32_t k = 0; k < b->len; k++)
            machine_read_phys(x, (uint64_t)base + b->addr + k, &b->old[k]);
    }
}

/* What a stop means for breakpoint B: count it, honour its ignore count,
 * report it and run its commands.  True if the run should go on. */
static bool bp_hit(struct mon *m, size_t idx, const char *what)
{
    struct mon_bp *b = &m->bps[idx];
    if (b->cond) {
        /* judged in the machine the breakpoint is in, as it stands now */
        int saved = m->focus;
        uint64_t v = 0;
        char err[256];
        m->focus = b->vm;
        int rc = mon_eval(m, b->cond, &v, err, sizeof err);
        m->focus = saved;
        if (rc != 0) { /* stop, and fail the run command as a failed 'do' command does */
            fflush(m->out);
            mon_err(m, "%s %d: condition '%.*s%s' cannot be evaluated: %s", bp_noun(b), b->id,
                    MON_QUOTE(b->cond), err);
            m->bp_cmds_failed = true;
            return false;
        }
        if (!v)
            return true;
    }
    b->hits++;
    if (b->temp) {
        bp_remove(m, idx);
        mon_debug_apply(m);
        return false;
    }
    if (b->ignore) {
        b->ignore--;
        return true;
    }
    mon_out(m, "%s %d%s, hit %llu time%s\n", bp_noun(b),
            b->id, what, (unsigned long long)b->hits, b->hits == 1 ? "" : "s");
    if (!b->cmds)
        return false;
    char *cmds = strdup(b->cmds);
    if (!cmds)
        return false;
    m->in_bp_cmds = true;
    m->resume = false;
    m->bp_cmds_kept = true;
    const char *saved = m->src_name;
    if (mon_exec_line(m, cmds) != 0)
        m->bp_cmds_failed = true; /* a script's 'assert' there fails the script */
    m->src_name = saved;
    m->in_bp_cmds = false;
    if (!m->bp_cmds_kept) /* the commands may have changed the machine */
        mon_rev_rebase(m);
    free(cmds);
    bool go_on = m->resume;
    m->resume = false;
    return go_on;
}

static bool stop_exec(struct mon *m, int vm, const struct machine_exit *ex, int64_t base)
{
    char what[128];
    bool any = false, go_on = true;
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        if (b->kind != BP_EXEC || (b->vm == MON_FOCUS_BARE) != (vm == MON_FOCUS_BARE) ||
            mon_bp_base(m, b) + b->addr != ex->addr)
            continue;
        const char *lab = bp_label(m, b);
        snprintf(what, sizeof what, " at %#x%s%s", b->addr, lab ? " " : "", lab ? lab : "");
        any = true;
        /* several may be at one address: each is reached, in order, until
         * one stops the run (a false condition or an ignored hit does not) */
        if (!bp_hit(m, i, what)) {
            go_on = false;
            break;
        }
    }
    if (any)
        return go_on;
    /* a class stop; the control program's own HCALL is not the guest's */
    if (vm != MON_FOCUS_BARE && ex->addr < VMM_K)
        return true;
    /* the first class stop the instruction is in, named with its classes */
    struct machine *x = vm == MON_FOCUS_BARE ? m->bare : vmm_machine(m->vmm);
    uint64_t word = 0;
    machine_read_phys(x, ex->addr, &word);
    unsigned op = GET_OP(word), cls = machine_profile(x)->cls[op];
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        if (b->kind == BP_CLASS && (b->vm == MON_FOCUS_BARE) == (vm == MON_FOCUS_BARE) &&
            (b->mask & cls)) {
            char words[96];
            snprintf(what, sizeof what, " (class%s: %s) at %#llx",
                     bp_words(b, cls, words, sizeof words),
                     isa_table[op].name ? isa_table[op].name : "?",
                     (unsigned long long)(ex->addr - base));
            return bp_hit(m, i, what);
        }
    }
    return false;
}

/* The watchpoints on EX's access, in number order, each not yet SEEN this
 * step (SEEN, a byte per watchpoint, may be NULL) until one stops: 0 when
 * one stops, 1 when those looked at let the run go on, -1 when there were
 * none to look at. */
static int stop_watch(struct mon *m, int vm, const struct machine_exit *ex, uint8_t *seen)
{
    int r = -1;
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        int64_t base = mon_bp_base(m, b);
        if (b->kind != BP_WATCH || (b->vm == MON_FOCUS_BARE) != (vm == MON_FOCUS_BARE) ||
            base < 0 || ex->addr < base + b->addr || ex->addr >= base + b->addr + b->len ||
            !(b->rw & (ex->write ? WATCH_WRITE : WATCH_READ)) || (seen && seen[i]))
            continue;
        if (seen)
            seen[i] = 1;
        uint32_t k = ex->addr - (uint32_t)base - b->addr;
        struct machine *x = vm == MON_FOCUS_BARE ? m->bare : vmm_machine(m->vmm);
        uint64_t now = 0;
        machine_read_phys(x, ex->addr, &now);
        char what[160]; /* a write's change; a read's value, as gdb's rwatch (OLD is
                           the last hit's: writes between are no read hits) */
        if (ex->write)
            snprintf(what, sizeof what, ": write E[%#x] %#llx -> %#llx", b->addr + k,
                     (unsigned long long)b->old[k], (unsigned long long)now);
        else
            snprintf(what, sizeof what, ": read E[%#x] = %#llx", b->addr + k,
                     (unsigned long long)now);
        b->old[k] = now;
        /* as at one address: each watchpoint there until one stops */
        if (!bp_hit(m, i, what))
            return 0;
        r = 1;
    }
    return r;
}

/* The watched accesses H[0..N) of one step, H[0] the one the CPU names:
 * true when the run goes on.  Each watchpoint is looked at once a step,
 * for the first access it covers, so a write whose watchpoint lets the run
 * go on (a false condition, an ignore count) does not hide a read of
 * another word, as gdb reports every watchpoint an instruction triggers. */
static bool stop_watch_list(struct mon *m, int vm, const struct machine_exit *h, size_t n)
{
    uint8_t *seen = n > 1 ? calloc(m->nbps ? m->nbps : 1, 1) : NULL;
    /* the named access with no watchpoint of the focus's stops, as before */
    bool go_on = stop_watch(m, vm, &h[0], seen) == 1;
    for (size_t i = 1; i < n && go_on && seen; i++)
        go_on = stop_watch(m, vm, &h[i], seen) != 0;
    free(seen);
    return go_on;
}

/* The watch stop EX (the last watched access of its step): true when the
 * run goes on.  The step's others come from the machine that made them. */
static bool stop_watches(struct mon *m, int vm, const struct machine_exit *ex)
{
    struct machine_exit h[MACHINE_WATCH_HITS], all[MACHINE_WATCH_HITS];
    size_t n = 0, k = 1;
    struct vm_info vi;
    if (vm == MON_FOCUS_BARE) {
        n = machine_watch_hits(m->bare, h, MACHINE_WATCH_HITS);
    } else if (vmm_vm_info(m->vmm, vm, &vi) == 0) {
        /* the real machine's step, else one the CP's interpreter made on
         * the VM's view (hybrid), whose addresses are the region's */
        n = machine_watch_hits(vmm_machine(m->vmm), h, MACHINE_WATCH_HITS);
        if (n == 0 || h[n - 1].addr != ex->addr || h[n - 1].write != ex->write) {
            n = machine_watch_hits(vmm_vm_view(m->vmm, vm), h, MACHINE_WATCH_HITS);
            for (size_t i = 0; i < n; i++)
                h[i].addr += vi.base;
        }
    }
    all[0] = *ex;
    /* not this stop's step (the CP's interpreter names its own): EX alone */
    if (n && h[n - 1].addr == ex->addr && h[n - 1].write == ex->write)
        for (size_t i = 0; i + 1 < n; i++)
            all[k++] = h[i];
    return stop_watch_list(m, vm, all, k);
}

/* ": svc trap at 0x4 LABEL": the trap's cause and the trapping instruction,
 * the old PSW's P that the trap stored at E[0] (the stop line after it shows
 * only the handler's); the label is of that P relocated by the old PSW's l.
 * In a VM the trap is the real machine's: its E[0] has the old PSW (P the
 * guest's, l the guest's plus the region's base), where the VM's own E[0]
 * has it only when the control program reflected the trap. */
static void trap_origin(struct mon *m, int vm, unsigned cause, char *buf, size_t len)
{
    uint64_t w0 = 0;
    uint32_t base = 0;
    struct vm_info vi;
    if (vm != MON_FOCUS_BARE && vmm_vm_info(m->vmm, vm, &vi) == 0) {
        machine_read_phys(vmm_machine(m->vmm), 0, &w0);
        base = vi.base;
    } else {
        machine_read_phys(m->bare, 0, &w0);
    }
    struct psw o = psw_unpack(w0);
    const char *lab = mon_psw_label(m, vm, &o, base);
    snprintf(buf, len, ": %s trap at %#x%s%s", trap_cause_name(cause), o.p, lab ? " " : "",
             lab ? lab : "");
}

bool mon_debug_stop(struct mon *m, int vm, const struct machine_exit *ex, uint64_t steps,
                    uint64_t cycles)
{
    bool go_on = false;
    mon_bp_compact(m);
    int64_t base = 0;
    if (vm != MON_FOCUS_BARE) {
        struct vm_info vi;
        if (vmm_vm_info(m->vmm, vm, &vi) == 0)
            base = vi.base;
    }
    if (ex->reason == EXIT_BREAK) {
        go_on = stop_exec(m, vm, ex, base);
    } else if (ex->reason == EXIT_WATCH) {
        go_on = stop_watches(m, vm, ex);
    } else if (ex->reason == EXIT_TRAP) {
        for (size_t i = 0; i < m->nbps; i++) {
            struct mon_bp *b = &m->bps[i];
            if (b->kind == BP_TRAP && (b->mask & (1u << ex->cause)) &&
                (b->vm == MON_FOCUS_BARE) == (vm == MON_FOCUS_BARE)) {
                char what[128];
                trap_origin(m, vm, ex->cause, what, sizeof what);
                if (!(go_on = bp_hit(m, i, what)))
                    break;
            }
        }
        /* the trap's own accesses are a watched step as any other when no
         * trap stop ends the run there: E[0]'s write first, as the CPU
         * names it, then E[1]'s read */
        struct machine_exit w[2];
        size_t nw = 0;
        for (unsigned k = 0; go_on && vm == MON_FOCUS_BARE && k < 2; k++) {
            bool watched = false;
            for (size_t i = 0; i < m->nbps && !watched; i++) {
                struct mon_bp *b = &m->bps[i];
                watched = b->kind == BP_WATCH && b->vm == MON_FOCUS_BARE && b->addr <= k &&
                          k < b->addr + b->len && (b->rw & (k ? WATCH_READ : WATCH_WRITE));
            }
            if (watched)
                w[nw++] = (struct machine_exit){.reason = EXIT_WATCH, .addr = k, .write = !k};
        }
        if (nw)
            go_on = stop_watch_list(m, vm, w, nw);
    }
    if (!go_on && !m->finished) {
        mon_stop_line(m, vm, steps, cycles);
        /* the CP's timer trap due at the watched step was taken before the
         * stop (docs/vmm.md): say so, or the slice's end goes unseen */
        if (ex->reason == EXIT_WATCH && vm != MON_FOCUS_BARE && m->timer_seen &&
            m->timer_ev.vm == vm && m->timer_steps == machine_steps(vmm_vm_view(m->vmm, vm))) {
            struct vm_info vi;
            char b[96];
            if (vmm_vm_info(m->vmm, vm, &vi) == 0)
                mon_out(m, "%s: at the same step, cp: %s\n", vi.name,
                        mon_event_text(&m->timer_ev, b, sizeof b));
        }
        m->timer_seen = false;
    }
    return go_on;
}

/* ---- commands ---- */

void mon_bp_list(struct mon *m, bool watch_only)
{
    size_t shown = 0;
    for (size_t i = 0; i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        if ((watch_only && b->kind != BP_WATCH) || b->temp)
            continue;
        shown++;
        char vmn[40] = "";
        struct vm_info vi;
        if (b->vm != MON_FOCUS_BARE && m->vmm && vmm_vm_info(m->vmm, b->vm, &vi) == 0)
            snprintf(vmn, sizeof vmn, " [%s]", vi.name);
        mon_out(m, "%3d  ", b->id);
        switch (b->kind) {
        case BP_EXEC:
            mon_out(m, "break  %#x", b->addr);
            break;
        case BP_WATCH:
            mon_out(m, "watch  %s %#x..%#x", b->rw == WATCH_READ ? "read" :
                    b->rw == WATCH_WRITE ? "write" : "access", b->addr, b->addr + b->len - 1);
            break;
        case BP_TRAP:
        case BP_CLASS: { /* the words 'break trap' or 'class' takes, so the line reads back */
            char words[96];
            mon_out(m, "%s %s", b->kind == BP_TRAP ? "trap " : "class",
                    bp_words(b, ~0u, words, sizeof words));
            break;
        }
        case BP_NONE: /* temp: not listed */
            break;
        }
        /* the address's label, as 'break' said it (docs/monitor.md) */
        const char *lab = b->kind == BP_EXEC || b->kind == BP_WATCH ? bp_label(m, b) : NULL;
        mon_out(m, "%s%s%s  hits %llu", lab ? " " : "", lab ? lab : "", vmn,
                (unsigned long long)b->hits);
        if (b->ignore)
            mon_out(m, "  ignore %llu", (unsigned long long)b->ignore);
        if (b->cmds) { /* quoted as typed, so the line can be given again */
            mon_out(m, "  do \"");
            for (const char *c = b->cmds; *c; c++)
                mon_out(m, *c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
            mon_out(m, "\"");
        }
        if (b->cond)
            mon_out(m, "  if %s", b->cond);
        mon_out(m, "\n");
    }
    if (!shown)
        mon_out(m, "no %s\n", watch_only ? "watchpoints" : "breakpoints");
}

#define BP_OPTS "ignore do"
#define IF_LAST " ('if' takes the rest of the line: 'do' and 'ignore' go before it)"

/* 'do echo a b': do's commands are one word, so a second one (and, unseen
 * here, any after a ';') would be lost; show the quoting from ARGV[FROM]. */
static int do_unquoted(struct mon *m, int argc, char **argv, int from)
{
    char words[200] = "";
    for (int j = from; j < argc && (j == from || strcasecmp(argv[j], "if")) && /* the condition */
                       strlen(words) + strlen(argv[j]) + 2 < sizeof words;
         j++)
        snprintf(words + strlen(words), sizeof words - strlen(words), "%s%s", j > from ? " " : "",
                 argv[j]);
    return mon_err(m, "'%.*s%s' after do's commands: give them in double quotes, do \"%s\"",
                   MON_QUOTE(argv[from + 1]), words);
}

/* Parse trailing [ignore N] [do "CMDS"] [if EXPR...] into B, each at most
 * once; the words after 'if' (the rest of the line) are the condition,
 * joined into COND (of COND_LEN bytes). */
static int bp_options(struct mon *m, int argc, char **argv, int i, struct mon_bp *b,
                      char *cond, size_t cond_len)
{
    cond[0] = '\0';
    unsigned seen = 0;
    int prev = -1; /* the option before, for do_unquoted */
    for (; i < argc; i += 2) {
        if (!strcasecmp(argv[i], "if")) {
            if (i + 1 >= argc)
                return mon_err(m, "'if' needs an expression");
            /* the words joined by single spaces; a snapshot keeps it
             * whole, up to COND_LEN - 1 bytes */
            size_t clen = 0;
            for (int j = i + 1; j < argc; j++)
                clen += (j > i + 1) + strlen(argv[j]);
            if (clen >= cond_len)
                return mon_err(m, "condition of %zu bytes is too long (at most %zu)", clen,
                               cond_len - 1);
            for (int j = i + 1; j < argc; j++) {
                if (j > i + 1)
                    strcat(cond, " ");
                strcat(cond, argv[j]);
            }
            /* read now, evaluated at each hit: E[i] may be 0 when it is
             * set and 10/E[i] well defined at every hit */
            char err[256];
            if (mon_parse(m, cond, err, sizeof err) != 0) {
                bool late = false; /* 'do' or 'ignore' typed after 'if' */
                for (int j = i + 2; j < argc; j++)
                    late |= !strcasecmp(argv[j], "do") || !strcasecmp(argv[j], "ignore");
                return mon_err(m, "condition: %s%s", err, late ? IF_LAST : "");
            }
            return 0;
        }
        if (mon_keyword(argv[i], BP_OPTS " if") == -2) /* 'i': ignore or if */
            return mon_err(m, "ambiguous option '%s' (one of: " BP_OPTS " if)", argv[i]);
        int k = mon_keyword(argv[i], BP_OPTS);
        if (k < 0 && prev == 1)
            return do_unquoted(m, argc, argv, i - 1);
        prev = k;
        if (k >= 0 && i + 1 >= argc)
            return mon_err(m, k ? "'do' needs its commands, in double quotes: do \"c1; c2\""
                                : "'ignore' needs a count");
        if (k < 0)
            return mon_usage(m, argc, argv);
        if (mon_option_once(m, BP_OPTS, k, &seen) != 0)
            return -1;
        if (k == 0 && mon_count(m, argv[i + 1], &b->ignore) != 0)
            return -1;
        if (k == 1) {
            free(b->cmds);
            if (!(b->cmds = strdup(argv[i + 1])))
                return mon_err(m, "out of memory");
        }
    }
    return 0;
}

/* Parse cause or class words into a mask. */
static int word_mask(struct mon *m, int argc, char **argv, const char *words, bool classes,
                     unsigned *mask)
{
    unsigned seen = 0;
    *mask = 0;
    for (int i = 2; i < argc; i++) {
        int k = mon_keyword(argv[i], words);
        if (k < 0 || (!classes && k == 0))
            return mon_err(m, "unknown %s '%.*s%s' (one of: %s)", classes ? "class" : "trap cause",
                           MON_QUOTE(argv[i]), classes ? words : words + 5);
        if (mon_option_once(m, words, k, &seen) != 0)
            return -1;
        *mask |= classes ? class_masks[k] : 1u << k;
    }
    return 0;
}

/* A second breakpoint where one is (B, the newest) is allowed, with
 * another condition or command list, but may be a slip: say so, as gdb's
 * "Note: breakpoint 1 also set at pc" does. */
static bool same_address(const struct mon_bp *o, const struct mon_bp *b)
{
    return o->kind == BP_EXEC && !o->temp && o->vm == b->vm && o->addr == b->addr;
}

static void same_address_note(struct mon *m, const struct mon_bp *b)
{
    if (mon_bp_same_count(m, b) == 1) /* B alone: no need to look */
        return;
    size_t n = 0;
    for (size_t k = 0; k + 1 < m->nbps; k++)
        n += same_address(&m->bps[k], b);
    if (!n)
        return;
    /* every one of them, however many: a list cut short would hide some */
    mon_out(m, "note: breakpoint%s", n > 1 ? "s" : "");
    const char *sep = " ";
    for (size_t k = 0; k + 1 < m->nbps; k++)
        if (same_address(&m->bps[k], b)) {
            mon_out(m, "%s%d", sep, m->bps[k].id);
            sep = ", ";
        }
    mon_out(m, " %s at %#x too\n", n > 1 ? "are" : "is", b->addr);
}

/* B, just made, into the machines */
static void bp_added(struct mon *m, const struct mon_bp *b)
{
    if (!mon_debug_change(m, b, 1))
        mon_debug_apply(m);
}

/* 'list' in full, or shortened as keywords may be, to two letters or more
 * that are no label ('l' alone is the PSW's l, an address) */
static bool is_list(struct mon *m, const char *w)
{
    size_t n = strlen(w);
    return !strcasecmp(w, "list") ||
           (n >= 2 && n < 4 && !strncasecmp(w, "list", n) && !mon_is_symbol(m, w));
}

int mon_cmd_break(struct mon *m, int argc, char **argv)
{
    if (argc == 1 || (argc == 2 && is_list(m, argv[1]))) {
        mon_bp_list(m, false);
        return 0;
    }
    if (is_list(m, argv[1])) /* not "unknown name 'list'" */
        return mon_usage(m, argc, argv);
    int sub = mon_keyword(argv[1], "trap class");
    /* a label of that name (supervisor.s's 'trap') is the address unless
     * a cause or class follows: 'break trap' stops at it */
    if (sub >= 0 && mon_is_symbol(m, argv[1]) &&
        (argc < 3 || mon_keyword(argv[2], sub ? MON_CLASS_WORDS : MON_CAUSE_WORDS) < 0))
        sub = -1;
    if (sub >= 0 && argc < 3)
        return mon_usage(m, argc, argv);
    if (sub >= 0) {
        unsigned mask;
        if (word_mask(m, argc, argv, sub ? MON_CLASS_WORDS : MON_CAUSE_WORDS, sub == 1, &mask))
            return -1;
        if (m->focus != MON_FOCUS_BARE && sub == 1)
            mon_out(m, "note: applies to the real machine; stops in the control program are "
                       "skipped\n");
        struct mon_bp *b = mon_bp_new(m);
        if (!b)
            return mon_err(m, "out of memory");
        b->kind = sub ? BP_CLASS : BP_TRAP;
        b->mask = mask;
        char words[96];
        mon_out(m, "breakpoint %d: %s stop (%s)\n", b->id, sub ? "class" : "trap",
                bp_words(b, ~0u, words, sizeof words) + 1);
        bp_added(m, b);
        return 0;
    }
    struct mon_bp tmp = {0};
    uint32_t a = 0;
    char cond[MON_COND_MAX + 1];
    if (mon_e_addr(m, argv[1], &a) != 0 ||
        bp_options(m, argc, argv, 2, &tmp, cond, sizeof cond) != 0) {
        free(tmp.cmds);
        return -1;
    }
    char *block = cond[0] ? strdup(cond) : NULL;
    struct mon_bp *b = !cond[0] || block ? mon_bp_new(m) : NULL;
    if (!b) {
        free(block);
        free(tmp.cmds);
        return mon_err(m, "out of memory");
    }
    b->kind = BP_EXEC;
    b->addr = a;
    b->ignore = tmp.ignore;
    b->cmds = tmp.cmds;
    b->old = (uint64_t *)(void *)block;
    b->cond = block;
    bp_added(m, b); /* before the note, which counts those at A */
    const char *lab = mon_label(m, mon_symbols(m), a);
    mon_out(m, "breakpoint %d at %#x%s%s%s%s\n", b->id, a, lab ? " " : "", lab ? lab : "",
            block ? " if " : "", block ? block : "");
    same_address_note(m, b);
    mon_phased_note(m, argv[1], a);
    return 0;
}

/* a label inside .phase names where its code runs, not its word of E */
void mon_phased_note(struct mon *m, const char *typed, uint32_t a)
{
    const struct tgm_symbol *ps = mon_symbol(m, mon_symbols(m), typed);
    if (ps && ps->kind == TGM_SYM_PHASED)
        mon_out(m, "note: %s is a label inside .phase: %#x is the address its code sees "
                   "through R, not the word of E it labels\n", ps->name, a);
}

/* The kind of access W names (0 read, 1 write, 2 access), or -1: in any
 * case and abbreviated, as every keyword is ('watch acc total'), except
 * that a shortened word that is a label is the label ('acc' in
 * examples/calls.s); a whole one is left to the caller. */
static int watch_kind(struct mon *m, const char *w)
{
    int k = mon_keyword(w, "read write access");
    if (k >= 0 && strlen(w) < strlen(k == 0 ? "read" : k == 1 ? "write" : "access") &&
        mon_is_symbol(m, w))
        return -1;
    return k;
}

int mon_cmd_watch(struct mon *m, int argc, char **argv)
{
    int i = 1, rw = WATCH_WRITE;
    if (argc == 2 && is_list(m, argv[1])) { /* as 'break list' */
        mon_bp_list(m, true);
        return 0;
    }
    if (is_list(m, argv[1])) /* as 'break list x' */
        return mon_usage(m, argc, argv);
    int k = watch_kind(m, argv[1]);
    if (k >= 0 && argc == 2 && mon_is_symbol(m, argv[1]))
        k = -1; /* 'watch read' alone: a label of that name */
    if (k >= 0) {
        rw = k == 0 ? WATCH_READ : k == 1 ? WATCH_WRITE : WATCH_READ | WATCH_WRITE;
        i++;
    }
    if (i >= argc)
        return mon_usage(m, argc, argv);
    /* 'watch read write X' is one kind too many, not "unknown name 'write'";
     * a label of that name is still the address */
    if (k >= 0 && watch_kind(m, argv[i]) >= 0 && !mon_is_symbol(m, argv[i]))
        return mon_err(m, "'%s' after '%s': give one kind ('access' is reads and writes)",
                       argv[i], argv[i - 1]);
    uint32_t q = machine_q(mon_target(m)), a = 0;
    uint64_t n = 1;
    const char *typed = argv[i];
    if (mon_e_addr(m, argv[i++], &a) != 0)
        return -1;
    /* 'watch total write': the kind written last, as gdb's order is not */
    if (i < argc && watch_kind(m, argv[i]) >= 0 && !mon_is_symbol(m, argv[i]))
        return mon_err(m, "the kind goes before the address: 'watch %s %.*s%s'", argv[i],
                       MON_QUOTE(argv[i - 1]));
    if (i + 1 < argc && mon_spaced_expr(i + 2, argv) == i) /* 'watch x + 1': not COUNT + */
        return mon_usage(m, argc, argv);
    /* COUNT is optional: an option word after ADDR starts the options */
    if (i < argc && mon_keyword(argv[i], BP_OPTS) < 0 && strcasecmp(argv[i], "if") &&
        mon_ranged(m, argv[i++], "count ", NULL, 1, q - a, &n) != 0)
        return -1;
    struct mon_bp tmp = {0};
    char cond[MON_COND_MAX + 1];
    if (bp_options(m, argc, argv, i, &tmp, cond, sizeof cond) != 0) {
        free(tmp.cmds);
        return -1;
    }
    size_t clen = cond[0] ? strlen(cond) + 1 : 0;
    uint64_t *old = calloc(1, n * sizeof *old + clen);
    struct mon_bp *b = old ? mon_bp_new(m) : NULL;
    if (!b) {
        free(old);
        free(tmp.cmds);
        return mon_err(m, "out of memory");
    }
    b->kind = BP_WATCH;
    b->addr = a;
    b->len = (uint32_t)n;
    b->rw = rw;
    b->old = old;
    b->cmds = tmp.cmds;
    b->ignore = tmp.ignore;
    if (clen) {
        char *c = (char *)(old + n);
        memcpy(c, cond, clen);
        b->cond = c;
    }
    const char *lab = bp_label(m, b);
    mon_out(m, "watchpoint %d on %#x..%#x%s%s%s%s\n", b->id, a, a + (uint32_t)n - 1,
            lab ? " " : "", lab ? lab : "", clen ? " if " : "", clen ? b->cond : "");
    mon_phased_note(m, typed, a);
    bp_added(m, b);
    return 0;
}

static int bp_find(const struct mon *m, const char *s)
{
    char *end;
    long id = strtol(s, &end, 10);
    if (!*s || *end)
        return -1;
    /* numbered as made, so in order of their number: a binary search,
     * unless a restored file had them otherwise (or an 'until' sits in
     * between); numbers are never given twice */
    size_t lo = 0, hi = m->nbps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->bps[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < m->nbps && m->bps[lo].id == id)
        return m->bps[lo].temp ? -1 : (int)lo;
    for (size_t i = 0; i < m->nbps; i++)
        if (m->bps[i].id == id && !m->bps[i].temp)
            return (int)i;
    return -1;
}

static int bp_index(struct mon *m, const char *s)
{
    int k = bp_find(m, s);
    const char *t = *s ? s : "''";
    return k >= 0 ? k : mon_err(m, "no breakpoint %.*s%s (see 'break list')", MON_QUOTE(t));
}

int mon_cmd_delete(struct mon *m, int argc, char **argv)
{
    if (mon_keyword(argv[1], "all") == 0) {
        if (argc != 2) /* not 'no breakpoint all' */
            return mon_err(m, "'all' takes no breakpoint numbers");
        mon_bp_free_all(m);
        mon_debug_apply(m);
        return 0;
    }
    for (int i = 1; i < argc; i++) { /* check all before deleting any */
        int k = bp_index(m, argv[i]);
        if (k < 0)
            return -1;
        for (int j = 1; j < i; j++)
            if (bp_find(m, argv[j]) == k)
                return mon_err(m, "breakpoint %d given twice", m->bps[k].id);
    }
    m->bp_stale = false;
    for (int i = 1; i < argc; i++) {
        int k = bp_find(m, argv[i]);
        if (k >= 0)
            bp_vacate(m, (size_t)k);
    }
    if (m->bp_stale) /* the counts failed: set all again */
        mon_debug_apply(m);
    /* not under a stop's commands: the stop may go on to the next one */
    if (2 * m->bp_dead > m->nbps && !m->in_bp_cmds)
        mon_bp_compact(m);
    return 0;
}

int mon_cmd_ignore(struct mon *m, int argc, char **argv)
{
    (void)argc;
    int k = bp_index(m, argv[1]);
    uint64_t n;
    if (k < 0 || mon_count(m, argv[2], &n) != 0)
        return -1;
    struct mon_bp *b = &m->bps[k];
    b->ignore = n;
    /* as gdb's "Will ignore next N crossings of breakpoint M." */
    if (n == 0)
        mon_out(m, "%s %d will stop at its next hit\n", bp_noun(b), b->id);
    else if (n == 1)
        mon_out(m, "%s %d will ignore its next hit\n", bp_noun(b), b->id);
    else
        mon_out(m, "%s %d will ignore its next %llu hits\n", bp_noun(b), b->id,
                (unsigned long long)n);
    return 0;
}
