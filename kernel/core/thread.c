/*
 * Threads: creation with a guarded stack, exit, join, and what can be
 * asked about a thread.
 *
 * A stack is RAM mapped at an address of its own in the stack area, with
 * an unmapped guard region of STACK_GUARD bytes under it, taken together
 * as one range of the area (mm/vrange.c). A function whose frame is
 * smaller than the guard cannot step over it: its first access below the
 * stack faults in the guard, and the fault report names the thread
 * (panic.c). The build refuses larger frames (docs/decisions.md, "Stack
 * overflows"). The guard costs no RAM, only addresses.
 *
 * Because stacks live apart from the identity map, RAM can be mapped with
 * 2 MiB blocks and no block ever has to be split to make a guard. Stack
 * memory is therefore not at its physical address: never hand a stack
 * buffer to a DMA device.
 *
 * A joined thread gives everything back: its pages, its range (any later
 * stack of that size or smaller reuses it, and free neighbours merge), and
 * the page-table pages that mapped only it.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/mmu.h>
#include <mm/mm.h>
#include <shell/shell.h>
#include "core.h"

#define STACK_AREA 0x10000000000ull   /* 1 TiB: above any RAM, canonical on x86_64 */
#define STACK_AREA_SIZE (512ull << 30) /* one top-level table entry */
#define STACK_FILL 0x4b4154534b415453ull /* "STAKSTAK": never written = never used */

_Static_assert(KERNEL_STACK_FRAME_MAX == MOTE_STACK_FRAME_MAX, "the Makefile's frame limit");
_Static_assert(MOTE_STACK_FRAME_MAX + 4096 <= MOTE_STACK_GUARD, "a frame must fit in the guard");

static struct vrange_area stack_area;
static int stack_area_ready;

static struct vrange *range_node_new(void)
{
    return malloc(sizeof(struct vrange));
}

static void range_node_delete(struct vrange *r)
{
    free(r);
}

/* Addresses for a stack of `bytes` and its guard; IRQs off. NULL when out of memory. */
static struct vrange *stack_range_alloc(size_t bytes)
{
    if (!stack_area_ready) {
        vrange_init(&stack_area, STACK_AREA, STACK_AREA_SIZE, range_node_new, range_node_delete);
        stack_area_ready = 1;
    }
    return vrange_alloc(&stack_area, STACK_GUARD + bytes);
}

static void thread_entry(void *arg)
{
    struct mote_thread *t = arg;
    arch_irq_enable();
    t->fn(t->arg);
    mote_thread_exit();
}

/* Unmap and free a thread's stack and give its range back (any part may be missing). */
static void stack_release(struct mote_thread *t)
{
    if (t->stack_range) {
        mmu_unmap(t->stack_lo, t->stack_size);
        unsigned long flags = arch_irq_save();
        vrange_free(&stack_area, t->stack_range);
        arch_irq_restore(flags);
    }
    if (t->stack_mem)
        page_free((void *)t->stack_mem, t->stack_size / PAGE_SIZE);
}

int thread_new(struct mote_thread **out, const char *name, void (*fn)(void *), void *arg,
               int prio, size_t stack_size)
{
    *out = 0;
    if (!stack_size)
        stack_size = MOTE_STACK_DEFAULT;
    if (!fn || stack_size > MOTE_STACK_MAX)
        return MOTE_EINVAL;
    struct mote_thread *t = calloc(1, sizeof(*t));
    if (!t)
        return MOTE_ENOMEM;
    t->stack_size = PAGE_ROUND_UP(stack_size);
    void *mem = page_alloc(t->stack_size / PAGE_SIZE);
    if (!mem)
        goto err_nomem;
    t->stack_mem = (uintptr_t)mem;
    unsigned long flags = arch_irq_save();
    t->stack_range = stack_range_alloc(t->stack_size);
    arch_irq_restore(flags);
    if (!t->stack_range)
        goto err_nomem;
    t->stack_lo = t->stack_range->start + STACK_GUARD;
    int err = mmu_map(t->stack_lo, t->stack_mem, t->stack_size, PROT_R | PROT_W);
    if (err == MOTE_ENOMEM)
        goto err_nomem;
    if (err)
        panic("cannot map a stack at %p (error %d)", (void *)t->stack_lo, err);
    for (uint64_t *w = mem; (uintptr_t)w < t->stack_mem + t->stack_size; w++)
        *w = STACK_FILL;
    strncpy(t->name, name ? name : "?", sizeof(t->name) - 1);
    static unsigned next_id;
    flags = arch_irq_save();
    t->id = ++next_id;
    arch_irq_restore(flags);
    t->prio = t->base_prio = prio;
    t->fn = fn;
    t->arg = arg;
    t->sp = ctx_init((char *)t->stack_lo + t->stack_size, thread_entry, t);
    TRACE(TRACE_API, EV_THREAD_START, t->id, prio);
    sched_add(t);
    *out = t;
    return 0;

err_nomem:
    stack_release(t);
    free(t);
    return MOTE_ENOMEM;
}

struct mote_thread *thread_spawn(const char *name, void (*fn)(void *), void *arg, int prio,
                                 size_t stack_size)
{
    struct mote_thread *t;
    return thread_new(&t, name, fn, arg, prio, stack_size) ? 0 : t;
}

int mote_thread_start(struct mote_thread **out, const char *name, void (*fn)(void *), void *arg,
                      int prio, size_t stack_size)
{
    struct mote_thread *t = 0;
    int err = MOTE_EINVAL;
    if (prio >= MOTE_PRIO_MIN && prio <= MOTE_PRIO_MAX)
        err = thread_new(&t, name, fn, arg, prio, stack_size);
    if (out)
        *out = t;
    if (!err)
        sched_preempt();
    return err;
}

struct mote_thread *mote_thread_create(const char *name, void (*fn)(void *), void *arg, int prio,
                                       size_t stack_size)
{
    struct mote_thread *t;
    return mote_thread_start(&t, name, fn, arg, prio, stack_size) ? 0 : t;
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
    stack_release(t);
    fpu_free(t);
    free(t);
    return 0;
}

/* A thread may not end holding a mutex: its waiters would wait forever. */
void mote_thread_exit(void)
{
    if (current->held)
        panic("thread '%s' ended holding mutex %p", current->name, (void *)current->held);
    TRACE(TRACE_API, EV_THREAD_EXIT, 0, 0);
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

int mote_thread_set_priority(struct mote_thread *t, int prio)
{
    if (prio < MOTE_PRIO_MIN || prio > MOTE_PRIO_MAX)
        return MOTE_EINVAL;
    unsigned long flags = arch_irq_save();
    if (!t)
        t = current;
    t->base_prio = prio;
    prio_update(t);
    arch_irq_restore(flags);
    sched_preempt();
    return 0;
}

/* Bytes of t's stack ever written: from the lowest word that lost its fill pattern. */
static size_t stack_peak(const struct mote_thread *t)
{
    const uint64_t *w = (const uint64_t *)t->stack_lo;
    const uint64_t *top = (const uint64_t *)(t->stack_lo + t->stack_size);
    while (w < top && *w == STACK_FILL)
        w++;
    return (size_t)((const char *)top - (const char *)w);
}

int mote_thread_stat(const struct mote_thread *t, struct mote_thread_stat *st)
{
    if (!st)
        return MOTE_EINVAL;
    if (!t)
        t = current;
    st->name = t->name;
    st->priority = t->prio;
    st->base_priority = t->base_prio;
    st->stack_size = t->stack_size;
    st->stack_peak = stack_peak(t);
    return 0;
}

/*
 * The thread whose guard region holds `addr`, or NULL. A frame smaller
 * than the guard that steps off a stack lands in that stack's own guard.
 */
struct mote_thread *thread_of_guard(uintptr_t addr)
{
    for (struct mote_thread *t = sched_threads(); t; t = t->all_next)
        if (t->stack_range && addr >= t->stack_range->start && addr < t->stack_lo)
            return t;
    return 0;
}

/* 1 if `sp` is below t's stack, in or past its guard: t ran off its stack. */
int thread_sp_overflowed(const struct mote_thread *t, uintptr_t sp)
{
    return t && t->stack_range && sp < t->stack_lo && sp >= t->stack_lo - STACK_AREA_SIZE;
}

/* <errno.h>: each thread has its own errno (the BSD socket calls set it). */
int *__errno_location(void)
{
    static int early;    /* before the first thread */
    return current ? &current->errno_value : &early;
}
