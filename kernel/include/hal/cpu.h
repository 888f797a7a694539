/*
 * HAL: CPU control. Implemented by each port (kernel-arm64/, kernel-x86/).
 *
 * The portable kernel calls only these functions to control the CPU; every
 * instruction-level detail stays in the port's own cpu.h.
 */
#ifndef HAL_CPU_H
#define HAL_CPU_H

#include <stdint.h>

/*
 * Called once, first thing from kmain, with IRQs disabled and the MMU as
 * boot.S left it. Installs the exception vectors, the exception stack
 * that faults run on (so a stack overflow can still be reported), and
 * anything else the port needs before the console is used.
 */
void arch_early_init(void);

/*
 * Called once after mmu_init() has built the kernel map and before it is
 * enabled: the port maps the MMIO windows it drives (from `board`) with
 * mmu_map(..., PROT_R | PROT_W | PROT_DEVICE).
 */
void arch_map_mmio(void);

/* Disable IRQs; return the previous state for arch_irq_restore(). */
unsigned long arch_irq_save(void);
void arch_irq_restore(unsigned long flags);
void arch_irq_enable(void);

/*
 * Called with IRQs disabled by the idle thread. Sleeps the CPU until an
 * interrupt is pending, lets it be taken (handlers run, including
 * sched_irq_exit()), and returns with IRQs disabled again. Must not lose a
 * wake-up that arrives between the caller's check and the sleep.
 */
void arch_idle(void);

/*
 * Sleep until an interrupt is pending, for code that polls a device before
 * the scheduler runs. IRQs off on entry and on return. The port may leave
 * the interrupt pending or let it be taken (its handler runs) before
 * returning, so the device's IRQ must have a handler attached either way.
 */
void arch_wait_irq(void);

/*
 * Full memory barrier: every load and store before it, to normal memory or
 * MMIO, is complete and visible to devices (DMA) before any after it. For
 * drivers sharing rings with a device (virtio).
 */
void arch_mb(void);

/* Power off the machine; under QEMU the process exits with `code`. */
__attribute__((noreturn)) void arch_power_off(int code);

/*
 * Reset the machine: it starts again from its firmware, as after a power
 * cycle (RAM is not cleared). IRQs off.
 */
__attribute__((noreturn)) void arch_reset(void);

/* Read the stack's frame pointer of the caller (for panic backtraces). */
uintptr_t arch_frame_address(void);

#endif
