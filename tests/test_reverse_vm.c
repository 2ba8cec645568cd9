/* test_reverse_vm.c: the monitor's reverse execution with a VM selected
 * (rstep, rcontinue under the control program of sections 4-6).
 *
 * On 1,000 random programs (progen) run as one to three VMs with short
 * time slices, so that the VMs interleave: 'rstep N' after 'step N' or 'go
 * for N' must give back the whole session byte for byte (the real machine
 * with all of E, the control program's table with every VM's PSW, timer,
 * console, counters and statistics), wherever the checkpoints fall.
 * Stepping forward again must give the same states step by step, and
 * 'rcontinue' must land exactly on the state after the selected VM's last
 * trap before the present, as recorded while stepping.
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
#include "tgm/asm.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

struct snap {
    uint8_t *b;
    size_t len;
};

/* The whole session under the control program. */
static struct snap take(struct mon *m)
{
    struct vmm *v = mon_vmm(m);
    uint8_t *a, *c;
    size_t la, lc;
    assert_int_equal(machine_state_save(vmm_machine(v), true, &a, &la), 0);
    assert_int_equal(vmm_state_save(v, &c, &lc), 0);
    struct snap s = {malloc(la + lc), la + lc};
    assert_non_null(s.b);
    memcpy(s.b, a, la);
    memcpy(s.b + la, c, lc);
    free(a);
    free(c);
    return s;
}

/* Word at a time: the test hashes the session after every step. */
static uint64_t hash(const struct snap *s)
{
    uint64_t h = s->len, w;
    size_t i = 0;
    for (; i + 8 <= s->len; i += 8) {
        memcpy(&w, s->b + i, 8);
        h = (h ^ w) * UINT64_C(0x100000001b3);
    }
    for (; i < s->len; i++)
        h = (h ^ s->b[i]) * UINT64_C(0x100000001b3);
    return h;
}

static void same(const struct snap *a, const struct snap *b, uint64_t seed, const char *what)
{
    if (a->len != b->len || memcmp(a->b, b->b, a->len))
        fail_msg("seed %llu: %s: the session differs", (unsigned long long)seed, what);
}

/* The session now must be WANT. */
static void same_now(struct mon *m, const struct snap *want, uint64_t seed, const char *what)
{
    struct snap b = take(m);
    same(want, &b, seed, what);
    free(b.b);
}

#define cmd ms_cmd

static int sel; /* the selected VM */

static struct machine *view(struct mon *m) { return vmm_vm_view(mon_vmm(m), sel); }
static uint64_t steps(struct mon *m) { return machine_get_counters(view(m)).steps; }
static uint64_t traps(struct mon *m)
{
    struct machine_counters c = machine_get_counters(view(m));
    uint64_t t = 0;
    for (unsigned k = 1; k < TRAP_NCAUSES; k++)
        t += c.traps[k];
    return t;
}

/* A session of NVM generated guests, the control program on 4096 words. */
static struct mon *session(FILE *sink, uint64_t seed, int nvm)
{
    struct mon *m = mon_create(sink, sink);
    assert_non_null(m);
    cmd(m, "set cp-memory 4096; set slice %llu; set checkpoint %llu",
        (unsigned long long)(40 + seed % 300), (unsigned long long)(1 + seed % 13));
    ms_vm_generated(m, nvm, seed * 3);
    sel = (int)(seed % (uint64_t)nvm);
    cmd(m, "vm select g%d", sel);
    return m;
}

/* rcontinue from the end of the recorded window must land on the state
 * after the last step (before the present) that took a trap; the window is
 * steps 0..d with hashes H and trap counts T. */
static void check_rcontinue(struct mon *m, uint64_t seed, uint64_t c0, uint64_t d,
                            const uint64_t *h, const uint64_t *t)
{
    uint64_t end = d;
    for (int round = 0; round < 2; round++) {
        /* j: the latest step in 1..end-1 whose trap count rose, else 0 */
        uint64_t j = 0;
        for (uint64_t k = end - (end > 0); k >= 1 && k <= d; k--)
            if (t[k] > t[k - 1]) {
                j = k;
                break;
            }
        cmd(m, "rcontinue");
        if (!j) {
            assert_true(steps(m) <= c0);
            return;
        }
        struct snap s = take(m);
        if (steps(m) != c0 + j || hash(&s) != h[j])
            fail_msg("seed %llu: rcontinue: at step %llu, not after the trap at %llu",
                     (unsigned long long)seed, (unsigned long long)(steps(m) - c0),
                     (unsigned long long)j);
        free(s.b);
        end = j;
    }
}

static void reverse_vm__rstep_n_after_n_steps_restores_the_session_exactly(void **state)
{
    (void)state;
    FILE *sink = getenv("TGM_DEBUG") ? stderr : fopen("/dev/null", "w");
    assert_non_null(sink);
    unsigned long nseeds = getenv("TGM_SEEDS") ? strtoul(getenv("TGM_SEEDS"), NULL, 10) : 1000;
    unsigned long skipped = 0;
    for (uint64_t seed = 1; seed <= nseeds + skipped; seed++) {
        struct mon *m = session(sink, seed, 1 + (int)(seed % 3));
        /* a prefix run, so the history does not start at step 0 */
        cmd(m, seed % 3 ? "go for %llu" : "step %llu", (unsigned long long)(seed % 17));
        struct vm_info vi;
        assert_int_equal(vmm_vm_info(mon_vmm(m), sel, &vi), 0);
        if (vi.state != VM_RUNNABLE) { /* halted in the prefix */
            skipped++;
            mon_destroy(m);
            continue;
        }
        struct snap s0 = take(m);
        uint64_t c0 = steps(m), n = 1 + seed % 300;
        bool by_step = seed % 2 == 0;
        cmd(m, by_step ? "step %llu" : "go for %llu", (unsigned long long)n);
        struct snap s1 = take(m);
        uint64_t d = steps(m) - c0; /* the selected VM's own steps */
        if (!d) { /* the others ran: nothing of its own to undo */
            skipped++;
            free(s0.b);
            free(s1.b);
            mon_destroy(m);
            continue;
        }
        /* back in two moves: the first lands inside the run */
        cmd(m, "rstep %llu", (unsigned long long)(d / 3));
        assert_int_equal(steps(m), c0 + d - d / 3);
        cmd(m, "rstep %llu", (unsigned long long)(d - d / 3));
        struct snap b = take(m);
        same(&s0, &b, seed, "rstep N after N steps");
        free(b.b);
        if (by_step) {
            /* forward again one step at a time: the same states */
            uint64_t *h = calloc(d + 1, sizeof *h), *t = calloc(d + 1, sizeof *t);
            assert_true(h && t);
            h[0] = hash(&s0);
            t[0] = traps(m);
            for (uint64_t k = 1; k <= d; k++) {
                cmd(m, "step");
                b = take(m);
                h[k] = hash(&b);
                t[k] = traps(m);
                free(b.b);
            }
            same_now(m, &s1, seed, "forward again after rstep");
            cmd(m, "rstep %llu", (unsigned long long)d);
            same_now(m, &s0, seed, "rstep N a second time");
            cmd(m, "step %llu", (unsigned long long)d);
            check_rcontinue(m, seed, c0, d, h, t);
            free(h);
            free(t);
        }
        free(s0.b);
        free(s1.b);
        mon_destroy(m);
    }
    if (sink != stderr)
        fclose(sink);
}

/* The control program enters its dispatcher in place only while nobody
 * debugs the real machine, and replays (with or without the ring's trace
 * hook) rely on both courses being one.  Runs with the ring on and off,
 * and back over both. */
static void reverse_vm__replay_takes_the_course_the_run_took(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    for (uint64_t seed = 1; seed <= 300; seed++) {
        struct mon *m = session(sink, seed * 5, 1 + (int)(seed % 3));
        bool ring = seed % 2;
        /* one checkpoint: each replay runs the whole history again */
        cmd(m, "set checkpoint 100000; set ring %d; go for %llu", ring ? 256 : 0,
            (unsigned long long)(seed * 17 % 500));
        struct snap s0 = take(m);
        uint64_t c0 = steps(m);
        cmd(m, "set ring %d; go for %llu", ring ? 0 : 256, (unsigned long long)(200 + seed % 300));
        if (steps(m) > c0) {
            cmd(m, "rstep %llu", (unsigned long long)(steps(m) - c0));
            struct snap b = take(m);
            same(&s0, &b, seed, "rstep over runs with and without the ring");
            free(b.b);
        }
        free(s0.b);
        mon_destroy(m);
    }
    fclose(sink);
}

static void reverse_vm__refusals_change_nothing_and_breakpoint_stops_come_back_exactly(void **state)
{
    (void)state;
    FILE *sink = getenv("TGM_DEBUG") ? stderr : fopen("/dev/null", "w");
    struct mon *m = session(sink, 5, 2);
    assert_int_equal(mon_exec_line(m, "rstep"), -1); /* nothing to go back to */
    cmd(m, "step 20");
    struct snap s = take(m);
    assert_int_equal(mon_exec_line(m, "rstep 21"), -1); /* before the history */
    struct snap b = take(m);
    same(&s, &b, 5, "a refused rstep");
    free(b.b);
    cmd(m, "rstep 20; step 20");
    same_now(m, &s, 5, "back to the start and forward");
    /* a run stopped at a breakpoint, stepped on and back: the stop exactly.
     * The breakpoint is where 4 steps lead: a run passes one at its start */
    for (int k = 0; k < 8; k++) {
        cmd(m, "step 4");
        uint32_t ahead = machine_psw(view(m)).p;
        cmd(m, "rstep 4; delete all; break 0x%x; go for 500", ahead);
        assert_int_equal(machine_psw(view(m)).p, ahead);
        b = take(m);
        uint64_t c0 = steps(m);
        cmd(m, "step 5"); /* fewer if it comes back to the breakpoint */
        cmd(m, "rstep %llu", (unsigned long long)(steps(m) - c0));
        struct snap c = take(m);
        same(&b, &c, 5, "rstep 5 after a breakpoint stop and step 5");
        free(b.b);
        free(c.b);
        cmd(m, "step 3");
    }
    cmd(m, "vm input g1 x"); /* a change from outside: the history is gone */
    assert_int_equal(mon_exec_line(m, "rstep"), -1);
    free(s.b);
    mon_destroy(m);
    if (sink != stderr)
        fclose(sink);
}

/* docs/monitor.md: Ctrl-C during rcontinue with a VM selected (it replayed
 * the whole history whatever Ctrl-C said) abandons the replay with one
 * line, the whole session exactly as before; the history stays and the
 * request is used up. */
static void reverse_vm__ctrl_c_abandons_rcontinue_and_changes_nothing(void **state)
{
    (void)state;
    char *ebuf = NULL;
    size_t elen = 0;
    FILE *sink = fopen("/dev/null", "w"), *err = open_memstream(&ebuf, &elen);
    struct mon *m = mon_create(sink, err);
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("spin.s", "spin: JMP spin\n.entry spin\n", &img,
                                         stderr), 0);
    cmd(m, "vm create g0 4096");
    assert_int_equal(vmm_vm_load(mon_vmm(m), 0, &img, NULL, 0), 0);
    image_free(&img);
    sel = 0;
    cmd(m, "vm select g0; set checkpoint 1000; go for 300000"); /* 300 calls to replay */
    struct snap was = take(m);
    mon_interrupt(); /* as the SIGINT handler does */
    assert_int_equal(mon_exec_line(m, "rcontinue"), -1);
    fflush(err);
    assert_string_equal(ebuf, "rcontinue: interrupted: the VMs are where they were\n");
    same_now(m, &was, 0, "after an interrupted rcontinue");
    assert_int_equal(steps(m), 300000);
    /* the history is kept and the request used up: it goes back now */
    assert_int_equal(mon_exec_line(m, "rcontinue"), 0);
    assert_int_equal(steps(m), 0);
    free(was.b);
    mon_destroy(m);
    fclose(sink);
    fclose(err);
    free(ebuf);
}

/* A guest that takes an SVC every third step: SVC, ADD (P past it), LPSW. */
static const char svc3_src[] = "        .org 0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, handler, 0, 64)\n"
                               "        .entry start\n"
                               "start:  SVC 1\n"
                               "        SVC 2\n"
                               "        SVC 3\n"
                               "        HALT\n"
                               "handler: ADD 0, 0, onep\n"
                               "        LPSW 0\n"
                               "onep:   .word psw(0, 1, 0, 0)\n";

static void assemble(const char *src, struct tgm_image *img)
{
    assert_int_equal(asm_assemble_string("guest.s", src, img, stderr), 0);
}

/* docs/monitor.md: rcontinue with a VM selected goes back to just after
 * that VM's previous trap, as its bare machine would.  A VM that stands
 * just after its trap while the others ran on (here: its 'vm limit') went
 * nowhere: 'back to the previous trap (svc), at step 4' at step 4. */
static void reverse_vm__rcontinue_just_after_a_trap_goes_to_the_one_before(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    struct tgm_image a, b;
    assemble(svc3_src, &a);
    assemble("spin: JMP spin\n.entry spin\n", &b);

    /* the bare machine: from just after the second SVC to after the first */
    struct mon *m = mon_create(sink, sink);
    cmd(m, "set memory 64");
    char err[256];
    assert_int_equal(image_load(mon_machine(m), &a, err, sizeof err), 0);
    cmd(m, "step 4; rcontinue");
    assert_int_equal(machine_get_counters(mon_machine(m)).steps, 1);
    mon_destroy(m);

    /* a VM of it, then another VM's steps after its second SVC */
    m = mon_create(sink, sink);
    cmd(m, "set cp-memory 4096; vm create a 64; vm create b 64");
    assert_int_equal(vmm_vm_load(mon_vmm(m), 0, &a, NULL, 0), 0);
    assert_int_equal(vmm_vm_load(mon_vmm(m), 1, &b, NULL, 0), 0);
    sel = 0;
    cmd(m, "vm limit a 4; vm select a; go for 10");
    assert_int_equal(steps(m), 4);
    assert_int_equal(traps(m), 2);
    cmd(m, "rcontinue");
    assert_int_equal(steps(m), 1);
    assert_int_equal(traps(m), 1);
    cmd(m, "rcontinue"); /* no trap before the first: the start */
    assert_int_equal(steps(m), 0);
    mon_destroy(m);
    image_free(&a);
    image_free(&b);
    fclose(sink);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reverse_vm__rstep_n_after_n_steps_restores_the_session_exactly),
        cmocka_unit_test(reverse_vm__replay_takes_the_course_the_run_took),
        cmocka_unit_test(reverse_vm__refusals_change_nothing_and_breakpoint_stops_come_back_exactly),
        cmocka_unit_test(reverse_vm__ctrl_c_abandons_rcontinue_and_changes_nothing),
        cmocka_unit_test(reverse_vm__rcontinue_just_after_a_trap_goes_to_the_one_before),
    };
    return cmocka_run_group_tests_name("reverse_vm", tests, NULL, NULL);
}
