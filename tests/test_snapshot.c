/* test_snapshot.c: the monitor's snapshots ('save', 'restore') under the
 * control program of sections 4-6: a session saved while VMs run, mid
 * slice and at breakpoints, and restored into another session goes on
 * exactly as the original does.
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
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#define cmd ms_cmd

/* The real machine with all of E, the CP's saved state and what the
 * dispatcher keeps between runs, as bytes. */
static uint8_t *take(struct mon *m, size_t *len)
{
    struct vmm *v = mon_vmm(m);
    uint8_t *a, *c;
    size_t la, lc;
    struct vmm_transient tr;
    assert_int_equal(machine_state_save(vmm_machine(v), true, &a, &la), 0);
    assert_int_equal(vmm_state_save(v, &c, &lc), 0);
    vmm_transient_get(v, &tr);
    uint8_t *s = malloc(la + lc + 9);
    assert_non_null(s);
    memcpy(s, a, la);
    memcpy(s + la, c, lc);
    s[la + lc] = tr.real_timer;
    memcpy(s + la + lc + 1, &tr.skip_break, 8);
    *len = la + lc + 9;
    free(a);
    free(c);
    return s;
}

static void expect_same(struct mon *a, struct mon *b, uint64_t seed, const char *what)
{
    size_t la, lb;
    uint8_t *x = take(a, &la), *y = take(b, &lb);
    if (la != lb || memcmp(x, y, la))
        fail_msg("seed %llu: %s: the restored session differs from the original",
                 (unsigned long long)seed, what);
    free(x);
    free(y);
}

/* NVM generated guests with a short slice, so that they interleave. */
static struct mon *session(FILE *sink, uint64_t seed, int nvm)
{
    struct mon *m = mon_create(sink, sink);
    assert_non_null(m);
    cmd(m, "set cp-memory 4096; set slice %llu", (unsigned long long)(20 + seed % 200));
    for (int i = 0; i < nvm; i++) {
        struct tgm_image img;
        char err[256];
        cmd(m, "vm create g%d %u", i, PG_W);
        pg_generate(seed * 7 + (uint64_t)i, NULL, &img);
        assert_int_equal(vmm_vm_load(mon_vmm(m), i, &img, err, sizeof err), 0);
        image_free(&img);
    }
    cmd(m, "vm select g%d", (int)(seed % (uint64_t)nvm));
    return m;
}

/* The same commands on both sessions. */
static void both(struct mon *a, struct mon *b, const char *line)
{
    assert_int_equal(mon_exec_line(a, line), mon_exec_line(b, line));
}

/* Saved after a random run (some stopped by a breakpoint, some by their
 * count, mid slice) and restored into a fresh session, runs go on as the
 * original's do: the real machine, every VM, the CP's table and what its
 * dispatcher keeps between runs stay equal. */
static void snapshot__a_restored_session_runs_on_as_the_original(void **state)
{
    (void)state;
    FILE *sink = getenv("TGM_DEBUG") ? stderr : fopen("/dev/null", "w");
    assert_non_null(sink);
    char path[512], name[64];
    snprintf(name, sizeof name, "tgm-test-snap-%ld", (long)getpid());
    cs_tmp_name(path, sizeof path, name);
    for (uint64_t seed = 1; seed <= 60; seed++) {
        struct mon *a = session(sink, seed, 2 + (int)(seed % 2));
        cmd(a, "go for %llu", (unsigned long long)(seed * 13 % 700));
        /* a breakpoint where the selected VM was, so a later run may stop there */
        uint32_t at = machine_psw(vmm_vm_view(mon_vmm(a), (int)(seed % (2 + seed % 2)))).p;
        mon_exec_line(a, "step 3");
        cmd(a, "break 0x%x", at);
        mon_exec_line(a, "go for 2000");
        cmd(a, "save %s", path);
        struct mon *b = mon_create(sink, sink);
        assert_non_null(b);
        cmd(b, "restore %s", path);
        expect_same(a, b, seed, "restored");
        for (int k = 0; k < 4; k++) {
            both(a, b, k % 2 ? "go for 300" : "step 37");
            expect_same(a, b, seed, "after the restore");
        }
        mon_destroy(a);
        mon_destroy(b);
    }
    unlink(path);
    if (sink != stderr)
        fclose(sink);
}

static uint64_t le(const uint8_t *p, int n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

/* FILE rewritten with version VERSION and its CPTR section's data
 * replaced by the N bytes at CPTR, or without the section if CPTR is NULL. */
static void with_cptr(const char *file, const char *out, uint32_t version, const uint8_t *cptr,
                      size_t cn)
{
    FILE *f = fopen(file, "rb");
    assert_non_null(f);
    enum { MAX = 16 << 20 };
    uint8_t *b = malloc(MAX), *o = malloc(MAX);
    assert_true(b && o);
    size_t len = fread(b, 1, MAX, f), n = 16, nsec = 0;
    fclose(f);
    assert_true(len > 24 && len < MAX);
    for (size_t off = 16; off < len - 8;) {
        size_t sl = 16 + (size_t)le(b + off + 8, 8);
        if (memcmp(b + off, "CPTR", 4)) {
            memcpy(o + n, b + off, sl);
            n += sl;
            nsec++;
        } else if (cptr) {
            memcpy(o + n, b + off, 8);
            for (int i = 0; i < 8; i++)
                o[n + 8 + (size_t)i] = (uint8_t)((uint64_t)cn >> 8 * i);
            memcpy(o + n + 16, cptr, cn);
            n += 16 + cn;
            nsec++;
        }
        off += sl;
    }
    memcpy(o, b, 16);
    for (int i = 0; i < 4; i++) {
        o[8 + i] = (uint8_t)(version >> 8 * i);
        o[12 + i] = (uint8_t)(nsec >> 8 * i);
    }
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ o[i]) * UINT64_C(0x100000001b3);
    for (int i = 0; i < 8; i++)
        o[n++] = (uint8_t)(h >> 8 * i);
    f = fopen(out, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(o, 1, n, f), n);
    fclose(f);
    free(b);
    free(o);
}

/* docs/monitor.md: version 5 adds CPTR, written whenever there is a
 * control program; a version 4 file (which has none) is still read, its
 * dispatcher as after loading, and a version 5 file without one is
 * refused with one line, the session left as it was. */
static void snapshot__version_5_holds_the_run_state_and_4_is_still_read(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    char *ebuf = NULL;
    size_t elen = 0;
    FILE *err = open_memstream(&ebuf, &elen);
    assert_true(sink && err);
    char path[512], old[512], name[64];
    snprintf(name, sizeof name, "tgm-test-snap5-%ld", (long)getpid());
    cs_tmp_name(path, sizeof path, name);
    snprintf(name, sizeof name, "tgm-test-snap4-%ld", (long)getpid());
    cs_tmp_name(old, sizeof old, name);
    struct mon *a = session(sink, 3, 2);
    cmd(a, "step 3");
    uint32_t at = machine_psw(vmm_vm_view(mon_vmm(a), 1)).p;
    cmd(a, "rstep 3; break 0x%x; go for 5000; save %s", at, path);
    struct vmm_transient tr;
    vmm_transient_get(mon_vmm(a), &tr);
    assert_true(tr.skip_break >= 0); /* stopped at the breakpoint */
    struct mon *b = mon_create(sink, err);
    assert_non_null(b);
    with_cptr(path, old, 4, NULL, 0);
    cmd(b, "restore %s", old);
    vmm_transient_get(mon_vmm(b), &tr);
    assert_int_equal(tr.skip_break, -1);
    assert_false(tr.real_timer);
    cmd(b, "restore %s", path);
    expect_same(a, b, 3, "restored from version 5");
    with_cptr(path, old, 5, NULL, 0);
    char line[600];
    snprintf(line, sizeof line, "restore %s", old);
    assert_int_equal(mon_exec_line(b, line), -1);
    fflush(err);
    assert_non_null(strstr(ebuf, "control program sections missing or unexpected"));
    expect_same(a, b, 3, "after a refused restore");
    mon_destroy(a);
    mon_destroy(b);
    unlink(path);
    unlink(old);
    fclose(sink);
    fclose(err);
    free(ebuf);
}

/* docs/monitor.md: a damaged snapshot is refused with one line and the
 * session left as it was.  CPTR (version 5) holds the real timer's flag
 * (4 bytes, 0 or 1) and the breakpoint the dispatcher steps over (8 bytes,
 * -1 or an address of the real machine): one cut short, one longer, and
 * each field out of its range are refused. */
static void snapshot__a_damaged_run_state_section_is_refused(void **state)
{
    (void)state;
    FILE *sink = fopen("/dev/null", "w");
    char *ebuf = NULL;
    size_t elen = 0;
    FILE *err = open_memstream(&ebuf, &elen);
    assert_true(sink && err);
    char path[512], bad[512], name[64];
    snprintf(name, sizeof name, "tgm-test-cptr-%ld", (long)getpid());
    cs_tmp_name(path, sizeof path, name);
    snprintf(name, sizeof name, "tgm-test-cptr-bad-%ld", (long)getpid());
    cs_tmp_name(bad, sizeof bad, name);
    struct mon *a = session(sink, 5, 2);
    cmd(a, "go for 700; save %s", path);
    struct mon *b = mon_create(sink, err);
    assert_non_null(b);
    cmd(b, "restore %s", path);
    cmd(b, "step 5"); /* on from the restored state: a refused restore keeps this one */
    size_t lb;
    uint8_t *before = take(b, &lb);
    static const struct {
        uint8_t bytes[16];
        size_t n;
    } cases[] = {
        {{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 11}, /* cut short */
        {{0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0}, 13}, /* a byte more */
        {{2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 12}, /* timer flag 2 */
        {{0, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, 12}, /* skip -2 */
        {{0, 0, 0, 0, 0x00, 0x10, 0, 0, 0, 0, 0, 0}, 12}, /* skip 4096: past the real E */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        with_cptr(path, bad, 5, cases[k].bytes, cases[k].n);
        char line[600];
        snprintf(line, sizeof line, "restore %s", bad);
        fflush(err);
        size_t from = elen;
        assert_int_equal(mon_exec_line(b, line), -1);
        fflush(err);
        char want[600];
        snprintf(want, sizeof want, "restore: %s: bad control program run state section\n", bad);
        if (strcmp(ebuf + from, want) != 0)
            fail_msg("case %zu: \"%s\", want \"%s\"", k, ebuf + from, want);
        size_t la;
        uint8_t *after = take(b, &la);
        if (la != lb || memcmp(before, after, la))
            fail_msg("case %zu: the refused restore changed the session", k);
        free(after);
    }
    /* the same bytes, in range, are taken: the refusals are the damage's */
    static const uint8_t fine[12] = {1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    with_cptr(path, bad, 5, fine, sizeof fine);
    cmd(b, "restore %s", bad);
    struct vmm_transient tr;
    vmm_transient_get(mon_vmm(b), &tr);
    assert_true(tr.real_timer);
    assert_int_equal(tr.skip_break, -1);
    free(before);
    mon_destroy(a);
    mon_destroy(b);
    unlink(path);
    unlink(bad);
    fclose(sink);
    fclose(err);
    free(ebuf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapshot__a_restored_session_runs_on_as_the_original),
        cmocka_unit_test(snapshot__version_5_holds_the_run_state_and_4_is_still_read),
        cmocka_unit_test(snapshot__a_damaged_run_state_section_is_refused),
    };
    return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
