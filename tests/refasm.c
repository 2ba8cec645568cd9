/* refasm.c: the reference assembler (see refasm.h).  Everything here is
 * read from docs/asm.md and the instruction table of docs/isa.md: the line
 * syntax, the directives and their ranges, the operand kinds, expressions,
 * the image's load address, entry PSW and symbol table, and the errors.
 * Three steps: expand the includes into one list of lines in assembly
 * order, lay out addresses and labels (pass 1), evaluate and emit (pass 2).
 * An error is kept only if it comes before the one already kept.
 */
#include "refasm_impl.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* docs/isa.md's table: mnemonic, opcode, operand kinds (a b c t n, 'i' the
 * imm of ADDI, 'L' the imm38 of LI) */
static const struct {
    const char *name;
    unsigned op;
    const char *ops;
} insns[] = {
    {"NOP", 0x01, ""},     {"HALT", 0x02, ""},    {"MOV", 0x08, "ab"},   {"LI", 0x09, "aL"},
    {"LDX", 0x0A, "anc"},  {"STX", 0x0B, "nbc"},  {"ADD", 0x10, "abc"},  {"SUB", 0x11, "abc"},
    {"MUL", 0x12, "abc"},  {"DIV", 0x13, "abc"},  {"DIVU", 0x14, "abc"}, {"MOD", 0x15, "abc"},
    {"MODU", 0x16, "abc"}, {"AND", 0x17, "abc"},  {"OR", 0x18, "abc"},   {"XOR", 0x19, "abc"},
    {"SHL", 0x1A, "abc"},  {"SHR", 0x1B, "abc"},  {"SAR", 0x1C, "abc"},  {"ADDI", 0x1D, "abi"},
    {"SLT", 0x1E, "abc"},  {"SLTU", 0x1F, "abc"}, {"SEQ", 0x20, "abc"},  {"JMP", 0x28, "t"},
    {"JMPI", 0x29, "a"},   {"JMPX", 0x2A, "nb"},  {"JAL", 0x2B, "at"},   {"BEQ", 0x2C, "abt"},
    {"BNE", 0x2D, "abt"},  {"BLT", 0x2E, "abt"},  {"BGE", 0x2F, "abt"},  {"BLTU", 0x30, "abt"},
    {"BGEU", 0x31, "abt"}, {"BZ", 0x32, "at"},    {"BNZ", 0x33, "at"},   {"DJNZ", 0x34, "at"},
    {"SVC", 0x38, "n"},    {"LPSW", 0x40, "a"},   {"SPSW", 0x41, "a"},   {"LR", 0x42, "a"},
    {"SR", 0x43, "a"},     {"TSET", 0x44, "a"},   {"TGET", 0x45, "a"},   {"COUT", 0x46, "a"},
    {"CIN", 0x47, "a"},    {"HCALL", 0x48, "n"},  {"JRSTU", 0x50, "t"},  {"LRA", 0x51, "an"},
    {"MFPI", 0x52, "ab"},
};
#define NINSNS (sizeof insns / sizeof insns[0])

/* ---- step 1: the lines in assembly order ---- */

static const struct ra_file *find_file(struct ctx *c, const char *name)
{
    for (size_t i = 0; i < c->nfiles; i++)
        if (!strcmp(c->files[i].name, name))
            return &c->files[i];
    return NULL;
}

static struct line *new_line(struct ctx *c)
{
    if (c->nlines == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 256;
        c->lines = realloc(c->lines, (size_t)c->cap * sizeof *c->lines);
    }
    struct line *l = &c->lines[c->nlines++];
    memset(l, 0, sizeof *l);
    l->seq = c->nlines;
    return l;
}


/* Parse labels, statement and operands of L (tokens already there). */
/* ---- the words a line in error keeps (docs/asm.md, "Errors") ---- */

static const char *skip_blank(const char *p, const char *e)
{
    while (p < e && strchr(" \t\r\f\v", *p))
        p++;
    return p;
}

/* The end of the name at P, or P if none begins there. */
static const char *name_end(const char *p, const char *e)
{
    if (p >= e || !(isalpha((unsigned char)*p) || *p == '_' || *p == '.'))
        return p;
    for (p++; p < e && (isalnum((unsigned char)*p) || strchr("_.$", *p)); p++)
        ;
    return p;
}

/* The line P..E read as text: past its labels, an instruction (a name not
 * beginning with '.', and no '=' after it) is one word, a .word one per
 * expression (one more than its commas outside quotes and parentheses);
 * any other line none. */
static uint32_t kept_words(const char *p, const char *e)
{
    const char *n, *h;
    for (;;) {
        h = skip_blank(p, e);
        n = name_end(h, e);
        const char *after = skip_blank(n, e);
        if (n == h || after >= e || *after != ':')
            break;
        p = after + 1;
    }
    const char *after = skip_blank(n, e);
    if (n == h || (n - h == 1 && *h == '.') || (after < e && *after == '='))
        return 0;
    if (*h != '.')
        return 1;
    if (n - h != 5 || strncasecmp(h, ".word", 5))
        return 0;
    uint32_t words = 1;
    int depth = 0;
    for (p = n; p < e && *p != ';'; p++) {
        if (*p == '"' || *p == '\'') {
            char q = *p;
            for (p++; p < e && *p != q; p++)
                if (*p == '\\' && p + 1 < e)
                    p++;
            if (p >= e)
                break;
        } else if (*p == '(' || *p == ')') {
            depth += *p == '(' ? 1 : -1;
        } else if (*p == ',' && depth <= 0) {
            words++;
        }
    }
    return words;
}

/* A line in error takes the words it keeps where they fit, in memory and
 * in a .phase's addresses, else none. */
static void keep_words(struct line *l, uint32_t *emit, uint32_t *pdot, bool in_phase)
{
    if (!l->bad || !l->keep || l->keep > MEM - *emit || (in_phase && l->keep > MEM - *pdot))
        return;
    l->size = l->keep;
    *emit += l->keep;
    if (in_phase)
        *pdot += l->keep;
}

static void parse(struct ctx *c, struct line *l)
{
    int i = 0;
    l->lab0 = 0;
    while (i + 1 < l->nt && l->t[i].k == T_NAME && ra_is_p(l, i + 1, ":")) {
        if (!strcmp(l->t[i].s, ".")) {
            /* an error, but tgm still places the statement after it
             * (docs/asm.md does not say) */
            ra_err(c, l, NULL);
            l->skip_dot = i + 2;
            i += 2;
            continue;
        }
        l->nlab++;
        i += 2;
    }
    if (i >= l->nt) {
        l->d = D_NONE;
        return;
    }
    const struct tok *t = &l->t[i];
    if (t->k != T_NAME) {
        ra_err(c, l, NULL);
        l->bad = true;
        return;
    }
    int a = i + 1;
    if (ra_is_p(l, i + 1, "=")) {
        if (!strcmp(t->s, ".")) {
            ra_err(c, l, NULL);
            l->bad = true;
            return;
        }
        l->d = D_CONST;
        l->arg[0] = i + 2;
        l->argn[0] = l->nt - (i + 2);
        l->nargs = 1;
        l->insn = i; /* the name's token */
        if (l->argn[0] == 0) {
            ra_err(c, l, NULL);
            l->bad = true;
        }
        return;
    }
    if (t->s[0] == '.') {
        int d = ra_lookup_dir(t->s);
        if (d < 0) {
            ra_err(c, l, NULL);
            l->bad = true;
            return;
        }
        l->d = (enum dir)d;
    } else {
        l->d = D_INSN;
        l->insn = -1;
        for (size_t k = 0; k < NINSNS; k++)
            if (!strcasecmp(insns[k].name, t->s))
                l->insn = (int)k;
        if (l->insn < 0) {
            ra_err(c, l, NULL);
            l->bad = true;
            return;
        }
    }
    /* operands split at top-level commas */
    l->nargs = 0;
    if (a < l->nt) {
        int depth = 0, s = a;
        for (int k = a; k <= l->nt; k++) {
            if (k == l->nt || (depth == 0 && ra_is_p(l, k, ","))) {
                if (l->nargs >= 32 || k == s) {
                    ra_err(c, l, NULL);
                    l->bad = true;
                    return;
                }
                l->arg[l->nargs] = s;
                l->argn[l->nargs++] = k - s;
                s = k + 1;
                continue;
            }
            if (ra_is_p(l, k, "("))
                depth++;
            if (ra_is_p(l, k, ")"))
                depth--;
        }
    }
    int want = -1; /* exact operand count, or -2 for one or more */
    switch (l->d) {
    case D_INSN: want = (int)strlen(insns[l->insn].ops); break;
    case D_WORD: want = -2; break;
    case D_DEPHASE: want = 0; break;
    case D_EQU: want = 2; break;
    default: want = 1; break;
    }
    if ((want >= 0 && l->nargs != want) || (want == -2 && l->nargs < 1)) {
        ra_err(c, l, NULL);
        l->bad = true;
        l->ends_phase = l->d == D_DEPHASE; /* as tgm has it: docs/asm.md is silent */
        return;
    }
    if (l->d == D_ASCII || l->d == D_ASCIZ || l->d == D_INCLUDE) {
        const struct tok *s = &l->t[l->arg[0]];
        if (l->argn[0] != 1 || s->k != T_STR) {
            ra_err(c, l, l->argn[0] == 1 && s->k == T_CHR ?
                "takes a string in double quotes, not a character literal" : NULL);
            l->bad = true;
        }
    }
    if (l->d == D_EQU && (l->argn[0] != 1 || l->t[l->arg[0]].k != T_NAME)) {
        ra_err(c, l, NULL);
        l->bad = true;
    }
}

static void dirname_of(const char *name, char *out, size_t len)
{
    snprintf(out, len, "%s", name);
    char *s = strrchr(out, '/');
    if (s)
        s[1] = 0;
    else
        out[0] = 0;
}

/* "a/b/../c" -> "a/c" */
static void normalize(char *p)
{
    char *q;
    while ((q = strstr(p, "/../"))) {
        char *s = q;
        while (s > p && s[-1] != '/')
            s--;
        memmove(s, q + 4, strlen(q + 4) + 1);
    }
    while (!strncmp(p, "./", 2))
        memmove(p, p + 2, strlen(p + 2) + 1);
}

static int expand(struct ctx *c, const struct ra_file *f, int depth, const char **stack)
{
    const char *p = f->text, *end = f->text + f->len;
    if (f->len >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3))
        p += 3;
    const char *nul = memchr(f->text, 0, f->len);
    if (nul) {
        struct line *l = new_line(c);
        l->file = f->name;
        l->lineno = 1;
        for (const char *q = f->text; q < nul; q++)
            l->lineno += *q == '\n';
        l->bad = true;
        ra_err(c, l, "not an assembly source: a NUL byte at offset");
        return 0;
    }
    stack[depth] = f->name;
    int lineno = 0, inst = ++c->ninst;
    while (p < end) {
        const char *e = memchr(p, '\n', (size_t)(end - p));
        const char *next = e ? e + 1 : end;
        if (!e)
            e = end;
        if (e > p && e[-1] == '\r' && e < end)
            e--;
        lineno++;
        struct line *l = new_line(c);
        l->file = f->name;
        l->lineno = lineno;
        l->depth = depth;
        l->inst = inst;
        l->keep = kept_words(p, e);
        if (ra_lex(c, l, p, e) < 0)
            l->bad = true; /* its labels still count, if it had any */
        else
            parse(c, l);
        p = next;
        if (l->bad && l->nt > 0) {
            /* labels before the error still name the address */
            int i = 0;
            while (i + 1 < l->nt && l->t[i].k == T_NAME && ra_is_p(l, i + 1, ":") &&
                   strcmp(l->t[i].s, "."))
                i += 2;
            l->nlab = i / 2;
        }
        if (l->bad || l->d != D_INCLUDE)
            continue;
        char path[512], dir[512];
        dirname_of(f->name, dir, sizeof dir);
        const struct tok *s = &l->t[l->arg[0]];
        int pn = snprintf(path, sizeof path, "%s%.*s", s->str[0] == '/' ? "" : dir,
                          (int)s->slen, s->str);
        if (pn < 0 || (size_t)pn >= sizeof path)
            path[0] = '\0'; /* too long for the generated file set: found nowhere */
        normalize(path);
        const struct ra_file *g = find_file(c, path);
        bool cycle = false;
        for (int k = 0; g && k <= depth; k++)
            cycle |= !strcmp(stack[k], g->name);
        int seq = l->seq;
        if (!g || cycle || depth + 1 >= 64) {
            ra_err(c, l, NULL);
            continue;
        }
        int ginst = expand(c, g, depth + 1, stack);
        struct line *fe = new_line(c);
        fe->file = g->name;
        fe->lineno = l->lineno; /* reported where? the include line: see below */
        fe->depth = depth + 1;
        fe->inst = ginst;
        fe->d = D_FILE_END;
        fe->phase_seq = seq;
    }
    if (depth == 0) {
        struct line *fe = new_line(c);
        fe->file = f->name;
        fe->lineno = lineno;
        fe->depth = 0;
        fe->inst = inst;
        fe->d = D_FILE_END;
    }
    return inst;
}

/* ---- passes ---- */

static int cmp_int(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int cmp_sym(const void *a, const void *b)
{
    const struct ra_sym *x = a, *y = b;
    if (x->value != y->value)
        return x->value < y->value ? -1 : 1;
    return strcmp(x->name, y->name);
}

void ra_assemble(const struct ra_file *files, size_t nfiles, struct ra_result *r)
{
    memset(r, 0, sizeof *r);
    struct ctx c = {0};
    c.files = files;
    c.nfiles = nfiles;
    c.r = r;
    c.eseq = -1;
    c.syms = malloc(MAXSYM * sizeof *c.syms); /* each cleared as it is defined */
    const char *stack[70];
    expand(&c, &files[0], 0, stack);

    /* pass 1: addresses, labels, constants' places */
    uint32_t emit = 0, pdot = 0;
    uint64_t lo = UINT64_MAX, hi = 0;
    bool in_phase = false;
    struct line *phase_line = NULL;
    int misplaced = 0; /* the first refused .org, .space or .phase: the
                          overlaps after it are most likely its echo */
    for (int k = 0; k < c.nlines; k++) {
        struct line *l = &c.lines[k];
        l->emit = emit;
        l->dot = in_phase ? pdot : emit;
        l->phased = in_phase;
        for (int j = 0; j + 1 < l->nt && l->t[j].k == T_NAME && ra_is_p(l, j + 1, ":"); j += 2)
            if (strcmp(l->t[j].s, ".") && !l->t[j].v)
                ra_sym_define(&c, l, l->t[j].s, in_phase ? RA_PHASED : RA_LABEL, l->dot);
        if (l->ends_phase && in_phase && phase_line->inst == l->inst)
            in_phase = false;
        keep_words(l, &emit, &pdot, in_phase);
        if (l->bad)
            continue;
        uint64_t n = 0, v = 0;
        c.cur = l;
        switch (l->d) {
        case D_CONST: ra_sym_define(&c, l, l->t[l->insn].s, RA_CONST, 0); break;
        case D_EQU: ra_sym_define(&c, l, l->t[l->arg[0]].s, RA_CONST, 0); break;
        case D_INSN: n = 1; break;
        case D_WORD: n = (uint64_t)l->nargs; break;
        case D_ASCII: n = l->t[l->arg[0]].slen; break;
        case D_ASCIZ: n = l->t[l->arg[0]].slen + 1; break;
        case D_SPACE:
        case D_ORG:
        case D_PHASE:
            if (l->d == D_ORG && in_phase) {
                ra_err(&c, l, NULL);
                l->bad = true;
                misplaced = misplaced ? misplaced : l->seq;
                break;
            }
            if (l->d == D_PHASE && in_phase) {
                ra_err(&c, l, NULL);
                l->bad = true;
                break;
            }
            c.restricted = true;
            if (ra_eval_range(&c, l, l->arg[0], l->argn[0], &v) < 0) {
                c.restricted = false;
                ra_err(&c, l, NULL);
                l->bad = true;
                misplaced = misplaced ? misplaced : l->seq;
                if (l->d == D_PHASE) { /* still open, so .dephase matches */
                    in_phase = true;
                    pdot = emit;
                    phase_line = l;
                }
                break;
            }
            c.restricted = false;
            if (l->d == D_SPACE) {
                if ((int64_t)v < 0) {
                    ra_err(&c, l, "the count is negative");
                    l->bad = true;
                    misplaced = misplaced ? misplaced : l->seq;
                } else {
                    n = v;
                }
            } else if (v > MEM) {
                ra_err(&c, l, NULL);
                l->bad = true;
                misplaced = misplaced ? misplaced : l->seq;
                if (l->d == D_PHASE) {
                    in_phase = true;
                    pdot = emit;
                    phase_line = l;
                }
            } else if (l->d == D_ORG) {
                emit = (uint32_t)v;
            } else {
                in_phase = true;
                pdot = (uint32_t)v;
                phase_line = l;
            }
            break;
        case D_DEPHASE:
            if (!in_phase || phase_line->inst != l->inst) {
                /* a phase ends in the file that began it */
                ra_err(&c, l, NULL);
                l->bad = true;
                break;
            }
            in_phase = false;
            break;
        case D_FILE_END:
            if (in_phase && phase_line && phase_line->inst == l->inst) {
                ra_err(&c, phase_line, NULL);
                in_phase = false;
            }
            break;
        default: break;
        }
        if (l->d == D_WORD || l->d == D_INSN || l->d == D_ENTRY || l->d == D_ENTRYPSW) {
            /* the form of every operand is checked before the words are placed */
            c.syntax_only = true;
            for (int j = 0; j < l->nargs && !l->bad; j++)
                if (ra_eval_range(&c, l, l->arg[j], l->argn[j], &v) < 0) {
                    ra_err(&c, l, NULL);
                    l->bad = true;
                }
            c.syntax_only = false;
            keep_words(l, &emit, &pdot, in_phase);
        }
        if (!n || l->bad)
            continue;
        if ((uint64_t)emit + n > MEM) {
            ra_err(&c, l, "past the end of memory");
            l->bad = true;
            if (l->d == D_SPACE)
                misplaced = misplaced ? misplaced : l->seq;
            continue;
        }
        if (in_phase && (uint64_t)pdot + n > MEM) {
            ra_err(&c, l, "at phased address");
            l->bad = true;
            continue;
        }
        l->size = (uint32_t)n;
        emit += (uint32_t)n;
        if (in_phase)
            pdot += (uint32_t)n;
    }

    /* pass 2: values and words, below the highest word any line takes
     * (4 MiB cleared for every source was most of this model's time) */
    size_t top = 1;
    for (int k = 0; k < c.nlines; k++)
        if ((size_t)c.lines[k].emit + c.lines[k].size > top)
            top = (size_t)c.lines[k].emit + c.lines[k].size;
    uint64_t *mem = calloc(top, sizeof *mem);
    uint8_t *used = calloc(top, 1);
    bool entry_set = false;
    uint64_t entry = 0;
    for (int k = 0; k < c.nlines; k++) {
        struct line *l = &c.lines[k];
        if (l->bad) { /* its words still take their place */
            for (uint32_t j = 0; j < l->size; j++)
                used[l->emit + j] = 1;
            continue;
        }
        c.cur = l;
        uint64_t v = 0;
        uint64_t words[32];
        uint64_t nw = 0;
        int rc = 0;
        const uint8_t *bytes = NULL;
        switch (l->d) {
        case D_CONST:
        case D_EQU: {
            struct sym *s = ra_sym_find(&c, l->d == D_EQU ? l->t[l->arg[0]].s : l->t[l->insn].s);
            if (s && s->def == l)
                ra_eval_const(&c, s, &v);
            break;
        }
        case D_INSN: {
            const char *ops = insns[l->insn].ops;
            uint64_t w = (uint64_t)insns[l->insn].op << 57;
            bool bad = false, quiet = false;
            for (int j = 0; j < l->nargs && !bad && !quiet; j++) {
                rc = ra_eval_range(&c, l, l->arg[j], l->argn[j], &v);
                if (rc < 0) {
                    bad = rc == -1;
                    quiet = rc == -2;
                    break;
                }
                int shift = 38 - 19 * j;
                if (ops[j] == 'i') {
                    if ((int64_t)v < -(INT64_C(1) << 18) || (int64_t)v >= (INT64_C(1) << 18))
                        bad = true;
                    w |= v & 0x7FFFF;
                } else if (ops[j] == 'L') {
                    if ((int64_t)v < -(INT64_C(1) << 37) || (int64_t)v >= (INT64_C(1) << 37))
                        bad = true;
                    w |= v & ((UINT64_C(1) << 38) - 1);
                } else {
                    if (v >= MEM)
                        bad = true;
                    w |= v << shift;
                }
            }
            if (bad || quiet) {
                if (bad)
                    ra_err(&c, l, NULL);
                break;
            }
            words[0] = w;
            nw = 1;
            break;
        }
        case D_WORD:
            nw = (uint64_t)l->nargs;
            for (int j = 0; j < l->nargs; j++)
                if ((rc = ra_eval_range(&c, l, l->arg[j], l->argn[j], &words[j])) < 0) {
                    if (rc == -1)
                        ra_err(&c, l, NULL);
                    nw = 0;
                    break;
                }
            break;
        case D_ASCII:
        case D_ASCIZ:
            bytes = (const uint8_t *)l->t[l->arg[0]].str;
            nw = l->t[l->arg[0]].slen + (l->d == D_ASCIZ);
            break;
        case D_SPACE:
            c.restricted = true;
            ra_eval_range(&c, l, l->arg[0], l->argn[0], &nw);
            c.restricted = false;
            break;
        case D_ENTRY:
        case D_ENTRYPSW:
            rc = ra_eval_range(&c, l, l->arg[0], l->argn[0], &v);
            if (rc < 0 || (l->d == D_ENTRY && v >= MEM) ||
                (l->d == D_ENTRYPSW && (v >> 58 & 0xF))) {
                if (rc != -2)
                    ra_err(&c, l, NULL);
                break;
            }
            if (entry_set) {
                ra_err(&c, l, "the entry point is already set at");
                break;
            }
            entry_set = true;
            entry = l->d == D_ENTRY ? UINT64_C(1) << 63 | v << 39 | MEM : v;
            break;
        default: break;
        }
        bool reported = false;
        for (uint32_t j = 0; j < l->size; j++) {
            uint32_t at = l->emit + j;
            if (used[at] && !reported && (!misplaced || l->seq < misplaced)) {
                ra_err(&c, l, NULL);
                reported = true;
            }
            used[at] = 1;
            if (j >= nw)
                continue;
            mem[at] = l->d == D_WORD || l->d == D_INSN ? words[j]
                      : bytes && j < l->t[l->arg[0]].slen ? bytes[j] : 0;
            if (at < lo)
                lo = at;
            if (at > hi)
                hi = at;
        }
    }

    /* a line says its first error only */
    if (c.nerrs) /* (qsort takes no null array, even empty) */
        qsort(c.errs, (size_t)c.nerrs, sizeof *c.errs, cmp_int);
    for (int k = 0; k < c.nerrs; k++) {
        if (k && c.errs[k] == c.errs[k - 1])
            continue;
        if (r->nerr < 20) {
            const struct line *l = &c.lines[c.errs[k] - 1];
            snprintf(r->errs[r->nerr].file, sizeof r->errs[r->nerr].file, "%s", l->file);
            r->errs[r->nerr].line = l->lineno;
        }
        r->nerr++;
    }
    free(c.errs);
    if (c.eseq < 0) {
        r->ok = true;
        if (lo == UINT64_MAX) {
            r->load = emit;
            r->nwords = 0;
        } else {
            r->load = (uint32_t)lo;
            r->nwords = (uint32_t)(hi - lo + 1);
            r->words = malloc(r->nwords * sizeof *r->words);
            memcpy(r->words, mem + lo, r->nwords * sizeof *r->words);
        }
        r->entry = entry_set ? entry : UINT64_C(1) << 63 | (uint64_t)(r->load % MEM) << 39 | MEM;
        r->syms = calloc((size_t)c.nsyms + 1, sizeof *r->syms);
        for (int k = 0; k < c.nsyms; k++) {
            uint64_t v = c.syms[k].value;
            if (c.syms[k].kind == RA_CONST)
                ra_eval_const(&c, &c.syms[k], &v);
            snprintf(r->syms[k].name, sizeof r->syms[k].name, "%s", c.syms[k].name);
            r->syms[k].value = v;
            r->syms[k].kind = c.syms[k].kind;
        }
        r->nsyms = (size_t)c.nsyms;
        qsort(r->syms, r->nsyms, sizeof *r->syms, cmp_sym);
    }
    free(mem);
    free(used);
    for (int k = 0; k < c.nlines; k++) {
        for (int j = 0; c.lines[k].t && j < c.lines[k].nt; j++)
            free(c.lines[k].t[j].str);
        free(c.lines[k].t);
    }
    free(c.lines);
    free(c.syms);
}

void ra_free(struct ra_result *r)
{
    free(r->words);
    free(r->syms);
    memset(r, 0, sizeof *r);
}
