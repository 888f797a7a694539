/*
 * GF(2^255 - 19) for Ed25519 verification, radix 2^51 (see fe25519.h).
 * Products are 64x64->128-bit multiplies of zero-extended limbs, which
 * clang lowers to mul/umulh (arm64) or mul (x86_64) without runtime helpers.
 */
#include <stddef.h>
#include "fe25519.h"

int memcmp(const void *a, const void *b, size_t n);   /* string.c, or the host's */

typedef unsigned __int128 u128;

#define MASK51 ((1ull << 51) - 1)

/* Carry every limb into the next, the top one back into limb 0 times 19. */
static void fe_carry(uint64_t l[5])
{
    uint64_t c;
    for (int i = 0; i < 4; i++) {
        c = l[i] >> 51;
        l[i] &= MASK51;
        l[i + 1] += c;
    }
    c = l[4] >> 51;
    l[4] &= MASK51;
    l[0] += 19 * c;
}

/*
 * See fe25519.h. Out of line and one byte per iteration: the four places
 * that convert would otherwise each carry 32 unrolled loads or stores, and
 * under emulation every copy is translated on its own.
 */
__attribute__((noinline)) void le64_load(uint64_t *w, const uint8_t *s, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        w[i] = 0;
    for (unsigned i = 0; i < 8 * n; i++)
        w[i / 8] |= (uint64_t)s[i] << (8 * (i % 8));
}

__attribute__((noinline)) void le64_store(uint8_t *s, const uint64_t *w, unsigned n)
{
    for (unsigned i = 0; i < 8 * n; i++)
        s[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8)));
}

/* r = a small integer (below 2^51). */
void fe25519_set(struct fe25519 *r, uint64_t small)
{
    r->l[0] = small;
    for (int i = 1; i < 5; i++)
        r->l[i] = 0;
}

/* Load 32 little-endian bytes, ignoring bit 255 (the caller checks canonicity). */
void fe25519_from_bytes(struct fe25519 *r, const uint8_t in[32])
{
    uint64_t w[4];
    le64_load(w, in, 4);
    r->l[0] = w[0] & MASK51;
    r->l[1] = (w[0] >> 51 | w[1] << 13) & MASK51;
    r->l[2] = (w[1] >> 38 | w[2] << 26) & MASK51;
    r->l[3] = (w[2] >> 25 | w[3] << 39) & MASK51;
    r->l[4] = (w[3] >> 12) & MASK51;
}

/*
 * Store the canonical value of `a` (fully reduced, below p) as 32 bytes.
 * Out of line: is_zero, is_negative and equal use it too, and under
 * emulation every inlined copy is translated on its own.
 */
__attribute__((noinline)) void fe25519_to_bytes(uint8_t out[32], const struct fe25519 *a)
{
    uint64_t t[5], w[4], q;
    for (int i = 0; i < 5; i++)
        t[i] = a->l[i];
    fe_carry(t);
    fe_carry(t); /* now 0 <= t < 2^255 + 19 < 2p */
    /* q = 1 exactly when t >= p, i.e. when t + 19 reaches 2^255. */
    q = (t[0] + 19) >> 51;
    for (int i = 1; i < 5; i++)
        q = (t[i] + q) >> 51;
    /* t - q*p = t + 19q - q*2^255: add 19q, carry, drop bit 255. */
    t[0] += 19 * q;
    for (int i = 0; i < 4; i++) {
        t[i + 1] += t[i] >> 51;
        t[i] &= MASK51;
    }
    t[4] &= MASK51;
    w[0] = t[0] | t[1] << 51;
    w[1] = t[1] >> 13 | t[2] << 38;
    w[2] = t[2] >> 26 | t[3] << 25;
    w[3] = t[3] >> 39 | t[4] << 12;
    le64_store(out, w, 4);
}

/* r = a + b. */
void fe25519_add(struct fe25519 *r, const struct fe25519 *a, const struct fe25519 *b)
{
    for (int i = 0; i < 5; i++)
        r->l[i] = a->l[i] + b->l[i];
    fe_carry(r->l);
}

/*
 * r = a - b, computed as a + 4p - b so no limb goes negative (b's limbs are
 * below 2^52). Out of line: neg and equal call it too, and under emulation
 * every inlined copy is translated on its own.
 */
__attribute__((noinline)) void fe25519_sub(struct fe25519 *r, const struct fe25519 *a,
                                          const struct fe25519 *b)
{
    r->l[0] = a->l[0] + 4 * (MASK51 - 18) - b->l[0];
    for (int i = 1; i < 5; i++)
        r->l[i] = a->l[i] + 4 * MASK51 - b->l[i];
    fe_carry(r->l);
}

/* r = -a. */
void fe25519_neg(struct fe25519 *r, const struct fe25519 *a)
{
    struct fe25519 zero;
    fe25519_set(&zero, 0);
    fe25519_sub(r, &zero, a);
}

/*
 * r = a * b. Limbs below 2^52 keep every column below 2^111; the columns
 * past 2^255 fold back times 19 (2^255 = 19 mod p).
 */
void fe25519_mul(struct fe25519 *r, const struct fe25519 *a, const struct fe25519 *b)
{
    const uint64_t *x = a->l, *y = b->l;
    uint64_t y1 = 19 * y[1], y2 = 19 * y[2], y3 = 19 * y[3], y4 = 19 * y[4];
    u128 c[5];
    c[0] = (u128)x[0] * y[0] + (u128)x[1] * y4 + (u128)x[2] * y3 + (u128)x[3] * y2 +
           (u128)x[4] * y1;
    c[1] = (u128)x[0] * y[1] + (u128)x[1] * y[0] + (u128)x[2] * y4 + (u128)x[3] * y3 +
           (u128)x[4] * y2;
    c[2] = (u128)x[0] * y[2] + (u128)x[1] * y[1] + (u128)x[2] * y[0] + (u128)x[3] * y4 +
           (u128)x[4] * y3;
    c[3] = (u128)x[0] * y[3] + (u128)x[1] * y[2] + (u128)x[2] * y[1] + (u128)x[3] * y[0] +
           (u128)x[4] * y4;
    c[4] = (u128)x[0] * y[4] + (u128)x[1] * y[3] + (u128)x[2] * y[2] + (u128)x[3] * y[1] +
           (u128)x[4] * y[0];
    for (int i = 0; i < 4; i++) {
        c[i + 1] += (uint64_t)(c[i] >> 51);
        r->l[i] = (uint64_t)c[i] & MASK51;
    }
    /* c[4] has no x19 terms, so c[4] >> 51 < 2^56 and 19 times it fits in 64 bits. */
    r->l[4] = (uint64_t)c[4] & MASK51;
    r->l[0] += 19 * (uint64_t)(c[4] >> 51);
    r->l[1] += r->l[0] >> 51;
    r->l[0] &= MASK51;
}

/* r = a^2. */
void fe25519_sq(struct fe25519 *r, const struct fe25519 *a)
{
    fe25519_mul(r, a, a);
}

/* r = a^(2^n): n squarings. */
static void fe_sq_n(struct fe25519 *r, const struct fe25519 *a, int n)
{
    fe25519_sq(r, a);
    while (--n > 0)
        fe25519_sq(r, r);
}

/*
 * Shared prefix of invert and pow22523: *z11 = a^11, *z250 = a^(2^250 - 1),
 * by the usual addition chain (254 squarings, 11 multiplications). From
 * a^(2^5 - 1) on, every step is t = t^(2^sq) * z[mul], some results kept in
 * z[] for later steps: a loop over a table rather than the steps written
 * out, because under emulation each call site is a block translated on
 * first use, and the bootloader's first signature check paid for ~70 of them.
 */
static void fe_pow_2_250_1(struct fe25519 *z250, struct fe25519 *z11, const struct fe25519 *a)
{
    static const struct {
        uint8_t sq, mul, keep;                  /* keep = 0: not kept */
    } steps[] = {
        { 5, 0, 1 },                            /* z[1] = a^(2^10 - 1) */
        { 10, 1, 2 },                           /* z[2] = a^(2^20 - 1) */
        { 20, 2, 0 },                           /* a^(2^40 - 1) */
        { 10, 1, 3 },                           /* z[3] = a^(2^50 - 1) */
        { 50, 3, 4 },                           /* z[4] = a^(2^100 - 1) */
        { 100, 4, 0 },                          /* a^(2^200 - 1) */
        { 50, 3, 0 },                           /* a^(2^250 - 1) */
    };
    struct fe25519 z[5], z2, t;
    fe25519_sq(&z2, a);                         /* a^2 */
    fe_sq_n(&t, &z2, 2);                        /* a^8 */
    fe25519_mul(&t, &t, a);                     /* a^9 */
    fe25519_mul(z11, &t, &z2);                  /* a^11 */
    fe25519_sq(&z2, z11);                       /* a^22 */
    fe25519_mul(&z[0], &z2, &t);                /* z[0] = a^(2^5 - 1) */
    t = z[0];
    for (unsigned i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        fe_sq_n(&t, &t, steps[i].sq);
        fe25519_mul(&t, &t, &z[steps[i].mul]);
        if (steps[i].keep)
            z[steps[i].keep] = t;
    }
    *z250 = t;
}

/* r = 1/a = a^(p - 2) = a^(2^255 - 21); 0 maps to 0. */
void fe25519_invert(struct fe25519 *r, const struct fe25519 *a)
{
    struct fe25519 z250, z11;
    fe_pow_2_250_1(&z250, &z11, a);
    fe_sq_n(&z250, &z250, 5);           /* a^(2^255 - 32) */
    fe25519_mul(r, &z250, &z11);
}

/* r = a^((p - 5) / 8) = a^(2^252 - 3), the heart of the square root. */
void fe25519_pow22523(struct fe25519 *r, const struct fe25519 *a)
{
    struct fe25519 z250, z11;
    fe_pow_2_250_1(&z250, &z11, a);
    fe_sq_n(&z250, &z250, 2);           /* a^(2^252 - 4) */
    fe25519_mul(r, &z250, a);
}

/* 1 if a = 0 (mod p), else 0. */
int fe25519_is_zero(const struct fe25519 *a)
{
    static const uint8_t zero[32];
    uint8_t s[32];
    fe25519_to_bytes(s, a);
    return memcmp(s, zero, 32) == 0;    /* a call, not 32 unrolled ORs to translate */
}

/* 1 if the canonical value of a is odd ("negative" in RFC 8032), else 0. */
int fe25519_is_negative(const struct fe25519 *a)
{
    uint8_t s[32];
    fe25519_to_bytes(s, a);
    return s[0] & 1;
}

/* 1 if a = b (mod p), else 0. */
int fe25519_equal(const struct fe25519 *a, const struct fe25519 *b)
{
    struct fe25519 d;
    fe25519_sub(&d, a, b);
    return fe25519_is_zero(&d);
}
