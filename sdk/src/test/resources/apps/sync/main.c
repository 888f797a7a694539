/*
 * Threads and sync beyond the basics (SyncTest.java boots it). Each check
 * prints "sync: <what> ok" or "sync: FAILED: <what> ..." and the app exits
 * with the number of failures. WATCHDOG=1: feed the watchdog a few times,
 * then get stuck; the watchdog must end the run (MOTE_EXIT_APP_WATCHDOG).
 */
#include <mote.h>

static int failures;

static __attribute__((unused)) void check(bool ok, const char *what, long detail)
{
    if (ok) {
        printf("sync: %s ok\n", what);
    } else {
        printf("sync: FAILED: %s (%ld)\n", what, detail);
        failures++;
    }
}

#ifdef WATCHDOG
static void spin_ms(uint32_t ms)
{
    uint64_t end = mote_uptime_ms() + ms;
    while (mote_uptime_ms() < end)
        ;
}

static __attribute__((noinline)) void stuck_loop(void)
{
    puts("sync: main loop stuck");
    for (;;)
        spin_ms(1);
}

int app_main(void)
{
    mote_watchdog_start(200);
    for (int i = 0; i < 5; i++) {
        mote_sleep_ms(100);
        mote_watchdog_feed();
    }
    puts("sync: fed the watchdog 5 times");
    stuck_loop();
    return 0;
}
#else

/* ---- priority inheritance: low holds the mutex, high wants it, middle spins ---- */
static struct mote_mutex pi_lock = MOTE_MUTEX_INIT;
static struct mote_sem low_has_it;
static int low_prio_while_held, low_prio_after;
static uint64_t high_waited_ms;

static void low(void *arg)
{
    (void)arg;
    struct mote_thread_stat st;
    mote_mutex_lock(&pi_lock);
    mote_sem_post(&low_has_it);
    uint64_t end = mote_uptime_ms() + 50;   /* 50 ms of work under the lock */
    while (mote_uptime_ms() < end) {
        mote_thread_stat(NULL, &st);
        if (st.priority > low_prio_while_held)
            low_prio_while_held = st.priority;
    }
    mote_mutex_unlock(&pi_lock);
    mote_thread_stat(NULL, &st);
    low_prio_after = st.priority;
}

static volatile bool high_has_it, middle_gave_up;

/* Busy until high got the mutex: without inheritance low never runs meanwhile, so never. */
static void middle(void *arg)
{
    (void)arg;
    uint64_t end = mote_uptime_ms() + 2000;
    while (!high_has_it)
        if (mote_uptime_ms() > end) {
            middle_gave_up = true;
            break;
        }
}

static void high(void *arg)
{
    (void)arg;
    uint64_t t0 = mote_uptime_ms();
    mote_mutex_lock(&pi_lock);
    high_waited_ms = mote_uptime_ms() - t0;
    high_has_it = true;
    mote_mutex_unlock(&pi_lock);
}

static void test_priority_inheritance(void)
{
    mote_sem_init(&low_has_it, 0);
    struct mote_thread *l = mote_thread_create("low", low, 0, 2, 0);
    mote_sem_wait(&low_has_it, MOTE_FOREVER);
    struct mote_thread *m = mote_thread_create("middle", middle, 0, 6, 0);
    struct mote_thread *h = mote_thread_create("high", high, 0, 10, 0);
    mote_thread_join(h);
    mote_thread_join(m);
    mote_thread_join(l);
    printf("sync: high waited %d ms for the mutex (low held it for 50 ms)\n", (int)high_waited_ms);
    check(!middle_gave_up, "priority inheritance: high did not wait out middle", (long)high_waited_ms);
    check(low_prio_while_held == 10, "priority inheritance: low ran at high's priority", low_prio_while_held);
    check(low_prio_after == 2, "priority inheritance: low back to its own after unlock", low_prio_after);
}

/* ---- condition variable: a bounded buffer of one item ---- */
static struct mote_mutex box_lock = MOTE_MUTEX_INIT;
static struct mote_cond box_changed = MOTE_COND_INIT;
static int box, box_full, consumed_sum;

static void consumer(void *arg)
{
    int n = (int)(intptr_t)arg;
    for (int i = 0; i < n; i++) {
        mote_mutex_lock(&box_lock);
        while (!box_full)
            mote_cond_wait(&box_changed, &box_lock, MOTE_FOREVER);
        consumed_sum += box;
        box_full = 0;
        mote_cond_broadcast(&box_changed);
        mote_mutex_unlock(&box_lock);
    }
}

static void test_condition_variable(void)
{
    struct mote_thread *c = mote_thread_create("consumer", consumer, (void *)10, 5, 0);
    for (int i = 1; i <= 10; i++) {
        mote_mutex_lock(&box_lock);
        while (box_full)
            mote_cond_wait(&box_changed, &box_lock, MOTE_FOREVER);
        box = i;
        box_full = 1;
        mote_cond_signal(&box_changed);
        mote_mutex_unlock(&box_lock);
    }
    mote_thread_join(c);
    check(consumed_sum == 55, "condition variable: every item handed over", consumed_sum);
    mote_mutex_lock(&box_lock);
    uint64_t t0 = mote_uptime_ms();
    int r = mote_cond_wait(&box_changed, &box_lock, 30);
    uint64_t took = mote_uptime_ms() - t0;
    check(r == MOTE_ETIMEDOUT && took >= 30, "condition variable: timeout", r);
    check(mote_mutex_unlock(&box_lock) == 0, "condition variable: mutex held again after the timeout", 0);
    check(mote_cond_wait(&box_changed, &box_lock, 10) == MOTE_EPERM, "condition variable: needs the mutex", 0);
}

/* ---- event flags, set from a software timer ---- */
static struct mote_event ev = MOTE_EVENT_INIT;

static void set_bit(struct mote_timer *t, void *arg)
{
    (void)t;
    mote_event_set(&ev, (uint32_t)(uintptr_t)arg);
}

static void test_event_flags(void)
{
    static struct mote_timer t1, t2;
    uint32_t got = 0;
    check(mote_event_wait(&ev, 0x1, MOTE_EVENT_ANY, 0, &got) == MOTE_EAGAIN, "events: timeout 0", 0);
    mote_timer_start(&t1, 20, 0, set_bit, (void *)0x1);
    mote_timer_start(&t2, 40, 0, set_bit, (void *)0x4);
    uint64_t t0 = mote_uptime_ms();
    int r = mote_event_wait(&ev, 0x5, MOTE_EVENT_ALL | MOTE_EVENT_CLEAR, 1000, &got);
    uint64_t took = mote_uptime_ms() - t0;
    check(r == 0 && got == 0x5 && took >= 40, "events: wait for all", r ? r : (long)took);
    check(mote_event_get(&ev) == 0, "events: cleared on return", (long)mote_event_get(&ev));
    mote_event_set(&ev, 0x8);
    r = mote_event_wait(&ev, 0x18, MOTE_EVENT_ANY, 1000, &got);
    check(r == 0 && got == 0x8 && mote_event_get(&ev) == 0x8, "events: any, not cleared", r);
    r = mote_event_wait(&ev, 0x2, MOTE_EVENT_ANY, 25, &got);
    check(r == MOTE_ETIMEDOUT, "events: timeout", r);
    check(mote_event_wait(&ev, 0, 0, 0, 0) == MOTE_EINVAL, "events: no bits", 0);
}

/* ---- changing priorities ---- */
static int order[4], order_n;

static void note(void *arg)
{
    order[order_n++] = (int)(intptr_t)arg;
}

static void test_set_priority(void)
{
    struct mote_thread *t = mote_thread_create("raised", note, (void *)1, 3, 0);
    check(order_n == 0, "priority: a lower thread waits", order_n);
    mote_thread_set_priority(t, 12);       /* now above us: runs before this returns */
    order[order_n++] = 2;
    check(order_n == 2 && order[0] == 1 && order[1] == 2, "priority: raised thread ran at once", order[0]);
    mote_thread_join(t);
    check(mote_thread_set_priority(NULL, 0) == MOTE_EINVAL, "priority: 0 refused", 0);
    check(mote_thread_set_priority(NULL, MOTE_PRIO_MAX + 1) == MOTE_EINVAL, "priority: 16 refused", 0);
    mote_thread_set_priority(NULL, 9);
    struct mote_thread_stat st;
    mote_thread_stat(NULL, &st);
    check(st.priority == 9 && st.base_priority == 9, "priority: own priority set", st.priority);
    mote_thread_set_priority(NULL, MOTE_PRIO_DEFAULT);
}

/* ---- stack high-water mark ---- */
static __attribute__((noinline)) int use_stack(int kib)
{
    volatile char buf[3 * 1024];
    for (unsigned i = 0; i < sizeof buf; i++)
        buf[i] = (char)i;
    return kib ? buf[kib] : 0;
}

static void stack_user(void *arg)
{
    use_stack((int)(intptr_t)arg);
}

static void test_stack_peak(void)
{
    struct mote_thread *t;
    struct mote_thread_stat st;
    mote_thread_start(&t, "stacky", stack_user, (void *)1, 9, 8192);
    mote_thread_stat(t, &st);
    printf("sync: 'stacky' used %u of %u stack bytes\n", (unsigned)st.stack_peak, (unsigned)st.stack_size);
    check(st.stack_size == 8192 && st.stack_peak >= 3 * 1024 && st.stack_peak < 5 * 1024,
          "stack: high-water mark", (long)st.stack_peak);
    check(strcmp(st.name, "stacky") == 0, "stack: name", 0);
    mote_thread_join(t);
}

/* ---- why a thread could not start ---- */
static struct mote_sem hold;

static void holder(void *arg)
{
    (void)arg;
    mote_sem_wait(&hold, MOTE_FOREVER);
}

static void test_thread_start_reasons(void)
{
    struct mote_thread *t = (struct mote_thread *)1;
    check(mote_thread_start(&t, "p0", holder, 0, 0, 0) == MOTE_EINVAL && !t, "start: priority 0", 0);
    check(mote_thread_start(&t, "p16", holder, 0, 16, 0) == MOTE_EINVAL, "start: priority 16", 0);
    check(mote_thread_start(&t, "nofn", NULL, 0, 5, 0) == MOTE_EINVAL, "start: no function", 0);
    check(mote_thread_start(&t, "huge", holder, 0, 5, MOTE_STACK_MAX + 1) == MOTE_EINVAL,
          "start: stack over MOTE_STACK_MAX", 0);
    check(!mote_thread_create("p0", holder, 0, 0, 0), "create: NULL for a bad priority", 0);
    /* 16 MiB stacks until the RAM runs out */
    struct mote_thread *big[64];
    int n = 0, err = 0;
    mote_sem_init(&hold, 0);
    while (n < 64 && !(err = mote_thread_start(&big[n], "big", holder, 0, 5, MOTE_STACK_MAX)))
        n++;
    printf("sync: %d threads with 16 MiB stacks, then error %d\n", n, err);
    check(err == MOTE_ENOMEM && n > 0, "start: out of memory", err);
    for (int i = 0; i < n; i++)
        mote_sem_post(&hold);
    for (int i = 0; i < n; i++)
        mote_thread_join(big[i]);
    check(mote_thread_start(&t, "again", holder, 0, 5, MOTE_STACK_MAX) == 0, "start: memory back", 0);
    mote_sem_post(&hold);
    mote_thread_join(t);
}

int app_main(void)
{
    test_priority_inheritance();
    test_condition_variable();
    test_event_flags();
    test_set_priority();
    test_stack_peak();
    test_thread_start_reasons();
    printf("sync: %d failed\n", failures);
    return failures;
}
#endif
