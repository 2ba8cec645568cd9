/* test_audit_refcheck.c: the monitor's `check` against an independent
 * model of it, written from docs/monitor.md (the command reference's
 * `check`, and what `set` says of cp-profile, hybrid and slice),
 * docs/run.md's `tgm check` and docs/vmm.md ("Equivalence"), with the real
 * `tgm check` (and `tgm run --vmm --stats`) of the same inputs as the
 * oracle for the verdicts, the first differences and the statistics.
 *
 * Random sessions through the library (session profile, cp-profile,
 * hybrid and slice, a loaded program stepped, a VM selected) run `check`
 * over random guests (random instructions of docs/isa.md written as
 * assembly, some not equivalent on a profile that is not virtualizable)
 * with random option lists in random order, case and abbreviation, `with`
 * files named like options, console input with escapes, and `nest N
 * [vmm]`; and bad usage (an option twice, values out of range, nest with
 * hybrid or slice or another profile, vmm alone, missing files).  Every
 * report line is compared, the command's success, and that the session's
 * machines are as they were (regs, vm list, examine, and where rstep goes).
 * TGM_REFCHECK_CASES and TGM_REFCHECK_SEED make the campaign larger or
 * different; a failure names its case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "rng.h"

static uint64_t rs;
static uint32_t rn(uint32_t n) { return (uint32_t)(rng_next(&rs) % n); }

/* ---- a growing text ---- */

struct buf {
    char s[8192];
    size_t n;
};
static void bp(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bp(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(b->s + b->n, sizeof b->s - b->n, fmt, ap);
    va_end(ap);
    assert_true(k >= 0 && (size_t)k < sizeof b->s - b->n);
    b->n += (size_t)k;
}

static const char *const profiles[] = {"virtualizable", "pdp10", "pdp11-45",
                                       "x86", "s360-67", "s360-67-lra-user"};
#define NPROF 6

/* ---- random guests ---- */

/* A supervisor-mode guest whose trap handler halts: straight-line code
 * with loops, the console (each input byte read costs as many DJNZ steps
 * as its value, so the statistics see the bytes), the sensitive
 * instructions of the profiles (JRSTU, LRA, MFPI, SPSW, SR, TGET), SVC. */
static void gen_guest(const char *path)
{
    struct buf b = {.n = 0};
    bp(&b, "        .org 0\n        .word 0\n"
           "        .word psw(SUP, fault, 0, 0x80000)\n        .entry start\n"
           "start:  LI x, %u\n",
       rn(200));
    unsigned n = 1 + rn(10);
    for (unsigned i = 0; i < n; i++) {
        switch (rn(13)) {
        case 0: bp(&b, "        COUT x\n"); break;
        case 1: bp(&b, "        ADDI x, x, %d\n", (int)rn(11) - 5); break;
        case 2:
            bp(&b, "r%u:     CIN y\n        BLT y, zero, d%u\n        COUT y\n"
                   "        ADDI y, y, 1\n"
                   "w%u:     DJNZ y, w%u\n        JMP r%u\nd%u:     NOP\n",
               i, i, i, i, i, i);
            break;
        case 3: bp(&b, "        SPSW z\n"); break;
        case 4: bp(&b, "        SR z\n"); break;
        case 5:
            bp(&b, "        LI c, %u\nl%u:     ADDI x, x, 1\n        DJNZ c, l%u\n",
               1 + rn(40), i, i);
            break;
        case 6: bp(&b, "        JRSTU u%u\nu%u:     NOP\n", i, i); break;
        case 7: bp(&b, "        LRA z, %u\n", rn(9)); break;
        case 8: bp(&b, "        MFPI z, y\n"); break;
        case 9: bp(&b, "        TGET z\n"); break;
        case 10: bp(&b, "        SVC %u\n", rn(4)); break;
        case 11: bp(&b, "        LI t, %u\n        TSET t\n", 1 + rn(30)); break;
        default: bp(&b, "        MOV y, x\n"); break;
        }
    }
    bp(&b, "        HALT\nfault:  HALT\nx:      .word 0\ny:      .word 0\n"
           "z:      .word 0\nc:      .word 0\nt:      .word 0\nzero:   .word 0\n");
    cs_put_text(path, b.s);
}

/* ---- the options ---- */

enum kw { K_MEM, K_STEPS, K_SLICE, K_PROFILE, K_HYBRID, K_INPUT, K_NEST, K_VMM, K_WITH, NKW };
static const char *const kwname[NKW] = {"mem", "steps", "slice", "profile", "hybrid",
                                        "input", "nest", "vmm", "with"};
/* The shortest prefix of each that no other shares ('s' is steps and slice). */
static const unsigned kwmin[NKW] = {1, 2, 2, 1, 1, 1, 1, 1, 1};

/* Files named like the options or their prefixes: after `with` such a word
 * is the file unless it is an option in full (docs/monitor.md). */
static const char *const decoys[] = {"v", "m", "me", "st", "sl", "hy", "in", "pro", "mem", "vmm"};
#define NDECOY 10

static bool is_decoy(const char *w)
{
    for (int i = 0; i < NDECOY; i++)
        if (strcmp(decoys[i], w) == 0)
            return true;
    return false;
}

/* KW spelt in full or abbreviated, in a random case; AFTER_WITH: it must
 * not be a decoy file's name unless in full. */
static void spell(char *out, size_t len, enum kw k, bool after_with)
{
    size_t full = strlen(kwname[k]);
    for (;;) {
        size_t l = rn(2) ? full : kwmin[k] + rn((uint32_t)(full - kwmin[k] + 1));
        snprintf(out, len, "%.*s", (int)l, kwname[k]);
        if (!after_with || l == full || !is_decoy(out))
            break;
    }
    unsigned c = rn(4);
    for (char *p = out; *p; p++)
        if (c == 0 || (c == 1 && rn(2)))
            *p = (char)(*p - 'a' + 'A');
}

/* Console input: random bytes (no 0x22-0x27 trouble: all are escaped or
 * plain as docs/monitor.md allows) and how `check ... input` writes them. */
static size_t gen_input(uint8_t *in, char *word, size_t wlen)
{
    size_t n = 1 + rn(6);
    bool quoted = rn(2);
    struct buf b = {.n = 0};
    if (quoted)
        bp(&b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned k = rn(10);
        uint8_t c;
        switch (k) {
        case 0: c = '\n'; bp(&b, "\\n"); break;
        case 1: c = '\t'; bp(&b, "\\t"); break;
        case 2: c = '\r'; bp(&b, "\\r"); break;
        case 3: c = 0; bp(&b, "\\0"); break;
        case 4: c = (uint8_t)(1 + rn(255)); bp(&b, rn(2) ? "\\x%02x" : "\\x%02X", c); break;
        case 5: c = '\\'; bp(&b, quoted ? "\\\\\\\\" : "\\\\"); break;
        case 6: c = '\''; bp(&b, "\\'"); break;
        case 8: /* a quote: the line's own \" in quotes, the escape's \x22 outside */
            c = '"';
            bp(&b, quoted ? "\\\"" : "\\x22");
            break;
        case 7:
            if (quoted) {
                c = ' ';
                bp(&b, " ");
                break;
            }
            /* fall through */
        default: c = (uint8_t)('a' + rn(26)); bp(&b, "%c", c); break;
        }
        in[i] = c;
    }
    if (quoted)
        bp(&b, "\"");
    assert_true(b.n < wlen);
    memcpy(word, b.s, b.n + 1);
    return n;
}

/* ---- one case ---- */

struct kase {
    /* the session */
    int bare_prof, cp_prof; /* -1: not set */
    bool set_hybrid;
    uint64_t set_slice; /* 0: not set */
    int pre;            /* 0 nothing, 1 a program loaded and stepped, 2 a VM selected */
    /* the command */
    char files[4][32];
    int nfiles;
    bool given[NKW];
    uint64_t mem, steps, slice, nest;
    int prof;
    uint8_t in[16];
    size_t nin;
    char line[1024];
    /* bad usage: what the error line must hold ("" for any one line) */
    bool bad;
    char why[400];
    int twice; /* the option given a second time, or -1 */
};

static void push_opt(struct kase *k, struct buf *b, enum kw o, bool after_with, char vals[][64])
{
    char w[16];
    spell(w, sizeof w, o, after_with);
    bp(b, " %s", w);
    if (vals[o][0])
        bp(b, " %s", vals[o]);
    (void)k;
}

static uint64_t pick_mem(void)
{
    static const uint64_t m[] = {64, 100, 1024, 4096, 65536};
    return m[rn(5)];
}

/* The command line: each option given with probability, in random order,
 * `with` and its files anywhere (an option after the files ends them). */
static void build(struct kase *k, char vals[][64])
{
    enum kw order[NKW];
    int n = 0;
    for (int o = 0; o < NKW; o++)
        if (k->given[o])
            order[n++] = (enum kw)o;
    for (int i = n - 1; i > 0; i--) {
        int j = (int)rn((uint32_t)i + 1);
        enum kw t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
    /* `nest N [vmm]`: vmm is taken anywhere, as the other options are */
    struct buf b = {.n = 0};
    bp(&b, "check %s", k->files[0]);
    bool after_with = false;
    for (int i = 0; i < n; i++) {
        enum kw o = order[i];
        if (o == K_WITH) {
            char w[16];
            spell(w, sizeof w, K_WITH, after_with);
            bp(&b, " %s", w);
            for (int f = 1; f < k->nfiles; f++)
                bp(&b, " %s", k->files[f]);
            after_with = true;
            continue;
        }
        push_opt(k, &b, o, after_with, vals);
    }
    if (k->twice >= 0) {
        bp(&b, " %s", kwname[k->twice]);
        if (vals[k->twice][0])
            bp(&b, " %s", vals[k->twice]);
    }
    assert_true(b.n < sizeof k->line);
    memcpy(k->line, b.s, b.n + 1);
}

/* ---- the session ---- */

/* What the session's machines look like: the registers, the VMs, words. */
static char *state_of(struct ms_sess *s)
{
    fflush(s->out);
    size_t from = s->olen;
    assert_int_equal(mon_exec_line(s->m, "regs; vm list; examine 0..7; console"), 0);
    fflush(s->out);
    return strdup(s->obuf + from);
}

static char *back_of(struct ms_sess *s)
{
    fflush(s->out);
    size_t from = s->olen;
    mon_exec_line(s->m, "rstep 2; regs; console");
    fflush(s->out);
    return strdup(s->obuf + from);
}

static void sess_setup(struct ms_sess *s, const struct kase *k)
{
    ms_sess_open(s);
    if (k->bare_prof >= 0)
        ms_cmd(s->m, "set profile %s", profiles[k->bare_prof]);
    if (k->cp_prof >= 0)
        ms_cmd(s->m, "set cp-profile %s", profiles[k->cp_prof]);
    if (k->set_hybrid)
        ms_cmd(s->m, "set hybrid on");
    if (k->set_slice)
        ms_cmd(s->m, "set slice %llu", (unsigned long long)k->set_slice);
    if (k->pre == 1)
        ms_cmd(s->m, "load g_pre.s; step 3");
    else if (k->pre == 2)
        ms_cmd(s->m, "vm create a 200 g_pre.s; vm select a; step 2; console input q");
}

/* ---- the oracle: tgm check and tgm run --vmm --stats of the same inputs ---- */

struct eff {
    int prof;
    bool hybrid;
    uint64_t slice, mem, steps;
};

static struct eff effective(const struct kase *k)
{
    struct eff e;
    e.prof = k->given[K_PROFILE] ? k->prof : k->cp_prof >= 0 ? k->cp_prof : 0;
    e.hybrid = k->given[K_HYBRID] || k->set_hybrid;
    e.slice = k->given[K_SLICE] ? k->slice : k->set_slice ? k->set_slice : 10000;
    e.mem = k->given[K_MEM] ? k->mem : 65536;
    e.steps = k->given[K_STEPS] ? k->steps : 100000000;
    return e;
}

struct argv_keep {
    struct cs_args a;
    char v[16][32];
    int n;
};

static const char *num(struct argv_keep *a, uint64_t v)
{
    snprintf(a->v[a->n], sizeof a->v[0], "%llu", (unsigned long long)v);
    return a->v[a->n++];
}

static void common_args(struct argv_keep *a, const struct kase *k, const struct eff *e)
{
    cs_push_all(&a->a, "--mem", num(a, e->mem), "--max-steps", num(a, e->steps), NULL);
    if (k->given[K_INPUT]) {
        cs_write_bytes("input.bin", k->in, k->nin);
        cs_push_all(&a->a, "--input-file", "input.bin", NULL);
    }
}

/* The cycles line and the table of FILE's run alone under the control
 * program, from `tgm run --vmm --stats --json` (docs/run.md). */
static void stats_lines(struct buf *b, const char *file, const struct kase *k,
                        const struct eff *e)
{
    struct argv_keep a = {.n = 0};
    cs_push_all(&a.a, "--vmm", "--stats", "--json", "--profile", profiles[e->prof], "--slice",
                num(&a, e->slice), NULL);
    if (e->hybrid)
        cs_push(&a.a, "--hybrid");
    common_args(&a, k, e);
    cs_push(&a.a, file);
    struct cs_outcome o = cs_run_tgm_argv("run", a.a.v);
    const char *st = cs_json_get(cs_json_item(cs_json_get(o.out, "vms"), 0), "stats");
    bp(b, "  cycles: guest %llu, control program %llu; dispatcher entries %llu\n",
       (unsigned long long)cs_json_uint(cs_json_get(st, "guest_cycles")),
       (unsigned long long)cs_json_uint(cs_json_get(st, "cp_cycles")),
       (unsigned long long)cs_json_uint(cs_json_get(st, "cp_entries")));
    bp(b, "  traps       interpreted   reflected   allocator   scheduler      hybrid\n");
    static const char *const cause[] = {"none", "privileged", "memory", "svc", "illegal", "timer"};
    static const char *const row[] = {"(no trap)", "privileged", "memory", "svc", "illegal", "timer"};
    static const char *const disp[] = {"interpreted", "reflected", "allocator", "scheduler", "hybrid"};
    const char *tr = cs_json_get(st, "traps");
    for (int c = 0; c < 6; c++) {
        const char *t = cs_json_find(tr, cause[c]);
        uint64_t v[5] = {0}, sum = 0;
        for (int d = 0; d < 5 && t; d++)
            sum += v[d] = cs_json_uint(cs_json_get(t, disp[d]));
        if (c == 0 && sum == 0) /* the (no trap) row only when it has a count */
            continue;
        bp(b, "  %-10s%13llu%12llu%12llu%12llu%12llu\n", row[c], (unsigned long long)v[0],
           (unsigned long long)v[1], (unsigned long long)v[2], (unsigned long long)v[3],
           (unsigned long long)v[4]);
    }
    cs_outcome_free(&o);
}

/* The oracle's name for file F: `tgm check` assembles only *.s (docs/run.md),
 * the monitor any text (docs/monitor.md's `load`), so a decoy goes to it
 * as a copy named *.s. */
static void push_files(struct argv_keep *a, const struct kase *k)
{
    static char copies[4][48];
    for (int f = 0; f < k->nfiles; f++) {
        size_t l = strlen(k->files[f]);
        if (l > 2 && strcmp(k->files[f] + l - 2, ".s") == 0) {
            cs_push(&a->a, k->files[f]);
            continue;
        }
        snprintf(copies[f], sizeof copies[f], "o_%s.s", k->files[f]);
        char *text = cs_slurp(k->files[f], NULL);
        cs_put_text(copies[f], text);
        free(text);
        cs_push(&a->a, copies[f]);
    }
}

static const char *halted(bool h) { return h ? "halted" : "did not halt"; }

/* The report of a check without nest (docs/monitor.md's example and
 * `check`'s text, the verdicts and differences of `tgm check --json`);
 * returns whether every image is equivalent. */
static bool expect_plain(struct buf *b, const struct kase *k)
{
    struct eff e = effective(k);
    if (!k->given[K_PROFILE] && k->bare_prof > 0 && k->bare_prof != e.prof)
        bp(b, "note: check runs on profile %s, the control program's, not the bare machine's %s "
              "('profile P' or 'set cp-profile P' chooses it)\n",
           profiles[e.prof], profiles[k->bare_prof]);
    struct argv_keep a = {.n = 0};
    cs_push_all(&a.a, "--json", "--profile", profiles[e.prof], "--slice", num(&a, e.slice), NULL);
    if (e.hybrid)
        cs_push(&a.a, "--hybrid");
    common_args(&a, k, &e);
    push_files(&a, k);
    struct cs_outcome o = cs_run_tgm_argv("check", a.a.v);
    if (o.status > 1)
        fail_msg("tgm check failed (%d): %s", o.status, o.err);
    const char *ims = cs_json_get(o.out, "images");
    assert_int_equal(cs_json_count(ims), (size_t)k->nfiles);
    for (int f = 0; f < k->nfiles; f++) {
        const char *im = cs_json_item(ims, (size_t)f);
        const char *file = k->files[f];
        bool eq = cs_json_bool(cs_json_get(im, "equivalent"));
        bp(b, "check %s: %s\n", file, eq ? "EQUIVALENT" : "NOT equivalent");
        const char *al = cs_json_get(im, "alone");
        char *d = cs_json_str(cs_json_get(al, "diff"), NULL);
        bp(b, "  bare %s; alone under the CP %s%s%s\n",
           halted(cs_json_bool(cs_json_get(im, "bare_halted"))),
           halted(cs_json_bool(cs_json_get(al, "halted"))), *d ? ": " : "", d);
        free(d);
        if (k->nfiles > 1) {
            const char *tg = cs_json_get(im, "together");
            d = cs_json_str(cs_json_get(tg, "diff"), NULL);
            bp(b, "  together with the others %s%s%s\n",
               halted(cs_json_bool(cs_json_get(tg, "halted"))), *d ? ": " : "", d);
            free(d);
        }
        uint64_t di = cs_json_uint(cs_json_get(im, "direct"));
        bp(b, "  alone: %llu instruction%s direct, %llu interpreted; direct ratio %.4f\n",
           (unsigned long long)di, di == 1 ? "" : "s",
           (unsigned long long)cs_json_uint(cs_json_get(im, "interpreted")),
           cs_json_num(cs_json_get(im, "direct_ratio")));
        stats_lines(b, a.a.v[a.a.n - (size_t)k->nfiles + (size_t)f], k, &e);
    }
    bool all = o.status == 0;
    cs_outcome_free(&o);
    return all;
}

/* With nest: `tgm check --nest`'s line per image, as the monitor's report
 * writes it (its verdict on the first line, the details under it). */
static bool expect_nest(struct buf *b, const struct kase *k)
{
    struct eff e = effective(k);
    struct argv_keep a = {.n = 0};
    cs_push_all(&a.a, "--nest", num(&a, k->nest), NULL);
    if (k->given[K_VMM])
        cs_push(&a.a, "--vmm");
    common_args(&a, k, &e);
    push_files(&a, k);
    struct cs_outcome o = cs_run_tgm_argv("check", a.a.v);
    if (o.status > 1)
        fail_msg("tgm check --nest failed (%d): %s", o.status, o.err);
    int f = 0;
    for (char *l = o.out, *nl; *l; l = nl + 1, f++) {
        assert_true(f < k->nfiles);
        nl = strchr(l, '\n');
        assert_non_null(nl);
        *nl = 0;
        char *v = strstr(l, ": equivalent at depth ");
        char *open = v ? strstr(v, " (") : NULL;
        char *close = open ? strstr(open, "); ") : NULL;
        if (v && open && close) {
            bp(b, "check %s: EQUIVALENT%.*s\n", k->files[f], (int)(open - v - 12), v + 12);
            bp(b, "  %.*s;%s\n", (int)(close - open - 2), open + 2, close + 2);
        } else if ((v = strstr(l, ": NOT equivalent at depth ")) != NULL) {
            bp(b, "check %s%s\n", k->files[f], v);
        } else {
            fail_msg("tgm check --nest said '%s'", l);
        }
    }
    bool all = o.status == 0;
    cs_outcome_free(&o);
    return all;
}

/* ---- the campaign ---- */

struct tally {
    unsigned plain, nest, bad, not_eq;
};

static void fill_vals(struct kase *k, char vals[][64])
{
    memset(vals, 0, NKW * 64);
    snprintf(vals[K_MEM], 64, rn(3) ? "%llu" : "0x%llx", (unsigned long long)k->mem);
    snprintf(vals[K_STEPS], 64, "%llu", (unsigned long long)k->steps);
    snprintf(vals[K_SLICE], 64, "%llu", (unsigned long long)k->slice);
    snprintf(vals[K_NEST], 64, "%llu", (unsigned long long)k->nest);
    snprintf(vals[K_PROFILE], 64, "%s", k->prof >= 0 ? profiles[k->prof] : "x87");
    k->nin = gen_input(k->in, vals[K_INPUT], 64);
}

/* A random case; about one in four is bad usage, with the line it must
 * give (docs/monitor.md, docs/run.md's words for the monitor's check). */
static void gen_case(struct kase *k, unsigned id, char vals[][64])
{
    memset(k, 0, sizeof *k);
    k->bare_prof = rn(4) == 0 ? (int)rn(NPROF) : -1;
    k->cp_prof = rn(3) == 0 ? (int)rn(NPROF) : -1;
    k->set_hybrid = rn(5) == 0;
    k->set_slice = rn(3) == 0 ? 1 + rn(500) : 0;
    k->pre = (int)rn(3);
    k->nfiles = 1 + (int)rn(3);
    for (int f = 0; f < k->nfiles; f++) {
        if (f > 0 && rn(4) == 0) {
            snprintf(k->files[f], sizeof k->files[f], "%s", decoys[rn(NDECOY - 2)]);
        } else {
            snprintf(k->files[f], sizeof k->files[f], "g%u_%d.s", id, f);
        }
        gen_guest(k->files[f]);
    }
    k->given[K_WITH] = k->nfiles > 1;
    k->mem = pick_mem();
    k->steps = rn(2) ? 1 + rn(60) : 1 + rn(100000);
    k->slice = 1 + rn(300);
    k->prof = (int)rn(NPROF);
    k->nest = 1 + rn(2);
    bool nest = rn(4) == 0;
    if (nest) {
        k->given[K_NEST] = true;
        k->given[K_VMM] = rn(3) == 0;
        k->given[K_PROFILE] = rn(4) == 0;
        k->prof = 0;
        k->set_hybrid = false;
        if (!k->given[K_PROFILE] && k->cp_prof > 0)
            k->cp_prof = -1;
        k->steps = 1 + rn(3000);
    } else {
        k->given[K_PROFILE] = rn(2);
        k->given[K_HYBRID] = rn(4) == 0;
        k->given[K_SLICE] = rn(3) == 0;
    }
    k->given[K_MEM] = rn(3) == 0;
    k->given[K_STEPS] = rn(2);
    k->given[K_INPUT] = rn(3) == 0;
    k->twice = -1;
    fill_vals(k, vals);
    if (rn(4) != 0)
        return;
    /* bad usage: one mistake */
    k->bad = true;
    switch (rn(13)) {
    case 0: k->given[K_NEST] = false; k->given[K_VMM] = true;
        snprintf(k->why, sizeof k->why, "check: vmm goes with nest (the control program is always used)");
        break;
    case 1: k->given[K_NEST] = false; k->given[K_VMM] = false; k->given[K_MEM] = true;
        k->mem = rn(2) ? 1 : 524281;
        snprintf(vals[K_MEM], 64, "%llu", (unsigned long long)k->mem);
        snprintf(k->why, sizeof k->why, "check: mem: %llu word%s is out of range (2..524280)",
                 (unsigned long long)k->mem, k->mem == 1 ? "" : "s");
        break;
    case 2: k->given[K_STEPS] = true; snprintf(vals[K_STEPS], 64, "0");
        snprintf(k->why, sizeof k->why, "steps");
        break;
    case 3: k->given[K_NEST] = false; k->given[K_VMM] = false; k->given[K_SLICE] = true;
        snprintf(vals[K_SLICE], 64, "0");
        snprintf(k->why, sizeof k->why, "slice");
        break;
    case 4: k->given[K_NEST] = true; k->given[K_HYBRID] = false; k->given[K_SLICE] = false;
        k->set_hybrid = false; k->given[K_PROFILE] = false; k->cp_prof = -1;
        k->nest = rn(2) ? 0 : 17;
        snprintf(vals[K_NEST], 64, "%llu", (unsigned long long)k->nest);
        snprintf(k->why, sizeof k->why, "check: nest: %llu levels is out of range (1..16)",
                 (unsigned long long)k->nest);
        break;
    case 5: k->given[K_NEST] = true; k->given[K_SLICE] = false; k->given[K_PROFILE] = false;
        k->cp_prof = -1;
        if (rn(2))
            k->given[K_HYBRID] = true;
        else
            k->given[K_HYBRID] = false, k->set_hybrid = true;
        snprintf(k->why, sizeof k->why, "check: nest with hybrid: the machine-code control program "
                 "is no hybrid monitor: it runs its guest's supervisor code directly%s",
                 k->given[K_HYBRID] ? ""
                 /* docs/monitor.md's advice holds before the first VM; after it
                  * 'set hybrid off' is refused, and the line says what works */
                 : k->pre == 2 ? " (the session's control program is hybrid: 'reset all', then 'set hybrid off')"
                 : " (the session's hybrid is on: 'set hybrid off' turns it off)");
        break;
    case 6: k->given[K_NEST] = true; k->given[K_HYBRID] = false; k->set_hybrid = false;
        k->given[K_PROFILE] = false; k->cp_prof = -1; k->given[K_SLICE] = true;
        snprintf(k->why, sizeof k->why, "check: nest with slice: the machine-code control program "
                 "hosts one guest, with no time slices");
        break;
    case 7: k->given[K_NEST] = true; k->given[K_HYBRID] = false; k->set_hybrid = false;
        k->given[K_SLICE] = false;
        if (rn(2)) {
            k->given[K_PROFILE] = true; k->prof = 1 + (int)rn(NPROF - 1);
        } else {
            k->given[K_PROFILE] = false; k->cp_prof = 1 + (int)rn(NPROF - 1);
        }
        snprintf(vals[K_PROFILE], 64, "%s", profiles[k->prof]);
        snprintf(k->why, sizeof k->why, "check: nest: the machine-code control program "
                 "virtualizes the 'virtualizable' profile only");
        break;
    case 8: k->given[K_PROFILE] = true; k->prof = -1; snprintf(vals[K_PROFILE], 64, "x87");
        snprintf(k->why, sizeof k->why, "check: unknown profile 'x87' (known: virtualizable pdp10 "
                 "s360-67 s360-67-lra-user pdp11-45 x86) (did you mean 'x86'?)");
        break;
    case 9: {
        int f = (int)rn((uint32_t)k->nfiles);
        snprintf(k->files[f], sizeof k->files[f], "nosuch%u.s", id);
        snprintf(k->why, sizeof k->why, "'nosuch%u.s'", id);
        break;
    }
    case 10: /* a guest larger than mem W: refused before anything runs */
        k->given[K_MEM] = true;
        k->mem = 4;
        snprintf(vals[K_MEM], 64, "4");
        snprintf(k->why, sizeof k->why, "but the machine has 4 words");
        break;
    default: { /* an option twice: the second spelt in full */
        static const enum kw twice[] = {K_MEM, K_STEPS, K_SLICE, K_PROFILE, K_HYBRID, K_INPUT};
        enum kw o = twice[rn(6)];
        if (k->given[K_NEST] && (o == K_SLICE || o == K_HYBRID || o == K_PROFILE))
            o = K_STEPS;
        k->given[o] = true;
        if (o == K_PROFILE && k->prof < 0)
            k->prof = 0, snprintf(vals[K_PROFILE], 64, "virtualizable");
        snprintf(k->why, sizeof k->why, "check: '%s' given twice", kwname[o]);
        k->twice = (int)o;
        break;
    }
    }
}

static unsigned count_lines(const char *s)
{
    unsigned n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void run_case(unsigned id, struct tally *t)
{
    struct kase k;
    char vals[NKW][64];
    gen_case(&k, id, vals);
    build(&k, vals);
    if (getenv("TGM_REFCHECK_VERBOSE"))
        fprintf(stderr, "case %u: %s\n", id, k.line);
    struct ms_sess s;
    sess_setup(&s, &k);
    char *before = state_of(&s);
    fflush(s.out);
    fflush(s.err);
    size_t ofrom = s.olen, efrom = s.elen;
    int rc = mon_exec_line(s.m, k.line);
    fflush(s.out);
    fflush(s.err);
    char *out = strdup(s.obuf + ofrom), *err = strdup(s.ebuf + efrom);
    char *after = state_of(&s);
    if (strcmp(before, after) != 0)
        fail_msg("case %u: '%s' changed the session:\n%s\n-- became --\n%s", id, k.line,
                 before, after);
    /* the reverse-execution history too: going back after the check goes
     * where a session that never ran it goes */
    if (k.pre != 0) {
        struct ms_sess r;
        sess_setup(&r, &k);
        char *h1 = back_of(&s), *h2 = back_of(&r);
        if (strcmp(h1, h2) != 0)
            fail_msg("case %u: after '%s', rstep says\n%s\n-- but without it --\n%s", id,
                     k.line, h1, h2);
        free(h1);
        free(h2);
        ms_sess_close(&r);
    }
    if (k.bad) {
        if (rc != -1 || count_lines(err) != 1 || !strstr(err, k.why) || *out)
            fail_msg("case %u: '%s' (rc %d) said\n%s%s\nwant one error line with '%s'", id,
                     k.line, rc, out, err, k.why);
        t->bad++;
    } else {
        struct buf want = {.n = 0};
        bool all = k.given[K_NEST] ? expect_nest(&want, &k) : expect_plain(&want, &k);
        if (strcmp(out, want.s) != 0 || rc != (all ? 0 : -1) ||
            count_lines(err) != (all ? 0u : 1u))
            fail_msg("case %u: '%s' (rc %d) said\n%s%s-- want (%s) --\n%s", id, k.line, rc,
                     out, err, all ? "equivalent" : "not", want.s);
        if (k.given[K_NEST])
            t->nest++;
        else
            t->plain++;
        t->not_eq += !all;
    }
    free(out);
    free(err);
    free(before);
    free(after);
    ms_sess_close(&s);
}

static void refcheck__random_checks_agree_with_the_model(void **state)
{
    (void)state;
    uint64_t seed = rng_env("TGM_REFCHECK_SEED", 20261205);
    unsigned n = (unsigned)rng_env("TGM_REFCHECK_CASES", 40);
    struct tally t = {0};
    for (unsigned i = 0; i < n; i++) {
        rs = seed * 1000003u + i;
        run_case(i, &t);
    }
    printf("refcheck: %u cases agreed (%u plain, %u nest, %u bad usage; %u not equivalent); "
           "seed %llu\n",
           t.plain + t.nest + t.bad, t.plain, t.nest, t.bad, t.not_eq, (unsigned long long)seed);
}

/* docs/monitor.md: a check that does not run on the bare machine's
 * profile says so "on a line before their report"; one refused (a guest
 * larger than mem W, more guests than fit) has no report, only its one
 * error line.  It printed the note first. */
static void refcheck__a_refused_check_prints_no_profile_note(void **state)
{
    (void)state;
    cs_put_text("far.s", "        .entry start\nstart:  HALT\n        .org 60000\n        .word 7\n");
    struct ms_sess s;
    ms_sess_open(&s);
    ms_cmd(s.m, "set profile pdp10");
    static const char *const refused[] = {
        "check far.s mem 100", "check far.s with far.s far.s far.s far.s far.s far.s far.s far.s"};
    for (int i = 0; i < 2; i++) {
        fflush(s.out);
        fflush(s.err);
        size_t ofrom = s.olen, efrom = s.elen;
        assert_int_equal(mon_exec_line(s.m, refused[i]), -1);
        fflush(s.out);
        fflush(s.err);
        if (s.olen != ofrom || count_lines(s.ebuf + efrom) != 1)
            fail_msg("'%s' said\n%s%s", refused[i], s.obuf + ofrom, s.ebuf + efrom);
    }
    /* a check that runs still gives the note, before its report */
    fflush(s.out);
    size_t ofrom = s.olen;
    assert_int_equal(mon_exec_line(s.m, "check far.s"), 0);
    fflush(s.out);
    const char *o = s.obuf + ofrom;
    assert_true(strncmp(o, "note: check runs on profile virtualizable, the control program's, "
                           "not the bare machine's pdp10", 76) == 0);
    assert_non_null(strstr(o, "\ncheck far.s: EQUIVALENT\n"));
    ms_sess_close(&s);
}

/* The same sentence for `vm create`: the first one says it before its
 * report; one refused (the image does not fit the VM) created nothing and
 * reports nothing, and the VM that is then the first says it once. */
static void refcheck__a_refused_vm_create_prints_no_profile_note(void **state)
{
    (void)state;
    cs_put_text("far.s", "        .entry start\nstart:  HALT\n        .org 60000\n        .word 7\n");
    struct ms_sess s;
    ms_sess_open(&s);
    ms_cmd(s.m, "set profile pdp10");
    fflush(s.out);
    size_t ofrom = s.olen;
    assert_int_equal(mon_exec_line(s.m, "vm create a 100 far.s"), -1);
    fflush(s.out);
    if (s.olen != ofrom)
        fail_msg("a refused vm create said\n%s", s.obuf + ofrom);
    ms_cmd(s.m, "vm create b 65536 far.s");
    fflush(s.out);
    assert_string_equal(s.obuf + ofrom,
                        "note: the VMs run on profile virtualizable, the control program's, not "
                        "the bare machine's pdp10 ('set cp-profile' before the first VM chooses "
                        "it)\nb: VM 0, 65536 words at real 0x8..0x10007, loaded far.s; selected\n");
    ms_sess_close(&s);
}

/* ---- set-up ---- */

static char home[4096];

static int setup(void **state)
{
    (void)state;
    char abs[4096];
    if (!getcwd(home, sizeof home) || !realpath(cs_tgm_binary(), abs))
        return -1;
    setenv("TGM", abs, 1);
    if (cs_setup("refcheck") != 0 || chdir(cs_tmpdir()) != 0)
        return -1;
    rs = 1;
    gen_guest("g_pre.s");
    for (int i = 0; i < NDECOY; i++) /* 'mem' and 'vmm' exist, and are options */
        gen_guest(decoys[i]);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    if (chdir(home) != 0)
        return -1;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refcheck__random_checks_agree_with_the_model),
        cmocka_unit_test(refcheck__a_refused_check_prints_no_profile_note),
        cmocka_unit_test(refcheck__a_refused_vm_create_prints_no_profile_note),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
