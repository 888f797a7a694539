/*
 * csprng.c - the kernel's CSPRNG: a ChaCha20 keystream under a 256-bit key
 * that is replaced after every request (fast key erasure), so output already
 * handed out cannot be recomputed from a later state. Entropy (virtio-rng,
 * timer jitter) is folded into the key with SHA-256. Pure; the kernel keeps
 * one instance behind mote_random() (drivers/random.c).
 */
#include <mote.h>
#include "crypto.h"

/* Clear secrets on the stack in a way the compiler may not drop as a dead store. */
static void wipe(void *p, size_t n)
{
    volatile uint8_t *v = p;
    while (n--)
        *v++ = 0;
}

void csprng_init(struct csprng *r)
{
    memset(r, 0, sizeof(*r));
}

/* key = SHA-256(key || data): entropy of any quality only ever adds. */
void csprng_add_entropy(struct csprng *r, const void *data, size_t len, unsigned credit_bits)
{
    struct sha256_ctx c;
    sha256_init(&c);
    sha256_update(&c, r->key, sizeof(r->key));
    sha256_update(&c, data, len);
    sha256_final(&c, r->key);
    r->entropy_bits += credit_bits;
    wipe(&c, sizeof(c));
}

/*
 * n bytes of output. Under the current key and nonce = request number,
 * block 0's first 32 bytes become the next key and everything after them is
 * the caller's; then the current key is overwritten.
 */
void csprng_generate(struct csprng *r, void *out, size_t n)
{
    uint8_t block[64], next_key[32], nonce[12] = {0};
    uint8_t *o = out;
    uint64_t req = r->requests++;
    for (int i = 0; i < 8; i++)
        nonce[4 + i] = (uint8_t)(req >> (8 * i));
    chacha20_block(r->key, 0, nonce, block);
    memcpy(next_key, block, 32);
    size_t take = n < 32 ? n : 32;
    memcpy(o, block + 32, take);
    o += take;
    n -= take;
    for (uint32_t ctr = 1; n; ctr++) {
        chacha20_block(r->key, ctr, nonce, block);
        take = n < 64 ? n : 64;
        memcpy(o, block, take);
        o += take;
        n -= take;
    }
    memcpy(r->key, next_key, 32);   /* the key that made this output is gone */
    wipe(block, sizeof(block));
    wipe(next_key, sizeof(next_key));
}
