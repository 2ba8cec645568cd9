/* test_polish_c.c: small defects an audit found, each pinned against the
 * real binary (cli_support) or the C API: check's console input, the
 * console under --vmm --quiet, closed standard streams, the monitor's and
 * run's wording of some refusals, vmm_state_load's duplicate names and the
 * assembler listing's carriage returns.  Each test failed before its fix.
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
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* A guest that halts only if its console input is "ab"; otherwise it
 * spins, and check calls it not equivalent at its step limit. */
static void wants_ab_source(char *path, size_t len)
{
    cs_write_text(path, len, "wants_ab.s",
                  "        .entry s\n"
                  "s:      CIN c\n"
                  "        BNE c, a, spin\n"
                  "        CIN c\n"
                  "        BNE c, b, spin\n"
                  "        HALT\n"
                  "spin:   JMP spin\n"
                  "c:      .word 0\n"
                  "a:      .word 97\n"
                  "b:      .word 98\n");
}

/* docs/run.md: check takes --input-file as run does, queued in order with
 * --input; it had only --input, and a second --input replaced the first. */
static void check__input_file_queues_with_input_as_run_does(void **state)
{
    (void)state;
    char src[CS_PATH], in[CS_PATH];
    wants_ab_source(src, sizeof src);
    cs_write_text(in, sizeof in, "b.txt", "b");
    cs_tgm_prints("wants_ab.s: equivalent", "check",
                  CS_ARGV("--max-steps", "1000", "--input", "a", "--input-file", in, src));
    cs_tgm_prints("wants_ab.s: equivalent", "check",
                  CS_ARGV("--max-steps", "1000", "--input", "a", "--input", "b", src));
    struct cs_outcome o = cs_run_tgm("check", "--max-steps", "1000", "--input-file", in, src,
                                     NULL);
    assert_int_equal(o.status, 1); /* "b" alone: it spins */
    assert_non_null(strstr(o.out, "NOT equivalent"));
    cs_outcome_free(&o);
    cs_tgm_fails(2, "tgm: --input-file: ", "check",
                 CS_ARGV("--input-file", "no-such-file.txt", src));
    cs_tgm_prints("--input-file F", "check", CS_ARGV("--help"));
}

/* docs/run.md: a bare --quiet run prints the guest's bytes exactly; under
 * --vmm --quiet a newline was added after them.  It is added now only when
 * something follows: the next VM's header, or the --stats. */
static void run_vmm__quiet_console_is_the_guests_bytes(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "a.s",
                  "        .entry s\ns:      COUT c\n        HALT\nc:      .word 65\n");
    struct cs_outcome o = cs_run_tgm("run", "--quiet", src, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "A");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--quiet", src, NULL);
    assert_int_equal(o.status, 0);
    const char *nl = strchr(o.out, '\n');
    assert_non_null(nl);
    assert_string_equal(nl + 1, "A");
    assert_int_equal(strncmp(o.out, "== vm0: ", 8), 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--quiet", src, src, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, ")\nA\n== vm1: "));
    assert_int_equal(o.out[o.out_len - 1], 'A');
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--quiet", "--stats", src, NULL);
    assert_non_null(strstr(o.out, ")\nA\nefficiency "));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_polish_c");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check__input_file_queues_with_input_as_run_does),
        cmocka_unit_test(run_vmm__quiet_console_is_the_guests_bytes),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
