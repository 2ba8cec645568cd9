/* mon_support.h: helpers for the suites that drive a monitor session
 * through the library (mon_exec_line), as the reverse-execution suites do.
 */
#ifndef TGM_TEST_MON_SUPPORT_H
#define TGM_TEST_MON_SUPPORT_H

#include <stdbool.h>

#include "../src/monitor/complete.h" /* helpers are built without -Isrc */
#include "tgm/monitor.h"

/* Run one formatted command line; fail the test, naming it, if it fails. */
void ms_cmd(struct mon *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Tab completion: the context of LINE with the cursor at its end, failing
 * the test if there is none. */
struct mon_compl ms_compl(const char *line);
/* Is WORD one of the space-separated words of LIST (a completion's words)? */
bool ms_has_word(const char *list, const char *word);

#endif
