/* main.h: included first in each suite of the one test program
 * (tests/suites/main.c), where the Makefile defines main as the suite's
 * own name (tgm_suite_test_X): this declares it, as -Wmissing-prototypes
 * wants of a function that is not static.
 */
#ifndef TGM_TESTS_SUITES_MAIN_H
#define TGM_TESTS_SUITES_MAIN_H

int main(void);

#endif
