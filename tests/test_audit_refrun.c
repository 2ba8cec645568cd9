/* test_audit_refrun.c: `tgm run` against an independent model of its
 * output (refrun.h, from docs/run.md) driven by the reference machine
 * (refmodel.h, from docs/isa.md).
 *
 * Random programs that halt, trap, loop to the step limit, read and write
 * the console, use the timer and leave their bounds run under random
 * options (memory, step limit, profile, console input, text, --json,
 * --quiet, --dump, --vmm with several VMs and --stats, --nest), spelt in
 * the ways docs/run.md allows (--opt=VALUE, prefixes, hex, any order, --,
 * POSIXLY_CORRECT); stdout, stderr, the exit status and the dump are
 * compared byte for byte.  The statistics come from the control program's
 * model (refvmm.h); `tgm check` (and --nest) verdicts from the bare model.  Bad flags must give one
 * line, status 2 and leave every file as it was.
 * TGM_REFRUN_SEED and TGM_REFRUN_RUNS make the campaign different or
 * larger; the default stays within seconds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "refrun.h"
#include "refvmm.h"
#include "rng.h"

static uint32_t rn(uint32_t n) /* 0 .. n-1 */
{
    return rr_rn(n);
}

/* ---- the options and the expectation ---- */

struct run {
    struct cs_args a;
    char arg[24][64];
    int narg;
    char path[CS_PATH], dump[CS_PATH];
    uint32_t q;
    bool q_given, json, quiet, dumped;
    uint64_t max;
    int prof;
    uint8_t in[64];
    size_t nin;
};

static const char *keep(struct run *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->arg[r->narg], sizeof r->arg[0], fmt, ap);
    va_end(ap);
    return r->arg[r->narg++];
}

/* An option and its value, spelt one of the ways docs/run.md allows. */
static void opt(struct run *r, const char *name, const char *prefix, const char *val)
{
    const char *o = rn(4) == 0 ? prefix : name;
    if (val && rn(3) == 0) {
        cs_push(&r->a, keep(r, "%s=%s", o, val));
        return;
    }
    cs_push(&r->a, o);
    if (val)
        cs_push(&r->a, val);
}

static const char *number(struct run *r, uint64_t v)
{
    switch (rn(4)) {
    case 0: return keep(r, "0x%llx", (unsigned long long)v);
    case 1: return keep(r, "0%llu", (unsigned long long)v);
    default: return keep(r, "%llu", (unsigned long long)v);
    }
}

static int nfile;

/* Console input as --input and --input-file pieces, in order. */
static void input_opts(struct run *r)
{
    r->nin = rn(4) ? rn(20) : 0;
    for (size_t k = 0; k < r->nin; k++)
        r->in[k] = (uint8_t)(rn(3) ? 'a' + rn(26) : rn(256));
    for (size_t k = 0; k < r->nin;) {
        size_t len = 1 + rn((uint32_t)(r->nin - k));
        bool text = rn(2);
        for (size_t j = k; j < k + len; j++)
            text &= r->in[j] != 0;
        if (text) {
            char *v = r->arg[r->narg++];
            memcpy(v, r->in + k, len);
            v[len] = '\0';
            opt(r, "--input", "--input", v);
        } else {
            char p[CS_PATH];
            cs_tmp_path(p, sizeof p, keep(r, "in%d", nfile++));
            cs_write_bytes(p, r->in + k, len);
            opt(r, "--input-file", "--input-f", keep(r, "%s", p));
        }
        k += len;
    }
}

/* Everything but the image; shuffled in by the caller. */
static void options(struct run *r, const struct prog *g, bool halts)
{
    uint32_t top = g->load + g->n;
    r->q = 65536;
    if (rn(2)) {
        r->q_given = true;
        r->q = (uint32_t[]){top, top + rn(40), 2048, 65536, 1u << 19, top + 1}[rn(6)];
        if (r->q < 2)
            r->q = 2;
        opt(r, "--mem", "--me", number(r, r->q));
    }
    r->max = 1000000000;
    if (!halts || rn(3) == 0) {
        r->max = 1 + rn(rn(2) ? 40 : 3000);
        opt(r, "--max-steps", "--max", number(r, r->max));
    } else if (rn(4) == 0) {
        r->max = 0;
        opt(r, "--max-steps", "--max", number(r, 0));
    }
    r->prof = rn(4) ? P_VIRT : (int)rn(P_N);
    if (r->prof != P_VIRT || rn(8) == 0)
        opt(r, "--profile", "--pro", rm_prof_name[r->prof]);
    input_opts(r);
    switch (rn(5)) {
    case 0: r->json = true, opt(r, "--json", "--j", NULL); break;
    case 1: r->quiet = true, opt(r, "--quiet", "--q", NULL); break;
    default: break;
    }
    if (rn(4) == 0) {
        r->dumped = true;
        cs_tmp_path(r->dump, sizeof r->dump, keep(r, "dump%d", nfile++));
        opt(r, "--dump", "--d", r->dump);
    }
}

static uint64_t cur_seed;
static unsigned n_agree, n_halt, n_limit, n_loop, n_json, n_vmm;
static unsigned n_armed, n_pending, n_prof, n_input, n_nest, n_bad, n_check, n_stats, n_check_nest;

static void assert_same(const char *what, const char *want, size_t wl, const char *got,
                        size_t gl, const struct run *r)
{
    if (wl == gl && memcmp(want, got, wl) == 0)
        return;
    size_t k = 0;
    while (k < wl && k < gl && want[k] == got[k])
        k++;
    fprintf(stderr, "refrun: %s differs at byte %zu\n--- want\n%.*s\n--- got\n%.*s\n--- args:",
            what, k, (int)wl, want, (int)gl, got);
    for (size_t j = 0; j < r->a.n; j++)
        fprintf(stderr, " '%s'", r->a.v[j]);
    fprintf(stderr, "\n(run seed 0x%llx)\n", (unsigned long long)cur_seed);
    fail();
}

/* The probe ran in 65536 words with no input under the default profile;
 * the real options may make the program run for ever.  A second
 * --max-steps then bounds it: the last value counts (docs/run.md). */
static void limit_if_endless(struct run *r, const struct prog *g)
{
    if (r->max != 0 && r->max <= 4000)
        return;
    struct rr p;
    rr_init(&p, r->q, r->prof, g->load, g->w, g->n, g->entry, r->in, r->nin);
    if (g->load + g->n > r->q || rr_run(&p, 4000) != RR_HALT) {
        r->max = 1 + rn(4000);
        cs_push(&r->a, "--max-steps");
        cs_push(&r->a, number(r, r->max));
    }
    rr_free(&p);
}

static void one_bare(uint64_t seed)
{
    rr_rng = seed;
    struct prog g;
    gen_prog(&g);
    struct rr probe;
    rr_init(&probe, 65536, P_VIRT, g.load, g.w, g.n, g.entry, NULL, 0);
    bool halts = rr_run(&probe, 3000) == RR_HALT;
    rr_free(&probe);

    struct run *r = calloc(1, sizeof *r);
    cs_make_image(r->path, sizeof r->path, keep(r, "p%d.tgm", nfile++), g.load, g.w, g.n,
                  g.entry);
    if (rn(2))
        cs_push(&r->a, r->path);
    options(r, &g, halts);
    limit_if_endless(r, &g);
    if (r->a.n == 0 || strcmp(r->a.v[0], r->path) != 0) {
        if (rn(3) == 0) /* after it every word is an IMAGE */
            cs_push(&r->a, "--");
        cs_push(&r->a, r->path);
    }

    struct rr m;
    rr_init(&m, r->q, r->prof, g.load, g.w, g.n, g.entry, r->in, r->nin);
    struct rr_buf out = {0}, err = {0};
    int status = 0;
    if (g.load + g.n > r->q) {
        rr_printf(&err, "tgm: run: %s: image needs words %u..%u but the machine has %u words "
                  "(try a larger --mem)\n", r->path, g.load, g.load + g.n - 1, r->q);
        status = 2;
    } else {
        enum rr_stop stop = rr_run(&m, r->max);
        status = stop == RR_HALT ? 0 : 3;
        if (r->json) {
            rr_json(&out, &m, stop);
            rr_put(&out, "\n", 1);
        } else {
            rr_console_text(&out, &m.m, !r->quiet);
            if (!r->quiet)
                rr_state_text(&out, &m, stop, NULL);
        }
        if (stop == RR_LIMIT && !r->json) {
            rr_limit_note(&err, &m.m, r->max, NULL);
            n_loop += rr_trap_loop(&m.m) != 0;
        }
        n_halt += stop == RR_HALT, n_limit += stop == RR_LIMIT, n_json += r->json;
        n_armed += m.m.armed, n_pending += m.m.pending, n_prof += r->prof != P_VIRT;
        n_input += m.m.used > 0;
    }
    bool posix = rn(4) == 0; /* options after the image still count */
    if (posix)
        setenv("POSIXLY_CORRECT", "1", 1);
    struct cs_outcome o = cs_run_tgm_argv("run", r->a.v);
    if (posix)
        unsetenv("POSIXLY_CORRECT");
    assert_same("stdout", out.s ? out.s : "", out.n, o.out, o.out_len, r);
    assert_same("stderr", err.s ? err.s : "", err.n, o.err, strlen(o.err), r);
    if (o.status != status) {
        fprintf(stderr, "refrun: status %d, want %d\n", o.status, status);
        assert_same("status", "", 0, "x", 1, r);
    }
    if (r->dumped) {
        size_t len = 0;
        if (status == 2) {
            assert_int_not_equal(access(r->dump, F_OK), 0);
        } else {
            char *d = cs_slurp(r->dump, &len);
            uint8_t *want = malloc((size_t)r->q * 8);
            for (uint32_t a = 0; a < r->q; a++)
                for (int k = 0; k < 8; k++)
                    want[8 * (size_t)a + (size_t)k] = (uint8_t)(m.m.e[a] >> (8 * k));
            assert_same("dump", (char *)want, (size_t)r->q * 8, d, len, r);
            free(want);
            free(d);
            unlink(r->dump);
        }
    }
    cs_outcome_free(&o);
    rr_free(&m);
    free(out.s);
    free(err.s);
    unlink(r->path);
    free(r);
    n_agree++;
}

/* docs/run.md's --stats: direct_ratio is direct / (direct + interpreted),
 * cp_entries the traps by cause and disposition, and the VMs' guest and
 * control program cycles add up to the real machine's (docs/run.md,
 * "--timeline"). */
static void check_stats(const char *json, size_t nvm)
{
    const char *vms = cs_json_get(json, "vms");
    uint64_t sum = 0;
    for (size_t k = 0; k < nvm; k++) {
        const char *st = cs_json_get(cs_json_item(vms, k), "stats");
        uint64_t d = cs_json_uint(cs_json_get(st, "direct"));
        uint64_t i = cs_json_uint(cs_json_get(st, "interpreted"));
        double ratio = cs_json_num(cs_json_get(st, "direct_ratio"));
        if (d + i)
            assert_true(ratio > (double)d / (double)(d + i) - 1e-6 &&
                        ratio < (double)d / (double)(d + i) + 1e-6);
        const char *tr = cs_json_get(st, "traps");
        uint64_t entries = 0;
        for (size_t c = 0; c < RM_NCAUSE; c++) {
            const char *one = cs_json_get(tr, rr_cause_name((unsigned)c));
            static const char *const disp[] = {"interpreted", "reflected", "allocator",
                                               "scheduler", "hybrid"};
            for (size_t j = 0; j < 5; j++)
                entries += cs_json_uint(cs_json_get(one, disp[j]));
        }
        (void)entries; /* entries without a real trap are counted too */
        sum += cs_json_uint(cs_json_get(st, "guest_cycles")) +
               cs_json_uint(cs_json_get(st, "cp_cycles"));
    }
    assert_int_equal(sum, cs_json_uint(cs_json_get(cs_json_get(json, "real"), "cycles")));
}

/* The statistics of NVM VMs running the images G (COPIES of each) in Q
 * words, from the control program's model (refvmm.h, from docs/vmm.md). */
static struct cpm *cp_model(const struct prog *g, size_t nvm, size_t copies,
                            const struct run *r, uint64_t slice, bool hybrid)
{
    struct cpm *c = calloc(1, sizeof *c);
    c->cur = -1;
    c->n = (int)nvm;
    c->slice = slice ? slice : VMM_DEFAULT_SLICE;
    c->hybrid = hybrid;
    for (size_t v = 0; v < nvm; v++) {
        struct cpm_vm *m = &c->vm[v];
        const struct prog *p = &g[v / copies];
        m->v.q = r->q, m->v.prof = P_VIRT;
        m->v.e = calloc(r->q, sizeof *m->v.e);
        m->v.in = r->in, m->v.nin = r->nin;
        m->base = 8 + (uint32_t)v * r->q, m->state = VM_RUNNABLE, m->live = true;
        cpm_load(c, (int)v, p->load, p->w, p->n, p->entry);
        cpm_set_limit(c, (int)v, r->max);
    }
    cpm_run(c, UINT64_MAX);
    return c;
}

/* --vmm: each VM's header, console and state are a bare run's of the same
 * program in --mem words (docs/vmm.md, "Virtual time, exactly"). */
static void one_vmm(uint64_t seed)
{
    rr_rng = seed;
    struct run *r = calloc(1, sizeof *r);
    size_t nimg = 1 + rn(3), copies = 1;
    struct prog g[3];
    char path[3][CS_PATH];
    bool halts = true;
    uint32_t top = 0;
    for (size_t k = 0; k < nimg; k++) {
        gen_prog(&g[k]);
        struct rr probe;
        rr_init(&probe, 65536, P_VIRT, g[k].load, g[k].w, g[k].n, g[k].entry, NULL, 0);
        halts &= rr_run(&probe, 3000) == RR_HALT;
        rr_free(&probe);
        cs_make_image(path[k], sizeof path[k], keep(r, "v%d.tgm", nfile++), g[k].load, g[k].w,
                      g[k].n, g[k].entry);
        top = g[k].load + g[k].n > top ? g[k].load + g[k].n : top;
    }
    opt(r, "--vmm", "--vmm", NULL);
    if (nimg == 1 && rn(2)) {
        copies = 1 + rn(4);
        opt(r, "--vms", "--vms", number(r, copies));
    }
    r->q = (uint32_t[]){top, top + rn(50), 1024, 65536}[rn(4)];
    if (r->q != 65536 || rn(2))
        opt(r, "--mem", "--me", number(r, r->q));
    r->max = 1000000000;
    if (!halts || rn(3) == 0) {
        r->max = 1 + rn(rn(2) ? 40 : 3000);
        opt(r, "--max-steps", "--max", number(r, r->max));
    }
    r->prof = P_VIRT;
    input_opts(r);
    uint64_t slice = 0;
    bool hybrid = false, stats = rn(3) == 0;
    if (rn(2)) {
        slice = 1 + rn(rn(2) ? 30 : 20000);
        opt(r, "--slice", "--sl", number(r, slice));
    }
    if (rn(4) == 0)
        hybrid = true, opt(r, "--hybrid", "--hy", NULL);
    if (stats)
        opt(r, "--stats", "--st", NULL);
    switch (rn(4)) {
    case 0: r->json = true, opt(r, "--json", "--j", NULL); break;
    case 1: r->quiet = true, opt(r, "--quiet", "--q", NULL); break;
    default: break;
    }
    for (size_t k = 0; k < nimg; k++) {
        cs_push(&r->a, path[k]);
        if (r->max == 0 || r->max > 4000)
            limit_if_endless(r, &g[k]);
    }

    size_t nvm = nimg * copies;
    struct rr_buf out = {0}, err = {0};
    int status = 0;
    struct cpm *cp = stats ? cp_model(g, nvm, copies, r, slice, hybrid) : NULL;
    if (r->json)
        rr_put(&out, "{\"vms\":[", 8);
    for (size_t v = 0; v < nvm; v++) {
        const struct prog *p = &g[v / copies];
        struct rr m;
        char name[24];
        snprintf(name, sizeof name, "vm%zu", v);
        rr_init(&m, r->q, P_VIRT, p->load, p->w, p->n, p->entry, r->in, r->nin);
        enum rr_stop stop = rr_run(&m, r->max);
        uint32_t base = 8 + (uint32_t)v * r->q;
        if (stop == RR_LIMIT)
            status = 3;
        if (r->json) {
            rr_printf(&out, "%s{\"vm\":\"%s\",\"file\":\"%s\",\"base\":%u,\"words\":%u,"
                      "\"state\":{\"name\":\"%s\",", v ? "," : "", name, path[v / copies], base,
                      r->q, name);
            struct rr_buf j = {0};
            rr_json(&j, &m, stop);
            rr_put(&out, j.s + 1, j.n - 1);
            free(j.s);
            if (stats) {
                rr_put(&out, ",\"stats\":", 9);
                rr_stats_json(&out, &cp->vm[v].st);
            }
            rr_put(&out, "}", 1);
        } else {
            rr_printf(&out, "== %s: %s (%u words at real %u)\n", name, path[v / copies], r->q,
                      base);
            rr_console_text(&out, &m.m, !r->quiet || stats || v + 1 < nvm);
            if (!r->quiet)
                rr_state_text(&out, &m, stop, name);
            if (stats)
                rr_stats_text(&out, &cp->vm[v].st);
            if (stop == RR_LIMIT)
                rr_limit_note(&err, &m.m, r->max, name);
        }
        n_halt += stop == RR_HALT, n_limit += stop == RR_LIMIT;
        rr_free(&m);
    }
    struct cs_outcome o = cs_run_tgm_argv("run", r->a.v);
    if (r->json) { /* all but "real" */
        rr_put(&out, "],\"real\":", 9);
        const char *real = strstr(o.out, "],\"real\":");
        assert_same("JSON", out.s, out.n, o.out, real ? (size_t)(real - o.out) + 9 : o.out_len,
                    r);
        if (stats)
            check_stats(o.out, nvm);
        n_json++;
    } else {
        assert_same("stdout", out.s, out.n, o.out, o.out_len, r);
    }
    if (cp) {
        for (size_t v = 0; v < nvm; v++)
            free(cp->vm[v].v.e);
        free(cp);
        n_stats++;
    }
    assert_same("stderr", err.s ? err.s : "", err.n, o.err, strlen(o.err), r);
    if (o.status != status) {
        fprintf(stderr, "refrun: status %d, want %d\n", o.status, status);
        assert_same("status", "", 0, "x", 1, r);
    }
    cs_outcome_free(&o);
    free(out.s);
    free(err.s);
    for (size_t k = 0; k < nimg; k++)
        unlink(path[k]);
    free(r);
    n_agree++, n_vmm++;
}

/* --nest N: a program that halts, on N levels of the machine-code control
 * program; the guest's part is a bare run's, then one line per level (its
 * place and its guest's) and the real machine's. */
static void one_nest(uint64_t seed)
{
    rr_rng = seed;
    struct run *r = calloc(1, sizeof *r);
    struct prog g;
    struct rr m;
    do {
        gen_prog(&g);
        rr_init(&m, 65536, P_VIRT, g.load, g.w, g.n, g.entry, NULL, 0);
        bool halts = rr_run(&m, 2000) == RR_HALT;
        rr_free(&m);
        if (halts)
            break;
    } while (1);
    cs_make_image(r->path, sizeof r->path, keep(r, "n%d.tgm", nfile++), g.load, g.w, g.n,
                  g.entry);
    uint32_t depth = 1 + rn(3);
    opt(r, "--nest", "--n", number(r, depth));
    r->q = rn(2) ? 65536 : g.load + g.n + rn(100);
    if (r->q != 65536 || rn(2))
        opt(r, "--mem", "--me", number(r, r->q));
    input_opts(r);
    r->json = rn(3) == 0;
    if (r->json)
        opt(r, "--json", "--j", NULL);
    cs_push(&r->a, r->path);
    rr_init(&m, r->q, P_VIRT, g.load, g.w, g.n, g.entry, r->in, r->nin);
    if (rr_run(&m, 4000) != RR_HALT) { /* the input made it endless */
        rr_free(&m);
        unlink(r->path);
        free(r);
        return;
    }
    struct cs_outcome o = cs_run_tgm_argv("run", r->a.v);
    struct rr_buf want = {0};
    if (r->json) {
        struct rr_buf j = {0};
        rr_json(&j, &m, RR_HALT);
        /* null counts, and the object goes on with "nest" */
        char *c = strstr(j.s, "\"cycles\":");
        char *t = strstr(j.s, ",\"timer\":{");
        rr_put(&want, j.s, (size_t)(c - j.s));
        rr_put(&want, "\"cycles\":null,\"instructions\":null,\"steps\":null", 46);
        rr_put(&want, t, j.n - 1 - (size_t)(t - j.s));
        rr_put(&want, ",\"nest\":", 8);
        free(j.s);
        const char *nest = cs_json_get(o.out, "nest");
        assert_same("JSON", want.s, want.n, o.out, (size_t)(nest - o.out), r);
        assert_int_equal(cs_json_uint(cs_json_get(nest, "depth")), depth);
        const char *lv = cs_json_get(nest, "levels");
        assert_int_equal(cs_json_count(lv), depth);
        for (uint32_t k = 0; k < depth; k++) {
            const char *one = cs_json_item(lv, k);
            assert_int_equal(cs_json_uint(cs_json_get(one, "level")), k + 1);
            assert_int_equal(cs_json_uint(cs_json_get(one, "w")), r->q + 640 * k);
            assert_true(cs_json_bool(cs_json_get(one, "guest_started")));
        }
        assert_int_equal(cs_json_uint(cs_json_get(cs_json_get(nest, "real"), "q")),
                         r->q + 640 * depth);
    } else {
        rr_console_text(&want, &m.m, true);
        rr_nest_state(&want, &m);
        assert_true(o.out_len >= want.n);
        assert_same("stdout", want.s, want.n, o.out, want.n, r);
        /* then one line per level and the real machine's: their starts */
        const char *got = o.out + want.n;
        for (uint32_t k = 1; k <= depth + 1; k++) {
            struct rr_buf line = {0};
            if (k <= depth)
                rr_printf(&line, "level %-7ubase 0x%05x, guest of %u words at 0x%05x: ", k,
                          (depth - k) * 640, r->q + (k - 1) * 640, (depth - k + 1) * 640);
            else
                rr_printf(&line, "real         the bare machine: ");
            const char *nl = strchr(got, '\n');
            assert_non_null(nl);
            assert_same("stdout", line.s, line.n, got,
                        (size_t)(nl - got) < line.n ? (size_t)(nl - got) : line.n, r);
            free(line.s);
            got = nl + 1;
        }
        assert_int_equal(*got, '\0');
    }
    assert_string_equal(o.err, "");
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    rr_free(&m);
    free(want.s);
    unlink(r->path);
    free(r);
    n_agree++, n_nest++;
}

/* tgm check --nest N --json: each image's bare run (steps, cycles, traps)
 * is the model's, and it is equivalent exactly when it halts. */
static void check_nest(struct run *r, const struct prog *g, char (*path)[CS_PATH], size_t nimg)
{
    uint32_t depth = 1 + rn(2);
    opt(r, "--nest", "--n", number(r, depth));
    cs_push(&r->a, "--json");
    struct cs_outcome j = cs_run_tgm_argv("check", r->a.v);
    if (j.status > 1)
        assert_same("check --nest", "", 0, j.err, strlen(j.err), r);
    const char *imgs = cs_json_get(j.out, "images");
    assert_int_equal(cs_json_uint(cs_json_get(j.out, "depth")), depth);
    assert_int_equal(cs_json_count(imgs), nimg);
    bool all = true;
    for (size_t k = 0; k < nimg; k++) {
        struct rr m;
        rr_init(&m, r->q, P_VIRT, g[k].load, g[k].w, g[k].n, g[k].entry, r->in, r->nin);
        bool halts = rr_run(&m, r->max) == RR_HALT;
        const char *it = cs_json_item(imgs, k);
        char *file = cs_json_str(cs_json_get(it, "file"), NULL);
        assert_string_equal(file, path[k]);
        free(file);
        assert_int_equal(cs_json_bool(cs_json_get(it, "equivalent")), halts);
        const char *bare = cs_json_get(it, "bare");
        assert_int_equal(cs_json_uint(cs_json_get(bare, "steps")), m.m.steps);
        assert_int_equal(cs_json_uint(cs_json_get(bare, "cycles")), m.m.cycles);
        uint64_t traps = 0;
        for (int c = 1; c < RM_NCAUSE; c++)
            traps += m.m.traps[c];
        if (halts) {
            assert_int_equal(cs_json_uint(cs_json_get(it, "traps")), traps);
            assert_int_equal(cs_json_uint(cs_json_get(it, "timer_traps")), m.m.traps[RM_TIMER]);
        }
        all &= halts;
        rr_free(&m);
    }
    assert_int_equal(cs_json_bool(cs_json_get(j.out, "equivalent")), all);
    assert_false(cs_json_bool(cs_json_get(j.out, "interrupted")));
    assert_int_equal(j.status, all ? 0 : 1);
    cs_outcome_free(&j);
    n_check_nest++;
}

/* tgm check: each image's verdict line from the model's bare run (the
 * direct share read from the same check's JSON: the model has no control
 * program), "NOT equivalent" with the bare run's reason when it does not
 * halt, and the exit status. */
static void one_check(uint64_t seed)
{
    rr_rng = seed;
    struct run *r = calloc(1, sizeof *r);
    size_t nimg = 1 + rn(3);
    struct prog g[3];
    char path[3][CS_PATH];
    for (size_t k = 0; k < nimg; k++) {
        gen_prog(&g[k]);
        cs_make_image(path[k], sizeof path[k], keep(r, "c%d.tgm", nfile++), g[k].load, g[k].w,
                      g[k].n, g[k].entry);
    }
    r->max = 1 + rn(3000);
    opt(r, "--max-steps", "--max", number(r, r->max));
    r->q = rn(2) ? 65536 : 4096;
    if (r->q != 65536 || rn(2))
        opt(r, "--mem", "--me", number(r, r->q));
    input_opts(r);
    bool nest = rn(4) == 0; /* which refuses --slice */
    if (!nest && rn(3) == 0)
        opt(r, "--slice", "--sl", number(r, 1 + rn(500)));
    for (size_t k = 0; k < nimg; k++)
        cs_push(&r->a, path[k]);
    if (nest) {
        check_nest(r, g, path, nimg);
        for (size_t k = 0; k < nimg; k++)
            unlink(path[k]);
        free(r);
        n_agree++;
        return;
    }
    struct cs_outcome o = cs_run_tgm_argv("check", r->a.v);
    cs_push(&r->a, "--json");
    struct cs_outcome j = cs_run_tgm_argv("check", r->a.v);
    const char *imgs = cs_json_get(j.out, "images");
    assert_int_equal(cs_json_count(imgs), nimg);
    struct rr_buf want = {0};
    bool all = true;
    for (size_t k = 0; k < nimg; k++) {
        struct rr m;
        rr_init(&m, r->q, P_VIRT, g[k].load, g[k].w, g[k].n, g[k].entry, r->in, r->nin);
        bool halts = rr_run(&m, r->max) == RR_HALT;
        const char *it = cs_json_item(imgs, k);
        assert_int_equal(cs_json_bool(cs_json_get(it, "bare_halted")), halts);
        assert_int_equal(cs_json_bool(cs_json_get(it, "equivalent")), halts);
        assert_int_equal(cs_json_uint(cs_json_get(it, "instructions")), m.m.instret);
        assert_int_equal(cs_json_find(it, "together") != NULL, nimg > 1);
        uint64_t d = cs_json_uint(cs_json_get(it, "direct"));
        uint64_t in = cs_json_uint(cs_json_get(it, "interpreted"));
        if (halts)
            rr_printf(&want, "%s: equivalent (%s); %llu %s, %.4f%% executed directly\n",
                      path[k], nimg > 1 ? "alone and with the others" : "alone",
                      (unsigned long long)m.m.instret,
                      m.m.instret == 1 ? "instruction" : "instructions",
                      d + in ? 100.0 * (double)d / (double)(d + in) : 0.0);
        else {
            unsigned c = rr_trap_loop(&m.m);
            for (size_t x = 0; x < (nimg > 1 ? 3u : 2u); x++) {
                if (x == 0) {
                    rr_printf(&want, "%s: NOT equivalent\n", path[k]);
                    continue;
                }
                rr_printf(&want, "  %s: the bare machine did not halt within %llu steps",
                          x == 1 ? "alone" : "with the others", (unsigned long long)r->max);
                if (c)
                    rr_printf(&want, ": it is in a trap loop (each step takes %s %s trap and "
                              "E[1] loads the same PSW: a disabled wait)",
                              strchr("aeiou", rr_cause_name(c)[0]) ? "an" : "a",
                              rr_cause_name(c));
                rr_put(&want, "\n", 1);
            }
        }
        all &= halts;
        rr_free(&m);
    }
    assert_same("check", want.s, want.n, o.out, o.out_len, r);
    assert_string_equal(o.err, "");
    assert_int_equal(o.status, all ? 0 : 1);
    assert_int_equal(j.status, all ? 0 : 1);
    assert_int_equal(cs_json_bool(cs_json_get(j.out, "equivalent")), all);
    cs_outcome_free(&o);
    cs_outcome_free(&j);
    free(want.s);
    for (size_t k = 0; k < nimg; k++)
        unlink(path[k]);
    free(r);
    n_agree++, n_check++;
}

#define campaign_seed() rng_env("TGM_REFRUN_SEED", UINT64_C(0x5EED0F7E57))
#define campaign_runs(dflt) ((unsigned)rng_env("TGM_REFRUN_RUNS", (dflt)))

static void refrun__random_bare_runs_print_what_the_docs_say(void **state)
{
    (void)state;
    uint64_t seed = campaign_seed();
    unsigned runs = campaign_runs(150);
    uint64_t s = seed;
    for (unsigned k = 0; k < runs; k++) {
        uint64_t one = rng_next(&s);
        cur_seed = one;
        if (k % 10 == 9)
            one_nest(one);
        else if (k % 10 == 5)
            one_check(one);
        else if (k % 3 == 2)
            one_vmm(one);
        else
            one_bare(one);
    }
    fprintf(stderr, "refrun: seed 0x%llx: %u runs agreed (%u halted, %u at the limit, %u in a "
            "trap loop, %u JSON, %u under --vmm (%u with --stats), %u under --nest, %u checks (%u --nest); timer armed %u, pending %u; %u other profiles, %u read input)\n",
            (unsigned long long)seed, n_agree, n_halt, n_limit, n_loop, n_json, n_vmm, n_stats, n_nest, n_check, n_check_nest, n_armed,
            n_pending, n_prof, n_input);
}

/* ---- bad flags: one clear line, status 2, files untouched ---- */

struct bad {
    const char *argv[6]; /* NULL-ended; "@" is the image */
    bool vmm;            /* needs --vmm to be reached */
    bool dump_ok;        /* a --dump FILE may come with it */
    const char *want;    /* the line, "@" the image; from docs/run.md unless noted */
};

static const struct bad bads[] = {
    {{"--mem", "1"}, false, true, "tgm: run: --mem: 1 word is out of range (2..524288)"},
    {{"--mem", "64K"}, false, true, "tgm: run: --mem: expected a non-negative number, got "
     "'64K' (no K or M suffix here: 64K is 65536)"},
    {{"--mem=1G"}, false, true, "tgm: run: --mem: expected a non-negative number, got '1G' "
     "(no G suffix here: 1G is 1073741824)"},
    {{"--slice", "0"}, true, false, "tgm: run: --slice: 0 cycles is out of range "
     "(1..9223372036854775807)"},
    {{"--vm"}, false, true, "tgm: run: ambiguous option '--vm' (--vmm, --vms)"},
    {{"--stats"}, false, true, "tgm: run: --stats needs --vmm"},
    {{"--hybrid"}, false, true, "tgm: run: --hybrid needs --vmm"},
    {{"--vms", "2"}, false, true, "tgm: run: --vms needs --vmm"},
    {{"--maxsteps", "9"}, false, true, "tgm: run: unknown option '--maxsteps' (did you mean "
     "'--max-steps'?)"},
    {{"--frob"}, false, true, "tgm: run: unknown option '--frob' (try 'tgm run --help')"},
    {{"-\n"}, false, true, "tgm: run: unknown option '-\\n' (try 'tgm run --help')"},
    {{"--max-steps", "-1"}, false, true, "tgm: run: --max-steps: expected a non-negative "
     "number, got '-1'"},
    {{"--max-steps", "+5"}, false, true, "tgm: run: --max-steps: expected a non-negative "
     "number, got '+5'"},
    {{"--mem", " 64"}, false, true, "tgm: run: --mem: expected a non-negative number, got ' 64'"},
    {{"--max-steps", "18446744073709551616"}, false, true, /* the unit is the code's */
     "tgm: run: --max-steps: 18446744073709551616 steps is out of range "
     "(0..18446744073709551615)"},
    {{"--nest", "0"}, false, false, "tgm: run: --nest: 0 levels is out of range (1..16)"},
    {{"--nest", "1", "--dump", "x.dump"}, false, false, "tgm: run: --nest with --dump: --nest "
     "takes one IMAGE, and not --vms, --hybrid, --slice, --dump, --stats or --timeline"},
    {{"--nest", "1", "--mem", "524288"}, false, false, "tgm: run: @: 1 level of 640 words and "
     "a guest of 524288 words need 524928 words, more than the 524288 a machine has: at this "
     "depth a guest has at most 523648 words"},
    {{"--profile", "x87"}, false, true, "(did you mean 'x86'?)"},
    {{"--profile", "pdp11"}, false, true, "(did you mean 'pdp10' or 'pdp11-45'?)"},
    {{"--json", "--quiet"}, false, true, "tgm: run: --quiet: cannot be combined with --json"},
    {{"--dump", "-"}, false, false, "tgm: run: --dump -: standard output holds the report"},
    {{"--dump", "@"}, false, false, "tgm: run: --dump: @ is the image"},
    {{"--vms", "65"}, true, false, "tgm: run: --vms: 65 is out of range (1..64)"},
    {{"--input-file", "no-such-file"}, false, true, "tgm: run: --input-file: no-such-file: "},
    {{"--mem", "2"}, false, true, "tgm: run: @: image needs words "},
    {{"--slice", "9223372036854775808"}, true, false, "tgm: run: --slice: 9223372036854775808 "
     "cycles is out of range (1..9223372036854775807)"},
    {{"--mem", "524289"}, false, true, "tgm: run: --mem: 524289 words is out of range "
     "(2..524288)"},
    {{"--mem", "100", "--mem", "1"}, false, true, "tgm: run: --mem: 1 word is out of range"},
    {{"--vms", "8"}, true, false, /* the words are the code's, as check's in docs/run.md */
     "tgm: run: 8 VMs of 65536 words need 524296 words of real memory, more than 524288 "
     "(use a smaller --mem)"},
};

static void one_bad(uint64_t seed, const struct bad *b)
{
    rr_rng = seed;
    struct run *r = calloc(1, sizeof *r);
    struct prog g;
    gen_prog(&g);
    cs_make_image(r->path, sizeof r->path, keep(r, "b%d.tgm", nfile++), g.load, g.w, g.n,
                  g.entry);
    size_t ilen, dlen;
    char *img = cs_slurp(r->path, &ilen);
    bool first = rn(2);
    if (first)
        for (size_t k = 0; b->argv[k]; k++)
            cs_push(&r->a, strcmp(b->argv[k], "@") ? b->argv[k] : r->path);
    if (b->vmm)
        opt(r, "--vmm", "--vmm", NULL);
    if (rn(2))
        opt(r, "--max-steps", "--max", number(r, 1 + rn(100)));
    if (rn(2) && strcmp(b->argv[0], "--json"))
        opt(r, "--input", "--input", "xy");
    cs_tmp_path(r->dump, sizeof r->dump, keep(r, "old%d", nfile++));
    cs_write_bytes(r->dump, "old\n", 4);
    if (b->dump_ok && rn(2))
        opt(r, "--dump", "--dump", r->dump);
    cs_push(&r->a, r->path);
    if (!first)
        for (size_t k = 0; b->argv[k]; k++)
            cs_push(&r->a, strcmp(b->argv[k], "@") ? b->argv[k] : r->path);
    struct cs_outcome o = cs_run_tgm_argv("run", r->a.v);
    char want[512];
    const char *at = strchr(b->want, '@');
    if (at)
        snprintf(want, sizeof want, "%.*s%s%s", (int)(at - b->want), b->want, r->path, at + 1);
    else
        snprintf(want, sizeof want, "%s", b->want);
    size_t el = strlen(o.err);
    bool one_line = el > 0 && strchr(o.err, '\n') == o.err + el - 1;
    bool ok = o.status == 2 && o.out_len == 0 && one_line && strstr(o.err, want) &&
              strncmp(o.err, "tgm: run: ", 10) == 0;
    if (!ok) {
        fprintf(stderr, "refrun: bad flag: status %d, want 2; stdout %zu bytes; stderr '%s', "
                "want a line with '%s'\n", o.status, o.out_len, o.err, want);
        assert_same("bad", "", 0, "x", 1, r);
    }
    char *d = cs_slurp(r->dump, &dlen);
    assert_true(dlen == 4 && memcmp(d, "old\n", 4) == 0);
    char *img2 = cs_slurp(r->path, &dlen);
    assert_true(dlen == ilen && memcmp(img, img2, ilen) == 0);
    assert_false(cs_has_file_starting(cs_tmpdir(), "x.dump"));
    free(d), free(img), free(img2);
    cs_outcome_free(&o);
    unlink(r->path), unlink(r->dump);
    free(r);
    n_bad++;
}

static void refrun__bad_flags_give_one_line_and_touch_no_file(void **state)
{
    (void)state;
    uint64_t s = campaign_seed() ^ 0xBAD;
    unsigned runs = campaign_runs(150) / 4;
    const size_t nb = sizeof bads / sizeof bads[0];
    for (unsigned k = 0; k < runs || k < nb; k++) {
        cur_seed = rng_next(&s);
        one_bad(cur_seed, &bads[k % nb]);
    }
    fprintf(stderr, "refrun: %u runs with a bad flag refused as docs/run.md says\n", n_bad);
}

/* docs/run.md, "The step limit": a trap with no handler loops for ever,
 * and the note says no limit ends it.  A timer armed with E[1]'s I = 1
 * does not end it either: its trap loads E[1] too.  tgm used to tell
 * such a run to raise the limit until the timer had fired. */
static void refrun__an_armed_timer_does_not_end_a_trap_loop(void **state)
{
    (void)state;
    char path[CS_PATH];
    uint64_t e1 = rm_pack(true, true, 0, 0x70000, 0, 0x80000); /* P past q */
    cs_make_image(path, sizeof path, "timerloop.tgm", 0,
                  CS_WORDS(0, e1, rr_enc(0x44, 4, 0, 0), rr_enc(0x40, 1, 0, 0), 1000),
                  rm_pack(true, false, 0, 2, 0, 0x80000));
    static const char note[] = "tgm: run: step limit of 20 reached before HALT in a trap loop "
                               "(each step takes a memory trap and E[1] loads the same PSW: a "
                               "disabled wait), which no limit ends; give E[1] a trap handler\n";
    struct cs_outcome o = cs_run_tgm("run", "--max-steps", "20", path, NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "timer        armed, 923 cycles left\n"));
    assert_string_equal(o.err, note);
    cs_outcome_free(&o);
    /* and check's verdict says so too (docs/vmm.md, "Equivalence") */
    o = cs_run_tgm("check", "--max-steps", "20", path, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "did not halt within 20 steps: it is in a trap loop"));
    cs_outcome_free(&o);
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_refrun");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refrun__random_bare_runs_print_what_the_docs_say),
        cmocka_unit_test(refrun__bad_flags_give_one_line_and_touch_no_file),
        cmocka_unit_test(refrun__an_armed_timer_does_not_end_a_trap_loop),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
