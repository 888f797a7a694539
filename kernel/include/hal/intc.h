/*
 * HAL: the interrupt controller.
 *
 * IRQ numbers are the controller's own, as a device profile names them
 * (docs/kernel.md says how each port numbers them). The core keeps the
 * handler table (core/irq.c); the port only routes, masks and acknowledges.
 */
#ifndef HAL_INTC_H
#define HAL_INTC_H

#define IRQ_MAX 256

void intc_init(void);
/* Route `irq` to this CPU and unmask it. Edge/level as the controller's default. */
void intc_enable(unsigned irq);
void intc_disable(unsigned irq);

/*
 * Implemented by the core. The port's IRQ vector acknowledges the
 * interrupt, calls irq_handle(irq), signals end-of-interrupt, and finally
 * calls sched_irq_exit() (which may switch threads) before restoring the
 * interrupted context.
 */
void irq_handle(unsigned irq);
void sched_irq_exit(void);

#endif
