/* test_polish_d.c: a second audit's pins.  LR and SR driven directly on the
 * machine at the edges of docs/isa.md's R word (section 2's relocation-
 * bounds register); the analyzer's witness output with a location shift
 * x > 0 (section 3's mode sensitivity); the monitor's stop counts; each
 * subcommand's --help listing -h and --help, for tgm(1); 'tgm help
 * COMMAND'.  Each
 * test failed, or would have, before its fix.
 *
 * Runs from the top of the source tree.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/analyze.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

#define QD 256u
#define AT 0x10u  /* the instruction, physical = virtual with l = 0 */
#define CELL 0x40u

/* One LR or SR at AT in a machine of QD words with R = (l, b) and mode
 * SUP; returns the machine after one step for the caller to inspect. */
static struct machine *one_step(uint8_t op, bool sup, uint32_t l, uint32_t b, uint64_t cell,
                                struct machine_exit *ex)
{
    struct machine_config cfg = {.q = QD};
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    assert_int_equal(machine_write_phys(m, AT + l, MAKE_INSN(op, CELL, 0, 0)), 0);
    assert_int_equal(machine_write_phys(m, CELL + l, cell), 0);
    struct psw p = {.sup = sup, .p = AT, .l = l, .b = b};
    machine_load_psw(m, &p);
    machine_step(m, ex);
    return m;
}

static uint64_t phys(const struct machine *m, uint32_t a)
{
    uint64_t v = 0;
    assert_int_equal(machine_read_phys(m, a, &v), 0);
    return v;
}

/* docs/isa.md: SR writes R's l and b, every other bit zero.  b is the
 * register's field, kept as loaded even above q (up to 2^20-1), not the
 * bound min(b, q - l) that addresses are checked against. */
static void sr__stores_b_as_held_not_the_effective_bound(void **state)
{
    (void)state;
    const uint32_t bs[] = {QD - 1, QD, QD + 1, (1u << 19), (1u << 20) - 1};
    for (size_t i = 0; i < sizeof bs / sizeof bs[0]; i++) {
        struct machine_exit ex;
        struct machine *m = one_step(OP_SR, true, 8, bs[i], UINT64_MAX, &ex);
        assert_int_equal(machine_last_trap(m), TRAP_NONE);
        assert_int_equal(phys(m, CELL + 8), r_pack(8, bs[i]));
        assert_int_equal(machine_p(m), AT + 1);
        machine_destroy(m);
    }
}

/* docs/isa.md: SR is privileged; in user mode it traps and stores nothing. */
static void sr__in_user_mode_traps_and_stores_nothing(void **state)
{
    (void)state;
    struct machine_exit ex;
    struct machine *m = one_step(OP_SR, false, 8, QD + 5, 0x1234, &ex);
    assert_int_equal(machine_last_trap(m), TRAP_PRIV);
    assert_int_equal(phys(m, CELL + 8), 0x1234);
    machine_destroy(m);
}

/* docs/isa.md: LR takes l and b from its word and ignores S, I, cause and
 * P; b above q is kept as it is, and l >= q is loaded too, after which
 * nothing develops: the next fetch is a memory trap. */
static void lr__loads_l_and_b_as_given_at_the_edges(void **state)
{
    (void)state;
    struct machine_exit ex;
    struct psw w = {.sup = false, .ie = true, .cause = 7, .p = 0x7FFFF, .l = 4,
                    .b = (1u << 20) - 1};
    struct machine *m = one_step(OP_LR, true, 0, QD, psw_pack(&w), &ex);
    struct psw now = machine_psw(m);
    assert_int_equal(machine_last_trap(m), TRAP_NONE);
    assert_true(now.sup);
    assert_false(now.ie);
    assert_int_equal(now.p, AT + 1);
    assert_int_equal(now.l, 4);
    assert_int_equal(now.b, (1u << 20) - 1);
    machine_destroy(m);

    w = (struct psw){.l = QD, .b = 16};
    m = one_step(OP_LR, true, 0, QD, psw_pack(&w), &ex);
    assert_int_equal(machine_last_trap(m), TRAP_NONE);
    assert_int_equal(machine_psw(m).l, QD);
    assert_int_equal(machine_psw(m).b, 16);
    machine_step(m, &ex); /* P = AT + 1 develops to AT + 1 + q: past E */
    assert_int_equal(machine_last_trap(m), TRAP_MEM);
    machine_destroy(m);
}

/* docs/isa.md: LR is privileged; in user mode it traps and R is unchanged. */
static void lr__in_user_mode_traps_and_keeps_r(void **state)
{
    (void)state;
    struct machine_exit ex;
    struct psw w = {.l = 0, .b = QD};
    struct machine *m = one_step(OP_LR, false, 8, 100, psw_pack(&w), &ex);
    assert_int_equal(machine_last_trap(m), TRAP_PRIV);
    /* The trap loaded E[1]'s PSW; the old one, with its R, is in E[0]. */
    struct psw old = psw_unpack(phys(m, 0));
    assert_int_equal(old.l, 8);
    assert_int_equal(old.b, 100);
    machine_destroy(m);
}

/* A witness of claim C with S1 = <s, P 0, R (0, 8)>, S2 its user-mode copy and shift X; the
 * output must not depend on how the analyzer came by it. */
static struct analyze_witness built_witness(enum analyze_claim c, uint32_t x)
{
    struct analyze_witness w = {.op = OP_SR, .claim = (uint8_t)c, .x = x};
    w.s1 = (struct analyze_state){.q = 16, .cin = -1};
    w.s1.psw = (struct psw){.sup = true, .l = 0, .b = 8};
    w.s2 = w.s1;
    w.s2.psw.sup = false;
    w.s2.psw.l = x;
    return w;
}

static char *printed(void (*out)(FILE *, const struct analyze_witness *),
                     const struct analyze_witness *w)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    out(f, w);
    fclose(f);
    return buf;
}

/* docs/theorems.md, "Witnesses": x appears in text and JSON whenever it is
 * nonzero, for every claim kind; a mode pair with x > 0 printed "S2 = S1 in
 * user mode" and its JSON left x out. */
static void analyze__witness_output_shows_a_nonzero_x_for_every_claim(void **state)
{
    (void)state;
    for (int c = 0; c < CLAIM_COUNT; c++) {
        for (uint32_t x = 0; x <= 3; x += 3) {
            struct analyze_witness w = built_witness((enum analyze_claim)c, x);
            bool loc = c == CLAIM_LOC_S || c == CLAIM_LOC_U;
            char *t = printed(analyze_witness_text, &w);
            char *j = printed(analyze_witness_json, &w);
            bool want = x || loc;
            assert_int_equal(strstr(t, "x = 3") != NULL, x == 3);
            assert_int_equal(strstr(j, ",\"x\":") != NULL, want);
            if (x)
                assert_non_null(strstr(j, ",\"x\":3,"));
            if (c == CLAIM_MODE)
                assert_non_null(strstr(t, x ? "S2 = S1 in user mode, moved by x = 3: "
                                            : "S2 = S1 in user mode: "));
            free(t);
            free(j);
        }
    }
}

/* The last "stopped at" line the monitor printed for CMDS, up to its colon. */
static char *stop_line(const char *cmds)
{
    struct cs_outcome o = cs_mon(cmds);
    char *at = NULL;
    for (char *p = strstr(o.out, "stopped at "); p; p = strstr(p + 1, "stopped at "))
        at = p;
    assert_non_null(at);
    char *line = strndup(at, strcspn(at, ":"));
    cs_outcome_free(&o);
    return line;
}

/* docs/monitor.md: a stop says after how many steps and cycles of the
 * command.  'next' through a call counted from the call, not from the
 * command: two steps and their cycles went missing. */
static void next__a_stop_in_a_call_counts_from_the_command(void **state)
{
    (void)state;
    const char *runs[][2] = {
        {"load examples/calls.s; until loop; break do_add; next 3",
         "load examples/calls.s; until loop; break do_add; go"},
        {"load examples/calls.s; until loop; next; break do_add; next 2",
         "load examples/calls.s; until loop; step; break do_add; go"},
        {"load examples/calls.s; until apply; break do_add; finish",
         "load examples/calls.s; until apply; break do_add; go"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char *got = stop_line(runs[i][0]), *want = stop_line(runs[i][1]);
        assert_string_equal(got, want);
        free(got);
        free(want);
    }
    char *first = stop_line(runs[0][0]);
    assert_string_equal(first, "stopped at 0xe do_add after 6 steps, 15 cycles");
    free(first);
}

/* Every subcommand takes -h and --help, and five of eight did not list
 * them, so tgm(1), generated from each --help, left them out there: each
 * --help lists them now, and -h prints what --help does. */
static void help__every_subcommand_lists_its_help_option(void **state)
{
    (void)state;
    static const char *const cmds[] = {"as",    "dis",   "run",           "isa",
                                       "analyze", "check", "counterexample", "monitor"};
    struct cs_outcome top = cs_run_tgm("--help", NULL);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char listed[64];
        snprintf(listed, sizeof listed, "\n  %s ", cmds[i]);
        assert_non_null(strstr(top.out, listed)); /* the list is the one tested */
        struct cs_outcome l = cs_run_tgm(cmds[i], "--help", NULL);
        struct cs_outcome h = cs_run_tgm(cmds[i], "-h", NULL);
        assert_int_equal(l.status, 0);
        assert_non_null(strstr(l.out, "\n  -h, --help "));
        assert_string_equal(l.out, h.out);
        cs_outcome_free(&l);
        cs_outcome_free(&h);
    }
    cs_outcome_free(&top);
}


/* 'tgm help', -h and --help printed the list of commands, but 'tgm help
 * run' printed it too (not run's help, as git and cargo give it) and 'tgm
 * help frob' succeeded; none of it was documented.  'tgm help COMMAND' is
 * 'tgm COMMAND --help', an unknown one is one line and status 2, and 'tgm'
 * alone off a terminal is the list on stderr and status 2. */
static void help__tgm_help_command_is_command_help(void **state)
{
    (void)state;
    struct cs_outcome top = cs_run_tgm("--help", NULL);
    assert_int_equal(top.status, 0);
    assert_string_equal(top.err, "");
    assert_non_null(strstr(top.out, "\n       tgm help [COMMAND]\n"));
    assert_non_null(strstr(top.out, "\n  -h, --help "));
    static const char *const same[] = {"-h", "help"};
    for (size_t i = 0; i < sizeof same / sizeof same[0]; i++) {
        struct cs_outcome o = cs_run_tgm(same[i], NULL);
        assert_int_equal(o.status, 0);
        assert_string_equal(o.out, top.out);
        cs_outcome_free(&o);
    }
    static const char *const cmds[] = {"as",    "dis",   "run",           "isa",
                                       "analyze", "check", "counterexample", "monitor"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        struct cs_outcome h = cs_run_tgm("help", cmds[i], NULL);
        struct cs_outcome l = cs_run_tgm(cmds[i], "--help", NULL);
        if (h.status != 0 || strcmp(h.out, l.out) != 0 || h.err[0])
            fail_msg("tgm help %s: status %d, \"%.80s\"; not tgm %s --help", cmds[i], h.status,
                     h.out, cmds[i]);
        cs_outcome_free(&h);
        cs_outcome_free(&l);
    }
    struct cs_outcome o = cs_run_tgm("--help", "help", NULL); /* help on help */
    assert_string_equal(o.out, top.out);
    cs_outcome_free(&o);
    cs_tgm_fails(2, "tgm: help: unknown command 'frob' (try 'tgm --help')", "help",
                 CS_ARGV("frob"));
    cs_tgm_fails(2, "tgm: -h: unknown command 'frob'", "-h", CS_ARGV("frob"));
    cs_tgm_fails(2, "tgm: help: one command at a time ('x' after 'run')", "help",
                 CS_ARGV("run", "x"));
    o = cs_run_tgm(NULL, NULL); /* standard input is not a terminal */
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_string_equal(o.err, top.out);
    cs_outcome_free(&o);
    cs_outcome_free(&top);
    /* and the front page says so */
    char *readme = cs_slurp("README.md", NULL);
    assert_non_null(strstr(readme, "`tgm help COMMAND` is `tgm COMMAND --help`"));
    assert_non_null(strstr(readme, "`tgm` with no arguments starts the monitor on a terminal;\n"
                                   "otherwise it prints the list of commands on standard error "
                                   "and exits 2."));
    free(readme);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_polish_d");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sr__stores_b_as_held_not_the_effective_bound),
        cmocka_unit_test(sr__in_user_mode_traps_and_stores_nothing),
        cmocka_unit_test(lr__loads_l_and_b_as_given_at_the_edges),
        cmocka_unit_test(lr__in_user_mode_traps_and_keeps_r),
        cmocka_unit_test(analyze__witness_output_shows_a_nonzero_x_for_every_claim),
        cmocka_unit_test(next__a_stop_in_a_call_counts_from_the_command),
        cmocka_unit_test(help__every_subcommand_lists_its_help_option),
        cmocka_unit_test(help__tgm_help_command_is_command_help),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
