/*
 * bench/boot's floor for qemu-microvm-x86_64: a kernel that powers the
 * machine off at its first instruction, with the same entry conventions as
 * kernel-x86/boot.S: a multiboot1 header with address fields (what QEMU's
 * -kernel tries first) and a PVH entry note, both arriving in 32-bit mode.
 * Exit through isa-debug-exit (iobase 0xf4): QEMU exits with (1 << 1) | 1 = 3,
 * the status the Mote kernel's exit(0) gives.
 */
#define MB_MAGIC 0x1badb002
#define MB_FLAGS 0x00010003         /* page-align, memory info, address fields */

    .section .text, "ax"
    .code32
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long multiboot_header          /* header_addr */
    .long multiboot_header          /* load_addr */
    .long image_end                 /* load_end_addr */
    .long 0                         /* bss_end_addr: no bss */
    .long _start                    /* entry_addr */

    .globl _start, pvh_start
_start:
pvh_start:
    mov $0xf4, %dx
    mov $1, %eax
    out %eax, %dx
1:  cli
    hlt
    jmp 1b
image_end:

    /* PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY); QEMU reads the descriptor as 8 bytes. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4, 8, 18
    .asciz "Xen"
    .balign 4
    .quad pvh_start
