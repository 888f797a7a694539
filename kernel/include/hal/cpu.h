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
 * boot.S left it. Installs exception vectors / IDT, the exception stack
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
 * Called with IRQs disabled by the idle thread. Sleeps the CPU (WFI / HLT)
 * until an interrupt is pending, lets it be taken (handlers run, including
 * sched_irq_exit()), and returns with IRQs disabled again. Must not lose a
 * wake-up that arrives between the caller's check and the sleep.
 */
void arch_idle(void);

/*
 * Sleep until an interrupt is pending, for code that polls a device before
 * the scheduler runs. IRQs off on entry and on return. ARM64 leaves the
 * interrupt pending (WFI wakes on it even while it is masked); x86_64 takes
 * it (HLT wakes only with IF set), so a handler must be attached there.
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
 * The boot information this image was started with (ARM64: the device tree;
 * x86_64: the PVH start_info or multiboot info), or 0: what a bootloader
 * hands on to the image it starts.
 */
uintptr_t arch_boot_info(void);

/*
 * Start a loaded image at `entry`, its `boot_handoff` symbol (each port's
 * boot.S defines one): ARM64 at EL1 with the MMU off, x0 = info, x1 = flags,
 * x2 = BOOT_HANDOFF_MAGIC (and what the port read from the device tree in
 * x3-x6); x86_64 in long mode with the low 1 GiB identity-mapped, edi = the
 * boot protocol, esi = info, r8 = flags (and the port's own clock
 * calibration in rdx/rcx). IRQs off. Called by the bootloader, which never
 * turns the MMU on; never returns. What the ports hand on saves the image
 * finding it out again.
 */
__attribute__((noreturn)) void arch_boot_jump(uintptr_t entry, uintptr_t info, uint32_t flags);

#define BOOT_F_TEST 0x1u                /* the image is on trial: it must confirm */
#define BOOT_HANDOFF_MAGIC 0x45544f4du  /* "MOTE": x1 really holds flags */

/* The BOOT_F_* flags a Mote bootloader started this image with; 0 otherwise. */
uint32_t arch_boot_flags(void);

/* Read the stack's frame pointer of the caller (for panic backtraces). */
uintptr_t arch_frame_address(void);

/*
 * The RAM this machine actually has (from the DTB on ARM64, the PVH
 * memory map on x86_64); falls back to board.ram_base/ram_size.
 */
void arch_ram_range(uintptr_t *base, uint64_t *size);

#endif
