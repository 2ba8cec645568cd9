/* review_support.h: what the differential suites test_review and
 * test_review_b share (sections 4-7): a control program of generated guests
 * drawn from a seed, runs cut into calls of random budgets, a save and
 * restore into a fresh control program, and a comparison of two control
 * programs in every component (each VM, its statistics, the real machine
 * and vmm_state_save's bytes).
 */
#ifndef TGM_TEST_REVIEW_SUPPORT_H
#define TGM_TEST_REVIEW_SUPPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "tgm/vmm.h"

/* Console input of the stacks and checks. */
extern const uint8_t rv_input[3];

/* xorshift64*: the same draws on every platform. */
uint64_t rv_rnd(uint64_t *s);

/* A control program's configuration, drawn from a seed: 1-4 VMs of PG_W
 * words, each with a step limit (so every run ends) and console input. */
struct rv_rig {
    int n;
    uint64_t slice;
    bool hybrid;
    uint64_t limit[4];
    char input[4][8];
};
void rv_draw_rig(uint64_t seed, struct rv_rig *c);
/* The control program of rig C with the generated guests of SEED. */
struct vmm *rv_build(uint64_t seed, const struct rv_rig *c);
/* SEED's rig into C, and two control programs of it in *A and *B. */
void rv_pair(uint64_t seed, struct rv_rig *c, struct vmm **a, struct vmm **b);
/* Fail unless A and B are equal in every VM (virtual machine, counters,
 * state, name, limit, statistics), the real machine and the CP's saved
 * state; WHAT and SEED say where. */
void rv_expect_same(struct vmm *a, struct vmm *b, const char *what, uint64_t seed);
/* Run V until no VM is runnable, in calls of random budgets 1..MAXB drawn
 * from S (0: one call). */
void rv_run_chunked(struct vmm *v, uint64_t *s, uint64_t maxb);
/* V and its real machine saved as vmm_state_save and machine_state_save
 * save them (without vmm_transient, which version 5 of the monitor's
 * snapshot also keeps) and restored into a fresh control program. */
struct vmm *rv_save_restore(struct vmm *v);

#endif
