/* test_audit_msgmon1.c: the messages docs/monitor.md quotes (its sections
 * from Starting to the focus), compared with what the monitor prints.  The
 * first tests pin behaviours an audit found broken, each failing on the
 * tree before its fix; the table after them holds every quoted message
 * that was right, so that a change to one fails here.
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
#include <sys/stat.h>
#include <sys/syscall.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"

/* TEXT holds each of WANT (NULL-ended) at the start of a line, in order. */
static void starts_in_order(const char *text, const char *const *want, const char *what)
{
    const char *at = text;
    for (; *want; want++) {
        const char *hit = at;
        while ((hit = strstr(hit, *want)) && hit > text && hit[-1] != '\n')
            hit++;
        if (!hit)
            fail_msg("%s: no line starting '%s' after the ones before; it holds:\n%s", what,
                     *want, text);
        at = hit + strlen(*want);
    }
}

/* "With VMs, it stops when every runnable VM is in such a loop" and "so
 * that no VM ends unsaid": a VM that halted during the run that ended in
 * the others' trap loop says so after the loops, as after any other stop. */
static void trap_loop__a_vm_that_halted_is_told(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a 100; vm create b 100 examples/hello.s; go");
    assert_int_equal(o.status, 0);
    static const char *const want[] = {
        "a: trap loop after", "  (load a program, or give E[1] a trap handler)\n",
        "b: halted: s I=0 P=0x00009", NULL,
    };
    starts_in_order(o.out, want, "trap loop with a halted VM");
    cs_outcome_free(&o);

    /* so is one that met its 'vm limit' */
    o = cs_mon("vm create a 100; vm create b 100 examples/hello.s; vm limit b 20; "
               "set slice 5; go");
    assert_int_equal(o.status, 0);
    static const char *const lim[] = {
        "a: trap loop after", "  (load a program, or give E[1] a trap handler)\n",
        "b: step limit:", NULL,
    };
    starts_in_order(o.out, lim, "trap loop with a VM at its limit");
    cs_outcome_free(&o);

    /* and two VMs both in loops have a line each and the hint once */
    o = cs_mon("vm create a 100; vm create b 100; go");
    assert_int_equal(o.status, 0);
    const char *hint = strstr(o.out, "(load a program");
    assert_non_null(strstr(o.out, "a: trap loop after"));
    assert_non_null(strstr(o.out, "b: trap loop after"));
    assert_non_null(hint);
    assert_null(strstr(hint + 1, "(load a program"));
    assert_null(strstr(o.out, "halted"));
    cs_outcome_free(&o);
}

/* "Ctrl-C while a command waits to open or read a file ... ends that wait,
 * and the command fails (`load: cannot open 'f.s': Interrupted system
 * call`)": that error is a line of its own, not the rest of the line the
 * terminal's echoed ^C began, as a stopped run's report is. */
static void wait__interrupted_error_is_a_line_of_its_own(void **state)
{
    (void)state;
    pt_make_dir();
    char fifo[CS_PATH];
    assert_int_equal(mkfifo(pt_in_dir(fifo, sizeof fifo, "f.s"), 0600), 0);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load f.s\r");
    assert_true(cs_blocked_in(s.pid, SYS_openat));
    pt_type(&s, "\x03");
    pt_expect(&s, "^C\r\nload: cannot open 'f.s': Interrupted system call\r\n");
    pt_expect(&s, "tgm> ");
    /* an error after it, with no Ctrl-C, has no blank line before it */
    pt_type(&s, "print nosuch\r");
    pt_expect(&s, "print nosuch\r\nprint: unknown name 'nosuch'");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
    pt_remove_dir();
}

/* ---- the quoted messages that hold ---------------------------------- */

struct quoted {
    const char *cmds; /* 'tgm monitor -c CMDS' */
    int status;       /* its exit status */
    bool err;         /* the text is on stderr (else stdout) */
    const char *want; /* the doc's text */
};

#define SUM "load examples/sum.s; "
#define HELLO "examples/hello.s"

static const struct quoted quoted[] = {
    {"load 'sum.s'", 1, true,
     "cannot open ''sum.s'': No such file or directory (the single quotes are part of the "
     "name: only double quotes group words)"},
    {SUM "break loop do echo hi", 1, true,
     "'hi' after do's commands: give them in double quotes, do \"echo hi\""},
    {SUM "break loop do", 1, true, "'do' needs its commands, in double quotes: do \"c1; c2\""},
    {SUM "break loop ignore", 1, true, "'ignore' needs a count"},
    {"echo \"a; b\"", 0, false, "a; b\n"},
    {"stpe", 1, true, "unknown command 'stpe' (did you mean 'step'?)"},
    {"rset", 1, true, "unknown command 'rset' (try 'help')"},
    {"set profile x87", 1, true, "unknown profile 'x87' (known: virtualizable "},
    {"set profile x87", 1, true, " x86) (did you mean 'x86'?)"},
    {"set profile pdp11", 1, true, "(did you mean 'pdp10' or 'pdp11-45'?)"},
    {SUM "break LOOP", 1, true, "unknown name 'LOOP' (did you mean 'loop'?)"},
    {"print PC", 1, true, "(did you mean 'pc'?)"},
    {"/4x 0", 1, true, "no command before '/4x'"},
    {"deposit 70000 1", 1, true, "address 70000 is out of range (0..0xffff)"},
    {"deposit 0x11170 1", 1, true, "address 0x11170 is out of range (0..0xffff)"},
    {SUM "examine loop+70000", 1, true, "address 0x11174 is out of range (0..0xffff)"},
    {"examine -1", 1, true, "address -1 is out of range (0..0xffff)"},
    {"examine 0-4", 1, true, "address -4 is out of range (0..0xffff) (a range is written 0..4)"},
    {"examine 1-2", 1, true, "(a range is written 1..2)"},
    {"examine 0:4", 1, true, "'0:4' is not an address (a range is written 0..4)"},
    {"deposit 65534 1 2 3", 1, true,
     "address 65534 (value 3 of 3, at 65536) is out of range (0..0xffff); nothing deposited"},
    {"nest " HELLO " 2", 1, true,
     "'" HELLO "' is not a number of levels: the order is 'nest N FILE [mem W]'"},
    {"vm create a 4096 " HELLO "; vm load " HELLO " a", 1, true,
     "'" HELLO "' is not a VM: the order is 'vm load NAME FILE'"},
    {SUM "watch total write", 1, true, "the kind goes before the address: 'watch write total'"},
    {"go for 1 for 2", 1, true, "'for' given twice"},
    {SUM "break loop; delete 1 1", 1, true, "breakpoint 1 given twice"},
    {"examine -p -v 0", 1, true, "'-v' after '-p': give one space flag"},
    {SUM "step 0", 0, false, "step: a count of 0 runs nothing\n"},
    {SUM "go for 0", 0, false, "go: for 0 runs nothing\n"},
    {SUM "go 5 for 0; print P", 0, false, "0x5 (5)"},
    {"go", 0, false, " (a disabled wait)"},
    {"go", 0, false, "  (load a program, or give E[1] a trap handler)\n"},
    {SUM "finish", 0, false,
     "finish: HALT came before any return (JMPI): P was in no subroutine, so it ran as 'go' "
     "would\n"},
    {SUM "break loop; break loop if 1", 0, false, "note: breakpoint 1 is at 0x4 too\n"},
    {"bt", 1, true, "in tgm: history"},
    {"disassemble", 1, true, "examine -i ADDR COUNT"},
    {"system_reset", 1, true, "(in tgm: reset)"},
    {"rwatch", 1, true, "watch read ADDR"},
    {"awatch", 1, true, "watch access ADDR"},
    {"condition 1 E[x] > 2", 1, true, "(in tgm: break ADDR if EXPR (a condition is given with "
                                      "its breakpoint))"},
    {"COMMANDS 1", 1, true, "break ADDR do \"CMDS\""},
    {"clear", 1, true, "delete ID"},
    {"savevm", 1, true, "save FILE"},
    {"loadvm", 1, true, "restore FILE"},
    {"IPL", 1, true, "load FILE; go"},
    {"analyze", 1, true, "the command line's 'tgm analyze'"},
    {SUM "step 3; deposit 20 1; rstep", 1, true,
     "rstep: nothing to go back to: the machine was changed since it last ran, so its history "
     "starts here, at step 3 (run it, and this command can come back as far as here)"},
    {"vm create a 4096 " HELLO "; step 3; vm input a x; rstep", 1, true,
     "the VMs were changed since they last ran, so their history starts here, at step 3 of "
     "VM a "},
    {SUM "step 3; history", 0, false,
     "         5 s I=0 P=0x00004 l=0x00000 b=0x80000  LDX    x, table, i\n"},
    {"set memory 64K", 1, true, "bad number near '64K' (no K or M suffix here: 64K is 65536)"},
    {"set memory 1G", 1, true, "(no G suffix here: 1G is 1073741824)"},
    {"print psw(2, 0, 0, 0)", 1, true, "psw: m = 2 is out of range 0..1"},
    {"print '\\x41'", 0, false, "0x41 (65)"},
    {"load examples/os/os.s; break tc_text", 0, false,
     "note: tc_text is a label inside .phase: 0xd is the address its code sees through R, not "
     "the word of E it labels\n"},
    {"load examples/os/os.s; symbols", 0, false, "tc_text  (phased)"},
    {"load examples/calls.s; symbols", 0, false, "K_ADD  (constant)"},
    {"set cp-memory 8", 1, true, "8 words is out of range (9..524288)"},
    {"set profile pdp10; check " HELLO, 0, false,
     "note: check runs on profile virtualizable, the control program's, not the bare "
     "machine's pdp10 ('profile P' or 'set cp-profile P' chooses it)\n"},
    {"vm create a 524288", 1, true, "vm: 524288 words is out of range (2..524280)"},
    {"vm create guest 4096; vm select Guest", 1, true,
     "no VM named 'Guest' (did you mean 'guest'?)"},
    {"set histfile \"\"; show histfile", 0, false, "(none: no history file)"},
};

static void quoted__messages_hold(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
        const struct quoted *q = &quoted[i];
        struct cs_outcome o = cs_mon(q->cmds);
        const char *text = q->err ? o.err : o.out;
        if (o.status != q->status || !strstr(text, q->want))
            fail_msg("'%s': status %d (want %d), %s \"%s\" lacks \"%s\"", q->cmds, o.status,
                     q->status, q->err ? "stderr" : "stdout", text, q->want);
        cs_outcome_free(&o);
    }
}

/* The command line's own quoted lines: an image that does not fit, and a
 * misspelt option, are one line on stderr and status 2. */
static void quoted__command_line(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("monitor", "--mem", "16", "examples/sum.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: monitor: examples/sum.s: image needs words 0..34 but the "
                               "machine has 16 words\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "--profle", "pdp10", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err,
                        "tgm: monitor: unknown option '--profle' (did you mean '--profile'?)\n");
    cs_outcome_free(&o);
    /* with its value joined, the name alone is quoted, as by every command */
    o = cs_run_tgm("monitor", "--profle=pdp10", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err,
                        "tgm: monitor: unknown option '--profle' (did you mean '--profile'?)\n");
    cs_outcome_free(&o);
    /* one machine, one (reset) line, for both options */
    o = cs_run_tgm("monitor", "--prof", "pdp10", "--m", "4096", "-c", "show cp-profile", NULL);
    assert_int_equal(o.status, 0);
    const char *reset = strstr(o.out, "(reset)");
    assert_non_null(reset);
    assert_null(strstr(reset + 1, "(reset)"));
    assert_non_null(strstr(o.out, "cp-profile pdp10"));
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_msgmon1");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trap_loop__a_vm_that_halted_is_told),
        cmocka_unit_test(wait__interrupted_error_is_a_line_of_its_own),
        cmocka_unit_test(quoted__messages_hold),
        cmocka_unit_test(quoted__command_line),
    };
    return cmocka_run_group_tests_name("audit_msgmon1", tests, group_setup, group_teardown);
}
