/*
 * Trap frames and faults (hal/context.h): ESR_EL1 decoding into a struct
 * fault for the core's fault_report(), and the register dump.
 */
#include <mote.h>
#include <hal/console.h>
#include <hal/context.h>
#include <hal/cpu.h>
#include "cpu.h"

#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_FSC(esr)  ((esr) & 0x3f)
#define ESR_WNR       (1u << 6)

#define EC_UNKNOWN    0x00
#define EC_FP         0x07
#define EC_ILLEGAL    0x0e
#define EC_SVC64      0x15
#define EC_SYSREG     0x18
#define EC_IABT_LOW   0x20
#define EC_IABT       0x21
#define EC_PC_ALIGN   0x22
#define EC_DABT_LOW   0x24
#define EC_DABT       0x25
#define EC_SP_ALIGN   0x26
#define EC_SERROR     0x2f
#define EC_BRK64      0x3c

uintptr_t trap_pc(const struct trap_frame *tf)
{
    return tf->elr;
}

uintptr_t trap_fp(const struct trap_frame *tf)
{
    return tf->x[29];
}

uintptr_t trap_sp(const struct trap_frame *tf)
{
    return tf->sp;
}

/* x0..x30, sp, then the exception registers, four per line. */
void trap_dump(const struct trap_frame *tf)
{
    for (int i = 0; i < 31; i++)
        printf("%s%s%d %016lx%s", i % 4 ? "  " : "", i < 10 ? " x" : "x", i,
               (unsigned long)tf->x[i], i % 4 == 3 ? "\n" : "");
    printf("   sp %016lx\n", (unsigned long)tf->sp);
    printf("  elr %016lx  spsr %016lx   esr %016lx   far %016lx\n", (unsigned long)tf->elr,
           (unsigned long)tf->spsr, (unsigned long)tf->esr, (unsigned long)tf->far);
}

/* Name of an abort's fault status code, and its table level (-1 if none). */
static const char *fsc_name(unsigned fsc, int *level)
{
    static const char *const by_group[4] = { "address size fault", "translation fault",
                                             "access flag fault", "permission fault" };
    *level = -1;
    if (fsc < 0x10) {
        *level = fsc & 3;
        return by_group[fsc >> 2];
    }
    switch (fsc) {
    case 0x10: return "synchronous external abort";
    case 0x21: return "alignment fault";
    case 0x30: return "TLB conflict";
    default: return "fault";
    }
}

/* Fill f->kind, f->addr, f->write and the name (in `buf`) from the ESR. */
static void fault_decode(struct fault *f, const struct trap_frame *tf, char *buf, size_t n)
{
    unsigned ec = ESR_EC(tf->esr);
    const char *what = 0;
    int level;
    f->kind = FAULT_OTHER;
    f->addr = tf->elr;
    switch (ec) {
    case EC_DABT_LOW:
    case EC_DABT:
    case EC_IABT_LOW:
    case EC_IABT: {
        int data = ec == EC_DABT || ec == EC_DABT_LOW;
        const char *fs = fsc_name(ESR_FSC(tf->esr), &level);
        f->addr = tf->far;
        f->write = data && (tf->esr & ESR_WNR);
        f->kind = ESR_FSC(tf->esr) == 0x21 ? FAULT_ALIGN : data ? FAULT_PAGE : FAULT_EXEC;
        if (level >= 0)
            snprintf(buf, n, "%s abort (%s, level %d)", data ? "data" : "instruction", fs, level);
        else
            snprintf(buf, n, "%s abort (%s)", data ? "data" : "instruction", fs);
        return;
    }
    case EC_UNKNOWN: f->kind = FAULT_UNDEF; what = "undefined instruction"; break;
    case EC_PC_ALIGN: f->kind = FAULT_ALIGN; f->addr = tf->far; what = "PC alignment fault"; break;
    case EC_SP_ALIGN: f->kind = FAULT_ALIGN; f->addr = tf->sp; what = "SP alignment fault"; break;
    case EC_BRK64: f->kind = FAULT_BREAK; what = "BRK instruction"; break;
    case EC_FP: what = "FP/SIMD access trapped"; break;
    case EC_ILLEGAL: what = "illegal execution state"; break;
    case EC_SVC64: what = "SVC instruction"; break;
    case EC_SYSREG: what = "trapped system register access"; break;
    case EC_SERROR: what = "SError (asynchronous abort)"; break;
    }
    if (what)
        snprintf(buf, n, "%s", what);
    else
        snprintf(buf, n, "exception class 0x%x", ec);
}

/* A fault while reporting a fault: say so with the bare console and stop. */
static void fault_nested(const struct trap_frame *tf)
{
    static const char msg[] = "\n[mote] fault inside the fault handler, pc ";
    for (const char *s = msg; *s; s++)
        console_putc(*s);
    for (int i = 60; i >= 0; i -= 4)
        console_putc("0123456789abcdef"[(tf->elr >> i) & 0xf]);
    console_putc('\n');
    arch_power_off(MOTE_EXIT_PANIC);
}

/*
 * Called by vectors.S on the exception stack with IRQs masked, for every
 * exception other than an IRQ. Returns only from an FP/SIMD access trap
 * (vectors.S then resumes the thread); anything else is reported.
 */
void trap_fault(struct trap_frame *tf, unsigned long kind)
{
    static char name[80];
    static int active;
    if (power_off_resume())
        return;                 /* not reached: the next power-off step runs */
    if (kind == TRAP_SYNC && ESR_EC(tf->esr) == EC_FP) {
        fpu_trap();             /* a thread's first FP instruction since a switch: retried */
        return;
    }
    if (kind == TRAP_NESTED || active)
        fault_nested(tf);
    active = 1;
    struct fault f = { .code = tf->esr, .tf = tf, .arch_name = name };
    if (kind == TRAP_BADVEC) {
        f.kind = FAULT_OTHER;
        f.addr = tf->elr;
        snprintf(name, sizeof(name), "unexpected exception vector (FIQ or lower EL)");
    } else {
        fault_decode(&f, tf, name, sizeof(name));
    }
    fault_report(&f);
}
