/* bench/flash's raw-link sink: reads the console UART as fast as mote_getchar() returns bytes and
 * counts them until SINK_BYTES have arrived, then prints the count and the elapsed time (from the
 * first byte) and exits. Build with -D SINK_BYTES=N.
 * Handshake: QEMU drops console output while no client is connected (wait=off), so the app stays
 * quiet until it reads a '!' (the host sends one every 200 ms), answers "uartsink ready", and from
 * then on counts every byte except '!' (one may still be in flight). The host's data holds neither
 * 0x00 nor '!'; the clock that matters is the host's: first byte sent -> "uartsink done" read back
 * on the same socket. */
#include <mote.h>
#include <stdint.h>

#ifndef SINK_BYTES
#define SINK_BYTES 1048576
#endif

int app_main(void)
{
    while (mote_getchar() != '!')
        ;
    printf("uartsink ready: waiting for %u bytes\n", (unsigned)SINK_BYTES);
    uint32_t n = 0, sum = 0;
    uint64_t t0 = 0;
    while (n < SINK_BYTES) {
        int c = mote_getchar();
        if (c < 0 || c == '!')
            continue;
        if (n == 0)
            t0 = mote_uptime_ns();
        sum += (uint32_t)c;
        n++;
    }
    uint64_t us = (mote_uptime_ns() - t0) / 1000;
    printf("uartsink done: %u bytes in %u.%03u ms, sum %u\n", (unsigned)n, (unsigned)(us / 1000),
           (unsigned)(us % 1000), (unsigned)sum);
    return 0;
}
