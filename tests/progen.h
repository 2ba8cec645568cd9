/* progen.h: random guest programs for the differential tests (section 6).
 *
 * A generated guest is a small machine image: a guest supervisor whose trap
 * handler logs every old PSW and resumes (skipping the trapping instruction,
 * re-arming the timer, switching modes), and a main program that mixes
 * innocuous, privileged, SVC, illegal, memory-trapping and timer-using code
 * in both modes.  The bare machine is the oracle for the control program.
 */
#ifndef TGM_PROGEN_H
#define TGM_PROGEN_H

#include <stdint.h>

#include "tgm/image.h"
#include "tgm/machine.h"

#define PG_W 1024u /* guest memory in words */

/* Fill IMG (words malloc'd; free with image_free) with the program for SEED.
 * PROFILE (may be NULL) adds that profile's extra instructions to the mix. */
void pg_generate(uint64_t seed, const struct isa_profile *profile,
                 struct tgm_image *img);

#endif
