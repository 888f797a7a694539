/*
 * Threads: creation with a guarded stack, exit and join.
 *
 * A stack is `n` pages with one more page under it that is unmapped: the
 * guard page. Running off the bottom of the stack faults there, and the
 * fault report names the thread (panic.c: thread_of_guard).
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include "kernel.h"

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
    void *base = page_alloc(pages);
    if (!base) {
        free(t);
        return 0;
    }
    mmu_unmap_page((uintptr_t)base);
    strncpy(t->name, name ? name : "?", sizeof(t->name) - 1);
    t->prio = prio;
    t->fn = fn;
    t->arg = arg;
    t->stack_base = (uintptr_t)base;
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
    mmu_map(t->stack_base, t->stack_base, PAGE_SIZE, PROT_R | PROT_W);
    page_free((void *)t->stack_base, t->stack_pages);
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
