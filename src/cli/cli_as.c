/* cli_as.c: `tgm as`: assemble a source file into a guest image.
 *
 * The text form of section 2's instructions becomes an image of E plus the
 * entry PSW <M, P, R>.  Every error is listed chibicc-style and then nothing
 * is written; a good image is written atomically (image_write_file).
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/image.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: tgm as SRC [-o IMAGE] [-l]\n"
               "Assemble SRC (syntax: docs/asm.md) into a guest image.\n\n"
               "  -o, --output IMAGE  write the image here (default: SRC with its\n"
               "                      extension replaced by .img, or .img added);\n"
               "                      '-' is standard output, unless a terminal\n"
               "  -l, --listing       print a listing: address, word, line, source\n"
               "  -h, --help          show this help\n\n"
               "Errors are printed as file:line:col with the line and a caret; if there\n"
               "is any, nothing is written and the exit status is 1.  An unreadable SRC\n"
               "or an unwritable IMAGE gives status 2.\n");
}

/* SRC with the extension of its last path component replaced by .img. */
static char *default_output(const char *src)
{
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    const char *dot = strrchr(base, '.');
    size_t keep = dot && dot != base ? (size_t)(dot - src) : strlen(src);
    char *out = malloc(keep + 5);
    if (out) {
        memcpy(out, src, keep);
        memcpy(out + keep, ".img", 5);
    }
    return out;
}

/* Unreadable input is bad usage (2), not an error in the source (1): try a
 * byte of SRC.  Only of a regular file: a byte read from a pipe
 * (/dev/stdin) would be lost to the assembler.  0, or -1 after one line. */
static int readable(const char *src)
{
    struct stat st;
    if (stat(src, &st) == 0 && !S_ISREG(st.st_mode))
        return 0;
    FILE *f = tgm_fopen_read(src);
    if (!f || (errno = 0, fgetc(f) == EOF && ferror(f))) {
        cli_error("as: %s: %s", src, strerror(errno ? errno : EIO));
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    return 0;
}

/* Does the regular file SRC begin as an image or a snapshot?  Then the
 * assembler refuses it and writes nothing, so its own error says best
 * what is wrong, also when the output named is SRC itself. */
static bool holds_image(const char *src)
{
    FILE *f = tgm_fopen_read(src);
    if (!f)
        return false;
    uint8_t head[256];
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return image_has_magic(head, n) || image_is_snapshot(head, n);
}

/* tgm as SRC -o -: the image on standard output, never on a terminal (as
 * gzip refuses), and never mixed with a listing. */
static int assemble_to_stdout(const char *src, bool listing)
{
    if (listing) {
        cli_error("as: -l and -o - would both write to standard output; give -o IMAGE");
        return EXIT_USAGE;
    }
    if (isatty(STDOUT_FILENO)) {
        cli_error("as: standard output is a terminal and an image is binary; redirect it "
                  "or give -o IMAGE");
        return EXIT_USAGE;
    }
    if (cli_input_ok("as", src) != 0 || readable(src) != 0)
        return EXIT_USAGE;
    struct tgm_image img;
    int nerr = asm_assemble_file_sources(src, &img, stderr, NULL, NULL);
    if (nerr) {
        cli_error("as: %d error%s in %s; nothing written", nerr, nerr == 1 ? "" : "s", src);
        return EXIT_NEGATIVE;
    }
    uint8_t *buf;
    size_t len;
    int rc = image_serialize(&img, &buf, &len);
    image_free(&img);
    if (rc != 0) {
        cli_error("as: %s: image violates the format (too large or bad symbol)", src);
        return EXIT_USAGE;
    }
    errno = 0;
    bool wrote = fwrite(buf, 1, len, stdout) == len;
    free(buf);
    if (!wrote) {
        cli_error("as: cannot write the output: %s", errno ? strerror(errno) : "write error");
        return EXIT_USAGE;
    }
    return cli_flush_stdout("as") == 0 ? EXIT_OK : EXIT_USAGE;
}

int cli_as(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},
        {"listing", no_argument, 0, 'l'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = NULL;
    bool listing = false;
    int c;
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":o:lh", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!cli_output_named("as", optarg))
                return EXIT_USAGE;
            out = optarg;
            break;
        case 'l': listing = true; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_bad_option("as", c, argv, opts);
        }
    }
    if (optind != argc - 1) {
        cli_error(optind < argc ? "as: expected one source file, got %d (try 'tgm as --help')"
                                : "as: no source file given (try 'tgm as --help')",
                  argc - optind);
        return EXIT_USAGE;
    }
    const char *src = argv[optind];
    if (cli_is_stdout(out))
        return assemble_to_stdout(src, listing);
    if (cli_input_ok("as", src) != 0)
        return EXIT_USAGE;
    if (readable(src) != 0)
        return EXIT_USAGE;
    struct stat st; /* no SRC.img next to /dev/stdin or a <(pipe) */
    if (!out && stat(src, &st) == 0 && !S_ISREG(st.st_mode)) {
        cli_error("as: %s is not a regular file, so it has no default output; give -o IMAGE",
                  src);
        return EXIT_USAGE;
    }
    if (!out && tgm_in_system_dir(src)) {
        cli_error("as: %s is in /dev or /proc (standard input?), so it has no default "
                  "output; give -o IMAGE", src);
        return EXIT_USAGE;
    }
    char *def = out ? NULL : default_output(src);
    if (!out && !(out = def)) {
        cli_error("as: out of memory");
        return EXIT_USAGE;
    }
    /* the same file under any name (./b.s, a link) is never an output */
    if ((strcmp(out, src) == 0 || tgm_same_file(out, src)) && !holds_image(src)) {
        cli_error("as: the output %s is the source %s itself; choose another -o", out, src);
        free(def);
        return EXIT_USAGE;
    }
    if (cli_output_ok("as", out) != 0) {
        free(def);
        return EXIT_USAGE;
    }
    struct tgm_image img;
    char **read;
    int nerr = asm_assemble_file_sources(src, &img, stderr, listing ? stdout : NULL, &read);
    const char *inc = nerr ? NULL : cli_source_of(read, out); /* an .include is a source too */
    if (nerr)
        cli_error("as: %d error%s in %s; %s not written", nerr, nerr == 1 ? "" : "s", src, out);
    else if (inc)
        cli_error("as: %s includes %s, which is the output %s; choose another -o", src, inc,
                  out);
    asm_sources_free(read);
    /* another source: 'tgm as -o a.s b.s' would replace a.s by an image */
    if (!nerr && !inc && cli_program_kind(out) == PROG_SOURCE) {
        cli_error("as: the output %s is an assembly source and is not written over; choose "
                  "another -o", out);
        inc = out;
    }
    if (nerr || inc) {
        if (inc)
            image_free(&img);
        free(def);
        return nerr ? EXIT_NEGATIVE : EXIT_USAGE;
    }
    /* the listing first: a command that fails leaves IMAGE as it was */
    errno = 0;
    if (listing && (fflush(stdout) != 0 || ferror(stdout))) {
        cli_error("as: cannot write the listing: %s; %s not written",
                  errno ? strerror(errno) : "write error", out);
        image_free(&img);
        free(def);
        return EXIT_USAGE;
    }
    char err[512];
    int rc = image_write_file(out, &img, err, sizeof err);
    image_free(&img);
    free(def);
    if (rc != 0) {
        cli_error("as: %s", err);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
