/* test_audit_refrev_vm.c: reverse execution with a VM selected against a
 * naive model written from docs/monitor.md ("In a VM", rstep, rcontinue),
 * as test_audit_refrev.c does for the bare machine.
 *
 * The model drives a twin control program itself, one guest step at a
 * time (vmm_run with a budget of 1: calls whose budgets add up to N end
 * where one call of N does, vmm.h), and keeps the whole session (the real
 * machine and the control program's table) after every guest step.  A
 * random session of one to three generated guests with short time slices
 * goes through the monitor: 'step N' (the selected VM's steps), 'go for N'
 * (all VMs' guest steps), 'rstep N' (to where a command left the VM at
 * that step, else just after the step), 'rcontinue' (just after the VM's
 * previous trap), changes that start a new history (vm input, deposit,
 * set checkpoint) and 'vm select' to and fro, which keeps it.  After each
 * command the session must be the model's, byte for byte, and going back
 * empties the ring.  TGM_REFREV_SESSIONS runs more sessions than 60 (from seed
 * TGM_REFREV_FIRST).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mon_support.h"
#include "progen.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"
#include "rng.h"

#define LIMIT 4000 /* 'set limit': every run ends */

static uint64_t rs;
static uint64_t rnd(void)
{
    return rng_xorshift(&rs);
}
static uint64_t below(uint64_t n) { return rnd() % n; }

struct blob {
    uint8_t *b;
    size_t len;
};

/* The command run last, and where its output and errors begin in the
 * session's buffers (OUT and ERR below). */
static char line[512], ctx[640];
static size_t omark, emark;
#define OUT(s) ((s)->obuf + omark)
#define ERR(s) ((s)->ebuf + emark)

static int exec(struct ms_sess *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int exec(struct ms_sess *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fflush(s->out);
    fflush(s->err);
    omark = s->olen;
    emark = s->elen;
    int rc = mon_exec_line(s->m, line);
    fflush(s->out);
    fflush(s->err);
    if (getenv("TGM_REFREV_VERBOSE"))
        fprintf(stderr, "> %s\n%s%s", line, OUT(s), ERR(s));
    return rc;
}

#define NV 3

/* A point of the session's history: the real machine and the control
 * program's table (LA bytes of the first), and each VM's steps and traps. */
struct vpoint {
    struct blob s;
    size_t la;
    uint64_t steps[NV], traps[NV];
    bool left; /* a command left the session here */
};

struct vmodel {
    struct vmm *v; /* the twin's control program, driven here */
    int nvm;
    struct vpoint *p;
    size_t n, pos, cap;
};

static struct vpoint vtake(struct vmm *v, int nvm)
{
    struct vpoint p = {0};
    uint8_t *a, *c;
    size_t lc;
    assert_int_equal(machine_state_save(vmm_machine(v), true, &a, &p.la), 0);
    assert_int_equal(vmm_state_save(v, &c, &lc), 0);
    p.s.len = p.la + lc;
    p.s.b = malloc(p.s.len);
    assert_non_null(p.s.b);
    memcpy(p.s.b, a, p.la);
    memcpy(p.s.b + p.la, c, lc);
    free(a);
    free(c);
    for (int i = 0; i < nvm; i++) {
        struct machine_counters k = machine_get_counters(vmm_vm_view(v, i));
        p.steps[i] = k.steps;
        for (unsigned t = 1; t < TRAP_NCAUSES; t++)
            p.traps[i] += k.traps[t];
    }
    return p;
}

static void vtruncate(struct vmodel *vm, size_t n)
{
    for (size_t k = n; k < vm->n; k++)
        free(vm->p[k].s.b);
    if (n < vm->n)
        vm->n = n;
}

static void vpush(struct vmodel *vm, bool left)
{
    vtruncate(vm, vm->pos + 1);
    if (vm->n == vm->cap) {
        vm->cap = vm->cap ? 2 * vm->cap : 256;
        vm->p = realloc(vm->p, vm->cap * sizeof *vm->p);
        assert_non_null(vm->p);
    }
    vm->p[vm->n] = vtake(vm->v, vm->nvm);
    vm->p[vm->n].left = left;
    vm->pos = vm->n++;
}

static void vrebase(struct vmodel *vm)
{
    vtruncate(vm, 0);
    vm->pos = 0;
    vpush(vm, true);
}

static void vgo_to(struct vmodel *vm, size_t k)
{
    char err[256];
    const struct vpoint *p = &vm->p[k];
    if (machine_state_load(vmm_machine(vm->v), p->s.b, p->la, err, sizeof err) != 0 ||
        vmm_state_load(vm->v, p->s.b + p->la, p->s.len - p->la, err, sizeof err) != 0)
        fail_msg("%s: model: %s", ctx, err);
    vm->pos = k;
}

static bool runnable(struct vmodel *vm, int id)
{
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(vm->v, id, &vi), 0);
    return vi.state == VM_RUNNABLE;
}

/* One guest step at a time (calls whose budgets add up to N end where one
 * call of N does, vmm.h): 'step N' until VM SEL took N steps of its own,
 * 'go for N' N guest steps of all VMs. */
static void vrun(struct vmodel *vm, int sel, bool own, uint64_t n)
{
    uint64_t want = vm->p[vm->pos].steps[sel] + n, k = 0;
    for (;;) {
        if (own ? vm->p[vm->pos].steps[sel] >= want || !runnable(vm, sel) : k >= n)
            break;
        struct vmm_exit ex;
        enum vmm_stop why = vmm_run(vm->v, 1, &ex);
        k++;
        vpush(vm, false);
        if (why == VMMSTOP_DONE)
            break;
    }
    vm->p[vm->pos].left = true;
}

/* Where 'rstep' to VM SEL's step T lands: a point a command left the VM
 * at, else just after the VM's step.  -1 if it is before the history. */
static ptrdiff_t vtarget(const struct vmodel *vm, int sel, uint64_t t)
{
    ptrdiff_t first = -1;
    for (size_t k = vm->pos + 1; k-- > 0;)
        if (vm->p[k].steps[sel] == t) {
            if (vm->p[k].left)
                return (ptrdiff_t)k;
            first = (ptrdiff_t)k;
        }
    return first;
}

/* A VM in a trap loop (a disabled wait) ends a run early, which the model
 * does not look for: it takes the monitor's word, at the point of the
 * same steps, only when the monitor says so. */
static void vsettle(struct ms_sess *s, struct vmodel *vm)
{
    struct vpoint got = vtake(mon_vmm(s->m), vm->nvm);
    free(got.s.b);
    size_t k = vm->pos;
    while (k > 0 && memcmp(vm->p[k].steps, got.steps, sizeof got.steps))
        k--;
    if (k == vm->pos || memcmp(vm->p[k].steps, got.steps, sizeof got.steps) != 0)
        return;
    if (!strstr(OUT(s), "trap loop after"))
        fail_msg("%s: the monitor stopped %zu guest steps before the model", ctx, vm->pos - k);
    vgo_to(vm, k);
    vtruncate(vm, k + 1);
    vm->p[k].left = true;
}

static void check_vsame(struct mon *m, const struct vmodel *vm)
{
    struct vpoint got = vtake(mon_vmm(m), vm->nvm);
    const struct vpoint *want = &vm->p[vm->pos];
    if (got.s.len != want->s.len || memcmp(got.s.b, want->s.b, got.s.len)) {
        char steps[128] = "", *o = steps;
        for (int i = 0; i < vm->nvm; i++)
            o += sprintf(o, " g%d %llu/%llu", i, (unsigned long long)got.steps[i],
                         (unsigned long long)want->steps[i]);
        fail_msg("%s: the session differs (steps, monitor/model:%s)", ctx, steps);
    }
    free(got.s.b);
}

static void vm_session(uint64_t seed, FILE *sink, unsigned ncmd)
{
    rs = seed * UINT64_C(0xD1B54A32D192ED03) + 7;
    int nvm = 1 + (int)below(NV), sel = (int)below((uint64_t)nvm);
    struct ms_sess s;
    ms_sess_open(&s);
    struct mon *twin = mon_create(sink, sink);
    assert_non_null(twin);
    char setup[128];
    snprintf(setup, sizeof setup, "set cp-memory 4096; set slice %llu; set limit %d",
             (unsigned long long)(30 + below(300)), LIMIT);
    ms_cmd(twin, "%s", setup);
    ms_cmd(s.m, "%s; set checkpoint %llu", setup, (unsigned long long)(1 + below(20)));
    ms_vm_generated(twin, nvm, seed * 3);
    ms_vm_generated(s.m, nvm, seed * 3);
    ms_cmd(s.m, "vm select g%d", sel);
    struct vmodel vm = {.v = mon_vmm(twin), .nvm = nvm};
    vrebase(&vm);
    for (unsigned c = 0; c < ncmd; c++) {
        unsigned k = (unsigned)below(100);
        int rc = 0;
        bool back = false; /* went back: the ring is empty */
        if (k < 25) {
            uint64_t n = below(3) ? 1 + below(20) : 1 + below(300);
            rc = exec(&s, "step %llu", (unsigned long long)n);
            if (!runnable(&vm, sel)) { /* refused: "g0 is halted" */
                if (rc != -1)
                    fail_msg("seed %llu: %s: a halted VM stepped", (unsigned long long)seed, line);
                rc = 0;
            } else {
                vrun(&vm, sel, true, n);
            }
        } else if (k < 40) {
            uint64_t n = below(2) ? 1 + below(40) : 1 + below(800);
            rc = exec(&s, "go for %llu", (unsigned long long)n);
            vrun(&vm, sel, false, n);
        } else if (k < 60) {
            uint64_t now = vm.p[vm.pos].steps[sel];
            uint64_t n = below(6) == 0 ? now + 1 : 1 + below(now - vm.p[0].steps[sel] + 1);
            rc = exec(&s, "rstep %llu", (unsigned long long)n);
            ptrdiff_t to = n > now ? -1 : vtarget(&vm, sel, now - n);
            if (to < 0) {
                if (rc != -1)
                    fail_msg("seed %llu: %s: past the start of the history, not refused",
                             (unsigned long long)seed, line);
                rc = 0;
            } else {
                vgo_to(&vm, (size_t)to);
                back = true;
            }
        } else if (k < 72) {
            rc = exec(&s, "rcontinue");
            /* the latest trap of the VM's own steps before its present
             * one: a trap it stands just after, the other VMs having
             * stepped since, is not the previous (its bare machine's) */
            size_t j = vm.pos;
            uint64_t now = vm.p[vm.pos].steps[sel];
            while (j > 0 && !(vm.p[j].steps[sel] < now &&
                              vm.p[j].traps[sel] > vm.p[j - 1].traps[sel]))
                j--;
            if (vm.n == 1) { /* nothing ran since the change */
                if (rc != -1)
                    fail_msg("seed %llu: rcontinue right after a change", (unsigned long long)seed);
                rc = 0;
            } else {
                vgo_to(&vm, j); /* just after the trap, or the start */
                back = true;
            }
        } else if (k < 78) {
            int id = (int)below((uint64_t)nvm);
            rc = exec(&s, "vm input g%d q", id);
            vmm_vm_input(vm.v, id, (const uint8_t *)"q", 1);
            vrebase(&vm);
        } else if (k < 84) {
            uint32_t a = 16 + (uint32_t)below(96);
            rc = exec(&s, "deposit %u 7", a);
            uint64_t was;
            machine_read_phys(vmm_vm_view(vm.v, sel), a, &was);
            machine_write_phys(vmm_vm_view(vm.v, sel), a, 7);
            if (was != 7) /* the same value changes nothing: the history stays */
                vrebase(&vm);
        } else if (k < 86) {
            rc = exec(&s, "set checkpoint %llu", (unsigned long long)(1 + below(40)));
            vrebase(&vm);
        } else if (k < 92) { /* the history stays while VMs are (de)selected */
            sel = (int)below((uint64_t)nvm);
            rc = exec(&s, "vm select bare; regs; vm select g%d", sel);
        } else {
            rc = exec(&s, "regs; examine 16 4; vm list");
        }
        snprintf(ctx, sizeof ctx, "seed %llu, command %u '%s'", (unsigned long long)seed, c,
                 line);
        if (rc != 0)
            fail_msg("%s: failed: %s", ctx, ERR(&s));
        if (k < 40)
            vsettle(&s, &vm);
        check_vsame(s.m, &vm);
        if (back) { /* going back with a VM selected empties the ring */
            assert_int_equal(exec(&s, "history 5"), 0);
            if (strcmp(OUT(&s), "no instructions executed yet\n"))
                fail_msg("%s: the ring after going back: %s", ctx, OUT(&s));
        }
    }
    vtruncate(&vm, 0);
    free(vm.p);
    mon_destroy(twin);
    ms_sess_close(&s);
}

static void refrev__vm_sessions_agree_with_the_model(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    const char *e = getenv("TGM_REFREV_SESSIONS");
    const char *f = getenv("TGM_REFREV_FIRST"); /* the first seed, to go on */
    unsigned long n = e ? strtoul(e, NULL, 10) : 60, first = f ? strtoul(f, NULL, 10) : 1;
    for (uint64_t seed = first; seed < first + n; seed++)
        vm_session(seed, sink, 30);
    fclose(sink);
    printf("refrev: %lu sessions of 30 commands with VMs agreed with the model\n", n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refrev__vm_sessions_agree_with_the_model),
    };
    return cmocka_run_group_tests_name("audit_refrev_vm", tests, NULL, NULL);
}
