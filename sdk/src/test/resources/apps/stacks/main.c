/*
 * Thread stacks (StacksTest.java boots it), one scenario per build:
 *
 *   (default)    3,000 create/join cycles with stack sizes from 4 KiB to
 *                64 KiB, some threads alive across cycles so freed ranges
 *                are reused by other sizes: no page may be lost. Prints
 *                "stacks: no leak" and exits 0, or says what leaked, exit 1.
 *   FRAME=13     a thread with an 8 KiB stack calls a function with a
 *   FRAME=48     13 KiB (or 48 KiB) local array, above a neighbour thread's
 *                stack: the overflow must be reported, naming the thread
 *                ('deep'), and the neighbour's stack must be untouched.
 *   FRAME=100    a 100 KiB frame: must not compile (frame-larger-than).
 */
#include <mote.h>

#define CYCLES 3000

#ifdef FRAME
static struct mote_sem go;

/* Big enough to fill the frame; consumed so the compiler keeps every byte. */
static __attribute__((noinline)) unsigned big_frame(void)
{
    volatile unsigned char local[FRAME * 1024];
    for (unsigned i = 0; i < sizeof local; i++)
        local[i] = (unsigned char)i;
    unsigned sum = 0;
    for (unsigned i = 0; i < sizeof local; i += 512)
        sum += local[i];
    return sum;
}

static void deep(void *arg)
{
    (void)arg;
    printf("deep: calling a function with a %d KiB frame on an 8 KiB stack\n", FRAME);
    printf("deep: survived, sum %u (the overflow went unnoticed)\n", big_frame());
}

/* Sits just below 'deep' in the stack area, checking its own stack stays intact. */
static void neighbour(void *arg)
{
    volatile uint32_t mine[1024];
    for (int i = 0; i < 1024; i++)
        mine[i] = 0x600d0000u + (uint32_t)i;
    mote_sem_wait(&go, MOTE_FOREVER);
    for (int i = 0; i < 1024; i++) {
        if (mine[i] != 0x600d0000u + (uint32_t)i) {
            printf("neighbour: my stack was overwritten at word %d\n", i);
            mote_exit(2);
        }
    }
    puts("neighbour: stack intact");
    (void)arg;
}

int app_main(void)
{
    mote_sem_init(&go, 0);
    struct mote_thread *n = mote_thread_create("neighbour", neighbour, 0, MOTE_PRIO_DEFAULT + 1, 8192);
    struct mote_thread *d = mote_thread_create("deep", deep, 0, MOTE_PRIO_DEFAULT, 8192);
    mote_thread_join(d);
    mote_sem_post(&go);
    mote_thread_join(n);
    return 3;
}
#else
static void worker(void *arg)
{
    volatile char buf[256];
    buf[0] = (char)(uintptr_t)arg;
    (void)buf[0];
}

/* Pages free after `rounds` cycles of creating and joining threads of varying sizes. */
static size_t churn(int rounds, uint32_t *seed)
{
    struct mote_thread *held[4] = { 0 };
    for (int i = 0; i < rounds; i++) {
        *seed = *seed * 1103515245u + 12345u;
        size_t kib = 4 + (*seed >> 16) % 61;        /* 4..64 KiB */
        int slot = (int)((*seed >> 8) % 8);
        struct mote_thread *t = mote_thread_create("w", worker, (void *)(uintptr_t)i,
                                                   MOTE_PRIO_DEFAULT, kib * 1024);
        if (!t) {
            printf("stacks: FAILED: cycle %d could not create a thread\n", i);
            mote_exit(1);
        }
        if (slot < 4) {             /* keep it a while: its range stays taken */
            if (held[slot])
                mote_thread_join(held[slot]);
            held[slot] = t;
        } else {
            mote_thread_join(t);
        }
    }
    for (int k = 0; k < 4; k++)
        if (held[k])
            mote_thread_join(held[k]);
    struct mote_mem_stats st;
    mote_mem_stats(&st);
    return st.pages_free;
}

int app_main(void)
{
    uint32_t seed = 7;
    size_t warm = churn(200, &seed);
    size_t after = churn(CYCLES, &seed);
    printf("stacks: %u pages free after warm-up, %u after %d more cycles\n", (unsigned)warm,
           (unsigned)after, CYCLES);
    if (after < warm) {
        printf("stacks: FAILED: %u pages leaked\n", (unsigned)(warm - after));
        return 1;
    }
    puts("stacks: no leak");
    return 0;
}
#endif
