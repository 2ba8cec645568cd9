/* test_walk_b.c: a researcher's walk through docs/vmm.md, docs/theorems.md,
 * docs/recursion.md and docs/os.md with the paper at hand (sections 4 to 8:
 * the control program's dispositions, virtual time, resource control of the
 * processor, equivalence, the counterexamples to Theorems 1 and 3).  Each
 * test is written from the documents, through include/tgm/ and the tgm
 * binary; a test of a fix fails on the tree before it.
 *
 * Runs from the top of the source tree.
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

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/vmm.h"

static void assemble(const char *src, struct tgm_image *img)
{
    if (asm_assemble_string("walk.s", src, img, stderr) != 0)
        fail_msg("the test's guest does not assemble");
}

/* A control program of Q words with one VM of W words per image in IMGS
 * (first fit), each loaded. */
static struct vmm *cp_with(uint32_t q, uint32_t w, const struct tgm_image *const *imgs,
                           size_t n, bool hybrid)
{
    char err[256];
    struct vmm_config c = {.q = q, .hybrid = hybrid};
    struct vmm *v = vmm_create(&c, err, sizeof err);
    assert_non_null(v);
    for (size_t i = 0; i < n; i++) {
        int id = vmm_vm_create(v, w, NULL, err, sizeof err);
        assert_int_equal(id, (int)i);
        if (vmm_vm_load(v, id, imgs[i], err, sizeof err) != 0)
            fail_msg("%s", err);
    }
    return v;
}

/* ---- vmm_run: a budget whose last step halts the last VM ------------------ */

/* vmm.h: VMMSTOP_DONE "no VM is runnable", VMMSTOP_BUDGET "the budget ran
 * out".  A guest that halts on the budget's last step left no VM runnable,
 * yet vmm_run said BUDGET, where machine_run says HALT; so 'go for 53' on
 * sum.s in a VM said "stopped after 53 steps" over a halted VM. */
static void vmm_run__a_budget_whose_last_step_halts_is_done(void **state)
{
    (void)state;
    struct tgm_image img;
    assemble("start: NOP\n       HALT\n", &img);
    const struct tgm_image *one[] = {&img, &img};
    struct vmm *v = cp_with(256, 16, one, 1, false);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 2, &ex), VMMSTOP_DONE);
    struct vm_info vi;
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.state, VM_HALTED);
    assert_int_equal(machine_steps(vmm_vm_view(v, 0)), 2);
    vmm_destroy(v);
    /* a step limit reached on the budget's last step: none runnable either */
    v = cp_with(256, 16, one, 1, false);
    assert_int_equal(vmm_vm_set_limit(v, 0, 1), 0);
    assert_int_equal(vmm_run(v, 1, NULL), VMMSTOP_DONE);
    assert_int_equal(vmm_vm_info(v, 0, &vi), 0);
    assert_int_equal(vi.state, VM_LIMIT);
    vmm_destroy(v);
    /* two VMs: the first halts on the budget's last step, the second has
     * not run: the budget ran out */
    v = cp_with(256, 16, one, 2, false);
    assert_int_equal(vmm_run(v, 2, NULL), VMMSTOP_BUDGET);
    assert_int_equal(vmm_run(v, 2, NULL), VMMSTOP_DONE);
    assert_int_equal(machine_steps(vmm_vm_view(v, 1)), 2);
    vmm_destroy(v);
    image_free(&img);
}

static void monitor__go_for_n_ending_at_a_halt_says_no_vm_is_runnable(void **state)
{
    (void)state;
    /* bare, the 53rd step of sum.s is its HALT */
    cs_mon_prints("load examples/sum.s; go for 53", "halted after 53 steps");
    struct cs_outcome o = cs_mon("vm create a 256 examples/sum.s; go for 53");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "no VM is runnable after 53 steps\na: halted: "));
    assert_null(strstr(o.out, "stopped after"));
    cs_outcome_free(&o);
}

/* ---- step and next in a VM that reaches its step limit -------------------- */

/* monitor.md: step and next stop early at "HALT, ..., the step limit, ...,
 * as they stop 'go'", and 'go' stops where a VM reaches its 'vm limit'.
 * 'step 5' went on past the limit printing steps that did nothing (P
 * unchanged), and 'next' over a call that could no longer return spun
 * until interrupted. */
static void monitor__step_and_next_stop_at_a_vms_step_limit(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon("vm create a 256 examples/sum.s; vm limit a 3; step 5");
    assert_int_equal(o.status, 0);
    const char *stop = strstr(o.out, "a: step limit: s I=0 P=0x00005 ");
    assert_non_null(stop);
    assert_null(strstr(stop, "PSW s I=0")); /* no step after it */
    const char *a = strstr(o.out, "PSW s I=0 P=0x00002");
    size_t shown = 0;
    for (; a; a = strstr(a + 1, "    PSW "))
        shown++;
    assert_int_equal(shown, 3);
    cs_outcome_free(&o);
    /* calls.s: the fourth step is a JAL whose call runs past a limit of 6 */
    o = cs_mon("set limit 100000; vm create a 256 examples/calls.s; vm limit a 6; next 5; "
               "vm list");
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "a: step limit after 6 steps: "));
    assert_null(strstr(o.out, "interrupted"));
    assert_non_null(strstr(o.out, "step limit 0x00008..0x00107"));
    cs_outcome_free(&o);
}

/* ---- tgm counterexample --json, as docs/theorems.md lists it ------------- */

/* Fails unless OBJ's keys are exactly KEYS, in that order. */
static void keys_are(const char *obj, const char *const *keys, const char *what)
{
    const char *p = cs_json_ws(obj);
    assert_int_equal(*p, '{');
    p = cs_json_ws(p + 1);
    size_t k = 0;
    while (*p != '}') {
        char name[64];
        size_t len;
        const char *end = cs_json_string(p, NULL, &len);
        assert_non_null(end);
        assert_true(len < sizeof name);
        cs_json_string(p, name, NULL);
        name[len] = '\0';
        if (!keys[k] || strcmp(name, keys[k]) != 0)
            fail_msg("%s: key %zu is '%s', docs/theorems.md says '%s'", what, k, name,
                     keys[k] ? keys[k] : "(none)");
        k++;
        p = cs_json_ws(end);
        assert_int_equal(*p, ':');
        p = cs_json_value(cs_json_ws(p + 1));
        assert_non_null(p);
        p = cs_json_ws(p);
        if (*p == ',')
            p = cs_json_ws(p + 1);
    }
    if (keys[k])
        fail_msg("%s: no key '%s'", what, keys[k]);
}

static void counterexample__json_is_as_documented(void **state)
{
    (void)state;
    static const char *const report[] = {"profile",      "theorem1",   "theorem3",
                                         "counterexamples", "vmm_fails", "hybrid_fails",
                                         "as_predicted", NULL};
    static const char *const cx[] = {"insn",  "claim",  "witness",     "breaks_theorem3",
                                     "words", "source", "bare_halted", "bare_instructions",
                                     "vmm",   "hybrid", NULL};
    static const char *const mon[] = {"equivalent", "diff", NULL};
    char *doc = cs_slurp("docs/theorems.md", NULL);
    for (const char *const *k = cx; *k; k++) {
        char row[64];
        snprintf(row, sizeof row, "| `%s`", *k);
        if (!strstr(doc, row))
            fail_msg("docs/theorems.md has no row for '%s'", *k);
    }
    free(doc);
    struct cs_outcome o = cs_run_tgm("counterexample", "--profile", "all", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *profiles = cs_json_get(o.out, "profiles");
    size_t n = cs_json_count(profiles), seen = 0;
    assert_int_equal(n, 6);
    for (size_t i = 0; i < n; i++) {
        const char *r = cs_json_item(profiles, i);
        keys_are(r, report, "a profile's object");
        const char *list = cs_json_get(r, "counterexamples");
        bool t1 = cs_json_bool(cs_json_get(r, "theorem1"));
        bool t3 = cs_json_bool(cs_json_get(r, "theorem3"));
        bool vmm_fails = false, hybrid_fails = false;
        assert_int_equal(cs_json_count(list) == 0, t1);
        for (size_t j = 0; j < cs_json_count(list); j++, seen++) {
            const char *c = cs_json_item(list, j);
            keys_are(c, cx, "a counterexample");
            keys_are(cs_json_get(c, "vmm"), mon, "vmm");
            keys_are(cs_json_get(c, "hybrid"), mon, "hybrid");
            char *claim = cs_json_str(cs_json_get(c, "claim"), NULL);
            bool user = !strcmp(claim, "ctl-u") || !strcmp(claim, "loc-u");
            assert_int_equal(cs_json_bool(cs_json_get(c, "breaks_theorem3")), user);
            free(claim);
            assert_int_equal(cs_json_uint(cs_json_get(c, "words")), 64);
            assert_true(cs_json_bool(cs_json_get(c, "bare_halted")));
            assert_true(cs_json_uint(cs_json_get(c, "bare_instructions")) > 0);
            for (int m = 0; m < 2; m++) {
                const char *mo = cs_json_get(c, m ? "hybrid" : "vmm");
                bool eq = cs_json_bool(cs_json_get(mo, "equivalent"));
                size_t dlen;
                free(cs_json_str(cs_json_get(mo, "diff"), &dlen));
                assert_int_equal(eq, dlen == 0);
                if (!eq)
                    *(m ? &hybrid_fails : &vmm_fails) = true;
            }
        }
        assert_int_equal(cs_json_bool(cs_json_get(r, "vmm_fails")), vmm_fails);
        assert_int_equal(cs_json_bool(cs_json_get(r, "hybrid_fails")), hybrid_fails);
        assert_int_equal(vmm_fails, !t1);
        assert_int_equal(hybrid_fails, !t3);
        assert_true(cs_json_bool(cs_json_get(r, "as_predicted")));
    }
    assert_int_equal(seen, 6); /* JRSTU, LRA, MFPI, LPSW SPSW SR */
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_walk_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vmm_run__a_budget_whose_last_step_halts_is_done),
        cmocka_unit_test(monitor__go_for_n_ending_at_a_halt_says_no_vm_is_runnable),
        cmocka_unit_test(monitor__step_and_next_stop_at_a_vms_step_limit),
        cmocka_unit_test(counterexample__json_is_as_documented),
    };
    return cmocka_run_group_tests_name("walk_b", tests, group_setup, group_teardown);
}
