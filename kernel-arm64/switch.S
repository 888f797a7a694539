/*
 * Thread contexts (hal/context.h). A switched-out thread's stack holds
 * x19..x28, x29 (fp) and x30 (lr) at its saved sp: the AAPCS64
 * callee-saved set. IRQ state (DAIF) belongs to neither side.
 */
#include "cpu.h"

#define CTX_SIZE 96     /* 12 registers; keeps sp 16-byte aligned */

    .text
/* void ctx_switch(void **save_sp, void *new_sp); IRQs disabled. */
    .globl ctx_switch
    .type ctx_switch, %function
    .balign 4
ctx_switch:
    sub     sp, sp, #CTX_SIZE
    stp     x19, x20, [sp, #0]
    stp     x21, x22, [sp, #16]
    stp     x23, x24, [sp, #32]
    stp     x25, x26, [sp, #48]
    stp     x27, x28, [sp, #64]
    stp     x29, x30, [sp, #80]
    mov     x9, sp
    str     x9, [x0]
    mov     sp, x1
    ldp     x19, x20, [sp, #0]
    ldp     x21, x22, [sp, #16]
    ldp     x23, x24, [sp, #32]
    ldp     x25, x26, [sp, #48]
    ldp     x27, x28, [sp, #64]
    ldp     x29, x30, [sp, #80]
    add     sp, sp, #CTX_SIZE
    ret
    .size ctx_switch, . - ctx_switch

/*
 * void *ctx_init(void *stack_top, void (*entry)(void *), void *arg);
 * Builds a ctx_switch frame that "returns" into ctx_start with x19 = entry,
 * x20 = arg and every other register 0.
 */
    .globl ctx_init
    .type ctx_init, %function
    .balign 4
ctx_init:
    and     x0, x0, #~15
    sub     x0, x0, #CTX_SIZE
    stp     x1, x2, [x0, #0]
    stp     xzr, xzr, [x0, #16]
    stp     xzr, xzr, [x0, #32]
    stp     xzr, xzr, [x0, #48]
    stp     xzr, xzr, [x0, #64]
    adr     x9, ctx_start
    stp     xzr, x9, [x0, #80]
    ret
    .size ctx_init, . - ctx_init

/* First code of every thread: entry(arg) with fp = lr = 0 (backtraces end). */
    .type ctx_start, %function
    .balign 4
ctx_start:
    mov     x0, x20
    mov     x29, #0
    mov     x30, #0
    br      x19
    .size ctx_start, . - ctx_start

/*
 * void arch_fpu_save(void *state), void arch_fpu_restore(const void *state):
 * q0-q31 at 16 * n, FPSR at 512, FPCR at 516 (FPU_STATE_SIZE, cpu.h).
 * The kernel is built without FP registers; these are the only places it
 * touches them.
 */
    .arch_extension fp
    .arch_extension simd
    .globl arch_fpu_save
    .type arch_fpu_save, %function
    .balign 4
arch_fpu_save:
    stp     q0, q1, [x0, #0]
    stp     q2, q3, [x0, #32]
    stp     q4, q5, [x0, #64]
    stp     q6, q7, [x0, #96]
    stp     q8, q9, [x0, #128]
    stp     q10, q11, [x0, #160]
    stp     q12, q13, [x0, #192]
    stp     q14, q15, [x0, #224]
    stp     q16, q17, [x0, #256]
    stp     q18, q19, [x0, #288]
    stp     q20, q21, [x0, #320]
    stp     q22, q23, [x0, #352]
    stp     q24, q25, [x0, #384]
    stp     q26, q27, [x0, #416]
    stp     q28, q29, [x0, #448]
    stp     q30, q31, [x0, #480]
    mrs     x9, fpsr
    mrs     x10, fpcr
    str     w9, [x0, #512]
    str     w10, [x0, #516]
    ret
    .size arch_fpu_save, . - arch_fpu_save

    .globl arch_fpu_restore
    .type arch_fpu_restore, %function
    .balign 4
arch_fpu_restore:
    ldp     q0, q1, [x0, #0]
    ldp     q2, q3, [x0, #32]
    ldp     q4, q5, [x0, #64]
    ldp     q6, q7, [x0, #96]
    ldp     q8, q9, [x0, #128]
    ldp     q10, q11, [x0, #160]
    ldp     q12, q13, [x0, #192]
    ldp     q14, q15, [x0, #224]
    ldp     q16, q17, [x0, #256]
    ldp     q18, q19, [x0, #288]
    ldp     q20, q21, [x0, #320]
    ldp     q22, q23, [x0, #352]
    ldp     q24, q25, [x0, #384]
    ldp     q26, q27, [x0, #416]
    ldp     q28, q29, [x0, #448]
    ldp     q30, q31, [x0, #480]
    ldr     w9, [x0, #512]
    ldr     w10, [x0, #516]
    msr     fpsr, x9
    msr     fpcr, x10
    ret
    .size arch_fpu_restore, . - arch_fpu_restore

/* uintptr_t ctx_frame(const void *saved_sp): x29 as ctx_switch saved it. */
    .globl ctx_frame
    .type ctx_frame, %function
    .balign 4
ctx_frame:
    ldr     x0, [x0, #80]
    ret
    .size ctx_frame, . - ctx_frame

/* uintptr_t arch_frame_address(void): the caller's frame pointer. */
    .globl arch_frame_address
    .type arch_frame_address, %function
    .balign 4
arch_frame_address:
    mov     x0, x29
    ret
    .size arch_frame_address, . - arch_frame_address
