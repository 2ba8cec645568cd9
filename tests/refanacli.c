/* refanacli.c: the model of refanacli.h, from the docs alone. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/analyze.h"
#include "tgm/isa.h"

#include "refanacli.h"

const char *const rac_prof[RAC_NPROF] = {
    "virtualizable", "pdp10", "s360-67", "s360-67-lra-user", "pdp11-45", "x86",
};

/* The summaries, as the docs' outputs show them after "profile P: ". */
const char *const rac_summary[RAC_NPROF] = {
    "every sensitive instruction is privileged (Theorem 1 holds)",
    "adds JRSTU, an unprivileged return to user mode, as the PDP-10's JRST 1 is "
    "(Galley 1969, the paper's section 8)",
    "the IBM 360/67, on which CP-67 ran: adds LRA (load real address), privileged as "
    "on the real machine",
    "hypothetical: the s360-67 profile with LRA unprivileged (the real 360/67's LRA "
    "is privileged)",
    "adds MFPI, an unprivileged move whose source depends on M, like the PDP-11/45's "
    "MFPI (move from previous instruction space, chosen by the PSW's mode bits); MTPI "
    "is not modelled",
    "SR, SPSW unprivileged and LPSW masked in user mode, like 6 of Robin and Irvine's "
    "17 sensitive unprivileged Pentium instructions (SGDT SIDT SLDT as SR, SMSW PUSHF "
    "as SPSW, POPF as LPSW); the rest are not modelled",
};

unsigned rac_undocumented;

enum { PRIV = CLASS_PRIV, CS = CLASS_CTL_S, CU = CLASS_CTL_U, LS = CLASS_LOC_S,
       LU = CLASS_LOC_U, MD = CLASS_MODE };

int rac_prof_index(const char *name)
{
    for (int p = 0; p < RAC_NPROF; p++)
        if (!strcmp(name, rac_prof[p]))
            return p;
    return -1;
}

static const char *opname(unsigned op)
{
    return op < ISA_NOPS && isa_table[op].name ? isa_table[op].name : "";
}

static bool is(unsigned op, const char *name)
{
    return !strcmp(opname(op), name);
}

unsigned rac_declared(int p, unsigned op)
{
    /* The profiles' rows of docs/theorems.md. */
    if (p == 1 && is(op, "JRSTU"))
        return CS;
    if (p == 2 && is(op, "LRA"))
        return PRIV | LS;
    if (p == 3 && is(op, "LRA"))
        return LS | LU;
    if (p == 4 && is(op, "MFPI"))
        return MD;
    if (p == 5 && is(op, "LPSW"))
        return CS;
    if (p == 5 && is(op, "SPSW"))
        return LS | LU | MD;
    if (p == 5 && is(op, "SR"))
        return LS | LU;
    /* docs/isa.md's table: the virtualizable machine. */
    static const struct { const char *n; unsigned c; } v[] = {
        {"HALT", PRIV | CS}, {"LPSW", PRIV | CS}, {"SPSW", PRIV | LS}, {"LR", PRIV | CS},
        {"SR", PRIV | LS},   {"TSET", PRIV | CS}, {"TGET", PRIV},     {"COUT", PRIV | CS},
        {"CIN", PRIV | CS},  {"HCALL", PRIV | CS},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        if (is(op, v[i].n))
            return v[i].c;
    return 0;
}

bool rac_present(int p, unsigned op)
{
    if (!isa_table[op].name || is(op, "HCALL"))
        return false;
    if (is(op, "JRSTU"))
        return p == 1;
    if (is(op, "LRA"))
        return p == 2 || p == 3;
    if (is(op, "MFPI"))
        return p == 4;
    return true;
}

void rac_class_words(unsigned cls, char *buf, size_t len)
{
    static const char *const w[] = {"priv", "ctl-s", "ctl-u", "loc-s", "loc-u", "mode"};
    size_t n = 0;
    buf[0] = 0;
    for (unsigned i = 0; i < 6; i++)
        if (cls & (1u << i))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", w[i]);
    if (!n)
        snprintf(buf, len, "innocuous");
}

static bool t1_offender(int p, unsigned op)
{
    unsigned c = rac_declared(p, op);
    return rac_present(p, op) && (c & CLASS_SENSITIVE) && !(c & PRIV);
}

static bool t3_offender(int p, unsigned op)
{
    unsigned c = rac_declared(p, op);
    return rac_present(p, op) && (c & CLASS_USER_SENSITIVE) && !(c & PRIV);
}

bool rac_theorem1(int p)
{
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (t1_offender(p, op))
            return false;
    return true;
}

bool rac_theorem3(int p)
{
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (t3_offender(p, op))
            return false;
    return true;
}

void rac_offenders(int p, bool t3, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (t3 ? t3_offender(p, op) : t1_offender(p, op))
            n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", opname(op));
}

void rac_theorem2_reason(int p, char *buf, size_t len)
{
    char o1[128], o3[128];
    if (rac_theorem1(p)) {
        snprintf(buf, len, "recursively virtualizable, since Theorem 1 holds and tgm's "
                           "control program has no timing dependencies (its virtual time "
                           "is exact; nested runs: docs/recursion.md)");
        return;
    }
    rac_offenders(p, false, o1, sizeof o1);
    rac_offenders(p, true, o3, sizeof o3);
    size_t n = (size_t)snprintf(buf, len,
                                "Theorem 1 fails (%s); Theorem 2 is only a sufficient "
                                "condition, so this does not show that the machine is not "
                                "recursively virtualizable; ", o1);
    if (rac_theorem3(p))
        snprintf(buf + n, len - n, "Theorem 3 holds: a hybrid monitor can be built");
    else
        snprintf(buf + n, len - n, "Theorem 3 fails too (%s): not even a hybrid monitor "
                                   "is assured", o3);
}

enum analyze_claim rac_counter_claim(int p, unsigned op)
{
    unsigned c = rac_declared(p, op);
    if (c & CU)
        return CLAIM_CTL_U;
    if (c & LU)
        return CLAIM_LOC_U;
    if (c & CS)
        return CLAIM_CTL_S;
    if (c & LS)
        return CLAIM_LOC_S;
    return CLAIM_MODE;
}

/* "Witnesses": the cells are the words of E that are not zero and the
 * instruction's word, disassembled; "cells of E not listed are 0". */
void rac_state_text(const struct analyze_state *s, char *buf, size_t len)
{
    size_t n = (size_t)snprintf(buf, len, "<M=%c I=%d P=%" PRIu32 " R=(%" PRIu32 ",%" PRIu32 ")>",
                                s->psw.sup ? 's' : 'u', s->psw.ie ? 1 : 0, s->psw.p, s->psw.l,
                                s->psw.b);
    if (s->timer.armed)
        n += (size_t)snprintf(buf + n, len - n, " timer=%" PRIu64, (uint64_t)s->timer.remaining);
    if (s->timer.pending)
        n += (size_t)snprintf(buf + n, len - n, " timer=pending");
    if (s->cin >= 0)
        n += (size_t)snprintf(buf + n, len - n, " console-in=0x%02x", (unsigned)s->cin);
    uint32_t at = s->psw.l + s->psw.p;
    bool first = true;
    for (uint32_t a = 0; a < s->q && n < len; a++) {
        if (a != at && !s->mem[a])
            continue;
        char w[96];
        if (a == at)
            analyze_insn_text(s->mem[a], w, sizeof w);
        else
            snprintf(w, sizeof w, "0x%" PRIx64, s->mem[a]);
        n += (size_t)snprintf(buf + n, len - n, "%sE[%" PRIu32 "]=%s", first ? " " : ", ", a, w);
        first = false;
    }
}

void rac_diff_text(const struct analyze_witness *w, char *buf, size_t len)
{
    const struct analyze_diff *d = &w->diff;
    bool ctl = w->claim == CLAIM_CTL_S || w->claim == CLAIM_CTL_U;
    static const char *const ctlname[COMP_COUNT] = {
        [COMP_M] = "M", [COMP_I] = "I", [COMP_L] = "R.l", [COMP_B] = "R.b",
        [COMP_HALT] = "halted", [COMP_TIMER_ARMED] = "timer armed",
        [COMP_CONSOLE_OUT_LEN] = "console output bytes",
        [COMP_CONSOLE_IN] = "console input consumed",
    };
    if (w->claim == CLAIM_NOT_PRIV && d->comp == COMP_TRAP && !d->v1 && !d->v2) {
        snprintf(buf, len, "S1 (s) completes, S2 (u) completes");
    } else if (!ctl && d->comp == COMP_E) {
        snprintf(buf, len, "E|r[%" PRIu32 "]: i(S1) 0x%" PRIx64 ", i(S2) 0x%" PRIx64, d->addr,
                 d->v1, d->v2);
    } else if (ctl && d->comp == COMP_M) {
        snprintf(buf, len, "M: %c -> %c", d->v1 ? 's' : 'u', d->v2 ? 's' : 'u');
    } else if (ctl && d->comp < COMP_COUNT && ctlname[d->comp]) {
        snprintf(buf, len, "%s: %" PRIu64 " -> %" PRIu64, ctlname[d->comp], d->v1, d->v2);
    } else {
        /* a form the docs do not show: the library's words */
        analyze_diff_text(d, (enum analyze_claim)w->claim, buf, len);
        rac_undocumented++;
    }
}

static const char *claim_word(int c)
{
    static const char *const w[] = {"not-priv", "ctl-s", "ctl-u", "loc-s", "loc-u", "mode"};
    return w[c];
}

static void witness_lines(const char *name, const struct analyze_witness *w, struct sbuf *o)
{
    char d[256], s1[2048], s2[2048];
    rac_diff_text(w, d, sizeof d);
    rac_state_text(&w->s1, s1, sizeof s1);
    sbuf_printf(o, "  %-6s %-8s %s\n", name, claim_word(w->claim), d);
    sbuf_printf(o, "         S1 = %s\n", s1);
    if (w->claim == CLAIM_CTL_S || w->claim == CLAIM_CTL_U) {
        if (w->x)
            sbuf_printf(o, "         x = %" PRIu32 "\n", w->x);
        return;
    }
    rac_state_text(&w->s2, s2, sizeof s2);
    if (w->claim == CLAIM_LOC_S || w->claim == CLAIM_LOC_U)
        sbuf_printf(o, "         S2 = S1 moved by x = %" PRIu32 ": %s\n", w->x, s2);
    else if (w->x)
        sbuf_printf(o, "         S2 = S1 in user mode, moved by x = %" PRIu32 ": %s\n", w->x, s2);
    else
        sbuf_printf(o, "         S2 = S1 in user mode: %s\n", s2);
}

static void verdict_list(int p, bool t3, struct sbuf *o)
{
    bool first = true;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (!(t3 ? t3_offender(p, op) : t1_offender(p, op)))
            continue;
        char c[64];
        unsigned cls = rac_declared(p, op) & (t3 ? CLASS_USER_SENSITIVE : CLASS_SENSITIVE);
        rac_class_words(cls, c, sizeof c);
        sbuf_printf(o, "%s%s (%s, not privileged)", first ? "" : ", ", opname(op), c);
        first = false;
    }
}

void rac_analyze_text(int p, const struct analyze_result *r, struct sbuf *o)
{
    sbuf_printf(o, "profile %s: %s\n", rac_prof[p], rac_summary[p]);
    /* "1 random state": the docs show only the plural; the code's */
    sbuf_printf(o, "machine of %" PRIu32 " words; %u random state%s per instruction after the "
               "boundary states; seed 0x%" PRIx64 "\n\n",
            r->opts.q, r->opts.random_states, r->opts.random_states == 1 ? "" : "s",
            r->opts.seed);
    sbuf_printf(o, "insn   derived                declared               match states    s/u"
               "       ctl s/u       loc s/u   mode\n");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (!rac_present(p, op))
            continue;
        const struct analyze_insn *in = &r->insn[op];
        char c[64], ctl[48], loc[48];
        if (!in->present || in->derived != rac_declared(p, op))
            fail_msg("%s %s: present %d derived 0x%x, the docs say 0x%x", rac_prof[p],
                     opname(op), in->present, in->derived, rac_declared(p, op));
        rac_class_words(rac_declared(p, op), c, sizeof c);
        snprintf(ctl, sizeof ctl, "%" PRIu64 "/%" PRIu64, in->n.ctl[1], in->n.ctl[0]);
        snprintf(loc, sizeof loc, "%" PRIu64 "/%" PRIu64, in->n.loc[1], in->n.loc[0]);
        /* the documented rows; wider numbers keep a space (the code's) */
        sbuf_printf(o, "%-6s %-22s %-22s %-5s %6" PRIu64 " %6" PRIu64 " %13s %13s %6" PRIu64 "\n",
                opname(op), c, c, "yes", in->n.states, in->n.priv_pairs, ctl, loc,
                in->n.mode);
    }
    sbuf_printf(o, "absent on this machine:");
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (isa_table[op].name && !rac_present(p, op))
            sbuf_printf(o, " %s", opname(op));
    sbuf_printf(o, "\n(counts: states generated; then how many states each definition covered: "
               "s/u pairs neither memory trapping, and executions or pairs completing without "
               "a trap)\n\nwitnesses (cells of E not listed are 0):\n");
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        unsigned c = rac_declared(p, op);
        if (!rac_present(p, op) || !(c & CLASS_SENSITIVE))
            continue;
        for (int k = 0; k < CLAIM_COUNT; k++) {
            bool want = k == CLAIM_NOT_PRIV ? !(c & PRIV) : (c & analyze_claim_class(k)) != 0;
            if (!want)
                continue;
            if (!r->insn[op].found[k])
                fail_msg("%s %s: no %s witness", rac_prof[p], opname(op), claim_word(k));
            witness_lines(opname(op), &r->insn[op].wit[k], o);
        }
    }
    char reason[1024];
    rac_theorem2_reason(p, reason, sizeof reason);
    sbuf_printf(o, "\nTheorem 1 (sensitive is a subset of privileged): ");
    if (rac_theorem1(p))
        sbuf_printf(o, "holds\n");
    else {
        sbuf_printf(o, "FAILS: ");
        verdict_list(p, false, o);
        sbuf_printf(o, "\n");
    }
    sbuf_printf(o, "Theorem 2 (virtualizable, and a VMM without timing dependencies exists): %s: %s\n",
            rac_theorem1(p) ? "holds" : "not established", reason);
    sbuf_printf(o, "Theorem 3 (user sensitive is a subset of privileged): ");
    if (rac_theorem3(p))
        sbuf_printf(o, "holds\n");
    else {
        sbuf_printf(o, "FAILS: ");
        verdict_list(p, true, o);
        sbuf_printf(o, "\n");
    }
}
