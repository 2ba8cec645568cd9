/* test_audit_mutcli53.c: cases that a mutation audit of the monitor's shell
 * (its line splitting, scripts, terminal, history and Tab completion), of
 * the command line's small subcommands and of a machine state's refusals
 * found no other suite asserting.
 *
 * Each states a documented rule (docs/monitor.md, docs/run.md,
 * docs/robustness.md) at the edge a mutant moved: a word left open by a
 * quote, a comment right after ';', a byte order mark that is not the
 * file's first, the names of the VMs 'tgm monitor a.s b.s' makes, '0X'
 * numbers, a trap stop set twice and deleted once, 'next' at a class
 * stop (which it ran past), a state's flags, last
 * trap, console position and PSW cause at their first bad value, Ctrl-C
 * with an output that cannot be written; at the terminal, the banner, the
 * step limit, a directory completed with its slash, and history files
 * refused or cut at their limits.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* ---- the shell's words and scripts ---------------------------------- */

/* docs/monitor.md: "an unclosed quote is `missing closing quote`", for a
 * command that splits words too: not a file or word running to the end
 * of the line. */
static void mon__an_unclosed_quote_is_refused_by_every_command(void **state)
{
    (void)state;
    cs_mon_fails("load \"no such", "load: missing closing quote");
    cs_mon_fails("regs \"a b", "regs: missing closing quote");
}

/* docs/monitor.md: "`#` at the start of a word begins a comment", also
 * the word right after a ';': the rest of the line is not run. */
static void mon__a_comment_after_a_semicolon_ends_the_line(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("echo a;# b; echo c");
    assert_string_equal(o.out, "a\n");
    cs_outcome_free(&o);
}

/* docs/monitor.md: "a leading UTF-8 byte order mark is skipped": the
 * file's first bytes only; one at the start of a later line is part of
 * that line, an unknown command. */
static void mon__only_the_first_line_may_begin_with_a_byte_order_mark(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "bom.mon", "\xef\xbb\xbf" "echo one\necho two\n");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "one\ntwo\n");
    cs_outcome_free(&o);
    cs_write_text(path, sizeof path, "bom2.mon", "echo one\n\xef\xbb\xbf" "echo two\n");
    o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "one\n");
    assert_non_null(strstr(o.err, ":2: unknown command"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, "Starting": `tgm monitor a.s b.s` makes a VM each,
 * vm0 and vm1, and what loading them says comes before the commands'. */
static void monitor__several_images_are_vm0_and_vm1(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_run_tgm("monitor", "examples/hello.s", "examples/sum.s", "-c", "vm list", NULL);
    assert_int_equal(o.status, 0);
    static const char *const want[] = {
        "vm0: VM 0, 65536 words at real 0x8..0x10007, loaded examples/hello.s; selected",
        "vm1: VM 1, 65536 words at real 0x10008..0x20007, loaded examples/sum.s; selected",
        NULL};
    cs_assert_lines_in_order(o.out, want, "tgm monitor hello.s sum.s");
    assert_non_null(strstr(o.out, "   0 vm0 "));
    assert_non_null(strstr(o.out, "*  1 vm1 "));
    cs_outcome_free(&o);
}

/* docs/monitor.md: "a long option may be shortened to a prefix"; '--'
 * with only '=VALUE' after it names none, so it is unknown, not --help. */
static void monitor__an_option_of_no_name_is_unknown(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: monitor: unknown option '--=x' (try 'tgm monitor --help')", "monitor",
                 CS_ARGV("--=x"));
}

/* docs/monitor.md has no words for it, but 'symbols' says there are none
 * rather than print nothing when no program is loaded. */
static void mon__symbols_with_no_program_says_so(void **state)
{
    (void)state;
    cs_mon_prints("symbols", "no symbols (load a program with labels)\n");
}

/* docs/monitor.md: breakpoints never patch memory and each is its own;
 * a trap or class stop set twice stops 'next' (which meets them as 'go'
 * does, with no 'go' to set them all again first) while either is left. */
static void mon__a_trap_stop_set_twice_stays_until_both_go(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/supervisor.s; break trap svc; "
                                    "break trap svc; delete 1; next 1000");
    assert_non_null(strstr(o.out, "breakpoint 2: svc trap at 0x4"));
    cs_outcome_free(&o);
    o = cs_mon_ok("load examples/supervisor.s; break class privileged; break class privileged; "
                  "delete 2; next 1000");
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged"));
    cs_outcome_free(&o);
}

/* docs/monitor.md, 'step': "a breakpoint, by address or class, does not
 * ('next' stops at one, as 'go' does)": a class stop before an
 * instruction 'next' steps, and before one inside a call it runs, as an
 * address breakpoint there stops it.  (It ran past both.) */
static void next__stops_at_a_class_breakpoint(void **state)
{
    (void)state;
    char flat[CS_PATH], call[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(flat, sizeof flat, "flat.s",
                  "        .entry s\ns:      NOP\n        COUT  c\n        HALT\n"
                  "c:      .word 65\n");
    cs_write_text(call, sizeof call, "call.s",
                  "        .entry s\ns:      JAL   link, sub\n        HALT\n"
                  "sub:    NOP\n        COUT  c\n        JMPI  link\nlink:   .word 0\n"
                  "c:      .word 65\n");
    snprintf(cmds, sizeof cmds, "load %s; break class privileged; next 3", flat);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged: COUT) at 0x1, hit 1 time\n"
                                  "stopped at 0x1 after 1 step, 1 cycle"));
    assert_null(strstr(o.out, "console <-"));
    cs_outcome_free(&o);
    snprintf(cmds, sizeof cmds, "load %s; break class privileged; next", call);
    o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "breakpoint 1 (class privileged: COUT) at 0x3, hit 1 time\n"
                                  "stopped at 0x3 after 2 steps, 3 cycles"));
    assert_null(strstr(o.out, "call returned"));
    cs_outcome_free(&o);
}

/* ---- the command line ----------------------------------------------- */

/* docs/run.md: "Numbers may be decimal or `0x` (or `0X`) hexadecimal". */
static void run__a_capital_0x_is_hexadecimal(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--json", "--mem", "0X100", "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\"q\":256"));
    cs_outcome_free(&o);
}

static const char spin_src[] = "        .entry s\ns:      JMP   s\n";

static void stdout_full(void)
{
    int fd = open("/dev/full", O_WRONLY);
    if (fd >= 0)
        dup2(fd, STDOUT_FILENO);
}

/* docs/run.md, status 2: "standard output that cannot be written ...,
 * whatever the run's result": a run stopped by Ctrl-C whose report
 * cannot be written is 2, with the one line, not 130. */
static void run__ctrl_c_with_a_lost_output_is_status_2(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "spin.s", spin_src);
    pid_t pid = cs_start_tgm_with(-1, stdout_full, "run", CS_ARGV("--max-steps", "0", src));
    assert_int_equal(cs_catches_sigint(pid), 1);
    assert_int_equal(kill(pid, SIGINT), 0);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: cannot write the output: No space left on device");
    cs_outcome_free(&o);
}

/* ---- a machine state's refusals -------------------------------------- */

/* A state of a 16-word machine with two bytes of console input queued:
 * its bytes in *BUF (free it), the offset of its flags in *FLAGS. */
static size_t saved_state(uint8_t **buf, size_t *flags)
{
    struct machine_config cfg = {.q = 16};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"ab", 2), 0);
    size_t len;
    assert_int_equal(machine_state_save(m, false, buf, &len), 0);
    machine_destroy(m);
    /* "TGMSTATE", version, q, the profile name's length and the name */
    *flags = 32 + strlen(isa_profile_default()->name);
    return len;
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int k = 0; k < 8; k++)
        p[k] = (uint8_t)(v >> (8 * k));
}

/* Loading BUF (LEN bytes) into a fresh machine fails with WANT. */
static void refused(const uint8_t *buf, size_t len, const char *want)
{
    struct machine_config cfg = {.q = 16};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    char err[256] = "";
    assert_int_equal(machine_state_load(m, buf, len, err, sizeof err), -1);
    if (strcmp(err, want) != 0)
        fail_msg("got \"%s\", want \"%s\"", err, want);
    machine_destroy(m);
}

/* docs/robustness.md: a machine state's edited field is refused at its
 * offset: flags past bits 0 and 1 ("unknown state flags 0x6"), a last
 * trap that is none of the 6 causes, a console read past its input, a PSW
 * with any cause bit; and bytes after the state. */
static void state__each_field_is_refused_at_its_first_bad_value(void **state)
{
    (void)state;
    uint8_t *buf;
    size_t at;
    size_t len = saved_state(&buf, &at);
    uint8_t *b = malloc(len + 1);
    assert_non_null(b);
    char want[160];

    memcpy(b, buf, len);
    put64(b + at, 6);
    snprintf(want, sizeof want, "offset %zu: unknown state flags 0x6", at);
    refused(b, len, want);

    memcpy(b, buf, len); /* flags, PSW, armed, pending, remaining: last trap */
    put64(b + at + 40, TRAP_NCAUSES);
    snprintf(want, sizeof want, "offset %zu: last trap cause %u is none of the %u", at + 40,
             TRAP_NCAUSES, TRAP_NCAUSES);
    refused(b, len, want);

    /* ..., counters, traps, output length, dropped, (no output), input
     * length, position: read to one past its 2 bytes */
    size_t ipos = at + 48 + 8 * (3 + TRAP_NCAUSES) + 16 + 8;
    memcpy(b, buf, len);
    assert_true(b[ipos - 8] == 2);
    put64(b + ipos, 3);
    snprintf(want, sizeof want, "offset %zu: console input read to 3 of its 2 bytes", ipos);
    refused(b, len, want);

    memcpy(b, buf, len);
    put64(b + at + 8, (uint64_t)8 << PSW_CAUSE_SHIFT); /* the highest cause bit */
    snprintf(want, sizeof want, "offset %zu: the PSW 0x%016llx has a trap cause", at + 8,
             (unsigned long long)8 << PSW_CAUSE_SHIFT);
    refused(b, len, want);

    memcpy(b, buf, len);
    b[len] = 0;
    snprintf(want, sizeof want, "offset %zu: 1 stray byte after the state", len);
    refused(b, len + 1, want);
    free(b);
    free(buf);
}

/* ---- at the terminal ------------------------------------------------- */

/* docs/monitor.md, "A session": the banner, word for word; "Runs started
 * at the terminal have no step limit"; a directory completes with its
 * slash and no space, as a shell gives it ("load exa<Tab>"), then a file
 * in it. */
static void pty__banner_no_limit_and_a_directory_completed(void **state)
{
    (void)state;
    char dir[CS_PATH];
    assert_int_equal(mkdir(pt_in_dir(dir, sizeof dir, "examples"), 0700), 0);
    pt_put_file("examples/hello.s", "        .entry s\ns:      HALT\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm monitor: bare machine of 65536 words (virtualizable).  'help' lists "
                  "commands; Ctrl-C stops a run; Ctrl-D quits.\r\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "show limit\r");
    pt_expect(&s, "limit      0 (none)\r\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load exa\t");
    pt_expect(&s, "mples/");
    pt_type(&s, "he\t");
    pt_expect(&s, "llo.s ");
    pt_type(&s, "\r");
    pt_expect(&s, "loaded examples/hello.s");
    pt_quit(&s);
}

/* docs/monitor.md: 'set histfile F' refuses a text file, however short
 * (a one-byte one too: the history would replace it), and a file larger
 * than 16 MiB, from its first byte past it. */
static void pty__history_files_refused_at_their_edges(void **state)
{
    (void)state;
    pt_put_file("one", "x");
    pt_put_history("big", 16777217); /* 16 MiB and a byte */
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set histfile one\r");
    pt_expect(&s, "set: one: not a history file (it would be replaced); choose another file");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set histfile big\r");
    pt_expect(&s, "set: big: larger than 16777216 bytes, the limit for a history file; "
                  "choose another file");
    pt_quit(&s);
    char one[CS_PATH];
    char *t = cs_slurp(pt_in_dir(one, sizeof one, "one"), NULL);
    assert_string_equal(t, "x");
    free(t);
}

/* docs/monitor.md: "The list, and so the file, keeps the newest 1,000
 * lines: past them the oldest go". */
static void pty__the_history_file_keeps_1000_lines(void **state)
{
    (void)state;
    char path[CS_PATH];
    FILE *f = fopen(pt_in_dir(path, sizeof path, "h"), "w");
    assert_non_null(f);
    fputs("_HiStOrY_V2_\n", f);
    for (int i = 1; i <= 1000; i++)
        fprintf(f, "old%d\n", i);
    assert_int_equal(fclose(f), 0);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set histfile h\r");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    size_t len;
    char *t = cs_slurp(path, &len);
    size_t lines = 0;
    for (size_t i = 0; i < len; i++)
        lines += t[i] == '\n';
    if (lines != 1001 || strncmp(t, "_HiStOrY_V2_\nold3\n", 18) != 0 ||
        !strstr(t, "\nold1000\n") || strstr(t, "\nold2\n"))
        fail_msg("%zu lines, beginning: %.40s", lines, t);
    free(t);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutcli53");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mon__an_unclosed_quote_is_refused_by_every_command),
        cmocka_unit_test(mon__a_comment_after_a_semicolon_ends_the_line),
        cmocka_unit_test(mon__only_the_first_line_may_begin_with_a_byte_order_mark),
        cmocka_unit_test(monitor__several_images_are_vm0_and_vm1),
        cmocka_unit_test(monitor__an_option_of_no_name_is_unknown),
        cmocka_unit_test(mon__symbols_with_no_program_says_so),
        cmocka_unit_test(mon__a_trap_stop_set_twice_stays_until_both_go),
        cmocka_unit_test(next__stops_at_a_class_breakpoint),
        cmocka_unit_test(run__a_capital_0x_is_hexadecimal),
        cmocka_unit_test(run__ctrl_c_with_a_lost_output_is_status_2),
        cmocka_unit_test(state__each_field_is_refused_at_its_first_bad_value),
        cmocka_unit_test_setup_teardown(pty__banner_no_limit_and_a_directory_completed,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__history_files_refused_at_their_edges, pt_setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__the_history_file_keeps_1000_lines, pt_setup,
                                        pt_teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
