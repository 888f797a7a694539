/*
 * The EL1 exception vector table (VBAR_EL1 = exception_vectors).
 *
 * IRQs are taken on the interrupted thread's stack: the frame stays there
 * while sched_irq_exit() may switch to another thread, and is restored
 * when this thread is switched back to.
 *
 * Everything else is a fault and never returns (but for an FP/SIMD access
 * trap, after which the thread resumes: core/fpu.c). It moves to the exception
 * stack before touching memory, so a thread that overflowed into its guard
 * page is still reported: x0 is parked in TPIDR_EL1 (unused otherwise) and
 * SPSel=0 selects SP_EL0, which arch_early_init() points at exc_stack_top.
 * A fault while already on that stack arrives through the "current EL with
 * SP_EL0" vectors and is reported as TRAP_NESTED.
 */
#include "cpu.h"

/* Fault entry: switch stacks, save x0, x1 and the old sp, go to fault_common. */
.macro FAULT_ENTRY kind
    .balign 0x80
    msr     tpidr_el1, x0
    mov     x0, sp
    msr     spsel, #0
    sub     sp, sp, #TF_SIZE
    str     x0, [sp, #TF_SP]
    mrs     x0, tpidr_el1
    stp     x0, x1, [sp, #TF_X0]
    mov     x1, #\kind
    b       fault_common
.endm

.macro IRQ_ENTRY
    .balign 0x80
    sub     sp, sp, #TF_SIZE
    stp     x0, x1, [sp, #TF_X0]
    b       irq_common
.endm

/* Save x2..x30, elr, spsr (x0, x1 and sp are already saved). */
.macro SAVE_REST
    stp     x2, x3, [sp, #TF_X0 + 16]
    stp     x4, x5, [sp, #TF_X0 + 32]
    stp     x6, x7, [sp, #TF_X0 + 48]
    stp     x8, x9, [sp, #TF_X0 + 64]
    stp     x10, x11, [sp, #TF_X0 + 80]
    stp     x12, x13, [sp, #TF_X0 + 96]
    stp     x14, x15, [sp, #TF_X0 + 112]
    stp     x16, x17, [sp, #TF_X0 + 128]
    stp     x18, x19, [sp, #TF_X0 + 144]
    stp     x20, x21, [sp, #TF_X0 + 160]
    stp     x22, x23, [sp, #TF_X0 + 176]
    stp     x24, x25, [sp, #TF_X0 + 192]
    stp     x26, x27, [sp, #TF_X0 + 208]
    stp     x28, x29, [sp, #TF_X0 + 224]
    str     x30, [sp, #TF_X0 + 240]
    mrs     x2, elr_el1
    mrs     x3, spsr_el1
    stp     x2, x3, [sp, #TF_ELR]
.endm

/* elr, spsr and x0..x30 back from the frame at sp (sp itself is left to the caller). */
.macro RESTORE_ALL
    ldp     x2, x3, [sp, #TF_ELR]
    msr     elr_el1, x2
    msr     spsr_el1, x3
    ldp     x0, x1, [sp, #TF_X0]
    ldp     x2, x3, [sp, #TF_X0 + 16]
    ldp     x4, x5, [sp, #TF_X0 + 32]
    ldp     x6, x7, [sp, #TF_X0 + 48]
    ldp     x8, x9, [sp, #TF_X0 + 64]
    ldp     x10, x11, [sp, #TF_X0 + 80]
    ldp     x12, x13, [sp, #TF_X0 + 96]
    ldp     x14, x15, [sp, #TF_X0 + 112]
    ldp     x16, x17, [sp, #TF_X0 + 128]
    ldp     x18, x19, [sp, #TF_X0 + 144]
    ldp     x20, x21, [sp, #TF_X0 + 160]
    ldp     x22, x23, [sp, #TF_X0 + 176]
    ldp     x24, x25, [sp, #TF_X0 + 192]
    ldp     x26, x27, [sp, #TF_X0 + 208]
    ldp     x28, x29, [sp, #TF_X0 + 224]
    ldr     x30, [sp, #TF_X0 + 240]
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl exception_vectors
exception_vectors:
    // current EL, SP_EL0: only ever used while handling a fault
    FAULT_ENTRY TRAP_NESTED
    FAULT_ENTRY TRAP_NESTED
    FAULT_ENTRY TRAP_NESTED
    FAULT_ENTRY TRAP_NESTED
    // current EL, SP_EL1: threads, the boot context, IRQ handlers
    FAULT_ENTRY TRAP_SYNC
    IRQ_ENTRY
    FAULT_ENTRY TRAP_BADVEC         // FIQ: never routed to us
    FAULT_ENTRY TRAP_SERROR
    // lower EL, AArch64 and AArch32: there is no EL0 code
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC
    FAULT_ENTRY TRAP_BADVEC

/*
 * On the exception stack, x1 = kind. trap_fault() reports and powers off,
 * or, for an FP/SIMD access trap it handled, returns: then restore the
 * registers, give the exception stack back and resume on SP_EL1, which
 * the entry never changed.
 */
fault_common:
    SAVE_REST
    mrs     x2, esr_el1
    mrs     x3, far_el1
    stp     x2, x3, [sp, #TF_ESR]
    mov     x0, sp
    bl      trap_fault
    RESTORE_ALL
    add     sp, sp, #TF_SIZE
    msr     spsel, #1
    eret

/* On the interrupted stack, IRQs masked until eret. */
irq_common:
    SAVE_REST
    add     x0, sp, #TF_SIZE
    str     x0, [sp, #TF_SP]
    stp     xzr, xzr, [sp, #TF_ESR]
    mov     x0, sp
    bl      trap_irq                // acknowledge, handle, EOI
    bl      sched_irq_exit          // may switch threads and come back later
    RESTORE_ALL
    add     sp, sp, #TF_SIZE
    eret
