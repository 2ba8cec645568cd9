/* reader.c: the monitor's input (no paper section): command lines from a
 * script file, a pipe, a -c string, or the
 * terminal through libedit (set up as NetBSD's TEST/tc1.c does: history,
 * EL_ADDFN + EL_BIND "^I" for completion).
 *
 * The terminal reader also keeps the history file and turns Ctrl-C at the
 * prompt into a fresh prompt instead of an exit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <histedit.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "complete.h"
#include "mon_impl.h"
#include "reader.h"
#include "tgm/bytes.h"

/* ---- plain streams ---- */

static const char *stream_next(struct mon_reader *r)
{
    /* the limit is on the line's text: its first line's byte order mark
     * (BOM bytes) and the carriage returns ending it (CRS so far) do not
     * count, though CRS may not pass the limit either */
    size_t n = 0, bom = 0, crs = 0;
    int c = EOF;
    while (n - bom - crs <= MON_LINE_MAX && crs <= MON_LINE_MAX && (c = getc(r->f)) != EOF &&
           c != '\n') {
        char *b = mon_room(r->buf, n + 1, &r->cap, 1); /* c and the NUL */
        if (!b)
            return NULL;
        r->buf = b;
        r->buf[n++] = (char)c;
        crs = c == '\r' ? crs + 1 : 0;
        if (n == 3 && r->line == 0 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0)
            bom = 3;
    }
    if (n - bom - crs > MON_LINE_MAX || crs > MON_LINE_MAX) { /* /dev/zero, say: not a script */
        r->toolong = true;
        return NULL;
    }
    if (c == EOF && ferror(r->f) && errno != EINTR) { /* EIO, stdin a directory */
        r->read_errno = errno ? errno : EIO; /* (EINTR: a signal ends the session) */
        return NULL;
    }
    if (c == EOF && n == 0)
        return NULL;
    char *b = mon_room(r->buf, n, &r->cap, 1); /* an empty first line has no buffer yet */
    if (!b)
        return NULL;
    r->buf = b;
    r->buf[n] = '\0';
    while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r'))
        r->buf[--n] = '\0';
    if (r->line++ == 0 && n >= 3 && memcmp(r->buf, "\xef\xbb\xbf", 3) == 0) {
        n -= 3; /* a UTF-8 BOM, as editors write it: not part of the command */
        memmove(r->buf, r->buf + 3, n + 1);
    }
    size_t text = strlen(r->buf); /* a NUL would silently cut the line short */
    r->nul_col = text < n ? text + 1 : 0;
    return r->buf;
}

static void stream_close(struct mon_reader *r)
{
    if (r->own_f && r->f)
        fclose(r->f);
    free(r->buf);
    r->buf = NULL;
}

void mon_reader_stream(struct mon_reader *r, FILE *f, const char *name)
{
    memset(r, 0, sizeof *r);
    r->name = name;
    r->f = f;
    r->next = stream_next;
    r->close = stream_close;
}

int mon_reader_file(struct mon_reader *r, const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (!*path) {
        snprintf(err, errlen, "expected a file name, got ''");
        return -1;
    }
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "cannot run script '%.*s%s': it is a directory",
                 MON_PATH_QUOTE(path));
        return -1;
    }
    FILE *f = tgm_fopen_read(path);
    if (!f) {
        snprintf(err, errlen, "cannot open script '%.*s%s': %s%s", MON_PATH_QUOTE(path),
                 strerror(errno), mon_quote_hint(path, errno));
        return -1;
    }
    mon_reader_stream(r, f, path);
    r->own_f = true;
    r->script = true;
    return 0;
}

static const char *string_next(struct mon_reader *r)
{
    if (!r->str)
        return NULL;
    const char *s = r->str;
    r->str = NULL;
    r->line++;
    return s;
}

static void string_close(struct mon_reader *r) { (void)r; }

void mon_reader_string(struct mon_reader *r, const char *s)
{
    memset(r, 0, sizeof *r);
    r->name = "-c";
    r->str = s;
    r->next = string_next;
    r->close = string_close;
}

/* Append N bytes of S at OUT + *LEN (OUT may be NULL: only count). */
static void put(char *out, size_t *len, const char *s, size_t n)
{
    if (out)
        memcpy(out + *len, s, n);
    *len += n;
}

/* LINE with %1..%9, %* and %% replaced into OUT (NULL: only measure);
 * returns the length.  A %N beyond the arguments is empty. */
static size_t substitute(const struct mon_reader *r, const char *line, char *out)
{
    size_t len = 0;
    for (const char *s = line; *s; s++) {
        if (s[0] == '%' && s[1] >= '1' && s[1] <= '9') {
            int k = *++s - '1';
            if (k < r->nargs)
                put(out, &len, r->args[k], strlen(r->args[k]));
        } else if (s[0] == '%' && s[1] == '%') {
            put(out, &len, ++s, 1);
        } else if (s[0] == '%' && s[1] == '*') {
            s++;
            for (int i = 0; i < r->nargs; i++) {
                if (i)
                    put(out, &len, " ", 1);
                put(out, &len, r->args[i], strlen(r->args[i]));
            }
        } else {
            put(out, &len, s, 1);
        }
    }
    return len;
}

char *mon_substitute(const struct mon_reader *r, const char *line)
{
    size_t n = substitute(r, line, NULL);
    /* %1%1 in a script that does itself would double the line at every
     * level: the cap of a script's line holds for the line as run */
    if (n > MON_LINE_MAX) {
        errno = E2BIG;
        return NULL;
    }
    char *o = malloc(n + 1);
    if (!o)
        return NULL;
    substitute(r, line, o);
    o[n] = '\0';
    return o;
}

void mon_err_line(struct mon *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(m->err, fmt, ap);
    va_end(ap);
    fputc('\n', m->err);
    fflush(m->err);
}

/* ---- the terminal ---- */

const char *mon_history_file(const struct mon *m, char *buf, size_t len)
{
    if (m->histfile)
        return m->histfile[0] ? m->histfile : NULL;
    if (!m->edit)
        return NULL;
    const char *env = getenv("TGM_HISTORY");
    if (env)
        return env[0] ? env : NULL;
    const char *home = getenv("HOME");
    if (!home || !home[0])
        return NULL;
    snprintf(buf, len, "%s/.tgm_history", home);
    return buf;
}

#define HIST_MAX 1000 /* lines the terminal's history keeps */
#define HIST_FILE_MAX (16 << 20)

/* Why PATH cannot be the history file (it exists and is not libedit's,
 * or it cannot be made): -1 with WHY, or 0. */
static int history_problem(const char *path, char *why, size_t len)
{
    static const char cookie[] = "_HiStOrY_V2_\n"; /* what libedit's files begin with */
    struct stat st;
    if (stat(path, &st) != 0) /* made later, if the writer can */
        return tgm_wcheck(path, why, len);
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, len, "%s: is a directory", path);
        return -1;
    }
    if (S_ISCHR(st.st_mode))
        return 0; /* /dev/null, say: written in place, never loaded */
    if (!S_ISREG(st.st_mode)) { /* a FIFO's open would wait for a peer */
        snprintf(why, len, "%s: not a regular file", path);
        return -1;
    }
    if (st.st_size > HIST_FILE_MAX) { /* loading it takes its longest line in memory */
        snprintf(why, len, "%s: larger than %d bytes, the limit for a history file", path,
                 HIST_FILE_MAX);
        return -1;
    }
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, len, "cannot read '%.*s%s': %s", MON_PATH_QUOTE(path), strerror(errno));
        return -1;
    }
    char head[sizeof cookie] = "";
    size_t n = fread(head, 1, sizeof cookie - 1, f);
    fclose(f);
    if (n > 0 && memcmp(head, cookie, sizeof cookie - 1) != 0) {
        snprintf(why, len, "%s: not a history file (it would be replaced)", path);
        return -1;
    }
    return 0;
}

int mon_history_check(struct mon *m, const char *path)
{
    char why[4200];
    if (!m->edit || history_problem(path, why, sizeof why) == 0)
        return 0; /* a script writes no history */
    return mon_err(m, "%s; choose another file", why);
}

/* The default history file ($TGM_HISTORY, ~/.tgm_history), refused as
 * 'set histfile' refuses it: one warning, and no file this session, so
 * that the file is left as it is. */
static void history_default_check(struct mon *m)
{
    char buf[4096], why[4200];
    const char *path = m->histfile ? NULL : mon_history_file(m, buf, sizeof buf);
    if (!path || history_problem(path, why, sizeof why) == 0)
        return;
    char *none = strdup("");
    if (!none)
        return;
    m->histfile = none;
    mon_err_line(m, "warning: %s; no history file this session ('set histfile FILE' "
                    "chooses one)", why);
}

/* How many of this session's first lines the loaded list already ends with:
 * the file was this session's before ('set histfile' back to it). */
static size_t typed_in_list(struct mon_reader *r)
{
    HistEvent ev;
    size_t k = history(r->hist, &ev, H_GETSIZE) == 0 && ev.num > 0 ? (size_t)ev.num : 0;
    if (k > r->ntyped)
        k = r->ntyped;
    const char **tail = k ? malloc(k * sizeof *tail) : NULL;
    if (!tail)
        return 0;
    int ok = history(r->hist, &ev, H_FIRST); /* the newest */
    for (size_t i = 0; i < k; i++, ok = history(r->hist, &ev, H_NEXT))
        tail[k - 1 - i] = ok == 0 ? ev.str : "";
    size_t j = k;
    for (; j > 0; j--) {
        size_t i = 0;
        while (i < j && !strcmp(tail[k - j + i], r->typed[i]))
            i++;
        if (i == j)
            break;
    }
    free(tail);
    return j;
}

/* The list for the history file in force: its lines, then this session's,
 * as a session started with $TGM_HISTORY naming it would have. */
void mon_history_load(struct mon *m)
{
    struct mon_reader *r = m->edit;
    char buf[4096];
    HistEvent ev;
    if (!r || !r->hist)
        return;
    const char *path = mon_history_file(m, buf, sizeof buf);
    history(r->hist, &ev, H_CLEAR);
    struct stat st; /* only a file: /dev/zero's one endless line would fill memory */
    if (path && stat(path, &st) == 0 && S_ISREG(st.st_mode))
        history(r->hist, &ev, H_LOAD, path); /* appends */
    for (size_t i = typed_in_list(r); i < r->ntyped; i++)
        history(r->hist, &ev, H_ENTER, r->typed[i]);
}

/* Keep LINE as typed this session (a repeat of the last one is not). */
static void typed_add(struct mon_reader *r, const char *line)
{
    if (r->ntyped && !strcmp(r->typed[r->ntyped - 1], line))
        return;
    char *d = strdup(line);
    if (!d)
        return;
    if (r->ntyped == HIST_MAX) {
        free(r->typed[0]);
        memmove(r->typed, r->typed + 1, --r->ntyped * sizeof *r->typed);
    }
    char **nv = mon_room(r->typed, r->ntyped, &r->typedcap, sizeof *nv);
    if (!nv) {
        free(d);
        return;
    }
    r->typed = nv;
    r->typed[r->ntyped++] = d;
}

/* Cut the history W holds to its newest whole lines within HIST_FILE_MAX,
 * the most a session reads (1,000 lines of 17 KB pass it); the list keeps
 * them all.  Sets W's error if it cannot. */
static void history_fit(struct tgm_wfile *w)
{
    struct stat st;
    if (fstat(w->fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= HIST_FILE_MAX)
        return;
    size_t len = (size_t)st.st_size, got = 0;
    char *buf = malloc(len);
    if (!buf) {
        w->error = ENOMEM;
        return;
    }
    while (got < len) {
        ssize_t k = pread(w->fd, buf + got, len - got, (off_t)got);
        if (k <= 0 && !(k < 0 && errno == EINTR)) {
            w->error = k < 0 ? errno : EIO;
            free(buf);
            return;
        }
        got += k > 0 ? (size_t)k : 0;
    }
    char *nl = memchr(buf, '\n', len); /* the first line is libedit's cookie */
    size_t head = nl ? (size_t)(nl - buf) + 1 : 0, from = head;
    while (from < len && head + (len - from) > HIST_FILE_MAX) { /* the oldest go */
        nl = memchr(buf + from, '\n', len - from);
        from = nl ? (size_t)(nl - buf) + 1 : len;
    }
    memmove(buf + head, buf + from, len - from);
    if (ftruncate(w->fd, 0) != 0 || lseek(w->fd, 0, SEEK_SET) != 0)
        w->error = errno;
    else
        tgm_wwrite(w, buf, head + (len - from));
    free(buf);
}

static void history_save(struct mon_reader *r)
{
    static bool warned;
    char buf[4096];
    HistEvent ev;
    const char *path = mon_history_file(r->mon, buf, sizeof buf);
    if (!path)
        return;
    /* a device (/dev/null) keeps no history: libedit would fchmod it */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return;
    /* libedit writes into the one writer's temporary file (and makes it
     * 0600 through its descriptor: a new history is private; the commit
     * gives an old one's mode back) */
    struct tgm_wfile w;
    char err[512];
    int rc = tgm_wopen(&w, path, err, sizeof err), fd = rc == 0 ? dup(w.fd) : -1;
    if (rc == 0) {
        FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!f) {
            w.error = errno;
            if (fd >= 0)
                close(fd);
        } else {
            if (history(r->hist, &ev, H_SAVE_FP, f) < 0)
                w.error = errno ? errno : EIO;
            if (fflush(f) != 0 && !w.error) /* errno is the write's only here */
                w.error = errno;
            if (fclose(f) != 0 && !w.error)
                w.error = errno;
            if (!w.error)
                history_fit(&w);
        }
        rc = tgm_wcommit(&w, path, err, sizeof err);
    }
    if (rc != 0 && !warned) {
        fprintf(r->mon->err, "warning: cannot write history file: %s\n", err);
        warned = true;
    }
}

static char *prompt(EditLine *el)
{
    static char p[80];
    struct mon_reader *r;
    char name[64];
    el_get(el, EL_CLIENTDATA, &r);
    if (r->mon->focus == MON_FOCUS_BARE)
        snprintf(p, sizeof p, "tgm> ");
    else
        snprintf(p, sizeof p, "tgm %s> ", mon_target_name(r->mon, name, sizeof name));
    return p;
}

/* A growable list of candidate strings. */
struct cands {
    char **v;
    size_t n, cap;
};

static void cand_add(struct cands *c, const char *s, size_t len)
{
    char **nv = mon_room(c->v, c->n, &c->cap, sizeof *nv);
    if (!nv)
        return;
    c->v = nv;
    char *d = malloc(len + 1);
    if (!d)
        return;
    memcpy(d, s, len);
    d[len] = '\0';
    c->v[c->n++] = d;
}

static void cand_words(struct cands *c, const char *words)
{
    for (const char *p = words; *p;) {
        size_t k = strcspn(p, " ");
        if (k)
            cand_add(c, p, k);
        p += k;
        while (*p == ' ')
            p++;
    }
}

/* Entries of PREFIX's directory whose names continue PREFIX: any name the
 * system takes (up to PATH_MAX), none beyond. */
static void cand_files(struct cands *c, const char *prefix)
{
    const char *slash = strrchr(prefix, '/');
    char dir[PATH_MAX];
    size_t dl = slash ? (size_t)(slash - prefix) + 1 : 0;
    if (dl >= sizeof dir - 1)
        return;
    memcpy(dir, prefix, dl);
    dir[dl] = '\0';
    DIR *d = opendir(dl ? dir : ".");
    if (!d)
        return;
    const char *base = prefix + dl;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        if (e->d_name[0] == '.' && base[0] != '.')
            continue;
        if (strncmp(e->d_name, base, strlen(base)))
            continue;
        char full[PATH_MAX + 1]; /* and a directory's slash */
        struct stat st;
        int n = snprintf(full, sizeof full, "%s%s", dir, e->d_name);
        if (n < 0 || (size_t)n >= sizeof full - 1)
            continue;
        if (stat(full, &st) == 0 && S_ISDIR(st.st_mode))
            strcat(full, "/");
        cand_add(c, full, strlen(full));
    }
    closedir(d);
}

static void cand_kind(struct mon *m, struct cands *c, char kind, const char *prefix)
{
    switch (kind) {
    case 'C': {
        size_t pl = strlen(prefix);
        bool begun = false;
        for (size_t i = 0; i < mon_ncmds; i++) {
            cand_words(c, mon_cmds[i].name);
            begun = begun || !strncasecmp(mon_cmds[i].name, prefix, pl);
        }
        /* another name typed in full (ni, stepi, run) that begins none of
         * those is a command too: Tab takes it, as it takes 'next' */
        for (size_t i = 0; i < mon_ncmds && pl && !begun; i++)
            if (mon_in_list(prefix, pl, mon_cmds[i].abbrev)) {
                cand_add(c, prefix, pl);
                break;
            }
        break;
    }
    case 's': {
        const struct tgm_image *img = mon_symbols(m);
        for (uint32_t i = 0; img && i < img->nsyms; i++)
            cand_words(c, img->syms[i].name);
        break;
    }
    case 'e': /* with the parenthesis, as a shell gives a directory its slash */
        for (size_t i = 0; isa_wordfn_at(i); i++) {
            char call[32];
            int n = snprintf(call, sizeof call, "%s(", isa_wordfn_at(i)->name);
            cand_add(c, call, (size_t)n);
        }
        break;
    case 'V':
        cand_words(c, "bare");
        /* fall through */
    case 'v':
        for (int id = m->vmm ? vmm_vm_next(m->vmm, -1) : -1; id >= 0;
             id = vmm_vm_next(m->vmm, id)) {
            struct vm_info vi;
            if (vmm_vm_info(m->vmm, id, &vi) == 0)
                cand_words(c, vi.name);
        }
        break;
    case 'c':
        cand_words(c, MON_CAUSE_WORDS);
        break;
    case 'k':
        cand_words(c, MON_CLASS_WORDS);
        break;
    case 'p':
        for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
            cand_words(c, (*p)->name);
        break;
    case 'f':
        cand_files(c, prefix);
        break;
    }
}

/* Show candidates in columns below the line. */
static void list_matches(FILE *f, const char **v, size_t n)
{
    size_t w = 1;
    for (size_t i = 0; i < n; i++)
        if (strlen(v[i]) + 2 > w)
            w = strlen(v[i]) + 2;
    size_t cols = 78 / w ? 78 / w : 1;
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%-*s%s", (int)w, v[i], (i + 1) % cols == 0 || i + 1 == n ? "\n" : "");
}

static unsigned char complete(EditLine *el, int ch)
{
    (void)ch;
    struct mon_reader *r;
    el_get(el, EL_CLIENTDATA, &r);
    const LineInfo *li = el_line(el);
    size_t len = (size_t)(li->lastchar - li->buffer);
    size_t cursor = (size_t)(li->cursor - li->buffer);
    char *line = malloc(len + 1);
    if (!line)
        return CC_ERROR;
    memcpy(line, li->buffer, len);
    line[len] = '\0';
    struct mon_compl cx;
    unsigned char rc = CC_ERROR;
    if (mon_complete_context(line, cursor, &cx) != 0) {
        free(line);
        return CC_ERROR;
    }
    char prefix[PATH_MAX]; /* a file name's, the longest word completed */
    size_t plen = cursor - cx.start;
    if (plen >= sizeof prefix) {
        free(line);
        return CC_ERROR;
    }
    memcpy(prefix, line + cx.start, plen);
    prefix[plen] = '\0';
    struct cands c = {0};
    cand_words(&c, cx.words);
    /* command names, keywords, causes, classes and the word functions are
     * taken in any case, so completed in any case, in the typed prefix's
     * (libedit inserts only after the cursor); labels, VMs and files not */
    static const char anycase[] = "Ccke";
    for (const char *k = cx.kinds; *k; k++)
        if (strchr(anycase, *k))
            cand_kind(r->mon, &c, *k, prefix);
    size_t nany = c.n;
    for (const char *k = cx.kinds; *k; k++)
        if (!strchr(anycase, *k))
            cand_kind(r->mon, &c, *k, prefix);
    const char **match = c.n ? malloc(c.n * sizeof *match) : NULL;
    size_t common = plen;
    bool caps = false;
    size_t nm = match ? mon_complete_match_some(prefix, (const char *const *)c.v, c.n, nany,
                                                match, c.n, &common, &caps) : 0;
    if (nm == 1) {
        char ins[PATH_MAX + 2];
        size_t ml = strlen(match[0]);
        bool open = ml && (match[0][ml - 1] == '/' || match[0][ml - 1] == '(');
        mon_complete_tail(prefix, match[0], ml, caps, ins, sizeof ins - 1);
        if (!open)
            strcat(ins, " ");
        if (el_insertstr(el, ins) == 0)
            rc = CC_REFRESH;
    } else if (nm > 1 && common > plen) {
        char ins[PATH_MAX + 2];
        mon_complete_tail(prefix, match[0], common, caps, ins, sizeof ins);
        if (el_insertstr(el, ins) == 0)
            rc = CC_REFRESH;
    } else if (nm > 1) {
        list_matches(r->term, match, nm);
        rc = CC_REDISPLAY;
    }
    free(match);
    for (size_t i = 0; i < c.n; i++)
        free(c.v[i]);
    free(c.v);
    free(line);
    return rc;
}

/* libedit's character reader, replaced so that Ctrl-C at the prompt always
 * ends the read: poll the terminal and the wake-up pipe together. */
static int edit_getc(EditLine *el, wchar_t *wc)
{
    struct mon_reader *r;
    el_get(el, EL_CLIENTDATA, &r);
    int wfd = mon_wakeup_fd();
    char drain[64];
    for (;;) {
        if (mon_stop_requested()) {
            while (wfd >= 0 && read(wfd, drain, sizeof drain) > 0)
                ;
            return -1;
        }
        struct pollfd p[2] = {{.fd = STDIN_FILENO, .events = POLLIN},
                              {.fd = wfd, .events = POLLIN}};
        int n = poll(p, wfd >= 0 ? 2 : 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (wfd >= 0 && (p[1].revents & POLLIN)) {
            while (read(wfd, drain, sizeof drain) > 0)
                ;
            if (mon_take_resize()) /* the line wraps at the new width */
                el_resize(el);
            if (mon_take_redraw()) /* back from Ctrl-Z: prompt and line again */
                el_set(el, EL_REFRESH);
            continue;
        }
        if (!p[0].revents)
            continue;
        unsigned char c;
        ssize_t k = read(STDIN_FILENO, &c, 1);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return k == 0 ? 0 : -1;
        wchar_t w;
        size_t d = mbrtowc(&w, (const char *)&c, 1, &r->mbs);
        if (d == (size_t)-2)
            continue; /* more bytes of one character */
        if (d == (size_t)-1) {
            memset(&r->mbs, 0, sizeof r->mbs);
            w = c;
        }
        *wc = w;
        return 1;
    }
}

/* Character mode around each el_gets.  libedit enters it itself only when
 * no input is waiting as el_gets starts; otherwise it prints the prompt in
 * line mode, the terminal echoes what is typed, and a Ctrl-D then ends a
 * line instead of the session (seen under load in the pty test).  ISIG
 * stays on, so Ctrl-C still raises SIGINT. */
static const char *edit_gets(struct mon_reader *r, int *count)
{
    struct termios cooked, raw;
    bool tty = tcgetattr(STDIN_FILENO, &cooked) == 0;
    if (tty) {
        raw = cooked;
        raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO | ECHONL | IEXTEN);
        raw.c_iflag &= ~(tcflag_t)(ICRNL | INLCR | IGNCR | IXON);
        raw.c_cc[VMIN] = 1;
        raw.c_cc[VTIME] = 0;
        tcsetattr(STDIN_FILENO, TCSADRAIN, &raw);
    }
    /* a Ctrl-Z during a run: this prompt is a fresh one, not drawn twice */
    (void)mon_take_redraw();
    const char *s = el_gets(r->el, count);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSADRAIN, &cooked);
    /* a prompt or echo that Ctrl-C cut short (EINTR) is drawn again with
     * the next line: no output of the session's is lost */
    clearerr(r->term);
    return s;
}

static const char *edit_next(struct mon_reader *r)
{
    int count;
    if (r->unsaved) { /* the last line has run: into the file in force now */
        history_save(r);
        r->unsaved = false;
    }
    for (;;) {
        /* a Ctrl-C no command said (one that ran on, or a stop that came
         * first): the prompt starts a line of its own */
        mon_take_interrupt(r->mon);
        mon_clear_abandoned();
        const char *s = edit_gets(r, &count);
        if (!s || count <= 0) {
            if (mon_stop_requested() && !mon_termination_signal()) { /* Ctrl-C: a new line */
                mon_take_interrupt(r->mon); /* ^C drawn: the echo is off here */
                continue;
            }
            if (!mon_hung_up(STDIN_FILENO)) /* nothing to a terminal that has gone */
                fputc('\n', r->term);      /* Ctrl-D */
            return NULL;
        }
        size_t n = strlen(s);
        if (n + 1 > r->cap) {
            char *nb = realloc(r->buf, n + 1);
            if (!nb)
                return NULL;
            r->buf = nb;
            r->cap = n + 1;
        }
        memcpy(r->buf, s, n + 1);
        while (n > 0 && (r->buf[n - 1] == '\n' || r->buf[n - 1] == '\r'))
            r->buf[--n] = '\0';
        r->line++;
        if (strspn(r->buf, " \t") < n) {
            HistEvent ev;
            history(r->hist, &ev, H_ENTER, r->buf);
            typed_add(r, r->buf);
            r->unsaved = true;
        }
        return r->buf;
    }
}

static void edit_close(struct mon_reader *r)
{
    if (r->unsaved) /* 'quit', 'exit' or a signal ended the session */
        history_save(r);
    r->unsaved = false;
    for (size_t i = 0; i < r->ntyped; i++)
        free(r->typed[i]);
    free(r->typed);
    if (r->mon->edit == r)
        r->mon->edit = NULL;
    if (r->el)
        el_end(r->el);
    if (r->hist)
        history_end(r->hist);
    if (r->own_term)
        fclose(r->term);
    r->own_term = false;
    r->term = NULL;
    free(r->buf);
    r->buf = NULL;
}

int mon_reader_edit(struct mon_reader *r, struct mon *m)
{
    memset(r, 0, sizeof *r);
    r->interactive = true;
    r->mon = m;
    r->next = edit_next;
    r->close = edit_close;
    HistEvent ev;
    r->term = stdout; /* libedit needs a descriptor of its own to ask */
    if (!isatty(STDOUT_FILENO)) { /* 'tgm monitor | tee log': the line is edited on
                                   * the terminal (libedit edits none other), the
                                   * output goes to the pipe */
        const char *tty = ttyname(STDIN_FILENO);
        int fd = tty ? open(tty, O_WRONLY | O_NOCTTY | O_CLOEXEC) : -1;
        r->term = fd >= 0 ? fdopen(fd, "w") : NULL;
        if (!r->term) {
            if (fd >= 0)
                close(fd);
            return -1;
        }
        r->own_term = true;
    }
    r->hist = history_init();
    r->el = el_init("tgm", stdin, r->term, stderr);
    if (!r->hist || !r->el) {
        edit_close(r);
        return -1;
    }
    history(r->hist, &ev, H_SETSIZE, HIST_MAX);
    history(r->hist, &ev, H_SETUNIQUE, 1);
    el_set(r->el, EL_CLIENTDATA, r);
    el_set(r->el, EL_EDITOR, "emacs");
    el_set(r->el, EL_PROMPT, prompt);
    el_set(r->el, EL_HIST, history, r->hist);
    el_set(r->el, EL_GETCFN, edit_getc);
    /* wide strings: el_set copies the name and help of an EL_ADDFN with
     * wcsdup and never frees them (a leak at every session) */
    el_wset(r->el, EL_ADDFN, L"ed-complete", L"Complete argument", complete);
    el_set(r->el, EL_BIND, "^I", "ed-complete", NULL);
    el_source(r->el, NULL); /* the user's ~/.editrc, as tc1.c does */
    m->edit = r;
    history_default_check(m);
    mon_history_load(m);
    return 0;
}
