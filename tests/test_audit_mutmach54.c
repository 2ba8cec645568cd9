/* test_audit_mutmach54.c: cases that a mutation audit of the machine's
 * devices and library API outside the run loop (the console buffers, the
 * edit count, machine_compare, the names for display, the error-line and
 * file-name helpers) found no other suite asserting.
 *
 * Each states a contract of include/tgm/machine.h or include/tgm/bytes.h
 * (or docs/monitor.md) at the edge a small change to the product moved,
 * named in its comment.  Library-level only: it calls the public API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tgm/bytes.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

static struct machine *small(void)
{
    struct machine *m = machine_create(&(struct machine_config){.q = 256});
    assert_non_null(m);
    return m;
}

/* ---- the console: 16 MiB kept, the rest counted ------------------------- */

/* machine.h: "its first 16 MiB; the bytes written beyond them are only
 * counted (dropped)"; docs/monitor.md: "output past 16777216 bytes is
 * dropped and counted".  (conbuf_put's out_len >= LIMIT made > keeps one
 * byte more.) */
static void console__keeps_exactly_16_mib_and_counts_the_rest(void **state)
{
    (void)state;
    struct machine *m = small();
    const size_t limit = (size_t)16 << 20;
    for (size_t i = 0; i < limit + 3; i++)
        machine_console_put(m, (uint8_t)i);
    size_t len = 0;
    const uint8_t *out = machine_console_output(m, &len);
    assert_int_equal(len, limit);
    assert_int_equal(out[limit - 1], (uint8_t)(limit - 1));
    assert_int_equal(machine_console_dropped(m), 3);
    assert_false(machine_console_lost(m));
    machine_destroy(m);
}

/* machine.h: the queued bytes are "machine_console_input_len of them (NULL
 * when none)", and the power-on state has the console empty.  (Returning
 * the buffer whatever its length gives a stale pointer after a reset.) */
static void console__no_input_bytes_after_a_reset(void **state)
{
    (void)state;
    struct machine *m = small();
    assert_null(machine_console_input_bytes(m));
    assert_int_equal(machine_console_input(m, (const uint8_t *)"ab", 2), 0);
    assert_non_null(machine_console_input_bytes(m));
    machine_reset(m);
    assert_int_equal(machine_console_input_len(m), 0);
    assert_null(machine_console_input_bytes(m));
    machine_destroy(m);
}

/* machine.h: clearing the output forgets "its count of dropped bytes" with
 * it, and the queued input stays.  (Leaving out_dropped as it was.) */
static void console__clearing_the_output_forgets_the_dropped_count(void **state)
{
    (void)state;
    struct machine *m = small();
    machine_console_put(m, 'a');
    machine_console_add_dropped(m, 4);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"x", 1), 0);
    machine_console_clear_output(m);
    size_t len = 1;
    (void)machine_console_output(m, &len);
    assert_int_equal(len, 0);
    assert_int_equal(machine_console_dropped(m), 0);
    assert_int_equal(machine_console_input_len(m), 1);
    machine_destroy(m);
}

/* ---- machine_edits: "each counted when it changed anything" ------------- */

/* Writing the word E already holds, physically or through R, changes
 * nothing and is no edit; another value is one.  (Dropping the compare in
 * machine_write_phys or machine_write_virt counts both.) */
static void edits__a_write_of_the_same_word_is_no_edit(void **state)
{
    (void)state;
    struct machine *m = small();
    assert_int_equal(machine_write_phys(m, 10, 7), 0);
    uint64_t e = machine_edits(m);
    assert_int_equal(machine_write_phys(m, 10, 7), 0);
    assert_int_equal(machine_edits(m), e);
    machine_set_r(m, 8, 16);
    assert_int_equal(machine_write_virt(m, 2, 7), 0); /* E[10] again */
    assert_int_equal(machine_edits(m), e);
    assert_int_equal(machine_write_virt(m, 2, 8), 0);
    assert_int_equal(machine_edits(m), e + 1);
    machine_destroy(m);
}

/* No input queued and no bytes counted dropped change nothing either.
 * (Counting machine_console_input or machine_console_add_dropped whatever
 * the length.) */
static void edits__empty_console_input_and_zero_dropped_are_none(void **state)
{
    (void)state;
    struct machine *m = small();
    uint64_t e = machine_edits(m);
    uint64_t mark = machine_mark(m);
    assert_int_equal(machine_console_input(m, (const uint8_t *)"", 0), 0);
    machine_console_add_dropped(m, 0);
    assert_int_equal(machine_edits(m), e);
    assert_true(machine_mark(m) == mark);
    machine_console_add_dropped(m, 2);
    assert_int_equal(machine_edits(m), e + 1);
    assert_int_equal(machine_console_dropped(m), 2);
    machine_destroy(m);
}

/* ---- machine_compare -------------------------------------------------- */

/* machine.h: the console is compared by "its output, the input read and
 * the input waiting": the first waiting byte too.  (Starting the input
 * loop one past the read position misses it.) */
static void compare__the_next_input_byte_is_compared(void **state)
{
    (void)state;
    struct machine *a = small(), *b = small();
    assert_int_equal(machine_console_input(a, (const uint8_t *)"xA", 2), 0);
    assert_int_equal(machine_console_input(b, (const uint8_t *)"xB", 2), 0);
    assert_int_equal(machine_console_get(a), 'x');
    assert_int_equal(machine_console_get(b), 'x');
    char diff[200];
    assert_int_equal(machine_compare(a, b, 0, "a", "b", diff, sizeof diff), 1);
    assert_non_null(strstr(diff, "console input byte 1"));
    machine_destroy(a);
    machine_destroy(b);
}

/* Byte offset of traps[cause] in a snapshot of a machine whose profile is
 * NAME (the layout in state.c: 4 words, the name, 9 words, the traps). */
static size_t trap_count_at(const char *name, unsigned cause)
{
    return 32 + strlen(name) + 8 * 9 + 8 * (size_t)cause;
}

/* With CMP_COUNTERS "also cycles, instructions, steps and traps": each
 * cause's count, the last (timer) too, even when all else agrees.  (The
 * loop over causes stopping one short misses the timer's.) */
static void compare__every_trap_count_with_counters(void **state)
{
    (void)state;
    struct machine *a = small(), *b = small();
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(machine_state_save(a, false, &buf, &len), 0);
    size_t at = trap_count_at(machine_profile(a)->name, TRAP_TIMER);
    assert_true(at + 8 <= len);
    buf[at] = 1;
    char err[200];
    assert_int_equal(machine_state_load(b, buf, len, err, sizeof err), 0);
    assert_int_equal(machine_get_counters(b).traps[TRAP_TIMER], 1);
    char diff[200];
    assert_int_equal(machine_compare(a, b, 0, "a", "b", diff, sizeof diff), 0);
    assert_int_equal(machine_compare(a, b, CMP_COUNTERS, "a", "b", diff, sizeof diff), 1);
    assert_non_null(strstr(diff, "timer traps"));
    free(buf);
    machine_destroy(a);
    machine_destroy(b);
}

/* ---- names and lines for display ------------------------------------- */

/* machine.h: "the article before trap_cause_name(CAUSE)": "unknown" for a
 * cause out of range, so "an".  (Leaving u out of the vowels.) */
static void names__an_unknown_cause(void **state)
{
    (void)state;
    assert_string_equal(trap_cause_name(TRAP_NCAUSES), "unknown");
    assert_string_equal(trap_cause_article(TRAP_NCAUSES), "an");
    assert_string_equal(trap_cause_article(TRAP_ILL), "an");
    assert_string_equal(trap_cause_article(TRAP_MEM), "a");
}

static void print_line(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(f, fmt, ap);
    va_end(ap);
}

/* bytes.h: "a control character in it ... as \n, \t, \r or \xHH", so an
 * error stays one line.  (Writing a tab as it is.) */
static void names__a_tab_in_an_error_line_is_written_as_backslash_t(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    print_line(f, "a%sb%sc%sd", "\t", "\n", "\r");
    char got[64] = {0};
    rewind(f);
    assert_non_null(fgets(got, sizeof got, f));
    fclose(f);
    assert_string_equal(got, "a\\tb\\nc\\rd");
}

/* bytes.h: NAME.s "after at least one byte ... A file named just .s is,
 * as for the shell, a hidden file with no extension".  (n > 2 made >= 2
 * takes ".s" for a source.) */
static void names__a_file_named_just_dot_s_is_no_source(void **state)
{
    (void)state;
    assert_false(tgm_source_named(".s"));
    assert_false(tgm_source_named("dir/.s"));
    assert_true(tgm_source_named("a.s"));
    assert_true(tgm_source_named("dir/a.s"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(console__keeps_exactly_16_mib_and_counts_the_rest),
        cmocka_unit_test(console__no_input_bytes_after_a_reset),
        cmocka_unit_test(edits__a_write_of_the_same_word_is_no_edit),
        cmocka_unit_test(console__clearing_the_output_forgets_the_dropped_count),
        cmocka_unit_test(edits__empty_console_input_and_zero_dropped_are_none),
        cmocka_unit_test(compare__the_next_input_byte_is_compared),
        cmocka_unit_test(compare__every_trap_count_with_counters),
        cmocka_unit_test(names__an_unknown_cause),
        cmocka_unit_test(names__a_tab_in_an_error_line_is_written_as_backslash_t),
        cmocka_unit_test(names__a_file_named_just_dot_s_is_no_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
