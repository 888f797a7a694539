/*
 * HAL: the monotonic clock and the one-shot deadline timer.
 *
 * There is no periodic tick: the core programs the next deadline it cares
 * about and the port raises one interrupt at (or just after) it.
 */
#ifndef HAL_TIMER_H
#define HAL_TIMER_H

#include <stdint.h>

#define TIMER_NEVER UINT64_MAX

/* Calibrate the clock, attach the timer interrupt. IRQs are still off. */
void timer_init(void);

/* Nanoseconds since the clock started (in timer_init(), or before it); never goes backwards. */
uint64_t timer_now_ns(void);

/*
 * Arm the one-shot timer for absolute time `deadline_ns` (as timer_now_ns).
 * A deadline in the past fires as soon as IRQs are enabled. TIMER_NEVER
 * disarms it. When it fires the port calls clock_event() (core/sched.c) in
 * interrupt context. The port may also call it early (e.g. when the
 * hardware counter cannot reach that far): the core re-reads the clock and
 * re-arms the timer for whatever is still pending. Returns 0, or nonzero
 * when nothing could be armed yet: only in a bootloader, for a few ms after
 * arch_boot_prepare() (hal/boot.h), while the port still measures its clock.
 */
int timer_set_deadline(uint64_t deadline_ns);

/* Implemented by the core; the port's timer interrupt handler calls it. */
void clock_event(void);

/* Nanoseconds from the first instruction to timer_init() (boot profiling). */
uint64_t timer_boot_ns(void);

#endif
