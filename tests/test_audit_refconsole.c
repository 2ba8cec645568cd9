/* test_audit_refconsole.c: the guest console as the user sees it, against
 * an independent model of it (refconsole.h, from docs/isa.md,
 * docs/run.md, docs/monitor.md and docs/vmm.md) over the reference machine
 * (refmodel.h).
 *
 * Random guests write bytes of every value and words that are not bytes,
 * read with and without input waiting (also over their own next
 * instruction), in either mode, between SVC, privileged and timer traps.
 * They run under `tgm run` (random --input and --input-file pieces, `-`
 * and --opt=VALUE among them, empty ones, more input than is read; text,
 * --json and --quiet; --nest; --vmm --vms N, --hybrid) and in the
 * monitor, bare and in several VMs at once (`console input`, `vm input`,
 * `step N`, `next N`, `go`, `console`, `console clear`, `vm console`,
 * `set console off|on`, `save`/`restore`, `rstep`, `stack step`); every
 * byte printed and the state after (`regs`, `examine`, `examine -c`) are
 * compared.
 * TGM_REFCONSOLE_SEED and TGM_REFCONSOLE_CASES make the campaign different
 * or larger; the default stays within a few seconds.
 */
#include <fcntl.h>
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
#include "refconsole.h"
#include "rng.h"

static uint64_t rs, case_seed;
static unsigned met_meanwhile; /* cases where another VM wrote during a step */
static unsigned snaps, backs; /* bare cases with a restore, an rstep */
static unsigned agreed[6]; /* run, run --vmm, monitor bare, VMs, VM step, nest */

static uint32_t rn(uint32_t n)
{
    return n ? (uint32_t)(rng_next(&rs) % n) : 0;
}

static void rbytes(uint8_t *b, size_t n, bool nonul)
{
    for (size_t k = 0; k < n; k++) {
        b[k] = rn(3) ? (uint8_t)(0x20 + rn(95)) : (uint8_t)rn(256);
        if (nonul && b[k] == 0)
            b[k] = 'z';
    }
}

/* Where WANT and GOT (of lengths) first differ, for the message. */
static void same(const char *what, const char *want, size_t wn, const char *got, size_t gn)
{
    if (wn == gn && memcmp(want, got, wn) == 0)
        return;
    size_t k = 0;
    while (k < wn && k < gn && want[k] == got[k])
        k++;
    size_t from = k > 60 ? k - 60 : 0;
    fail_msg("case seed 0x%llx: %s differs at byte %zu\n--- want:\n%.*s\n--- got:\n%.*s",
             (unsigned long long)case_seed, what, k, (int)(wn - from > 200 ? 200 : wn - from),
             want + from, (int)(gn - from > 200 ? 200 : gn - from), got + from);
}

/* ---- tgm run ---- */

struct inputs {
    struct cs_args a;
    char arg[8][CS_PATH];
    uint8_t bytes[512];
    size_t n;
    int stdin_fd;
};

/* Random --input and --input-file pieces, pushed onto I->a, their bytes
 * queued in command-line order in I->bytes. */
static void pieces(struct inputs *in)
{
    in->stdin_fd = -1;
    unsigned k = rn(5);
    for (unsigned p = 0; p < k; p++) {
        uint8_t b[40];
        size_t n = rn(4) == 0 ? 0 : rn(30);
        if (rn(2)) { /* --input TEXT or --input=TEXT, TEXT empty too */
            rbytes(b, n, true);
            char *s = in->arg[p];
            bool eq = rn(2);
            snprintf(s, sizeof in->arg[p], "%s", eq ? "--input=" : "");
            memcpy(s + strlen(s), b, n);
            s[(eq ? 8 : 0) + n] = 0;
            if (!eq)
                cs_push(&in->a, "--input");
            cs_push(&in->a, s);
        } else {
            rbytes(b, n, false);
            char name[16], path[CS_PATH];
            snprintf(name, sizeof name, "in%u", p);
            cs_tmp_path(path, sizeof path, name);
            cs_write_bytes(path, b, n);
            cs_push(&in->a, "--input-file");
            if (in->stdin_fd < 0 && rn(3) == 0) {
                in->stdin_fd = open(path, O_RDONLY);
                assert_true(in->stdin_fd >= 0);
                cs_push(&in->a, "-");
            } else if (rn(2)) {
                snprintf(in->arg[p], sizeof in->arg[p], "%s", path);
                cs_push(&in->a, in->arg[p]);
            } else {
                in->a.n--; /* --input-file=F */
                snprintf(in->arg[p], sizeof in->arg[p], "--input-file=%.200s", path);
                cs_push(&in->a, in->arg[p]);
            }
        }
        memcpy(in->bytes + in->n, b, n);
        in->n += n;
    }
}

static struct cs_outcome run_tgm(struct inputs *in)
{
    struct cs_outcome o = cs_finish_tgm(cs_start_tgm(in->stdin_fd, "run", in->a.v));
    if (in->stdin_fd >= 0)
        close(in->stdin_fd);
    if (o.status != 0) {
        for (size_t k = 0; k < in->a.n; k++)
            fprintf(stderr, " [%s]", in->a.v[k]);
        fail_msg("case seed 0x%llx: tgm run: status %d: %s", (unsigned long long)case_seed,
                 o.status, o.err);
    }
    return o;
}

static void write_guest(const struct rc_guest *g, char *path, const char *name)
{
    cs_make_image(path, CS_PATH, name, 0, g->w, g->n, g->entry);
}

static void run_case(void)
{
    struct rc_guest g;
    rc_gen(&g, &rs);
    char img[CS_PATH];
    write_guest(&g, img, "g.img");
    struct inputs in = {0};
    int mode = rn(5); /* text, --json, --quiet; under --nest: text, --json */
    if (mode == 1 || mode == 4)
        cs_push(&in.a, "--json");
    if (mode == 2)
        cs_push(&in.a, "--quiet");
    if (mode >= 3 || (mode == 2 && rn(3) == 0)) /* --nest --quiet: the bytes alone too */
        cs_push_all(&in.a, "--nest", rn(4) ? "1" : "2", NULL);
    bool first = rn(2);
    if (first)
        cs_push(&in.a, img);
    pieces(&in);
    if (!first)
        cs_push(&in.a, img);

    struct rc_mach m;
    rc_init(&m, &g, 65536);
    rc_queue(&m, in.bytes, in.n);
    rr_run(&m.r, 0);
    const uint8_t *out = m.r.m.out;
    size_t nout = m.r.m.nout;

    struct cs_outcome o = run_tgm(&in);
    assert_int_equal(o.status, 0);
    struct rr_buf want = {0};
    if (mode == 1 || mode == 4) {
        rr_put(&want, "\"console\":\"", 11);
        rc_esc_json(&want, out, nout);
        rr_printf(&want, "\",\"console_bytes\":%zu,", nout);
        const char *at = strstr(o.out, "\"console\":\"");
        assert_non_null(at);
        size_t left = o.out_len - (size_t)(at - o.out);
        same("run --json console", want.s, want.n, at, want.n < left ? want.n : left);
    } else if (mode == 2) {
        rr_put(&want, out, nout);
        same("run --quiet", want.s, want.n, o.out, o.out_len);
    } else if (mode == 3) { /* the levels' lines follow */
        rc_closed(&want, out, nout);
        rr_nest_state(&want, &m.r);
        same("run --nest", want.s, want.n, o.out, o.out_len < want.n ? o.out_len : want.n);
    } else {
        rc_closed(&want, out, nout);
        rr_state_text(&want, &m.r, RR_HALT, NULL);
        same("run", want.s, want.n, o.out, o.out_len);
    }
    free(want.s);
    cs_outcome_free(&o);
    rc_free(&m);
    agreed[0]++;
}

/* --vmm --vms N --quiet: every VM its own copy of the input; a header, and
 * a newline after a console only when something follows it. */
static void run_vmm_case(void)
{
    struct rc_guest g;
    rc_gen(&g, &rs);
    char img[CS_PATH], vms[8];
    write_guest(&g, img, "v.img");
    unsigned n = 1 + rn(3);
    snprintf(vms, sizeof vms, "%u", n);
    struct inputs in = {0};
    bool json = rn(3) == 0;
    cs_push_all(&in.a, "--vmm", "--vms", vms, json ? "--json" : "--quiet", img, NULL);
    if (rn(3) == 0)
        cs_push(&in.a, "--hybrid");
    pieces(&in);

    struct rc_mach m;
    rc_init(&m, &g, 65536);
    rc_queue(&m, in.bytes, in.n);
    rr_run(&m.r, 0);
    struct rr_buf want = {0};
    if (json) { /* every VM's console string and count */
        struct cs_outcome o = run_tgm(&in);
        rr_put(&want, "\"console\":\"", 11);
        rc_esc_json(&want, m.r.m.out, m.r.m.nout);
        rr_printf(&want, "\",\"console_bytes\":%zu,", m.r.m.nout);
        unsigned seen = 0;
        const char *at = o.out;
        while ((at = strstr(at, "\"console\":\"")) != NULL) {
            size_t left = o.out_len - (size_t)(at - o.out);
            same("run --vmm --json console", want.s, want.n, at, want.n < left ? want.n : left);
            seen++;
            at++;
        }
        assert_int_equal(seen, n);
        free(want.s);
        cs_outcome_free(&o);
        rc_free(&m);
        agreed[1]++;
        return;
    }
    for (unsigned k = 0; k < n; k++) {
        rr_printf(&want, "== vm%u: %s (65536 words at real %u)\n", k, img, 8 + 65536 * k);
        if (k + 1 < n)
            rc_closed(&want, m.r.m.out, m.r.m.nout);
        else
            rr_put(&want, m.r.m.out, m.r.m.nout);
    }
    struct cs_outcome o = run_tgm(&in);
    assert_int_equal(o.status, 0);
    same("run --vmm --quiet", want.s, want.n, o.out, o.out_len);
    free(want.s);
    cs_outcome_free(&o);
    rc_free(&m);
    agreed[1]++;
}

/* ---- the monitor ---- */

/* NEEDLE in the N bytes at HAY, which may hold NULs. */
static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(hay + i, needle, k) == 0)
            return hay + i;
    return NULL;
}

static const struct cs_outcome *cur_out;

static void no_marker(const char *m)
{
    fwrite(cur_out->out, 1, cur_out->out_len, stderr);
    fail_msg("case seed 0x%llx: no marker %s in the output above",
             (unsigned long long)case_seed, m);
}

/* Run SCRIPT in the monitor into *O, which seg reads; it must succeed. */
static void run_script(struct cs_outcome *o, const char *script)
{
    *o = cs_mon(script);
    cur_out = o;
    if (o->status != 0)
        fail_msg("case seed 0x%llx: status %d: %s\nscript: %s", (unsigned long long)case_seed,
                 o->status, o->err, script);
}

/* The text between the lines "@@A" and "@@B" of the output (B NULL: to
 * the end). */
static const char *seg(const char *a, const char *b, size_t *len)
{
    char ka[16], kb[16];
    const char *out = cur_out->out, *end = out + cur_out->out_len;
    snprintf(ka, sizeof ka, "@@%s\n", a);
    const char *s = find(out, cur_out->out_len, ka);
    if (!s)
        no_marker(a);
    s += strlen(ka);
    const char *e = end;
    if (b) {
        snprintf(kb, sizeof kb, "@@%s\n", b);
        e = find(s, (size_t)(end - s), kb);
        if (!e)
            no_marker(b);
    }
    *len = (size_t)(e - s);
    return s;
}

/* The `console <-` lines of a step segment, each as "X\n" for console <- X. */
static void step_lines(struct rr_buf *b, const char *s, size_t n, const char *prefix)
{
    const char *end = s + n;
    while (s < end) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            nl = end;
        size_t pl = strlen(prefix);
        if ((size_t)(nl - s) >= pl && memcmp(s, prefix, pl) == 0) {
            rr_put(b, s + pl, (size_t)(nl - s) - pl);
            rr_put(b, "\n", 1);
        }
        s = nl + 1;
    }
}

/* The last hex word of the line after marker M. */
static uint64_t word_after(const char *m)
{
    size_t n;
    const char *s = seg(m, NULL, &n);
    const char *nl = memchr(s, '\n', n);
    assert_non_null(nl);
    const char *w = nl;
    while (w > s && w[-1] != ' ')
        w--;
    return strtoull(w, NULL, 16);
}

/* Queue random input on M through CMD (`console input` or `vm input A`). */
static void mon_input(struct rr_buf *sc, struct rc_mach *m, const char *cmd)
{
    uint8_t b[24];
    size_t n = rn(5) == 0 ? 0 : 1 + rn(20);
    rbytes(b, n, false);
    rr_printf(sc, "%s ", cmd);
    rc_mon_text(sc, b, n, &rs);
    rr_put(sc, "; ", 2);
    rc_queue(m, b, n);
}

static void examine_all(struct rr_buf *sc, const struct rc_guest *g, const char *tag)
{
    rr_printf(sc, "echo @@%s0; examine 0; ", tag);
    for (unsigned k = 0; k < g->ncin; k++)
        rr_printf(sc, "echo @@%s%u; examine %u; ", tag, k + 1, g->cin[k]);
}

static void check_examine(const struct rc_guest *g, const struct rc_mach *m,
                          const char *tag)
{
    char k0[16];
    for (unsigned k = 0; k <= g->ncin; k++) {
        snprintf(k0, sizeof k0, "%s%u", tag, k);
        uint32_t a = k ? g->cin[k - 1] : 0;
        uint64_t got = word_after(k0);
        if (got != m->r.m.e[a])
            fail_msg("case seed 0x%llx: E[%u] is %llx, want %llx", (unsigned long long)case_seed,
                     a, (unsigned long long)got, (unsigned long long)m->r.m.e[a]);
    }
}

static void mon_bare_case(void)
{
    struct rc_guest g;
    rc_gen(&g, &rs);
    char img[CS_PATH];
    write_guest(&g, img, "m.img");
    struct rc_mach m, probe;
    rc_init(&m, &g, 65536);
    rc_init(&probe, &g, 65536);
    struct rr_buf sc = {0}, want = {0}, got = {0};
    rr_printf(&sc, "load %s; echo @@0; console; echo @@1; ", img);
    for (unsigned k = rn(3); k > 0; k--)
        mon_input(&sc, &m, "console input");
    rc_queue(&probe, m.in, m.nin);
    unsigned total = 0;
    while (!probe.halted && total < 100000) {
        rc_step(&probe);
        total++;
    }
    unsigned steps = rn(total); /* stop short of the HALT */
    /* no JAL in these guests: next is step */
    rr_printf(&sc, "%s %u; echo @@2; ", rn(3) ? "step" : "next", steps);
    /* a snapshot here brings back the console's output and input as they
     * are now, whatever is cleared or queued after it */
    bool snap = rn(4) == 0;
    char snap_path[CS_PATH];
    cs_tmp_path(snap_path, sizeof snap_path, "c.snap");
    if (snap)
        rr_printf(&sc, "save %s; ", snap_path);
    struct rc_mach m2;
    rc_init(&m2, &g, 65536);
    rc_queue(&m2, m.in, m.nin);
    for (unsigned k = 0; k < steps; k++)
        rc_step(&m2);
    size_t before2 = m2.r.m.nout;
    unsigned gosteps2 = 0;
    while (!m2.halted) {
        rc_step(&m2);
        gosteps2++;
    }
    for (unsigned k = 0; k < steps; k++) {
        int c = rc_step(&m);
        if (c >= 0) {
            uint8_t b = (uint8_t)c;
            rr_put(&want, "\"", 1);
            rc_esc_step(&want, &b, 1);
            rr_put(&want, "\"\n", 2);
        }
    }
    size_t before = m.r.m.nout, kept = 0;
    if (rn(3) == 0) { /* forgets the output, not the input */
        rr_put(&sc, "console clear; ", 15);
        kept = before;
    }
    bool live = rn(3) != 0;
    if (!live)
        rr_put(&sc, "set console off; ", 17);
    if (rn(2))
        mon_input(&sc, &m, "console input");
    if (steps && rn(2))
        rr_put(&sc, "set console on; ", 16), live = true;
    unsigned gosteps = 0;
    size_t at[512]; /* the output's length after each step of the go */
    at[0] = m.r.m.nout;
    while (!m.halted) {
        rc_step(&m);
        gosteps++;
        if (gosteps < 512)
            at[gosteps] = m.r.m.nout;
    }
    rr_put(&sc, "echo @@3; go; echo @@4; console; echo @@5; ", 43);
    bool clear = rn(2);
    /* back into the go's steps and forward again: the console goes with
     * the state, and the bytes come again */
    unsigned back = 0;
    if (snap && !clear)
        rr_printf(&sc, "restore %s; echo @@r; console; echo @@s; go; echo @@t; console; echo @@u; ",
                  snap_path);
    else if (!clear && gosteps < 512 && rn(2)) {
        back = 1 + rn(gosteps < 8 ? gosteps : 8);
        rr_printf(&sc, "rstep %u; echo @@r; console; echo @@s; go; echo @@t; console; echo @@u; ",
                  back);
    }
    if (clear)
        rr_put(&sc, "console clear; console; echo @@6; ", 34);
    rr_put(&sc, "regs; ", 6);
    examine_all(&sc, &g, "x");
    for (unsigned k = 0; k < g.ncin; k++)
        rr_printf(&sc, "echo @@y%u; examine -c %u; ", k, g.cin[k]);
    rr_put(&sc, "echo @@y", 8);

    struct cs_outcome o;
    run_script(&o, sc.s);
    size_t n;
    const char *s = seg("0", "1", &n);
    same("console before any run", "", 0, s, n);
    s = seg("1", "2", &n);
    step_lines(&got, s, n, "    console <- ");
    same("step's console <- lines", want.s ? want.s : "", want.n, got.s ? got.s : "", got.n);

    want.n = got.n = 0;
    if (live)
        rc_closed(&want, m.r.m.out + before, m.r.m.nout - before);
    rr_printf(&want, "halted after %u step%s: ", gosteps, gosteps == 1 ? "" : "s");
    s = seg("3", "4", &n);
    same("go's live output", want.s, want.n, s, n < want.n ? n : want.n);

    want.n = 0;
    rc_closed(&want, m.r.m.out + kept, m.r.m.nout - kept);
    s = seg("4", "5", &n);
    same("console", want.s ? want.s : "", want.n, s, n);
    struct rc_mach *fin = &m;
    if (snap && !clear) {
        fin = &m2;
        want.n = 0;
        rc_closed(&want, m2.r.m.out, before2);
        s = seg("r", "s", &n);
        same("console after restore", want.s ? want.s : "", want.n, s, n);
        want.n = 0;
        if (live)
            rc_closed(&want, m2.r.m.out + before2, m2.r.m.nout - before2);
        rr_printf(&want, "halted after %u step%s: ", gosteps2, gosteps2 == 1 ? "" : "s");
        s = seg("s", "t", &n);
        same("go's live output after restore", want.s, want.n, s, n < want.n ? n : want.n);
        want.n = 0;
        rc_closed(&want, m2.r.m.out, m2.r.m.nout);
        s = seg("t", "u", &n);
        same("console after restore and go", want.s ? want.s : "", want.n, s, n);
        snaps++;
    }
    if (back) {
        size_t mid = at[gosteps - back], end = m.r.m.nout;
        want.n = 0;
        rc_closed(&want, m.r.m.out + kept, mid - kept);
        s = seg("r", "s", &n);
        same("console after rstep", want.s ? want.s : "", want.n, s, n);
        want.n = 0;
        if (live)
            rc_closed(&want, m.r.m.out + mid, end - mid);
        rr_printf(&want, "halted after %u step%s: ", back, back == 1 ? "" : "s");
        s = seg("s", "t", &n);
        same("go's live output after rstep", want.s, want.n, s, n < want.n ? n : want.n);
        want.n = 0;
        rc_closed(&want, m.r.m.out + kept, end - kept);
        s = seg("t", "u", &n);
        same("console after rstep and go", want.s ? want.s : "", want.n, s, n);
        backs++;
    }
    if (clear) {
        s = seg("5", "6", &n);
        same("console after console clear", "", 0, s, n);
    }
    want.n = 0;
    rr_printf(&want, "  PSW   %016llx ", (unsigned long long)rc_psw(fin));
    s = find(o.out, o.out_len, "  PSW   ");
    assert_non_null(s);
    same("regs' PSW", want.s, want.n, s, want.n);
    check_examine(&g, fin, "x");
    for (unsigned k = 0; k < g.ncin; k++) { /* a byte as console <- shows it, else \x{H...} */
        char a[16], b[16];
        snprintf(a, sizeof a, "y%u", k);
        snprintf(b, sizeof b, k + 1 < g.ncin ? "y%u" : "y", k + 1);
        uint64_t v = fin->r.m.e[g.cin[k]];
        want.n = 0;
        rr_printf(&want, "  0x%05x: \"", g.cin[k]);
        if (v < 256)
            rc_esc_step(&want, &(uint8_t){(uint8_t)v}, 1);
        else
            rr_printf(&want, "\\x{%llx}", (unsigned long long)v);
        rr_put(&want, "\"\n", 2);
        s = seg(a, b, &n);
        same("examine -c of a word CIN stored", want.s, want.n, s, n);
    }
    cs_outcome_free(&o);
    free(sc.s), free(want.s), free(got.s);
    rc_free(&m), rc_free(&probe), rc_free(&m2);
    agreed[2]++;
}

/* Several VMs with slices long enough for each to run to its HALT in its
 * first turn, in the order created: the live copy is then exact. */
static void mon_vm_case(void)
{
    unsigned nvm = 1 + rn(3);
    static const char *const names[] = {"a", "vm2", "c"};
    struct rc_guest g[3];
    struct rc_mach m[3];
    struct rr_buf sc = {0}, want = {0};
    rr_put(&sc, "set slice 100000000; ", 21);
    if (rn(3) == 0) /* supervisor code interpreted (section 8) */
        rr_put(&sc, "set hybrid on; ", 15);
    for (unsigned v = 0; v < nvm; v++) {
        char img[CS_PATH], name[16];
        snprintf(name, sizeof name, "v%u.img", v);
        rc_gen(&g[v], &rs);
        write_guest(&g[v], img, name);
        rc_init(&m[v], &g[v], RC_Q);
        rr_printf(&sc, "vm create %s %u %s; ", names[v], RC_Q, img);
    }
    /* input through `vm input`, or `console input` to the focused VM */
    for (unsigned v = 0; v < nvm; v++)
        for (unsigned k = rn(3); k > 0; k--) {
            char cmd[32];
            if (rn(2)) {
                rr_printf(&sc, "vm select %s; ", names[v]);
                snprintf(cmd, sizeof cmd, "console input");
            } else {
                snprintf(cmd, sizeof cmd, "vm input %s", names[v]);
            }
            mon_input(&sc, &m[v], cmd);
        }
    rr_printf(&sc, "vm select %s; ", names[rn(nvm)]);
    bool live = rn(3) != 0;
    if (!live)
        rr_put(&sc, "set console off; ", 17);
    rr_put(&sc, "echo @@g; go; echo @@h; ", 24);
    struct rc_live l = {&want, -1};
    for (unsigned v = 0; v < nvm; v++)
        while (!m[v].halted) {
            int c = rc_step(&m[v]);
            if (c < 0 || !live)
                continue;
            if (nvm > 1)
                rc_live_byte(&l, (int)v, names[v], (uint8_t)c);
            else
                rr_put(&want, &(uint8_t){(uint8_t)c}, 1);
        }
    if (nvm > 1)
        rc_live_end(&l);
    else if (want.n && want.s[want.n - 1] != '\n')
        rr_put(&want, "\n", 1);
    rr_put(&want, "no VM is runnable", 17);
    for (unsigned v = 0; v < nvm; v++) {
        char tag[16];
        rr_printf(&sc, "echo @@c%u; vm console %s; echo @@d%u; vm select %s; console; echo @@f%u; ",
                  v, names[v], v, names[v], v);
        snprintf(tag, sizeof tag, "e%u_", v);
        examine_all(&sc, &g[v], tag);
    }
    rr_put(&sc, "echo @@z", 8);

    struct cs_outcome o;
    run_script(&o, sc.s);
    size_t n;
    const char *s = seg("g", "h", &n);
    same("go's live output of the VMs", want.s, want.n, s, n < want.n ? n : want.n);
    for (unsigned v = 0; v < nvm; v++) {
        char a[16], b[16], tag[16];
        snprintf(a, sizeof a, "c%u", v);
        snprintf(b, sizeof b, "d%u", v);
        want.n = 0;
        rc_closed(&want, m[v].r.m.out, m[v].r.m.nout);
        s = seg(a, b, &n);
        same("vm console", want.s ? want.s : "", want.n, s, n);
        snprintf(a, sizeof a, "f%u", v);
        s = seg(b, a, &n);
        same("console with the VM selected", want.s ? want.s : "", want.n, s, n);
        snprintf(tag, sizeof tag, "e%u_", v);
        check_examine(&g[v], &m[v], tag);
    }
    cs_outcome_free(&o);
    free(sc.s), free(want.s);
    for (unsigned v = 0; v < nvm; v++)
        rc_free(&m[v]);
    agreed[3]++;
}

/* The escaped bytes of the `PREFIXconsole <- "..."` lines of OUT's text
 * S..S+N, concatenated. */
static void meanwhile(struct rr_buf *b, const char *s, size_t n, const char *who)
{
    char pre[32];
    snprintf(pre, sizeof pre, "    %sconsole <- \"", who);
    struct rr_buf t = {0};
    step_lines(&t, s, n, pre);
    for (size_t k = 0; k < t.n; k++) /* drop each line's closing quote */
        if (t.s[k] == '"' && k + 1 < t.n && t.s[k + 1] == '\n')
            k++;
        else
            rr_put(b, t.s + k, 1);
    met_meanwhile += t.n ? 1 : 0;
    free(t.s);
}

/* `step N` with a VM selected and short slices: the focused VM's bytes
 * one `console <-` line a step, the others' as `NAME: console <-` lines
 * after the step that let them run, all in the order written. */
static void mon_vmstep_case(void)
{
    unsigned nvm = 2 + rn(2), f = rn(nvm);
    static const char *const names[] = {"a", "vm2", "c"};
    struct rc_guest g[3];
    struct rc_mach m[3];
    struct rr_buf sc = {0}, want = {0}, got = {0};
    rr_printf(&sc, "set slice %u; ", 5 + rn(40));
    for (unsigned v = 0; v < nvm; v++) {
        char img[CS_PATH], name[16];
        snprintf(name, sizeof name, "w%u.img", v);
        rc_gen(&g[v], &rs);
        write_guest(&g[v], img, name);
        rc_init(&m[v], &g[v], RC_Q);
        rr_printf(&sc, "vm create %s %u %s; ", names[v], RC_Q, img);
        if (rn(2)) {
            char cmd[32];
            snprintf(cmd, sizeof cmd, "vm input %s", names[v]);
            mon_input(&sc, &m[v], cmd);
        }
    }
    for (unsigned v = 0; v < nvm; v++)
        while (!m[v].halted)
            rc_step(&m[v]);
    unsigned total = (unsigned)m[f].r.m.steps, k = rn(total);
    rr_printf(&sc, "vm select %s; set console off; echo @@s; step %u; echo @@t; go; ", names[f], k);
    for (unsigned v = 0; v < nvm; v++)
        rr_printf(&sc, "echo @@c%u; vm console %s; echo @@d%u; ", v, names[v], v);
    rr_put(&sc, "echo @@z", 8);
    /* the focused VM, step by step */
    struct rc_mach x;
    rc_init(&x, &g[f], RC_Q);
    rc_queue(&x, m[f].in, m[f].nin);
    for (unsigned i = 0; i < k; i++) {
        int c = rc_step(&x);
        if (c >= 0) {
            uint8_t b = (uint8_t)c;
            rr_put(&want, "\"", 1);
            rc_esc_step(&want, &b, 1);
            rr_put(&want, "\"\n", 2);
        }
    }
    rc_free(&x);

    struct cs_outcome o;
    run_script(&o, sc.s);
    size_t n;
    const char *s = seg("s", "t", &n);
    step_lines(&got, s, n, "    console <- ");
    same("a VM's step console <- lines", want.s ? want.s : "", want.n, got.s ? got.s : "", got.n);
    for (unsigned v = 0; v < nvm; v++) {
        char a[16], b[16], who[16];
        if (v != f) { /* what ran meanwhile: a prefix of what it writes */
            snprintf(who, sizeof who, "%s: ", names[v]);
            got.n = want.n = 0;
            meanwhile(&got, s, n, who);
            rc_esc_step(&want, m[v].r.m.out, m[v].r.m.nout);
            same("what another VM wrote meanwhile", want.s ? want.s : "",
                 got.n < want.n ? got.n : want.n, got.s ? got.s : "", got.n);
        }
        snprintf(a, sizeof a, "c%u", v);
        snprintf(b, sizeof b, "d%u", v);
        want.n = 0;
        rc_closed(&want, m[v].r.m.out, m[v].r.m.nout);
        const char *t = seg(a, b, &n);
        same("vm console after step and go", want.s ? want.s : "", want.n, t, n);
    }
    cs_outcome_free(&o);
    free(sc.s), free(want.s), free(got.s);
    for (unsigned v = 0; v < nvm; v++)
        rc_free(&m[v]);
    agreed[4]++;
}

/* `stack step` over a nested guest: one `console <-` line under each step
 * that wrote, the guest's bytes in order; its console input is queued with
 * `console input`. */
static void mon_nest_case(void)
{
    struct rc_guest g;
    rc_gen(&g, &rs);
    char img[CS_PATH];
    write_guest(&g, img, "n.img");
    struct rc_mach m;
    rc_init(&m, &g, 65536);
    struct rr_buf sc = {0}, want = {0}, got = {0};
    rr_printf(&sc, "nest 1 %s; ", img);
    mon_input(&sc, &m, "console input");
    while (!m.halted)
        rc_step(&m);
    rr_printf(&sc, "echo @@s; stack step %llu; echo @@t; console; echo @@u",
              (unsigned long long)m.r.m.steps + 5);
    for (size_t k = 0; k < m.r.m.nout; k++) {
        rr_put(&want, "\"", 1);
        rc_esc_step(&want, m.r.m.out + k, 1);
        rr_put(&want, "\"\n", 2);
    }
    struct cs_outcome o;
    run_script(&o, sc.s);
    size_t n;
    const char *s = seg("s", "t", &n);
    step_lines(&got, s, n, "    console <- ");
    same("stack step's console <- lines", want.s ? want.s : "", want.n, got.s ? got.s : "",
         got.n);
    want.n = 0;
    rc_closed(&want, m.r.m.out, m.r.m.nout);
    s = seg("t", "u", &n);
    same("console of the stack", want.s ? want.s : "", want.n, s, n);
    cs_outcome_free(&o);
    free(sc.s), free(want.s), free(got.s);
    rc_free(&m);
    agreed[5]++;
}

static void refconsole__random_guests_show_their_console_as_the_docs_say(void **state)
{
    (void)state;
    uint64_t seed = rng_env("TGM_REFCONSOLE_SEED", 0x5eed0c0e5017ull);
    uint64_t cases = rng_env("TGM_REFCONSOLE_CASES", 24);
    for (uint64_t c = 0; c < cases; c++) {
        case_seed = seed + c;
        rs = case_seed * 0x9E3779B97F4A7C15ull + 1;
        run_case();
        run_case();
        run_vmm_case();
        mon_bare_case();
        mon_vm_case();
        mon_vmstep_case();
        if (c % 4 == 0)
            mon_nest_case();
    }
    print_message("refconsole: %u run, %u run --vmm, %u bare monitor, %u VM go, %u VM step, "
                  "%u stack step cases agreed (%u with another VM's output during a step; "
                  "%u with a restore, %u an rstep)\n",
                  agreed[0], agreed[1], agreed[2], agreed[3], agreed[4], agreed[5], met_meanwhile,
                  snaps, backs);
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_refconsole");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refconsole__random_guests_show_their_console_as_the_docs_say),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
