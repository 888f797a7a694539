/*
 * Arithmetic in GF(p), p = 2^255 - 19, for ed25519.c. An element is five
 * unsigned 51-bit limbs, value = sum l[i] * 2^(51*i). Every operation leaves
 * its result weakly reduced (each limb below 2^52, value not necessarily
 * below p); only fe25519_to_bytes produces the canonical form. Outputs may
 * alias inputs.
 */
#ifndef FE25519_H
#define FE25519_H

#include <stdint.h>

struct fe25519 {
    uint64_t l[5];
};

void fe25519_set(struct fe25519 *r, uint64_t small);
void fe25519_from_bytes(struct fe25519 *r, const uint8_t in[32]);
void fe25519_to_bytes(uint8_t out[32], const struct fe25519 *a);
void fe25519_add(struct fe25519 *r, const struct fe25519 *a, const struct fe25519 *b);
void fe25519_sub(struct fe25519 *r, const struct fe25519 *a, const struct fe25519 *b);
void fe25519_neg(struct fe25519 *r, const struct fe25519 *a);
void fe25519_mul(struct fe25519 *r, const struct fe25519 *a, const struct fe25519 *b);
void fe25519_sq(struct fe25519 *r, const struct fe25519 *a);
void fe25519_invert(struct fe25519 *r, const struct fe25519 *a);
void fe25519_pow22523(struct fe25519 *r, const struct fe25519 *a);
int fe25519_is_zero(const struct fe25519 *a);
int fe25519_is_negative(const struct fe25519 *a);
int fe25519_equal(const struct fe25519 *a, const struct fe25519 *b);

/* n little-endian 64-bit words from 8n bytes, and back (encodings here and in ed25519.c). */
void le64_load(uint64_t *w, const uint8_t *s, unsigned n);
void le64_store(uint8_t *s, const uint64_t *w, unsigned n);

#endif
