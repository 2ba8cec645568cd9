/* test_audit_refvmcmd.c: the monitor's virtual-machine commands against
 * what docs/monitor.md says of them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "mon_support.h"

static bool verbose;

/* ---- the session under test ---- */

static struct ms_sess S;
static char last_line[300];
static char got_out[1 << 16], got_err[1024];

static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_line, sizeof last_line, fmt, ap);
    va_end(ap);
    size_t o0 = S.olen, e0 = S.elen;
    int rc = mon_exec_line(S.m, last_line);
    fflush(S.out), fflush(S.err);
    size_t no = S.olen - o0, ne = S.elen - e0;
    no = no < sizeof got_out - 1 ? no : sizeof got_out - 1;
    ne = ne < sizeof got_err - 1 ? ne : sizeof got_err - 1;
    memcpy(got_out, S.obuf + o0, no), got_out[no] = 0;
    memcpy(got_err, S.ebuf + e0, ne), got_err[ne] = 0;
    if (verbose)
        printf("> %s [rc %d]\n%s%s", last_line, rc, got_out, got_err);
    return rc;
}

/* Two VMs: A counts down a long loop, B (selected) loops printing; B
 * takes 3 steps, and its limit is then set to 2, below them. */
static void two_vms_b_past_its_limit(char pa[256], char pb[256])
{
    ms_tmp_file(pa, 256, "refvmcmd-ra");
    ms_tmp_file(pb, 256, "refvmcmd-rb");
    FILE *f = fopen(pa, "w");
    assert_non_null(f);
    fputs(".entry 2\n.word 0\n.word 0\n LI 9, 5000\n DJNZ 9, 3\n HALT\n", f);
    fclose(f);
    f = fopen(pb, "w");
    assert_non_null(f);
    fputs("start: LI x, 65\n COUT x\nl: ADDI x, x, 1\n JMP l\nx: .word 0\n", f);
    fclose(f);
    ms_sess_open(&S);
    assert_int_equal(run("set console off"), 0);
    assert_int_equal(run("set slice 20"), 0);
    assert_int_equal(run("vm create a 20 %s", pa), 0);
    assert_int_equal(run("vm create b 20 %s", pb), 0);
    assert_int_equal(run("step 3"), 0);
    assert_int_equal(run("vm limit b 2"), 0);
}

/* docs/monitor.md, step: "HALT, a watchpoint or trap stop, the step limit,
 * the VM's own ('vm limit') ... stop it early, as they stop 'go'".  A VM
 * whose limit is already reached takes no step: 'step' said nothing and ran
 * the other VMs on until none was runnable (A's 5000-step loop to its
 * HALT). */
static void refvmcmd__step_stops_at_a_limit_already_reached(void **state)
{
    (void)state;
    char pa[256], pb[256];
    two_vms_b_past_its_limit(pa, pb);
    assert_int_equal(run("step 2"), 0);
    assert_non_null(strstr(got_out, "b: step limit: "));
    assert_int_equal(run("vm list"), 0);
    assert_non_null(strstr(got_out, "   0 a            runnable "));
    assert_non_null(strstr(got_out, "*  1 b            step limit "));
    ms_sess_close(&S);
    unlink(pa), unlink(pb);
}

/* 'step' refused a VM at its limit with "('vm resume' to run it)", which
 * 'vm resume' refuses; the docs: "a VM at its limit runs on when it is
 * raised" (help vm).  It now says what 'vm resume' says. */
static void refvmcmd__step_at_a_limit_names_vm_limit_not_vm_resume(void **state)
{
    (void)state;
    char pa[256], pb[256];
    two_vms_b_past_its_limit(pa, pb);
    assert_int_equal(run("go for 1"), 0); /* b meets its limit */
    assert_int_not_equal(run("step"), 0);
    assert_string_equal(got_err, "step: b has taken the 2 steps of its limit ('vm limit b N' raises it)\n");
    assert_int_not_equal(run("vm resume b"), 0);
    assert_int_equal(run("vm limit b 4"), 0);
    assert_int_equal(run("step"), 0);
    assert_null(strstr(got_err, "step"));
    ms_sess_close(&S);
    unlink(pa), unlink(pb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refvmcmd__step_stops_at_a_limit_already_reached),
        cmocka_unit_test(refvmcmd__step_at_a_limit_names_vm_limit_not_vm_resume),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
