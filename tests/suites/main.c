/* main.c: the test program most suites share: each tests/test_X.c is
 * compiled with its main renamed tgm_suite_test_X, all are linked once,
 * and build/tests/test_X is a hard link to this program, which runs the
 * suite its name says.  (One link instead of one per suite: the links took
 * about as long as compiling every suite.)  The list is the Makefile's,
 * one SUITE(name) a line in suites.inc.
 */
#include <stdio.h>
#include <string.h>

#define SUITE(n) int tgm_suite_##n(void);
#include "suites.inc"
#undef SUITE

static const struct {
    const char *name;
    int (*run)(void);
} suites[] = {
#define SUITE(n) {#n, tgm_suite_##n},
#include "suites.inc"
#undef SUITE
};

int main(int argc, char **argv)
{
    const char *path = argc > 0 && argv[0] ? argv[0] : "";
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(name, suites[i].name) == 0)
            return suites[i].run();
    fprintf(stderr, "%s: no suite of that name: run a suite by its own name, "
                    "build/tests/test_NAME (a link to this program)\n", path);
    return 2;
}
