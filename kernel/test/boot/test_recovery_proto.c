/*
 * The recovery protocol's codec: encoding, the byte-at-a-time decoder and
 * its recovery from damage, the message payloads, and golden vectors that
 * dev.mote.flasher.protocol's tests (FrameEncoderTest) hold the Java side
 * to, byte for byte. The vectors are also docs/flasher-protocol.md's worked
 * example.
 */
#include <stdint.h>
#include "check.h"
#include "hex.h"
#include <mote.h>
#include <boot/recovery_proto.h>
#include <lib/lib.h>
#include <update/bootstate.h>

#define GOLD_HELLO "0002010204064d5243560101010514206a6900"
#define GOLD_INFO \
    "0002810258064d524356010201010304080203010101020101010102400102300130202122232425262728292a" \
    "2b2c2d2e2f303132333435363738393a3b3c3d3e3f71656d752d766972742d61726d3634010101010101010101" \
    "0101010101010105fb1a07ee00"
#define GOLD_DATA "00020302080102300103dead03beef01060180ab47bd00"
#define GOLD_ACK "00028201010308300105b190e39500"
#define GOLD_NAK "0002830202010230010202050d078a3f00"
#define GOLD_END "000204010104680110051976fa5400"
#define GOLD_STATUS "0002840210020401011570726f66696c65206d69736d61746368af08825b00"
#define GOLD_ABORT "0002050101020c010105b56e146700"
#define GOLD_REBOOT "00020601010101010105eed64da300"
/* Longer frames: encoded size and the CRC-32 of the encoding. */
#define GOLD_BEGIN_LEN 272        /* BEGIN arg 0x100168, header[i] = i * 7 */
#define GOLD_BEGIN_CRC 0xf708a949u
#define GOLD_BIG_LEN 617          /* DATA arg 0x400, 600 bytes i & 0xff */
#define GOLD_BIG_CRC 0xb3d7580au
#define GOLD_RUN_LEN 316          /* DATA arg 0x11223344, 300 bytes 0x55 */
#define GOLD_RUN_CRC 0x11782e0au

static uint8_t enc[RPROTO_ENCODED_MAX(RPROTO_MAX_PAYLOAD) + 64];
static uint8_t rxbuf[RPROTO_RAW_SIZE(RPROTO_MAX_PAYLOAD)];
static uint8_t payload[RPROTO_MAX_PAYLOAD];

/* Encode f and compare with the golden hex. */
static int encodes_to(struct rproto_frame f, const char *hex)
{
    char got[2 * sizeof(enc) + 1];
    int n = rproto_encode(&f, enc, sizeof(enc));
    if (n < 0)
        return 0;
    hex_encode(got, enc, (size_t)n);
    if (strcmp(got, hex)) {
        fprintf(stderr, "  got  %s\n  want %s\n", got, hex);
        return 0;
    }
    return 1;
}

/* Feed bytes; returns the number of good frames, the last in *f, errors counted in *errs. */
static int feed_all(struct rproto_decoder *d, const uint8_t *p, size_t n, struct rproto_frame *f,
                    int *errs)
{
    int frames = 0;
    struct rproto_frame got;
    for (size_t i = 0; i < n; i++) {
        int r = rproto_decoder_feed(d, p[i], &got);
        if (r == 1) {
            frames++;
            *f = got;
        } else if (r < 0 && errs) {
            (*errs)++;
        }
    }
    return frames;
}

static struct rproto_info sample_info(void)
{
    struct rproto_info in = { .version = 1, .arch = 1, .max_payload = 1024, .window = 8,
                              .security_counter = 3, .active_slot = SLOT_A,
                              .target_slot = SLOT_B, .slot_size = 0x400000,
                              .resume_offset = 0x3000, .profile = "qemu-virt-arm64" };
    for (int i = 0; i < 32; i++)
        in.resume_hash[i] = (uint8_t)(0x20 + i);
    return in;
}

static uint32_t crc_of_encoding(struct rproto_frame f, int *len)
{
    *len = rproto_encode(&f, enc, sizeof(enc));
    return crc32(enc, (size_t)*len);
}

void test_rproto_golden_vectors(void)
{
    uint8_t p[RPROTO_INFO_SIZE + RPROTO_STATUS_TEXT_MAX];   /* room for any payload built here */
    struct rproto_hello h = { 1, 0 };
    rproto_hello_put(p, &h);
    CHECK(encodes_to(rproto_frame(RPROTO_HELLO, 0, RPROTO_MAGIC, p, RPROTO_HELLO_SIZE),
                     GOLD_HELLO));
    struct rproto_info in = sample_info();
    rproto_info_put(p, &in);
    CHECK(encodes_to(rproto_frame(RPROTO_INFO, 0, RPROTO_MAGIC, p, RPROTO_INFO_SIZE), GOLD_INFO));
    static const uint8_t bytes[] = { 0xde, 0xad, 0, 0xbe, 0xef, 0, 0, 1 };
    CHECK(encodes_to(rproto_frame(RPROTO_DATA, 0, 0x3000, bytes, sizeof(bytes)), GOLD_DATA));
    CHECK(encodes_to(rproto_frame(RPROTO_ACK, 0, 0x3008, 0, 0), GOLD_ACK));
    CHECK(encodes_to(rproto_nak(0x3000, RPROTO_NAK_GAP, p), GOLD_NAK));
    CHECK(encodes_to(rproto_frame(RPROTO_END, 0, 0x100168, 0, 0), GOLD_END));
    CHECK(encodes_to(rproto_status(RPROTO_SPROFILE, "profile mismatch", p), GOLD_STATUS));
    CHECK(encodes_to(rproto_frame(RPROTO_ABORT, 0, RPROTO_SABORTED, 0, 0), GOLD_ABORT));
    CHECK(encodes_to(rproto_frame(RPROTO_REBOOT, 0, 0, 0, 0), GOLD_REBOOT));

    int len;
    for (int i = 0; i < 256; i++)
        payload[i] = (uint8_t)(i * 7);
    CHECK(crc_of_encoding(rproto_frame(RPROTO_BEGIN, 0, 0x100168, payload, 256), &len) ==
          GOLD_BEGIN_CRC);
    CHECK(len == GOLD_BEGIN_LEN);
    for (int i = 0; i < 600; i++)
        payload[i] = (uint8_t)i;
    CHECK(crc_of_encoding(rproto_frame(RPROTO_DATA, 0, 0x400, payload, 600), &len) == GOLD_BIG_CRC);
    CHECK(len == GOLD_BIG_LEN);
    memset(payload, 0x55, 300);
    CHECK(crc_of_encoding(rproto_frame(RPROTO_DATA, 0, 0x11223344, payload, 300), &len) ==
          GOLD_RUN_CRC);
    CHECK(len == GOLD_RUN_LEN);
}

void test_rproto_golden_decode(void)
{
    static uint8_t wire[512];
    struct rproto_decoder d;
    struct rproto_frame f;
    struct rproto_info in;
    long n = hex_decode(wire, sizeof(wire), GOLD_INFO);
    rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
    CHECK(n > 0 && feed_all(&d, wire, (size_t)n, &f, 0) == 1);
    CHECK(rproto_info_get(&f, &in) == 0);
    CHECK(in.version == 1 && in.arch == 1 && in.max_payload == 1024 && in.window == 8);
    CHECK(in.security_counter == 3 && in.active_slot == 0 && in.target_slot == 1);
    CHECK(in.slot_size == 0x400000 && in.resume_offset == 0x3000 && in.resume_hash[31] == 0x3f);
    CHECK_STR(in.profile, "qemu-virt-arm64");

    n = hex_decode(wire, sizeof(wire), GOLD_DATA);
    CHECK(feed_all(&d, wire, (size_t)n, &f, 0) == 1);
    struct rproto_data dd;
    const uint8_t *bytes;
    CHECK(rproto_data_get(&f, &dd) == 0 && !dd.compressed);
    CHECK(rproto_data_expand(&dd, 0, 0, &bytes) == 0 && bytes == f.payload);
    CHECK(dd.offset == 0x3000 && dd.len == 8 && bytes[0] == 0xde && bytes[2] == 0 && bytes[7] == 1);

    n = hex_decode(wire, sizeof(wire), GOLD_STATUS);
    CHECK(feed_all(&d, wire, (size_t)n, &f, 0) == 1);
    CHECK(f.type == RPROTO_STATUS && f.arg == RPROTO_SPROFILE && f.len == 16);
    CHECK(!memcmp(f.payload, "profile mismatch", 16));
}

/* Encode, decode one byte at a time, and compare every field. */
static int round_trips(struct rproto_frame f, size_t cap)
{
    struct rproto_decoder d;
    struct rproto_frame got = { 0 };
    int n = rproto_encode(&f, enc, cap);
    if (n <= 0 || (size_t)n > RPROTO_ENCODED_MAX(f.len))
        return 0;
    for (int i = 1; i < n - 1; i++)
        if (!enc[i])
            return 0;                   /* COBS: no zero inside a frame */
    rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
    if (feed_all(&d, enc, (size_t)n, &got, 0) != 1)
        return 0;
    return got.type == f.type && got.flags == f.flags && got.arg == f.arg && got.len == f.len &&
           (!f.len || !memcmp(got.payload, f.payload, f.len));
}

void test_rproto_round_trip_every_type_and_size(void)
{
    static const uint8_t types[] = { RPROTO_HELLO, RPROTO_BEGIN, RPROTO_DATA, RPROTO_END,
                                     RPROTO_ABORT, RPROTO_REBOOT, RPROTO_INFO, RPROTO_ACK,
                                     RPROTO_NAK, RPROTO_STATUS };
    static const uint16_t sizes[] = { 0, 1, 2, 241, 242, 243, 253, 254, 255, 256, 507, 508,
                                      509, 1024, 2047, 4096 };
    for (size_t t = 0; t < sizeof(types); t++)
        CHECK(round_trips(rproto_frame(types[t], 0, 0x01020304u * (uint32_t)t, 0, 0),
                          RPROTO_ENCODED_MAX(0)));
    for (int pattern = 0; pattern < 4; pattern++) {
        for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
            for (size_t i = 0; i < sizes[s]; i++)
                payload[i] = pattern == 0 ? 0 : pattern == 1 ? 0xff
                           : pattern == 2 ? (uint8_t)i : (uint8_t)(i % 7 ? 0x5a : 0);
            struct rproto_frame f = rproto_frame(RPROTO_DATA, 0, 0xfffff000u, payload, sizes[s]);
            CHECK(round_trips(f, RPROTO_ENCODED_MAX(sizes[s])));  /* tightest buffer */
            CHECK(round_trips(f, sizeof(enc)));
        }
    }
}

void test_rproto_encode_limits(void)
{
    struct rproto_frame f = rproto_frame(RPROTO_DATA, 0, 0, payload, RPROTO_MAX_PAYLOAD + 1);
    CHECK(rproto_encode(&f, enc, sizeof(enc)) == MOTE_EINVAL);
    f.len = 100;
    CHECK(rproto_encode(&f, enc, RPROTO_ENCODED_MAX(100) - 1) == MOTE_ENOMEM);
    f.payload = 0;
    CHECK(rproto_encode(&f, enc, sizeof(enc)) == MOTE_EINVAL);
}

/* Two frames back to back; a damaged byte in the first costs only the first. */
void test_rproto_corrupt_byte_then_resync(void)
{
    static uint8_t wire[2 * RPROTO_ENCODED_MAX(64)];
    for (int i = 0; i < 64; i++)
        payload[i] = (uint8_t)(i + 1);
    struct rproto_frame a = rproto_frame(RPROTO_DATA, 0, 0, payload, 64);
    struct rproto_frame b = rproto_frame(RPROTO_DATA, 0, 64, payload, 64);
    int na = rproto_encode(&a, wire, RPROTO_ENCODED_MAX(64));
    int nb = rproto_encode(&b, wire + na, RPROTO_ENCODED_MAX(64));
    for (int at = 1; at < na - 1; at++) {
        for (int bit = 0; bit < 8; bit++) {
            uint8_t save = wire[at];
            wire[at] ^= (uint8_t)(1 << bit);
            struct rproto_decoder d;
            struct rproto_frame f;
            int errs = 0;
            rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
            int frames = feed_all(&d, wire, (size_t)(na + nb), &f, &errs);
            /* a byte turned into a delimiter may split the frame into two bad ones */
            CHECK(frames == 1 && f.arg == 64 && errs >= 1 && errs <= 2);
            wire[at] = save;
        }
    }
    /* a payload byte: exactly a CRC error */
    struct rproto_decoder d;
    struct rproto_frame f;
    rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
    wire[30] ^= 0x02;
    int r = 0;
    for (int i = 0; i < na; i++)
        r = rproto_decoder_feed(&d, wire[i], &f);
    CHECK(r == RPROTO_ECRC);
    wire[30] ^= 0x02;
}

void test_rproto_truncated_frame(void)
{
    static uint8_t wire[2 * RPROTO_ENCODED_MAX(300)];
    for (int i = 0; i < 300; i++)
        payload[i] = (uint8_t)(i * 3);
    struct rproto_frame a = rproto_frame(RPROTO_DATA, 0, 7, payload, 300);
    struct rproto_frame b = rproto_frame(RPROTO_ACK, 0, 9, 0, 0);
    int na = rproto_encode(&a, wire, sizeof(wire));
    int nb = rproto_encode(&b, enc, sizeof(enc));
    for (int cut = 2; cut < na - 1; cut++) {
        /* the first cut bytes of a, then b (whose leading delimiter ends the stub) */
        struct rproto_decoder d;
        struct rproto_frame f;
        int errs = 0;
        rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
        int frames = feed_all(&d, wire, (size_t)cut, &f, &errs);
        frames += feed_all(&d, enc, (size_t)nb, &f, &errs);
        CHECK(frames == 1 && f.type == RPROTO_ACK && f.arg == 9 && errs == 1);
    }
    /* a raw frame whose CRC is good but whose length field is not */
    uint8_t raw[16] = { RPROTO_ACK, 0, 5, 0, 1, 2, 3, 4 };
    uint32_t crc = crc32(raw, 8);
    memcpy(raw + 8, &crc, 4);           /* host tests run little-endian */
    uint8_t out[20];
    struct rproto_decoder d;
    struct rproto_frame f;
    rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
    int r = 0;
    rproto_decoder_feed(&d, 0, &f);
    /* hand-made COBS of 12 bytes */
    size_t n = 0, code_at = n++;
    uint8_t code = 1;
    for (int i = 0; i < 12; i++) {
        if (raw[i]) {
            out[n++] = raw[i];
            code++;
        } else {
            out[code_at] = code;
            code_at = n++;
            code = 1;
        }
    }
    out[code_at] = code;
    for (size_t i = 0; i < n; i++)
        r = rproto_decoder_feed(&d, out[i], &f);
    CHECK(r == 0);
    CHECK(rproto_decoder_feed(&d, 0, &f) == RPROTO_ELEN);
}

void test_rproto_oversize_frame(void)
{
    static uint8_t small[RPROTO_RAW_SIZE(256)];
    static uint8_t wire[RPROTO_ENCODED_MAX(1024) + RPROTO_ENCODED_MAX(0)];
    memset(payload, 0xa5, 1024);
    struct rproto_frame big = rproto_frame(RPROTO_DATA, 0, 0, payload, 1024);
    struct rproto_frame ok = rproto_frame(RPROTO_DATA, 0, 1024, payload, 256);
    int n = rproto_encode(&big, wire, RPROTO_ENCODED_MAX(1024));
    struct rproto_decoder d;
    struct rproto_frame f;
    rproto_decoder_init(&d, small, sizeof(small));
    int r = 0;
    for (int i = 0; i < n; i++)
        r = rproto_decoder_feed(&d, wire[i], &f);
    CHECK(r == RPROTO_ETOOBIG);
    n = rproto_encode(&ok, wire, sizeof(wire));
    CHECK(feed_all(&d, wire, (size_t)n, &f, 0) == 1 && f.arg == 1024 && f.len == 256);
}

void test_rproto_garbage_between_frames(void)
{
    static const char text[] = "[boot] entering recovery mode\r\n";
    static const uint8_t noise[] = { 0x00, 0x13, 0x00, 0x05, 0x41, 0x00, 0x00, 0x00, 0xff, 0x02 };
    struct rproto_decoder d;
    struct rproto_frame f;
    int errs = 0, frames = 0;
    rproto_decoder_init(&d, rxbuf, sizeof(rxbuf));
    /* console text before the first frame is dropped silently */
    frames += feed_all(&d, (const uint8_t *)text, sizeof(text) - 1, &f, &errs);
    struct rproto_frame ack = rproto_frame(RPROTO_ACK, 0, 0x800, 0, 0);
    int n = rproto_encode(&ack, enc, sizeof(enc));
    frames += feed_all(&d, enc, (size_t)n, &f, &errs);
    CHECK(frames == 1 && errs == 0 && f.arg == 0x800);
    /* noise between frames costs errors, never a frame */
    frames += feed_all(&d, noise, sizeof(noise), &f, &errs);
    frames += feed_all(&d, (const uint8_t *)text, sizeof(text) - 1, &f, &errs);
    ack.arg = 0x1000;
    n = rproto_encode(&ack, enc, sizeof(enc));
    frames += feed_all(&d, enc, (size_t)n, &f, &errs);
    CHECK(frames == 2 && f.arg == 0x1000 && errs == 3);
    /* delimiters alone are empty frames: nothing at all */
    static const uint8_t zeros[8];
    errs = 0;
    CHECK(feed_all(&d, zeros, sizeof(zeros), &f, &errs) == 0 && errs == 0);
}

void test_rproto_message_payloads(void)
{
    uint8_t p[RPROTO_INFO_SIZE + RPROTO_STATUS_TEXT_MAX];   /* room for any payload built here */
    struct rproto_info in = sample_info(), out;
    rproto_info_put(p, &in);
    struct rproto_frame f = rproto_frame(RPROTO_INFO, 0, RPROTO_MAGIC, p, RPROTO_INFO_SIZE);
    CHECK(rproto_info_get(&f, &out) == 0 && !memcmp(&in, &out, sizeof(in)));
    f.arg = 0;
    CHECK(rproto_info_get(&f, &out) == MOTE_EINVAL);            /* not MRCV */
    f.arg = RPROTO_MAGIC;
    f.len = RPROTO_INFO_SIZE - 1;
    CHECK(rproto_info_get(&f, &out) == MOTE_EINVAL);            /* short */
    f.len = RPROTO_INFO_SIZE;
    p[56] = 0;
    CHECK(rproto_info_get(&f, &out) == MOTE_EINVAL);            /* empty profile */
    p[56] = 'q';
    p[80] = 'x';
    CHECK(rproto_info_get(&f, &out) == MOTE_EINVAL);            /* junk after the NUL */

    struct rproto_hello h = { 1, 0 }, hg;
    rproto_hello_put(p, &h);
    f = rproto_frame(RPROTO_HELLO, 0, RPROTO_MAGIC, p, RPROTO_HELLO_SIZE);
    CHECK(rproto_hello_get(&f, &hg) == 0 && hg.version == 1 && hg.flags == 0);
    f.type = RPROTO_INFO;
    CHECK(rproto_hello_get(&f, &hg) == MOTE_EINVAL);

    uint32_t size;
    const uint8_t *hdr;
    struct rproto_data dd;
    f = rproto_frame(RPROTO_BEGIN, 0, 4096, payload, RPROTO_IMAGE_HEADER_SIZE);
    CHECK(rproto_begin_get(&f, &size, &hdr) == 0 && size == 4096 && hdr == payload);
    f.len = 255;
    CHECK(rproto_begin_get(&f, &size, &hdr) == MOTE_EINVAL);

    f = rproto_frame(RPROTO_DATA, 0x02, 0, payload, 10);
    CHECK(rproto_data_get(&f, &dd) == RPROTO_EUNSUPPORTED);
    f = rproto_frame(RPROTO_DATA, 0, UINT32_MAX - 5, payload, 10);
    CHECK(rproto_data_get(&f, &dd) == MOTE_EINVAL);
    f.arg = UINT32_MAX - 10;
    CHECK(rproto_data_get(&f, &dd) == 0 && dd.offset == UINT32_MAX - 10 && dd.len == 10);
    /* compressed: the u16 count, then the block (here: 3 literals "abc") */
    static const uint8_t z[] = { 3, 0, 0x30, 'a', 'b', 'c' };
    uint8_t unz[8];
    const uint8_t *bytes;
    f = rproto_frame(RPROTO_DATA, RPROTO_DATA_COMPRESSED, 0x100, z, sizeof(z));
    CHECK(rproto_data_get(&f, &dd) == 0 && dd.compressed && dd.offset == 0x100 && dd.len == 3);
    CHECK(dd.zlen == 4 && dd.bytes == z + 2);
    CHECK(rproto_data_expand(&dd, unz, sizeof(unz), &bytes) == 0 && bytes == unz);
    CHECK(!memcmp(unz, "abc", 3));
    CHECK(rproto_data_expand(&dd, unz, 2, &bytes) == RPROTO_EDATA);     /* count above cap */
    dd.len = 2;                                                          /* decodes to 3, not 2 */
    CHECK(rproto_data_expand(&dd, unz, sizeof(unz), &bytes) == RPROTO_EDATA);
    dd.len = 4;                                                          /* decodes to 3, not 4 */
    CHECK(rproto_data_expand(&dd, unz, sizeof(unz), &bytes) == RPROTO_EDATA);
    f.len = 2;                                                           /* a count and no block */
    CHECK(rproto_data_get(&f, &dd) == RPROTO_EDATA);
    static const uint8_t zero_count[] = { 0, 0, 0x00 };
    f = rproto_frame(RPROTO_DATA, RPROTO_DATA_COMPRESSED, 0, zero_count, sizeof(zero_count));
    CHECK(rproto_data_get(&f, &dd) == RPROTO_EDATA);
    static const uint8_t big_count[] = { 0xff, 0xff, 0x00 };
    f = rproto_frame(RPROTO_DATA, RPROTO_DATA_COMPRESSED, UINT32_MAX - 0xfffe, big_count, 3);
    CHECK(rproto_data_get(&f, &dd) == MOTE_EINVAL);                     /* offset + count overflows */

    static const char long_text[] = "0123456789012345678901234567890123456789012345678901234567"
                                    "890123456789012345678901234567890123456789012345678901234567"
                                    "890123456789012345678901234567890123456789012345678901234567"
                                    "8901234567890123456789";
    f = rproto_status(RPROTO_SHASH, long_text, p);
    CHECK(f.type == RPROTO_STATUS && f.arg == RPROTO_SHASH && f.len == RPROTO_STATUS_TEXT_MAX);
    f = rproto_status(RPROTO_SOK, 0, p);
    CHECK(f.len == 0);
    CHECK_STR(rproto_status_name(RPROTO_SOK), "ok");
    CHECK_STR(rproto_status_name(RPROTO_SDOWNGRADE), "downgrade");
    CHECK_STR(rproto_status_name(RPROTO_SABORTED), "aborted");
    CHECK_STR(rproto_status_name(99), "unknown");
}

/*
 * The device's reasons go out whole: the longest it makes (two 31-character
 * names in a profile mismatch) fits, where 64 bytes cut it to "device is qe".
 */
void test_rproto_status_carries_a_whole_reason(void)
{
    static const char why[] = "profile mismatch: image is for qemu-microvm-x86_64, device is qemu-virt-arm64";
    static const char longest[] = "profile mismatch: image is for aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa, device is "
                                  "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    uint8_t p[RPROTO_STATUS_TEXT_MAX];
    struct rproto_frame f = rproto_status(RPROTO_SPROFILE, why, p);
    CHECK(f.len == sizeof(why) - 1 && !memcmp(f.payload, why, sizeof(why) - 1));
    f = rproto_status(RPROTO_SPROFILE, longest, p);
    CHECK(f.len == sizeof(longest) - 1);
    /* and it fits a frame the device's encode buffer holds */
    CHECK(RPROTO_STATUS_TEXT_MAX >= 128 && RPROTO_STATUS_TEXT_MAX <= RPROTO_MAX_PAYLOAD);
}
