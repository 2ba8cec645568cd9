/* test_smc.c: programs that store into their own code, run four ways.
 *
 * Section 2's machine executes whatever word is at P when it is fetched, so a
 * store into code must be seen by the very next fetch.  The run loop keeps a
 * predecoded copy of E; these tests make sure it can never be stale.  Random
 * programs that rewrite their own instructions run on the fast loop, the
 * checked loop, machine_step one step at a time, and the checked loop with
 * the cache bypassed (the oracle), in random chunks; between chunks every
 * other way of writing E is applied alike to all four (host writes, views,
 * the loader, snapshot restore, reset, reset to given words, and a move of
 * R to another window onto the same code, for the fast loop's resolved
 * entries), and the four machines must agree in every component after
 * every chunk.  The same programs run as a VM of the control program
 * against a bare machine.  TGM_SEED=n runs one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "machine/machine_impl.h" /* machine_decode_oracle */
#include "tgm/image.h"
#include "tgm/vmm.h"

#define Q 512u
#define NPROGS 10000u
#define CODE 16u     /* code: 16..CODE_END-1 */
#define CODE_END 200u
#define HANDLER 200u /* the trap handler: 200..207 */
#define TMPL 208u    /* instruction templates: 208..255 */
#define DATA 256u    /* data: 256..319 */
#define NDATA 64u

struct rng {
    uint64_t s;
};

static uint64_t rnd(struct rng *g)
{
    g->s ^= g->s >> 12;
    g->s ^= g->s << 25;
    g->s ^= g->s >> 27;
    return g->s * UINT64_C(2685821657736338717);
}

static uint32_t below(struct rng *g, uint32_t n) { return (uint32_t)(rnd(g) % n); }

/* An operand: mostly data, often code (the point), sometimes out of range. */
static uint32_t operand(struct rng *g)
{
    switch (below(g, 10)) {
    case 0: case 1: case 2: return CODE + below(g, CODE_END - CODE);
    case 3: return TMPL + below(g, DATA - TMPL);
    case 4: return below(g, 8) ? below(g, Q) : Q + below(g, 4);
    default: return DATA + below(g, NDATA);
    }
}

static uint32_t code_addr(struct rng *g) { return CODE + below(g, CODE_END - CODE); }

/* A random word that is an instruction of any kind, well formed or not. */
static uint64_t any_insn(struct rng *g)
{
    static const uint8_t ops[] = {
        OP_NOP, OP_MOV, OP_LI, OP_LDX, OP_STX, OP_ADD, OP_SUB, OP_MUL, OP_DIV,
        OP_XOR, OP_SHL, OP_ADDI, OP_SLT, OP_SEQ, OP_JMP, OP_JMPI, OP_JMPX, OP_JAL,
        OP_BEQ, OP_BNE, OP_BLT, OP_BZ, OP_BNZ, OP_DJNZ, OP_SVC, OP_LPSW, OP_SPSW,
        OP_LR, OP_SR, OP_TSET, OP_TGET, OP_COUT, OP_CIN, OP_HALT, OP_HCALL};
    unsigned op = ops[below(g, sizeof ops)];
    if (below(g, 40) == 0)
        return rnd(g); /* anything at all, illegal words included */
    uint32_t a = operand(g), b = operand(g), c = operand(g);
    switch (op) {
    case OP_LI: return MAKE_INSN_L(op, a, (int64_t)below(g, 1000) - 500);
    case OP_ADDI: return MAKE_INSN(op, a, b, below(g, 7) - 3u);
    case OP_JMP: return MAKE_INSN(op, code_addr(g), 0, 0);
    case OP_JAL: case OP_BZ: case OP_BNZ: case OP_DJNZ:
        return MAKE_INSN(op, a, code_addr(g), 0);
    case OP_BEQ: case OP_BNE: case OP_BLT:
        return MAKE_INSN(op, a, b, code_addr(g));
    case OP_LDX: return MAKE_INSN(op, a, below(g, Q), c);
    case OP_STX: return MAKE_INSN(op, below(g, Q), b, c);
    case OP_JMPX: return MAKE_INSN(op, CODE, b, 0);
    case OP_NOP: case OP_HALT: return MAKE_INSN(op, 0, 0, below(g, 30) == 0);
    case OP_SVC: case OP_HCALL: return MAKE_INSN(op, below(g, 8), 0, 0);
    case OP_MOV: return MAKE_INSN(op, a, b, 0);
    case OP_TSET: return MAKE_INSN(op, DATA + 3, 0, 0);
    default:
        if (isa_table[op].format == FMT_A)
            return MAKE_INSN(op, a, 0, 0);
        return MAKE_INSN(op, a, b, c);
    }
}

/* A store whose target is code: the self-modifying part. */
static uint64_t code_store(struct rng *g)
{
    uint32_t at = code_addr(g), from = TMPL + below(g, DATA - TMPL);
    switch (below(g, 4)) {
    case 0: return MAKE_INSN(OP_MOV, at, from, 0);
    case 1: return MAKE_INSN(OP_STX, at, DATA, from); /* E[at + E[DATA]] := */
    case 2: return MAKE_INSN(OP_ADDI, at, at, below(g, 3) - 1u);
    default: return MAKE_INSN_L(OP_LI, at, (int64_t)below(g, 1u << 20));
    }
}

/* Memory image: a handler that skips the trapping instruction and returns
 * (so traps do not repeat forever), templates, data and a random program
 * that often rewrites itself. */
static void generate(uint64_t seed, uint64_t *w)
{
    struct rng g = {seed * UINT64_C(0x9E3779B97F4A7C15) + 1};
    memset(w, 0, Q * sizeof *w);
    bool user = below(&g, 3) == 0;
    w[1] = psw_pack(&(struct psw){true, below(&g, 2), 0, HANDLER, 0, Q});
    w[HANDLER] = MAKE_INSN(OP_ADDI, DATA + 1, DATA + 1, 1);
    w[HANDLER + 1] = MAKE_INSN(OP_ADD, 0, 0, DATA + 2);
    w[HANDLER + 2] = MAKE_INSN(OP_LPSW, 0, 0, 0);
    for (uint32_t i = TMPL; i < DATA; i++)
        w[i] = any_insn(&g);
    for (uint32_t i = DATA; i < DATA + NDATA; i++)
        w[i] = below(&g, 4) ? below(&g, 64) : rnd(&g);
    w[DATA] = below(&g, 8);                    /* STX's index */
    w[DATA + 2] = (uint64_t)1 << PSW_P_SHIFT;  /* P + 1 in a PSW */
    w[DATA + 3] = 20 + below(&g, 400);         /* a timer period */
    for (uint32_t i = CODE; i < CODE_END; i++)
        w[i] = below(&g, 3) == 0 ? code_store(&g) : any_insn(&g);
    /* entry: P = CODE, the handler's PSW in E[1] */
    w[0] = psw_pack(&(struct psw){!user, below(&g, 2), 0, CODE, 0, user ? Q - 100 : Q});
}

static void noop_trace(void *ctx, const struct machine_trace *t)
{
    (void)ctx;
    (void)t;
}

/* ORACLE is the checked loop decoding every word it fetches: the one way
 * that does not trust the cache. */
enum { FAST, CHECKED, STEP, ORACLE, NWAYS };
static const char *const way_name[NWAYS] = {"fast loop", "checked loop", "machine_step",
                                            "decode oracle"};

static struct machine *fresh(const uint64_t *w, int way)
{
    struct machine *m = machine_create(&(struct machine_config){.q = Q});
    assert_non_null(m);
    for (uint32_t i = 0; i < Q; i++)
        assert_int_equal(machine_write_phys(m, i, w[i]), 0);
    machine_set_psw(m, w[0]);
    if (way == CHECKED)
        machine_set_trace(m, noop_trace, NULL);
    if (way == ORACLE)
        machine_decode_oracle(m, true);
    return m;
}

static void run_way(struct machine *m, int way, uint64_t n)
{
    if (way != STEP) {
        machine_run(m, n, NULL);
        return;
    }
    for (uint64_t i = 0; i < n; i++)
        if (machine_step(m, NULL) == EXIT_HALT)
            return; /* a run stops at HALT too */
}

/* One of the other write paths, the same on every machine. */
static void perturb(struct machine *const *ms, struct rng *g, const uint64_t *orig)
{
    uint32_t at = code_addr(g);
    uint64_t v = any_insn(g);
    unsigned how = below(g, 8);
    uint8_t *snap = NULL;
    size_t len = 0;
    if (how == 4) /* snapshot now, scribble, restore: the scribble must go */
        assert_int_equal(machine_state_save(ms[0], true, &snap, &len), 0);
    for (int k = 0; k < NWAYS; k++) {
        struct machine *m = ms[k];
        char err[200];
        switch (how) {
        case 0:
            assert_int_equal(machine_write_phys(m, at, v), 0);
            break;
        case 1:
            machine_write_virt(m, at, v); /* may develop to a trap: no write */
            break;
        case 2: { /* a view onto the code writes, and runs a few steps */
            struct machine *view = machine_create_view(m, CODE, CODE_END - CODE, NULL);
            assert_non_null(view);
            assert_int_equal(machine_write_phys(view, at - CODE, v), 0);
            machine_set_psw(view, psw_pack(&(struct psw){true, false, 0, 0, 0, CODE_END}));
            machine_run(view, 5, NULL);
            machine_destroy(view);
            break;
        }
        case 3: { /* the loader */
            uint64_t words[2] = {v, orig[at + 1 < CODE_END ? at + 1 : at]};
            struct tgm_image img = {.load = at, .nwords = 2, .entry_psw = machine_get_psw(m),
                                    .words = words};
            assert_int_equal(image_load(m, &img, err, sizeof err), 0);
            break;
        }
        case 4:
            assert_int_equal(machine_write_phys(m, at, v), 0);
            assert_int_equal(machine_state_load(m, snap, len, err, sizeof err), 0);
            break;
        case 6: { /* another window onto the same code, often with the same
                   * lim, so entries run resolved under one R see another */
            struct psw p = psw_unpack(machine_get_psw(m));
            struct rng h = {at + 1};
            uint32_t l = below(&h, 4);
            machine_set_psw(m, psw_pack(&(struct psw){p.sup, p.ie, 0, p.p, l,
                                                      below(&h, 2) ? Q - 100 : Q - l}));
            break;
        }
        case 5: /* reset, then the program again */
            if (below(&(struct rng){at}, 4) == 0) {
                machine_reset(m);
                for (uint32_t i = 0; i < Q; i++)
                    machine_write_phys(m, i, orig[i]);
                machine_set_psw(m, orig[0]);
            }
            break;
        case 7: { /* reset to the program with one word changed (and,
                   * half the time, the data zeroed), writing only the
                   * words that differ: the others keep their entries */
            static uint64_t words[Q];
            memcpy(words, orig, sizeof words);
            words[at] = v;
            assert_int_equal(machine_reset_to(m, words, at & 1 ? Q : DATA), 0);
            machine_set_psw(m, orig[0]);
            break;
        }
        default:
            break;
        }
    }
    free(snap);
}

static uint64_t first_seed(uint64_t *n)
{
    const char *s = getenv("TGM_SEED");
    if (s) {
        *n = 1;
        return strtoull(s, NULL, 0);
    }
    *n = NPROGS;
    return 0;
}

/* The oracle does not trust the cache: a word changed behind the cache's
 * back (no write primitive) runs stale on the fast loop and afresh on the
 * oracle, so the two differ.  Were the oracle reading the cache, the
 * comparisons below could never fail. */
static void oracle_is_independent(void **state)
{
    (void)state;
    static uint64_t w[Q];
    memset(w, 0, sizeof w);
    w[CODE] = MAKE_INSN_L(OP_LI, DATA, 1);
    w[CODE + 1] = MAKE_INSN(OP_JMP, CODE, 0, 0);
    w[0] = psw_pack(&(struct psw){true, false, 0, CODE, 0, Q});
    struct machine *fast = fresh(w, FAST), *oracle = fresh(w, ORACLE);
    machine_run(fast, 2, NULL); /* decodes CODE into the cache */
    machine_run(oracle, 2, NULL);
    uint64_t li2 = MAKE_INSN_L(OP_LI, DATA, 2);
    fast->E[CODE] = li2; /* behind the cache's back, on purpose */
    oracle->E[CODE] = li2;
    machine_run(fast, 1, NULL);
    machine_run(oracle, 1, NULL);
    assert_int_equal(machine_mem(oracle)[DATA], 2);
    assert_int_equal(machine_mem(fast)[DATA], 1); /* the stale entry ran */
    machine_destroy(fast);
    machine_destroy(oracle);
}

/* Run W on the fast loop and on the oracle for N steps; they must agree. */
static struct machine *fast_and_oracle(const uint64_t *w, uint64_t n)
{
    struct machine *fast = fresh(w, FAST), *oracle = fresh(w, ORACLE);
    machine_run(fast, n, NULL);
    machine_run(oracle, n, NULL);
    char diff[256];
    if (machine_compare(fast, oracle, CMP_COUNTERS, "fast", "oracle", diff, sizeof diff))
        fail_msg("%s", diff);
    machine_destroy(oracle);
    return fast;
}

/* The fast loop resolves an entry's operands once for the R it runs under
 * (pdc_resolve).  The same physical word run under another l must develop
 * its operands afresh: MOV 5, 6 at physical 10 stores E[5] := E[6] under
 * l = 0, and E[9] := E[10] under l = 4 (with the same b, so only l differs). */
static void resolution_follows_the_window(void **state)
{
    (void)state;
    static uint64_t w[Q];
    memset(w, 0, sizeof w);
    w[0] = psw_pack(&(struct psw){true, false, 0, 10, 0, 100}); /* b alike */
    w[6] = 66;
    w[10] = MAKE_INSN(OP_MOV, 5, 6, 0);
    w[11] = MAKE_INSN(OP_HALT, 0, 0, 0);
    struct machine *m = fast_and_oracle(w, 2);
    assert_int_equal(machine_mem(m)[5], 66);
    machine_set_psw(m, psw_pack(&(struct psw){true, false, 0, 6, 4, 100}));
    assert_int_equal(machine_run(m, 2, NULL), EXIT_HALT);
    assert_int_equal(machine_mem(m)[9], w[10]);
    machine_destroy(m);
}

/* ... and under a smaller b, an operand that no longer develops traps:
 * the loop's MOV 50, 51 runs resolved, then LR makes b = 50. */
static void resolution_follows_the_bound(void **state)
{
    (void)state;
    static uint64_t w[Q];
    memset(w, 0, sizeof w);
    w[0] = psw_pack(&(struct psw){true, false, 0, 2, 0, Q});
    w[1] = psw_pack(&(struct psw){true, false, 0, 60, 0, Q});
    w[2] = MAKE_INSN_L(OP_LI, 40, 3);
    w[3] = MAKE_INSN(OP_MOV, 50, 51, 0);
    w[4] = MAKE_INSN(OP_DJNZ, 40, 6, 0);
    w[5] = MAKE_INSN(OP_HALT, 0, 0, 0);
    w[6] = MAKE_INSN(OP_LR, 52, 0, 0);
    w[7] = MAKE_INSN(OP_JMP, 3, 0, 0);
    w[51] = 7;
    w[52] = r_pack(0, 50);
    w[60] = MAKE_INSN(OP_HALT, 0, 0, 0);
    struct machine *m = fast_and_oracle(w, 100);
    struct psw old = psw_unpack(machine_mem(m)[0]);
    assert_int_equal(old.cause, TRAP_MEM);
    assert_int_equal(old.p, 3);
    assert_int_equal(old.b, 50);
    assert_int_equal(machine_psw(m).p, 61); /* halted in the handler */
    machine_destroy(m);
}

/* A resolved store does not mark its word stale (the word was data).  When
 * that word is decoded, every resolution ends: the MOV that first stored an
 * ADDI there must make the next fetch see the word it stores next.  acc =
 * 1 + 100; with the first ADDI run twice it would be 2. */
static void resolved_store_into_code_is_seen(void **state)
{
    (void)state;
    static uint64_t w[Q];
    enum { N = 40, ACC = 41, S = 42, S2 = 43 };
    memset(w, 0, sizeof w);
    w[0] = psw_pack(&(struct psw){true, false, 0, 2, 0, Q});
    w[2] = MAKE_INSN_L(OP_LI, N, 2);
    w[3] = MAKE_INSN(OP_MOV, 20, S, 0); /* resolved: E[20] is data so far */
    w[4] = MAKE_INSN(OP_JMP, 20, 0, 0);
    w[21] = MAKE_INSN(OP_MOV, S, S2, 0);
    w[22] = MAKE_INSN(OP_DJNZ, N, 3, 0);
    w[23] = MAKE_INSN(OP_HALT, 0, 0, 0);
    w[S] = MAKE_INSN(OP_ADDI, ACC, ACC, 1);
    w[S2] = MAKE_INSN(OP_ADDI, ACC, ACC, 100);
    struct machine *m = fast_and_oracle(w, 100);
    assert_int_equal(machine_mem(m)[ACC], 101);
    assert_int_equal(machine_psw(m).p, 24);
    machine_destroy(m);
}

/* When the epochs run out they start again at 1, and every tag goes: an
 * entry resolved in the first epoch must not hold again in the new first
 * epoch.  The MOV at 2 is resolved in epoch 1 while E[20] is data; E[20]
 * then runs (epoch 2).  Near the end of the epochs, another flagged word
 * runs (the wrap); then the MOV stores a new ADDI into E[20], which must be
 * the one that runs: acc = 1 + 100, not 1 + 1. */
static void resolution_survives_the_epochs_wrapping(void **state)
{
    (void)state;
    static uint64_t w[Q];
    enum { ACC = 41, S = 42, S2 = 43 };
    memset(w, 0, sizeof w);
    w[0] = psw_pack(&(struct psw){true, false, 0, 2, 0, Q});
    w[2] = MAKE_INSN(OP_MOV, 20, S, 0);
    w[3] = MAKE_INSN(OP_JMP, 20, 0, 0);
    w[21] = MAKE_INSN(OP_HALT, 0, 0, 0);
    w[23] = MAKE_INSN(OP_MOV, 30, S2, 0);
    w[24] = MAKE_INSN(OP_JMP, 30, 0, 0);
    w[31] = MAKE_INSN(OP_JMP, 2, 0, 0);
    w[S] = MAKE_INSN(OP_ADDI, ACC, ACC, 1);
    w[S2] = MAKE_INSN(OP_NOP, 0, 0, 0);
    struct machine *m = fresh(w, FAST);
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    assert_int_equal(machine_mem(m)[ACC], 1);
    /* only the threaded loop resolves (the portable switch loop does not,
     * and never starts an epoch) */
    bool resolving = cpu_fast_breaks;
    if (resolving)
        assert_int_equal(m->pdcs->epoch, 2);
    m->pdcs->epoch = (1u << PDC_EPOCH_BITS) - 1;
    assert_int_equal(machine_write_phys(m, S, MAKE_INSN(OP_ADDI, ACC, ACC, 100)), 0);
    machine_set_psw(m, psw_pack(&(struct psw){true, false, 0, 23, 0, Q}));
    assert_int_equal(machine_run(m, 100, NULL), EXIT_HALT);
    if (resolving)
        assert_int_equal(m->pdcs->epoch, 1); /* wrapped */
    assert_int_equal(machine_mem(m)[ACC], 101);
    machine_destroy(m);
}

/* Fast loop, checked loop, single steps and the oracle agree after every
 * chunk. */
static void smc_four_ways(void **state)
{
    (void)state;
    uint64_t n, s0 = first_seed(&n);
    static uint64_t w[Q];
    for (uint64_t seed = s0; seed < s0 + n; seed++) {
        generate(seed, w);
        struct machine *ms[NWAYS];
        for (int k = 0; k < NWAYS; k++)
            ms[k] = fresh(w, k);
        struct rng g = {seed + 77};
        for (int chunk = 0; chunk < 8; chunk++) {
            uint64_t steps = 1 + below(&g, chunk < 4 ? 40 : 400);
            for (int k = 0; k < NWAYS; k++)
                run_way(ms[k], k, steps);
            char diff[256];
            for (int k = 1; k < NWAYS; k++)
                if (machine_compare(ms[0], ms[k], CMP_COUNTERS, way_name[0], way_name[k],
                                    diff, sizeof diff) != 0)
                    fail_msg("seed %llu, chunk %d: %s", (unsigned long long)seed, chunk, diff);
            perturb(ms, &g, w);
        }
        for (int k = 0; k < NWAYS; k++)
            machine_destroy(ms[k]);
    }
}

/* machine_reset_to is machine_reset and a write of each word, in every
 * component and in what runs next, though it leaves the entries of the
 * words it does not change; N past q changes nothing. */
static void reset_to_is_reset_then_writes(void **state)
{
    (void)state;
    static uint64_t w[Q], w2[Q];
    char diff[256];
    for (uint64_t seed = 1; seed <= 200; seed++) {
        generate(seed, w);
        generate(seed + 1000, w2);
        for (uint32_t i = 0; i < Q; i += 3)
            w2[i] = w[i]; /* a third unchanged: their entries are kept */
        struct machine *a = fresh(w, FAST), *b = fresh(w, FAST);
        uint8_t in = 'x';
        machine_run(a, 300, NULL);
        machine_run(b, 300, NULL);
        assert_int_equal(machine_console_input(a, &in, 1), 0);
        assert_int_equal(machine_console_input(b, &in, 1), 0);
        uint32_t n = seed % 2 ? Q : DATA;
        uint64_t edits = machine_edits(a);
        assert_int_equal(machine_reset_to(a, w2, n), 0);
        assert_int_equal(machine_edits(a), edits + 1);
        machine_reset(b);
        for (uint32_t i = 0; i < n; i++)
            assert_int_equal(machine_write_phys(b, i, w2[i]), 0);
        for (int k = 0; k < 2; k++) {
            if (machine_compare(a, b, CMP_COUNTERS, "reset_to", "reset", diff, sizeof diff))
                fail_msg("seed %llu, run %d: %s", (unsigned long long)seed, k, diff);
            machine_set_psw(a, w2[0]);
            machine_set_psw(b, w2[0]);
            machine_run(a, 300, NULL);
            machine_run(b, 300, NULL);
        }
        edits = machine_edits(a);
        assert_int_equal(machine_reset_to(a, w2, Q + 1), -1);
        assert_int_equal(machine_edits(a), edits);
        if (machine_compare(a, b, CMP_COUNTERS, "refused", "reset", diff, sizeof diff))
            fail_msg("seed %llu: N > q changed the machine: %s", (unsigned long long)seed, diff);
        /* a reset to what E already holds, the console empty, edits nothing */
        assert_int_equal(machine_reset_to(a, w2, n), 0);
        edits = machine_edits(a);
        assert_int_equal(machine_reset_to(a, w2, n), 0);
        assert_int_equal(machine_edits(a), edits);
        machine_destroy(a);
        machine_destroy(b);
    }
}

/* machine_reset stores only the words that were not zero: an entry decoded
 * from a zero word is kept, every other goes stale.  After a run that
 * decoded (and rewrote) the code, a reset, and only W2's nonzero words
 * written (a third of its code zero, which a stale entry would run as the
 * old word), the machine must run as the oracle does on W2 from power-on
 * (a VM's view is reset by the same call). */
static void reset_leaves_no_stale_entry(void **state)
{
    (void)state;
    static uint64_t w[Q], w2[Q];
    char diff[256];
    for (uint64_t seed = 1; seed <= 200; seed++) {
        generate(seed, w);
        generate(seed + 5000, w2);
        for (uint32_t i = CODE; i < CODE_END; i += 3)
            w2[i] = 0;
        struct machine *a = fresh(w, FAST);
        machine_run(a, 300, NULL);
        machine_reset(a);
        for (uint32_t i = 0; i < Q; i++)
            if (w2[i])
                assert_int_equal(machine_write_phys(a, i, w2[i]), 0);
        machine_set_psw(a, w2[0]);
        struct machine *o = fresh(w2, ORACLE);
        for (int k = 0; k < 3; k++) {
            machine_run(a, 200, NULL);
            machine_run(o, 200, NULL);
            if (machine_compare(a, o, CMP_COUNTERS, "reset", "oracle", diff, sizeof diff))
                fail_msg("seed %llu, run %d: %s", (unsigned long long)seed, k, diff);
        }
        machine_destroy(a);
        machine_destroy(o);
    }
}

/* The same programs as a VM: its view must equal a bare machine stopped at
 * the same step, with deposits through the view between runs. */
static void smc_under_control_program(void **state)
{
    (void)state;
    uint64_t n, s0 = first_seed(&n);
    static uint64_t w[Q];
    char err[200], diff[256];
    for (uint64_t seed = s0; seed < s0 + n; seed += n > 1 ? 4 : 1) {
        generate(seed, w);
        struct machine *bare = fresh(w, FAST);
        struct vmm *v = vmm_create(&(struct vmm_config){.q = VMM_K + 64 + Q}, err, sizeof err);
        assert_non_null(v);
        int id = vmm_vm_create_at(v, VMM_K + 64, Q, "smc", err, sizeof err);
        assert_true(id >= 0);
        struct tgm_image img = {.load = 0, .nwords = Q, .entry_psw = w[0], .words = w};
        assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
        struct rng g = {seed + 99};
        for (int chunk = 0; chunk < 6; chunk++) {
            uint64_t steps = 1 + below(&g, 300);
            uint64_t b0 = machine_steps(bare);
            machine_run(bare, steps, NULL);
            vmm_run(v, machine_steps(bare) - b0, NULL);
            vmm_compare(bare, v, id, diff, sizeof diff);
            if (diff[0])
                fail_msg("seed %llu, chunk %d: %s", (unsigned long long)seed, chunk, diff);
            struct vm_info info;
            assert_int_equal(vmm_vm_info(v, id, &info), 0);
            if (info.state != VM_RUNNABLE)
                break; /* halted: the bare machine would go on past HALT */
            uint32_t at = code_addr(&g);
            uint64_t word = any_insn(&g);
            machine_write_phys(bare, at, word);
            machine_write_phys(vmm_vm_view(v, id), at, word);
        }
        vmm_destroy(v);
        machine_destroy(bare);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oracle_is_independent),
        cmocka_unit_test(resolution_follows_the_window),
        cmocka_unit_test(resolution_follows_the_bound),
        cmocka_unit_test(resolved_store_into_code_is_seen),
        cmocka_unit_test(resolution_survives_the_epochs_wrapping),
        cmocka_unit_test(smc_four_ways),
        cmocka_unit_test(reset_to_is_reset_then_writes),
        cmocka_unit_test(reset_leaves_no_stale_entry),
        cmocka_unit_test(smc_under_control_program),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
