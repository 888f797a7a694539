/*
 * virtio-mmio registers (virtio 1.x spec 4.2.2; legacy-only ones 4.2.4) and
 * what mmio.c and ring.c share. Private to those two files.
 */
#ifndef VIRTIO_MMIO_H
#define VIRTIO_MMIO_H

#include <stdint.h>
#include "virtio.h"

#define VIRTIO_MMIO_MAGIC_VALUE 0x74726976u  /* "virt", little-endian */

#define VIRTIO_MMIO_MAGIC               0x000
#define VIRTIO_MMIO_VERSION             0x004  /* 1 legacy, 2 modern */
#define VIRTIO_MMIO_DEVICE_ID           0x008  /* 0: empty window */
#define VIRTIO_MMIO_VENDOR_ID           0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028  /* legacy */
#define VIRTIO_MMIO_QUEUE_SEL           0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034
#define VIRTIO_MMIO_QUEUE_NUM           0x038
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c  /* legacy */
#define VIRTIO_MMIO_QUEUE_PFN           0x040  /* legacy */
#define VIRTIO_MMIO_QUEUE_READY         0x044  /* modern */
#define VIRTIO_MMIO_QUEUE_NOTIFY        0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS    0x060
#define VIRTIO_MMIO_INTERRUPT_ACK       0x064
#define VIRTIO_MMIO_STATUS              0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080  /* modern: the three ring addresses */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_AVAIL_LOW     0x090
#define VIRTIO_MMIO_QUEUE_AVAIL_HIGH    0x094
#define VIRTIO_MMIO_QUEUE_USED_LOW      0x0a0
#define VIRTIO_MMIO_QUEUE_USED_HIGH     0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc  /* modern */
#define VIRTIO_MMIO_CONFIG              0x100  /* device-specific config space */

#define VIRTIO_STATUS_ACKNOWLEDGE 1u
#define VIRTIO_STATUS_DRIVER      2u
#define VIRTIO_STATUS_DRIVER_OK   4u
#define VIRTIO_STATUS_FEATURES_OK 8u
#define VIRTIO_STATUS_FAILED      128u

#define VIRTIO_INT_USED_BUFFER 1u
#define VIRTIO_INT_CONFIG      2u

/*
 * Plain 32-bit accesses with an immediate offset, which both the port's
 * device mapping and a hypervisor's MMIO decoding handle (the ports map the
 * windows uncached in arch_map_mmio()).
 */
static inline uint32_t mmio_rd(uintptr_t base, unsigned reg)
{
    return *(volatile uint32_t *)(base + reg);
}

static inline void mmio_wr(uintptr_t base, unsigned reg, uint32_t v)
{
    *(volatile uint32_t *)(base + reg) = v;
}

/* ring.c: free a queue's ring pages and the struct itself. */
void virtq_free(struct virtq *q);

#endif
