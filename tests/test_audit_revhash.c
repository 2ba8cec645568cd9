/* test_audit_revhash.c: the check reverse execution makes at every
 * execution command, that nothing but running changed the machine since
 * the last one (docs/monitor.md, "Reverse execution"), without a pass over
 * memory.
 *
 * It hashed the whole machine (E, the console, the rest; with a VM
 * selected the real machine's E and the control program's table) at the
 * start and end of every command: some 3 ms per 'step' at 65,536 words
 * and tens at 2^19, so a script of many single steps took minutes.  Now
 * the machine counts the changes made to it other than by running
 * (machine_edits) and the monitor compares an O(1) mark (machine_mark,
 * vmm_mark).  These tests hold every change docs/monitor.md names to
 * starting a new history, bare and in a VM, and the looks, the other
 * machine's changes, a restore of the very state and the history ring's
 * replay to keeping it; and they show that a word of E written behind
 * the machine's back (as only the run loop writes) is no longer read.
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

#include "mon_support.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

/* A loop that writes memory and the console at every turn. */
static const char LOOP_S[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x400)\n"
    "        .entry start\n"
    "start:  ADDI  i, i, 1\n"
    "        STX   copy, i, i\n"
    "        COUT  ch\n"
    "        JMP   start\n"
    "fault:  HALT\n"
    "ch:     .word 65\n"
    "i:      .word 0\n"
    "copy:   .word 0\n";

/* A loop that never traps. */
static const char COUNT_S[] =
    "        .org  0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x400)\n"
    "        .entry start\n"
    "start:  ADDI  i, i, 1\n"
    "        COUT  ch\n"
    "        JMP   start\n"
    "fault:  HALT\n"
    "ch:     .word 65\n"
    "i:      .word 0\n";

static char prog[512], count[512], snap[512], snap2[512];

static int put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    return f && fputs(text, f) >= 0 && fclose(f) == 0 ? 0 : -1;
}

static int group_setup(void **state)
{
    (void)state;
    ms_tmp_file(prog, sizeof prog, "revhash.s");
    ms_tmp_file(snap, sizeof snap, "revhash.snap");
    ms_tmp_file(snap2, sizeof snap2, "revhash2.snap");
    ms_tmp_file(count, sizeof count, "revhash-count.s");
    return put_file(prog, LOOP_S) || put_file(count, COUNT_S) ? -1 : 0;
}

static int group_teardown(void **state)
{
    (void)state;
    remove(prog);
    remove(count);
    remove(snap);
    remove(snap2);
    return 0;
}

/* Run LINE in S; its status, and its error lines (malloc'd) in *ERR. */
static int run(struct ms_sess *s, const char *line, char **err)
{
    fflush(s->err);
    size_t e0 = s->elen;
    int rc = mon_exec_line(s->m, line);
    fflush(s->out);
    fflush(s->err);
    *err = strndup(s->ebuf + e0, s->elen - e0);
    assert_non_null(*err);
    return rc;
}

/* %P and %C in TEMPLATE are the programs, %S and %T the snapshots. */
static void expand(char *out, size_t len, const char *template)
{
    size_t o = 0;
    for (const char *p = template; *p && o + 1 < len; p++) {
        const char *with = p[0] == '%' && p[1] == 'P'   ? prog
                           : p[0] == '%' && p[1] == 'C' ? count
                           : p[0] == '%' && p[1] == 'S' ? snap
                           : p[0] == '%' && p[1] == 'T' ? snap2
                                                        : NULL;
        if (with) {
            o += (size_t)snprintf(out + o, len - o, "%s", with);
            p++;
        } else {
            out[o++] = *p;
        }
    }
    out[o < len ? o : len - 1] = 0;
}

/* SETUP; 'step 1; save S; step 4'; CHANGE; 'step 2'; then 'rstep 3' must
 * fail saying how far back the history goes (it goes back to the change,
 * 2 steps or fewer: 'deposit psw E[1]' goes to a HALT), or, for a change
 * that is none (KEEPS), 'rstep 6' must go back to step 1. */
static void one_case(const char *setup, const char *change, bool keeps)
{
    char line[4096], tmpl[2048];
    snprintf(tmpl, sizeof tmpl, "%s; step 1; save %%S; step 4; %s; step 2", setup, change);
    expand(line, sizeof line, tmpl);
    struct ms_sess s;
    ms_sess_open(&s);
    char *err;
    if (run(&s, line, &err) != 0)
        fail_msg("'%s' failed: %s", line, err);
    free(err);
    int rc = run(&s, keeps ? "rstep 6" : "rstep 3", &err);
    if (keeps && rc != 0)
        fail_msg("after '%s' the history should go on: %s", change, err);
    if (!keeps && (rc == 0 || !strstr(err, "can go back at most")))
        fail_msg("after '%s' the history should start again: rstep 3 said (%d) '%s'", change,
                 rc, err);
    free(err);
    if (keeps) { /* at step 1 again: the state then, P at the STX */
        assert_int_equal(run(&s, "assert P == start + 1", &err), 0);
        free(err);
    }
    ms_sess_close(&s);
}

#define BARE "load %P"
#define VM "set cp-memory 65536; vm create a 8192 %P"

/* docs/monitor.md: "load, deposit, reset, console input, keys typed during
 * a run, or the commands of a breakpoint start a new one; so do restore
 * (unless it brings back the very state)" (and 'console clear', which it
 * counts with deposit among the commands that change the machine). */
static void bare__every_change_starts_a_new_history(void **state)
{
    (void)state;
    static const char *const change[] = {
        "deposit i 100", "deposit -p 0x300 5", "deposit pc start", "deposit psw E[1]",
        "deposit I 1",   "deposit b 0x300",     "console input xy", "console clear",
        "load %P",       "reset",               "restore %S",
        "break start do \"deposit -p 0x300 7; continue\"; go for 4; delete all; rstep 1",
    };
    for (size_t i = 0; i < sizeof change / sizeof change[0]; i++)
        one_case(BARE, change[i], false);
}

static void vm__every_change_starts_a_new_history(void **state)
{
    (void)state;
    static const char *const change[] = {
        "deposit i 100",    "deposit -p 0x300 5", "deposit pc start", "deposit psw E[1]",
        "deposit b 0x300",  "console input xy",   "vm input a xy",    "console clear",
        "vm load a %P",     "restore %S",         "vm limit a 1000",
        "break start do \"deposit -p 0x300 7; continue\"; go for 4; delete all; rstep 1",
    };
    for (size_t i = 0; i < sizeof change / sizeof change[0]; i++)
        one_case(VM, change[i], false);
}

/* ... and a command that looks, or changes the other machine, or a
 * restore of the very state, keeps it. */
static void bare__looks_and_the_very_state_keep_the_history(void **state)
{
    (void)state;
    static const char *const change[] = {
        "examine i; regs; console",
        "deposit i E[i]",
        "save %T; restore %T",
        "vm create a 8192 %P; step 3; deposit i 9; vm select bare",
        "break start do \"examine i; continue\"; go for 4; delete all; rstep 4",
    };
    for (size_t i = 0; i < sizeof change / sizeof change[0]; i++)
        one_case(BARE, change[i], true);
}

static void vm__looks_and_the_very_state_keep_the_history(void **state)
{
    (void)state;
    static const char *const change[] = {
        "examine i; regs; console; vm list; vm stats",
        "save %T; restore %T",
        "vm select bare; deposit 0x300 9; step 3; reset; vm select a",
        "break start do \"examine i; continue\"; go for 4; delete all; rstep 4",
    };
    for (size_t i = 0; i < sizeof change / sizeof change[0]; i++)
        one_case(VM, change[i], true);
}

/* The history ring filled by replay after 'go' puts back the state it
 * found, in new objects (the control program's views): still the end's. */
static void ring_replay_keeps_the_history(void **state)
{
    (void)state;
    one_case("set ring 50; " BARE, "go for 20; go for 20; rstep 40", true);
    one_case("set ring 50; " VM, "go for 20; go for 20; rstep 40", true);
}

/* docs/monitor.md: Ctrl-C during rcontinue with a VM selected "leaves the
 * machine, the control program, every VM and the history as they were".
 * Putting the session back writes E and makes new views: the history must
 * be told the state is the one it left, or 'rstep' says there is nothing
 * to go back to.  COUNT_S writes E and the console at every turn. */
static void vm__interrupted_rcontinue_keeps_the_history(void **state)
{
    (void)state;
    char line[1024];
    expand(line, sizeof line,
           "set cp-memory 65536; vm create a 8192 %C; set checkpoint 1000; go for 300000");
    struct ms_sess s;
    ms_sess_open(&s);
    char *err;
    assert_int_equal(run(&s, line, &err), 0);
    free(err);
    mon_interrupt(); /* as the SIGINT handler does */
    assert_int_equal(run(&s, "rcontinue", &err), -1);
    assert_string_equal(err, "rcontinue: interrupted: the VMs are where they were\n");
    free(err);
    if (run(&s, "rstep 299990; assert E[i] == 4", &err) != 0)
        fail_msg("the history was lost: %s", err);
    free(err);
    ms_sess_close(&s);
}

/* The per-command check reads no word of E: a word written behind the
 * machine's back between two steps (as only the run loop writes E) is not
 * seen, where the hash of the whole machine saw it and started again. */
static void the_check_does_not_read_memory(void **state)
{
    (void)state;
    char line[1024];
    expand(line, sizeof line, "set memory 524288; load %P; step 5");
    for (int vm = 0; vm < 2; vm++) {
        struct ms_sess s;
        ms_sess_open(&s);
        char *err;
        if (vm)
            expand(line, sizeof line, "set cp-memory 524288; vm create a 8192 %P; step 5");
        assert_int_equal(run(&s, line, &err), 0);
        free(err);
        struct machine *x = vm ? vmm_machine(mon_vmm(s.m)) : mon_machine(s.m);
        uint64_t *E = (uint64_t *)machine_mem(x);
        uint64_t mark = machine_mark(x), edits = machine_edits(x);
        E[machine_q(x) - 1] ^= 1; /* nothing reads it */
        assert_true(machine_mark(x) == mark);
        assert_true(machine_edits(x) == edits);
        assert_int_equal(run(&s, "step 2; rstep 7", &err), 0);
        free(err);
        ms_sess_close(&s);
    }
}

/* machine_edits counts what changed E or a console outside the run loop,
 * on every machine of one memory, and only when it changed anything;
 * machine_mark has the rest by value. */
static void machine_edits_and_mark(void **state)
{
    (void)state;
    struct machine_config cfg = {.q = 4096};
    struct machine *h = machine_create(&cfg), *o = machine_create(&cfg);
    assert_non_null(h);
    assert_non_null(o);
    struct machine_config vc = {.q = 1024};
    struct machine *v = machine_create_view(h, 2048, 1024, &vc);
    assert_non_null(v);
    assert_true(machine_mark(h) != machine_mark(o)); /* another memory */
    uint64_t e = machine_edits(h), mh = machine_mark(h), mv = machine_mark(v);
    assert_int_equal(machine_write_phys(h, 5, 0), 0); /* the same value */
    assert_true(machine_edits(h) == e && machine_mark(h) == mh);
    assert_int_equal(machine_write_phys(v, 5, 7), 0); /* the host's 2053 */
    assert_true(machine_edits(h) == e + 1 && machine_edits(v) == e + 1);
    assert_true(machine_mark(h) != mh && machine_mark(v) != mv);
    mh = machine_mark(h);
    machine_set_p(h, 3);
    assert_true(machine_mark(h) != mh && machine_edits(h) == e + 1); /* by value */
    uint8_t *b = NULL;
    size_t len = 0;
    assert_int_equal(machine_state_save(h, true, &b, &len), 0);
    mh = machine_mark(h);
    char err[128];
    assert_int_equal(machine_state_load(h, b, len, err, sizeof err), 0); /* the very state */
    assert_true(machine_mark(h) == mh);
    assert_int_equal(machine_console_input(v, (const uint8_t *)"x", 1), 0);
    assert_true(machine_edits(h) == e + 2);
    assert_int_equal(machine_state_load(h, b, len, err, sizeof err), 0);
    assert_true(machine_edits(h) == e + 2); /* the host's own state was the saved one */
    machine_reset(o);
    assert_true(machine_edits(o) == 0); /* nothing to clear */
    assert_int_equal(machine_write_phys(o, 1, 1), 0);
    machine_reset(o);
    assert_true(machine_edits(o) == 2);
    free(b);
    machine_destroy(v);
    machine_destroy(h);
    machine_destroy(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bare__every_change_starts_a_new_history),
        cmocka_unit_test(vm__every_change_starts_a_new_history),
        cmocka_unit_test(bare__looks_and_the_very_state_keep_the_history),
        cmocka_unit_test(vm__looks_and_the_very_state_keep_the_history),
        cmocka_unit_test(ring_replay_keeps_the_history),
        cmocka_unit_test(vm__interrupted_rcontinue_keeps_the_history),
        cmocka_unit_test(the_check_does_not_read_memory),
        cmocka_unit_test(machine_edits_and_mark),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
