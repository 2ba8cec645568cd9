/* cli_nest.c: `tgm run --nest N` and `tgm check --nest N`: Theorem 2
 * (section 7) on the command line.
 *
 * The stack is the built-in machine-code control program N times with the
 * guest on top (src/vmm/nest.c), on a bare machine or, with --vmm, as one VM
 * of the C control program.  The guest's state is read back through the
 * control programs' own records (the inverse map g, level by level), so it
 * is reported with the same fields as a bare run; what only an outside
 * observer could count (the guest's cycles, instructions, steps) is not
 * kept by any level and is reported per level and for the real machine.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "tgm/nest.h"
#include "tgm/vmm.h"

static void level_text(const struct nest_level *l)
{
    printf("level %-6u base 0x%05" PRIx32 ", guest of %" PRIu32 " words at 0x%05" PRIx32
           ": %" PRIu64 " entr%s, %" PRIu64 " interpreted, %" PRIu64 " reflected, %" PRIu64
           " timer trap%s, %" PRIu64 " single step%s; its guest: ",
           l->level, l->base, l->w, l->gbase, l->entries, l->entries == 1 ? "y" : "ies",
           l->interp, l->reflect, l->vtimer, cli_plural(l->vtimer), l->steps,
           cli_plural(l->steps));
    if (!l->started) /* before its boot, its PSW means nothing */
        printf("not started\n");
    else
        printf("%s I=%d P=0x%05" PRIx32 " l=0x%05" PRIx32 " b=0x%05" PRIx32 "\n",
               l->vpsw.sup ? "s" : "u", l->vpsw.ie, l->vpsw.p, l->vpsw.l, l->vpsw.b);
}

static void level_json(const struct nest_level *l)
{
    printf("{\"level\":%u,\"base\":%" PRIu32 ",\"w\":%" PRIu32 ",\"entries\":%" PRIu64
           ",\"interpreted\":%" PRIu64 ",\"reflected\":%" PRIu64 ",\"timer_traps\":%" PRIu64
           ",\"single_steps\":%" PRIu64 ",\"traps_in\":{",
           l->level, l->base, l->w, l->entries, l->interp, l->reflect, l->vtimer, l->steps);
    for (unsigned c = 1; c < TRAP_NCAUSES; c++)
        printf("%s\"%s\":%" PRIu64, c > 1 ? "," : "", trap_cause_name(c), l->causes[c]);
    printf("},\"guest_started\":%s,\"guest_psw\":\"0x%016" PRIx64 "\"}",
           l->started ? "true" : "false", psw_pack(&l->vpsw));
}

static void real_text(const struct machine *m, const char *what)
{
    struct machine_counters c = machine_get_counters(m);
    uint64_t traps = 0;
    for (unsigned i = 1; i < TRAP_NCAUSES; i++)
        traps += c.traps[i];
    printf("%-12s %s: %" PRIu64 " cycle%s, %" PRIu64 " instruction%s, %" PRIu64
           " step%s, %" PRIu64 " trap%s\n",
           "real", what, c.cycles, cli_plural(c.cycles), c.instret, cli_plural(c.instret),
           c.steps, cli_plural(c.steps), traps, cli_plural(traps));
}

/* The guest's state as a bare run reports it, from level 1's record. */
static void capture_top(struct report_state *st, const struct nest_run *r,
                        const struct machine *top, bool halted)
{
    struct machine_exit ex = {.reason = halted ? EXIT_HALT : EXIT_BUDGET};
    report_capture(st, top, &ex);
    struct nest_level l1;
    nest_level_read(&r->lay, machine_mem(r->m), 1, &l1);
    memcpy(st->ctr.traps, l1.rtraps, sizeof st->ctr.traps);
    st->last_trap = l1.last_trap;
    st->counters_unknown = true;
    st->not_started = !l1.started;
}

int cli_parse_nest(const char *cmd, const char *s, unsigned *depth)
{
    uint64_t v;
    if (cli_parse_range(cmd, "--nest", s, 1, NEST_MAX_DEPTH, "level", &v) != 0)
        return -1; /* worded as the monitor's 'nest N' */
    *depth = (unsigned)v;
    return 0;
}

int cli_nest_profile_ok(const char *cmd, const struct isa_profile *p)
{
    if (!p || p == isa_profile_default())
        return 0;
    cli_error("%s: --nest: the machine-code control program virtualizes the '%s' "
              "profile only", cmd, isa_profile_default()->name);
    return -1;
}

int run_nest(const struct run_opts *o)
{
    /* --stats and --timeline are the C control program's; the levels print their own */
    const char *flag = o->nest_flag; /* the first given */
    if (o->nimages != 1 || flag) {
        cli_error("run: --nest%s%s: --nest takes one IMAGE, and not --vms, --hybrid, --slice, "
                  "--dump, --stats or --timeline", flag ? " with " : "", flag ? flag : "");
        return EXIT_USAGE;
    }
    if (cli_nest_profile_ok("run", o->profile) != 0)
        return EXIT_USAGE;
    struct tgm_image img = {0};
    if (cli_load_image("run", o->images[0], &img) != 0)
        return EXIT_USAGE;
    struct nest_run r;
    struct nest_run_opts no = {o->nest, o->q, o->vmm, false, o->in.bytes, o->in.len};
    char err[512];
    int rc = nest_run_start(NULL, &img, &no, &r, err, sizeof err);
    char hb[96];
    const char *hint =
        cli_mem_hint(&img, o->q, nest_guest_most(o->nest, o->vmm), hb, sizeof hb);
    image_free(&img);
    if (rc != 0) {
        cli_error("run: %s: %s%s", o->images[0], err, hint);
        return EXIT_USAGE;
    }
    /* the bottom machine's console is the guest's: taken after each chunk
     * as a bare run's is, so none of it is lost past the 16 MiB buffer */
    struct run_console con = {.stream = !o->json};
    uint64_t done = 0;
    enum report_stop stop = STOP_NONE;
    run_catch_sigint();
    for (;;) {
        if (run_interrupted()) { /* before the first chunk too: a Ctrl-C held while loading */
            stop = STOP_INTERRUPT;
            break;
        }
        uint64_t budget = RUN_CHUNK;
        if (o->max_steps && o->max_steps - done < budget)
            budget = o->max_steps - done;
        uint64_t s0 = r.steps;
        bool halted = nest_run_go(&r, budget);
        done += r.steps - s0;
        run_take_console(r.m, &con);
        if (halted) {
            stop = STOP_HALT;
            break;
        }
        if (r.steps == s0 || (o->max_steps && done >= o->max_steps)) {
            stop = STOP_STEP_LIMIT;
            break;
        }
    }
    run_hold_sigint(); /* the report written whole: run_end_sigint */
    struct machine *top = nest_run_top(&r);
    if (!top) {
        cli_error("run: out of memory reading the guest's state");
        free(con.kept);
        nest_run_free(&r);
        return EXIT_USAGE;
    }
    struct report_state st;
    capture_top(&st, &r, top, stop == STOP_HALT);
    st.stop = stop;
    st.console = con.kept;
    st.console_len = con.kept_len;
    st.console_bytes = con.total;
    if (o->json) {
        char *buf = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&buf, &len);
        if (f) {
            report_json(f, &st);
            fclose(f);
        }
        if (buf && len > 0 && buf[len - 1] == '}') /* add the levels to the object */
            printf("%.*s", (int)(len - 1), buf);
        free(buf);
        printf(",\"nest\":{\"depth\":%u,\"k\":%" PRIu32 ",\"c_control_program\":%s,"
               "\"levels\":[",
               r.lay.depth, r.lay.map.k, o->vmm ? "true" : "false");
        for (unsigned d = 1; d <= r.lay.depth; d++) {
            struct nest_level l;
            nest_level_read(&r.lay, machine_mem(r.m), d, &l);
            if (d > 1)
                putchar(',');
            level_json(&l);
        }
        struct machine_counters c = machine_get_counters(r.real);
        printf("],\"real\":{\"q\":%" PRIu32 ",\"cycles\":%" PRIu64 ",\"instructions\":%" PRIu64
               ",\"steps\":%" PRIu64 "}}}\n",
               machine_q(r.real), c.cycles, c.instret, c.steps);
    } else if (!o->quiet) {
        if (con.total && con.last != '\n')
            putchar('\n');
        report_text(stdout, &st);
        for (unsigned d = 1; d <= r.lay.depth; d++) {
            struct nest_level l;
            nest_level_read(&r.lay, machine_mem(r.m), d, &l);
            level_text(&l);
        }
        real_text(r.real, o->vmm ? "the C control program's machine" : "the bare machine");
    }
    int status = stop == STOP_HALT ? EXIT_OK
                 : stop == STOP_INTERRUPT ? EXIT_INTERRUPTED : EXIT_STEPLIMIT;
    if (!run_output_ok(&con, NULL, NULL))
        status = EXIT_USAGE;
    else if (stop == STOP_STEP_LIMIT && !o->json) /* the guest's trap loop, as a bare run's */
        cli_limit_note(NULL, st.not_started ? NULL : top, o->max_steps);
    machine_destroy(top);
    nest_run_free(&r);
    free(con.kept);
    return status;
}

int check_nest(const char *const *names, size_t n, unsigned depth, bool vmm, uint32_t w,
               uint64_t max_steps, const uint8_t *input, size_t input_len, bool json)
{
    /* every image is run before anything is printed, so a bad one leaves
     * one error line and no half-written report */
    struct nest_check_result *res = calloc(n, sizeof *res);
    if (!res) {
        cli_error("check: out of memory");
        return EXIT_USAGE;
    }
    bool all = true;
    size_t done = 0; /* images compared: all of them unless Ctrl-C came */
    run_hold_sigint(); /* caught once the first image is read, as 'run' does */
    for (; done < n; done++) {
        struct tgm_image img = {0};
        if (cli_load_image("check", names[done], &img) != 0)
            break;
        if (done == 0)
            run_catch_sigint();
        if (run_interrupted()) { /* while it was read: before its run */
            image_free(&img);
            break;
        }
        struct nest_run_opts o = {depth, w, vmm, true, input, input_len};
        char err[512];
        int rc = nest_check_until(NULL, &img, &o, max_steps, run_interrupted, &res[done], err,
                                  sizeof err);
        char hb[96];
        const char *hint = cli_mem_hint(&img, w, nest_guest_most(depth, vmm), hb, sizeof hb);
        image_free(&img);
        if (rc != 0) {
            if (!run_interrupted())
                cli_error("check: %s: %s%s", names[done], err, hint);
            break;
        }
        all &= res[done].equivalent;
    }
    bool interrupted = done < n && run_interrupted();
    run_hold_sigint(); /* the report written whole: run_end_sigint */
    if (done < n && !interrupted) {
        free(res);
        return EXIT_USAGE;
    }
    if (json)
        printf("{\"depth\":%u,\"c_control_program\":%s,\"images\":[", depth,
               vmm ? "true" : "false");
    for (size_t i = 0; i < done; i++) {
        const struct nest_check_result *r = &res[i];
        if (json) {
            printf("%s{\"file\":", i ? "," : "");
            report_json_name(stdout, names[i]);
            printf(",\"equivalent\":%s,\"diff\":", r->equivalent ? "true" : "false");
            report_json_string(stdout, (const uint8_t *)r->diff, strlen(r->diff));
            printf(",\"traps\":%zu,\"timer_traps\":%zu,\"bare\":{\"steps\":%" PRIu64
                   ",\"cycles\":%" PRIu64 "},\"real\":{\"steps\":%" PRIu64
                   ",\"cycles\":%" PRIu64 "}}",
                   r->traps, r->timer_traps, r->bare_steps, r->bare_cycles, r->real_steps,
                   r->real_cycles);
        } else if (r->equivalent) {
            char traps[96];
            nest_check_traps(r, traps, sizeof traps);
            cli_line("%s: equivalent at depth %u%s (E, PSW, R, timer, console; %s); real steps "
                     "%" PRIu64 ", bare %" PRIu64 " (reported, not compared: the paper excludes "
                     "timing)",
                   names[i], depth, vmm ? " on the C control program" : "", traps,
                   r->real_steps, r->bare_steps);
        } else {
            cli_line("%s: NOT equivalent at depth %u%s: %s", names[i], depth,
                   vmm ? " on the C control program" : "", r->diff);
        }
    }
    /* after Ctrl-C, no verdict unless an image compared already failed */
    if (json)
        printf("],\"equivalent\":%s,\"interrupted\":%s}\n",
               !all ? "false" : interrupted ? "null" : "true", interrupted ? "true" : "false");
    else if (interrupted)
        printf("interrupted (Ctrl-C): %zu of %zu image%s compared; %s\n", done, n,
               cli_plural(n), all ? "no verdict" : "NOT equivalent");
    free(res);
    return interrupted ? EXIT_INTERRUPTED : all ? EXIT_OK : EXIT_NEGATIVE;
}
