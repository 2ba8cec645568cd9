/* refmodel.h: an independent reference model of the machine, written from
 * docs/isa.md alone (state, address development, the instruction table and
 * its cycles, traps, the interval timer, the console, HALT, host calls and
 * the six profiles), for test_audit_refmodel.c to run in lock step with
 * the library.  It shares no code with src/machine.
 */
#ifndef TGM_TESTS_REFMODEL_H
#define TGM_TESTS_REFMODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tgm/machine.h"

#define RM_AMASK 0x7FFFFu  /* every address is 19 bits wide */
#define RM_BMASK 0xFFFFFu  /* b has one bit more */
#define RM_OUTMAX 4096

enum { RM_PRIV = 1, RM_MEM, RM_SVC, RM_ILL, RM_TIMER, RM_NCAUSE };

/* Field kinds: 0 unused (must be zero), 'a' data address, 't' code
 * address, 'n' number, 'i' imm (C), 'L' imm38 (B:C). */
struct rm_insn {
    const char *name;
    unsigned op;
    char f[4]; /* kinds of A, B, C */
    unsigned cyc;
    int priv; /* "privileged" in the table's user-mode column */
};

extern const struct rm_insn rm_table[];
extern const size_t rm_ninsn;

enum rm_beh { B_ABSENT, B_DIRECT, B_PRIV, B_MASKED };

/* docs/theorems.md, "The six profiles", and docs/isa.md's notes. */
enum rm_prof { P_VIRT, P_PDP10, P_S360, P_S360U, P_PDP11, P_X86, P_N };
extern const char *const rm_prof_name[P_N];

struct rm {
    uint32_t q;
    uint64_t *e;
    bool sup, ie;
    uint32_t p, l, b;
    bool armed, pending;
    int64_t rem;
    uint8_t out[RM_OUTMAX];
    size_t nout;
    const uint8_t *in;
    size_t nin, used;
    uint64_t cycles, instret, steps, traps[RM_NCAUSE];
    int prof;
    bool hostcalls;
    unsigned last_op; /* for coverage: the opcode the last step completed */
    /* The last step as a trace hook sees it. */
    uint64_t psw_before, word;
    uint32_t phys;
    bool fetched;
    uint8_t trapped;
    /* The step's accesses to E, for watchpoints: reads, then writes. */
    uint32_t acc[8];
    bool accw[8];
    unsigned nacc;
};

enum rm_res { R_GO, R_HALT, R_HOST };

/* Debug settings of a run, and what it saw. */
struct rm_dbg {
    unsigned stop_mask;       /* 1u << cause: stop after such a trap */
    const bool *brk;          /* execution breakpoints by physical address */
    uint32_t watch[2];        /* watched physical addresses ... */
    int wmask[2];             /* ... and WATCH_READ | WATCH_WRITE (0: none) */
    uint32_t hit[8];          /* a watch stop: the watched accesses, any of */
    bool hitw[8];             /* which the library may name */
    unsigned nhit;
    struct machine_trace tr[64];
    size_t ntr;
};

/* The table's entry of opcode OP, or NULL; its behaviour in profile PROF. */
const struct rm_insn *rm_find(unsigned op);
enum rm_beh rm_behaviour(int prof, bool hostcalls, const struct rm_insn *d);
/* A PSW word from its fields, and loaded into the model. */
uint64_t rm_pack(bool s, bool i, unsigned cause, uint32_t p, uint32_t l, uint32_t b);
void rm_load_psw(struct rm *m, uint64_t w);
/* Address development (section 2): E[*PHYS], or false for a memory trap. */
bool rm_dev(const struct rm *m, uint32_t a, uint32_t *phys);
/* CYC cycles counted, the timer with them; the trap sequence of CAUSE. */
void rm_charge(struct rm *m, unsigned cyc);
void rm_trap(struct rm *m, unsigned cause);
/* One step (*CODE: an HCALL's operand); a run of BUDGET steps at most with
 * G's stops, as machine_run. */
enum rm_res rm_step(struct rm *m, uint32_t *code);
enum exit_reason rm_run(struct rm *m, uint64_t budget, struct rm_dbg *g, struct machine_exit *ex);
/* Whether the library's watch stop EX names one of G's hits; whether two
 * runs' trace records agree; the library's trace hook, into a struct rm_dbg. */
bool watch_named(const struct rm_dbg *g, const struct machine_exit *ex);
bool trace_agrees(const struct rm_dbg *x, const struct rm_dbg *g);
void x_trace(void *ctx, const struct machine_trace *t);

#endif
