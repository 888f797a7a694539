/*
 * SHA-256 (FIPS 180-4): streaming and one-shot. Verified boot hashes the
 * payload with it and derives key_id from the public key.
 */
#include "crypto.h"

/* First 32 bits of the fractional parts of the cube roots of the first 64 primes. */
static const uint32_t k[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u, 0x3956c25bu, 0x59f111f1u,
    0x923f82a4u, 0xab1c5ed5u, 0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u, 0xe49b69c1u, 0xefbe4786u,
    0x0fc19dc6u, 0x240ca1ccu, 0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u, 0xc6e00bf3u, 0xd5a79147u,
    0x06ca6351u, 0x14292967u, 0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u, 0xa2bfe8a1u, 0xa81a664bu,
    0xc24b8b70u, 0xc76c51a3u, 0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u, 0x391c0cb3u, 0x4ed8aa4au,
    0x5b9cca4fu, 0x682e6ff3u, 0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

static uint32_t ror(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

/* Big-endian loads and stores, byte by byte: arm64 runs with -mstrict-align. */
static uint32_t load_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Out of line: sha256_final stores ten words, and under emulation every
 * inlined copy is translated on its own.
 */
static __attribute__((noinline)) void store_be32(uint8_t *p, uint32_t v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

/* Mix one 64-byte block into the state. */
static void sha256_block(uint32_t s[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = load_be32(p + 4 * i);
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int i = 0; i < 64; i++) {
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ch + k[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
    s[5] += f;
    s[6] += g;
    s[7] += h;
}

/* Start a new hash in `ctx`. */
void sha256_init(struct sha256_ctx *ctx)
{
    static const uint32_t iv[8] = {
        0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
        0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u,
    };
    for (int i = 0; i < 8; i++)
        ctx->state[i] = iv[i];
    ctx->bytes = 0;
}

/* Add `len` bytes at `data` (any alignment, any split across calls). */
void sha256_update(struct sha256_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t used = ctx->bytes % SHA256_BLOCK_SIZE;
    ctx->bytes += len;
    if (used) {
        while (len && used < SHA256_BLOCK_SIZE) {
            ctx->buf[used++] = *p++;
            len--;
        }
        if (used < SHA256_BLOCK_SIZE)
            return;
        sha256_block(ctx->state, ctx->buf);
    }
    for (; len >= SHA256_BLOCK_SIZE; len -= SHA256_BLOCK_SIZE, p += SHA256_BLOCK_SIZE)
        sha256_block(ctx->state, p);
    for (size_t i = 0; i < len; i++)
        ctx->buf[i] = p[i];
}

/*
 * Pad, write the 32-byte digest to `out` and leave `ctx` spent (call
 * sha256_init again before reusing it).
 */
void sha256_final(struct sha256_ctx *ctx, uint8_t out[SHA256_DIGEST_SIZE])
{
    size_t used = ctx->bytes % SHA256_BLOCK_SIZE;
    uint64_t bits = ctx->bytes * 8;
    ctx->buf[used++] = 0x80;
    if (used > SHA256_BLOCK_SIZE - 8) {
        while (used < SHA256_BLOCK_SIZE)
            ctx->buf[used++] = 0;
        sha256_block(ctx->state, ctx->buf);
        used = 0;
    }
    while (used < SHA256_BLOCK_SIZE - 8)
        ctx->buf[used++] = 0;
    store_be32(ctx->buf + 56, bits >> 32);
    store_be32(ctx->buf + 60, (uint32_t)bits);
    sha256_block(ctx->state, ctx->buf);
    for (int i = 0; i < 8; i++)
        store_be32(out + 4 * i, ctx->state[i]);
}

/* One-shot: the SHA-256 of data[0..len) into `out`. */
void sha256(const void *data, size_t len, uint8_t out[SHA256_DIGEST_SIZE])
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_update(&ctx, data, len);
    sha256_final(&ctx, out);
}
