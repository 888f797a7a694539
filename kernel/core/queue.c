/*
 * Message queues: a ring of fixed-size items, with one semaphore counting
 * items and one counting free slots, so senders and receivers block and
 * time out the same way semaphores do.
 */
#include <hal/cpu.h>
#include <shell/shell.h>
#include "core.h"

int mote_queue_init(struct mote_queue *q, size_t item_size, size_t capacity)
{
    if (!item_size || !capacity)
        return MOTE_EINVAL;
    q->buf = malloc(item_size * capacity);
    if (!q->buf)
        return MOTE_ENOMEM;
    q->item_size = item_size;
    q->capacity = capacity;
    q->head = q->count = 0;
    mote_sem_init(&q->items, 0);
    mote_sem_init(&q->slots, (uint32_t)capacity);
    return 0;
}

int mote_queue_send(struct mote_queue *q, const void *item, uint32_t timeout_ms)
{
    int r = mote_sem_wait(&q->slots, timeout_ms);
    TRACE(TRACE_API, EV_QUEUE_SEND, (uintptr_t)q, r);
    if (r)
        return r;
    unsigned long flags = arch_irq_save();
    size_t tail = (q->head + q->count) % q->capacity;
    memcpy(q->buf + tail * q->item_size, item, q->item_size);
    q->count++;
    arch_irq_restore(flags);
    mote_sem_post(&q->items);
    return 0;
}

int mote_queue_recv(struct mote_queue *q, void *item, uint32_t timeout_ms)
{
    int r = mote_sem_wait(&q->items, timeout_ms);
    TRACE(TRACE_API, EV_QUEUE_RECV, (uintptr_t)q, r);
    if (r)
        return r;
    unsigned long flags = arch_irq_save();
    memcpy(item, q->buf + q->head * q->item_size, q->item_size);
    q->head = (q->head + 1) % q->capacity;
    q->count--;
    arch_irq_restore(flags);
    mote_sem_post(&q->slots);
    return 0;
}

void mote_queue_destroy(struct mote_queue *q)
{
    free(q->buf);
    q->buf = 0;
}
