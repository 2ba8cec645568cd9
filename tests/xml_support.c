/* xml_support.c: the small XML reader of cli_support.h (cs_xml_check),
 * for the suites that check the XML tgm writes (the SVG of a timeline of
 * section 5's dispatcher events).  Kept apart from cli_support.c, which
 * holds the rest of what the suites that drive the binary share.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cli_support.h"

/* The reader's cursor and the open elements. */
struct cs_xml {
    const char *p;
    int depth;
    char stack[64][64];
    const char *why;
};

static bool cs_xml_name_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
}

/* A name into BUF (cut to LEN); false if there is none. */
static bool cs_xml_name(struct cs_xml *x, char *buf, size_t len)
{
    size_t n = 0;
    if (!cs_xml_name_char(*x->p, true))
        return false;
    for (; cs_xml_name_char(*x->p, n == 0); x->p++, n++)
        if (n + 1 < len)
            buf[n] = *x->p;
    buf[n + 1 < len ? n : len - 1] = '\0';
    return true;
}

static void cs_xml_ws(struct cs_xml *x)
{
    while (*x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r')
        x->p++;
}

/* Character data up to STOP (or the end): every '&' one of the five
 * predefined entities or a character reference, no '<' in a value. */
static bool cs_xml_chars(struct cs_xml *x, char stop)
{
    static const char *const ents[] = {"lt;", "gt;", "amp;", "quot;", "apos;"};
    for (; *x->p && *x->p != stop; x->p++) {
        if (*x->p == '<')
            return x->why = "'<' in an attribute value", false;
        if (*x->p != '&')
            continue;
        size_t k = 0;
        while (k < 5 && strncmp(x->p + 1, ents[k], strlen(ents[k])))
            k++;
        if (k < 5) {
            x->p += strlen(ents[k]);
        } else if (x->p[1] == '#') {
            const char *q = x->p + 2 + (x->p[2] == 'x');
            const char *d = q;
            while (isxdigit((unsigned char)*q))
                q++;
            if (q == d || *q != ';')
                return x->why = "a bad character reference", false;
            x->p = q;
        } else {
            return x->why = "an unknown entity", false;
        }
    }
    return true;
}

/* A start tag after its '<': attributes quoted, separated and not given
 * twice; pushes the element unless it is empty ("/>"). */
static bool cs_xml_start(struct cs_xml *x)
{
    char name[64], attrs[32][64];
    int nattr = 0;
    if (!cs_xml_name(x, name, sizeof name))
        return x->why = "a tag without a name", false;
    for (;;) {
        bool space = *x->p == ' ' || *x->p == '\n' || *x->p == '\t' || *x->p == '\r';
        cs_xml_ws(x);
        if (*x->p == '/' || *x->p == '>')
            break;
        char an[64];
        if (!space || !cs_xml_name(x, an, sizeof an))
            return x->why = "a malformed attribute", false;
        for (int k = 0; k < nattr; k++)
            if (!strcmp(attrs[k], an))
                return x->why = "an attribute given twice", false;
        if (nattr < 32)
            snprintf(attrs[nattr++], sizeof attrs[0], "%s", an);
        cs_xml_ws(x);
        if (*x->p++ != '=')
            return x->why = "an attribute without '='", false;
        cs_xml_ws(x);
        char q = *x->p++;
        if (q != '"' && q != '\'')
            return x->why = "an unquoted attribute value", false;
        if (!cs_xml_chars(x, q))
            return false;
        if (*x->p++ != q)
            return x->why = "an unterminated attribute value", false;
    }
    bool empty = *x->p == '/';
    x->p += empty;
    if (*x->p++ != '>')
        return x->why = "a tag without '>'", false;
    if (!empty) {
        if (x->depth >= 64)
            return x->why = "elements nested deeper than this reader goes", false;
        snprintf(x->stack[x->depth++], sizeof x->stack[0], "%s", name);
    }
    return true;
}

int cs_xml_check(const char *text, char *why, size_t len)
{
    struct cs_xml x = {.p = text};
    bool root = false, ok = true;
    if (!strncmp(x.p, "<?xml", 5)) {
        const char *e = strstr(x.p, "?>");
        x.p = e ? e + 2 : x.p + strlen(x.p);
        ok = e != NULL;
        x.why = "an unterminated XML declaration";
    }
    while (ok) {
        if (x.depth) {
            ok = cs_xml_chars(&x, '<');
        } else { /* outside the root only white space */
            cs_xml_ws(&x);
            if (*x.p && *x.p != '<')
                ok = false, x.why = "text outside the root element";
        }
        if (!ok || !*x.p)
            break;
        x.p++;
        if (!strncmp(x.p, "!--", 3)) {
            const char *e = strstr(x.p, "-->");
            if (!(ok = e != NULL))
                x.why = "an unterminated comment";
            else
                x.p = e + 3;
        } else if (*x.p == '/') {
            char name[64];
            x.p++;
            if (!cs_xml_name(&x, name, sizeof name) || (cs_xml_ws(&x), *x.p++ != '>'))
                ok = false, x.why = "a malformed end tag";
            else if (!x.depth || strcmp(x.stack[x.depth - 1], name))
                ok = false, x.why = "an end tag that does not match its start tag";
            else
                x.depth--;
        } else if (!x.depth && root) {
            ok = false, x.why = "a second root element";
        } else {
            root = true;
            ok = cs_xml_start(&x);
        }
    }
    if (ok && (x.depth || !root))
        ok = false, x.why = root ? "an element that is not closed" : "no root element";
    if (!ok && why)
        snprintf(why, len, "%s at byte %zu", x.why ? x.why : "malformed", (size_t)(x.p - text));
    return ok ? 0 : -1;
}
