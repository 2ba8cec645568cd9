/* refsnap.c: the model of refsnap.h. */
#include "refsnap.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"

/* The SESS section's settings and the lines that describe the machines
 * and the focus (docs/monitor.md, "Snapshots"). */
static const char *const snap_keys[] = {
    "focus:", "bare", "control", "memory", "profile",
    "cp-memory", "cp-profile", "hybrid", "slice",
};

static size_t word_len(const char *s)
{
    size_t n = 0;
    while (s[n] && s[n] != ' ' && s[n] != '\n')
        n++;
    return n;
}

bool rs_show_line_is_snap(const char *line)
{
    size_t n = word_len(line);
    for (size_t i = 0; i < sizeof snap_keys / sizeof *snap_keys; i++)
        if (strlen(snap_keys[i]) == n && !strncmp(line, snap_keys[i], n))
            return true;
    return false;
}

char *rs_show_part(const char *show, bool snap)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (const char *p = show; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        if (rs_show_line_is_snap(p) == snap)
            sbuf_printf(&b, "%.*s", (int)n, p);
        p += n;
    }
    return b.s;
}

/* The line of SHOW whose first word is that of LINE, or NULL. */
static const char *line_for(const char *show, const char *line, size_t *len)
{
    size_t k = word_len(line);
    for (const char *p = show; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        if (word_len(p) == k && !strncmp(p, line, k)) {
            *len = n;
            return p;
        }
        p += n;
    }
    return NULL;
}

char *rs_show_expected(const char *saved, const char *before)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (const char *p = saved; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) + 1 : strlen(p);
        size_t bn = 0;
        const char *bl = rs_show_line_is_snap(p) ? NULL : line_for(before, p, &bn);
        if (bl)
            sbuf_printf(&b, "%.*s", (int)bn, bl);
        else
            sbuf_printf(&b, "%.*s", (int)n, p);
        p += n;
    }
    return b.s;
}

char *rs_breaks_without(const char *list, const int *ids, int n)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (const char *p = list; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);
        int id = atoi(p);
        bool drop = false;
        for (int i = 0; i < n; i++)
            drop |= ids[i] == id;
        if (!drop)
            sbuf_printf(&b, "%.*s", (int)len, p);
        p += len;
    }
    if (!b.n) /* all gone: the list says so */
        sbuf_printf(&b, "no breakpoints\n");
    return b.s;
}

char *rs_blank_hits(const char *text)
{
    struct sbuf b = {0};
    sbuf_printf(&b, "%s", "");
    for (const char *p = text; *p;) {
        if (!strncmp(p, "hit ", 4) || !strncmp(p, "hits ", 5)) {
            size_t k = p[3] == 's' ? 5 : 4;
            if (isdigit((unsigned char)p[k])) {
                sbuf_printf(&b, "%s", "hit# ");
                p += k;
                while (isdigit((unsigned char)*p))
                    p++;
                if (!strncmp(p, " times", 6))
                    p += 6;
                else if (!strncmp(p, " time", 5))
                    p += 5;
                continue;
            }
        }
        sbuf_printf(&b, "%.*s", (int)1, p);
        p++;
    }
    return b.s;
}
