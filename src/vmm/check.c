/* check.c: the equivalence property of sections 5 and 6, checked by running.
 *
 * Start a bare machine of w words in S1 (an image) and the control program
 * with the image in a VM in f(S1).  If the bare machine halts in S2, the VM
 * must halt in S2' = f(S2).  f(S2) is computed with vmmap_f into a scratch
 * real machine and compared with the real machine word by word (the region
 * and the CP), then the PSW the CP would load and its record of the virtual
 * M and R; then the devices and virtual time, which f leaves unchanged.
 */
#include <stdio.h>
#include <string.h>

#include "tgm/bytes.h"
#include "vmm_impl.h"

/* Steps between two looks at check_opts.stop. */
#define CHECK_CHUNK ((uint64_t)1 << 20)

void vmm_trap_loop_note(const struct machine *bare, char *diff, size_t len)
{
    unsigned cause;
    size_t n = strlen(diff);
    if (n < len && machine_trap_loop(bare, &cause))
        snprintf(diff + n, len - n, ": it is in a trap loop (each step takes %s %s trap and "
                 "E[1] loads the same PSW: a disabled wait)", trap_cause_article(cause),
                 trap_cause_name(cause));
}

static void trap_loop_note(const struct machine *bare, bool halted, char *diff, size_t len)
{
    static const char not_halted[] = "the bare machine did not halt";
    if (!halted && !strncmp(diff, not_halted, sizeof not_halted - 1))
        vmm_trap_loop_note(bare, diff, len);
}

static struct machine *run_bare(const struct tgm_image *img, const struct check_opts *o,
                                uint32_t w, uint64_t steps, bool *halted, char *err,
                                size_t errlen)
{
    struct machine_config mc = {.q = w, .profile = o->profile};
    struct machine *m = machine_create(&mc);
    if (!m) { /* a size machine_create takes: then memory ran out */
        if (w < TGM_Q_MIN || w > TGM_Q_MAX)
            tgm_err(err, errlen, "cannot create a bare machine of %u words", w);
        else
            tgm_err(err, errlen, "out of memory for a bare machine of %u words", w);
        return NULL;
    }
    if (image_load(m, img, err, errlen) != 0) {
        machine_destroy(m);
        return NULL;
    }
    if (machine_console_input(m, o->input, o->input_len) != 0) { /* it said nothing */
        machine_destroy(m);
        tgm_err(err, errlen, "out of memory for the console input");
        return NULL;
    }
    struct machine_exit ex;
    if (!o->stop) {
        *halted = machine_run(m, steps, &ex) == EXIT_HALT;
        return m;
    }
    /* in chunks, so that a stop request is seen; a run resumes exactly */
    uint64_t left = steps;
    enum exit_reason r = EXIT_BUDGET;
    do {
        uint64_t s0 = machine_steps(m), n = left < CHECK_CHUNK ? left : CHECK_CHUNK;
        r = machine_run(m, n, &ex);
        uint64_t did = machine_steps(m) - s0;
        left -= did < left ? did : left;
    } while (left && r == EXIT_BUDGET && !o->stop());
    if (r == EXIT_BUDGET && left) { /* asked to stop */
        machine_destroy(m);
        tgm_err(err, errlen, "interrupted: no verdict");
        return NULL;
    }
    *halted = r == EXIT_HALT;
    return m;
}

/* VMM_K + N * W in decimal into BUF: the product can pass 2^64 (N is any
 * count a caller gives), so it is worked out in three 32-bit limbs. */
static const char *words_needed(uint64_t n, uint32_t w, char *buf, size_t len)
{
    uint64_t lo = (n & UINT32_MAX) * w + VMM_K;   /* < 2^64 */
    uint64_t hi = (n >> 32) * w + (lo >> 32);      /* < 2^64 */
    uint32_t limb[3] = {(uint32_t)(hi >> 32), (uint32_t)hi, (uint32_t)lo};
    char digits[32];
    size_t nd = 0;
    do { /* divide the limbs by 10, the remainder the next digit */
        uint64_t rem = 0;
        for (int i = 0; i < 3; i++) {
            uint64_t cur = rem << 32 | limb[i];
            limb[i] = (uint32_t)(cur / 10);
            rem = cur % 10;
        }
        digits[nd++] = (char)('0' + rem);
    } while (limb[0] | limb[1] | limb[2]);
    size_t i = 0;
    for (; i < nd && i + 1 < len; i++)
        buf[i] = digits[nd - 1 - i];
    if (len)
        buf[i] = '\0';
    return buf;
}

int vmm_guests_fit(uint64_t n, const char *what, uint32_t w, char *err, size_t errlen)
{
    /* divided, not multiplied: N * W may wrap to a small number */
    if (w == 0 || n <= (TGM_Q_MAX - VMM_K) / w)
        return 0;
    char q[32];
    return tgm_err(err, errlen,
                   "%llu %s%s of %u words need%s %s words of real memory, more than %u",
                   (unsigned long long)n, what, n == 1 ? "" : "s", w, n == 1 ? "s" : "",
                   words_needed(n, w, q, sizeof q), TGM_Q_MAX);
}

const char *vmm_mem_hint(const struct tgm_image *img, uint32_t w, uint32_t most,
                         const char *opt, char *buf, size_t len)
{
    uint64_t need = (uint64_t)img->load + img->nwords;
    if (need <= w)
        return "";
    if (need <= most)
        snprintf(buf, len, " (try a larger %s)", opt);
    else
        snprintf(buf, len, " (no %s is large enough: a guest has at most %u words here)", opt,
                 most);
    return buf;
}

/* All images in one control program, each in a VM of w words. */
static struct vmm *run_vmm(const struct tgm_image *const *imgs, size_t n,
                           const struct check_opts *o, uint32_t w, uint64_t steps,
                           char *lost, size_t lostlen, char *err, size_t errlen)
{
    uint64_t q = VMM_K + (uint64_t)n * w;
    if (vmm_guests_fit(n, "guest", w, err, errlen) != 0)
        return NULL;
    struct vmm_config vc = {.q = (uint32_t)q, .profile = o->profile, .slice = o->slice,
                            .hybrid = o->hybrid};
    struct vmm *v = vmm_create(&vc, err, errlen);
    if (!v)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        int id = vmm_vm_create(v, w, NULL, err, errlen);
        if (id < 0 || vmm_vm_load(v, id, imgs[i], err, errlen) != 0) {
            vmm_destroy(v);
            return NULL;
        }
        if (vmm_vm_input(v, id, o->input, o->input_len) != 0) {
            vmm_destroy(v);
            tgm_err(err, errlen, "out of memory for the console input");
            return NULL;
        }
        vmm_vm_set_limit(v, id, steps);
    }
    struct vmm_exit ex;
    uint64_t chunk = o->stop ? CHECK_CHUNK : UINT64_MAX; /* vmm_run resumes exactly */
    while (vmm_run(v, chunk, &ex) == VMMSTOP_BUDGET)
        if (o->stop && o->stop()) {
            vmm_destroy(v);
            tgm_err(err, errlen, "interrupted: no verdict");
            return NULL;
        }
    lost[0] = '\0';
    if (ex.reason == VMMSTOP_DEBUG) /* e.g. a HALT a broken profile let run directly */
        snprintf(lost, lostlen, "the control program lost the processor: the real "
                 "machine stopped (%s) in VM %d", exit_reason_name(ex.mx.reason), ex.vm);
    return v;
}

/* Was console output lost for want of memory, on BARE or a VM of V?  Then
 * no verdict can rest on it: true, with ERR saying so. */
static bool console_lost(const struct machine *bare, struct vmm *v, size_t n, char *err,
                         size_t errlen)
{
    bool lost = bare && machine_console_lost(bare);
    for (size_t i = 0; i < n && !lost; i++)
        lost = machine_console_lost(vmm_vm_view(v, (int)i));
    if (lost)
        tgm_err(err, errlen, "out of memory for the console output: no verdict");
    return lost;
}

int vmm_compare(const struct machine *bare, struct vmm *v, int id, char *diff,
                 size_t len)
{
    if (!len) /* no room even for the NUL: diff[0] below would be past it */
        return -1;
    if (id < 0 || id >= VMM_MAX_VMS || !v->vms[id].live) {
        snprintf(diff, len, "no VM %d", id);
        return -1;
    }
    struct vm *vm = &v->vms[id];
    struct vm_map map = {vm->base, vm->w};
    struct machine_config mc = {.q = v->q, .profile = v->profile, .hostcalls = true};
    struct machine *fs = machine_create(&mc);
    struct vm_record rec;
    diff[0] = '\0';
    if (!fs || vmmap_f(&map, bare, fs, &rec) != 0) {
        snprintf(diff, len, fs ? "cannot compute f(S2)" : "out of memory for f(S2)");
        machine_destroy(fs);
        return -1;
    }
    const uint64_t *want = machine_mem(fs), *have = machine_mem(v->m);
    for (uint32_t i = 1; i < v->q && !diff[0]; i++) {
        bool region = i >= map.base && i < map.base + map.w;
        if ((region || i < VMM_K) && want[i] != have[i]) {
            if (region)
                snprintf(diff, len, "E[%u] (real E[%u]): bare 0x%016llx, vm 0x%016llx",
                         i - map.base, i, (unsigned long long)want[i],
                         (unsigned long long)have[i]);
            else
                snprintf(diff, len, "control program word E'[%u] changed", i);
        }
    }
    struct psw vp = machine_psw(vm->view);
    struct psw fp = machine_psw(fs), sp = vmmap_real_psw(&map, &vp);
    struct {
        const char *name;
        uint64_t want, have;
    } f[] = {
        {"virtual M (1 = supervisor)", rec.vsup, vp.sup}, {"virtual I", rec.vie, vp.ie},
        {"P'", fp.p, sp.p},          {"R' l", fp.l, sp.l},
        {"R' b", fp.b, sp.b},        {"virtual R l", rec.vl, vp.l},
        {"virtual R b", rec.vb, vp.b},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0] && !diff[0]; i++)
        if (f[i].want != f[i].have)
            snprintf(diff, len, "%s: bare %llu, vm %llu", f[i].name,
                     (unsigned long long)f[i].want, (unsigned long long)f[i].have);
    if (!diff[0])
        machine_compare(bare, vm->view, CMP_COUNTERS, "bare", "vm", diff, len);
    machine_destroy(fs);
    return 0;
}

/* One verdict: both halted and nothing differs.  A run that did not halt
 * names the limit it ran into, as 'tgm check --nest' does. */
static bool verdict(bool bare_halted, const char *lost, const struct vm *vm, uint64_t steps,
                    char *diff, size_t len)
{
    const char *s = steps == 1 ? "" : "s";
    if (lost[0]) {
        snprintf(diff, len, "%s", lost);
        return false;
    }
    if (!bare_halted) {
        snprintf(diff, len, "the bare machine did not halt within %llu step%s",
                 (unsigned long long)steps, s);
        return false;
    }
    if (vm->state == VM_LIMIT) {
        snprintf(diff, len, "the VM did not halt within %llu step%s", (unsigned long long)steps,
                 s);
        return false;
    }
    if (vm->state != VM_HALTED) {
        snprintf(diff, len, "the VM did not halt (%s)", vm_state_name(vm->state));
        return false;
    }
    return diff[0] == '\0';
}

int vmm_check(const struct tgm_image *const *imgs, size_t n,
              const struct check_opts *o, struct check_result *results,
              char *err, size_t errlen)
{
    static const struct check_opts defaults; /* O NULL: every default */
    if (!o)
        o = &defaults;
    uint32_t w = o->w ? o->w : TGM_Q_DEFAULT;
    uint64_t steps = o->max_steps ? o->max_steps : CHECK_DEFAULT_STEPS;
    struct machine *bare[VMM_MAX_VMS] = {0};
    struct vmm *all = NULL;
    int rc = -1;
    if (n == 0 || n > VMM_MAX_VMS)
        return tgm_err(err, errlen, "check takes 1..%d images", VMM_MAX_VMS);
    memset(results, 0, n * sizeof *results);
    for (size_t i = 0; i < n; i++) {
        struct check_result *r = &results[i];
        bare[i] = run_bare(imgs[i], o, w, steps, &r->bare_halted, err, errlen);
        if (!bare[i]) {
            r->setup_failed = !(o->stop && o->stop()); /* else interrupted */
            goto out;
        }
        r->bare = machine_get_counters(bare[i]);
        char lost[160];
        struct vmm *one = run_vmm(&imgs[i], 1, o, w, steps, lost, sizeof lost, err, errlen);
        if (!one) {
            r->setup_failed = !(o->stop && o->stop()); /* else interrupted */
            goto out;
        }
        if (console_lost(bare[i], one, 1, err, errlen)) {
            r->setup_failed = true;
            vmm_destroy(one);
            goto out;
        }
        if (vmm_compare(bare[i], one, 0, r->alone_diff, sizeof r->alone_diff) != 0) {
            tgm_err(err, errlen, "%s: no verdict", r->alone_diff);
            r->setup_failed = true;
            vmm_destroy(one);
            goto out;
        }
        r->alone_halted = one->vms[0].state == VM_HALTED;
        r->equivalent = verdict(r->bare_halted, lost, &one->vms[0], steps, r->alone_diff,
                                sizeof r->alone_diff);
        r->stats = one->vms[0].stats;
        r->alone_done = true;
        trap_loop_note(bare[i], r->bare_halted, r->alone_diff, sizeof r->alone_diff);
        vmm_destroy(one);
    }
    if (n > 1) {
        char lost[160];
        all = run_vmm(imgs, n, o, w, steps, lost, sizeof lost, err, errlen);
        if (!all || console_lost(NULL, all, n, err, errlen))
            goto out;
        for (size_t i = 0; i < n; i++) {
            struct check_result *r = &results[i];
            if (vmm_compare(bare[i], all, (int)i, r->together_diff, sizeof r->together_diff)) {
                tgm_err(err, errlen, "%s: no verdict", r->together_diff);
                goto out;
            }
            r->together_halted = all->vms[i].state == VM_HALTED;
            r->equivalent &= verdict(r->bare_halted, lost, &all->vms[i], steps, r->together_diff,
                                     sizeof r->together_diff);
            r->together_done = true;
            trap_loop_note(bare[i], r->bare_halted, r->together_diff, sizeof r->together_diff);
        }
    }
    rc = 0;
out:
    vmm_destroy(all);
    for (size_t i = 0; i < n; i++)
        machine_destroy(bare[i]);
    return rc;
}
