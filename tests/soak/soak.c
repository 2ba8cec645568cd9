/* soak.c: the long differential campaign of section 6, for one machine or
 * many: `soak [--programs N] [--jobs J] [--shard I/S] [--config NAME]`.
 *
 * Each configuration (the profiles and VM counts of test_vmm_diff) runs
 * N generated programs from its own seed range; --shard I/S keeps the
 * groups whose index is I mod S (a deterministic slice: S shards cover the
 * range exactly once), --jobs J splits this shard over J processes.  Prints
 * one JSON line: per configuration and in total, programs, failures, the
 * lowest failing seed and a digest of the final states, so that shard lines
 * add up to the line of one process over the same range.  Exit 1 if any
 * program differs, 2 on bad usage.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "diffcore.h"

static const struct dc_config configs[] = {
    {"virtualizable", "virtualizable", false, 1, 0, 0, 0, false},
    {"virtualizable-4vms", "virtualizable", false, 4, 97, 1000000, 0, false},
    {"virtualizable-4vms-unwatched", "virtualizable", false, 4, 97, 1000000, 0, true},
    {"pdp10-hybrid", "pdp10", true, 1, 0, 2000000, 0, false},
    {"pdp11-45-hybrid", "pdp11-45", true, 1, 0, 3000000, 0, false},
    {"s360-67", "s360-67", false, 1, 0, 4000000, 0, false},
    /* a machine that violates Theorem 1: the oracle must find differences */
    {"pdp10-plain", "pdp10", false, 1, 0, 2000000, 0, false},
};
#define NCONFIGS (sizeof configs / sizeof configs[0])

/* The usage on standard error after WHY (status 2), or, for --help, on
 * standard output with the configurations --config takes (status 0). */
static int usage(const char *why)
{
    FILE *f = why ? stderr : stdout;
    if (why)
        fprintf(f, "soak: %s\n", why);
    fprintf(f, "usage: soak [--programs N] [--jobs J] [--shard I/S] [--config NAME] [--first SEED]\n");
    if (why)
        return 2;
    fprintf(f, "Section 6's differential test: N generated programs per configuration,\n"
               "bare and under the control program; one JSON line.  --shard I/S keeps\n"
               "the seed groups whose index is I mod S; --jobs J splits them over J\n"
               "processes.  Exit status 1 if a configuration that must be equivalent\n"
               "differs, 2 on bad usage.  Configurations:");
    for (size_t i = 0; i < NCONFIGS; i++)
        fprintf(f, " %s", configs[i].name);
    fputc('\n', f);
    return 0;
}

static int number(const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s || *s == '-')
        return -1;
    *v = strtoull(s, &end, 0);
    return *end ? -1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t programs = 100000, jobs = 1, shard = 0, nshards = 1, first = UINT64_MAX;
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return usage(NULL);
        if (!strcmp(a, "--programs") && number(v, &programs) == 0)
            i++;
        else if (!strcmp(a, "--jobs") && number(v, &jobs) == 0 && jobs >= 1 && jobs <= 64)
            i++;
        else if (!strcmp(a, "--first") && number(v, &first) == 0)
            i++;
        else if (!strcmp(a, "--config") && v)
            only = argv[++i];
        else if (!strcmp(a, "--shard") && v) {
            char *slash = strchr(v, '/');
            char buf[64];
            if (!slash || (size_t)(slash - v) >= sizeof buf)
                return usage("--shard wants I/S, as 0/4");
            memcpy(buf, v, (size_t)(slash - v));
            buf[slash - v] = '\0';
            if (number(buf, &shard) || number(slash + 1, &nshards) || !nshards ||
                shard >= nshards)
                return usage("--shard wants I/S with 0 <= I < S, as 0/4");
            i++;
        } else {
            return usage(v && a[0] == '-' && a[1] == '-' ? "bad value" : "unknown argument");
        }
    }
    struct dc_result total = {.first_failure = UINT64_MAX};
    printf("{\"shard\":\"%" PRIu64 "/%" PRIu64 "\",\"jobs\":%" PRIu64
           ",\"programs_per_config\":%" PRIu64 ",\"configs\":[",
           shard, nshards, jobs, programs);
    int shown = 0, bad = 0;
    for (size_t k = 0; k < NCONFIGS; k++) {
        struct dc_config c = configs[k];
        if (only && strcmp(only, c.name))
            continue;
        c.count = programs;
        if (first != UINT64_MAX)
            c.first = first;
        struct dc_result r = {.first_failure = UINT64_MAX};
        if (dc_sweep_jobs(&c, shard, nshards, (int)jobs, &r) != 0)
            bad = 1;
        printf("%s{\"name\":\"%s\",\"first\":%" PRIu64 ",\"programs\":%" PRIu64
               ",\"failures\":%" PRIu64 ",\"first_failure\":",
               shown++ ? "," : "", c.name, c.first, r.programs, r.failures);
        if (r.failures)
            printf("%" PRIu64, r.first_failure);
        else
            printf("null");
        printf(",\"digest\":\"0x%016" PRIx64 "\",\"expect\":\"%s\"}", r.digest,
               strcmp(c.name, "pdp10-plain") ? "equal" : "differences");
        /* only the configurations that must be equivalent count as failures */
        if (strcmp(c.name, "pdp10-plain"))
            dc_result_add(&total, &r);
    }
    if (!shown) {
        printf("]}\n");
        return usage("no such --config");
    }
    printf("],\"programs\":%" PRIu64 ",\"failures\":%" PRIu64 ",\"digest\":\"0x%016" PRIx64
           "\",\"ok\":%s}\n",
           total.programs, total.failures, total.digest,
           total.failures || bad ? "false" : "true");
    if (total.failures)
        fprintf(stderr, "soak: first failure: %s\n", total.msg);
    return total.failures || bad ? 1 : 0;
}
