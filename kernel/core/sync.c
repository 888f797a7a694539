/*
 * Mutexes and counting semaphores. Both hand the resource straight to the
 * highest-priority waiter on release, so a woken thread never has to retry.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include "core.h"

static uint64_t deadline_after(uint32_t timeout_ms)
{
    if (timeout_ms == MOTE_FOREVER)
        return TIME_NEVER;
    return timer_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
}

void mote_mutex_init(struct mote_mutex *m)
{
    m->owner = 0;
    m->waiters = 0;
}

void mote_mutex_lock(struct mote_mutex *m)
{
    unsigned long flags = arch_irq_save();
    if (m->owner == current)
        panic("mutex %p locked twice by thread '%s'", (void *)m, current->name);
    if (!m->owner)
        m->owner = current;
    else
        sched_wait(&m->waiters, TIME_NEVER);   /* unlock makes us the owner */
    arch_irq_restore(flags);
}

int mote_mutex_unlock(struct mote_mutex *m)
{
    unsigned long flags = arch_irq_save();
    if (m->owner != current) {
        arch_irq_restore(flags);
        return MOTE_EPERM;
    }
    m->owner = sched_wake_one(&m->waiters);
    arch_irq_restore(flags);
    sched_preempt();
    return 0;
}

void mote_sem_init(struct mote_sem *s, uint32_t count)
{
    s->count = count;
    s->waiters = 0;
}

int mote_sem_wait(struct mote_sem *s, uint32_t timeout_ms)
{
    unsigned long flags = arch_irq_save();
    int r = 0;
    if (s->count > 0)
        s->count--;
    else if (timeout_ms == 0)
        r = MOTE_EAGAIN;
    else
        r = sched_wait(&s->waiters, deadline_after(timeout_ms));
    arch_irq_restore(flags);
    return r;
}

void mote_sem_post(struct mote_sem *s)
{
    unsigned long flags = arch_irq_save();
    if (!sched_wake_one(&s->waiters))
        s->count++;
    arch_irq_restore(flags);
    sched_preempt();
}
