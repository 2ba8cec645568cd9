/* cli_input.c: the guest's console input given on the command line.
 *
 * `tgm run` and `tgm check` take --input TEXT and --input-file F alike:
 * the bytes queue in command-line order, and the files' names are kept so
 * that no output of the run can be one of them.  Ctrl-C while a file is
 * read stops the command there (docs/run.md).
 */
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "run.h"
#include "tgm/bytes.h"

/* Append LEN bytes to IN's queue. */
static int add_bytes(struct cli_input *in, const char *cmd, const void *bytes, size_t len)
{
    uint8_t *p = realloc(in->bytes, in->len + len + 1);
    if (!p) {
        cli_error("%s: out of memory for console input", cmd);
        return -1;
    }
    if (len)
        memcpy(p + in->len, bytes, len);
    in->bytes = p;
    in->len += len;
    return 0;
}

int cli_input_text(struct cli_input *in, const char *cmd, const char *text)
{
    return add_bytes(in, cmd, text, strlen(text));
}

/* Ctrl-C while a file is read (a terminal, a pipe, a FIFO's open) stops
 * tgm as it stops a run, status 130, but with nothing to report: one line,
 * made before, written by the handler itself, so that no read can be left
 * waiting after the signal came.  Nothing is written yet at this point. */
static char stop_line[512];
static size_t stop_len;

/* FMT's line into stop_line, a control character in a name escaped as
 * cli_error escapes it (docs/run.md: an error stays one line). */
static void stop_format(const char *fmt, ...)
{
    FILE *f = fmemopen(stop_line, sizeof stop_line - 1, "w");
    stop_len = 0;
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
    stop_len = strlen(stop_line);
}

static void stop_reading(int sig)
{
    (void)sig;
    ssize_t w = write(2, stop_line, stop_len);
    (void)w;
    _exit(EXIT_INTERRUPTED);
}

void cli_read_stoppable(const char *cmd, const char *what, const char *given)
{
    stop_format("tgm: %s: %s%sinterrupted (Ctrl-C) while reading %s; nothing was run", cmd,
                what ? what : "", what ? ": " : "",
                strcmp(given, "-") == 0 ? "standard input" : given);
    if (stop_len && stop_line[stop_len - 1] != '\n') /* a long name, cut: still a line */
        stop_line[stop_len - 1] = '\n';
    run_read_sigint(stop_reading);
}

/* The whole of a file as console input, capped like every reader. */
#define INPUT_FILE_MAX ((size_t)64 << 20)
int cli_input_file(struct cli_input *in, const char *cmd, const char *path)
{
    if (!*path) {
        cli_error("%s: --input-file: expected a file name, got ''", cmd);
        return -1;
    }
    /* '-' is standard input, as for most Unix tools; by its /dev name so
     * that an output that is the same file is still recognised */
    const char *given = path;
    if (strcmp(path, "-") == 0)
        path = "/dev/stdin";
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s: --input-file", cmd);
    if (cli_stdin_once(prefix, path, given, "--input-file") != 0)
        return -1;
    uint8_t *buf;
    size_t len;
    char err[512];
    cli_read_stoppable(cmd, "--input-file", given);
    int got = tgm_read_file(path, INPUT_FILE_MAX, "console input", &buf, &len, err, sizeof err);
    run_read_done();
    if (got != 0) { /* named as given: '-', as the other errors name it */
        size_t pl = strlen(path);
        bool renamed = given != path && strncmp(err, path, pl) == 0 && err[pl] == ':';
        cli_error("%s: --input-file: %s%s", cmd, renamed ? given : "", err + (renamed ? pl : 0));
        return -1;
    }
    int rc = add_bytes(in, cmd, buf, len);
    free(buf);
    if (rc != 0)
        return rc;
    const char **names = realloc(in->files, (size_t)(in->nfiles + 1) * sizeof *names);
    if (!names) {
        cli_error("%s: out of memory", cmd);
        return -1;
    }
    names[in->nfiles++] = path; /* kept: no output may be one of them */
    in->files = names;
    return 0;
}

void cli_input_free(struct cli_input *in)
{
    free(in->bytes);
    free(in->files);
    *in = (struct cli_input){0};
}
