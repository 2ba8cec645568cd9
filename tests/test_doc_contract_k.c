/* test_doc_contract_k.c: docs/recursion.md read as a contract (continued
 * from test_doc_contract_j.c): the machine-code control program's timer
 * modes, as its table gives them, seen from the real machine at every
 * resume of the guest.
 *
 * Uses the C API, as an embedder would.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
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

/* A guest that runs, in turn, with its timer disarmed, armed with I = 0,
 * armed with I = 1 in user mode and armed with I = 1 in supervisor mode. */
static const char modes_src[] =
        "; the CP's four timer modes, met in turn\n"
        "        .org 0\n"
        "        .word 0\n"
        "        .word psw(SUP, handler, 0, 0x400)\n"
        "        .entry start\n"
        "start:  NOP                  ; off: timer disarmed\n"
        "        SVC   0\n"
        "        HALT\n"
        "handler: ADDI n, n, 1\n"
        "        SEQ   t, n, one\n"
        "        BNZ   t, first\n"
        "        SEQ   t, n, two\n"
        "        BNZ   t, second\n"
        "        SEQ   t, n, three\n"
        "        BNZ   t, third\n"
        "        HALT\n"
        "first:  TSET  thousand       ; late: I = 0\n"
        "        NOP\n"
        "        LPSW  userpsw        ; exact: user, I = 1\n"
        "second: LPSW  suppsw         ; step: supervisor, I = 1\n"
        "third:  LPSW  offpsw\n"
        "n:      .word 0\n"
        "t:      .word 0\n"
        "one:    .word 1\n"
        "two:    .word 2\n"
        "three:  .word 3\n"
        "thousand: .word 1000\n"
        "userpsw: .word pswi(USER, ucode, 0, 0x400)\n"
        "suppsw: .word pswi(SUP, scode, 0, 0x400)\n"
        "offpsw: .word psw(SUP, start + 1, 0, 0x400)\n"
        "ucode:  NOP\n"
        "        SVC   1\n"
        "scode:  NOP\n"
        "        NOP\n"
        "        SVC   2\n";

static unsigned op_at(const struct machine *m)
{
    struct psw p = machine_psw(m);
    uint64_t w = 0;
    machine_read_phys(m, (uint64_t)p.l + p.p, &w);
    return GET_OP(w);
}

static uint64_t traps_taken(const struct machine *m)
{
    struct machine_counters c = machine_get_counters(m);
    uint64_t n = 0;
    for (unsigned k = TRAP_PRIV; k < TRAP_NCAUSES; k++)
        n += c.traps[k];
    return n;
}

/* docs/recursion.md, Virtual time is exact: the CP "reads the real timer
 * with TGET as the very first instruction after a trap ..., and arms it
 * with TSET immediately before the LPSW that resumes the guest", and arms
 * it in one of four modes:
 *
 *   off    virtual timer disarmed              left alone   real I 0
 *   late   virtual I = 0                       virtual + 4  real I 0
 *   exact  virtual I = 1, virtual user mode    virtual      real I 1
 *   step   virtual I = 1, virtual supervisor   1            real I 1
 *
 * ("real timer at the guest's first cycle").  One level, stepped one real
 * instruction at a time: at each resume (the first guest step after the
 * CP's code) the real PSW's I and the real timer are the table's for the
 * virtual state level 1 records, and whenever the timer is in use, TSET
 * and LPSW came just before and TGET comes first after the guest's trap. */
static void recursion__the_cps_timer_modes_are_the_tables(void **state)
{
    (void)state;
    struct tgm_image guest;
    if (asm_assemble_string("modes.s", modes_src, &guest, stderr) != 0)
        fail_msg("modes.s does not assemble");
    struct nest_run_opts o = {.depth = 1, .w = 1024};
    struct nest_run r;
    char err[256];
    assert_int_equal(nest_run_start(NULL, &guest, &o, &r, err, sizeof err), 0);
    struct machine *m = r.real;
    const uint32_t k = r.lay.map.k;
    unsigned seen[4] = {0}, prev[2] = {0, 0};
    bool was_guest = false, trapped_out = false, timing = false;
    struct machine_exit ex;
    for (int i = 0; i < 100000; i++) {
        bool in_guest = machine_psw(m).l >= k;
        unsigned op = op_at(m);
        if (in_guest && !was_guest && i > 0) {
            struct nest_level lv;
            nest_level_read(&r.lay, machine_mem(m), 1, &lv);
            struct machine_timer t = machine_get_timer(m);
            bool ie = machine_ie(m);
            if (!lv.tarm) { /* off */
                assert_false(ie);
                seen[0]++;
            } else if (!lv.vpsw.ie) { /* late */
                assert_false(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, lv.trem + 4);
                seen[1]++;
            } else if (!lv.vpsw.sup) { /* exact */
                assert_true(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, lv.trem);
                seen[2]++;
            } else { /* step */
                assert_true(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, 1);
                seen[3]++;
            }
            timing = lv.tarm;
            if (timing) {
                assert_int_equal(prev[0], OP_TSET);
                assert_int_equal(prev[1], OP_LPSW);
            }
        }
        if (!in_guest && trapped_out && timing)
            assert_int_equal(op, OP_TGET);
        was_guest = in_guest;
        prev[0] = prev[1];
        prev[1] = op;
        uint64_t before = traps_taken(m);
        enum exit_reason why = machine_step(m, &ex);
        trapped_out = in_guest && traps_taken(m) > before;
        if (why == EXIT_HALT)
            break;
    }
    assert_true(r.m == m);
    for (int mode = 0; mode < 4; mode++)
        if (!seen[mode])
            fail_msg("no resume in the timer mode %s", (const char *[]){"off", "late", "exact",
                                                                         "step"}[mode]);
    struct nest_check_result res;
    assert_int_equal(nest_check(NULL, &guest, &o, 100000, &res, err, sizeof err), 0);
    assert_true(res.equivalent);
    nest_run_free(&r);
    image_free(&guest);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recursion__the_cps_timer_modes_are_the_tables),
    };
    return cmocka_run_group_tests_name("doc_contract_k", tests, NULL, NULL);
}
