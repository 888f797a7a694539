/*
 * The virtio-mmio transport (virtio 1.x, 4.2.2 modern and 4.2.4 legacy
 * register layouts): finding devices in the board's windows, status and
 * feature negotiation, and the device config space. Virtqueues are in
 * ring.c.
 */
#include <hal/board.h>
#include <hal/cpu.h>
#include <core/core.h>
#include <mm/mm.h>
#include "mmio.h"
#include "virtio.h"

/* Window `n` of the board's virtio-mmio range; 0 if the board has none. */
static uintptr_t window_base(unsigned n)
{
    if (!board.virtio_base || n >= board.virtio_count)
        return 0;
    return board.virtio_base + (uintptr_t)n * board.virtio_stride;
}

/*
 * Fill `dev` from window `n`. Returns 0 if a device sits there, MOTE_ENODEV
 * if the window is empty (device id 0) or not virtio-mmio at all.
 */
int virtio_probe(unsigned n, struct virtio_dev *dev)
{
    uintptr_t base = window_base(n);
    if (!base)
        return MOTE_ENODEV;
    if (mmio_rd(base, VIRTIO_MMIO_MAGIC) != VIRTIO_MMIO_MAGIC_VALUE)
        return MOTE_ENODEV;
    uint32_t version = mmio_rd(base, VIRTIO_MMIO_VERSION);
    uint32_t id = mmio_rd(base, VIRTIO_MMIO_DEVICE_ID);
    if ((version != 1 && version != 2) || id == 0)
        return MOTE_ENODEV;
    memset(dev, 0, sizeof(*dev));
    dev->base = base;
    dev->window = n;
    dev->irq = board.virtio_irq + n;
    dev->version = version;
    dev->device_id = id;
    return 0;
}

/*
 * The `nth` device with id `id`, counting windows down from the last: QEMU
 * fills them from the last one down, so the first device on its command
 * line is found first, and at once (every empty window probed costs three
 * MMIO reads, slow under emulation, and the virt board has 32).
 */
int virtio_find(uint32_t id, unsigned nth, struct virtio_dev *dev)
{
    for (unsigned n = board.virtio_count; n-- > 0;) {
        if (virtio_probe(n, dev) == 0 && dev->device_id == id && nth-- == 0)
            return 0;
    }
    return MOTE_ENODEV;
}

static void status_set(struct virtio_dev *dev, uint32_t bits)
{
    mmio_wr(dev->base, VIRTIO_MMIO_STATUS, mmio_rd(dev->base, VIRTIO_MMIO_STATUS) | bits);
}

/* Write 0 to Status; a modern device says it is done by reading back 0. */
static void device_reset(struct virtio_dev *dev)
{
    mmio_wr(dev->base, VIRTIO_MMIO_STATUS, 0);
    for (int i = 0; i < 1000000 && mmio_rd(dev->base, VIRTIO_MMIO_STATUS) != 0; i++)
        ;
}

static uint64_t features_read(struct virtio_dev *dev)
{
    mmio_wr(dev->base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint64_t f = mmio_rd(dev->base, VIRTIO_MMIO_DEVICE_FEATURES);
    if (dev->version >= 2) {
        mmio_wr(dev->base, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
        f |= (uint64_t)mmio_rd(dev->base, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    }
    return f;
}

static void features_write(struct virtio_dev *dev, uint64_t f)
{
    mmio_wr(dev->base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    mmio_wr(dev->base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)f);
    if (dev->version >= 2) {
        mmio_wr(dev->base, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
        mmio_wr(dev->base, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)(f >> 32));
    }
}

/*
 * Spec 3.1.1 steps 1-6. A legacy device has no FEATURES_OK handshake and
 * only 32 feature bits; it gets the page size its queue PFNs are counted in.
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t wanted)
{
    device_reset(dev);
    status_set(dev, VIRTIO_STATUS_ACKNOWLEDGE);
    status_set(dev, VIRTIO_STATUS_DRIVER);
    uint64_t offered = features_read(dev);
    if (dev->version >= 2) {
        if (!(offered & (1ull << VIRTIO_F_VERSION_1)))
            goto err_refused;
        wanted |= 1ull << VIRTIO_F_VERSION_1;
    } else {
        wanted &= 0xffffffffull;
    }
    dev->features = offered & wanted;
    features_write(dev, dev->features);
    if (dev->version >= 2) {
        status_set(dev, VIRTIO_STATUS_FEATURES_OK);
        if (!(mmio_rd(dev->base, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
            goto err_refused;
    } else {
        mmio_wr(dev->base, VIRTIO_MMIO_GUEST_PAGE_SIZE, PAGE_SIZE);
    }
    return 0;

err_refused:
    status_set(dev, VIRTIO_STATUS_FAILED);
    return MOTE_EIO;
}

void virtio_ready(struct virtio_dev *dev)
{
    arch_mb();   /* queue memory is written before the device may look at it */
    status_set(dev, VIRTIO_STATUS_DRIVER_OK);
}

/* Tell the device we gave up on it, and free what virtio_queue_setup() allocated. */
void virtio_fail(struct virtio_dev *dev)
{
    status_set(dev, VIRTIO_STATUS_FAILED);
    device_reset(dev);
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        if (dev->queues[i])
            virtq_free(dev->queues[i]);
        dev->queues[i] = 0;
    }
}

/*
 * Config space reads. A modern device may change its config between the
 * two halves of a 64-bit field: the generation counter says to read again.
 */
uint32_t virtio_config_read32(struct virtio_dev *dev, unsigned off)
{
    return mmio_rd(dev->base, VIRTIO_MMIO_CONFIG + off);
}

uint64_t virtio_config_read64(struct virtio_dev *dev, unsigned off)
{
    uint32_t gen, lo, hi;
    do {
        gen = dev->version >= 2 ? mmio_rd(dev->base, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
        lo = virtio_config_read32(dev, off);
        hi = virtio_config_read32(dev, off + 4);
    } while (dev->version >= 2 && gen != mmio_rd(dev->base, VIRTIO_MMIO_CONFIG_GENERATION));
    return (uint64_t)hi << 32 | lo;
}
