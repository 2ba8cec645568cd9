/* support.c: helpers shared by the machine's test suites (see support.h).
 *
 * Builds section 2 states and checks the trap definition's "E[j] unchanged
 * for 0 < j < q".  Linked into every test binary, so everything is ts_.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support.h"

struct machine *ts_machine(uint32_t q, const char *profile, bool hostcalls)
{
    struct machine_config cfg = {.q = q, .hostcalls = hostcalls};
    if (profile) {
        cfg.profile = isa_profile_find(profile);
        assert_non_null(cfg.profile);
    }
    struct machine *m = machine_create(&cfg);
    assert_non_null(m);
    return m;
}

const char *ts_profile_for(unsigned op)
{
    switch (op) {
    case OP_JRSTU: return "pdp10";
    case OP_LRA: return "s360-67-lra-user";
    case OP_MFPI: return "pdp11-45";
    default: return NULL;
    }
}

uint64_t ts_psw(bool sup, bool ie, unsigned cause, uint32_t p, uint32_t l,
                uint32_t b)
{
    return TS_PSW(sup, ie, cause, p, l, b);
}

void ts_put(struct machine *m, uint32_t at, const uint64_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        assert_int_equal(machine_write_phys(m, at + i, words[i]), 0);
}

void ts_poke(struct machine *m, uint32_t at, uint64_t v)
{
    ts_put(m, at, &v, 1);
}

uint64_t ts_peek(const struct machine *m, uint32_t at)
{
    uint64_t v = 0;
    assert_int_equal(machine_read_phys(m, at, &v), 0);
    return v;
}

void ts_set_new_psw(struct machine *m, uint32_t handler, bool ie)
{
    ts_poke(m, 1, ts_psw(true, ie, 0, handler, 0, machine_q(m)));
}

void ts_step_expect(struct machine *m, enum exit_reason want)
{
    struct machine_exit ex;
    assert_int_equal(machine_step(m, &ex), want);
    assert_int_equal(ex.reason, want);
}

uint64_t *ts_snapshot(const struct machine *m)
{
    size_t n = machine_q(m);
    uint64_t *s = malloc(n * sizeof *s);
    assert_non_null(s);
    memcpy(s, machine_mem(m), n * sizeof *s);
    return s;
}

void ts_assert_mem_except(const struct machine *m, const uint64_t *snap,
                          const uint32_t *except, size_t n)
{
    const uint64_t *E = machine_mem(m);
    for (uint32_t i = 0; i < machine_q(m); i++) {
        bool skip = false;
        for (size_t k = 0; k < n; k++)
            skip = skip || except[k] == i;
        if (!skip && E[i] != snap[i])
            fail_msg("E[%u] changed: %#llx -> %#llx", i,
                     (unsigned long long)snap[i], (unsigned long long)E[i]);
    }
}

void ts_assert_psw(uint64_t word, bool sup, bool ie, unsigned cause,
                   uint32_t p, uint32_t l, uint32_t b)
{
    assert_int_equal(word >> 63, sup);
    assert_int_equal((word >> 62) & 1, ie);
    assert_int_equal((word >> 58) & 0xF, cause);
    assert_int_equal((word >> 39) & 0x7FFFF, p);
    assert_int_equal((word >> 20) & 0x7FFFF, l);
    assert_int_equal(word & 0xFFFFF, b);
}
