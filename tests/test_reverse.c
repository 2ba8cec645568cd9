/* test_reverse.c: the monitor's reverse execution (rstep, rcontinue) on
 * the bare machine of section 2, against the machine's own state.
 *
 * On 1,000 random programs (progen: traps of every cause, the timer, both
 * modes), stepping forward N and back N must give back exactly the state
 * it started from, byte for byte as machine_state_save writes it: E (its
 * digest too), the PSW, the timer, the console and the counters.  Forward
 * again must give the same state as the first time.  Checkpoints are set
 * close together so that replays cross several and the list thins.
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
#include "mon_support.h"
#include "progen.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"

struct snap {
    uint8_t *b;
    size_t len;
    uint64_t digest;
};

static struct snap take(struct mon *m)
{
    struct snap s = {0};
    assert_int_equal(machine_state_save(mon_machine(m), true, &s.b, &s.len), 0);
    s.digest = machine_digest(mon_machine(m));
    return s;
}

static void same(const struct snap *a, const struct snap *b, uint64_t seed, const char *what)
{
    if (a->digest != b->digest || a->len != b->len || memcmp(a->b, b->b, a->len))
        fail_msg("seed %llu: %s: the state differs (digest %#llx vs %#llx)",
                 (unsigned long long)seed, what, (unsigned long long)a->digest,
                 (unsigned long long)b->digest);
}

#define cmd ms_cmd

static uint64_t steps(struct mon *m)
{
    return machine_get_counters(mon_machine(m)).steps;
}

static void reverse__rstep_n_after_n_steps_restores_the_state_exactly(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    assert_non_null(sink);
    unsigned long nseeds = getenv("TGM_SEEDS") ? strtoul(getenv("TGM_SEEDS"), NULL, 10) : 1000;
    for (uint64_t seed = 1; seed <= nseeds; seed++) {
        struct mon *m = mon_create(sink, sink);
        assert_non_null(m);
        cmd(m, "set memory %u; set checkpoint %llu", PG_W, (unsigned long long)(1 + seed % 13));
        struct tgm_image img;
        char err[256];
        pg_generate(seed, NULL, &img);
        assert_int_equal(image_load(mon_machine(m), &img, err, sizeof err), 0);
        image_free(&img);
        /* a prefix run, so the history does not start at step 0 */
        cmd(m, seed % 3 ? "go for %llu" : "step %llu", (unsigned long long)(seed % 17));
        struct snap s0 = take(m);
        uint64_t n0 = steps(m), n = 1 + seed % 400;
        cmd(m, seed % 2 ? "go for %llu" : "step %llu", (unsigned long long)n);
        struct snap s1 = take(m);
        uint64_t d = steps(m) - n0; /* fewer than n if it halted */
        /* back in two moves, then forward and back again */
        cmd(m, "rstep %llu", (unsigned long long)(d / 3));
        cmd(m, "rstep %llu", (unsigned long long)(d - d / 3));
        struct snap b = take(m);
        same(&s0, &b, seed, "rstep N after N steps");
        free(b.b);
        cmd(m, "go for %llu", (unsigned long long)d);
        b = take(m);
        same(&s1, &b, seed, "forward again after rstep");
        free(b.b);
        cmd(m, "rstep %llu", (unsigned long long)d);
        b = take(m);
        same(&s0, &b, seed, "rstep N a second time");
        free(b.b);
        free(s0.b);
        free(s1.b);
        mon_destroy(m);
    }
    fclose(sink);
}

/* Runs a loop that takes an SVC trap each pass. */
static const char svc_src[] = "        .org 0\n"
                              "        .word 0\n"
                              "        .word psw(SUP, handler, 0, 0x80000)\n"
                              "        .entry start\n"
                              "start:  ADDI  n, n, 1\n"
                              "        SVC   1\n"
                              "back:   JMP   start\n"
                              "handler: ADDI  t, t, 1\n"
                              "        LPSW  resume\n"
                              "resume: .word psw(SUP, back, 0, 0x80000)\n"
                              "n:      .word 0\n"
                              "t:      .word 0\n";

static void reverse__rcontinue_stops_at_the_previous_trap_and_breakpoint(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_tmp_name(path, sizeof path, "tgm-rev-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(svc_src, f);
    fclose(f);
    char *obuf = NULL;
    size_t olen = 0;
    FILE *out = open_memstream(&obuf, &olen);
    struct mon *m = mon_create(out, out);
    char line[CS_PATH + 8];
    snprintf(line, sizeof line, "load %s", path);
    assert_int_equal(mon_exec_line(m, line), 0);
    cmd(m, "go for 40");
    assert_int_equal(mon_exec_line(m, "rcontinue"), 0);
    /* the last SVC trap: just taken, the handler next */
    cmd(m, "assert cause == svc && P == handler && M == sup");
    uint64_t at = steps(m);
    cmd(m, "rcontinue");
    assert_true(steps(m) < at);
    cmd(m, "assert P == handler");
    cmd(m, "break back");
    cmd(m, "go for 10");
    cmd(m, "rcontinue");
    fflush(out);
    assert_non_null(strstr(obuf, "back to the previous"));
    cmd(m, "rstep 1");
    cmd(m, "go for 1");
    /* before the first step of the history: an error, nothing changes */
    assert_int_equal(mon_exec_line(m, "rstep 1000000"), -1);
    cmd(m, "deposit n 5"); /* a change: the history is gone */
    assert_int_equal(mon_exec_line(m, "rstep"), -1);
    mon_destroy(m);
    fclose(out);
    free(obuf);
    remove(path);
}

/* docs/monitor.md: Ctrl-C during rcontinue's replay of the history (it
 * went on to the end, however long) abandons it at the next chunk with one
 * line, the machine exactly as before; the request is used up. */
static void reverse__ctrl_c_abandons_rcontinue_and_changes_nothing(void **state)
{
    (void)state;
    char path[CS_PATH];
    cs_write_text(path, sizeof path, "rev-spin.s", "spin: JMP spin\n.entry spin\n");
    char *obuf = NULL, *ebuf = NULL;
    size_t olen = 0, elen = 0;
    FILE *out = open_memstream(&obuf, &olen), *err = open_memstream(&ebuf, &elen);
    struct mon *m = mon_create(out, err);
    char line[CS_PATH + 8];
    snprintf(line, sizeof line, "load %s", path);
    assert_int_equal(mon_exec_line(m, line), 0);
    cmd(m, "go for 3000000"); /* a history of three chunks */
    struct snap was = take(m);
    mon_interrupt(); /* as the SIGINT handler does */
    assert_int_equal(mon_exec_line(m, "rcontinue"), -1);
    fflush(err);
    assert_string_equal(ebuf, "rcontinue: interrupted: the machine is where it was\n");
    struct snap now = take(m);
    same(&was, &now, 0, "after an interrupted rcontinue");
    free(now.b);
    /* the history is kept and the request used up: it goes back now */
    assert_int_equal(mon_exec_line(m, "rcontinue"), 0);
    assert_int_equal(steps(m), 0);
    free(was.b);
    mon_destroy(m);
    fclose(out);
    fclose(err);
    free(obuf);
    free(ebuf);
    remove(path);
}

/* the suite's files go in a temporary directory (with no cs_setup they
 * went to the root directory) */
static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_reverse");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reverse__rstep_n_after_n_steps_restores_the_state_exactly),
        cmocka_unit_test(reverse__rcontinue_stops_at_the_previous_trap_and_breakpoint),
        cmocka_unit_test(reverse__ctrl_c_abandons_rcontinue_and_changes_nothing),
    };
    return cmocka_run_group_tests_name("reverse", tests, group_setup, group_teardown);
}
