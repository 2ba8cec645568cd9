/* support.h: helpers shared by the machine's test suites.
 *
 * Small builders for the section 2 state S = <E, M, P, R>: a machine with
 * words at chosen addresses and a chosen PSW, PSW words packed straight from
 * the documented bit layout, and snapshots of E for the trap definition's
 * "storage is left unchanged, except for location zero".
 */
#ifndef TGM_TEST_SUPPORT_H
#define TGM_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/machine.h"

/* A machine with q words under the named profile (NULL: default); fails the
 * test if it cannot be made. */
struct machine *ts_machine(uint32_t q, const char *profile, bool hostcalls);

/* A profile in which OP is an unprivileged instruction: JRSTU, LRA and MFPI
 * exist only in the profiles that model their machine (LRA unprivileged in
 * s360-67-lra-user, privileged in s360-67); NULL means the default. */
const char *ts_profile_for(unsigned op);

/* A PSW word packed from the layout drawn in isa.h, without psw_pack; the
 * macro is a constant expression for tables. */
#define TS_PSW(sup, ie, cause, p, l, b)                                     \
    ((uint64_t)(sup) << 63 | (uint64_t)(ie) << 62 |                         \
     (uint64_t)((cause) & 0xF) << 58 | (uint64_t)((p) & 0x7FFFF) << 39 |    \
     (uint64_t)((l) & 0x7FFFF) << 20 | (uint64_t)((b) & 0xFFFFF))
uint64_t ts_psw(bool sup, bool ie, unsigned cause, uint32_t p, uint32_t l,
                uint32_t b);

/* Write N words at physical address AT. */
void ts_put(struct machine *m, uint32_t at, const uint64_t *words, size_t n);
void ts_poke(struct machine *m, uint32_t at, uint64_t v);
uint64_t ts_peek(const struct machine *m, uint32_t at);

/* E[1] := a supervisor PSW with R = (0, q), I = IE and P = HANDLER. */
void ts_set_new_psw(struct machine *m, uint32_t handler, bool ie);

/* One step; fails the test unless it ends with WANT. */
void ts_step_expect(struct machine *m, enum exit_reason want);

/* A malloc'd copy of E; ts_assert_mem_except asserts every word equals the
 * snapshot except at the listed physical addresses (count n). */
uint64_t *ts_snapshot(const struct machine *m);
void ts_assert_mem_except(const struct machine *m, const uint64_t *snap,
                          const uint32_t *except, size_t n);

/* Assert a PSW word's fields one by one, so a failure names the field. */
void ts_assert_psw(uint64_t word, bool sup, bool ie, unsigned cause,
                   uint32_t p, uint32_t l, uint32_t b);

#endif
