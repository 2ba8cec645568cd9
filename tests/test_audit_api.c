/* test_audit_api.c: the library's header contracts, called as they are
 * written, where an audit found the code short of them.  Each test fails on
 * the tree before its fix (those about null pointers under 'make asan',
 * whose sanitizer sees the undefined memcpy).
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
#include "tgm/bytes.h"
#include "tgm/machine.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

/* nest_compose takes any image, an empty one with no words array too
 * (image.h: nwords 0; image_free frees a NULL words): the stack is the CP's
 * levels alone, the guest's words all zero. */
static void nest_compose__takes_an_empty_guest_with_no_words(void **state)
{
    (void)state;
    char err[256];
    struct tgm_image cp, stack;
    struct nest_layout lay;
    assert_int_equal(nest_cp_image(&cp, err, sizeof err), 0);
    struct tgm_image guest = {.load = 0, .nwords = 0, .words = NULL};
    assert_int_equal(nest_build(&cp, &guest, 2, 64, &stack, &lay, err, sizeof err), 0);
    assert_int_equal(lay.top_w, 64);
    assert_int_equal(stack.nwords, lay.top_base);
    image_free(&stack);
    image_free(&cp);
}

/* asm_assemble_buffer of LEN = 0 bytes reads none, so SRC may be NULL: an
 * empty source, which assembles to an empty image. */
static void asm_assemble_buffer__takes_zero_bytes_at_null(void **state)
{
    (void)state;
    struct tgm_image img;
    assert_int_equal(asm_assemble_buffer("empty.s", NULL, 0, &img, stderr), 0);
    assert_int_equal(img.nwords, 0);
    image_free(&img);
}

/* asm_assemble_line assembles ONE instruction or data expression: a line
 * break ending it is allowed, but a second line after it was dropped
 * unread, its HALT taken for the whole. */
static void asm_line__refuses_a_second_line(void **state)
{
    (void)state;
    uint64_t w = 77;
    char err[128];
    static const char *const two[] = {"HALT\nJUNK", "HALT\r\nHALT", ".word 1\n.word 2"};
    for (size_t i = 0; i < sizeof two / sizeof two[0]; i++) {
        assert_int_equal(asm_assemble_line(two[i], 0, NULL, &w, err, sizeof err), -1);
        assert_string_equal(err, "only one line can be assembled in place");
    }
    assert_true(w == 77);
    assert_int_equal(asm_assemble_line("HALT\r\n", 0, NULL, &w, err, sizeof err), 0);
    assert_int_equal(GET_OP(w), OP_HALT);
}

/* machine.h: machine_compare compares "the console", and the input CIN
 * reads next is part of it: two machines equal but for their waiting
 * input compared equal, then read different bytes. */
static void machine_compare__sees_the_input_waiting(void **state)
{
    (void)state;
    struct machine_config c = {.q = 16};
    struct machine *a = machine_create(&c), *b = machine_create(&c);
    assert_non_null(a);
    assert_non_null(b);
    char d[200];
    machine_console_input(a, (const uint8_t *)"xyz", 3);
    assert_int_equal(machine_compare(a, b, CMP_COUNTERS, "a", "b", d, sizeof d), 1);
    assert_string_equal(d, "console input waiting: a 3, b 0");
    machine_console_input(b, (const uint8_t *)"xyw", 3);
    assert_int_equal(machine_compare(a, b, CMP_COUNTERS, "a", "b", d, sizeof d), 1);
    assert_string_equal(d, "console input byte 2: a 0x7a, b 0x77");
    /* read alike, what is left alike: equal */
    assert_int_equal(machine_console_get(a), 'x');
    assert_int_equal(machine_console_get(b), 'x');
    assert_int_equal(machine_console_get(a), 'y');
    assert_int_equal(machine_console_get(b), 'y');
    assert_int_equal(machine_console_get(a), 'z');
    assert_int_equal(machine_console_get(b), 'w');
    assert_int_equal(machine_compare(a, b, CMP_COUNTERS, "a", "b", d, sizeof d), 0);
    machine_destroy(a);
    machine_destroy(b);
}

/* vmm.h: the VM an event hook is told of cannot be destroyed from within
 * the hook (the CP still handles it; it crashed on the freed view), while
 * another VM can, and stopping it there works. */
static struct vmm *hook_v;
static int hook_calls, hook_what, hook_rc = 99;

static void destroy_hook(void *ctx, const struct vmm_event *e)
{
    (void)ctx;
    if (++hook_calls != 3)
        return;
    hook_rc = hook_what == 0 ? vmm_vm_destroy(hook_v, e->vm)
              : hook_what == 1 ? vmm_vm_destroy(hook_v, 1 - e->vm)
                               : vmm_vm_stop(hook_v, e->vm);
}

static void vmm_vm_destroy__not_the_vm_a_hook_is_told_of(void **state)
{
    (void)state;
    struct tgm_image p;
    char err[256];
    assert_int_equal(asm_assemble_string("h.s", "\t.entry s\ns: SPSW 30\n\tJMP s\n", &p, stderr),
                     0);
    for (hook_what = 0; hook_what < 3; hook_what++) {
        hook_v = vmm_create(&(struct vmm_config){.q = 4096}, err, sizeof err);
        assert_non_null(hook_v);
        for (int i = 0; i < 2; i++) {
            int id = vmm_vm_create(hook_v, 64, NULL, err, sizeof err);
            assert_true(id >= 0);
            assert_int_equal(vmm_vm_load(hook_v, id, &p, err, sizeof err), 0);
        }
        hook_calls = 0;
        vmm_set_event_hook(hook_v, destroy_hook, NULL);
        struct vmm_exit ex;
        assert_int_equal(vmm_run(hook_v, 100, &ex), VMMSTOP_BUDGET);
        assert_int_equal(hook_rc, hook_what == 0 ? -1 : 0);
        vmm_destroy(hook_v);
    }
    image_free(&p);
}

/* nest.h: MAX_STEPS 0 is vmm_check's default limit, not none: a guest
 * that never halts gave a check that never ended. */
static void nest_check__zero_steps_is_the_default_limit(void **state)
{
    (void)state;
    struct tgm_image g;
    assert_int_equal(asm_assemble_string("l.s", "l: JMP l\n", &g, stderr), 0);
    struct nest_run_opts o = {.depth = 1, .w = 64};
    struct nest_check_result r;
    char err[256];
    assert_int_equal(nest_check(NULL, &g, &o, 0, &r, err, sizeof err), 0);
    assert_false(r.equivalent);
    assert_string_equal(r.diff, "the bare run did not halt within 100000000 steps");
    image_free(&g);
}

/* bytes.h: the bytes a UTF-8 character takes, ASCII's 1 among them (it
 * said 0, "not one"); LEN 0 reads nothing (it read P[0]). */
static void utf8_char__ascii_is_one_byte_and_len_0_is_none(void **state)
{
    (void)state;
    const uint8_t a[] = "a\x7f\xc3\xa9";
    assert_int_equal(tgm_utf8_char(a, 1), 1);
    assert_int_equal(tgm_utf8_char(a + 1, 1), 1);
    assert_int_equal(tgm_utf8_char(a + 2, 2), 2);
    assert_int_equal(tgm_utf8_char(a + 2, 1), 0); /* cut by LEN */
    uint8_t *none = malloc(1); /* LEN 0 at the end of a block: ASan sees a read */
    assert_non_null(none);
    assert_int_equal(tgm_utf8_char(none + 1, 0), 0);
    free(none);
}

/* machine.h: isa_profile_find(NULL) is NULL, as an unknown name is (it
 * crashed in strcmp). */
static void profile_find__null_is_no_profile(void **state)
{
    (void)state;
    assert_null(isa_profile_find(NULL));
    assert_null(isa_profile_find("X86"));
    assert_non_null(isa_profile_find("x86"));
}

/* The other lookups by name take NULL alike (they crashed in strlen and
 * strcmp): no suggestion, no VM. */
static void lookups__a_null_name_is_none(void **state)
{
    (void)state;
    char buf[64] = "stale", err[256];
    assert_int_equal(isa_profile_suggest(NULL, buf, sizeof buf), 0);
    assert_string_equal(buf, "");
    assert_int_equal(isa_profile_suggest_with(NULL, "all", buf, sizeof buf), 0);
    assert_int_equal(isa_profile_suggest("x87", buf, sizeof buf), 1);
    assert_string_equal(buf, "'x86'");
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 4096}, err, sizeof err);
    assert_non_null(v);
    int id = vmm_vm_create(v, 64, NULL, err, sizeof err);
    assert_true(id >= 0);
    assert_int_equal(vmm_vm_find(v, NULL), -1);
    struct vm_info info;
    assert_int_equal(vmm_vm_info(v, id, &info), 0);
    assert_int_equal(vmm_vm_find(v, info.name), id);
    vmm_destroy(v);
}

/* The lookups by name that say "NULL if unknown" take a NULL name as
 * unknown, as the ones above do (each crashed in strcasecmp, strlen or
 * strcmp): the mnemonic table, its "did you mean" and an image's symbols. */
static void lookups__a_null_mnemonic_or_symbol_is_none(void **state)
{
    (void)state;
    assert_null(isa_lookup(NULL));
    assert_non_null(isa_lookup("lpsw"));
    assert_null(asm_suggest_mnemonic(NULL));
    assert_string_equal(asm_suggest_mnemonic("ADX"), "ADD");
    struct tgm_symbol sym = {.name = "start", .value = 5};
    struct tgm_image img = {.nsyms = 1, .syms = &sym};
    assert_null(image_symbol(&img, NULL));
    assert_ptr_equal(image_symbol(&img, "start"), &sym);
}

/* vmm.h: "O NULL takes every default", as analyze_profile's options do; a
 * NULL O was dereferenced. */
static void check__null_options_are_the_defaults(void **state)
{
    (void)state;
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("h.s", "\tLI 20, 7\n\tHALT\n", &img, stderr), 0);
    const struct tgm_image *imgs[] = {&img};
    struct check_result res;
    char err[256];
    assert_int_equal(vmm_check(imgs, 1, NULL, &res, err, sizeof err), 0);
    assert_true(res.equivalent);
    assert_true(res.bare_halted);
    assert_int_equal(res.bare.instret, 2);
    image_free(&img);
}

/* vmm.h: vmm_guests_fit answers for any N and W.  N * W wrapped past 2^64
 * (2^45 guests of 2^19 words "fit" in the CP's 8 words), and the message's
 * Q is the exact count, not the wrapped one. */
static void guests_fit__a_product_past_2_64_does_not_fit(void **state)
{
    (void)state;
    char err[160];
    assert_int_equal(vmm_guests_fit(1, "VM", TGM_Q_MAX - VMM_K, err, sizeof err), 0);
    assert_int_equal(vmm_guests_fit(1, "VM", TGM_Q_MAX - VMM_K + 1, err, sizeof err), -1);
    assert_string_equal(err, "1 VM of 524281 words needs 524289 words of real memory, "
                             "more than 524288");
    assert_int_equal(vmm_guests_fit(UINT64_MAX, "image", 0, err, sizeof err), 0);
    assert_int_equal(vmm_guests_fit(UINT64_C(1) << 45, "VM", TGM_Q_MAX, err, sizeof err), -1);
    assert_string_equal(err, "35184372088832 VMs of 524288 words need 18446744073709551624 "
                             "words of real memory, more than 524288");
    assert_int_equal(vmm_guests_fit(UINT64_MAX, "image", UINT32_MAX, err, sizeof err), -1);
    assert_string_equal(err, "18446744073709551615 images of 4294967295 words need "
                             "79228162495817593515539431433 words of real memory, more "
                             "than 524288");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nest_compose__takes_an_empty_guest_with_no_words),
        cmocka_unit_test(asm_assemble_buffer__takes_zero_bytes_at_null),
        cmocka_unit_test(asm_line__refuses_a_second_line),
        cmocka_unit_test(machine_compare__sees_the_input_waiting),
        cmocka_unit_test(vmm_vm_destroy__not_the_vm_a_hook_is_told_of),
        cmocka_unit_test(nest_check__zero_steps_is_the_default_limit),
        cmocka_unit_test(utf8_char__ascii_is_one_byte_and_len_0_is_none),
        cmocka_unit_test(profile_find__null_is_no_profile),
        cmocka_unit_test(lookups__a_null_name_is_none),
        cmocka_unit_test(lookups__a_null_mnemonic_or_symbol_is_none),
        cmocka_unit_test(guests_fit__a_product_past_2_64_does_not_fit),
        cmocka_unit_test(check__null_options_are_the_defaults),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
