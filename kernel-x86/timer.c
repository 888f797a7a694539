/*
 * Time (hal/timer.h): the TSC is the monotonic clock and the LAPIC timer,
 * one-shot, the deadline interrupt. Neither has a frequency we can trust
 * (QEMU's TCG reports none), so both are measured against the PIT over
 * 2.5 ms: by timer_init, waiting, or in a bootloader (timer_calibrate_start,
 * from arch_boot_prepare) while the caller works, the clock reading the PIT
 * itself until the measurement is done.
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

static uint64_t tsc_start;      /* TSC at time 0 */
static uint64_t ns_per_tick32;  /* ns per TSC tick, 32.32 fixed point */
static uint64_t apic_per_ns32;  /* LAPIC ticks per ns, 32.32 fixed point */

/* A measurement under way: the three clocks where it started. */
static struct {
    int running;
    uint16_t pit;
    uint64_t tsc;
    uint32_t apic;
} cal;

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

/* 1 if PIT channel 0 counted all the way down (~55 ms) since it was programmed. */
static int pit_ran_out(void)
{
    outb(PIT_MODE, 0xe2);                    /* read-back: status of ch0 only */
    return inb(PIT_CH0) >> 7;                /* its OUT line */
}

/*
 * Start counting TSC and LAPIC ticks against PIT channel 0. Mode 0 is
 * one-shot, which also stops the periodic tick the firmware left running
 * (it would keep waking the host), and its OUT line rises when the count
 * runs out, which tells a measurement left too long. The clocks are read
 * in the same order here and in cal_finish, so access costs cancel.
 */
static void cal_start(void)
{
    outb(PIT_MODE, 0x30);                    /* ch0, lobyte/hibyte, mode 0, binary */
    outb(PIT_CH0, 0xff);
    outb(PIT_CH0, 0xff);
    lapic_write(LAPIC_TIMER_DIV, DIV_16);
    lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    lapic_write(LAPIC_TIMER_INIT, UINT32_MAX);
    cal.pit = pit_count();
    cal.tsc = rdtsc();
    cal.apic = lapic_read(LAPIC_TIMER_CUR);
    cal.running = 1;
}

/*
 * End the measurement once PIT_CAL_TICKS have passed: at once if they
 * have, else 0 (or, with `wait`, poll until they have: microvm has no port
 * 0x61, so the channel 2 gate trick does not work there). A count that ran
 * out says nothing about how long it took: then measure again, waiting.
 * Leaves the LAPIC timer one-shot, unmasked, stopped. Returns 1 when done.
 */
static int cal_finish(int wait)
{
    uint16_t passed;
    uint64_t t1;
    uint32_t a1;
    for (;;) {
        passed = (uint16_t)(cal.pit - pit_count());
        if (passed < PIT_CAL_TICKS && !pit_ran_out()) {
            if (!wait)
                return 0;
            continue;
        }
        t1 = rdtsc();
        a1 = lapic_read(LAPIC_TIMER_CUR);
        if (!pit_ran_out())
            break;
        cal_start();
        wait = 1;
    }
    lapic_write(LAPIC_TIMER_INIT, 0);
    lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);
    uint64_t cal_ns = passed * 1000000000ull / PIT_HZ;
    /* 64-bit divisions only (no libgcc): cal_ns < 2^26, apic ticks < 2^32 */
    ns_per_tick32 = (cal_ns << 32) / (t1 - cal.tsc ? t1 - cal.tsc : 1);
    apic_per_ns32 = ((uint64_t)(cal.apic - a1) << 32) / cal_ns;
    cal.running = 0;
    return 1;
}

void timer_calibrate_start(void)
{
    cal_start();
}

/*
 * Take the calibration a Mote bootloader handed on (same CPU, same clocks:
 * it saves the 2.5 ms), or measure now, or, after timer_calibrate_start,
 * let the measurement run on from where it started, which is then time 0.
 */
void timer_init(void)
{
    if (boot_cal_tsc && boot_cal_apic) {
        ns_per_tick32 = boot_cal_tsc;
        apic_per_ns32 = boot_cal_apic;
        lapic_write(LAPIC_TIMER_DIV, DIV_16);
        lapic_write(LAPIC_LVT_TIMER, VEC_TIMER);  /* one-shot, unmasked; INIT 0 = stopped */
    } else if (cal.running) {
        tsc_start = cal.tsc;
        return;
    } else {
        cal_start();
        cal_finish(1);
    }
    tsc_start = rdtsc();
}

void timer_calibration(uint64_t *ns_tick32, uint64_t *apic_ns32)
{
    if (cal.running)
        cal_finish(1);
    *ns_tick32 = ns_per_tick32;
    *apic_ns32 = apic_per_ns32;
}

/* While the measurement runs, the PIT's own count since it began. */
uint64_t timer_now_ns(void)
{
    if (cal.running && !cal_finish(0))
        return (uint16_t)(cal.pit - pit_count()) * 1000000000ull / PIT_HZ;
    return tsc_to_ns(rdtsc() - tsc_start);
}

/*
 * One LAPIC interrupt at deadline_ns or just after (rounded up a tick).
 * Past deadlines fire at once; beyond 2^32 ticks (~4 min at QEMU's
 * 62.5 MHz) it fires early and the core re-arms. TIMER_NEVER stops it.
 * Refused (1) while the LAPIC is still being measured.
 */
int timer_set_deadline(uint64_t deadline_ns)
{
    if (cal.running && !cal_finish(0))
        return 1;
    if (deadline_ns == TIMER_NEVER) {
        lapic_write(LAPIC_TIMER_INIT, 0);
        return 0;
    }
    uint64_t now = timer_now_ns();
    uint64_t wait = deadline_ns > now ? deadline_ns - now : 0;
    unsigned __int128 ticks = (((unsigned __int128)wait * apic_per_ns32) >> 32) + 1;
    lapic_write(LAPIC_TIMER_INIT, ticks > UINT32_MAX ? UINT32_MAX : (uint32_t)ticks);
    return 0;
}

/* The LAPIC timer vector (trap_irq sends the EOI). */
void timer_irq(void)
{
    clock_event();
}

uint64_t timer_boot_ns(void)
{
    if (cal.running)
        cal_finish(1);
    return tsc_to_ns(tsc_start - boot_tsc);
}
