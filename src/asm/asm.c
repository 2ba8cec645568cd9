/* asm.c: the assembler's statements, directives and two passes.
 *
 * Gives the "usual complement of instructions" of section 2 a text form.
 * Pass 1 reads every line (following .include), places labels and sizes
 * every statement; pass 2 evaluates operands, checks each against its kind
 * in the one instruction table, and encodes it with MAKE_INSN.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "asm_impl.h"
#include "tgm/bytes.h"
#include "tgm/image.h"

static const struct {
    const char *name;
    uint8_t kind;
} directives[] = {
    {".org", ST_ORG}, {".word", ST_WORD}, {".ascii", ST_ASCII},
    {".asciz", ST_ASCIZ}, {".space", ST_SPACE}, {".include", ST_INCLUDE},
    {".entry", ST_ENTRY}, {".entrypsw", ST_ENTRYPSW}, {".equ", ST_EQU},
    {".phase", ST_PHASE}, {".dephase", ST_DEPHASE},
};
#define NDIRECTIVES (sizeof directives / sizeof directives[0])
#define INCLUDE_MAX_DEPTH 64

/* Each operand kind's name and range (docs/asm.md, "Operands"). */
static const struct {
    const char *name;
    int64_t lo, hi;
    bool sgn;
} kind_info[] = {
    [OK_ADDR] = {"address", 0, TGM_ADDR_MASK, false},
    [OK_TGT] = {"target", 0, TGM_ADDR_MASK, false},
    [OK_NUM] = {"number", 0, TGM_ADDR_MASK, false},
    [OK_IMM] = {"imm", ISA_IMM_MIN, ISA_IMM_MAX, true},
    [OK_IMM38] = {"imm38", ISA_IMM38_MIN, ISA_IMM38_MAX, true},
};

const struct insn_info *asm_lookup_mnemonic(const struct asm_tok *t)
{
    char name[16];
    if (t->len >= sizeof name)
        return NULL;
    memcpy(name, t->p, t->len);
    name[t->len] = '\0';
    return isa_lookup(name);
}

/* "a.s:12", for messages that name another statement. */
void asm_where(const struct asm_ctx *c, uint32_t si, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%u", c->files[c->stmts[si].file].name, c->stmts[si].line);
}

/* --- statements ----------------------------------------------------------- */

/* '.' where pass 1 stands: the emit address, or inside .phase the address
 * the code is assembled for (it will be moved there, or relocated there). */
static uint32_t cur_dot(const struct assembler *a)
{
    return a->phase_stmt ? a->phase_to + (a->dot - a->phase_from) : a->dot;
}

/* Define NAME (a token of statement SI) as a label or constant.  Returns its
 * index, or -1 after reporting why it cannot be defined. */
static int32_t define_symbol(struct assembler *a, const struct asm_tok *name,
                             enum sym_kind kind)
{
    struct asm_ctx *c = &a->c;
    if (name->len > TGM_SYM_MAX)
        asm_error_tok(c, name, "symbol name is too long (%u characters; at most %u)",
                      name->len, TGM_SYM_MAX);
    int32_t idx = asm_sym_find(c, name->p, name->len);
    if (idx < 0) {
        idx = (int32_t)asm_sym_add(c, name->p, name->len, kind, cur_dot(a));
    } else if (c->syms[idx].kind == SYM_PREDEF) {
        /* a user definition replaces SUP or USER everywhere, so it must not
         * come after pass 1 already placed words with the predefined value */
        if (c->syms[idx].used) {
            char at[300];
            asm_where(c, c->syms[idx].used - 1, at, sizeof at);
            asm_error_tok(c, name, "'%s' is redefined after its predefined value was used at %s",
                          c->syms[idx].name, at);
        }
        c->syms[idx].kind = (uint8_t)kind;
        c->syms[idx].value = cur_dot(a);
    } else {
        char at[300];
        asm_where(c, c->syms[idx].stmt, at, sizeof at);
        asm_error_tok(c, name, "duplicate symbol '%.*s' (first defined at %s)", (int)name->len,
                      name->p, at);
        return -1;
    }
    c->syms[idx].stmt = name->stmt;
    c->syms[idx].state = SS_DONE;
    c->syms[idx].phased = kind == SYM_LABEL && a->phase_stmt;
    return idx;
}

static void define_label(struct assembler *a, const struct asm_tok *name)
{
    if (asm_tok_is(name, "."))
        asm_error_tok(&a->c, name, "'.' is the current address; it cannot be a label");
    else
        define_symbol(a, name, SYM_LABEL);
}

/* Find the statement's kind after its labels (defining them in pass 1). */
int asm_classify(struct assembler *a, bool pass1, struct asm_parts *pt)
{
    struct asm_ctx *c = &a->c;
    const struct asm_tok *t = c->toks;
    uint32_t i = 0;
    for (; t[i].kind == TK_IDENT && asm_tok_punct(&t[i + 1], ':'); i += 2)
        if (pass1)
            define_label(a, &t[i]);
    *pt = (struct asm_parts){.head = i, .ops = i + 1};
    const struct asm_tok *h = &t[i];
    if (h->kind == TK_EOL) {
        pt->kind = ST_EMPTY;
        return 0;
    }
    if (h->kind == TK_IDENT && asm_tok_punct(h + 1, '=')) {
        if (asm_tok_is(h, ".")) {
            asm_error_tok(c, h, "'. = expr' does not move the current address; use '.org expr'");
            return -1;
        }
        pt->kind = ST_CONST;
        pt->name = i;
        pt->ops = i + 2;
        return 0;
    }
    if (h->kind != TK_IDENT || asm_tok_is(h, ".")) {
        asm_error_tok(c, h, "expected a label, instruction or directive, got '%.*s%s'",
                      ASM_QUOTE(h));
        return -1;
    }
    if (h->p[0] != '.') {
        pt->kind = ST_INSN;
        pt->info = asm_lookup_mnemonic(h);
        if (pt->info)
            return 0;
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)h->len, h->p);
        const char *near = asm_suggest_mnemonic(name);
        if (h[1].kind == TK_IDENT && asm_lookup_mnemonic(&h[1]))
            asm_error_tok(c, h, "unknown mnemonic '%.*s%s' (a label needs a ':' after it)",
                          ASM_QUOTE(h));
        else if (near)
            asm_error_tok(c, h, "unknown mnemonic '%.*s%s' (did you mean '%s'?)", ASM_QUOTE(h),
                          near);
        else
            asm_error_tok(c, h, "unknown mnemonic '%.*s%s'", ASM_QUOTE(h));
        return -1;
    }
    struct tgm_suggest s;
    tgm_suggest_init(&s, h->p, h->len);
    for (size_t d = 0; d < NDIRECTIVES; d++) {
        if (strlen(directives[d].name) == h->len &&
            strncasecmp(directives[d].name, h->p, h->len) == 0) {
            pt->kind = directives[d].kind;
            break;
        }
        tgm_suggest_offer(&s, directives[d].name);
    }
    if (pt->kind == ST_EMPTY) {
        const char *near = tgm_suggest_result(&s);
        asm_error_tok(c, h, "unknown directive '%.*s%s'%s%s%s", ASM_QUOTE(h),
                      near ? " (did you mean '" : "", near ? near : "", near ? "'?)" : "");
        return -1;
    }
    if (pt->kind == ST_EQU) {
        /* .equ name, expr is name = expr; the name may be '.' here */
        if (t[i + 1].kind != TK_IDENT) {
            asm_error_tok(c, &t[i + 1], "expected a symbol name after '.equ'");
            return -1;
        }
        if (!asm_tok_punct(&t[i + 2], ',')) {
            asm_error_tok(c, &t[i + 2], "expected ',' after the name in '.equ'");
            return -1;
        }
        pt->kind = ST_CONST;
        pt->name = i + 1;
        pt->ops = i + 3;
    }
    return 0;
}

static void expected_eol(struct asm_ctx *c, const struct asm_tok *t, const char *what)
{
    asm_error_tok(c, t, "expected %s, got '%.*s%s'", what, ASM_QUOTE(t));
}

/* The one expression of a directive, which must end the line. */
int asm_one_operand(struct assembler *a, uint32_t ops, uint32_t dot, int mode,
                    struct ev_result *r)
{
    uint32_t pos = ops;
    int st = asm_eval(&a->c, a->c.toks, &pos, dot, mode, r);
    if (st == EV_OK && a->c.toks[pos].kind != TK_EOL) {
        expected_eol(&a->c, &a->c.toks[pos], "end of line");
        return EV_ERROR;
    }
    return st;
}

/* Comma-separated expressions from OPS to the end of the line.  Returns
 * how many (with the first MAX values in OUT and the token of each in
 * FIRST), or -1 after an error. */
static int expr_list(struct assembler *a, uint32_t ops, uint32_t dot, int mode,
                     uint64_t *out, uint32_t *first, uint32_t max)
{
    struct asm_ctx *c = &a->c;
    uint32_t pos = ops;
    int n = 0;
    if (c->toks[pos].kind == TK_EOL) {
        asm_error_tok(c, &c->toks[pos], "expected an expression");
        return -1;
    }
    for (;;) {
        uint32_t start = pos;
        struct ev_result r;
        if (asm_eval(c, c->toks, &pos, dot, mode, &r) != EV_OK)
            return -1;
        if ((uint32_t)n < max) {
            if (out)
                out[n] = r.value;
            if (first)
                first[n] = start;
        }
        n++;
        if (c->toks[pos].kind == TK_EOL)
            return n;
        if (!asm_tok_punct(&c->toks[pos], ',')) {
            expected_eol(c, &c->toks[pos], "',' or end of line");
            return -1;
        }
        pos++;
    }
}

static bool fits(int kind, uint64_t v)
{
    if (kind_info[kind].sgn)
        return (int64_t)v >= kind_info[kind].lo && (int64_t)v <= kind_info[kind].hi;
    return v <= (uint64_t)kind_info[kind].hi;
}

/* An instruction's operands: counted against its format, and (unless MODE is
 * EV_SYNTAX) evaluated, checked against their kinds and encoded in *WORD. */
int asm_insn_operands(struct assembler *a, const struct asm_parts *pt, uint32_t dot,
                      int mode, uint64_t *word)
{
    struct asm_ctx *c = &a->c;
    const struct insn_info *in = pt->info;
    const uint8_t *kinds = isa_format_kinds[in->format];
    int want = 0;
    char desc[64] = "";
    for (int f = 0; f < 3; f++)
        if (kinds[f] != OK_NONE) {
            size_t l = strlen(desc);
            snprintf(desc + l, sizeof desc - l, "%s%s", want ? ", " : "", kind_info[kinds[f]].name);
            want++;
        }
    uint32_t first[4] = {0};
    int n = 0;
    if (c->toks[pt->ops].kind != TK_EOL) {
        n = expr_list(a, pt->ops, dot, EV_SYNTAX, NULL, first, 4);
        if (n < 0)
            return -1;
    }
    if (n != want) {
        const struct asm_tok *at = n > want ? &c->toks[first[want]] : &c->toks[pt->head];
        const struct asm_tok *end = n > want ? &c->toks[pt->head] : at;
        while (n > want && end[1].kind != TK_EOL)
            end++; /* the caret covers every extra operand */
        if (want == 0)
            asm_error_span(c, at, end, "'%s' takes no operands, got %d", in->name, n);
        else
            asm_error_span(c, at, end, "'%s' takes %d operand%s (%s), got %d", in->name, want,
                           want == 1 ? "" : "s", desc, n);
        return -1;
    }
    if (mode == EV_SYNTAX)
        return 0;
    uint64_t field[3] = {0};
    for (int f = 0, k = 0; f < 3; f++) {
        if (kinds[f] == OK_NONE)
            continue;
        uint32_t pos = first[k];
        struct ev_result r;
        if (asm_eval(c, c->toks, &pos, dot, mode, &r) != EV_OK)
            return -1;
        if (!fits(kinds[f], r.value)) {
            char shown[32];
            asm_show_value(shown, sizeof shown, r.value);
            asm_error_span(c, &c->toks[first[k]], &c->toks[pos - 1],
                           "operand %d of %s: %s %s is out of range %lld..%lld", k + 1,
                           in->name, kind_info[kinds[f]].name, shown,
                           (long long)kind_info[kinds[f]].lo, (long long)kind_info[kinds[f]].hi);
            return -1;
        }
        field[f] = r.value;
        k++;
    }
    if (in->format == FMT_AL)
        *word = MAKE_INSN_L(in->op, field[0], field[1]);
    else
        *word = MAKE_INSN(in->op, field[0], field[1], field[2]);
    return 0;
}

/* The string operand of .ascii/.asciz/.include, or NULL after an error. */
static const struct asm_tok *string_operand(struct assembler *a, const struct asm_parts *pt)
{
    struct asm_ctx *c = &a->c;
    const struct asm_tok *t = &c->toks[pt->ops];
    if (t->kind != TK_STR) {
        if (t->kind == TK_NUM && t->p[0] == '\'' && asm_quote_error(c, &c->toks[pt->head], t))
            return NULL; /* '.ascii 'a'': a character literal */
        if (t->kind == TK_EOL)
            asm_error_tok(c, t, "expected a string");
        else
            asm_error_tok(c, t, "expected a string, got '%.*s%s'", ASM_QUOTE(t));
        return NULL;
    }
    if (t[1].kind != TK_EOL) {
        expected_eol(c, &t[1], "end of line");
        return NULL;
    }
    return t;
}

/* --- pass 1 --------------------------------------------------------------- */

/* The value of .org or .space, which places words and so must be known
 * when pass 1 reaches it.  -1 after an error. */
static int placing_value(struct assembler *a, const struct asm_parts *pt, uint64_t *v)
{
    struct asm_ctx *c = &a->c;
    struct ev_result r;
    int st = asm_one_operand(a, pt->ops, cur_dot(a), EV_PASS1, &r);
    if (st == EV_UNKNOWN) {
        uint32_t pos = pt->ops;
        while (c->toks[pos + 1].kind != TK_EOL)
            pos++;
        asm_error_span(c, &c->toks[pt->ops], &c->toks[pos],
                       "'%.*s' needs a value known here, but '%.*s%s' is not defined above it",
                       (int)c->toks[pt->head].len, c->toks[pt->head].p, ASM_QUOTE(r.unknown));
    }
    *v = r.value;
    if (st != EV_OK)
        a->misplaced = true;
    return st == EV_OK ? 0 : -1;
}

/* The address operand of .org or .phase (0..2^19).  -1 after an error. */
static int placing_address(struct assembler *a, const struct asm_parts *pt, uint32_t *addr)
{
    struct asm_ctx *c = &a->c;
    uint64_t v;
    if (placing_value(a, pt, &v) != 0)
        return -1;
    if (v > TGM_Q_MAX) {
        char shown[32];
        asm_show_address(shown, sizeof shown, v);
        a->misplaced = true;
        asm_error_span(c, &c->toks[pt->ops], &c->toks[c->ntoks - 2],
                       "'%.*s' address %s is outside memory (0..0x%x)",
                       (int)c->toks[pt->head].len, c->toks[pt->head].p, shown, TGM_Q_MAX);
        return -1;
    }
    *addr = (uint32_t)v;
    return 0;
}

/* An error at T if a .phase is open: .org and a second .phase need it ended. */
static bool in_phase(struct assembler *a, const struct asm_tok *t)
{
    if (!a->phase_stmt)
        return false;
    char at[300];
    asm_where(&a->c, a->phase_stmt - 1, at, sizeof at);
    asm_error_tok(&a->c, t, "'%.*s' inside the '.phase' at %s (end it with '.dephase' first)",
                  (int)t->len, t->p, at);
    return true;
}

static void phase(struct assembler *a, uint32_t si, const struct asm_parts *pt)
{
    const struct asm_tok *h = &a->c.toks[pt->head];
    uint32_t to = a->dot;
    if (in_phase(a, h))
        return;
    if (placing_address(a, pt, &to) != 0)
        a->misplaced = true; /* still open the phase, so .dephase matches */
    a->phase_stmt = si + 1;
    a->phase_from = a->dot;
    a->phase_to = to;
    a->phase_col = h->col;
    a->phase_width = h->width;
}

static void dephase(struct assembler *a, uint32_t file, const struct asm_parts *pt)
{
    struct asm_ctx *c = &a->c;
    const struct asm_tok *h = &c->toks[pt->head];
    if (c->toks[pt->ops].kind != TK_EOL) /* reported, but it still ends the phase */
        expected_eol(c, &c->toks[pt->ops], "end of line");
    if (!a->phase_stmt) {
        asm_error_tok(c, h, "'.dephase' without '.phase'");
    } else if (c->stmts[a->phase_stmt - 1].file != file) {
        char at[300];
        asm_where(c, a->phase_stmt - 1, at, sizeof at);
        asm_error_tok(c, h, "'.dephase' cannot end the '.phase' at %s: a phase ends in the file "
                            "that began it", at);
    } else {
        a->phase_stmt = 0;
    }
}

static void define_const(struct assembler *a, uint32_t si, const struct asm_parts *pt)
{
    struct asm_ctx *c = &a->c;
    struct ev_result r;
    bool ok = asm_one_operand(a, pt->ops, a->dot, EV_SYNTAX, &r) == EV_OK;
    int32_t idx = define_symbol(a, &c->toks[pt->name], SYM_CONST);
    if (idx < 0)
        return;
    struct asm_sym *s = &c->syms[idx];
    s->state = ok ? SS_PENDING : SS_FAILED;
    s->dot = cur_dot(a);
    s->expr = c->nctoks;
    c->stmts[si].sym = (uint32_t)idx;
    uint32_t n = c->ntoks - pt->ops; /* operand tokens and the EOL */
    c->ctoks = asm_grow(c->ctoks, &c->capctoks, c->nctoks + n, sizeof *c->ctoks);
    memcpy(c->ctoks + c->nctoks, c->toks + pt->ops, n * sizeof *c->ctoks);
    c->nctoks += n;
}

/* --- includes ------------------------------------------------------------ */

static uint32_t file_hash(dev_t dev, ino_t ino)
{
    uint64_t key[2] = {(uint64_t)dev, (uint64_t)ino};
    uint64_t h = tgm_fnv1a(key, sizeof key, TGM_FNV_SEED);
    return (uint32_t)(h ^ (h >> 32));
}

/* Whether a file with this dev/ino was included before (c->fhash). */
static bool included_before(const struct asm_ctx *c, dev_t dev, ino_t ino)
{
    if (!c->fhashcap)
        return false;
    uint32_t mask = c->fhashcap - 1;
    for (uint32_t h = file_hash(dev, ino) & mask;; h = (h + 1) & mask) {
        uint32_t e = c->fhash[h];
        if (!e)
            return false;
        if (c->files[e - 1].dev == dev && c->files[e - 1].ino == ino)
            return true;
    }
}

static void fhash_insert(struct asm_ctx *c, uint32_t file)
{
    uint32_t mask = c->fhashcap - 1;
    uint32_t h = file_hash(c->files[file].dev, c->files[file].ino) & mask;
    while (c->fhash[h])
        h = (h + 1) & mask;
    c->fhash[h] = file + 1;
}

/* Add included file FILE (not seen before) to c->fhash. */
static void remember_include(struct asm_ctx *c, uint32_t file)
{
    if ((c->nfhash + 1) * 2 > c->fhashcap) {
        uint32_t cap = c->fhashcap ? c->fhashcap * 2 : 64;
        uint32_t *h = calloc(cap, sizeof *h);
        if (!h)
            asm_oom();
        free(c->fhash);
        c->fhash = h;
        c->fhashcap = cap;
        for (uint32_t i = 0; i < c->nfiles; i++)
            if (c->files[i].from && !c->files[i].again && i != file)
                fhash_insert(c, i);
    }
    fhash_insert(c, file);
    c->nfhash++;
}

/* Let go of what an .include holds while it is read (asm_ctx's inc_*). */
static void include_drop(struct asm_ctx *c)
{
    free(c->inc_name);
    free(c->inc_text);
    if (c->inc_file)
        fclose(c->inc_file);
    c->inc_name = c->inc_text = NULL;
    c->inc_file = NULL;
}

/* .include "path": the path is relative to the including file.  What it
 * holds is in C's inc_* until c->files takes it: an error's message or
 * c->files' growth may give the assembly up for want of memory (asm_oom),
 * and the path and text read were lost with it. */
static void include_file(struct assembler *a, const struct asm_tok *str,
                         const struct asm_incl *here)
{
    struct asm_ctx *c = &a->c;
    /* say which: "bad include path" left a reader to guess */
    if (str->slen == 0) {
        asm_error_tok(c, str, ".include of an empty path: name a file");
        return;
    }
    /* only now: before any string has a byte, strs is NULL */
    const char *path = c->strs + str->val;
    if (memchr(path, '\0', str->slen)) {
        asm_error_tok(c, str, "include path holds a NUL byte ('\\0'), which no file name can");
        return;
    }
    /* relative to the including file's directory; a stream's (/dev/stdin,
     * a pipe) is no directory of sources, so from there the current one */
    const char *base = c->files[here->file].name;
    const char *slash = strrchr(base, '/');
    size_t dirlen = path[0] != '/' && slash && !tgm_in_system_dir(base)
                        ? (size_t)(slash - base + 1) : 0;
    char *full = c->inc_name = malloc(dirlen + str->slen + 1);
    if (!full)
        asm_oom();
    memcpy(full, base, dirlen);
    memcpy(full + dirlen, path, str->slen);
    full[dirlen + str->slen] = '\0';
    struct stat st;
    int err = 0;
    if (stat(full, &st) != 0)
        err = errno;
    else if (S_ISDIR(st.st_mode))
        err = EISDIR;
    else if (!(c->inc_file = tgm_fopen_read(full)))
        err = errno;
    if (err == ENOMEM) /* not the file's fault: the assembly's one error */
        asm_oom();
    if (err) {
        size_t n = strlen(full);
        asm_error_tok(c, str, "cannot open include file '%.*s%s': %s",
                      asm_quote_cut(full, n, ASM_PATH_QUOTE_MAX), full,
                      n > ASM_PATH_QUOTE_MAX ? "..." : "", strerror(err));
        include_drop(c);
        return;
    }
    for (const struct asm_incl *up = here; up; up = up->up) {
        if (!up->known || up->dev != st.st_dev || up->ino != st.st_ino)
            continue;
        /* name the files from the one included again down to this one */
        char chain[1024] = "";
        size_t used = 0;
        const struct asm_incl *stack[INCLUDE_MAX_DEPTH + 1];
        unsigned n = 0;
        for (const struct asm_incl *p = here; n <= INCLUDE_MAX_DEPTH; p = p->up) {
            stack[n++] = p;
            if (p == up)
                break;
        }
        while (n-- > 0 && used < sizeof chain)
            used += (size_t)snprintf(chain + used, sizeof chain - used, "%s -> ",
                                     c->files[stack[n]->file].name);
        asm_error_tok(c, str, "include cycle: %s%s", used < sizeof chain ? chain : "... -> ",
                      full);
        include_drop(c);
        return;
    }
    if (here->depth >= INCLUDE_MAX_DEPTH) {
        asm_error_tok(c, str, "includes nested too deeply (more than %d levels)",
                      INCLUDE_MAX_DEPTH);
        include_drop(c);
        return;
    }
    size_t len, max;
    int rc = asm_read_all(c->inc_file, &max, &c->inc_text, &len);
    int read_err = errno; /* before fclose, which may change it */
    fclose(c->inc_file);
    c->inc_file = NULL;
    if (rc == -1 && read_err == ENOMEM) /* the text could not be held */
        asm_oom();
    if (rc != 0) {
        if (rc == -2)
            asm_error_tok(c, str, "include file '%s' is larger than %zu bytes, the limit for a source",
                          full, max);
        else
            asm_error_tok(c, str, "cannot read include file '%s': %s", full,
                          strerror(read_err));
        include_drop(c);
        return;
    }
    bool again = included_before(c, st.st_dev, st.st_ino);
    c->files = asm_grow(c->files, &c->capfiles, c->nfiles + 1, sizeof *c->files);
    c->files[c->nfiles] = (struct asm_file){.name = full, .text = c->inc_text, .len = len,
                                            .from = str->stmt + 1, .again = again,
                                            .dev = st.st_dev, .ino = st.st_ino};
    c->inc_name = c->inc_text = NULL; /* c->files holds them */
    uint32_t fi = c->nfiles++; /* counted first: asm_oom below frees it */
    if (!again)
        remember_include(c, fi);
    struct asm_incl in = {.known = true, .dev = st.st_dev, .ino = st.st_ino, .file = fi,
                      .up = here, .depth = here->depth + 1};
    asm_pass1_file(a, &in);
}

/* SIZE if it fits at '.' (in memory and in a .phase's addresses), else 0:
 * the words a line in error keeps, with no second error for them. */
static uint32_t kept_size(const struct assembler *a, uint32_t size)
{
    return size <= TGM_Q_MAX - a->dot && (!a->phase_stmt || size <= TGM_Q_MAX - cur_dot(a))
               ? size
               : 0;
}

/* The size of a line the lexer refused, its labels defined: an instruction
 * is one word whatever its operands, a '.word' as asm_words_listed says;
 * anything else (a string's length, an .org) cannot be known: 0. */
static uint32_t unlexed_size(struct assembler *a)
{
    struct asm_ctx *c = &a->c;
    uint32_t i = 0;
    for (; c->toks[i].kind == TK_IDENT && asm_tok_punct(&c->toks[i + 1], ':'); i += 2)
        define_label(a, &c->toks[i]);
    const struct asm_tok *h = &c->toks[i];
    if (h->kind != TK_IDENT || asm_tok_punct(h + 1, '=') || asm_tok_is(h, "."))
        return 0;
    if (h->p[0] != '.')
        return 1;
    return h->len == 5 && !strncasecmp(h->p, ".word", 5) ? asm_words_listed(c, h) : 0;
}

static void pass1_line(struct assembler *a, uint32_t si, const struct asm_incl *here)
{
    struct asm_ctx *c = &a->c;
    c->stmts[si].addr = a->dot;
    c->stmts[si].dot = cur_dot(a);
    if (asm_lex_line(c, si) != 0) {
        /* the labels before the bad token still name the line, so that
         * their uses are not reported as undefined too, and the line keeps
         * the words it will surely hold */
        uint32_t size = kept_size(a, unlexed_size(a));
        c->stmts[si].size = size;
        a->dot += size;
        return;
    }
    struct asm_parts pt;
    if (asm_classify(a, true, &pt) != 0 && pt.kind != ST_INSN)
        return;
    c->stmts[si].kind = pt.kind;
    uint64_t v = 0;
    uint32_t size = 0;
    struct ev_result r;
    const struct asm_tok *str = NULL;
    switch (pt.kind) {
    case ST_INSN:
        size = 1; /* even when wrong, so that later labels stay put */
        if (pt.info)
            asm_insn_operands(a, &pt, a->dot, EV_SYNTAX, NULL);
        break;
    case ST_CONST:
        define_const(a, si, &pt);
        break;
    case ST_WORD: {
        int n = expr_list(a, pt.ops, a->dot, EV_SYNTAX, NULL, NULL, 0);
        size = n > 0 ? (uint32_t)n : kept_size(a, asm_words_listed(c, &c->toks[pt.head]));
        break;
    }
    case ST_ASCII:
    case ST_ASCIZ:
        if ((str = string_operand(a, &pt)))
            size = str->slen + (pt.kind == ST_ASCIZ);
        break;
    case ST_SPACE:
        if (placing_value(a, &pt, &v) == 0) {
            char shown[32];
            asm_show_value(shown, sizeof shown, v);
            if (v >> 63 && (a->misplaced = true))
                asm_error_span(c, &c->toks[pt.ops], &c->toks[c->ntoks - 2],
                               "'.space %s': the count is negative", shown);
            else if (v > TGM_Q_MAX - a->dot && (a->misplaced = true))
                asm_error_span(c, &c->toks[pt.ops], &c->toks[c->ntoks - 2],
                               "'.space %s' runs past the end of memory (%u word%s left at 0x%05x)",
                               shown, TGM_Q_MAX - a->dot, TGM_Q_MAX - a->dot == 1 ? "" : "s",
                               a->dot);
            else
                size = (uint32_t)v;
        }
        break;
    case ST_ORG:
        if (in_phase(a, &c->toks[pt.head]))
            a->misplaced = true;
        else
            placing_address(a, &pt, &a->dot);
        break;
    case ST_PHASE:
        phase(a, si, &pt);
        break;
    case ST_DEPHASE:
        dephase(a, here->file, &pt);
        break;
    case ST_INCLUDE:
        str = string_operand(a, &pt);
        break;
    case ST_ENTRY:
    case ST_ENTRYPSW: /* its value is known, and taken, in pass 2 */
        asm_one_operand(a, pt.ops, a->dot, EV_SYNTAX, &r);
        break;
    }
    if (size > TGM_Q_MAX - a->dot) {
        asm_error_tok(c, &c->toks[pt.head],
                      "%u word%s at 0x%05x would run past the end of memory (0x%05x is the last address)",
                      size, size == 1 ? "" : "s", a->dot, TGM_ADDR_MASK);
        size = 0;
    } else if (a->phase_stmt && size > TGM_Q_MAX - cur_dot(a)) {
        /* a phased word names the address it runs at, and there is none
         * past 2^19-1 (P wraps to 0 there) */
        asm_error_tok(c, &c->toks[pt.head],
                      "%u word%s at phased address 0x%05x would run past the end of memory "
                      "(0x%05x is the last address)",
                      size, size == 1 ? "" : "s", cur_dot(a), TGM_ADDR_MASK);
        size = 0;
    }
    c->stmts[si].size = size;
    a->dot += size;
    if (pt.kind == ST_INCLUDE && str)
        include_file(a, str, here);
}

/* A file with a NUL byte is not a source (an image or a program, given by
 * mistake): one error at the NUL's line, not one per line of noise.  An
 * image or a snapshot is named as such, whatever its file name. */
static bool refuse_binary(struct asm_ctx *c, const struct asm_incl *here)
{
    const char *text = c->files[here->file].text;
    size_t len = c->files[here->file].len;
    const char *nul = memchr(text, '\0', len);
    /* a binary file (image_is_text) with a magic is named, NUL or not */
    bool image = image_has_magic(text, len);
    bool snap = image_is_snapshot(text, len) && (nul || !image_is_text(text, len));
    if (!nul && !image && !snap)
        return false;
    uint32_t line = 1;
    for (const char *p = text; !image && !snap && p < nul; p++)
        line += *p == '\n';
    c->stmts = asm_grow(c->stmts, &c->capstmts, c->nstmts + 1, sizeof *c->stmts);
    uint32_t si = c->nstmts++;
    c->stmts[si] = (struct asm_stmt){.file = here->file, .line = line};
    if (image)
        asm_error_at(c, si, 1, 1, "not an assembly source: a tgm image (it begins with "
                                  "the magic TGMIMAGE; 'tgm dis' turns it into source)");
    else if (snap)
        asm_error_at(c, si, 1, 1, "not an assembly source: a monitor snapshot (it begins with "
                                  "the magic TGMSNAP; the monitor's 'restore' reads it)");
    else
        asm_error_at(c, si, 1, 1, "not an assembly source: a NUL byte at offset %zu",
                     (size_t)(nul - text));
    return true;
}

/* Split the file into lines, one statement each, and run pass 1 on them. */
void asm_pass1_file(struct assembler *a, const struct asm_incl *here)
{
    struct asm_ctx *c = &a->c;
    if (refuse_binary(c, here))
        return;
    size_t off = 0, len = c->files[here->file].len;
    /* a UTF-8 BOM (editors add one) is skipped here, not when the file is
     * read, so that sources from a pipe skip it too and offsets stay the
     * file's */
    if (len >= 3 && memcmp(c->files[here->file].text, "\xef\xbb\xbf", 3) == 0)
        off = 3;
    for (uint32_t line = 1; off < len; line++) {
        const char *text = c->files[here->file].text;
        const char *nl = memchr(text + off, '\n', len - off);
        size_t end = nl ? (size_t)(nl - text) : len;
        size_t n = end - off;
        if (n && text[off + n - 1] == '\r')
            n--;
        c->stmts = asm_grow(c->stmts, &c->capstmts, c->nstmts + 1, sizeof *c->stmts);
        uint32_t si = c->nstmts++;
        c->stmts[si] = (struct asm_stmt){.file = here->file, .line = line, .off = (uint32_t)off,
                                         .len = (uint32_t)n};
        pass1_line(a, si, here);
        if (a->misplaced && !a->misplaced_at)
            a->misplaced_at = si + 1;
        off = end + 1;
        if (!nl)
            break;
    }
    uint32_t open = a->phase_stmt;
    if (open && c->stmts[open - 1].file == here->file) {
        asm_error_at(c, open - 1, a->phase_col, a->phase_width,
                     "'.phase' has no '.dephase' before the end of the file");
        a->phase_stmt = 0;
    }
}

/* --- pass 2 --------------------------------------------------------------- */

/* The entry PSW of statement SI, unless one was taken already.  Only a
 * value that was accepted counts: a refused '.entry -1' has its own error,
 * and a later '.entrypsw' is not "already set" by it. */
static void set_entry(struct assembler *a, uint32_t si, const struct asm_parts *pt,
                      uint64_t psw)
{
    if (a->entry_stmt) {
        char at[300];
        asm_where(&a->c, a->entry_stmt - 1, at, sizeof at);
        asm_error_tok(&a->c, &a->c.toks[pt->head], "the entry point is already set at %s", at);
        return;
    }
    a->entry_stmt = si + 1;
    a->entry_psw = psw;
}

void asm_pass2_line(struct assembler *a, uint32_t si)
{
    struct asm_ctx *c = &a->c;
    const struct asm_stmt s = c->stmts[si];
    if (s.bad || s.kind == ST_EMPTY)
        return;
    struct asm_parts pt;
    asm_lex_line(c, si);
    asm_classify(a, false, &pt);
    uint64_t *out = a->words + (s.addr - a->load);
    struct ev_result r;
    switch (pt.kind) {
    case ST_INSN:
        if (pt.info) /* pass 1 refused an unknown mnemonic */
            asm_insn_operands(a, &pt, s.dot, EV_FINAL, out);
        break;
    case ST_CONST:
        asm_eval_sym(c, s.sym, EV_FINAL, NULL, &r);
        break;
    case ST_WORD:
        expr_list(a, pt.ops, s.dot, EV_FINAL, out, NULL, s.size);
        break;
    case ST_ASCII:
    case ST_ASCIZ:
        for (uint32_t i = 0; i < c->toks[pt.ops].slen; i++)
            out[i] = (uint8_t)c->strs[c->toks[pt.ops].val + i];
        break;
    case ST_ENTRY:
        if (asm_one_operand(a, pt.ops, s.dot, EV_FINAL, &r) != EV_OK)
            break;
        if (r.value > TGM_ADDR_MASK) {
            char shown[32];
            asm_show_address(shown, sizeof shown, r.value);
            asm_error_span(c, &c->toks[pt.ops], &c->toks[c->ntoks - 2],
                           "'.entry' address %s is outside memory (0..0x%x)", shown,
                           TGM_ADDR_MASK);
            break;
        }
        set_entry(a, si, &pt,
                  psw_pack(&(struct psw){.sup = true, .p = (uint32_t)r.value, .b = TGM_Q_MAX}));
        break;
    case ST_ENTRYPSW:
        if (asm_one_operand(a, pt.ops, s.dot, EV_FINAL, &r) != EV_OK)
            break;
        if ((r.value >> PSW_CAUSE_SHIFT) & 0xF)
            asm_error_span(c, &c->toks[pt.ops], &c->toks[c->ntoks - 2],
                           "entry PSW 0x%016llx has cause bits set (bits 58..61 must be 0)",
                           (unsigned long long)r.value);
        else
            set_entry(a, si, &pt, r.value);
        break;
    }
}

