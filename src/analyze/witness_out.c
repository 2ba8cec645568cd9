/* witness_out.c: a witness of sections 3 and 8 as text and as JSON.
 *
 * One place prints a witness, for `tgm analyze` and for anything else that
 * holds one: the claim, S1, S2 for pairs, and the location shift x whenever
 * it is nonzero, whatever the claim (docs/theorems.md, "Witnesses").
 */
#include <inttypes.h>
#include <stdio.h>

#include "tgm/analyze.h"
#include "tgm/isa.h"

/* The first cell from I on that a state lists: a nonzero word, or the
 * instruction at P (E at l + p), zero or not; q if none. */
static uint32_t next_cell(const struct analyze_state *s, uint32_t i)
{
    while (i < s->q && !s->mem[i] && i != s->psw.l + s->psw.p)
        i++;
    return i;
}

static void state_text(FILE *f, const struct analyze_state *s)
{
    fprintf(f, "<M=%s I=%d P=%u R=(%u,%u)>", s->psw.sup ? "s" : "u", s->psw.ie,
            s->psw.p, s->psw.l, s->psw.b);
    if (s->timer.armed)
        fprintf(f, " timer=%" PRId64, s->timer.remaining);
    else if (s->timer.pending)
        fprintf(f, " timer=pending");
    if (s->cin >= 0)
        fprintf(f, " console-in=0x%02x", s->cin);
    const char *sep = " ";
    for (uint32_t i = next_cell(s, 0); i < s->q; i = next_cell(s, i + 1)) {
        char buf[64];
        if (i == s->psw.l + s->psw.p)
            analyze_insn_text(s->mem[i], buf, sizeof buf);
        else
            snprintf(buf, sizeof buf, "0x%" PRIx64, s->mem[i]);
        fprintf(f, "%sE[%u]=%s", sep, i, buf);
        sep = ", ";
    }
}

void analyze_json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\u%04x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

static void json_state(FILE *f, const struct analyze_state *s)
{
    fprintf(f, "{\"q\":%u,\"M\":\"%s\",\"I\":%d,\"P\":%u,\"l\":%u,\"b\":%u,", s->q,
            s->psw.sup ? "s" : "u", s->psw.ie, s->psw.p, s->psw.l, s->psw.b);
    fprintf(f, "\"timer\":{\"armed\":%s,\"pending\":%s,\"remaining\":%" PRId64 "},",
            s->timer.armed ? "true" : "false", s->timer.pending ? "true" : "false",
            s->timer.remaining);
    fprintf(f, "\"console_input\":%d,\"cells\":[", s->cin);
    const char *sep = "";
    for (uint32_t i = next_cell(s, 0); i < s->q; i = next_cell(s, i + 1)) {
        fprintf(f, "%s{\"addr\":%u,\"value\":\"0x%016" PRIx64 "\"", sep, i, s->mem[i]);
        if (i == s->psw.l + s->psw.p) {
            char buf[64];
            analyze_insn_text(s->mem[i], buf, sizeof buf);
            fprintf(f, ",\"insn\":");
            analyze_json_str(f, buf);
        }
        fputc('}', f);
        sep = ",";
    }
    fprintf(f, "]}");
}

/* A control claim has no S2, and a mode pair's S2 is S1 in user mode; a
 * shift of either is still printed, so no witness hides its x. */
static bool is_pair(const struct analyze_witness *w)
{
    return w->claim != CLAIM_CTL_S && w->claim != CLAIM_CTL_U;
}

static bool is_loc(const struct analyze_witness *w)
{
    return w->claim == CLAIM_LOC_S || w->claim == CLAIM_LOC_U;
}

void analyze_witness_text(FILE *f, const struct analyze_witness *w)
{
    char d[160];
    analyze_diff_text(&w->diff, w->claim, d, sizeof d);
    fprintf(f, "  %-6s %-8s %s\n", isa_table[w->op].name, analyze_claim_name(w->claim), d);
    fprintf(f, "         S1 = ");
    state_text(f, &w->s1);
    fputc('\n', f);
    if (!is_pair(w)) {
        if (w->x)
            fprintf(f, "         x = %u\n", w->x);
        return;
    }
    if (is_loc(w))
        fprintf(f, "         S2 = S1 moved by x = %u: ", w->x);
    else if (w->x)
        fprintf(f, "         S2 = S1 in user mode, moved by x = %u: ", w->x);
    else
        fprintf(f, "         S2 = S1 in user mode: ");
    state_text(f, &w->s2);
    fputc('\n', f);
}

void analyze_witness_json(FILE *f, const struct analyze_witness *w)
{
    char text[160];
    analyze_diff_text(&w->diff, w->claim, text, sizeof text);
    fprintf(f, "{\"claim\":\"%s\",\"s1\":", analyze_claim_name(w->claim));
    json_state(f, &w->s1);
    if (is_pair(w)) {
        fprintf(f, ",\"s2\":");
        json_state(f, &w->s2);
    }
    if (is_loc(w) || w->x)
        fprintf(f, ",\"x\":%u", w->x);
    fprintf(f, ",\"diff\":{\"component\":\"%s\",\"addr\":%u,\"v1\":\"0x%" PRIx64
               "\",\"v2\":\"0x%" PRIx64 "\",\"text\":",
            analyze_component_name(w->diff.comp), w->diff.addr, w->diff.v1, w->diff.v2);
    analyze_json_str(f, text);
    fprintf(f, "}}");
}
