/* test_examples.c: every program in examples/ computes what it says it does.
 *
 * Each example is assembled with the real assembler, run on a bare machine
 * (section 2) to HALT, and its final state is checked against values worked
 * out here from the program's stated purpose: the sum of its table, the
 * accumulator's history, the supervisor's jobs, the sum of squares.
 */
#include <dirent.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"

#define EXAMPLES_DIR "examples"
#define STEP_BUDGET 10000000u /* each example halts in far fewer */
#define ALL_OF_E (1u << 19)   /* the bound .entry and psw(...) give: 2^19 */

/* ---- helpers ----------------------------------------------------------- */

/* A label's (or constant's) value in the image's symbol table. */
static uint32_t sym(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    if (!s)
        fail_msg("symbol '%s' is not in the image's symbol table", name);
    return (uint32_t)s->value;
}

static uint64_t word(const struct machine *m, uint64_t addr)
{
    uint64_t v = 0;
    if (machine_read_phys(m, addr, &v) != 0)
        fail_msg("address %llu is outside E", (unsigned long long)addr);
    return v;
}

/* E[ADDR] must be WANT; WHAT names the word in the message. */
static void expect_at(const struct machine *m, uint64_t addr, uint64_t want,
                      const char *what)
{
    uint64_t got = word(m, addr);
    if (got != want)
        fail_msg("%s (E[%llu]) = %lld (0x%llx), expected %lld", what,
                 (unsigned long long)addr, (long long)got, (unsigned long long)got,
                 (long long)want);
}

/* E[NAME + OFF] must be WANT. */
static void expect_word(const struct machine *m, const struct tgm_image *img,
                        const char *name, uint32_t off, uint64_t want)
{
    char what[96];
    snprintf(what, sizeof what, "%s + %u", name, off);
    expect_at(m, (uint64_t)sym(img, name) + off, want, what);
}

/* ---- what each example is meant to compute ----------------------------- */

static void check_hello(const struct machine *m, const struct tgm_image *img)
{
    expect_word(m, img, "i", 0, strlen("hello, world\n"));
}

/* sum.s: the table it looks up, as its comment states it. */
static void check_sum(const struct machine *m, const struct tgm_image *img)
{
    static const int64_t table[] = {31, 41, 59, 26, -53, 58, 97, 93, 23, 84};
    const uint32_t n = sizeof table / sizeof table[0];
    int64_t total = 0;
    for (uint32_t k = 0; k < n; k++) {
        total += table[k];
        expect_word(m, img, "table", k, (uint64_t)table[k]); /* looked up, not changed */
        expect_word(m, img, "copy", k, (uint64_t)table[k]);  /* copied */
    }
    expect_word(m, img, "copy", n, 0); /* and nothing past the copy */
    expect_word(m, img, "total", 0, (uint64_t)total);
    expect_word(m, img, "i", 0, n);
}

/* calls.s: apply each (op, arg) to the accumulator in C. */
static void check_calls(const struct machine *m, const struct tgm_image *img)
{
    enum { ADD, SUB, MUL, NEG };
    static const struct { int op; int64_t arg; } steps[] = {
        {ADD, 5}, {MUL, 3}, {SUB, 4}, {NEG, 0}, {ADD, 20}, {MUL, 2}};
    const uint32_t n = sizeof steps / sizeof steps[0];
    int64_t acc = 0;
    for (uint32_t k = 0; k < n; k++) {
        switch (steps[k].op) {
        case ADD: acc += steps[k].arg; break;
        case SUB: acc -= steps[k].arg; break;
        case MUL: acc *= steps[k].arg; break;
        case NEG: acc = -acc; break;
        }
        expect_word(m, img, "trace", k, (uint64_t)acc);
    }
    expect_word(m, img, "acc", 0, (uint64_t)acc);
    expect_word(m, img, "calls", 0, n);
    expect_word(m, img, "i", 0, n);
    /* the link words hold the last return addresses: after each JAL */
    expect_word(m, img, "ret", 0, sym(img, "loop") + 3);
    expect_word(m, img, "ret2", 0, sym(img, "do_neg") + 1);
}

/* supervisor.s: its design as its comment states it. */
#define J1BASE 0x1000u
#define J2BASE 0x1100u
#define J2SIZE 16u
#define J1MSG "hello from user mode\n"
#define J1STATUS 7u

static void check_supervisor(const struct machine *m, const struct tgm_image *img)
{
    uint32_t job1 = sym(img, "job1"), job2 = sym(img, "job2");
    /* job 1 ran in its copy at J1BASE: its counter and its exit status */
    expect_at(m, J1BASE + sym(img, "j1_i") - job1, strlen(J1MSG), "job 1's i");
    expect_at(m, J1BASE, J1STATUS, "job 1's word 0");
    /* job 2 summed 1..10 in its copy at J2BASE, then hit its bound */
    uint64_t sum = 0;
    for (uint64_t k = 1; k <= 10; k++)
        sum += k;
    expect_at(m, J2BASE + sym(img, "j2_sum") - job2, sum, "job 2's sum");
    expect_at(m, J2BASE + sym(img, "j2_n") - job2, 0, "job 2's n");
    /* the assembled originals were copied, never run */
    expect_word(m, img, "j2_sum", 0, 0);
    expect_word(m, img, "j1_i", 0, 0);
    for (uint32_t k = 1; k < sym(img, "j2_n") - job2; k++)
        expect_at(m, J2BASE + k, word(m, job2 + k), "job 2's copied code");
    /* E[0]: job 2's PSW at its memory trap, P at the faulting MOV */
    ts_assert_psw(word(m, 0), false, false, TRAP_MEM, sym(img, "j2_bad") - job2, J2BASE,
                  J2SIZE);
}

/* compute.s: the sum of squares by the loop and by the closed form; the
 * console line is the one its comment states, with both numbers printed. */
#define COMPUTE_N 100000u

static void check_compute(const struct machine *m, const struct tgm_image *img)
{
    assert_int_equal(sym(img, "N"), COMPUTE_N);
    uint64_t total = 0;
    for (uint64_t k = 1; k <= COMPUTE_N; k++)
        total += k * k;
    const uint64_t n = COMPUTE_N;
    assert_true(total == n * (n + 1) * (2 * n + 1) / 6);
    expect_word(m, img, "total", 0, total);
    expect_word(m, img, "i", 0, 0);  /* counted down to 0 */
    expect_word(m, img, "sq", 0, 1); /* the last square added: 1 * 1 */

    char line[96];
    int len = snprintf(line, sizeof line, "sum of squares 1..%u = %llu\n", COMPUTE_N,
                       (unsigned long long)total);
    size_t got;
    const uint8_t *out = machine_console_output(m, &got);
    if (got != (size_t)len || memcmp(out, line, got) != 0)
        fail_msg("compute.s: console was \"%.*s\", expected \"%s\"", (int)got,
                 got ? (const char *)out : "", line);
    /* SPSW at start stored the PSW it ran under, with P advanced past it */
    ts_assert_psw(word(m, sym(img, "where")), true, false, 0, sym(img, "start") + 1, 0,
                  ALL_OF_E);
}

struct expect {
    const char *file; /* under examples/ */
    const char *console; /* NULL: the check function checks it */
    uint64_t traps[TRAP_NCAUSES];
    void (*check)(const struct machine *m, const struct tgm_image *img);
};

static const struct expect expects[] = {
    {"hello.s", "hello, world\n", {0}, check_hello},
    {"sum.s", "", {0}, check_sum},
    {"calls.s", "", {0}, check_calls},
    {"supervisor.s",
     "supervisor: job 1 in 64 words at 4096\n"
     J1MSG
     "supervisor: job 1 exited with status 7\n"
     "supervisor: job 2 in 16 words at 4352\n"
     "supervisor: job 2 killed: memory trap at P=4\n"
     "supervisor: all jobs done\n",
     {[TRAP_SVC] = sizeof J1MSG - 1 + 1, [TRAP_MEM] = 1}, check_supervisor},
    {"compute.s", NULL, {0}, check_compute},
};
#define NEXPECTS (sizeof expects / sizeof expects[0])

/* ---- the tests --------------------------------------------------------- */

/* Assemble, run to HALT, check what every example shares, then its own. */
static void run_example(const struct expect *x)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", EXAMPLES_DIR, x->file);
    struct tgm_image img;
    if (asm_assemble_file(path, &img, stderr) != 0)
        fail_msg("%s does not assemble", path);
    struct machine *m = ts_machine(0, NULL, false);
    char err[256];
    if (image_load(m, &img, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);

    struct machine_exit ex;
    machine_run(m, STEP_BUDGET, &ex);
    if (ex.reason != EXIT_HALT)
        fail_msg("%s: stopped (%s) instead of halting", path, exit_reason_name(ex.reason));

    /* it halted at its final HALT, in supervisor mode, with R = all of E */
    uint32_t stop = sym(&img, "stop");
    assert_true(word(m, stop) == MAKE_INSN(OP_HALT, 0, 0, 0));
    ts_assert_psw(machine_get_psw(m), true, false, 0, stop + 1, 0, ALL_OF_E);

    size_t len;
    const uint8_t *out = machine_console_output(m, &len);
    if (x->console &&
        (len != strlen(x->console) || (len && memcmp(out, x->console, len) != 0)))
        fail_msg("%s: console was \"%.*s\", expected \"%s\"", path, (int)len,
                 len ? (const char *)out : "", x->console);

    struct machine_counters c = machine_get_counters(m);
    for (unsigned k = 1; k < TRAP_NCAUSES; k++)
        if (c.traps[k] != x->traps[k])
            fail_msg("%s: %llu %s traps, expected %llu", path, (unsigned long long)c.traps[k],
                     trap_cause_name(k), (unsigned long long)x->traps[k]);
    /* every step either retired an instruction or took a trap */
    uint64_t ntraps = 0;
    for (unsigned k = 1; k < TRAP_NCAUSES; k++)
        ntraps += c.traps[k];
    assert_true(c.steps == c.instret + ntraps);

    x->check(m, &img);
    machine_destroy(m);
    image_free(&img);
}

static void examples__hello_prints_hello_world(void **state)
{
    (void)state;
    run_example(&expects[0]);
}

static void examples__sum_looks_up_adds_and_copies_the_table(void **state)
{
    (void)state;
    run_example(&expects[1]);
}

static void examples__calls_applies_each_op_through_the_jump_table(void **state)
{
    (void)state;
    run_example(&expects[2]);
}

static void examples__supervisor_serves_svcs_and_catches_the_memory_trap(void **state)
{
    (void)state;
    run_example(&expects[3]);
}

static void examples__compute_sums_the_squares_and_prints_the_total(void **state)
{
    (void)state;
    run_example(&expects[4]);
}

/* An example in a directory of its own, examples/NAME/, is a system of
 * several files that a suite of its own checks: some tests/test_*.c must
 * name "examples/NAME/". */
static void expect_example_dir(const char *name)
{
    char want[300];
    snprintf(want, sizeof want, "%s/%s/", EXAMPLES_DIR, name);
    glob_t g;
    bool named = false;
    if (glob("tests/test_*.c", 0, NULL, &g) == 0) {
        for (size_t i = 0; i < g.gl_pathc && !named; i++) {
            FILE *f = fopen(g.gl_pathv[i], "r");
            char line[512];
            while (f && !named && fgets(line, sizeof line, f))
                named = strstr(line, want) != NULL;
            if (f)
                fclose(f);
        }
        globfree(&g);
    }
    if (!named)
        fail_msg("examples/%s/ is not checked by any tests/test_*.c (none names \"%s\")", name,
                 want);
}

/* A new example (a .s file in examples/) must come with its expectation. */
static void examples__every_example_has_an_expectation(void **state)
{
    (void)state;
    DIR *dir = opendir(EXAMPLES_DIR);
    if (!dir)
        fail_msg("cannot open '%s': run the tests from the source tree's root", EXAMPLES_DIR);
    unsigned found = 0;
    for (struct dirent *d; (d = readdir(dir));) {
        size_t n = strlen(d->d_name);
        char sub[600];
        struct stat st;
        snprintf(sub, sizeof sub, "%s/%s", EXAMPLES_DIR, d->d_name);
        if (d->d_name[0] != '.' && stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
            expect_example_dir(d->d_name);
        if (n < 3 || strcmp(d->d_name + n - 2, ".s") != 0)
            continue;
        bool known = false;
        for (size_t i = 0; i < NEXPECTS; i++)
            known = known || strcmp(expects[i].file, d->d_name) == 0;
        if (!known) {
            closedir(dir);
            fail_msg("examples/%s has no expectation in tests/test_examples.c", d->d_name);
        }
        found++;
    }
    closedir(dir);
    assert_int_equal(found, NEXPECTS); /* and every expectation has its file */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(examples__every_example_has_an_expectation),
        cmocka_unit_test(examples__hello_prints_hello_world),
        cmocka_unit_test(examples__sum_looks_up_adds_and_copies_the_table),
        cmocka_unit_test(examples__calls_applies_each_op_through_the_jump_table),
        cmocka_unit_test(examples__supervisor_serves_svcs_and_catches_the_memory_trap),
        cmocka_unit_test(examples__compute_sums_the_squares_and_prints_the_total),
    };
    return cmocka_run_group_tests_name("examples", tests, NULL, NULL);
}
