/*
 * mote_flash_*: the board's flash for apps, as bytes. It is the first
 * virtio-blk device, brought up on first use; offsets and lengths need no
 * alignment (partial sectors are read, patched and written back).
 */
#include <core/core.h>
#include <shell/shell.h>
#include <storage/storage.h>
#include "drivers.h"
#include "virtio/virtio.h"

#define SECTOR VIRTIO_BLK_SECTOR

static struct virtio_blk flash;
static int flash_state;              /* 0: not probed yet, 1: up, < 0: the error */
static size_t flash_window = 16 * 1024;
static struct mote_mutex flash_lock = MOTE_MUTEX_INIT;

/*
 * No lock before the scheduler runs, nor while the kernel reports a crash
 * (kernel_emergency): IRQs are off for good then, and the crash record is
 * written by polling (virtio/ring.c), whoever held the lock.
 */
static void flash_lock_take(void)
{
    if (sched_running() && !kernel_emergency)
        mote_mutex_lock(&flash_lock);
}

static void flash_lock_give(void)
{
    if (sched_running() && !kernel_emergency)
        mote_mutex_unlock(&flash_lock);
}

/* Probe once; the caller holds flash_lock. Returns 0 or the (remembered) error. */
static int flash_open(void)
{
    if (flash_state == 0) {
        int err = virtio_blk_init(&flash, 0, flash_window);
        flash_state = err ? err : 1;
    }
    return flash_state < 0 ? flash_state : 0;
}

/*
 * The driver's window (virtio.h): the most one request moves, and how far
 * a read reads ahead. Apps keep 16 KiB of RAM for it; the bootloader, which
 * reads whole images, asks for more. Only before the flash's first use.
 */
void flash_set_window(size_t bytes)
{
    flash_window = bytes;
}

/* Take the lock, bring the flash up and check [offset, offset + len). */
static int flash_begin(uint64_t offset, const void *buf, size_t len)
{
    flash_lock_take();
    int err = flash_open();
    if (err)
        goto err_unlock;
    err = MOTE_EINVAL;
    uint64_t size = flash.sectors * SECTOR;
    if ((!buf && len) || offset > size || len > size - offset)
        goto err_unlock;
    return 0;

err_unlock:
    flash_lock_give();
    return err;
}

int mote_flash_size(uint64_t *bytes)
{
    if (!bytes)
        return MOTE_EINVAL;
    flash_lock_take();
    int err = flash_open();
    *bytes = err ? 0 : flash.sectors * SECTOR;
    flash_lock_give();
    return err;
}

/*
 * Bring the flash up and start reading its window at `offset` without
 * waiting (virtio_blk_prefetch): before the scheduler runs only.
 */
int flash_prefetch(uint64_t offset)
{
    int err = flash_begin(offset, 0, 0);
    if (err)
        return err;
    err = virtio_blk_prefetch(&flash, offset);
    flash_lock_give();
    return err;
}

/* Through the driver's window: nearby reads cost no further request. */
int mote_flash_read(uint64_t offset, void *buf, size_t len)
{
    int err = flash_begin(offset, buf, len);
    if (err)
        return err;
    err = virtio_blk_read(&flash, offset, buf, len);
    flash_lock_give();
    TRACE(TRACE_FLASH, EV_FLASH_READ, offset, err ? err : (int)len);
    return err;
}

/*
 * Whole sectors are written directly; a partial one is read, patched and
 * written back. Flushes before returning, so the data survives a power cut.
 */
int mote_flash_write(uint64_t offset, const void *buf, size_t len)
{
    if (partition_protected(offset, len))
        return MOTE_EPERM;      /* the update path's records and slots (storage/partition.c) */
    return flash_write(offset, buf, len, 1);
}

/*
 * mote_flash_write, with the device's write cache flushed at the end only
 * if `sync`. A stream of writes (the flasher's recovery mode) syncs once
 * per checkpoint with flash_sync() instead of after every frame.
 */
int flash_write(uint64_t offset, const void *buf, size_t len, int sync)
{
    int err = flash_begin(offset, buf, len);
    if (err)
        return err;
    uint8_t sec[SECTOR];
    const uint8_t *p = buf;
    size_t total = len;
    while (len && !err) {
        uint64_t lba = offset / SECTOR;
        size_t skip = offset % SECTOR, n;
        if (skip == 0 && len >= SECTOR) {
            n = len / SECTOR * SECTOR;
            err = virtio_blk_write(&flash, lba, p, n / SECTOR);
        } else {
            n = SECTOR - skip < len ? SECTOR - skip : len;
            err = virtio_blk_read(&flash, lba * SECTOR, sec, SECTOR);
            if (!err) {
                memcpy(sec + skip, p, n);
                err = virtio_blk_write(&flash, lba, sec, 1);
            }
        }
        p += n;
        offset += n;
        len -= n;
    }
    if (!err && sync)
        err = virtio_blk_flush(&flash);
    flash_lock_give();
    TRACE(TRACE_FLASH, EV_FLASH_WRITE, offset, err ? err : (int)total);
    return err;
}

/* Make every write so far durable. */
int flash_sync(void)
{
    flash_lock_take();
    int err = flash_open();
    if (!err)
        err = virtio_blk_flush(&flash);
    flash_lock_give();
    return err;
}
