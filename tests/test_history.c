/* test_history.c: the monitor's history ring ('history') when 'go' runs
 * the bare machine of section 2 in the fast loop and fills the ring after
 * the run by replay from the reverse-execution checkpoints.
 *
 * On random programs (progen: traps of every cause, the timer), the ring
 * after 'go for N' must be exactly the ring the checked loop fills one step
 * at a time ('step N', which the trace hook records), with runs of every
 * length against the ring's size, checkpoints close together, a history
 * rebased between runs; and with two or three VMs, where the ring holds
 * the real machine's steps and the session is replayed to fill it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "progen.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"

struct session {
    struct mon *m;
    FILE *out;
    char *buf;
    size_t len;
};

static void open_session(struct session *s, uint64_t seed, unsigned ring)
{
    s->buf = NULL;
    s->len = 0;
    s->out = open_memstream(&s->buf, &s->len);
    assert_non_null(s->out);
    s->m = mon_create(s->out, s->out);
    assert_non_null(s->m);
    ms_cmd(s->m, "set memory %u; set ring %u; set checkpoint %llu", PG_W, ring,
           (unsigned long long)(1 + seed % 29));
    struct tgm_image img;
    char err[256];
    pg_generate(seed, NULL, &img);
    assert_int_equal(image_load(mon_machine(s->m), &img, err, sizeof err), 0);
    image_free(&img);
}

/* The output of 'history N', as text (the caller frees it). */
static char *history(struct session *s, unsigned n)
{
    fflush(s->out);
    size_t at = s->len;
    ms_cmd(s->m, "history %u", n);
    fflush(s->out);
    return strdup(s->buf + at);
}

static void close_session(struct session *s)
{
    mon_destroy(s->m);
    fclose(s->out);
    free(s->buf);
}

/* The last RING + 5 lines of 'history' are the same in the fast session
 * and the checked one; both are closed. */
static void expect_same_rings_and_close(struct session *fast, struct session *slow,
                                        unsigned ring, uint64_t seed)
{
    char *a = history(fast, ring + 5), *b = history(slow, ring + 5);
    if (strcmp(a, b))
        fail_msg("seed %llu: the rings differ:\nfast:\n%s\nchecked:\n%s",
                 (unsigned long long)seed, a, b);
    free(a);
    free(b);
    close_session(fast);
    close_session(slow);
}

static void history__the_ring_after_a_fast_go_is_the_checked_loops(void **state)
{
    (void)state;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        unsigned ring = 1 + (unsigned)(seed * 7 % 300);
        struct session fast, slow;
        open_session(&fast, seed, ring);
        open_session(&slow, seed, ring);
        /* three runs of assorted lengths; a deposit between the second and
         * third starts a new history, which must not lose the ring */
        uint64_t len[3] = {seed % 5, 1 + seed * 13 % 700, 1 + seed * 31 % 90};
        for (int r = 0; r < 3; r++) {
            if (r == 2) {
                ms_cmd(fast.m, "deposit 20 %llu", (unsigned long long)seed);
                ms_cmd(slow.m, "deposit 20 %llu", (unsigned long long)seed);
            }
            uint64_t s0 = machine_get_counters(mon_machine(fast.m)).steps;
            ms_cmd(fast.m, "go for %llu", (unsigned long long)len[r]);
            uint64_t d = machine_get_counters(mon_machine(fast.m)).steps - s0;
            ms_cmd(slow.m, "step %llu", (unsigned long long)d);
        }
        assert_int_equal(machine_digest(mon_machine(fast.m)), machine_digest(mon_machine(slow.m)));
        expect_same_rings_and_close(&fast, &slow, ring, seed);
    }
}

/* The same with two or three VMs: the ring holds the real machine's steps.
 * The checked session traces traps to a file, which changes nothing else
 * but keeps its runs in the checked loop. */
static void history__the_ring_after_a_fast_go_in_vms_is_the_checked_loops(void **state)
{
    (void)state;
    char name[64], trace[CS_PATH];
    snprintf(name, sizeof name, "tgm-history-%ld.trace", (long)getpid());
    cs_tmp_name(trace, sizeof trace, name);
    for (uint64_t seed = 1; seed <= 300; seed++) {
        unsigned ring = 1 + (unsigned)(seed * 11 % 400);
        struct session s[2];
        for (int k = 0; k < 2; k++) {
            open_session(&s[k], seed, ring);
            ms_cmd(s[k].m, "set cp-memory 4096; set slice %llu", (unsigned long long)(40 + seed % 200));
            ms_vm_generated(s[k].m, 2 + (int)(seed % 2), seed * 5);
            if (k == 1)
                ms_cmd(s[k].m, "trace traps to %s", trace);
            /* runs shorter and longer than the ring, across checkpoints */
            ms_cmd(s[k].m, "go for %llu; vm input g0 x; go for %llu; go for %llu",
                   (unsigned long long)(seed * 17 % 500), (unsigned long long)(1 + seed % 40),
                   (unsigned long long)(seed * 37 % 900));
        }
        assert_int_equal(machine_digest(vmm_machine(mon_vmm(s[0].m))),
                         machine_digest(vmm_machine(mon_vmm(s[1].m))));
        expect_same_rings_and_close(&s[0], &s[1], ring, seed);
    }
    remove(trace);
}

static void history__step_fills_the_ring_before_any_run(void **state)
{
    (void)state;
    struct session s;
    open_session(&s, 3, 16);
    ms_cmd(s.m, "step 2");
    char *h = history(&s, 16);
    /* two lines, one per step */
    assert_non_null(strchr(h, '\n'));
    assert_non_null(strchr(strchr(h, '\n') + 1, '\n'));
    assert_null(strchr(strchr(strchr(h, '\n') + 1, '\n') + 1, '\n'));
    assert_null(strstr(h, "no instructions"));
    free(h);
    close_session(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(history__the_ring_after_a_fast_go_is_the_checked_loops),
        cmocka_unit_test(history__the_ring_after_a_fast_go_in_vms_is_the_checked_loops),
        cmocka_unit_test(history__step_fills_the_ring_before_any_run),
    };
    return cmocka_run_group_tests_name("history", tests, NULL, NULL);
}
