/*
 * The recovery protocol's codec (recovery_proto.h, docs/flasher-protocol.md):
 * frame encoding, a byte-at-a-time decoder for a polled UART, and the
 * payloads of the messages the device reads or writes. Pure logic; the
 * CRC is lib/crc32.c's crc32 (IEEE 802.3), the same one java.util.zip.CRC32
 * computes on the host.
 */
#include <mote.h>
#include <lib/lib.h>
#include "recovery_proto.h"

#define HUNT 1      /* decoder skip state: dropping bytes until the first delimiter */
#define OVERFLOW 2  /* decoder skip state: the frame outgrew the buffer */

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return get16(p) | (uint32_t)get16(p + 2) << 16;
}

struct rproto_frame rproto_frame(uint8_t type, uint8_t flags, uint32_t arg, const void *payload,
                                 uint16_t len)
{
    struct rproto_frame f = { type, flags, len, arg, payload };
    return f;
}

/*
 * COBS-encode src[0..n) into dst between two 0x00 delimiters; returns the
 * bytes written (at most n + n / 254 + 3). The output for input byte i
 * lands at or before dst + 2 + i + i / 254, so src may lie inside dst's
 * range as long as it starts at least n / 254 + 3 bytes after dst: every
 * byte is read before anything is written over it.
 */
static size_t cobs_wrap(const uint8_t *src, size_t n, uint8_t *dst)
{
    size_t w = 0, code_at;
    uint8_t code = 1;
    dst[w++] = 0;
    code_at = w++;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = src[i];
        if (b) {
            dst[w++] = b;
            code++;
        }
        if (!b || code == 0xff) {
            dst[code_at] = code;
            code_at = w++;
            code = 1;
        }
    }
    dst[code_at] = code;
    dst[w++] = 0;
    return w;
}

/*
 * Encode a frame (recovery_proto.h). The raw frame (header, payload, CRC)
 * is staged at the end of out so crc32 sees it contiguous, then COBS-encoded
 * forwards from the start of out (see cobs_wrap for why that is safe).
 */
int rproto_encode(const struct rproto_frame *f, uint8_t *out, size_t cap)
{
    if (f->len > RPROTO_MAX_PAYLOAD || (f->len && !f->payload))
        return MOTE_EINVAL;
    if (cap < RPROTO_ENCODED_MAX(f->len))
        return MOTE_ENOMEM;
    size_t raw_len = RPROTO_RAW_SIZE(f->len);
    uint8_t *raw = out + cap - raw_len;
    raw[0] = f->type;
    raw[1] = f->flags;
    put16(raw + 2, f->len);
    put32(raw + 4, f->arg);
    if (f->len)
        memcpy(raw + RPROTO_HEADER_SIZE, f->payload, f->len);
    put32(raw + RPROTO_HEADER_SIZE + f->len, crc32(raw, RPROTO_HEADER_SIZE + f->len));
    return (int)cobs_wrap(raw, raw_len, out);
}

void rproto_decoder_init(struct rproto_decoder *d, uint8_t *buf, size_t cap)
{
    d->buf = buf;
    d->cap = cap;
    d->len = 0;
    d->left = 0;
    d->code = 0;
    d->skip = HUNT;
}

/* Append a decoded byte; on overflow drop the rest of the frame. */
static void decoder_put(struct rproto_decoder *d, uint8_t b)
{
    if (d->len == d->cap) {
        d->skip = OVERFLOW;
        return;
    }
    d->buf[d->len++] = b;
}

/* A delimiter arrived: judge what was decoded since the previous one. */
static int decoder_finish(struct rproto_decoder *d, struct rproto_frame *f)
{
    if (d->skip == HUNT || (!d->skip && !d->code))
        return 0;                       /* start of stream, or an empty frame */
    if (d->skip == OVERFLOW)
        return RPROTO_ETOOBIG;
    if (d->left)
        return RPROTO_ECOBS;
    if (d->len < RPROTO_RAW_OVERHEAD)
        return RPROTO_ELEN;
    size_t body = d->len - RPROTO_CRC_SIZE;
    if (get32(d->buf + body) != crc32(d->buf, body))
        return RPROTO_ECRC;
    if (get16(d->buf + 2) != body - RPROTO_HEADER_SIZE)
        return RPROTO_ELEN;
    *f = rproto_frame(d->buf[0], d->buf[1], get32(d->buf + 4), d->buf + RPROTO_HEADER_SIZE,
                      get16(d->buf + 2));
    return 1;
}

/*
 * Feed one byte (recovery_proto.h). COBS: a code byte n says n - 1 data
 * bytes follow, then a 0x00 unless n is 0xff.
 */
int rproto_decoder_feed(struct rproto_decoder *d, uint8_t byte, struct rproto_frame *f)
{
    if (byte == 0) {
        int r = decoder_finish(d, f);
        d->len = 0;
        d->left = 0;
        d->code = 0;
        d->skip = 0;
        return r;
    }
    if (d->skip)
        return 0;
    if (d->left) {
        decoder_put(d, byte);
        d->left--;
        return 0;
    }
    if (d->code && d->code != 0xff)
        decoder_put(d, 0);              /* the zero the previous block stood for */
    d->code = byte;
    d->left = (uint8_t)(byte - 1);
    return 0;
}

void rproto_hello_put(uint8_t out[RPROTO_HELLO_SIZE], const struct rproto_hello *h)
{
    put16(out, h->version);
    put16(out + 2, h->flags);
}

int rproto_hello_get(const struct rproto_frame *f, struct rproto_hello *h)
{
    if (f->type != RPROTO_HELLO || f->arg != RPROTO_MAGIC || f->len < RPROTO_HELLO_SIZE)
        return MOTE_EINVAL;
    h->version = get16(f->payload);
    h->flags = get16(f->payload + 2);
    return 0;
}

void rproto_info_put(uint8_t out[RPROTO_INFO_SIZE], const struct rproto_info *in)
{
    memset(out, 0, RPROTO_INFO_SIZE);
    put16(out, in->version);
    put16(out + 2, in->arch);
    put16(out + 4, in->max_payload);
    out[6] = in->window;
    out[7] = in->flags;
    put32(out + 8, in->security_counter);
    out[12] = in->active_slot;
    out[13] = in->target_slot;
    put32(out + 16, in->slot_size);
    put32(out + 20, in->resume_offset);
    memcpy(out + 24, in->resume_hash, 32);
    size_t n = 0;
    while (n < 31 && in->profile[n])
        n++;
    memcpy(out + 56, in->profile, n);
}

/* A NUL-padded name field: 1..31 printable characters, then only NULs. */
static int name_ok(const uint8_t *p, size_t size)
{
    size_t n = 0;
    while (n < size && p[n] >= 0x20 && p[n] < 0x7f)
        n++;
    if (n == 0 || n == size)
        return 0;
    for (size_t i = n; i < size; i++)
        if (p[i])
            return 0;
    return 1;
}

int rproto_info_get(const struct rproto_frame *f, struct rproto_info *in)
{
    const uint8_t *p = f->payload;
    if (f->type != RPROTO_INFO || f->arg != RPROTO_MAGIC || f->len < RPROTO_INFO_SIZE ||
        !name_ok(p + 56, 32))
        return MOTE_EINVAL;
    in->version = get16(p);
    in->arch = get16(p + 2);
    in->max_payload = get16(p + 4);
    in->window = p[6];
    in->flags = p[7];
    in->security_counter = get32(p + 8);
    in->active_slot = p[12];
    in->target_slot = p[13];
    in->slot_size = get32(p + 16);
    in->resume_offset = get32(p + 20);
    memcpy(in->resume_hash, p + 24, 32);
    memcpy(in->profile, p + 56, 32);
    return 0;
}

int rproto_begin_get(const struct rproto_frame *f, uint32_t *size, const uint8_t **header)
{
    if (f->type != RPROTO_BEGIN || f->len != RPROTO_IMAGE_HEADER_SIZE)
        return MOTE_EINVAL;
    *size = f->arg;
    *header = f->payload;
    return 0;
}

int rproto_data_get(const struct rproto_frame *f, struct rproto_data *d)
{
    if (f->type != RPROTO_DATA)
        return MOTE_EINVAL;
    if (f->flags & ~RPROTO_DATA_COMPRESSED)
        return RPROTO_EUNSUPPORTED;
    d->compressed = f->flags & RPROTO_DATA_COMPRESSED;
    if (d->compressed) {
        if (f->len <= RPROTO_ZHEADER_SIZE || !get16(f->payload))
            return RPROTO_EDATA;
        d->len = get16(f->payload);
        d->bytes = f->payload + RPROTO_ZHEADER_SIZE;
        d->zlen = (uint16_t)(f->len - RPROTO_ZHEADER_SIZE);
    } else {
        d->len = f->len;
        d->bytes = f->payload;
        d->zlen = 0;
    }
    if (f->arg > UINT32_MAX - d->len)
        return MOTE_EINVAL;
    d->offset = f->arg;
    return 0;
}

int rproto_data_expand(const struct rproto_data *d, uint8_t *buf, size_t cap,
                       const uint8_t **out)
{
    if (!d->compressed) {
        *out = d->bytes;
        return 0;
    }
    if (d->len > cap || lz4_decode(d->bytes, d->zlen, buf, d->len) != d->len)
        return RPROTO_EDATA;
    *out = buf;
    return 0;
}

struct rproto_frame rproto_nak(uint32_t expected, uint16_t reason, uint8_t out[2])
{
    put16(out, reason);
    return rproto_frame(RPROTO_NAK, 0, expected, out, 2);
}

struct rproto_frame rproto_status(uint32_t code, const char *text,
                                  uint8_t out[RPROTO_STATUS_TEXT_MAX])
{
    size_t n = text ? strlen(text) : 0;
    if (n > RPROTO_STATUS_TEXT_MAX)
        n = RPROTO_STATUS_TEXT_MAX;
    if (n)
        memcpy(out, text, n);
    return rproto_frame(RPROTO_STATUS, 0, code, out, (uint16_t)n);
}

const char *rproto_status_name(uint32_t code)
{
    static const char *const names[] = {
        "ok", "unsupported protocol version", "bad state", "bad image header",
        "profile mismatch", "downgrade", "image too big", "flash error", "incomplete image",
        "bad signature", "hash mismatch", "unsupported", "aborted",
    };
    return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown";
}
