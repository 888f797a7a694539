/*
 * Trap frames and fault decoding (hal/context.h), and the IRQ dispatch
 * that vectors.S calls (hal/intc.h, hal/timer.h).
 */
#include <mote.h>
#include <hal/context.h>
#include <hal/intc.h>
#include "cpu.h"

#define PF_PRESENT 0x1   /* #PF error code bits */
#define PF_WRITE   0x2
#define PF_RSVD    0x8
#define PF_FETCH   0x10

uintptr_t trap_pc(const struct trap_frame *tf) { return tf->rip; }
uintptr_t trap_fp(const struct trap_frame *tf) { return tf->rbp; }
uintptr_t trap_sp(const struct trap_frame *tf) { return tf->rsp; }

/* Every register, four per line, then where and why. */
void trap_dump(const struct trap_frame *tf)
{
    printf("rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", tf->rax, tf->rbx, tf->rcx, tf->rdx);
    printf("rsi %016lx rdi %016lx rbp %016lx rsp %016lx\n", tf->rsi, tf->rdi, tf->rbp, tf->rsp);
    printf("r8  %016lx r9  %016lx r10 %016lx r11 %016lx\n", tf->r8, tf->r9, tf->r10, tf->r11);
    printf("r12 %016lx r13 %016lx r14 %016lx r15 %016lx\n", tf->r12, tf->r13, tf->r14, tf->r15);
    printf("rip %016lx rflags %08lx cs %04lx ss %04lx\n", tf->rip, tf->rflags, tf->cs, tf->ss);
    printf("cr2 %016lx error %lx vector %lu\n", read_cr2(), tf->error, tf->vector);
}

static const char *const exc_names[32] = {
    [0] = "#DE divide error", [1] = "#DB debug", [2] = "NMI", [3] = "#BP breakpoint",
    [4] = "#OF overflow", [5] = "#BR bound range", [6] = "#UD invalid opcode",
    [7] = "#NM device not available", [8] = "#DF double fault", [10] = "#TS invalid TSS",
    [11] = "#NP segment not present", [12] = "#SS stack fault",
    [13] = "#GP general protection", [14] = "#PF page fault", [16] = "#MF x87 error",
    [17] = "#AC alignment check", [18] = "#MC machine check", [19] = "#XM SIMD error",
    [20] = "#VE virtualization", [21] = "#CP control protection",
};

/* "#PF page fault (not present, write)"; static: the fault path never returns. */
static const char *pf_name(uint64_t err)
{
    static char buf[64];
    const char *why = (err & PF_RSVD) ? "reserved bit" : (err & PF_PRESENT) ? "protection" : "not present";
    const char *what = (err & PF_FETCH) ? "exec" : (err & PF_WRITE) ? "write" : "read";
    snprintf(buf, sizeof(buf), "#PF page fault (%s, %s)", why, what);
    return buf;
}

/*
 * Called by vectors.S on the IST stack for vectors 0-31: decode the
 * exception into a struct fault and hand it to the core, which reports it
 * and powers off. #NM (an FP/SSE instruction with CR0.TS set) is the one
 * that returns, once the core gave the thread its FP state.
 */
void trap_exception(struct trap_frame *tf)
{
    unsigned vec = tf->vector;
    if (vec == 7) {
        fpu_trap();             /* #NM: a thread's first FP/SSE instruction since a switch: retried */
        return;
    }
    struct fault f = {
        .kind = FAULT_OTHER, .addr = tf->rip, .write = 0,
        .code = (uint64_t)vec << 32 | (uint32_t)tf->error,
        .arch_name = exc_names[vec] ? exc_names[vec] : "reserved exception", .tf = tf,
    };
    switch (vec) {
    case 14:
        f.addr = read_cr2();
        f.write = (tf->error & PF_WRITE) != 0;
        f.kind = (tf->error & PF_FETCH) ? FAULT_EXEC : FAULT_PAGE;
        f.arch_name = pf_name(tf->error);
        break;
    case 6:
        f.kind = FAULT_UNDEF;
        break;
    case 3:
        f.kind = FAULT_BREAK;
        f.addr = tf->rip - 1;   /* rip is past the one-byte int3 */
        break;
    case 17:
        f.kind = FAULT_ALIGN;   /* x86 does not report the data address */
        break;
    }
    fault_report(&f);
}

/*
 * Called by vectors.S on the interrupted stack for IRQ vectors, IRQs off:
 * dispatch, EOI, then let the scheduler switch if the handler woke someone.
 */
void trap_irq(struct trap_frame *tf)
{
    if (tf->vector == VEC_TIMER)
        timer_irq();
    else
        irq_handle(tf->vector);   /* vector == IOAPIC pin + 32 == HAL irq */
    intc_eoi();
    sched_irq_exit();
}
