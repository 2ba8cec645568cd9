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
#include "tgm/vmm.h"

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
    cs_tgm_fails(2, "tgm: check: --input-file: ", "check",
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

/* Run `tgm ARGS...` (NULL-terminated) with descriptor CLOSED not open and
 * standard error into ERR_PATH; its exit status. */
static int run_with_closed(int closed, const char *err_path, const char *const *args)
{
    const char *argv[CS_MAX_ARGS + 2] = {cs_tgm()};
    size_t n = 1;
    while (*args && n < CS_MAX_ARGS)
        argv[n++] = *args++;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int e = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (e < 0 || dup2(e, 2) < 0)
            _exit(126);
        close(e);
        close(closed);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* docs/robustness.md: with standard output closed, the trace file the
 * monitor opened became descriptor 1 and the monitor's own output went
 * into it.  The closed descriptor is held on /dev/null now, and the lost
 * output is still an error. */
static void cli__a_closed_stdout_is_not_reused_for_a_file(void **state)
{
    (void)state;
    char trace[CS_PATH], err[CS_PATH], cmds[2 * CS_PATH];
    cs_tmp_path(trace, sizeof trace, "closed.trace");
    cs_tmp_path(err, sizeof err, "closed.err");
    snprintf(cmds, sizeof cmds, "load examples/hello.s; trace insns to %s; run; regs", trace);
    assert_int_equal(run_with_closed(1, err, CS_ARGV("monitor", "-c", cmds)), 2);
    char *text = cs_slurp(trace, NULL);
    assert_null(strstr(text, "trace:")); /* the monitor's own words */
    assert_null(strstr(text, "hello, world"));
    assert_non_null(strstr(text, "LDX"));
    free(text);
    text = cs_slurp(err, NULL);
    assert_non_null(strstr(text, "tgm: monitor: cannot write the output"));
    free(text);
    assert_int_equal(run_with_closed(1, err, CS_ARGV("run", "examples/hello.s")), 2);
    text = cs_slurp(err, NULL);
    assert_string_equal(text, "tgm: run: cannot write the output: Bad file descriptor\n");
    free(text);
}

/* docs/robustness.md's table: an endless monitor script, by -f or by `do`,
 * is "/dev/zero:1: line longer than ...".  Through `do` it said
 * "/dev/zero:1: do: line longer ...": the script's fault under the
 * command's name. */
static void monitor__do_of_an_endless_script_is_worded_as_f(void **state)
{
    (void)state;
    static const char want[] = "/dev/zero:1: line longer than 1048576 bytes: not a monitor "
                               "script\n";
    struct cs_outcome o = cs_run_tgm("monitor", "-f", "/dev/zero", NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.err, want);
    cs_outcome_free(&o);
    o = cs_mon("do /dev/zero");
    assert_int_equal(o.status, 1);
    assert_string_equal(o.err, want);
    cs_outcome_free(&o);
    /* `do` still names itself for what is its own */
    cs_mon_fails("do", "-c:1: do: usage: ");
}

/* docs/robustness.md: a --dump through a dangling link whose target's
 * directory is missing was refused after the run as "dl: cannot create a
 * temporary file", naming the link, which is there.  It is refused before
 * the run now, naming the missing directory; a dangling link into a
 * directory that is there is written through, as before. */
static void run__a_dangling_dump_link_names_the_missing_directory(void **state)
{
    (void)state;
    char link[CS_PATH], ok[CS_PATH], target[CS_PATH];
    cs_tmp_path(link, sizeof link, "dangling.bin");
    cs_tmp_path(ok, sizeof ok, "dangling_ok.bin");
    cs_tmp_path(target, sizeof target, "dump_target.bin");
    unlink(link);
    unlink(ok);
    assert_int_equal(symlink("no-such-dir/x.bin", link), 0);
    assert_int_equal(symlink("dump_target.bin", ok), 0);
    struct cs_outcome o = cs_run_tgm("run", "--dump", link, "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, ""); /* refused before the run */
    cs_assert_one_line(&o, "dangling.bin: links to ");
    assert_non_null(strstr(o.err, "no-such-dir/x.bin, but "));
    assert_non_null(strstr(o.err, "no-such-dir: No such file or directory"));
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--quiet", "--dump", ok, "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    struct stat st;
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(lstat(ok, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
}

/* include/tgm/vmm.h: no two VMs share a name.  vmm_state_load took a state
 * where two did (only the monitor's later vmm_state_check refused it); it
 * refuses it itself now, and leaves the control program as it was. */
static void vmm__state_load_refuses_two_vms_of_one_name(void **state)
{
    (void)state;
    char err[256];
    struct vmm_config cfg = {.q = 8 + 2 * 1024};
    struct vmm *v = vmm_create(&cfg, err, sizeof err);
    assert_non_null(v);
    assert_true(vmm_vm_create(v, 1024, "alpha", err, sizeof err) >= 0);
    assert_true(vmm_vm_create(v, 1024, "bravo", err, sizeof err) >= 0);
    uint8_t *buf, *again;
    size_t len, again_len;
    assert_int_equal(vmm_state_save(v, &buf, &len), 0);
    uint8_t *bad = malloc(len);
    assert_non_null(bad);
    memcpy(bad, buf, len);
    uint8_t *name = memmem(bad, len, "bravo", 6);
    assert_non_null(name);
    memcpy(name, "alpha", 6);
    assert_int_equal(vmm_state_load(v, bad, len, err, sizeof err), -1);
    assert_non_null(strstr(err, "both named 'alpha'"));
    assert_int_equal(vmm_state_save(v, &again, &again_len), 0);
    assert_int_equal(again_len, len); /* unchanged */
    assert_memory_equal(again, buf, len);
    assert_int_equal(vmm_state_load(v, buf, len, err, sizeof err), 0);
    free(again);
    free(bad);
    free(buf);
    vmm_destroy(v);
}

/* docs/asm.md: a carriage return inside a line separates tokens as a space
 * does.  The listing printed it raw, so that on a terminal the line's start
 * was overwritten ("MOV\r1" showed as "1OV"); it is a space now, as under
 * an error message, and a tab is kept. */
static void as__listing_shows_a_carriage_return_as_a_space(void **state)
{
    (void)state;
    char src[CS_PATH], img[CS_PATH];
    cs_write_text(src, sizeof src, "cr.s", "        .entry s\ns:\tHALT\r; x\n        .word\r1\r\n");
    cs_tmp_path(img, sizeof img, "cr.tgm");
    struct cs_outcome o = cs_run_tgm("as", "-l", src, "-o", img, NULL);
    assert_int_equal(o.status, 0);
    assert_null(memchr(o.out, '\r', o.out_len));
    assert_non_null(strstr(o.out, "  2  s:\tHALT ; x\n"));
    assert_non_null(strstr(o.out, "  3          .word 1\n")); /* the CRLF's CR dropped */
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
        cmocka_unit_test(cli__a_closed_stdout_is_not_reused_for_a_file),
        cmocka_unit_test(monitor__do_of_an_endless_script_is_worded_as_f),
        cmocka_unit_test(run__a_dangling_dump_link_names_the_missing_directory),
        cmocka_unit_test(vmm__state_load_refuses_two_vms_of_one_name),
        cmocka_unit_test(as__listing_shows_a_carriage_return_as_a_space),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
