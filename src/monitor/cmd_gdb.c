/* cmd_gdb.c: the words people bring from gdb, QEMU's monitor and SIMH:
 * info, display, log, the /FMT suffix (x/4x, p/o, p/w) and value formats
 * (hex, decimal, octal, binary, character, a PSW decoded), and the
 * "did you mean" map for their commands the monitor spells differently.
 *
 * The PSW decode is section 2's <M, P, R> plus I and the trap cause.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mon_impl.h"

/* ---- value formats ---- */

const char *mon_fmt_value(uint64_t v, char fmt, char *buf, size_t len)
{
    char b[96];
    switch (fmt) {
    case 'd':
        snprintf(buf, len, "%lld", (long long)v);
        break;
    case 'u':
        snprintf(buf, len, "%llu", (unsigned long long)v);
        break;
    case 'o':
        snprintf(buf, len, "0o%llo", (unsigned long long)v);
        break;
    case 'b':
    case 't': {
        char bits[65];
        int n = 0;
        for (int i = 63; i >= 0; i--)
            if (n || (v >> i) & 1 || i == 0)
                bits[n++] = (char)('0' + ((v >> i) & 1));
        bits[n] = '\0';
        snprintf(buf, len, "0b%s", bits);
        break;
    }
    case 'c': /* escaped as 'examine -c' does */
        snprintf(buf, len, "'%s'", mon_fmt_char(v, '\'', b, sizeof b));
        break;
    case 'w': {
        struct psw p = psw_unpack(v);
        unsigned cause = (unsigned)((v >> PSW_CAUSE_SHIFT) & 0xF);
        snprintf(buf, len, "%s  cause=%s", mon_fmt_psw(&p, b, sizeof b),
                 cause < TRAP_NCAUSES ? trap_cause_name(cause) : "?");
        break;
    }
    default: /* 0x0 for 0 too, as 0o0 and 0b0 and as gdb's p/x 0 */
        snprintf(buf, len, "0x%llx", (unsigned long long)v);
        break;
    }
    return buf;
}

/* A /FMT suffix: [COUNT][LETTER]; the letter one of FORMATS. */
int mon_slash(struct mon *m, const char *formats, uint64_t *count, char *fmt)
{
    const char *s = m->slash;
    *fmt = 0;
    if (!s)
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (end != s) {
        /* strtoull takes "-1" as 2^64 - 1: a count is digits only */
        if (!count && isdigit((unsigned char)*s)) /* print/4x: gdb's x habit */
            return mon_err(m, "'/%.*s%s': a count is for examine (x/%.*s%s); this shows one "
                           "value", MON_QUOTE(s), MON_QUOTE(s));
        if (n == 0 && !errno && isdigit((unsigned char)*s)) /* as 'examine ADDR 0' says */
            return mon_err(m, "a count of 0 words shows nothing (give 1 or more)");
        if (!count || errno || n == 0 || !isdigit((unsigned char)*s))
            return mon_err(m, "bad count in '/%.*s%s'", MON_QUOTE(s));
        *count = n;
    }
    if (*end) {
        if (end[1] || !strchr(formats, *end))
            return mon_err(m, "unknown format '/%.*s%s' (letters: %s)", MON_QUOTE(s), formats);
        *fmt = *end;
    }
    return 0;
}

int mon_cmd_print(struct mon *m, int argc, char **argv)
{
    (void)argc;
    uint64_t v;
    char fmt, buf[160], err[256];
    if (mon_slash(m, "xduobtcw", NULL, &fmt) != 0)
        return -1;
    /* the rest of the line, spaces and all: not mon_arg, whose note on a
     * word cut at a space does not apply; or one quoted word, as elsewhere */
    if (mon_quoted_word(argv[1], true) < 0)
        return mon_err(m, "missing closing quote");
    if (mon_eval(m, argv[1], &v, err, sizeof err) != 0) {
        mon_err(m, "%s", err);
        return -1;
    }
    if (fmt)
        mon_out(m, "%s\n", mon_fmt_value(v, fmt, buf, sizeof buf));
    else
        mon_out(m, "%#llx (%lld)\n", (unsigned long long)v, (long long)v);
    return 0;
}

/* ---- display ---- */

void mon_display_free(struct mon *m)
{
    for (int i = 0; i < m->ndisplay; i++)
        free(m->display[i].expr);
    m->ndisplay = 0;
}

static void display_one(struct mon *m, int i)
{
    uint64_t v;
    char err[256], buf[160];
    const struct mon_display *d = &m->display[i];
    if (mon_eval(m, d->expr, &v, err, sizeof err) != 0)
        mon_out(m, "%d: %s = <%s>\n", d->id, d->expr, err);
    else if (d->fmt)
        mon_out(m, "%d: %s = %s\n", d->id, d->expr, mon_fmt_value(v, d->fmt, buf, sizeof buf));
    else
        mon_out(m, "%d: %s = %#llx (%lld)\n", d->id, d->expr, (unsigned long long)v,
                (long long)v);
}

void mon_display_show(struct mon *m)
{
    for (int i = 0; i < m->ndisplay && !m->finished; i++)
        display_one(m, i);
}

/* 'display delete N...|all': every N is checked before any goes, so a bad
 * one changes nothing; without N it is an error, not a silent 'all'. */
static int display_delete(struct mon *m, const char *arg)
{
    arg += strspn(arg, " ");
    if (!*arg)
        return mon_err(m, "delete what? give display numbers or 'all' (see 'display')");
    char word[8]; /* 'all', shortened as keywords may be ('delete al') */
    size_t wl = strcspn(arg, " ");
    if (wl < sizeof word && !arg[wl + strspn(arg + wl, " ")]) {
        memcpy(word, arg, wl);
        word[wl] = '\0';
        if (mon_keyword(word, "all") == 0) {
            mon_display_free(m);
            return 0;
        }
    }
    bool gone[MON_MAX_DISPLAY] = {false};
    for (const char *p = arg; *p; p += strspn(p, " ")) {
        int len = (int)strcspn(p, " "), i = 0;
        char *end;
        long id = strtol(p, &end, 10);
        while (i < m->ndisplay && (end != p + len || m->display[i].id != id))
            i++;
        if (i == m->ndisplay)
            return mon_err(m, "no display %.*s%s (see 'display')",
                           MON_QUOTE_CUT(p, (size_t)len, ASM_QUOTE_MAX));
        if (gone[i])
            return mon_err(m, "display %ld given twice", id);
        gone[i] = true;
        p += len;
    }
    int kept = 0;
    for (int i = 0; i < m->ndisplay; i++) {
        if (gone[i])
            free(m->display[i].expr);
        else
            m->display[kept++] = m->display[i];
    }
    m->ndisplay = kept;
    return 0;
}

int mon_cmd_display(struct mon *m, int argc, char **argv)
{
    char fmt;
    if (mon_slash(m, "xduobtcw", NULL, &fmt) != 0)
        return -1;
    if (argc == 1) {
        if (!m->ndisplay)
            mon_out(m, "no display expressions ('display EXPR' adds one)\n");
        mon_display_show(m);
        return 0;
    }
    if (mon_quoted_word(argv[1], true) < 0) /* an expression as one word, as elsewhere */
        return mon_err(m, "missing closing quote");
    const char *s = argv[1];
    /* 'delete' or a prefix ('del 1'), unless a label of that name starts
     * an expression */
    size_t w = strcspn(s, " ");
    char word[8];
    snprintf(word, sizeof word, "%.*s", (int)w, s);
    if (w && w <= 6 && !strncasecmp(s, "delete", w) && (w == 6 || !mon_is_symbol(m, word)))
        return display_delete(m, s + w);
    if (m->ndisplay == MON_MAX_DISPLAY)
        return mon_err(m, "at most %d display expressions", MON_MAX_DISPLAY);
    uint64_t v;
    char err[256];
    if (mon_eval(m, s, &v, err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    char *e = strdup(s);
    if (!e)
        return mon_err(m, "out of memory");
    struct mon_display *d = &m->display[m->ndisplay++];
    d->expr = e;
    d->fmt = fmt;
    d->id = ++m->display_next;
    display_one(m, m->ndisplay - 1);
    return 0;
}

/* ---- info ---- */

int mon_cmd_info(struct mon *m, int argc, char **argv)
{
    (void)argc;
    static const char topics[] = "registers breakpoints watchpoints vms symbols display all";
    int k = mon_keyword(argv[1], topics);
    if (k < 0)
        return mon_err(m, "%s topic '%.*s%s' (one of: %s)", k == -2 ? "ambiguous" : "unknown",
                       MON_QUOTE(argv[1]), topics);
    char *none[] = {NULL, NULL, NULL};
    switch (k) {
    case 0:
        return mon_cmd_regs(m, 1, none);
    case 1:
        return mon_cmd_break(m, 1, none);
    case 2:
        mon_bp_list(m, true);
        return 0;
    case 3: {
        char *args[] = {"vm", "list", NULL};
        return mon_cmd_vm(m, 2, args);
    }
    case 4:
        return mon_cmd_symbols(m, 1, none);
    case 5: /* as 'display': with none, say so */
        return mon_cmd_display(m, 1, none);
    default: { /* all: what describes the state; symbols only on request */
        char *vms[] = {"vm", "list", NULL};
        mon_cmd_regs(m, 1, none);
        mon_cmd_break(m, 1, none);
        if (m->vmm)
            mon_cmd_vm(m, 2, vms);
        mon_display_show(m);
        return 0;
    }
    }
}

/* ---- log ---- */

/* A stream that writes to the screen's stream and to the log. */
struct tee {
    struct mon *m;
    FILE *screen;
};

static ssize_t tee_write(void *c, const char *buf, size_t n)
{
    struct tee *t = c;
    fwrite(buf, 1, n, t->screen);
    if (t->screen == stderr || t->screen == t->m->log_err0)
        fflush(t->screen);
    if (t->m->log)
        fwrite(buf, 1, n, t->m->log);
    return (ssize_t)n;
}

static int tee_close(void *c)
{
    free(c);
    return 0;
}

static FILE *tee_open(struct mon *m, FILE *screen)
{
    struct tee *t = malloc(sizeof *t);
    if (!t)
        return NULL;
    t->m = m;
    t->screen = screen;
    FILE *f = fopencookie(t, "w", (cookie_io_functions_t){.write = tee_write,
                                                          .close = tee_close});
    if (!f) {
        free(t);
        return NULL;
    }
    setvbuf(f, NULL, _IONBF, 0);
    return f;
}

/* The log appears under its name only now, complete (the one writer, as
 * a trace; an old file stays intact if this fails). */
int mon_log_close(struct mon *m)
{
    if (!m->log)
        return 0;
    fflush(m->out);
    fflush(m->err);
    fclose(m->out);
    fclose(m->err);
    m->out = m->log_out0;
    m->err = m->log_err0;
    char err[512];
    int rc = mon_wstream_close(m->log, &m->log_w, m->log_path, err, sizeof err);
    m->log = NULL;
    if (rc != 0)
        mon_file_lost(m, "log", err);
    free(m->log_path);
    m->log_path = NULL;
    return rc;
}

void mon_log_command(struct mon *m, const char *line)
{
    size_t lead = strspn(line, " \t");
    if (!m->log || !line[lead] || line[lead] == '#') /* a script's blank or comment */
        return;
    char name[64];
    if (m->focus == MON_FOCUS_BARE)
        fprintf(m->log, "tgm> %s\n", line);
    else
        fprintf(m->log, "tgm %s> %s\n", mon_target_name(m, name, sizeof name), line);
}

int mon_cmd_log(struct mon *m, int argc, char **argv)
{
    if (argc == 1) {
        if (m->log)
            mon_out_line(m, "logging to %s", m->log_path);
        else
            mon_out(m, "not logging ('log FILE' starts)\n");
        return 0;
    }
    /* 'off' or a prefix of it naming no file (docs/monitor.md's rule for a
     * word that may be a file or a keyword): a file is ./off */
    if (mon_keyword_or_file(argv[1], "off") == 0) {
        if (!m->log)
            return mon_err(m, "not logging");
        char *path = strdup(m->log_path);
        if (mon_log_close(m) != 0) {
            free(path);
            return -1;
        }
        mon_out_line(m, "log %s closed", path ? path : "");
        free(path);
        return 0;
    }
    /* the log in force again: a new one would replace it at its close,
     * and with it every line logged so far */
    if (m->log && tgm_same_target(argv[1], m->log_path) == 1) {
        mon_out_line(m, "already logging the session to %s", m->log_path);
        return 0;
    }
    struct tgm_wfile w;
    char why[512];
    if (mon_path_free(m, argv[1], MON_W_LOG) != 0)
        return -1;
    FILE *f = mon_wstream_open(&w, argv[1], why, sizeof why);
    if (!f)
        return mon_err(m, "%s", why); /* names the file, as save's does */
    char *path = strdup(argv[1]);
    FILE *out = path ? tee_open(m, m->log ? m->log_out0 : m->out) : NULL;
    FILE *err = out ? tee_open(m, m->log ? m->log_err0 : m->err) : NULL;
    if (!err) {
        if (out)
            fclose(out);
        fclose(f);
        tgm_wabort(&w);
        free(path);
        return mon_err(m, "out of memory");
    }
    int rc = mon_log_close(m); /* one log at a time */
    m->log_out0 = m->out;
    m->log_err0 = m->err;
    m->out = out;
    m->err = err;
    m->log = f;
    m->log_w = w;
    m->log_path = path;
    mon_out_line(m, "logging the session to %s ('log off' stops)", path);
    return rc;
}

/* ---- words from other tools ---- */

/* Commands of gdb, QEMU's monitor and SIMH with no command of that name
 * here: what to type instead. */
static const struct {
    const char *word, *instead;
} foreign[] = {
    {"bt", "history (the last instructions executed)"},
    {"backtrace", "history (the last instructions executed)"},
    {"where", "history (the last instructions executed), or regs"},
    {"disassemble", "examine -i ADDR COUNT (or x/Ni ADDR)"},
    {"disas", "examine -i ADDR COUNT (or x/Ni ADDR)"},
    {"xp", "examine -p ADDR (physical, the default)"},
    {"system_reset", "reset"},
    {"tbreak", "until ADDR (a one-shot breakpoint)"},
    {"undisplay", "display delete N"},
    {"nobreak", "delete ID"},
    {"boot", "load FILE; go"},
    {"ipl", "load FILE; go"}, /* CP's and Hercules' */
    {"clear", "delete ID (see 'break list')"},
    {"disable", "delete ID, or ignore ID N to let its next N hits pass"},
    {"enable", "break ADDR again (deleted breakpoints are not kept)"},
    {"condition", "break ADDR if EXPR (a condition is given with its breakpoint)"},
    {"commands", "break ADDR do \"CMDS\" (commands are given with their breakpoint)"},
    {"reverse-stepi", "rstep [N]"},
    {"reverse-step", "rstep [N]"},
    {"rsi", "rstep [N]"},
    {"reverse-continue", "rcontinue"},
    {"reverse-next", "rstep N (no reverse 'next': back N instructions)"},
    {"reverse-nexti", "rstep N (no reverse 'next': back N instructions)"},
    {"rn", "rstep N (no reverse 'next': back N instructions)"},
    {"rni", "rstep N (no reverse 'next': back N instructions)"},
    {"rnext", "rstep N (no reverse 'next': back N instructions)"},
    {"reverse-finish", "rcontinue, or rstep N (no reverse 'finish')"},
    {"record", "rstep and rcontinue (the history is always kept)"},
    {"rwatch", "watch read ADDR"},
    {"awatch", "watch access ADDR"},
    {"savevm", "save FILE (the whole system)"},
    {"loadvm", "restore FILE (a snapshot 'save' wrote)"},
    {"analyze", "the command line's 'tgm analyze' (Theorems 1-3 per profile)"},
    {"counterexample", "the command line's 'tgm counterexample'"},
    {"isa", "the command line's 'tgm isa'"},
};

const char *mon_quote_hint(const char *path, int err)
{
    size_t n = strlen(path);
    if (err != ENOENT || n < 2 || path[0] != '\'' || path[n - 1] != '\'')
        return "";
    return " (the single quotes are part of the name: only double quotes group words)";
}

/* In any case, as the commands are taken ('BT', CP's 'IPL'). */
const char *mon_foreign(const char *word)
{
    for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
        if (!strcasecmp(word, foreign[i].word))
            return foreign[i].instead;
    return NULL;
}
