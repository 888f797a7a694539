/*
 * Software timers. Callbacks run one at a time in the "timer" thread at
 * PRIO_KERNEL, which sleeps until the earliest deadline.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include "core.h"

static struct mote_timer *timers;        /* armed, by deadline */
static struct mote_thread *timer_waitq;  /* only the timer thread waits here */

static void timer_insert(struct mote_timer *t)
{
    struct mote_timer **p = &timers;
    while (*p && (*p)->deadline_ns <= t->deadline_ns)
        p = &(*p)->next;
    t->next = *p;
    *p = t;
}

static void timer_remove(struct mote_timer *t)
{
    for (struct mote_timer **p = &timers; *p; p = &(*p)->next) {
        if (*p == t) {
            *p = t->next;
            return;
        }
    }
}

void mote_timer_start(struct mote_timer *t, uint32_t delay_ms, uint32_t period_ms,
                      void (*fn)(struct mote_timer *t, void *arg), void *arg)
{
    unsigned long flags = arch_irq_save();
    if (t->armed)
        timer_remove(t);
    t->fn = fn;
    t->arg = arg;
    t->deadline_ns = timer_now_ns() + (uint64_t)delay_ms * NS_PER_MS;
    t->period_ns = (uint64_t)period_ms * NS_PER_MS;
    t->armed = true;
    timer_insert(t);
    if (timers == t)
        sched_wake_one(&timer_waitq);
    arch_irq_restore(flags);
    sched_preempt();
}

void mote_timer_stop(struct mote_timer *t)
{
    unsigned long flags = arch_irq_save();
    if (t->armed)
        timer_remove(t);
    t->armed = false;
    arch_irq_restore(flags);
}

static void timer_main(void *arg)
{
    (void)arg;
    arch_irq_save();
    for (;;) {
        uint64_t now = timer_now_ns();
        while (timers && timers->deadline_ns <= now) {
            struct mote_timer *t = timers;
            timers = t->next;
            if (t->period_ns) {
                t->deadline_ns += t->period_ns;   /* no drift: from the last deadline */
                timer_insert(t);
            } else {
                t->armed = false;
            }
            arch_irq_enable();
            t->fn(t, t->arg);
            arch_irq_save();
            now = timer_now_ns();
        }
        sched_wait(&timer_waitq, timers ? timers->deadline_ns : TIME_NEVER);
    }
}

void swtimer_init(void)
{
    if (!thread_spawn("timer", timer_main, 0, PRIO_KERNEL, 4096))
        panic("cannot create the timer thread");
}
