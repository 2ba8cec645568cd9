/* test_users.c: the monitor and the command line as a user of SIMH,
 * Hercules, the QEMU monitor and VM/370's CP meets them on a first day,
 * working from README.md and docs/monitor.md, docs/run.md: what such a
 * user types by habit and what tgm made of it.  Each test fails on the
 * tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* 'deposit pc 4' (SIMH's DEPOSIT PC, gdb's $pc) wrote 4 into E[P], the
 * word P pointed at, and left P alone: pc is P in every expression, but
 * deposit knew only P as the register. */
static void deposit__pc_is_the_register(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; deposit pc 4; print/x P; print/x E[start]",
                  "0x4\n0x120002c000000000\n");
    cs_mon_prints("load examples/sum.s; deposit $pc loop; assert P == loop && E[2] != 4; "
                  "print/x P",
                  "0x4\n");
    /* as for P: 19 bits */
    cs_mon_fails("load examples/sum.s; deposit pc 0x80000",
                 "deposit: 0x80000 does not fit in 19 bits");
}

/* A misspelt label or built-in name said only "unknown name 'LOOP'",
 * where a misspelt command or profile gets a guess: labels keep their
 * case, so SIMH's habit of capitals (and gdb's PC) missed without a word. */
static void expressions__an_unknown_name_gets_a_guess(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; break LOOP",
                 "break: unknown name 'LOOP' (did you mean 'loop'?)");
    cs_mon_fails("load examples/sum.s; print totl",
                 "print: unknown name 'totl' (did you mean 'total'?)");
    cs_mon_fails("load examples/sum.s; examine E[strat]",
                 "examine: unknown name 'strat' (did you mean 'start'?)");
    cs_mon_fails("print PC", "print: unknown name 'PC' (did you mean 'pc'?)");
    cs_mon_fails("print $Cycles", "print: unknown name '$Cycles' (did you mean '$cycles'?)");
    cs_mon_fails("assert cause == memroy", "unknown name 'memroy' (did you mean 'memory'?)");
    /* $ skips the labels, so it guesses only among the built-ins */
    cs_mon_fails_without("load examples/sum.s; print $totl", "print: unknown name '$totl'",
                         "did you mean");
    /* nothing near: the line as before */
    cs_mon_fails_without("load examples/sum.s; print zzzz", "print: unknown name 'zzzz'",
                         "did you mean");
}

/* Words of the other tools with a tgm command of another name got no hint,
 * or a wrong one: QEMU's 'loadvm' (restore a snapshot) was guessed to be
 * 'load' (load a program), gdb's 'clear', 'disable' and 'enable' and CP's
 * 'IPL' were 'try help', and the known ones were known only in small
 * letters ('BT'), though commands are taken in any case. */
static void commands__words_of_other_tools_name_the_tgm_command(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"loadvm snap", "unknown command 'loadvm' (in tgm: restore FILE"},
        {"savevm snap", "unknown command 'savevm' (in tgm: save FILE"},
        {"clear loop", "unknown command 'clear' (in tgm: delete ID"},
        {"disable 1", "unknown command 'disable' (in tgm: delete ID, or ignore ID N"},
        {"enable 1", "unknown command 'enable' (in tgm: break ADDR again"},
        {"rwatch total", "unknown command 'rwatch' (in tgm: watch read ADDR)"},
        {"awatch total", "unknown command 'awatch' (in tgm: watch access ADDR)"},
        {"IPL examples/sum.s", "unknown command 'IPL' (in tgm: load FILE; go)"},
        {"BT", "unknown command 'BT' (in tgm: history"},
        {"analyze", "unknown command 'analyze' (in tgm: the command line's 'tgm analyze'"},
        {"help loadvm", "help: unknown command 'loadvm' (in tgm: restore FILE"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cs_mon_fails(cases[i][0], cases[i][1]);
}

/* QEMU's monitor writes the format as a word of its own, 'x /4x 0' (gdb
 * takes that too); tgm said "unexpected '/4x'". */
static void examine__a_format_as_a_word_of_its_own(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; x /3i loop",
                  "  0x00004 loop         LDX    x, table, i\n"
                  "  0x00005              ADD    total, total, x\n"
                  "  0x00006              STX    copy, i, x\n");
    cs_mon_prints("load examples/sum.s; examine /2d i", "  0x0000b i            0\n"
                                                        "  0x0000c x            0\n");
    cs_mon_prints("print /x 255; print /o 8", "0xff\n0o10\n");
    cs_mon_prints("display /x 255", "1: 255 = 0xff\n");
    /* a bad one is named as in the one-word form; other commands take none */
    cs_mon_fails("x /4q 0", "examine: unknown format '/4q'");
    cs_mon_fails("step /2", "step: unexpected '/2'");
}

/* 'tgm run --prof pdp10' worked (getopt's prefixes) but 'tgm monitor --prof
 * pdp10' was an unknown option; and a misspelt long option ('--maxsteps')
 * got no guess in any subcommand, though a misspelt subcommand or profile
 * gets one. */
static void cli__long_options_alike_in_every_subcommand(void **state)
{
    (void)state;
    cs_tgm_prints("profile    pdp10", "monitor", CS_ARGV("--prof", "pdp10", "-c", "show profile"));
    cs_tgm_prints("memory     4096", "monitor", CS_ARGV("--m=4096", "-c", "show memory"));
    cs_tgm_prints("usage: tgm monitor", "monitor", CS_ARGV("--he"));
    cs_tgm_fails(2, "tgm: monitor: unknown option '--profle' (did you mean '--profile'?)",
                 "monitor", CS_ARGV("--profle", "x86", "-c", "regs"));
    cs_tgm_fails(2, "tgm: monitor: option '--help' takes no value", "monitor",
                 CS_ARGV("--help=1"));
    cs_tgm_fails(2, "tgm: run: unknown option '--maxsteps' (did you mean '--max-steps'?)", "run",
                 CS_ARGV("--maxsteps", "9", "examples/sum.s"));
    cs_tgm_fails(2, "tgm: check: unknown option '--hybird' (did you mean '--hybrid'?)", "check",
                 CS_ARGV("--hybird", "examples/sum.s"));
    /* nothing near: as before */
    cs_tgm_fails(2, "tgm: run: unknown option '--frob' (try 'tgm run --help')", "run",
                 CS_ARGV("--frob", "examples/sum.s"));
    cs_tgm_fails(2, "tgm: monitor: unknown option '--frob' (try 'tgm monitor --help')",
                 "monitor", CS_ARGV("--frob"));
}

/* SIMH's ranges, 'ex 0-4' and 'ex 0:4', said "address -4 is out of range"
 * and "unexpected ':4'": true (0-4 is an expression here), but silent on
 * what the user meant. */
static void examine__a_range_written_as_simh_writes_it(void **state)
{
    (void)state;
    cs_mon_fails("examine 0-4",
                 "examine: address -4 is out of range (0..0xffff) (a range is written 0..4)");
    cs_mon_fails("load examples/sum.s; examine start:loop",
                 "examine: 'start:loop' is not an address (a range is written start..loop)");
    cs_mon_fails("x/d 0:4", "examine: '0:4' is not an address (a range is written 0..4)");
    /* a negative address that is no such range has no hint */
    cs_mon_fails_without("examine -1", "examine: address -1 is out of range (0..0xffff)",
                         "range is written");
    /* 5-2 is 3, a good address: shown, as any expression */
    cs_mon_prints("examine -d 5-2", "  0x00003              0\n");
}

/* 'break loop do echo hi', as gdb's 'commands' are typed, gave only the
 * usage line: the commands after 'do' are one word, in quotes.  'break loop
 * do' and 'break loop ignore' gave the usage too, where 'if' alone says
 * what it needs. */
static void break__do_without_quotes_says_how(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; break loop do echo hi",
                 "break: 'hi' after do's commands: give them in double quotes, do \"echo hi\"");
    cs_mon_fails("load examples/sum.s; break loop ignore 1 do p/d E[i] if i == 2",
                 "break: 'E[i]' after do's commands: give them in double quotes, do \"p/d E[i]\"");
    cs_mon_fails("load examples/sum.s; watch total do echo w x",
                 "watch: 'w' after do's commands: give them in double quotes, do \"echo w x\"");
    cs_mon_fails("load examples/sum.s; break loop do",
                 "break: 'do' needs its commands, in double quotes");
    cs_mon_fails("load examples/sum.s; break loop ignore", "break: 'ignore' needs a count");
    /* nothing was set by the refused ones */
    cs_mon_prints("set on-error continue; load examples/sum.s; break loop do echo hi; "
                  "watch total do echo w x; break list",
                  "no breakpoints\n");
    /* one word needs no quotes, as before */
    cs_mon_prints("load examples/sum.s; break loop do regs; break list",
                  "  1  break  0x4 loop  hits 0  do \"regs\"\n");
}

/* 'vm select A' for a VM named a (CP users type in capitals) said only "no
 * VM named 'A'", though commands, profiles and now labels get a guess. */
static void vm__a_misspelt_name_gets_a_guess(void **state)
{
    (void)state;
    cs_mon_fails("vm create guest 64; vm create b 64; vm select Guest",
                 "vm: no VM named 'Guest' (did you mean 'guest'?)");
    cs_mon_fails("vm create guest 64; vm stats gust",
                 "vm: no VM named 'gust' (did you mean 'guest'?)");
    cs_mon_fails("vm create a 64; vm create b 64; vm destroy c",
                 "vm: no VM named 'c' (see 'vm list')");
}

/* 'load \'examples/sum.s\'', as a shell (and QEMU's monitor) quotes it,
 * said "cannot open ''examples/sum.s''": the quotes are part of the name
 * here, which the line did not say. */
static void files__single_quotes_are_named_as_part_of_the_name(void **state)
{
    (void)state;
    static const char hint[] = "No such file or directory (the single quotes are part of "
                               "the name: only double quotes group words)";
    static const char *const cmds[] = {
        "load 'examples/sum.s'", "do 'examples/sum.mon'", "restore 'x.snap'",
        "vm create a 64 'examples/sum.s'", "nest 1 'examples/sum.s'",
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        cs_mon_fails(cmds[i], hint);
    /* other names, and double quotes, as before */
    cs_mon_fails_without("load nosuch.s",
                         "load: cannot open 'nosuch.s': No such file or directory",
                         "single quotes");
    cs_mon_prints("load \"examples/sum.s\"", "bare: loaded examples/sum.s");
}

/* 'break list' lists the breakpoints, but 'watch list' said "unknown name
 * 'list'": the watchpoints were listed only by 'info watchpoints'. */
static void watch__list_lists_the_watchpoints(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; watch list", "no watchpoints\n");
    struct cs_outcome o = cs_mon("load examples/sum.s; break loop; watch read total 2; watch list");
    assert_int_equal(o.status, 0);
    if (!strstr(o.out, "  2  watch  read 0xd..0xe total  hits 0\n") || strstr(o.out, "  1  break"))
        fail_msg("'watch list' is not the watchpoints alone:\n%s", o.out);
    cs_outcome_free(&o);
}

/* 'tgm version', as go and docker spell it, said "unknown command
 * 'version' (try 'tgm --help')": the guess did not look at --version. */
static void cli__version_spelt_as_a_command_gets_a_guess(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("version", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: unknown command 'version' (did you mean '--version'?)");
    cs_outcome_free(&o);
    o = cs_run_tgm("frob", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: unknown command 'frob' (try 'tgm --help')");
    cs_outcome_free(&o);
    cs_tgm_prints("tgm ", "--version", CS_ARGV(NULL));
}

/* A second 'break loop' made a second breakpoint at the same word without
 * a word (gdb: "Note: breakpoint 1 also set at pc"), so a slip doubled the
 * hits' output and the deletes needed. */
static void break__a_second_at_one_address_is_noted(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("load examples/sum.s; break loop; break stop; "
                                 "break loop if i == 2; break 4");
    assert_int_equal(o.status, 0);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"breakpoint 1 at 0x4 loop",
                                                   "breakpoint 2 at 0x9 stop",
                                                   "breakpoint 3 at 0x4 loop if i == 2",
                                                   "note: breakpoint 1 is at 0x4 too",
                                                   "breakpoint 4 at 0x4 loop",
                                                   "note: breakpoints 1, 3 are at 0x4 too",
                                                   NULL},
                             "break");
    if (strstr(o.out, "breakpoint 2 at 0x9 stop\nnote"))
        fail_msg("a breakpoint alone at its address got a note:\n%s", o.out);
    cs_outcome_free(&o);
}

/* SIMH's 'SET CPU 64K' habit, 'set memory 64K', said "bad number near
 * '64K'", leaving the user to work out 65536. */
static void set__a_k_suffix_says_the_number_in_full(void **state)
{
    (void)state;
    cs_mon_fails("set memory 64K", "set: bad number near '64K' (no K or M suffix here: 64K "
                                   "is 65536)");
    cs_mon_fails("vm create a 4k", "vm: bad number near '4k' (no K or M suffix here: 4k is "
                                   "4096)");
    cs_mon_fails("set cp-memory 1M", "1M is 1048576)");
    /* and the machine is as it was */
    cs_mon_prints("set on-error continue; set memory 64K; show memory", "memory     65536\n");
    /* other bad numbers as before */
    cs_mon_fails_without("print 12abc", "print: bad number near '12abc'", "suffix");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_users");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deposit__pc_is_the_register),
        cmocka_unit_test(expressions__an_unknown_name_gets_a_guess),
        cmocka_unit_test(commands__words_of_other_tools_name_the_tgm_command),
        cmocka_unit_test(examine__a_format_as_a_word_of_its_own),
        cmocka_unit_test(cli__long_options_alike_in_every_subcommand),
        cmocka_unit_test(examine__a_range_written_as_simh_writes_it),
        cmocka_unit_test(break__do_without_quotes_says_how),
        cmocka_unit_test(vm__a_misspelt_name_gets_a_guess),
        cmocka_unit_test(files__single_quotes_are_named_as_part_of_the_name),
        cmocka_unit_test(watch__list_lists_the_watchpoints),
        cmocka_unit_test(cli__version_spelt_as_a_command_gets_a_guess),
        cmocka_unit_test(break__a_second_at_one_address_is_noted),
        cmocka_unit_test(set__a_k_suffix_says_the_number_in_full),
    };
    return cmocka_run_group_tests_name("users", tests, group_setup, group_teardown);
}
