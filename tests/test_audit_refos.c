/* test_audit_refos.c: the time-sharing OS of examples/os/ with random
 * process programs, checked against docs/os.md alone.
 *
 * Each set is 1 to 8 generated programs (compute loops, SYS_PUTC of known
 * characters, SYS_GETC with and without input queued, SYS_YIELD,
 * SYS_GETPID, then SYS_EXIT with a random status or a trap: privileged,
 * memory, illegal, an unknown call) put in place of the shipped four the
 * way "Changing it" says, with a random quantum.  A trace of the bare run,
 * step by step, gives what the docs promise, computed here and not taken
 * from the kernel: the process each dispatch must pick (round robin), the
 * cycles each process must be charged (a whole quantum at a timer end,
 * quantum minus TGET's remainder otherwise), when the timer must trap, and
 * from those the whole console; then the process table, the programs' own
 * records of what SYS_GETC and SYS_GETPID gave, and the same console under
 * the control program and nested.
 *
 * TGM_REFOS_SETS=N runs N sets instead of the default; TGM_REFOS_SEED=S
 * picks another seed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/asm.h"
#include "tgm/image.h"
#include "tgm/isa.h"
#include "tgm/machine.h"
#include "tgm/vmm.h"
#include "rng.h"

#define OS_SRC "examples/os/os.s"
#define PRINT_SRC "examples/print.inc"
#define MAXP 8
#define REGION 0x80u  /* docs/os.md: REGION_SIZE */
#define P1 0x200u     /* docs/os.md: P1_BASE */
#define MAXOPS 16
#define CON_MAX 8192
#define LOG_MAX 64
#define STEPS 3000000u
#define DEFAULT_SETS 500

enum { SYS_EXIT, SYS_PUTC, SYS_GETC, SYS_YIELD, SYS_GETPID, NSYS };
enum { PS_READY = 1, PS_EXITED = 2, PS_KILLED = 3 };
enum { K_LOOP, K_PUTC, K_GETC, K_YIELD, K_GETPID, NKINDS };
enum { END_EXIT, END_PRIV, END_MEM, END_FETCH, END_ILL, END_SVC, NENDS };

/* Each process prints from its own alphabet, none holding ' ' or ':', so no
 * process can write a kernel line and the console splits; the first also
 * writes newlines, after which a kernel line needs none of its own. */
static const char *const alphabet[MAXP] = {"0123456789\n", "abcdefghij", "ABCDEFGHIJ",
                                           "klmnpqrtuv", "KLMNOPQRST", "!#$%&()*+,",
                                           "wxyzUVWXYZ", "-./;<=>?@["};

/* ---- random sets ------------------------------------------------------- */

static uint64_t rng;
static uint64_t rnd(void)
{
    return rng_next(&rng);
}
static unsigned below(unsigned n) { return (unsigned)(rnd() % n); }

struct prog {
    int nops, kind[MAXOPS], reps, end, nlog;
    uint64_t val[MAXOPS]; /* loop count or character */
    uint64_t status;      /* END_EXIT: the status; END_SVC: the number */
    uint32_t trap_p;      /* where a trap ends it (from the image for labels) */
    char out[MAXOPS * 3 + 1];
};

struct set {
    int n;
    int64_t quantum;
    struct prog p[MAXP];
    uint8_t input[8];
    size_t ninput;
};

static void gen_set(struct set *s, int64_t quantum)
{
    memset(s, 0, sizeof *s);
    s->n = 1 + (int)below(MAXP);
    s->quantum = quantum;
    s->ninput = below(4) ? below(5) : 0;
    for (size_t k = 0; k < s->ninput; k++)
        s->input[k] = (uint8_t)rnd();
    for (int k = 0; k < s->n; k++) {
        struct prog *p = &s->p[k];
        p->nops = (int)below(MAXOPS + 1);
        p->reps = 1 + (int)below(3);
        for (int j = 0; j < p->nops; j++) {
            p->kind[j] = (int)below(NKINDS);
            if (p->kind[j] == K_LOOP)
                p->val[j] = 1 + below(below(4) ? 60 : 400);
            else if (p->kind[j] == K_PUTC)
                p->val[j] = (uint8_t)alphabet[k][below(k ? 10 : 11)];
            /* only the low byte is the character (docs/os.md); not for a
             * newline: the kernel's next line then starts with a blank one,
             * which the docs neither promise nor rule out */
            if (p->kind[j] == K_PUTC && p->val[j] != '\n' && below(3) == 0)
                p->val[j] += (uint64_t)((below(2) ? 1 : -1) * (int64_t)(below(1u << 28) + 1) * 256);
        }
        p->end = below(2) ? END_EXIT : 1 + (int)below(NENDS - 1);
        static const uint64_t odd[] = {0, 1, UINT64_MAX, (uint64_t)INT64_MIN, 255};
        p->status = below(3) ? rnd() >> below(64) : odd[below(5)];
        if (below(2))
            p->status = (uint64_t)-(int64_t)(p->status >> 1); /* negative */
        if (p->end == END_SVC)
            p->status = below(4) ? NSYS + below(50) : below(2) ? 0x7FFFF : NSYS + below(0x7FFFA);
        size_t no = 0;
        for (int r = 0; r < p->reps; r++)
            for (int j = 0; j < p->nops; j++) {
                if (p->kind[j] == K_PUTC)
                    p->out[no++] = (char)(p->val[j] & 0xFF);
                p->nlog += p->kind[j] == K_GETC || p->kind[j] == K_GETPID;
            }
    }
}

/* ---- the image: docs/os.md "Changing it" ------------------------------- */

struct buf {
    char *s;
    size_t len, cap;
};
static void put(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap);
        va_end(ap);
        assert_true(n >= 0);
        if ((size_t)n < b->cap - b->len) {
            b->len += (size_t)n;
            return;
        }
        b->cap = 2 * b->cap + (size_t)n + 256;
        b->s = realloc(b->s, b->cap);
        assert_non_null(b->s);
    }
}

/* The text from FROM (included) to TO (excluded) of B becomes REPL. */
static void splice(struct buf *b, const char *from, const char *to, const char *repl)
{
    size_t at = (size_t)(from - b->s), old = (size_t)(to - from), rl = strlen(repl);
    put(b, "%*s", (int)rl, ""); /* room; it may move b->s */
    memmove(b->s + at + rl, b->s + at + old, b->len - rl - at - old + 1);
    memcpy(b->s + at, repl, rl);
    b->len -= old;
}

/* The line of os.s that starts with PREFIX becomes REPL. */
static void replace_line(struct buf *b, const char *prefix, const char *repl)
{
    char *at = strstr(b->s, prefix);
    if (!at)
        fail_msg("os.s has no line '%s'", prefix);
    splice(b, at, strchr(at, '\n'), repl);
}

static void gen_prog(struct buf *b, const struct prog *p, int k)
{
    put(b, "u%d_a: .word 0\n        LI u%d_r, %d\nu%d_body:\n", k, k, p->reps, k);
    for (int j = 0; j < p->nops; j++) {
        switch (p->kind[j]) {
        case K_LOOP:
            put(b, "        LI u%d_c, %llu\nu%d_l%d: DJNZ u%d_c, u%d_l%d\n", k,
                (unsigned long long)p->val[j], k, j, k, k, j);
            break;
        case K_PUTC:
            put(b, "        LI u%d_a, %lld\n        SVC %d\n", k, (long long)p->val[j],
                SYS_PUTC);
            break;
        case K_GETC:
        case K_GETPID: /* the result goes to the program's log */
            put(b, "        SVC %d\n        STX u%d_log, u%d_i, u%d_a\n        ADDI u%d_i, u%d_i, 1\n",
                p->kind[j] == K_GETC ? SYS_GETC : SYS_GETPID, k, k, k, k, k);
            break;
        default:
            put(b, "        SVC %d\n", SYS_YIELD);
        }
    }
    put(b, "        DJNZ u%d_r, u%d_body\n", k, k);
    switch (p->end) {
    case END_EXIT:
        put(b, "        MOV u%d_a, u%d_st\n        SVC %d\n", k, k, SYS_EXIT);
        break;
    case END_PRIV: {
        static const char *const priv[] = {"LPSW u%d_a", "TSET u%d_a", "HALT", "COUT u%d_a",
                                           "CIN u%d_a", "TGET u%d_a", "SPSW u%d_a", "LR u%d_a"};
        put(b, "u%d_x: ", k);
        put(b, priv[(p->status >> 3) % 8], k);
        put(b, "\n");
        break;
    }
    case END_MEM:
        if (p->status & 1)
            put(b, "u%d_x: MOV %u, u%d_a\n", k, REGION + (unsigned)(p->status >> 8) % 64, k);
        else
            put(b, "u%d_x: LDX u%d_a, %u, u%d_c\n", k, k, REGION + (unsigned)(p->status >> 8) % 9, k);
        break;
    case END_FETCH: /* the fetch traps: the trapping P is the jump's target */
        put(b, "u%d_x: JMP %u\n", k, REGION + (unsigned)(p->status >> 4) % 0x7F000);
        break;
    case END_ILL:
        put(b, "u%d_x: .word %s\n", k, p->status & 1 ? "0" : "0x50 << 57");
        break;
    default:
        put(b, "u%d_x: SVC %llu\n", k, (unsigned long long)p->status);
    }
    put(b, "u%d_c: .word 0\nu%d_i: .word 0\nu%d_r: .word 0\nu%d_st: .word %lld\n", k, k, k, k,
        (long long)p->status);
    put(b, "u%d_log: .space %d\nu%d_end:\n", k, p->nlog + 1, k);
}

/* The whole source: os.s with print.inc in place, NPROC, ptab and the
 * programs replaced, QUANTUM set. */
static char *gen_source(const struct set *s)
{
    struct buf b = {malloc(1), 0, 1};
    assert_non_null(b.s);
    b.s[0] = '\0';
    char *os = cs_slurp(OS_SRC, NULL), *pr = cs_slurp(PRINT_SRC, NULL);
    char *tail = strstr(os, "        .org  P1_BASE");
    assert_non_null(tail);
    *tail = '\0';
    put(&b, "%s", os);
    char line[256];
    snprintf(line, sizeof line, "NPROC = %d", s->n);
    replace_line(&b, "NPROC      = 4", line);
    snprintf(line, sizeof line, "QUANTUM = %lld", (long long)s->quantum);
    replace_line(&b, "QUANTUM    = 300", line);
    snprintf(line, sizeof line,
             "P5_BASE = P4_BASE + REGION_SIZE\nP6_BASE = P5_BASE + REGION_SIZE\n"
             "P7_BASE = P6_BASE + REGION_SIZE\nP8_BASE = P7_BASE + REGION_SIZE\n"
             "MEM_MIN = P%d_BASE + REGION_SIZE", s->n);
    replace_line(&b, "MEM_MIN  = P4_BASE", line);
    replace_line(&b, ".include \"../print.inc\"", pr);
    char ptab[1024] = "ptab:";
    for (int k = 1; k <= s->n; k++) {
        size_t l = strlen(ptab);
        snprintf(ptab + l, sizeof ptab - l,
                 "%s .word PS_READY, pswi(USER, USER_ENTRY, P%d_BASE, REGION_SIZE), 0, 0\n",
                 k > 1 ? "     " : "", k);
    }
    char *pt = strstr(b.s, "ptab:   .word");
    char *end = strstr(b.s, "ptab_end:");
    assert_true(pt && end);
    splice(&b, pt, end, ptab);
    for (int k = 1; k <= s->n; k++) {
        put(&b, "        .org P%d_BASE\n        .phase 0\n", k);
        gen_prog(&b, &s->p[k - 1], k);
        put(&b, "        .dephase\n");
    }
    free(os);
    free(pr);
    return b.s;
}

static uint32_t sym(const struct tgm_image *img, const char *name)
{
    const struct tgm_symbol *s = image_symbol(img, name);
    if (!s)
        fail_msg("no symbol '%s'", name);
    return (uint32_t)s->value;
}

static void build(struct set *s, const char *src, struct tgm_image *img)
{
    if (asm_assemble_string(OS_SRC, src, img, stderr) != 0)
        fail_msg("the generated OS does not assemble:\n%s", src);
    for (int k = 1; k <= s->n; k++) {
        struct prog *p = &s->p[k - 1];
        char name[32];
        snprintf(name, sizeof name, "u%d_end", k);
        assert_true(sym(img, name) <= REGION); /* it fits its region */
        snprintf(name, sizeof name, "u%d_x", k);
        if (p->end == END_FETCH)
            p->trap_p = REGION + (uint32_t)(p->status >> 4) % 0x7F000;
        else if (p->end != END_EXIT)
            p->trap_p = sym(img, name);
    }
}

/* ---- the trace: what docs/os.md says must happen ----------------------- */

enum phase { PH_BOOT, PH_RUN, PH_CALL, PH_SWITCH };
static const char *const cause_name[] = {"", "privileged instruction trap", "memory trap",
                                         "unknown system call", "illegal instruction trap"};

struct tracer {
    struct machine *m;
    const struct set *s;
    uint64_t prev_cycles, tset_at, charge[MAXP + 1], log[MAXP + 1][LOG_MAX];
    int cur, phase, tsets, tgets, want_tgets, pending, nlog[MAXP + 1], state[MAXP + 1];
    uint64_t pend_val;
    uint32_t resume_p, pend_p, trap_p[MAXP + 1];
    size_t next_in;
    char con[CON_MAX], stream[MAXP + 1][128];
    size_t ncon, nstream[MAXP + 1];
    uint64_t user_steps, timer_traps, dispatches, late_traps, full_charges;
    char err[600];
};

#define BAD(tr, ...)                                                        \
    do {                                                                    \
        if (!(tr)->err[0])                                                  \
            snprintf((tr)->err, sizeof (tr)->err, __VA_ARGS__);             \
    } while (0)

static void con_put(struct tracer *tr, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tr->con + tr->ncon, CON_MAX - tr->ncon, fmt, ap);
    va_end(ap);
    assert_true(n >= 0 && (size_t)n < CON_MAX - tr->ncon);
    tr->ncon += (size_t)n;
}

/* A kernel line starts on a line of its own. */
static void kline(struct tracer *tr)
{
    if (tr->ncon && tr->con[tr->ncon - 1] != '\n')
        con_put(tr, "\n");
    con_put(tr, "os: ");
}

/* The next ready process after CUR, CUR itself last; 0: none. */
static int next_ready(const struct tracer *tr)
{
    for (int d = 1; d <= tr->s->n; d++) {
        int k = (tr->cur + d - 1) % tr->s->n + 1;
        if (tr->state[k] == PS_READY)
            return k;
    }
    return 0;
}

/* The end of CUR's quantum: a timer end charges the quantum, any other
 * waits for the kernel's TGET; an exit or a kill then prints its line. */
static void quantum_ends(struct tracer *tr, int how, uint64_t val, uint32_t p)
{
    tr->phase = PH_SWITCH;
    tr->tsets = tr->tgets = 0;
    tr->want_tgets = how != TRAP_TIMER;
    tr->pending = how;
    tr->pend_val = val;
    tr->pend_p = p;
    if (how == TRAP_TIMER)
        tr->charge[tr->cur] += (uint64_t)tr->s->quantum;
}

static void charged(struct tracer *tr, uint64_t used)
{
    int k = tr->cur;
    tr->charge[k] += used;
    if (tr->pending == 0) { /* SYS_EXIT */
        kline(tr);
        con_put(tr, "process %d exited, status %llu after %llu cycles\n", k,
                (unsigned long long)tr->pend_val, (unsigned long long)tr->charge[k]);
    } else if (tr->pending >= TRAP_PRIV && tr->pending <= TRAP_ILL) {
        kline(tr);
        con_put(tr, "process %d killed: %s at P=%u after %llu cycles\n", k,
                cause_name[tr->pending], tr->pend_p, (unsigned long long)tr->charge[k]);
    }
}

static void on_step(void *ctx, const struct machine_trace *t)
{
    struct tracer *tr = ctx;
    const struct set *s = tr->s;
    struct psw b = psw_unpack(t->psw_before);
    uint64_t c0 = tr->prev_cycles;
    tr->prev_cycles = t->cycles;
    unsigned op = t->fetched ? GET_OP(t->word) : 0;
    if (b.sup) { /* the kernel: I = 0, R = (0, ...) */
        if (b.ie || b.l != 0)
            BAD(tr, "kernel step at P=%u with I=%d l=%u", b.p, b.ie, b.l);
        if (t->trap)
            BAD(tr, "the kernel trapped (cause %u) at P=%u", t->trap, b.p);
        if (op == OP_TSET && !t->trap) {
            if (tr->phase == PH_CALL)
                BAD(tr, "TSET on the way back from a system call");
            tr->tsets++;
            tr->tset_at = c0; /* the count includes the TSET's own cycles */
        }
        if (op == OP_TGET && !t->trap && tr->phase == PH_SWITCH && tr->cur) {
            tr->tgets++;
            /* TGET sees what is left at its start: the part used is the
             * cycles since the TSET, all of it once the timer has run out */
            uint64_t used = c0 - tr->tset_at;
            if (s->quantum > 0 && used >= (uint64_t)s->quantum) {
                used = (uint64_t)s->quantum;
                tr->full_charges += tr->tgets == 1;
            }
            if (tr->want_tgets == 1 && tr->tgets == 1)
                charged(tr, s->quantum > 0 ? used : 0);
        }
        return;
    }
    /* a process: user mode, I = 1, R = its region */
    uint32_t off = b.l - P1;
    int k = (int)(off / REGION) + 1;
    if (b.l < P1 || off % REGION || k > s->n || b.b != REGION || !b.ie) {
        BAD(tr, "user step with I=%d R=(%u, %u)", b.ie, b.l, b.b);
        return;
    }
    tr->user_steps++;
    if (tr->phase == PH_CALL) {
        tr->late_traps += t->trap == TRAP_TIMER; /* ran out in the kernel */
        if (k != tr->cur || b.p != tr->resume_p)
            BAD(tr, "after a call process %d resumed at %d:%u, not %d:%u", tr->cur, k, b.p, tr->cur,
                tr->resume_p);
    } else if (tr->phase != PH_RUN) {
        int want = tr->phase == PH_BOOT ? 1 : next_ready(tr);
        tr->dispatches++;
        if (k != want)
            BAD(tr, "dispatch %llu: process %d runs, round robin says %d",
                (unsigned long long)tr->dispatches, k, want);
        if (tr->tsets != 1)
            BAD(tr, "dispatch of process %d after %d TSETs, not a fresh quantum", k, tr->tsets);
        if (tr->phase == PH_SWITCH && tr->tgets != tr->want_tgets)
            BAD(tr, "process %d's quantum ended with %d TGETs, not %d", tr->cur, tr->tgets,
                tr->want_tgets);
    } else if (k != tr->cur) {
        BAD(tr, "process %d ran straight after process %d", k, tr->cur);
    }
    tr->cur = k;
    tr->phase = PH_RUN;
    if (s->quantum > 0) { /* the timer traps at the first boundary with I = 1 */
        uint64_t el = c0 - tr->tset_at;
        if ((t->trap == TRAP_TIMER) != (el >= (uint64_t)s->quantum))
            BAD(tr, "process %d at P=%u, %llu cycles into a quantum of %lld: timer trap %d", k, b.p,
                (unsigned long long)el, (long long)s->quantum, t->trap == TRAP_TIMER);
    } else if (t->trap == TRAP_TIMER) {
        BAD(tr, "a timer trap with the quantum %lld", (long long)s->quantum);
    }
    if (!t->trap)
        return;
    if (t->trap == TRAP_TIMER) {
        tr->timer_traps++;
        quantum_ends(tr, TRAP_TIMER, 0, 0);
        return;
    }
    uint64_t arg = 0;
    machine_read_phys(tr->m, b.l, &arg); /* SYSARG */
    unsigned n = t->trap == TRAP_SVC ? GET_A(t->word) : 0;
    if (t->trap == TRAP_SVC && n < NSYS && n != SYS_EXIT && n != SYS_YIELD) {
        tr->phase = PH_CALL;
        tr->tsets = 0;
        tr->resume_p = b.p + 1;
        if (n == SYS_PUTC) {
            con_put(tr, "%c", (char)(arg & 0xFF));
            if (tr->nstream[k] < sizeof tr->stream[k] - 1)
                tr->stream[k][tr->nstream[k]++] = (char)arg;
        } else if (tr->nlog[k] < LOG_MAX) {
            tr->log[k][tr->nlog[k]++] = n == SYS_GETPID ? (uint64_t)k
                                        : tr->next_in < s->ninput ? s->input[tr->next_in++]
                                                                  : UINT64_MAX;
        }
        return;
    }
    if (t->trap == TRAP_SVC && n == SYS_YIELD) {
        quantum_ends(tr, -1, 0, 0);
        return;
    }
    tr->state[k] = t->trap == TRAP_SVC && n == SYS_EXIT ? PS_EXITED : PS_KILLED;
    tr->trap_p[k] = b.p;
    quantum_ends(tr, tr->state[k] == PS_EXITED ? 0 : t->trap, arg, b.p);
}

/* ---- one set ----------------------------------------------------------- */

static uint64_t pcb(const struct machine *m, const struct tgm_image *img, int k, int w)
{
    return ts_peek(m, sym(img, "ptab") + (uint32_t)(k - 1) * 4 + (uint32_t)w);
}

static char *console_of(const struct machine *m)
{
    size_t len;
    const uint8_t *o = machine_console_output(m, &len);
    char *c = malloc(len + 1);
    assert_non_null(c);
    memcpy(c, o, len);
    c[len] = '\0';
    return c;
}

/* The numbers after " after " replaced by '#': the cycles a quantum of 0
 * or less gives "mean nothing" (docs/os.md, "Changing it"). */
static void mask_cycles(char *c)
{
    for (char *p = c; (p = strstr(p, " after ")) != NULL;) {
        p += 7;
        char *e = p;
        while (*e >= '0' && *e <= '9')
            e++;
        *p = '#';
        memmove(p + 1, e, strlen(e) + 1);
    }
}

/* Process K's stream: its alphabet's characters on the lines that are not
 * the kernel's (docs/os.md reads the console so). */
static void split(const char *con, int k, char *out, size_t cap)
{
    size_t n = 0;
    for (const char *line = con; *line;) {
        const char *nl = strchr(line, '\n');
        if (!nl)
            nl = line + strlen(line);
        if (strncmp(line, "os: ", 4) != 0)
            for (const char *c = line; c < nl; c++)
                if (*c && strchr(alphabet[k - 1], *c) && n < cap - 1)
                    out[n++] = *c;
        line = *nl ? nl + 1 : nl;
    }
    out[n] = '\0';
}

struct outcome {
    char *console;
    uint64_t user_steps, timer_traps, late_traps, full_charges;
};

static void fail_set(const char *src, const char *why, const char *got, const char *want)
{
    fprintf(stderr, "---- source\n%s\n---- got console\n%s\n---- want\n%s\n", src, got ? got : "",
            want ? want : "");
    fail_msg("%s", why);
}

/* The bare run of S, traced and checked; the console, for the other runs. */
static void run_set(struct set *s, uint32_t q, struct outcome *out, char **srcp)
{
    char *src = gen_source(s);
    struct tgm_image img;
    build(s, src, &img);
    uint32_t end = img.load + (uint32_t)img.nwords, min = P1 + (uint32_t)s->n * REGION;
    if (q == 0) /* docs/os.md: q is not checked; any that holds the image will do */
        q = end + below(min - end + 1);
    struct machine *m = ts_machine(q, NULL, false);
    char err[256];
    if (image_load(m, &img, err, sizeof err) != 0)
        fail_msg("load: %s", err);
    if (s->ninput)
        assert_int_equal(machine_console_input(m, s->input, s->ninput), 0);
    struct tracer *tr = calloc(1, sizeof *tr);
    assert_non_null(tr);
    tr->m = m;
    tr->s = s;
    tr->cur = s->n;
    for (int k = 1; k <= s->n; k++)
        tr->state[k] = PS_READY;
    con_put(tr, "os: %d processes, quantum %llu cycles\n", s->n, (unsigned long long)s->quantum);
    machine_set_trace(m, on_step, tr);
    struct machine_exit ex;
    machine_run(m, s->quantum > 0 && s->quantum < 6 ? 4000 : STEPS, &ex);
    char *got = console_of(m);
    if (s->quantum > 0 && s->quantum < 6) {
        /* docs: a livelock; the boot line alone; every process's timer trap at P = 1 */
        if (ex.reason != EXIT_BUDGET || tr->err[0] || tr->user_steps != tr->timer_traps ||
            tr->timer_traps < 100 || strcmp(got, tr->con))
            fail_set(src, tr->err[0] ? tr->err : "quantum 1..5 is no livelock", got, tr->con);
        for (int k = 1; k <= s->n; k++)
            assert_int_equal(psw_unpack(pcb(m, &img, k, 1)).p, 1);
        goto done;
    }
    if (ex.reason != EXIT_HALT)
        fail_set(src, "the OS did not halt", got, tr->con);
    if (tr->err[0])
        fail_set(src, tr->err, got, tr->con);
    assert_int_equal(machine_psw(m).p, sym(&img, "stop") + 1);
    int nexit = 0, nkill = 0;
    for (int k = 1; k <= s->n; k++) {
        const struct prog *p = &s->p[k - 1];
        nexit += tr->state[k] == PS_EXITED;
        nkill += tr->state[k] == PS_KILLED;
        char why[160];
        snprintf(why, sizeof why, "process %d", k);
        /* it ran its program: its output, its end, its table entry */
        char mine[128], want[128];
        split(got, k, mine, sizeof mine);
        split(p->out, k, want, sizeof want); /* a newline ends a line: not in a stream */
        if (strcmp(p->out, tr->stream[k]) || strcmp(want, mine))
            fail_set(src, "a process's output is not its program's", mine, p->out);
        assert_int_equal(tr->state[k], p->end == END_EXIT ? PS_EXITED : PS_KILLED);
        assert_int_equal(pcb(m, &img, k, 0), tr->state[k]);
        static const unsigned cause[NENDS] = {0, TRAP_PRIV, TRAP_MEM, TRAP_MEM, TRAP_ILL, TRAP_SVC};
        assert_int_equal(pcb(m, &img, k, 2), p->end == END_EXIT ? p->status : cause[p->end]);
        if (p->end != END_EXIT)
            assert_int_equal(tr->trap_p[k], p->trap_p);
        if (s->quantum > 0 && pcb(m, &img, k, 3) != tr->charge[k]) {
            snprintf(why, sizeof why, "process %d charged %llu, the docs say %llu", k,
                     (unsigned long long)pcb(m, &img, k, 3), (unsigned long long)tr->charge[k]);
            fail_set(src, why, got, tr->con);
        }
        /* what SYS_GETC and SYS_GETPID gave, as the program logged it */
        char name[32];
        snprintf(name, sizeof name, "u%d_log", k);
        uint32_t log = P1 + (uint32_t)(k - 1) * REGION + sym(&img, name);
        for (int j = 0; j < tr->nlog[k]; j++)
            if (ts_peek(m, log + (uint32_t)j) != tr->log[k][j]) {
                snprintf(why, sizeof why, "process %d's call %d gave %llx, not %llx", k, j,
                         (unsigned long long)ts_peek(m, log + (uint32_t)j),
                         (unsigned long long)tr->log[k][j]);
                fail_set(src, why, got, tr->con);
            }
    }
    kline(tr);
    con_put(tr, "all processes done: %d exited, %d killed\n", nexit, nkill);
    if (s->quantum <= 0) {
        mask_cycles(got);
        mask_cycles(tr->con);
        if (tr->timer_traps)
            fail_set(src, "timer traps with the timer disarmed", got, tr->con);
    }
    if (strcmp(got, tr->con))
        fail_set(src, "the console is not what the docs make of the trace", got, tr->con);
done:
    free(got);
    out->console = console_of(m);
    out->user_steps = tr->user_steps;
    out->timer_traps = tr->timer_traps;
    out->late_traps = tr->late_traps;
    out->full_charges = tr->full_charges;
    free(tr);
    machine_destroy(m);
    image_free(&img);
    if (srcp)
        *srcp = src;
    else
        free(src);
}

/* Under the control program: the same console; and vmm_check's verdict. */
static void under_cp(const struct set *s, const char *src, const char *bare, bool check,
                     bool hybrid)
{
    struct tgm_image img;
    struct set copy = *s;
    build(&copy, src, &img);
    uint32_t w = P1 + (uint32_t)s->n * REGION;
    char err[256];
    struct vmm *v = vmm_create(&(struct vmm_config){.q = 2 * w + 64}, err, sizeof err);
    assert_non_null(v);
    int id = vmm_vm_create(v, w, "os", err, sizeof err);
    assert_true(id >= 0);
    assert_int_equal(vmm_vm_load(v, id, &img, err, sizeof err), 0);
    if (s->ninput)
        assert_int_equal(vmm_vm_input(v, id, s->input, s->ninput), 0);
    struct vmm_exit ex;
    assert_int_equal(vmm_run(v, STEPS, &ex), VMMSTOP_DONE);
    char *c = console_of(vmm_vm_view(v, id));
    if (strcmp(c, bare))
        fail_set(src, "the console under the control program differs", c, bare);
    free(c);
    vmm_destroy(v);
    if (check || hybrid) {
        const struct tgm_image *imgs[] = {&img, &img};
        struct check_opts o = {.w = w, .slice = 97 + below(900), .input = s->input,
                               .input_len = s->ninput, .hybrid = hybrid};
        struct check_result res[2];
        if (vmm_check(imgs, 2, &o, res, err, sizeof err) != 0)
            fail_msg("vmm_check: %s", err);
        for (int j = 0; j < 2; j++)
            if (!res[j].equivalent)
                fail_set(src, res[j].alone_diff[0] ? res[j].alone_diff : res[j].together_diff,
                         NULL, NULL);
    }
    image_free(&img);
}

static int64_t random_quantum(void)
{
    switch (below(8)) {
    case 0:
        return 6 + below(4);
    case 1:
        return 10 + below(40);
    default:
        return 50 + below(450);
    }
}

/* ---- the campaign ------------------------------------------------------ */

static void refos__random_sets_do_what_os_md_says(void **state)
{
    (void)state;
    uint64_t sets = rng_env("TGM_REFOS_SETS", DEFAULT_SETS);
    rng = rng_env("TGM_REFOS_SEED", 0x05D0C5u);
    uint64_t agreed = 0, steps = 0, timers = 0, late = 0, full = 0;
    for (uint64_t i = 0; i < sets; i++) {
        struct set s;
        gen_set(&s, random_quantum());
        struct outcome o;
        char *src;
        static const uint32_t qs[] = {65536, 0, 0, 1024 + 0x300};
        run_set(&s, qs[i % 4], &o, &src);
        under_cp(&s, src, o.console, i % 8 == 0, i % 16 == 8);
        steps += o.user_steps;
        timers += o.timer_traps;
        late += o.late_traps;
        full += o.full_charges;
        free(o.console);
        free(src);
        agreed++;
    }
    print_message("refos: %llu random process sets agreed with docs/os.md (%llu user steps, "
                  "%llu timer traps, %llu of them right after the LPSW back from a call, "
                  "%llu quanta that ran out in the kernel before TGET)\n",
                  (unsigned long long)agreed, (unsigned long long)steps,
                  (unsigned long long)timers, (unsigned long long)late,
                  (unsigned long long)full);
    /* the campaign reached the cases the docs single out */
    assert_true(sets < 20 || (timers > 0 && late > 0 && full > 0));
}

/* "Changing it": a quantum of 1 to 5 livelocks with the boot line alone;
 * one of 0 or less is never preempted. */
static void refos__quanta_below_six(void **state)
{
    (void)state;
    rng = 0xBADC0DE;
    static const int64_t qs[] = {1, 2, 3, 4, 5, 0, -1, -300};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
        for (int r = 0; r < 6; r++) {
            struct set s;
            gen_set(&s, qs[k]);
            struct outcome o;
            run_set(&s, 65536, &o, NULL);
            if (qs[k] <= 0)
                assert_int_equal(o.timer_traps, 0);
            else
                assert_true(o.timer_traps == o.user_steps);
            free(o.console);
        }
}

/* tgm check --nest N: the same run on N levels of the machine-code control
 * program, trap by trap, console included. */
static void refos__nested_control_programs_agree(void **state)
{
    (void)state;
    rng = rng_env("TGM_REFOS_SEED", 0x05D0C5u) ^ 0x4E57;
    for (unsigned depth = 1; depth <= 4; depth++) {
        struct set s;
        gen_set(&s, 6 + below(100));
        int most = 1 + (int)below(3 + (depth < 3));
        s.n = s.n < most ? s.n : most; /* fewer programs: keep the nest fast */
        for (int k = 0; k < s.n; k++)
            for (int j = 0; j < s.p[k].nops; j++)
                if (s.p[k].kind[j] == K_LOOP)
                    s.p[k].val[j] = 1 + s.p[k].val[j] % 20; /* keep the nest fast */
        struct outcome o;
        char *src;
        run_set(&s, 65536, &o, &src);
        char path[CS_PATH], inpath[CS_PATH], d[8], w[16];
        cs_write_text(path, sizeof path, "refos.s", src);
        cs_tmp_path(inpath, sizeof inpath, "refos.in");
        cs_write_bytes(inpath, s.input, s.ninput);
        snprintf(d, sizeof d, "%u", depth);
        snprintf(w, sizeof w, "%u", P1 + (unsigned)s.n * REGION);
        struct cs_outcome c = cs_run_tgm("check", "--nest", d, "--mem", w, "--input-file", inpath,
                                         path, NULL);
        char want[64];
        snprintf(want, sizeof want, "equivalent at depth %u", depth);
        if (c.status != 0 || !strstr(c.out, want) || !strstr(c.out, "console"))
            fail_set(src, c.out, c.err, NULL);
        cs_outcome_free(&c);
        free(o.console);
        free(src);
    }
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_audit_refos");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refos__random_sets_do_what_os_md_says),
        cmocka_unit_test(refos__quanta_below_six),
        cmocka_unit_test(refos__nested_control_programs_agree),
    };
    return cmocka_run_group_tests_name("audit_refos", tests, group_setup, group_teardown);
}
