# QEMU 'microvm' machine, x86_64: the same shape as Firecracker (no PCI, no firmware tables
# needed, virtio-mmio devices, a 16550 UART). Booted through PVH.
# Status: runs under QEMU (TCG, or KVM on an x86_64 host). This is the board `mote run` boots.
name          = qemu-microvm-x86_64
description   = QEMU microvm: x86_64, LAPIC + IOAPIC, 16550 UART, virtio-mmio
arch          = x86_64
cpu           = max
hardware      = emulated

ram.base      = 0x0
ram.size      = 128M
# The bootloader is what QEMU loads (-kernel); it verifies the app in the flash and loads it
# at load.address. Its code, data and working memory stay below load.address.
bootloader.address = 0x100000
load.address  = 0x180000
boot.protocol = pvh

console.type  = ns16550
console.base  = 0x3f8
# Checked against QEMU's hw/i386/microvm.c and by booting: with acpi=off there is one IOAPIC
# (24 pins) and 8 virtio-mmio transports, 512 bytes apart, on GSIs 5..12 (irq = GSI + 32).
# QEMU fills transports from the last one down (first -device -> window 7, irq 44), and they
# are legacy (version 1) unless -global virtio-mmio.force-legacy=false. With ACPI on, QEMU
# adds a second IOAPIC and moves virtio to GSIs 24..47: these values would then be wrong.
intc.type     = ioapic
intc.base     = 0xfec00000 0xfee00000
virtio.base   = 0xfeb00000
virtio.stride = 0x200
virtio.count  = 8
virtio.irq    = 37
exit          = debug-exit

# Devices besides the flash, in the virtio-mmio windows: a NIC (`mote run` puts it on QEMU's
# user-mode network, docs/networking.md) and an entropy source for mote_random().
net           = virtio
rng           = virtio

flash.size          = 16M
partition.boot_state = 0      64K
partition.slot_a     = 64K    7M
partition.slot_b     = 7232K  7M
partition.persist    = 14400K 1984K

qemu.binary   = qemu-system-x86_64
qemu.args     = -machine microvm,acpi=off,pcie=off,rtc=off -device isa-debug-exit,iobase=0xf4,iosize=4
