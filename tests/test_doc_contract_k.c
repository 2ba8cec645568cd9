/* test_doc_contract_k.c: docs/recursion.md, docs/theorems.md, docs/vmm.md
 * and docs/os.md read as a contract (continued from test_doc_contract_j.c): the timer
 * modes by which the machine-code control program keeps virtual time exact
 * (Theorem 2's VMM without timing dependencies, section 7), seen from the
 * real machine at every resume of the guest; analyze --json's classes and
 * counts (section 3's definitions); how docs/vmm.md's time slices end
 * (section 4's dispatcher, with the hybrid monitor of section 8); and the
 * command lines docs/os.md and docs/recursion.md show without their
 * output, which the examples test (test_doc_examples.c, "$ tgm" blocks
 * with output) does not run.
 *
 * Uses the C API, as an embedder would, and the real binary.
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
#include "support.h"
#include "vmm_support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

#define I(op, a, b, c) MAKE_INSN(OP_##op, a, b, c)

/* A guest that runs, in turn, with its timer disarmed, armed with I = 0,
 * armed with I = 1 in user mode and armed with I = 1 in supervisor mode. */
static const char modes_src[] =
        "; the CP's four timer modes, met in turn\n"
        "        .org 0\n"
        "        .word 0\n"
        "        .word psw(SUP, handler, 0, 0x400)\n"
        "        .entry start\n"
        "start:  NOP                  ; off: timer disarmed\n"
        "        SVC   0\n"
        "        HALT\n"
        "handler: ADDI n, n, 1\n"
        "        SEQ   t, n, one\n"
        "        BNZ   t, first\n"
        "        SEQ   t, n, two\n"
        "        BNZ   t, second\n"
        "        SEQ   t, n, three\n"
        "        BNZ   t, third\n"
        "        HALT\n"
        "first:  TSET  thousand       ; late: I = 0\n"
        "        NOP\n"
        "        LPSW  userpsw        ; exact: user, I = 1\n"
        "second: LPSW  suppsw         ; step: supervisor, I = 1\n"
        "third:  LPSW  offpsw\n"
        "n:      .word 0\n"
        "t:      .word 0\n"
        "one:    .word 1\n"
        "two:    .word 2\n"
        "three:  .word 3\n"
        "thousand: .word 1000\n"
        "userpsw: .word pswi(USER, ucode, 0, 0x400)\n"
        "suppsw: .word pswi(SUP, scode, 0, 0x400)\n"
        "offpsw: .word psw(SUP, start + 1, 0, 0x400)\n"
        "ucode:  NOP\n"
        "        SVC   1\n"
        "scode:  NOP\n"
        "        NOP\n"
        "        SVC   2\n";

static unsigned op_at(const struct machine *m)
{
    struct psw p = machine_psw(m);
    uint64_t w = 0;
    machine_read_phys(m, (uint64_t)p.l + p.p, &w);
    return GET_OP(w);
}

static uint64_t traps_taken(const struct machine *m)
{
    struct machine_counters c = machine_get_counters(m);
    uint64_t n = 0;
    for (unsigned k = TRAP_PRIV; k < TRAP_NCAUSES; k++)
        n += c.traps[k];
    return n;
}

/* docs/recursion.md, Virtual time is exact: the CP "reads the real timer
 * with TGET as the very first instruction after a trap ..., and arms it
 * with TSET immediately before the LPSW that resumes the guest", and arms
 * it in one of four modes:
 *
 *   off    virtual timer disarmed              left alone   real I 0
 *   late   virtual I = 0                       virtual + 4  real I 0
 *   exact  virtual I = 1, virtual user mode    virtual      real I 1
 *   step   virtual I = 1, virtual supervisor   1            real I 1
 *
 * ("real timer at the guest's first cycle").  One level, stepped one real
 * instruction at a time: at each resume (the first guest step after the
 * CP's code) the real PSW's I and the real timer are the table's for the
 * virtual state level 1 records, and whenever the timer is in use, TSET
 * and LPSW came just before and TGET comes first after the guest's trap. */
static void recursion__the_cps_timer_modes_are_the_tables(void **state)
{
    (void)state;
    struct tgm_image guest;
    if (asm_assemble_string("modes.s", modes_src, &guest, stderr) != 0)
        fail_msg("modes.s does not assemble");
    struct nest_run_opts o = {.depth = 1, .w = 1024};
    struct nest_run r;
    char err[256];
    assert_int_equal(nest_run_start(NULL, &guest, &o, &r, err, sizeof err), 0);
    struct machine *m = r.real;
    const uint32_t k = r.lay.map.k;
    unsigned seen[4] = {0}, prev[2] = {0, 0};
    bool was_guest = false, trapped_out = false, timing = false;
    struct machine_exit ex;
    for (int i = 0; i < 100000; i++) {
        bool in_guest = machine_psw(m).l >= k;
        unsigned op = op_at(m);
        if (in_guest && !was_guest && i > 0) {
            struct nest_level lv;
            nest_level_read(&r.lay, machine_mem(m), 1, &lv);
            struct machine_timer t = machine_get_timer(m);
            bool ie = machine_ie(m);
            if (!lv.tarm) { /* off */
                assert_false(ie);
                seen[0]++;
            } else if (!lv.vpsw.ie) { /* late */
                assert_false(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, lv.trem + 4);
                seen[1]++;
            } else if (!lv.vpsw.sup) { /* exact */
                assert_true(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, lv.trem);
                seen[2]++;
            } else { /* step */
                assert_true(ie);
                assert_true(t.armed);
                assert_int_equal(t.remaining, 1);
                seen[3]++;
            }
            timing = lv.tarm;
            if (timing) {
                assert_int_equal(prev[0], OP_TSET);
                assert_int_equal(prev[1], OP_LPSW);
            }
        }
        if (!in_guest && trapped_out && timing)
            assert_int_equal(op, OP_TGET);
        was_guest = in_guest;
        prev[0] = prev[1];
        prev[1] = op;
        uint64_t before = traps_taken(m);
        enum exit_reason why = machine_step(m, &ex);
        trapped_out = in_guest && traps_taken(m) > before;
        if (why == EXIT_HALT)
            break;
    }
    assert_true(r.m == m);
    for (int mode = 0; mode < 4; mode++)
        if (!seen[mode])
            fail_msg("no resume in the timer mode %s", (const char *[]){"off", "late", "exact",
                                                                         "step"}[mode]);
    struct nest_check_result res;
    assert_int_equal(nest_check(NULL, &guest, &o, 100000, &res, err, sizeof err), 0);
    assert_true(res.equivalent);
    nest_run_free(&r);
    image_free(&guest);
}

/* Run one documented command LINE ("tgm SUB ARGS... # comment", os.img
 * standing for a file in the temporary directory): it must succeed and
 * say what its kind of command says of the OS. */
static void run_documented(const char *doc, const char *line)
{
    char buf[512], img[CS_PATH];
    cs_tmp_path(img, sizeof img, "os.img");
    snprintf(buf, sizeof buf, "%s", line);
    char *hash = strchr(buf, '#');
    if (hash)
        *hash = '\0';
    struct cs_args a = {0};
    char *save = NULL, *word = strtok_r(buf, " ", &save);
    assert_non_null(word);
    assert_string_equal(word, "tgm");
    const char *sub = strtok_r(NULL, " ", &save);
    assert_non_null(sub);
    bool input_p = false;
    while ((word = strtok_r(NULL, " ", &save)) != NULL) {
        cs_push(&a, strcmp(word, "os.img") ? word : img);
        input_p |= !strcmp(word, "p");
    }
    struct cs_outcome o = cs_run_tgm_argv(sub, a.v);
    if (o.status != 0)
        fail_msg("%s: '%s' exits %d: %s", doc, line, o.status, o.err);
    const char *want = NULL;
    if (!strcmp(sub, "check"))
        want = ": equivalent";
    else if (input_p)
        want = "os: process 4 killed: privileged instruction trap at P=5 after 90 cycles\n";
    else if (!strcmp(sub, "run"))
        want = "os: all processes done: 3 exited, 1 killed\n";
    if (want && !strstr(o.out, want))
        fail_msg("%s: '%s' does not say '%s':\n%s", doc, line, want, o.out);
    cs_outcome_free(&o);
}

/* docs/os.md, Running it: the block of commands (an image made first,
 * then run bare, in 1024 words, with the rogue's input, under the control
 * program, and checked alone and four levels deep); docs/recursion.md:
 * its four "$ tgm" lines, the monitor's "nest 3 examples/os/os.s, stack,
 * stack step" among them. */
static void docs__the_command_lines_shown_without_output_run(void **state)
{
    (void)state;
    char *doc = cs_slurp("docs/os.md", NULL);
    const char *at = strstr(doc, "## Running it\n\n```\n");
    assert_non_null(at);
    at = strchr(at + strlen("## Running it\n\n"), '\n') + 1;
    unsigned n = 0;
    while (strncmp(at, "```", 3)) {
        const char *nl = strchr(at, '\n');
        assert_non_null(nl);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(nl - at), at);
        run_documented("docs/os.md", line);
        n++;
        at = nl + 1;
    }
    assert_int_equal(n, 7);
    free(doc);

    doc = cs_slurp("docs/recursion.md", NULL);
    n = 0;
    for (const char *l = strstr(doc, "\n    $ tgm "); l; l = strstr(l + 1, "\n    $ tgm ")) {
        const char *nl = strchr(l + 1, '\n');
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(nl - (l + 7)), l + 7);
        n++;
        if (!strncmp(line, "tgm monitor ", 12)) {
            assert_non_null(strstr(line, "then: nest 3 examples/os/os.s, stack, stack step"));
            cs_mon_prints("nest 3 examples/os/os.s; stack; stack step",
                          "level 1  CP at 0x00500, guest of 65536 words at 0x00780\n");
            continue;
        }
        run_documented("docs/recursion.md", line);
    }
    assert_int_equal(n, 4);
    free(doc);
}

/* docs/theorems.md, --json: the class arrays and the counts of `tried`
 * were named but not spelled out.  They are the text table's: HALT's row
 * "priv ctl-s ... 2058 1915 1915/0 3495/0 0" is {"states": 2058,
 * "priv_pairs": 1915, "ctl_s": 1915, "ctl_u": 0, "loc_s": 3495, "loc_u": 0,
 * "mode": 0}, and NOP's "innocuous" an empty array. */
static void theorems__json_classes_and_counts_are_the_tables(void **state)
{
    (void)state;
    struct cs_outcome o = cs_run_tgm("analyze", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *halt = strstr(o.out, "{\"name\":\"HALT\"");
    assert_non_null(halt);
    assert_non_null(strstr(halt, "\"declared\":[\"priv\",\"ctl-s\"],\"derived\":[\"priv\","
                                 "\"ctl-s\"],\"match\":true,\"tried\":{\"states\":2058,"
                                 "\"priv_pairs\":1915,\"ctl_s\":1915,\"ctl_u\":0,\"loc_s\":3495,"
                                 "\"loc_u\":0,\"mode\":0}"));
    const char *nop = strstr(o.out, "{\"name\":\"NOP\"");
    assert_non_null(nop);
    assert_true(nop < halt);
    assert_non_null(strstr(nop, "\"declared\":[],\"derived\":[],\"match\":true"));
    assert_true(strstr(nop, "\"declared\":[],\"derived\":[]") < halt);
    cs_outcome_free(&o);
    char *doc = cs_slurp("docs/theorems.md", NULL);
    assert_non_null(strstr(doc, "`tried` is an object of numbers, the table's\ncounts: "
                                "`states`, `priv_pairs`"));
    assert_non_null(strstr(doc, "HALT   priv ctl-s             priv ctl-s             yes    "
                                " 2058   1915        1915/0        3495/0      0"));
    free(doc);
}

/* ---- docs/vmm.md: the ends of time slices ------------------------------ */

static int switch_last = -1;
static unsigned switches, sched_events;

static void count_switches(void *ctx, const struct vmm_event *e)
{
    (void)ctx;
    if (switch_last >= 0 && e->vm != switch_last)
        switches++;
    switch_last = e->vm;
    if (e->disp == DISP_SCHEDULER)
        sched_events++;
}

/* A control program of CFG with two VMs of 64 words that never execute a
 * guest instruction directly: a user HALT at 10 (it traps, reflected) and
 * a handler at 20 whose LPSW back to it is interpreted. */
static struct vmm *two_trapping_vms(const struct vmm_config *cfg)
{
    struct vmm *v = tv_cp(cfg);
    for (int k = 0; k < 2; k++) {
        struct machine *view = tv_cp_vm(v, 64, NULL);
        ts_poke(view, 1, ts_psw(true, false, 0, 20, 0, 64));
        ts_poke(view, 10, I(HALT, 0, 0, 0));
        ts_poke(view, 20, I(LPSW, 30, 0, 0));
        ts_poke(view, 30, ts_psw(false, false, 0, 10, 0, 64));
        machine_set_psw(view, ts_psw(false, false, 0, 10, 0, 64));
    }
    return v;
}

/* docs/vmm.md, the dispatcher: "A time slice that ends while the CP
 * handles another trap switches VMs with no scheduler event of its own."
 * Two VMs that never execute a guest instruction directly (user code whose
 * every instruction traps, a handler whose every instruction is
 * interpreted) spend all their time in the CP, so every slice ends there:
 * the processor changes hands, and no entry is a scheduler's. */
static void vmm__a_slice_ending_in_the_cp_switches_with_no_event(void **state)
{
    (void)state;
    struct vmm_config cfg = {.q = 4096, .slice = 100};
    struct vmm *v = two_trapping_vms(&cfg);
    switch_last = -1;
    switches = sched_events = 0;
    vmm_set_event_hook(v, count_switches, NULL);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, 20000, &ex), VMMSTOP_BUDGET);
    assert_true(switches >= 50);
    assert_int_equal(sched_events, 0);
    for (int id = 0; id < 2; id++) {
        struct vm_info in;
        assert_int_equal(vmm_vm_info(v, id, &in), 0);
        assert_int_equal(in.stats.direct, 0);
        assert_int_equal(in.stats.traps[TRAP_TIMER][DISP_SCHEDULER], 0);
        assert_true(in.stats.traps[TRAP_PRIV][DISP_REFLECTED] > 1000);
    }
    vmm_destroy(v);
}

static struct vmm_event last_of[2];
static unsigned ends_sched, ends_trap, ends_other;

static void note_turn_ends(void *ctx, const struct vmm_event *e)
{
    (void)ctx;
    if (switch_last >= 0 && e->vm != switch_last) {
        const struct vmm_event *l = &last_of[switch_last];
        if (l->cause == TRAP_TIMER && l->disp == DISP_SCHEDULER && l->p == 10)
            ends_sched++;
        else if (l->cause == TRAP_PRIV && ((l->disp == DISP_REFLECTED && l->p == 10) ||
                                            (l->disp == DISP_INTERPRETED && l->p == 20)))
            ends_trap++;
        else
            ends_other++;
    }
    switch_last = e->vm;
    last_of[e->vm] = *e;
}

/* docs/vmm.md, the hybrid monitor: when a slice "runs out during
 * interpretation, even at the instruction that returns to user mode, the
 * CP reports a scheduler event ... so every end of a slice is an event: a
 * scheduler event, or, for a slice that ends while the CP handles a trap,
 * that trap's own".  Two VMs alternate a reflected trap (user HALT, 4
 * cycles) and an interpreted LPSW back to it (3 cycles): their slices end
 * in both, and each turn's last event is a scheduler event at the LPSW's
 * target or the reflected trap; without hybrid mode D interprets the LPSW,
 * a trap of its own, and only the two traps' events end turns. */
static void vmm__every_end_of_a_hybrid_slice_is_an_event(void **state)
{
    (void)state;
    for (int hybrid = 0; hybrid <= 1; hybrid++) {
        struct vmm_config cfg = {.q = 4096, .slice = 100, .hybrid = hybrid};
        struct vmm *v = two_trapping_vms(&cfg);
        switch_last = -1;
        ends_sched = ends_trap = ends_other = 0;
        vmm_set_event_hook(v, note_turn_ends, NULL);
        struct vmm_exit ex;
        assert_int_equal(vmm_run(v, 20000, &ex), VMMSTOP_BUDGET);
        assert_int_equal(ends_other, 0);
        assert_true(ends_trap >= 20);
        if (hybrid)
            assert_true(ends_sched >= 20);
        else
            assert_int_equal(ends_sched, 0);
        vmm_destroy(v);
    }
    char *doc = cs_slurp("docs/vmm.md", NULL);
    assert_non_null(strstr(doc, "so every end of a slice is an event: a\nscheduler event, or, "
                                "for a slice that ends while the CP handles a trap,\nthat "
                                "trap's own"));
    free(doc);
}

/* docs/vmm.md: the trap-loop note names the trap the loop takes, not only
 * a memory trap (E[1] = 0): E[1] a user PSW at a privileged instruction,
 * an SVC, an illegal word. */
static void vmm__the_trap_loop_note_names_its_trap(void **state)
{
    (void)state;
    static const struct {
        const char *name, *src, *trap;
    } loops[] = {
        {"memloop.s", "\tHALT\n\t.entrypsw psw(1, 2, 0, 0x80000)\n", "a memory"},
        {"privloop.s", "\t.entrypsw psw(0, 2, 0, 0x80000)\n\t.org 1\n"
                       "\t.word psw(0, 2, 0, 0x80000)\n\tLPSW 1\n", "a privileged"},
        {"svcloop.s", "\t.entrypsw psw(1, 2, 0, 0x80000)\n\t.org 1\n"
                      "\t.word psw(1, 2, 0, 0x80000)\n\tSVC 0\n", "a svc"},
        {"illloop.s", "\t.entrypsw psw(1, 2, 0, 0x80000)\n\t.org 1\n"
                      "\t.word psw(1, 2, 0, 0x80000)\n\t.word 0\n", "an illegal"},
    };
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        char src[CS_PATH], want[256];
        cs_write_text(src, sizeof src, loops[i].name, loops[i].src);
        struct cs_outcome o = cs_run_tgm("check", "--max-steps", "100", src, NULL);
        snprintf(want, sizeof want,
                 "alone: the bare machine did not halt within 100 steps: it is in a trap loop "
                 "(each step takes %s trap and E[1] loads the same PSW: a disabled wait)\n",
                 loops[i].trap);
        assert_int_equal(o.status, 1);
        if (!strstr(o.out, want))
            fail_msg("%s: output %s lacks %s", loops[i].name, o.out, want);
        cs_outcome_free(&o);
    }
}

/* docs/run.md: check --json's "instructions" is the bare run's count, and
 * "direct" + "interpreted" the VM's, equal to it for an equivalent image;
 * an x86 guest that is not equivalent shows they need not add up. */
static void check__json_instructions_is_the_bare_runs(void **state)
{
    (void)state;
    struct cs_outcome b = cs_run_tgm("run", "--json", "examples/supervisor.s", NULL);
    struct cs_outcome c = cs_run_tgm("check", "--json", "examples/supervisor.s", NULL);
    assert_int_equal(b.status, 0);
    assert_int_equal(c.status, 0);
    uint64_t bare = cs_json_u64(b.out, NULL, "instructions");
    assert_int_equal(cs_json_u64(c.out, "images", "instructions"), bare);
    assert_int_equal(cs_json_u64(c.out, "images", "direct") +
                         cs_json_u64(c.out, "images", "interpreted"), bare);
    cs_outcome_free(&b);
    cs_outcome_free(&c);
    /* x86: the VM's LPSW runs in user mode, where it loads only P: I stays
     * 0, so the timer the bare run takes is not, and the VM runs on (4
     * instructions to the bare run's 3) */
    char src[CS_PATH];
    cs_write_text(src, sizeof src, "x86.s",
                  "\t.word 0\n\t.word psw(SUP, h, 0, 0x80000)\n\t.entry start\n"
                  "start: TSET one\n\tLPSW ion\nion: .word pswi(SUP, fin, 0, 0x80000)\n"
                  "fin: NOP\n\tHALT\nh: HALT\none: .word 1\n");
    b = cs_run_tgm("run", "--json", "--profile", "x86", src, NULL);
    c = cs_run_tgm("check", "--json", "--profile", "x86", src, NULL);
    assert_int_equal(c.status, 1);
    bare = cs_json_u64(b.out, NULL, "instructions");
    assert_int_equal(cs_json_u64(c.out, "images", "instructions"), bare);
    assert_int_not_equal(cs_json_u64(c.out, "images", "direct") +
                             cs_json_u64(c.out, "images", "interpreted"), bare);
    cs_outcome_free(&b);
    cs_outcome_free(&c);
    /* docs/run.md: under --vmm one VM has at most 2^19 less the CP's 8 */
    cs_tgm_prints("-- vm0: halted\n", "run", CS_ARGV("--vmm", "--mem", "524280", src));
    cs_tgm_fails(2, "tgm: run: 1 VM of 524288 words needs 524296 words of real memory, "
                    "more than 524288 (use a smaller --mem)",
                 "run", CS_ARGV("--vmm", "--mem", "524288", src));
}

/* docs/os.md: the rogue reads one byte: 'p' a privileged instruction, 'i'
 * an illegal word, anything else or none a store outside its region; the
 * bytes after it are left unread.  --vmm's console after its header. */
static void os__the_rogue_reads_one_byte(void **state)
{
    (void)state;
    static const struct {
        const char *input, *cause;
    } runs[] = {{"x", "memory"}, {"pi", "privileged"}, {"ip", "illegal"}, {"", "memory"}};
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        char want[96];
        snprintf(want, sizeof want, "os: process 4 killed: %s", runs[i].cause);
        cs_tgm_prints(want, "run", CS_ARGV("--quiet", "--mem", "1024", "--input", runs[i].input,
                                           "examples/os/os.s"));
    }
    struct cs_outcome b = cs_run_tgm("run", "--quiet", "--mem", "1024", "examples/os/os.s", NULL);
    struct cs_outcome v =
        cs_run_tgm("run", "--vmm", "--quiet", "--mem", "1024", "examples/os/os.s", NULL);
    assert_int_equal(b.status, 0);
    assert_int_equal(v.status, 0);
    const char *first = strchr(v.out, '\n');
    assert_non_null(first);
    assert_memory_equal(v.out, "== vm0: ", 8);
    assert_string_equal(first + 1, b.out);
    cs_outcome_free(&b);
    cs_outcome_free(&v);
}

/* The suites' teardown removed the files in a suite's temporary directory
 * but not its subdirectories, so a suite that made one (test_polish_b's
 * readme, test_doc_contract_c's dir.d) left its directory in /tmp at every
 * run.  It removes the whole tree now, and a link in it is not followed.
 * (Last in this suite: it ends the directory and makes a new one.) */
static void support__teardown_leaves_no_directory_behind(void **state)
{
    (void)state;
    char dir[CS_PATH], path[CS_PATH], outside[CS_PATH];
    snprintf(dir, sizeof dir, "%s", cs_tmpdir());
    cs_tmp_path(path, sizeof path, "a");
    assert_int_equal(mkdir(path, 0700), 0);
    cs_tmp_path(path, sizeof path, "a/b");
    assert_int_equal(mkdir(path, 0700), 0);
    char file[CS_PATH];
    cs_write_text(file, sizeof file, "a/b/c.s", "HALT\n");
    cs_tmp_name(outside, sizeof outside, "tgm-k-outside.XXXXXX");
    int fd = mkstemp(outside);
    assert_true(fd >= 0);
    close(fd);
    cs_tmp_path(path, sizeof path, "a/link");
    assert_int_equal(symlink(outside, path), 0);
    cs_tmp_path(path, sizeof path, "a/b/up");
    assert_int_equal(symlink(dir, path), 0);
    assert_int_equal(cs_teardown(), 0);
    bool left = access(dir, F_OK) == 0;
    assert_int_equal(unlink(outside), 0); /* it is there: the link was not followed */
    assert_int_equal(cs_setup("test_doc_contract_k"), 0);
    if (left)
        fail_msg("the teardown left %s behind", dir);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_doc_contract_k");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recursion__the_cps_timer_modes_are_the_tables),
        cmocka_unit_test(docs__the_command_lines_shown_without_output_run),
        cmocka_unit_test(theorems__json_classes_and_counts_are_the_tables),
        cmocka_unit_test(vmm__a_slice_ending_in_the_cp_switches_with_no_event),
        cmocka_unit_test(vmm__every_end_of_a_hybrid_slice_is_an_event),
        cmocka_unit_test(vmm__the_trap_loop_note_names_its_trap),
        cmocka_unit_test(check__json_instructions_is_the_bare_runs),
        cmocka_unit_test(os__the_rogue_reads_one_byte),
        cmocka_unit_test(support__teardown_leaves_no_directory_behind),
    };
    return cmocka_run_group_tests_name("doc_contract_k", tests, group_setup, group_teardown);
}
