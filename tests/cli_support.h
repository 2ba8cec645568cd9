/* cli_support.h: helpers for the suites that drive the tgm binary.
 *
 * Runs `tgm SUBCOMMAND ARGS...` as a user would (fork/exec, stdin from
 * /dev/null) and captures its stdout, stderr and exit status; writes guest
 * images of section 2 into a temporary directory; and reads the JSON the
 * subcommands print, enough to check its shape and pick out fields.
 */
#ifndef TGM_TEST_CLI_SUPPORT_H
#define TGM_TEST_CLI_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define CS_PATH 320    /* room for a path in the temporary directory */
#define CS_MAX_ARGS 96 /* arguments after the subcommand */

/* ---- the binary and the temporary directory ---------------------------- */

/* Group setup: find the binary ($TGM, default build/tgm) and make a fresh
 * temporary directory.  SUITE names the suite in messages and the
 * directory.  0, or -1 after printing why. */
int cs_setup(const char *suite);
/* Group teardown: remove the temporary directory and all it holds, its
 * subdirectories too (a link is removed, not followed). */
int cs_teardown(void);
/* The same for PATH, any file or directory: 0 once it is gone, else -1. */
int cs_remove_tree(const char *path);
const char *cs_tgm(void);
/* The binary under test: $TGM, else build/tgm (as make test runs it). */
const char *cs_tgm_binary(void);
const char *cs_tmpdir(void);
/* A guest that writes "hi\n" (three COUTs) and halts: 4 steps. */
extern const char cs_hi_src[];
/* BUF := the temporary directory's path joined with NAME. */
void cs_tmp_path(char *buf, size_t len, const char *name);
/* NAME in the system's temporary directory ($TMPDIR, else /tmp), as the
 * shell scripts' ${TMPDIR:-/tmp}: a template for mkdtemp or mkstemp
 * before cs_setup, or for suites that do not call it. */
void cs_tmp_name(char *buf, size_t len, const char *name);

/* 'tgm monitor -c CMDS', run to its end. */
struct cs_outcome cs_mon(const char *cmds);
/* The same, failing the test (naming CMDS and its stderr) unless it
 * exits 0. */
struct cs_outcome cs_mon_ok(const char *cmds);
/* CMDS fail with status 1 and one line of error holding WHY. */
void cs_mon_fails(const char *cmds, const char *why);
/* ... and that line does not hold ABSENT (a hint that must not be given). */
void cs_mon_fails_without(const char *cmds, const char *why, const char *absent);
/* CMDS succeed and the output holds WANT. */
void cs_mon_prints(const char *cmds, const char *want);
/* CMDS succeed and the output is exactly WANT. */
void cs_mon_prints_exactly(const char *cmds, const char *want);
/* TEXT holds WANT (else the test fails, showing the start of TEXT). */
void cs_assert_has(const char *text, const char *want);
/* TEXT ends with TAIL (else the test fails, showing the end of TEXT). */
void cs_assert_ends_with(const char *text, const char *tail);
/* A stream for a library function that writes to a FILE *: cs_mem_text
 * closes it and returns what was written (free it); the test fails if
 * either cannot be done. */
struct cs_mem {
    FILE *f;
    char *buf;
    size_t len;
};
FILE *cs_mem_open(struct cs_mem *m);
char *cs_mem_text(struct cs_mem *m);
/* TEXT does not hold UNWANTED (else the test fails, showing TEXT). */
void cs_assert_lacks(const char *text, const char *unwanted);
/* The lines of the fenced block that follows "$ CMD\n" in DOC (a
 * document's text), as a copy to free; the test fails if there is none. */
char *cs_doc_block(const char *doc, const char *cmd);
/* Start 'tgm monitor -c CMDS' with its standard streams on /dev/null and
 * return at once: for the tests that signal a running session. */
pid_t cs_spawn_monitor_silent(const char *cmds);

/* ---- files ------------------------------------------------------------- */

/* The whole file, NUL-terminated (it may hold NULs before the end); *LEN
 * gets its length if LEN is not NULL.  Fails the test if it cannot be read. */
char *cs_slurp(const char *path, size_t *len);
void cs_write_bytes(const char *path, const void *bytes, size_t n);

/* Write an image NAME into the temporary directory: N words loaded at LOAD,
 * entry PSW ENTRY.  PATH gets its path. */
void cs_make_image(char *path, size_t len, const char *name, uint32_t load,
                   const uint64_t *words, size_t n, uint64_t entry);
/* A word list and its length, for cs_make_image: CS_WORDS(w0, w1, ...). */
#define CS_WORDS(...) ((const uint64_t[]){__VA_ARGS__}), \
    sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t)

/* Write TEXT as NAME in the temporary directory; PATH gets its path. */
void cs_write_text(char *path, size_t len, const char *name, const char *text);

/* Write phased.s into the temporary directory; PATH gets its path.  A
 * supervisor at 'start' enters a user loop 'uloop' assembled inside
 * '.phase 0' at word 0x10 (R = (0x10, 4)): the label's value, 0, is the
 * address its code sees, the word of E of 'start'.  CS_PHASED_NOTE is the
 * note the monitor gives when a breakpoint is set on 'uloop'. */
void cs_write_phased(char *path, size_t len);
#define CS_PHASED_NOTE "note: uloop is a label inside .phase: 0 is the address its code " \
                       "sees through R, not the word of E it labels"

/* An x86-profile guest whose LPSW to user mode leaves its VM in virtual
 * supervisor mode (docs/vmm.md): bare it traps at TGET and halts, in a VM
 * TGET is no trap and the loop never ends. */
#define CS_X86_STUCK_SRC                      \
    ".org 1\n"                                \
    "       .word psw(SUP, h, 0, 0x80000)\n"  \
    "start: LPSW upsw\n"                      \
    "u:     TGET t\n"                         \
    "       JMP u\n"                          \
    "h:     HALT\n"                           \
    "t:     .word 0\n"                        \
    "upsw:  .word psw(USER, u, 0, 0x80000)\n" \
    ".entry start\n"

/* The files DIR/NAME whose names end in SUFFIX, sorted, as "DIR/NAME" in
 * PATHS (at most MAX); returns how many.  Fails the test if DIR cannot be
 * read or there are more than MAX. */
size_t cs_list_files(const char *dir, const char *suffix, char (*paths)[CS_PATH],
                     size_t max);

/* Does DIR hold a file whose name begins with PREFIX?  Fails the test if
 * DIR cannot be read. */
bool cs_has_file_starting(const char *dir, const char *prefix);
/* No writer's temporary file (NAME.tmpXXXXXX) is left in the temporary
 * directory. */
void cs_assert_no_temporary(void);

/* ---- running the binary ------------------------------------------------ */

/* An argument list for cs_run_tgm_argv, kept NULL-terminated as it grows. */
struct cs_args {
    const char *v[CS_MAX_ARGS + 1];
    size_t n;
};
void cs_push(struct cs_args *a, const char *arg);
/* Push every argument up to a NULL. */
void cs_push_all(struct cs_args *a, ...);

struct cs_outcome {
    int status;     /* exit status, or -1 if it did not exit normally */
    char *out;      /* stdout, NUL-terminated (may hold NULs before the end) */
    size_t out_len;
    char *err;      /* stderr */
};

/* Run `tgm SUBCOMMAND ARGS...`; the arguments end with NULL. */
struct cs_outcome cs_run_tgm(const char *subcommand, ...);
/* Run ARGV (NULL-terminated; ARGV[0] looked up in PATH) in directory DIR
 * (NULL: the top of the tree), killed after SECS seconds (0: never),
 * capturing both streams, or with standard output on TO if it is not
 * NULL (and nothing captured from it). */
struct cs_outcome cs_run_argv_in(const char *const *argv, const char *dir, const char *to,
                                 unsigned secs);
/* PROG with ARGS (NULL-terminated) after it, in A (N entries): an ARGV. */
const char *const *cs_with_args(const char **a, size_t n, const char *prog,
                                const char *const *args);
/* The same with the arguments in a NULL-terminated array. */
struct cs_outcome cs_run_tgm_argv(const char *subcommand, const char *const *args);
void cs_outcome_free(struct cs_outcome *o);
/* The same in two halves: start it with standard input on IN (-1:
 * /dev/null), do something to it, then wait for it.  One at a time. */
pid_t cs_start_tgm(int in, const char *subcommand, const char *const *args);
/* The same with PREP (may be NULL) done in the child just before it runs
 * tgm. */
pid_t cs_start_tgm_with(int in, void (*prep)(void), const char *subcommand,
                        const char *const *args);
/* In a child about to run tgm: SIGINT as a terminal's job control gives
 * it, not ignored even when the suite was started with it ignored (nohup,
 * a background job), so that its Ctrl-C checks mean what they say. */
void cs_child_sigint(void);
struct cs_outcome cs_finish_tgm(pid_t pid);
/* The same for a PID already waited for, ST its wait status (-1: not
 * yet, wait now). */
struct cs_outcome cs_finish_tgm_waited(pid_t pid, int st);
/* Wait until process PID catches SIGINT (it is running, past its set-up):
 * 1, 0 if it never does (about 20 s), -1 where /proc cannot say. */
int cs_catches_sigint(pid_t pid);
/* The same for SIGINT blocked: held back while the images are read. */
int cs_holds_sigint(pid_t pid);
/* Wait until PID is blocked in system call NR (from /proc/PID/syscall):
 * true, or false after about 20 s.  Skipped where /proc cannot say. */
bool cs_blocked_in(pid_t pid, long nr);
/* A pipe in P, its write end blocking and, if FULL, already full of 'x'
 * (so a write waits until P[0] is read): how many bytes it holds. */
size_t cs_pipe(int p[2], bool full);
/* A child's prep (cs_start_tgm_with): standard output the write end of
 * the last cs_pipe, whose ends the child then closes, as a shell's pipe
 * leaves the reader's end to the reader. */
void cs_onto_pipe(void);
/* NAME in the temporary directory (one of four buffers in turn, so that
 * a call may name several). */
const char *cs_tmp(const char *name);
/* PATH replaced by TEXT. */
void cs_put_text(const char *path, const char *text);
/* Run CMD with sh (popen) and return all it writes on stdout, NUL-ended
 * (free it); *STATUS, if not NULL, its exit status or -1. */
char *cs_sh_output(const char *cmd, int *status);

/* Run tgm with ARGV (NULL-terminated, ARGV[0] any name) and its standard
 * output on /dev/full: it fails with status 2, KEEP (holding "old\n"; may
 * be NULL) is left as it was, and standard error is one line with WHY.
 * Skips the test where there is no /dev/full. */
void cs_full_stdout_keeps(const char *keep, const char *why, char *const argv[]);

/* TEXT has the whole lines WANT (NULL-terminated) in that order; a
 * failure names WHAT (a file, a command) and shows TEXT. */
void cs_assert_lines_in_order(const char *text, const char *const *want, const char *what);

/* Exactly one non-empty line on stderr, containing WANT. */
void cs_assert_one_line(const struct cs_outcome *o, const char *want);

/* `tgm SUBCOMMAND ARGS...` (ARGS NULL-terminated, e.g. CS_ARGV("a", "b"))
 * succeeds and its output holds WANT. */
void cs_tgm_prints(const char *want, const char *subcommand, const char *const *args);
/* ... exits with STATUS and one line on stderr holding WHY. */
void cs_tgm_fails(int status, const char *why, const char *subcommand, const char *const *args);
/* 'tgm as PATH' (PATH its own default output) fails with status 1, its
 * error holding WHY and not calling PATH the source itself, and leaves
 * PATH byte for byte as it was. */
void cs_as_refuses_own_output(const char *path, const char *why);
#define CS_ARGV(...) ((const char *const[]){__VA_ARGS__, NULL})

/* ---- a small JSON reader (cli_json.c) ---------------------------------- */

const char *cs_json_ws(const char *s);
/* The value at V must be the string WANT. */
void cs_assert_json_string(const char *v, const char *want);
/* Parse the JSON string at S (at its opening quote); unescape it into BUF
 * (may be NULL) and its length into *LEN (may be NULL).  Returns the end,
 * or NULL if malformed. */
const char *cs_json_string(const char *s, char *buf, size_t *len);
/* The end of the JSON value at S, or NULL if it is malformed. */
const char *cs_json_value(const char *s);
/* The output must be one well-formed JSON object on one line. */
void cs_assert_json_object(const struct cs_outcome *o);

/* Text search, for flat outputs: the value after the first "KEY": found
 * after the first "WITHIN": (or anywhere in JSON when WITHIN is NULL).
 * Fails the test if either is missing. */
const char *cs_json_at(const char *json, const char *within, const char *key);
uint64_t cs_json_u64(const char *json, const char *within, const char *key);
void cs_assert_json_str(const char *json, const char *within, const char *key,
                        const char *want, size_t want_len);
#define CS_ASSERT_JSON_STR(json, within, key, lit) \
    cs_assert_json_str(json, within, key, lit, sizeof lit - 1)

/* Structural access, for nested outputs.  OBJ and ARR point at a value
 * ('{' or '['); the results point at a member's or element's value. */
const char *cs_json_find(const char *obj, const char *key); /* NULL if absent */
const char *cs_json_get(const char *obj, const char *key);  /* fails if absent */
const char *cs_json_item(const char *arr, size_t k);        /* NULL past the end */
size_t cs_json_count(const char *arr);
/* The value at V as a number (fails if it is not one), as true/false, and
 * as a malloc'd unescaped string (fails if it is not one; LEN may be NULL). */
uint64_t cs_json_uint(const char *v);
double cs_json_num(const char *v);
int cs_json_bool(const char *v);
char *cs_json_str(const char *v, size_t *len);
/* A malloc'd copy of the text of the value at V. */
char *cs_json_text(const char *v);

/* ---- a small XML reader ------------------------------------------------ */

/* Is TEXT well-formed XML: an optional declaration, one root element,
 * tags nested and matched, attributes quoted and not repeated, every '&'
 * an entity or character reference, comments closed?  0, or -1 with why
 * and where in WHY (no DTDs or CDATA: tgm writes none). */
int cs_xml_check(const char *text, char *why, size_t len);

#endif
