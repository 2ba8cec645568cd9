/* nest.c: stacks of the machine-code control program (section 7, Theorem 2).
 *
 * nest_compose builds "CP + guest" recursively as one image; nest_learn
 * reads the CP's map f_k from its symbol table; nest_level_read and
 * nest_top_state apply the inverse map g level by level to a real machine's
 * memory, which is how tgm check --nest compares f^N(S_bare) with the stack.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/asm.h"
#include "tgm/bytes.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

/* examples/vmm/cp.s, embedded by the build (build/gen/cp_source.c). */
extern const char nest_cp_source[];

int nest_cp_image(struct tgm_image *out, char *err, size_t errlen)
{
    char *diag = NULL;
    size_t dlen = 0;
    FILE *f = open_memstream(&diag, &dlen);
    if (!f)
        return tgm_err(err, errlen, "cp.s: out of memory");
    int rc = asm_assemble_string("cp.s", nest_cp_source, out, f);
    fclose(f);
    if (rc != 0) {
        char *nl = diag ? strchr(diag, '\n') : NULL;
        if (nl)
            *nl = '\0';
        tgm_err(err, errlen, "built-in control program: %s", diag ? diag : "assembly failed");
    }
    free(diag);
    return rc == 0 ? 0 : -1;
}

int nest_learn(const struct tgm_image *cp, struct nest_map *map, char *err, size_t errlen)
{
    static const struct {
        const char *name;
        size_t off;
    } want[] = {
        {"cp_guest", offsetof(struct nest_map, k)},
        {"cp_w", offsetof(struct nest_map, w)},
        {"cp_vpsw", offsetof(struct nest_map, vpsw0)},
        {"vpsw", offsetof(struct nest_map, vpsw)},
        {"vtarm", offsetof(struct nest_map, vtarm)},
        {"vrem", offsetof(struct nest_map, vrem)},
        {"vtpend", offsetof(struct nest_map, vtpend)},
        {"n_entries", offsetof(struct nest_map, entries)},
        {"n_interp", offsetof(struct nest_map, interp)},
        {"n_reflect", offsetof(struct nest_map, reflect)},
        {"n_vtimer", offsetof(struct nest_map, vtimer)},
        {"n_steps", offsetof(struct nest_map, steps)},
        {"n_cause", offsetof(struct nest_map, causes)},
        {"n_rtrap", offsetof(struct nest_map, rtraps)},
        {"last_trap", offsetof(struct nest_map, last_trap)},
    };
    struct nest_map m = {0};
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const struct tgm_symbol *s = image_symbol(cp, want[i].name);
        if (!s)
            return tgm_err(err, errlen, "control program image has no symbol '%s'",
                           want[i].name);
        *(uint32_t *)((char *)&m + want[i].off) = (uint32_t)s->value;
    }
    /* every record word lies inside the CP, which lies below K */
    uint32_t end = cp->load + cp->nwords;
    if (cp->load != 0 || m.k < end || m.k < TGM_Q_MIN)
        return tgm_err(err, errlen, "control program image must load at 0 and end "
                       "below cp_guest (0x%x)", (unsigned)m.k);
    for (size_t i = 1; i < sizeof want / sizeof want[0]; i++) {
        uint32_t at = *(const uint32_t *)((const char *)&m + want[i].off);
        bool table = want[i].off == offsetof(struct nest_map, causes) ||
                     want[i].off == offsetof(struct nest_map, rtraps);
        uint32_t size = table ? TRAP_NCAUSES : 1;
        if (at + size > end)
            return tgm_err(err, errlen, "control program symbol '%s' lies outside it",
                           want[i].name);
    }
    /* cp.s marks vpsw as not yet written (cause bits, which a record never
     * has); an edited CP without the mark falls back to "nonzero or entered",
     * which cannot tell an entry PSW of 0 from no boot */
    m.vpsw_mark = (cp->words[m.vpsw] >> PSW_CAUSE_SHIFT & 0xF) != 0;
    *map = m;
    return 0;
}

/* The layout of DEPTH levels of the CP MAP describes in Q words, with a
 * guest of NEED words (at least TGM_Q_MIN) on top; -1 with ERR if it does
 * not fit. */
static int layout(const struct nest_map *map, unsigned depth, uint32_t q, uint64_t need,
                  struct nest_layout *lay, char *err, size_t errlen)
{
    /* an explicit -1: static analyzers do not follow the variadic tgm_err,
     * and took *LAY as possibly set after it */
    if (depth < 1 || depth > NEST_MAX_DEPTH) {
        tgm_err(err, errlen, "nesting depth %u is outside 1..%u", depth, NEST_MAX_DEPTH);
        return -1;
    }
    uint64_t top_base = (uint64_t)depth * map->k;
    if (need < TGM_Q_MIN)
        need = TGM_Q_MIN;
    if (q > TGM_Q_MAX || top_base + need > q) {
        tgm_err(err, errlen,
                "%u level%s of the control program (%u words each) and the guest "
                "(%llu words) do not fit in %u words",
                depth, depth == 1 ? "" : "s", (unsigned)map->k, (unsigned long long)need,
                (unsigned)q);
        return -1;
    }
    *lay = (struct nest_layout){depth, q, (uint32_t)top_base, (uint32_t)(q - top_base), *map};
    return 0;
}

int nest_compose(const struct tgm_image *cp, const struct tgm_image *guest, unsigned depth,
                 uint32_t q, struct tgm_image *out, struct nest_layout *lay, char *err,
                 size_t errlen)
{
    struct nest_map map = {0};
    struct nest_layout l;
    if (nest_learn(cp, &map, err, errlen) != 0 ||
        layout(&map, depth, q, (uint64_t)guest->load + guest->nwords, &l, err, errlen) != 0)
        return -1;
    uint32_t top_base = l.top_base;
    uint32_t n = (uint32_t)(top_base + guest->load + guest->nwords);
    uint64_t *words = calloc(n, sizeof *words);
    struct tgm_symbol *syms = calloc(cp->nsyms ? cp->nsyms : 1, sizeof *syms);
    if (!words || !syms) {
        free(words);
        free(syms);
        return tgm_err(err, errlen, "out of memory composing %u words", (unsigned)n);
    }
    /* level d (d = depth .. 1) sits at (depth - d) * K and hosts w words */
    uint64_t entry = guest->entry_psw;
    for (unsigned d = 1; d <= depth; d++) {
        uint32_t base = (depth - d) * map.k;
        uint64_t *cw = words + base;
        memcpy(cw, cp->words, (size_t)cp->nwords * sizeof *cw);
        cw[map.w] = q - base - map.k;
        cw[map.vpsw0] = entry;
        entry = cp->entry_psw; /* the level above boots the CP below it */
    }
    if (guest->nwords) /* an empty image may have no words array at all */
        memcpy(words + top_base + guest->load, guest->words,
               (size_t)guest->nwords * sizeof *words);
    for (uint32_t i = 0; i < cp->nsyms; i++) {
        syms[i] = cp->syms[i];
        syms[i].name = strdup(cp->syms[i].name);
        if (!syms[i].name) {
            for (uint32_t j = 0; j < i; j++)
                free(syms[j].name);
            free(syms);
            free(words);
            return tgm_err(err, errlen, "out of memory composing symbols");
        }
    }
    *out = (struct tgm_image){0, n, cp->entry_psw, words, cp->nsyms, syms};
    *lay = l;
    return 0;
}

int nest_layout_of(unsigned depth, uint32_t q, struct nest_layout *lay, char *err,
                   size_t errlen)
{
    struct tgm_image cp;
    struct nest_map map = {0};
    if (nest_cp_image(&cp, err, errlen) != 0)
        return -1;
    int rc = nest_learn(&cp, &map, err, errlen);
    image_free(&cp);
    return rc != 0 ? -1 : layout(&map, depth, q, 0, lay, err, errlen);
}

uint32_t nest_guest_most(unsigned depth, bool on_vmm)
{
    struct nest_layout lay;
    char err[64];
    return nest_layout_of(depth, on_vmm ? VMM_W_MAX : TGM_Q_MAX, &lay, err, sizeof err) == 0
               ? lay.top_w
               : TGM_Q_MAX;
}

bool nest_intact(const struct nest_layout *lay, const struct machine *m)
{
    if (machine_q(m) != lay->q)
        return false;
    const uint64_t *E = machine_mem(m);
    for (unsigned d = 1; d <= lay->depth; d++) {
        uint32_t base = (lay->depth - d) * lay->map.k;
        if (E[base + lay->map.w] != lay->q - base - lay->map.k)
            return false;
    }
    return true;
}

void nest_level_read(const struct nest_layout *lay, const uint64_t *E, unsigned level,
                     struct nest_level *out)
{
    const struct nest_map *m = &lay->map;
    uint32_t base = (lay->depth - level) * m->k;
    const uint64_t *c = E + base;
    uint64_t v = c[m->vpsw];
    bool started = m->vpsw_mark ? (v >> PSW_CAUSE_SHIFT & 0xF) == 0
                                : v != 0 || c[m->entries] != 0;
    *out = (struct nest_level){
        .level = level,
        .base = base,
        .w = lay->q - base - m->k,
        .gbase = base + m->k,
        .started = started,
        .vpsw = started ? psw_unpack(v) : (struct psw){0},
        .tarm = c[m->vtarm] != 0,
        .tpend = c[m->vtpend] != 0,
        .trem = (int64_t)c[m->vrem],
        .entries = c[m->entries],
        .interp = c[m->interp],
        .reflect = c[m->reflect],
        .vtimer = c[m->vtimer],
        .steps = c[m->steps],
    };
    for (unsigned i = 0; i < TRAP_NCAUSES; i++) {
        out->causes[i] = c[m->causes + i];
        out->rtraps[i] = c[m->rtraps + i];
    }
    out->last_trap = (uint8_t)(c[m->last_trap] < TRAP_NCAUSES ? c[m->last_trap] : 0);
}

int nest_top_state(const struct nest_layout *lay, const struct machine *real,
                   struct machine *out)
{
    const uint64_t *E = machine_mem(real);
    for (uint32_t i = 0; i < lay->top_w; i++)
        machine_write_phys(out, i, E[lay->top_base + i]);
    struct nest_level l1;
    nest_level_read(lay, E, 1, &l1);
    machine_set_psw(out, psw_pack(&l1.vpsw));
    bool armed = l1.tarm && !l1.tpend; /* pending: an expiry disarmed it */
    machine_set_timer(out, &(struct machine_timer){armed, l1.tpend, armed ? l1.trem : 0});
    size_t len;
    const uint8_t *con = machine_console_output(real, &len);
    for (size_t i = 0; i < len; i++)
        machine_console_put(out, con[i]);
    machine_console_add_dropped(out, machine_console_dropped(real));
    /* the input as the guest has it: all queued, as much of it read */
    size_t used = machine_console_input_used(real), in = machine_console_input_len(real);
    int rc = machine_console_input(out, machine_console_input_bytes(real), in);
    for (size_t i = 0; rc == 0 && i < used; i++)
        machine_console_get(out);
    /* a state without the input read, or with output lost, is not the
     * guest's: compared, it would differ where the guest did not */
    return rc == 0 && !machine_console_lost(out) ? 0 : -1;
}
