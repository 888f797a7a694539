/*
 * IDT entry stubs. Each pushes a dummy error code (when the CPU pushes
 * none) and its vector, then joins a common path that saves the GPRs as
 * struct trap_frame (cpu.h) and calls C with a pointer to it.
 *
 * Exceptions run on an IST stack (cpu.c sets the gates), so a thread stack
 * overflowing into its guard page is still reported; trap_exception()
 * normally never returns. IRQs run on the interrupted thread's stack:
 * trap_irq() dispatches, sends EOI and calls sched_irq_exit(), which may
 * switch threads before this frame is restored.
 *
 * The CPU aligns RSP to 16 before pushing its frame; that frame, the two
 * words here and the 15 GPRs make TF_SIZE (176) bytes, so the C call is
 * ABI-aligned. cpu.h checks the offsets against struct trap_frame.
 */
#include "cpu.h"

    .text

.macro SAVE_GPRS
    push %rax
    push %rbx
    push %rcx
    push %rdx
    push %rsi
    push %rdi
    push %rbp
    push %r8
    push %r9
    push %r10
    push %r11
    push %r12
    push %r13
    push %r14
    push %r15
.endm

.macro RESTORE_GPRS
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %r11
    pop %r10
    pop %r9
    pop %r8
    pop %rbp
    pop %rdi
    pop %rsi
    pop %rdx
    pop %rcx
    pop %rbx
    pop %rax
.endm

/* Exceptions that push an error code: #DF #TS #NP #SS #GP #PF #AC #CP #VC #SX. */
.macro EXC vec
exc_\vec:
    .if !(\vec == 8 || (\vec >= 10 && \vec <= 14) || \vec == 17 || \vec == 21 || \vec == 29 || \vec == 30)
    push $0
    .endif
    push $\vec
    jmp exception_common
.endm

.macro IRQ vec
irq_\vec:
    push $0
    push $\vec
    jmp irq_common
.endm

exception_common:
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    call trap_exception
    jmp trap_return

irq_common:
    SAVE_GPRS
    cld
    mov %rsp, %rdi
    call trap_irq
trap_return:
    RESTORE_GPRS
    add $(TF_RIP - TF_VECTOR), %rsp     /* vector + error code */
    iretq

    .globl vector_timer
vector_timer:
    push $0
    push $VEC_TIMER
    jmp irq_common

    /* LAPIC spurious vector and masked-8259 strays: no EOI, nothing to do. */
    .globl vector_spurious
vector_spurious:
    iretq

.altmacro
.set i, 0
.rept VEC_IRQ_BASE
    EXC %i
    .set i, i + 1
.endr
.rept IOAPIC_PINS
    IRQ %i
    .set i, i + 1
.endr

.macro STUB_ADDR kind, vec
    .quad \kind\()_\vec
.endm

    .section .rodata.vectors, "a"
    .balign 8
    .globl vector_stubs
vector_stubs:
.set i, 0
.rept VEC_IRQ_BASE
    STUB_ADDR exc, %i
    .set i, i + 1
.endr
.rept IOAPIC_PINS
    STUB_ADDR irq, %i
    .set i, i + 1
.endr
