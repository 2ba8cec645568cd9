/* test_badin.c: bad input, path by path (docs/robustness.md, "Bad input:
 * what the user sees"): an image cut short, a snapshot cut short, an empty
 * or forbidden output name, out-of-range values.  Each gets one line naming
 * the file or option and what is wrong, the documented status, and leaves
 * the files as they were.  Section 2's images and the monitor's snapshots
 * of sections 4-6 are the inputs.
 *
 * Runs the real binary (cli_support) from the top of the source tree.  A
 * wanted text ending in "\n" pins the end of the line: nothing follows it.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/bytes.h"
#include "tgm/image.h"

/* ---- images ------------------------------------------------------------ */

/* The magic or its start alone is an image cut short: "it holds text" (an
 * assembly source) was added to its line, since every byte of "TGMI"
 * prints; and one byte was "1 bytes". */
static void image__a_cut_magic_is_a_truncated_image_not_text(void **state)
{
    (void)state;
    char p[CS_PATH];
    cs_tmp_path(p, sizeof p, "cut.img");
    cs_write_bytes(p, "TGMI", 4);
    cs_tgm_fails(2, "tgm: run: ", "run", CS_ARGV(p));
    cs_tgm_fails(2, "cut.img: offset 4: truncated header (4 bytes, need 48)\n", "run",
                 CS_ARGV(p));
    cs_tgm_fails(2, "cut.img: offset 4: truncated header (4 bytes, need 48)\n", "dis",
                 CS_ARGV(p));
    cs_write_bytes(p, "TGMIMAGE", 8);
    cs_tgm_fails(2, "cut.img: offset 8: truncated header (8 bytes, need 48)\n", "dis",
                 CS_ARGV(p));
    cs_write_bytes(p, "T", 1);
    cs_tgm_fails(2, "cut.img: offset 1: truncated header (1 byte, need 48)\n", "run",
                 CS_ARGV(p));
    char cmd[CS_PATH + 16];
    snprintf(cmd, sizeof cmd, "load %s", p);
    cs_mon_fails(cmd, "cut.img: offset 1: truncated header (1 byte, need 48)\n");
    /* text that does not begin the magic is still said to be text */
    cs_write_bytes(p, "TGMX", 4);
    cs_tgm_fails(2, "cut.img: offset 0: bad magic (not a tgm image); it holds text", "dis",
                 CS_ARGV(p));
}

/* IMG's bytes with its header's load address set to LOAD and EXTRA bytes
 * added to its symbol table, the checksum made right again, as NAME. */
static void write_edited(char *path, size_t len, const char *name, const struct tgm_image *img,
                         uint32_t load, const char *extra)
{
    uint8_t *buf;
    size_t n, k = strlen(extra);
    assert_int_equal(image_serialize(img, &buf, &n), 0);
    uint8_t *e = malloc(n + k);
    assert_non_null(e);
    memcpy(e, buf, n - 8);
    memcpy(e + n - 8, extra, k);
    le_write(e + 16, load, 4);
    le_write(e + 36, le_read(e + 36, 4) + k, 4);
    le_write(e + n - 8 + k, tgm_fnv1a(e, n - 8 + k, TGM_FNV_SEED), 8);
    cs_tmp_path(path, len, name);
    cs_write_bytes(path, e, n + k);
    free(e);
    free(buf);
}

/* Counts of one were plural in two refusals of an image's header. */
static void image__one_stray_byte_and_one_word_are_singular(void **state)
{
    (void)state;
    uint64_t word = 0;
    struct tgm_symbol sym = {.name = (char *)"a", .value = 1};
    struct tgm_image img = {.nwords = 1, .words = &word, .entry_psw = UINT64_C(1) << 63,
                            .nsyms = 1, .syms = &sym};
    char p[CS_PATH];
    write_edited(p, sizeof p, "stray.img", &img, 0, "z");
    cs_tgm_fails(2, "stray.img: offset 58: 1 stray byte after the symbol table\n", "run",
                 CS_ARGV(p));
    write_edited(p, sizeof p, "stray.img", &img, 0, "zz");
    cs_tgm_fails(2, "stray.img: offset 58: 2 stray bytes after the symbol table\n", "dis",
                 CS_ARGV(p));
    write_edited(p, sizeof p, "high.img", &img, UINT32_C(1) << 19, "");
    cs_tgm_fails(2, "high.img: offset 16: load address 524288 + 1 word exceeds the largest "
                    "memory (524288 words)\n", "run", CS_ARGV(p));
}

/* ---- values ------------------------------------------------------------ */

/* "A count of 1 is singular, as everywhere tgm prints counts" (docs/run.md),
 * but its own example error was "--mem: 1 words is out of range". */
static void mem__one_word_is_singular_in_the_range_error(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: --mem: 1 word is out of range (2..524288)\n", "run",
                 CS_ARGV("--mem", "1", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: check: --mem: 1 word is out of range (2..524280)\n", "check",
                 CS_ARGV("--mem", "1", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: monitor: --mem: 1 word is out of range (2..524288)\n", "monitor",
                 CS_ARGV("--mem", "1"));
    cs_tgm_fails(2, "tgm: run: --mem: 0 words is out of range (2..524288)\n", "run",
                 CS_ARGV("--mem", "0", "examples/hello.s"));
    cs_mon_fails("set memory 1", "-c:1: set: 1 word is out of range (2..524288)\n");
    cs_mon_fails("vm create a 1", "-c:1: vm: 1 word is out of range (2..524280)\n");
    cs_mon_fails("check examples/hello.s mem 1",
                 "-c:1: check: mem: 1 word is out of range (2..524280)\n");
    /* a VM of 2^19 words cannot fit beside the CP's 8: the monitor took it
     * as in range, then found no room, where 'tgm check --mem' refuses it */
    cs_mon_fails("vm create a 524288", "-c:1: vm: 524288 words is out of range (2..524280)\n");
    cs_mon_fails("check examples/hello.s mem 524288",
                 "-c:1: check: mem: 524288 words is out of range (2..524280)\n");
    cs_tgm_fails(2, "tgm: check: --mem: 524288 words is out of range (2..524280)\n", "check",
                 CS_ARGV("--mem", "524288", "examples/hello.s"));
    cs_mon_prints("vm create a 524280; echo made", "made"); /* the whole of free memory */
    /* nest's 'mem' is worded as check's ("mem 1 is out of range") */
    cs_mon_fails("nest 1 examples/hello.s mem 1",
                 "-c:1: nest: mem: 1 word is out of range (2..524288)\n");
    cs_mon_fails("set memory 3x", "-c:1: set: ");
}

/* ---- snapshots --------------------------------------------------------- */

/* A snapshot cut inside its 16-byte header said "unsupported snapshot
 * version 4 (this tgm reads 1 to 4)" (the section count missing) or
 * "version 0" (the version missing); the start of the magic alone "not a
 * tgm snapshot". */
static void restore__a_snapshot_cut_in_its_header_is_truncated(void **state)
{
    (void)state;
    char snap[CS_PATH], cut[CS_PATH], cmd[2 * CS_PATH];
    cs_tmp_path(snap, sizeof snap, "whole.snap");
    cs_tmp_path(cut, sizeof cut, "cut.snap");
    snprintf(cmd, sizeof cmd, "save %s", snap);
    cs_mon_prints(cmd, "");
    size_t len;
    char *whole = cs_slurp(snap, &len);
    assert_true(len > 16);
    static const struct { size_t n; const char *why; } cuts[] = {
        {12, "cut.snap: offset 12: truncated header (12 bytes, need 16)\n"},
        {8, "cut.snap: offset 8: truncated header (8 bytes, need 16)\n"},
        {3, "cut.snap: offset 3: truncated header (3 bytes, need 16)\n"},
        {1, "cut.snap: offset 1: truncated header (1 byte, need 16)\n"},
        {0, "cut.snap: offset 0: truncated header (0 bytes, need 16)\n"}, /* as an image's */
    };
    snprintf(cmd, sizeof cmd, "restore %s", cut);
    for (size_t k = 0; k < sizeof cuts / sizeof cuts[0]; k++) {
        cs_write_bytes(cut, whole, cuts[k].n);
        cs_mon_fails(cmd, cuts[k].why);
    }
    free(whole);
}

/* Where section TAG's data begins in the snapshot BUF (LEN bytes); its
 * length in *N.  Fails the test if it is missing. */
static size_t section_at(const char *buf, size_t len, const char *tag, size_t *n)
{
    for (size_t off = 16; off + 16 <= len - 8; off += 16 + *n) {
        *n = (size_t)le_read((const uint8_t *)buf + off + 8, 8);
        if (memcmp(buf + off, tag, 4) == 0)
            return off + 16;
    }
    *n = 0; /* fail_msg returns as far as gcc -O3 knows */
    fail_msg("no %s section", tag);
    return 0;
}

/* Restore BUF (LEN bytes, its checksum made right) as PATH: it fails with
 * "PART: offset AT: WHY". */
static void restore_fails_at(const char *path, char *buf, size_t len, const char *part,
                             size_t at, const char *why)
{
    le_write((uint8_t *)buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_write_bytes(path, buf, len);
    char cmd[CS_PATH + 16], want[256];
    snprintf(cmd, sizeof cmd, "restore %s", path);
    snprintf(want, sizeof want, "%s: offset %zu: %s", part, at, why);
    cs_mon_fails(cmd, want);
}

/* An offset in an error about the control program's or the real machine's
 * state counted from the start of its section, or of a VM's state inside
 * it ("offset 8: unsupported state version"), not from the file's; a bad
 * VM record's offset was the end of the record. */
static void restore__offsets_are_the_files(void **state)
{
    (void)state;
    char snap[CS_PATH], cmd[CS_PATH + 128];
    cs_tmp_path(snap, sizeof snap, "two.snap");
    snprintf(cmd, sizeof cmd, "vm create alpha 256 examples/hello.s; "
                              "vm create bravo 256 examples/hello.s; save %s", snap);
    cs_mon_prints(cmd, "");
    size_t len, n;
    char *buf = cs_slurp(snap, &len);
    size_t cp = section_at(buf, len, "CPST", &n);
    char *name = memmem(buf + cp, n, "bravo", 5);
    assert_non_null(name);
    memcpy(name, "alpha", 5); /* the record begins with its 8-byte id */
    restore_fails_at(snap, buf, len, "control program", (size_t)(name - buf) - 8,
                     "VMs 0 and 1 are both named 'alpha'\n");
    memcpy(name, "bravo", 5);
    char *vm = memmem(buf + cp, n, "TGMSTATE", 8); /* VM 0's machine state */
    assert_non_null(vm);
    vm[8] ^= 0x40;
    restore_fails_at(snap, buf, len, "control program", (size_t)(vm - buf) + 8,
                     "unsupported state version 65\n");
    vm[8] ^= 0x40;
    size_t real = section_at(buf, len, "REAL", &n);
    buf[real + 8] ^= 0x40;
    restore_fails_at(snap, buf, len, "control program", real + 8,
                     "unsupported state version 65\n");
    buf[real + 8] ^= 0x40;
    size_t bare = section_at(buf, len, "BARE", &n);
    buf[bare + 8] ^= 0x40;
    restore_fails_at(snap, buf, len, "bare machine", bare + 8,
                     "unsupported state version 65\n");
    free(buf);
}

/* ---- output names ------------------------------------------------------ */

/* An empty name is refused when the command is given: 'log ""' and 'trace
 * insns to ""' were taken (the log made a temporary file in the working
 * directory) and failed only at the session's end with "log: : cannot
 * write: No such file or directory"; save and timeline said ": cannot
 * write", restore ": No such file or directory". */
static void monitor__an_empty_file_name_is_refused_at_once(void **state)
{
    (void)state;
    cs_mon_fails("log \"\"; echo logged",
                 "-c:1: log: expected a file name, got ''\n");
    cs_mon_fails("trace insns to \"\"", "-c:1: trace: expected a file name, got ''\n");
    cs_mon_fails("save \"\"", "-c:1: save: expected a file name, got ''\n");
    cs_mon_fails("restore \"\"", "-c:1: restore: expected a file name, got ''\n");
    /* and as the readers' was "cannot open '': No such file or directory" */
    cs_mon_fails("load \"\"", "-c:1: load: expected a file name, got ''\n");
    cs_mon_fails("vm create a 64 \"\"", "-c:1: vm: expected a file name, got ''\n");
    cs_mon_fails("check \"\"", "-c:1: check: expected a file name, got ''\n");
    cs_mon_fails("do \"\"", "-c:1: do: expected a file name, got ''\n");
    cs_tgm_fails(2, "tgm: monitor: expected a file name, got ''\n", "monitor",
                 CS_ARGV("-f", ""));
    /* the CLI's file options said it without ", got ''" */
    cs_tgm_fails(2, "tgm: check: --input-file: expected a file name, got ''\n", "check",
                 CS_ARGV("--input-file", "", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --input-file: expected a file name, got ''\n", "run",
                 CS_ARGV("--input-file", "", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --dump: expected a file name, got ''\n", "run",
                 CS_ARGV("--dump", "", "examples/hello.s"));
    cs_mon_fails("vm create a 256 examples/hello.s; timeline on; go; timeline \"\"",
                 "-c:1: timeline: expected a file name, got ''\n");
    /* an empty history file is none, as documented */
    cs_mon_prints("set histfile \"\"; echo fine", "fine");
}

/* The session O failed with one line holding WHY, and FILE still holds
 * TEXT.  Frees O. */
static void refused_and_kept(struct cs_outcome *o, const char *why, const char *file,
                             const char *text)
{
    assert_int_equal(o->status, 1);
    cs_assert_one_line(o, why);
    cs_outcome_free(o);
    char *now = cs_slurp(file, NULL);
    assert_string_equal(now, text);
    free(now);
}

/* A script that wrote its own file ('log lab.mon' inside lab.mon, also fed
 * on standard input; 'save' over the script that ran it by 'do') replaced
 * it at the end with the log or the snapshot: the script was lost, as 'tgm as x.s -o x.s' would lose
 * the source, which it refuses. */
static void monitor__a_running_script_is_not_written_over(void **state)
{
    (void)state;
    char lab[CS_PATH], outer[CS_PATH], inner[CS_PATH], text[3 * CS_PATH];
    cs_write_text(lab, sizeof lab, "lab.mon", "echo one\n");
    snprintf(text, sizeof text, "log %s\necho two\n", lab);
    cs_write_text(lab, sizeof lab, "lab.mon", text);
    struct cs_outcome o = cs_run_tgm("monitor", "-f", lab, NULL);
    cs_assert_one_line(&o, "lab.mon: a script being run is read from this file; choose "
                           "another file\n");
    refused_and_kept(&o, "lab.mon:1: log: ", lab, text);

    /* commands on standard input redirected from the file: the same */
    int in = open(lab, O_RDONLY);
    assert_true(in >= 0);
    o = cs_finish_tgm(cs_start_tgm(in, "monitor", CS_ARGV("--mem", "64")));
    close(in);
    refused_and_kept(&o, "<stdin>:1: log: ", lab, text);

    /* the outer script of a 'do', by another name: refused as well */
    cs_tmp_path(outer, sizeof outer, "outer.mon");
    cs_tmp_path(inner, sizeof inner, "inner.mon");
    snprintf(text, sizeof text, "save %s/./outer.mon\n", cs_tmpdir());
    cs_write_text(inner, sizeof inner, "inner.mon", text);
    snprintf(text, sizeof text, "do %s\necho back\n", inner);
    cs_write_text(outer, sizeof outer, "outer.mon", text);
    o = cs_run_tgm("monitor", "-f", outer, NULL);
    refused_and_kept(&o, "inner.mon:1: save: ", outer, text);

    /* once it has ended, its file may be written */
    cs_write_text(inner, sizeof inner, "inner.mon", "echo done\n");
    snprintf(text, sizeof text, "do %s; log %s; echo x; log off", inner, inner);
    cs_mon_prints(text, "done");
    char *after = cs_slurp(inner, NULL);
    assert_non_null(strstr(after, "echo x"));
    free(after);
}

/* A monitor session whose output could not be written said only "cannot
 * write the output: write error": its output is flushed after every line,
 * so the reason was gone by the end, where the other commands' is not. */
static void monitor__a_lost_output_says_why(void **state)
{
    (void)state;
    cs_full_stdout_keeps(NULL, "tgm: monitor: cannot write the output: No space left on "
                               "device\n",
                         (char *const[]){"tgm", "monitor", "-c", "help", NULL});
    cs_full_stdout_keeps(NULL, "tgm: monitor: cannot write the output: No space left on "
                               "device\n",
                         (char *const[]){"tgm", "monitor", "-c", "echo hi; exit 3", NULL});
}

/* The writer's test hook took TGM_TEST_FAIL_RENAME=0 as "on": a user who
 * set it to 0 to turn it off had every write fail. */
static void writer__fail_rename_0_is_off(void **state)
{
    (void)state;
    char out[CS_PATH];
    cs_tmp_path(out, sizeof out, "hook.img");
    setenv("TGM_TEST_FAIL_RENAME", "0", 1);
    struct cs_outcome o = cs_run_tgm("as", "examples/hello.s", "-o", out, NULL);
    unsetenv("TGM_TEST_FAIL_RENAME");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    setenv("TGM_TEST_FAIL_RENAME", "1", 1);
    o = cs_run_tgm("as", "examples/hello.s", "-o", out, NULL);
    unsetenv("TGM_TEST_FAIL_RENAME");
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "hook.img: cannot write: injected failure before the rename\n");
    cs_outcome_free(&o);
}

/* A run that reached its step limit and then could not write its --dump
 * (or, under --vmm, its --timeline) said the limit's note as well as the
 * write's error: two lines starting "tgm: run: " for one status 2, whose
 * note explains a status 3 the run no longer has.  The failed write is the
 * one line; the note comes only when the file is in place. */
static void run__a_failed_write_after_the_step_limit_is_one_line(void **state)
{
    (void)state;
    char out[CS_PATH];
    cs_tmp_path(out, sizeof out, "limit.out");
    const char *const cmds[][8] = {
        {"examples/hostile/spin.s", "--max-steps", "100", "--quiet", "--dump", out, NULL},
        {"--vmm", "--max-steps", "100", "--quiet", "--timeline", out,
         "examples/hostile/spin.s", NULL},
    };
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        setenv("TGM_TEST_FAIL_RENAME", "1", 1);
        struct cs_outcome o = cs_run_tgm_argv("run", cmds[i]);
        unsetenv("TGM_TEST_FAIL_RENAME");
        assert_int_equal(o.status, 2);
        cs_assert_one_line(&o, "limit.out: cannot write: injected failure before the rename\n");
        cs_outcome_free(&o);
        /* written, the note follows, and the status is the limit's */
        o = cs_run_tgm_argv("run", cmds[i]);
        assert_int_equal(o.status, 3);
        cs_assert_one_line(&o, "step limit of 100 reached before HALT");
        cs_outcome_free(&o);
        assert_int_equal(unlink(out), 0);
    }
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_badin");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(image__a_cut_magic_is_a_truncated_image_not_text),
        cmocka_unit_test(image__one_stray_byte_and_one_word_are_singular),
        cmocka_unit_test(mem__one_word_is_singular_in_the_range_error),
        cmocka_unit_test(restore__a_snapshot_cut_in_its_header_is_truncated),
        cmocka_unit_test(restore__offsets_are_the_files),
        cmocka_unit_test(monitor__an_empty_file_name_is_refused_at_once),
        cmocka_unit_test(monitor__a_running_script_is_not_written_over),
        cmocka_unit_test(monitor__a_lost_output_says_why),
        cmocka_unit_test(writer__fail_rename_0_is_off),
        cmocka_unit_test(run__a_failed_write_after_the_step_limit_is_one_line),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
