/* machine.h: the third generation machine S = <E, M, P, R> (paper section 2).
 *
 * A machine is created with q words of executable storage.  Its state is
 * exactly E, the PSW <M, P, R> (plus the interrupt-enable bit), and the two
 * documented extensions: the interval timer and the console.  machine_run
 * drives it the way a KVM client drives KVM_RUN: it returns an exit record
 * saying why it stopped.  Nothing here prints.
 */
#ifndef TGM_MACHINE_H
#define TGM_MACHINE_H

#include <stddef.h>
#include <stdint.h>

#include "tgm/isa.h"

struct machine;

/* How an opcode behaves in an instruction-set profile (sections 3 and 8). */
enum insn_behaviour {
    BEH_ABSENT,      /* not an instruction here: illegal-instruction trap */
    BEH_DIRECT,      /* executes in both modes */
    BEH_PRIV,        /* privileged: traps in user mode */
    BEH_USER_MASKED, /* user mode: executes, keeping M, IE and R as they are */
};

struct isa_profile {
    const char *name;
    const char *summary;
    uint8_t beh[ISA_NOPS]; /* enum insn_behaviour per opcode */
    uint8_t cls[ISA_NOPS]; /* declared class per opcode in this profile */
};

/* The profile named NAME (exactly, case and all), or NULL (NAME NULL
 * too).  "virtualizable" is the default (a machine_config's NULL). */
const struct isa_profile *isa_profile_find(const char *name);
/* The profile names close to an unknown NAME ("did you mean"), quoted into
 * BUF: the one nearer than any other ("'x86'"; a name NAME begins counts
 * as one edit away, as tgm_suggest_unique judges), or every one that ties
 * ("'pdp10' or 'pdp11-45'", "'a', 'b' or 'c'"); how many (0: none, BUF
 * empty; NAME NULL too). */
size_t isa_profile_suggest(const char *name, char *buf, size_t len);
/* The same among the profiles and one name more, EXTRA (NULL: none), such
 * as the "all" a --profile option may take. */
size_t isa_profile_suggest_with(const char *name, const char *extra, char *buf, size_t len);
const struct isa_profile *isa_profile_default(void);
/* All profiles, terminated by NULL. */
const struct isa_profile *const *isa_profiles(void);

struct machine_config {
    uint32_t q;                        /* words of E; 0 means TGM_Q_DEFAULT */
    const struct isa_profile *profile; /* NULL means the default profile */
    bool hostcalls;                    /* HCALL exits to the host (a control
                                          program's machine); otherwise HCALL is
                                          not an instruction */
};

/* Console device: one character out, one in.  Plug your own with
 * machine_set_console; the machine's own buffers both directions. */
struct tgm_console {
    void *ctx;
    void (*put)(void *ctx, uint8_t ch);
    int (*get)(void *ctx); /* 0..255, or -1 when no input is waiting */
};

/* The interval timer, as architectural state.  While armed it counts down
 * by every cycle the machine spends; when it reaches zero it becomes pending
 * and disarmed; a pending timer traps (TRAP_TIMER) at the next instruction
 * boundary at which the PSW's I bit is set. */
struct machine_timer {
    bool armed;
    bool pending;
    int64_t remaining; /* cycles left while armed; 0 otherwise */
};

enum exit_reason {
    EXIT_HALT,   /* HALT executed in supervisor mode */
    EXIT_BUDGET, /* the step budget ran out */
    EXIT_TRAP,   /* a trap whose cause is in the stop mask was taken */
    EXIT_BREAK,  /* breakpoint: about to execute at a break address or class */
    EXIT_WATCH,  /* an instruction read or wrote a watched word */
    EXIT_HOST,   /* HCALL in supervisor mode on a host-attached machine */
};

struct machine_exit {
    enum exit_reason reason;
    uint8_t cause;   /* EXIT_TRAP: the trap taken (old PSW is in E[0]) */
    uint32_t code;   /* EXIT_HOST: HCALL's number */
    uint32_t addr;   /* EXIT_BREAK/EXIT_WATCH: physical address */
    bool write;      /* EXIT_WATCH: the access was a write */
    uint64_t steps;  /* steps taken by this call */
};

struct machine_counters {
    uint64_t cycles;  /* every cycle, instructions and trap sequences */
    uint64_t instret; /* instructions completed without trapping */
    uint64_t steps;   /* instructions attempted plus timer traps taken */
    uint64_t traps[TRAP_NCAUSES];
};

/* A step as seen by a trace hook (debug runs only). */
struct machine_trace {
    uint64_t psw_before; /* PSW at the start of the step (cause 0) */
    uint64_t word;       /* the instruction word, if it was fetched */
    uint32_t phys;       /* physical address of P, if P developed */
    bool fetched;
    uint8_t trap;        /* cause of a trap taken in this step, or 0 */
    uint64_t cycles;     /* machine cycle count after the step */
};
typedef void (*machine_trace_fn)(void *ctx, const struct machine_trace *t);

/* Lifecycle.  machine_create returns NULL if q is outside
 * [TGM_Q_MIN, TGM_Q_MAX] or memory runs out. */
struct machine *machine_create(const struct machine_config *cfg);
void machine_destroy(struct machine *m);
/* Power-on state: E all zero, supervisor, I = 0, P = 0, R = (0, q), timer
 * disarmed, console empty, counters zero.  Debug settings are kept, and so
 * are a plugged-in console device and the host-call handler. */
void machine_reset(struct machine *m);
/* machine_reset, then E[i] = WORDS[i] for i < N, writing only the words
 * that differ from E as it is (the analyzer reloads a small machine for
 * every state it tries).  -1, and nothing changed, if N > q. */
int machine_reset_to(struct machine *m, const uint64_t *words, uint32_t n);

uint32_t machine_q(const struct machine *m);
const struct isa_profile *machine_profile(const struct machine *m);
bool machine_hostcalls(const struct machine *m);

/* PSW and R.  Setting a PSW ignores its cause bits. */
uint64_t machine_get_psw(const struct machine *m);
struct psw machine_psw(const struct machine *m);
void machine_set_psw(struct machine *m, uint64_t psw);
/* The same from its fields, as the packed word would give them (each masked
 * to its width; the cause ignored), without packing and unpacking. */
void machine_load_psw(struct machine *m, const struct psw *p);
/* R := (l, b), l masked to 19 bits and b to 20, as in a PSW word. */
void machine_set_r(struct machine *m, uint32_t l, uint32_t b);
/* Single fields, for callers on a hot path (the control program); P is
 * masked to 19 bits. */
uint32_t machine_p(const struct machine *m);
void machine_set_p(struct machine *m, uint32_t p);
bool machine_sup(const struct machine *m);
bool machine_ie(const struct machine *m);
uint64_t machine_cycles(const struct machine *m);
uint64_t machine_instret(const struct machine *m);
uint64_t machine_steps(const struct machine *m);
/* Cause of the last trap taken, or TRAP_NONE (for display; E[0] holds it). */
uint8_t machine_last_trap(const struct machine *m);

/* Section 2's two checks as one bound: with R = (l, b) on a machine of q
 * words, address a develops without a memory trap iff a < address_limit.
 * The run loop, machine_develop's callers and the analyzer all use this. */
static inline uint32_t address_limit(uint32_t q, uint32_t l, uint32_t b)
{
    if (l >= q)
        return 0;
    return b < q - l ? b : q - l;
}

/* Address development exactly as section 2, with the current R:
 * if a + l >= q or a >= b, TRAP_MEM; else TRAP_NONE and *phys = a + l. */
int machine_develop(const struct machine *m, uint64_t a, uint32_t *phys);

/* Memory.  Physical access fails (-1) outside 0..q-1; virtual access develops
 * the address through R and fails with TRAP_MEM.  0 on success. */
int machine_read_phys(const struct machine *m, uint64_t addr, uint64_t *v);
int machine_write_phys(struct machine *m, uint64_t addr, uint64_t v);
int machine_read_virt(const struct machine *m, uint64_t addr, uint64_t *v);
int machine_write_virt(struct machine *m, uint64_t addr, uint64_t v);
/* All of E, read-only (q words). */
const uint64_t *machine_mem(const struct machine *m);
/* FNV-1a 64 over E (little-endian words): the digest that tgm run reports. */
uint64_t machine_digest(const struct machine *m);
/* Changes made to M's memory, or to the console buffers of a machine that
 * shares it (a host and its views), other than by the run loop: by
 * machine_write_phys, machine_write_virt, machine_reset,
 * machine_reset_to, machine_state_load, machine_console_input,
 * machine_console_clear_output and machine_console_add_dropped, each
 * counted when it changed anything.
 * The PSW, the timer and the counters are not counted (the control
 * program sets them in place at every trap); machine_mark has them. */
uint64_t machine_edits(const struct machine *m);
/* M's state in O(1): a digest of machine_edits, which memory M is (no two
 * machine_create give the same), and by value everything else
 * machine_state_save saves.  Two marks of M differ if anything but a run
 * changed it in between (a change of memory undone by another counts, as
 * edits only grow; the PSW, timer and counters are taken by value, so a
 * change of them undone is not seen); a run changes it by its steps. */
uint64_t machine_mark(const struct machine *m);

/* Timer. */
struct machine_timer machine_get_timer(const struct machine *m);
/* Armed with remaining <= 0 means it has expired: it becomes pending.
 * Armed and pending at once is a state no instruction makes (TSET clears a
 * pending expiry, an expiry disarms): refused, -1 with the timer as it
 * was; 0 otherwise. */
int machine_set_timer(struct machine *m, const struct machine_timer *t);

/* Console.  NULL restores the machine's own buffered console. */
void machine_set_console(struct machine *m, const struct tgm_console *dev);
/* The own console's output so far (not NUL-terminated): its first
 * 16 MiB; the bytes written beyond them are only counted (dropped). */
const uint8_t *machine_console_output(const struct machine *m, size_t *len);
uint64_t machine_console_dropped(const struct machine *m);
/* Count N more bytes as written and dropped, so a console rebuilt from
 * another machine's output keeps its count. */
void machine_console_add_dropped(struct machine *m, uint64_t n);
/* Was a byte of that output lost because memory ran out (since the output
 * was last cleared)?  Then it is not the program's, and no result may rest
 * on it. */
bool machine_console_lost(const struct machine *m);
/* Queue input for the own console; CIN reads it in order.  0 or -1 (ENOMEM). */
int machine_console_input(struct machine *m, const uint8_t *bytes, size_t len);
size_t machine_console_input_used(const struct machine *m);
/* Bytes queued in all, read or not (CIN leaves them in the queue). */
size_t machine_console_input_len(const struct machine *m);
/* Those bytes, machine_console_input_len of them (NULL when none). */
const uint8_t *machine_console_input_bytes(const struct machine *m);
/* Forget the own console's output so far, with its count of dropped bytes
 * and whether one was lost (queued input stays). */
void machine_console_clear_output(struct machine *m);

struct machine_counters machine_get_counters(const struct machine *m);

/* Execution.  A step either takes a pending timer trap or attempts one
 * instruction (which completes or traps).  Returns ex->reason (EX may be
 * NULL).  A BUDGET of 0 takes no step: EXIT_BUDGET at once. */
enum exit_reason machine_run(struct machine *m, uint64_t budget,
                             struct machine_exit *ex);
enum exit_reason machine_step(struct machine *m, struct machine_exit *ex);
/* machine_step, inlined into its caller where the build allows (the
 * control program's step of a view at every trap); of EX it sets only the
 * reason and the steps, unless M's checked loop is in use (a debugging
 * setting other than execution breakpoints alone, machine_debugging). */
enum exit_reason machine_step_inline(struct machine *m, struct machine_exit *ex);
/* Counts of execution done elsewhere, for machine_charge_step_inline. */
struct machine_charge {
    uint64_t cycles, instret, steps;
};
/* machine_charge (below) with CH, then machine_step_inline, in one. */
enum exit_reason machine_charge_step_inline(struct machine *m, struct machine_charge ch,
                                            struct machine_exit *ex);
/* The opcode of the instruction the last machine_charge_step_inline
 * completed, so that its caller need not fetch the word again, or 0 if
 * that step completed none (it trapped: no opcode is 0). */
uint8_t machine_step_op(const struct machine *m);

/* Debugging.  None patches memory.  Execution breakpoints are marked in the
 * decode cache and cost the run loop nothing until one is reached; any of
 * the others switches the run loop to its checked variant, which looks at
 * every step and access.  A run never stops on an execution breakpoint or a
 * class breakpoint at its first step, so continuing from one makes progress.
 * A watchpoint reports an access the instruction made even if it then
 * trapped, and a trap's own accesses: its write of E[0] and its read of
 * E[1] (the write reported when both are watched); when a trap in the stop
 * mask is taken in the same step, the trap stop is reported and the watch
 * hit is not. */
/* The setters return 0, or -1 if PHYS is not below q (or memory runs out). */
int machine_break_exec(struct machine *m, uint32_t phys, bool on);
bool machine_break_exec_test(const struct machine *m, uint32_t phys);
enum { WATCH_READ = 1, WATCH_WRITE = 2 };
int machine_watch(struct machine *m, uint32_t phys, int rw_mask); /* 0 clears */
int machine_watch_test(const struct machine *m, uint32_t phys);
/* Whether any watchpoint is set. */
bool machine_watching(const struct machine *m);
/* Every watched access of the step the last run or step stopped after (an
 * EXIT_WATCH, which names the last of them, or a trap stop in that step),
 * in the order the step made them, at most MAX into HITS (reason
 * EXIT_WATCH, addr, write); 0 once the machine has changed since, as
 * machine_mark tells it.  An instruction makes at most three accesses, a
 * trap two, listed as its read of E[1], then its write of E[0] (the one an
 * EXIT_WATCH names when both are watched); fetching an instruction is no
 * access. */
#define MACHINE_WATCH_HITS 8
size_t machine_watch_hits(const struct machine *m, struct machine_exit *hits, size_t max);
void machine_break_class(struct machine *m, unsigned class_mask);
void machine_trap_stop(struct machine *m, unsigned cause_mask); /* 1u << cause */
void machine_set_trace(struct machine *m, machine_trace_fn fn, void *ctx);
/* What the run loop does after a host call's handler returns. */
enum hostcall_next {
    HOSTCALL_STOP, /* the run stops with EXIT_HOST, as without a handler */
    HOSTCALL_GO,   /* the run goes on from M's state as the handler left it */
    HOSTCALL_LPSW, /* the run loads the result's PSW word, as LPSW does, and goes on */
    HOSTCALL_RESUME, /* as HOSTCALL_LPSW; the handler left M's PSW, its
                        counters, its timer and *LEFT as they were (so the
                        run need not take them up again, and a PSW with
                        M's M, I and R goes on in the window it holds) */
};
/* A handler for HCALL that the fast loop runs in place: after the HCALL
 * completes, with M's state up to date, which the handler may change in any
 * way (PSW, timer, memory).  *LEFT is the steps the run may still take; the
 * handler may set it.  The checked loop never calls it (it always stops).
 *
 * A trap exit: when a trap's new PSW starts with an HCALL (supervisor mode,
 * its P develops, no breakpoint there, no timer trap first) and the run
 * need not look at its budget or timer in between, the fast loop takes the
 * two steps at once and calls the handler.  E, the counters and the steps
 * are as after the two; M's PSW is not yet the new one but still the
 * trapped one, P at the trapping instruction (E[0] holds it, with the
 * cause).  HOSTCALL_LPSW then runs on from the PSW, without setting the
 * window up again if M, I and R are the trapped ones (HOSTCALL_RESUME then
 * keeps the run's counters and budget as they are, too); HOSTCALL_STOP and
 * HOSTCALL_GO first load the new PSW (the one E[1] held) past its HCALL,
 * as the two steps leave it.  The control program enters its dispatcher
 * this way, as KVM handles an exit in the kernel without a trip to user
 * space.  NULL removes the handler.  The handler returns what to do and
 * the PSW, in registers (the CP's dispatcher answers at every trap). */
struct hostcall_result {
    enum hostcall_next next;
    uint64_t psw; /* HOSTCALL_LPSW and HOSTCALL_RESUME: the PSW word to load */
};
typedef struct hostcall_result (*machine_hostcall_fn)(void *ctx, struct machine *m,
                                                      uint64_t code, uint64_t *left);
void machine_set_hostcall(struct machine *m, machine_hostcall_fn fn, void *ctx);
void machine_debug_clear(struct machine *m);
/* Whether any debugging is set: a breakpoint, watchpoint, class breakpoint
 * or trap stop.  The checked loop is in use for all but execution
 * breakpoints alone, which the fast loop meets in its decode cache. */
bool machine_debugging(const struct machine *m);
/* Would the run loop stop before executing WORD at physical address PHYS:
 * an execution breakpoint there, or a class breakpoint for its opcode?
 * For a control program that simulates instructions outside the loop. */
bool machine_breaks_at(const struct machine *m, uint32_t phys, uint64_t word);

/* A view: a machine whose E is HOST's E[base..base+w-1].  It has its own
 * PSW, timer, console and counters, starting in the power-on state; its
 * memory is the region as it stands (machine_reset would zero it);
 * destroying it leaves HOST's memory alone, and it must be destroyed before
 * HOST.  Its size is W: of CFG only the profile and host calls count.
 * The control program keeps each VM's virtual state in one.  NULL if the
 * region is outside HOST or w < TGM_Q_MIN. */
struct machine *machine_create_view(struct machine *host, uint32_t base,
                                    uint32_t w, const struct machine_config *cfg);
bool machine_is_view(const struct machine *m);

/* The trap sequence of section 2 done in software on M's state:
 * E[0] := PSW with CAUSE, PSW := E[1], and the trap's cycles and counters
 * (a timer trap also clears the pending timer, as the CPU's does).
 * The same effect the CPU produces; reflecting a trap into a VM is this.
 * CAUSE is one of TRAP_PRIV..TRAP_TIMER.  Like the CPU's trap it is
 * no edit (machine_edits): M's mark changes by its counters. */
void machine_trap(struct machine *m, unsigned cause);
/* Account for execution done elsewhere (a VM's direct execution): add to the
 * counters and count the timer down, making it pending when it expires. */
void machine_charge(struct machine *m, uint64_t cycles, uint64_t instret,
                    uint64_t steps);
/* Console I/O through M's console device, as COUT and CIN do. */
void machine_console_put(struct machine *m, uint8_t ch);
int machine_console_get(struct machine *m);

/* Compare two machines component by component (E, then M, I, P, l, b, the
 * timer, the console: its output, the input read and the input waiting;
 * with CMP_COUNTERS also cycles, instructions, steps and traps).  Returns 0 if equal, else 1 and one line naming the first
 * difference, using NAME_A and NAME_B for the two sides. */
enum { CMP_COUNTERS = 1 };
int machine_compare(const struct machine *a, const struct machine *b,
                    unsigned flags, const char *name_a, const char *name_b,
                    char *diff, size_t difflen);

/* Snapshots of the whole architectural state plus counters and console
 * buffers (not debug settings).  WITH_MEMORY false leaves E out (views).
 * Load checks everything first and changes nothing on error. */
int machine_state_save(const struct machine *m, bool with_memory,
                       uint8_t **buf, size_t *len);
int machine_state_load(struct machine *m, const uint8_t *buf, size_t len,
                       char *err, size_t errlen);

/* Is X caught in a trap loop (a disabled wait): does each step take a trap
 * (*CAUSE) that loads the PSW it trapped from?  A timer trap that may come
 * loads it too, and is no way out unless the word it leaves in E[0] is one
 * the loop fetches.  Probed on a copy of X, which is left alone. */
bool machine_trap_loop(const struct machine *x, unsigned *cause);

/* Names for display. */
const char *trap_cause_name(unsigned cause);
/* "a" or "an": the article before trap_cause_name(CAUSE) in a sentence
 * ("an illegal trap", "a memory trap"). */
const char *trap_cause_article(unsigned cause);
const char *exit_reason_name(enum exit_reason r);

#endif
