/* test_audit_dbg58.c: claims of docs/monitor.md on reverse execution, the
 * history ring, the timeline, logs and snapshots that a read of the
 * document found no other suite asserting in these words.
 *
 * A breakpoint met where a run's chunk begins (step 1,000,000), bare and
 * in a VM, and found there by rcontinue; refused commands (nest under
 * another profile, restore of a cut header, restore of an image with a VM
 * selected, set checkpoint 0) leaving the machine, the ring and the
 * reverse history as they were, where an accepted 'set checkpoint' starts
 * a new history; the ring after rstep, reset and load; display after
 * rstep and rcontinue; a timeline gone back before 'timeline on'; a log
 * closed by another.
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
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"

#define SUM "load examples/sum.s; "
#define SUM_LOADED "bare: loaded examples/sum.s: 35 words at 0, 10 symbols; entry P=0x2 M=s\n"

/* The first three steps of examples/sum.s as 'history' shows them. */
#define SUM_RING3                                                     \
    "         1 s I=0 P=0x00002 l=0x00000 b=0x80000  LI     i, 0\n"     \
    "         2 s I=0 P=0x00003 l=0x00000 b=0x80000  LI     total, 0\n" \
    "         5 s I=0 P=0x00004 l=0x00000 b=0x80000  LDX    x, table, i\n"

/* 'regs' after those three steps. */
#define SUM_REGS3                                                                           \
    "bare machine (q=65536, profile virtualizable)\n"                                       \
    "  PSW   8000028000080000  s I=0 P=0x00005 l=0x00000 b=0x80000  last trap: none\n"     \
    "  E[0]  0000000000000000  u I=0 P=0x00000 l=0x00000 b=0x00000  cause=none  (old PSW)\n" \
    "  E[1]  8000050000080000  s I=0 P=0x0000a l=0x00000 b=0x80000  (new PSW)\n"            \
    "  timer disarmed, 0 cycles left;  cycles 5  insns 3  steps 3\n"

/* What 'rstep 3' says after those three steps. */
#define SUM_BACK3                                                   \
    "back 3 steps, at step 0: s I=0 P=0x00002 l=0x00000 b=0x80000\n" \
    "  0x00002 start        LI     i, 0\n"

/* OUT ends with TAIL, showing both if not. */
static void ends(const struct cs_outcome *o, const char *tail)
{
    cs_assert_ends_with(o->out, tail);
}

/* A guest whose 'after' is about to run at step 1,000,000 exactly: two LIs,
 * then 499,999 passes of a two-step loop. */
static void write_chunk(char *path, size_t len)
{
    cs_write_text(path, len, "chunk.s",
                  ".org 0\n .word 0\n .word psw(SUP, h, 0, 0x80000)\n.entry s\n"
                  "s: LI c, 0\n LI d, 0\nL: ADDI c, c, 1\n BNE c, n, L\n"
                  "after: ADDI d, d, 1\nh: HALT\nc: .word 0\nd: .word 0\n"
                  "n: .word 499999\n");
}

/* ---- runs in chunks ---------------------------------------------------- */

/* "It runs in chunks (a million steps, fewer between reverse-execution
 * checkpoints) ...; a breakpoint reached exactly where a chunk begins
 * stops it as anywhere else, on the bare machine and in a VM, and
 * `rcontinue` finds it there." */
static void chunk__a_breakpoint_at_step_1000000_stops_go_and_rcontinue(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    write_chunk(src, sizeof src);
    snprintf(cmds, sizeof cmds,
             "load %s; break after; go; delete all; go; break after; rcontinue; print E[c]",
             src);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "breakpoint 1 at 0x6 after, hit 1 time\n"
                         "stopped at 0x6 after after 1000000 steps, 1999998 cycles: "
                         "s I=0 P=0x00006 l=0x00000 b=0x80000\n");
    ends(&o, "breakpoint 2 at 0x6 after\n"
             "back to the previous breakpoint, at step 1000000: "
             "s I=0 P=0x00006 l=0x00000 b=0x80000\n"
             "  0x00006 after        ADDI   d, d, 1\n"
             "0x7a11f (499999)\n");
    cs_outcome_free(&o);
}

/* The same in a VM: its 'go' stops there, and 'rstep' from the halt lands
 * on that step ("rstep N counts that VM's own steps"). */
static void chunk__a_breakpoint_at_step_1000000_stops_a_vm(void **state)
{
    (void)state;
    char src[CS_PATH], cmds[2 * CS_PATH];
    write_chunk(src, sizeof src);
    snprintf(cmds, sizeof cmds,
             "vm create a 4096 %s; vm select a; break after; go; delete all; go; rstep 2; "
             "print steps",
             src);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "breakpoint 1 at 0x6 after, hit 1 time\n"
                         "a: stopped at 0x6 after after 1000000 steps, 1999998 cycles: "
                         "s I=0 P=0x00006 l=0x00000 b=0x80000\n");
    ends(&o, "a: back 2 steps, at step 1000000: s I=0 P=0x00006 l=0x00000 b=0x80000\n"
             "  0x00006 after        ADDI   d, d, 1\n"
             "0xf4240 (1000000)\n");
    cs_outcome_free(&o);
}

/* ---- refusals leave the session as it was ------------------------------ */

/* "after `set profile pdp10` (say) `nest` is refused, the machine left as
 * it was": its registers, its ring and its reverse history too. */
static void nest__refused_under_pdp10_keeps_machine_ring_and_history(void **state)
{
    (void)state;
    struct cs_outcome o =
        cs_mon("set profile pdp10; " SUM "step 3; set on-error continue; "
               "nest 1 examples/sum.s; history 3; regs; rstep 3");
    assert_int_equal(o.status, 0);
    cs_assert_one_line(&o, "-c:1: nest: the machine-code control program virtualizes the "
                           "'virtualizable' profile only, and the bare machine's is 'pdp10' "
                           "('set profile virtualizable' first)\n");
    ends(&o, SUM_RING3
             "bare machine (q=65536, profile pdp10)\n"
             "  PSW   8000028000080000  s I=0 P=0x00005 l=0x00000 b=0x80000  last trap: none\n"
             "  E[0]  0000000000000000  u I=0 P=0x00000 l=0x00000 b=0x00000  cause=none  "
             "(old PSW)\n"
             "  E[1]  8000050000080000  s I=0 P=0x0000a l=0x00000 b=0x80000  (new PSW)\n"
             "  timer disarmed, 0 cycles left;  cycles 5  insns 3  steps 3\n" SUM_BACK3);
    cs_outcome_free(&o);
}

/* "`restore FILE` reads and checks all of it before it changes anything:
 * a damaged, truncated, foreign or newer file is refused with one line and
 * the session is left as it was"; a header cut after its version and
 * section count names the file and the offset (docs/robustness.md:
 * `offset 12: truncated header (12 bytes, need 16)`).  'restore' empties
 * the ring; a refused one does not. */
static void restore__a_cut_header_is_one_line_and_changes_nothing(void **state)
{
    (void)state;
    char cut[CS_PATH], cmds[2 * CS_PATH], want[3 * CS_PATH];
    cs_tmp_path(cut, sizeof cut, "cut.snap");
    cs_write_bytes(cut, "TGMSNAP\0\5\0\0\0", 12);
    snprintf(cmds, sizeof cmds, SUM "step 3; set on-error continue; restore %s; history 3; "
                                    "regs; rstep 3",
             cut);
    snprintf(want, sizeof want,
             "-c:1: restore: %s: offset 12: truncated header (12 bytes, need 16)\n", cut);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, want);
    ends(&o, SUM_RING3 SUM_REGS3 SUM_BACK3);
    cs_outcome_free(&o);
}

/* The same with a VM selected: "A snapshot and an image are told apart":
 * `restore prog.img` says `not a tgm snapshot but a guest image ('load'
 * reads it)`, and the VM's history ("the session's") is still there. */
static void restore__an_image_refused_in_a_vm_keeps_its_history(void **state)
{
    (void)state;
    char img[CS_PATH], cmds[2 * CS_PATH], want[3 * CS_PATH];
    cs_make_image(img, sizeof img, "prog.img", 2, CS_WORDS(0), 0x8000000000080002ull);
    snprintf(cmds, sizeof cmds,
             "vm create a 4096 examples/sum.s; vm select a; step 3; set on-error continue; "
             "restore %s; info vms; rstep 3",
             img);
    snprintf(want, sizeof want,
             "-c:1: restore: %s: not a tgm snapshot but a guest image ('load' reads it)\n",
             img);
    struct cs_outcome o = cs_mon(cmds);
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err, want);
    ends(&o, "a: back 3 steps, at step 0: s I=0 P=0x00002 l=0x00000 b=0x80000\n"
             "  0x00002 start        LI     i, 0\n");
    cs_outcome_free(&o);
}

/* "so do `restore` (unless it brings back the very state) and `set
 * checkpoint`, whose interval the new history uses": an accepted 'set
 * checkpoint' starts a new history there; a refused one is no change. */
static void checkpoint__a_set_interval_starts_a_history_a_refused_one_not(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon(SUM "step 3; set on-error continue; set checkpoint 0; "
                                     "rstep 3; step 3; set checkpoint 2; rstep 1");
    assert_int_equal(o.status, 0);
    assert_string_equal(o.err,
                        "-c:1: set: checkpoints must be at least one step apart\n"
                        "-c:1: rstep: nothing to go back to: the machine was changed since it "
                        "last ran, so its history starts here, at step 3 (run it, and this "
                        "command can come back as far as here)\n");
    cs_assert_has(o.out, SUM_BACK3);
    cs_outcome_free(&o);
}

/* ---- the ring ---------------------------------------------------------- */

/* "On the bare machine, `rstep` and `rcontinue` leave in the ring the steps
 * that led to the point they go back to ...; with a VM selected they empty
 * it.  `reset` empties the ring ...; `load` keeps it." */
static void ring__after_rstep_reset_and_load(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok(SUM "go; rstep 50; history; reset; history; " SUM
                                        "step 3; " SUM "history");
    cs_assert_has(o.out, "  0x00005              ADD    total, total, x\n" SUM_RING3
                         "bare machine reset: q=65536, profile virtualizable\n"
                         "no instructions executed yet\n");
    ends(&o, SUM_LOADED SUM_RING3);
    cs_outcome_free(&o);

    o = cs_mon_ok("vm create a 4096 examples/sum.s; vm select a; go; rstep 50; history");
    ends(&o, "a: back 50 steps, at step 3: s I=0 P=0x00005 l=0x00000 b=0x80000\n"
             "  0x00005              ADD    total, total, x\n"
             "no instructions executed yet\n");
    cs_outcome_free(&o);
}

/* "A breakpoint's `do` list of only commands that look (... `console`
 * without `input` or `clear` ...) and `continue` changes nothing and keeps
 * the history ...  Any other command there ... starts a new history at
 * the hit": examples/hello.s meets 'loop' for the 14th time at step 66. */
static void history__a_list_that_looks_keeps_it_console_clear_starts_one(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("set console off; load examples/hello.s; "
                                    "break loop do \"console; continue\"; go; rstep 60; console");
    ends(&o, "back 60 steps, at step 9: s I=0 P=0x00006 l=0x00000 b=0x80000\n"
             "  0x00006              ADDI   i, i, 1\n"
             "he\n");
    cs_outcome_free(&o);

    o = cs_mon("set console off; load examples/hello.s; "
               "break loop do \"console clear; continue\"; go; rstep 4");
    assert_int_equal(o.status, 1);
    cs_assert_one_line(&o, "-c:1: rstep: can go back at most 3 steps (the history starts at "
                           "step 66)\n");
    ends(&o, "breakpoint 1 at 0x3 loop, hit 14 times\n"
             "halted after 69 steps: s I=0 P=0x00009 l=0x00000 b=0x80000\n"
             "  0x00008 stop         HALT\n");
    cs_outcome_free(&o);
}

/* ---- display ----------------------------------------------------------- */

/* help display: "Show EXPR now and after every stop of go, step, next and
 * finish (and of continue, until, rstep, rcontinue and stack step)", with
 * /F as for print (d: signed decimal alone). */
static void display__after_rstep_and_rcontinue(void **state)
{
    (void)state;
    cs_mon_prints_exactly(SUM "display/d E[i]; go for 10; rstep 3; break loop; rcontinue",
                          SUM_LOADED
                          "1: E[i] = 0\n"
                          "stopped after 10 steps, 22 cycles: s I=0 P=0x00007 l=0x00000 "
                          "b=0x80000\n"
                          "  0x00007              ADDI   i, i, 1\n"
                          "1: E[i] = 1\n"
                          "back 3 steps, at step 7: s I=0 P=0x00004 l=0x00000 b=0x80000\n"
                          "  0x00004 loop         LDX    x, table, i\n"
                          "1: E[i] = 1\n"
                          "breakpoint 1 at 0x4 loop\n"
                          "back to the previous breakpoint, at step 2: s I=0 P=0x00004 "
                          "l=0x00000 b=0x80000\n"
                          "  0x00004 loop         LDX    x, table, i\n"
                          "1: E[i] = 0\n");
}

/* ---- the timeline ------------------------------------------------------ */

/* "gone back to before `timeline on`, the recording starts again there"
 * (docs/run.md: "from the point gone back to"): no events, and the JSON's
 * span begins at the real cycle a 'timeline on' given at that point
 * reports. */
static void timeline__gone_back_before_on_starts_again_there(void **state)
{
    (void)state;
    char json[CS_PATH], cmds[3 * CS_PATH];
    cs_tmp_path(json, sizeof json, "back.json");
    struct cs_outcome o = cs_mon_ok("set console off; vm create a 4096 examples/supervisor.s; "
                                    "vm select a; step 30; timeline on");
    ends(&o, "timeline: recording from now (real cycle 70)\n");
    cs_outcome_free(&o);

    snprintf(cmds, sizeof cmds,
             "set console off; vm create a 4096 examples/supervisor.s; vm select a; step 50; "
             "timeline on; go for 300; timeline; rstep 320; timeline; timeline %s",
             json);
    o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "timeline: recording from now (real cycle 118)\n");
    cs_assert_has(o.out, "timeline: recording, 46 events\n"
                         "a: back 320 steps, at step 30: s I=0 P=0x00050 l=0x00000 b=0x80000\n");
    cs_assert_has(o.out, "timeline: recording, 0 events\ntimeline: 0 events written to ");
    cs_outcome_free(&o);
    char *text = cs_slurp(json, NULL);
    assert_int_equal(cs_json_u64(text, "otherData", "events"), 0);
    assert_int_equal(cs_json_u64(text, "otherData", "from"), 70);
    assert_int_equal(cs_json_u64(text, "otherData", "to"), 70);
    free(text);
}

/* ---- log --------------------------------------------------------------- */

/* help log: "Each command is written after its prompt, as on the screen;
 * FILE appears, complete, when 'log off' (or the end of the session)
 * closes it, in place of any file of that name (a log is never added
 * to).  'log FILE' for another file closes the log first". */
static void log__another_file_closes_the_first_which_replaces_its_file(void **state)
{
    (void)state;
    char one[CS_PATH], two[CS_PATH], script[CS_PATH], text[4 * CS_PATH], want[4 * CS_PATH];
    cs_write_text(one, sizeof one, "one.log", "old contents\n");
    cs_tmp_path(two, sizeof two, "two.log");
    snprintf(text, sizeof text, "log %s\necho one\nlog %s\necho two\nlog off\n", one, two);
    cs_write_text(script, sizeof script, "logs.mon", text);

    struct cs_args a = {0};
    cs_push_all(&a, "-f", script, NULL);
    struct cs_outcome o = cs_run_tgm_argv("monitor", a.v);
    assert_int_equal(o.status, 0);
    snprintf(want, sizeof want,
             "logging the session to %s ('log off' stops)\none\n"
             "logging the session to %s ('log off' stops)\ntwo\nlog %s closed\n",
             one, two, two);
    assert_string_equal(o.out, want);
    cs_outcome_free(&o);

    char *got = cs_slurp(one, NULL);
    snprintf(want, sizeof want,
             "logging the session to %s ('log off' stops)\ntgm> echo one\none\ntgm> log %s\n",
             one, two);
    assert_string_equal(got, want);
    free(got);
    got = cs_slurp(two, NULL);
    snprintf(want, sizeof want,
             "logging the session to %s ('log off' stops)\ntgm> echo two\ntwo\ntgm> log off\n",
             two);
    assert_string_equal(got, want);
    free(got);
}

/* monitor.md, reverse execution: "class stops (`break class`) are not used
 * (an instruction of the class is no stop going back)": every COUT of
 * hello.s is passed, back to the start of the history. */
static void rcontinue__class_stops_are_not_used_going_back(void **state)
{
    (void)state;
    struct cs_outcome o = cs_mon_ok("set console off; load examples/hello.s; go; "
                                    "break class privileged; rcontinue");
    cs_assert_has(o.out, "breakpoint 1: class stop (privileged)\n"
                         "no breakpoint, watchpoint or trap before this point: at the start "
                         "of the history: s I=0 P=0x00002 l=0x00000 b=0x80000\n");
    cs_outcome_free(&o);
}

/* monitor.md: "`trace ... to` (a word after `to` other than `screen` in
 * full is a file: `trace insns to scr` writes the file `scr`)". */
static void trace__a_word_after_to_is_a_file_but_screen(void **state)
{
    (void)state;
    char scr[CS_PATH];
    cs_tmp_path(scr, sizeof scr, "scr");
    unlink(scr);
    char sum[4096], tgm[4096]; /* run in the temporary directory */
    assert_non_null(realpath("examples/sum.s", sum));
    assert_non_null(realpath(cs_tgm(), tgm));
    char cmds[4096 + 64];
    snprintf(cmds, sizeof cmds, "load %s; trace insns to scr; step 2; trace off", sum);
    const char *const argv[] = {tgm, "monitor", "-c", cmds, NULL};
    struct cs_outcome o = cs_run_argv_in(argv, cs_tmpdir(), NULL, 30);
    assert_int_equal(o.status, 0);
    cs_assert_has(o.out, "trace: insns on, traps off, cp off; to scr (0 of at most 16777216 "
                         "bytes)\n");
    cs_assert_has(o.out, "trace: 2 records written to scr\n");
    cs_outcome_free(&o);
    char *t = cs_slurp(scr, NULL);
    cs_assert_has(t, "         2 s I=0 P=0x00003 l=0x00000 b=0x80000  LI     total, 0\n");
    free(t);
    assert_int_equal(unlink(scr), 0);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_dbg58");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rcontinue__class_stops_are_not_used_going_back),
        cmocka_unit_test(trace__a_word_after_to_is_a_file_but_screen),
        cmocka_unit_test(chunk__a_breakpoint_at_step_1000000_stops_go_and_rcontinue),
        cmocka_unit_test(chunk__a_breakpoint_at_step_1000000_stops_a_vm),
        cmocka_unit_test(nest__refused_under_pdp10_keeps_machine_ring_and_history),
        cmocka_unit_test(restore__a_cut_header_is_one_line_and_changes_nothing),
        cmocka_unit_test(restore__an_image_refused_in_a_vm_keeps_its_history),
        cmocka_unit_test(checkpoint__a_set_interval_starts_a_history_a_refused_one_not),
        cmocka_unit_test(ring__after_rstep_reset_and_load),
        cmocka_unit_test(history__a_list_that_looks_keeps_it_console_clear_starts_one),
        cmocka_unit_test(display__after_rstep_and_rcontinue),
        cmocka_unit_test(timeline__gone_back_before_on_starts_again_there),
        cmocka_unit_test(log__another_file_closes_the_first_which_replaces_its_file),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
