/* assemble.c: the assembler's driver: layout, image, listing, entry points.
 *
 * Runs pass 1 over the source, places the image between the lowest and the
 * highest address emitted (section 2's E, with the entry PSW <M, P, R>),
 * runs pass 2, and hands back a tgm_image or every error found.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "asm_impl.h"

#include "tgm/bytes.h"
#include "tgm/image.h"

/* An allocation that fails inside an assembly gives the assembly up: back
 * to its entry point, which frees what it holds and reports "out of memory"
 * as an error of the source (an abort would take a monitor session, or a
 * command's one-line error, with it). */
static jmp_buf *oom_jump;

void asm_oom(void)
{
    if (oom_jump)
        longjmp(*oom_jump, 1);
    fputs("tgm: out of memory\n", stderr); /* no entry point set: unreachable */
    exit(2);
}

void *asm_grow(void *p, uint32_t *cap, uint32_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    uint32_t ncap = *cap ? *cap : 16;
    while (ncap < need)
        ncap *= 2;
    void *q = realloc(p, (size_t)ncap * elem);
    if (!q)
        asm_oom();
    *cap = ncap;
    return q;
}

char *asm_strndup(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (!d)
        asm_oom();
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void asm_ctx_free(struct asm_ctx *c)
{
    for (uint32_t i = 0; i < c->nfiles; i++) {
        free(c->files[i].name);
        free(c->files[i].text);
    }
    for (uint32_t i = 0; i < c->nsyms; i++)
        free(c->syms[i].name);
    for (uint32_t i = 0; i < c->ndiags; i++)
        free(c->diags[i].text);
    free(c->files);
    free(c->stmts);
    free(c->toks);
    free(c->strs);
    free(c->ctoks);
    free(c->syms);
    free(c->hash);
    free(c->fhash);
    free(c->diags);
    free(c->inc_name);
    free(c->inc_text);
    if (c->inc_file)
        fclose(c->inc_file);
    memset(c, 0, sizeof *c);
}

const char *asm_suggest_mnemonic(const char *unknown)
{
    if (!unknown) /* nothing typed: no guess */
        return NULL;
    struct tgm_suggest s;
    tgm_suggest_init(&s, unknown, strlen(unknown));
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (isa_table[op].name)
            tgm_suggest_offer(&s, isa_table[op].name);
    return tgm_suggest_result(&s);
}

/* --- between the passes ---------------------------------------------------- */

/* The statement's mnemonic or directive, for a diagnostic after pass 1. */
static const struct asm_tok *head_token(struct assembler *a, uint32_t si)
{
    struct asm_parts pt;
    asm_lex_line(&a->c, si);
    asm_classify(a, false, &pt);
    return &a->c.toks[pt.head];
}

/* The first offset at or above X that no statement has emitted yet (NEXT
 * is a union-find over the offsets: a claimed one points past itself). */
static uint32_t first_unclaimed(uint32_t *next, uint32_t x)
{
    uint32_t r = x;
    while (next[r] != r)
        r = next[r];
    while (next[x] != r) {
        uint32_t up = next[x];
        next[x] = r;
        x = up;
    }
    return r;
}

/* Place the image (lowest to highest address emitted) and check that no
 * word is emitted twice: each statement, in source order, against every
 * word emitted before it, naming the lowest address it emits again and the
 * statement that first emitted that one.  Each address is claimed once, so
 * this takes time in the span and the statements, not in their sizes. */
static void layout(struct assembler *a)
{
    struct asm_ctx *c = &a->c;
    uint32_t lo = UINT32_MAX, hi = 0;
    for (uint32_t si = 0; si < c->nstmts; si++)
        if (c->stmts[si].size) {
            lo = c->stmts[si].addr < lo ? c->stmts[si].addr : lo;
            hi = c->stmts[si].addr + c->stmts[si].size > hi ? c->stmts[si].addr + c->stmts[si].size
                                                           : hi;
        }
    if (lo == UINT32_MAX) {
        a->load = a->dot; /* an empty image sits where assembly ended */
        a->span = 0;
        return;
    }
    a->load = lo;
    a->span = hi - lo;
    /* owner after next, in one block the entry point frees on a longjmp */
    if (!(a->claims = malloc(((size_t)a->span * 2 + 1) * sizeof *a->claims)))
        asm_oom();
    uint32_t *next = a->claims, *owner = a->claims + a->span + 1;
    for (uint32_t x = 0; x <= a->span; x++)
        next[x] = x;
    for (uint32_t si = 0; si < c->nstmts; si++) {
        uint32_t x = c->stmts[si].addr - lo, end = x + c->stmts[si].size;
        /* a statement says its first error only; and after a failed .org,
         * overlaps are most likely its echo (those above it are not) */
        bool report = !c->stmts[si].bad && !(a->misplaced_at && si >= a->misplaced_at - 1);
        while (x < end) {
            uint32_t u = first_unclaimed(next, x);
            if (u > x && report) {
                char at[300];
                asm_where(c, owner[x], at, sizeof at);
                /* (lexed again only here: a line may be a megabyte) */
                asm_error_tok(c, head_token(a, si), "address 0x%05x already holds a word from %s",
                              lo + x, at);
                report = false;
            }
            if (u >= end)
                break;
            owner[u] = si;
            next[u] = u + 1;
            x = u + 1;
        }
    }
    free(a->claims);
    a->claims = NULL;
}

/* --- the image and the listing --------------------------------------------- */

static void build_image(struct assembler *a, struct tgm_image *img)
{
    struct asm_ctx *c = &a->c;
    *img = (struct tgm_image){.load = a->load, .nwords = a->span, .words = a->words,
                              .entry_psw = a->entry_psw};
    a->words = NULL;
    if (!a->entry_stmt)
        img->entry_psw = psw_pack(&(struct psw){.sup = true, .p = a->load & TGM_ADDR_MASK,
                                                .b = TGM_Q_MAX});
    uint32_t nsyms = 0;
    for (uint32_t i = 0; i < c->nsyms; i++)
        nsyms += c->syms[i].kind == SYM_LABEL || c->syms[i].kind == SYM_CONST;
    img->syms = calloc(nsyms ? nsyms : 1, sizeof *img->syms);
    if (!img->syms)
        asm_oom();
    img->nsyms = nsyms; /* the names not yet copied are NULL: image_free frees it */
    for (uint32_t i = 0, k = 0; i < c->nsyms; i++)
        if (c->syms[i].kind == SYM_LABEL || c->syms[i].kind == SYM_CONST)
            img->syms[k++] = (struct tgm_symbol){
                .name = asm_strndup(c->syms[i].name, c->syms[i].len), .value = c->syms[i].value,
                .kind = c->syms[i].kind == SYM_CONST ? TGM_SYM_CONST
                        : c->syms[i].phased          ? TGM_SYM_PHASED
                                                     : TGM_SYM_LABEL};
    image_sort_symbols(img);
}

/* Every source line in assembly order: address, word(s), line number, text. */
static void write_listing(const struct assembler *a, FILE *f)
{
    const struct asm_ctx *c = &a->c;
    uint32_t file = UINT32_MAX;
    for (uint32_t si = 0; si < c->nstmts; si++) {
        const struct asm_stmt *s = &c->stmts[si];
        const char *text = c->files[s->file].text + s->off;
        if (s->file != file) { /* one line, whatever the name holds */
            asm_diag_line(f, "; %s", c->files[s->file].name);
            fputc('\n', f);
        }
        file = s->file;
        const uint64_t *w = a->words + (s->addr - a->load);
        if (s->kind == ST_CONST)
            fprintf(f, "    =  %016llx  %5u  ", (unsigned long long)c->syms[s->sym].value,
                    s->line);
        else if (s->kind == ST_SPACE && s->size)
            fprintf(f, "%05x  %-16s  %5u  ", s->addr, "(zero words)", s->line);
        else if (s->size)
            fprintf(f, "%05x  %016llx  %5u  ", s->addr, (unsigned long long)w[0], s->line);
        else
            fprintf(f, "%5s  %16s  %5u  ", "", "", s->line);
        asm_put_text(f, text, s->len, false);
        fputc('\n', f);
        for (uint32_t i = 1; s->kind != ST_SPACE && i < s->size; i++)
            fprintf(f, "%05x  %016llx\n", s->addr + i, (unsigned long long)w[i]);
    }
}

/* --- entry points ---------------------------------------------------------- */

/* A zeroed A (zeroed by the caller, before its setjmp) */
static void assembler_init(struct assembler *a)
{
    asm_sym_add(&a->c, "SUP", 3, SYM_PREDEF, 1);
    asm_sym_add(&a->c, "USER", 4, SYM_PREDEF, 0);
}

static void add_file(struct asm_ctx *c, const char *name, char *text, size_t len)
{
    c->files = asm_grow(c->files, &c->capfiles, c->nfiles + 1, sizeof *c->files);
    char *copy = asm_strndup(name, strlen(name)); /* before TEXT is counted as held */
    c->files[c->nfiles++] = (struct asm_file){.name = copy, .text = text, .len = len};
}

static int assemble_run(struct assembler *a, const char *name, struct tgm_image *img, FILE *diag,
                        FILE *listing, char ***sources, volatile bool *built)
{
    struct asm_incl top = {.file = 0};
    struct stat st;
    if (stat(name, &st) == 0) {
        top.known = true;
        top.dev = st.st_dev;
        top.ino = st.st_ino;
    }
    asm_pass1_file(a, &top);
    layout(a);
    a->words = calloc(a->span ? a->span : 1, sizeof *a->words);
    if (!a->words)
        asm_oom();
    for (uint32_t si = 0; si < a->c.nstmts; si++)
        asm_pass2_line(a, si);
    int n = a->c.nerrors;
    asm_flush_diags(&a->c, diag);
    if (n == 0) {
        if (listing)
            write_listing(a, listing);
        *built = true;
        build_image(a, img);
        if (listing)
            fprintf(listing, "; load 0x%05x, %u word%s, entry PSW 0x%016llx, %u symbol%s\n",
                    img->load, img->nwords, img->nwords == 1 ? "" : "s",
                    (unsigned long long)img->entry_psw, img->nsyms, img->nsyms == 1 ? "" : "s");
    }
    if (sources) { /* the names change hands */
        if (!(*sources = calloc(a->c.nfiles + 1, sizeof **sources)))
            asm_oom();
        for (uint32_t i = 0; i < a->c.nfiles; i++) {
            (*sources)[i] = a->c.files[i].name;
            a->c.files[i].name = NULL;
        }
    }
    return n;
}

/* NAME's assembly ran out of memory: its one error, and errno ENOMEM
 * (asm.h).  1, the error count. */
static int oom_error(FILE *diag, const char *name)
{
    if (diag) {
        asm_diag_line(diag, "%s: error: out of memory", name);
        fputc('\n', diag);
    }
    errno = ENOMEM;
    return 1;
}

/* The whole of F, NUL-terminated (the length counts any NUL inside). */
int asm_read_all(FILE *f, size_t *max, char **text, size_t *len)
{
    /* a stream (/dev/zero, a pipe) may be endless; a regular file has a
     * size, and the source tgm dis writes for any valid image fits */
    struct stat st;
    bool reg = fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode);
    *max = reg ? ASM_FILE_MAX : ASM_SRC_MAX;
    if (reg && (uint64_t)st.st_size > *max)
        return -2;
    size_t n = 0, cap = reg ? (size_t)st.st_size + 8192 : 8192;
    char *buf = malloc(cap);
    if (!buf)
        return -1;
    errno = 0;
    for (;;) {
        if (cap - n < 4096) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                return -1;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
        if (n > *max) {
            free(buf);
            return -2;
        }
    }
    if (ferror(f)) {
        int err = errno ? errno : EIO; /* the caller names it; free may not keep it */
        free(buf);
        errno = err;
        return -1;
    }
    buf[n] = '\0';
    if (cap - n > 4096) { /* the slack read into, kept by every include */
        char *nb = realloc(buf, n + 1);
        if (nb)
            buf = nb;
    }
    *text = buf;
    *len = n;
    return 0;
}

/* Assemble TEXT (taken over) named NAME; the names of the files read go to
 * *SOURCES unless it is NULL.  Out of memory, an error of its own: *IMG is
 * left empty and nothing is held. */
static int assemble(const char *name, char *text, size_t len, struct tgm_image *img,
                    FILE *diag, FILE *listing, char ***sources)
{
    /* on the heap: what a longjmp finds in it is what was stored there
     * (a local changed after setjmp would be indeterminate, C11 7.13.2.1) */
    struct assembler *const a = calloc(1, sizeof *a);
    if (!a) {
        free(text);
        return oom_error(diag, name);
    }
    volatile bool built = false;
    jmp_buf here, *const up = oom_jump;
    if (setjmp(here)) {
        oom_jump = up;
        if (built)
            image_free(img);
        if (a->c.nfiles == 0)
            free(text); /* not yet held by the context */
        free(a->words);
        free(a->claims);
        asm_ctx_free(&a->c);
        free(a);
        return oom_error(diag, name);
    }
    oom_jump = &here;
    assembler_init(a);
    add_file(&a->c, name, text, len);
    int n = assemble_run(a, name, img, diag, listing, sources, &built);
    oom_jump = up;
    free(a->words);
    asm_ctx_free(&a->c);
    free(a);
    return n;
}

void asm_sources_free(char **sources)
{
    for (char **p = sources; p && *p; p++)
        free(*p);
    free(sources);
}

int asm_assemble_file_listing(const char *path, struct tgm_image *img, FILE *diag,
                              FILE *listing)
{
    return asm_assemble_file_sources(path, img, diag, listing, NULL);
}

int asm_assemble_file_sources(const char *path, struct tgm_image *img, FILE *diag,
                              FILE *listing, char ***sources)
{
    if (sources)
        *sources = NULL;
    FILE *f = tgm_fopen_read(path);
    char *text = NULL;
    size_t len = 0;
    int err = f ? 0 : errno;
    if (f) {
        errno = 0;
        size_t max;
        int rc = asm_read_all(f, &max, &text, &len);
        fclose(f);
        if (rc == -2) {
            if (diag) {
                asm_diag_line(diag, "%s: error: larger than %zu bytes, the limit for a source",
                              path, max);
                fputc('\n', diag);
            }
            return 1;
        }
        if (rc != 0)
            err = errno ? errno : EIO; /* a directory reads as EISDIR */
    }
    if (err) {
        if (diag) {
            /* out of memory said as the assembly's own (docs/robustness.md) */
            asm_diag_line(diag, "%s: error: %s", path,
                          err == ENOMEM ? "out of memory" : strerror(err));
            fputc('\n', diag);
        }
        return 1;
    }
    return assemble(path, text, len, img, diag, listing, sources);
}

int asm_assemble_file(const char *path, struct tgm_image *img, FILE *diag)
{
    return asm_assemble_file_listing(path, img, diag, NULL);
}

int asm_assemble_buffer(const char *name, const char *src, size_t len, struct tgm_image *img,
                        FILE *diag)
{
    if (len > ASM_SRC_MAX) {
        if (diag) {
            asm_diag_line(diag, "%s: error: larger than %zu bytes, the limit for a source", name,
                          ASM_SRC_MAX);
            fputc('\n', diag);
        }
        return 1;
    }
    char *text = malloc(len + 1);
    if (!text)
        return oom_error(diag, name);
    if (len) /* an empty source may be given as NULL */
        memcpy(text, src, len);
    text[len] = '\0';
    return assemble(name, text, len, img, diag, NULL, NULL);
}

int asm_assemble_string(const char *name, const char *src, struct tgm_image *img,
                        FILE *diag)
{
    size_t len = strlen(src);
    name = name ? name : "<string>";
    char *text = malloc(len + 1);
    if (!text)
        return oom_error(diag, name);
    memcpy(text, src, len + 1);
    return assemble(name, text, len, img, diag, NULL, NULL);
}

/* The word of asm_assemble_line's one statement. */
static int line_word(struct assembler *a, uint32_t addr, uint64_t *word)
{
    struct asm_ctx *c = &a->c;
    const struct asm_tok *t = c->toks;
    struct ev_result r;
    if (t[0].kind == TK_EOL) {
        asm_error_tok(c, t, "nothing to assemble");
        return -1;
    }
    if (t[0].kind == TK_IDENT) {
        if (asm_tok_punct(&t[1], ':') || asm_tok_punct(&t[1], '=')) {
            asm_error_tok(c, t, "labels and definitions cannot be assembled in place");
            return -1;
        }
        if (t[0].p[0] == '.' && t[0].len > 1) {
            if (t[0].len != 5 || strncasecmp(t[0].p, ".word", 5) != 0) {
                asm_error_tok(c, t, "only an instruction, '.word X' or an expression can be "
                                    "assembled in place, not '%.*s%s'", ASM_QUOTE(&t[0]));
                return -1;
            }
            if (asm_one_operand(a, 1, addr, EV_FINAL, &r) != EV_OK)
                return -1;
            *word = r.value;
            return 0;
        }
        struct asm_parts pt = {.head = 0, .ops = 1, .kind = ST_INSN, .info = asm_lookup_mnemonic(t)};
        if (pt.info)
            return asm_insn_operands(a, &pt, addr, EV_FINAL, word);
        /* a word that is no symbol, followed by no operator: a mnemonic typo */
        bool oper = t[1].kind == TK_PUNCT && t[1].punct != ',';
        if (!asm_tok_is(t, ".") && asm_sym_find(c, t->p, t->len) < 0 && !oper) {
            asm_classify(a, false, &pt);
            return -1;
        }
    }
    if (asm_one_operand(a, 0, addr, EV_FINAL, &r) != EV_OK)
        return -1;
    *word = r.value;
    return 0;
}

static int line_run(struct assembler *a, const char *line, uint32_t addr,
                    const struct tgm_image *syms, uint64_t *word)
{
    for (uint32_t i = 0; syms && i < syms->nsyms; i++) {
        const char *name = syms->syms[i].name;
        if (!strcmp(name, "."))
            continue; /* '.' always means the current address */
        int32_t idx = asm_sym_find(&a->c, name, strlen(name));
        if (idx < 0)
            idx = (int32_t)asm_sym_add(&a->c, name, strlen(name), SYM_EXTERN, 0);
        a->c.syms[idx].kind = SYM_EXTERN;
        a->c.syms[idx].value = syms->syms[i].value;
    }
    size_t len = strcspn(line, "\r\n");
    /* a line read with its line break is one line; more after it is not */
    bool more = line[len + strspn(line + len, "\r\n")] != '\0';
    /* held where asm_ctx_free finds it until the file list holds it: the
     * list may run out of memory growing */
    a->c.inc_text = asm_strndup(line, len);
    add_file(&a->c, "<line>", a->c.inc_text, len);
    a->c.inc_text = NULL;
    a->c.stmts = asm_grow(a->c.stmts, &a->c.capstmts, 1, sizeof *a->c.stmts);
    a->c.stmts[0] = (struct asm_stmt){.line = 1, .len = (uint32_t)len,
                                        .addr = addr, .dot = addr};
    a->c.nstmts = 1;
    int rc = -1;
    if (addr > TGM_ADDR_MASK)
        snprintf(a->c.err, a->c.errlen, "address 0x%x is outside memory (0..0x%x)", addr,
                 TGM_ADDR_MASK);
    else if (more)
        snprintf(a->c.err, a->c.errlen, "only one line can be assembled in place");
    else if (asm_lex_line(&a->c, 0) == 0)
        rc = line_word(a, addr, word);
    if (a->c.nerrors)
        rc = -1;
    return rc;
}

int asm_assemble_line(const char *line, uint32_t addr, const struct tgm_image *syms,
                      uint64_t *word, char *err, size_t errlen)
{
    char scratch[2];
    char *const msg = err && errlen ? err : scratch;
    const size_t msglen = err && errlen ? errlen : sizeof scratch;
    struct assembler *const a = calloc(1, sizeof *a); /* on the heap, as assemble() has it */
    if (!a) {
        snprintf(msg, msglen, "out of memory");
        return -1;
    }
    a->c.err = msg;
    a->c.errlen = msglen;
    a->c.err[0] = '\0';
    jmp_buf here, *const up = oom_jump;
    if (setjmp(here)) { /* as assemble() does; the message's buffer read from A */
        oom_jump = up;
        snprintf(a->c.err, a->c.errlen, "out of memory");
        asm_ctx_free(&a->c);
        free(a);
        return -1;
    }
    oom_jump = &here;
    assembler_init(a);
    int rc = line_run(a, line, addr, syms, word);
    oom_jump = up;
    asm_ctx_free(&a->c);
    free(a);
    return rc;
}
