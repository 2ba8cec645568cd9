/* machine_impl.h: the private layout of struct machine (section 2's S).
 *
 * Only src/machine and white-box tests include this.  The PSW fields are
 * kept unpacked; lim caches the result of the paper's two address checks
 * for the current R so the run loop does one compare per address.
 */
#ifndef TGM_MACHINE_IMPL_H
#define TGM_MACHINE_IMPL_H

#include "tgm/machine.h"

/* Dispatch codes beyond the opcodes: opcode 0 is never assigned and stands
 * for "illegal"; 0x7F is reserved for the per-mode dispatch map. */
#define DISPATCH_ILL 0x00
#define DISPATCH_PRIV 0x7F

struct console_buf {
    uint8_t *out;
    size_t out_len, out_cap, out_dropped;
    bool out_lost; /* a byte dropped for want of memory, not past the limit */
    uint8_t *in;
    size_t in_len, in_cap, in_pos;
};

/* The decode cache: one predecoded entry beside each word of E.  h is the
 * fast loop's handler for the word, or pdc_stale until the word is decoded
 * (again); the fields are the word's operands, decoded once.  Nothing in the
 * decoded fields depends on R or the mode, so one cache serves the machine
 * and every view onto it.  Any store into E makes its entry stale: the run
 * loop's WR and, everywhere else, mem_store.
 *
 * The fast loop also resolves a hot entry for the R it runs under (cpu.c,
 * pdc_resolve): s[i] is field i developed once, a pointer to its word of E
 * or to the jump target's entry, and tag names the R (the window's absolute
 * start and lim) and the epoch it was proved for.  An entry's handler is
 * its resolved one only while those proofs hold for tag; the handler
 * compares tag with the running one, and any other R falls back to the
 * checked handler.  A resolved store does not mark its word stale: it is
 * resolved only if that word is stale already, and flagged (PDC_TARGET), so
 * decoding it later starts a new epoch that retires every resolution. */
/* Where a pointer is 4 bytes (-m32) the pads keep an entry 64 bytes, as
 * pdc_tag's arithmetic needs; a 64-bit build has none of them. */
#if UINTPTR_MAX == UINT32_MAX
#define PDC_PAD32
#endif

union pdc_slot {
    uint64_t *w;      /* a data operand's word */
    struct pdc *t;    /* a jump target's entry */
#ifdef PDC_PAD32
    uint64_t pad;
#endif
};

struct pdc {
    const void *h;
#ifdef PDC_PAD32
    uint32_t hpad;
#endif
    uint64_t tag;  /* what the slots were resolved for (pdc_tag), or 0 */
    union pdc_slot s[3];
    int64_t c;     /* the C field; for ADDI and LI the immediate, sign-extended */
    uint32_t a, b;
    uint32_t amax; /* the largest of the fields that are data addresses */
    uint8_t code;  /* the opcode, or DISPATCH_ILL for a malformed word */
    uint8_t flags; /* PDC_TARGET: a resolved entry stores here unmarked */
    /* Execution breakpoints on this word, counted over every machine that
     * shares the cache (the host and its views).  Not part of the decoded
     * word: decoding keeps it, and a marked word's handler asks the running
     * machine's own bitmap first, so the fast loop needs no per-step check. */
    uint16_t nbp;
};
#define PDC_TARGET 1u
_Static_assert(sizeof(struct pdc) == 64, "an entry is a cache line (and pdc_tag's 64)");

/* What a cache's machines share: its whole extent, and the epoch of its
 * resolutions (never 0, so a tag of 0 matches nothing). */
struct pdc_shared {
    struct pdc *D0;
    uint32_t q;
    uint32_t epoch;
};
#define PDC_EPOCH_BITS 24
#define PDC_TAG_EPOCH 40 /* a tag's epoch bits start here */

struct machine {
    /* S = <E, M, P, R> */
    uint64_t *E;
    struct pdc *D; /* the decode cache beside E (a view's is its host's) */
    /* R's window: E and D from l (from 0 if l >= q), kept with lim */
    uint64_t *El;
    struct pdc *Dl;
    struct pdc_shared *pdcs; /* the cache's: own_pdcs, or the host's */
    struct pdc_shared own_pdcs;
    uint32_t q;
    bool view; /* E belongs to another machine */
    bool sup, ie;
    uint32_t p, l, b;
    uint32_t lim; /* min(b, q - l), or 0 if l >= q: a is valid iff a < lim */
    uint64_t pswx; /* the PSW packed with P and the cause 0 (psw_at) */

    /* extensions: timer (deadline in machine cycles) */
    bool timer_armed, timer_pending;
    uint64_t timer_deadline;

    /* what every run and trap touches comes first (a VM's step, a slice
     * change): the counters here, the large dispatch tables last */
    struct machine_counters ctr;
    /* (not char-typed: the trap's store of it would let the compiler
     * assume nothing about any field the trap path then reads) */
    uint32_t last_trap;
    uint8_t step_op; /* the opcode the last inlined step dispatched on */
    machine_hostcall_fn hostcall; /* HCALL handled in place (fast loop) */
    void *hostcall_ctx;
    /* the last new PSW found to start with an HCALL that its mode executes
     * (trap_exit), and the decoded entry of the word at its P; pdc_none for
     * none */
    uint64_t xpsw;
    const struct pdc *xent;

    /* the console */
    struct tgm_console con;
    struct console_buf conbuf;

    /* debugging: execution breakpoints are also marked in the cache (the
     * fast loop's); everything else takes the checked run loop */
    bool checked;
    bool step_run; /* checked or a host call: the inlined step runs machine_run */
    bool oracle; /* the checked loop decodes every word it fetches */
    bool debugging; /* any breakpoint, watchpoint, class, trap stop or trace */
    uint8_t *bp_exec;  /* bitmap over q, or NULL */
    uint8_t *watch;    /* a byte per word: WATCH_READ | WATCH_WRITE; or NULL */
    unsigned nbp, nwatch;
    /* the watched accesses of the step a run last stopped after, as
     * 2 x phys + write, in the order made; valid while machine_mark is
     * whits_mark (machine_watch_hits) */
    uint32_t whits[MACHINE_WATCH_HITS];
    unsigned nwhits;
    uint64_t whits_mark;
    unsigned break_class;
    unsigned trap_stop;
    machine_trace_fn trace;
    void *trace_ctx;

    /* the instruction set: per-mode dispatch maps built from the profile */
    const struct isa_profile *profile;
    bool hostcalls;
    uint8_t dmap[2][ISA_NOPS]; /* [sup][opcode] -> dispatch code */
    const void *hdisp[2][ISA_NOPS]; /* the fast loop's handler for dmap's code */

    /* the machine whose E this is (M itself, or a view's host), and there
     * which memory it is (a number no other machine_create gave) and
     * machine_edits; last, so that the run loop's fields keep their
     * places */
    struct machine *owner;
    uint64_t serial, edits;
};

/* src/machine/cpu.c: the handler that decodes a stale entry, set up by
 * cpu_init (called before any machine exists), and the decoder itself. */
extern const void *pdc_stale;
extern const struct pdc pdc_none; /* trap_exit: no entry kept */
void cpu_init(void);
void cpu_mode_handlers(struct machine *m); /* hdisp from dmap */
void pdc_decode(struct pdc_shared *s, struct pdc *d, uint64_t word);

/* The tag of a resolution for the window at DL (lim words valid) now. */
static inline uint64_t pdc_tag(const struct pdc_shared *s, const struct pdc *Dl,
                               uint32_t lim)
{
    /* DL's index << 20, from its offset in bytes (an entry is 64) */
    return (uint64_t)s->epoch << PDC_TAG_EPOCH |
           (uint64_t)((const char *)Dl - (const char *)s->D0) << (20 - 6) | lim;
}
/* Whether the fast loop honours breakpoints (it does with computed goto). */
extern bool cpu_fast_breaks;

/* A change of E or a console outside the run loop (machine_edits). */
static inline void machine_edited(struct machine *m) { m->owner->edits++; }

/* The one way to store into E from outside the run loop (machine_reset_to
 * makes the same two stores in its loop, with the pointers held). */
static inline void mem_store(struct machine *m, uint32_t phys, uint64_t v)
{
    m->E[phys] = v;
    m->D[phys].h = pdc_stale;
}

/* The PSW's bits that are P and the cause; the rest of a PSW word is
 * M, I and R, which pswx keeps packed so that a trap and SPSW need only add
 * P.  Every change of M, I or R updates it: machine_update_lim outside the
 * run loop, LOAD_PSW, LR and JRSTU inside. */
#define PSW_P_CAUSE_BITS \
    ((UINT64_C(0xF) << PSW_CAUSE_SHIFT) | ((uint64_t)TGM_ADDR_MASK << PSW_P_SHIFT))
/* psw_pack of M's PSW with P and CAUSE. */
static inline uint64_t psw_at(const struct machine *m, uint32_t p, unsigned cause)
{
    return m->pswx | (uint64_t)(cause & 0xF) << PSW_CAUSE_SHIFT |
           (uint64_t)(p & TGM_ADDR_MASK) << PSW_P_SHIFT;
}

/* Section 2's trap, the one copy: E[0] := OLD (the old PSW with its
 * cause), the trap counted; returns E[1], the PSW to load.  The run loop
 * takes every trap through here, and machine_trap (a trap reflected into a
 * VM) too.  A timer trap's caller has consumed the pending timer (the run
 * loop where it decides to take it, so no other trap tests the cause). */
static inline uint64_t trap_sequence(struct machine *m, uint64_t old, unsigned cause)
{
    mem_store(m, 0, old);
    m->last_trap = cause;
    m->ctr.traps[cause]++;
    return m->E[1];
}

/* src/machine/machine.c */
void machine_update_lim(struct machine *m);
/* Tests: run M on the checked loop, decoding every fetched word afresh
 * instead of trusting the cache, so the cache has an independent oracle. */
void machine_decode_oracle(struct machine *m, bool on);
void machine_update_checked(struct machine *m);
void machine_build_dispatch(struct machine *m);

/* src/machine/console.c */
void conbuf_init(struct console_buf *c);
void conbuf_free(struct console_buf *c);
void conbuf_clear(struct console_buf *c);
void conbuf_put(void *ctx, uint8_t ch);
int conbuf_get(void *ctx);
int conbuf_feed(struct console_buf *c, const uint8_t *bytes, size_t len);
#define CONBUF_OUT_LIMIT ((size_t)16 << 20)

#endif
