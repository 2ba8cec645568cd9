/* fuzz_monitor.c: the monitor's command parser under fuzzing, one line
 * (fuzz_monitor) or a whole script (built with -DFUZZ_SCRIPT: fuzz_script).
 *
 * The session starts with a program loaded, a VM under the control program
 * (sections 4-6) and a breakpoint, so commands have something to act on.
 * Invariants: a single command that fails leaves the bare machine, the
 * control program's real machine and the focus as they were (monitor.h's
 * promise) and says so in one line, and leaves every file in its directory
 * as it was (none made, replaced or touched; docs/robustness.md: "the
 * machine and files are left as they were").  After a line or a script, whatever it did, the
 * control program passes vmm_state_check.  The harness works in
 * a directory of its own; inputs naming /dev or /proc are skipped, and a
 * CPU timer interrupts any run after a few milliseconds (mon_interrupt).
 */
#include <dirent.h>
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz.h"
#include "monitor/mon_impl.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

static FILE *out, *err;
static struct fuzz_count said; /* what a command wrote to err */

static const char prog[] = "        .entry start\n"
                           "start:  LI    n, 0\n"
                           "spin:   ADDI  n, n, 1\n"
                           "        COUT  n\n"
                           "        SVC   1\n"
                           "        BNE   n, ten, spin\n"
                           "        HALT\n"
                           "n:      .word 0\n"
                           "ten:    .word 10\n";

static void on_timer(int sig)
{
    (void)sig;
    mon_interrupt();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (chdir(fuzz_tmpdir("tgm-fuzz-mon")) != 0)
        abort();
    FILE *f = fopen("p.s", "w");
    fputs(prog, f);
    fclose(f);
    out = fuzz_sink(NULL);
    err = fuzz_counter(&said);
    signal(SIGVTALRM, on_timer);
    setenv("TGM_HISTORY", "", 1);
    return 0;
}

#ifndef FUZZ_SCRIPT
/* The harness's directory as a digest: every name, inode, size and
 * modification time (a write in place or a rename changes it). */
static uint64_t files_digest(void)
{
    uint64_t h = 0xcbf29ce484222325ull;
    DIR *dir = opendir(".");
    if (!dir)
        abort();
    struct dirent *e;
    while ((e = readdir(dir))) {
        struct stat st;
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") || lstat(e->d_name, &st) != 0)
            continue;
        uint64_t v[4] = {st.st_ino, (uint64_t)st.st_size, (uint64_t)st.st_mtim.tv_sec,
                         (uint64_t)st.st_mtim.tv_nsec};
        for (const char *c = e->d_name; *c; c++)
            h = (h ^ (uint8_t)*c) * 0x100000001b3ull;
        for (int k = 0; k < 4; k++)
            h = (h ^ v[k]) * 0x100000001b3ull;
    }
    closedir(dir);
    return h;
}

/* Does LINE sum up a source's errors ("load: x.s: 2 errors", "1 error")? */
static bool counts_errors(const char *line)
{
    size_t n = strlen(line), k = n > 0 && line[n - 1] == 's' ? n - 1 : n;
    return k > 7 && !strncmp(line + k - 6, " error", 6) && line[k - 7] >= '0' &&
           line[k - 7] <= '9';
}
#endif

static bool unsafe(const char *s)
{
    return strstr(s, "dev/") || strstr(s, "proc/") || strstr(s, "sys/");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = '\0';
    if (unsafe(text)) {
        free(text);
        return 0;
    }
    struct mon *m = mon_create(out, err);
    mon_exec_line(m, "set memory 1024; set cp-memory 1024; set limit 20000; load p.s; "
                     "vm create g 256 p.s; vm select bare; "
                     "break spin; set on-error continue");
    mon_clear_interrupt();
    struct itimerval t = {.it_value = {0, 5000}};
    setitimer(ITIMER_VIRTUAL, &t, NULL);
#ifdef FUZZ_SCRIPT
    mon_run_string(m, text);
#else
    /* one line: a single failed command changes nothing */
    char *nl = strchr(text, '\n');
    if (nl)
        *nl = '\0';
    struct machine *b = mon_machine(m);
    struct vmm *v = mon_vmm(m);
    uint64_t d = machine_digest(b), psw = machine_get_psw(b);
    uint64_t vd = v ? machine_digest(vmm_machine(v)) ^ machine_get_psw(vmm_machine(v)) : 0;
    int focus = m->focus;
    uint64_t files = files_digest();
    fflush(err);
    fuzz_count_reset(&said);
    int rc = mon_exec_line(m, text);
    fflush(err);
    if (rc != 0 && !strchr(text, ';') && mon_machine(m) == b) {
        FUZZ_CHECK(machine_digest(b) == d && machine_get_psw(b) == psw,
                   "the failed command '%s' changed the machine", text);
        FUZZ_CHECK(said.bytes > 0, "the failed command '%s' said nothing", text);
        /* one line, ended; 'do' runs a script, whose every failure has one,
         * and the assembler's diagnostics of a source come before the line
         * that sums them up, as a compiler's do */
        bool one = said.lines == 1 || (said.lines > 1 && counts_errors(said.line));
        FUZZ_CHECK((one && said.last == '\n') || strncmp(text + strspn(text, " \t"), "do ", 3) == 0,
                   "the failed command '%s' said %zu lines: %s", text, said.lines, said.text);
        FUZZ_CHECK(m->focus == focus, "the failed command '%s' moved the focus", text);
        FUZZ_CHECK(files_digest() == files || strncmp(text + strspn(text, " \t"), "do ", 3) == 0,
                   "the failed command '%s' made, replaced or wrote a file", text);
        if (v && mon_vmm(m) == v)
            FUZZ_CHECK((machine_digest(vmm_machine(v)) ^ machine_get_psw(vmm_machine(v))) == vd,
                       "the failed command '%s' changed the control program's machine", text);
    }
#endif
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    /* whatever the commands did, the control program's invariants hold */
    char why[256] = "";
    FUZZ_CHECK(!mon_vmm(m) || vmm_state_check(mon_vmm(m), why, sizeof why) == 0,
               "after '%s' the control program is broken: %s", text, why);
    mon_destroy(m);
    free(text);
    return 0;
}
