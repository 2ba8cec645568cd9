/* test_audit_msgrun.c: the texts docs/run.md, docs/asm.md and README.md
 * quote tgm printing, each produced the way the doc describes and compared
 * with the doc's words, its stream and its exit status.
 *
 * One table row per quoted text, so that a later change to any of them
 * fails here.  Runs the real binary (cli_support) from the top of the
 * source tree; "{T}" in a row stands for the suite's temporary directory.
 */
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

#include "cli_support.h"

enum { OUT = 1, ERR = 2 };

struct row {
    const char *doc;       /* where the doc quotes it */
    const char *argv[12];  /* subcommand and arguments, NULL-terminated */
    int status;
    int stream;            /* where WANT is printed */
    bool exact;            /* WANT is the whole stream, not a part of it */
    const char *want;
};

/* S with every "{T}" replaced by the temporary directory, in BUF. */
static const char *expand(const char *s, char *buf, size_t len)
{
    size_t n = 0;
    for (const char *p = s; *p && n + 1 < len;) {
        if (strncmp(p, "{T}", 3) == 0) {
            n += (size_t)snprintf(buf + n, len - n, "%s", cs_tmpdir());
            p += 3;
        } else {
            buf[n++] = *p++;
        }
    }
    buf[n < len ? n : len - 1] = '\0';
    return buf;
}

static const char hello_report[] =
    "hello, world\n"
    "-- halted\n"
    "psw          0x8000048000080000  supervisor  I=0  P=9  l=0  b=524288\n"
    "last trap    none\n"
    "traps        privileged 0, memory 0, svc 0, illegal 0, timer 0\n"
    "cycles       149\n"
    "instructions 69\n"
    "steps        69\n"
    "timer        disarmed\n"
    "console      13 bytes\n"
    "digest       0xf9a6e2c758fb8077  (FNV-1a of E, 65536 words)\n";

static const char hello_json[] =
    "{\"stop\":\"halt\",\"profile\":\"virtualizable\","
    "\"psw\":{\"word\":\"0x8000048000080000\",\"mode\":\"supervisor\",\"i\":0,\"p\":9,\"l\":0,"
    "\"b\":524288},"
    "\"last_trap\":\"none\","
    "\"traps\":{\"privileged\":0,\"memory\":0,\"svc\":0,\"illegal\":0,\"timer\":0},"
    "\"cycles\":149,\"instructions\":69,\"steps\":69,"
    "\"timer\":{\"armed\":false,\"pending\":false,\"remaining\":0},"
    "\"console\":\"hello, world\\n\",\"console_bytes\":13,\"q\":65536,"
    "\"digest\":\"0xf9a6e2c758fb8077\"}\n";

static const char sum_report[] =
    "-- halted\n"
    "psw          0x8000050000080000  supervisor  I=0  P=10  l=0  b=524288\n"
    "last trap    none\n"
    "traps        privileged 0, memory 0, svc 0, illegal 0, timer 0\n"
    "cycles       123\n"
    "instructions 53\n"
    "steps        53\n"
    "timer        disarmed\n"
    "console      0 bytes\n"
    "digest       0x6f7927ce8a1a6aeb  (FNV-1a of E, 65536 words)\n";

static const char nest2_tail[] =
    "-- halted\n"
    "psw          0x8000120000080000  supervisor  I=0  P=36  l=0  b=524288\n"
    "last trap    memory\n"
    "traps        privileged 0, memory 1, svc 22, illegal 0, timer 0\n"
    "cycles       not counted by the control programs (see the levels)\n"
    "instructions not counted by the control programs (see the levels)\n"
    "steps        not counted by the control programs (see the levels)\n"
    "timer        disarmed\n"
    "console      207 bytes\n"
    "digest       0x913419c09af5bede  (FNV-1a of E, 65536 words)\n"
    "level 1      base 0x00280, guest of 65536 words at 0x00500: 254 entries, 231 interpreted, "
    "23 reflected, 0 timer traps, 0 single steps; its guest: s I=0 P=0x00024 l=0x00000 "
    "b=0x80000\n"
    "level 2      base 0x00000, guest of 66176 words at 0x00280: 716 entries, 462 interpreted, "
    "254 reflected, 0 timer traps, 0 single steps; its guest: s I=0 P=0x00044 l=0x00000 "
    "b=0x80000\n"
    "real         the bare machine: 131390 cycles, 64500 instructions, 65216 steps, 716 traps\n";

static const char stats_tail[] =
    "efficiency     1681 instructions executed directly, 231 interpreted (87.9184% direct)\n"
    "cycles         3657 in the guest, 1270 in the control program's trap sequences and HCALLs\n"
    "cp entries     254\n"
    "  privileged   interpreted 208 allocator 23\n"
    "  memory       reflected 1\n"
    "  svc          reflected 22\n";

static const char nest_words[] =
    ": --nest takes one IMAGE, and not --vms, --hybrid, --slice, --dump, --stats or --timeline";
static const char loop_note[] =
    "tgm: run: step limit of 1000 reached before HALT in a trap loop (each step takes a memory "
    "trap and E[1] loads the same PSW: a disabled wait), which no limit ends; give E[1] a trap "
    "handler\n";

static const struct row rows[] = {
    /* docs/run.md */
    {"run.md:16", {"run", "examples/hello.s", NULL}, 0, OUT, true, hello_report},
    {"run.md:91", {"run", "--json", "examples/hello.s", NULL}, 0, OUT, true, hello_json},
    {"run.md:53", {"run", "--vm", "examples/hello.s", NULL}, 2, ERR, true,
     "tgm: run: ambiguous option '--vm' (--vmm, --vms)\n"},
    {"run.md:62", {"run", "--stats", "examples/hello.s", NULL}, 2, ERR, true,
     "tgm: run: --stats needs --vmm\n"},
    {"run.md:70", {"run", "--max-steps", "1000", "{T}/spin.s", NULL}, 3, OUT, false,
     "-- step limit reached before HALT\n"},
    {"run.md:84", {"run", "{T}/one.s", NULL}, 0, OUT, false,
     "A\n-- halted\n"},
    {"run.md:84", {"run", "{T}/one.s", NULL}, 0, OUT, false, "\nconsole      1 byte\n"},
    {"run.md:84", {"run", "{T}/tset4.s", NULL}, 0, OUT, false,
     "\ntimer        armed, 1 cycle left\n"},
    {"run.md:77", {"run", "{T}/tset3.s", NULL}, 0, OUT, false,
     "\ntimer        expired, trap pending until I=1\n"},
    {"run.md:78", {"run", "--max-steps", "4", "{T}/tseti.s", NULL}, 3, OUT, false,
     "\ntimer        expired, trap pending before the next instruction\n"},
    {"run.md:82", {"run", "--profile", "pdp10", "{T}/one.s", NULL}, 0, OUT, false,
     "\nprofile      pdp10\n"},
    {"run.md:133", {"run", "--mem", "1", "examples/hello.s", NULL}, 2, ERR, true,
     "tgm: run: --mem: 1 word is out of range (2..524288)\n"},
    {"run.md:141", {"run", "--mem", "64K", "examples/hello.s", NULL}, 2, ERR, true,
     "tgm: run: --mem: expected a non-negative number, got '64K' (no K or M suffix here: "
     "64K is 65536)\n"},
    {"run.md:141", {"run", "--mem", "1G", "examples/hello.s", NULL}, 2, ERR, false,
     "(no G suffix here: 1G is 1073741824)\n"},
    {"run.md:143", {"run", "--vmm", "--slice", "0", "examples/hello.s", NULL}, 2, ERR, true,
     "tgm: run: --slice: 0 cycles is out of range (1..9223372036854775807)\n"},
    {"run.md:144", {"analyze", "--seed", "0", NULL}, 2, ERR, true,
     "tgm: analyze: --seed: 0 is out of range (1..18446744073709551615)\n"},
    {"run.md:146", {"run", "-\n", NULL}, 2, ERR, true,
     "tgm: run: unknown option '-\\n' (try 'tgm run --help')\n"},
    {"run.md:150", {"run", "--vmm", "--quiet", "{T}/h\nx.s", NULL}, 0, OUT, false,
     "== vm0: {T}/h\\nx.s (65536 words at real 8)\n"},
    {"run.md:149", {"check", "{T}/h\nx.s", NULL}, 0, OUT, false,
     "{T}/h\\nx.s: equivalent (alone); "},
    {"run.md:155", {"chek", NULL}, 2, ERR, true,
     "tgm: unknown command 'chek' (did you mean 'check'?)\n"},
    {"run.md:157", {"run", "--maxsteps", "9", "examples/sum.s", NULL}, 2, ERR, true,
     "tgm: run: unknown option '--maxsteps' (did you mean '--max-steps'?)\n"},
    {"run.md:158", {"monitor", "--profle", "x86", NULL}, 2, ERR, true,
     "tgm: monitor: unknown option '--profle' (did you mean '--profile'?)\n"},
    {"run.md:158", {"isa", "--profile", "x87", NULL}, 2, ERR, false,
     "(did you mean 'x86'?)\n"},
    {"run.md:161", {"isa", "--profile", "pdp11", NULL}, 2, ERR, false,
     "(did you mean 'pdp10' or 'pdp11-45'?)\n"},
    {"run.md:162", {"frob", NULL}, 2, ERR, true,
     "tgm: unknown command 'frob' (try 'tgm --help')\n"},
    {"run.md:163", {"run", "--frob", NULL}, 2, ERR, true,
     "tgm: run: unknown option '--frob' (try 'tgm run --help')\n"},
    /* an unknown letter inside "-xy" after a long option: getopt is still
     * in the cluster, and the word before it was blamed */
    {"run.md:131", {"run", "--json", "-xy", NULL}, 2, ERR, true,
     "tgm: run: unknown option '-x' (try 'tgm run --help')\n"},
    {"run.md:131", {"run", "--mem=100", "-xy", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: run: unknown option '-x' (try 'tgm run --help')\n"},
    {"run.md:131", {"check", "--json", "-jy", NULL}, 2, ERR, true,
     "tgm: check: unknown option '-j' (try 'tgm check --help')\n"},
    {"run.md:131", {"check", "--json=1", "-jy", NULL}, 2, ERR, true,
     "tgm: check: option '--json' takes no value (try 'tgm check --help')\n"},
    {"run.md:131", {"as", "{T}/one.s", "-lo", NULL}, 2, ERR, true,
     "tgm: as: option '-o' needs a value (try 'tgm as --help')\n"},
    {"run.md:168", {"run", "{T}/snap/x.s", NULL}, 2, ERR, true,
     "tgm: run: {T}/snap/x.s: offset 0: bad magic (not a tgm image but a monitor snapshot: "
     "the monitor's 'restore' reads it)\n"},
    {"run.md:172", {"run", "{T}/prog.asm", NULL}, 2, ERR, true,
     "tgm: run: {T}/prog.asm: offset 0: bad magic (not a tgm image); an assembly source must "
     "be named *.s\n"},
    {"run.md:175", {"run", "{T}/dot/.s", NULL}, 2, ERR, false,
     "; an assembly source must be named *.s, with a name before the .s\n"},
    {"run.md:178", {"run", "-", NULL}, 2, ERR, true,
     "tgm: run: -: No such file or directory (standard input is /dev/stdin)\n"},
    {"run.md:196", {"run", "--max-steps", "1000", "{T}/loop.s", NULL}, 3, OUT, false,
     "\npsw          0x0000000000000000  user  I=0  P=0  l=0  b=0\nlast trap    memory\n"},
    {"run.md:199", {"run", "--max-steps", "1000", "{T}/loop.s", NULL}, 3, ERR, true,
     loop_note},
    {"run.md:40", {"run", "--dump", "{T}/x.s", "{T}/x.s", NULL}, 2, ERR, true,
     "tgm: run: --dump: {T}/x.s is the source {T}/x.s itself; choose another file\n"},
    {"run.md:40", {"run", "--dump", "{T}/lib.s", "{T}/x.s", NULL}, 2, ERR, true,
     "tgm: run: --dump: {T}/x.s includes {T}/lib.s, which is the output {T}/lib.s; choose "
     "another file\n"},
    {"run.md:40", {"run", "--vmm", "--timeline", "{T}/x.s", "{T}/x.s", NULL}, 2, ERR, false,
     "--timeline: {T}/x.s is the source {T}/x.s itself"},
    {"run.md:234", {"run", "--vmm", "--stats", "examples/supervisor.s", NULL}, 0, OUT, false,
     stats_tail},
    {"run.md:257", {"check", "{T}/one.s", "{T}/one.s", "{T}/one.s", "{T}/one.s", "{T}/one.s",
                    "{T}/one.s", "{T}/one.s", "{T}/one.s", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: check: 9 images of 65536 words need 589832 words of real memory, more than 524288 "
     "(use a smaller --mem)\n"},
    {"run.md:343", {"run", "--nest", "1", "--mem", "524288", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: run: {T}/one.s: 1 level of 640 words and a guest of 524288 words need 524928 words, "
     "more than the 524288 a machine has: at this depth a guest has at most 523648 words\n"},
    {"run.md:348", {"check", "--nest", "1", "--mem", "524285", "{T}/one.s", NULL}, 2, ERR,
     false, " words, more than the 524288 a machine has: at this depth a guest has at most "
     "523648 words\n"},
    {"run.md:356", {"run", "--nest", "1", "--dump", "{T}/d.bin", "{T}/one.s", NULL}, 2, ERR,
     false, "tgm: run: --nest with --dump"},
    {"run.md:357", {"run", "--nest", "1", "--stats", "{T}/one.s", NULL}, 2, ERR, false,
     nest_words},
    {"run.md:380", {"run", "--nest", "1", "--max-steps", "2", "{T}/one.s", NULL}, 3, OUT, false,
     "\npsw          not started (the control programs have not booted the guest)\n"},
    {"run.md:382", {"run", "--nest", "1", "--max-steps", "2", "{T}/one.s", NULL}, 3, OUT, false,
     "; its guest: not started\n"},
    {"run.md:386", {"run", "--nest", "2", "examples/supervisor.s", NULL}, 0, OUT, false,
     nest2_tail},
    {"run.md:377", {"run", "--nest", "1", "examples/os/os.s", NULL}, 0, OUT, false,
     "803 entries, 647 interpreted, 174 reflected, 42 timer traps"},
    {"run.md:418", {"run", "--nest", "0", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: run: --nest: 0 levels is out of range (1..16)\n"},
    {"run.md:419", {"check", "--nest", "1", "--mem", "10", "examples/hello.s", NULL}, 2, ERR,
     true, "tgm: check: examples/hello.s: image needs words 0..25 but the machine has 10 words "
     "(try a larger --mem)\n"},
    {"run.md:424", {"run", "--nest", "1", "--profile", "pdp10", "{T}/one.s", NULL}, 2, ERR,
     false, "--nest: the machine-code control program virtualizes the 'virtualizable' "
     "profile only\n"},
    {"run.md:425", {"check", "--nest", "1", "--hybrid", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: check: --nest with --hybrid: the machine-code control program is no hybrid monitor: "
     "it runs its guest's supervisor code directly\n"},
    {"run.md:427", {"check", "--nest", "1", "--slice", "5", "{T}/one.s", NULL}, 2, ERR, false,
     "hosts one guest, with no time slices\n"},
    /* docs/asm.md */
    {"asm.md:53", {"as", "{T}/entry2.s", NULL}, 1, ERR, false,
     "error: the entry point is already set at {T}/entry2.s:1\n"},
    {"asm.md:141", {"as", "{T}/eacute.s", NULL}, 1, ERR, false,
     "error: character literal must hold one byte\n"},
    {"asm.md:144", {"as", "{T}/sq.s", NULL}, 1, ERR, false,
     "{T}/sq.s:1:10: error: .include takes a string in double quotes, not a character "
     "literal\n"},
    {"asm.md:177", {"as", "{T}/lpws.s", NULL}, 1, ERR, false,
     "{T}/lpws.s:12:9: error: unknown mnemonic 'LPWS' (did you mean 'LPSW'?)\n"
     "        LPWS  psw0\n"
     "        ^~~~\n"},
    {"asm.md:173", {"as", "{T}/err21.s", NULL}, 1, ERR, false, "\n(1 more error not shown)\n"},
    {"asm.md:194", {"as", "{T}/main.s", NULL}, 1, ERR, false,
     "{T}/inc.s:1:1: error: duplicate symbol 'x' (first defined at {T}/inc.s:1) (included "
     "again from {T}/main.s:3)\n"},
    {"asm.md:211", {"as", "{T}/space.s", NULL}, 1, ERR, false,
     "error: '.space -1': the count is negative\n"},
    {"asm.md:100", {"as", "{T}/phase.s", NULL}, 1, ERR, false,
     "error: 1 word at phased address 0x80000 would run past the end of memory"},
    {"asm.md:215", {"as", "{T}/nul.s", NULL}, 1, ERR, false,
     "{T}/nul.s:1:1: error: not an assembly source: a NUL byte at offset 5\n"},
    {"asm.md:218", {"as", "{T}/img.s", NULL}, 1, ERR, false,
     "{T}/img.s:1:1: error: not an assembly source: a tgm image (it begins with the magic "
     "TGMIMAGE; 'tgm dis' turns it into source)\n"},
    {"asm.md:220", {"as", "{T}/snap/x.s", NULL}, 1, ERR, false,
     "{T}/snap/x.s:1:1: error: not an assembly source: a monitor snapshot (it begins with the "
     "magic TGMSNAP; the monitor's 'restore' reads it)\n"},
    {"asm.md:242", {"as", "-o", "", "-o", "{T}/o.img", "{T}/one.s", NULL}, 2, ERR, true,
     "tgm: as: expected a file name, got ''\n"},
    {"asm.md:251", {"as", "-l", "-o", "{T}/one.img", "{T}/one.s", NULL}, 0, OUT, false,
     "\n; load 0x00000, 4 words, entry PSW 0x8000000000080000, 1 symbol\n"},
    {"asm.md:312", {"dis", "{T}/prog.asm", NULL}, 2, ERR, false,
     "; it holds text: an assembly source is assembled with 'tgm as'\n"},
    /* README.md */
    {"README:35", {"run", "examples/sum.s", NULL}, 0, OUT, true, sum_report},
    {"README:52", {"check", "examples/calls.s", "examples/hello.s", NULL}, 0, OUT, false,
     "examples/calls.s: equivalent (alone and with the others); 70 instructions, 98.5714% "
     "executed directly\n"},
    {"README:66", {"check", "--nest", "4", "examples/os/os.s", NULL}, 0, OUT, true,
     "examples/os/os.s: equivalent at depth 4 (E, PSW, R, timer, console; 174 traps in the "
     "same order, 42 of them timer traps); real steps 3746851, bare 9171 (reported, not "
     "compared: the paper excludes timing)\n"},
    {"README:72", {"analyze", "--profile", "pdp10", NULL}, 0, OUT, false,
     "\nTheorem 1 (sensitive is a subset of privileged): FAILS: JRSTU (ctl-s, not privileged)\n"},
    {"README:178", {"help", "frob", NULL}, 2, ERR, true,
     "tgm: help: unknown command 'frob' (try 'tgm --help')\n"},
    {"README:182", {"version", NULL}, 2, ERR, true,
     "tgm: unknown command 'version' (did you mean '--version'?)\n"},
};

/* The files the rows run, in the temporary directory. */
static void write_fixtures(void)
{
    static const struct {
        const char *name, *text;
    } files[] = {
        {"one.s", "        COUT  c\n        HALT\n        .word 0\nc:      .word 65\n"},
        {"spin.s", "x:      JMP   x\n"},
        {"loop.s", "        .entrypsw psw(0, 0, 0, 0)\n        .word 0\n"},
        {"tset4.s", "        TSET  n\n        HALT\nn:      .word 4\n"},
        {"tset3.s", "        TSET  n\n        HALT\nn:      .word 3\n"},
        {"tseti.s", "        .entrypsw pswi(1, 2, 0, 0x80000)\n"
                    "        .word 0, pswi(1, 9, 0, 0x80000)\n"
                    "        TSET  n\nx:      JMP   x\nn:      .word 5\n"},
        {"x.s", ".include \"lib.s\"\n"},
        {"lib.s", "        HALT\n"},
        {"prog.asm", "        HALT\n"},
        {"entry2.s", "        .entry 1\n        .entry 2\n        HALT\n"},
        {"eacute.s", "        .word '\xc3\xa9'\n"},
        {"sq.s", ".include 'p.s'\n"},
        {"lpws.s", "\n\n\n\n\n\n\n\n\n\n\n\tLPWS  psw0\n"},
        {"inc.s", "x = 1\n"},
        {"main.s", "        HALT\n.include \"inc.s\"\n.include \"inc.s\"\n"},
        {"space.s", "        .space -1\n"},
        {"phase.s", "        .phase 0x80000\n        .word 1\n        .dephase\n"},
    };
    char path[CS_PATH], dir[CS_PATH];
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        cs_put_text(cs_tmp(files[i].name), files[i].text);
    cs_tmp_path(dir, sizeof dir, "dot");
    mkdir(dir, 0700);
    cs_put_text(cs_tmp("dot/.s"), "        HALT\n");
    cs_tmp_path(dir, sizeof dir, "snap");
    mkdir(dir, 0700);
    cs_write_bytes(cs_tmp("snap/x.s"), "TGMSNAP\0\1\2\3", 11);
    cs_write_bytes(cs_tmp("nul.s"), " HALT\0\n", 7);
    char *hello = cs_slurp("examples/hello.s", NULL);
    cs_put_text(cs_tmp("h\nx.s"), hello);
    free(hello);
    struct cs_outcome o = cs_run_tgm("as", "examples/hello.s", "-o", cs_tmp("img.s"), NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t n = 0;
    for (int i = 0; i < 21; i++) /* 21 errors: one more than are shown */
        n += (size_t)snprintf(path + n, sizeof path - n, "bad%d\n", i);
    cs_put_text(cs_tmp("err21.s"), path);
}

/* Every quoted text of the three docs, produced as the doc says. */
static void quoted_texts_hold(void **state)
{
    (void)state;
    write_fixtures();
    char want[4096];
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const struct row *r = &rows[i];
        char bufs[12][CS_PATH + 64];
        const char *args[12] = {0};
        for (size_t k = 1; r->argv[k]; k++)
            args[k - 1] = expand(r->argv[k], bufs[k], sizeof bufs[k]);
        expand(r->want, want, sizeof want);
        struct cs_outcome o = cs_run_tgm_argv(r->argv[0], args);
        const char *got = r->stream == OUT ? o.out : o.err;
        bool ok = o.status == r->status &&
                  (r->exact ? strcmp(got, want) == 0 : strstr(got, want) != NULL);
        /* an error is one line on stderr, and nothing on stdout */
        if (ok && r->status == 2)
            ok = o.out_len == 0 && strchr(o.err, '\n') == o.err + strlen(o.err) - 1;
        if (!ok)
            fail_msg("%s: tgm %s ...: status %d (want %d)\nstdout: %.2000s\nstderr: %s\n"
                     "want on %s: %s", r->doc, r->argv[0], o.status, r->status, o.out, o.err,
                     r->stream == OUT ? "stdout" : "stderr", want);
        cs_outcome_free(&o);
    }
}

/* docs/run.md: a source with assembly errors is not run: the errors as
 * `tgm as` prints them, each with its line and caret, then the one line
 * `tgm: run: prog.s: N errors` (`1 error`), status 2, nothing on stdout. */
static void a_source_with_errors_ends_in_one_line(void **state)
{
    (void)state;
    static const struct {
        const char *text, *tail;
    } cases[] = {{"FOO\n", ": 1 error\n"}, {"FOO\nBAR 1\n", ": 2 errors\n"}};
    for (size_t i = 0; i < 2; i++) {
        const char *src = cs_tmp(i ? "two_errors.s" : "one_error.s");
        cs_put_text(src, cases[i].text);
        for (const char *cmd = "run";; cmd = "check") {
            char head[CS_PATH + 64], tail[CS_PATH + 64];
            snprintf(head, sizeof head, "%s:1:1: error: unknown mnemonic 'FOO'\nFOO\n^~~\n", src);
            snprintf(tail, sizeof tail, "tgm: %s: %s%s", cmd, src, cases[i].tail);
            struct cs_outcome o = cs_run_tgm(cmd, src, NULL);
            size_t n = strlen(o.err), t = strlen(tail);
            if (o.status != 2 || o.out_len || strncmp(o.err, head, strlen(head)) ||
                n < t || strcmp(o.err + n - t, tail))
                fail_msg("tgm %s %s: status %d\nstdout: %s\nstderr: %s", cmd, src, o.status,
                         o.out, o.err);
            cs_outcome_free(&o);
            if (!strcmp(cmd, "check"))
                break;
        }
    }
}

/* docs/run.md: "the second is refused with `tgm: run: /dev/stdin: standard
 * input was read already, for --input-file - (a pipe is read once: give
 * one of them a file)` (`tgm check` alike)". */
static void a_pipe_feeds_one_reader(void **state)
{
    (void)state;
    static const char *const cmds[] = {"run", "check"};
    for (size_t i = 0; i < 2; i++) {
        int p[2];
        cs_pipe(p, false);
        assert_int_equal(write(p[1], "hi", 2), 2);
        close(p[1]);
        const char *args[] = {"--input-file", "-", "/dev/stdin", NULL};
        struct cs_outcome o = cs_finish_tgm(cs_start_tgm(p[0], cmds[i], args));
        close(p[0]);
        char want[200];
        snprintf(want, sizeof want, "tgm: %s: /dev/stdin: standard input was read already, for "
                 "--input-file - (a pipe is read once: give one of them a file)\n", cmds[i]);
        if (o.status != 2 || strcmp(o.err, want) != 0)
            fail_msg("tgm %s: status %d, stderr \"%s\"", cmds[i], o.status, o.err);
        cs_outcome_free(&o);
    }
}

/* docs/run.md quotes the monitor's words for the same mistakes. */
static void the_monitor_refuses_in_the_same_words(void **state)
{
    (void)state;
    cs_mon_fails("nest 0 examples/hello.s", "nest: 0 levels is out of range (1..16)");
    cs_mon_fails("nest 16 examples/hello.s mem 524200",
                 "nest: 16 levels of 640 words and a guest of 524200 words need 534440 words, "
                 "more than the 524288 a machine has");
    cs_mon_fails("check examples/hello.s nest 0", "check: nest: 0 levels is out of range (1..16)");
    cs_mon_fails("check examples/hello.s nest 1 hybrid",
                 "check: nest with hybrid: the machine-code control program is no hybrid "
                 "monitor: it runs its guest's supervisor code directly");
    cs_mon_fails("check examples/hello.s nest 1 profile pdp10",
                 "check: nest: the machine-code control program virtualizes the "
                 "'virtualizable' profile only");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_msgrun");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(quoted_texts_hold),
        cmocka_unit_test(a_pipe_feeds_one_reader),
        cmocka_unit_test(a_source_with_errors_ends_in_one_line),
        cmocka_unit_test(the_monitor_refuses_in_the_same_words),
    };
    return cmocka_run_group_tests_name("audit_msgrun", tests, group_setup, group_teardown);
}
