/* test_audit_msgmon2.c: the messages and output that docs/monitor.md
 * quotes from "Stacks of control programs" to the end (Scripts,
 * Snapshots, A session, Command reference), each produced as the doc
 * describes it and compared with the doc's text: the stream it goes to,
 * the status, and the words.  A table, so that a later change to one of
 * them fails here.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"

/* A timer armed for one cycle, then an LPSW that sets I with it pending:
 * the timer trap comes before the instruction at 9 (docs/isa.md). */
static const char timer_src[] = "        .org 0\n"
                                "        .word 0\n"
                                "        .word psw(SUP, h, 0, 0x80000)\n"
                                "        .entry start\n"
                                "start:  TSET  one\n"
                                "        NOP\n"
                                "        NOP\n"
                                "        LPSW  new\n"
                                "        HALT\n"
                                "h:      HALT\n"
                                "one:    .word 1\n"
                                "new:    .word pswi(SUP, 9, 0, 0x80000)\n";

/* 'break s do "until s"' loops on this one, one run after another. */
static const char loop_src[] = "        .org 0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, 2, 0, 0x80000)\n"
                               "        .entry s\n"
                               "s:      ADDI  i, i, 1\n"
                               "        JMP   s\n"
                               "i:      .word 0\n";

/* CMDS with each '@' replaced by the temporary directory and a slash. */
static char *expand(const char *cmds)
{
    size_t n = 1, dl = strlen(cs_tmpdir());
    for (const char *p = cmds; *p; p++)
        n += *p == '@' ? dl + 1 : 1;
    char *s = malloc(n), *q = s;
    assert_non_null(s);
    for (const char *p = cmds; *p; p++)
        if (*p == '@') {
            memcpy(q, cs_tmpdir(), dl);
            q += dl;
            *q++ = '/';
        } else {
            *q++ = *p;
        }
    *q = '\0';
    return s;
}

/* The snapshot of a session with a VM, its CPTR timer flag made 2 and
 * the checksum made good again, so that only the section is wrong. */
static void write_bad_run_state(const char *snap, const char *bad)
{
    size_t len;
    uint8_t *d = (uint8_t *)cs_slurp(snap, &len);
    uint32_t n = (uint32_t)ms_get_le(d + 12, 4);
    size_t off = 16;
    bool found = false;
    for (uint32_t i = 0; i < n && off + 16 <= len; i++) {
        uint64_t sl = ms_get_le(d + off + 8, 8);
        if (memcmp(d + off, "CPTR", 4) == 0) {
            ms_put_le(d + off + 16, 2, 4);
            found = true;
        }
        off += 16 + (size_t)sl;
    }
    assert_true(found);
    uint64_t h = 0xcbf29ce484222325ULL; /* FNV-1a 64 of all before it */
    for (size_t i = 0; i + 8 < len; i++)
        h = (h ^ d[i]) * 0x100000001b3ULL;
    ms_put_le(d + len - 8, h, 8);
    cs_write_bytes(bad, d, len);
    free(d);
}

/* The files the table's commands name, in the temporary directory. */
static void make_files(void)
{
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "timer.s", timer_src);
    cs_write_text(path, sizeof path, "loop.s", loop_src);
    char *sum = cs_slurp("examples/sum.s", NULL);
    cs_write_text(path, sizeof path, "mine.s", sum);
    free(sum);
    cs_write_text(path, sizeof path, "long.mon", "echo %1%1xy\n");
    /* 6 + 2 x 524285 = 1048576 bytes, the most a line may be: once
     * "xy" is there, one more */
    enum { HALF = 524285 };
    char *line = malloc(HALF + CS_PATH + 16);
    assert_non_null(line);
    int k = snprintf(line, CS_PATH + 16, "do %s ", cs_tmp("long.mon"));
    memset(line + k, 'x', HALF);
    strcpy(line + k + HALF, "\n");
    cs_write_text(path, sizeof path, "outer.mon", line);
    free(line);
    char *lab = expand("log @lab.mon\n");
    cs_write_text(path, sizeof path, "lab.mon", lab);
    free(lab);
    cs_write_text(path, sizeof path, "bom.mon", "\xef\xbb\xbf" "echo bom skipped\n");
    cs_write_bytes(cs_tmp("nul.mon"), "echo a\0b\necho c\n", 16);
    cs_make_image(path, sizeof path, "prog.img", 0, CS_WORDS(0, 0), 0);
    char *cmds = expand("save @x.s; save @plain.snap nobreaks; "
                        "vm create a 4096 examples/sum.s; save @vm.snap");
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    free(cmds);
    write_bad_run_state(cs_tmp("vm.snap"), cs_tmp("badrun.snap"));
}

struct quoted {
    const char *cmds; /* for 'tgm monitor -c', '@' the temporary directory */
    int status;
    bool on_err;      /* on standard error, else standard output */
    const char *want;
};

static const struct quoted quoted[] = {
    /* Stacks of control programs */
    {"set profile pdp10; nest 1 examples/hello.s", 1, true,
     "nest: the machine-code control program virtualizes the 'virtualizable' profile "
     "only, and the bare machine's is 'pdp10' ('set profile virtualizable' first)"},
    {"set hybrid on; check examples/hello.s nest 1", 1, true,
     "nest with hybrid: the machine-code control program is no hybrid monitor: it runs "
     "its guest's supervisor code directly (the session's hybrid is on: 'set hybrid off' "
     "turns it off)"},
    {"check examples/hello.s nest 1 hybrid", 1, true,
     "nest with hybrid: the machine-code control program is no hybrid monitor: it runs "
     "its guest's supervisor code directly"},
    /* both refused: the first given is named, as by 'tgm check' */
    {"check examples/hello.s slice 5 hybrid nest 1", 1, true,
     "nest with slice: the machine-code control program hosts one guest, with no time "
     "slices"},
    {"check examples/hello.s hybrid slice 5 nest 1", 1, true,
     "nest with hybrid: the machine-code control program is no hybrid monitor: it runs "
     "its guest's supervisor code directly"},
    {"nest 1 @timer.s; stack step 6", 0, false, "(2 steps, after "},
    {"nest 1 examples/supervisor.s; stack step 12", 0, false, "\n    console <- \"s\"\n"},
    {"nest 1 examples/supervisor.s; break trap svc; stack step 5000", 0, false,
     "\nstopped at 0x3 entry_o after 3330 steps, 6939 cycles: "},
    {"check examples/hello.s nest 2 vmm", 0, false,
     "check examples/hello.s: EQUIVALENT at depth 2 on the C control program\n"},
    {"check examples/hello.s vmm", 1, true,
     "check: vmm goes with nest (the control program is always used)"},
    /* Scripts */
    {"do @outer.mon", 1, true,
     "long.mon:1: line longer than 1048576 bytes once %1..%9 and %* are replaced: not run"},
    {"load examples/sum.s; break loop do \"vm create a 4096\"; go", 1, true,
     "vm: not in a breakpoint's commands: the run that stopped there is still under way"},
    {"load @loop.s; set limit 1000; break s do \"until s\"; go", 0, false,
     "step limit (1000) reached by this command and its breakpoints' commands: "
     "'until s' is not run"},
    {"do @bom.mon", 0, false, "bom skipped"},
    {"do @nul.mon", 1, true, "nul.mon:1: a NUL byte at column 7: not a monitor script"},
    /* Snapshots */
    {"load examples/sum.s; save examples/sum.s", 1, true,
     "save: examples/sum.s: the loaded program was read from this file; choose another file"},
    {"load examples/sum.s; log examples/sum.s", 1, true,
     "log: examples/sum.s: the loaded program was read from this file; choose another file"},
    {"set histfile @notes; save @notes", 1, true,
     "notes: the session's command history goes there; choose another file"},
    {"do @lab.mon", 1, true,
     "lab.mon: a script being run is read from this file; choose another file"},
    {"log @mine.s; load @mine.s", 1, true,
     "mine.s: the log goes there until 'log off'; a program is not loaded from it"},
    {"restore @prog.img", 1, true,
     "prog.img: not a tgm snapshot but a guest image ('load' reads it)"},
    {"load @x.s", 1, true,
     "x.s: offset 0: bad magic (not a tgm image but a monitor snapshot: the monitor's "
     "'restore' reads it)"},
    {"break 0x10; break 0x11; vm create a 4096 examples/sum.s; break loop; "
     "restore @plain.snap",
     0, false, "breakpoint 3 deleted: its VM is not in the snapshot\n"},
    {"set memory 4096; save @small.snap nobreaks; set memory 65536; break 0x2000; "
     "restore @small.snap",
     0, false, "breakpoint 1 deleted: outside the snapshot's memory\n"},
    {"restore @badrun.snap", 1, true, "badrun.snap: bad control program run state section"},
    /* A session */
    {"load examples/supervisor.s", 0, false,
     "bare: loaded examples/supervisor.s: 374 words at 0, 86 symbols; entry P=0x2 M=s\n"},
    {"load examples/supervisor.s; break trap svc; go", 0, false,
     "breakpoint 1: trap stop (svc)\nsupervisor: job 1 in 64 words at 4096\n"
     "breakpoint 1: svc trap at 0x4, hit 1 time\n"
     "stopped at 0x24 trap after 464 steps, 1174 cycles: s I=0 P=0x00024 l=0x00000 "
     "b=0x80000\n  0x00024 trap         SHR    cause, 0x0, k58\n"},
    {"load examples/supervisor.s; break trap svc; go; regs", 0, false,
     "  E[0]  0c00020100000040  u I=0 P=0x00004 l=0x01000 b=0x00040  cause=svc  (old PSW)\n"
     "  E[1]  8000120000080000  s I=0 P=0x00024 l=0x00000 b=0x80000  (new PSW)\n"
     "  timer disarmed, 0 cycles left;  cycles 1174  insns 463  steps 464\n"},
    {"load examples/supervisor.s; break trap svc; go; translate 0x40", 0, false,
     "bare: a=0x40, R=(l=0, b=0x80000), q=0x10000\n  a + l = 0x40 < q   ok\n"
     "  a     = 0x40 < b   ok\n  => physical 0x40\n"},
    {"load examples/supervisor.s; break trap svc; go; delete all; go", 0, false,
     "supervisor: all jobs done\nhalted after 1471 steps: s I=0 P=0x00024 l=0x00000 "
     "b=0x80000\n  0x00023 stop         HALT\n"},
    {"check examples/supervisor.s", 0, false,
     "  alone: 1681 instructions direct, 231 interpreted; direct ratio 0.8792\n"
     "  cycles: guest 3657, control program 1270; dispatcher entries 254\n"
     "  traps       interpreted   reflected   allocator   scheduler      hybrid\n"
     "  privileged          208           0          23           0           0\n"},
    /* Command reference */
    {"load @timer.s; step 5", 0, false,
     "  0x00009: (not run: the pending timer trap comes first)\n"},
    {"load examples/supervisor.s; break class privileged; go", 0, false,
     "breakpoint 1 (class privileged: COUT) at 0x50"},
    {"load examples/sum.s; watch total; go; go", 0, false, "write E[0xd] 0 -> 0x1f"},
    {"load examples/sum.s; watch read x; go", 0, false, "read E[0xc] = 0x1f"},
    {"load examples/sum.s; trace insns to @t.txt; go; trace off", 0, false,
     "trace: 53 records written to "},
    {"echo \"a; b\"", 0, false, "a; b\n"},
};

/* Each quoted text, produced as the doc describes, where it says. */
static void quoted__each_as_the_doc_shows_it(void **state)
{
    (void)state;
    make_files();
    for (size_t i = 0; i < sizeof quoted / sizeof quoted[0]; i++) {
        const struct quoted *q = &quoted[i];
        char *cmds = expand(q->cmds);
        struct cs_outcome o = cs_mon(cmds);
        const char *text = q->on_err ? o.err : o.out;
        if (o.status != q->status || !strstr(text, q->want)) {
            print_error("%s\nstatus %d (want %d)\nstdout:\n%s\nstderr:\n%s\nwant on %s:\n%s\n",
                        cmds, o.status, q->status, o.out, o.err,
                        q->on_err ? "stderr" : "stdout", q->want);
            fail();
        }
        cs_outcome_free(&o);
        free(cmds);
    }
}

/* docs/robustness.md, a monitor script (-f, do) with a NUL byte:
 * "x.mon:2: a NUL byte at column 12: not a monitor script", about the
 * script's line as a line too long is.  Run by 'do', a script whose first
 * line held it said "x.mon:1: do: a NUL byte ...", as if the 'do' were
 * at fault. */
static void script__a_nul_byte_is_the_same_line_by_do_and_f(void **state)
{
    (void)state;
    static const char first[] = "echo abcdef\0g\necho two\n";
    static const char second[] = "echo one\necho abcdef\0g\necho three\n";
    const char *x = cs_tmp("x.mon");
    for (int line = 1; line <= 2; line++) {
        unlink(x);
        if (line == 1)
            cs_write_bytes(x, first, sizeof first - 1);
        else
            cs_write_bytes(x, second, sizeof second - 1);
        char want[CS_PATH + 64], cmds[CS_PATH + 16];
        snprintf(want, sizeof want, "%s:%d: a NUL byte at column 12: not a monitor script\n",
                 x, line);
        snprintf(cmds, sizeof cmds, "do %s", x);
        struct cs_outcome o = cs_mon(cmds);
        assert_int_equal(o.status, 1); /* the rest not run: on-error stop */
        assert_string_equal(o.err, want);
        assert_string_equal(o.out, line == 1 ? "" : "one\n");
        cs_outcome_free(&o);
        o = cs_run_tgm("monitor", "-f", x, NULL);
        assert_int_equal(o.status, 1);
        assert_string_equal(o.err, want);
        assert_string_equal(o.out, line == 1 ? "" : "one\n");
        cs_outcome_free(&o);
    }
}

/* 'restore' of a file saved nobreaks deletes "those of a VM the snapshot
 * does not have ('breakpoint 3 deleted: its VM is not in the snapshot')":
 * a VM the user knows by its name.  A breakpoint on the session's VM 'a'
 * went to the snapshot's VM 'b' that had a's number, and one on 'b' to
 * whichever VM had b's number. */
static void restore__a_breakpoint_goes_with_its_vm_by_name(void **state)
{
    (void)state;
    char *cmds = expand("vm create b 4096 examples/sum.s; save @onlyb.snap nobreaks; "
                        "reset all; vm create a 4096 examples/sum.s; break 0x10; "
                        "break 0x11; vm create c 100; break 0x3; restore @onlyb.snap; "
                        "break list");
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){
                                 "breakpoint 1 deleted: its VM is not in the snapshot",
                                 "breakpoint 2 deleted: its VM is not in the snapshot",
                                 "breakpoint 3 deleted: its VM is not in the snapshot",
                                 "no breakpoints", NULL},
                             "breakpoints of VMs the snapshot has not");
    cs_outcome_free(&o);
    free(cmds);
    cmds = expand("vm create a 1024 examples/sum.s; vm create b 2048 examples/sum.s; "
                  "save @ab.snap nobreaks; reset all; vm create b 4096 examples/sum.s; "
                  "break 0x10; vm create a 4096 examples/hello.s; break 0x20; "
                  "restore @ab.snap; break list");
    o = cs_mon_ok(cmds);
    assert_null(strstr(o.out, "deleted"));
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"  1  break  0x10 [b]  hits 0",
                                                   "  2  break  0x20 [a]  hits 0", NULL},
                             "breakpoints of VMs the snapshot numbers otherwise");
    cs_outcome_free(&o);
    free(cmds);
}

/* The command line's words for a snapshot given as a program. */
static void quoted__a_snapshot_given_to_the_command_line(void **state)
{
    (void)state;
    char *cmds = expand("save @snap.s");
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_outcome_free(&o);
    free(cmds);
    /* then the count of errors, on a line of its own */
    o = cs_run_tgm("as", cs_tmp("snap.s"), "-o", cs_tmp("snap.img"), NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "snap.s:1:1: error: not an assembly source: a monitor "
                                  "snapshot (it begins with the magic TGMSNAP; the "
                                  "monitor's 'restore' reads it)\n"));
    cs_outcome_free(&o);
    cs_tgm_fails(2,
                 "snap.s: offset 0: bad magic (not a tgm image but a monitor snapshot: the "
                 "monitor's 'restore' reads it)",
                 "run", CS_ARGV(cs_tmp("snap.s")));
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_msgmon2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoted__each_as_the_doc_shows_it),
        cmocka_unit_test(quoted__a_snapshot_given_to_the_command_line),
        cmocka_unit_test(script__a_nul_byte_is_the_same_line_by_do_and_f),
        cmocka_unit_test(restore__a_breakpoint_goes_with_its_vm_by_name),
    };
    return cmocka_run_group_tests_name("audit_msgmon2", tests, group_setup, group_teardown);
}
