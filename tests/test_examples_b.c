/* test_examples_b.c: the hostile guests do, on their own bare machine, what
 * their header comments say (examples/hostile/), the main demo
 * (examples/demo.sh, `make run`) shows what it says it shows, every
 * example assembles without a word of diagnostics, README.md and
 * docs/monitor.md say truly what is in examples/, and the example scripts
 * write only where they are run.
 *
 * tests/test_hostile.c checks that the control program contains them; this
 * suite checks the attacks themselves: each guest runs on a bare machine of
 * W words (section 2) and one pass of its loop must take the traps its
 * comment names, in order.  A comment that names the wrong trap (HCALL is
 * illegal in a guest in either mode, docs/isa.md) teaches the wrong machine.
 */
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"

#define W 256u             /* the memory every hostile guest assumes */
#define PASS_STEPS 100000u /* one pass of any loop here takes far fewer */
#define NTRACE 64

/* One letter per trap cause, as the sequences below spell them. */
static const char cause_letter[TRAP_NCAUSES] = {
    [TRAP_PRIV] = 'P', [TRAP_MEM] = 'M', [TRAP_SVC] = 'S', [TRAP_ILL] = 'I',
    [TRAP_TIMER] = 'T'};

/* Load examples/hostile/NAME.s into a bare W-word machine. */
static struct machine *hostile(const char *name, struct tgm_image *img)
{
    char path[128];
    snprintf(path, sizeof path, "examples/hostile/%s.s", name);
    if (asm_assemble_file(path, img, stderr) != 0)
        fail_msg("%s does not assemble", path);
    struct machine *m = ts_machine(W, NULL, false);
    char err[256];
    if (image_load(m, img, err, sizeof err) != 0)
        fail_msg("%s: %s", path, err);
    return m;
}

/* Run from the entry to LABEL once, then record the causes of the traps
 * taken in the next PASSES passes (until P is back at LABEL that often) in
 * OUT, one letter each.  COUNTS gets the traps by cause over them. */
static void passes(const char *name, const char *label, unsigned npasses, char *out,
                   size_t outsz, uint64_t counts[TRAP_NCAUSES])
{
    struct tgm_image img;
    struct machine *m = hostile(name, &img);
    const struct tgm_symbol *s = image_symbol(&img, label);
    if (!s)
        fail_msg("%s.s has no label '%s'", name, label);
    const uint32_t at = (uint32_t)s->value;
    size_t len = 0;
    unsigned visits = 0;
    memset(counts, 0, TRAP_NCAUSES * sizeof *counts);
    for (uint32_t k = 0; k < PASS_STEPS; k++) {
        uint32_t p = (uint32_t)(machine_get_psw(m) >> 39) & 0x7FFFF;
        if (p == at && ++visits == npasses + 2)
            break;
        struct machine_counters before = machine_get_counters(m);
        struct machine_exit ex;
        if (machine_step(m, &ex) == EXIT_HALT)
            fail_msg("%s.s halted; it should loop forever", name);
        struct machine_counters after = machine_get_counters(m);
        for (unsigned c = 1; c < TRAP_NCAUSES && visits >= 2; c++)
            if (after.traps[c] != before.traps[c]) {
                counts[c]++;
                if (len + 1 < outsz)
                    out[len++] = cause_letter[c];
            }
    }
    out[len] = '\0';
    if (visits < npasses + 2)
        fail_msg("%s.s: P did not come back to %s within %u steps", name, label, PASS_STEPS);
    machine_destroy(m);
    image_free(&img);
}

/* The header comment of examples/hostile/NAME.s (its leading ';' lines),
 * joined into one line, holds PHRASE: the comment states the trap the test
 * sees, so the two cannot drift apart. */
static void header_says(const char *name, const char *phrase)
{
    char path[128], text[4096] = "";
    snprintf(path, sizeof path, "examples/hostile/%s.s", name);
    char *src = cs_slurp(path, NULL);
    size_t len = 0;
    for (const char *line = src; *line == ';';) {
        const char *end = strchr(line, '\n');
        const char *body = line + 1 + (line[1] == ' ');
        size_t n = end ? (size_t)(end - body) : strlen(body);
        if (len + n + 2 < sizeof text) {
            memcpy(text + len, body, n);
            len += n;
            text[len++] = ' ';
            text[len] = '\0';
        }
        if (!end)
            break;
        line = end + 1;
    }
    free(src);
    if (!strstr(text, phrase))
        fail_msg("%s's header comment does not say \"%s\": %s", path, phrase, text);
}

/* What one guest does per pass of its loop, and what its header must say. */
struct attack {
    const char *name, *label; /* examples/hostile/NAME.s, its loop's label */
    unsigned npasses;
    const char *traps;  /* one letter per trap, in order (cause_letter) */
    const char *header; /* a phrase its header comment holds, or NULL */
};

static const struct attack attacks[] = {
    /* HCALL 0 at its own E[2] is illegal in supervisor and in user mode (a
     * guest has no host calls); the three jumps past memory trap */
    {"jump_cp", "start", 1, "IIMMM", "HCALL is an illegal instruction in either mode"},
    /* illegal in either mode, as on any bare machine */
    {"hcall", "start", 1, "III", "an illegal instruction in either mode"},
    /* ten privileged instructions from user mode, then HCALL */
    {"lpsw_sup", "ucode", 1, "PPPPPPPPPPI",
     "then HCALL, which a guest does not have: an illegal instruction"},
    /* every cause in turn: illegal, privileged, memory, SVC, timer */
    {"trap_storm", "start", 1, "IPMST", NULL},
    /* two stores outside, an SVC into the rewritten E[1], and the store
     * from `wide` still outside */
    {"write_e01", "start", 1, "MMSM", NULL},
    /* R past the region, l + b wrapping past q, l beyond memory */
    {"escape_r", "start", 1, "MMM", NULL},
    /* b = 0 in both modes, l = 0 with b = 2^19 (the probe's first k >= 1),
     * l = 2^19 - 1; with b = 1 only apparent 0, which holds the last old
     * PSW, not an instruction */
    {"bounds", "start", 1, "MMMMI", NULL},
    /* eight passes, the patch table's entries 2..7, 0, 1, each run in
     * supervisor mode and then in user mode: LR (privileged in user mode
     * only), HCALL (illegal in both: a guest has no host calls), the
     * illegal word (both), SPSW (fine in supervisor mode; in user mode the
     * slot then holds the stored PSW, no instruction), SVC (both), JMP W
     * (past memory, both), ADDI (the user slot goes on to its SVC 0), and
     * LPSW of a supervisor PSW at start, which ends the pass */
    {"selfmod", "start", 8, "PIIIIISSMMS", "HCALL (illegal in a guest"},
};

static void hostile__each_pass_takes_the_traps_its_comment_names(void **state)
{
    (void)state;
    for (size_t k = 0; k < sizeof attacks / sizeof attacks[0]; k++) {
        const struct attack *a = &attacks[k];
        char got[NTRACE];
        uint64_t counts[TRAP_NCAUSES];
        passes(a->name, a->label, a->npasses, got, sizeof got, counts);
        if (strcmp(got, a->traps) != 0)
            fail_msg("%s.s: %u passes took traps \"%s\", its comment says \"%s\"", a->name,
                     a->npasses, got, a->traps);
        if (a->header)
            header_says(a->name, a->header);
    }
}

/* svc_storm.s: 1000 SVCs in supervisor mode, 1000 in user mode and the
 * SVC 3 back; timer.s: a storm of 50 one-cycle timer traps per pass. */
static void hostile__storms_take_the_traps_they_count(void **state)
{
    (void)state;
    char got[NTRACE];
    uint64_t counts[TRAP_NCAUSES];
    passes("svc_storm", "start", 1, got, sizeof got, counts);
    uint64_t want_svc[TRAP_NCAUSES] = {[TRAP_SVC] = 2001};
    assert_memory_equal(counts, want_svc, sizeof counts);
    passes("timer", "start", 1, got, sizeof got, counts);
    uint64_t want_timer[TRAP_NCAUSES] = {[TRAP_TIMER] = 50};
    assert_memory_equal(counts, want_timer, sizeof counts);
    header_says("timer", "It arms 2^62 cycles"); /* what `forever` holds */
}

/* spin.s: supervisor, I = 0, no timer: it never traps and never halts. */
static void hostile__spin_never_gives_the_processor_back(void **state)
{
    (void)state;
    struct tgm_image img;
    struct machine *m = hostile("spin", &img);
    struct machine_exit ex;
    assert_int_equal(machine_run(m, PASS_STEPS, &ex), EXIT_BUDGET);
    struct machine_counters c = machine_get_counters(m);
    for (unsigned k = 1; k < TRAP_NCAUSES; k++)
        assert_true(c.traps[k] == 0);
    assert_true(machine_get_psw(m) >> 63); /* still in supervisor mode */
    machine_destroy(m);
    image_free(&img);
}

/* OUT holds each of the N strings WANT; WHO printed it. */
static void expect_all(const char *out, const char *const *want, size_t n, const char *who)
{
    for (size_t k = 0; k < n; k++)
        if (!strstr(out, want[k]))
            fail_msg("%s did not print \"%s\"", who, want[k]);
}

/* docs/robustness.md's run by hand: spin.s next to compute.s under the
 * control program.  The spinner reaches its step limit (status 3) and
 * compute.s still halts with its answer: the CP took the processor back. */
static void hostile__spin_beside_compute_by_hand_as_robustness_md_shows(void **state)
{
    (void)state;
    /* run assembles the source as 'tgm as' would: the same image */
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--mem", "256", "--max-steps", "2000000",
                                     "examples/hostile/spin.s", "examples/compute.s", NULL);
    assert_int_equal(o.status, 3);
    static const char *const want[] = {"-- vm0: step limit reached before HALT\n",
                                       "sum of squares 1..100000 = 333338333350000\n",
                                       "-- vm1: halted\n"};
    expect_all(o.out, want, sizeof want / sizeof want[0], "the run of docs/robustness.md");
    cs_outcome_free(&o);
}

/* docs/run.md: docs/timeline.svg "was made with" a command on three of the
 * examples; the same command makes the same picture, byte for byte. */
static void timeline_svg__is_what_its_command_makes(void **state)
{
    (void)state;
    char svg[CS_PATH];
    cs_tmp_path(svg, sizeof svg, "timeline.svg");
    struct cs_outcome o = cs_run_tgm("run", "--vmm", "--slice", "400", "--timeline", svg,
                                     "examples/supervisor.s", "examples/hello.s",
                                     "examples/calls.s", NULL);
    assert_int_equal(o.status, 0);
    cs_outcome_free(&o);
    size_t got_len, want_len;
    char *got = cs_slurp(svg, &got_len), *want = cs_slurp("docs/timeline.svg", &want_len);
    if (got_len != want_len || memcmp(got, want, got_len) != 0)
        fail_msg("docs/timeline.svg is not what docs/run.md's command makes now (%zu bytes "
                 "against %zu): make it again with that command",
                 want_len, got_len);
    free(got);
    free(want);
}

/* docs/os.md: the OS runs the same in any memory from the 906 words its
 * image needs up to its 1024-word minimum, a smaller one is refused, and
 * the hybrid monitor (section 8), which interprets the whole kernel, is
 * equivalent with the share it runs directly that the page shows. */
static void os__memory_below_its_minimum_and_the_hybrid_monitor_as_os_md_says(void **state)
{
    (void)state;
    static const char os[] = "examples/os/os.s";
    struct cs_outcome at1024 = cs_run_tgm("run", "--quiet", "--mem", "1024", os, NULL);
    struct cs_outcome at906 = cs_run_tgm("run", "--quiet", "--mem", "906", os, NULL);
    assert_int_equal(at1024.status, 0);
    assert_int_equal(at906.status, 0);
    assert_string_equal(at906.out, at1024.out);
    cs_outcome_free(&at1024);
    cs_outcome_free(&at906);
    struct cs_outcome o = cs_run_tgm("run", "--mem", "905", os, NULL);
    assert_int_equal(o.status, 2);
    static const char *const refused[] = {"image needs words 0..905 but the machine has 905"};
    expect_all(o.err, refused, 1, "tgm run --mem 905");
    cs_outcome_free(&o);
    o = cs_run_tgm("check", "--hybrid", "--mem", "1024", os, NULL);
    assert_int_equal(o.status, 0);
    static const char *const hybrid[] = {
        ": equivalent (alone); 8997 instructions, 30.3434% executed directly\n"};
    expect_all(o.out, hybrid, 1, "tgm check --hybrid");
    cs_outcome_free(&o);
}

/* The kernel's comments quote its console lines ("os: ...", but for the
 * template "os: process N"); each one quoted is a line its bare run prints,
 * so a reader can find it in the output. */
static void os__lines_its_comments_quote_are_lines_it_prints(void **state)
{
    (void)state;
    char *src = cs_slurp("examples/os/os.s", NULL);
    struct cs_outcome o = cs_run_tgm("run", "--quiet", "examples/os/os.s", NULL);
    assert_int_equal(o.status, 0);
    unsigned quoted = 0;
    for (const char *q = src; (q = strstr(q, "; \"os: ")) != NULL; q++) {
        const char *start = q + 3, *end = strchr(start, '"');
        assert_non_null(end);
        char line[200];
        snprintf(line, sizeof line, "%.*s\n", (int)(end - start), start);
        if (strstr(line, "os: process N\n"))
            continue; /* the template of kproc, not a line */
        if (!strstr(o.out, line))
            fail_msg("examples/os/os.s quotes \"%.*s\"; its bare run prints no such line",
                     (int)(end - start), start);
        quoted++;
    }
    assert_true(quoted >= 4);
    cs_outcome_free(&o);
    free(src);
}

/* How many paths match PATTERN. */
static size_t count_files(const char *pattern)
{
    glob_t g;
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    size_t n = g.gl_pathc;
    globfree(&g);
    return n;
}

/* demo.sh (`make run`): it exits 0 having shown the supervisor bare and
 * under the control program, equivalent, and the OS on every depth 1..4,
 * equivalent; and what it says about the OS is what the OS prints. */
static void demo__shows_what_it_announces(void **state)
{
    (void)state;
    size_t files_before = count_files("examples/*") + count_files("examples/*/*");
    char cmd[600];
    snprintf(cmd, sizeof cmd, "sh examples/demo.sh '%s' 2>&1", cs_tgm());
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    static char out[1 << 16];
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    if (status != 0)
        fail_msg("examples/demo.sh exited with %d; its output begins: %.600s", status, out);
    static const char *const want[] = {
        "supervisor: job 2 killed: memory trap at P=4\n",
        "supervisor.tgm: equivalent",
        "hello.s: equivalent",
        "a time-sharing OS of four processes",
        "os: 4 processes, quantum 300 cycles\n",
        "os: all processes done: 3 exited, 1 killed\n",
        "os/os.s: equivalent (alone)",
        "os/os.s: equivalent at depth 1 ",
        "os/os.s: equivalent at depth 2 ",
        "os/os.s: equivalent at depth 3 ",
        "os/os.s: equivalent at depth 4 ",
    };
    expect_all(out, want, sizeof want / sizeof want[0], "examples/demo.sh");
    assert_null(strstr(out, "NOT equivalent"));
    /* it works in a temporary directory: nothing is written to the tree */
    assert_int_equal(count_files("examples/*") + count_files("examples/*/*"), files_before);
}

/* demo.sh given a path with no tgm program: one line naming it, status 2
 * (it printed two shell errors, "can't cd" and "not found", status 127). */
static void demo__a_missing_tgm_is_one_line(void **state)
{
    (void)state;
    static const char *const bad[] = {"no/such/tgm", "examples"};
    for (size_t i = 0; i < 2; i++) {
        char cmd[256];
        snprintf(cmd, sizeof cmd, "sh examples/demo.sh %s 2>&1", bad[i]);
        FILE *p = popen(cmd, "r");
        assert_non_null(p);
        char out[1024];
        size_t n = fread(out, 1, sizeof out - 1, p);
        out[n] = '\0';
        int status = pclose(p);
        char want[300];
        snprintf(want, sizeof want,
                 "demo.sh: %s: no tgm program there (build it with 'make', or name it: "
                 "sh examples/demo.sh PATH)\n", bad[i]);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 2 || strcmp(out, want))
            fail_msg("demo.sh %s: status %d, output \"%s\"", bad[i], status, out);
    }
}

/* Every .s file in examples/ and its directories assembles, and the
 * assembler says nothing about it: an example is a model. */
static void examples__all_assemble_silently(void **state)
{
    (void)state;
    static const char *const patterns[] = {"examples/*.s", "examples/*/*.s"};
    size_t seen = 0;
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        glob_t g;
        if (glob(patterns[k], 0, NULL, &g) != 0)
            fail_msg("nothing matches %s: run from the source tree's root", patterns[k]);
        for (size_t i = 0; i < g.gl_pathc; i++, seen++) {
            FILE *diag = tmpfile();
            assert_non_null(diag);
            struct tgm_image img;
            int rc = asm_assemble_file(g.gl_pathv[i], &img, diag);
            long said = ftell(diag);
            fclose(diag);
            if (rc != 0)
                fail_msg("%s does not assemble", g.gl_pathv[i]);
            image_free(&img);
            if (said != 0)
                fail_msg("%s: the assembler wrote %ld bytes of diagnostics", g.gl_pathv[i],
                         said);
        }
        globfree(&g);
    }
    assert_true(seen >= 18); /* 5 programs, 11 hostile guests, the OS, cp.s */
}

/* README.md's table of contents names every page in docs/ and, on its
 * examples/ row, every directory and script in examples/: a reader finds
 * the hostile guests and the demo from the front page. */
static void readme__names_every_doc_and_every_kind_of_example(void **state)
{
    (void)state;
    char *readme = cs_slurp("README.md", NULL);
    const char *row = strstr(readme, "\n| examples/ |");
    if (!row)
        fail_msg("README.md has no '| examples/ |' row in its table");
    static const char *const parts[] = {"`os/`", "`hostile/`", "`vmm/`", "`*.s`", "`*.mon`",
                                        "`demo.sh`"};
    const char *eol = strchr(row + 1, '\n');
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        const char *at = strstr(row, parts[k]);
        if (!at || (eol && at > eol))
            fail_msg("README.md's examples/ row does not name %s", parts[k]);
    }
    glob_t g;
    assert_int_equal(glob("docs/*.md", 0, NULL, &g), 0);
    for (size_t i = 0; i < g.gl_pathc; i++) {
        char cell[300];
        snprintf(cell, sizeof cell, "\n| %s |", g.gl_pathv[i]);
        if (!strstr(readme, cell))
            fail_msg("README.md's table does not list %s", g.gl_pathv[i]);
    }
    globfree(&g);
    free(readme);
}

/* docs/monitor.md says which of gdb's words examples/gdb.mon uses: each
 * one it names in backquotes must start a line of the script (up to its
 * first upper-case placeholder: `break ADDR if` is "break ", `x/NF` "x/"). */
static void gdb_mon__uses_each_word_the_monitor_doc_says_it_does(void **state)
{
    (void)state;
    char *doc = cs_slurp("docs/monitor.md", NULL), *mon = cs_slurp("examples/gdb.mon", NULL);
    const char *say = strstr(doc, "`examples/gdb.mon`\nuses ");
    if (!say)
        fail_msg("docs/monitor.md no longer says what examples/gdb.mon uses");
    const char *end = strstr(say, ".\n");
    assert_non_null(end);
    unsigned named = 0;
    const char *open, *close;
    for (const char *q = strchr(say, '\n'); (open = strchr(q, '`')) && open < end;
         q = close + 1) {
        close = strchr(open + 1, '`');
        if (!close || close > end)
            break;
        size_t n = 0;
        while (open + 1 + n < close && !(open[1 + n] >= 'A' && open[1 + n] <= 'Z'))
            n++;
        char word[64], line[80];
        snprintf(word, sizeof word, "%.*s", (int)n, open + 1);
        snprintf(line, sizeof line, "\n%s", word);
        if (!strstr(mon, line))
            fail_msg("docs/monitor.md says examples/gdb.mon uses `%s`; no line of it starts so",
                     word);
        named++;
    }
    if (named < 5)
        fail_msg("docs/monitor.md names %u of the words examples/gdb.mon uses", named);
    free(doc);
    free(mon);
}


/* examples/gdb.mon logged to one fixed file in the system's temporary
 * directory: two users of one machine wrote over each other's, and a run
 * in a clean directory left a file behind.  Run where examples/ is (a link here), it writes
 * its log into the current directory. */
static void gdb_mon__writes_its_log_in_the_current_directory(void **state)
{
    (void)state;
    char exe[PATH_MAX], root[PATH_MAX], link[CS_PATH], log[CS_PATH], cmd[3 * PATH_MAX];
    assert_non_null(realpath(cs_tgm(), exe));
    assert_non_null(getcwd(root, sizeof root));
    char examples[PATH_MAX + 16];
    snprintf(examples, sizeof examples, "%s/examples", root);
    cs_tmp_path(link, sizeof link, "examples");
    assert_int_equal(symlink(examples, link), 0);
    snprintf(cmd, sizeof cmd, "cd '%s' && '%s' monitor -f examples/gdb.mon >/dev/null 2>&1",
             cs_tmpdir(), exe);
    int status = system(cmd);
    assert_int_equal(remove(link), 0);
    if (status != 0)
        fail_msg("examples/gdb.mon failed (status %d) run from a directory with examples/",
                 status);
    cs_tmp_path(log, sizeof log, "gdb-example.log");
    char *text = cs_slurp(log, NULL);
    assert_non_null(strstr(text, "break apply if E[op] == K_NEG\n"));
    assert_non_null(strstr(text, "log off\n"));
    free(text);
    assert_int_equal(remove(log), 0);
}

/* No example script names an absolute path (a file it would write, or
 * read, outside the directory it is run from). */
static void examples__scripts_name_no_absolute_path(void **state)
{
    (void)state;
    char paths[32][CS_PATH];
    size_t n = cs_list_files("examples", ".mon", paths, 32);
    assert_true(n >= 6);
    for (size_t i = 0; i < n; i++) {
        char *text = cs_slurp(paths[i], NULL);
        unsigned line = 1;
        for (const char *p = text; *p; line++) {
            size_t len = strcspn(p, "\n");
            for (size_t k = 0; k < len && p[k] != '#'; k++) {
                bool word = k == 0 || p[k - 1] == ' ' || p[k - 1] == '"';
                if (word && p[k] == '/' && k + 1 < len && p[k + 1] != ' ')
                    fail_msg("%s:%u: an absolute path: %.*s", paths[i], line, (int)len, p);
            }
            p += len + (p[len] == '\n');
        }
        free(text);
    }
}

static int setup(void **state)
{
    (void)state;
    return cs_setup("test_examples_b");
}

static int teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hostile__each_pass_takes_the_traps_its_comment_names),
        cmocka_unit_test(hostile__storms_take_the_traps_they_count),
        cmocka_unit_test(hostile__spin_never_gives_the_processor_back),
        cmocka_unit_test(hostile__spin_beside_compute_by_hand_as_robustness_md_shows),
        cmocka_unit_test(timeline_svg__is_what_its_command_makes),
        cmocka_unit_test(os__memory_below_its_minimum_and_the_hybrid_monitor_as_os_md_says),
        cmocka_unit_test(os__lines_its_comments_quote_are_lines_it_prints),
        cmocka_unit_test(demo__shows_what_it_announces),
        cmocka_unit_test(examples__all_assemble_silently),
        cmocka_unit_test(readme__names_every_doc_and_every_kind_of_example),
        cmocka_unit_test(gdb_mon__uses_each_word_the_monitor_doc_says_it_does),
        cmocka_unit_test(gdb_mon__writes_its_log_in_the_current_directory),
        cmocka_unit_test(examples__scripts_name_no_absolute_path),
        cmocka_unit_test(demo__a_missing_tgm_is_one_line),
    };
    return cmocka_run_group_tests_name("examples_b", tests, setup, teardown);
}
