/* test_audit_refimage.c: tgm's image and snapshot files against a reader
 * and a writer written from the docs alone (refimage.c): docs/isa.md's
 * image table, docs/robustness.md's rows for bad input, and the snapshot
 * container of docs/monitor.md, "Snapshots".
 *
 * Random valid images (written by the reference writer) must read, load
 * (image_load, 'tgm run', the monitor's 'load') and write back exactly as
 * the reference reader says; the assembler's output must read as what it
 * assembled.  Mutants of them (every field, truncation at every offset,
 * lengths past the end, checksums, trailing bytes) must be refused by tgm
 * exactly when the reference reader refuses them, for the same reason,
 * with the docs' line, leaving the machine as it was.  Snapshots that
 * 'save' writes must read as the state the monitor shows; mutants must be
 * refused by 'restore', and a snapshot the reference writer builds must
 * restore.  TGM_REFIMAGE_SEED picks another campaign, TGM_REFIMAGE_SCALE
 * (default 1) multiplies its size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#include "cli_support.h"
#include "mon_support.h"
#include "refimage.h"
#include "rng.h"

static uint64_t seed_of(void)
{
    const char *e = getenv("TGM_REFIMAGE_SEED");
    return e ? strtoull(e, NULL, 0) : 1;
}

static unsigned scale(void)
{
    const char *e = getenv("TGM_REFIMAGE_SCALE");
    unsigned long v = e ? strtoul(e, NULL, 10) : 1;
    return v ? (unsigned)v : 1;
}

/* The campaign's tallies, printed at the end of each test. */
static struct machine *big_machine(uint32_t q)
{
    struct machine_config cfg = {.q = q};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    return m;
}

/* ---- 1. random valid images ----------------------------------------------- */

static void test_random_images(void **state)
{
    (void)state;
    uint64_t s = seed_of();
    struct machine *m = big_machine(TGM_Q_MAX);
    unsigned count = 200 * scale();
    ri_agreed = ri_compared = 0;
    for (unsigned i = 0; i < count; i++) {
        struct ri_image img;
        ri_random(&s, &img);
        size_t len;
        uint8_t *b = ri_write(&img, &len);
        char what[64];
        snprintf(what, sizeof what, "random image %u", i);
        struct ri_image back;
        size_t off;
        assert_int_equal(ri_parse(b, len, &back, &off), RI_OK);
        ri_free(&back);
        ri_compare(b, len, what);

        /* the loader: the words at load, the rest as it was, the PSW */
        struct tgm_image t;
        char err[256];
        assert_int_equal(image_parse(b, len, &t, err, sizeof err), 0);
        machine_reset(m);
        if (image_load(m, &t, err, sizeof err) != 0)
            fail_msg("%s: a machine of 2^19 words refuses it: %s", what, err);
        const uint64_t *e = machine_mem(m);
        if (img.n && memcmp(e + img.load, img.words, 8 * (size_t)img.n) != 0)
            fail_msg("%s: E[%u..] is not the image's words", what, img.load);
        if (img.load > 0)
            assert_int_equal(e[img.load - 1], 0);
        if ((uint64_t)img.load + img.n < RI_SPAN)
            assert_int_equal(e[img.load + img.n], 0);
        assert_int_equal(machine_get_psw(m), img.entry);

        /* a smaller machine: loaded when the words fit, else refused with
         * the docs' line and the machine as it was */
        uint32_t q = TGM_Q_MIN + (uint32_t)(rng_next(&s) % (RI_SPAN - 1));
        struct machine *small = big_machine(q);
        machine_write_phys(small, q - 1, 0x5a5a);
        machine_set_psw(small, UINT64_C(0x8000000000000123));
        uint64_t mark = machine_mark(small);
        bool fits = img.n == 0 || (uint64_t)img.load + img.n <= q;
        int rc = image_load(small, &t, err, sizeof err);
        if ((rc == 0) != fits)
            fail_msg("%s: load %u + %u words in %u words: tgm %s", what, img.load, img.n, q,
                     rc == 0 ? "loads it" : err);
        if (rc != 0) {
            char want[128];
            snprintf(want, sizeof want, "image needs words %u..%u but the machine has %u words",
                     img.load, img.load + img.n - 1, q);
            if (!strstr(err, want))
                fail_msg("%s: '%s', not '%s'", what, err, want);
            assert_int_equal(machine_mark(small), mark);
        }
        machine_destroy(small);
        image_free(&t);
        ri_free(&img);
        free(b);
    }
    machine_destroy(m);
    printf("random images: %lu of %lu agreed\n", ri_agreed, ri_compared);
}

static void test_mutants(void **state)
{
    (void)state;
    uint64_t s = seed_of() ^ UINT64_C(0x6d75746174696f6e);
    unsigned count = 20 * scale();
    ri_agreed = ri_compared = 0;
    for (unsigned i = 0; i < count; i++) {
        struct ri_image img;
        ri_random(&s, &img);
        size_t len;
        uint8_t *b = ri_write(&img, &len);
        ri_mutate(&s, &img, b, len, i);
        ri_mutate_symbols(&s, &img, i);
        free(b);
        ri_free(&img);
    }
    /* the shortest files: every prefix of the magic and every wrong byte */
    const char *const shorts[] = {"", "T", "TGM", "TGMIMAG", "TGMIMAGE", "X", "TGMX",
                                  "TGMSNAP", "tgmimage", "TGMIMAGF"};
    for (size_t i = 0; i < sizeof shorts / sizeof shorts[0]; i++)
        ri_compare((const uint8_t *)shorts[i], strlen(shorts[i]), shorts[i]);
    printf("mutants: %lu of %lu agreed\n", ri_agreed, ri_compared);
}

/* ---- 3. loading through the CLI and the monitor ----------------------------- */

#define HALT_WORD (UINT64_C(0x02) << 57)

/* A random image that halts at once: a HALT at a random word, entered
 * there in supervisor mode with R = (0, 2^19). */
static void runnable(uint64_t *s, struct ri_image *img)
{
    do {
        ri_free(img);
        ri_random(s, img);
    } while (img->n == 0);
    uint32_t h = (uint32_t)(rng_next(s) % img->n);
    img->words[h] = HALT_WORD;
    img->entry = RI_PSW_SUP(img->load + h);
}

static void write_image(char *path, size_t plen, const char *name, const struct ri_image *img)
{
    size_t len;
    uint8_t *b = ri_write(img, &len);
    cs_tmp_path(path, plen, name);
    cs_write_bytes(path, b, len);
    free(b);
}

static void test_cli_and_monitor_load(void **state)
{
    (void)state;
    uint64_t s = seed_of() ^ UINT64_C(0x636c69);
    unsigned count = 4 * scale();
    struct ri_image img = {0};
    for (unsigned i = 0; i < count; i++) {
        runnable(&s, &img);
        char path[CS_PATH], dump[CS_PATH];
        write_image(path, sizeof path, "run.img", &img);
        cs_tmp_path(dump, sizeof dump, "run.dump");
        struct cs_outcome o =
            cs_run_tgm("run", "--mem", "524288", path, "--dump", dump, NULL);
        if (o.status != 0)
            fail_msg("image %u (load %u, %u words): tgm run says %s", i, img.load, img.n, o.err);
        /* the report's PSW: the entry PSW with P past the HALT (mod 2^19) */
        char want[64];
        uint64_t p = (((img.entry >> 39) & (RI_SPAN - 1)) + 1) % RI_SPAN;
        snprintf(want, sizeof want, "psw          0x%016llx",
                 (unsigned long long)RI_PSW_SUP(p));
        if (!strstr(o.out, want))
            fail_msg("image %u: no '%s' in\n%s", i, want, o.out);
        cs_outcome_free(&o);
        size_t dlen;
        uint8_t *d = (uint8_t *)cs_slurp(dump, &dlen);
        assert_int_equal(dlen, 8 * RI_SPAN);
        for (uint64_t a = 0; a < RI_SPAN; a++) {
            uint64_t w = a >= img.load && a < (uint64_t)img.load + img.n ? img.words[a - img.load] : 0;
            if (ri_le(d + 8 * a, 8) != w)
                fail_msg("image %u: the dump's E[%llu] is not the image's", i, (unsigned long long)a);
        }
        free(d);

        /* the monitor's load: the words over E as it was, the PSW, the labels */
        struct ms_sess ss;
        ms_sess_open(&ss);
        ms_cmd(ss.m, "set memory 524288");
        ms_cmd(ss.m, "deposit 0x%x 77", img.load > 0 ? img.load - 1 : img.load + img.n);
        ms_cmd(ss.m, "load %s", path);
        const uint64_t *e = machine_mem(mon_machine(ss.m));
        assert_memory_equal(e + img.load, img.words, 8 * (size_t)img.n);
        assert_int_equal(e[img.load > 0 ? img.load - 1 : img.load + img.n], 77);
        assert_int_equal(machine_get_psw(mon_machine(ss.m)), img.entry);
        fflush(ss.out);
        size_t before = ss.olen;
        ms_cmd(ss.m, "symbols");
        fflush(ss.out);
        for (uint32_t k = 0; k < img.nsyms; k++) {
            char name[72];
            snprintf(name, sizeof name, "  %.*s", img.syms[k].len, img.syms[k].name);
            if (!strstr(ss.obuf + before, name))
                fail_msg("image %u: 'symbols' does not list %s", i, name + 2);
        }
        ms_sess_close(&ss);
    }
    ri_free(&img);
}

/* The mutants of one image, one per fault, through 'tgm run', 'tgm dis'
 * and the monitor's 'load': tgm's line names the command, the file and
 * the reader's own words, and a refused load changes nothing. */
static void cli_refuses(const char *path, const char *why)
{
    const char *const cmds[] = {"run", "dis"};
    for (size_t c = 0; c < 2; c++) {
        struct cs_outcome o = cs_run_tgm(cmds[c], path, NULL);
        char want[1024];
        snprintf(want, sizeof want, "tgm: %s: %s: %s\n", cmds[c], path, why);
        if (o.status != 2 || strcmp(o.err, want) != 0)
            fail_msg("tgm %s %s: status %d, '%s', not '%s'", cmds[c], path, o.status, o.err, want);
        cs_outcome_free(&o);
    }
}

static void test_refused_files(void **state)
{
    (void)state;
    uint64_t s = seed_of() ^ UINT64_C(0x726566);
    struct ri_image img = {0};
    while (img.nsyms < 2 || img.n < 2 || img.load + img.n < 4)
        runnable(&s, &img);
    size_t len;
    uint8_t *good = ri_write(&img, &len);
    uint8_t *c = malloc(len + 16);
    assert_non_null(c);
    struct ms_sess ss;
    ms_sess_open(&ss);
    ms_cmd(ss.m, "set memory 524288");
    char gpath[CS_PATH];
    write_image(gpath, sizeof gpath, "good.img", &img);
    ms_cmd(ss.m, "load %s; step", gpath);
    struct machine *m = mon_machine(ss.m);
    size_t symat = RI_HEADER + 8 * (size_t)img.n;
    for (unsigned k = 0; k < 14; k++) {
        memcpy(c, good, len);
        size_t clen = len;
        bool seal = true;
        switch (k) {
        case 0: clen = 30; seal = false; break;
        case 1: c[8] = 9; seal = false; break;
        case 2: c[12] = 4; break;
        case 3: c[len - 20] ^= 1; seal = false; break;
        case 4: ri_put(c + 16, RI_SPAN - img.n + 1, 4); break;
        case 5: ri_put(c + 16, UINT64_C(0x100000000) - img.n, 4); break;
        case 6: c[24 + 7] |= 0x08; break;
        case 7: c[symat + 9] = '7'; break;
        case 8: ri_put(c + symat, UINT64_MAX, 8); break;
        case 9: ri_put(c + 32, img.nsyms + 1, 4); break;
        case 10: clen = len + 3; memset(c + len, 0, 3); seal = false; break;
        case 11: ri_put(c + 20, UINT64_C(1) << 29, 4); break;
        case 12: clen = len - 9; seal = false; break;
        case 13: memcpy(c, "TGMSNAP", 8); seal = false; break;
        }
        if (seal)
            ri_reseal(c, clen);
        struct tgm_image t;
        char err[512];
        struct ri_image r;
        size_t off;
        if (ri_parse(c, clen, &r, &off) == RI_OK || image_parse(c, clen, &t, err, sizeof err) == 0)
            fail_msg("mutant %u is read", k);
        char path[CS_PATH], name[32];
        snprintf(name, sizeof name, "bad%u.img", k);
        cs_tmp_path(path, sizeof path, name);
        cs_write_bytes(path, c, clen);
        cli_refuses(path, err);
        uint64_t mark = machine_mark(m), psw = machine_get_psw(m);
        char line[CS_PATH + 16];
        snprintf(line, sizeof line, "load %s", path);
        fflush(ss.err);
        size_t before = ss.elen;
        if (mon_exec_line(ss.m, line) == 0)
            fail_msg("the monitor loads mutant %u", k);
        fflush(ss.err);
        char want[1024];
        snprintf(want, sizeof want, "load: %s: %s\n", path, err);
        if (!strstr(ss.ebuf + before, want))
            fail_msg("mutant %u: the monitor says '%s', not '%s'", k, ss.ebuf + before, want);
        assert_int_equal(machine_mark(m), mark);
        assert_int_equal(machine_get_psw(m), psw);
    }
    ms_sess_close(&ss);
    /* larger than the machine: refused with the docs' line, the machine
     * as it was */
    uint32_t q = img.load + img.n - 1;
    char want[CS_PATH + 160], qs[16];
    snprintf(qs, sizeof qs, "%u", q);
    snprintf(want, sizeof want, "tgm: run: %s: image needs words %u..%u but the machine has %s "
             "words (try a larger --mem)\n", gpath, img.load, img.load + img.n - 1, qs);
    struct cs_outcome o = cs_run_tgm("run", "--mem", qs, gpath, NULL);
    if (o.status != 2 || strcmp(o.err, want) != 0)
        fail_msg("tgm run --mem %s: status %d, '%s', not '%s'", qs, o.status, o.err, want);
    cs_outcome_free(&o);
    ms_sess_open(&ss);
    ms_cmd(ss.m, "set memory %s; deposit 1 5; step", qs);
    m = mon_machine(ss.m);
    uint64_t mark = machine_mark(m);
    char line[CS_PATH + 16];
    snprintf(line, sizeof line, "load %s", gpath);
    assert_int_equal(mon_exec_line(ss.m, line), -1);
    fflush(ss.err);
    snprintf(want, sizeof want, "image needs words %u..%u but the machine has %s words",
             img.load, img.load + img.n - 1, qs);
    if (!strstr(ss.ebuf, want))
        fail_msg("the monitor says '%s', not '%s'", ss.ebuf, want);
    assert_int_equal(machine_mark(m), mark);
    ms_sess_close(&ss);
    free(c);
    free(good);
    ri_free(&img);
}

static void assert_same_ri(const struct ri_image *a, const struct ri_image *b, const char *what,
                           const char *src)
{
    bool same = a->load == b->load && a->n == b->n && a->entry == b->entry &&
                a->nsyms == b->nsyms && memcmp(a->words, b->words, 8 * (size_t)a->n) == 0;
    for (uint32_t i = 0; same && i < a->nsyms; i++)
        same = a->syms[i].value == b->syms[i].value && a->syms[i].len == b->syms[i].len &&
               memcmp(a->syms[i].name, b->syms[i].name, a->syms[i].len) == 0;
    if (!same)
        fail_msg("%s: read load %u, %u words, entry %#llx, %u symbols; assembled from\n%s"
                 "should be load %u, %u words, entry %#llx, %u symbols",
                 what, a->load, a->n, (unsigned long long)a->entry, a->nsyms, src, b->load,
                 b->n, (unsigned long long)b->entry, b->nsyms);
}

static void test_assembler_output(void **state)
{
    (void)state;
    uint64_t s = seed_of() ^ UINT64_C(0x61736d);
    unsigned count = 150 * scale(), cli = 4 * scale();
    for (unsigned i = 0; i < count; i++) {
        struct ri_image want, got;
        char *src = ri_random_source(&s, &want);
        uint8_t *b;
        size_t len, off;
        char *file = NULL;
        if (i < cli) { /* through 'tgm as', as a user makes it */
            char spath[CS_PATH], ipath[CS_PATH];
            cs_write_text(spath, sizeof spath, "gen.s", src);
            cs_tmp_path(ipath, sizeof ipath, "gen.img");
            struct cs_outcome o = cs_run_tgm("as", spath, "-o", ipath, NULL);
            if (o.status != 0)
                fail_msg("tgm as: %s\n%s", o.err, src);
            cs_outcome_free(&o);
            file = cs_slurp(ipath, &len);
            b = (uint8_t *)file;
        } else {
            struct tgm_image t;
            FILE *diag = tmpfile();
            if (asm_assemble_string("gen.s", src, &t, diag) != 0)
                fail_msg("the assembler refuses\n%s", src);
            fclose(diag);
            assert_int_equal(image_serialize(&t, &b, &len), 0);
            image_free(&t);
        }
        enum ri_err e = ri_parse(b, len, &got, &off);
        if (e != RI_OK)
            fail_msg("source %u: the reference reader says %s at offset %zu", i, ri_errname(e), off);
        char what[32];
        snprintf(what, sizeof what, "source %u", i);
        assert_same_ri(&got, &want, what, src);
        ri_free(&got);
        ri_free(&want);
        free(b);
        free(src);
    }
    /* and the source 'tgm dis' writes for any valid image assembles back to
     * the identical file (docs/asm.md), names like '.', '.org' or 'HALT'
     * and values past 2^19 too */
    for (unsigned i = 0; i < count; i++) {
        struct ri_image img;
        ri_random(&s, &img);
        size_t len, slen, blen;
        uint8_t *b = ri_write(&img, &len), *back;
        struct tgm_image t, u;
        char err[256], *src;
        assert_int_equal(image_parse(b, len, &t, err, sizeof err), 0);
        FILE *f = open_memstream(&src, &slen);
        assert_non_null(f);
        assert_int_equal(dis_image(&t, f), 0);
        fclose(f);
        FILE *diag = tmpfile();
        if (asm_assemble_string("dis.s", src, &u, diag) != 0)
            fail_msg("image %u: the source 'tgm dis' wrote does not assemble:\n%s", i, src);
        fclose(diag);
        assert_int_equal(image_serialize(&u, &back, &blen), 0);
        if (blen != len || memcmp(back, b, len) != 0)
            fail_msg("image %u: 'tgm dis' and 'tgm as' give another file:\n%s", i, src);
        free(back);
        image_free(&u);
        image_free(&t);
        free(src);
        free(b);
        ri_free(&img);
    }
}

/* ---- 5. snapshots ---------------------------------------------------------- */

/* The state 'regs' shows for M, and the record's, must be one. */
static void assert_state_is(const uint8_t *b, const struct rs_section *sec, struct machine *m,
                            const char *regs, const char *what)
{
    struct rs_state st;
    rs_state(b, sec, &st);
    assert_int_equal(st.q, machine_q(m));
    assert_int_equal(st.psw, machine_get_psw(m));
    assert_int_equal(st.cycles, machine_cycles(m));
    assert_int_equal(st.instret, machine_instret(m));
    assert_int_equal(st.steps, machine_steps(m));
    assert_int_equal(st.last_trap, machine_last_trap(m));
    assert_true(st.flags & 2);
    const uint64_t *e = machine_mem(m);
    for (uint64_t a = 0; a < st.q; a++)
        if (ri_le(b + st.e_at + 8 * a, 8) != e[a])
            fail_msg("%s: the snapshot's E[%llu] is not the machine's", what, (unsigned long long)a);
    char psw[40], ctr[96];
    snprintf(psw, sizeof psw, "PSW   %016llx", (unsigned long long)st.psw);
    snprintf(ctr, sizeof ctr, "cycles %llu  insns %llu  steps %llu",
             (unsigned long long)st.cycles, (unsigned long long)st.instret,
             (unsigned long long)st.steps);
    if (regs && (!strstr(regs, psw) || !strstr(regs, ctr)))
        fail_msg("%s: 'regs' does not show '%s' and '%s':\n%s", what, psw, ctr, regs);
}

/* The session as 'regs', 'symbols', 'info break' and 'vm list' show it. */
static char *regs_of(struct ms_sess *ss)
{
    fflush(ss->out);
    size_t at = ss->olen;
    ms_cmd(ss->m, "regs; symbols; info break; vm list");
    fflush(ss->out);
    return strdup(ss->obuf + at);
}

/* Save in a session: bare (VMS false) or with two VMs that ran. */
static uint8_t *saved(struct ms_sess *ss, bool vms, size_t *len, struct rs_snap *sn)
{
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, vms ? "v.snap" : "b.snap");
    ms_cmd(ss->m, "load examples/sum.s; step 7; break loop");
    if (vms)
        ms_cmd(ss->m, "vm create a 100 examples/sum.s; vm create b 100 examples/sum.s; go for 50");
    ms_cmd(ss->m, "save %s", path);
    uint8_t *b = (uint8_t *)cs_slurp(path, len);
    const char *why = "";
    if (rs_parse(b, *len, sn, &why) != 0)
        fail_msg("the reference reader refuses the snapshot 'save' wrote: %s", why);
    assert_int_equal(sn->version, 5);
    return b;
}

static void test_snapshot_read(void **state)
{
    (void)state;
    for (int vms = 0; vms < 2; vms++) {
        struct ms_sess ss;
        ms_sess_open(&ss);
        size_t len;
        struct rs_snap sn;
        uint8_t *b = saved(&ss, vms, &len, &sn);
        const char *want[] = {"SESS", "BARE", "BSYM", "BRKS", "REAL", "CPST", "CPTR", "VSYM"};
        for (int i = 0; i < (vms ? 8 : 4); i++)
            if (!rs_find(&sn, want[i]))
                fail_msg("no %s section in the snapshot", want[i]);
        if (!vms)
            assert_null(rs_find(&sn, "CPST"));
        if (vms) {
            assert_int_equal(rs_find(&sn, "CPTR")->len, 12);
            assert_state_is(b, rs_find(&sn, "REAL"), vmm_machine(mon_vmm(ss.m)), NULL, "REAL");
            ms_cmd(ss.m, "vm select bare");
        }
        char *regs = regs_of(&ss);
        assert_state_is(b, rs_find(&sn, "BARE"), mon_machine(ss.m), regs, "BARE");
        free(regs);
        /* the reference writer, section by section, writes the same file */
        const char *tags[RS_MAX_SECTIONS];
        const uint8_t *data[RS_MAX_SECTIONS];
        uint64_t lens[RS_MAX_SECTIONS];
        for (uint32_t i = 0; i < sn.count; i++) {
            tags[i] = sn.sec[i].tag;
            data[i] = b + sn.sec[i].at;
            lens[i] = sn.sec[i].len;
        }
        size_t wlen;
        uint8_t *w = rs_write(5, sn.count, tags, data, lens, &wlen);
        assert_int_equal(wlen, len);
        assert_memory_equal(w, b, len);
        free(w);
        free(b);
        ms_sess_close(&ss);
    }
}

/* 'restore' of the LEN bytes C must fail with one line holding WANT (any
 * line when NULL), and leave the session as it was. */
static unsigned long snap_refused;
static void restore_refused(struct ms_sess *ss, const uint8_t *c, size_t clen, const char *want,
                            const char *what)
{
    char path[CS_PATH], line[CS_PATH + 16];
    cs_tmp_path(path, sizeof path, "m.snap");
    cs_write_bytes(path, c, clen);
    struct vmm *v = mon_vmm(ss->m);
    uint64_t bare = machine_mark(mon_machine(ss->m));
    uint64_t real = v ? machine_mark(vmm_machine(v)) : 0;
    char *regs = regs_of(ss);
    fflush(ss->err);
    size_t at = ss->elen;
    snprintf(line, sizeof line, "restore %s", path);
    if (mon_exec_line(ss->m, line) == 0)
        fail_msg("%s: 'restore' takes it", what);
    fflush(ss->err);
    const char *err = ss->ebuf + at;
    char head[CS_PATH + 16];
    snprintf(head, sizeof head, "restore: %s: ", path);
    const char *nl = strchr(err, '\n');
    if (!strstr(err, head) || !nl || nl[1] || (want && !strstr(err, want)))
        fail_msg("%s: 'restore' says '%s', not one line with '%s%s'", what, err, head,
                 want ? want : "");
    assert_int_equal(machine_mark(mon_machine(ss->m)), bare);
    if (v)
        assert_int_equal(machine_mark(vmm_machine(mon_vmm(ss->m))), real);
    char *after = regs_of(ss);
    assert_string_equal(after, regs);
    free(after);
    free(regs);
    snap_refused++;
}

/* The control program's fields (CPST, laid out as vmm_state_save writes
 * it: the docs do not say) and the real machine's E[1], each refused with
 * the line docs/robustness.md gives, the offset where the field begins. */
static void cp_fields(struct ms_sess *ss, const uint8_t *b, size_t len, const struct rs_snap *sn)
{
    size_t c = rs_find(sn, "CPST")->at, rec0 = c + 56, rec1 = 0;
    assert_memory_equal(b + c, "TGMCPST1", 8);
    for (size_t k = rec0; k + 40 <= len && !rec1; k++) /* VM 1, named b */
        if (ri_le(b + k, 8) == 1 && memcmp(b + k + 8, "b\0", 2) == 0)
            rec1 = k;
    assert_true(rec1 != 0);
    uint64_t q = ri_le(b + c + 8, 8);
    char says[8][96];
    snprintf(says[0], 96, "state is for 4096 words of real memory, not %llu", (unsigned long long)q);
    const struct {
        size_t at, off;
        uint64_t v;
        unsigned n;
        const char *says;
    } ed[] = {
        {c + 8, c + 8, 4096, 8, says[0]},
        {c + 16, c + 16, 0, 8, "time slice of 0 cycles is not 1..9223372036854775807"},
        {c + 24, c + 24, 2, 8, "hybrid mode 2 is neither 0 nor 1"},
        {c + 32, c + 32, 64, 8, "current VM 64 is out of range"},
        {c + 40, c + 40, UINT64_C(1) << 30,
         8, "time slice left of 1073741824 cycles exceeds the slice of 10000"},
        {c + 48, c + 48, 65, 8, "65 VMs, more than 64"},
        {rec0 + 8, rec0 + 8, 0, 1, "VM record has an empty name"},
        {rec1 + 8, rec1, 'a', 1, "VMs 0 and 1 are both named 'a'"},
        {rec1 + 40, rec1, ri_le(b + rec0 + 40, 8), 8, "VM regions overlap"},
    };
    uint8_t *x = malloc(len);
    assert_non_null(x);
    for (size_t e = 0; e < sizeof ed / sizeof ed[0]; e++) {
        char want[160], what[48];
        memcpy(x, b, len);
        ri_put(x + ed[e].at, ed[e].v, ed[e].n);
        ri_reseal(x, len);
        snprintf(want, sizeof want, "control program: offset %zu: %s", ed[e].off, ed[e].says);
        snprintf(what, sizeof what, "CPST edit %zu", e);
        restore_refused(ss, x, len, want, what);
    }
    struct rs_state st;
    rs_state(b, rs_find(sn, "REAL"), &st);
    memcpy(x, b, len);
    ri_put(x + st.e_at + 8, INT64_MAX, 8);
    ri_reseal(x, len);
    char want[160];
    snprintf(want, sizeof want, "control program: real E[1] is 0x7fffffffffffffff, not the "
             "control program's word %#llx", (unsigned long long)ri_le(b + st.e_at + 8, 8));
    restore_refused(ss, x, len, want, "real E[1] edited");
    free(x);
}

static void test_snapshot_mutants(void **state)
{
    (void)state;
    uint64_t s = seed_of() ^ UINT64_C(0x736e6170);
    snap_refused = 0;
    for (int vms = 0; vms < 2; vms++) {
        struct ms_sess ss;
        ms_sess_open(&ss);
        size_t len;
        struct rs_snap sn;
        uint8_t *b = saved(&ss, vms, &len, &sn);
        ms_cmd(ss.m, "step 2"); /* the session moves on from the file */
        uint8_t *c = malloc(len + 16);
        assert_non_null(c);
        char what[96], want[160];
        /* cut short in the header (an empty file the docs leave open: tgm
         * says it is not a snapshot) */
        restore_refused(&ss, b, 0, NULL, "empty snapshot");
        for (size_t k = 1; k < 16; k++) {
            snprintf(want, sizeof want, "offset %zu: truncated header (%zu byte%s, need 16)", k, k,
                     k == 1 ? "" : "s");
            snprintf(what, sizeof what, "snapshot %d cut at %zu", vms, k);
            restore_refused(&ss, b, k, want, what);
        }
        const size_t cuts[] = {16, 17, 31, 32, 100, len / 2, len - 9, len - 8, len - 1};
        for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
            snprintf(what, sizeof what, "snapshot %d cut at %zu", vms, cuts[k]);
            restore_refused(&ss, b, cuts[k], NULL, what);
        }
        unsigned flips = vms ? 30 * scale() : 100 * scale();
        for (unsigned i = 0; i < flips; i++) { /* one byte changed */
            size_t k = i < 48 ? i : (size_t)(rng_next(&s) % len);
            memcpy(c, b, len);
            c[k] ^= (uint8_t)(1 + rng_next(&s) % 255);
            snprintf(what, sizeof what, "snapshot %d byte %zu changed", vms, k);
            restore_refused(&ss, c, len,
                            k < 8 ? "not a tgm snapshot"
                            : k < 16 ? NULL : "checksum mismatch (the file is damaged or truncated)",
                            what);
        }
        /* the container's fields, sealed: versions, counts, sections */
        const uint32_t versions[] = {0, 6, 7, 0xFFFFFFFF};
        for (size_t i = 0; i < sizeof versions / sizeof versions[0]; i++) {
            memcpy(c, b, len);
            ri_put(c + 8, versions[i], 4);
            ri_reseal(c, len);
            snprintf(what, sizeof what, "snapshot %d version %u", vms, versions[i]);
            restore_refused(&ss, c, len, NULL, what);
        }
        const uint64_t counts[] = {0, sn.count - 1, sn.count + 1, 0xFFFFFFFF};
        for (size_t i = 0; i < sizeof counts / sizeof counts[0]; i++) {
            memcpy(c, b, len);
            ri_put(c + 12, counts[i], 4);
            ri_reseal(c, len);
            snprintf(what, sizeof what, "snapshot %d count %llu", vms, (unsigned long long)counts[i]);
            restore_refused(&ss, c, len, NULL, what);
        }
        for (uint32_t i = 0; i < sn.count; i++) {
            size_t h = sn.sec[i].at - 16;
            const struct {
                size_t at;
                unsigned n;
                uint64_t v;
            } edits[] = {{h + 4, 1, 1}, {h + 7, 1, 0x80}, {h + 8, 8, sn.sec[i].len + 1},
                         {h + 8, 8, sn.sec[i].len - 1}, {h + 8, 8, UINT64_MAX},
                         {h + 8, 8, UINT64_C(1) << 63}, {h + 8, 8, len}};
            for (size_t e = 0; e < sizeof edits / sizeof edits[0]; e++) {
                memcpy(c, b, len);
                ri_put(c + edits[e].at, edits[e].v, edits[e].n);
                ri_reseal(c, len);
                snprintf(what, sizeof what, "snapshot %d section %s edit %zu", vms, sn.sec[i].tag, e);
                restore_refused(&ss, c, len, NULL, what);
            }
        }
        for (uint32_t i = 0; i < sn.count; i++) { /* each section a byte short */
            size_t wlen;
            uint8_t *w = rs_rebuild(b, &sn, 5, sn.sec[i].tag, b + sn.sec[i].at,
                                    sn.sec[i].len - 1, &wlen);
            snprintf(what, sizeof what, "snapshot %d section %s a byte short", vms, sn.sec[i].tag);
            restore_refused(&ss, w, wlen, NULL, what);
            free(w);
        }
        for (unsigned extra = 1; extra <= 9; extra += 8) { /* bytes past the last section */
            memcpy(c, b, len - 8);
            memset(c + len - 8, 0, extra);
            ri_reseal(c, len + extra);
            snprintf(what, sizeof what, "snapshot %d + %u bytes", vms, extra);
            restore_refused(&ss, c, len + extra, NULL, what);
        }
        /* a machine state's fields: the line names the field's offset */
        struct rs_state st;
        rs_state(b, rs_find(&sn, "BARE"), &st);
        char psw_says[64];
        snprintf(psw_says, sizeof psw_says, "the PSW %#llx has a trap cause",
                 (unsigned long long)(st.psw | (UINT64_C(3) << 58)));
        const struct {
            size_t at;
            uint64_t v;
            const char *says;
        } fields[] = {
            {st.trap_at, 9, "last trap cause 9 is none of the 6"},
            {st.flags_at, st.flags | 4, "unknown state flags"},
            {st.psw_at, st.psw | (UINT64_C(3) << 58), psw_says},
            {st.armed_at, 1, NULL}, /* with pending below */
            {st.inpos_at, 1, "console input read to 1 of its 0 bytes"},
        };
        for (size_t f = 0; f < sizeof fields / sizeof fields[0]; f++) {
            memcpy(c, b, len);
            ri_put(c + fields[f].at, fields[f].v, 8);
            size_t at = fields[f].at;
            const char *says = fields[f].says;
            if (!says) {
                ri_put(c + fields[f].at + 8, 1, 8);
                says = "the timer is both armed and pending";
            }
            ri_reseal(c, len);
            snprintf(want, sizeof want, "bare machine: offset %zu: %s", at, says);
            snprintf(what, sizeof what, "snapshot %d BARE field at %zu", vms, at);
            restore_refused(&ss, c, len, want, what);
        }
        if (vms) { /* the control program's run state, CPTR */
            const struct rs_section *cp = rs_find(&sn, "CPTR");
            uint8_t cptr[16];
            memcpy(cptr, b + cp->at, 12);
            size_t wlen;
            uint8_t *w;
            const char *bad = "bad control program run state section";
            for (uint64_t l = 11; l <= 13; l += 2) {
                memset(cptr + 12, 0, 4);
                w = rs_rebuild(b, &sn, 5, "CPTR", cptr, l, &wlen);
                restore_refused(&ss, w, wlen, bad, "CPTR of other than 12 bytes");
                free(w);
            }
            const struct {
                unsigned at, n;
                uint64_t v;
            } ed[] = {{0, 4, 2}, {0, 4, 0xFFFFFFFF}, {4, 8, (uint64_t)-2},
                      {4, 8, machine_q(vmm_machine(mon_vmm(ss.m)))}, {4, 8, UINT64_C(1) << 40}};
            for (size_t e = 0; e < sizeof ed / sizeof ed[0]; e++) {
                memcpy(cptr, b + cp->at, 12);
                ri_put(cptr + ed[e].at, ed[e].v, ed[e].n);
                w = rs_rebuild(b, &sn, 5, "CPTR", cptr, 12, &wlen);
                snprintf(what, sizeof what, "CPTR edit %zu", e);
                restore_refused(&ss, w, wlen, bad, what);
                free(w);
            }
            cp_fields(&ss, b, len, &sn);
            w = rs_rebuild(b, &sn, 5, "CPTR", NULL, 0, &wlen);
            restore_refused(&ss, w, wlen, NULL, "version 5 without CPTR");
            free(w);
            w = rs_rebuild(b, &sn, 4, NULL, NULL, 0, &wlen);
            restore_refused(&ss, w, wlen, NULL, "version 4 with CPTR");
            free(w);
        }
        free(c);
        free(b);
        ms_sess_close(&ss);
    }
    printf("snapshot mutants: %lu refused as the docs say\n", snap_refused);
}

/* Files the reference writer builds from the docs' table restore: the
 * saved sections as version 4 (a control program without CPTR: one that
 * has not run since it was loaded). */
static void test_snapshot_written(void **state)
{
    (void)state;
    for (int vms = 0; vms < 2; vms++) {
        struct ms_sess ss;
        ms_sess_open(&ss);
        size_t len, wlen;
        struct rs_snap sn;
        uint8_t *b = saved(&ss, vms, &len, &sn);
        char *regs = regs_of(&ss);
        uint8_t *w = rs_rebuild(b, &sn, vms ? 5 : 4, NULL, NULL, 0, &wlen);
        if (vms) {
            free(w);
            w = rs_rebuild(b, &sn, 4, "CPTR", NULL, 0, &wlen);
        }
        char path[CS_PATH];
        cs_tmp_path(path, sizeof path, "w.snap");
        cs_write_bytes(path, w, wlen);
        ms_cmd(ss.m, "reset all; deposit 9 9; restore %s", path);
        char *after = regs_of(&ss);
        assert_string_equal(after, regs);
        assert_state_is(b, rs_find(&sn, "BARE"), mon_machine(ss.m), NULL, "restored BARE");
        if (vms)
            assert_state_is(b, rs_find(&sn, "REAL"), vmm_machine(mon_vmm(ss.m)), NULL,
                            "restored REAL");
        free(after);
        free(regs);
        free(w);
        free(b);
        ms_sess_close(&ss);
    }
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("audit_refimage");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_images),
        cmocka_unit_test(test_mutants),
        cmocka_unit_test(test_cli_and_monitor_load),
        cmocka_unit_test(test_refused_files),
        cmocka_unit_test(test_assembler_output),
        cmocka_unit_test(test_snapshot_read),
        cmocka_unit_test(test_snapshot_mutants),
        cmocka_unit_test(test_snapshot_written),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
