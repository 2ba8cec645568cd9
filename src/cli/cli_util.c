/* cli_util.c: helpers shared by the subcommands.
 *
 * Guest programs reach the CLI either as images (section 2's E and PSW in
 * the format of image.h) or as assembly sources, assembled on the fly.
 */
#include <string.h>

#include "cli.h"
#include "tgm/asm.h"
#include "tgm/image.h"

int cli_load_image(const char *path, struct tgm_image *img)
{
    size_t n = strlen(path);
    if (n > 2 && strcmp(path + n - 2, ".s") == 0) {
        int errors = asm_assemble_file(path, img, stderr);
        if (errors) {
            cli_error("%s: %d error%s", path, errors, errors == 1 ? "" : "s");
            return -1;
        }
        return 0;
    }
    char err[512];
    if (image_read_file(path, img, err, sizeof err) != 0) {
        cli_error("%s", err);
        return -1;
    }
    return 0;
}
