/* SHA-256 and SHA-512 against the FIPS 180 example messages. */
#include <stdint.h>
#include "check.h"
#include <crypto/crypto.h>
#include "hex.h"

static const char msg448[] = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char msg896[] = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                             "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";

static const char *sha256_hex(const char *msg)
{
    static char out[2 * SHA256_DIGEST_SIZE + 1];
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256(msg, strlen(msg), d);
    return hex_encode(out, d, sizeof(d));
}

static const char *sha512_hex(const char *msg)
{
    static char out[2 * SHA512_DIGEST_SIZE + 1];
    uint8_t d[SHA512_DIGEST_SIZE];
    sha512(msg, strlen(msg), d);
    return hex_encode(out, d, sizeof(d));
}

void test_sha256_vectors(void)
{
    CHECK_STR(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK_STR(sha256_hex(""),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK_STR(sha256_hex(msg448),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK_STR(sha256_hex(msg896),
              "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

void test_sha512_vectors(void)
{
    CHECK_STR(sha512_hex("abc"),
              "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
              "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    CHECK_STR(sha512_hex(""),
              "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
              "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e");
    CHECK_STR(sha512_hex(msg448),
              "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
              "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445");
    CHECK_STR(sha512_hex(msg896),
              "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
              "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909");
}

/* One million 'a', fed in chunks of 1, 2, ... 199 bytes so every offset in a block is crossed. */
void test_sha_million_a_streaming(void)
{
    static uint8_t a[200];
    struct sha256_ctx c256;
    struct sha512_ctx c512;
    uint8_t d256[SHA256_DIGEST_SIZE], d512[SHA512_DIGEST_SIZE];
    char hex[2 * SHA512_DIGEST_SIZE + 1];
    size_t done = 0, chunk = 1;

    memset(a, 'a', sizeof(a));
    sha256_init(&c256);
    sha512_init(&c512);
    while (done < 1000000) {
        size_t n = chunk < 1000000 - done ? chunk : 1000000 - done;
        sha256_update(&c256, a, n);
        sha512_update(&c512, a, n);
        done += n;
        chunk = chunk % 199 + 1;
    }
    sha256_final(&c256, d256);
    sha512_final(&c512, d512);
    CHECK_STR(hex_encode(hex, d256, sizeof(d256)),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    CHECK_STR(hex_encode(hex, d512, sizeof(d512)),
              "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
              "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b");
}

/* Streaming in pieces gives the one-shot digest for every length around the padding edges. */
void test_sha_split_matches_oneshot(void)
{
    uint8_t msg[300], whole[SHA512_DIGEST_SIZE], parts[SHA512_DIGEST_SIZE];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof(msg); len++) {
        size_t cut = len / 3;
        struct sha256_ctx c256;
        struct sha512_ctx c512;
        sha256(msg, len, whole);
        sha256_init(&c256);
        sha256_update(&c256, msg, cut);
        sha256_update(&c256, msg + cut, len - cut);
        sha256_final(&c256, parts);
        CHECK(memcmp(whole, parts, SHA256_DIGEST_SIZE) == 0);
        sha512(msg, len, whole);
        sha512_init(&c512);
        sha512_update(&c512, msg, cut);
        sha512_update(&c512, msg + cut, len - cut);
        sha512_final(&c512, parts);
        CHECK(memcmp(whole, parts, SHA512_DIGEST_SIZE) == 0);
    }
}
