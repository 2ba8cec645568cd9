/* refanacli.h: a model of what `tgm analyze`, `tgm counterexample` and
 * `tgm isa --profile P` print, written from docs/theorems.md, docs/isa.md,
 * README.md and the help texts alone, for test_audit_refanacli.c.
 *
 * The facts the docs state (each profile's summary, declared classes,
 * absent instructions, verdicts, offenders, which witness a counterexample
 * uses) are tables and rules here; what the docs cannot give (how many
 * states a search covered, the states of a witness) comes from the
 * library's analyze_profile(), whose classes test_audit_refanalyze.c checks
 * against an independent classifier.  The model then lays them out in the
 * documented text, byte for byte.
 */
#ifndef TGM_TESTS_REFANACLI_H
#define TGM_TESTS_REFANACLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/analyze.h"
#include "sbuf.h"

#define RAC_NPROF 6

extern const char *const rac_prof[RAC_NPROF];
extern const char *const rac_summary[RAC_NPROF];

/* The profile's index, or -1. */
int rac_prof_index(const char *name);
/* docs/isa.md and docs/theorems.md: the declared class of OP. */
unsigned rac_declared(int p, unsigned op);
/* docs/theorems.md, "The machine": present on the analyzer's guest machine. */
bool rac_present(int p, unsigned op);
/* "priv ctl-s", or "innocuous" for the empty class. */
void rac_class_words(unsigned cls, char *buf, size_t len);


/* How many witness texts the model took from the library because the docs
 * do not show that form (reported, not failed). */
extern unsigned rac_undocumented;

/* `tgm analyze` of one profile, the text, as the model says it; R gives the
 * counts and witness states.  Fails the test where R's derived classes are
 * not the documented ones. */
void rac_analyze_text(int p, const struct analyze_result *r, struct sbuf *out);
/* The Theorem 2 reason of the verdict table (docs/theorems.md, "Per
 * profile"), for profile P's documented classes. */
void rac_theorem2_reason(int p, char *buf, size_t len);
/* The model's verdicts for P. */
bool rac_theorem1(int p);
bool rac_theorem3(int p);
/* Offender names, space separated: Theorem 1's or 3's. */
void rac_offenders(int p, bool t3, char *buf, size_t len);
/* The claim a counterexample of OP uses ("From a witness to a program"). */
enum analyze_claim rac_counter_claim(int p, unsigned op);
/* The state as the text output shows it: <M=s I=0 P=2 R=(0,32)> ... */
void rac_state_text(const struct analyze_state *s, char *buf, size_t len);
/* The difference of a witness as the docs show it. */
void rac_diff_text(const struct analyze_witness *w, char *buf, size_t len);

#endif
