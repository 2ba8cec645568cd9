/* refvmm.h: an independent reference model of the control program's
 * bookkeeping, written from docs/vmm.md, docs/theorems.md and the comments
 * of include/tgm/vmm.h alone (no code of src/vmm), for
 * test_audit_refvmm.c to run against the library.  Each VM's machine is the
 * machine model of refmodel.h; the model adds what the CP does around it:
 * direct execution in real user mode with R' composed, the dispatcher's
 * table, virtual time, the real timer for slices and virtual timers, round
 * robin, step limits, the hybrid mode, the statistics and the events.
 */
#ifndef TGM_TESTS_REFVMM_H
#define TGM_TESTS_REFVMM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/vmm.h"

#include "refmodel.h"

#define CPM_MAXVM 6
#define CPM_MAXEV 1024

struct cpm_vm {
    struct rm v; /* the virtual machine: q = w, E = the VM's own words */
    uint32_t base;
    enum vm_state state;
    uint64_t max_steps;
    struct vm_stats st;
    bool live;    /* not destroyed */
};

struct cpm {
    int n, cur; /* cur: -1 before the first run */
    struct cpm_vm vm[CPM_MAXVM];
    uint64_t slice;
    int64_t left; /* virtual cycles left in this turn */
    bool hybrid, slicing; /* slicing: several VMs runnable as the turn began */
    struct vmm_event ev[CPM_MAXEV];
    size_t nev;
    /* what the model met, for the campaign's coverage */
    int64_t max_over; /* the longest a turn ran past its slice */
    uint64_t n_slice_ev, n_vdue, n_deliver_cp, n_limit, n_stretch, n_hyb_slice, n_switch_quiet;
};

/* vmm_run: BUDGET guest steps at most over the runnable VMs, round robin;
 * the events a hook would see are appended to C->ev. */
enum vmm_stop cpm_run(struct cpm *c, uint64_t budget);
void cpm_stop(struct cpm *c, int id);
void cpm_resume(struct cpm *c, int id);
void cpm_set_limit(struct cpm *c, int id, uint64_t max);
void cpm_set_slice(struct cpm *c, uint64_t cycles);
void cpm_destroy(struct cpm *c, int id);
void cpm_load(struct cpm *c, int id, uint32_t at, const uint64_t *w, uint32_t n, uint64_t psw);

#endif
