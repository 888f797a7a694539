/*
 * GICv2 (hal/intc.h): distributor at board.intc_base[0], CPU interface at
 * board.intc_base[1]. One CPU; every interrupt has the same priority, so
 * handlers never nest (IRQs stay masked in them anyway).
 */
#include <hal/board.h>
#include <hal/intc.h>
#include "cpu.h"

#define GICD_CTLR        0x000
#define GICD_TYPER       0x004
#define GICD_ISENABLER   0x100
#define GICD_ICENABLER   0x180
#define GICD_ICPENDR     0x280
#define GICD_IPRIORITYR  0x400
#define GICD_ITARGETSR   0x800

#define GICC_CTLR        0x00
#define GICC_PMR         0x04
#define GICC_BPR         0x08
#define GICC_IAR         0x0c
#define GICC_EOIR        0x10

#define IRQ_PRIO         0xa0      /* the same for all; PMR lets it through */
#define SPURIOUS         1020

static unsigned nlines;

static uintptr_t gicd(unsigned off) { return board.intc_base[0] + off; }
static uintptr_t gicc(unsigned off) { return board.intc_base[1] + off; }

/* Everything disabled and not pending, one priority, both halves enabled. */
void intc_init(void)
{
    nlines = 32 * ((mmio_read32(gicd(GICD_TYPER)) & 0x1f) + 1);
    mmio_write32(gicd(GICD_CTLR), 0);
    for (unsigned i = 0; i < nlines; i += 32) {
        mmio_write32(gicd(GICD_ICENABLER + i / 8), 0xffffffffu);
        mmio_write32(gicd(GICD_ICPENDR + i / 8), 0xffffffffu);
    }
    for (unsigned i = 0; i < nlines; i += 4)
        mmio_write32(gicd(GICD_IPRIORITYR + i), IRQ_PRIO * 0x01010101u);
    mmio_write32(gicd(GICD_CTLR), 1);
    mmio_write32(gicc(GICC_PMR), 0xf0);
    mmio_write32(gicc(GICC_BPR), 0);
    mmio_write32(gicc(GICC_CTLR), 1);
}

/* SPIs (32 and up) are also routed to CPU 0; SGIs/PPIs are per-CPU already. */
void intc_enable(unsigned irq)
{
    if (irq >= nlines)
        return;
    if (irq >= 32) {
        uintptr_t t = gicd(GICD_ITARGETSR + (irq & ~3u));
        unsigned shift = 8 * (irq & 3);
        mmio_write32(t, (mmio_read32(t) & ~(0xffu << shift)) | (1u << shift));
    }
    mmio_write32(gicd(GICD_ISENABLER + 4 * (irq / 32)), 1u << (irq % 32));
}

void intc_disable(unsigned irq)
{
    if (irq < nlines)
        mmio_write32(gicd(GICD_ICENABLER + 4 * (irq / 32)), 1u << (irq % 32));
}

/*
 * The IRQ vector's C half (vectors.S calls sched_irq_exit() after it).
 * Acknowledges and handles every pending interrupt: the timer PPI here in
 * the port, the rest through the core's irq_handle().
 */
void trap_irq(struct trap_frame *tf)
{
    (void)tf;
    for (;;) {
        uint32_t iar = mmio_read32(gicc(GICC_IAR));
        unsigned id = iar & 0x3ff;
        if (id >= SPURIOUS)
            break;
        if (id == TIMER_PPI)
            timer_irq();
        else if (id < IRQ_MAX)
            irq_handle(id);
        mmio_write32(gicc(GICC_EOIR), iar);
    }
}
