/* cmd_inspect.c: looking at and changing state: regs, examine, translate,
 * symbols, console, deposit, assemble.
 *
 * Section 2's S = <E, M, P, R> as a person sees it: the PSW fields, E[0] and
 * E[1] read as PSWs, E by physical or virtual address, and the paper's two
 * address checks (a + l >= q, a >= b) spelled out by 'translate'.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mon_impl.h"
#include "tgm/asm.h"

char *mon_fmt_psw(const struct psw *p, char *buf, size_t len)
{
    snprintf(buf, len, "%c I=%d P=0x%05x l=0x%05x b=0x%05x", p->sup ? 's' : 'u', p->ie, p->p,
             p->l, p->b);
    return buf;
}

/* The label of the word ADDR develops to under R = (L, B) in X (SYMS'), or
 * NULL if it does not. */
static const char *label_under(const struct mon *m, const struct tgm_image *syms,
                               const struct machine *x, uint32_t addr, uint64_t l, uint32_t b)
{
    uint64_t ph = addr + l;
    return addr < b && ph < machine_q(x) ? mon_label(m, syms, (uint32_t)ph) : NULL;
}

const char *mon_psw_label(const struct mon *m, int vm, const struct psw *ps, uint32_t base)
{
    const struct machine *x = vm == MON_FOCUS_BARE ? m->bare : vmm_vm_view(m->vmm, vm);
    const struct tgm_image *syms = vm == MON_FOCUS_BARE ? &m->bare_img : &m->vm_img[vm];
    return ps->l >= base ? label_under(m, syms, x, ps->p, ps->l - base, ps->b) : NULL;
}

void mon_print_insn(struct mon *m, FILE *f, const struct machine *x,
                    const struct tgm_image *syms, uint32_t addr, uint64_t word)
{
    char dis[160];
    const char *lab = mon_label(m, syms, addr);
    mon_dis_word(m, x, word, addr, syms, dis, sizeof dis);
    fprintf(f, "  0x%05x %-12s %s\n", addr, lab ? lab : "", dis);
}

void mon_print_vinsn(struct mon *m, const struct machine *x, const struct psw *p,
                     const struct tgm_image *syms, uint32_t vaddr, uint64_t word)
{
    if (p->l == 0) {
        mon_print_insn(m, m->out, x, syms, vaddr, word);
        return;
    }
    /* labels name physical addresses; the operands are virtual, so plain */
    char dis[160];
    const char *lab = label_under(m, syms, x, vaddr, p->l, p->b);
    mon_dis_word(m, x, word, vaddr, NULL, dis, sizeof dis);
    mon_out(m, "  0x%05x %-12s %s\n", vaddr, lab ? lab : "", dis);
}

/* ---- regs ---- */

static void psw_rows(struct mon *m, const char *label, const struct machine *x)
{
    struct psw p = machine_psw(x);
    uint64_t w0 = 0, w1 = 0;
    char b[96];
    machine_read_phys(x, 0, &w0);
    machine_read_phys(x, 1, &w1);
    struct psw o = psw_unpack(w0), n = psw_unpack(w1);
    struct machine_counters c = machine_get_counters(x);
    struct machine_timer t = machine_get_timer(x);
    mon_out(m, "%s (q=%u, profile %s)\n", label, machine_q(x), machine_profile(x)->name);
    mon_out(m, "  PSW   %016llx  %s  last trap: %s\n", (unsigned long long)machine_get_psw(x),
            mon_fmt_psw(&p, b, sizeof b), trap_cause_name(machine_last_trap(x)));
    mon_out(m, "  E[0]  %016llx  %s  cause=%s  (old PSW)\n", (unsigned long long)w0,
            mon_fmt_psw(&o, b, sizeof b), o.cause < TRAP_NCAUSES ? trap_cause_name(o.cause) : "?");
    mon_out(m, "  E[1]  %016llx  %s  (new PSW)\n", (unsigned long long)w1,
            mon_fmt_psw(&n, b, sizeof b));
    mon_out(m, "  timer %s%s, %lld cycle%s left;  cycles %llu  insns %llu  steps %llu\n",
            t.armed ? "armed" : "disarmed", t.pending ? " (pending)" : "",
            (long long)t.remaining, mon_plural((uint64_t)t.remaining),
            (unsigned long long)c.cycles, (unsigned long long)c.instret,
            (unsigned long long)c.steps);
}

int mon_cmd_regs(struct mon *m, int argc, char **argv)
{
    (void)argc;
    (void)argv;
    if (m->focus == MON_FOCUS_BARE) {
        psw_rows(m, "bare machine", m->bare);
        return 0;
    }
    struct vm_info vi;
    if (mon_focus_info(m, &vi) != 0)
        return -1;
    struct machine *real = vmm_machine(m->vmm), *view = vmm_vm_view(m->vmm, m->focus);
    struct psw r = machine_psw(real), v = machine_psw(view);
    mon_out(m, "%-10s %-14s %s (virtual; region %#x..%#x, %s)\n", "", "real machine",
            vi.name, vi.base, vi.base + vi.w - 1, vm_state_name(vi.state));
    mon_out(m, "%-10s %-14c %c\n", "M", r.sup ? 's' : 'u', v.sup ? 's' : 'u');
    mon_out(m, "%-10s %-14d %d\n", "I", r.ie, v.ie);
    mon_out(m, "%-10s %#-14x %#x\n", "P", r.p, v.p);
    mon_out(m, "%-10s %#-14x %#x\n", "l", r.l, v.l);
    mon_out(m, "%-10s %#-14x %#x\n", "b", r.b, v.b);
    mon_out(m, "%-10s %-14s %s\n", "last trap", trap_cause_name(machine_last_trap(real)),
            trap_cause_name(machine_last_trap(view)));
    mon_out(m, "%-10s %-14s (%#x, %#x) composed by the allocator\n", "R'", "", vi.real_l,
            vi.real_b);
    psw_rows(m, vi.name, view);
    return 0;
}

/* ---- memory access flags shared by examine and deposit ---- */

/* SP_AUTO: no flag given; physical, or virtual for an address written
 * with '.' (the word P points at, docs/monitor.md): auto_space */
enum space { SP_PHYS, SP_VIRT, SP_REAL, SP_AUTO };

static enum space auto_space(const struct mon *m, enum space sp)
{
    return sp != SP_AUTO ? sp : m->expr_dot ? SP_VIRT : SP_PHYS;
}

/* Consume -p/-v/-r (and, for examine, -x/-d/-i/-c) flags from ARGV: one
 * of each kind, as options are not repeated either. */
static int flags(struct mon *m, int argc, char **argv, int *i, enum space *sp, char *fmt)
{
    const char *had_sp = NULL, *had_fmt = NULL;
    /* a letter after '-' is a flag: as an address, '-z' (a negated
     * label) could only be out of range */
    for (; *i < argc && argv[*i][0] == '-' && isalpha((unsigned char)argv[*i][1]) && !argv[*i][2];
         (*i)++) {
        char f = argv[*i][1];
        bool space = strchr("pvr", f) != NULL;
        const char **had = space ? &had_sp : &had_fmt;
        if (!strchr(fmt ? "pvrxdicobw" : "pvr", f))
            return mon_err(m, "unknown flag '%s' (%s)", argv[*i],
                           fmt ? "-p -v -r; -x -d -o -b -i -c -w" : "-p -v -r");
        if (*had && !strcmp(*had, argv[*i]))
            return mon_err(m, "'%s' given twice", argv[*i]);
        if (*had)
            return mon_err(m, "'%s' after '%s': give one %s flag", argv[*i], *had,
                           space ? "space" : "format");
        *had = argv[*i];
        if (space)
            *sp = f == 'p' ? SP_PHYS : f == 'v' ? SP_VIRT : SP_REAL;
        else
            *fmt = f;
    }
    if (*sp == SP_REAL && !m->vmm)
        return mon_err(m, "-r: no control program yet (create a VM first)");
    return 0;
}

static struct machine *space_machine(struct mon *m, enum space sp)
{
    return sp == SP_REAL ? vmm_machine(m->vmm) : mon_target(m);
}

/* Develop A in space SP: the physical address, or -1 with *WHY set. */
static int64_t space_addr(struct machine *x, enum space sp, uint64_t a, const char **why)
{
    uint32_t ph;
    *why = NULL;
    if (sp == SP_VIRT) {
        if (machine_develop(x, a, &ph) != TRAP_NONE) {
            *why = mon_why_trap(x, a);
            return -1;
        }
        return ph;
    }
    if (a >= machine_q(x)) {
        *why = "outside E";
        return -1;
    }
    return (int64_t)a;
}

const char *mon_fmt_char(uint64_t v, char quote, char *buf, size_t len)
{
    unsigned c = (unsigned)(v & 0xff);
    if (v > 0xff) /* not a byte: braced, or \x141 would read as \x14 then '1' */
        snprintf(buf, len, "\\x{%llx}", (unsigned long long)v);
    else if (c == (unsigned char)quote || c == '\\')
        snprintf(buf, len, "\\%c", c);
    else if (c == '\n' || c == '\t' || c == '\r') /* the escapes .ascii takes */
        snprintf(buf, len, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
    else if (isprint((int)c))
        snprintf(buf, len, "%c", c);
    else
        snprintf(buf, len, "\\x%02x", c);
    return buf;
}

static void show_chars(struct mon *m, struct machine *x, enum space sp, uint64_t a, uint64_t n)
{
    mon_out(m, "  0x%05llx: \"", (unsigned long long)a);
    for (uint64_t i = 0; i < n; i++) {
        const char *why;
        int64_t ph = space_addr(x, sp, a + i, &why);
        uint64_t v = 0;
        if (ph < 0) {
            mon_out(m, "\" (%#llx: memory trap, %s)", (unsigned long long)(a + i), why);
            break;
        }
        machine_read_phys(x, (uint64_t)ph, &v);
        char cb[32];
        mon_out(m, "%s", mon_fmt_char(v, '"', cb, sizeof cb));
        if (i + 1 == n)
            mon_out(m, "\"");
    }
    mon_out(m, "\n");
}

/* Is S (N bytes) one number or name? */
static bool range_end(const char *s, size_t n)
{
    if (!n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("_.$", s[i]))
            return false;
    return true;
}

/* SIMH writes a range A-B or A:B.  A-B is an expression here, negative
 * when A < B, and A:B none: say how a range is written, or "".  Only where
 * each side is one number or name (0-4, tab-end): ~-~5 or +E[3]-1 is an
 * expression, and '~..~5' no range.  BUF has RANGE_HINT bytes. */
#define RANGE_HINT 200 /* each side cut as MON_QUOTE cuts it */
static const char *simh_range(const char *typed, char sep, char *buf, size_t len)
{
    const char *at = typed[0] ? strchr(typed + 1, sep) : NULL; /* not a leading sign */
    if (!at || !range_end(typed, (size_t)(at - typed)) || !range_end(at + 1, strlen(at + 1)))
        return "";
    /* the count is looked at so that gcc's format-truncation check (on 32
     * bits) lets it */
    int n = snprintf(buf, len, " (a range is written %.*s%s..%.*s%s)",
                     MON_QUOTE_CUT(typed, (size_t)(at - typed), ASM_QUOTE_MAX), MON_QUOTE(at + 1));
    return n < 0 ? "" : buf;
}

/* "address A is out of range": A in the base TYPED was written in, -1 not
 * 0xffffffffffffffff */
static int out_of_range(struct mon *m, const char *typed, uint64_t a, uint32_t lim)
{
    char at[MON_ADDR_TEXT], hint[RANGE_HINT];
    return mon_err(m, "address %s is out of range (0..%#x)%s",
                   mon_addr_text(typed, a, at, sizeof at), lim - 1,
                   (int64_t)a < 0 ? simh_range(typed, '-', hint, sizeof hint) : "");
}

int mon_cmd_examine(struct mon *m, int argc, char **argv)
{
    enum space sp = SP_AUTO;
    char fmt = 0, sfmt;
    int i = 1;
    uint64_t scount = 0;
    if (mon_slash(m, "xduobtciw", &scount, &sfmt) != 0 ||
        flags(m, argc, argv, &i, &sp, &fmt) != 0)
        return -1;
    /* one format and one count, as for the flags: neither silently wins */
    if (sfmt && fmt)
        return mon_err(m, "'/%c' and '-%c': give one format", sfmt, fmt);
    if (scount && i < argc && (argc - i > 1 || strstr(argv[i], "..")))
        return mon_err(m, "a count after '/' and a COUNT or ..END: give one");
    if (sfmt)
        fmt = sfmt == 't' ? 'b' : sfmt; /* gdb's letters; /u unsigned, as print/u */
    if (!fmt)
        fmt = 'x';
    if (i >= argc || argc - i > 2)
        return mon_usage(m, argc, argv);
    struct machine *x = space_machine(m, sp);
    uint64_t a, n = 1, end;
    char *dots = strstr(argv[i], "..");
    const char *endtext = NULL;
    if (dots) {
        *dots = '\0';
        if (argc - i > 1)
            return mon_usage(m, argc, argv);
        endtext = dots + 2;
    } else if (argc - i == 2 && !strncmp(argv[i + 1], "..", 2)) {
        endtext = argv[i + 1] + 2; /* 'x 0 ..3', as the usage writes it */
    }
    uint32_t lim;
    char hint[RANGE_HINT];
    if (!endtext && *simh_range(argv[i], ':', hint, sizeof hint))
        return mon_err(m, "'%.*s%s' is not an address%s", MON_QUOTE(argv[i]), hint);
    if (endtext) {
        if (mon_arg(m, argv[i], &a) != 0)
            return -1;
        bool dot = m->expr_dot;
        if (mon_arg(m, endtext, &end) != 0)
            return -1;
        m->expr_dot |= dot;
        sp = auto_space(m, sp);
        lim = sp == SP_VIRT ? TGM_Q_MAX : machine_q(x);
        if (a < lim && end >= lim) /* 'x 5..-1' names -1, not a count */
            return out_of_range(m, endtext, end, lim);
        if (end < a && a < lim) { /* each end as it was typed, as out of range */
            char at[MON_ADDR_TEXT], to[MON_ADDR_TEXT];
            return mon_err(m, "range %s..%s is empty", mon_addr_text(argv[i], a, at, sizeof at),
                           mon_addr_text(endtext, end, to, sizeof to));
        }
        n = end - a + 1;
    } else {
        if (scount)
            n = scount;
        if (mon_arg(m, argv[i], &a) != 0)
            return -1;
        sp = auto_space(m, sp);
        lim = sp == SP_VIRT ? TGM_Q_MAX : machine_q(x);
        if (argc - i == 2 && mon_count_from(m, argv[i + 1], 1, &n) != 0)
            return -1;
        if (n == 0)
            return mon_err(m, "a count of 0 words shows nothing (give 1 or more)");
    }
    if (a >= lim) /* the count only when the words run past the end */
        return out_of_range(m, argv[i], a, lim);
    if (n > lim - a) {
        char at[MON_ADDR_TEXT];
        return mon_err(m, "address %s (count %llu) is out of range (0..%#x)",
                       mon_addr_text(argv[i], a, at, sizeof at), (unsigned long long)n,
                       lim - 1);
    }
    if (fmt == 'c') {
        show_chars(m, x, sp, a, n);
        return 0;
    }
    const struct tgm_image *syms = sp == SP_REAL ? NULL : mon_symbols(m);
    struct psw cur = machine_psw(x);
    for (uint64_t k = 0; k < n; k++) {
        const char *why;
        int64_t ph = space_addr(x, sp, a + k, &why);
        uint64_t v = 0;
        if (ph < 0) {
            mon_out(m, "  0x%05llx: memory trap (%s)\n", (unsigned long long)(a + k), why);
            continue;
        }
        machine_read_phys(x, (uint64_t)ph, &v);
        const char *lab = mon_label(m, syms, (uint32_t)ph);
        if (fmt == 'i') {
            if (sp == SP_VIRT)
                mon_print_vinsn(m, x, &cur, syms, (uint32_t)(a + k), v);
            else
                mon_print_insn(m, m->out, x, syms, (uint32_t)(a + k), v);
            continue;
        }
        char where[40] = "";
        if (sp == SP_VIRT)
            snprintf(where, sizeof where, " (E[%#llx])", (unsigned long long)ph);
        char val[160];
        if (fmt == 'd')
            mon_out(m, "  0x%05llx %-12s %lld%s\n", (unsigned long long)(a + k), lab ? lab : "",
                    (long long)v, where);
        else if (fmt == 'u' || fmt == 'o' || fmt == 'b' || fmt == 'w')
            mon_out(m, "  0x%05llx %-12s %s%s\n", (unsigned long long)(a + k), lab ? lab : "",
                    mon_fmt_value(v, fmt, val, sizeof val), where);
        else
            mon_out(m, "  0x%05llx %-12s %016llx%s\n", (unsigned long long)(a + k),
                    lab ? lab : "", (unsigned long long)v, where);
    }
    return 0;
}

/* ---- translate ---- */

static void develop_report(struct mon *m, const char *who, uint64_t a, uint32_t l, uint32_t b,
                           uint32_t q)
{
    bool c1 = a + l >= q, c2 = a >= b;
    mon_out(m, "%s: a=%#llx, R=(l=%#x, b=%#x), q=%#x\n", who, (unsigned long long)a, l, b, q);
    mon_out(m, "  a + l = %#llx %s q   %s\n", (unsigned long long)(a + l), c1 ? ">=" : "<",
            c1 ? "FAILS: memory trap" : "ok");
    mon_out(m, "  a     = %#llx %s b   %s\n", (unsigned long long)a, c2 ? ">=" : "<",
            c2 ? "FAILS: memory trap" : "ok");
    if (!c1 && !c2)
        mon_out(m, "  => physical %#llx\n", (unsigned long long)(a + l));
    else
        mon_out(m, "  => memory trap (%s)\n", c1 ? "a + l >= q" : "a >= b");
}

int mon_cmd_translate(struct mon *m, int argc, char **argv)
{
    (void)argc;
    uint64_t a;
    char at[MON_ADDR_TEXT];
    if (mon_arg(m, argv[1], &a) != 0)
        return -1;
    if (a > TGM_ADDR_MASK)
        return mon_err(m, "address %s is wider than %d bits",
                       mon_addr_text(argv[1], a, at, sizeof at), TGM_ADDR_BITS);
    struct machine *x = mon_target(m);
    struct psw p = machine_psw(x);
    char name[64];
    develop_report(m, mon_target_name(m, name, sizeof name), a, p.l, p.b, machine_q(x));
    if (m->focus != MON_FOCUS_BARE) {
        struct vm_info vi;
        if (mon_focus_info(m, &vi) != 0)
            return -1;
        develop_report(m, "real machine, through R' (a direct access)", a, vi.real_l, vi.real_b,
                       machine_q(vmm_machine(m->vmm)));
    }
    return 0;
}

int mon_cmd_symbols(struct mon *m, int argc, char **argv)
{
    const struct tgm_image *img = mon_symbols(m);
    if (!img) {
        mon_out(m, "no symbols (load a program with labels)\n");
        return 0;
    }
    uint32_t shown = 0;
    for (uint32_t i = 0; i < img->nsyms; i++)
        if (argc < 2 || !strncmp(img->syms[i].name, argv[1], strlen(argv[1]))) {
            mon_out(m, "  0x%05llx  %s%s\n", (unsigned long long)img->syms[i].value,
                    img->syms[i].name,
                    img->syms[i].kind == TGM_SYM_CONST    ? "  (constant)"
                    : img->syms[i].kind == TGM_SYM_PHASED ? "  (phased)"
                                                          : "");
            shown++;
        }
    if (!shown && argc >= 2) /* say so rather than print nothing */
        mon_out(m, "no symbols start with '%s'\n", argv[1]);
    return 0;
}

/* ---- console ---- */

long mon_unescape(struct mon *m, char *s)
{
    const char *p = s, *end = s + strlen(s);
    char *o = s;
    while (p < end) {
        uint8_t c;
        if (asm_escape(&p, end, &c) != 0) {
            int n = p[1] == 'x' ? (int)strnlen(p, 4) : (int)strnlen(p, 2);
            return mon_err(m, "unknown escape '%.*s' (use \\n \\t \\r \\0 \\\\ \\' "
                              "\\\" or \\xHH)", n, p);
        }
        *o++ = (char)c;
    }
    *o = '\0';
    return (long)(o - s);
}

int mon_cmd_console(struct mon *m, int argc, char **argv)
{
    struct machine *x = mon_target(m);
    if (argc >= 2) /* input and clear change the console: the history restarts */
        m->bp_cmds_kept = false;
    if (argc >= 2 && mon_keyword(argv[1], "input") == 0) {
        if (argc != 3)
            return mon_usage(m, argc, argv);
        long n = mon_unescape(m, argv[2]);
        if (n < 0)
            return -1;
        size_t held;
        int rc = mon_queue_input(m, (const uint8_t *)argv[2], (size_t)n, &held);
        if (rc == -2)
            return mon_err(m, "%ld more byte%s would pass %zu bytes, the limit for console "
                           "input (%zu queued, read or not); nothing queued", n,
                           n == 1 ? "" : "s", MON_INPUT_LIMIT, held);
        return rc ? mon_err(m, "cannot queue input") : 0;
    }
    if (argc == 2 && mon_keyword(argv[1], "input clear") == 1) {
        machine_console_clear_output(x);
        return 0;
    }
    if (argc >= 2)
        return mon_usage(m, argc, argv);
    size_t len;
    const uint8_t *o = machine_console_output(x, &len);
    if (len) /* an empty console may have no buffer: fwrite(NULL) is undefined */
        fwrite(o, 1, len, m->out);
    if (len && o[len - 1] != '\n')
        fputc('\n', m->out);
    uint64_t dropped = machine_console_dropped(x);
    if (dropped && !machine_console_lost(x)) /* past the 16 MiB the machine keeps */
        mon_out(m, "(%llu byte%s more written and dropped: a console keeps 16777216)\n",
                (unsigned long long)dropped, dropped == 1 ? "" : "s");
    return mon_console_short(m, x, NULL); /* shown, and said to be short */
}

/* ---- deposit and assemble ---- */

static int deposit_reg(struct mon *m, struct machine *x, int reg, const char *val)
{
    uint64_t v;
    char at[MON_ADDR_TEXT];
    if (mon_arg(m, val, &v) != 0)
        return -1;
    struct psw p = machine_psw(x);
    uint64_t w;
    switch (reg) {
    case 0: /* P */
    case 3: /* l */
        if (v > TGM_ADDR_MASK)
            return mon_err(m, "%s does not fit in 19 bits",
                           mon_addr_text(val, v, at, sizeof at));
        *(reg == 0 ? &p.p : &p.l) = (uint32_t)v;
        break;
    case 1: /* M */
    case 2: /* I */
        if (v > 1)
            return mon_err(m, "%s", reg == 1 ? "M is 0 (user) or 1 (sup)" : "I is 0 or 1");
        *(reg == 1 ? &p.sup : &p.ie) = v != 0;
        break;
    case 4: /* b */
        if (v > PSW_B_MASK)
            return mon_err(m, "%s does not fit in 20 bits", mon_addr_text(val, v, at, sizeof at));
        p.b = (uint32_t)v;
        break;
    default: /* psw, as LPSW loads it: the cause bits of an old PSW (E[0]) are ignored */
        machine_set_psw(x, v);
        return 0;
    }
    w = psw_pack(&p);
    machine_set_psw(x, w);
    return 0;
}

/* Where value K (0-based) of the N deposited from the typed START at A
 * goes, for an error: START as typed, and past the first value which value
 * it is and its address ("65534 (value 3 of 3, at 65536)"), so the user
 * sees both what was typed and the word that does not fit. */
static const char *deposit_at(const char *typed, uint64_t a, int k, int n, char *buf,
                              size_t len)
{
    char at[MON_ADDR_TEXT], to[MON_ADDR_TEXT];
    mon_addr_text(typed, a, at, sizeof at);
    if (k == 0)
        snprintf(buf, len, "%s", at);
    else
        snprintf(buf, len, "%s (value %d of %d, at %s)", at, k + 1, n,
                 mon_addr_text(typed, a + (uint64_t)k, to, sizeof to));
    return buf;
}

int mon_cmd_deposit(struct mon *m, int argc, char **argv)
{
    enum space sp = SP_AUTO;
    int i = 1;
    struct machine *x = mon_target(m);
    int reg = -1;
    /* '$P' as in expressions: not E[P], the word at the address P holds */
    const char *name = argv[1] + (argv[1][0] == '$');
    for (int k = 0, n = 0; k < 6; k++) {
        static const char *const regs[] = {"P", "M", "I", "l", "b", "psw"};
        n = !strcmp(name, regs[k]);
        if (n)
            reg = k;
    }
    if (!strcmp(name, "pc")) /* P as expressions spell it (gdb's $pc), not E[P] */
        reg = 0;
    if (reg >= 0) {
        if (argc != 3)
            return mon_usage(m, argc, argv);
        return deposit_reg(m, x, reg, argv[2]);
    }
    if (flags(m, argc, argv, &i, &sp, NULL) != 0)
        return -1;
    if (argc - i < 2)
        return mon_usage(m, argc, argv);
    x = space_machine(m, sp);
    if (mon_spaced_expr(argc, argv)) /* 'deposit total + 1 5': no value '+' */
        return mon_usage(m, argc, argv);
    uint64_t a;
    if (mon_arg(m, argv[i], &a) != 0)
        return -1;
    sp = auto_space(m, sp);
    int n = argc - i - 1;
    const char *none = n > 1 ? "; nothing deposited" : "";
    uint64_t *vals = calloc((size_t)n, sizeof *vals);
    int64_t *phys = calloc((size_t)n, sizeof *phys);
    int rc = 0;
    if (!vals || !phys)
        rc = mon_err(m, "out of memory");
    /* check everything before writing anything */
    for (int k = 0; rc == 0 && k < n; k++) {
        const char *why;
        char where[2 * MON_ADDR_TEXT + 48];
        phys[k] = space_addr(x, sp, a + (uint64_t)k, &why);
        if (phys[k] < 0)
            rc = sp == SP_VIRT
                     ? mon_err(m, "%s would take a memory trap (%s)%s",
                               deposit_at(argv[i], a, k, n, where, sizeof where), why, none)
                     : mon_err(m, "address %s is out of range (0..%#x)%s",
                               deposit_at(argv[i], a, k, n, where, sizeof where),
                               machine_q(x) - 1, none);
        else if (sp == SP_REAL && phys[k] >= 1 && phys[k] < VMM_K)
            /* vmm_state_check's invariant: a trap must reach the dispatcher,
             * and 'restore' refuses a snapshot without it */
            rc = mon_err(m, "real E[%lld] belongs to the control program (E[1..%u] stay "
                            "as installed, or a trap would not reach it)",
                         (long long)phys[k], VMM_K - 1);
        else if (mon_arg(m, argv[i + 1 + k], &vals[k]) != 0)
            rc = -1;
    }
    for (int k = 0; rc == 0 && k < n; k++)
        machine_write_phys(x, (uint64_t)phys[k], vals[k]);
    free(vals);
    free(phys);
    return rc;
}

int mon_cmd_assemble(struct mon *m, int argc, char **argv)
{
    (void)argc;
    char *text = argv[1];
    /* ADDR is one word, quoted or not (a quoted one is unquoted here) */
    long q = mon_quoted_word(text, false);
    if (q < 0)
        return mon_err(m, "missing closing quote");
    size_t k = q ? (size_t)q : strcspn(text, " \t");
    if (!text[k] || (q && text[k] != ' ' && text[k] != '\t'))
        return mon_usage(m, argc, argv);
    text[k] = '\0';
    char *insn = text + k + 1;
    while (*insn == ' ' || *insn == '\t')
        insn++;
    /* 'assemble x + 1 HALT': ADDR typed with spaces, which mon_usage tells */
    char op[64], next[64];
    char *words[4] = {argv[0], text, op, next};
    if (sscanf(insn, "%63s %63s", op, next) == 2 && mon_spaced_expr(4, words) == 2)
        return mon_usage(m, 4, words);
    struct machine *x = mon_target(m);
    uint32_t a = 0;
    if (mon_e_addr(m, text, &a) != 0) /* '.': the word P points at, as deposit's */
        return -1;
    uint64_t w;
    char err[256];
    if (asm_assemble_line(insn, a, mon_symbols(m), &w, err, sizeof err) != 0)
        return mon_err(m, "%s", err);
    machine_write_phys(x, a, w);
    mon_print_insn(m, m->out, x, mon_symbols(m), a, w);
    return 0;
}
