/*
 * A TCP echo server (RFC 862) on port 7: every byte a client sends comes
 * back, until the client closes. Clients are served one after another.
 *
 *     mote run out/echo.img --hostfwd 7007:7       # then, on the host:
 *     nc 127.0.0.1 7007
 */
#include <mote.h>
#include <mote/net.h>

#define PORT 7

static uint8_t buf[16384];

/* Echo until the client closes (or the connection fails); returns the bytes echoed. */
static unsigned long long serve(struct mote_tcp *c)
{
    unsigned long long total = 0;
    int n;
    while ((n = mote_tcp_recv(c, buf, sizeof(buf), MOTE_FOREVER)) > 0) {
        /* a receive may return less than the buffer holds: send back what came */
        if (mote_tcp_send_all(c, buf, (size_t)n, 30000) < 0)
            break;
        total += (unsigned)n;
    }
    mote_tcp_close(c);
    return total;
}

int app_main(void)
{
    struct mote_tcp *l, *c;
    int err = mote_net_start(10000);
    if (!err)
        err = mote_tcp_listen(PORT, 4, &l);
    if (err) {
        printf("echo: cannot listen: %d\n", err);
        return 1;
    }
    printf("echo: listening on port %d\n", PORT);
    for (;;) {
        uint32_t ip;
        uint16_t port;
        if (mote_tcp_accept(l, MOTE_FOREVER, &c))
            continue;
        mote_tcp_addr(c, 0, 0, &ip, &port);
        printf("echo: %u.%u.%u.%u:%u connected\n", MOTE_IP4_ARGS(ip), port);
        unsigned long long n = serve(c);
        printf("echo: %u.%u.%u.%u:%u done, %llu bytes echoed\n", MOTE_IP4_ARGS(ip), port, n);
    }
}
