/*
 * Split virtqueues (virtio 1.x 2.7) on virtio-mmio, and waiting for the
 * device: polling before the scheduler runs, its interrupt afterwards.
 *
 * Memory: two zeroed pages per queue. Page 0 holds the descriptor table
 * (16 bytes each) and right after it the avail ring; page 1 the used ring.
 * That is exactly the legacy layout for QueueAlign = 4096 with at most
 * VIRTQ_MAX_SIZE entries, and a valid modern one, so both versions share it.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include "kernel.h"
#include "virtio.h"
#include "virtio_mmio.h"

#define VIRTQ_MAX_SIZE 128            /* 16*128 + 6 + 2*128 bytes fit in page 0 */
#define VIRTIO_TIMEOUT_MS 10000       /* a request the device never returns */
#define VIRTIO_RECHECK_MS 100         /* re-read the used ring even without an IRQ */

/* Largest power of two <= n (n >= 1). */
static uint16_t pow2_floor(uint32_t n)
{
    uint32_t p = 1;
    while (p * 2 <= n)
        p *= 2;
    return (uint16_t)p;
}

/* Tell the device where queue q's rings are, in the way its version expects. */
static void queue_register(struct virtio_dev *dev, struct virtq *q)
{
    uintptr_t desc = (uintptr_t)q->desc, avail = (uintptr_t)q->avail, used = (uintptr_t)q->used;
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_NUM, q->size);
    if (dev->version == 1) {
        mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_ALIGN, PAGE_SIZE);
        mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(desc / PAGE_SIZE));
        return;
    }
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)((uint64_t)desc >> 32));
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)avail);
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, (uint32_t)((uint64_t)avail >> 32));
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)used);
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_USED_HIGH, (uint32_t)((uint64_t)used >> 32));
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_READY, 1);
}

/*
 * After virtio_negotiate(), before virtio_ready(). The queue gets the
 * smallest of max_size, the device's QueueNumMax and VIRTQ_MAX_SIZE,
 * rounded down to a power of two. MOTE_ENODEV if the device has no such
 * queue, MOTE_EIO if it is already live, MOTE_ENOMEM.
 */
int virtio_queue_setup(struct virtio_dev *dev, unsigned index, uint16_t max_size)
{
    if (index >= VIRTIO_MAX_QUEUES || dev->queues[index] || max_size == 0)
        return MOTE_EINVAL;
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_SEL, index);
    uint32_t live = mmio_rd(dev->base, dev->version == 1 ? VIRTIO_MMIO_QUEUE_PFN
                                                         : VIRTIO_MMIO_QUEUE_READY);
    if (live)
        return MOTE_EIO;
    uint32_t num_max = mmio_rd(dev->base, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (num_max == 0)
        return MOTE_ENODEV;
    if (num_max > max_size)
        num_max = max_size;
    if (num_max > VIRTQ_MAX_SIZE)
        num_max = VIRTQ_MAX_SIZE;

    int err = MOTE_ENOMEM;
    struct virtq *q = malloc(sizeof(*q));
    if (!q)
        goto err_out;
    memset(q, 0, sizeof(*q));
    uint8_t *ring = page_alloc(2);
    if (!ring)
        goto err_free_q;
    q->index = index;
    q->size = pow2_floor(num_max);
    q->desc = (struct virtq_desc *)ring;
    q->avail = (struct virtq_avail *)(ring + 16u * q->size);
    q->used = (volatile struct virtq_used *)(ring + PAGE_SIZE);
    for (uint16_t i = 0; i < q->size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
    q->free_head = 0;
    q->nfree = q->size;
    mote_sem_init(&q->done, 0);
    mote_mutex_init(&q->lock);
    queue_register(dev, q);
    dev->queues[index] = q;
    return 0;

err_free_q:
    free(q);
err_out:
    return err;
}

void virtq_free(struct virtq *q)
{
    page_free(q->desc, 2);
    free(q);
}

/* Take n descriptors off the free list and chain them over bufs; returns the head. */
static uint16_t chain_add(struct virtq *q, const struct virtio_buf *bufs, unsigned n)
{
    uint16_t head = q->free_head, d = head;
    for (unsigned i = 0; i < n; i++) {
        struct virtq_desc *desc = &q->desc[d];
        desc->addr = (uint64_t)(uintptr_t)bufs[i].addr;
        desc->len = bufs[i].len;
        desc->flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) |
                                 (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        if (i + 1 < n)
            d = desc->next;
        else
            q->free_head = desc->next;
    }
    q->nfree = (uint16_t)(q->nfree - n);
    return head;
}

/* Put the chain starting at `head` back on the free list. */
static void chain_free(struct virtq *q, uint16_t head)
{
    uint16_t d = head;
    unsigned n = 1;
    while (q->desc[d].flags & VIRTQ_DESC_F_NEXT) {
        d = q->desc[d].next;
        n++;
    }
    q->desc[d].next = q->free_head;
    q->free_head = head;
    q->nfree = (uint16_t)(q->nfree + n);
}

/* Hand the chain to the device and ring its doorbell. */
static void chain_publish(struct virtio_dev *dev, struct virtq *q, uint16_t head)
{
    q->avail->ring[q->avail->idx & (q->size - 1)] = head;
    arch_mb();               /* descriptors and ring slot before the index */
    q->avail->idx++;
    arch_mb();               /* the index before the doorbell */
    mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

/* Pop one used element into *id, *len; 0 if the device has returned nothing new. */
static int used_pop(struct virtq *q, uint32_t *id, uint32_t *len)
{
    if (q->used->idx == q->last_used)
        return 0;
    arch_mb();               /* the index before the element it covers */
    volatile const struct virtq_used_elem *e = &q->used->ring[q->last_used & (q->size - 1)];
    *id = e->id;
    *len = e->len;
    q->last_used++;
    return 1;
}

/* The device's interrupt: acknowledge it and wake every queue's waiter to re-check. */
static void virtio_irq(void *arg)
{
    struct virtio_dev *dev = arg;
    uint32_t st = mmio_rd(dev->base, VIRTIO_MMIO_INTERRUPT_STATUS);
    mmio_wr(dev->base, VIRTIO_MMIO_INTERRUPT_ACK, st);
    if (!(st & VIRTIO_INT_USED_BUFFER))
        return;
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        if (dev->queues[i])
            mote_sem_post(&dev->queues[i]->done);
    }
}

/*
 * Wait for the chain `head` to come back. With `use_irq` sleep on the
 * queue's semaphore (re-checking every VIRTIO_RECHECK_MS in case an edge
 * was missed); otherwise spin on the used ring and acknowledge the
 * interrupt ourselves, so the line is quiet when a handler is attached later.
 */
static int chain_wait(struct virtio_dev *dev, struct virtq *q, uint16_t head, int use_irq,
                      uint32_t *written)
{
    uint64_t deadline = timer_now_ns() + (uint64_t)VIRTIO_TIMEOUT_MS * NS_PER_MS;
    uint32_t id, len;
    for (unsigned spins = 0;; spins++) {
        while (used_pop(q, &id, &len)) {
            chain_free(q, (uint16_t)id);
            if (id != head)
                continue;
            if (!use_irq) {
                uint32_t st = mmio_rd(dev->base, VIRTIO_MMIO_INTERRUPT_STATUS);
                if (st)
                    mmio_wr(dev->base, VIRTIO_MMIO_INTERRUPT_ACK, st);
            }
            if (written)
                *written = len;
            return 0;
        }
        if ((use_irq || spins % 4096 == 0) && timer_now_ns() >= deadline) {
            dev->broken = 1;
            printf("[mote] virtio: window %u queue %u: no answer in %u ms, giving up on it\n",
                   dev->window, q->index, VIRTIO_TIMEOUT_MS);
            return MOTE_ETIMEDOUT;
        }
        if (use_irq)
            mote_sem_wait(&q->done, VIRTIO_RECHECK_MS);
    }
}

/*
 * Threads wait by interrupt once the device's IRQ could be attached (done
 * here, on first use from a thread, so the bootloader never installs one);
 * before the scheduler runs, or from an IRQ handler, we poll.
 */
int virtio_transfer(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n,
                    uint32_t *written)
{
    struct virtq *q = qi < VIRTIO_MAX_QUEUES ? dev->queues[qi] : 0;
    if (!q || n == 0 || n > q->size)
        return MOTE_EINVAL;
    for (unsigned i = 0; i < n; i++) {
        if (!mem_dma_ok(bufs[i].addr, bufs[i].len))
            return MOTE_EINVAL;   /* e.g. a stack buffer: not at its physical address */
    }
    int threads = sched_running() && !sched_in_irq();
    if (threads)
        mote_mutex_lock(&q->lock);
    int err = MOTE_EIO;
    if (dev->broken)
        goto err_unlock;
    err = MOTE_EAGAIN;
    if (q->nfree < n)
        goto err_unlock;   /* only if an IRQ-context caller interrupted a thread's request */
    if (threads && dev->irq_state == 0)
        dev->irq_state = irq_attach(dev->irq, virtio_irq, dev) == 0 ? 1 : -1;
    if (threads && dev->irq_state == 1) {
        /* Drop posts of earlier requests that were already done when their caller looked. */
        while (mote_sem_wait(&q->done, 0) == 0)
            ;
    }
    uint16_t head = chain_add(q, bufs, n);
    chain_publish(dev, q, head);
    err = chain_wait(dev, q, head, threads && dev->irq_state == 1, written);

err_unlock:
    if (threads)
        mote_mutex_unlock(&q->lock);
    return err;
}
