/* test_doc_contract_f.c: docs/monitor.md read line by line against the
 * monitor: reverse execution, the history ring, expressions, the focus,
 * stacks, scripts, snapshots and the command reference.  The tests named
 * as fixes fail on the tree before their fix; the others pin what the
 * document says and no other test checked.
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

/* CMDS succeed, and the output holds WANT but not UNWANTED. */
static void mon_prints_not(const char *cmds, const char *want, const char *unwanted)
{
    struct cs_outcome o = cs_mon(cmds);
    if (o.status != 0 || !strstr(o.out, want) || strstr(o.out, unwanted))
        fail_msg("'%s': status %d, output \"%s\" should hold \"%s\" and not \"%s\"; "
                 "stderr \"%s\"",
                 cmds, o.status, o.out, want, unwanted, o.err);
    cs_outcome_free(&o);
}

/* How many lines of the output of CMDS (which succeed) hold NEEDLE. */
static int count_lines(const char *cmds, const char *needle)
{
    struct cs_outcome o = cs_mon_ok(cmds);
    int n = 0;
    for (const char *l = o.out; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
        size_t len = strcspn(l, "\n");
        const char *hit = strstr(l, needle);
        n += hit && (size_t)(hit - l) < len;
    }
    cs_outcome_free(&o);
    return n;
}

/* How many lines 'history ARGS' adds after CMDS: the entries it shows
 * (an entry is a step's PSW, as the stop line is). */
static int history_lines(const char *cmds, const char *args)
{
    char with[256];
    snprintf(with, sizeof with, "%s; history %s", cmds, args);
    return count_lines(with, " s I=0 P=") - count_lines(cmds, " s I=0 P=");
}

/* A program whose call never returns: the JAL goes to a word that is no
 * instruction, and E[1] sends the trap to a PSW that traps again. */
static void write_loop_source(char *path, size_t len)
{
    cs_write_text(path, len, "loop.s",
                  "        .org  0\n"
                  "        .word 0\n"
                  "        .word 0\n"
                  "        .entry start\n"
                  "start:  JAL   ret, f\n"
                  "        HALT\n"
                  "f:      .word -1\n"
                  "ret:    .word 0\n");
}

/* "A run that can only spin is stopped": 'go' was, but 'finish' and
 * 'next' over a call stepped on to the step limit (1,000,000,000 steps in
 * a script, half a minute; at the terminal, forever). */
static void finish__a_trap_loop_stops_it(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64];
    /* the limit keeps the test quick on a tree without the fix */
    cs_mon_prints("set limit 3000000; finish", "trap loop after 65535 steps (a disabled wait)");
    write_loop_source(src, sizeof src);
    snprintf(cmds, sizeof cmds, "set limit 3000000; load %s; next", src);
    cs_mon_prints(cmds, "trap loop after 65535 steps (a disabled wait): each step takes a "
                        "memory trap");
    snprintf(cmds, sizeof cmds, "set limit 3000000; vm create a 4096 %s; finish", src);
    cs_mon_prints(cmds, "a: trap loop after");
}

/* 'display delete' with no number deleted every display silently, and
 * 'display delete 1 2' said "no display 1 2"; now N... as 'delete' takes
 * them, all checked before any goes. */
static void display__delete_takes_numbers(void **state)
{
    (void)state;
    mon_prints_not("display 1; display 2; display 3; display delete 1 3; display",
                   "3: 3 = 0x3 (3)\n2: 2 = 0x2 (2)\n", "1: 1 = 0x1 (1)\n3:");
    cs_mon_fails("display 1; display delete",
                 "display: delete what? give display numbers or 'all' (see 'display')");
    cs_mon_fails("display 1; display delete 1 1", "display: display 1 given twice");
    cs_mon_fails("display 1; display delete 1 7", "display: no display 7 (see 'display')");
    /* a bad number leaves every display in place */
    cs_mon_prints("set on-error continue; display 1; display 2; display delete 2 x; display",
                  "1: 1 = 0x1 (1)\n2: 2 = 0x2 (2)\n");
    cs_mon_prints("display 1; display 2; display delete all; display",
                  "no display expressions");
}

/* "Subcommands and keywords may be abbreviated too": 'display del 1' was
 * "unknown name 'del'"; a label of that name still starts an expression. */
static void display__delete_abbreviated(void **state)
{
    (void)state;
    cs_mon_prints("display 1; display 2; display del 1; display d 2; display",
                  "no display expressions");
    char src[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(src, sizeof src, "d.s", "        .entry d\nd:      HALT\n");
    snprintf(cmds, sizeof cmds, "load %s; display d + 1; display dele 1; display d", src);
    cs_mon_prints(cmds, "1: d + 1 = 0x1 (1)\n2: d = 0 (0)\n");
}

/* 'display' shows its expressions "after every stop": 'stack step', which
 * steps the guest on top as 'step' steps a machine, showed none. */
static void display__after_stack_step(void **state)
{
    (void)state;
    cs_mon_prints("nest 1 examples/sum.s; display P; stack step 1",
                  "(after 1 real step)\n1: P = 0x3 (3)\n");
    cs_mon_prints("load examples/sum.s; display P; step 2; rstep; until loop",
                  "back 1 step, at step 1: s I=0 P=0x00003 l=0x00000 b=0x80000\n"
                  "  0x00003              LI     total, 0\n1: P = 0x3 (3)\n"
                  "stopped at 0x4 loop after 1 step, 1 cycle: s I=0 P=0x00004 l=0x00000 "
                  "b=0x80000\n  0x00004 loop         LDX    x, table, i\n1: P = 0x4 (4)\n");
}

/* 'rcontinue' to a trap named its cause in a VM but not on the bare
 * machine ("back to the previous trap, at step 1521"). */
static void rcontinue__names_the_trap_on_the_bare_machine(void **state)
{
    (void)state;
    cs_mon_prints("load examples/supervisor.s; go; rcontinue; rcontinue",
                  "back to the previous trap (memory), at step 1521: s I=0 P=0x00024");
    cs_mon_prints("load examples/supervisor.s; go; rcontinue; rcontinue",
                  "back to the previous trap (svc), at step 927: s I=0 P=0x00024");
}

/* "Subcommands and keywords may be abbreviated too": 'nest ... me W',
 * 'reset al', 'stack st' and 'delete al' were refused or misread. */
static void keywords__abbreviated(void **state)
{
    (void)state;
    cs_mon_prints("nest 1 examples/sum.s me 4096", "a bare machine of 4096 words at 0x280");
    cs_mon_prints("vm create a 100; reset al; vm list", "control program removed\nno VMs");
    cs_mon_prints("nest 1 examples/sum.s; stack st 2",
                  "  top guest s I=0 P=0x00004 l=0x00000 b=0x80000  (after 1 real step)");
    cs_mon_prints("break 5; delete al; break list", "no breakpoints");
}

/* "An option is given at most once": 'nest ... mem 1 mem 2' gave the usage
 * and 'break trap svc svc' was taken without a word. */
static void options__given_twice(void **state)
{
    (void)state;
    cs_mon_fails("nest 1 examples/sum.s mem 4096 mem 8192", "nest: 'mem' given twice");
    cs_mon_fails("break trap svc memory svc", "break: 'svc' given twice");
    cs_mon_fails("break class mode privileged mode", "break: 'mode' given twice");
    cs_mon_prints("break trap svc memory; break list", "  1  trap   memory svc  hits 0");
}

/* Words after a keyword that takes none: 'break list x' was "unknown name
 * 'list'" and 'delete all 2' was "no breakpoint all". */
static void break__list_and_delete_all_take_nothing_more(void **state)
{
    (void)state;
    cs_mon_fails("break list x", "break: usage: break [ADDR");
    cs_mon_fails("break 5; delete all 1", "delete: 'all' takes no breakpoint numbers");
    cs_mon_prints("set on-error continue; break 5; delete all 1; break list",
                  "  1  break  0x5  hits 0");
}

/* 'trace ... [to FILE|screen]': 'to screen' wrote a file named screen
 * while the status line said "to screen", and a legal 'trace insns traps
 * cp to F max N' (seven words) gave the usage. */
static void trace__to_screen_is_the_screen(void **state)
{
    (void)state;
    char file[CS_PATH], cmds[2 * CS_PATH + 96];
    cs_tmp_path(file, sizeof file, "screen");
    snprintf(cmds, sizeof cmds, "trace to %s; trace insns to screen; load examples/sum.s; step",
             file);
    cs_mon_prints(cmds, "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n");
    size_t len;
    char *b = cs_slurp(file, &len);
    assert_int_equal(len, 0);
    free(b);
    cs_tmp_path(file, sizeof file, "t.txt");
    snprintf(cmds, sizeof cmds, "trace insns traps cp to %s max 100", file);
    cs_mon_prints(cmds, "trace: insns on, traps on, cp on; to ");
    cs_mon_fails("trace to screen screen", "trace: 'screen' given twice");
    cs_mon_fails("trace to a screen", "trace: 'to a' and 'screen' both given: give one");
}

/* A flag not in the usage was read as an address: 'examine -z 0' said
 * "unknown name 'z'", 'examine -u 0' took -u (-user, 0) as the address
 * and 0 as the count, 'deposit -x 0 5' said "unknown flag" without which
 * are known. */
static void examine__unknown_flags_say_which_are_known(void **state)
{
    (void)state;
    cs_mon_fails("examine -z 0", "examine: unknown flag '-z' (-p -v -r; -x -d -o -b -i -c -w)");
    cs_mon_fails("examine -u 0", "examine: unknown flag '-u' (-p -v -r; -x -d -o -b -i -c -w)");
    cs_mon_fails("deposit -z 0 5", "deposit: unknown flag '-z' (-p -v -r)");
    cs_mon_fails("deposit -x 0 5", "deposit: unknown flag '-x' (-p -v -r)");
    cs_mon_prints("deposit -p 0 5; examine -d -p 0", "  0x00000              5\n");
}

/* "A label hides a built-in of the same name": 'break trap' in
 * examples/supervisor.s, whose trap handler is the label trap, was the
 * usage error of a trap stop without causes; so was 'break c' for a label
 * c, and 'watch read' for a label read. */
static void break__a_label_named_like_a_keyword(void **state)
{
    (void)state;
    cs_mon_prints("load examples/supervisor.s; break trap; break trap svc; break trap ignore 1; "
                  "break list",
                  "  1  break  0x24 trap  hits 0\n"
                  "  2  trap   svc  hits 0\n"
                  "  3  break  0x24 trap  hits 0  ignore 1\n");
    cs_mon_fails("break trap", "break: usage: break [ADDR");
    char src[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(src, sizeof src, "kw.s", "        .entry c\nc:      HALT\nread:   HALT\n");
    snprintf(cmds, sizeof cmds, "load %s; break c; break c mode; watch read; watch read read; "
             "break list", src);
    cs_mon_prints(cmds, "  1  break  0 c  hits 0\n"
                        "  2  class  mode  hits 0\n"
                        "  3  watch  write 0x1..0x1 read  hits 0\n"
                        "  4  watch  read 0x1..0x1 read  hits 0\n");
    /* 'go c' ran from the label c; it was 'go cycles' without its N */
    snprintf(cmds, sizeof cmds, "load %s; go c for 1; go c", src);
    cs_mon_prints(cmds, "  0x00000 c            HALT\nhalted after 1 step: s I=0 P=0x00001");
    cs_mon_fails("go cycles", "go: usage: go [ADDR]");
}

/* '$P' always means the built-in, but 'deposit $P 5' wrote E[P] (the word
 * at the address P held) and left P alone; 'deposit b 5' with a label b
 * sets the field, and 'b+0' reaches the label's word. */
static void deposit__dollar_names_the_field(void **state)
{
    (void)state;
    cs_mon_prints("deposit $P 5; assert P == 5 && E[0] == 0; deposit $b 0x100; print b",
                  "0x100 (256)");
    char src[CS_PATH], cmds[CS_PATH + 96];
    cs_write_text(src, sizeof src, "b.s", "        .entry s\ns:      HALT\nb:      .word 0\n");
    snprintf(cmds, sizeof cmds, "load %s; deposit b 7; deposit b+0 9; print $b; print E[b]", src);
    cs_mon_prints(cmds, "0x7 (7)\n0x9 (9)\n");
}

/* gdb's x/u is unsigned, as print/u is here; x/u showed -1 for 2^64 - 1. */
static void examine__slash_u_is_unsigned(void **state)
{
    (void)state;
    cs_mon_prints("deposit 0 -1 5; x/2u 0; x/t 1; x/d 0",
                  "  0x00000              18446744073709551615\n"
                  "  0x00001              5\n"
                  "  0x00001              0b101\n"
                  "  0x00000              -1\n");
}

/* 'timeline FILE' writes Chrome's JSON for any name not ending in .svg,
 * as 'tgm run --timeline' does; the help named only F.json and F.svg. */
static void timeline__any_other_name_is_json(void **state)
{
    (void)state;
    char out[CS_PATH], cmds[CS_PATH + 96];
    cs_tmp_path(out, sizeof out, "events.txt");
    snprintf(cmds, sizeof cmds, "timeline on; vm create a 100 examples/hello.s; go; timeline %s",
             out);
    cs_mon_prints(cmds, "timeline: ");
    char *b = cs_slurp(out, NULL);
    assert_non_null(strstr(b, "\"traceEvents\":["));
    free(b);
}

/* 'symbols' ("list the labels") showed a constant as if it were a label at
 * that address; docs/monitor.md: only a label names an address. */
static void symbols__mark_the_constants(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(src, sizeof src, "k.s",
                  "        .entry start\nstart:  HALT\nK_ADD = 7\nhere:   .word K_ADD\n");
    snprintf(cmds, sizeof cmds, "load %s; symbols", src);
    cs_mon_prints(cmds, "  0x00000  start\n  0x00001  here\n  0x00007  K_ADD  (constant)\n");
    snprintf(cmds, sizeof cmds, "load %s; print K_ADD + here", src);
    cs_mon_prints(cmds, "0x8 (8)");
}

/* "history [N] shows the last N instructions (20 unless N is given) from
 * a ring that keeps the last 256, or as many as 'set ring N' says". */
static void history__twenty_of_a_ring_of_256(void **state)
{
    (void)state;
    assert_int_equal(history_lines("load examples/compute.s; go for 1000", ""), 20);
    assert_int_equal(history_lines("load examples/compute.s; go for 1000", "1000"), 256);
    assert_int_equal(history_lines("load examples/compute.s; set ring 10; go for 1000", "1000"),
                     10);
    /* the newest last: the step that left P at the ADD was the MUL */
    cs_mon_prints("load examples/compute.s; go for 1000; history 1",
                  " s I=0 P=0x00005 l=0x00000 b=0x80000  MUL    sq, i, i\n");
}

/* "On the bare machine, rstep and rcontinue leave in the ring the steps
 * that led to the point they go back to ...; with a VM selected they
 * empty it." */
static void history__after_going_back(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go; rstep 10; history 2",
                  "P=0x00008 l=0x00000 b=0x80000  BNE    i, n, loop\n"
                  "       101 s I=0 P=0x00004 l=0x00000 b=0x80000  LDX    x, table, i\n");
    cs_mon_prints("load examples/sum.s; go; break loop; rcontinue; history 1",
                  "P=0x00008 l=0x00000 b=0x80000  BNE    i, n, loop\n");
    cs_mon_prints("vm create a 4096 examples/sum.s; step 5; rstep 2; history",
                  "no instructions executed yet");
}

/* "The history begins where the machine was last changed other than by
 * running it: load, deposit, reset, console input ... so do restore
 * (unless it brings back the very state) and set checkpoint ... Going back
 * past that point is an error that says how far back the history goes,
 * and changes nothing." */
static void rstep__the_history_begins_at_the_last_change(void **state)
{
    (void)state;
    static const char *const changes[] = {"deposit 0x100 5", "console input x",
                                          "set checkpoint 10"};
    char cmds[256];
    for (size_t i = 0; i < sizeof changes / sizeof changes[0]; i++) {
        snprintf(cmds, sizeof cmds, "load examples/sum.s; step 3; %s; step 2; rstep 3",
                 changes[i]);
        cs_mon_fails(cmds, "rstep: can go back at most 2 steps (the history starts at step 3)");
    }
    /* changed and not run since: nothing to go back over */
    cs_mon_fails("load examples/sum.s; go; deposit 0x100 5; rstep",
                 "rstep: nothing to go back to: the machine was changed since it last ran, "
                 "so its history starts here, at step 53 (run it, and this command can come "
                 "back as far as here)");
    cs_mon_fails("load examples/sum.s; rstep",
                 "rstep: nothing to go back to: the machine was changed since it last ran, "
                 "so its history starts here, at step 0 (run it, and this command can come "
                 "back as far as here)");
    /* a refused rstep changes nothing */
    cs_mon_prints("set on-error continue; load examples/sum.s; step 3; rstep 4; "
                  "assert steps == 3 && P == loop + 1; echo same",
                  "same");
    /* restore: the very state keeps the history, another one starts anew */
    char snap[CS_PATH], two[2 * CS_PATH + 160];
    cs_tmp_path(snap, sizeof snap, "h.snap");
    snprintf(two, sizeof two,
             "load examples/sum.s; step 3; save %s; restore %s; step 2; rstep 5; "
             "assert steps == 0",
             snap, snap);
    cs_mon_prints(two, "back 5 steps, at step 0");
    snprintf(two, sizeof two, "load examples/sum.s; step 3; save %s; go; restore %s; rstep",
             snap, snap);
    cs_mon_fails(two, "rstep: nothing to go back to: the machine was changed since it last "
                      "ran, so its history starts here, at step 3 (run it, and this command "
                      "can come back as far as here)");
    /* and what it says holds: run, then back as far as the restored state */
    snprintf(two, sizeof two,
             "load examples/sum.s; step 3; save %s; go; restore %s; step 2; rstep 2; "
             "assert steps == 3",
             snap, snap);
    cs_mon_prints(two, "back 2 steps, at step 3");
}

/* "rcontinue finds the stop ... with the execution breakpoints and
 * watchpoints set now ...; conditions and ignore counts are not applied
 * going backwards"; with none, "the start of the history". */
static void rcontinue__breakpoints_set_now_without_conditions(void **state)
{
    (void)state;
    cs_mon_prints("load examples/sum.s; go; break loop ignore 5 if 0; rcontinue",
                  "back to the previous breakpoint, at step 47: s I=0 P=0x00004");
    cs_mon_prints("load examples/sum.s; go; watch total; rcontinue",
                  "back to the previous watchpoint, at step 49: s I=0 P=0x00006");
    cs_mon_prints("load examples/sum.s; go; rcontinue; assert steps == 0 && P == start",
                  "no breakpoint, watchpoint or trap before this point: at the start of the "
                  "history: s I=0 P=0x00002");
}

/* In a VM: "rstep N counts that VM's own steps ... The history is the
 * session's ... kept while VMs are selected and deselected." */
static void rstep__in_a_vm_counts_its_steps(void **state)
{
    (void)state;
    cs_mon_prints("vm create a 4096 examples/sum.s; vm create b 4096 examples/sum.s; go; "
                  "vm select bare; vm select a; rstep 5; assert steps == 48",
                  "a: back 5 steps, at step 48: s I=0 P=0x00005");
    cs_mon_fails("vm create a 4096 examples/sum.s; step 3; rstep 5",
                 "rstep: can go back at most 3 steps (the history starts at step 0)");
    cs_mon_fails("vm create a 4096 examples/sum.s; go; vm input a x; rstep",
                 "rstep: nothing to go back to: the VMs were changed since they last ran, so "
                 "their history starts here, at step 53 of VM a (run them, and this command "
                 "can come back as far as here)");
}

/* "Values are 64-bit words taken as signed ... '/' truncates toward zero,
 * '%' has the dividend's sign"; the operators' precedence is C's. */
static void expressions__arithmetic_as_documented(void **state)
{
    (void)state;
    cs_mon_prints("assert -7 / 2 == -3 && -7 % 2 == -1 && 7 % -2 == 1; echo ok", "ok");
    cs_mon_prints("assert (1 | 2 ^ 3) == 1 && (6 & 3 == 3) == 0 && 1 << 2 + 1 == 8; echo ok",
                  "ok");
    cs_mon_prints("assert (-8 >> 1) == -4 && -1 < 0 && (1 || 0 && 0) == 1; echo ok", "ok");
    cs_mon_prints("print 0o52 + 0b101 + 'c'", "0x92 (146)");
    cs_mon_prints("print user + sup * 2 + svc * 4 + timer * 8", "0x36 (54)");
    cs_mon_fails("print V[0x10000]", "print: V[0x10000] would take a memory trap (a + l >= q)");
}

/* "A VM's name is one word: a letter or _, then letters, digits, _, . or
 * -, at most 31 characters, and not bare; vm select also takes a VM's
 * id." */
static void vm__names_and_ids(void **state)
{
    (void)state;
    cs_mon_prints("vm create _a.b-c9 100", "_a.b-c9: VM 0, 100 words");
    cs_mon_prints("vm create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 100", "VM 0");
    cs_mon_fails("vm create aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 100", "vm: bad VM name 'aaaa");
    cs_mon_fails("vm create -a 100", "vm: bad VM name '-a'");
    cs_mon_prints("vm create a 100; vm create b 100; vm select 0; show", "focus: a");
    cs_mon_fails("vm create a 100; vm select 1", "vm: no VM named '1' (see 'vm list')");
}

/* "nest N FILE ... one of N x 640 + W words (W = 65536 unless mem W says
 * otherwise)". */
static void nest__the_size_of_the_stack(void **state)
{
    (void)state;
    cs_mon_prints("nest 2 examples/sum.s", "bare machine: q=66816, profile virtualizable");
    cs_mon_prints("nest 3 examples/sum.s mem 4096", "bare machine: q=6016,");
}

/* 'do NAME; REST' with NAME a script that sets on-error MODE and fails
 * before it says "on": the session fails, says WANT and never "not
 * reached". */
static void do_fails_after(const char *name, const char *mode, const char *rest,
                           const char *want)
{
    char path[CS_PATH], text[64], cmds[CS_PATH + 96];
    snprintf(text, sizeof text, "set on-error %s\nassert 0\necho on\n", mode);
    cs_write_text(path, sizeof path, name, text);
    snprintf(cmds, sizeof cmds, "do %s; %s", path, rest);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, want));
    assert_null(strstr(o.out, "not reached"));
    cs_outcome_free(&o);
}

/* "do FILE ARGS runs one ... (16 deep at most)"; "its set on-error lasts
 * until it ends, and its caller's failures count as before"; a script run
 * with 'set on-error finish' runs on and fails at its end. */
static void do__depth_and_on_error(void **state)
{
    (void)state;
    char path[CS_PATH], name[32], text[CS_PATH + 64], cmds[CS_PATH + 64];
    for (int i = 1; i <= 17; i++) { /* d1.mon calls d2.mon ... */
        char next[CS_PATH];
        snprintf(name, sizeof name, "d%d.mon", i + 1);
        cs_tmp_path(next, sizeof next, name);
        snprintf(text, sizeof text, "echo depth %d\ndo %s\n", i, next);
        snprintf(name, sizeof name, "d%d.mon", i);
        cs_write_text(path, sizeof path, name, text);
    }
    cs_write_text(path, sizeof path, "d17.mon", "echo too deep\n");
    cs_tmp_path(path, sizeof path, "d1.mon");
    snprintf(cmds, sizeof cmds, "do %s", path);
    cs_mon_fails(cmds, "d16.mon:2: do: scripts nested more than 16 deep");
    cs_write_text(path, sizeof path, "d16.mon", "echo depth 16, the deepest\n");
    cs_tmp_path(path, sizeof path, "d1.mon");
    cs_mon_prints(cmds, "depth 15\ndepth 16, the deepest\n");

    do_fails_after("cont.mon", "continue", "echo caller; assert 0; echo not reached",
                   "on\ncaller\n");
    do_fails_after("fin.mon", "finish", "echo not reached", "on\n");

    /* 'exit N' in a script run by 'do' ends the session with N */
    cs_write_text(path, sizeof path, "exit.mon", "echo bye\nexit 5\necho not reached\n");
    snprintf(cmds, sizeof cmds, "do %s; echo not reached", path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 5);
    assert_string_equal(o.out, "bye\n");
    cs_outcome_free(&o);
}

/* A little-endian word of N bytes at P. */
static uint64_t le(const unsigned char *p, int n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* The snapshot as docs/monitor.md's table gives it: magic, version 5, a
 * count of sections each a tag, 4 zero bytes, a u64 length and the data,
 * then the FNV-1a 64 of every byte before it; the sections in the order
 * listed, NEST only for a stack and BRKS not with 'nobreaks'. */
static void save__the_format(void **state)
{
    (void)state;
    static const struct {
        const char *cmds, *tags;
    } cases[] = {
        {"load examples/sum.s; break loop; vm create a 100; save %s",
         "SESS BARE BSYM REAL CPST CPTR VSYM BRKS "},
        {"nest 1 examples/sum.s; save %s nobreaks", "SESS BARE BSYM NEST "},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char snap[CS_PATH], cmds[CS_PATH + 96], tags[64] = "";
        cs_tmp_path(snap, sizeof snap, "fmt.snap");
        snprintf(cmds, sizeof cmds, cases[c].cmds, snap);
        cs_mon_prints(cmds, "saved ");
        size_t len;
        unsigned char *b = (unsigned char *)cs_slurp(snap, &len);
        assert_true(len > 24);
        assert_memory_equal(b, "TGMSNAP\0\5\0\0\0", 12);
        size_t off = 16;
        for (uint64_t k = le(b + 12, 4); k; k--) {
            assert_true(off + 16 <= len - 8);
            assert_int_equal(le(b + off + 4, 4), 0);
            strncat(tags, (const char *)b + off, 4);
            strcat(tags, " ");
            off += 16 + le(b + off + 8, 8);
        }
        assert_int_equal(off, len - 8);
        assert_string_equal(tags, cases[c].tags);
        uint64_t h = 0xcbf29ce484222325u;
        for (size_t i = 0; i < len - 8; i++)
            h = (h ^ b[i]) * 0x100000001b3u;
        assert_true(h == le(b + len - 8, 8));
        free(b);
    }
}

/* 'load': "a binary one that begins with the image magic ... else one
 * named .s is a source, an empty, binary or .img one an image, and any
 * other text (prog.asm) a source." */
static void load__which_files_are_sources(void **state)
{
    (void)state;
    char asmf[CS_PATH], img[CS_PATH], cmds[CS_PATH + 64];
    cs_write_text(asmf, sizeof asmf, "prog.asm", "        .entry s\ns: HALT\n");
    snprintf(cmds, sizeof cmds, "load %s", asmf);
    cs_mon_prints(cmds, "prog.asm: 1 word at 0, 1 symbol; entry P=0 M=s");
    cs_write_text(img, sizeof img, "text.img", "        .entry s\ns: HALT\n");
    snprintf(cmds, sizeof cmds, "load %s", img);
    cs_mon_fails(cmds, "text.img: offset 0: bad magic (not a tgm image)");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_f");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(finish__a_trap_loop_stops_it),
        cmocka_unit_test(display__delete_takes_numbers),
        cmocka_unit_test(display__delete_abbreviated),
        cmocka_unit_test(display__after_stack_step),
        cmocka_unit_test(rcontinue__names_the_trap_on_the_bare_machine),
        cmocka_unit_test(keywords__abbreviated),
        cmocka_unit_test(options__given_twice),
        cmocka_unit_test(break__list_and_delete_all_take_nothing_more),
        cmocka_unit_test(trace__to_screen_is_the_screen),
        cmocka_unit_test(examine__unknown_flags_say_which_are_known),
        cmocka_unit_test(break__a_label_named_like_a_keyword),
        cmocka_unit_test(deposit__dollar_names_the_field),
        cmocka_unit_test(examine__slash_u_is_unsigned),
        cmocka_unit_test(timeline__any_other_name_is_json),
        cmocka_unit_test(symbols__mark_the_constants),
        cmocka_unit_test(history__twenty_of_a_ring_of_256),
        cmocka_unit_test(history__after_going_back),
        cmocka_unit_test(rstep__the_history_begins_at_the_last_change),
        cmocka_unit_test(rcontinue__breakpoints_set_now_without_conditions),
        cmocka_unit_test(rstep__in_a_vm_counts_its_steps),
        cmocka_unit_test(expressions__arithmetic_as_documented),
        cmocka_unit_test(vm__names_and_ids),
        cmocka_unit_test(nest__the_size_of_the_stack),
        cmocka_unit_test(do__depth_and_on_error),
        cmocka_unit_test(save__the_format),
        cmocka_unit_test(load__which_files_are_sources),
    };
    return cmocka_run_group_tests_name("doc_contract_f", tests, group_setup, group_teardown);
}
