/* refimage.h: a reader and a writer of tgm's two file formats written
 * from the docs alone, for test_audit_refimage.c: the guest image
 * (docs/isa.md, "The guest image format"; docs/robustness.md) and the
 * monitor snapshot's container (docs/monitor.md, "Snapshots").
 */
#ifndef TGM_TESTS_REFIMAGE_H
#define TGM_TESTS_REFIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RI_HEADER 40u                 /* the fixed fields */
#define RI_MIN (RI_HEADER + 8u)       /* ... and the checksum */
#define RI_SPAN (UINT64_C(1) << 19)   /* addresses 0..2^19-1 */
#define RI_FILE_MAX ((size_t)40 + 8u * ((size_t)1 << 19) + ((size_t)64 << 20) + 8u)

uint64_t ri_fnv(const uint8_t *p, size_t n);
uint64_t ri_le(const uint8_t *p, unsigned n);
void ri_put(uint8_t *p, uint64_t v, unsigned n);

struct ri_sym {
    uint64_t value;
    uint8_t len;
    char name[64];
};

struct ri_image {
    uint32_t load, n;
    uint64_t entry;
    uint64_t *words;
    uint32_t nsyms;
    struct ri_sym *syms;
};

/* What the docs say a reader rejects, one class each. */
enum ri_err {
    RI_OK,
    RI_MAGIC,     /* offset 0: bad magic (not a tgm image) */
    RI_SNAPSHOT,  /* ... but a monitor snapshot */
    RI_TRUNC_HDR, /* offset LEN: truncated header (LEN bytes, need 48) */
    RI_VERSION,   /* offset 8: unsupported version V (this tgm reads 1) */
    RI_FLAGS,
    RI_TRUNC_BODY,
    RI_TRAILING,
    RI_CHECKSUM,  /* checksum mismatch (file damaged) */
    RI_RANGE,     /* load + n > 2^19 */
    RI_CAUSE,
    RI_SYMNAME,   /* a bad name */
    RI_SYMDUP,
    RI_SYMORDER,
    RI_SYMTABLE,  /* the table does not add up */
};

/* Parse LEN bytes; RI_OK with *OUT filled (free with ri_free), or the
 * class with *OFF the offset this reader names for it. */
enum ri_err ri_parse(const uint8_t *b, size_t len, struct ri_image *out, size_t *off);
void ri_free(struct ri_image *img);
/* The file for IMG, its checksum included (malloc'd, *LEN its size). */
uint8_t *ri_write(const struct ri_image *img, size_t *len);
/* Put the checksum of the LEN-byte file B in its last 8 bytes. */
void ri_reseal(uint8_t *b, size_t len);
/* Is NAME (LEN bytes) a symbol name the assembler writes? */
bool ri_name_ok(const char *name, size_t len);
/* The canonical order: by value (unsigned), then name bytewise. */
int ri_symcmp(const struct ri_sym *a, const struct ri_sym *b);
/* A random valid image from the stream *S. */
void ri_random(uint64_t *s, struct ri_image *img);
/* The words the names of the classes (for messages). */
const char *ri_errname(enum ri_err e);

/* ---- snapshots ---------------------------------------------------------- */

#define RS_MAX_SECTIONS 64

struct rs_section {
    char tag[5];
    size_t at;  /* where its data begins in the file */
    uint64_t len;
};

struct rs_snap {
    uint32_t version, count;
    struct rs_section sec[RS_MAX_SECTIONS];
};

/* Parse a snapshot's container: 0, or -1 with WHY (a short word). */
int rs_parse(const uint8_t *b, size_t len, struct rs_snap *out, const char **why);
const struct rs_section *rs_find(const struct rs_snap *s, const char *tag);
/* A snapshot file of version VERSION holding the N sections (tags and
 * data), checksum included (malloc'd, *LEN its size). */
uint8_t *rs_write(uint32_t version, size_t n, const char *const *tags,
                  const uint8_t *const *data, const uint64_t *lens, size_t *len);

/* ---- comparing with tgm (cmocka: a disagreement fails the test) -------- */

#define RI_PSW_SUP(p) ((UINT64_C(1) << 63) | ((uint64_t)(p) << 39) | RI_SPAN)

/* How many files both readers took alike (ri_compare counts them). */
extern unsigned long ri_agreed, ri_compared;
/* Both readers on the LEN bytes B: the same verdict, the same image (and
 * tgm's writer writes it back byte for byte) or the same fault. */
void ri_compare(const uint8_t *b, size_t len, const char *what);
/* ri_compare on every mutant of the valid image B (LEN bytes, of IMG):
 * cut at every offset, every byte changed (checksum kept and made good),
 * every header field at its edges, trailing bytes, the symbols' bytes. */
void ri_mutate(uint64_t *s, const struct ri_image *img, const uint8_t *b, size_t len,
               unsigned id);
/* ... and two symbols swapped, a name twice (IMG is left as it was). */
void ri_mutate_symbols(uint64_t *s, struct ri_image *img, unsigned id);
/* A random source (malloc'd) and in *WANT the image docs/asm.md says it
 * assembles to. */
char *ri_random_source(uint64_t *s, struct ri_image *want);

/* A machine state record (BARE, REAL), whose layout the docs leave out;
 * the *_at fields are offsets in the file. */
struct rs_state {
    uint64_t q, flags, psw, armed, pending, last_trap, cycles, instret, steps;
    size_t psw_at, flags_at, armed_at, trap_at, inpos_at; /* file offsets */
    size_t e_at;
};

void rs_state(const uint8_t *b, const struct rs_section *sec, struct rs_state *st);
/* B (its container SN) with the section TAG's data replaced by DATA (DLEN
 * bytes), or left out (DATA NULL), as version VERSION (malloc'd). */
uint8_t *rs_rebuild(const uint8_t *b, const struct rs_snap *sn, uint32_t version,
                    const char *tag, const uint8_t *data, uint64_t dlen, size_t *len);

#endif
