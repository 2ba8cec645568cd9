/* refscript.c: the model of refscript.h, written from docs/monitor.md. */
#include "refscript.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { STOP, CONTINUE, FINISH };
enum { OK, FAIL };

struct st {
    const struct rs_world *w;
    struct rs_result *r;
    int mode;
    bool counted;   /* a failure that makes 'exit' and the end say 1 */
    bool done;      /* 'exit' or 'quit' ran */
    int depth;      /* scripts run by 'do' */
    const char *running[40];
    int nrun;
    int log;        /* the open log, or -1 */
    int opens;      /* how many 'log FILE' opened */
    const char *pos;
    int line;
};

/* The commands of the command reference, in its order, and the other
 * names docs/monitor.md gives them. */
static const char *const cmds[] = {
    "load", "reset", "go", "continue", "step", "next", "finish", "rstep",
    "rcontinue", "until", "stop", "regs", "examine", "translate", "symbols",
    "print", "display", "info", "console", "show", "deposit", "assemble",
    "break", "watch", "delete", "ignore", "trace", "timeline", "history",
    "vm", "check", "nest", "stack", "save", "restore", "do", "assert",
    "log", "echo", "set", "help", "exit", "quit",
};
static const struct { const char *alias, *cmd; } aliases[] = {
    {"run", "go"}, {"psw", "regs"}, {"registers", "regs"},
    {"s", "step"}, {"g", "go"}, {"e", "examine"}, {"x", "examine"},
    {"c", "continue"}, {"d", "deposit"}, {"u", "until"}, {"b", "break"},
    {"r", "regs"}, {"w", "watch"}, {"t", "translate"}, {"p", "print"},
    {"a", "assemble"}, {"h", "help"}, {"?", "help"}, {"q", "quit"},
    {"n", "next"}, {"i", "info"}, {"ex", "examine"},
};
#define N(a) (sizeof a / sizeof a[0])

/* ---- output ---- */

static void to_log(struct st *s, const char *line)
{
    if (s->log >= 0)
        sbuf_printf(&s->r->log[s->log].text, "%s\n", line);
}

static void out(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out(struct st *s, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    sbuf_printf(&s->r->out, "%s\n", buf);
    to_log(s, buf);
}

static int fail(struct st *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct st *s, const char *fmt, ...)
{
    char buf[4096];
    int k = snprintf(buf, sizeof buf, "%s:%d: ", s->pos, s->line);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + k, sizeof buf - (size_t)k, fmt, ap);
    va_end(ap);
    sbuf_printf(&s->r->err, "%s\n", buf);
    to_log(s, buf);
    return FAIL;
}

static void close_log(struct st *s)
{
    if (s->log >= 0)
        s->r->log[s->log].written = true;
    s->log = -1;
}

/* ---- words ---- */

/* A command's words: double quotes group, \" and \\ inside them; a '#'
 * at the start of a word ends the line.  TEXT ends at the command's end. */
#define MAXW 24
struct words {
    char w[MAXW][512];
    int n;
    bool unclosed;
};

static void split_words(const char *p, const char *end, struct words *ws)
{
    ws->n = 0;
    ws->unclosed = false;
    for (;;) {
        while (p < end && isspace((unsigned char)*p))
            p++;
        if (p >= end || *p == '#')
            return;
        char *o = ws->w[ws->n];
        size_t k = 0;
        bool q = false;
        while (p < end && (q || !isspace((unsigned char)*p))) {
            if (*p == '"') {
                q = !q;
                p++;
            } else if (q && *p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\')) {
                o[k++] = p[1];
                p += 2;
            } else {
                o[k++] = *p++;
            }
        }
        o[k] = 0;
        if (q)
            ws->unclosed = true;
        if (ws->n < MAXW - 1)
            ws->n++;
    }
}

/* echo's text: the rest of the command as written, its quotes taken off,
 * spaces between words kept, none at its ends. */
static void echo_text(const char *p, const char *end, char *o, size_t cap)
{
    size_t k = 0, keep = 0;
    bool q = false;
    while (p < end && isspace((unsigned char)*p))
        p++;
    bool word_start = true;
    while (p < end && k + 2 < cap) {
        if (!q && *p == '#' && word_start)
            break;
        if (*p == '"') {
            q = !q;
            p++;
            keep = k;
            word_start = false;
        } else if (q && *p == '\\' && p + 1 < end && (p[1] == '"' || p[1] == '\\')) {
            o[k++] = p[1];
            p += 2;
            keep = k;
        } else {
            word_start = !q && isspace((unsigned char)*p);
            o[k++] = *p++;
            if (q || !word_start)
                keep = k;
        }
    }
    o[keep] = 0;
}

/* The end of the command that starts at P: a ';' outside quotes, a
 * comment or the end of the line (*NEXT: where the next one starts). */
static const char *cmd_end(const char *p, const char **next)
{
    bool q = false, ws = true;
    for (; *p; p++) {
        if (q && *p == '\\' && (p[1] == '"' || p[1] == '\\')) {
            p++;
            continue;
        }
        if (*p == '"')
            q = !q;
        else if (!q && *p == ';') {
            *next = p + 1;
            return p;
        } else if (!q && ws && *p == '#') {
            *next = p + strlen(p);
            return p;
        }
        ws = isspace((unsigned char)*p);
    }
    *next = p;
    return p;
}

/* ---- commands ---- */

/* The command W names: its name, or NULL after the error line. */
static const char *resolve(struct st *s, const char *w, const char *who)
{
    char lw[512];
    size_t n = strlen(w);
    if (n >= sizeof lw)
        n = sizeof lw - 1;
    for (size_t i = 0; i < n; i++)
        lw[i] = (char)tolower((unsigned char)w[i]);
    lw[n] = 0;
    for (size_t i = 0; i < N(cmds); i++)
        if (!strcmp(lw, cmds[i]))
            return cmds[i];
    for (size_t i = 0; i < N(aliases); i++)
        if (!strcmp(lw, aliases[i].alias))
            return aliases[i].cmd;
    char amb[512] = "";
    const char *hit = NULL;
    int nhit = 0;
    for (size_t i = 0; i < N(cmds); i++)
        if (!strncmp(lw, cmds[i], n)) {
            hit = cmds[i];
            nhit++;
            strcat(amb, " ");
            strcat(amb, cmds[i]);
        }
    for (size_t i = 0; i < N(aliases); i++)
        if (strlen(aliases[i].alias) > 2 && !strncmp(lw, aliases[i].alias, n) &&
            !strstr(amb, aliases[i].cmd)) {
            hit = aliases[i].cmd;
            nhit++;
            strcat(amb, " ");
            strcat(amb, aliases[i].cmd);
        }
    if (nhit == 1)
        return hit;
    if (nhit > 1)
        fail(s, "%sambiguous command '%s':%s", who, w, amb);
    else if (!strcmp(lw, "stpe"))
        fail(s, "%sunknown command '%s' (did you mean 'step'?)", who, w);
    else
        fail(s, "%sunknown command '%s' (try 'help')", who, w);
    return NULL;
}

/* The constant expressions a generated 'assert' uses: 1 true, 0 false,
 * else the error after "assert: ". */
static const struct { const char *e; int v; const char *err; } exprs[] = {
    {"1", 1, NULL}, {"0", 0, NULL}, {"3 == 3", 1, NULL}, {"0x10 == 16", 1, NULL},
    {"2 < 1", 0, NULL}, {"1 && 0", 0, NULL}, {"'c' == 99", 1, NULL},
    {"-1 < 0", 1, NULL}, {"0b101 != 5", 0, NULL}, {"(2+3)*4 == 20", 1, NULL},
    {"7 / 0", -1, "division by zero"}, {"", -1, "usage: assert EXPR"},
};

static int do_assert(struct st *s, const char *p, const char *end)
{
    char e[512];
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    snprintf(e, sizeof e, "%.*s", (int)(end - p), p);
    for (size_t i = 0; i < N(exprs); i++)
        if (!strcmp(e, exprs[i].e)) {
            if (exprs[i].err)
                return fail(s, "assert: %s", exprs[i].err);
            if (exprs[i].v)
                return OK;
            /* an expression with an operator adds its values after it */
            return fail(s, "assert: assertion failed: %s%c", e, RS_ANY);
        }
    fprintf(stderr, "refscript: no model of 'assert %s'\n", e);
    abort();
}

static const char *const keys[] = {
    "memory", "profile", "on-error", "limit", "ring", "histfile", "cp-memory",
    "cp-profile", "hybrid", "slice", "console", "checkpoint",
};

/* Settings whose value changes nothing the model follows: the error line
 * after "set: " for a bad value, NULL for a good one. */
static const struct { const char *key, *val, *err; } setv[] = {
    {"limit", "0", NULL}, {"limit", "5000", NULL}, {"limit", "x", "unknown name 'x'"},
    {"limit", "-1", "count -1 is negative"}, {"ring", "0", NULL}, {"ring", "1000000", NULL},
    {"ring", "1000001", "ring of 1000001 records is out of range (0..1000000)"},
    {"slice", "1", NULL}, {"slice", "0", "0 cycles is out of range (1..9223372036854775807)"},
    {"console", "off", NULL}, {"console", "ON", NULL}, {"console", "maybe", "console is on or off"},
    {"checkpoint", "7", NULL}, {"checkpoint", "0", "checkpoints must be at least one step apart"},
    {"hybrid", "off", NULL}, {"hybrid", "yes", "hybrid is on or off"},
    {"memory", "1", "1 word is out of range (2..524288)"},
    {"cp-memory", "5", "5 words is out of range (9..524288)"},
    {"profile", "x87", "unknown profile 'x87' (known: virtualizable \001) (did you mean 'x86'?)"},
    {"profile", "pdp11", "unknown profile 'pdp11' (known: \001) (did you mean 'pdp10' or 'pdp11-45'?)"},
};

static bool prefix_ci(const char *w, const char *full)
{
    size_t n = strlen(w);
    return n && n <= strlen(full) && !strncasecmp(w, full, n);
}

static int do_set(struct st *s, const struct words *ws)
{
    if (ws->n != 3) {
        if (ws->n == 2)
            return fail(s, "set: usage: set %s VALUE", ws->w[1]);
        return fail(s, "set: usage: set [KEY VALUE]");
    }
    const char *key = NULL;
    int nk = 0;
    for (size_t i = 0; i < N(keys); i++)
        if (!strcasecmp(ws->w[1], keys[i])) {
            key = keys[i];
            nk = 1;
            break;
        } else if (prefix_ci(ws->w[1], keys[i])) {
            key = keys[i];
            nk++;
        }
    if (nk != 1) {
        fprintf(stderr, "refscript: no model of 'set %s'\n", ws->w[1]);
        abort();
    }
    const char *v = ws->w[2];
    if (!strcmp(key, "on-error")) {
        if (prefix_ci(v, "stop"))
            s->mode = STOP;
        else if (prefix_ci(v, "continue"))
            s->mode = CONTINUE;
        else if (prefix_ci(v, "finish"))
            s->mode = FINISH;
        else
            return fail(s, "set: on-error is stop, continue or finish");
        return OK;
    }
    for (size_t i = 0; i < N(setv); i++)
        if (!strcmp(key, setv[i].key) && !strcmp(v, setv[i].val))
            return setv[i].err ? fail(s, "set: %s", setv[i].err) : OK;
    fprintf(stderr, "refscript: no model of 'set %s %s'\n", key, v);
    abort();
}

static int run_text(struct st *s, const char *name, const char *text, int argc,
                    const char *const *argv, bool subst);

static int do_do(struct st *s, const struct words *ws)
{
    if (ws->n < 2)
        return fail(s, "do: usage: do FILE [ARGS...]");
    /* the depth is checked before the file (the docs give no order) */
    if (s->depth >= 16)
        return fail(s, "do: scripts nested more than 16 deep");
    int f = -1;
    for (int i = 0; i < s->w->n; i++)
        if (!strcmp(s->w->path[i], ws->w[1]))
            f = i;
    if (f < 0)
        return fail(s, "do: cannot open script '%s': No such file or directory", ws->w[1]);
    const char *argv[MAXW];
    for (int i = 2; i < ws->n; i++)
        argv[i - 2] = ws->w[i];
    const char *pos = s->pos;
    int line = s->line, mode = s->mode;
    bool counted = s->counted;
    s->depth++;
    s->running[s->nrun++] = s->w->path[f];
    int rc = run_text(s, s->w->path[f], s->w->text[f], ws->n - 2, argv, true);
    /* a failure that ended it is the failed 'do''s: its caller's on-error
     * counts it or not (docs/monitor.md) */
    if (rc == FAIL && !s->done)
        s->counted = counted;
    s->nrun--;
    s->depth--;
    s->pos = pos;
    s->line = line;
    s->mode = mode; /* its 'set on-error' lasts until it ends */
    return rc;
}

static int do_exit(struct st *s, const struct words *ws, bool quit)
{
    int n = s->counted ? 1 : 0;
    if (quit && ws->n > 1)
        return fail(s, "quit: usage: quit");
    if (ws->n > 2)
        return fail(s, "exit: usage: exit [N]");
    if (ws->n == 2) {
        long v = strtol(ws->w[1], NULL, 10);
        if (v < 0 || v > 255)
            return fail(s, "exit: status %ld is out of range (0..255)", v);
        n = (int)v;
    }
    s->done = true;
    s->r->status = n;
    return OK;
}

static int do_log(struct st *s, const struct words *ws)
{
    struct rs_result *r = s->r;
    if (ws->n == 1) {
        if (s->log >= 0)
            out(s, "logging to %s", r->log[s->log].path);
        else
            out(s, "not logging ('log FILE' starts)");
        return OK;
    }
    if (!strcasecmp(ws->w[1], "off")) {
        if (s->log < 0)
            return fail(s, "log: not logging");
        int k = s->log;
        close_log(s);
        out(s, "log %s closed", r->log[k].path);
        return OK;
    }
    for (int i = 0; i < s->nrun; i++)
        if (!strcmp(s->running[i], ws->w[1]))
            return fail(s, "log: %s: a script being run is read from this file; "
                           "choose another file", ws->w[1]);
    if (s->log >= 0 && !strcmp(r->log[s->log].path, ws->w[1])) { /* kept going */
        out(s, "already logging the session to %s", ws->w[1]);
        return OK;
    }
    close_log(s);
    s->opens++;
    /* a log of a name used before replaces that one's file */
    for (s->log = 0; s->log < r->nlog; s->log++)
        if (!strcmp(r->log[s->log].path, ws->w[1]))
            break;
    if (s->log == r->nlog) {
        if (r->nlog == RS_LOGS)
            abort();
        r->nlog++;
    }
    sbuf_free(&r->log[s->log].text);
    r->log[s->log].written = false;
    snprintf(r->log[s->log].path, RS_PATH, "%.*s", RS_PATH - 1, ws->w[1]);
    out(s, "logging the session to %s ('log off' stops)", ws->w[1]);
    return OK;
}

static int run_command(struct st *s, const char *p, const char *end)
{
    struct words ws;
    split_words(p, end, &ws);
    if (ws.n == 0)
        return OK;
    const char *c = resolve(s, ws.w[0], "");
    if (!c)
        return FAIL;
    if (ws.unclosed)
        return fail(s, "%s: missing closing quote", c);
    const char *rest = p;
    while (isspace((unsigned char)*rest))
        rest++;
    while (rest < end && !isspace((unsigned char)*rest))
        rest++;
    if (!strcmp(c, "echo")) {
        char o[4096];
        echo_text(rest, end, o, sizeof o);
        out(s, "%s", o);
        return OK;
    }
    if (!strcmp(c, "assert"))
        return do_assert(s, rest, end);
    if (!strcmp(c, "set"))
        return do_set(s, &ws);
    if (!strcmp(c, "do"))
        return do_do(s, &ws);
    if (!strcmp(c, "exit") || !strcmp(c, "quit"))
        return do_exit(s, &ws, !strcmp(c, "quit"));
    if (!strcmp(c, "log"))
        return do_log(s, &ws);
    if (!strcmp(c, "help") && ws.n == 2) {
        if (!resolve(s, ws.w[1], "help: "))
            return FAIL;
    }
    fprintf(stderr, "refscript: no model of '%.*s'\n", (int)(end - p), p);
    abort();
}

/* %1..%9, %* and %% replaced by a script's arguments. */
static void substitute(const char *line, int argc, const char *const *argv, struct sbuf *o)
{
    sbuf_printf(o, "%s", "");
    for (const char *p = line; *p; p++) {
        if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
            int k = p[1] - '1';
            sbuf_printf(o, "%s", k < argc ? argv[k] : "");
            p++;
        } else if (*p == '%' && p[1] == '*') {
            for (int i = 0; i < argc; i++)
                sbuf_printf(o, "%s%s", i ? " " : "", argv[i]);
            p++;
        } else if (*p == '%' && p[1] == '%') {
            sbuf_printf(o, "%%");
            p++;
        } else {
            sbuf_printf(o, "%c", *p);
        }
    }
}

static int run_line(struct st *s, const char *line, bool *failed)
{
    const char *p = line;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p || *p == '#')
        return OK;
    if (s->log >= 0)
        sbuf_printf(&s->r->log[s->log].text, "tgm> %s\n", line);
    while (*p) {
        const char *next, *end = cmd_end(p, &next);
        int opens = s->opens;
        int rc = run_command(s, p, end);
        if (s->done)
            return OK;
        /* a log started mid-line begins with the rest of the line, when
         * it runs (as the code does; the docs do not say) */
        const char *rest = next;
        while (isspace((unsigned char)*rest))
            rest++;
        if (s->opens != opens && s->log >= 0 && *rest && !(rc == FAIL && s->mode == STOP))
            sbuf_printf(&s->r->log[s->log].text, "tgm> %s\n", rest);
        if (rc == FAIL) {
            if (s->mode == STOP) {
                s->counted = true;
                return FAIL;
            }
            if (s->mode == FINISH) {
                *failed = true;
                s->counted = true;
            }
        }
        p = next;
    }
    return OK;
}

static int run_text(struct st *s, const char *name, const char *text, int argc,
                    const char *const *argv, bool subst)
{
    bool failed = false;
    s->pos = name;
    s->line = 0;
    if (!strncmp(text, "\xef\xbb\xbf", 3))
        text += 3;
    while (*text) {
        const char *nl = strchr(text, '\n');
        size_t n = nl ? (size_t)(nl - text) : strlen(text);
        char *raw = strndup(text, n);
        struct sbuf line = {0};
        if (subst)
            substitute(raw, argc, argv, &line);
        else
            sbuf_printf(&line, "%s", raw);
        free(raw);
        s->pos = name;
        s->line++;
        int rc = run_line(s, line.s, &failed);
        sbuf_free(&line);
        if (s->done)
            return OK;
        if (rc == FAIL)
            return FAIL;
        text += n + (nl ? 1 : 0);
    }
    return failed ? FAIL : OK;
}

void rs_model(const struct rs_world *w, const struct rs_top *t, struct rs_result *r)
{
    memset(r, 0, sizeof *r);
    sbuf_printf(&r->out, "%s", "");
    sbuf_printf(&r->err, "%s", "");
    struct st s = {.w = w, .r = r, .mode = STOP, .log = -1};
    if (t->self)
        s.running[s.nrun++] = t->self;
    int rc;
    if (t->kind == RS_STRING) {
        s.pos = t->name;
        s.line = 1;
        bool failed = false;
        rc = run_line(&s, t->text, &failed);
        if (failed)
            rc = FAIL;
    } else {
        rc = run_text(&s, t->name, t->text, t->argc, t->argv, t->kind == RS_FILE);
    }
    if (!s.done)
        r->status = rc == FAIL ? 1 : 0;
    close_log(&s);
}

void rs_result_free(struct rs_result *r)
{
    sbuf_free(&r->out);
    sbuf_free(&r->err);
    for (int i = 0; i < r->nlog; i++)
        sbuf_free(&r->log[i].text);
}

static bool match_line(const char *t, size_t tn, const char *w, size_t wn)
{
    if (wn == 0)
        return tn == 0;
    if (*w == RS_ANY) {
        for (size_t k = 0; k <= tn; k++)
            if (match_line(t + k, tn - k, w + 1, wn - 1))
                return true;
        return false;
    }
    return tn > 0 && *t == *w && match_line(t + 1, tn - 1, w + 1, wn - 1);
}

bool rs_match(const char *text, size_t len, const char *want)
{
    const char *t = text, *te = text + len;
    const char *w = want;
    while (*w) {
        const char *wnl = strchr(w, '\n');
        size_t wn = wnl ? (size_t)(wnl - w) : strlen(w);
        const char *tnl = memchr(t, '\n', (size_t)(te - t));
        if (!tnl)
            return false;
        if (!match_line(t, (size_t)(tnl - t), w, wn))
            return false;
        t = tnl + 1;
        w += wn + (wnl ? 1 : 0);
    }
    return t == te;
}
