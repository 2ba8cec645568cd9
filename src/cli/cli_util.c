/* cli_util.c: helpers shared by the subcommands.
 *
 * Guest programs reach the CLI either as images (section 2's E and PSW in
 * the format of image.h) or as assembly sources, assembled on the fly.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "run.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/machine.h"
#include "tgm/image.h"
#include "tgm/suggest.h"
#include "tgm/vmm.h"

/* The long options OPTS whose names begin with the N bytes of NAME, listed
 * into LIST as "--a, --b"; how many. */
static int prefixed(const struct option *opts, const char *name, size_t n, char *list,
                    size_t len)
{
    int k = 0;
    list[0] = '\0';
    for (const struct option *o = opts; o && o->name; o++)
        if (strncmp(o->name, name, n) == 0) {
            size_t at = strlen(list);
            snprintf(list + at, len - at, "%s--%s", k++ ? ", " : "", o->name);
        }
    return k;
}

const char *cli_option_guess(const struct option *opts, const char *name, size_t n)
{
    struct tgm_suggest s;
    tgm_suggest_init(&s, name, n);
    for (const struct option *o = opts; o && o->name; o++)
        tgm_suggest_offer(&s, o->name);
    return tgm_suggest_unique(&s);
}

/* Is ARG ("--name=value") a long option of OPTS that takes no value, its
 * code VAL: exactly its name or a prefix of it alone? */
static bool takes_no_value(const struct option *opts, const char *arg, int val)
{
    size_t n = strcspn(arg + 2, "=");
    const struct option *hit = NULL;
    int k = 0;
    for (const struct option *o = opts; o && o->name; o++)
        if (strncmp(o->name, arg + 2, n) == 0) {
            if (strlen(o->name) == n) {
                hit = o;
                k = 1;
                break;
            }
            hit = o;
            k++;
        }
    return k == 1 && hit->has_arg == no_argument && hit->val == val;
}

int cli_bad_option(const char *cmd, int c, char **argv, const struct option *opts)
{
    const char *arg = optind > 0 ? argv[optind - 1] : NULL;
    bool is_long = arg && strncmp(arg, "--", 2) == 0;
    char list[512];
    int k = 0;
    /* a known long option given a value: optopt is its code.  Otherwise a
     * nonzero optopt is a short option's letter, and ARG may be the word
     * before it: getopt is still inside "-xy" at an 'x' it refuses. */
    const char *eq = is_long && optopt && strchr(arg, '=') ? strchr(arg, '=') : NULL;
    if (eq && !takes_no_value(opts, arg, optopt))
        eq = NULL;
    bool is_short = optopt && !eq;
    if (c == ':' && is_short && !is_long)
        cli_error("%s: option '-%c' needs a value (try 'tgm %s --help')", cmd, optopt, cmd);
    else if (c == ':')
        cli_error("%s: option '%s' needs a value (try 'tgm %s --help')", cmd,
                  arg ? arg : "?", cmd);
    else if (eq)
        cli_error("%s: option '%.*s' takes no value (try 'tgm %s --help')", cmd,
                  (int)(eq - arg), arg, cmd);
    else if (is_short)
        cli_error("%s: unknown option '-%c' (try 'tgm %s --help')", cmd, optopt, cmd);
    else if (is_long && arg[2] == '=') /* '--=5': no name, which every option begins with */
        cli_error("%s: unknown option '%s' (try 'tgm %s --help')", cmd, arg, cmd);
    else if (is_long && (k = prefixed(opts, arg + 2, strcspn(arg + 2, "="), list,
                                      sizeof list)) > 1)
        cli_error("%s: ambiguous option '%s' (%s)", cmd, arg, list);
    else if (is_long && k == 0) { /* no option begins so: not "unknown or ambiguous" */
        int n = (int)strcspn(arg + 2, "=");
        const char *guess = cli_option_guess(opts, arg + 2, (size_t)n);
        if (guess)
            cli_error("%s: unknown option '%.*s' (did you mean '--%s'?)", cmd, 2 + n, arg,
                      guess);
        else
            cli_error("%s: unknown option '%.*s' (try 'tgm %s --help')", cmd, 2 + n, arg, cmd);
    }
    else
        cli_error("%s: unknown or ambiguous option '%s' (try 'tgm %s --help')", cmd,
                  arg ? arg : "?", cmd);
    return EXIT_USAGE;
}

int cli_input_ok(const char *cmd, const char *path)
{
    struct stat st;
    if (!*path) { /* not "tgm: as: : No such file or directory" */
        cli_error("%s%sexpected a file name, got ''", cmd ? cmd : "", cmd ? ": " : "");
        return -1;
    }
    if (stat(path, &st) != 0) {
        int e = errno; /* '-' names a file here: say how standard input is named */
        cli_error("%s%s%s: %s%s", cmd ? cmd : "", cmd ? ": " : "", path, strerror(e),
                  e == ENOENT && cli_is_stdout(path) ? " (standard input is /dev/stdin)" : "");
        return -1;
    }
    if (S_ISDIR(st.st_mode)) {
        cli_error("%s%s%s: is a directory (give a file)", cmd ? cmd : "", cmd ? ": " : "",
                  path);
        return -1;
    }
    return 0;
}

/* Who read standard input first, when it is a pipe: it is read once. */
static const char *stdin_reader, *stdin_name;

int cli_stdin_once(const char *prefix, const char *path, const char *name,
                   const char *reader)
{
    struct stat in, st;
    /* a file redirected to it is opened afresh by its /dev name, and a
     * terminal can be read again after an end of file: only a pipe (or a
     * socket) is spent */
    if (fstat(0, &in) != 0 || !(S_ISFIFO(in.st_mode) || S_ISSOCK(in.st_mode)))
        return 0;
    if (stat(path, &st) != 0 || st.st_dev != in.st_dev || st.st_ino != in.st_ino)
        return 0;
    if (stdin_reader) {
        cli_error("%s: %s: standard input was read already, for %s %s (a pipe is read "
                  "once: give one of them a file)",
                  prefix, name, stdin_reader, stdin_name);
        return -1;
    }
    stdin_reader = reader;
    stdin_name = name;
    return 0;
}

bool cli_is_stdout(const char *path)
{
    return path && strcmp(path, "-") == 0;
}

int cli_flush_stdout(const char *cmd)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 0;
    cli_error("%s: cannot write the output: %s", cmd, errno ? strerror(errno) : "write error");
    return -1;
}

bool cli_output_named(const char *cmd, const char *path)
{
    if (!*path)
        cli_error("%s: expected a file name, got ''", cmd);
    return *path != '\0';
}

int cli_output_ok(const char *cmd, const char *path)
{
    struct stat st;
    if (!cli_output_named(cmd, path))
        return -1;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
        cli_error("%s: %s: is a directory (give a file name)", cmd, path);
        return -1;
    }
    /* what the writer itself would refuse: a directory that takes no
     * files, other hard links, ... */
    char err[4200];
    if (tgm_wcheck(path, err, sizeof err) != 0) {
        cli_error("%s: %s", cmd, err);
        return -1;
    }
    return 0;
}

const char *cli_source_of(char *const *sources, const char *path)
{
    for (char *const *p = sources; path && p && *p; p++)
        if (strcmp(*p, path) == 0 || tgm_same_file(*p, path))
            return *p;
    return NULL;
}

/* The first bytes of PATH into HEAD (at most LEN), if it is a regular
 * file: a pipe is not read twice.  How many, 0 for anything else. */
static size_t file_head(const char *path, char *head, size_t len)
{
    struct stat st;
    FILE *f = stat(path, &st) == 0 && S_ISREG(st.st_mode) ? fopen(path, "rb") : NULL;
    if (!f)
        return 0;
    size_t n = fread(head, 1, len, f);
    fclose(f);
    return n;
}

int cli_read_image(const char *cmd, const char *path, struct tgm_image *img, const char *hint)
{
    char err[512];
    bool text;
    if (image_read_file_text(path, img, err, sizeof err, &text) == 0)
        return 0;
    /* only a name ending in .s is assembled, so a source named otherwise
     * (or read from a pipe) fails as an image and the error says why */
    cli_error("%s: %s%s", cmd, err, text ? hint : "");
    return -1;
}

/* A file that begins with the image magic is an image whatever its name,
 * as the monitor's load takes it (image_has_magic); one with a snapshot's
 * goes to the image reader too, which names it. */
static bool has_magic(const char *path)
{
    char head[TGM_IMAGE_HEADER];
    size_t n = file_head(path, head, sizeof head);
    return image_has_magic(head, n) || image_is_snapshot(head, n);
}

bool cli_is_source(const char *path)
{
    return tgm_source_named(path) && !has_magic(path);
}

enum cli_program cli_program_kind(const char *path)
{
    char head[TGM_IMAGE_HEADER];
    struct stat st;
    if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        return PROG_NONE;
    size_t n = file_head(path, head, sizeof head);
    if (image_is_snapshot(head, n))
        return PROG_SNAPSHOT;
    if (image_has_magic(head, n))
        return PROG_IMAGE;
    return tgm_source_named(path) ? PROG_SOURCE : PROG_NONE;
}

const char *cli_program_name(enum cli_program kind)
{
    static const char *const names[] = {"no program", "an assembly source", "a tgm image",
                                        "a monitor snapshot"};
    return names[kind];
}

/* cli_load_image_for's reading of PATH, checked. */
static int load_image(const char *cmd, const char *path, struct tgm_image *img,
                      const char *flag, const char *out)
{
    if (cli_is_source(path)) {
        char **read;
        int errors = asm_assemble_file_sources(path, img, stderr, NULL, &read);
        const char *inc = errors ? NULL : cli_source_of(read, out);
        if (errors)
            cli_error("%s: %s: %d error%s", cmd, path, errors, errors == 1 ? "" : "s");
        else if (inc)
            cli_error("%s: %s: %s includes %s, which is the output %s; choose another file",
                      cmd, flag, path, inc, out);
        asm_sources_free(read);
        if (inc)
            image_free(img);
        return errors || inc ? -1 : 0;
    }
    /* a file named just .s is not NAME.s, and "must be named *.s" would puzzle */
    const char *slash = strrchr(path, '/');
    bool bare = strcmp(slash ? slash + 1 : path, ".s") == 0;
    return cli_read_image(cmd, path, img, bare ? "; an assembly source must be named *.s, with "
                                                 "a name before the .s"
                                               : "; an assembly source must be named *.s");
}

int cli_load_image_for(const char *cmd, const char *path, struct tgm_image *img,
                       const char *flag, const char *out)
{
    if (cli_input_ok(cmd, path) != 0 || cli_stdin_once(cmd, path, path, "the image") != 0)
        return -1;
    /* a FIFO, a pipe or a terminal may never end (nor a FIFO's open return):
     * Ctrl-C, held until the run otherwise, ends the command there */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        cli_read_stoppable(cmd, NULL, path);
        int rc = load_image(cmd, path, img, flag, out);
        run_read_done();
        return rc;
    }
    return load_image(cmd, path, img, flag, out);
}

static bool signal_ended;

void cli_ended_by_signal(void) { signal_ended = true; }

int cli_finish(const char *cmd, int status)
{
    errno = 0;
    bool flushed = fflush(stdout) == 0;
    if ((flushed && !ferror(stdout)) || status == EXIT_USAGE || signal_ended)
        return status;
    cli_error("%s: cannot write the output: %s", cmd,
              !flushed && errno ? strerror(errno) : "write error");
    return EXIT_USAGE;
}

const char *cli_plural(uint64_t n)
{
    return n == 1 ? "" : "s";
}

int cli_no_operands(const char *cmd, const char *arg)
{
    if (isa_profile_find(arg) || (!strcmp(arg, "all") && strcmp(cmd, "isa") != 0))
        cli_error("%s: unexpected argument '%s' (a profile is given as --profile %s)", cmd, arg,
                  arg);
    else
        cli_error("%s: unexpected argument '%s' (it takes options only; try 'tgm %s --help')",
                  cmd, arg, cmd);
    return EXIT_USAGE;
}

void cli_limit_note(const char *name, const struct machine *m, uint64_t max)
{
    unsigned cause;
    if (m && machine_trap_loop(m, &cause))
        cli_error("run: %s%sstep limit of %" PRIu64 " reached before HALT in a trap loop "
                  "(each step takes %s %s trap and E[1] loads the same PSW: a disabled "
                  "wait), which no limit ends; give E[1] a trap handler",
                  name ? name : "", name ? ": " : "", max, trap_cause_article(cause),
                  trap_cause_name(cause));
    else
        cli_error("run: %s%sstep limit of %" PRIu64 " reached before HALT "
                  "(raise it with --max-steps N, or 0 for none)",
                  name ? name : "", name ? ": " : "", max);
}

const char *cli_mem_hint(const struct tgm_image *img, uint32_t w, uint32_t most, char *buf,
                         size_t len)
{
    return vmm_mem_hint(img, w, most, "--mem", buf, len);
}

int cli_guests_fit(const char *cmd, uint64_t n, const char *what, uint32_t w)
{
    char err[160];
    if (vmm_guests_fit(n, what, w, err, sizeof err) == 0)
        return 0;
    cli_error("%s: %s (use a smaller --mem)", cmd, err);
    return -1;
}

int cli_load_image(const char *cmd, const char *path, struct tgm_image *img)
{
    return cli_load_image_for(cmd, path, img, NULL, NULL);
}

int cli_parse_mem(const char *cmd, const char *s, uint32_t hi, uint32_t *out)
{
    uint64_t v;
    if (cli_parse_range(cmd, "--mem", s, TGM_Q_MIN, hi, "word", &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int cli_analysis_option(const char *cmd, int c, const char *arg, struct analysis_args *a)
{
    uint64_t v;
    switch (c) {
    case 'p':
        a->all = strcmp(arg, "all") == 0;
        if (!a->all && !(a->one = cli_parse_profile_in(cmd, arg, true)))
            return -1;
        return 1;
    case 's':
        /* not 0: the library reads it as "the default seed", not what was asked */
        if (cli_parse_range(cmd, "--seed", arg, 1, UINT64_MAX, NULL, &v) != 0)
            return -1;
        a->ao.seed = v;
        return 1;
    case 'r':
        if (cli_parse_range(cmd, "--random-states", arg, 1, 1000000, NULL, &v) != 0)
            return -1;
        a->ao.random_states = (unsigned)v;
        return 1;
    case 'q':
        if (cli_parse_range(cmd, "--words", arg, ANALYZE_Q_MIN, ANALYZE_Q_MAX, "word", &v) != 0)
            return -1;
        a->ao.q = (uint32_t)v;
        return 1;
    default:
        return 0;
    }
}

int cli_analysis_main(const struct analysis_cmd *cmd, int argc, char **argv)
{
    struct analysis_args aa = {0};
    bool json = false, flag = false;
    int c, took;
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":p:jh", cmd->opts, NULL)) != -1) {
        if ((took = cli_analysis_option(cmd->name, c, optarg, &aa)) != 0) {
            if (took < 0)
                return EXIT_USAGE;
        } else if (c == 'j') {
            json = true;
        } else if (c == cmd->flag) {
            flag = true;
        } else if (c == 'h') {
            cmd->usage(stdout);
            return EXIT_OK;
        } else {
            return cli_bad_option(cmd->name, c, argv, cmd->opts);
        }
    }
    if (optind < argc)
        return cli_no_operands(cmd->name, argv[optind]);
    /* every profile, or the one named (the default one if none was) */
    const struct isa_profile *single[2] = {aa.one ? aa.one : isa_profile_default(), NULL};
    const struct isa_profile *const *list = aa.all ? isa_profiles() : single;
    int status = EXIT_OK;
    if (json && aa.all)
        printf("{\"profiles\":[");
    for (size_t i = 0; list[i]; i++) {
        int st = cmd->one(list[i], &aa.ao, json, flag, !i ? "" : json ? ",\n" : "\n");
        if (st == EXIT_USAGE)
            return st;
        if (st != EXIT_OK)
            status = st;
    }
    if (json)
        printf(aa.all ? "]}\n" : "\n");
    return status;
}
