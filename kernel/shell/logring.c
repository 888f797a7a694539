/*
 * The log ring: variable-length records in a byte ring, the oldest dropped
 * to make room, each numbered so a reader (the `log` command, the MQTT log
 * shipper) can carry on from where it stopped and see what it missed.
 * Pure logic, host-tested (test/shell/test_logring.c).
 *
 * A record: level (1 byte), text length (1), uptime in ms (8, little-endian),
 * then the text; it may wrap around the end of the buffer.
 */
#include <lib/lib.h>
#include "shell.h"

#define REC_HDR 10

void logring_init(struct log_ring *r, void *buf, size_t cap)
{
    r->buf = buf;
    r->cap = (uint32_t)cap;
    r->head = r->tail = r->used = 0;
    r->first_seq = r->next_seq = 1;
}

static void ring_copy_in(struct log_ring *r, uint32_t at, const void *src, size_t n)
{
    const uint8_t *s = src;
    for (size_t i = 0; i < n; i++)
        r->buf[(at + i) % r->cap] = s[i];
}

static void ring_copy_out(const struct log_ring *r, uint32_t at, void *dst, size_t n)
{
    uint8_t *d = dst;
    for (size_t i = 0; i < n; i++)
        d[i] = r->buf[(at + i) % r->cap];
}

/* The size of the record starting at `at`. */
static uint32_t rec_size(const struct log_ring *r, uint32_t at)
{
    return REC_HDR + r->buf[(at + 1) % r->cap];
}

void logring_put(struct log_ring *r, uint64_t t_ms, int level, const char *text, size_t len)
{
    if (len > LOG_TEXT_MAX)
        len = LOG_TEXT_MAX;
    uint32_t need = REC_HDR + (uint32_t)len;
    if (need > r->cap)
        return;
    while (r->cap - r->used < need) {     /* drop the oldest */
        uint32_t n = rec_size(r, r->tail);
        r->tail = (r->tail + n) % r->cap;
        r->used -= n;
        r->first_seq++;
    }
    uint8_t hdr[REC_HDR];
    hdr[0] = (uint8_t)level;
    hdr[1] = (uint8_t)len;
    for (int i = 0; i < 8; i++)
        hdr[2 + i] = (uint8_t)(t_ms >> (8 * i));
    ring_copy_in(r, r->head, hdr, REC_HDR);
    ring_copy_in(r, (r->head + REC_HDR) % r->cap, text, len);
    r->head = (r->head + need) % r->cap;
    r->used += need;
    r->next_seq++;
}

int logring_get(const struct log_ring *r, uint64_t seq, struct log_rec *out)
{
    if (seq < r->first_seq)
        seq = r->first_seq;
    if (seq >= r->next_seq)
        return MOTE_ENOENT;
    uint32_t at = r->tail;
    for (uint64_t s = r->first_seq; s < seq; s++)
        at = (at + rec_size(r, at)) % r->cap;
    uint8_t hdr[REC_HDR];
    ring_copy_out(r, at, hdr, REC_HDR);
    out->seq = seq;
    out->level = hdr[0];
    out->len = hdr[1];
    out->t_ms = 0;
    for (int i = 7; i >= 0; i--)
        out->t_ms = out->t_ms << 8 | hdr[2 + i];
    ring_copy_out(r, (at + REC_HDR) % r->cap, out->text, out->len);
    out->text[out->len] = 0;
    return 0;
}

char log_level_char(int level)
{
    return level >= MOTE_LOG_ERROR && level <= MOTE_LOG_DEBUG ? "EWID"[level - MOTE_LOG_ERROR] : '?';
}

int log_format(const struct log_rec *rec, char *buf, size_t size)
{
    return snprintf(buf, size, "%llu.%03u %c %s", (unsigned long long)(rec->t_ms / 1000),
                    (unsigned)(rec->t_ms % 1000), log_level_char(rec->level), rec->text);
}
