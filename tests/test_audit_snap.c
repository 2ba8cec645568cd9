/* test_audit_snap.c: the monitor's snapshots (docs/monitor.md,
 * "Snapshots") against what 'save' and 'restore' do: what a snapshot
 * holds, and how a damaged file is refused.  Each test fails on the tree
 * before its fix.
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

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "tgm/image.h"

/* SESS holds the "slice": restored with a control program, it is the
 * session's slice too, so a control program made after 'reset all' has
 * it, as in the session saved (it got the restoring session's). */
static void restore__the_slice_outlives_reset_all(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "slice.snap");
    snprintf(cmds, sizeof cmds,
             "set slice 500; vm create a 1024 examples/hello.s; set slice 300; save %s", path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds, "restore %s; reset all; show slice; vm create b 100; show slice",
             path);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_lines_in_order(o.out,
                             (const char *const[]){"slice      300",
                                                   "slice      300", NULL},
                             "the slice saved, after reset all");
    assert_non_null(strstr(o.out, "control program removed"));
    assert_null(strstr(o.out, "10000"));
    cs_outcome_free(&o);
}

/* A file saved with its breakpoints restores them with "command lists ...
 * as they were saved": 'break' takes a list of any length, and one of
 * 4096 bytes or more made the session's own snapshot unreadable ("bad
 * breakpoint record 0"). */
static void restore__a_long_command_list_comes_back(void **state)
{
    (void)state;
    enum { N = 5000 };
    char path[CS_PATH], *list = malloc(N + 8), *cmds = malloc(N + CS_PATH + 128);
    assert_non_null(list);
    assert_non_null(cmds);
    strcpy(list, "echo ");
    memset(list + 5, 'x', N);
    list[N + 5] = '\0';
    cs_tmp_path(path, sizeof path, "long.snap");
    snprintf(cmds, N + CS_PATH + 128, "load examples/sum.s; break loop do \"%s\"; save %s",
             list, path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, N + CS_PATH + 128, "restore %s; info breakpoints; go", path);
    struct cs_outcome o = cs_mon_ok(cmds);
    snprintf(cmds, N + CS_PATH + 128, "do \"%s\"\n", list);
    assert_non_null(strstr(o.out, cmds));       /* listed whole */
    assert_non_null(strstr(o.out, list + 5));   /* and run at the hit */
    assert_non_null(strstr(o.out, "breakpoint 1 at 0x4 loop, hit 1 time"));
    cs_outcome_free(&o);
    free(list);
    free(cmds);
}

/* BUF (LEN bytes, a snapshot edited) with its checksum made right, as
 * NAME: 'restore' fails in one line holding WHY. */
static void edited_fails(const char *name, uint8_t *buf, size_t len, const char *why)
{
    char path[CS_PATH], cmds[CS_PATH + 32];
    ms_put_le(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_tmp_path(path, sizeof path, name);
    cs_write_bytes(path, buf, len);
    snprintf(cmds, sizeof cmds, "restore %s", path);
    cs_mon_fails(cmds, why);
}

/* "offset size field: 16 ... n sections: tag (4 chars), 4 zero bytes, u64
 * length, data".  A section whose 4 bytes are not zero was taken; one
 * with an unknown tag, or one more counted than the file holds, was named
 * with the offset where its data ends (a place in no field), not where it
 * begins, and no word of what is wrong. */
static void restore__a_bad_section_is_named_where_it_begins(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64], want[96];
    cs_tmp_path(path, sizeof path, "sec.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    uint32_t n = (uint32_t)ms_get_le(buf + 12, 4);
    size_t last = 16; /* where the last section begins */
    for (uint32_t i = 0; i + 1 < n; i++)
        last += 16 + ms_get_le(buf + last + 8, 8);
    assert_true(n >= 3 && last < len - 8);

    buf[20] = 1; /* the first section's zero bytes */
    edited_fails("zero.snap", buf, len,
                 "offset 16: bad section 0: the 4 bytes after its tag are not zero");
    buf[20] = 0;

    uint8_t tag[4];
    memcpy(tag, buf + last, 4);
    memcpy(buf + last, "XTRA", 4);
    snprintf(want, sizeof want, "offset %zu: bad section %u: an unknown tag", last, n - 1);
    edited_fails("tag.snap", buf, len, want);
    memcpy(buf + last, tag, 4);

    ms_put_le(buf + 12, n + 1, 4);
    snprintf(want, sizeof want,
             "offset %zu: section %u of the %u the header counts is missing", len - 8, n, n + 1);
    edited_fails("count.snap", buf, len, want);
    ms_put_le(buf + 12, n, 4);
    ms_put_le(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_write_bytes(path, buf, len); /* the file as saved is restored */
    snprintf(cmds, sizeof cmds, "restore %s", path);
    cs_mon_prints(cmds, "restored");
    free(buf);
}

/* "restore FILE reads and checks all of it before it changes anything":
 * a breakpoint record is one 'break' or 'watch' could have made.  One of
 * VM a at an address past a's words was taken, and stopped VM b, whose
 * region follows (real a.base + 0x205 is b's word 5); so were two
 * breakpoints of one number, and a watchpoint of no kind of access. */
static void restore__a_breakpoint_outside_its_machine_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "bp.snap");
    snprintf(cmds, sizeof cmds,
             "vm create a 512 examples/sum.s; vm create b 512 examples/hello.s; vm select a; "
             "break 5; watch 9; save %s",
             path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t brks = ms_section_at(buf, len, "BRKS");
    assert_int_equal(ms_get_le(buf + brks, 4), 2);
    size_t rec0 = brks + 4, rec1 = rec0 + 44 + 8; /* (no commands, no condition) */
    assert_int_equal(ms_get_le(buf + rec0 + 12, 4), 5);
    assert_int_equal(ms_get_le(buf + rec1 + 12, 4), 9);

    ms_put_le(buf + rec0 + 12, 0x205, 4);
    edited_fails("past.snap", buf, len, "bad breakpoint record 0");
    ms_put_le(buf + rec0 + 12, 5, 4);

    ms_put_le(buf + rec1 + 16, 600, 4); /* 600 words from 9 */
    edited_fails("long.snap", buf, len, "bad breakpoint record 1");
    ms_put_le(buf + rec1 + 16, 1, 4);

    ms_put_le(buf + rec1 + 20, 4, 4); /* rw: neither read nor write */
    edited_fails("rw.snap", buf, len, "bad breakpoint record 1");
    ms_put_le(buf + rec1 + 20, 2, 4);

    ms_put_le(buf + rec1, 1, 4); /* both numbered 1 */
    edited_fails("twice.snap", buf, len, "bad breakpoint record 1");
    ms_put_le(buf + rec1, 2, 4);

    ms_put_le(buf + len - 8, tgm_fnv1a(buf, len - 8, TGM_FNV_SEED), 8);
    cs_write_bytes(path, buf, len); /* as saved: both come back */
    snprintf(cmds, sizeof cmds, "restore %s; info breakpoints", path);
    cs_mon_prints(cmds, "  2  watch  write 0x9..0x9 stop [a]  hits 0");
    free(buf);
}

/* "one saved nobreaks leaves the session's breakpoints and watchpoints as
 * they are", but a breakpoint outside the memory restored went on being
 * listed (and one of a VM armed the real machine past the VM's region),
 * and the session's next snapshot held it: those go, saying so, as 'set
 * memory' takes away the ones outside its new memory. */
static void restore__nobreaks_drops_what_falls_outside_its_memory(void **state)
{
    (void)state;
    char path[CS_PATH], again[CS_PATH], cmds[3 * CS_PATH + 256];
    cs_tmp_path(path, sizeof path, "nb.snap");
    cs_tmp_path(again, sizeof again, "nb2.snap");
    snprintf(cmds, sizeof cmds,
             "set memory 4096; vm create a 256 examples/sum.s; save %s nobreaks", path);
    cs_mon_prints(cmds, "saved");
    snprintf(cmds, sizeof cmds,
             "break 0x8000; break 0x20; vm create a 1024 examples/sum.s; break 0x300; "
             "watch 0xf0 0x20; break 3; restore %s; info breakpoints; save %s; restore %s; "
             "info breakpoints",
             path, again, again);
    struct cs_outcome o = cs_mon_ok(cmds);
    cs_assert_lines_in_order(
        o.out,
        (const char *const[]){"breakpoint 1 deleted: outside the snapshot's memory",
                              "breakpoint 3 deleted: outside the snapshot's memory",
                              "watchpoint 4 deleted: outside the snapshot's memory",
                              "  2  break  0x20  hits 0", "  5  break  0x3 [a]  hits 0",
                              "  2  break  0x20  hits 0", "  5  break  0x3 [a]  hits 0", NULL},
        "a nobreaks restore into a larger session");
    assert_null(strstr(o.out, "0x8000  hits"));
    assert_null(strstr(o.out, "0x300 [a]  hits"));
    cs_outcome_free(&o);
}

/* BUF's BSYM (its data at AT, of LEN bytes in all) with one symbol NAME =
 * VALUE added at its end, the section and the checksum made right, as
 * FILE: 'restore' refuses it. */
static void symbol_added_fails(const char *file, const uint8_t *buf, size_t len, size_t at,
                               const char *name, uint64_t value)
{
    size_t k = strlen(name), add = 8 + 4 + k + 1;
    uint8_t *e = malloc(len + add);
    assert_non_null(e);
    size_t end = at + ms_get_le(buf + at - 8, 8); /* where BSYM's data ends */
    memcpy(e, buf, end);
    ms_put_le(e + end, value, 8);
    ms_put_le(e + end + 8, k, 4);
    memcpy(e + end + 12, name, k);
    e[end + 12 + k] = 2; /* a constant */
    memcpy(e + end + add, buf + end, len - end);
    ms_put_le(e + at, ms_get_le(buf + at, 4) + 1, 4);
    ms_put_le(e + at - 8, ms_get_le(buf + at - 8, 8) + add, 8);
    edited_fails(file, e, len + add, "bad symbol section");
    free(e);
}

/* "restore FILE reads and checks all of it": a snapshot's labels are the
 * loaded program's, which 'load' takes only with names of the assembler's
 * characters, each once, in the image's order.  Restore took any bytes as
 * a name: an escape sequence 'symbols' then wrote to the terminal as it
 * was, a name with a space, a second 'loop' of another value. */
static void restore__a_label_no_program_could_have_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "sym.snap");
    snprintf(cmds, sizeof cmds, "load examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t at = ms_section_at(buf, len, "BSYM");
    symbol_added_fails("esc.snap", buf, len, at, "\x1b[31mred", 0x40);
    symbol_added_fails("space.snap", buf, len, at, "two words", 0x40);
    symbol_added_fails("twice.snap", buf, len, at, "loop", 0x40);
    symbol_added_fails("order.snap", buf, len, at, "early", 1); /* before 'start' (2) */
    free(buf);
}

/* 'vm create' takes "a letter or _, then letters, digits, _ . or -", and
 * not 'bare': a VM named so in a snapshot's control program was taken,
 * and 'vm select bare' then chose the bare machine, the VM out of reach
 * (an escape sequence as a name went to the terminal in every stop). */
static void restore__a_vm_name_vm_create_refuses_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "vmname.snap");
    snprintf(cmds, sizeof cmds, "vm create a 512 examples/sum.s; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t name = ms_section_at(buf, len, "CPST") + 7 * 8 + 8; /* the header, the VM's id */
    assert_memory_equal(buf + name, "a\0", 2);
    memcpy(buf + name, "bare", 5);
    edited_fails("bare.snap", buf, len, "control program: VM 0 has a name 'vm create' refuses");
    memcpy(buf + name, "\x1b[7m", 5);
    edited_fails("esc.snap", buf, len, "control program: VM 0 has a name 'vm create' refuses");
    free(buf);
}

/* SESS's hybrid is a flag, as CPST's "hybrid mode 2 is neither 0 nor 1"
 * is: a 2 there was taken as on, whatever the setting was. */
static void restore__a_session_hybrid_other_than_0_or_1_is_refused(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[CS_PATH + 64];
    cs_tmp_path(path, sizeof path, "hyb.snap");
    snprintf(cmds, sizeof cmds, "set hybrid on; save %s", path);
    cs_mon_prints(cmds, "saved");
    size_t len;
    uint8_t *buf = (uint8_t *)cs_slurp(path, &len);
    size_t sess = ms_section_at(buf, len, "SESS"), hyb = sess + ms_get_le(buf + sess - 8, 8) - 4;
    assert_int_equal(ms_get_le(buf + hyb, 4), 1); /* SESS ends with it */
    ms_put_le(buf + hyb, 2, 4);
    edited_fails("hyb2.snap", buf, len, "bad session section");
    free(buf);
}

/* 'halted' is "1 if the last run ended at HALT".  A restore that brings
 * back the very state the session is in (as 'rstep' keeps its history
 * then) leaves the last run what it was; 'halted' turned 0. */
static void restore__of_the_very_state_keeps_halted(void **state)
{
    (void)state;
    char path[CS_PATH], cmds[2 * CS_PATH + 160];
    cs_tmp_path(path, sizeof path, "halt.snap");
    snprintf(cmds, sizeof cmds,
             "load examples/sum.s; go; save %s; restore %s; assert halted; print halted", path,
             path);
    struct cs_outcome o = cs_mon_ok(cmds);
    assert_non_null(strstr(o.out, "restored"));
    assert_non_null(strstr(o.out, "0x1 (1)"));
    cs_outcome_free(&o);
    /* another state: the run that ended at HALT is not its past */
    snprintf(cmds, sizeof cmds,
             "load examples/sum.s; go for 5; save %s; go; restore %s; print halted", path, path);
    cs_mon_prints(cmds, "\n0 (0)\n");
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_snap");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(restore__the_slice_outlives_reset_all),
        cmocka_unit_test(restore__a_long_command_list_comes_back),
        cmocka_unit_test(restore__a_bad_section_is_named_where_it_begins),
        cmocka_unit_test(restore__a_breakpoint_outside_its_machine_is_refused),
        cmocka_unit_test(restore__nobreaks_drops_what_falls_outside_its_memory),
        cmocka_unit_test(restore__a_label_no_program_could_have_is_refused),
        cmocka_unit_test(restore__a_vm_name_vm_create_refuses_is_refused),
        cmocka_unit_test(restore__a_session_hybrid_other_than_0_or_1_is_refused),
        cmocka_unit_test(restore__of_the_very_state_keeps_halted),
    };
    return cmocka_run_group_tests_name("audit_snap", tests, group_setup, group_teardown);
}
