/* test_audit_hostile2.c: hostile guests that examples/hostile/ does not
 * try, against the control program (docs/vmm.md, "What a guest can depend
 * on"; docs/robustness.md, "Hostile guests"): trap loops through a
 * virtual E[1] the VM cannot use, SVC storms that toggle I and M under a
 * running timer, CIN racing the ends of slices, a virtual timer running
 * out as a slice ends, tiny VMs of random words with gaps between them,
 * and guests that halt (stores over the next word, code patched by
 * interpreted supervisor code, R changed as the timer runs out, relocated
 * supervisor code, code at E[0]) judged by vmm_check and nest_check.
 * Resource control is checked at every dispatcher entry (the rig), and at
 * every checkpoint each VM equals its bare run to the same step.  The
 * audit found no escape; these keep it so.
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

#define W 256u
#define STEPS 300000u /* the hostile guest's steps per run */
#define CHUNK 7919u   /* guest steps between checkpoints (prime: cuts fall anywhere) */

static const char good_src[] = "W = 256\n"
                               "        .org 0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, bad, 0, W)\n"
                               "        .entry start\n"
                               "start:  ADDI x, x, 7\n"
                               "        MUL  y, x, x\n"
                               "        CIN  c\n"
                               "        XOR  z, z, y\n"
                               "        XOR  z, z, c\n"
                               "        STX  buf, k, z\n"
                               "        ADDI k, k, 1\n"
                               "        AND  k, k, m63\n"
                               "        JMP  start\n"
                               "bad:    HALT\n"
                               "x:      .word 0\n"
                               "y:      .word 0\n"
                               "z:      .word 0\n"
                               "c:      .word 0\n"
                               "k:      .word 0\n"
                               "m63:    .word 63\n"
                               "buf:    .space 64\n";

/* Trap loops through a virtual E[1] the VM cannot use: the guest stores
 * E1 into its E[1] and traps (SVC); on a bare machine of W words every
 * later step is a trap that loads the same PSW again. */
#define LOOP_HEAD                                                                          \
    "W = 256\n"                                                                            \
    "        .org 0\n"                                                                     \
    "        .word 0\n"                                                                    \
    "        .word psw(SUP, start, 0, W)\n"                                                \
    "        .entry start\n"                                                               \
    "start:  TSET t\n"                                                                     \
    "        MOV  1, e1\n"                                                                 \
    "        SVC  1\n"                                                                     \
    "t:      .word 37\n"
static const char *const loops[] = {
    /* P = W: the fetch traps */
    LOOP_HEAD "e1: .word psw(SUP, W, 0, W)\n",
    /* I = 1: the timer runs out */
    LOOP_HEAD "e1: .word pswi(SUP, W + 3, 0, 0) | 0xFFFFF\n",
    /* l = 2^19 - 1, b = 2^20 - 1 */
    LOOP_HEAD "e1: .word psw(SUP, 0, 0x7FFFF, 0) | 0xFFFFF\n",
    /* user: W - 1 + 5 */
    LOOP_HEAD "e1: .word pswi(USER, 5, W - 1, 0) | 0xFFFFF\n",
    /* l + b wraps past 2^19 */
    LOOP_HEAD "e1: .word pswi(USER, 0, 0x7FFF0, 0x20)\n",
    /* user: E[2] is TSET */
    LOOP_HEAD "e1: .word pswi(USER, 2, 0, W)\n",
    /* runs its own E[1] */
    LOOP_HEAD "e1: .word pswi(SUP, 1, 0, 2)\n",
    /* only the last word: SVC */
    LOOP_HEAD "e1: .word pswi(SUP, 0, W - 1, 1)\n"
    "        .org W - 1\n        SVC 2\n",
};

struct loaded {
    uint64_t mem[W];
    struct tv_guest g;
};

static void load_src(const char *what, const char *src, struct loaded *out)
{
    struct tgm_image img;
    if (asm_assemble_string(what, src, &img, stderr) != 0)
        fail_msg("%s does not assemble", what);
    if (img.load + img.nwords > W)
        fail_msg("%s does not fit %u words", what, W);
    memset(out->mem, 0, sizeof out->mem);
    memcpy(out->mem + img.load, img.words, img.nwords * sizeof *img.words);
    out->g = (struct tv_guest){.w = W, .psw = img.entry_psw, .mem = out->mem, .n = W};
    image_free(&img);
}

struct setup {
    const char *profile;
    bool hybrid;
    uint64_t slice;
};
static const struct setup setups[] = {
    {"virtualizable", false, 2000}, {"virtualizable", false, 1},
    {"virtualizable", false, 13},   {"virtualizable", true, 7},
    {"s360-67", false, 97},         {"pdp10", true, 5},
    {"pdp11-45", true, 3},
};

/* HOSTILE beside the well-behaved VM under every setup: both equal their
 * bare runs at every checkpoint, both stay runnable, and the well-behaved
 * VM is not starved. */
static void fight(struct tv_rig *r, const char *what, const char *src, const char *input)
{
    for (size_t s = 0; s < sizeof setups / sizeof setups[0]; s++) {
        struct loaded h, g;
        load_src(what, src, &h);
        load_src("good", good_src, &g);
        h.g.input = input;
        g.g.input = "the neighbour's own input";
        struct vmm_config cfg = {.q = VMM_K + 2 * W,
                                 .profile = isa_profile_find(setups[s].profile),
                                 .slice = setups[s].slice,
                                 .hybrid = setups[s].hybrid};
        assert_non_null(cfg.profile);
        tv_reset(r, &cfg);
        int hid = tv_vm(r, &h.g), gid = tv_vm(r, &g.g);
        struct machine *hb = tv_bare(r, &h.g, 0, NULL), *gb = tv_bare(r, &g.g, 0, NULL);
        char name[160];
        snprintf(name, sizeof name, "%s (%s%s, slice %llu)", what, setups[s].profile,
                 setups[s].hybrid ? ", hybrid" : "", (unsigned long long)setups[s].slice);
        while (machine_steps(tv_view(r, hid)) < STEPS) {
            assert_int_equal(tv_run(r, CHUNK), VMMSTOP_BUDGET);
            tv_keep_up(r, hb, hid, name);
            tv_keep_up(r, gb, gid, name);
        }
        uint64_t hc = machine_cycles(tv_view(r, hid)), gc = machine_cycles(tv_view(r, gid));
        if (gc < (hc + gc) / 3)
            fail_msg("%s: the well-behaved VM had %llu of %llu virtual cycles", name,
                     (unsigned long long)gc, (unsigned long long)(hc + gc));
        assert_int_equal(tv_info(r, gid).state, VM_RUNNABLE);
        assert_int_equal(tv_info(r, hid).state, VM_RUNNABLE);
    }
}

static void hostile2__trap_loops_through_an_unusable_virtual_e1(void **state)
{
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        char what[32];
        snprintf(what, sizeof what, "loop %zu", i);
        fight(*state, what, loops[i], NULL);
    }
}

/* An SVC storm whose handler toggles I in the PSW it returns to, re-arms
 * a timer of 1 to 8 cycles now and then, and every 64th trap toggles the
 * mode too, so SVCs, timer traps and interpreted LPSWs race. */
static const char svc_i_src[] =
    "W = 256\n"
    "        .org 0\n"
    "        .word 0\n"
    "        .word psw(SUP, h, 0, W)\n"
    "        .entry start\n"
    "start:  TSET t\n"
    "        LPSW u\n"
    "h:      MOV  old, 0\n"
    "        STX  log, k, old\n"
    "        ADDI k, k, 1\n"
    "        AND  k, k, m63\n"
    "        ADDI n, n, 1\n"
    "        SHR  c, old, s58\n"
    "        AND  c, c, m15\n"
    "        BNE  c, three, nosvc\n"
    "        ADD  old, old, p1\n"        /* past the SVC */
    "nosvc:  XOR  old, old, ibit\n"
    "        AND  c, n, m63\n"
    "        BNZ  c, keep\n"
    "        XOR  old, old, sbit\n"
    "keep:   AND  c, n, m7\n"
    "        BNZ  c, go\n"
    "        AND  t, n, m7x\n"
    "        ADDI t, t, 1\n"
    "        TSET t\n"
    "go:     LPSW old\n"
    "ucode:  SVC  1\n"
    "        NOP\n"
    "        SVC  2\n"
    "        TGET tg\n"                  /* privileged in user mode */
    "        JMP  ucode\n"
    "u:      .word pswi(USER, ucode, 0, W)\n"
    "t:      .word 5\n"
    "old:    .word 0\n"
    "c:      .word 0\n"
    "n:      .word 0\n"
    "k:      .word 0\n"
    "tg:     .word 0\n"
    "three:  .word 3\n"
    "s58:    .word 58\n"
    "m15:    .word 15\n"
    "m63:    .word 63\n"
    "m7:     .word 7\n"
    "m7x:    .word 7 << 3\n"
    "p1:     .word 1 << 39\n"
    "ibit:   .word 1 << 62\n"
    "sbit:   .word 1 << 63\n"
    "log:    .space 64\n";

/* CIN as fast as it can, in supervisor mode (interpreted, or stepped by
 * the hybrid CP) and from user mode through its handler, with TGET
 * between, so that reads fall at every point of a slice. */
static const char cin_src[] =
    "W = 256\n"
    "        .org 0\n"
    "        .word 0\n"
    "        .word psw(SUP, h, 0, W)\n"
    "        .entry start\n"
    "start:  TSET big\n"
    "loop:   CIN  c\n"
    "        STX  buf, k, c\n"
    "        ADDI k, k, 1\n"
    "        AND  k, k, m127\n"
    "        TGET tg\n"
    "        XOR  sum, sum, tg\n"
    "        LPSW u\n"
    "h:      MOV  old, 0\n"
    "        CIN  c\n"
    "        STX  buf, k, c\n"
    "        ADDI k, k, 1\n"
    "        AND  k, k, m127\n"
    "        JMP  loop\n"
    "ucode:  CIN  c\n"                   /* privileged: to the handler */
    "u:      .word psw(USER, ucode, 0, W)\n"
    "big:    .word 1000000000\n"
    "c:      .word 0\n"
    "k:      .word 0\n"
    "tg:     .word 0\n"
    "sum:    .word 0\n"
    "old:    .word 0\n"
    "m127:   .word 127\n"
    "buf:    .space 128\n";

static void hostile2__an_svc_storm_toggling_i_under_a_timer(void **state)
{
    fight(*state, "svc storm", svc_i_src, NULL);
}

static void hostile2__console_reads_racing_the_ends_of_slices(void **state)
{
    static char input[4001];
    for (size_t i = 0; i < sizeof input - 1; i++)
        input[i] = (char)('!' + (i * 7) % 90);
    fight(*state, "cin race", cin_src, input);
}

/* ---- turns: docs/vmm.md, "The processor" */

/* A guest of DIVs (the longest instruction) in supervisor mode with I = 1
 * whose timer handler re-arms its timer for 6 to 69 cycles, so that its
 * virtual timer runs out at every point of a slice, at the slice's end
 * too. */
static const char div_timer_src[] = "W = 256\n"
                                    "        .org 0\n"
                                    "        .word 0\n"
                                    "        .word psw(SUP, h, 0, W)\n"
                                    "        .entry start\n"
                                    "start:  TSET t\n"
                                    "        LPSW run\n"
                                    "loop:   DIV  a, a, b\n"
                                    "        DIV  a, a, b\n"
                                    "        NOP\n"
                                    "        JMP  loop\n"
                                    "h:      ADDI k, k, 1\n"
                                    "        AND  k, k, m63\n"
                                    "        ADDI t, k, 6\n"
                                    "        TSET t\n"
                                    "        LPSW 0\n"
                                    "run:    .word pswi(SUP, loop, 0, W)\n"
                                    "t:      .word 9\n"
                                    "k:      .word 0\n"
                                    "a:      .word 12345\n"
                                    "b:      .word 3\n"
                                    "m63:    .word 63\n";

static const char div_src[] = "W = 256\n"
                              "        .org 0\n"
                              "        .word 0\n"
                              "        .word psw(SUP, bad, 0, W)\n"
                              "        .entry start\n"
                              "start:  DIV  a, a, b\n"
                              "        JMP  start\n"
                              "bad:    HALT\n"
                              "a:      .word 777\n"
                              "b:      .word 5\n";

/* Turns from the rig's events: between two events one VM runs (with an
 * event hook no slice is handed on in place). */
struct turns {
    uint64_t seen[2], acc, slice, longest, shortest, n;
    int cur;
};

static void turns_hook(struct tv_rig *r, const struct vmm_event *e)
{
    (void)e;
    struct turns *t = r->also_ctx;
    for (int id = 0; id < 2; id++) {
        uint64_t c = machine_cycles(tv_view(r, id));
        if (c == t->seen[id])
            continue;
        if (t->cur >= 0 && id != t->cur) {
            t->longest = t->acc > t->longest ? t->acc : t->longest;
            t->shortest = t->acc < t->shortest ? t->acc : t->shortest;
            t->n++;
            t->acc = 0;
        }
        t->cur = id;
        t->acc += c - t->seen[id];
        t->seen[id] = c;
    }
}

static void hostile2__a_virtual_timer_at_a_slice_end_keeps_the_turn_within_bounds(void **state)
{
    struct tv_rig *r = *state;
    for (uint64_t slice = 40; slice <= 400; slice += 23) {
        for (int hybrid = 0; hybrid < 2; hybrid++) {
            struct loaded h, g;
            load_src("div timer", div_timer_src, &h);
            load_src("div", div_src, &g);
            struct vmm_config cfg = {.q = VMM_K + 2 * W, .slice = slice, .hybrid = hybrid};
            tv_reset(r, &cfg);
            int hid = tv_vm(r, &h.g), gid = tv_vm(r, &g.g);
            static struct turns t;
            memset(&t, 0, sizeof t);
            t.cur = -1;
            t.shortest = UINT64_MAX;
            r->also = turns_hook;
            r->also_ctx = &t;
            struct machine *hb = tv_bare(r, &h.g, 0, NULL), *gb = tv_bare(r, &g.g, 0, NULL);
            for (int chunk = 0; chunk < 10; chunk++) {
                assert_int_equal(tv_run(r, 5000), VMMSTOP_BUDGET);
                tv_keep_up(r, hb, hid, "div timer");
                tv_keep_up(r, gb, gid, "div");
            }
            assert_true(t.n > 20);
            if (t.shortest < slice || t.longest > slice + 11)
                fail_msg("slice %llu%s: turns lasted %llu to %llu cycles",
                         (unsigned long long)slice, hybrid ? " (hybrid)" : "",
                         (unsigned long long)t.shortest, (unsigned long long)t.longest);
        }
    }
}

/* ---- tiny VMs of random words, with gaps between them */

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
    return *s;
}

/* An address near the edges of a W-word machine, or anywhere. */
static uint64_t near(uint64_t *s, uint32_t w)
{
    switch (rnd(s) % 4) {
    case 0: return rnd(s) % (w + 2);
    case 1: return w - 1 + rnd(s) % 2;
    case 2: return 0x7FFFF - rnd(s) % 2;
    default: return rnd(s) & 0x7FFFF;
    }
}

static uint64_t any_psw(uint64_t *s, uint32_t w)
{
    uint64_t b = rnd(s) % 3 == 0 ? rnd(s) & 0xFFFFF : rnd(s) % (w + 2);
    uint64_t l = rnd(s) % 3 == 0 ? near(s, w) : 0;
    return (rnd(s) & 1) << 63 | (uint64_t)(rnd(s) % 3 == 0) << 62 | (rnd(s) & 15) << 58 |
           near(s, w) << 39 | l << 20 | b;
}

static uint64_t any_insn(uint64_t *s, uint32_t w)
{
    static const uint8_t ops[] = {0x01, 0x02, 0x08, 0x09, 0x0A, 0x0B, 0x13, 0x1D, 0x28,
                                  0x29, 0x2A, 0x2B, 0x32, 0x34, 0x38, 0x40, 0x41, 0x42,
                                  0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x00, 0x50, 0x51, 0x52};
    uint64_t op = ops[rnd(s) % sizeof ops];
    if (op == 0x09) /* LI of a small value, a PSW's low half or a timer */
        return op << 57 | near(s, w) << 38 | (rnd(s) % 3 ? rnd(s) % 9 : rnd(s) & 0x3FFFFFFFFF);
    return op << 57 | near(s, w) << 38 | near(s, w) << 19 | near(s, w);
}

#define NTINY 6

static void hostile2__tiny_vms_of_random_words_with_gaps_between(void **state)
{
    struct tv_rig *r = *state;
    static const uint32_t sizes[] = {2, 3, 4, 5, 8, 17, 33};
    static const char *const profiles[] = {"virtualizable", "s360-67", "pdp10", "pdp11-45"};
    static uint64_t mem[NTINY][64];
    for (uint64_t seed = 1; seed <= 60; seed++) {
        uint64_t s = seed * 0x9E3779B97F4A7C15u;
        struct tv_guest g[NTINY];
        const char *prof = profiles[seed % 4];
        bool hybrid = seed % 4 >= 2 || seed % 7 == 0;
        struct vmm_config cfg = {.q = 1024, .profile = isa_profile_find(prof),
                                 .slice = 1 + rnd(&s) % 60, .hybrid = hybrid};
        tv_reset(r, &cfg);
        uint32_t base = VMM_K + rnd(&s) % 3;
        int id[NTINY];
        for (int i = 0; i < NTINY; i++) {
            uint32_t w = sizes[rnd(&s) % (sizeof sizes / sizeof sizes[0])];
            for (uint32_t a = 0; a < w; a++)
                mem[i][a] = rnd(&s) % 4 == 0 ? any_psw(&s, w) : any_insn(&s, w);
            mem[i][1] = any_psw(&s, w);
            g[i] = (struct tv_guest){.w = w, .psw = any_psw(&s, w) & ~(15ull << 58),
                                     .mem = mem[i], .n = w, .input = "xy"};
            id[i] = tv_vm_at(r, base, &g[i]);
            base += w + rnd(&s) % 3; /* a gap the rig watches, or none */
        }
        struct machine *bare[NTINY];
        for (int i = 0; i < NTINY; i++)
            bare[i] = tv_bare(r, &g[i], 0, NULL);
        for (int k = 0; k < 8; k++) {
            tv_run(r, 1 + rnd(&s) % 3000);
            for (int i = 0; i < NTINY; i++) {
                char what[96];
                snprintf(what, sizeof what, "seed %llu (%s%s), VM %d of %u words",
                         (unsigned long long)seed, prof, hybrid ? ", hybrid" : "", i,
                         g[i].w);
                struct machine *view = tv_view(r, id[i]);
                uint64_t want = machine_steps(view), have = machine_steps(bare[i]);
                assert_true(want >= have);
                struct machine_exit ex;
                if (want > have)
                    machine_run(bare[i], want - have, &ex);
                char diff[256] = "";
                vmm_compare(bare[i], r->v, id[i], diff, sizeof diff);
                bool flawed = !hybrid && (!strcmp(prof, "pdp10") || !strcmp(prof, "pdp11-45"));
                if (diff[0] && !flawed)
                    fail_msg("%s differs from its bare run after %llu steps: %s", what,
                             (unsigned long long)want, diff);
            }
        }
    }
}

/* ---- guests that halt: the equivalence checkers judge the whole attack */

/* nextword: SPSW, SR, TGET and CIN (interpreted) store into the word
 * after themselves, which already ran, and it runs next; hybpatch:
 * supervisor code (stepped by a hybrid CP) patches user code that ran
 * directly; smc: supervisor instructions with I = 1 under a running timer
 * overwrite their own words with instructions of other costs; rtimer: R
 * changed (LR, LPSW) in the instruction at which the timer runs out, with
 * I = 1 in the trap PSW too; relsup: supervisor code relocated by its own
 * R, every privileged instruction and indexed address through it; e0run:
 * code at E[0] that traps, so the old PSW lands on the word being run. */
static const char nextword_src[] =
    "W = 256\n"
    "         .org  0\n"
    "         .word 0\n"
    "         .word psw(SUP, trap, 0, W)\n"
    "trap:    STX   log, n, 0\n"
    "         ADDI  n, n, 1\n"
    "         AND   n, n, m63\n"
    "         JMPI  resume\n"
    "n:       .word 0\n"
    "m63:     .word 63\n"
    "resume:  .word 0\n"
    "log:     .space 64\n"
    "         .entry start\n"
    "start:   LI    i, 0\n"
    "again:   MOV   op, nop\n"
    "         MOV   nxt, nop\n"
    "         LI    resume, r1\n"
    "         JAL   link, op\n"
    "r1:      LDX   t, ops, i\n"
    "         MOV   op, t\n"
    "         LI    resume, r2\n"
    "         JAL   link, op\n"
    "r2:      ADDI  i, i, 1\n"
    "         BNE   i, four, again\n"
    "         LI    resume, r3\n"
    "         LPSW  upsw\n"
    "r3:      HALT\n"
    "nop:     NOP\n"
    "four:    .word 4\n"
    "i:       .word 0\n"
    "t:       .word 0\n"
    "link:    .word 0\n"
    "OP = 57\n"
    "ops:     .word (0x41 << OP) | (nxt << 38)\n"
    "         .word (0x43 << OP) | (nxt << 38)\n"
    "         .word (0x45 << OP) | (nxt << 38)\n"
    "         .word (0x47 << OP) | (nxt << 38)\n"
    "upsw:    .word psw(USER, 0, 0, W)\n"
    "         .org  200\n"
    "op:      NOP\n"
    "nxt:     NOP\n"
    "         JMPI  link\n";

static const char hybpatch_src[] =
    "W = 256\n"
    "         .org  0\n"
    "         .word 0\n"
    "         .word psw(SUP, trap, 0, W)\n"
    "         .entry start\n"
    "start:   LPSW  upsw\n"
    "trap:    STX   log, n, 0\n"
    "         ADDI  n, n, 1\n"
    "         ADDI  k, k, 1\n"
    "         BEQ   k, three, fin\n"
    "         LDX   t, pats, k\n"
    "         MOV   ucode + 1, t\n"
    "         LPSW  upsw\n"
    "fin:     HALT\n"
    "n:       .word 0\n"
    "k:       .word 0\n"
    "t:       .word 0\n"
    "three:   .word 3\n"
    "upsw:    .word psw(USER, ucode, 0, W)\n"
    "OP = 57\n"
    "pats:    .word 0\n"
    "         .word (0x38 << OP) | (7 << 38)\n"
    "         .word 0\n"
    "log:     .space 16\n"
    "         .org  200\n"
    "ucode:   NOP\n"
    "         SVC   1\n"
    "         SVC   2\n";

static const char smc_src[] =
    "W = 256\n"
    "         .org  0\n"
    "         .word 0\n"
    "         .word psw(SUP, trap, 0, W)\n"
    "         .entry start\n"
    "start:   TSET  big\n"
    "         LPSW  son\n"
    "s0:      MOV   s1, divw\n"
    "s1:      MOV   s1, divw\n"
    "         TGET  t1\n"
    "s2:      STX   s2, zero, nopw\n"
    "         TGET  t2\n"
    "s3:      JAL   s3, s4\n"
    "s4:      TGET  t3\n"
    "s5:      LI    s5, 12345\n"
    "         TGET  t4\n"
    "         TSET  small\n"
    "         MOV   s6, divw\n"
    "s6:      MOV   s6, divw\n"
    "s7:      MOV   s7, divw\n"
    "         MOV   s8, divw\n"
    "s8:      MOV   s8, nopw\n"
    "         TGET  t5\n"
    "         HALT\n"
    "trap:    STX   log, n, 0\n"
    "         TGET  tt\n"
    "         ADDI  n, n, 1\n"
    "         STX   log, n, tt\n"
    "         ADDI  n, n, 1\n"
    "         LPSW  0\n"
    "n:       .word 0\n"
    "tt:      .word 0\n"
    "big:     .word 100000\n"
    "small:   .word 9\n"
    "son:     .word pswi(SUP, s0, 0, W)\n"
    "divw:    DIV   q, q, q\n"
    "nopw:    NOP\n"
    "zero:    .word 0\n"
    "q:       .word 7\n"
    "t1:      .word 0\n"
    "t2:      .word 0\n"
    "t3:      .word 0\n"
    "t4:      .word 0\n"
    "t5:      .word 0\n"
    "log:     .space 32\n";

static const char rtimer_src[] =
    "W = 1024\n"
    "         .org  0\n"
    "         .word 0\n"
    "         .word pswi(SUP, trap, 0, W)\n"
    "trap:    STX   log, n, 0\n"
    "         TGET  tt\n"
    "         ADDI  n, n, 1\n"
    "         STX   log, n, tt\n"
    "         ADDI  n, n, 1\n"
    "         AND   n, n, m511\n"
    "         JMPI  resume\n"
    "n:       .word 0\n"
    "tt:      .word 0\n"
    "m511:    .word 511\n"
    "resume:  .word 0\n"
    "log:     .space 512\n"
    "         .entry start\n"
    "start:   LI    v, 1\n"
    "loop:    LI    resume, b\n"
    "         TSET  v\n"
    "         LPSW  sI\n"
    "b:       LI    resume, c\n"
    "         TSET  v\n"
    "         LPSW  uI\n"
    "c:       LI    resume, d\n"
    "         TSET  v\n"
    "         LPSW  sI2\n"
    "d:       ADDI  v, v, 1\n"
    "         BNE   v, k30, loop\n"
    "         HALT\n"
    "v:       .word 0\n"
    "k30:     .word 30\n"
    "sI:      .word pswi(SUP, sc, 0, W)\n"
    "uI:      .word pswi(USER, uc - 16, 16, 64)\n"
    "sI2:     .word pswi(SUP, sc2, 0, 900)\n"
    "sc:      LR    r1\n"
    "         LR    r2\n"
    "         LR    r1\n"
    "         LPSW  uI\n"
    "sc2:     LPSW  uI2\n"
    "uI2:     .word pswi(USER, uc - 32, 32, 0x80000)\n"
    "r1:      .word rb(0, 900)\n"
    "r2:      .word rb(0, W) | 0xFFFFF\n"
    "uc:      NOP\n"
    "         LR    r1\n"
    "         NOP\n"
    "         SVC   3\n"
    "         JMP   uc - 16\n";

static const char relsup_src[] =
    "W = 256\n"
    "         .org  0\n"
    "         .word 0\n"
    "         .word psw(SUP, trap, 0, W)\n"
    "         .entry start\n"
    "start:   LI    resume, fin\n"
    "         LPSW  go\n"
    "fin:     HALT\n"
    "trap:    STX   log, n, 0\n"
    "         ADDI  n, n, 1\n"
    "         AND   n, n, m15\n"
    "         JMPI  resume\n"
    "n:       .word 0\n"
    "m15:     .word 15\n"
    "resume:  .word 0\n"
    "go:      .word pswi(SUP, 0, 64, 128)\n"
    "log:     .space 16\n"
    "         .org  64\n"
    "         .phase 0\n"
    "s:       TSET  big\n"
    "         TGET  a\n"
    "         SPSW  b\n"
    "         SR    c\n"
    "         LDX   d, 0x7FFFF, one\n"
    "         STX   0x7FFFF, one, d\n"
    "         LI    e, 0x7FFF0\n"
    "         LDX   f, 0x20, e\n"
    "         COUT  ch\n"
    "         CIN   g\n"
    "         LR    rr\n"
    "         SR    h\n"
    "         LRA   h, 5\n"
    "         LPSW  bad\n"
    "b2:      HALT\n"
    "big:     .word 99999\n"
    "one:     .word 1\n"
    "ch:      .word 65\n"
    "rr:      .word rb(64, 60)\n"
    "bad:     .word pswi(SUP, 61, 64, 60)\n"
    "a:       .word 0\n"
    "b:       .word 0\n"
    "c:       .word 0\n"
    "d:       .word 0\n"
    "e:       .word 0\n"
    "f:       .word 0\n"
    "g:       .word 0\n"
    "h:       .word 0\n"
    "         .dephase\n";

static const char e0run_src[] =
    "W = 256\n"
    "         .org  0\n"
    "         SVC   3\n"
    "         .word psw(SUP, trap, 0, W)\n"
    "         .entry start\n"
    "start:   LPSW  u0\n"
    "trap:    STX   log, n, 0\n"
    "         ADDI  n, n, 1\n"
    "         BEQ   n, lim, fin\n"
    "         MOV   t, 0\n"
    "         AND   c, n, one\n"
    "         BZ    c, back\n"
    "         XOR   t, t, sbit\n"
    "back:    MOV   keep, t\n"
    "         LPSW  keep\n"
    "fin:     HALT\n"
    "u0:      .word psw(USER, 0, 0, W)\n"
    "sbit:    .word 1 << 63\n"
    "one:     .word 1\n"
    "lim:     .word 12\n"
    "n:       .word 0\n"
    "t:       .word 0\n"
    "c:       .word 0\n"
    "keep:    .word 0\n"
    "log:     .space 16\n";

static const char *const halting[] = {nextword_src, hybpatch_src, smc_src,
                                      rtimer_src,   relsup_src,   e0run_src};
#define NHALT (sizeof halting / sizeof halting[0])
#define HW 1024u /* the largest W among them */

static void assemble_all(struct tgm_image *img)
{
    for (size_t i = 0; i < NHALT; i++)
        if (asm_assemble_string("halting", halting[i], &img[i], stderr) != 0)
            fail_msg("halting guest %zu does not assemble", i);
}

static void hostile2__halting_guests_equal_their_bare_machines(void **state)
{
    (void)state;
    static const uint64_t slices[] = {1, 2, 3, 5, 11, 97, 10000};
    static const char *const profiles[] = {"virtualizable", "s360-67", "pdp10", "pdp11-45"};
    struct tgm_image img[NHALT];
    const struct tgm_image *imgs[NHALT];
    assemble_all(img);
    for (size_t i = 0; i < NHALT; i++)
        imgs[i] = &img[i];
    for (size_t k = 0; k < sizeof slices / sizeof slices[0]; k++)
        for (size_t p = 0; p < 4; p++) {
            bool hybrid = p >= 2 || k % 2;
            struct check_opts o = {.w = HW, .max_steps = 1000000, .slice = slices[k],
                                   .profile = isa_profile_find(profiles[p]),
                                   .hybrid = hybrid, .input = (const uint8_t *)"abc",
                                   .input_len = 3};
            struct check_result res[NHALT];
            char err[256] = "";
            if (vmm_check(imgs, NHALT, &o, res, err, sizeof err) != 0)
                fail_msg("vmm_check: %s", err);
            for (size_t i = 0; i < NHALT; i++)
                if (!res[i].equivalent || !res[i].bare_halted)
                    fail_msg("guest %zu, %s%s, slice %llu: alone: %s, together: %s", i,
                             profiles[p], hybrid ? ", hybrid" : "",
                             (unsigned long long)slices[k], res[i].alone_diff,
                             res[i].together_diff);
        }
    for (size_t i = 0; i < NHALT; i++)
        for (unsigned depth = 1; depth <= 3; depth++) {
            struct nest_run_opts o = {.depth = depth, .w = HW, .under_vmm = depth != 2,
                                      .input = (const uint8_t *)"abc", .input_len = 3};
            struct nest_check_result res;
            char err[256] = "";
            if (nest_check(NULL, &img[i], &o, 1000000, &res, err, sizeof err) != 0)
                fail_msg("guest %zu at depth %u: %s", i, depth, err);
            if (!res.equivalent || !res.bare_halted)
                fail_msg("guest %zu at depth %u: not equivalent: %s", i, depth, res.diff);
            assert_true(res.traps > 0);
        }
    for (size_t i = 0; i < NHALT; i++)
        image_free(&img[i]);
}

/* ---- a disabled wait with a timer that cannot trap */

/* docs/run.md, "The step limit": a loop whose every step takes a trap that
 * loads the same PSW again is one "No limit ends", and the note says so;
 * docs/monitor.md: "when every step takes a trap that loads the very PSW
 * it trapped from ... `go` ... says `trap loop ... (a disabled wait)`".
 * A guest whose E[1] has I = 0 loops so whether its timer is armed or
 * pending: every trap loads I = 0, so the timer can never trap.  The probe
 * gave up on any armed or pending timer, so such a loop ran to the step
 * limit with the note to raise it, bare and under the control program. */
static const char disabled_src[] = "W = 256\n"
                                   "        .org 0\n"
                                   "        .word 0\n"
                                   "        .word psw(SUP, W, 0, W)\n"
                                   "        .entry start\n"
                                   "start:  TSET t\n"
                                   "        JMP  W\n"
                                   "t:      .word 37\n";

static void hostile2__a_timer_that_cannot_trap_does_not_hide_a_trap_loop(void **state)
{
    (void)state;
    struct tgm_image img;
    if (asm_assemble_string("disabled", disabled_src, &img, stderr) != 0)
        fail_msg("the disabled wait does not assemble");
    struct machine_config mc = {.q = W};
    struct machine *m = machine_create(&mc);
    assert_non_null(m);
    char err[256] = "";
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    struct machine_exit ex;
    unsigned cause = TRAP_NONE;
    assert_int_equal(machine_run(m, 5, &ex), EXIT_BUDGET);
    assert_true(machine_get_timer(m).armed); /* armed, I = 0: a loop already */
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_MEM);
    assert_int_equal(machine_run(m, 100, &ex), EXIT_BUDGET);
    assert_true(machine_get_timer(m).pending); /* pending, never taken */
    cause = TRAP_NONE;
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_MEM);
    /* with I = 1 in E[1] the timer's trap is taken, but it loads E[1]
     * too: still a loop of memory traps */
    machine_write_phys(m, 1, machine_get_psw(m) | 1ull << 62);
    machine_set_psw(m, machine_get_psw(m) | 1ull << 62);
    cause = TRAP_NONE;
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_MEM);
    machine_destroy(m);
    image_free(&img);

    char path[CS_PATH];
    cs_write_text(path, sizeof path, "disabled.s", disabled_src);
    static const char note[] = "step limit of 1000 reached before HALT in a trap loop (each "
                               "step takes a memory trap and E[1] loads the same PSW: a "
                               "disabled wait), which no limit ends";
    struct cs_outcome o = cs_run_tgm("run", "--mem", "256", "--max-steps", "1000", path, NULL);
    assert_int_equal(o.status, 3);
    if (!strstr(o.err, note))
        fail_msg("tgm run said: %s", o.err);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--mem", "256", "--max-steps", "1000", path, NULL);
    assert_int_equal(o.status, 3);
    if (!strstr(o.err, note))
        fail_msg("tgm run --vmm said: %s", o.err);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_hostile2");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hostile2__trap_loops_through_an_unusable_virtual_e1,
                                        tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(hostile2__an_svc_storm_toggling_i_under_a_timer,
                                        tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(hostile2__console_reads_racing_the_ends_of_slices,
                                        tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(
            hostile2__a_virtual_timer_at_a_slice_end_keeps_the_turn_within_bounds, tv_setup,
            tv_teardown),
        cmocka_unit_test_setup_teardown(hostile2__tiny_vms_of_random_words_with_gaps_between,
                                        tv_setup, tv_teardown),
        cmocka_unit_test(hostile2__halting_guests_equal_their_bare_machines),
        cmocka_unit_test(hostile2__a_timer_that_cannot_trap_does_not_hide_a_trap_loop),
    };
    return cmocka_run_group_tests_name("audit_hostile2", tests, group_setup, group_teardown);
}
