/* refasm_impl.h: what the two halves of the reference assembler share
 * (refasm_expr.c: lines into tokens, symbols and expressions; refasm.c:
 * statements, includes and the two passes).  Private to them. */
#ifndef TGM_TESTS_REFASM_IMPL_H
#define TGM_TESTS_REFASM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "refasm.h"

#define MEM (UINT32_C(1) << 19)
#define MAXSYM 4096
#define MAXTOK 512

enum dir { D_NONE, D_INSN, D_CONST, D_EQU, D_ORG, D_WORD, D_ASCII, D_ASCIZ, D_SPACE,
           D_INCLUDE, D_ENTRY, D_ENTRYPSW, D_PHASE, D_DEPHASE, D_FILE_END };

enum tk { T_NAME, T_NUM, T_CHR, T_STR, T_PUNCT };
struct tok {
    enum tk k;
    char s[64];      /* a name, or the operator */
    uint64_t v;      /* a number or character */
    char *str;       /* a string's bytes */
    size_t slen;
};

struct line {
    const char *file;
    int lineno, depth, seq;
    int inst; /* which reading of which file (one per .include) */
    struct tok *t;
    int nt;
    int nlab, lab0;  /* labels: tokens lab0, lab0+2, ... */
    enum dir d;
    int insn;
    int arg[32], argn[32], nargs; /* operands: token start and count */
    bool bad;                   /* an error already: the statement does nothing */
    bool ends_phase;            /* a '.dephase' with operands still ends one */
    int skip_dot;               /* past a '.:' */
    uint32_t keep;              /* the words it takes even when it is in
                                   error (docs/asm.md: kept_words) */
    uint32_t size;              /* pass 1: the words it takes */
    uint32_t emit, dot;         /* pass 1: the emit address and '.' */
    bool phased;
    int phase_seq;              /* D_FILE_END: the file's phase must be closed */
};

struct sym {
    char name[64];
    int kind, seq;
    uint64_t value;
    struct line *def; /* a constant's line */
    int state;        /* constants: 0 not yet, 1 evaluating, 2 done, 3 bad */
};

struct ctx {
    const struct ra_file *files;
    size_t nfiles;
    struct line *lines;
    int nlines, cap;
    int ninst;
    struct sym *syms;
    int nsyms;
    struct ra_result *r;
    int eseq;
    int *errs, nerrs, caperrs; /* every line's error, as its seq */
    /* evaluation */
    const struct line *cur;
    bool restricted;     /* only symbols defined above cur */
    int sup_used, user_used; /* restricted uses of the predefined values */
    int undefined;       /* an undefined symbol was met */
    int poisoned;        /* a constant already in error was met */
    bool syntax_only;    /* pass 1: only the form of an expression */
};

void ra_err(struct ctx *c, const struct line *l, const char *msg);
int ra_lookup_dir(const char *s);
/* Tokens of the line P..END up to a comment; -1 (and the error) if bad. */
int ra_lex(struct ctx *c, struct line *l, const char *p, const char *end);
bool ra_is_p(const struct line *l, int i, const char *s);
struct sym *ra_sym_find(struct ctx *c, const char *name);
void ra_sym_define(struct ctx *c, struct line *l, const char *name, int kind, uint64_t value);
/* Evaluate tokens START..START+N of L: 0, -1 for an error of its own, -2
 * for one that is a bad constant's (no further error). */
int ra_eval_range(struct ctx *c, const struct line *l, int start, int n, uint64_t *v);
int ra_eval_const(struct ctx *c, struct sym *s, uint64_t *v);

#endif
