/* nest_run.c: running a stack of control programs (section 7), on a bare
 * machine or as a VM of the C control program, with the guest proper's
 * trap log.
 *
 * The log is every word written to the guest proper's E[0]: on a bare
 * machine each trap writes one there (section 2), and under any stack the
 * CP of level 1 writes the same words when it reflects the same traps.
 * Equal logs mean every trap, the timer's included, was taken at the same
 * P in the same state.  A watchpoint on that one word collects them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/bytes.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"
#include "vmm_impl.h"

#define NEST_CHUNK (UINT64_C(1) << 22)

static int fail(struct nest_run *r, char *err, size_t errlen, const char *what)
{
    nest_run_free(r);
    return tgm_err(err, errlen, "%s", what);
}

/* A stack of Q words that does not fit the machine, with BELOW words of
 * the C control program under it (0 on a bare machine): said with the
 * most a guest can have at this depth, BELOW taken off too. */
static int stack_too_big(unsigned depth, uint32_t k, uint32_t w, uint32_t below, char *err,
                         size_t errlen)
{
    unsigned long long need = (unsigned long long)depth * k + w + below;
    long long most = (long long)TGM_Q_MAX - below - (long long)depth * k;
    if (below == 0)
        return tgm_err(err, errlen, "%u level%s of %u words and a guest of %u words "
                       "need %llu words, more than the %u a machine has: at this depth a "
                       "guest has at most %lld words",
                       depth, depth == 1 ? "" : "s", (unsigned)k, (unsigned)w, need,
                       TGM_Q_MAX, most);
    return tgm_err(err, errlen, "%u level%s of %u words, a guest of %u words and the C "
                   "control program's %u need %llu words, more than the %u a machine "
                   "has: at this depth a guest has at most %lld words",
                   depth, depth == 1 ? "" : "s", (unsigned)k, (unsigned)w, (unsigned)below,
                   need, TGM_Q_MAX, most);
}

/* nest_build with BELOW words of the machine taken by what runs the stack */
static int build_on(const struct tgm_image *cp, const struct tgm_image *guest, unsigned depth,
                    uint32_t w, uint32_t below, struct tgm_image *stack,
                    struct nest_layout *lay, char *err, size_t errlen)
{
    struct tgm_image own = {0};
    if (!cp) {
        if (nest_cp_image(&own, err, errlen) != 0)
            return -1;
        cp = &own;
    }
    struct nest_map map = {0};
    /* said as a bare run says it: W is the guest's memory */
    int rc = image_fits(guest, w, err, errlen) != 0 || nest_learn(cp, &map, err, errlen) != 0
                 ? -1 : 0;
    uint64_t q = (uint64_t)depth * map.k + w;
    if (rc == 0 && q + below > TGM_Q_MAX)
        rc = stack_too_big(depth, map.k, w, below, err, errlen);
    if (rc == 0)
        rc = nest_compose(cp, guest, depth, (uint32_t)q, stack, lay, err, errlen);
    image_free(&own);
    return rc;
}

int nest_build(const struct tgm_image *cp, const struct tgm_image *guest, unsigned depth,
               uint32_t w, struct tgm_image *stack, struct nest_layout *lay, char *err,
               size_t errlen)
{
    return build_on(cp, guest, depth, w, 0, stack, lay, err, errlen);
}

int nest_run_start(const struct tgm_image *cp, const struct tgm_image *guest,
                   const struct nest_run_opts *o, struct nest_run *r, char *err,
                   size_t errlen)
{
    struct tgm_image stack = {0};
    const struct tgm_image *img = guest;
    *r = (struct nest_run){.vm = -1};
    if (o->depth > 0) {
        /* under the C control program its 8 words come off the most too */
        if (build_on(cp, guest, o->depth, o->w, o->under_vmm ? VMM_K : 0, &stack, &r->lay,
                     err, errlen) != 0)
            return -1;
        img = &stack;
    } else {
        /* the bare machine is the guest's: W words exactly (machine_create
         * would take 0 as its default size, and give no reason for others) */
        if (o->w < TGM_Q_MIN || o->w > TGM_Q_MAX)
            return tgm_err(err, errlen, "a guest of %u word%s is out of range (%u..%u)",
                           (unsigned)o->w, o->w == 1 ? "" : "s", TGM_Q_MIN, TGM_Q_MAX);
        r->lay = (struct nest_layout){0, o->w, 0, o->w, {0}};
    }
    uint32_t q = r->lay.q;
    uint32_t watch = r->lay.top_base;
    /* depth 0 (build_on said it for the others): what, not "real memory" */
    if (o->under_vmm && (uint64_t)VMM_K + q > TGM_Q_MAX) {
        image_free(&stack);
        return stack_too_big(o->depth, r->lay.map.k, o->w, VMM_K, err, errlen);
    }
    if (o->under_vmm) {
        struct vmm_config vc = {.q = VMM_K + q};
        if (!(r->vmm = vmm_create(&vc, err, errlen))) {
            image_free(&stack);
            return -1;
        }
        r->real = vmm_machine(r->vmm);
        r->vm = vmm_vm_create(r->vmm, q, "stack", err, errlen);
        if (r->vm < 0 || vmm_vm_load(r->vmm, r->vm, img, err, errlen) != 0) {
            image_free(&stack);
            nest_run_free(r);
            return -1;
        }
        if (vmm_vm_input(r->vmm, r->vm, o->input, o->input_len) != 0) { /* it said nothing */
            image_free(&stack);
            return fail(r, err, errlen, "out of memory for the console input");
        }
        r->m = vmm_vm_view(r->vmm, r->vm);
        struct vm_info info = {0};
        if (vmm_vm_info(r->vmm, r->vm, &info) != 0) { /* created just now: cannot fail */
            image_free(&stack);
            return fail(r, err, errlen, "the stack's VM vanished as it was created");
        }
        watch += info.base;
    } else {
        struct machine_config mc = {.q = q};
        if (!(r->real = machine_create(&mc))) {
            image_free(&stack);
            return fail(r, err, errlen, "out of memory for the machine");
        }
        r->m = r->real;
        if (image_load(r->real, img, err, errlen) != 0) {
            image_free(&stack);
            nest_run_free(r);
            return -1;
        }
        if (machine_console_input(r->real, o->input, o->input_len) != 0) {
            image_free(&stack);
            return fail(r, err, errlen, "out of memory for the console input");
        }
    }
    image_free(&stack);
    if (o->log_traps && machine_watch(r->real, watch, WATCH_WRITE) != 0)
        return fail(r, err, errlen, "out of memory for the watch on the guest's E[0]");
    return 0;
}

static bool log_word(struct nest_run *r, uint64_t word)
{
    if (r->nlog == r->caplog) {
        size_t cap = r->caplog ? 2 * r->caplog : 256;
        uint64_t *p = realloc(r->log, cap * sizeof *p);
        if (!p)
            return false;
        r->log = p;
        r->caplog = cap;
    }
    r->log[r->nlog++] = word;
    return true;
}

bool nest_run_go(struct nest_run *r, uint64_t budget)
{
    uint64_t left = budget ? budget : UINT64_MAX;
    while (!r->halted && left > 0) {
        uint64_t chunk = left < NEST_CHUNK ? left : NEST_CHUNK;
        struct machine_exit mx;
        uint64_t s0 = machine_steps(r->m);
        if (r->vmm) {
            struct vmm_exit vx;
            enum vmm_stop why = vmm_run(r->vmm, chunk, &vx);
            struct vm_info info;
            r->halted = vmm_vm_info(r->vmm, r->vm, &info) == 0 && info.state == VM_HALTED;
            mx = why == VMMSTOP_DEBUG ? vx.mx : (struct machine_exit){.reason = EXIT_BUDGET};
            if (why == VMMSTOP_DONE && !r->halted)
                mx.reason = EXIT_TRAP; /* stopped for another reason: give up */
        } else {
            machine_run(r->real, chunk, &mx);
            r->halted = mx.reason == EXIT_HALT;
        }
        uint64_t used = machine_steps(r->m) - s0;
        r->steps += used;
        left -= used < left ? used : left;
        if (mx.reason == EXIT_WATCH) {
            if (!log_word(r, machine_mem(r->real)[mx.addr]))
                return false;
        } else if (mx.reason != EXIT_BUDGET && !r->halted) {
            return false;
        }
    }
    return r->halted;
}

void nest_run_free(struct nest_run *r)
{
    if (r->vmm)
        vmm_destroy(r->vmm);
    else
        machine_destroy(r->real);
    free(r->log);
    *r = (struct nest_run){.vm = -1};
}

struct machine *nest_run_top(const struct nest_run *r)
{
    struct machine_config mc = {.q = r->lay.top_w};
    struct machine *out = machine_create(&mc);
    if (!out)
        return NULL;
    if (r->lay.depth > 0) {
        /* the console is the bottom machine's; under the C CP, the VM's */
        if (nest_top_state(&r->lay, r->m, out) != 0) {
            machine_destroy(out);
            return NULL;
        }
        return out;
    }
    uint8_t *buf;
    size_t len;
    char err[128];
    if (machine_state_save(r->m, true, &buf, &len) != 0) {
        machine_destroy(out);
        return NULL;
    }
    int rc = machine_state_load(out, buf, len, err, sizeof err);
    free(buf);
    if (rc != 0) {
        machine_destroy(out);
        return NULL;
    }
    return out;
}

/* An entry is numbered as a write, not a trap, and shown as the word
 * read as a PSW: the guest's own stores are in the log too. */
bool nest_logs_differ(const uint64_t *b, size_t nb, const uint64_t *n, size_t nn, char *diff,
                      size_t len)
{
    size_t i = 0;
    while (i < nb && i < nn && b[i] == n[i])
        i++;
    if (i == nb && i == nn)
        return false;
    if (i == nb || i == nn) {
        snprintf(diff, len, "trap log: bare wrote E[0] %zu time%s, nested %zu", nb,
                 nb == 1 ? "" : "s", nn);
        return true;
    }
    struct psw x = psw_unpack(b[i]), y = psw_unpack(n[i]);
    snprintf(diff, len, "trap log, E[0] write %zu: bare wrote 0x%016llx (cause %s, P=0x%x), "
             "nested 0x%016llx (cause %s, P=0x%x)", i + 1, (unsigned long long)b[i],
             trap_cause_name(x.cause), (unsigned)x.p, (unsigned long long)n[i],
             trap_cause_name(y.cause), (unsigned)y.p);
    return true;
}

/* nest_run_go for nest_check: in chunks when STOP is set, so that a stop
 * request is seen (the runs resume exactly); *STOPPED says it came. */
static bool go_or_stop(struct nest_run *r, uint64_t budget, bool (*stop)(void), bool *stopped)
{
    if (!stop)
        return nest_run_go(r, budget);
    uint64_t left = budget ? budget : UINT64_MAX;
    for (;;) {
        uint64_t n = left < NEST_CHUNK ? left : NEST_CHUNK, s0 = r->steps;
        if (nest_run_go(r, n))
            return true;
        uint64_t used = r->steps - s0;
        if (used < n || (left -= used) == 0) /* stopped another way, or spent */
            return false;
        if (stop()) {
            *stopped = true;
            return false;
        }
    }
}

int nest_check(const struct tgm_image *cp, const struct tgm_image *guest,
               const struct nest_run_opts *o, uint64_t max_steps,
               struct nest_check_result *res, char *err, size_t errlen)
{
    return nest_check_until(cp, guest, o, max_steps, NULL, res, err, errlen);
}

int nest_check_until(const struct tgm_image *cp, const struct tgm_image *guest,
                     const struct nest_run_opts *o, uint64_t max_steps, bool (*stop)(void),
                     struct nest_check_result *res, char *err, size_t errlen)
{
    struct nest_run b, n;
    if (max_steps == 0) /* as vmm_check takes it: a check always ends */
        max_steps = CHECK_DEFAULT_STEPS;
    struct nest_run_opts ob = *o;
    ob.depth = 0;
    ob.under_vmm = false;
    ob.log_traps = true;
    *res = (struct nest_check_result){0};
    if (nest_run_start(NULL, guest, &ob, &b, err, errlen) != 0)
        return -1;
    struct nest_run_opts on = *o;
    on.log_traps = true;
    if (nest_run_start(cp, guest, &on, &n, err, errlen) != 0) {
        nest_run_free(&b);
        return -1;
    }
    bool stopped = false;
    res->bare_halted = go_or_stop(&b, max_steps, stop, &stopped);
    uint64_t cap = max_steps && max_steps < UINT64_MAX / NEST_STEP_FACTOR
                       ? max_steps * NEST_STEP_FACTOR : 0;
    res->nest_halted = res->bare_halted && go_or_stop(&n, cap, stop, &stopped);
    if (stopped) {
        nest_run_free(&b);
        nest_run_free(&n);
        return tgm_err(err, errlen, "interrupted: no verdict");
    }
    res->bare_steps = machine_steps(b.m);
    res->bare_cycles = machine_cycles(b.m);
    /* the real machine, as 'tgm run --nest' reports it: under the C CP its
     * machine, not the VM the stack runs in */
    res->real_steps = machine_steps(n.real);
    res->real_cycles = machine_cycles(n.real);
    /* the bare machine's own count: the log also holds any word the
     * guest stores in its E[0] itself (a kernel resuming after an SVC) */
    struct machine_counters bc = machine_get_counters(b.m);
    for (int c = 0; c < TRAP_NCAUSES; c++)
        res->traps += bc.traps[c];
    res->timer_traps = bc.traps[TRAP_TIMER];
    if (!res->bare_halted) {
        snprintf(res->diff, sizeof res->diff, "the bare run did not halt within %llu step%s",
                 (unsigned long long)max_steps, max_steps == 1 ? "" : "s");
        vmm_trap_loop_note(b.m, res->diff, sizeof res->diff);
    } else if (!res->nest_halted) {
        snprintf(res->diff, sizeof res->diff, "the nested run did not halt within %llu step%s",
                 (unsigned long long)cap, cap == 1 ? "" : "s");
    } else {
        struct machine *tb = nest_run_top(&b), *tn = nest_run_top(&n);
        /* a machine or a console byte memory could not hold: no verdict */
        bool oom = !tb || !tn || machine_console_lost(b.m) || machine_console_lost(n.m) ||
                   machine_console_lost(tb) || machine_console_lost(tn);
        if (!oom && machine_compare(tb, tn, 0, "bare", "nested", res->diff,
                                    sizeof res->diff) == 0)
            nest_logs_differ(b.log, b.nlog, n.log, n.nlog, res->diff, sizeof res->diff);
        machine_destroy(tb);
        machine_destroy(tn);
        if (oom) {
            nest_run_free(&b);
            nest_run_free(&n);
            return tgm_err(err, errlen, "out of memory comparing the runs: no verdict");
        }
    }
    res->equivalent = res->diff[0] == '\0';
    nest_run_free(&b);
    nest_run_free(&n);
    return 0;
}

void nest_check_traps(const struct nest_check_result *res, char *buf, size_t len)
{
    if (!res->traps) /* not "0 traps in the same order" */
        snprintf(buf, len, "no traps");
    else
        snprintf(buf, len, "%zu trap%s in the same order, %zu of them %s", res->traps,
                 res->traps == 1 ? "" : "s", res->timer_traps,
                 res->timer_traps == 1 ? "a timer trap" : "timer traps");
}
