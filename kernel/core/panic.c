/*
 * When things go wrong: panic() / mote_panic() for broken invariants, and
 * fault_report() for CPU exceptions. Both say what happened in words, show
 * the registers (faults) and a backtrace with function names from the
 * on-device symbol table, then power off with MOTE_EXIT_PANIC.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <mm/mm.h>
#include "core.h"
#include "symtab.h"

#define MAX_FRAMES 32

static int reporting;

/* Name of the function containing addr, from the linked-in table. */
const char *kernel_symbol(uintptr_t addr, uintptr_t *offset)
{
    if (__symtab_end - __symtab_start < (long)sizeof(struct symtab_header))
        return 0;
    return symtab_lookup(__symtab_start, addr, offset);
}


/* Begin a report; a fault while reporting powers off at once. */
static void report_begin(void)
{
    arch_irq_save();
    console_emergency();
    if (reporting++) {
        console_write("\n*** fault while reporting a fault; powering off\n", 50);
        arch_power_off(MOTE_EXIT_PANIC);
    }
    if (crash_begin)
        crash_begin();
}

/* End a report: keep it in flash when the image can report it later, then power off. */
__attribute__((noreturn)) static void report_end(const char *kind, uintptr_t addr)
{
    if (crash_end)
        crash_end(kind, addr);
    arch_power_off(MOTE_EXIT_PANIC);
}

static const char *thread_name(void)
{
    return current ? current->name : "boot";
}

static void print_location(const char *prefix, uintptr_t pc)
{
    uintptr_t off;
    const char *name = kernel_symbol(pc, &off);
    if (name)
        printf("%s0x%016lx %s+0x%lx\n", prefix, (unsigned long)pc, name, (unsigned long)off);
    else
        printf("%s0x%016lx ?\n", prefix, (unsigned long)pc);
}

/* A frame record is readable if it is 8-byte aligned and mapped. */
static int frame_ok(uintptr_t fp)
{
    unsigned prot;
    if (fp < PAGE_SIZE || (fp & 7))
        return 0;
    if (!mmu_query(fp, &prot) || !(prot & PROT_R))
        return 0;
    return mmu_query(fp + 8, &prot) && (prot & PROT_R);
}

/*
 * Walk the frame-pointer chain from `fp`, numbering frames from `n`. Both
 * ports use the same record: [fp] = caller's fp, [fp + 8] = return address.
 * Runs of the same return address (deep recursion) print once, with a count.
 */
void backtrace_print(uintptr_t fp, int n)
{
    uintptr_t last = 0;
    int repeats = 0;
    for (int depth = 0; depth < 4096 && n < MAX_FRAMES && frame_ok(fp); depth++) {
        uintptr_t *rec = (uintptr_t *)fp;
        uintptr_t ret = rec[1];
        if (!ret)
            break;
        if (ret == last) {
            repeats++;
        } else {
            if (repeats)
                printf("      ... the same call %d more times\n", repeats);
            repeats = 0;
            last = ret;
            /* ret - 1 lies inside the call instruction, so inside the caller */
            uintptr_t off;
            const char *name = kernel_symbol(ret - 1, &off);
            if (name)
                printf("  #%-2d 0x%016lx %s+0x%lx\n", n, (unsigned long)ret, name,
                       (unsigned long)off + 1);
            else
                printf("  #%-2d 0x%016lx ?\n", n, (unsigned long)ret);
            n++;
        }
        if (rec[0] <= fp)   /* frames grow upwards; anything else is corrupt */
            break;
        fp = rec[0];
    }
    if (repeats)
        printf("      ... the same call %d more times\n", repeats);
}

__attribute__((noreturn)) static void vpanic(const char *fmt, va_list ap)
{
    uintptr_t fp = arch_frame_address();
    report_begin();
    printf("\n*** PANIC in thread '%s': ", thread_name());
    vprintf(fmt, ap);
    printf("\nbacktrace:\n");
    backtrace_print(fp, 0);
    report_end("panic", 0);
}

void panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpanic(fmt, ap);
}

void mote_panic(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vpanic(fmt, ap);
}

/*
 * The thread that ran off its stack, if that is what this fault is: the
 * running thread when its stack pointer is below its stack (however far a
 * frame jumped), else the thread whose guard region holds the address.
 */
static struct mote_thread *overflowed_thread(const struct fault *f)
{
    if (thread_sp_overflowed(current, trap_sp(f->tf)))
        return current;
    return f->kind == FAULT_PAGE ? thread_of_guard(f->addr) : 0;
}

/*
 * Say what a fault means in terms a C programmer uses; *kind gets the
 * crash record's short name for it (docs/ota-protocol.md, "Crash records").
 */
static const char *fault_summary(const struct fault *f, struct mote_thread **overflowed,
                                 const char **kind)
{
    *overflowed = overflowed_thread(f);
    if (*overflowed && f->kind != FAULT_EXEC)
        return *kind = "stack-overflow", "stack overflow";
    switch (f->kind) {
    case FAULT_PAGE:
        if (f->addr < PAGE_SIZE)
            return *kind = "null-pointer", "null pointer dereference";
        if (f->write)
            return *kind = "bad-write", "invalid memory write";
        return *kind = "bad-read", "invalid memory read";
    case FAULT_EXEC:
        if (f->addr < PAGE_SIZE)
            return *kind = "null-call", "call through a null function pointer";
        return *kind = "bad-jump", "jump to non-executable memory";
    case FAULT_UNDEF:
        return *kind = "undefined-instruction", "undefined instruction";
    case FAULT_ALIGN:
        return *kind = "misaligned", "misaligned access";
    case FAULT_BREAK:
        return *kind = "breakpoint", "breakpoint / trap instruction";
    default:
        return *kind = "cpu-exception", "CPU exception";
    }
}

void fault_report(const struct fault *f)
{
    report_begin();
    struct mote_thread *ovf;
    const char *kind;
    const char *what = fault_summary(f, &ovf, &kind);
    printf("\n*** FAULT in thread '%s': %s", thread_name(), what);
    if (f->kind == FAULT_PAGE || f->kind == FAULT_EXEC || f->kind == FAULT_ALIGN)
        printf(" (%s address 0x%lx)", f->kind == FAULT_EXEC ? "fetch" : f->write ? "write to" : "read from",
               (unsigned long)f->addr);
    if (ovf)
        printf(": thread '%s' ran past the bottom of its %lu-byte stack", ovf->name,
               (unsigned long)ovf->stack_size);
    printf("\n");
    print_location("  at ", trap_pc(f->tf));
    printf("  cpu: %s (syndrome 0x%lx)\n", f->arch_name ? f->arch_name : "?", (unsigned long)f->code);
    trap_dump(f->tf);
    printf("backtrace:\n");
    print_location("  #0  ", trap_pc(f->tf));
    backtrace_print(trap_fp(f->tf), 1);
    report_end(kind, f->addr);
}
