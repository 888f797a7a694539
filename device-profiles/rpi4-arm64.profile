# Raspberry Pi 4 Model B (BCM2711, 4x Cortex-A72), ARM64, booted by the VideoCore firmware from
# the SD card: `mote build` also writes a flat binary (out/NAME.bin) to copy to the boot
# partition as kernel8.img (config.txt: arm_64bit=1, enable_uart=1).
# Status: BUILT, NOT RUN. The tests build this profile; nobody has booted it on a board yet.
# Addresses are the ARM ("low peripheral") view: peripherals at 0xfe000000.
name          = rpi4-arm64
description   = Raspberry Pi 4 (BCM2711): Cortex-A72, GIC-400, PL011 UART0 (built, not run on hardware)
arch          = arm64
cpu           = cortex-a72
hardware      = built-not-run

ram.base      = 0x0
ram.size      = 1G            # the smallest Pi 4; the firmware keeps the top for the GPU
bootloader.address = 0x80000  # where the firmware loads kernel8.img: the Mote bootloader
load.address  = 0x100000      # the app, loaded by the bootloader
boot.protocol = linux-image

console.type  = pl011
console.base  = 0xfe201000    # UART0 (GPIO 14/15); 48 MHz UART clock set by the firmware
intc.type     = gicv2
intc.base     = 0xff841000 0xff842000   # GIC-400: GICD, GICC
exit          = none          # no power-off to report a code through: the board halts

# Flash: a 16 MiB region of the SD card (the firmware's FAT boot partition is separate).
flash.size          = 16M
partition.boot_state = 0      64K
partition.slot_a     = 64K    7M
partition.slot_b     = 7232K  7M
partition.persist    = 14400K 1984K
