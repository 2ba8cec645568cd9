/* isa.h: instruction words, the PSW word, and the one instruction table.
 *
 * Realises the state of section 2 (the PSW <M, P, R> in one storage word, as
 * the paper assumes) and the instruction classes of sections 3 and 8.  The
 * table itself lives in insns.def; everything here is derived from it.
 */
#ifndef TGM_ISA_H
#define TGM_ISA_H

#include <stdbool.h>
#include <stdint.h>

/* Every address (P, l, operand fields, computed addresses) is 19 bits wide, so
 * a machine has at most 2^19 words; b is a size and needs one bit more. */
#define TGM_ADDR_BITS 19
#define TGM_ADDR_MASK ((1u << TGM_ADDR_BITS) - 1)
#define TGM_Q_MAX     (1u << TGM_ADDR_BITS)
#define TGM_Q_MIN     2u /* E[0] and E[1] must exist */
#define TGM_Q_DEFAULT 65536u

/* Instruction word:
 *
 *   63      57 56            38 37            19 18             0
 *  +----------+----------------+----------------+----------------+
 *  |  op (7)  |     A (19)     |     B (19)     |     C (19)     |
 *  +----------+----------------+----------------+----------------+
 *                               \______ imm38 (signed B:C) _____/
 *
 * A field an instruction's format does not use must be zero; otherwise the
 * word is not an instruction (illegal-instruction trap, disassembled as data).
 */
#define ISA_OP_SHIFT 57
#define ISA_A_SHIFT  38
#define ISA_B_SHIFT  19
#define ISA_C_SHIFT  0
#define ISA_FIELD    ((uint64_t)TGM_ADDR_MASK)

#define GET_OP(w) ((unsigned)((w) >> ISA_OP_SHIFT))
#define GET_A(w)  ((uint32_t)(((w) >> ISA_A_SHIFT) & ISA_FIELD))
#define GET_B(w)  ((uint32_t)(((w) >> ISA_B_SHIFT) & ISA_FIELD))
#define GET_C(w)  ((uint32_t)((w) & ISA_FIELD))
/* imm: C as a signed 19-bit value; imm38: B:C as a signed 38-bit value. */
#define GET_IMM(w)   ((int64_t)((uint64_t)(w) << 45) >> 45)
#define GET_IMM38(w) ((int64_t)((uint64_t)(w) << 26) >> 26)

#define MAKE_INSN(op, a, b, c)                                       \
    (((uint64_t)(op) << ISA_OP_SHIFT) |                              \
     (((uint64_t)(a) & ISA_FIELD) << ISA_A_SHIFT) |                  \
     (((uint64_t)(b) & ISA_FIELD) << ISA_B_SHIFT) |                  \
     ((uint64_t)(c) & ISA_FIELD))
#define MAKE_INSN_L(op, a, imm38)                                    \
    (((uint64_t)(op) << ISA_OP_SHIFT) |                              \
     (((uint64_t)(a) & ISA_FIELD) << ISA_A_SHIFT) |                  \
     ((uint64_t)(imm38) & ((UINT64_C(1) << 38) - 1)))

#define ISA_IMM_MIN   (-(INT64_C(1) << 18))
#define ISA_IMM_MAX   ((INT64_C(1) << 18) - 1)
#define ISA_IMM38_MIN (-(INT64_C(1) << 37))
#define ISA_IMM38_MAX ((INT64_C(1) << 37) - 1)

/* PSW word (E[0], E[1], LPSW, SPSW):
 *
 *   63  62  61  58 57           39 38           20 19            0
 *  +---+---+------+---------------+---------------+---------------+
 *  | S | I |cause |    P (19)     |    l (19)     |    b (20)     |
 *  +---+---+------+---------------+---------------+---------------+
 *
 * S = 1 supervisor, 0 user (M).  I = 1 enables the timer trap.  cause is
 * written by a trap into the old PSW and ignored when a PSW is loaded.
 * R = (l, b): l the relocation, b the bound as a size (addresses 0..b-1).
 * LR/SR use the same positions for l and b with every other bit zero.
 */
#define PSW_S_BIT     63
#define PSW_I_BIT     62
#define PSW_CAUSE_SHIFT 58
#define PSW_P_SHIFT   39
#define PSW_L_SHIFT   20
#define PSW_B_BITS    20
#define PSW_B_MASK    ((UINT64_C(1) << PSW_B_BITS) - 1)

enum trap_cause {
    TRAP_NONE = 0,
    TRAP_PRIV = 1,  /* privileged instruction in user mode */
    TRAP_MEM = 2,   /* memory trap: address development failed */
    TRAP_SVC = 3,   /* supervisor call, in either mode */
    TRAP_ILL = 4,   /* word is not an instruction of this machine */
    TRAP_TIMER = 5, /* interval timer expired with interrupts enabled */
    TRAP_NCAUSES
};

struct psw {
    bool sup;      /* M: true = supervisor (s), false = user (u) */
    bool ie;       /* timer interrupts enabled */
    uint8_t cause; /* enum trap_cause; meaningful only in an old PSW */
    uint32_t p;    /* P, relative to R */
    uint32_t l;    /* relocation: absolute address of apparent address 0 */
    uint32_t b;    /* bound: size of the addressable region */
};

/* The R word of LR/SR: l and b in their PSW positions, all else zero. */
static inline uint64_t r_pack(uint32_t l, uint32_t b)
{
    return ((uint64_t)(l & TGM_ADDR_MASK) << PSW_L_SHIFT) | (b & PSW_B_MASK);
}

static inline uint64_t psw_pack(const struct psw *p)
{
    return ((uint64_t)p->sup << PSW_S_BIT) | ((uint64_t)p->ie << PSW_I_BIT) |
           ((uint64_t)(p->cause & 0xF) << PSW_CAUSE_SHIFT) |
           ((uint64_t)(p->p & TGM_ADDR_MASK) << PSW_P_SHIFT) | r_pack(p->l, p->b);
}

static inline struct psw psw_unpack(uint64_t w)
{
    struct psw p = {
        .sup = (w >> PSW_S_BIT) & 1,
        .ie = (w >> PSW_I_BIT) & 1,
        .cause = (uint8_t)((w >> PSW_CAUSE_SHIFT) & 0xF),
        .p = (uint32_t)(w >> PSW_P_SHIFT) & TGM_ADDR_MASK,
        .l = (uint32_t)(w >> PSW_L_SHIFT) & TGM_ADDR_MASK,
        .b = (uint32_t)(w & PSW_B_MASK),
    };
    return p;
}

/* Operand kinds of the three fields, and the formats built from them. */
enum operand_kind {
    OK_NONE,  /* field unused: must be zero */
    OK_ADDR,  /* data address, developed through R */
    OK_TGT,   /* code address: becomes P */
    OK_NUM,   /* unsigned 19-bit number, not developed (base, SVC code) */
    OK_IMM,   /* signed 19-bit immediate (C) */
    OK_IMM38, /* signed 38-bit immediate (B:C); the C kind is then OK_NONE */
};

enum insn_format {
    FMT_N,   /* -            */
    FMT_A,   /* a            */
    FMT_AB,  /* a, b         */
    FMT_ABC, /* a, b, c      */
    FMT_ABI, /* a, b, imm    */
    FMT_AL,  /* a, imm38     */
    FMT_T,   /* t            */
    FMT_AT,  /* a, t         */
    FMT_ABT, /* a, b, t      */
    FMT_K,   /* n            */
    FMT_ANA, /* a, n, c      */
    FMT_NAA, /* n, b, c      */
    FMT_NA,  /* n, b         */
    FMT_AN,  /* a, n         */
    FMT_COUNT
};

/* Declared classes (sections 3 and 8).  A sensitive instruction is control
 * sensitive (changes M or R, or, for the documented extensions, the timer,
 * the console or whether the processor runs) or behaviour sensitive
 * (location sensitive: result depends on l; mode sensitive: depends on M).
 * _S / _U say from which mode the sensitivity can be shown. */
enum insn_class {
    CLASS_PRIV = 1 << 0,
    CLASS_CTL_S = 1 << 1,
    CLASS_CTL_U = 1 << 2,
    CLASS_LOC_S = 1 << 3,
    CLASS_LOC_U = 1 << 4,
    CLASS_MODE = 1 << 5,
};
/* Section 8: user sensitive from a user state, supervisor sensitive from a
 * supervisor state (a mode pair's S1 is one); sensitive is either, so that
 * Theorem 1's test rests on both definitions. */
#define CLASS_USER_SENSITIVE (CLASS_CTL_U | CLASS_LOC_U)
#define CLASS_SUP_SENSITIVE (CLASS_CTL_S | CLASS_LOC_S | CLASS_MODE)
#define CLASS_SENSITIVE (CLASS_USER_SENSITIVE | CLASS_SUP_SENSITIVE)

enum opcode {
#define INSN(name, op, fmt, cls, cyc, syn) OP_##name = op,
#include "tgm/insns.def"
#undef INSN
};
#define ISA_NOPS 128 /* 7-bit opcode space */

/* Cycle costs as compile-time constants, for the CPU's cases. */
enum insn_cycles {
#define INSN(name, op, fmt, cls, cyc, syn) CYC_##name = cyc,
#include "tgm/insns.def"
#undef INSN
};

struct insn_info {
    const char *name;     /* mnemonic; NULL for an unassigned opcode */
    uint8_t op;
    uint8_t format;       /* enum insn_format */
    uint8_t cls;          /* enum insn_class bits, as declared */
    uint8_t cycles;       /* cost when it completes without trapping */
    const char *synopsis;
};

/* Indexed by opcode; unassigned entries have name == NULL. */
extern const struct insn_info isa_table[ISA_NOPS];
/* Operand kinds of each field of a format: kinds[fmt][0..2] = A, B, C. */
extern const uint8_t isa_format_kinds[FMT_COUNT][3];

/* The bits a format leaves unused, which must be zero in a valid word. */
uint64_t isa_mbz_mask(enum insn_format fmt);

/* Cost in cycles of the trap sequence (store old PSW, load new PSW).  An
 * instruction that traps costs this and nothing else. */
#define TGM_TRAP_CYCLES 4u

struct insn {
    uint8_t op;      /* opcode (valid only when ok) */
    bool ok;         /* a defined opcode with its unused fields zero */
    uint32_t a, b, c;
    int64_t imm;     /* imm (FMT_ABI) or imm38 (FMT_AL), else 0 */
    const struct insn_info *info;
};

/* The functions of expressions that build the words the privileged
 * instructions take (docs/asm.md): psw(m, p, l, b) a PSW with I = 0,
 * pswi(m, p, l, b) the same with I = 1, rb(l, b) an R word for LR.  The
 * assembler and the monitor evaluate them alike from this one table. */
struct isa_wordfn {
    const char *name;
    unsigned nargs;
    const char *args; /* "m, p, l, b": one letter each, for messages */
    uint64_t max[4];  /* each argument's largest value; the smallest is 0 */
};
#define ISA_WORDFN_NAMES "psw, pswi and rb"
/* The function named by the LEN bytes at NAME (any case), or NULL. */
const struct isa_wordfn *isa_wordfn_find(const char *name, size_t len);
/* The I-th function (0, 1, ...), or NULL past the last: the monitor's Tab
 * offers their names. */
const struct isa_wordfn *isa_wordfn_at(size_t i);
/* FN of its N arguments ARG: the word in *WORD and -1; or, when N is not
 * FN's count, N itself (INT_MAX when N is above INT_MAX) with why in ERR ("psw takes 4
 * arguments (m, p, l, b), got 3"); or, when an argument is out of range, its index with why in ERR
 * ("rb: b = 600000 is out of range 0..524288"). */
int isa_wordfn_apply(const struct isa_wordfn *fn, const uint64_t *arg, unsigned n,
                     uint64_t *word, char *err, size_t errlen);

/* Pure decode of one word; shared by the CPU's slow paths, the
 * disassembler, the VMM's interpreters and the analyzer. */
struct insn isa_decode(uint64_t word);
/* Mnemonic lookup, case-insensitive; NULL if unknown (MNEMONIC NULL too). */
const struct insn_info *isa_lookup(const char *mnemonic);

#endif
