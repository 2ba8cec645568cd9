/* bench.h: what the speed harness (bench.c) hands its report (report.c):
 * a row, a timed run, and a row's results; the bars (docs/bench.md) that
 * the report prints beside them.
 */
#ifndef TGM_BENCH_H
#define TGM_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tgm/machine.h"

#define BAR_MIPS 1000.0
#define BAR_RATIO 1.01     /* compute-bound guest under the CP vs bare */
#define BAR_CHECKED 3.0    /* a breakpoint set vs none (a watchpoint has no bar) */
#define BAR_MANY_VMS 1.05  /* 64 VMs time-sliced vs 1, per guest instruction */
#define BAR_ROUNDTRIP_NS 15.0

/* One timed run.  secs is the thread's CPU time, so other processes on a
 * busy machine do not count against tgm; wall is the elapsed time. */
struct sample {
    double secs, wall;
    uint64_t insns;  /* guest instructions retired */
    uint64_t cycles; /* simulated cycles */
};

struct bench {
    const char *name;
    const char *what;
    /* build and run once at SIZE; 0 or -1 with a message on stderr */
    int (*run)(const struct bench *b, uint64_t size, struct sample *out);
    const void *arg;    /* for run: e.g. a struct loop */
    uint64_t size;      /* timed runs */
    uint64_t cg_size;   /* callgrind: a small run ... */
    uint64_t cg_tiny;   /* ... minus a tiny one, so setup cost cancels */
    const char *bare;   /* for a control-program row: its bare twin */
    unsigned nvms;      /* run_vmm: VMs sharing the processor (0 means 1) */
};

/* Median, min and max of N values. */
struct stats {
    double median, min, max;
};

struct result {
    const struct bench *b;
    struct sample s; /* instructions and cycles of one run */
    struct stats secs, mips;
    double wall_mips;  /* median over elapsed time */
    double host_ratio; /* < 0: not measured */
    /* a control-program row against its bare twin (when both ran) */
    bool compared;
    double time_ratio; /* time per guest instruction, VM over bare */
    double ns_per_trap; /* extra time per privileged instruction, or < 0 */
};

/* report.c: the text (with its table), the JSON, and the SVG chart against
 * BEFORE (an earlier run's JSON, or NULL); write_file writes the JSON or
 * the chart to PATH atomically, -1 after saying why. */
void print_text(const struct result *r, size_t n, int runs);
void print_json(FILE *f, const struct result *r, size_t n, int runs);
void print_svg(FILE *f, const struct result *r, size_t n, const char *before);
int write_file(const char *path, const struct result *r, size_t n, int runs, const char *before,
               bool svg);
/* Where the rows of an earlier run's JSON begin (past "benchmarks": [), or NULL. */
const char *bench_json_rows(const char *json);

#endif
