/*
 * The network test app (NetworkTest): one check after another, each
 * printing "net-test: <what> ..." for the Java test to read, talking to
 * the peers the test set up on the host through mote run's forwards:
 *   - TFTP read of greeting.txt from QEMU's own TFTP server (10.0.2.2:69):
 *     UDP out and back through slirp, which passes no other UDP out;
 *   - a datagram the test sends to device port 5555 (hostfwd udp);
 *   - BSD sockets: getaddrinfo + connect to host.mote.internal:7777
 *     (guestfwd), and accept() on port 8080 (hostfwd).
 * Without a NIC it reports MOTE_ENODEV and exits 3.
 */
#include <errno.h>
#include <mote.h>
#include <mote/net.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

static int failures;

static void check(int ok, const char *what, int value)
{
    printf("net-test: %s %s (%d)\n", what, ok ? "ok" : "FAILED", value);
    failures += !ok;
}

/* TFTP (RFC 1350) read of name from server into buf; the byte count or negative. */
static int tftp_read(uint32_t server, const char *name, uint8_t *buf, size_t cap)
{
    struct mote_udp *u;
    uint8_t pkt[516];
    int err = mote_udp_open(0, &u);
    if (err)
        return err;
    size_t n = 2 + strlen(name) + 1 + 6;
    pkt[0] = 0, pkt[1] = 1;    /* RRQ */
    memcpy(pkt + 2, name, strlen(name) + 1);
    memcpy(pkt + 3 + strlen(name), "octet", 6);
    err = mote_udp_sendto(u, server, 69, pkt, n);
    size_t got = 0;
    for (uint16_t block = 1; !err; block++) {
        uint32_t from;
        uint16_t port;
        int r = mote_udp_recvfrom(u, pkt, sizeof(pkt), &from, &port, 5000);
        if (r < 4 || pkt[1] != 3 || (pkt[2] << 8 | pkt[3]) != block) {
            err = r < 0 ? r : MOTE_EIO;
            break;
        }
        size_t data = (size_t)r - 4;
        if (got + data > cap) {
            err = MOTE_ENOMEM;
            break;
        }
        memcpy(buf + got, pkt + 4, data);
        got += data;
        uint8_t ack[4] = {0, 4, pkt[2], pkt[3]};
        err = mote_udp_sendto(u, from, port, ack, sizeof(ack));   /* to the server's transfer port */
        if (data < 512)
            break;
    }
    mote_udp_close(u);
    return err ? err : (int)got;
}

/* Several threads waiting on the stack at once: each pings the DHCP server 10 times. */
static uint32_t ping_to;
static int ping_ok[3];

static void pinger(void *arg)
{
    int *ok = arg;
    for (int i = 0; i < 10; i++)
        *ok += mote_ping(ping_to, 32 + i, 2000, 0) == 0;
}

static void concurrent_pings(uint32_t to)
{
    struct mote_thread *t[3];
    ping_to = to;
    for (int i = 0; i < 3; i++)
        t[i] = mote_thread_create("pinger", pinger, &ping_ok[i], MOTE_PRIO_DEFAULT, 0);
    for (int i = 0; i < 3; i++)
        mote_thread_join(t[i]);
    int total = ping_ok[0] + ping_ok[1] + ping_ok[2];
    check(total == 30, "concurrent pings", total);
}

static void dns_checks(void)
{
    uint32_t ip = 0;
    int r = mote_dns_resolve("host.mote.internal", &ip, 1000);
    check(r == 0 && ip == MOTE_NET_HOST, "dns host.mote.internal", r);
    r = mote_dns_resolve("10.9.8.7", &ip, 1000);
    check(r == 0 && ip == MOTE_IP4(10, 9, 8, 7), "dns dotted quad", r);
    uint64_t t0 = mote_uptime_ms();
    r = mote_dns_resolve("example.com", &ip, 3000);
    /* QEMU's isolated network names no DNS server: the answer is at once, not a timeout */
    check(r == MOTE_ENETUNREACH && mote_uptime_ms() - t0 < 1000, "dns without a server", r);
    struct addrinfo hints = {0}, *ai;
    hints.ai_socktype = SOCK_STREAM;
    r = getaddrinfo("host.mote.internal", "7777", &hints, &ai);
    const struct sockaddr_in *in = r ? 0 : (const struct sockaddr_in *)ai->ai_addr;
    check(in && ntohs(in->sin_port) == 7777 && ntohl(in->sin_addr.s_addr) == MOTE_NET_HOST,
          "getaddrinfo", r);
    if (!r)
        freeaddrinfo(ai);
}

/* BSD client: connect to the test's service through guestfwd, say hello, read the answer. */
static void bsd_client(void)
{
    struct addrinfo hints = {0}, *ai;
    char buf[64];
    hints.ai_socktype = SOCK_STREAM;
    int fd = -1, r = getaddrinfo("host.mote.internal", "7777", &hints, &ai);
    if (!r) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        struct timeval tv = {10, 0};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        r = connect(fd, ai->ai_addr, ai->ai_addrlen) ? -errno : 0;
        freeaddrinfo(ai);
    }
    if (!r)
        r = send(fd, "hello from the device\n", 22, 0) == 22 ? 0 : -errno;
    int n = 0;
    while (!r && n < (int)sizeof(buf) - 1 && (r = (int)recv(fd, buf + n, sizeof(buf) - 1 - n, 0)) > 0) {
        n += r;
        r = 0;
    }
    buf[n] = 0;
    if (fd >= 0)
        close(fd);
    printf("net-test: bsd client got '%s'\n", buf);
    check(n > 0 && r == 0, "bsd client", r);
}

/* BSD server: accept one connection on port 8080, answer its line in capitals. */
static void bsd_server(void)
{
    struct sockaddr_in addr = {0}, peer;
    socklen_t plen = sizeof(peer);
    char buf[64];
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    addr.sin_family = AF_INET;
    addr.sin_port = htons(8080);
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    int r = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) || listen(fd, 2) ? -errno : 0;
    struct timeval tv = {20, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    puts("net-test: bsd server listening");
    int c = r ? -1 : accept(fd, (struct sockaddr *)&peer, &plen);
    int n = c < 0 ? -errno : (int)recv(c, buf, sizeof(buf), 0);
    for (int i = 0; i < n; i++)
        if (buf[i] >= 'a' && buf[i] <= 'z')
            buf[i] = (char)(buf[i] - 32);
    if (n > 0)
        r = send(c, buf, (size_t)n, 0) == n ? 0 : -errno;
    else
        r = n ? n : MOTE_EIO;
    if (c >= 0)
        close(c);
    close(fd);
    check(r == 0 && peer.sin_family == AF_INET, "bsd server", r);
}

int app_main(void)
{
    static uint8_t buf[8192];
    uint32_t a = mote_random32(), b = mote_random32();
    check(a != b, "random", 0);

    int r = mote_net_start(10000);
    if (r == MOTE_ENODEV) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        printf("net-test: no NIC (MOTE_ENODEV), socket() %d errno %d\n", fd, errno);
        return fd == -1 && errno == ENODEV ? 3 : 1;
    }
    check(r == 0, "dhcp", r);
    struct mote_net_status st;
    mote_net_status(&st);
    printf("net-test: ip %u.%u.%u.%u mask %u.%u.%u.%u server %u.%u.%u.%u "
           "mac %02x:%02x:%02x:%02x:%02x:%02x\n", MOTE_IP4_ARGS(st.ip), MOTE_IP4_ARGS(st.netmask),
           MOTE_IP4_ARGS(st.dhcp_server), st.mac[0], st.mac[1], st.mac[2], st.mac[3], st.mac[4],
           st.mac[5]);

    dns_checks();
    concurrent_pings(st.dhcp_server);

    r = tftp_read(st.dhcp_server, "greeting.txt", buf, sizeof(buf) - 1);
    if (r >= 0) {
        buf[r] = 0;
        printf("net-test: tftp got %d bytes: %s\n", r, (char *)buf);
    }
    check(r > 512, "tftp", r);

    struct mote_udp *u;
    uint32_t from;
    uint16_t port;
    r = mote_udp_open(5555, &u);
    puts("net-test: udp listening");
    if (!r)
        r = mote_udp_recvfrom(u, buf, sizeof(buf) - 1, &from, &port, 20000);
    if (r >= 0) {
        buf[r] = 0;
        printf("net-test: udp got '%s'\n", (char *)buf);
        mote_udp_close(u);
    }
    check(r > 0, "udp in", r);

    bsd_client();
    bsd_server();

    mote_net_status(&st);
    printf("net-test: frames rx %llu tx %llu dropped %llu, tx errors %llu\n",
           (unsigned long long)st.rx_frames, (unsigned long long)st.tx_frames,
           (unsigned long long)st.rx_dropped, (unsigned long long)st.tx_errors);
    printf("net-test: %s\n", failures ? "FAILED" : "all ok");
    return failures ? 1 : 0;
}
