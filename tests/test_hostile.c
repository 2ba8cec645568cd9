/* test_hostile.c: hostile guests against the control program (section 5).
 *
 * Each program in examples/hostile/ tries a way out of its region or a way
 * to keep the processor.  It runs under the CP for 10 million guest
 * instructions next to a well-behaved VM; after every dispatcher entry no
 * real word outside the entering VM's region may have changed and the CP's
 * words never (the rig checks, tests/vmm_support.c); at every checkpoint
 * both VMs equal their bare runs to the same step (vmm_compare, section
 * 6), and the well-behaved VM has had at least a third of the virtual time
 * (it must still get its share of the processor).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"
#include "vmm_support.h"

#define W 256u                  /* each VM's memory, as the programs assume */
#define GUEST_INSNS 10000000u   /* the hostile guest's instructions per test */
#define HYBRID_INSNS 1000000u   /* the same under the hybrid CP (section 8) */
#define CHUNK 500000u           /* guest steps between checkpoints */

/* A well-behaved VM: arithmetic and stores in its own memory forever; any
 * trap halts it (and then it would not keep up with its bare run's P). */
static const char good_src[] = "W = 256\n"
                               "        .org 0\n"
                               "        .word 0\n"
                               "        .word psw(SUP, bad, 0, W)\n"
                               "        .entry start\n"
                               "start:  ADDI x, x, 7\n"
                               "        MUL  y, x, x\n"
                               "        XOR  z, z, y\n"
                               "        STX  buf, k, z\n"
                               "        ADDI k, k, 1\n"
                               "        AND  k, k, m63\n"
                               "        JMP  start\n"
                               "bad:    HALT\n"
                               "x:      .word 0\n"
                               "y:      .word 0\n"
                               "z:      .word 0\n"
                               "k:      .word 0\n"
                               "m63:    .word 63\n"
                               "buf:    .space 64\n";

static const char *const hostile[] = {
    "bounds", "escape_r", "hcall", "jump_cp", "lpsw_sup", "selfmod",
    "spin", "svc_storm", "timer", "trap_storm", "write_e01",
};

struct loaded {
    uint64_t mem[W];
    struct tv_guest g;
};

static void guest_of(struct tgm_image *img, const char *what, struct loaded *out)
{
    if (img->load + img->nwords > W)
        fail_msg("%s does not fit %u words", what, W);
    memset(out->mem, 0, sizeof out->mem);
    memcpy(out->mem + img->load, img->words, img->nwords * sizeof *img->words);
    out->g = (struct tv_guest){.w = W, .psw = img->entry_psw, .mem = out->mem, .n = W};
    image_free(img);
}

static void run_hostile(struct tv_rig *r, const char *name, bool hybrid, uint64_t insns)
{
    char path[128];
    snprintf(path, sizeof path, "examples/hostile/%s.s", name);
    struct tgm_image img;
    if (asm_assemble_file(path, &img, stderr) != 0)
        fail_msg("%s does not assemble", path);
    struct loaded h, g;
    guest_of(&img, path, &h);
    if (asm_assemble_string("good", good_src, &img, stderr) != 0)
        fail_msg("the well-behaved guest does not assemble");
    guest_of(&img, "good", &g);

    /* no free words: the rig compares all of real memory at every entry */
    struct vmm_config cfg = {.q = VMM_K + 2 * W, .slice = 2000, .hybrid = hybrid};
    tv_reset(r, &cfg);
    int hid = tv_vm(r, &h.g), gid = tv_vm(r, &g.g);
    struct machine *hb = tv_bare(r, &h.g, 0, NULL), *gb = tv_bare(r, &g.g, 0, NULL);
    while (machine_instret(tv_view(r, hid)) < insns) {
        assert_int_equal(tv_run(r, CHUNK), VMMSTOP_BUDGET);
        tv_keep_up(r, hb, hid, path);
        tv_keep_up(r, gb, gid, path);
    }
    uint64_t hc = machine_cycles(tv_view(r, hid)), gc = machine_cycles(tv_view(r, gid));
    if (gc < (hc + gc) / 3)
        fail_msg("%s: the well-behaved VM had %llu of %llu virtual cycles", path,
                 (unsigned long long)gc, (unsigned long long)(hc + gc));
    assert_int_equal(tv_info(r, gid).state, VM_RUNNABLE);
    assert_int_equal(tv_info(r, hid).state, VM_RUNNABLE);
}

static void hostile__each_guest_against_a_well_behaved_neighbour(void **state)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
        run_hostile(*state, hostile[i], false, GUEST_INSNS);
}

static void hostile__each_guest_under_the_hybrid_cp(void **state)
{
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++)
        run_hostile(*state, hostile[i], true, HYBRID_INSNS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(hostile__each_guest_against_a_well_behaved_neighbour,
                                        tv_setup, tv_teardown),
        cmocka_unit_test_setup_teardown(hostile__each_guest_under_the_hybrid_cp, tv_setup,
                                        tv_teardown),
    };
    return cmocka_run_group_tests_name("hostile", tests, NULL, NULL);
}
