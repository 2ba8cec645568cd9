/* test_soak.c: campaigns larger than one machine give the same answer as
 * one process (section 6's differential test, split).
 *
 * The same seed range swept by one process, by several worker processes
 * (--jobs) and by shards (--shard i/n) must give the same number of
 * programs, the same failures, the same lowest failing seed and the same
 * digest of the final states; and the soak driver's shard lines add up to
 * its single line.  A Theorem-1-violating profile (pdp10 without hybrid)
 * makes sure there are failures to count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "diffcore.h"

static void assert_same_result(const struct dc_result *a, const struct dc_result *b)
{
    assert_int_equal(a->programs, b->programs);
    assert_int_equal(a->failures, b->failures);
    assert_int_equal(a->first_failure, b->first_failure);
    assert_int_equal(a->digest, b->digest);
}

static void check_splits(const struct dc_config *c, bool want_failures)
{
    struct dc_result one = {.first_failure = UINT64_MAX};
    dc_sweep(c, 0, 1, &one);
    assert_int_equal(one.programs, c->count);
    assert_int_equal(one.failures > 0, want_failures);

    struct dc_result jobs = {.first_failure = UINT64_MAX};
    assert_int_equal(dc_sweep_jobs(c, 0, 1, 3, &jobs), 0);
    assert_same_result(&one, &jobs);

    struct dc_result shards = {.first_failure = UINT64_MAX};
    for (uint64_t i = 0; i < 4; i++) {
        struct dc_result r = {.first_failure = UINT64_MAX};
        assert_int_equal(dc_sweep_jobs(c, i, 4, 2, &r), 0);
        dc_result_add(&shards, &r);
    }
    assert_same_result(&one, &shards);
}

static void soak__jobs_and_shards_equal_one_process_with_failures(void **state)
{
    (void)state;
    struct dc_config c = {"pdp10-plain", "pdp10", false, 1, 0, 2000000, 60, false};
    check_splits(&c, true);
}

static void soak__jobs_and_shards_equal_one_process_four_vms(void **state)
{
    (void)state;
    struct dc_config c = {"4vms", "virtualizable", false, 4, 97, 1000000, 50, false}; /* 12.5 groups */
    check_splits(&c, false);
}

/* The programs shard SHARD/NSHARDS of C runs over JOBS processes. */
static uint64_t shard_programs(const struct dc_config *c, uint64_t shard, uint64_t nshards,
                               int jobs)
{
    struct dc_result r = {.first_failure = UINT64_MAX};
    assert_int_equal(dc_sweep_jobs(c, shard, nshards, jobs, &r), 0);
    return r.programs;
}

/* --shard I/S takes any S up to 2^64 - 1 and still keeps only the groups
 * I mod S: a step past the last group must not wrap round into another
 * shard's groups (shard 5 of 2^64 - 1 ran groups 5, 4, ..., 0), nor must
 * S * J for the workers (0 with S = 2^63 and two jobs: the sweep never
 * ended, hence the alarm); and a range of 2^64 - 1 seeds has its groups. */
static void soak__huge_shard_counts_keep_one_group_per_shard(void **state)
{
    (void)state;
    alarm(120);
    struct dc_config one = {"v", "virtualizable", false, 1, 0, 0, 10, false};
    assert_int_equal(shard_programs(&one, 5, UINT64_MAX, 1), 1);
    assert_int_equal(shard_programs(&one, 5, UINT64_MAX, 3), 1);
    assert_int_equal(shard_programs(&one, 10, UINT64_MAX, 1), 0);
    assert_int_equal(shard_programs(&one, 0, UINT64_C(1) << 63, 2), 1);
    assert_int_equal(shard_programs(&one, 3, 4, 2), 2); /* groups 3 and 7 */
    struct dc_config four = {"v4", "virtualizable", false, 4, 97, 1000000, UINT64_MAX, false};
    assert_int_equal(shard_programs(&four, 0, UINT64_MAX, 1), 4);
    /* the last group: 2^64 - 1 = 4 * (2^62 - 1) + 3 */
    assert_int_equal(shard_programs(&four, (UINT64_C(1) << 62) - 1, UINT64_C(1) << 62, 2), 3);
    alarm(0);
}

/* The number after "KEY": in the JSON line S (the first occurrence). */
static uint64_t field(const char *s, const char *key)
{
    char k[64];
    snprintf(k, sizeof k, "\"%s\":", key);
    const char *p = strstr(s, k);
    assert_non_null(p);
    p += strlen(k);
    if (*p == '"')
        p++;
    return strtoull(p, NULL, 0);
}

/* The driver's whole output for ARGS; *STATUS gets its exit status. */
static char *soak_run(const char *args, int *status)
{
    const char *bin = getenv("TGM_SOAK_BIN");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s %s", bin && *bin ? bin : "build/soak", args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0)
        fwrite(buf, 1, n, m);
    fclose(m);
    int st = pclose(p);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return out;
}

/* One shard's line: exactly one line. */
static char *soak(const char *shard, const char *jobs)
{
    char args[128];
    snprintf(args, sizeof args, "--programs 40 --config pdp10-plain --shard %s --jobs %s",
             shard, jobs);
    int status;
    char *line = soak_run(args, &status);
    assert_int_equal(status, 0);
    char *nl = strchr(line, '\n');
    assert_non_null(nl);
    assert_int_equal(nl[1], '\0');
    return line;
}

/* 'soak --help' answers as the other commands do: the usage with every
 * option docs/robustness.md gives and the --config names, status 0. */
static void soak__help_lists_the_options_and_configurations(void **state)
{
    (void)state;
    int status;
    char *out = soak_run("--help", &status);
    assert_int_equal(status, 0);
    const char *want[] = {"--programs N", "--jobs J", "--shard I/S", "--config NAME",
                          "--first SEED", "virtualizable-4vms", "pdp10-plain"};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (!strstr(out, want[i]))
            fail_msg("soak --help does not say '%s':\n%s", want[i], out);
    free(out);
    out = soak_run("--bogus 2>&1", &status);
    assert_int_equal(status, 2);
    assert_string_equal(out, "soak: unknown option '--bogus' (try 'soak --help')\n");
    free(out);
}

/* A campaign's line that cannot be written (a full disk under '>
 * soak-3.json', a closed standard output) is one error line and status 2,
 * never a clean status 0 with the result lost; --help likewise. */
static void soak__a_line_that_cannot_be_written_fails(void **state)
{
    (void)state;
    static const char *const runs[][2] = {
        {"--programs 1 --config virtualizable 2>&1 >/dev/full", "No space left on device"},
        {"--programs 2 --jobs 2 --config virtualizable 2>&1 >/dev/full",
         "No space left on device"},
        {"--programs 1 --config virtualizable 2>&1 >&-", "Bad file descriptor"},
        {"--help 2>&1 >/dev/full", "No space left on device"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        int status;
        char *out = soak_run(runs[i][0], &status);
        char want[128];
        snprintf(want, sizeof want, "soak: cannot write the output: %s\n", runs[i][1]);
        if (status != 2 || strcmp(out, want) != 0)
            fail_msg("soak %s: status %d, said '%s'", runs[i][0], status, out);
        free(out);
    }
}

static void soak__driver_shard_lines_add_up_to_one_line(void **state)
{
    (void)state;
    char *all = soak("0/1", "1");
    uint64_t programs = 0, failures = 0, digest = 0, first = UINT64_MAX;
    for (int i = 0; i < 3; i++) {
        char sh[16];
        snprintf(sh, sizeof sh, "%d/3", i);
        char *l = soak(sh, "2");
        programs += field(l, "programs");
        failures += field(l, "failures");
        digest += field(l, "digest");
        if (!strstr(l, "\"first_failure\":null") && field(l, "first_failure") < first)
            first = field(l, "first_failure");
        free(l);
    }
    assert_int_equal(programs, field(all, "programs"));
    assert_int_equal(failures, field(all, "failures"));
    assert_true(failures > 0);
    assert_int_equal(first, field(all, "first_failure"));
    assert_int_equal(digest, field(all, "digest"));
    free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(soak__jobs_and_shards_equal_one_process_with_failures),
        cmocka_unit_test(soak__jobs_and_shards_equal_one_process_four_vms),
        cmocka_unit_test(soak__driver_shard_lines_add_up_to_one_line),
        cmocka_unit_test(soak__help_lists_the_options_and_configurations),
        cmocka_unit_test(soak__huge_shard_counts_keep_one_group_per_shard),
        cmocka_unit_test(soak__a_line_that_cannot_be_written_fails),
    };
    return cmocka_run_group_tests_name("soak", tests, NULL, NULL);
}
