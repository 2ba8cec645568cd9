/* rng.h: the random numbers of the randomized suites, small and seedable,
 * so that a campaign's seed says all there is to say of it.  Two streams:
 * SplitMix64, and the xorshift* of the reverse-execution campaigns (kept,
 * so that their seeds still name the sessions they did). */
#ifndef TGM_TESTS_RNG_H
#define TGM_TESTS_RNG_H

#include <stdint.h>
#include <stdlib.h>

/* SplitMix64: the next number of the stream whose state is *S. */
static inline uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* xorshift64*: the next number of the stream whose state is *S (not 0). */
static inline uint64_t rng_xorshift(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * UINT64_C(2685821657736338717);
}

/* A campaign's size or seed from the environment variable NAME (any base
 * strtoull takes), or DFLT when it is unset or empty. */
static inline uint64_t rng_env(const char *name, uint64_t dflt)
{
    const char *e = getenv(name);
    return e && *e ? strtoull(e, NULL, 0) : dflt;
}

#endif
