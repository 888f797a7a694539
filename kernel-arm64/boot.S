/*
 * _start: the image's entry point. QEMU virt enters at EL1 with the MMU
 * off; real boards' firmware (e.g. a Raspberry Pi) enters at EL2 and may
 * start every core here. We keep core 0, drop to EL1, take a stack in .bss,
 * zero .bss and call kmain() with IRQs masked and x29 = x30 = 0 (so
 * backtraces end here). Uses x19 (counter at entry), x21 (flags from a Mote
 * bootloader: x1, if x2 holds BOOT_HANDOFF_MAGIC; x25: x7 with them, its
 * handoff block; x22-x24: x4-x6, the RAM
 * base and size and PSCI conduit it read from the DTB, if x3 also holds
 * BOOT_DT_MAGIC) and x20 (x0 at entry,
 * the DTB pointer if the loader passed one) across the set-up.
 */
#include "cpu.h"

    .section .text.boot, "ax"
    .globl _start, boot_handoff
    .type _start, %function
/* A Mote bootloader starts images here too: EL1, MMU off, x0 = the DTB. */
boot_handoff:
_start:
    /*
     * An arm64 Linux "Image" header, so the same code also boots as a raw
     * binary (objcopy -O binary): QEMU's -kernel and board firmware (e.g. a
     * Raspberry Pi's kernel8.img) then load it at RAM base + text_offset and
     * pass the DTB in x0. (QEMU drops its 1 MiB DTB for an ELF loaded at
     * 0x40080000: it does not fit below the image.)
     */
    b       entry                   // code0
    .long   0                       // code1
    .quad   0x80000                 // text_offset: LOAD_ADDR - RAM base
    .quad   __image_end - . + 16    // image_size, including .bss
    .quad   0x2                     // flags: little-endian, 4 KiB pages
    .quad   0, 0, 0                 // res2..res4
    .ascii  "ARM\x64"               // magic
    .long   0                       // res5 (no PE header)
entry:
    mrs     x19, cntvct_el0         // first instruction: boot-time reference
    mov     x20, x0
    mov     x21, #0                 // flags, only if x2 says a Mote bootloader set x1
    movz    x9, #0x4f4d             // BOOT_HANDOFF_MAGIC "MOTE"
    movk    x9, #0x4554, lsl #16
    cmp     x2, x9
    csel    x21, x1, x21, eq
    csel    x25, x7, xzr, eq        // the bootloader's handoff block (hal/boot.h)
    mov     x10, #(BOOT_DT_MAGIC & 0xffff)
    movk    x10, #(BOOT_DT_MAGIC >> 16), lsl #16
    ccmp    x3, x10, #0, eq         // eq: x2 and x3 both hold their magic
    csel    x22, x4, xzr, eq        // what the bootloader read from the DTB (cpu.c)
    csel    x23, x5, xzr, eq
    csel    x24, x6, xzr, eq

    mrs     x9, mpidr_el1           // secondary cores sleep forever
    and     x9, x9, #0xffffff
    cbnz    x9, park

    mrs     x9, CurrentEL
    lsr     x9, x9, #2
    cmp     x9, #2
    b.ne    in_el1

    // EL2: make EL1 AArch64, give it the counters, drop with DAIF masked.
    mrs     x9, cntvoff_el2         // keep boot_cntvct on EL1's time base
    add     x19, x19, x9
    msr     cntvoff_el2, xzr
    mov     x9, #3                  // EL1PCTEN | EL1PCEN
    msr     cnthctl_el2, x9
    mov     x9, #0xa0000000         // HCR_EL2: RW (EL1 is AArch64), HCD (hvc
                                    // undefined: no hypervisor is left behind)
    msr     hcr_el2, x9
    mov     x9, #0x33ff             // CPTR_EL2: RES1 bits only, no traps
    msr     cptr_el2, x9
    mov     x9, #0x0800             // SCTLR_EL1: RES1 bits, MMU and caches off
    movk    x9, #0x30d0, lsl #16
    msr     sctlr_el1, x9
    mov     x9, #0x3c5              // SPSR: EL1h, D A I F masked
    msr     spsr_el2, x9
    adr     x9, in_el1
    msr     elr_el2, x9
    eret

in_el1:
    msr     daifset, #0xf
    msr     spsel, #1
    adrp    x9, boot_stack_top
    add     x9, x9, :lo12:boot_stack_top
    mov     sp, x9

    // Zero .bss (16-byte aligned by link.ld); the MMU is off, so no dc zva.
    adrp    x9, __bss_start
    add     x9, x9, :lo12:__bss_start
    adrp    x10, __bss_end
    add     x10, x10, :lo12:__bss_end
1:  cmp     x9, x10
    b.hs    2f
    stp     xzr, xzr, [x9], #16
    b       1b
2:
    adrp    x9, boot_cntvct
    str     x19, [x9, :lo12:boot_cntvct]
    adrp    x9, boot_dtb
    str     x20, [x9, :lo12:boot_dtb]
    adrp    x9, boot_flags
    str     x21, [x9, :lo12:boot_flags]
    adrp    x9, boot_handoff_block
    str     x25, [x9, :lo12:boot_handoff_block]
    adrp    x9, boot_dt
    add     x9, x9, :lo12:boot_dt
    stp     x22, x23, [x9]
    str     x24, [x9, #16]

    mov     x29, #0
    mov     x30, #0
    bl      kmain
park:
    wfe
    b       park
    .size _start, . - _start

    .section .bss.boot, "aw", %nobits
    .balign 8
    .globl boot_cntvct, boot_dtb, boot_flags, boot_dt, boot_handoff_block
boot_cntvct: .skip 8
boot_dtb:    .skip 8
boot_flags:  .skip 8
boot_handoff_block: .skip 8
boot_dt:     .skip 24               // RAM base, RAM size, PSCI conduit

    // Page-aligned so the core could put a guard page under them.
    .section .bss.stacks, "aw", %nobits
    .balign 4096
    .skip   BOOT_STACK_SIZE
boot_stack_top:
    .skip   EXC_STACK_SIZE
    .globl exc_stack_top
exc_stack_top:
