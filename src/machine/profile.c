/* profile.c: instruction-set profiles over the one instruction table.
 *
 * A profile says, per opcode, how it behaves in user mode (privileged,
 * direct, masked, absent) and what class it is declared to have (sections 3
 * and 8).  Semantics are never duplicated: the CPU executes the same case
 * whatever the profile; only the per-mode dispatch map changes.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "tgm/machine.h"
#include "tgm/suggest.h"

struct profile_override {
    uint8_t op;
    uint8_t beh;
    uint8_t cls;
};

struct profile_def {
    const char *name;
    const char *summary;
    const struct profile_override *ov;
    size_t nov;
};

/* Each real machine's flaw, after the paper's examples and Robin and
 * Irvine's Pentium study, and one machine without a flaw.  Instructions not
 * listed keep the table's behaviour; JRSTU, LRA and MFPI are absent unless
 * listed. */
static const struct profile_override pdp10[] = {
    {OP_JRSTU, BEH_DIRECT, CLASS_CTL_S},
};
/* The real IBM 360/67: LRA is one of its supervisor-state instructions
 * (privileged, as S/370's LRA is), so it traps in user mode and the CP
 * interprets it; CP-67 ran on this machine. */
static const struct profile_override s360_67[] = {
    {OP_LRA, BEH_PRIV, CLASS_PRIV | CLASS_LOC_S},
};
/* Hypothetical: the 360/67 with LRA unprivileged, kept because it is the
 * textbook location sensitive instruction that breaks Theorems 1 and 3. */
static const struct profile_override s360_67_lra_user[] = {
    {OP_LRA, BEH_DIRECT, CLASS_LOC_S | CLASS_LOC_U},
};
static const struct profile_override pdp11_45[] = {
    {OP_MFPI, BEH_DIRECT, CLASS_MODE},
};
/* Six of Robin and Irvine's seventeen: SR stores R as SGDT, SIDT and SLDT
 * store a system register the VMM relocates; SPSW stores the mode and I as
 * SMSW and PUSHF store status bits; LPSW in user mode ignores M, I and R as
 * POPF ignores IF and IOPL.  The segment-protection ones are not modelled. */
static const struct profile_override x86[] = {
    {OP_SPSW, BEH_DIRECT, CLASS_LOC_S | CLASS_LOC_U | CLASS_MODE},
    {OP_SR, BEH_DIRECT, CLASS_LOC_S | CLASS_LOC_U},
    {OP_LPSW, BEH_USER_MASKED, CLASS_CTL_S},
};
#define OV(a) a, sizeof a / sizeof a[0]

static const struct profile_def defs[] = {
    {"virtualizable",
     "every sensitive instruction is privileged (Theorem 1 holds)", NULL, 0},
    {"pdp10",
     "adds JRSTU, an unprivileged return to user mode, as the PDP-10's JRST 1 is "
     "(Galley 1969, the paper's section 8)",
     OV(pdp10)},
    {"s360-67",
     "the IBM 360/67, on which CP-67 ran: adds LRA (load real address), privileged "
     "as on the real machine",
     OV(s360_67)},
    {"s360-67-lra-user",
     "hypothetical: the s360-67 profile with LRA unprivileged (the real 360/67's "
     "LRA is privileged)",
     OV(s360_67_lra_user)},
    {"pdp11-45",
     "adds MFPI, an unprivileged move whose source depends on M, like the "
     "PDP-11/45's MFPI (move from previous instruction space, chosen by the PSW's "
     "mode bits); MTPI is not modelled",
     OV(pdp11_45)},
    {"x86",
     "SR, SPSW unprivileged and LPSW masked in user mode, like 6 of Robin and "
     "Irvine's 17 sensitive unprivileged Pentium instructions (SGDT SIDT SLDT as SR, "
     "SMSW PUSHF as SPSW, POPF as LPSW); the rest are not modelled",
     OV(x86)},
};
#define NPROFILES (sizeof defs / sizeof defs[0])

static struct isa_profile profiles[NPROFILES];
static const struct isa_profile *profile_list[NPROFILES + 1];
static bool built;

/* Start from the table's declared behaviour, then apply the overrides. */
static void build(void)
{
    for (size_t i = 0; i < NPROFILES; i++) {
        struct isa_profile *p = &profiles[i];
        p->name = defs[i].name;
        p->summary = defs[i].summary;
        for (unsigned op = 0; op < ISA_NOPS; op++) {
            const struct insn_info *in = &isa_table[op];
            p->cls[op] = in->name ? in->cls : 0;
            p->beh[op] = !in->name || op >= OP_JRSTU ? BEH_ABSENT
                         : (in->cls & CLASS_PRIV)     ? BEH_PRIV
                                                      : BEH_DIRECT;
        }
        for (size_t k = 0; k < defs[i].nov; k++) {
            const struct profile_override *o = &defs[i].ov[k];
            p->beh[o->op] = o->beh;
            p->cls[o->op] = o->cls;
        }
#ifdef TGM_PROFILE_USER_LR_BUG
        /* planted for `make fuzz-selftest`: LR unprivileged, so user mode
         * reloads R; fuzz_run must report it */
        p->beh[OP_LR] = BEH_DIRECT;
#endif
        profile_list[i] = p;
    }
    profile_list[NPROFILES] = NULL;
    built = true;
}

const struct isa_profile *const *isa_profiles(void)
{
    if (!built)
        build();
    return profile_list;
}

const struct isa_profile *isa_profile_find(const char *name)
{
    if (!name)
        return NULL;
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        if (strcmp((*p)->name, name) == 0)
            return *p;
    return NULL;
}

size_t isa_profile_suggest_with(const char *name, const char *extra, char *buf, size_t len)
{
    /* the profiles' names, then EXTRA if any */
    const char *names[NPROFILES + 1];
    size_t n = 0;
    if (len)
        buf[0] = '\0';
    if (!name) /* as isa_profile_find takes it: no name, none near it */
        return 0;
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        names[n++] = (*p)->name;
    if (extra)
        names[n++] = extra;
    struct tgm_suggest s;
    tgm_suggest_init(&s, name, strlen(name));
    for (size_t i = 0; i < n; i++)
        tgm_suggest_offer(&s, names[i]);
    /* a few names, unlike the commands: a tie is named whole, not dropped */
    size_t k = 0, at = 0;
    for (size_t i = 0; i < n; i++)
        if (tgm_suggest_nearest(&s, names[i])) {
            const char *sep = !k ? "" : k + 1 == s.nclose ? " or " : ", ";
            int w = at < len ? snprintf(buf + at, len - at, "%s'%s'", sep, names[i]) : 0;
            at += w > 0 ? (size_t)w : 0;
            k++;
        }
    return k;
}

size_t isa_profile_suggest(const char *name, char *buf, size_t len)
{
    return isa_profile_suggest_with(name, NULL, buf, len);
}

const struct isa_profile *isa_profile_default(void)
{
    return isa_profiles()[0];
}
