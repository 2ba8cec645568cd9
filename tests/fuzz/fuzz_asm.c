/* fuzz_asm.c: the assembler of section 2's instructions under fuzzing.
 *
 * Any text: the assembler accepts it or lists errors; an accepted source
 * disassembles to text that assembles to the identical image, byte for
 * byte with its symbol table (the round trip asm.h promises), and that
 * image disassembles to the same text again (dis is a fixed point).  Inputs that name .include are skipped: the
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

static char *dis_text(const struct tgm_image *img)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    FUZZ_CHECK(f && dis_image(img, f) == 0, "an assembled image does not disassemble");
    fclose(f);
    return text;
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
    char *text = dis_text(&img);
    FUZZ_CHECK(asm_assemble_string("dis.s", text, &again, sink) == 0,
               "the disassembly does not assemble:\n%s", text);
    FUZZ_CHECK(again.load == img.load && again.nwords == img.nwords &&
                   again.entry_psw == img.entry_psw &&
                   !memcmp(again.words, img.words, img.nwords * sizeof *img.words),
               "assemble(dis(image)) differs from the image");
    uint8_t *a, *b;
    size_t la, lb;
    if (image_serialize(&img, &a, &la) == 0) {
        FUZZ_CHECK(image_serialize(&again, &b, &lb) == 0, "the reassembled image does not serialize");
        FUZZ_CHECK(la == lb && !memcmp(a, b, la),
                   "assemble(dis(image)) is another file (symbols?):\n%s", text);
        free(a);
        free(b);
    }
    char *text2 = dis_text(&again);
    FUZZ_CHECK(!strcmp(text, text2), "dis(assemble(dis(image))) is other text:\n%s\n----\n%s",
               text, text2);
    free(text);
    free(text2);
    image_free(&img);
    image_free(&again);
    return 0;
}
