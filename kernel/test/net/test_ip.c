/* IPv4 and ICMP: header checks, fragments, routing, echo (golden), errors, ping, the TCP hook. */
#include "check.h"
#include "netsim.h"

static struct sim a;
static uint8_t f[SIM_FRAME_MAX], g[SIM_FRAME_MAX];

static void setup(void)
{
    sim_init(&a, dev_mac, 0, 0x11223344, 1000);
    sim_static_with_gw(&a, 1000);
}

/* RFC 1071's own example and an IPv4 header from the wild. */
void test_inet_checksum(void)
{
    static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    CHECK(inet_cksum(rfc, sizeof rfc) == (uint16_t)~0xddf2);
    uint8_t h[20];
    unhex(h, sizeof h, "4500 0073 0000 4000 4011 0000 c0a8 0001 c0a8 00c7");
    CHECK(inet_cksum(h, 20) == 0xb861);
    put_be16(h + 10, 0xb861);
    CHECK(inet_cksum(h, 20) == 0);
}

/* Every malformed header is dropped and counted under its own cause; nothing is answered. */
void test_ip_header_checks(void)
{
    static const char ping[] = "0123456789abcdef";
    setup();
    size_t n = build_icmp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 8, 0, 0x10001, ping, 16);
    struct { int off; int val; int ctr; } cases[] = {
        { 14, 0x65, NET_C_ip_version },     /* version 6 */
        { 14, 0x44, NET_C_ip_hdr },         /* header length 16 */
        { 14, 0x4f, NET_C_ip_hdr },         /* 60 bytes: past the packet... */
        { 16, 0x01, NET_C_ip_len },         /* total length 256 + ...: past the frame */
        { 17, 0x10, NET_C_ip_len },         /* shorter than the header */
        { 22, 0x01, NET_C_ip_cksum },       /* TTL changed: checksum wrong */
        { 20, 0x20, NET_C_ip_frag },        /* more fragments */
        { 21, 0x08, NET_C_ip_frag },        /* an offset */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(g, f, n);
        g[cases[i].off] = (uint8_t)cases[i].val;
        if (cases[i].ctr != NET_C_ip_cksum && cases[i].off != 14) {
            put_be16(g + 24, 0);
            put_be16(g + 24, inet_cksum(g + 14, 20));
        }
        uint64_t before = a.ns.cnt[cases[i].ctr];
        net_input(&a.ns, g, n, 1000);
        CHECK(a.ns.cnt[cases[i].ctr] == before + 1);
        if (a.ns.cnt[cases[i].ctr] != before + 1)
            fprintf(stderr, "  case %zu\n", i);
    }
    net_input(&a.ns, f, 14 + 19, 1000);
    CHECK(a.ns.cnt[NET_C_ip_short] == 1);
    CHECK(sim_take(&a, g) < 0);
    CHECK(a.ns.cnt[NET_C_icmp_rx] == 0);
    /* Sources nobody may use, and destinations that are not ours. */
    uint32_t bad_src[] = { 0, IP4(10, 0, 2, 255), IP4(224, 0, 0, 1), IP4(127, 0, 0, 1), DEV_IP,
                           IP_BROADCAST };
    for (size_t i = 0; i < sizeof bad_src / sizeof bad_src[0]; i++)
        net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, bad_src[i], DEV_IP, 8, 0, 1, ping, 4),
                  1000);
    CHECK(a.ns.cnt[NET_C_ip_bad_src] == sizeof bad_src / sizeof bad_src[0]);
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, IP4(10, 0, 2, 16), 8, 0, 1, ping, 4),
              1000);
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, IP4(224, 0, 0, 1), 8, 0, 1, ping, 4),
              1000);
    CHECK(a.ns.cnt[NET_C_ip_not_ours] == 2);
    CHECK(sim_take(&a, g) < 0);
    /* The untouched packet, padded like a short Ethernet frame, is answered. */
    memset(f + n, 0xee, 20);
    net_input(&a.ns, f, n + 20, 1000);
    CHECK(sim_take(&a, g) == (int)n);
}

/* An echo request in, the golden echo reply out; one to broadcast is ignored. */
void test_icmp_echo_reply_golden(void)
{
    static const char data[] = "abcdefghijklmnopqrstuvwabcdefghi";
    setup();
    net_input(&a.ns, f, build_icmp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 8, 0, 0x00010007, data, 32),
              1000);
    CHECK(frame_is(g, sim_take(&a, g),
                   "52550a000202 525400123456 0800"
                   " 4500003c 3344 4000 4001 ef6c 0a00020f 0a000202"
                   " 00 00 5554 00010007"
                   " 6162636465666768696a6b6c6d6e6f7071727374757677616263646566676869"));
    net_input(&a.ns, f, build_icmp(f, net_bcast_mac, gw_mac, GW_IP, IP4(10, 0, 2, 255), 8, 0,
                                   0x00010008, data, 32), 1000);
    net_input(&a.ns, f, build_icmp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 8, 0, 1, data, 32), 1000);
    f[14 + 20 + 9] ^= 1;    /* corrupt the ICMP data */
    net_input(&a.ns, f, 14 + 20 + 8 + 32, 1000);
    CHECK(sim_take(&a, g) > 0);     /* the clean one */
    CHECK(sim_take(&a, g) < 0);
    CHECK(a.ns.cnt[NET_C_icmp_echo_rx] == 3 && a.ns.cnt[NET_C_icmp_bad] == 1);
    /* Other types are counted. */
    net_input(&a.ns, f, build_icmp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 3, 1, 0, data, 28), 1000);
    net_input(&a.ns, f, build_icmp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 13, 0, 0, data, 12), 1000);
    CHECK(a.ns.cnt[NET_C_icmp_unreach_rx] == 1 && a.ns.cnt[NET_C_icmp_other_rx] == 1);
    CHECK(sim_take(&a, g) < 0);
}

/* UDP to a closed port: a golden port unreachable quoting header + 8 bytes, at most 10 a second. */
void test_icmp_port_unreachable_golden_and_limited(void)
{
    setup();
    size_t n = build_udp(f, dev_mac, gw_mac, GW_IP, DEV_IP, 1234, 999, "data!", 5);
    net_input(&a.ns, f, n, 1000);
    CHECK(frame_is(g, sim_take(&a, g),
                   "52550a000202 525400123456 0800 45000038 3344 4000 4001 ef70 0a00020f 0a000202"
                   " 03 03 0eef 00000000"
                   " 4500002112340000401150880a0002020a00020f 04d203e7000de547"));
    for (int i = 0; i < 20; i++)
        net_input(&a.ns, f, n, 1500);
    int sent = 0;
    while (sim_take(&a, g) > 0)
        sent++;
    CHECK(sent == NET_ICMP_ERR_PER_S - 1);
    CHECK(a.ns.cnt[NET_C_icmp_err_limited] == 11);
    net_input(&a.ns, f, n, 2000);
    CHECK(sim_take(&a, g) > 0);     /* a new second */
    /* Never for broadcasts. */
    net_input(&a.ns, f, build_udp(f, net_bcast_mac, gw_mac, GW_IP, IP_BROADCAST, 1, 999, "x", 1),
              3000);
    CHECK(sim_take(&a, g) < 0);
    CHECK(a.ns.cnt[NET_C_udp_no_port] == 23);
    /* Protocol unreachable for an unknown protocol. */
    net_input(&a.ns, f, build_ip(f, dev_mac, gw_mac, GW_IP, DEV_IP, 99, "abcdefgh", 8), 3000);
    n = (size_t)sim_take(&a, g);
    CHECK(n == 14 + 20 + 8 + 28 && g[14 + 20] == 3 && g[14 + 21] == 2);
    CHECK(a.ns.cnt[NET_C_ip_proto] == 1);
}

/* The ping client: request bytes, the RTT of the matching reply, timeouts, wrong replies. */
void test_ping_client(void)
{
    setup();
    int h = icmp_ping_send(&a.ns, GW_IP, 8, 1000, 2000);
    CHECK(h >= 0);
    int n = sim_take(&a, f);
    CHECK(frame_is(f, n, "52550a000202 525400123456 0800 45000024 3344 4000 4001 ef84"
                         " 0a00020f 0a000202 08 00 dacc 1122 0001 0001020304050607"));
    uint32_t rtt = 0;
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_EAGAIN);
    CHECK(net_next_deadline(&a.ns) == 3000);
    /* Replies that do not match: another id, seq, source, data; then the real one. */
    uint8_t data[8] = { 0, 1, 2, 3, 4, 5, 6, 7 };
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, 0x11230001, data, 8),
              2003);
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, 0x11220002, data, 8),
              2003);
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, DNS_IP, DEV_IP, 0, 0, 0x11220001, data, 8),
              2003);
    data[7] = 9;
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, 0x11220001, data, 8),
              2003);
    CHECK(a.ns.cnt[NET_C_ping_bad] == 1);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_EAGAIN);
    data[7] = 7;
    net_input(&a.ns, g, build_icmp(g, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, 0x11220001, data, 8),
              2007);
    const struct net_event *ev = sim_event(&a, NET_EV_PING);
    CHECK(ev && ev->handle == h && ev->status == 0 && ev->value == 7);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == 0 && rtt == 7);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_EINVAL);   /* the handle is free again */
    /* A ping that gets no answer, and a large one in several pieces. */
    h = icmp_ping_send(&a.ns, GW_IP, NET_PING_MAX, 500, 3000);
    CHECK(h >= 0);
    n = sim_take(&a, f);
    CHECK(n == 14 + NET_MTU && f[14 + 20 + 8 + 300] == 300 % 256);
    CHECK(!inet_cksum(f + 34, NET_MTU - 20));
    CHECK(icmp_ping_send(&a.ns, GW_IP, NET_PING_MAX + 1, 500, 3000) == MOTE_EINVAL);
    net_timer(&a.ns, 3499);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_EAGAIN);
    net_timer(&a.ns, 3500);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_ETIMEDOUT);
    CHECK(a.ns.cnt[NET_C_ping_timeout] == 1);
    for (int i = 0; i < NET_PING_SLOTS; i++)
        CHECK(icmp_ping_send(&a.ns, GW_IP, 0, 500, 4000) >= 0);
    CHECK(icmp_ping_send(&a.ns, GW_IP, 0, 500, 4000) == MOTE_ENOMEM);
}

static struct { int calls; uint32_t src, dst; size_t len; uint8_t first; uint64_t now; } tcp_seen;

static void tcp_hook(void *tcp, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                     uint64_t now_ms)
{
    CHECK(tcp == &tcp_seen);
    tcp_seen.calls++;
    tcp_seen.src = src;
    tcp_seen.dst = dst;
    tcp_seen.len = len;
    tcp_seen.first = seg[0];
    tcp_seen.now = now_ms;
    /* TCP answers from inside its input, as it will. */
    struct net_iov v = { "ack", 3 };
    CHECK(ip_output(&a.ns, dst, src, IPPROTO_TCP, &v, 1) == 0);
}

/* Protocol 6 goes to the hook (valid, unicast, trimmed to the IP length); none: counted. */
void test_ip_tcp_hook(void)
{
    setup();
    uint8_t seg[24] = { 0x12 };
    size_t n = build_ip(f, dev_mac, gw_mac, GW_IP, DEV_IP, IPPROTO_TCP, seg, sizeof seg);
    net_input(&a.ns, f, n, 1000);
    CHECK(a.ns.cnt[NET_C_tcp_no_hook] == 1);
    a.ns.tcp_input = tcp_hook;
    a.ns.tcp = &tcp_seen;
    net_input(&a.ns, f, n + 6, 1234);   /* Ethernet padding is not part of the segment */
    CHECK(tcp_seen.calls == 1 && tcp_seen.src == GW_IP && tcp_seen.dst == DEV_IP);
    CHECK(tcp_seen.len == 24 && tcp_seen.first == 0x12 && tcp_seen.now == 1234);
    n = (size_t)sim_take(&a, g);
    CHECK(n == 14 + 23 && g[14 + 9] == IPPROTO_TCP && !memcmp(g + 34, "ack", 3));
    net_input(&a.ns, f, build_ip(f, net_bcast_mac, gw_mac, GW_IP, IP_BROADCAST, IPPROTO_TCP, seg,
                                 sizeof seg), 1300);
    CHECK(tcp_seen.calls == 1);
}

/* ip_output: on-link, through the gateway, broadcast, and the refusals. */
void test_ip_output_routes(void)
{
    struct net_iov v = { "x", 1 };
    sim_init(&a, dev_mac, 0, 0x11223344, 1000);
    CHECK(ip_output(&a.ns, 0, GW_IP, 17, &v, 1) == MOTE_ENETUNREACH);   /* no address */
    CHECK(ip_output(&a.ns, 0, IP_BROADCAST, 17, &v, 1) == 0);          /* but broadcast works */
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, net_bcast_mac, 6) && get_be32(f + 26) == 0);
    sim_static_with_gw(&a, 1000);
    CHECK(ip_output(&a.ns, 0, IP4(93, 184, 216, 34), 17, &v, 1) == 0);
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, gw_mac, 6));
    CHECK(get_be32(f + 30) == IP4(93, 184, 216, 34));
    CHECK(ip_output(&a.ns, 0, IP4(10, 0, 2, 255), 17, &v, 1) == 0);
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, net_bcast_mac, 6));
    CHECK(ip_output(&a.ns, 0, DNS_IP, 17, &v, 1) == 0);
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, gw_mac, 6) && get_be32(f + 30) == DNS_IP);
    CHECK(ip_output(&a.ns, 0, IP4(224, 0, 0, 251), 17, &v, 1) == MOTE_ENETUNREACH);
    CHECK(ip_output(&a.ns, 0, DEV_IP, 17, &v, 1) == MOTE_ENETUNREACH);
    CHECK(ip_output(&a.ns, DEV_IP, GW_IP, 17, &v, 1) == 0 && sim_take(&a, f) > 0);
    CHECK(ip_output(&a.ns, IP4(10, 0, 2, 14), GW_IP, 17, &v, 1) == MOTE_ENETUNREACH);
    CHECK(ip_output(&a.ns, 0, GW_IP, 17, &v, NET_IP_IOV_MAX + 1) == MOTE_EINVAL);
    static uint8_t big[NET_MTU];
    struct net_iov b = { big, NET_MTU - 20 };
    CHECK(ip_output(&a.ns, 0, GW_IP, 17, &b, 1) == 0);
    CHECK(sim_take(&a, f) == 14 + NET_MTU);
    b.len++;
    CHECK(ip_output(&a.ns, 0, GW_IP, 17, &b, 1) == MOTE_EMSGSIZE);
    CHECK(a.ns.cnt[NET_C_ip_too_big] == 1 && a.ns.cnt[NET_C_ip_no_route] == 4);
    /* No gateway: off-link is unreachable. */
    net_set_static(&a.ns, DEV_IP, IP4(255, 255, 255, 0), 0, 0, 1000);
    CHECK(ip_output(&a.ns, 0, IP4(8, 8, 8, 8), 17, &v, 1) == MOTE_ENETUNREACH);
    /* A link that fails: the error comes back and is counted. */
    a.link_err = MOTE_EIO;
    CHECK(ip_output(&a.ns, 0, GW_IP, 17, &v, 1) == MOTE_EIO);
    CHECK(a.ns.cnt[NET_C_tx_errors] >= 1);
}
