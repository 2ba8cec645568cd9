/* refscript.h: an independent model of the monitor's scripts and session
 * commands (docs/monitor.md: "Starting", "Scripts", "Commands, words and
 * abbreviations" and the "scripts and session" reference: do, assert,
 * log, echo, set, exit, quit), for test_audit_refscript.c.
 *
 * The model reads the same script text tgm does and says what a session
 * prints on standard output and standard error, its exit status and the
 * logs it leaves.  It knows only the commands a generated script uses.
 */
#ifndef TGM_TESTS_REFSCRIPT_H
#define TGM_TESTS_REFSCRIPT_H

#include <stdbool.h>
#include <stddef.h>

#include "sbuf.h"

#define RS_FILES 8
#define RS_LOGS 8
#define RS_PATH 320

/* A line of expected error text may hold RS_ANY: any run of characters
 * (the detail an assert adds after its expression, say). */
#define RS_ANY '\001'

/* The script files of a case, by the path a 'do' names them with. */
struct rs_world {
    char path[RS_FILES][RS_PATH];
    const char *text[RS_FILES];
    int n;
};

enum rs_kind { RS_STRING, RS_FILE, RS_STDIN };

/* How the session is started: 'tgm monitor -c TEXT' (RS_STRING, named
 * "-c"), '-f PATH ARGS' (RS_FILE, PATH one of the world's files) or TEXT
 * on standard input (RS_STDIN, named "<stdin>", read from file SELF). */
struct rs_top {
    enum rs_kind kind;
    const char *name;
    const char *text;
    const char *self; /* the file the top script is read from, or NULL */
    int argc;
    const char *const *argv;
};

struct rs_log {
    char path[RS_PATH];
    struct sbuf text;
    bool written;
};

struct rs_result {
    struct sbuf out, err;
    int status;
    struct rs_log log[RS_LOGS];
    int nlog;
};

void rs_model(const struct rs_world *w, const struct rs_top *t, struct rs_result *r);
void rs_result_free(struct rs_result *r);

/* Does TEXT (LEN bytes) match WANT, whose lines may hold RS_ANY? */
bool rs_match(const char *text, size_t len, const char *want);

#endif
