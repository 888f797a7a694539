/*
 * Crash records in flash (docs/ota-protocol.md, "Crash records"): pure
 * logic over a struct flash_io whose offsets are relative to the crash
 * area, host-tested by cutting every write at every byte
 * (test/shell/test_crashrec.c), as the boot-state record is.
 *
 * Two copies of 4 KiB. A record is a 32-byte header and its text, written
 * in one write over the copy that holds nothing worth keeping (blank,
 * damaged or acknowledged) or else the older record, so a power cut during
 * it loses that record only. The last sector of each copy holds a 16-byte
 * state marker for the record of the same seq (seen at boot, acknowledged
 * by the server): changing state never rewrites the record.
 *
 * Header, little-endian: "MOCR", format 1 (2 bytes), header size 32 (2),
 * seq (4), text length (4), lost (2), flags (1), zero (1+8), CRC-32 of
 * bytes 0..27 and the text (4). Marker: "MOCS", seq (4), state (4), CRC-32
 * of bytes 0..11 (4).
 */
#include <lib/lib.h>
#include "shell.h"

#define REC_MAGIC 0x52434f4du    /* "MOCR" */
#define STATE_MAGIC 0x53434f4du  /* "MOCS" */

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, v); put16(p + 2, v >> 16); }
static uint32_t get16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t get32(const uint8_t *p) { return get16(p) | get16(p + 2) << 16; }

static uint64_t copy_off(unsigned copy)
{
    return (uint64_t)copy * CRASH_COPY_SIZE;
}

/* The state marker of copy `copy` if it is valid: its seq and state; else seq 0. */
static int state_load(const struct flash_io *io, unsigned copy, uint32_t *seq, uint32_t *state)
{
    uint8_t m[CRASH_STATE_SIZE];
    int err = io->read(io->ctx, copy_off(copy) + CRASH_STATE_OFFSET, m, sizeof(m));
    if (err)
        return err;
    int ok = get32(m) == STATE_MAGIC && get32(m + 12) == crc32(m, 12);
    *seq = ok ? get32(m + 4) : 0;
    *state = ok ? get32(m + 8) : 0;
    return 0;
}

/*
 * The record in copy `copy`: 1 and *ci if it is whole, 0 if there is none
 * (blank, cut short, damaged), or the flash's error.
 */
static int record_load(const struct flash_io *io, unsigned copy, struct crash_info *ci)
{
    uint8_t h[CRASH_HDR_SIZE], chunk[128];
    int err = io->read(io->ctx, copy_off(copy), h, sizeof(h));
    if (err)
        return err;
    uint32_t len = get32(h + 12);
    if (get32(h) != REC_MAGIC || get16(h + 4) != 1 || get16(h + 6) != CRASH_HDR_SIZE ||
        get32(h + 8) == 0 || len > CRASH_TEXT_MAX)
        return 0;
    uint32_t crc = crc32(h, 28);
    for (uint32_t at = 0; at < len; at += sizeof(chunk)) {
        uint32_t n = len - at < sizeof(chunk) ? len - at : sizeof(chunk);
        err = io->read(io->ctx, copy_off(copy) + CRASH_HDR_SIZE + at, chunk, n);
        if (err)
            return err;
        crc = crc32_update(crc, chunk, n);
    }
    if (crc != get32(h + 28))
        return 0;
    ci->seq = get32(h + 8);
    ci->text_len = len;
    ci->lost = (uint16_t)get16(h + 16);
    ci->flags = h[18];
    ci->copy = (uint8_t)copy;
    uint32_t sseq, state;
    err = state_load(io, copy, &sseq, &state);
    if (err)
        return err;
    ci->state = sseq == ci->seq ? (uint8_t)state : 0;
    return 1;
}

int crash_list(const struct flash_io *io, struct crash_info out[2])
{
    int n = 0;
    for (unsigned c = 0; c < 2; c++) {
        int r = record_load(io, c, &out[n]);
        if (r < 0)
            return r;
        n += r;
    }
    if (n == 2 && out[0].seq > out[1].seq) {
        struct crash_info t = out[0];
        out[0] = out[1];
        out[1] = t;
    }
    return n;
}

int crash_next(const struct flash_io *io, uint8_t *copy, uint32_t *seq, uint16_t *lost)
{
    struct crash_info ci[2];
    int n = crash_list(io, ci);
    if (n < 0)
        return n;
    /* never reuse a seq a marker may still name */
    uint32_t top = 0;
    for (unsigned c = 0; c < 2; c++) {
        uint32_t s, st;
        int err = state_load(io, c, &s, &st);
        if (err)
            return err;
        top = s > top ? s : top;
    }
    for (int i = 0; i < n; i++)
        top = ci[i].seq > top ? ci[i].seq : top;
    *seq = top + 1;
    *lost = 0;
    if (n < 2) {
        *copy = n == 0 || ci[0].copy == 1 ? 0 : 1;    /* the copy without a record */
        return 0;
    }
    const struct crash_info *victim = &ci[0];          /* the older */
    if (!(ci[0].state & CRASH_S_ACKED) && (ci[1].state & CRASH_S_ACKED))
        victim = &ci[1];
    *copy = victim->copy;
    if (!(victim->state & CRASH_S_ACKED))
        *lost = (uint16_t)(victim->lost + 1 < 0xffff ? victim->lost + 1 : 0xffff);
    return 0;
}

int crash_write(const struct flash_io *io, uint8_t copy, uint32_t seq, uint16_t lost,
                uint8_t flags, uint8_t *rec, size_t len)
{
    if (copy > 1 || seq == 0 || len > CRASH_TEXT_MAX)
        return MOTE_EINVAL;
    uint8_t *h = rec;
    memset(h, 0, CRASH_HDR_SIZE);
    put32(h, REC_MAGIC);
    put16(h + 4, 1);
    put16(h + 6, CRASH_HDR_SIZE);
    put32(h + 8, seq);
    put32(h + 12, (uint32_t)len);
    put16(h + 16, lost);
    h[18] = flags;
    put32(h + 28, crc32_update(crc32(h, 28), rec + CRASH_HDR_SIZE, len));
    return io->write(io->ctx, copy_off(copy), rec, CRASH_HDR_SIZE + len);
}

/* The record numbered seq: 0 and *ci, or MOTE_ENOENT. */
static int record_find(const struct flash_io *io, uint32_t seq, struct crash_info *ci)
{
    struct crash_info all[2];
    int n = crash_list(io, all);
    if (n < 0)
        return n;
    for (int i = 0; i < n; i++) {
        if (all[i].seq == seq) {
            *ci = all[i];
            return 0;
        }
    }
    return MOTE_ENOENT;
}

int crash_read(const struct flash_io *io, uint32_t seq, char *buf, size_t size)
{
    struct crash_info ci;
    int err = record_find(io, seq, &ci);
    if (err)
        return err;
    if (size == 0)
        return MOTE_EINVAL;
    size_t n = ci.text_len < size - 1 ? ci.text_len : size - 1;
    err = io->read(io->ctx, copy_off(ci.copy) + CRASH_HDR_SIZE, buf, n);
    if (err)
        return err;
    buf[n] = 0;
    return (int)n;
}

int crash_mark(const struct flash_io *io, uint32_t seq, unsigned state)
{
    struct crash_info ci;
    int err = record_find(io, seq, &ci);
    if (err)
        return err;
    if ((ci.state | state) == ci.state)
        return 0;                     /* nothing to write */
    uint8_t m[CRASH_STATE_SIZE];
    put32(m, STATE_MAGIC);
    put32(m + 4, seq);
    put32(m + 8, ci.state | state);
    put32(m + 12, crc32(m, 12));
    return io->write(io->ctx, copy_off(ci.copy) + CRASH_STATE_OFFSET, m, sizeof(m));
}

int crash_field(const char *text, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *end = strchr(text, '\n');
    if (!end)
        end = text + strlen(text);
    for (const char *p = text; p < end;) {
        const char *w = p;
        while (p < end && *p != ' ')
            p++;
        if ((size_t)(p - w) > klen && !strncmp(w, key, klen) && w[klen] == '=') {
            size_t n = (size_t)(p - w) - klen - 1;
            if (n >= size)
                n = size - 1;
            memcpy(buf, w + klen + 1, n);
            buf[n] = 0;
            return 0;
        }
        while (p < end && *p == ' ')
            p++;
    }
    return MOTE_ENOENT;
}
