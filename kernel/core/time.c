/* Uptime and sleeping, on top of the port's monotonic clock. */
#include <hal/cpu.h>
#include <hal/timer.h>
#include <shell/shell.h>
#include "core.h"

uint64_t mote_uptime_ns(void)
{
    return timer_now_ns();
}

uint64_t mote_uptime_ms(void)
{
    return timer_now_ns() / NS_PER_MS;
}

void mote_sleep_ms(uint32_t ms)
{
    TRACE(TRACE_API, EV_SLEEP, ms, 0);
    unsigned long flags = arch_irq_save();
    sched_wait(0, timer_now_ns() + (uint64_t)ms * NS_PER_MS);
    arch_irq_restore(flags);
}

void mote_yield(void)
{
    sched_yield();
}
