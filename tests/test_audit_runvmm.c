/* test_audit_runvmm.c: an audit of docs/run.md and docs/vmm.md against
 * the real binary: what `tgm run` (bare, --vmm, --nest) and `tgm check`
 * print, as the docs word it, where an audit found them apart.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_runvmm");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* Start 'tgm CMD ARGS' (reading a FIFO no one writes), Ctrl-C it once it
 * reads, and return its outcome. */
static struct cs_outcome ctrl_c_while_reading(const char *cmd, const char *const *args)
{
    pid_t pid = cs_start_tgm_with(-1, cs_child_sigint, cmd, args);
    /* caught only while the file is read; held before: either way the
     * signal ends the read, the FIFO's open never returning otherwise */
    assert_int_equal(cs_catches_sigint(pid), 1);
    assert_int_equal(kill(pid, SIGINT), 0);
    return cs_finish_tgm(pid);
}

/* docs/run.md: "A control character in what the error quotes (an
 * argument, a file's name) is shown escaped ... so the error stays one
 * line".  The line Ctrl-C leaves while a FIFO is read quoted the name as
 * it was: a newline in it split the error in two, an escape reached the
 * terminal. */
static void ctrl_c_while_reading_escapes_the_name(void **state)
{
    (void)state;
    const char *fifo = cs_tmp("f\nx\033[2J.img");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    char shown[CS_PATH + 16], want[2 * CS_PATH];
    snprintf(shown, sizeof shown, "%s/f\\nx\\x1b[2J.img", cs_tmpdir());
    static const struct {
        const char *cmd, *what;
        bool input_file;
    } cases[] = {
        {"run", "", false},
        {"check", "", false},
        {"run", "--input-file: ", true},
        {"check", "--input-file: ", true},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o =
            cases[i].input_file
                ? ctrl_c_while_reading(cases[i].cmd, CS_ARGV("--input-file", fifo, "x.s"))
                : ctrl_c_while_reading(cases[i].cmd, CS_ARGV(fifo));
        snprintf(want, sizeof want,
                 "tgm: %s: %sinterrupted (Ctrl-C) while reading %s; nothing was run\n",
                 cases[i].cmd, cases[i].what, shown);
        assert_int_equal(o.status, 130);
        assert_string_equal(o.err, want);
        assert_int_equal(o.out_len, 0);
        cs_outcome_free(&o);
    }
    assert_int_equal(unlink(fifo), 0);
}

/* docs/run.md: a --dump or --timeline FILE "that is the image (or .s
 * source) itself ... or an --input-file, is refused before the run,
 * naming it as the image, the source ... or the input file".  A hard link
 * to one is that file, but was refused as a file with other links, the
 * image not named. */
static void an_output_linked_to_an_input_is_named_as_it(void **state)
{
    (void)state;
    char src[CS_PATH], alias[CS_PATH], in[CS_PATH], inlink[CS_PATH], want[4 * CS_PATH];
    snprintf(src, sizeof src, "%s", cs_tmp("prog.s"));
    snprintf(alias, sizeof alias, "%s", cs_tmp("other.bin"));
    snprintf(in, sizeof in, "%s", cs_tmp("in.txt"));
    snprintf(inlink, sizeof inlink, "%s", cs_tmp("in-alias.bin"));
    cs_put_text(src, "        .entry s\ns:      HALT\n");
    cs_put_text(in, "abc");
    unlink(alias);
    unlink(inlink);
    assert_int_equal(link(src, alias), 0);
    assert_int_equal(link(in, inlink), 0);
    snprintf(want, sizeof want, "--dump: %s is the source %s itself", alias, src);
    cs_tgm_fails(2, want, "run", CS_ARGV("--dump", alias, src));
    snprintf(want, sizeof want, "--timeline: %s is the source %s itself", alias, src);
    cs_tgm_fails(2, want, "run", CS_ARGV("--vmm", "--timeline", alias, src));
    snprintf(want, sizeof want, "--dump: %s is the input file %s itself", inlink, in);
    cs_tgm_fails(2, want, "run", CS_ARGV("--input-file", in, "--dump", inlink, src));
    struct stat st;
    assert_int_equal(stat(src, &st), 0);
    assert_int_equal(st.st_nlink, 2); /* refused: neither file replaced */
    assert_int_equal(unlink(alias), 0);
    assert_int_equal(unlink(inlink), 0);
}

/* docs/run.md: an option of the control program without --vmm "is
 * refused naming the first of them on the command line".  The first in a
 * fixed order was named: --vms before --stats, whichever came first. */
static void a_cp_option_without_vmm_names_the_first_given(void **state)
{
    (void)state;
    char src[CS_PATH], svg[CS_PATH];
    snprintf(src, sizeof src, "%s", cs_tmp("first.s"));
    snprintf(svg, sizeof svg, "%s", cs_tmp("first.svg"));
    cs_put_text(src, "        .entry s\ns:      HALT\n");
    cs_tgm_fails(2, "run: --stats needs --vmm", "run", CS_ARGV("--stats", "--vms", "2", src));
    cs_tgm_fails(2, "run: --vms needs --vmm", "run", CS_ARGV("--vms", "2", "--stats", src));
    cs_tgm_fails(2, "run: --timeline needs --vmm", "run",
                 CS_ARGV("--timeline", svg, "--hybrid", "--slice", "9", src));
    cs_tgm_fails(2, "run: --nest with --hybrid: --nest takes one IMAGE", "run",
                 CS_ARGV("--nest", "2", "--hybrid", "--stats", src));
    /* --nest refuses --dump too, and names the first given as well */
    cs_tgm_fails(2, "run: --nest with --stats: --nest takes one IMAGE", "run",
                 CS_ARGV("--stats", "--dump", svg, "--nest", "1", src));
    cs_tgm_fails(2, "run: --nest with --dump: --nest takes one IMAGE", "run",
                 CS_ARGV("--dump", svg, "--vms", "2", "--nest", "1", src));
    cs_tgm_fails(2, "check: --nest with --slice: the machine-code control program hosts", "check",
                 CS_ARGV("--slice", "5", "--hybrid", "--nest", "1", src));
    cs_tgm_fails(2, "check: --nest with --hybrid: the machine-code control program is no",
                 "check", CS_ARGV("--hybrid", "--slice", "5", "--nest", "1", src));
    assert_int_equal(access(svg, F_OK), -1); /* refused before any output */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ctrl_c_while_reading_escapes_the_name),
        cmocka_unit_test(an_output_linked_to_an_input_is_named_as_it),
        cmocka_unit_test(a_cp_option_without_vmm_names_the_first_given),
    };
    return cmocka_run_group_tests_name("audit_runvmm", tests, group_setup, group_teardown);
}
