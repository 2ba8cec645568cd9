/* complete.c: the pure part of tab completion: what kind of word the
 * cursor is in, and which candidates match it (no paper section: the
 * monitor's line editing).
 *
 * Both functions read only their arguments and the command table, so tests
 * drive them without a terminal; reader.c gathers the candidates (symbols
 * of the loaded program, VM names, file names) and talks to libedit.
 */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "complete.h"
#include "mon_impl.h"

/* Append the atoms of one kinds element (e.g. "s+{until,for}") to OUT. */
static void add_element(const char *el, size_t len, struct mon_compl *out)
{
    for (size_t i = 0; i < len; i++) {
        char c = el[i];
        if (c == '+' || c == '-')
            continue;
        if (c == '{') {
            size_t j = i + 1;
            while (j < len && el[j] != '}') {
                size_t k = j;
                while (k < len && el[k] != ',' && el[k] != '}')
                    k++;
                size_t have = strlen(out->words);
                if (have + (k - j) + 2 < sizeof out->words) {
                    if (have)
                        out->words[have++] = ' ';
                    memcpy(out->words + have, el + j, k - j);
                    out->words[have + (k - j)] = '\0';
                }
                j = k < len && el[k] == ',' ? k + 1 : k;
            }
            i = j;
            continue;
        }
        size_t nk = strlen(out->kinds);
        if (!strchr(out->kinds, c) && nk + 1 < sizeof out->kinds) {
            out->kinds[nk] = c;
            out->kinds[nk + 1] = '\0';
        }
    }
}

/* Element POS (0-based) of a kinds string; the last element repeats. */
static void add_position(const char *kinds, size_t klen, int pos, struct mon_compl *out)
{
    const char *p = kinds, *end = kinds + klen;
    for (int i = 0; p < end; i++) {
        const char *e = p;
        /* one element: atoms joined by '+' */
        for (;;) {
            if (e < end && *e == '{') {
                while (e < end && *e != '}')
                    e++;
                if (e < end)
                    e++;
            } else if (e < end) {
                e++;
            }
            if (e < end && *e == '+')
                e++;
            else
                break;
        }
        if (i == pos || e >= end) {
            add_element(p, (size_t)(e - p), out);
            return;
        }
        p = e;
    }
}

size_t mon_char_quote(const char *s)
{
    if (s[0] != '\'')
        return 0;
    if (s[1] == '"' && s[2] == '\'')
        return 3;
    return s[1] == '\\' && s[2] == '"' && s[3] == '\'' ? 4 : 0;
}

size_t mon_quote_step(const char *s, bool *quoted)
{
    if (*quoted && s[0] == '\\' && (s[1] == '"' || s[1] == '\\'))
        return 2;
    size_t k = *quoted ? 0 : mon_char_quote(s);
    if (k)
        return k; /* '"' is a character, not a quote (docs/monitor.md) */
    if (s[0] == '"')
        *quoted = !*quoted;
    return 1;
}

/* The kinds of the word after WORD when WORD (in any case, or a unique
 * prefix of the fixed words of ARGS and the keywords of SPEC) is a keyword
 * SPEC gives a ">KEYWORD:KINDS" for; else NULL. */
static const char *keyword_value(const char *spec, const char *args, size_t alen,
                                 const char *word, size_t wlen, size_t *klen)
{
    struct mon_compl kw = {0};
    char w[64];
    if (wlen >= sizeof w)
        return NULL;
    memcpy(w, word, wlen);
    w[wlen] = '\0';
    add_element(args, alen, &kw); /* its fixed words */
    for (const char *p = spec; *p; p += strspn(p, " ")) {
        size_t k = strcspn(p, " "), nl = strcspn(p, ": ");
        if (*p == '>' && !mon_in_list(p + 1, nl - 1, kw.words) &&
            strlen(kw.words) + nl + 1 < sizeof kw.words) {
            if (kw.words[0])
                strcat(kw.words, " ");
            strncat(kw.words, p + 1, nl - 1);
        }
        p += k;
    }
    int idx = mon_keyword(w, kw.words);
    if (idx < 0)
        return NULL;
    const char *full = kw.words;
    for (int i = 0; i < idx; i++)
        full += strcspn(full, " ") + 1;
    size_t flen = strcspn(full, " ");
    for (const char *p = spec; *p; p += strspn(p, " ")) {
        size_t k = strcspn(p, " "), nl = strcspn(p + 1, ": ");
        if (*p == '>' && nl == flen && !strncmp(p + 1, full, flen) && nl + 1 < k) {
            *klen = k - nl - 2;
            return p + nl + 2;
        }
        p += k;
    }
    return NULL;
}

static int context_words(const char *line, size_t cursor, struct mon_compl *out,
                         const size_t *wstart, const size_t *wlen, int n);

static int context(const char *line, size_t cursor, struct mon_compl *out)
{
    memset(out, 0, sizeof *out);
    size_t seg = 0;
    bool quoted = false;
    for (size_t i = 0, k; i < cursor && line[i]; i += k) {
        bool was = quoted;
        k = mon_quote_step(line + i, &quoted);
        if (line[i] == ';' && !was)
            seg = i + 1;
    }
    /* words of the segment before the cursor, as many as it holds (a
     * word and its blank take two bytes): 'check F with F1 ... F20 <Tab>'
     * still offers files */
    size_t cap = (cursor - seg) / 2 + 1;
    size_t *wstart = malloc(2 * cap * sizeof *wstart);
    if (!wstart)
        return -1;
    size_t *wlen = wstart + cap;
    int n = 0;
    size_t i = seg;
    while (i < cursor) {
        while (i < cursor && (line[i] == ' ' || line[i] == '\t'))
            i++;
        if (i >= cursor)
            break;
        size_t s = i;
        while (i < cursor && line[i] != ' ' && line[i] != '\t')
            i++;
        if ((size_t)n == cap || n == INT_MAX) {
            free(wstart);
            return -1;
        }
        wstart[n] = s;
        wlen[n++] = i - s;
    }
    int rc = context_words(line, cursor, out, wstart, wlen, n);
    free(wstart);
    return rc;
}

/* Options (the fixed words of ARGS that begin with '-': 'examine -p')
 * go before the plain arguments: once a plain word was given none is
 * offered, and past the "!N" plain arguments SPEC allows ('examine ADDR
 * COUNT', however many flags) nothing is.  Words FROM..POS-1 are given;
 * COUNTED is 1 when a format's count ('x/3i', 'x /3i') stands for COUNT. */
static void after_options(const char *spec, const char *args, size_t alen, const char *line,
                          const size_t *wstart, const size_t *wlen, int from, int pos,
                          int counted, struct mon_compl *out)
{
    struct mon_compl all = {0};
    add_element(args, alen, &all);
    int plain = 0;
    for (int w = from; w < pos; w++) {
        const char *word = line + wstart[w];
        if (*word == '/') /* QEMU's 'x /3i': a format word, options may follow */
            counted = counted || isdigit((unsigned char)word[1]);
        else if (*word != '-' || !mon_in_list(word, wlen[w], all.words))
            plain++;
    }
    const char *lim = strstr(spec, " !");
    if (lim && plain + counted >= atoi(lim + 2)) {
        out->kinds[0] = out->words[0] = '\0';
        return;
    }
    if (plain == 0)
        return;
    char kept[sizeof out->words] = "";
    for (const char *p = out->words; *p; p += strspn(p, " ")) {
        size_t k = strcspn(p, " ");
        if (*p != '-') {
            if (kept[0])
                strcat(kept, " ");
            strncat(kept, p, k);
        }
        p += k;
    }
    strcpy(out->words, kept);
}

/* context's work on the N words of the segment before the cursor, the
 * K-th at LINE + WSTART[K], WLEN[K] bytes long. */
static int context_words(const char *line, size_t cursor, struct mon_compl *out,
                         const size_t *wstart, const size_t *wlen, int n)
{
    bool fresh = n == 0 || wstart[n - 1] + wlen[n - 1] < cursor;
    int pos = fresh ? n : n - 1;
    out->start = fresh ? cursor : wstart[n - 1];
    out->pos = pos;
    if (pos == 0) {
        strcpy(out->kinds, "C");
        return 0;
    }
    char word[64], why[256];
    if (wlen[0] >= sizeof word)
        return -1;
    memcpy(word, line + wstart[0], wlen[0]);
    word[wlen[0]] = '\0';
    word[strcspn(word, "/")] = '\0'; /* x/3i is examine, as mon_exec reads it */
    const struct mon_cmd *c = mon_cmd_find(word, why, sizeof why);
    if (!c || !c->complete)
        return c ? 0 : -1;
    /* past the last argument nothing goes (a raw command's one argument
     * is the rest of the line, many words) */
    if (!(c->flags & CMD_RAW) && c->max_args >= 0 && pos > c->max_args)
        return 0;

    /* subcommand word at position 1, if the spec has subcommands */
    char sub[64] = "";
    if (pos >= 2 && wlen[1] < sizeof sub) {
        memcpy(sub, line + wstart[1], wlen[1]);
        sub[wlen[1]] = '\0';
    }
    const char *dflt = NULL;
    size_t dlen = 0;
    char names[512] = "";
    const char *subkinds = NULL;
    size_t sklen = 0;
    bool sub_hit = false;
    for (const char *p = c->complete; *p;) {
        size_t k = strcspn(p, " ");
        if (*p == '=') {
            dflt = p + 1;
            dlen = k - 1;
        } else if (*p != '>' && *p != '!') {
            size_t nl = strcspn(p, ": ");
            if (strlen(names) + nl + 2 < sizeof names) {
                if (names[0])
                    strcat(names, " ");
                strncat(names, p, nl);
            }
            /* taken in any case and abbreviated, as mon_keyword takes it */
            if (sub[0] && nl >= strlen(sub) && !strncasecmp(p, sub, strlen(sub)) &&
                (nl == strlen(sub) || !sub_hit)) {
                sub_hit = true;
                subkinds = nl < k ? p + nl + 1 : NULL;
                sklen = nl < k ? k - nl - 1 : 0;
            }
        }
        p += k;
        while (*p == ' ')
            p++;
    }
    if (pos == 1) {
        strcpy(out->words, names);
        if (dflt)
            add_position(dflt, dlen, 0, out);
        return 0;
    }
    const char *args = sub_hit ? subkinds : dflt;
    size_t alen = sub_hit ? sklen : dlen;
    if (!args)
        return 0;
    /* a keyword's value: the words before the cursor, read as the command
     * reads them, so a value is never taken for a keyword */
    for (int w = sub_hit ? 2 : 1; w < pos; w++) {
        size_t vlen;
        const char *v = keyword_value(c->complete, args, alen, line + wstart[w], wlen[w], &vlen);
        if (v && *v == '*') { /* 'if EXPR': the rest of the line, no keyword */
            add_position(v + 1, vlen - 1, 0, out);
            return 0;
        }
        if (v && w + 1 == pos) {
            add_position(v, vlen, 0, out);
            return 0;
        }
        if (v)
            w++;
    }
    add_position(args, alen, pos - (sub_hit ? 2 : 1), out);
    if (!sub_hit) {
        const char *slash = memchr(line + wstart[0], '/', wlen[0]);
        bool counted = slash && isdigit((unsigned char)slash[1]);
        after_options(c->complete, args, alen, line, wstart, wlen, 1, pos, counted, out);
    }
    return 0;
}

/* In an expression the name being completed starts after the last
 * operator, parenthesis or comma of its word ("psw(0,lo", "E[lo", "1+lo");
 * a '-' that begins the word stays: it may be an option ("examine -p"). */
int mon_complete_context(const char *line, size_t cursor, struct mon_compl *out)
{
    int rc = context(line, cursor, out);
    if (rc != 0 || !strchr(out->kinds, 'e'))
        return rc;
    size_t at = out->start;
    for (size_t i = out->start; i < cursor && line[i]; i++)
        if (strchr("()[]+-*/%&|^~!<>=,", line[i]) && (line[i] != '-' || i > out->start))
            at = i + 1;
    if (at > out->start) { /* no keyword after an operator: labels and functions */
        out->start = at;
        out->words[0] = '\0';
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t mon_complete_match(const char *prefix, const char *const *cands, size_t n,
                          const char **out, size_t max, size_t *common)
{
    return mon_complete_match_some(prefix, cands, n, 0, out, max, common, NULL);
}

static bool among(const char *const *cands, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++)
        if (cands[i] == p)
            return true;
    return false;
}

size_t mon_complete_match_some(const char *prefix, const char *const *cands, size_t n,
                               size_t nany, const char **out, size_t max, size_t *common,
                               bool *caps)
{
    size_t plen = strlen(prefix), k = 0;
    for (size_t i = 0; i < n && k < max; i++)
        if (cands[i] && !(i < nany ? strncasecmp : strncmp)(cands[i], prefix, plen))
            out[k++] = cands[i];
    qsort(out, k, sizeof *out, cmp_str);
    size_t u = 0;
    bool all = k > 0, some = false;
    for (size_t i = 0; i < k; i++) {
        if (u == 0 || strcmp(out[u - 1], out[i]))
            out[u++] = out[i];
        bool a = among(cands, nany, out[i]);
        all = all && a;
        some = some || a;
    }
    size_t c = u ? strlen(out[0]) : plen;
    for (size_t i = 1; i < u; i++) {
        size_t j = 0;
        while (j < c && (some ? tolower((unsigned char)out[i][j]) ==
                                    tolower((unsigned char)out[0][j])
                              : out[i][j] == out[0][j]))
            j++;
        c = j;
    }
    if (common)
        *common = c;
    if (caps)
        *caps = all;
    return u;
}

void mon_complete_tail(const char *prefix, const char *cand, size_t upto, bool caps, char *buf,
                       size_t len)
{
    size_t plen = strlen(prefix);
    bool upper = false, lower = false;
    for (const char *p = prefix; *p; p++) {
        upper = upper || isupper((unsigned char)*p);
        lower = lower || islower((unsigned char)*p);
    }
    size_t k = 0;
    for (size_t i = plen; i < upto && cand[i] && k + 1 < len; i++)
        buf[k++] = caps && upper && !lower ? (char)toupper((unsigned char)cand[i]) : cand[i];
    if (len)
        buf[k] = '\0';
}
