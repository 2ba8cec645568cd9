/* main.c: the test program most suites share: each tests/test_X.c whose
 * main is `int main(void)` is compiled with it renamed tgm_suite_test_X,
 * all are linked once, and build/tests/test_X is a hard link to this
 * program, which runs the suite its name says.  (One link instead of one
 * per suite: the links took about as long as compiling every suite.)
 * TGM_SUITES, from suites.inc, lists them, SUITE(name) each; built with
 * -DTGM_ONE_SUITE=test_X, this is that suite's program alone (one that
 * defines more than its main, which would change the others).
 */
#include <stdio.h>
#include <string.h>

#ifdef TGM_ONE_SUITE
#define TGM_SUITES SUITE(TGM_ONE_SUITE)
#else
#include "suites.inc"
#endif

/* (through a second macro, so that TGM_ONE_SUITE is expanded first) */
#define SUITE_DECLARE(n) int tgm_suite_##n(void);
#define SUITE_ENTRY(n) {#n, tgm_suite_##n},
#define SUITE(n) SUITE_DECLARE(n)
TGM_SUITES
#undef SUITE

#define SUITE(n) SUITE_ENTRY(n)
static const struct {
    const char *name;
    int (*run)(void);
} suites[] = {TGM_SUITES};
#undef SUITE

int main(int argc, char **argv)
{
#ifdef TGM_ONE_SUITE
    (void)argc, (void)argv;
    return suites[0].run();
#else
    const char *path = argc > 0 && argv[0] ? argv[0] : "";
    const char *name = strrchr(path, '/');
    name = name ? name + 1 : path;
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (strcmp(name, suites[i].name) == 0)
            return suites[i].run();
    fprintf(stderr, "%s: no suite of that name: run a suite by its own name, "
                    "build/tests/test_NAME (a link to this program)\n", path);
    return 2;
#endif
}
