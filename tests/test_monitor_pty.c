/* test_monitor_pty.c: the real tgm binary's monitor on a pseudo-terminal.
 *
 * Types at the shell as a person would: Tab completion, history recall with
 * the up arrow (also from the history file of an earlier session), Ctrl-C
 * stopping a looping guest with section 2's state intact, Ctrl-C at the
 * prompt, Ctrl-D; keys typed during a run reaching the guest's console
 * input, Ctrl-C naming the VM that ran, Ctrl-C abandoning a check, Ctrl-Z
 * and 'fg' redrawing the prompt; Tab offering psw( in expressions; 'set
 * histfile' keeping the new file's history; a write blocked on a full
 * output surviving Ctrl-C, and a wait for a FIFO ended by it; the output a
 * pipe with the line edited on the terminal; a resized window; 'exit' at
 * the prompt after a failed script (the terminal's machinery is
 * pty_support.c's).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "pty_support.h"

static const char loop_src[] = "        .entry start\n"
                               "start:  LI    n, 0\n"
                               "spin:   ADDI  n, n, 1\n"
                               "        JMP   spin\n"
                               "n:      .word 0\n";

/* Waits for a console byte c, writes c + 1 and halts. */
static const char echo_src[] = "        .entry start\n"
                               "start:  CIN   ch\n"
                               "        BLT   ch, zero, start\n"
                               "        ADDI  ch, ch, 1\n"
                               "        COUT  ch\n"
                               "        HALT\n"
                               "ch:     .word 0\n"
                               "zero:   .word 0\n";

/* pt_setup's directory with the three programs; pt_teardown removes it. */
static int setup(void **state)
{
    pt_setup(state);
    pt_put_file("loop.s", loop_src);
    pt_put_file("echo.s", echo_src);
    pt_put_file("hi.s", cs_hi_src);
    return 0;
}

static void pty__tab_completes_commands_files_and_symbols(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "hel\t");
    pt_expect(&s, "p ");            /* the line now reads "help " */
    pt_type(&s, "\r");
    pt_expect(&s, "execution:");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load lo\t");       /* a file name */
    pt_expect(&s, "op.s ");
    pt_type(&s, "\r");
    pt_expect(&s, "3 symbols");
    pt_type(&s, "examine sp\t");    /* a symbol of the loaded program */
    pt_expect(&s, "in ");
    pt_type(&s, "\r");
    pt_expect(&s, "spin ");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "vm sel\t");        /* a subcommand */
    pt_expect(&s, "ect ");
    pt_type(&s, "\x15LOA\t");       /* a command in capitals, as it is taken */
    pt_expect(&s, "D ");
    pt_type(&s, "\x15quit\r");      /* Ctrl-U clears the line */
    assert_int_equal(pt_finish(&s), 0);
}

static void pty__history_recall_within_and_across_sessions(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "first-line");
    pt_type(&s, "\x1b[A");          /* up arrow */
    pt_expect(&s, "echo first-line");
    pt_type(&s, "\r");
    pt_expect(&s, "first-line\r\n");
    pt_quit(&s);

    pt_start(&s);                   /* a new session reads the history file */
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x1b[A\x1b[A");
    pt_expect(&s, "echo first-line");
    pt_type(&s, "\x15quit\r");
    assert_int_equal(pt_finish(&s), 0);

    /* a failure between writing the history and renaming it keeps the old */
    char path[CS_PATH], before[4096], after[4096];
    pt_in_dir(path, sizeof path, ".tgm_history");
    FILE *h = fopen(path, "r");
    assert_non_null(h);
    size_t nb = fread(before, 1, sizeof before, h);
    fclose(h);
    setenv("TGM_TEST_FAIL_RENAME", "1", 1);
    pt_start(&s);
    unsetenv("TGM_TEST_FAIL_RENAME");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo second-line\r");
    pt_expect(&s, "injected failure");
    pt_quit(&s);
    h = fopen(path, "r");
    assert_non_null(h);
    size_t na = fread(after, 1, sizeof after, h);
    fclose(h);
    assert_int_equal(na, nb);
    assert_memory_equal(after, before, na);
}

static void pty__ctrl_c_stops_a_run_and_keeps_the_shell(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_type(&s, "\x03");
    pt_expect(&s, "interrupted after");
    pt_expect(&s, "tgm> ");
    /* the machine is stopped inside the loop, its state intact */
    pt_type(&s, "print P >= spin && P <= spin + 1 && M == sup && E[n] > 0\r");
    pt_expect(&s, "0x1 (1)");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x03");            /* at the prompt: a fresh line, no exit */
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");            /* Ctrl-D on an empty line leaves */
    assert_int_equal(pt_finish(&s), 0);
}

/* A breakpoint's list that runs into the same breakpoint ('until spin' at
 * spin) recursed, a run inside a run, until the monitor's stack overflowed;
 * at the terminal, with no step limit, it now loops one run after another
 * until Ctrl-C, and the shell goes on (docs/monitor.md, "Scripts"). */
static void pty__ctrl_c_ends_a_breakpoints_run_loop(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s; break spin do \"until spin\"; go\r");
    pt_expect(&s, "hit 50 times");
    pt_type(&s, "\x03");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
}

/* Ctrl-C while the monitor was blocked writing to an output nobody read
 * cut the write short: stdout's error flag was set and the session ended
 * with status 2, "cannot write the output: Interrupted system call" (seen
 * under load, the terminal full of a breakpoint loop's stops).  Here the
 * output is a pipe full before the banner: the write goes on now, and
 * nothing is lost. */
static void pty__ctrl_c_while_a_write_is_blocked_loses_nothing(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_piped(&s, true);
    assert_true(cs_blocked_in(s.pid, SYS_write)); /* the banner, into the full pipe */
    pt_type(&s, "\x03");
    usleep(200 * 1000); /* the signal lands while the write waits */
    pt_expect_piped(&s, "tgm monitor: bare machine of");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo alive\r");
    pt_expect_piped(&s, "alive\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
}

/* Ctrl-C ends a load's wait for a FIFO's writer, as it ends a run (it did
 * not while Ctrl-C restarted every system call it landed in, to keep the
 * output whole), and the shell goes on. */
static void pty__ctrl_c_ends_a_wait_for_a_fifo(void **state)
{
    (void)state;
    char fifo[CS_PATH];
    assert_int_equal(mkfifo(pt_in_dir(fifo, sizeof fifo, "wait.s"), 0600), 0);
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load wait.s\r");
    assert_true(cs_blocked_in(s.pid, SYS_openat));
    pt_type(&s, "\x03");
    pt_expect(&s, "load: cannot open 'wait.s': Interrupted system call");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "alive");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
}

/* 'tgm monitor | tee log': libedit edits only on a terminal, so with the
 * output a pipe there was no prompt, no echo, and Ctrl-D was a command.
 * The line is edited on the terminal now, and the output is the pipe's. */
static void pty__output_to_a_pipe_keeps_the_prompt_on_the_terminal(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_piped(&s, false);
    pt_expect_piped(&s, "tgm monitor: bare machine of");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "ech\t");           /* completion, on the terminal */
    pt_expect(&s, "o ");
    pt_type(&s, "hi\r");
    pt_expect_piped(&s, "hi\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");            /* Ctrl-D leaves */
    assert_int_equal(pt_finish(&s), 0);
    assert_null(strstr(s.piped.buf, "tgm> ")); /* the log holds the output only */
}

/* 'tgm monitor | head', SIGPIPE ignored: once the pipe's reader had gone
 * the session went on, every command's output lost, until Ctrl-D said why.
 * It ends at the first output that cannot be written now, saying why,
 * with status 2. */
static void pty__output_lost_ends_the_session_at_once(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_piped(&s, false);
    pt_expect_piped(&s, "tgm monitor: bare machine of");
    pt_expect(&s, "tgm> ");
    close(s.out); /* the reader goes */
    s.out = -1;
    pt_type(&s, "echo hi\r");
    pt_expect(&s, "tgm: monitor: cannot write the output: Broken pipe");
    assert_int_equal(pt_finish(&s), 2);
}

/* A window made narrower: libedit went on wrapping the line at the old
 * width (it learns of SIGWINCH only through handlers of its own).  At 20
 * columns a line past the margin wraps now: libedit writes a space and a
 * backspace there. */
static void pty__a_resized_window_wraps_the_line_at_its_new_width(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_resize(&s, 20);
    pt_type(&s, "echo 0123456789abcdefghij\r"); /* "tgm> " and 15 characters fill a row */
    pt_expect(&s, "9 \b");
    pt_expect(&s, "0123456789abcdefghij\r\n");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0);
}

/* 'check' ran to its step limit whatever Ctrl-C said; it is abandoned now,
 * as a run is, and the shell goes on (docs/monitor.md, "The terminal"). */
static void pty__ctrl_c_abandons_a_check(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "check loop.s steps 30000000000\r"); /* some 30 s, bare and virtual */
    pt_expect(&s, "check loop.s steps 30000000000\r\n");
    usleep(300 * 1000); /* the check is under way, past the line editor */
    pt_type(&s, "\x03");
    pt_expect(&s, "check: interrupted: no verdict");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s; go for 10\r");
    pt_expect(&s, "stopped after 10 steps");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x04");
    assert_int_equal(pt_finish(&s), 0); /* the terminal goes on after a failure */
}

static void pty__typed_keys_during_a_run_go_to_the_guest(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load echo.s\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "Ctrl-C stops");
    size_t run_start = s.screen.seen;
    pt_type(&s, "x");               /* the guest waits for it with CIN */
    pt_expect(&s, "halted after");
    /* the key was not echoed; the guest got it and wrote x + 1 */
    char *between = strndup(s.screen.buf + run_start, s.screen.seen - run_start);
    assert_non_null(between);
    assert_null(strchr(between, 'x'));
    assert_non_null(strchr(between, 'y'));
    free(between);
    pt_expect(&s, "1 typed byte queued");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "print E[ch]\r");
    pt_expect(&s, "0x79 (121)");  /* x + 1 */
    pt_quit(&s);
}

static void pty__ctrl_c_names_the_vm_that_was_running(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "vm create spinner 4096 loop.s\r");
    pt_expect(&s, "tgm spinner> ");
    pt_type(&s, "vm create quick 4096 hi.s\r"); /* selected; it halts at once */
    pt_expect(&s, "tgm quick> ");
    pt_type(&s, "go\r");
    pt_expect(&s, "Ctrl-C stops");
    pt_expect(&s, "quick| hi");      /* its output, live and named */
    pt_type(&s, "\x03");
    pt_expect(&s, "spinner: interrupted after");
    pt_expect(&s, "tgm quick> ");
    pt_quit(&s);
}

static void pty__ctrl_z_and_fg_redraw_the_prompt(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start_job(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo half");       /* a line being edited */
    pt_expect(&s, "half");
    pt_type(&s, "\x1a");            /* Ctrl-Z */
    pt_expect(&s, "[stopped; terminal cooked]");
    pt_expect(&s, "tgm> echo half"); /* drawn again after 'fg' */
    pt_type(&s, "-done\r");
    pt_expect(&s, "half-done\r\n");
    pt_expect(&s, "tgm> ");
    pt_quit(&s);
}


/* Tab offers the word functions where an expression goes, with their
 * parenthesis and no space after it, and completes a label inside an
 * expression (after the comma of "psw(1,"). */
static void pty__tab_completes_word_functions_in_expressions(void **state)
{
    (void)state;
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "load loop.s\r");
    pt_expect(&s, "3 symbols");
    pt_type(&s, "print rb\t");
    pt_expect(&s, "(");
    pt_type(&s, "0, 16)\r");
    pt_expect(&s, "0x10 (16)");
    pt_type(&s, "print psw(1,sp\t");
    pt_expect(&s, "in ");
    pt_type(&s, ",0,16)\r");
    pt_expect(&s, "0x8000008000000010");
    pt_quit(&s);
    /* the lines as completed, from the history file */
    char path[CS_PATH];
    char *h = cs_slurp(pt_in_dir(path, sizeof path, ".tgm_history"), NULL);
    assert_non_null(strstr(h, "\nprint\\040rb(0,\\04016)\n")); /* no space after '(' */
    assert_non_null(strstr(h, "\nprint\\040psw(1,spin\\040,0,16)\n"));
    free(h);
}

/* 'set histfile F' wrote the whole list over F at the next line: the lines
 * of the file it left came first and F's own came after them.  Now F ends
 * as its old lines, then this session's (the 'set histfile' line
 * included), and the old file keeps only what was typed before the switch. */
static void pty__set_histfile_keeps_the_new_files_history(void **state)
{
    (void)state;
    char f[CS_PATH], home[CS_PATH], notes[CS_PATH];
    pt_put_file("F", "_HiStOrY_V2_\nold-f-line\n");
    pt_put_file("notes.txt", "not a history\n");
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "one");
    pt_type(&s, "set histfile F\r");
    pt_expect(&s, "tgm> ");
    pt_type(&s, "\x1b[A\x1b[A\x1b[A"); /* F's line is now the oldest */
    pt_expect(&s, "old-f-line");
    pt_type(&s, "\x15" "echo two\r");
    pt_expect(&s, "two\r\n");
    pt_type(&s, "set histfile notes.txt\r"); /* it would be replaced */
    pt_expect(&s, "notes.txt: not a history file");
    pt_type(&s, "set histfile .\r");
    pt_expect(&s, ".: is a directory; choose another file");
    pt_type(&s, "set histfile no-such-dir/h\r"); /* it could not be made */
    pt_expect(&s, "set: cannot write no-such-dir/h: no-such-dir: No such file or directory; "
               "choose another file");
    pt_type(&s, "set histfile \"\"\r");   /* no file from here on */
    pt_expect(&s, "tgm> ");
    pt_type(&s, "echo three\r");
    pt_expect(&s, "three\r\n");
    pt_quit(&s);

    char *ft = cs_slurp(pt_in_dir(f, sizeof f, "F"), NULL),
         *ht = cs_slurp(pt_in_dir(home, sizeof home, ".tgm_history"), NULL);
    static const char *const fwant[] = {"_HiStOrY_V2_", "old-f-line", "echo\\040one",
                                        "set\\040histfile\\040F", "echo\\040two",
                                        "set\\040histfile\\040notes.txt",
                                        "set\\040histfile\\040.", NULL};
    cs_assert_lines_in_order(ft, fwant, "F");
    assert_null(strstr(ft, "three"));    /* typed after 'set histfile ""' */
    assert_null(strstr(ft, "\"\""));
    static const char *const hwant[] = {"_HiStOrY_V2_", "echo\\040one", NULL};
    cs_assert_lines_in_order(ht, hwant, ".tgm_history");
    assert_null(strstr(ht, "histfile"));
    assert_null(strstr(ht, "old-f-line"));
    free(ft);
    free(ht);
    char *nt = cs_slurp(pt_in_dir(notes, sizeof notes, "notes.txt"), NULL);
    assert_string_equal(nt, "not a history\n");
    free(nt);
}

/* A session at the prompt of a monitor whose default history file is
 * not a history: one warning holding WHY, then a line typed and quit. */
static void session_with_a_bad_history(const char *why)
{
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, why);
    pt_expect(&s, "; no history file this session ('set histfile FILE' chooses one)");
    pt_expect(&s, "tgm> ");
    pt_echo(&s, "one");
    pt_echo(&s, "two");
    assert_null(strstr(s.screen.buf + s.screen.seen, "warning")); /* once */
    assert_null(strstr(strstr(s.screen.buf, why) + 1, why));
    pt_quit(&s);
}

/* ~/.tgm_history (or $TGM_HISTORY) that is a text file or a directory was
 * written over at the first prompt, though 'set histfile' refuses such a
 * file.  Now the session warns once, keeps no file and leaves it alone. */
static void pty__a_default_history_that_is_not_one_is_left_alone(void **state)
{
    (void)state;
    char home[CS_PATH];
    pt_put_file(".tgm_history", "my notes\n");
    session_with_a_bad_history(".tgm_history: not a history file (it would be replaced)");
    char *ht = cs_slurp(pt_in_dir(home, sizeof home, ".tgm_history"), NULL);
    assert_string_equal(ht, "my notes\n");
    free(ht);

    assert_int_equal(unlink(home), 0);
    assert_int_equal(mkdir(home, 0700), 0);
    session_with_a_bad_history(".tgm_history: is a directory");
    struct stat st;
    assert_int_equal(stat(home, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(rmdir(home), 0); /* still empty */
}

/* docs/monitor.md: at the terminal a failure is told and left behind, so
 * 'exit' at the prompt after a 'do' script that failed exits 0, as 'quit'
 * and Ctrl-D do (it exited 1); an 'exit' inside such a script still gives
 * the script's 1. */
static void pty__exit_at_the_prompt_after_a_failed_script_is_0(void **state)
{
    (void)state;
    pt_put_file("bad.mon", "assert 0\n");
    pt_put_file("finish.mon", "set on-error finish\nassert 0\nexit\n");
    static const char *const end[] = {"exit\r", "quit\r", "\x04"};
    for (int k = 0; k < 3; k++) {
        struct pt_session s = {0};
        pt_start(&s);
        pt_expect(&s, "tgm> ");
        pt_type(&s, "do bad.mon\r");
        pt_expect(&s, "assertion failed");
        pt_expect(&s, "tgm> ");
        pt_type(&s, end[k]);
        assert_int_equal(pt_finish(&s), 0);
    }
    struct pt_session s = {0};
    pt_start(&s);
    pt_expect(&s, "tgm> ");
    pt_type(&s, "do finish.mon\r");
    assert_int_equal(pt_finish(&s), 1);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(pty__tab_completes_commands_files_and_symbols, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__history_recall_within_and_across_sessions, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_stops_a_run_and_keeps_the_shell, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_abandons_a_check, setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_ends_a_breakpoints_run_loop, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_while_a_write_is_blocked_loses_nothing, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_ends_a_wait_for_a_fifo, setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__output_to_a_pipe_keeps_the_prompt_on_the_terminal,
                                        setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__output_lost_ends_the_session_at_once, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_resized_window_wraps_the_line_at_its_new_width,
                                        setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__typed_keys_during_a_run_go_to_the_guest, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_c_names_the_vm_that_was_running, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__ctrl_z_and_fg_redraw_the_prompt, setup, pt_teardown),
        cmocka_unit_test_setup_teardown(pty__tab_completes_word_functions_in_expressions, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__set_histfile_keeps_the_new_files_history, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__exit_at_the_prompt_after_a_failed_script_is_0, setup,
                                        pt_teardown),
        cmocka_unit_test_setup_teardown(pty__a_default_history_that_is_not_one_is_left_alone,
                                        setup, pt_teardown),
    };
    return cmocka_run_group_tests_name("monitor_pty", tests, NULL, NULL);
}
