/*
 * The event trace: an strace for the whole device. TRACE() (shell.h) sits
 * in the scheduler, the interrupt path, the flash driver, the socket calls
 * and the blocking device-API calls; while a class is off it costs a load
 * and a branch predicted not taken (bench/shell measures it). `trace on`
 * allocates the ring on first use; events then go into it with IRQs off,
 * the newest overwriting the oldest, and `trace dump` (cmd_sys.c) prints
 * them. The scheduler links this file into every image, so it holds the
 * recorder and nothing that would pull in the rest of the shell.
 */
#include <hal/cpu.h>
#include <hal/timer.h>
#include <core/core.h>
#include <mm/mm.h>
#include "shell.h"

#define TRACE_PAGES 4               /* 16 KiB: 682 events of 24 bytes */

volatile unsigned trace_mask;
unsigned trace_quiet_tid;
static struct trace_ring ring;

void trace_record(unsigned ev, uint64_t a, int64_t r)
{
    unsigned long flags = arch_irq_save();
    unsigned tid = current ? current->id : 0, q = trace_quiet_tid;
    int quiet = q && (tid == q || (ev == EV_SWITCH && (a == q || r == q)));
    if (ring.ev && !quiet) {
        struct trace_event e = { timer_now_ns(), a, (int32_t)r, (uint16_t)ev, (uint16_t)tid };
        trace_ring_put(&ring, &e);
    }
    arch_irq_restore(flags);
}

int trace_start(unsigned classes)
{
    if (!ring.ev) {
        struct trace_event *ev = page_alloc(TRACE_PAGES);
        if (!ev)
            return MOTE_ENOMEM;
        ring.cap = TRACE_PAGES * PAGE_SIZE / sizeof(struct trace_event);
        ring.ev = ev;
    }
    trace_mask = classes & TRACE_ALL;
    return 0;
}

void trace_stop(void)
{
    trace_mask = 0;
}

/*
 * The i-th oldest event held (counting after the first `skip`) into *e: 1,
 * or 0 when the ring holds no more. IRQs off while copying.
 */
int trace_take(uint32_t skip, uint32_t i, struct trace_event *e)
{
    unsigned long flags = arch_irq_save();
    int ok = ring.ev && skip + i < trace_ring_count(&ring);
    if (ok)
        *e = *trace_ring_at(&ring, skip + i);
    arch_irq_restore(flags);
    return ok;
}

void trace_stats(uint32_t *held, uint64_t *dropped, uint32_t *cap)
{
    unsigned long flags = arch_irq_save();
    *held = ring.ev ? trace_ring_count(&ring) : 0;
    *dropped = ring.total - *held;
    *cap = ring.ev ? ring.cap : TRACE_PAGES * PAGE_SIZE / sizeof(struct trace_event);
    arch_irq_restore(flags);
}


void trace_clear(void)
{
    unsigned long flags = arch_irq_save();
    ring.total = 0;
    arch_irq_restore(flags);
}
