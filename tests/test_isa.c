/* test_isa.c: every instruction's semantics, driven from the one table.
 *
 * Section 2 says an instruction is a function i: C -> C; section 3 sorts
 * them by behaviour.  One vector per case gives the state before, the words
 * and P after, and the cost from isa_table; an opcode without a vector, or a
 * word with non-zero unused fields that does not trap, fails the suite.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* Every vector runs in a machine of Q words with R = (RL, RB), the
 * instruction at virtual PC0.  Cells are virtual addresses; 0 ends a list. */
#define Q 256u
#define RL 16u
#define RB 200u
#define PC0 0x20u
#define X 100u /* result cell */
#define Y 101u
#define Z 102u
#define T 0x50u /* branch target */
#define NOT_TAKEN (PC0 + 1)
#define NCELLS 4

#define W(op, a, b, c) MAKE_INSN(OP_##op, (a), (b), (c))
#define U64(v) ((uint64_t)(v))
#define I64MIN U64(INT64_MIN)
#define I64MAX U64(INT64_MAX)

enum vec_end { V_NEXT, V_HALT, V_HOST, V_TRAP };

struct cell {
    uint32_t addr;
    uint64_t val;
};

struct vec {
    const char *name;
    uint64_t word;
    struct cell init[NCELLS];
    struct cell want[NCELLS];
    uint32_t want_p;
    enum vec_end end;
    unsigned cause;      /* V_TRAP */
    uint32_t want_code;  /* V_HOST */
    uint64_t want_psw;   /* 0: same M, I, R as before, P = want_p */
    const char *profile; /* NULL: default */
    bool user, ie, hostcalls;
    void (*prep)(struct machine *m);
    void (*check)(struct machine *m);
};

static void prep_timer_77(struct machine *m)
{
    struct machine_timer t = {.armed = true, .remaining = 77};
    machine_set_timer(m, &t);
}

static void check_timer_tset_100(struct machine *m)
{
    struct machine_timer t = machine_get_timer(m);
    assert_true(t.armed);
    assert_false(t.pending);
    /* TSET counts its own cycles */
    assert_int_equal(t.remaining, 100 - isa_table[OP_TSET].cycles);
}

static void check_cout_A(struct machine *m)
{
    size_t n;
    const uint8_t *out = machine_console_output(m, &n);
    assert_int_equal(n, 1);
    assert_int_equal(out[0], 'A');
}

static void prep_input_hi(struct machine *m)
{
    assert_int_equal(machine_console_input(m, (const uint8_t *)"hi", 2), 0);
}

static void check_input_used_1(struct machine *m)
{
    assert_int_equal(machine_console_input_used(m), 1);
}

#define PSW_RL(sup, ie, p) TS_PSW((sup), (ie), 0, (p), RL, RB)

static const struct vec vecs[] = {
    {"NOP advances P", W(NOP, 0, 0, 0), .want_p = PC0 + 1},
    {"HALT stops with P + 1", W(HALT, 0, 0, 0), .want_p = PC0 + 1, .end = V_HALT},
    {"MOV copies", W(MOV, X, Y, 0), {{Y, 0x123456789abcdef0}}, {{X, 0x123456789abcdef0}}, .want_p = PC0 + 1},
    {"LI sign-extends a negative imm38", MAKE_INSN_L(OP_LI, X, -5), {{X, 7}}, {{X, U64(-5)}}, .want_p = PC0 + 1},
    {"LI largest imm38", MAKE_INSN_L(OP_LI, X, ISA_IMM38_MAX), {{0}}, {{X, (U64(1) << 37) - 1}}, .want_p = PC0 + 1},
    {"LI smallest imm38", MAKE_INSN_L(OP_LI, X, ISA_IMM38_MIN), {{0}}, {{X, U64(-(INT64_C(1) << 37))}}, .want_p = PC0 + 1},
    {"LDX index wraps mod 2^19", W(LDX, X, 0x7FFFF, Z), {{Z, 6}, {5, 0xAA}}, {{X, 0xAA}}, .want_p = PC0 + 1},
    {"LDX negative index wraps", W(LDX, X, 50, Z), {{Z, U64(-1)}, {49, 0xBB}}, {{X, 0xBB}}, .want_p = PC0 + 1},
    {"STX index wraps mod 2^19", W(STX, 0x7FFFF, Y, Z), {{Y, 6}, {Z, 0xCC}}, {{5, 0xCC}}, .want_p = PC0 + 1},
    {"STX negative index wraps", W(STX, 50, Y, Z), {{Y, U64(-1)}, {Z, 0xDD}}, {{49, 0xDD}}, .want_p = PC0 + 1},
    {"ADD", W(ADD, X, Y, Z), {{Y, 2}, {Z, 3}}, {{X, 5}}, .want_p = PC0 + 1},
    {"ADD overflow wraps", W(ADD, X, Y, Z), {{Y, I64MAX}, {Z, 1}}, {{X, I64MIN}}, .want_p = PC0 + 1},
    {"SUB below zero wraps", W(SUB, X, Y, Z), {{Y, 0}, {Z, 1}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"SUB INT64_MIN - 1", W(SUB, X, Y, Z), {{Y, I64MIN}, {Z, 1}}, {{X, I64MAX}}, .want_p = PC0 + 1},
    {"MUL keeps the low 64 bits", W(MUL, X, Y, Z), {{Y, U64(1) << 32}, {Z, U64(1) << 32}, {X, 9}}, {{X, 0}}, .want_p = PC0 + 1},
    {"MUL signed operands", W(MUL, X, Y, Z), {{Y, U64(-3)}, {Z, 5}}, {{X, U64(-15)}}, .want_p = PC0 + 1},
    {"MUL 32x32 full", W(MUL, X, Y, Z), {{Y, 0xFFFFFFFF}, {Z, 0xFFFFFFFF}}, {{X, 0xFFFFFFFE00000001}}, .want_p = PC0 + 1},
    {"DIV truncates toward zero", W(DIV, X, Y, Z), {{Y, 7}, {Z, U64(-2)}}, {{X, U64(-3)}}, .want_p = PC0 + 1},
    {"DIV negative dividend", W(DIV, X, Y, Z), {{Y, U64(-7)}, {Z, 2}}, {{X, U64(-3)}}, .want_p = PC0 + 1},
    {"DIV by zero gives -1", W(DIV, X, Y, Z), {{Y, 7}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"DIV INT64_MIN / -1 wraps", W(DIV, X, Y, Z), {{Y, I64MIN}, {Z, U64(-1)}}, {{X, I64MIN}}, .want_p = PC0 + 1},
    {"DIVU is unsigned", W(DIVU, X, Y, Z), {{Y, UINT64_MAX}, {Z, 2}}, {{X, I64MAX}}, .want_p = PC0 + 1},
    {"DIVU by zero gives 2^64-1", W(DIVU, X, Y, Z), {{Y, 5}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"MOD takes the dividend's sign", W(MOD, X, Y, Z), {{Y, U64(-7)}, {Z, 2}}, {{X, U64(-1)}}, .want_p = PC0 + 1},
    {"MOD negative divisor", W(MOD, X, Y, Z), {{Y, 7}, {Z, U64(-2)}}, {{X, 1}}, .want_p = PC0 + 1},
    {"MOD by zero gives E[b]", W(MOD, X, Y, Z), {{Y, U64(-9)}}, {{X, U64(-9)}}, .want_p = PC0 + 1},
    {"MOD INT64_MIN rem -1 is 0", W(MOD, X, Y, Z), {{Y, I64MIN}, {Z, U64(-1)}, {X, 3}}, {{X, 0}}, .want_p = PC0 + 1},
    {"MODU is unsigned", W(MODU, X, Y, Z), {{Y, UINT64_MAX}, {Z, 10}}, {{X, 5}}, .want_p = PC0 + 1},
    {"MODU by zero gives E[b]", W(MODU, X, Y, Z), {{Y, 9}}, {{X, 9}}, .want_p = PC0 + 1},
    {"AND", W(AND, X, Y, Z), {{Y, 0xF0F0}, {Z, 0xFF00}}, {{X, 0xF000}}, .want_p = PC0 + 1},
    {"OR", W(OR, X, Y, Z), {{Y, 0xF0F0}, {Z, 0xFF00}}, {{X, 0xFFF0}}, .want_p = PC0 + 1},
    {"XOR", W(XOR, X, Y, Z), {{Y, 0xF0F0}, {Z, 0xFF00}}, {{X, 0x0FF0}}, .want_p = PC0 + 1},
    {"SHL by 63", W(SHL, X, Y, Z), {{Y, 1}, {Z, 63}}, {{X, I64MIN}}, .want_p = PC0 + 1},
    {"SHL by 64 is by 0", W(SHL, X, Y, Z), {{Y, 3}, {Z, 64}}, {{X, 3}}, .want_p = PC0 + 1},
    {"SHL by 65 is by 1", W(SHL, X, Y, Z), {{Y, 3}, {Z, 65}}, {{X, 6}}, .want_p = PC0 + 1},
    {"SHR is logical", W(SHR, X, Y, Z), {{Y, U64(-8)}, {Z, 1}}, {{X, 0x7FFFFFFFFFFFFFFC}}, .want_p = PC0 + 1},
    {"SHR by -1 is by 63", W(SHR, X, Y, Z), {{Y, U64(-8)}, {Z, U64(-1)}}, {{X, 1}}, .want_p = PC0 + 1},
    {"SHR by 64 is by 0", W(SHR, X, Y, Z), {{Y, I64MIN}, {Z, 64}}, {{X, I64MIN}}, .want_p = PC0 + 1},
    {"SAR is arithmetic", W(SAR, X, Y, Z), {{Y, U64(-8)}, {Z, 1}}, {{X, U64(-4)}}, .want_p = PC0 + 1},
    {"SAR by -1 is by 63", W(SAR, X, Y, Z), {{Y, U64(-8)}, {Z, U64(-1)}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"SAR of a positive word", W(SAR, X, Y, Z), {{Y, U64(1) << 62}, {Z, 62 + 128}}, {{X, 1}}, .want_p = PC0 + 1},
    {"ADDI negative imm", W(ADDI, X, Y, -11), {{Y, 10}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"ADDI largest imm", W(ADDI, X, Y, ISA_IMM_MAX), {{0}}, {{X, 262143}}, .want_p = PC0 + 1},
    {"ADDI smallest imm", W(ADDI, X, Y, ISA_IMM_MIN), {{0}}, {{X, U64(-262144)}}, .want_p = PC0 + 1},
    {"SLT signed true", W(SLT, X, Y, Z), {{Y, U64(-1)}, {Z, 1}}, {{X, 1}}, .want_p = PC0 + 1},
    {"SLT signed false", W(SLT, X, Y, Z), {{Y, 1}, {Z, U64(-1)}, {X, 9}}, {{X, 0}}, .want_p = PC0 + 1},
    {"SLT equal is false", W(SLT, X, Y, Z), {{Y, 5}, {Z, 5}, {X, 9}}, {{X, 0}}, .want_p = PC0 + 1},
    {"SLTU unsigned false", W(SLTU, X, Y, Z), {{Y, U64(-1)}, {Z, 1}, {X, 9}}, {{X, 0}}, .want_p = PC0 + 1},
    {"SLTU unsigned true", W(SLTU, X, Y, Z), {{Y, 1}, {Z, U64(-1)}}, {{X, 1}}, .want_p = PC0 + 1},
    {"SEQ equal", W(SEQ, X, Y, Z), {{Y, 5}, {Z, 5}}, {{X, 1}}, .want_p = PC0 + 1},
    {"SEQ different", W(SEQ, X, Y, Z), {{Y, 5}, {Z, 6}, {X, 9}}, {{X, 0}}, .want_p = PC0 + 1},
    {"JMP", W(JMP, T, 0, 0), .want_p = T},
    {"JMPI takes E[a] mod 2^19", W(JMPI, X, 0, 0), {{X, U64(1) << 40 | 0x45}}, {{0}}, .want_p = 0x45},
    {"JMPX table wraps mod 2^19", W(JMPX, 0x7FFFF, Y, 0), {{Y, 6}, {5, U64(3) << 19 | 0x46}}, {{0}}, .want_p = 0x46},
    {"JAL links P + 1", W(JAL, X, T, 0), {{0}}, {{X, PC0 + 1}}, .want_p = T},
    {"BEQ taken", W(BEQ, Y, Z, T), {{Y, 5}, {Z, 5}}, {{0}}, .want_p = T},
    {"BEQ not taken", W(BEQ, Y, Z, T), {{Y, 5}, {Z, 6}}, {{0}}, .want_p = NOT_TAKEN},
    {"BNE taken", W(BNE, Y, Z, T), {{Y, 5}, {Z, 6}}, {{0}}, .want_p = T},
    {"BNE not taken", W(BNE, Y, Z, T), {{Y, 5}, {Z, 5}}, {{0}}, .want_p = NOT_TAKEN},
    {"BLT signed taken", W(BLT, Y, Z, T), {{Y, U64(-1)}, {Z, 1}}, {{0}}, .want_p = T},
    {"BLT signed not taken", W(BLT, Y, Z, T), {{Y, 1}, {Z, U64(-1)}}, {{0}}, .want_p = NOT_TAKEN},
    {"BGE equal taken", W(BGE, Y, Z, T), {{Y, 5}, {Z, 5}}, {{0}}, .want_p = T},
    {"BGE signed not taken", W(BGE, Y, Z, T), {{Y, U64(-1)}, {Z, 1}}, {{0}}, .want_p = NOT_TAKEN},
    {"BLTU unsigned taken", W(BLTU, Y, Z, T), {{Y, 1}, {Z, U64(-1)}}, {{0}}, .want_p = T},
    {"BLTU unsigned not taken", W(BLTU, Y, Z, T), {{Y, U64(-1)}, {Z, 1}}, {{0}}, .want_p = NOT_TAKEN},
    {"BGEU unsigned taken", W(BGEU, Y, Z, T), {{Y, U64(-1)}, {Z, 1}}, {{0}}, .want_p = T},
    {"BGEU unsigned not taken", W(BGEU, Y, Z, T), {{Y, 1}, {Z, U64(-1)}}, {{0}}, .want_p = NOT_TAKEN},
    {"BZ taken", W(BZ, Y, T, 0), {{0}}, {{0}}, .want_p = T},
    {"BZ not taken on the sign bit", W(BZ, Y, T, 0), {{Y, I64MIN}}, {{0}}, .want_p = NOT_TAKEN},
    {"BNZ taken on the sign bit", W(BNZ, Y, T, 0), {{Y, I64MIN}}, {{0}}, .want_p = T},
    {"BNZ not taken", W(BNZ, Y, T, 0), {{0}}, {{0}}, .want_p = NOT_TAKEN},
    {"DJNZ from 5 jumps", W(DJNZ, X, T, 0), {{X, 5}}, {{X, 4}}, .want_p = T},
    {"DJNZ from 1 falls through", W(DJNZ, X, T, 0), {{X, 1}}, {{X, 0}}, .want_p = NOT_TAKEN},
    {"DJNZ from 0 wraps and jumps", W(DJNZ, X, T, 0), {{0}}, {{X, UINT64_MAX}}, .want_p = T},
    {"SVC traps in supervisor mode", W(SVC, 7, 0, 0), .end = V_TRAP, .cause = TRAP_SVC},
    {"SVC traps in user mode", W(SVC, 7, 0, 0), .end = V_TRAP, .cause = TRAP_SVC, .user = true},
    {"LPSW loads M, I, P, R, ignoring cause", W(LPSW, X, 0, 0),
     {{X, TS_PSW(false, true, 3, 0x30, 8, 100)}}, {{0}}, .want_p = 0x30,
     .want_psw = TS_PSW(false, true, 0, 0x30, 8, 100)},
    {"SPSW stores the PSW with P + 1", W(SPSW, X, 0, 0), {{0}},
     {{X, TS_PSW(true, true, 0, PC0 + 1, RL, RB)}}, .want_p = PC0 + 1, .ie = true},
    {"LR loads only l and b", W(LR, X, 0, 0),
     {{X, TS_PSW(false, true, 5, 0x1234, 24, 150)}}, {{0}}, .want_p = PC0 + 1,
     .want_psw = TS_PSW(true, false, 0, PC0 + 1, 24, 150)},
    {"SR stores only l and b", W(SR, X, 0, 0), {{X, UINT64_MAX}},
     {{X, U64(RL) << 20 | RB}}, .want_p = PC0 + 1},
    {"TSET arms the timer", W(TSET, X, 0, 0), {{X, 100}}, {{0}}, .want_p = PC0 + 1,
     .check = check_timer_tset_100},
    {"TGET reads the cycles left", W(TGET, X, 0, 0), {{0}}, {{X, 77}}, .want_p = PC0 + 1,
     .prep = prep_timer_77},
    {"COUT writes E[a] mod 256", W(COUT, X, 0, 0), {{X, 0x141}}, {{0}}, .want_p = PC0 + 1,
     .check = check_cout_A},
    {"CIN reads the next byte", W(CIN, X, 0, 0), {{0}}, {{X, 'h'}}, .want_p = PC0 + 1,
     .prep = prep_input_hi, .check = check_input_used_1},
    {"CIN without input gives -1", W(CIN, X, 0, 0), {{0}}, {{X, UINT64_MAX}}, .want_p = PC0 + 1},
    {"HCALL exits to the host", W(HCALL, 42, 0, 0), .want_p = PC0 + 1, .end = V_HOST,
     .want_code = 42, .hostcalls = true},
    {"JRSTU enters user mode", W(JRSTU, T, 0, 0), .want_p = T,
     .want_psw = PSW_RL(false, false, T), .profile = "pdp10"},
    {"JRSTU in user mode", W(JRSTU, T, 0, 0), .want_p = T, .profile = "pdp10", .user = true},
    {"LRA adds l", W(LRA, X, 0x123, 0), {{0}}, {{X, 0x123 + RL}}, .want_p = PC0 + 1, .profile = "s360-67"},
    {"LRA in user mode (hypothetical profile)", W(LRA, X, 0x7FFFF, 0), {{0}}, {{X, 0x7FFFF + RL}},
     .want_p = PC0 + 1, .profile = "s360-67-lra-user", .user = true},
    {"MFPI supervisor: E[E[b] mod 2^19]", W(MFPI, X, Y, 0),
     {{Y, U64(1) << 19 | 7}, {7, 0xDD}}, {{X, 0xDD}}, .want_p = PC0 + 1, .profile = "pdp11-45"},
    {"MFPI user: E[b]", W(MFPI, X, Y, 0), {{Y, 7}, {7, 0xDD}}, {{X, 7}}, .want_p = PC0 + 1,
     .profile = "pdp11-45", .user = true},
};
#define NVECS (sizeof vecs / sizeof vecs[0])

/* Fixture: one machine per (profile, hostcalls), made on demand. */
#define NPROF 8
struct fx {
    struct machine *m[NPROF][2];
};

static int fx_setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    *state = f;
    return f ? 0 : -1;
}

static int fx_teardown(void **state)
{
    struct fx *f = *state;
    for (int i = 0; i < NPROF; i++)
        for (int h = 0; h < 2; h++)
            machine_destroy(f->m[i][h]);
    free(f);
    return 0;
}

/* A reset machine of Q words under PROFILE. */
static struct machine *fx_machine(void **state, const char *profile, bool hc)
{
    struct fx *f = *state;
    const struct isa_profile *p =
        profile ? isa_profile_find(profile) : isa_profile_default();
    assert_non_null(p);
    int i = 0;
    while (isa_profiles()[i] != p)
        i++;
    assert_true(i < NPROF);
    if (!f->m[i][hc])
        f->m[i][hc] = ts_machine(Q, p->name, hc);
    machine_reset(f->m[i][hc]);
    return f->m[i][hc];
}

static size_t ncells(const struct cell *c)
{
    size_t n = 0;
    while (n < NCELLS && c[n].addr)
        n++;
    return n;
}

static void run_vec(void **state, const struct vec *v)
{
    struct machine *m = fx_machine(state, v->profile, v->hostcalls);
    const uint64_t e1 = ts_psw(true, false, 0xF, 0x77, 0, Q);
    ts_poke(m, 1, e1);
    ts_poke(m, RL + PC0, v->word);
    for (size_t i = 0; i < ncells(v->init); i++)
        ts_poke(m, RL + v->init[i].addr, v->init[i].val);
    uint64_t before = ts_psw(!v->user, v->ie, 0, PC0, RL, RB);
    machine_set_psw(m, before);
    if (v->prep)
        v->prep(m);
    uint64_t *snap = ts_snapshot(m);

    struct machine_exit ex;
    static const enum exit_reason ends[] = {EXIT_BUDGET, EXIT_HALT, EXIT_HOST, EXIT_BUDGET};
    assert_int_equal(machine_step(m, &ex), ends[v->end]);
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.steps, 1);

    uint32_t except[NCELLS + 1];
    size_t n = ncells(v->want);
    for (size_t i = 0; i < n; i++) {
        except[i] = RL + v->want[i].addr;
        assert_int_equal(ts_peek(m, except[i]), v->want[i].val);
    }
    if (v->end == V_TRAP) {
        /* the trap of section 2: E[0] := old PSW, PSW := E[1] */
        except[n++] = 0;
        assert_int_equal(ts_peek(m, 0), ts_psw(!v->user, v->ie, v->cause, PC0, RL, RB));
        assert_int_equal(machine_get_psw(m), ts_psw(true, false, 0, 0x77, 0, Q));
        assert_int_equal(c.cycles, TGM_TRAP_CYCLES);
        assert_int_equal(c.instret, 0);
        assert_int_equal(c.traps[v->cause], 1);
    } else {
        uint64_t want = v->want_psw ? v->want_psw
                                    : ts_psw(!v->user, v->ie, 0, v->want_p, RL, RB);
        assert_int_equal(machine_get_psw(m), want);
        assert_int_equal(c.cycles, isa_table[GET_OP(v->word)].cycles);
        assert_int_equal(c.instret, 1);
        for (unsigned k = 0; k < TRAP_NCAUSES; k++)
            assert_int_equal(c.traps[k], 0);
    }
    if (v->end == V_HOST)
        assert_int_equal(ex.code, v->want_code);
    ts_assert_mem_except(m, snap, except, n);
    free(snap);
    if (v->check)
        v->check(m);
}

static void vectors__each_case_gives_its_result_p_and_cycles(void **state)
{
    for (size_t i = 0; i < NVECS; i++) {
        print_message("  %-5s %s\n", isa_table[GET_OP(vecs[i].word)].name, vecs[i].name);
        run_vec(state, &vecs[i]);
    }
}

/* The table-driven rule: a defined opcode with no vector fails. */
static void vectors__every_defined_opcode_has_one(void **state)
{
    (void)state;
    int missing = 0;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (!isa_table[op].name)
            continue;
        bool found = false;
        for (size_t i = 0; i < NVECS && !found; i++)
            found = GET_OP(vecs[i].word) == op;
        if (!found) {
            print_error("no vector for %s (0x%02x)\n", isa_table[op].name, op);
            missing++;
        }
    }
    assert_int_equal(missing, 0);
}

/* Every vector's opcode is an instruction of the profile it names, and its
 * word decodes as valid with the fields it was built from. */
static void vectors__words_decode_and_exist_in_their_profile(void **state)
{
    (void)state;
    for (size_t i = 0; i < NVECS; i++) {
        const struct vec *v = &vecs[i];
        const struct isa_profile *p =
            v->profile ? isa_profile_find(v->profile) : isa_profile_default();
        assert_non_null(p);
        unsigned op = GET_OP(v->word);
        assert_int_not_equal(p->beh[op], BEH_ABSENT);
        struct insn d = isa_decode(v->word);
        assert_true(d.ok);
        assert_int_equal(d.op, op);
        assert_ptr_equal(d.info, &isa_table[op]);
        assert_int_equal(d.a, GET_A(v->word));
    }
}

/* Run WORD at PC0 in MODE and require an illegal-instruction trap with
 * nothing else changed. */
static void expect_illegal(void **state, const char *profile, bool hc,
                           bool user, uint64_t word)
{
    struct machine *m = fx_machine(state, profile, hc);
    ts_poke(m, 1, ts_psw(true, false, 0, 0x77, 0, Q));
    ts_poke(m, RL + PC0, word);
    ts_poke(m, RL + 3, 1); /* a valid DJNZ counter, COUT byte, ... */
    machine_set_psw(m, ts_psw(!user, false, 0, PC0, RL, RB));
    uint64_t *snap = ts_snapshot(m);
    ts_step_expect(m, EXIT_BUDGET);
    uint32_t e0 = 0;
    ts_assert_mem_except(m, snap, &e0, 1);
    free(snap);
    assert_int_equal(ts_peek(m, 0), ts_psw(!user, false, TRAP_ILL, PC0, RL, RB));
    assert_int_equal(machine_get_counters(m).traps[TRAP_ILL], 1);
    size_t nout;
    machine_console_output(m, &nout);
    assert_int_equal(nout, 0);
}

static const unsigned field_shift[3] = {ISA_A_SHIFT, ISA_B_SHIFT, ISA_C_SHIFT};
static const uint64_t field_mask[3] = {ISA_FIELD << ISA_A_SHIFT, ISA_FIELD << ISA_B_SHIFT,
                                       ISA_FIELD << ISA_C_SHIFT};

static void illegal__nonzero_unused_field_traps_for_every_format(void **state)
{
    int formats_seen[FMT_COUNT] = {0};
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        const struct insn_info *in = &isa_table[op];
        if (!in->name)
            continue;
        const uint8_t *k = isa_format_kinds[in->format];
        /* the other fields name address 3, valid under (RL, RB) */
        uint64_t base = (uint64_t)op << ISA_OP_SHIFT;
        for (int f = 0; f < 3; f++)
            if (k[f] != OK_NONE)
                base |= UINT64_C(3) << field_shift[f];
        for (int f = 0; f < 3; f++) {
            if (k[f] != OK_NONE || (f == 2 && k[1] == OK_IMM38))
                continue;
            formats_seen[in->format]++;
            const uint32_t bad[] = {1, 1u << 18, TGM_ADDR_MASK};
            for (size_t i = 0; i < 3; i++) {
                uint64_t word = base | (uint64_t)bad[i] << field_shift[f];
                assert_false(isa_decode(word).ok);
                for (int user = 0; user < 2; user++)
                    expect_illegal(state, ts_profile_for(op), true, user, word);
            }
        }
    }
    /* the formats that have unused fields were all reached */
    const enum insn_format with_unused[] = {FMT_N, FMT_A, FMT_AB, FMT_T, FMT_AT,
                                            FMT_K, FMT_NA, FMT_AN};
    for (size_t i = 0; i < sizeof with_unused / sizeof with_unused[0]; i++)
        assert_true(formats_seen[with_unused[i]] > 0);
}

static void illegal__every_unassigned_opcode_traps(void **state)
{
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (isa_table[op].name)
            continue;
        for (int user = 0; user < 2; user++)
            expect_illegal(state, NULL, true, user, MAKE_INSN(op, 3, 3, 3));
    }
}

/* The mbz mask is exactly the fields the format leaves unused. */
static void isa__mbz_mask_is_the_unused_fields(void **state)
{
    (void)state;
    for (int fmt = 0; fmt < FMT_COUNT; fmt++) {
        const uint8_t *k = isa_format_kinds[fmt];
        uint64_t want = 0;
        for (int f = 0; f < 3; f++)
            if (k[f] == OK_NONE && !(f == 2 && k[1] == OK_IMM38))
                want |= field_mask[f];
        assert_int_equal(isa_mbz_mask(fmt), want);
    }
}

static void isa__psw_pack_matches_the_drawn_layout(void **state)
{
    (void)state;
    const struct psw cases[] = {
        {true, false, 0, 0, 0, 0},
        {false, true, TRAP_TIMER, 0x7FFFF, 0x7FFFF, 0xFFFFF},
        {true, true, 0xF, 0x12345, 0x54321, 0x80000},
        {false, false, TRAP_MEM, 1, 2, 3},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct psw *p = &cases[i];
        uint64_t w = ts_psw(p->sup, p->ie, p->cause, p->p, p->l, p->b);
        assert_int_equal(psw_pack(p), w);
        struct psw u = psw_unpack(w);
        assert_int_equal(u.sup, p->sup);
        assert_int_equal(u.ie, p->ie);
        assert_int_equal(u.cause, p->cause);
        assert_int_equal(u.p, p->p);
        assert_int_equal(u.l, p->l);
        assert_int_equal(u.b, p->b);
        assert_int_equal(r_pack(p->l, p->b), ts_psw(false, false, 0, 0, p->l, p->b));
    }
}

static void isa__decode_sign_extends_immediates(void **state)
{
    (void)state;
    struct insn d = isa_decode(MAKE_INSN(OP_ADDI, 1, 2, -1));
    assert_true(d.ok);
    assert_int_equal(d.imm, -1);
    d = isa_decode(MAKE_INSN(OP_ADDI, 1, 2, ISA_IMM_MIN));
    assert_int_equal(d.imm, ISA_IMM_MIN);
    d = isa_decode(MAKE_INSN_L(OP_LI, 9, ISA_IMM38_MIN));
    assert_true(d.ok);
    assert_int_equal(d.a, 9);
    assert_int_equal(d.imm, ISA_IMM38_MIN);
    d = isa_decode(MAKE_INSN_L(OP_LI, 9, ISA_IMM38_MAX));
    assert_int_equal(d.imm, ISA_IMM38_MAX);
    assert_false(isa_decode(0).ok);
}

static void isa__lookup_ignores_case(void **state)
{
    (void)state;
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        if (!isa_table[op].name)
            continue;
        char lower[16];
        size_t n = strlen(isa_table[op].name);
        assert_true(n < sizeof lower);
        for (size_t i = 0; i <= n && i < sizeof lower; i++) /* gcc -O3 sees no bound in assert_true */
            lower[i] = (char)(isa_table[op].name[i] | (isa_table[op].name[i] ? 0x20 : 0));
        assert_ptr_equal(isa_lookup(lower), &isa_table[op]);
        assert_ptr_equal(isa_lookup(isa_table[op].name), &isa_table[op]);
        assert_int_equal(isa_table[op].op, op);
    }
    assert_null(isa_lookup("LPWS"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(vectors__each_case_gives_its_result_p_and_cycles,
                                        fx_setup, fx_teardown),
        cmocka_unit_test(vectors__every_defined_opcode_has_one),
        cmocka_unit_test(vectors__words_decode_and_exist_in_their_profile),
        cmocka_unit_test_setup_teardown(illegal__nonzero_unused_field_traps_for_every_format,
                                        fx_setup, fx_teardown),
        cmocka_unit_test_setup_teardown(illegal__every_unassigned_opcode_traps,
                                        fx_setup, fx_teardown),
        cmocka_unit_test(isa__mbz_mask_is_the_unused_fields),
        cmocka_unit_test(isa__psw_pack_matches_the_drawn_layout),
        cmocka_unit_test(isa__decode_sign_extends_immediates),
        cmocka_unit_test(isa__lookup_ignores_case),
    };
    return cmocka_run_group_tests_name("isa", tests, NULL, NULL);
}
