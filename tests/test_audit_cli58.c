/* test_audit_cli58.c: monitor and command-line claims that a read of
 * docs/monitor.md and docs/run.md found no other suite asserting.
 *
 * The edges a hand-written test picks: the largest status 'exit' takes,
 * the largest ignore count, the smallest memory, the last word a
 * watchpoint may cover, the largest --max-steps; the exit status of a
 * script under each 'set on-error', a 'do' script's mode ending with it;
 * and refused commands that must leave the session as it was (a repeated
 * number in 'delete' and 'display delete', a bad later value of
 * 'deposit', the control program's real words, a source with errors
 * given to 'load' or 'vm create').
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* A source with two assembly errors. */
static const char bad_src[] = "start: ADD x\n FOO\n.entry start\n";

/* CMDS run with 'tgm monitor -c': its status is STATUS and its standard
 * output exactly OUT. */
static void mon_gives(const char *cmds, int status, const char *out)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != status || strcmp(o.out, out) != 0)
        fail_msg("'%s': status %d (want %d), output\n%s\nwanted\n%s\nstderr\n%s", cmds,
                 o.status, status, o.out, out, o.err);
    cs_outcome_free(&o);
}

/* TEXT on standard input (a file redirected) of 'tgm monitor': its status
 * is STATUS, its standard output exactly OUT and its standard error ERR. */
static void stdin_gives(const char *text, int status, const char *out, const char *err)
{
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "in.mon", text);
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    const char *const none[] = {NULL};
    struct cs_outcome o = cs_finish_tgm(cs_start_tgm(fd, "monitor", none));
    close(fd);
    if (o.status != status || strcmp(o.out, out) != 0 || strcmp(o.err, err) != 0)
        fail_msg("%s: status %d (want %d), output\n%s\nstderr\n%s", text, o.status, status,
                 o.out, o.err);
    cs_outcome_free(&o);
}

/* ---- exit statuses ----------------------------------------------------- */

/* monitor.md, "Starting": "Exit status: 0; 1 if a command or an `assert`
 * failed; N after `exit N`": 255, the largest status a process has, is
 * given as it is; 256, which a process cannot give, is a bad argument,
 * one error line, and the session fails with 1 rather than exit 0. */
static void exit__255_is_the_largest_status_given(void **state)
{
    (void)state;
    mon_gives("echo a; exit 255; echo b", 255, "a\n");
    struct cs_outcome o = cs_mon("exit 256; echo b");
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "");
    cs_assert_one_line(&o, "exit: status 256 is out of range (0..255)");
    cs_outcome_free(&o);
}

/* monitor.md, "Scripts": "`set on-error finish` (the script runs on and
 * exits 1 at the end)", "`exit N` ends it with status N" and "`exit`
 * with no N says 1 only after a failure that counted"; under `continue`
 * "failures are reported and ignored", so they count for nothing. */
static void exit__after_a_failure_under_each_on_error(void **state)
{
    (void)state;
    mon_gives("set on-error finish; bogus; echo after", 1, "after\n");
    mon_gives("set on-error finish; bogus; echo after; exit", 1, "after\n");
    mon_gives("set on-error finish; bogus; echo after; exit 0", 0, "after\n");
    mon_gives("set on-error finish; bogus; echo after; quit", 1, "after\n");
    mon_gives("set on-error continue; bogus; echo after; exit", 0, "after\n");
    mon_gives("set on-error continue; bogus; echo after", 0, "after\n");
    mon_gives("bogus; echo after", 1, "");
    /* a failure counted under finish still counts once continue is set */
    mon_gives("set on-error finish; bogus; set on-error continue; exit", 1, "");
}

/* monitor.md, "Starting": "Commands piped to stdin are a script like `-f`:
 * the first failed command ends the session with status 1 (unless `set
 * on-error continue` or `finish`)": the rest of the failed line too, and
 * every line after it; under `finish` all of it runs and the status is 1,
 * under `continue` 0. */
static void stdin__a_script_under_each_on_error(void **state)
{
    (void)state;
    const char *err = "<stdin>:2: unknown command 'bogus' (try 'help')\n";
    stdin_gives("set on-error stop\necho a; bogus; echo b\necho c\n", 1, "a\n", err);
    stdin_gives("set on-error finish\necho a; bogus; echo b\necho c\n", 1, "a\nb\nc\n", err);
    stdin_gives("set on-error continue\necho a; bogus; echo b\necho c\n", 0, "a\nb\nc\n",
                err);
}

/* ---- scripts run by 'do' ----------------------------------------------- */

/* monitor.md, "Scripts": "a script run by `do` starts in its caller's mode
 * and says it for itself: its `set on-error` lasts until it ends, and its
 * caller's failures count as before". */
static void do__a_scripts_on_error_lasts_until_it_ends(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(path, sizeof path, "cont.mon",
                  "set on-error continue\nbogus1\necho inner after\n");
    snprintf(cmds, sizeof cmds, "do %s; show on-error; echo outer; bogus2; echo never", path);
    mon_gives(cmds, 1, "inner after\non-error   stop\nouter\n");
}

/* monitor.md, "Scripts": "A failure that ends a script run by `do` is that
 * `do`'s, which the caller's mode counts or ignores": a script that says
 * `set on-error finish` and fails ends failed, which stops a caller in
 * the default mode and is ignored by one under `continue`. */
static void do__its_failure_is_the_do_commands(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(path, sizeof path, "fin.mon", "set on-error finish\nbogus\necho in fin\n");
    snprintf(cmds, sizeof cmds, "do %s; echo outer", path);
    mon_gives(cmds, 1, "in fin\n");
    snprintf(cmds, sizeof cmds, "set on-error continue; do %s; echo outer; exit", path);
    mon_gives(cmds, 0, "in fin\nouter\n");
    /* and the caller's own mode is back after it */
    snprintf(cmds, sizeof cmds, "do %s; show on-error", path);
    mon_gives(cmds, 1, "in fin\n");
}

/* ---- refused commands change nothing -------------------------------- */

/* monitor.md: "An option is given at most once: a second one (... `delete
 * 1 1` ...) is such an error (`breakpoint 1 given twice` ...)", and such
 * an error "changes nothing": a number repeated after others deletes
 * none of them. */
static void delete__a_repeated_number_deletes_none(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; break 1; break 2; delete 1 2 1; "
                                 "break list");
    assert_int_equal(o.status, 0);
    cs_assert_one_line(&o, "delete: breakpoint 1 given twice");
    assert_string_equal(o.out, "breakpoint 1 at 0x1\nbreakpoint 2 at 0x2\n"
                               "  1  break  0x1  hits 0\n  2  break  0x2  hits 0\n");
    cs_outcome_free(&o);
}

/* The same for 'display delete N...' (monitor.md: "`display delete N...`
 * ... removes"): a number given twice removes none of the numbers. */
static void display__a_repeated_number_deletes_none(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; display 1; display 2; "
                                 "display delete 2 1 2; display");
    assert_int_equal(o.status, 0);
    cs_assert_one_line(&o, "display: display 2 given twice");
    assert_string_equal(o.out, "1: 1 = 0x1 (1)\n2: 2 = 0x2 (2)\n"
                               "1: 1 = 0x1 (1)\n2: 2 = 0x2 (2)\n");
    cs_outcome_free(&o);
}

/* monitor.md: "a bad argument ... gets one error line and changes
 * nothing", and deposit's "Several values fill consecutive words": a value
 * that cannot be evaluated after good ones writes none of them. */
static void deposit__a_bad_later_value_deposits_nothing(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; deposit 0 7; deposit 0 1 2 1/0; "
                                 "deposit 0 3 nosuch; x/3d 0");
    assert_int_equal(o.status, 0);
    cs_assert_has(o.err, "-c:1: deposit: division by zero\n");
    cs_assert_has(o.err, "-c:1: deposit: unknown name 'nosuch'\n");
    assert_string_equal(o.out, "  0x00000              7\n"
                               "  0x00001              0\n"
                               "  0x00002              0\n");
    cs_outcome_free(&o);
}

/* monitor.md: "`deposit -r` refuses the control program's own words
 * E[1..7]": E[7] is refused, E[0] and E[8] on either side are not, and
 * values from E[0] that run into E[1] write nothing, E[0] included. */
static void deposit_r__refuses_real_words_1_to_7_only(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; vm create a 100; "
                                 "deposit -r 0 5 6; deposit -r 7 1; x/1x -r 0; "
                                 "deposit -r 0 5; deposit -r 8 9; x/1x -r 0; x/1x -r 8");
    assert_int_equal(o.status, 0);
    cs_assert_has(o.err, "-c:1: deposit: real E[1] belongs to the control program");
    cs_assert_has(o.err, "-c:1: deposit: real E[7] belongs to the control program");
    cs_assert_ends_with(o.out, "  0x00000              0000000000000000\n"
                               "  0x00000              0000000000000005\n"
                               "  0x00008              0000000000000009\n");
    cs_outcome_free(&o);
}

/* monitor.md: "A source with assembly errors (given to `load`, ...) is not
 * loaded: its errors come first on stderr ..., then one error line that
 * counts them ...: `load: prog.s: 3 errors`": the machine, its counters
 * and the labels are those of the program loaded before. */
static void load__a_source_with_errors_changes_nothing(void **state)
{
    (void)state;
    char bad[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(bad, sizeof bad, "bad.s", bad_src);
    const char *look = "regs; symbols t; x/2x 0xb";
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go for 3; %s", look);
    struct cs_outcome before = cs_mon_ok(cmds);
    snprintf(cmds, sizeof cmds, "load examples/sum.s; go for 3; set on-error continue; "
             "load %s; %s", bad, look);
    struct cs_outcome after = cs_mon_ok(cmds);
    assert_string_equal(after.out, before.out);
    cs_assert_has(after.err, "bad.s:2:2: error: unknown mnemonic 'FOO'\n");
    cs_assert_ends_with(after.err, "bad.s: 2 errors\n");
    cs_outcome_free(&before);
    cs_outcome_free(&after);
}

/* The same for `vm create NAME WORDS FILE` (named with `load` there): the
 * VM is not made, and with it no control program is started. */
static void vm_create__a_source_with_errors_makes_no_vm(void **state)
{
    (void)state;
    char bad[CS_PATH], cmds[2 * CS_PATH];
    cs_write_text(bad, sizeof bad, "bad.s", bad_src);
    snprintf(cmds, sizeof cmds, "set on-error continue; vm create a 100 %s; vm list; show", bad);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    cs_assert_ends_with(o.err, "bad.s: 2 errors\n");
    cs_assert_has(o.out, "no VMs\nfocus: bare\n");
    cs_assert_has(o.out, "\ncontrol program: not started ('vm create' starts it)\n");
    cs_outcome_free(&o);
}

/* ---- the largest and smallest values ------------------------------- */

/* monitor.md: "the monitor's counts stop at 2^63-1", and 'ignore' "Says
 * what it did, as gdb's ignore does: 'breakpoint 1 will ignore its next
 * 2 hits'": 2^63-1 is taken and said, one more is refused and leaves the
 * count given before. */
static void ignore__the_largest_count_and_one_more(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; break 1; "
                                 "ignore 1 9223372036854775807; ignore 1 9223372036854775808; "
                                 "break list");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "breakpoint 1 at 0x1\n"
                               "breakpoint 1 will ignore its next 9223372036854775807 hits\n"
                               "  1  break  0x1  hits 0  ignore 9223372036854775807\n");
    cs_assert_one_line(&o, "ignore: count 9223372036854775808 is out of range "
                           "(0..9223372036854775807)");
    cs_outcome_free(&o);
}

/* 'watch ADDR [COUNT]' on the machine's last word: one word is taken, two
 * run past the end, and (monitor.md) "an address out of range gets one
 * error line and changes nothing": no watchpoint is set. */
static void watch__a_count_past_the_last_word_sets_nothing(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set on-error continue; watch 65535 2; watch list; "
                                 "watch 65535 1; watch list");
    assert_int_equal(o.status, 0);
    cs_assert_one_line(&o, "watch: count 2 is out of range (1..1)");
    assert_string_equal(o.out, "no watchpoints\n"
                               "watchpoint 1 on 0xffff..0xffff\n"
                               "  1  watch  write 0xffff..0xffff  hits 0\n");
    cs_outcome_free(&o);
}

/* 'set memory Q' takes what --mem takes, 2..524288 (run.md): at the
 * smallest, both words are shown and a third is out of range, named in the
 * machine's own range (monitor.md: "an address out of range gets one
 * error line"). */
static void examine__the_smallest_memory(void **state)
{
    (void)state;
    mon_gives("set memory 2; examine 0 2",
              0, "bare machine: q=2, profile virtualizable (reset)\n"
                 "  0x00000              0000000000000000\n"
                 "  0x00001              0000000000000000\n");
    cs_mon_fails("set memory 2; examine 0 3",
                 "examine: address 0 (count 3) is out of range (0..0x1)");
    cs_mon_fails("set memory 1", "set: 1 word is out of range (2..524288)");
}

/* run.md, "Options": "`--max-steps N` stop after N steps ...", numbers
 * "outside the flag's range, past 2^64-1 too" refused: 2^64-1 itself is
 * a limit, which hello.s does not reach (status 0, "-- halted"). */
static void run__the_largest_max_steps(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--max-steps", "18446744073709551615",
                                     "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "hello, world\n-- halted\n");
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
}

/* A script of one 'echo' line of TEXT bytes (the limit's count), with
 * BOM before it and CRS carriage returns before its LF, then 'echo after',
 * run with -f: its status and standard error. */
static struct cs_outcome long_line(size_t text, bool bom, size_t crs)
{
    size_t n = (bom ? 3 : 0) + text + crs + 1, k = 0;
    char *s = malloc(n + sizeof "echo after\n");
    assert_non_null(s);
    if (bom)
        k += (size_t)sprintf(s, "\xef\xbb\xbf");
    k += (size_t)sprintf(s + k, "echo ");
    memset(s + k, 'x', text - 5);
    k += text - 5;
    memset(s + k, '\r', crs);
    k += crs;
    strcpy(s + k, "\necho after\n");
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "long.mon");
    cs_write_bytes(path, s, strlen(s));
    free(s);
    return cs_run_tgm("monitor", "-f", path, NULL);
}

/* monitor.md, "Scripts": "a line longer than 1 MiB (1048576 bytes, not
 * counting the byte order mark or the carriage returns at its end, of
 * which there may be 1 MiB too) ends the script": a line of 1048576
 * bytes runs whether it ends in LF, CR LF or CR CR LF, and after a BOM;
 * one byte more, or one carriage return more than 1 MiB, ends it. */
static void script__the_line_limit_leaves_out_the_bom_and_the_crs(void **state)
{
    (void)state;
    static const struct {
        size_t text;
        bool bom;
        size_t crs;
        int status;
    } cases[] = {
        {1048576, false, 0, 0}, {1048576, false, 1, 0},  {1048576, true, 2, 0},
        {16, true, 1048576, 0}, {1048577, false, 1, 1}, {1048577, true, 0, 1},
        {16, false, 1048577, 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = long_line(cases[i].text, cases[i].bom, cases[i].crs);
        if (o.status != cases[i].status ||
            (o.status == 0) != (strstr(o.out, "\nafter\n") != NULL) ||
            (o.status == 0) != !strstr(o.err, ":1: line longer than 1048576 bytes: not a "
                                              "monitor script\n"))
            fail_msg("case %zu: status %d, stderr %s", i, o.status, o.err);
        cs_outcome_free(&o);
    }
}

/* monitor.md, "Commands, words and abbreviations": "a count is an expression, so one past 2^64-1 is
 * refused as a number: `set: number '18446744073709551616' does not fit
 * in 64 bits`", while 2^63 gets the range. */
static void count__past_2_64_is_no_number(void **state)
{
    (void)state;
    cs_mon_fails("set slice 18446744073709551616",
                 "set: number '18446744073709551616' does not fit in 64 bits\n");
    cs_mon_fails("set slice 9223372036854775808", "set: 9223372036854775808 cycles is out of "
                                                  "range (1..9223372036854775807)\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_cli58");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exit__255_is_the_largest_status_given),
        cmocka_unit_test(script__the_line_limit_leaves_out_the_bom_and_the_crs),
        cmocka_unit_test(count__past_2_64_is_no_number),
        cmocka_unit_test(exit__after_a_failure_under_each_on_error),
        cmocka_unit_test(stdin__a_script_under_each_on_error),
        cmocka_unit_test(do__a_scripts_on_error_lasts_until_it_ends),
        cmocka_unit_test(do__its_failure_is_the_do_commands),
        cmocka_unit_test(delete__a_repeated_number_deletes_none),
        cmocka_unit_test(display__a_repeated_number_deletes_none),
        cmocka_unit_test(deposit__a_bad_later_value_deposits_nothing),
        cmocka_unit_test(deposit_r__refuses_real_words_1_to_7_only),
        cmocka_unit_test(load__a_source_with_errors_changes_nothing),
        cmocka_unit_test(vm_create__a_source_with_errors_makes_no_vm),
        cmocka_unit_test(ignore__the_largest_count_and_one_more),
        cmocka_unit_test(watch__a_count_past_the_last_word_sets_nothing),
        cmocka_unit_test(examine__the_smallest_memory),
        cmocka_unit_test(run__the_largest_max_steps),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
