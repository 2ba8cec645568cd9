/* cli_check.c: `tgm check`: the equivalence property of sections 5 and 6.
 *
 * Runs each guest to HALT on a bare machine and under the control program,
 * alone and with the others alongside, and reports "equivalent" or the
 * first differing component of f(S2) and S2'.  Exit 0 if all are
 * equivalent, 1 if any is not, 2 on bad usage or input, 130 after Ctrl-C.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: tgm check [options] IMAGE...\n"
            "Run each image (or .s source) to HALT on a bare machine and under the control\n"
            "program, alone and all together, and compare f(S2) with S2' (paper section 6).\n\n"
            "  --mem W          guest memory in words, %u..%u (default %u); with\n"
            "                   --nest N, up to 2^19 less 640 per level\n"
            "  --max-steps N    steps allowed per run, at least 1 (default %u);\n"
            "                   a guest that does not halt within them is never called\n"
            "                   equivalent\n"
            "  --slice C        cycles per time slice with several guests (default %u)\n"
            "  --profile P      instruction-set profile (default virtualizable)\n"
            "  --hybrid         use the hybrid monitor of section 8\n"
            "  --input TEXT     console input given to every run (may repeat; appended\n"
            "                   in order)\n"
            "  --input-file F   the same, read from file F ('-': standard input)\n"
            "  --json           one JSON object instead of text\n"
            "  --nest N         instead: each image bare and on N levels (1..%u) of the\n"
            "                   control program in tgm's own instructions (Theorem 2),\n"
            "                   compared trap by trap\n"
            "  --vmm            with --nest: the C control program at the bottom\n"
            "  -h, --help       show this help\n\n"
            "Exit status: 0 all equivalent, 1 some not, 2 bad usage or input, 130\n"
            "interrupted (Ctrl-C; the images compared so far are reported).\n",
            TGM_Q_MIN, VMM_W_MAX, TGM_Q_DEFAULT, CHECK_DEFAULT_STEPS, VMM_DEFAULT_SLICE,
            NEST_MAX_DEPTH);
}

/* An image's verdict as far as it went: 1 equivalent, 0 not, -1 none yet
 * (equal alone, but a stop came before the run with the others). */
static int verdict_of(const struct check_result *r, size_t n)
{
    if (!r->equivalent)
        return 0;
    return n > 1 && !r->together_done ? -1 : 1;
}

static const char *json_verdict(int v) { return v < 0 ? "null" : v ? "true" : "false"; }

/* The images compared (all of them unless a stop came: then those compared
 * alone), "interrupted" saying whether it did. */
static void print_json(const char *const *names, const struct check_result *r, size_t n,
                       int all, bool interrupted)
{
    printf("{\"equivalent\":%s,\"interrupted\":%s,\"images\":[", json_verdict(all),
           interrupted ? "true" : "false");
    for (size_t i = 0, shown = 0; i < n; i++) {
        if (!r[i].alone_done)
            continue;
        printf("%s{\"file\":", shown++ ? "," : "");
        report_json_name(stdout, names[i]);
        printf(",\"equivalent\":%s,\"bare_halted\":%s,\"alone\":{\"halted\":%s,\"diff\":",
               json_verdict(verdict_of(&r[i], n)), r[i].bare_halted ? "true" : "false",
               r[i].alone_halted ? "true" : "false");
        report_json_string(stdout, (const uint8_t *)r[i].alone_diff, strlen(r[i].alone_diff));
        printf("}");
        if (n > 1 && !r[i].together_done) {
            printf(",\"together\":null");
        } else if (n > 1) {
            printf(",\"together\":{\"halted\":%s,\"diff\":",
                   r[i].together_halted ? "true" : "false");
            report_json_string(stdout, (const uint8_t *)r[i].together_diff,
                               strlen(r[i].together_diff));
            printf("}");
        }
        printf(",\"instructions\":%llu,\"direct\":%llu,\"interpreted\":%llu,\"direct_ratio\":%.6f}",
               (unsigned long long)r[i].bare.instret, (unsigned long long)r[i].stats.direct,
               (unsigned long long)r[i].stats.interpreted, vm_stats_direct_ratio(&r[i].stats));
    }
    printf("]}\n");
}

static void print_text(const char *const *names, const struct check_result *r, size_t n,
                       bool interrupted)
{
    size_t alone = 0;
    bool failed = false;
    for (size_t i = 0; i < n; i++) {
        if (!r[i].alone_done)
            continue;
        alone++;
        int v = verdict_of(&r[i], n);
        failed |= v == 0;
        if (v != 0) {
            cli_line("%s: equivalent (alone%s); %llu instruction%s, %.4f%% executed directly",
                   names[i],
                   v < 0 ? "; interrupted before the run with the others"
                   : n > 1 ? " and with the others" : "",
                   (unsigned long long)r[i].bare.instret, cli_plural(r[i].bare.instret),
                   100.0 * vm_stats_direct_ratio(&r[i].stats));
            continue;
        }
        cli_line("%s: NOT equivalent", names[i]);
        if (r[i].alone_diff[0])
            printf("  alone: %s\n", r[i].alone_diff);
        if (n > 1 && r[i].together_diff[0])
            printf("  with the others: %s\n", r[i].together_diff);
    }
    if (interrupted) /* an image found not equivalent settles it, as in JSON */
        printf("interrupted (Ctrl-C): %zu of %zu image%s compared%s; %s\n", alone, n,
               cli_plural(n), n > 1 ? " alone, none with the others" : "",
               failed ? "NOT equivalent" : "no verdict");
}

/* The --mem values given: the last counts, but each must be valid
 * (docs/run.md), in a range known only once --nest is, so the first value
 * out of each of the two ranges is kept. */
struct mem_args {
    const char *last, *bad_vmm, *bad_nest;
};

static int mem_args_add(struct mem_args *m, const char *s)
{
    uint64_t v;
    if (cli_parse_bounded("check", "--mem", s, &v) != 0)
        return -1;
    if (!m->bad_vmm && (v < TGM_Q_MIN || v > VMM_W_MAX))
        m->bad_vmm = s;
    if (!m->bad_nest && (v < TGM_Q_MIN || v > TGM_Q_MAX))
        m->bad_nest = s;
    m->last = s;
    return 0;
}

/* cli_check with IN to fill from --input and --input-file, which the
 * caller frees whichever way this returns. */
static int check_main(int argc, char **argv, struct cli_input *in)
{
    static const struct option opts[] = {
        {"mem", required_argument, 0, 'm'},     {"max-steps", required_argument, 0, 'n'},
        {"slice", required_argument, 0, 's'},   {"profile", required_argument, 0, 'p'},
        {"hybrid", no_argument, 0, 'H'},        {"input", required_argument, 0, 'i'},
        {"json", no_argument, 0, 'j'},          {"help", no_argument, 0, 'h'},
        {"nest", required_argument, 0, 'N'},    {"vmm", no_argument, 0, 'V'},
        {"input-file", required_argument, 0, 'f'},
        {0, 0, 0, 0}};
    struct check_opts o = {0};
    bool json = false, vmm = false;
    unsigned nest = 0;
    struct mem_args mem = {0};
    int c;
    const char *nest_flag = NULL; /* the first of --hybrid and --slice, which --nest refuses */
    optind = 1;
    opterr = 0; /* cli_bad_option says what was wrong */
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': /* its range is known once --nest is: after the options */
            if (mem_args_add(&mem, optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'n':
            /* not 0: it would silently mean the default, not "none" (a guest
             * that does not halt is never equivalent) */
            if (cli_parse_range("check", "--max-steps", optarg, 1, UINT64_MAX, "step",
                                &o.max_steps) != 0)
                return EXIT_USAGE;
            break;
        case 's':
            /* not 0: it would silently mean the default */
            if (cli_parse_range("check", "--slice", optarg, 1, VMM_SLICE_MAX, "cycle",
                                &o.slice) != 0)
                return EXIT_USAGE;
            nest_flag = nest_flag ? nest_flag : "--slice";
            break;
        case 'p':
            if (!(o.profile = cli_parse_profile("check", optarg)))
                return EXIT_USAGE;
            break;
        case 'H':
            o.hybrid = true;
            nest_flag = nest_flag ? nest_flag : "--hybrid";
            break;
        case 'i':
            if (cli_input_text(in, "check", optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'f':
            if (cli_input_file(in, "check", optarg) != 0)
                return EXIT_USAGE;
            break;
        case 'j': json = true; break;
        case 'V': vmm = true; break;
        case 'N':
            if (cli_parse_nest("check", optarg, &nest) != 0)
                return EXIT_USAGE;
            break;
        case 'h': usage(stdout); return EXIT_OK;
        default: return cli_bad_option("check", c, argv, opts);
        }
    }
    /* the guest's memory: under the C control program's words, or under
     * --nest up to 2^19, the depth's own limit said by nest_build */
    const char *mem_bad = nest ? mem.bad_nest : mem.bad_vmm;
    if (mem.last && cli_parse_mem("check", mem_bad ? mem_bad : mem.last, nest ? TGM_Q_MAX : VMM_W_MAX,
                                  &o.w) != 0)
        return EXIT_USAGE;
    o.input = in->bytes;
    o.input_len = in->len;
    size_t n = (size_t)(argc - optind);
    if (n == 0) {
        cli_error("check: no image given (try 'tgm check --help')");
        return EXIT_USAGE;
    }
    if (n > VMM_MAX_VMS) {
        cli_error("check: %zu images given, at most %d", n, VMM_MAX_VMS);
        return EXIT_USAGE;
    }
    if (vmm && !nest) {
        cli_error("check: --vmm goes with --nest (the control program is always used)");
        return EXIT_USAGE;
    }
    if (nest) {
        if (cli_nest_profile_ok("check", o.profile) != 0)
            return EXIT_USAGE;
        if (nest_flag) { /* say why for the first given */
            bool hybrid = !strcmp(nest_flag, "--hybrid");
            cli_error("check: --nest with %s: the machine-code control program %s", nest_flag,
                      hybrid ? "is no hybrid monitor: it runs its guest's supervisor "
                               "code directly"
                             : "hosts one guest, with no time slices");
            return EXIT_USAGE;
        }
        return check_nest((const char *const *)argv + optind, n, nest, vmm,
                          o.w ? o.w : TGM_Q_DEFAULT,
                          o.max_steps ? o.max_steps : CHECK_DEFAULT_STEPS, o.input,
                          o.input_len, json);
    }
    /* all of them run together in one control program: say so before any
     * run, as 'run --vmm' does */
    if (cli_guests_fit("check", n, "image", o.w ? o.w : TGM_Q_DEFAULT) != 0)
        return EXIT_USAGE;
    struct tgm_image *imgs = calloc(n, sizeof *imgs);
    const struct tgm_image **ptrs = calloc(n, sizeof *ptrs);
    struct check_result *res = calloc(n, sizeof *res);
    int rc = EXIT_USAGE;
    size_t loaded = 0;
    if (!imgs || !ptrs || !res) {
        cli_error("check: out of memory");
        goto out;
    }
    run_hold_sigint(); /* a Ctrl-C while they are read stops the check before its runs */
    for (; loaded < n; loaded++) {
        if (cli_load_image("check", argv[optind + (int)loaded], &imgs[loaded]) != 0)
            goto out;
        ptrs[loaded] = &imgs[loaded];
    }
    char err[512];
    o.stop = run_interrupted; /* Ctrl-C: report what was compared, as 'run' does */
    run_catch_sigint();
    bool interrupted = run_interrupted(); /* held while loading: nothing compared */
    int crc = interrupted ? -1 : vmm_check(ptrs, n, &o, res, err, sizeof err);
    interrupted |= crc != 0 && run_interrupted();
    if (crc != 0 && !interrupted) {
        size_t bad = 0;
        while (bad < n && !res[bad].setup_failed)
            bad++;
        char hint[96];
        if (bad < n)
            cli_error("check: %s: %s%s", argv[optind + (int)bad], err,
                      cli_mem_hint(&imgs[bad], o.w ? o.w : TGM_Q_DEFAULT,
                                   VMM_W_MAX / (uint32_t)n, hint, sizeof hint));
        else
            cli_error("check: %s", err);
        goto out;
    }
    int all = interrupted ? -1 : 1; /* as verdict_of: -1 when a stop came first */
    for (size_t i = 0; i < n; i++)
        if (res[i].alone_done && verdict_of(&res[i], n) == 0)
            all = 0;
    if (json)
        print_json((const char *const *)argv + optind, res, n, all, interrupted);
    else
        print_text((const char *const *)argv + optind, res, n, interrupted);
    rc = interrupted ? EXIT_INTERRUPTED : all ? EXIT_OK : EXIT_NEGATIVE;
out:
    run_hold_sigint(); /* the report written whole: cli_check's run_end_sigint */
    for (size_t i = 0; i < loaded; i++)
        image_free(&imgs[i]);
    free(imgs);
    free(ptrs);
    free(res);
    return rc;
}

int cli_check(int argc, char **argv)
{
    struct cli_input in = {0};
    run_hold_sigint(); /* from the start, as 'run' does */
    int rc = check_main(argc, argv, &in);
    rc = run_end_sigint("check", rc); /* a Ctrl-C held when the arguments were refused: dropped */
    cli_input_free(&in);
    return rc;
}
