/* refvmcmd.c: the model of refvmcmd.h, from docs/monitor.md and
 * docs/vmm.md; the formats the docs leave open follow the monitor's.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "refvmcmd.h"
#include "rng.h"

static const char *const cause_name[] = {"none", "privileged", "memory", "svc", "illegal", "timer"};

void vc_printf(struct vc_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(o->out + o->n, sizeof o->out - o->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        o->n += (size_t)k < sizeof o->out - o->n ? (size_t)k : sizeof o->out - o->n - 1;
}

static void vc_err(struct vc_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void vc_err(struct vc_out *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->err, sizeof o->err, fmt, ap);
    va_end(ap);
}

void vc_init(struct vc *s)
{
    memset(s, 0, sizeof *s);
    s->cpmem = 1u << 19; /* "the default real machine of 2^19 words" */
    s->slice = VMM_DEFAULT_SLICE;
    s->focus = -1;
    s->c.cur = -1;
    s->c.n = CPM_MAXVM;
}

void vc_free(struct vc *s)
{
    for (int i = 0; i < CPM_MAXVM; i++)
        free(s->c.vm[i].v.e), s->c.vm[i].v.e = NULL;
}

int vc_find(const struct vc *s, const char *name)
{
    for (int i = 0; i < VC_MAXVM; i++)
        if (s->vm[i].live && !strcmp(s->vm[i].name, name))
            return i;
    return -1;
}

/* "a letter or `_`, then letters, digits, `_`, `.` or `-`, at most 31
 * characters, and not `bare`" */
bool vc_name_ok(const char *name)
{
    size_t n = strlen(name);
    if (!n || n > 31 || !strcmp(name, "bare"))
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
        bool rest = (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
        if (!letter && (i == 0 || !rest))
            return false;
    }
    return true;
}

/* The allocator: the first free region of W words after the CP's 8. */
static bool first_fit(const struct vc *s, uint32_t w, uint32_t *base)
{
    uint32_t b = VMM_K;
    for (;;) {
        bool moved = false;
        for (int i = 0; i < VC_MAXVM; i++) {
            const struct vc_vm *v = &s->vm[i];
            if (v->live && b < v->base + v->w && v->base < b + w)
                b = v->base + v->w, moved = true;
        }
        if (!moved)
            break;
    }
    if ((uint64_t)b + w > s->cpmem)
        return false;
    *base = b;
    return true;
}

static void put_image(struct vc *s, int id, const uint64_t *words, uint32_t at, uint32_t n,
                      uint64_t psw)
{
    cpm_load(&s->c, id, at, words, n, psw);
}

bool vc_create(struct vc *s, struct vc_out *o, const char *name, long long w, const char *file,
               const uint64_t *words, uint32_t at, uint32_t n, uint64_t psw, uint32_t nsyms)
{
    (void)nsyms;
    if (!vc_name_ok(name)) {
        vc_err(o, "vm: bad VM name '%s' (a letter or _, then letters, digits, _ . or -; at most 31 "
                  "characters; not 'bare')", name);
        return false;
    }
    if (w < 2 || w > VC_WMAX) {
        vc_err(o, "vm: %lld word%s is out of range (2..%u)", w, w == 1 ? "" : "s", VC_WMAX);
        return false;
    }
    if (vc_find(s, name) >= 0) {
        vc_err(o, "vm: a VM named '%s' exists", name);
        return false;
    }
    int id = -1, live = 0;
    for (int i = 0; i < VC_MAXVM; i++) {
        live += s->vm[i].live;
        if (!s->vm[i].live && id < 0)
            id = i;
    }
    if (live >= VC_MAXVM) {
        vc_err(o, "vm: no more than %d VMs", VC_MAXVM);
        return false;
    }
    uint32_t base;
    if (!first_fit(s, (uint32_t)w, &base)) {
        vc_err(o, "vm: no free region of %lld words in %u words of real memory", w, s->cpmem);
        return false;
    }
    if (file && (uint64_t)at + n > (uint64_t)w) {
        vc_err(o, "vm: %s: image needs words %u..%u but the machine has %lld words", file, at,
               at + n - 1, w);
        return false;
    }
    s->cp = true;
    struct vc_vm *v = &s->vm[id];
    memset(v, 0, sizeof *v);
    v->live = true, v->w = (uint32_t)w, v->base = base;
    snprintf(v->name, sizeof v->name, "%s", name);
    if (id < CPM_MAXVM) {
        struct cpm_vm *m = &s->c.vm[id];
        free(m->v.e);
        memset(m, 0, sizeof *m);
        m->v.q = (uint32_t)w;
        m->v.e = calloc(w, sizeof *m->v.e);
        m->v.prof = P_VIRT;
        m->v.sup = true, m->v.b = (uint32_t)w; /* a bare machine of w words at reset */
        m->base = base, m->state = VM_RUNNABLE, m->live = true;
        if (file)
            put_image(s, id, words, at, n, psw);
    }
    s->focus = id;
    vc_printf(o, "%s: VM %d, %lld words at real %#x..%#x%s%s; selected\n", name, id, w, base,
              base + (uint32_t)w - 1, file ? ", loaded " : "", file ? file : "");
    return true;
}

void vc_no_vm(const struct vc *s, struct vc_out *o, const char *cmd, const char *name)
{
    if (!s->cp) /* before the control program, whatever the name */
        vc_err(o, "%s: no VMs exist (create one with 'vm create')", cmd);
    else
        vc_err(o, "%s: no VM named '%s' (see 'vm list')", cmd, name);
}

bool vc_load(struct vc *s, struct vc_out *o, const char *name, const char *file,
             const uint64_t *words, uint32_t at, uint32_t n, uint64_t psw, uint32_t nsyms)
{
    int id = vc_find(s, name);
    if (id < 0) {
        vc_no_vm(s, o, "vm", name);
        return false;
    }
    if ((uint64_t)at + n > s->vm[id].w) {
        vc_err(o, "vm: %s: image needs words %u..%u but the machine has %u words", file, at,
               at + n - 1, s->vm[id].w);
        return false;
    }
    put_image(s, id, words, at, n, psw);
    vc_printf(o, "%s: loaded %s: %u words at %#x, %u symbols; entry P=%#x M=%c\n", name, file, n,
              at, nsyms, (unsigned)(psw >> 39) & RM_AMASK, psw >> 63 ? 's' : 'u');
    return true;
}

void vc_destroy(struct vc *s, struct vc_out *o, int id)
{
    if (id < CPM_MAXVM)
        cpm_destroy(&s->c, id);
    s->vm[id].live = false;
    if (s->focus == id)
        s->focus = -1;
    vc_printf(o, "%s destroyed; its region is free\n", s->vm[id].name);
}

const char *vc_state_name(enum vm_state st)
{
    switch (st) {
    case VM_RUNNABLE: return "runnable";
    case VM_STOPPED: return "stopped";
    case VM_HALTED: return "halted";
    default: return "step limit";
    }
}

static double ratio(const struct vm_stats *st)
{
    uint64_t t = st->direct + st->interpreted;
    return t ? (double)st->direct / (double)t : 0.0;
}

void vc_list(const struct vc *s, struct vc_out *o)
{
    int width = 12, any = 0;
    for (int i = 0; i < VC_MAXVM; i++)
        if (s->vm[i].live) {
            int k = (int)strlen(s->vm[i].name);
            width = k > width ? k : width;
            any++;
        }
    if (!s->cp || !any) {
        vc_printf(o, "no VMs\n");
        return;
    }
    vc_printf(o, "  id %-*s state      region           P        M   direct  interp  ratio\n", width,
              "name");
    for (int i = 0; i < VC_MAXVM; i++) {
        const struct vc_vm *v = &s->vm[i];
        if (!v->live)
            continue;
        /* a VM past the model's table has not run: a bare machine at reset */
        static const struct cpm_vm fresh = {.state = VM_RUNNABLE, .v = {.sup = true}};
        const struct cpm_vm *m = i < CPM_MAXVM ? &s->c.vm[i] : &fresh;
        vc_printf(o, "%c%3d %-*s %-10s 0x%05x..0x%05x 0x%05x  %c %8llu %7llu  %.3f\n",
                  s->focus == i ? '*' : ' ', i, width, v->name, vc_state_name(m->state), v->base,
                  v->base + v->w - 1, m->v.p, m->v.sup ? 's' : 'u',
                  (unsigned long long)m->st.direct, (unsigned long long)m->st.interpreted,
                  ratio(&m->st));
    }
}

void vc_stats(const struct vc *s, struct vc_out *o, int id)
{
    const struct vm_stats *st = &s->c.vm[id].st;
    vc_printf(o, "%s: %llu instruction%s direct, %llu interpreted; direct ratio %.4f\n",
              s->vm[id].name, (unsigned long long)st->direct, st->direct == 1 ? "" : "s",
              (unsigned long long)st->interpreted, ratio(st));
    vc_printf(o, "  cycles: guest %llu, control program %llu; dispatcher entries %llu\n",
              (unsigned long long)st->guest_cycles, (unsigned long long)st->cp_cycles,
              (unsigned long long)st->entries);
    vc_printf(o, "  %-10s %12s%12s%12s%12s%12s\n", "traps", "interpreted", "reflected",
              "allocator", "scheduler", "hybrid");
    static const int disp[] = {DISP_INTERPRETED, DISP_REFLECTED, DISP_ALLOCATOR, DISP_SCHEDULER,
                               DISP_HYBRID};
    for (int c = 0; c < TRAP_NCAUSES; c++) { /* the (no trap) row when it has a count */
        uint64_t sum = 0;
        for (int d = 0; d < 5; d++)
            sum += st->traps[c][disp[d]];
        if (c == TRAP_NONE && !sum)
            continue;
        vc_printf(o, "  %-10s", c == TRAP_NONE ? "(no trap)" : cause_name[c]);
        for (int d = 0; d < 5; d++)
            vc_printf(o, "%s%*llu", d ? "" : " ", 12, (unsigned long long)st->traps[c][disp[d]]);
        vc_printf(o, "\n");
    }
}

void vc_console(const struct vc *s, struct vc_out *o, int id)
{
    const struct rm *v = &s->c.vm[id].v;
    for (size_t i = 0; i < v->nout; i++)
        vc_printf(o, "%c", v->out[i]);
    if (v->nout && v->out[v->nout - 1] != '\n')
        vc_printf(o, "\n");
}

static void psw_fields(struct vc_out *o, uint64_t w)
{
    vc_printf(o, "%c I=%d P=0x%05x l=0x%05x b=0x%05x", w >> 63 ? 's' : 'u', (int)(w >> 62 & 1),
              (unsigned)(w >> 39) & RM_AMASK, (unsigned)(w >> 20) & RM_AMASK,
              (unsigned)w & RM_BMASK);
}

static uint64_t view_psw(const struct rm *v)
{
    return rm_pack(v->sup, v->ie, 0, v->p, v->l, v->b);
}

static void compose(const struct vc *s, int id, uint32_t *rl, uint32_t *rb)
{
    const struct rm *v = &s->c.vm[id].v;
    uint32_t base = s->vm[id].base, w = s->vm[id].w;
    if (v->l >= w)
        *rl = base, *rb = 0;
    else
        *rl = v->l + base, *rb = v->b < w - v->l ? v->b : w - v->l;
}

void vc_regs(const struct vc *s, struct vc_out *o, int id)
{
    const struct vc_vm *vm = &s->vm[id];
    const struct rm *v = &s->c.vm[id].v;
    uint32_t rl, rb;
    compose(s, id, &rl, &rb);
    vc_printf(o, "%s (virtual; region %#x..%#x, %s)\n", vm->name, vm->base, vm->base + vm->w - 1,
              vc_state_name(s->c.vm[id].state));
    vc_printf(o, "M|%c\nI|%d\nP|%#x\nl|%#x\nb|%#x\nlast trap|%s\n", v->sup ? 's' : 'u', v->ie,
              v->p, v->l, v->b, cause_name[vm->last]);
    vc_printf(o, "R'|(%#x, %#x) composed by the allocator\n", rl, rb);
    vc_printf(o, "%s (q=%u, profile virtualizable)\n", vm->name, vm->w);
    uint64_t p = view_psw(v);
    vc_printf(o, "  PSW   %016llx  ", (unsigned long long)p);
    psw_fields(o, p);
    vc_printf(o, "  last trap: %s\n", cause_name[vm->last]);
    for (int k = 0; k < 2; k++) {
        uint64_t e = v->e[k];
        vc_printf(o, "  E[%d]  %016llx  ", k, (unsigned long long)e);
        psw_fields(o, e);
        if (k == 0)
            vc_printf(o, "  cause=%s  (old PSW)\n", (e >> 58 & 0xF) < 6 ? cause_name[e >> 58 & 0xF] : "?");
        else
            vc_printf(o, "  (new PSW)\n");
    }
    long long left = v->armed ? v->rem : 0;
    vc_printf(o, "  timer %s%s, %lld cycle%s left", v->armed ? "armed" : "disarmed",
              v->pending ? " (pending)" : "", left, left == 1 ? "" : "s");
    vc_printf(o, ";  cycles %llu  insns %llu  steps %llu\n", (unsigned long long)v->cycles,
              (unsigned long long)v->instret, (unsigned long long)v->steps);
}

void vc_examine(const struct vc *s, struct vc_out *o, int id, uint32_t a, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        vc_printf(o, "  0x%05x              %016llx\n", a + i,
                  (unsigned long long)s->c.vm[id].v.e[a + i]);
}

/* The real machine's word A (docs/vmm.md's map): E[1..3] the CP's PSW,
 * HCALL 0 and HALT, a VM's region its own E; E[0] the last trap's. */
uint64_t vc_real(const struct vc *s, uint32_t a, bool *known)
{
    *known = true;
    if (!s->cp)
        return 0;
    if (a == 0)
        return *known = false, 0;
    if (a == 1)
        return rm_pack(true, false, 0, 2, 0, s->cpmem >= RM_BMASK ? RM_BMASK : s->cpmem);
    if (a == 2)
        return (uint64_t)0x48 << 57;
    if (a == 3)
        return (uint64_t)0x02 << 57;
    for (int i = 0; i < VC_MAXVM; i++) {
        const struct vc_vm *v = &s->vm[i];
        if (v->live && a >= v->base && a < v->base + v->w)
            return i < CPM_MAXVM ? s->c.vm[i].v.e[a - v->base] : 0;
    }
    return 0;
}

static void develop(struct vc_out *o, uint64_t a, uint64_t l, uint64_t b, uint64_t q)
{
    bool f1 = a + l >= q, f2 = a >= b;
    vc_printf(o, "  a + l = %#llx %s q   %s\n", (unsigned long long)(a + l), f1 ? ">=" : "<",
              f1 ? "FAILS: memory trap" : "ok");
    vc_printf(o, "  a     = %#llx %s b   %s\n", (unsigned long long)a, f2 ? ">=" : "<",
              f2 ? "FAILS: memory trap" : "ok");
    if (f1 || f2)
        vc_printf(o, "  => memory trap (%s)\n", f1 ? "a + l >= q" : "a >= b");
    else
        vc_printf(o, "  => physical %#llx\n", (unsigned long long)(a + l));
}

void vc_translate(const struct vc *s, struct vc_out *o, int id, uint32_t a)
{
    const struct rm *v = &s->c.vm[id].v;
    vc_printf(o, "%s: a=%#x, R=(l=%#x, b=%#x), q=%#x\n", s->vm[id].name, a, v->l, v->b, v->q);
    develop(o, a, v->l, v->b, v->q);
    uint32_t rl, rb;
    compose(s, id, &rl, &rb);
    vc_printf(o, "real machine, through R' (a direct access): a=%#x, R=(l=%#x, b=%#x), q=%#x\n", a,
              rl, rb, s->cpmem);
    develop(o, a, rl, rb, s->cpmem);
}

bool vc_can_run(const struct vc *s)
{
    for (int i = CPM_MAXVM; i < VC_MAXVM; i++)
        if (s->vm[i].live)
            return false;
    return true;
}

enum vmm_stop vc_step1(struct vc *s)
{
    uint64_t before[CPM_MAXVM][TRAP_NCAUSES];
    for (int i = 0; i < CPM_MAXVM; i++)
        memcpy(before[i], s->c.vm[i].v.traps, sizeof before[i]);
    enum vmm_stop r = cpm_run(&s->c, 1);
    for (int i = 0; i < CPM_MAXVM; i++)
        for (int k = 1; k < TRAP_NCAUSES; k++)
            if (s->c.vm[i].live && s->c.vm[i].v.traps[k] != before[i][k])
                s->vm[i].last = (uint8_t)k;
    return r;
}

static const char *const mnem_ok[] = {"NOP", "HALT", "MOV", "LI", "LDX", "STX", "ADD", "SUB",
                                      "MUL", "DIV", "AND", "OR", "XOR", "SHL", "SHR", "SAR", "ADDI",
                                      "SLT", "SEQ", "JMP", "JMPI", "BEQ", "BNE", "BLT", "BZ", "BNZ",
                                      "DJNZ", "SVC", "LPSW", "SPSW", "LR", "SR", "TSET", "TGET",
                                      "COUT", "CIN", "JAL", "JMPX"};

/* A random guest of docs/isa.md's instructions as assembly source, into
 * SRC; *W: the VM size it wants (at least its words). */
void vc_guest_source(uint64_t *rng, char *src, size_t cap, uint32_t *words)
{
#define rn(n) ((uint32_t)((n) ? rng_next(rng) % (n) : 0))
    uint32_t ncode = 3 + rn(18), ndata = 4 + rn(6), n = 2 + ncode + ndata;
    uint32_t w = n + (rn(4) ? rn(30) : 0);
    uint32_t d0 = 2 + ncode;
    size_t k = 0;
#define EMIT(...) (k += (size_t)snprintf(src + k, cap - k, __VA_ARGS__))
    EMIT(".entry 2\n.word 0\n");
    if (rn(6))
        EMIT(".word psw(%u, %u, 0, %u)\n", rn(4) != 0, 2 + rn(ncode), w);
    else
        EMIT(".word 0\n");
    for (uint32_t i = 0; i < ncode; i++) {
        const char *mn = mnem_ok[rn(sizeof mnem_ok / sizeof *mnem_ok)];
        const struct rm_insn *d = NULL;
        for (size_t j = 0; j < rm_ninsn; j++)
            if (!strcmp(rm_table[j].name, mn))
                d = &rm_table[j];
        EMIT("  %s", mn);
        for (int f = 0; f < 3 && d->f[f]; f++) {
            EMIT(f ? ", " : " ");
            switch (d->f[f]) {
            case 'a': EMIT("%u", rn(8) ? d0 + rn(ndata) : rn(w + 3)); break;
            case 't': EMIT("%u", 2 + rn(ncode + 1)); break;
            case 'n': EMIT("%u", rn(4)); break;
            case 'i': EMIT("%d", (int)rn(9) - 4); break;
            default: EMIT("%u", rn(3) ? rn(100) : 65 + rn(26)); break;
            }
        }
        EMIT("\n");
    }
    for (uint32_t i = 0; i < ndata; i++) {
        switch (rn(6)) {
        case 0: EMIT(".word psw(%u, %u, 0, %u)\n", rn(2), 2 + rn(ncode), w - rn(3)); break;
        case 1: EMIT(".word pswi(%u, %u, %u, %u)\n", rn(2), 2 + rn(ncode), rn(3) ? 0 : rn(4), w); break;
        case 2: EMIT(".word rb(%u, %u)\n", rn(3) ? 0 : rn(w + 2), rn(3) ? w : rn(w + 4)); break;
        default: EMIT(".word %u\n", rn(3) ? 3 + rn(60) : rn(200)); break;
        }
    }
#undef EMIT
#undef rn
    *words = w;
}

/* A stop's line of VM ID: its name, WHAT and its virtual PSW. */
void vc_where(const struct vc *s, struct vc_out *o, int id, const char *what)
{
    const struct rm *v = &s->c.vm[id].v;
    vc_printf(o, "%s: %s: %c I=%d P=0x%05x l=0x%05x b=0x%05x\n", s->vm[id].name, what,
              v->sup ? 's' : 'u', v->ie, v->p, v->l, v->b);
}

/* Keep only the lines that do not begin with a space (the instruction at
 * each stop is the disassembler's). */
void vc_unindented(char *t)
{
    char *w = t;
    for (char *p = t; *p;) {
        char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) + 1 : strlen(p);
        if (*p != ' ')
            memmove(w, p, len), w += len;
        p += len;
    }
    *w = 0;
}

/* TO := FROM, E and console input (TO_IN, FROM_IN by id) copied. */
void vc_copy(struct vc *to, const struct vc *from, uint8_t (*to_in)[512],
                    const uint8_t (*from_in)[512])
{
    vc_free(to);
    *to = *from;
    for (int i = 0; i < CPM_MAXVM; i++) {
        struct rm *v = &to->c.vm[i].v;
        if (from->c.vm[i].v.e) {
            v->e = malloc((size_t)v->q * sizeof *v->e);
            if (!v->e)
                abort();
            memcpy(v->e, from->c.vm[i].v.e, (size_t)v->q * sizeof *v->e);
        }
        memcpy(to_in[i], from_in[i], sizeof to_in[i]);
        if (v->in)
            v->in = to_in[i];
    }
}


/* The monitor's 'regs' output IN as vc_regs writes it: the table's first
 * line and its label and virtual columns (from column 26: the real
 * machine's column is the CP's business), then the VM's block as it is. */
void vc_regs_columns(const char *in, char *out, size_t cap)
{
    size_t k = 0;
    int ln = 0;
    for (const char *p = in; *p; ln++) {
        const char *nl = strchr(p, '\n');
        int len = nl ? (int)(nl - p) : (int)strlen(p);
        if (ln == 0 && len > 26) {
            k += (size_t)snprintf(out + k, cap - k, "%.*s\n", len - 26, p + 26);
        } else if (ln <= 7 && len > 26) {
            int ll = 11;
            while (ll > 0 && p[ll - 1] == ' ')
                ll--;
            k += (size_t)snprintf(out + k, cap - k, "%.*s|%.*s\n", ll, p, len - 26, p + 26);
        } else {
            k += (size_t)snprintf(out + k, cap - k, "%.*s\n", len, p);
        }
        p += len + (nl != NULL);
    }
}

static const char *const pool[] = {"a", "b", "guest", "g2", "vm_x", "x.y-1", "_z",
                                   "abcdefghijabcdefghijabcdefghij1"};
static const char *const bad[] = {"bare", "9x", "abcdefghijabcdefghijabcdefghij12", "-q", "a+b"};

/* A VM name for a command: mostly good ones, now and then a bad one. */
const char *vc_pick_name(uint64_t *rng)
{
    if (rng_next(rng) % 12)
        return pool[rng_next(rng) % (sizeof pool / sizeof *pool)];
    return bad[rng_next(rng) % (sizeof bad / sizeof *bad)];
}

