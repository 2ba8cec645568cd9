/* bytes.c: little-endian buffers, one-line errors, capped reads and the
 * one file writer.
 *
 * Shared by every reader and writer of tgm's files: images (section 2's E
 * and PSW), machine states, control program states, snapshots, sources,
 * traces and histories.  The writer replaces a regular file atomically
 * (O_EXCL temporary, fsync, rename), keeps its mode, writes through
 * symlinks, writes character devices and FIFOs in place, and refuses to
 * break hard links; a signal that ends tgm mid-write removes the temporary.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tgm/bytes.h"

size_t tgm_utf8_char(const uint8_t *p, size_t len)
{
    if (!len)
        return 0;
    if (p[0] < 0x80)
        return 1;
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF ? 2 : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
             : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4 : 0;
    if (!n || n > len)
        return 0;
    /* the second byte's range, narrower after E0, ED, F0 and F4 */
    uint8_t lo = p[0] == 0xE0 ? 0xA0 : p[0] == 0xF0 ? 0x90 : 0x80;
    uint8_t hi = p[0] == 0xED ? 0x9F : p[0] == 0xF4 ? 0x8F : 0xBF;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

void tgm_vfprint_line(FILE *f, const char *fmt, va_list ap)
{
    char small[512], *msg = small;
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    if (n >= (int)sizeof small && (msg = malloc((size_t)n + 1)))
        vsnprintf(msg, (size_t)n + 1, fmt, again);
    va_end(again);
    if (!msg)
        msg = small; /* out of memory: the text cut short */
    const unsigned char *end = (const unsigned char *)msg + strlen(msg);
    for (const unsigned char *c = (const unsigned char *)msg; *c; c++) {
        size_t u = *c >= 0x80 ? tgm_utf8_char(c, (size_t)(end - c)) : 0;
        if (*c == '\n')
            fputs("\\n", f);
        else if (*c == '\t')
            fputs("\\t", f);
        else if (*c == '\r')
            fputs("\\r", f);
        else if (*c < 0x20 || *c == 0x7f || (*c >= 0x80 && !u && *c < 0xa0))
            fprintf(f, "\\x%02x", *c); /* C0, DEL, a lone C1 byte (0x9b: CSI) */
        else if (u == 2 && c[0] == 0xc2 && c[1] < 0xa0) /* C1 in UTF-8 (U+0085: NEL) */
            fprintf(f, "\\x%02x\\x%02x", c[0], c[1]), c++;
        else if (u)
            fwrite(c, 1, u, f), c += u - 1;
        else
            fputc(*c, f); /* Latin-1's letters, as they are */
    }
    if (msg != small)
        free(msg);
}

int tgm_err(char *err, size_t len, const char *fmt, ...)
{
    if (!err || !len)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(err, len, fmt, ap);
    va_end(ap);
    char *full = n >= 0 && (size_t)n >= len && len > 16 ? malloc((size_t)n + 1) : NULL;
    if (full) {
        /* too long (a path of thousands of characters): keep its start and
         * its end, which says what is wrong, around "..." */
        va_start(ap, fmt);
        vsnprintf(full, (size_t)n + 1, fmt, ap);
        va_end(ap);
        size_t tail = (len - 4) / 2, head = len - 4 - tail;
        memcpy(err, full, head);
        memcpy(err + head, "...", 3);
        memcpy(err + head + 3, full + n - tail, tail);
        err[len - 1] = '\0';
        free(full);
    }
    return -1;
}

void tgm_err_rebase(char *err, size_t len, size_t base)
{
    unsigned long long off;
    int n = 0;
    if (!err || !len || sscanf(err, "offset %llu: %n", &off, &n) != 1 || n == 0)
        return;
    char *rest = strdup(err + n);
    if (rest)
        tgm_err(err, len, "offset %llu: %s", off + base, rest);
    free(rest);
}

uint64_t le_read(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void le_write(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Room for N more bytes, in one allocation where the caller says how much
 * is coming (bytes_reserve), else doubling. */
static bool grow(struct bytes_out *o, size_t n, bool exact)
{
    if (o->oom)
        return false;
    if (n <= o->cap - o->len)
        return true;
    size_t cap = o->cap ? o->cap : 1024;
    if (exact || n > SIZE_MAX / 2 - o->len)
        cap = o->len + n;
    else
        while (cap - o->len < n)
            cap *= 2;
    uint8_t *p = realloc(o->p, cap);
    if (!p) {
        o->oom = true;
        return false;
    }
    o->p = p;
    o->cap = cap;
    return true;
}

void bytes_reserve(struct bytes_out *o, size_t n) { (void)grow(o, n, true); }

uint8_t *bytes_room(struct bytes_out *o, size_t n)
{
    if (!grow(o, n, false))
        return NULL;
    o->len += n;
    return o->p + o->len - n;
}

void bytes_put(struct bytes_out *o, const void *src, size_t n)
{
    uint8_t *d = n ? bytes_room(o, n) : NULL;
    if (d)
        memcpy(d, src, n);
}

void bytes_put_le(struct bytes_out *o, uint64_t v, unsigned n)
{
    uint8_t b[8];
    le_write(b, v, n);
    bytes_put(o, b, n);
}

const uint8_t *bytes_take(struct bytes_in *r, size_t n)
{
    if (r->bad || r->len - r->off < n) {
        r->bad = true;
        return NULL;
    }
    r->off += n;
    return r->p + r->off - n;
}

uint64_t bytes_get_le(struct bytes_in *r, unsigned n)
{
    const uint8_t *b = bytes_take(r, n);
    return b ? le_read(b, n) : 0;
}

static int fd_path(const char *path);

/* Follow symlinks from PATH to the name a write must replace (which may
 * not exist yet), stopping at a name of the process's own stream
 * (fd_path): a link to /dev/stdout is that stream as /dev/stdout is, not
 * the file the stream's descriptor happens to be open on.  NULL with ERR
 * on a loop or no memory. */
static char *resolve_links(const char *path, char *err, size_t errlen)
{
    char *cur = strdup(path);
    for (int hops = 0; cur; hops++) {
        struct stat st;
        char link[PATH_MAX];
        if (fd_path(cur) >= 0 || lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        if (hops == 40) /* as many as the kernel follows */
            break;
        ssize_t n = readlink(cur, link, sizeof link - 1);
        if (n < 0)
            return cur; /* vanished meanwhile: the open will say */
        link[n] = '\0';
        const char *slash = strrchr(cur, '/');
        size_t dir = link[0] != '/' && slash ? (size_t)(slash - cur + 1) : 0;
        char *next = malloc(dir + (size_t)n + 1);
        if (next) {
            memcpy(next, cur, dir);
            memcpy(next + dir, link, (size_t)n + 1);
        }
        free(cur);
        cur = next;
    }
    if (!cur) {
        tgm_err(err, errlen, "%s: out of memory", path);
        return NULL;
    }
    free(cur);
    tgm_err(err, errlen, "%s: too many levels of symbolic links", path);
    return NULL;
}

/* The directory PATH names its file in, into DIR ("/x": the root). */
static void dir_of(const char *path, char *dir, size_t len)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, len, ".");
    else
        snprintf(dir, len, "%.*s", (int)(slash - path + (slash == path)), path);
}

/* -1 with ERR: no file can be made in the directory of TARGET, where PATH
 * leads, for errno E; naming the file, the directory and the target of a
 * link ("cannot create a temporary file" named neither). */
static int dir_err(const char *path, const char *target, int e, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    dir_of(target, dir, sizeof dir);
    if (strcmp(path, target) != 0)
        return tgm_err(err, errlen, "%s: links to %s, but %s: %s", path, target, dir,
                       strerror(e));
    return tgm_err(err, errlen, "cannot write %s: %s: %s", path, dir, strerror(e));
}

static int dir_probe(const char *target);

/* PATH, to be written as TARGET (PATH or where its links lead): does
 * TARGET's directory take files?  With PROBE (before a run) one is made
 * there to see: access() lets root through where none can be.  0, or -1
 * with ERR (dir_err). */
static int dir_ok(const char *path, const char *target, bool probe, char *err, size_t errlen)
{
    char dir[PATH_MAX];
    dir_of(target, dir, sizeof dir);
    int e = access(dir, W_OK | X_OK) != 0 ? errno : probe ? dir_probe(target) : 0;
    return e ? dir_err(path, target, e, err, errlen) : 0;
}

/* The descriptor PATH names (/dev/stdout, /dev/stderr, /dev/fd/N,
 * /proc/self/fd/N), or -1.  Such a path is the process's own stream: it is
 * written in place through a copy of the descriptor, sharing its offset, so
 * that a file stdout is redirected to is added to, not replaced under the
 * output already written to it. */
static int fd_path(const char *path)
{
    if (!strcmp(path, "/dev/stdin")) /* /dev/fd/0 by another name, not a link to follow */
        return STDIN_FILENO;
    if (!strcmp(path, "/dev/stdout"))
        return STDOUT_FILENO;
    if (!strcmp(path, "/dev/stderr"))
        return STDERR_FILENO;
    const char *n = !strncmp(path, "/dev/fd/", 8)         ? path + 8
                    : !strncmp(path, "/proc/self/fd/", 14) ? path + 14
                                                          : NULL;
    if (!n || !*n || strspn(n, "0123456789") != strlen(n))
        return -1;
    long fd = 0; /* one past INT_MAX's digits is never open: EBADF, not ENOENT */
    while (*n && fd <= INT_MAX)
        fd = fd * 10 + (*n++ - '0');
    return fd > INT_MAX ? INT_MAX : (int)fd;
}

/* Bit N: standard descriptor N was closed when tgm started and holds a
 * placeholder /dev/null. */
static unsigned std_closed;

void tgm_std_fd_was_closed(int fd)
{
    if (fd >= 0 && fd <= STDERR_FILENO)
        std_closed |= 1u << fd;
}

/* Is FD (fd_path's) a standard descriptor that was closed at the start? */
static bool closed_std_fd(int fd)
{
    return fd >= 0 && fd <= STDERR_FILENO && (std_closed >> fd & 1u);
}

/* fd_path of where PATH's links lead, or -1. */
static int link_fd(const char *path)
{
    char err[1];
    char *t = resolve_links(path, err, sizeof err);
    int fd = t ? fd_path(t) : -1;
    free(t);
    return fd;
}

FILE *tgm_fopen_read(const char *path)
{
    int fd = link_fd(path);
    if (closed_std_fd(fd)) {
        errno = EBADF;
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (f || errno != ENXIO || fd < 0)
        return f;
    /* a socket has no name Linux opens (ENXIO): it is read where it is */
    int e = errno;
    struct stat st;
    int d = fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode) ? dup(fd) : -1;
    if (d >= 0 && !(f = fdopen(d, "rb"))) {
        e = errno;
        close(d);
    }
    if (!f)
        errno = e;
    return f;
}

/* Is the regular file ST this process's standard output (1) or error (2),
 * redirected to it?  Replacing it would lose what was written there. */
static int own_stream(const struct stat *st)
{
    for (int fd = STDOUT_FILENO; fd <= STDERR_FILENO; fd++) {
        struct stat o;
        if (fstat(fd, &o) == 0 && S_ISREG(o.st_mode) && o.st_dev == st->st_dev &&
            o.st_ino == st->st_ino)
            return fd;
    }
    return 0;
}

/* Where a write to PATH goes: *TARGET (malloc'd; links followed) with *ST
 * if it *EXISTS, or NULL for a descriptor (*FD, else -1), a device or a
 * pipe, written in place.  -1 with ERR when the writer refuses PATH.
 * PROBE: dir_ok's. */
static int write_target(const char *path, char **target, struct stat *st, bool *exists,
                        int *fdp, bool probe, char *err, size_t errlen)
{
    *target = NULL;
    *fdp = -1;
    if (!*path) /* else a temporary ".tmpXXXXXX" here, and a rename that fails late */
        return tgm_err(err, errlen, "expected a file name, got ''");
    char *t = resolve_links(path, err, errlen);
    if (!t)
        return -1;
    int fd = fd_path(t);
    if (fd >= 0)
        free(t);
    if (closed_std_fd(fd)) /* not the placeholder: it is not open, as the user left it */
        return tgm_err(err, errlen, "%s: %s", path, strerror(EBADF));
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl < 0)
            return tgm_err(err, errlen, "%s: %s", path, strerror(errno));
        /* standard input redirected from a file: never written over */
        if ((fl & O_ACCMODE) == O_RDONLY)
            return tgm_err(err, errlen, "%s: %s (open only for reading)", path,
                           strerror(EBADF));
        *fdp = fd;
        return 0;
    }
    /* stat PATH itself: another process's /proc/PID/fd/N on a pipe is a
     * link to a "pipe:[N]" that only the kernel can follow */
    if (stat(path, st) == 0 && (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))) {
        free(t);
        return 0;
    }
    *exists = stat(t, st) == 0;
    int rc = 0, own = *exists ? own_stream(st) : 0;
    if (!*exists && errno != ENOENT)
        rc = tgm_err(err, errlen, "%s: %s", path, strerror(errno));

    else if (*exists && S_ISDIR(st->st_mode))
        rc = tgm_err(err, errlen, "%s: is a directory (give a file name)", path);
    else if (*exists && !S_ISREG(st->st_mode))
        rc = tgm_err(err, errlen,
                     "%s: not a regular file, character device or FIFO; not replacing it", path);
    else if (*exists && st->st_nlink > 1)
        rc = tgm_err(err, errlen,
                     "%s: has %ju hard links, which replacing it would break; "
                     "remove the other links or write elsewhere",
                     path, (uintmax_t)st->st_nlink);
    else if (own)
        rc = tgm_err(err, errlen,
                     "%s: is this command's %s, whose text replacing it would lose; "
                     "write to /dev/%s to add to it, or elsewhere",
                     path, own == 1 ? "standard output" : "standard error",
                     own == 1 ? "stdout" : "stderr");
    else /* the temporary file and the rename need its directory */
        rc = dir_ok(path, t, probe, err, errlen);
    if (rc != 0)
        free(t);
    else
        *target = t;
    return rc;
}

int tgm_wcheck(const char *path, char *err, size_t errlen)
{
    char *target;
    struct stat st;
    bool exists;
    int fd;
    int rc = write_target(path, &target, &st, &exists, &fd, true, err, errlen);
    free(target);
    return rc;
}

/* The temporary files being written, removed when a signal that ends tgm
 * at its default action comes before their rename (SIGTERM, SIGHUP,
 * SIGINT, SIGPIPE, and as much SIGQUIT, SIGUSR1, SIGALRM, SIGXFSZ, a
 * real-time signal...): a kill leaves the old file and no temporary
 * behind, as only SIGKILL and a crash may not.  A signal someone handles
 * (the monitor's, libFuzzer's) or ignores is left as it is; the handler is
 * there only while a temporary file is. */
#define TMP_SLOTS 8
static char *volatile tmp_live[TMP_SLOTS];
static bool tmp_caught[NSIG];
static int tmp_count;

/* Whether SIG's default action ends the process and may be caught: not
 * SIGKILL or SIGSTOP, not a crash (left to its core dump as it is), not
 * one whose default is to stop, continue or be ignored. */
static bool ends_by_default(int sig)
{
    switch (sig) {
    case SIGKILL: case SIGSTOP:
    case SIGSEGV: case SIGBUS: case SIGILL: case SIGFPE: case SIGABRT: case SIGTRAP:
    case SIGSYS:
    case SIGTSTP: case SIGTTIN: case SIGTTOU: case SIGCONT: case SIGCHLD: case SIGURG:
    case SIGWINCH:
#ifdef SIGINFO
    case SIGINFO:
#endif
        return false;
    default:
        return sig <= SIGRTMAX;
    }
}

static void tmp_cleanup(int sig)
{
    for (int i = 0; i < TMP_SLOTS; i++) {
        char *p = tmp_live[i];
        if (p)
            unlink(p);
    }
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    raise(sig); /* delivered as the handler returns: ends tgm as it would have */
}

static void tmp_track(char *tmp)
{
    int i = 0;
    while (i < TMP_SLOTS && tmp_live[i])
        i++;
    if (i == TMP_SLOTS) /* more writers at once than tgm has: left to chance */
        return;
    tmp_live[i] = tmp;
    if (tmp_count++ > 0)
        return;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction old, sa = {.sa_handler = tmp_cleanup};
        sigemptyset(&sa.sa_mask);
        /* glibc's own real-time signals refuse sigaction: not caught */
        tmp_caught[sig] = ends_by_default(sig) && sigaction(sig, NULL, &old) == 0 &&
                          old.sa_handler == SIG_DFL && !(old.sa_flags & SA_SIGINFO) &&
                          sigaction(sig, &sa, NULL) == 0;
    }
}

/* TMP is renamed or removed (or about to be): no longer the handler's. */
static void tmp_forget(const char *tmp)
{
    int i = 0;
    while (tmp && i < TMP_SLOTS && tmp_live[i] != tmp)
        i++;
    if (!tmp || i == TMP_SLOTS)
        return;
    tmp_live[i] = NULL;
    if (--tmp_count > 0)
        return;
    for (int sig = 1; sig < NSIG; sig++) {
        struct sigaction cur, dfl = {.sa_handler = SIG_DFL};
        sigemptyset(&dfl.sa_mask);
        if (tmp_caught[sig] && sigaction(sig, NULL, &cur) == 0 && cur.sa_handler == tmp_cleanup)
            sigaction(sig, &dfl, NULL);
        tmp_caught[sig] = false;
    }
}

/* TARGET's temporary file name, "TARGET.tmpXXXXXX" (with TAG ".chk", the
 * probe's), in the same directory; a name too long for the suffix is cut
 * first, as is one whose path would pass PATH_MAX with it (down to
 * ".tmpXXXXXX" alone), so that any name the directory takes can be
 * written.  malloc'd, or NULL. */
static char *tmp_name_tagged(const char *target, const char tag[5])
{
    const char *slash = strrchr(target, '/');
    size_t dir = slash ? (size_t)(slash - target + 1) : 0, base = strlen(target) - dir;
    if (base > NAME_MAX - 10)
        base = NAME_MAX - 10;
    if (dir + base + 10 > PATH_MAX - 1) /* with its NUL, within PATH_MAX */
        base = dir + 10 < PATH_MAX - 1 ? PATH_MAX - 1 - 10 - dir : 0;
    char *tmp = malloc(dir + base + 11);
    if (tmp)
        snprintf(tmp, dir + base + 11, "%.*s%.4sXXXXXX", (int)(dir + base), target, tag);
    return tmp;
}

static char *tmp_name(const char *target) { return tmp_name_tagged(target, ".tmp"); }

/* Hold the signals that end tgm (until sigprocmask(SIG_SETMASK, OLD)). */
static void end_sigs_block(sigset_t *old)
{
    sigset_t block;
    sigemptyset(&block);
    for (int sig = 1; sig < NSIG; sig++)
        if (ends_by_default(sig))
            sigaddset(&block, sig);
    sigprocmask(SIG_BLOCK, &block, old);
}

/* Make a file where the writer's temporary file would go and remove it at
 * once (dir_ok).  Named ".chk", not ".tmp": one seen is never the write
 * under way.  0, or an errno. */
static int dir_probe(const char *target)
{
    char *tmp = tmp_name_tagged(target, ".chk");
    if (!tmp)
        return ENOMEM;
    sigset_t old; /* no signal between the making and the removal */
    end_sigs_block(&old);
    int fd = mkostemp(tmp, O_CLOEXEC), e = fd < 0 ? errno : 0;
    if (fd >= 0) {
        close(fd);
        unlink(tmp);
    }
    sigprocmask(SIG_SETMASK, &old, NULL);
    free(tmp);
    return e;
}

int tgm_wopen(struct tgm_wfile *w, const char *path, char *err, size_t errlen)
{
    *w = (struct tgm_wfile){.fd = -1};
    char *target;
    struct stat st;
    bool exists = false;
    int own;
    /* no probe: the temporary file below is one, and says the same */
    if (write_target(path, &target, &st, &exists, &own, false, err, errlen) != 0)
        return -1;
    if (!target) { /* a device or a pipe is written in place, never replaced */
        w->fd = own >= 0 ? fcntl(own, F_DUPFD_CLOEXEC, 3)
                        : open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
        if (w->fd < 0)
            return tgm_err(err, errlen, "%s: %s", path, strerror(errno));
        w->in_place = true;
        return 0;
    }
    char *tmp = tmp_name(target);
    if (!tmp) {
        free(target);
        return tgm_err(err, errlen, "%s: out of memory", path);
    }
    sigset_t old; /* no signal between the file's making and its tracking */
    end_sigs_block(&old);
    int fd = mkostemp(tmp, O_CLOEXEC); /* O_EXCL: never someone else's file */
    int e = errno;
    if (fd >= 0)
        tmp_track(tmp);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        free(tmp);
        dir_err(path, target, e, err, errlen);
        free(target);
        return -1;
    }
    if (exists) { /* the new file is the old one's: owner, group and mode */
        if (st.st_uid != geteuid() || st.st_gid != getegid())
            (void)!fchown(fd, st.st_uid, st.st_gid);
        w->mode = st.st_mode & 07777;
        w->keep_mode = true;
        fchmod(fd, w->mode);
    } else {
        mode_t mask = umask(0); /* mkstemp makes it 0600; give it the usual mode */
        umask(mask);
        fchmod(fd, 0666 & ~mask);
    }
    w->fd = fd;
    w->path = target;
    w->tmp = tmp;
    return 0;
}

int tgm_wwrite(struct tgm_wfile *w, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t n = write(w->fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            w->error = errno;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

void tgm_wabort(struct tgm_wfile *w)
{
    if (w->fd >= 0)
        close(w->fd);
    if (w->tmp)
        unlink(w->tmp);
    tmp_forget(w->tmp);
    free(w->tmp);
    free(w->path);
    *w = (struct tgm_wfile){.fd = -1};
}

/* Make the rename itself durable. */
static void sync_dir(const char *path)
{
    char dir[PATH_MAX];
    dir_of(path, dir, sizeof dir);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int tgm_wcommit(struct tgm_wfile *w, const char *path, char *err, size_t errlen)
{
    int e = w->error;
    if (w->in_place) {
        if (close(w->fd) != 0 && !e)
            e = errno;
        w->fd = -1;
        tgm_wabort(w);
        return e ? tgm_err(err, errlen, "%s: cannot write: %s", path, strerror(e)) : 0;
    }
    if (!e && w->keep_mode) /* after the writes, which may have changed it */
        fchmod(w->fd, w->mode);
    if (!e && fsync(w->fd) != 0) /* nothing is lost if the machine stops now */
        e = errno;
    if (close(w->fd) != 0 && !e)
        e = errno;
    w->fd = -1;
    /* the test hook: a failure between the write and the rename (0 or
     * empty: off, as a user who sets it to 0 means) */
    const char *fault = getenv("TGM_TEST_FAIL_RENAME");
    if (!e && fault && *fault && strcmp(fault, "0") != 0) {
        tgm_wabort(w);
        return tgm_err(err, errlen, "%s: cannot write: injected failure before the rename",
                       path);
    }
    if (!e && rename(w->tmp, w->path) != 0)
        e = errno;
    if (e) {
        tgm_wabort(w);
        return tgm_err(err, errlen, "%s: cannot write: %s", path, strerror(e));
    }
    tmp_forget(w->tmp);
    sync_dir(w->path);
    free(w->tmp);
    w->tmp = NULL;
    tgm_wabort(w);
    return 0;
}

int tgm_write_atomic(const char *path, const void *data, size_t len, char *err,
                     size_t errlen)
{
    struct tgm_wfile w;
    if (tgm_wopen(&w, path, err, errlen) != 0)
        return -1;
    tgm_wwrite(&w, data, len);
    return tgm_wcommit(&w, path, err, errlen);
}

int tgm_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

bool tgm_source_named(const char *path)
{
    const char *slash = strrchr(path, '/'), *base = slash ? slash + 1 : path;
    size_t n = strlen(base);
    return n > 2 && strcmp(base + n - 2, ".s") == 0;
}

bool tgm_in_system_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return false;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    char *dir = strndup(path, n), *real = dir ? realpath(dir, NULL) : NULL;
    bool sys = real && (!strcmp(real, "/dev") || !strncmp(real, "/dev/", 5) ||
                        !strcmp(real, "/proc") || !strncmp(real, "/proc/", 6));
    free(dir);
    free(real);
    return sys;
}

int tgm_same_target(const char *a, const char *b)
{
    char *ta = resolve_links(a, NULL, 0), *tb = resolve_links(b, NULL, 0);
    int same = 0;
    if (ta && tb) {
        const char *na = strrchr(ta, '/'), *nb = strrchr(tb, '/');
        char da[PATH_MAX], db[PATH_MAX];
        dir_of(ta, da, sizeof da);
        dir_of(tb, db, sizeof db);
        same = strcmp(na ? na + 1 : ta, nb ? nb + 1 : tb) == 0 && tgm_same_file(da, db);
    }
    free(ta);
    free(tb);
    return same;
}

int tgm_read_file(const char *path, size_t limit, const char *what, uint8_t **buf,
                  size_t *len, char *err, size_t errlen)
{
    if (!*path) /* not ": No such file or directory" */
        return tgm_err(err, errlen, "expected a file name, got ''");
    FILE *f = tgm_fopen_read(path);
    if (!f) /* fopen's own allocation: "out of memory", as every other */
        return tgm_err(err, errlen, "%s: %s", path,
                       errno == ENOMEM ? "out of memory" : strerror(errno));
    return tgm_read_stream(f, path, limit, what, buf, len, err, errlen);
}

int tgm_read_stream(FILE *f, const char *path, size_t limit, const char *what, uint8_t **buf,
                    size_t *len, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
        fclose(f);
        return tgm_err(err, errlen, "%s: is a directory (give a file)", path);
    }
    struct bytes_out o = {0};
    uint8_t chunk[65536];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0 && o.len <= limit)
        bytes_put(&o, chunk, got);
    bool ioerr = ferror(f);
    int e = errno;
    fclose(f);
    if (o.len > limit) {
        free(o.p);
        return tgm_err(err, errlen, "%s: larger than %zu bytes, the limit for %s", path, limit,
                       what);
    }
    if (ioerr || o.oom) {
        free(o.p);
        return tgm_err(err, errlen, "%s: %s", path,
                       o.oom || e == ENOMEM ? "out of memory" : strerror(e));
    }
    bytes_put(&o, "", 1); /* a NUL after the data, for text */
    if (o.oom) {
        free(o.p);
        return tgm_err(err, errlen, "%s: out of memory", path);
    }
    *buf = o.p;
    *len = o.len - 1;
    return 0;
}
