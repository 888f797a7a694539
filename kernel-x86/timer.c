/*
 * Time (hal/timer.h): the TSC is the monotonic clock and the LAPIC timer,
 * one-shot, the deadline interrupt. Neither has a frequency we can trust
 * (QEMU's TCG reports none), so timer_init measures both against the PIT
 * over a few milliseconds.
 */
#include <hal/timer.h>
#include "cpu.h"

#define PIT_HZ        1193182u
#define PIT_CAL_TICKS 2983u      /* 2.5 ms: ~0.05% error, a small share of boot time */
#define PIT_CH0       0x40
#define PIT_MODE      0x43

#define LAPIC_LVT_TIMER 0x320
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR  0x390
#define LAPIC_TIMER_DIV  0x3e0
#define LVT_MASKED  (1u << 16)
#define DIV_16      0x3

static uint64_t tsc_start;      /* TSC at timer_init: time 0 */
static uint64_t ns_per_tick32;  /* ns per TSC tick, 32.32 fixed point */
static uint64_t apic_per_ns32;  /* LAPIC ticks per ns, 32.32 fixed point */

static void lapic_write(unsigned reg, uint32_t v) { mmio_write32(lapic_base() + reg, v); }
static uint32_t lapic_read(unsigned reg) { return mmio_read32(lapic_base() + reg); }

static uint64_t tsc_to_ns(uint64_t ticks)
{
    return (uint64_t)(((unsigned __int128)ticks * ns_per_tick32) >> 32);
}

/* Channel 0's current count (latched, so both bytes belong together). */
static uint16_t pit_count(void)
{
    outb(PIT_MODE, 0x00);
    uint8_t lo = inb(PIT_CH0);
    return (uint16_t)(lo | inb(PIT_CH0) << 8);
}

/*
 * Count TSC and LAPIC ticks while PIT channel 0 counts down at least
 * PIT_CAL_TICKS; returns the PIT ticks that really passed. Polls the
 * counter itself: microvm has no port 0x61, so the channel 2 gate trick
 * does not work there. Mode 0 is one-shot, which also stops the periodic
 * tick the firmware left running (it would keep waking the host).
 */
static uint32_t calibrate(uint64_t *tsc_ticks, uint32_t *apic_ticks)
{
    outb(PIT_MODE, 0x30);                    /* ch0, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH0, 0xff);
    outb(PIT_CH0, 0xff);
    lapic_write(LAPIC_TIMER_DIV, DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
    /* Read all three clocks in the same order at both ends, so access costs cancel. */
    uint16_t c0 = pit_count();
    uint64_t t0 = rdtsc();
    uint32_t a0 = lapic_read(LAPIC_TIMER_CUR);
    uint16_t passed;
    do
        passed = (uint16_t)(c0 - pit_count());
    while (passed < PIT_CAL_TICKS);
    uint64_t t1 = rdtsc();
    uint32_t a1 = lapic_read(LAPIC_TIMER_CUR);
    lapic_write(LAPIC_TIMER_INIT, 0);
    *tsc_ticks = t1 - t0;
    *apic_ticks = a0 - a1;
    return passed;
}

/*
 * Calibrate (or take the calibration a Mote bootloader handed on: same CPU,
 * same clocks, and it saves the 2.5 ms), make now time 0, and leave the
 * LAPIC timer one-shot, stopped.
 */
void timer_init(void)
{
    if (boot_cal_tsc && boot_cal_apic) {
        ns_per_tick32 = boot_cal_tsc;
        apic_per_ns32 = boot_cal_apic;
        lapic_write(LAPIC_TIMER_DIV, DIV_16);
    } else {
        uint64_t tsc_ticks;
        uint32_t apic_ticks;
        uint64_t cal_ns = calibrate(&tsc_ticks, &apic_ticks) * 1000000000ull / PIT_HZ;
        /* 64-bit divisions only (no libgcc): cal_ns < 2^26, apic_ticks < 2^32 */
        ns_per_tick32 = (cal_ns << 32) / (tsc_ticks ? tsc_ticks : 1);
        apic_per_ns32 = ((uint64_t)apic_ticks << 32) / cal_ns;
    }
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);  /* one-shot, unmasked; INIT 0 = stopped */
    tsc_start = rdtsc();
}

void timer_calibration(uint64_t *ns_tick32, uint64_t *apic_ns32)
{
    *ns_tick32 = ns_per_tick32;
    *apic_ns32 = apic_per_ns32;
}

uint64_t timer_now_ns(void)
{
    return tsc_to_ns(rdtsc() - tsc_start);
}

/*
 * One LAPIC interrupt at deadline_ns or just after (rounded up a tick).
 * Past deadlines fire at once; beyond 2^32 ticks (~4 min at QEMU's
 * 62.5 MHz) it fires early and the core re-arms. TIMER_NEVER stops it.
 */
void timer_set_deadline(uint64_t deadline_ns)
{
    if (deadline_ns == TIMER_NEVER) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return;
    }
    uint64_t now = timer_now_ns();
    uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
    unsigned __int128 ticks = (((unsigned __int128)wait * apic_per_ns32) >> 32) + 1;
    lapic_write(LAPIC_TIMER_INIT, ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks);
}

/* The LAPIC timer vector (trap_irq sends the EOI). */
void timer_irq(void)
{
    clock_event();
}

uint64_t timer_boot_ns(void)
{
    return tsc_to_ns(tsc_start - boot_tsc);
}
