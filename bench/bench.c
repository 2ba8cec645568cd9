/* bench.c: the speed harness for tgm (`make bench`).
 *
 * Fixed guest loops built with MAKE_INSN (no assembler needed), on the bare
 * machine of section 2 and under the control program of sections 4-6:
 * MIPS as the median of several timed runs, host instructions per guest
 * instruction (callgrind), the time ratio of a guest under the control
 * program to the same guest bare (or to one VM, for the rows of many VMs),
 * and the cost of one trap round trip.  A compact table at the end, JSON
 * and an SVG chart (this run against an earlier JSON) for comparing runs,
 * written by report.c; --native runs a loop's shape in C over memory
 * words, the physical limit.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "tgm/bytes.h"
#include "tgm/vmm.h"

#define MAX_RUNS 101

/* A guest loop for the bare machine: a program writer and its exact
 * instruction count, so each run checks that the loop ran as meant. */
struct loop {
    void (*load)(struct machine *m, uint64_t outer);
    uint64_t (*insns)(uint64_t outer);
    uint64_t (*privileged)(uint64_t outer); /* privileged instructions executed */
};

/* Data words of the loops, well after the code. */
enum { V_OUTER = 32, V_CNT, V_X, V_Y };
#define INNER 65536 /* inner iterations per outer one, as in the anchors */

static void put(struct machine *m, uint32_t addr, uint64_t w)
{
    machine_write_phys(m, addr, w);
}

/* The anchors' loop B (SIMH: ADD #3,R2; MOV R2,(R3); SOB R0):
 *   0  LI   outer, N
 *   1  LI   cnt, 65536        outer:
 *   2  ADDI x, x, 3           inner:
 *   3  MOV  y, x
 *   4  DJNZ cnt, inner
 *   5  DJNZ outer, outer
 *   6  HALT                                                             */
static void load_add_store(struct machine *m, uint64_t outer)
{
    put(m, 0, MAKE_INSN_L(OP_LI, V_OUTER, outer));
    put(m, 1, MAKE_INSN_L(OP_LI, V_CNT, INNER));
    put(m, 2, MAKE_INSN(OP_ADDI, V_X, V_X, 3));
    put(m, 3, MAKE_INSN(OP_MOV, V_Y, V_X, 0));
    put(m, 4, MAKE_INSN(OP_DJNZ, V_CNT, 2, 0));
    put(m, 5, MAKE_INSN(OP_DJNZ, V_OUTER, 1, 0));
    put(m, 6, MAKE_INSN(OP_HALT, 0, 0, 0));
}

static uint64_t insns_add_store(uint64_t outer)
{
    return 1 + outer * (1 + 3 * (uint64_t)INNER + 1) + 1;
}

/* The anchors' loop A (SIMH: SOB R0,.):
 *   0  LI   outer, N
 *   1  LI   cnt, 65536        outer:
 *   2  DJNZ cnt, 2            inner:
 *   3  DJNZ outer, outer
 *   4  HALT                                                             */
static void load_djnz(struct machine *m, uint64_t outer)
{
    put(m, 0, MAKE_INSN_L(OP_LI, V_OUTER, outer));
    put(m, 1, MAKE_INSN_L(OP_LI, V_CNT, INNER));
    put(m, 2, MAKE_INSN(OP_DJNZ, V_CNT, 2, 0));
    put(m, 3, MAKE_INSN(OP_DJNZ, V_OUTER, 1, 0));
    put(m, 4, MAKE_INSN(OP_HALT, 0, 0, 0));
}

static uint64_t insns_djnz(uint64_t outer)
{
    return 1 + outer * ((uint64_t)INNER + 2) + 1;
}

/* A privileged instruction every 10 instructions, in supervisor mode, so
 * under the control program every tenth one traps and is interpreted:
 *   0  LI   outer, N
 *   1  LI   cnt, 65536        outer:
 *   2..9  ADDI x, x, 1 (8)    inner:
 *   10 SPSW y
 *   11 DJNZ cnt, inner
 *   12 DJNZ outer, outer
 *   13 HALT                                                             */
#define TRAP_EVERY 10
static void load_trap_heavy(struct machine *m, uint64_t outer)
{
    put(m, 0, MAKE_INSN_L(OP_LI, V_OUTER, outer));
    put(m, 1, MAKE_INSN_L(OP_LI, V_CNT, INNER));
    for (uint32_t a = 2; a < TRAP_EVERY; a++)
        put(m, a, MAKE_INSN(OP_ADDI, V_X, V_X, 1));
    put(m, TRAP_EVERY, MAKE_INSN(OP_SPSW, V_Y, 0, 0));
    put(m, TRAP_EVERY + 1, MAKE_INSN(OP_DJNZ, V_CNT, 2, 0));
    put(m, TRAP_EVERY + 2, MAKE_INSN(OP_DJNZ, V_OUTER, 1, 0));
    put(m, TRAP_EVERY + 3, MAKE_INSN(OP_HALT, 0, 0, 0));
}

static uint64_t insns_trap_heavy(uint64_t outer)
{
    return 1 + outer * (1 + TRAP_EVERY * (uint64_t)INNER + 1) + 1;
}

/* Nothing but trap round trips under the control program:
 *   0  LI   outer, N
 *   1  LI   cnt, 65536        outer:
 *   2  SPSW y                 inner:
 *   3  DJNZ cnt, inner
 *   4  DJNZ outer, outer
 *   5  HALT                                                             */
static void load_spsw(struct machine *m, uint64_t outer)
{
    put(m, 0, MAKE_INSN_L(OP_LI, V_OUTER, outer));
    put(m, 1, MAKE_INSN_L(OP_LI, V_CNT, INNER));
    put(m, 2, MAKE_INSN(OP_SPSW, V_Y, 0, 0));
    put(m, 3, MAKE_INSN(OP_DJNZ, V_CNT, 2, 0));
    put(m, 4, MAKE_INSN(OP_DJNZ, V_OUTER, 1, 0));
    put(m, 5, MAKE_INSN(OP_HALT, 0, 0, 0));
}

static uint64_t insns_spsw(uint64_t outer)
{
    return 1 + outer * (1 + 2 * (uint64_t)INNER + 1) + 1;
}

static uint64_t none(uint64_t outer)
{
    (void)outer;
    return 0;
}

static uint64_t one_per_inner(uint64_t outer)
{
    return outer * INNER;
}

static const struct loop add_store_loop = {load_add_store, insns_add_store, none};
static const struct loop djnz_loop = {load_djnz, insns_djnz, none};
static const struct loop trap_heavy_loop = {load_trap_heavy, insns_trap_heavy, one_per_inner};
static const struct loop spsw_loop = {load_spsw, insns_spsw, one_per_inner};

static double now(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Run a struct loop on a fresh bare machine; only machine_run is timed.
 * DEBUG 1 sets one breakpoint, 2 one watchpoint (the checked loop), on a
 * word the loop never touches. */
static int run_loop(const struct bench *b, uint64_t size, struct sample *out, int debug)
{
    const struct loop *lp = b->arg;
    struct machine *m = machine_create(&(struct machine_config){0});
    if (!m) {
        fprintf(stderr, "bench: out of memory\n");
        return -1;
    }
    lp->load(m, size);
    if (debug == 1)
        machine_break_exec(m, V_OUTER - 1, true);
    else if (debug == 2)
        machine_watch(m, V_OUTER - 1, WATCH_READ | WATCH_WRITE);
    struct machine_exit ex;
    double w0 = now(CLOCK_MONOTONIC), t0 = now(CLOCK_THREAD_CPUTIME_ID);
    machine_run(m, UINT64_MAX, &ex);
    double t1 = now(CLOCK_THREAD_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
    struct machine_counters c = machine_get_counters(m);
    machine_destroy(m);
    if (ex.reason != EXIT_HALT || c.instret != lp->insns(size)) {
        fprintf(stderr, "bench: %s: stopped (%s) after %" PRIu64
                " instructions, expected HALT after %" PRIu64 "\n",
                b->name, exit_reason_name(ex.reason), c.instret, lp->insns(size));
        return -1;
    }
    *out = (struct sample){t1 - t0, w1 - w0, c.instret, c.cycles};
    return 0;
}

static int run_bare(const struct bench *b, uint64_t size, struct sample *out)
{
    return run_loop(b, size, out, 0);
}

static int run_break(const struct bench *b, uint64_t size, struct sample *out)
{
    return run_loop(b, size, out, 1);
}

static int run_watch(const struct bench *b, uint64_t size, struct sample *out)
{
    return run_loop(b, size, out, 2);
}

#define VM_WORDS 64 /* the loops fit in 64 words */

/* The outer loops of the I-th of N VMs sharing SIZE: the first SIZE % N
 * take one more, so that the shares add up to SIZE (row_size makes SIZE
 * at least N). */
static uint64_t vm_share(uint64_t size, unsigned n, unsigned i)
{
    uint64_t s = size / n + (i < size % n);
    return s ? s : 1;
}

/* Run a struct loop in each of the row's VMs (one by default) under one
 * control program, time-sliced when there are several, SIZE outer loops in
 * all (at least one each); only vmm_run is timed.  Each VM's own counters
 * (virtual time) must match a bare run of its share. */
static int run_vmm(const struct bench *b, uint64_t size, struct sample *out)
{
    const struct loop *lp = b->arg;
    unsigned n = b->nvms ? b->nvms : 1;
    uint32_t w = n > 1 ? VM_WORDS : TGM_Q_DEFAULT;
    char err[200];
    struct vmm_config cfg = {.q = VMM_K + n * w};
    struct vmm *v = vmm_create(&cfg, err, sizeof err);
    for (unsigned i = 0; v && i < n; i++) {
        int id = vmm_vm_create(v, w, NULL, err, sizeof err);
        if (id < 0) {
            vmm_destroy(v);
            v = NULL;
            break;
        }
        lp->load(vmm_vm_view(v, id), vm_share(size, n, i)); /* the view's memory is the region */
    }
    if (!v) {
        fprintf(stderr, "bench: %s\n", err);
        return -1;
    }
    double w0 = now(CLOCK_MONOTONIC), t0 = now(CLOCK_THREAD_CPUTIME_ID);
    while (vmm_run(v, UINT64_MAX, NULL) != VMMSTOP_DONE)
        ;
    double t1 = now(CLOCK_THREAD_CPUTIME_ID), w1 = now(CLOCK_MONOTONIC);
    struct sample s = {t1 - t0, w1 - w0, 0, 0};
    int rc = 0;
    unsigned i = 0; /* the VMs in the order they were made */
    for (int id = vmm_vm_next(v, -1); id >= 0 && rc == 0; id = vmm_vm_next(v, id), i++) {
        uint64_t share = vm_share(size, n, i);
        struct machine_counters c = machine_get_counters(vmm_vm_view(v, id));
        struct vm_info info;
        vmm_vm_info(v, id, &info);
        if (info.state != VM_HALTED || c.instret != lp->insns(share)) {
            fprintf(stderr, "bench: %s: VM %d %s after %" PRIu64 " instructions, expected "
                    "HALT after %" PRIu64 "\n", b->name, id, vm_state_name(info.state),
                    c.instret, lp->insns(share));
            rc = -1;
        }
        s.insns += c.instret;
        s.cycles += c.cycles;
    }
    vmm_destroy(v);
    *out = s;
    return rc;
}

/* Each row takes about a second per run on the 2-core reference VM. */
static const struct bench benches[] = {
    {"add-store", "ADDI x,x,3; MOV y,x; DJNZ inner (the SIMH/Hercules anchor loop B)",
     run_bare, &add_store_loop, 3000, 20, 1, NULL, 0},
    {"djnz", "DJNZ-only inner loop (the anchors' loop A)",
     run_bare, &djnz_loop, 6000, 60, 1, NULL, 0},
    {"break", "the add-store loop with one breakpoint set (the fast loop honours it)",
     run_break, &add_store_loop, 3000, 20, 1, "add-store", 0},
    {"watch", "the add-store loop with one watchpoint set: the checked (debug) loop",
     run_watch, &add_store_loop, 1000, 8, 1, "add-store", 0},
    {"vmm-add-store", "the add-store loop as a guest of the control program",
     run_vmm, &add_store_loop, 3000, 20, 1, "add-store", 0},
    {"trap-heavy", "8 ADDI, SPSW, DJNZ: a privileged instruction every 10, bare",
     run_bare, &trap_heavy_loop, 600, 4, 1, NULL, 0},
    {"vmm-trap-heavy", "the same under the control program: every SPSW traps",
     run_vmm, &trap_heavy_loop, 200, 4, 1, "trap-heavy", 0},
    {"spsw", "SPSW; DJNZ, bare",
     run_bare, &spsw_loop, 1000, 4, 1, NULL, 0},
    {"vmm-spsw", "SPSW; DJNZ under the control program: a trap round trip per loop",
     run_vmm, &spsw_loop, 200, 4, 1, "spsw", 0},
    {"vmm-4", "the add-store loop in 4 VMs time-sliced, against 1 VM",
     run_vmm, &add_store_loop, 3000, 20, 4, "vmm-add-store", 4},
    {"vmm-16", "the add-store loop in 16 VMs time-sliced, against 1 VM",
     run_vmm, &add_store_loop, 3000, 32, 16, "vmm-add-store", 16},
    {"vmm-64", "the add-store loop in 64 VMs time-sliced, against 1 VM",
     run_vmm, &add_store_loop, 3000, 128, 64, "vmm-add-store", 64},
};
#define NBENCH (sizeof benches / sizeof benches[0])

static const struct bench *find_bench(const char *name)
{
    for (size_t i = 0; i < NBENCH; i++)
        if (strcmp(benches[i].name, name) == 0)
            return &benches[i];
    return NULL;
}

/* Row NAME given to option OPT, or NULL after one line saying so. */
static const struct bench *named_bench(const char *opt, const char *name)
{
    const struct bench *b = find_bench(name);
    if (!b)
        fprintf(stderr, "bench: %s: unknown benchmark '%s' (see --help)\n", opt, name);
    return b;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median, min and max of N values (sorted in place). */
static struct stats stats_of(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return (struct stats){med, v[0], v[n - 1]};
}

static bool have_valgrind(void)
{
    return system("command -v valgrind >/dev/null 2>&1") == 0;
}

/* Run this program under callgrind as `SELF --inner-only NAME SIZE` and
 * return the total Ir from the output file's "totals:"/"summary:" line;
 * 0 on failure. */
static uint64_t callgrind_ir(const char *self, const char *name, uint64_t size)
{
    char out[512], opt[600], sz[32];
    const char *dir = getenv("TMPDIR");
    snprintf(out, sizeof out, "%s/tgm-bench-cg.%ld.%" PRIu64, dir && *dir ? dir : "/tmp",
             (long)getpid(), size);
    snprintf(opt, sizeof opt, "--callgrind-out-file=%s", out);
    snprintf(sz, sizeof sz, "%" PRIu64, size);
    pid_t pid = fork();
    if (pid < 0)
        return 0;
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
            _exit(127);
        execlp("valgrind", "valgrind", "--tool=callgrind", opt, self, "--inner-only",
               name, sz, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        remove(out);
        return 0;
    }
    uint64_t ir = 0;
    FILE *f = fopen(out, "r");
    char line[256];
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "summary: %" SCNu64, &ir) == 1 ||
            sscanf(line, "totals: %" SCNu64, &ir) == 1)
            break;
    if (f)
        fclose(f);
    remove(out);
    return ir;
}

/* Host instructions per guest instruction: (Ir(small) - Ir(tiny)) over the
 * difference in guest instructions; negative when not measured. */
static double host_per_guest(const char *self, const struct bench *b)
{
    struct sample small, tiny;
    if (b->run(b, b->cg_size, &small) != 0 || b->run(b, b->cg_tiny, &tiny) != 0)
        return -1;
    uint64_t ir_small = callgrind_ir(self, b->name, b->cg_size);
    uint64_t ir_tiny = callgrind_ir(self, b->name, b->cg_tiny);
    if (!ir_small || !ir_tiny || ir_small <= ir_tiny || small.insns <= tiny.insns)
        return -1;
    return (double)(ir_small - ir_tiny) / (double)(small.insns - tiny.insns);
}

static const struct bench *find_bench(const char *name);

/* A run against a twin is cut into PAIR_CHUNKS chunks, run alternately with
 * the twin's in the order ABBA ABBA..., so that a drift in the host's speed
 * within the run falls on both sides alike. */
#define PAIR_CHUNKS 8

/* --quick: every row at 1/QUICK_DIV of its size, for trying options (a
 * tenth of a second a row; its figures are noisier) */
#define QUICK_DIV 20
static uint64_t size_div = 1;

/* The outer loops of one timed run of B: its size, or --quick's share,
 * never below one outer loop for each VM in each chunk (vmm-64: 512). */
static uint64_t row_size(const struct bench *b)
{
    uint64_t s = b->size / size_div, least = PAIR_CHUNKS * (uint64_t)(b->nvms ? b->nvms : 1);
    return s < least ? least : s;
}

/* The outer loops of chunk K of a run of SIZE: the chunks add up to SIZE. */
static uint64_t chunk_size(uint64_t size, int k)
{
    return size * (uint64_t)(k + 1) / PAIR_CHUNKS - size * (uint64_t)k / PAIR_CHUNKS;
}

/* Add a run of B at SIZE to *ACC. */
static int run_add(const struct bench *b, uint64_t size, struct sample *acc)
{
    struct sample x;
    if (b->run(b, size, &x) != 0)
        return -1;
    acc->secs += x.secs;
    acc->wall += x.wall;
    acc->insns += x.insns;
    acc->cycles += x.cycles;
    return 0;
}

/* One timed run of B (*S), and with a twin the twin's (*T) interleaved with
 * it chunk by chunk; each side does its full size, row_size's outer loops. */
static int run_pair(const struct bench *b, const struct bench *twin, struct sample *s,
                    struct sample *t)
{
    *s = *t = (struct sample){0};
    if (!twin)
        return run_add(b, row_size(b), s);
    for (int k = 0; k < PAIR_CHUNKS; k++) {
        uint64_t bs = chunk_size(row_size(b), k), ts = chunk_size(row_size(twin), k);
        bool twin_first = (k & 1) == 0; /* ABBA */
        if ((twin_first && run_add(twin, ts, t) != 0) || run_add(b, bs, s) != 0 ||
            (!twin_first && run_add(twin, ts, t) != 0))
            return -1;
    }
    return 0;
}

/* Warm up once, then time RUNS runs.  A control-program row runs against
 * its bare twin, the two interleaved in chunks (run_pair), and is compared
 * with it pair by pair (the median of the pairs), so that a change in the
 * machine's speed during the measurement affects both sides alike.  The
 * trap round trip is the extra time per privileged instruction: the VM's
 * time less the bare time per instruction times its instructions, over its
 * traps. */
static int measure(const struct bench *b, int runs, struct result *r)
{
    const struct bench *twin = b->bare ? find_bench(b->bare) : NULL;
    const struct loop *lp = b->arg;
    double secs[MAX_RUNS], mips[MAX_RUNS], wall_mips[MAX_RUNS];
    double ratio[MAX_RUNS], trap_ns[MAX_RUNS];
    struct sample s, t;
    if (run_pair(b, twin, &s, &t) != 0)
        return -1;
    uint64_t traps = lp->privileged(row_size(b)); /* the chunks add up to it */
    for (int i = 0; i < runs; i++) {
        if (run_pair(b, twin, &s, &t) != 0)
            return -1;
        secs[i] = s.secs;
        mips[i] = (double)s.insns / s.secs / 1e6;
        wall_mips[i] = (double)s.insns / s.wall / 1e6;
        if (twin) {
            double bare_per = t.secs / (double)t.insns;
            ratio[i] = s.secs / (double)s.insns / bare_per;
            trap_ns[i] = traps ? (s.secs - bare_per * (double)s.insns) / (double)traps * 1e9 : 0;
        }
    }
    r->b = b;
    r->s = s;
    r->secs = stats_of(secs, runs);
    r->mips = stats_of(mips, runs);
    r->wall_mips = stats_of(wall_mips, runs).median;
    r->compared = twin != NULL;
    if (twin) {
        r->time_ratio = stats_of(ratio, runs).median;
        r->ns_per_trap = traps ? stats_of(trap_ns, runs).median : -1;
    }
    return 0;
}

/* The physical limit: a loop's shape in C, every operand a word of memory
 * (volatile, so each access is a load or a store as in E), timed like a
 * row.  The words are reached through pointers held in registers, as tgm's
 * resolved entries reach E: some CPUs forward a store to the next load of
 * the same word at once only then (on an Intel Xeon, the djnz shape ran at
 * 490 MIPS with absolute addresses and 3,600 with a register).  Returns
 * guest-equivalent MIPS, or -1 for an unknown shape. */
static double native_mips(const char *shape)
{
    static volatile uint64_t mem[64];
    volatile uint64_t *outer = &mem[V_OUTER], *cnt = &mem[V_CNT], *x = &mem[V_X],
                      *y = &mem[V_Y];
#if defined(__GNUC__)
    __asm__("" : "+r"(outer), "+r"(cnt), "+r"(x), "+r"(y)); /* not constants */
#endif
    double t0 = now(CLOCK_THREAD_CPUTIME_ID), insns;
    if (!strcmp(shape, "add-store")) {
        *outer = 3000;
        do {
            *cnt = INNER;
            do {
                *x = *x + 3;
                *y = *x;
            } while (--*cnt != 0);
        } while (--*outer != 0);
        insns = (double)insns_add_store(3000);
    } else if (!strcmp(shape, "djnz")) {
        *outer = 6000;
        do {
            *cnt = INNER;
            while (--*cnt != 0)
                ;
        } while (--*outer != 0);
        insns = (double)insns_djnz(6000);
    } else {
        return -1;
    }
    return insns / (now(CLOCK_THREAD_CPUTIME_ID) - t0) / 1e6;
}

static void usage(FILE *f)
{
    fprintf(f, "usage: bench [--runs N] [--only NAME]... [--json FILE|-] [--svg FILE|-]\n"
               "             [--before FILE] [--no-valgrind] [--quick] | --native SHAPE\n"
               "Time fixed guest loops on the bare machine and under the control program;\n"
               "report the median MIPS and, when valgrind is installed, host instructions\n"
               "per guest instruction, then a table of every row.  --only runs the rows\n"
               "named (each --only adds one; they run in the order below).  --json writes the\n"
               "results to FILE (-, or no FILE: JSON instead of text on stdout); --svg\n"
               "draws MIPS per row to FILE (-: SVG instead of text on stdout), against the\n"
               "run in --before FILE (an earlier --json).  --quick runs each row at 1/20 of\n"
               "its size, to try options: its figures are noisier.\n"
               "--native add-store|djnz times that loop's shape in C over memory words.\n"
               "benchmarks:\n");
    for (size_t i = 0; i < NBENCH; i++)
        fprintf(f, "  %-14s %s\n", benches[i].name, benches[i].what);
}

/* RC, or 1 after one line if standard output could not be written (a full
 * disk): the figures were not delivered. */
static int output_written(int rc)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "bench: cannot write the output: %s\n",
                strerror(errno ? errno : EIO));
        return 1;
    }
    return rc;
}

/* Parse a positive count for OPT; -1 with a message if S is not one. */
static int parse_count(const char *opt, const char *s, uint64_t max, uint64_t *out)
{
    char *end = NULL;
    errno = 0;
    /* digits only: strtoull alone takes a leading space and a sign */
    bool digits = s && *s && strspn(s, "0123456789") == strlen(s);
    unsigned long long v = digits ? strtoull(s, &end, 10) : 0;
    if (!digits || errno || *end || v == 0 || v > max) {
        fprintf(stderr, "bench: %s: expected a number 1..%" PRIu64 ", got '%s'\n", opt, max,
                s ? s : "");
        return -1;
    }
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    uint64_t runs = 5;
    bool json = false, svg = false, use_valgrind = true, others = false; /* on stdout */
    const char *native = NULL;
    bool only[NBENCH] = {false}, some_only = false; /* --only: the rows named */
    const char *json_path = NULL, *svg_path = NULL, *before_path = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--inner-only") && i + 2 < argc) {
            /* hidden: one untimed run, for callgrind */
            const struct bench *b = named_bench("--inner-only", argv[i + 1]);
            uint64_t size;
            struct sample s;
            if (!b || parse_count("--inner-only", argv[i + 2], UINT32_MAX, &size) != 0)
                return 2;
            return b->run(b, size, &s) == 0 ? 0 : 1;
        } else if (!strcmp(a, "--runs") && i + 1 < argc) {
            if (parse_count("--runs", argv[++i], MAX_RUNS, &runs) != 0)
                return 2;
        } else if (!strcmp(a, "--only") && i + 1 < argc) {
            const struct bench *b = named_bench("--only", argv[++i]);
            if (!b)
                return 2;
            only[b - benches] = some_only = true;
        } else if (!strcmp(a, "--json")) {
            if (i + 1 < argc && strcmp(argv[i + 1], "-") != 0 && argv[i + 1][0] != '-')
                json_path = argv[++i];
            else
                json = true, i += i + 1 < argc && !strcmp(argv[i + 1], "-");
        } else if ((!strcmp(a, "--svg") || !strcmp(a, "--before")) && i + 1 < argc) {
            const char *v = argv[++i];
            if (v[0] == '-' && v[1]) { /* the FILE left out: no file named so */
                fprintf(stderr, "bench: %s: expected a FILE, got the option '%s'\n", a, v);
                return 2;
            }
            if (a[2] == 's') { /* -, as --json's: instead of the text; the last one counts */
                svg = !strcmp(v, "-");
                svg_path = svg ? NULL : v;
            } else
                before_path = v;
        } else if (!strcmp(a, "--native") && i + 1 < argc) {
            others = others || native; /* a second one too */
            native = argv[++i];
            continue;
        } else if (!strcmp(a, "--no-valgrind")) {
            use_valgrind = false;
        } else if (!strcmp(a, "--quick")) {
            size_div = QUICK_DIV;
        } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return output_written(0);
        } else {
            fprintf(stderr, "bench: unknown or incomplete option '%s' (see --help)\n", a);
            return 2;
        }
        others = true;
    }
    /* a usage of its own: no row runs, so any other option would be lost */
    if (native && others) {
        fprintf(stderr, "bench: --native SHAPE takes no other option\n");
        return 2;
    }
    if (native) {
        double mips = native_mips(native);
        if (mips < 0) {
            fprintf(stderr, "bench: --native: unknown shape '%s' (add-store, djnz)\n", native);
            return 2;
        }
        printf("%.1f MIPS\n", mips);
        return output_written(0);
    }
    /* what would fail only after every row has run is refused first, so
     * that a bad path costs no run and nothing is written */
    char err[4200];
    if (json && svg) {
        fprintf(stderr, "bench: --json and --svg name one file, standard output\n");
        return 2;
    }
    if (json_path && svg_path && tgm_same_target(json_path, svg_path) == 1) {
        fprintf(stderr, "bench: --json and --svg name one file, %s\n", svg_path);
        return 2;
    }
    /* the chart would replace the earlier run it is drawn against */
    if (before_path && svg_path && tgm_same_target(before_path, svg_path) == 1) {
        fprintf(stderr, "bench: --before and --svg name one file, %s\n", svg_path);
        return 2;
    }
    /* named, as --before is: an empty name says nothing of which it was */
    const char *unwritable = json_path && tgm_wcheck(json_path, err, sizeof err) != 0 ? "--json"
                             : svg_path && tgm_wcheck(svg_path, err, sizeof err) != 0 ? "--svg"
                                                                                       : NULL;
    if (unwritable) {
        fprintf(stderr, "bench: %s: %s\n", unwritable, err);
        return 2;
    }
    if (before_path && !svg_path && !svg) { /* it would be read for nothing */
        fprintf(stderr, "bench: --before FILE draws the earlier run in the --svg chart; "
                        "give --svg FILE too\n");
        return 2;
    }
    char *before = NULL;
    size_t blen;
    uint8_t *raw = NULL;
    if (before_path && tgm_read_file(before_path, 1u << 20, "a bench JSON", &raw, &blen, err,
                                     sizeof err) != 0) {
        fprintf(stderr, "bench: --before: %s\n", err);
        return 2;
    }
    before = (char *)raw;
    /* any other file would draw no earlier bars, and say nothing */
    if (before && (before[strspn(before, " \t\r\n")] != '{' ||
                   !bench_json_rows(before) || !strstr(before, "\"mips\""))) {
        fprintf(stderr, "bench: --before: %s: not a bench JSON (an earlier run's --json)\n",
                before_path);
        free(before);
        return 2;
    }
    use_valgrind = use_valgrind && have_valgrind();
    /* callgrind must be given this program's real path, not /proc/self/exe */
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof self - 1);
    if (sl > 0)
        self[sl] = '\0';
    else
        snprintf(self, sizeof self, "%s", argv[0]);

    struct result res[NBENCH];
    size_t n = 0;
    for (size_t i = 0; i < NBENCH; i++) {
        const struct bench *b = &benches[i];
        if (some_only && !only[i])
            continue;
        if (!json && !svg)
            fprintf(stderr, "bench: running %s...\n", b->name);
        if (measure(b, (int)runs, &res[n]) != 0) {
            free(before);
            return 1;
        }
        res[n].host_ratio = use_valgrind ? host_per_guest(self, b) : -1;
        n++;
    }
    if (json)
        print_json(stdout, res, n, (int)runs);
    else if (svg)
        print_svg(stdout, res, n, before);
    else
        print_text(res, n, (int)runs);
    int rc = output_written(0); /* and no file written for a run not shown */
    if (rc == 0 && json_path && write_file(json_path, res, n, (int)runs, NULL, false) != 0)
        rc = 1;
    if (rc == 0 && svg_path && write_file(svg_path, res, n, (int)runs, before, true) != 0)
        rc = 1;
    free(before);
    return rc;
}
