/*
 * Mutexes with priority inheritance, counting semaphores, condition
 * variables and event flags. Mutexes and semaphores hand the resource
 * straight to the highest-priority waiter on release, so a woken thread
 * never has to retry.
 *
 * Priority inheritance: a thread that owns a mutex runs at least at the
 * priority of the highest thread waiting for it, and the raise follows the
 * chain when that owner itself waits for another mutex. A thread's
 * effective priority is always recomputed from scratch: its base priority
 * and the first waiter (the highest) of each mutex it holds, so releasing
 * one mutex keeps what the others still lend it.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include <shell/shell.h>
#include "core.h"

#define PI_CHAIN_MAX 16   /* owners followed per change; a longer chain is a design bug anyway */

static uint64_t deadline_after(uint32_t timeout_ms)
{
    if (timeout_ms == MOTE_FOREVER)
        return TIME_NEVER;
    return timer_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
}

/* The priority t is owed: its own, or the best waiter's of a mutex it holds. */
static int prio_owed(const struct mote_thread *t)
{
    int p = t->base_prio;
    for (const struct mote_mutex *m = t->held; m; m = m->held_next)
        if (m->waiters && m->waiters->prio > p)
            p = m->waiters->prio;
    return p;
}

/*
 * Recompute t's effective priority, then that of the owner of the mutex t
 * waits for, and so on while something changes. IRQs off.
 */
void prio_update(struct mote_thread *t)
{
    for (int n = 0; t && n < PI_CHAIN_MAX; n++) {
        int p = prio_owed(t);
        if (p == t->prio)
            return;
        sched_set_prio(t, p);   /* re-sorts the wait queue t is on */
        t = t->blocked_on ? t->blocked_on->owner : 0;
    }
}

static void held_add(struct mote_thread *t, struct mote_mutex *m)
{
    m->owner = t;
    m->held_next = t->held;
    t->held = m;
}

static void held_remove(struct mote_thread *t, struct mote_mutex *m)
{
    for (struct mote_mutex **p = &t->held; *p; p = &(*p)->held_next) {
        if (*p == m) {
            *p = m->held_next;
            break;
        }
    }
    m->held_next = 0;
}

void mote_mutex_init(struct mote_mutex *m)
{
    m->owner = 0;
    m->waiters = 0;
    m->held_next = 0;
}

/* Take m, blocking while another thread owns it. IRQs off. */
static void mutex_take(struct mote_mutex *m)
{
    if (m->owner == current)
        panic("mutex %p locked twice by thread '%s'", (void *)m, current->name);
    if (!m->owner) {
        held_add(current, m);
        return;
    }
    TRACE(TRACE_API, EV_MUTEX_WAIT, (uintptr_t)m, m->owner->id);
    current->blocked_on = m;
    tq_insert_prio(&m->waiters, current);   /* lend our priority before we sleep */
    prio_update(m->owner);
    tq_remove(&m->waiters, current);
    sched_wait(&m->waiters, TIME_NEVER);    /* mutex_give makes us the owner */
}

/* Hand m to its best waiter (or free it) and drop what it lent us. IRQs off, we own m. */
static void mutex_give(struct mote_mutex *m)
{
    held_remove(current, m);
    struct mote_thread *next = sched_wake_one(&m->waiters);
    m->owner = 0;
    if (next) {
        next->blocked_on = 0;
        held_add(next, m);
        prio_update(next);      /* it may owe the remaining waiters' priority now */
    }
    prio_update(current);
}

void mote_mutex_lock(struct mote_mutex *m)
{
    unsigned long flags = arch_irq_save();
    mutex_take(m);
    arch_irq_restore(flags);
}

int mote_mutex_unlock(struct mote_mutex *m)
{
    unsigned long flags = arch_irq_save();
    if (m->owner != current) {
        arch_irq_restore(flags);
        return MOTE_EPERM;
    }
    mutex_give(m);
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
    else {
        r = sched_wait(&s->waiters, deadline_after(timeout_ms));
        TRACE(TRACE_API, EV_SEM_WAIT, (uintptr_t)s, r);
    }
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

void mote_cond_init(struct mote_cond *c)
{
    c->waiters = 0;
}

/*
 * Release m and wait for a signal as one step (no signal between the two
 * is lost), then take m again, also after a timeout.
 */
int mote_cond_wait(struct mote_cond *c, struct mote_mutex *m, uint32_t timeout_ms)
{
    unsigned long flags = arch_irq_save();
    if (m->owner != current) {
        arch_irq_restore(flags);
        return MOTE_EPERM;
    }
    uint64_t deadline = deadline_after(timeout_ms);
    mutex_give(m);
    int r = timeout_ms == 0 ? MOTE_ETIMEDOUT : sched_wait(&c->waiters, deadline);
    mutex_take(m);
    arch_irq_restore(flags);
    return r;
}

void mote_cond_signal(struct mote_cond *c)
{
    unsigned long flags = arch_irq_save();
    sched_wake_one(&c->waiters);
    arch_irq_restore(flags);
    sched_preempt();
}

void mote_cond_broadcast(struct mote_cond *c)
{
    unsigned long flags = arch_irq_save();
    sched_wake_all(&c->waiters);
    arch_irq_restore(flags);
    sched_preempt();
}

void mote_event_init(struct mote_event *e, uint32_t bits)
{
    e->bits = bits;
    e->waiters = 0;
}

/* Every waiter wakes and checks its own condition again (in priority order). */
void mote_event_set(struct mote_event *e, uint32_t bits)
{
    unsigned long flags = arch_irq_save();
    e->bits |= bits;
    sched_wake_all(&e->waiters);
    arch_irq_restore(flags);
    sched_preempt();
}

void mote_event_clear(struct mote_event *e, uint32_t bits)
{
    unsigned long flags = arch_irq_save();
    e->bits &= ~bits;
    arch_irq_restore(flags);
}

uint32_t mote_event_get(const struct mote_event *e)
{
    return *(const volatile uint32_t *)&e->bits;
}

int mote_event_wait(struct mote_event *e, uint32_t bits, unsigned mode, uint32_t timeout_ms,
                    uint32_t *got)
{
    if (!bits || (mode & ~(MOTE_EVENT_ALL | MOTE_EVENT_CLEAR)))
        return MOTE_EINVAL;
    uint64_t deadline = deadline_after(timeout_ms);
    unsigned long flags = arch_irq_save();
    int r = 0;
    for (;;) {
        uint32_t have = e->bits & bits;
        if ((mode & MOTE_EVENT_ALL) ? have == bits : have != 0)
            break;
        if (timeout_ms == 0) {
            r = MOTE_EAGAIN;
            break;
        }
        if ((r = sched_wait(&e->waiters, deadline)))
            break;
    }
    if (got)
        *got = e->bits;
    if (!r && (mode & MOTE_EVENT_CLEAR))
        e->bits &= ~bits;
    arch_irq_restore(flags);
    return r;
}
