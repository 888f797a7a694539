/*
 * HAL: the monotonic clock and the one-shot deadline timer
 * (ARM generic timer; x86 TSC + LAPIC timer).
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

/*
 * Start measuring the clock's rate without waiting for the result (x86_64:
 * the TSC and LAPIC timer against the PIT, 2.5 ms). The timer_init() that
 * follows then returns at once, and the clock works from the start of the
 * measurement on: until it is done timer_now_ns() reads the PIT and
 * timer_set_deadline() refuses. Needs intc_init() first. A no-op on ARM64,
 * whose counter frequency is read, not measured. The bootloader uses it, to
 * work during the 2.5 ms instead of waiting; apps never do.
 */
void timer_calibrate_start(void);

/* Nanoseconds since timer_init() (or since timer_calibrate_start()); never goes backwards. */
uint64_t timer_now_ns(void);

/*
 * Arm the one-shot timer for absolute time `deadline_ns` (as timer_now_ns).
 * A deadline in the past fires as soon as IRQs are enabled. TIMER_NEVER
 * disarms it. When it fires the port calls clock_event() (kernel/src/time.c)
 * in interrupt context. The port may also call it early (e.g. when the
 * hardware counter cannot reach that far): the core re-reads the clock and
 * re-arms the timer for whatever is still pending. Returns 0, or nonzero
 * (nothing armed) while timer_calibrate_start()'s measurement still runs.
 */
int timer_set_deadline(uint64_t deadline_ns);

/* Implemented by the core; the port's timer interrupt handler calls it. */
void clock_event(void);

/* Nanoseconds from the first instruction to timer_init() (boot profiling). */
uint64_t timer_boot_ns(void);

#endif
