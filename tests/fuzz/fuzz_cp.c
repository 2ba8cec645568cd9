/* fuzz_cp.c: the control program itself under fuzzing (sections 4-6).
 *
 * The input is guest memory plus a few parameters: 1-4 VMs of 64-512
 * words, the slice, the profile and hybrid mode (section 8), and a step
 * limit.  Each VM's share of the words after the header is its memory; its
 * first word, cause bits cleared, is its entry PSW.  The VMs run together
 * under one CP until every one reaches its step limit or halts, and:
 *
 * - after every dispatcher entry no real word changed outside the entering
 *   VM's region (or a region interpreted in hybrid mode meanwhile) except
 *   E[0], and the CP's words E[1..K-1] never (section 5's resource control);
 * - the real PSW every trap into the CP came from (real E[0] when the real
 *   machine's trap count grew) was the entering VM's: user mode, I = 1 (the
 *   CP's timer can always take the processor back) and R inside its
 *   region, so no VM ever ran with the CP's words or another VM's in reach
 *   (section 5, checked on R itself, before any word is touched);
 * - while another VM was runnable, no VM kept the processor for more than
 *   its slice (plus one instruction and a trap): the CP regained it;
 * - every VM equals a bare machine run for the same steps on the same input
 *   (the differential oracle of section 6), and the CP's invariants hold
 *   (vmm_state_check).
 */
#include <string.h>

#include "fuzz.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/vmm.h"

#define HEADER 6
#define SLACK 64 /* cycles a slice may overrun: the last instruction and a trap */
#define SPARE 8  /* free words after the last region, which must stay zero */

static const struct {
    const char *profile;
    bool hybrid;
} modes[] = {
    {"virtualizable", false}, {"virtualizable", true}, {"pdp10", true},
    {"pdp11-45", true},       {"s360-67", false},
};

static const uint8_t input[] = "tgm";

struct watch {
    struct vmm *v;
    uint64_t *snap, cp[VMM_K], slice, hybrid[VMM_MAX_VMS], cycles[VMM_MAX_VMS];
    uint32_t q;
    int prev_vm;
    uint64_t turn, real_traps;
};

static uint64_t hybrid_count(struct vmm *v, int id)
{
    struct vm_info in;
    vmm_vm_info(v, id, &in);
    return in.stats.traps[TRAP_NONE][DISP_HYBRID];
}

static int runnable(struct vmm *v)
{
    int n = 0;
    struct vm_info in;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id))
        n += vmm_vm_info(v, id, &in) == 0 && in.state == VM_RUNNABLE;
    return n;
}

/* Fail at the first word of [LO, HI) that changed since the snapshot
 * (memcmp first: the harness's own loops would dominate its speed). */
static void unchanged(const struct watch *w, const uint64_t *E, uint32_t lo, uint32_t hi,
                      int vm)
{
    if (hi <= lo || !memcmp(E + lo, w->snap + lo, (size_t)(hi - lo) * sizeof *E))
        return;
    for (uint32_t i = lo; i < hi; i++)
        FUZZ_CHECK(E[i] == w->snap[i], "real E[%u] changed outside the region of VM %d", i,
                   vm);
}

static void check(struct watch *w, int vm)
{
    const uint64_t *E = machine_mem(vmm_machine(w->v));
    FUZZ_CHECK(!memcmp(E + 1, w->cp + 1, (VMM_K - 1) * sizeof *E), "the CP's words changed");
    /* regions that may have changed, in address order (the allocator's
     * first fit places them so; an overlap is still caught by the oracle) */
    uint32_t lo[VMM_MAX_VMS], hi[VMM_MAX_VMS];
    int n = 0;
    for (int id = vmm_vm_next(w->v, -1); id >= 0; id = vmm_vm_next(w->v, id)) {
        uint64_t h = hybrid_count(w->v, id);
        struct vm_info in;
        vmm_vm_info(w->v, id, &in);
        if (vm < 0 || id == vm || h != w->hybrid[id]) {
            int k = n++;
            while (k > 0 && lo[k - 1] > in.base) {
                lo[k] = lo[k - 1];
                hi[k] = hi[k - 1];
                k--;
            }
            lo[k] = in.base;
            hi[k] = in.base + in.w;
        }
        w->hybrid[id] = h;
    }
    uint32_t at = VMM_K;
    for (int k = 0; k < n; k++) {
        unchanged(w, E, at, lo[k], vm);
        at = hi[k] > at ? hi[k] : at;
    }
    unchanged(w, E, at, w->q, vm);
    for (int k = 0; k < n; k++)
        memcpy(w->snap + lo[k], E + lo[k], (size_t)(hi[k] - lo[k]) * sizeof *E);
}

/* A real trap since the last event came from VM: the PSW it stored must be
 * one the CP runs a VM under (a hybrid stretch, interpreted, has none). */
static void real_psw_check(struct watch *w, int vm)
{
    const struct machine *real = vmm_machine(w->v);
    uint64_t n = fuzz_traps(real);
    if (n == w->real_traps)
        return;
    w->real_traps = n;
    struct psw r = psw_unpack(machine_mem(real)[0]);
    struct vm_info in;
    vmm_vm_info(w->v, vm, &in);
    uint64_t end = (uint64_t)r.l + r.b < w->q ? (uint64_t)r.l + r.b : w->q;
    FUZZ_CHECK(!r.sup && r.ie && r.l >= in.base && end <= in.base + in.w,
               "VM %d (E[%u..%u]) ran under the real PSW 0x%016llx: M %s, I %d, l %u, b %u",
               vm, in.base, in.base + in.w - 1, (unsigned long long)machine_mem(real)[0],
               r.sup ? "s" : "u", r.ie, r.l, r.b);
}

/* The cycles VM has run since the last event, added to its turn. */
static void slice_check(struct watch *w, int vm)
{
    uint64_t now = machine_cycles(vmm_vm_view(w->v, vm));
    uint64_t d = now - w->cycles[vm];
    w->cycles[vm] = now;
    w->turn = vm == w->prev_vm ? w->turn + d : d;
    w->prev_vm = vm;
    FUZZ_CHECK(w->turn <= w->slice + SLACK || runnable(w->v) < 2,
               "VM %d kept the processor for %llu cycles with a slice of %llu", vm,
               (unsigned long long)w->turn, (unsigned long long)w->slice);
}

static void on_event(void *ctx, const struct vmm_event *e)
{
    struct watch *w = ctx;
    check(w, e->vm);
    real_psw_check(w, e->vm);
    slice_check(w, e->vm);
}

static bool dynamic_only;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *d = getenv("FUZZ_CP_DYNAMIC");
    dynamic_only = d && *d == '1';
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < HEADER + 8 || size > HEADER + 8 * 4096)
        return 0;
    int n = 1 + data[0] % 4;
    uint32_t wsz[4];
    for (int i = 0; i < n; i++)
        wsz[i] = 64u << ((data[1] >> (2 * i)) & 3); /* 64..512 words */
    uint64_t slice = 1 + (data[2] | (uint64_t)data[3] << 8) % 4000;
    unsigned mode = data[4] % (sizeof modes / sizeof modes[0]);
    uint64_t steps = 200 + 20ull * data[5];
    const struct isa_profile *p = isa_profile_find(modes[mode].profile);
    FUZZ_CHECK(p, "no profile %s", modes[mode].profile);

    size_t nw = (size - HEADER) / 8, per = nw / (size_t)n;
    uint32_t q = VMM_K + SPARE;
    for (int i = 0; i < n; i++)
        q += wsz[i];
    struct vmm_config vc = {.q = q, .profile = p, .slice = slice, .hybrid = modes[mode].hybrid};
    char err[256];
    struct vmm *v = vmm_create(&vc, err, sizeof err);
    FUZZ_CHECK(v, "vmm_create: %s", err);
    struct machine *bare[4];
    for (int i = 0; i < n; i++) {
        uint64_t words[1025];
        size_t k = per < wsz[i] + 1 ? per : wsz[i] + 1;
        for (size_t j = 0; j < k; j++)
            words[j] = le_read(data + HEADER + 8 * ((size_t)i * per + j), 8);
        struct tgm_image img = {.load = 0, .nwords = (uint32_t)(k ? k - 1 : 0),
                                .entry_psw = k ? words[0] & ~(0xFull << PSW_CAUSE_SHIFT) : 0,
                                .words = words + 1};
        struct machine_config mc = {.q = wsz[i], .profile = p};
        bare[i] = machine_create(&mc);
        int id = vmm_vm_create(v, wsz[i], NULL, err, sizeof err);
        FUZZ_CHECK(id == i, "the allocator refused VM %d: %s", i, err);
        FUZZ_CHECK(image_load(bare[i], &img, err, sizeof err) == 0, "%s", err);
        FUZZ_CHECK(vmm_vm_load(v, i, &img, err, sizeof err) == 0, "%s", err);
        machine_console_input(bare[i], input, sizeof input - 1);
        vmm_vm_input(v, i, input, sizeof input - 1);
        vmm_vm_set_limit(v, i, steps);
        machine_run(bare[i], steps, NULL);
    }
    struct watch w = {.v = v, .q = q, .slice = slice, .prev_vm = -1};
    w.snap = malloc(q * sizeof *w.snap);
    memcpy(w.snap, machine_mem(vmm_machine(v)), q * sizeof *w.snap);
    memcpy(w.cp, w.snap, sizeof w.cp);
    for (int i = 0; i < n; i++)
        w.hybrid[i] = hybrid_count(v, i);
    w.real_traps = fuzz_traps(vmm_machine(v));
    vmm_set_event_hook(v, on_event, &w);
    while (vmm_run(v, UINT64_MAX, NULL) != VMMSTOP_DONE)
        ;
    check(&w, -1);
    for (uint32_t i = q - SPARE; i < q; i++)
        FUZZ_CHECK(machine_mem(vmm_machine(v))[i] == 0, "free word E[%u] was written", i);
    /* FUZZ_CP_DYNAMIC=1 leaves out this static check, so that the self test
     * shows the run-time invariants alone find a broken allocator */
    char why[256] = "";
    FUZZ_CHECK(dynamic_only || vmm_state_check(v, why, sizeof why) == 0,
               "the CP's state is broken: %s", why);
    for (int i = 0; i < n; i++) {
        char diff[256] = "";
        vmm_compare(bare[i], v, i, diff, sizeof diff);
        FUZZ_CHECK(!diff[0], "VM %d of %d (%s%s, slice %llu) differs from its bare run: %s",
                   i, n, modes[mode].profile, modes[mode].hybrid ? ", hybrid" : "",
                   (unsigned long long)slice, diff);
        machine_destroy(bare[i]);
    }
    free(w.snap);
    vmm_destroy(v);
    return 0;
}
