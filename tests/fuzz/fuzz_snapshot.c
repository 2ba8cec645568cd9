/* fuzz_snapshot.c: the snapshot reader (the whole system of sections 2 and
 * 4-6) under fuzzing.
 *
 * Any bytes: 'restore' accepts or refuses with one line.  A refused
 * snapshot changes nothing (the session's machines and control program are
 * the same objects with the same state); an accepted one satisfies every
 * invariant the control program relies on (vmm_state_check), survives a
 * bounded run, and saves and restores again.
 */
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

static FILE *out, *err;
static size_t elen; /* bytes written to err */
static int fd = -1;
static char again[4200];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    out = fuzz_sink(NULL);
    err = fuzz_sink(&elen);
    fd = memfd_create("snapshot", 0);
    if (fd < 0)
        abort();
    snprintf(again, sizeof again, "%s/again.snap", fuzz_tmpdir("tgm-fuzz-snap"));
    return 0;
}

static uint64_t digest(struct mon *m)
{
    uint64_t d = machine_digest(mon_machine(m)) ^ machine_get_psw(mon_machine(m));
    if (mon_vmm(m))
        d ^= 3 * machine_digest(vmm_machine(mon_vmm(m)));
    return d;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    struct mon *m = mon_create(out, err);
    mon_exec_line(m, "set memory 256; set cp-memory 1024; deposit 5 42; vm create a 64; vm create b 64; "
                     "vm select bare");
    struct machine *b = mon_machine(m);
    struct vmm *v = mon_vmm(m);
    uint64_t d = digest(m);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "restore /proc/self/fd/%d", fd);
    if (mon_exec_line(m, cmd) != 0) {
        FUZZ_CHECK(mon_machine(m) == b && mon_vmm(m) == v && digest(m) == d,
                   "a refused snapshot changed the session");
    } else {
        char why[256] = "";
        if (mon_vmm(m))
            FUZZ_CHECK(vmm_state_check(mon_vmm(m), why, sizeof why) == 0,
                       "a restored snapshot breaks the CP: %s", why);
        mon_exec_line(m, "set limit 2000; step 50; vm select bare; step 50");
        snprintf(cmd, sizeof cmd, "save %s", again);
        if (mon_exec_line(m, cmd) == 0) {
            snprintf(cmd, sizeof cmd, "restore %s", again);
            FUZZ_CHECK(mon_exec_line(m, cmd) == 0, "a saved session does not restore");
        }
    }
    mon_destroy(m);
    return 0;
}
