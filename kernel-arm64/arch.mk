# ARM64 port: selected by kernel/Makefile (ARCH=arm64). ARCH_CFLAGS also
# compile every app. -mstrict-align: code runs with the MMU off, where all
# memory is Device memory and unaligned accesses fault. Clang 14 has no
# stack probes for AArch64: the guard and the frame limit do the work
# (docs/decisions.md, "Stack overflows").
# ARCH_KERNEL_CFLAGS, the kernel's own: -mgeneral-regs-only, so the kernel
# never touches the FP/SIMD registers that app threads own (core/fpu.c).
TARGET := aarch64-none-elf
IMAGE_ARCH := 1   # the image header's arch code (docs/image-format.md)
ARCH_CFLAGS := -march=armv8-a -mstrict-align -mcmodel=small \
  -fno-asynchronous-unwind-tables -fno-unwind-tables
ARCH_KERNEL_CFLAGS := -mgeneral-regs-only
ARCH_SRCS := boot.S vectors.S switch.S cpu.c trap.c mmu.c intc.c timer.c uart.c
