/* test_lab.c: a teacher's two-hour lab with the monitor and the CLI, as
 * students who know SIMH and the QEMU monitor would type it: a guest
 * stepped and watched (section 2's machine), guests run under the control
 * program (sections 4-6), 'check' across instruction-set profiles
 * (Theorems 1 and 3) and the stack of control programs (Theorem 2).  Each
 * test is of something the lab found wrong; it fails on the tree before
 * the fix.
 *
 * Runs from the top of the source tree.
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
#include "mon_support.h"
#include "pty_support.h"

/* The monitor's output for CMDS (status 0), which must hold WANT; with
 * AVOID not NULL, it must not hold AVOID. */
static void mon_shows(const char *cmds, const char *want, const char *avoid)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0 || !strstr(o.out, want) || (avoid && strstr(o.out, avoid)))
        fail_msg("'%s': status %d, output \"%s\" should hold \"%s\"%s%s%s; stderr \"%s\"",
                 cmds, o.status, o.out, want, avoid ? " and not \"" : "", avoid ? avoid : "",
                 avoid ? "\"" : "", o.err);
    cs_outcome_free(&o);
}

/* A breakpoint whose condition is false, or a hit an 'ignore' lets pass,
 * is no stop, so the guest's live console went on unbroken; the monitor
 * ended the guest's line at every such hit all the same, and "hello,
 * world" came out one character a line. */
static void live_console__hits_that_pass_do_not_break_the_guests_lines(void **state)
{
    (void)state;
    mon_shows("load examples/hello.s; break loop if E[i] == 99; go", "\nhello, world\n",
              "h\ne");
    mon_shows("load examples/hello.s; watch i if E[i] == 99; go", "\nhello, world\n", "h\ne");
    /* a hit that stops still ends the guest's line before its report */
    mon_shows("load examples/hello.s; watch i ignore 3; go",
              "\nhel\nwatchpoint 1: write E[0xa] 0x2 -> 0x3, hit 4 times\n", NULL);
    mon_shows("load examples/hello.s; break loop ignore 5; go; delete all; go",
              "\nhello\nbreakpoint 1 at 0x3 loop, hit 6 times\n", NULL);
    mon_shows("load examples/hello.s; break loop if E[i] == 99; until stop",
              "\nhello, world\n", "h\ne");
    /* finish and next step through calls with the same checks */
    mon_shows("load examples/supervisor.s; until puts; break puts if 0; finish",
              "\nsupervisor: job \nreturned after", "s\nu");
    /* under the control program, with several VMs' lines prefixed */
    mon_shows("vm create a 4096 examples/hello.s; vm create b 64 examples/sum.s; "
              "break loop if E[i] == 99; go",
              "a| hello, world\n", "h\na| e");
}

/* 'set profile pdp10' changes the bare machine only; 'check' and the VMs
 * run on the control program's profile ('set cp-profile').  A class that
 * set the one and checked the PDP-10's counterexample got EQUIVALENT, with
 * nothing to say that the check ran on another instruction set. */
static void check__says_when_it_runs_on_another_profile_than_the_bare_machine(void **state)
{
    (void)state;
    const char *note = "note: check runs on profile virtualizable, the control program's, not "
                       "the bare machine's pdp10 ('profile P' or 'set cp-profile P' chooses it)\n";
    mon_shows("set profile pdp10; check examples/hello.s", note, NULL);
    /* named, or the same profile: nothing to say */
    mon_shows("set profile pdp10; check examples/hello.s profile pdp10",
              "check examples/hello.s: EQUIVALENT", "note:");
    mon_shows("set profile pdp10; set cp-profile pdp10; check examples/hello.s",
              "check examples/hello.s: EQUIVALENT", "note:");
    mon_shows("check examples/hello.s", "check examples/hello.s: EQUIVALENT", "note:");
    /* a session that chose the control program's profile meant it */
    mon_shows("set cp-profile pdp10; check examples/hello.s; vm create a 64",
              "a: VM 0, 64 words", "note:");
    /* the first VM starts the control program on its profile */
    mon_shows("set profile x86; vm create a 64 examples/sum.s; vm create b 64",
              "note: the VMs run on profile virtualizable, the control program's, not the "
              "bare machine's x86 ('set cp-profile' before the first VM chooses it)\n"
              "a: VM 0, 64 words", NULL);
    struct cs_outcome o = cs_mon("set profile x86; vm create a 64; vm create b 64");
    assert_int_equal(o.status, 0);
    const char *first = strstr(o.out, "note:");
    assert_non_null(first);
    assert_null(strstr(first + 1, "note:")); /* once, when the control program starts */
    cs_outcome_free(&o);
    /* 'tgm monitor --profile' sets both */
    o = cs_run_tgm("monitor", "--profile", "pdp10", "-c", "check examples/hello.s; vm create a 64",
                   NULL);
    assert_int_equal(o.status, 0);
    assert_null(strstr(o.out, "note:"));
    assert_non_null(strstr(o.out, "a: VM 0, 64 words"));
    cs_outcome_free(&o);
}

/* SIMH's EX is EXAMINE; the monitor took 'ex' for a prefix of both
 * 'examine' and 'exit' and refused it as ambiguous. */
static void ex__is_examine_as_in_simh(void **state)
{
    (void)state;
    mon_shows("load examples/sum.s; ex total; ex/2d n", "0x0000d total        0000000000000000",
              NULL);
    mon_shows("load examples/sum.s; ex/2d n", "0x0000e n            10\n", NULL);
    mon_shows("help ex", "usage: examine", NULL);
    struct cs_outcome o = cs_mon("exi 3"); /* 'exi' is still exit's */
    assert_int_equal(o.status, 3);
    cs_outcome_free(&o);
}

/* docs/monitor.md: a value out of range is shown as it was typed.  'deposit
 * P 600000' said so, but 'deposit b 99999999' said 0x5f5e0ff. */
static void deposit__a_bound_out_of_range_is_shown_as_typed(void **state)
{
    (void)state;
    cs_mon_fails("deposit b 99999999", "deposit: 99999999 does not fit in 20 bits");
    cs_mon_fails("deposit b 0x100000", "deposit: 0x100000 does not fit in 20 bits");
    cs_mon_fails("deposit b 1-2", "deposit: -1 does not fit in 20 bits");
    cs_mon_fails("deposit P 600000", "deposit: 600000 does not fit in 19 bits");
}

/* Tab after 'trace ' offered the files of the directory, which 'trace'
 * refuses ("unknown word"): a file goes only after 'to'. */
static void trace__tab_offers_files_only_after_to(void **state)
{
    (void)state;
    struct mon_compl c = ms_compl("trace c");
    assert_string_equal(c.kinds, "");
    assert_true(ms_has_word(c.words, "cp"));
    assert_true(ms_has_word(c.words, "to"));
    c = ms_compl("trace insns to tr");
    assert_string_equal(c.kinds, "f");
    assert_true(ms_has_word(c.words, "screen"));
    c = ms_compl("trace all max ");
    assert_string_equal(c.kinds, "");
    assert_string_equal(c.words, "");
    cs_mon_fails("trace examples", "trace: unknown word 'examples'");
}

/* Arguments in the wrong order, as students type them, got "unknown name
 * 'hello.s'" or "unknown name 'write'": now the order to use. */
static void arguments_in_the_wrong_order_get_the_order(void **state)
{
    (void)state;
    cs_mon_fails("nest examples/hello.s 2",
                 "nest: 'examples/hello.s' is not a number of levels: the order is "
                 "'nest N FILE [mem W]'");
    cs_mon_fails("vm create a examples/hello.s 4096",
                 "vm: 'examples/hello.s' is not a number of words: the order is "
                 "'vm create NAME WORDS [FILE]'");
    /* the words left out, a file in their place (single quotes and all) */
    cs_mon_fails("vm create a examples/hello.s",
                 "vm: 'examples/hello.s' is not a number of words: the order is "
                 "'vm create NAME WORDS [FILE]'");
    cs_mon_fails("vm create a 'hello.s'",
                 "vm: ''hello.s'' is not a number of words: the order is "
                 "'vm create NAME WORDS [FILE]'");
    cs_mon_fails("load examples/sum.s; watch total write",
                 "watch: the kind goes before the address: 'watch write total'");
    cs_mon_fails("load examples/sum.s; watch total access 2 if 1",
                 "watch: the kind goes before the address: 'watch access total'");
    /* a wrong number is still out of range, an unknown name still unknown */
    cs_mon_fails("nest 0 examples/hello.s", "nest: 0 levels is out of range (1..16)");
    cs_mon_fails("nest x y", "nest: unknown name 'x'");
    cs_mon_fails("vm create a many", "vm: unknown name 'many'");
    mon_shows("load examples/sum.s; watch total 2", "watchpoint 1 on 0xd..0xe total", NULL);
}

/* 'history' and 'trace insns' begin each line with a number that help and
 * docs did not explain; after 'rstep' to step 43 the ring showed 86, 87,
 * 91, which a class took for step numbers gone wrong.  It is the cycle
 * count after the instruction, as help now says. */
static void history__its_first_column_is_the_cycle_count(void **state)
{
    (void)state;
    mon_shows("load examples/sum.s; step 3; history 3",
              "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n"
              "         2 s I=0 P=0x00003 l=0x00000 b=0x80000  LI     total, 0\n"
              "         5 s I=0 P=0x00004 l=0x00000 b=0x80000  LDX    x, table, i\n", NULL);
    mon_shows("load examples/sum.s; step 3; assert cycles == 5; help history",
              "the cycle count after the\ninstruction (not its step number)", NULL);
    mon_shows("help trace", "An instruction's line: the cycle count after it", NULL);
}

/* SIMH's 'show cpu' habit: 'show profile' got "usage: show".  It shows
 * that setting now, as 'set' lists it. */
static void show__one_setting_as_set_lists_it(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("set profile pdp10; set slice 77; show prof; show slice");
    assert_int_equal(o.status, 0);
    assert_string_equal(strstr(o.out, "profile    pdp10\n"), "profile    pdp10\nslice      77\n");
    cs_outcome_free(&o);
    mon_shows("show cp-profile", "cp-profile virtualizable\n", "focus:");
    mon_shows("show", "focus: bare\n", NULL);
    cs_mon_fails("show cpu", "show: unknown setting 'cpu' (one of: memory profile on-error "
                             "limit ring histfile cp-memory cp-profile hybrid slice console "
                             "checkpoint; 'show' alone shows the session)");
    cs_mon_fails("show cp", "show: ambiguous setting 'cp'");
    cs_mon_fails("show a b", "show: usage: show [KEY]");
    struct mon_compl c = ms_compl("show p");
    assert_true(ms_has_word(c.words, "profile"));
}

/* gdb's and QEMU's 'x/4i $pc' got "unknown name '$pc'": pc is P. */
static void pc__is_p_as_in_gdb(void **state)
{
    (void)state;
    mon_shows("load examples/sum.s; step 2; x/2i $pc; assert pc == P && $pc == 4",
              "  0x00004 loop         LDX    x, table, i\n"
              "  0x00005              ADD    total, total, x\n", NULL);
    /* a label named pc is the label, as for every built-in; $pc the built-in */
    char src[CS_PATH], cmds[CS_PATH + 128];
    cs_write_text(src, sizeof src, "pc.s", "        .entry start\nstart:  NOP\npc:     HALT\n");
    snprintf(cmds, sizeof cmds, "load %s; assert pc == 1 && $pc == 0", src);
    mon_shows(cmds, "loaded", NULL);
}

/* 'help console' said 'set console off' stops keys typed during a run
 * from reaching the guest; it stops only the live copy of the output, and
 * the keys still go to the guest, as docs/monitor.md says. */
static void console_off__typed_keys_still_reach_the_guest(void **state)
{
    (void)state;
    mon_shows("help console", "('set console\noff' stops that), and keys typed at the "
                              "terminal are queued as its input\n(with the console off too)",
              "to stop that");
    pt_put_file("echo.s", "        .entry start\n"
                          "start:  CIN   ch\n"
                          "        BEQ   ch, none, start\n"
                          "        COUT  ch\n"
                          "        HALT\n"
                          "none:   .word -1\n"
                          "ch:     .word 0\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "set console off; load echo.s; go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_type(&s, "q");
    pt_expect(&s, "halted after");
    pt_expect(&s, "1 typed byte queued as console input of bare");
    pt_type(&s, "console\r");
    pt_expect(&s, "\nq");
    pt_quit(&s);
}

/* After a trap, E[0] holds the old PSW with its cause; 'deposit psw E[0]'
 * (going back to the trapped program, as the supervisor's LPSW would) was
 * refused with "a PSW to load has no cause bits".  It loads as LPSW does. */
static void deposit_psw__loads_an_old_psw_as_lpsw_does(void **state)
{
    (void)state;
    mon_shows("load examples/supervisor.s; break trap svc; go; deposit psw E[0]; "
              "assert M == user && P == 4 && l == 0x1000 && b == 0x40; regs",
              "PSW   0000020100000040  u I=0 P=0x00004 l=0x01000 b=0x00040", NULL);
}

/* 'help vm create' (QEMU's 'help info' habit) and 'help x/4i', as a
 * command is typed, were usage errors and unknown commands. */
static void help__takes_the_command_as_it_is_typed(void **state)
{
    (void)state;
    mon_shows("help vm create", "  vm create NAME WORDS [FILE]  allocate a region", NULL);
    mon_shows("help x/4i", "usage: examine[/NF]", NULL);
    mon_shows("help p/x", "usage: print[/F] EXPR", NULL);
    cs_mon_fails("help stpe now", "help: unknown command 'stpe' (did you mean 'step'?)");
}

/* A snapshot given to 'load' or 'tgm run' was "bad magic (not a tgm
 * image)", and an image given to 'restore' "not a tgm snapshot", with no
 * word of which command reads the file. */
static void snapshot_and_image__each_reader_names_the_other(void **state)
{
    (void)state;
    char snap[CS_PATH], img[CS_PATH], cmds[3 * CS_PATH];
    cs_tmp_path(snap, sizeof snap, "lab.snap");
    cs_tmp_path(img, sizeof img, "hello.img");
    snprintf(cmds, sizeof cmds, "load examples/hello.s; save %s", snap);
    mon_shows(cmds, "", NULL);
    cs_tgm_prints("", "as", CS_ARGV("examples/hello.s", "-o", img));
    const char *why = "offset 0: bad magic (not a tgm image but a monitor snapshot: the "
                      "monitor's 'restore' reads it)";
    char want[CS_PATH + 160];
    snprintf(want, sizeof want, "load: %s: %s", snap, why);
    snprintf(cmds, sizeof cmds, "load %s", snap);
    cs_mon_fails(cmds, want);
    snprintf(want, sizeof want, "tgm: run: %s: %s", snap, why);
    cs_tgm_fails(2, want, "run", CS_ARGV(snap));
    snprintf(want, sizeof want, "restore: %s: not a tgm snapshot but a guest image ('load' "
                                "reads it)", img);
    snprintf(cmds, sizeof cmds, "restore %s", img);
    cs_mon_fails(cmds, want);
    /* any other file is neither */
    cs_mon_fails("restore examples/hello.s", "restore: examples/hello.s: not a tgm snapshot\n");
}

/* 'x/0i 0' said "bad count in '/0i'" where 'examine 0 0' says why, and
 * 'print/4x' (gdb's x habit) "bad count" with no word of what is wrong. */
static void slash_counts__say_what_is_wrong(void **state)
{
    (void)state;
    cs_mon_fails("x/0i 0", "examine: a count of 0 words shows nothing (give 1 or more)");
    cs_mon_fails("print/4x 1", "print: '/4x': a count is for examine (x/4x); this shows one "
                               "value");
    cs_mon_fails("display/2d 1", "display: '/2d': a count is for examine (x/2d)");
    cs_mon_fails("x/-1x 0", "examine: bad count in '/-1x'");
    mon_shows("x/2d 0", "  0x00001              0\n", NULL);
}

/* 'tgm check --input' gives a guest that reads the console its input; the
 * monitor's 'check' had no way to, so a guest that waits for a key ran to
 * the step limit and was "NOT equivalent". */
static void check__input_as_tgm_check_gives_it(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(src, sizeof src, "echo.s", "        .entry start\n"
                                           "start:  CIN   ch\n"
                                           "        BEQ   ch, none, start\n"
                                           "        COUT  ch\n"
                                           "        BNE   ch, nl, start\n"
                                           "        HALT\n"
                                           "none:   .word -1\n"
                                           "nl:     .word '\\n'\n"
                                           "ch:     .word 0\n");
    cs_tgm_prints("equivalent (alone)", "check", CS_ARGV("--input", "ab\n", src));
    snprintf(cmds, sizeof cmds, "check %s input \"ab\\n\"", src);
    mon_shows(cmds, "EQUIVALENT\n  bare halted; alone under the CP halted\n", NULL);
    snprintf(cmds, sizeof cmds, "check %s input ab steps 1000", src);
    cs_mon_fails(cmds, "check: not equivalent under the control program");
    snprintf(cmds, sizeof cmds, "check %s input a input b", src);
    cs_mon_fails(cmds, "check: 'input' given twice");
    snprintf(cmds, sizeof cmds, "check %s input \"\\q\"", src);
    cs_mon_fails(cmds, "check: unknown escape '\\q'");
}

/* A guest with no trap handler (the commonest first mistake: E[1] left 0)
 * spins through memory traps; the monitor stops it as a disabled wait, but
 * 'tgm run' ran it to the step limit and then advised raising the limit. */
static void run__a_trap_loop_is_no_reason_to_raise_the_limit(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "nohandler.s", "        .entry start\nstart:  SVC 1\n"
                                                "        HALT\n");
    const char *loop = "step limit of 1000 reached before HALT in a trap loop (each step "
                       "takes a memory trap and E[1] loads the same PSW: a disabled wait), "
                       "which no limit ends; give E[1] a trap handler";
    char want[256];
    snprintf(want, sizeof want, "tgm: run: %s", loop);
    cs_tgm_fails(3, want, "run", CS_ARGV("--max-steps", "1000", src));
    snprintf(want, sizeof want, "tgm: run: vm0: %s", loop);
    cs_tgm_fails(3, want, "run", CS_ARGV("--vmm", "--max-steps", "1000", src));
    /* a loop that may still end keeps the advice */
    cs_tgm_fails(3, "tgm: run: step limit of 10 reached before HALT (raise it with "
                    "--max-steps N, or 0 for none)", "run",
                 CS_ARGV("--max-steps", "10", "examples/sum.s"));
    /* and 'tgm check', whose verdict it is */
    struct cs_outcome o = cs_run_tgm("check", "--max-steps", "1000", src, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "alone: the bare machine did not halt within "));
    assert_non_null(strstr(o.out, ": it is in a trap loop (each step takes a memory trap and "
                                  "E[1] loads the same PSW: a disabled wait)\n"));
    cs_outcome_free(&o);
    /* the monitor says the same of the same machine */
    char cmds[CS_PATH + 32];
    snprintf(cmds, sizeof cmds, "load %s; go", src);
    mon_shows(cmds, "trap loop after 100000 steps (a disabled wait): each step takes a memory "
                    "trap and E[1] loads the same PSW", NULL);
}

/* Stepping the time-sharing OS (docs/os.md), the kernel's trap entry at
 * 0xd was shown as 'tc_text', a label of the tock process assembled in a
 * .phase at 0: its value is an address the relocated process sees, not
 * the kernel's word. */
static void phased_labels__do_not_name_the_words_of_the_image(void **state)
{
    (void)state;
    mon_shows("load examples/os/os.s; break trap; x/1i trap; symbols tc_te",
              "breakpoint 1 at 0xd trap\n"
              "  0x0000d trap         BLT    ", NULL);
    mon_shows("load examples/os/os.s; symbols tc_te", "  0x0000d  tc_text  (phased)\n", NULL);
    mon_shows("load examples/os/os.s; break trap; go", "stopped at 0xd trap after", "tc_text");
    /* a phased label still works in an expression, and a snapshot keeps its kind */
    char snap[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_tmp_path(snap, sizeof snap, "os.snap");
    snprintf(cmds, sizeof cmds, "load examples/os/os.s; assert tc_text == trap; save %s; "
                                "reset; restore %s; x/1i 0xd; symbols tc_te", snap, snap);
    mon_shows(cmds, "  0x0000d trap         BLT    ", NULL);
    mon_shows(cmds, "  0x0000d  tc_text  (phased)\n", NULL);
}

/* Two VMs printing in short slices, shown live: when both had written since
 * the last look, the second VM's bytes went on the first one's line with
 * no 'NAME| ' ("a| ehe"), so the screen mixed two guests' output. */
static void live_console__each_vms_bytes_stay_on_its_own_lines(void **state)
{
    (void)state;
    static const char *const cmds[] = {
        "vm create a 100 examples/hello.s; vm create b 100 examples/hello.s; set slice 20; "
        "vm select a; break loop if E[i] == 99; go",
        "vm create a 100 examples/hello.s; vm create b 100 examples/hello.s; set slice 20; "
        "vm select a; watch i if E[i] == 99; go",
        "vm create a 100 examples/hello.s; vm create b 100 examples/hello.s; set slice 20; go",
    };
    for (size_t k = 0; k < sizeof cmds / sizeof cmds[0]; k++) {
        struct cs_outcome o = cs_mon(cmds[k]);
        assert_int_equal(o.status, 0);
        char got[2][64] = {"", ""};
        const char *run = strstr(o.out, "\na| "), *run_b = strstr(o.out, "\nb| ");
        const char *end = strstr(o.out, "no VM is runnable");
        assert_non_null(run);
        assert_non_null(end);
        if (run_b && run_b < run)
            run = run_b;
        /* every line of the run is one VM's, and each VM's lines are its output */
        for (const char *l = run + 1; l < end; l = strchr(l, '\n') + 1) {
            size_t n = strcspn(l, "\n");
            if (n < 3 || (l[0] != 'a' && l[0] != 'b') || strncmp(l + 1, "| ", 2) != 0)
                fail_msg("'%s': a line of the run that is no VM's: \"%.*s\"", cmds[k], (int)n,
                         l);
            strncat(got[l[0] - 'a'], l + 3, n - 3);
        }
        assert_string_equal(got[0], "hello, world");
        assert_string_equal(got[1], "hello, world");
        cs_outcome_free(&o);
    }
}

/* An expression cut short at the end of the line said "missing ']' near
 * ''", and E(i), the habit of other tools, "unknown name 'E'". */
static void expressions__say_what_is_missing_where(void **state)
{
    (void)state;
    cs_mon_fails("load examples/hello.s; print E[i", "print: missing ']' at the end\n");
    cs_mon_fails("print (1+2", "print: missing ')' at the end\n");
    cs_mon_fails("print psw(1, 2", "print: missing ')' at the end\n");
    cs_mon_fails("load examples/hello.s; print E[i x", "print: missing ']' near 'x'\n");
    cs_mon_fails("load examples/hello.s; print E(i)", "print: E takes brackets: E[ADDR]\n");
    cs_mon_fails("assert V(0) == 0", "assert: V takes brackets: V[ADDR]\n");
}

/* 'tgm analyze pdp10' (the profile without --profile) was "unexpected
 * argument 'pdp10'", with no word of how to give it. */
static void analyze_isa_counterexample__a_profile_operand_says_how_to_give_it(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: analyze: unexpected argument 'pdp10' (a profile is given as "
                    "--profile pdp10)\n", "analyze", CS_ARGV("pdp10"));
    cs_tgm_fails(2, "tgm: counterexample: unexpected argument 'all' (a profile is given as "
                    "--profile all)\n", "counterexample", CS_ARGV("all"));
    cs_tgm_fails(2, "tgm: isa: unexpected argument 'x86' (a profile is given as "
                    "--profile x86)\n", "isa", CS_ARGV("x86"));
    cs_tgm_fails(2, "tgm: isa: unexpected argument 'all' (it takes options only; try 'tgm "
                    "isa --help')\n", "isa", CS_ARGV("all"));
    cs_tgm_fails(2, "tgm: analyze: unexpected argument 'extra' (it takes options only; try "
                    "'tgm analyze --help')\n", "analyze", CS_ARGV("--profile", "x86", "extra"));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_lab");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(live_console__hits_that_pass_do_not_break_the_guests_lines),
        cmocka_unit_test(check__says_when_it_runs_on_another_profile_than_the_bare_machine),
        cmocka_unit_test(ex__is_examine_as_in_simh),
        cmocka_unit_test(deposit__a_bound_out_of_range_is_shown_as_typed),
        cmocka_unit_test(trace__tab_offers_files_only_after_to),
        cmocka_unit_test(arguments_in_the_wrong_order_get_the_order),
        cmocka_unit_test(history__its_first_column_is_the_cycle_count),
        cmocka_unit_test(show__one_setting_as_set_lists_it),
        cmocka_unit_test(pc__is_p_as_in_gdb),
        cmocka_unit_test_setup_teardown(console_off__typed_keys_still_reach_the_guest,
                                        pt_setup, pt_teardown),
        cmocka_unit_test(deposit_psw__loads_an_old_psw_as_lpsw_does),
        cmocka_unit_test(help__takes_the_command_as_it_is_typed),
        cmocka_unit_test(snapshot_and_image__each_reader_names_the_other),
        cmocka_unit_test(slash_counts__say_what_is_wrong),
        cmocka_unit_test(check__input_as_tgm_check_gives_it),
        cmocka_unit_test(run__a_trap_loop_is_no_reason_to_raise_the_limit),
        cmocka_unit_test(phased_labels__do_not_name_the_words_of_the_image),
        cmocka_unit_test(live_console__each_vms_bytes_stay_on_its_own_lines),
        cmocka_unit_test(expressions__say_what_is_missing_where),
        cmocka_unit_test(analyze_isa_counterexample__a_profile_operand_says_how_to_give_it),
    };
    return cmocka_run_group_tests_name("lab", tests, group_setup, group_teardown);
}
