/* reader.h: where the monitor's command lines come from (no paper section).
 *
 * One command loop (mon_loop) serves a terminal with line editing, a script
 * file, a pipe and a -c string, through this small interface (after Lua's
 * lua_readline).  Scripts run by 'do' carry their %1.. arguments here.
 */
#ifndef TGM_MON_READER_H
#define TGM_MON_READER_H

#include <stdbool.h>
#include <stdio.h>
#include <wchar.h>

struct mon;

#define MON_LINE_MAX (1u << 20) /* longest line a script may have */

struct mon_reader {
    const char *name; /* for error positions; NULL at the terminal */
    int line;         /* number of the last line returned */
    bool interactive; /* a person types: failures never end the loop */
    /* The next line without its newline, valid until the next call, or
     * NULL at the end. */
    const char *(*next)(struct mon_reader *r);
    void (*close)(struct mon_reader *r);
    /* 'do' arguments: %1 is args[0]; %* all of them; %% a percent sign */
    int nargs;
    char **args;
    bool script;      /* a script file: %.. is replaced even with no arguments */
    /* implementation state */
    FILE *f;
    bool own_f;
    bool toolong;     /* the stream ended at a line over MON_LINE_MAX bytes */
    int read_errno;   /* the stream ended at a read error (not at its end) */
    size_t nul_col;   /* column of the last line's first NUL byte; 0: none */
    char *buf;
    size_t cap;
    const char *str;
    struct mon *mon;
    void *el, *hist;
    FILE *term;       /* prompt and echo: stdout, or the terminal if it is not one */
    bool own_term;    /* term is the reader's (the terminal's), closed with it */
    mbstate_t mbs;
    char **typed;     /* the terminal's lines this session, oldest first */
    size_t ntyped, typedcap;
    bool unsaved;     /* the last line is not in the history file yet */
};

/* A script file; -1 with a one-line reason in ERR if it cannot be opened. */
int mon_reader_file(struct mon_reader *r, const char *path, char *err,
                    size_t errlen);
/* An open stream (a pipe); NAME is used in error positions. */
void mon_reader_stream(struct mon_reader *r, FILE *f, const char *name);
/* One line of commands (tgm monitor -c). */
void mon_reader_string(struct mon_reader *r, const char *s);
/* The terminal, with libedit: history in M's history file and completion.
 * -1 if libedit cannot start. */
int mon_reader_edit(struct mon_reader *r, struct mon *m);

/* Replace %1..%9, %* and %% in LINE with R's arguments (malloc'd); NULL
 * with errno E2BIG when the result would pass MON_LINE_MAX bytes. */
char *mon_substitute(const struct mon_reader *r, const char *line);

#endif
