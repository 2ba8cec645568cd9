/* fuzz_cli.c: the tgm command line under fuzzing: the options and operands
 * of as, dis, run (bare, --vmm, --nest: sections 2 and 4-7), check and isa.
 *
 * The input is the arguments after "tgm", separated by NUL bytes.  They
 * run in process (tgm's main, built as tgm_main) in a directory of their
 * own holding a source that includes a file, its image, a looping source,
 * a bad source, a text file not named .s, console input and a directory.
 * Invariants, from docs/run.md's "Exit status":
 *
 * - the status is 0, 1, 2, 3 or 130;
 * - with status 2 (bad usage or input) standard error holds exactly one
 *   line that starts "tgm: ", the last (the assembler's own diagnostics of
 *   a source may come before it) and standard output is empty unless the
 *   report was already written (a dump or timeline that failed after the
 *   run): nothing is half said;
 * - a command that fails (status 1 or 2) leaves every file as it was and
 *   makes none; no command leaves a writer's temporary file behind;
 * - a command that wrote a file (an image, a source, a dump, a timeline)
 *   runs again with a failure injected before the writer's rename
 *   (TGM_TEST_FAIL_RENAME, docs/robustness.md): it must then fail with
 *   status 2 and one line saying so, and leave every file as it was, new
 *   and old alike, with no temporary file: a write is all or nothing.
 *
 * Arguments naming an absolute path, "..", /dev, /proc or /sys are
 * skipped (the host's files are not the harness's to touch), as are the
 * monitor (fuzz_script's) and the analyzer's commands (long searches with
 * no Ctrl-C).  A CPU timer raises SIGINT after a few milliseconds, which
 * tgm answers with status 130.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <unistd.h>

#include "fuzz.h"
#include "tgm/asm.h"
#include "tgm/image.h"

int tgm_main(int argc, char **argv);

#define MAX_ARGS 24

static const struct {
    const char *name, *text;
} files[] = {
    {"p.s", "        .include \"q.inc\"\n"
            "        .entry start\n"
            "start:  LI    n, 0\n"
            "loop:   ADDI  n, n, 1\n"
            "        COUT  n\n"
            "        BNE   n, ten, loop\n"
            "        CIN   n\n"
            "        HALT\n"
            "n:      .word 0\n"},
    {"q.inc", "ten:    .word TEN\n"
              "        .equ  TEN, 10\n"},
    {"spin.s", "        .entry spin\n"
               "spin:   JMP   spin\n"},
    {"bad.s", "start:  LI    n,\n"},
    {"t.asm", "        HALT\n"},
    {"in.txt", "abc"},
};
#define NFILES (sizeof files / sizeof files[0])
static uint8_t *image; /* p.s assembled: p.img */
static size_t image_len;
static ino_t inode[NFILES + 1]; /* of each file and p.img, as made */

static char *err_text;
static size_t err_len;
static int out_fd;

static void on_timer(int sig)
{
    (void)sig;
    raise(SIGINT);
}

static bool show;

static void ignore(int sig) { (void)sig; }

static void put(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(name, "wb");
    if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
        abort();
}

static ino_t inode_of(const char *name)
{
    struct stat st;
    return stat(name, &st) == 0 ? st.st_ino : 0;
}

/* The directory as it was made: every file, p.img and d/, nothing else. */
static void make_files(void)
{
    for (size_t i = 0; i < NFILES; i++) {
        put(files[i].name, files[i].text, strlen(files[i].text));
        inode[i] = inode_of(files[i].name);
    }
    put("p.img", image, image_len);
    inode[NFILES] = inode_of("p.img");
    if (mkdir("d", 0755) != 0 && errno != EEXIST)
        abort();
}

static bool same_file(const char *name, const void *data, size_t len)
{
    FILE *f = fopen(name, "rb");
    if (!f)
        return false;
    static uint8_t buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    return n == len && !memcmp(buf, data, len);
}

/* Is NAME one of the writer's temporary files, NAME.tmpXXXXXX, and not a
 * file the arguments ARGS name? */
static bool temporary(const char *name, const char *args)
{
    size_t n = strlen(name);
    return n > 10 && !memcmp(name + n - 10, ".tmp", 4) && !strstr(args, name);
}

/* What the command did to the directory: FAILED says it must be nothing.
 * Then the directory is made as it was for the next input.  True if the
 * command wrote a file (made one, or replaced one, even by the same bytes). */
static bool files_check(bool failed, const char *args)
{
    DIR *dir = opendir(".");
    struct dirent *e;
    bool wrote = false;
    while ((e = readdir(dir))) {
        const char *n = e->d_name;
        if (!strcmp(n, ".") || !strcmp(n, "..") || !strcmp(n, "d"))
            continue;
        FUZZ_CHECK(!temporary(n, args), "'%s' left a temporary file %s", args, n);
        bool known = !strcmp(n, "p.img");
        for (size_t i = 0; i < NFILES; i++)
            known |= !strcmp(n, files[i].name);
        FUZZ_CHECK(!failed || known, "'%s' failed and made the file %s", args, n);
        wrote |= !known;
        if (!known)
            unlink(n);
    }
    closedir(dir);
    struct stat st;
    FUZZ_CHECK(!failed || (stat("d", &st) == 0 && S_ISDIR(st.st_mode)),
               "'%s' failed and replaced the directory d", args);
    DIR *sub = opendir("d");
    FUZZ_CHECK(sub, "'%s' removed the directory d", args);
    while ((e = readdir(sub))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        FUZZ_CHECK(!failed && !temporary(e->d_name, args), "'%s' wrote d/%s", args, e->d_name);
        wrote = true;
        char path[300];
        snprintf(path, sizeof path, "d/%s", e->d_name);
        unlink(path);
    }
    closedir(sub);
    for (size_t i = 0; i < NFILES && failed; i++)
        FUZZ_CHECK(same_file(files[i].name, files[i].text, strlen(files[i].text)),
                   "'%s' failed and changed %s", args, files[i].name);
    FUZZ_CHECK(!failed || same_file("p.img", image, image_len), "'%s' failed and changed p.img",
               args);
    for (size_t i = 0; i < NFILES; i++)
        wrote |= inode_of(files[i].name) != inode[i] ||
                 !same_file(files[i].name, files[i].text, strlen(files[i].text));
    wrote |= inode_of("p.img") != inode[NFILES] || !same_file("p.img", image, image_len);
    FUZZ_CHECK(!failed || !wrote, "'%s' failed and replaced a file", args);
    make_files();
    return wrote;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    struct tgm_image img;
    FILE *null = fopen("/dev/null", "w");
    if (chdir(fuzz_tmpdir("tgm-fuzz-cli")) != 0)
        abort();
    for (size_t i = 0; i < NFILES; i++)
        put(files[i].name, files[i].text, strlen(files[i].text));
    if (asm_assemble_file("p.s", &img, null) != 0 || image_serialize(&img, &image, &image_len))
        abort();
    image_free(&img);
    fclose(null);
    make_files();
    /* standard output is a file of its own (tgm looks at descriptor 1);
     * standard error a stream, so that a sanitizer's report still shows;
     * standard input is empty */
    out_fd = memfd_create("stdout", 0);
    int in = open("/dev/null", O_RDONLY);
    if (out_fd < 0 || in < 0 || dup2(out_fd, STDOUT_FILENO) < 0 || dup2(in, STDIN_FILENO) < 0)
        abort();
    close(in);
    const char *s = getenv("FUZZ_CLI_SHOW");
    show = s && *s == '1';
    signal(SIGVTALRM, on_timer);
    return 0;
}

static bool unsafe(const char *s)
{
    return s[0] == '/' || strstr(s, "..") || strstr(s, "dev/") || strstr(s, "proc/") ||
           strstr(s, "sys/");
}

static size_t lines_starting(const char *text, size_t len, const char *prefix, bool *last)
{
    size_t n = 0, k = strlen(prefix);
    *last = false;
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t end = nl ? (size_t)(nl - text) + 1 : len;
        bool hit = end - at >= k && !memcmp(text + at, prefix, k);
        n += hit;
        *last = hit;
        at = end;
    }
    return n;
}

/* tgm ARGV in process, as a new process would run it: its status; its
 * standard error in err_text, the bytes of its standard output in *OUT. */
static int run_tgm(int argc, char **argv, off_t *out)
{
    if (ftruncate(out_fd, 0) != 0 || lseek(out_fd, 0, SEEK_SET) != 0)
        abort();
    FILE *saved = stderr;
    stderr = open_memstream(&err_text, &err_len);
    /* the timer's SIGINT goes to tgm's handler if it set one, else nowhere:
     * libFuzzer's own (set after LLVMFuzzerInitialize) would end the
     * campaign; it is back between inputs */
    struct sigaction none = {.sa_handler = ignore}, fuzzer;
    sigemptyset(&none.sa_mask);
    sigaction(SIGINT, &none, &fuzzer);
    struct itimerval t = {.it_value = {0, 20000}};
    setitimer(ITIMER_VIRTUAL, &t, NULL);
    /* getopt starts afresh, as in a new process: the commands set optind to
     * 1, which leaves glibc's place inside a cluster of short options
     * ("-ab") where the last input's parse stopped; optind = 0 resets it */
    char *fresh[] = {"tgm", NULL};
    optind = 0;
    getopt(1, fresh, "");
    int rc = tgm_main(argc, argv);
    struct itimerval off = {{0, 0}, {0, 0}};
    setitimer(ITIMER_VIRTUAL, &off, NULL);
    sigaction(SIGINT, &fuzzer, NULL);
    fflush(stdout);
    fclose(stderr);
    stderr = saved;
    *out = lseek(out_fd, 0, SEEK_END);
    return rc;
}

/* The status-2 line: one line starting "tgm: ", the last, and standard
 * output empty unless the report was written before a dump failed. */
static void usage_check(const char *args, off_t out)
{
    bool last;
    size_t n = lines_starting(err_text, err_len, "tgm: ", &last);
    FUZZ_CHECK(n == 1 && last && err_text[err_len - 1] == '\n',
               "'%s' (status 2) said %zu lines starting 'tgm: ', not one at the end:\n%s",
               args, n, err_text);
    FUZZ_CHECK(out == 0 || strstr(err_text, "cannot write") || strstr(err_text, "--dump") ||
                   strstr(err_text, "--timeline"),
               "'%s' (status 2) wrote %lld bytes on standard output: %s", args,
               (long long)out, err_text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 1024 || data[size - 1] == '\0')
        return 0;
    char buf[1025], *argv[MAX_ARGS + 2] = {"tgm"}, args[1100] = "tgm";
    memcpy(buf, data, size);
    buf[size] = '\0';
    int argc = 1;
    for (char *p = buf; p < buf + size + 1 && argc <= MAX_ARGS; p += strlen(p) + 1) {
        if (unsafe(p))
            return 0;
        argv[argc++] = p;
        snprintf(args + strlen(args), sizeof args - strlen(args), " %s", p);
    }
    if (argc > MAX_ARGS || !strcmp(argv[1], "monitor") || !strcmp(argv[1], "analyze") ||
        !strcmp(argv[1], "counterexample"))
        return 0;
    argv[argc] = NULL;

    off_t out;
    int rc = run_tgm(argc, argv, &out);
    if (show) /* FUZZ_CLI_SHOW=1: what each input did, to read a finding */
        fprintf(stderr, "%s: status %d, %lld bytes out\n%s", args, rc, (long long)out, err_text);
    FUZZ_CHECK(rc == 0 || rc == 1 || rc == 2 || rc == 3 || rc == 130,
               "'%s' exited %d", args, rc);
    if (rc == 2)
        usage_check(args, out);
    free(err_text);
    err_text = NULL;
    if (!files_check(rc == 1 || rc == 2, args) || rc == 1 || rc == 2 || rc == 130)
        return 0;
    /* it wrote a file: again, with the write failing before its rename */
    setenv("TGM_TEST_FAIL_RENAME", "1", 1);
    rc = run_tgm(argc, argv, &out);
    unsetenv("TGM_TEST_FAIL_RENAME");
    if (show)
        fprintf(stderr, "%s, its write failing: status %d\n%s", args, rc, err_text);
    FUZZ_CHECK(rc == 2 || rc == 130, "'%s' exited %d when its write failed", args, rc);
    if (rc == 2) {
        usage_check(args, out);
        FUZZ_CHECK(strstr(err_text, "injected failure before the rename"),
                   "'%s' failed to write but did not say so:\n%s", args, err_text);
    }
    free(err_text);
    err_text = NULL;
    files_check(true, args);
    return 0;
}
