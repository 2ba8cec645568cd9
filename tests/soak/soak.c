/* soak.c: the long differential campaign of section 6, for one machine or
 * many: `soak [--programs N] [--jobs J] [--shard I/S] [--config NAME] [--first SEED]`.
 *
 * Each configuration (the profiles and VM counts of test_vmm_diff) runs
 * N generated programs from its own seed range; --shard I/S keeps the
 * groups whose index is I mod S (a deterministic slice: S shards cover the
 * range exactly once), --jobs J splits this shard over J processes.  Prints
 * one JSON line: per configuration and in total, programs, failures, the
 * lowest failing seed and a digest of the final states, so that shard lines
 * add up to the line of one process over the same range.  Exit 1 if any
 * program differs, 2 on bad usage (one line naming the option) or when the
 * line cannot be written.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#define USAGE "usage: soak [--programs N] [--jobs J] [--shard I/S] [--config NAME] [--first SEED]\n"

/* --help: the usage and the configurations --config takes, status 0. */
static int help(void)
{
    printf(USAGE
           "Section 6's differential test: N generated programs per configuration,\n"
           "bare and under the control program; one JSON line.  --shard I/S keeps\n"
           "the seed groups whose index is I mod S; --jobs J splits them over J\n"
           "processes.  Numbers are decimal or 0x hexadecimal; --opt=VALUE is\n"
           "--opt VALUE.  Exit status 1 if a configuration that must be equivalent\n"
           "differs, 2 on bad usage or when the line cannot be written.\n"
           "Configurations:");
    for (size_t i = 0; i < NCONFIGS; i++)
        printf(" %s", configs[i].name);
    putchar('\n');
    return 0;
}

/* Bad usage: one line on standard error, nothing on standard output. */
static int bad(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("soak: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 2;
}

/* STATUS once standard output has all that was printed, else 2 with one
 * line: a campaign's line lost (`> soak-3.json` on a full disk, a closed
 * standard output) must not pass for a clean run. */
static int written(int status)
{
    errno = 0;
    if (fcntl(STDOUT_FILENO, F_GETFL) == -1 || fflush(stdout) != 0 || ferror(stdout))
        return bad("cannot write the output: %s", strerror(errno ? errno : EIO));
    return status;
}

/* S as a number, decimal or 0x hexadecimal as tgm's options take them (no
 * sign, space or octal): 0, or -1. */
static int number(const char *s, uint64_t *v)
{
    const char *d = s;
    int base = 10;
    if (d[0] == '0' && (d[1] == 'x' || d[1] == 'X')) {
        d += 2;
        base = 16;
    }
    size_t n = strspn(d, base == 16 ? "0123456789abcdefABCDEF" : "0123456789");
    if (n == 0 || d[n] != '\0')
        return -1;
    errno = 0;
    *v = strtoull(d, NULL, base);
    return errno ? -1 : 0;
}

/* --shard's I/S: 0, or -1. */
static int shard_of(const char *v, uint64_t *shard, uint64_t *nshards)
{
    const char *slash = strchr(v, '/');
    char buf[64];
    if (!slash || (size_t)(slash - v) >= sizeof buf)
        return -1;
    memcpy(buf, v, (size_t)(slash - v));
    buf[slash - v] = '\0';
    return number(buf, shard) || number(slash + 1, nshards) || !*nshards ||
                   *shard >= *nshards ? -1 : 0;
}

int main(int argc, char **argv)
{
    uint64_t programs = 100000, jobs = 1, shard = 0, nshards = 1, first = 0;
    bool first_given = false; /* every seed is a --first, UINT64_MAX too */
    const char *only = NULL;
    static const char *const names[] = {"--programs", "--jobs", "--shard", "--config",
                                        "--first"};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h"))
            return written(help());
        if (a[0] != '-')
            return bad("unexpected argument '%s' (try 'soak --help')", a);
        /* --opt VALUE or --opt=VALUE, as getopt takes them */
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        size_t k = 0;
        while (k < sizeof names / sizeof names[0] &&
               (strlen(names[k]) != len || strncmp(a, names[k], len)))
            k++;
        if (k == sizeof names / sizeof names[0])
            return bad("unknown option '%s' (try 'soak --help')", a);
        const char *v = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!v)
            return bad("option '%s' needs a value (try 'soak --help')", a);
        if (k == 3) {
            only = v;
        } else if (k == 2) {
            if (shard_of(v, &shard, &nshards) != 0)
                return bad("--shard: expected I/S with 0 <= I < S, as 0/4, got '%s'", v);
        } else {
            uint64_t *to[] = {&programs, &jobs, NULL, NULL, &first};
            if (number(v, to[k]) != 0)
                return bad("%s: expected a non-negative number, got '%s'", names[k], v);
            first_given |= k == 4;
            if (k == 1 && (jobs < 1 || jobs > 64))
                return bad("--jobs: %s is out of range (1..64)", v);
        }
    }
    size_t known = 0;
    while (only && known < NCONFIGS && strcmp(only, configs[known].name))
        known++;
    if (only && known == NCONFIGS)
        return bad("--config: unknown configuration '%s' (try 'soak --help' for the "
                   "names)", only);
    /* closed: a worker's pipe would take descriptor 1 and the line with it */
    if (fcntl(STDOUT_FILENO, F_GETFL) == -1)
        return written(0);
    struct dc_result total = {.first_failure = UINT64_MAX};
    printf("{\"shard\":\"%" PRIu64 "/%" PRIu64 "\",\"jobs\":%" PRIu64
           ",\"programs_per_config\":%" PRIu64 ",\"configs\":[",
           shard, nshards, jobs, programs);
    int shown = 0, broken = 0;
    for (size_t k = 0; k < NCONFIGS; k++) {
        struct dc_config c = configs[k];
        if (only && strcmp(only, c.name))
            continue;
        c.count = programs;
        if (first_given)
            c.first = first;
        struct dc_result r = {.first_failure = UINT64_MAX};
        if (dc_sweep_jobs(&c, shard, nshards, (int)jobs, &r) != 0)
            broken = 1;
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
    printf("],\"programs\":%" PRIu64 ",\"failures\":%" PRIu64 ",\"digest\":\"0x%016" PRIx64
           "\",\"ok\":%s}\n",
           total.programs, total.failures, total.digest,
           total.failures || broken ? "false" : "true");
    if (total.failures)
        fprintf(stderr, "soak: first failure: %s\n", total.msg);
    return written(total.failures || broken ? 1 : 0);
}
