/* labels.c: the names the monitor shows for addresses and operands, and
 * the symbols it finds by name.
 *
 * A listing ('x/Ni', a trace, 'break list') names every word's address and
 * its operands.  Scanning the whole symbol table for each made a listing of
 * an image with a label per word quadratic (and every 'break' scanned it
 * for the name typed), so each machine's symbols are indexed by value and
 * by name when first looked up, and again after they change (the
 * index is keyed by the table it was built from, and dropped by whatever
 * replaces a table).  The names chosen are the scan's, tie rules included.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/asm.h"

/* the label mon_label gives for VALUE (NULL: none) */
struct mon_label_ent {
    uint64_t value;
    const char *name;
};

/* a symbol's name and place in its table */
struct named {
    const char *name;
    uint32_t i;
};

struct mon_symix {
    const struct tgm_symbol *syms; /* the table it was built from */
    uint32_t nsyms;
    bool built;
    struct mon_label_ent *v; /* sorted by value, one per value */
    uint32_t n;
    struct dis_index *dis;
    struct named *by_name; /* sorted by (name, place) */
};

#define SYMIX_SLOTS (1 + VMM_MAX_VMS) /* the bare machine's, then each VM's */

/* Is NAME written like a constant (K_NEG, N)?  A label is preferred. */
static bool constant_like(const char *name)
{
    for (const char *c = name; *c; c++)
        if (islower((unsigned char)*c))
            return false;
    return true;
}

/* Of two symbols with one value, may S be mon_label's answer, and would it
 * be taken at once (*FIRM) or only if no firm one follows? */
static bool label_candidate(const struct tgm_symbol *s, bool *firm)
{
    if (s->kind == TGM_SYM_CONST || s->kind == TGM_SYM_PHASED)
        return false;
    *firm = s->kind == TGM_SYM_LABEL || !constant_like(s->name);
    return true;
}

/* A constant the assembler defined never names an address, nor a label
 * inside .phase (its value is where the code runs, relocated or moved, not
 * this word: examples/os's processes' labels are not the kernel's).  An
 * image file does not say which symbols are labels, so among those of
 * unknown kind one not written like a constant is preferred; among equals,
 * the first in the table. */
static const char *label_scan(const struct tgm_image *syms, uint32_t addr)
{
    const char *best = NULL;
    for (uint32_t i = 0; syms && i < syms->nsyms; i++) {
        const struct tgm_symbol *s = &syms->syms[i];
        bool firm;
        if (s->value != addr || !label_candidate(s, &firm))
            continue;
        if (firm)
            return s->name;
        if (!best)
            best = s->name;
    }
    return best;
}

static void symix_clear(struct mon_symix *x)
{
    free(x->v);
    free(x->by_name);
    dis_index_free(x->dis);
    *x = (struct mon_symix){0};
}

void mon_symix_forget(struct mon *m)
{
    for (int i = 0; m->symix && i < SYMIX_SLOTS; i++)
        symix_clear(&m->symix[i]);
}

void mon_symix_free(struct mon *m)
{
    mon_symix_forget(m);
    free(m->symix);
    m->symix = NULL;
}

/* a symbol's value and place in its table: sorted, the symbols of one
 * value in table order, as label_scan meets them */
struct ord {
    uint64_t value;
    uint32_t i;
};

static int ord_cmp(const void *x, const void *y)
{
    const struct ord *a = x, *b = y;
    if (a->value != b->value)
        return a->value < b->value ? -1 : 1;
    return a->i < b->i ? -1 : a->i > b->i;
}

static int name_cmp(const void *x, const void *y)
{
    const struct named *a = x, *b = y;
    int c = strcmp(a->name, b->name);
    return c ? c : a->i < b->i ? -1 : a->i > b->i;
}

static int symix_build(struct mon_symix *x, const struct tgm_image *syms)
{
    uint32_t n = syms->nsyms;
    struct ord *ord = malloc((n ? n : 1) * sizeof *ord);
    x->v = malloc((n ? n : 1) * sizeof *x->v);
    x->by_name = malloc((n ? n : 1) * sizeof *x->by_name);
    x->dis = dis_index_new(syms);
    if (!ord || !x->v || !x->by_name || !x->dis) {
        free(ord);
        symix_clear(x);
        return -1;
    }
    for (uint32_t i = 0; i < n; i++)
        ord[i] = (struct ord){syms->syms[i].value, i};
    qsort(ord, n, sizeof *ord, ord_cmp);
    for (uint32_t i = 0; i < n;) {
        uint64_t value = ord[i].value;
        const char *best = NULL, *firm_one = NULL;
        for (; i < n && ord[i].value == value; i++) {
            const struct tgm_symbol *s = &syms->syms[ord[i].i];
            bool firm;
            if (firm_one || !label_candidate(s, &firm))
                continue;
            if (firm)
                firm_one = s->name;
            else if (!best)
                best = s->name;
        }
        x->v[x->n++] = (struct mon_label_ent){value, firm_one ? firm_one : best};
    }
    free(ord);
    for (uint32_t i = 0; i < n; i++)
        x->by_name[i] = (struct named){syms->syms[i].name, i};
    qsort(x->by_name, n, sizeof *x->by_name, name_cmp);
    x->syms = syms->syms;
    x->nsyms = n;
    x->built = true;
    return 0;
}

/* The index of SYMS, one of M's tables, built if need be; NULL for another
 * table, or when memory ran out (the caller scans). */
static struct mon_symix *symix_of(const struct mon *m, const struct tgm_image *syms)
{
    size_t slot;
    uintptr_t d = (uintptr_t)syms - (uintptr_t)m->vm_img;
    if (syms == &m->bare_img)
        slot = 0;
    else if (d < sizeof m->vm_img && d % sizeof m->vm_img[0] == 0)
        slot = 1 + d / sizeof m->vm_img[0];
    else
        return NULL;
    struct mon *w = (struct mon *)m; /* a cache: what M shows is unchanged */
    if (!w->symix && !(w->symix = calloc(SYMIX_SLOTS, sizeof *w->symix)))
        return NULL;
    struct mon_symix *x = &w->symix[slot];
    if (x->built && (x->syms != syms->syms || x->nsyms != syms->nsyms))
        symix_clear(x);
    if (!x->built && symix_build(x, syms) != 0)
        return NULL;
    return x;
}

const char *mon_label(const struct mon *m, const struct tgm_image *syms, uint32_t addr)
{
    if (!syms || !syms->nsyms)
        return NULL;
    const struct mon_symix *x = symix_of(m, syms);
    if (!x)
        return label_scan(syms, addr);
    uint32_t lo = 0, hi = x->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (x->v[mid].value < addr)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < x->n && x->v[lo].value == addr ? x->v[lo].name : NULL;
}

const struct tgm_symbol *mon_symbol(const struct mon *m, const struct tgm_image *syms,
                                    const char *name)
{
    if (!syms || !syms->nsyms)
        return NULL;
    const struct mon_symix *x = symix_of(m, syms);
    if (!x)
        return image_symbol(syms, name);
    /* the first of that name in the table, as image_symbol's scan finds */
    uint32_t lo = 0, hi = x->nsyms;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (strcmp(x->by_name[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < x->nsyms && !strcmp(x->by_name[lo].name, name))
        return &syms->syms[x->by_name[lo].i];
    return NULL;
}

bool mon_dis_word(const struct mon *m, const struct machine *x, uint64_t word, uint32_t addr,
                  const struct tgm_image *syms, char *buf, size_t len)
{
    /* docs/isa.md: an opcode that is not an instruction of the machine's
     * profile (JRSTU, LRA, MFPI by default) is shown as .word; only
     * 'tgm dis', which knows no profile, names them */
    struct insn in = isa_decode(word);
    if (x && in.ok && machine_profile(x)->beh[in.op] == BEH_ABSENT) {
        snprintf(buf, len, ".word 0x%016llx", (unsigned long long)word);
        return false;
    }
    const struct mon_symix *ix = syms && syms->nsyms ? symix_of(m, syms) : NULL;
    return ix ? dis_word_indexed(word, addr, ix->dis, buf, len)
              : dis_word(word, addr, syms, buf, len);
}
