/* test_audit_ringfill.c: the history ring after a run in the fast loop
 * (docs/monitor.md, "The history ring"), filled by replay.
 *
 * Each such fill created a machine of the bare machine's size, loaded a
 * checkpoint into it and replayed the last steps: 30 ms a 'go' at 2^19
 * words.  It now keeps that machine between runs and goes on from where
 * the last fill left it; with a VM selected it starts from where the last
 * fill's replay ended instead of replaying every call since a checkpoint.
 * What 'history' shows must not change: these scripts' outputs are the
 * ones the monitor gave before (bare and in a VM; after breakpoint, trap,
 * HALT and Ctrl-C stops; with checkpoints thinned; after a deposit, rstep
 * and a change of memory size or profile), and out of memory in the kept
 * machine loses the ring as it did, for that run only.
 *
 * This file's malloc can fail on demand (oom_support.h); under a
 * sanitizer the out-of-memory test is skipped.
 */
#include <errno.h>
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

#include "mon_support.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#include "oom_support.h"

/* A loop that stores at every turn. */
static const char LOOP_S[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LI    i, 0\n"
    "loop:   ADDI  i, i, 1\n"
    "        STX   buf, k, i\n"
    "        ADDI  k, k, 1\n"
    "        BNE   k, n, loop\n"
    "        LI    k, 0\n"
    "        JMP   loop\n"
    "fault:  HALT\n"
    "i:      .word 0\n"
    "k:      .word 0\n"
    "n:      .word 16\n"
    "buf:    .space 16\n";

/* An SVC at every turn, served in supervisor mode, and a HALT after 7. */
static const char TRAP_S[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, h, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  ADDI  n, n, 1\n"
    "        SVC   3\n"
    "        BNE   n, lim, start\n"
    "        HALT\n"
    "        JMP   start\n"
    "h:      ADDI  c, c, 1\n"
    "        ADD   0, 0, p_one\n"
    "        LPSW  0\n"
    "n:      .word 0\n"
    "c:      .word 0\n"
    "lim:    .word 7\n"
    "p_one:  .word 1 << 39\n";

/* Output at every turn, and a course a deposit into f changes. */
static const char TURN_S[] __attribute__((unused)) =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  COUT  ch\n"
    "        BZ    f, two\n"
    "        ADDI  i, i, 1\n"
    "        JMP   start\n"
    "two:    ADDI  j, j, 1\n"
    "        JMP   start\n"
    "fault:  HALT\n"
    "ch:     .word 65\n"
    "f:      .word 1\n"
    "i:      .word 0\n"
    "j:      .word 0\n";

static char loop_path[320], trap_path[320];

static int setup(void **state)
{
    (void)state;
    const char *src[] = {LOOP_S, TRAP_S};
    char *path[] = {loop_path, trap_path};
    const char *stem[] = {"ringfill-loop.s", "ringfill-trap.s"};
    for (int i = 0; i < 2; i++) {
        ms_tmp_file(path[i], sizeof loop_path, stem[i]);
        FILE *f = fopen(path[i], "w");
        if (!f || fputs(src[i], f) < 0 || fclose(f) != 0)
            return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(loop_path);
    unlink(trap_path);
    return 0;
}

/* The output, errors and status of each line of a script, one after
 * another.  A line with %L or %T (the programs' paths) is run but its
 * output is not kept (it names the file), nor that of a line that begins
 * with '-' (run without it); "!int" asks for Ctrl-C. */
static char *run_script(const char *const *lines)
{
    size_t cap = 1 << 16, len = 0;
    char *all = calloc(cap, 1);
    assert_non_null(all);
    sess_open();
    for (size_t i = 0; lines[i]; i++) {
        if (!strcmp(lines[i], "!int")) {
            mon_interrupt(); /* as the SIGINT handler does */
            continue;
        }
        char line[1024];
        const char *l = lines[i] + (lines[i][0] == '-');
        const char *p = strstr(l, "%L"), *q = strstr(l, "%T");
        const char *at = p ? p : q;
        if (at)
            snprintf(line, sizeof line, "%.*s%s%s", (int)(at - l), l, p ? loop_path : trap_path,
                     at + 2);
        else
            snprintf(line, sizeof line, "%s", l);
        sess_clear();
        int rc = mon_exec_line(S.m, line);
        bool quiet = at || l != lines[i];
        if (quiet && rc != 0)
            fail_msg("'%s' failed: %s", line, S.ebuf);
        if (quiet)
            continue;
        size_t need = len + strlen(line) + strlen(S.obuf) + strlen(S.ebuf) + 32;
        if (need > cap) {
            char *n = realloc(all, cap = 2 * need);
            assert_non_null(n);
            all = n;
        }
        len += (size_t)snprintf(all + len, cap - len, "> %s\n%s%s%s", line, S.obuf, S.ebuf,
                                rc ? "(failed)\n" : "");
    }
    sess_close();
    return all;
}

/* ---- the scripts, and what the monitor printed for them before ---- */

struct script {
    const char *name;
    const char *const *lines;
    const char *want;
};

/* Short runs, and runs longer than the ring, one after another.  (A line
 * that begins with '-' is run, its output not kept.) */
static const char *const short_runs[] = {
    "load %L", "-go for 1", "-go for 1", "-go for 1", "history 4", "-go for 1000", "history 4",
    "-go for 300", "history 3", "set ring 6", "-go for 3", "-go for 3", "history", "-go for 5",
    "history", "-go for 100", "history", "-go for 7", "history 2", NULL};

/* A breakpoint's stop (the checked loop fills the ring), then fast runs. */
static const char *const breakpoints[] = {
    "load %L", "set ring 5", "go for 2", "break loop+3", "go", "history", "delete all",
    "go for 4", "history", "break 7", "continue", "continue", "delete all", "go for 3",
    "history", "until loop+1", "history", "go for 40", "history", NULL};

/* Traps taken (each in the ring with its cause), a HALT, runs after it,
 * a run to the step limit. */
static const char *const traps_halt[] = {
    "load %T", "set ring 6", "go for 5", "history", "go for 2", "history", "go", "history",
    "go for 3", "history", "set limit 5000", "go", "history", "break trap svc", "go",
    "history", "delete all", "go for 4", "history", NULL};

/* Ctrl-C: the run stops at its first look, the ring has its last steps. */
static const char *const ctrl_c[] = {
    "load %L", "set ring 4", "go for 10", "history", "!int", "go", "history", "go for 2",
    "history", "!int", "continue", "history", NULL};

/* A deposit (a new history), rstep (the ring refilled), runs after them. */
static const char *const rebased[] = {
    "load %L", "set ring 5", "-go for 5", "deposit i 100", "-go for 3", "history", "rstep 2",
    "history", "-go for 2", "history", "-go for 9", "history", "step 3", "-go for 2",
    "history", NULL};

/* Checkpoints every 10 steps, thinned many times over. */
static const char *const thinned[] = {
    "load %L", "set ring 5", "set checkpoint 10", NULL};

/* The memory size and the profile changed between runs. */
static const char *const resized[] = {
    "load %L", "set ring 4", "-go for 5", "history", "set memory 4096", "load %L", "-go for 4",
    "history", "set profile pdp10", "load %L", "-go for 6", "history", "set memory 524288",
    "load %L", "-go for 3", "history", "-go for 2", "history", "set ring 0", "-go for 3",
    "set ring 3", "-go for 4", "history", NULL};

/* With a VM selected (rstep cuts the log the fill's replay runs on). */
static const char *const vm_runs[] = {
    "vm create a 4096 %L", "vm select a", "set ring 5", "-go for 1", "-go for 1", "-go for 1",
    "history 4", "-go for 1000", "history", "rstep 10", "-go for 600", "history 2", "rstep 7",
    "-go for 250000", "history 2", "-go for 3", "history", "-go for 600", "history 2",
    "step 2", "-go for 2", "history", "deposit 0x20 7", "-go for 4", "history", "!int", "go",
    "history 3", NULL};

/* Traps in a VM, reflected to its own handler, and its HALT. */
static const char *const vm_traps[] = {
    "vm create a 4096 %T", "vm select a", "set ring 6", "go for 5", "history", "go for 4",
    "history", "go", "history", "go for 2", "history", NULL};

/* The thinned script: 100 runs of 7 steps, with a look now and then. */
static const char *thinned_lines[200];

static void thinned_build(void)
{
    size_t n = 0;
    for (size_t k = 0; thinned[k]; k++)
        thinned_lines[n++] = thinned[k];
    for (int r = 1; r <= 100; r++) {
        thinned_lines[n++] = "-go for 7";
        if (r % 25 == 0 || r == 1)
            thinned_lines[n++] = "history";
    }
    static const char *const tail[] = {"rstep 5", "history", "go for 4", "history",
                                       "rstep 600", "history", "go for 3", "history"};
    for (size_t k = 0; k < sizeof tail / sizeof tail[0]; k++)
        thinned_lines[n++] = tail[k];
    thinned_lines[n] = NULL;
}

/* What the monitor printed for them before (RINGFILL_PRINT, below). */
#define WANT_short_runs \
    "> history 4\n" \
    "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history 4\n" \
    "      2211 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      2214 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      2216 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      2218 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> history 3\n" \
    "      2879 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      2881 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      2883 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> set ring 6\n" \
    "> history\n" \
    "      2885 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      2888 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      2890 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      2892 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      2894 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      2897 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history\n" \
    "      2897 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      2899 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      2901 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      2903 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      2906 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      2908 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> history\n" \
    "      3117 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      3119 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      3121 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      3123 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      3126 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      3128 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> history 2\n" \
    "      3141 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      3144 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n"

#define WANT_breakpoints \
    "> set ring 5\n" \
    "> go for 2\n" \
    "stopped after 2 steps, 3 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> break loop+3\n" \
    "breakpoint 1 at 0x6\n" \
    "> go\n" \
    "breakpoint 1 at 0x6, hit 1 time\n" \
    "stopped at 0x6 after 2 steps, 5 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "> history\n" \
    "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> delete all\n" \
    "> go for 4\n" \
    "stopped after 4 steps, 9 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "> history\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        17 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> break 7\n" \
    "breakpoint 2 at 0x7\n" \
    "> continue\n" \
    "breakpoint 2 at 0x7, hit 1 time\n" \
    "stopped at 0x7 after 57 steps, 128 cycles: s I=0 P=0x00007 l=0x00000 b=0x80000\n" \
    "  0x00007              LI     k, 0\n" \
    "> continue\n" \
    "breakpoint 2 at 0x7, hit 2 times\n" \
    "stopped at 0x7 after 66 steps, 146 cycles: s I=0 P=0x00007 l=0x00000 b=0x80000\n" \
    "  0x00007              LI     k, 0\n" \
    "> delete all\n" \
    "> go for 3\n" \
    "stopped after 3 steps, 4 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "       289 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       291 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       292 s I=0 P=0x00007 l=0x00000 b=0x80000  LI     k, 0\n" \
    "       293 s I=0 P=0x00008 l=0x00000 b=0x80000  JMP    loop\n" \
    "       295 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> until loop+1\n" \
    "stopped at 0x4 after 4 steps, 9 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "       295 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       298 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       300 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       302 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       304 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> go for 40\n" \
    "stopped after 40 steps, 90 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "       385 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       388 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       390 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       392 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       394 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n"

#define WANT_traps_halt \
    "> set ring 6\n" \
    "> go for 5\n" \
    "stopped after 5 steps, 13 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              BNE    n, lim, start\n" \
    "> history\n" \
    "         2 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "         6 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "         8 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "        10 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "        13 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "> go for 2\n" \
    "stopped after 2 steps, 4 cycles: s I=0 P=0x00003 l=0x00000 b=0x80000\n" \
    "  0x00003              SVC    0x3\n" \
    "> history\n" \
    "         6 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "         8 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "        10 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "        13 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n" \
    "        17 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "> go\n" \
    "halted after 36 steps: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00005              HALT\n" \
    "> history\n" \
    "        96 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "        98 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "       100 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "       103 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "       105 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n" \
    "       106 s I=0 P=0x00005 l=0x00000 b=0x80000  HALT\n" \
    "> go for 3\n" \
    "stopped after 3 steps, 7 cycles: s I=0 P=0x00007 l=0x00000 b=0x80000\n" \
    "  0x00007 h            ADDI   c, c, 1\n" \
    "> history\n" \
    "       103 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "       105 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n" \
    "       106 s I=0 P=0x00005 l=0x00000 b=0x80000  HALT\n" \
    "       107 s I=0 P=0x00006 l=0x00000 b=0x80000  JMP    start\n" \
    "       109 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "       113 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "> set limit 5000\n" \
    "> go\n" \
    "step limit (5000) reached: s I=0 P=0x00009 l=0x00000 b=0x80000\n" \
    "  0x00009              LPSW   0x0\n" \
    "> history\n" \
    "     12600 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "     12602 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n" \
    "     12604 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "     12608 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "     12610 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "     12612 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "> break trap svc\n" \
    "breakpoint 1: trap stop (svc)\n" \
    "> go\n" \
    "breakpoint 1: svc trap at 0x3, hit 1 time\n" \
    "stopped at 0x7 h after 4 steps, 11 cycles: s I=0 P=0x00007 l=0x00000 b=0x80000\n" \
    "  0x00007 h            ADDI   c, c, 1\n" \
    "> history\n" \
    "     12610 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "     12612 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "     12615 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "     12617 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n" \
    "     12619 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "     12623 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "> delete all\n" \
    "> go for 4\n" \
    "stopped after 4 steps, 9 cycles: s I=0 P=0x00002 l=0x00000 b=0x80000\n" \
    "  0x00002 start        ADDI   n, n, 1\n" \
    "> history\n" \
    "     12619 s I=0 P=0x00002 l=0x00000 b=0x80000  ADDI   n, n, 1\n" \
    "     12623 s I=0 P=0x00003 l=0x00000 b=0x80000  SVC    0x3  -> trap svc\n" \
    "     12625 s I=0 P=0x00007 l=0x00000 b=0x80000  ADDI   c, c, 1\n" \
    "     12627 s I=0 P=0x00008 l=0x00000 b=0x80000  ADD    0x0, 0x0, p_one\n" \
    "     12630 s I=0 P=0x00009 l=0x00000 b=0x80000  LPSW   0x0\n" \
    "     12632 s I=0 P=0x00004 l=0x00000 b=0x80000  BNE    n, lim, start\n"

#define WANT_ctrl_c \
    "> set ring 4\n" \
    "> go for 10\n" \
    "stopped after 10 steps, 21 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        17 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        19 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        21 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> go\n" \
    "interrupted after 100000 steps: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "> history\n" \
    "    221227 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "    221229 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "    221232 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "    221234 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> go for 2\n" \
    "stopped after 2 steps, 4 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "    221232 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "    221234 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "    221236 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "    221238 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> continue\n" \
    "interrupted after 100000 steps: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "> history\n" \
    "    442444 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "    442446 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "    442449 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "    442451 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n"

#define WANT_rebased \
    "> set ring 5\n" \
    "> deposit i 100\n" \
    "> history\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        17 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> rstep 2\n" \
    "back 2 steps, at step 6: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> history\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        17 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> history\n" \
    "        28 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        30 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        33 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        35 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        37 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> step 3\n" \
    "  0x00003 loop         ADDI   i, i, 1\n" \
    "    PSW s I=0 P=0x00003 l=0x00000 b=0x80000 -> s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "    E[0xa] := 0x68 (was 0x67)\n" \
    "  0x00004              STX    buf, k, i\n" \
    "    PSW s I=0 P=0x00004 l=0x00000 b=0x80000 -> s I=0 P=0x00005 l=0x00000 b=0x80000\n" \
    "    E[0x11] := 0x68 (was 0)\n" \
    "  0x00005              ADDI   k, k, 1\n" \
    "    PSW s I=0 P=0x00005 l=0x00000 b=0x80000 -> s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "    E[0xb] := 0x5 (was 0x4)\n" \
    "> history\n" \
    "        39 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        42 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        44 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        46 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        48 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n"

#define WANT_thinned \
    "> set ring 5\n" \
    "> set checkpoint 10\n" \
    "> history\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        15 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history\n" \
    "       379 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       381 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       383 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       385 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       388 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history\n" \
    "       765 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       767 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       769 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       772 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       774 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> history\n" \
    "      1154 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      1156 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      1158 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      1160 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      1163 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history\n" \
    "      1540 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      1542 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      1544 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      1547 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      1549 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> rstep 5\n" \
    "back 5 steps, at step 695: s I=0 P=0x00005 l=0x00000 b=0x80000\n" \
    "  0x00005              ADDI   k, k, 1\n" \
    "> history\n" \
    "      1529 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      1531 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      1533 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      1535 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      1538 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> go for 4\n" \
    "stopped after 4 steps, 9 cycles: s I=0 P=0x00005 l=0x00000 b=0x80000\n" \
    "  0x00005              ADDI   k, k, 1\n" \
    "> history\n" \
    "      1538 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "      1540 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "      1542 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "      1544 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "      1547 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> rstep 600\n" \
    "back 600 steps, at step 99: s I=0 P=0x00003 l=0x00000 b=0x80000\n" \
    "  0x00003 loop         ADDI   i, i, 1\n" \
    "> history\n" \
    "       210 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       212 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       215 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       217 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       219 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> go for 3\n" \
    "stopped after 3 steps, 7 cycles: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "> history\n" \
    "       217 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "       219 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "       221 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "       224 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "       226 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n"

#define WANT_resized \
    "> set ring 4\n" \
    "> history\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> set memory 4096\n" \
    "bare machine: q=4096, profile virtualizable (reset)\n" \
    "> history\n" \
    "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "> set profile pdp10\n" \
    "bare machine: q=4096, profile pdp10 (reset)\n" \
    "> history\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "> set memory 524288\n" \
    "bare machine: q=524288, profile pdp10 (reset)\n" \
    "> history\n" \
    "        12 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "> history\n" \
    "         3 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "         6 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "         8 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n" \
    "        10 s I=0 P=0x00006 l=0x00000 b=0x80000  BNE    k, n, loop\n" \
    "> set ring 0\n" \
    "> set ring 3\n" \
    "> history\n" \
    "        21 s I=0 P=0x00003 l=0x00000 b=0x80000  ADDI   i, i, 1\n" \
    "        24 s I=0 P=0x00004 l=0x00000 b=0x80000  STX    buf, k, i\n" \
    "        26 s I=0 P=0x00005 l=0x00000 b=0x80000  ADDI   k, k, 1\n"

#define WANT_vm_runs \
    "> vm select a\n" \
    "> set ring 5\n" \
    "> history 4\n" \
    "         1 real u I=1 P=0x00002 l=0x00008 b=0x01000  LI     0xa, 0\n" \
    "         3 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "         6 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "> history\n" \
    "      2209 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "      2211 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "      2214 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "      2216 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "      2218 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "> rstep 10\n" \
    "a: back 10 steps, at step 993: s I=0 P=0x00005 l=0x00000 b=0x80000\n" \
    "  0x00005              ADDI   k, k, 1\n" \
    "> history 2\n" \
    "      3521 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "      3523 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "> rstep 7\n" \
    "a: back 7 steps, at step 1586: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              STX    buf, k, i\n" \
    "> history 2\n" \
    "    556538 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "    556540 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "> history\n" \
    "    556538 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "    556540 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "    556542 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "    556544 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "    556547 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "> history 2\n" \
    "    557869 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "    557872 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "> step 2\n" \
    "  0x00005              ADDI   k, k, 1\n" \
    "    PSW s I=0 P=0x00005 l=0x00000 b=0x80000 -> s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "    E[0xb] := 0x1 (was 0)\n" \
    "  0x00006              BNE    k, n, loop\n" \
    "    PSW s I=0 P=0x00006 l=0x00000 b=0x80000 -> s I=0 P=0x00003 l=0x00000 b=0x80000\n" \
    "> history\n" \
    "    557872 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "    557874 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "    557876 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "    557878 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "    557881 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "> deposit 0x20 7\n" \
    "> history\n" \
    "    557881 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "    557883 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "    557885 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n" \
    "    557887 real u I=1 P=0x00003 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "    557890 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "> go\n" \
    "a: interrupted after 100000 steps: s I=0 P=0x00003 l=0x00000 b=0x80000\n" \
    "  0x00003 loop         ADDI   i, i, 1\n" \
    "> history 3\n" \
    "    779098 real u I=1 P=0x00004 l=0x00008 b=0x01000  STX    0xd, 0xb, 0xa\n" \
    "    779100 real u I=1 P=0x00005 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "    779102 real u I=1 P=0x00006 l=0x00008 b=0x01000  BNE    0xb, 0xc, 0x3\n"

#define WANT_vm_traps \
    "> vm select a\n" \
    "> set ring 6\n" \
    "> go for 5\n" \
    "a: stopped after 5 steps, 13 cycles: s I=0 P=0x00004 l=0x00000 b=0x80000\n" \
    "  0x00004              BNE    n, lim, start\n" \
    "> history\n" \
    "         6 real u I=1 P=0x00003 l=0x00008 b=0x01000  SVC    0x3  -> trap svc\n" \
    "         7 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "         9 real u I=1 P=0x00007 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "        11 real u I=1 P=0x00008 l=0x00008 b=0x01000  ADD    0x0, 0x0, 0xd\n" \
    "        15 real u I=1 P=0x00009 l=0x00008 b=0x01000  LPSW   0x0  -> trap privileged\n" \
    "        16 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "> go for 4\n" \
    "a: stopped after 4 steps, 10 cycles: s I=0 P=0x00008 l=0x00000 b=0x80000\n" \
    "  0x00008              ADD    0x0, 0x0, p_one\n" \
    "> history\n" \
    "        16 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "        18 real u I=1 P=0x00004 l=0x00008 b=0x01000  BNE    0xa, 0xc, 0x2\n" \
    "        20 real u I=1 P=0x00002 l=0x00008 b=0x01000  ADDI   0xa, 0xa, 1\n" \
    "        24 real u I=1 P=0x00003 l=0x00008 b=0x01000  SVC    0x3  -> trap svc\n" \
    "        25 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "        27 real u I=1 P=0x00007 l=0x00008 b=0x01000  ADDI   0xb, 0xb, 1\n" \
    "> go\n" \
    "no VM is runnable after 34 steps\n" \
    "a: halted: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00005              HALT\n" \
    "> history\n" \
    "       119 real u I=1 P=0x00008 l=0x00008 b=0x01000  ADD    0x0, 0x0, 0xd\n" \
    "       123 real u I=1 P=0x00009 l=0x00008 b=0x01000  LPSW   0x0  -> trap privileged\n" \
    "       124 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "       126 real u I=1 P=0x00004 l=0x00008 b=0x01000  BNE    0xa, 0xc, 0x2\n" \
    "       130 real u I=1 P=0x00005 l=0x00008 b=0x01000  HALT  -> trap privileged\n" \
    "       131 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "> go for 2\n" \
    "no VM is runnable after 0 steps\n" \
    "a: halted: s I=0 P=0x00006 l=0x00000 b=0x80000\n" \
    "  0x00005              HALT\n" \
    "> history\n" \
    "       119 real u I=1 P=0x00008 l=0x00008 b=0x01000  ADD    0x0, 0x0, 0xd\n" \
    "       123 real u I=1 P=0x00009 l=0x00008 b=0x01000  LPSW   0x0  -> trap privileged\n" \
    "       124 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n" \
    "       126 real u I=1 P=0x00004 l=0x00008 b=0x01000  BNE    0xa, 0xc, 0x2\n" \
    "       130 real u I=1 P=0x00005 l=0x00008 b=0x01000  HALT  -> trap privileged\n" \
    "       131 real s I=0 P=0x00002 l=0x00000 b=0x80000  HCALL  0x0\n"

static const struct script scripts[] = {
    {"short_runs", short_runs, WANT_short_runs},
    {"breakpoints", breakpoints, WANT_breakpoints},
    {"traps_halt", traps_halt, WANT_traps_halt},
    {"ctrl_c", ctrl_c, WANT_ctrl_c},
    {"rebased", rebased, WANT_rebased},
    {"thinned", thinned_lines, WANT_thinned},
    {"resized", resized, WANT_resized},
    {"vm_runs", vm_runs, WANT_vm_runs},
    {"vm_traps", vm_traps, WANT_vm_traps},
};

#ifdef RINGFILL_PRINT
/* Print the outputs as the WANT_ macros above (how they were made). */
int main(void)
{
    setup(NULL);
    thinned_build();
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        char *got = run_script(scripts[i].lines);
        printf("#define WANT_%s \\\n", scripts[i].name);
        for (char *l = got; *l;) {
            char *nl = strchr(l, '\n');
            printf("    \"");
            for (char *c = l; c < nl; c++)
                printf(*c == '"' || *c == '\\' ? "\\%c" : "%c", *c);
            printf("\\n");
            printf("\"%s\n", nl[1] ? " \\" : "");
            l = nl + 1;
        }
        printf("\n");
        free(got);
    }
    teardown(NULL);
    return 0;
}
#else
/* Every script's output, as the monitor gave it before. */
static void history__same_as_before(void **state)
{
    (void)state;
    thinned_build();
    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        char *got = run_script(scripts[i].lines);
        if (strcmp(got, scripts[i].want)) {
            print_error("%s: got:\n%s\nwant:\n%s\n", scripts[i].name, got, scripts[i].want);
            free(got);
            fail();
        }
        free(got);
    }
}

/* The focused machine: the bare one, or VM a. */
static struct machine *focused(bool vm)
{
    return vm ? vmm_vm_view(mon_vmm(S.m), vmm_vm_find(mon_vmm(S.m), "a")) : mon_machine(S.m);
}

/* A session after SETUP (';'-separated, %s the program's path). */
static void sess_setup(const char *setup_fmt, const char *path)
{
    char cmd[800];
    snprintf(cmd, sizeof cmd, setup_fmt, path);
    sess_open();
    if (mon_exec_line(S.m, cmd) != 0)
        fail_msg("'%s' failed: %s", cmd, S.ebuf);
    sess_clear();
}

/* What LINE printed, or fail. */
static char *output_of(const char *line)
{
    sess_clear();
    if (mon_exec_line(S.m, line) != 0)
        fail_msg("'%s' failed: %s", line, S.ebuf);
    char *out = strdup(S.obuf);
    assert_non_null(out);
    return out;
}

/* The ring's replay ran out of memory at each allocation in turn, in the
 * machine kept from the last fill (its checkpoint's load: a new history
 * after a deposit, with console output to copy) and in a VM's fill: the
 * run's steps are not in the ring, and 'history' says so in one line, as
 * before; or they all are.  The next run's ring is whole again. */
static void history__out_of_memory_in_a_fill(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320];
    ms_tmp_file(src, sizeof src, "ringfill-turn.s");
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs(TURN_S, f);
    assert_int_equal(fclose(f), 0);
    static const char *const setups[] = {
        "load %s; set ring 4; go for 50; deposit f 0",
        "vm create a 4096 %s; vm select a; set ring 4; go for 50; deposit f 0"};
    for (int vm = 0; vm < 2; vm++) {
        /* with nothing failing: the run's steps, 'history', the next run */
        sess_setup(setups[vm], src);
        free(output_of("go for 30"));
        uint64_t steps = machine_get_counters(focused(vm)).steps;
        char *want = output_of("history"), *want_next = output_of("go for 4; history");
        sess_close();
        int lost = 0, whole = 0;
        for (long n = 1;; n++) {
            sess_setup(setups[vm], src);
            fail_after(n);
            mon_exec_line(S.m, "go for 30");
            bool hit = disarm();
            bool ran = machine_get_counters(focused(vm)).steps == steps;
            sess_clear();
            int rc = mon_exec_line(S.m, "history");
            if (ran && rc != 0) {
                if (strcmp(S.ebuf, "history: out of memory: the instructions last run were "
                                   "not recorded\n"))
                    fail_msg("%s, N = %ld: history: %s", vm ? "VM" : "bare", n, S.ebuf);
                lost++;
            } else if (ran) {
                if (strcmp(S.obuf, want))
                    fail_msg("%s, N = %ld: history:\n%s\nwant:\n%s", vm ? "VM" : "bare", n,
                             S.obuf, want);
                whole++;
            }
            if (ran) {
                char *next = output_of("go for 4; history");
                if (strcmp(next, want_next))
                    fail_msg("%s, N = %ld: then:\n%s\nwant:\n%s", vm ? "VM" : "bare", n, next,
                             want_next);
                free(next);
            }
            sess_close();
            if (!hit)
                break;
        }
        if (!lost || !whole)
            fail_msg("%s: %d lost, %d whole", vm ? "VM" : "bare", lost, whole);
        free(want);
        free(want_next);
    }
    unlink(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(history__same_as_before),
        cmocka_unit_test(history__out_of_memory_in_a_fill),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
#endif
