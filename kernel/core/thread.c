/*
 * Threads: creation with a guarded stack, exit and join.
 *
 * A stack is `n` pages of RAM mapped at an address of its own in the stack
 * area, with an unmapped guard page under it. Running off the bottom of the
 * stack faults there, and the fault report names the thread (panic.c).
 * Because stacks live apart from the identity map, RAM can be mapped with
 * 2 MiB blocks and no block ever has to be split to make a guard page.
 * Stack memory is therefore not at its physical address: never hand a
 * stack buffer to a DMA device.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <mm/mm.h>
#include "core.h"

#define STACK_AREA 0x10000000000ull   /* 1 TiB: above any RAM, canonical on x86_64 */
#define FREE_SLOTS 16

static uintptr_t stack_area_next = STACK_AREA;
static struct {
    uintptr_t va;
    size_t pages;
} free_slots[FREE_SLOTS];

/* Addresses for a stack of `pages` (guard included): reuse a freed slot of the same size. */
static uintptr_t stack_va_alloc(size_t pages)
{
    for (int i = 0; i < FREE_SLOTS; i++) {
        if (free_slots[i].pages == pages) {
            free_slots[i].pages = 0;
            return free_slots[i].va;
        }
    }
    uintptr_t va = stack_area_next;
    stack_area_next += pages * PAGE_SIZE;
    return va;
}

static void stack_va_free(uintptr_t va, size_t pages)
{
    for (int i = 0; i < FREE_SLOTS; i++) {
        if (!free_slots[i].pages) {
            free_slots[i].va = va;
            free_slots[i].pages = pages;
            return;
        }
    }
}

static void thread_entry(void *arg)
{
    struct mote_thread *t = arg;
    arch_irq_enable();
    t->fn(t->arg);
    mote_thread_exit();
}

struct mote_thread *thread_spawn(const char *name, void (*fn)(void *), void *arg, int prio,
                                 size_t stack_size)
{
    struct mote_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return 0;
    size_t pages = PAGE_ROUND_UP(stack_size ? stack_size : MOTE_STACK_DEFAULT) / PAGE_SIZE + 1;
    void *mem = page_alloc(pages - 1);
    if (!mem) {
        free(t);
        return 0;
    }
    unsigned long flags = arch_irq_save();
    uintptr_t base = stack_va_alloc(pages);
    arch_irq_restore(flags);
    if (mmu_map(base + PAGE_SIZE, (uintptr_t)mem, (pages - 1) * PAGE_SIZE, PROT_R | PROT_W))
        panic("cannot map a stack at %p", (void *)base);
    strncpy(t->name, name ? name : "?", sizeof(t->name) - 1);
    t->prio = prio;
    t->fn = fn;
    t->arg = arg;
    t->stack_base = base;
    t->stack_mem = (uintptr_t)mem;
    t->stack_pages = pages;
    t->sp = ctx_init((char *)base + pages * PAGE_SIZE, thread_entry, t);
    sched_add(t);
    return t;
}

struct mote_thread *mote_thread_create(const char *name, void (*fn)(void *), void *arg, int prio,
                                       size_t stack_size)
{
    if (!fn || prio < MOTE_PRIO_MIN || prio > MOTE_PRIO_MAX)
        return 0;
    struct mote_thread *t = thread_spawn(name, fn, arg, prio, stack_size);
    if (t)
        sched_preempt();
    return t;
}

int mote_thread_join(struct mote_thread *t)
{
    if (!t || t == current)
        return MOTE_EINVAL;
    unsigned long flags = arch_irq_save();
    while (t->state != T_DEAD)
        sched_wait(&t->joiners, TIME_NEVER);
    arch_irq_restore(flags);
    sched_forget(t);
    for (size_t i = 1; i < t->stack_pages; i++)
        mmu_unmap_page(t->stack_base + i * PAGE_SIZE);
    page_free((void *)t->stack_mem, t->stack_pages - 1);
    flags = arch_irq_save();
    stack_va_free(t->stack_base, t->stack_pages);
    arch_irq_restore(flags);
    free(t);
    return 0;
}

void mote_thread_exit(void)
{
    sched_exit_current();
}

struct mote_thread *mote_thread_self(void)
{
    return current;
}

const char *mote_thread_name(const struct mote_thread *t)
{
    return t ? t->name : "?";
}

/* The thread whose guard page holds `addr`, or NULL. */
struct mote_thread *thread_of_guard(uintptr_t addr)
{
    for (struct mote_thread *t = sched_threads(); t; t = t->all_next)
        if (addr >= t->stack_base && addr < t->stack_base + PAGE_SIZE)
            return t;
    return 0;
}

/* <errno.h>: each thread has its own errno (the BSD socket calls set it). */
int *__errno_location(void)
{
    static int early;    /* before the first thread */
    return current ? &current->errno_value : &early;
}
