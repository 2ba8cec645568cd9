/* diffcore.c: section 6's differential test over seed ranges, shards and
 * worker processes (see diffcore.h).
 *
 * Each generated guest (progen.c) runs STEPS steps on a bare machine and,
 * with others, under one control program with a step limit of STEPS; every
 * VM must then equal its bare run (vmm_compare), and between two dispatcher
 * entries no real word may change outside the entering VM's region except
 * the CP's own (section 5's resource control).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "diffcore.h"
#include "progen.h"
#include "tgm/vmm.h"

#define STEPS 20000u
#define DC_BLOCK 256u

static const uint8_t input[] = "tgm";

struct watch {
    struct vmm *v;
    uint64_t *snap;
    uint32_t q;
    char fault[200];
};

static void on_event(void *ctx, const struct vmm_event *e)
{
    struct watch *w = ctx;
    const uint64_t *E = machine_mem(vmm_machine(w->v));
    struct vm_info info;
    if (vmm_vm_info(w->v, e->vm, &info) != 0) {
        snprintf(w->fault, sizeof w->fault, "event for VM %d, which does not exist", e->vm);
        return;
    }
    /* a block at a time: between two events most of memory is as it was,
     * and memcmp compares it many words an instruction */
    for (uint32_t at = 0; at < w->q; at += DC_BLOCK) {
        uint32_t end = w->q - at < DC_BLOCK ? w->q : at + DC_BLOCK;
        if (memcmp(E + at, w->snap + at, (end - at) * sizeof *E) == 0)
            continue;
        for (uint32_t i = at; i < end; i++) {
            if (E[i] == w->snap[i])
                continue;
            bool own = i < VMM_K || (i >= info.base && i < info.base + info.w);
            if (!own && !w->fault[0])
                snprintf(w->fault, sizeof w->fault,
                         "real E[%u] changed outside VM %d's region %u..%u", i, e->vm,
                         info.base, info.base + info.w - 1);
            w->snap[i] = E[i];
        }
    }
}

void dc_result_add(struct dc_result *to, const struct dc_result *from)
{
    if (from->failures && from->first_failure < to->first_failure) {
        to->first_failure = from->first_failure;
        memcpy(to->msg, from->msg, sizeof to->msg);
    }
    to->programs += from->programs;
    to->failures += from->failures;
    to->digest += from->digest;
}

static void failed(struct dc_result *r, uint64_t seed, const char *fmt, const char *what)
{
    r->failures++;
    if (seed < r->first_failure) {
        r->first_failure = seed;
        snprintf(r->msg, sizeof r->msg, fmt, (unsigned long long)seed, what);
    }
}

int dc_run_group(const struct dc_config *c, uint64_t g, struct dc_result *r)
{
    const struct isa_profile *p = isa_profile_find(c->profile);
    int n = c->nvms;
    uint64_t s0 = c->first + g * (uint64_t)n;
    if (!p || n < 1 || n > DC_MAX_VMS)
        return -1;
    /* counted from the range's start: its seeds may wrap past 2^64 - 1
     * (and so may the end of the last group) */
    if (c->count - g * (uint64_t)n < (uint64_t)n)
        n = (int)(c->count - g * (uint64_t)n);
    struct tgm_image img[DC_MAX_VMS];
    struct machine *bare[DC_MAX_VMS] = {0};
    char err[200];
    struct vmm_config vc = {.q = VMM_K + (uint32_t)n * PG_W, .profile = p, .slice = c->slice,
                            .hybrid = c->hybrid};
    struct vmm *v = vmm_create(&vc, err, sizeof err);
    struct watch w = {.v = v, .q = vc.q, .snap = calloc(vc.q, sizeof *w.snap)};
    int rc = v && w.snap ? 0 : -1;
    for (int i = 0; i < n; i++) {
        pg_generate(s0 + (uint64_t)i, p, &img[i]);
        struct machine_config mc = {.q = PG_W, .profile = p};
        bare[i] = machine_create(&mc);
        if (rc || !bare[i] || image_load(bare[i], &img[i], err, sizeof err) ||
            machine_console_input(bare[i], input, sizeof input - 1) ||
            vmm_vm_create(v, PG_W, NULL, err, sizeof err) != i ||
            vmm_vm_load(v, i, &img[i], err, sizeof err) ||
            vmm_vm_input(v, i, input, sizeof input - 1)) {
            rc = -1;
            continue;
        }
        machine_run(bare[i], STEPS, NULL);
        vmm_vm_set_limit(v, i, STEPS);
    }
    if (rc == 0) {
        memcpy(w.snap, machine_mem(vmm_machine(v)), vc.q * sizeof *w.snap);
        if (!c->unwatched)
            vmm_set_event_hook(v, on_event, &w);
        while (vmm_run(v, UINT64_MAX, NULL) != VMMSTOP_DONE)
            ;
        for (int i = 0; i < n; i++) {
            char diff[256];
            vmm_compare(bare[i], v, i, diff, sizeof diff);
            r->programs++;
            r->digest += machine_digest(bare[i]);
            if (w.fault[0] && i == 0)
                failed(r, s0, "seed %llu: resource control: %s", w.fault);
            else if (diff[0])
                failed(r, s0 + (uint64_t)i,
                       n > 1 ? "seed %llu (with others alongside): %s" : "seed %llu: %s", diff);
        }
    }
    for (int i = 0; i < n; i++) {
        machine_destroy(bare[i]);
        image_free(&img[i]);
    }
    free(w.snap);
    vmm_destroy(v);
    return rc;
}

/* count / nvms rounded up, without count + nvms - 1 wrapping near 2^64 */
static uint64_t ngroups(const struct dc_config *c)
{
    uint64_t n = (uint64_t)c->nvms;
    return c->count / n + (c->count % n != 0);
}

/* The shard's groups shard, shard + nshards, ..., the PART-th of every
 * NPARTS of them.  A step past the last group ends the walk before it can
 * wrap past 2^64 - 1 into another shard's groups. */
static void sweep_part(const struct dc_config *c, uint64_t shard, uint64_t nshards,
                       uint64_t part, uint64_t nparts, struct dc_result *r)
{
    uint64_t end = ngroups(c);
    for (uint64_t g = shard, i = 0; g < end; i++) {
        if (i % nparts == part)
            dc_run_group(c, g, r);
        if (end - g <= nshards)
            break;
        g += nshards;
    }
}

void dc_sweep(const struct dc_config *c, uint64_t shard, uint64_t nshards,
              struct dc_result *r)
{
    sweep_part(c, shard, nshards, 0, 1, r);
}

int dc_sweep_jobs(const struct dc_config *c, uint64_t shard, uint64_t nshards, int jobs,
                  struct dc_result *r)
{
    if (jobs <= 1) {
        dc_sweep(c, shard, nshards, r);
        return 0;
    }
    /* worker j takes the shard's groups k with (k / nshards) % jobs == j,
     * that is every group k = shard + nshards * (j + jobs * i); counted
     * along the shard, as nshards * jobs may pass 2^64 - 1 */
    int fds[64];
    pid_t pids[64];
    if (jobs > 64)
        jobs = 64;
    fflush(NULL);
    for (int j = 0; j < jobs; j++) {
        int p[2];
        if (pipe(p) != 0)
            return -1;
        pids[j] = fork();
        if (pids[j] == 0) {
            close(p[0]);
            struct dc_result mine = {.first_failure = UINT64_MAX};
            sweep_part(c, shard, nshards, (uint64_t)j, (uint64_t)jobs, &mine);
            ssize_t n = write(p[1], &mine, sizeof mine);
            _exit(n == (ssize_t)sizeof mine ? 0 : 1);
        }
        close(p[1]);
        fds[j] = p[0];
        if (pids[j] < 0)
            return -1;
    }
    int rc = 0;
    for (int j = 0; j < jobs; j++) {
        struct dc_result got;
        size_t have = 0;
        while (have < sizeof got) {
            ssize_t n = read(fds[j], (char *)&got + have, sizeof got - have);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            have += (size_t)n;
        }
        close(fds[j]);
        int st;
        waitpid(pids[j], &st, 0);
        if (have != sizeof got || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
            rc = -1;
        else
            dc_result_add(r, &got);
    }
    return rc;
}
