/* ana_support.h: witnesses built by hand for the suites that test the
 * analyzer's definitions of sections 3 and 8 (docs/theorems.md) on
 * stored state pairs.
 */
#ifndef TGM_TEST_ANA_SUPPORT_H
#define TGM_TEST_ANA_SUPPORT_H

#include <stdint.h>

#include "tgm/analyze.h"

/* A witness of CLAIM for OP on a machine of Q words, S1 at P = 2 under
 * R = (0, Q) in the claim's mode with INSN at E[2], its S2 derived as the
 * claim pairs it (moved by X). */
void ana_witness_of(struct analyze_witness *w, unsigned op, enum analyze_claim claim,
                    uint32_t q, uint32_t x, uint64_t insn);

/* pdp11-45's MFPI 23, 0 as a mode pair on 32 words, with E[0] = 8 at
 * R = (0, 24) and P = 21: E|r[23] is E[8], 0 in s and 8 in u. */
void ana_mfpi_mode(struct analyze_witness *w);

#endif
