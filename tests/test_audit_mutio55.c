/* test_audit_mutio55.c: cases that a mutation audit of the byte helpers
 * and the one file writer (UTF-8 characters, one-line errors, the readers'
 * empty names, the writer's temporary files, owners and streams) and the
 * image writer found no other suite asserting.
 *
 * Each states a contract of include/tgm/bytes.h or include/tgm/image.h,
 * or a rule of docs/robustness.md or docs/run.md, at the edge a small
 * change to the product moved, named in its comment: overlong forms,
 * surrogates and code points past U+10FFFF are no UTF-8 characters, nor a
 * character missing its third byte; DEL and U+009F are escaped in an
 * error line; a line too long for a small buffer keeps both its ends; an
 * empty name is no file name to the readers; /dev/stderr is standard
 * error; the file standard error goes to is never replaced; a long name's
 * temporary file keeps its first 245 bytes; a failed rename or write
 * leaves no temporary; a name in the root directory names "/"; the old
 * file's group is kept, a new file's mode is 0666 less the umask; a
 * socket on standard input is read, once; every cause bit of an entry PSW is refused; an
 * image of exactly the size limit is written, one a byte larger is not;
 * a timer armed under E[1]'s I = 0 breaks no trap loop, and a jump to
 * itself that takes no trap is none.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* IMG := examples/hello.s assembled, in the temporary directory. */
static void hello_image(char *img, size_t len)
{
    cs_tmp_path(img, len, "hello.img");
    struct cs_outcome o = cs_run_tgm("as", "examples/hello.s", "-o", img, NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
}

/* ---- tgm_utf8_char: what is no UTF-8 character ------------------------- */

/* bytes.h: tgm_utf8_char is 0 for "an overlong form": C0 80 and C1 BF
 * (U+0000 and U+007F in two bytes) are none, C2 80 is the first two-byte
 * character.  (The lead byte's range from C0, not C2, takes them.) */
static void utf8_char__an_overlong_two_byte_form_is_none(void **state)
{
    (void)state;
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xc0\x80", 2), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xc1\xbf", 2), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xc2\x80", 2), 2);
}

/* bytes.h: "an overlong form" is none in three bytes too: after E0 the
 * second byte is A0..BF (E0 9F BF would be U+07FF again).  (E0's lower
 * bound of 0x80, as for the other leads, takes it.) */
static void utf8_char__an_overlong_three_byte_form_is_none(void **state)
{
    (void)state;
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xe0\x80\x80", 3), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xe0\x9f\xbf", 3), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xe0\xa0\x80", 3), 3);
}

/* bytes.h: "a surrogate" is none: ED A0 80 (U+D800) and ED BF BF (U+DFFF),
 * while ED 9F BF (U+D7FF) is a character.  (ED's upper bound of BF, as for
 * the other leads, takes them.) */
static void utf8_char__a_surrogate_is_none(void **state)
{
    (void)state;
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xed\xa0\x80", 3), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xed\xbf\xbf", 3), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xed\x9f\xbf", 3), 3);
}

/* bytes.h: a character "past U+10FFFF" is none: F4 90 80 80 (U+110000),
 * while F4 8F BF BF (U+10FFFF) is the last.  (F4's upper bound of BF takes
 * code points up to U+13FFFF.) */
static void utf8_char__past_u10ffff_is_none(void **state)
{
    (void)state;
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xf4\x90\x80\x80", 4), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xf4\x8f\xbf\xbf", 4), 4);
}

/* bytes.h: "a stray or missing continuation" is none wherever it is
 * missing, the third or fourth byte as well as the second.  (Checking the
 * continuations from the fourth byte on misses the third.) */
static void utf8_char__a_missing_third_byte_continuation_is_none(void **state)
{
    (void)state;
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xe2\x82\x41", 3), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xf0\x9f\x41\x80", 4), 0);
    assert_int_equal(tgm_utf8_char((const uint8_t *)"\xe2\x82\xac", 3), 3);
}
/* ---- tgm_vfprint_line: one line, whatever the text holds --------------- */

/* What tgm_vfprint_line writes for FMT, malloc'd. */
static char *line_of(const char *fmt, ...)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    va_list ap;
    va_start(ap, fmt);
    tgm_vfprint_line(f, fmt, ap);
    va_end(ap);
    assert_int_equal(fclose(f), 0);
    return buf;
}

/* docs/run.md: a control character in what an error quotes is shown
 * "\xHH, C1's too (a byte 0x80-0x9F on its own, or U+0080-U+009F in UTF-8,
 * each byte \xHH": U+009F, the last of C1, as well as U+0085, while U+00A0
 * is a character shown as it is.  (A bound of 0x9F for the second byte
 * lets U+009F through.) */
static void line__u009f_is_escaped_as_c1(void **state)
{
    (void)state;
    char *s = line_of("%s", "a\xc2\x9f" "b\xc2\x85" "c\xc2\xa0" "d");
    assert_string_equal(s, "a\\xc2\\x9fb\\xc2\\x85c\xc2\xa0" "d");
    free(s);
}

/* bytes.h: "a control character in it ... as \n, \t, \r or \xHH": DEL
 * (0x7F) is one, and is shown \x7f.  (Escaping below 0x20 alone prints
 * it raw.) */
static void line__del_is_escaped(void **state)
{
    (void)state;
    char *s = line_of("x%sy", "\x7f");
    assert_string_equal(s, "x\\x7fy");
    free(s);
}
/* ---- tgm_err: a line too long keeps both ends ---------------------------- */

/* bytes.h: "A line longer than LEN keeps its start and its end around
 * '...'", in a small buffer as in a large one: 17 bytes keep 7 and 6, 32
 * keep 14 and 14.  (Keeping both ends only past 64 bytes cuts the end,
 * which says what is wrong, from these.) */
static void err__a_long_line_keeps_both_ends_in_a_small_buffer(void **state)
{
    (void)state;
    const char *line = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
    char err[32];
    assert_int_equal(tgm_err(err, 17, "%s", line), -1);
    assert_string_equal(err, "abcdefg...EFGHIJ");
    assert_int_equal(tgm_err(err, 32, "%s", line), -1);
    assert_string_equal(err, "abcdefghijklmn...6789ABCDEFGHIJ");
}

/* docs/robustness.md: "an empty input name" is refused as "expected a file
 * name, got ''", by the readers themselves too: tgm_read_file and
 * image_read_file, which every front end's reading goes through.
 * (Dropping the check says ": No such file or directory" with no name.) */
static void read__an_empty_name_is_no_file_name(void **state)
{
    (void)state;
    char err[256];
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(tgm_read_file("", 64, "a test", &buf, &len, err, sizeof err), -1);
    assert_string_equal(err, "expected a file name, got ''");
    struct tgm_image img;
    assert_int_equal(image_read_file("", &img, err, sizeof err), -1);
    assert_string_equal(err, "expected a file name, got ''");
}

/* ---- the writer: streams, own files, temporary names ---------------------- */

/* docs/robustness.md: the process's own stream "/dev/stderr ... writes in
 * place through a copy of the descriptor": 'tgm dis -o /dev/stderr' puts
 * the listing on standard error and nothing on standard output.  (Taking
 * /dev/stderr for descriptor 1 writes it to standard output.) */
static void writer__dev_stderr_is_standard_error(void **state)
{
    (void)state;
    char img[CS_PATH];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("dis", img, "-o", "/dev/stderr", NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(o.out_len, 0);
    assert_true(strncmp(o.err, "; tgm disassembly: 26 words", 27) == 0);
    cs_outcome_free(&o);
}

/* docs/robustness.md: "the regular file the process's standard output or
 * error is redirected to, by a name that would replace it" is refused, for
 * standard error as for standard output, naming which and the /dev name
 * that adds to it; the file keeps the error line.  (Looking at descriptor
 * 1 alone replaces the file standard error goes to; naming stdout for
 * descriptor 2 misleads.) */
static void writer__the_file_standard_error_goes_to_is_refused(void **state)
{
    (void)state;
    char img[CS_PATH], log[CS_PATH], cmd[6 * CS_PATH], want[2 * CS_PATH];
    hello_image(img, sizeof img);
    cs_tmp_path(log, sizeof log, "errors.txt");
    snprintf(cmd, sizeof cmd, "'%s' dis '%s' -o '%s' 2>'%s'; echo $?; cat '%s'", cs_tgm(), img,
             log, log, log);
    int status;
    char *out = cs_sh_output(cmd, &status);
    snprintf(want, sizeof want,
             "2\ntgm: dis: %s: is this command's standard error, whose text replacing it would "
             "lose; write to /dev/stderr to add to it, or elsewhere\n", log);
    assert_int_equal(status, 0);
    assert_string_equal(out, want);
    free(out);
}

/* docs/robustness.md: the check before a write makes "NAME.chkXXXXXX" and
 * the writer "an O_EXCL temporary file in the same directory
 * (NAME.tmpXXXXXX, a NAME longer than 245 bytes cut to its first 245": of
 * a 250-byte name both are its first 245 bytes and the suffix, 255 bytes,
 * the most a directory takes (seen as they are made, with inotify).
 * (Cutting from 244 bytes on makes them 254.) */
static void writer__a_long_name_s_temporary_keeps_its_first_245_bytes(void **state)
{
    (void)state;
    char dir[CS_PATH], name[251], path[CS_PATH + 256], err[1024];
    cs_tmp_path(dir, sizeof dir, "long");
    assert_int_equal(mkdir(dir, 0700), 0);
    for (int i = 0; i < 250; i++)
        name[i] = (char)('a' + i % 26);
    name[250] = '\0';
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int in = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    assert_true(in >= 0);
    assert_true(inotify_add_watch(in, dir, IN_CREATE) >= 0);
    assert_int_equal(tgm_wcheck(path, err, sizeof err), 0);
    assert_int_equal(tgm_write_atomic(path, "x", 1, err, sizeof err), 0);
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n = read(in, buf, sizeof buf);
    close(in);
    const char *want[] = {".chk", ".tmp"};
    size_t seen = 0;
    for (char *p = buf; n > 0 && p < buf + n; seen++) {
        const struct inotify_event *ev = (const struct inotify_event *)p;
        assert_true(seen < 2);
        assert_int_equal(strlen(ev->name), 255);
        assert_memory_equal(ev->name, name, 245);
        assert_memory_equal(ev->name + 245, want[seen], 4);
        p += sizeof *ev + ev->len;
    }
    assert_int_equal(seen, 2);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* docs/robustness.md: "A failure between the write and the rename leaves
 * the old file as it was and no temporary file behind", and "A write
 * error is named as the system gave it": a rename refused because the name
 * became a directory meanwhile (tgm_wopen, then tgm_wcommit).  (Forgetting
 * the temporary file on that path leaves it in the directory.) */
static void writer__a_failed_rename_leaves_no_temporary(void **state)
{
    (void)state;
    char dir[CS_PATH], path[CS_PATH + 8], err[1024], want[2 * CS_PATH];
    cs_tmp_path(dir, sizeof dir, "renamed");
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/out", dir);
    struct tgm_wfile w;
    assert_int_equal(tgm_wopen(&w, path, err, sizeof err), 0);
    assert_int_equal(tgm_wwrite(&w, "new", 3), 0);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(tgm_wcommit(&w, path, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: cannot write: %s", path, strerror(EISDIR));
    assert_string_equal(err, want);
    assert_false(cs_has_file_starting(dir, "out.tmp"));
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* The same for a write error: a file past RLIMIT_FSIZE (SIGXFSZ ignored)
 * fails with "File too large", in a child whose limit it is, and leaves the
 * old file and no temporary. */
static void writer__a_write_error_is_named_and_leaves_no_temporary(void **state)
{
    (void)state;
    char dir[CS_PATH], path[CS_PATH + 8], err[1024], want[2 * CS_PATH];
    cs_tmp_path(dir, sizeof dir, "fsize");
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof path, "%s/out", dir);
    cs_put_text(path, "old\n");
    static char big[8192];
    int p[2];
    assert_int_equal(pipe(p), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {4096, 4096};
        int rc = setrlimit(RLIMIT_FSIZE, &rl) == 0 ? tgm_write_atomic(path, big, sizeof big,
                                                                       err, sizeof err) : 1;
        if (rc != -1)
            snprintf(err, sizeof err, "rc %d", rc);
        ssize_t n = write(p[1], err, strlen(err));
        _exit(n < 0);
    }
    close(p[1]);
    char got[1024] = "";
    ssize_t n = read(p[0], got, sizeof got - 1);
    close(p[0]);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(n > 0);
    snprintf(want, sizeof want, "%s: cannot write: %s", path, strerror(EFBIG));
    assert_string_equal(got, want);
    assert_false(cs_has_file_starting(dir, "out.tmp"));
    char *old = cs_slurp(path, NULL);
    assert_string_equal(old, "old\n");
    free(old);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* bytes.h: a refusal names "cannot write PATH: DIR: ...", DIR the
 * directory the file would be made in; for a name in the root directory
 * that is "/" (the check before a write makes its file there, or says why
 * it cannot).  (Taking the directory of "/x" as "" refuses every such name
 * with ": No such file or directory", root's included.) */
static void writer__a_name_in_the_root_directory_has_the_root_as_its_directory(void **state)
{
    (void)state;
    char path[64], err[512], want[96];
    snprintf(path, sizeof path, "/tgm-mutio55-%ld", (long)getpid());
    snprintf(want, sizeof want, "cannot write %s: /: ", path);
    if (tgm_wcheck(path, err, sizeof err) != 0 && strncmp(err, want, strlen(want)) != 0)
        fail_msg("'%s' does not begin '%s'", err, want);
    assert_int_equal(access(path, F_OK), -1); /* the check wrote nothing */
}

/* bytes.h: a regular file is replaced keeping "the old file's mode and
 * owner", and docs/robustness.md "(and, when permitted, owner)": its group
 * too, when only the group differs from the writer's.  Where the test may
 * not give a file another group (not root, in no such group), the file is
 * still replaced: an owner that cannot be kept is no error.  (Comparing
 * the user alone leaves the new file in the writer's group.) */
static void writer__keeps_the_old_file_s_group(void **state)
{
    (void)state;
    char path[CS_PATH], err[512];
    cs_tmp_path(path, sizeof path, "grouped.img");
    cs_put_text(path, "old");
    gid_t other = getegid() == 1 ? 2 : 1;
    bool regrouped = chown(path, geteuid(), other) == 0;
    assert_int_equal(tgm_write_atomic(path, "new", 3, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_uid, geteuid());
    assert_int_equal(st.st_gid, regrouped ? other : getegid());
    char *now = cs_slurp(path, NULL);
    assert_string_equal(now, "new");
    free(now);
    assert_int_equal(unlink(path), 0);
}

/* docs/robustness.md: "a new file gets mode 0666 less the umask, as the
 * shell's '>' makes it".  (A fixed 0644 ignores the umask.) */
static void writer__a_new_file_s_mode_is_0666_less_the_umask(void **state)
{
    (void)state;
    static const mode_t masks[] = {022, 027, 0};
    for (size_t i = 0; i < sizeof masks / sizeof *masks; i++) {
        char path[CS_PATH], err[512];
        cs_tmp_path(path, sizeof path, "fresh.img");
        mode_t old = umask(masks[i]);
        int rc = tgm_write_atomic(path, "new", 3, err, sizeof err);
        umask(old);
        assert_int_equal(rc, 0);
        struct stat st;
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0666 & ~masks[i]);
        assert_int_equal(unlink(path), 0);
    }
}

/* docs/run.md: "An IMAGE is read from standard input as /dev/stdin", and
 * "A pipe (or a socket) on standard input can be read only once, so it
 * may feed one IMAGE or one '--input-file -', not two".  A socket, which
 * Linux will not open by its /dev name (ENXIO), is read through the
 * descriptor; a second reader is refused as for a pipe.  (Opening it by
 * name fails the first reader: "-: No such device or address".) */
static void stdin__a_socket_feeds_one_reader(void **state)
{
    (void)state;
    char img[CS_PATH];
    hello_image(img, sizeof img);
    size_t n = 0;
    char *bytes = cs_slurp(img, &n);
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[1], bytes, n), (ssize_t)n);
    free(bytes);
    close(sv[1]);
    const char *one[] = {"--quiet", "/dev/stdin", NULL};
    struct cs_outcome r = cs_finish_tgm(cs_start_tgm(sv[0], "run", one));
    close(sv[0]);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "hello, world\n");
    cs_outcome_free(&r);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
    assert_int_equal(write(sv[1], "hi", 2), 2);
    close(sv[1]);
    const char *args[] = {"--input-file", "-", "/dev/stdin", NULL};
    struct cs_outcome o = cs_finish_tgm(cs_start_tgm(sv[0], "run", args));
    close(sv[0]);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.err, "tgm: run: /dev/stdin: standard input was read already, for "
                               "--input-file - (a pipe is read once: give one of them a file)\n");
    cs_outcome_free(&o);
}

/* ---- the image writer ------------------------------------------------------ */

/* image.h: image_serialize is -1 and image_write_file says "PATH: image
 * violates the format: WHY" for "cause bits in the entry PSW", the
 * highest of the four as well as the lowest; the file is not made.
 * (Masking the cause field with 0x7 lets cause 8 through.) */
static void image__every_cause_bit_in_the_entry_psw_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], err[1024], want[2 * CS_PATH];
    cs_tmp_path(path, sizeof path, "cause.img");
    uint64_t words[1] = {0};
    snprintf(want, sizeof want, "%s: image violates the format: cause bits in the entry PSW",
             path);
    for (unsigned bit = 0; bit < 4; bit++) {
        struct tgm_image img = {.nwords = 1, .words = words,
                                .entry_psw = UINT64_C(1) << (PSW_CAUSE_SHIFT + bit)};
        uint8_t *buf = NULL;
        size_t len = 0;
        assert_int_equal(image_serialize(&img, &buf, &len), -1);
        assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
        assert_string_equal(err, want);
        assert_int_equal(access(path, F_OK), -1);
    }
}

/* image.h: the reader takes files up to TGM_IMAGE_FILE_MAX bytes and "the
 * writers write none larger": an image of exactly 71303208 bytes (no
 * words, 990322 symbols) is serialized, one a byte longer is refused with
 * the limit named.  (Refusing from the limit itself, >= for >, refuses the
 * largest file a reader takes.) */
static void image__a_file_of_exactly_the_limit_is_written(void **state)
{
    (void)state;
    const uint32_t n = 990322; /* 990321 of 9 + 63 bytes and one of 9 + 39 */
    char *names = malloc((size_t)n * 64);
    struct tgm_symbol *syms = calloc(n, sizeof *syms);
    assert_non_null(names);
    assert_non_null(syms);
    for (uint32_t i = 0; i < n; i++) {
        char *name = names + (size_t)i * 64;
        memset(name, 'x', 63);
        name[63] = '\0';
        char num[16];
        int k = snprintf(num, sizeof num, "s%07x", (unsigned)i);
        memcpy(name, num, (size_t)k);
        syms[i] = (struct tgm_symbol){name, i, 0};
    }
    syms[n - 1].name[39] = '\0';
    struct tgm_image img = {.nsyms = n, .syms = syms};
    uint8_t *buf = NULL;
    size_t len = 0;
    assert_int_equal(image_serialize(&img, &buf, &len), 0);
    assert_int_equal(len, TGM_IMAGE_FILE_MAX);
    free(buf);
    syms[n - 1].name[39] = 'x'; /* one byte more */
    char path[CS_PATH], err[1024], want[2 * CS_PATH];
    cs_tmp_path(path, sizeof path, "huge.img");
    assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
    snprintf(want, sizeof want, "%s: image violates the format: larger than 71303208 bytes, "
             "the limit for a tgm image (its symbols take more than 64 MiB)", path);
    assert_string_equal(err, want);
    free(syms);
    free(names);
}

/* ---- machine_trap_loop: a timer that cannot trap ------------------------- */

/* machine.h: a trap loop is one where "each step take[s] a trap (*CAUSE)
 * that loads the PSW it trapped from"; only "a timer trap that may come"
 * can break it, and with E[1]'s I = 0 none comes however the timer is
 * armed.  Here E[1] is a user PSW with I = 0 and R = (0, 16) fetching
 * E[0], whose old PSW (cause illegal) is an illegal word: a loop, the
 * timer armed or not.  (Probing the timer's trap whatever I says finds
 * E[0] rewritten by it and calls the loop none.) */
static void trap_loop__an_armed_timer_with_i_0_breaks_no_loop(void **state)
{
    (void)state;
    struct machine *m = machine_create(&(struct machine_config){.q = 256});
    assert_non_null(m);
    const uint64_t e1 = 16; /* user, I = 0, P = 0, R = (0, 16) */
    assert_int_equal(machine_write_phys(m, 1, e1), 0);
    assert_int_equal(machine_write_phys(m, 0, e1 | (uint64_t)TRAP_ILL << PSW_CAUSE_SHIFT), 0);
    machine_set_psw(m, e1);
    unsigned cause = 0;
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_ILL);
    const struct machine_timer t = {.armed = true, .remaining = 5};
    assert_int_equal(machine_set_timer(m, &t), 0);
    cause = 0;
    assert_true(machine_trap_loop(m, &cause));
    assert_int_equal(cause, TRAP_ILL);
    assert_true(machine_get_timer(m).armed); /* probed on a copy */
    machine_destroy(m);
}

/* machine.h: a trap loop is one where each step takes "a trap (*CAUSE)
 * that loads the PSW it trapped from"; docs/monitor.md: "when every step
 * takes a trap".  A 'JMP' to itself at the P of E[1]'s PSW, run under that
 * PSW, leaves the PSW and E as they were at every step but takes no trap:
 * it is a loop Ctrl-C or the limit ends, no trap loop.  (Not requiring a
 * trap of each probed step calls it one.) */
static void trap_loop__a_jump_to_itself_takes_no_trap_and_is_none(void **state)
{
    (void)state;
    struct machine *m = machine_create(&(struct machine_config){.q = 256});
    assert_non_null(m);
    const uint64_t e1 = UINT64_C(1) << PSW_S_BIT | UINT64_C(2) << PSW_P_SHIFT | 256;
    assert_int_equal(machine_write_phys(m, 1, e1), 0);
    assert_int_equal(machine_write_phys(m, 2, UINT64_C(0x28) << ISA_OP_SHIFT |
                                                  UINT64_C(2) << ISA_A_SHIFT), 0); /* JMP 2 */
    machine_set_psw(m, e1);
    unsigned cause = TRAP_NCAUSES;
    assert_false(machine_trap_loop(m, &cause));
    struct machine_exit ex;
    assert_int_equal(machine_step(m, &ex), EXIT_BUDGET);
    assert_int_equal(machine_get_psw(m), e1); /* the jump went where it was */
    machine_destroy(m);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutio55");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_char__an_overlong_two_byte_form_is_none),
        cmocka_unit_test(utf8_char__an_overlong_three_byte_form_is_none),
        cmocka_unit_test(utf8_char__a_surrogate_is_none),
        cmocka_unit_test(utf8_char__past_u10ffff_is_none),
        cmocka_unit_test(utf8_char__a_missing_third_byte_continuation_is_none),
        cmocka_unit_test(line__u009f_is_escaped_as_c1),
        cmocka_unit_test(line__del_is_escaped),
        cmocka_unit_test(err__a_long_line_keeps_both_ends_in_a_small_buffer),
        cmocka_unit_test(read__an_empty_name_is_no_file_name),
        cmocka_unit_test(writer__dev_stderr_is_standard_error),
        cmocka_unit_test(writer__the_file_standard_error_goes_to_is_refused),
        cmocka_unit_test(writer__a_long_name_s_temporary_keeps_its_first_245_bytes),
        cmocka_unit_test(writer__a_failed_rename_leaves_no_temporary),
        cmocka_unit_test(writer__a_write_error_is_named_and_leaves_no_temporary),
        cmocka_unit_test(writer__a_name_in_the_root_directory_has_the_root_as_its_directory),
        cmocka_unit_test(writer__keeps_the_old_file_s_group),
        cmocka_unit_test(writer__a_new_file_s_mode_is_0666_less_the_umask),
        cmocka_unit_test(stdin__a_socket_feeds_one_reader),
        cmocka_unit_test(image__every_cause_bit_in_the_entry_psw_is_refused),
        cmocka_unit_test(image__a_file_of_exactly_the_limit_is_written),
        cmocka_unit_test(trap_loop__an_armed_timer_with_i_0_breaks_no_loop),
        cmocka_unit_test(trap_loop__a_jump_to_itself_takes_no_trap_and_is_none),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
