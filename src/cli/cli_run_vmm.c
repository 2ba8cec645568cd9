/* cli_run_vmm.c: `tgm run --vmm`: guests under the control program.
 *
 * Sections 4-6: each image runs in its own VM of --mem words under one
 * control program, time-sliced with the real interval timer.  Prints every
 * VM's console and final virtual state and, with --stats, the three
 * properties counted: direct against interpreted instructions, the traps
 * the control program handled by cause and disposition, and the cycles.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report.h"
#include "run.h"
#include "tgm/timeline.h"
#include "tgm/vmm.h"

static void stats_text(FILE *f, const struct vm_stats *s)
{
    fprintf(f, "efficiency     %" PRIu64 " instruction%s executed directly, %" PRIu64
               " interpreted (%.4f%% direct)\n",
            s->direct, cli_plural(s->direct), s->interpreted, 100.0 * vm_stats_direct_ratio(s));
    fprintf(f, "cycles         %" PRIu64 " in the guest, %" PRIu64
               " in the control program's trap sequences and HCALLs\n",
            s->guest_cycles, s->cp_cycles);
    fprintf(f, "cp entries     %" PRIu64 "\n", s->entries);
    for (unsigned c = 0; c < TRAP_NCAUSES; c++) {
        bool any = false;
        for (unsigned d = 0; d < DISP_COUNT; d++)
            if (s->traps[c][d]) {
                if (!any)
                    fprintf(f, "  %-12s", c == TRAP_NONE ? "(no trap)" : trap_cause_name(c));
                fprintf(f, " %s %" PRIu64, vmm_disposition_name((enum vmm_disposition)d),
                        s->traps[c][d]);
                any = true;
            }
        if (any)
            fputc('\n', f);
    }
}

static void stats_json(FILE *f, const struct vm_stats *s)
{
    fprintf(f, "{\"direct\":%" PRIu64 ",\"interpreted\":%" PRIu64 ",\"direct_ratio\":%.6f,"
               "\"guest_cycles\":%" PRIu64 ",\"cp_cycles\":%" PRIu64 ",\"cp_entries\":%" PRIu64
               ",\"traps\":{",
            s->direct, s->interpreted, vm_stats_direct_ratio(s), s->guest_cycles,
            s->cp_cycles, s->entries);
    for (unsigned c = 0; c < TRAP_NCAUSES; c++) {
        fprintf(f, "%s\"%s\":{", c ? "," : "", trap_cause_name(c));
        for (unsigned d = 0; d < DISP_COUNT; d++)
            fprintf(f, "%s\"%s\":%" PRIu64, d ? "," : "",
                    vmm_disposition_name((enum vmm_disposition)d), s->traps[c][d]);
        fputc('}', f);
    }
    fputs("}}", f);
}

static enum report_stop stop_of(enum vm_state s, bool interrupted)
{
    switch (s) {
    case VM_HALTED: return STOP_HALT;
    case VM_LIMIT: return STOP_STEP_LIMIT;
    default: return interrupted ? STOP_INTERRUPT : STOP_NONE;
    }
}

/* Print every VM; returns the exit status their states call for. */
static int report(struct vmm *v, const struct run_opts *o, const char *const *files, int n,
                  bool interrupted)
{
    int status = EXIT_OK;
    bool open_line = false; /* a VM's console output ended mid-line */
    if (o->json)
        printf("{\"vms\":[");
    /* FILES names the N VMs run_vmm made, in the order vmm_vm_next gives them */
    for (int id = vmm_vm_next(v, -1), k = 0; id >= 0 && k < n; id = vmm_vm_next(v, id), k++) {
        struct vm_info info;
        if (vmm_vm_info(v, id, &info) != 0) /* vmm_vm_next gives live VMs only */
            continue;
        struct report_state st;
        report_capture(&st, vmm_vm_view(v, id), NULL);
        st.name = info.name;
        st.stop = stop_of(info.state, interrupted);
        if (st.stop == STOP_STEP_LIMIT && status == EXIT_OK)
            status = EXIT_STEPLIMIT;
        if (interrupted)
            status = EXIT_INTERRUPTED;
        if (o->json) {
            printf("%s{\"vm\":", k ? "," : "");
            report_json_string(stdout, (const uint8_t *)info.name, strlen(info.name));
            printf(",\"file\":");
            report_json_name(stdout, files[k]);
            printf(",\"base\":%" PRIu32 ",\"words\":%" PRIu32 ",\"state\":", info.base, info.w);
            report_json(stdout, &st);
            if (o->stats) {
                printf(",\"stats\":");
                stats_json(stdout, &info.stats);
            }
            putchar('}');
            continue;
        }
        if (open_line) /* the last VM's console: its header on a line of its own */
            putchar('\n');
        cli_line("== %s: %s (%" PRIu32 " words at real %" PRIu32 ")", info.name, files[k],
               info.w, info.base);
        open_line = report_console(stdout, &st);
        if (open_line && (!o->quiet || o->stats)) { /* something follows it */
            putchar('\n');
            open_line = false;
        }
        if (!o->quiet)
            report_text(stdout, &st);
        if (o->stats)
            stats_text(stdout, &info.stats);
    }
    if (o->json) {
        struct machine_counters c = machine_get_counters(vmm_machine(v));
        printf("],\"real\":{\"cycles\":%" PRIu64 ",\"instructions\":%" PRIu64
               ",\"steps\":%" PRIu64 "}}\n",
               c.cycles, c.instret, c.steps);
    }
    return status;
}

/* The same note a bare run gives, whatever else is printed. */
static void limit_notes(struct vmm *v, const struct run_opts *o)
{
    for (int id = vmm_vm_next(v, -1); !o->json && id >= 0; id = vmm_vm_next(v, id)) {
        struct vm_info info;
        if (vmm_vm_info(v, id, &info) == 0 && info.state == VM_LIMIT)
            cli_limit_note(info.name, vmm_vm_view(v, id), o->max_steps);
    }
}

/* Guest steps per vmm_run call: with one-cycle slices each is a control
 * program entry (about 100 ns), so Ctrl-C is seen within milliseconds
 * whatever the slice; at full speed a call costs next to nothing.  Calls
 * adding up to N end where one of N does (vmm_run), so the report,
 * --json and --timeline are the same whatever the chunk. */
#define RUN_VMM_CHUNK (UINT64_C(1) << 16)

struct tl_hook {
    struct tgm_timeline *t;
    struct vmm *v;
};

static void tl_event(void *ctx, const struct vmm_event *e)
{
    struct tl_hook *h = ctx;
    timeline_event(h->t, h->v, e);
}

int run_vmm(const struct run_opts *o)
{
    struct tl_hook tl = {0};
    int n = o->vms ? (int)o->vms : o->nimages;
    int nimg = o->nimages;
    if (cli_guests_fit("run", (uint64_t)n, "VM", o->q) != 0)
        return EXIT_USAGE;
    struct tgm_image img[RUN_MAX_IMAGES] = {{0}};
    const char *files[RUN_MAX_IMAGES];
    struct vmm *v = NULL;
    int status = EXIT_USAGE, loaded = 0;
    char err[512];
    for (; loaded < nimg; loaded++)
        if (cli_load_image_for("run", o->images[loaded], &img[loaded], "--timeline",
                               o->timeline) != 0)
            goto out;
    if (run_replaces_a_program("--timeline", o->timeline))
        goto out;
    struct vmm_config cfg = {.q = VMM_K + (uint32_t)n * o->q, .profile = o->profile,
                             .slice = o->slice, .hybrid = o->hybrid};
    if (!(v = vmm_create(&cfg, err, sizeof err))) {
        cli_error("run: %s", err);
        goto out;
    }
    for (int i = 0; i < n; i++) {
        const struct tgm_image *im = &img[o->vms ? 0 : i];
        files[i] = o->images[o->vms ? 0 : i];
        int id = vmm_vm_create(v, o->q, NULL, err, sizeof err);
        if (id < 0 || vmm_vm_load(v, id, im, err, sizeof err) != 0) {
            char hint[96];
            /* N VMs of a size share the real memory: none has more than this */
            cli_error("run: %s: %s%s", files[i], err,
                      cli_mem_hint(im, o->q, VMM_W_MAX / (uint32_t)n, hint, sizeof hint));
            goto out;
        }
        if ((o->in.len && vmm_vm_input(v, id, o->in.bytes, o->in.len) != 0) ||
            vmm_vm_set_limit(v, id, o->max_steps) != 0) {
            cli_error("run: out of memory");
            goto out;
        }
    }
    if (o->timeline) {
        tl = (struct tl_hook){timeline_new(), v};
        if (!tl.t) {
            cli_error("run: out of memory");
            goto out;
        }
        vmm_set_event_hook(v, tl_event, &tl);
    }
    run_catch_sigint();
    bool interrupted; /* looked at before the first chunk: a Ctrl-C held while loading */
    while (!(interrupted = run_interrupted()) && vmm_run(v, RUN_VMM_CHUNK, NULL) != VMMSTOP_DONE)
        ;
    run_hold_sigint(); /* the report and --timeline written whole: run_end_sigint */
    status = report(v, o, files, n, interrupted);
    /* the report first: a run whose report is lost leaves FILE as it was */
    if (!run_output_ok(NULL, tl.t ? "--timeline" : NULL, o->timeline)) {
        status = EXIT_USAGE;
        goto out;
    }
    for (int i = 0; i < n; i++)
        if (machine_console_lost(vmm_vm_view(v, i))) { /* the report is not the guest's */
            cli_error("run: %s: out of memory for the console output%s%s%s", files[i],
                      tl.t ? "; --timeline " : "", tl.t ? o->timeline : "",
                      tl.t ? " not written" : "");
            status = EXIT_USAGE;
            goto out;
        }
    /* the notes explain status 3: a failed --timeline is status 2, its one line */
    if (tl.t && timeline_write(tl.t, v, o->timeline, err, sizeof err) != 0) {
        cli_error("run: --timeline: %s", err);
        status = EXIT_USAGE;
        goto out;
    }
    limit_notes(v, o);
    if (tl.t) {
        size_t dropped, kept = timeline_count(tl.t, &dropped);
        uint64_t from, to;
        timeline_span(tl.t, v, &from, &to);
        if (dropped) /* the picture stops short of the run's end: say where */
            cli_error("run: --timeline: %s: the first %zu events; %zu later not recorded, "
                      "the picture ends at cycle %" PRIu64, o->timeline, kept, dropped, to);
    }
out:
    timeline_free(tl.t);
    vmm_destroy(v);
    for (int i = 0; i < loaded; i++)
        image_free(&img[i]);
    return status;
}
