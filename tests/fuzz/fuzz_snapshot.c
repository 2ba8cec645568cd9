/* fuzz_snapshot.c: the snapshot reader (the whole system of sections 2 and
 * 4-6) under fuzzing.
 *
 * Any bytes: 'restore' accepts or refuses with one line; refused bytes
 * are tried again with their checksum made right (fuzz_checksummed).  A refused
 * snapshot changes nothing (the session's machines and control program are
 * the same objects with the same state); an accepted one satisfies every
 * invariant the control program relies on (vmm_state_check), saves to a
 * file that restores to the same state and saves again to the very same
 * bytes (the round trip is exact), survives a bounded run, and saves and
 * restores again.
 */
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "monitor/mon_impl.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

static FILE *out, *err;
static size_t elen; /* bytes written to err */
static int fd = -1;
static char again[4200], again2[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    out = fuzz_sink(NULL);
    err = fuzz_sink(&elen);
    fd = memfd_create("snapshot", 0);
    if (fd < 0)
        abort();
    const char *dir = fuzz_tmpdir("tgm-fuzz-snap");
    snprintf(again, sizeof again, "%s/again.snap", dir);
    snprintf(again2, sizeof again2, "%s/again2.snap", dir);
    return 0;
}

static uint64_t digest(struct mon *m)
{
    uint64_t d = machine_digest(mon_machine(m)) ^ machine_get_psw(mon_machine(m));
    if (mon_vmm(m))
        d ^= 3 * (machine_digest(vmm_machine(mon_vmm(m))) ^
                  machine_get_psw(vmm_machine(mon_vmm(m))));
    return d;
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    FUZZ_CHECK(f, "cannot read back %s", path);
    uint8_t *buf = NULL;
    size_t cap = 0;
    *len = 0;
    for (;;) {
        if (*len == cap && !(buf = realloc(buf, cap = cap ? 2 * cap : 1 << 16)))
            abort();
        size_t n = fread(buf + *len, 1, cap - *len, f);
        if (!n)
            break;
        *len += n;
    }
    fclose(f);
    return buf;
}

/* save, restore, save: the same state, the same bytes */
static void round_trip(struct mon *m)
{
    char cmd[4300];
    snprintf(cmd, sizeof cmd, "save %s", again);
    if (mon_exec_line(m, cmd) != 0)
        return;
    uint64_t d = digest(m);
    int focus = m->focus;
    snprintf(cmd, sizeof cmd, "restore %s", again);
    FUZZ_CHECK(mon_exec_line(m, cmd) == 0, "a saved session does not restore");
    FUZZ_CHECK(digest(m) == d && m->focus == focus,
               "a saved and restored session is not the one saved");
    snprintf(cmd, sizeof cmd, "save %s", again2);
    FUZZ_CHECK(mon_exec_line(m, cmd) == 0, "a restored session does not save");
    size_t la, lb;
    uint8_t *a = slurp(again, &la), *b = slurp(again2, &lb);
    FUZZ_CHECK(la == lb && !memcmp(a, b, la),
               "save, restore, save wrote other bytes (%zu, then %zu)", la, lb);
    free(a);
    free(b);
}

/* Restore DATA into M: 0 if it was taken, -1 if refused (then M must be
 * as it was). */
static int restore(struct mon *m, const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct machine *b = mon_machine(m);
    struct vmm *v = mon_vmm(m);
    uint64_t d = digest(m);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "restore /proc/self/fd/%d", fd);
    if (mon_exec_line(m, cmd) == 0)
        return 0;
    FUZZ_CHECK(mon_machine(m) == b && mon_vmm(m) == v && digest(m) == d,
               "a refused snapshot changed the session");
    return -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mon *m = mon_create(out, err);
    mon_exec_line(m, "set memory 256; set cp-memory 1024; deposit 5 42; vm create a 64; vm create b 64; "
                     "vm select bare");
    /* refused bytes again with their checksum made right: the checks
     * behind it are the ones worth reaching */
    int rc = restore(m, data, size);
    uint8_t *fixed = rc != 0 ? fuzz_checksummed(data, size) : NULL;
    if (fixed) {
        rc = restore(m, fixed, size);
        free(fixed);
    }
    if (rc == 0) {
        char why[256] = "";
        if (mon_vmm(m))
            FUZZ_CHECK(vmm_state_check(mon_vmm(m), why, sizeof why) == 0,
                       "a restored snapshot breaks the CP: %s", why);
        round_trip(m);
        mon_exec_line(m, "set limit 2000; step 50; vm select bare; step 50");
        round_trip(m);
    }
    mon_destroy(m);
    return 0;
}
