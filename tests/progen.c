/* progen.c: the random guest program generator of section 6's
 * differential test (see progen.h).
 *
 * Guest memory map (PG_W words):
 *   0        old PSW (written by traps)
 *   1        new PSW: the handler, supervisor, R = (0, PG_W), I random
 *   2..15    handler variables
 *   16..127  data: small numbers, edge values, PSW and R words, addresses
 *   128..255 the handler
 *   256..    the main program
 */
#include <stdlib.h>
#include <string.h>

#include "progen.h"

enum {
    V_TRAPS = 2, V_MAX, V_LOGI, V_TMP, V_C58, V_C15, V_C5, V_ONEP, V_ONE,
    V_MASK, V_TVAL, V_FLIP, V_SBIT,
    DATA = 16, DATA_END = 112, LOG = 112, /* log ring: 112..127 */
    HANDLER = 128, MAIN = 256,
};

struct gen {
    uint64_t s;
    uint64_t *w;
    const struct isa_profile *prof;
};

static uint64_t rnd(struct gen *g)
{
    /* xorshift64*: small, fast and deterministic on every platform */
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * UINT64_C(2685821657736338717);
}

static uint32_t below(struct gen *g, uint32_t n)
{
    return (uint32_t)(rnd(g) % n);
}

static uint32_t data_addr(struct gen *g)
{
    return DATA + below(g, DATA_END - DATA);
}

/* An address that is usually inside the guest, sometimes at or past an edge. */
static uint32_t any_addr(struct gen *g)
{
    switch (below(g, 8)) {
    case 0: return PG_W - 1 - below(g, 2);
    case 1: return PG_W + below(g, 4);
    case 2: return below(g, 1u << 19);
    default: return data_addr(g);
    }
}

/* Fields drawn one statement at a time: initialiser order is unspecified. */
static uint64_t psw_word(struct gen *g)
{
    struct psw p = {0};
    p.sup = below(g, 3) == 0;
    p.ie = below(g, 2);
    p.p = MAIN + below(g, PG_W - MAIN);
    p.l = below(g, 4) ? 0 : below(g, 64);
    p.b = below(g, 4) ? PG_W : below(g, PG_W + 64);
    if (below(g, 8) == 0)
        p.p = any_addr(g);
    return psw_pack(&p);
}

static uint64_t data_value(struct gen *g)
{
    static const uint64_t edge[] = {0, 1, 2, 3, UINT64_MAX, (uint64_t)INT64_MIN, INT64_MAX,
                                    63, 64, 65, PG_W, PG_W - 1, 1u << 19};
    switch (below(g, 6)) {
    case 0: return edge[below(g, sizeof edge / sizeof edge[0])];
    case 1: return psw_word(g);
    case 2: {
        uint32_t l = below(g, 4) ? 0 : below(g, 80);
        uint32_t b = below(g, 2) ? PG_W : below(g, PG_W + 80);
        return r_pack(l, b);
    }
    case 3: return data_addr(g) - DATA; /* a small index into the data */
    default: return below(g, 100);
    }
}

/* The handler: count, log E[0], maybe stop, skip the trapping instruction
 * unless the timer trapped, maybe re-arm the timer, maybe flip the mode,
 * and resume with LPSW 0. */
static void handler(struct gen *g)
{
    uint64_t *w = g->w;
    uint32_t a = HANDLER;
    w[V_MAX] = 4 + below(g, 40);
    w[V_C58] = PSW_CAUSE_SHIFT;
    w[V_C15] = 15;
    w[V_C5] = TRAP_TIMER;
    w[V_ONEP] = UINT64_C(1) << PSW_P_SHIFT;
    w[V_ONE] = 1;
    w[V_MASK] = 15;
    w[V_TVAL] = below(g, 3) ? 0 : 20 + below(g, 200);
    w[V_FLIP] = below(g, 4) == 0;
    w[V_SBIT] = UINT64_C(1) << PSW_S_BIT;
    w[a++] = MAKE_INSN(OP_ADDI, V_TRAPS, V_TRAPS, 1);
    w[a] = MAKE_INSN(OP_BLT, V_TRAPS, V_MAX, a + 2);
    a++;
    w[a++] = MAKE_INSN(OP_HALT, 0, 0, 0);
    w[a++] = MAKE_INSN(OP_STX, LOG, V_LOGI, 0);
    w[a++] = MAKE_INSN(OP_ADDI, V_LOGI, V_LOGI, 1);
    w[a++] = MAKE_INSN(OP_AND, V_LOGI, V_LOGI, V_MASK);
    w[a++] = MAKE_INSN(OP_SHR, V_TMP, 0, V_C58);
    w[a++] = MAKE_INSN(OP_AND, V_TMP, V_TMP, V_C15);
    w[a] = MAKE_INSN(OP_BEQ, V_TMP, V_C5, a + 2);
    a++;
    w[a++] = MAKE_INSN(OP_ADD, 0, 0, V_ONEP);
    w[a] = MAKE_INSN(OP_BZ, V_FLIP, a + 2, 0);
    a++;
    w[a++] = MAKE_INSN(OP_XOR, 0, 0, V_SBIT);
    if (w[V_TVAL])
        w[a++] = MAKE_INSN(OP_TSET, V_TVAL, 0, 0);
    w[a++] = MAKE_INSN(OP_LPSW, 0, 0, 0);
}

/* Random operands are drawn into x, y, z in this order before the word is
 * built, so a seed gives the same program whatever the compiler (the order
 * in which function arguments are evaluated is unspecified). */
static void put(struct gen *g, uint32_t *a, uint64_t word)
{
    g->w[(*a)++] = word;
}

/* One random instruction, or a short idiom, at *a. */
static void emit(struct gen *g, uint32_t *a, uint32_t end)
{
    uint32_t k = below(g, 100), here = *a;
    uint32_t x = data_addr(g), y = data_addr(g), z = data_addr(g);
    uint32_t r = below(g, 1u << 16);
    if (k < 45) { /* innocuous arithmetic and data movement */
        static const uint8_t ops[] = {OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_DIVU, OP_MOD,
                                      OP_MODU, OP_AND, OP_OR, OP_XOR, OP_SHL, OP_SHR,
                                      OP_SAR, OP_SLT, OP_SLTU, OP_SEQ};
        put(g, a, MAKE_INSN(ops[r % sizeof ops], x, y, z));
    } else if (k < 52) {
        put(g, a, MAKE_INSN(OP_ADDI, x, y, (int)(r % 64) - 32));
    } else if (k < 56) {
        put(g, a, MAKE_INSN_L(OP_LI, x, (int64_t)(r % 2000) - 1000));
    } else if (k < 62) { /* table look-up and copy, sometimes out of bounds */
        uint32_t base = r & 1 ? DATA : any_addr(g);
        if (r & 2)
            put(g, a, MAKE_INSN(OP_LDX, x, base, y));
        else
            put(g, a, MAKE_INSN(OP_STX, DATA, x, y));
    } else if (k < 64) {
        put(g, a, MAKE_INSN(OP_MOV, r % 8 ? x : any_addr(g), y, 0));
    } else if (k < 70 && here + 4 < end) { /* a short counted loop */
        put(g, a, MAKE_INSN_L(OP_LI, x, 1 + r % 6));
        put(g, a, MAKE_INSN(OP_ADD, y, y, z));
        put(g, a, MAKE_INSN(OP_DJNZ, x, here + 1, 0));
    } else if (k < 74) { /* forward branches */
        static const uint8_t br[] = {OP_BEQ, OP_BNE, OP_BLT, OP_BGE, OP_BLTU, OP_BGEU};
        put(g, a, MAKE_INSN(br[r % sizeof br], x, y, here + 1 + r % 4));
    } else if (k < 76) {
        put(g, a, MAKE_INSN(r & 1 ? OP_BZ : OP_BNZ, x, here + 1 + r % 3, 0));
    } else if (k < 88) { /* privileged: interpreted in supervisor, trapped in user */
        static const uint8_t pr[] = {OP_SPSW, OP_SR, OP_TGET, OP_TSET, OP_COUT, OP_CIN,
                                     OP_LR, OP_LPSW, OP_TSET, OP_SPSW, OP_HALT};
        uint8_t op = pr[r % sizeof pr];
        uint32_t opnd = r % 10 ? x : any_addr(g);
        put(g, a, op == OP_HALT ? MAKE_INSN(op, 0, 0, 0) : MAKE_INSN(op, opnd, 0, 0));
    } else if (k < 91) {
        put(g, a, MAKE_INSN(OP_SVC, r % 8, 0, 0));
    } else if (k < 93) { /* words that are not instructions, and HCALL */
        static const uint64_t bad[] = {0, MAKE_INSN(OP_HCALL, 0, 0, 0),
                                       MAKE_INSN(OP_NOP, 1, 0, 0), MAKE_INSN(OP_MOV, 20, 21, 3),
                                       (uint64_t)0x7F << ISA_OP_SHIFT};
        put(g, a, bad[r % (sizeof bad / sizeof bad[0])]);
    } else if (k < 95) { /* jumps, sometimes out of bounds */
        put(g, a, MAKE_INSN(OP_JMP, r % 4 ? here + 1 + r % 4 : any_addr(g), 0, 0));
    } else if (k < 97) {
        put(g, a, MAKE_INSN(OP_JAL, x, here + 1, 0));
    } else { /* the profile's own additions, if it has any */
        static const uint8_t extra[] = {OP_JRSTU, OP_LRA, OP_MFPI};
        uint8_t op = extra[r % 3];
        if (!g->prof || g->prof->beh[op] == BEH_ABSENT)
            put(g, a, MAKE_INSN(OP_NOP, 0, 0, 0));
        else if (op == OP_JRSTU)
            put(g, a, MAKE_INSN(op, here + 1 + r % 3, 0, 0));
        else
            put(g, a, MAKE_INSN(op, x, op == OP_LRA ? r % 64 : y, 0));
    }
}

void pg_generate(uint64_t seed, const struct isa_profile *profile,
                 struct tgm_image *img)
{
    struct gen g = {seed * UINT64_C(0x9E3779B97F4A7C15) + 1, calloc(PG_W, sizeof(uint64_t)),
                    profile};
    if (!g.w)
        abort();
    for (int i = 0; i < 4; i++)
        rnd(&g);
    struct psw h = {.sup = true, .ie = below(&g, 2), .p = HANDLER, .l = 0, .b = PG_W};
    g.w[1] = psw_pack(&h);
    for (uint32_t i = DATA; i < DATA_END; i++)
        g.w[i] = data_value(&g);
    handler(&g);
    uint32_t end = MAIN + 64 + below(&g, PG_W - MAIN - 72);
    uint32_t a = MAIN;
    /* Usually start by arming the timer and going to user mode at once. */
    if (below(&g, 2)) {
        g.w[DATA] = 30 + below(&g, 300);
        g.w[a++] = MAKE_INSN(OP_TSET, DATA, 0, 0);
    }
    if (below(&g, 2)) {
        struct psw u = {.sup = false, .ie = true, .p = a + 1, .l = 0, .b = PG_W};
        g.w[DATA + 1] = psw_pack(&u);
        g.w[a++] = MAKE_INSN(OP_LPSW, DATA + 1, 0, 0);
    }
    while (a < end)
        emit(&g, &a, end);
    g.w[a++] = MAKE_INSN(OP_HALT, 0, 0, 0);
    struct psw e = {.sup = true, .ie = below(&g, 2), .p = MAIN, .l = 0, .b = PG_W};
    *img = (struct tgm_image){.load = 0, .nwords = PG_W, .entry_psw = psw_pack(&e),
                              .words = g.w};
}
