/* test_audit_rob.c: what docs/robustness.md promises for bad input, found
 * broken by an audit; each test fails on the tree before its fix.
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
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/bytes.h"

/* 'log F' then 'load F' is refused in one line when F is not a source
 * (the log of an earlier session): the assembler read it first and said
 * its errors, line by line, instead. */
static void load__the_log_file_is_refused_before_it_is_read(void **state)
{
    (void)state;
    char f[CS_PATH], cmds[3 * CS_PATH];
    cs_write_text(f, sizeof f, "old.log", "tgm> print 'ab'\nnot a source > at all\n");
    snprintf(cmds, sizeof cmds, "log %s; load %s", f, f);
    cs_mon_fails(cmds, "the log goes there until 'log off'; a program is not loaded from it");
    cs_write_text(f, sizeof f, "old.log", "not a source > at all\n");
    snprintf(cmds, sizeof cmds, "trace insns to %s; vm create g 4096 %s", f, f);
    cs_mon_fails(cmds, "the trace goes there until 'trace off'; a program is not loaded from it");
}

static void close_stdin(void)
{
    close(STDIN_FILENO);
}

/* TMPL's words, "SRC" and "IMG" replaced by those files, into ARGS, ended
 * by NULL. */
static void fill_args(const char *const *tmpl, const char *src, const char *img,
                      const char **args)
{
    size_t n = 0;
    for (; tmpl[n]; n++)
        args[n] = !strcmp(tmpl[n], "SRC") ? src : !strcmp(tmpl[n], "IMG") ? img : tmpl[n];
    args[n] = NULL;
}

/* "A closed standard input is opened for writing only, so reading it
 * fails as reading a closed one would": by its name (/dev/stdin, '-',
 * /dev/fd/0) it was opened afresh, read /dev/null, and a script, a
 * source, console input or an image was taken to be empty. */
static void stdin__closed_fails_by_its_name_too(void **state)
{
    (void)state;
    char img[CS_PATH], src[CS_PATH];
    cs_tmp_path(img, sizeof img, "closed.img");
    cs_write_text(src, sizeof src, "closed.s", "HALT\n");
    static const struct {
        const char *sub, *args[6], *why;
        int status;
    } runs[] = {
        {"monitor", {"-f", "/dev/stdin"}, "cannot open script '/dev/stdin': Bad file descriptor", 2},
        {"run", {"SRC", "--input-file", "-"}, "--input-file: -: Bad file descriptor", 2},
        {"run", {"/dev/fd/0"}, "tgm: run: /dev/fd/0: Bad file descriptor", 2},
        {"monitor", {"-c", "load /dev/stdin"}, "cannot open '/dev/stdin': Bad file descriptor", 1},
        {"as", {"/dev/stdin", "-o", "IMG"}, "/dev/stdin: error: Bad file descriptor", 1},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *args[8];
        fill_args(runs[i].args, src, img, args);
        struct cs_outcome o = cs_finish_tgm(cs_start_tgm_with(-1, close_stdin, runs[i].sub, args));
        if (o.status != runs[i].status || !strstr(o.err, runs[i].why))
            fail_msg("tgm %s %s with stdin closed: status %d, stderr \"%s\"; want %d and \"%s\"",
                     runs[i].sub, runs[i].args[0], o.status, o.err, runs[i].status, runs[i].why);
        cs_outcome_free(&o);
    }
    assert_null(fopen(img, "rb")); /* 'as' wrote nothing */
}

static void close_stdout(void)
{
    close(STDOUT_FILENO);
}

/* "a descriptor that is not open is one error line": a standard stream
 * the shell closed (tgm ... <&-) is still not open when named as an
 * output.  A closed standard input, held by a write-only /dev/null, took
 * the image or the dump there and the command said it succeeded; a closed
 * standard output was said to be "open only for reading". */
static void write__to_a_closed_standard_stream_is_refused(void **state)
{
    (void)state;
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "shut.s", "HALT\n");
    static const struct {
        void (*prep)(void);
        const char *sub, *args[5], *why;
    } runs[] = {
        {close_stdin, "as", {"SRC", "-o", "/dev/stdin"},
         "tgm: as: /dev/stdin: Bad file descriptor\n"},
        {close_stdin, "run", {"--dump", "/proc/self/fd/0", "SRC"},
         "tgm: run: --dump: /proc/self/fd/0: Bad file descriptor\n"},
        {close_stdout, "as", {"SRC", "-o", "/dev/stdout"},
         "tgm: as: /dev/stdout: Bad file descriptor\n"},
        {close_stdout, "dis", {"IMG", "-o", "/dev/fd/1"},
         "tgm: dis: /dev/fd/1: Bad file descriptor\n"},
    };
    char img[CS_PATH];
    cs_tmp_path(img, sizeof img, "shut.img");
    cs_tgm_prints("", "as", CS_ARGV(src, "-o", img));
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        const char *args[6];
        fill_args(runs[i].args, src, img, args);
        struct cs_outcome o =
            cs_finish_tgm(cs_start_tgm_with(-1, runs[i].prep, runs[i].sub, args));
        if (o.status != 2 || strcmp(o.err, runs[i].why))
            fail_msg("tgm %s with the stream closed: status %d, stderr \"%s\"; want 2 and \"%s\"",
                     runs[i].sub, o.status, o.err, runs[i].why);
        cs_outcome_free(&o);
    }
}

/* One clear line for a bad command, not a silent choice: 'go for 5
 * cycles 100' ran 100 steps, the 'for' dropped (the later count won). */
static void go__for_and_cycles_together_are_refused(void **state)
{
    (void)state;
    static const char why[] = "'for' and 'cycles' are two limits: give one";
    cs_mon_fails("load examples/sum.s; go for 5 cycles 100", why);
    cs_mon_fails("load examples/sum.s; continue cycles 100 for 5", why);
    cs_mon_fails("load examples/sum.s; go loop for 5 cycles 100", why);
    /* refused before it ran: P as it was */
    cs_mon_prints("set on-error continue; load examples/sum.s; go loop for 5 cycles 9; "
                  "print/x P",
                  "0x2");
}

/* "follows it (relative links from the link's directory, at most 40
 * hops)": a chain of 40 links, which the kernel follows, was refused as
 * too many levels (only 39 were followed); 41 are. */
static void write__through_forty_links(void **state)
{
    (void)state;
    char src[CS_PATH], target[CS_PATH], link[CS_PATH], prev[CS_PATH];
    cs_write_text(src, sizeof src, "links.s", "HALT\n");
    cs_write_text(target, sizeof target, "l0.img", "old\n");
    snprintf(prev, sizeof prev, "l0.img");
    for (int i = 1; i <= 41; i++) {
        char name[32];
        snprintf(name, sizeof name, "l%d", i);
        cs_tmp_path(link, sizeof link, name);
        assert_int_equal(symlink(prev, link), 0);
        snprintf(prev, sizeof prev, "%s", name);
        if (i < 40)
            continue;
        struct cs_outcome o = cs_run_tgm("as", src, "-o", link, NULL);
        if (i == 40 && o.status != 0)
            fail_msg("40 links: status %d, stderr \"%s\"", o.status, o.err);
        if (i == 41) {
            assert_int_equal(o.status, 2);
            cs_assert_one_line(&o, "l41: too many levels of symbolic links");
        }
        cs_outcome_free(&o);
    }
    char *img = cs_slurp(target, NULL);
    assert_memory_equal(img, "TGMIMAGE", 8); /* replaced through the 40 */
    free(img);
    cs_assert_no_temporary();
}

/* "one line naming the file (and the line or byte offset where it can)":
 * a snapshot's version, at offset 8 as an image's is, was named without
 * it. */
static void restore__the_version_is_named_with_its_offset(void **state)
{
    (void)state;
    static const unsigned char snap[24] = {'T', 'G', 'M', 'S', 'N', 'A', 'P', 0, 9};
    char path[CS_PATH], cmds[CS_PATH + 16];
    cs_tmp_path(path, sizeof path, "v9.snap");
    cs_write_bytes(path, snap, sizeof snap);
    snprintf(cmds, sizeof cmds, "restore %s", path);
    cs_mon_fails(cmds, "v9.snap: offset 8: unsupported snapshot version 9 (this tgm reads 1 to");
}

/* robustness.md: a file replaced keeps its mode, setuid and setgid too.
 * The writer set the mode before writing, and a write by one without
 * CAP_FSETID clears both bits: run as root, the child drops to nobody
 * (skipped where it cannot). */
static void write__a_setuid_file_keeps_its_bits(void **state)
{
    (void)state;
    /* not the suite's directory, which only its owner may enter */
    const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[CS_PATH], path[CS_PATH + 8];
    snprintf(dir, sizeof dir, "%s/tgm-suid-XXXXXX", tmp);
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chmod(dir, 0777), 0);
    snprintf(path, sizeof path, "%s/f", dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        if (geteuid() == 0 && (setgroups(0, NULL) != 0 || setgid(65534) != 0 ||
                               setuid(65534) != 0))
            _exit(77);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
        struct stat st;
        if (fd < 0 || write(fd, "old", 3) != 3 || close(fd) != 0 || chmod(path, 06755) != 0 ||
            stat(path, &st) != 0 || (st.st_mode & 07777) != 06755)
            _exit(77); /* (a filesystem that takes no such bits) */
        char err[256];
        if (tgm_write_atomic(path, "new", 3, err, sizeof err) != 0 || stat(path, &st) != 0)
            _exit(2);
        _exit((st.st_mode & 07777) == 06755 ? 0 : 1);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    unlink(path);
    rmdir(dir);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) == 77)
        skip();
    assert_int_equal(WEXITSTATUS(st), 0);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_rob");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* 'tgm --version x' printed the version and exited 0, where 'tgm help x y'
 * refuses its extra word; '--he' got no guess, though docs/run.md's rule
 * gives the one name a word begins ('--help' was not among the names). */
static void top_level__extra_words_and_help_guessed(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: --version: unexpected argument 'x' (it takes none)", "--version",
                 CS_ARGV("x"));
    struct cs_outcome o = cs_run_tgm("--version", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "tgm "));
    cs_outcome_free(&o);
    o = cs_run_tgm("--he", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: unknown command '--he' (did you mean '--help'?)");
    cs_outcome_free(&o);
}

/* "(try a larger --mem)" was said of an image larger than any --mem the
 * command allows there (a guest under one level has at most 523,648
 * words), which the larger --mem would then refuse. */
static void mem_hint__only_where_a_larger_mem_would_do(void **state)
{
    (void)state;
    char big[CS_PATH];
    cs_write_text(big, sizeof big, "big.s",
                  "        .entry start\nstart:  HALT\n        .org 523700\n        .word 1\n");
    struct cs_outcome o = cs_run_tgm("run", "--nest", "1", "--mem", "523648", big, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "image needs words 0..523700 but the machine has 523648 words (no "
                           "--mem is large enough: a guest has at most 523648 words here)");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--mem", "100", big, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "(try a larger --mem)");
    cs_outcome_free(&o);
    cs_tgm_fails(2, "image needs words 0..34 but the machine has 16 words (try a larger --mem)",
                 "check", CS_ARGV("--nest", "1", "--mem", "16", "examples/sum.s"));
    /* several VMs share the real memory: 2 have at most 262140 words each
     * (the larger --mem was then refused as too large for 2) */
    cs_tgm_fails(2, "(no --mem is large enough: a guest has at most 262140 words here)", "run",
                 CS_ARGV("--vmm", "--vms", "2", "--mem", "262140", big));
    cs_tgm_fails(2, "(no --mem is large enough: a guest has at most 262140 words here)",
                 "check", CS_ARGV("--mem", "262140", big, "examples/sum.s"));
    cs_tgm_fails(2, "image needs words 0..34 but the machine has 16 words (try a larger --mem)",
                 "run", CS_ARGV("--vmm", "--vms", "2", "--mem", "16", "examples/sum.s"));
}

/* docs/robustness.md: /dev/stdin is the process's own stream, written in
 * place, and one open only for reading is one error line.  It was taken
 * for a link: a file redirected to standard input was replaced by the
 * dump or the image, and a pipe there hung the writer on itself. */
static void write__to_stdin_open_for_reading_is_refused(void **state)
{
    (void)state;
    char notes[CS_PATH], img[CS_PATH];
    cs_write_text(notes, sizeof notes, "notes.txt", "notes\n");
    static const struct {
        const char *sub, *args[5], *why;
    } runs[] = {
        {"run", {"--dump", "/dev/stdin", "examples/sum.s"},
         "tgm: run: --dump: /dev/stdin: Bad file descriptor (open only for reading)"},
        {"run", {"--vmm", "--timeline", "/dev/fd/0", "examples/sum.s"},
         "tgm: run: --timeline: /dev/fd/0: Bad file descriptor (open only for reading)"},
        {"as", {"examples/sum.s", "-o", "/dev/stdin"},
         "tgm: as: /dev/stdin: Bad file descriptor (open only for reading)"},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        for (int pipe_in = 0; pipe_in < 2; pipe_in++) {
            int fd, p[2] = {-1, -1};
            if (pipe_in) { /* a writer that never writes: the read end stays open */
                assert_int_equal(pipe(p), 0);
                fd = p[0];
            } else {
                fd = open(notes, O_RDONLY);
            }
            assert_true(fd >= 0);
            struct cs_outcome o = cs_finish_tgm(cs_start_tgm(fd, runs[i].sub, runs[i].args));
            close(fd);
            if (p[1] >= 0)
                close(p[1]);
            if (o.status != 2 || !strstr(o.err, runs[i].why))
                fail_msg("tgm %s ... %s: status %d, stderr \"%s\"; want 2 and \"%s\"",
                         runs[i].sub, pipe_in ? "| from a pipe" : "< notes.txt", o.status,
                         o.err, runs[i].why);
            cs_outcome_free(&o);
        }
    }
    char *kept = cs_slurp(notes, NULL);
    assert_string_equal(kept, "notes\n");
    free(kept);
    /* open for reading and writing (<>), it is written in place */
    cs_tmp_path(img, sizeof img, "rw.img");
    int fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    struct cs_outcome o =
        cs_finish_tgm(cs_start_tgm(fd, "as", CS_ARGV("examples/sum.s", "-o", "/dev/stdin")));
    close(fd);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t n;
    char *w = cs_slurp(img, &n);
    assert_memory_equal(w, "TGMIMAGE", 8);
    free(w);
}

/* docs/run.md: a file on standard input is read afresh, from its first
 * byte, whatever offset it was left at, and the offset is left as it
 * was; --timeline's .svg in any case; '--=5' names no option, so it is
 * unknown, not ambiguous between all of them. */
static void cli__stdin_afresh_svg_any_case_and_an_empty_option(void **state)
{
    (void)state;
    char in[CS_PATH], src[CS_PATH], tl[CS_PATH];
    cs_write_text(in, sizeof in, "in6.txt", "ABCDEF");
    cs_write_text(src, sizeof src, "echo2.s",
                  "loop: CIN c\n\tBLT c, zero, done\n\tCOUT c\n\tJMP loop\ndone: HALT\n"
                  "c: .word 0\nzero: .word 0\n");
    int fd = open(in, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(lseek(fd, 2, SEEK_SET), 2);
    struct cs_outcome o =
        cs_finish_tgm(cs_start_tgm(fd, "run", CS_ARGV("--input-file", "-", src)));
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "ABCDEF"));
    assert_int_equal(lseek(fd, 0, SEEK_CUR), 2);
    close(fd);
    cs_outcome_free(&o);
    cs_tmp_path(tl, sizeof tl, "TL.SVG");
    cs_tgm_prints("", "run", CS_ARGV("--vmm", "--quiet", "--timeline", tl, "examples/sum.s"));
    char *b = cs_slurp(tl, NULL);
    assert_memory_equal(b, "<?xml", 5);
    free(b);
    cs_tgm_fails(2, "tgm: run: unknown option '--=5' (try 'tgm run --help')", "run",
                 CS_ARGV("--=5", src));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load__the_log_file_is_refused_before_it_is_read),
        cmocka_unit_test(stdin__closed_fails_by_its_name_too),
        cmocka_unit_test(write__to_a_closed_standard_stream_is_refused),
        cmocka_unit_test(go__for_and_cycles_together_are_refused),
        cmocka_unit_test(write__through_forty_links),
        cmocka_unit_test(restore__the_version_is_named_with_its_offset),
        cmocka_unit_test(top_level__extra_words_and_help_guessed),
        cmocka_unit_test(mem_hint__only_where_a_larger_mem_would_do),
        cmocka_unit_test(write__to_stdin_open_for_reading_is_refused),
        cmocka_unit_test(cli__stdin_afresh_svg_any_case_and_an_empty_option),
        cmocka_unit_test(write__a_setuid_file_keeps_its_bits),
    };
    return cmocka_run_group_tests_name("audit_rob", tests, group_setup, group_teardown);
}
