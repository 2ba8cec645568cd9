/* test_audit_refascli.c: `tgm as` and `tgm dis` as a user runs them, against
 * the model of refascli.c (docs/asm.md, docs/robustness.md, the help texts).
 *
 * Random source sets (good lines and lines with one error each, includes
 * read twice, long lines, tabs, odd bytes, a BOM, CRLF) are assembled with
 * random option sets and outputs (the default name, a new or an old file,
 * standard output, a directory, a missing directory, the source itself, the
 * file it includes, an earlier -o, a bad flag): the status, standard output
 * (the listing or the image), every line of standard error and the files
 * left must be the model's.  Random images (refimage.c's writer), some of
 * them damaged, go through `tgm dis`, whose output must assemble back to the
 * identical image.  TGM_REFASCLI_SEED picks the campaign, TGM_REFASCLI_RUNS
 * (default 200) its size.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
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
#include "refascli.h"
#include "refimage.h"
#include "rng.h"

static uint64_t seed0, runs;
static unsigned long agreed, cases, disagreed;
static unsigned long n_insns, n_valid, n_errors, n_many, n_nested, n_notsrc; /* what the sources held */
static char home[PATH_MAX];

/* ---- files ------------------------------------------------------------- */

static void put_file(const char *path, const void *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* The file's bytes (malloc'd, *LEN), or NULL when it is missing. */
static char *get_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    struct rasc_sb b = {0};
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        rasc_put(&b, buf, n);
    fclose(f);
    if (!b.p)
        rasc_put(&b, "", 0);
    *len = b.n;
    return b.p;
}

/* No writer's temporary file in DIR. */
static bool no_temporary(const char *dir)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    bool ok = true;
    for (struct dirent *e; (e = readdir(d));)
        ok &= strstr(e->d_name, ".tmp") == NULL;
    closedir(d);
    return ok;
}

/* ---- comparing one run ---------------------------------------------------- */

struct want {
    int status;
    const char *out; /* NULL: empty */
    size_t out_len;
    struct rasc_sb err;
};

static void show(const char *what, const char *p, size_t n)
{
    fprintf(stderr, "  %s (%zu bytes):\n", what, n);
    fwrite(p, 1, n < 3000 ? n : 3000, stderr);
    fprintf(stderr, "\n");
}

/* Does O agree with W?  A disagreement is printed (the first few) and
 * counted; the test fails at the end. */
static bool agree(const struct cs_outcome *o, const struct want *w, const char *what,
                  const char *const *argv)
{
    size_t wl = w->out ? w->out_len : 0;
    const char *we = w->err.p ? w->err.p : "";
    bool ok = o->status == w->status && o->out_len == wl &&
              (wl == 0 || memcmp(o->out, w->out, wl) == 0) && strcmp(o->err, we) == 0;
    cases++;
    if (ok) {
        agreed++;
        return true;
    }
    if (disagreed++ < 6) {
        fprintf(stderr, "refascli: %s disagrees: tgm", what);
        for (size_t i = 0; argv[i]; i++)
            fprintf(stderr, " '%s'", argv[i]);
        fprintf(stderr, "\n  status %d, model %d\n", o->status, w->status);
        if (strcmp(o->err, we) != 0) {
            show("stderr", o->err, strlen(o->err));
            show("model's stderr", we, strlen(we));
        }
        if (o->out_len != wl || (wl && memcmp(o->out, w->out, wl) != 0)) {
            show("stdout", o->out, o->out_len);
            show("model's stdout", w->out ? w->out : "", wl);
        }
    }
    return false;
}

static bool file_is(const char *path, const void *want, size_t n, const char *what)
{
    size_t len = 0;
    char *got = get_file(path, &len);
    bool ok = want ? got && len == n && memcmp(got, want, n) == 0 : got == NULL;
    cases++;
    if (ok)
        agreed++;
    else if (disagreed++ < 6)
        fprintf(stderr, "refascli: %s: %s is %s, the model says %s\n", what, path,
                got ? "there" : "missing", want ? "it holds other bytes" : "it is missing");
    free(got);
    return ok;
}

/* ---- tgm as ------------------------------------------------------------- */

enum target {
    T_DEFAULT, T_NEW, T_OLD, T_STDOUT, T_DIR, T_NODIR, T_SELF, T_INC,
    T_LINK, /* a symbolic link to the old file: the file is replaced, the link stays */
    T_RO,   /* the old file, read-only: replaced all the same, still read-only */
    T_HARD, /* a second hard link to the old file: refused */
    T_COUNT
};

/* The default output: the last component's extension replaced by .img, or
 * .img added; a name that is all extension (".s") is hidden, without one. */
static void default_output(char *buf, size_t len, const char *src)
{
    const char *base = strrchr(src, '/');
    base = base ? base + 1 : src;
    const char *dot = strrchr(base, '.');
    size_t keep = dot && dot != base ? (size_t)(dot - src) : strlen(src);
    snprintf(buf, len, "%.*s.img", (int)keep, src);
}

static void fail_rename(void)
{
    setenv("TGM_TEST_FAIL_RENAME", "1", 1);
}

static void one_as(uint64_t *r, unsigned id)
{
    char dir[32], mdir[48], out[128], dummy[128], old_path[128];
    snprintf(dir, sizeof dir, "a%u", id);
    assert_int_equal(mkdir(dir, 0755), 0);
    bool sub = rng_next(r) % 4 == 0;
    snprintf(mdir, sizeof mdir, sub ? "%s/d.d" : "%s", dir);
    if (sub)
        assert_int_equal(mkdir(mdir, 0755), 0);
    static const char *const mains[] = {"main.s", "main.s", "prog", "a.b.s", ".s"};
    const char *mname = mains[rng_next(r) % 5];
    unsigned bad = rng_next(r) % 3 == 0 ? 0 : (unsigned)(rng_next(r) % 5);
    struct rasc_src s;
    rasc_make(r, &s, mdir, mname, bad);
    put_file(s.main_name, s.main_text.p, s.main_text.n);
    if (s.has_inc)
        put_file(s.inc_name, s.inc_text.p, s.inc_text.n);
    if (s.has_inc2)
        put_file(s.inc2_name, s.inc2_text.p, s.inc2_text.n);
    n_valid += s.nerr == 0, n_errors += s.nerr > 0, n_many += s.nerr > 20;
    n_nested += s.has_inc2 && s.includes;
    n_notsrc += strstr(s.diags.p ? s.diags.p : "", "not an assembly source") != NULL;

    enum target t = (enum target)(rng_next(r) % T_COUNT);
    if ((t == T_INC && !s.includes) || (t == T_DEFAULT && rng_next(r) % 2))
        t = T_NEW;
    bool listing = rng_next(r) % 2;
    switch (t) {
    case T_DEFAULT: default_output(out, sizeof out, s.main_name); break;
    case T_NEW: snprintf(out, sizeof out, "%s/out.img", dir); break;
    case T_OLD: snprintf(out, sizeof out, "%s/old.img", dir); break;
    case T_STDOUT: snprintf(out, sizeof out, "-"); break;
    case T_DIR: snprintf(out, sizeof out, "%s/sub", dir); break;
    case T_NODIR: snprintf(out, sizeof out, "%s/nodir/x.img", dir); break;
    case T_SELF: snprintf(out, sizeof out, "./%s", s.main_name); break;
    case T_INC: snprintf(out, sizeof out, "%s", s.inc_name); break;
    case T_LINK: snprintf(out, sizeof out, "%s/link.img", dir); break;
    case T_RO: snprintf(out, sizeof out, "%s/old.img", dir); break;
    default: snprintf(out, sizeof out, "%s/hard.img", dir); break;
    }
    snprintf(old_path, sizeof old_path, "%s/old.img", dir);
    put_file(old_path, "old\n", 4);
    if (t == T_LINK)
        assert_int_equal(symlink("old.img", out), 0);
    if (t == T_RO)
        assert_int_equal(chmod(old_path, 0444), 0);
    if (t == T_HARD)
        assert_int_equal(link(old_path, out), 0);
    if (t == T_DIR)
        assert_int_equal(mkdir(out, 0755), 0);

    /* the arguments, in a random order; an earlier -o is overridden */
    const char *bad_flag = NULL;
    bool empty_o = false, dummy_o = t != T_DEFAULT && rng_next(r) % 5 == 0;
    if (rng_next(r) % 10 == 0) {
        static const char *const flags[] = {"--frob", "-q", "--listingx", "-L"};
        bad_flag = flags[rng_next(r) % 4];
    } else if (dummy_o && rng_next(r) % 4 == 0) {
        empty_o = true;
    }
    if (empty_o)
        dummy[0] = '\0';
    else
        snprintf(dummy, sizeof dummy, "%s/dummy.img", dir);
    struct cs_args a = {.n = 0};
    const char *groups[5][2];
    char eq[160], eqd[160];
    size_t ng = 0;
    groups[ng][0] = s.main_name, groups[ng++][1] = NULL;
    if (listing)
        groups[ng][0] = rng_next(r) % 2 ? "-l" : "--listing", groups[ng++][1] = NULL;
    if (bad_flag)
        groups[ng][0] = bad_flag, groups[ng++][1] = NULL;
    if (t != T_DEFAULT) {
        switch (rng_next(r) % 4) {
        case 0: groups[ng][0] = "-o", groups[ng++][1] = out; break;
        case 1: groups[ng][0] = "--output", groups[ng++][1] = out; break;
        case 2: groups[ng][0] = "--outp", groups[ng++][1] = out; break;
        default:
            snprintf(eq, sizeof eq, "--output=%s", out);
            groups[ng][0] = eq, groups[ng++][1] = NULL;
        }
    }
    if (dummy_o && !(bad_flag && empty_o)) {
        if (rng_next(r) % 2) {
            groups[ng][0] = "-o", groups[ng++][1] = dummy;
        } else {
            snprintf(eqd, sizeof eqd, "--output=%s", dummy);
            groups[ng][0] = eqd, groups[ng++][1] = NULL;
        }
    }
    for (size_t i = ng; i > 1; i--) { /* shuffle */
        size_t j = (size_t)(rng_next(r) % i);
        const char *g0 = groups[i - 1][0], *g1 = groups[i - 1][1];
        groups[i - 1][0] = groups[j][0], groups[i - 1][1] = groups[j][1];
        groups[j][0] = g0, groups[j][1] = g1;
    }
    /* the dummy must come before the real -o: put it first when there is one */
    for (size_t i = 0; i < ng; i++)
        if (groups[i][0] == eqd || groups[i][1] == dummy) {
            for (size_t j = i; j > 0; j--) {
                const char *g0 = groups[j][0], *g1 = groups[j][1];
                groups[j][0] = groups[j - 1][0], groups[j][1] = groups[j - 1][1];
                groups[j - 1][0] = g0, groups[j - 1][1] = g1;
            }
            break;
        }
    for (size_t i = 0; i < ng; i++) {
        cs_push(&a, groups[i][0]);
        if (groups[i][1])
            cs_push(&a, groups[i][1]);
    }

    /* the model */
    struct want w = {.status = 2};
    struct rasc_sb listing_text = {0};
    uint8_t *image = NULL;
    size_t image_len = 0;
    bool written = false;
    if (bad_flag)
        rasc_printf(&w.err, "tgm: as: unknown option '%s' %s\n", bad_flag,
                  strcmp(bad_flag, "--listingx") == 0 ? "(did you mean '--listing'?)"
                                                      : "(try 'tgm as --help')");
    else if (empty_o)
        rasc_printf(&w.err, "tgm: as: expected a file name, got ''\n");
    else if (t == T_STDOUT && listing)
        rasc_printf(&w.err, "tgm: as: -l and -o - would both write to standard output; give -o IMAGE\n");
    else if (t == T_DIR)
        rasc_printf(&w.err, "tgm: as: %s: is a directory (give a file name)\n", out);
    else if (t == T_NODIR)
        rasc_printf(&w.err, "tgm: as: cannot write %s: %s/nodir: No such file or directory\n", out, dir);
    else if (t == T_SELF)
        rasc_printf(&w.err, "tgm: as: the output %s is the source %s itself; choose another -o\n", out,
                  s.main_name);
    else if (t == T_HARD)
        rasc_printf(&w.err, "tgm: as: %s: has 2 hard links, which replacing it would break; remove "
                  "the other links or write elsewhere\n", out);
    else if (s.nerr) {
        w.status = 1;
        rasc_put(&w.err, s.diags.p, s.diags.n);
        char tail[160];
        if (t == T_STDOUT)
            snprintf(tail, sizeof tail, "nothing written");
        else
            snprintf(tail, sizeof tail, "%s not written", out);
        rasc_printf(&w.err, "tgm: as: %d error%s in %s; %s\n", s.nerr, rasc_plural(s.nerr),
                  s.main_name, tail);
    } else if (t == T_INC) { /* refused once assembly has read it: after the listing */
        if (listing) {
            rasc_put(&listing_text, s.listing.p, s.listing.n);
            rasc_summary(&listing_text, &s.img);
            w.out = listing_text.p, w.out_len = listing_text.n;
        }
        rasc_printf(&w.err, "tgm: as: %s includes %s, which is the output %s; choose another -o\n",
                  s.main_name, s.inc_name, out);
    } else {
        w.status = 0;
        image = ri_write(&s.img, &image_len);
        written = t != T_STDOUT;
        if (t == T_STDOUT) {
            w.out = (const char *)image, w.out_len = image_len;
        } else if (listing) {
            rasc_put(&listing_text, s.listing.p, s.listing.n);
            rasc_summary(&listing_text, &s.img);
            w.out = listing_text.p, w.out_len = listing_text.n;
        }
    }
    char what[64];
    snprintf(what, sizeof what, "as case %u", id);
    const char *argv[CS_MAX_ARGS + 2] = {"as"};
    memcpy(argv + 1, a.v, (a.n + 1) * sizeof *a.v);
    if (written && rng_next(r) % 4 == 0) { /* a failure before the rename changes nothing */
        struct want wf = {.status = 2, .out = w.out, .out_len = w.out_len};
        rasc_printf(&wf.err, "tgm: as: %s: cannot write: injected failure before the rename\n", out);
        struct cs_outcome of = cs_finish_tgm(cs_start_tgm_with(-1, fail_rename, "as", a.v));
        agree(&of, &wf, what, argv);
        cs_outcome_free(&of);
        rasc_sb_free(&wf.err);
        file_is(old_path, "old\n", 4, what);
        if (t != T_OLD && t != T_LINK && t != T_RO)
            file_is(out, NULL, 0, what);
    }
    struct cs_outcome o = cs_run_tgm_argv("as", a.v);
    agree(&o, &w, what, argv);
    cs_outcome_free(&o);

    /* the files left */
    bool on_old = t == T_OLD || t == T_LINK || t == T_RO || t == T_HARD;
    if (on_old)
        file_is(old_path, written ? (const void *)image : "old\n", written ? image_len : 4, what);
    else
        file_is(old_path, "old\n", 4, what);
    if (!on_old && t != T_STDOUT && t != T_DIR && t != T_SELF && t != T_INC)
        file_is(out, written ? image : NULL, image_len, what);
    if (t == T_LINK || t == T_RO || t == T_HARD) { /* a link stays a link, a mode stays */
        struct stat st, ost;
        cases++;
        if (lstat(out, &st) == 0 && stat(old_path, &ost) == 0 &&
            (t != T_LINK || S_ISLNK(st.st_mode)) && (t != T_RO || (ost.st_mode & 0777) == 0444) &&
            (t != T_HARD || st.st_nlink == 2))
            agreed++;
        else if (disagreed++ < 6)
            fprintf(stderr, "refascli: %s: %s lost its kind or mode\n", what, out);
    }
    if (t == T_INC)
        file_is(s.inc_name, s.inc_text.p, s.inc_text.n, what);
    file_is(s.main_name, s.main_text.p, s.main_text.n, what);
    if (dummy_o && !empty_o) {
        char dflt[160];
        snprintf(dflt, sizeof dflt, "%s/dummy.img", dir);
        file_is(dflt, NULL, 0, what);
    }
    if (t != T_DEFAULT) { /* an -o, even a refused one, is where it would go */
        char dflt[160];
        default_output(dflt, sizeof dflt, s.main_name);
        file_is(dflt, NULL, 0, what);
    }
    cases++;
    if (no_temporary(dir) && no_temporary(mdir))
        agreed++;
    else if (disagreed++ < 6)
        fprintf(stderr, "refascli: %s left a temporary file\n", what);
    free(image);
    rasc_sb_free(&w.err);
    rasc_sb_free(&listing_text);
    rasc_free(&s);
}

static void test_as_campaign(void **state)
{
    (void)state;
    unsigned long before = disagreed;
    for (unsigned i = 0; i < runs; i++) {
        uint64_t r = seed0 * UINT64_C(0x9E3779B97F4A7C15) + i;
        one_as(&r, i);
    }
    fprintf(stderr, "refascli: as: %lu of %lu checks agreed (seed %llu, %llu runs: %lu valid "
            "sources, %lu with errors, %lu with more than 20, %lu nested includes, %lu not sources)\n",
            agreed, cases, (unsigned long long)seed0, (unsigned long long)runs, n_valid, n_errors,
            n_many, n_nested, n_notsrc);
    assert_int_equal(disagreed, before);
}

/* ---- tgm dis ------------------------------------------------------------ */

/* The operands of instruction line LN name symbols as docs/asm.md says: a
 * name is the first by name of the symbols of that value (never '.'), a hex
 * operand has no symbol of its value; a decimal one is an immediate. */
static bool operands_ok(const char *ln, const struct ri_image *img, char *why, size_t len)
{
    const char *p = ln;
    while (*p == ' ')
        p++;
    if (*p == '.' || *p == ';' || !*p)
        return true; /* a directive */
    while (*p && *p != ' ')
        p++;
    const char *end = strchr(p, ';');
    end = end ? end : p + strlen(p);
    while (p < end) {
        while (p < end && (*p == ' ' || *p == ','))
            p++;
        const char *q = p;
        while (q < end && *q != ',' && *q != ' ')
            q++;
        if (q == p)
            break;
        char tok[72];
        snprintf(tok, sizeof tok, "%.*s", (int)(q - p), p);
        p = q;
        if (strncmp(tok, "0x", 2) == 0) {
            uint64_t v = strtoull(tok, NULL, 16);
            for (uint32_t i = 0; i < img->nsyms; i++)
                if (img->syms[i].value == v && !(img->syms[i].len == 1 && img->syms[i].name[0] == '.'))
                    return snprintf(why, len, "operand %s has a symbol: %.*s", tok,
                                    (int)img->syms[i].len, img->syms[i].name), false;
        } else if (!(tok[0] == '-' || (tok[0] >= '0' && tok[0] <= '9'))) {
            const struct ri_sym *y = NULL;
            for (uint32_t i = 0; i < img->nsyms && !y; i++)
                if (img->syms[i].len == strlen(tok) && memcmp(img->syms[i].name, tok, img->syms[i].len) == 0)
                    y = &img->syms[i];
            if (!y || strcmp(tok, ".") == 0)
                return snprintf(why, len, "operand %s is no symbol", tok), false;
            for (uint32_t i = 0; i < img->nsyms; i++) {
                const struct ri_sym *o = &img->syms[i];
                size_t m = o->len < y->len ? o->len : y->len;
                int c = memcmp(o->name, y->name, m);
                bool before = c < 0 || (c == 0 && o->len < y->len);
                if (o->value == y->value && before && !(o->len == 1 && o->name[0] == '.'))
                    return snprintf(why, len, "operand %s: %.*s comes first by name", tok,
                                    (int)o->len, o->name), false;
            }
        }
    }
    return true;
}

/* TEXT is the disassembly of IMG as docs/asm.md describes it: a header
 * comment, .org, .entrypsw, a label line for every symbol at an address of
 * the image (but '.'), a definition for every other, and one line per word
 * ending with its address and raw word as a comment. */
/* The symbol NAME (LEN bytes) of IMG, or NULL. */
static const struct ri_sym *sym_named(const struct ri_image *img, const char *name, size_t len)
{
    for (uint32_t i = 0; i < img->nsyms; i++)
        if (img->syms[i].len == len && memcmp(img->syms[i].name, name, len) == 0)
            return &img->syms[i];
    return NULL;
}

static bool dis_shape(const char *text, const struct ri_image *img, char *why, size_t len)
{
    unsigned labels = 0, defs = 0, want_labels = 0, pending = 0;
    const struct ri_sym *wait[256];
    for (uint32_t i = 0; i < img->nsyms; i++)
        want_labels += img->syms[i].value >= img->load &&
                       img->syms[i].value < (uint64_t)img->load + img->n &&
                       !(img->syms[i].len == 1 && img->syms[i].name[0] == '.');
    uint32_t next = 0;
    int stage = 0; /* the order: header, .org, .entrypsw, definitions, words */
    bool org = false, entry = false;
    if (strncmp(text, "; ", 2) != 0)
        return snprintf(why, len, "no header comment"), false;
    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char ln[512];
        snprintf(ln, sizeof ln, "%.*s", (int)(n < sizeof ln - 1 ? n : sizeof ln - 1), p);
        p += n + (e != NULL);
        unsigned long long a, v;
        const char *c = strrchr(ln, ';');
        if (ln[0] != ';' && ln[0] != ' ' && ln[0] && ln[strlen(ln) - 1] == ':') {
            /* a label: its value is the address of the next word */
            const struct ri_sym *y = sym_named(img, ln, strlen(ln) - 1);
            if (!y || pending == 256)
                return snprintf(why, len, "label of no symbol: %.200s", ln), false;
            wait[pending++] = y;
            labels++, stage = 4;
        } else if (ln[0] != ';' && ln[0] != ' ' && ln[0]) {
            /* a definition, 'name = value' or '.equ ., value', before the words */
            const char *eq = strncmp(ln, ".equ ., ", 8) == 0 ? ln + 4 : strstr(ln, " = ");
            const struct ri_sym *y = eq ? sym_named(img, ln, (size_t)(eq - ln)) : NULL;
            if (strncmp(ln, ".equ ., ", 8) == 0)
                y = sym_named(img, ".", 1);
            if (!y || stage > 3 || strtoull(eq + 3, NULL, 0) != y->value)
                return snprintf(why, len, "definition %.200s", ln), false;
            defs++, stage = 3;
        } else if (sscanf(ln, " .org 0x%llx", &a) == 1) {
            org = a == img->load && stage == 0;
            stage = 1;
        } else if (sscanf(ln, " .entrypsw 0x%llx", &v) == 1) {
            entry = v == img->entry && stage == 1;
            stage = 2;
        } else if (ln[0] == ' ' && c && sscanf(c, "; %llx: %llx", &a, &v) == 2 && strlen(c) == 25) {
            if (next >= img->n || a != img->load + next || v != img->words[next])
                return snprintf(why, len, "word line %u: %.200s", next, ln), false;
            for (unsigned i = 0; i < pending; i++)
                if (wait[i]->value != a)
                    return snprintf(why, len, "label %.*s before word %llx", (int)wait[i]->len,
                                    wait[i]->name, a), false;
            pending = 0;
            if (!operands_ok(ln, img, why, len))
                return false;
            n_insns += ln[8] != '.';
            next++, stage = 4;
        }
    }
    if (!org || !entry || next != img->n || labels != want_labels || pending ||
        labels + defs != img->nsyms)
        return snprintf(why, len, "org %d entry %d words %u/%u labels %u/%u defs %u (of %u symbols)",
                        org, entry, next, img->n, labels, want_labels, defs, img->nsyms), false;
    return true;
}

/* LEN bytes of B damaged in one of several ways (B is malloc'd, may move). */
static uint8_t *damage(uint64_t *r, uint8_t *b, size_t *len)
{
    switch (rng_next(r) % 5) {
    case 0: /* cut short */
        *len = (size_t)(rng_next(r) % *len);
        break;
    case 1: /* a byte changed, the checksum left */
        b[rng_next(r) % *len] ^= (uint8_t)(1 + rng_next(r) % 255);
        break;
    case 2: /* a byte changed, the checksum made good */
        b[rng_next(r) % *len] ^= (uint8_t)(1 + rng_next(r) % 255);
        ri_reseal(b, *len);
        break;
    case 3: { /* bytes added */
        size_t add = 1 + (size_t)(rng_next(r) % 16);
        b = realloc(b, *len + add);
        assert_non_null(b);
        memset(b + *len, (int)(rng_next(r) % 256), add);
        *len += add;
        if (rng_next(r) % 2)
            ri_reseal(b, *len);
        break;
    }
    default: /* a header field at an edge */
        ri_put(b + 8 + 4 * (rng_next(r) % 8), rng_next(r) % 2 ? 0xFFFFFFFFu : 0, 4);
        ri_reseal(b, *len);
    }
    return b;
}

static void one_dis(uint64_t *r, unsigned id)
{
    char dir[32], img_path[96], out[160], re_src[96], re_img[96], what[64];
    snprintf(dir, sizeof dir, "d%u", id);
    snprintf(what, sizeof what, "dis case %u", id);
    assert_int_equal(mkdir(dir, 0755), 0);
    static const char *const names[] = {"x.img", "x.img", "x.s", "noext"};
    snprintf(img_path, sizeof img_path, "%s/%s", dir, names[rng_next(r) % 4]);
    struct ri_image img;
    ri_random(r, &img);
    if (rng_next(r) % 2) { /* instructions whose operands a symbol may name */
        static const unsigned ops[] = {0x10, 0x0A, 0x2D, 0x38}; /* ADD, LDX, BNE, SVC */
        for (uint32_t i = 0; i < img.n; i++) {
            if (rng_next(r) % 3 == 0)
                continue;
            unsigned op = ops[rng_next(r) % 4];
            uint64_t f[3];
            for (unsigned k = 0; k < 3; k++) {
                const struct ri_sym *y = img.nsyms ? &img.syms[rng_next(r) % img.nsyms] : NULL;
                f[k] = y && y->value < RI_SPAN && rng_next(r) % 4 ? y->value : rng_next(r) % RI_SPAN;
            }
            if (op == 0x38)
                f[1] = f[2] = 0;
            img.words[i] = (uint64_t)op << 57 | f[0] << 38 | f[1] << 19 | f[2];
        }
    }
    size_t len = 0;
    uint8_t *b = ri_write(&img, &len);
    bool text = false;
    if (rng_next(r) % 3 == 0)
        b = damage(r, b, &len);
    else if (rng_next(r) % 12 == 0) { /* a source given to dis */
        text = true;
        static const char src[] = "; a source\n\tHALT\n";
        len = sizeof src - 1;
        memcpy(b, src, len);
    }
    put_file(img_path, b, len);
    struct ri_image got = {0};
    size_t off = 0;
    bool valid = !text && ri_parse(b, len, &got, &off) == RI_OK;

    enum { D_STDOUT, D_DASH, D_NEW, D_OLD, D_SELF, D_DIR, D_BADFLAG } t =
        (int)(rng_next(r) % 7);
    if (!valid && (t == D_SELF || t == D_DIR))
        t = D_OLD;
    snprintf(out, sizeof out, "%s/out.s", dir);
    if (t == D_OLD || t == D_SELF || t == D_DIR)
        snprintf(out, sizeof out, t == D_OLD ? "%s/old.s" : t == D_DIR ? "%s/sub" : "./%s",
                 t == D_SELF ? img_path : dir);
    if (t == D_DIR)
        assert_int_equal(mkdir(out, 0755), 0);
    char old_path[96];
    snprintf(old_path, sizeof old_path, "%s/old.s", dir);
    put_file(old_path, "old\n", 4);
    struct cs_args a = {.n = 0};
    char eq[200];
    bool before = rng_next(r) % 2;
    if (!before)
        cs_push(&a, img_path);
    if (t == D_BADFLAG)
        cs_push(&a, "-l");
    else if (t == D_DASH)
        cs_push_all(&a, rng_next(r) % 2 ? "-o" : "--output", "-", NULL);
    else if (t != D_STDOUT) {
        if (rng_next(r) % 2)
            cs_push_all(&a, "-o", out, NULL);
        else {
            snprintf(eq, sizeof eq, "--output=%s", out);
            cs_push(&a, eq);
        }
    }
    if (before)
        cs_push(&a, img_path);

    struct want w = {.status = 2};
    bool to_file = t == D_NEW || t == D_OLD;
    if (t == D_BADFLAG)
        rasc_printf(&w.err, "tgm: dis: unknown option '-l' (try 'tgm dis --help')\n");
    else if (t == D_SELF)
        rasc_printf(&w.err, "tgm: dis: the output %s is the image %s itself; choose another -o\n",
                  out, img_path);
    else if (t == D_DIR)
        rasc_printf(&w.err, "tgm: dis: %s: is a directory (give a file name)\n", out);
    else if (text)
        rasc_printf(&w.err, "tgm: dis: %s: offset 0: bad magic (not a tgm image); it holds text: an "
                  "assembly source is assembled with 'tgm as'\n", img_path);
    else
        w.status = valid ? 0 : 2;
    const char *argv[CS_MAX_ARGS + 2] = {"dis"};
    memcpy(argv + 1, a.v, (a.n + 1) * sizeof *a.v);
    if (w.status == 0 && to_file && rng_next(r) % 4 == 0) {
        struct want wf = {.status = 2};
        rasc_printf(&wf.err, "tgm: dis: %s: cannot write: injected failure before the rename\n", out);
        struct cs_outcome of = cs_finish_tgm(cs_start_tgm_with(-1, fail_rename, "dis", a.v));
        agree(&of, &wf, what, argv);
        cs_outcome_free(&of);
        rasc_sb_free(&wf.err);
        file_is(old_path, "old\n", 4, what);
        if (t == D_NEW)
            file_is(out, NULL, 0, what);
    }
    struct cs_outcome o = cs_run_tgm_argv("dis", a.v);
    char prefix[200];
    snprintf(prefix, sizeof prefix, "tgm: dis: %s: ", img_path);
    if (w.status == 2 && !w.err.p) { /* a damaged image: one line naming it */
        const char *nl = strchr(o.err, '\n');
        if (strncmp(o.err, prefix, strlen(prefix)) == 0 && nl && !nl[1])
            rasc_put(&w.err, o.err, strlen(o.err));
        else
            rasc_printf(&w.err, "%s...one line\n", prefix);
    }
    size_t tlen = 0;
    char *textout = NULL;
    if (w.status == 0) { /* the text, checked below: here only where it went */
        textout = to_file ? get_file(out, &tlen) : malloc(o.out_len + 1);
        if (!to_file) {
            memcpy(textout, o.out, o.out_len + 1);
            tlen = o.out_len;
        } else {
            w.out = NULL;
        }
        if (!to_file)
            w.out = o.out, w.out_len = o.out_len;
    }
    agree(&o, &w, what, argv);
    cs_outcome_free(&o);
    if (t != D_OLD || valid)
        file_is(old_path, t == D_OLD && valid ? textout : "old\n", t == D_OLD && valid ? tlen : 4, what);
    if (t == D_NEW && !valid)
        file_is(out, NULL, 0, what);
    file_is(img_path, b, len, what);
    if (w.status == 0 && textout) {
        char why[256];
        cases++;
        if (dis_shape(textout, &got, why, sizeof why))
            agreed++;
        else if (disagreed++ < 6)
            fprintf(stderr, "refascli: %s: the text's shape: %s\n%s", what, why, textout);
        /* and back */
        snprintf(re_src, sizeof re_src, "%s/re.s", dir);
        snprintf(re_img, sizeof re_img, "%s/re.img", dir);
        put_file(re_src, textout, tlen);
        struct cs_outcome o2 = cs_run_tgm("as", re_src, "-o", re_img, NULL);
        struct want w2 = {.status = 0};
        const char *argv2[] = {"as", re_src, "-o", re_img, NULL};
        agree(&o2, &w2, what, argv2);
        cs_outcome_free(&o2);
        file_is(re_img, b, len, what);
    }
    free(textout);
    free(b);
    ri_free(&img);
    ri_free(&got);
    rasc_sb_free(&w.err);
}

static void test_dis_campaign(void **state)
{
    (void)state;
    unsigned long before = disagreed, c0 = cases, a0 = agreed;
    for (unsigned i = 0; i < runs; i++) {
        uint64_t r = seed0 * UINT64_C(0xD1B54A32D192ED03) + i;
        one_dis(&r, i);
    }
    fprintf(stderr, "refascli: dis: %lu of %lu checks agreed (%lu instructions' operands)\n",
            agreed - a0, cases - c0, n_insns);
    assert_int_equal(disagreed, before);
}

static int setup(void **state)
{
    (void)state;
    char bin[PATH_MAX];
    if (!realpath(cs_tgm_binary(), bin) || setenv("TGM", bin, 1) != 0)
        return -1;
    seed0 = rng_env("TGM_REFASCLI_SEED", 1);
    runs = rng_env("TGM_REFASCLI_RUNS", 200);
    if (cs_setup("audit_refascli") || !getcwd(home, sizeof home))
        return -1;
    return chdir(cs_tmpdir());
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
        cmocka_unit_test(test_as_campaign),
        cmocka_unit_test(test_dis_campaign),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
