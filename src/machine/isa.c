/* isa.c: the instruction table, the PSW word, and the pure decoder.
 *
 * Section 2: the PSW <M, P, R> fits one storage word; an instruction is a
 * function of the state alone.  Everything is derived from insns.def.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "tgm/isa.h"

const struct insn_info isa_table[ISA_NOPS] = {
#define INSN(nm, opc, fmt, cls_, cyc, syn) \
    [opc] = {.name = #nm, .op = opc, .format = fmt, .cls = cls_, .cycles = cyc, .synopsis = syn},
#include "tgm/insns.def"
#undef INSN
};

const uint8_t isa_format_kinds[FMT_COUNT][3] = {
    [FMT_N] = {OK_NONE, OK_NONE, OK_NONE},
    [FMT_A] = {OK_ADDR, OK_NONE, OK_NONE},
    [FMT_AB] = {OK_ADDR, OK_ADDR, OK_NONE},
    [FMT_ABC] = {OK_ADDR, OK_ADDR, OK_ADDR},
    [FMT_ABI] = {OK_ADDR, OK_ADDR, OK_IMM},
    [FMT_AL] = {OK_ADDR, OK_IMM38, OK_NONE},
    [FMT_T] = {OK_TGT, OK_NONE, OK_NONE},
    [FMT_AT] = {OK_ADDR, OK_TGT, OK_NONE},
    [FMT_ABT] = {OK_ADDR, OK_ADDR, OK_TGT},
    [FMT_K] = {OK_NUM, OK_NONE, OK_NONE},
    [FMT_ANA] = {OK_ADDR, OK_NUM, OK_ADDR},
    [FMT_NAA] = {OK_NUM, OK_ADDR, OK_ADDR},
    [FMT_NA] = {OK_NUM, OK_ADDR, OK_NONE},
    [FMT_AN] = {OK_ADDR, OK_NUM, OK_NONE},
};

/* Unused fields per format, derived from the kinds above (an imm38 in B
 * spans C too, so C is used even though its kind is NONE); a test checks
 * the two tables agree. */
#define MA (ISA_FIELD << ISA_A_SHIFT)
#define MB (ISA_FIELD << ISA_B_SHIFT)
#define MC (ISA_FIELD << ISA_C_SHIFT)
static const uint64_t format_mbz[FMT_COUNT] = {
    [FMT_N] = MA | MB | MC, [FMT_A] = MB | MC, [FMT_AB] = MC, [FMT_ABC] = 0,
    [FMT_ABI] = 0, [FMT_AL] = 0, [FMT_T] = MB | MC, [FMT_AT] = MC, [FMT_ABT] = 0,
    [FMT_K] = MB | MC, [FMT_ANA] = 0, [FMT_NAA] = 0, [FMT_NA] = MC, [FMT_AN] = MC,
};

uint64_t isa_mbz_mask(enum insn_format fmt)
{
    return format_mbz[fmt];
}

struct insn isa_decode(uint64_t word)
{
    struct insn d = {.op = (uint8_t)GET_OP(word), .a = GET_A(word),
                     .b = GET_B(word), .c = GET_C(word)};
    const struct insn_info *info = &isa_table[d.op];
    if (info->name == NULL || (word & isa_mbz_mask(info->format)) != 0)
        return d;
    d.ok = true;
    d.info = info;
    if (info->format == FMT_ABI)
        d.imm = GET_IMM(word);
    else if (info->format == FMT_AL)
        d.imm = GET_IMM38(word);
    return d;
}

const struct insn_info *isa_lookup(const char *mnemonic)
{
    if (!mnemonic) /* no name is no mnemonic, as isa_profile_find takes it */
        return NULL;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (isa_table[op].name && strcasecmp(isa_table[op].name, mnemonic) == 0)
            return &isa_table[op];
    return NULL;
}

static const struct isa_wordfn wordfns[] = {
    {"psw", 4, "m, p, l, b", {1, TGM_ADDR_MASK, TGM_ADDR_MASK, TGM_Q_MAX}},
    {"pswi", 4, "m, p, l, b", {1, TGM_ADDR_MASK, TGM_ADDR_MASK, TGM_Q_MAX}},
    {"rb", 2, "l, b", {TGM_ADDR_MASK, TGM_Q_MAX}},
};

const struct isa_wordfn *isa_wordfn_find(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof wordfns / sizeof wordfns[0]; i++)
        if (strlen(wordfns[i].name) == len && strncasecmp(wordfns[i].name, name, len) == 0)
            return &wordfns[i];
    return NULL;
}

const struct isa_wordfn *isa_wordfn_at(size_t i)
{
    return i < sizeof wordfns / sizeof wordfns[0] ? &wordfns[i] : NULL;
}

int isa_wordfn_apply(const struct isa_wordfn *fn, const uint64_t *arg, unsigned n,
                     uint64_t *word, char *err, size_t errlen)
{
    if (n != fn->nargs) {
        snprintf(err, errlen, "%s takes %u arguments (%s), got %u", fn->name, fn->nargs,
                 fn->args, n);
        return n > INT_MAX ? INT_MAX : (int)n; /* never -1, the answer for a word */
    }
    for (unsigned i = 0; i < n; i++)
        if (arg[i] > fn->max[i]) { /* a negative value as the user wrote it */
            char shown[32];
            if (arg[i] >> 63)
                snprintf(shown, sizeof shown, "%lld", (long long)arg[i]);
            else
                snprintf(shown, sizeof shown, "%llu", (unsigned long long)arg[i]);
            snprintf(err, errlen, "%s: %c = %s is out of range 0..%llu", fn->name,
                     fn->args[3 * i], shown, (unsigned long long)fn->max[i]);
            return (int)i;
        }
    if (n == 2) {
        *word = r_pack((uint32_t)arg[0], (uint32_t)arg[1]);
    } else {
        struct psw p = {.sup = arg[0], .ie = fn->name[3] == 'i', .p = (uint32_t)arg[1],
                        .l = (uint32_t)arg[2], .b = (uint32_t)arg[3]};
        *word = psw_pack(&p);
    }
    return -1;
}
