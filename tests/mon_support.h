/* mon_support.h: helpers for the suites that drive a monitor session
 * through the library (mon_exec_line), as the reverse-execution suites do.
 */
#ifndef TGM_TEST_MON_SUPPORT_H
#define TGM_TEST_MON_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../src/monitor/complete.h" /* helpers are built without -Isrc */
#include "tgm/monitor.h"

/* Run one formatted command line; fail the test, naming it, if it fails. */
void ms_cmd(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A session's streams for a test that reads its errors: OUT discards, ERR
 * collects into BUF (LEN bytes once ERR is flushed).  Fails the test if
 * they cannot be opened; ms_io_close closes both and frees BUF. */
struct ms_io {
    FILE *out, *err;
    char *buf;
    size_t len;
};
void ms_io_open(struct ms_io *io);
void ms_io_close(struct ms_io *io);

/* A session through the library whose output and errors each collect in
 * a buffer (OBUF, OLEN and EBUF, ELEN: as far as the stream was flushed;
 * open flushes both, so they start empty, not NULL).  Fails the test if it
 * cannot be made. */
struct ms_sess {
    struct mon *m;
    FILE *out, *err;
    char *obuf, *ebuf;
    size_t olen, elen;
};
void ms_sess_open(struct ms_sess *s);
void ms_sess_close(struct ms_sess *s);

/* PATH := "tgm-test-STEM-PID" in the system's temporary directory (as
 * cs_tmp_name): a file of this process's own. */
void ms_tmp_file(char *path, size_t len, const char *stem);

/* The little-endian fields of a snapshot file ('save', docs/monitor.md):
 * the N-byte value at P, and V written into N bytes at P. */
uint64_t ms_get_le(const uint8_t *p, unsigned n);
void ms_put_le(uint8_t *p, uint64_t v, unsigned n);
/* Where the data of section TAG begins in the snapshot BUF (LEN bytes);
 * fails the test if it has none. */
size_t ms_section_at(const uint8_t *buf, size_t len, const char *tag);

/* Create VMs g0..gN-1 of PG_W words, VM I holding the generated guest of
 * seed SEED + I (progen.h); the session's VMs must be none before. */
void ms_vm_generated(struct mon *m, int n, uint64_t seed);

/* Tab completion: the context of LINE with the cursor at its end, failing
 * the test if there is none. */
struct mon_compl ms_compl(const char *line);
/* Is WORD one of the space-separated words of LIST (a completion's words)? */
bool ms_has_word(const char *list, const char *word);

#endif
