/* test_audit_vmm58.c: claims of docs/vmm.md and docs/robustness.md that a
 * read of the two pages, with the paper's sections 3-8 at hand, found no
 * suite asserting.
 *
 * The dispatcher's table, the events that are not entries and the ends
 * of slices, each shown by `tgm run --vmm --stats` on a guest of a few
 * instructions (figures worked out by hand from the page); a reflected
 * trap meeting a watchpoint as on the bare machine; the trap loops `tgm
 * check` names; every looping hostile guest beside a halting one, each
 * equal to its bare run at the step limit; the readers' caps at their
 * edges; the snapshot's section checks; a script FIFO's wait ended by
 * SIGHUP; and what a closed standard output leaves of the files.
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
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/image.h"

/* `tgm run --vmm --stats --mem 256 [FLAG] SRC` (SRC written as NAME)
 * halts; its traps line is TRAPS and its report from "efficiency" on is
 * exactly STATS. */
static void stats_are(const char *name, const char *src, const char *flag, const char *traps,
                      const char *stats)
{
    char path[CS_PATH];
    cs_write_text(path, sizeof path, name, src);
    struct cs_args a = {.n = 0};
    cs_push_all(&a, "--vmm", "--stats", "--mem", "256", path, flag, NULL); /* FLAG may end it */
    struct cs_outcome o = cs_run_tgm_argv("run", a.v);
    if (o.status != 0 || o.err[0])
        fail_msg("%s: status %d, stderr \"%s\"", name, o.status, o.err);
    cs_assert_has(o.out, traps);
    const char *eff = strstr(o.out, "efficiency ");
    if (!eff || strcmp(eff, stats) != 0)
        fail_msg("%s %s: want\n%sgot\n%s", name, flag ? flag : "", stats, o.out);
    cs_outcome_free(&o);
}

/* ---- the dispatcher D and its counts --------------------------------- */

/* vmm.md, D's table: "privileged (`HCALL`) | either | reflect as illegal:
 * guests have no host calls | reflected"; "reflected when its operand does
 * not develop (the guest takes the memory trap the bare machine takes,
 * counted under the real cause, privileged)"; "allocator for `LR` and an
 * `LPSW` that changes R", an LPSW that keeps R interpreted.  Each CP entry
 * costs 5 cycles: "the trap sequence, 4, and the `HCALL`, 1". */
static void stats__the_rows_of_the_dispatchers_table(void **state)
{
    (void)state;
    stats_are("hcall.s",
              "        .org 0\n        .word 0\n        .word psw(SUP, h, 0, 256)\n"
              "        .entry s\ns:      HCALL 0\nh:      HALT\n",
              NULL, "traps        privileged 0, memory 0, svc 0, illegal 1, timer 0\n",
              "efficiency     0 instructions executed directly, 1 interpreted (0.0000% direct)\n"
              "cycles         0 in the guest, 10 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     2\n"
              "  privileged   interpreted 1 reflected 1\n");
    stats_are("nodev.s",
              "        .org 0\n        .word 0\n        .word psw(SUP, h, 0, 256)\n"
              "        .entry s\ns:      TGET 300\nh:      HALT\n",
              NULL, "traps        privileged 0, memory 1, svc 0, illegal 0, timer 0\n",
              "efficiency     0 instructions executed directly, 1 interpreted (0.0000% direct)\n"
              "cycles         0 in the guest, 10 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     2\n"
              "  privileged   interpreted 1 reflected 1\n");
    stats_are("alloc.s",
              "        .org 0\n        .word 0\n        .word psw(SUP, h, 0, 256)\n"
              "        .entrypsw psw(SUP, s, 0, 256)\n"
              "s:      LPSW p1\na:      LR r\n        LPSW p2\nb:      HALT\n"
              "h:      HALT\np1:     .word psw(SUP, a, 0, 256)\n"
              "p2:     .word psw(SUP, b, 0, 128)\nr:      .word rb(0, 256)\n",
              NULL, "traps        privileged 0, memory 0, svc 0, illegal 0, timer 0\n",
              "efficiency     0 instructions executed directly, 4 interpreted (0.0000% direct)\n"
              "cycles         0 in the guest, 20 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     4\n"
              "  privileged   interpreted 2 allocator 2\n");
}

/* An SVC from virtual supervisor mode, then one from virtual user mode:
 * the handler counts them down and halts. */
static const char svc_src[] = "        .org  0\n"
                              "        .word 0\n"
                              "        .word psw(SUP, h, 0, 256)\n"
                              "        .entry s\n"
                              "s:      SVC   1\n"
                              "h:      DJNZ  n, x\n"
                              "        HALT\n"
                              "x:      LPSW  u\n"
                              "us:     SVC   2\n"
                              "n:      .word 2\n"
                              "u:      .word psw(USER, us, 0, 256)\n";

/* vmm.md, "SVC: innocuous, and yet always the CP's": "every `SVC` a guest
 * executes, in either virtual mode, enters the control program", "in
 * neither count", "a CP entry with cause `svc` and disposition
 * `reflected`", "5 real cycles of `cp_cycles`", the guest charged "the
 * bare trap's 4 cycles and one step"; and in a hybrid VM in virtual
 * supervisor mode the SVC is counted "only in the stretch's `(no trap)
 * hybrid` event, not as an `svc` entry". */
static void stats__an_svc_in_either_mode_plain_and_hybrid(void **state)
{
    (void)state;
    static const char traps[] = "traps        privileged 0, memory 0, svc 2, illegal 0, timer 0\n"
                                "cycles       16\ninstructions 4\nsteps        6\n";
    stats_are("svc.s", svc_src, NULL, traps,
              "efficiency     2 instructions executed directly, 2 interpreted (50.0000% direct)\n"
              "cycles         4 in the guest, 20 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     4\n"
              "  privileged   interpreted 2\n"
              "  svc          reflected 2\n");
    stats_are("svc.s", svc_src, "--hybrid", traps,
              "efficiency     0 instructions executed directly, 4 interpreted (0.0000% direct)\n"
              "cycles         0 in the guest, 5 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     1\n"
              "  (no trap)    hybrid 2\n"
              "  svc          reflected 1\n");
}

/* vmm.md: "the virtual timer's trap delivered into the guest ..., after a
 * real timer trap counted as `timer scheduler`, or with none (the timer a
 * simulated `TSET` made pending, delivered after a simulated `LPSW`) |
 * reflected", one of the events "not in `cp entries`, and cost no
 * `cp_cycles`", so the lines under `cp entries` "add up to more than the
 * entries". */
static void stats__a_delivered_timer_trap_is_no_entry(void **state)
{
    (void)state;
    stats_are("tim.s",
              "        .org 0\n        .word 0\n        .word psw(SUP, h, 0, 256)\n"
              "        .entrypsw pswi(SUP, s, 0, 256)\n"
              "s:      TSET t\nl:      JMP l\nh:      HALT\nt:      .word 10\n",
              NULL, "traps        privileged 0, memory 0, svc 0, illegal 0, timer 1\n"
                    "cycles       15\ninstructions 10\nsteps        11\n",
              "efficiency     8 instructions executed directly, 2 interpreted (80.0000% direct)\n"
              "cycles         8 in the guest, 15 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     3\n"
              "  privileged   interpreted 2\n"
              "  timer        reflected 1 scheduler 1\n");
    stats_are("tim2.s",
              "        .org 0\n        .word 0\n        .word psw(SUP, h, 0, 256)\n"
              "        .entrypsw psw(SUP, s, 0, 256)\n"
              "s:      TSET t\n        LPSW p\nl:      JMP l\nh:      HALT\n"
              "t:      .word 1\np:      .word pswi(SUP, l, 0, 256)\n",
              NULL, "traps        privileged 0, memory 0, svc 0, illegal 0, timer 1\n"
                    "cycles       10\ninstructions 3\nsteps        4\n",
              "efficiency     0 instructions executed directly, 3 interpreted (0.0000% direct)\n"
              "cycles         0 in the guest, 15 in the control program's trap sequences and "
              "HCALLs\n"
              "cp entries     3\n"
              "  privileged   interpreted 3\n"
              "  timer        reflected 1\n");
}

/* A loop of N DJNZs in supervisor mode: 2N + 2 cycles, the HALT's last. */
static const char *countdown(char *buf, size_t len, unsigned n)
{
    snprintf(buf, len, "        .entry s\ns:      LI   n, %u\nl:      DJNZ n, l\n"
             "        HALT\nn:      .word 0\n", n);
    return buf;
}

/* The text of `tgm run ARGS` (NULL-ended), which exits with STATUS, from
 * VM 0's "efficiency" line to the end of its stats. */
static char *vm0_stats(int status, const char *const *args)
{
    struct cs_outcome o = cs_run_tgm_argv("run", args);
    assert_int_equal(o.status, status);
    const char *from = strstr(o.out, "efficiency "), *to = strstr(o.out, "== vm1: ");
    assert_non_null(from);
    size_t n = to && to > from ? (size_t)(to - from) : strlen(from);
    char *s = calloc(n + 1, 1);
    assert_non_null(s);
    memcpy(s, from, n);
    cs_outcome_free(&o);
    return s;
}

/* vmm.md, "Several VMs": the slice ("default 10,000 cycles") "is measured
 * in the running VM's virtual cycles ... and the CP's own cycles are never
 * charged to a guest"; "A lone VM whose virtual timer cannot trap ... runs
 * with the real timer disarmed"; a VM that halts on its slice's last cycle
 * takes no slice end; and in hybrid mode a slice that runs out "during a
 * stretch of interpreted supervisor code" is a `timer scheduler` event that
 * is no CP entry, the stretch it cuts counted in `(no trap) hybrid`. */
static void stats__slices_are_counted_in_virtual_cycles(void **state)
{
    (void)state;
    char src[160], a[CS_PATH], b[CS_PATH], c[CS_PATH];
    cs_write_text(a, sizeof a, "c20002.s", countdown(src, sizeof src, 10000));
    cs_write_text(b, sizeof b, "c10000.s", countdown(src, sizeof src, 4999));
    cs_write_text(c, sizeof c, "c2002.s", countdown(src, sizeof src, 1000));
    static const char head[] =
        "efficiency     10001 instructions executed directly, 1 interpreted (99.9900% direct)\n"
        "cycles         20001 in the guest, ";
    char want[512], *got = vm0_stats(0, CS_ARGV("--vmm", "--stats", "--mem", "64", a, a));
    snprintf(want, sizeof want, "%s15 in the control program's trap sequences and HCALLs\n"
             "cp entries     3\n  privileged   interpreted 1\n  timer        scheduler 2\n",
             head);
    assert_string_equal(got, want);
    free(got);
    got = vm0_stats(0, CS_ARGV("--vmm", "--stats", "--mem", "64", a));
    snprintf(want, sizeof want, "%s5 in the control program's trap sequences and HCALLs\n"
             "cp entries     1\n  privileged   interpreted 1\n", head);
    assert_string_equal(got, want);
    free(got);
    got = vm0_stats(0, CS_ARGV("--vmm", "--stats", "--mem", "64", b, b));
    assert_string_equal(got, "efficiency     5000 instructions executed directly, 1 "
                             "interpreted (99.9800% direct)\ncycles         9999 in the guest, "
                             "5 in the control program's trap sequences and HCALLs\n"
                             "cp entries     1\n  privileged   interpreted 1\n");
    free(got);
    got = vm0_stats(0, CS_ARGV("--vmm", "--stats", "--mem", "64", "--slice", "100", "--hybrid",
                               c, c));
    assert_string_equal(got, "efficiency     0 instructions executed directly, 1002 "
                             "interpreted (0.0000% direct)\ncycles         0 in the guest, 0 "
                             "in the control program's trap sequences and HCALLs\n"
                             "cp entries     0\n  (no trap)    hybrid 21\n"
                             "  timer        scheduler 20\n");
    free(got);
    /* "A time slice that ends while the CP handles another trap switches
     * VMs with no scheduler event of its own": 30 slices of LPSWs */
    cs_write_text(c, sizeof c, "lpsw.s", "        .entrypsw psw(SUP, l, 0, 64)\n"
                  "l:      LPSW p\np:      .word psw(SUP, l, 0, 64)\n");
    got = vm0_stats(3, CS_ARGV("--vmm", "--stats", "--mem", "64", "--slice", "100",
                               "--max-steps", "1000", c, c));
    assert_string_equal(got, "efficiency     0 instructions executed directly, 1000 "
                             "interpreted (0.0000% direct)\ncycles         0 in the guest, "
                             "5000 in the control program's trap sequences and HCALLs\n"
                             "cp entries     1000\n  (no trap)    scheduler 1\n"
                             "  privileged   interpreted 1000\n");
    free(got);
}

/* ---- debugging a VM ---------------------------------------------------- */

/* vmm.md, "Debugging a VM": the CP "reports watched words that an
 * interpreter, a reflected trap or a hybrid step touched: a VM stops
 * exactly where the bare machine would"; "Reflecting a trap": "guest
 * E[0] := the virtual old PSW with the cause (the virtual R, not the real
 * one)".  A watchpoint on the guest's E[0], which only the SVCs' reflected
 * traps write, stops the bare machine, the VM and the hybrid VM at the
 * same steps with the same words: the user-mode SVC's old PSW has l = 0,
 * not the real 8. */
static void debug__a_reflected_trap_meets_a_watchpoint_as_on_the_bare_machine(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[3][CS_PATH + 96];
    cs_write_text(src, sizeof src, "wsvc.s", svc_src);
    snprintf(cmds[0], sizeof cmds[0], "set memory 256; load %s; watch 0; go; go; go", src);
    snprintf(cmds[1], sizeof cmds[1], "vm create a 256 %s; watch 0; go; go; go", src);
    snprintf(cmds[2], sizeof cmds[2], "set hybrid on; vm create a 256 %s; watch 0; go; go; go",
             src);
    static const char *const stops[] = {
        "watchpoint 1: write E[0] 0 -> 0x8c00010000080000, hit 1 time\n%s"
        "stopped at 0x3 h after 1 step, 4 cycles: s I=0 P=0x00003 l=0x00000 b=0x00100\n",
        "watchpoint 1: write E[0] 0x8c00010000080000 -> 0xc00030000000100, hit 2 times\n%s"
        "stopped at 0x3 h after 3 steps, 9 cycles: s I=0 P=0x00003 l=0x00000 b=0x00100\n",
    };
    for (int k = 0; k < 3; k++) {
        struct cs_outcome o = cs_mon_ok(cmds[k]);
        for (int i = 0; i < 2; i++) {
            char want[256];
            snprintf(want, sizeof want, stops[i], k ? "a: " : "");
            cs_assert_has(o.out, want);
        }
        cs_assert_has(o.out, k ? "no VM is runnable after 2 steps\n" : "halted after 2 steps");
        cs_outcome_free(&o);
    }
}

/* ---- equivalence ------------------------------------------------------ */

/* vmm.md, "Equivalence": a bare machine in a trap loop "has that said
 * after the line ...  The line names the trap the loop takes: `a
 * privileged trap` when E[1]'s PSW is a user-mode one at a privileged
 * instruction, `an illegal trap`, `a svc trap`." */
static void check__a_trap_loop_names_its_trap(void **state)
{
    (void)state;
    static const struct {
        const char *name, *src, *trap;
    } rows[] = {
        {"svcloop.s", ".org 0\n.word 0\n.word psw(SUP, s, 0, 256)\n.entry s\ns: SVC 0\n",
         "a svc trap"},
        {"privloop.s", ".org 0\n.word 0\n.word psw(USER, s, 0, 256)\n.entry st\n"
                       "s: HALT\nst: SVC 0\n",
         "a privileged trap"},
        {"illloop.s", ".org 0\n.word 0\n.word psw(SUP, s, 0, 256)\n.entry s\n"
                      "s: .word 0x7f00000000000000\n",
         "an illegal trap"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        char path[CS_PATH], want[2 * CS_PATH + 256];
        cs_write_text(path, sizeof path, rows[i].name, rows[i].src);
        struct cs_outcome o = cs_run_tgm("check", "--mem", "256", "--max-steps", "1000", path,
                                         NULL);
        snprintf(want, sizeof want,
                 "%s: NOT equivalent\n  alone: the bare machine did not halt within 1000 steps: "
                 "it is in a trap loop (each step takes %s and E[1] loads the same PSW: a "
                 "disabled wait)\n",
                 path, rows[i].trap);
        if (o.status != 1 || strcmp(o.out, want) != 0)
            fail_msg("%s: status %d, want\n%sgot\n%s", rows[i].name, o.status, want, o.out);
        cs_outcome_free(&o);
    }
}

/* ---- hostile guests --------------------------------------------------- */

/* The part of `tgm run --vmm` stdout OUT about VM ID (its console, then
 * its stop line and state) written as a bare run writes it: "-- vmID: "
 * is "-- ".  Free it. */
static char *vm_as_bare(const char *out, int id)
{
    char head[32], tag[32];
    snprintf(head, sizeof head, "== vm%d: ", id);
    snprintf(tag, sizeof tag, "-- vm%d: ", id);
    const char *from = strstr(out, head), *to;
    assert_non_null(from);
    assert_non_null(from = strchr(from, '\n'));
    from++;
    to = strstr(from, "\n== vm");
    size_t n = to ? (size_t)(to - from) + 1 : strlen(from);
    char *s = calloc(n + 1, 1), *at;
    assert_non_null(s);
    memcpy(s, from, n);
    assert_non_null(at = strstr(s, tag));
    memmove(at + 3, at + strlen(tag), strlen(at + strlen(tag)) + 1);
    return s;
}

/* robustness.md, "Hostile guests": each of examples/hostile/ that loops
 * tries a way out of its region or off the processor; "Run one by hand
 * next to a program that halts ... The spinning guest reaches its step
 * limit; `compute.s` still halts with its answer", and "both VMs equal
 * their bare runs to the same step" (vmm.md: plain and hybrid alike). */
static void hostile__each_loops_to_its_limit_beside_a_guest_that_halts(void **state)
{
    (void)state;
    static const char *const guests[] = {"escape_r", "lpsw_sup", "write_e01", "jump_cp",
                                         "timer", "spin", "svc_storm", "trap_storm",
                                         "selfmod", "bounds", "hcall"};
    static const char limit[] = "step limit of 20000 reached before HALT (raise it with "
                                "--max-steps N, or 0 for none)\n";
    struct cs_outcome hello = cs_run_tgm("run", "--mem", "256", "examples/hello.s", NULL);
    assert_int_equal(hello.status, 0);
    for (size_t g = 0; g < sizeof guests / sizeof guests[0]; g++) {
        char path[CS_PATH], want[256];
        snprintf(path, sizeof path, "examples/hostile/%s.s", guests[g]);
        struct cs_outcome bare = cs_run_tgm("run", "--mem", "256", "--max-steps", "20000",
                                            path, NULL);
        assert_int_equal(bare.status, 3);
        for (int hybrid = 0; hybrid < 2; hybrid++) {
            struct cs_args a = {.n = 0};
            cs_push_all(&a, "--vmm", "--mem", "256", "--max-steps", "20000", path,
                        "examples/hello.s", NULL);
            if (hybrid)
                cs_push(&a, "--hybrid");
            struct cs_outcome o = cs_run_tgm_argv("run", a.v);
            snprintf(want, sizeof want, "tgm: run: vm0: %s", limit);
            if (o.status != 3 || strcmp(o.err, want) != 0)
                fail_msg("%s%s: status %d, stderr \"%s\"", guests[g],
                         hybrid ? " hybrid" : "", o.status, o.err);
            for (int id = 0; id < 2; id++) {
                const struct cs_outcome *alone = id ? &hello : &bare;
                char *vm = vm_as_bare(o.out, id);
                if (strcmp(vm, alone->out) != 0)
                    fail_msg("%s%s: VM %d is not its bare run:\n%s\nbare:\n%s", guests[g],
                             hybrid ? " hybrid" : "", id, vm, alone->out);
                free(vm);
            }
            cs_outcome_free(&o);
        }
        cs_outcome_free(&bare);
    }
    cs_outcome_free(&hello);
}

/* ---- the readers' caps ------------------------------------------------ */

/* NAME in the temporary directory: a sparse file of N zero bytes. */
static const char *sparse(const char *name, off_t n)
{
    const char *path = cs_tmp(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, n), 0);
    assert_int_equal(close(fd), 0);
    return path;
}

/* robustness.md, "Every reader is capped, and says so naming the file and
 * the limit": an image "header + 2^19 words + 64 MiB" (71303208 bytes), a
 * snapshot 256 MiB, console input (`--input-file` of `tgm check` too) 64
 * MiB.  A file of exactly the limit is read (and judged on its bytes), one
 * a byte longer is refused by its size.  (Sparse files: the teardown
 * removes them.) */
static void limits__each_reader_takes_its_limit_and_refuses_a_byte_more(void **state)
{
    (void)state;
    char want[2 * CS_PATH], cmds[CS_PATH + 16];
    const char *img = sparse("edge.img", (off_t)TGM_IMAGE_FILE_MAX);
    snprintf(want, sizeof want, "tgm: run: %s: offset 0: bad magic (not a tgm image)\n", img);
    cs_tgm_fails(2, want, "run", CS_ARGV(img));
    img = sparse("past.img", (off_t)TGM_IMAGE_FILE_MAX + 1);
    snprintf(want, sizeof want, "tgm: run: %s: larger than 71303208 bytes, the limit for a "
             "tgm image\n", img);
    cs_tgm_fails(2, want, "run", CS_ARGV(img));

    const char *snap = sparse("edge.snap", (off_t)256 << 20);
    snprintf(cmds, sizeof cmds, "restore %s", snap);
    snprintf(want, sizeof want, "restore: %s: not a tgm snapshot\n", snap);
    cs_mon_fails(cmds, want);
    snap = sparse("past.snap", ((off_t)256 << 20) + 1);
    snprintf(cmds, sizeof cmds, "restore %s", snap);
    snprintf(want, sizeof want, "restore: %s: larger than 268435456 bytes, the limit for a "
             "snapshot\n", snap);
    cs_mon_fails(cmds, want);

    const char *in = sparse("edge.in", (off_t)64 << 20);
    struct cs_outcome o = cs_run_tgm("check", "--input-file", in, "examples/hello.s", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "examples/hello.s: equivalent (alone); 69 instructions, "
                               "79.7101% executed directly\n");
    cs_outcome_free(&o);
    in = sparse("past.in", ((off_t)64 << 20) + 1);
    snprintf(want, sizeof want, "tgm: check: --input-file: %s: larger than 67108864 bytes, "
             "the limit for console input\n", in);
    o = cs_run_tgm("check", "--input-file", in, "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, want);
    assert_int_equal(o.out_len, 0);
    cs_outcome_free(&o);
}

/* ---- a damaged snapshot ------------------------------------------------ */

/* robustness.md, the snapshot rows: "valid checksum, its sections not as
 * written (N counts from the file's start: there the section, or the
 * bytes after the last, begin) | `...: offset N: bad section 2: ...` (also
 * ... `it runs past the end of the file` ...); `...: offset N: the 3
 * sections end there, not at the checksum (offset M)`", and a refused
 * input leaves "the machine and the files as they were". */
static void restore__sections_past_the_end_or_short_of_the_checksum(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH], want[2 * CS_PATH];
    cs_tmp_path(path, sizeof path, "sec.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *good = (uint8_t *)cs_slurp(path, &len);
    uint32_t nsec = (uint32_t)ms_get_le(good + 12, 4);
    assert_int_equal(nsec, 4); /* SESS, BARE, BSYM, BRKS */
    size_t last = 16;
    for (uint32_t i = 0; i + 1 < nsec; i++)
        last += 16 + ms_get_le(good + last + 8, 8);
    struct cs_outcome before = cs_mon_ok("load examples/sum.s; step 3; regs");
    for (int k = 0; k < 2; k++) {
        uint8_t *bad = malloc(len);
        assert_non_null(bad);
        memcpy(bad, good, len);
        if (k == 0) {
            ms_put_le(bad + last + 8, ms_get_le(good + last + 8, 8) + 1, 8);
            snprintf(want, sizeof want, "-c:1: restore: %s: offset %zu: bad section 3: it "
                     "runs past the end of the file\n", path, last);
        } else {
            ms_put_le(bad + 12, nsec - 1, 4);
            snprintf(want, sizeof want, "-c:1: restore: %s: offset %zu: the 3 sections end "
                     "there, not at the checksum (offset %zu)\n", path, last, len - 8);
        }
        ms_put_le(bad + len - 8, tgm_fnv1a(bad, len - 8, TGM_FNV_SEED), 8);
        cs_write_bytes(path, bad, len);
        snprintf(cmds, sizeof cmds, "set on-error continue; load examples/sum.s; step 3; "
                 "restore %s; regs", path);
        struct cs_outcome o = cs_mon(cmds);
        assert_string_equal(o.err, want);
        assert_string_equal(o.out, before.out); /* the session as it was */
        cs_outcome_free(&o);
        size_t n;
        char *kept = cs_slurp(path, &n);
        assert_int_equal(n, len);
        assert_memory_equal(kept, bad, len);
        free(kept);
        free(bad);
    }
    cs_outcome_free(&before);
    free(good);
}

/* ---- waits and closed streams ------------------------------------------ */

/* robustness.md: a monitor script that is "a FIFO no one writes to (tgm
 * waits for a writer, as `cat` does) | SIGTERM, SIGHUP or Ctrl-C ends the
 * wait: `tgm: monitor: cannot open script 'wait.mon': Interrupted system
 * call` | 128 + the signal's number": SIGHUP, 129, that very line. */
/* The child's SIGINT and SIGHUP at their defaults: tgm keeps a signal
 * ignored when it started ignored, and this suite may run under nohup. */
static void child_hup_default(void)
{
    cs_child_sigint();
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    sigemptyset(&dfl.sa_mask);
    sigaction(SIGHUP, &dfl, NULL);
}

static void script__sighup_ends_the_wait_for_a_fifo(void **state)
{
    (void)state;
    const char *fifo = cs_tmp("wait.mon");
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    pid_t pid = cs_start_tgm_with(-1, child_hup_default, "monitor", CS_ARGV("-f", fifo));
    int caught = cs_catches_sigint(pid); /* its handlers are in place */
    if (caught != 1) {
        kill(pid, SIGKILL);
        struct cs_outcome o = cs_finish_tgm(pid);
        cs_outcome_free(&o);
        unlink(fifo);
        if (caught < 0)
            skip();
        fail_msg("tgm monitor -f FIFO never caught SIGINT");
    }
    bool waiting = cs_blocked_in(pid, SYS_openat);
    assert_int_equal(kill(pid, SIGHUP), 0);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_true(waiting);
    assert_int_equal(o.status, 128 + SIGHUP);
    char want[CS_PATH + 96];
    snprintf(want, sizeof want, "tgm: monitor: cannot open script '%s': Interrupted system "
             "call\n", fifo);
    assert_string_equal(o.err, want);
    assert_int_equal(o.out_len, 0);
    cs_outcome_free(&o);
    assert_int_equal(unlink(fifo), 0);
}

/* `tgm ARGS 2>&1 >&-`, standard output closed (ARGS a format taking the
 * paths P0 and P1), exits with STATUS and says WANT (a format taking P0). */
static void closed_says(int status, const char *want, const char *args, const char *p0,
                        const char *p1)
{
    char cmd[5 * CS_PATH], line[4 * CS_PATH], said_want[2 * CS_PATH];
    int st;
    snprintf(line, sizeof line, args, p0, p1);
    snprintf(cmd, sizeof cmd, "'%s' %s 2>&1 >&-", cs_tgm(), line);
    snprintf(said_want, sizeof said_want, want, p0);
    char *said = cs_sh_output(cmd, &st);
    if (st != status || strcmp(said, said_want) != 0)
        fail_msg("%s: status %d, said \"%s\"", line, st, said);
    free(said);
}

/* PATH holds "old\n" still. */
static void still_old(const char *path)
{
    char *kept = cs_slurp(path, NULL);
    assert_string_equal(kept, "old\n");
    free(kept);
}

/* robustness.md: a closed standard output "is opened for reading only, so
 * writing the report to it still fails: `tgm: run: cannot write the
 * output: Bad file descriptor` ..., status 2, and nothing else is
 * written: a command whose report or listing goes there writes no file
 * (`tgm run` adds `; --dump q.bin not written`; `tgm as -l` leaves IMAGE
 * as it was), one that writes nothing there (`tgm as` without `-l`, `tgm
 * dis -o F`) is not hindered, and a monitor session still runs its
 * commands, and a `save` among them writes its file, but its output is
 * lost and it ends with status 2." */
static void closed__stdout_fails_the_report_and_keeps_the_files(void **state)
{
    (void)state;
    char dump[CS_PATH], src[CS_PATH], img[CS_PATH], dis[CS_PATH], snap[CS_PATH];
    cs_tmp_path(dump, sizeof dump, "q.bin");
    cs_put_text(dump, "old\n");
    closed_says(2, "tgm: run: cannot write the output: Bad file descriptor; --dump %s not "
                "written\n", "run examples/hello.s --dump '%s'", dump, NULL);
    still_old(dump);
    cs_write_text(src, sizeof src, "l.s", cs_hi_src);
    cs_tmp_path(img, sizeof img, "l.img");
    cs_put_text(img, "old\n");
    closed_says(2, "tgm: as: cannot write the listing: Bad file descriptor; %s not written\n",
                "as -l '%2$s' -o '%1$s'", img, src);
    still_old(img);
    cs_tmp_path(dis, sizeof dis, "closed.s");
    closed_says(0, "", "as '%2$s' -o '%1$s'", img, src);
    closed_says(0, "", "dis '%2$s' -o '%1$s'", dis, img);
    char *text = cs_slurp(dis, NULL);
    cs_assert_has(text, "; assembling this file gives back the identical image\n");
    free(text);
    cs_tmp_path(snap, sizeof snap, "closed.snap");
    unlink(snap);
    closed_says(2, "tgm: monitor: cannot write the output: Bad file descriptor\n",
                "monitor -c 'load examples/hello.s; step 5; save %s; echo x'", snap, NULL);
    char cmds[CS_PATH + 32];
    snprintf(cmds, sizeof cmds, "restore %s; regs", snap); /* written, and whole */
    cs_mon_prints(cmds, "P=0x00007");
    assert_int_equal(unlink(snap), 0);
}

/* run.md, `--nest`: "a guest image that does not fit in the `--mem` given
 * is said first, as a bare run says it, with the same most", before the
 * --mem too large for the levels; with an image that fits, the levels'
 * words are said. */
static void nest__an_image_past_mem_is_said_before_the_levels(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "top.s", ".org 524287\nx: .word 1\n");
    static const char *const cmds[] = {"run", "check"};
    for (int i = 0; i < 2; i++) {
        struct cs_outcome o = cs_run_tgm(cmds[i], "--nest", "1", "--mem", "523649", path, NULL);
        assert_int_equal(o.status, 2);
        char want[CS_PATH + 200];
        snprintf(want, sizeof want,
                 "tgm: %s: %s: image needs words 524287..524287 but the machine has 523649 "
                 "words (no --mem is large enough: a guest has at most 523648 words here)\n",
                 cmds[i], path);
        assert_string_equal(o.err, want);
        cs_outcome_free(&o);
    }
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--mem", "523649", "examples/hello.s",
                                     NULL);
    assert_int_equal(o.status, 2);
    cs_assert_has(o.err, "1 level of 640 words and a guest of 523649 words need 524289 words");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_vmm58");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest__an_image_past_mem_is_said_before_the_levels),
        cmocka_unit_test(stats__the_rows_of_the_dispatchers_table),
        cmocka_unit_test(stats__an_svc_in_either_mode_plain_and_hybrid),
        cmocka_unit_test(stats__a_delivered_timer_trap_is_no_entry),
        cmocka_unit_test(stats__slices_are_counted_in_virtual_cycles),
        cmocka_unit_test(debug__a_reflected_trap_meets_a_watchpoint_as_on_the_bare_machine),
        cmocka_unit_test(check__a_trap_loop_names_its_trap),
        cmocka_unit_test(hostile__each_loops_to_its_limit_beside_a_guest_that_halts),
        cmocka_unit_test(limits__each_reader_takes_its_limit_and_refuses_a_byte_more),
        cmocka_unit_test(restore__sections_past_the_end_or_short_of_the_checksum),
        cmocka_unit_test(script__sighup_ends_the_wait_for_a_fifo),
        cmocka_unit_test(closed__stdout_fails_the_report_and_keeps_the_files),
    };
    return cmocka_run_group_tests_name("audit_vmm58", tests, group_setup, group_teardown);
}
