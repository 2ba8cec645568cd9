/* test_audit_left2.c: loose ends of the monitor and the machine's files:
 * Tab completion of long file names, a history file of long lines, and
 * running out of memory (image_symbols_canonical, tgm_read_file, a VM's
 * lost console byte after the history ring is filled).
 *
 * This file's own malloc, calloc and realloc fail the Nth call after
 * fail_after(N) (oom_support.h); under a sanitizer those tests skip.
 */
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mon_support.h"
#include "pty_support.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

#include "oom_support.h"

static const char hi_s[] = "        .org  0\n"
                           "        .word 0\n"
                           "        .word psw(SUP, start, 0, 0x80000)\n"
                           "        .entry start\n"
                           "start:  COUT  h\n"
                           "        HALT\n"
                           "h:      .word 'h'\n";

/* ---- Tab completion of long file names ---- */

/* Directories under the test's directory making a relative path of at
 * least LEN bytes (components of 200), made and put in PATH (no slash at
 * the end). */
static void deep_dir(char *path, size_t cap, size_t len)
{
    size_t n = 0;
    path[0] = '\0';
    while (n < len) {
        char comp[201];
        memset(comp, 'd', 200);
        comp[200] = '\0';
        assert_true(n + 202 < cap);
        if (n)
            path[n++] = '/';
        memcpy(path + n, comp, 201);
        n += 200;
        char full[PATH_MAX + 512];
        snprintf(full, sizeof full, "%s/%s", pt_dir(), path);
        assert_int_equal(mkdir(full, 0755), 0);
    }
}

/* Type KEYS a little at a time, reading what the monitor echoes meanwhile
 * (a long line's echo would fill the terminal and stop it reading). */
static void type_long(struct pt_session *s, const char *keys)
{
    size_t n = strlen(keys);
    struct pt_text *t = &s->screen;
    for (size_t i = 0; i < n; i += 200) {
        size_t k = n - i < 200 ? n - i : 200;
        assert_int_equal(write(s->fd, keys + i, k), (ssize_t)k);
        struct pollfd p = {.fd = s->fd, .events = POLLIN};
        while (poll(&p, 1, 20) > 0) {
            if (t->len + 1 >= sizeof t->buf) { /* as pt_expect keeps a flood */
                size_t keep = sizeof t->buf / 2;
                memmove(t->buf, t->buf + t->len - keep, keep);
                t->len = keep;
                t->seen = 0;
            }
            ssize_t got = read(s->fd, t->buf + t->len, sizeof t->buf - 1 - t->len);
            if (got <= 0)
                break;
            t->len += (size_t)got;
        }
    }
}

/* Tab offered nothing for a file whose directory part was 1 KiB or more
 * (the reader's buffers were 1 and 2 KiB): 'load DIR/h<Tab>' stayed as
 * it was and the load said it could not open DIR/h.  Now it completes
 * up to PATH_MAX. */
static void tab__completes_a_file_name_of_thousands_of_bytes(void **state)
{
    (void)state;
    static char dir[PATH_MAX];
    deep_dir(dir, sizeof dir, 3600);
    char file[PATH_MAX + 512];
    snprintf(file, sizeof file, "%s/%s/hi.s", pt_dir(), dir);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs(hi_s, f);
    assert_int_equal(fclose(f), 0);
    char line[PATH_MAX + 64];
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    snprintf(line, sizeof line, "load %s/h\t", dir);
    type_long(&s, line);
    pt_type(&s, "\r");
    pt_expect(&s, "2 symbols");  /* loaded: Tab made it DIR/hi.s */
    pt_expect(&s, "tgm> ");
    snprintf(line, sizeof line, "load %s/\t", dir);  /* the one entry there */
    type_long(&s, line);
    pt_type(&s, "\r");
    pt_expect(&s, "2 symbols");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
    unlink(file); /* deeper than the teardown's paths reach */
    for (size_t n = strlen(dir); n; n = strrchr(dir, '/') ? (size_t)(strrchr(dir, '/') - dir) : 0) {
        dir[n] = '\0';
        snprintf(file, sizeof file, "%s/%s", pt_dir(), dir);
        assert_int_equal(rmdir(file), 0);
    }
}

/* Past PATH_MAX nothing is offered, quietly: the session goes on. */
static void tab__past_path_max_offers_nothing(void **state)
{
    (void)state;
    static char line[2 * PATH_MAX];
    memcpy(line, "load ", 5);
    memset(line + 5, 'x', PATH_MAX + 10);
    strcpy(line + 5 + PATH_MAX + 10, "\t\x15"); /* Tab, then Ctrl-U clears it */
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    type_long(&s, line);
    pt_echo(&s, "still-here");
    pt_quit(&s);
}

/* The context of a long file name is the whole word (the completion's
 * pure part, which test_complete drives). */
static void context__a_long_file_name_is_one_word(void **state)
{
    (void)state;
    static char line[PATH_MAX + 16];
    memcpy(line, "load ", 5);
    memset(line + 5, 'a', PATH_MAX - 2);
    line[5 + PATH_MAX - 2] = '\0';
    struct mon_compl c = ms_compl(line);
    assert_string_equal(c.kinds, "f");
    assert_int_equal(c.start, 5);
}

/* ---- the history file ---- */

#define HIST_LIMIT (16 << 20)

/* 1,000 lines of 17 KB made a history file over 16 MiB, which the next
 * session refused ("larger than 16777216 bytes, the limit for a history
 * file") and so kept no history.  Now the oldest lines go until the file
 * fits: here 500 lines 4 bytes short of the limit, and two more. */
static void history__the_file_written_is_one_the_next_session_reads(void **state)
{
    (void)state;
    char path[PATH_MAX];
    pt_in_dir(path, sizeof path, ".tgm_history");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    static const char cookie[] = "_HiStOrY_V2_\n";
    fputs(cookie, f);
    size_t total = strlen(cookie), line = 33000; /* some 500 lines: under 1,000 */
    char *buf = malloc(line + 2);
    assert_non_null(buf);
    memset(buf, 'q', line);
    buf[line] = '\n';
    for (int i = 0; HIST_LIMIT - 4 - total > line + 1; i++) {
        buf[0] = (char)('a' + i % 26); /* no line repeats the one before */
        assert_int_equal(fwrite(buf, 1, line + 1, f), line + 1);
        total += line + 1;
    }
    size_t last = HIST_LIMIT - 4 - total - 1; /* the last ends 4 bytes short */
    assert_true(last > 0 && last <= line);
    buf[0] = 'z';
    assert_int_equal(fwrite(buf, 1, last, f), last);
    fputc('\n', f);
    assert_int_equal(fclose(f), 0);
    free(buf);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_size, HIST_LIMIT - 4);

    struct pt_session s = {0};
    pt_start(&s);
    s.slow = true; /* under a sanitizer on a busy disk, a save took over 10 s */
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "newest");
    pt_quit(&s);
    assert_int_equal(stat(path, &st), 0);
    if (st.st_size > HIST_LIMIT)
        fail_msg("the history file is %lld bytes", (long long)st.st_size);

    pt_start(&s);                   /* read without a warning, the newest kept */
    s.slow = true;
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x1b[A\x1b[A");    /* up arrow twice: 'quit', then it */
    pt_expect(&s, "echo newest");
    pt_type(&s, "\r");
    pt_expect(&s, "newest\r\n");
    pt_quit(&s);
    assert_null(strstr(s.screen.buf, "warning"));
}

/* ---- out of memory ---- */

/* image_symbols_canonical said false when memory ran out, as for symbols
 * out of order: a caller could only guess from errno.  It says so now. */
static void canonical__out_of_memory_is_said(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    struct tgm_symbol syms[3] = {{.name = "a", .value = 1}, {.name = "b", .value = 2},
                                 {.name = "c", .value = 3}};
    struct tgm_image img = {.syms = syms, .nsyms = 3};
    bool oom = true;
    assert_true(image_symbols_canonical(&img, &oom));
    assert_false(oom);
    fail_after(1);
    errno = 0;
    bool ok = image_symbols_canonical(&img, &oom);
    assert_true(disarm());
    assert_false(ok);
    assert_true(oom);
    syms[2].name = "a"; /* a name twice: not canonical, memory or not */
    assert_false(image_symbols_canonical(&img, &oom));
    assert_false(oom);
    syms[2].name = "c";
    syms[2].value = 0; /* out of order */
    assert_false(image_symbols_canonical(&img, NULL));
}

/* tgm_read_file said "F: Cannot allocate memory" (strerror) when its
 * fopen could not allocate; every other path says "out of memory". */
static void read_file__out_of_memory_says_so(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char path[320], err[512];
    ms_tmp_file(path, sizeof path, "left2-read");
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("some bytes\n", f);
    assert_int_equal(fclose(f), 0);
    int failed = 0;
    for (long n = 1;; n++) {
        uint8_t *buf = NULL;
        size_t len = 0;
        err[0] = '\0';
        fail_after(n);
        int rc = tgm_read_file(path, 1 << 20, "a test", &buf, &len, err, sizeof err);
        bool hit = disarm();
        if (rc == 0) {
            assert_int_equal(len, 11);
            free(buf);
        } else {
            char want[400];
            snprintf(want, sizeof want, "%s: out of memory", path);
            if (strcmp(err, want) != 0)
                fail_msg("N = %ld: '%s'", n, err);
            failed++;
        }
        if (!hit)
            break;
    }
    assert_true(failed > 0);
    unlink(path);
}

/* ---- a lost console byte, then the history ring filled ---- */

/* With a VM selected, 'go' fills the history ring by replay and puts the
 * session back from its saved state, which cleared the console's mark of
 * a lost byte: 'save' then wrote the short console without a word, and
 * 'console' showed it as the output.  Now both still say it is short:
 * 'console' shows it and fails in go's line, 'save' writes nothing. */
static void save__knows_a_lost_byte_after_the_ring_is_filled(void **state)
{
    (void)state;
    if (OOM_SKIP)
        skip();
    char src[320], snap[320], cmd[800];
    ms_tmp_file(src, sizeof src, "left2-many.s");
    FILE *f = fopen(src, "w");
    assert_non_null(f);
    fputs(oom_many_s, f);
    assert_int_equal(fclose(f), 0);
    ms_tmp_file(snap, sizeof snap, "left2-snap");
    for (int vm = 0; vm < 2; vm++) {
        int lost = 0;
        for (long n = 1;; n++) {
            sess_open();
            if (vm)
                snprintf(cmd, sizeof cmd, "vm create a 4096 %s; vm select a", src);
            else
                snprintf(cmd, sizeof cmd, "load %s", src);
            if (mon_exec_line(S.m, cmd) != 0)
                fail_msg("'%s': %s", cmd, S.ebuf);
            sess_clear();
            fail_after(n);
            int rc = mon_exec_line(S.m, "go");
            bool hit = disarm();
            bool said = rc != 0 && strstr(S.ebuf, "output was lost") != NULL;
            if (said) {
                lost++;
                sess_clear();
                unlink(snap);
                snprintf(cmd, sizeof cmd, "save %s", snap);
                int src_rc = mon_exec_line(S.m, cmd);
                if (src_rc == 0 || access(snap, F_OK) == 0 || !strstr(S.ebuf, "lost") ||
                    !strstr(S.ebuf, "nothing written"))
                    fail_msg("%s, N = %ld: save after a lost byte: %d '%s'",
                             vm ? "VM" : "bare", n, src_rc, S.ebuf);
                sess_clear();
                if (mon_exec_line(S.m, "console") == 0 || !strstr(S.ebuf, "output was lost") ||
                    !strstr(S.obuf, "AAAA")) /* shown all the same */
                    fail_msg("%s, N = %ld: console after a lost byte: '%s'",
                             vm ? "VM" : "bare", n, S.ebuf);
                sess_clear(); /* emptied, the console is whole again */
                snprintf(cmd, sizeof cmd, "console clear; save %s", snap);
                if (mon_exec_line(S.m, cmd) != 0)
                    fail_msg("%s, N = %ld: '%s': %s", vm ? "VM" : "bare", n, cmd, S.ebuf);
            }
            sess_close();
            if (!hit)
                break;
        }
        assert_true(lost > 0);
    }
    unlink(src);
    unlink(snap);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(tab__completes_a_file_name_of_thousands_of_bytes,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(tab__past_path_max_offers_nothing, pt_setup,
                                        pt_teardown),
        cmocka_unit_test(context__a_long_file_name_is_one_word),
        cmocka_unit_test_setup_teardown(history__the_file_written_is_one_the_next_session_reads,
                                        pt_setup, pt_teardown),
        cmocka_unit_test(canonical__out_of_memory_is_said),
        cmocka_unit_test(read_file__out_of_memory_says_so),
        cmocka_unit_test(save__knows_a_lost_byte_after_the_ring_is_filled),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
