/* mon.c: the monitor's core: the session, the command loop, word splitting,
 * command dispatch and error lines.
 *
 * A session holds the bare machine of section 2 and, once a VM exists, the
 * control program of sections 4-6.  Every command goes through
 * mon_exec_line; a failed command prints one line and changes nothing.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "complete.h"
#include "mon_impl.h"
#include "reader.h"

static volatile sig_atomic_t interrupted;
/* Ctrl-C since the prompt was last shown: the run that reported it has
 * cleared 'interrupted', but the line and a script under way go no further */
static volatile sig_atomic_t abandoned;
static volatile sig_atomic_t terminating; /* the signal that ends the session */
/* Ctrl-C that no stop has reported yet, its ^C's line still open on the
 * terminal (mon_take_interrupt ends it): CARET_ECHOED when the terminal
 * echoed the ^C, CARET_UNSEEN when its echo was off (a run's keys go to
 * the guest), so that the monitor draws it */
enum { CARET_ECHOED = 1, CARET_UNSEEN = 2 };
static volatile sig_atomic_t caret;

void mon_interrupt(void)
{
    interrupted = abandoned = 1;
    caret = CARET_ECHOED;
}

bool mon_stop_requested(void) { return interrupted != 0; }
/* The ^C's line stays open: the next stop, error or prompt ends it
 * (a command that ends after its last check for Ctrl-C dropped it). */
void mon_clear_interrupt(void) { interrupted = 0; }
bool mon_abandoned(const struct mon *m) { return m->interactive && abandoned; }
void mon_clear_abandoned(void) { abandoned = 0; }

void mon_set_error_prefix(struct mon *m, const char *prefix)
{
    m->err_prefix = prefix;
}

void mon_set_output(struct mon *m, FILE *out)
{
    m->out = out;
}

struct mon *mon_create(FILE *out, FILE *err)
{
    struct mon *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->out = out;
    m->err = err;
    m->bare_cfg.q = TGM_Q_DEFAULT;
    m->bare_cfg.profile = isa_profile_default();
    m->bare = machine_create(&m->bare_cfg);
    if (!m->bare) {
        free(m);
        return NULL;
    }
    m->focus = MON_FOCUS_BARE;
    m->next_bp = 1;
    m->limit = MON_SCRIPT_LIMIT;
    m->live_console = true;
    m->rev_every = MON_REV_EVERY;
    m->trace_cap = 16u << 20;
    mon_ring_resize(m, MON_RING_DEFAULT);
    mon_trace_apply(m); /* so that 'step' fills the ring from the start */
    return m;
}

int mon_end(struct mon *m)
{
    int rc = mon_log_close(m);
    return mon_trace_close(m) | rc;
}

void mon_destroy(struct mon *m)
{
    if (!m)
        return;
    mon_end(m);
    mon_display_free(m);
    mon_rev_free(m);
    timeline_free(m->timeline);
    mon_bp_free_all(m);
    free(m->pending);
    free(m->ring);
    mon_symix_free(m);
    image_free(&m->bare_img);
    for (int i = 0; i < VMM_MAX_VMS; i++)
        image_free(&m->vm_img[i]);
    for (int i = MON_FOCUS_BARE; i < VMM_MAX_VMS; i++)
        mon_set_program_files(m, i, NULL);
    if (m->vmm)
        vmm_destroy(m->vmm);
    machine_destroy(m->bare);
    free(m->histfile);
    free(m);
}

struct machine *mon_machine(struct mon *m) { return m->bare; }
struct vmm *mon_vmm(struct mon *m) { return m->vmm; }

bool mon_finished(const struct mon *m, int *status)
{
    if (m->finished && status)
        *status = m->status;
    return m->finished;
}

int mon_output_errno(const struct mon *m) { return m->out_errno; }

/* Part of an error's one line, its control characters shown escaped. */
static void err_part(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void err_part(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(f, fmt, ap);
    va_end(ap);
}

/* The terminal the line is edited on: the reader's (standard output, or
 * the terminal itself when the output is a pipe), else standard error if
 * it is one; NULL when there is none. */
static FILE *terminal(const struct mon *m)
{
    if (m->edit)
        return ((const struct mon_reader *)m->edit)->term;
    return isatty(fileno(m->err)) ? m->err : NULL;
}

/* The one place that ends the line of a Ctrl-C's ^C: on the terminal, never
 * on the output, which may be a pipe that gets only the commands' output
 * (docs/monitor.md, "Output to a pipe"). */
static void end_caret_line(struct mon *m)
{
    int c = caret;
    caret = 0;
    FILE *t = c && m->interactive ? terminal(m) : NULL;
    if (!t)
        return;
    if (m->in_run) /* the guest's line first, ended */
        mon_console_settle(m);
    if (t != m->out && isatty(fileno(m->out)))
        fflush(m->out); /* the same screen: what came before goes first */
    fputs(c == CARET_UNSEEN ? "^C\n" : "\n", t);
    fflush(t);
}

void mon_take_interrupt(struct mon *m)
{
    end_caret_line(m);
    mon_clear_interrupt();
}

int mon_err(struct mon *m, const char *fmt, ...)
{
    va_list ap;
    m->errs_said++;
    if (m->in_run) /* as mon_out: after the guest's line, not inside it */
        mon_console_settle(m);
    end_caret_line(m); /* a wait Ctrl-C ended (a FIFO's open): not on its ^C's line */
    if (m->err_prefix)
        fputs(m->err_prefix, m->err);
    else if (m->src_name) /* a script's name may hold a newline or an escape */
        err_part(m->err, "%s:%d: ", m->src_name, m->src_line);
    if (m->cur && !m->err_prefix)
        fprintf(m->err, "%s: ", m->cur->name);
    va_start(ap, fmt);
    tgm_vfprint_line(m->err, fmt, ap); /* one line, whatever it quotes */
    va_end(ap);
    fputc('\n', m->err);
    fflush(m->err);
    return -1;
}

/* A word of nothing but operators between two others: an expression typed
 * with spaces, which the command took as several words. */
static bool operator_word(const char *w)
{
    return *w && strspn(w, "+-*/%&|^<>=!~") == strlen(w);
}

/* The first such word of ARGV, or 0. */
int mon_spaced_expr(int argc, char **argv)
{
    for (int k = 2; k + 1 < argc; k++)
        if (operator_word(argv[k]) && !operator_word(argv[k - 1]))
            return k;
    return 0;
}

int mon_usage(struct mon *m, int argc, char **argv)
{
    int k = mon_spaced_expr(argc, argv);
    if (!k) {
        for (int i = 1; i < argc; i++)
            if (mon_unclosed(argv[i])) /* as mon_arg says it of a word it evaluates */
                return mon_err(m, "usage: %s ('%.*s%s' is one word of the command: quote an "
                               "expression that has spaces)", m->cur->usage, MON_QUOTE(argv[i]));
        return mon_err(m, "usage: %s", m->cur->usage);
    }
    return mon_err(m, "usage: %s ('%.*s%s %.*s%s %.*s%s' is an expression: one word, as "
                   "%.*s%s%.*s%s%.*s%s, or in double quotes)", m->cur->usage,
                   MON_QUOTE(argv[k - 1]), MON_QUOTE(argv[k]), MON_QUOTE(argv[k + 1]),
                   MON_QUOTE(argv[k - 1]), MON_QUOTE(argv[k]), MON_QUOTE(argv[k + 1]));
}

int mon_not_mid_run(struct mon *m)
{
    return m->in_bp_cmds ? mon_err(m, "not in a breakpoint's commands: the run that stopped "
                                      "there is still under way")
                         : 0;
}

void mon_out(struct mon *m, const char *fmt, ...)
{
    va_list ap;
    if (m->in_run) /* the guest's output comes first, and ends its line */
        mon_console_settle(m);
    va_start(ap, fmt);
    vfprintf(m->out, fmt, ap);
    va_end(ap);
}

void mon_out_line(struct mon *m, const char *fmt, ...)
{
    va_list ap;
    if (m->in_run)
        mon_console_settle(m);
    va_start(ap, fmt);
    tgm_vfprint_line(m->out, fmt, ap);
    va_end(ap);
    fputc('\n', m->out);
}

void *mon_room(void *items, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return items;
    size_t nc = *cap ? 2 * *cap : 16;
    void *p = realloc(items, nc * size);
    if (p)
        *cap = nc;
    return p;
}

long mon_quoted_word(char *s, bool whole)
{
    if (*s != '"')
        return 0;
    bool quoted = false;
    const char *p = s;
    do { /* to its closing quote, first, so that nothing is changed before */
        if (!*p)
            return -1;
        p += mon_quote_step(p, &quoted);
    } while (quoted);
    long took = (long)(p - s);
    if (whole && *p)
        return 0;
    char *o = s;
    p = s;
    do {
        bool was = quoted;
        size_t k = mon_quote_step(p, &quoted);
        if (k == 2) /* an escape: its second character */
            *o++ = p[1];
        else if (was == quoted)
            *o++ = *p;
        p += k;
    } while (quoted);
    *o = '\0';
    return took;
}

/* Split LINE into words.  Double quotes group words and keep ';' and '#';
 * inside them \" and \\ are escapes.  Outside them '"' and '\"' are
 * character constants, kept as written.  An unquoted '#' at the start of a
 * word begins a comment. */
int mon_split(const char *line, char *buf, size_t buflen, char **argv, int max,
              char *err, size_t errlen)
{
    const char *s = line;
    char *o = buf, *end = buf + buflen;
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        if (!*s || *s == '#')
            break;
        if (n == max) {
            snprintf(err, errlen, "too many words (at most %d)", max);
            return -1;
        }
        argv[n++] = o;
        bool quoted = false;
        while (*s && (quoted || (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n'))) {
            size_t lit = quoted ? 0 : mon_char_quote(s);
            if (lit) { /* '"' is a character constant, not a quote */
                if ((size_t)(end - o) < lit) {
                    snprintf(err, errlen, "line too long");
                    return -1;
                }
                memcpy(o, s, lit);
                o += lit;
                s += lit;
                continue;
            }
            char c = *s++;
            if (c == '"') {
                quoted = !quoted;
                continue;
            }
            if (quoted && c == '\\' && (*s == '"' || *s == '\\'))
                c = *s++;
            if (o == end) {
                snprintf(err, errlen, "line too long");
                return -1;
            }
            *o++ = c;
        }
        if (quoted) {
            snprintf(err, errlen, "missing closing quote");
            return -1;
        }
        if (o == end) {
            snprintf(err, errlen, "line too long");
            return -1;
        }
        *o++ = '\0';
    }
    return n;
}

static int exec_word(struct mon *m, const char *text, size_t wl, char *word, char *fmt,
                     char *why, size_t whylen);

/* Execute one command (no ';' outside quotes). */
static int exec_cmd(struct mon *m, const char *text)
{
    while (*text == ' ' || *text == '\t')
        text++;
    if (!*text || *text == '#')
        return 0;
    /* the word, a format word after it and the error quoting them, each as
     * long as the line: an unknown command is named as typed, and x/NF
     * with a long format is still examine */
    size_t wl = strcspn(text, " \t"), len = strlen(text), whylen = len + 256;
    char *buf = malloc(2 * (len + 1) + whylen);
    if (!buf) {
        m->cur = NULL;
        return mon_err(m, "out of memory");
    }
    int rc = exec_word(m, text, wl, buf, buf + len + 1, buf + 2 * (len + 1), whylen);
    free(buf);
    return rc;
}

/* exec_cmd's work: WORD and FMT have room for TEXT, WHY WHYLEN bytes. */
static int exec_word(struct mon *m, const char *text, size_t wl, char *word, char *fmt,
                     char *why, size_t whylen)
{
    memcpy(word, text, wl);
    word[wl] = '\0';
    /* gdb's x/4x, p/o: the command, then its format */
    char *slash = strchr(word, '/');
    if (slash)
        *slash++ = '\0';
    m->cur = NULL;
    if (slash && !*word) /* not "unknown command ''" */
        return mon_err(m, "no command before '/%.*s%s' (gdb's forms are x/NF ADDR and p/F "
                       "EXPR)", MON_QUOTE(slash));
    const struct mon_cmd *c = mon_cmd_find(word, why, whylen);
    if (!c)
        return mon_err(m, "%s", why);
    if (slash && c->fn != mon_cmd_examine && c->fn != mon_cmd_print &&
        c->fn != mon_cmd_display) {
        m->cur = c;
        int rc = mon_err(m, "takes no /FORMAT (examine, print and display do)");
        m->cur = NULL;
        return rc;
    }
    const char *rest = text + wl;
    while (*rest == ' ' || *rest == '\t')
        rest++;
    /* QEMU's monitor (and gdb) take the format as a word of its own,
     * 'x /4x ADDR'; no address or expression begins with '/' */
    size_t fl = strcspn(rest, " \t");
    if (!slash && rest[0] == '/' &&
        (c->fn == mon_cmd_examine || c->fn == mon_cmd_print || c->fn == mon_cmd_display)) {
        memcpy(fmt, rest + 1, fl - 1);
        fmt[fl - 1] = '\0';
        slash = fmt;
        rest += fl;
        while (*rest == ' ' || *rest == '\t')
            rest++;
    }
    size_t len = strlen(rest) + 1;
    /* a word and its separator take two bytes: room for every word the
     * line can hold (deposit's values, do's arguments, check's files),
     * the command's name and the NULL after them */
    size_t maxw = len / 2 + 1;
    char *buf = malloc(len < 2 ? 2 : len);
    char **argv = buf ? malloc((maxw + 2) * sizeof *argv) : NULL;
    int argc;
    if (!argv) {
        free(buf);
        return mon_err(m, "out of memory");
    }
    argv[0] = (char *)c->name;
    m->cur = c;
    /* a run in a breakpoint's commands would nest in the run that stopped
     * there (and one that hits the same breakpoint, without end): as in
     * gdb, it ends the list, and runs once that run has stopped */
    if (m->in_bp_cmds && (c->flags & CMD_RUNS) && (c->fn != mon_cmd_stack || *rest)) {
        free(argv);
        free(buf);
        free(m->pending);
        m->pending = strdup(text);
        m->cur = NULL;
        return m->pending ? 0 : mon_err(m, "out of memory");
    }
    if (!(c->flags & CMD_KEEPS))
        m->bp_cmds_kept = false;
    if (c->flags & CMD_RAW) {
        memcpy(buf, rest, len);
        for (size_t k = len - 1; k > 0 && (buf[k - 1] == ' ' || buf[k - 1] == '\t' ||
                                           buf[k - 1] == '\r'); k--)
            buf[k - 1] = '\0';
        argv[1] = buf;
        argc = *buf ? 2 : 1;
    } else {
        char err[128];
        int n = mon_split(rest, buf, len < 2 ? 2 : len, argv + 1,
                          maxw > INT_MAX ? INT_MAX : (int)maxw, err, sizeof err);
        if (n < 0) {
            free(argv);
            free(buf);
            int rc = mon_err(m, "%s", err);
            m->cur = NULL;
            return rc;
        }
        argc = n + 1;
    }
    argv[argc] = NULL;
    int rc;
    m->slash = slash;
    bool top = !m->in_bp_cmds; /* not a command of a breakpoint's commands */
    if (top)
        m->bp_cmds_failed = false;
    struct vm_info vi;
    if (argc - 1 < c->min_args || (c->max_args >= 0 && argc - 1 > c->max_args))
        rc = mon_usage(m, argc, argv);
    else if (m->focus != MON_FOCUS_BARE && mon_focus_info(m, &vi) != 0)
        rc = -1; /* no command acts on a VM that is gone */
    else
        rc = c->fn(m, argc, argv);
    if (top && m->bp_cmds_failed) { /* they said why; the command that ran them fails */
        m->bp_cmds_failed = false;
        rc = -1;
    }
    m->cur = NULL;
    m->slash = NULL;
    free(argv);
    free(buf);
    errno = 0;
    if ((fflush(m->out) != 0 || ferror(m->out)) && !m->out_errno)
        m->out_errno = mon_write_error(errno);
    /* under a log m->out is the tee: the screen's own stream holds the
     * output, and must reach it before the next error line as without one */
    if (m->log && (fflush(m->log_out0) != 0 || ferror(m->log_out0)) && !m->out_errno)
        m->out_errno = mon_write_error(errno);
    if (m->trace_file)
        fflush(m->trace_file);
    return rc < 0 ? -1 : 0;
}

/* The real machine the focused machine's runs count their steps on. */
static uint64_t real_steps(struct mon *m)
{
    return machine_steps(m->focus == MON_FOCUS_BARE || !m->vmm ? m->bare : vmm_machine(m->vmm));
}

/* Execute one command, then the run commands that breakpoints' lists left
 * for after its stop, one after another: a list that runs into its own
 * breakpoint again loops, as in gdb, but never recursively, and in a script
 * no further than the step limit allows the whole chain (Ctrl-C stops it
 * at the terminal). */
static int exec_one(struct mon *m, const char *text)
{
    if (m->in_bp_cmds || m->chaining)
        return exec_cmd(m, text);
    uint64_t s0 = real_steps(m);
    int rc = exec_cmd(m, text);
    m->chaining = true;
    while (m->pending) {
        char *next = m->pending;
        m->pending = NULL;
        uint64_t spent = real_steps(m) - s0;
        if (rc != 0 || m->finished || terminating || mon_stop_requested() ||
            mon_abandoned(m)) {
            /* the run failed or is to end: what its list asked is not done */
        } else if (m->limit && spent >= m->limit) {
            mon_out(m, "step limit (%llu) reached by this command and its breakpoints' "
                    "commands: '%s' is not run\n", (unsigned long long)m->limit, next);
        } else {
            rc = exec_cmd(m, next);
        }
        free(next);
    }
    m->chaining = false;
    return rc;
}

/* A breakpoint's list has ended: with 'continue', or a run left pending. */
static bool list_ended(const struct mon *m)
{
    return m->in_bp_cmds && (m->resume || m->pending);
}

/* How much a failure under on-error E counts: none (-1) < continue <
 * finish < stop. */
static int onerr_rank(int e)
{
    return e == ONERR_STOP ? 3 : e == ONERR_FINISH ? 2 : e == ONERR_CONTINUE ? 1 : 0;
}

int mon_exec_line(struct mon *m, const char *line)
{
    const char *s = line;
    bool quoted = false;
    const char *start = s;
    size_t cap = strlen(line) + 1;
    char *one = malloc(cap);
    if (!one)
        return mon_err(m, "out of memory");
    int rc = 0, worst = -1;
    for (size_t k = 1;; s += k) {
        bool was = quoted;
        if ((k = mon_quote_step(s, &quoted)) == 2 || was != quoted)
            continue; /* an escape or a quote: "a\\" ends at its second '"' */
        bool comment = *s == '#' && !quoted &&
                       (s == line || s[-1] == ' ' || s[-1] == '\t' || s[-1] == ';');
        if (*s && !comment && (quoted || *s != ';'))
            continue;
        memcpy(one, start, (size_t)(s - start));
        one[s - start] = '\0';
        FILE *log0 = m->log;
        bool cut0 = m->cut_at_semicolon; /* (a breakpoint's list runs inside) */
        m->cut_at_semicolon = *s == ';';
        int one_rc = exec_one(m, one);
        m->cut_at_semicolon = cut0;
        /* 'log F; go': the rest of the line goes to the new log too, when
         * it runs (not after an 'exit' or a failure that ends the script) */
        bool ends = one_rc != 0 && (m->on_error == ONERR_STOP || m->interactive);
        if (m->log && m->log != log0 && *s == ';' && !m->in_bp_cmds && !ends &&
            !m->finished && !terminating && !list_ended(m) && !mon_abandoned(m))
            mon_log_command(m, s + 1 + strspn(s + 1, " \t"));
        if (one_rc != 0) {
            rc = -1;
            if (onerr_rank(m->on_error) > onerr_rank(worst))
                worst = (int)m->on_error;
            if (m->on_error == ONERR_FINISH && !m->interactive)
                m->failed = true; /* an 'exit' later on this line exits 1 */
            if (m->on_error == ONERR_STOP || m->interactive)
                break;
        }
        /* Ctrl-C at the terminal returns to the prompt: the rest of the
         * line is not run (a breakpoint's list ends as its run does) */
        if (!*s || comment || m->finished || terminating || list_ended(m) ||
            (mon_abandoned(m) && !m->in_bp_cmds))
            break;
        start = s + 1;
    }
    free(one);
    m->line_onerr = worst; /* after any line run inside this one */
    return rc;
}

int mon_loop(struct mon *m, struct mon_reader *r)
{
    const char *saved_name = m->src_name;
    int saved_line = m->src_line;
    int status = 0;
    const char *line;
    /* the file the commands come from, which no writer may replace: the
     * script's, or the one standard input is redirected from */
    const char *from = r->script ? r->name : r->f == stdin ? "/dev/stdin" : NULL;
    bool pushed = from && m->nscripts <= MON_MAX_DEPTH;
    if (pushed)
        m->scripts[m->nscripts++] = from;
    /* a breakpoint's 'continue' (or a run left pending) ends its commands, in a
     * script they 'do' too */
    /* a script run at the terminal ends at Ctrl-C, back to the prompt */
    while (!m->finished && !terminating && !list_ended(m) &&
           (r->interactive || !mon_abandoned(m)) && (line = r->next(r)) != NULL) {
        errno = 0;
        char *text = r->script ? mon_substitute(r, line) : NULL;
        int why = errno;
        bool lost = r->script && !text && !r->nul_col; /* not run without its arguments */
        const struct mon_cmd *cur = m->cur;
        m->src_name = r->name;
        m->src_line = r->line;
        mon_log_command(m, text ? text : line);
        /* about the script's line, as below, not the 'do' that reads it */
        if (lost || r->nul_col)
            m->cur = NULL;
        m->line_onerr = (int)m->on_error; /* a line not run fails as it stands */
        int rc = r->nul_col ? mon_err(m, "a NUL byte at column %zu: not a monitor script",
                                      r->nul_col)
                 : !lost ? mon_exec_line(m, text ? text : line)
                 : why == E2BIG ? mon_err(m, "line longer than %u bytes once %%1..%%9 and %%* "
                                         "are replaced: not run", MON_LINE_MAX)
                                : mon_err(m, "out of memory");
        if (lost || r->nul_col)
            m->cur = cur;
        free(text);
        if (r->interactive && m->out_errno) /* a full disk, a pipe gone: no one sees more */
            break;
        /* each failure counts as the on-error in force when it failed, not
         * as one a later command on the line set */
        int onerr = m->line_onerr;
        if (rc == 0 || r->interactive || onerr == ONERR_CONTINUE)
            continue;
        status = 1;
        m->failed = true;
        if (onerr == ONERR_STOP)
            break;
    }
    /* what follows is about the script, not the command (`do`) reading it:
     * "FILE:LINE: why", as for -f */
    const struct mon_cmd *cur = m->cur;
    m->cur = NULL;
    if (r->read_errno) { /* the rest of the script is lost: a failure */
        m->src_name = r->name;
        m->src_line = r->line + 1;
        mon_err(m, "cannot read: %s", strerror(r->read_errno));
        status = 1;
        m->failed = true;
    }
    if (r->toolong) {
        m->src_name = r->name;
        m->src_line = r->line + 1;
        mon_err(m, "line longer than %u bytes: not a monitor script", MON_LINE_MAX);
        status = 1;
        m->failed = true;
    }
    m->cur = cur;
    m->src_name = saved_name;
    m->src_line = saved_line;
    if (pushed)
        m->nscripts--;
    return status;
}

/* The process status once a top-level loop has ended. */
static int final_status(struct mon *m, int loop_status)
{
    if (terminating) /* as a shell reports a command a signal ended */
        return 128 + terminating;
    if (m->finished)
        return m->status;
    return loop_status;
}

int mon_run_script(struct mon *m, const char *path, int argc, char **argv)
{
    struct mon_reader r;
    char err[MON_PATH_ERR];
    if (mon_reader_file(&r, path, err, sizeof err) != 0) {
        mon_err_line(m, "tgm: monitor: %s", err);
        return final_status(m, 2); /* a FIFO's open that a signal ended: 128 + it */
    }
    r.nargs = argc;
    r.args = argv;
    int st = mon_loop(m, &r);
    r.close(&r);
    return final_status(m, st);
}

int mon_run_stream(struct mon *m, FILE *in, const char *name)
{
    struct mon_reader r;
    mon_reader_stream(&r, in, name);
    int st = mon_loop(m, &r);
    r.close(&r);
    return final_status(m, st);
}

int mon_run_string(struct mon *m, const char *commands)
{
    struct mon_reader r;
    mon_reader_string(&r, commands);
    int st = mon_loop(m, &r);
    r.close(&r);
    return final_status(m, st);
}

/* Ctrl-C sets the flag and wakes the prompt's poll through a pipe, so a
 * signal that lands just before the terminal read is not lost. */
static int wake[2] = {-1, -1};

int mon_wakeup_fd(void) { return wake[0]; }

/* In a handler: wake the prompt's poll (errno kept). */
static void wake_prompt(void)
{
    if (wake[1] >= 0) {
        int e = errno;
        ssize_t n = write(wake[1], "", 1);
        (void)n;
        errno = e;
    }
}

static void on_sigint(int sig)
{
    (void)sig;
    /* did the terminal echo the ^C?  (tcgetattr is async-signal-safe) */
    int e = errno;
    struct termios t;
    bool echoed = tcgetattr(STDIN_FILENO, &t) == 0 && (t.c_lflag & ECHO) &&
                  (t.c_lflag & ECHOCTL);
    errno = e;
    interrupted = abandoned = 1;
    caret = echoed ? CARET_ECHOED : CARET_UNSEEN;
    wake_prompt();
}

int mon_termination_signal(void) { return terminating; }

static void on_terminate(int sig)
{
    terminating = sig;
    interrupted = abandoned = 1; /* the run stops; the prompt wakes */
    caret = CARET_ECHOED;        /* no ^C was typed: no ^C to draw */
    wake_prompt();
}

/* Put HANDLER on SIG with FLAGS, the old action in OLD, unless SIG is
 * ignored: a signal ignored when tgm started (nohup's SIGHUP, a background
 * job's SIGINT) stays ignored, as in a shell. */
static void catch_signal(int sig, void (*handler)(int), int flags, struct sigaction *old)
{
    if (sigaction(sig, NULL, old) != 0 || old->sa_handler == SIG_IGN)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    sigaction(sig, &sa, NULL);
}

/* A terminal that hangs up sends SIGHUP, but the kernel wakes the reader
 * first: the prompt's read may end before the signal comes, and the
 * session would end as at Ctrl-D, its output failing, status 2.  The
 * hang-up is taken for its SIGHUP here, when that is caught (not under
 * nohup). */
bool mon_hung_up(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    struct sigaction sa;
    /* (not isatty: a hung-up terminal fails tcgetattr) */
    if (poll(&p, 1, 0) != 1 || !(p.revents & POLLHUP))
        return false;
    if (sigaction(SIGHUP, NULL, &sa) == 0 && sa.sa_handler == on_terminate && !terminating)
        on_terminate(SIGHUP);
    return true;
}

void mon_catch_termination(void)
{
    static const int sigs[] = {SIGTERM, SIGHUP, SIGINT};
    struct sigaction old;
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        catch_signal(sigs[i], on_terminate, 0, &old); /* a blocked read returns */
}

/* Ctrl-Z: give the terminal back as it was before the monitor touched it,
 * stop, and on 'fg' restore the mode in use and have the line redrawn.
 * tcgetattr, tcsetattr, sigprocmask, raise and write are async-signal-safe. */
static struct termios orig_tio;
static bool have_orig_tio;
static volatile sig_atomic_t redraw;

bool mon_take_redraw(void)
{
    bool r = redraw != 0;
    redraw = 0;
    return r;
}

static void on_sigtstp(int sig)
{
    int e = errno;
    struct termios cur;
    bool tty = have_orig_tio && tcgetattr(STDIN_FILENO, &cur) == 0;
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &orig_tio);
    struct sigaction dfl, mine;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, &mine);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(sig); /* stops here until SIGCONT */
    sigprocmask(SIG_BLOCK, &set, NULL);
    sigaction(sig, &mine, NULL);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSANOW, &cur);
    redraw = 1;
    wake_prompt();
    errno = e;
}

/* A window resized: libedit learns the new width at the prompt's next
 * wake (it is told only through EL_SIGNAL, whose handlers would be its own). */
static volatile sig_atomic_t resized;

bool mon_take_resize(void)
{
    bool r = resized != 0;
    resized = 0;
    return r;
}

static void on_sigwinch(int sig)
{
    (void)sig;
    resized = 1;
    wake_prompt();
}

int mon_run_interactive(struct mon *m)
{
    struct mon_reader r;
    /* the terminal's character set, as tc1.c does; before el_init, which
     * makes the printable bytes 0x80-0xff (e acute...) keys that insert */
    setlocale(LC_CTYPE, "");
    if (mon_reader_edit(&r, m) != 0) {
        fprintf(m->err, "warning: line editing is unavailable; reading plain lines\n");
        return mon_run_stream(m, stdin, NULL);
    }
    /* A read at the prompt returns, and a run stops. */
    struct sigaction old, old_tstp, old_winch;
    if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) != 0)
        wake[0] = wake[1] = -1;
    /* Ctrl-C ends a wait in open or read (a FIFO's), never a write to the
     * output (mon_steady_stream); Ctrl-Z and a resize end neither */
    catch_signal(SIGINT, on_sigint, 0, &old);
    have_orig_tio = tcgetattr(STDIN_FILENO, &orig_tio) == 0;
    /* Ctrl-C keeps the output queued for the terminal, which the kernel
     * threw away (docs/monitor.md, "Waits": nothing is lost); after
     * libedit's set-up, which clears NOFLSH */
    struct termios t = orig_tio;
    t.c_lflag |= NOFLSH;
    bool noflsh = have_orig_tio && !(orig_tio.c_lflag & NOFLSH) &&
                  tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
    catch_signal(SIGTSTP, on_sigtstp, SA_RESTART, &old_tstp);
    catch_signal(SIGWINCH, on_sigwinch, SA_RESTART, &old_winch);
    m->interactive = true;
    m->limit = 0;
    fprintf(m->out, "tgm monitor: bare machine of %u words (%s).  'help' lists commands; "
                    "Ctrl-C stops a run; Ctrl-D quits.\n",
            machine_q(m->bare), machine_profile(m->bare)->name);
    fflush(m->out); /* before the prompt, wherever that goes */
    mon_loop(m, &r);
    r.close(&r);
    if (noflsh && tcgetattr(STDIN_FILENO, &t) == 0) { /* the terminal's own again */
        t.c_lflag &= ~(tcflag_t)NOFLSH;
        tcsetattr(STDIN_FILENO, TCSADRAIN, &t);
    }
    sigaction(SIGINT, &old, NULL);
    sigaction(SIGTSTP, &old_tstp, NULL);
    sigaction(SIGWINCH, &old_winch, NULL);
    for (int i = 0; i < 2; i++)
        if (wake[i] >= 0) {
            close(wake[i]);
            wake[i] = -1;
        }
    return final_status(m, 0);
}
