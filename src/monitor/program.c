/* program.c: reading a guest program for the monitor: an image or an
 * assembly source, told apart as 'tgm run' tells them, from a file or a
 * stream, and the files it came from, which the session must not write
 * over (section 2's E is loaded from it by 'load' and 'vm load').
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mon_impl.h"
#include "tgm/asm.h"

/* An image by its magic (in a binary file, as every image is: a text may
 * begin with the label TGMIMAGE), as 'tgm run' decides; and, unless named
 * .s, an empty, binary or .img file too, so that a damaged image gets the
 * image reader's error, not an assembler's or a silent load; a snapshot,
 * whatever its name, so that the image reader names it.  HEAD: the first
 * GOT bytes (256, and up to 3 more for a UTF-8 character the 256th cuts). */
static bool is_image(const char *path, const char *head, size_t got)
{
    size_t len = strlen(path), n = got < 256 ? got : 256;
    bool dot_s = tgm_source_named(path);
    /* binary: not text as 'tgm run' reads it (docs/run.md), not merely a
     * NUL: control bytes or Latin-1 make no source either */
    bool binary = !image_is_text(head, got) || (len > 4 && !strcmp(path + len - 4, ".img"));
    return image_has_magic(head, n) || image_is_snapshot(head, n) || (binary && !dot_s);
}

/* The line after a source's N diagnostics, in 'tgm run's words (docs/run.md):
 * "FILE: 2 errors". */
static int source_errors(struct mon *m, const char *path, int n)
{
    return mon_err(m, "%s: %d error%s", path, n, mon_plural((uint64_t)n));
}

/* A pipe or a device (/dev/stdin, <(cmd)) cannot be read twice, and the
 * bytes that tell image from source would be lost: F is read whole, as an
 * image up to its limit or as a source up to one byte past its own (which
 * the assembler then reports). */
static int read_stream_program(struct mon *m, const char *path, FILE *f, struct tgm_image *img)
{
    const size_t img_max = TGM_IMAGE_FILE_MAX;
    struct bytes_out b = {0};
    uint8_t chunk[4096];
    size_t got, max = img_max;
    bool image = false, decided = false;
    while (b.len <= max && !b.oom && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        bytes_put(&b, chunk, got);
        if (!decided) { /* fread fills the chunk unless the stream ends */
            image = is_image(path, (const char *)b.p, b.len < 259 ? b.len : 259);
            max = image ? img_max : ASM_SRC_MAX;
            decided = true;
        }
    }
    int e = ferror(f) ? EIO : b.oom ? ENOMEM : 0;
    fclose(f);
    int rc = 0;
    char inner[256];
    if (e)
        rc = mon_err(m, "%s: %s", path, strerror(e));
    else if (b.len > max && image)
        rc = mon_err(m, "%s: larger than %zu bytes, the limit for a tgm image", path, max);
    else if (image || !decided) {
        if (image_parse(b.p, b.len, img, inner, sizeof inner) != 0)
            rc = mon_err(m, "%s: %s", path, inner);
    } else {
        fflush(m->out);
        int n = asm_assemble_buffer(path, (const char *)b.p, b.len, img, m->err);
        if (n)
            rc = source_errors(m, path, n);
    }
    free(b.p);
    return rc;
}

/* A program that is loaded (its FILES wanted) must not come from a file the
 * session writes later; if it does, it is dropped. */
static int program_kept(struct mon *m, struct tgm_image *img, char ***files)
{
    if (mon_program_free(m, *files) == 0)
        return 0;
    image_free(img);
    asm_sources_free(*files);
    *files = NULL;
    return -1;
}

int mon_read_program(struct mon *m, const char *path, struct tgm_image *img)
{
    return mon_read_program_files(m, path, img, NULL);
}

int mon_read_program_files(struct mon *m, const char *path, struct tgm_image *img,
                           char ***files)
{
    char head[259] = {0}, err[512]; /* enough to tell binary from text */
    if (files)
        *files = NULL;
    struct stat st;
    if (!*path) /* worded as every reader and writer refuses it */
        return mon_err(m, "expected a file name, got ''");
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return mon_err(m, "'%.*s%s' is a directory (give a program file)", MON_PATH_QUOTE(path));
    /* before it is read: a file the session writes later need not be a
     * program at all (an old log), and its errors would hide why */
    char *named[] = {(char *)path, NULL};
    if (files && mon_program_free(m, named) != 0)
        return -1;
    FILE *f = tgm_fopen_read(path);
    if (!f)
        return mon_err(m, "cannot open '%.*s%s': %s%s", MON_PATH_QUOTE(path), strerror(errno),
                       mon_quote_hint(path, errno));
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode))
        return read_stream_program(m, path, f, img);
    size_t got = fread(head, 1, sizeof head, f);
    fclose(f);
    if (is_image(path, head, got)) {
        if (image_read_file(path, img, err, sizeof err) != 0)
            return mon_err(m, "%s", err);
        if (files) { /* out of memory: the file is merely not guarded */
            *files = calloc(2, sizeof **files);
            if (*files && !((*files)[0] = strdup(path))) {
                free(*files);
                *files = NULL;
            }
        }
        return files ? program_kept(m, img, files) : 0;
    }
    fflush(m->out);
    char **read = NULL;
    /* the diagnostics wait: an include the session writes later (an old
     * log) is refused in one line, not assembled into errors of its own */
    char *diag = NULL;
    size_t dlen = 0;
    FILE *d = files ? open_memstream(&diag, &dlen) : NULL;
    int n = asm_assemble_file_sources(path, img, d ? d : m->err, NULL, &read);
    if (d)
        fclose(d);
    if (n && files && mon_program_free(m, read) != 0) {
        free(diag);
        asm_sources_free(read);
        return -1;
    }
    if (diag)
        fwrite(diag, 1, dlen, m->err);
    free(diag);
    if (n || !files)
        asm_sources_free(read);
    else
        *files = read;
    if (n)
        return source_errors(m, path, n);
    return files ? program_kept(m, img, files) : 0;
}

void mon_set_program_files(struct mon *m, int slot, char **files)
{
    asm_sources_free(m->prog_files[slot + 1]);
    m->prog_files[slot + 1] = files;
}
