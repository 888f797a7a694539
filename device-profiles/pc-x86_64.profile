# A generic x86_64 PC booted by GRUB (`multiboot /boot/mote.elf` in grub.cfg): legacy 16550
# COM1, IOAPIC + LAPIC at their architectural defaults, no virtio.
# Status: BUILT, NOT RUN. The tests build this profile; nobody has booted it on a PC yet.
name          = pc-x86_64
description   = Generic PC booted by GRUB (multiboot): 16550 COM1, IOAPIC + LAPIC (built, not run on hardware)
arch          = x86_64
cpu           = x86-64
hardware      = built-not-run

ram.base      = 0x0
ram.size      = 512M          # the least the kernel assumes; the multiboot memory map rules
bootloader.address = 0x100000 # 1 MiB, above the legacy BIOS area: what GRUB loads
load.address  = 0x180000      # the app, loaded by the bootloader
boot.protocol = multiboot

console.type  = ns16550
console.base  = 0x3f8         # COM1 (I/O port)
intc.type     = ioapic
intc.base     = 0xfec00000 0xfee00000   # IOAPIC, LAPIC
exit          = none          # a PC has no exit device: the kernel halts

# Flash: a 16 MiB region of the boot disk.
flash.size          = 16M
partition.boot_state = 0      64K
partition.slot_a     = 64K    7M
partition.slot_b     = 7232K  7M
partition.persist    = 14400K 1984K
