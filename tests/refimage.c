/* refimage.c: the image and snapshot formats as the docs state them
 * (refimage.h).  Written from docs/isa.md's table and docs/robustness.md's
 * rows, not from src/machine/image.c: where the docs leave the order of
 * the checks open, this reader checks the lengths first, then the
 * checksum, then what the fields mean.  At the end, what compares it with
 * tgm (image_parse), the mutants, a source generator, and the layouts of
 * the snapshot's sections that the docs leave out, taken from the code.
 */
#include "refimage.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rng.h"
#include "tgm/image.h"

static const char MAGIC[8] = {'T', 'G', 'M', 'I', 'M', 'A', 'G', 'E'};
static const char SNAP[8] = {'T', 'G', 'M', 'S', 'N', 'A', 'P', '\0'};
#define CAUSE_MASK (UINT64_C(0xF) << 58) /* PSW bits 61..58 */

uint64_t ri_fnv(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

uint64_t ri_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < n; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

void ri_put(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static bool first_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c == '.';
}

static bool rest_ok(char c)
{
    return first_ok(c) || (c >= '0' && c <= '9') || c == '$';
}

bool ri_name_ok(const char *name, size_t len)
{
    if (len < 1 || len > 63 || !first_ok(name[0]))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!rest_ok(name[i]))
            return false;
    return true;
}

int ri_symcmp(const struct ri_sym *a, const struct ri_sym *b)
{
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->name, b->name, n);
    if (c)
        return c;
    return (a->len > b->len) - (a->len < b->len);
}

void ri_free(struct ri_image *img)
{
    free(img->words);
    free(img->syms);
    memset(img, 0, sizeof *img);
}

enum ri_err ri_parse(const uint8_t *b, size_t len, struct ri_image *out, size_t *off)
{
    *off = 0;
    size_t k = len < 8 ? len : 8;
    if (memcmp(b, MAGIC, k) != 0)
        return len >= 8 && memcmp(b, SNAP, 8) == 0 ? RI_SNAPSHOT : RI_MAGIC;
    if (len < RI_MIN) {
        *off = len;
        return RI_TRUNC_HDR;
    }
    if (ri_le(b + 8, 4) != 1) {
        *off = 8;
        return RI_VERSION;
    }
    if (ri_le(b + 12, 4) != 0) {
        *off = 12;
        return RI_FLAGS;
    }
    uint64_t load = ri_le(b + 16, 4), n = ri_le(b + 20, 4), entry = ri_le(b + 24, 8);
    uint64_t s = ri_le(b + 32, 4), tsize = ri_le(b + 36, 4);
    uint64_t whole = RI_HEADER + 8 * n + tsize + 8; /* no overflow: < 2^36 */
    if (whole > len) {
        *off = len;
        return RI_TRUNC_BODY;
    }
    if (whole < len) {
        *off = (size_t)whole;
        return RI_TRAILING;
    }
    if (ri_le(b + len - 8, 8) != ri_fnv(b, len - 8)) {
        *off = len - 8;
        return RI_CHECKSUM;
    }
    if (load + n > RI_SPAN) {
        *off = 16;
        return RI_RANGE;
    }
    if (entry & CAUSE_MASK) {
        *off = 24;
        return RI_CAUSE;
    }
    size_t pos = RI_HEADER + 8 * (size_t)n, end = pos + (size_t)tsize;
    /* every symbol takes 10 bytes at least: a count past that cannot add up */
    if (s > tsize / 10) {
        *off = 32;
        return RI_SYMTABLE;
    }
    struct ri_sym *syms = s ? calloc((size_t)s, sizeof *syms) : NULL;
    if (s && !syms) {
        *off = 32;
        return RI_SYMTABLE; /* cannot happen at these sizes */
    }
    for (uint64_t i = 0; i < s; i++) {
        if (end - pos < 9) {
            *off = pos;
            free(syms);
            return RI_SYMTABLE;
        }
        struct ri_sym *y = &syms[i];
        y->value = ri_le(b + pos, 8);
        y->len = b[pos + 8];
        if (y->len > end - pos - 9) {
            *off = pos;
            free(syms);
            return RI_SYMTABLE;
        }
        memcpy(y->name, b + pos + 9, y->len);
        if (!ri_name_ok(y->name, y->len)) {
            *off = pos + 8;
            free(syms);
            return RI_SYMNAME;
        }
        for (uint64_t j = 0; j < i; j++)
            if (syms[j].len == y->len && memcmp(syms[j].name, y->name, y->len) == 0) {
                *off = pos;
                free(syms);
                return RI_SYMDUP;
            }
        if (i > 0 && ri_symcmp(&syms[i - 1], y) > 0) {
            *off = pos;
            free(syms);
            return RI_SYMORDER;
        }
        pos += 9 + y->len;
    }
    if (pos != end) {
        *off = pos;
        free(syms);
        return RI_SYMTABLE;
    }
    memset(out, 0, sizeof *out);
    out->load = (uint32_t)load;
    out->n = (uint32_t)n;
    out->entry = entry;
    out->nsyms = (uint32_t)s;
    out->syms = syms;
    out->words = malloc(8 * (size_t)n + 1);
    for (uint64_t i = 0; i < n; i++)
        out->words[i] = ri_le(b + RI_HEADER + 8 * i, 8);
    return RI_OK;
}

uint8_t *ri_write(const struct ri_image *img, size_t *len)
{
    size_t tsize = 0;
    for (uint32_t i = 0; i < img->nsyms; i++)
        tsize += 9u + img->syms[i].len;
    size_t n = RI_HEADER + 8 * (size_t)img->n + tsize + 8;
    uint8_t *b = calloc(n, 1);
    if (!b)
        return NULL;
    memcpy(b, MAGIC, 8);
    ri_put(b + 8, 1, 4);
    ri_put(b + 16, img->load, 4);
    ri_put(b + 20, img->n, 4);
    ri_put(b + 24, img->entry, 8);
    ri_put(b + 32, img->nsyms, 4);
    ri_put(b + 36, tsize, 4);
    size_t pos = RI_HEADER;
    for (uint32_t i = 0; i < img->n; i++, pos += 8)
        ri_put(b + pos, img->words[i], 8);
    for (uint32_t i = 0; i < img->nsyms; i++) {
        ri_put(b + pos, img->syms[i].value, 8);
        b[pos + 8] = img->syms[i].len;
        memcpy(b + pos + 9, img->syms[i].name, img->syms[i].len);
        pos += 9u + img->syms[i].len;
    }
    ri_reseal(b, n);
    *len = n;
    return b;
}

void ri_reseal(uint8_t *b, size_t len)
{
    ri_put(b + len - 8, ri_fnv(b, len - 8), 8);
}

static int symcmp_q(const void *a, const void *b)
{
    return ri_symcmp(a, b);
}

void ri_random(uint64_t *s, struct ri_image *img)
{
    static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.";
    static const char rest[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.0123456789$";
    static const char *const special[] = {".", "..", "_", ".org", ".word", ".entry", ".equ",
        "ADD", "HALT", "halt", "LPSW", "psw", "pswi", "rb", "SUP", "USER", "x$", "E", "P",
        "._$", ".space", ".include", ".phase", "JMP", "SVC", "a.b"};
    memset(img, 0, sizeof *img);
    uint64_t r = rng_next(s);
    img->n = (uint32_t)(r % 4 == 0 ? 0 : rng_next(s) % 200);
    switch (rng_next(s) % 4) {
    case 0: img->load = 0; break;
    case 1: img->load = (uint32_t)(RI_SPAN - img->n); break; /* to the last word */
    default: img->load = (uint32_t)(rng_next(s) % (RI_SPAN - img->n + 1));
    }
    img->entry = rng_next(s) & ~CAUSE_MASK;
    img->words = malloc(8 * (size_t)img->n + 1);
    for (uint32_t i = 0; i < img->n; i++)
        img->words[i] = rng_next(s) % 3 ? rng_next(s) : rng_next(s) % 64;
    uint32_t want = (uint32_t)(rng_next(s) % 3 ? rng_next(s) % 24 : 0);
    img->syms = calloc(want + 1, sizeof *img->syms);
    while (img->nsyms < want) {
        struct ri_sym *y = &img->syms[img->nsyms];
        y->len = (uint8_t)(rng_next(s) % 8 ? 1 + rng_next(s) % 12 : 1 + rng_next(s) % 63);
        y->name[0] = first[rng_next(s) % (sizeof first - 1)];
        for (unsigned i = 1; i < y->len; i++)
            y->name[i] = rest[rng_next(s) % (sizeof rest - 1)];
        if (rng_next(s) % 8 == 0) { /* names that look like something else */
            const char *w = special[rng_next(s) % (sizeof special / sizeof special[0])];
            y->len = (uint8_t)strlen(w);
            memcpy(y->name, w, y->len);
        }
        switch (rng_next(s) % 4) {
        case 0: y->value = rng_next(s); break;
        case 1: y->value = img->nsyms ? img->syms[rng_next(s) % img->nsyms].value : 0; break;
        default: y->value = rng_next(s) % RI_SPAN;
        }
        bool dup = false;
        for (uint32_t j = 0; j < img->nsyms; j++)
            dup |= img->syms[j].len == y->len && memcmp(img->syms[j].name, y->name, y->len) == 0;
        if (!dup)
            img->nsyms++;
    }
    qsort(img->syms, img->nsyms, sizeof *img->syms, symcmp_q);
}

const char *ri_errname(enum ri_err e)
{
    static const char *const names[] = {"ok", "magic", "snapshot", "truncated header",
        "version", "flags", "truncated body", "trailing", "checksum", "range", "cause",
        "symbol name", "duplicate", "order", "symbol table"};
    return names[e];
}

/* ---- snapshots ---------------------------------------------------------- */

int rs_parse(const uint8_t *b, size_t len, struct rs_snap *out, const char **why)
{
    memset(out, 0, sizeof *out);
    if (len < 8 || memcmp(b, SNAP, 8) != 0)
        return *why = "magic", -1;
    if (len < 16 + 8)
        return *why = "truncated", -1;
    if (ri_le(b + len - 8, 8) != ri_fnv(b, len - 8))
        return *why = "checksum", -1;
    out->version = (uint32_t)ri_le(b + 8, 4);
    out->count = (uint32_t)ri_le(b + 12, 4);
    if (out->version < 1 || out->version > 5)
        return *why = "version", -1;
    if (out->count > RS_MAX_SECTIONS)
        return *why = "count", -1;
    size_t pos = 16, end = len - 8;
    for (uint32_t i = 0; i < out->count; i++) {
        if (end - pos < 16)
            return *why = "section header", -1;
        struct rs_section *sec = &out->sec[i];
        memcpy(sec->tag, b + pos, 4);
        if (ri_le(b + pos + 4, 4) != 0)
            return *why = "padding", -1;
        sec->len = ri_le(b + pos + 8, 8);
        sec->at = pos + 16;
        if (sec->len > end - sec->at)
            return *why = "section length", -1;
        pos = sec->at + (size_t)sec->len;
    }
    if (pos != end)
        return *why = "trailing", -1;
    return 0;
}

const struct rs_section *rs_find(const struct rs_snap *s, const char *tag)
{
    for (uint32_t i = 0; i < s->count; i++)
        if (memcmp(s->sec[i].tag, tag, 4) == 0)
            return &s->sec[i];
    return NULL;
}

uint8_t *rs_write(uint32_t version, size_t n, const char *const *tags,
                  const uint8_t *const *data, const uint64_t *lens, size_t *len)
{
    size_t total = 16 + 8;
    for (size_t i = 0; i < n; i++)
        total += 16 + (size_t)lens[i];
    uint8_t *b = calloc(total, 1);
    if (!b)
        return NULL;
    memcpy(b, SNAP, 8);
    ri_put(b + 8, version, 4);
    ri_put(b + 12, n, 4);
    size_t pos = 16;
    for (size_t i = 0; i < n; i++) {
        memcpy(b + pos, tags[i], 4);
        ri_put(b + pos + 8, lens[i], 8);
        if (lens[i])
            memcpy(b + pos + 16, data[i], (size_t)lens[i]);
        pos += 16 + (size_t)lens[i];
    }
    ri_reseal(b, total);
    *len = total;
    return b;
}

/* ==== comparing with tgm ==== */

unsigned long ri_agreed, ri_compared;

/* ---- comparing with the library ------------------------------------------ */

/* The class of the library's error line, by the words it says. */
static enum ri_err lib_class(const char *err)
{
    static const struct {
        const char *words;
        enum ri_err e;
    } map[] = {
        {"but a monitor snapshot", RI_SNAPSHOT}, {"bad magic", RI_MAGIC},
        {"truncated header", RI_TRUNC_HDR}, {"unsupported version", RI_VERSION},
        {"unknown flags", RI_FLAGS}, {"truncated:", RI_TRUNC_BODY},
        {"after the checksum", RI_TRAILING}, {"checksum mismatch", RI_CHECKSUM},
        {"exceeds the largest memory", RI_RANGE}, {"cause bits", RI_CAUSE},
        {"run past the symbol table", RI_SYMTABLE}, {"bad name", RI_SYMNAME},
        {"duplicate symbol", RI_SYMDUP}, {"out of order", RI_SYMORDER},
        {"symbol", RI_SYMTABLE},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strstr(err, map[i].words))
            return map[i].e;
    return RI_OK;
}

/* Where the docs leave the order of the checks open, two readers may name
 * different faults of one file: tgm checks the word count and the load
 * address before the lengths, and what the fields mean before the
 * checksum. */
static bool same_fault(enum ri_err mine, enum ri_err lib)
{
    if (mine == lib)
        return true;
    if (lib == RI_RANGE && (mine == RI_TRUNC_BODY || mine == RI_TRAILING))
        return true;
    /* among the symbols' faults (a name too long for the table is too long
     * for a name too; tgm looks for a name twice after the walk) */
    if (mine >= RI_SYMNAME && lib >= RI_SYMNAME)
        return true;
    /* and what the fields mean before the checksum */
    return mine == RI_CHECKSUM && (lib == RI_RANGE || lib == RI_CAUSE || lib >= RI_SYMNAME);
}

static void assert_same_image(const struct ri_image *r, const struct tgm_image *t,
                              const char *what)
{
    bool same = r->load == t->load && r->n == t->nwords && r->entry == t->entry_psw &&
                r->nsyms == t->nsyms &&
                (r->n == 0 || memcmp(r->words, t->words, 8 * (size_t)r->n) == 0);
    for (uint32_t i = 0; same && i < r->nsyms; i++)
        same = r->syms[i].value == t->syms[i].value &&
               strlen(t->syms[i].name) == r->syms[i].len &&
               memcmp(t->syms[i].name, r->syms[i].name, r->syms[i].len) == 0;
    if (!same)
        fail_msg("%s: tgm read load %u, %u words, entry %#llx, %u symbols; the reference "
                 "load %u, %u words, entry %#llx, %u symbols",
                 what, t->load, t->nwords, (unsigned long long)t->entry_psw, t->nsyms,
                 r->load, r->n, (unsigned long long)r->entry, r->nsyms);
}

/* Both readers on B: the same verdict, the same image or the same fault,
 * and where the reference says the offset for certain, that offset. */
void ri_compare(const uint8_t *b, size_t len, const char *what)
{
    struct ri_image r;
    size_t off;
    enum ri_err mine = ri_parse(b, len, &r, &off);
    struct tgm_image t;
    char err[512] = "";
    int rc = image_parse(b, len, &t, err, sizeof err);
    ri_compared++;
    if ((mine == RI_OK) != (rc == 0))
        fail_msg("%s (%zu bytes): the reference says %s, tgm %s", what, len,
                 ri_errname(mine), rc == 0 ? "reads it" : err);
    if (rc == 0) {
        assert_same_image(&r, &t, what);
        /* and tgm's writer writes back the very bytes */
        uint8_t *back;
        size_t blen;
        assert_int_equal(image_serialize(&t, &back, &blen), 0);
        if (blen != len || memcmp(back, b, len) != 0)
            fail_msg("%s: image_serialize does not give back the file it read", what);
        free(back);
        ri_free(&r);
        image_free(&t);
        ri_agreed++;
        return;
    }
    enum ri_err lib = lib_class(err);
    char want[40];
    snprintf(want, sizeof want, "offset %zu: ", off);
    if (!same_fault(mine, lib))
        fail_msg("%s: the reference says %s at offset %zu, tgm '%s'", what, ri_errname(mine),
                 off, err);
    if (strncmp(err, "offset ", 7) != 0 || strchr(err, '\n'))
        fail_msg("%s: tgm's line '%s' does not begin with the offset", what, err);
    /* offsets the docs fix: the header's fields and the checksum (end-8) */
    bool fixed = mine == lib && (mine == RI_MAGIC || mine == RI_SNAPSHOT ||
                                 mine == RI_TRUNC_HDR || mine == RI_VERSION ||
                                 mine == RI_FLAGS || mine == RI_CHECKSUM || mine == RI_CAUSE);
    if (fixed && strncmp(err, want, strlen(want)) != 0)
        fail_msg("%s: tgm '%s', the reference %s at offset %zu", what, err, ri_errname(mine),
                 off);
    ri_agreed++;
}


static void both(uint8_t *c, size_t len, bool seal, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void both(uint8_t *c, size_t len, bool seal, const char *fmt, ...)
{
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (seal && len >= 8)
        ri_reseal(c, len);
    ri_compare(c, len, what);
}

/* Every mutant of one valid image B (LEN bytes, of IMG). */
void ri_mutate(uint64_t *s, const struct ri_image *img, const uint8_t *b, size_t len,
                   unsigned id)
{
    uint8_t *c = malloc(len + 64);
    assert_non_null(c);
    for (size_t k = 0; k < len; k++) /* cut short at every offset */
        both(memcpy(c, b, k), k, false, "image %u cut at %zu", id, k);
    for (size_t k = 0; k < len; k++) { /* every byte, checksum kept and made good */
        uint8_t x = (uint8_t)(1 + rng_next(s) % 255);
        memcpy(c, b, len);
        c[k] ^= x;
        both(c, len, false, "image %u byte %zu ^ %#x", id, k, x);
        if (k < len - 8)
            both(c, len, true, "image %u byte %zu ^ %#x resealed", id, k, x);
    }
    static const struct {
        unsigned at, n;
    } field[] = {{8, 4}, {12, 4}, {16, 4}, {20, 4}, {24, 8}, {32, 4}, {36, 4}};
    uint64_t tsize = ri_le(b + 36, 4);
    const uint64_t values[] = {
        0, 1, 2, 9, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000, 0x80001, 0x7FFFF,
        RI_SPAN - img->n, RI_SPAN - img->n + 1, UINT64_C(0x100000000) - img->n,
        img->n + 1, img->n - 1, UINT64_C(1) << 29, (UINT64_C(1) << 29) - 5,
        img->nsyms + 1, img->nsyms - 1, tsize + 1, tsize - 1, tsize + 8, tsize - 8,
        UINT64_C(0x100000000) - 8 * (uint64_t)img->n - 48, /* 32-bit sums wrap */
    };
    for (size_t f = 0; f < sizeof field / sizeof field[0]; f++)
        for (size_t v = 0; v < sizeof values / sizeof values[0]; v++)
            for (int seal = 0; seal < 2; seal++) {
                memcpy(c, b, len);
                ri_put(c + field[f].at, values[v], field[f].n);
                both(c, len, seal, "image %u field %u := %#llx%s", id, field[f].at,
                     (unsigned long long)values[v], seal ? " resealed" : "");
            }
    for (unsigned bit = 58; bit < 64; bit++) { /* the cause bits and S, I */
        memcpy(c, b, len);
        c[24 + bit / 8] ^= (uint8_t)(1u << (bit % 8));
        both(c, len, true, "image %u entry bit %u", id, bit);
    }
    for (unsigned extra = 1; extra <= 9; extra++) { /* trailing bytes */
        memcpy(c, b, len);
        memset(c + len, (int)(rng_next(s) & 0xff), extra);
        both(c, len + extra, false, "image %u + %u bytes", id, extra);
        both(c, len + extra, true, "image %u + %u bytes resealed", id, extra);
        memcpy(c, b, len - 8); /* the bytes inside the checksummed part */
        memset(c + len - 8, 0, extra);
        both(c, len + extra, true, "image %u + %u bytes before the checksum", id, extra);
    }
    /* the symbols: each length and name byte, sealed */
    size_t pos = RI_HEADER + 8 * (size_t)img->n;
    static const uint8_t bad[] = {'0', '9', '$', '-', ' ', 0, 0x80, 0xff, '@', '\n'};
    for (uint32_t i = 0; i < img->nsyms; i++) {
        const uint8_t lens[] = {0, 64, 255, (uint8_t)(img->syms[i].len + 1),
                                (uint8_t)(img->syms[i].len - 1)};
        for (size_t l = 0; l < sizeof lens; l++) {
            memcpy(c, b, len);
            c[pos + 8] = lens[l];
            both(c, len, true, "image %u symbol %u length %u", id, i, lens[l]);
        }
        for (unsigned k = 0; k < img->syms[i].len; k++)
            for (size_t x = 0; x < sizeof bad; x++) {
                memcpy(c, b, len);
                c[pos + 9 + k] = bad[x];
                both(c, len, true, "image %u symbol %u byte %u := %#x", id, i, k, bad[x]);
            }
        memcpy(c, b, len);
        ri_put(c + pos, ri_le(c + pos, 8) + 1, 8);
        both(c, len, true, "image %u symbol %u value + 1", id, i);
        memcpy(c, b, len);
        ri_put(c + pos, ri_le(c + pos, 8) - 1, 8);
        both(c, len, true, "image %u symbol %u value - 1", id, i);
        pos += 9u + img->syms[i].len;
    }
    free(c);
}

/* Mutants the reference writer makes whole: two symbols out of order and
 * a name twice, sealed. */
void ri_mutate_symbols(uint64_t *s, struct ri_image *img, unsigned id)
{
    if (img->nsyms < 2)
        return;
    uint32_t i = (uint32_t)(rng_next(s) % (img->nsyms - 1));
    struct ri_sym keep = img->syms[i];
    img->syms[i] = img->syms[i + 1];
    img->syms[i + 1] = keep;
    size_t len;
    uint8_t *b = ri_write(img, &len);
    both(b, len, false, "image %u symbols %u and %u swapped", id, i, i + 1);
    free(b);
    img->syms[i + 1] = img->syms[i];
    img->syms[i] = keep;
    /* a name twice: the next symbol's name on this one, values kept */
    struct ri_sym twin = img->syms[i];
    memcpy(img->syms[i].name, img->syms[i + 1].name, 64);
    img->syms[i].len = img->syms[i + 1].len;
    b = ri_write(img, &len);
    both(b, len, false, "image %u symbol %u named as %u", id, i, i + 1);
    free(b);
    img->syms[i] = twin;
}


/* A random name of the assembler's characters, I-th of its source (so
 * that no two are alike), beginning with a letter or '_'. */
static void random_name(uint64_t *s, struct ri_sym *y, unsigned i)
{
    static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
    static const char rest[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_.0123456789$";
    int n = snprintf(y->name, sizeof y->name, "%c%u_", first[rng_next(s) % (sizeof first - 1)], i);
    unsigned more = (unsigned)(rng_next(s) % 8 ? rng_next(s) % 8 : 63 - (unsigned)n);
    for (unsigned k = 0; k < more && n < 63; k++)
        y->name[n++] = rest[rng_next(s) % (sizeof rest - 1)];
    y->len = (uint8_t)n;
}

/* A random source and the image docs/asm.md says it assembles to. */
char *ri_random_source(uint64_t *s, struct ri_image *want)
{
    size_t cap = 1 << 16, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    memset(want, 0, sizeof *want);
    want->syms = calloc(64, sizeof *want->syms);
    unsigned nblocks = (unsigned)(rng_next(s) % 5), nsym = 0;
    uint32_t at[4], cnt[4];
    unsigned made = 0;
    for (unsigned b = 0; b < nblocks && b < 4; b++) {
        uint32_t a = (uint32_t)(rng_next(s) % 3 ? rng_next(s) % (RI_SPAN - 16) : RI_SPAN - 8);
        uint32_t c = 1 + (uint32_t)(rng_next(s) % 8);
        bool clash = false;
        for (unsigned k = 0; k < made; k++)
            clash |= a < at[k] + cnt[k] && at[k] < a + c;
        if (!clash) {
            at[made] = a;
            cnt[made++] = c;
        }
    }
    uint64_t lo = UINT64_MAX, hi = 0;
    for (unsigned k = 0; k < made; k++) {
        lo = at[k] < lo ? at[k] : lo;
        hi = at[k] + cnt[k] > hi ? at[k] + cnt[k] : hi;
    }
    if (made == 0) { /* nothing emitted: an empty image where assembly ended */
        uint32_t org = (uint32_t)(rng_next(s) % 2 ? rng_next(s) % (RI_SPAN + 1) : RI_SPAN);
        len += (size_t)snprintf(src + len, cap - len, ".org %#x\n", org);
        lo = hi = org;
    }
    want->load = (uint32_t)lo;
    want->n = (uint32_t)(hi - lo);
    want->words = calloc(want->n + 1, 8);
    uint64_t entry = lo % RI_SPAN;
    bool entered = false;
    for (unsigned k = 0; k < made; k++) {
        struct ri_sym *y = &want->syms[nsym];
        random_name(s, y, nsym);
        y->value = at[k];
        nsym++;
        len += (size_t)snprintf(src + len, cap - len, ".org %#x\n%.*s:\n", at[k], y->len, y->name);
        for (uint32_t w = 0; w < cnt[k]; w++) {
            uint64_t v = rng_next(s);
            want->words[at[k] + w - lo] = v;
            len += (size_t)snprintf(src + len, cap - len, "  .word %#llx\n", (unsigned long long)v);
        }
        if (entry == lo % RI_SPAN && !entered && rng_next(s) % 3 == 0) { /* one .entry */
            entered = true;
            len += (size_t)snprintf(src + len, cap - len, ".entry %.*s\n", y->len, y->name);
            entry = at[k];
        }
    }
    unsigned consts = (unsigned)(rng_next(s) % 6);
    for (unsigned k = 0; k < consts; k++) {
        struct ri_sym *y = &want->syms[nsym];
        random_name(s, y, nsym);
        nsym++;
        if (rng_next(s) % 2) {
            y->value = rng_next(s);
            len += (size_t)snprintf(src + len, cap - len, "%.*s = %#llx\n", y->len, y->name,
                                    (unsigned long long)y->value);
        } else {
            uint64_t m = rng_next(s) % 1000;
            y->value = (uint64_t)0 - m;
            len += (size_t)snprintf(src + len, cap - len, "%.*s = -%llu\n", y->len, y->name,
                                    (unsigned long long)m);
        }
    }
    want->nsyms = nsym;
    qsort(want->syms, nsym, sizeof *want->syms, symcmp_q);
    want->entry = RI_PSW_SUP(entry);
    return src;
}


/* A machine state record (BARE, REAL): its layout is not in the docs
 * (docs/monitor.md says "machine states with all of E"), so this follows
 * machine_state_save: "TGMSTATE", version, q, profile name (u64 length and
 * bytes), flags, PSW, timer armed, pending, remaining, last trap, cycles,
 * instret, steps, 6 trap counts, console output and input, then E. */
void rs_state(const uint8_t *b, const struct rs_section *sec, struct rs_state *st)
{
    const uint8_t *p = b + sec->at;
    assert_memory_equal(p, "TGMSTATE", 8);
    assert_int_equal(ri_le(p + 8, 8), 1);
    st->q = ri_le(p + 16, 8);
    size_t at = 32 + (size_t)ri_le(p + 24, 8);
    st->flags_at = sec->at + at;
    st->flags = ri_le(p + at, 8);
    st->psw_at = sec->at + at + 8;
    st->psw = ri_le(p + at + 8, 8);
    st->armed_at = sec->at + at + 16;
    st->armed = ri_le(p + at + 16, 8);
    st->pending = ri_le(p + at + 24, 8);
    st->trap_at = sec->at + at + 40;
    st->last_trap = ri_le(p + at + 40, 8);
    st->cycles = ri_le(p + at + 48, 8);
    st->instret = ri_le(p + at + 56, 8);
    st->steps = ri_le(p + at + 64, 8);
    at += 72 + 6 * 8;
    at += 16 + (size_t)ri_le(p + at, 8); /* output: length, dropped, bytes */
    st->inpos_at = sec->at + at + 8;
    at += 16 + (size_t)ri_le(p + at, 8); /* input: length, position, bytes */
    st->e_at = sec->at + at;
    assert_int_equal(at + ((st->flags & 2) ? 8 * st->q : 0), sec->len);
}


/* B with the section TAG's data replaced by DATA (LEN bytes), or left
 * out (DATA NULL), as version VERSION. */
uint8_t *rs_rebuild(const uint8_t *b, const struct rs_snap *sn, uint32_t version,
                        const char *tag, const uint8_t *data, uint64_t dlen, size_t *len)
{
    const char *tags[RS_MAX_SECTIONS];
    const uint8_t *ds[RS_MAX_SECTIONS];
    uint64_t lens[RS_MAX_SECTIONS];
    size_t n = 0;
    for (uint32_t i = 0; i < sn->count; i++) {
        bool this = tag && memcmp(sn->sec[i].tag, tag, 4) == 0;
        if (this && !data)
            continue;
        tags[n] = sn->sec[i].tag;
        ds[n] = this ? data : b + sn->sec[i].at;
        lens[n++] = this ? dlen : sn->sec[i].len;
    }
    return rs_write(version, n, tags, ds, lens, len);
}
