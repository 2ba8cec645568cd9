/* test_cli_vmm.c: `tgm run --vmm`, `check`, `analyze` and `counterexample`
 * driven as a user drives them, through the binary named by $TGM.
 * Sections 4-6: each VM's console and state are the bare machine's; section
 * 5's efficiency property on a compute-bound guest; section 6's equivalence
 * and section 8's hybrid monitor (JRSTU); Theorems 1, 2 and 3 on every profile.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#define EXAMPLES_DIR "examples"
#define MAX_EXAMPLES 32
/* Guest memory for runs of every example at once: room for MAX_EXAMPLES
 * VMs in real memory, and more than any example needs. */
#define MEM "16384"
#define QALL TGM_Q_MAX /* the bound .entry and psw(...) give: all of E */

/* ---- helpers ----------------------------------------------------------- */

/* Every examples/NAME.s, sorted; at least two. */
static size_t examples(char (*paths)[CS_PATH])
{
    size_t n = cs_list_files(EXAMPLES_DIR, ".s", paths, MAX_EXAMPLES);
    assert_true(n >= 2);
    return n;
}

/* `tgm SUB OPTIONS... EXAMPLES...`; the options end with NULL. */
static struct cs_outcome run_examples(const char *sub, char (*ex)[CS_PATH], size_t n, ...)
{
    struct cs_args a = {.n = 0};
    va_list ap;
    va_start(ap, n);
    for (const char *s; (s = va_arg(ap, const char *));)
        cs_push(&a, s);
    va_end(ap);
    for (size_t k = 0; k < n; k++)
        cs_push(&a, ex[k]);
    return cs_run_tgm_argv(sub, a.v);
}

/* A guest that never halts. */
static const char loop_src[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, start, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  JMP   start\n";

/* The console of a bare `tgm run` of FILE (malloc'd; length in *LEN). */
static char *bare_console(const char *file, size_t *len)
{
    struct cs_outcome o = cs_run_tgm("run", "--quiet", "--mem", MEM, file, NULL);
    if (o.status != 0)
        fail_msg("bare run of %s: exit %d: %s", file, o.status, o.err);
    free(o.err);
    *len = o.out_len;
    return o.out;
}

/* The text of `tgm run --vmm`: for each VM K in order, its header
 * "== vmK: FILE (...)", then exactly CONSOLE[K] (a newline added if it
 * lacks one), then, unless QUIET, "-- vmK: halted" and the state. */
static void expect_vm_text(const struct cs_outcome *o, const char *const *files,
                           char **consoles, const size_t *lens, size_t n, bool quiet)
{
    const char *p = o->out, *end = o->out + o->out_len;
    for (size_t k = 0; k < n; k++) {
        char want[128];
        snprintf(want, sizeof want, "== vm%zu: %s (", k, files[k]);
        if (strncmp(p, want, strlen(want)) != 0)
            fail_msg("expected \"%s...\" at \"%.60s\"", want, p);
        p = strchr(p, '\n');
        assert_non_null(p);
        p++;
        if ((size_t)(end - p) < lens[k] || memcmp(p, consoles[k], lens[k]) != 0)
            fail_msg("vm%zu's console is not the bare machine's \"%.*s\" at \"%.60s\"", k,
                     (int)lens[k], consoles[k], p);
        p += lens[k];
        if (lens[k] && consoles[k][lens[k] - 1] != '\n')
            assert_int_equal(*p++, '\n');
        if (quiet)
            continue;
        snprintf(want, sizeof want, "-- vm%zu: halted\n", k);
        if (strncmp(p, want, strlen(want)) != 0)
            fail_msg("expected \"%s\" at \"%.60s\"", want, p);
        const char *next = strstr(p, "\n== vm");
        p = next ? next + 1 : p + strlen(p);
    }
    if (p != end)
        fail_msg("unexpected output after the last VM: \"%.80s\"", p);
}

/* The VM entry K of `run --vmm --json` output, checked for its vm and file. */
static const char *vm_entry(const char *json, size_t k, const char *file)
{
    const char *e = cs_json_item(cs_json_get(json, "vms"), k);
    if (!e)
        fail_msg("no entry %zu in \"vms\": %s", k, json);
    char name[32];
    snprintf(name, sizeof name, "vm%zu", k);
    cs_assert_json_string(cs_json_get(e, "vm"), name);
    cs_assert_json_string(cs_json_get(e, "file"), file);
    return e;
}

/* STATS[cause][disposition], by the names the library gives both. */
static uint64_t trap_count(const char *stats, unsigned cause, enum vmm_disposition d)
{
    const char *c = cs_json_get(cs_json_get(stats, "traps"), trap_cause_name(cause));
    return cs_json_uint(cs_json_get(c, vmm_disposition_name(d)));
}

/* The stats object's shape and its arithmetic: every instruction of the VM
 * ran either directly or interpreted, and the ratio is their quotient. */
static void expect_stats(const char *entry)
{
    const char *st = cs_json_get(entry, "stats");
    uint64_t direct = cs_json_uint(cs_json_get(st, "direct"));
    uint64_t interp = cs_json_uint(cs_json_get(st, "interpreted"));
    double ratio = cs_json_num(cs_json_get(st, "direct_ratio"));
    uint64_t insns = cs_json_uint(cs_json_get(cs_json_get(entry, "state"), "instructions"));
    assert_true(direct + interp == insns);
    double want = (double)direct / (double)(direct + interp);
    if (ratio < want - 1e-6 || ratio > want + 1e-6)
        fail_msg("direct_ratio %f, but direct %llu and interpreted %llu", ratio,
                 (unsigned long long)direct, (unsigned long long)interp);
    uint64_t all = 0;
    for (unsigned c = 0; c < TRAP_NCAUSES; c++)
        for (unsigned d = 0; d < DISP_COUNT; d++)
            all += trap_count(st, c, (enum vmm_disposition)d);
    /* a halting guest without a timer: one count per dispatcher entry */
    assert_true(all == cs_json_uint(cs_json_get(st, "cp_entries")));
}

/* ---- tgm run --vmm ----------------------------------------------------- */

static void run_vmm__every_example_prints_its_console_under_its_header(void **state)
{
    (void)state;
    char ex[MAX_EXAMPLES][CS_PATH];
    size_t n = examples(ex);
    const char *files[MAX_EXAMPLES] = {0}; /* gcc -O1 cannot tell n fills them */
    char *consoles[MAX_EXAMPLES];
    size_t lens[MAX_EXAMPLES] = {0};
    for (size_t k = 0; k < n; k++) {
        files[k] = ex[k];
        consoles[k] = bare_console(ex[k], &lens[k]);
    }
    struct cs_outcome o = run_examples("run", ex, n, "--vmm", "--mem", MEM, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    expect_vm_text(&o, files, consoles, lens, n, false);
    cs_outcome_free(&o);
    /* only the headers and the consoles */
    o = run_examples("run", ex, n, "--vmm", "--mem", MEM, "--quiet", NULL);
    assert_int_equal(o.status, 0);
    expect_vm_text(&o, files, consoles, lens, n, true);
    cs_outcome_free(&o);
    for (size_t k = 0; k < n; k++)
        free(consoles[k]);
}

static void run_vmm__vms_n_runs_n_copies_in_disjoint_regions(void **state)
{
    (void)state;
    static const char file[] = EXAMPLES_DIR "/hello.s";
    size_t len;
    char *console = bare_console(file, &len);
    assert_true(len > 0);
    const char *files[3] = {file, file, file};
    char *consoles[3] = {console, console, console};
    const size_t lens[3] = {len, len, len};
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--vms", "3", "--mem", MEM, file, NULL);
    assert_int_equal(o.status, 0);
    expect_vm_text(&o, files, consoles, lens, 3, false);
    cs_outcome_free(&o);

    o = cs_run_tgm("run", "--vmm", "--vms", "3", "--mem", MEM, "--json", file, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_int_equal(cs_json_count(cs_json_get(o.out, "vms")), 3);
    uint64_t end = VMM_K; /* the control program's words come first */
    for (size_t k = 0; k < 3; k++) {
        const char *e = vm_entry(o.out, k, file);
        uint64_t base = cs_json_uint(cs_json_get(e, "base"));
        assert_int_equal(cs_json_uint(cs_json_get(e, "words")), atoi(MEM));
        assert_true(base >= end);
        end = base + atoi(MEM);
        const char *st = cs_json_get(e, "state");
        cs_assert_json_string(cs_json_get(st, "stop"), "halt");
        size_t clen;
        char *c = cs_json_str(cs_json_get(st, "console"), &clen);
        assert_int_equal(clen, len);
        assert_memory_equal(c, console, len);
        free(c);
    }
    assert_true(end <= TGM_Q_MAX);
    cs_outcome_free(&o);
    free(console);
}

/* Section 6 seen from the command line: each VM's final state, as printed,
 * is the bare machine's (the VM only adds its name). */
static void run_vmm__json_has_each_vms_state_and_it_is_the_bare_machines(void **state)
{
    (void)state;
    char ex[MAX_EXAMPLES][CS_PATH];
    size_t n = examples(ex);
    struct cs_outcome o = run_examples("run", ex, n, "--vmm", "--mem", MEM, "--json", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_int_equal(cs_json_count(cs_json_get(o.out, "vms")), n);
    cs_json_uint(cs_json_get(cs_json_get(o.out, "real"), "instructions"));
    for (size_t k = 0; k < n; k++) {
        const char *e = vm_entry(o.out, k, ex[k]);
        assert_null(cs_json_find(e, "stats")); /* only with --stats */
        struct cs_outcome b = cs_run_tgm("run", "--json", "--mem", MEM, ex[k], NULL);
        assert_int_equal(b.status, 0);
        cs_assert_json_object(&b);
        b.out[b.out_len - 1] = '\0';
        char *vm = cs_json_text(cs_json_get(e, "state"));
        char name[48];
        snprintf(name, sizeof name, "{\"name\":\"vm%zu\",", k);
        assert_int_equal(strncmp(vm, name, strlen(name)), 0);
        if (strcmp(vm + strlen(name), b.out + 1) != 0)
            fail_msg("%s: VM state %s\n  bare state %s", ex[k], vm, b.out);
        free(vm);
        cs_outcome_free(&b);
    }
    cs_outcome_free(&o);
}

static void run_vmm__stats_count_each_vms_instructions_and_traps(void **state)
{
    (void)state;
    char ex[MAX_EXAMPLES][CS_PATH];
    size_t n = examples(ex);
    struct cs_outcome o =
        run_examples("run", ex, n, "--vmm", "--mem", MEM, "--json", "--stats", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_int_equal(cs_json_count(cs_json_get(o.out, "vms")), n);
    for (size_t k = 0; k < n; k++) {
        const char *e = vm_entry(o.out, k, ex[k]);
        cs_assert_json_string(cs_json_get(cs_json_get(e, "state"), "stop"), "halt");
        expect_stats(e);
        const char *st = cs_json_get(e, "stats");
        if (strcmp(ex[k], EXAMPLES_DIR "/hello.s") == 0) /* a COUT a byte, then HALT */
            assert_int_equal(trap_count(st, TRAP_PRIV, DISP_INTERPRETED),
                             strlen("hello, world\n") + 1);
        if (strcmp(ex[k], EXAMPLES_DIR "/supervisor.s") == 0) { /* its jobs' own traps */
            assert_int_equal(trap_count(st, TRAP_SVC, DISP_REFLECTED), 22);
            assert_int_equal(trap_count(st, TRAP_MEM, DISP_REFLECTED), 1);
        }
    }
    cs_outcome_free(&o);
}

static void run_vmm__guest_that_never_halts_stops_at_max_steps_with_3(void **state)
{
    (void)state;
    char loop[300];
    cs_write_text(loop, sizeof loop, "loop.s", loop_src);
    static const char hello[] = EXAMPLES_DIR "/hello.s";
    struct cs_outcome o =
        cs_run_tgm("run", "--vmm", "--max-steps", "1000", "--json", loop, hello, NULL);
    assert_int_equal(o.status, 3);
    cs_assert_json_object(&o);
    const char *st = cs_json_get(vm_entry(o.out, 0, loop), "state");
    cs_assert_json_string(cs_json_get(st, "stop"), "step_limit");
    assert_int_equal(cs_json_uint(cs_json_get(st, "steps")), 1000);
    st = cs_json_get(vm_entry(o.out, 1, hello), "state");
    cs_assert_json_string(cs_json_get(st, "stop"), "halt"); /* the other VM still halts */
    cs_outcome_free(&o);

    o = cs_run_tgm("run", "--vmm", "--vms", "2", "--max-steps", "1000", loop, NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "-- vm0: step limit reached before HALT\n"));
    assert_non_null(strstr(o.out, "-- vm1: step limit reached before HALT\n"));
    cs_outcome_free(&o);
}

static void run_vmm__bad_combinations_give_one_line_and_exit_2(void **state)
{
    (void)state;
    static const char hello[] = EXAMPLES_DIR "/hello.s", sum[] = EXAMPLES_DIR "/sum.s";
    char dump[300];
    cs_tmp_path(dump, sizeof dump, "e.bin");
    const struct {
        const char *args[8];
        const char *mentions;
    } cases[] = {
        {{"--vms", "2", hello}, "--vmm"},
        {{"--stats", hello}, "--vmm"},
        {{"--slice", "100", hello}, "--vmm"},
        {{hello, sum}, "unexpected argument"},
        {{"--vmm", "--mem", "0x80000", hello}, "1 VM of 524288 words needs"}, /* 8 short */
        {{"--vmm", "--vms", "3", "--mem", "200000", hello}, "--mem"}, /* 3 do not fit */
        {{"--vmm", "--dump", dump, hello}, "--dump"},
        {{"--vmm", "--vms", "2", hello, sum}, "unexpected argument"},
        {{"--vmm", "--vms", "0", hello}, "--vms"},
        {{"--vmm", "--vms", "65", hello}, "--vms"},
        {{"--vmm", "--slice", "0", hello}, "--slice"},
        {{"--vmm", "--json", "--quiet", hello}, "--quiet"},
        {{"--vmm", "--mem", "16", hello}, "hello.s"}, /* the image does not fit */
        {{"--vmm"}, "no image given"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = cs_run_tgm_argv("run", cases[i].args);
        if (o.status != 2)
            fail_msg("case %zu (%s %s): exit %d, expected 2", i, cases[i].args[0],
                     cases[i].args[1], o.status);
        cs_assert_one_line(&o, cases[i].mentions);
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    assert_int_equal(access(dump, F_OK), -1); /* --dump wrote nothing */
}

/* ---- efficiency (section 5) -------------------------------------------- */

#define LOOP_N 10000u
/* A long loop of innocuous instructions between SPSW and COUT; HALT ends it. */
static const char *const compute_prelude[] = {"LI    i, N", "LI    acc, 1"};
static const char *const compute_body[] = {"ADD   acc, acc, i", "XOR   acc, acc, k",
                                           "SHL   t, acc, one", "ADD   acc, acc, t"};
#define NELEM(a) (sizeof(a) / sizeof(a)[0])

static void run_vmm__compute_bound_guest_runs_its_innocuous_instructions_directly(
    void **state)
{
    (void)state;
    char src[2048], path[300];
    size_t n = (size_t)snprintf(src, sizeof src,
                                "        .org  0\n        .word 0\n"
                                "        .word psw(SUP, fault, 0, 0x80000)\n"
                                "N = %u\n"
                                "        .entry start\n"
                                "start:  SPSW  where\n",
                                LOOP_N);
    for (size_t i = 0; i < NELEM(compute_prelude); i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "        %s\n", compute_prelude[i]);
    for (size_t i = 0; i < NELEM(compute_body); i++)
        n += (size_t)snprintf(src + n, sizeof src - n, "%s   %s\n", i ? "     " : "loop:",
                              compute_body[i]);
    n += (size_t)snprintf(src + n, sizeof src - n,
                          "        DJNZ  i, loop\n"
                          "        COUT  ch\n"
                          "        HALT\n"
                          "fault:  HALT\n"
                          "where:  .word 0\ni: .word 0\nacc: .word 0\nt: .word 0\n"
                          "k:      .word 0x5a5a\none: .word 1\nch: .word 'x'\n");
    assert_true(n < sizeof src);
    cs_write_text(path, sizeof path, "compute.s", src);

    /* executed: the prelude once, the body and DJNZ LOOP_N times; SPSW,
     * COUT and HALT are privileged */
    const uint64_t innocuous = NELEM(compute_prelude) + (NELEM(compute_body) + 1) * LOOP_N;
    const uint64_t privileged = 3;
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--stats", "--json", path, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    const char *e = vm_entry(o.out, 0, path);
    expect_stats(e);
    const char *st = cs_json_get(e, "stats");
    assert_int_equal(cs_json_uint(cs_json_get(st, "direct")), innocuous);
    assert_int_equal(cs_json_uint(cs_json_get(st, "interpreted")), privileged);
    assert_int_equal(trap_count(st, TRAP_PRIV, DISP_INTERPRETED), privileged);
    assert_true(cs_json_num(cs_json_get(st, "direct_ratio")) > 0.999);
    cs_assert_json_string(cs_json_get(cs_json_get(e, "state"), "console"), "x");
    cs_outcome_free(&o);
}

/* examples/compute.s, the efficiency example: its privileged instructions
 * are one SPSW, one COUT per console byte and the HALT. */
static void run_vmm__compute_example_runs_more_than_999_in_1000_directly(void **state)
{
    (void)state;
    static const char file[] = EXAMPLES_DIR "/compute.s";
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--stats", "--json", file, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    const char *e = vm_entry(o.out, 0, file);
    expect_stats(e);
    const char *st = cs_json_get(e, "stats");
    uint64_t bytes = cs_json_uint(cs_json_get(cs_json_get(e, "state"), "console_bytes"));
    assert_int_equal(cs_json_uint(cs_json_get(st, "interpreted")), 1 + bytes + 1);
    assert_true(cs_json_num(cs_json_get(st, "direct_ratio")) > 0.999);
    cs_outcome_free(&o);

    o = cs_run_tgm("run", "--vmm", "--stats", file, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "\nefficiency "));
    assert_non_null(strstr(o.out, "% direct)\n"));
    cs_outcome_free(&o);
}

/* ---- tgm check (section 6; section 8's hybrid monitor) ----------------- */

static void check__every_example_is_equivalent_alone_and_together(void **state)
{
    (void)state;
    char ex[MAX_EXAMPLES][CS_PATH];
    size_t n = examples(ex);
    struct cs_outcome o = run_examples("check", ex, n, "--mem", MEM, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    const char *p = o.out;
    for (size_t k = 0; k < n; k++) { /* one line each, in order */
        char want[CS_PATH + 64];
        snprintf(want, sizeof want, "%.*s: equivalent (alone and with the others); ", CS_PATH - 1, ex[k]);
        if (strncmp(p, want, strlen(want)) != 0)
            fail_msg("expected \"%s\" at \"%.80s\"", want, p);
        p = strchr(p, '\n') + 1;
    }
    assert_string_equal(p, "");
    cs_outcome_free(&o);

    o = run_examples("check", ex, n, "--mem", MEM, "--json", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_true(cs_json_bool(cs_json_get(o.out, "equivalent")));
    const char *imgs = cs_json_get(o.out, "images");
    assert_int_equal(cs_json_count(imgs), n);
    for (size_t k = 0; k < n; k++) {
        const char *im = cs_json_item(imgs, k);
        cs_assert_json_string(cs_json_get(im, "file"), ex[k]);
        assert_true(cs_json_bool(cs_json_get(im, "equivalent")));
        assert_true(cs_json_bool(cs_json_get(cs_json_get(im, "alone"), "halted")));
        assert_true(cs_json_bool(cs_json_get(cs_json_get(im, "together"), "halted")));
        cs_assert_json_string(cs_json_get(cs_json_get(im, "together"), "diff"), "");
    }
    cs_outcome_free(&o);
}

static void check__guest_that_does_not_halt_is_not_equivalent(void **state)
{
    (void)state;
    char loop[300], want[400];
    cs_write_text(loop, sizeof loop, "loop.s", loop_src);
    struct cs_outcome o = cs_run_tgm("check", "--max-steps", "1000", loop, NULL);
    assert_int_equal(o.status, 1);
    /* the limit is named, as --nest names it */
    snprintf(want, sizeof want,
             "%s: NOT equivalent\n  alone: the bare machine did not halt within 1000 steps\n",
             loop);
    assert_string_equal(o.out, want);
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--max-steps", "1", loop, NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "  alone: the bare machine did not halt within 1 step\n"));
    cs_outcome_free(&o);
    /* an image that cannot be read is named with the command, as tgm run does */
    o = cs_run_tgm("check", "no-such-image.tgm", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: check: no-such-image.tgm: No such file");
    cs_outcome_free(&o);

    static const char hello[] = EXAMPLES_DIR "/hello.s";
    o = cs_run_tgm("check", "--max-steps", "1000", "--json", loop, hello, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_json_object(&o);
    assert_false(cs_json_bool(cs_json_get(o.out, "equivalent")));
    const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
    assert_false(cs_json_bool(cs_json_get(im, "equivalent")));
    assert_false(cs_json_bool(cs_json_get(im, "bare_halted")));
    char *diff = cs_json_str(cs_json_get(cs_json_get(im, "alone"), "diff"), NULL);
    assert_non_null(strstr(diff, "did not halt"));
    free(diff);
    im = cs_json_item(cs_json_get(o.out, "images"), 1); /* the other is still judged */
    assert_true(cs_json_bool(cs_json_get(im, "equivalent")));
    cs_outcome_free(&o);
}

/* JRSTU (the PDP-10's JRST 1) drops to user mode without trapping: run
 * directly under the VMM it leaves the virtual mode supervisor, so the SVC
 * that follows stores a PSW with M = s where the bare machine stores M = u.
 * The hybrid monitor interprets supervisor code and gets it right. */
static const char jrstu_src[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  JRSTU user\n"
    "fault:  HALT\n"
    "user:   SVC   0\n";
#define JRSTU_USER 4 /* the SVC's address */

/* x86's LPSW in user mode loads only P: run directly, the guest's drop to
 * user mode leaves it in virtual supervisor mode, where its TGET does not
 * trap, so the VM spins while the bare machine traps and halts. */
static const char x86_spin_src[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, trap, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LPSW  upsw\n"
    "spin:   TGET  t\n"
    "        JMP   spin\n"
    "trap:   HALT\n"
    "upsw:   .word psw(USER, spin, 0, 0x80000)\n"
    "t:      .word 0\n";

static void check__vm_that_does_not_halt_names_the_limit(void **state)
{
    (void)state;
    char spin[300], want[400];
    cs_write_text(spin, sizeof spin, "spin.s", x86_spin_src);
    struct cs_outcome o = cs_run_tgm("check", "--profile", "x86", "--max-steps", "500", spin,
                                     NULL);
    assert_int_equal(o.status, 1);
    snprintf(want, sizeof want,
             "%s: NOT equivalent\n  alone: the VM did not halt within 500 steps\n", spin);
    assert_string_equal(o.out, want);
    cs_outcome_free(&o);
}

static void check__jrstu_in_supervisor_mode_needs_the_hybrid_monitor(void **state)
{
    (void)state;
    char src[300], want[400];
    cs_write_text(src, sizeof src, "jrstu.s", jrstu_src);
    struct cs_outcome o = cs_run_tgm("check", "--profile", "pdp10", src, NULL);
    assert_int_equal(o.status, 1);
    snprintf(want, sizeof want, "%s: NOT equivalent\n  alone: E[0] ", src);
    if (strncmp(o.out, want, strlen(want)) != 0)
        fail_msg("expected \"%s...\", got \"%s\"", want, o.out);
    /* the component's two values: the old PSWs, differing only in M */
    snprintf(want, sizeof want, "bare 0x%016llx, vm 0x%016llx\n",
             (unsigned long long)TS_PSW(0, 0, TRAP_SVC, JRSTU_USER, 0, QALL),
             (unsigned long long)TS_PSW(1, 0, TRAP_SVC, JRSTU_USER, 0, QALL));
    assert_non_null(strstr(o.out, want));
    cs_outcome_free(&o);

    o = cs_run_tgm("check", "--profile", "pdp10", "--json", src, NULL);
    assert_int_equal(o.status, 1);
    cs_assert_json_object(&o);
    assert_false(cs_json_bool(cs_json_get(o.out, "equivalent")));
    const char *im = cs_json_item(cs_json_get(o.out, "images"), 0);
    char *diff = cs_json_str(cs_json_get(cs_json_get(im, "alone"), "diff"), NULL);
    assert_int_equal(strncmp(diff, "E[0] ", 5), 0);
    free(diff);
    cs_outcome_free(&o);

    o = cs_run_tgm("check", "--profile", "pdp10", "--hybrid", src, NULL);
    assert_int_equal(o.status, 0);
    snprintf(want, sizeof want, "%s: equivalent (alone); ", src);
    assert_int_equal(strncmp(o.out, want, strlen(want)), 0);
    cs_outcome_free(&o);
}

static void check__bad_usage_gives_one_line_and_exits_2(void **state)
{
    (void)state;
    char missing[300], too_big[16];
    cs_tmp_path(missing, sizeof missing, "missing.tgm");
    snprintf(too_big, sizeof too_big, "%u", TGM_Q_MAX - VMM_K + 1); /* no room for the CP */
    static const char hello[] = EXAMPLES_DIR "/hello.s";
    const struct {
        const char *args[4];
        const char *mentions;
    } cases[] = {
        {{NULL}, "no image"},
        {{missing}, "missing.tgm"},
        {{cs_tmpdir()}, cs_tmpdir()}, /* a directory: not a readable image */
        {{"--mem", "1", hello}, "--mem"},
        {{"--mem", too_big, hello}, "--mem"},
        {{"--max-steps", "abc", hello}, "--max-steps"},
        {{"--profile", "vax", hello}, "--profile"},
        {{"--slice", "0", hello}, "0 cycles is out of range (1.."}, /* as 'run --vmm' says */
        {{"--max-steps", "0", hello}, "0 steps is out of range (1.."}, /* not "none", as in 'run' */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = cs_run_tgm_argv("check", cases[i].args);
        if (o.status != 2)
            fail_msg("case %zu: exit %d, expected 2", i, o.status);
        cs_assert_one_line(&o, cases[i].mentions);
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    struct cs_args a = {.n = 0}; /* more guests than one control program holds */
    for (int k = 0; k <= VMM_MAX_VMS; k++)
        cs_push(&a, hello);
    struct cs_outcome o = cs_run_tgm_argv("check", a.v);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "at most");
    cs_outcome_free(&o);
}

static void check__unknown_option_gives_one_line_and_exits_2(void **state)
{
    (void)state;
    static const char hello[] = EXAMPLES_DIR "/hello.s";
    /* what each line must mention: "x'" fits both '-x' and getopt's -- 'x' */
    static const char *const cases[][2] = {{"--bogus", "--bogus"}, {"-x", "x'"},
                                           {"--mem", "--mem"}}; /* the last lacks its value */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct cs_outcome o = i < 2 ? cs_run_tgm("check", cases[i][0], hello, NULL)
                                    : cs_run_tgm("check", hello, cases[i][0], NULL);
        if (o.status != 2)
            fail_msg("%s: exit %d, expected 2", cases[i][0], o.status);
        cs_assert_one_line(&o, cases[i][1]);
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
}

/* An image that does not fit --mem: one line that names it. */
static void check__image_that_does_not_fit_is_named_in_one_line(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("check", "--mem", "30", EXAMPLES_DIR "/hello.s",
                                     EXAMPLES_DIR "/sum.s", NULL); /* hello.s fits */
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "sum.s");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* ---- the analyzer's acceptance runs (Theorems 1, 2 and 3) -------------- */

/* What the paper says of each machine a profile models: Theorem 1's and
 * Theorem 3's verdicts (section 8: the PDP-10 hosts only a hybrid monitor;
 * the real 360/67's LRA is privileged, the hypothetical variant's is not).
 * Theorem 2's (section 7) follows Theorem 1's. */
static const struct {
    const char *profile;
    bool t1, t3;
} verdicts[] = {
    {"virtualizable", true, true},     {"pdp10", false, true},
    {"s360-67", true, true},           {"s360-67-lra-user", false, false},
    {"pdp11-45", false, true},         {"x86", false, false},
};

/* The text of profile NAME's section of OUT (malloc'd). */
static char *section(const char *out, const char *name)
{
    char head[64];
    snprintf(head, sizeof head, "profile %s: ", name);
    const char *p = strstr(out, head);
    if (!p || (p != out && p[-1] != '\n'))
        fail_msg("no section for profile %s", name);
    const char *end = strstr(p + 1, "\nprofile ");
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *s = malloc(n + 1);
    assert_non_null(s);
    memcpy(s, p, n);
    s[n] = '\0';
    return s;
}

/* tgm monitor [--profile P] [--mem Q] [IMAGE...]: one image goes into the
 * bare machine, several each into a VM; a bad option value or file is one
 * line and exit 2 before any command runs. */
static void monitor__images_and_profile_set_up_the_session(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("monitor", "--mem", "4096", EXAMPLES_DIR "/sum.s", "-c",
                                     "go; assert E[total] == 459; assert q == 4096", NULL);
    if (o.status != 0)
        fail_msg("exit %d: %s", o.status, o.err);
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "--profile", "pdp10", EXAMPLES_DIR "/sum.s",
                   EXAMPLES_DIR "/hello.s", "-c", "show", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "vm0: VM 0"));
    assert_non_null(strstr(o.out, "vm1: VM 1"));
    assert_non_null(strstr(o.out, "profile pdp10"));
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "--profile", "nope", "-c", "show", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "nope");
    assert_null(strstr(o.out, "profile"));
    cs_outcome_free(&o);
    o = cs_run_tgm("monitor", "no-such-file.s", "-c", "show", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "no-such-file.s");
    cs_outcome_free(&o);
    /* images may follow -c too, as after any other option */
    o = cs_run_tgm("monitor", "-c", "go; assert E[total] == 459", EXAMPLES_DIR "/sum.s", NULL);
    if (o.status != 0)
        fail_msg("exit %d: %s", o.status, o.err);
    cs_outcome_free(&o);
}

static void analyze__every_profile_matches_its_declared_classes(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--check-declared", NULL);
    assert_int_equal(o.status, 0);
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++) {
        char *s = section(o.out, (*p)->name);
        assert_non_null(strstr(s, "Theorem 1 (sensitive is a subset of privileged): "));
        assert_non_null(strstr(s, "Theorem 3 (user sensitive is a subset of privileged): "));
        free(s);
    }
    size_t nprof = 0;
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++)
        nprof++;
    assert_int_equal(nprof, sizeof verdicts / sizeof verdicts[0]);
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        char *s = section(o.out, verdicts[i].profile);
        const char *t1 = strstr(s, "Theorem 1 (sensitive is a subset of privileged): ");
        const char *t3 = strstr(s, "Theorem 3 (user sensitive is a subset of privileged): ");
        if (strncmp(strchr(t1, ':') + 2, verdicts[i].t1 ? "holds" : "FAILS", 5) != 0 ||
            strncmp(strchr(t3, ':') + 2, verdicts[i].t3 ? "holds" : "FAILS", 5) != 0)
            fail_msg("profile %s: %.60s / %.60s", verdicts[i].profile, t1, t3);
        free(s);
    }
    cs_outcome_free(&o);
}

/* Theorem 2 (section 7) for every profile, in text and JSON: it holds where
 * Theorem 1 does (tgm's control program has no timing dependencies), and is
 * "not established" where Theorem 1 fails, with the hybrid remark where
 * Theorem 3 holds; never "not recursively virtualizable" as a verdict. */
static void analyze__theorem2_for_every_profile_in_text_and_json(void **state)
{
    (void)state;
    static const char head[] =
        "Theorem 2 (virtualizable, and a VMM without timing dependencies exists): ";
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", NULL);
    assert_int_equal(o.status, 0);
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        char *s = section(o.out, verdicts[i].profile);
        const char *t2 = strstr(s, head);
        if (!t2)
            fail_msg("profile %s: no Theorem 2 line", verdicts[i].profile);
        t2 += strlen(head);
        const char *nl = strchr(t2, '\n');
        assert_non_null(nl);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(nl - t2), t2);
        if (verdicts[i].t1) {
            assert_non_null(strstr(line, "holds: recursively virtualizable, since Theorem 1 "
                                         "holds and tgm's control program has no timing "
                                         "dependencies"));
        } else {
            if (strncmp(line, "not established: Theorem 1 fails (", 34) != 0)
                fail_msg("profile %s: '%s'", verdicts[i].profile, line);
            assert_non_null(strstr(line, "does not show that the machine is not "
                                         "recursively virtualizable"));
            assert_int_equal(strstr(line, "a hybrid monitor can be built") != NULL,
                             verdicts[i].t3);
        }
        free(s);
    }
    cs_outcome_free(&o);

    o = cs_run_tgm("analyze", "--profile", "all", "--json", NULL);
    assert_int_equal(o.status, 0);
    for (size_t i = 0; i < sizeof verdicts / sizeof verdicts[0]; i++) {
        char key[64], want[256];
        snprintf(key, sizeof key, "{\"profile\":\"%s\",", verdicts[i].profile);
        const char *obj = strstr(o.out, key);
        if (!obj)
            fail_msg("no JSON object for profile %s", verdicts[i].profile);
        const char *end = strstr(obj + 1, "{\"profile\":");
        snprintf(want, sizeof want,
                 "\"theorem1\":%s,\"theorem3\":%s,\"theorem2\":%s,\"theorem2_verdict\":\"%s\","
                 "\"theorem2_reason\":\"%s",
                 verdicts[i].t1 ? "true" : "false", verdicts[i].t3 ? "true" : "false",
                 verdicts[i].t1 ? "true" : "false",
                 verdicts[i].t1 ? "holds" : "not established",
                 verdicts[i].t1 ? "recursively virtualizable" : "Theorem 1 fails (");
        const char *at = strstr(obj, want);
        if (!at || (end && at > end))
            fail_msg("profile %s: no %s", verdicts[i].profile, want);
    }
    cs_outcome_free(&o);
}

static void counterexample__every_profile_turns_out_as_the_theorems_predict(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("counterexample", "--profile", "all", "--expect", NULL);
    assert_int_equal(o.status, 0);
    for (const struct isa_profile *const *p = isa_profiles(); *p; p++) {
        char *s = section(o.out, (*p)->name);
        const char *out = strstr(s, "\noutcome: ");
        if (!out || !strstr(out, ": as Theorems 1 and 3 predict\n"))
            fail_msg("profile %s: no outcome as predicted in:\n%s", (*p)->name, s);
        free(s);
    }
    /* section 8: a hybrid monitor for the PDP-10, not a VMM */
    char *s = section(o.out, "pdp10");
    assert_non_null(strstr(s, "the VMM differs on 1 of 1, the hybrid VMM on 0 of 1"));
    free(s);
    cs_outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_cli_vmm");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run_vmm__every_example_prints_its_console_under_its_header),
        cmocka_unit_test(run_vmm__vms_n_runs_n_copies_in_disjoint_regions),
        cmocka_unit_test(run_vmm__json_has_each_vms_state_and_it_is_the_bare_machines),
        cmocka_unit_test(run_vmm__stats_count_each_vms_instructions_and_traps),
        cmocka_unit_test(run_vmm__guest_that_never_halts_stops_at_max_steps_with_3),
        cmocka_unit_test(run_vmm__bad_combinations_give_one_line_and_exit_2),
        cmocka_unit_test(run_vmm__compute_bound_guest_runs_its_innocuous_instructions_directly),
        cmocka_unit_test(run_vmm__compute_example_runs_more_than_999_in_1000_directly),
        cmocka_unit_test(check__every_example_is_equivalent_alone_and_together),
        cmocka_unit_test(check__guest_that_does_not_halt_is_not_equivalent),
        cmocka_unit_test(check__jrstu_in_supervisor_mode_needs_the_hybrid_monitor),
        cmocka_unit_test(check__vm_that_does_not_halt_names_the_limit),
        cmocka_unit_test(check__bad_usage_gives_one_line_and_exits_2),
        cmocka_unit_test(check__unknown_option_gives_one_line_and_exits_2),
        cmocka_unit_test(check__image_that_does_not_fit_is_named_in_one_line),
        cmocka_unit_test(monitor__images_and_profile_set_up_the_session),
        cmocka_unit_test(analyze__every_profile_matches_its_declared_classes),
        cmocka_unit_test(analyze__theorem2_for_every_profile_in_text_and_json),
        cmocka_unit_test(counterexample__every_profile_turns_out_as_the_theorems_predict),
    };
    return cmocka_run_group_tests_name("cli_vmm", tests, group_setup, group_teardown);
}
