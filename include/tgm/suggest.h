/* suggest.h: "did you mean" for every name a user types.
 *
 * One edit distance for the assembler's mnemonics, directives and symbols,
 * the monitor's commands and the CLI's subcommands and profile names (the
 * instruction-set profiles of sections 3 and 8), so that all of them judge a
 * typo alike.
 */
#ifndef TGM_SUGGEST_H
#define TGM_SUGGEST_H

#include <stdbool.h>
#include <stddef.h>

/* Words longer than this are not typos of anything tgm knows: the longest
 * name it knows is a symbol's, 63 characters (TGM_SYM_MAX). */
#define TGM_SUGGEST_MAX 63

/* Optimal string alignment distance (a swap of neighbours is one edit),
 * case-insensitive; N and M at most TGM_SUGGEST_MAX. */
unsigned tgm_edit_distance(const char *a, size_t n, const char *b, size_t m);

/* Offer each candidate in turn, then ask for the result. */
struct tgm_suggest {
    const char *word;
    size_t len;
    const char *best;
    unsigned dist;
    const char *close; /* the nearest plausible typo, its rank, and how */
    unsigned close_rank, nclose; /* many candidates share that rank */
};
void tgm_suggest_init(struct tgm_suggest *s, const char *word, size_t len);
void tgm_suggest_offer(struct tgm_suggest *s, const char *cand);
/* The nearest candidate if it is a plausible typo (one edit in a word of up
 * to 3 characters, two in a longer one, never the whole word); on a tie, the
 * one that starts most like the word, as the assembler wants (ADX is ADD). */
const char *tgm_suggest_result(const struct tgm_suggest *s);
/* The plausible typo (or the one name the word begins) that is nearer than
 * any other, or NULL if none or several tie: a command line names one guess
 * or none, as git and SIMH do.  Nearness here is a rank, not the edit
 * distance: a name the word begins ranks as a typo of one edit, so
 * "pdp11" ties between "pdp10" and "pdp11-45" (NULL). */
const char *tgm_suggest_unique(const struct tgm_suggest *s);
/* After every candidate is offered: is CAND one of the nclose plausible
 * typos that tie as the nearest?  For a guess that names them all where
 * they tie (the profiles), offered again in the same order. */
bool tgm_suggest_nearest(const struct tgm_suggest *s, const char *cand);

/* SIMH's SET CPU 64K: tgm takes no K, M or G suffix (2^10, 2^20, 2^30),
 * and a number written with one says what it would be in full.  TEXT's LEN
 * bytes are the number as typed, its decimal value V then the suffix; into
 * BUF goes "(no K or M suffix here: 64K is 65536)" ("(no G suffix
 * here: 1G is 1073741824)" for a G).  False, BUF as it
 * was, when the last byte is no such suffix or V with it passes 2^64 - 1. */
bool tgm_suffix_hint(char *buf, size_t size, const char *text, size_t len, unsigned long long v);
/* The one wording of a number outside its range, the command line's and
 * the monitor's: into BUF goes what follows the number as typed, " UNITs is
 * out of range (LO..HI)" (UNIT singular, plural unless ONE; NULL or "" for
 * none: " is out of range (LO..HI)"), so that `tgm run --slice 0` and the
 * monitor's `set slice 0` both say "0 cycles is out of range (1..2^63-1)". */
void tgm_range_words(char *buf, size_t size, const char *unit, bool one, unsigned long long lo,
                     unsigned long long hi);
#endif
