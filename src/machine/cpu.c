/* cpu.c: the processor: fetch, address development, execute, trap, cycles.
 *
 * Section 2 made to run.  Every fetch and operand address a is developed
 * through R = (l, b); the paper's two checks (a + l >= q, a >= b) are folded
 * into one compare against lim = min(b, q - l), which machine_develop()
 * spells out literally and the tests check against each other.  A trap
 * stores the old PSW (P of the trapping instruction) in absolute E[0] and
 * loads the new PSW from absolute E[1]; nothing else in E changes, because
 * every instruction develops all of its addresses before it writes.
 *
 * The loop is instantiated twice: a fast one and a checked one that also
 * handles breakpoints, watchpoints and tracing.  Nothing here prints.
 */
#include <string.h>

#include "machine_impl.h"

#if defined(__GNUC__) && !defined(TGM_NO_COMPUTED_GOTO)
#define TGM_COMPUTED_GOTO 1
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

static inline bool bit_test(const uint8_t *bm, uint32_t i)
{
    return (bm[i >> 3] >> (i & 7)) & 1;
}

/* Record a watchpoint hit; the instruction completes, then the run stops. */
static inline void watch_note(const uint8_t *bm, uint32_t phys, bool isw,
                              int64_t *hit, bool *write)
{
    if (bm && bit_test(bm, phys)) {
        *hit = phys;
        *write = isw;
    }
}

/* Division never traps; results at zero and overflow are documented. */
static inline uint64_t div_s(uint64_t x, uint64_t y)
{
    if (y == 0)
        return UINT64_MAX;
    if ((int64_t)x == INT64_MIN && (int64_t)y == -1)
        return x;
    return (uint64_t)((int64_t)x / (int64_t)y);
}

static inline uint64_t mod_s(uint64_t x, uint64_t y)
{
    if (y == 0)
        return x;
    if ((int64_t)x == INT64_MIN && (int64_t)y == -1)
        return 0;
    return (uint64_t)((int64_t)x % (int64_t)y);
}

#define FIELD_A (ISA_FIELD << ISA_A_SHIFT)
#define FIELD_B (ISA_FIELD << ISA_B_SHIFT)
#define FIELD_C (ISA_FIELD << ISA_C_SHIFT)

/* Operand and step macros shared by both instantiations of the loop. */
#define ADVANCE() (P = (P + 1) & TGM_ADDR_MASK)
/* Steps are counted by fuel, instructions from steps and traps. */
#define RETIRE(n) (cycles += (n))
/* Make the next step look at the budget and the timer again. */
#define RECHECK()                     \
    do {                              \
        steps_at += fuel0 - fuel;     \
        fuel0 = fuel = 0;             \
    } while (0)
#define NEXT(n)       \
    do {              \
        ADVANCE();    \
        RETIRE(n);    \
        goto next;    \
    } while (0)
#define JUMP(t, n)    \
    do {              \
        P = (t);      \
        RETIRE(n);    \
        goto next;    \
    } while (0)
#define DEV(x)                    \
    do {                          \
        if (UNLIKELY((x) >= lim)) \
            goto mem_trap;        \
    } while (0)
#define MBZ(mask)            \
    do {                     \
        if (UNLIKELY(w & (mask))) \
            goto ill;        \
    } while (0)
#define WATCH(bm, x, isw) \
    (CHECKED ? watch_note(m->bm, l + (x), (isw), &whit, &wwrite) : (void)0)
#define RD(x) (CHECKED ? (WATCH(watch_rd, x, false), El[x]) : El[x])
#define WR(x, v)                   \
    do {                           \
        uint64_t v_ = (v);         \
        WATCH(watch_wr, x, true);  \
        El[x] = v_;                \
    } while (0)
#define RELOCATE()                     \
    do {                               \
        lim = address_limit(q, l, bnd);       \
        El = l < q ? E + l : E;        \
    } while (0)
#define LOAD_PSW(word)                     \
    do {                                   \
        struct psw np_ = psw_unpack(word); \
        sup = np_.sup;                     \
        ie = np_.ie;                       \
        P = np_.p;                         \
        l = np_.l;                         \
        bnd = np_.b;                       \
        RELOCATE();                        \
        dmap = m->dmap[sup];               \
    } while (0)
#define ABC()          \
    fa = GET_A(w);     \
    fb = GET_B(w);     \
    fc = GET_C(w);     \
    DEV(fa);           \
    DEV(fb);           \
    DEV(fc)
#define ALU(name, expr)                  \
    do {                                 \
        ABC();                           \
        uint64_t x = RD(fb), y = RD(fc); \
        WR(fa, (expr));                  \
        NEXT(CYC_##name);                \
    } while (0)
#define BRANCH(name, cond)                            \
    do {                                              \
        fa = GET_A(w);                                \
        fb = GET_B(w);                                \
        DEV(fa);                                      \
        DEV(fb);                                      \
        uint64_t x = RD(fa), y = RD(fb);              \
        if (cond)                                     \
            JUMP(GET_C(w), CYC_##name);               \
        NEXT(CYC_##name);                             \
    } while (0)

#ifdef TGM_COMPUTED_GOTO
#define vmdispatch(x) goto *disp[x];
#define vmcase(name) L_##name:
#define vmdefault L_DEFAULT:
#else
#define vmdispatch(x) switch (x)
#define vmcase(name) case name:
#define vmdefault default:
#endif


#define CHECKED 0
#define RUN_FN run_fast
#include "cpu_loop.h"
#undef CHECKED
#undef RUN_FN
#define CHECKED 1
#define RUN_FN run_checked
#include "cpu_loop.h"
#undef CHECKED
#undef RUN_FN

enum exit_reason machine_run(struct machine *m, uint64_t budget,
                             struct machine_exit *ex)
{
    struct machine_exit scratch;
    if (!ex)
        ex = &scratch;
    return m->checked ? run_checked(m, budget, ex) : run_fast(m, budget, ex);
}

enum exit_reason machine_step(struct machine *m, struct machine_exit *ex)
{
    return machine_run(m, 1, ex);
}
