/* asm_impl.h: what the assembler's parts share (not a public interface).
 *
 * lex.c turns one source line into tokens and formats diagnostics; expr.c
 * keeps the symbol table and evaluates expressions; asm.c runs the two
 * passes over the statements and builds the image; dis.c turns words back
 * into source.  Together they give section 2's instruction set a text form.
 */
#ifndef TGM_ASM_IMPL_H
#define TGM_ASM_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "tgm/asm.h"
#include "tgm/isa.h"
#include "tgm/suggest.h"

#define ASM_PRINTF(f, a) __attribute__((format(printf, f, a)))

enum tok_kind { TK_EOL, TK_IDENT, TK_NUM, TK_STR, TK_PUNCT };
/* Two-character operators; every other punctuator is its own character. */
enum { P_SHL = 256, P_SHR };

struct asm_tok {
    uint8_t kind;   /* enum tok_kind */
    int punct;      /* TK_PUNCT: the character, or P_SHL / P_SHR */
    uint32_t stmt;  /* statement the token belongs to: diagnostics */
    uint32_t col;   /* 1-based display column (tabs stop every 8) */
    uint32_t width; /* display width, at least 1 */
    const char *p;  /* its text in the source */
    uint32_t len;
    uint64_t val;   /* TK_NUM: the value; TK_STR: offset in asm_ctx.strs */
    uint32_t slen;  /* TK_STR: decoded length */
};

struct asm_file {
    char *name; /* as diagnostics show it; the base of relative includes */
    char *text; /* whole contents, NUL-terminated */
    size_t len;
    uint32_t from; /* 1 + the .include statement that read it; 0: the source */
    bool again;    /* a file included before: its errors say from where */
    dev_t dev;     /* an included file's, to tell that */
    ino_t ino;
};

/* One source line (with or without a statement on it). */
struct asm_stmt {
    uint32_t file, line;
    uint32_t off, len; /* the line's bytes in the file's text, no newline */
    uint32_t addr;     /* where its words go */
    uint32_t dot;      /* '.' at the statement: addr, or its .phase value */
    uint32_t size;     /* words it emits */
    uint32_t sym;      /* ST_CONST: its symbol */
    uint8_t kind;      /* enum stmt_kind (asm.c) */
    bool bad;          /* has its diagnostic: later ones are dropped and
                          pass 2 skips it */
};

enum sym_kind {
    SYM_PREDEF, /* SUP, USER: replaced by a user definition */
    SYM_EXTERN, /* from an image (asm_assemble_line) */
    SYM_LABEL,
    SYM_CONST,
};
enum sym_state { SS_DONE, SS_PENDING, SS_BUSY, SS_FAILED };

struct asm_sym {
    char *name;
    uint32_t len;
    uint8_t kind;  /* enum sym_kind */
    uint8_t state; /* enum sym_state: constants are evaluated on demand */
    uint64_t value;
    uint32_t expr; /* SYM_CONST: first token in asm_ctx.ctoks (EOL-ended) */
    uint32_t dot;  /* SYM_CONST: '.' where it is defined */
    uint32_t stmt; /* defining statement */
    uint32_t used; /* SYM_PREDEF: 1 + statement whose pass 1 used it, or 0 */
    bool phased;   /* SYM_LABEL defined inside .phase */
};

struct asm_diag {
    uint32_t stmt; /* sort key: diagnostics print in source order */
    char *text;
};

struct asm_ctx {
    struct asm_file *files;
    uint32_t nfiles, capfiles;
    struct asm_stmt *stmts;
    uint32_t nstmts, capstmts;
    struct asm_tok *toks; /* the current line's tokens */
    uint32_t ntoks, captoks;
    char *strs; /* the current line's decoded strings */
    uint32_t nstrs, capstrs;
    struct asm_tok *ctoks; /* every constant's expression, kept for pass 2 */
    uint32_t nctoks, capctoks;
    struct asm_sym *syms;
    uint32_t nsyms, capsyms;
    uint32_t *hash; /* open addressing: 1 + index into syms, 0 = empty */
    uint32_t hashcap;
    /* the included files by dev/ino (1 + index into files, 0 = empty), so
     * that telling a file included again costs no walk over every file */
    uint32_t *fhash;
    uint32_t fhashcap, nfhash;
    struct asm_diag *diags; /* the first ASM_MAX_DIAGS in source order */
    uint32_t ndiags, capdiags;
    int nerrors;
    uint32_t depth; /* nesting of expressions and constants being evaluated */
    /* asm_assemble_line: keep the first message here and print nothing. */
    char *err;
    size_t errlen;
    /* an .include being read (or asm_assemble_line's line): its path,
     * file and text, until c->files holds them (asm_ctx_free frees them
     * if the assembly gives up) */
    char *inc_name, *inc_text;
    FILE *inc_file;
};

/* Grow *P (an array of ELEM-byte items with capacity *CAP) to hold NEED. */
void *asm_grow(void *p, uint32_t *cap, uint32_t need, size_t elem);
char *asm_strndup(const char *s, size_t n);
/* Out of memory: give the assembly up (see assemble.c). */
_Noreturn void asm_oom(void) __attribute__((noreturn)); /* (for cppcheck too) */
void asm_ctx_free(struct asm_ctx *c);

/* lex.c */
bool asm_ident_char(int ch, bool first);
/* Tokenise statement STMT's line into c->toks, ending with TK_EOL.  -1 after
 * reporting a lexical error (the tokens before it are kept, then TK_EOL). */
int asm_lex_line(struct asm_ctx *c, uint32_t stmt);
bool asm_tok_punct(const struct asm_tok *t, int punct);
bool asm_tok_is(const struct asm_tok *t, const char *s); /* case-sensitive */
/* T, in single quotes, is the operand of DIR: if DIR is .include, .ascii or
 * .asciz, report that it takes a string in double quotes (what is wrong
 * with T as a character literal is beside the point) and return true. */
bool asm_quote_error(struct asm_ctx *c, const struct asm_tok *dir, const struct asm_tok *t);
/* LEN bytes of source text as shown to a reader (under a message, in the
 * listing): control characters as spaces, so that a carriage return inside
 * a line neither hides what precedes it on a terminal nor vanishes; tabs
 * kept, or expanded to the next multiple of 8 with EXPAND_TABS.  No newline. */
void asm_put_text(FILE *f, const char *p, size_t len, bool expand_tabs);
/* A token quoted in a message, as '%.*s%s' with ASM_QUOTE(T)
 * (asm_quote_len, tgm/asm.h): the excerpt under it shows the line. */
#define ASM_QUOTE(t) asm_quote_len((t)->p, (t)->len), (t)->p, \
                     ((t)->len > ASM_QUOTE_MAX ? "..." : "")
/* Whether an error now at statement SI would be kept to be shown: not when
 * the statement has its error or when ASM_MAX_DIAGS come before it, so that
 * what a message costs to write (a suggestion searched among every symbol)
 * is spent only on those shown. */
bool asm_diag_kept(const struct asm_ctx *c, uint32_t si);
void asm_error_at(struct asm_ctx *c, uint32_t stmt, uint32_t col,
                  uint32_t width, const char *fmt, ...) ASM_PRINTF(5, 6);
void asm_error_tok(struct asm_ctx *c, const struct asm_tok *t,
                   const char *fmt, ...) ASM_PRINTF(3, 4);
/* Caret under FIRST..LAST (tokens of one line). */
void asm_error_span(struct asm_ctx *c, const struct asm_tok *first,
                    const struct asm_tok *last, const char *fmt, ...)
    ASM_PRINTF(4, 5);
/* Write the collected diagnostics to F in source order, the first
 * ASM_MAX_DIAGS of them (as compilers stop at 20) and a count of the rest. */
#define ASM_MAX_DIAGS 20u
void asm_flush_diags(struct asm_ctx *c, FILE *f);
/* A diagnostic's text, control characters escaped (\n, \t, \r, \xHH);
 * no newline is added. */
void asm_diag_line(FILE *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* expr.c */
int32_t asm_sym_find(struct asm_ctx *c, const char *name, size_t len);
uint32_t asm_sym_add(struct asm_ctx *c, const char *name, size_t len,
                     enum sym_kind kind, uint64_t value);

enum ev_mode {
    EV_SYNTAX, /* check the grammar only; symbols are not looked up */
    EV_PASS1,  /* symbols defined so far; a later one makes it EV_UNKNOWN */
    EV_FINAL,  /* every symbol must be defined */
};
enum ev_status { EV_OK, EV_UNKNOWN, EV_ERROR };

struct ev_result {
    uint64_t value;
    const struct asm_tok *unknown; /* EV_UNKNOWN: the symbol not yet known */
};

/* Evaluate the expression starting at T[*POS]; *POS ends at the first token
 * after it.  '.' is DOT.  Errors are reported; EV_ERROR may also mean a
 * constant that already reported its own error. */
int asm_eval(struct asm_ctx *c, const struct asm_tok *t, uint32_t *pos,
             uint32_t dot, int mode, struct ev_result *r);
/* V for a message: signed if its top bit is set (-1 reads better than
 * 18446744073709551615). */
void asm_show_value(char *buf, size_t len, uint64_t v);
/* The same for an address out of range: hex, or signed when its top bit is
 * set ('.org -1' says -1, not 0xffffffffffffffff). */
void asm_show_address(char *buf, size_t len, uint64_t v);
/* Evaluate constant SYM if it is not yet (EV_PASS1 or EV_FINAL). */
int asm_eval_sym(struct asm_ctx *c, uint32_t sym, int mode,
                 const struct asm_tok *use, struct ev_result *r);


/* --- the assembler proper (asm.c) and its driver (assemble.c) --- */

enum stmt_kind {
    ST_EMPTY, ST_INSN, ST_CONST, ST_ORG, ST_WORD, ST_ASCII, ST_ASCIZ,
    ST_SPACE, ST_INCLUDE, ST_ENTRY, ST_ENTRYPSW, ST_EQU, ST_PHASE, ST_DEPHASE,
};

/* One assembly: the shared context plus what the passes accumulate. */
struct assembler {
    struct asm_ctx c;
    uint32_t dot;
    uint32_t entry_stmt; /* 1 + the .entry/.entrypsw taken (pass 2), or 0 */
    uint64_t entry_psw;
    uint32_t load, span;
    uint64_t *words; /* pass 2: the image, span words from load */
    uint32_t *claims; /* between the passes: who emitted each word (layout) */
    bool misplaced;  /* an .org or .space failed: later addresses are guesses */
    uint32_t misplaced_at; /* 1 + the statement where that first happened, or 0 */
    /* An open .phase: words still go to dot, but '.' and labels count from
     * phase_to as if assembly had gone on at phase_to from phase_from. */
    uint32_t phase_stmt; /* 1 + the open .phase statement, or 0 */
    uint32_t phase_from, phase_to;
    uint32_t phase_col, phase_width; /* its directive, for an unclosed phase */
};

/* A file being assembled and those that included it (cycle detection). */
struct asm_incl {
    bool known; /* dev/ino are valid */
    dev_t dev;
    ino_t ino;
    uint32_t file;
    const struct asm_incl *up;
    unsigned depth;
};

/* A statement's parts after its labels. */
struct asm_parts {
    uint32_t head; /* mnemonic, directive, or the name of name = expr */
    uint32_t ops;  /* first operand token */
    uint32_t name; /* ST_CONST: the name's token */
    uint8_t kind;
    const struct insn_info *info; /* ST_INSN; NULL if the mnemonic is unknown */
};


/* "a.s:12", for messages that name another statement. */
void asm_where(const struct asm_ctx *c, uint32_t si, char *buf, size_t len);
const struct insn_info *asm_lookup_mnemonic(const struct asm_tok *t);
/* Find the statement's kind after its labels (defining them in pass 1). */
int asm_classify(struct assembler *a, bool pass1, struct asm_parts *pt);
/* The one expression of a directive, which must end the line. */
int asm_one_operand(struct assembler *a, uint32_t ops, uint32_t dot, int mode,
                    struct ev_result *r);
/* An instruction's operands: counted against its format, and (unless MODE is
 * EV_SYNTAX) evaluated, checked against their kinds and encoded in *WORD. */
int asm_insn_operands(struct assembler *a, const struct asm_parts *pt,
                      uint32_t dot, int mode, uint64_t *word);
/* The whole of F, NUL-terminated (the length counts any NUL inside); -1
 * on a read error, -2 if F is longer than *MAX bytes: ASM_FILE_MAX for a
 * regular file, else ASM_SRC_MAX. */
int asm_read_all(FILE *f, size_t *max, char **text, size_t *len);
/* The words a '.word' whose head token is H lists, read as text: one more
 * than its commas outside quotes and parentheses (for a line in error). */
uint32_t asm_words_listed(const struct asm_ctx *c, const struct asm_tok *h);
/* Pass 1 over a file (and what it includes); pass 2 over one statement. */
void asm_pass1_file(struct assembler *a, const struct asm_incl *here);
void asm_pass2_line(struct assembler *a, uint32_t si);

#endif
