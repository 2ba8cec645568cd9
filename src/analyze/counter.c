/* counter.c: a witness made into a guest program (sections 3, 5, 6 and 8).
 *
 * Writes commented assembly source for a guest that holds the witness's
 * machine, starts in its state S1, runs the sensitive instruction and lets
 * what follows keep the result; then assembles it and checks that the
 * program holds the witness.  counter_run.c runs it under the monitors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyze_impl.h"
#include "tgm/asm.h"

#define WRAP 76        /* columns of a wrapped comment */
#define COMMENT_COL 42 /* where a line's own comment starts */

enum analyze_claim counter_pick_claim(const struct analyze_insn *in)
{
    static const enum analyze_claim user[] = {CLAIM_CTL_U, CLAIM_LOC_U};
    static const enum analyze_claim sup[] = {CLAIM_CTL_S, CLAIM_LOC_S, CLAIM_MODE};
    bool u = (in->derived & CLASS_USER_SENSITIVE) != 0;
    const enum analyze_claim *c = u ? user : sup;
    size_t n = u ? sizeof user / sizeof user[0] : sizeof sup / sizeof sup[0];
    for (size_t i = 0; i < n; i++)
        if (in->found[c[i]])
            return c[i];
    return CLAIM_COUNT;
}

static const char *claim_words(enum analyze_claim c)
{
    switch (c) {
    case CLAIM_CTL_S: return "control sensitive from supervisor mode";
    case CLAIM_CTL_U: return "control sensitive from user mode";
    case CLAIM_LOC_S: return "location sensitive in supervisor mode";
    case CLAIM_LOC_U: return "location sensitive in user mode";
    case CLAIM_MODE: return "mode sensitive";
    default: return "sensitive";
    }
}

/* One comment paragraph, "; " and words wrapped at WRAP columns. */
static void comment(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(FILE *f, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    size_t col = 0;
    for (const char *s = text; *s;) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (!n)
            break;
        if (col && col + 1 + n > WRAP) {
            fputc('\n', f);
            col = 0;
        }
        col += (size_t)fprintf(f, "%s%.*s", col ? " " : "; ", (int)n, s);
        s += n;
    }
    if (col)
        fputc('\n', f);
}

/* A source line: label and statement in columns, no comment. */
static int code(FILE *f, const char *label, const char *stmt)
{
    char lab[32];
    snprintf(lab, sizeof lab, "%s%s", label ? label : "", label ? ":" : "");
    return fprintf(f, "%-8s %s", lab, stmt);
}

/* The same with a comment in the column after it. */
static void line(FILE *f, const char *label, const char *stmt, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void line(FILE *f, const char *label, const char *stmt, const char *fmt, ...)
{
    int n = code(f, label, stmt);
    fprintf(f, "%*s; ", n < COMMENT_COL ? COMMENT_COL - n : 1, "");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
}

static void plain(FILE *f, const char *stmt)
{
    code(f, NULL, stmt);
    fputc('\n', f);
}

static void state_words(FILE *f, const struct analyze_state *s, const char *name)
{
    char extra[64] = "";
    if (s->timer.armed)
        snprintf(extra, sizeof extra, " timer=%lld", (long long)s->timer.remaining);
    else if (s->timer.pending)
        snprintf(extra, sizeof extra, " timer=pending");
    if (s->cin >= 0)
        snprintf(extra + strlen(extra), sizeof extra - strlen(extra), " console-in=0x%02x",
                 s->cin);
    fprintf(f, ";   %s = <M=%s I=%d P=%u R=(%u,%u)>%s", name, s->psw.sup ? "s" : "u",
            s->psw.ie, s->psw.p, s->psw.l, s->psw.b, extra);
    uint32_t at = s->psw.l + s->psw.p;
    for (uint32_t i = 0; i < s->q; i++) {
        char buf[64];
        if (i == at)
            analyze_insn_text(s->mem[i], buf, sizeof buf);
        else if (s->mem[i])
            snprintf(buf, sizeof buf, "0x%llx", (unsigned long long)s->mem[i]);
        else
            continue;
        fprintf(f, ", E[%u] = %s", i, buf);
    }
    fprintf(f, ", other words 0\n");
}

/* Why the monitors differ, from the kind of witness. */
static void explain(FILE *f, const struct analyze_witness *w, const char *name)
{
    char d[160];
    analyze_diff_text(&w->diff, w->claim, d, sizeof d);
    switch (w->claim) {
    case CLAIM_CTL_S:
        comment(f, "Why the VMM differs: bare, in supervisor mode, %s changes %s. Not "
                   "privileged, in a VM it runs directly, in real user mode, where it makes "
                   "no such change (it is not control sensitive from user mode), and the "
                   "control program is never entered to make it on the virtual machine. "
                   "The hybrid VMM interprets every instruction in virtual supervisor mode, "
                   "this one too, so it makes the change as the bare machine does.",
                name, d);
        break;
    case CLAIM_MODE:
        comment(f, "Why the VMM differs: %s's result depends on M (%s, S1 in supervisor "
                   "mode, S2 its user twin). Not privileged, in a VM it runs directly, in "
                   "real user mode, and computes the user-mode result. The hybrid VMM "
                   "interprets it in virtual supervisor mode and computes the bare result.",
                name, d);
        break;
    case CLAIM_LOC_S:
        comment(f, "Why the VMM differs: %s's result depends on l (%s, S2 being S1 moved by "
                   "x = %u). Not privileged, in a VM it runs directly, under the real R' = "
                   "(l + base, b'), and sees another l than the bare machine. The hybrid "
                   "VMM interprets it in virtual supervisor mode, with the virtual R.",
                name, d, w->x);
        break;
    case CLAIM_LOC_U:
        comment(f, "Why both monitors differ: %s's result depends on l in user mode too "
                   "(%s, S2 being S1 moved by x = %u). Both monitors run virtual user mode "
                   "directly, under the real R' = (l + base, b'), so it sees another l than "
                   "the bare machine; it does not trap, so neither can correct the result.",
                name, d, w->x);
        break;
    default:
        comment(f, "Why both monitors differ: from user mode %s changes %s. Both monitors "
                   "run virtual user mode directly, so the change is made to the real "
                   "machine, not to the virtual one; it does not trap, so neither monitor "
                   "can make it on the virtual state instead.",
                name, d);
        break;
    }
}

/* Where a HALT after the instruction can go: the cell of the P that S1's
 * run leaves, if R is unchanged, the cell is addressable, free, and the
 * witness still shows its difference with the HALT there.  -1 if none.
 * *AFTER receives the PSW that run leaves. */
static int64_t observer_cell(struct analyze_ctx *cx, const struct analyze_witness *w,
                             struct psw *after)
{
    const struct analyze_state *s = &w->s1;
    const struct analyze_run *r = analyze_exec(cx, s->psw.sup, s);
    *after = r->psw;
    if (r->trap != TRAP_NONE || r->halted || r->psw.l != s->psw.l || r->psw.b != s->psw.b ||
        r->psw.p >= address_limit(s->q, s->psw.l, s->psw.b))
        return -1;
    uint32_t cell = s->psw.l + r->psw.p;
    if (cell == s->psw.l + s->psw.p || s->mem[cell])
        return -1;
    struct analyze_witness t = *w;
    struct analyze_diff d;
    t.s1.mem[cell] = MAKE_INSN(OP_HALT, 0, 0, 0);
    analyze_derive_s2(t.claim, &t.s1, t.x, &t.s2);
    if (analyze_check(cx, t.claim, &t.s1, &t.s2, &d) != CHECK_DIFF || d.comp != w->diff.comp)
        return -1;
    return cell;
}

/* The header: what the instruction is, its witness, the layout, and why.
 * AFTER is the PSW i(S1) leaves on the witness's machine. */
static void write_header(FILE *f, const struct isa_profile *p, const struct analyze_witness *w,
                         const struct counterexample *cx, const struct psw *after)
{
    const char *name = isa_table[w->op].name;
    char d[160];
    analyze_diff_text(&w->diff, w->claim, d, sizeof d);
    fprintf(f, "; tgm counterexample: profile %s, instruction %s\n;\n", p->name, name);
    if (cx->breaks_theorem3)
        comment(f, "%s is %s and not privileged: it breaks the hypotheses of Theorem 1 "
                   "(sensitive instructions are privileged) and of Theorem 3 (user "
                   "sensitive instructions are).",
                name, claim_words(w->claim));
    else
        comment(f, "%s is %s and not privileged: it breaks the hypothesis of Theorem 1 "
                   "(sensitive instructions are privileged). It is not user sensitive, so it "
                   "does not break Theorem 3's.",
                name, claim_words(w->claim));
    fprintf(f, ";\n; witness from tgm analyze (%s): %s\n", analyze_claim_name(w->claim), d);
    state_words(f, &w->s1, "S1");
    fprintf(f, ";   i(S1) leaves <M=%s I=%d P=%u R=(%u,%u)>\n;\n", after->sup ? "s" : "u",
            after->ie, after->p, after->l, after->b);
    comment(f, "Layout of the %u-word guest: E[0] and E[1] are the trap's old and new PSW, "
               "then a trap handler%s; the witness's %u words are at E[%u] "
               "on, so S1's R = (%u,%u) becomes (%u,%u). The guest ends where the "
               "witness's machine did, so E|r, M, P and every bound check are S1's.",
            cx->w, w->s1.timer.armed || w->s1.timer.pending ? " and a prologue for S1's timer" : "",
            w->s1.q, cx->shift, w->s1.psw.l, w->s1.psw.b, cx->shift + w->s1.psw.l,
            w->s1.psw.b);
    fprintf(f, ";\n");
    explain(f, w, name);
    fprintf(f, ";\n");
    comment(f, "Whatever runs next (%s, or a trap into the handler) leaves the difference "
               "in the final state, where f(S2) and S2' are compared.",
            cx->observer ? "the HALT after it" : "the word at the P it leaves");
    if (cx->has_input)
        comment(f, "Every run is given the console input byte 0x%02x, S1's waiting byte.",
                cx->input);
    fprintf(f, "\n");
}

/* S1's PSW as an expression: psw(m, p, l, b), or pswi with I set. */
static void psw_expr(const struct analyze_state *s, uint32_t shift, char *buf, size_t len)
{
    snprintf(buf, len, "%s(%s, %u, %u, %u)", s->psw.ie ? "pswi" : "psw",
             s->psw.sup ? "SUP" : "USER", s->psw.p, shift + s->psw.l, s->psw.b);
}

/* The start and the trap handler, in E[0..shift-1].  The machine starts in
 * S1 itself (the entry PSW), as section 6's equivalence starts the two
 * machines in S1 and f(S1): no instruction runs before the one under test,
 * so none of the profile's other flaws can intervene.  Only a timer needs a
 * prologue, TSET then LPSW, both run in supervisor mode. */
static void write_start(FILE *f, const struct isa_profile *p, const struct analyze_state *s,
                        uint32_t shift, uint32_t w)
{
    char buf[80], ps[48];
    bool timer = s->timer.armed || s->timer.pending;
    psw_expr(s, shift, ps, sizeof ps);
    if (timer) {
        plain(f, ".entry  start");
    } else {
        snprintf(buf, sizeof buf, ".entrypsw %s", ps);
        line(f, NULL, buf, "start in S1: M = %s, I = %d, P = %u, R = (%u,%u)",
             s->psw.sup ? "s" : "u", s->psw.ie, s->psw.p, shift + s->psw.l, s->psw.b);
    }
    plain(f, ".org    0");
    line(f, "old", ".word   0", "E[0]: a trap stores the old PSW here");
    snprintf(buf, sizeof buf, ".word   psw(SUP, handler, 0, %u)", w);
    line(f, NULL, buf, "E[1]: a trap loads this PSW");
    line(f, "handler", "MOV     seen, old", "a trap comes here: record its old PSW");
    line(f, NULL, "HALT", "and stop, in supervisor mode");
    line(f, "seen", ".word   0", "the recorded old PSW (0: no trap)");
    if (!timer)
        return;
    /* a prologue is a fair test only if the monitors must interpret it */
    if (p->beh[OP_TSET] != BEH_PRIV || p->beh[OP_LPSW] != BEH_PRIV)
        comment(f, "Note: TSET or LPSW is not privileged in profile %s, so a monitor may "
                   "go wrong in this prologue already, not only at the instruction under "
                   "test.",
                p->name);
    if (s->timer.armed)
        line(f, "start", "TSET    tval", "prologue: arm the timer, %lld cycle%s left in S1",
             (long long)s->timer.remaining, s->timer.remaining == 1 ? "" : "s");
    else
        line(f, "start", "TSET    tval", "prologue: a timer that expires at once: pending");
    line(f, NULL, "LPSW    s1", "enter S1: its M, I, P and R");
    snprintf(buf, sizeof buf, ".word   %s", ps);
    line(f, "s1", buf, "S1's PSW: M = %s, I = %d, P = %u, R = (%u,%u)",
         s->psw.sup ? "s" : "u", s->psw.ie, s->psw.p, shift + s->psw.l, s->psw.b);
    /* TSET counts its own cycles, then LPSW's pass before the instruction */
    long long t = s->timer.armed ? s->timer.remaining + CYC_TSET + CYC_LPSW : 1;
    snprintf(buf, sizeof buf, ".word   %lld", t);
    line(f, "tval", buf, "cycles for TSET");
}

/* An instruction as a statement: "MFPI    31, 0", as the other lines are. */
static void insn_stmt(uint64_t word, char *buf, size_t len)
{
    char text[64];
    analyze_insn_text(word, text, sizeof text);
    size_t n = strcspn(text, " ");
    snprintf(buf, len, "%-7.*s %s", (int)n, text, text[n] ? text + n + 1 : "");
}

/* The witness's nonzero words, the instruction and the observer HALT. */
static void write_witness(FILE *f, const struct analyze_state *s, uint32_t shift,
                          int64_t obs)
{
    uint32_t at = s->psw.l + s->psw.p, lim = address_limit(s->q, s->psw.l, s->psw.b);
    fprintf(f, "\n");
    comment(f, "The witness's machine: its E[i] is E[%u + i] here. Words not listed are 0.",
            shift);
    uint32_t next = UINT32_MAX;
    for (uint32_t i = 0; i < s->q; i++) {
        if (i != at && (int64_t)i != obs && !s->mem[i])
            continue;
        char org[32], where[48], stmt[80];
        if (i != next) {
            snprintf(org, sizeof org, ".org    %u", shift + i);
            plain(f, org);
        }
        next = i + 1;
        if (i >= s->psw.l && i - s->psw.l < lim)
            snprintf(where, sizeof where, "E|r[%u]", i - s->psw.l);
        else
            snprintf(where, sizeof where, "witness E[%u], outside E|r", i);
        if (i == at) {
            insn_stmt(s->mem[i], stmt, sizeof stmt);
            line(f, "test", stmt, "%s: the instruction under test", where);
        } else if ((int64_t)i == obs) {
            line(f, "after", "HALT", "%s, the P it leaves: stops in mode s, traps in u", where);
        } else {
            snprintf(stmt, sizeof stmt, ".word   0x%llx", (unsigned long long)s->mem[i]);
            line(f, NULL, stmt, "%s", where);
        }
    }
}

/* Does the assembled image hold S1's words at their relocated addresses? */
static bool holds_witness(const struct counterexample *cx, int64_t obs)
{
    const struct analyze_state *s = &cx->wit.s1;
    for (uint32_t i = 0; i < s->q; i++) {
        uint64_t a = (uint64_t)cx->shift + i, v = 0;
        if (a >= cx->img.load && a - cx->img.load < cx->img.nwords)
            v = cx->img.words[a - cx->img.load];
        uint64_t want = (int64_t)i == obs ? MAKE_INSN(OP_HALT, 0, 0, 0) : s->mem[i];
        if (v != want)
            return false;
    }
    return true;
}

static int fail(char *err, size_t len, const char *msg, const char *insn)
{
    if (err && len)
        snprintf(err, len, "%s: %s", insn, msg);
    return -1;
}

int counter_build(const struct isa_profile *profile, const struct analyze_witness *w,
                  struct counterexample *cx, char *err, size_t errlen)
{
    memset(cx, 0, sizeof *cx);
    const char *name = isa_table[w->op].name ? isa_table[w->op].name : "?";
    const struct analyze_state *s = &w->s1;
    if (w->claim == CLAIM_NOT_PRIV || w->claim >= CLAIM_COUNT || s->q < ANALYZE_Q_MIN ||
        s->q > ANALYZE_Q_MAX)
        return fail(err, errlen, "not a sensitivity witness", name);
    cx->op = w->op;
    cx->wit = *w;
    cx->breaks_theorem3 = w->claim == CLAIM_CTL_U || w->claim == CLAIM_LOC_U;
    cx->shift = s->q;
    cx->w = 2 * s->q;
    cx->at = cx->shift + s->psw.l + s->psw.p;
    cx->has_input = s->cin >= 0;
    cx->input = (uint8_t)(s->cin >= 0 ? s->cin : 0);

    struct analyze_ctx ac;
    if (analyze_ctx_init(&ac, profile, s->q) != 0)
        return fail(err, errlen, "out of memory", name);
    struct psw after;
    int64_t obs = observer_cell(&ac, w, &after);
    analyze_ctx_fini(&ac);
    cx->observer = obs >= 0;

    size_t len = 0;
    FILE *f = open_memstream(&cx->source, &len);
    if (!f)
        return fail(err, errlen, "out of memory", name);
    write_header(f, profile, w, cx, &after);
    write_start(f, profile, s, cx->shift, cx->w);
    write_witness(f, s, cx->shift, obs);
    if (fclose(f) != 0 || !cx->source) {
        counter_free(cx);
        return fail(err, errlen, "out of memory", name);
    }
    errno = 0;
    int errors = asm_assemble_string(name, cx->source, &cx->img, NULL);
    if (errors) {
        /* an assembly out of memory says so with ENOMEM: not the source's fault */
        bool oom = errno == ENOMEM;
        counter_free(cx);
        return fail(err, errlen, oom ? "out of memory" : "the generated source does not assemble",
                    name);
    }
    if (!holds_witness(cx, obs)) {
        counter_free(cx);
        return fail(err, errlen, "the program does not hold the witness's words", name);
    }
    return 0;
}

void counter_free(struct counterexample *cx)
{
    free(cx->source);
    cx->source = NULL;
    image_free(&cx->img); /* also an image never assembled: it is zero */
}
