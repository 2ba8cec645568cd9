/* test_audit_coninput.c: console input (CIN) through the monitor and the
 * command line, where docs/monitor.md and docs/run.md and tgm disagreed.
 * Each test fails on the tree before its fix.
 *
 * Runs the real binary from the top of the source tree.
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
#include "mon_support.h"
#include "pty_support.h"

/* A subroutine that waits for a console byte (CIN until it is not -1),
 * called once with JAL; the byte is written back with COUT. */
#define GETC_S                                                                                 \
    "        .org  0\n"                                                                        \
    "        .word 0\n"                                                                        \
    "        .word psw(SUP, fault, 0, 0x400)\n"                                                \
    "        .entry start\n"                                                                   \
    "start:  JAL   ret, getc\n"                                                                \
    "        COUT  ch\n"                                                                       \
    "        HALT\n"                                                                           \
    "getc:   CIN   ch\n"                                                                       \
    "        BEQ   ch, none, getc\n"                                                               \
    "        JMPI  ret\n"                                                                      \
    "fault:  HALT\n"                                                                           \
    "none:   .word -1\n"                                                                       \
    "ch:     .word 0\n"                                                                        \
    "ret:    .word 0\n"

/* "At the stop the monitor says how many bytes it queued": 'next' and
 * 'finish' run a call with the keys going to the guest, as 'go' does, but
 * never said so, and the count was lost. */
static void typed_keys__next_and_finish_say_what_they_queued(void **state)
{
    (void)state;
    static const char *const cmd[] = {"next", "finish"};
    static const char *const stop[] = {"call returned after", "returned after"};
    pt_put_file("getc.s", GETC_S);
    for (int i = 0; i < 2; i++) {
        struct pt_session s = {0};
        pt_start(&s);
        pt_expect(&s, "tgm> ");
        /* finish from inside the call, next over it */
        pt_type(&s, i ? "load getc.s; step\r" : "load getc.s\r");
        pt_expect(&s, "tgm> ");
        pt_type(&s, cmd[i]);
        pt_type(&s, "\r");
        usleep(300000); /* the call is waiting for its byte */
        pt_type(&s, "Z");
        pt_expect(&s, stop[i]);
        pt_expect(&s, "1 typed byte queued as console input of bare");
        pt_type(&s, "go; console\r"); /* the guest read it: COUT writes it back */
        pt_expect(&s, "halted after");
        pt_expect(&s, "\nZ");
        pt_quit(&s);
    }
}

/* A script NAME in the terminal's directory that queues N bytes of
 * console input, in lines the monitor takes (under 1 MiB each). */
static void put_filler(const char *name, size_t n)
{
    char path[CS_PATH];
    FILE *f = fopen(pt_in_dir(path, sizeof path, name), "w");
    assert_non_null(f);
    char *chunk = malloc(1000000);
    assert_non_null(chunk);
    memset(chunk, 'x', 1000000);
    while (n) {
        size_t k = n < 1000000 ? n : 1000000;
        fprintf(f, "console input \"%.*s\"\n", (int)k, chunk);
        n -= k;
    }
    free(chunk);
    assert_int_equal(fclose(f), 0);
}

/* "keys typed past it are dropped and counted at the stop": keys typed
 * together (a paste) were dropped all together when the last of them
 * passed the 64 MiB limit, those that fitted too. */
static void typed_keys__only_those_past_the_limit_are_dropped(void **state)
{
    (void)state;
    put_filler("fill.mon", ((size_t)64 << 20) - 3); /* all but 3 bytes of the limit */
    pt_put_file("spin.s", "        .entry start\nstart:  JMP   start\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "do fill.mon; load spin.s; go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_type(&s, "ABCDEFGH");
    usleep(300000); /* read by the run before Ctrl-C stops it */
    pt_type(&s, "\x03");
    pt_expect(&s, "interrupted after");
    pt_expect(&s, "(3 typed bytes queued as console input of bare)");
    pt_expect(&s, "(5 typed bytes dropped: the console input would pass 67108864 bytes");
    pt_quit(&s);
}

/* The history begins where the machine was last changed other than by
 * running it, "keys typed during a run" among those changes; a key the
 * full console input dropped changed nothing, yet the history restarted
 * there and the run before it could not be gone back over. */
static void typed_keys__dropped_ones_keep_the_history(void **state)
{
    (void)state;
    put_filler("full.mon", (size_t)64 << 20); /* the whole limit: no key fits */
    pt_put_file("spin.s", "        .entry start\nstart:  JMP   start\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "do full.mon; load spin.s; go\r");
    pt_expect(&s, "Ctrl-C stops");
    usleep(200000);
    pt_type(&s, "Q");
    usleep(300000);
    pt_type(&s, "\x03");
    pt_expect(&s, "(1 typed byte dropped");
    /* back to where the run began, before the key */
    pt_type(&s, "rcontinue; regs\r");
    pt_expect(&s, "at the start of the history");
    pt_expect(&s, "insns 0  steps 0");
    pt_quit(&s);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_coninput");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(typed_keys__next_and_finish_say_what_they_queued,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(typed_keys__only_those_past_the_limit_are_dropped,
                                        pt_setup, pt_teardown),
        cmocka_unit_test_setup_teardown(typed_keys__dropped_ones_keep_the_history,
                                        pt_setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("audit_coninput", tests, group_setup, group_teardown);
}
