/* ARP: golden request/reply/announcement frames, the cache, its timeouts and the pending queue. */
#include "check.h"
#include "netsim.h"

static struct sim a;
static uint8_t f[SIM_FRAME_MAX];
static const uint8_t zero6[6];

/* Ethernet + ARP, field by field. */
#define ANNOUNCE \
    "ffffffffffff 525400123456 0806  0001 0800 06 04 0001  525400123456 0a00020f" \
    " 000000000000 0a00020f"
#define REQUEST_GW \
    "ffffffffffff 525400123456 0806  0001 0800 06 04 0001  525400123456 0a00020f" \
    " 000000000000 0a000202"
#define REPLY_TO_GW \
    "52550a000202 525400123456 0806  0001 0800 06 04 0002  525400123456 0a00020f" \
    " 52550a000202 0a000202"

static void config(void)
{
    sim_init(&a, dev_mac, 0, 0x11223344, 1000);
    net_set_static(&a.ns, DEV_IP, IP4(255, 255, 255, 0), GW_IP, DNS_IP, 1000);
}

static int udp_to(uint32_t dst, uint16_t port, const char *msg)
{
    int h = udp_bind(&a.ns, 5000);
    if (h < 0)
        h = 0;
    return udp_sendto(&a.ns, h, dst, port, msg, strlen(msg));
}

/* Binding an address sends two gratuitous ARPs, NET_ARP_ANNOUNCE_MS apart; then nothing. */
void test_arp_announce_on_bind(void)
{
    config();
    CHECK(frame_is(f, sim_take(&a, f), ANNOUNCE));
    CHECK(sim_take(&a, f) < 0);
    const struct net_event *ev = sim_event(&a, NET_EV_ADDR_UP);
    CHECK(ev && ev->value == DEV_IP);
    CHECK(net_next_deadline(&a.ns) == 1000 + NET_ARP_ANNOUNCE_MS);
    net_timer(&a.ns, 1000 + NET_ARP_ANNOUNCE_MS - 1);
    CHECK(sim_take(&a, f) < 0);
    net_timer(&a.ns, 1000 + NET_ARP_ANNOUNCE_MS);
    CHECK(frame_is(f, sim_take(&a, f), ANNOUNCE));
    CHECK(net_next_deadline(&a.ns) == NET_NEVER);
}

/* A request for our address is answered (golden) and teaches us the asker. */
void test_arp_reply_golden_and_learning(void)
{
    config();
    sim_clear(&a);
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, zero6, DEV_IP), 1100);
    CHECK(frame_is(f, sim_take(&a, f), REPLY_TO_GW));
    CHECK(a.ns.arp[0].state == ARP_OK && a.ns.arp[0].ip == GW_IP);
    CHECK(!memcmp(a.ns.arp[0].mac, gw_mac, 6));
    /* Sending to the gateway now needs no request. */
    CHECK(udp_to(IP4(8, 8, 8, 8), 53, "x") == 0);
    int n = sim_take(&a, f);
    CHECK(n == 14 + 20 + 8 + 1 && !memcmp(f, gw_mac, 6) && get_be16(f + 12) == ETH_TYPE_IP);
    /* A request for someone else is not answered and teaches nothing new. */
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, peer_mac, IP4(10, 0, 2, 9), zero6,
                                  IP4(10, 0, 2, 8)), 1200);
    CHECK(sim_take(&a, f) < 0);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        CHECK(a.ns.arp[i].state == ARP_FREE || a.ns.arp[i].ip != IP4(10, 0, 2, 9));
    CHECK(a.ns.cnt[NET_C_arp_rx] == 2 && a.ns.cnt[NET_C_arp_bad] == 0);
}

/* An unresolved next hop: golden request, the packet waits, the reply releases it. */
void test_arp_request_golden_and_queue_flush(void)
{
    config();
    sim_clear(&a);
    CHECK(udp_to(IP4(1, 2, 3, 4), 7, "first") == 0);   /* off-link: via the gateway */
    CHECK(udp_to(IP4(1, 2, 3, 4), 7, "second") == 0);
    CHECK(frame_is(f, sim_take(&a, f), REQUEST_GW));
    CHECK(sim_take(&a, f) < 0);                         /* one request for both */
    net_input(&a.ns, f, build_arp(f, 2, dev_mac, gw_mac, GW_IP, dev_mac, DEV_IP), 1050);
    int n = sim_take(&a, f);
    CHECK(n == 14 + 28 + 5 && !memcmp(f, gw_mac, 6) && !memcmp(f + 42, "first", 5));
    n = sim_take(&a, f);
    CHECK(n == 14 + 28 + 6 && !memcmp(f + 42, "second", 6));
    CHECK(sim_take(&a, f) < 0);
    CHECK(net_next_deadline(&a.ns) == 1000 + NET_ARP_ANNOUNCE_MS);
}

/* Nobody answers: a request a second, three in all, then the packets are dropped and counted. */
void test_arp_retries_then_gives_up(void)
{
    config();
    sim_clear(&a);
    uint32_t peer = IP4(10, 0, 2, 77);
    CHECK(udp_to(peer, 9, "lost") == 0);
    CHECK(sim_take(&a, f) > 0);
    CHECK(net_next_deadline(&a.ns) == 1000 + NET_ARP_RETRY_MS);
    net_timer(&a.ns, 2000);
    CHECK(sim_take(&a, f) == 42 && get_be32(f + 14 + 24) == peer);
    net_timer(&a.ns, 3000);     /* the announcement too */
    int requests = 0, n;
    while ((n = sim_take(&a, f)) > 0)
        requests += get_be32(f + 14 + 24) == peer;
    CHECK(requests == 1);
    CHECK(a.ns.cnt[NET_C_arp_unresolved] == 0);
    net_timer(&a.ns, 4000);
    CHECK(sim_take(&a, f) < 0);
    CHECK(a.ns.cnt[NET_C_arp_unresolved] == 1);
    for (int i = 0; i < NET_ARP_QUEUE; i++)
        CHECK(a.ns.arp_queue[i].len == 0);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        CHECK(a.ns.arp[i].state == ARP_FREE);
    CHECK(net_next_deadline(&a.ns) == NET_NEVER);
    /* A late reply teaches nothing (nobody asked any more, and it is not for a request of ours). */
    net_input(&a.ns, f, build_arp(f, 2, dev_mac, peer_mac, peer, dev_mac, IP4(10, 0, 2, 99)), 4100);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        CHECK(a.ns.arp[i].state == ARP_FREE);
}

/* The queue holds NET_ARP_QUEUE packets; more are dropped and counted, never overwritten. */
void test_arp_queue_is_bounded(void)
{
    config();
    sim_clear(&a);
    char msg[24];
    for (int i = 0; i < NET_ARP_QUEUE + 3; i++) {
        snprintf(msg, sizeof msg, "m%d", i);
        int r = udp_to(IP4(10, 0, 2, 50 + i % 2), 9, msg);
        CHECK(r == (i < NET_ARP_QUEUE ? 0 : MOTE_ENOMEM));
    }
    CHECK(a.ns.cnt[NET_C_arp_queue_full] == 3);
    /* Too large for the queue: refused before, by IP. */
    static uint8_t big[NET_MTU];
    CHECK(udp_sendto(&a.ns, 0, IP4(10, 0, 2, 50), 9, big, NET_UDP_MAX + 1) == MOTE_EMSGSIZE);
    while (sim_take(&a, f) > 0)
        ;
    net_input(&a.ns, f, build_arp(f, 2, dev_mac, peer_mac, IP4(10, 0, 2, 51), dev_mac, DEV_IP),
              1010);
    CHECK(sim_take(&a, f) > 0 && !memcmp(f + 42, "m1", 2));
    CHECK(sim_take(&a, f) > 0 && !memcmp(f + 42, "m3", 2));
    CHECK(sim_take(&a, f) < 0);
    net_input(&a.ns, f, build_arp(f, 2, dev_mac, gw_mac, IP4(10, 0, 2, 50), dev_mac, DEV_IP), 1020);
    CHECK(sim_take(&a, f) > 0 && !memcmp(f + 42, "m0", 2) && !memcmp(f, gw_mac, 6));
    CHECK(sim_take(&a, f) > 0 && !memcmp(f + 42, "m2", 2));
    CHECK(sim_take(&a, f) < 0);
    CHECK(udp_to(IP4(10, 0, 2, 52), 9, "again") == 0);  /* the queue is free again */
}

/* After NET_ARP_TTL_MS a mapping is still used, but asked for again; no answer removes it. */
void test_arp_stale_entry_refreshed_or_removed(void)
{
    config();
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, zero6, DEV_IP), 1000);
    net_timer(&a.ns, 5000);
    sim_clear(&a);
    uint64_t t = 1000 + NET_ARP_TTL_MS;
    net_timer(&a.ns, t);
    CHECK(udp_to(IP4(1, 1, 1, 1), 9, "a") == 0);
    CHECK(frame_is(f, sim_take(&a, f), REQUEST_GW));
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, gw_mac, 6));   /* sent with the old mapping */
    CHECK(udp_to(IP4(1, 1, 1, 1), 9, "b") == 0);          /* no second request yet */
    CHECK(sim_take(&a, f) > 0 && !memcmp(f, gw_mac, 6));
    CHECK(sim_take(&a, f) < 0);
    /* The gateway answers: fresh again, no more requests. */
    net_input(&a.ns, f, build_arp(f, 2, dev_mac, gw_mac, GW_IP, dev_mac, DEV_IP), t + 10);
    net_timer(&a.ns, t + 5000);
    CHECK(sim_take(&a, f) < 0);
    /* Stale again, and this time silent: gone after NET_ARP_TRIES requests. */
    t += 10 + NET_ARP_TTL_MS;
    net_timer(&a.ns, t);
    CHECK(udp_to(IP4(1, 1, 1, 1), 9, "c") == 0);
    for (int i = 1; i <= NET_ARP_TRIES; i++)
        net_timer(&a.ns, t + (uint64_t)i * NET_ARP_RETRY_MS);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        CHECK(a.ns.arp[i].state == ARP_FREE || a.ns.arp[i].ip != GW_IP);
}

/* A full cache evicts the mapping that went stale first, never one being resolved. */
void test_arp_cache_full_evicts_oldest(void)
{
    config();
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        uint8_t mac[6] = { 0x02, 0, 0, 0, 0, (uint8_t)i };
        net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, mac, IP4(10, 0, 2, 100 + i), zero6,
                                      DEV_IP), 1000 + (uint64_t)i);
    }
    uint8_t mac[6] = { 0x02, 0, 0, 0, 1, 0 };
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, mac, IP4(10, 0, 2, 200), zero6, DEV_IP),
              2000);
    int has100 = 0, has200 = 0;
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        has100 |= a.ns.arp[i].ip == IP4(10, 0, 2, 100);
        has200 |= a.ns.arp[i].ip == IP4(10, 0, 2, 200) && a.ns.arp[i].state == ARP_OK;
    }
    CHECK(!has100 && has200);
    /* Every entry resolving: a new next hop finds no room, and the packet is counted. */
    config();
    sim_clear(&a);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, (uint8_t[6]){ 2, 0, 0, 0, 0, 9 },
                                      IP4(10, 0, 2, 100 + i), zero6, DEV_IP), 1000);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        a.ns.arp[i].state = ARP_RESOLVING;
    CHECK(udp_to(IP4(10, 0, 2, 33), 9, "x") == MOTE_ENOMEM);
    CHECK(a.ns.cnt[NET_C_arp_cache_full] == 1);
}

/* Someone else using our address is counted and reported; malformed packets are dropped. */
void test_arp_conflict_and_malformed(void)
{
    config();
    sim_clear(&a);
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, peer_mac, DEV_IP, zero6, DEV_IP), 1000);
    CHECK(a.ns.cnt[NET_C_arp_conflict] == 1);
    const struct net_event *ev = sim_event(&a, NET_EV_CONFLICT);
    CHECK(ev && ev->value == DEV_IP);
    CHECK(sim_take(&a, f) < 0);
    /* A probe (sender 0.0.0.0) for our address is answered, so the prober backs off. */
    net_input(&a.ns, f, build_arp(f, 1, net_bcast_mac, peer_mac, 0, zero6, DEV_IP), 1000);
    int n = sim_take(&a, f);
    CHECK(n == 42 && !memcmp(f, peer_mac, 6) && get_be16(f + 20) == 2);
    static const struct { int off; uint8_t val; } bad[] = {
        { 14 + 1, 6 }, { 14 + 2, 0x86 }, { 14 + 4, 8 }, { 14 + 5, 16 }, { 14 + 7, 3 },
        { 14 + 8, 0x01 },   /* multicast sender */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        n = (int)build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, zero6, DEV_IP);
        f[bad[i].off] = bad[i].val;
        net_input(&a.ns, f, (size_t)n, 1000);
    }
    n = (int)build_arp(f, 1, net_bcast_mac, gw_mac, GW_IP, zero6, DEV_IP);
    net_input(&a.ns, f, (size_t)n - 1, 1000);   /* one byte short */
    CHECK(a.ns.cnt[NET_C_arp_bad] == sizeof bad / sizeof bad[0] + 1);
    CHECK(sim_take(&a, f) < 0);
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        CHECK(a.ns.arp[i].state == ARP_FREE);
}
