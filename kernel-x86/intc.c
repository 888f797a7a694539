/*
 * Interrupt controller (hal/intc.h): the local APIC (xAPIC, MMIO at
 * board.intc_base[1]) takes every interrupt; the IOAPIC (board.intc_base[0])
 * routes device pin n to vector n + 32, which is also the HAL irq number.
 */
#include <hal/board.h>
#include <hal/intc.h>
#include "cpu.h"

/* LAPIC registers */
#define LAPIC_ID    0x020
#define LAPIC_TPR   0x080
#define LAPIC_EOI   0x0b0
#define LAPIC_SVR   0x0f0
#define LAPIC_LINT0 0x350
#define LAPIC_LINT1 0x360
#define LAPIC_LVTERR 0x370
#define LVT_MASKED  (1u << 16)
#define SVR_ENABLE  (1u << 8)

/* IOAPIC: an index register and a data window */
#define IOREGSEL    0x00
#define IOWIN       0x10
#define IOAPIC_VER  0x01
#define IOAPIC_REDTBL(pin) (0x10 + 2 * (pin))
#define RTE_MASKED  (1u << 16)   /* others 0: fixed, physical, active high, edge */

static unsigned ioapic_pins;
static uint32_t apic_id;

uintptr_t lapic_base(void)
{
    return board.intc_base[1];
}

static uint32_t lapic_read(unsigned reg) { return mmio_read32(lapic_base() + reg); }
static void lapic_write(unsigned reg, uint32_t v) { mmio_write32(lapic_base() + reg, v); }

static uint32_t ioapic_read(unsigned reg)
{
    mmio_write32(board.intc_base[0] + IOREGSEL, reg);
    return mmio_read32(board.intc_base[0] + IOWIN);
}

static void ioapic_write(unsigned reg, uint32_t v)
{
    mmio_write32(board.intc_base[0] + IOREGSEL, reg);
    mmio_write32(board.intc_base[0] + IOWIN, v);
}

/* Program one redirection entry; the high word (destination) goes first. */
static void ioapic_route(unsigned pin, uint32_t low)
{
    ioapic_write(IOAPIC_REDTBL(pin) + 1, apic_id << 24);
    ioapic_write(IOAPIC_REDTBL(pin), low);
}

/*
 * LAPIC on with the spurious vector, LINT0/1 (ExtINT from the 8259, NMI)
 * and the error LVT masked; every IOAPIC pin masked. Needs the MMIO map.
 */
void intc_init(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | APIC_BASE_ENABLE);
    apic_id = lapic_read(LAPIC_ID) >> 24;
    lapic_write(LAPIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    lapic_write(LAPIC_TPR, 0);
    lapic_write(LAPIC_LINT0, LVT_MASKED);
    lapic_write(LAPIC_LINT1, LVT_MASKED);
    lapic_write(LAPIC_LVTERR, LVT_MASKED);
    ioapic_pins = ((ioapic_read(IOAPIC_VER) >> 16) & 0xff) + 1;
    if (ioapic_pins > IOAPIC_PINS)
        ioapic_pins = IOAPIC_PINS;   /* vectors.S has stubs for this many */
    for (unsigned pin = 0; pin < ioapic_pins; pin++)
        ioapic_route(pin, RTE_MASKED | (VEC_IRQ_BASE + pin));
}

/*
 * Route irq (IOAPIC pin irq - 32) to vector irq on this CPU, unmasked, edge
 * triggered active high (the ISA default the microvm pins use). Others are ignored.
 */
void intc_enable(unsigned irq)
{
    if (irq < VEC_IRQ_BASE || irq - VEC_IRQ_BASE >= ioapic_pins)
        return;
    ioapic_route(irq - VEC_IRQ_BASE, irq);
}

void intc_disable(unsigned irq)
{
    if (irq < VEC_IRQ_BASE || irq - VEC_IRQ_BASE >= ioapic_pins)
        return;
    ioapic_route(irq - VEC_IRQ_BASE, RTE_MASKED | irq);
}

/* End of interrupt for the vector being serviced (timer or IOAPIC). */
void intc_eoi(void)
{
    lapic_write(LAPIC_EOI, 0);
}
