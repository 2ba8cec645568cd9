/* test_doc_contract_h.c: the public headers (include/tgm/ headers), docs/isa.md,
 * docs/asm.md and docs/vmm.md read as a contract a second time, against the
 * code and the paper (sections 2-8).  A test of a behaviour that changed
 * fails on the tree before its fix; the others pin what a header or a
 * document promises and no test checked.
 *
 * Uses the C API directly, as an embedder would, and the real binary
 * (cli_support) from the top of the source tree.
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
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* ---- image.h ------------------------------------------------------------ */

/* image.h: image_serialize returns -1 "if it violates the format".  It
 * wrote symbols out of order, a name twice and cause bits in the entry PSW
 * (masking them), and image_parse then refused the bytes it wrote (or took
 * another entry PSW than the image held).  Whatever it writes now parses
 * back to the same image, and image_write_file says why it refuses. */
static void image__serialize_writes_only_what_parse_takes(void **state)
{
    (void)state;
    uint64_t words[2] = {1, 2};
    struct tgm_symbol unsorted[] = {{"b", 1, 0}, {"a", 0, 0}};
    struct tgm_symbol samename[] = {{"a", 0, 0}, {"a", 1, 0}};
    struct tgm_symbol twice[] = {{"a", 0, 0}, {"a", 0, 0}};
    struct tgm_symbol sorted[] = {{"a", 0, 0}, {"b", 0, 0}, {"a2", 1, 0}};
    static const struct {
        uint32_t n;
        uint64_t psw;
        const char *why;
    } bad[] = {
        {2, 0, "symbols not sorted by value, then name"},
        {2, 0, "a symbol name twice"},
        {2, 0, "symbols not sorted by value, then name"},
        {0, UINT64_C(3) << PSW_CAUSE_SHIFT, "cause bits in the entry PSW"},
    };
    struct tgm_symbol *syms[] = {unsorted, samename, twice, NULL};
    char path[CS_PATH], err[512];
    cs_tmp_path(path, sizeof path, "h-bad.img");
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        struct tgm_image img = {0, 2, bad[k].psw, words, bad[k].n, syms[k]};
        uint8_t *buf = NULL;
        size_t len = 0;
        assert_int_equal(image_serialize(&img, &buf, &len), -1);
        assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
        if (!strstr(err, bad[k].why) || !strstr(err, "image violates the format"))
            fail_msg("case %zu: '%s'", k, err);
    }
    /* the canonical order, and a PSW with I and every field set, round trip */
    uint64_t psw = UINT64_C(0xC3FFFFFFFFFFFFFF) & ~(UINT64_C(0xF) << PSW_CAUSE_SHIFT);
    struct tgm_image img = {7, 2, psw, words, 3, sorted};
    uint8_t *buf;
    size_t len;
    assert_int_equal(image_serialize(&img, &buf, &len), 0);
    struct tgm_image back;
    assert_int_equal(image_parse(buf, len, &back, err, sizeof err), 0);
    assert_int_equal(back.load, 7);
    assert_int_equal(back.entry_psw, psw);
    assert_int_equal(back.nsyms, 3);
    for (uint32_t i = 0; i < 3; i++) {
        assert_string_equal(back.syms[i].name, sorted[i].name);
        assert_int_equal(back.syms[i].value, sorted[i].value);
    }
    image_free(&back);
    free(buf);
}

/* ---- vmm.h: the allocator --------------------------------------------- */

/* vmm.h: a VM created without a name is "vmID".  When a VM named so
 * already existed (an explicit name), the new one took the same name:
 * vmm_vm_find found only the first, and vmm_state_check refused the
 * control program ("VMs 0 and 1 are both named 'vm1'"). */
static void alloc__a_default_name_is_never_another_vms(void **state)
{
    (void)state;
    char err[256] = "";
    struct vmm_config c = {.q = 4096};
    struct vmm *v = vmm_create(&c, err, sizeof err);
    assert_non_null(v);
    int a = vmm_vm_create(v, 100, "vm1", err, sizeof err);
    int b = vmm_vm_create(v, 100, NULL, err, sizeof err);
    int d = vmm_vm_create(v, 100, "", err, sizeof err);
    assert_int_equal(a, 0);
    assert_int_equal(b, 1);
    assert_int_equal(d, 2);
    struct vm_info ia, ib, id;
    assert_int_equal(vmm_vm_info(v, a, &ia), 0);
    assert_int_equal(vmm_vm_info(v, b, &ib), 0);
    assert_int_equal(vmm_vm_info(v, d, &id), 0);
    assert_string_equal(ia.name, "vm1");
    assert_string_equal(ib.name, "vm2");
    assert_string_equal(id.name, "vm3");
    assert_int_equal(vmm_vm_find(v, "vm2"), b);
    assert_int_equal(vmm_state_check(v, err, sizeof err), 0);
    /* an explicit name that is taken is refused; a free default is kept */
    assert_int_equal(vmm_vm_create(v, 100, "vm2", err, sizeof err), -1);
    assert_non_null(strstr(err, "a VM named 'vm2' exists already"));
    assert_int_equal(vmm_vm_destroy(v, a), 0);
    int e = vmm_vm_create(v, 100, NULL, err, sizeof err);
    assert_int_equal(e, 0);
    struct vm_info ie;
    assert_int_equal(vmm_vm_info(v, e, &ie), 0);
    assert_string_equal(ie.name, "vm0");
    vmm_destroy(v);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_h");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image__serialize_writes_only_what_parse_takes),
        cmocka_unit_test(alloc__a_default_name_is_never_another_vms),
    };
    return cmocka_run_group_tests_name("doc_contract_h", tests, group_setup, group_teardown);
}
