/* test_audit_mutos56.c: cases that a mutation audit of the guest software
 * of Theorem 2 (the time-sharing OS of examples/os/ and the control
 * program examples/vmm/cp.s) found asserted only by accident: by the
 * digest of E or the step count of a documented run, which any other
 * change moves too, and not by what docs/os.md says.
 *
 * Each states a documented rule at the place a mutant moved:
 * - the process table as the image holds it: every block ready (state 1),
 *   its PSW user mode, I = 1, P = USER_ENTRY, R = (its base, 0x80), status
 *   and cycles 0;
 * - the word `quantum` patched in the monitor runs as reassembling with
 *   that QUANTUM: the kernel charges what the word says, not the constant;
 * - a kernel line starts on a line of its own unless the last SYS_PUTC
 *   argument was exactly 10, so 0x10A is a newline and then an empty line.
 *
 * Runs the real binary (cli_support) from the top of the source tree; the
 * OS is copied into the temporary directory where a case changes it.
 */
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

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutos56");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* ---- a copy of the OS ------------------------------------------------- */

/* DIR/os/ with os.s and its programs and DIR/print.inc, as in examples/
 * (os.s includes "../print.inc"): os.s with the line that starts with
 * QLINE's first word replaced by QLINE (NULL: as shipped), tick.inc by
 * TICK (NULL: as shipped).  PATH gets the copy's os.s. */
static void copy_os(char *path, size_t len, const char *dir, const char *qline,
                    const char *tick)
{
    static const char *const incs[] = {"primes.inc", "tick.inc", "tock.inc", "rogue.inc"};
    char d[CS_PATH], f[CS_PATH + 32];
    cs_tmp_path(d, sizeof d, dir);
    assert_int_equal(mkdir(d, 0700), 0);
    snprintf(f, sizeof f, "%s/os", d);
    assert_int_equal(mkdir(f, 0700), 0);
    char *text = cs_slurp("examples/print.inc", NULL);
    snprintf(f, sizeof f, "%s/print.inc", d);
    cs_put_text(f, text);
    free(text);
    for (size_t k = 0; k < sizeof incs / sizeof incs[0]; k++) {
        snprintf(f, sizeof f, "examples/os/%s", incs[k]);
        text = cs_slurp(f, NULL);
        snprintf(f, sizeof f, "%s/os/%s", d, incs[k]);
        cs_put_text(f, tick && !strcmp(incs[k], "tick.inc") ? tick : text);
        free(text);
    }
    text = cs_slurp("examples/os/os.s", NULL);
    if (qline) {
        size_t key = strcspn(qline, " ");
        char *p = text;
        while (strncmp(p, qline, key) || p[key] != ' ') {
            p = strchr(p, '\n');
            assert_non_null(p);
            p++;
        }
        char *eol = strchr(p, '\n');
        assert_non_null(eol);
        size_t head = (size_t)(p - text), ql = strlen(qline);
        char *out = malloc(strlen(text) + ql + 1);
        assert_non_null(out);
        memcpy(out, text, head);
        memcpy(out + head, qline, ql);
        strcpy(out + head + ql, eol);
        free(text);
        text = out;
    }
    assert_true(snprintf(path, len, "%s/os/os.s", d) < (int)len);
    cs_put_text(path, text);
    free(text);
}

/* The console of 'tgm run FILE' (stdout up to the "-- halted" line). */
static char *console_of(const char *file)
{
    struct cs_outcome o = cs_run_tgm("run", file, NULL);
    if (o.status != 0)
        fail_msg("tgm run %s: status %d: %s", file, o.status, o.err);
    char *end = strstr(o.out, "-- halted\n");
    assert_non_null(end);
    *end = '\0';
    char *con = strdup(o.out);
    assert_non_null(con);
    cs_outcome_free(&o);
    return con;
}

/* ---- the process table ------------------------------------------------- */

/* docs/os.md, "The process table": "PCB_STATE: 1 ready, 2 exited, 3
 * killed", "PCB_PSW: the PSW it resumes with: user mode, I = 1, R = (its
 * base, REGION_SIZE)", a process starts at USER_ENTRY (1), and the
 * memory map puts the regions at 0x200, 0x280, 0x300, 0x380 of 0x80
 * words; booting is "a call of the scheduler", the table "initialised in
 * the image".  Mutant: PS_READY = 4 (the kernel compares with c_ready, so
 * the run is the same but for the words of E the digest sums). */
static void ptab__the_image_holds_every_process_ready(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("load examples/os/os.s; examine ptab 16");
    const char *at = strstr(o.out, " ptab ");
    assert_non_null(at);
    unsigned long ptab = strtoul(at - 7, NULL, 16); /* "  0x000c2 ptab  ..." */
    static const unsigned base[4] = {0x200, 0x280, 0x300, 0x380};
    char want[2048];
    size_t n = 0;
    for (unsigned k = 0; k < 16; k++) {
        /* state 1 (ready); PSW u, I = 1, P = 1, R = (base, 0x80); status, cycles 0 */
        uint64_t psw = (1ull << 62) | (1ull << 39) | ((uint64_t)base[k / 4] << 20) | 0x80;
        uint64_t w = k % 4 == 0 ? 1 : k % 4 == 1 ? psw : 0;
        n += (size_t)snprintf(want + n, sizeof want - n, "  0x%05lx %-12s %016llx\n",
                              ptab + k, k ? "" : "ptab", (unsigned long long)w);
    }
    if (!strstr(o.out, want))
        fail_msg("ptab is not as docs/os.md initialises it:\n%s\nwanted:\n%s", o.out, want);
    cs_outcome_free(&o);
}

/* ---- the quantum ------------------------------------------------------- */

/* docs/os.md, "Changing it": "The quantum is the constant QUANTUM
 * (cycles); it is also the word quantum in the image, so it can be
 * patched in an image or in the monitor without reassembling.  The
 * console changes with it: ... the cycles charged with any change."  So
 * the word patched to 500 gives the console of the OS assembled with
 * QUANTUM = 500, boot line, interleaving and every cycle count.  Mutant:
 * charge's SUB t, quantum, left reading a constant word of QUANTUM
 * instead (the shipped run the same but for E's digest). */
static void quantum__the_patched_word_runs_as_reassembling(void **state)
{
    (void)state;
    char src[CS_PATH];
    copy_os(src, sizeof src, "q500", "QUANTUM    = 500", NULL);
    char *want = console_of(src);
    assert_non_null(strstr(want, "os: 4 processes, quantum 500 cycles\n"));
    char *shipped = console_of("examples/os/os.s");
    assert_string_not_equal(want, shipped); /* 500 is a quantum of its own */
    free(shipped);

    struct cs_outcome o = cs_mon_ok("load examples/os/os.s; deposit quantum 500; go");
    const char *con = strstr(o.out, "os: 4 processes");
    assert_non_null(con);
    if (strncmp(con, want, strlen(want)))
        fail_msg("the word patched to 500 runs:\n%s\nassembled with QUANTUM = 500:\n%s", con,
                 want);
    cs_outcome_free(&o);
    free(want);
}

/* ---- the kernel's lines ------------------------------------------------ */

/* A tick.inc that writes ARG with SYS_PUTC and exits with status 0. */
static void putc_program(char *buf, size_t len, const char *arg)
{
    snprintf(buf, len,
             "tk_arg: .word 0\n"
             "        MOV   tk_arg, tk_c\n"
             "        SVC   SYS_PUTC\n"
             "        LI    tk_arg, 0\n"
             "        SVC   SYS_EXIT\n"
             "tk_c:   .word %s\n",
             arg);
}

/* docs/os.md, "System calls": "The kernel's own lines start on a line of
 * their own: it writes a newline first unless nothing has been written
 * since its last line or the boot, or the last SYS_PUTC argument was
 * exactly 10, so an argument whose low byte is a newline but whose other
 * bits are not 0 writes a newline and is followed by an empty line."
 * Process 2 writes one word and exits while process 1 has written "2 3 ".
 * Mutant: sys_putc comparing the argument's low byte with '\n' (the
 * shipped programs never write such a word). */
static void putc__only_exactly_10_ends_the_line(void **state)
{
    (void)state;
    static const struct {
        const char *arg, *dir, *want;
    } cases[] = {
        {"10", "nl", "\n2 3 \nos: process 2 exited, status 0 after "},
        {"0x10A", "nlhigh", "\n2 3 \n\nos: process 2 exited, status 0 after "},
        {"'x'", "x", "\n2 3 x\nos: process 2 exited, status 0 after "},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char prog[256], src[CS_PATH];
        putc_program(prog, sizeof prog, cases[k].arg);
        copy_os(src, sizeof src, cases[k].dir, NULL, prog);
        char *con = console_of(src);
        if (!strstr(con, cases[k].want))
            fail_msg("SYS_PUTC of %s: no \"%s\" in:\n%s", cases[k].arg, cases[k].want, con);
        free(con);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ptab__the_image_holds_every_process_ready),
        cmocka_unit_test(quantum__the_patched_word_runs_as_reassembling),
        cmocka_unit_test(putc__only_exactly_10_ends_the_line),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
