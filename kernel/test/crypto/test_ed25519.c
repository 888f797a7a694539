/*
 * Ed25519 verification: the RFC 8032 section 7.1 vectors, tampered copies
 * of them, malformed S / A / R, signatures made by the openssl CLI
 * (test/vectors/openssl-ed25519.txt), and the precomputed base-point table.
 */
#include <stdint.h>
#include "check.h"
#include <crypto/crypto.h>
#include "hex.h"
#include <crypto/ge25519.h>

struct vector {
    const char *name, *pub, *msg, *sig;
};

static const struct vector rfc8032[] = {
    { "TEST 1",
      "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
      "",
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bac"
      "c61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b" },
    { "TEST 2",
      "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
      "72",
      "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e"
      "458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00" },
    { "TEST 3",
      "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
      "af82",
      "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290"
      "ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a" },
    { "TEST 1024",
      "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
      "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12"
      "ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe57"
      "38829adb26c81b37c93a1b270b20329d658675fc6ea534e0810a4432826bf58c941efb65d57a338b"
      "bd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe"
      "ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e06203b33890cc9b8"
      "32f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10"
      "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53"
      "f1d8ac70bdcb7ed185ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2"
      "d17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6"
      "079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f27088d78b7e883c8759d2c4f5c65adb7553"
      "878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2"
      "cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba"
      "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae078"
      "4504df543af8969be3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8"
      "fcffead94f3c7ca495e056a9b47acdb751fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301"
      "651339e22904cc8c42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8"
      "ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34dff7310fdc82aebfd9"
      "04b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7"
      "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a"
      "3ca8e1b939ae49e488acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3"
      "2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a4"
      "3dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5fb93246f6b1116398a346f1a641f3b041"
      "e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d9"
      "0d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d"
      "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef"
      "68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0",
      "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f45"
      "28ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03" },
    { "TEST SHA(abc)",
      "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
      "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a8"
      "36ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
      "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ec"
      "fdfbc7c66431e0303dca179c138ac17ad9bef1177331a704" },
};

#define NVEC (sizeof(rfc8032) / sizeof(rfc8032[0]))

/* A vector decoded to bytes; msg has room for one extra byte. */
struct decoded {
    uint8_t pub[32], sig[64], msg[1100];
    size_t len;
};

static void decode(struct decoded *d, const struct vector *v)
{
    long n = hex_decode(d->msg, sizeof(d->msg) - 1, v->msg);
    CHECK(hex_decode(d->pub, 32, v->pub) == 32);
    CHECK(hex_decode(d->sig, 64, v->sig) == 64);
    CHECK(n >= 0);
    d->len = n < 0 ? 0 : (size_t)n;
}

/* S + L and L, little-endian: both decode to the same point multiple as S and 0. */
static void add_order(uint8_t s[32], int keep)
{
    static const uint8_t order[32] = {
        0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
        0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x10,
    };
    unsigned carry = 0;
    for (int i = 0; i < 32; i++) {
        carry += (keep ? s[i] : 0) + order[i];
        s[i] = (uint8_t)carry;
        carry >>= 8;
    }
}

void test_ed25519_rfc8032(void)
{
    static struct decoded d;
    for (size_t i = 0; i < NVEC; i++) {
        decode(&d, &rfc8032[i]);
        int rc = ed25519_verify(d.sig, d.msg, d.len, d.pub);
        if (rc != 0)
            fprintf(stderr, "%s: ed25519_verify = %d\n", rfc8032[i].name, rc);
        CHECK(rc == 0);
    }
}

/* Any flipped bit of the signature, the message or the key must fail. */
void test_ed25519_tampered(void)
{
    static struct decoded d;
    for (size_t i = 0; i < NVEC; i++) {
        decode(&d, &rfc8032[i]);
        for (int bit = 0; bit < 512; bit += 3) {
            d.sig[bit / 8] ^= (uint8_t)(1 << (bit % 8));
            CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) < 0);
            d.sig[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        }
        for (size_t bit = 0; bit < 8 * d.len; bit += 8 * d.len / 16 + 1) {
            d.msg[bit / 8] ^= (uint8_t)(1 << (bit % 8));
            CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADSIG);
            d.msg[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        }
        d.msg[d.len] = 0; /* one byte longer */
        CHECK(ed25519_verify(d.sig, d.msg, d.len + 1, d.pub) == ED25519_EBADSIG);
        for (int bit = 0; bit < 256; bit += 5) {
            d.pub[bit / 8] ^= (uint8_t)(1 << (bit % 8));
            CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) < 0);
            d.pub[bit / 8] ^= (uint8_t)(1 << (bit % 8));
        }
        CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == 0);
    }
    /* A valid signature under another key. */
    static struct decoded other;
    decode(&other, &rfc8032[1]);
    decode(&d, &rfc8032[0]);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, other.pub) == ED25519_EBADSIG);
}

/* S >= L is refused even though [S + L]B = [S]B would satisfy the equation. */
void test_ed25519_rejects_large_s(void)
{
    static struct decoded d;
    decode(&d, &rfc8032[0]);
    add_order(d.sig + 32, 1);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADS);
    add_order(d.sig + 32, 0); /* S = L */
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADS);
    memset(d.sig + 32, 0xff, 32);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADS);
    /* L - 1 is in range: it gets past the S check (and fails the equation). */
    add_order(d.sig + 32, 0);
    d.sig[32] -= 1;
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADSIG);
}

/* Keys and R values that are not canonical encodings of curve points. */
void test_ed25519_rejects_bad_points(void)
{
    static struct decoded d;
    uint8_t bad[32];
    decode(&d, &rfc8032[0]);

    memset(bad, 0, sizeof(bad));
    bad[0] = 2; /* y = 2: (y^2 - 1)/(d y^2 + 1) is not a square */
    CHECK(ed25519_verify(d.sig, d.msg, d.len, bad) == ED25519_EBADKEY);
    memcpy(d.sig, bad, 32);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADR);

    decode(&d, &rfc8032[0]);
    memset(bad, 0xff, sizeof(bad));
    bad[0] = 0xee;
    bad[31] = 0x7f; /* y = p + 1: the point (0, 1) written non-canonically */
    CHECK(ed25519_verify(d.sig, d.msg, d.len, bad) == ED25519_EBADKEY);
    memcpy(d.sig, bad, 32);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADR);

    decode(&d, &rfc8032[0]);
    memset(bad, 0, sizeof(bad));
    bad[0] = 1;
    bad[31] = 0x80; /* y = 1 gives x = 0, which has no "negative" */
    CHECK(ed25519_verify(d.sig, d.msg, d.len, bad) == ED25519_EBADKEY);
    bad[31] = 0;    /* the identity itself decodes, but is the wrong R */
    memcpy(d.sig, bad, 32);
    CHECK(ed25519_verify(d.sig, d.msg, d.len, d.pub) == ED25519_EBADSIG);
}

/* Path of the vectors file, next to this source file (test/vectors/, relative to the kernel/ directory). */
static void vectors_path(char *out, size_t size)
{
    static const char file[] = "../vectors/openssl-ed25519.txt";
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__ + 1) : 0;
    CHECK(dir + sizeof(file) <= size);
    if (dir + sizeof(file) > size)
        dir = 0;
    memcpy(out, __FILE__, dir);
    memcpy(out + dir, file, sizeof(file));
}

/* Every record of vectors/openssl-ed25519.txt verifies, and key_id = SHA-256(pub). */
void test_ed25519_openssl(void)
{
    static char line[4096], name[32], value[4000];
    static uint8_t pub[32], key_id[32], sig[64], msg[1024], digest[32];
    char path[512];
    long len = -1;
    int records = 0;
    FILE *f;

    vectors_path(path, sizeof(path));
    f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (line[0] == '#' || sscanf(line, "%31s %3999s", name, value) != 2)
            continue;
        if (!strcmp(name, "pub")) {
            CHECK(hex_decode(pub, sizeof(pub), value) == 32);
        } else if (!strcmp(name, "key_id")) {
            CHECK(hex_decode(key_id, sizeof(key_id), value) == 32);
            sha256(pub, sizeof(pub), digest);
            CHECK(memcmp(digest, key_id, 32) == 0);
        } else if (!strcmp(name, "msg")) {
            len = hex_decode(msg, sizeof(msg), value);
            CHECK(len >= 0);
        } else if (!strcmp(name, "sig")) {
            CHECK(hex_decode(sig, sizeof(sig), value) == 64);
            CHECK(len >= 0 && ed25519_verify(sig, msg, (size_t)len, pub) == 0);
            msg[0] ^= 1;
            CHECK(ed25519_verify(sig, msg, (size_t)len, pub) == ED25519_EBADSIG);
            records++;
        }
    }
    fclose(f);
    CHECK(records == 2);
}

/* Print one field element as canonical limbs, the way ge25519_base.c holds them. */
static void print_fe(const struct fe25519 *f, const char *end)
{
    uint8_t b[32];
    struct fe25519 c;
    fe25519_to_bytes(b, f);
    fe25519_from_bytes(&c, b);
    printf("{ { 0x%013llx, 0x%013llx, 0x%013llx, 0x%013llx, 0x%013llx } }%s",
           (unsigned long long)c.l[0], (unsigned long long)c.l[1], (unsigned long long)c.l[2],
           (unsigned long long)c.l[3], (unsigned long long)c.l[4], end);
}

/*
 * The precomputed base-point table is [1..8]B computed from B's encoding.
 * On a mismatch it prints the initializer that belongs in ge25519_base.c.
 */
void test_ed25519_base_table(void)
{
    struct ge_cached tab[8];
    ge25519_base_compute(tab);
    int same = 1;
    for (int i = 0; i < 8; i++) {
        const struct fe25519 *got[4] = { &ge25519_base[i].ypx, &ge25519_base[i].ymx,
                                         &ge25519_base[i].z2, &ge25519_base[i].t2d };
        const struct fe25519 *want[4] = { &tab[i].ypx, &tab[i].ymx, &tab[i].z2, &tab[i].t2d };
        for (int j = 0; j < 4; j++) {
            uint8_t g[32], w[32];
            fe25519_to_bytes(w, want[j]);
            fe25519_to_bytes(g, got[j]);
            /* canonical limbs too: the table's values are used without reduction */
            same &= !memcmp(g, w, 32) && got[j]->l[0] >> 51 == 0 && got[j]->l[1] >> 51 == 0 &&
                    got[j]->l[2] >> 51 == 0 && got[j]->l[3] >> 51 == 0 && got[j]->l[4] >> 51 == 0;
        }
    }
    CHECK(same);
    if (same)
        return;
    printf("ge25519_base.c should hold:\n");
    for (int i = 0; i < 8; i++) {
        printf("    { /* %dB */\n        ", i + 1);
        print_fe(&tab[i].ypx, ",\n        ");
        print_fe(&tab[i].ymx, ",\n        ");
        print_fe(&tab[i].z2, ",\n        ");
        print_fe(&tab[i].t2d, "\n");
        printf("    },\n");
    }
}
