/* text.c: names and one-line descriptions for the analyzer's results.
 *
 * The words used for the classes of sections 3 and 8 ("priv", "ctl-s",
 * "loc-u", "mode"), the components a witness's difference lies in, the
 * difference itself, and Theorem 2's (section 7) verdict and reason, shared
 * by the text and JSON output.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "analyze_impl.h"

static const struct {
    unsigned bit;
    const char *name;
} class_names[] = {
    {CLASS_PRIV, "priv"},   {CLASS_CTL_S, "ctl-s"}, {CLASS_CTL_U, "ctl-u"},
    {CLASS_LOC_S, "loc-s"}, {CLASS_LOC_U, "loc-u"}, {CLASS_MODE, "mode"},
};

void analyze_class_text(unsigned cls, char *buf, size_t len)
{
    size_t used = 0;
    if (!len) /* no room even for the NUL */
        return;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof class_names / sizeof class_names[0]; i++)
        if ((cls & class_names[i].bit) && used < len) {
            int n = snprintf(buf + used, len - used, "%s%s", used ? " " : "",
                             class_names[i].name);
            used += n > 0 ? (size_t)n : 0;
        }
    if (!buf[0])
        snprintf(buf, len, "innocuous");
}

const char *analyze_claim_name(enum analyze_claim c)
{
    static const char *const names[CLAIM_COUNT] = {
        [CLAIM_NOT_PRIV] = "not-priv", [CLAIM_CTL_S] = "ctl-s",
        [CLAIM_CTL_U] = "ctl-u",       [CLAIM_LOC_S] = "loc-s",
        [CLAIM_LOC_U] = "loc-u",       [CLAIM_MODE] = "mode",
    };
    return (unsigned)c < CLAIM_COUNT ? names[c] : "unknown";
}

unsigned analyze_claim_class(enum analyze_claim c)
{
    static const unsigned bits[CLAIM_COUNT] = {
        [CLAIM_NOT_PRIV] = CLASS_PRIV, [CLAIM_CTL_S] = CLASS_CTL_S,
        [CLAIM_CTL_U] = CLASS_CTL_U,   [CLAIM_LOC_S] = CLASS_LOC_S,
        [CLAIM_LOC_U] = CLASS_LOC_U,   [CLAIM_MODE] = CLASS_MODE,
    };
    return (unsigned)c < CLAIM_COUNT ? bits[c] : 0;
}

const char *analyze_component_name(enum analyze_component c)
{
    static const char *const names[COMP_COUNT] = {
        [COMP_NONE] = "none",
        [COMP_TRAP] = "trap",
        [COMP_E] = "E|r",
        [COMP_E_OUTSIDE] = "E outside E|r",
        [COMP_P] = "P",
        [COMP_M] = "M",
        [COMP_I] = "I",
        [COMP_L] = "R.l",
        [COMP_B] = "R.b",
        [COMP_HALT] = "halted",
        [COMP_TIMER_ARMED] = "timer armed",
        [COMP_TIMER_PENDING] = "timer pending",
        [COMP_TIMER_REMAINING] = "timer remaining",
        [COMP_CONSOLE_OUT_LEN] = "console output bytes",
        [COMP_CONSOLE_OUT] = "console output",
        [COMP_CONSOLE_IN] = "console input consumed",
    };
    return (unsigned)c < COMP_COUNT ? names[c] : "unknown";
}

static void value_text(enum analyze_component c, uint64_t v, char *buf, size_t len)
{
    switch (c) {
    case COMP_TRAP:
        if (v == TRAP_NONE)
            snprintf(buf, len, "completes");
        else
            snprintf(buf, len, "traps (%s)", trap_cause_name((unsigned)v));
        break;
    case COMP_M:
        snprintf(buf, len, "%s", v ? "s" : "u");
        break;
    case COMP_E:
    case COMP_E_OUTSIDE:
    case COMP_CONSOLE_OUT:
        snprintf(buf, len, "0x%" PRIx64, v);
        break;
    case COMP_TIMER_REMAINING:
        snprintf(buf, len, "%" PRId64, (int64_t)v);
        break;
    default:
        snprintf(buf, len, "%" PRIu64, v);
        break;
    }
}

void analyze_diff_text(const struct analyze_diff *d, enum analyze_claim c,
                       char *buf, size_t len)
{
    char a[40], b[40], name[48];
    enum analyze_component comp = d->comp;
    value_text(comp, d->v1, a, sizeof a);
    value_text(comp, d->v2, b, sizeof b);
    if (comp == COMP_E)
        snprintf(name, sizeof name, "E|r[%u]", d->addr);
    else if (comp == COMP_E_OUTSIDE)
        snprintf(name, sizeof name, "E[%u] (outside E|r)", d->addr);
    else if (comp == COMP_CONSOLE_OUT)
        snprintf(name, sizeof name, "console output byte %u", d->addr);
    else
        snprintf(name, sizeof name, "%s", analyze_component_name(comp));
    if (comp == COMP_NONE)
        snprintf(buf, len, "no difference");
    else if (comp == COMP_TRAP)
        snprintf(buf, len, "S1 (s) %s, S2 (u) %s", a, b);
    else if (c == CLAIM_CTL_S || c == CLAIM_CTL_U)
        snprintf(buf, len, "%s: %s -> %s", name, a, b);
    else
        snprintf(buf, len, "%s: i(S1) %s, i(S2) %s", name, a, b);
}

const char *analyze_theorem2_verdict(const struct analyze_result *r)
{
    return r->theorem2 ? "holds" : "not established";
}

/* Append printf-style text to BUF at *USED, never past LEN. */
static void append(char *buf, size_t len, size_t *used, const char *fmt, const char *s)
{
    if (*used >= len)
        return;
    int n = snprintf(buf + *used, len - *used, fmt, s);
    *used += n > 0 ? (size_t)n : 0;
}

/* " (A B C)": the instructions PICK selects, appended to BUF. */
static void append_names(const struct analyze_result *r,
                         bool (*pick)(const struct analyze_insn *), char *buf, size_t len,
                         size_t *used)
{
    bool any = false;
    for (unsigned op = 0; op < ISA_NOPS; op++)
        if (pick(&r->insn[op])) {
            append(buf, len, used, any ? " %s" : " (%s", isa_table[op].name);
            any = true;
        }
    if (any)
        append(buf, len, used, "%s", ")");
}

void analyze_theorem2_reason(const struct analyze_result *r, char *buf, size_t len)
{
    size_t used = 0;
    if (!len)
        return;
    buf[0] = '\0';
    if (r->theorem2) {
        append(buf, len, &used, "%s",
               "recursively virtualizable, since Theorem 1 holds and tgm's control program "
               "has no timing dependencies (its virtual time is exact; nested runs: "
               "docs/recursion.md)");
        return;
    }
    append(buf, len, &used, "%s", "Theorem 1 fails");
    append_names(r, analyze_breaks_theorem1, buf, len, &used);
    append(buf, len, &used, "%s",
           "; Theorem 2 is only a sufficient condition, so this does not show that the "
           "machine is not recursively virtualizable; ");
    if (r->theorem3) {
        append(buf, len, &used, "%s", "Theorem 3 holds: a hybrid monitor can be built");
        return;
    }
    append(buf, len, &used, "%s", "Theorem 3 fails too");
    append_names(r, analyze_breaks_theorem3, buf, len, &used);
    append(buf, len, &used, "%s", ": not even a hybrid monitor is assured");
}

void analyze_insn_text(uint64_t word, char *buf, size_t len)
{
    struct insn d = isa_decode(word);
    if (!d.ok) {
        snprintf(buf, len, ".word 0x%016" PRIx64, word);
        return;
    }
    const uint8_t *k = isa_format_kinds[d.info->format];
    const uint32_t field[3] = {d.a, d.b, d.c};
    size_t used = (size_t)snprintf(buf, len, "%s", d.info->name);
    const char *sep = " ";
    for (unsigned i = 0; i < 3 && used < len; i++) {
        int n;
        if (k[i] == OK_NONE)
            continue;
        if (k[i] == OK_IMM || k[i] == OK_IMM38)
            n = snprintf(buf + used, len - used, "%s%" PRId64, sep, d.imm);
        else
            n = snprintf(buf + used, len - used, "%s%u", sep, field[i]);
        used += n > 0 ? (size_t)n : 0;
        sep = ", ";
    }
}
