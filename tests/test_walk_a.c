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

/* ---- helpers ------------------------------------------------------------ */

/* SRC written as NAME in the temporary directory; its path in PATH. */
static void source(char *path, size_t len, const char *name, const char *src)
{
    cs_write_text(path, len, name, src);
}

/* `tgm as SRC -o IMG`: status 1, no image written, and the first
 * diagnostic line is WANT (with the file name left out: it starts at the
 * line number). */
static void as_fails_with(const char *src, const char *want)
{
    char path[CS_PATH], img[CS_PATH];
    source(path, sizeof path, "walk.s", src);
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
    source(src, sizeof src, "cat.s",
           "        .entry go\ngo:     CIN c\n        BLT c, zero, done\n"
           "        COUT c\n        JMP go\ndone:   HALT\nc:      .word 0\nzero:   .word 0\n");
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
    cs_assert_one_line(&o, "tgm: --input-file: -: standard input was read already, for "
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
        cmocka_unit_test(run__a_pipe_is_read_by_one_reader),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
