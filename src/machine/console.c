/* console.c: the machine's own console device, an extension of section 2.
 *
 * Output is captured (up to CONBUF_OUT_LIMIT bytes, then counted as
 * dropped); input is a queue filled by the host and read in order by CIN.
 * Its contents are part of the state equivalence compares.
 */
#include <stdlib.h>
#include <string.h>

#include "machine_impl.h"

void conbuf_init(struct console_buf *c)
{
    memset(c, 0, sizeof *c);
}

void conbuf_free(struct console_buf *c)
{
    free(c->out);
    free(c->in);
    conbuf_init(c);
}

void conbuf_clear(struct console_buf *c)
{
    c->out_len = c->out_dropped = 0;
    c->out_lost = false;
    c->in_len = c->in_pos = 0;
}

/* Grow *buf to hold at least need bytes; 0 or -1. */
static int grow(uint8_t **buf, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need)
        n *= 2;
    uint8_t *p = realloc(*buf, n);
    if (!p)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

void conbuf_put(void *ctx, uint8_t ch)
{
    struct console_buf *c = ctx;
    if (c->out_len >= CONBUF_OUT_LIMIT) {
        c->out_dropped++;
        return;
    }
    if (grow(&c->out, &c->out_cap, c->out_len + 1) != 0) {
        c->out_dropped++;
        c->out_lost = true; /* the output is no longer the program's: say so */
        return;
    }
    c->out[c->out_len++] = ch;
}

int conbuf_get(void *ctx)
{
    struct console_buf *c = ctx;
    if (c->in_pos >= c->in_len)
        return -1;
    return c->in[c->in_pos++];
}

int conbuf_feed(struct console_buf *c, const uint8_t *bytes, size_t len)
{
    if (grow(&c->in, &c->in_cap, c->in_len + len) != 0)
        return -1;
    if (len)
        memcpy(c->in + c->in_len, bytes, len);
    c->in_len += len;
    return 0;
}

void machine_console_clear_output(struct machine *m)
{
    if (m->conbuf.out_len || m->conbuf.out_dropped || m->conbuf.out_lost)
        machine_edited(m);
    m->conbuf.out_len = m->conbuf.out_dropped = 0;
    m->conbuf.out_lost = false;
}

bool machine_console_lost(const struct machine *m)
{
    return m->conbuf.out_lost;
}

void machine_console_add_dropped(struct machine *m, uint64_t n)
{
    if (n)
        machine_edited(m);
    m->conbuf.out_dropped += n;
}
