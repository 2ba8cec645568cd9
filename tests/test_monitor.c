/* test_monitor.c: the monitor's command interpreter against real machines.
 *
 * Every command through mon_exec_line with output captured in memory: its
 * effect on section 2's state, its errors (one line, machine unchanged),
 * abbreviations, breakpoint and watchpoint hits, scripts, snapshots (round
 * trip checked with machine_compare) and the VM commands of sections 4-6.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

/* Sums 1..n into total; E[1] sends any trap to `fault`. */
static const char sum_src[] =
    "        .org 0\n"
    "        .word 0\n"
    "        .word psw(SUP, fault, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LI    i, 0\n"
    "loop:   ADDI  i, i, 1\n"
    "        ADD   total, total, i\n"
    "        BNE   i, n, loop\n"
    "done:   HALT\n"
    "fault:  HALT\n"
    "i:      .word 0\n"
    "total:  .word 0\n"
    "n:      .word 5\n"
    "msg:    .ascii \"hi\"\n";

/* Drops to user mode with R = (0x100, 0x10); the user code executes a
 * privileged instruction, which traps to `handler`. */
static const char user_src[] =
    "        .org 0\n"
    "        .word 0\n"
    "        .word psw(SUP, handler, 0, 0x80000)\n"
    "        .entry start\n"
    "start:  LPSW  upsw\n"
    "handler: HALT\n"
    "upsw:   .word psw(USER, 0, 0x100, 0x10)\n"
    "        .org 0x100\n"
    "ucode:  ADDI  3, 3, 1\n"
    "        COUT  3\n"
    "        HALT\n";

/* Runs forever. */
static const char loop_src[] =
    "        .entry start\n"
    "start:  LI    n, 0\n"
    "spin:   ADDI  n, n, 1\n"
    "        JMP   spin\n"
    "n:      .word 0\n";

struct fx {
    struct mon *m;
    FILE *out, *err;
    char *obuf, *ebuf;
    size_t olen, elen, omark, emark;
    char dir[200];
    char path[256];
};

static const char *file(struct fx *f, const char *name)
{
    snprintf(f->path, sizeof f->path, "%s/%s", f->dir, name);
    return f->path;
}

static void write_file(struct fx *f, const char *name, const char *text)
{
    FILE *o = fopen(file(f, name), "w");
    assert_non_null(o);
    fputs(text, o);
    fclose(o);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->out = open_memstream(&f->obuf, &f->olen);
    f->err = open_memstream(&f->ebuf, &f->elen);
    f->m = mon_create(f->out, f->err);
    assert_non_null(f->m);
    cs_tmp_name(f->dir, sizeof f->dir, "tgm-mon-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    write_file(f, "sum.s", sum_src);
    write_file(f, "user.s", user_src);
    write_file(f, "loop.s", loop_src);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    mon_destroy(f->m);
    fclose(f->out);
    fclose(f->err);
    free(f->obuf);
    free(f->ebuf);
    assert_int_equal(cs_remove_tree(f->dir), 0);
    free(f);
    return 0;
}

/* Run LINE; the output and errors it produced are then at out()/err(). */
static int run(struct fx *f, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fflush(f->out);
    fflush(f->err);
    f->omark = f->olen;
    f->emark = f->elen;
    int rc = mon_exec_line(f->m, line);
    fflush(f->out);
    fflush(f->err);
    return rc;
}

static const char *out(struct fx *f) { return f->obuf + f->omark; }
static const char *err(struct fx *f) { return f->ebuf + f->emark; }

#define OK(f, ...) assert_int_equal(run((f), __VA_ARGS__), 0)
#define FAILS(f, ...) assert_int_equal(run((f), __VA_ARGS__), -1)
#define OUT_HAS(f, s) assert_non_null(strstr(out(f), (s)))
#define ERR_HAS(f, s) assert_non_null(strstr(err(f), (s)))

/* An error is exactly one line. */
static void one_error_line(struct fx *f)
{
    const char *e = err(f);
    assert_true(strlen(e) > 0);
    assert_ptr_equal(strchr(e, '\n'), e + strlen(e) - 1);
}

static void load_sum(struct fx *f)
{
    OK(f, "load %s", file(f, "sum.s"));
}

static uint64_t phys(struct fx *f, uint32_t a)
{
    uint64_t v = 0;
    assert_int_equal(machine_read_phys(mon_machine(f->m), a, &v), 0);
    return v;
}

/* ---- help and dispatch ---- */

static void help__groups_and_per_command_usage(void **state)
{
    struct fx *f = *state;
    OK(f, "help");
    OUT_HAS(f, "execution:");
    OUT_HAS(f, "virtual machines:");
    OUT_HAS(f, "  step ");
    OK(f, "help step");
    OUT_HAS(f, "usage: step [N]");
    OK(f, "h exa"); /* abbreviations of both */
    OUT_HAS(f, "usage: examine");
    OK(f, "help --markdown");
    OUT_HAS(f, "#### `deposit`");
    FAILS(f, "help nosuch");
    one_error_line(f);
}

static void dispatch__unknown_command_suggests_and_changes_nothing(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    uint64_t d = machine_digest(mon_machine(f->m)), psw = machine_get_psw(mon_machine(f->m));
    FAILS(f, "stpe");
    ERR_HAS(f, "unknown command 'stpe' (did you mean 'step'?)");
    one_error_line(f);
    FAILS(f, "co");
    ERR_HAS(f, "ambiguous command 'co': continue console");
    FAILS(f, "examine 0x999999");
    ERR_HAS(f, "out of range");
    one_error_line(f);
    FAILS(f, "deposit 0x10000 1");
    one_error_line(f);
    FAILS(f, "step 1 2");
    ERR_HAS(f, "usage: step [N]");
    assert_int_equal(machine_digest(mon_machine(f->m)), d);
    assert_int_equal(machine_get_psw(mon_machine(f->m)), psw);
}

static void dispatch__single_letter_abbreviations(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "s");
    assert_int_equal(machine_psw(mon_machine(f->m)).p, 3);
    OK(f, "e i");
    OUT_HAS(f, " i ");
    OK(f, "x -i loop");
    OUT_HAS(f, "ADDI");
    OK(f, "d total 7");
    OK(f, "p E[total]");
    OUT_HAS(f, "0x7 (7)");
    OK(f, "r");
    OUT_HAS(f, "bare machine");
    OK(f, "b done");
    OK(f, "c");
    assert_int_equal(machine_psw(mon_machine(f->m)).p, 6);
    OK(f, "sy lo"); /* unique prefix of symbols */
    OUT_HAS(f, "loop");
}

static void dispatch__semicolons_and_comments(void **state)
{
    struct fx *f = *state;
    OK(f, "echo a; echo \"b;c\" ; # echo d");
    assert_string_equal(out(f), "a\nb;c\n"); /* echo takes the quotes off */
    FAILS(f, "echo x; nosuch; echo y"); /* the rest of the line is skipped */
    assert_string_equal(out(f), "x\n");
}

/* ---- loading, running, stepping ---- */

static void load__source_sets_entry_and_symbols(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OUT_HAS(f, "8 symbols");
    assert_int_equal(machine_psw(mon_machine(f->m)).p, 2);
    OK(f, "symbols");
    OUT_HAS(f, "total");
    FAILS(f, "load %s", file(f, "missing.s"));
    ERR_HAS(f, "cannot open");
    write_file(f, "bad.s", "  FROB 1\n");
    FAILS(f, "load %s", file(f, "bad.s"));
    ERR_HAS(f, "bad.s: 1 error\n");
    write_file(f, "one.s", "one: HALT\n"); /* one of each: no plural */
    OK(f, "load %s", file(f, "one.s"));
    OUT_HAS(f, ": 1 word at 0, 1 symbol; entry P=0");
}

static void step__shows_disassembly_psw_and_written_words(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "step 3");
    OUT_HAS(f, "start        LI     i, 0");
    OUT_HAS(f, "PSW s I=0 P=0x00002 l=0x00000 b=0x80000 -> s I=0 P=0x00003");
    OUT_HAS(f, "E[0x8] := 0x1 (was 0)"); /* ADDI i, i, 1 */
    assert_int_equal(phys(f, 0x8), 1);
}

static void step__trap_is_shown(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "user.s"));
    OK(f, "step");
    OUT_HAS(f, "-> u I=0 P=0x00000 l=0x00100 b=0x00010");
    OK(f, "step 2"); /* ADDI then COUT: privileged in user mode */
    OUT_HAS(f, "trap: privileged");
    OUT_HAS(f, "E[0x0] := ");
    OK(f, "assert M == sup && cause == privileged && P == handler");
}

static void go__runs_to_halt_and_asserts_hold(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "go");
    OUT_HAS(f, "halted after");
    OUT_HAS(f, "done         HALT");
    OK(f, "assert E[total] == 15 && halted && P == done + 1");
    FAILS(f, "assert E[total] == 16");
    ERR_HAS(f, "assertion failed: E[total] == 16 (0xf == 0x10 is false)");
    one_error_line(f);
}

static void go__from_address_for_steps_cycles_and_until(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "go start for 4");
    OUT_HAS(f, "stopped after 4 steps");
    assert_int_equal(machine_get_counters(mon_machine(f->m)).steps, 4);
    OK(f, "continue cycles 20");
    uint64_t c = machine_get_counters(mon_machine(f->m)).cycles;
    assert_true(c >= 20 && c < 20 + 12);
    OK(f, "until done");
    OK(f, "assert P == done && E[i] == 5");
    OK(f, "break list");
    OUT_HAS(f, "no breakpoints"); /* the one-shot breakpoint is gone */
}

static void go__step_limit_stops_a_runaway(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "loop.s"));
    OK(f, "set limit 1000");
    OK(f, "go");
    OUT_HAS(f, "step limit (1000) reached");
    assert_int_equal(machine_get_counters(mon_machine(f->m)).steps, 1000);
}

static void go__interrupt_stops_between_chunks_with_state_intact(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "loop.s"));
    OK(f, "set limit 0");
    mon_interrupt(); /* as the SIGINT handler does */
    OK(f, "go");
    OUT_HAS(f, "interrupted after");
    OK(f, "assert P >= spin && P <= spin + 1 && M == sup");
    uint64_t n = phys(f, 3);
    assert_true(n > 0);
    OK(f, "step");       /* the flag was consumed: the machine goes on */
    OK(f, "go for 10");
    OUT_HAS(f, "stopped after 10 steps");
}

static void reset__clears_the_machine(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "go");
    OK(f, "reset");
    OK(f, "assert E[total] == 0 && P == 0 && M == sup && b == q && !halted");
    FAILS(f, "reset everything");
}

/* ---- inspection and alteration ---- */

static void examine__formats_ranges_and_spaces(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "examine -d n");
    OUT_HAS(f, " 5\n");
    OK(f, "examine -i start..done");
    OUT_HAS(f, "BNE    i, n, loop");
    OK(f, "examine -c msg 2");
    OUT_HAS(f, "\"hi\"");
    OK(f, "examine 0 3");
    OUT_HAS(f, "0x00002 start ");
    OK(f, "deposit b 0x10");
    OK(f, "examine -v 0xe 3");
    OUT_HAS(f, "0x00010: memory trap (a >= b)");
    FAILS(f, "examine -r 0");
    ERR_HAS(f, "no control program");
    FAILS(f, "examine 5..4");
}

static void translate__names_the_failing_check(void **state)
{
    struct fx *f = *state;
    OK(f, "deposit l 0xfff0");
    OK(f, "deposit b 0x100");
    OK(f, "translate 0x8");
    OUT_HAS(f, "=> physical 0xfff8");
    OK(f, "translate 0x20");
    OUT_HAS(f, "=> memory trap (a + l >= q)");
    OK(f, "translate 0x200");
    OUT_HAS(f, "a     = 0x200 >= b   FAILS");
}

static void deposit__memory_and_psw_fields(void **state)
{
    struct fx *f = *state;
    OK(f, "deposit 0x100 1 2 3");
    assert_int_equal(phys(f, 0x102), 3);
    OK(f, "deposit P 0x20; deposit M user; deposit I 1; deposit l 0x10; deposit b 0x40");
    struct psw p = machine_psw(mon_machine(f->m));
    assert_int_equal(p.p, 0x20);
    assert_false(p.sup);
    assert_true(p.ie);
    assert_int_equal(p.l, 0x10);
    assert_int_equal(p.b, 0x40);
    OK(f, "deposit -v 0 42");
    assert_int_equal(phys(f, 0x10), 42);
    FAILS(f, "deposit -v 0x3f 1 2"); /* the second word is beyond b: nothing written */
    ERR_HAS(f, "memory trap (a >= b)");
    assert_int_equal(phys(f, 0x4f), 0);
    FAILS(f, "deposit M 2");
    FAILS(f, "deposit 0x100 1 (2");
    assert_int_equal(phys(f, 0x100), 1);
}

static void assemble__writes_one_word_in_place(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "assemble done ADD total, total, total");
    OUT_HAS(f, "ADD    total, total, total");
    OK(f, "examine -i done");
    OUT_HAS(f, "ADD");
    FAILS(f, "assemble done FROB 1");
    OK(f, "examine -i done");
    OUT_HAS(f, "ADD");
}

static void print__expression_language(void **state)
{
    struct fx *f = *state;
    OK(f, "print 2 + 3 * 4");
    OUT_HAS(f, "0xe (14)");
    OK(f, "print (1 << 4) | 1");
    OUT_HAS(f, "0x11 (17)");
    OK(f, "print -1 < 0 && 'a' == 97 && 0b101 == 5 && 10 %% 3 == 1");
    OUT_HAS(f, "0x1 (1)");
    OK(f, "assert privileged == 1 && memory == 2 && user == 0 && q == 65536");
    FAILS(f, "print 1 / 0");
    ERR_HAS(f, "division by zero");
    FAILS(f, "print E[1");
    ERR_HAS(f, "missing ']'");
    FAILS(f, "print nosuch");
    ERR_HAS(f, "unknown name 'nosuch'");
    FAILS(f, "print E[0x10000]");
    ERR_HAS(f, "outside the machine");
}

static void console__shows_output_and_queues_input(void **state)
{
    struct fx *f = *state;
    OK(f, "assemble 0 CIN 10");
    OK(f, "assemble 1 COUT 10");
    OK(f, "assemble 2 HALT");
    OK(f, "console input \"A\\n\"");
    OK(f, "go");
    OK(f, "console");
    assert_string_equal(out(f), "A\n");
}

/* ---- breakpoints ---- */

static void break__stops_counts_hits_and_ignores(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "break loop");
    OUT_HAS(f, "breakpoint 1 at 0x3 loop");
    OK(f, "go");
    OUT_HAS(f, "breakpoint 1 at 0x3 loop, hit 1 time");
    OK(f, "assert P == loop && E[i] == 0");
    OK(f, "ignore 1 2");
    OK(f, "continue");
    OUT_HAS(f, "hit 4 times");
    OK(f, "assert E[i] == 3");
    OK(f, "break list");
    OUT_HAS(f, "hits 4");
    OK(f, "delete 1");
    OK(f, "go");
    OUT_HAS(f, "halted");
    FAILS(f, "delete 1");
    ERR_HAS(f, "no breakpoint 1");
    /* breakpoints never patch memory */
    assert_int_equal(phys(f, 3) >> 57, 0x1D);
}

static void break__command_list_runs_and_can_continue(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "break loop do \"echo at loop; print E[i]; continue\"");
    OK(f, "go");
    OUT_HAS(f, "at loop\n0x4 (4)");
    OUT_HAS(f, "halted");
    OK(f, "assert E[total] == 15");
}

static void watch__write_and_read(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "watch total");
    OK(f, "go");
    OUT_HAS(f, "watchpoint 1: write E[0x9] 0 -> 0x1, hit 1 time");
    OK(f, "assert P == loop + 2");
    OK(f, "continue");
    OUT_HAS(f, "0x1 -> 0x3");
    OK(f, "delete all");
    OK(f, "watch read n");
    OK(f, "continue");
    OUT_HAS(f, "read E[0xa]");
    OK(f, "assert P == done || P == loop");
    FAILS(f, "watch 0xffff 2");
}

static void break__trap_and_class_stops(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "user.s"));
    OK(f, "break class privileged");
    OK(f, "go");
    OUT_HAS(f, "(class privileged: COUT) at 0x101"); /* a run never stops at its first step */
    OK(f, "assert P == 1 && M == user"); /* before COUT */
    OK(f, "delete all; break trap privileged");
    OK(f, "continue");
    OUT_HAS(f, "privileged trap");
    OK(f, "assert P == handler && cause == privileged");
    FAILS(f, "break trap sometimes");
    ERR_HAS(f, "unknown trap cause");
}

/* ---- tracing ---- */

static void trace__to_file_with_cap_and_history(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "loop.s"));
    OK(f, "trace insns to %s max 500", file(f, "trace.txt"));
    OK(f, "go for 100");
    OK(f, "trace off");
    struct stat st;
    assert_int_equal(stat(file(f, "trace.txt"), &st), 0);
    assert_true(st.st_size > 200 && st.st_size < 800);
    FILE *t = fopen(file(f, "trace.txt"), "r");
    char buf[2048] = "";
    size_t n = fread(buf, 1, sizeof buf - 1, t);
    buf[n] = '\0';
    fclose(t);
    assert_non_null(strstr(buf, "ADDI   n, n, 1"));
    assert_non_null(strstr(buf, "size cap"));
    OK(f, "history 3");
    OUT_HAS(f, "JMP    spin");
    OK(f, "set ring 0");
    FAILS(f, "history");
}

static void trace__traps_to_screen(void **state)
{
    struct fx *f = *state;
    OK(f, "load %s", file(f, "user.s"));
    OK(f, "trace traps");
    OK(f, "go");
    OUT_HAS(f, "-> trap privileged");
    assert_null(strstr(out(f), "LPSW")); /* only traps */
}

/* ---- settings ---- */

static void set__memory_profile_and_errors(void **state)
{
    struct fx *f = *state;
    OK(f, "set memory 1024");
    assert_int_equal(machine_q(mon_machine(f->m)), 1024);
    OK(f, "set profile x86");
    assert_string_equal(machine_profile(mon_machine(f->m))->name, "x86");
    assert_int_equal(machine_q(mon_machine(f->m)), 1024);
    FAILS(f, "set profile vax");
    ERR_HAS(f, "unknown profile 'vax'");
    FAILS(f, "set memory 1");
    FAILS(f, "set colour blue");
    assert_int_equal(machine_q(mon_machine(f->m)), 1024);
    OK(f, "set");
    OUT_HAS(f, "memory     1024");
    OK(f, "show");
    OUT_HAS(f, "control program: not started");
}

/* ---- scripts ---- */

static void script__failed_assert_fails_unless_told_to_continue(void **state)
{
    struct fx *f = *state;
    assert_int_equal(mon_run_string(f->m, "echo a; assert 1 == 2; echo never"), 1);
    assert_null(strstr(f->obuf, "never"));
    struct mon *m2 = mon_create(f->out, f->err);
    assert_int_equal(mon_run_string(m2, "set on-error continue; assert 0; echo after"), 0);
    mon_destroy(m2);
    fflush(f->out);
    assert_non_null(strstr(f->obuf, "after"));
}

static void script__exit_status_finish_and_do_arguments(void **state)
{
    struct fx *f = *state;
    write_file(f, "inner.mon", "echo arg %1 and %2 all %*\nassert %1 == 7\n");
    write_file(f, "outer.mon",
               "set on-error finish\n"
               "assert 0\n"
               "do INNER 7 8\n"
               "echo reached\n");
    /* the script's name stands in the file itself */
    char text[512];
    snprintf(text, sizeof text, "set on-error finish\nassert 0\ndo %s 7 8\necho reached\n",
             file(f, "inner.mon"));
    write_file(f, "outer.mon", text);
    assert_int_equal(mon_run_script(f->m, file(f, "outer.mon"), 0, NULL), 1);
    fflush(f->out);
    assert_non_null(strstr(f->obuf, "arg 7 and 8 all 7 8"));
    assert_non_null(strstr(f->obuf, "reached"));
    fflush(f->err);
    assert_non_null(strstr(f->ebuf, "outer.mon:2: assert: assertion failed"));

    struct mon *m2 = mon_create(f->out, f->err);
    assert_int_equal(mon_run_string(m2, "exit 3; echo no"), 3);
    mon_destroy(m2);
    m2 = mon_create(f->out, f->err);
    snprintf(text, sizeof text, "do %s 6 0", file(f, "inner.mon"));
    assert_int_equal(mon_run_string(m2, text), 1);
    mon_destroy(m2);
    assert_int_equal(mon_run_script(f->m, file(f, "nosuch.mon"), 0, NULL), 2);
}

static void script__stream_ends_cleanly_at_eof(void **state)
{
    struct fx *f = *state;
    FILE *in = fmemopen((void *)"echo one\n\n# comment\necho two\n", 29, "r");
    assert_int_equal(mon_run_stream(f->m, in, "<stdin>"), 0);
    fclose(in);
    fflush(f->out);
    assert_non_null(strstr(f->obuf, "one\ntwo\n"));
    assert_false(mon_finished(f->m, NULL));
    OK(f, "quit");
    int st = -1;
    assert_true(mon_finished(f->m, &st));
    assert_int_equal(st, 0);
}

/* ---- snapshots ---- */

static struct machine *clone(const struct machine *m)
{
    struct machine_config cfg = {.q = machine_q(m), .profile = machine_profile(m),
                                 .hostcalls = machine_hostcalls(m)};
    struct machine *c = machine_create(&cfg);
    uint8_t *buf;
    size_t len;
    assert_non_null(c);
    assert_int_equal(machine_state_save(m, true, &buf, &len), 0);
    assert_int_equal(machine_state_load(c, buf, len, NULL, 0), 0);
    free(buf);
    return c;
}

static void assert_same(const struct machine *a, const struct machine *b)
{
    char diff[256] = "";
    int rc = machine_compare(a, b, CMP_COUNTERS, "saved", "restored", diff, sizeof diff);
    if (rc)
        fail_msg("%s", diff);
}

static void snapshot__round_trip_restores_identical_state(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "step 4; break done; watch total");
    OK(f, "save %s", file(f, "snap"));
    struct machine *ref = clone(mon_machine(f->m));
    OK(f, "delete all; go; deposit 0x200 99; set memory 512");
    OK(f, "restore %s", file(f, "snap"));
    assert_same(ref, mon_machine(f->m));
    OK(f, "break list"); /* breakpoints came back too */
    OUT_HAS(f, "break  0x6");
    OUT_HAS(f, "watch  write 0x9..0x9");
    OK(f, "assert E[i] == 1 && P == loop"); /* symbols came back */
    OK(f, "go");
    OUT_HAS(f, "watchpoint");
    machine_destroy(ref);
}

static void snapshot__damaged_files_are_refused_and_change_nothing(void **state)
{
    struct fx *f = *state;
    load_sum(f);
    OK(f, "step 2");
    OK(f, "save %s", file(f, "snap"));
    OK(f, "step 3");
    struct machine *ref = clone(mon_machine(f->m));
    FILE *s = fopen(file(f, "snap"), "rb");
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, s);
    fclose(s);
    assert_true(n > 100);

    buf[n / 2] ^= 0x40; /* flip one bit */
    FILE *o = fopen(file(f, "bad"), "wb");
    fwrite(buf, 1, n, o);
    fclose(o);
    FAILS(f, "restore %s", file(f, "bad"));
    ERR_HAS(f, "checksum mismatch");
    one_error_line(f);
    buf[n / 2] ^= 0x40;

    o = fopen(file(f, "bad"), "wb"); /* truncated */
    fwrite(buf, 1, n - 20, o);
    fclose(o);
    FAILS(f, "restore %s", file(f, "bad"));
    one_error_line(f);

    buf[8] = 9; /* another version */
    o = fopen(file(f, "bad"), "wb");
    fwrite(buf, 1, n, o);
    fclose(o);
    FAILS(f, "restore %s", file(f, "bad"));
    ERR_HAS(f, "unsupported snapshot version 9");
    ERR_HAS(f, "reads 1 to "); /* version 1 is read too (docs/monitor.md) */

    FAILS(f, "restore %s", file(f, "sum.s"));
    ERR_HAS(f, "not a tgm snapshot");
    FAILS(f, "restore %s", file(f, "nothing"));
    assert_same(ref, mon_machine(f->m));
    machine_destroy(ref);
    FAILS(f, "save /nonexistent-dir/x");
}

/* ---- virtual machines ---- */

static void vm__create_list_select_step_and_stats(void **state)
{
    struct fx *f = *state;
    OK(f, "vm create g1 4096 %s", file(f, "user.s"));
    OUT_HAS(f, "g1: VM 0, 4096 words");
    OK(f, "vm list");
    OUT_HAS(f, "g1");
    OUT_HAS(f, "runnable");
    OK(f, "regs");
    OUT_HAS(f, "real machine");
    OK(f, "step"); /* LPSW: privileged, interpreted by the CP */
    OUT_HAS(f, "cp: privileged trap -> ");
    OK(f, "assert M == user && l == 0x100 && P == 0");
    OK(f, "translate 0");
    OUT_HAS(f, "through R'");
    OK(f, "go");
    OUT_HAS(f, "no VM is runnable");
    OK(f, "assert halted && P == handler + 1");
    OK(f, "vm stats g1");
    OUT_HAS(f, "direct ratio");
    OK(f, "examine -r 0 2");
    OK(f, "vm select bare");
    OK(f, "assert !halted");
    FAILS(f, "vm select nosuch");
    ERR_HAS(f, "no VM named 'nosuch'");
    FAILS(f, "vm create g1 100");
    ERR_HAS(f, "exists");
    OK(f, "vm destroy g1");
    OK(f, "vm list");
    OUT_HAS(f, "no VMs");
}

static void vm__stop_resume_console_and_snapshot(void **state)
{
    struct fx *f = *state;
    write_file(f, "hello.s",
               "        .entry start\n"
               "start:  COUT  ch\n"
               "        HALT\n"
               "ch:     .word 'X'\n");
    OK(f, "vm create a 1024 %s", file(f, "hello.s"));
    OK(f, "vm create b 1024 %s", file(f, "loop.s"));
    OK(f, "vm stop b");
    OUT_HAS(f, "b: stopped");
    OK(f, "vm select a");
    OK(f, "save %s", file(f, "vmsnap"));
    struct machine *ref = clone(vmm_vm_view(mon_vmm(f->m), 0));
    OK(f, "go");
    OK(f, "vm console a");
    assert_string_equal(out(f), "X\n");
    OK(f, "restore %s", file(f, "vmsnap"));
    assert_same(ref, vmm_vm_view(mon_vmm(f->m), 0));
    OK(f, "vm list");
    OUT_HAS(f, "stopped");
    OK(f, "vm resume b");
    OK(f, "vm limit b 50");
    machine_destroy(ref);
}

static void vm__breakpoints_trace_input_and_stop(void **state)
{
    struct fx *f = *state;
    write_file(f, "echo.s",
               "        .entry start\n"
               "start:  CIN   ch\n"
               "        COUT  ch\n"
               "        HALT\n"
               "ch:     .word 0\n");
    OK(f, "vm create g 1024");
    OK(f, "vm load g %s", file(f, "sum.s"));
    OK(f, "break loop");
    OK(f, "go");
    OUT_HAS(f, "breakpoint 1 at 0x3 loop, hit 1 time");
    OK(f, "assert P == loop && E[i] == 0"); /* the VM's own view */
    OK(f, "stop");
    OUT_HAS(f, "g: stopped");
    FAILS(f, "step");
    ERR_HAS(f, "g is stopped");
    OK(f, "vm resume g; delete all; go");
    OK(f, "assert halted && E[total] == 15");
    OK(f, "vm create e 1024 %s", file(f, "echo.s"));
    OK(f, "vm input e Z");
    OK(f, "trace cp");
    OK(f, "go");
    OUT_HAS(f, "cp: e P=0x00000 CIN    ch");
    OUT_HAS(f, "privileged trap -> interpreted");
    OK(f, "trace off");
    OK(f, "console");
    assert_string_equal(out(f), "Z\n");
    FAILS(f, "stop nosuch");
    OK(f, "vm select bare; stop");
    OUT_HAS(f, "the bare machine is stopped");
}

static void set__histfile_and_ring(void **state)
{
    struct fx *f = *state;
    OK(f, "set histfile %s", file(f, "hist"));
    OK(f, "set");
    OUT_HAS(f, "hist");
    OK(f, "set ring 2");
    OK(f, "load %s; go", file(f, "sum.s"));
    OK(f, "history 10");
    OUT_HAS(f, "BNE");
    OUT_HAS(f, "HALT");
    assert_null(strstr(out(f), "ADD "));
}

static void check__equivalence_passes_and_reports_stats(void **state)
{
    struct fx *f = *state;
    OK(f, "check %s", file(f, "sum.s"));
    OUT_HAS(f, "EQUIVALENT");
    OUT_HAS(f, "direct ratio");
    FAILS(f, "check %s steps 100", file(f, "loop.s"));
    ERR_HAS(f, "not equivalent");
    FAILS(f, "check %s mem 1", file(f, "sum.s"));
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(help__groups_and_per_command_usage),
        T(dispatch__unknown_command_suggests_and_changes_nothing),
        T(dispatch__single_letter_abbreviations),
        T(dispatch__semicolons_and_comments),
        T(load__source_sets_entry_and_symbols),
        T(step__shows_disassembly_psw_and_written_words),
        T(step__trap_is_shown),
        T(go__runs_to_halt_and_asserts_hold),
        T(go__from_address_for_steps_cycles_and_until),
        T(go__step_limit_stops_a_runaway),
        T(go__interrupt_stops_between_chunks_with_state_intact),
        T(reset__clears_the_machine),
        T(examine__formats_ranges_and_spaces),
        T(translate__names_the_failing_check),
        T(deposit__memory_and_psw_fields),
        T(assemble__writes_one_word_in_place),
        T(print__expression_language),
        T(console__shows_output_and_queues_input),
        T(break__stops_counts_hits_and_ignores),
        T(break__command_list_runs_and_can_continue),
        T(watch__write_and_read),
        T(break__trap_and_class_stops),
        T(trace__to_file_with_cap_and_history),
        T(trace__traps_to_screen),
        T(set__memory_profile_and_errors),
        T(script__failed_assert_fails_unless_told_to_continue),
        T(script__exit_status_finish_and_do_arguments),
        T(script__stream_ends_cleanly_at_eof),
        T(snapshot__round_trip_restores_identical_state),
        T(snapshot__damaged_files_are_refused_and_change_nothing),
        T(vm__create_list_select_step_and_stats),
        T(vm__stop_resume_console_and_snapshot),
        T(vm__breakpoints_trace_input_and_stop),
        T(set__histfile_and_ring),
        T(check__equivalence_passes_and_reports_stats),
    };
    return cmocka_run_group_tests_name("monitor", tests, NULL, NULL);
}
