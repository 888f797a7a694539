/*
 * ChaCha20 against RFC 8439 (2.3.2 and the A.1 block-function vectors, which
 * `openssl enc -chacha20` reproduces), and the CSPRNG built on it: its output
 * is exactly the keystream of the key it holds, and that key is replaced.
 */
#include <stdint.h>
#include "check.h"
#include <crypto/crypto.h>
#include "hex.h"

static const char *block_hex(const char *key_hex, uint32_t counter, const char *nonce_hex)
{
    static char out[129];
    uint8_t key[32], nonce[12], block[64];
    CHECK(hex_decode(key, sizeof(key), key_hex) == 32);
    CHECK(hex_decode(nonce, sizeof(nonce), nonce_hex) == 12);
    chacha20_block(key, counter, nonce, block);
    return hex_encode(out, block, sizeof(block));
}

static const char zero_key[] = "0000000000000000000000000000000000000000000000000000000000000000";

void test_chacha20_rfc8439_block(void)
{
    /* 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1 */
    CHECK_STR(block_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", 1,
                        "000000090000004a00000000"),
              "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
              "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

void test_chacha20_rfc8439_a1(void)
{
    /* A.1 test vectors 1 and 2: all-zero key and nonce, counters 0 and 1 */
    CHECK_STR(block_hex(zero_key, 0, "000000000000000000000000"),
              "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
              "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
    CHECK_STR(block_hex(zero_key, 1, "000000000000000000000000"),
              "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
              "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
    /* A.1 test vector 3: the key's last byte is 1, counter 1 */
    CHECK_STR(block_hex("0000000000000000000000000000000000000000000000000000000000000001", 1,
                        "000000000000000000000000"),
              "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
              "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
}

/* The key a fresh generator holds after add_entropy("seed"): SHA-256(32 zero bytes || "seed"). */
static void seeded(struct csprng *r, uint8_t key[32])
{
    csprng_init(r);
    CHECK(r->entropy_bits == 0);
    csprng_add_entropy(r, "seed", 4, 7);
    CHECK(r->entropy_bits == 7);
    struct sha256_ctx c;
    uint8_t zero[32] = {0};
    sha256_init(&c);
    sha256_update(&c, zero, sizeof(zero));
    sha256_update(&c, "seed", 4);
    sha256_final(&c, key);
    CHECK(memcmp(r->key, key, 32) == 0);
}

void test_csprng_output_is_keystream(void)
{
    struct csprng r;
    uint8_t key[32], out[100], want[192], nonce[12] = {0};
    seeded(&r, key);
    csprng_generate(&r, out, sizeof(out));
    /* request 0: block 0's first half is the next key, the rest of blocks 0..2 is output */
    for (uint32_t b = 0; b < 3; b++)
        chacha20_block(key, b, nonce, want + 64 * b);
    CHECK(memcmp(out, want + 32, sizeof(out)) == 0);
    CHECK(memcmp(r.key, want, 32) == 0);      /* the old key is gone */
    CHECK(r.requests == 1);

    /* request 1 runs under the new key, nonce = request number */
    uint8_t out2[16], blk[64];
    memcpy(key, want, 32);
    nonce[4] = 1;
    csprng_generate(&r, out2, sizeof(out2));
    chacha20_block(key, 0, nonce, blk);
    CHECK(memcmp(out2, blk + 32, sizeof(out2)) == 0);
    CHECK(memcmp(r.key, blk, 32) == 0);
}

void test_csprng_requests_differ(void)
{
    struct csprng r;
    uint8_t key[32], a[64], b[64], zero[64] = {0};
    seeded(&r, key);
    csprng_generate(&r, a, sizeof(a));
    csprng_generate(&r, b, sizeof(b));
    CHECK(memcmp(a, b, sizeof(a)) != 0);
    CHECK(memcmp(a, zero, sizeof(a)) != 0);
    csprng_generate(&r, a, 0);                /* an empty request still moves the key on */
    CHECK(r.requests == 3);
    /* more entropy changes the key whatever its credit */
    memcpy(key, r.key, 32);
    csprng_add_entropy(&r, "x", 1, 0);
    CHECK(memcmp(key, r.key, 32) != 0);
    CHECK(r.entropy_bits == 7);
}
