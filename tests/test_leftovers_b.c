/* test_leftovers_b.c: more small defects left over from the reviews of
 * the monitor and the command line, each pinned by a test that fails on
 * the tree before its fix: range messages that name a range the command
 * does not take, numeric flags checked or worded differently from one
 * subcommand to another, and notes the user was owed.
 *
 * Runs from the top of the source tree: the real binary (cli_support) or
 * the monitor library.
 */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/bytes.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"

/* 'set slice 0' is refused, yet 'set slice 2^63' said "(0..2^63-1)", a
 * range holding the 0 just refused; likewise 'set checkpoint', a count of
 * words to 'examine' and the counts of 'check ... steps/slice'.  'set ring'
 * named 0..2^63-1 for a negative ring and took only up to 1000000. */
static void set__range_messages_name_the_range_taken(void **state)
{
    (void)state;
    cs_mon_fails("set slice 0", "set: 0 cycles is out of range (1..9223372036854775807)");
    cs_mon_fails("set slice 0x8000000000000000",
                 "set: 9223372036854775808 cycles is out of range (1..9223372036854775807)");
    cs_mon_fails("set checkpoint 0x8000000000000000",
                 "set: count 9223372036854775808 is out of range (1..9223372036854775807)");
    cs_mon_fails("examine 0 0x8000000000000000",
                 "examine: count 9223372036854775808 is out of range (1..9223372036854775807)");
    cs_mon_fails("check examples/sum.s slice 0x8000000000000000",
                 "check: slice: 9223372036854775808 cycles is out of range (1..9223372036854775807)");
    cs_mon_fails("check examples/sum.s steps 0x8000000000000000",
                 "check: steps: 9223372036854775808 steps is out of range (1..9223372036854775807)");
    cs_mon_fails("set ring 1000001", "set: ring of 1000001 records is out of range (0..1000000)");
    cs_mon_fails("set ring -1", "set: ring of -1 records is out of range (0..1000000)");
    cs_mon_prints("set ring 1000000; show ring", "1000000");
    /* the counts whose range does start at 0 still say so */
    cs_mon_fails("set limit 0x8000000000000000",
                 "set: count 9223372036854775808 is out of range (0..9223372036854775807)");
}

/* 'tgm run --vmm --slice 99999999999999999999999' was taken as 2^63-1
 * cycles without a word, and 0 said "a slice must be at least one cycle";
 * every numeric flag of every subcommand is now refused by one helper in
 * one wording, as --mem always was ("--seed: expected 1 to ..., got '0'"
 * and "'N' is too large (at most ...)" are gone). */
static void cli__numeric_flags_share_one_range_wording(void **state)
{
    (void)state;
    static const char huge[] = "99999999999999999999999";
    cs_tgm_fails(2, "tgm: run: --slice: 99999999999999999999999 cycles is out of range "
                 "(1..9223372036854775807)", "run", CS_ARGV("--vmm", "--slice", huge,
                                                            "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --slice: 0x8000000000000000 cycles is out of range "
                 "(1..9223372036854775807)", "run",
                 CS_ARGV("--vmm", "--slice", "0x8000000000000000", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: check: --slice: 0 cycles is out of range (1..9223372036854775807)",
                 "check", CS_ARGV("--slice", "0", "examples/hello.s"));
    cs_tgm_prints("halted", "run", CS_ARGV("--vmm", "--slice", "0x7fffffffffffffff",
                                           "examples/hello.s"));
    static const char *const cmds[] = {"analyze", "counterexample"};
    for (size_t k = 0; k < 2; k++) {
        char want[160];
        snprintf(want, sizeof want, "tgm: %s: --seed: 0 is out of range (1..18446744073709551615)",
                 cmds[k]);
        cs_tgm_fails(2, want, cmds[k], CS_ARGV("--seed", "0"));
        snprintf(want, sizeof want, "tgm: %s: --seed: %s is out of range "
                 "(1..18446744073709551615)", cmds[k], huge);
        cs_tgm_fails(2, want, cmds[k], CS_ARGV("--seed", huge));
        snprintf(want, sizeof want, "tgm: %s: --words: 1 word is out of range (16..64)", cmds[k]);
        cs_tgm_fails(2, want, cmds[k], CS_ARGV("--words", "1"));
    }
    cs_tgm_fails(2, "tgm: run: --vms: 65 is out of range (1..64)", "run",
                 CS_ARGV("--vmm", "--vms", "65", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: analyze: --random-states: 0x0 is out of range (1..1000000)", "analyze",
                 CS_ARGV("--random-states", "0x0"));
}

/* machine.h: machine_set_timer took {armed, pending} both true, a state no
 * instruction makes (TSET clears a pending expiry, an expiry disarms); a
 * machine state file holding it was loaded so.  Both are refused and the
 * timer is left as it was. */
static void timer__armed_and_pending_at_once_is_refused(void **state)
{
    (void)state;
    struct machine *m = machine_create(&(struct machine_config){64, NULL, false});
    assert_non_null(m);
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){true, false, 7}), 0);
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){true, true, 5}), -1);
    struct machine_timer t = machine_get_timer(m);
    assert_true(t.armed);
    assert_false(t.pending);
    assert_int_equal(t.remaining, 7);
    /* the states an instruction does make are taken, an expired one as pending */
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){false, true, 0}), 0);
    assert_true(machine_get_timer(m).pending);
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){true, false, 0}), 0);
    t = machine_get_timer(m);
    assert_false(t.armed);
    assert_true(t.pending);
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){false, false, 0}), 0);

    /* a state file: its armed word set on a pending timer */
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){false, true, 0}), 0);
    uint8_t *buf;
    size_t len;
    assert_int_equal(machine_state_save(m, false, &buf, &len), 0);
    /* magic, version, q, name length, name, flags, PSW, then armed */
    size_t at = 8 * 4 + strlen(machine_profile(m)->name) + 8 * 2;
    assert_true(at + 16 <= len);
    assert_int_equal(buf[at + 8], 1); /* pending, as saved */
    buf[at] = 1;
    assert_int_equal(machine_set_timer(m, &(struct machine_timer){false, false, 0}), 0);
    char err[200];
    assert_int_equal(machine_state_load(m, buf, len, err, sizeof err), -1);
    char want[120];
    snprintf(want, sizeof want, "offset %zu: the timer is both armed and pending, a state no "
             "instruction makes", at);
    assert_string_equal(err, want);
    t = machine_get_timer(m);
    assert_false(t.armed || t.pending);
    buf[at] = 0; /* as saved, it loads */
    assert_int_equal(machine_state_load(m, buf, len, err, sizeof err), 0);
    assert_true(machine_get_timer(m).pending);
    free(buf);
    machine_destroy(m);
}

/* '.' was P in expressions, undocumented: 'deposit . 4' writes the word P
 * points at (DDT's current location) while 'deposit P 4' sets P, and both
 * 'help assert' and docs/monitor.md now say so. */
static void expr__dot_is_p_as_an_address_and_documented(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; deposit . 4; print E[P]; print P; print .+1",
                  "0x4 (4)\n0x2 (2)\n0x3 (3)\n");
    cs_mon_prints("load examples/sum.s; deposit P 4; print P; print .", "0x4 (4)\n0x4 (4)\n");
    cs_mon_prints("help assert", ". (P as an address, as DDT's: 'deposit . 4' writes the word P");
    char *doc = cs_slurp("docs/monitor.md", NULL);
    assert_non_null(strstr(doc, "| `.` | P as an address"));
    free(doc);
}

/* 'set memory 64K' in the monitor says there is no K or M suffix and what
 * 64K would be; 'tgm run --mem 64K' said only "expected a non-negative
 * number".  Every numeric flag says it as the monitor does. */
static void cli__a_k_or_m_suffix_gets_the_monitors_hint(void **state)
{
    (void)state;
    cs_mon_fails("set memory 64K", "(no K or M suffix here: 64K is 65536)");
    cs_tgm_fails(2, "tgm: run: --mem: expected a non-negative number, got '64K' (no K or M "
                 "suffix here: 64K is 65536)", "run", CS_ARGV("--mem", "64K", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: monitor: --mem: expected a non-negative number, got '1m' (no K or M "
                 "suffix here: 1m is 1048576)", "monitor", CS_ARGV("--mem", "1m"));
    cs_tgm_fails(2, "tgm: check: --max-steps: expected a non-negative number, got '5K' (no K or "
                 "M suffix here: 5K is 5120)", "check", CS_ARGV("--max-steps", "5K",
                                                             "examples/hello.s"));
    /* not a number with a suffix: no hint */
    struct cs_outcome o = cs_run_tgm("run", "--mem", "64KB", "examples/hello.s", NULL);
    cs_assert_one_line(&o, "tgm: run: --mem: expected a non-negative number, got '64KB'");
    assert_null(strstr(o.err, "suffix"));
    cs_outcome_free(&o);
}

/* 'trace off' ended a trace file silently, where 'log off' says "log F
 * closed" and 'timeline F' "N events written to F": it says how many
 * records the file holds, as does ending it with another 'to' or 'screen'. */
static void trace__ending_a_file_says_what_it_holds(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], cmds[3 * CS_PATH];
    cs_tmp_path(a, sizeof a, "a.trace");
    cs_tmp_path(b, sizeof b, "b.trace");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; trace insns to %s; go; trace to %s; "
             "trace off", a, b);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    char want[CS_PATH + 64];
    snprintf(want, sizeof want, "\ntrace: 53 records written to %s\n", a);
    assert_non_null(strstr(o.out, want));
    snprintf(want, sizeof want, "\ntrace: 0 records written to %s\n", b);
    assert_non_null(strstr(o.out, want));
    cs_outcome_free(&o);
    char *text = cs_slurp(a, NULL);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 53);
    free(text);
    /* one record; and the screen has no file to speak of */
    snprintf(cmds, sizeof cmds, "load examples/sum.s; trace insns to %s; step; trace screen", a);
    snprintf(want, sizeof want, "\ntrace: 1 record written to %s\n", a);
    cs_mon_prints(cmds, want);
    o = cs_mon("load examples/sum.s; trace insns; step; trace off");
    assert_null(strstr(o.out, "written"));
    cs_outcome_free(&o);
}

/* Options may be abbreviated, so 'check a.s with v', a file named v in
 * the directory, took v for 'vmm' and said "'with' needs a FILE".  A word
 * after 'with' that names an existing file and is not an option in full is
 * the file; an option in full is still the option. */
static void check__with_takes_a_file_named_as_an_options_prefix(void **state)
{
    (void)state;
    char a[CS_PATH], v[CS_PATH], m[CS_PATH], cmds[4 * CS_PATH + 64];
    cs_write_text(a, sizeof a, "a.s", "        .entry s\ns:      HALT\n");
    cs_write_text(v, sizeof v, "v", "        .entry s\ns:      HALT\n        .word 7\n");
    cs_write_text(m, sizeof m, "m", "        .entry s\ns:      HALT\n        .word 9\n");
    snprintf(cmds, sizeof cmds, "check %s with %s %s", a, v, m);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    char want[CS_PATH + 32];
    for (const char *f = a, *const *p = (const char *const[]){v, m, NULL};; f = *p++) {
        snprintf(want, sizeof want, "check %s: EQUIVALENT\n", f);
        if (!strstr(o.out, want))
            fail_msg("no \"%s\" in:\n%s%s", want, o.out, o.err);
        if (!*p)
            break;
    }
    cs_outcome_free(&o);
    /* relative names, as a user types them, in the files' directory */
    char here[4096];
    assert_non_null(getcwd(here, sizeof here));
    assert_int_equal(chdir(cs_tmpdir()), 0);
    struct ms_io io;
    ms_io_open(&io);
    struct mon *mon = mon_create(io.out, io.err);
    assert_non_null(mon);
    int rv = mon_exec_line(mon, "check a.s with v");
    int rm = mon_exec_line(mon, "check a.s with m steps 100");
    int rvm = mon_exec_line(mon, "check a.s with v m vmm");
    mon_destroy(mon);
    assert_int_equal(chdir(here), 0);
    fflush(io.err);
    if (rv != 0 || rm != 0 || rvm != -1)
        fail_msg("check: %d %d %d: %s", rv, rm, rvm, io.buf);
    assert_non_null(strstr(io.buf, "vmm goes with nest")); /* 'vmm' in full: the option */
    ms_io_close(&io);
    /* a prefix that names no file is still the option it begins */
    snprintf(cmds, sizeof cmds, "check %s with %s vm", a, v);
    cs_mon_fails(cmds, "vmm goes with nest");
}

/* 'finish' where P is in no subroutine ran to HALT and said only that it
 * halted, as if that were the return; gdb says "finish" is not
 * meaningful in the outermost frame.  It says it found no return; from
 * inside one it still stops after the JMPI, with no such note. */
static void finish__outside_a_subroutine_says_it_ran_to_halt(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; finish");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "halted after 53 steps"));
    assert_non_null(strstr(o.out, "\nfinish: HALT came before any return (JMPI): P was in no "
                                  "subroutine, so it ran as 'go' would\n"));
    cs_outcome_free(&o);
    o = cs_mon("load examples/calls.s; until apply; finish");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "returned after"));
    assert_null(strstr(o.out, "finish: HALT"));
    cs_outcome_free(&o);
}

/* A file whose path was within about 10 bytes of PATH_MAX could not be
 * written: the temporary name beside it ("NAME.tmpXXXXXX") was cut only to
 * NAME_MAX, not to PATH_MAX, and mkostemp said "File name too long".  The
 * temporary name is cut to fit; the file gets its own name. */
static void write__a_path_near_path_max_is_written(void **state)
{
    (void)state;
    char dir[PATH_MAX];
    snprintf(dir, sizeof dir, "%s", cs_tmp("long"));
    assert_int_equal(mkdir(dir, 0755), 0);
    while (strlen(dir) < PATH_MAX - 1 - 40 - 201) { /* room for a 40-byte name at the end */
        size_t n = strlen(dir);
        dir[n] = '/';
        memset(dir + n + 1, 'd', 200);
        dir[n + 201] = '\0';
        assert_int_equal(mkdir(dir, 0755), 0);
    }
    size_t d = strlen(dir);
    for (size_t len = PATH_MAX - 12; len <= PATH_MAX - 1; len++) { /* the NUL makes PATH_MAX */
        char path[PATH_MAX];
        memcpy(path, dir, d);
        path[d] = '/';
        memset(path + d + 1, 'a' + (int)(len % 26), len - d - 1);
        path[len] = '\0';
        assert_int_equal(strlen(path), len);
        char err[PATH_MAX + 128] = "";
        if (tgm_write_atomic(path, "word\n", 5, err, sizeof err) != 0)
            fail_msg("a path of %zu bytes: %s", len, err);
        char *back = cs_slurp(path, NULL);
        assert_string_equal(back, "word\n");
        free(back);
        /* written over, the same way */
        assert_int_equal(tgm_write_atomic(path, "again\n", 6, err, sizeof err), 0);
        back = cs_slurp(path, NULL);
        assert_string_equal(back, "again\n");
        free(back);
        assert_int_equal(unlink(path), 0);
    }
    /* nothing else was left in the directory: no temporary file */
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    for (struct dirent *e; (e = readdir(dp));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            fail_msg("left behind: %s", e->d_name);
    closedir(dp);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_leftovers_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(set__range_messages_name_the_range_taken),
        cmocka_unit_test(cli__numeric_flags_share_one_range_wording),
        cmocka_unit_test(timer__armed_and_pending_at_once_is_refused),
        cmocka_unit_test(expr__dot_is_p_as_an_address_and_documented),
        cmocka_unit_test(cli__a_k_or_m_suffix_gets_the_monitors_hint),
        cmocka_unit_test(trace__ending_a_file_says_what_it_holds),
        cmocka_unit_test(check__with_takes_a_file_named_as_an_options_prefix),
        cmocka_unit_test(finish__outside_a_subroutine_says_it_ran_to_halt),
        cmocka_unit_test(write__a_path_near_path_max_is_written),
    };
    return cmocka_run_group_tests_name("leftovers_b", tests, group_setup, group_teardown);
}
