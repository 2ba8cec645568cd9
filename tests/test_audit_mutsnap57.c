/* test_audit_mutsnap57.c: cases that a mutation audit of the monitor's
 * snapshots ('save', 'restore') and labels found no other suite
 * asserting (every mutant of the labels was caught elsewhere).
 *
 * Each states a documented rule (docs/monitor.md, "Snapshots", and the
 * commands it names) at the edge a mutant moved: a save from a
 * breakpoint's list while 'go until' runs, a machine of 2 words, a stack
 * of 16 levels and one gone after 'reset', the slice set with no control
 * program and the longest one, SESS's hybrid flag, versions 1 to 4 read
 * as written (symbol kinds, conditions), and refusals: CPTR in a version
 * 4 file, a tag twice, a breakpoint record no session made, a session
 * configuration 'set' would refuse, bytes before the checksum, a missing
 * SESS, BARE or VSYM, a long SESS, a focus on no VM, a VM's labels twice.
 *
 * Runs the real binary (cli_support) from the top of the source tree; a
 * damaged snapshot is one 'save' wrote with bytes changed and, where the
 * point is a field and not the checksum, its checksum made right again.
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

/* ---- snapshots taken apart and put together ------------------------- */

/* 'tgm monitor -c CMDS', CMDS holding one %s for the snapshot NAME in the
 * temporary directory, saves it: its bytes (LEN in *LEN) and its path. */
static uint8_t *saved(const char *cmds, const char *name, char *path, size_t *len)
{
    char line[1024];
    cs_tmp_path(path, CS_PATH, name);
    snprintf(line, sizeof line, cmds, path);
    cs_mon_prints(line, "saved");
    return (uint8_t *)cs_slurp(path, len);
}

/* BUF (LEN bytes) with its checksum made right, written as NAME. */
static void put_snap(const char *name, uint8_t *buf, size_t len, char *path)
{
    ms_put_le(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_tmp_path(path, CS_PATH, name);
    cs_write_bytes(path, buf, len);
}

/* ... and 'restore' refuses it in one line holding WHY. */
static void refused(const char *name, uint8_t *buf, size_t len, const char *why)
{
    char path[CS_PATH], cmds[CS_PATH + 32];
    put_snap(name, buf, len, path);
    snprintf(cmds, sizeof cmds, "restore %s", path);
    cs_mon_fails(cmds, why);
}

/* A copy of the snapshot BUF (LEN bytes) with section TAG's data replaced
 * by DATA (N bytes), or the section left out where DATA is NULL, the count
 * and lengths made right (the checksum is put_snap's); *OUT gets the new
 * length. */
static uint8_t *with_section(const uint8_t *buf, size_t len, const char *tag,
                             const void *data, size_t n, size_t *out)
{
    uint8_t *e = malloc(len + n + 16);
    assert_non_null(e);
    uint32_t count = (uint32_t)ms_get_le(buf + 12, 4), kept = 0;
    size_t at = 16, to = 16;
    memcpy(e, buf, 16);
    for (uint32_t i = 0; i < count; i++) {
        size_t sl = ms_get_le(buf + at + 8, 8);
        if (memcmp(buf + at, tag, 4) != 0) {
            memcpy(e + to, buf + at, 16 + sl);
            to += 16 + sl;
            kept++;
        } else if (data) {
            memcpy(e + to, buf + at, 8);
            ms_put_le(e + to + 8, n, 8);
            memcpy(e + to + 16, data, n);
            to += 16 + n;
            kept++;
        }
        at += 16 + sl;
    }
    assert_int_equal(at, len - 8);
    ms_put_le(e + 12, kept, 4);
    *out = to + 8;
    return e;
}

/* The data of section TAG of BUF, and its length in *N. */
static const uint8_t *section_of(const uint8_t *buf, size_t len, const char *tag, size_t *n)
{
    size_t at = ms_section_at(buf, len, tag);
    *n = ms_get_le(buf + at - 8, 8);
    return buf + at;
}

/* ---- what a snapshot holds --------------------------------------- */

/* docs/monitor.md, "Snapshots": 'save' writes "(unless nobreaks) the
 * breakpoints" and 'restore' reads "all of it"; 'until A' is "a one-shot
 * breakpoint", the run's, not one of them.  Saved from a breakpoint's
 * list while 'go until' runs, the file counted the one-shot among the
 * records it wrote (the mutant: every breakpoint counted), and 'restore'
 * refused the session's own snapshot. */
static void save__in_a_run_until_a_place_restores_its_breakpoints(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "until.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; break loop do \"save %s\"; go until stop",
             path);
    cs_mon_prints(cmds, "saved");
    size_t len, n;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    assert_int_equal(ms_get_le(section_of(buf, len, "BRKS", &n), 4), 1);
    free(buf);
    snprintf(cmds, sizeof cmds, "restore %s; break list", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_has(o.out, "  1  break  0x4 loop  hits 1  do \"save ");
    assert_null(strstr(o.out, "  2  "));
    cs_outcome_free(&o);
}

/* 'set memory' takes 2 words and more ('set memory 1' says "1 word is out
 * of range (2..524288)"), and a snapshot holds "memory sizes" (SESS,
 * docs/monitor.md): the smallest, 2, comes back (the mutant: the size
 * check moved from 'below 2' to 'at most 2', refusing it). */
static void restore__a_bare_machine_of_two_words_comes_back(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    size_t len;
    free(saved("set memory 2; save %s", "two.snap", path, &len));
    snprintf(cmds, sizeof cmds, "set memory 16; restore %s; show memory", path);
    cs_mon_prints(cmds, "memory     2\n");
}

/* docs/monitor.md: 'nest' takes "1..16" levels, and NEST holds a stack's
 * depth, "from which 'restore' rebuilds the layout 'stack' shows": the
 * deepest stack comes back (the mutant refused a depth of 16). */
static void restore__a_stack_of_16_levels_comes_back(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    size_t len;
    free(saved("nest 16 examples/hello.s; save %s", "nest16.snap", path, &len));
    snprintf(cmds, sizeof cmds, "restore %s; stack", path);
    cs_mon_prints(cmds, "running level 16's control program");
}

/* docs/monitor.md: after 'reset' "the stack is gone", and NEST is written
 * "only when the bare machine holds a stack built with 'nest'": a session
 * saved then restores with no stack (the mutant wrote NEST for the stack
 * gone, and 'restore' refused the session's own file). */
static void save__after_reset_a_stack_gone_is_not_saved(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    size_t len;
    free(saved("nest 1 examples/hello.s; reset; save %s", "gone.snap", path, &len));
    snprintf(cmds, sizeof cmds, "restore %s; stack", path);
    cs_mon_fails(cmds, "stack: no stack: build one with 'nest N FILE'");
}

/* docs/monitor.md: SESS holds the "slice", and 'set slice' with no
 * control program is the one a control program made later takes.
 * Restored in a new session with none, the slice saved was lost (the
 * mutant: the session's setting not taken from SESS without a CP). */
static void restore__the_slice_of_a_session_with_no_vms_comes_back(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 96];
    size_t len;
    free(saved("set slice 500; save %s", "slice.snap", path, &len));
    snprintf(cmds, sizeof cmds, "restore %s; show slice; vm create a 512 examples/sum.s; "
             "show slice", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_lines_in_order(o.out, (const char *const[]){"slice      500", "slice      500",
                                                          NULL}, "the slice restored");
    cs_outcome_free(&o);
}

/* SESS holds "hybrid" with the rest of the control program's
 * configuration: with a control program, its mode (the mutant wrote 0
 * for a hybrid one). */
static void save__the_session_section_holds_a_hybrid_control_programs_mode(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len, sl;
    uint8_t *buf = saved("set hybrid on; vm create a 512 examples/sum.s; save %s", "hyb.snap",
                         path, &len);
    const uint8_t *sess = section_of(buf, len, "SESS", &sl);
    assert_int_equal(ms_get_le(sess + sl - 4, 4), 1); /* SESS ends with it */
    free(buf);
}

/* Where the configuration of the control program to come begins in SESS
 * (its data at SESS in BUF): after the bare machine's size, profile,
 * focus and the flag saying whether there is one. */
static size_t cfg_at(const uint8_t *buf, size_t sess)
{
    return sess + 4 + 4 + ms_get_le(buf + sess + 4, 4) + 4 + 4;
}

/* docs/monitor.md: 'set slice' takes "1..9223372036854775807" cycles and
 * SESS holds the slice: the longest comes back (the mutant refused it). */
static void restore__the_longest_slice_comes_back(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    size_t len;
    free(saved("set slice 9223372036854775807; save %s", "maxslice.snap", path, &len));
    snprintf(cmds, sizeof cmds, "restore %s; show slice", path);
    cs_mon_prints(cmds, "slice      9223372036854775807\n");
}

/* ---- older versions ---------------------------------------------- */

/* The snapshot BUF (LEN bytes; no control program) as VERSION wrote it:
 * before 3 a symbol has no kind byte, before 2 a breakpoint no condition.
 * *OUT gets its length; the checksum is put_snap's. */
static uint8_t *as_version(const uint8_t *buf, size_t len, uint32_t version, size_t *out)
{
    uint8_t *e = malloc(len);
    assert_non_null(e);
    uint32_t count = (uint32_t)ms_get_le(buf + 12, 4);
    size_t at = 16, to = 16;
    memcpy(e, buf, 16);
    ms_put_le(e + 8, version, 4);
    for (uint32_t i = 0; i < count; i++) {
        size_t sl = ms_get_le(buf + at + 8, 8), from = to;
        const uint8_t *d = buf + at + 16;
        memcpy(e + to, buf + at, 16);
        to += 16;
        if (!memcmp(buf + at, "BSYM", 4) && version < 3) {
            size_t n = ms_get_le(d, 4), k = 4;
            memcpy(e + to, d, 4);
            to += 4;
            for (size_t j = 0; j < n; j++) { /* value, name: the kind left out */
                size_t one = 8 + 4 + ms_get_le(d + k + 8, 4);
                memcpy(e + to, d + k, one);
                to += one;
                k += one + 1;
            }
            assert_int_equal(k, sl);
        } else if (!memcmp(buf + at, "BRKS", 4) && version < 2) {
            size_t n = ms_get_le(d, 4), k = 4;
            memcpy(e + to, d, 4);
            to += 4;
            for (size_t j = 0; j < n; j++) { /* fields, commands: the condition left out */
                size_t one = 44 + 4 + ms_get_le(d + k + 44, 4);
                memcpy(e + to, d + k, one);
                to += one;
                k += one + 4 + ms_get_le(d + k + one, 4);
            }
            assert_int_equal(k, sl);
        } else {
            memcpy(e + to, d, sl);
            to += sl;
        }
        ms_put_le(e + from + 8, to - from - 16, 8);
        at += 16 + sl;
    }
    *out = to + 8;
    return e;
}

/* docs/monitor.md: "version (5; versions 1 to 4 are read too)": BSYM has
 * "since version 3, whether each is a label, a constant or a label inside
 * .phase", BRKS "since version 2, its if condition; a version 1 file's
 * breakpoints come back without conditions".  Each is read as its
 * version wrote it (the mutants: version 1 refused; a version 2 file's
 * conditions not read, its breakpoints refused). */
static void restore__versions_1_to_4_are_read_as_they_were_written(void **state)
{
    (void)state;
    char src[CS_PATH], path[CS_PATH], cmds[2 * CS_PATH + 64], name[32];
    cs_write_text(src, sizeof src, "v.s",
                  "N = 3\n        .org 2\nstart:  ADDI x, x, 1\n        HALT\n"
                  "x:      .word 0\n        .entry start\n");
    snprintf(cmds, sizeof cmds, "load %s; break start if x == 0; save %%s", src);
    size_t len, n;
    uint8_t *buf = saved(cmds, "v5.snap", path, &len);
    for (uint32_t v = 1; v <= 4; v++) {
        uint8_t *e = as_version(buf, len, v, &n);
        snprintf(name, sizeof name, "v%u.snap", v);
        put_snap(name, e, n, path);
        snprintf(cmds, sizeof cmds, "restore %s; symbols; break list", path);
        struct cs_outcome o = cs_mon_ok(cmds);
        cs_assert_has(o.out, v < 3 ? "  0x00003  N\n" : "  0x00003  N  (constant)\n");
        cs_assert_has(o.out, v < 2 ? "  1  break  0x2 start  hits 0\n"
                                   : "  1  break  0x2 start  hits 0  if x == 0\n");
        cs_outcome_free(&o);
        free(e);
    }
    free(buf);
}

/* docs/monitor.md: CPTR exists "since version 5", and "a version 5 file
 * with a control program but no CPTR (or an older one with it) is
 * refused": a version 4 file holding one is (the mutant took it). */
static void restore__a_run_state_section_in_a_version_4_file_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len;
    uint8_t *buf = saved("vm create a 512 examples/sum.s; save %s", "v4cptr.snap", path, &len);
    (void)ms_section_at(buf, len, "CPTR");
    ms_put_le(buf + 8, 4, 4);
    refused("v4cptr2.snap", buf, len,
            "v4cptr2.snap: control program sections missing or unexpected");
    free(buf);
}

/* ---- a damaged snapshot, refused ---------------------------------- */

/* docs/monitor.md: "a damaged, truncated, foreign or newer file is
 * refused with one line"; the format's sections are "tag (4 chars), 4
 * zero bytes, u64 length, data", one of each.  A second section of a tag
 * is named where it begins (the mutant took the later one's data). */
static void restore__a_tag_given_twice_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], want[96];
    size_t len;
    uint8_t *buf = saved("load examples/sum.s; save %s", "twice.snap", path, &len);
    size_t bsym = ms_section_at(buf, len, "BSYM") - 16;
    memcpy(buf + bsym, "SESS", 4);
    snprintf(want, sizeof want, "twice2.snap: offset %zu: bad section 2: its tag given twice",
             bsym);
    assert_int_equal(memcmp(buf + 16, "SESS", 4), 0);
    refused("twice2.snap", buf, len, want);
    free(buf);
}

/* A breakpoint record is one 'break' or 'watch' could have made: its
 * number 1 or more, its command list text with no NUL byte in it, and an
 * "if EXPR" only on 'break ADDR' and 'watch' (docs/monitor.md's usage
 * lines).  Each edited is refused (the mutants: number 0 taken; the list
 * taken, cut at the NUL; a trap stop's condition taken). */
static void restore__a_breakpoint_record_no_session_made_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len, sl;
    uint8_t *buf = saved("load examples/sum.s; break loop do \"echo hi\"; save %s", "rec.snap",
                         path, &len);
    uint8_t *rec = (uint8_t *)section_of(buf, len, "BRKS", &sl) + 4, *cmds = rec + 44;
    assert_int_equal(ms_get_le(rec, 4), 1);
    ms_put_le(rec, 0, 4);
    refused("rec0.snap", buf, len, "rec0.snap: bad breakpoint record 0");
    ms_put_le(rec, 1, 4);
    assert_int_equal(ms_get_le(cmds, 4), 7);
    assert_memory_equal(cmds + 4, "echo hi", 7);
    cmds[4 + 4] = '\0';
    refused("nul.snap", buf, len, "nul.snap: bad breakpoint record 0");
    free(buf);

    buf = saved("break trap svc; save %s", "trap.snap", path, &len);
    rec = (uint8_t *)section_of(buf, len, "BRKS", &sl) + 4;
    assert_int_equal(sl, 4 + 44 + 4 + 4); /* no list, no condition */
    assert_int_equal(ms_get_le(rec + 4, 4), 2); /* a trap stop */
    uint8_t d[4 + 44 + 4 + 4 + 1];
    memcpy(d, rec - 4, sizeof d - 1);
    ms_put_le(d + 4 + 44 + 4, 1, 4);
    d[sizeof d - 1] = '1'; /* if 1 */
    size_t n;
    uint8_t *e = with_section(buf, len, "BRKS", d, sizeof d, &n);
    refused("trapif.snap", e, n, "trapif.snap: bad breakpoint record 0");
    free(e);
    free(buf);
}

/* SESS holds the configuration 'set' chose for a control program not
 * made yet, as 'set' takes it: 'set cp-memory' "8 words is out of range
 * (9..524288)", and the flag saying whether there is a control program
 * is 0 or 1.  Either edited is a bad session section (the mutants: 8
 * words taken; a flag of 2 named as sections missing). */
static void restore__a_session_config_set_would_refuse_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len;
    uint8_t *buf = saved("set cp-memory 9; save %s", "cpmem.snap", path, &len);
    size_t sess = ms_section_at(buf, len, "SESS"), cfg = cfg_at(buf, sess);
    assert_int_equal(ms_get_le(buf + cfg, 4), 9);
    ms_put_le(buf + cfg, 8, 4);
    refused("cpmem8.snap", buf, len, "cpmem8.snap: bad session section");
    ms_put_le(buf + cfg, 9, 4);
    free(buf);
    buf = saved("vm create a 512 examples/sum.s; save %s", "hascp.snap", path, &len);
    sess = ms_section_at(buf, len, "SESS");
    size_t has = cfg_at(buf, sess) - 4;
    assert_int_equal(ms_get_le(buf + has, 4), 1);
    ms_put_le(buf + has, 2, 4);
    refused("hascp2.snap", buf, len, "hascp2.snap: bad session section");
    free(buf);
}

/* The sections end at the checksum ("end-8 8 FNV-1a 64 of every byte
 * before it"): bytes between them and it are refused, the count said in
 * words (the mutants: the check dropped; "1 sections"; "the 1 section
 * end", as the product once said). */
static void restore__bytes_after_the_last_section_are_refused(void **state)
{
    (void)state;
    char path[CS_PATH], want[160];
    size_t len;
    uint8_t *buf = saved("save %s", "gap.snap", path, &len);
    uint8_t *e = calloc(1, len + 8);
    assert_non_null(e);
    memcpy(e, buf, len - 8);
    uint32_t n = (uint32_t)ms_get_le(buf + 12, 4);
    snprintf(want, sizeof want, "gap2.snap: offset %zu: the %u sections end there, not at the "
             "checksum (offset %zu)", len - 8, n, len);
    refused("gap2.snap", e, len + 8, want);
    /* only SESS counted: one section */
    size_t sess = 16 + 16 + ms_get_le(buf + 24, 8);
    ms_put_le(e + 12, 1, 4);
    snprintf(want, sizeof want, "gap3.snap: offset %zu: the 1 section ends there, not at the "
             "checksum (offset %zu)", sess, len);
    refused("gap3.snap", e, len + 8, want);
    free(e);
    free(buf);
}

/* Sections: "SESS ..., BARE and REAL (machine states ...)", VSYM the
 * VMs' labels: a file without SESS or BARE, or with a control program but
 * no VSYM, is no snapshot 'restore' can take, and says which is missing
 * (the mutants: BARE's or VSYM's absence not checked, met later as
 * another fault; the names swapped). */
static void restore__a_file_without_a_section_it_needs_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len, n;
    uint8_t *buf = saved("save %s", "nobare.snap", path, &len);
    uint8_t *e = with_section(buf, len, "BARE", NULL, 0, &n);
    refused("nobare2.snap", e, n, "nobare2.snap: no BARE section");
    free(e);
    e = with_section(buf, len, "SESS", NULL, 0, &n);
    refused("nosess.snap", e, n, "nosess.snap: no SESS section");
    free(e);
    free(buf);
    buf = saved("vm create a 512 examples/sum.s; save %s", "novsym.snap", path, &len);
    e = with_section(buf, len, "VSYM", NULL, 0, &n);
    refused("novsym2.snap", e, n, "novsym2.snap: VM symbol section missing");
    free(e);
    free(buf);
}

/* SESS holds "memory sizes, profiles, focus, slice, hybrid", no more:
 * bytes after them are refused (the mutant: SESS's end not checked). */
static void restore__a_session_section_too_long_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len, n, sl;
    uint8_t *buf = saved("save %s", "longsess.snap", path, &len);
    const uint8_t *sess = section_of(buf, len, "SESS", &sl);
    uint8_t *d = calloc(1, sl + 4);
    assert_non_null(d);
    memcpy(d, sess, sl);
    uint8_t *e = with_section(buf, len, "SESS", d, sl + 4, &n);
    refused("longsess2.snap", e, n, "longsess2.snap: bad session section");
    free(e);
    free(d);
    free(buf);
}

/* The focus is restored ("the focus"): one naming a VM the file does not
 * hold is refused (the mutant: taken, the session focused on no VM). */
static void restore__a_focus_on_a_vm_not_saved_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len;
    uint8_t *buf = saved("vm create a 512 examples/sum.s; save %s", "focus.snap", path, &len);
    size_t sess = ms_section_at(buf, len, "SESS");
    size_t focus = cfg_at(buf, sess) - 8;
    assert_int_equal(ms_get_le(buf + focus, 4), 0); /* VM a */
    ms_put_le(buf + focus, 3, 4);
    refused("focus2.snap", buf, len, "focus2.snap: the selected VM is not in the snapshot");
    free(buf);
}

/* VSYM holds each VM's labels once: a second table for a VM is refused
 * (the mutant: the later table taken). */
static void restore__two_symbol_tables_for_one_vm_are_refused(void **state)
{
    (void)state;
    char path[CS_PATH];
    size_t len, sl;
    uint8_t *buf = saved("vm create a 512 examples/sum.s; vm create b 512 examples/hello.s; "
                         "save %s", "vsym.snap", path, &len);
    const uint8_t *vsym = section_of(buf, len, "VSYM", &sl);
    assert_int_equal(ms_get_le(vsym, 4), 2);
    assert_int_equal(ms_get_le(vsym + 4, 4), 0);
    size_t at = 8, nsyms = ms_get_le(vsym + at, 4); /* VM 0's table */
    at += 4;
    for (size_t i = 0; i < nsyms; i++)
        at += 8 + 4 + ms_get_le(vsym + at + 8, 4) + 1;
    assert_int_equal(ms_get_le(vsym + at, 4), 1);
    ms_put_le((uint8_t *)vsym + at, 0, 4);
    refused("vsym2.snap", buf, len,
            "vsym2.snap: symbols for a VM that is not in the snapshot");
    free(buf);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_mutsnap57");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(save__in_a_run_until_a_place_restores_its_breakpoints),
        cmocka_unit_test(restore__a_bare_machine_of_two_words_comes_back),
        cmocka_unit_test(restore__a_stack_of_16_levels_comes_back),
        cmocka_unit_test(save__after_reset_a_stack_gone_is_not_saved),
        cmocka_unit_test(restore__the_slice_of_a_session_with_no_vms_comes_back),
        cmocka_unit_test(save__the_session_section_holds_a_hybrid_control_programs_mode),
        cmocka_unit_test(restore__versions_1_to_4_are_read_as_they_were_written),
        cmocka_unit_test(restore__a_run_state_section_in_a_version_4_file_is_refused),
        cmocka_unit_test(restore__the_longest_slice_comes_back),
        cmocka_unit_test(restore__a_session_config_set_would_refuse_is_refused),
        cmocka_unit_test(restore__a_tag_given_twice_is_refused),
        cmocka_unit_test(restore__a_breakpoint_record_no_session_made_is_refused),
        cmocka_unit_test(restore__bytes_after_the_last_section_are_refused),
        cmocka_unit_test(restore__a_file_without_a_section_it_needs_is_refused),
        cmocka_unit_test(restore__a_session_section_too_long_is_refused),
        cmocka_unit_test(restore__a_focus_on_a_vm_not_saved_is_refused),
        cmocka_unit_test(restore__two_symbol_tables_for_one_vm_are_refused),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
