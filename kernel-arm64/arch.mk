# ARM64 port: selected by kernel/Makefile (ARCH=arm64). These flags also
# compile every app. -mgeneral-regs-only: no FP/SIMD state to save on a
# switch (and none is enabled); -mstrict-align: code runs with the MMU off,
# where all memory is Device memory and unaligned accesses fault.
TARGET := aarch64-none-elf
IMAGE_ARCH := 1   # the image header's arch code (docs/image-format.md)
ARCH_CFLAGS := -march=armv8-a -mgeneral-regs-only -mstrict-align -mcmodel=small \
  -fno-asynchronous-unwind-tables -fno-unwind-tables
ARCH_SRCS := boot.S vectors.S switch.S cpu.c trap.c mmu.c intc.c timer.c uart.c
