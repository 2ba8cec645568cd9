/* fuzz_image.c: the image reader of section 2's E and PSW under fuzzing.
 *
 * Any bytes: image_parse accepts or refuses with one line; an accepted
 * image serializes to exactly the bytes it was read from (the format is
 * canonical: one image, one file), and loads into a machine or is refused
 * without change.  A load puts the words at their addresses and the entry
 * PSW into the PSW, and writes no other word.  Refused bytes are tried
 * again with their checksum made right, to reach the checks behind it.
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

/* 0 if DATA is an image (and every invariant holds), -1 if refused. */
static int one(const uint8_t *data, size_t size)
{
    struct tgm_image img, again;
    char err[256] = "";
    if (image_parse(data, size, &img, err, sizeof err) != 0) {
        FUZZ_CHECK(err[0] && !strchr(err, '\n'), "refusal is not one line: '%s'", err);
        return -1;
    }
    uint8_t *buf;
    size_t len;
    FUZZ_CHECK(image_serialize(&img, &buf, &len) == 0, "an accepted image does not serialize");
    FUZZ_CHECK(len == size && !memcmp(buf, data, size),
               "an accepted image serializes to other bytes (%zu, read from %zu)", len, size);
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
    /* a pattern in every word, so that a stray write shows */
    for (uint32_t i = 0; i < mc.q; i++)
        machine_write_phys(m, i, 0x5a5a5a5a00000000ull | i);
    uint64_t d = machine_digest(m), psw = machine_get_psw(m);
    if (image_load(m, &img, err, sizeof err) != 0) {
        FUZZ_CHECK(machine_digest(m) == d && machine_get_psw(m) == psw,
                   "a refused load changed the machine");
        FUZZ_CHECK(err[0] && !strchr(err, '\n'), "a load's refusal is not one line: '%s'", err);
    } else {
        const uint64_t *E = machine_mem(m);
        for (uint32_t i = 0; i < mc.q; i++) {
            bool in = img.nwords && i >= img.load && i - img.load < img.nwords;
            uint64_t want = in ? img.words[i - img.load] : 0x5a5a5a5a00000000ull | i;
            FUZZ_CHECK(E[i] == want, "after the load E[%u] is 0x%016llx, not 0x%016llx", i,
                       (unsigned long long)E[i], (unsigned long long)want);
        }
        FUZZ_CHECK(machine_get_psw(m) == img.entry_psw, "the load's PSW is not the entry PSW");
    }
    machine_destroy(m);
    image_free(&img);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *fixed;
    if (one(data, size) != 0 && (fixed = fuzz_checksummed(data, size))) {
        one(fixed, size);
        free(fixed);
    }
    return 0;
}
