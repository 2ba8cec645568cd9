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

#include "mon_support.h"
#include "tgm/image.h"
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
    ms_vm_generated(m, nvm, seed * 7);
    cmd(m, "vm select g%d", (int)(seed % (uint64_t)nvm));
    return m;
}

/* The same commands on both sessions. */
static void both(struct mon *a, struct mon *b, const char *line)
{
    assert_int_equal(mon_exec_line(a, line), mon_exec_line(b, line));
}

/* The set-up of the tests of a snapshot's sections: session A of the
 * seed's two VMs, an empty session B whose errors IO collects, and two
 * file names of this process's (A's snapshot, another made from it). */
struct pair {
    struct ms_io io;
    struct mon *a, *b;
    char path[512], other[512];
};

static void pair_open(struct pair *p, uint64_t seed, const char *stem, const char *other)
{
    ms_io_open(&p->io);
    ms_tmp_file(p->path, sizeof p->path, stem);
    ms_tmp_file(p->other, sizeof p->other, other);
    p->a = session(p->io.out, seed, 2);
    p->b = mon_create(p->io.out, p->io.err);
    assert_non_null(p->b);
}

static void pair_close(struct pair *p)
{
    mon_destroy(p->a);
    mon_destroy(p->b);
    unlink(p->path);
    unlink(p->other);
    ms_io_close(&p->io);
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
    char path[512];
    ms_tmp_file(path, sizeof path, "snap");
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
        size_t sl = 16 + (size_t)ms_get_le(b + off + 8, 8);
        if (memcmp(b + off, "CPTR", 4)) {
            memcpy(o + n, b + off, sl);
            n += sl;
            nsec++;
        } else if (cptr) {
            memcpy(o + n, b + off, 8);
            ms_put_le(o + n + 8, cn, 8);
            memcpy(o + n + 16, cptr, cn);
            n += 16 + cn;
            nsec++;
        }
        off += sl;
    }
    memcpy(o, b, 16);
    ms_put_le(o + 8, version, 4);
    ms_put_le(o + 12, nsec, 4);
    ms_put_le(o + n, tgm_fnv1a(o, n, TGM_FNV_SEED), 8);
    n += 8;
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
    struct pair p;
    pair_open(&p, 3, "snap5", "snap4");
    struct mon *a = p.a, *b = p.b;
    const char *path = p.path, *old = p.other;
    cmd(a, "step 3");
    uint32_t at = machine_psw(vmm_vm_view(mon_vmm(a), 1)).p;
    cmd(a, "rstep 3; break 0x%x; go for 5000; save %s", at, path);
    struct vmm_transient tr;
    vmm_transient_get(mon_vmm(a), &tr);
    assert_true(tr.skip_break >= 0); /* stopped at the breakpoint */
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
    fflush(p.io.err);
    assert_non_null(strstr(p.io.buf, "control program sections missing or unexpected"));
    expect_same(a, b, 3, "after a refused restore");
    pair_close(&p);
}

/* vmm.h: the breakpoint a run last stopped at is none "once its VM is
 * gone", so that no state saved then passes a breakpoint of another VM
 * made in its place; looking at it keeps it.  (Without the staleness
 * test in vmm_transient_get the destroyed VM's breakpoint is kept.) */
static void snapshot__the_breakpoint_passed_is_none_once_its_vm_is_gone(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p, 3, "snapgone", "snapother");
    struct mon *a = p.a;
    cmd(a, "step 3");
    uint32_t at = machine_psw(vmm_vm_view(mon_vmm(a), 1)).p;
    cmd(a, "rstep 3; break 0x%x; go for 5000", at);
    struct vmm_transient tr;
    vmm_transient_get(mon_vmm(a), &tr);
    assert_true(tr.skip_break >= 0);
    assert_int_equal(machine_psw(vmm_vm_view(mon_vmm(a), 1)).p, at);
    cmd(a, "regs"); /* looking moves nothing */
    vmm_transient_get(mon_vmm(a), &tr);
    assert_true(tr.skip_break >= 0);
    cmd(a, "vm select g0; vm destroy g1");
    vmm_transient_get(mon_vmm(a), &tr);
    assert_int_equal(tr.skip_break, -1);
    pair_close(&p);
}

/* docs/monitor.md: a damaged snapshot is refused with one line and the
 * session left as it was.  CPTR (version 5) holds the real timer's flag
 * (4 bytes, 0 or 1) and the breakpoint the dispatcher steps over (8 bytes,
 * -1 or an address of the real machine): one cut short, one longer, and
 * each field out of its range are refused. */
static void snapshot__a_damaged_run_state_section_is_refused(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p, 5, "cptr", "cptr-bad");
    struct mon *b = p.b;
    const char *path = p.path, *bad = p.other;
    cmd(p.a, "go for 700; save %s", path);
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
        fflush(p.io.err);
        size_t from = p.io.len;
        assert_int_equal(mon_exec_line(b, line), -1);
        fflush(p.io.err);
        char want[600];
        snprintf(want, sizeof want, "restore: %s: bad control program run state section\n", bad);
        if (strcmp(p.io.buf + from, want) != 0)
            fail_msg("case %zu: \"%s\", want \"%s\"", k, p.io.buf + from, want);
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
    pair_close(&p);
}

/* docs/monitor.md: NEST exists since version 4, as CPTR since 5: a file of
 * an older version with it is refused (it was taken and the stack rebuilt),
 * the session left as it was; a version 4 file's stack is restored. */
static void snapshot__a_stack_section_before_version_4_is_refused(void **state)
{
    (void)state;
    struct pair p;
    pair_open(&p, 7, "nest5", "nest-old");
    struct mon *b = p.b;
    struct mon *n = mon_create(p.io.out, p.io.err); /* A has VMs: no stack on it */
    assert_non_null(n);
    cmd(n, "nest 2 examples/hello.s; go for 500; save %s", p.path);
    mon_destroy(n);
    cmd(b, "step 2");
    uint8_t *before;
    size_t lb;
    assert_int_equal(machine_state_save(mon_machine(b), true, &before, &lb), 0);
    for (uint32_t version = 3; version <= 4; version++) { /* 1, 2: older symbols */
        with_cptr(p.path, p.other, version, NULL, 0);
        char line[600], want[600];
        snprintf(line, sizeof line, "restore %s", p.other);
        fflush(p.io.err);
        size_t from = p.io.len;
        int rc = mon_exec_line(b, line);
        fflush(p.io.err);
        if (version == 4) {
            assert_int_equal(rc, 0);
            assert_int_equal(mon_exec_line(b, "stack"), 0);
            continue;
        }
        snprintf(want, sizeof want, "restore: %s: bad stack section\n", p.other);
        if (rc != -1 || strcmp(p.io.buf + from, want) != 0)
            fail_msg("version %u: %d \"%s\", want \"%s\"", version, rc, p.io.buf + from, want);
        assert_int_equal(mon_exec_line(b, "stack"), -1); /* no stack came */
        uint8_t *after;
        size_t la;
        assert_int_equal(machine_state_save(mon_machine(b), true, &after, &la), 0);
        if (la != lb || memcmp(before, after, la))
            fail_msg("version %u: the refused restore changed the machine", version);
        free(after);
    }
    free(before);
    pair_close(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(snapshot__a_restored_session_runs_on_as_the_original),
        cmocka_unit_test(snapshot__version_5_holds_the_run_state_and_4_is_still_read),
        cmocka_unit_test(snapshot__the_breakpoint_passed_is_none_once_its_vm_is_gone),
        cmocka_unit_test(snapshot__a_damaged_run_state_section_is_refused),
        cmocka_unit_test(snapshot__a_stack_section_before_version_4_is_refused),
    };
    return cmocka_run_group_tests_name("snapshot", tests, NULL, NULL);
}
