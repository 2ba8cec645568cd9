/* test_audit_rob2.c: what docs/robustness.md promises for bad input and
 * the files tgm writes, found broken by a second audit; each test fails
 * on the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* "`load F` (or a program that `.include`s F) likewise: `F: the log goes
 * there until 'log off'; a program is not loaded from it`": a program
 * that included an old log assembled it, said the log's lines as errors
 * and its count, and never the refusal. */
static void load__an_include_the_log_goes_to_is_refused_in_one_line(void **state)
{
    (void)state;
    char log[CS_PATH], src[CS_PATH], cmds[3 * CS_PATH];
    cs_write_text(log, sizeof log, "inc.log", "tgm> print 'ab'\nnot a source > at all\n");
    cs_write_text(src, sizeof src, "uses_log.s", ".include \"inc.log\"\nHALT\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", log, src);
    cs_mon_fails(cmds, "inc.log: the log goes there until 'log off'; a program is not loaded "
                       "from it");
    snprintf(cmds, sizeof cmds, "trace insns to %s; vm create g 4096 %s", log, src);
    cs_mon_fails(cmds, "inc.log: the trace goes there until 'trace off'; a program is not "
                       "loaded from it");
    /* an include's errors of its own are still said, each with its caret */
    char bad[CS_PATH];
    cs_write_text(bad, sizeof bad, "bad_inc.s", "junk >\n");
    cs_write_text(src, sizeof src, "uses_bad.s", ".include \"bad_inc.s\"\nHALT\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", log, src);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    if (!strstr(o.err, "bad_inc.s:1:6: error: unexpected character '>'") ||
        !strstr(o.err, "uses_bad.s: 1 error\n"))
        fail_msg("'%s': stderr \"%s\"", cmds, o.err);
    cs_outcome_free(&o);
}

/* "an empty name (... in the monitor `save ""`, `log ""`, `trace insns to
 * ""`, `timeline ""`, refused when given, status 1": with nothing
 * recorded yet, `timeline ""` said "nothing recorded" instead. */
static void timeline__an_empty_name_is_refused_as_such(void **state)
{
    (void)state;
    static const char why[] = "timeline: expected a file name, got ''";
    cs_mon_fails("timeline \"\"", why);
    cs_mon_fails("timeline on; timeline \"\"", why);
    cs_assert_no_temporary();
}

/* "where the open log or trace goes ... (`log F` then ... `timeline F`)
 * refuses: `F: the log goes there until 'log off'; choose another file`":
 * with nothing recorded yet it said "nothing recorded" instead, and so for
 * a directory; the file named is looked at first, as for the empty name. */
static void timeline__the_file_is_refused_before_what_is_recorded(void **state)
{
    (void)state;
    char cmds[2 * CS_PATH + 64], want[CS_PATH + 64];
    const char *log = cs_tmp("tl.log");
    snprintf(cmds, sizeof cmds, "log %s; timeline %s", log, log);
    snprintf(want, sizeof want, "%s: the log goes there until 'log off'; choose another file",
             log);
    cs_mon_fails(cmds, want);
    snprintf(cmds, sizeof cmds, "timeline %s", cs_tmpdir());
    snprintf(want, sizeof want, "timeline: %s: is a directory (give a file name)", cs_tmpdir());
    cs_mon_fails(cmds, want);
    /* a good name (in the temporary directory: the current one may be
     * read-only): what is recorded is what is wrong */
    snprintf(cmds, sizeof cmds, "timeline %s", cs_tmp("ok.svg"));
    cs_mon_fails(cmds, "timeline: nothing recorded ('timeline on', then run VMs)");
    cs_assert_no_temporary();
}

/* The soak driver's "programs" for ARGS (its JSON's totals, the last
 * one on its line), and its "first" of the one configuration run. */
static uint64_t soak_programs(const char *args, uint64_t *first)
{
    const char *bin = getenv("TGM_SOAK_BIN");
    char cmd[512], line[4096] = "";
    snprintf(cmd, sizeof cmd, "%s %s", bin && *bin ? bin : "build/soak", args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(line, 1, sizeof line - 1, p);
    line[n] = '\0';
    int st = pclose(p);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("soak %s: status %#x, output \"%s\"", args, st, line);
    const char *f = strstr(line, "\"first\":"), *t = strstr(line, "]");
    assert_non_null(f);
    assert_non_null(t);
    assert_non_null(t = strstr(t, "\"programs\":"));
    if (first)
        *first = strtoull(f + 8, NULL, 10);
    return strtoull(t + 11, NULL, 10);
}

/* "--first SEED" is any seed: 2^64 - 1, the driver's mark for "not
 * given", was dropped in silence and the configuration's own first seed
 * run instead. */
static void soak__the_last_seed_is_a_first_seed_too(void **state)
{
    (void)state;
    uint64_t first = 0;
    assert_int_equal(soak_programs("--programs 1 --config s360-67 --first 18446744073709551615",
                                   &first), 1);
    assert_true(first == UINT64_MAX);
}

/* "--shard I/S keeps the groups of seeds whose index is I mod S, so S
 * shards cover the range exactly once": a range whose seeds wrap past
 * 2^64 - 1 ran more programs than --programs, and its shards added up to
 * more again (the range's end was computed past the wrap). */
static void soak__a_range_that_wraps_runs_its_programs_once(void **state)
{
    (void)state;
    static const char range[] = "--programs 3 --config s360-67 --first 18446744073709551614";
    char args[160];
    assert_int_equal(soak_programs(range, NULL), 3);
    uint64_t sum = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(args, sizeof args, "%s --shard %d/2", range, i);
        sum += soak_programs(args, NULL);
    }
    assert_int_equal(sum, 3);
}

/* The inode of PATH (the test fails if it cannot be read). */
static ino_t inode_of(const char *path)
{
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return st.st_ino;
}

/* `tgm as h.s -o LINK REDIR` run by sh, LINK a symbolic link to STREAM
 * and FILE (holding "keep\n" before) what REDIR opens: the exit status,
 * with FILE's inode checked unchanged, its text in *TEXT and stderr in
 * *ERR (free both). */
static int as_through_link(const char *stream, const char *redir, char **text, char **err)
{
    char src[CS_PATH], link[CS_PATH], file[CS_PATH], errf[CS_PATH], cmd[6 * CS_PATH];
    cs_write_text(src, sizeof src, "h.s", "HALT\n");
    cs_write_text(file, sizeof file, "stream.txt", "keep\n");
    cs_tmp_path(link, sizeof link, "stream_link");
    cs_tmp_path(errf, sizeof errf, "stream.err");
    unlink(link);
    assert_int_equal(symlink(stream, link), 0);
    ino_t ino = inode_of(file);
    snprintf(cmd, sizeof cmd, "'%s' as '%s' -o '%s' %s'%s' 2>'%s'", cs_tgm(), src, link, redir,
             file, errf);
    int status;
    free(cs_sh_output(cmd, &status));
    assert_true(inode_of(file) == ino);
    *text = cs_slurp(file, NULL);
    *err = cs_slurp(errf, NULL);
    return status;
}

/* "the process's own stream, `/dev/stdin`, `/dev/stdout`, ... `/dev/fd/N`
 * ...: writes in place through a copy of the descriptor, at its offset",
 * and "a symbolic link: follows it ... and replaces the target": a link
 * to /dev/stdin was followed on through /proc/self/fd/0 to the file
 * standard input was redirected from, which was then replaced (standard
 * input is "never written over"); one to /dev/stdout was refused as the
 * file standard output goes to, one to /dev/fd/3 replaced its file. */
static void writer__a_link_to_a_stream_is_that_stream(void **state)
{
    (void)state;
    char *text, *err;
    assert_int_equal(as_through_link("/dev/stdin", "<", &text, &err), 2);
    assert_string_equal(text, "keep\n");
    static const char why[] = "/stream_link: Bad file descriptor (open only for reading)\n";
    size_t n = strlen(err);
    if (strncmp(err, "tgm: as: ", 9) != 0 || strchr(err, '\n') != err + n - 1 ||
        n < sizeof why - 1 || strcmp(err + n - (sizeof why - 1), why) != 0)
        fail_msg("-o a link to /dev/stdin: stderr \"%s\"", err);
    free(text);
    free(err);
    static const char *const appended[][2] = {{"/dev/stdout", ">>"}, {"/dev/fd/3", "3>>"},
                                              {"/proc/self/fd/1", ">>"}};
    for (size_t i = 0; i < sizeof appended / sizeof appended[0]; i++) {
        int status = as_through_link(appended[i][0], appended[i][1], &text, &err);
        if (status != 0 || strncmp(text, "keep\nTGMIMAGE", 13) != 0)
            fail_msg("-o a link to %s: status %d, file \"%.5s\", stderr \"%s\"",
                     appended[i][0], status, text, err);
        free(text);
        free(err);
    }
    cs_assert_no_temporary();
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rob2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__an_include_the_log_goes_to_is_refused_in_one_line),
        cmocka_unit_test(timeline__an_empty_name_is_refused_as_such),
        cmocka_unit_test(timeline__the_file_is_refused_before_what_is_recorded),
        cmocka_unit_test(writer__a_link_to_a_stream_is_that_stream),
        cmocka_unit_test(soak__the_last_seed_is_a_first_seed_too),
        cmocka_unit_test(soak__a_range_that_wraps_runs_its_programs_once),
    };
    return cmocka_run_group_tests_name("audit_rob2", tests, group_setup, group_teardown);
}
