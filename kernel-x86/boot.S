/*
 * x86_64 entry. Two 32-bit entries share one path into long mode:
 *
 *   pvh_start  PVH (Xen ELF note XEN_ELFNOTE_PHYS32_ENTRY): QEMU -kernel on
 *              microvm, Firecracker, Xen. ebx = struct hvm_start_info.
 *   _start     multiboot1 (header below, in the first 8 KiB): GRUB on PCs,
 *              QEMU -kernel on pc/q35. eax = 0x2BADB002, ebx = multiboot info.
 *              Note QEMU tries multiboot before PVH, so any QEMU machine
 *              given this ELF with -kernel enters here.
 *
 * Both arrive in 32-bit protected mode, paging off, flat segments, no stack.
 * We record the TSC, the boot info, zero .bss, build a temporary identity
 * map (first 1 GiB in 2 MiB pages, and 3-4 GiB uncached for MMIO: the image and all the RAM the core
 * manages, which it caps at 256 MiB above the image), enable PAE, long
 * mode, NX and WP, and call kmain() on the boot stack with IRQs off.
 * The core's mmu_init() replaces this map with the real one.
 */
#include "cpu.h"

#define MB_MAGIC        0x1badb002
#define MB_FLAGS        0x00010003 /* page-align, memory info, address fields */
#define MB_BOOT_MAGIC   0x2badb002
#define XEN_ELFNOTE_PHYS32_ENTRY 18

#define CR0_WP          (1 << 16)
#define CR0_PG          (1 << 31)
#define CR4_PAE         (1 << 5)
#define EFER_LME        (1 << 8)
#define PTE_P_RW        0x3
#define PTE_PS          0x80
#define PTE_PCD_PWT     0x18
#define BOOT_STACK_SIZE 8192

    .section .text.boot, "ax"
    .code32
    /*
     * Multiboot1 header with the address fields, because QEMU's multiboot
     * loader refuses 64-bit ELF files otherwise. It loads the file from
     * the header's offset back to load_addr as a flat image, which the
     * link script guarantees by keeping file offsets == addresses.
     */
    .balign 4
multiboot_header:
    .long MB_MAGIC
    .long MB_FLAGS
    .long -(MB_MAGIC + MB_FLAGS)
    .long multiboot_header      /* header_addr */
    .long __image_start         /* load_addr */
    .long __data_end            /* load_end_addr */
    .long __bss_end             /* bss_end_addr */
    .long _start                /* entry_addr */

    .globl _start
_start:
    mov %eax, %esi              /* keep the magic: rdtsc clobbers eax */
    rdtsc
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4
    mov $BOOT_PROTO_NONE, %edi
    cmp $MB_BOOT_MAGIC, %esi
    jne boot_common
    mov $BOOT_PROTO_MULTIBOOT, %edi
    jmp boot_common

    .globl pvh_start
pvh_start:
    rdtsc
    mov %eax, boot_tsc
    mov %edx, boot_tsc + 4
    mov $BOOT_PROTO_PVH, %edi

boot_common:
    cli
    cld
    mov %edi, boot_proto
    mov %ebx, boot_info

    /* Zero .bss first: the page tables below live in it. */
    mov $__bss_start, %edi
    mov $__bss_end, %ecx
    sub %edi, %ecx
    shr $2, %ecx
    xor %eax, %eax
    rep stosl

    /* PML4[0] -> PDPT, PDPT[0] -> PD, PD[i] = i * 2 MiB. */
    mov $boot_pdpt + PTE_P_RW, %eax
    mov %eax, boot_pml4
    mov $boot_pd + PTE_P_RW, %eax
    mov %eax, boot_pdpt
    mov $boot_pd, %edi
    mov $PTE_P_RW + PTE_PS, %eax
    mov $512, %ecx
1:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 1b
    /* PDPT[3] -> PD for 3-4 GiB, uncached: the MMIO (LAPIC, IOAPIC, virtio)
     * a bootloader uses without ever building its own page tables. */
    mov $boot_pd_mmio + PTE_P_RW, %eax
    mov %eax, boot_pdpt + 3 * 8
    mov $boot_pd_mmio, %edi
    mov $0xc0000000 + PTE_P_RW + PTE_PS + PTE_PCD_PWT, %eax
    mov $512, %ecx
4:  mov %eax, (%edi)
    add $0x200000, %eax
    add $8, %edi
    loop 4b

    mov $boot_pml4, %eax
    mov %eax, %cr3
    mov %cr4, %eax
    or $CR4_PAE, %eax
    mov %eax, %cr4

    /* EFER.LME, and EFER.NXE only if the CPU has NX (CPUID 0x80000001 EDX.20). */
    mov $0x80000001, %eax
    cpuid
    xor %ebx, %ebx
    bt $20, %edx
    jnc 2f
    mov $EFER_NXE, %ebx
2:  mov $MSR_EFER, %ecx
    rdmsr
    or $EFER_LME, %eax
    or %ebx, %eax
    wrmsr

    mov %cr0, %eax
    or $(CR0_PG | CR0_WP), %eax
    mov %eax, %cr0

    lgdt boot_gdt_ptr
    ljmp $GDT_KCODE, $long_entry

    .code64
long_entry:
    mov $GDT_KDATA, %eax
    mov %eax, %ds
    mov %eax, %es
    mov %eax, %ss
    xor %eax, %eax
    mov %eax, %fs
    mov %eax, %gs
    lea boot_stack_top(%rip), %rsp
    xor %ebp, %ebp              /* ends backtraces */
    call kmain
3:  cli
    hlt
    jmp 3b

    /*
     * boot_handoff: where a Mote bootloader starts this image (arch_boot_jump).
     * Long mode already, paging on with the low 1 GiB identity-mapped, IRQs
     * off; edi = boot protocol, esi = its boot info, rdx/rcx = the clock
     * calibration (timer.c), r8 = BOOT_F_* flags, r9 = its handoff block
     * (hal/boot.h). We keep the bootloader's
     * page tables until mmu_init() replaces them, load our own GDT, clear
     * .bss and join the common path.
     */
    .globl boot_handoff
boot_handoff:
    mov %r8, boot_flags(%rip)
    mov %r9, boot_handoff_block(%rip)
    mov %edi, %r8d
    mov %rdx, %r10              /* rdtsc overwrites edx */
    rdtsc
    mov %eax, boot_tsc(%rip)
    mov %edx, boot_tsc + 4(%rip)
    mov %r8d, boot_proto(%rip)
    mov %esi, boot_info(%rip)
    mov %r10, boot_cal_tsc(%rip)
    mov %rcx, boot_cal_apic(%rip)
    cld
    lea __bss_start(%rip), %rdi
    lea __bss_end(%rip), %rcx
    sub %rdi, %rcx
    shr $3, %rcx
    xor %eax, %eax
    rep stosq
    lgdt boot_gdt_ptr64(%rip)
    pushq $GDT_KCODE
    lea long_entry(%rip), %rax
    pushq %rax
    lretq

    /* PVH entry note. QEMU reads the descriptor as 8 bytes, so .quad. */
    .section .note.Xen, "a", @note
    .balign 4
    .long 4                     /* namesz */
    .long 8                     /* descsz */
    .long XEN_ELFNOTE_PHYS32_ENTRY
    .asciz "Xen"
    .balign 4
    .quad pvh_start

    .section .rodata.boot, "a"
    .balign 8
boot_gdt_ptr:
    .word 5 * 8 - 1
    .long cpu_gdt
    .balign 8
boot_gdt_ptr64:                 /* the same table, loaded from 64-bit code */
    .word 5 * 8 - 1
    .quad cpu_gdt

    /* Written before .bss is zeroed, so they live in .data. */
    .section .data.boot, "aw"
    .balign 8
    .globl boot_tsc, boot_proto, boot_info, boot_cal_tsc, boot_cal_apic, boot_flags
    .globl boot_handoff_block
boot_tsc:   .quad 0
boot_proto: .long 0
boot_info:  .long 0
    .balign 8
boot_cal_tsc:  .quad 0
boot_cal_apic: .quad 0
boot_flags:    .quad 0
boot_handoff_block: .quad 0

    .section .bss.boot, "aw", @nobits
    .balign 4096
boot_pml4:  .space 4096
boot_pdpt:  .space 4096
boot_pd:    .space 4096
boot_pd_mmio: .space 4096
boot_stack: .space BOOT_STACK_SIZE
boot_stack_top:
