/*
 * Split virtqueues (virtio 1.x 2.7) on virtio-mmio, and waiting for the
 * device's interrupt: idling the CPU before the scheduler runs, sleeping
 * on a semaphore afterwards.
 *
 * Memory: two zeroed pages per queue. Page 0 holds the descriptor table
 * (16 bytes each) and right after it the avail ring; page 1 the used ring.
 * That is exactly the legacy layout for QueueAlign = 4096 with at most
 * VIRTQ_MAX_SIZE entries, and a valid modern one, so both versions share it.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include <core/core.h>
#include <mm/mm.h>
#include "mmio.h"
#include "virtio.h"

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

    struct virtq *q = &dev->vqs[index];
    memset(q, 0, sizeof(*q));
    uint8_t *ring = page_alloc(2);
    if (!ring)
        return MOTE_ENOMEM;
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
}

void virtq_free(struct virtq *q)
{
    page_free(q->desc, 2);
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

/*
 * The device's interrupt: acknowledge it, then run the driver's hook
 * (virtio_irq_hook) or wake every queue's waiter to re-check.
 */
static void virtio_irq(void *arg)
{
    struct virtio_dev *dev = arg;
    uint32_t st = mmio_rd(dev->base, VIRTIO_MMIO_INTERRUPT_STATUS);
    mmio_wr(dev->base, VIRTIO_MMIO_INTERRUPT_ACK, st);
    if (!(st & VIRTIO_INT_USED_BUFFER))
        return;
    if (dev->hook) {
        dev->hook(dev->hook_arg);
        return;
    }
    for (unsigned i = 0; i < VIRTIO_MAX_QUEUES; i++) {
        if (dev->queues[i])
            mote_sem_post(&dev->queues[i]->done);
    }
}

/* How chain_wait waits (see virtio_transfer). */
enum wait_how { WAIT_SPIN, WAIT_IDLE, WAIT_SLEEP };

/*
 * Wait for the chain `head` to come back. WAIT_SLEEP sleeps on the queue's
 * semaphore (re-checking every VIRTIO_RECHECK_MS in case an edge was
 * missed); WAIT_IDLE sleeps the CPU until the device's interrupt, or the
 * timer armed for the timeout, is pending (and spins while the clock cannot
 * arm the timer yet: hal/timer.h); WAIT_SPIN spins on the used ring.
 * Without WAIT_SLEEP we acknowledge the interrupt ourselves, so the line is
 * quiet for the next request.
 */
static int chain_wait(struct virtio_dev *dev, struct virtq *q, uint16_t head, enum wait_how how,
                      uint32_t *written)
{
    uint64_t deadline = timer_now_ns() + (uint64_t)VIRTIO_TIMEOUT_MS * NS_PER_MS;
    uint32_t id, len;
    for (unsigned spins = 0;; spins++) {
        while (used_pop(q, &id, &len)) {
            chain_free(q, (uint16_t)id);
            if (id != head)
                continue;
            if (how != WAIT_SLEEP) {
                uint32_t st = mmio_rd(dev->base, VIRTIO_MMIO_INTERRUPT_STATUS);
                if (st)
                    mmio_wr(dev->base, VIRTIO_MMIO_INTERRUPT_ACK, st);
            }
            if (written)
                *written = len;
            return 0;
        }
        if ((how != WAIT_SPIN || spins % 4096 == 0) && timer_now_ns() >= deadline) {
            dev->broken = 1;
            printf("[mote] virtio: window %u queue %u: no answer in %u ms, giving up on it\n",
                   dev->window, q->index, VIRTIO_TIMEOUT_MS);
            return MOTE_ETIMEDOUT;
        }
        if (how == WAIT_SLEEP) {
            mote_sem_wait(&q->done, VIRTIO_RECHECK_MS);
        } else if (how == WAIT_IDLE) {
            if (timer_set_deadline(deadline))
                how = WAIT_SPIN;    /* no timer yet to end the sleep (hal/timer.h) */
            else
                arch_wait_irq();
        }
    }
}

/*
 * While a crash is reported (kernel_emergency): a request a thread had in
 * flight when the CPU stopped scheduling still belongs to the device, and
 * its chain must come back before ours goes out (the driver's one request
 * page is shared). Spin until every descriptor is free, or the timeout.
 */
static void drain(struct virtio_dev *dev, struct virtq *q)
{
    uint64_t deadline = timer_now_ns() + (uint64_t)VIRTIO_TIMEOUT_MS * NS_PER_MS;
    uint32_t id, len;
    while (q->nfree < q->size && timer_now_ns() < deadline) {
        while (used_pop(q, &id, &len))
            chain_free(q, (uint16_t)id);
    }
    virtio_irq_ack(dev);
}

/* Queue qi of dev, if the n buffers can go to it (all DMA-able); else 0. */
static struct virtq *queue_for(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs,
                               unsigned n)
{
    struct virtq *q = qi < VIRTIO_MAX_QUEUES ? dev->queues[qi] : 0;
    if (!q || n == 0 || n > q->size)
        return 0;
    for (unsigned i = 0; i < n; i++) {
        if (!mem_dma_ok(bufs[i].addr, bufs[i].len))
            return 0;   /* e.g. a stack buffer: not at its physical address */
    }
    return q;
}

/*
 * Hand the chain to the device; *how says how to wait for it. The device's
 * IRQ is attached on the first request made outside an interrupt handler,
 * before the request goes out (an x86 IOAPIC pin is edge-triggered: an edge
 * while it is still masked is lost). Threads then sleep on the queue's
 * semaphore; before the scheduler runs (the bootloader, early boot) the CPU
 * idles until the interrupt instead of spinning: under emulation a spinning
 * vCPU keeps the host CPU from the thread that completes the request, which
 * cost milliseconds per request. From an IRQ handler, or without an IRQ, we
 * spin. Caller holds q->lock (threads).
 */
static int submit(struct virtio_dev *dev, struct virtq *q, const struct virtio_buf *bufs,
                  unsigned n, enum wait_how *how, uint16_t *head)
{
    int in_irq = sched_in_irq() || kernel_emergency;
    if (dev->broken)
        return MOTE_EIO;
    if (kernel_emergency)
        drain(dev, q);
    if (q->nfree < n)
        return MOTE_EAGAIN;   /* only if an IRQ-context caller interrupted a thread's request */
    if (!in_irq && dev->irq_state == 0)
        dev->irq_state = irq_attach(dev->irq, virtio_irq, dev) == 0 ? 1 : -1;
    *how = in_irq || dev->irq_state != 1 ? WAIT_SPIN : sched_running() ? WAIT_SLEEP : WAIT_IDLE;
    if (*how == WAIT_SLEEP) {
        /* Drop posts of earlier requests that were already done when their caller looked. */
        while (mote_sem_wait(&q->done, 0) == 0)
            ;
    }
    *head = chain_add(q, bufs, n);
    chain_publish(dev, q, *head);
    return 0;
}

int virtio_transfer(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n,
                    uint32_t *written)
{
    struct virtq *q = queue_for(dev, qi, bufs, n);
    if (!q)
        return MOTE_EINVAL;
    int threads = sched_running() && !sched_in_irq() && !kernel_emergency;
    if (threads)
        mote_mutex_lock(&q->lock);
    enum wait_how how;
    uint16_t head;
    int err = submit(dev, q, bufs, n, &how, &head);
    if (!err)
        err = chain_wait(dev, q, head, how, written);
    if (threads)
        mote_mutex_unlock(&q->lock);
    return err;
}

int virtio_start(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n,
                 uint16_t *head)
{
    struct virtq *q = queue_for(dev, qi, bufs, n);
    enum wait_how how;
    if (!q || sched_running())
        return MOTE_EINVAL;
    return submit(dev, q, bufs, n, &how, head);
}

int virtio_wait(struct virtio_dev *dev, unsigned qi, uint16_t head, uint32_t *written)
{
    struct virtq *q = qi < VIRTIO_MAX_QUEUES ? dev->queues[qi] : 0;
    if (!q || sched_running())
        return MOTE_EINVAL;
    return chain_wait(dev, q, head, sched_in_irq() || dev->irq_state != 1 ? WAIT_SPIN : WAIT_IDLE,
                      written);
}

/* ---- asynchronous queues: the driver posts, kicks and reaps (a NIC) ---- */

/*
 * See virtio.h. Attached before the first buffer is posted, so no edge of an
 * x86 IOAPIC pin can be lost while it is still masked.
 */
int virtio_irq_hook(struct virtio_dev *dev, void (*fn)(void *), void *arg)
{
    if (dev->irq_state != 0)
        return MOTE_EINVAL;
    dev->hook = fn;
    dev->hook_arg = arg;
    int err = irq_attach(dev->irq, virtio_irq, dev);
    dev->irq_state = err ? -1 : 1;
    return err;
}

void virtio_irq_ack(struct virtio_dev *dev)
{
    uint32_t st = mmio_rd(dev->base, VIRTIO_MMIO_INTERRUPT_STATUS);
    if (st)
        mmio_wr(dev->base, VIRTIO_MMIO_INTERRUPT_ACK, st);
}

int virtio_post(struct virtio_dev *dev, unsigned qi, const struct virtio_buf *bufs, unsigned n)
{
    struct virtq *q = queue_for(dev, qi, bufs, n);
    if (!q)
        return MOTE_EINVAL;
    if (dev->broken)
        return MOTE_EIO;
    if (q->nfree < n)
        return MOTE_EAGAIN;
    uint16_t head = chain_add(q, bufs, n);
    q->avail->ring[q->avail->idx & (q->size - 1)] = head;
    arch_mb();               /* descriptors and ring slot before the index */
    q->avail->idx++;
    return head;
}

/* The doorbell, unless the device said it is polling the queue anyway (VIRTQ_USED_F_NO_NOTIFY). */
void virtio_kick(struct virtio_dev *dev, unsigned qi)
{
    struct virtq *q = dev->queues[qi];
    arch_mb();               /* the index before we look at the flag and ring */
    if (!(q->used->flags & VIRTQ_USED_F_NO_NOTIFY))
        mmio_wr(dev->base, VIRTIO_MMIO_QUEUE_NOTIFY, q->index);
}

int virtio_reap(struct virtio_dev *dev, unsigned qi, uint32_t *len)
{
    struct virtq *q = dev->queues[qi];
    uint32_t id, n;
    if (!used_pop(q, &id, &n))
        return MOTE_EAGAIN;
    chain_free(q, (uint16_t)id);
    if (len)
        *len = n;
    return (int)id;
}

/* Interrupts for queue qi on (the default) or off (VIRTQ_AVAIL_F_NO_INTERRUPT, a hint). */
void virtio_queue_irq(struct virtio_dev *dev, unsigned qi, int on)
{
    struct virtq *q = dev->queues[qi];
    q->avail->flags = on ? 0 : VIRTQ_AVAIL_F_NO_INTERRUPT;
    arch_mb();
}

int virtio_used_pending(struct virtio_dev *dev, unsigned qi)
{
    struct virtq *q = dev->queues[qi];
    arch_mb();               /* the flag written before, then the index read */
    return q->used->idx != q->last_used;
}
