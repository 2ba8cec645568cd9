/* fuzz_image.c: the image reader of section 2's E and PSW under fuzzing.
 *
 * Any bytes: image_parse accepts or refuses with one line; an accepted
 * image serializes to bytes that parse to the same image (the format is
 * canonical), and loads into a machine or is refused without change.
 */
#include <string.h>

#include "fuzz.h"
#include "tgm/image.h"
#include "tgm/machine.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct tgm_image img, again;
    char err[256] = "";
    if (image_parse(data, size, &img, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] && !strchr(err, '\n'), "refusal is not one line: '%s'", err);
        return 0;
    }
    uint8_t *buf;
    size_t len;
    FUZZ_CHECK(image_serialize(&img, &buf, &len) == 0, "an accepted image does not serialize");
    FUZZ_CHECK(image_parse(buf, len, &again, err, sizeof err) == 0, "reparse: %s", err);
    FUZZ_CHECK(again.load == img.load && again.nwords == img.nwords &&
                   again.entry_psw == img.entry_psw && again.nsyms == img.nsyms &&
                   !memcmp(again.words, img.words, img.nwords * sizeof *img.words),
               "the image changed in a round trip");
    for (uint32_t i = 0; i < img.nsyms; i++)
        FUZZ_CHECK(again.syms[i].value == img.syms[i].value &&
                       !strcmp(again.syms[i].name, img.syms[i].name),
                   "symbol %u changed in a round trip", i);
    free(buf);
    image_free(&again);
    struct machine_config mc = {.q = 4096};
    struct machine *m = machine_create(&mc);
    uint64_t d = machine_digest(m), psw = machine_get_psw(m);
    if (image_load(m, &img, err, sizeof err) != 0)
        FUZZ_CHECK(machine_digest(m) == d && machine_get_psw(m) == psw,
                   "a refused load changed the machine");
    machine_destroy(m);
    image_free(&img);
    return 0;
}
