# QEMU 'virt' board, ARM64 (Cortex-A53 by default; `mote run --cpu cortex-a72` also runs).
# Status: runs under QEMU (TCG, or KVM on an ARM64 host). This is the board `mote run` boots.
name          = qemu-virt-arm64
description   = QEMU virt: Cortex-A53, GICv2, PL011 UART, generic timer, virtio-mmio
arch          = arm64
cpu           = cortex-a53
hardware      = emulated

ram.base      = 0x40000000
ram.size      = 128M
# The bootloader is what QEMU loads (-kernel); it verifies the app in the flash and loads it
# at load.address. Its code, data and working memory stay below load.address.
# QEMU puts its 1 MiB device tree at the start of RAM only if it fits below what it loads:
# at RAM + 1 MiB it does, and both stages find the real RAM size in it (even -m 2M).
bootloader.address = 0x40100000
load.address  = 0x40180000
boot.protocol = elf

console.type  = pl011
console.base  = 0x09000000
intc.type     = gicv2
intc.base     = 0x08000000 0x08010000
virtio.base   = 0x0a000000
virtio.stride = 0x200
virtio.count  = 32
virtio.irq    = 48
exit          = semihosting

# Devices besides the flash, in the virtio-mmio windows: a NIC (`mote run` puts it on QEMU's
# user-mode network, docs/networking.md) and an entropy source for mote_random().
net           = virtio
rng           = virtio

# Flash (a virtio-blk device): offset size, in bytes (K/M suffixes allowed)
flash.size          = 16M
partition.boot_state = 0      64K
partition.slot_a     = 64K    7M
partition.slot_b     = 7232K  7M
partition.persist    = 14400K 1984K

qemu.binary   = qemu-system-aarch64
qemu.args     = -machine virt,gic-version=2 -semihosting-config enable=on,target=native
