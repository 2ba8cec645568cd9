/* image.c: reading, validating, writing and loading guest images.
 *
 * The loader puts an image into E and its entry PSW into <M, P, R>
 * (section 2).  Every field is checked before anything is handed back, and
 * a machine is changed only when the whole image fits: nothing is ever
 * half-loaded.  The format is drawn in include/tgm/image.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/machine.h"

uint64_t tgm_fnv1a(const void *data, size_t len, uint64_t h)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static bool sym_char(int c, bool first)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
           c == '.' || (!first && ((c >= '0' && c <= '9') || c == '$'));
}

static bool valid_name(const char *s, size_t n)
{
    if (n == 0 || n > TGM_SYM_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!sym_char((unsigned char)s[i], i == 0))
            return false;
    return true;
}

void image_free(struct tgm_image *img)
{
    if (!img)
        return;
    for (uint32_t i = 0; i < img->nsyms; i++)
        free(img->syms[i].name);
    free(img->syms);
    free(img->words);
    memset(img, 0, sizeof *img);
}

const struct tgm_symbol *image_symbol(const struct tgm_image *img,
                                      const char *name)
{
    if (!name) /* no name names no symbol */
        return NULL;
    for (uint32_t i = 0; i < img->nsyms; i++)
        if (strcmp(img->syms[i].name, name) == 0)
            return &img->syms[i];
    return NULL;
}

static int sym_cmp(const void *x, const void *y)
{
    const struct tgm_symbol *a = x, *b = y;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return strcmp(a->name, b->name);
}

void image_sort_symbols(struct tgm_image *img)
{
    if (img->nsyms > 1)
        qsort(img->syms, img->nsyms, sizeof *img->syms, sym_cmp);
}

static int name_cmp(const void *x, const void *y)
{
    const struct tgm_symbol *const *a = x, *const *b = y;
    return strcmp((*a)->name, (*b)->name);
}

/* One name, one symbol: sort pointers by name and compare neighbours.
 * -1 for a duplicate, -2 out of memory. */
static int dup_name(const struct tgm_symbol *syms, uint32_t n, char *err, size_t errlen,
                    size_t base)
{
    if (n < 2)
        return 0;
    const struct tgm_symbol **p = malloc(n * sizeof *p);
    if (!p) {
        tgm_err(err, errlen, "offset %zu: out of memory", base);
        return -2;
    }
    for (uint32_t i = 0; i < n; i++)
        p[i] = &syms[i];
    qsort(p, n, sizeof *p, name_cmp);
    const struct tgm_symbol *dup = NULL;
    for (uint32_t i = 1; i < n && !dup; i++)
        if (strcmp(p[i - 1]->name, p[i]->name) == 0)
            dup = p[i - 1] > p[i] ? p[i - 1] : p[i]; /* the later one in the file */
    free(p);
    if (!dup)
        return 0;
    size_t off = base; /* report where the second definition starts */
    for (const struct tgm_symbol *q = syms; q < dup; q++)
        off += 9 + strlen(q->name);
    return tgm_err(err, errlen, "offset %zu: duplicate symbol '%s'", off, dup->name);
}

/* ERR for symbol I's name, LEN bytes at NAME (ROOM of them in the table),
 * that valid_name refuses: what is wrong with it, not only that it is. */
static void bad_name(const uint8_t *name, size_t len, size_t room, char *err, size_t errlen,
                     size_t off, uint32_t i)
{
    if (len == 0) {
        tgm_err(err, errlen, "offset %zu: symbol %u has a bad name: it is empty", off, i);
        return;
    }
    if (len > room) {
        tgm_err(err, errlen, "offset %zu: symbol %u has a bad name: its %zu bytes run past "
                "the symbol table", off, i, len);
        return;
    }
    if (len > TGM_SYM_MAX) {
        tgm_err(err, errlen, "offset %zu: symbol %u has a bad name: %zu bytes, at most %u",
                off, i, len, TGM_SYM_MAX);
        return;
    }
    /* quoted with newline, tab and return as \n, \t, \r, as every tgm
     * error shows them, and every other byte that is not printable ASCII
     * (the backslash too, so the quote reads one way) as \xHH */
    char shown[4 * TGM_SYM_MAX + 1];
    size_t k = 0;
    for (size_t j = 0; j < len; j++) {
        unsigned char ch = name[j];
        const char *esc = ch == '\n' ? "\\n" : ch == '\t' ? "\\t" : ch == '\r' ? "\\r" : NULL;
        if (ch >= 0x20 && ch < 0x7f && ch != '\\')
            shown[k++] = (char)ch;
        else if (esc)
            k += (size_t)snprintf(shown + k, sizeof shown - k, "%s", esc);
        else
            k += (size_t)snprintf(shown + k, sizeof shown - k, "\\x%02X", ch);
    }
    shown[k] = '\0';
    tgm_err(err, errlen, "offset %zu: symbol %u has a bad name '%s' (a name is "
            "[A-Za-z_.][A-Za-z0-9_.$]*)", off, i, shown);
}

/* Parse the symbol table at p (size bytes) into *syms; -1 with ERR. */
static int parse_syms(const uint8_t *p, size_t size, size_t base, uint32_t n,
                      struct tgm_symbol **out, char *err, size_t errlen)
{
    struct tgm_symbol *syms = n ? calloc(n, sizeof *syms) : NULL;
    if (n && !syms)
        return tgm_err(err, errlen, "offset %zu: out of memory for %u symbols", base, n);
    size_t off = 0;
    uint32_t i;
    for (i = 0; i < n; i++) {
        if (size - off < 9) {
            tgm_err(err, errlen, "offset %zu: symbol %u is truncated", base + off, i);
            goto bad;
        }
        uint64_t value = le_read(p + off, 8);
        size_t len = p[off + 8];
        if (len == 0 || len > TGM_SYM_MAX || size - off - 9 < len ||
            !valid_name((const char *)p + off + 9, len)) {
            bad_name(p + off + 9, len, size - off - 9, err, errlen, base + off, i);
            goto bad;
        }
        syms[i].name = strndup((const char *)p + off + 9, len);
        syms[i].value = value;
        if (!syms[i].name) {
            tgm_err(err, errlen, "offset %zu: out of memory", base + off);
            goto bad;
        }
        /* canonical order (value, then name) makes files byte-comparable */
        if (i > 0 && sym_cmp(&syms[i - 1], &syms[i]) >= 0) {
            /* a name twice in a row is worded as dup_name words it further apart */
            if (sym_cmp(&syms[i - 1], &syms[i]) == 0)
                tgm_err(err, errlen, "offset %zu: duplicate symbol '%s'", base + off,
                        syms[i].name);
            else
                tgm_err(err, errlen, "offset %zu: symbol '%s' is out of order (symbols are "
                        "sorted by value, then name)", base + off, syms[i].name);
            i++;
            goto bad;
        }
        off += 9 + len;
    }
    if (off != size) {
        tgm_err(err, errlen, "offset %zu: %zu stray byte%s after the symbol table", base + off,
                size - off, size - off == 1 ? "" : "s");
        goto bad;
    }
    if (dup_name(syms, n, err, errlen, base) != 0)
        goto bad;
    *out = syms;
    return 0;
bad:
    for (uint32_t k = 0; k < n; k++)
        free(syms[k].name);
    free(syms);
    return -1;
}

int image_parse(const uint8_t *buf, size_t len, struct tgm_image *out,
                char *err, size_t errlen)
{
    /* the magic first: bytes that do not begin it (a short text) are not an
     * image, not a truncated one */
    if (image_is_snapshot(buf, len))
        return tgm_err(err, errlen, "offset 0: bad magic (not a tgm image but a monitor "
                                    "snapshot: the monitor's 'restore' reads it)");
    if (len && memcmp(buf, TGM_IMAGE_MAGIC, len < 8 ? len : 8) != 0)
        return tgm_err(err, errlen, "offset 0: bad magic (not a tgm image)");
    if (len < TGM_IMAGE_HEADER + 8)
        return tgm_err(err, errlen, "offset %zu: truncated header (%zu byte%s, need %u)",
                       len, len, len == 1 ? "" : "s", TGM_IMAGE_HEADER + 8);
    uint32_t version = (uint32_t)le_read(buf + 8, 4);
    if (version != TGM_IMAGE_VERSION)
        return tgm_err(err, errlen, "offset 8: unsupported version %u (this tgm reads %u)",
                    version, TGM_IMAGE_VERSION);
    if ((uint32_t)le_read(buf + 12, 4) != 0)
        return tgm_err(err, errlen, "offset 12: unknown flags 0x%x",
                       (uint32_t)le_read(buf + 12, 4));
    uint32_t load = (uint32_t)le_read(buf + 16, 4), n = (uint32_t)le_read(buf + 20, 4);
    uint64_t entry = le_read(buf + 24, 8);
    uint32_t nsyms = (uint32_t)le_read(buf + 32, 4);
    uint32_t symsize = (uint32_t)le_read(buf + 36, 4);
    if (n > TGM_Q_MAX)
        return tgm_err(err, errlen, "offset 20: word count %u exceeds the largest memory (%u words)",
                    n, TGM_Q_MAX);
    if ((uint64_t)load + n > TGM_Q_MAX)
        return tgm_err(err, errlen,
                       "offset 16: load address %u + %u word%s exceeds the largest memory "
                       "(%u words)", load, n, n == 1 ? "" : "s", TGM_Q_MAX);
    if ((entry >> PSW_CAUSE_SHIFT & 0xF) != 0)
        return tgm_err(err, errlen, "offset 24: entry PSW has cause bits set");
    uint64_t need = (uint64_t)TGM_IMAGE_HEADER + 8ull * n + symsize + 8;
    if (len < need)
        return tgm_err(err, errlen, "offset %zu: truncated: %llu bytes expected, %zu present",
                    len, (unsigned long long)need, len);
    if (len > need)
        return tgm_err(err, errlen, "offset %llu: oversized: %zu byte%s after the checksum",
                    (unsigned long long)need, (size_t)(len - need), len - need == 1 ? "" : "s");
    uint64_t sum = le_read(buf + len - 8, 8);
    if (tgm_fnv1a(buf, len - 8, TGM_FNV_SEED) != sum)
        return tgm_err(err, errlen, "offset %zu: checksum mismatch (file damaged)", len - 8);
    /* a symbol takes at least 10 bytes; refuse before allocating for them */
    if (nsyms > symsize / 10)
        return tgm_err(err, errlen, "offset 32: symbol count %u cannot fit in a %u-byte symbol table",
                    nsyms, symsize);

    struct tgm_image img = {.load = load, .nwords = n, .entry_psw = entry,
                            .nsyms = nsyms};
    img.words = malloc(n ? (size_t)n * 8 : 1);
    if (!img.words)
        return tgm_err(err, errlen, "offset 40: out of memory for %u words", n);
    for (uint32_t i = 0; i < n; i++)
        img.words[i] = le_read(buf + TGM_IMAGE_HEADER + 8ull * i, 8);
    size_t symoff = TGM_IMAGE_HEADER + 8ull * n;
    if (parse_syms(buf + symoff, symsize, symoff, nsyms, &img.syms, err, errlen) != 0) {
        free(img.words);
        return -1;
    }
    *out = img;
    return 0;
}

bool image_has_magic(const void *head, size_t n)
{
    /* binary as 'tgm run' tells it: control bytes or Latin-1 are enough,
     * so an image cut short before any NUL is still an image */
    return n >= 8 && memcmp(head, TGM_IMAGE_MAGIC, 8) == 0 && !image_is_text(head, n);
}

bool image_is_snapshot(const void *head, size_t n)
{
    return n >= 8 && memcmp(head, TGM_SNAPSHOT_MAGIC "", 8) == 0;
}

bool image_is_text(const void *head, size_t len)
{
    const uint8_t *buf = head;
    size_t n = len < 256 ? len : 256;
    for (size_t i = 0; i < n; i++) {
        if (buf[i] >= 0x80) {
            size_t k = tgm_utf8_char(buf + i, len - i);
            if (!k)
                return false;
            i += k - 1;
        } else if (buf[i] < 0x20 ? !strchr("\t\n\v\f\r", buf[i]) || !buf[i]
                                 : buf[i] == 0x7f) {
            return false;
        }
    }
    return n > 0;
}

/* image_is_text, and not an image's header: the magic or its start alone
 * is an image cut short, though every byte prints. */
static bool looks_like_text(const uint8_t *buf, size_t len)
{
    size_t n = len < 256 ? len : 256;
    if (n <= 8 && memcmp(buf, TGM_IMAGE_MAGIC, n) == 0)
        return false;
    return image_is_text(buf, len);
}

int image_read_file(const char *path, struct tgm_image *out, char *err,
                    size_t errlen)
{
    bool text;
    return image_read_file_text(path, out, err, errlen, &text);
}

int image_read_file_text(const char *path, struct tgm_image *out, char *err,
                         size_t errlen, bool *text)
{
    *text = false;
    const size_t limit = TGM_IMAGE_FILE_MAX;
    uint8_t *buf;
    size_t len;
    if (tgm_read_file(path, limit, "a tgm image", &buf, &len, err, errlen) != 0)
        return -1;
    char inner[200];
    int rc = image_parse(buf, len, out, inner, sizeof inner);
    *text = rc != 0 && looks_like_text(buf, len);
    /* every image holds NULs in its header: a text that begins with the
     * word TGMIMAGE is no image cut short or of another version */
    if (*text && len > 8 && memcmp(buf, TGM_IMAGE_MAGIC, 8) == 0)
        snprintf(inner, sizeof inner, "offset 0: bad magic (not a tgm image: a text that "
                 "begins with the word TGMIMAGE)");
    free(buf);
    if (rc != 0)
        return tgm_err(err, errlen, "%s: %s", path, inner);
    return 0;
}

/* format_violation's answer when it could not tell, for want of memory */
static const char format_oom[] = "out of memory";

/* What makes IMG no image (image_parse would refuse its bytes), or NULL:
 * the writers refuse it rather than write a file no reader takes. */
static const char *format_violation(const struct tgm_image *img)
{
    if ((uint64_t)img->load + img->nwords > TGM_Q_MAX)
        return "words past address 2^19-1";
    if ((img->entry_psw >> PSW_CAUSE_SHIFT & 0xF) != 0)
        return "cause bits in the entry PSW";
    for (uint32_t i = 0; i < img->nsyms; i++) {
        const struct tgm_symbol *y = &img->syms[i];
        if (!y->name || !valid_name(y->name, strlen(y->name)))
            return "a bad symbol name";
        if (i > 0 && sym_cmp(&img->syms[i - 1], y) >= 0)
            return "symbols not sorted by value, then name (image_sort_symbols)";
    }
    int dup = dup_name(img->syms, img->nsyms, NULL, 0, 0);
    if (dup == -2)
        return format_oom;
    if (dup != 0)
        return "a symbol name twice";
    /* what every reader would refuse, however valid its fields */
    uint64_t len = TGM_IMAGE_HEADER + 8ull * img->nwords + 8;
    for (uint32_t i = 0; i < img->nsyms && len <= TGM_IMAGE_FILE_MAX; i++)
        len += 9 + strlen(img->syms[i].name);
    if (len > TGM_IMAGE_FILE_MAX)
        return "larger than 71303208 bytes, the limit for a tgm image (its symbols take "
               "more than 64 MiB)";
    return NULL;
}
_Static_assert(TGM_IMAGE_FILE_MAX == 71303208u, "the limit format_violation names");

int image_serialize(const struct tgm_image *img, uint8_t **bufp, size_t *lenp)
{
    if (format_violation(img))
        return -1;
    size_t symsize = 0;
    for (uint32_t i = 0; i < img->nsyms; i++)
        symsize += 9 + strlen(img->syms[i].name);
    size_t len = TGM_IMAGE_HEADER + 8ull * img->nwords + symsize + 8;
    uint8_t *buf = malloc(len);
    if (!buf)
        return -1;
    memcpy(buf, TGM_IMAGE_MAGIC, 8);
    le_write(buf + 8, TGM_IMAGE_VERSION, 4);
    le_write(buf + 12, 0, 4);
    le_write(buf + 16, img->load, 4);
    le_write(buf + 20, img->nwords, 4);
    le_write(buf + 24, img->entry_psw, 8);
    le_write(buf + 32, img->nsyms, 4);
    le_write(buf + 36, symsize, 4);
    uint8_t *p = buf + TGM_IMAGE_HEADER;
    for (uint32_t i = 0; i < img->nwords; i++, p += 8)
        le_write(p, img->words[i], 8);
    for (uint32_t i = 0; i < img->nsyms; i++) {
        size_t n = strlen(img->syms[i].name);
        le_write(p, img->syms[i].value, 8);
        p[8] = (uint8_t)n;
        memcpy(p + 9, img->syms[i].name, n);
        p += 9 + n;
    }
    le_write(p, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    *bufp = buf;
    *lenp = len;
    return 0;
}

int image_write_file(const char *path, const struct tgm_image *img, char *err,
                     size_t errlen)
{
    uint8_t *buf;
    size_t len;
    const char *why = format_violation(img);
    if (why == format_oom)
        return tgm_err(err, errlen, "%s: out of memory", path);
    if (why)
        return tgm_err(err, errlen, "%s: image violates the format: %s", path, why);
    if (image_serialize(img, &buf, &len) != 0)
        return tgm_err(err, errlen, "%s: out of memory", path);
    int rc = tgm_write_atomic(path, buf, len, err, errlen);
    free(buf);
    return rc;
}

int image_fits(const struct tgm_image *img, uint32_t q, char *err, size_t errlen)
{
    /* an image without words needs none: only its entry PSW is loaded */
    if (img->nwords && (uint64_t)img->load + img->nwords > q)
        return tgm_err(err, errlen,
                    "image needs words %u..%llu but the machine has %u words",
                    img->load, (unsigned long long)img->load + img->nwords - 1, q);
    return 0;
}

bool image_symbols_canonical(const struct tgm_image *img, bool *oom)
{
    if (oom)
        *oom = false;
    for (uint32_t i = 0; i < img->nsyms; i++)
        if (!img->syms[i].name ||
            !valid_name(img->syms[i].name, strlen(img->syms[i].name)) ||
            (i > 0 && sym_cmp(&img->syms[i - 1], &img->syms[i]) >= 0))
            return false;
    char err[96];
    int rc = dup_name(img->syms, img->nsyms, err, sizeof err, 0);
    if (rc == -2 && oom) /* not the symbols' fault */
        *oom = true;
    return rc == 0;
}

int image_load(struct machine *m, const struct tgm_image *img, char *err,
               size_t errlen)
{
    if (image_fits(img, machine_q(m), err, errlen) != 0)
        return -1;
    for (uint32_t i = 0; i < img->nwords; i++)
        machine_write_phys(m, (uint64_t)img->load + i, img->words[i]);
    machine_set_psw(m, img->entry_psw);
    return 0;
}
