/*
 * SHA-512 (FIPS 180-4): streaming and one-shot. Ed25519 hashes R || A || M
 * with it. The same shape as sha256.c with 64-bit words.
 */
#include "crypto.h"

/* First 64 bits of the fractional parts of the cube roots of the first 80 primes. */
static const uint64_t k[80] = {
    0x428a2f98d728ae22ull, 0x7137449123ef65cdull, 0xb5c0fbcfec4d3b2full,
    0xe9b5dba58189dbbcull, 0x3956c25bf348b538ull, 0x59f111f1b605d019ull,
    0x923f82a4af194f9bull, 0xab1c5ed5da6d8118ull, 0xd807aa98a3030242ull,
    0x12835b0145706fbeull, 0x243185be4ee4b28cull, 0x550c7dc3d5ffb4e2ull,
    0x72be5d74f27b896full, 0x80deb1fe3b1696b1ull, 0x9bdc06a725c71235ull,
    0xc19bf174cf692694ull, 0xe49b69c19ef14ad2ull, 0xefbe4786384f25e3ull,
    0x0fc19dc68b8cd5b5ull, 0x240ca1cc77ac9c65ull, 0x2de92c6f592b0275ull,
    0x4a7484aa6ea6e483ull, 0x5cb0a9dcbd41fbd4ull, 0x76f988da831153b5ull,
    0x983e5152ee66dfabull, 0xa831c66d2db43210ull, 0xb00327c898fb213full,
    0xbf597fc7beef0ee4ull, 0xc6e00bf33da88fc2ull, 0xd5a79147930aa725ull,
    0x06ca6351e003826full, 0x142929670a0e6e70ull, 0x27b70a8546d22ffcull,
    0x2e1b21385c26c926ull, 0x4d2c6dfc5ac42aedull, 0x53380d139d95b3dfull,
    0x650a73548baf63deull, 0x766a0abb3c77b2a8ull, 0x81c2c92e47edaee6ull,
    0x92722c851482353bull, 0xa2bfe8a14cf10364ull, 0xa81a664bbc423001ull,
    0xc24b8b70d0f89791ull, 0xc76c51a30654be30ull, 0xd192e819d6ef5218ull,
    0xd69906245565a910ull, 0xf40e35855771202aull, 0x106aa07032bbd1b8ull,
    0x19a4c116b8d2d0c8ull, 0x1e376c085141ab53ull, 0x2748774cdf8eeb99ull,
    0x34b0bcb5e19b48a8ull, 0x391c0cb3c5c95a63ull, 0x4ed8aa4ae3418acbull,
    0x5b9cca4f7763e373ull, 0x682e6ff3d6b2b8a3ull, 0x748f82ee5defb2fcull,
    0x78a5636f43172f60ull, 0x84c87814a1f0ab72ull, 0x8cc702081a6439ecull,
    0x90befffa23631e28ull, 0xa4506cebde82bde9ull, 0xbef9a3f7b2c67915ull,
    0xc67178f2e372532bull, 0xca273eceea26619cull, 0xd186b8c721c0c207ull,
    0xeada7dd6cde0eb1eull, 0xf57d4f7fee6ed178ull, 0x06f067aa72176fbaull,
    0x0a637dc5a2c898a6ull, 0x113f9804bef90daeull, 0x1b710b35131c471bull,
    0x28db77f523047d84ull, 0x32caab7b40c72493ull, 0x3c9ebe0a15c9bebcull,
    0x431d67c49c100d4cull, 0x4cc5d4becb3e42b6ull, 0x597f299cfc657e2aull,
    0x5fcb6fab3ad6faecull, 0x6c44198c4a475817ull,
};

static uint64_t ror(uint64_t x, int n)
{
    return (x >> n) | (x << (64 - n));
}

/* Big-endian loads and stores, byte by byte: arm64 runs with -mstrict-align. */
static uint64_t load_be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

/*
 * Out of line: sha512_final stores ten words, and under emulation every
 * inlined copy is translated on its own.
 */
static __attribute__((noinline)) void store_be64(uint8_t *p, uint64_t v)
{
    for (int i = 7; i >= 0; i--, v >>= 8)
        p[i] = (uint8_t)v;
}

/* Mix one 128-byte block into the state. */
static void sha512_block(uint64_t s[8], const uint8_t *p)
{
    uint64_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = load_be64(p + 8 * i);
    for (int i = 16; i < 80; i++) {
        uint64_t s0 = ror(w[i - 15], 1) ^ ror(w[i - 15], 8) ^ (w[i - 15] >> 7);
        uint64_t s1 = ror(w[i - 2], 19) ^ ror(w[i - 2], 61) ^ (w[i - 2] >> 6);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint64_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
    for (int i = 0; i < 80; i++) {
        uint64_t ch = (e & f) ^ (~e & g);
        uint64_t t1 = h + (ror(e, 14) ^ ror(e, 18) ^ ror(e, 41)) + ch + k[i] + w[i];
        uint64_t t2 = (ror(a, 28) ^ ror(a, 34) ^ ror(a, 39)) + ((a & b) ^ (a & c) ^ (b & c));
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
void sha512_init(struct sha512_ctx *ctx)
{
    static const uint64_t iv[8] = {
        0x6a09e667f3bcc908ull, 0xbb67ae8584caa73bull,
        0x3c6ef372fe94f82bull, 0xa54ff53a5f1d36f1ull,
        0x510e527fade682d1ull, 0x9b05688c2b3e6c1full,
        0x1f83d9abfb41bd6bull, 0x5be0cd19137e2179ull,
    };
    for (int i = 0; i < 8; i++)
        ctx->state[i] = iv[i];
    ctx->bytes = 0;
}

/* Add `len` bytes at `data` (any alignment, any split across calls). */
void sha512_update(struct sha512_ctx *ctx, const void *data, size_t len)
{
    const uint8_t *p = data;
    size_t used = ctx->bytes % SHA512_BLOCK_SIZE;
    ctx->bytes += len;
    if (used) {
        while (len && used < SHA512_BLOCK_SIZE) {
            ctx->buf[used++] = *p++;
            len--;
        }
        if (used < SHA512_BLOCK_SIZE)
            return;
        sha512_block(ctx->state, ctx->buf);
    }
    for (; len >= SHA512_BLOCK_SIZE; len -= SHA512_BLOCK_SIZE, p += SHA512_BLOCK_SIZE)
        sha512_block(ctx->state, p);
    for (size_t i = 0; i < len; i++)
        ctx->buf[i] = p[i];
}

/*
 * Pad, write the 64-byte digest to `out` and leave `ctx` spent (call
 * sha512_init again before reusing it). The length field is 128 bits; its
 * high half holds the top bits of bytes * 8.
 */
void sha512_final(struct sha512_ctx *ctx, uint8_t out[SHA512_DIGEST_SIZE])
{
    size_t used = ctx->bytes % SHA512_BLOCK_SIZE;
    ctx->buf[used++] = 0x80;
    if (used > SHA512_BLOCK_SIZE - 16) {
        while (used < SHA512_BLOCK_SIZE)
            ctx->buf[used++] = 0;
        sha512_block(ctx->state, ctx->buf);
        used = 0;
    }
    while (used < SHA512_BLOCK_SIZE - 16)
        ctx->buf[used++] = 0;
    store_be64(ctx->buf + 112, ctx->bytes >> 61);
    store_be64(ctx->buf + 120, ctx->bytes << 3);
    sha512_block(ctx->state, ctx->buf);
    for (int i = 0; i < 8; i++)
        store_be64(out + 8 * i, ctx->state[i]);
}

/* One-shot: the SHA-512 of data[0..len) into `out`. */
void sha512(const void *data, size_t len, uint8_t out[SHA512_DIGEST_SIZE])
{
    struct sha512_ctx ctx;
    sha512_init(&ctx);
    sha512_update(&ctx, data, len);
    sha512_final(&ctx, out);
}
