/*
 * Lazy FP/SIMD switching. The kernel is built without FP registers, so
 * only app code uses them. Their contents belong to one thread at a time,
 * the owner; a switch to any other thread only turns access off (one
 * register write, and none when it was off already). The first FP
 * instruction of another thread traps (fpu_trap): its state is loaded after
 * the owner's is saved, and it becomes the owner. A thread that never uses
 * FP costs nothing, and an FP thread that only alternates with non-FP ones
 * (idle, the timer thread, drivers) is never saved at all.
 * docs/decisions.md ("Floating point") has the measurements.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include "core.h"

struct mote_thread *fpu_owner;       /* whose state is in the registers */
int fpu_access_on;

/* Turn access on or off for `next` (fpu_switch, core.h, calls this only when it changes). */
void fpu_set_access(struct mote_thread *next)
{
    fpu_access_on = next == fpu_owner;
    arch_fpu_access(fpu_access_on);
}

void fpu_trap(void)
{
    struct mote_thread *t = current;
    if (!t || sched_in_irq())
        panic("floating point used outside a thread (interrupt handler or early boot)");
    arch_fpu_access(1);
    fpu_access_on = 1;
    if (fpu_owner == t)
        return;
    if (!t->fpu) {
        t->fpu = malloc(arch_fpu_state_size());
        if (!t->fpu)
            panic("no memory for the FP state of thread '%s' (%u bytes)", t->name, arch_fpu_state_size());
        arch_fpu_init(t->fpu);
    }
    if (fpu_owner)
        arch_fpu_save(fpu_owner->fpu);
    arch_fpu_restore(t->fpu);
    fpu_owner = t;
}

/* t ended: its registers need no saving. IRQs off. */
void fpu_exit(struct mote_thread *t)
{
    if (fpu_owner == t)
        fpu_owner = 0;
}

/* t is being freed. */
void fpu_free(struct mote_thread *t)
{
    free(t->fpu);
    t->fpu = 0;
}
