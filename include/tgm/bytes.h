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
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

/* Format one line into ERR (if not NULL) and return -1, for "return
 * tgm_err(err, len, ...)" in every function that fails with a message.  A
 * line longer than LEN keeps its start and its end around "...". */
int tgm_err(char *err, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Write FMT's text to F as part of one line: a control character in it (a
 * newline or an escape from an argument or a file's name) as \n, \t, \r or
 * \xHH, C1's too (a lone byte 0x80-0x9F, or U+0080-U+009F in UTF-8, each
 * byte \xHH), so that an error stays one line and cannot drive the
 * terminal. */
void tgm_vfprint_line(FILE *f, const char *fmt, va_list ap);
/* How many bytes the UTF-8 character at P (at most LEN bytes) takes: 1
 * for ASCII, 2 to 4 for the rest, or 0 when it is not one (LEN 0, a stray
 * or missing continuation, an overlong form, a surrogate, past U+10FFFF,
 * a character LEN cuts). */
size_t tgm_utf8_char(const uint8_t *p, size_t len);
/* ERR read "offset N: ..." about a part that begins at byte BASE of a
 * larger file: make N the file's offset (else leave ERR as it is). */
void tgm_err_rebase(char *err, size_t len, size_t base);

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
/* Make room for N more bytes in one allocation (a size known ahead). */
void bytes_reserve(struct bytes_out *o, size_t n);
/* The next N bytes, to be written by the caller; NULL after a failure. */
uint8_t *bytes_room(struct bytes_out *o, size_t n);
void bytes_put_le(struct bytes_out *o, uint64_t v, unsigned n);

/* An input cursor; reading past the end sets bad and yields NULL or 0. */
struct bytes_in {
    const uint8_t *p;
    size_t len, off;
    bool bad;
};
const uint8_t *bytes_take(struct bytes_in *r, size_t n);
uint64_t bytes_get_le(struct bytes_in *r, unsigned n);

/* The one writer of every file tgm writes.  A regular file (or a new one)
 * is replaced atomically: an O_EXCL temporary file in the same directory,
 * fsync, rename; it keeps the old file's mode and owner.  A symlink is
 * followed and its target replaced.  A character device or a FIFO is
 * written in place, and so is the process's own descriptor named as
 * /dev/stdout, /dev/stderr, /dev/fd/N or /proc/self/fd/N (through a copy
 * that shares its offset, whatever it is open on).  A file with other hard links, a directory or anything
 * else is refused.  The environment variable TGM_TEST_FAIL_RENAME makes
 * every commit fail between the write and the rename (for tests).
 * tgm_wopen and tgm_wcommit return -1 with what is wrong in ERR, naming
 * PATH ("PATH: is a directory (give a file name)", "cannot write PATH:
 * DIR: No such file or directory");
 * tgm_wcommit and tgm_wabort free W. */
struct tgm_wfile {
    int fd;        /* write here (tgm_wwrite, or fdopen a dup) */
    bool in_place; /* a descriptor, device or FIFO: no temporary file */
    int error;     /* first write error (errno), reported by tgm_wcommit */
    unsigned mode; /* the old file's, set again at the commit: a write by
                      one without CAP_FSETID clears setuid and setgid, and
                      libedit's history save makes its file 0600 */
    bool keep_mode; /* there was an old file: MODE is its */
    char *path, *tmp;
};
int tgm_wopen(struct tgm_wfile *w, const char *path, char *err, size_t errlen);
/* 0 if tgm_wopen would take PATH, else -1 with its refusal in ERR; writes
 * nothing (for refusing an output before a long run). */
int tgm_wcheck(const char *path, char *err, size_t errlen);
int tgm_wwrite(struct tgm_wfile *w, const void *data, size_t len);
int tgm_wcommit(struct tgm_wfile *w, const char *path, char *err, size_t errlen);
void tgm_wabort(struct tgm_wfile *w);

/* Write LEN bytes to PATH with the writer above.  -1 with ERR. */
int tgm_write_atomic(const char *path, const void *data, size_t len, char *err,
                     size_t errlen);

/* 1 if A and B both exist and are the same file (device and inode). */
int tgm_same_file(const char *a, const char *b);

/* Is PATH's directory /dev or /proc (links followed)?  Such a file is a
 * stream (/dev/stdin, even when redirected from a file; a <(pipe)), with no
 * directory of its own for outputs or includes beside it. */
bool tgm_in_system_dir(const char *path);

/* Is PATH named as an assembly source, NAME.s: does its last component end
 * in ".s" after at least one byte?  A file named just .s is, as for the
 * shell, a hidden file with no extension. */
bool tgm_source_named(const char *path);

/* 1 if writing A and B would replace one file: links followed, the same
 * name in the same directory (by device and inode), existing or not. */
int tgm_same_target(const char *a, const char *b);

/* Read PATH whole into *BUF (malloc'd, with a NUL after the LEN bytes),
 * refusing more than LIMIT bytes: "PATH: larger than LIMIT bytes, the limit
 * for WHAT".  -1 with ERR. */
int tgm_read_file(const char *path, size_t limit, const char *what, uint8_t **buf,
                  size_t *len, char *err, size_t errlen);
/* The same for F, opened from PATH (the name its errors give); F is
 * closed. */
int tgm_read_stream(FILE *f, const char *path, size_t limit, const char *what, uint8_t **buf,
                    size_t *len, char *err, size_t errlen);

/* Say that standard descriptor FD (0, 1 or 2) was closed and now holds a
 * placeholder /dev/null (as the command line does at its start): naming it
 * (/dev/stdin, /dev/fd/1, ...) then fails with EBADF, reading or writing,
 * as if it were still closed. */
void tgm_std_fd_was_closed(int fd);
/* fopen(PATH, "rb"); but PATH naming such a descriptor (/dev/stdin,
 * /dev/fd/0, /proc/self/fd/0, ...), which reopened by name would read
 * /dev/null, fails with EBADF, as reading a closed one does; and one
 * naming a socket, which Linux will not open by name, is read through a
 * copy of the descriptor. */
FILE *tgm_fopen_read(const char *path);

#endif
