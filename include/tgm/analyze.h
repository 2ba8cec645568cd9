/* analyze.h: instruction classes derived by execution; Theorems 1, 2 and 3.
 *
 * Realises section 3's definitions (privileged, control, location and mode
 * sensitive) and section 8's (user, supervisor sensitive) by running each
 * instruction of a profile on generated states of a small machine, and the
 * tests of Theorems 1 and 3, and Theorem 2's (section 7) sufficient
 * condition on top of Theorem 1.  Every existential claim carries a witness.
 */
#ifndef TGM_ANALYZE_H
#define TGM_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tgm/image.h"
#include "tgm/machine.h"

/* The small machine the states live on: q words of E. */
#define ANALYZE_Q_MIN 16u
#define ANALYZE_Q_MAX 64u
#define ANALYZE_Q_DEFAULT 32u
#define ANALYZE_SEED_DEFAULT UINT64_C(0x50470a1974)
#define ANALYZE_RANDOM_DEFAULT 2048u

struct analyze_options {
    uint32_t q;             /* 0: ANALYZE_Q_DEFAULT */
    uint64_t seed;          /* 0: ANALYZE_SEED_DEFAULT */
    unsigned random_states; /* random states per instruction after the
                               boundary states; 0: ANALYZE_RANDOM_DEFAULT */
    bool keep_witnesses;    /* true: witnesses as first found, not reduced */
};

/* One concrete state S = <E, M, P, R> of the small machine, with the
 * documented extensions.  The instruction is the word at E[l + P]. */
struct analyze_state {
    uint32_t q;
    uint64_t mem[ANALYZE_Q_MAX]; /* E[0..q-1], absolute addresses */
    struct psw psw;              /* M, I, P, R (cause ignored) */
    struct machine_timer timer;  /* armed implies remaining > 0 */
    int cin;                     /* byte waiting at the console, or -1 */
};

/* What a witness shows.  CLAIM_NOT_PRIV is the counterexample to the
 * universal claim "privileged"; the others prove a class bit. */
enum analyze_claim {
    CLAIM_NOT_PRIV, /* S1 = <e,s,p,r>, S2 = <e,u,p,r>: S2 runs or S1 traps */
    CLAIM_CTL_S,    /* S1 in supervisor mode changes M, R or a resource */
    CLAIM_CTL_U,    /* the same from user mode */
    CLAIM_LOC_S,    /* S1 at r, S2 at r (+) x, both supervisor, results differ */
    CLAIM_LOC_U,    /* the same, both user */
    CLAIM_MODE,     /* S1 supervisor, S2 user at r (+) x (x = 0: the same r),
                       results differ, and for x > 0 not as S1 moved by x
                       in its own mode does (that is the location's) */
    CLAIM_COUNT
};

/* The component a witness's difference is in. */
enum analyze_component {
    COMP_NONE,
    COMP_TRAP,           /* trap cause (0 = completed): privileged pairs */
    COMP_E,              /* a word of E | r; addr is relative to R */
    COMP_E_OUTSIDE,      /* a word of E outside E | r; addr is absolute */
    COMP_P,
    COMP_M,              /* 1 = supervisor */
    COMP_I,
    COMP_L,              /* relocation of R */
    COMP_B,              /* bound of R */
    COMP_HALT,           /* 1 = the processor halted */
    COMP_TIMER_ARMED,
    COMP_TIMER_PENDING,
    COMP_TIMER_REMAINING,
    COMP_CONSOLE_OUT_LEN, /* bytes written to the console */
    COMP_CONSOLE_OUT,     /* byte addr of the console output */
    COMP_CONSOLE_IN,      /* console input bytes consumed */
    COMP_COUNT
};

/* A difference.  Control claims: v1 is the value before the instruction
 * (for the timer, the value plain counting down would give), v2 after.
 * Pair claims: v1 is i(S1)'s value, v2 is i(S2)'s. */
struct analyze_diff {
    uint8_t comp; /* enum analyze_component */
    uint32_t addr;
    uint64_t v1, v2;
};

struct analyze_witness {
    uint8_t op;
    uint8_t claim;          /* enum analyze_claim */
    struct analyze_state s1;
    struct analyze_state s2; /* pair claims only */
    uint32_t x;              /* S2's R is S1's R (+) x: > 0 for CLAIM_LOC_*,
                                any for CLAIM_MODE (0: the same r) */
    struct analyze_diff diff;
};

/* How many states each definition was tried on.  A universal claim (not
 * X, or privileged) holds over exactly these; zero means vacuous. */
struct analyze_counts {
    uint64_t states;     /* base states generated */
    uint64_t priv_pairs; /* (s, u) pairs in which neither memory traps */
    uint64_t ctl[2];     /* [1] supervisor, [0] user: S1 that complete */
    uint64_t loc[2];     /* [1] supervisor, [0] user: shifted pairs that complete */
    uint64_t mode;       /* (s, u) pairs, the same r or S2's shifted, both completing */
};

struct analyze_insn {
    uint8_t op;
    bool present;  /* false: an illegal instruction on this (guest) machine */
    uint8_t derived;  /* enum insn_class bits found by execution */
    uint8_t declared; /* the profile's cls[op] */
    struct analyze_counts n;
    bool found[CLAIM_COUNT];
    struct analyze_witness wit[CLAIM_COUNT];
};

struct analyze_result {
    const struct isa_profile *profile;
    struct analyze_options opts; /* with defaults filled in */
    struct analyze_insn insn[ISA_NOPS]; /* indexed by opcode */
    bool theorem1;       /* every sensitive instruction is privileged */
    bool theorem2;       /* Theorem 2's condition: theorem1, and a VMM without
                            timing dependencies exists (tgm's control program,
                            whose virtual time is exact) */
    bool theorem3;       /* every user sensitive instruction is privileged */
    unsigned mismatches; /* present instructions with derived != declared */
};

/* Analyze every defined opcode of PROFILE.  OPTS may be NULL.  Returns a
 * result to free with analyze_result_free, or NULL with errno EINVAL (no
 * profile, a bad q) or ENOMEM (memory ran out). */
struct analyze_result *analyze_profile(const struct isa_profile *profile,
                                       const struct analyze_options *opts);
void analyze_result_free(struct analyze_result *r);

/* The instruction breaks Theorem 1's (sensitive, not privileged) or
 * Theorem 3's (user sensitive, not privileged) hypothesis. */
bool analyze_breaks_theorem1(const struct analyze_insn *in);
bool analyze_breaks_theorem3(const struct analyze_insn *in);

/* Theorem 2 (section 7): a machine is recursively virtualizable if (a) it
 * is virtualizable and (b) a VMM without timing dependencies can be built
 * for it.  (a) is Theorem 1's verdict; (b) is not derived per profile: tgm's
 * control program keeps each VM's virtual time exact, so nothing it does
 * depends on timing, and nested runs of a control program under itself are
 * the evidence (docs/recursion.md).  The theorem is only sufficient: where
 * Theorem 1 fails, recursive virtualizability is not established, which is
 * not a proof of the contrary.  The verdict: "holds" or "not established". */
const char *analyze_theorem2_verdict(const struct analyze_result *r);
/* Why, in one line without a newline: the condition that holds or fails,
 * the offenders of Theorem 1 if any, and for a machine where Theorem 3 holds
 * instead, that a hybrid monitor can be built. */
void analyze_theorem2_reason(const struct analyze_result *r, char *buf, size_t len);

/* Re-run W's instruction on W's state(s) under PROFILE.  True if the same
 * difference appears (component, address and both values); *GOT (may be
 * NULL) receives what appeared, COMP_NONE if nothing did. */
bool analyze_witness_replay(const struct isa_profile *profile,
                            const struct analyze_witness *w,
                            struct analyze_diff *got);

/* Names for display. */
/* Class bits as words: "priv ctl-s", or "innocuous" for none. */
void analyze_class_text(unsigned cls, char *buf, size_t len);
const char *analyze_claim_name(enum analyze_claim c);   /* "ctl-s", ... */
const char *analyze_component_name(enum analyze_component c);
/* The class bit a claim proves (CLASS_PRIV for CLAIM_NOT_PRIV, disproves). */
unsigned analyze_claim_class(enum analyze_claim c);
/* "M: s -> u", "E|r[0]: i(S1) 0x20, i(S2) 0x100020", ... */
void analyze_diff_text(const struct analyze_diff *d, enum analyze_claim c,
                       char *buf, size_t len);
/* The instruction word as "LPSW 3", or ".word 0x..." if it is none. */
void analyze_insn_text(uint64_t word, char *buf, size_t len);
/* A witness as `tgm analyze` prints it: text (several lines) or one JSON
 * object, with x whenever it is nonzero (docs/theorems.md, "Witnesses"). */
void analyze_witness_text(FILE *f, const struct analyze_witness *w);
void analyze_witness_json(FILE *f, const struct analyze_witness *w);
/* S as a JSON string, quoted and escaped. */
void analyze_json_str(FILE *f, const char *s);

/* ---- Counterexamples: witnesses made into guest programs ---------------
 *
 * For each instruction that breaks Theorem 1's hypothesis (sensitive, not
 * privileged), one short guest program built from its witness: a user-mode
 * witness when the instruction is user sensitive, a supervisor-mode one
 * otherwise.  The witness's machine of q words is placed at guest address q
 * in a guest of 2q words, so its R = (l, b) becomes (q + l, b) and E | r, M,
 * P and the bound checks are the witness's; the guest starts in that state
 * (its entry PSW; a prologue only for a timer).  The program is run bare,
 * under the VMM (sections 4 to 6) and under the hybrid VMM (section 8), and
 * f(S2) is compared with S2' as vmm_check does.  See docs/theorems.md. */

#define COUNTER_MAX_STEPS 10000u /* steps allowed per run of a program */

enum counter_monitor {
    COUNTER_VMM,    /* the control program of sections 4 to 6 */
    COUNTER_HYBRID, /* the hybrid monitor of section 8 */
    COUNTER_MONITORS
};

struct counter_outcome {
    bool equivalent; /* the VM halted in f(S2) */
    char diff[256];  /* vmm_check's alone_diff: "" or the first difference */
};

struct counterexample {
    uint8_t op;                 /* the instruction under test */
    struct analyze_witness wit; /* the witness the program was built from */
    bool breaks_theorem3;       /* user sensitive too */
    uint32_t w;                 /* words of guest memory: 2q */
    uint32_t shift;             /* witness E[i] is guest E[shift + i]; shift = q */
    uint32_t at;                /* guest address of the instruction under test */
    bool observer;              /* a HALT sits at the P the instruction leaves */
    char *source;               /* the program as commented assembly source */
    struct tgm_image img;       /* SOURCE assembled: the program that is run */
    bool has_input;             /* the witness has a console byte waiting */
    uint8_t input;
    bool ran;                   /* counter_run filled in what follows */
    bool bare_halted;
    uint64_t bare_instret;      /* instructions the bare machine completed */
    struct counter_outcome mon[COUNTER_MONITORS];
};

struct counter_report {
    const struct isa_profile *profile;
    bool theorem1, theorem3;   /* the analyzer's verdicts (the predictions) */
    size_t n;                  /* one counterexample per Theorem 1 offender */
    struct counterexample *cx; /* in opcode order */
};

/* The claim whose witness a counterexample for IN is built from:
 * ctl-u or loc-u if IN is user sensitive, else ctl-s, loc-s or mode (the
 * first found, in that order); CLAIM_COUNT if IN has no such witness. */
enum analyze_claim counter_pick_claim(const struct analyze_insn *in);

/* Build the program for witness W of PROFILE into CX (zeroed first); the
 * source is assembled and checked to hold the witness's cells.  0, or -1
 * with ERR.  Free with counter_free. */
int counter_build(const struct isa_profile *profile, const struct analyze_witness *w,
                  struct counterexample *cx, char *err, size_t errlen);
/* Run CX's program under both monitors (vmm_check, alone, at most
 * COUNTER_MAX_STEPS steps) and fill in the outcomes.  0, or -1 with ERR. */
int counter_run(const struct isa_profile *profile, struct counterexample *cx,
                char *err, size_t errlen);
void counter_free(struct counterexample *cx);

/* Analyze PROFILE (OPTS may be NULL), build and run every counterexample.
 * NULL with ERR on failure; free with counter_report_free. */
struct counter_report *counter_profile(const struct isa_profile *profile,
                                       const struct analyze_options *opts,
                                       char *err, size_t errlen);
void counter_report_free(struct counter_report *r);

/* How many counterexamples differ under monitor M; whether every program
 * halted on the bare machine; and whether the outcomes are the theorems'
 * predictions: the VMM fails iff Theorem 1 fails, the hybrid VMM iff
 * Theorem 3 does, and every program halts bare. */
size_t counter_differ_count(const struct counter_report *r, enum counter_monitor m);
bool counter_all_halted(const struct counter_report *r);
bool counter_as_predicted(const struct counter_report *r);
/* "VMM", "hybrid VMM"; "unknown" for any other value, as the other name
 * functions answer */
const char *counter_monitor_name(enum counter_monitor m);

/* The report as text: verdicts, each program's source (indented by four
 * spaces between "  program" and "  bare machine" lines) and outcomes. */
void counter_report_text(FILE *f, const struct counter_report *r);

#endif
