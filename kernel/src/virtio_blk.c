/*
 * virtio-blk (virtio 1.x 5.2): the board's flash. One request queue, one
 * request at a time, every transfer copied through the driver's own DMA
 * pages so callers may pass buffers from anywhere (including stacks).
 */
#include "kernel.h"
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

#define BOUNCE_PAGES (VIRTIO_BLK_BOUNCE_SECTORS * VIRTIO_BLK_SECTOR / PAGE_SIZE)

static int threaded(void)
{
    return sched_running() && !sched_in_irq();
}

/*
 * Find the nth virtio-blk device, negotiate read-only / block size / flush,
 * set up queue 0, allocate the DMA pages, read capacity and block size.
 * Polls or sleeps like virtio_transfer(). MOTE_ENODEV if there is no such
 * device; on any other failure the device is marked FAILED.
 */
int virtio_blk_init(struct virtio_blk *blk, unsigned nth)
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
    blk->bounce = page_alloc(BOUNCE_PAGES);
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

/*
 * One request: header, optionally `len` bytes of blk->bounce, status byte.
 * Caller holds blk->lock (threads). MOTE_EIO if the device's status is not OK.
 */
static int blk_request(struct virtio_blk *blk, uint32_t type, uint64_t sector, uint32_t len)
{
    struct blk_req_hdr *hdr = (struct blk_req_hdr *)blk->req;
    volatile uint8_t *status = blk->req + BLK_STATUS_OFF;
    hdr->type = type;
    hdr->reserved = 0;
    hdr->sector = sector;
    *status = 0xff;
    struct virtio_buf bufs[3] = {{hdr, sizeof(*hdr), 0}};
    unsigned n = 1;
    if (len)
        bufs[n++] = (struct virtio_buf){blk->bounce, len, type == VIRTIO_BLK_T_IN};
    bufs[n++] = (struct virtio_buf){(void *)status, 1, 1};
    int err = virtio_transfer(&blk->dev, 0, bufs, n, 0);
    if (err)
        return err;
    if (*status != VIRTIO_BLK_S_OK) {
        printf("[mote] virtio-blk: request %u at sector %llu failed, status %u\n", type,
               (unsigned long long)sector, *status);
        return MOTE_EIO;
    }
    return 0;
}

static int range_ok(struct virtio_blk *blk, uint64_t sector, size_t nsectors)
{
    return blk->req && sector <= blk->sectors && nsectors <= blk->sectors - sector;
}

/* See virtio.h. Copies in chunks of VIRTIO_BLK_BOUNCE_SECTORS. */
int virtio_blk_read(struct virtio_blk *blk, uint64_t sector, void *buf, size_t nsectors)
{
    if (!range_ok(blk, sector, nsectors) || (!buf && nsectors))
        return MOTE_EINVAL;
    int locked = threaded();
    if (locked)
        mote_mutex_lock(&blk->lock);
    int err = 0;
    uint8_t *p = buf;
    while (nsectors && !err) {
        size_t n = nsectors < VIRTIO_BLK_BOUNCE_SECTORS ? nsectors : VIRTIO_BLK_BOUNCE_SECTORS;
        size_t bytes = n * VIRTIO_BLK_SECTOR;
        err = blk_request(blk, VIRTIO_BLK_T_IN, sector, (uint32_t)bytes);
        if (!err)
            memcpy(p, blk->bounce, bytes);
        p += bytes;
        sector += n;
        nsectors -= n;
    }
    if (locked)
        mote_mutex_unlock(&blk->lock);
    return err;
}

/* See virtio.h. The data may sit in the device's write cache until virtio_blk_flush(). */
int virtio_blk_write(struct virtio_blk *blk, uint64_t sector, const void *buf, size_t nsectors)
{
    if (!range_ok(blk, sector, nsectors) || (!buf && nsectors))
        return MOTE_EINVAL;
    if (blk->read_only)
        return MOTE_EPERM;
    int locked = threaded();
    if (locked)
        mote_mutex_lock(&blk->lock);
    int err = 0;
    const uint8_t *p = buf;
    while (nsectors && !err) {
        size_t n = nsectors < VIRTIO_BLK_BOUNCE_SECTORS ? nsectors : VIRTIO_BLK_BOUNCE_SECTORS;
        size_t bytes = n * VIRTIO_BLK_SECTOR;
        memcpy(blk->bounce, p, bytes);
        err = blk_request(blk, VIRTIO_BLK_T_OUT, sector, (uint32_t)bytes);
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
    int err = blk_request(blk, VIRTIO_BLK_T_FLUSH, 0, 0);
    if (locked)
        mote_mutex_unlock(&blk->lock);
    return err;
}
