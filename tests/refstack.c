/* refstack.c: the model of refstack.h (random guests and the guest on top
 * run bare, step by step, as 'stack step' must show them). */
#include "refstack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tgm/asm.h"
#include "tgm/image.h"

#include "rng.h"
#include "sbuf.h"

static unsigned below(uint64_t *r, unsigned n) { return (unsigned)(rng_next(r) % n); }

/* An instruction that runs directly in either mode. */
static void innocuous(struct sbuf *s, uint64_t *r)
{
    static const char *const ops3[] = {"ADD", "SUB", "MUL", "XOR", "AND", "OR",  "SHL",
                                       "SHR", "SAR", "SLT", "SLTU", "SEQ", "DIV", "MODU"};
    unsigned a = below(r, 8), b = below(r, 8), c = below(r, 8);
    switch (below(r, 4)) {
    case 0:
        sbuf_printf(s, "        %s d%u, d%u, d%u\n", ops3[below(r, 14)], a, b, c);
        break;
    case 1:
        sbuf_printf(s, "        LI d%u, %d\n", a, (int)below(r, 2001) - 1000);
        break;
    case 2:
        sbuf_printf(s, "        ADDI d%u, d%u, %d\n", a, b, (int)below(r, 201) - 100);
        break;
    default:
        sbuf_printf(s, "        MOV d%u, d%u\n", a, b);
    }
}

/* One item of the body: an instruction, or (in supervisor mode, outside
 * another block) a block run in user mode or with I = 1 and the timer. */
static void item(struct sbuf *s, struct sbuf *d, uint64_t *r, uint32_t w, unsigned *lab,
                 int depth, bool user)
{
    unsigned a = below(r, 8), n;
    switch (below(r, depth ? 12 : 15)) {
    case 0: case 1: case 2: case 3:
        innocuous(s, r);
        break;
    case 4:
        sbuf_printf(s, "        LI ch, %u\n        COUT ch\n", 'A' + below(r, 26));
        break;
    case 5: {
        static const char *const p[] = {"TGET", "SPSW", "SR", "CIN"};
        sbuf_printf(s, "        %s d%u\n", p[below(r, 4)], a);
        break;
    }
    case 6:
        sbuf_printf(s, "        SVC %u\n", below(r, 100));
        break;
    case 7: /* a data address past the guest's memory: a memory trap */
        sbuf_printf(s, "        MOV d%u, %u\n", a, w + below(r, 16));
        break;
    case 8:
        sbuf_printf(s, "        .word 0\n"); /* no instruction: an illegal trap */
        break;
    case 9:
        n = (*lab)++;
        sbuf_printf(s, "        BZ d%u, s%u\n", a, n);
        innocuous(s, r);
        sbuf_printf(s, "s%u:\n", n);
        break;
    case 10:
        n = (*lab)++;
        sbuf_printf(d, "t%u:     .word %d\n", n, (int)below(r, 40) - 4);
        sbuf_printf(s, "        TSET t%u\n", n);
        break;
    case 11:
        if (user) /* a privileged instruction, trapped */
            sbuf_printf(s, "        HALT\n");
        else
            innocuous(s, r);
        break;
    case 12: case 13: /* user mode, back by SVC 0 */
        n = (*lab)++;
        sbuf_printf(d, "u%u:     .word psw(USER, us%u, 0, 0x80000)\n", n, n);
        sbuf_printf(s, "        LPSW u%u\nus%u:\n", n, n);
        for (unsigned i = 1 + below(r, 4); i; i--)
            item(s, d, r, w, lab, depth + 1, true);
        sbuf_printf(s, "        SVC 0\n");
        break;
    default: /* supervisor mode with I = 1 and the timer armed */
        n = (*lab)++;
        sbuf_printf(d, "tt%u:    .word %u\n", n, 1 + below(r, 30));
        sbuf_printf(d, "i%u:     .word psw(SUP, is%u, 0, 0x80000) | (1 << 62)\n", n, n);
        sbuf_printf(d, "o%u:     .word psw(SUP, os%u, 0, 0x80000)\n", n, n);
        sbuf_printf(s, "        TSET tt%u\n        LPSW i%u\nis%u:\n", n, n, n);
        for (unsigned i = 1 + below(r, 5); i; i--)
            item(s, d, r, w, lab, depth + 1, false);
        sbuf_printf(s, "        LPSW o%u\nos%u:\n", n, n);
    }
}

bool rs_gen(uint64_t *r, const char *path, struct rs_guest *g)
{
    static const uint32_t sizes[] = {512, 1024, 4096, 65536};
    memset(g, 0, sizeof *g);
    g->w = sizes[below(r, 4)];
    g->mem_given = g->w != 65536 || below(r, 2);
    struct sbuf s = {0}, d = {0};
    unsigned lab = 0;
    /* Every trap goes to one handler, which resumes after the word that
     * trapped (or the one the timer trap came before), in supervisor mode. */
    sbuf_printf(&s, "        .org 0\n        .word 0\n"
                    "        .word psw(SUP, handler, 0, 0x80000)\n        .entry start\n"
                    "start:\n");
    for (unsigned i = 4 + below(r, 20); i; i--)
        item(&s, &d, r, g->w, &lab, 0, false);
    sbuf_printf(&s, "        HALT\nhandler: ADD 0, 0, pone\n        OR 0, 0, msup\n"
                    "        LPSW 0\npone:   .word 1 << 39\nmsup:   .word 1 << 63\n"
                    "ch:     .word 0\n%s", d.s ? d.s : "");
    sbuf_printf(&s, "data:\n");
    for (unsigned i = 0; i < 8; i++)
        sbuf_printf(&s, "d%u:     .word %d\n", i, (int)below(r, 201) - 100);
    FILE *f = fopen(path, "w");
    if (!f || fputs(s.s, f) < 0 || fclose(f) != 0)
        return sbuf_free(&s), sbuf_free(&d), false;
    sbuf_free(&s);
    sbuf_free(&d);
    struct tgm_image img;
    if (asm_assemble_file(path, &img, stderr) != 0)
        return false;
    g->e = calloc(g->w, sizeof *g->e);
    if (!g->e || (uint64_t)img.load + img.nwords > g->w)
        return image_free(&img), false;
    memcpy(g->e + img.load, img.words, img.nwords * sizeof *g->e);
    g->entry = img.entry_psw;
    for (uint32_t i = 0; i < img.nsyms; i++)
        if (!strcmp(img.syms[i].name, "data"))
            g->data = (uint32_t)img.syms[i].value;
    image_free(&img);
    return true;
}

void rs_guest_free(struct rs_guest *g)
{
    free(g->e);
    g->e = NULL;
}

void rs_model_init(struct rs_model *s, const struct rs_guest *g)
{
    memset(s, 0, sizeof *s);
    s->m.q = g->w;
    s->m.e = malloc((size_t)g->w * sizeof *s->m.e);
    if (!s->m.e)
        abort();
    memcpy(s->m.e, g->e, (size_t)g->w * sizeof *s->m.e);
    rm_load_psw(&s->m, g->entry);
    s->m.prof = P_VIRT;
}

void rs_model_copy(struct rs_model *dst, const struct rs_model *src)
{
    *dst = *src;
    dst->m.e = malloc((size_t)src->m.q * sizeof *dst->m.e);
    if (!dst->m.e)
        abort();
    memcpy(dst->m.e, src->m.e, (size_t)src->m.q * sizeof *dst->m.e);
}

void rs_model_free(struct rs_model *s)
{
    free(s->m.e);
    s->m.e = NULL;
}

void rs_psw_text(char *buf, size_t len, bool sup, bool ie, uint32_t p, uint32_t l, uint32_t b)
{
    snprintf(buf, len, "%c I=%d P=0x%05x l=0x%05x b=0x%05x", sup ? 's' : 'u', ie ? 1 : 0,
             (unsigned)p, (unsigned)l, (unsigned)b);
}

void rs_timer_text(char *buf, size_t len, const struct rm *m)
{
    if (m->pending)
        snprintf(buf, len, "timer pending");
    else if (m->armed)
        snprintf(buf, len, "timer armed (%lld %s left)", (long long)m->rem,
                 m->rem == 1 ? "cycle" : "cycles");
    else
        snprintf(buf, len, "timer disarmed");
}

unsigned rs_model_line(struct rs_model *s, char *line, size_t len, uint8_t *out, size_t *nout)
{
    *nout = 0;
    if (s->halted)
        return 0;
    size_t o0 = s->m.nout;
    bool sup0 = s->m.sup;
    uint32_t code;
    unsigned n = 1;
    enum rm_res r = rm_step(&s->m, &code);
    /* Level 1 handled it (it simulated a privileged instruction or reflected
     * a trap) and the timer trap is due at once: level 1 reflects that in
     * the same entry, and the line shows both. */
    const struct rm_insn *d = s->m.fetched ? rm_find((unsigned)(s->m.word >> 57)) : NULL;
    bool handled = s->m.trapped || (sup0 && d && d->priv);
    if (r == R_HALT)
        s->halted = true;
    else if (handled && s->m.trapped != RM_TIMER && s->m.ie && s->m.pending)
        rm_step(&s->m, &code), n = 2;
    s->k += n;
    char psw[64];
    rs_psw_text(psw, sizeof psw, s->m.sup, s->m.ie, s->m.p, s->m.l, s->m.b);
    snprintf(line, len, "  top guest %s  (%s", psw, n == 2 ? "2 steps, " : "");
    *nout = s->m.nout - o0;
    memcpy(out, s->m.out + o0, *nout);
    return n;
}
