/*
 * The scheduler: strict priorities (0 = idle .. PRIO_KERNEL), round-robin
 * time slices among equal priorities, and no periodic tick: the one-shot
 * timer is armed for the earliest of the next sleeper's wake-up and the end
 * of the current slice, so an idle device sleeps in WFI/HLT.
 *
 * Everything here runs with IRQs off. Threads switch in schedule(), either
 * from a thread that blocks or yields, or at the end of an interrupt
 * (sched_irq_exit), in which case the interrupt frame stays on the
 * preempted thread's stack until it runs again.
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/timer.h>
#include <shell/shell.h>
#include "core.h"

#define SLICE_NS (10 * NS_PER_MS)

struct mote_thread *current;
static struct mote_thread *runq[NPRIO];
static uint32_t ready_mask;          /* bit p set: runq[p] is not empty */
static struct mote_thread *sleepers; /* by wake_ns */
static struct mote_thread *all_threads;
static int need_resched, slice_expired, irq_depth, running;
static uint64_t slice_end = TIME_NEVER;

static int highest_ready(void)
{
    return ready_mask ? 31 - __builtin_clz(ready_mask) : -1;
}

static void ready_push(struct mote_thread *t, int front)
{
    t->state = T_READY;
    if (front)
        tq_push_head(&runq[t->prio], t);
    else
        tq_push_tail(&runq[t->prio], t);
    ready_mask |= 1u << t->prio;
}

static struct mote_thread *ready_pop(int prio)
{
    struct mote_thread *t = tq_pop(&runq[prio]);
    if (!runq[prio])
        ready_mask &= ~(1u << prio);
    return t;
}

/* Arm the hardware timer for the next thing the scheduler waits for. */
static void rearm(void)
{
    uint64_t d = sleepers ? sleepers->wake_ns : TIME_NEVER;
    (void)timer_set_deadline(slice_end < d ? slice_end : d);
}

/* Start a time slice if another thread of the current priority is waiting. */
static void slice_update(void)
{
    if (current->prio != PRIO_IDLE && runq[current->prio]) {
        if (slice_end == TIME_NEVER)
            slice_end = timer_now_ns() + SLICE_NS;
    } else {
        slice_end = TIME_NEVER;
    }
}

/* Make t runnable; ask for a switch if it outranks the running thread. */
static void make_ready(struct mote_thread *t)
{
    ready_push(t, 0);
    if (!current)
        return;
    if (t->prio > current->prio)
        need_resched = 1;
    else if (t->prio == current->prio)
        slice_update();
}

/* Switch to the best ready thread (maybe the current one). IRQs off. */
static void schedule(void)
{
    struct mote_thread *prev = current;
    need_resched = 0;
    if (prev->state == T_RUNNING) {
        int top = highest_ready();
        if (top < prev->prio || (top == prev->prio && !slice_expired)) {
            slice_expired = 0;
            slice_update();
            rearm();
            return;
        }
        ready_push(prev, top > prev->prio);   /* preempted: keep its turn */
    }
    slice_expired = 0;
    struct mote_thread *next = ready_pop(highest_ready());
    next->state = T_RUNNING;
    current = next;
    slice_end = TIME_NEVER;
    slice_update();
    rearm();
    if (next != prev) {
        uint64_t now = timer_now_ns();
        prev->cpu_ns += now - prev->run_ns;
        next->run_ns = now;
        TRACE(TRACE_SCHED, EV_SWITCH, next->id, prev->id);
        fpu_switch(next);
        ctx_switch(&prev->sp, next->sp);
    }
}

void sched_add(struct mote_thread *t)
{
    unsigned long flags = arch_irq_save();
    t->all_next = all_threads;
    all_threads = t;
    t->wake_ns = TIME_NEVER;
    make_ready(t);
    if (running)
        rearm();
    arch_irq_restore(flags);
}

/* Drop a dead thread from the list of all threads (before freeing it). */
void sched_forget(struct mote_thread *t)
{
    unsigned long flags = arch_irq_save();
    for (struct mote_thread **p = &all_threads; *p; p = &(*p)->all_next) {
        if (*p == t) {
            *p = t->all_next;
            break;
        }
    }
    arch_irq_restore(flags);
}

void sched_preempt(void)
{
    unsigned long flags = arch_irq_save();
    if (need_resched && running && !irq_depth)
        schedule();
    arch_irq_restore(flags);
}

void sched_yield(void)
{
    unsigned long flags = arch_irq_save();
    slice_expired = 1;
    schedule();
    arch_irq_restore(flags);
}

int sched_wait(struct mote_thread **waitq, uint64_t deadline_ns)
{
    struct mote_thread *t = current;
    if (irq_depth || !running)
        panic("blocking wait outside a thread (irq depth %d)", irq_depth);
    t->state = T_BLOCKED;
    t->wait_result = 0;
    t->waitq = waitq;
    if (waitq)
        tq_insert_prio(waitq, t);
    if (deadline_ns != TIME_NEVER) {
        t->wake_ns = deadline_ns;
        sq_insert(&sleepers, t);
    }
    schedule();
    return t->wait_result;
}

struct mote_thread *sched_wake_one(struct mote_thread **waitq)
{
    struct mote_thread *t = tq_pop(waitq);
    if (!t)
        return 0;
    t->waitq = 0;
    if (t->wake_ns != TIME_NEVER) {
        sq_remove(&sleepers, t);
        t->wake_ns = TIME_NEVER;
    }
    t->wait_result = 0;
    make_ready(t);
    rearm();
    return t;
}

void sched_wake_all(struct mote_thread **waitq)
{
    while (sched_wake_one(waitq))
        ;
}

/*
 * Give t the effective priority `prio` (IRQs off): a ready thread moves to
 * that run queue, a blocked one to its place in its wait queue, and a
 * switch is asked for if the running thread no longer has the highest.
 */
void sched_set_prio(struct mote_thread *t, int prio)
{
    if (t->prio == prio)
        return;
    if (t->state == T_READY) {
        tq_remove(&runq[t->prio], t);
        if (!runq[t->prio])
            ready_mask &= ~(1u << t->prio);
        t->prio = prio;
        make_ready(t);
    } else {
        t->prio = prio;
        if (t->state == T_BLOCKED && t->waitq) {
            tq_remove(t->waitq, t);
            tq_insert_prio(t->waitq, t);
        }
    }
    if (current && running && highest_ready() > current->prio)
        need_resched = 1;
}

void sched_exit_current(void)
{
    arch_irq_save();
    current->state = T_DEAD;
    fpu_exit(current);
    while (sched_wake_one(&current->joiners))
        ;
    schedule();
    panic("dead thread '%s' was scheduled", current->name);
}

/* The timer fired: wake every sleeper that is due, end the slice if due. */
void clock_event(void)
{
    irq_depth++;
    uint64_t now = timer_now_ns();
    while (sleepers && sleepers->wake_ns <= now) {
        struct mote_thread *t = sleepers;
        sleepers = t->sleep_next;
        t->sleep_next = 0;
        t->wake_ns = TIME_NEVER;
        t->wait_result = MOTE_ETIMEDOUT;
        if (t->waitq) {
            tq_remove(t->waitq, t);
            t->waitq = 0;
        }
        make_ready(t);
    }
    if (slice_end <= now) {
        slice_expired = 1;
        need_resched = 1;
        slice_end = TIME_NEVER;
    }
    rearm();
    irq_depth--;
}

void sched_irq_exit(void)
{
    if (need_resched && running && !irq_depth)
        schedule();
}

void sched_irq_enter(void) { irq_depth++; }
void sched_irq_leave(void) { irq_depth--; }
int sched_in_irq(void) { return irq_depth > 0; }
int sched_running(void) { return running; }
struct mote_thread *sched_threads(void) { return all_threads; }

uint64_t sched_cpu_ns(const struct mote_thread *t)
{
    unsigned long flags = arch_irq_save();
    uint64_t ns = t->cpu_ns + (t == current ? timer_now_ns() - t->run_ns : 0);
    arch_irq_restore(flags);
    return ns;
}

/* The idle thread: sleep the CPU whenever nothing else is ready. */
static void idle_main(void *arg)
{
    (void)arg;
    for (;;) {
        arch_irq_save();
        if (highest_ready() > PRIO_IDLE)
            schedule();
        else
            arch_idle();
    }
}

void sched_init(void)
{
    if (!thread_spawn("idle", idle_main, 0, PRIO_IDLE, 2048))
        panic("cannot create the idle thread");
    swtimer_init();
}

void sched_start(void)
{
    static void *boot_sp;
    arch_irq_save();
    running = 1;
    current = ready_pop(highest_ready());
    current->state = T_RUNNING;
    current->run_ns = timer_now_ns();
    slice_update();
    rearm();
    ctx_switch(&boot_sp, current->sp);
    panic("returned to the boot stack");
}
