/* cli_json.c: a small JSON reader for the suites that check the tgm
 * binary's --json outputs (see cli_support.h): enough of RFC 8259 to
 * validate one object and look values up by key, no more.
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

const char *cs_json_ws(const char *s)
{
    while (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')
        s++;
    return s;
}

const char *cs_json_string(const char *s, char *buf, size_t *len)
{
    size_t n = 0;
    if (*s++ != '"')
        return NULL;
    for (; *s != '"'; s++) {
        unsigned c = (unsigned char)*s;
        if (c < 0x20)
            return NULL;
        if (c == '\\') {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *k = *++s ? strchr(from, *s) : NULL;
            if (k) {
                c = (unsigned char)to[k - from];
            } else if (*s == 'u') {
                unsigned v;
                if (sscanf(s + 1, "%4x", &v) != 1 || v > 0xff)
                    return NULL; /* tgm only escapes bytes */
                c = v;
                s += 4;
            } else {
                return NULL;
            }
        }
        if (buf)
            buf[n] = (char)c;
        n++;
    }
    if (len)
        *len = n;
    return s + 1;
}

const char *cs_json_value(const char *s)
{
    s = cs_json_ws(s);
    if (*s == '{' || *s == '[') {
        char close = *s == '{' ? '}' : ']';
        s = cs_json_ws(s + 1);
        if (*s == close)
            return s + 1;
        for (;;) {
            if (close == '}') {
                if (!(s = cs_json_string(cs_json_ws(s), NULL, NULL)))
                    return NULL;
                s = cs_json_ws(s);
                if (*s++ != ':')
                    return NULL;
            }
            if (!(s = cs_json_value(s)))
                return NULL;
            s = cs_json_ws(s);
            if (*s == close)
                return s + 1;
            if (*s++ != ',')
                return NULL;
        }
    }
    if (*s == '"')
        return cs_json_string(s, NULL, NULL);
    if (!strncmp(s, "true", 4) || !strncmp(s, "null", 4))
        return s + 4;
    if (!strncmp(s, "false", 5))
        return s + 5;
    char *end;
    strtod(s, &end);
    return end == s ? NULL : end;
}

void cs_assert_json_object(const struct cs_outcome *o)
{
    assert_true(o->out_len > 2);
    assert_int_equal(o->out[0], '{');
    assert_int_equal(o->out[o->out_len - 1], '\n');
    assert_ptr_equal(strchr(o->out, '\n'), o->out + o->out_len - 1);
    const char *end = cs_json_value(o->out);
    if (!end || *cs_json_ws(end) != '\0')
        fail_msg("not one valid JSON object: %s", o->out);
}

const char *cs_json_at(const char *json, const char *within, const char *key)
{
    char pat[64];
    const char *from = json;
    if (within) {
        snprintf(pat, sizeof pat, "\"%s\":", within);
        from = strstr(json, pat);
        if (!from)
            fail_msg("no \"%s\" in %s", within, json);
    }
    snprintf(pat, sizeof pat, "\"%s\":", key);
    const char *p = strstr(from, pat);
    if (!p)
        fail_msg("no \"%s\" in %s", key, json);
    return p + strlen(pat);
}

uint64_t cs_json_u64(const char *json, const char *within, const char *key)
{
    const char *p = cs_json_at(json, within, key);
    char *end;
    uint64_t v = strtoull(p, &end, 10);
    if (end == p)
        fail_msg("\"%s\" is not a number in %s", key, json);
    return v;
}

void cs_assert_json_str(const char *json, const char *within, const char *key,
                        const char *want, size_t want_len)
{
    size_t len;
    char *got = cs_json_str(cs_json_at(json, within, key), &len);
    assert_int_equal(len, want_len);
    assert_memory_equal(got, want, want_len);
    free(got);
}

void cs_assert_json_string(const char *v, const char *want)
{
    char *s = cs_json_str(v, NULL);
    assert_string_equal(s, want);
    free(s);
}

const char *cs_json_find(const char *obj, const char *key)
{
    const char *s = cs_json_ws(obj);
    if (*s != '{')
        fail_msg("looking up \"%s\" in a value that is not an object: %.80s", key, s);
    s = cs_json_ws(s + 1);
    if (*s == '}')
        return NULL;
    size_t klen = strlen(key);
    for (;;) {
        const char *name = s;
        size_t nlen;
        if (!(s = cs_json_string(name, NULL, &nlen)))
            fail_msg("malformed member name: %.80s", name);
        /* names tgm prints need no escapes: compare the raw text */
        bool match = nlen == klen && strncmp(name + 1, key, klen) == 0;
        s = cs_json_ws(s);
        if (*s++ != ':')
            fail_msg("no ':' after a member name: %.80s", name);
        const char *v = cs_json_ws(s);
        if (match)
            return v;
        if (!(s = cs_json_value(v)))
            fail_msg("malformed value: %.80s", v);
        s = cs_json_ws(s);
        if (*s == '}')
            return NULL;
        if (*s++ != ',')
            fail_msg("malformed object at: %.80s", s - 1);
        s = cs_json_ws(s);
    }
}

const char *cs_json_get(const char *obj, const char *key)
{
    const char *v = cs_json_find(obj, key);
    if (!v)
        fail_msg("no member \"%s\" in %.200s", key, obj);
    return v;
}

const char *cs_json_item(const char *arr, size_t k)
{
    const char *s = cs_json_ws(arr);
    if (*s != '[')
        fail_msg("indexing a value that is not an array: %.80s", s);
    s = cs_json_ws(s + 1);
    if (*s == ']')
        return NULL;
    for (size_t i = 0;; i++) {
        if (i == k)
            return s;
        const char *v = s;
        if (!(s = cs_json_value(v)))
            fail_msg("malformed array element: %.80s", v);
        s = cs_json_ws(s);
        if (*s == ']')
            return NULL;
        if (*s++ != ',')
            fail_msg("malformed array at: %.80s", s - 1);
        s = cs_json_ws(s);
    }
}

size_t cs_json_count(const char *arr)
{
    size_t n = 0;
    while (cs_json_item(arr, n))
        n++;
    return n;
}

uint64_t cs_json_uint(const char *v)
{
    char *end;
    uint64_t n = strtoull(v, &end, 10);
    if (end == v || *v == '-')
        fail_msg("not an unsigned number: %.80s", v);
    return n;
}

double cs_json_num(const char *v)
{
    char *end;
    double d = strtod(v, &end);
    if (end == v)
        fail_msg("not a number: %.80s", v);
    return d;
}

int cs_json_bool(const char *v)
{
    if (!strncmp(v, "true", 4))
        return 1;
    if (!strncmp(v, "false", 5))
        return 0;
    fail_msg("not true or false: %.80s", v);
    return -1;
}

char *cs_json_str(const char *v, size_t *len)
{
    size_t n;
    if (!cs_json_string(v, NULL, &n))
        fail_msg("not a JSON string: %.80s", v);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    cs_json_string(v, buf, NULL);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

char *cs_json_text(const char *v)
{
    const char *end = cs_json_value(v);
    if (!end)
        fail_msg("malformed value: %.80s", v);
    size_t n = (size_t)(end - v);
    char *buf = malloc(n + 1);
    assert_non_null(buf);
    memcpy(buf, v, n);
    buf[n] = '\0';
    return buf;
}
