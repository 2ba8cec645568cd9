/* machine.c: creating, resetting, inspecting and altering a machine.
 *
 * Section 2's state S = <E, M, P, R> and its documented extensions, seen
 * from the host.  The run loop is in cpu.c; this file is everything a
 * monitor, a loader or a control program does to a machine between runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "machine_impl.h"
#include "tgm/image.h"

/* After any change of M, I or R: what the run loop derives from them. */
void machine_update_lim(struct machine *m)
{
    m->lim = address_limit(m->q, m->l, m->b);
    m->El = m->l < m->q ? m->E + m->l : m->E;
    m->Dl = m->l < m->q ? m->D + m->l : m->D;
    m->pswx = psw_pack(&(struct psw){m->sup, m->ie, 0, 0, m->l, m->b});
}

/* Breakpoints alone keep the fast loop (they are marked in the cache).
 * Whether anything is set is kept too: the CP asks on every trap. */
void machine_update_checked(struct machine *m)
{
    m->debugging = m->nbp || m->nwatch || m->break_class || m->trap_stop || m->trace != NULL;
    m->checked = (m->nbp && !cpu_fast_breaks) || m->nwatch || m->break_class ||
                 m->trap_stop || m->trace != NULL || m->oracle;
    m->step_run = m->checked || m->hostcall;
}

/* Count a breakpoint of M's at PHYS in the shared cache (D is +1 or -1); the
 * entry is decoded again, with the handler that asks. */
static void pdc_mark(struct machine *m, uint32_t phys, int d)
{
    m->D[phys].nbp = (uint16_t)(m->D[phys].nbp + d);
    m->D[phys].h = pdc_stale;
}

/* Take all of M's breakpoints out of the cache. */
static void pdc_unmark_all(struct machine *m)
{
    for (uint32_t i = 0; m->bp_exec && i < m->q; i++)
        if ((m->bp_exec[i >> 3] >> (i & 7)) & 1)
            pdc_mark(m, i, -1);
}

void machine_decode_oracle(struct machine *m, bool on)
{
    m->oracle = on;
    machine_update_checked(m);
}

/* dmap[mode][op] is the dispatch code: the opcode itself, DISPATCH_ILL for a
 * word that is no instruction here, DISPATCH_PRIV for the privileged trap. */
void machine_build_dispatch(struct machine *m)
{
    for (unsigned op = 0; op < ISA_NOPS; op++) {
        unsigned beh = m->profile->beh[op];
        if (op == OP_HCALL && !m->hostcalls)
            beh = BEH_ABSENT;
        m->dmap[1][op] = beh == BEH_ABSENT ? DISPATCH_ILL : (uint8_t)op;
        m->dmap[0][op] = beh == BEH_ABSENT ? DISPATCH_ILL
                         : beh == BEH_PRIV ? DISPATCH_PRIV
                                           : (uint8_t)op;
    }
    cpu_mode_handlers(m);
}

/* Everything machine_reset sets except memory. */
static void reset_registers(struct machine *m)
{
    m->sup = true;
    m->ie = false;
    m->p = 0;
    m->l = 0;
    m->b = m->q;
    machine_update_lim(m);
    m->timer_armed = m->timer_pending = false;
    m->timer_deadline = 0;
    conbuf_clear(&m->conbuf);
    memset(&m->ctr, 0, sizeof m->ctr);
    m->last_trap = TRAP_NONE;
}

/* Every entry of the cache stale (a view's: its window of the host's). */
static void pdc_clear(struct pdc *D, uint32_t q)
{
    for (uint32_t i = 0; i < q; i++)
        D[i].h = pdc_stale;
}

/* Anything in the console that a reset would clear? */
static bool console_in_use(const struct console_buf *c)
{
    return c->out_len || c->out_dropped || c->out_lost || c->in_len;
}

/* Only the words that are not zero are stored (and their decode entries
 * made stale): an entry decoded from a zero word is still good, and on a
 * big machine mostly zero, clearing every entry was most of a reset. */
void machine_reset(struct machine *m) { (void)machine_reset_to(m, NULL, 0); }

int machine_reset_to(struct machine *m, const uint64_t *words, uint32_t n)
{
    if (n > m->q)
        return -1;
    bool changed = console_in_use(&m->conbuf);
    /* mem_store's two stores, the word and its decode entry (the others'
     * stay good), with E, D and pdc_stale in locals: the compiler must
     * assume that a store of a handler changes any of them, and reloaded
     * them for every word */
    uint64_t *E = m->E;
    struct pdc *D = m->D;
    const void *stale = pdc_stale;
    uint32_t i = 0, q = m->q;
    for (; i < n; i++)
        if (E[i] != words[i]) {
            E[i] = words[i];
            D[i].h = stale;
            changed = true;
        }
    for (; i < q; i++)
        if (E[i]) {
            E[i] = 0;
            D[i].h = stale;
            changed = true;
        }
    if (changed)
        machine_edited(m);
    reset_registers(m);
    return 0;
}

/* Shared by machine_create and machine_create_view: E is given. */
static struct machine *machine_init(uint64_t *E, struct pdc *D, uint32_t q, bool view,
                                    const struct machine_config *cfg)
{
    struct machine *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->E = E;
    m->D = D;
    m->pdcs = &m->own_pdcs;
    m->owner = m;
    m->q = q;
    m->view = view;
    m->profile = cfg && cfg->profile ? cfg->profile : isa_profile_default();
    m->hostcalls = cfg && cfg->hostcalls;
    conbuf_init(&m->conbuf);
    machine_set_console(m, NULL);
    machine_build_dispatch(m);
    reset_registers(m); /* E is zero already, or a view's region as it is */
    return m;
}

/* A machine's E and decode cache, zeroed.  Large ones (the control
 * program's real memory is up to 4 MiB of words and 32 MiB of cache) come
 * from mmap in huge pages where the kernel offers them: a control program
 * is made for every `tgm run --vmm`, check, nest and monitor with VMs, and
 * in 4 KiB pages each took thousands of page faults, most of `make test`'s
 * system time.  The mapping is aligned to a huge page and a whole number of
 * them long, since the kernel backs only aligned 2 MiB stretches with huge
 * pages (`tgm run --vmm` of one default VM, K + 65,536 words: 754 page
 * faults unaligned, 244 aligned).  Under AddressSanitizer they stay on its
 * heap, where it sees a reach past their ends. */
#if defined(__SANITIZE_ADDRESS__)
#define BIG_MEM SIZE_MAX
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define BIG_MEM SIZE_MAX
#endif
#endif
#define HUGE_PAGE ((size_t)2 << 20)
/* From 256 KiB: a default machine's E (512 KiB) is read whole by the
 * digest, which in small pages took 128 faults, half of a `tgm run`'s. */
#ifndef BIG_MEM
#define BIG_MEM ((size_t)256 << 10)
#endif

/* The length mapped for N bytes: whole huge pages. */
static size_t big_len(size_t n) { return (n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1); }

static void *mem_alloc(size_t n, bool cache)
{
    void *p;
    if (n < BIG_MEM) {
        /* the cache aligned: an entry per cache line */
        if (!cache)
            return calloc(1, n);
        if ((p = aligned_alloc(sizeof(struct pdc), n)))
            memset(p, 0, n);
        return p;
    }
    /* a huge page more than needed, and the ends beyond the aligned part
     * given back */
    size_t len = big_len(n);
    if (len < n || len + HUGE_PAGE < len)
        return NULL;
    p = mmap(NULL, len + HUGE_PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    char *a = (char *)(((uintptr_t)p + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1));
    size_t head = (size_t)(a - (char *)p);
    if (head)
        munmap(p, head);
    munmap(a + len, HUGE_PAGE - head);
#ifdef MADV_HUGEPAGE
    (void)madvise(a, len, MADV_HUGEPAGE); /* a hint: without it, small pages */
#endif
    return a;
}

static void mem_free(void *p, size_t n)
{
    if (!p)
        return;
    if (n < BIG_MEM)
        free(p);
    else
        munmap(p, big_len(n));
}

/* The last memory's number (machine_mark); machine_create, like cpu_init,
 * is not for two threads at once. */
static uint64_t serials;

struct machine *machine_create(const struct machine_config *cfg)
{
    uint32_t q = cfg && cfg->q ? cfg->q : TGM_Q_DEFAULT;
    if (q < TGM_Q_MIN || q > TGM_Q_MAX)
        return NULL;
    cpu_init();
    size_t en = (size_t)q * sizeof(uint64_t), dn = (size_t)q * sizeof(struct pdc);
    uint64_t *E = mem_alloc(en, false);
    struct pdc *D = mem_alloc(dn, true);
    struct machine *m = E && D ? machine_init(E, D, q, false, cfg) : NULL;
    if (!m) {
        mem_free(E, en);
        mem_free(D, dn);
        return NULL;
    }
    m->own_pdcs = (struct pdc_shared){D, q, 1};
    m->serial = ++serials;
    pdc_clear(D, q);
    return m;
}

struct machine *machine_create_view(struct machine *host, uint32_t base,
                                    uint32_t w, const struct machine_config *cfg)
{
    if (w < TGM_Q_MIN || base > host->q || w > host->q - base)
        return NULL;
    struct machine *m = machine_init(host->E + base, host->D + base, w, true, cfg);
    if (m) {
        m->pdcs = host->pdcs;
        m->owner = host->owner;
    }
    return m;
}

bool machine_is_view(const struct machine *m) { return m->view; }

void machine_destroy(struct machine *m)
{
    if (!m)
        return;
    conbuf_free(&m->conbuf);
    pdc_unmark_all(m); /* a view's marks are in its host's cache */
    free(m->bp_exec);
    free(m->watch);
    if (!m->view) {
        mem_free(m->E, (size_t)m->q * sizeof *m->E);
        mem_free(m->D, (size_t)m->q * sizeof *m->D);
    }
    free(m);
}

uint32_t machine_q(const struct machine *m) { return m->q; }
const struct isa_profile *machine_profile(const struct machine *m) { return m->profile; }
bool machine_hostcalls(const struct machine *m) { return m->hostcalls; }
uint8_t machine_last_trap(const struct machine *m) { return m->last_trap; }
uint8_t machine_step_op(const struct machine *m) { return m->step_op; }

uint32_t machine_p(const struct machine *m) { return m->p; }
void machine_set_p(struct machine *m, uint32_t p) { m->p = p & TGM_ADDR_MASK; }
bool machine_sup(const struct machine *m) { return m->sup; }
bool machine_ie(const struct machine *m) { return m->ie; }
uint64_t machine_cycles(const struct machine *m) { return m->ctr.cycles; }
uint64_t machine_steps(const struct machine *m) { return m->ctr.steps; }
uint64_t machine_instret(const struct machine *m) { return m->ctr.instret; }

struct psw machine_psw(const struct machine *m)
{
    return (struct psw){m->sup, m->ie, 0, m->p, m->l, m->b};
}

uint64_t machine_get_psw(const struct machine *m)
{
    /* psw_at without its mask: every store of p masks it (the CP asks at
     * every trap) */
    return m->pswx | (uint64_t)m->p << PSW_P_SHIFT;
}

/* Declared inline (the header's declaration makes this the external
 * definition) so that LTO inlines it: the CP loads a PSW on every resume. */
inline void machine_load_psw(struct machine *m, const struct psw *p)
{
    m->sup = p->sup;
    m->ie = p->ie;
    m->p = p->p & TGM_ADDR_MASK;
    m->l = p->l & TGM_ADDR_MASK;
    m->b = p->b & PSW_B_MASK;
    machine_update_lim(m);
}

void machine_set_psw(struct machine *m, uint64_t w)
{
    struct psw p = psw_unpack(w);
    machine_load_psw(m, &p);
}

void machine_set_r(struct machine *m, uint32_t l, uint32_t b)
{
    struct psw r = psw_unpack(r_pack(l, b));
    m->l = r.l;
    m->b = r.b;
    machine_update_lim(m);
}

/* Section 2, literally: the run loop's one compare must agree with this. */
int machine_develop(const struct machine *m, uint64_t a, uint32_t *phys)
{
    if (a + m->l >= m->q)
        return TRAP_MEM;
    if (a >= m->b)
        return TRAP_MEM;
    if (phys)
        *phys = (uint32_t)(a + m->l);
    return TRAP_NONE;
}

int machine_read_phys(const struct machine *m, uint64_t addr, uint64_t *v)
{
    if (addr >= m->q)
        return -1;
    *v = m->E[addr];
    return 0;
}

int machine_write_phys(struct machine *m, uint64_t addr, uint64_t v)
{
    if (addr >= m->q)
        return -1;
    if (m->E[addr] != v)
        machine_edited(m);
    mem_store(m, (uint32_t)addr, v);
    return 0;
}

/* These develop ADDR as the run loop does: a < lim is machine_develop's
 * two checks in one (the control program reads every trapping word, through
 * R's window El, E + l whenever anything develops). */
int machine_read_virt(const struct machine *m, uint64_t addr, uint64_t *v)
{
    if (addr >= m->lim)
        return TRAP_MEM;
    *v = m->El[addr];
    return 0;
}

int machine_write_virt(struct machine *m, uint64_t addr, uint64_t v)
{
    if (addr >= m->lim)
        return TRAP_MEM;
    if (m->E[addr + m->l] != v)
        machine_edited(m);
    mem_store(m, (uint32_t)addr + m->l, v);
    return 0;
}

const uint64_t *machine_mem(const struct machine *m) { return m->E; }

uint64_t machine_edits(const struct machine *m) { return m->owner->edits; }

/* Everything machine_state_save saves, in O(1): E and the console's bytes
 * through the edits of this memory, the rest by value. */
uint64_t machine_mark(const struct machine *m)
{
    const struct console_buf *c = &m->conbuf;
    struct machine_timer t = machine_get_timer(m);
    uint64_t w[] = {m->owner->serial, m->owner->edits, (uint64_t)(m->E - m->owner->E), m->q,
                    machine_get_psw(m), t.armed, t.pending, (uint64_t)t.remaining,
                    m->last_trap, m->ctr.cycles, m->ctr.instret, m->ctr.steps, c->out_len,
                    c->out_dropped, c->out_lost, c->in_len, c->in_pos};
    /* (in the host's byte order: a mark is compared only in this process) */
    uint64_t h = tgm_fnv1a(w, sizeof w, TGM_FNV_SEED);
    return tgm_fnv1a(m->ctr.traps, sizeof m->ctr.traps, h);
}

size_t machine_watch_hits(const struct machine *m, struct machine_exit *hits, size_t max)
{
    if (m->nwhits == 0 || m->whits_mark != machine_mark(m))
        return 0;
    size_t n = m->nwhits < max ? m->nwhits : max;
    for (size_t i = 0; i < n; i++)
        hits[i] = (struct machine_exit){.reason = EXIT_WATCH, .addr = m->whits[i] >> 1,
                                        .write = m->whits[i] & 1};
    return n;
}

uint64_t machine_digest(const struct machine *m)
{
    uint64_t h = TGM_FNV_SEED;
    for (uint32_t i = 0; i < m->q; i++) {
        uint8_t le[8];
        for (int k = 0; k < 8; k++)
            le[k] = (uint8_t)(m->E[i] >> (8 * k));
        h = tgm_fnv1a(le, sizeof le, h);
    }
    return h;
}

struct machine_timer machine_get_timer(const struct machine *m)
{
    struct machine_timer t = {m->timer_armed, m->timer_pending, 0};
    if (t.armed)
        t.remaining = (int64_t)(m->timer_deadline - m->ctr.cycles);
    return t;
}

int machine_set_timer(struct machine *m, const struct machine_timer *t)
{
    if (t->armed && t->pending)
        return -1;
    m->timer_armed = t->armed && t->remaining > 0;
    m->timer_pending = t->pending || (t->armed && t->remaining <= 0);
    m->timer_deadline = m->timer_armed ? m->ctr.cycles + (uint64_t)t->remaining : 0;
    return 0;
}

void machine_set_console(struct machine *m, const struct tgm_console *dev)
{
    if (dev)
        m->con = *dev;
    else
        m->con = (struct tgm_console){&m->conbuf, conbuf_put, conbuf_get};
}

const uint8_t *machine_console_output(const struct machine *m, size_t *len)
{
    if (len)
        *len = m->conbuf.out_len;
    return m->conbuf.out;
}

uint64_t machine_console_dropped(const struct machine *m) { return m->conbuf.out_dropped; }

int machine_console_input(struct machine *m, const uint8_t *bytes, size_t len)
{
    if (conbuf_feed(&m->conbuf, bytes, len) != 0) {
        errno = ENOMEM;
        return -1;
    }
    if (len)
        machine_edited(m);
    return 0;
}

size_t machine_console_input_used(const struct machine *m)
{
    return m->conbuf.in_pos;
}

size_t machine_console_input_len(const struct machine *m)
{
    return m->conbuf.in_len;
}

const uint8_t *machine_console_input_bytes(const struct machine *m)
{
    return m->conbuf.in_len ? m->conbuf.in : NULL;
}

struct machine_counters machine_get_counters(const struct machine *m)
{
    return m->ctr;
}

/* Set or clear bit i of a lazily allocated bitmap over q; returns the
 * change in the number of set bits (-1, 0, 1), or -2 on allocation failure. */
static int bitmap_set(uint8_t **bm, uint32_t q, uint32_t i, bool on)
{
    if (!*bm) {
        if (!on)
            return 0;
        *bm = calloc((q + 7) / 8, 1);
        if (!*bm)
            return -2;
    }
    uint8_t mask = (uint8_t)(1u << (i & 7));
    bool was = (*bm)[i >> 3] & mask;
    if (on)
        (*bm)[i >> 3] |= mask;
    else
        (*bm)[i >> 3] &= (uint8_t)~mask;
    return (int)on - (int)was;
}

static bool bitmap_test(const uint8_t *bm, uint32_t i)
{
    return bm && ((bm[i >> 3] >> (i & 7)) & 1);
}

int machine_break_exec(struct machine *m, uint32_t phys, bool on)
{
    if (phys >= m->q)
        return -1;
    int d = bitmap_set(&m->bp_exec, m->q, phys, on);
    if (d == -2)
        return -1;
    if (d)
        pdc_mark(m, phys, d);
    m->nbp = (unsigned)((int)m->nbp + d);
    machine_update_checked(m);
    return 0;
}

bool machine_break_exec_test(const struct machine *m, uint32_t phys)
{
    return phys < m->q && bitmap_test(m->bp_exec, phys);
}

int machine_watch(struct machine *m, uint32_t phys, int rw)
{
    if (phys >= m->q)
        return -1;
    rw &= WATCH_READ | WATCH_WRITE;
    if (!m->watch && rw && !(m->watch = calloc(m->q, 1)))
        return -1;
    if (!m->watch)
        return 0;
    m->nwatch = m->nwatch - (m->watch[phys] != 0) + (rw != 0);
    m->watch[phys] = (uint8_t)rw;
    machine_update_checked(m);
    return 0;
}

bool machine_watching(const struct machine *m) { return m->nwatch != 0; }

int machine_watch_test(const struct machine *m, uint32_t phys)
{
    if (phys >= m->q)
        return 0;
    return m->watch ? m->watch[phys] : 0;
}

void machine_break_class(struct machine *m, unsigned class_mask)
{
    m->break_class = class_mask;
    machine_update_checked(m);
}

void machine_trap_stop(struct machine *m, unsigned cause_mask)
{
    m->trap_stop = cause_mask;
    machine_update_checked(m);
}

void machine_set_trace(struct machine *m, machine_trace_fn fn, void *ctx)
{
    m->trace = fn;
    m->trace_ctx = ctx;
    machine_update_checked(m);
}

void machine_set_hostcall(struct machine *m, machine_hostcall_fn fn, void *ctx)
{
    m->hostcall = fn;
    m->hostcall_ctx = ctx;
    m->xent = &pdc_none; /* trap_exit looks again */
    machine_update_checked(m); /* step_run */
}

void machine_debug_clear(struct machine *m)
{
    pdc_unmark_all(m);
    free(m->bp_exec);
    free(m->watch);
    m->bp_exec = m->watch = NULL;
    m->nbp = m->nwatch = 0;
    m->break_class = m->trap_stop = 0;
    m->trace = NULL;
    m->trace_ctx = NULL;
    machine_update_checked(m);
}

bool machine_debugging(const struct machine *m) { return m->debugging; }

bool machine_breaks_at(const struct machine *m, uint32_t phys, uint64_t word)
{
    unsigned op = GET_OP(word);
    return machine_break_exec_test(m, phys) ||
           ((m->break_class & m->profile->cls[op]) && isa_table[op].name);
}

const char *trap_cause_name(unsigned cause)
{
    static const char *const names[TRAP_NCAUSES] = {
        "none", "privileged", "memory", "svc", "illegal", "timer"};
    return cause < TRAP_NCAUSES ? names[cause] : "unknown";
}

const char *trap_cause_article(unsigned cause)
{
    return strchr("aeiou", trap_cause_name(cause)[0]) ? "an" : "a";
}

const char *exit_reason_name(enum exit_reason r)
{
    switch (r) {
    case EXIT_HALT: return "halted";
    case EXIT_BUDGET: return "step limit";
    case EXIT_TRAP: return "trap";
    case EXIT_BREAK: return "breakpoint";
    case EXIT_WATCH: return "watchpoint";
    case EXIT_HOST: return "host call";
    }
    return "unknown";
}
