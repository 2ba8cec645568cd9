/* mon_support.c: helpers for the suites that drive a monitor session
 * (see mon_support.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "mon_support.h"
#include "progen.h"
#include "tgm/image.h"
#include "tgm/vmm.h"

void ms_cmd(struct mon *m, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (mon_exec_line(m, line) != 0)
        fail_msg("'%s' failed", line);
}

struct mon_compl ms_compl(const char *line)
{
    struct mon_compl c;
    if (mon_complete_context(line, strlen(line), &c) != 0)
        fail_msg("nothing completes '%s'", line);
    return c;
}

bool ms_has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = list; *p; p += strspn(p, " ")) {
        size_t k = strcspn(p, " ");
        if (k == n && !strncmp(p, word, n))
            return true;
        p += k;
    }
    return false;
}

void ms_io_open(struct ms_io *io)
{
    io->buf = NULL;
    io->len = 0;
    io->out = fopen("/dev/null", "w");
    io->err = open_memstream(&io->buf, &io->len);
    assert_true(io->out && io->err);
}

void ms_io_close(struct ms_io *io)
{
    fclose(io->out);
    fclose(io->err);
    free(io->buf);
}

void ms_sess_open(struct ms_sess *s)
{
    memset(s, 0, sizeof *s);
    s->out = open_memstream(&s->obuf, &s->olen);
    s->err = open_memstream(&s->ebuf, &s->elen);
    assert_non_null(s->out);
    assert_non_null(s->err);
    s->m = mon_create(s->out, s->err);
    assert_non_null(s->m);
    fflush(s->out);
    fflush(s->err);
}

void ms_sess_close(struct ms_sess *s)
{
    mon_destroy(s->m);
    fclose(s->out);
    fclose(s->err);
    free(s->obuf);
    free(s->ebuf);
}

void ms_tmp_file(char *path, size_t len, const char *stem)
{
    char name[128];
    snprintf(name, sizeof name, "tgm-test-%s-%ld", stem, (long)getpid());
    cs_tmp_name(path, len, name);
}

uint64_t ms_get_le(const uint8_t *p, unsigned n)
{
    uint64_t v = 0;
    while (n--)
        v = v << 8 | p[n];
    return v;
}

void ms_put_le(uint8_t *p, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

size_t ms_section_at(const uint8_t *buf, size_t len, const char *tag)
{
    for (size_t off = 16; off + 16 <= len - 8; off += 16 + ms_get_le(buf + off + 8, 8))
        if (memcmp(buf + off, tag, 4) == 0)
            return off + 16;
    fail_msg("no %s section", tag);
    return 0;
}

void ms_vm_generated(struct mon *m, int n, uint64_t seed)
{
    for (int i = 0; i < n; i++) {
        struct tgm_image img;
        char err[256];
        ms_cmd(m, "vm create g%d %u", i, PG_W);
        pg_generate(seed + (uint64_t)i, NULL, &img);
        if (vmm_vm_load(mon_vmm(m), i, &img, err, sizeof err) != 0)
            fail_msg("vm g%d: %s", i, err);
        image_free(&img);
    }
}
