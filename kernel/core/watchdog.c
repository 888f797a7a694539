/*
 * The application watchdog (mote/watchdog.h). Feeding only records the
 * time; a software timer due `timeout` after the last feed checks it, in
 * the kernel's timer thread, which outranks every app thread, so a thread
 * spinning in a loop cannot keep it from firing. Expiry reports where each
 * thread is and resets the board (an exit code under QEMU).
 */
#include <hal/context.h>
#include <hal/cpu.h>
#include <hal/timer.h>
#include "core.h"

static struct mote_timer wd_timer;
static volatile uint64_t wd_fed_ns;
static struct mote_thread *volatile wd_fed_by;
static uint64_t wd_timeout_ns;

const char *thread_state_name(const struct mote_thread *t)
{
    static const char *const names[] = { "ready", "running", "blocked", "ended" };
    if (t->state == T_BLOCKED && !t->waitq && t->wake_ns != TIME_NEVER)
        return "sleeping";
    return names[t->state];
}

void threads_report(void)
{
    for (struct mote_thread *t = sched_threads(); t; t = t->all_next) {
        if (t == current || t->prio == PRIO_IDLE)
            continue;
        printf("thread '%s' (%s, priority %d):\n", t->name, thread_state_name(t), t->prio);
        if (t->state != T_DEAD)
            backtrace_print(ctx_frame(t->sp), 0);
    }
}

static void wd_check(struct mote_timer *t, void *arg)
{
    (void)arg;
    uint64_t now = timer_now_ns(), due = wd_fed_ns + wd_timeout_ns;
    if (now < due) {
        mote_timer_start(t, (uint32_t)((due - now + NS_PER_MS - 1) / NS_PER_MS), 0, wd_check, 0);
        return;
    }
    arch_irq_save();
    console_emergency();        /* a stuck thread may hold the console lock */
    struct mote_thread *by = wd_fed_by;
    if (crash_begin)
        crash_begin();
    printf("\n*** WATCHDOG: not fed for %lu ms (timeout %lu ms; last fed by thread '%s'); "
           "resetting the board\n", (unsigned long)((now - wd_fed_ns) / NS_PER_MS),
           (unsigned long)(wd_timeout_ns / NS_PER_MS), by ? by->name : "?");
    threads_report();
    if (crash_end)
        crash_end("watchdog", 0);
    device_reset_or_exit(MOTE_EXIT_APP_WATCHDOG);
}

int mote_watchdog_start(uint32_t timeout_ms)
{
    if (!timeout_ms)
        return MOTE_EINVAL;
    unsigned long flags = arch_irq_save();
    wd_timeout_ns = (uint64_t)timeout_ms * NS_PER_MS;
    mote_watchdog_feed();
    arch_irq_restore(flags);
    mote_timer_start(&wd_timer, timeout_ms, 0, wd_check, 0);
    return 0;
}

void mote_watchdog_feed(void)
{
    wd_fed_ns = timer_now_ns();
    wd_fed_by = current;
}
