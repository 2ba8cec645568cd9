/* ana_support.c: witnesses built by hand for the analyzer's suites (see
 * ana_support.h; sections 3 and 8).
 */
#include <string.h>

#include "../src/analyze/analyze_impl.h" /* helpers are built without -Isrc */
#include "ana_support.h"
#include "tgm/isa.h"

void ana_witness_of(struct analyze_witness *w, unsigned op, enum analyze_claim claim,
                    uint32_t q, uint32_t x, uint64_t insn)
{
    memset(w, 0, sizeof *w);
    w->op = (uint8_t)op;
    w->claim = (uint8_t)claim;
    w->x = x;
    w->s1.q = q;
    w->s1.cin = -1;
    w->s1.psw = (struct psw){.sup = claim != CLAIM_CTL_U && claim != CLAIM_LOC_U, .p = 2,
                             .l = 0, .b = q};
    w->s1.mem[2] = insn;
    analyze_derive_s2(claim, &w->s1, x, &w->s2);
}

void ana_mfpi_mode(struct analyze_witness *w)
{
    ana_witness_of(w, OP_MFPI, CLAIM_MODE, 32, 0, 0);
    w->s1.psw.b = 24;
    w->s1.psw.p = 21;
    w->s1.mem[0] = 8;
    w->s1.mem[21] = MAKE_INSN(OP_MFPI, 23, 0, 0);
    analyze_derive_s2(CLAIM_MODE, &w->s1, 0, &w->s2);
    w->diff = (struct analyze_diff){COMP_E, 23, 0, 8};
}
