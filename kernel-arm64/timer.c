/*
 * The ARM generic timer (hal/timer.h): CNTVCT is the clock, the EL1 virtual
 * timer (PPI 27) the one-shot deadline. Tick <-> ns conversions split off
 * whole seconds so no product overflows 64 bits and no 128-bit division
 * (a libgcc call) is needed.
 */
#include <hal/intc.h>
#include <hal/timer.h>
#include "cpu.h"

#define NS_PER_SEC 1000000000ull
#define CNTV_CTL_ENABLE 1u

static uint64_t freq;       /* counter ticks per second */
static uint64_t t0;         /* CNTVCT at timer_init() */

/* floor(ticks * 1e9 / freq) */
static uint64_t ticks_to_ns(uint64_t ticks)
{
    return ticks / freq * NS_PER_SEC + ticks % freq * NS_PER_SEC / freq;
}

/* ceil(ns * freq / 1e9), so the timer never fires before `ns`. */
static uint64_t ns_to_ticks(uint64_t ns)
{
    return ns / NS_PER_SEC * freq + (ns % NS_PER_SEC * freq + NS_PER_SEC - 1) / NS_PER_SEC;
}

/* Read the counter frequency firmware programmed, start the clock, enable PPI 27. */
void timer_init(void)
{
    freq = read_cntfrq_el0();
    if (!freq)
        freq = 62500000;    /* firmware forgot CNTFRQ: QEMU's and many SoCs' rate */
    write_cntv_ctl_el0(0);
    t0 = read_cntvct_el0();
    intc_enable(TIMER_PPI);
}

uint64_t timer_now_ns(void)
{
    return ticks_to_ns(read_cntvct_el0() - t0);
}

/* A compare value in the past fires at once; TIMER_NEVER turns the timer off. */
int timer_set_deadline(uint64_t deadline_ns)
{
    if (deadline_ns == TIMER_NEVER) {
        write_cntv_ctl_el0(0);
        return 0;
    }
    uint64_t cval = t0 + ns_to_ticks(deadline_ns);
    if (cval < t0)
        cval = UINT64_MAX;  /* beyond the counter's range: effectively never */
    write_cntv_cval_el0(cval);
    write_cntv_ctl_el0(CNTV_CTL_ENABLE);
    isb();
    return 0;
}

/* From trap_irq(): disarm (the level-triggered line drops), then tell the core. */
void timer_irq(void)
{
    write_cntv_ctl_el0(0);
    isb();
    clock_event();
}

uint64_t timer_boot_ns(void)
{
    return ticks_to_ns(t0 - boot_cntvct);
}
