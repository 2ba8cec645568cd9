/* mon_support.c: helpers for the suites that drive a monitor session
 * (see mon_support.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

struct mon_compl ms_compl(const char *line)
{
    struct mon_compl c;
    if (mon_complete_context(line, strlen(line), &c) != 0)
        fail_msg("nothing completes '%s'", line);
    return c;
}

bool ms_has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p; p += strspn(p, " ")) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, word, n))
            return true;
        p += k;
    }
    return false;
}
