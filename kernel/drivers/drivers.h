/*
 * drivers/: device drivers. What the rest of the kernel uses: the board's
 * flash (flash.c, which also implements mote_flash_* for apps) and the
 * CSPRNG (random.c, mote_random). The drivers share the virtio transport,
 * virtio/virtio.h (virtio-blk, virtio-net, virtio-rng).
 */
#ifndef DRIVERS_DRIVERS_H
#define DRIVERS_DRIVERS_H

#include <stddef.h>
#include <stdint.h>

/* ---- flash.c ---- */
/*
 * mote_flash_write with the flush left to the caller (sync 0), and the
 * flush. The kernel's own writers (the update path: boot state, slots,
 * the system's persist records) use this: mote_flash_write is the app's
 * and refuses those ranges (storage/partition.c).
 */
int flash_write(uint64_t offset, const void *buf, size_t len, int sync);
int flash_sync(void);
/* Before first use: the driver's window (virtio/virtio.h, virtio_blk_read). */
void flash_set_window(size_t bytes);
/* Start reading there; before the scheduler only. */
int flash_prefetch(uint64_t offset);

/* ---- random.c: the CSPRNG behind mote_random (mote.h) ---- */
/* Mix data in without crediting it as entropy. Any context. */
void random_mix(const void *data, size_t len);

#endif
