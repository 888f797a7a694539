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
    uintptr_t console_base;    /* the UART (MMIO or I/O port: the port's uart.c) */
    uintptr_t intc_base[2];    /* the interrupt controller's windows (intc.c) */
    uintptr_t virtio_base;     /* first virtio-mmio window (0: none) */
    uint32_t virtio_stride;    /* bytes between windows */
    uint32_t virtio_count;     /* number of windows */
    uint32_t virtio_irq;       /* IRQ of the first window; +1 per window */
    uint32_t flags;            /* BOARD_F_* */
    uint64_t part_offset[4];   /* flash partitions (byte offsets), indexed by PART_* */
    uint64_t part_size[4];
    uint32_t recovery_listen_ms; /* bootloader: watch the console this long for the flasher's
                                    HELLO before booting (profile recovery.listen_ms; 0: never) */
    uint32_t devices;          /* BOARD_DEV_* */
};

enum { PART_BOOT_STATE, PART_SLOT_A, PART_SLOT_B, PART_PERSIST };

/* How arch_power_off() makes the exit code reach the host (the profile's exit method). */
#define BOARD_F_SEMIHOST   0x1u /* semihosting SYS_EXIT, which carries the code */
#define BOARD_F_DEBUG_EXIT 0x2u /* QEMU's isa-debug-exit device (the port's cpu.c says how) */

/* Devices the profile names (net = virtio, rng = virtio); the kernel probes for no others. */
#define BOARD_DEV_NET_VIRTIO 0x1u /* a virtio-net NIC in the virtio-mmio windows */
#define BOARD_DEV_RNG_VIRTIO 0x2u /* a virtio-rng entropy source */

extern const struct board board;

#endif
