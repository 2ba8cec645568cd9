/* test_cli_run.c: `tgm run` driven as a user drives it, through the binary.
 *
 * Builds small section 2 programs as images (image_write_file), runs the
 * tgm binary named by $TGM (default build/tgm) on them, and checks exit
 * status, the printed state and its JSON form, --dump, and that every bad
 * flag, value or image gives exactly one line on stderr.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "support.h"
#include "tgm/image.h"
#include "tgm/machine.h"

static char tmpdir[256];
static const char *tgm;

/* ---- running the binary ------------------------------------------------ */

struct outcome {
    int status; /* exit status, or -1 if it did not exit normally */
    char *out;  /* stdout, NUL-terminated (may hold NULs before the end) */
    size_t out_len;
    char *err;  /* stderr */
};

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap + 1);
    assert_non_null(buf);
    while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            buf = realloc(buf, (cap *= 2) + 1);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

static void tmp_path(char *buf, size_t len, const char *name)
{
    snprintf(buf, len, "%s/%s", tmpdir, name);
}

/* Run `tgm run ARGS...` (NULL-terminated) with stdin from /dev/null. */
static struct outcome run_tgm(const char *first, ...)
{
    const char *argv[32] = {tgm, "run"};
    int argc = 2;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        assert_true(argc < 30);
        argv[argc++] = a;
    }
    va_end(ap);
    argv[argc] = NULL;

    char out_path[300], err_path[300];
    tmp_path(out_path, sizeof out_path, "stdout.txt");
    tmp_path(err_path, sizeof err_path, "stderr.txt");
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY);
        int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (in < 0 || out < 0 || err < 0)
            _exit(126);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execv(tgm, (char *const *)argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    struct outcome o = {WIFEXITED(st) ? WEXITSTATUS(st) : -1, NULL, 0, NULL};
    assert_int_not_equal(o.status, 127); /* exec failed: is $TGM right? */
    o.out = slurp(out_path, &o.out_len);
    o.err = slurp(err_path, NULL);
    return o;
}

static void outcome_free(struct outcome *o)
{
    free(o->out);
    free(o->err);
}

/* Exactly one non-empty line on stderr, containing WANT. */
static void assert_one_line(const struct outcome *o, const char *want)
{
    size_t n = strlen(o->err);
    if (n == 0 || o->err[n - 1] != '\n' || strchr(o->err, '\n') != o->err + n - 1)
        fail_msg("expected one line on stderr, got \"%s\"", o->err);
    if (!strstr(o->err, want))
        fail_msg("stderr \"%s\" does not mention \"%s\"", o->err, want);
}

/* ---- images ------------------------------------------------------------ */

#define QALL TGM_Q_MAX /* a bound covering all of E */
#define SUP_PSW(p) TS_PSW(1, 0, 0, (p), 0, QALL)
#define WORDS(...) ((const uint64_t[]){__VA_ARGS__}), \
    sizeof((const uint64_t[]){__VA_ARGS__}) / sizeof(uint64_t)

/* Write an image NAME into the temporary directory; PATH gets its path. */
static void make_image(char *path, size_t len, const char *name, uint32_t load,
                       const uint64_t *words, size_t n, uint64_t entry)
{
    struct tgm_image img = {.load = load, .nwords = (uint32_t)n, .entry_psw = entry,
                            .words = (uint64_t *)words};
    char err[300];
    tmp_path(path, len, name);
    if (image_write_file(path, &img, err, sizeof err) != 0)
        fail_msg("image_write_file: %s", err);
}

/* Prints "hi\n" with COUT in supervisor mode and halts at 8; a trap halts
 * at 9 instead. */
static void hello_image(char *path, size_t len)
{
    make_image(path, len, "hello.tgm", 0,
               WORDS(0, SUP_PSW(9),
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
    make_image(path, len, "loop.tgm", 0,
               WORDS(0, SUP_PSW(3), MAKE_INSN(OP_JMP, 2, 0, 0), MAKE_INSN(OP_HALT, 0, 0, 0)),
               SUP_PSW(2));
}

/* ---- a tiny JSON reader: enough to check shape and a few fields -------- */

static const char *json_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

/* Parse a JSON string at S (which starts at the quote); unescape it into
 * BUF (may be NULL) and return the end, or NULL if malformed. */
static const char *json_string(const char *s, char *buf, size_t *len)
{
    size_t n = 0;
    if (*s++ != '"')
        return NULL;
    for (; *s != '"'; s++) {
        unsigned c = (unsigned char)*s;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *k = *++s ? strchr(from, *s) : NULL;
            if (k) {
                c = (unsigned char)to[k - from];
            } else if (*s == 'u') {
                unsigned v;
                if (sscanf(s + 1, "%4x", &v) != 1 || v > 0xff)
                    return NULL; /* tgm only escapes bytes */
                c = v;
                s += 4;
            } else {
                return NULL;
            }
        }
        if (buf)
            buf[n] = (char)c;
        n++;
    }
    if (len)
        *len = n;
    return s + 1;
}

/* Return the end of the JSON value at S, or NULL if it is malformed. */
static const char *json_value(const char *s)
{
    s = json_ws(s);
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        s = json_ws(s + 1);
        if (*s == close)
            return s + 1;
        for (;;) {
            if (close == '}') {
                if (!(s = json_string(json_ws(s), NULL, NULL)))
                    return NULL;
                s = json_ws(s);
                if (*s++ != ':')
                    return NULL;
            }
            if (!(s = json_value(s)))
                return NULL;
            s = json_ws(s);
            if (*s == close)
                return s + 1;
            if (*s++ != ',')
                return NULL;
        }
    }
    if (*s == '"')
        return json_string(s, NULL, NULL);
    if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
        return s + 4;
    if (!strncmp(s, "false", 5))
        return s + 5;
    char *end;
    strtod(s, &end);
    return end == s ? NULL : end;
}

/* The output must be one JSON object on one line. */
static void assert_json_object(const struct outcome *o)
{
    assert_true(o->out_len > 2);
    assert_int_equal(o->out[0], '{');
    assert_int_equal(o->out[o->out_len - 1], '\n');
    assert_ptr_equal(strchr(o->out, '\n'), o->out + o->out_len - 1);
    const char *end = json_value(o->out);
    if (!end || *json_ws(end) != '\0')
        fail_msg("not one valid JSON object: %s", o->out);
}

/* The value after "KEY": inside the text starting at WITHIN (or the whole
 * output when NULL): a number, or a string (unescaped into BUF). */
static const char *json_at(const char *json, const char *within, const char *key)
{
    char pat[64];
    const char *from = json;
    if (within) {
        snprintf(pat, sizeof pat, "\"%s\":", within);
        from = strstr(json, pat);
        if (!from)
            fail_msg("no \"%s\" in %s", within, json);
    }
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(from, pat);
    if (!p)
        fail_msg("no \"%s\" in %s", key, json);
    return p + strlen(pat);
}

static uint64_t json_u64(const char *json, const char *within, const char *key)
{
    const char *p = json_at(json, within, key);
    char *end;
    uint64_t v = strtoull(p, &end, 10);
    if (end == p)
        fail_msg("\"%s\" is not a number in %s", key, json);
    return v;
}

static void assert_json_str(const char *json, const char *within, const char *key,
                            const char *want, size_t want_len)
{
    char buf[512];
    size_t len;
    const char *p = json_at(json, within, key);
    assert_non_null(json_string(p, buf, &len));
    assert_int_equal(len, want_len);
    assert_memory_equal(buf, want, want_len);
}
#define ASSERT_JSON_STR(json, within, key, lit) \
    assert_json_str(json, within, key, lit, sizeof lit - 1)

/* ---- the tests --------------------------------------------------------- */

static void run__halt_exits_0_and_prints_console_then_state(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct outcome o = run_tgm(img, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    assert_memory_equal(o.out, "hi\n-- halted\n", 13);
    assert_non_null(strstr(o.out, "supervisor  I=0  P=9  l=0  b=524288"));
    assert_non_null(strstr(o.out, "\ninstructions 7\n"));
    assert_non_null(strstr(o.out, "\nconsole      3 bytes\n"));
    assert_non_null(strstr(o.out, "\nlast trap    none\n"));
    outcome_free(&o);
}

static void run__json_is_one_object_with_the_final_state(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct outcome o = run_tgm("--json", img, NULL);
    assert_int_equal(o.status, 0);
    assert_json_object(&o);
    ASSERT_JSON_STR(o.out, NULL, "stop", "halt");
    ASSERT_JSON_STR(o.out, "psw", "mode", "supervisor");
    assert_int_equal(json_u64(o.out, "psw", "p"), 9);
    assert_int_equal(json_u64(o.out, "psw", "l"), 0);
    assert_int_equal(json_u64(o.out, "psw", "b"), QALL);
    assert_int_equal(json_u64(o.out, "psw", "i"), 0);
    ASSERT_JSON_STR(o.out, "psw", "word", "0x8000048000080000");
    assert_int_equal(json_u64(o.out, NULL, "instructions"), HELLO_INSNS);
    assert_int_equal(json_u64(o.out, NULL, "steps"), HELLO_INSNS);
    assert_int_equal(json_u64(o.out, NULL, "cycles"), HELLO_CYCLES);
    assert_int_equal(json_u64(o.out, NULL, "console_bytes"), 3);
    assert_int_equal(json_u64(o.out, NULL, "q"), TGM_Q_DEFAULT);
    ASSERT_JSON_STR(o.out, NULL, "console", "hi\n");
    ASSERT_JSON_STR(o.out, NULL, "last_trap", "none");
    assert_non_null(strstr(o.out, "\"timer\":{\"armed\":false,\"pending\":false"));
    /* the digest is E's: check its form (16 hex digits) */
    const char *d = json_at(o.out, NULL, "digest");
    assert_int_equal(strspn(d + 3, "0123456789abcdef"), 16);
    outcome_free(&o);
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
    make_image(img, sizeof img, "esc.tgm", 0, w, n, SUP_PSW(2));
    struct outcome o = run_tgm(img, "--json", NULL);
    assert_int_equal(o.status, 0);
    assert_json_object(&o);
    assert_non_null(strstr(o.out, "\"console\":\"\\\"\\\\\\n\\u0001\\u00ff/A\\u007f\""));
    assert_json_str(o.out, NULL, "console", (const char *)bytes, sizeof bytes);
    outcome_free(&o);
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
    make_image(img, sizeof img, "traps.tgm", 0, w, 32, TS_PSW(0, 0, 0, 10, 0, QALL));
    struct outcome o = run_tgm(img, "--json", NULL);
    assert_int_equal(o.status, 0);
    assert_json_object(&o);
    assert_int_equal(json_u64(o.out, "traps", "svc"), 2);
    assert_int_equal(json_u64(o.out, "traps", "privileged"), 1);
    assert_int_equal(json_u64(o.out, "traps", "illegal"), 1);
    assert_int_equal(json_u64(o.out, "traps", "memory"), 1);
    assert_int_equal(json_u64(o.out, "traps", "timer"), 0);
    ASSERT_JSON_STR(o.out, NULL, "last_trap", "svc");
    assert_int_equal(json_u64(o.out, "psw", "p"), 6);
    outcome_free(&o);

    o = run_tgm(img, NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "privileged 1, memory 1, svc 2, illegal 1, timer 0"));
    outcome_free(&o);
}

static void run__step_limit_exits_3_after_exactly_n_steps(void **state)
{
    (void)state;
    char img[300];
    loop_image(img, sizeof img);
    struct outcome o = run_tgm(img, "--max-steps", "1000", "--json", NULL);
    assert_int_equal(o.status, 3);
    assert_json_object(&o);
    ASSERT_JSON_STR(o.out, NULL, "stop", "step_limit");
    assert_int_equal(json_u64(o.out, NULL, "steps"), 1000);
    assert_int_equal(json_u64(o.out, NULL, "cycles"), 1000 * CYC_JMP);
    outcome_free(&o);

    /* more than one chunk of the run loop, in text mode */
    o = run_tgm(img, "--max-steps", "0x2000001", NULL);
    assert_int_equal(o.status, 3);
    assert_non_null(strstr(o.out, "-- step limit reached before HALT\n"));
    assert_non_null(strstr(o.out, "\nsteps        33554433\n"));
    assert_one_line(&o, "--max-steps");
    outcome_free(&o);
}

static void run__max_steps_0_means_no_limit(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct outcome o = run_tgm(img, "--max-steps", "0", NULL);
    assert_int_equal(o.status, 0);
    outcome_free(&o);
    /* a limit equal to the program's length still lets it halt */
    o = run_tgm(img, "--max-steps", "7", NULL);
    assert_int_equal(o.status, 0);
    outcome_free(&o);
    o = run_tgm(img, "--max-steps", "6", NULL);
    assert_int_equal(o.status, 3);
    outcome_free(&o);
}

static void run__dump_writes_all_of_e_little_endian(void **state)
{
    (void)state;
    char img[300], dump[300];
    make_image(img, sizeof img, "dump.tgm", 2,
               WORDS(MAKE_INSN_L(OP_LI, 40, -2), MAKE_INSN_L(OP_LI, 63, 0x12345678),
                     MAKE_INSN(OP_HALT, 0, 0, 0)),
               SUP_PSW(2));
    tmp_path(dump, sizeof dump, "e.bin");
    struct outcome o = run_tgm(img, "--mem", "64", "--dump", dump, "--quiet", NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, "");
    size_t len;
    uint8_t *e = (uint8_t *)slurp(dump, &len);
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
    outcome_free(&o);

    /* no temporary file is left beside the dump */
    DIR *dir = opendir(tmpdir);
    assert_non_null(dir);
    for (struct dirent *d; (d = readdir(dir));)
        if (strstr(d->d_name, "e.bin") && strcmp(d->d_name, "e.bin") != 0)
            fail_msg("stray file %s", d->d_name);
    closedir(dir);
}

static void run__dump_that_cannot_be_written_is_one_line(void **state)
{
    (void)state;
    char img[300], dump[300];
    hello_image(img, sizeof img);
    tmp_path(dump, sizeof dump, "no/such/dir/e.bin");
    struct outcome o = run_tgm(img, "--dump", dump, "--quiet", NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "--dump");
    outcome_free(&o);
}

/* CIN echo: read until -1, COUT each byte. */
static void run__input_and_input_file_feed_cin_in_order(void **state)
{
    (void)state;
    char img[300], in[300];
    make_image(img, sizeof img, "echo.tgm", 0,
               WORDS(0, SUP_PSW(8), MAKE_INSN(OP_CIN, 20, 0, 0),
                     MAKE_INSN(OP_ADDI, 21, 20, 1), MAKE_INSN(OP_BZ, 21, 7, 0),
                     MAKE_INSN(OP_COUT, 20, 0, 0), MAKE_INSN(OP_JMP, 2, 0, 0),
                     MAKE_INSN(OP_HALT, 0, 0, 0), MAKE_INSN(OP_HALT, 0, 0, 0)),
               SUP_PSW(2));
    tmp_path(in, sizeof in, "input.bin");
    FILE *f = fopen(in, "wb");
    assert_non_null(f);
    fwrite("c\0d", 1, 3, f);
    fclose(f);
    struct outcome o = run_tgm("--input", "ab", img, "--input-file", in, "--input", "e",
                               "--json", NULL);
    assert_int_equal(o.status, 0);
    ASSERT_JSON_STR(o.out, NULL, "console", "abc\0de");
    assert_int_equal(json_u64(o.out, "psw", "p"), 8);
    outcome_free(&o);
}

static void run__quiet_prints_only_the_console(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct outcome o = run_tgm("--quiet", img, NULL);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "hi\n");
    outcome_free(&o);
}

/* SPSW in user mode traps in the default profile, not in x86's. */
static void run__profile_is_applied_and_reported(void **state)
{
    (void)state;
    char img[300];
    make_image(img, sizeof img, "spsw.tgm", 0,
               WORDS(0, SUP_PSW(5), MAKE_INSN(OP_SPSW, 20, 0, 0), MAKE_INSN(OP_SVC, 0, 0, 0),
                     0, MAKE_INSN(OP_HALT, 0, 0, 0)),
               TS_PSW(0, 0, 0, 2, 0, QALL));
    struct outcome o = run_tgm(img, "--json", NULL);
    ASSERT_JSON_STR(o.out, NULL, "profile", "virtualizable");
    assert_int_equal(json_u64(o.out, "traps", "privileged"), 1);
    assert_int_equal(json_u64(o.out, "traps", "svc"), 0);
    outcome_free(&o);
    o = run_tgm(img, "--json", "--profile", "x86", NULL);
    assert_int_equal(o.status, 0);
    ASSERT_JSON_STR(o.out, NULL, "profile", "x86");
    assert_int_equal(json_u64(o.out, "traps", "privileged"), 0);
    assert_int_equal(json_u64(o.out, "traps", "svc"), 1);
    outcome_free(&o);
}

static void run__mem_sets_q_and_an_image_must_fit(void **state)
{
    (void)state;
    char img[300];
    hello_image(img, sizeof img);
    struct outcome o = run_tgm(img, "--mem", "10", "--json", NULL);
    assert_int_equal(o.status, 0);
    assert_int_equal(json_u64(o.out, NULL, "q"), 10);
    outcome_free(&o);
    o = run_tgm(img, "--mem", "9", NULL); /* the image spans words 0..9 */
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "hello.tgm");
    assert_string_equal(o.out, "");
    outcome_free(&o);
}

static void run__bad_flags_give_one_line_and_exit_2(void **state)
{
    (void)state;
    char img[300], missing[300];
    hello_image(img, sizeof img);
    tmp_path(missing, sizeof missing, "missing.txt");
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
        {{"--mem", "1"}, "--mem"},
        {{"--mem", "0x80001"}, "--mem"},
        {{"--mem", ""}, "--mem"},
        {{"--profile", "vax"}, "--profile"},
        {{"--input-file", NULL}, "--input-file"}, /* the missing file */
        {{"--json", "--quiet"}, "--quiet"},
        {{"--dump", ""}, "--dump"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *const *a = cases[i].args;
        const char *a1 = a[1] ? a[1] : (strcmp(a[0], "--input-file") == 0 ? missing : NULL);
        /* the image first, so a flag missing its value is the last word */
        struct outcome o = a1 ? run_tgm(img, a[0], a1, NULL) : run_tgm(img, a[0], NULL);
        if (o.status != 2)
            fail_msg("case %zu (%s): exit %d, expected 2", i, a[0], o.status);
        assert_one_line(&o, cases[i].mentions);
        assert_string_equal(o.out, "");
        outcome_free(&o);
    }
    struct outcome o = run_tgm(NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "IMAGE");
    outcome_free(&o);
    o = run_tgm(img, img, NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "unexpected argument");
    outcome_free(&o);
}

static void write_bytes(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

static void run__bad_images_give_one_line_and_exit_2(void **state)
{
    (void)state;
    char good[300], bad[300], missing[300];
    hello_image(good, sizeof good);
    size_t len;
    char *bytes = slurp(good, &len);
    tmp_path(bad, sizeof bad, "bad.tgm");
    tmp_path(missing, sizeof missing, "missing.tgm");

    struct outcome o = run_tgm(missing, NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "missing.tgm");
    outcome_free(&o);

    write_bytes(bad, "NOTANIMAGE, just some text that is long enough\n", 48);
    o = run_tgm(bad, NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "magic");
    outcome_free(&o);

    write_bytes(bad, bytes, len - 9); /* truncated */
    o = run_tgm(bad, NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "bad.tgm");
    outcome_free(&o);

    bytes[TGM_IMAGE_HEADER + 8 * 3] ^= 0x40; /* one bit of a word */
    write_bytes(bad, bytes, len);
    o = run_tgm(bad, "--json", NULL);
    assert_int_equal(o.status, 2);
    assert_one_line(&o, "checksum");
    assert_string_equal(o.out, "");
    outcome_free(&o);
    free(bytes);
}

/* A .s file is assembled on the way in; a bad one is an input error. */
static void run__source_file_is_assembled_first(void **state)
{
    (void)state;
    char src[300];
    tmp_path(src, sizeof src, "ok.s");
    static const char ok[] = "        LI   c, 'k'\n        COUT c\n        HALT\nc:      .word 0\n";
    write_bytes(src, ok, strlen(ok));
    struct outcome o = run_tgm(src, "--json", NULL);
    assert_int_equal(o.status, 0);
    ASSERT_JSON_STR(o.out, NULL, "console", "k");
    outcome_free(&o);
    tmp_path(src, sizeof src, "bad.s");
    write_bytes(src, "        LPWS 0\n", strlen("        LPWS 0\n"));
    o = run_tgm(src, NULL);
    assert_int_equal(o.status, 2);
    assert_non_null(strstr(o.err, "bad.s"));
    assert_string_equal(o.out, "");
    outcome_free(&o);
}

static void run__help_prints_usage_and_exits_0(void **state)
{
    (void)state;
    struct outcome o = run_tgm("--help", NULL);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "usage: tgm run IMAGE"));
    assert_non_null(strstr(o.out, "--max-steps"));
    assert_string_equal(o.err, "");
    outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    tgm = getenv("TGM");
    if (!tgm || !*tgm)
        tgm = "build/tgm";
    if (access(tgm, X_OK) != 0) {
        fprintf(stderr, "test_cli_run: no tgm binary at '%s' (set TGM)\n", tgm);
        return -1;
    }
    const char *t = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/tgm-test-run.XXXXXX", t && *t ? t : "/tmp");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    DIR *dir = opendir(tmpdir);
    if (dir) {
        char path[600];
        for (struct dirent *d; (d = readdir(dir));)
            if (strcmp(d->d_name, ".") && strcmp(d->d_name, "..")) {
                snprintf(path, sizeof path, "%s/%s", tmpdir, d->d_name);
                remove(path);
            }
        closedir(dir);
    }
    rmdir(tmpdir);
    return 0;
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
        cmocka_unit_test(run__dump_that_cannot_be_written_is_one_line),
        cmocka_unit_test(run__input_and_input_file_feed_cin_in_order),
        cmocka_unit_test(run__quiet_prints_only_the_console),
        cmocka_unit_test(run__profile_is_applied_and_reported),
        cmocka_unit_test(run__mem_sets_q_and_an_image_must_fit),
        cmocka_unit_test(run__bad_flags_give_one_line_and_exit_2),
        cmocka_unit_test(run__bad_images_give_one_line_and_exit_2),
        cmocka_unit_test(run__source_file_is_assembled_first),
        cmocka_unit_test(run__help_prints_usage_and_exits_0),
    };
    return cmocka_run_group_tests_name("cli_run", tests, group_setup, group_teardown);
}
