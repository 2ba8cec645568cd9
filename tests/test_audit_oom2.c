/* test_audit_oom2.c: running out of memory, one allocation at a time (as
 * test_audit_oom.c does), in the places that one left: the monitor's
 * reverse execution, history, restore and 'go' with the console off,
 * counterexample, the assembler's .include and check --nest.
 *
 * This file's own malloc, calloc and realloc fail the Nth call after
 * fail_after(N); its free counts too, so that a test can see what a call
 * left allocated.  Under a sanitizer (which owns malloc) the tests are
 * skipped.
 */
#include <errno.h>
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
#include "tgm/analyze.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

#include "oom_support.h"


static void sess_ok(const char *line)
{
    if (mon_exec_line(S.m, line) != 0)
        fail_msg("'%s' failed: %s", line, S.ebuf);
}

/* The errors are one line that holds "out of memory" (or ENOMEM's
 * strerror, where a file could not be read into memory). */
static void one_oom_line(long n, const char *cmd)
{
    const char *nl = strchr(S.ebuf, '\n');
    if ((!strstr(S.ebuf, "out of memory") && !strstr(S.ebuf, strerror(ENOMEM))) || !nl ||
        nl[1])
        fail_msg("N = %ld: %s: '%s'", n, cmd, S.ebuf);
}

/* A source file in the temporary directory: PATH gets its name. */
static void write_source(char *path, size_t len, const char *stem, const char *text)
{
    ms_tmp_file(path, len, stem);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}


/* ---- restore ---- */

/* 'restore FILE' said "bad bare machine size 4096" (or "bad symbol
 * section") when memory ran out building the snapshot's machines: the
 * file was fine.  Now out of memory, and the session as it was. */
static void restore__out_of_memory_is_not_a_bad_file(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], snap[320], cmd[1200];
    write_source(src, sizeof src, "oom2-hello.s", oom_hello_s);
    ms_tmp_file(snap, sizeof snap, "oom2-snap");
    sess_open();
    snprintf(cmd, sizeof cmd, "load %s; go; vm create a 4096 %s; vm select a; go; save %s",
             src, src, snap);
    sess_ok(cmd);
    sess_ok("vm select bare; reset; vm destroy a");
    snprintf(cmd, sizeof cmd, "restore %s", snap);
    int failed = 0;
    for (long n = 1;; n++) {
        sess_clear();
        fail_after(n);
        int rc = mon_exec_line(S.m, cmd);
        bool hit = disarm();
        if (rc != 0) {
            one_oom_line(n, cmd);
            /* as it was: the bare machine reset, no VM */
            assert_int_equal(machine_get_counters(mon_machine(S.m)).steps, 0);
            assert_true(!mon_vmm(S.m) || vmm_vm_next(mon_vmm(S.m), -1) < 0);
            failed++;
        } else {
            assert_true(mon_vmm(S.m) && vmm_vm_next(mon_vmm(S.m), -1) >= 0);
            assert_true(machine_get_counters(mon_machine(S.m)).steps > 0);
            sess_ok("vm select bare; reset; vm destroy a");
        }
        if (!hit)
            break;
    }
    assert_true(failed > 5);
    sess_close();
    unlink(src);
    unlink(snap);
}

/* ---- the assembler's .include ---- */

/* An .include whose list of files could not grow (or whose error message
 * could not be kept) left its path and text allocated: the assembly gave
 * up with a longjmp past the function that held them. */
static void asm_include__out_of_memory_leaks_nothing(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char main_s[320], body_s[320], missing[400];
    ms_tmp_file(main_s, sizeof main_s, "oom2-main.s");
    ms_tmp_file(body_s, sizeof body_s, "oom2-body.s");
    const char *bname = strrchr(body_s, '/') ? strrchr(body_s, '/') + 1 : body_s;
    snprintf(missing, sizeof missing, "%s.none", bname);
    FILE *f = fopen(body_s, "w");
    assert_non_null(f);
    fputs("msg:    .asciz \"hello\"\n", f);
    fclose(f);
    f = fopen(main_s, "w");
    assert_non_null(f);
    /* one that is read, one that is not there (an error's message) */
    fprintf(f, "        .org 0\n        .word 0\n        HALT\n        .include \"%s\"\n"
               "        .include \"%s\"\n",
            bname, missing);
    fclose(f);
    struct tgm_image img = {0};
    counting = true;
    live = 0;
    assert_int_equal(asm_assemble_file(main_s, &img, NULL), 1); /* the missing file */
    counting = false;
    assert_int_equal(live, 0); /* the way to count holds */
    int failed = 0;
    for (long n = 1;; n++) {
        counting = true;
        live = 0;
        fail_after(n);
        int rc = asm_assemble_file(main_s, &img, NULL);
        bool hit = disarm();
        counting = false;
        image_free(&img);
        if (live != 0)
            fail_msg("N = %ld: %ld block%s left allocated", n, live, live == 1 ? "" : "s");
        if (rc != 1)
            fail_msg("N = %ld: %d errors, not the missing file's or 'out of memory'", n, rc);
        failed += hit;
        if (!hit)
            break;
    }
    assert_true(failed > 10);
    unlink(main_s);
    unlink(body_s);
}

/* asm_assemble_line (the monitor's 'assemble'), out of memory at each
 * allocation in turn: its copy of the line was lost when the list of
 * files could not grow. */
static void asm_line__out_of_memory_leaks_nothing(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char err[128];
    uint64_t w;
    int failed = 0;
    for (long n = 1;; n++) {
        counting = true;
        live = 0;
        fail_after(n);
        int rc = asm_assemble_line("ADDI 5, 6, 1", 0, NULL, &w, err, sizeof err);
        bool hit = disarm();
        counting = false;
        if (live != 0)
            fail_msg("N = %ld: %ld block%s left allocated", n, live, live == 1 ? "" : "s");
        failed += rc != 0;
        if (!hit)
            break;
    }
    assert_true(failed > 2);
}

/* docs/robustness.md: out of memory, an assembly says "prog.s: error: out
 * of memory".  Reading the source itself into memory said ENOMEM's
 * strerror, "Cannot allocate memory", instead. */
static void asm_source__out_of_memory_is_said_so(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], out[320];
    write_source(src, sizeof src, "oom2-src.s", "        HALT\n");
    ms_tmp_file(out, sizeof out, "oom2-src.err");
    int said = 0;
    for (long n = 1;; n++) {
        FILE *diag = fopen(out, "w+");
        assert_non_null(diag);
        setvbuf(diag, NULL, _IONBF, 0); /* no buffer to allocate under the limit */
        struct tgm_image img = {0};
        fail_after(n);
        int rc = asm_assemble_file(src, &img, diag);
        bool hit = disarm();
        image_free(&img);
        char text[512] = "";
        rewind(diag);
        size_t got = fread(text, 1, sizeof text - 1, diag);
        text[got] = '\0';
        fclose(diag);
        if (strstr(text, strerror(ENOMEM)))
            fail_msg("N = %ld: '%s'", n, text);
        if (rc != 0) {
            if (!strstr(text, "error: out of memory"))
                fail_msg("N = %ld: %d errors: '%s'", n, rc, text);
            said++;
        }
        if (!hit)
            break;
    }
    assert_true(said > 0);
    unlink(src);
    unlink(out);
}

/* ---- counterexample ---- */

/* counter_profile said "cannot analyze the profile" when the analysis ran
 * out of memory: now "out of memory", or the same report as with memory. */
static void counterexample__out_of_memory_says_so(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct analyze_options ao = {.random_states = 16, .q = 16}; /* the smallest: quicker */
    const struct isa_profile *p = isa_profile_find("pdp10");
    assert_non_null(p);
    char err[256];
    struct counter_report *ref = counter_profile(p, &ao, err, sizeof err);
    assert_non_null(ref);
    int failed = 0;
    for (long n = 1;; n++) {
        err[0] = '\0';
        fail_after(n);
        struct counter_report *r = counter_profile(p, &ao, err, sizeof err);
        bool hit = disarm();
        if (r) {
            assert_int_equal(r->n, ref->n);
            assert_int_equal(counter_as_predicted(r), counter_as_predicted(ref));
        } else {
            if (!strstr(err, "out of memory"))
                fail_msg("N = %ld: '%s'", n, err);
            failed++;
        }
        counter_report_free(r);
        if (!hit)
            break;
    }
    assert_true(failed > 0);
    counter_report_free(ref);
    /* and a size the analysis refuses is no shortage of memory */
    ao.q = ANALYZE_Q_MAX + 1;
    assert_null(counter_profile(p, &ao, err, sizeof err));
    assert_non_null(strstr(err, "cannot analyze the profile"));
}

/* ---- check --nest ---- */

static const char echo_s[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  CIN   ch\n"
    "        COUT  ch\n"
    "        HALT\n"
    "fault:  HALT\n"
    "ch:     .word 0\n";

/* The nested run's top state is rebuilt with the console input the stack
 * read; when that could not be queued, the input compared differed and
 * the verdict was NOT equivalent.  Now no verdict, or the true one. */
static void check_nest__out_of_memory_is_no_verdict(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct tgm_image img;
    assert_int_equal(asm_assemble_string("echo.s", echo_s, &img, NULL), 0);
    static const uint8_t in[] = "x";
    for (unsigned k = 0; k < 3; k++) { /* depth 1, 2, and 1 on the C control program */
        unsigned depth = k == 1 ? 2 : 1;
        struct nest_run_opts o = {.depth = depth, .w = 4096, .under_vmm = k == 2,
                                  .input = in, .input_len = 1};
        struct nest_check_result res;
        char err[256] = "";
        assert_int_equal(nest_check(NULL, &img, &o, 0, &res, err, sizeof err), 0);
        assert_true(res.equivalent);
        int failed = 0;
        for (long n = 1;; n++) {
            err[0] = '\0';
            fail_after(n);
            int rc = nest_check(NULL, &img, &o, 0, &res, err, sizeof err);
            bool hit = disarm();
            if (rc == 0) {
                if (!res.equivalent)
                    fail_msg("depth %u, N = %ld: NOT equivalent: %s", depth, n, res.diff);
            } else {
                if (!strstr(err, "out of memory"))
                    fail_msg("depth %u, N = %ld: '%s'", depth, n, err);
                failed++;
            }
            if (!hit)
                break;
        }
        assert_true(failed > 5);
    }
    image_free(&img);
}

/* ---- reverse execution ---- */

/* The machine the rstep went on: the bare one, or VM a's. */
static struct machine *focused(bool vm)
{
    return vm ? vmm_vm_view(mon_vmm(S.m), vmm_vm_find(mon_vmm(S.m), "a")) : mon_machine(S.m);
}

/* An rstep replays the history from a checkpoint; a console byte lost on
 * the way was not said, the rstep succeeded, and the machine kept the
 * short console (which 'save' then wrote).  Now the rstep fails in one
 * line and the machine is where it was, its console whole. */
static void rstep__console_lost_fails_it(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], cmd[800];
    write_source(src, sizeof src, "oom2-many.s", oom_many_s);
    for (int vm = 0; vm < 2; vm++) {
        int failed = 0;
        for (long n = 1;; n++) {
            sess_open();
            if (vm)
                snprintf(cmd, sizeof cmd, "vm create a 4096 %s; vm select a; go", src);
            else
                snprintf(cmd, sizeof cmd, "load %s; go", src);
            sess_ok(cmd);
            uint64_t end = machine_get_counters(focused(vm)).steps;
            sess_clear();
            fail_after(n);
            int rc = mon_exec_line(S.m, "rstep 2");
            bool hit = disarm();
            struct machine *x = focused(vm);
            size_t len;
            machine_console_output(x, &len);
            if (machine_console_lost(x))
                fail_msg("%s, N = %ld: rstep %s and lost a console byte", vm ? "VM" : "bare", n,
                         rc ? "failed" : "succeeded");
            assert_int_equal(len, 600);
            if (rc != 0) {
                one_oom_line(n, "rstep 2");
                assert_int_equal(machine_get_counters(x).steps, end);
                failed++;
            } else {
                assert_int_equal(machine_get_counters(x).steps, end - 2);
            }
            sess_close();
            if (!hit)
                break;
        }
        assert_true(failed > 0);
    }
    unlink(src);
}

/* A 'go' whose history (for rstep) ran out of memory midway took the ring
 * with it: 'history' said "no instructions executed yet" after 1,203
 * steps.  Now it shows the last instructions, or says in one line that
 * they were lost for want of memory. */
static void history__out_of_memory_in_go_is_said(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], cmd[800];
    write_source(src, sizeof src, "oom2-hist.s", oom_many_s);
    for (int vm = 0; vm < 2; vm++) {
        int failed = 0;
        for (long n = 1;; n++) {
            sess_open();
            if (vm)
                snprintf(cmd, sizeof cmd, "set checkpoint 100; vm create a 4096 %s; vm select a",
                         src);
            else
                snprintf(cmd, sizeof cmd, "set checkpoint 100; load %s", src);
            sess_ok(cmd);
            sess_clear();
            fail_after(n);
            int go = mon_exec_line(S.m, "go");
            bool hit = disarm();
            if (go == 0 && S.ebuf[0]) /* an error line, and status 0 */
                fail_msg("%s, N = %ld: go succeeded: %s", vm ? "VM" : "bare", n, S.ebuf);
            if (machine_get_counters(focused(vm)).steps == 0) { /* the go failed at once */
                sess_close();
                continue;
            }
            sess_clear();
            int rc = mon_exec_line(S.m, "history 3");
            if (strstr(S.obuf, "no instructions executed yet"))
                fail_msg("%s, N = %ld: history: %s", vm ? "VM" : "bare", n, S.obuf);
            if (rc != 0) {
                one_oom_line(n, "history 3");
                failed++;
            } else if (!strstr(S.obuf, "HALT")) { /* the last instruction run */
                fail_msg("%s, N = %ld: history: %s", vm ? "VM" : "bare", n, S.obuf);
            }
            sess_close();
            if (!hit)
                break;
        }
        assert_true(failed > 0);
    }
    unlink(src);
}

/* ---- go with the console not shown ---- */

/* With 'set console off' the monitor never looked at the console during a
 * run, so a byte lost for want of memory went unsaid and 'go' succeeded:
 * now it fails in one line, as with the console shown. */
static void go__console_off_lost_byte_is_said(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], cmd[800];
    write_source(src, sizeof src, "oom2-off.s", oom_many_s);
    for (int vm = 0; vm < 2; vm++) {
        int lost = 0;
        for (long n = 1;; n++) {
            sess_open();
            if (vm)
                snprintf(cmd, sizeof cmd, "set console off; vm create a 4096 %s; vm select a",
                         src);
            else
                snprintf(cmd, sizeof cmd, "set console off; load %s", src);
            sess_ok(cmd);
            sess_clear();
            fail_after(n);
            int rc = mon_exec_line(S.m, "go");
            bool hit = disarm();
            size_t len;
            machine_console_output(focused(vm), &len);
            if (rc == 0 && len != 600)
                fail_msg("%s, N = %ld: go succeeded with %zu bytes of output of 600",
                         vm ? "VM" : "bare", n, len);
            if (rc != 0)
                one_oom_line(n, "go");
            lost += rc != 0 && strstr(S.ebuf, "output was lost") != NULL;
            sess_close();
            if (!hit)
                break;
        }
        assert_true(lost > 0);
    }
    unlink(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(asm_include__out_of_memory_leaks_nothing),
        cmocka_unit_test(asm_line__out_of_memory_leaks_nothing),
        cmocka_unit_test(asm_source__out_of_memory_is_said_so),
        cmocka_unit_test(counterexample__out_of_memory_says_so),
        cmocka_unit_test(check_nest__out_of_memory_is_no_verdict),
        cmocka_unit_test(restore__out_of_memory_is_not_a_bad_file),
        cmocka_unit_test(rstep__console_lost_fails_it),
        cmocka_unit_test(history__out_of_memory_in_go_is_said),
        cmocka_unit_test(go__console_off_lost_byte_is_said),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
