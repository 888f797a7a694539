/*
 * virtio-blk (virtio 1.x 5.2): the board's flash. One request queue, one
 * request at a time, every transfer copied through the driver's own DMA
 * pages (the window) so callers may pass buffers from anywhere (including
 * stacks). A read fills the whole window and later reads inside it are
 * served from RAM: under emulation each request costs far more than the
 * bytes it moves, and the bootloader reads the boot state, a header, its
 * signature block and the payload in small pieces that sit close together.
 */
#include <core/core.h>
#include <mm/mm.h>
#include "virtio.h"

#define VIRTIO_BLK_F_RO       5   /* read-only device */
#define VIRTIO_BLK_F_BLK_SIZE 6   /* config blk_size is valid */
#define VIRTIO_BLK_F_FLUSH    9   /* a write cache: VIRTIO_BLK_T_FLUSH works */

#define VIRTIO_BLK_T_IN    0
#define VIRTIO_BLK_T_OUT   1
#define VIRTIO_BLK_T_FLUSH 4

#define VIRTIO_BLK_S_OK 0

/* struct virtio_blk_config offsets */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_BLK_SIZE 20

#define BLK_QUEUE_SIZE 8       /* a request is 3 descriptors; we keep one in flight */
#define BLK_STATUS_OFF 64      /* the status byte's offset in blk->req */

struct blk_req_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
};

/* Locks only between threads; none while a crash is reported (ring.c polls then). */
static int threaded(void)
{
    return sched_running() && !sched_in_irq() && !kernel_emergency;
}

/*
 * Find the nth virtio-blk device, negotiate read-only / block size / flush,
 * set up queue 0, allocate the request page and a window of `window`
 * bytes (rounded up to pages), read capacity and block size. MOTE_ENODEV
 * if there is no such device; on any other failure the device is marked FAILED.
 */
int virtio_blk_init(struct virtio_blk *blk, unsigned nth, size_t window)
{
    memset(blk, 0, sizeof(*blk));
    struct virtio_dev *dev = &blk->dev;
    int err = virtio_find(VIRTIO_ID_BLOCK, nth, dev);
    if (err)
        return err;
    err = virtio_negotiate(dev, 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE |
                                    1ull << VIRTIO_BLK_F_FLUSH);
    if (err)
        goto err_fail;
    err = virtio_queue_setup(dev, 0, BLK_QUEUE_SIZE);
    if (err)
        goto err_fail;
    err = MOTE_ENOMEM;
    blk->req = page_alloc(1);
    if (!blk->req)
        goto err_fail;
    blk->window_pages = (window + PAGE_SIZE - 1) / PAGE_SIZE;
    blk->bounce = page_alloc(blk->window_pages);
    if (!blk->bounce)
        goto err_free_req;
    virtio_ready(dev);

    blk->sectors = virtio_config_read64(dev, BLK_CFG_CAPACITY);
    blk->block_size = VIRTIO_BLK_SECTOR;
    if (dev->features & (1ull << VIRTIO_BLK_F_BLK_SIZE))
        blk->block_size = virtio_config_read32(dev, BLK_CFG_BLK_SIZE);
    blk->read_only = !!(dev->features & (1ull << VIRTIO_BLK_F_RO));
    blk->can_flush = !!(dev->features & (1ull << VIRTIO_BLK_F_FLUSH));
    mote_mutex_init(&blk->lock);
    return 0;

err_free_req:
    page_free(blk->req, 1);
    blk->req = 0;
err_fail:
    virtio_fail(dev);
    return err;
}

/* Set up the request page for one request; fills bufs (3 at most) and returns how many. */
static unsigned req_setup(struct virtio_blk *blk, uint32_t type, uint64_t sector, uint32_t len,
                          struct virtio_buf bufs[3])
{
    struct blk_req_hdr *hdr = (struct blk_req_hdr *)blk->req;
    volatile uint8_t *status = blk->req + BLK_STATUS_OFF;
    hdr->type = type;
    hdr->reserved = 0;
    hdr->sector = sector;
    *status = 0xff;
    unsigned n = 0;
    bufs[n++] = (struct virtio_buf){hdr, sizeof(*hdr), 0};
    if (len)
        bufs[n++] = (struct virtio_buf){blk->bounce, len, type == VIRTIO_BLK_T_IN};
    bufs[n++] = (struct virtio_buf){(void *)status, 1, 1};
    return n;
}

/* The device's verdict on the request just completed: 0, or MOTE_EIO. */
static int req_status(struct virtio_blk *blk, uint32_t type, uint64_t sector)
{
    volatile uint8_t *status = blk->req + BLK_STATUS_OFF;
    if (*status == VIRTIO_BLK_S_OK)
        return 0;
    printf("[mote] virtio-blk: request %u at sector %llu failed, status %u\n", type,
           (unsigned long long)sector, *status);
    return MOTE_EIO;
}

/*
 * One request: header, optionally `len` bytes of blk->bounce, status byte.
 * Caller holds blk->lock (threads). MOTE_EIO if the device's status is not OK.
 * The window's contents are the caller's to record.
 */
static int blk_request(struct virtio_blk *blk, uint32_t type, uint64_t sector, uint32_t len)
{
    struct virtio_buf bufs[3];
    unsigned n = req_setup(blk, type, sector, len, bufs);
    int err = virtio_transfer(&blk->dev, 0, bufs, n, 0);
    return err ? err : req_status(blk, type, sector);
}

/* Sectors the window holds. */
static size_t window_sectors(struct virtio_blk *blk)
{
    return blk->window_pages * (PAGE_SIZE / VIRTIO_BLK_SECTOR);
}

/* A window's worth of sectors from `sector` on (less at the end of the device). */
static uint32_t window_span(struct virtio_blk *blk, uint64_t sector)
{
    uint64_t n = blk->sectors - sector;
    return (uint32_t)(n < window_sectors(blk) ? n : window_sectors(blk));
}

/* Wait for a read-ahead still under way and, if it worked, make it the window. */
static void fetch_done(struct virtio_blk *blk)
{
    if (!blk->fetching)
        return;
    blk->fetching = 0;
    if (!virtio_wait(&blk->dev, 0, blk->fetch_head, 0) &&
        !req_status(blk, VIRTIO_BLK_T_IN, blk->fetch_sector)) {
        blk->win_sector = blk->fetch_sector;
        blk->win_count = blk->fetch_count;
    }
}

/* See virtio.h. */
int virtio_blk_prefetch(struct virtio_blk *blk, uint64_t offset)
{
    uint64_t sector = offset / VIRTIO_BLK_SECTOR;
    if (!blk->req || blk->fetching || sched_running() || sector >= blk->sectors)
        return MOTE_EINVAL;
    struct virtio_buf bufs[3];
    uint32_t count = window_span(blk, sector);
    unsigned n = req_setup(blk, VIRTIO_BLK_T_IN, sector, count * VIRTIO_BLK_SECTOR, bufs);
    blk->win_count = 0;
    int err = virtio_start(&blk->dev, 0, bufs, n, &blk->fetch_head);
    if (!err) {
        blk->fetching = 1;
        blk->fetch_sector = sector;
        blk->fetch_count = count;
    }
    return err;
}

static int range_ok(struct virtio_blk *blk, uint64_t sector, size_t nsectors)
{
    return blk->req && sector <= blk->sectors && nsectors <= blk->sectors - sector;
}

/* Read a window's worth from `sector` on. */
static int window_fill(struct virtio_blk *blk, uint64_t sector)
{
    uint32_t n = window_span(blk, sector);
    blk->win_count = 0;
    int err = blk_request(blk, VIRTIO_BLK_T_IN, sector, n * VIRTIO_BLK_SECTOR);
    if (!err) {
        blk->win_sector = sector;
        blk->win_count = n;
    }
    return err;
}

/* See virtio.h: whatever is not in the window yet is fetched a window at a time. */
int virtio_blk_read(struct virtio_blk *blk, uint64_t offset, void *buf, size_t len)
{
    uint64_t size = blk->sectors * VIRTIO_BLK_SECTOR;
    if (!blk->req || (!buf && len) || offset > size || len > size - offset)
        return MOTE_EINVAL;
    int locked = threaded();
    if (locked)
        mote_mutex_lock(&blk->lock);
    fetch_done(blk);
    int err = 0;
    uint8_t *p = buf;
    while (len) {
        uint64_t sector = offset / VIRTIO_BLK_SECTOR;
        if (sector < blk->win_sector || sector >= blk->win_sector + blk->win_count) {
            err = window_fill(blk, sector);
            if (err)
                break;
        }
        uint64_t at = offset - blk->win_sector * VIRTIO_BLK_SECTOR;
        size_t n = blk->win_count * VIRTIO_BLK_SECTOR - at;
        if (n > len)
            n = len;
        memcpy(p, blk->bounce + at, n);
        p += n;
        offset += n;
        len -= n;
    }
    if (locked)
        mote_mutex_unlock(&blk->lock);
    return err;
}

/*
 * See virtio.h. The data may sit in the device's write cache until
 * virtio_blk_flush(). Afterwards the window holds the last chunk written.
 */
int virtio_blk_write(struct virtio_blk *blk, uint64_t sector, const void *buf, size_t nsectors)
{
    if (!range_ok(blk, sector, nsectors) || (!buf && nsectors))
        return MOTE_EINVAL;
    if (blk->read_only)
        return MOTE_EPERM;
    int locked = threaded();
    if (locked)
        mote_mutex_lock(&blk->lock);
    fetch_done(blk);
    int err = 0;
    const uint8_t *p = buf;
    while (nsectors && !err) {
        size_t n = nsectors < window_sectors(blk) ? nsectors : window_sectors(blk);
        size_t bytes = n * VIRTIO_BLK_SECTOR;
        memcpy(blk->bounce, p, bytes);
        blk->win_count = 0;
        err = blk_request(blk, VIRTIO_BLK_T_OUT, sector, (uint32_t)bytes);
        if (!err) {
            blk->win_sector = sector;
            blk->win_count = (uint32_t)n;
        }
        p += bytes;
        sector += n;
        nsectors -= n;
    }
    if (locked)
        mote_mutex_unlock(&blk->lock);
    return err;
}

int virtio_blk_flush(struct virtio_blk *blk)
{
    if (!blk->req)
        return MOTE_EINVAL;
    if (!blk->can_flush)
        return 0;
    int locked = threaded();
    if (locked)
        mote_mutex_lock(&blk->lock);
    fetch_done(blk);
    int err = blk_request(blk, VIRTIO_BLK_T_FLUSH, 0, 0);
    if (locked)
        mote_mutex_unlock(&blk->lock);
    return err;
}
