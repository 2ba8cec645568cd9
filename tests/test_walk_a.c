/* test_walk_a.c: a student's walk through README.md, docs/asm.md,
 * docs/isa.md and docs/run.md, checked as a tester who has only those
 * pages would check them: guest programs written as the docs describe,
 * run through the built tgm command and the public headers.  The machine
 * is section 2's S = <E, M, P, R> with its trap through E[0] and E[1].
 *
 * Runs from the top of the source tree.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* ---- common pieces ------------------------------------------------------ */

/* `tgm as SRC -o IMG`: status 1, no image written, and the first
 * diagnostic line is WANT (with the file name left out: it starts at the
 * line number). */
static void as_fails_with(const char *src, const char *want)
{
    char path[CS_PATH], img[CS_PATH];
    cs_write_text(path, sizeof path, "walk.s", src);
    cs_tmp_path(img, sizeof img, "walk.img");
    unlink(img);
    struct cs_outcome o = cs_run_tgm("as", path, "-o", img, NULL);
    assert_int_equal(o.status, 1);
    assert_int_equal(access(img, F_OK), -1);
    const char *line = strstr(o.err, "walk.s:");
    if (!line || strncmp(line + strlen("walk.s:"), want, strlen(want)) != 0)
        fail_msg("want 'walk.s:%s...', got:\n%s", want, o.err);
    cs_outcome_free(&o);
}

/* `tgm SUBCOMMAND ARGS` with the N bytes at BYTES on a pipe as its
 * standard input (fewer than a pipe holds). */
static struct cs_outcome piped(const void *bytes, size_t n, const char *subcommand,
                               const char *const *args)
{
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
    pid_t pid = cs_start_tgm(fds[0], subcommand, args);
    close(fds[0]);
    assert_int_equal(write(fds[1], bytes, n), (ssize_t)n);
    close(fds[1]);
    return cs_finish_tgm(pid);
}

/* ---- an image built by hand from docs/isa.md's format table ------------ */

struct sym {
    uint64_t value;
    const char *name;
};

static size_t put_le(uint8_t *at, uint64_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        at[i] = (uint8_t)(v >> (8 * i));
    return (size_t)bytes;
}

/* The image file of N words at LOAD, entry PSW ENTRY and the NS symbols
 * SYMS (in the order given), as the table lays it out, into BUF (large
 * enough); its length. */
static size_t build_image(uint8_t *buf, uint32_t load, const uint64_t *words, uint32_t n,
                          uint64_t entry, const struct sym *syms, uint32_t ns)
{
    size_t symbytes = 0;
    for (uint32_t i = 0; i < ns; i++)
        symbytes += 9 + strlen(syms[i].name);
    size_t k = 0;
    memcpy(buf, "TGMIMAGE", 8);
    k += 8;
    k += put_le(buf + k, 1, 4); /* version */
    k += put_le(buf + k, 0, 4); /* flags */
    k += put_le(buf + k, load, 4);
    k += put_le(buf + k, n, 4);
    k += put_le(buf + k, entry, 8);
    k += put_le(buf + k, ns, 4);
    k += put_le(buf + k, symbytes, 4);
    for (uint32_t i = 0; i < n; i++)
        k += put_le(buf + k, words[i], 8);
    for (uint32_t i = 0; i < ns; i++) {
        k += put_le(buf + k, syms[i].value, 8);
        buf[k++] = (uint8_t)strlen(syms[i].name);
        memcpy(buf + k, syms[i].name, strlen(syms[i].name));
        k += strlen(syms[i].name);
    }
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a 64 */
    for (size_t i = 0; i < k; i++)
        h = (h ^ buf[i]) * UINT64_C(0x100000001b3);
    return k + put_le(buf + k, h, 8);
}

/* `tgm run` of the image fails with status 2 and the one line WANT. */
static void run_refuses(const uint8_t *bytes, size_t len, const char *want)
{
    char path[CS_PATH], line[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "hand.img");
    cs_write_bytes(path, bytes, len);
    snprintf(line, sizeof line, "tgm: run: %s: %s", path, want);
    cs_tgm_fails(2, line, "run", CS_ARGV(path));
}

/* A guest that copies its console input to its output until CIN gives -1. */
static const char cat_s[] = "        .entry go\n"
                            "go:     CIN c\n"
                            "        BLT c, zero, done\n"
                            "        COUT c\n"
                            "        JMP go\n"
                            "done:   HALT\n"
                            "c:      .word 0\n"
                            "zero:   .word 0\n";

/* ---- docs/asm.md: errors ------------------------------------------------ */

/* "A value out of range is shown signed when its top bit is set (-1, not
 * 18446744073709551615)."  The operands of .org, .phase and .entry were
 * shown as 0xffffffffffffffff. */
static void asm__an_address_out_of_range_is_shown_signed(void **state)
{
    (void)state;
    as_fails_with("        .org -1\n",
                  "1:14: error: '.org' address -1 is outside memory (0..0x80000)");
    as_fails_with("        .phase 0 - 2\n        .dephase\n",
                  "1:16: error: '.phase' address -2 is outside memory (0..0x80000)");
    as_fails_with("        .entry -1\n        HALT\n",
                  "1:16: error: '.entry' address -1 is outside memory (0..0x7ffff)");
    /* a value with its top bit clear stays in hex, as the range is */
    as_fails_with("        .org 0x80001\n",
                  "1:14: error: '.org' address 0x80001 is outside memory (0..0x80000)");
    as_fails_with("        .entry 0x80000\n        HALT\n",
                  "1:16: error: '.entry' address 0x80000 is outside memory (0..0x7ffff)");
}

/* docs/asm.md: ".phase expr" counts "." from expr (0..2^19), and a word
 * past 2^19-1 is an error.  Only the emit address was checked: a phased
 * ".word ." at 0x7FFFF + 1 assembled to 0x80000, an address no
 * instruction has (P wraps to 0 there). */
static void asm__a_phased_word_past_the_last_address_is_an_error(void **state)
{
    (void)state;
    as_fails_with("        .org 0x10\n        .phase 0x7FFFF\nlast:   .word last\n"
                  "next:   .word next\n        .dephase\n",
                  "4:9: error: 1 word at phased address 0x80000 would run past the end of "
                  "memory (0x7ffff is the last address)");
    as_fails_with("        .phase 0x7FFFE\n        .ascii \"abc\"\n        .dephase\n",
                  "2:9: error: 3 words at phased address 0x7fffe would run past the end of "
                  "memory (0x7ffff is the last address)");
    /* up to the last address it assembles, and a label may stand at 2^19 */
    char src[CS_PATH], img[CS_PATH];
    cs_write_text(src, sizeof src, "phase_top.s",
           "        .org 0x10\n        .phase 0x7FFFE\na:      .word a\nb:      .word b\n"
           "end:    .dephase\n        .word end\n");
    cs_tmp_path(img, sizeof img, "phase_top.img");
    struct cs_outcome o = cs_run_tgm("as", src, "-o", img, "-l", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "00010  000000000007fffe"));
    assert_non_null(strstr(o.out, "00011  000000000007ffff"));
    assert_non_null(strstr(o.out, "00012  0000000000080000"));
    cs_outcome_free(&o);
}

/* ---- docs/run.md: standard input ---------------------------------------- */

/* "An IMAGE is read from standard input as /dev/stdin"; "--input-file -
 * is standard input, read to its end before the run".  A pipe is read
 * once: given both, the image found the pipe empty and the error said
 * "truncated header (0 bytes, need 48)", which names nothing the user did.
 * Now the second reader is refused in one line naming the first. */
static void run__a_pipe_is_read_by_one_reader(void **state)
{
    (void)state;
    char src[CS_PATH], img[CS_PATH];
    cs_write_text(src, sizeof src, "cat.s", cat_s);
    cs_tmp_path(img, sizeof img, "cat.img");
    struct cs_outcome o = cs_run_tgm("as", src, "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t n;
    char *bytes = cs_slurp(img, &n);

    const char *const *refused[] = {
        CS_ARGV("/dev/stdin", "--input-file", "-"),
        CS_ARGV("--input-file", "-", "/dev/stdin"),
        CS_ARGV("--input-file", "/dev/stdin", "/dev/stdin", "--quiet"),
        CS_ARGV("--vmm", "/dev/stdin", "/dev/stdin"),
    };
    const char *first[] = {"--input-file -", "--input-file -", "--input-file /dev/stdin",
                           "the image /dev/stdin"};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        o = piped(bytes, n, "run", refused[i]);
        assert_int_equal(o.status, 2);
        char want[160];
        snprintf(want, sizeof want,
                 "tgm: run: /dev/stdin: standard input was read already, for %s (a pipe is "
                 "read once: give one of them a file)", first[i]);
        cs_assert_one_line(&o, want);
        assert_int_equal(o.out_len, 0);
        cs_outcome_free(&o);
    }
    o = piped("ab", 2, "run", CS_ARGV("--input-file", "-", "--input-file", "-", src));
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: --input-file: -: standard input was read already, for "
                           "--input-file - (a pipe is read once");
    cs_outcome_free(&o);
    o = piped(bytes, n, "check", CS_ARGV("/dev/stdin", "--input-file", "-"));
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: /dev/stdin: standard input was read already, for "
                           "--input-file -");
    cs_outcome_free(&o);

    /* one reader of the pipe is as before */
    o = piped(bytes, n, "run", CS_ARGV("--quiet", "/dev/stdin", "--input", "hi"));
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "hi");
    cs_outcome_free(&o);
    o = piped("hey", 3, "run", CS_ARGV("--quiet", img, "--input-file", "-"));
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "hey");
    cs_outcome_free(&o);

    /* a file redirected to standard input is opened afresh by each: both
     * read the whole of it */
    int fd = open(img, O_RDONLY);
    assert_true(fd >= 0);
    o = cs_finish_tgm(cs_start_tgm(fd, "run", CS_ARGV("--json", "/dev/stdin", "--input-file", "-")));
    close(fd);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_u64(o.out, NULL, "console_bytes"), n);
    cs_outcome_free(&o);
    free(bytes);
}

/* ---- docs/isa.md: the image format -------------------------------------- */

/* "The reader rejects, each with one line naming the offset and the
 * problem: ... a bad or duplicate symbol name".  A name given twice said
 * "duplicate symbol 'a'" when other symbols stood between, but "symbol 'a'
 * is a duplicate" when the two were next to each other. */
static void image__a_name_twice_is_one_problem_in_one_wording(void **state)
{
    (void)state;
    static const uint64_t halt[] = {(uint64_t)0x02 << 57};
    const uint64_t entry = (uint64_t)1 << 63 | (uint64_t)1 << 19; /* s, R = (0, 2^19) */
    uint8_t buf[512];
    /* header 40 + one word 8: the symbols begin at 48, each 9 + 1 bytes */
    static const struct sym next_to[] = {{0, "a"}, {0, "a"}};
    run_refuses(buf, build_image(buf, 0, halt, 1, entry, next_to, 2),
                "offset 58: duplicate symbol 'a'");
    static const struct sym apart[] = {{0, "a"}, {1, "b"}, {2, "a"}};
    run_refuses(buf, build_image(buf, 0, halt, 1, entry, apart, 3),
                "offset 68: duplicate symbol 'a'");
    /* the same name with two values is out of order only where it is */
    static const struct sym unsorted[] = {{1, "b"}, {0, "a"}};
    run_refuses(buf, build_image(buf, 0, halt, 1, entry, unsorted, 2),
                "offset 58: symbol 'a' is out of order (symbols are sorted by value, then "
                "name)");
    /* and in canonical order the hand-made image runs to its HALT */
    static const struct sym fine[] = {{0, "a"}, {0, "b"}, {7, "a2"}};
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "hand.img");
    cs_write_bytes(path, buf, build_image(buf, 0, halt, 1, entry, fine, 3));
    cs_tgm_prints("-- halted\npsw          0x8000008000080000  supervisor  I=0  P=1  l=0  "
                  "b=524288\n", "run", CS_ARGV(path));
}

/* docs/run.md gave --vms's copies each their own copy of the --input
 * bytes and said nothing of VMs running different images, which get the
 * same; nor of --nest, whose guest reads them as a bare run does. */
static void vmm__every_vm_reads_its_own_copy_of_the_input(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH];
    cs_write_text(a, sizeof a, "cat_a.s", cat_s);
    cs_write_text(b, sizeof b, "cat_b.s", cat_s);
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--json", a, b, "--input", "hi",
                                     "--input", "!", NULL);
    assert_int_equal(o.status, 0);
    const char *vms = cs_json_get(o.out, "vms");
    assert_int_equal(cs_json_count(vms), 2);
    for (size_t k = 0; k < 2; k++) {
        const char *st = cs_json_get(cs_json_item(vms, k), "state");
        char *console = cs_json_str(cs_json_get(st, "console"), NULL);
        assert_string_equal(console, "hi!");
        free(console);
        assert_int_equal(cs_json_uint(cs_json_get(st, "console_bytes")), 3);
    }
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "2", "--quiet", a, "--input", "hi", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "hi");
    cs_outcome_free(&o);
}

/* docs/run.md: check runs the images "alone and with the others" in one
 * control program.  Images too many for the real machine together were
 * refused after every bare and lone run, as "9 guests of 65536 words do
 * not fit in 524288 words of real memory", with no way out; run --vmm
 * said how much they need and to use a smaller --mem.  Now check says it
 * as run does, before it runs anything. */
static void check__too_many_guests_together_say_what_to_do(void **state)
{
    (void)state;
    char a[CS_PATH];
    cs_write_text(a, sizeof a, "cat_a.s", cat_s);
    struct cs_args args = {.n = 0};
    for (int i = 0; i < 9; i++)
        cs_push(&args, a);
    struct cs_outcome o = cs_run_tgm_argv("check", args.v);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: 9 images of 65536 words need 589832 words of real "
                           "memory, more than 524288 (use a smaller --mem)");
    assert_int_equal(o.out_len, 0);
    cs_outcome_free(&o);
    /* two of half the memory do not fit beside the control program's 8 words */
    cs_tgm_fails(2, "tgm: check: 2 images of 262141 words need 524290 words of real memory, "
                    "more than 524288 (use a smaller --mem)",
                 "check", CS_ARGV("--mem", "262141", a, a));
    cs_tgm_prints("cat_a.s: equivalent (alone and with the others)", "check",
                  CS_ARGV("--mem", "262140", a, a));
    cs_tgm_fails(2, "tgm: run: 9 VMs of 65536 words need 589832 words of real memory, more "
                    "than 524288 (use a smaller --mem)",
                 "run", CS_ARGV("--vmm", "--vms", "9", a));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_walk_a");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm__an_address_out_of_range_is_shown_signed),
        cmocka_unit_test(asm__a_phased_word_past_the_last_address_is_an_error),
        cmocka_unit_test(run__a_pipe_is_read_by_one_reader),
        cmocka_unit_test(image__a_name_twice_is_one_problem_in_one_wording),
        cmocka_unit_test(vmm__every_vm_reads_its_own_copy_of_the_input),
        cmocka_unit_test(check__too_many_guests_together_say_what_to_do),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
