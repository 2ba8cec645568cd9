/* dis.c: the disassembler: words back into source that reassembles exactly.
 *
 * Words are decoded with isa_decode, as the CPU of section 2 sees them, and
 * each operand is printed by its kind from the one instruction table.
 * dis_image adds .org, .entrypsw and every symbol, so that assembling its
 * output gives back the same image byte for byte.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm_impl.h"
#include "tgm/image.h"

/* A value's names for dis_word: the first by name among the symbols with
 * that value that may name it as an address (ADDR) or as a number (ANY). */
struct dis_name {
    uint64_t value;
    const char *addr, *any;
};

struct dis_index {
    struct dis_name *v; /* one per value, sorted by value */
    uint32_t n;
};

/* Symbols for operands: an index sorted by (value, name) when dis_image has
 * built one, names by value (IX) when dis_index_new has, else a scan of the
 * image's table (which may be in any order). */
struct dis_syms {
    const struct tgm_image *img;
    const struct tgm_symbol **sorted;
    uint32_t n;
    const struct dis_index *ix;
    /* whether symbol kinds decide (dis_word): a whole listing (dis_image)
     * writes every symbol as a label or a definition that assembles to no
     * kind, so it ignores them, and listing its own output gives it back */
    bool kinds;
};

static int symp_cmp(const void *x, const void *y)
{
    const struct tgm_symbol *a = *(const struct tgm_symbol *const *)x;
    const struct tgm_symbol *b = *(const struct tgm_symbol *const *)y;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return strcmp(a->name, b->name);
}

/* May Y name an operand?  '.' never: in an operand it means the current
 * address.  An address or target only by a label of an image address: a
 * constant's value, or a label inside .phase (where the moved code runs),
 * is no name for the word at that address.  An image file does not say
 * which kind a symbol is (TGM_SYM_UNKNOWN), so any of its symbols may. */
static bool may_name(const struct tgm_symbol *y, bool addr)
{
    return strcmp(y->name, ".") != 0 &&
           !(addr && (y->kind == TGM_SYM_CONST || y->kind == TGM_SYM_PHASED));
}

/* The name to print for VALUE: the first by name among the symbols with
 * that value that may name it (ADDR: an address or target operand). */
static const char *sym_name(const struct dis_syms *s, uint64_t value, bool addr)
{
    if (s && s->ix) {
        uint32_t lo = 0, hi = s->ix->n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (s->ix->v[mid].value < value)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == s->ix->n || s->ix->v[lo].value != value)
            return NULL;
        return addr ? s->ix->v[lo].addr : s->ix->v[lo].any;
    }
    if (!s || !s->img)
        return NULL;
    if (s->sorted) {
        uint32_t lo = 0, hi = s->n;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (s->sorted[mid]->value < value)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (; lo < s->n && s->sorted[lo]->value == value; lo++)
            if (may_name(s->sorted[lo], addr && s->kinds))
                return s->sorted[lo]->name;
        return NULL;
    }
    const char *best = NULL;
    for (uint32_t i = 0; i < s->img->nsyms; i++) {
        const struct tgm_symbol *y = &s->img->syms[i];
        if (y->value == value && may_name(y, addr && s->kinds) &&
            (!best || strcmp(y->name, best) < 0))
            best = y->name;
    }
    return best;
}

static bool format_word(uint64_t word, const struct dis_syms *syms, char *buf, size_t len)
{
    struct insn d = isa_decode(word);
    if (!d.ok) {
        snprintf(buf, len, ".word 0x%016" PRIx64, word);
        return false;
    }
    const uint8_t *kinds = isa_format_kinds[d.info->format];
    const uint32_t field[3] = {d.a, d.b, d.c};
    size_t used = (size_t)snprintf(buf, len, "%s", d.info->name);
    for (int f = 0, k = 0; f < 3; f++) {
        if (kinds[f] == OK_NONE)
            continue;
        char op[80];
        const char *name = NULL;
        if (kinds[f] == OK_IMM || kinds[f] == OK_IMM38)
            snprintf(op, sizeof op, "%" PRId64, d.imm);
        else if ((name = sym_name(syms, field[f], kinds[f] != OK_NUM)))
            snprintf(op, sizeof op, "%s", name);
        else
            snprintf(op, sizeof op, "0x%" PRIx32, field[f]);
        /* mnemonic padded to 6 columns, then the operands */
        if (used < len)
            used += (size_t)snprintf(buf + used, len - used, "%*s%s", k ? 0 : (int)(7 - used),
                                     k ? ", " : "", op);
        k++;
    }
    return true;
}

bool dis_word(uint64_t word, uint32_t addr, const struct tgm_image *syms, char *buf,
              size_t len)
{
    (void)addr; /* operands are absolute: the address changes nothing yet */
    struct dis_syms s = {.img = syms, .kinds = true};
    return format_word(word, &s, buf, len);
}

/* SYMS sorted by (value, name) into *OUT (NULL for none); -1 when memory
 * runs out. */
static int sort_syms(const struct tgm_image *syms, const struct tgm_symbol ***out)
{
    *out = malloc((syms->nsyms ? syms->nsyms : 1) * sizeof **out);
    if (!*out)
        return -1;
    for (uint32_t i = 0; i < syms->nsyms; i++)
        (*out)[i] = &syms->syms[i];
    qsort(*out, syms->nsyms, sizeof **out, symp_cmp);
    return 0;
}

struct dis_index *dis_index_new(const struct tgm_image *syms)
{
    const struct tgm_symbol **sorted;
    struct dis_index *ix = calloc(1, sizeof *ix);
    if (!ix || sort_syms(syms, &sorted) != 0) {
        free(ix);
        return NULL;
    }
    ix->v = malloc((syms->nsyms ? syms->nsyms : 1) * sizeof *ix->v);
    if (!ix->v) {
        free(sorted);
        free(ix);
        return NULL;
    }
    /* as sym_name's scan: within a value, the first by name that may */
    for (uint32_t i = 0; i < syms->nsyms; i++) {
        const struct tgm_symbol *y = sorted[i];
        struct dis_name *d = &ix->v[ix->n ? ix->n - 1 : 0];
        if (!ix->n || d->value != y->value) {
            d = &ix->v[ix->n++];
            *d = (struct dis_name){.value = y->value};
        }
        if (!d->addr && may_name(y, true))
            d->addr = y->name;
        if (!d->any && may_name(y, false))
            d->any = y->name;
    }
    free(sorted);
    return ix;
}

void dis_index_free(struct dis_index *ix)
{
    if (ix)
        free(ix->v);
    free(ix);
}

bool dis_word_indexed(uint64_t word, uint32_t addr, const struct dis_index *ix, char *buf,
                      size_t len)
{
    (void)addr;
    struct dis_syms s = {.ix = ix, .kinds = true};
    return format_word(word, &s, buf, len);
}

/* A symbol definition that is not a label: name = value.  '.' can only be
 * defined with .equ, since '. = x' reads as an attempt to move '.'. */
static void put_constant(FILE *out, const struct tgm_symbol *y)
{
    char def[128];
    if (strcmp(y->name, ".") == 0)
        snprintf(def, sizeof def, ".equ ., 0x%" PRIx64, y->value);
    else
        snprintf(def, sizeof def, "%s = 0x%" PRIx64, y->name, y->value);
    fprintf(out, "%-48s ; %" PRIu64 "\n", def, y->value);
}

int dis_image(const struct tgm_image *img, FILE *out)
{
    struct dis_syms s = {.img = img, .n = img->nsyms};
    if (sort_syms(img, &s.sorted) != 0)
        return -1;

    uint64_t end = (uint64_t)img->load + img->nwords;
    struct psw p = psw_unpack(img->entry_psw);
    char line[256]; /* three 63-character operands fit */
    if (img->nwords)
        fprintf(out, "; tgm disassembly: %" PRIu32 " word%s at 0x%05" PRIx32 "..0x%05" PRIx64,
                img->nwords, img->nwords == 1 ? "" : "s", img->load, end - 1);
    else
        fprintf(out, "; tgm disassembly: an empty image at 0x%05" PRIx32, img->load);
    fprintf(out, ", %" PRIu32 " symbol%s\n; assembling this file gives back the identical image\n",
            img->nsyms, img->nsyms == 1 ? "" : "s");
    snprintf(line, sizeof line, ".org 0x%" PRIx32, img->load);
    fprintf(out, "        %-40s ; load address\n", line);
    snprintf(line, sizeof line, ".entrypsw 0x%016" PRIx64, img->entry_psw);
    fprintf(out, "        %-40s ; S=%d I=%d P=0x%05" PRIx32 " R=(0x%05" PRIx32 ", 0x%05" PRIx32 ")\n",
            line, p.sup, p.ie, p.p, p.l, p.b);

    /* symbols outside the image, and '.', are constants */
    uint32_t k = 0;
    for (uint32_t i = 0; i < s.n; i++) {
        const struct tgm_symbol *y = s.sorted[i];
        if (y->value < img->load || y->value >= end || strcmp(y->name, ".") == 0)
            put_constant(out, y);
    }
    for (uint32_t i = 0; i < img->nwords; i++) {
        uint64_t addr = (uint64_t)img->load + i;
        for (; k < s.n && s.sorted[k]->value <= addr; k++)
            if (s.sorted[k]->value == addr && strcmp(s.sorted[k]->name, ".") != 0)
                fprintf(out, "%s:\n", s.sorted[k]->name);
        format_word(img->words[i], &s, line, sizeof line);
        fprintf(out, "        %-40s ; %05" PRIx64 ": %016" PRIx64 "\n", line, addr, img->words[i]);
    }
    free(s.sorted);
    return ferror(out) ? -1 : 0;
}
