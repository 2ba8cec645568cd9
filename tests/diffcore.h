/* diffcore.h: section 6's differential test as a library: generated guests
 * run on the bare machine and under the control program, compared, with
 * resource control checked at every dispatcher entry; over a seed range,
 * split into shards and worker processes for campaigns larger than one
 * machine (the soak driver and test_vmm_diff use it; no cmocka here).
 */
#ifndef TGM_TEST_DIFFCORE_H
#define TGM_TEST_DIFFCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DC_MAX_VMS 4

/* One configuration of the CP and the seeds it runs. */
struct dc_config {
    const char *name;     /* for reports */
    const char *profile;  /* an isa_profile name */
    bool hybrid;
    int nvms;             /* guests per CP, 1..DC_MAX_VMS */
    uint64_t slice;       /* 0: the default */
    uint64_t first, count; /* seeds [first, first + count) */
    /* no event hook, as `tgm run` has: the CP's fastest paths (a slice
     * handed on in place), resource control then not checked */
    bool unwatched;
};

/* The outcome of a sweep; totals add up across shards and processes. */
struct dc_result {
    uint64_t programs, failures;
    uint64_t first_failure;  /* lowest failing seed, or UINT64_MAX */
    uint64_t digest;         /* sum of every bare run's digest: the same
                                programs ran to the same states */
    char msg[400];           /* the first failure's description */
};

/* Run group G of the configuration (seeds first + G * nvms ...): 0 if every
 * guest equals its bare run, else 1 with MSG; -1 on a setup error.  Adds to
 * R.  Generated guests run STEPS steps each. */
int dc_run_group(const struct dc_config *c, uint64_t g, struct dc_result *r);

/* The groups of C whose index k has k % nshards == shard. */
void dc_sweep(const struct dc_config *c, uint64_t shard, uint64_t nshards,
              struct dc_result *r);

/* dc_sweep for shard SHARD/NSHARDS split over JOBS processes (fork), each
 * taking every JOBS-th of the shard's groups; the results are summed.
 * -1 if a worker failed to report. */
int dc_sweep_jobs(const struct dc_config *c, uint64_t shard, uint64_t nshards, int jobs,
                  struct dc_result *r);

void dc_result_add(struct dc_result *to, const struct dc_result *from);

#endif
