/* run.h: what `tgm run` shares between its bare and control-program paths.
 *
 * The bare path (cli_run.c) runs one image on a machine of section 2; the
 * --vmm path (cli_run_vmm.c) runs one or more under the control program of
 * sections 4-6, each in its own VM.
 */
#ifndef TGM_CLI_RUN_H
#define TGM_CLI_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"

struct isa_profile;

#define RUN_MAX_IMAGES 64

struct run_opts {
    const char *images[RUN_MAX_IMAGES];
    int nimages;
    uint64_t max_steps;
    bool json, quiet;
    const char *dump;
    uint32_t q;
    const struct isa_profile *profile;
    struct cli_input in; /* --input and --input-file */
    /* --vmm */
    bool vmm, hybrid, stats;
    uint32_t vms;   /* --vms N: N copies of the one image */
    uint64_t slice;
    const char *timeline; /* --timeline FILE: .json (Chrome trace) or .svg */
    unsigned nest;  /* --nest N: N levels of the machine-code control program */
    /* the first of the control program's own options given (--vms,
     * --slice, --hybrid, --stats, --timeline), or NULL: the one a refusal
     * names */
    const char *cp_flag;
    /* the first option --nest refuses (those above and --dump), or NULL */
    const char *nest_flag;
};

/* Exit status after Ctrl-C, as a shell reports SIGINT. */
#define EXIT_INTERRUPTED 130
/* Steps per run call: long enough for full speed, short enough that
 * console output streams and Ctrl-C answers promptly. */
#define RUN_CHUNK (UINT64_C(1) << 24)

/* The console as a run produced it.  A machine keeps only its first
 * 16 MiB, so each chunk's output is taken and the machine's emptied: a chunk
 * of RUN_CHUNK steps writes at most RUN_CHUNK (16 Mi) bytes, so none is
 * lost.  Text is streamed; JSON keeps the first RUN_CONSOLE_KEEP bytes. */
#define RUN_CONSOLE_KEEP ((size_t)16 << 20)
struct run_console {
    bool stream;
    uint8_t *kept;
    size_t kept_len;
    uint64_t total; /* every byte written */
    uint8_t last;   /* the last of them */
    int werr;       /* errno of the first streamed write that failed, or 0 */
    bool lost;      /* a byte lost for want of memory (machine_console_lost) */
};
struct machine;
/* Take M's console output into C (streaming it if C->stream), then empty it. */
void run_take_console(struct machine *m, struct run_console *c);

/* Did standard output take all that was printed, and C's console all the
 * guest wrote?  true, or false after one line saying why (with C's
 * streamed write error, C may be NULL) and, when FLAG is not NULL, that
 * FLAG's FILE was therefore not written: a run whose report is lost fails
 * before it writes anything else. */
bool run_output_ok(const struct run_console *c, const char *flag, const char *file);

/* Ctrl-C (cli_sigint.c).  run_hold_sigint, at the command's start, holds
 * a Ctrl-C back until run_catch_sigint, so that the run then stops at once
 * with its report, as one interrupted in its first step (SIGINT shows as
 * caught only once the run starts); run_release_sigint puts back what was
 * there before, dropping a Ctrl-C still held.  After the run,
 * run_hold_sigint holds it again while the report and files are written;
 * run_end_sigint then writes out standard output (cli_finish for CMD),
 * releases it and gives the command's STATUS, 130 if
 * a Ctrl-C came since the run began (unless STATUS is EXIT_USAGE: the
 * failure was told).  While a file is read,
 * run_read_sigint gives Ctrl-C to HANDLER (which ends the process) and
 * run_read_done holds it again.  None of them catches a SIGINT that was
 * ignored when tgm started. */
void run_hold_sigint(void);
void run_catch_sigint(void);
bool run_interrupted(void);
void run_release_sigint(void);
int run_end_sigint(const char *cmd, int status);
void run_read_sigint(void (*handler)(int));
void run_read_done(void);
/* run_read_sigint for reading file GIVEN ('-': standard input): Ctrl-C
 * until run_read_done ends tgm with status 130 and the one line "tgm: CMD:
 * WHAT: interrupted (Ctrl-C) while reading GIVEN; nothing was run" (WHAT
 * and its colon left out when NULL). */
void cli_read_stoppable(const char *cmd, const char *what, const char *given);

/* OUT, the FILE of FLAG (--dump, --timeline), is an existing program the
 * run does not read ('--timeline a.s b.s'): true after one line. */
bool run_replaces_a_program(const char *flag, const char *out);
/* The --vmm path; returns the exit status. */
int run_vmm(const struct run_opts *o);
/* The --nest path (cli_nest.c); returns the exit status. */
int run_nest(const struct run_opts *o);

#endif
