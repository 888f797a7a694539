/* The device interrupt table: ports acknowledge, we dispatch. */
#include <hal/cpu.h>
#include <hal/intc.h>
#include <shell/shell.h>
#include "core.h"

static struct {
    void (*fn)(void *);
    void *arg;
} handlers[IRQ_MAX];

/* Install fn(arg) for `irq` and unmask it. Returns MOTE_EINVAL if taken or out of range. */
int irq_attach(unsigned irq, void (*fn)(void *), void *arg)
{
    if (irq >= IRQ_MAX || handlers[irq].fn)
        return MOTE_EINVAL;
    handlers[irq].arg = arg;
    handlers[irq].fn = fn;
    intc_enable(irq);
    return 0;
}

void irq_handle(unsigned irq)
{
    sched_irq_enter();
    TRACE(TRACE_IRQ, EV_IRQ, irq, 0);
    if (irq < IRQ_MAX && handlers[irq].fn) {
        handlers[irq].fn(handlers[irq].arg);
    } else {
        printf("[mote] spurious irq %u, masking it\n", irq);
        intc_disable(irq);
    }
    sched_irq_leave();
}

/*
 * Before handing the CPU to another program (the bootloader's jump): mask
 * every attached IRQ, let any that was already raised be taken (on x86 an
 * edge the local APIC accepted would otherwise stay pending into the next
 * program, which has no handler for it yet), then forget the handlers.
 * IRQs off on entry and on return.
 */
void irq_quiesce(void)
{
    for (unsigned i = 0; i < IRQ_MAX; i++) {
        if (handlers[i].fn)
            intc_disable(i);
    }
    arch_irq_enable();
    (void)arch_irq_save();
    for (unsigned i = 0; i < IRQ_MAX; i++)
        handlers[i].fn = 0;
}
