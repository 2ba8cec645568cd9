/* complete.h: the pure completion matcher (tested on its own; no paper
 * section: the monitor's line editing).
 *
 * mon_complete_context reads a command line up to the cursor and says which
 * word is being completed and what may go there, from the command table's
 * completion specs; mon_complete_match filters and sorts candidates.
 */
#ifndef TGM_MON_COMPLETE_H
#define TGM_MON_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

struct mon_compl {
    size_t start;    /* offset in the line of the word being completed */
    int pos;         /* its position: 0 is the command word */
    char kinds[12];  /* dynamic candidates: C command, f file, s symbol,
                        e expression function ("psw(": where an
                        expression goes, with s), v VM, V VM or "bare",
                        c trap cause, k class, p profile */
    char words[512]; /* fixed candidates, space separated */
};

/* The length of the character constant of a double quote at S, '"' or
 * '\"' (3 or 4), else 0: outside double quotes it is a character in an
 * expression, as any 'c' is, and opens no quotes. */
size_t mon_char_quote(const char *s);

/* The monitor's quoting, one step at S: in double quotes \" and \\ are one
 * character, and a '"' opens or closes them (*QUOTED).  Returns how many
 * characters to step over: 2 for an escape, 3 or 4 for mon_char_quote's
 * constant outside quotes (taken as it is), else 1.  What splits a line at
 * ';' and what completes it read quotes as mon_split does. */
size_t mon_quote_step(const char *s, bool *quoted);

/* 0, or -1 if nothing can be completed (unknown command, too many words).
 * Where an expression goes (e in kinds), START is past the last operator,
 * parenthesis or comma in the word: "print psw(0,lo" completes "lo". */
int mon_complete_context(const char *line, size_t cursor, struct mon_compl *out);

/* The candidates starting with PREFIX, sorted and without duplicates, into
 * OUT (at most MAX); *COMMON is the length of their longest common prefix
 * (strlen(PREFIX) when none match).  Returns the count. */
size_t mon_complete_match(const char *prefix, const char *const *cands, size_t n,
                          const char **out, size_t max, size_t *common);
/* The same where the first NANY of CANDS are matched in any case (command
 * names, keywords, trap causes, classes, the word functions) and the rest
 * exactly (labels, VM names, files); *CAPS (if not NULL) says whether
 * every match is one of the NANY, whose tail may be written in capitals. */
size_t mon_complete_match_some(const char *prefix, const char *const *cands, size_t n,
                               size_t nany, const char **out, size_t max, size_t *common,
                               bool *caps);

/* What Tab adds to complete it to CAND, up to CAND[UPTO]:
 * CAND's characters past PREFIX, in capitals when PREFIX is written in
 * capitals and CAPS ("LO" and the command "load" add "AD"; "Lo" adds
 * "ad"; a label keeps its case), into BUF. */
void mon_complete_tail(const char *prefix, const char *cand, size_t upto, bool caps, char *buf,
                       size_t len);

#endif
