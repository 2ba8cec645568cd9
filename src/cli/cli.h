/* cli.h: the tgm command's subcommands and their shared helpers (the paper's
 * sections 2-8, each reached from the command line).
 *
 * Exit status, for every subcommand:
 *   0  success (run: the machine halted; check: equivalent)
 *   1  a negative result (check: not equivalent; as: source errors)
 *   2  bad usage or bad input (unknown flag, unreadable or invalid file)
 *   3  the step limit was reached before HALT (run)
 *   130  interrupted by Ctrl-C, the state so far reported (run.h)
 */
#ifndef TGM_CLI_H
#define TGM_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EXIT_OK 0
#define EXIT_NEGATIVE 1
#define EXIT_USAGE 2
#define EXIT_STEPLIMIT 3

struct isa_profile;

/* Subcommands: argv[0] is the subcommand name. */
int cli_as(int argc, char **argv);
int cli_dis(int argc, char **argv);
int cli_run(int argc, char **argv);
int cli_isa(int argc, char **argv);
int cli_analyze(int argc, char **argv);
int cli_check(int argc, char **argv);
int cli_counter(int argc, char **argv);
int cli_monitor(int argc, char **argv);
/* tgm check --nest N (cli_nest.c): each image bare and on N levels of the
 * machine-code control program (on the C one too with VMM). */
int check_nest(const char *const *names, size_t n, unsigned depth, bool vmm, uint32_t w,
               uint64_t max_steps, const uint8_t *input, size_t input_len, bool json);
/* --nest N of command CMD: 1..NEST_MAX_DEPTH, or -1 after one line
 * worded as the monitor's 'nest N' refuses it. */
int cli_parse_nest(const char *cmd, const char *s, unsigned *depth);
/* 0 if --nest can run profile P (NULL: the default), or -1 after one line. */
int cli_nest_profile_ok(const char *cmd, const struct isa_profile *p);

/* The guest's console input of --input TEXT and --input-file F (run and
 * check, cli_input.c): the bytes in command-line order, and the files'
 * names (no output may be one of them). */
struct cli_input {
    uint8_t *bytes;
    size_t len;
    const char **files;
    int nfiles;
};
/* Queue TEXT, or the whole of file PATH ('-': standard input): 0, or -1
 * after one line (CMD names the command when memory runs out). */
int cli_input_text(struct cli_input *in, const char *cmd, const char *text);
int cli_input_file(struct cli_input *in, const char *cmd, const char *path);
void cli_input_free(struct cli_input *in);

/* "s" unless N is 1, for counts in reports: "1 byte", "2 bytes". */
const char *cli_plural(uint64_t n);
/* STATUS, unless standard output could not be written (a full disk, say):
 * then that output was lost, and any result it held (success, a negative
 * result, a step limit) would be a lie, so one line says so and the
 * status is EXIT_USAGE.  A command that failed on bad usage or input has
 * already said why. */
int cli_finish(const char *cmd, int status);
/* The session a signal ended (the monitor's SIGTERM, SIGHUP, Ctrl-C): its
 * status, 128 + the signal's number, stands in cli_finish whatever became
 * of its output (a hung-up terminal's), as the signal is why. */
void cli_ended_by_signal(void);

/* "tgm: " + message + newline on stderr.  Every error of a subcommand
 * starts with its name: "tgm: run: --mem: ...", "tgm: check: FILE: ...". */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* One line of a report on stdout that names a file (a verdict, a VM's
 * header): a control character in the name shown escaped, as in an error,
 * so that the report keeps its lines. */
void cli_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse an unsigned number (decimal or 0x...) for option OPT of command
 * CMD, LO..HI; on error print one line naming both and return -1.  Every
 * numeric flag's error is worded here: "run: --slice: 0 cycles is out of
 * range (1..9223372036854775807)" (UNIT, singular, may be NULL), or
 * "expected a non-negative number, got 'x'". */
int cli_parse_range(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi,
                    const char *unit, uint64_t *out);
/* The same for 0..2^64-1, with no unit. */
int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out);
/* Only that S is a number, its range checked later by the caller: a larger
 * number than 2^64-1 is UINT64_MAX, so that check names the range. */
int cli_parse_bounded(const char *cmd, const char *opt, const char *s, uint64_t *out);
/* Parse --mem's words, TGM_Q_MIN..HI: 0, or -1 after one line naming the
 * range ("run: --mem: 1 word is out of range (2..524288)"). */
int cli_parse_mem(const char *cmd, const char *s, uint32_t hi, uint32_t *out);
/* Parse --profile's argument; on error print the known names, return NULL. */
const struct isa_profile *cli_parse_profile(const char *cmd, const char *s);
/* The same; WITH_ALL: "all" is a name too (analyze, counterexample), listed
 * among the known ones and guessed for a typo of it. */
const struct isa_profile *cli_parse_profile_in(const char *cmd, const char *s, bool with_all);

/* Options shared by analyze and counterexample (whose witnesses are
 * analyze's): --profile P|all, --seed, --random-states, --words.
 * cli_analysis_option returns 1 if it took option C, 0 if C is not one of
 * them, -1 after printing why ARG is bad. */
#include "tgm/analyze.h"
struct analysis_args {
    const struct isa_profile *one;
    bool all;
    struct analyze_options ao;
};
#define ANALYSIS_OPTIONS                                                     \
    {"profile", required_argument, 0, 'p'}, {"seed", required_argument, 0, 's'}, \
        {"random-states", required_argument, 0, 'r'}, {"words", required_argument, 0, 'q'}
int cli_analysis_option(const char *cmd, int c, const char *arg, struct analysis_args *a);
/* What analyze and counterexample share past their options: OPTS are
 * ANALYSIS_OPTIONS, --json ('j'), FLAG (--check-declared, --expect) and
 * --help ('h').  ONE reports profile P, JSON or text, after printing SEP
 * ("" for the first, else what parts it from the one before) once it has
 * its result; it returns EXIT_OK, EXIT_NEGATIVE (FLAG's condition met) or
 * EXIT_USAGE after its error line, which ends the command. */
struct analysis_cmd {
    const char *name;
    const struct option *opts;
    int flag;
    void (*usage)(FILE *f);
    int (*one)(const struct isa_profile *p, const struct analyze_options *ao, bool json,
               bool flag, const char *sep);
};
/* Parses ARGV and reports every profile it names; returns the exit status
 * (EXIT_NEGATIVE if any profile's was). */
int cli_analysis_main(const struct analysis_cmd *cmd, int argc, char **argv);

/* After getopt_long (with opterr = 0 and a leading ':') returned C for a
 * bad option: one line naming it (and, for an ambiguous prefix, the
 * options OPTS it could be); returns EXIT_USAGE. */
struct option;
int cli_bad_option(const char *cmd, int c, char **argv, const struct option *opts);
/* The long option of OPTS (its name, without "--") that the N bytes of
 * NAME misspell, when one is nearer than any other (suggest.h), or NULL. */
const char *cli_option_guess(const struct option *opts, const char *name, size_t n);
/* Is PATH a readable file (not a directory)?  0, or -1 after one line
 * "tgm: [CMD: ]PATH: why".  CMD may be NULL. */
int cli_input_ok(const char *cmd, const char *path);
/* PATH, given as NAME, is about to be read whole by READER ("--input-file",
 * "the image").  Standard input that is a pipe can be read only once:
 * if PATH is it and it was read already, -1 after one line "tgm:
 * PREFIX: NAME: standard input was read already ..."; else 0.  READER and
 * NAME are kept. */
int cli_stdin_once(const char *prefix, const char *path, const char *name,
                   const char *reader);
/* Is PATH "-", standard output, as for most Unix tools? */
bool cli_is_stdout(const char *path);
/* Flush standard output: 0, or -1 after the line every command gives for
 * a lost standard output (main.c): "CMD: cannot write the output: why". */
int cli_flush_stdout(const char *cmd);
/* Can PATH be written (its directory exists and takes files, PATH is not a
 * directory)?  0, or -1 after one line. */
int cli_output_ok(const char *cmd, const char *path);
/* Is PATH, an output option's value, a file name at all (not '')?  Each
 * value of a repeated option must be one (docs/run.md), not only the
 * last; false after one line. */
bool cli_output_named(const char *cmd, const char *path);

struct tgm_image;
/* Read PATH as a guest image, or assemble it if its name ends in ".s" and
 * it does not begin with the image magic (diagnostics go to stderr).  0, or
 * -1 after one line "tgm: CMD: PATH: why". */
int cli_load_image(const char *cmd, const char *path, struct tgm_image *img);
/* The same, refusing a source that includes OUT, the value of FLAG, which
 * the caller will write (OUT may be NULL): one line naming them. */
int cli_load_image_for(const char *cmd, const char *path, struct tgm_image *img,
                       const char *flag, const char *out);
/* Is PATH read as an assembly source: named *.s and not beginning with the
 * image magic (an image is one whatever its name)? */
bool cli_is_source(const char *path);
/* What PATH holds when it is an existing regular file that tgm reads as a
 * program, else PROG_NONE: an output option that took it for its FILE
 * would destroy it.  cli_program_name says it ("a tgm image"). */
enum cli_program { PROG_NONE, PROG_SOURCE, PROG_IMAGE, PROG_SNAPSHOT };
enum cli_program cli_program_kind(const char *path);
const char *cli_program_name(enum cli_program kind);
/* Read PATH as a guest image: 0, or -1 after one line "tgm: CMD: PATH:
 * why", followed by HINT when PATH holds text rather than an image. */
int cli_read_image(const char *cmd, const char *path, struct tgm_image *img, const char *hint);
/* For a command that takes no operands (isa, analyze, counterexample): one
 * line for ARG, the first operand given, and EXIT_USAGE.  A profile's name
 * (tgm analyze pdp10) is shown how it is given: --profile pdp10. */
int cli_no_operands(const char *cmd, const char *arg);
/* The note of a run (of VM NAME, or NULL) that MAX steps stopped before
 * HALT: how to raise the limit, unless M is in a trap loop (a disabled
 * wait, docs/run.md), which no limit ends.  M is NULL when there is no
 * state to look at yet (a stack whose levels have not booted the guest). */
void cli_limit_note(const char *name, const struct machine *m, uint64_t max);
/* " (try a larger --mem)" when IMG does not fit a guest of W words but
 * fits one of MOST, the largest --mem allows there (the error it caused
 * is about --mem); when it fits none, what MOST is, in BUF; else "". */
const char *cli_mem_hint(const struct tgm_image *img, uint32_t w, uint32_t most, char *buf,
                         size_t len);
/* Do N guests of W words each fit, with the control program's words, in
 * the largest real machine?  0, or -1 after one line "CMD: N WHAT of W
 * words need ... (use a smaller --mem)". */
int cli_guests_fit(const char *cmd, uint64_t n, const char *what, uint32_t w);
/* The file of SOURCES (asm_assemble_file_sources) that is PATH, by name or
 * device and inode, or NULL. */
const char *cli_source_of(char *const *sources, const char *path);

#endif
