/* test_image.c: the guest image reader, writer and loader.
 *
 * An image is section 2's initial state: words for E and an entry PSW.
 * Images are built byte by byte here from the layout drawn in image.h; every
 * class of bad input must be refused with "offset N: what", leaving the
 * output and the machine untouched.  Nothing is ever half-loaded.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli_support.h"
#include "support.h"
#include "tgm/image.h"
#include "tgm/machine.h"

/* ---- an image built by hand ---------------------------------------------- */

struct built {
    uint8_t b[1024];
    size_t len;
    size_t sym0, sym1, symend; /* offsets of the symbols and of the table end */
};

static const uint64_t words[] = {UINT64_C(0x0400000000000000), UINT64_C(0x1122334455667788),
                                 UINT64_MAX};
#define LOAD 4u
#define ENTRY TS_PSW(false, true, 0, 5, 4, 3)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* FNV-1a 64, written out from its definition. */
static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ p[i]) * UINT64_C(0x100000001b3);
    return h;
}

static void reseal(struct built *o)
{
    put64(o->b + o->len - 8, fnv(o->b, o->len - 8));
}

static size_t put_sym(uint8_t *p, uint64_t value, const char *name)
{
    put64(p, value);
    p[8] = (uint8_t)strlen(name);
    memcpy(p + 9, name, strlen(name));
    return 9 + strlen(name);
}

/* The image: 3 words at LOAD, ENTRY, symbols start = 4 and end = 6. */
static void build(struct built *o)
{
    memset(o, 0, sizeof *o);
    memcpy(o->b, "TGMIMAGE", 8);
    put32(o->b + 8, 1);
    put32(o->b + 16, LOAD);
    put32(o->b + 20, 3);
    put64(o->b + 24, ENTRY);
    put32(o->b + 32, 2);
    for (size_t i = 0; i < 3; i++)
        put64(o->b + 40 + 8 * i, words[i]);
    o->sym0 = 40 + 8 * 3;
    o->sym1 = o->sym0 + put_sym(o->b + o->sym0, 4, "start");
    o->symend = o->sym1 + put_sym(o->b + o->sym1, 6, "end");
    put32(o->b + 36, (uint32_t)(o->symend - o->sym0));
    o->len = o->symend + 8;
    reseal(o);
}

/* ---- one case per class of bad input -------------------------------------- */

/* Each mutation damages a good image and returns the offset the error must
 * name; the checksum is resealed unless it is the damage. */
static size_t m_short_header(struct built *o) { return o->len = 20; }
static size_t m_short_body(struct built *o) { return o->len -= 5; }
/* N bytes past the checksum, resealed; the error names where they start */
static size_t trailing(struct built *o, size_t n)
{
    size_t end = o->len;
    o->len += n;
    reseal(o);
    return end;
}
static size_t m_oversized(struct built *o) { return trailing(o, 3); }
static size_t m_one_over(struct built *o) { return trailing(o, 1); }
static size_t m_too_many_words(struct built *o)
{
    put32(o->b + 20, (1u << 19) + 1);
    reseal(o);
    return 20;
}
static size_t m_beyond_memory(struct built *o)
{
    put32(o->b + 16, (1u << 19) - 2);
    reseal(o);
    return 16;
}
static size_t m_magic(struct built *o)
{
    o->b[3] = 'x';
    reseal(o);
    return 0;
}
static size_t m_version(struct built *o)
{
    put32(o->b + 8, 2);
    reseal(o);
    return 8;
}
static size_t m_flags(struct built *o)
{
    put32(o->b + 12, 4);
    reseal(o);
    return 12;
}
static size_t m_checksum(struct built *o)
{
    o->b[45] ^= 1;
    return o->len - 8;
}
static size_t m_cause(struct built *o)
{
    put64(o->b + 24, ENTRY | UINT64_C(2) << 58);
    reseal(o);
    return 24;
}
static size_t m_name_digit(struct built *o)
{
    o->b[o->sym0 + 9] = '9';
    reseal(o);
    return o->sym0;
}
static size_t m_name_char(struct built *o)
{
    o->b[o->sym1 + 10] = '-';
    reseal(o);
    return o->sym1;
}
static size_t m_name_empty(struct built *o)
{
    o->b[o->sym0 + 8] = 0;
    reseal(o);
    return o->sym0;
}
static size_t m_name_past_table(struct built *o)
{
    o->b[o->sym1 + 8] = 4; /* "end" plus one byte beyond the table */
    reseal(o);
    return o->sym1;
}
static size_t m_duplicate(struct built *o)
{
    o->sym1 = o->sym0 + put_sym(o->b + o->sym0, 4, "dup");
    o->symend = o->sym1 + put_sym(o->b + o->sym1, 6, "dup");
    put32(o->b + 36, (uint32_t)(o->symend - o->sym0));
    o->len = o->symend + 8;
    reseal(o);
    return o->sym1;
}
static size_t m_out_of_order(struct built *o)
{
    o->sym1 = o->sym0 + put_sym(o->b + o->sym0, 9, "late");
    o->symend = o->sym1 + put_sym(o->b + o->sym1, 2, "soon");
    put32(o->b + 36, (uint32_t)(o->symend - o->sym0));
    o->len = o->symend + 8;
    reseal(o);
    return o->sym1;
}
static size_t m_stray(struct built *o)
{
    put32(o->b + 36, (uint32_t)(o->symend - o->sym0 + 2));
    o->len += 2;
    reseal(o);
    return o->symend;
}
static size_t m_symbol_truncated(struct built *o)
{
    put32(o->b + 32, 3); /* a third symbol in 4 bytes: room for the count */
    put32(o->b + 36, (uint32_t)(o->symend - o->sym0 + 4));
    o->len += 4;
    reseal(o);
    return o->symend;
}
static size_t m_more_symbols_than_table(struct built *o)
{
    put32(o->b + 32, 3);
    reseal(o);
    return 32;
}
static size_t m_symbol_count_absurd(struct built *o)
{
    put32(o->b + 32, UINT32_MAX);
    reseal(o);
    return 32;
}

struct bad_case {
    const char *what;
    size_t (*mutate)(struct built *);
    const char *names; /* text the message must contain */
};

static const struct bad_case bad_cases[] = {
    {"truncated header", m_short_header, "truncated header"},
    {"truncated body", m_short_body, "truncated"},
    {"trailing bytes", m_oversized, "oversized: 3 bytes after"},
    {"one trailing byte", m_one_over, "oversized: 1 byte after"},
    {"word count beyond 2^19", m_too_many_words, "word count 524289"},
    {"load + count beyond 2^19", m_beyond_memory, "load address"},
    {"wrong magic", m_magic, "bad magic"},
    {"wrong version", m_version, "unsupported version 2"},
    {"unknown flags", m_flags, "unknown flags 0x4"},
    {"checksum mismatch", m_checksum, "checksum mismatch"},
    {"cause bits in the entry PSW", m_cause, "cause bits"},
    {"symbol name starting with a digit", m_name_digit, "symbol 0 has a bad name"},
    {"symbol name with a bad character", m_name_char, "symbol 1 has a bad name"},
    {"empty symbol name", m_name_empty, "symbol 0 has a bad name"},
    {"symbol name past the table", m_name_past_table, "symbol 1 has a bad name"},
    {"duplicate symbol", m_duplicate, "duplicate symbol 'dup'"},
    {"symbols out of order", m_out_of_order, "'soon' is out of order"},
    {"stray symbol bytes", m_stray, "2 stray bytes"},
    {"truncated symbol", m_symbol_truncated, "symbol 2 is truncated"},
    {"more symbols than the table holds", m_more_symbols_than_table, "symbol count 3"},
    {"absurd symbol count", m_symbol_count_absurd, "symbol count"},
};

static void assert_message(const char *err, const char *prefix, size_t off, const char *names)
{
    char want[512];
    snprintf(want, sizeof want, "%soffset %zu: ", prefix, off);
    if (strncmp(err, want, strlen(want)) != 0 || !strstr(err, names))
        fail_msg("message '%s' should start '%s' and name '%s'", err, want, names);
}

static void parse__each_bad_input_class_is_refused_with_its_offset(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        struct built o;
        build(&o);
        size_t off = bad_cases[i].mutate(&o);
        struct tgm_image out, untouched;
        memset(&out, 0xA5, sizeof out);
        memcpy(&untouched, &out, sizeof out);
        char err[256] = "";
        print_message("  %s\n", bad_cases[i].what);
        assert_int_equal(image_parse(o.b, o.len, &out, err, sizeof err), -1);
        assert_message(err, "", off, bad_cases[i].names);
        assert_null(strchr(err, '\n'));
        assert_memory_equal(&out, &untouched, sizeof out);
    }
}

static void parse__good_image_gives_its_fields(void **state)
{
    (void)state;
    struct built o;
    build(&o);
    struct tgm_image img;
    char err[256];
    assert_int_equal(image_parse(o.b, o.len, &img, err, sizeof err), 0);
    assert_int_equal(img.load, LOAD);
    assert_int_equal(img.nwords, 3);
    assert_memory_equal(img.words, words, sizeof words);
    assert_int_equal(img.entry_psw, ENTRY);
    assert_int_equal(img.nsyms, 2);
    assert_string_equal(img.syms[0].name, "start");
    assert_int_equal(img.syms[0].value, 4);
    assert_string_equal(img.syms[1].name, "end");
    assert_non_null(image_symbol(&img, "end"));
    assert_int_equal(image_symbol(&img, "end")->value, 6);
    assert_null(image_symbol(&img, "END"));
    image_free(&img);
}

/* Serialising gives the bytes built by hand; parsing them back gives the
 * same image, symbols in canonical order. */
static void serialize__matches_layout_and_round_trips(void **state)
{
    (void)state;
    struct tgm_symbol syms[] = {{"end", 6, 0}, {"start", 4, 0}};
    struct tgm_image img = {.load = LOAD, .nwords = 3, .entry_psw = ENTRY,
                            .words = (uint64_t *)words, .nsyms = 2, .syms = syms};
    image_sort_symbols(&img);
    assert_string_equal(syms[0].name, "start");
    uint8_t *buf;
    size_t len;
    assert_int_equal(image_serialize(&img, &buf, &len), 0);
    struct built o;
    build(&o);
    assert_int_equal(len, o.len);
    assert_memory_equal(buf, o.b, len);
    struct tgm_image back;
    char err[256];
    assert_int_equal(image_parse(buf, len, &back, err, sizeof err), 0);
    assert_int_equal(back.load, img.load);
    assert_int_equal(back.entry_psw, img.entry_psw);
    assert_memory_equal(back.words, words, sizeof words);
    for (uint32_t i = 0; i < 2; i++) {
        assert_string_equal(back.syms[i].name, syms[i].name);
        assert_int_equal(back.syms[i].value, syms[i].value);
    }
    image_free(&back);
    free(buf);
    /* a bad name cannot be written */
    syms[0].name = "9lives";
    assert_int_equal(image_serialize(&img, &buf, &len), -1);
}

static void fnv__matches_published_vectors(void **state)
{
    (void)state;
    assert_int_equal(tgm_fnv1a("", 0, TGM_FNV_SEED), UINT64_C(0xcbf29ce484222325));
    assert_int_equal(tgm_fnv1a("a", 1, TGM_FNV_SEED), UINT64_C(0xaf63dc4c8601ec8c));
    assert_int_equal(tgm_fnv1a("foobar", 6, TGM_FNV_SEED), UINT64_C(0x85944171f73967e8));
}

/* ---- files ---------------------------------------------------------------- */

struct dir_fx {
    char dir[256];
};

static int dir_setup(void **state)
{
    struct dir_fx *f = calloc(1, sizeof *f);
    cs_tmp_name(f->dir, sizeof f->dir, "tgm-image-XXXXXX");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

/* Remove the fixture directory and anything a test left in it. */
static int dir_teardown(void **state)
{
    struct dir_fx *f = *state;
    cs_remove_tree(f->dir);
    free(f);
    return 0;
}

static int name_cmp(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The names in DIR, sorted and joined with spaces. */
static void listing(const char *dir, char *out, size_t n)
{
    char names[8][64];
    int k = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && k < 8)
            snprintf(names[k++], sizeof names[0], "%.63s", e->d_name);
    closedir(d);
    qsort(names, (size_t)k, sizeof names[0], name_cmp);
    out[0] = 0;
    for (int i = 0; i < k; i++) {
        strncat(out, i ? " " : "", n - strlen(out) - 1);
        strncat(out, names[i], n - strlen(out) - 1);
    }
}

static void file__bad_inputs_name_the_path_then_the_offset(void **state)
{
    struct dir_fx *f = *state;
    char path[300], prefix[310], err[512];
    snprintf(path, sizeof path, "%s/bad.img", f->dir);
    snprintf(prefix, sizeof prefix, "%s: ", path);
    for (size_t i = 0; i < sizeof bad_cases / sizeof bad_cases[0]; i++) {
        struct built o;
        build(&o);
        size_t off = bad_cases[i].mutate(&o);
        FILE *fp = fopen(path, "wb");
        assert_non_null(fp);
        assert_int_equal(fwrite(o.b, 1, o.len, fp), o.len);
        assert_int_equal(fclose(fp), 0);
        struct tgm_image out, untouched;
        memset(&out, 0x5A, sizeof out);
        memcpy(&untouched, &out, sizeof out);
        assert_int_equal(image_read_file(path, &out, err, sizeof err), -1);
        assert_message(err, prefix, off, bad_cases[i].names);
        assert_memory_equal(&out, &untouched, sizeof out);
    }
    snprintf(path, sizeof path, "%s/missing.img", f->dir);
    struct tgm_image out;
    assert_int_equal(image_read_file(path, &out, err, sizeof err), -1);
    assert_int_equal(strncmp(err, path, strlen(path)), 0);
    assert_non_null(strstr(err, "No such file"));
}

/* Writing replaces the file by rename: a reader holding the old file keeps
 * the old bytes, no temporary file is left, even when writing fails, and a
 * file with another hard link is refused rather than split from it. */
static void file__write_replaces_atomically_and_leaves_no_temporary(void **state)
{
    struct dir_fx *f = *state;
    char path[300], link_path[300], names[256], err[512];
    snprintf(path, sizeof path, "%s/out.img", f->dir);
    snprintf(link_path, sizeof link_path, "%s/old.img", f->dir);
    struct tgm_image img = {.load = LOAD, .nwords = 3, .entry_psw = ENTRY,
                            .words = (uint64_t *)words};
    assert_int_equal(image_write_file(path, &img, err, sizeof err), 0);
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "out.img");
    struct stat before, after;
    assert_int_equal(stat(path, &before), 0);

    img.load = LOAD + 1;
    assert_int_equal(image_write_file(path, &img, err, sizeof err), 0);
    assert_int_equal(stat(path, &after), 0);
    assert_true(before.st_ino != after.st_ino); /* a new file, renamed in */
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "out.img");
    struct tgm_image a;
    assert_int_equal(image_read_file(path, &a, err, sizeof err), 0);
    assert_int_equal(a.load, LOAD + 1);
    image_free(&a);

    assert_int_equal(link(path, link_path), 0);
    assert_int_equal(image_write_file(path, &img, err, sizeof err), -1);
    assert_non_null(strstr(err, "hard links"));
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "old.img out.img");

    /* the target is a directory: the rename fails, the temporary goes */
    char sub[300];
    snprintf(sub, sizeof sub, "%s/sub", f->dir);
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(image_write_file(sub, &img, err, sizeof err), -1);
    assert_int_equal(strncmp(err, sub, strlen(sub)), 0);
    listing(f->dir, names, sizeof names);
    assert_string_equal(names, "old.img out.img sub");
}

/* ---- loading into a machine ----------------------------------------------- */

static int machine_setup(void **state)
{
    *state = ts_machine(64, NULL, false);
    return 0;
}

static int machine_teardown(void **state)
{
    machine_destroy(*state);
    return 0;
}

static void load__fits_exactly_at_the_top_of_memory(void **state)
{
    struct machine *m = *state;
    struct tgm_image img = {.load = 61, .nwords = 3, .entry_psw = ENTRY,
                            .words = (uint64_t *)words};
    char err[256];
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(ts_peek(m, 61 + i), words[i]);
    assert_int_equal(machine_get_psw(m), ENTRY);
}

static void load__image_beyond_q_changes_nothing(void **state)
{
    struct machine *m = *state;
    ts_poke(m, 63, 0x77);
    machine_set_psw(m, TS_PSW(true, false, 0, 9, 0, 64));
    uint64_t digest = machine_digest(m), psw = machine_get_psw(m);
    const uint32_t loads[] = {62, 64, 1000};
    for (size_t i = 0; i < 3; i++) {
        struct tgm_image img = {.load = loads[i], .nwords = 3, .entry_psw = ENTRY,
                                .words = (uint64_t *)words};
        char err[256] = "";
        assert_int_equal(image_load(m, &img, err, sizeof err), -1);
        assert_non_null(strstr(err, "64 words"));
        assert_null(strchr(err, '\n'));
        assert_int_equal(machine_digest(m), digest);
        assert_int_equal(machine_get_psw(m), psw);
    }
}

/* An image of no words needs no memory, wherever its load address: only
 * its entry PSW is loaded (it once read "needs words 256..255"). */
static void load__empty_image_loads_its_psw_anywhere(void **state)
{
    struct machine *m = *state;
    ts_poke(m, 63, 0x77);
    uint64_t digest = machine_digest(m);
    struct tgm_image img = {.load = 256, .nwords = 0, .entry_psw = ENTRY};
    char err[256] = "";
    assert_int_equal(image_load(m, &img, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_int_equal(machine_digest(m), digest);
    assert_int_equal(machine_get_psw(m), ENTRY);
}

int main(void)
{
#define D(fn) cmocka_unit_test_setup_teardown(fn, dir_setup, dir_teardown)
#define M(fn) cmocka_unit_test_setup_teardown(fn, machine_setup, machine_teardown)
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse__each_bad_input_class_is_refused_with_its_offset),
        cmocka_unit_test(parse__good_image_gives_its_fields),
        cmocka_unit_test(serialize__matches_layout_and_round_trips),
        cmocka_unit_test(fnv__matches_published_vectors),
        D(file__bad_inputs_name_the_path_then_the_offset),
        D(file__write_replaces_atomically_and_leaves_no_temporary),
        M(load__fits_exactly_at_the_top_of_memory),
        M(load__image_beyond_q_changes_nothing),
        M(load__empty_image_loads_its_psw_anywhere),
    };
    return cmocka_run_group_tests_name("image", tests, NULL, NULL);
}
