/*
 * virtio-rng (virtio 1.x 5.4): the device fills the buffers it is given
 * with entropy from the host. One request queue; each read is one
 * request through a DMA page, repeated until the caller has n bytes.
 */
#include <core/core.h>
#include <mm/mm.h>
#include "virtio.h"

static struct virtio_dev rng;
static uint8_t *rng_page;
static int rng_state;                /* 0: not probed, 1: up, < 0: the error */
static struct mote_mutex rng_lock = MOTE_MUTEX_INIT;

/* Probe and set up once; the caller holds rng_lock. */
static int rng_open(void)
{
    if (rng_state)
        return rng_state < 0 ? rng_state : 0;
    int err = virtio_find(VIRTIO_ID_RNG, 0, &rng);
    if (err)
        goto out;
    err = virtio_negotiate(&rng, 0);
    if (!err)
        err = virtio_queue_setup(&rng, 0, 4);
    if (!err && !(rng_page = page_alloc(1)))
        err = MOTE_ENOMEM;
    if (err) {
        virtio_fail(&rng);
        goto out;
    }
    virtio_ready(&rng);
out:
    rng_state = err ? err : 1;
    return err;
}

/* See virtio.h. */
int virtio_rng_read(void *buf, size_t n)
{
    int threads = sched_running() && !sched_in_irq();
    if (sched_in_irq())
        return MOTE_EINVAL;
    if (threads)
        mote_mutex_lock(&rng_lock);
    int err = rng_open();
    uint8_t *p = buf;
    while (!err && n) {
        uint32_t chunk = n < PAGE_SIZE ? (uint32_t)n : PAGE_SIZE, got = 0;
        struct virtio_buf b = {rng_page, chunk, 1};
        err = virtio_transfer(&rng, 0, &b, 1, &got);
        if (!err && got == 0)
            err = MOTE_EIO;
        if (got > chunk)
            got = chunk;
        if (!err) {
            memcpy(p, rng_page, got);
            memset(rng_page, 0, got);
            p += got;
            n -= got;
        }
    }
    if (threads)
        mote_mutex_unlock(&rng_lock);
    return err;
}
