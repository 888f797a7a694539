/*
 * Ed25519 signature verification (RFC 8032 section 5.1.7, pure Ed25519).
 * The curve is -x^2 + y^2 = 1 + d x^2 y^2 over GF(2^255 - 19); points are
 * kept in extended coordinates (X:Y:Z:T), x = X/Z, y = Y/Z, xy = T/Z, with
 * the addition and doubling formulas of Hisil-Wong-Carter-Dawson 2008, which
 * are complete on this curve (no special case for the identity or P + P).
 *
 * Verification works on public data only, so it is variable time.
 */
#include "crypto.h"
#include "ge25519.h"

int memcmp(const void *a, const void *b, size_t n);   /* string.c, or the host's */

/* d = -121665/121666, 2d and sqrt(-1) = 2^((p-1)/4), as 51-bit limbs. */
static const struct fe25519 fe_d = { { 0x34dca135978a3, 0x1a8283b156ebd, 0x5e7a26001c029,
                                       0x739c663a03cbb, 0x52036cee2b6ff } };
static const struct fe25519 fe_2d = { { 0x69b9426b2f159, 0x35050762add7a, 0x3cf44c0038052,
                                        0x6738cc7407977, 0x2406d9dc56dff } };
static const struct fe25519 fe_sqrtm1 = { { 0x61b274a0ea0b0, 0x0d5a5fc8f189d, 0x7ef5e9cbd0c60,
                                            0x78595a6804c9e, 0x2b8324804fc1d } };

/* The base point B: y = 4/5, x even. */
static const uint8_t base_enc[32] = {
    0x58, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
    0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66,
};

/* The group order L = 2^252 + 27742317777372353535851937790883648493, 64-bit limbs. */
static const uint64_t order[4] = {
    0x5812631a5cf5d3edull, 0x14def9dea2f79cd6ull, 0x0000000000000000ull, 0x1000000000000000ull,
};

/*
 * Decode a point (RFC 8032 5.1.3) into *p. Returns 0, or -1 if y is not
 * canonical (y >= p), x^2 = (y^2 - 1)/(d y^2 + 1) has no root, or the
 * encoding asks for x = 0 with the sign bit set.
 */
static int ge_decode(struct ge *p, const uint8_t s[32])
{
    struct fe25519 u, v, v3, x2v, t;
    uint8_t back[32];
    int sign = s[31] >> 7;

    fe25519_from_bytes(&p->y, s);
    fe25519_to_bytes(back, &p->y);
    back[31] |= (uint8_t)(sign << 7);
    if (memcmp(back, s, 32))
        return -1;
    fe25519_set(&p->z, 1);
    fe25519_sq(&u, &p->y);
    fe25519_mul(&v, &u, &fe_d);
    fe25519_sub(&u, &u, &p->z);               /* u = y^2 - 1 */
    fe25519_add(&v, &v, &p->z);               /* v = d y^2 + 1 */
    /* Candidate root x = u v^3 (u v^7)^((p-5)/8). */
    fe25519_sq(&v3, &v);
    fe25519_mul(&v3, &v3, &v);
    fe25519_sq(&t, &v3);
    fe25519_mul(&t, &t, &v);
    fe25519_mul(&t, &t, &u);
    fe25519_pow22523(&t, &t);
    fe25519_mul(&t, &t, &v3);
    fe25519_mul(&p->x, &t, &u);
    fe25519_sq(&x2v, &p->x);
    fe25519_mul(&x2v, &x2v, &v);
    if (!fe25519_equal(&x2v, &u)) {
        fe25519_neg(&u, &u);
        if (!fe25519_equal(&x2v, &u))
            return -1;
        fe25519_mul(&p->x, &p->x, &fe_sqrtm1);
    }
    if (fe25519_is_zero(&p->x) && sign)
        return -1;
    if (fe25519_is_negative(&p->x) != sign)
        fe25519_neg(&p->x, &p->x);
    fe25519_mul(&p->t, &p->x, &p->y);
    return 0;
}

/* Encode *p (RFC 8032 5.1.2): y, with the parity of x in bit 255. */
static void ge_encode(uint8_t out[32], const struct ge *p)
{
    struct fe25519 zi, x, y;
    fe25519_invert(&zi, &p->z);
    fe25519_mul(&x, &p->x, &zi);
    fe25519_mul(&y, &p->y, &zi);
    fe25519_to_bytes(out, &y);
    out[31] |= (uint8_t)(fe25519_is_negative(&x) << 7);
}

static void ge_identity(struct ge *p)
{
    fe25519_set(&p->x, 0);
    fe25519_set(&p->y, 1);
    fe25519_set(&p->z, 1);
    fe25519_set(&p->t, 0);
}

static void ge_to_cached(struct ge_cached *c, const struct ge *p)
{
    fe25519_add(&c->ypx, &p->y, &p->x);
    fe25519_sub(&c->ymx, &p->y, &p->x);
    fe25519_add(&c->z2, &p->z, &p->z);
    fe25519_mul(&c->t2d, &p->t, &fe_2d);
}

/* r = p + q, or p - q if `negate` (-(x, y) = (-x, y) swaps Y+X with Y-X). */
static void ge_add(struct ge *r, const struct ge *p, const struct ge_cached *q, int negate)
{
    struct fe25519 a, b, c, d, e, f, g, h;
    fe25519_sub(&a, &p->y, &p->x);
    fe25519_mul(&a, &a, negate ? &q->ypx : &q->ymx);
    fe25519_add(&b, &p->y, &p->x);
    fe25519_mul(&b, &b, negate ? &q->ymx : &q->ypx);
    fe25519_mul(&c, &p->t, &q->t2d);
    if (negate)
        fe25519_neg(&c, &c);
    fe25519_mul(&d, &p->z, &q->z2);
    fe25519_sub(&e, &b, &a);
    fe25519_sub(&f, &d, &c);
    fe25519_add(&g, &d, &c);
    fe25519_add(&h, &b, &a);
    fe25519_mul(&r->x, &e, &f);
    fe25519_mul(&r->y, &g, &h);
    fe25519_mul(&r->t, &e, &h);
    fe25519_mul(&r->z, &f, &g);
}

/* r = 2p. */
static void ge_dbl(struct ge *r, const struct ge *p)
{
    struct fe25519 a, b, c, e, f, g, h;
    fe25519_sq(&a, &p->x);
    fe25519_sq(&b, &p->y);
    fe25519_sq(&c, &p->z);
    fe25519_add(&c, &c, &c);
    fe25519_add(&h, &a, &b);
    fe25519_add(&e, &p->x, &p->y);
    fe25519_sq(&e, &e);
    fe25519_sub(&e, &h, &e);
    fe25519_sub(&g, &a, &b);
    fe25519_add(&f, &c, &g);
    fe25519_mul(&r->x, &e, &f);
    fe25519_mul(&r->y, &g, &h);
    fe25519_mul(&r->t, &e, &h);
    fe25519_mul(&r->z, &f, &g);
}

/* tab[i] = (i + 1) p for i = 0..7. */
static void ge_table(struct ge_cached tab[8], const struct ge *p)
{
    struct ge acc = *p;
    ge_to_cached(&tab[0], p);
    for (int i = 1; i < 8; i++) {
        ge_add(&acc, &acc, &tab[0], 0);
        ge_to_cached(&tab[i], &acc);
    }
}

/*
 * Recode a 32-byte little-endian scalar below 2^253 into 64 signed radix-16
 * digits e[i] in [-8, 8), scalar = sum e[i] 16^i. The top nibble is at most
 * 1, so the top digit is at most 2 and no carry leaves it.
 */
static __attribute__((noinline)) void sc_recode(int8_t e[64], const uint8_t s[32])
{
    int carry = 0;
    for (int i = 0; i < 64; i++) {
        int v = ((s[i / 2] >> (4 * (i & 1))) & 15) + carry;
        carry = (v + 8) >> 4;
        e[i] = (int8_t)(v - (carry << 4));
    }
}

/*
 * Add digit * (table point) to r: tab[k - 1] = k P. This and sc_recode are
 * out of line: each has two call sites, and under emulation every inlined
 * copy is translated on its own.
 */
static __attribute__((noinline)) void ge_add_digit(struct ge *r, const struct ge_cached tab[8],
                                                   int digit)
{
    if (digit > 0)
        ge_add(r, r, &tab[digit - 1], 0);
    else if (digit < 0)
        ge_add(r, r, &tab[-digit - 1], 1);
}

/*
 * r = a A + b B, both scalars below 2^253, by a joint signed 4-bit window;
 * B's table is the precomputed ge25519_base. Out of line: A's 1.3 KiB
 * table lives only while it runs.
 */
static __attribute__((noinline)) void
ge_double_scalarmult(struct ge *r, const uint8_t a[32], const struct ge *pa, const uint8_t b[32])
{
    struct ge_cached ta[8];
    int8_t ea[64], eb[64];

    ge_table(ta, pa);
    sc_recode(ea, a);
    sc_recode(eb, b);
    ge_identity(r);
    for (int i = 63; i >= 0; i--) {
        for (int j = 0; j < 4; j++)
            ge_dbl(r, r);
        ge_add_digit(r, ta, ea[i]);
        ge_add_digit(r, ge25519_base, eb[i]);
    }
}

/*
 * See ge25519.h: decode B, take its multiples and bring each to Z = 1 (so
 * the table has one form however it was computed).
 */
void ge25519_base_compute(struct ge_cached tab[8])
{
    struct ge b, p;
    struct fe25519 zi;
    struct ge_cached t[8];
    (void)ge_decode(&b, base_enc);
    ge_table(t, &b);
    for (int i = 0; i < 8; i++) {
        /* back from (Y+X, Y-X, 2Z, 2dT) to (X, Y, Z), then divide by Z */
        fe25519_sub(&p.x, &t[i].ypx, &t[i].ymx);
        fe25519_add(&p.y, &t[i].ypx, &t[i].ymx);
        fe25519_invert(&zi, &t[i].z2);
        fe25519_mul(&p.x, &p.x, &zi);
        fe25519_mul(&p.y, &p.y, &zi);
        fe25519_set(&p.z, 1);
        fe25519_mul(&p.t, &p.x, &p.y);
        ge_to_cached(&tab[i], &p);
    }
}

/* 1 if a < L, else 0. */
static int sc_below_order(const uint64_t a[4])
{
    for (int i = 3; i >= 0; i--)
        if (a[i] != order[i])
            return a[i] < order[i];
    return 0;
}

/*
 * out = h mod L for a 64-byte little-endian h (the SHA-512 digest), one bit
 * at a time from the top: r = 2r + bit, minus L if that reaches L. r stays
 * below L < 2^253, so 2r + 1 fits in four 64-bit words.
 */
static void sc_reduce(uint8_t out[32], const uint8_t h[64])
{
    uint64_t r[4] = { 0, 0, 0, 0 };
    for (int bit = 511; bit >= 0; bit--) {
        for (int i = 3; i > 0; i--)
            r[i] = r[i] << 1 | r[i - 1] >> 63;
        r[0] = r[0] << 1 | ((h[bit / 8] >> (bit % 8)) & 1);
        if (!sc_below_order(r)) {
            uint64_t borrow = 0;
            for (int i = 0; i < 4; i++) {
                uint64_t d = r[i] - order[i] - borrow;
                borrow = r[i] < order[i] || (r[i] == order[i] && borrow);
                r[i] = d;
            }
        }
    }
    le64_store(out, r, 4);
}

/*
 * k = SHA-512(R || A || msg) mod L. Out of line, like ge_double_scalarmult,
 * so the hash context and the point tables never share a stack frame (the
 * bootloader runs this on an 8 KiB boot stack on x86_64).
 */
static __attribute__((noinline)) void ed25519_challenge(uint8_t k[32], const uint8_t r[32],
                                                        const uint8_t pub[32], const uint8_t *msg,
                                                        size_t len)
{
    struct sha512_ctx ctx;
    uint8_t h[SHA512_DIGEST_SIZE];
    sha512_init(&ctx);
    sha512_update(&ctx, r, 32);
    sha512_update(&ctx, pub, ED25519_PUBLIC_KEY_SIZE);
    sha512_update(&ctx, msg, len);
    sha512_final(&ctx, h);
    sc_reduce(k, h);
}

/*
 * See crypto.h. Checks, in order: S < L, A decodes, then encode([S]B -
 * [k]A) == R with k = SHA-512(R || A || msg) mod L. R is only decoded when
 * that comparison fails, to tell EBADR from EBADSIG: an R that does not
 * decode, or is not canonical, can never equal an encoding, so decoding it
 * first (a square root) would only slow down every good signature.
 */
int ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_SIZE], const uint8_t *msg, size_t len,
                   const uint8_t pub[ED25519_PUBLIC_KEY_SIZE])
{
    struct ge a, r;
    uint64_t s[4];
    uint8_t k[32], check[32];

    le64_load(s, sig + 32, 4);
    if (!sc_below_order(s))
        return ED25519_EBADS;
    if (ge_decode(&a, pub))
        return ED25519_EBADKEY;

    ed25519_challenge(k, sig, pub, msg, len);
    fe25519_neg(&a.x, &a.x);
    fe25519_neg(&a.t, &a.t);
    ge_double_scalarmult(&r, k, &a, sig + 32);
    ge_encode(check, &r);
    if (memcmp(check, sig, 32))
        return ge_decode(&r, sig) ? ED25519_EBADR : ED25519_EBADSIG;
    return 0;
}
