/*
 * bench/shell's trace cost app: how long a traced kernel operation takes with the trace off and
 * with it on, so the cost of one trace event is the difference over the events recorded.
 *   queue: N send + receive pairs on a queue with room (each call records one api event);
 *   switch: N round trips between two threads through two semaphores (two context switches
 *           and two semaphore waits each: the sched and api events of a real hand-over).
 * Prints "tracecost MODE queue_ns=X switch_ns=Y" per mode (off, then on), the best of ROUNDS.
 * Built with -D WITH_SHELL it switches the trace on through the shell for the second mode;
 * without, it measures "off" only, and links nothing of the shell (so it also builds against a
 * kernel that has none: the baseline bench/shell compares with).
 */
#include <mote.h>

#define N 20000
#define ROUNDS 5

#ifdef WITH_SHELL
#define shell_run mote_shell_run
#else
static int shell_run(const char *line, char *out, size_t cap)
{
    (void)line;
    (void)out;
    (void)cap;
    return 0;
}
#endif

static struct mote_sem ping, pong;
static volatile int stop;

static void partner(void *arg)
{
    (void)arg;
    while (!stop) {
        mote_sem_wait(&ping, MOTE_FOREVER);
        mote_sem_post(&pong);
    }
}

static uint64_t queue_loop(struct mote_queue *q)
{
    uint32_t v = 0;
    uint64_t t0 = mote_uptime_ns();
    for (int i = 0; i < N; i++) {
        mote_queue_send(q, &v, 0);
        mote_queue_recv(q, &v, 0);
    }
    return (mote_uptime_ns() - t0) / N;
}

static uint64_t switch_loop(void)
{
    uint64_t t0 = mote_uptime_ns();
    for (int i = 0; i < N / 4; i++) {
        mote_sem_post(&ping);
        mote_sem_wait(&pong, MOTE_FOREVER);
    }
    return (mote_uptime_ns() - t0) / (N / 4);
}

static void measure(const char *mode, struct mote_queue *q, const char *on_queue, const char *on_switch)
{
    char out[128];
    uint64_t bq = ~0ull, bs = ~0ull;
    for (int r = 0; r < ROUNDS; r++) {
        if (on_queue)
            shell_run(on_queue, out, sizeof out);
        uint64_t tq = queue_loop(q);
        if (on_switch)
            shell_run(on_switch, out, sizeof out);
        uint64_t ts = switch_loop();
        if (on_queue)
            shell_run("trace clear", out, sizeof out);
        bq = tq < bq ? tq : bq;
        bs = ts < bs ? ts : bs;
    }
    printf("tracecost %s queue_ns=%llu switch_ns=%llu\n", mode, (unsigned long long)bq, (unsigned long long)bs);
}

int app_main(void)
{
    static struct mote_queue q;
    mote_queue_init(&q, sizeof(uint32_t), 4);
    mote_sem_init(&ping, 0);
    mote_sem_init(&pong, 0);
    struct mote_thread *t = mote_thread_create("partner", partner, 0, MOTE_PRIO_DEFAULT, 0);
    measure("off", &q, 0, 0);
#ifdef WITH_SHELL
    {
        measure("on", &q, "trace on api", "trace on sched api");
        char out[64];
        shell_run("trace off", out, sizeof out);
    }
#endif
    stop = 1;
    mote_sem_post(&ping);
    mote_thread_join(t);
    return 0;
}
