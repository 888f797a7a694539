/*
 * bench/agent's raw TCP download: connect to the host through mote run's guestfwd (the path the
 * OTA agent's MQTT connection takes), read until the host closes, and print the bytes and the
 * rate once TCPGET_BYTES arrived (the rate does not wait for the close). The clock starts at the
 * first bytes, as the OTA agent's does at the first chunk: the connect and the relay's start
 * (a JVM's, for GuestRelay) are not transfer, and the bytes of that first read are not
 * counted. The host end
 * (bench/agent/agent.py) sends that many. Build with -D TCPGET_PORT=N (default 5001) and
 * -D TCPGET_BYTES=N (default 4 MiB).
 */
#include <mote.h>
#include <mote/net.h>

#ifndef TCPGET_PORT
#define TCPGET_PORT 5001
#endif
#ifndef TCPGET_BYTES
#define TCPGET_BYTES (4u << 20)
#endif

static uint8_t buf[16384];

int app_main(void)
{
    struct mote_tcp *c;
    int err = mote_tcp_connect(MOTE_NET_HOST, TCPGET_PORT, 20000, &c);
    if (err) {
        printf("tcpget: connect: error %d\n", err);
        return 1;
    }
    uint64_t start = 0, total = 0, first = 0;
    int n = 0;
    while (total < TCPGET_BYTES && (n = mote_tcp_recv(c, buf, sizeof(buf), 30000)) > 0) {
        if (!total) {
            start = mote_uptime_ns();
            first = (uint64_t)n;
        }
        total += (uint64_t)n;
    }
    uint64_t ns = total ? mote_uptime_ns() - start : 0;
    total -= first;
    mote_tcp_abort(c);
    printf("tcpget: %llu bytes in %llu us (%llu KiB/s)%s\n", (unsigned long long)total,
           (unsigned long long)(ns / 1000), (unsigned long long)(ns ? total * 1000000000ull / 1024 / ns : 0),
           n < 0 ? " (ended by an error)" : "");
    return n < 0 ? 1 : 0;
}
