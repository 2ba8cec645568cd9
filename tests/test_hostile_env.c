/* test_hostile_env.c: tgm's files in a hostile environment.
 *
 * What a user of a simulator trusts it with (docs/robustness.md, "Files"):
 * a write that fails or is killed leaves the old file as it was and no
 * temporary file; any name the directory takes can be written.  The
 * images written and read are those of section 2's machine (E and the PSW).
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
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

static const char spin_src[] = "        .entry s\n"
                               "s:      JMP   s\n";

static const char hello_src[] = "        .entry start\n"
                                "start:  COUT  ch\n"
                                "        HALT\n"
                                "ch:     .word 'X'\n";

static const char *tmp(const char *name)
{
    static char buf[4][CS_PATH];
    static int k;
    k = (k + 1) % 4;
    cs_tmp_path(buf[k], sizeof buf[k], name);
    return buf[k];
}

static void put(const char *path, const char *text)
{
    unlink(path);
    cs_write_bytes(path, text, strlen(text));
}

/* Does the temporary directory hold a file whose name begins with PREFIX? */
static bool has_file_starting(const char *prefix)
{
    DIR *d = opendir(cs_tmpdir());
    assert_non_null(d);
    bool found = false;
    for (struct dirent *e; !found && (e = readdir(d));)
        found = strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return found;
}

/* No writer's temporary file (NAME.tmpXXXXXX) is left. */
static void assert_no_temporary(void)
{
    DIR *d = opendir(cs_tmpdir());
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".tmp")) {
            print_error("temporary file left behind: %s\n", e->d_name);
            fail();
        }
    closedir(d);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_hostile_env");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* ---- writers ------------------------------------------------------------- */

/* SIGTERM while 'tgm run --timeline' wrote a large timeline killed tgm
 * with its temporary file left beside the old one.  The signal still ends
 * tgm, as it would have, but the temporary file goes first. */
static void writer__sigterm_mid_write_leaves_no_temporary(void **state)
{
    (void)state;
    const char *src = tmp("spin.s"), *tl = tmp("big.json");
    put(src, spin_src);
    put(tl, "old\n");
    pid_t pid = cs_start_tgm(-1, "run", CS_ARGV("--vmm", "--vms", "3", "--slice", "10",
                                               "--max-steps", "1000000", src, "--timeline",
                                               tl));
    /* the run is over and the timeline (about 100 MB) is being written */
    bool seen = false;
    for (int i = 0; i < 200000 && !seen && waitpid(pid, NULL, WNOHANG) == 0; i++)
        if (!(seen = has_file_starting("big.json.tmp")))
            usleep(500);
    assert_true(seen);
    assert_int_equal(kill(pid, SIGTERM), 0);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st)); /* the signal's usual end, as without tgm's writer */
    assert_int_equal(WTERMSIG(st), SIGTERM);
    char *old = cs_slurp(tl, NULL);
    assert_string_equal(old, "old\n");
    free(old);
    assert_no_temporary();
}

/* A name of 246..255 bytes is a name the directory takes, but its
 * temporary file NAME.tmpXXXXXX was not: 'cannot create a temporary
 * file: File name too long'.  The temporary's name is cut instead. */
static void writer__a_name_of_255_bytes_is_written(void **state)
{
    (void)state;
    char name[256];
    memset(name, 'n', 255);
    name[255] = '\0';
    const char *src = tmp("hello.s");
    char out[CS_PATH + 256];
    snprintf(out, sizeof out, "%s/%s", cs_tmpdir(), name);
    put(src, hello_src);
    put(out, "old\n"); /* and it replaces a file of that name */
    struct cs_outcome o = cs_run_tgm("as", src, "-o", out, NULL);
    if (o.status != 0)
        fail_msg("tgm as -o NAME(255): status %d, stderr \"%s\"", o.status, o.err);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", out, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "X"));
    cs_outcome_free(&o);
    assert_int_equal(unlink(out), 0);
    assert_no_temporary();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writer__sigterm_mid_write_leaves_no_temporary),
        cmocka_unit_test(writer__a_name_of_255_bytes_is_written),
    };
    return cmocka_run_group_tests_name("hostile_env", tests, group_setup, group_teardown);
}
