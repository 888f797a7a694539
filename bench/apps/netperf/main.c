/*
 * bench/net's device app: serves bench/net/netpeer.py on TCP port 5001, one
 * connection after another, exactly as the Linux reference (bench/net/netinit.c)
 * does. Each connection starts with one op byte and a big-endian 64-bit count:
 *   'S' COUNT  the device sends COUNT bytes, then closes
 *   'R' COUNT  the device reads COUNT bytes, answers one byte, then closes
 *   'P' 0      the device answers one byte (the first connection: launch -> connected)
 *   'Q' 0      the app exits
 * The address comes from DHCP, or with -D STATIC_IP=MOTE_IP4(a,b,c,d) it is
 * that /24 (bench/net's relay network has no DHCP server). It also prints
 * what starting the network took from RAM (pages and heap bytes).
 */
#include <mote.h>
#include <mote/net.h>

#define PORT 5001

static uint8_t buf[16384];

static int recv_full(struct mote_tcp *c, uint8_t *p, size_t n)
{
    while (n) {
        int r = mote_tcp_recv(c, p, n, 30000);
        if (r <= 0)
            return -1;
        p += r;
        n -= (size_t)r;
    }
    return 0;
}

/* One connection; 1 when it asked us to quit. */
static int serve(struct mote_tcp *c)
{
    uint8_t hdr[9];
    if (recv_full(c, hdr, sizeof(hdr)))
        return 0;
    uint64_t n = 0;
    for (int i = 1; i < 9; i++)
        n = n << 8 | hdr[i];
    if (hdr[0] == 'S') {
        while (n) {
            size_t k = n < sizeof(buf) ? (size_t)n : sizeof(buf);
            if (mote_tcp_send_all(c, buf, k, 30000) < 0)
                return 0;
            n -= k;
        }
    } else if (hdr[0] == 'R') {
        while (n) {
            int r = mote_tcp_recv(c, buf, n < sizeof(buf) ? (size_t)n : sizeof(buf), 30000);
            if (r <= 0)
                return 0;
            n -= (unsigned)r;
        }
        mote_tcp_send(c, "k", 1, 10000);
    } else if (hdr[0] == 'P') {
        mote_tcp_send(c, "p", 1, 10000);
    }
    return hdr[0] == 'Q';
}

int app_main(void)
{
    struct mote_mem_stats before, after;
    struct mote_tcp *l, *c;
    mote_mem_stats(&before);
#ifdef STATIC_IP
    struct mote_net_config cfg = {STATIC_IP, MOTE_IP4(255, 255, 255, 0), 0, 0};
    int err = mote_net_set_static(&cfg);
#else
    int err = mote_net_start(10000);
#endif
    if (!err)
        err = mote_tcp_listen(PORT, 4, &l);
    if (err) {
        printf("netperf: cannot listen: %d\n", err);
        return 1;
    }
    mote_mem_stats(&after);
    printf("netperf: listening on port %d; the network took %zu pages and %zu heap bytes\n", PORT,
           before.pages_free - after.pages_free, after.heap_used - before.heap_used);
    for (;;) {
        if (mote_tcp_accept(l, MOTE_FOREVER, &c))
            continue;
        int quit = serve(c);
        mote_tcp_close(c);
        if (quit)
            break;
    }
    struct mote_net_status st;
    mote_net_status(&st);
    printf("netperf: done; rx %llu frames (%llu dropped), tx %llu frames (%llu errors)\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.rx_dropped,
           (unsigned long long)st.tx_frames, (unsigned long long)st.tx_errors);
    for (int i = 0;; i++) {
        const char *name;
        uint64_t v;
        if (mote_net_counter(i, &name, &v))
            break;
        if (v)
            printf("netperf: counter %s %llu\n", name, (unsigned long long)v);
    }
    return 0;
}
