/* nest.c: the speed of recursion (section 7, Theorem 2), `make bench`'s
 * second part: a guest on 0 to 4 levels of the machine-code control
 * program (examples/vmm/cp.s).
 *
 * Two guests: a compute-bound loop, whose instructions all run directly at
 * every depth (the efficiency property, so the time ratio to bare stays near
 * 1), and the time-sharing OS of examples/os/, whose every trap becomes
 * traps at each level below it.  For each depth: the median CPU time, its
 * ratio to bare and to the level above, real instructions per guest
 * instruction, and the traps each level's CP handled.  Depth 0 is the
 * guest on the bare machine.
 *
 *   bench-nest [--runs N] [--json FILE|-] [--svg FILE|-] [--os PATH] [--max-steps N]
 *
 * A FILE of - is standard output, which then has that instead of the text.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/nest.h"

#define MAX_DEPTH 4
#define MAX_RUNS 51
#define BAR_COMPUTE_RATIO 1.05 /* compute-bound guest at depth 4 vs bare */

/* ~200 million instructions: ADDI, MOV, DJNZ in an inner loop (the same
 * shape as bench.c's add-store row), then HALT. */
static const char compute_src[] =
    "        .entry start\n"
    "start:  LI    outer, 1000\n"
    "o:      LI    cnt, 65536\n"
    "i:      ADDI  x, x, 3\n"
    "        MOV   y, x\n"
    "        DJNZ  cnt, i\n"
    "        DJNZ  outer, o\n"
    "        HALT\n"
    "outer:  .word 0\n"
    "cnt:    .word 0\n"
    "x:      .word 0\n"
    "y:      .word 0\n";

struct row {
    unsigned depth;
    double secs;               /* median CPU time */
    double ratio;              /* median over runs of time / bare time in that run */
    uint64_t guest_insns;      /* the bare run's instructions */
    uint64_t real_insns;       /* the bottom machine's */
    uint64_t real_traps;
    uint64_t entries[MAX_DEPTH + 1]; /* traps that reached level 1..depth */
};

static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The real steps a run of the OS may take (--max-steps): an OS given with
 * --os that has not halted by then never will, as far as a benchmark
 * cares (the one in examples/os takes under 4 million at depth 4).  The
 * compute-bound guest is this program's own, and has none. */
#define OS_PATH_DEFAULT "examples/os/os.s"
#define OS_STEPS_DEFAULT (UINT64_C(1) << 31)
static uint64_t os_steps = OS_STEPS_DEFAULT;

/* One run of GUEST at DEPTH, for at most MAX real steps (0: no limit);
 * fills R's counts; -1 if it did not halt. */
static int run_once(const struct tgm_image *guest, uint64_t max, unsigned depth, double *secs,
                    struct row *r)
{
    struct nest_run nr;
    struct nest_run_opts o = {depth, TGM_Q_DEFAULT, false, false, NULL, 0};
    char err[256];
    if (nest_run_start(NULL, guest, &o, &nr, err, sizeof err) != 0) {
        fprintf(stderr, "bench-nest: %s\n", err);
        return -1;
    }
    double t0 = cpu_now();
    bool halted = nest_run_go(&nr, max);
    *secs = cpu_now() - t0;
    if (!halted && max) {
        fprintf(stderr, "bench-nest: depth %u: the OS did not halt within %" PRIu64
                " real steps (--max-steps)\n", depth, max);
        nest_run_free(&nr);
        return -1;
    }
    if (!halted) {
        fprintf(stderr, "bench-nest: depth %u: the guest did not halt\n", depth);
        nest_run_free(&nr);
        return -1;
    }
    struct machine_counters c = machine_get_counters(nr.real);
    r->real_insns = c.instret;
    r->real_traps = 0;
    for (unsigned i = 1; i < TRAP_NCAUSES; i++)
        r->real_traps += c.traps[i];
    for (unsigned d = 1; d <= depth; d++) {
        struct nest_level l;
        nest_level_read(&nr.lay, machine_mem(nr.m), d, &l);
        r->entries[d] = l.entries;
    }
    nest_run_free(&nr);
    return 0;
}

/* RUNS timed runs of GUEST at every depth, interleaved so that a change in
 * the machine's speed affects all depths alike; a depth's ratio to bare is
 * the median of its runs' ratios to the bare run of the same round.  A sample repeats a short
 * guest until it takes about SAMPLE_S, so the clock's resolution and the
 * set-up do not dominate. */
#define SAMPLE_S 0.05
static int measure(const struct tgm_image *guest, uint64_t max, int runs, struct row *rows)
{
    double t[MAX_DEPTH + 1][MAX_RUNS];
    unsigned reps[MAX_DEPTH + 1];
    for (unsigned d = 0; d <= MAX_DEPTH; d++) { /* warm-up, and the counts */
        rows[d] = (struct row){.depth = d};
        double s;
        if (run_once(guest, max, d, &s, &rows[d]) != 0)
            return -1;
        reps[d] = s >= SAMPLE_S ? 1 : s > 0 ? (unsigned)(SAMPLE_S / s) + 1 : 1000;
    }
    for (int i = 0; i < runs; i++)
        for (unsigned d = 0; d <= MAX_DEPTH; d++) {
            t[d][i] = 0;
            for (unsigned k = 0; k < reps[d]; k++) {
                double s;
                if (run_once(guest, max, d, &s, &rows[d]) != 0)
                    return -1;
                t[d][i] += s;
            }
            t[d][i] /= reps[d];
        }
    /* each depth against the bare run just before it, pair by pair */
    for (unsigned d = MAX_DEPTH + 1; d-- > 0;) {
        double ratio[MAX_RUNS];
        for (int i = 0; i < runs; i++)
            ratio[i] = t[d][i] / t[0][i];
        qsort(ratio, (size_t)runs, sizeof ratio[0], cmp_double);
        rows[d].ratio = ratio[runs / 2];
        qsort(t[d], (size_t)runs, sizeof t[d][0], cmp_double);
        rows[d].secs = t[d][runs / 2];
        rows[d].guest_insns = rows[0].real_insns;
    }
    return 0;
}

static void print_rows(const char *name, const struct row *r)
{
    printf("%s (%" PRIu64 " guest instructions)\n", name, r[0].guest_insns);
    printf("  depth  CPU s     vs bare  vs depth-1  real insns/guest insn  real traps  "
           "traps reaching level 1..depth\n");
    for (unsigned d = 0; d <= MAX_DEPTH; d++) {
        printf("  %-5u  %-8.6f  %-7.3f  ", d, r[d].secs, r[d].ratio);
        if (d)
            printf("%-10.3f  ", r[d].secs / r[d - 1].secs);
        else
            printf("%-10s  ", "-");
        printf("%-21.3f  ", (double)r[d].real_insns / (double)r[0].guest_insns);
        /* depth 0's last column is empty: no spaces at its end */
        printf(d ? "%-10" PRIu64 "  " : "%" PRIu64, r[d].real_traps);
        for (unsigned l = 1; l <= d; l++)
            printf("%s%" PRIu64, l > 1 ? " / " : "", r[d].entries[l]);
        putchar('\n');
    }
}

static void json_rows(FILE *f, const char *name, const struct row *r)
{
    fprintf(f, "{\"guest\":\"%s\",\"guest_instructions\":%" PRIu64 ",\"depths\":[", name,
            r[0].guest_insns);
    for (unsigned d = 0; d <= MAX_DEPTH; d++) {
        fprintf(f, "%s{\"depth\":%u,\"cpu_s\":%.6f,\"time_ratio\":%.4f,"
                   "\"real_insns_per_guest_insn\":%.4f,\"real_traps\":%" PRIu64
                   ",\"level_entries\":[",
                d ? "," : "", d, r[d].secs, r[d].ratio,
                (double)r[d].real_insns / (double)r[0].guest_insns, r[d].real_traps);
        for (unsigned l = 1; l <= d; l++)
            fprintf(f, "%s%" PRIu64, l > 1 ? "," : "", r[d].entries[l]);
        fputs("]}", f);
    }
    fputs("]}", f);
}

/* A bar chart of real instructions per guest instruction by depth, log
 * scale, one group of bars per guest: self-contained SVG. */
static void svg_chart(FILE *f, const struct row *c, const struct row *os)
{
    const int W = 640, H = 320, X0 = 60, Y0 = 270, TOP = 40;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
               "font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
    fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%d\" y=\"20\" font-size=\"14\">Real instructions per guest "
               "instruction, by nesting depth (log scale)</text>\n", X0);
    /* decades 1 .. 10^4 */
    for (int e = 0; e <= 4; e++) {
        int y = Y0 - e * (Y0 - TOP) / 4;
        fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">1e%d</text>\n",
                X0, y, W - 20, y, X0 - 6, y + 4, e);
    }
    const struct row *set[2] = {c, os};
    const char *color[2] = {"#4477aa", "#cc6677"}, *label[2] = {"compute-bound", "OS"};
    for (unsigned d = 0; d <= MAX_DEPTH; d++) {
        int gx = X0 + 20 + (int)d * 110;
        for (int s = 0; s < 2; s++) {
            double v = (double)set[s][d].real_insns / (double)set[s][0].guest_insns;
            double lg = log10(v > 1 ? v : 1);
            int h = (int)(lg * (Y0 - TOP) / 4);
            if (h < 2)
                h = 2;
            fprintf(f, "<rect x=\"%d\" y=\"%d\" width=\"40\" height=\"%d\" fill=\"%s\">"
                       "<title>%s, depth %u: %.2f</title></rect>\n",
                    gx + s * 44, Y0 - h, h, color[s], label[s], d, v);
            fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\" font-size=\"10\">"
                       "%.3g</text>\n", gx + s * 44 + 20, Y0 - h - 4, v);
        }
        fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">depth %u</text>\n",
                gx + 42, Y0 + 18, d);
    }
    for (int s = 0; s < 2; s++)
        fprintf(f, "<rect x=\"%d\" y=\"298\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                   "<text x=\"%d\" y=\"309\">%s</text>\n",
                X0 + s * 160, color[s], X0 + 16 + s * 160, label[s]);
    fputs("</svg>\n", f);
}

static void write_json(FILE *f, const struct row *rc, const struct row *ro)
{
    fprintf(f, "{\"guests\":[");
    json_rows(f, "compute", rc);
    fputc(',', f);
    json_rows(f, "os", ro);
    fputs("]}\n", f);
}

/* Write what FN prints to PATH atomically; -1 after saying why. */
static int write_out(const char *path,
                     void (*fn)(FILE *f, const struct row *, const struct row *),
                     const struct row *rc, const struct row *ro)
{
    char *buf = NULL, err[4200];
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) {
        fprintf(stderr, "bench-nest: out of memory\n");
        return -1;
    }
    fn(f, rc, ro);
    fclose(f);
    int rc2 = tgm_write_atomic(path, buf, len, err, sizeof err);
    if (rc2 != 0)
        fprintf(stderr, "bench-nest: %s\n", err);
    free(buf);
    return rc2;
}

/* Whether option I has a value after it: a word that is itself an option
 * means the FILE or PATH was left out ("--svg --runs 3" wrote the chart to
 * a file named --runs). */
static bool has_value(int argc, char **argv, int i)
{
    return i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1]);
}

/* The same for --runs, whose value may be a bad number such as -1: only a
 * word that cannot be one ("--json") means the N was left out. */
static bool has_count(int argc, char **argv, int i)
{
    return i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] &&
                             !isdigit((unsigned char)argv[i + 1][1]));
}

/* Why PATH cannot be read as the OS's source, or 0: fopen opens a
 * directory on Linux, and only reading it would fail. */
static int os_unreadable(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return errno;
    struct stat st;
    int e = fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode) ? EISDIR : 0;
    fclose(f);
    return e;
}

int main(int argc, char **argv)
{
    int runs = 7;
    const char *json = NULL, *svg = NULL, *os_path = OS_PATH_DEFAULT;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--runs") && has_count(argc, argv, i)) {
            const char *n = argv[++i]; /* digits only: atoi took "3x" as 3 */
            const char *v = n + strspn(n, "0"); /* leading zeros, as bench takes them */
            runs = *n && strspn(n, "0123456789") == strlen(n) && strlen(v) < 4 ? atoi(v) : 0;
            if (runs < 1 || runs > MAX_RUNS) {
                fprintf(stderr, "bench-nest: --runs: expected a number 1..%d, got '%s'\n",
                        MAX_RUNS, n);
                return 2;
            }
        } else if (!strcmp(argv[i], "--json") && has_value(argc, argv, i)) {
            json = argv[++i];
        } else if (!strcmp(argv[i], "--svg") && has_value(argc, argv, i)) {
            svg = argv[++i];
        } else if (!strcmp(argv[i], "--os") && has_value(argc, argv, i)) {
            os_path = argv[++i];
        } else if (!strcmp(argv[i], "--max-steps") && has_count(argc, argv, i)) {
            const char *n = argv[++i];
            errno = 0; /* digits only, and 2^64 - 1 at most (ERANGE) */
            os_steps = strspn(n, "0123456789") == strlen(n) ? strtoull(n, NULL, 10) : 0;
            if (!*n || !os_steps || errno) {
                fprintf(stderr, "bench-nest: --max-steps: expected a number 1..%" PRIu64
                        ", got '%s'\n", UINT64_MAX, n);
                return 2;
            }
        } else {
            static const char usage[] = "usage: bench-nest [--runs N] [--json FILE|-] "
                                        "[--svg FILE|-] [--os PATH] [--max-steps N]\n";
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                fputs(usage, stdout);
                return 0;
            }
            if (!strcmp(argv[i], "--runs") || !strcmp(argv[i], "--json") ||
                !strcmp(argv[i], "--svg") || !strcmp(argv[i], "--os") ||
                !strcmp(argv[i], "--max-steps")) {
                fprintf(stderr, "bench-nest: '%s' needs a value", argv[i]);
                if (i + 1 < argc)
                    fprintf(stderr, " (got the option '%s')", argv[i + 1]);
                fputc('\n', stderr);
            } else if (argv[i][0] != '-')
                /* a stray word is no option: say what it is */
                fprintf(stderr, "bench-nest: unexpected argument '%s' (it takes options "
                                "only)\n", argv[i]);
            else
                fprintf(stderr, "bench-nest: unknown option '%s'\n", argv[i]);
            fputs(usage, stderr);
            return 2;
        }
    }
    /* an output the writer would refuse is refused before the run, not
     * after it, and nothing is written */
    char err[4200];
    bool json_out = json && !strcmp(json, "-"), svg_out = svg && !strcmp(svg, "-");
    bool same = json_out && svg_out; /* - is no file to compare with another */
    if (json && svg && !json_out && !svg_out)
        same = tgm_same_target(json, svg) == 1;
    if (same) {
        fprintf(stderr, "bench-nest: --json and --svg name one file, %s\n",
                svg_out ? "standard output" : svg);
        return 2;
    }
    /* named: an empty name says nothing of which it was */
    const char *unwritable =
        json && !json_out && tgm_wcheck(json, err, sizeof err) != 0  ? "--json"
        : svg && !svg_out && tgm_wcheck(svg, err, sizeof err) != 0 ? "--svg"
                                                                     : NULL;
    if (unwritable) {
        fprintf(stderr, "bench-nest: %s: %s\n", unwritable, err);
        return 2;
    }
    int unreadable = os_unreadable(os_path); /* one line, not the assembler's "error:" */
    if (unreadable) {
        fprintf(stderr, "bench-nest: cannot read the OS at %s: %s (run it from the top of "
                        "the source tree, or give --os PATH)\n", os_path, strerror(unreadable));
        return 2;
    }
    struct tgm_image compute, os;
    if (asm_assemble_string("compute", compute_src, &compute, stderr) != 0)
        return 2;
    if (asm_assemble_file(os_path, &os, stderr) != 0) {
        image_free(&compute);
        /* it was read: the assembler's errors above say what is wrong */
        fprintf(stderr, "bench-nest: cannot assemble the OS at %s\n", os_path);
        return 2;
    }
    struct row rc[MAX_DEPTH + 1], ro[MAX_DEPTH + 1];
    /* the OS first: one that does not halt is said before the long rows */
    if (measure(&os, os_steps, runs, ro) != 0 || measure(&compute, 0, runs, rc) != 0) {
        image_free(&compute);
        image_free(&os);
        return 1;
    }
    if (json_out || svg_out) {
        (json_out ? write_json : svg_chart)(stdout, rc, ro);
    } else {
        printf("tgm bench: recursion (Theorem 2), the machine-code control program\n"
               "under itself; median CPU time of %d interleaved runs per depth\n\n", runs);
        print_rows("compute-bound guest", rc);
        printf("  bar: time ratio at depth %d <= %.2f: %s\n\n", MAX_DEPTH, BAR_COMPUTE_RATIO,
               rc[MAX_DEPTH].ratio <= BAR_COMPUTE_RATIO ? "met" : "NOT met");
        if (!strcmp(os_path, OS_PATH_DEFAULT))
            print_rows("time-sharing OS (examples/os)", ro);
        else { /* another OS is named as given, not as examples/os */
            char name[4200];
            snprintf(name, sizeof name, "the OS at %s", os_path);
            print_rows(name, ro);
        }
    }
    int rcode = 0;
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) { /* a full disk: the figures were lost */
        fprintf(stderr, "bench-nest: cannot write the output: %s\n",
                strerror(errno ? errno : EIO));
        rcode = 1;
    }
    if (json && !json_out && write_out(json, write_json, rc, ro) != 0)
        rcode = 1;
    if (svg && !svg_out && write_out(svg, svg_chart, rc, ro) != 0)
        rcode = 1;
    image_free(&compute);
    image_free(&os);
    return rcode;
}
