/* asm.h: the tgm assembler and disassembler (section 2's "usual complement"
 * of instructions, as text).
 *
 * Source syntax is documented in docs/asm.md.  The assembler turns source
 * into a struct tgm_image (image.h); the disassembler turns an image back
 * into source that assembles to the identical image, so
 * assemble(disassemble(image)) == image for every valid image.
 * Instruction encodings come only from the table in insns.def.
 */
#ifndef TGM_ASM_H
#define TGM_ASM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tgm/image.h"

/* The largest source the assembler reads from a stream (a pipe, a device:
 * it may be endless), and from a regular file (whose size is known; the
 * source that tgm dis writes for any valid image is smaller), in bytes. */
#define ASM_SRC_MAX ((size_t)16 << 20)
#define ASM_FILE_MAX ((size_t)1 << 30)

/* Assemble the file PATH (following .include).  Every error in the source
 * is written to DIAG as "file:line:col: error: message", the source line,
 * and a caret line; a file that is no source (a NUL byte, an image) gets
 * the first line alone, and a PATH that cannot be read (or is too large)
 * one line "PATH: error: why" (docs/asm.md).  Returns the number of errors; on 0, *IMG holds the image (free
 * with image_free), otherwise *IMG is untouched.  Out of memory, the
 * assembly is given up with one error ("NAME: error: out of memory") and
 * errno ENOMEM. */
int asm_assemble_file(const char *path, struct tgm_image *img, FILE *diag);

/* The same for source held in memory; NAME is used in diagnostics and as
 * the base for relative .include paths. */
int asm_assemble_string(const char *name, const char *src,
                        struct tgm_image *img, FILE *diag);
/* The same for LEN bytes at SRC (a NUL among them is an error, as in a
 * file), read from the file NAME: for a pipe, which cannot be read twice. */
int asm_assemble_buffer(const char *name, const char *src, size_t len, struct tgm_image *img,
                        FILE *diag);

/* asm_assemble_file that also writes a listing to LISTING (if not NULL)
 * when there are no errors: every source line in assembly order with its
 * address, the words it produced and its line number (tgm as -l). */
int asm_assemble_file_listing(const char *path, struct tgm_image *img,
                              FILE *diag, FILE *listing);

/* asm_assemble_file_listing that also hands back in *SOURCES every file it
 * read (PATH, then each .include opened, named as diagnostics name them;
 * NULL-terminated, free with asm_sources_free), errors or not: for callers
 * that must not write over one of them.  *SOURCES is NULL if PATH was not
 * read. */
int asm_assemble_file_sources(const char *path, struct tgm_image *img, FILE *diag,
                              FILE *listing, char ***sources);
void asm_sources_free(char **sources);

/* One character or escape of a string (\n \t \r \0 \\ \' \" \xHH) at *PP
 * (before END) into *OUT, *PP past it.  Returns 0, or -1 with *PP left at
 * the offending backslash.  The monitor's 'console input' decodes the same. */
int asm_escape(const char **pp, const char *end, uint8_t *out);

/* How much of the LEN bytes at P a message quotes: at most ASM_QUOTE_MAX
 * (not cutting a UTF-8 character), then "..." where it is cut, so that a
 * name or number of a megabyte does not make the message a megabyte.
 * The monitor's errors quote what was typed the same way. */
#define ASM_QUOTE_MAX 80u
int asm_quote_len(const char *p, size_t len);
/* asm_quote_len's cut at MAX bytes instead of ASM_QUOTE_MAX. */
int asm_quote_cut(const char *p, size_t len, size_t max);
/* A file's name quoted: whole up to the longest path a system takes (a
 * name of a megabyte is no path), then cut as a token is. */
#define ASM_PATH_QUOTE_MAX 4096u

/* The expressions' X << N and X >> N (arithmetic): N taken as unsigned, so
 * 64 or more (a negative N too) gives 0, or -1 for >> of a negative X.  The
 * monitor's expressions shift the same. */
uint64_t asm_shl(uint64_t x, uint64_t n);
uint64_t asm_sar(uint64_t x, uint64_t n);

/* Assemble one instruction or one data expression (as in ".word X") that
 * would sit at address ADDR, with SYMS (may be NULL) giving symbol values.
 * For the monitor's "assemble in place".  0 on success; -1 with a one-line
 * message in ERR. */
int asm_assemble_line(const char *line, uint32_t addr,
                      const struct tgm_image *syms, uint64_t *word,
                      char *err, size_t errlen);

/* Disassemble one word at ADDR into BUF: an instruction with symbolic
 * operands where SYMS (may be NULL) has an exact match, else ".word 0x...".
 * Returns true if the word is an instruction. */
bool dis_word(uint64_t word, uint32_t addr, const struct tgm_image *syms,
              char *buf, size_t len);

/* SYMS' operand names, looked up by value: dis_word's choice for each
 * value worked out once, so that a listing of many words over many symbols
 * costs a binary search per operand rather than a scan of the table.  It
 * refers to SYMS' names: build it again when SYMS changes.  NULL when
 * memory runs out (dis_word then does the same, scanning). */
struct dis_index;
struct dis_index *dis_index_new(const struct tgm_image *syms);
void dis_index_free(struct dis_index *ix);
/* dis_word with the names from IX (built from the symbols dis_word would
 * be given; NULL: no symbols): the same text. */
bool dis_word_indexed(uint64_t word, uint32_t addr, const struct dis_index *ix,
                      char *buf, size_t len);

/* Write source for the whole image to OUT; assembling it reproduces IMG
 * byte for byte (words, load address, entry PSW, symbol table).  0 or -1. */
int dis_image(const struct tgm_image *img, FILE *out);

/* Closest mnemonic to an unknown one (for "did you mean"), or NULL (UNKNOWN
 * NULL too). */
const char *asm_suggest_mnemonic(const char *unknown);

#endif
