/* cli_run.c: `tgm run`: load an image into a bare machine and run it.
 *
 * The bare machine of section 2: q words of E, the image's entry PSW, then
 * instructions until HALT or the step limit.  It prints the console output
 * and the final state (report.c), optionally as JSON, and can dump E.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "tgm/bytes.h"
#include "tgm/image.h"
#include "tgm/machine.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

/* A runaway loop stops after this many steps (a few seconds) unless
 * --max-steps says otherwise; 0 means no limit. */
#define RUN_DEFAULT_MAX_STEPS UINT64_C(1000000000)
static void run_usage(FILE *f)
{
    fprintf(f,
            "usage: tgm run IMAGE [options]\n"
            "       tgm run --vmm [--vms N] [--slice C] [--stats] [--timeline F] IMAGE...\n"
            "       tgm run --nest N [--vmm] IMAGE\n"
            "Run a guest image (or a .s source, assembled first) on a bare machine\n"
            "until HALT, then print the console output and the final state: PSW, last\n"
            "trap, traps by cause, cycles, instructions, steps, timer, console size\n"
            "and the FNV-1a digest of E.  With --vmm, run each image in its own VM\n"
            "under the control program and report every VM's console and state.\n\n"
            "  --max-steps N    stop after N steps (default %" PRIu64 "; 0 = no limit);\n"
            "                   with --vmm, per VM\n"
            "  --mem Q          memory words, %u..%u (default %u); with --vmm, per VM,\n"
            "                   at most %u (the control program's words come first)\n"
            "  --profile P      instruction-set profile (default virtualizable);\n"
            "                   'tgm isa --profile P' describes P\n"
            "  --input TEXT     bytes for CIN to read (may repeat; appended in order)\n"
            "  --input-file F   the same, read from file F ('-': standard input)\n"
            "  --json           print everything as one JSON object\n"
            "  --dump FILE      write all of E to FILE (8 bytes per word, little-endian);\n"
            "                   not with --vmm or --nest\n"
            "  --quiet          print only the console output (with --vmm, each VM's\n"
            "                   header line and --stats too); not with --json\n"
            "  --vmm            run under the control program (paper sections 4-6)\n"
            "  --vms N          with --vmm and one image: run N copies of it (1..%d),\n"
            "                   each in a VM\n"
            "  --slice C        with --vmm: cycles per time slice with several VMs\n"
            "                   (default %u)\n"
            "  --hybrid         with --vmm: the hybrid monitor of section 8\n"
            "  --stats          with --vmm, per VM: instructions executed directly and\n"
            "                   interpreted, the efficiency ratio, traps by cause and\n"
            "                   disposition\n"
            "  --timeline FILE  with --vmm: write the run to FILE as a picture, a track per\n"
            "                   VM and one for the control program: an SVG if FILE ends in\n"
            "                   .svg, else Chrome's trace event format (Perfetto,\n"
            "                   chrome://tracing)\n"
            "  --nest N         run IMAGE on N levels (1..%u) of the control program written\n"
            "                   in tgm's own instructions (Theorem 2); --mem is the guest's\n"
            "                   memory; with --vmm the C control program is at the bottom\n"
            "                   (--vms, --slice, --hybrid, --stats, --timeline and --dump\n"
            "                   are not taken with it)\n"
            "  -h, --help       show this help\n\n"
            "Exit status: 0 halted, 3 step limit reached, 2 bad usage or input,\n"
            "130 interrupted (Ctrl-C).\n",
            RUN_DEFAULT_MAX_STEPS, TGM_Q_MIN, TGM_Q_MAX, TGM_Q_DEFAULT, TGM_Q_MAX - VMM_K,
            RUN_MAX_IMAGES,
            VMM_DEFAULT_SLICE,
            NEST_MAX_DEPTH);
}

/* Is ARG, the value of FLAG, a file name at all?  false after one line. */
static bool file_named(const char *flag, const char *arg)
{
    if (!*arg)
        cli_error("run: %s: expected a file name, got ''", flag);
    return *arg != '\0';
}

/* An output file's name: not '-', since standard output holds the report
 * (a file named '-' would surprise whoever meant standard output). */
static bool output_named(const char *flag, const char *arg)
{
    if (cli_is_stdout(arg))
        cli_error("run: %s -: standard output holds the report; give a file name", flag);
    return file_named(flag, arg) && !cli_is_stdout(arg);
}

/* Is OUT one of the N files IN (by name or as the same file)?  true after
 * one line naming it as WHAT. */
static bool is_one_of(const char *flag, const char *out, const char *const *in, int n,
                      const char *what)
{
    for (int i = 0; out && i < n; i++)
        if (strcmp(out, in[i]) == 0 || tgm_same_file(out, in[i])) {
            cli_error("run: %s: %s is the %s %s itself; choose another file", flag, out, what,
                      in[i]);
            return true;
        }
    return false;
}

/* An output file (--dump, --timeline) written over an input image (or
 * source) or an --input-file would destroy it: true, after one line, if
 * OUT is one. */
static bool overwrites_an_image(const char *flag, const char *out, const struct run_opts *o)
{
    for (int i = 0; i < o->nimages; i++)
        if (is_one_of(flag, out, &o->images[i], 1,
                      cli_is_source(o->images[i]) ? "source" : "image"))
            return true;
    return is_one_of(flag, out, o->in.files, o->in.nfiles, "input file");
}

bool run_replaces_a_program(const char *flag, const char *out)
{
    enum cli_program kind = out ? cli_program_kind(out) : PROG_NONE;
    if (kind != PROG_NONE)
        cli_error("run: %s: %s is %s and is not written over; choose another file", flag, out,
                  cli_program_name(kind));
    return kind != PROG_NONE;
}

/* Note FLAG, an option of the control program, if it is the first. */
static void cp_option(struct run_opts *o, const char *flag)
{
    if (!o->cp_flag)
        o->cp_flag = flag;
    if (!o->nest_flag)
        o->nest_flag = flag;
}

/* Parse ARGV into O; on error print one line and return -1.  Returns 1
 * when --help was printed. */
static int parse_args(int argc, char **argv, struct run_opts *o)
{
    enum { O_MAX = 256, O_JSON, O_DUMP, O_MEM, O_INPUT, O_INFILE, O_PROFILE, O_QUIET,
           O_VMM, O_VMS, O_SLICE, O_HYBRID, O_STATS, O_NEST, O_TIMELINE };
    static const struct option opts[] = {
        {"max-steps", required_argument, 0, O_MAX},
        {"json", no_argument, 0, O_JSON},
        {"dump", required_argument, 0, O_DUMP},
        {"mem", required_argument, 0, O_MEM},
        {"input", required_argument, 0, O_INPUT},
        {"input-file", required_argument, 0, O_INFILE},
        {"profile", required_argument, 0, O_PROFILE},
        {"quiet", no_argument, 0, O_QUIET},
        {"vmm", no_argument, 0, O_VMM},
        {"vms", required_argument, 0, O_VMS},
        {"slice", required_argument, 0, O_SLICE},
        {"hybrid", no_argument, 0, O_HYBRID},
        {"stats", no_argument, 0, O_STATS},
        {"timeline", required_argument, 0, O_TIMELINE},
        {"nest", required_argument, 0, O_NEST},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    uint64_t v;
    int c;
    optind = 1;
    opterr = 0; /* our own one-line messages */
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case O_MAX:
            if (cli_parse_range("run", "--max-steps", optarg, 0, UINT64_MAX, "step",
                                &o->max_steps) != 0)
                return -1;
            break;
        case O_JSON: o->json = true; break;
        case O_QUIET: o->quiet = true; break;
        case O_DUMP:
            if (!output_named("--dump", optarg))
                return -1;
            o->dump = optarg;
            if (!o->nest_flag)
                o->nest_flag = "--dump";
            break;
        case O_MEM:
            if (cli_parse_mem("run", optarg, TGM_Q_MAX, &o->q) != 0)
                return -1;
            break;
        case O_INPUT:
            if (cli_input_text(&o->in, "run", optarg) != 0)
                return -1;
            break;
        case O_INFILE:
            if (cli_input_file(&o->in, "run", optarg) != 0)
                return -1;
            break;
        case O_PROFILE:
            if (!(o->profile = cli_parse_profile("run", optarg)))
                return -1;
            break;
        case O_VMM: o->vmm = true; break;
        case O_HYBRID: o->hybrid = true; cp_option(o, "--hybrid"); break;
        case O_STATS: o->stats = true; cp_option(o, "--stats"); break;
        case O_TIMELINE:
            if (!output_named("--timeline", optarg))
                return -1;
            o->timeline = optarg;
            cp_option(o, "--timeline");
            break;
        case O_VMS:
            if (cli_parse_range("run", "--vms", optarg, 1, RUN_MAX_IMAGES, NULL, &v) != 0)
                return -1;
            o->vms = (uint32_t)v;
            cp_option(o, "--vms");
            break;
        case O_SLICE:
            if (cli_parse_range("run", "--slice", optarg, 1, VMM_SLICE_MAX, "cycle",
                                &o->slice) != 0)
                return -1;
            cp_option(o, "--slice");
            break;
        case O_NEST:
            if (cli_parse_nest("run", optarg, &o->nest) != 0)
                return -1;
            break;
        case 'h':
            run_usage(stdout);
            return 1;
        default:
            cli_bad_option("run", c, argv, opts);
            return -1;
        }
    }
    if (optind >= argc) {
        cli_error("run: no image given (try 'tgm run --help')");
        return -1;
    }
    if (o->json && o->quiet) {
        cli_error("run: --quiet: cannot be combined with --json");
        return -1;
    }
    if (o->nest) { /* run_nest checks the other options */
        if (argc - optind != 1) {
            cli_error("run: --nest takes one IMAGE");
            return -1;
        }
        o->images[o->nimages++] = argv[optind];
        return 0;
    }
    if (!o->vmm && o->cp_flag) {
        cli_error("run: %s needs --vmm", o->cp_flag);
        return -1;
    }
    if (optind + 1 < argc && (!o->vmm || o->vms)) {
        cli_error("run: unexpected argument '%s' (one IMAGE only%s)", argv[optind + 1],
                  o->vmm ? " with --vms" : "; several need --vmm");
        return -1;
    }
    if (argc - optind > RUN_MAX_IMAGES) {
        cli_error("run: %d images given, at most %d", argc - optind, RUN_MAX_IMAGES);
        return -1;
    }
    if (o->vmm && o->dump) {
        cli_error("run: --dump: not available with --vmm (use the monitor's examine)");
        return -1;
    }
    for (int i = optind; i < argc; i++)
        o->images[o->nimages++] = argv[i];
    /* refused before the run, which may be long, rather than after it;
     * an image first, so that a hard link to it is named as the image
     * (docs/run.md), not as a file with other links */
    if (overwrites_an_image("--dump", o->dump, o) ||
        overwrites_an_image("--timeline", o->timeline, o))
        return -1;
    if ((o->dump && cli_output_ok("run: --dump", o->dump) != 0) ||
        (o->timeline && cli_output_ok("run: --timeline", o->timeline) != 0))
        return -1;
    return 0;
}

/* Write all of E to PATH, q words of 8 little-endian bytes, atomically. */
static int dump_memory(const struct machine *m, const char *path)
{
    uint32_t q = machine_q(m);
    uint8_t *buf = malloc((size_t)q * 8);
    if (!buf) {
        cli_error("run: --dump: out of memory");
        return -1;
    }
    const uint64_t *E = machine_mem(m);
    for (uint32_t i = 0; i < q; i++)
        le_write(buf + 8 * (size_t)i, E[i], 8);
    char err[512];
    int rc = tgm_write_atomic(path, buf, (size_t)q * 8, err, sizeof err);
    free(buf);
    if (rc != 0)
        cli_error("run: --dump: %s", err);
    return rc;
}

void run_take_console(struct machine *m, struct run_console *c)
{
    size_t len;
    const uint8_t *out = machine_console_output(m, &len);
    c->total += machine_console_dropped(m); /* a chunk that overran the buffer */
    c->lost |= machine_console_lost(m);
    if (len && c->stream) {
        errno = 0;
        if ((fwrite(out, 1, len, stdout) != len || fflush(stdout) != 0) && !c->werr)
            c->werr = errno ? errno : EIO;
    } else if (len && c->kept_len < RUN_CONSOLE_KEEP) {
        size_t n = len < RUN_CONSOLE_KEEP - c->kept_len ? len : RUN_CONSOLE_KEEP - c->kept_len;
        uint8_t *p = realloc(c->kept, c->kept_len + n);
        if (p) {
            memcpy(p + c->kept_len, out, n);
            c->kept = p;
            c->kept_len += n;
        } else {
            c->lost = true; /* the JSON's console would not be the guest's */
        }
    }
    if (len)
        c->last = out[len - 1];
    c->total += len;
    machine_console_clear_output(m);
}

bool run_output_ok(const struct run_console *c, const char *flag, const char *file)
{
    errno = 0;
    if (fflush(stdout) == 0 && !ferror(stdout)) {
        if (!c || !c->lost)
            return true;
        /* the output printed is not the guest's: no report may rest on it */
        if (flag)
            cli_error("run: out of memory for the console output; %s %s not written", flag,
                      file);
        else
            cli_error("run: out of memory for the console output");
        return false;
    }
    int e = errno ? errno : c ? c->werr : 0;
    const char *why = e ? strerror(e) : "write error";
    if (flag)
        cli_error("run: cannot write the output: %s; %s %s not written", why, flag, file);
    else
        cli_error("run: cannot write the output: %s", why);
    return false;
}

/* Run M in chunks until it stops for a reason other than the chunk's
 * budget, MAX steps (0 = unlimited) are spent, or Ctrl-C, taking the
 * console output after each chunk. */
static enum report_stop run_machine(struct machine *m, uint64_t max, struct run_console *con,
                                    struct machine_exit *ex, uint32_t *detail)
{
    uint64_t done = 0;
    enum report_stop stop;
    *ex = (struct machine_exit){.reason = EXIT_BUDGET}; /* no step yet */
    run_catch_sigint();
    for (;;) {
        if (run_interrupted()) { /* before the first chunk too: a Ctrl-C held while loading */
            *detail = 0;
            stop = STOP_INTERRUPT;
            break;
        }
        uint64_t budget = RUN_CHUNK;
        if (max && max - done < budget)
            budget = max - done;
        machine_run(m, budget, ex);
        done += ex->steps;
        run_take_console(m, con);
        if (ex->reason != EXIT_BUDGET || (max && done >= max)) {
            stop = report_stop_of(ex, detail);
            break;
        }
    }
    run_hold_sigint(); /* the report and --dump written whole: run_end_sigint */
    return stop;
}

int cli_run(int argc, char **argv)
{
    struct run_opts o = {.max_steps = RUN_DEFAULT_MAX_STEPS, .q = TGM_Q_DEFAULT};
    struct tgm_image img = {0};
    struct machine *m = NULL;
    struct run_console con = {0};
    char err[512];
    int status = EXIT_USAGE;

    run_hold_sigint(); /* from the start: caught when the run starts, released after it */
    int rc = parse_args(argc, argv, &o);
    if (rc != 0) {
        status = rc > 0 ? EXIT_OK : EXIT_USAGE;
        goto done;
    }
    if (o.nest) {
        status = run_nest(&o);
        goto done;
    }
    if (o.vmm) {
        status = run_vmm(&o);
        goto done;
    }
    if (cli_load_image_for("run", o.images[0], &img, "--dump", o.dump) != 0 ||
        run_replaces_a_program("--dump", o.dump))
        goto done;
    struct machine_config cfg = {.q = o.q, .profile = o.profile};
    if (!(m = machine_create(&cfg))) {
        cli_error("run: out of memory for a machine of %" PRIu32 " words", o.q);
        goto done;
    }
    if (image_load(m, &img, err, sizeof err) != 0) {
        cli_error("run: %s: %s (try a larger --mem)", o.images[0], err);
        goto done;
    }
    if (o.in.len && machine_console_input(m, o.in.bytes, o.in.len) != 0) {
        cli_error("run: out of memory for console input");
        goto done;
    }

    struct machine_exit ex;
    struct report_state st;
    uint32_t detail;
    con.stream = !o.json;
    enum report_stop stop = run_machine(m, o.max_steps, &con, &ex, &detail);
    report_capture(&st, m, &ex);
    st.stop = stop;
    st.stop_detail = detail;
    st.console = con.kept;
    st.console_len = con.kept_len;
    st.console_bytes = con.total;
    if (o.json) {
        report_json(stdout, &st);
        putchar('\n');
    } else if (!o.quiet) {
        /* the console bytes were streamed; the state starts on its own line */
        if (con.total && con.last != '\n')
            putchar('\n');
        report_text(stdout, &st);
    }
    if (!run_output_ok(&con, o.dump ? "--dump" : NULL, o.dump))
        goto done;
    /* the note explains status 3: a failed --dump is status 2, its one line */
    if (o.dump && dump_memory(m, o.dump) != 0)
        goto done;
    if (stop == STOP_STEP_LIMIT && !o.json)
        cli_limit_note(NULL, m, o.max_steps);
    switch (stop) {
    case STOP_HALT: status = EXIT_OK; break;
    case STOP_STEP_LIMIT: status = EXIT_STEPLIMIT; break;
    case STOP_INTERRUPT: status = EXIT_INTERRUPTED; break;
    default: status = EXIT_NEGATIVE; break; /* no other stop on a bare machine */
    }
done:
    status = run_end_sigint("run", status); /* a failure before the run: a Ctrl-C held is dropped */
    machine_destroy(m);
    image_free(&img);
    free(con.kept);
    cli_input_free(&o.in);
    return status;
}
