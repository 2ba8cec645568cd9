/* cli_dis.c: `tgm dis`: disassemble a guest image into source.
 *
 * The words of E become section 2's instructions again (or .word where a
 * word is none); `tgm as` on the output gives back the identical image.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/image.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: tgm dis IMAGE [-o SRC]\n"
               "Disassemble IMAGE into source that 'tgm as' turns back into the\n"
               "identical image: .org, .entrypsw, every word and every symbol, each\n"
               "line with its address and raw word as a comment.\n\n"
               "  -o, --output SRC  write the source here (default, or '-': standard output)\n"
               "  -h, --help        show this help\n\n"
               "A missing or invalid image gives status 2 and one line saying why.\n");
}

/* Write the source to PATH with the one writer (tgm_wopen), so that a
 * failure leaves the old file as it was. */
static int write_source(const char *path, const struct tgm_image *img)
{
    struct tgm_wfile w;
    char err[512];
    if (tgm_wopen(&w, path, err, sizeof err) != 0) {
        cli_error("dis: %s", err);
        return -1;
    }
    int fd = dup(w.fd);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        w.error = errno;
        if (fd >= 0)
            close(fd);
    } else if ((dis_image(img, f) != 0 || fflush(f) != 0) && !w.error) {
        w.error = errno ? errno : EIO;
    }
    if (f && fclose(f) != 0 && !w.error)
        w.error = errno;
    if (tgm_wcommit(&w, path, err, sizeof err) != 0) {
        cli_error("dis: %s", err);
        return -1;
    }
    return 0;
}

int cli_dis(int argc, char **argv)
{
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o':
            if (!cli_output_named("dis", optarg))
                return EXIT_USAGE;
            out = cli_is_stdout(optarg) ? NULL : optarg;
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_bad_option("dis", c, argv, opts);
        }
    }
    if (optind != argc - 1) {
        cli_error(optind < argc ? "dis: expected one image, got %d (try 'tgm dis --help')"
                                : "dis: no image given (try 'tgm dis --help')",
                  argc - optind);
        return EXIT_USAGE;
    }
    if (cli_input_ok("dis", argv[optind]) != 0 || (out && cli_output_ok("dis", out) != 0))
        return EXIT_USAGE;
    if (out && tgm_same_file(out, argv[optind])) {
        cli_error("dis: the output %s is the image %s itself; choose another -o", out,
                  argv[optind]);
        return EXIT_USAGE;
    }
    struct tgm_image img;
    if (cli_read_image("dis", argv[optind], &img,
                       "; it holds text: an assembly source is assembled with 'tgm as'") != 0)
        return EXIT_USAGE;
    /* another image or a snapshot: 'tgm dis -o a.img b.img' would replace
     * a.img by text (a source is dis's to write) */
    enum cli_program kind = out ? cli_program_kind(out) : PROG_NONE;
    if (kind == PROG_IMAGE || kind == PROG_SNAPSHOT) {
        cli_error("dis: the output %s is %s and is not written over; choose another -o", out,
                  cli_program_name(kind));
        image_free(&img);
        return EXIT_USAGE;
    }
    int rc;
    if (out) {
        rc = write_source(out, &img);
    } else {
        errno = 0;
        rc = dis_image(&img, stdout);
        if (rc != 0) /* worded as every command's lost standard output */
            cli_error("dis: cannot write the output: %s",
                      errno ? strerror(errno) : "write error");
        else
            rc = cli_flush_stdout("dis");
    }
    image_free(&img);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
