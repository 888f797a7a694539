/*
 * The LZ4 block decoder (lib/lz4.c) and compressed DATA frames: the golden
 * vectors in vectors/lz4-blocks.txt, which the flasher's tests
 * (Lz4VectorsTest) hold lz4-java's compressor to, so what the flasher sends
 * is what the bootloader decodes; the malformed blocks listed there; and
 * every truncation, byte flips and random input, decoded into exactly sized
 * heap buffers so AddressSanitizer catches any read or write outside them.
 */
#include <stdint.h>
#include <stdlib.h>
#include "check.h"
#include "hex.h"
#include <lib/lib.h>
#include <boot/recovery_proto.h>
#include <mote.h>

#define MAX_VECTORS 32
#define MAX_BAD 32

struct vector {
    char name[32];
    uint8_t plain[RPROTO_MAX_PAYLOAD];
    long plain_len;
    uint8_t z[RPROTO_MAX_PAYLOAD + 64];    /* u16 count, then the block */
    long z_len;
    uint32_t frame_offset;
    uint8_t frame[RPROTO_ENCODED_MAX(RPROTO_MAX_PAYLOAD)];
    long frame_len;
};

struct bad {
    char name[32], error[16];
    size_t cap;
    uint8_t block[256];
    long len;
};

static struct vector vectors[MAX_VECTORS];
static struct bad bads[MAX_BAD];
static int nvectors, nbad;

/* test/vectors/lz4-blocks.txt, beside this folder (the tests run from kernel/). */
static int load(void)
{
    static char line[3 * RPROTO_ENCODED_MAX(RPROTO_MAX_PAYLOAD) + 64];
    static const char file[] = "../vectors/lz4-blocks.txt";
    char path[512];
    const char *slash = strrchr(__FILE__, '/');
    size_t dir = slash ? (size_t)(slash - __FILE__ + 1) : 0;
    if (nvectors)
        return 1;
    if (dir + sizeof(file) > sizeof(path))
        return 0;
    memcpy(path, __FILE__, dir);
    memcpy(path + dir, file, sizeof(file));
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    if (!f)
        return 0;
    struct vector *v = 0;
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\n")] = 0;
        char *sp = strchr(line, ' ');
        if (line[0] == '#' || !sp)
            continue;
        *sp = 0;
        char *val = sp + 1;
        if (!strcmp(line, "vector") && nvectors < MAX_VECTORS) {
            v = &vectors[nvectors++];
            snprintf(v->name, sizeof(v->name), "%s", val);
        } else if (!strcmp(line, "plain") && v) {
            v->plain_len = hex_decode(v->plain, sizeof(v->plain), val);
        } else if (!strcmp(line, "lz4") && v) {
            v->z_len = hex_decode(v->z, sizeof(v->z), val);
        } else if (!strcmp(line, "frame") && v) {
            char *hex = strchr(val, ' ');
            CHECK(hex != NULL);
            if (hex) {
                v->frame_offset = (uint32_t)strtoul(val, 0, 16);
                v->frame_len = hex_decode(v->frame, sizeof(v->frame), hex + 1);
            }
        } else if (!strcmp(line, "bad") && nbad < MAX_BAD) {
            struct bad *b = &bads[nbad++];
            char hex[600] = "";
            int got = sscanf(val, "%31s %15s %zu %599s", b->name, b->error, &b->cap, hex);
            CHECK(got >= 3);
            b->len = hex_decode(b->block, sizeof(b->block), hex);
        }
    }
    fclose(f);
    for (int i = 0; i < nvectors; i++)
        CHECK(vectors[i].plain_len > 0 && vectors[i].z_len > 2 && vectors[i].frame_len > 0);
    return nvectors > 0;
}

/* Decode src[0..n) into a fresh heap buffer of exactly cap bytes; *out gets a copy if out. */
static int decode_exact(const uint8_t *src, size_t n, size_t cap, uint8_t *out)
{
    uint8_t *in = malloc(n ? n : 1), *dst = malloc(cap ? cap : 1);
    if (n)
        memcpy(in, src, n);
    int r = lz4_decode(n ? in : 0, n, cap ? dst : 0, cap);
    if (r > 0 && out)
        memcpy(out, dst, (size_t)r);
    free(in);
    free(dst);
    return r;
}

static size_t count_of(const struct vector *v)
{
    return (size_t)(v->z[0] | v->z[1] << 8);
}

/* Every golden block decodes to its input, into a buffer of exactly that size; one byte less overflows. */
void test_lz4_golden_blocks(void)
{
    static uint8_t out[RPROTO_MAX_PAYLOAD];
    CHECK(load() && nvectors >= 8);
    for (int i = 0; i < nvectors; i++) {
        struct vector *v = &vectors[i];
        size_t n = (size_t)v->plain_len;
        CHECK(count_of(v) == n);
        int r = decode_exact(v->z + 2, (size_t)v->z_len - 2, n, out);
        CHECK(r == (int)n && !memcmp(out, v->plain, n));
        if (r != (int)n)
            fprintf(stderr, "  vector %s: %d\n", v->name, r);
        CHECK(decode_exact(v->z + 2, (size_t)v->z_len - 2, n - 1, 0) == LZ4_EOVERFLOW);
    }
}

/* The flasher's DATA frames for them decode, are compressed exactly when that is smaller, and expand to the input. */
void test_lz4_golden_frames(void)
{
    static uint8_t rx[RPROTO_RAW_SIZE(RPROTO_MAX_PAYLOAD)], unz[RPROTO_MAX_PAYLOAD];
    CHECK(load());
    for (int i = 0; i < nvectors; i++) {
        struct vector *v = &vectors[i];
        struct rproto_decoder d;
        struct rproto_frame f;
        struct rproto_data dd;
        const uint8_t *bytes = 0;
        int frames = 0;
        rproto_decoder_init(&d, rx, sizeof(rx));
        for (long k = 0; k < v->frame_len; k++)
            if (rproto_decoder_feed(&d, v->frame[k], &f) == 1)
                frames++;
        CHECK(frames == 1 && f.type == RPROTO_DATA && f.arg == v->frame_offset);
        CHECK(rproto_data_get(&f, &dd) == 0 && dd.offset == v->frame_offset);
        CHECK(dd.len == v->plain_len);
        CHECK(dd.compressed == (v->z_len < v->plain_len));
        if (dd.compressed)
            CHECK(f.len == v->z_len && !memcmp(f.payload, v->z, (size_t)v->z_len));
        CHECK(rproto_data_expand(&dd, unz, sizeof(unz), &bytes) == 0);
        CHECK(bytes && !memcmp(bytes, v->plain, (size_t)v->plain_len));
        /* re-encoding the frame gives the flasher's bytes */
        static uint8_t enc[RPROTO_ENCODED_MAX(RPROTO_MAX_PAYLOAD)];
        int n = rproto_encode(&f, enc, sizeof(enc));
        CHECK(n == v->frame_len && !memcmp(enc, v->frame, (size_t)n));
    }
}

static int error_code(const char *name)
{
    return !strcmp(name, "etrunc") ? LZ4_ETRUNC : !strcmp(name, "eoffset") ? LZ4_EOFFSET
         : !strcmp(name, "eoverflow") ? LZ4_EOVERFLOW : 1;
}

/* The malformed blocks fail with the error the file names. */
void test_lz4_malformed_blocks(void)
{
    CHECK(load() && nbad >= 8);
    for (int i = 0; i < nbad; i++) {
        struct bad *b = &bads[i];
        int r = decode_exact(b->block, (size_t)b->len, b->cap, 0);
        CHECK(b->len >= 0 && r == error_code(b->error));
        if (r != error_code(b->error))
            fprintf(stderr, "  bad %s: got %d, want %s\n", b->name, r, b->error);
    }
    uint8_t one;
    CHECK(lz4_decode((const uint8_t *)"\x10" "a", 2, &one, (size_t)1 << 31) == MOTE_EINVAL);
}

/*
 * Every prefix of every golden block: the decoder stays inside its buffers
 * (ASan), and the frame-level check refuses it (a prefix can be a valid
 * block by itself, but never of the stated size).
 */
void test_lz4_truncated_blocks(void)
{
    static uint8_t unz[RPROTO_MAX_PAYLOAD];
    CHECK(load());
    for (int i = 0; i < nvectors; i++) {
        struct vector *v = &vectors[i];
        size_t zn = (size_t)v->z_len - 2;
        for (size_t cut = 0; cut < zn; cut++) {
            int r = decode_exact(v->z + 2, cut, (size_t)v->plain_len, 0);
            CHECK(r < v->plain_len);
            uint8_t *z = malloc(2 + cut);
            memcpy(z, v->z, 2 + cut);
            struct rproto_frame f = rproto_frame(RPROTO_DATA, RPROTO_DATA_COMPRESSED, 0, z,
                                                 (uint16_t)(2 + cut));
            struct rproto_data dd;
            const uint8_t *bytes;
            int g = rproto_data_get(&f, &dd);
            CHECK(g == RPROTO_EDATA || (g == 0 && rproto_data_expand(&dd, unz, sizeof(unz), &bytes) ==
                                                      RPROTO_EDATA));
            free(z);
        }
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

/*
 * Byte flips in the golden blocks and blocks of random bytes (biased toward
 * tokens and length bytes that take the long paths): never outside the
 * buffers, never more than cap bytes, and a flip that still decodes to the
 * stated size is the only way past the frame-level check.
 */
void test_lz4_corrupt_and_random_blocks(void)
{
    static uint8_t buf[RPROTO_MAX_PAYLOAD + 64];
    CHECK(load());
    for (int i = 0; i < nvectors; i++) {
        struct vector *v = &vectors[i];
        size_t zn = (size_t)v->z_len - 2;
        for (int k = 0; k < 400; k++) {
            memcpy(buf, v->z + 2, zn);
            int flips = 1 + (int)(next() % 3);
            for (int j = 0; j < flips; j++)
                buf[next() % zn] ^= (uint8_t)(1u << (next() % 8));
            size_t cap = (size_t)v->plain_len;
            int r = decode_exact(buf, zn, cap, 0);
            CHECK(r <= (int)cap);
        }
    }
    static const uint8_t biased[] = { 0x00, 0x0f, 0xf0, 0xff, 0x1f, 0xf1, 0x01, 0x10 };
    for (int k = 0; k < 20000; k++) {
        size_t n = next() % 64, cap = next() % 300;
        for (size_t j = 0; j < n; j++)
            buf[j] = next() % 2 ? biased[next() % sizeof(biased)] : (uint8_t)next();
        int r = decode_exact(buf, n, cap, 0);
        CHECK(r <= (int)cap && (r >= 0 || r == LZ4_ETRUNC || r == LZ4_EOFFSET ||
                                r == LZ4_EOVERFLOW));
    }
}
