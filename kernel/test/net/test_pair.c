/*
 * Two stacks wired back to back, frames carried by the test in virtual
 * time: ARP resolution, ping, UDP both ways, a lossy wire, and DHCP from
 * a minimal server played by the test (bound as soon as it answers).
 */
#include "check.h"
#include "netsim.h"

static struct sim a, b;
static uint8_t buf[SIM_FRAME_MAX];

#define B_IP IP4(10, 0, 2, 16)

static int to_drop;     /* frames the wire loses before it carries any */

/* Carry frames both ways until the wire is quiet; the number carried. */
static int wire(uint64_t now)
{
    int moved, carried = 0;
    do {
        moved = 0;
        struct sim *from[2] = { &a, &b }, *to[2] = { &b, &a };
        for (int i = 0; i < 2; i++) {
            int n;
            while ((n = sim_take(from[i], buf)) > 0) {
                moved = 1;
                if (to_drop > 0) {
                    to_drop--;
                    continue;
                }
                carried++;
                net_input(&to[i]->ns, buf, (size_t)n, now);
            }
        }
    } while (moved);
    return carried;
}

/* Run both stacks' timers up to `until`, carrying frames at each step; returns the end time. */
static uint64_t run_until(uint64_t now, uint64_t until)
{
    for (;;) {
        wire(now);
        uint64_t t = net_next_deadline(&a.ns), tb = net_next_deadline(&b.ns);
        if (tb < t)
            t = tb;
        if (t > until)
            return until;
        now = t > now ? t : now;
        net_timer(&a.ns, now);
        net_timer(&b.ns, now);
    }
}

static const char *const words[] = { "one", "two", "six" };

static void pair(void)
{
    sim_init(&a, dev_mac, 1, 0, 0);
    sim_init(&b, peer_mac, 2, 0, 0);
    net_set_static(&a.ns, DEV_IP, IP4(255, 255, 255, 0), GW_IP, 0, 0);
    net_set_static(&b.ns, B_IP, IP4(255, 255, 255, 0), GW_IP, 0, 0);
    run_until(0, 5000);  /* announcements done */
}

void test_pair_arp_and_ping(void)
{
    uint32_t rtt = 1;
    pair();
    int h = icmp_ping_send(&a.ns, B_IP, 56, 1000, 5000);
    CHECK(h >= 0);
    CHECK(wire(5003) == 4);  /* ARP request, reply; echo request, reply */
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == 0 && rtt == 3);
    CHECK(b.ns.cnt[NET_C_icmp_echo_rx] == 1 && a.ns.cnt[NET_C_icmp_reply_rx] == 1);
    /* Both learnt each other: the next ping is two frames, and B pings back without ARP. */
    h = icmp_ping_send(&a.ns, B_IP, 1000, 1000, 6000);
    CHECK(wire(6000) == 2 && icmp_ping_poll(&a.ns, h, &rtt) == 0 && rtt == 0);
    h = icmp_ping_send(&b.ns, DEV_IP, 0, 1000, 6000);
    CHECK(wire(6001) == 2 && icmp_ping_poll(&b.ns, h, &rtt) == 0 && rtt == 1);
    /* Nobody at .99: the ping times out, the ARP request is repeated, the queue drained. */
    h = icmp_ping_send(&a.ns, IP4(10, 0, 2, 99), 8, 2000, 7000);
    run_until(7000, 20000);
    CHECK(icmp_ping_poll(&a.ns, h, &rtt) == MOTE_ETIMEDOUT);
    CHECK(a.ns.cnt[NET_C_arp_unresolved] == 1);
}

void test_pair_udp_exchange(void)
{
    char msg[64];
    uint32_t src;
    uint16_t sport;
    pair();
    int server = udp_bind(&b.ns, 7), client = udp_bind(&a.ns, 0);
    CHECK(server >= 0 && client >= 0);
    for (int i = 0; i < 20; i++) {
        int len = snprintf(msg, sizeof msg, "datagram %d", i);
        CHECK(udp_sendto(&a.ns, client, B_IP, 7, msg, (size_t)len) == 0);
        wire(6000);
        /* The server echoes what it got back to where it came from. */
        int n = udp_recvfrom(&b.ns, server, msg, sizeof msg, &src, &sport);
        CHECK(n == len && src == DEV_IP && sport == udp_port(&a.ns, client));
        CHECK(udp_sendto(&b.ns, server, src, sport, msg, (size_t)n) == 0);
        wire(6000);
        char back[64];
        n = udp_recvfrom(&a.ns, client, back, sizeof back, &src, &sport);
        CHECK(n == len && !memcmp(back, msg, (size_t)len) && src == B_IP && sport == 7);
    }
    CHECK(a.ns.cnt[NET_C_udp_rx] == 20 && b.ns.cnt[NET_C_udp_rx] == 20);
    CHECK(a.ns.cnt[NET_C_arp_tx] == 1 + 2);   /* two announcements, one request */
    /* A closed port answers with port unreachable, which A counts. */
    CHECK(udp_sendto(&a.ns, client, B_IP, 9, "x", 1) == 0);
    wire(6000);
    CHECK(a.ns.cnt[NET_C_icmp_unreach_rx] == 1);
}

/* The first two ARP requests are lost: the third gets the waiting datagrams through, in order. */
void test_pair_lossy_wire(void)
{
    char got[16];
    pair();
    int server = udp_bind(&b.ns, 7), client = udp_bind(&a.ns, 0);
    for (int i = 0; i < 3; i++)
        CHECK(udp_sendto(&a.ns, client, B_IP, 7, words[i], 3) == 0);
    to_drop = 2;
    CHECK(run_until(5000, 20000) == 20000);
    for (int i = 0; i < 3; i++) {
        CHECK(udp_recvfrom(&b.ns, server, got, sizeof got, 0, 0) == 3);
        CHECK(!memcmp(got, words[i], 3));
    }
    CHECK(a.ns.cnt[NET_C_arp_tx] == 2 + NET_ARP_TRIES && a.ns.cnt[NET_C_arp_unresolved] == 0);
    for (int i = 0; i < NET_ARP_QUEUE; i++)
        CHECK(a.ns.arp_queue[i].len == 0);
}

/* B plays DHCP server: an OFFER for each DISCOVER, an ACK for each REQUEST, at once. */
static void dhcp_server_answer(const uint8_t *frame, int n, uint64_t now)
{
    static uint8_t m[300], out[SIM_FRAME_MAX];
    if (n < 42 + 240 || get_be16(frame + 12) != ETH_TYPE_IP || get_be16(frame + 36) != 67)
        return;
    const uint8_t *req = frame + 42;
    int type = req[240] == 53 ? req[242] : 0;      /* our client puts option 53 first */
    memset(m, 0, sizeof m);
    m[0] = 2, m[1] = 1, m[2] = 6;
    memcpy(m + 4, req + 4, 4);
    put_be32(m + 16, DEV_IP);
    memcpy(m + 28, req + 28, 16);
    put_be32(m + 236, 0x63825363);
    size_t k = 240 + unhex(m + 240, 60, "3501 00 3604 0a000210 0104 ffffff00 0304 0a000202"
                                          " 0604 0a000203 3304 00015180 ff");
    m[242] = type == 1 ? 2 : 5;
    net_input(&a.ns, out, build_udp(out, net_bcast_mac, peer_mac, B_IP, IP_BROADCAST, 67, 68, m, k),
              now);
}

void test_pair_dhcp_bound_as_fast_as_the_server(void)
{
    int n;
    sim_init(&a, dev_mac, 3, 0, 0);
    dhcp_start(&a.ns, 100);
    for (int i = 0; i < 2 && (n = sim_take(&a, buf)) > 0; i++)
        dhcp_server_answer(buf, n, 100);
    CHECK(a.ns.ip == DEV_IP && a.ns.gw == GW_IP && a.ns.dns == DNS_IP);
    CHECK(a.ns.dhcp.state == DHCP_BOUND && a.ns.dhcp.t1_ms == 100 + 43200000ull);
    const struct net_event *ev = sim_event(&a, NET_EV_ADDR_UP);
    CHECK(ev && ev->value == DEV_IP && a.nev == 1);
}
