/* fuzz_asm.c: the assembler of section 2's instructions under fuzzing.
 *
 * Any text: the assembler accepts it or lists errors; an accepted source
 * disassembles to text that assembles to the identical image (the round
 * trip docs/asm.md promises).  Inputs that name .include are skipped: the
 * harness must not read the host's files.
 */
#include <string.h>
#include <strings.h>

#include "fuzz.h"
#include "tgm/asm.h"
#include "tgm/image.h"

static FILE *sink;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    sink = fopen("/dev/null", "w");
    return 0;
}

static bool names_include(const char *s)
{
    for (; *s; s++)
        if (!strncasecmp(s, "include", 7))
            return true;
    return false;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    char *src = malloc(size + 1);
    memcpy(src, data, size);
    src[size] = '\0';
    struct tgm_image img, again;
    if (names_include(src) || asm_assemble_string("fuzz.s", src, &img, sink) != 0) {
        free(src);
        return 0;
    }
    free(src);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    FUZZ_CHECK(dis_image(&img, f) == 0, "an assembled image does not disassemble");
    fclose(f);
    FUZZ_CHECK(asm_assemble_string("dis.s", text, &again, sink) == 0,
               "the disassembly does not assemble:\n%s", text);
    FUZZ_CHECK(again.load == img.load && again.nwords == img.nwords &&
                   again.entry_psw == img.entry_psw &&
                   !memcmp(again.words, img.words, img.nwords * sizeof *img.words),
               "assemble(dis(image)) differs from the image");
    free(text);
    image_free(&img);
    image_free(&again);
    return 0;
}
