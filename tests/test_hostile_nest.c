/* test_hostile_nest.c: the looping hostile guests on a deep stack of
 * control programs (section 7, Theorem 2, under attack).
 *
 * tests/test_hostile.c runs the guests of examples/hostile/ that never halt
 * under the C control program, and tests/test_hostile_b.c the halting ones
 * on 1 to 4 levels of the machine-code CP (nest_check, which needs a HALT).
 * Here the looping ones (escape R, spin with the timer off, trap storms,
 * rewrite their trap vector, jump at the CP's words) run on 1 to 4 levels,
 * on a bare machine and on the C CP.  A run that never halts is judged by
 * its trap log, the words written to the guest's E[0] in order (every
 * trap's old PSW and the guest's own stores): the stack's log must be the
 * start of the bare machine's, word for word, however far the stack got;
 * it must get far (the CPs under the guest keep delivering its traps); the
 * stack must never halt; and every level must still be the CP it was built
 * as (nest_intact) between chunks.
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
#include "tgm/nest.h"

#define W 256u               /* the guest's memory, as the examples assume */
#define INPUT "ab\n"
#define CHUNK 250000u        /* the stack's steps between checks */
#define CHUNKS 8u            /* the stack's run: CHUNKS * CHUNK steps */
/* the bare machine's run, whose log is the oracle: as many steps as the
 * stack's, which takes at least one step for each of its guest's */
#define BARE_STEPS (CHUNKS * CHUNK)
#define FAR 64u              /* log words a stack must reach (or all the bare ones) */

static const char *const looping[] = {
    "bounds", "escape_r", "hcall", "jump_cp", "lpsw_sup", "selfmod",
    "spin", "svc_storm", "timer", "trap_storm", "write_e01",
};
#define NLOOPING (sizeof looping / sizeof looping[0])

static void start(const struct tgm_image *img, unsigned depth, bool under_vmm,
                  struct nest_run *r, const char *what)
{
    struct nest_run_opts o = {.depth = depth, .w = W, .under_vmm = under_vmm,
                              .log_traps = true, .input = (const uint8_t *)INPUT,
                              .input_len = strlen(INPUT)};
    char err[256] = "";
    if (nest_run_start(NULL, img, &o, r, err, sizeof err) != 0)
        fail_msg("%s: %s", what, err);
}

/* GUEST on DEPTH levels (on the C CP if UNDER_VMM) against BARE's log. */
static void one(const char *name, const struct tgm_image *img, const struct nest_run *bare,
                unsigned depth, bool under_vmm)
{
    char what[128];
    snprintf(what, sizeof what, "%s.s at depth %u%s", name, depth,
             under_vmm ? " on the C CP" : "");
    struct nest_run n;
    start(img, depth, under_vmm, &n, what);
    for (unsigned c = 0; c < CHUNKS; c++) {
        if (nest_run_go(&n, CHUNK))
            fail_msg("%s: the stack halted, the bare machine never does", what);
        if (n.steps != (uint64_t)(c + 1) * CHUNK)
            fail_msg("%s: the stack stopped after %llu steps", what,
                     (unsigned long long)n.steps);
        if (!nest_intact(&n.lay, n.m))
            fail_msg("%s: a level is no longer the CP it was built as", what);
        char diff[256] = "";
        if (n.nlog > bare->nlog)
            fail_msg("%s: the stack wrote its E[0] %zu times, the bare machine %zu in %u "
                     "steps", what, n.nlog, bare->nlog, BARE_STEPS);
        if (nest_logs_differ(bare->log, n.nlog, n.log, n.nlog, diff, sizeof diff))
            fail_msg("%s: %s", what, diff);
    }
    size_t want = bare->nlog < FAR ? bare->nlog : FAR;
    if (n.nlog < want)
        fail_msg("%s: the stack reached %zu of the bare machine's %zu trap log words "
                 "in %u steps", what, n.nlog, bare->nlog, CHUNKS * CHUNK);
    nest_run_free(&n);
}

static void nest__each_looping_guest_at_depths_1_to_4(void **state)
{
    (void)state;
    for (size_t i = 0; i < NLOOPING; i++) {
        char path[128];
        snprintf(path, sizeof path, "examples/hostile/%s.s", looping[i]);
        struct tgm_image img;
        if (asm_assemble_file(path, &img, stderr) != 0)
            fail_msg("%s does not assemble", path);
        struct nest_run bare;
        start(&img, 0, false, &bare, path);
        if (nest_run_go(&bare, BARE_STEPS))
            fail_msg("%s halted on the bare machine", path);
        for (unsigned depth = 1; depth <= 4; depth++) {
            one(looping[i], &img, &bare, depth, false);
            one(looping[i], &img, &bare, depth, true);
        }
        nest_run_free(&bare);
        image_free(&img);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest__each_looping_guest_at_depths_1_to_4),
    };
    return cmocka_run_group_tests_name("hostile_nest", tests, NULL, NULL);
}
