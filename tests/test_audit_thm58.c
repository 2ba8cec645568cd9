/* test_audit_thm58.c: claims of docs/theorems.md, docs/recursion.md and
 * docs/os.md that a read of them found no suite asserting in these words.
 *
 * The analyzer's header under non-default options and the state counts its
 * generation rules give; the machine-code control program refusing s360-67
 * where the C one runs it; the bare limit of `tgm check --nest` and the
 * real-step limit of `tgm run --nest`, each at its exact edge; the OS in
 * its smallest memory on a level, its rogue's illegal word, the traps that
 * reach each of four levels, and a quantum of -1, of 6 and of 5 (a copy of
 * the OS's sources with QUANTUM changed, as the document's "Changing it"
 * says to do).
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "cli_support.h"

/* O's standard output holds WANT. */
static void out_has(const struct cs_outcome *o, const char *want)
{
    if (!strstr(o->out, want))
        fail_msg("output lacks \"%s\":\n%s\nstderr: %s", want, o->out, o->err);
}

/* ---- the analyzer (docs/theorems.md) ------------------------------------ */

/* The seed, the random states and the words are the header's: "--words Q
 * | words of memory of the small machine", "--seed N | seed of the random
 * states", "--random-states N | random states per instruction after the
 * boundary states"; with --json, `q`, `seed` (a hex string) and
 * `random_states`. */
static void analyze__the_header_names_the_options_given(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--words", "16", "--seed", "1",
                                     "--random-states", "7", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "\nmachine of 16 words; 7 random states per instruction after the boundary "
                "states; seed 0x1\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("analyze", "--words", "16", "--seed", "1", "--random-states", "7", "--json",
                   NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_uint(cs_json_get(o.out, "q")), 16);
    cs_assert_json_string(cs_json_get(o.out, "seed"), "0x1");
    assert_int_equal(cs_json_uint(cs_json_get(o.out, "random_states")), 7);
    cs_outcome_free(&o);
}

/* "Boundary states. For each of ten relocation-bounds values ... every
 * combination of the instruction's operand fields at their edges: ... a
 * number 0, 1, q-1, q, 2^19-1 ... (Where nothing is addressable at most
 * four combinations are taken ...)", then "Random states (--random-states)".
 * NOP and HALT have no field: 10 + N states.  SVC's one number: 8 x 5 + 2 x
 * 4 = 48 + N, at q = 16 as at q = 32. */
static void analyze__states_are_the_boundary_ones_and_the_random_ones(void **state)
{
    (void)state;
    static const char *const words[] = {"16", "32"};
    for (size_t k = 0; k < 2; k++) {
        struct cs_outcome o = cs_run_tgm("analyze", "--words", words[k], "--random-states", "7",
                                         NULL);
        assert_int_equal(o.status, 0);
        /* the states column, right-aligned to the end of "states" */
        out_has(&o, "\nNOP    innocuous              innocuous              yes       17 ");
        out_has(&o, "\nHALT   priv ctl-s             priv ctl-s             yes       17 ");
        out_has(&o, "\nSVC    innocuous              innocuous              yes       55 ");
        cs_outcome_free(&o);
    }
}

/* `tgm counterexample`: "--words Q | passed to the analyzer ...; the guest
 * has 2Q words", and "the witness's E[i] is put at guest E[q + i], so S1's
 * R = (l, b) becomes (q + l, b)".  At q = 16 the pdp10 program is a 32-word
 * guest starting in R = (16, 16), and the outcome is still the theorems'. */
static void counterexample__the_guest_has_twice_the_analyzers_words(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("counterexample", "--profile", "pdp10", "--words", "16",
                                     "--expect", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "\n  program (32 words, 19 in the image):\n");
    out_has(&o, "\n    ; Layout of the 32-word guest: E[0] and E[1] are the trap's old and new "
                "PSW,\n    ; then a trap handler; the witness's 16 words are at E[16] on, so "
                "S1's R =\n    ; (0,16) becomes (16,16).");
    out_has(&o, "\n             .entrypsw psw(SUP, 2, 16, 16)    ; start in S1: M = s, I = 0, "
                "P = 2, R = (16,16)\n");
    cs_assert_ends_with(o.out, "\noutcome: the VMM differs on 1 of 1, the hybrid VMM on 0 of 1: "
                               "as Theorems 1 and 3 predict\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("counterexample", "--profile", "pdp10", "--words", "16", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *ce = cs_json_item(cs_json_get(o.out, "counterexamples"), 0);
    assert_non_null(ce);
    assert_int_equal(cs_json_uint(cs_json_get(ce, "words")), 32);
    cs_outcome_free(&o);
}

/* ---- the stacks (docs/recursion.md, docs/theorems.md) ------------------- */

/* theorems.md: the nested runs "run on the `virtualizable` profile ...; on
 * `s360-67` the C control program interprets `LRA` too (docs/vmm.md), while
 * the machine-code one would need its own `v_lra` to nest there".  A
 * supervisor LRA is equivalent under the C one (it would not be, were it
 * run directly: the s360-67-lra-user case), and --nest is refused. */
static void nest__s360_67_is_the_c_control_programs_only(void **state)
{
    (void)state;
    char src[CS_PATH], want[CS_PATH + 96];
    cs_write_text(src, sizeof src, "lra.s", "        .entry start\n"
                                            "start:  LRA   r, 3\n"
                                            "        HALT\n"
                                            "r:      .word 0\n");
    static const char why[] = "--nest: the machine-code control program virtualizes the "
                              "'virtualizable' profile only";
    snprintf(want, sizeof want, "tgm: check: %s", why);
    cs_tgm_fails(2, want, "check", CS_ARGV("--profile", "s360-67", "--nest", "1", src));
    snprintf(want, sizeof want, "tgm: run: %s", why);
    cs_tgm_fails(2, want, "run", CS_ARGV("--profile", "s360-67", "--nest", "1", src));
    snprintf(want, sizeof want, "%s: equivalent (alone); 2 instructions, 0.0000%% executed "
                                "directly\n", src);
    cs_tgm_prints(want, "check", CS_ARGV("--profile", "s360-67", src));
}

/* "`--max-steps N` (default 100,000,000) limits the bare run ... A run that
 * does not halt within its limit is never called equivalent: `examples/
 * sum.s: NOT equivalent at depth 1: the bare run did not halt within 10
 * steps`, exit status 1."  sum.s halts in its 53rd step: 53 is enough,
 * for `tgm check` and the monitor's check alike. */
static void check_nest__the_bare_run_gets_exactly_max_steps(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--max-steps", "53",
                                     "examples/sum.s", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "examples/sum.s: equivalent at depth 1 (E, PSW, R, timer, console; no traps); "
                "real steps 124, bare 53 (");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "1", "--max-steps", "52", "examples/sum.s", NULL);
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "examples/sum.s: NOT equivalent at depth 1: the bare run did "
                               "not halt within 52 steps\n");
    cs_outcome_free(&o);
    /* "(so does the monitor's `check FILE nest D steps N`)" */
    cs_mon_prints("check examples/sum.s nest 1 steps 53",
                  "check examples/sum.s: EQUIVALENT at depth 1\n  E, PSW, R, timer, console; no "
                  "traps; real steps 124, bare 53 (");
    o = cs_mon("check examples/sum.s nest 1 steps 52");
    assert_int_equal(o.status, 1);
    assert_string_equal(o.out, "check examples/sum.s: NOT equivalent at depth 1: the bare run "
                               "did not halt within 52 steps\n");
    cs_outcome_free(&o);
}

/* "`tgm run --nest`'s `--max-steps` counts the same steps": the real
 * machine's, 124 for sum.s on one level (the count check reports). */
static void run_nest__max_steps_counts_the_real_machines_steps(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--max-steps", "124",
                                     "examples/sum.s", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "-- halted\n");
    out_has(&o, "\nreal         the bare machine: 264 cycles, 123 instructions, 124 steps, "
                "1 trap\n");
    cs_outcome_free(&o);
    cs_tgm_fails(3, "tgm: run: step limit of 123 reached before HALT (raise it with "
                    "--max-steps N, or 0 for none)",
                 "run", CS_ARGV("--nest", "1", "--max-steps", "123", "examples/sum.s"));
}

/* os.md: "in a smaller one that still holds its image (906 words) ... 906
 * to 1023 words happen to run the same", here on a level of the control
 * program; 905 words cannot hold the image. */
static void check_nest__the_os_in_the_smallest_memory_that_holds_it(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--mem", "906",
                                     "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "examples/os/os.s: equivalent at depth 1 (E, PSW, R, timer, console; 174 traps "
                "in the same order, 42 of them timer traps); real steps ");
    cs_outcome_free(&o);
    cs_tgm_fails(2, "tgm: check: examples/os/os.s: image needs words 0..905 but the machine has "
                    "905 words (try a larger --mem)",
                 "check", CS_ARGV("--nest", "1", "--mem", "905", "examples/os/os.s"));
}

/* "the columns "traps reaching level 1..depth" grow by about 3.5 per
 * level (803, 2978, 10196, 35184)": the entries each level of `tgm run
 * --nest 4` counts, level 1 hosting the OS. */
static void run_nest__the_traps_reaching_each_of_four_levels(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--nest", "4", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    static const char *const lv[] = {
        "\nlevel 1      base 0x00780, guest of 65536 words at 0x00a00: 803 entries, ",
        "\nlevel 2      base 0x00500, guest of 66176 words at 0x00780: 2978 entries, ",
        "\nlevel 3      base 0x00280, guest of 66816 words at 0x00500: 10196 entries, ",
        "\nlevel 4      base 0x00000, guest of 67456 words at 0x00280: 35184 entries, ",
        ("\nreal         the bare machine: 7301922 cycles, 3711667 instructions, 3746851 steps, "
         "35184 traps\n"),
    };
    for (size_t k = 0; k < sizeof lv / sizeof lv[0]; k++)
        out_has(&o, lv[k]);
    cs_outcome_free(&o);
}

/* ---- the OS (docs/os.md) ------------------------------------------------ */

/* "rogue.inc | process 4: ... `i` for an illegal word": killed by an
 * illegal-instruction trap at its P, the other three as without input. */
static void os__the_rogues_illegal_word_is_an_illegal_instruction_trap(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--input", "i", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, "\nos: process 4 killed: illegal instruction trap at P=6 after 92 cycles\n");
    out_has(&o, "\nos: all processes done: 3 exited, 1 killed\n");
    out_has(&o, "\ntraps        privileged 0, memory 0, svc 131, illegal 1, timer 42\n");
    cs_outcome_free(&o);
}

/* The OS's sources in the temporary directory, laid out as in the tree
 * (os/ beside print.inc), os.s as NAME with its first FROM replaced by TO;
 * PATH gets NAME's path. */
static void os_copy(char *path, size_t len, const char *name, const char *from, const char *to)
{
    char dir[CS_PATH], tmp[CS_PATH];
    cs_tmp_path(dir, sizeof dir, "os");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        fail_msg("mkdir %s: %s", dir, strerror(errno));
    static const char *const inc[][2] = {
        {"examples/print.inc", "print.inc"},         {"examples/os/primes.inc", "os/primes.inc"},
        {"examples/os/tick.inc", "os/tick.inc"},     {"examples/os/tock.inc", "os/tock.inc"},
        {"examples/os/rogue.inc", "os/rogue.inc"},
    };
    for (size_t k = 0; k < sizeof inc / sizeof inc[0]; k++) {
        char *text = cs_slurp(inc[k][0], NULL);
        cs_write_text(tmp, sizeof tmp, inc[k][1], text);
        free(text);
    }
    char *os = cs_slurp("examples/os/os.s", NULL);
    char *at = strstr(os, from);
    assert_non_null(at);
    size_t n = strlen(os) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - os), os, to, at + strlen(from));
    cs_write_text(path, len, name, out);
    free(out);
    free(os);
}

/* The OS with QUANTUM set to Q ("The quantum is the constant `QUANTUM`"). */
static void os_with_quantum(char *path, size_t len, const char *q)
{
    char to[64];
    snprintf(to, sizeof to, "\nQUANTUM    = %s ", q);
    os_copy(path, len, "os/os.s", "\nQUANTUM    = 300 ", to);
}

/* "2 .. 0x1FF | the kernel: ... (to 0x1E4: `kernel_end` is 0x1E5)" and
 * "The assembler refuses the image if the kernel grows into the first
 * region (a word emitted twice)": 27 more kernel words fit, and the OS
 * runs as before; a 28th lands on process 1's first word, 0x200. */
static void os__the_kernel_may_grow_to_0x1ff_and_not_into_process_1(void **state)
{
    (void)state;
    char src[CS_PATH];
    os_copy(src, sizeof src, "os/grow27.s", "\nquantum: .word QUANTUM",
            "\n        .space 27\nquantum: .word QUANTUM");
    struct cs_outcome o = cs_run_tgm("run", "--quiet", src, NULL);
    struct cs_outcome b = cs_run_tgm("run", "--quiet", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(b.status, 0);
    assert_string_equal(o.out, b.out);
    cs_outcome_free(&o);
    cs_outcome_free(&b);
    os_copy(src, sizeof src, "os/grow28.s", "\nquantum: .word QUANTUM",
            "\n        .space 28\nquantum: .word QUANTUM");
    o = cs_run_tgm("as", src, "-o", cs_tmp("grow28.img"), NULL);
    assert_int_equal(o.status, 1);
    cs_assert_has(o.err, "/os/primes.inc:14:9: error: address 0x00200 already holds a word from ");
    cs_assert_has(o.err, "/os/grow28.s:");
    cs_assert_has(o.err, "tgm: as: 1 error in ");
    cs_outcome_free(&o);
}

/* "one of 0 or less (the word read as signed) disarms the timer at each
 * dispatch ... so no process is ever preempted ... The boot line prints the
 * word unsigned (a quantum of -1 as 18446744073709551615)." */
static void os__a_quantum_of_minus_one_is_printed_unsigned_and_never_preempts(void **state)
{
    (void)state;
    char src[CS_PATH];
    os_with_quantum(src, sizeof src, "-1");
    struct cs_outcome o = cs_run_tgm("run", src, NULL);
    assert_int_equal(o.status, 0);
    if (strncmp(o.out, "os: 4 processes, quantum 18446744073709551615 cycles\n"
                       "2 3 5 7 11 13 17 19 23 29 31 37 41 43 47 53 59 61 67 71 73 79 83 89 97 \n"
                       "os: process 1 exited, status 25 after ", 150) != 0)
        fail_msg("the console begins:\n%.300s", o.out);
    out_has(&o, "\nos: all processes done: 3 exited, 1 killed\n-- halted\n");
    out_has(&o, "\ntraps        privileged 0, memory 1, svc 131, illegal 0, timer 0\n");
    cs_outcome_free(&o);
}

/* "With 6 the OS runs to its end, bare, under the control program and
 * nested." */
static void os__a_quantum_of_six_runs_to_its_end_under_both_control_programs(void **state)
{
    (void)state;
    char src[CS_PATH];
    os_with_quantum(src, sizeof src, "6");
    struct cs_outcome o = cs_run_tgm("run", "--quiet", src, NULL);
    assert_int_equal(o.status, 0);
    if (strncmp(o.out, "os: 4 processes, quantum 6 cycles\n", 34) != 0)
        fail_msg("the console begins:\n%.200s", o.out);
    cs_assert_ends_with(o.out, "\nos: all processes done: 3 exited, 1 killed\n");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--mem", "1024", src, NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, ": equivalent (alone); 93562 instructions, ");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--nest", "2", "--mem", "1024", src, NULL);
    assert_int_equal(o.status, 0);
    out_has(&o, ": equivalent at depth 2 (E, PSW, R, timer, console; 2984 traps in the same "
                "order, 2852 of them timer traps); real steps ");
    cs_outcome_free(&o);
}

/* "a quantum of 5 or less expires before a process's first instruction ...
 * (a livelock, not a trap loop: the run goes on until its step limit, with
 * the boot line alone on the console)": `tgm check --nest` says the bare
 * run did not halt, and does not call it a trap loop. */
static void os__a_quantum_of_five_is_no_trap_loop_for_check_nest(void **state)
{
    (void)state;
    char src[CS_PATH], want[CS_PATH + 96];
    os_with_quantum(src, sizeof src, "5");
    struct cs_outcome o = cs_run_tgm("check", "--nest", "1", "--max-steps", "5000", src, NULL);
    assert_int_equal(o.status, 1);
    snprintf(want, sizeof want, "%s: NOT equivalent at depth 1: the bare run did not halt "
                                "within 5000 steps\n", src);
    assert_string_equal(o.out, want);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--quiet", "--max-steps", "5000", src, NULL);
    assert_int_equal(o.status, 3);
    assert_string_equal(o.out, "os: 4 processes, quantum 5 cycles\n");
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_thm58");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__the_header_names_the_options_given),
        cmocka_unit_test(analyze__states_are_the_boundary_ones_and_the_random_ones),
        cmocka_unit_test(counterexample__the_guest_has_twice_the_analyzers_words),
        cmocka_unit_test(nest__s360_67_is_the_c_control_programs_only),
        cmocka_unit_test(check_nest__the_bare_run_gets_exactly_max_steps),
        cmocka_unit_test(run_nest__max_steps_counts_the_real_machines_steps),
        cmocka_unit_test(check_nest__the_os_in_the_smallest_memory_that_holds_it),
        cmocka_unit_test(run_nest__the_traps_reaching_each_of_four_levels),
        cmocka_unit_test(os__the_rogues_illegal_word_is_an_illegal_instruction_trap),
        cmocka_unit_test(os__the_kernel_may_grow_to_0x1ff_and_not_into_process_1),
        cmocka_unit_test(os__a_quantum_of_minus_one_is_printed_unsigned_and_never_preempts),
        cmocka_unit_test(os__a_quantum_of_six_runs_to_its_end_under_both_control_programs),
        cmocka_unit_test(os__a_quantum_of_five_is_no_trap_loop_for_check_nest),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
