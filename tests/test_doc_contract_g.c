/* test_doc_contract_g.c: a second reading of docs/run.md, docs/robustness.md
 * and README.md as a contract, against the real binaries (tgm and the soak
 * driver).  A test of a behaviour that changed fails on the tree before its
 * fix; the others pin what the documents say and no test checked.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
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

/* A refusal of the control program's options named no option: 'tgm run
 * --stats X' said "--vms, --slice, --hybrid, --stats and --timeline need
 * --vmm", and --nest with one of them listed all six. */
static void run__a_refused_option_is_the_one_named(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: --stats needs --vmm", "run",
                 CS_ARGV("--stats", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --slice needs --vmm", "run",
                 CS_ARGV("examples/hello.s", "--slice", "5"));
    cs_tgm_fails(2, "tgm: run: --nest with --dump: ", "run",
                 CS_ARGV("--nest", "1", "--dump", "x.bin", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --nest with --hybrid: ", "run",
                 CS_ARGV("--nest", "1", "--vmm", "--hybrid", "examples/hello.s"));
}

/* `tgm ARGS` with TEXT on a pipe as its standard input. */
static struct cs_outcome with_pipe(const char *text, const char *subcommand,
                                   const char *const *args)
{
    int fds[2];
    assert_int_equal(pipe2(fds, O_CLOEXEC), 0); /* the child keeps no write end */
    pid_t pid = cs_start_tgm(fds[0], subcommand, args);
    close(fds[0]);
    size_t n = strlen(text); /* less than a pipe holds */
    assert_int_equal(write(fds[1], text, n), (ssize_t)n);
    close(fds[1]);
    return cs_finish_tgm(pid);
}

/* docs/run.md: a file not named *.s is read as an image, "and when it
 * holds text the error says so".  From a pipe (/dev/stdin) it did not: the
 * hint looked only at regular files.  And 256 random bytes without a NUL
 * were called text. */
static void run__text_on_a_pipe_is_said_to_be_text(void **state)
{
    (void)state;
    static const char src[] = "; a program that halts at once, and no image\n"
                              "        .entry s\ns: HALT\n";
    struct cs_outcome o = with_pipe(src, "run", CS_ARGV("/dev/stdin"));
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: /dev/stdin: offset 0: bad magic (not a tgm image); an "
                           "assembly source must be named *.s");
    cs_outcome_free(&o);
    o = with_pipe(src, "dis", CS_ARGV("/dev/stdin"));
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "bad magic (not a tgm image); it holds text: an assembly source is "
                           "assembled with 'tgm as'");
    cs_outcome_free(&o);
    char bin[CS_PATH];
    uint8_t bytes[300];
    for (size_t i = 0; i < sizeof bytes; i++)
        bytes[i] = (uint8_t)(1 + i % 255); /* control characters, no NUL */
    cs_tmp_path(bin, sizeof bin, "binary.dat");
    cs_write_bytes(bin, bytes, sizeof bytes);
    o = cs_run_tgm("run", bin, NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "binary.dat: offset 0: bad magic (not a tgm image)");
    assert_null(strstr(o.err, "assembly source"));
    cs_outcome_free(&o);
}

/* A guest that copies its console input to its console output. */
static void cat_source(char *path, size_t len)
{
    cs_write_text(path, len, "cat.s",
                  "        .entry s\n"
                  "s:      CIN c\n"
                  "        BEQ c, m1, done\n"
                  "        COUT c\n"
                  "        JMP s\n"
                  "done:   HALT\n"
                  "c:      .word 0\n"
                  "m1:     .word -1\n");
}

/* '--input-file -' was a file named '-' ("-: No such file or directory");
 * it is standard input now, as '-' is for most Unix tools (and 'tgm as -o
 * -'), queued in order with the others.  An output that is the file on
 * standard input is still refused. */
static void run__input_file_dash_is_standard_input(void **state)
{
    (void)state;
    char cat[CS_PATH], in[CS_PATH];
    cat_source(cat, sizeof cat);
    struct cs_outcome o = with_pipe("xyz", "run", CS_ARGV("--quiet", "--input", "a",
                                                          "--input-file", "-", "--input", "b",
                                                          cat));
    assert_int_equal(o.status, 0);
    assert_string_equal(o.out, "axyzb");
    cs_outcome_free(&o);
    cs_write_text(in, sizeof in, "stdin.txt", "old\n");
    int fd = open(in, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    pid_t pid = cs_start_tgm(fd, "run", CS_ARGV("--input-file", "-", "--dump", in, cat));
    close(fd);
    o = cs_finish_tgm(pid);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: --dump: ");
    assert_non_null(strstr(o.err, "stdin.txt is the input file /dev/stdin itself"));
    cs_outcome_free(&o);
    char *kept = cs_slurp(in, NULL);
    assert_string_equal(kept, "old\n");
    free(kept);
}

/* The soak driver's whole output for the shell words ARGS, standard error
 * included; *STATUS gets its exit status. */
static char *soak(const char *args, int *status)
{
    const char *bin = getenv("TGM_SOAK_BIN");
    char cmd[512], path[CS_PATH];
    cs_tmp_path(path, sizeof path, "soak.out");
    snprintf(cmd, sizeof cmd, "%s %s >%s 2>&1", bin && *bin ? bin : "build/soak", args, path);
    int st = system(cmd);
    *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return cs_slurp(path, NULL);
}

/* docs/robustness.md: the soak driver's options.  A bad one said "soak:
 * bad value" (or "unknown argument") and the usage, naming neither the
 * option nor the value; an unknown --config printed a half JSON line on
 * standard output first; --opt=VALUE was "bad value"; and --first took
 * 010 as octal 8, unlike every tgm option. */
static void soak__a_bad_option_is_one_line_naming_it(void **state)
{
    (void)state;
    static const struct { const char *args, *line; } rows[] = {
        {"--programs x", "soak: --programs: expected a non-negative number, got 'x'\n"},
        {"--programs -1", "soak: --programs: expected a non-negative number, got '-1'\n"},
        {"--jobs 0", "soak: --jobs: 0 is out of range (1..64)\n"},
        {"--shard 3/2", "soak: --shard: expected I/S with 0 <= I < S, as 0/4, got '3/2'\n"},
        {"--first", "soak: option '--first' needs a value (try 'soak --help')\n"},
        {"--config bogus", "soak: --config: unknown configuration 'bogus' (try 'soak --help' "
                           "for the names)\n"},
        {"--programs 1 extra", "soak: unexpected argument 'extra' (try 'soak --help')\n"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        int status;
        char *out = soak(rows[i].args, &status);
        if (status != 2 || strcmp(out, rows[i].line) != 0)
            fail_msg("soak %s: status %d, output \"%s\"", rows[i].args, status, out);
        free(out);
    }
    /* --opt=VALUE, and 0x10 is 16 where 010 is 10: the seeds say which */
    int status;
    char *out = soak("--programs=1 --config=s360-67 --first=010", &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "\"name\":\"s360-67\",\"first\":10,\"programs\":1,"));
    free(out);
    out = soak("--programs 1 --config s360-67 --first 0x10", &status);
    assert_int_equal(status, 0);
    assert_non_null(strstr(out, "\"first\":16,"));
    free(out);
}

/* docs/run.md: a dump or timeline that cannot be written is status 2, one
 * line naming the flag.  One that fails only when written (a full device)
 * said "tgm: --dump: /dev/full: ..." but "tgm: run: --timeline: /dev/full:
 * ...": both now say "tgm: run: FLAG: ", as every error of run begins. */
static void run__a_dump_or_timeline_that_fails_late_is_said_alike(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    cs_tgm_fails(2, "tgm: run: --dump: /dev/full: cannot write: No space left on device", "run",
                 CS_ARGV("--dump", "/dev/full", "examples/hello.s"));
    cs_tgm_fails(2, "tgm: run: --timeline: /dev/full: cannot write: No space left on device", "run",
                 CS_ARGV("--vmm", "--timeline", "/dev/full", "examples/hello.s"));
}

/* docs/run.md, exit status 130: "interrupted with Ctrl-C; the state at
 * that point is still printed" (and --dump written), in text and JSON,
 * bare, under --vmm and under --nest.  No test sent the CLI a SIGINT. */
static void run__ctrl_c_is_130_and_the_state_is_printed(void **state)
{
    (void)state;
    char spin[CS_PATH], dump[CS_PATH];
    cs_write_text(spin, sizeof spin, "spin.s", "        .entry s\ns: JMP s\n");
    cs_tmp_path(dump, sizeof dump, "interrupted.bin");
    static const struct { const char *flag, *want; } rows[] = {
        {"--quiet", ""},
        {"--json", "{\"stop\":\"interrupted\","},
        {"--vmm", "-- vm0: interrupted\npsw          0x8000000000080000  supervisor"},
        {"--nest=1", "-- interrupted\npsw          0x8000000000080000  supervisor"},
        {"--max-steps=0", "-- interrupted\npsw          0x8000000000080000  supervisor"},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        bool bare = i == 0 || i == 1 || i == 4;
        pid_t pid = bare ? cs_start_tgm(-1, "run", CS_ARGV(rows[i].flag, "--max-steps=0",
                                                           "--mem=64", "--dump", dump, spin))
                         : cs_start_tgm(-1, "run", CS_ARGV(rows[i].flag, "--max-steps=0",
                                                           spin));
        if (cs_catches_sigint(pid) != 1) {
            kill(pid, SIGKILL);
            struct cs_outcome o = cs_finish_tgm(pid);
            cs_outcome_free(&o);
            skip();
        }
        assert_int_equal(kill(pid, SIGINT), 0);
        struct cs_outcome o = cs_finish_tgm(pid);
        /* (a --nest run interrupted before level 1 has booted the guest
         * says `not started`, run.md: on a busy machine Ctrl-C may come
         * that early) */
        bool booting = i == 3 && strstr(o.out, "-- interrupted\npsw          not started (");
        if (o.status != 130 || !(strstr(o.out, rows[i].want) || booting) || o.err[0])
            fail_msg("%s: status %d, stdout \"%.300s\", stderr \"%s\"", rows[i].flag,
                     o.status, o.out, o.err);
        cs_outcome_free(&o);
        if (bare) {
            size_t len;
            free(cs_slurp(dump, &len));
            assert_int_equal(len, 8 * 64);
            assert_int_equal(unlink(dump), 0);
        }
    }
}

/* docs/robustness.md, "Run one by hand next to a program that halts": the
 * spinning guest reaches its step limit, compute.s still halts with its
 * answer, and the run's status is the step limit's, 3. */
static void robustness__a_spinning_guest_leaves_the_other_its_answer(void **state)
{
    (void)state;
    char img[CS_PATH];
    cs_tmp_path(img, sizeof img, "spin.img");
    cs_tgm_prints("", "as", CS_ARGV("examples/hostile/spin.s", "-o", img));
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--mem", "256", "--max-steps", "2000000", img,
                   "examples/compute.s", NULL);
    assert_int_equal(o.status, 3);
    const char *vm0 = strstr(o.out, "-- vm0: step limit reached before HALT\n");
    const char *vm1 = strstr(o.out, "sum of squares 1..100000 = 333338333350000\n"
                                    "-- vm1: halted\n");
    assert_non_null(vm0);
    assert_non_null(vm1);
    assert_true(vm0 < vm1);
    cs_assert_one_line(&o, "tgm: run: vm0: step limit of 2000000 reached before HALT");
    cs_outcome_free(&o);
}

/* docs/run.md: "Options and the image may come in any order."  With
 * POSIXLY_CORRECT in the environment (set by some shells' POSIX modes),
 * getopt stopped at the image: '--json' after it was a second image. */
static void run__options_after_the_image_whatever_posixly_correct_says(void **state)
{
    (void)state;
    assert_int_equal(setenv("POSIXLY_CORRECT", "1", 1), 0);
    struct cs_outcome o = cs_run_tgm("run", "examples/hello.s", "--json", NULL);
    unsetenv("POSIXLY_CORRECT");
    assert_int_equal(o.status, 0);
    cs_assert_json_object(&o);
    cs_outcome_free(&o);
    assert_int_equal(setenv("POSIXLY_CORRECT", "1", 1), 0);
    o = cs_run_tgm("dis", "examples/hello.s", "-o", "-", NULL);
    unsetenv("POSIXLY_CORRECT");
    assert_int_equal(o.status, 2); /* dis read -o, and says the source is text */
    cs_assert_one_line(&o, "it holds text");
    cs_outcome_free(&o);
}

/* docs/run.md: --opt=VALUE is --opt VALUE, an unambiguous prefix names its
 * option, an ambiguous one is refused in one line naming what it could be
 * (it said "unknown or ambiguous option '--vm'"); a flag given a value, or
 * a value missing, is named. */
static void run__equals_and_prefixes_as_documented(void **state)
{
    (void)state;
    cs_tgm_prints("(FNV-1a of E, 100 words)", "run",
                  CS_ARGV("--mem=100", "--max=0", "examples/hello.s"));
    cs_tgm_prints("\"q\":100,", "run", CS_ARGV("--me", "100", "--js", "examples/hello.s"));
    static const struct {
        int status;
        const char *why, *cmd, *args[3];
    } rows[] = {
        {3, "tgm: run: step limit of 5 reached before HALT", "run", {"--max-steps=5"}},
        {2, "tgm: run: ambiguous option '--vm' (--vmm, --vms)", "run", {"--vm"}},
        {2, "tgm: check: ambiguous option '--m=5' (--mem, --max-steps)", "check", {"--m=5"}},
        {2, "tgm: run: option '--json' takes no value (try 'tgm run --help')", "run",
         {"--json=yes"}},
        {2, "tgm: run: option '--mem' needs a value (try 'tgm run --help')", "run",
         {"examples/hello.s", "--mem"}},
        {2, "tgm: run: --mem: expected a non-negative number, got ''", "run", {"--mem="}},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        const char *args[4] = {rows[i].args[0], rows[i].args[1], rows[i].args[2]};
        if (!args[1]) /* the image after the option */
            args[1] = "examples/hello.s";
        cs_tgm_fails(rows[i].status, rows[i].why, rows[i].cmd, args);
    }
}

/* docs/run.md: "--vmm IMAGE... runs each image (at most 64) in its own
 * virtual machine ... the real machine has 8 + N x mem words, at most
 * 2^19": 64 images of 8000 words run, a 65th is refused, and 64 of 8192
 * words (8 + 524288) are refused naming --mem. */
static void run_vmm__at_most_64_images_in_2_19_words(void **state)
{
    (void)state;
    struct cs_args a = {0};
    cs_push_all(&a, "--vmm", "--mem", "8000", "--quiet", NULL);
    for (int i = 0; i < 64; i++)
        cs_push(&a, "examples/hello.s");
    struct cs_outcome o = cs_run_tgm_argv("run", a.v);
    assert_int_equal(o.status, 0);
    size_t n = 0;
    for (const char *p = o.out; (p = strstr(p, "\nhello, world\n")); p++)
        n++;
    assert_int_equal(n, 64);
    cs_outcome_free(&o);
    cs_push(&a, "examples/hello.s");
    o = cs_run_tgm_argv("run", a.v);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: 65 images given, at most 64");
    assert_string_equal(o.out, "");
    cs_outcome_free(&o);
    cs_tgm_fails(2, "tgm: run: 64 VMs of 8192 words need 524296 words of real memory, more "
                    "than 524288 (use a smaller --mem)", "run",
                 CS_ARGV("--vmm", "--vms", "64", "--mem", "8192", "examples/hello.s"));
}

/* README.md: "The monitor (build/tgm on a terminal, or build/tgm
 * monitor)" and "tgm --help lists the commands; every command has --help".
 * It said "build/tgm" alone; off a terminal that is the usage and status
 * 2, not a monitor reading standard input. */
static void readme__tgm_alone_is_the_monitor_only_on_a_terminal(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm(NULL, NULL);
    assert_int_equal(o.status, 2);
    assert_string_equal(o.out, "");
    assert_non_null(strstr(o.err, "usage: tgm COMMAND [ARGS]\n"));
    cs_outcome_free(&o);
    char *readme = cs_slurp("README.md", NULL);
    assert_non_null(strstr(readme, "(`build/tgm` on a terminal, or `build/tgm monitor`)"));
    free(readme);
    o = cs_run_tgm("--help", NULL);
    assert_int_equal(o.status, 0);
    /* the statuses docs/run.md gives, 130 included (it was left out) */
    assert_non_null(strstr(o.out, "3 step limit reached,\n130 interrupted (Ctrl-C).\n"));
    static const char *const cmds[] = {"as", "dis", "run", "isa", "analyze", "check",
                                       "counterexample", "monitor"};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char line[64];
        snprintf(line, sizeof line, "\n  %s ", cmds[i]);
        assert_non_null(strstr(o.out, line));
        struct cs_outcome h = cs_run_tgm(cmds[i], "--help", NULL);
        snprintf(line, sizeof line, "usage: tgm %s", cmds[i]);
        if (h.status != 0 || strncmp(h.out, line, strlen(line)) != 0 || h.err[0])
            fail_msg("tgm %s --help: status %d, \"%.80s\"", cmds[i], h.status, h.out);
        cs_outcome_free(&h);
    }
    cs_outcome_free(&o);
}

/* Run tgm with ARGV (NULL-terminated, ARGV[0] any name), its standard
 * output appended to OUT; its status, and its standard error in *ERR. */
static int with_stdout_on(const char *out, char *const argv[], char **err)
{
    char errpath[CS_PATH];
    cs_tmp_path(errpath, sizeof errpath, "with-stdout.err");
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int o = open(out, O_WRONLY | O_APPEND), e = open(errpath, O_WRONLY | O_CREAT | O_TRUNC,
                                                         0600);
        if (o < 0 || e < 0)
            _exit(126);
        dup2(o, 1);
        dup2(e, 2);
        execv(cs_tgm(), argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    *err = cs_slurp(errpath, NULL);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* docs/robustness.md: nothing a writer does loses what was written.  A
 * --dump (any writer) to the very file standard output was redirected to
 * ('tgm run x.s --dump out > out') replaced it after the report went
 * there: the report was lost, silently, status 0.  It is refused now;
 * /dev/stdout still adds to it. */
static void writer__the_file_standard_output_goes_to_is_not_replaced(void **state)
{
    (void)state;
    char out[CS_PATH];
    cs_write_text(out, sizeof out, "report.txt", "old\n");
    char *err;
    int status = with_stdout_on(out, (char *[]){"tgm", "run", "--mem", "30", "--dump", out,
                                                "examples/hello.s", NULL}, &err);
    if (status != 2 || !strstr(err, "report.txt: is this command's standard output, whose "
                                    "text replacing it would lose; write to /dev/stdout to "
                                    "add to it, or elsewhere\n") ||
        strchr(err, '\n') != err + strlen(err) - 1)
        fail_msg("status %d, stderr \"%s\"", status, err);
    free(err);
    char *kept = cs_slurp(out, NULL);
    assert_string_equal(kept, "old\n");
    free(kept);
    /* through /dev/stdout the dump is added after the report */
    size_t len;
    status = with_stdout_on(out, (char *[]){"tgm", "run", "--mem", "30", "--dump",
                                            "/dev/stdout", "examples/hello.s", NULL}, &err);
    assert_int_equal(status, 0);
    free(err);
    kept = cs_slurp(out, &len);
    assert_non_null(strstr(kept, "old\nhello, world\n-- halted\n"));
    const char *digest = strstr(kept, "(FNV-1a of E, 30 words)\n");
    assert_non_null(digest);
    assert_int_equal(len - (size_t)(digest + strlen("(FNV-1a of E, 30 words)\n") - kept),
                     8 * 30);
    free(kept);
}

/* docs/run.md's options table and 'tgm run --help' (and so the manual
 * page made from it) name the same options, with the same ranges.  --help
 * gave no range for --vms (1..64). */
static void run__help_names_every_documented_option_and_range(void **state)
{
    (void)state;
    char *doc = cs_slurp("docs/run.md", NULL);
    struct cs_outcome o = cs_run_tgm("run", "--help", NULL);
    assert_int_equal(o.status, 0);
    size_t rows = 0;
    for (const char *l = strstr(doc, "\n| `--"); l; l = strstr(l + 1, "\n| `--")) {
        char flag[32], want[40];
        snprintf(flag, sizeof flag, "%.*s", (int)strcspn(l + 4, " `"), l + 4);
        snprintf(want, sizeof want, "\n  %s ", flag);
        if (!strstr(o.out, want) && strcmp(flag, "--help") != 0)
            fail_msg("docs/run.md documents %s; 'tgm run --help' does not list it", flag);
        rows++;
    }
    assert_true(rows >= 16);
    static const char *const ranges[] = {"2..524288", "(1..64)", "(1..16)", "1000000000",
                                         "10000", "0 = no limit"};
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (!strstr(o.out, ranges[i]))
            fail_msg("'tgm run --help' does not say %s", ranges[i]);
    cs_outcome_free(&o);
    free(doc);
}

/* "Every error is one line on stderr naming the flag or file and the
 * problem."  A line longer than the reader's buffer (a path of thousands
 * of characters) was cut at the end, losing the problem: "tgm:
 * --input-file: a/a/.../a/a" and nothing more.  It keeps its end now. */
static void cli__a_long_path_keeps_the_problem_at_the_end_of_the_line(void **state)
{
    (void)state;
    static char path[2 * 2100 + 2];
    for (int i = 0; i < 2100; i++)
        memcpy(path + 2 * i, "a/", 2);
    strcpy(path + 2 * 2100, "x"); /* longer than PATH_MAX */
    struct cs_outcome o = cs_run_tgm("run", "--input-file", path, "examples/hello.s", NULL);
    assert_int_equal(o.status, 2);
    cs_assert_one_line(&o, "tgm: run: --input-file: a/a/a/");
    static const char end[] = "a/a/x: File name too long\n";
    size_t n = strlen(o.err);
    assert_true(n > sizeof end);
    assert_string_equal(o.err + n - (sizeof end - 1), end);
    cs_outcome_free(&o);
}

/* docs/run.md and robustness.md: a text not named *.s is refused as
 * "prog.asm: offset 0: bad magic (not a tgm image); an assembly source
 * must be named *.s".  A text shorter than an image's header (a source of
 * one or two lines) said "offset 17: truncated header (17 bytes, need 48)"
 * instead, as if it were an image cut short. */
static void run__a_short_text_is_not_an_image_not_a_truncated_one(void **state)
{
    (void)state;
    char prog[CS_PATH], cut[CS_PATH];
    cs_write_text(prog, sizeof prog, "prog.asm", "        .entry s\ns: HALT\n");
    cs_tgm_fails(2, "prog.asm: offset 0: bad magic (not a tgm image); an assembly source must "
                    "be named *.s", "run", CS_ARGV(prog));
    cs_tgm_fails(2, "prog.asm: offset 0: bad magic (not a tgm image); it holds text", "dis",
                 CS_ARGV(prog));
    cs_write_text(prog, sizeof prog, "halt.asm", "HALT\n");
    cs_tgm_fails(2, "halt.asm: offset 0: bad magic (not a tgm image); an assembly source must "
                    "be named *.s", "run", CS_ARGV(prog));
    /* an image cut short is still said to be one */
    cs_write_text(cut, sizeof cut, "cut.img", "TGMIMAGE");
    cs_tgm_fails(2, "cut.img: offset 8: truncated header (8 bytes, need 48)", "run",
                 CS_ARGV(cut));
    cs_write_text(cut, sizeof cut, "cut.img", "TGMI");
    cs_tgm_fails(2, "cut.img: offset 4: truncated header (4 bytes, need 48)", "run",
                 CS_ARGV(cut));
}

/* docs/run.md: an IMAGE on standard input is /dev/stdin; '-' is a file
 * name, and a missing one said only "-: No such file or directory" where
 * '--input-file -' and 'as -o -' mean the standard streams. */
static void run__an_image_on_standard_input_is_dev_stdin(void **state)
{
    (void)state;
    cs_tgm_fails(2, "tgm: run: -: No such file or directory (standard input is /dev/stdin)",
                 "run", CS_ARGV("--", "-"));
    cs_tgm_fails(2, "tgm: dis: -: No such file or directory (standard input is /dev/stdin)",
                 "dis", CS_ARGV("-"));
    char img[CS_PATH];
    cs_make_image(img, sizeof img, "stdin.img", 0, CS_WORDS(0x0400000000000000ull),
                  0x8000000000080000ull);
    int fd = open(img, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    pid_t pid = cs_start_tgm(fd, "run", CS_ARGV("/dev/stdin"));
    close(fd);
    struct cs_outcome o = cs_finish_tgm(pid);
    assert_int_equal(o.status, 0);
    assert_non_null(strstr(o.out, "-- halted\n"));
    cs_outcome_free(&o);
}

/* ---- fixture ----------------------------------------------------------- */

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_g");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(run__a_refused_option_is_the_one_named),
        cmocka_unit_test(run__text_on_a_pipe_is_said_to_be_text),
        cmocka_unit_test(run__input_file_dash_is_standard_input),
        cmocka_unit_test(soak__a_bad_option_is_one_line_naming_it),
        cmocka_unit_test(run__a_dump_or_timeline_that_fails_late_is_said_alike),
        cmocka_unit_test(run__ctrl_c_is_130_and_the_state_is_printed),
        cmocka_unit_test(robustness__a_spinning_guest_leaves_the_other_its_answer),
        cmocka_unit_test(run__options_after_the_image_whatever_posixly_correct_says),
        cmocka_unit_test(run__equals_and_prefixes_as_documented),
        cmocka_unit_test(run_vmm__at_most_64_images_in_2_19_words),
        cmocka_unit_test(readme__tgm_alone_is_the_monitor_only_on_a_terminal),
        cmocka_unit_test(writer__the_file_standard_output_goes_to_is_not_replaced),
        cmocka_unit_test(run__help_names_every_documented_option_and_range),
        cmocka_unit_test(cli__a_long_path_keeps_the_problem_at_the_end_of_the_line),
        cmocka_unit_test(run__a_short_text_is_not_an_image_not_a_truncated_one),
        cmocka_unit_test(run__an_image_on_standard_input_is_dev_stdin),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
