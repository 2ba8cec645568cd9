/* report.c: the speed harness's report (`make bench`): the text of each
 * row, a compact table, the JSON for comparing runs, and an SVG chart of
 * MIPS per row against an earlier run (docs/bench.md).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "tgm/bytes.h"

static void print_table(FILE *f, const struct result *r, size_t n);

void print_text(const struct result *r, size_t n, int runs)
{
    printf("tgm bench: median of %d timed run%s after a warm-up;\n"
           "MIPS over the thread's CPU time\n\n", runs, runs == 1 ? "" : "s");
    for (size_t i = 0; i < n; i++) {
        const struct result *x = &r[i];
        printf("%-15s %s\n", x->b->name, x->b->what);
        printf("%-15s %" PRIu64 " instructions, %" PRIu64 " cycles, median %.3f s CPU\n",
               "", x->s.insns, x->s.cycles, x->secs.median);
        printf("%-15s %.1f MIPS (min %.1f, max %.1f; %.1f by the wall clock)\n", "",
               x->mips.median, x->mips.min, x->mips.max, x->wall_mips);
        printf("%-15s %.1f million simulated cycles/s\n", "",
               (double)x->s.cycles / x->secs.median / 1e6);
        if (x->host_ratio >= 0)
            printf("%-15s %.2f host instructions per guest instruction (callgrind)\n", "",
                   x->host_ratio);
        putchar('\n');
    }
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        const struct result *x = &r[i];
        if (!x->compared)
            continue;
        if (!any)
            printf("rows against their twins (bars: time ratio <= %.2f for a\n"
                   "compute-bound guest, <= %.2f for 64 VMs against 1, <= %.0f with a\n"
                   "breakpoint; trap round trip <= %.0f ns):\n",
                   BAR_RATIO, BAR_MANY_VMS, BAR_CHECKED, BAR_ROUNDTRIP_NS);
        any = true;
        printf("  %-15s time ratio %.3f against %s", x->b->name, x->time_ratio, x->b->bare);
        if (x->ns_per_trap >= 0)
            printf("; %.1f ns per trap round trip", x->ns_per_trap);
        putchar('\n');
    }
    if (any)
        putchar('\n');
    print_table(stdout, r, n);
}

/* One line per row: median MIPS, host instructions per guest instruction,
 * and the time ratio to the row's twin. */
static void print_table(FILE *f, const struct result *r, size_t n)
{
    fprintf(f, "%-15s %9s %11s %8s  %s\n", "row", "MIPS", "host/guest", "ratio", "against");
    for (size_t i = 0; i < n; i++) {
        const struct result *x = &r[i];
        fprintf(f, "%-15s %9.1f ", x->b->name, x->mips.median);
        if (x->host_ratio >= 0)
            fprintf(f, "%11.2f ", x->host_ratio);
        else
            fprintf(f, "%11s ", "-");
        if (x->compared)
            fprintf(f, "%8.3f  %s\n", x->time_ratio, x->b->bare);
        else
            fprintf(f, "%8s\n", "-");
    }
}

void print_json(FILE *f, const struct result *r, size_t n, int runs)
{
    fprintf(f, "{\"runs\":%d,\"benchmarks\":[", runs);
    for (size_t i = 0; i < n; i++) {
        const struct result *x = &r[i];
        fprintf(f, "%s{\"name\":\"%s\",\"instructions\":%" PRIu64 ",\"cycles\":%" PRIu64
                ",\"median_cpu_s\":%.6f,\"mips\":%.2f,\"mips_min\":%.2f,\"mips_max\":%.2f,"
                "\"mips_wall\":%.2f,\"cycles_per_s\":%.0f,\"host_insns_per_guest_insn\":",
                i ? "," : "", x->b->name, x->s.insns, x->s.cycles, x->secs.median,
                x->mips.median, x->mips.min, x->mips.max, x->wall_mips,
                (double)x->s.cycles / x->secs.median);
        if (x->host_ratio >= 0)
            fprintf(f, "%.3f", x->host_ratio);
        else
            fprintf(f, "null");
        if (x->compared) {
            fprintf(f, ",\"vs\":\"%s\",\"time_ratio\":%.4f,\"ns_per_trap\":", x->b->bare,
                    x->time_ratio);
            if (x->ns_per_trap >= 0)
                fprintf(f, "%.2f", x->ns_per_trap);
            else
                fprintf(f, "null");
        }
        fputc('}', f);
    }
    fprintf(f, "],\"bars\":{\"mips\":%.0f,\"time_ratio\":%.2f,\"many_vms_ratio\":%.2f,"
            "\"roundtrip_ns\":%.0f}}\n", BAR_MIPS, BAR_RATIO, BAR_MANY_VMS, BAR_ROUNDTRIP_NS);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
        p++;
    return p;
}

/* The value of key KEY in the JSON text S..END (white space allowed
 * around the colon, as any JSON writer may put it), or NULL. */
static const char *json_key(const char *s, const char *end, const char *key)
{
    size_t k = strlen(key);
    for (const char *p = s; (p = memchr(p, '"', (size_t)(end - p))); p++)
        if ((size_t)(end - p) > k + 1 && !memcmp(p + 1, key, k) && p[k + 1] == '"') {
            const char *c = skip_ws(p + k + 2, end);
            if (c < end && *c == ':')
                return skip_ws(c + 1, end);
        }
    return NULL;
}

const char *bench_json_rows(const char *json)
{
    const char *end = json + strlen(json), *v = json_key(json, end, "benchmarks");
    return v && *v == '[' ? v + 1 : NULL;
}

/* The median MIPS of row NAME in an earlier run's JSON, or -1: its "mips"
 * is looked for in the row's own object, whatever the order of its keys
 * (a file rewritten by jq -S, say). */
static double json_mips(const char *json, const char *name)
{
    const char *p = json ? bench_json_rows(json) : NULL;
    size_t len = strlen(name);
    for (const char *o, *e; p && (o = strchr(p, '{')) && (e = strchr(o, '}')); p = e + 1) {
        const char *v = json_key(o, e, "name"), *m = json_key(o, e, "mips");
        if (v && m && *v == '"' && !strncmp(v + 1, name, len) && v[len + 1] == '"')
            return strtod(m, NULL);
    }
    return -1;
}

/* MIPS per row as horizontal bars: the earlier run (BEFORE, grey, when
 * given) above this one. */
void print_svg(FILE *f, const struct result *r, size_t n, const char *before)
{
    double top = BAR_MIPS;
    for (size_t i = 0; i < n; i++) {
        double b = json_mips(before, r[i].b->name);
        top = r[i].mips.median > top ? r[i].mips.median : top;
        top = b > top ? b : top;
    }
    const int left = 120, width = 560, row_h = 34, height = 50 + (int)n * row_h;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"sans-serif\" font-size=\"12\">\n", left + width + 80, height);
    fprintf(f, "<text x=\"10\" y=\"18\">tgm bench: median MIPS per row (%s)</text>\n",
            before ? "grey: before, blue: after" : "this run");
    for (size_t i = 0; i < n; i++) {
        int y = 30 + (int)i * row_h;
        double b = json_mips(before, r[i].b->name), a = r[i].mips.median;
        fprintf(f, "<text x=\"10\" y=\"%d\">%s</text>\n", y + 18, r[i].b->name);
        if (b >= 0)
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"12\" fill=\"#bbb\"/>"
                    "<text x=\"%.0f\" y=\"%d\">%.0f</text>\n", left, y, b / top * width,
                    left + b / top * width + 4, y + 10, b);
        fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"12\" fill=\"#36c\"/>"
                "<text x=\"%.0f\" y=\"%d\">%.0f</text>\n", left, y + 14, a / top * width,
                left + a / top * width + 4, y + 24, a);
    }
    int bx = left + (int)(BAR_MIPS / top * width);
    fprintf(f, "<line x1=\"%d\" y1=\"26\" x2=\"%d\" y2=\"%d\" stroke=\"#c33\" "
            "stroke-dasharray=\"4\"/><text x=\"%d\" y=\"%d\" fill=\"#c33\">%.0f MIPS</text>\n",
            bx, bx, height - 14, bx - 30, height - 2, BAR_MIPS);
    fputs("</svg>\n", f);
}

/* Write PATH with the chart (SVG) or the JSON, atomically; -1 after saying why. */
int write_file(const char *path, const struct result *r, size_t n, int runs, const char *before,
               bool svg)
{
    char *buf = NULL, err[4200];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        fprintf(stderr, "bench: out of memory\n");
        return -1;
    }
    if (svg)
        print_svg(f, r, n, before);
    else
        print_json(f, r, n, runs);
    fclose(f);
    int rc = tgm_write_atomic(path, buf, len, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "bench: %s\n", err);
    free(buf);
    return rc;
}
