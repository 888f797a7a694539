/*
 * The TAP test app (NetworkTapTest): Mote's TCP against Linux's own, through
 * the test's relay (which drops, reorders, duplicates and delays frames) and
 * a TAP device in a network namespace. The device is 192.168.77.2/24, Linux
 * 192.168.77.1. The steps run in order; each prints "tap-test: <step> ..."
 * for the test, which sets the relay's conditions and tells the Linux peer
 * (sdk/src/test/resources/tap/peer.py) its half of the step. Steps where the
 * device connects retry until the peer listens (the test starts the peer's
 * half after setting the conditions).
 *
 *   send    connect to :5001, send 1 MiB of pattern(1), close
 *   recv    listen on :6001, receive to EOF (pattern(2), 1 MiB), close
 *   zerowin connect to :5002, send 512 KiB of pattern(3): the peer stops reading for a while
 *   rstsend connect to :5003, send until an error: the peer resets after 64 KiB
 *   rstrecv listen on :6003, read 64 KiB, answer one byte, read on: the peer resets
 *   simclose connect to :5004, send one byte, wait CROSS_MS, half-close, read to EOF, close
 */
#include <mote.h>
#include <mote/net.h>

#define PEER MOTE_IP4(192, 168, 77, 1)
#define MIB (1024 * 1024)
#define CROSS_MS 200     /* the relay delays each frame 200 ms then: the two FINs cross */

static uint8_t buf[16384];
static int failures;

/* pattern(seed): the byte stream peer.py and the Java test compute the same way. */
struct pattern {
    uint32_t x;
};

static void pattern_fill(struct pattern *p, uint8_t *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        p->x = p->x * 1103515245u + 12345u;
        out[i] = (uint8_t)(p->x >> 24);
    }
}

static void print_sha(const char *step, unsigned long long n, struct mote_sha256 *s)
{
    uint8_t d[32];
    mote_sha256_final(s, d);
    printf("tap-test: %s %llu bytes sha256 ", step, n);
    for (int i = 0; i < 32; i++)
        printf("%02x", d[i]);
    printf("\n");
}

/* Connect to the peer's port, retrying while nobody listens there yet. */
static struct mote_tcp *dial(uint16_t port)
{
    struct mote_tcp *c;
    uint64_t end = mote_uptime_ms() + 60000;
    int err;
    while ((err = mote_tcp_connect(PEER, port, 10000, &c)) != 0) {
        if (mote_uptime_ms() > end) {
            printf("tap-test: connect to port %u FAILED (%d)\n", port, err);
            failures++;
            return 0;
        }
        mote_sleep_ms(20);
    }
    return c;
}

static struct mote_tcp *accept_one(uint16_t port)
{
    struct mote_tcp *l, *c = 0;
    int err = mote_tcp_listen(port, 1, &l);
    if (!err)
        err = mote_tcp_accept(l, 60000, &c);
    if (!err)
        mote_tcp_close(l);
    if (err) {
        printf("tap-test: accept on port %u FAILED (%d)\n", port, err);
        failures++;
    }
    return c;
}

/* Send n bytes of pattern(seed) to port, then close; prints what was sent. */
static void step_send(const char *step, uint16_t port, uint32_t seed, size_t n)
{
    struct mote_tcp *c = dial(port);
    if (!c)
        return;
    struct pattern p = {seed};
    struct mote_sha256 s;
    mote_sha256_init(&s);
    uint64_t t0 = mote_uptime_ms();
    size_t done = 0;
    int err = 0;
    while (done < n && !err) {
        size_t k = n - done < sizeof(buf) ? n - done : sizeof(buf);
        pattern_fill(&p, buf, k);
        mote_sha256_update(&s, buf, k);
        err = mote_tcp_send_all(c, buf, k, 60000);
        done += k;
        err = err < 0 ? err : 0;
    }
    int cerr = mote_tcp_close(c);
    if (err || cerr) {
        printf("tap-test: %s FAILED (send %d, close %d)\n", step, err, cerr);
        failures++;
        return;
    }
    printf("tap-test: %s took %llu ms\n", step, (unsigned long long)(mote_uptime_ms() - t0));
    print_sha(step, n, &s);
}

static void step_recv(void)
{
    struct mote_tcp *c = accept_one(6001);
    if (!c)
        return;
    struct mote_sha256 s;
    mote_sha256_init(&s);
    unsigned long long total = 0;
    uint64_t t0 = mote_uptime_ms();
    int n;
    while ((n = mote_tcp_recv(c, buf, sizeof(buf), 60000)) > 0) {
        mote_sha256_update(&s, buf, (size_t)n);
        total += (unsigned)n;
    }
    mote_tcp_close(c);
    if (n < 0) {
        printf("tap-test: recv FAILED (%d after %llu bytes)\n", n, total);
        failures++;
        return;
    }
    printf("tap-test: recv took %llu ms\n", (unsigned long long)(mote_uptime_ms() - t0));
    print_sha("recv", total, &s);
}

/* Send until the peer's reset ends the connection: the error must be MOTE_ECONNRESET. */
static void step_rstsend(void)
{
    struct mote_tcp *c = dial(5003);
    if (!c)
        return;
    struct pattern p = {4};
    unsigned long long total = 0;
    int r;
    uint64_t t0 = mote_uptime_ms();
    do {
        pattern_fill(&p, buf, sizeof(buf));
        r = mote_tcp_send_all(c, buf, sizeof(buf), 30000);
        total += r > 0 ? (unsigned)r : 0;
    } while (r > 0 && mote_uptime_ms() - t0 < 60000);
    mote_tcp_close(c);
    printf("tap-test: rstsend ended with %d after %llu bytes\n", r, total);
    failures += r != MOTE_ECONNRESET;
}

/* Read 64 KiB, say so with one byte, and read on until the peer's reset. */
static void step_rstrecv(void)
{
    struct mote_tcp *c = accept_one(6003);
    if (!c)
        return;
    unsigned long long total = 0;
    int r;
    while (total < 65536 && (r = mote_tcp_recv(c, buf, sizeof(buf), 30000)) > 0)
        total += (unsigned)r;
    r = mote_tcp_send(c, "k", 1, 10000);
    if (r == 1)
        r = mote_tcp_recv(c, buf, sizeof(buf), 30000);
    mote_tcp_close(c);
    printf("tap-test: rstrecv ended with %d after %llu bytes\n", r, total);
    failures += r != MOTE_ECONNRESET;
}

/* One byte, then a half-close while the peer's FIN is on its way: both FINs cross. */
static void step_simclose(void)
{
    struct mote_tcp *c = dial(5004);
    if (!c)
        return;
    int r = mote_tcp_send(c, "g", 1, 10000);
    mote_sleep_ms(CROSS_MS);
    int sh = mote_tcp_shutdown(c);
    if (r == 1)
        r = mote_tcp_recv(c, buf, sizeof(buf), 30000);
    int cl = mote_tcp_close(c);
    printf("tap-test: simclose send/recv %d shutdown %d close %d\n", r, sh, cl);
    failures += r != 0 || sh != 0 || cl != 0;
}

int app_main(void)
{
    struct mote_net_config cfg = {MOTE_IP4(192, 168, 77, 2), MOTE_IP4(255, 255, 255, 0), 0, 0};
    int err = mote_net_set_static(&cfg);
    if (err) {
        printf("tap-test: no network (%d)\n", err);
        return 2;
    }
    printf("tap-test: up\n");
    step_send("send", 5001, 1, MIB);
    step_recv();
    step_send("zerowin", 5002, 3, MIB / 2);
    step_rstsend();
    step_rstrecv();
    step_simclose();
    struct mote_net_status st;
    mote_net_status(&st);
    printf("tap-test: rx %llu frames, %llu dropped; tx %llu frames, %llu errors\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.rx_dropped,
           (unsigned long long)st.tx_frames, (unsigned long long)st.tx_errors);
    for (int i = 0;; i++) {
        const char *name;
        uint64_t v;
        if (mote_net_counter(i, &name, &v))
            break;
        if (v && strncmp(name, "tcp", 3) == 0)
            printf("tap-test: counter %s %llu\n", name, (unsigned long long)v);
    }
    printf("tap-test: done, %d failures\n", failures);
    return failures ? 1 : 0;
}
