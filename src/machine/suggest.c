/* suggest.c: "did you mean" for every name a user types.
 *
 * The assembler, the monitor and the CLI share it (the names they check are
 * mnemonics and directives, commands, and the profiles of sections 3 and 8).
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tgm/suggest.h"

unsigned tgm_edit_distance(const char *a, size_t n, const char *b, size_t m)
{
    unsigned d[TGM_SUGGEST_MAX + 1][TGM_SUGGEST_MAX + 1];
    if (n > TGM_SUGGEST_MAX || m > TGM_SUGGEST_MAX)
        return ~0u;
    for (size_t i = 0; i <= n; i++)
        d[i][0] = (unsigned)i;
    for (size_t j = 0; j <= m; j++)
        d[0][j] = (unsigned)j;
    for (size_t i = 1; i <= n; i++)
        for (size_t j = 1; j <= m; j++) {
            int x = tolower((unsigned char)a[i - 1]), y = tolower((unsigned char)b[j - 1]);
            unsigned best = d[i - 1][j - 1] + (x != y);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && x == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == y && d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

static size_t prefix(const char *a, size_t n, const char *b)
{
    size_t i = 0;
    while (i < n && b[i] && tolower((unsigned char)a[i]) == tolower((unsigned char)b[i]))
        i++;
    return i;
}

void tgm_suggest_init(struct tgm_suggest *s, const char *word, size_t len)
{
    *s = (struct tgm_suggest){.word = word, .len = len, .dist = ~0u, .close_rank = ~0u};
}

/* One edit in a word of up to 3 characters, two in a longer one, never the
 * whole word. */
static unsigned limit(size_t len)
{
    return len <= 3 ? 1 : 2;
}

/* How plausible a typo of S's word CAND is (lower is nearer), or ~0u if
 * none at all; *D gets the edit distance. */
static unsigned rank_of(const struct tgm_suggest *s, const char *cand, unsigned *d)
{
    size_t m = strlen(cand);
    *d = tgm_edit_distance(s->word, s->len, cand, m);
    if (*d == ~0u)
        return ~0u;
    /* a word that begins the candidate is one edit from it ('counter'),
     * one letter too: docs/run.md's "the one name the word begins" */
    bool begins = s->len && s->len < m && prefix(s->word, s->len, cand) == s->len;
    unsigned rank = begins && *d > 1 ? 1 : *d;
    return rank <= limit(s->len) && (rank < s->len || begins) ? rank : ~0u;
}

void tgm_suggest_offer(struct tgm_suggest *s, const char *cand)
{
    unsigned d, rank = rank_of(s, cand, &d);
    if (d == ~0u)
        return;
    /* one name offered twice (a label that hides a built-in of its name)
     * is one candidate, not a tie with itself */
    if (rank == s->close_rank && s->close && !strcmp(cand, s->close))
        return;
    if (rank != ~0u) {
        if (rank < s->close_rank) {
            s->close_rank = rank;
            s->close = cand;
            s->nclose = 0;
        }
        s->nclose += rank == s->close_rank;
    }
    if (d < s->dist) {
        s->dist = d;
        s->best = cand;
    } else if (d == s->dist && prefix(s->word, s->len, cand) > prefix(s->word, s->len, s->best)) {
        s->best = cand; /* on a tie, the one that starts like the word */
    }
}

const char *tgm_suggest_result(const struct tgm_suggest *s)
{
    return s->best && s->dist <= limit(s->len) && s->dist < s->len ? s->best : NULL;
}

const char *tgm_suggest_unique(const struct tgm_suggest *s)
{
    return s->nclose == 1 ? s->close : NULL;
}

bool tgm_suggest_nearest(const struct tgm_suggest *s, const char *cand)
{
    unsigned d;
    return s->nclose && rank_of(s, cand, &d) == s->close_rank;
}

bool tgm_suffix_hint(char *buf, size_t size, const char *text, size_t len, unsigned long long v)
{
    int k = len ? toupper((unsigned char)text[len - 1]) : 0;
    unsigned shift = k == 'K' ? 10 : k == 'M' ? 20 : k == 'G' ? 30 : 0;
    if (!shift || v > ~0ull >> shift)
        return false;
    /* (K and M in the words the docs have always shown) */
    snprintf(buf, size, "(no %s suffix here: %.*s is %llu)", k == 'G' ? "G" : "K or M", (int)len,
             text, v << shift);
    return true;
}

void tgm_range_words(char *buf, size_t size, const char *unit, bool one, unsigned long long lo,
                     unsigned long long hi)
{
    bool u = unit && *unit;
    snprintf(buf, size, "%s%s%s is out of range (%llu..%llu)", u ? " " : "", u ? unit : "",
             u && !one ? "s" : "", lo, hi);
}
