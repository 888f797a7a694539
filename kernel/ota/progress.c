/*
 * The download-progress record (progress.h): two copies, sequence numbers
 * and CRCs, as bootstate.c keeps the boot state. Pure logic.
 */
#include <mote.h>
#include "progress.h"

#define CRC_LEN __builtin_offsetof(struct progress, crc)

void progress_clear(struct progress *p)
{
    uint32_t seq = p->seq;
    memset(p, 0, sizeof(*p));
    p->seq = seq;
}

__attribute__((noinline)) bool progress_valid(const struct progress *p)
{
    return p->magic == PROGRESS_MAGIC && p->format == PROGRESS_VERSION &&
           p->length == PROGRESS_SIZE && p->crc == crc32(p, CRC_LEN) &&
           p->phase <= PROGRESS_ENDED && p->slot <= SLOT_B && p->have <= p->size &&
           (p->phase != PROGRESS_ENDED || (p->status >= OTA_CONFIRMED && p->status <= OTA_CANCELLED)) &&
           !p->version[PROGRESS_VERSION_MAX - 1] && !p->reason[PROGRESS_REASON_MAX - 1];
}

int progress_load(const struct flash_io *io, struct progress *p)
{
    struct progress copy;
    int found = MOTE_ENOENT;
    memset(p, 0, sizeof(*p));
    for (int i = 0; i < 2; i++) {
        int err = io->read(io->ctx, (uint64_t)i * PROGRESS_COPY_STRIDE, &copy, sizeof(copy));
        if (err) {
            memset(p, 0, sizeof(*p));
            return err;
        }
        if (progress_valid(&copy) && (found || copy.seq > p->seq)) {
            *p = copy;
            found = 0;
        }
    }
    return found;
}

int progress_store(const struct flash_io *io, struct progress *p)
{
    p->magic = PROGRESS_MAGIC;
    p->format = PROGRESS_VERSION;
    p->length = PROGRESS_SIZE;
    p->seq++;
    p->crc = crc32(p, CRC_LEN);
    /* copies alternate by seq parity: the newest valid one is never overwritten */
    int err = io->write(io->ctx, (uint64_t)(p->seq & 1) * PROGRESS_COPY_STRIDE, p, sizeof(*p));
    if (err)
        p->seq--;   /* so that a retry goes over the same (older, maybe torn) copy again */
    return err;
}
