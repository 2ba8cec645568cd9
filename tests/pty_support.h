/* pty_support.h: the real tgm binary's monitor on a pseudo-terminal, typed
 * at as a person would, for the suites that check the terminal (line
 * editing, Ctrl-C, keys reaching a guest's console input, section 2's
 * state after a stop).  Every read has a deadline, so a hang fails the
 * test.
 */
#ifndef TGM_TEST_PTY_SUPPORT_H
#define TGM_TEST_PTY_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* What was read from one of the monitor's outputs. */
struct pt_text {
    char buf[65536];
    size_t len;
    size_t seen; /* a match is looked for only after this offset */
};

struct pt_session {
    pid_t pid;
    int fd;              /* the terminal */
    struct pt_text screen;
    int out;             /* standard output, when it is a pipe; else -1 */
    struct pt_text piped;
    bool job;            /* under a job-control "shell" */
    bool checked;        /* under a memory checker (pt_start_checked) */
    bool slow;           /* set after the start: each line is heavy work (a
                          * 16 MiB history written and synced), so every read
                          * has the checker's deadline */
};

/* A fresh directory for a test (the monitor's working directory and
 * $HOME) and its removal; pt_dir() is its path. */
void pt_make_dir(void);
void pt_remove_dir(void);
/* The same as cmocka fixtures, for a test of its own directory. */
int pt_setup(void **state);
/* pt_setup, and loop.s there: a guest that counts for ever. */
int pt_setup_loop(void **state);
int pt_teardown(void **state);
const char *pt_dir(void);
/* TEXT as NAME in that directory; pt_in_dir puts NAME's path in BUF. */
void pt_put_file(const char *name, const char *text);
const char *pt_in_dir(char *buf, size_t len, const char *name);
/* A history file NAME there of SIZE bytes: libedit's header, then holes
 * and a newline. */
void pt_put_history(const char *name, long size);

/* 'tgm monitor' on a new terminal, in the directory; pt_start_job runs it
 * as a job-control shell would, which says "[stopped; terminal cooked]"
 * (or "left raw") when Ctrl-Z stops it and continues it as 'fg' does. */
void pt_start(struct pt_session *s);
void pt_start_job(struct pt_session *s);
/* pt_start with $TGM_HISTORY set to VALUE (pt_start unsets it). */
void pt_start_history(struct pt_session *s, const char *value);
/* pt_start under a memory checker: valgrind, leaks counted (status 99),
 * or in the sanitizer build its own checks (status 1 on a leak).  False,
 * with nothing started, when there is no checker (no valgrind). */
bool pt_start_checked(struct pt_session *s);
/* pt_start with standard output a pipe (as in 'tgm monitor | tee log'),
 * full already if FULL, so that the monitor's first write blocks. */
void pt_start_piped(struct pt_session *s, bool full);
/* Read until TEXT appears after the last match; fail after the deadline,
 * showing what the screen held. */
void pt_expect(struct pt_session *s, const char *text);
/* The same for the pipe of pt_start_piped. */
void pt_expect_piped(struct pt_session *s, const char *text);
/* Does the screen hold TEXT from offset FROM on? */
bool pt_screen_has(const struct pt_session *s, size_t from, const char *text);
/* Type KEYS at the terminal. */
void pt_type(struct pt_session *s, const char *keys);
/* Make the terminal's window COLS columns wide (its program gets SIGWINCH). */
void pt_resize(struct pt_session *s, int cols);
/* Wait (with a deadline) for the monitor to exit, what it writes to the
 * terminal meanwhile kept on the screen; its exit status. */
int pt_finish(struct pt_session *s);
/* At the prompt "tgm> ": 'echo WORD' shows WORD and the next prompt. */
void pt_echo(struct pt_session *s, const char *word);
/* 'quit' ends the session with status 0. */
void pt_quit(struct pt_session *s);

#endif
