/* UDP: golden datagram, binding rules, bounded receive queues, checksums and lengths. */
#include "check.h"
#include "netsim.h"

static struct sim a;
static uint8_t f[SIM_FRAME_MAX];

static void setup(void)
{
    sim_init(&a, dev_mac, 0, 0x11223344, 1000);
    sim_static_with_gw(&a, 1000);
}

void test_udp_send_golden(void)
{
    setup();
    int h = udp_bind(&a.ns, 5000);
    CHECK(h >= 0 && udp_port(&a.ns, h) == 5000);
    CHECK(udp_sendto(&a.ns, h, GW_IP, 7, "hello", 5) == 0);
    CHECK(frame_is(f, sim_take(&a, f),
                   "52550a000202 525400123456 0800 45000021 3344 4000 4011 ef77 0a00020f 0a000202"
                   " 1388 0007 000d 9062 68656c6c6f"));
    CHECK(udp_sendto(&a.ns, h, GW_IP, 0, "x", 1) == MOTE_EINVAL);
    CHECK(udp_sendto(&a.ns, h, 0, 7, "x", 1) == MOTE_EINVAL);
    CHECK(udp_sendto(&a.ns, h + 1, GW_IP, 7, "x", 1) == MOTE_EINVAL);
    static uint8_t big[NET_UDP_MAX + 1];
    CHECK(udp_sendto(&a.ns, h, GW_IP, 7, big, NET_UDP_MAX) == 0);
    CHECK(sim_take(&a, f) == 14 + NET_MTU);
    CHECK(udp_sendto(&a.ns, h, GW_IP, 7, big, NET_UDP_MAX + 1) == MOTE_EMSGSIZE);
    CHECK(a.ns.cnt[NET_C_udp_tx] == 2);
}

void test_udp_bind_rules(void)
{
    setup();
    CHECK(udp_bind(&a.ns, 7) >= 0);
    CHECK(udp_bind(&a.ns, 7) == MOTE_EADDRINUSE);
    int e1 = udp_bind(&a.ns, 0), e2 = udp_bind(&a.ns, 0);
    uint16_t p1 = udp_port(&a.ns, e1), p2 = udp_port(&a.ns, e2);
    CHECK(e1 >= 0 && e2 >= 0 && p1 >= 49152 && p2 >= 49152 && p1 != p2);
    for (int i = 3; i < NET_UDP_ENDPOINTS; i++)
        CHECK(udp_bind(&a.ns, (uint16_t)(100 + i)) >= 0);
    CHECK(udp_bind(&a.ns, 99) == MOTE_ENOMEM);
    CHECK(udp_close(&a.ns, e1) == 0 && udp_close(&a.ns, e1) == MOTE_EINVAL);
    CHECK(udp_bind(&a.ns, 99) == e1);
    CHECK(udp_close(&a.ns, -1) == MOTE_EINVAL);
    CHECK(udp_close(&a.ns, NET_UDP_ENDPOINTS) == MOTE_EINVAL);
}

static void deliver(uint16_t dport, const char *msg)
{
    net_input(&a.ns, f, build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 4444, dport, msg, strlen(msg)),
              1000);
}

static int pool_in_use(void)
{
    int n = 0;
    for (int i = 0; i < NET_UDP_BUFS; i++)
        n += a.ns.udp_bufs[i].owner != 0;
    return n;
}

/* Datagrams queue in order, at most NET_UDP_QUEUE_MAX per port and NET_UDP_BUFS in all. */
void test_udp_receive_queues(void)
{
    setup();
    int h = udp_bind(&a.ns, 7), k = udp_bind(&a.ns, 8), m = udp_bind(&a.ns, 9);
    char buf[64], msg[24];
    uint32_t src;
    uint16_t sport;
    CHECK(udp_recvfrom(&a.ns, h, buf, sizeof buf, &src, &sport) == MOTE_EAGAIN);
    for (int i = 0; i < NET_UDP_QUEUE_MAX + 2; i++) {
        snprintf(msg, sizeof msg, "seven-%d", i);
        deliver(7, msg);
    }
    CHECK(a.ns.cnt[NET_C_udp_queue_full] == 2);
    const struct net_event *ev = sim_event(&a, NET_EV_UDP);
    CHECK(ev && ev->handle == h);
    for (int i = 0; i < NET_UDP_QUEUE_MAX; i++)
        deliver(8, "eight");
    deliver(9, "nine");     /* the pool (8) is empty now */
    CHECK(a.ns.cnt[NET_C_udp_no_buf] == (NET_UDP_BUFS == 2 * NET_UDP_QUEUE_MAX));
    CHECK(pool_in_use() == NET_UDP_BUFS);
    for (int i = 0; i < NET_UDP_QUEUE_MAX; i++) {
        int n = udp_recvfrom(&a.ns, h, buf, sizeof buf, &src, &sport);
        snprintf(msg, sizeof msg, "seven-%d", i);
        CHECK(n == 7 && !memcmp(buf, msg, 7) && src == GW_IP && sport == 4444);
    }
    CHECK(udp_recvfrom(&a.ns, h, buf, sizeof buf, &src, &sport) == MOTE_EAGAIN);
    deliver(9, "nine");
    CHECK(udp_recvfrom(&a.ns, m, buf, 3, 0, 0) == 3 && !memcmp(buf, "nin", 3));  /* cut */
    CHECK(udp_recvfrom(&a.ns, m, buf, sizeof buf, 0, 0) == MOTE_EAGAIN);
    CHECK(udp_close(&a.ns, k) == 0);    /* its queued datagrams go back to the pool */
    CHECK(pool_in_use() == 0);
    deliver(9, "");     /* empty datagrams are datagrams */
    CHECK(udp_recvfrom(&a.ns, m, buf, sizeof buf, 0, 0) == 0);
    CHECK(udp_recvfrom(&a.ns, -3, buf, sizeof buf, 0, 0) == MOTE_EINVAL);
}

/* Bad checksums and lengths are dropped; a zero checksum means none was sent. */
void test_udp_checksum_and_length(void)
{
    setup();
    int h = udp_bind(&a.ns, 7);
    char buf[64];
    size_t n = build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 1, 7, "abcd", 4);
    f[n - 1] ^= 0x20;
    net_input(&a.ns, f, n, 1000);
    CHECK(a.ns.cnt[NET_C_udp_cksum] == 1);
    put_be16(f + 40, 0);
    net_input(&a.ns, f, n, 1000);
    CHECK(udp_recvfrom(&a.ns, h, buf, sizeof buf, 0, 0) == 4 && !memcmp(buf, "abcD", 4));
    /* UDP length longer than the IP payload, shorter than the header; port 0. */
    n = build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 1, 7, "abcd", 4);
    put_be16(f + 38, 13);
    net_input(&a.ns, f, n, 1000);
    put_be16(f + 38, 7);
    net_input(&a.ns, f, n, 1000);
    CHECK(a.ns.cnt[NET_C_udp_bad] == 2);
    n = build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 1, 0, "abcd", 4);
    net_input(&a.ns, f, n, 1000);
    CHECK(a.ns.cnt[NET_C_udp_bad] == 3);
    /* UDP length shorter than the IP payload: the rest is not data (and not checksummed). */
    static const uint8_t extra[6] = { 'h', 'i', 'X', 'X', 'X', 'X' };
    n = build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 1, 7, extra, 2);
    uint8_t ip[64];
    memcpy(ip, f + 14, n - 14);
    memcpy(ip + n - 14, extra + 2, 4);
    n = build_ip(f, dev_mac, gw_mac, GW_IP, DEV_IP, IPPROTO_UDP, ip + 20, n - 14 - 20 + 4);
    net_input(&a.ns, f, n, 1000);
    CHECK(udp_recvfrom(&a.ns, h, buf, sizeof buf, 0, 0) == 2 && !memcmp(buf, "hi", 2));
    CHECK(sim_take(&a, f) < 0);
    /* Without an address only DHCP's port is listened to. */
    net_set_static(&a.ns, 0, 0, 0, 0, 1000);
    n = build_udp(f, net_bcast_mac, gw_mac, GW_IP, IP_BROADCAST, 1, 7, "abcd", 4);
    uint64_t before = a.ns.cnt[NET_C_ip_not_ours];
    net_input(&a.ns, f, n, 1000);
    CHECK(a.ns.cnt[NET_C_ip_not_ours] == before + 1);
    CHECK(udp_recvfrom(&a.ns, h, buf, sizeof buf, 0, 0) == MOTE_EAGAIN);
}
