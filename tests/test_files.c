/* test_files.c: the files tgm reads and writes, under attack.
 *
 * The one writer (tgm_wopen, bytes.c) replaces a regular file atomically,
 * keeps its mode, follows symlinks, writes devices and FIFOs in place,
 * refuses to break hard links and leaves the old file intact when it fails
 * between write and rename; the source is never an output; every reader is
 * capped; a snapshot must keep the control program's invariants (sections
 * 4-6: the CP's words E[1..K-1], disjoint regions) and not only its checksum.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#define FAULT "TGM_TEST_FAIL_RENAME"

static const char hello_src[] = "        .entry start\n"
                                "start:  COUT  ch\n"
                                "        HALT\n"
                                "ch:     .word 'X'\n";


static void assert_file(const char *path, const char *want)
{
    size_t len;
    char *got = cs_slurp(path, &len);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(got, want, len);
    free(got);
}

static int group_setup(void **state)
{
    (void)state;
    unsetenv(FAULT);
    return cs_setup("files");
}

/* A test that failed with the fault injected must not pass it on. */
static int no_fault(void **state)
{
    (void)state;
    return unsetenv(FAULT);
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

/* ---- the writer ---------------------------------------------------------- */

static void writer__fifo_is_written_in_place(void **state)
{
    (void)state;
    const char *p = cs_tmp("fifo");
    unlink(p);
    assert_int_equal(mkfifo(p, 0600), 0);
    int rd = open(p, O_RDWR | O_NONBLOCK); /* a reader, so the open does not block */
    assert_true(rd >= 0);
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "hello", 5, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    char buf[8] = "";
    assert_int_equal(read(rd, buf, sizeof buf), 5);
    assert_memory_equal(buf, "hello", 5);
    close(rd);
    unlink(p);
    cs_assert_no_temporary();
}

/* /dev/stdout on a pipe, or bash's >(cmd), is a link to "pipe:[N]", which
 * only the kernel can follow: it was "cannot create a temporary file". */
static void writer__anonymous_pipe_through_dev_fd_is_written(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    char path[64], err[512];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fds[1]);
    struct stat st;
    if (lstat(path, &st) != 0)
        skip(); /* no /proc here */
    assert_int_equal(tgm_write_atomic(path, "piped", 5, err, sizeof err), 0);
    char buf[8] = "";
    assert_int_equal(read(fds[0], buf, sizeof buf), 5);
    assert_memory_equal(buf, "piped", 5);
    close(fds[0]);
    close(fds[1]);
}

/* /dev/fd/N on a regular file is the process's stream: what is written
 * joins what the descriptor already wrote, at its offset, and the file is
 * not replaced under it ('trace to /dev/stdout' with stdout redirected to a
 * file once replaced the monitor's own output). */
static void writer__own_descriptor_on_a_file_is_added_to(void **state)
{
    (void)state;
    const char *p = cs_tmp("stream");
    unlink(p);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd > 2);
    struct stat before, after;
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(write(fd, "before ", 7), 7);
    char path[64], err[512];
    snprintf(path, sizeof path, "/dev/fd/%d", fd);
    assert_int_equal(tgm_wcheck(path, err, sizeof err), 0);
    assert_int_equal(tgm_write_atomic(path, "written ", 8, err, sizeof err), 0);
    assert_int_equal(write(fd, "after", 5), 5);
    close(fd);
    assert_int_equal(stat(p, &after), 0);
    assert_int_equal(after.st_ino, before.st_ino);
    FILE *f = fopen(p, "r");
    char buf[64] = "";
    assert_non_null(f);
    assert_non_null(fgets(buf, sizeof buf, f));
    fclose(f);
    assert_string_equal(buf, "before written after");
    /* a descriptor that is not open is one error */
    snprintf(path, sizeof path, "/dev/fd/%d", 999);
    assert_int_equal(tgm_write_atomic(path, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "/dev/fd/999: "));
    /* however many digits it has: never the /dev/fd directory's fault */
    const char *big[] = {"/dev/fd/9999999", "/proc/self/fd/99999999999999999999"};
    for (size_t i = 0; i < 2; i++) {
        assert_int_equal(tgm_write_atomic(big[i], "x", 1, err, sizeof err), -1);
        snprintf(path, sizeof path, "%s: %s", big[i], strerror(EBADF));
        assert_string_equal(err, path);
    }
    unlink(p);
}

static void writer__char_device_is_written_in_place(void **state)
{
    (void)state;
    const char *p = cs_tmp("null");
    unlink(p);
    if (mknod(p, S_IFCHR | 0666, makedev(1, 3)) != 0)
        skip(); /* not root, or no devices here */
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "x", 1, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(p, &st), 0);
    assert_true(S_ISCHR(st.st_mode));
    unlink(p);
    cs_assert_no_temporary();
}

static void writer__symlink_is_followed_and_kept(void **state)
{
    (void)state;
    const char *target = cs_tmp("target.img"), *link = cs_tmp("link.img");
    cs_put_text(target, "old");
    unlink(link);
    assert_int_equal(symlink("target.img", link), 0); /* relative to its directory */
    char err[512];
    assert_int_equal(tgm_write_atomic(link, "new", 3, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file(target, "new");
    /* a dangling link: its target is created */
    unlink(target);
    assert_int_equal(tgm_write_atomic(link, "made", 4, err, sizeof err), 0);
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_file(target, "made");
    /* a loop is one clear error */
    const char *a = cs_tmp("loop-a"), *b = cs_tmp("loop-b");
    unlink(a);
    unlink(b);
    assert_int_equal(symlink("loop-b", a), 0);
    assert_int_equal(symlink("loop-a", b), 0);
    assert_int_equal(tgm_write_atomic(a, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "symbolic links"));
    unlink(a);
    unlink(b);
    unlink(link);
    unlink(target);
    cs_assert_no_temporary();
}

static void writer__keeps_the_old_mode(void **state)
{
    (void)state;
    const char *p = cs_tmp("private.img");
    cs_put_text(p, "old");
    assert_int_equal(chmod(p, 0600), 0);
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "new", 3, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_int_equal(chmod(p, 0751), 0);
    assert_int_equal(tgm_write_atomic(p, "newer", 5, err, sizeof err), 0);
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0751);
    assert_file(p, "newer");
    unlink(p);
}

/* A read-only file in a directory that takes files is replaced, as mv
 * replaces it (docs/robustness.md): the permission that counts is the
 * directory's, and the new file is read-only as the old one was. */
static void writer__a_read_only_file_is_replaced_as_mv_does(void **state)
{
    (void)state;
    const char *p = cs_tmp("read-only.img");
    cs_put_text(p, "old");
    assert_int_equal(chmod(p, 0444), 0);
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "new", 3, err, sizeof err), 0);
    assert_file(p, "new");
    struct cs_outcome o = cs_run_tgm("as", "examples/hello.s", "-o", p, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    struct stat st;
    assert_int_equal(stat(p, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0444);
    char *img = cs_slurp(p, NULL);
    assert_memory_equal(img, "TGMIMAGE", 8);
    free(img);
    cs_assert_no_temporary();
    unlink(p);
}

/* Replacing is by rename: a reader holding the old file keeps old bytes. */
static void writer__replaces_by_rename(void **state)
{
    (void)state;
    const char *p = cs_tmp("swap.img");
    cs_put_text(p, "old");
    int fd = open(p, O_RDONLY);
    assert_true(fd >= 0);
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "new!", 4, err, sizeof err), 0);
    char buf[8] = "";
    assert_int_equal(read(fd, buf, sizeof buf), 3);
    assert_memory_equal(buf, "old", 3);
    close(fd);
    assert_file(p, "new!");
    unlink(p);
}

static void writer__hard_links_and_directories_are_refused(void **state)
{
    (void)state;
    const char *p = cs_tmp("linked.img"), *q = cs_tmp("other-name.img"), *d = cs_tmp("adir");
    cs_put_text(p, "old");
    unlink(q);
    assert_int_equal(link(p, q), 0);
    char err[512];
    assert_int_equal(tgm_write_atomic(p, "new", 3, err, sizeof err), -1);
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "2 hard links"));
    assert_file(p, "old");
    assert_file(q, "old");
    unlink(q);
    rmdir(d);
    assert_int_equal(mkdir(d, 0700), 0);
    assert_int_equal(tgm_write_atomic(d, "x", 1, err, sizeof err), -1);
    assert_non_null(strstr(err, "is a directory"));
    rmdir(d);
    unlink(p);
    cs_assert_no_temporary();
}

static void writer__failure_before_rename_keeps_the_old_file(void **state)
{
    (void)state;
    const char *p = cs_tmp("keep.img");
    cs_put_text(p, "old");
    char err[512];
    setenv(FAULT, "1", 1);
    int rc = tgm_write_atomic(p, "new", 3, err, sizeof err);
    struct tgm_image img = {.load = 0, .nwords = 1, .words = (uint64_t[]){7}};
    int rc2 = image_write_file(p, &img, err, sizeof err);
    unsetenv(FAULT);
    assert_int_equal(rc, -1);
    assert_int_equal(rc2, -1);
    assert_non_null(strstr(err, "injected failure"));
    assert_file(p, "old");
    unlink(p);
    cs_assert_no_temporary();
}

/* ---- the CLI's writers --------------------------------------------------- */

static void expect_refusal(struct cs_outcome o, const char *want)
{
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, want);
    cs_outcome_free(&o);
}

static void as__the_source_is_never_the_output(void **state)
{
    (void)state;
    const char *src = cs_tmp("b.s"), *alias = cs_tmp("alias.s");
    cs_put_text(src, hello_src);
    char dotted[CS_PATH + 2];
    snprintf(dotted, sizeof dotted, "%s/./b.s", cs_tmpdir());
    expect_refusal(cs_run_tgm("as", src, "-o", dotted, NULL), "is the source");
    unlink(alias);
    assert_int_equal(symlink("b.s", alias), 0);
    expect_refusal(cs_run_tgm("as", src, "-o", alias, NULL), "is the source");
    unlink(alias);
    assert_file(src, hello_src);
    /* nor a file it includes: 'tgm as main.s -o lib.s' replaced lib.s */
    const char *main_src = cs_tmp("main.s");
    cs_put_text(main_src, ".include \"b.s\"\n");
    expect_refusal(cs_run_tgm("as", main_src, "-o", dotted, NULL), "b.s, which is the output");
    expect_refusal(cs_run_tgm("run", main_src, "--dump", dotted, NULL), "--dump: ");
    expect_refusal(cs_run_tgm("run", "--vmm", main_src, "--timeline", src, NULL), "includes");
    assert_file(src, hello_src);
}

/* SRC := the hello program, assembled to IMG. */
static void hello_image(const char *src, const char *img)
{
    cs_put_text(src, hello_src);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* tgm run's outputs (--dump, --timeline) are never one of its images
 * under any name, nor a directory: refused before the run, the image
 * intact. */
static void run__an_output_is_never_an_input(void **state)
{
    (void)state;
    const char *src = cs_tmp("r.s"), *img = cs_tmp("r.img"), *alias = cs_tmp("r-alias");
    hello_image(src, img);
    size_t len;
    char *before = cs_slurp(img, &len);
    char dotted[CS_PATH + 2];
    snprintf(dotted, sizeof dotted, "%s/./r.img", cs_tmpdir());
    unlink(alias);
    assert_int_equal(symlink("r.img", alias), 0);
    expect_refusal(cs_run_tgm("run", img, "--dump", dotted, NULL), "is the image");
    expect_refusal(cs_run_tgm("run", "--vmm", "--timeline", alias, src, img, NULL),
                   "is the image");
    expect_refusal(cs_run_tgm("run", "--nest", "1", img, "--dump", alias, NULL), "--dump");
    expect_refusal(cs_run_tgm("run", img, "--dump", cs_tmpdir(), NULL), "is a directory");
    /* an --input-file is an input too: read before the run, gone after it */
    expect_refusal(cs_run_tgm("run", "--input-file", src, img, "--dump", src, NULL),
                   "is the input file");
    expect_refusal(cs_run_tgm("run", "--vmm", "--input-file", src, "--timeline", src, img, NULL),
                   "is the input file");
    size_t after_len;
    char *after = cs_slurp(img, &after_len);
    assert_int_equal(after_len, len);
    assert_memory_equal(after, before, len);
    assert_file(src, hello_src);
    free(before);
    free(after);
    unlink(alias);
}

/* Every CLI writer, made to fail between its write and its rename: the
 * old file is intact and no temporary is left. */
static void cli__every_writer_survives_a_failure_before_rename(void **state)
{
    (void)state;
    const char *src = cs_tmp("w.s"), *img = cs_tmp("w.img"), *out = cs_tmp("out");
    hello_image(src, img);
    struct cs_outcome o;
    const char *cmds[][8] = {
        {"as", src, "-o", out, NULL},
        {"dis", img, "-o", out, NULL},
        {"run", img, "--dump", out, "--quiet", NULL},
        {"run", "--vmm", "--timeline", out, "--quiet", img, NULL},
    };
    setenv(FAULT, "1", 1);
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        cs_put_text(out, "precious");
        o = cs_run_tgm_argv(cmds[i][0], cmds[i] + 1);
        assert_int_not_equal(o.status, 0);
        assert_non_null(strstr(o.err, "injected failure"));
        cs_outcome_free(&o);
        assert_file(out, "precious");
    }
    /* the monitor's snapshot, trace, log and timeline: a lost file fails
     * the command that ends it, or the session */
    const char *json = cs_tmp("out.json");
    const char *lines[][2] = {
        {"load %s; save %s", out},
        {"load %s; trace insns to %s; go; trace off", out},
        {"load %s; trace insns to %s; go", out},
        {"load %s; log %s; regs; log off", out},
        {"load %s; log %s; regs", out},
        {"vm create a 256 %s; timeline on; go; timeline %s", json},
    };
    char line[3 * CS_PATH];
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        snprintf(line, sizeof line, lines[i][0], src, lines[i][1]);
        cs_put_text(lines[i][1], "precious");
        o = cs_run_tgm("monitor", "-c", line, NULL);
        if (o.status != 1 || !strstr(o.err, "injected failure")) {
            print_error("'%s': status %d, stderr '%s'\n", line, o.status, o.err);
            fail();
        }
        cs_outcome_free(&o);
        assert_file(lines[i][1], "precious");
    }
    unlink(json);
    snprintf(line, sizeof line, "load %s; trace insns to %s; go; trace off", src, out);
    unsetenv(FAULT);
    cs_assert_no_temporary();
    /* and without the fault, each writes */
    o = cs_run_tgm("monitor", "-c", line, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    char *t = cs_slurp(out, NULL);
    assert_non_null(strstr(t, "COUT"));
    free(t);
    unlink(out);
}

static void dis__writes_through_symlinks_and_keeps_the_mode(void **state)
{
    (void)state;
    const char *src = cs_tmp("d.s"), *img = cs_tmp("d.img"), *target = cs_tmp("d-target.s"),
               *link = cs_tmp("d-link.s");
    cs_put_text(src, hello_src);
    struct cs_outcome o = cs_run_tgm("as", src, "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    cs_put_text(target, "old");
    assert_int_equal(chmod(target, 0640), 0);
    unlink(link);
    assert_int_equal(symlink(target, link), 0);
    o = cs_run_tgm("dis", img, "-o", link, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    struct stat st;
    assert_int_equal(lstat(link, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(stat(target, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0640);
    char *t = cs_slurp(target, NULL);
    assert_non_null(strstr(t, "COUT"));
    free(t);
    expect_refusal(cs_run_tgm("dis", img, "-o", img, NULL), "is the image");
    unlink(link);
    cs_assert_no_temporary();
}

/* ---- capped readers ------------------------------------------------------ */

static void readers__dev_zero_is_refused_with_its_limit(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("as", "/dev/zero", "-o", cs_tmp("z.img"), NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "/dev/zero: error: larger than 16777216 bytes"));
    cs_outcome_free(&o);

    const char *inc = cs_tmp("inc.s");
    cs_put_text(inc, ".include \"/dev/zero\"\n");
    o = cs_run_tgm("as", inc, "-o", cs_tmp("z.img"), NULL);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.err, "include file '/dev/zero' is larger than 16777216 bytes"));
    cs_outcome_free(&o);

    o = cs_run_tgm("monitor", "-f", "/dev/zero", NULL);
    assert_int_not_equal(o.status, 0);
    cs_assert_one_line(&o, "/dev/zero:1: line longer than 1048576 bytes");
    cs_outcome_free(&o);

    o = cs_run_tgm("monitor", "-c", "load /dev/zero", NULL); /* binary: an image */
    assert_int_not_equal(o.status, 0);
    assert_non_null(strstr(o.err, "larger than 71303208 bytes, the limit for a tgm image"));
    cs_outcome_free(&o);

    o = cs_run_tgm("monitor", "-c", "restore /dev/zero", NULL);
    assert_int_not_equal(o.status, 0);
    assert_non_null(strstr(o.err, "/dev/zero: larger than 268435456 bytes, the limit for a snapshot"));
    cs_outcome_free(&o);

    o = cs_run_tgm("run", "--input-file", "/dev/zero", inc, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "/dev/zero: larger than 67108864 bytes, the limit for console input");
    cs_outcome_free(&o);

    o = cs_run_tgm("dis", "/dev/zero", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "the limit for a tgm image");
    cs_outcome_free(&o);
    assert_false(access(cs_tmp("z.img"), F_OK) == 0);
}

/* The monitor's 'load' reads a damaged image as an image, as 'tgm run'
 * does: an empty or cut-short .img, or binary bytes without the magic,
 * were assembled (an empty one "loaded" 0 words, the rest gave assembly
 * errors about stray bytes).  A text file of any name is still a source. */
static void monitor__load_of_a_damaged_image_is_refused_as_an_image(void **state)
{
    (void)state;
    const char *empty = cs_tmp("empty.img"), *cut = cs_tmp("cut.img"), *junk = cs_tmp("junk.bin");
    const char *text = cs_tmp("prog.txt");
    cs_put_text(empty, "");
    cs_put_text(cut, "TGMIMA"); /* the magic, cut short */
    char bytes[64] = "XXXXXXXX"; /* a header's length, zeros after the text */
    cs_write_bytes(junk, bytes, sizeof bytes);
    cs_put_text(text, hello_src);
    const struct {
        const char *path, *want;
    } cases[] = {
        {empty, "truncated header (0 bytes"},
        {cut, "truncated header (6 bytes"},
        {junk, "bad magic (not a tgm image)"},
    };
    char line[CS_PATH + 8];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        snprintf(line, sizeof line, "load %s", cases[i].path);
        struct cs_outcome o = cs_run_tgm("monitor", "-c", line, NULL);
        assert_int_equal(o.status, 1);
        cs_assert_one_line(&o, cases[i].want);
        cs_outcome_free(&o);
    }
    snprintf(line, sizeof line, "load %s; go", text);
    struct cs_outcome o = cs_run_tgm("monitor", "-c", line, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "X"));
    cs_outcome_free(&o);
}

/* ---- snapshots: the control program's invariants ------------------------- */

struct mfx {
    struct mon *m;
    FILE *out, *err;
    char *obuf, *ebuf;
    size_t olen, elen;
};

static void mfx_open(struct mfx *f)
{
    *f = (struct mfx){0};
    f->out = open_memstream(&f->obuf, &f->olen);
    f->err = open_memstream(&f->ebuf, &f->elen);
    f->m = mon_create(f->out, f->err);
    assert_non_null(f->m);
}

static void mfx_close(struct mfx *f)
{
    mon_destroy(f->m);
    fclose(f->out);
    fclose(f->err);
    free(f->obuf);
    free(f->ebuf);
}

static int mon_cmd(struct mfx *f, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    int rc = mon_exec_line(f->m, line);
    fflush(f->out);
    fflush(f->err);
    return rc;
}

/* The data of section TAG in snapshot BUF: offset and length. */
static size_t section_at(const uint8_t *buf, size_t len, const char *tag, size_t *slen)
{
    size_t off = 16;
    while (off + 16 <= len - 8) {
        size_t n = (size_t)le_read(buf + off + 8, 8);
        if (!memcmp(buf + off, tag, 4)) {
            *slen = n;
            return off + 16;
        }
        off += 16 + n;
    }
    *slen = 0; /* fail_msg returns as far as gcc -O3 knows */
    fail_msg("no section %s", tag);
    return 0;
}

static void reseal(uint8_t *buf, size_t len)
{
    le_write(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
}

static void snapshot__valid_checksum_but_broken_cp_is_refused(void **state)
{
    (void)state;
    struct mfx f;
    mfx_open(&f);
    const char *src = cs_tmp("s.s"), *snap = cs_tmp("cp.snap"), *bad = cs_tmp("bad.snap");
    cs_put_text(src, hello_src);
    assert_int_equal(mon_cmd(&f, "vm create a 1024 %s", src), 0);
    assert_int_equal(mon_cmd(&f, "vm create b 1024 %s", src), 0);
    assert_int_equal(mon_cmd(&f, "save %s", snap), 0);
    size_t len;
    uint8_t *good = (uint8_t *)cs_slurp(snap, &len);
    struct vmm *v = mon_vmm(f.m);
    uint64_t e1 = machine_mem(vmm_machine(v))[1];
    size_t rlen, clen;
    size_t real = section_at(good, len, "REAL", &rlen);
    size_t cpst = section_at(good, len, "CPST", &clen);
    uint32_t q = machine_q(vmm_machine(v));
    size_t mem = real + rlen - 8ull * q; /* E is the end of a machine state */
    char slice_why[80]; /* refused by vmm_state_load itself, at the field */
    snprintf(slice_why, sizeof slice_why, "offset %zu: time slice left of 1073741824 cycles",
             cpst + 40);
    struct {
        size_t at;
        uint64_t value;
        const char *why;
    } cases[] = {
        {mem + 8 * 1, 0x7FFFFFFFFFFFFFFFull, "real E[1]"},  /* the CP's PSW */
        {mem + 8 * 2, 0, "real E[2]"},                      /* the dispatcher's HCALL */
        {mem + 8 * 7, 1, "real E[7]"},
        {cpst + 40, 1u << 30, slice_why},                   /* slice_left > slice */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        uint8_t *b = malloc(len);
        memcpy(b, good, len);
        le_write(b + cases[i].at, cases[i].value, 8);
        reseal(b, len);
        cs_write_bytes(bad, b, len);
        free(b);
        size_t emark = f.elen;
        assert_int_equal(mon_cmd(&f, "restore %s", bad), -1);
        const char *e = f.ebuf + emark;
        if (!strstr(e, cases[i].why)) {
            print_error("case %zu: error '%s' does not say '%s'\n", i, e, cases[i].why);
            fail();
        }
        assert_ptr_equal(mon_vmm(f.m), v); /* nothing changed */
        assert_int_equal(machine_mem(vmm_machine(v))[1], e1);
    }
    assert_int_equal(mon_cmd(&f, "restore %s", snap), 0);
    free(good);
    mfx_close(&f);
}

/* ---- the monitor's growing files ----------------------------------------- */

/* A log, like a trace, appears under its name only when it ends, complete:
 * until then the old file is intact (it was truncated at 'log FILE'), and
 * a file that cannot be put in place fails what ended it. */
static void monitor__log_and_trace_appear_whole_when_they_end(void **state)
{
    (void)state;
    struct mfx f;
    mfx_open(&f);
    const char *src = cs_tmp("l.s"), *log = cs_tmp("session.log"), *trace = cs_tmp("l.trace");
    cs_put_text(src, hello_src);
    cs_put_text(log, "precious");
    cs_put_text(trace, "precious");
    assert_int_equal(mon_cmd(&f, "load %s", src), 0);
    assert_int_equal(mon_cmd(&f, "log %s", log), 0);
    assert_int_equal(mon_cmd(&f, "trace insns to %s", trace), 0);
    assert_int_equal(mon_cmd(&f, "go"), 0);
    assert_file(log, "precious");
    assert_file(trace, "precious");
    assert_int_equal(mon_cmd(&f, "trace off"), 0);
    assert_int_equal(mon_cmd(&f, "log off"), 0);
    char *t = cs_slurp(trace, NULL), *l = cs_slurp(log, NULL);
    assert_non_null(strstr(t, "COUT"));
    assert_non_null(strstr(l, "HALT"));
    free(t);
    /* lost at 'log off', and at the end of the session */
    setenv(FAULT, "1", 1);
    assert_int_equal(mon_cmd(&f, "log %s", log), 0);
    assert_int_equal(mon_cmd(&f, "echo lost"), 0);
    assert_int_equal(mon_cmd(&f, "log off"), -1);
    assert_int_equal(mon_cmd(&f, "trace insns to %s", trace), 0);
    assert_int_equal(mon_cmd(&f, "go"), 0);
    assert_int_equal(mon_end(f.m), -1);
    unsetenv(FAULT);
    assert_non_null(strstr(f.ebuf, "log: "));
    assert_non_null(strstr(f.ebuf, "trace: "));
    assert_file(log, l);
    free(l);
    assert_int_equal(mon_end(f.m), 0); /* nothing left to end */
    mfx_close(&f);
    cs_assert_no_temporary();
}

/* 'log F' then 'trace ... to F' (or 'save F', 'timeline F'): whichever
 * ended last replaced the other's file, silently.  Writing where an open
 * log or trace will go is refused, by name or through a link. */
static void monitor__no_writer_takes_the_open_log_or_traces_file(void **state)
{
    (void)state;
    struct mfx f;
    mfx_open(&f);
    const char *src = cs_tmp("w.s"), *log = cs_tmp("both.log"), *link = cs_tmp("both.lnk");
    const char *trace = cs_tmp("both.trace");
    cs_put_text(src, hello_src);
    unlink(log);
    unlink(link);
    assert_int_equal(symlink(log, link), 0);
    assert_int_equal(mon_cmd(&f, "vm create a 100 %s", src), 0);
    assert_int_equal(mon_cmd(&f, "timeline on"), 0);
    assert_int_equal(mon_cmd(&f, "log %s", log), 0);
    assert_int_equal(mon_cmd(&f, "trace insns to %s", link), -1);
    assert_non_null(strstr(f.ebuf, "the log goes there until 'log off'"));
    assert_int_equal(mon_cmd(&f, "save %s", log), -1);
    assert_int_equal(mon_cmd(&f, "go"), 0);
    assert_int_equal(mon_cmd(&f, "timeline %s", link), -1);
    assert_int_equal(mon_cmd(&f, "log %s", log), 0); /* a new log replaces its own */
    assert_int_equal(mon_cmd(&f, "trace insns to %s", trace), 0);
    assert_int_equal(mon_cmd(&f, "log %s", trace), -1);
    assert_non_null(strstr(f.ebuf, "the trace goes there until 'trace off'"));
    assert_int_equal(mon_cmd(&f, "trace off"), 0);
    assert_int_equal(mon_cmd(&f, "log off"), 0);
    char *l = cs_slurp(log, NULL);
    assert_non_null(strstr(l, "log off")); /* the log, not a snapshot or a trace */
    free(l);
    mfx_close(&f);
    unlink(link);
    cs_assert_no_temporary();
}

/* 'load /dev/stdin' with a source on a pipe loaded an empty image: the
 * bytes read to tell image from source were gone when the assembler read. */
static void monitor__load_from_a_pipe_loses_no_bytes(void **state)
{
    (void)state;
    struct mfx f;
    mfx_open(&f);
    static const char *const progs[] = {hello_src, "BAD\n", ""};
    static const char *const want[] = {"3 words at 0", "unknown mnemonic 'BAD'",
                                       "truncated header (0 bytes"};
    if (access("/proc/self/fd", F_OK) != 0)
        skip();
    for (size_t i = 0; i < 3; i++) {
        int fds[2];
        assert_int_equal(pipe(fds), 0);
        assert_int_equal(write(fds[1], progs[i], strlen(progs[i])), (ssize_t)strlen(progs[i]));
        close(fds[1]);
        assert_int_equal(mon_cmd(&f, "load /proc/self/fd/%d", fds[0]), i == 0 ? 0 : -1);
        close(fds[0]);
        assert_non_null(strstr(i == 0 ? f.obuf : f.ebuf, want[i]));
    }
    mfx_close(&f);
}

/* SIGTERM (or SIGHUP: the terminal closed) during a run killed the monitor
 * with the log still in its temporary file: the log lost, the temporary
 * left.  The run stops, the session ends and the log is put in place. */
/* PID's CPU time so far, in clock ticks (/proc/PID/stat's utime +
 * stime), or -1. */
static long cpu_ticks(pid_t pid)
{
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    if (f)
        fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* past the command's name */
    long ut, st;
    if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &ut, &st) != 2)
        return -1;
    return ut + st;
}

static void monitor__sigterm_puts_the_log_in_place(void **state)
{
    (void)state;
    const char *src = cs_tmp("spin.s"), *log = cs_tmp("killed.log");
    cs_put_text(src, "        .entry s\ns:      JMP   s\n");
    unlink(log);
    char cmds[2 * CS_PATH + 64];
    snprintf(cmds, sizeof cmds, "log %s; load %s; set limit 0; go; echo not reached", log, src);
    pid_t pid = cs_spawn_monitor_silent(cmds);
    /* the log's temporary file shows the handlers are in place */
    for (int i = 0; i < 1000 && !cs_has_file_starting(cs_tmpdir(), "killed.log.tmp"); i++)
        usleep(10000);
    /* and the run under way: half a second of its CPU time, far more than
     * the set-up and the load take, so the signal meets 'go' */
    for (long t = 0; (t = cpu_ticks(pid)) >= 0 && t < 50;)
        usleep(10000); /* (no /proc: at once) */
    assert_int_equal(kill(pid, SIGTERM), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 128 + SIGTERM);
    char *text = cs_slurp(log, NULL);
    assert_non_null(strstr(text, "interrupted"));
    assert_null(strstr(text, "\nnot reached\n")); /* the echo's output (the line is logged) */
    free(text);
    cs_assert_no_temporary();
}

/* ---- what the fuzzers found ----------------------------------------------- */

/* fuzz_monitor: 'go 10 t0' set P := 10 and then refused its arguments. */
static void monitor__refused_go_leaves_p_as_it_was(void **state)
{
    (void)state;
    FILE *out = fopen("/dev/null", "w"), *err = fopen("/dev/null", "w");
    struct mon *m = mon_create(out, err);
    const char *src = cs_tmp("go.s");
    cs_put_text(src, hello_src);
    char line[CS_PATH + 8];
    snprintf(line, sizeof line, "load %s", src);
    assert_int_equal(mon_exec_line(m, line), 0);
    uint64_t psw = machine_get_psw(mon_machine(m));
    assert_int_equal(mon_exec_line(m, "go 10 t0"), -1);
    assert_int_equal(machine_get_psw(mon_machine(m)), psw);
    mon_destroy(m);
    fclose(out);
    fclose(err);
}

#define T(f) cmocka_unit_test_setup(f, no_fault)
int main(void)
{
    const struct CMUnitTest tests[] = {
        T(writer__fifo_is_written_in_place),
        T(writer__char_device_is_written_in_place),
        T(writer__anonymous_pipe_through_dev_fd_is_written),
        T(writer__own_descriptor_on_a_file_is_added_to),
        T(writer__symlink_is_followed_and_kept),
        T(writer__keeps_the_old_mode),
        T(writer__a_read_only_file_is_replaced_as_mv_does),
        T(writer__replaces_by_rename),
        T(writer__hard_links_and_directories_are_refused),
        T(writer__failure_before_rename_keeps_the_old_file),
        T(as__the_source_is_never_the_output),
        T(run__an_output_is_never_an_input),
        T(cli__every_writer_survives_a_failure_before_rename),
        T(dis__writes_through_symlinks_and_keeps_the_mode),
        T(readers__dev_zero_is_refused_with_its_limit),
        T(monitor__load_of_a_damaged_image_is_refused_as_an_image),
        T(snapshot__valid_checksum_but_broken_cp_is_refused),
        T(monitor__refused_go_leaves_p_as_it_was),
        T(monitor__log_and_trace_appear_whole_when_they_end),
        T(monitor__no_writer_takes_the_open_log_or_traces_file),
        T(monitor__load_from_a_pipe_loses_no_bytes),
        T(monitor__sigterm_puts_the_log_in_place),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
