# x86_64 port: kernel and apps run in long mode, identity-mapped at 1 MiB
# (the small code model), with no red zone (interrupts push onto the
# interrupted stack). Apps may use SSE (baseline x86-64, no AVX), switched
# lazily (core/fpu.c); the kernel never does (ARCH_KERNEL_CFLAGS). Stack probes: a
# frame or alloca over 4 KiB touches each page on the way down, so it
# faults in the guard whatever its size (docs/decisions.md, "Stack
# overflows"); clang 14's driver drops the flag for a freestanding target,
# hence -Xclang.
TARGET := x86_64-none-elf
IMAGE_ARCH := 2   # the image header's arch code (docs/image-format.md)
ARCH_CFLAGS := -mno-red-zone -mcmodel=small \
  -fno-asynchronous-unwind-tables -fno-unwind-tables -Xclang -fstack-clash-protection
ARCH_KERNEL_CFLAGS := -mgeneral-regs-only
ARCH_SRCS := boot.S vectors.S switch.S cpu.c trap.c mmu.c intc.c timer.c uart.c
