/*
 * The board a firmware image is built for. `mote build` generates one
 * `const struct board board` from the device profile and links it with the
 * app, so the per-arch kernel libraries carry no board addresses.
 */
#ifndef HAL_BOARD_H
#define HAL_BOARD_H

#include <stdint.h>

struct board {
    const char *name;          /* profile name, e.g. "qemu-virt-arm64" */
    uintptr_t ram_base;        /* used if the firmware does not describe RAM */
    uint64_t ram_size;
    uintptr_t console_base;    /* PL011 MMIO base, or 16550 I/O port */
    uintptr_t intc_base[2];    /* GICD, GICC; or IOAPIC, LAPIC */
    uintptr_t virtio_base;     /* first virtio-mmio window (0: none) */
    uint32_t virtio_stride;    /* bytes between windows */
    uint32_t virtio_count;     /* number of windows */
    uint32_t virtio_irq;       /* IRQ of the first window; +1 per window */
    uint32_t flags;            /* BOARD_F_* */
    uint64_t part_offset[4];   /* flash partitions (byte offsets), indexed by PART_* */
    uint64_t part_size[4];
    uint32_t recovery_listen_ms; /* bootloader: watch the console this long for the flasher's
                                    HELLO before booting (profile recovery.listen_ms; 0: never) */
};

enum { PART_BOOT_STATE, PART_SLOT_A, PART_SLOT_B, PART_PERSIST };

#define BOARD_F_SEMIHOST   0x1u /* ARM64: power off through semihosting SYS_EXIT (carries the code) */
#define BOARD_F_DEBUG_EXIT 0x2u /* x86: power off through isa-debug-exit at port 0xf4, writing code+1 */

extern const struct board board;

#endif
