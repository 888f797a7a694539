/*
 * Thread contexts (hal/context.h). A saved context is six callee-saved
 * registers and a return address on the thread's own stack:
 *
 *   sp -> r15 r14 r13 r12 rbx rbp ret
 */

    .text

/*
 * void ctx_switch(void **save_sp, void *new_sp)
 * Saves the callee-saved registers on this stack, stores rsp in *save_sp,
 * loads new_sp and returns into whatever that stack saved. IRQs stay off.
 */
    .globl ctx_switch
    .type ctx_switch, @function
ctx_switch:
    push %rbp
    push %rbx
    push %r12
    push %r13
    push %r14
    push %r15
    mov %rsp, (%rdi)
    mov %rsi, %rsp
    pop %r15
    pop %r14
    pop %r13
    pop %r12
    pop %rbx
    pop %rbp
    ret
    .size ctx_switch, . - ctx_switch

/* uintptr_t ctx_frame(const void *saved_sp): the rbp ctx_switch saved. */
    .globl ctx_frame
    .type ctx_frame, @function
ctx_frame:
    mov 40(%rdi), %rax
    ret
    .size ctx_frame, . - ctx_frame

/*
 * void *ctx_init(void *stack_top, void (*entry)(void *), void *arg)
 * Lays out a context whose first switch "returns" into ctx_start with
 * r12 = entry, r13 = arg, rbp = 0, and a zero return address above it, so
 * entry(arg) starts with an ABI-aligned stack and backtraces end there.
 */
    .globl ctx_init
    .type ctx_init, @function
ctx_init:
    mov %rdi, %rax
    and $-16, %rax
    movq $0, -8(%rax)           /* entry's return address: none */
    lea ctx_start(%rip), %rcx
    mov %rcx, -16(%rax)         /* ret */
    movq $0, -24(%rax)          /* rbp */
    movq $0, -32(%rax)          /* rbx */
    mov %rsi, -40(%rax)         /* r12 = entry */
    mov %rdx, -48(%rax)         /* r13 = arg */
    movq $0, -56(%rax)          /* r14 */
    movq $0, -64(%rax)          /* r15 */
    sub $64, %rax
    ret
    .size ctx_init, . - ctx_init

/* First code of every thread: rsp = top - 8, pointing at the zero word. */
    .type ctx_start, @function
ctx_start:
    mov %r13, %rdi
    jmp *%r12
    .size ctx_start, . - ctx_start
