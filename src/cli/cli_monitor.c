/* cli_monitor.c: `tgm monitor`: the monitor shell on a terminal, a script,
 * a -c command line, or commands piped to stdin.
 *
 * The shell itself (src/monitor) drives the machine of section 2 and the
 * control program of sections 4-6; this file only picks the command source.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tgm/monitor.h"

static void monitor_usage(FILE *f)
{
    fprintf(f,
            "usage: tgm monitor [-c 'CMD; CMD...'] [-f SCRIPT [ARGS...]]\n"
            "The monitor shell.  On a terminal it edits lines (history in ~/.tgm_history\n"
            "or $TGM_HISTORY, Tab completes); otherwise it reads commands from stdin.\n\n"
            "  -c CMDS          run CMDS (separated by ';') and exit\n"
            "  -f SCRIPT ARGS   run a script; %%1.. in it stand for ARGS\n\n"
            "Exit status: 0, 1 if a command or assert failed, N after 'exit N',\n"
            "2 bad usage or an unreadable script.  'help' inside lists the commands.\n");
}

int cli_monitor(int argc, char **argv)
{
    const char *cmds = NULL, *script = NULL;
    int i = 1;
    for (; i < argc; i++) {
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            monitor_usage(stdout);
            return EXIT_OK;
        }
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "-f")) && i + 1 < argc) {
            if (cmds || script) {
                cli_error("monitor: give one of -c and -f");
                return EXIT_USAGE;
            }
            *(argv[i][1] == 'c' ? &cmds : &script) = argv[i + 1];
            i++;
            if (script)
                break; /* the rest are the script's arguments */
            continue;
        }
        cli_error("monitor: unexpected argument '%s' (try 'tgm monitor --help')", argv[i]);
        return EXIT_USAGE;
    }
    struct mon *m = mon_create(stdout, stderr);
    if (!m) {
        cli_error("monitor: out of memory");
        return EXIT_USAGE;
    }
    int st;
    if (cmds)
        st = mon_run_string(m, cmds);
    else if (script)
        st = mon_run_script(m, script, argc - i - 1, argv + i + 1);
    else if (isatty(STDIN_FILENO))
        st = mon_run_interactive(m);
    else
        st = mon_run_stream(m, stdin, "<stdin>");
    mon_destroy(m);
    return st;
}
