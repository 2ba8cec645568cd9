/* monitor.h: the interactive monitor shell over the machine and the VMM.
 *
 * A monitor session owns a bare machine (section 2) and, once a VM is
 * created, a control program (sections 4-6), and lets a person or a script
 * load, run, step, inspect, alter, break, trace, compare and snapshot them.
 * Commands come from one table that also drives help and completion.
 */
#ifndef TGM_MONITOR_H
#define TGM_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct mon;
struct machine;
struct vmm;

/* A session writing normal output to OUT and error lines to ERR (they may
 * be the same stream).  NULL if memory runs out. */
struct mon *mon_create(FILE *out, FILE *err);
/* End the session's files: an open trace or log appears under its name,
 * complete.  -1 if one could not be written (said on ERR), so that the
 * session can fail; mon_destroy ends them too, but cannot report it. */
int mon_end(struct mon *m);
void mon_destroy(struct mon *m);

/* Before the first command: replace the bare machine with one of Q words
 * (0: as it is) and PROFILE (NULL: as it is), the control program's
 * profile too, in one reset and one line, as 'tgm monitor --mem Q
 * --profile P' asks.  0, or -1 after an error line. */
int mon_set_machine(struct mon *m, const char *profile, uint32_t q);

/* Begin every error line with PREFIX instead of the script position and
 * the command's name (NULL: as usual): 'tgm monitor' loads its IMAGE
 * arguments with it, so that their errors read as the CLI's do. */
void mon_set_error_prefix(struct mon *m, const char *prefix);

/* Before the first command: write normal output to OUT from now on (not
 * owned).  'tgm monitor' holds what loading its IMAGE arguments prints
 * until every one has loaded, so that a session that cannot start prints
 * its error line and nothing else. */
void mon_set_output(struct mon *m, FILE *out);

/* Execute one line (several commands may be separated by ';').  Returns 0
 * if every command succeeded, -1 if one failed (its error line is on ERR;
 * the machine is unchanged by the failed command). */
int mon_exec_line(struct mon *m, const char *line);

/* True once 'quit' or 'exit' ran; *STATUS (may be NULL) gets the status. */
bool mon_finished(const struct mon *m, int *status);
/* Why the output first could not be written (ENOSPC for a full disk), or
 * 0: the output is flushed after every line, so by the session's end the
 * stream says only that it failed. */
int mon_output_errno(const struct mon *m);

/* Run commands until EOF, 'quit' or 'exit', or (unless 'set on-error
 * continue') the first failed command.  Each returns the exit status for
 * the process: 0, 1 after a failure, or the N of 'exit N'.  A script and
 * a stream are read line by line; mon_run_string's COMMANDS are one line,
 * as 'tgm monitor -c' takes them: its commands separated by ';', a newline
 * in it no separator (named "-c" in error lines). */
int mon_run_script(struct mon *m, const char *path, int argc, char **argv);
int mon_run_stream(struct mon *m, FILE *in, const char *name);
int mon_run_string(struct mon *m, const char *commands);
/* Line editing on the terminal: history, completion, Ctrl-C handling. */
int mon_run_interactive(struct mon *m);

/* Ask a running command to stop at the next chunk boundary; the only
 * function here that is safe to call from a signal handler. */
void mon_interrupt(void);

/* SIGTERM, SIGHUP and (until the terminal takes it over) SIGINT stop a
 * running command and end the session after it, so that mon_end still puts
 * the log and the trace in place; the session's status is then 128 + the
 * signal's number.  A signal ignored when this is called stays ignored. */
void mon_catch_termination(void);
/* The signal that ended the session so (SIGHUP for a terminal hung up), or
 * 0.  Output that failed with it is not the session's failure: its status
 * is still the signal's. */
int mon_termination_signal(void);

/* A stream writing to FD whose writes Ctrl-C, Ctrl-Z or a resized window
 * do not cut short (EINTR: the write is made again; stdio would drop what
 * it held), while a signal that ends the session does; line-buffered on a
 * terminal.  fclose leaves FD open.  NULL if out of memory. */
FILE *mon_steady_stream(int fd);
/* Why a stream's writes failed, given E (errno after the failed flush):
 * E if nonzero, else the errno of the last write a steady stream failed
 * (its error flag may have been set long before), else EIO. */
int mon_write_error(int e);

/* The session's machines, for tests and embedders (not owned).  A VM
 * destroyed through mon_vmm while selected is forgotten at the next
 * command, which fails saying so and selects the bare machine. */
struct machine *mon_machine(struct mon *m);  /* the bare machine */
struct vmm *mon_vmm(struct mon *m);          /* NULL until a VM exists */

#endif
