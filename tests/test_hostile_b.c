/* test_hostile_b.c: hostile guests that halt, judged whole by the
 * equivalence checkers (sections 5-7), and hostile guests beside many
 * neighbours.
 *
 * The guests of examples/hostile/ that end in HALT (rwrap, timer_games,
 * opcodes, cp_writes, console_flood) attack R at the 2^19 boundary and the
 * region's last word, the interval timer, every opcode, the words the CP
 * stores for them, and the console.  Each must
 * end exactly as on a bare machine of its size: under the control program
 * alone and beside the others at many slices, plain and hybrid (vmm_check,
 * `tgm check`), and on 1 to 4 levels of the control program in machine code,
 * on a bare machine and on the C one (nest_check, `tgm check --nest`).
 *
 * Then the fights: guests that trap at every step (every cause, and an
 * interpreted LPSW at every step) beside 58 well-behaved and halting VMs,
 * 64 in all.  Round robin must give every VM its slice, turn after turn, as
 * docs/vmm.md says; resource control holds at every dispatcher entry (the
 * rig); every VM equals its bare machine at the end; and a fight saved at
 * any point and restored into a fresh control program ends as one never
 * saved.  Last, random guests of 2 to 41 words at the edges of R, packed
 * or at the top of real memory, equal their bare machines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

#define W 256u            /* each guest's memory, as the examples assume */
#define NVMS VMM_MAX_VMS  /* the fights fill the control program */
#define SLICE 1000u       /* cycles per slice in the fights */
/* A slice ends after the instruction or trap whose cycles take it to zero:
 * a turn is at least the slice and overshoots by less than the longest
 * instruction (DIV, 12 cycles). */
#define OVERSHOOT 11u
#define INPUT "ab\n"

/* the flood last: the costly one, which some runs leave out */
static const char *const halting[] = {"rwrap", "timer_games", "opcodes", "cp_writes",
                                      "console_flood"};
#define NHALTING (sizeof halting / sizeof halting[0])

static void assemble(const char *name, struct tgm_image *img)
{
    char path[128];
    snprintf(path, sizeof path, "examples/hostile/%s.s", name);
    if (asm_assemble_file(path, img, stderr) != 0)
        fail_msg("%s does not assemble", path);
}

/* vmm_check of the halting guests, all in one control program, at SLICE. */
static void check_all(uint64_t slice, bool hybrid, size_t n)
{
    struct tgm_image img[NHALTING];
    const struct tgm_image *imgs[NHALTING] = {0};
    for (size_t i = 0; i < n; i++) {
        assemble(halting[i], &img[i]);
        imgs[i] = &img[i];
    }
    struct check_opts o = {.w = W, .max_steps = 5000000, .slice = slice, .hybrid = hybrid,
                           .input = (const uint8_t *)INPUT, .input_len = strlen(INPUT)};
    struct check_result res[NHALTING];
    char err[256] = "";
    if (vmm_check(imgs, n, &o, res, err, sizeof err) != 0)
        fail_msg("vmm_check: %s", err);
    for (size_t i = 0; i < n; i++) {
        if (!res[i].equivalent)
            fail_msg("%s.s, slice %llu%s: not equivalent: bare %s, alone: %s, together: %s",
                     halting[i], (unsigned long long)slice, hybrid ? ", hybrid" : "",
                     res[i].bare_halted ? "halted" : "did not halt", res[i].alone_diff,
                     res[i].together_diff);
        assert_true(res[i].bare_halted && res[i].alone_halted && res[i].together_halted);
        image_free(&img[i]);
    }
}

/* Every halting guest equals its bare machine under the CP, alone and
 * beside the others, at slices from 1 cycle (a slice ends at every
 * instruction, inside every timer game) to the default. */
static void check__each_halting_guest_equals_its_bare_machine(void **state)
{
    (void)state;
    static const uint64_t slices[] = {1, 2, 3, 4, 5, 7, 13, 97, 1000, 10000};
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++) {
        check_all(slices[k], false, NHALTING);
        /* hybrid: all supervisor code interpreted; the flood at five slices */
        check_all(slices[k], true, slices[k] < 5 || slices[k] == 1000 ? NHALTING : NHALTING - 1);
    }
}

/* Each header says the guest HALTs and names the `tgm check` command that
 * compares it with a bare machine: that command, on the source, says
 * "equivalent" and exits 0. */
static void examples__each_header_names_a_check_that_passes(void **state)
{
    (void)state;
    for (size_t i = 0; i < NHALTING; i++) {
        char path[128];
        snprintf(path, sizeof path, "examples/hostile/%s.s", halting[i]);
        char *src = cs_slurp(path, NULL);
        const char *end = strstr(src, "\n\n"); /* the header ends at the first blank line */
        const char *cmd = strstr(src, "HALTs: `tgm check ");
        if (!cmd || !end || cmd > end)
            fail_msg("%s's header does not say it HALTs and how to check it", path);
        cmd += strlen("HALTs: `tgm check ");
        const char *q = strchr(cmd, '`');
        assert_non_null(q);
        char words[256];
        snprintf(words, sizeof words, "%.*s", (int)(q - cmd), cmd);
        const char *args[16];
        size_t n = 0;
        for (char *w = strtok(words, " "); w && n < 14; w = strtok(NULL, " "))
            args[n++] = w;
        args[n++] = path;
        args[n] = NULL;
        struct cs_outcome o = cs_run_tgm_argv("check", args);
        if (o.status != 0 || !strstr(o.out, ": equivalent"))
            fail_msg("tgm check %s %s: status %d: %s%s", words, path, o.status, o.out, o.err);
        cs_outcome_free(&o);
        free(src);
    }
}

/* nest_check of one guest at DEPTH, on a bare machine or on the C CP. */
static void nest_one(const char *name, unsigned depth, bool under_vmm)
{
    struct tgm_image img;
    assemble(name, &img);
    struct nest_run_opts o = {.depth = depth, .w = W, .under_vmm = under_vmm,
                              .input = (const uint8_t *)INPUT, .input_len = strlen(INPUT)};
    struct nest_check_result res;
    char err[256] = "";
    if (nest_check(NULL, &img, &o, 5000000, &res, err, sizeof err) != 0)
        fail_msg("%s.s at depth %u: %s", name, depth, err);
    if (!res.equivalent)
        fail_msg("%s.s at depth %u%s: not equivalent: %s", name, depth,
                 under_vmm ? " on the C CP" : "", res.diff);
    assert_true(res.bare_halted && res.nest_halted);
    assert_true(res.traps > 0); /* each attacks through traps */
    if (!strcmp(name, "timer_games"))
        assert_true(res.timer_traps >= 40); /* the re-arming storm at least */
    image_free(&img);
}

/* Theorem 2 under attack: each guest on 1 to 4 levels of the machine-code
 * CP (nested timers, HCALL and illegal opcodes, R at 2^19 at every depth),
 * alone and with the C CP at the very bottom.  The console flood is 300,000
 * trapped bytes: one level of it is enough. */
static void nest__each_halting_guest_at_depths_1_to_4(void **state)
{
    (void)state;
    for (unsigned depth = 1; depth <= 4; depth++)
        for (size_t i = 0; i < NHALTING; i++) {
            if (!strcmp(halting[i], "console_flood") && depth > 1)
                continue;
            nest_one(halting[i], depth, false);
            nest_one(halting[i], depth, true);
        }
}

/* ---- the fights */

/* Guests that trap at every step, one per cause, and one whose every
 * instruction is an LPSW the CP interprets; a well-behaved guest (DIV: the
 * longest instruction, so turns overshoot the most) and halting ones. */
static const char *const fighters[] = {
    /* SVC in user mode, its E[1] the same SVC */
    "        .word 0\n        .word psw(USER, 2, 0, 256)\n        .entrypsw psw(USER, 2, 0, 256)\n"
    "        SVC 0\n",
    /* an illegal word in supervisor mode */
    "        .word 0\n        .word psw(SUP, 2, 0, 256)\n        .entry 2\n"
    "        .word 0\n",
    /* HALT in user mode: privileged */
    "        .word 0\n        .word psw(USER, 2, 0, 256)\n        .entrypsw psw(USER, 2, 0, 256)\n"
    "        HALT\n",
    /* a fetch past the region */
    "        .word 0\n        .word psw(SUP, 256, 0, 256)\n        .entrypsw psw(SUP, 256, 0, 256)\n",
    /* a 1-cycle timer with I = 1: a timer trap after every TSET */
    "        .word 0\n        .word pswi(SUP, 2, 0, 256)\n        .entrypsw pswi(SUP, 2, 0, 256)\n"
    "        TSET one\none:    .word 1\n",
    /* an LPSW of itself: every instruction enters the CP */
    "        .word 0\n        .word psw(SUP, 2, 0, 256)\n        .entry 2\n"
    "        LPSW me\nme:     .word psw(SUP, 2, 0, 256)\n",
};
#define NSTORMS (sizeof fighters / sizeof fighters[0])

static const char good_src[] = "        .word 0\n"
                               "        .word psw(SUP, bad, 0, 256)\n"
                               "        .entry start\n"
                               "start:  ADDI x, x, 3\n"
                               "        DIV  y, big, x\n"
                               "        STX  buf, k, y\n"
                               "        ADDI k, k, 1\n"
                               "        AND  k, k, m31\n"
                               "        DJNZ n, start\n"
                               "        HALT\n"
                               "bad:    HALT\n" /* no trap is expected: stop */
                               "x:      .word 0\n"
                               "y:      .word 0\n"
                               "k:      .word 0\n"
                               "m31:    .word 31\n"
                               "big:    .word 0x7FFFFFFFFFFF\n"
                               "n:      .word 0\n"
                               "buf:    .space 32\n";

struct fighter {
    uint64_t mem[W];
    struct tv_guest g;
};

/* F := IMG as a guest of W words; the well-behaved guest's n, if IMG has
 * one, := ITERATIONS.  Frees IMG. */
static void fighter_from(struct tgm_image *img, uint64_t iterations, struct fighter *f)
{
    assert_true(img->load + img->nwords <= W);
    memset(f->mem, 0, sizeof f->mem);
    memcpy(f->mem + img->load, img->words, img->nwords * sizeof *img->words);
    const struct tgm_symbol *n = image_symbol(img, "n");
    if (n && iterations) /* the well-behaved guest: iterations before it halts */
        f->mem[n->value] = iterations;
    f->g = (struct tv_guest){.w = W, .psw = img->entry_psw, .mem = f->mem, .n = W,
                             .input = INPUT};
    image_free(img);
}

static void fighter_of(const char *src, uint64_t iterations, struct fighter *f)
{
    struct tgm_image img;
    if (asm_assemble_string("fighter", src, &img, stderr) != 0)
        fail_msg("a fighter does not assemble:\n%s", src);
    fighter_from(&img, iterations, f);
}

static void fighter_named(const char *name, struct fighter *f)
{
    struct tgm_image img;
    assemble(name, &img);
    fighter_from(&img, 0, f);
}

/* The fighters: storms first, then 2^64 iterations (never halts) or a few
 * hundred to a few thousand (halts in the middle of some slice). */
static void fighters_of(struct fighter *f, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (i < NSTORMS)
            fighter_of(fighters[i], 0, &f[i]);
        else
            fighter_of(good_src, i % 4 == 3 ? 97 * i : 0, &f[i]);
}

/* Turns, from the rig's events: between two events exactly one VM runs
 * (with an event hook no slice is handed on in place), so a VM's turn is
 * the cycles it gains until another VM gains some. */
struct turns {
    uint64_t seen[NVMS];  /* each VM's cycles at the last event */
    int cur;              /* whose turn it is, -1 before the first */
    uint64_t acc;         /* the cycles of that turn so far */
    uint64_t nturns[NVMS];
    uint64_t slice;
    bool ended_halted;    /* the VM whose turn ended had halted */
};

/* A turn of T's current VM ended and NEXT's began: it was a whole slice
 * (unless the VM halted in it), and NEXT came next in round robin. */
static void turn_ended(struct tv_rig *r, struct turns *t, int next)
{
    struct vm_info in = tv_info(r, t->cur);
    if (in.state == VM_RUNNABLE &&
        (t->acc < t->slice || t->acc > t->slice + OVERSHOOT))
        fail_msg("VM %d's turn %llu lasted %llu cycles; a slice is %llu", t->cur,
                 (unsigned long long)t->nturns[t->cur], (unsigned long long)t->acc,
                 (unsigned long long)t->slice);
    t->nturns[t->cur]++;
    for (int id = (t->cur + 1) % NVMS; id != next; id = (id + 1) % NVMS)
        if (tv_info(r, id).state == VM_RUNNABLE)
            fail_msg("VM %d ran after VM %d, passing runnable VM %d", next, t->cur, id);
}

/* The VMs that ran since the last event, in round-robin order from the
 * current one: one, or (in a hybrid stretch, which has no event) some that
 * halted in supervisor code and then the one that ran next. */
static void turns_hook(struct tv_rig *r, const struct vmm_event *e)
{
    (void)e;
    struct turns *t = r->also_ctx;
    int from = t->cur < 0 ? 0 : t->cur, last = -1;
    for (int k = 0; k < NVMS; k++) {
        int id = (from + k) % NVMS;
        uint64_t c = machine_cycles(tv_view(r, id));
        if (c == t->seen[id])
            continue;
        if (last >= 0 && tv_info(r, last).state == VM_RUNNABLE)
            fail_msg("VMs %d and %d both ran between two events", last, id);
        last = id;
        if (t->cur >= 0 && id != t->cur) {
            turn_ended(r, t, id);
            t->acc = 0;
        }
        t->cur = id;
        t->acc += c - t->seen[id];
        t->seen[id] = c;
    }
}

/* Every VM equals its bare machine run to the same step (section 6). */
static void all_equal_bare(struct vmm *v, const struct fighter *f, size_t n, const char *what)
{
    for (size_t i = 0; i < n; i++) {
        struct machine *view = vmm_vm_view(v, (int)i);
        assert_non_null(view);
        struct machine_config mc = {.q = f[i].g.w, .profile = machine_profile(vmm_machine(v))};
        struct machine *bare = machine_create(&mc);
        assert_non_null(bare);
        struct tgm_image img = {.nwords = f[i].g.w, .entry_psw = f[i].g.psw,
                                .words = (uint64_t *)f[i].mem};
        char err[256] = "";
        if (image_load(bare, &img, err, sizeof err) != 0)
            fail_msg("image_load: %s", err);
        if (f[i].g.input)
            assert_int_equal(machine_console_input(bare, (const uint8_t *)f[i].g.input,
                                                   strlen(f[i].g.input)),
                             0);
        struct machine_exit ex;
        if (machine_steps(view))
            machine_run(bare, machine_steps(view), &ex);
        vmm_compare(bare, v, (int)i, err, sizeof err);
        machine_destroy(bare);
        if (err[0])
            fail_msg("%s: VM %zu differs from its bare run after %llu steps: %s", what, i,
                     (unsigned long long)machine_steps(view), err);
    }
}

/* 64 VMs: the six storms, then well-behaved VMs, every fourth halting
 * somewhere in some slice.  Every turn of a runnable VM is a whole slice,
 * round robin; the storms get no more turns than the others. */
static void storm_fight(struct tv_rig *r, bool hybrid)
{
    static struct fighter f[NVMS];
    fighters_of(f, NVMS);
    struct vmm_config cfg = {.q = VMM_K + NVMS * W, .slice = SLICE, .hybrid = hybrid};
    tv_reset(r, &cfg);
    for (size_t i = 0; i < NVMS; i++)
        assert_int_equal(tv_vm(r, &f[i].g), (int)i);
    static struct turns t;
    memset(&t, 0, sizeof t);
    t.cur = -1;
    t.slice = SLICE;
    r->also = turns_hook;
    r->also_ctx = &t;
    for (int chunk = 0; chunk < 8; chunk++)
        assert_int_equal(tv_run(r, 200000), VMMSTOP_BUDGET);
    uint64_t lo = UINT64_MAX, hi = 0;
    for (size_t i = 0; i < NVMS; i++) {
        if (tv_info(r, (int)i).state != VM_RUNNABLE) {
            assert_int_equal(tv_info(r, (int)i).state, VM_HALTED);
            assert_true(i >= NSTORMS && i % 4 == 3);
            continue;
        }
        lo = t.nturns[i] < lo ? t.nturns[i] : lo;
        hi = t.nturns[i] > hi ? t.nturns[i] : hi;
    }
    assert_true(lo >= 10); /* enough rounds to mean something */
    if (hi > lo + 1)
        fail_msg("runnable VMs had from %llu to %llu turns", (unsigned long long)lo,
                 (unsigned long long)hi);
    all_equal_bare(r->v, f, NVMS, hybrid ? "hybrid fight" : "fight");
}

static void storm__63_neighbours_keep_their_slices(void **state)
{
    storm_fight(*state, false);
}

static void storm__63_neighbours_keep_their_slices_under_the_hybrid_cp(void **state)
{
    storm_fight(*state, true);
}

/* ---- a fight saved and restored */

static const char *const looping[] = {"timer", "trap_storm", "selfmod", "write_e01",
                                      "escape_r", "bounds", "spin", "svc_storm"};
#define NLOOPING (sizeof looping / sizeof looping[0])
#define NFIGHT (NSTORMS + NLOOPING + NHALTING + 2)

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* V's whole state: the CP's and the real machine's, as one would save it. */
static void save_all(struct vmm *v, uint8_t **cp, size_t *ncp, uint8_t **real, size_t *nreal)
{
    assert_int_equal(vmm_state_save(v, cp, ncp), 0);
    assert_int_equal(machine_state_save(vmm_machine(v), true, real, nreal), 0);
}

/* A and B hold the same state: the saved bytes of both and every view. */
static void assert_same_cp(struct vmm *a, struct vmm *b, const char *what)
{
    uint8_t *ca, *ra, *cb, *rb;
    size_t nca, nra, ncb, nrb;
    save_all(a, &ca, &nca, &ra, &nra);
    save_all(b, &cb, &ncb, &rb, &nrb);
    for (int id = vmm_vm_next(a, -1); id >= 0; id = vmm_vm_next(a, id)) {
        char diff[256] = "";
        if (machine_compare(vmm_vm_view(a, id), vmm_vm_view(b, id), CMP_COUNTERS, "saved",
                            "restored", diff, sizeof diff))
            fail_msg("%s: VM %d: %s", what, id, diff);
    }
    if (nca != ncb || memcmp(ca, cb, nca))
        fail_msg("%s: the control programs' states differ", what);
    if (nra != nrb || memcmp(ra, rb, nra))
        fail_msg("%s: the real machines differ", what);
    free(ca), free(ra), free(cb), free(rb);
}

/* Every hostile guest in one control program of 256-word VMs: the storms,
 * the looping examples, the halting ones and two well-behaved VMs (one
 * halts).  Saved at a random step of the fight and restored into a fresh
 * control program (no event hook: its slices are handed on in place), both
 * run on the same random chunks and end alike. */
static void snapshot__a_fight_restored_mid_run_ends_as_one_never_saved(void **state)
{
    struct tv_rig *r = *state;
    static struct fighter f[NFIGHT];
    for (size_t seed = 1; seed <= 12; seed++) {
        uint64_t s = seed * 0x9E3779B97F4A7C15u;
        fighters_of(f, NSTORMS);
        for (size_t i = 0; i < NLOOPING; i++)
            fighter_named(looping[i], &f[NSTORMS + i]);
        for (size_t i = 0; i < NHALTING; i++)
            fighter_named(halting[i], &f[NSTORMS + NLOOPING + i]);
        fighter_of(good_src, 0, &f[NFIGHT - 2]);
        fighter_of(good_src, 300 + seed, &f[NFIGHT - 1]);
        struct vmm_config cfg = {.q = VMM_K + NFIGHT * W, .slice = 1 + rnd(&s) % 400,
                                 .hybrid = seed % 3 == 0};
        tv_reset(r, &cfg);
        for (size_t i = 0; i < NFIGHT; i++)
            tv_vm(r, &f[i].g);
        tv_run(r, 1 + rnd(&s) % 300000);
        uint8_t *cp, *real;
        size_t ncp, nreal;
        save_all(r->v, &cp, &ncp, &real, &nreal);
        struct vmm_transient tr;
        vmm_transient_get(r->v, &tr);
        char err[256] = "";
        r->spare = vmm_create(&cfg, err, sizeof err);
        assert_non_null(r->spare);
        if (vmm_state_load(r->spare, cp, ncp, err, sizeof err) != 0 ||
            machine_state_load(vmm_machine(r->spare), real, nreal, err, sizeof err) != 0 ||
            vmm_state_check(r->spare, err, sizeof err) != 0)
            fail_msg("seed %zu: restore: %s", seed, err);
        vmm_transient_set(r->spare, &tr);
        free(cp), free(real);
        for (int k = 0; k < 6; k++) {
            uint64_t n = 1 + rnd(&s) % 60000;
            enum vmm_stop sa = tv_run(r, n), sb = vmm_run(r->spare, n, NULL);
            assert_int_equal(sa, sb);
            char what[64];
            snprintf(what, sizeof what, "seed %zu, chunk %d", seed, k);
            assert_same_cp(r->v, r->spare, what);
        }
        all_equal_bare(r->v, f, NFIGHT, "restored fight");
    }
}

/* ---- random guests at the edges */

/* A field at an edge of a W-word machine: inside, its last word or one
 * past, the last address 2^19 - 1, or anywhere. */
static uint64_t edge(uint64_t *s, uint32_t w)
{
    switch (rnd(s) % 5) {
    case 0: return rnd(s) % w;
    case 1: return w - 1 + rnd(s) % 2;
    case 2: return 0x7FFFF - rnd(s) % 2;
    case 3: return rnd(s) & 0x7FFFF;
    default: return rnd(s) % (w + 2);
    }
}

/* A PSW word at the edges: either mode, I sometimes, cause bits sometimes,
 * P, l and b near w and 2^19, b up to 2^20 - 1. */
static uint64_t edge_psw(uint64_t *s, uint32_t w)
{
    uint64_t b = rnd(s) % 4 == 0 ? rnd(s) & 0xFFFFF : rnd(s) % 2 ? edge(s, w) + 1 : w;
    uint64_t l = rnd(s) % 3 == 0 ? edge(s, w) : 0;
    return (rnd(s) & 1) << 63 | (uint64_t)(rnd(s) % 4 == 0) << 62 |
           (rnd(s) % 8 == 0 ? rnd(s) & 15 : 0) << 58 | edge(s, w) << 39 | l << 20 | (b & 0xFFFFF);
}

/* An instruction word of a random opcode (every privileged one among them)
 * with edge operands; unused fields are sometimes set: illegal words. */
static uint64_t edge_insn(uint64_t *s, uint32_t w)
{
    static const uint8_t ops[] = {0x01, 0x02, 0x08, 0x09, 0x0A, 0x0B, 0x10, 0x13, 0x1D,
                                  0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x32, 0x34, 0x38, 0x40,
                                  0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48};
    uint64_t op = ops[rnd(s) % sizeof ops], word = op << 57 | edge(s, w) << 38;
    if (op == 0x09 || op == 0x28)
        return op == 0x09 ? word | rnd(s) % 9 : word; /* LI small, JMP clean */
    if (rnd(s) % 3)
        word |= edge(s, w) << 19;
    if (rnd(s) % 3)
        word |= edge(s, w);
    return word;
}

/* Real memory outside the regions is the CP's words CP, as installed, and
 * zeros. */
static void outside_untouched(struct vmm *v, const uint64_t *cp, const char *what)
{
    struct machine *m = vmm_machine(v);
    const uint64_t *E = machine_mem(m);
    uint32_t q = machine_q(m), at = 1;
    for (int id = vmm_vm_next(v, -1); id >= 0; id = vmm_vm_next(v, id)) {
        struct vm_info in;
        assert_int_equal(vmm_vm_info(v, id, &in), 0);
        for (; at < in.base; at++)
            if (E[at] != (at < VMM_K ? cp[at] : 0))
                fail_msg("%s: real E[%u] changed to %#llx outside every region", what, at,
                         (unsigned long long)E[at]);
        at = in.base + in.w;
    }
    for (; at < q; at++)
        if (E[at] != 0)
            fail_msg("%s: real E[%u] changed to %#llx outside every region", what, at,
                     (unsigned long long)E[at]);
}

/* Random guests of 2 to 41 words, 1 to 6 in a CP, packed after its words or
 * (every 16th seed) at the very top of a 2^19-word memory, plain or
 * hybrid, at slices of 1 to 60 cycles: the words are edge instructions and
 * edge PSWs, E[1] and the entry PSW edge PSWs.  Run in chunks, each VM
 * equals its bare machine and nothing outside the regions changes.  (The
 * CP's fuzz harness makes VMs of 64 to 512 words, never at the top.) */
static void edges__tiny_vms_and_vms_at_the_top_equal_their_bare_machines(void **state)
{
    (void)state;
    static struct fighter f[6];
    for (uint64_t seed = 1; seed <= 160; seed++) {
        uint64_t s = seed * 0x9E3779B97F4A7C15u + 1;
        size_t n = 1 + rnd(&s) % 6;
        uint32_t total = 0;
        for (size_t i = 0; i < n; i++) {
            uint32_t w = 2 + (uint32_t)(rnd(&s) % 40);
            f[i].g = (struct tv_guest){.w = w, .mem = f[i].mem, .n = w, .input = INPUT};
            for (uint32_t k = 0; k < w; k++)
                f[i].mem[k] = rnd(&s) % 2 ? edge_insn(&s, w) : edge_psw(&s, w);
            f[i].mem[1] = edge_psw(&s, w);
            f[i].g.psw = edge_psw(&s, w) & ~(UINT64_C(15) << 58);
            total += w;
        }
        bool top = seed % 16 == 0;
        struct vmm_config cfg = {.q = top ? TGM_Q_MAX : VMM_K + total + 3,
                                 .slice = 1 + rnd(&s) % 60, .hybrid = rnd(&s) % 3 == 0};
        char err[256] = "";
        struct vmm *v = vmm_create(&cfg, err, sizeof err);
        assert_non_null(v);
        uint64_t cp[VMM_K];
        memcpy(cp, machine_mem(vmm_machine(v)), sizeof cp);
        uint32_t base = top ? TGM_Q_MAX - total : VMM_K;
        for (size_t i = 0; i < n; i++) {
            int id = vmm_vm_create_at(v, base, f[i].g.w, NULL, err, sizeof err);
            struct tgm_image img = {.nwords = f[i].g.w, .entry_psw = f[i].g.psw,
                                    .words = f[i].mem};
            if (id != (int)i || vmm_vm_load(v, id, &img, err, sizeof err) != 0 ||
                vmm_vm_input(v, id, (const uint8_t *)INPUT, strlen(INPUT)) != 0)
                fail_msg("seed %llu: VM %zu: %s", (unsigned long long)seed, i, err);
            base += f[i].g.w;
        }
        char what[64];
        snprintf(what, sizeof what, "seed %llu", (unsigned long long)seed);
        for (int k = 0; k < 4; k++) {
            vmm_run(v, 1 + rnd(&s) % 4000, NULL);
            all_equal_bare(v, f, n, what);
            outside_untouched(v, cp, what);
            if (vmm_state_check(v, err, sizeof err) != 0)
                fail_msg("%s: %s", what, err);
        }
        vmm_destroy(v);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_hostile_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(check__each_halting_guest_equals_its_bare_machine),
        cmocka_unit_test(examples__each_header_names_a_check_that_passes),
        cmocka_unit_test(nest__each_halting_guest_at_depths_1_to_4),
        cmocka_unit_test_setup_teardown(storm__63_neighbours_keep_their_slices, tv_setup,
                                        tv_teardown),
        cmocka_unit_test_setup_teardown(storm__63_neighbours_keep_their_slices_under_the_hybrid_cp,
                                        tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(snapshot__a_fight_restored_mid_run_ends_as_one_never_saved,
                                        tv_setup, tv_teardown),
        cmocka_unit_test(edges__tiny_vms_and_vms_at_the_top_equal_their_bare_machines),
    };
    return cmocka_run_group_tests_name("hostile_b", tests, group_setup, group_teardown);
}
