/* test_cli_run.c: `tgm run` driven as a user drives it, through the binary.
 *
 * Builds small section 2 programs as images (image_write_file), runs the
 * tgm binary named by $TGM (default build/tgm) on them, and checks exit
 * status, the printed state and its JSON form, --dump, and that every bad
 * flag, value or image gives exactly one line on stderr.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/image.h"
#include "tgm/machine.h"

/* ---- images ------------------------------------------------------------ */

#define QALL TGM_Q_MAX /* a bound covering all of E */
#define SUP_PSW(p) TS_PSW(1, 0, 0, (p), 0, QALL)

/* Prints "hi\n" with COUT in supervisor mode and halts at 8; a trap halts
 * at 9 instead. */
static void hello_image(char *path, size_t len)
{
    cs_make_image(path, len, "hello.tgm", 0,
                  CS_WORDS(0, SUP_PSW(9),
                           MAKE_INSN_L(OP_LI, 20, 'h'), MAKE_INSN(OP_COUT, 20, 0, 0),
                           MAKE_INSN_L(OP_LI, 20, 'i'), MAKE_INSN(OP_COUT, 20, 0, 0),
                           MAKE_INSN_L(OP_LI, 20, '\n'), MAKE_INSN(OP_COUT, 20, 0, 0),
                           MAKE_INSN(OP_HALT, 0, 0, 0), MAKE_INSN(OP_HALT, 0, 0, 0)),
                  SUP_PSW(2));
}
#define HELLO_INSNS 7
#define HELLO_CYCLES (3 * (CYC_LI + CYC_COUT) + CYC_HALT)

/* 2: JMP 2, forever. */
static void loop_image(char *path, size_t len)
{
    cs_make_image(path, len, "loop.tgm", 0,
                  CS_WORDS(0, SUP_PSW(3), MAKE_INSN(OP_JMP, 2, 0, 0),
                           MAKE_INSN(OP_HALT, 0, 0, 0)),
                  SUP_PSW(2));
}

/* ---- the tests --------------------------------------------------------- */

static void run__halt_exits_0_and_prints_console_then_state(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", img, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    assert_memory_equal(o.out, "hi\n-- halted\n", 13);
    assert_non_null(strstr(o.out, "supervisor  I=0  P=9  l=0  b=524288"));
    assert_non_null(strstr(o.out, "\ninstructions 7\n"));
    assert_non_null(strstr(o.out, "\nconsole      3 bytes\n"));
    assert_non_null(strstr(o.out, "\nlast trap    none\n"));
    cs_outcome_free(&o);
}

static void run__json_is_one_object_with_the_final_state(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", "--json", img, NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    CS_ASSERT_JSON_STR(o.out, NULL, "stop", "halt");
    CS_ASSERT_JSON_STR(o.out, "psw", "mode", "supervisor");
    assert_int_equal(cs_json_u64(o.out, "psw", "p"), 9);
    assert_int_equal(cs_json_u64(o.out, "psw", "l"), 0);
    assert_int_equal(cs_json_u64(o.out, "psw", "b"), QALL);
    assert_int_equal(cs_json_u64(o.out, "psw", "i"), 0);
    CS_ASSERT_JSON_STR(o.out, "psw", "word", "0x8000048000080000");
    assert_int_equal(cs_json_u64(o.out, NULL, "instructions"), HELLO_INSNS);
    assert_int_equal(cs_json_u64(o.out, NULL, "steps"), HELLO_INSNS);
    assert_int_equal(cs_json_u64(o.out, NULL, "cycles"), HELLO_CYCLES);
    assert_int_equal(cs_json_u64(o.out, NULL, "console_bytes"), 3);
    assert_int_equal(cs_json_u64(o.out, NULL, "q"), TGM_Q_DEFAULT);
    CS_ASSERT_JSON_STR(o.out, NULL, "console", "hi\n");
    CS_ASSERT_JSON_STR(o.out, NULL, "last_trap", "none");
    assert_non_null(strstr(o.out, "\"timer\":{\"armed\":false,\"pending\":false"));
    /* the digest is E's: check its form (16 hex digits) */
    const char *d = cs_json_at(o.out, NULL, "digest");
    assert_int_equal(strspn(d + 3, "0123456789abcdef"), 16);
    cs_outcome_free(&o);
}

static void run__json_escapes_every_console_byte(void **state)
{
    (void)state;
    static const uint8_t bytes[] = {'"', '\\', '\n', 0x01, 0xff, '/', 'A', 0x7f};
    uint64_t w[2 + 2 * sizeof bytes + 1] = {0, SUP_PSW(0)};
    size_t n = 2;
    for (size_t i = 0; i < sizeof bytes; i++) {
        w[n++] = MAKE_INSN_L(OP_LI, 40, bytes[i]);
        w[n++] = MAKE_INSN(OP_COUT, 40, 0, 0);
    }
    w[n++] = MAKE_INSN(OP_HALT, 0, 0, 0);
    char img[300];
    cs_make_image(img, sizeof img, "esc.tgm", 0, w, n, SUP_PSW(2));
    struct cs_outcome o = cs_run_tgm("run", img, "--json", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_non_null(strstr(o.out, "\"console\":\"\\\"\\\\\\n\\u0001\\u00ff/A\\u007f\""));
    cs_assert_json_str(o.out, NULL, "console", (const char *)bytes, sizeof bytes);
    cs_outcome_free(&o);
}

/* User mode: SVC, HALT (privileged), an illegal word, a memory trap, SVC.
 * The handler at 4 resumes after each, until its counter runs out. */
static void run__json_counts_traps_by_cause(void **state)
{
    (void)state;
    uint64_t w[32] = {
        [1] = SUP_PSW(4),
        [4] = MAKE_INSN(OP_DJNZ, 30, 6, 0),
        [5] = MAKE_INSN(OP_HALT, 0, 0, 0),
        [6] = MAKE_INSN(OP_ADD, 0, 0, 31), /* old PSW's P + 1 */
        [7] = MAKE_INSN(OP_LPSW, 0, 0, 0),
        [10] = MAKE_INSN(OP_SVC, 1, 0, 0),
        [11] = MAKE_INSN(OP_HALT, 0, 0, 0),
        [12] = 0, /* opcode 0: not an instruction */
        [13] = MAKE_INSN(OP_MOV, 20, TGM_ADDR_MASK, 0),
        [14] = MAKE_INSN(OP_SVC, 0, 0, 0),
        [30] = 5,
        [31] = UINT64_C(1) << PSW_P_SHIFT,
    };
    char img[300];
    cs_make_image(img, sizeof img, "traps.tgm", 0, w, 32, TS_PSW(0, 0, 0, 10, 0, QALL));
    struct cs_outcome o = cs_run_tgm("run", img, "--json", NULL);
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    assert_int_equal(cs_json_u64(o.out, "traps", "svc"), 2);
    assert_int_equal(cs_json_u64(o.out, "traps", "privileged"), 1);
    assert_int_equal(cs_json_u64(o.out, "traps", "illegal"), 1);
    assert_int_equal(cs_json_u64(o.out, "traps", "memory"), 1);
    assert_int_equal(cs_json_u64(o.out, "traps", "timer"), 0);
    CS_ASSERT_JSON_STR(o.out, NULL, "last_trap", "svc");
    assert_int_equal(cs_json_u64(o.out, "psw", "p"), 6);
    cs_outcome_free(&o);

    o = cs_run_tgm("run", img, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "privileged 1, memory 1, svc 2, illegal 1, timer 0"));
    cs_outcome_free(&o);
}

static void run__step_limit_exits_3_after_exactly_n_steps(void **state)
{
    (void)state;
    char img[300];
    loop_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", img, "--max-steps", "1000", "--json", NULL);
    assert_int_equal(o.status, 3);
    cs_assert_json_object(&o);
    CS_ASSERT_JSON_STR(o.out, NULL, "stop", "step_limit");
    assert_int_equal(cs_json_u64(o.out, NULL, "steps"), 1000);
    assert_int_equal(cs_json_u64(o.out, NULL, "cycles"), 1000 * CYC_JMP);
    cs_outcome_free(&o);

    /* more than one chunk of the run loop, in text mode */
    o = cs_run_tgm("run", img, "--max-steps", "0x2000001", NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "-- step limit reached before HALT\n"));
    assert_non_null(strstr(o.out, "\nsteps        33554433\n"));
    cs_assert_one_line(&o, "--max-steps");
    cs_outcome_free(&o);

    /* numbers are decimal or 0x hex (docs/run.md): a leading 0 is not octal */
    o = cs_run_tgm("run", img, "--max-steps", "010", "--json", NULL);
    assert_int_equal(o.status, 3);
    assert_int_equal(cs_json_u64(o.out, NULL, "steps"), 10);
    cs_outcome_free(&o);
}

static void run__max_steps_0_means_no_limit(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", img, "--max-steps", "0", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    /* a limit equal to the program's length still lets it halt */
    o = cs_run_tgm("run", img, "--max-steps", "7", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", img, "--max-steps", "6", NULL);
    assert_int_equal(o.status, 3);
    cs_outcome_free(&o);
}

static void run__dump_writes_all_of_e_little_endian(void **state)
{
    (void)state;
    char img[300], dump[300];
    cs_make_image(img, sizeof img, "dump.tgm", 2,
                  CS_WORDS(MAKE_INSN_L(OP_LI, 40, -2), MAKE_INSN_L(OP_LI, 63, 0x12345678),
                           MAKE_INSN(OP_HALT, 0, 0, 0)),
                  SUP_PSW(2));
    cs_tmp_path(dump, sizeof dump, "e.bin");
    struct cs_outcome o =
        cs_run_tgm("run", img, "--mem", "64", "--dump", dump, "--quiet", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    size_t len;
    uint8_t *e = (uint8_t *)cs_slurp(dump, &len);
    assert_int_equal(len, 64 * 8);
    static const uint8_t minus2[8] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t word63[8] = {0x78, 0x56, 0x34, 0x12, 0, 0, 0, 0};
    assert_memory_equal(e + 40 * 8, minus2, 8);
    assert_memory_equal(e + 63 * 8, word63, 8);
    uint64_t halt = 0;
    for (int k = 7; k >= 0; k--)
        halt = halt << 8 | e[4 * 8 + k];
    assert_true(halt == MAKE_INSN(OP_HALT, 0, 0, 0));
    static const uint8_t zero[8];
    assert_memory_equal(e + 0, zero, 8);
    free(e);
    cs_outcome_free(&o);

    /* no temporary file is left beside the dump */
    DIR *dir = opendir(cs_tmpdir());
    assert_non_null(dir);
    for (struct dirent *d; (d = readdir(dir));)
        if (strstr(d->d_name, "e.bin") && strcmp(d->d_name, "e.bin") != 0)
            fail_msg("stray file %s", d->d_name);
    closedir(dir);
}

static void run__dump_or_timeline_that_cannot_be_written_is_refused_first(void **state)
{
    (void)state;
    char img[300], dump[300];
    hello_image(img, sizeof img);
    cs_tmp_path(dump, sizeof dump, "no/such/dir/e.bin");
    struct cs_outcome o = cs_run_tgm("run", img, "--dump", dump, "--quiet", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--dump");
    assert_string_equal(o.out, ""); /* refused before the run, not after it */
    cs_outcome_free(&o);
    /* a dump or a timeline over an image would destroy it */
    size_t len, after;
    char *before = cs_slurp(img, &len);
    o = cs_run_tgm("run", img, "--dump", img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--dump: ");
    assert_non_null(strstr(o.err, "itself; choose another file"));
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--vmm", "--timeline", img, img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--timeline: ");
    assert_non_null(strstr(o.err, "itself; choose another file"));
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
    char *now = cs_slurp(img, &after);
    assert_int_equal(after, len);
    assert_memory_equal(now, before, len);
    free(now);
    free(before);
    /* a file with another hard link was refused only after the run */
    char link1[300], link2[300];
    cs_tmp_path(link1, sizeof link1, "linked.bin");
    cs_tmp_path(link2, sizeof link2, "linked2.bin");
    cs_write_bytes(link1, "keep", 4);
    unlink(link2);
    assert_int_equal(link(link1, link2), 0);
    const char *const *runs[] = {(const char *const[]){img, "--dump", link1, NULL},
                                 (const char *const[]){"--vmm", img, "--timeline", link1, NULL}};
    for (size_t i = 0; i < 2; i++) {
        o = cs_run_tgm_argv("run", runs[i]);
        assert_int_equal(o.status, 2);
        cs_assert_one_line(&o, "has 2 hard links");
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    unlink(link2);
}

/* CIN echo: read until -1, COUT each byte. */
static void run__input_and_input_file_feed_cin_in_order(void **state)
{
    (void)state;
    char img[300], in[300];
    cs_make_image(img, sizeof img, "echo.tgm", 0,
                  CS_WORDS(0, SUP_PSW(8), MAKE_INSN(OP_CIN, 20, 0, 0),
                           MAKE_INSN(OP_ADDI, 21, 20, 1), MAKE_INSN(OP_BZ, 21, 7, 0),
                           MAKE_INSN(OP_COUT, 20, 0, 0), MAKE_INSN(OP_JMP, 2, 0, 0),
                           MAKE_INSN(OP_HALT, 0, 0, 0), MAKE_INSN(OP_HALT, 0, 0, 0)),
                  SUP_PSW(2));
    cs_tmp_path(in, sizeof in, "input.bin");
    FILE *f = fopen(in, "wb");
    assert_non_null(f);
    fwrite("c\0d", 1, 3, f);
    fclose(f);
    struct cs_outcome o = cs_run_tgm("run", "--input", "ab", img, "--input-file", in,
                                     "--input", "e", "--json", NULL);
    assert_int_equal(o.status, 0);
    CS_ASSERT_JSON_STR(o.out, NULL, "console", "abc\0de");
    assert_int_equal(cs_json_u64(o.out, "psw", "p"), 8);
    cs_outcome_free(&o);
}

static void run__quiet_prints_only_the_console(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", "--quiet", img, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "hi\n");
    cs_outcome_free(&o);
}

/* SPSW in user mode traps in the default profile, not in x86's. */
static void run__profile_is_applied_and_reported(void **state)
{
    (void)state;
    char img[300];
    cs_make_image(img, sizeof img, "spsw.tgm", 0,
                  CS_WORDS(0, SUP_PSW(5), MAKE_INSN(OP_SPSW, 20, 0, 0),
                           MAKE_INSN(OP_SVC, 0, 0, 0), 0, MAKE_INSN(OP_HALT, 0, 0, 0)),
                  TS_PSW(0, 0, 0, 2, 0, QALL));
    struct cs_outcome o = cs_run_tgm("run", img, "--json", NULL);
    CS_ASSERT_JSON_STR(o.out, NULL, "profile", "virtualizable");
    assert_int_equal(cs_json_u64(o.out, "traps", "privileged"), 1);
    assert_int_equal(cs_json_u64(o.out, "traps", "svc"), 0);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", img, "--json", "--profile", "x86", NULL);
    assert_int_equal(o.status, 0);
    CS_ASSERT_JSON_STR(o.out, NULL, "profile", "x86");
    assert_int_equal(cs_json_u64(o.out, "traps", "privileged"), 0);
    assert_int_equal(cs_json_u64(o.out, "traps", "svc"), 1);
    cs_outcome_free(&o);
}

static void run__mem_sets_q_and_an_image_must_fit(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct cs_outcome o = cs_run_tgm("run", img, "--mem", "10", "--json", NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_u64(o.out, NULL, "q"), 10);
    cs_outcome_free(&o);
    o = cs_run_tgm("run", img, "--mem", "9", NULL); /* the image spans words 0..9 */
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "hello.tgm");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

static void run__bad_flags_give_one_line_and_exit_2(void **state)
{
    (void)state;
    char img[300], missing[300];
    hello_image(img, sizeof img);
    cs_tmp_path(missing, sizeof missing, "missing.txt");
    static const struct {
        const char *args[4];
        const char *mentions;
    } cases[] = {
        {{"--bogus"}, "--bogus"},
        {{"-x"}, "-x"},
        {{"--max-steps"}, "--max-steps"},
        {{"--max-steps", "abc"}, "--max-steps"},
        {{"--max-steps", "-1"}, "--max-steps"},
        {{"--max-steps", "12x"}, "--max-steps"},
        {{"--max-steps", " -5"}, "--max-steps"}, /* strtoull would wrap it */
        {{"--max-steps", "+5"}, "--max-steps"},
        {{"--mem", "1"}, "--mem"},
        {{"--mem", "0x80001"}, "--mem"},
        {{"--mem", ""}, "--mem"},
        {{"--profile", "vax"}, "--profile"},
        {{"--input-file", NULL}, "--input-file"}, /* the missing file */
        {{"--json", "--quiet"}, "--quiet"},
        {{"--dump", ""}, "--dump"},
        {{"--input-file", ""}, "--input-file: expected a file name"},
        {{"--json=1"}, "run: option '--json' takes no value"}, /* was "unknown option '-'" */
        {{"--bogus=1"}, "run: unknown option '--bogus' (try"}, /* not "or ambiguous" */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *a = cases[i].args;
        const char *a1 = a[1] ? a[1] : (strcmp(a[0], "--input-file") == 0 ? missing : NULL);
        /* the image first, so a flag missing its value is the last word */
        struct cs_outcome o = a1 ? cs_run_tgm("run", img, a[0], a1, NULL)
                                 : cs_run_tgm("run", img, a[0], NULL);
        if (o.status != 2)
            fail_msg("case %zu (%s): exit %d, expected 2", i, a[0], o.status);
        cs_assert_one_line(&o, cases[i].mentions);
        assert_string_equal(o.out, "");
        cs_outcome_free(&o);
    }
    struct cs_outcome o = cs_run_tgm("run", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "no image given");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", img, img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "unexpected argument");
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--nest", "1", "--json", "--quiet", img, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "--quiet: cannot be combined with --json");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
    /* an empty name was "tgm: as: : cannot write: No such file or directory" */
    const char *const empty[][5] = {{"run", ""},           {"as", ""},
                                    {"as", img, "-o", ""},  {"dis", ""},
                                    {"dis", img, "-o", ""}, {"check", ""},
                                    {"monitor", "", "-c", "regs"}};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        o = cs_run_tgm_argv(empty[i][0], empty[i] + 1);
        assert_int_equal(o.status, 2);
        cs_assert_one_line(&o, "expected a file name, got ''");
        cs_outcome_free(&o);
    }
}

static void run__bad_images_give_one_line_and_exit_2(void **state)
{
    (void)state;
    char good[300], bad[300], missing[300];
    hello_image(good, sizeof good);
    size_t len;
    char *bytes = cs_slurp(good, &len);
    cs_tmp_path(bad, sizeof bad, "bad.tgm");
    cs_tmp_path(missing, sizeof missing, "missing.tgm");

    struct cs_outcome o = cs_run_tgm("run", missing, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "missing.tgm");
    cs_outcome_free(&o);

    cs_write_bytes(bad, "NOTANIMAGE, just some text that is long enough\n", 48);
    o = cs_run_tgm("run", bad, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "magic");
    cs_outcome_free(&o);

    cs_write_bytes(bad, bytes, len - 9); /* truncated */
    o = cs_run_tgm("run", bad, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "bad.tgm");
    cs_outcome_free(&o);

    bytes[TGM_IMAGE_HEADER + 8 * 3] ^= 0x40; /* one bit of a word */
    cs_write_bytes(bad, bytes, len);
    o = cs_run_tgm("run", bad, "--json", NULL);
    assert_int_equal(o.status, 2);
    /* docs/run.md: "tgm: run: FILE: offset N: checksum mismatch ..." */
    char want[400];
    snprintf(want, sizeof want, "tgm: run: %s: offset %zu: checksum mismatch", bad, len - 8);
    cs_assert_one_line(&o, want);
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
    free(bytes);
}

/* A .s file is assembled on the way in; a bad one is an input error. */
static void run__source_file_is_assembled_first(void **state)
{
    (void)state;
    char src[300];
    cs_tmp_path(src, sizeof src, "ok.s");
    static const char ok[] = "        LI   c, 'k'\n        COUT c\n        HALT\nc:      .word 0\n";
    cs_write_bytes(src, ok, strlen(ok));
    struct cs_outcome o = cs_run_tgm("run", src, "--json", NULL);
    assert_int_equal(o.status, 0);
    CS_ASSERT_JSON_STR(o.out, NULL, "console", "k");
    cs_outcome_free(&o);
    cs_tmp_path(src, sizeof src, "bad.s");
    cs_write_bytes(src, "        LPWS 0\n", strlen("        LPWS 0\n"));
    o = cs_run_tgm("run", src, NULL);
    assert_int_equal(o.status, 2);
    char want[400];
    snprintf(want, sizeof want, "\ntgm: run: %s: 1 error\n", src);
    assert_non_null(strstr(o.err, want));
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
}

/* Only *.s is assembled: a source named otherwise fails as an image, and
 * the one line says why; a binary file that is no image gets no hint. */
static void run__source_not_named_dot_s_gets_a_hint(void **state)
{
    (void)state;
    static const char hint[] = "; an assembly source must be named *.s";
    static const char src[] = "        LI   c, 'k'\n        COUT c\n        HALT\nc:      .word 0\n";
    char path[300], want[400];
    cs_tmp_path(path, sizeof path, "prog.asm");
    cs_write_bytes(path, src, strlen(src));
    struct cs_outcome o = cs_run_tgm("run", path, NULL);
    assert_int_equal(o.status, 2);
    snprintf(want, sizeof want, "tgm: run: %s: offset 0: bad magic (not a tgm image)%s", path,
             hint);
    cs_assert_one_line(&o, want);
    cs_outcome_free(&o);
    cs_write_bytes(path, "HALT\n", 5); /* shorter than a header */
    o = cs_run_tgm("run", path, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, hint);
    cs_outcome_free(&o);
    static const char bin[64] = {1, 0, 2};
    cs_write_bytes(path, bin, sizeof bin);
    o = cs_run_tgm("run", path, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "bad magic (not a tgm image)");
    assert_null(strstr(o.err, hint));
    cs_outcome_free(&o);
}

static void run__help_prints_usage_and_exits_0(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("run", "--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "usage: tgm run IMAGE"));
    assert_non_null(strstr(o.out, "--max-steps"));
    assert_string_equal(o.err, "");
    cs_outcome_free(&o);
}

/* More output than the machine's 16 MiB console buffer: text streams all
 * of it, and both forms count every byte, bare, under --vmm and --nest. */
static void run__console_beyond_16_mib_is_not_lost(void **state)
{
    (void)state;
    enum { N = (16 << 20) + 1000 };
    char img[300];
    cs_make_image(img, sizeof img, "big.tgm", 0,
                  CS_WORDS(0, SUP_PSW(4), MAKE_INSN(OP_COUT, 5, 0, 0),
                           MAKE_INSN(OP_DJNZ, 6, 2, 0), MAKE_INSN(OP_HALT, 0, 0, 0), 'A', N),
                  SUP_PSW(2));
    struct cs_outcome o = cs_run_tgm("run", "--quiet", img, NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(o.out_len, N);
    assert_int_equal(o.out[N - 1], 'A');
    cs_outcome_free(&o);
    o = cs_run_tgm("run", "--json", img, NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_u64(o.out, NULL, "console_bytes"), N);
    size_t kept;
    assert_non_null(cs_json_string(cs_json_at(o.out, NULL, "console"), NULL, &kept));
    assert_int_equal(kept, 16 << 20);
    cs_outcome_free(&o);
    /* a VM's console keeps 16 MiB too, and counts the rest */
    o = cs_run_tgm("run", "--vmm", "--json", img, NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(cs_json_u64(o.out, NULL, "console_bytes"), N);
    cs_outcome_free(&o);
    /* a stack's bottom machine is emptied as a bare one is: all of it streams */
    o = cs_run_tgm("run", "--nest", "1", "--max-steps", "0", img, NULL);
    assert_int_equal(o.status, 0);
    assert_true(o.out_len > N);
    assert_int_equal(o.out[N - 1], 'A');
    assert_memory_equal(o.out + N, "\n-- halted\n", 11);
    assert_non_null(strstr(o.out + N, "\nconsole      16778216 bytes\n"));
    cs_outcome_free(&o);
}

/* TSET 3 then HALT: the timer expires on the HALT and stays pending; the
 * text says when its trap would come, which depends on I. */
static void run__pending_timer_text_follows_i(void **state)
{
    (void)state;
    static const char *const want[2] = {"\ntimer        expired, trap pending until I=1\n",
                                        "\ntimer        expired, trap pending before the next "
                                        "instruction\n"};
    for (int ie = 0; ie < 2; ie++) {
        char img[300];
        cs_make_image(img, sizeof img, "pending.tgm", 0,
                      CS_WORDS(0, SUP_PSW(3), MAKE_INSN(OP_TSET, 4, 0, 0),
                               MAKE_INSN(OP_HALT, 0, 0, 0), 3),
                      TS_PSW(1, ie, 0, 2, 0, QALL));
        struct cs_outcome o = cs_run_tgm("run", img, NULL);
        assert_int_equal(o.status, 0);
        assert_non_null(strstr(o.out, want[ie]));
        cs_outcome_free(&o);
    }
}

/* Output that cannot be written (a full disk) is not success, whatever the
 * command: status 2 and one line saying so. */
static void run__unwritable_standard_output_is_an_error(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0) {
        skip();
        return;
    }
    char img[300], err[300], cmd[1200];
    hello_image(img, sizeof img);
    cs_tmp_path(err, sizeof err, "full.err");
    static const char *const subs[] = {"run %s", "run --vmm %s", "dis %s", "isa", "--version"};
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
        char args[400];
        snprintf(args, sizeof args, subs[i], img);
        snprintf(cmd, sizeof cmd, "'%s' %s >/dev/full 2>'%s'", cs_tgm(), args, err);
        int rc = system(cmd);
        if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 2)
            fail_msg("tgm %s >/dev/full: status %d, want 2", args, WEXITSTATUS(rc));
        char *text = cs_slurp(err, NULL);
        assert_non_null(strstr(text, "write"));
        assert_non_null(strchr(text, '\n'));
        assert_null(strchr(strchr(text, '\n') + 1, '\n')); /* one line */
        free(text);
    }
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_cli_run");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__halt_exits_0_and_prints_console_then_state),
        cmocka_unit_test(run__json_is_one_object_with_the_final_state),
        cmocka_unit_test(run__json_escapes_every_console_byte),
        cmocka_unit_test(run__json_counts_traps_by_cause),
        cmocka_unit_test(run__step_limit_exits_3_after_exactly_n_steps),
        cmocka_unit_test(run__max_steps_0_means_no_limit),
        cmocka_unit_test(run__dump_writes_all_of_e_little_endian),
        cmocka_unit_test(run__dump_or_timeline_that_cannot_be_written_is_refused_first),
        cmocka_unit_test(run__input_and_input_file_feed_cin_in_order),
        cmocka_unit_test(run__quiet_prints_only_the_console),
        cmocka_unit_test(run__profile_is_applied_and_reported),
        cmocka_unit_test(run__mem_sets_q_and_an_image_must_fit),
        cmocka_unit_test(run__bad_flags_give_one_line_and_exit_2),
        cmocka_unit_test(run__bad_images_give_one_line_and_exit_2),
        cmocka_unit_test(run__source_file_is_assembled_first),
        cmocka_unit_test(run__source_not_named_dot_s_gets_a_hint),
        cmocka_unit_test(run__help_prints_usage_and_exits_0),
        cmocka_unit_test(run__console_beyond_16_mib_is_not_lost),
        cmocka_unit_test(run__pending_timer_text_follows_i),
        cmocka_unit_test(run__unwritable_standard_output_is_an_error),
    };
    return cmocka_run_group_tests_name("cli_run", tests, group_setup, group_teardown);
}
