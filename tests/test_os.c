/* test_os.c: the time-sharing OS of examples/os/ (docs/os.md).
 *
 * A kernel and four user processes on section 2's machine: the bare run
 * halts with every process accounted for, the primes in the prime process's
 * own region, the rogue killed for the trap it asked for, the kernel always
 * with I = 0 and each process confined to its R.  Then sections 6 and 7:
 * under the control program, and four levels deep in the machine-code one,
 * the run is the same, console and all; the console depends on the
 * quantum, so it is a test of exact virtual time; and the OS runs in the
 * smallest memory it documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

#define OS_SRC "examples/os/os.s"
#define OS_STEPS 2000000u /* a run takes about 10,000 */
#define NPROC 4
#define MEM_MIN_DOC 1024u /* the minimum docs/os.md states */
#define PRIME_LIMIT 100   /* docs: process 1 finds the primes below 100 */
#define CLOCK_TIMES 6     /* docs: "tick" and "TOCK" six times each */
#define BIG 65536u

/* The process table's states (docs/os.md, "The process table"). */
enum { PS_READY = 1, PS_EXITED = 2, PS_KILLED = 3 };
enum { PCB_STATE = 0, PCB_STATUS = 2, PCB_CYCLES = 3, PCB_WORDS = 4 };

/* ---- helpers ----------------------------------------------------------- */

static uint32_t sym(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    if (!s)
        fail_msg("symbol '%s' is not in the OS image", name);
    return (uint32_t)s->value;
}

static struct tgm_image os_image(void)
{
    struct tgm_image img;
    if (asm_assemble_file(OS_SRC, &img, stderr) != 0)
        fail_msg("%s does not assemble", OS_SRC);
    return img;
}

/* The quantum is a word of the kernel: patch it in the image. */
static void set_quantum(struct tgm_image *img, uint64_t cycles)
{
    img->words[sym(img, "quantum") - img->load] = cycles;
}

/* The OS on a bare machine of Q words, run to its HALT at `stop`. */
static struct machine *run_bare(const struct tgm_image *img, uint32_t q, const char *input)
{
    struct machine *m = ts_machine(q, NULL, false);
    char err[256];
    if (image_load(m, img, err, sizeof err) != 0)
        fail_msg("load: %s", err);
    if (input)
        assert_int_equal(machine_console_input(m, (const uint8_t *)input, strlen(input)), 0);
    struct machine_exit ex;
    machine_run(m, OS_STEPS, &ex);
    if (ex.reason != EXIT_HALT)
        fail_msg("the OS stopped (%s) instead of halting", exit_reason_name(ex.reason));
    struct psw psw = machine_psw(m);
    assert_true(psw.sup);
    assert_int_equal(psw.p, sym(img, "stop") + 1);
    return m;
}

/* The console as a NUL-terminated string (the OS writes no NULs). */
static char *console(const struct machine *m)
{
    size_t len;
    const uint8_t *out = machine_console_output(m, &len);
    char *s = malloc(len + 1);
    assert_non_null(s);
    memcpy(s, out, len);
    s[len] = '\0';
    assert_int_equal(strlen(s), len);
    return s;
}

/* How many times LINE (with its newline) is a whole line of CON. */
static int count_lines(const char *con, const char *line)
{
    int n = 0;
    size_t len = strlen(line);
    for (const char *p = con; (p = strstr(p, line)); p += len)
        n += (p == con || p[-1] == '\n') && p[len] == '\n';
    return n;
}

/* The processes' output, pulled apart: kernel lines start with "os: " and
 * are whole lines; the rest, TEXT, is the processes' interleaved output, in
 * which lowercase is process 2's, uppercase process 3's, digits and spaces
 * process 1's (docs/os.md).  PUTS counts every character a process wrote,
 * newlines included. */
struct streams {
    char tick[128], tock[128], primes[256], text[512];
    size_t nt, nu, np, nx, puts;
};

static void split(const char *con, struct streams *s)
{
    memset(s, 0, sizeof *s);
    for (const char *line = con; *line;) {
        const char *nl = strchr(line, '\n');
        assert_non_null(nl); /* every line ends */
        if (strncmp(line, "os: ", 4) != 0) {
            for (const char *c = line; c < nl; c++) {
                if (*c >= 'a' && *c <= 'z' && s->nt < sizeof s->tick - 1)
                    s->tick[s->nt++] = *c;
                else if (*c >= 'A' && *c <= 'Z' && s->nu < sizeof s->tock - 1)
                    s->tock[s->nu++] = *c;
                else if (s->np < sizeof s->primes - 1)
                    s->primes[s->np++] = *c;
            }
            s->puts += (size_t)(nl - line);
            size_t n = (size_t)(nl - line) + 1;
            assert_true(s->nx + n < sizeof s->text);
            memcpy(s->text + s->nx, line, n);
            s->nx += n;
        }
        line = nl + 1;
    }
    s->puts++; /* process 1's newline; the other newlines are the kernel's */
}

static unsigned primes_below(unsigned limit, unsigned *out)
{
    unsigned n = 0;
    for (unsigned c = 2; c < limit; c++) {
        bool prime = true;
        for (unsigned d = 2; d * d <= c && prime; d++)
            prime = c % d != 0;
        if (prime)
            out[n++] = c;
    }
    return n;
}

/* What each process writes, from its stated purpose. */
static void expect_streams(const struct streams *s)
{
    char want[256] = "";
    for (int k = 0; k < CLOCK_TIMES; k++)
        strcat(want, "tick");
    assert_string_equal(s->tick, want);
    want[0] = '\0';
    for (int k = 0; k < CLOCK_TIMES; k++)
        strcat(want, "TOCK");
    assert_string_equal(s->tock, want);
    unsigned p[PRIME_LIMIT];
    unsigned n = primes_below(PRIME_LIMIT, p);
    size_t len = 0;
    for (unsigned k = 0; k < n; k++)
        len += (size_t)snprintf(want + len, sizeof want - len, "%u ", p[k]);
    assert_string_equal(s->primes, want);
}

/* Process ID's block in the process table. */
static uint64_t pcb(const struct machine *m, const struct tgm_image *img, int id, int field)
{
    return ts_peek(m, sym(img, "ptab") + (uint32_t)(id - 1) * PCB_WORDS + (uint32_t)field);
}

/* Every process ended as designed; the rogue by trap CAUSE at its label AT. */
static void expect_run(const struct machine *m, const struct tgm_image *img, unsigned cause,
                       const char *cause_name, const char *at)
{
    char *con = console(m);
    char line[128];
    snprintf(line, sizeof line, "os: %d processes, quantum %llu cycles", NPROC,
             (unsigned long long)ts_peek(m, sym(img, "quantum")));
    assert_int_equal(strncmp(con, line, strlen(line)), 0);
    /* each process's end, once, with the cycles the table charged it */
    char kill[80];
    snprintf(kill, sizeof kill, "killed: %s at P=%u", cause_name, sym(img, at));
    const char *const ends[NPROC] = {"exited, status 25", "exited, status 0",
                                     "exited, status 3", kill};
    uint64_t charged = 0;
    for (int id = 1; id <= NPROC; id++) {
        uint64_t cyc = pcb(m, img, id, PCB_CYCLES);
        assert_true(cyc > 0);
        charged += cyc;
        snprintf(line, sizeof line, "os: process %d %s after %llu cycles", id, ends[id - 1],
                 (unsigned long long)cyc);
        if (count_lines(con, line) != 1)
            fail_msg("not once: \"%s\" in:\n%s", line, con);
    }
    assert_true(charged < machine_cycles(m)); /* and the kernel had the rest */
    const char *last = "os: all processes done: 3 exited, 1 killed\n";
    assert_string_equal(con + strlen(con) - strlen(last), last);

    struct streams s;
    split(con, &s);
    expect_streams(&s);

    /* the process table agrees with the console */
    const uint64_t status[NPROC] = {25, 0, 3, cause};
    for (int id = 1; id <= NPROC; id++) {
        assert_int_equal(pcb(m, img, id, PCB_STATE), id < 4 ? PS_EXITED : PS_KILLED);
        assert_int_equal(pcb(m, img, id, PCB_STATUS), status[id - 1]);
    }
    /* one SVC per character written, exit, yield, getpid and getc */
    struct machine_counters c = machine_get_counters(m);
    assert_int_equal(c.traps[TRAP_SVC], s.puts + 3 + CLOCK_TIMES + 1 + 1);
    for (unsigned k = TRAP_PRIV; k <= TRAP_ILL; k++)
        if (k != TRAP_SVC)
            assert_int_equal(c.traps[k], k == cause);
    assert_true(c.traps[TRAP_TIMER] > 0);
    free(con);
}

/* ---- the bare machine -------------------------------------------------- */

static void os__bare_run_accounts_for_every_process(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    struct machine *m = run_bare(&img, BIG, NULL);
    expect_run(m, &img, TRAP_MEM, "memory trap", "rg_mem");

    /* process 1's primes, in its own region */
    unsigned p[PRIME_LIMIT];
    unsigned n = primes_below(PRIME_LIMIT, p);
    uint32_t base = sym(&img, "P1_BASE");
    assert_int_equal(ts_peek(m, base + sym(&img, "pr_count")), n);
    for (unsigned k = 0; k < n; k++)
        assert_int_equal(ts_peek(m, base + sym(&img, "pr_table") + k), p[k]);
    machine_destroy(m);
    image_free(&img);
}

/* The rogue's misdeed, by its input: each is killed for its own cause. */
static void os__console_input_chooses_the_rogues_trap(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    struct machine *m = run_bare(&img, BIG, "p");
    expect_run(m, &img, TRAP_PRIV, "privileged instruction trap", "rg_priv");
    machine_destroy(m);
    m = run_bare(&img, BIG, "i");
    expect_run(m, &img, TRAP_ILL, "illegal instruction trap", "rg_ill");
    machine_destroy(m);
    /* a system call the kernel does not have, in place of the rogue's SYS_GETC */
    uint32_t ask = sym(&img, "P4_BASE") + sym(&img, "rg_ask") - img.load;
    assert_true(img.words[ask] == MAKE_INSN(OP_SVC, 2, 0, 0));
    img.words[ask] = MAKE_INSN(OP_SVC, 9, 0, 0);
    m = run_bare(&img, BIG, NULL);
    expect_run(m, &img, TRAP_SVC, "unknown system call", "rg_ask");
    machine_destroy(m);
    image_free(&img);
}

/* Every step: the kernel with I = 0 and R = (0, ...), a process in user
 * mode with I = 1 and R = one of the four regions. */
struct modes {
    uint32_t base[NPROC], size;
    uint64_t kernel, user[NPROC], bad;
};

static void check_mode(void *ctx, const struct machine_trace *t)
{
    struct modes *md = ctx;
    struct psw p = psw_unpack(t->psw_before);
    if (p.sup) {
        md->kernel++;
        md->bad += p.ie || p.l != 0;
        return;
    }
    for (int k = 0; k < NPROC; k++)
        if (p.l == md->base[k] && p.b == md->size && p.ie) {
            md->user[k]++;
            return;
        }
    md->bad++;
}

static void os__kernel_runs_with_i_0_and_processes_in_their_regions(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    struct modes md = {.size = sym(&img, "REGION_SIZE")};
    static const char *const bases[NPROC] = {"P1_BASE", "P2_BASE", "P3_BASE", "P4_BASE"};
    for (int k = 0; k < NPROC; k++)
        md.base[k] = sym(&img, bases[k]);
    struct machine *m = ts_machine(BIG, NULL, false);
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    machine_set_trace(m, check_mode, &md);
    struct machine_exit ex;
    machine_run(m, OS_STEPS, &ex);
    assert_int_equal(ex.reason, EXIT_HALT);
    assert_int_equal(md.bad, 0);
    assert_true(md.kernel > 0);
    for (int k = 0; k < NPROC; k++)
        assert_true(md.user[k] > 0);
    machine_destroy(m);
    image_free(&img);
}

/* ---- the smallest machine ---------------------------------------------- */

static void os__runs_in_its_documented_minimum_memory(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    uint32_t min = sym(&img, "MEM_MIN");
    assert_int_equal(min, MEM_MIN_DOC);
    assert_true(img.load + img.nwords <= min);
    assert_int_equal(sym(&img, "P4_BASE") + sym(&img, "REGION_SIZE"), min);
    struct machine *small = run_bare(&img, min, NULL);
    struct machine *big = run_bare(&img, BIG, NULL);
    expect_run(small, &img, TRAP_MEM, "memory trap", "rg_mem");
    char *a = console(small), *b = console(big);
    assert_string_equal(a, b);
    free(a);
    free(b);
    machine_destroy(small);
    machine_destroy(big);
    image_free(&img);
}

/* ---- the quantum ------------------------------------------------------- */

/* Quanta far apart: each cuts the processes off at other places. */
static const uint64_t quanta[] = {300, 150, 250, 400, 1000};
#define NQUANTA (sizeof quanta / sizeof quanta[0])

/* The console is made at the quantum's resolution: how the processes'
 * output interleaves changes with a quantum of other size, and the cycles
 * charged (docs/os.md, "Accounting") with any change at all. */
static void os__the_quantum_decides_the_console(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    assert_int_equal(img.words[sym(&img, "quantum") - img.load], quanta[0]); /* the default */
    struct streams s[NQUANTA];
    char *con[NQUANTA + 2];
    for (size_t k = 0; k < NQUANTA + 2; k++) {
        uint64_t q = k < NQUANTA ? quanta[k] : k == NQUANTA ? quanta[0] + 1 : quanta[0] - 1;
        set_quantum(&img, q);
        struct machine *m = run_bare(&img, BIG, NULL);
        expect_run(m, &img, TRAP_MEM, "memory trap", "rg_mem");
        con[k] = console(m);
        machine_destroy(m);
        if (k < NQUANTA)
            split(con[k], &s[k]);
        for (size_t j = 0; j < k && j < NQUANTA; j++) {
            bool same = k < NQUANTA ? !strcmp(s[j].text, s[k].text) : !strcmp(con[j], con[k]);
            if (same)
                fail_msg("quanta %llu and %llu give the same %s", (unsigned long long)quanta[j],
                         (unsigned long long)q, k < NQUANTA ? "interleaving" : "console");
        }
    }
    for (size_t k = 0; k < NQUANTA + 2; k++)
        free(con[k]);
    image_free(&img);
}

/* ---- under the control program ----------------------------------------- */

/* The OS in a VM of the minimum size: the same console as bare. */
static void os__control_program_gives_the_same_console(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    uint32_t w = sym(&img, "MEM_MIN");
    for (size_t k = 0; k < NQUANTA; k++) {
        set_quantum(&img, quanta[k]);
        char err[256];
        struct vmm *v = vmm_create(&(struct vmm_config){.q = 2 * w}, err, sizeof err);
        assert_non_null(v);
        int id = vmm_vm_create(v, w, "os", err, sizeof err);
        assert_true(id >= 0);
        assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
        struct vmm_exit ex;
        assert_int_equal(vmm_run(v, OS_STEPS, &ex), VMMSTOP_DONE);
        struct vm_info info;
        assert_int_equal(vmm_vm_info(v, id, &info), 0);
        assert_int_equal(info.state, VM_HALTED);
        struct machine *bare = run_bare(&img, w, NULL);
        char *a = console(bare), *b = console(vmm_vm_view(v, id));
        assert_string_equal(a, b);
        free(a);
        free(b);
        machine_destroy(bare);
        vmm_destroy(v);
    }
    image_free(&img);
}

/* Section 6's equivalence, alone and two at once with a slice that cuts
 * the guests' own quanta at odd places, for each rogue. */
static void os__check_finds_the_control_program_equivalent(void **state)
{
    (void)state;
    struct tgm_image img = os_image();
    const struct tgm_image *imgs[] = {&img, &img};
    static const char *const inputs[] = {"", "p", "i"};
    for (size_t k = 0; k < 3; k++) {
        struct check_opts o = {.w = sym(&img, "MEM_MIN"), .slice = 777,
                               .input = (const uint8_t *)inputs[k],
                               .input_len = strlen(inputs[k])};
        struct check_result res[2];
        char err[256] = "";
        if (vmm_check(imgs, 2, &o, res, err, sizeof err) != 0)
            fail_msg("vmm_check: %s", err);
        for (int j = 0; j < 2; j++) {
            if (!res[j].equivalent)
                fail_msg("input \"%s\": alone: %s; together: %s", inputs[k], res[j].alone_diff,
                         res[j].together_diff);
            assert_true(res[j].together_halted);
        }
    }
    image_free(&img);
}

/* The same through the commands a user runs. */
static void os__tgm_check_and_run_vmm_agree_with_bare(void **state)
{
    (void)state;
    struct cs_outcome chk = cs_run_tgm("check", "--mem", "1024", OS_SRC, NULL);
    assert_int_equal(chk.status, 0);
    assert_non_null(strstr(chk.out, "equivalent"));
    cs_outcome_free(&chk);

    /* and four levels deep in the control program written in tgm's own
     * instructions (section 7), compared with the bare run trap by trap */
    chk = cs_run_tgm("check", "--nest", "4", "--mem", "1024", OS_SRC, NULL);
    assert_int_equal(chk.status, 0);
    assert_non_null(strstr(chk.out, "equivalent at depth 4"));
    cs_outcome_free(&chk);

    struct cs_outcome bare = cs_run_tgm("run", "--json", "--mem", "1024", OS_SRC, NULL);
    struct cs_outcome vm = cs_run_tgm("run", "--vmm", "--json", "--mem", "1024", OS_SRC, NULL);
    assert_int_equal(bare.status, 0);
    assert_int_equal(vm.status, 0);
    size_t blen, vlen;
    char *b = cs_json_str(cs_json_get(bare.out, "console"), &blen);
    const char *vm0 = cs_json_item(cs_json_get(vm.out, "vms"), 0);
    assert_non_null(vm0);
    char *c = cs_json_str(cs_json_get(cs_json_get(vm0, "state"), "console"), &vlen);
    assert_true(blen > 0);
    assert_int_equal(blen, vlen);
    assert_memory_equal(b, c, blen);
    free(b);
    free(c);
    cs_outcome_free(&bare);
    cs_outcome_free(&vm);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_os");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(os__bare_run_accounts_for_every_process),
        cmocka_unit_test(os__console_input_chooses_the_rogues_trap),
        cmocka_unit_test(os__kernel_runs_with_i_0_and_processes_in_their_regions),
        cmocka_unit_test(os__runs_in_its_documented_minimum_memory),
        cmocka_unit_test(os__the_quantum_decides_the_console),
        cmocka_unit_test(os__control_program_gives_the_same_console),
        cmocka_unit_test(os__check_finds_the_control_program_equivalent),
        cmocka_unit_test(os__tgm_check_and_run_vmm_agree_with_bare),
    };
    return cmocka_run_group_tests_name("os", tests, group_setup, group_teardown);
}
