/*
 * The download-progress record (progress.h). Serialized field by field,
 * little-endian, so the layout is the document's on any CPU. Pure logic.
 */
#include <mote.h>
#include "progress.h"

#define CRC_AT (PROGRESS_SIZE - 4)

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> 8 * i);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A NUL-padded text field: up to size - 1 bytes, NUL to the end. */
static void put_text(uint8_t *p, const char *s, size_t size)
{
    size_t n = strlen(s);
    n = n < size ? n : size - 1;
    memset(p, 0, size);
    memcpy(p, s, n);
}

static int get_text(char *s, const uint8_t *p, size_t size)
{
    size_t n = 0;
    while (n < size && p[n])
        n++;
    if (n == size)
        return MOTE_EINVAL;
    for (size_t i = n; i < size; i++)
        if (p[i])
            return MOTE_EINVAL;
    memcpy(s, p, n + 1);
    return 0;
}

void progress_encode(const struct progress *p, uint8_t out[PROGRESS_SIZE])
{
    memset(out, 0, PROGRESS_SIZE);
    put32(out, PROGRESS_MAGIC);
    out[4] = PROGRESS_VERSION;
    out[6] = PROGRESS_SIZE & 0xff;
    out[7] = PROGRESS_SIZE >> 8;
    put32(out + 8, p->seq);
    out[12] = p->phase;
    out[13] = p->slot;
    out[14] = p->status;
    put32(out + 16, p->job);
    put32(out + 20, p->size);
    put32(out + 24, p->have);
    put32(out + 28, p->counter);
    put32(out + 32, p->chunk);
    put32(out + 36, p->window);
    memcpy(out + 40, p->sha256, 32);
    put_text(out + 72, p->version, PROGRESS_VERSION_MAX);
    put_text(out + 104, p->reason, PROGRESS_REASON_MAX);
    put32(out + CRC_AT, crc32(out, CRC_AT));
}

int progress_decode(const uint8_t in[PROGRESS_SIZE], struct progress *p)
{
    memset(p, 0, sizeof(*p));
    struct progress r;
    memset(&r, 0, sizeof(r));
    r.seq = get32(in + 8);
    r.phase = in[12];
    r.slot = in[13];
    r.status = in[14];
    r.job = get32(in + 16);
    r.size = get32(in + 20);
    r.have = get32(in + 24);
    r.counter = get32(in + 28);
    r.chunk = get32(in + 32);
    r.window = get32(in + 36);
    memcpy(r.sha256, in + 40, 32);
    if (get32(in) != PROGRESS_MAGIC || in[4] != PROGRESS_VERSION || in[5] ||
        (in[6] | in[7] << 8) != PROGRESS_SIZE || get32(in + CRC_AT) != crc32(in, CRC_AT) ||
        r.phase > PROGRESS_ENDED || r.slot > SLOT_B || r.have > r.size ||
        (r.phase == PROGRESS_ENDED && (r.status < OTA_CONFIRMED || r.status > OTA_CANCELLED)) ||
        get_text(r.version, in + 72, PROGRESS_VERSION_MAX) ||
        get_text(r.reason, in + 104, PROGRESS_REASON_MAX))
        return MOTE_ENOENT;
    *p = r;
    return 0;
}

int progress_load(const struct flash_io *io, struct progress *p)
{
    uint8_t buf[PROGRESS_SIZE];
    struct progress copy;
    int best = 0;
    memset(p, 0, sizeof(*p));
    for (int i = 0; i < 2; i++) {
        int err = io->read(io->ctx, (uint64_t)i * PROGRESS_COPY_STRIDE, buf, sizeof(buf));
        if (err) {
            memset(p, 0, sizeof(*p));
            return err;
        }
        if (!progress_decode(buf, &copy) && (!best || copy.seq > p->seq)) {
            *p = copy;
            best = 1;
        }
    }
    return best ? 0 : MOTE_ENOENT;
}

int progress_store(const struct flash_io *io, struct progress *p)
{
    uint8_t buf[PROGRESS_SIZE];
    p->seq++;
    progress_encode(p, buf);
    /* copies alternate by seq parity: the newest valid one is never overwritten */
    int err = io->write(io->ctx, (uint64_t)(p->seq & 1) * PROGRESS_COPY_STRIDE, buf, sizeof(buf));
    if (err)
        p->seq--;   /* so that a retry goes over the same (older, maybe torn) copy again */
    return err;
}
