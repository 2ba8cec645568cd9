/* cli_monitor.c: `tgm monitor`: the monitor shell on a terminal, a script,
 * a -c command line, or commands piped to stdin.
 *
 * The shell itself (src/monitor) drives the machine of section 2 and the
 * control program of sections 4-6; this file only picks the command source.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/monitor.h"
#include "tgm/vmm.h"

static void monitor_usage(FILE *f)
{
    fprintf(f,
            "usage: tgm monitor [--profile P] [--mem Q] [IMAGE...]\n"
            "                   [-c 'CMD; CMD...' | -f SCRIPT [ARGS...]]\n"
            "The monitor shell.  On a terminal it edits lines (history in ~/.tgm_history\n"
            "or $TGM_HISTORY, Tab completes); otherwise it reads commands from stdin.\n\n"
            "  --profile P      instruction-set profile of the bare machine, the VMs and\n"
            "                   check (default virtualizable)\n"
            "  --mem Q          words of the bare machine, %u..%u (default %u)\n"
            "  IMAGE...         one image (or assembly source) is loaded into the bare\n"
            "                   machine; several each go into a VM of their own, vm0,\n"
            "                   vm1, ...\n"
            "  -c CMDS          run CMDS (separated by ';') and exit\n"
            "  -f SCRIPT ARGS   run a script; %%1.. in it stand for ARGS\n"
            "  --               every later word is an IMAGE, even one that begins with -\n"
            "  -h, --help       show this help\n\n"
            "Exit status: 0, 1 if a command or assert failed, N after 'exit N',\n"
            "2 bad usage or an unreadable script, 128 + the signal's number after\n"
            "SIGTERM, SIGHUP or (outside the terminal) Ctrl-C.  'help' inside lists\n"
            "the commands.\n",
            TGM_Q_MIN, TGM_Q_MAX, TGM_Q_DEFAULT);
}

/* The long options, for their prefixes and for a guess at a typo. */
static const struct option monitor_opts[] = {
    {"profile", required_argument, NULL, 'p'},
    {"mem", required_argument, NULL, 'm'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The option ARG ("--prof", "--m=4096") is a prefix of, or NULL. */
static const struct option *long_prefix(const char *arg)
{
    if (strncmp(arg, "--", 2) || !arg[2] || arg[2] == '=')
        return NULL;
    size_t n = strcspn(arg + 2, "=");
    const struct option *hit = NULL;
    for (const struct option *o = monitor_opts; o->name; o++)
        if (!strncmp(o->name, arg + 2, n))
            hit = o; /* the three begin differently: one at most */
    return hit;
}

/* Append ARG to LINE as one quoted monitor word (the monitor's parser
 * takes \" and \\ inside quotes). */
static void quote(char *line, size_t len, const char *arg)
{
    size_t n = strlen(line);
    if (n + 3 >= len)
        return;
    line[n++] = ' ';
    line[n++] = '"';
    for (const char *p = arg; *p && n + 3 < len; p++) {
        if (*p == '"' || *p == '\\')
            line[n++] = '\\';
        line[n++] = *p;
    }
    line[n++] = '"';
    line[n] = '\0';
}

/* Set the machine up as the options say (one reset), then load with the
 * monitor's own commands, their errors in the CLI's form.  0 or -1. */
static int prepare(struct mon *m, const char *profile, uint32_t q, char **images,
                   int nimages)
{
    if ((profile || q) && mon_set_machine(m, profile, q) != 0)
        return -1;
    mon_set_error_prefix(m, "tgm: monitor: ");
    int rc = 0;
    for (int k = 0; k < nimages && rc == 0; k++) {
        /* room for any name the system takes: each byte may be escaped */
        size_t len = 64 + 2 * strlen(images[k]);
        char *line = malloc(len);
        if (!line) {
            cli_error("monitor: out of memory");
            rc = -1;
            break;
        }
        if (nimages == 1)
            snprintf(line, len, "load");
        else
            snprintf(line, len, "vm create vm%d %u", k, TGM_Q_DEFAULT);
        quote(line, len, images[k]);
        rc = mon_exec_line(m, line) != 0 ? -1 : 0;
        free(line);
    }
    mon_set_error_prefix(m, NULL);
    return rc;
}


/* Keep VAL as --profile's (IS_PROFILE) or --mem's value, the last given
 * counting; each is checked as given, as getopt's commands do (docs/run.md:
 * "each value must still be valid"). */
static int take_value(bool is_profile, const char *val, const char **profile, const char **mem)
{
    uint32_t q;
    if (is_profile ? !cli_parse_profile("monitor", val)
                   : cli_parse_mem("monitor", val, TGM_Q_MAX, &q) != 0)
        return -1;
    *(is_profile ? profile : mem) = val;
    return 0;
}

int cli_monitor(int argc, char **argv)
{
    const char *cmds = NULL, *script = NULL, *profile = NULL, *mem = NULL;
    char *images[64];
    int nimages = 0;
    int i = 1;
    bool operands = false; /* after "--" every word is an image, as in the other commands */
    for (; i < argc; i++) {
        if (!operands && !script && !strcmp(argv[i], "--")) {
            operands = true;
            continue;
        }
        /* "-" is a file of that name, as in the other commands */
        if (operands || ((argv[i][0] != '-' || !argv[i][1]) && !script)) { /* -f takes the rest */
            if (nimages < 64) /* past it, counted for the error below */
                images[nimages] = argv[i];
            nimages++;
            continue;
        }
        /* --profile=P, --mem=Q and a unique prefix (--prof, --m=4096), as
         * getopt takes them in the other commands */
        const struct option *o = long_prefix(argv[i]);
        if (o && argv[i][2 + strcspn(argv[i] + 2, "=")] == '=') {
            if (o->val == 'h') {
                cli_error("monitor: option '--help' takes no value (try 'tgm monitor --help')");
                return EXIT_USAGE;
            }
            if (take_value(o->val == 'p', strchr(argv[i], '=') + 1, &profile, &mem) != 0)
                return EXIT_USAGE;
            continue;
        }
        if (o)
            argv[i] = (char *)(o->val == 'p' ? "--profile" : o->val == 'm' ? "--mem" : "--help");
        if ((!strcmp(argv[i], "--profile") || !strcmp(argv[i], "--mem")) && i + 1 < argc) {
            if (take_value(argv[i][2] == 'p', argv[i + 1], &profile, &mem) != 0)
                return EXIT_USAGE;
            i++;
            continue;
        }
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            monitor_usage(stdout);
            return EXIT_OK;
        }
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "-f") || !strcmp(argv[i], "--profile") ||
             !strcmp(argv[i], "--mem")) && i + 1 == argc) {
            cli_error("monitor: option '%s' needs a value (%s)", argv[i],
                      argv[i][1] == 'c' ? "the commands to run"
                      : argv[i][1] == 'f' ? "a script file"
                      : argv[i][2] == 'p' ? "a profile name" : "a number of words");
            return EXIT_USAGE;
        }
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "-f")) && i + 1 < argc) {
            if (cmds && argv[i][1] == 'c') { /* not the last one counts: both are commands */
                cli_error("monitor: -c given twice; give one -c with the commands separated "
                          "by ';'");
                return EXIT_USAGE;
            }
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
        /* a long option's name without its '=VALUE', as the other commands quote it */
        bool is_long = !strncmp(argv[i], "--", 2) && argv[i][2] != '=';
        int n = is_long ? 2 + (int)strcspn(argv[i] + 2, "=") : (int)strlen(argv[i]);
        const char *guess = is_long ? cli_option_guess(monitor_opts, argv[i] + 2,
                                                       (size_t)n - 2)
                                    : NULL;
        if (guess)
            cli_error("monitor: unknown option '%.*s' (did you mean '--%s'?)", n, argv[i],
                      guess);
        else
            cli_error("monitor: unknown option '%.*s' (try 'tgm monitor --help')", n, argv[i]);
        return EXIT_USAGE;
    }
    if (nimages > 64) {
        cli_error("monitor: %d images given, at most 64", nimages);
        return EXIT_USAGE;
    }
    /* several: a VM of TGM_Q_DEFAULT words each (prepare), in a real
     * machine of at most TGM_Q_MAX words; say so before any is made */
    uint64_t need = VMM_K + (uint64_t)nimages * TGM_Q_DEFAULT;
    if (nimages > 1 && need > TGM_Q_MAX) {
        cli_error("monitor: %d images of %u words need %llu words of real memory, more than %u "
                  "(at most %u; 'vm create NAME WORDS FILE' makes smaller VMs)",
                  nimages, TGM_Q_DEFAULT, (unsigned long long)need, TGM_Q_MAX,
                  (TGM_Q_MAX - VMM_K) / TGM_Q_DEFAULT);
        return EXIT_USAGE;
    }
    /* check the options here, so errors read as the CLI's do */
    uint32_t q = 0;
    if (profile && !cli_parse_profile("monitor", profile))
        return EXIT_USAGE;
    if (mem && cli_parse_mem("monitor", mem, TGM_Q_MAX, &q) != 0)
        return EXIT_USAGE;
    for (int k = 0; k < nimages; k++)
        if (cli_input_ok("monitor", images[k]) != 0)
            return EXIT_USAGE;
    /* stdout through a stream that Ctrl-C at the terminal cannot cut short;
     * what loading the images prints is held until all of them have
     * loaded: an image refused is the one error line, with nothing on
     * stdout, as in the other commands (docs/monitor.md, "Starting") */
    char *held = NULL;
    size_t nheld = 0;
    FILE *hold = open_memstream(&held, &nheld);
    FILE *out = hold ? mon_steady_stream(STDOUT_FILENO) : NULL;
    struct mon *m = out ? mon_create(hold, stderr) : NULL;
    if (!m) {
        if (out)
            fclose(out);
        if (hold)
            fclose(hold);
        free(held);
        cli_error("monitor: out of memory");
        return EXIT_USAGE;
    }
    int prepared = prepare(m, profile, q, images, nimages);
    mon_set_output(m, out);
    fclose(hold);
    if (prepared != 0) {
        free(held);
        mon_destroy(m);
        fclose(out);
        return EXIT_USAGE;
    }
    fwrite(held, 1, nheld, out);
    free(held);
    int st;
    mon_catch_termination();
    if (cmds)
        st = mon_run_string(m, cmds);
    else if (script)
        st = mon_run_script(m, script, argc - i - 1, argv + i + 1);
    else if (isatty(STDIN_FILENO))
        st = mon_run_interactive(m);
    else
        st = mon_run_stream(m, stdin, "<stdin>");
    if (mon_end(m) != 0 && st == 0) /* a trace or log was lost */
        st = 1;
    int lost = mon_output_errno(m);
    mon_destroy(m);
    if (fflush(out) != 0 && !lost) /* (the monitor flushes after every command) */
        lost = mon_write_error(errno);
    bool failed = ferror(out);
    fclose(out);
    bool by_signal = mon_termination_signal() != 0;
    if (by_signal)
        cli_ended_by_signal();
    /* the reason, which main's check cannot see; not when a signal ended
     * the session (a write it cut short, EINTR; the terminal hung up, EIO
     * with SIGHUP): its status says so, and no one would see the line */
    if (lost && failed && lost != EINTR && !by_signal) {
        cli_error("monitor: cannot write the output: %s", strerror(lost));
        return EXIT_USAGE;
    }
    return st;
}
