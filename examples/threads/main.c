/*
 * Threads, a periodic timer and a message queue, with output that is the
 * same on every run: a producer sends readings through a queue, a consumer
 * adds them up, a periodic timer ticks three times, and a higher-priority
 * thread preempts a busy lower-priority one.
 */
#include <mote.h>

struct reading {
    int seq;
    int value;
};

static struct mote_queue readings;
static struct mote_sem ticks_done;
static struct mote_mutex total_lock = MOTE_MUTEX_INIT;
static int total;

static void producer(void *arg)
{
    int count = (int)(intptr_t)arg;
    for (int i = 1; i <= count; i++) {
        struct reading r = { i, i * 10 };
        mote_queue_send(&readings, &r, MOTE_FOREVER);
        mote_sleep_ms(5);
    }
}

static void consumer(void *arg)
{
    int count = (int)(intptr_t)arg;
    for (int i = 0; i < count; i++) {
        struct reading r;
        mote_queue_recv(&readings, &r, MOTE_FOREVER);
        mote_mutex_lock(&total_lock);
        total += r.value;
        mote_mutex_unlock(&total_lock);
        printf("consumer: reading %d = %d\n", r.seq, r.value);
    }
}

static void on_tick(struct mote_timer *t, void *arg)
{
    int *n = arg;
    printf("timer: tick %d\n", ++*n);
    if (*n == 3) {
        mote_timer_stop(t);
        mote_sem_post(&ticks_done);
    }
}

static volatile int spinning;

static void spinner(void *arg)
{
    (void)arg;
    spinning = 1;
    while (spinning)
        ;       /* busy: only preemption lets the urgent thread in */
}

static void urgent(void *arg)
{
    (void)arg;
    printf("urgent: preempted the spinner\n");
    spinning = 0;
}

int app_main(void)
{
    mote_queue_init(&readings, sizeof(struct reading), 2);
    mote_sem_init(&ticks_done, 0);

    struct mote_thread *p = mote_thread_create("producer", producer, (void *)4, MOTE_PRIO_DEFAULT, 0);
    struct mote_thread *c = mote_thread_create("consumer", consumer, (void *)4, MOTE_PRIO_DEFAULT, 0);
    mote_thread_join(p);
    mote_thread_join(c);
    printf("total = %d\n", total);

    static struct mote_timer tick;
    int n = 0;
    uint64_t start = mote_uptime_ms();
    mote_timer_start(&tick, 20, 20, on_tick, &n);
    mote_sem_wait(&ticks_done, MOTE_FOREVER);
    uint64_t took = mote_uptime_ms() - start;
    printf("timer: 3 ticks in %s60 ms\n", took >= 60 ? ">= " : "< ");

    struct mote_thread *s = mote_thread_create("spinner", spinner, 0, MOTE_PRIO_DEFAULT - 1, 0);
    while (!spinning)
        mote_sleep_ms(1);
    struct mote_thread *u = mote_thread_create("urgent", urgent, 0, MOTE_PRIO_DEFAULT + 1, 0);
    mote_thread_join(u);
    mote_thread_join(s);

    struct mote_mem_stats st;
    mote_mem_stats(&st);
    printf("heap in use after joins: %s\n", st.heap_used < 4096 ? "small" : "LEAK");
    printf("threads: done\n");
    return 0;
}
