/* refasm.h: a reference assembler written from docs/asm.md and docs/isa.md
 * alone, for test_audit_refasm.  It shares no code with src/asm: given the
 * same files, it predicts the image (words, load address, entry PSW, the
 * symbol table with each symbol's kind) of a valid source, or for an
 * invalid one the file and line of the first error in source order (and,
 * where docs/asm.md quotes the message, a piece of it).
 */
#ifndef TGM_TESTS_REFASM_H
#define TGM_TESTS_REFASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One file of a source set; NAME is relative to the set's directory
 * ("main.s", "sub/b.s"), and includes resolve against its directory. */
struct ra_file {
    const char *name;
    const char *text;
    size_t len;
};

enum { RA_LABEL = 1, RA_CONST, RA_PHASED }; /* as enum tgm_symbol_kind */

struct ra_sym {
    char name[64];
    uint64_t value;
    int kind;
};

struct ra_result {
    bool ok;
    /* a valid source */
    uint32_t load, nwords;
    uint64_t entry;
    uint64_t *words;
    struct ra_sym *syms;
    size_t nsyms;
    /* an invalid one: the first error's file (its name in the set), line,
     * and a piece of its message when the docs quote it (else NULL) */
    char efile[128];
    int eline;
    const char *emsg;
    /* how many lines have an error, and the first 20 of them in order */
    int nerr;
    struct {
        char file[128];
        int line;
    } errs[20];
};

/* Assemble FILES[0] (the others are there to be included). */
void ra_assemble(const struct ra_file *files, size_t nfiles, struct ra_result *r);
void ra_free(struct ra_result *r);

#endif
