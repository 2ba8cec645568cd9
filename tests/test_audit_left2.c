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
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(canonical__out_of_memory_is_said),
        cmocka_unit_test(read_file__out_of_memory_says_so),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
