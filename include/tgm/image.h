/* image.h: the versioned guest image format, its reader and writer, and the
 * loader that puts an image into a machine (section 2's E and PSW).
 *
 * Layout (all fields little-endian), version 1:
 *
 *   offset  size  field
 *   0       8     magic "TGMIMAGE"
 *   8       4     version (1)
 *   12      4     flags (must be 0)
 *   16      4     load address: first word of E the image fills
 *   20      4     word count n
 *   24      8     entry PSW (loaded into the PSW; cause bits must be 0)
 *   32      4     symbol count s
 *   36      4     symbol table size in bytes
 *   40      8n    the words
 *   40+8n   ...   s symbols: u64 value, u8 name length (1..63), name bytes,
 *                 sorted by value then name, each name once
 *   end-8   8     FNV-1a 64 checksum of every byte before it
 *
 * The reader validates everything before it hands back an image; the loader
 * changes the machine only if the whole image fits.
 */
#ifndef TGM_IMAGE_H
#define TGM_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct machine;

#define TGM_IMAGE_MAGIC "TGMIMAGE"
/* The monitor's snapshots ('save') begin with this and a NUL: named, so
 * that each reader can tell the other file for what it is. */
#define TGM_SNAPSHOT_MAGIC "TGMSNAP"
#define TGM_IMAGE_VERSION 1u
#define TGM_IMAGE_HEADER 40u
#define TGM_SYM_MAX 63u
/* The largest image file a reader takes: the header, 2^19 words and
 * 64 MiB for the symbols and the 8-byte checksum together (the number
 * docs/robustness.md gives); the writers write none larger. */
#define TGM_IMAGE_FILE_MAX                                                                     \
    ((size_t)TGM_IMAGE_HEADER + 8u * ((size_t)1 << 19) + ((size_t)64 << 20))

/* What a symbol names.  The image format does not record it, so a symbol
 * read from a file is TGM_SYM_UNKNOWN; the assembler sets the others. */
enum tgm_symbol_kind {
    TGM_SYM_UNKNOWN,
    TGM_SYM_LABEL,
    TGM_SYM_CONST,
    TGM_SYM_PHASED, /* a label inside .phase: an address as the moved or
                       relocated code sees it, not where the image holds it */
};

struct tgm_symbol {
    char *name;     /* identifier: [A-Za-z_.][A-Za-z0-9_.$]* */
    uint64_t value;
    uint8_t kind;   /* enum tgm_symbol_kind; not written to an image file */
};

struct tgm_image {
    uint32_t load;
    uint32_t nwords;
    uint64_t entry_psw;
    uint64_t *words;
    uint32_t nsyms;
    struct tgm_symbol *syms; /* sorted by value, then name */
};

/* FNV-1a 64, the checksum and digest hash used throughout tgm. */
uint64_t tgm_fnv1a(const void *data, size_t len, uint64_t seed);
#define TGM_FNV_SEED UINT64_C(0xcbf29ce484222325)

/* Parse and validate BUF.  On error returns -1 and writes one line,
 * "offset N: what is wrong", to ERR (for a monitor snapshot, that it is
 * one, and what reads it); OUT is then untouched. */
int image_parse(const uint8_t *buf, size_t len, struct tgm_image *out,
                char *err, size_t errlen);
/* Do the first N bytes of a file, HEAD, begin with the image magic and
 * make a binary file (not image_is_text: every image's header holds NULs)?
 * Such a file is an image whatever its name; a text that begins with the
 * word TGMIMAGE is not. */
bool image_has_magic(const void *head, size_t n);
/* Do the first N bytes begin with a monitor snapshot's magic and its NUL?
 * Such a file is refused as an image or a source alike, naming 'restore'. */
bool image_is_snapshot(const void *head, size_t n);
/* Are the first 256 of the LEN bytes at HEAD text: printable ASCII, white
 * space or UTF-8, a character that the 256th byte cuts read to its end (up
 * to 3 bytes more, if LEN has them)?  No when LEN is 0.  What is not text is
 * binary, for 'tgm run' and the monitor's 'load' alike. */
bool image_is_text(const void *head, size_t len);
/* The same for a file; the error line starts with the path. */
int image_read_file(const char *path, struct tgm_image *out, char *err,
                    size_t errlen);
/* image_read_file, and when the file was read but is not an image, *TEXT
 * says whether it holds text (its first 256 bytes printable, white space
 * or UTF-8): most likely
 * an assembly source, read from a pipe as well as from a file. */
int image_read_file_text(const char *path, struct tgm_image *out, char *err,
                         size_t errlen, bool *text);
/* Serialise IMG (malloc'd buffer).  -1 if it violates the format: words
 * past address 2^19-1, cause bits in the entry PSW, a bad symbol name, or
 * symbols not in the canonical order (sorted by value, then name; each
 * name once), so that image_parse takes whatever it writes. */
int image_serialize(const struct tgm_image *img, uint8_t **buf, size_t *len);
/* Write atomically (temporary file then rename); -1 with ERR on failure
 * ("PATH: image violates the format: WHY" for what image_serialize refuses). */
int image_write_file(const char *path, const struct tgm_image *img, char *err,
                     size_t errlen);
void image_free(struct tgm_image *img);

/* Does IMG fit in a memory of Q words?  0, or -1 with ERR ("image needs
 * words A..B but the machine has Q words"). */
int image_fits(const struct tgm_image *img, uint32_t q, char *err, size_t errlen);

/* Copy the words to E[load..load+n-1] and set the PSW to the entry PSW
 * (as machine_set_psw does: cause bits, which no image read or written
 * has, are dropped).  If the image does not fit in M, returns -1 with ERR
 * and changes nothing. */
int image_load(struct machine *m, const struct tgm_image *img, char *err,
               size_t errlen);

/* Symbol lookup helpers.  The symbol named NAME, or NULL (NAME NULL too). */
const struct tgm_symbol *image_symbol(const struct tgm_image *img,
                                      const char *name);
/* Sort syms by (value, name); used by writers so files are canonical. */
void image_sort_symbols(struct tgm_image *img);
/* Are IMG's symbols as an image file has them: names of the assembler's
 * characters (1..TGM_SYM_MAX of them), each name once, sorted by (value,
 * name)?  (A reader of symbols from elsewhere checks them so.)  False with
 * *OOM (if not NULL) set when memory ran out before it could tell. */
bool image_symbols_canonical(const struct tgm_image *img, bool *oom);

#endif
