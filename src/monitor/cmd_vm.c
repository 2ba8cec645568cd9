/* cmd_vm.c: virtual machines under the control program, and the
 * equivalence check.
 *
 * CP-style commands over vmm.h (sections 4-6): create a VM in a region,
 * list, select, stop, resume, destroy; its statistics show the three
 * properties: efficiency (direct vs interpreted instructions), resource
 * control (traps by disposition) and, with 'check', equivalence.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "mon_impl.h"
#include "tgm/asm.h"
#include "tgm/nest.h"

int mon_vmm_ensure(struct mon *m)
{
    if (m->vmm)
        return 0;
    char err[256];
    m->vmm = vmm_create(&m->vmm_cfg, err, sizeof err);
    if (!m->vmm)
        return mon_err(m, "cannot start the control program: %s", err);
    vmm_set_event_hook(m->vmm, mon_vmm_event, m);
    mon_debug_apply(m);
    return 0;
}

static bool of_vm(const struct mon *m, const struct mon_bp *b, int id)
{
    (void)m;
    return b->vm == id;
}

/* Drop what the monitor keeps about VM ID (symbols, breakpoints, focus);
 * its breakpoints go saying so, as 'set memory' says it. */
void mon_vm_forget(struct mon *m, int id)
{
    image_free(&m->vm_img[id]);
    memset(&m->vm_img[id], 0, sizeof m->vm_img[id]);
    mon_symix_forget(m);
    mon_set_program_files(m, id, NULL);
    mon_bp_prune(m, of_vm, id, "its VM is gone");
    if (m->focus == id)
        m->focus = MON_FOCUS_BARE;
}

/* A trap or class stop set while VM ID was selected watches the real
 * machine, so every VM (docs/monitor.md): it stays while another VM is
 * left, kept with the first of them, rather than going with ID. */
static void keep_real_stops(struct mon *m, int id)
{
    int heir = vmm_vm_next(m->vmm, -1);
    if (heir == id)
        heir = vmm_vm_next(m->vmm, id);
    for (size_t i = 0; heir >= 0 && i < m->nbps; i++) {
        struct mon_bp *b = &m->bps[i];
        if (b->vm == id && (b->kind == BP_TRAP || b->kind == BP_CLASS))
            b->vm = heir;
    }
}

static void print_stats(struct mon *m, const struct vm_info *vi)
{
    const struct vm_stats *s = &vi->stats;
    mon_out(m, "%s: %llu instruction%s direct, %llu interpreted; direct ratio %.4f\n",
            vi->name, (unsigned long long)s->direct, s->direct == 1 ? "" : "s",
            (unsigned long long)s->interpreted, vm_stats_direct_ratio(s));
    mon_out(m, "  cycles: guest %llu, control program %llu; dispatcher entries %llu\n",
            (unsigned long long)s->guest_cycles, (unsigned long long)s->cp_cycles,
            (unsigned long long)s->entries);
    mon_out(m, "  %-11s", "traps");
    for (int d = 0; d < DISP_COUNT; d++)
        mon_out(m, " %11s", vmm_disposition_name((enum vmm_disposition)d));
    mon_out(m, "\n");
    /* the events with no trap (step limit, hybrid) only when there are some */
    for (unsigned c = 0; c < TRAP_NCAUSES; c++) {
        bool any = false;
        for (int d = 0; d < DISP_COUNT; d++)
            any = any || s->traps[c][d];
        if (c == TRAP_NONE && !any)
            continue;
        mon_out(m, "  %-11s", c == TRAP_NONE ? "(no trap)" : trap_cause_name(c));
        for (int d = 0; d < DISP_COUNT; d++)
            mon_out(m, " %11llu", (unsigned long long)s->traps[c][d]);
        mon_out(m, "\n");
    }
}

/* 'set profile' changes the bare machine's profile only: a session that
 * set it and not 'set cp-profile' would check, or run VMs, on another
 * instruction set than the one it meant, and nothing said so.  (A session
 * that set only cp-profile meant it.) */
static void profile_note(struct mon *m, const char *what, const char *how)
{
    const struct isa_profile *cp =
        m->vmm_cfg.profile ? m->vmm_cfg.profile : isa_profile_default();
    const struct isa_profile *bare = machine_profile(m->bare);
    if (bare != isa_profile_default() && strcmp(bare->name, cp->name) != 0)
        mon_out(m, "note: %s on profile %s, the control program's, not the bare machine's "
                   "%s (%s)\n", what, cp->name, bare->name, how);
}

/* With no VM, say so (for 'vm list' and 'vm stats'), and true. */
static bool no_vms(struct mon *m)
{
    if (m->vmm && vmm_vm_next(m->vmm, -1) >= 0)
        return false;
    mon_out(m, "no VMs\n");
    return true;
}

static void vm_list(struct mon *m)
{
    if (no_vms(m))
        return;
    /* names of up to 12 characters keep the usual layout; a longer one
     * (up to VMM_NAME_MAX) widens the column for all */
    int nw = 12;
    struct vm_info vi;
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id))
        if (vmm_vm_info(m->vmm, id, &vi) == 0 && (int)strlen(vi.name) > nw)
            nw = (int)strlen(vi.name);
    /* the rows' widths, so each heading stands over its column (it stood
     * one to the right); the widest state is "step limit" */
    mon_out(m, " %3s %-*s %-10s %-16s %-7s  %c %8s %7s %6s\n", "id", nw, "name", "state",
            "region", "P", 'M', "direct", "interp", "ratio");
    for (int id = vmm_vm_next(m->vmm, -1); id >= 0; id = vmm_vm_next(m->vmm, id)) {
        if (vmm_vm_info(m->vmm, id, &vi) != 0)
            continue;
        mon_out(m, "%c%3d %-*s %-10s 0x%05x..0x%05x 0x%05x  %c %8llu %7llu %6.3f\n",
                id == m->focus ? '*' : ' ', id, nw, vi.name, vm_state_name(vi.state), vi.base,
                vi.base + vi.w - 1, vi.vpsw.p, vi.vpsw.sup ? 's' : 'u',
                (unsigned long long)vi.stats.direct, (unsigned long long)vi.stats.interpreted,
                vm_stats_direct_ratio(&vi.stats));
    }
}

/* The control program takes VMM_NAME_MAX characters; 'bare' names the
 * bare machine, a number a VM's id, and the prompt and the console's
 * "NAME| " want one word. */
bool mon_vm_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (!n || n > VMM_NAME_MAX || !strcasecmp(s, "bare"))
        return false;
    if (!isalpha((unsigned char)s[0]) && s[0] != '_')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
            return false;
    return true;
}

static int vm_create(struct mon *m, int argc, char **argv)
{
    if (argc < 4 || argc > 5)
        return mon_err(m, "usage: vm create NAME WORDS [FILE]");
    if (!mon_vm_name_ok(argv[2]))
        return mon_err(m, "bad VM name '%.*s%s' (a letter or _, then letters, digits, _ . or "
                          "-; at most %d characters; not 'bare')",
                       MON_QUOTE(argv[2]), VMM_NAME_MAX);
    uint64_t w;
    char err[256];
    /* a FILE where the words go: swapped, or the words left out */
    if ((argc == 5 && mon_swapped(m, argv[3], argv[4])) ||
        (argc == 4 && strpbrk(argv[3], "./'\"") &&
         mon_eval(m, argv[3], &w, err, sizeof err) != 0))
        return mon_err(m, "'%.*s%s' is not a number of words: the order is 'vm create NAME "
                          "WORDS [FILE]'", MON_QUOTE(argv[3]));
    if (mon_ranged(m, argv[3], "", "word", TGM_Q_MIN, VMM_W_MAX, &w) != 0)
        return -1;
    if (m->vmm && vmm_vm_find(m->vmm, argv[2]) >= 0)
        return mon_err(m, "a VM named '%s' exists", argv[2]);
    struct tgm_image img = {0};
    char **files = NULL;
    if (argc == 5 && mon_read_program_files(m, argv[4], &img, &files) != 0)
        return -1;
    bool fresh = !m->vmm; /* a refused create must not leave a control program */
    if (mon_vmm_ensure(m) != 0) {
        image_free(&img);
        return -1;
    }
    int id = vmm_vm_create(m->vmm, (uint32_t)w, argv[2], err, sizeof err);
    const char *bad = NULL; /* the file, when loading it failed */
    if (id >= 0 && argc == 5 && vmm_vm_load(m->vmm, id, &img, err, sizeof err) != 0) {
        vmm_vm_destroy(m->vmm, id);
        id = -1;
        bad = argv[4];
    }
    if (id < 0) {
        image_free(&img);
        asm_sources_free(files);
        if (fresh) { /* else 'set hybrid', 'set cp-memory' would need 'reset all' */
            vmm_destroy(m->vmm);
            m->vmm = NULL;
            mon_debug_apply(m);
        }
        return bad ? mon_err(m, "%s: %s", bad, err) : mon_err(m, "%s", err);
    }
    image_free(&m->vm_img[id]);
    m->vm_img[id] = img;
    mon_symix_forget(m);
    mon_set_program_files(m, id, files);
    struct vm_info vi;
    if (vmm_vm_info(m->vmm, id, &vi) != 0) /* created just now: cannot fail */
        return mon_err(m, "VM %d vanished as it was created (a bug)", id);
    m->focus = id;
    if (fresh) /* before the report of the VM it is about; a refused one has none */
        profile_note(m, "the VMs run", "'set cp-profile' before the first VM chooses it");
    mon_out_line(m, "%s: VM %d, %u words at real %#x..%#x%s%s; selected", vi.name, id, vi.w,
                 vi.base, vi.base + vi.w - 1, argc == 5 ? ", loaded " : "",
                 argc == 5 ? argv[4] : "");
    mon_debug_apply(m);
    return 0;
}

int mon_cmd_vm(struct mon *m, int argc, char **argv)
{
    static const char subs[] =
        "create list select load console input stop resume destroy stats limit";
    /* 'li' is list, as the command letters are fixed (docs/monitor.md) */
    int k = strcasecmp(argv[1], "li") ? mon_keyword(argv[1], subs) : 1;
    if (k < 0)
        return mon_err(m, "%s subcommand '%.*s%s' (one of: %s)",
                       k == -2 ? "ambiguous" : "unknown", MON_QUOTE(argv[1]), subs);
    if (k != 1 && k != 4 && k != 9) /* not list, console, stats: a change */
        m->bp_cmds_kept = false;
    /* the run a breakpoint stopped goes on with its VMs and its focus */
    if ((k == 0 || k == 2 || k == 8) && mon_not_mid_run(m) != 0)
        return -1;
    if (k == 0)
        return vm_create(m, argc, argv);
    /* each subcommand's own usage, as 'vm create' gives it */
    static const char *const usage[] = {
        "", "vm list", "vm select NAME|bare", "vm load NAME FILE", "vm console NAME",
        "vm input NAME TEXT", "vm stop NAME", "vm resume NAME", "vm destroy NAME",
        "vm stats [NAME]", "vm limit NAME N"};
    if (k == 1) {
        if (argc != 2)
            return mon_err(m, "usage: %s", usage[k]);
        vm_list(m);
        return 0;
    }
    if (k == 9 && argc == 2) { /* stats of every VM */
        for (int id = no_vms(m) ? -1 : vmm_vm_next(m->vmm, -1); id >= 0;
             id = vmm_vm_next(m->vmm, id)) {
            struct vm_info vi;
            if (vmm_vm_info(m->vmm, id, &vi) == 0)
                print_stats(m, &vi);
        }
        return 0;
    }
    static const int nargs[] = {0, 0, 3, 4, 3, 4, 3, 3, 3, 3, 4};
    if (argc != nargs[k])
        return mon_err(m, "usage: %s", usage[k]);
    if (k == 2 && !strcasecmp(argv[2], "bare")) { /* a keyword: any case */
        m->focus = MON_FOCUS_BARE;
        return 0;
    }
    /* 'vm load FILE NAME': the VM named second, the first word no VM */
    if ((k == 3 || k == 5 || k == 10) && mon_vm_id(m, argv[2]) < 0 && mon_vm_id(m, argv[3]) >= 0)
        return mon_err(m, "'%.*s%s' is not a VM: the order is '%s'", MON_QUOTE(argv[2]), usage[k]);
    int id = mon_vm_lookup(m, argv[2]);
    if (id < 0)
        return -1;
    struct vm_info vi;
    /* it cannot fail after mon_vm_lookup, but gcc cannot always see that */
    if (vmm_vm_info(m->vmm, id, &vi) != 0)
        return mon_err(m, "%s: no such VM", argv[2]);
    int saved = m->focus, rc = 0;
    uint64_t n;
    switch (k) {
    case 2: /* select */
        m->focus = id;
        return 0;
    case 3: /* load */
        m->focus = id;
        rc = mon_cmd_load(m, 2, (char *[]){"load", argv[3], NULL});
        m->focus = saved;
        return rc;
    case 4: /* console */
        m->focus = id;
        rc = mon_cmd_console(m, 1, (char *[]){"console", NULL});
        m->focus = saved;
        return rc;
    case 5: /* input */
        m->focus = id;
        rc = mon_cmd_console(m, 3, (char *[]){"console", "input", argv[3], NULL});
        m->focus = saved;
        return rc;
    case 6:
        vmm_vm_stop(m->vmm, id);
        break;
    case 7: /* at its limit it would stop again at once, having said "runnable" */
        if (vi.max_steps && machine_steps(vmm_vm_view(m->vmm, id)) >= vi.max_steps)
            return mon_err(m, "%s has taken the %llu steps of its limit ('vm limit %s N' "
                           "raises it)", vi.name, (unsigned long long)vi.max_steps, vi.name);
        vmm_vm_resume(m->vmm, id);
        break;
    case 8: {
        char name[64]; /* vi.name dies with the VM */
        snprintf(name, sizeof name, "%s", vi.name);
        keep_real_stops(m, id);
        mon_vm_forget(m, id);
        vmm_vm_destroy(m->vmm, id);
        mon_debug_apply(m);
        mon_out(m, "%s destroyed; its region is free\n", name);
        return 0;
    }
    case 9:
        print_stats(m, &vi);
        return 0;
    case 10:
        if (mon_count(m, argv[3], &n) != 0)
            return -1;
        vmm_vm_set_limit(m->vmm, id, n);
        break; /* say the state: raised, a VM at its limit runs on */
    }
    if (vmm_vm_info(m->vmm, id, &vi) != 0) /* stop, resume, limit keep it */
        return mon_err(m, "%s: no such VM", argv[2]);
    mon_out(m, "%s: %s\n", vi.name, vm_state_name(vi.state));
    return 0;
}

#define CHECK_MAX VMM_MAX_VMS /* as many as 'tgm check' takes */

#define CHECK_OPTS "mem steps slice profile hybrid with input nest vmm"
enum { CK_SLICE = 2, CK_HYBRID = 4, CK_NEST = 7, CK_VMM = 8 };

/* 'check ... nest N [vmm]', as 'tgm check --nest N [--vmm]': each of the N
 * images bare and on DEPTH levels of the machine-code control program
 * (Theorem 2), with VMM on the C control program, compared trap by trap;
 * refused as the command line refuses it.  SEEN: the options given;
 * SLICE_FIRST: 'slice' came before a 'hybrid' given (the first is
 * named).  The session's hybrid is refused as 'hybrid' is, as its
 * cp-profile is (check would otherwise run it as it is set); its slice,
 * always set, is no request. */
static int check_nested(struct mon *m, const char *const *names, const struct tgm_image *img,
                        size_t n, unsigned depth, const struct check_opts *o, unsigned seen,
                        bool slice_first)
{
    bool vmm = seen & 1u << CK_VMM;
    const char *on = vmm ? " on the C control program" : "";
    bool hybrid = (o->hybrid || seen & 1u << CK_HYBRID) &&
                  !(slice_first && seen & 1u << CK_HYBRID);
    if (hybrid || seen & 1u << CK_SLICE)
        return mon_err(m, "nest with %s: the machine-code control program %s%s",
                       hybrid ? "hybrid" : "slice",
                       hybrid ? "is no hybrid monitor: it runs its guest's "
                                "supervisor code directly"
                              : "hosts one guest, with no time slices",
                       !hybrid || seen & 1u << CK_HYBRID ? ""
                       : m->vmm ? " (the session's control program is hybrid: 'reset all', "
                                  "then 'set hybrid off')"
                                : " (the session's hybrid is on: 'set hybrid off' turns it off)");
    if (o->profile && o->profile != isa_profile_default())
        return mon_err(m, "nest: the machine-code control program virtualizes the '%s' "
                       "profile only%s", isa_profile_default()->name,
                       seen & 1u << 3 ? "" : " (the session's cp-profile is another: "
                                             "'profile virtualizable' chooses it)");
    struct nest_check_result *res = calloc(n, sizeof *res);
    if (!res)
        return mon_err(m, "out of memory");
    /* every image is compared before anything is printed, as 'tgm check' does */
    struct nest_run_opts no = {depth, o->w ? o->w : TGM_Q_DEFAULT, vmm, true, o->input,
                               o->input_len};
    uint64_t steps = o->max_steps ? o->max_steps : CHECK_DEFAULT_STEPS;
    char err[512];
    for (size_t k = 0; k < n; k++)
        if (nest_check_until(NULL, &img[k], &no, steps, mon_stop_requested, &res[k], err,
                             sizeof err) != 0) {
            free(res);
            char hb[96]; /* what to try, as 'tgm check --nest' says it with --mem */
            if (!mon_stop_requested())
                return mon_err(m, "%s: %s%s", names[k], err,
                               vmm_mem_hint(&img[k], no.w, nest_guest_most(depth, vmm), "'mem W'",
                                            hb, sizeof hb));
            mon_take_interrupt(m);
            return mon_err(m, "interrupted: no verdict");
        }
    if (!(seen & 1u << 3)) /* as an unnested check says it */
        profile_note(m, "check runs", "'profile P' or 'set cp-profile P' chooses it");
    bool all = true;
    for (size_t k = 0; k < n; k++) {
        const struct nest_check_result *r = &res[k];
        if (!r->equivalent) {
            mon_out_line(m, "check %s: NOT equivalent at depth %u%s: %s", names[k], depth, on,
                         r->diff);
            all = false;
            continue;
        }
        char traps[96];
        nest_check_traps(r, traps, sizeof traps);
        mon_out_line(m, "check %s: EQUIVALENT at depth %u%s", names[k], depth, on);
        mon_out(m, "  E, PSW, R, timer, console; %s; real steps %llu, bare %llu (reported, not "
                "compared: the paper excludes timing)\n", traps, (unsigned long long)r->real_steps,
                (unsigned long long)r->bare_steps);
    }
    free(res);
    return all ? 0 : mon_err(m, "not equivalent at depth %u%s", depth, on);
}

int mon_cmd_check(struct mon *m, int argc, char **argv)
{
    unsigned seen = 0;
    bool slice_first = false; /* 'slice' before any 'hybrid' */
    uint64_t depth = 0;
    const char *mem = NULL; /* its range is known once 'nest' is: after the options */
    /* by default the session's control program: its profile, hybrid mode
     * and slice, as 'set' shows them (a pdp10 session checks on pdp10) */
    struct check_opts o = {
        .profile = m->vmm_cfg.profile,
        .hybrid = m->vmm ? vmm_hybrid(m->vmm) : m->vmm_cfg.hybrid,
        .slice = m->vmm ? vmm_slice(m->vmm) : m->vmm_cfg.slice,
    };
    const struct tgm_image *ptr[CHECK_MAX] = {0};
    const char *names[CHECK_MAX];
    size_t n = 0;
    int rc = -1;
    /* some 1 KiB each: not on the stack */
    struct tgm_image *img = calloc(CHECK_MAX, sizeof *img);
    struct check_result *res = calloc(CHECK_MAX, sizeof *res);
    if (!img || !res) {
        free(img);
        free(res);
        return mon_err(m, "out of memory");
    }
    /* 'check mem 4096 a.s': an option in full, and no file of its name,
     * where FILE goes */
    if (mon_keyword_or_file(argv[1], CHECK_OPTS) >= 0 && access(argv[1], F_OK) != 0) {
        mon_err(m, "'%s' is not a FILE: the order is '%s'", argv[1], m->cur->usage);
        goto out;
    }
    for (int i = 1; i < argc; i++) {
        int k = i == 1 ? 5 : mon_keyword(argv[i], CHECK_OPTS);
        uint64_t v = 0;
        if (k < 0) {
            mon_err(m, "%s option '%.*s%s' (usage: %s)", k == -2 ? "ambiguous" : "unknown",
                    MON_QUOTE(argv[i]), m->cur->usage);
            goto out;
        }
        if (i > 1 && mon_option_once(m, CHECK_OPTS, k, &seen) != 0)
            goto out;
        if (k == CK_SLICE && !(seen & 1u << CK_HYBRID))
            slice_first = true;
        if (k == 4) {
            o.hybrid = true;
            continue;
        }
        if (k == CK_VMM) /* a flag: seen says it */
            continue;
        if (k == 5) { /* FILE, or 'with' and files up to the next option */
            size_t before = n;
            if (i > 1)
                i++;
            for (; i < argc && (i == 1 || mon_keyword_or_file(argv[i], CHECK_OPTS) < 0); i++) {
                if (n == CHECK_MAX) { /* counted as 'tgm check' counts them */
                    size_t given = n;
                    while (i < argc && mon_keyword_or_file(argv[i], CHECK_OPTS) < 0)
                        i++, given++;
                    mon_err(m, "%zu images given, at most %d", given, CHECK_MAX);
                    goto out;
                }
                if (mon_read_program(m, argv[i], &img[n]) != 0)
                    goto out;
                names[n] = argv[i];
                ptr[n] = &img[n];
                n++;
                if (i == 1)
                    break;
            }
            if (n == before) {
                mon_err(m, "'with' needs a FILE");
                goto out;
            }
            if (i > 1)
                i--;
            continue;
        }
        if (i + 1 >= argc) {
            mon_err(m, "'%s' needs a value", argv[i]);
            goto out;
        }
        if (k == 3) {
            if (!(o.profile = mon_profile(m, argv[++i])))
                goto out;
            continue;
        }
        if (k == 6) { /* as 'tgm check --input': the same bytes for every run */
            long len = mon_unescape(m, argv[++i]);
            if (len < 0)
                goto out;
            o.input = (const uint8_t *)argv[i];
            o.input_len = (size_t)len;
            continue;
        }
        if (k == 0) {
            mem = argv[++i];
            continue;
        }
        if (k == CK_NEST) {
            if (mon_ranged(m, argv[++i], "nest: ", "level", 1, NEST_MAX_DEPTH, &depth) != 0)
                goto out;
            continue;
        }
        /* 0 steps is no "no limit" (as 'set limit 0'), nor 0 cycles the
         * default slice: refused in 'tgm check --max-steps/--slice 0's words */
        if (mon_count_in(m, argv[++i], k == 1 ? "steps: " : "slice: ", k == 1 ? "step" : "cycle",
                         1, &v) != 0)
            goto out;
        if (k == 1)
            o.max_steps = v;
        else
            o.slice = v;
    }
    uint64_t w = 0; /* under 'nest' up to 2^19, the depth's own limit said by nest_build */
    if (mem && mon_ranged(m, mem, "mem: ", "word", TGM_Q_MIN, depth ? TGM_Q_MAX : VMM_W_MAX,
                          &w) != 0)
        goto out;
    o.w = (uint32_t)w;
    if (seen & 1u << CK_VMM && !depth) {
        mon_err(m, "vmm goes with nest (the control program is always used)");
        goto out;
    }
    if (depth) {
        rc = check_nested(m, names, img, n, (unsigned)depth, &o, seen, slice_first);
        goto out;
    }
    char err[256], hint[96];
    uint32_t gw = o.w ? o.w : TGM_Q_DEFAULT; /* in 'tgm check''s words, the option 'mem W' */
    if (vmm_guests_fit(n, "image", gw, err, sizeof err) != 0) {
        mon_err(m, "%s (use a smaller 'mem W')", err);
        goto out;
    }
    o.stop = mon_stop_requested; /* Ctrl-C abandons the check, as it stops 'go' */
    int crc = vmm_check(ptr, n, &o, res, err, sizeof err);
    if (crc != 0 && mon_stop_requested()) {
        mon_take_interrupt(m);
        mon_err(m, "interrupted: no verdict");
        goto out;
    }
    if (crc != 0) {
        size_t bad = 0; /* the image that could not be set up, named as 'tgm check' does */
        while (bad < n && !res[bad].setup_failed)
            bad++;
        if (bad < n)
            mon_err(m, "%s: %s%s", names[bad], err,
                    vmm_mem_hint(&img[bad], gw, VMM_W_MAX / (uint32_t)n, "'mem W'", hint,
                                 sizeof hint));
        else
            mon_err(m, "%s", err);
        goto out;
    }
    /* on a line before the report (docs/monitor.md): a check refused or
     * abandoned has none, only its one error line */
    if (!(seen & 1u << 3))
        profile_note(m, "check runs", "'profile P' or 'set cp-profile P' chooses it");
    bool all = true;
    for (size_t k = 0; k < n; k++) {
        struct check_result *r = &res[k];
        mon_out_line(m, "check %s: %s", names[k], r->equivalent ? "EQUIVALENT" : "NOT equivalent");
        mon_out(m, "  bare %s; alone under the CP %s%s%s\n",
                r->bare_halted ? "halted" : "did not halt",
                r->alone_halted ? "halted" : "did not halt", r->alone_diff[0] ? ": " : "",
                r->alone_diff);
        if (n > 1)
            mon_out(m, "  together with the others %s%s%s\n",
                    r->together_halted ? "halted" : "did not halt",
                    r->together_diff[0] ? ": " : "", r->together_diff);
        struct vm_info vi = {.name = "  alone", .stats = r->stats};
        print_stats(m, &vi);
        all = all && r->equivalent;
    }
    rc = all ? 0 : mon_err(m, "not equivalent under the control program");
out:
    for (size_t k = 0; k < n; k++)
        image_free(&img[k]);
    free(img);
    free(res);
    return rc;
}
