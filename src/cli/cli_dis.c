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
#include "tgm/image.h"

static void usage(FILE *f)
{
    fprintf(f, "usage: tgm dis IMAGE [-o SRC]\n"
               "Disassemble IMAGE into source that 'tgm as' turns back into the\n"
               "identical image: .org, .entrypsw, every word and every symbol, each\n"
               "line with its address and raw word as a comment.\n\n"
               "  -o, --output SRC  write the source here (default: standard output)\n"
               "  -h, --help        show this help\n\n"
               "A missing or invalid image gives status 2 and one line saying why.\n");
}

/* Write the source to PATH through a temporary file, so that a failure
 * leaves no half-written file behind. */
static int write_source(const char *path, const struct tgm_image *img)
{
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp) {
        cli_error("dis: out of memory");
        return -1;
    }
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "w");
    int rc = -1;
    if (!f) {
        cli_error("dis: %s: %s", tmp, strerror(errno));
    } else if (dis_image(img, f) != 0 || fflush(f) != 0) {
        cli_error("dis: %s: write error: %s", path, strerror(errno));
        fclose(f);
        remove(tmp);
    } else if (fclose(f) != 0 || rename(tmp, path) != 0) {
        cli_error("dis: %s: %s", path, strerror(errno));
        remove(tmp);
    } else {
        rc = 0;
    }
    free(tmp);
    return rc;
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
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        cli_error(optind < argc ? "dis: expected one image, got %d (try 'tgm dis --help')"
                                : "dis: no image given (try 'tgm dis --help')",
                  argc - optind);
        return EXIT_USAGE;
    }
    struct tgm_image img;
    char err[512];
    if (image_read_file(argv[optind], &img, err, sizeof err) != 0) {
        cli_error("dis: %s", err);
        return EXIT_USAGE;
    }
    int rc;
    if (out) {
        rc = write_source(out, &img);
    } else {
        rc = dis_image(&img, stdout) != 0 || fflush(stdout) != 0 ? -1 : 0;
        if (rc != 0)
            cli_error("dis: write error: %s", strerror(errno));
    }
    image_free(&img);
    return rc == 0 ? EXIT_OK : EXIT_USAGE;
}
