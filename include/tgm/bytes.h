/* bytes.h: what every reader and writer of tgm's files shares.
 *
 * Little-endian fields in growable output buffers and bounds-checked input
 * cursors, one-line error messages, and atomic file writes (temporary file
 * then rename), for images (section 2's E and PSW), machine and control
 * program states, and the monitor's snapshots.
 */
#ifndef TGM_BYTES_H
#define TGM_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Format one line into ERR (if not NULL) and return -1, for "return
 * tgm_err(err, len, ...)" in every function that fails with a message. */
int tgm_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Unaligned little-endian fields of N bytes (1..8). */
uint64_t le_read(const uint8_t *p, unsigned n);
void le_write(uint8_t *p, uint64_t v, unsigned n);

/* An output buffer that grows; after an allocation failure it ignores
 * further writes and says so in oom.  Free p when done. */
struct bytes_out {
    uint8_t *p;
    size_t len, cap;
    bool oom;
};
void bytes_put(struct bytes_out *o, const void *src, size_t n);
void bytes_put_le(struct bytes_out *o, uint64_t v, unsigned n);

/* An input cursor; reading past the end sets bad and yields NULL or 0. */
struct bytes_in {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};
const uint8_t *bytes_take(struct bytes_in *r, size_t n);
uint64_t bytes_get_le(struct bytes_in *r, unsigned n);

/* Write LEN bytes to PATH through a temporary file in the same directory
 * and a rename, so PATH is never seen half-written.  -1 with ERR. */
int tgm_write_atomic(const char *path, const void *data, size_t len, char *err,
                     size_t errlen);

#endif
