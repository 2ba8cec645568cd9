/* test_audit_noticed.c: loose ends of the monitor (docs/monitor.md) that
 * earlier reviews noticed: the cap on console input, a snapshot whose
 * session section holds a name with a NUL inside, how a tab and a
 * carriage return are shown as characters, and a console past the 16 MiB
 * a machine keeps.  Each test fails on the
 * tree before its fix.
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

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/image.h"

#define INPUT_LIMIT ((size_t)64 << 20) /* docs/monitor.md, "The terminal" */
#define LINE_BYTES 1000000u            /* a script line holds at most 1 MiB */

/* Append 'console input ' and N bytes of 'A' as one line to the script
 * at S (*LEN bytes so far). */
static void add_input_line(char *s, size_t *len, size_t n)
{
    *len += (size_t)sprintf(s + *len, "console input ");
    memset(s + *len, 'A', n);
    *len += n;
    s[(*len)++] = '\n';
}

/* Fill the focused machine's console input (after PREAMBLE) to 67,000,000
 * bytes, then: a line that would pass the limit is refused, nothing of it
 * queued, so that exactly the room left still fits, and one byte more
 * does not.  Before the cap every line was queued, without end. */
static void input_capped_after(const char *preamble)
{
    size_t full = 67, cap = (full + 2) * (LINE_BYTES + 32) + 256, len = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    len += (size_t)sprintf(s, "set on-error finish\n%s\n", preamble);
    for (size_t i = 0; i < full; i++)
        add_input_line(s, &len, LINE_BYTES);
    add_input_line(s, &len, 200000);                         /* past it: refused */
    add_input_line(s, &len, INPUT_LIMIT - full * LINE_BYTES); /* the room left */
    add_input_line(s, &len, 1);                              /* full: refused */
    char path[CS_PATH];
    cs_tmp_path(path, sizeof path, "flood.mon");
    cs_write_bytes(path, s, len);
    free(s);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", path, NULL);
    assert_int_equal(o.status, 1);
    char want1[160], want2[160];
    snprintf(want1, sizeof want1,
             ":70: console: 200000 more bytes would pass %zu bytes, the limit for console input "
             "(%zu queued, read or not); nothing queued",
             INPUT_LIMIT, full * LINE_BYTES);
    snprintf(want2, sizeof want2,
             ":72: console: 1 more byte would pass %zu bytes, the limit for console input "
             "(%zu queued, read or not); nothing queued",
             INPUT_LIMIT, INPUT_LIMIT);
    char *first = strstr(o.err, want1), *second = strstr(o.err, want2);
    if (!first || !second) {
        print_error("stderr: %.2000s\n", o.err);
        fail();
    }
    /* the two lines and nothing else: the line that fits the room was taken */
    size_t lines = 0;
    for (const char *p = o.err; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2);
    cs_outcome_free(&o);
}

static void console_input_is_capped_on_the_bare_machine(void **state)
{
    (void)state;
    input_capped_after("load examples/hello.s");
}

static void console_input_is_capped_in_a_vm(void **state)
{
    (void)state;
    input_capped_after("vm create a 1024 examples/hello.s");
}

/* The snapshot SRC (LEN bytes) with a NUL added at the end of the session
 * section's string at AT (its u32 length there), the lengths and the
 * checksum made right, written as NAME: its path into PATH. */
static void nul_added(const uint8_t *src, size_t len, size_t sess, size_t at,
                      const char *name, char *path, size_t plen)
{
    uint8_t *e = malloc(len + 1);
    assert_non_null(e);
    size_t n = (size_t)ms_get_le(src + at, 4), end = at + 4 + n;
    memcpy(e, src, end);
    e[end] = '\0';
    memcpy(e + end + 1, src + end, len - end);
    ms_put_le(e + at, n + 1, 4);
    ms_put_le(e + sess - 8, ms_get_le(src + sess - 8, 8) + 1, 8);
    ms_put_le(e + len + 1 - 8, tgm_fnv1a(e, len + 1 - 8, TGM_FNV_SEED), 8);
    cs_tmp_path(path, plen, name);
    cs_write_bytes(path, e, len + 1);
    free(e);
}

/* "a damaged, truncated, foreign or newer file is refused with one line
 * and the session is left as it was": SESS names the profiles, and a
 * name with a NUL after it ("pdp10\0") was taken as the name before the
 * NUL, the file restored. */
static void restore__a_profile_name_with_a_nul_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], bad[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "prof.snap");
    snprintf(cmds, sizeof cmds,
             "set profile pdp10; set cp-profile pdp10; load examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t sess = ms_section_at(buf, len, "SESS"), prof = sess + 4;
    assert_int_equal(ms_get_le(buf + prof, 4), 5);
    assert_memory_equal(buf + prof + 4, "pdp10", 5);
    size_t cprof = prof + 4 + 5 + 4 + 4 + 4; /* the focus, has_cp, the CP's words */
    assert_int_equal(ms_get_le(buf + cprof, 4), 5);
    assert_memory_equal(buf + cprof + 4, "pdp10", 5);

    const size_t at[] = {prof, cprof};
    for (int i = 0; i < 2; i++) {
        nul_added(buf, len, sess, at[i], i ? "cprof.snap" : "bprof.snap", bad, sizeof bad);
        snprintf(cmds, sizeof cmds, "restore %s", bad);
        cs_mon_fails(cmds, "bad session section");
        /* the session as it was: its profile and its program */
        snprintf(cmds, sizeof cmds,
                 "set on-error finish; load examples/hello.s; restore %s; show profile",
                 bad);
        struct cs_outcome o = cs_mon(cmds);
        assert_int_equal(o.status, 1);
        assert_non_null(strstr(o.out, "virtualizable"));
        assert_null(strstr(o.out, "pdp10"));
        assert_null(strstr(o.out, "restored"));
        cs_outcome_free(&o);
    }
    free(buf);
}

/* The same for a VM's name in the control program's table: 'vm create'
 * pads it with NULs, and a name "a\0b" was restored as VM 'a'. */
static void restore__a_vm_name_with_a_nul_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160], want[96];
    cs_tmp_path(path, sizeof path, "vmnul.snap");
    snprintf(cmds, sizeof cmds, "vm create a 512 examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t name = ms_section_at(buf, len, "CPST") + 7 * 8 + 8; /* the header, the VM's id */
    assert_memory_equal(buf + name, "a\0\0", 3);
    buf[name + 2] = 'b';
    ms_put_le(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_write_bytes(path, buf, len);
    snprintf(want, sizeof want,
             "control program: offset %zu: VM record's name has a NUL inside, at byte 1 of it",
             name);
    snprintf(cmds, sizeof cmds, "restore %s", path);
    cs_mon_fails(cmds, want);
    snprintf(cmds, sizeof cmds, "set on-error finish; vm create z 64; restore %s; vm list",
             path);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 1);
    assert_non_null(strstr(o.out, "z "));
    assert_null(strstr(o.out, "restored"));
    cs_outcome_free(&o);
    free(buf);
}

/* A tab and a carriage return as characters: \t and \r, the escapes
 * .ascii takes (they were \x09 and \x0d, a newline already \n). */
static void characters__tab_and_carriage_return_show_as_escapes(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_tmp_path(src, sizeof src, "tabcr.s");
    cs_write_text(src, sizeof src, "tabcr.s",
                  "        .org 0\n        .word 0, 0\n        .entry start\n"
                  "start:  COUT tab\n        COUT cr\n        HALT\n"
                  "tab:    .word 9\ncr:     .word 13\n");
    cs_mon_prints("print/c 9", "'\\t'\n");
    cs_mon_prints("print/c 13", "'\\r'\n");
    cs_mon_prints("print/c 10", "'\\n'\n");
    cs_mon_prints("print/c 11", "'\\x0b'\n");
    cs_mon_prints("deposit 0 9 13 10 0; examine -c 0 4", "\"\\t\\r\\n\\x00\"");
    snprintf(cmds, sizeof cmds, "load %s; step 2", src);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "console <- \"\\t\"\n"));
    assert_non_null(strstr(o.out, "console <- \"\\r\"\n"));
    cs_outcome_free(&o);
}

/* A console past the 16 MiB a machine keeps: the live copy and 'console'
 * stopped there and said nothing of the bytes dropped. */
static void console__output_past_16_mib_is_said_to_be_dropped(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[CS_PATH + 200];
    cs_tmp_path(src, sizeof src, "big.s");
    cs_write_text(src, sizeof src, "big.s",
                  "        .org 0\n        .word 0, 0\n        .entry start\n"
                  "start:  COUT ch\n        DJNZ n, start\n        HALT\n"
                  "ch:     .word 65\nn:      .word 16777221\n");
    static const char full[] = "\n(console full: the machine's output past 16777216 bytes is "
                               "dropped and counted; 'console' says how many)\nhalted after";
    static const char more[] = "A\n(5 bytes more written and dropped: a console keeps "
                               "16777216)\n";
    snprintf(cmds, sizeof cmds, "load %s; go; console; console clear; console; echo end", src);
    struct cs_outcome o = cs_mon_ok(cmds);
    const char *at = strstr(o.out, full);
    assert_non_null(at);
    /* after the bytes kept (the first line, 'loaded', names a path that
     * may hold an A) */
    assert_int_equal(at - strchr(strchr(o.out, '\n'), 'A'), 16777216);
    at = strstr(at, more);
    assert_non_null(at);
    assert_string_equal(at + sizeof more - 1, "end\n"); /* emptied: none dropped */
    assert_int_equal(strstr(o.out, "(console full") - o.out, /* said once */
                     strstr(o.out, full) + 1 - o.out);
    cs_outcome_free(&o);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_noticed");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(console_input_is_capped_on_the_bare_machine),
        cmocka_unit_test(console_input_is_capped_in_a_vm),
        cmocka_unit_test(restore__a_profile_name_with_a_nul_is_refused),
        cmocka_unit_test(restore__a_vm_name_with_a_nul_is_refused),
        cmocka_unit_test(characters__tab_and_carriage_return_show_as_escapes),
        cmocka_unit_test(console__output_past_16_mib_is_said_to_be_dropped),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
