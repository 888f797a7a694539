/*
 * kmain: the portable boot sequence. boot.S (each port) sets up a stack,
 * clears .bss, and on x86_64 enters long mode with a temporary identity map;
 * then it calls kmain() with IRQs disabled.
 */
#include <hal/board.h>
#include <hal/console.h>
#include <hal/cpu.h>
#include <hal/intc.h>
#include <hal/timer.h>
#include <mm/mm.h>
#include <update/update.h>
#include "core.h"

static void main_thread(void *arg)
{
    (void)arg;
    int code = app_main();
    device_exit(code);
}

void kmain(void)
{
    arch_early_init();      // vectors, exception stack
    console_init();         // polled console: printf works from here on
    mem_init();             // page allocator over the RAM the board reports
    mmu_init();             // W^X kernel map, null page unmapped, MMIO mapped; MMU on
    heap_init();            // malloc/free on top of the page allocator
    intc_init();            // interrupt controller, everything masked
    timer_init();           // monotonic clock and the one-shot deadline timer
    sched_init();           // idle + timer threads; this context becomes "boot"

    printf("[mote] %s: %lu KiB RAM, booted in %lu us\n", board.name,
           (unsigned long)(mem_total() / 1024), (unsigned long)(timer_boot_ns() / 1000));
    if (!mote_thread_create("main", main_thread, 0, MOTE_PRIO_DEFAULT, 0))
        panic("cannot create the main thread");
    bootctl_watchdog_start();   // a TEST image that never confirms is reset, then reverted
    sched_start();          // enables IRQs, runs threads; never returns
}
