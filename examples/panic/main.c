/*
 * A deliberate crash, to show what Mote prints when an app faults: the kind
 * of fault, the address, the registers and a backtrace with function names.
 *
 * The default is a null-pointer write three calls deep. Build with
 * -DCRASH=... to try the others (see docs/debugging.md):
 *   CRASH_NULL (default), CRASH_UNDEF, CRASH_STACK, CRASH_PANIC
 */
#include <mote.h>

#define CRASH_NULL  1
#define CRASH_UNDEF 2
#define CRASH_STACK 3
#define CRASH_PANIC 4

#ifndef CRASH
#define CRASH CRASH_NULL
#endif

struct sensor {
    int id;
    int last_value;
};

__attribute__((noinline)) static void sensor_store(struct sensor *s, int value)
{
    s->last_value = value;  /* s is NULL: this write faults */
}

__attribute__((noinline)) static void sensor_poll(struct sensor *s)
{
    sensor_store(s, 42);
}

static volatile int keep_going = 1;

__attribute__((noinline)) static int recurse_forever(int depth)
{
    volatile char pad[512];
    pad[0] = (char)depth;
    if (!keep_going)
        return pad[0];
    return recurse_forever(depth + 1) + pad[0];
}

int app_main(void)
{
    printf("panic demo: about to crash on purpose\n");
    switch (CRASH) {
    case CRASH_UNDEF:
#if defined(__aarch64__)
        __asm__ volatile(".inst 0x00000000");   /* UDF #0 */
#else
        __asm__ volatile("ud2");
#endif
        break;
    case CRASH_STACK:
        return recurse_forever(0);
    case CRASH_PANIC:
        mote_panic("sensor %d returned %d", 7, -5);
    default:
        sensor_poll((struct sensor *)0);
    }
    return 0;
}
