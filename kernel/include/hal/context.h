/*
 * HAL: thread contexts, trap frames and faults.
 */
#ifndef HAL_CONTEXT_H
#define HAL_CONTEXT_H

#include <stdint.h>

/*
 * Switch threads. Saves the callee-saved registers and return address on
 * the current stack, stores the stack pointer in *save_sp, loads new_sp and
 * returns into whatever was saved there. Called with IRQs disabled; the
 * IRQ state is part of neither side (the core restores its own).
 */
void ctx_switch(void **save_sp, void *new_sp);

/*
 * Prepare a fresh stack so that the first ctx_switch() to the returned
 * stack pointer runs entry(arg), with IRQs still disabled and a frame
 * pointer of 0 (ends backtraces). `entry` never returns.
 */
void *ctx_init(void *stack_top, void (*entry)(void *), void *arg);

/*
 * Floating point and SIMD registers, switched lazily by the core
 * (core/fpu.c): the kernel itself is built without them, so only app
 * threads (and anything they call with FP arguments) ever use them.
 */
/* Bytes (a multiple of 16) of a saved FP/SIMD state; the state is 16-byte aligned. */
unsigned arch_fpu_state_size(void);
/* on: FP/SIMD instructions run; off: the first one traps, and the port calls fpu_trap(). */
void arch_fpu_access(int on);
/* Save / load the registers (access must be on). */
void arch_fpu_save(void *state);
void arch_fpu_restore(const void *state);
/* The state a thread starts with (everything zero, default rounding, exceptions masked). */
void arch_fpu_init(void *state);
/*
 * Implemented by the core. Called by the port's exception handler, with
 * IRQs off, when the running thread used an FP/SIMD instruction while
 * access was off; returning retries the instruction.
 */
void fpu_trap(void);

/* The frame pointer saved in a context that ctx_switch() switched away from (backtraces). */
uintptr_t ctx_frame(const void *saved_sp);

/* The register state saved by an exception or interrupt; layout is the port's. */
struct trap_frame;

uintptr_t trap_pc(const struct trap_frame *tf);
uintptr_t trap_fp(const struct trap_frame *tf);
uintptr_t trap_sp(const struct trap_frame *tf);
/* Print every register, a few per line, through printf. */
void trap_dump(const struct trap_frame *tf);

enum fault_kind {
    FAULT_PAGE,      /* translation / permission fault on a data access */
    FAULT_EXEC,      /* instruction fetch from a non-executable or unmapped page */
    FAULT_UNDEF,     /* undefined / invalid instruction */
    FAULT_ALIGN,     /* misaligned access */
    FAULT_BREAK,     /* breakpoint instruction */
    FAULT_OTHER,     /* anything else; `code` says what */
};

struct fault {
    enum fault_kind kind;
    uintptr_t addr;      /* faulting data address (FAULT_PAGE/EXEC/ALIGN), else pc */
    int write;           /* 1 if the access was a write */
    uint64_t code;       /* the port's raw description of it, printed in hex */
    const char *arch_name; /* the port's name for it, e.g. "data abort", "#PF" */
    struct trap_frame *tf;
};

/*
 * Implemented by the core (core/panic.c). The port's synchronous
 * exception handler fills a struct fault and calls this, on the exception
 * stack. It prints the report and backtrace and powers off; never returns.
 */
__attribute__((noreturn)) void fault_report(const struct fault *f);

#endif
