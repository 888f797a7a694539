/*
 * HAL: the boot handoff. What a Mote bootloader hands the image it starts,
 * and what an image learns from whoever started it: the firmware's boot
 * information, the BOOT_F_* flags, the RAM it may use. How the values
 * travel (registers, magic numbers) is each port's own (its boot.S and
 * cpu.c); what the port hands on besides saves the image finding it out
 * again.
 */
#ifndef HAL_BOOT_H
#define HAL_BOOT_H

#include <stdint.h>

#define BOOT_F_TEST 0x1u    /* the image is on trial: it must confirm (mote_confirm) */
#define BOOT_F_CHAIN 0x2u   /* started by a Mote bootloader (always set by one) */
#define BOOT_F_HANDOFF 0x4u /* arch_boot_handoff() holds the bootloader's handoff block */

/*
 * The boot information this image was started with (the firmware's
 * description of the machine: a device tree, a boot protocol's info block),
 * or 0: what a bootloader hands on to the image it starts.
 */
uintptr_t arch_boot_info(void);

/* The BOOT_F_* flags a Mote bootloader started this image with; 0 otherwise. */
uint32_t arch_boot_flags(void);

/*
 * The address of the bootloader's handoff block (its contents are portable:
 * struct boot_handoff, update/update.h), as arch_boot_jump() handed it on;
 * meaningful only with BOOT_F_HANDOFF. It lies in the bootloader's memory,
 * below the image, which the image maps but never allocates.
 */
uintptr_t arch_boot_handoff(void);

/*
 * The RAM this machine actually has, from the boot information or what a
 * bootloader handed on; falls back to board.ram_base/ram_size.
 */
void arch_ram_range(uintptr_t *base, uint64_t *size);

/*
 * Called once by a bootloader, never by an app, after intc_init() and
 * before timer_init(): the port may start on what arch_boot_jump() will
 * hand on, so that it is ready by then without the bootloader waiting for
 * it now. Afterwards timer_set_deadline() may refuse for a few ms
 * (hal/timer.h); the bootloader polls meanwhile.
 */
void arch_boot_prepare(void);

/*
 * Start a loaded image at `entry`, its `boot_handoff` symbol (each port's
 * boot.S defines one), with `info` for its arch_boot_info(), `flags` for
 * its arch_boot_flags() and `handoff` for its arch_boot_handoff(), in the
 * CPU state the port's boot_handoff expects, and whatever else the port
 * hands on. IRQs off. Called by the bootloader, which never turns the MMU
 * on; never returns.
 */
__attribute__((noreturn)) void arch_boot_jump(uintptr_t entry, uintptr_t info, uint32_t flags,
                                              uintptr_t handoff);

#endif
