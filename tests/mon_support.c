/* mon_support.c: helpers for the suites that drive a monitor session
 * (see mon_support.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "mon_support.h"

void ms_cmd(struct mon *m, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (mon_exec_line(m, line) != 0)
        fail_msg("'%s' failed", line);
}
