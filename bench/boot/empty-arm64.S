/*
 * bench/boot's floor for qemu-virt-arm64: a kernel that powers the machine
 * off at its first instruction, with semihosting SYS_EXIT (as the Mote
 * kernel does). On AArch64, x1 points to a two-word block {reason, code}.
 * Linked at the profile's load address (0x40100000), entered at EL1 (or EL2).
 */
    .section .text, "ax"
    .globl _start
_start:
    mov x0, #0x18               /* SYS_EXIT */
    adr x1, exit_block
    hlt #0xf000                 /* semihosting call */
1:  wfi
    b 1b

    .balign 8
exit_block:
    .quad 0x20026               /* ADP_Stopped_ApplicationExit */
    .quad 0                     /* exit code */
