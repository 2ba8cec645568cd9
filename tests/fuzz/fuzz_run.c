/* fuzz_run.c: section 2's run loop against its oracle, under fuzzing.
 *
 * Any bytes are a memory (E[0] and E[1] included, so the trap handler's
 * PSW is the input's too), an entry PSW and a course of runs.  The same
 * machine runs twice: on the fast loop, which executes from the decode
 * cache and resolves hot entries for the R they run under, and on the
 * checked loop decoding every word it fetches (the oracle, which trusts no
 * cache).  Between runs the course writes a word, moves R to another
 * window or resets a run's budget, alike on both.  After every run the two
 * must be equal in every component: E, the PSW, R, the timer, the console
 * and the counters.
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
                            bool oracle)
{
    struct machine *m = machine_create(&(struct machine_config){.q = Q});
    if (!m)
        abort();
    for (uint32_t i = 0; i < nwords; i++)
        machine_write_phys(m, i, words[i]);
    machine_set_psw(m, psw);
    if (oracle)
        machine_decode_oracle(m, true);
    return m;
}

static void compare(struct machine *fast, struct machine *oracle, int run)
{
    char diff[256];
    FUZZ_CHECK(machine_compare(fast, oracle, CMP_COUNTERS, "fast loop", "oracle", diff,
                               sizeof diff) == 0,
               "after run %d the fast loop and the oracle differ: %s", run, diff);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    /* the header: the entry PSW, how many words of memory, how many runs */
    uint64_t psw = take(&in, 8);
    uint32_t nwords = (uint32_t)(take(&in, 2) % (Q + 1));
    unsigned runs = 1 + (unsigned)(take(&in, 1) % 16);
    static uint64_t words[Q];
    memset(words, 0, sizeof words);
    for (uint32_t i = 0; i < nwords && in.n; i++)
        words[i] = take(&in, 8);
    struct machine *fast = make(words, nwords, psw, false);
    struct machine *oracle = make(words, nwords, psw, true);
    uint64_t left = MAX_STEPS;
    for (int run = 0; run < (int)runs && left; run++) {
        uint64_t budget = 1 + take(&in, 2) % 4096;
        budget = budget < left ? budget : left;
        left -= budget;
        machine_run(fast, budget, NULL);
        machine_run(oracle, budget, NULL);
        compare(fast, oracle, run);
        /* then, alike on both: a word written, R moved, or nothing */
        uint64_t what = take(&in, 1), at = take(&in, 2) % Q, v = take(&in, 8);
        struct machine *both[2] = {fast, oracle};
        for (int k = 0; k < 2; k++) {
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
    return 0;
}
