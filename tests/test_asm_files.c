/* test_asm_files.c: the assembler's files and its command.
 *
 * Includes through real temporary files (relative paths, phases across
 * files, missing files, cycles, unreadable files), the listing, one-line
 * assembly (the monitor's `a` command), and `tgm as` with its exit codes
 * and outputs.  test_asm.c has the syntax, feature by feature.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"

/* The value of symbol NAME of IMG, which must exist. */
static uint64_t sym(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    assert_non_null(s);
    return s->value;
}

/* --- includes ---------------------------------------------------------- */

struct tmpdir {
    char path[200];
};

static void put_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    assert_true(snprintf(path, sizeof path, "%s/%s", dir, name) < (int)sizeof path);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static int make_dir(void **state)
{
    struct tmpdir *d = calloc(1, sizeof *d);
    cs_tmp_name(d->path, sizeof d->path, "tgm-asm-XXXXXX");
    if (!mkdtemp(d->path))
        return -1;
    *state = d;
    return 0;
}

static int remove_dir(void **state)
{
    struct tmpdir *d = *state;
    int rc = cs_remove_tree(d->path);
    free(d);
    return rc;
}

static void asm__include_is_relative_to_the_including_file(void **state)
{
    struct tmpdir *d = *state;
    char sub[512], main_path[1024];
    snprintf(sub, sizeof sub, "%s/lib", d->path);
    assert_int_equal(mkdir(sub, 0700), 0);
    put_file(d->path, "main.s", "  JMP start\n  .include \"lib/a.s\"\nstart: HALT\n");
    put_file(sub, "a.s", "  .include \"b.s\"\nfrom_a: .word k\n");
    put_file(sub, "b.s", "k = 99\n");
    snprintf(main_path, sizeof main_path, "%s/main.s", d->path);
    struct tgm_image img;
    assert_int_equal(asm_assemble_file(main_path, &img, stderr), 0);
    assert_int_equal(img.nwords, 3);
    assert_true(img.words[0] == MAKE_INSN(OP_JMP, 2, 0, 0));
    assert_true(img.words[1] == 99);
    assert_true(sym(&img, "from_a") == 1 && sym(&img, "k") == 99);
    image_free(&img);
}

/* The listing of PATH, which assembles cleanly (free it). */
static char *listing_of(const char *path)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tgm_image img;
    assert_int_equal(asm_assemble_file_listing(path, &img, stderr, f), 0);
    fclose(f);
    image_free(&img);
    return text;
}

/* Assemble PATH: WANT_N errors, their text holding WANT and not LACKS
 * (unless NULL). */
static void diag_of_file_lacking(const char *path, int want_n, const char *want,
                                 const char *lacks)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    struct tgm_image img;
    int n = asm_assemble_file(path, &img, f);
    fclose(f);
    if (n != want_n || !strstr(text, want) || (lacks && strstr(text, lacks)))
        print_error("want %d errors with:\n%s\ngot %d:\n%s", want_n, want, n, text);
    assert_int_equal(n, want_n);
    assert_non_null(strstr(text, want));
    if (lacks)
        assert_null(strstr(text, lacks));
    free(text);
}

static void diag_of_file(const char *path, int want_n, const char *want)
{
    diag_of_file_lacking(path, want_n, want, NULL);
}

/* A UTF-8 byte order mark at the start of a file (some editors write one)
 * was "unexpected byte 0xef" at 1:1; it is skipped, in includes too, and the
 * columns count from after it. */
static void asm__a_leading_bom_is_skipped(void **state)
{
    struct tmpdir *d = *state;
    char main_path[1024];
    put_file(d->path, "bom.s", "\xef\xbb\xbf  .include \"inc.s\"\n  HALT\n");
    put_file(d->path, "inc.s", "\xef\xbb\xbfk = 7\n");
    snprintf(main_path, sizeof main_path, "%s/bom.s", d->path);
    struct tgm_image img;
    assert_int_equal(asm_assemble_file(main_path, &img, stderr), 0);
    assert_int_equal(img.nwords, 1);
    assert_true(sym(&img, "k") == 7);
    image_free(&img);
    put_file(d->path, "bad.s", "\xef\xbb\xbf" "BAD\n");
    snprintf(main_path, sizeof main_path, "%s/bad.s", d->path);
    diag_of_file(main_path, 1, "bad.s:1:1: error: unknown mnemonic 'BAD'\nBAD\n^~~\n");
}

/* A binary file given as a source (an image, a program) printed an error
 * and a line of noise for every line of it: now one error names the NUL
 * byte, in an include too, and nothing else of that file is read. */
static void asm__a_binary_file_is_one_error(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[1024];
    snprintf(path, sizeof path, "%s/bin.s", d->path);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    static const char bin[] = "\x7f" "ELF\nbad-one\n\x01\x00\x02 bad-two\nbad-three\n";
    fwrite(bin, 1, sizeof bin - 1, f);
    fclose(f);
    /* no excerpt, no other line */
    diag_of_file_lacking(path, 1,
                         "bin.s:3:1: error: not an assembly source: a NUL byte at offset 14\n",
                         "bad-");
    put_file(d->path, "m.s", "  HALT\n  .include \"bin.s\"\n  NOP\n");
    snprintf(path, sizeof path, "%s/m.s", d->path);
    snprintf(want, sizeof want, "%s/bin.s:3:1: error: not an assembly source", d->path);
    diag_of_file(path, 1, want);
}

/* A control character in a file's name or in a token an error quotes is
 * escaped, so that each error's first line stays one line (a newline in
 * the name split it in two; a raw CR or ESC reached the terminal). */
static void asm__control_characters_in_errors_are_escaped(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[1024];
    put_file(d->path, "n\nl.s", "foo\n");
    put_file(d->path, "m.s", ".include \"n\\nl.s\"\n.word \"a\rb\x1b\"\n"
                             ".include \"x\\ry.s\"\n");
    snprintf(path, sizeof path, "%s/m.s", d->path);
    snprintf(want, sizeof want, "%s/n\\nl.s:1:1: error: unknown mnemonic 'foo'\n", d->path);
    diag_of_file_lacking(path, 3, want, "\r");
    diag_of_file(path, 3, ":2:7: error: expected an expression, got '\"a\\rb\\x1b\"' (a string is no value: "
                       "a character literal such as 'a' is; .ascii puts a string's bytes, one "
                       "per word)\n");
    diag_of_file(path, 3, "x\\ry.s': No such file or directory\n");
    /* the listing's "; FILE" line too */
    put_file(d->path, "ok.s", ".include \"n\\nl.s\"\n");
    put_file(d->path, "n\nl.s", "NOP\n");
    snprintf(path, sizeof path, "%s/ok.s", d->path);
    char *text = listing_of(path);
    snprintf(want, sizeof want, "; %s/n\\nl.s\n00000  0200000000000000", d->path);
    if (!strstr(text, want))
        fail_msg("want\n%s\nin\n%s", want, text);
    free(text);
}

/* More than 20 errors: the first 20 in source order, then a count of the
 * rest (the whole count is still returned). */
static void asm__errors_past_twenty_are_counted(void **state)
{
    struct tmpdir *d = *state;
    char path[512], src[1024] = "";
    for (int i = 1; i <= 23; i++)
        snprintf(src + strlen(src), sizeof src - strlen(src), "bad%d\n", i);
    put_file(d->path, "many.s", src);
    snprintf(path, sizeof path, "%s/many.s", d->path);
    diag_of_file_lacking(path, 23,
                         "many.s:20:1: error: unknown mnemonic 'bad20'\nbad20\n^~~~~\n"
                         "(3 more errors not shown)\n",
                         "'bad21'");
    /* one more is singular, as every count tgm prints (docs/run.md) */
    put_file(d->path, "many.s", src + strlen("bad1\nbad2\n"));
    diag_of_file(path, 21, "bad22\n^~~~~\n(1 more error not shown)\n");
    put_file(d->path, "many.s", src + strlen("bad1\nbad2\nbad3\n")); /* exactly 20 */
    diag_of_file_lacking(path, 20, "bad23\n^~~~~\n", "not shown");
    /* errors found last (undefined symbols, at the end) on the first
     * lines still come first, in place of later lines' */
    strcpy(src, "JMP nowhere1\nJMP nowhere2\n");
    for (int i = 3; i <= 25; i++)
        snprintf(src + strlen(src), sizeof src - strlen(src), "bad%d\n", i);
    put_file(d->path, "many.s", src);
    diag_of_file(path, 25, "many.s:1:5: error: undefined symbol 'nowhere1'\n");
    diag_of_file_lacking(path, 25, "bad20\n^~~~~\n(5 more errors not shown)\n", "'bad21'");
}

/* A phase may hold an include, but each file must end the phases it began. */
static void asm__phase_across_includes(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[2048];
    put_file(d->path, "p.s", "here: .word here\n");
    put_file(d->path, "m.s", ".org 9\n.phase 0\n.include \"p.s\"\n.dephase\n");
    snprintf(path, sizeof path, "%s/m.s", d->path);
    struct tgm_image img;
    assert_int_equal(asm_assemble_file(path, &img, stderr), 0);
    assert_true(img.load == 9 && img.nwords == 1 && img.words[0] == 0);
    assert_true(sym(&img, "here") == 0);
    image_free(&img);
    put_file(d->path, "open.s", "  .phase 3\n");
    put_file(d->path, "m.s", ".include \"open.s\"\n.dephase\n");
    snprintf(want, sizeof want, "%s/open.s:1:3: error: '.phase' has no '.dephase' before the end "
                                "of the file\n", d->path);
    diag_of_file(path, 2, want);
    diag_of_file(path, 2, "m.s:2:1: error: '.dephase' without '.phase'\n");
    put_file(d->path, "end.s", ".dephase\n");
    put_file(d->path, "m.s", ".phase 0\n.include \"end.s\"\n.dephase\n");
    snprintf(want, sizeof want, "%s/end.s:1:1: error: '.dephase' cannot end the '.phase' at "
                                "%s/m.s:1: a phase ends in the file that began it\n",
             d->path, d->path);
    diag_of_file(path, 1, want);
}

static void asm__missing_include_file(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[2048];
    put_file(d->path, "m.s", "HALT\n.include \"gone.s\"\n");
    snprintf(path, sizeof path, "%s/m.s", d->path);
    snprintf(want, sizeof want, "%s:2:10: error: cannot open include file '%s/gone.s': No such "
                                "file or directory\n.include \"gone.s\"\n         ^~~~~~~~\n",
             path, d->path);
    diag_of_file(path, 1, want);
}

/* .include 'p.s' (single quotes) said "character literal must hold one
 * byte", and .ascii 'a' "expected a string, got ''a''": the words of a
 * character literal's error, where a string in double quotes is wanted. */
static void asm__a_single_quoted_string_says_double_quotes(void **state)
{
    struct tmpdir *d = *state;
    char path[512];
    put_file(d->path, "q.s", ".include 'p.s'\n");
    snprintf(path, sizeof path, "%s/q.s", d->path);
    diag_of_file_lacking(path, 1, "q.s:1:10: error: .include takes a string in double quotes, not "
                                  "a character literal\n.include 'p.s'\n         ^~~~~\n",
                         "one byte");
    put_file(d->path, "q.s", "x: .ascii 'ab'\n.asciz 'a'\n.ASCII ''\n.include 'p.s\n");
    diag_of_file(path, 4, "q.s:1:11: error: .ascii takes a string in double quotes");
    diag_of_file(path, 4, "q.s:2:8: error: .asciz takes a string in double quotes");
    diag_of_file(path, 4, "q.s:3:8: error: .ASCII takes a string in double quotes");
    diag_of_file(path, 4, "q.s:4:10: error: .include takes a string in double quotes");
    /* elsewhere a character literal is one, and its errors stay */
    put_file(d->path, "q.s", ".word 'ab'\n");
    diag_of_file(path, 1, "q.s:1:7: error: character literal must hold one byte");
}

/* An error in a file included twice was reported twice alike, or once
 * at the file's own line ("duplicate symbol 'x' (first defined at
 * inc.s:1)" at inc.s:1), with no word of which inclusion it came from. */
static void asm__an_error_in_a_file_included_again_says_from_where(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[2048];
    put_file(d->path, "inc.s", "x: .word 1\n");
    put_file(d->path, "main.s", "HALT\n.include \"inc.s\"\n.include \"inc.s\"\n");
    snprintf(path, sizeof path, "%s/main.s", d->path);
    snprintf(want, sizeof want, "%s/inc.s:1:1: error: duplicate symbol 'x' (first defined at "
             "%s/inc.s:1) (included again from %s:3)\nx: .word 1\n^\n", d->path, d->path, path);
    diag_of_file(path, 1, want);
    /* through a file that is itself included again: the whole chain */
    put_file(d->path, "b.s", "bad\n");
    put_file(d->path, "a.s", ".include \"b.s\"\n");
    put_file(d->path, "m.s", ".include \"a.s\"\n.include \"a.s\"\n");
    snprintf(path, sizeof path, "%s/m.s", d->path);
    snprintf(want, sizeof want, "%s/b.s:1:1: error: unknown mnemonic 'bad'\nbad\n^~~\n"
             "%s/b.s:1:1: error: unknown mnemonic 'bad' (included again from %s/a.s:1, from "
             "%s:2)\nbad\n", d->path, d->path, d->path, path);
    diag_of_file(path, 2, want);
}

static void asm__include_cycle_is_detected(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[2048];
    put_file(d->path, "a.s", "A: .include \"b.s\"\n");
    put_file(d->path, "b.s", "B: .include \"a.s\"\n");
    snprintf(path, sizeof path, "%s/a.s", d->path);
    snprintf(want, sizeof want, "%s/b.s:1:13: error: include cycle: %s/a.s -> %s/b.s -> %s/a.s\n",
             d->path, d->path, d->path, d->path);
    diag_of_file(path, 1, want);
    put_file(d->path, "self.s", ".include \"self.s\"\n");
    snprintf(path, sizeof path, "%s/self.s", d->path);
    diag_of_file(path, 1, "error: include cycle: ");
}

static void asm__unreadable_file_is_one_error(void **state)
{
    struct tmpdir *d = *state;
    char path[512], want[1024];
    snprintf(path, sizeof path, "%s/none.s", d->path);
    snprintf(want, sizeof want, "%s: error: No such file or directory\n", path);
    diag_of_file(path, 1, want);
    snprintf(want, sizeof want, "%s: error: Is a directory\n", d->path);
    diag_of_file(d->path, 1, want);
}

static void asm__listing_shows_address_word_and_line(void **state)
{
    struct tmpdir *d = *state;
    char path[512];
    put_file(d->path, "l.s", "n = 3\nstart: HALT\n  .word 1, 2\n");
    snprintf(path, sizeof path, "%s/l.s", d->path);
    char *text = listing_of(path);
    assert_non_null(strstr(text, "    =  0000000000000003      1  n = 3\n"));
    assert_non_null(strstr(text, "00000  0400000000000000      2  start: HALT\n"));
    assert_non_null(strstr(text, "00001  0000000000000001      3    .word 1, 2\n"
                                 "00002  0000000000000002\n"));
    free(text);
}

/* --- one line in place ------------------------------------------------- */

static void asm_line__instruction_data_and_image_symbols(void **state)
{
    (void)state;
    struct tgm_symbol syms[] = {{"loop", 0x10, 0}, {"SUP", 5, 0}, {"x", 0x20, 0}};
    struct tgm_image img = {.nsyms = 3, .syms = syms};
    uint64_t w;
    char err[128];
    assert_int_equal(asm_assemble_line("bnz x, loop", 0x11, &img, &w, err, sizeof err), 0);
    assert_true(w == MAKE_INSN(OP_BNZ, 0x20, 0x10, 0));
    assert_int_equal(asm_assemble_line("JMP .", 0x33, NULL, &w, err, sizeof err), 0);
    assert_true(w == MAKE_INSN(OP_JMP, 0x33, 0, 0));
    assert_int_equal(asm_assemble_line(".word SUP + 1", 0, &img, &w, err, sizeof err), 0);
    assert_true(w == 6);
    assert_int_equal(asm_assemble_line("psw(SUP, 0, 0, 0)", 0, NULL, &w, err, sizeof err), 0);
    assert_true(w == psw_pack(&(struct psw){.sup = true}));
    assert_int_equal(asm_assemble_line("x", 0, &img, &w, err, sizeof err), 0);
    assert_true(w == 0x20);
}

static void asm_line__errors_are_one_line(void **state)
{
    (void)state;
    uint64_t w = 77;
    char err[128];
    static const struct {
        const char *src, *msg;
    } v[] = {
        {"ADX 1, 2, 3", "unknown mnemonic 'ADX' (did you mean 'ADD'?)"},
        {"JMP nowhere", "undefined symbol 'nowhere'"},
        {"ADD 1, 2", "'ADD' takes 3 operands (address, address, address), got 2"},
        {"x: HALT", "labels and definitions cannot be assembled in place"},
        {".org 5", "only an instruction, '.word X' or an expression can be assembled in place, "
                   "not '.org'"},
        {"", "nothing to assemble"},
        {"1 +", "expected an expression"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        assert_int_equal(asm_assemble_line(v[i].src, 0, NULL, &w, err, sizeof err), -1);
        assert_string_equal(err, v[i].msg);
    }
    assert_true(w == 77);
    assert_int_equal(asm_assemble_line("HALT", 0x80000, NULL, &w, err, sizeof err), -1);
}

/* --- the command ------------------------------------------------------- */

static int sh(const char *fmt, ...)
{
    char cmd[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

static void cli_as__exit_codes_and_outputs(void **state)
{
    struct tmpdir *d = *state;
    const char *tgm = cs_tgm_binary();
    put_file(d->path, "good.s", "start: HALT\n");
    put_file(d->path, "bad.s", "HALT\nJMP nowhere\n");
    const char *p = d->path;
    assert_int_equal(sh("%s as %s/good.s 2>/dev/null", tgm, p), 0);
    assert_int_equal(sh("test -f %s/good.img", p), 0);
    assert_int_equal(sh("%s as %s/bad.s 2>%s/err", tgm, p, p), 1);
    assert_int_equal(sh("test -e %s/bad.img", p), 1);
    assert_int_equal(sh("grep -q \"bad.s:2:5: error: undefined symbol 'nowhere'\" %s/err", p), 0);
    assert_int_equal(sh("%s as %s/missing.s 2>%s/err", tgm, p, p), 2);
    assert_int_equal(sh("test $(wc -l < %s/err) -eq 1", p), 0);
    assert_int_equal(sh("%s as %s/good.s -o %s/x.img -l >%s/lst", tgm, p, p, p), 0);
    assert_int_equal(sh("grep -q '00000  0400000000000000' %s/lst", p), 0);
    assert_int_equal(sh("%s dis %s/x.img -o %s/x.s && %s as %s/x.s -o %s/y.img && cmp -s "
                        "%s/x.img %s/y.img", tgm, p, p, tgm, p, p, p, p), 0);
    assert_int_equal(sh("%s dis %s/good.s 2>%s/err", tgm, p, p), 2);
    assert_int_equal(sh("grep -q '^tgm: dis: .*good.s: offset 0: bad magic' %s/err", p), 0);
    assert_int_equal(sh("test $(wc -l < %s/err) -eq 1", p), 0);
    assert_int_equal(sh("%s as --help >/dev/null && %s dis --help >/dev/null", tgm, tgm), 0);
    assert_int_equal(sh("%s as 2>/dev/null", tgm), 2);
    assert_int_equal(sh("%s as --bogus %s/good.s 2>/dev/null", tgm, p), 2);
    assert_int_equal(sh("%s as --listing=1 %s/good.s 2>%s/err", tgm, p, p), 2);
    assert_int_equal(sh("grep -q \"^tgm: as: option '--listing' takes no value\" %s/err", p), 0);
    /* a source read from a pipe loses none of its bytes to the check that
     * the file is readable: one HALT, so 48 bytes of header and checksum + 8 */
    assert_int_equal(sh("printf '\\tHALT\\n' | %s as /dev/stdin -o %s/pipe.img", tgm, p), 0);
    assert_int_equal(sh("test $(wc -c < %s/pipe.img) -eq 56", p), 0);
    /* without -o a pipe has no SRC.img beside it: it wrote /dev/stdin.img */
    assert_int_equal(sh("printf 'HALT\\n' | %s as /dev/stdin 2>%s/err", tgm, p), 2);
    assert_int_equal(sh("grep -q 'not a regular file.*give -o IMAGE' %s/err", p), 0);
    /* nor /dev/stdin redirected from a file, a regular file under /dev
     * (it wrote /dev/stdin.img) */
    assert_int_equal(sh("%s as /dev/stdin < %s/good.s 2>%s/err", tgm, p, p), 2);
    assert_int_equal(sh("grep -q 'in /dev or /proc.*give -o IMAGE' %s/err", p), 0);
    assert_int_equal(sh("%s as /dev/stdin -o %s/redir.img < %s/good.s", tgm, p, p), 0);
}

/* An include is relative to the including file's directory, a named pipe's
 * too; only a source in /dev (standard input, even redirected from a file)
 * has none, and its includes are relative to the current directory. */
static void cli_as__include_from_a_pipe_or_standard_input(void **state)
{
    struct tmpdir *d = *state;
    char *tgm = realpath(cs_tgm_binary(), NULL); /* the commands change directory */
    const char *p = d->path;
    assert_non_null(tgm);
    assert_int_equal(sh("mkdir %s/lib && printf 'k = 7\\n' > %s/lib/k.s", p, p), 0);
    put_file(d->path, "top.s", ".include \"lib/k.s\"\n.word k\n");
    assert_int_equal(sh("mkfifo %s/lib/ff && (printf '.include \"k.s\"\\n.word k\\n' > %s/lib/ff &)"
                        " && %s as %s/lib/ff -o %s/fifo.img", p, p, tgm, p, p), 0);
    assert_int_equal(sh("cd %s && %s as /dev/stdin -o std.img < top.s", p, tgm), 0);
    assert_int_equal(sh("cd %s && cat top.s | %s as /dev/stdin -o pipe.img", p, tgm), 0);
    assert_int_equal(sh("cmp -s %s/std.img %s/pipe.img", p, p), 0);
    /* from elsewhere, lib/k.s is not beside the current directory */
    assert_int_equal(sh("cd %s/lib && %s as /dev/stdin -o ../no.img < ../top.s 2>../err", p, tgm),
                     1);
    assert_int_equal(sh("grep -q \"cannot open include file 'lib/k.s'\" %s/err", p), 0);
    free(tgm);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(asm__phase_across_includes, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__include_is_relative_to_the_including_file, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(asm__missing_include_file, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__a_leading_bom_is_skipped, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__a_binary_file_is_one_error, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__control_characters_in_errors_are_escaped, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(asm__errors_past_twenty_are_counted, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(asm__include_cycle_is_detected, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__an_error_in_a_file_included_again_says_from_where,
                                        make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__a_single_quoted_string_says_double_quotes, make_dir,
                                        remove_dir),
        cmocka_unit_test_setup_teardown(asm__unreadable_file_is_one_error, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(asm__listing_shows_address_word_and_line, make_dir,
                                        remove_dir),
        cmocka_unit_test(asm_line__instruction_data_and_image_symbols),
        cmocka_unit_test(asm_line__errors_are_one_line),
        cmocka_unit_test_setup_teardown(cli_as__exit_codes_and_outputs, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(cli_as__include_from_a_pipe_or_standard_input, make_dir,
                                        remove_dir),
    };
    return cmocka_run_group_tests_name("asm_files", tests, NULL, NULL);
}
