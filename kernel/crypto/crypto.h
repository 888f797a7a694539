/*
 * crypto.h - what verified boot needs to check a signed image
 * (docs/image-format.md): SHA-256 of the payload and of the public key
 * (key_id), and an Ed25519 signature over the 256-byte header; and the
 * ChaCha20 CSPRNG behind mote_random() (drivers/random.c holds the one
 * instance and feeds it entropy).
 *
 * Pure logic: no allocation, no locking, no global state; every context
 * lives with the caller (a few hundred bytes of stack). Verification is
 * not constant time: it only handles public data.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stddef.h>
#include <stdint.h>

/* ---- SHA-256 (FIPS 180-4) ---- */
#define SHA256_DIGEST_SIZE 32
#define SHA256_BLOCK_SIZE 64

struct sha256_ctx {
    uint32_t state[8];
    uint64_t bytes;                   /* message length so far */
    uint8_t buf[SHA256_BLOCK_SIZE];   /* partial block: bytes % 64 of them */
};

void sha256_init(struct sha256_ctx *ctx);
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len);
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE]);
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE]);

/* ---- SHA-512 (FIPS 180-4), used by Ed25519 ---- */
#define SHA512_DIGEST_SIZE 64
#define SHA512_BLOCK_SIZE 128

struct sha512_ctx {
    uint64_t state[8];
    uint64_t bytes;                   /* message length so far (< 2^64 bytes) */
    uint8_t buf[SHA512_BLOCK_SIZE];
};

void sha512_init(struct sha512_ctx *ctx);
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len);
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE]);
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE]);

/* ---- Ed25519 verification (RFC 8032, pure Ed25519, no context) ---- */
#define ED25519_PUBLIC_KEY_SIZE 32
#define ED25519_SIGNATURE_SIZE 64

#define ED25519_EBADS (-1)    /* S is not below the group order L */
#define ED25519_EBADKEY (-2)  /* the public key does not decode to a curve point */
#define ED25519_EBADR (-3)    /* R does not decode to a curve point */
#define ED25519_EBADSIG (-4)  /* well-formed, but [S]B != R + [k]A */

/*
 * Check `sig` (R || S) over msg[0..len) against the raw public key `pub`.
 * Returns 0 if the signature is valid, else a negative ED25519_E* code.
 * Cofactorless check ([S]B - [k]A, encoded, must equal R byte for byte), as
 * OpenSSL does; a non-canonical S, A or R is refused.
 */
int ed25519_verify(const uint8_t sig[ED25519_SIGNATURE_SIZE], const uint8_t *msg, size_t len,
                   const uint8_t pub[ED25519_PUBLIC_KEY_SIZE]);

/* ---- ChaCha20 block function (RFC 8439 2.3), chacha20.c ---- */
/* One 64-byte block of keystream for key, block counter and nonce. */
void chacha20_block(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12],
                    uint8_t out[64]);

/* ---- the CSPRNG on it, csprng.c: fast key erasure, entropy hashed into the key ---- */
struct csprng {
    uint8_t key[32];
    uint64_t requests;      /* request number: the nonce of its keystream */
    uint32_t entropy_bits;  /* credited entropy mixed in so far */
};
/* All zero: not yet seeded (entropy_bits 0). */
void csprng_init(struct csprng *r);
/* key = SHA-256(key || data); credit_bits is how much entropy the caller vouches for. */
void csprng_add_entropy(struct csprng *r, const void *data, size_t len, unsigned credit_bits);
/* n bytes of output; the key that made them is replaced before this returns. */
void csprng_generate(struct csprng *r, void *out, size_t n);

#endif
