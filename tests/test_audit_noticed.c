/* test_audit_noticed.c: loose ends of the monitor (docs/monitor.md) that
 * earlier reviews noticed: a snapshot whose session section holds a name
 * with a NUL inside.  Each test fails on the
 * tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
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
#include "tgm/image.h"

static uint64_t get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    for (unsigned i = n; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Where the data of section TAG begins in the snapshot BUF (LEN bytes). */
static size_t section_at(const uint8_t *buf, size_t len, const char *tag)
{
    for (size_t off = 16; off + 16 <= len - 8; off += 16 + get_le(buf + off + 8, 8))
        if (memcmp(buf + off, tag, 4) == 0)
            return off + 16;
    fail_msg("no %s section", tag);
    return 0;
}

/* The snapshot SRC (LEN bytes) with a NUL added at the end of the session
 * section's string at AT (its u32 length there), the lengths and the
 * checksum made right, written as NAME: its path into PATH. */
static void nul_added(const uint8_t *src, size_t len, size_t sess, size_t at,
                      const char *name, char *path, size_t plen)
{
    uint8_t *e = malloc(len + 1);
    assert_non_null(e);
    size_t n = (size_t)get_le(src + at, 4), end = at + 4 + n;
    memcpy(e, src, end);
    e[end] = '\0';
    memcpy(e + end + 1, src + end, len - end);
    put_le(e + at, n + 1, 4);
    put_le(e + sess - 8, get_le(src + sess - 8, 8) + 1, 8);
    put_le(e + len + 1 - 8, tgm_fnv1a(e, len + 1 - 8, TGM_FNV_SEED), 8);
    cs_tmp_path(path, plen, name);
    cs_write_bytes(path, e, len + 1);
    free(e);
}

/* "a damaged, truncated, foreign or newer file is refused with one line
 * and the session is left as it was": SESS names the profiles, and a
 * name with a NUL after it ("pdp10\0") was taken as the name before the
 * NUL, the file restored. */
static void restore__a_profile_name_with_a_nul_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], bad[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "prof.snap");
    snprintf(cmds, sizeof cmds,
             "set profile pdp10; set cp-profile pdp10; load examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t sess = section_at(buf, len, "SESS"), prof = sess + 4;
    assert_int_equal(get_le(buf + prof, 4), 5);
    assert_memory_equal(buf + prof + 4, "pdp10", 5);
    size_t cprof = prof + 4 + 5 + 4 + 4 + 4; /* the focus, has_cp, the CP's words */
    assert_int_equal(get_le(buf + cprof, 4), 5);
    assert_memory_equal(buf + cprof + 4, "pdp10", 5);

    const size_t at[] = {prof, cprof};
    for (int i = 0; i < 2; i++) {
        nul_added(buf, len, sess, at[i], i ? "cprof.snap" : "bprof.snap", bad, sizeof bad);
        snprintf(cmds, sizeof cmds, "restore %s", bad);
        cs_mon_fails(cmds, "bad session section");
        /* the session as it was: its profile and its program */
        snprintf(cmds, sizeof cmds,
                 "set on-error finish; load examples/hello.s; restore %s; show profile",
                 bad);
        struct cs_outcome o = cs_mon(cmds);
        assert_int_equal(o.status, 1);
        assert_non_null(strstr(o.out, "virtualizable"));
        assert_null(strstr(o.out, "pdp10"));
        assert_null(strstr(o.out, "restored"));
        cs_outcome_free(&o);
    }
    free(buf);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_noticed");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore__a_profile_name_with_a_nul_is_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
