/* bytes.c: little-endian buffers, one-line errors, atomic writes.
 *
 * Shared by every reader and writer of tgm's files: images (section 2's E
 * and PSW), machine states, control program states, snapshots.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tgm/bytes.h"

int tgm_err(char *err, size_t len, const char *fmt, ...)
{
    if (err && len) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, len, fmt, ap);
        va_end(ap);
    }
    return -1;
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

void bytes_put(struct bytes_out *o, const void *src, size_t n)
{
    if (o->oom || n == 0)
        return;
    if (n > o->cap - o->len) {
        size_t cap = o->cap ? o->cap : 1024;
        while (cap - o->len < n)
            cap *= 2;
        uint8_t *p = realloc(o->p, cap);
        if (!p) {
            o->oom = true;
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    memcpy(o->p + o->len, src, n);
    o->len += n;
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

int tgm_write_atomic(const char *path, const void *data, size_t len, char *err,
                     size_t errlen)
{
    size_t plen = strlen(path);
    char *tmp = malloc(plen + 16);
    if (!tmp)
        return tgm_err(err, errlen, "%s: out of memory", path);
    snprintf(tmp, plen + 16, "%s.tmpXXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return tgm_err(err, errlen, "%s: cannot create a temporary file: %s", path,
                       strerror(e));
    }
    mode_t mask = umask(0); /* mkstemp makes it 0600; give it the usual mode */
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    int e = done == len ? 0 : errno;
    if (!e && fsync(fd) != 0) /* nothing is lost if the machine stops now */
        e = errno;
    if (close(fd) != 0 && !e)
        e = errno;
    if (!e && rename(tmp, path) != 0)
        e = errno;
    if (e) {
        remove(tmp);
        free(tmp);
        return tgm_err(err, errlen, "%s: cannot write: %s", path, strerror(e));
    }
    free(tmp);
    return 0;
}
