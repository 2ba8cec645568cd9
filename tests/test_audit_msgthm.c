/* test_audit_msgthm.c: the messages docs/robustness.md, docs/theorems.md
 * and DEVELOPERS.md quote, compared with what tgm prints.
 *
 * The first test pins a message that differed from its quotation (each
 * fails on the tree before its fix).  Runs the real binary (cli_support)
 * from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- DEVELOPERS.md: make deps names what is missing ---------------------- */

/* Run make TARGET at the top of the tree with PATH = DIR alone (make
 * itself found first), both streams into one string. */
static char *make_with_path(const char *dir, const char *target)
{
    char top[CS_PATH], cmd[4 * CS_PATH];
    assert_non_null(getcwd(top, sizeof top));
    snprintf(cmd, sizeof cmd,
             "cd '%s' && m=$(command -v make) && unset MAKEFLAGS MFLAGS MAKELEVEL && "
             "PATH='%s' \"$m\" -s %s 2>&1",
             top, dir, target);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t cap = 4096, n = 0;
    char *out = malloc(cap);
    assert_non_null(out);
    for (size_t got; (got = fread(out + n, 1, cap - n - 1, p)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            out = realloc(out, cap *= 2);
            assert_non_null(out);
        }
    }
    out[n] = '\0';
    pclose(p);
    return out;
}

static void script(const char *dir, const char *name, const char *body)
{
    char path[2 * CS_PATH];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    cs_put_text(path, body);
    assert_int_equal(chmod(path, 0755), 0);
}

static void has_line(const char *text, const char *line, const char *what)
{
    const char *want[] = {line, NULL};
    cs_assert_lines_in_order(text, want, what);
}

/* "otherwise it stops with the exact command to run:
 *     tgm: missing dependencies: cmocka"
 * A machine without pkg-config got "tgm: missing dependencies:pkg-config
 * libedit" (no space after the colon), and as root "installing missing
 * dependencies ( cmocka)": the list kept the space it was built with. */
static void deps__the_missing_are_listed_as_quoted(void **state)
{
    (void)state;
    char none[CS_PATH], nocm[CS_PATH], root[CS_PATH], body[2 * CS_PATH];
    cs_tmp_path(none, sizeof none, "deps-none");
    cs_tmp_path(nocm, sizeof nocm, "deps-nocmocka");
    cs_tmp_path(root, sizeof root, "deps-root");
    assert_int_equal(mkdir(none, 0755), 0);
    assert_int_equal(mkdir(nocm, 0755), 0);
    assert_int_equal(mkdir(root, 0755), 0);
    /* not root, so nothing is installed: the command is named instead */
    script(none, "id", "#!/bin/sh\necho 1000\n");
    script(nocm, "id", "#!/bin/sh\necho 1000\n");
    /* a pkg-config that knows everything but cmocka */
    FILE *w = popen("command -v pkg-config", "r");
    assert_non_null(w);
    char real[CS_PATH] = "";
    if (!fgets(real, sizeof real, w))
        real[0] = '\0';
    pclose(w);
    real[strcspn(real, "\n")] = '\0';
    if (!real[0])
        skip(); /* make test itself needs it: not reached there */
    snprintf(body, sizeof body,
             "#!/bin/sh\nfor a in \"$@\"; do [ \"$a\" = cmocka ] && exit 1; done\nexec '%s' \"$@\"\n",
             real);
    script(nocm, "pkg-config", body);
    script(root, "pkg-config", body);
    script(root, "id", "#!/bin/sh\necho 0\n");
    script(root, "apt-get", "#!/bin/sh\nexit 0\n"); /* installs nothing */

    char *out = make_with_path(none, "deps");
    has_line(out, "tgm: missing dependencies: pkg-config libedit", "make deps without pkg-config");
    has_line(out, "tgm: install them with: sudo apt-get install -y libedit-dev pkg-config",
             "make deps without pkg-config");
    free(out);
    out = make_with_path(nocm, "test-deps");
    has_line(out, "tgm: missing dependencies: cmocka", "make test-deps without cmocka");
    has_line(out,
             "tgm: install them with: sudo apt-get install -y libcmocka-dev libedit-dev "
             "pkg-config",
             "make test-deps without cmocka");
    free(out);
    out = make_with_path(root, "test-deps");
    has_line(out,
             "tgm: installing missing dependencies (cmocka): apt-get install -y libcmocka-dev "
             "libedit-dev pkg-config",
             "make test-deps as root without cmocka");
    free(out);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_msgthm");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deps__the_missing_are_listed_as_quoted),
    };
    return cmocka_run_group_tests_name("audit_msgthm", tests, group_setup, group_teardown);
}
