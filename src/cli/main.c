/* main.c: the tgm command: dispatch to a subcommand (the paper's sections
 * 2-8, from the machine to the hybrid monitor, one command each).
 *
 * Each subcommand lives in its own file under src/cli and uses only the
 * library layers (machine, asm, vmm, analyze, monitor).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tgm/bytes.h"
#include "tgm/machine.h"
#include "tgm/suggest.h"

#ifndef TGM_VERSION
#define TGM_VERSION "0.1"
#endif

struct subcommand {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary; /* each command's usage is in its own --help */
};

static const struct subcommand commands[] = {
    {"as", cli_as, "assemble a source file into a guest image"},
    {"dis", cli_dis, "disassemble an image into source that reassembles to it"},
    {"run", cli_run, "run an image on a bare machine to HALT"},
    {"isa", cli_isa, "print the instruction set table"},
    {"analyze", cli_analyze, "derive instruction classes by execution; test Theorems 1-3"},
    {"check", cli_check, "run images bare and under the control program, and compare"},
    {"counterexample", cli_counter, "show Theorems 1 and 3 failing on programs made from witnesses"},
    {"monitor", cli_monitor, "the interactive monitor (also: tgm alone on a terminal)"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

/* One line, whatever it quotes (tgm_vfprint_line escapes a newline). */
void cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("tgm: ", stderr);
    tgm_vfprint_line(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void cli_line(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(stdout, fmt, ap);
    putchar('\n');
    va_end(ap);
}

/* *OUT := S, or UINT64_MAX with *OVER set for a number past 2^64-1 (the
 * range check names the option's range for it); -1 after one line if S
 * is no number. */
static int parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out, bool *over)
{
    /* decimal or 0x hex only: strtoull alone would also take a leading
     * space, '+', a '-' after a space (wrapping), and 010 as octal 8 */
    const char *digits = s ? s : "";
    int base = 10;
    if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        digits += 2;
        base = 16;
    }
    size_t n = strspn(digits, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
    errno = 0;
    unsigned long long v = n ? strtoull(digits, NULL, base) : 0;
    char hint[160];
    if (base == 10 && n && digits[n] && digits[n + 1] == '\0' && errno != ERANGE &&
        tgm_suffix_hint(hint, sizeof hint, s, strlen(s), v)) { /* as the monitor says it */
        cli_error("%s: %s: expected a non-negative number, got '%s' %s", cmd, opt, s, hint);
        return -1;
    }
    if (n == 0 || digits[n] != '\0') {
        cli_error("%s: %s: expected a non-negative number, got '%s'", cmd, opt, s ? s : "");
        return -1;
    }
    *over = errno == ERANGE;
    *out = *over ? UINT64_MAX : v;
    return 0;
}

int cli_parse_range(const char *cmd, const char *opt, const char *s, uint64_t lo, uint64_t hi,
                    const char *unit, uint64_t *out)
{
    bool over;
    uint64_t v;
    if (parse_u64(cmd, opt, s, &v, &over) != 0)
        return -1;
    if (over || v < lo || v > hi) { /* S as typed: 0x10 stays 0x10 */
        char words[128]; /* as the monitor words it */
        tgm_range_words(words, sizeof words, unit, v == 1 && !over, lo, hi);
        cli_error("%s: %s: %s%s", cmd, opt, s, words);
        return -1;
    }
    *out = v;
    return 0;
}

int cli_parse_u64(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    return cli_parse_range(cmd, opt, s, 0, UINT64_MAX, NULL, out);
}

int cli_parse_bounded(const char *cmd, const char *opt, const char *s, uint64_t *out)
{
    bool over;
    return parse_u64(cmd, opt, s, out, &over);
}

const struct isa_profile *cli_parse_profile_in(const char *cmd, const char *s, bool with_all)
{
    const struct isa_profile *p = isa_profile_find(s);
    if (p)
        return p;
    char names[256] = "";
    for (const struct isa_profile *const *q = isa_profiles(); *q; q++) {
        if (names[0])
            strncat(names, ", ", sizeof names - strlen(names) - 1);
        strncat(names, (*q)->name, sizeof names - strlen(names) - 1);
    }
    if (with_all) /* (analyze and counterexample) */
        strncat(names, ", all", sizeof names - strlen(names) - 1);
    char sug[256];
    bool guess = isa_profile_suggest_with(s, with_all ? "all" : NULL, sug, sizeof sug) > 0;
    cli_error("%s: --profile: unknown profile '%s' (known: %s)%s%s%s", cmd, s, names,
              guess ? " (did you mean " : "", sug, guess ? "?)" : "");
    return NULL;
}

const struct isa_profile *cli_parse_profile(const char *cmd, const char *s)
{
    return cli_parse_profile_in(cmd, s, false);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: tgm COMMAND [ARGS]\n"
               "       tgm help [COMMAND]\n\n"
               "tgm simulates Popek and Goldberg's third generation machine and its VMM.\n\n"
               "commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-15s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  %-15s %s\n  %-15s %s\n", "--version", "print the version", "-h, --help",
            "print this help (also: tgm help)");
    fprintf(f, "\n'tgm help COMMAND' or 'tgm COMMAND --help' describes a command.  With no\n"
               "arguments tgm starts the monitor on a terminal; otherwise it prints this\n"
               "help on standard error and exits 2.  Exit status: 0 success,\n"
               "1 negative result, 2 bad usage or input, 3 step limit reached,\n"
               "130 interrupted (Ctrl-C).\n");
}

/* Occupy any of descriptors 0, 1 and 2 that is closed (`tgm run ... >&-`):
 * otherwise the next file tgm opens would be, say, descriptor 1, and the
 * report would be written into it.  /dev/null is opened in the mode the
 * stream does not use, as gnulib's stdopen does, so that a write to a
 * closed standard output still fails, and is reported, rather than vanish.
 * 0, or -1 if /dev/null cannot be had. */
static int occupy_std_fds(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) != -1 || errno != EBADF)
            continue;
        int got = open("/dev/null", fd == STDIN_FILENO ? O_WRONLY : O_RDONLY);
        if (got != fd) { /* the lowest free descriptor: fd, unless open failed */
            if (got >= 0)
                close(got);
            return -1;
        }
        tgm_std_fd_was_closed(fd);
    }
    return 0;
}

/* "unknown command 'chek' (did you mean 'check'?)" when one command is near,
 * else the pointer to the help; BY is the word it followed ('help'), if any. */
static void unknown_command(const char *by, const char *word)
{
    struct tgm_suggest s;
    tgm_suggest_init(&s, word, strlen(word));
    for (size_t i = 0; i < NCOMMANDS; i++)
        tgm_suggest_offer(&s, commands[i].name);
    if (!by) { /* 'tgm version', as go and docker spell it; 'tgm hlep' */
        tgm_suggest_offer(&s, "--version");
        tgm_suggest_offer(&s, "help");
        tgm_suggest_offer(&s, "--help");
    }
    const char *sug = tgm_suggest_unique(&s);
    cli_error("%s%sunknown command '%s' (%s%s%s)", by ? by : "", by ? ": " : "", word,
              sug ? "did you mean '" : "try 'tgm --help'", sug ? sug : "", sug ? "'?" : "");
}

static bool is_help(const char *word)
{
    return !strcmp(word, "help") || !strcmp(word, "--help") || !strcmp(word, "-h");
}

/* 'tgm help [COMMAND]' (or -h, --help): this help, or COMMAND's own, as
 * 'tgm COMMAND --help' gives it (git and cargo users expect both). */
static int help(int argc, char **argv)
{
    if (argc > 3) {
        cli_error("%s: one command at a time ('%s' after '%s')", argv[1], argv[3], argv[2]);
        return EXIT_USAGE;
    }
    if (argc < 3 || is_help(argv[2])) {
        usage(stdout);
        return cli_finish(argv[1], EXIT_OK);
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[2], commands[i].name)) {
            char opt[] = "--help";
            char *args[] = {argv[2], opt, NULL};
            return cli_finish(argv[2], commands[i].fn(2, args));
        }
    unknown_command(argv[1], argv[2]);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (occupy_std_fds() != 0) {
        cli_error("cannot open /dev/null in place of a closed standard stream: %s",
                  strerror(errno));
        return EXIT_USAGE;
    }
    /* options and operands may come in any order (docs/run.md); with
     * POSIXLY_CORRECT set, getopt_long would stop at the first operand and
     * take 'tgm run prog.s --json' as two images */
    unsetenv("POSIXLY_CORRECT");
    if (argc < 2) {
        if (isatty(STDIN_FILENO))
            return cli_finish("monitor", cli_monitor(argc, argv));
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (is_help(cmd))
        return help(argc, argv);
    if (!strcmp(cmd, "--version")) {
        if (argc > 2) { /* as 'tgm help x y' refuses its extra word */
            cli_error("--version: unexpected argument '%s' (it takes none)", argv[2]);
            return EXIT_USAGE;
        }
        printf("tgm %s\n", TGM_VERSION);
        return cli_finish(cmd, EXIT_OK);
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return cli_finish(cmd, commands[i].fn(argc - 1, argv + 1));
    unknown_command(NULL, cmd);
    return EXIT_USAGE;
}
