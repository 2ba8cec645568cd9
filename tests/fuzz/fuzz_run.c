/* fuzz_run.c: section 2's run loop against its oracle, under fuzzing.
 *
 * Any bytes are a memory (E[0] and E[1] included, so the trap handler's
 * PSW is the input's too), an entry PSW, an instruction-set profile and a
 * course of runs.  The same
 * machine runs twice: on the fast loop, which executes from the decode
 * cache and resolves hot entries for the R they run under, and on the
 * checked loop decoding every word it fetches (the oracle, which trusts no
 * cache).  Between runs the course writes a word, moves R to another
 * window or resets a run's budget, alike on both.  After every run the two
 * must be equal in every component: E, the PSW, R, the timer, the console
 * and the counters.
 *
 * A third copy takes the same course one machine_step at a time, so a run
 * of N steps must equal N single steps; and at each step that traps, the
 * trap sequence of section 2 must be all that happened: E[0] := the PSW
 * (P at the instruction, cause set), PSW := E[1], and no other word written
 * nor console byte (a trapping instruction leaves no effect behind).  A
 * user-mode step that completes leaves M, I and R as they were.
 *
 * Every step is also predicted by a model written from the paper and
 * docs/isa.md alone, not from the CPU: section 2's address development
 * (a + l >= q or a >= b: memory trap) for the fetch and every address the
 * instruction develops, and the order of the causes (a pending timer with
 * I = 1, the fetch, illegal, privileged in user mode, an operand).  The
 * step must take the cause predicted, and one that completes must write no
 * word but one it developed.
 */
#include <string.h>

#include "fuzz.h"
#include "machine/machine_impl.h" /* machine_decode_oracle */
#include "tgm/isa.h"
#include "tgm/machine.h"

#define Q 512u
#define MAX_STEPS 20000u /* over the whole course: inputs stay fast */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

struct input {
    const uint8_t *p;
    size_t n;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes && in->n; i++, in->n--)
        v |= (uint64_t)*in->p++ << (8 * i);
    return v;
}

static struct machine *make(const uint64_t *words, uint32_t nwords, uint64_t psw,
                            const struct isa_profile *profile, bool oracle)
{
    struct machine *m = machine_create(&(struct machine_config){.q = Q, .profile = profile});
    if (!m)
        abort();
    for (uint32_t i = 0; i < nwords; i++)
        machine_write_phys(m, i, words[i]);
    machine_set_psw(m, psw);
    if (oracle)
        machine_decode_oracle(m, true);
    return m;
}

static void compare(struct machine *fast, struct machine *oracle, const char *what, int run)
{
    char diff[256];
    FUZZ_CHECK(machine_compare(fast, oracle, CMP_COUNTERS, what, "oracle", diff,
                               sizeof diff) == 0,
               "after run %d the %s and the oracle differ: %s", run, what, diff);
}

/* Section 2's address development, written out as the paper has it. */
static bool develops(const struct psw *r, uint64_t a, uint32_t *phys)
{
    if (a + r->l >= Q || a >= r->b)
        return false;
    *phys = (uint32_t)(a + r->l);
    return true;
}

/* What the step from PSW with memory E and timer T must do: the trap cause
 * (TRAP_NONE when the instruction completes or halts), and the physical
 * words it develops (at most 4: fields A, B, C and a computed address). */
struct prediction {
    uint8_t cause;
    uint32_t dev[4];
    int ndev;
};

static struct prediction predict(const struct machine *m, const uint64_t *E, uint64_t psw,
                                 struct machine_timer t)
{
    struct prediction pr = {TRAP_NONE, {0}, 0};
    struct psw r = psw_unpack(psw);
    uint32_t at;
    if (t.pending && r.ie) {
        pr.cause = TRAP_TIMER;
        return pr;
    }
    if (!develops(&r, r.p, &at)) {
        pr.cause = TRAP_MEM;
        return pr;
    }
    uint64_t w = E[at];
    unsigned op = GET_OP(w);
    const struct insn_info *info = &isa_table[op];
    uint8_t beh = machine_profile(m)->beh[op];
    if (op == OP_HCALL && !machine_hostcalls(m))
        beh = BEH_ABSENT;
    if (!info->name || beh == BEH_ABSENT || (w & isa_mbz_mask(info->format))) {
        pr.cause = TRAP_ILL;
        return pr;
    }
    if (beh == BEH_PRIV && !r.sup) {
        pr.cause = TRAP_PRIV;
        return pr;
    }
    /* the fields that are data addresses, then the one computed from one */
    const uint32_t field[3] = {GET_A(w), GET_B(w), GET_C(w)};
    for (int k = 0; k < 3; k++)
        if (isa_format_kinds[info->format][k] == OK_ADDR) {
            if (!develops(&r, field[k], &pr.dev[pr.ndev++])) {
                pr.cause = TRAP_MEM;
                return pr;
            }
        }
    uint64_t x;
    switch (op) {
    case OP_LDX:
        x = (field[1] + E[field[2] + r.l]) & TGM_ADDR_MASK;
        break;
    case OP_STX:
    case OP_JMPX:
        x = (field[0] + E[field[1] + r.l]) & TGM_ADDR_MASK;
        break;
    case OP_MFPI:
        if (!r.sup)
            return pr;
        x = E[field[1] + r.l] & TGM_ADDR_MASK;
        break;
    case OP_SVC:
        pr.cause = TRAP_SVC;
        return pr;
    default:
        return pr;
    }
    if (!develops(&r, x, &pr.dev[pr.ndev++]))
        pr.cause = TRAP_MEM;
    return pr;
}

/* A user-mode step that completes changes neither M, I nor R and writes
 * nothing to the console: every instruction that could (section 3's
 * control sensitive ones) traps there or, masked, keeps them in every
 * profile.  This is the machine's half of resource control (section 5):
 * only a trap takes a VM out of its region or off its timer. */
static void user_step_kept(uint64_t from, uint64_t to, uint8_t cause, size_t out)
{
    struct psw a = psw_unpack(from), b = psw_unpack(to);
    if (a.sup || cause != TRAP_NONE)
        return;
    FUZZ_CHECK(!b.sup && b.ie == a.ie && b.l == a.l && b.b == a.b && !out,
               "the user-mode step from PSW 0x%016llx completed without a trap but "
               "changed M, I or R (PSW 0x%016llx) or wrote %zu console bytes",
               (unsigned long long)from, (unsigned long long)to, out);
}

/* BUDGET single steps of M, each checked against the model above and each
 * trap against section 2's sequence. */
static void step_by_step(struct machine *m, uint64_t budget)
{
    static uint64_t before[Q];
    for (uint64_t i = 0; i < budget; i++) {
        memcpy(before, machine_mem(m), sizeof before);
        uint64_t psw = machine_get_psw(m), t = fuzz_traps(m);
        size_t out0, out1;
        machine_console_output(m, &out0);
        struct prediction pr = predict(m, before, psw, machine_get_timer(m));
        enum exit_reason why = machine_step(m, NULL);
        const uint64_t *E = machine_mem(m);
        uint8_t cause = fuzz_traps(m) == t ? TRAP_NONE : machine_last_trap(m);
        machine_console_output(m, &out1);
        user_step_kept(psw, machine_get_psw(m), cause, out1 - out0);
        FUZZ_CHECK(cause == pr.cause,
                   "the step from PSW 0x%016llx (word 0x%016llx at P) took trap %u, "
                   "section 2 and docs/isa.md say %u",
                   (unsigned long long)psw,
                   (unsigned long long)before[(psw_unpack(psw).p + psw_unpack(psw).l) % Q],
                   cause, pr.cause);
        if (cause == TRAP_NONE && memcmp(E, before, sizeof before)) {
            for (uint32_t a = 0; a < Q; a++) {
                if (E[a] == before[a])
                    continue;
                bool developed = false;
                for (int k = 0; k < pr.ndev; k++)
                    developed |= pr.dev[k] == a;
                FUZZ_CHECK(developed, "the step from PSW 0x%016llx wrote E[%u], "
                           "which it did not develop", (unsigned long long)psw, a);
            }
        }
        if (why == EXIT_HALT)
            return;
        if (cause == TRAP_NONE)
            continue;
        uint64_t old = (psw & ~(0xFull << PSW_CAUSE_SHIFT)) | (uint64_t)cause << PSW_CAUSE_SHIFT;
        FUZZ_CHECK(E[0] == old, "trap %u from PSW 0x%016llx stored 0x%016llx in E[0], not 0x%016llx",
                   cause, (unsigned long long)psw, (unsigned long long)E[0],
                   (unsigned long long)old);
        FUZZ_CHECK(machine_get_psw(m) == (before[1] & ~(0xFull << PSW_CAUSE_SHIFT)),
                   "trap %u loaded PSW 0x%016llx, not E[1] 0x%016llx", cause,
                   (unsigned long long)machine_get_psw(m), (unsigned long long)before[1]);
        FUZZ_CHECK(!memcmp(E + 1, before + 1, sizeof before - sizeof *E),
                   "trap %u from PSW 0x%016llx wrote a word other than E[0]", cause,
                   (unsigned long long)psw);
        FUZZ_CHECK(out1 == out0, "trap %u from PSW 0x%016llx wrote %zu console bytes", cause,
                   (unsigned long long)psw, out1 - out0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    /* the header: the entry PSW, how many words of memory, how many runs
     * (low 4 bits) and the profile (the rest: the default for 0) */
    uint64_t psw = take(&in, 8);
    uint32_t nwords = (uint32_t)(take(&in, 2) % (Q + 1));
    unsigned byte = (unsigned)take(&in, 1), runs = 1 + byte % 16, nprofiles = 0;
    const struct isa_profile *const *profiles = isa_profiles();
    while (profiles[nprofiles])
        nprofiles++;
    const struct isa_profile *profile = profiles[byte / 16 % nprofiles];
    static uint64_t words[Q];
    memset(words, 0, sizeof words);
    for (uint32_t i = 0; i < nwords && in.n; i++)
        words[i] = take(&in, 8);
    struct machine *fast = make(words, nwords, psw, profile, false);
    struct machine *oracle = make(words, nwords, psw, profile, true);
    struct machine *stepped = make(words, nwords, psw, profile, false);
    uint64_t left = MAX_STEPS;
    for (int run = 0; run < (int)runs && left; run++) {
        uint64_t budget = 1 + take(&in, 2) % 4096;
        budget = budget < left ? budget : left;
        left -= budget;
        machine_run(fast, budget, NULL);
        machine_run(oracle, budget, NULL);
        step_by_step(stepped, budget);
        compare(fast, oracle, "fast loop", run);
        compare(stepped, oracle, "machine stepped one step at a time", run);
        /* then, alike on both: a word written, R moved, or nothing */
        uint64_t what = take(&in, 1), at = take(&in, 2) % Q, v = take(&in, 8);
        struct machine *both[3] = {fast, oracle, stepped};
        for (int k = 0; k < 3; k++) {
            switch (what % 4) {
            case 0:
                machine_write_phys(both[k], (uint32_t)at, v);
                break;
            case 1: { /* another window onto the same memory, same P */
                struct psw p = machine_psw(both[k]);
                machine_set_psw(both[k], psw_pack(&(struct psw){p.sup, p.ie, 0, p.p,
                                                                (uint32_t)at % 8,
                                                                (uint32_t)v & PSW_B_MASK}));
                break;
            }
            default:
                break;
            }
        }
    }
    machine_destroy(fast);
    machine_destroy(oracle);
    machine_destroy(stepped);
    return 0;
}
