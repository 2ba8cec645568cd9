/* test_doc_contract_b.c: places where the monitor did not do what
 * docs/monitor.md, docs/vmm.md, docs/os.md or docs/recursion.md say; each
 * test fails on the tree before its fix.  The last ones, from the
 * console's newline on, are of behaviours the docs came to state later
 * (of them only 'exit' after a failed 'do' needed a fix).
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

/* CMDS succeed and the output does not hold UNWANTED. */
static void mon_lacks(const char *cmds, const char *unwanted)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0 || strstr(o.out, unwanted))
        fail_msg("'%s': status %d, output \"%s\" holds \"%s\"; stderr \"%s\"", cmds, o.status,
                 o.out, unwanted, o.err);
    cs_outcome_free(&o);
}

/* A count of 2^64 - 1 was "count -1 is negative", and -5 words was
 * "18446744073709551611 words": a value is shown as it was written. */
static void numbers__shown_as_written(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; step; rstep 18446744073709551615",
                 "rstep: count 18446744073709551615 is out of range (0..9223372036854775807)");
    cs_mon_fails("step 0xffffffffffffffff", "count 18446744073709551615 is out of range");
    cs_mon_fails("go for 18446744073709551615", "count 18446744073709551615 is out of range");
    cs_mon_fails("rstep -1", "count -1 is negative");
    cs_mon_fails("set memory -5", "set: -5 words is out of range (2..524288)");
    cs_mon_fails("exit 18446744073709551615", "status 18446744073709551615 is out of range");
    cs_mon_fails("nest -1 examples/sum.s", "-1 levels is out of range (1..16)");
    cs_mon_fails("vm create a -1", "vm: -1 words is out of range (2..524280)");
    cs_mon_fails("vm create a 18446744073709551615",
                 "vm: 18446744073709551615 words is out of range");
    cs_mon_fails("check examples/sum.s mem -1", "mem: -1 words is out of range");
    cs_mon_fails("watch 0 -1", "watch: count -1 is out of range (1..65536)");
    /* gdb's x/NF: a count is digits (strtoull took -1 for 2^64 - 1) */
    cs_mon_fails("x/-1x 0", "examine: bad count in '/-1x'");
}

/* 'info display' is 'display' (docs/monitor.md), which says when there is
 * none; 'info display' said nothing. */
static void info__display_is_display(void **state)
{
    (void)state;
    cs_mon_prints("info display", "no display expressions");
}

/* 'history 0' said "no instructions executed yet" after steps. */
static void history__zero_is_not_no_history(void **state)
{
    (void)state;
    mon_lacks("load examples/sum.s; step 2; history 0", "no instructions executed yet");
    cs_mon_prints("load examples/sum.s; history", "no instructions executed yet");
}

/* 'vm stats' with no VM said nothing, where 'vm list' says "no VMs". */
static void vm__stats_without_vms_says_so(void **state)
{
    (void)state;
    cs_mon_prints("vm stats", "no VMs");
}

/* 'step' in a VM "shows what the control program did for it": it showed
 * the traps of another VM that ran first as if they were this one's. */
static void step__shows_only_the_focused_vms_traps(void **state)
{
    (void)state;
    /* hello.s traps to the CP (COUT); sum.s's first step does not */
    mon_lacks("vm create a 4096 examples/hello.s; vm create b 4096 examples/sum.s; step",
              "cp: privileged trap");
    cs_mon_prints("vm create a 4096 examples/hello.s; vm create b 4096 examples/sum.s; "
                  "vm select a; step 5",
                  "cp: privileged trap -> interpreted");
}

/* "only a label names an address in examine, break list and the like"
 * (docs/monitor.md): 'break list' showed none, though 'break' did. */
static void break__list_names_the_labels(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; break loop; watch total; break list",
                  "watchpoint 2 on 0xd..0xd total\n"
                  "  1  break  0x4 loop  hits 0\n"
                  "  2  watch  write 0xd..0xd total  hits 0\n");
    cs_mon_prints("vm create a 4096 examples/sum.s; break loop; break list",
                  "  1  break  0x4 loop [a]  hits 0\n");
}

/* The usage says 'examine ... ADDR [COUNT|..END]': '..END' as a word of
 * its own was "unknown name '..3'"; only 'ADDR..END' in one word worked. */
static void examine__end_as_its_own_word(void **state)
{
    (void)state;
    cs_mon_prints("load examples/hello.s; x -d 1 ..2",
                  "  0x00001              -9223367089051926528\n"
                  "  0x00002 start        1297039441461772288\n");
    cs_mon_fails("load examples/hello.s; x/2x 0 ..3", "a count after '/' and a COUNT or ..END");
}

/* A VM stopped at its step limit: 'vm resume' said "a: runnable" and the
 * next 'go' ran it 0 steps; raising the limit left it stopped for good. */
static void vm__limit_raised_runs_on(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 4096 examples/sum.s; vm limit a 5; go; vm resume a",
                 "vm: a has taken the 5 steps of its limit ('vm limit a N' raises it)");
    cs_mon_prints("vm create a 4096 examples/sum.s; vm limit a 5; go; vm limit a 10; go; "
                  "assert steps == 10; vm limit a 0; go; assert halted && steps == 53",
                  "a: runnable\nno VM is runnable after 5 steps");
    /* a load keeps the counters: the VM stays at its limit, and says so */
    cs_mon_prints("vm create a 4096 examples/sum.s; vm limit a 5; go; vm load a examples/sum.s; "
                  "vm list",
                  "*  0 a            step limit ");
}

/* 'vm destroy' and 'reset all' took the VM's breakpoints silently, where
 * 'set memory' says which go. */
static void vm__destroy_says_which_breakpoints_go(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 4096 examples/sum.s; break 5; watch 7; vm create b 100; break 3; "
                  "vm destroy a; break list",
                  "breakpoint 1 deleted: its VM is gone\n"
                  "watchpoint 2 deleted: its VM is gone\n"
                  "a destroyed; its region is free\n"
                  "  3  break  0x3 [b]  hits 0\n");
    cs_mon_prints("vm create a 100; break 3; reset all",
                  "breakpoint 1 deleted: its VM is gone\nbare machine reset");    /* a snapshot without breakpoints and without the VM: likewise */
    char snap[CS_PATH], cmds[1024];
    cs_tmp_path(snap, sizeof snap, "bare.snap");
    snprintf(cmds, sizeof cmds,
             "save %s nobreaks; vm create a 100; break 5; vm select bare; break 6; restore %s; "
             "break list",
             snap, snap);
    cs_mon_prints(cmds, "breakpoint 1 deleted: its VM is not in the snapshot\nrestored ");
}

/* A 'vm' subcommand with too many words got the usage of all of 'vm'
 * rather than its own, as it does with too few. */
static void vm__too_many_words_give_the_subcommands_usage(void **state)
{
    (void)state;
    cs_mon_fails("vm create a 100 examples/sum.s extra", "vm: usage: vm create NAME WORDS [FILE]");
    cs_mon_fails("vm create a 100; vm limit a 1 2 3 4", "vm: usage: vm limit NAME N");
}

/* A run with VMs stopped by the step limit or 'for N' reported the selected
 * VM even when only another ran ("b: step limit (10) reached" at b's
 * entry); Ctrl-C already reported each VM that ran. */
static void go__a_stop_names_the_vms_that_ran(void **state)
{
    (void)state;
    static const char two[] = "vm create a 4096 examples/sum.s; vm create b 4096 examples/sum.s; ";
    char cmds[256];
    snprintf(cmds, sizeof cmds, "%sset limit 10; go", two);
    cs_mon_prints(cmds, "\na: step limit (10) reached: s I=0 P=0x00007 ");
    snprintf(cmds, sizeof cmds, "%sgo for 4", two);
    cs_mon_prints(cmds, "\na: stopped after 4 steps, ");
    snprintf(cmds, sizeof cmds, "%sset slice 3; go for 4", two);
    cs_mon_prints(cmds, "\nb: stopped: s I=0 ");
    /* the end, no VM runnable: each that ran, with its state */
    snprintf(cmds, sizeof cmds, "%svm stop b; vm select b; go", two);
    cs_mon_prints(cmds, "no VM is runnable after 53 steps\na: halted: ");
    snprintf(cmds, sizeof cmds, "%sgo", two);
    cs_mon_prints(cmds, "\n  0x00009 stop         HALT\nb: halted: ");
}

static void assert_same_file(const char *a, const char *b)
{
    size_t na, nb;
    char *ta = cs_slurp(a, &na), *tb = cs_slurp(b, &nb);
    if (na != nb || memcmp(ta, tb, na) != 0)
        fail_msg("%s and %s differ", a, b);
    free(ta);
    free(tb);
}

/* The timeline after going back and forth: the undone events stayed and
 * came again, on a track of their own (the VM's cycles went backwards, so
 * it was taken for a new VM in the same id).  Now the picture is that of
 * the run without the detour, byte for byte. */
static void timeline__reverse_execution_leaves_no_trace(void **state)
{
    (void)state;
    static const char start[] =
        "set console off; timeline on; vm create a 4096 examples/hello.s; "
        "vm create b 4096 examples/supervisor.s; set slice 50; vm select b; go; ";
    char plain[CS_PATH], detour[CS_PATH], cmds[2048];
    cs_tmp_path(plain, sizeof plain, "plain.json");
    cs_tmp_path(detour, sizeof detour, "detour.json");
    snprintf(cmds, sizeof cmds, "%stimeline %s", start, plain);
    cs_mon_prints(cmds, "213 events written");
    snprintf(cmds, sizeof cmds, "%srstep 300; rcontinue; go for 7; rcontinue; go; timeline %s",
             start, detour);
    cs_mon_prints(cmds, "213 events written");
    assert_same_file(plain, detour);
    /* 'restore' of an earlier snapshot goes back likewise */
    char snap[CS_PATH];
    cs_tmp_path(snap, sizeof snap, "early.snap");
    snprintf(cmds, sizeof cmds,
             "set console off; timeline on; vm create a 4096 examples/hello.s; timeline %s; "
             "go for 30; save %s; go; restore %s; go; timeline %s",
             plain, snap, snap, detour);
    cs_mon_prints(cmds, "14 events written");
    snprintf(cmds, sizeof cmds,
             "set console off; timeline on; vm create a 4096 examples/hello.s; go; timeline %s",
             plain);
    cs_mon_prints(cmds, "14 events written");
    assert_same_file(plain, detour);
    /* 'reset all' ends the control program, its clock and its events */
    snprintf(cmds, sizeof cmds,
             "set console off; timeline on; vm create a 4096 examples/supervisor.s; go; "
             "reset all; vm create a 4096 examples/hello.s; go; timeline %s",
             detour);
    cs_mon_prints(cmds, "14 events written");
    assert_same_file(plain, detour);
}

/* 'set ring N' after a run emptied the ring, and 'history' then said "no
 * instructions executed yet"; the newest entries now stay. */
static void set__ring_keeps_the_newest_entries(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go; set ring 2; history",
                  "halted after 53 steps: s I=0 P=0x0000a l=0x00000 b=0x80000\n"
                  "  0x00009 stop         HALT\n"
                  "       122 s I=0 P=0x00008 l=0x00000 b=0x80000  BNE    i, n, loop\n"
                  "       123 s I=0 P=0x00009 l=0x00000 b=0x80000  HALT\n");
}

/* Inside double quotes \\ is a backslash (mon_split), but the ';' splitter
 * took the '"' after it for an escaped quote: 'console input "\\\\"; echo
 * after' ran as one command and failed with a usage error. */
static void line__a_backslash_before_the_closing_quote(void **state)
{
    (void)state;
    cs_mon_prints("console input \"\\\\\\\\\"; echo after", "after\n");
    cs_mon_prints("echo \"x\\\"; y\"; echo z", "x\"; y\nz\n"); /* echo unquotes */
}

/* 'rstep' in a breakpoint's commands said "the machine was changed since it
 * last ran; its history is gone", which was not so: the run is under way. */
static void rstep__in_breakpoint_commands_says_why_not(void **state)
{
    (void)state;
    cs_mon_fails("load examples/sum.s; break loop do \"rstep 2\"; go",
                 "rstep: not in a breakpoint's commands: the run that stopped there is still "
                 "under way");
    cs_mon_fails("vm create a 4096 examples/sum.s; break loop do \"rcontinue\"; go",
                 "rcontinue: not in a breakpoint's commands");
}

/* The monitor's 'check' took at most 8 images where 'tgm check' takes as
 * many as the control program has VMs. */
static void check__as_many_images_as_tgm_check(void **state)
{
    (void)state;
    char cmds[1024] = "check examples/sum.s mem 1024 with";
    for (int k = 0; k < 11; k++)
        strcat(cmds, " examples/sum.s");
    struct cs_outcome o = cs_mon(cmds);
    size_t seen = 0;
    for (const char *p = o.out; (p = strstr(p, "check examples/sum.s: EQUIVALENT")); p++)
        seen++;
    if (o.status != 0 || seen != 12)
        fail_msg("status %d, %zu equivalent; stderr \"%s\"", o.status, seen, o.err);
    cs_outcome_free(&o);
}

/* A program loaded over a stack built with 'nest' left 'stack' showing the
 * levels, their control programs overwritten, when it did not reach the
 * words the check of the layout looks at. */
static void nest__a_load_ends_the_stack(void **state)
{
    (void)state;
    cs_mon_fails("nest 1 examples/sum.s; load examples/hello.s; stack",
                 "stack: no stack: build one with 'nest N FILE'");
    cs_mon_prints("set on-error continue; nest 1 examples/sum.s; load nosuch.s; stack",
                  "level 1  CP at 0x00000");
}

/* 'check ... profile P' did not name the known profiles, as 'set profile'
 * does. */
static void check__an_unknown_profile_lists_the_known(void **state)
{
    (void)state;
    cs_mon_fails("check examples/sum.s profile bogus",
                 "check: unknown profile 'bogus' (known: virtualizable pdp10 ");
}

/* '$NAME' always means a built-in: an unknown one was reported without its
 * '$' ("unknown name 'foo'"), as if a label foo had been looked up. */
static void print__an_unknown_builtin_keeps_its_dollar(void **state)
{
    (void)state;
    cs_mon_fails("print $foo", "print: unknown name '$foo'");
    cs_mon_fails("print $", "print: unknown name '$'");
}

/* 'stop' said "a stopped" of a VM that had halted and stayed so ('vm stop'
 * says the state). */
static void stop__says_the_state_the_vm_is_in(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 4096 examples/sum.s; go; stop; vm list",
                  "\na: halted\n  id name ");
    cs_mon_prints("vm create a 4096 examples/sum.s; stop a", "\na: stopped\n");
}

/* print/c gave "0xa (not a printable character)" where 'examine -c'
 * escapes a character: one escaping for both, 'step''s console line too. */
static void print__a_character_escaped_as_examine_does(void **state)
{
    (void)state;
    cs_mon_prints("p/c 10; p/c 1; p/c 0x12c; p/c 39; p/c 'A'",
                  "'\\n'\n'\\x01'\n'\\x{12c}'\n'\\''\n'A'\n");
    cs_mon_prints("deposit 100 10 1 0x12c 34; x -c 100 4",
                  "  0x00064: \"\\n\\x01\\x{12c}\\\"\"\n");
}

/* docs/monitor.md: output that does not end in a newline gets one from
 * the monitor before its next line and after 'console', and a VM's
 * unfinished line is ended before another VM's "NAME| " line. */
static void console__the_monitor_ends_a_line_the_guest_left_open(void **state)
{
    (void)state;
    char a[CS_PATH], b[CS_PATH], cmds[2 * CS_PATH + 128];
    const char *loop = "        .entry start\n        .org 2\n"
                       "start:  COUT ch\n        ADD n, n, m1\n        BZ n, done\n"
                       "        JMP start\ndone:   HALT\n"
                       "ch:     .word %d\nn:      .word 3\nm1:     .word -1\n";
    char text[256];
    snprintf(text, sizeof text, loop, 'A');
    cs_write_text(a, sizeof a, "open-a.s", text);
    snprintf(text, sizeof text, loop, 'B');
    cs_write_text(b, sizeof b, "open-b.s", text);
    snprintf(cmds, sizeof cmds, "load %s; go", a);
    cs_mon_prints(cmds, "AAA\nhalted after 12 steps");
    snprintf(cmds, sizeof cmds, "load %s; set console off; go; console; echo x", a);
    cs_mon_prints(cmds, "HALT\nAAA\nx\n");
    snprintf(cmds, sizeof cmds, "vm create a 4096 %s; vm create b 4096 %s; go", a, b);
    cs_mon_prints(cmds, "a| AAA\nb| BBB\nno VM is runnable");
    remove(a);
    remove(b);
}

/* docs/monitor.md: a call 'next' runs through shows its output live (so
 * 'set console off' hides it), an instruction it steps as 'step' does. */
static void next__a_call_run_through_writes_live(void **state)
{
    (void)state;
    char f[CS_PATH], cmds[CS_PATH + 128];
    cs_write_text(f, sizeof f, "call.s",
                  "        .entry start\n        .org 2\nstart:  JAL link, f\n"
                  "        COUT c2\n        HALT\nf:      COUT ch\n        JMPI link\n"
                  "link:   .word 0\nch:     .word 65\nc2:     .word 66\n");
    snprintf(cmds, sizeof cmds, "load %s; next; next", f);
    cs_mon_prints(cmds, "5 symbols; entry P=0x2 M=s\nA\ncall returned after 3 steps");
    cs_mon_prints(cmds, "0x00004 l=0x00000 b=0x80000\n    console <- \"B\"\n");
    snprintf(cmds, sizeof cmds, "load %s; set console off; next; console", f);
    cs_mon_prints(cmds, "5 symbols; entry P=0x2 M=s\ncall returned after 3 steps");
    cs_mon_prints(cmds, "COUT   c2\nA\n");
    snprintf(cmds, sizeof cmds, "load %s; step; finish", f);
    cs_mon_prints(cmds, "A\nreturned after 2 steps");
    snprintf(cmds, sizeof cmds, "load %s; step; set console off; finish", f);
    mon_lacks(cmds, "A\n");
    remove(f);
}

/* docs/monitor.md: a failure that ends a script run by 'do' is the failed
 * 'do''s, which its caller's on-error counts or ignores: 'exit' with no N
 * then says what the session's end would (it said 1 after a 'continue'
 * had ignored it, where the end said 0). */
static void exit__a_failed_do_the_caller_ignored_does_not_count(void **state)
{
    (void)state;
    char in[CS_PATH], out[CS_PATH];
    cs_write_text(in, sizeof in, "inner.mon", "set on-error stop\nassert 1 == 2\n");
    static const struct {
        const char *mode, *end;
        int status;
    } cases[] = {{"continue", "exit\n", 0}, {"continue", "", 0}, {"continue", "exit 3\n", 3},
                 {"finish", "exit\n", 1}, {"finish", "", 1}, {"stop", "exit\n", 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[CS_PATH + 128];
        snprintf(text, sizeof text, "set on-error %s\ndo %s\necho back\n%s", cases[i].mode,
                 in, cases[i].end);
        cs_write_text(out, sizeof out, "outer.mon", text);
        struct cs_outcome o = cs_run_tgm("monitor", "-f", out, NULL);
        if (o.status != cases[i].status)
            fail_msg("on-error %s, then '%s': status %d, not %d", cases[i].mode, cases[i].end,
                     o.status, cases[i].status);
        cs_outcome_free(&o);
    }
    remove(in);
    remove(out);
}

/* docs/monitor.md: a log reopened on its file replaces it; a 'set' in a
 * breakpoint's list is the session's. */
static void log__replaces_and_a_lists_set_is_the_sessions(void **state)
{
    (void)state;
    char out[CS_PATH], cmds[2 * CS_PATH + 96];
    cs_tmp_path(out, sizeof out, "session.log");
    snprintf(cmds, sizeof cmds, "log %s; echo one; log off; log %s; echo two; log off", out,
             out);
    struct cs_outcome l = cs_mon_ok(cmds);
    cs_outcome_free(&l);
    char *text = cs_slurp(out, NULL);
    assert_non_null(text);
    assert_null(strstr(text, "one"));
    assert_non_null(strstr(text, "two\n"));
    free(text);
    remove(out);
    /* a 'set' in a breakpoint's list is the session's */
    cs_write_text(out, sizeof out, "bpset.mon",
                  "load examples/sum.s\nbreak 3 do \"set on-error continue\"\ngo\n"
                  "assert 1 == 2\necho still\n");
    struct cs_outcome o = cs_run_tgm("monitor", "-f", out, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\nstill\n"));
    cs_outcome_free(&o);
    remove(out);
}

/* docs/monitor.md: 'reset' and 'restore' empty the history ring, 'load'
 * keeps it; a breakpoint set after a restore is numbered on from the
 * session's; a VM's 'vm limit' and its steps towards it are in a snapshot. */
static void restore__the_ring_the_numbers_and_the_vm_limit(void **state)
{
    (void)state;
    char snap[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_tmp_path(snap, sizeof snap, "ring.snap");
    const char *none = "no instructions executed yet";
    cs_mon_prints("load examples/sum.s; step 3; reset; history", none);
    mon_lacks("load examples/sum.s; step 3; load examples/sum.s; history", none);
    snprintf(cmds, sizeof cmds, "load examples/sum.s; step 3; save %s; restore %s; history",
             snap, snap);
    cs_mon_prints(cmds, none);
    snprintf(cmds, sizeof cmds,
             "load examples/sum.s; break 3; break 4; save %s; break 5; break 6; restore %s; "
             "break 7",
             snap, snap);
    cs_mon_prints(cmds, "breakpoint 5 at 0x7\n");
    snprintf(cmds, sizeof cmds,
             "vm create a 4096 examples/hello.s; vm limit a 10; go for 3; save %s; "
             "vm limit a 0; restore %s; go",
             snap, snap);
    cs_mon_prints(cmds, "no VM is runnable after 7 steps\na: step limit:");
    remove(snap);
}

/* docs/monitor.md: 'vm limit' at or below the steps a VM has taken stops
 * it before its next; raised, it runs on. */
static void vm_limit__at_or_below_the_steps_taken(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 4096 examples/hello.s; go for 10; vm limit a 5; go",
                  "no VM is runnable after 0 steps\na: step limit:");
    cs_mon_prints("vm create a 4096 examples/hello.s; go for 10; vm limit a 10; go; "
                  "vm limit a 12; go",
                  "no VM is runnable after 2 steps\na: step limit:");
}

/* docs/monitor.md: breakpoints at one address are looked at in number
 * order: a false condition is not counted, an ignore count counts and
 * passes, the first that does neither stops, counts and runs its list,
 * and those after it are not looked at. */
static void break__several_at_one_address(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; break 4 if 0; break 4; go; break list",
                  "  1  break  0x4 loop  hits 0  if 0\n  2  break  0x4 loop  hits 1\n");
    cs_mon_prints("load examples/sum.s; break 4 ignore 1; break 4; go; break list",
                  "  1  break  0x4 loop  hits 1\n  2  break  0x4 loop  hits 1\n");
    cs_mon_prints("load examples/sum.s; break 4 do \"echo a\"; break 4 do \"echo b\"; go; "
                  "echo -; break list",
                  "a\nstopped at 0x4 loop after 2 steps, 2 cycles: s I=0 P=0x00004 l=0x00000 "
                  "b=0x80000\n  0x00004 loop         LDX    x, table, i\n-\n"
                  "  1  break  0x4 loop  hits 1  do \"echo a\"\n"
                  "  2  break  0x4 loop  hits 0  do \"echo b\"\n");
}

/* docs/monitor.md: a display expression that cannot be evaluated when
 * given is refused and not kept; the K/M/G hint is for a decimal number. */
static void expr__a_failed_display_and_the_size_hint(void **state)
{
    (void)state;
    cs_mon_fails("display 1/0", "display: division by zero\n");
    cs_mon_prints("set on-error continue; display 1/0; display E[999999]; display",
                  "no display expressions ('display EXPR' adds one)\n");
    /* and the K/M/G hint is for a decimal number */
    cs_mon_fails("set memory 0x10K", "set: bad number near '0x10K'\n");
    cs_mon_fails("set memory 16K", "set: bad number near '16K' (no K or M suffix here: 16K is "
                                   "16384)\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers__shown_as_written),
        cmocka_unit_test(info__display_is_display),
        cmocka_unit_test(history__zero_is_not_no_history),
        cmocka_unit_test(vm__stats_without_vms_says_so),
        cmocka_unit_test(step__shows_only_the_focused_vms_traps),
        cmocka_unit_test(break__list_names_the_labels),
        cmocka_unit_test(examine__end_as_its_own_word),
        cmocka_unit_test(vm__limit_raised_runs_on),
        cmocka_unit_test(vm__destroy_says_which_breakpoints_go),
        cmocka_unit_test(vm__too_many_words_give_the_subcommands_usage),
        cmocka_unit_test(go__a_stop_names_the_vms_that_ran),
        cmocka_unit_test(timeline__reverse_execution_leaves_no_trace),
        cmocka_unit_test(set__ring_keeps_the_newest_entries),
        cmocka_unit_test(line__a_backslash_before_the_closing_quote),
        cmocka_unit_test(rstep__in_breakpoint_commands_says_why_not),
        cmocka_unit_test(check__as_many_images_as_tgm_check),
        cmocka_unit_test(nest__a_load_ends_the_stack),
        cmocka_unit_test(check__an_unknown_profile_lists_the_known),
        cmocka_unit_test(print__an_unknown_builtin_keeps_its_dollar),
        cmocka_unit_test(stop__says_the_state_the_vm_is_in),
        cmocka_unit_test(print__a_character_escaped_as_examine_does),
        cmocka_unit_test(console__the_monitor_ends_a_line_the_guest_left_open),
        cmocka_unit_test(next__a_call_run_through_writes_live),
        cmocka_unit_test(exit__a_failed_do_the_caller_ignored_does_not_count),
        cmocka_unit_test(log__replaces_and_a_lists_set_is_the_sessions),
        cmocka_unit_test(restore__the_ring_the_numbers_and_the_vm_limit),
        cmocka_unit_test(vm_limit__at_or_below_the_steps_taken),
        cmocka_unit_test(break__several_at_one_address),
        cmocka_unit_test(expr__a_failed_display_and_the_size_hint),
    };
    return cmocka_run_group_tests_name("doc_contract_b", tests, group_setup, group_teardown);
}
