/* mon_support.h: helpers for the suites that drive a monitor session
 * through the library (mon_exec_line), as the reverse-execution suites do.
 */
#ifndef TGM_TEST_MON_SUPPORT_H
#define TGM_TEST_MON_SUPPORT_H

#include "tgm/monitor.h"

/* Run one formatted command line; fail the test, naming it, if it fails. */
void ms_cmd(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
