/*
 * Floating point in app threads (FpTest.java boots it). Each worker runs
 * an FP recurrence long enough to be preempted many times by its equal-
 * priority siblings, with its values held in FP registers; the result must
 * match the same computation run alone, bit for bit. A timer callback and
 * a thread that ends while owning the FP registers use FP too. Prints
 * "fp: <what> ok" or "fp: FAILED: <what>"; exits with the failure count.
 * BENCH=1: measure thread switches with and without FP users instead.
 */
#include <mote.h>

static int failures;

static void check(bool ok, const char *what, long detail)
{
    if (ok) {
        printf("fp: %s ok\n", what);
    } else {
        printf("fp: FAILED: %s (%ld)\n", what, detail);
        failures++;
    }
}

/* A chain of FP operations no compiler can fold: each step needs the last. */
static __attribute__((noinline)) double recurrence(double seed, long steps)
{
    double x = seed, y = 1.0 / seed, mean = 0.0;
    for (long i = 1; i <= steps; i++) {
        x = x * 1.0000001 + y * 0.5;
        y = y * 0.9999999 - x * 1e-9;
        mean += (x - mean) / (double)i;         /* a running mean, as telemetry does */
    }
    return mean + x * 1e-3 + y;
}

/* The bits of a double, to compare and print exactly. */
static uint64_t bits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

#ifndef BENCH
#define WORKERS 3
#define STEPS 1000000

struct work {
    double seed, result;
    uint64_t start_ns, end_ns;
};

static void worker(void *arg)
{
    struct work *w = arg;
    w->start_ns = mote_uptime_ns();
    w->result = recurrence(w->seed, STEPS);
    w->end_ns = mote_uptime_ns();
}

static volatile double timer_value;
static struct mote_sem timer_done;

static void on_timer(struct mote_timer *t, void *arg)
{
    (void)t;
    (void)arg;
    timer_value = recurrence(2.5, 1000);
    mote_sem_post(&timer_done);
}

static void short_lived(void *arg)
{
    *(double *)arg = recurrence(7.0, 100);       /* owns the FP registers when it ends */
}

int app_main(void)
{
    struct work w[WORKERS];
    double alone[WORKERS];
    for (int i = 0; i < WORKERS; i++) {
        w[i].seed = 1.5 + i;
        alone[i] = recurrence(w[i].seed, STEPS);
    }
    uint64_t t0 = mote_uptime_ms();
    struct mote_thread *t[WORKERS];
    for (int i = 0; i < WORKERS; i++)
        t[i] = mote_thread_create("worker", worker, &w[i], MOTE_PRIO_DEFAULT - 1, 0);
    /* main keeps FP values live in registers across the workers' run, too */
    double mine = recurrence(0.75, 1000);
    for (int i = 0; i < WORKERS; i++)
        mote_thread_join(t[i]);
    uint64_t took = mote_uptime_ms() - t0;
    printf("fp: %d workers x %d steps shared the CPU for %u ms (10 ms slices)\n", WORKERS, STEPS,
           (unsigned)took);
    for (int i = 0; i < WORKERS; i++) {
        printf("fp: worker %d: %016llx, alone %016llx\n", i, (unsigned long long)bits(w[i].result),
               (unsigned long long)bits(alone[i]));
        check(bits(w[i].result) == bits(alone[i]), "preempted worker matches its run alone", i);
    }
    uint64_t last_start = 0, first_end = UINT64_MAX;
    for (int i = 0; i < WORKERS; i++) {
        last_start = w[i].start_ns > last_start ? w[i].start_ns : last_start;
        first_end = w[i].end_ns < first_end ? w[i].end_ns : first_end;
    }
    check(last_start < first_end, "the workers shared the CPU (each was preempted)", (long)took);
    check(bits(mine) == bits(recurrence(0.75, 1000)), "main's own values survived", 0);

    static struct mote_timer tm;
    mote_sem_init(&timer_done, 0);
    mote_timer_start(&tm, 10, 0, on_timer, 0);
    mote_sem_wait(&timer_done, MOTE_FOREVER);
    check(bits(timer_value) == bits(recurrence(2.5, 1000)), "FP in a timer callback", 0);

    double r = 0;
    struct mote_thread *s = mote_thread_create("short", short_lived, &r, MOTE_PRIO_DEFAULT + 1, 0);
    mote_thread_join(s);
    double after = recurrence(3.0, 100);        /* the ended owner's state is not saved anywhere */
    check(bits(r) == bits(recurrence(7.0, 100)) && bits(after) == bits(recurrence(3.0, 100)),
          "a thread that ends owning the FP registers", 0);
    /* integer-only threads still switch without touching FP */
    int volatile sum = 0;
    for (int i = 1; i <= 10; i++)
        sum += (int)(recurrence((double)i, 10) > 0);
    check(sum == 10, "FP and integer work mixed", sum);
    printf("fp: %d failed\n", failures);
    return failures;
}
#else
/*
 * Two threads hand a semaphore back and forth; each hand-over is a switch.
 * The FP and integer variants are separate functions, so that the integer
 * ones contain no FP instruction at all (a compiler may use FP registers
 * anywhere in a function that has any).
 */
#define ROUNDS 20000

static struct mote_sem ping, pong;
static volatile double sink;

static void partner_int(void *arg)
{
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        mote_sem_wait(&ping, MOTE_FOREVER);
        mote_sem_post(&pong);
    }
}

static void partner_fp(void *arg)
{
    double acc = 1.0;
    (void)arg;
    for (int i = 0; i < ROUNDS; i++) {
        mote_sem_wait(&ping, MOTE_FOREVER);
        acc = acc * 1.000001 + 0.5;
        mote_sem_post(&pong);
    }
    sink = acc;
}

static __attribute__((noinline)) void main_int(void)
{
    for (int i = 0; i < ROUNDS; i++) {
        mote_sem_post(&ping);
        mote_sem_wait(&pong, MOTE_FOREVER);
    }
}

static __attribute__((noinline)) void main_fp(void)
{
    double acc = 1.0;
    for (int i = 0; i < ROUNDS; i++) {
        acc = acc * 1.000001 + 0.5;
        mote_sem_post(&ping);
        mote_sem_wait(&pong, MOTE_FOREVER);
    }
    sink = acc;
}

static void run(void (*mine)(void), void (*theirs)(void *), const char *what)
{
    mote_sem_init(&ping, 0);
    mote_sem_init(&pong, 0);
    struct mote_thread *t = mote_thread_create("partner", theirs, 0, MOTE_PRIO_DEFAULT, 0);
    uint64_t t0 = mote_uptime_ns();
    mine();
    uint64_t ns = mote_uptime_ns() - t0;
    mote_thread_join(t);
    printf("fp bench: %-28s %5u ns per switch\n", what, (unsigned)(ns / (2 * ROUNDS)));
}

int app_main(void)
{
    for (int rep = 0; rep < 2; rep++) {
        run(main_int, partner_int, "no FP in either thread");
        run(main_fp, partner_int, "FP in one thread");
        run(main_fp, partner_fp, "FP in both threads");
    }
    (void)check;
    (void)bits;
    (void)recurrence;
    return 0;
}
#endif
