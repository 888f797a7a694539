/*
 * Fuzzing net_input with random frames and mutated valid ones (ARP, ICMP,
 * UDP, DHCP, DNS, TCP), fed to two stacks: one configured, with DNS
 * queries, pings and UDP ports waiting and a TCP hook that reads every
 * byte it is given; one acquiring an address by DHCP. Time moves on
 * between frames. Checked: no crash or undefined behaviour (ASan/UBSan),
 * no hang (after a timer run the next deadline is in the future), no
 * leak (the pools' invariants hold all along and all is free at the end).
 *   NET_FUZZ_FRAMES (default 500000) and NET_FUZZ_SEED set the run;
 *   NET_FUZZ_VERBOSE=1 prints every counter of both stacks after it.
 */
#define _POSIX_C_SOURCE 200809L  /* clock_gettime */
#include <stdlib.h>
#include <time.h>
#include "check.h"
#include "netsim.h"

#define FIXED_RND 0x01020304u   /* the stacks' "randomness": xids and ids the corpus knows */
#define NCORPUS 24

static struct sim s1, s2;
static uint64_t rng;
static struct { uint8_t f[SIM_FRAME_MAX]; size_t len; } corpus[NCORPUS];
static int ncorpus;
static uint8_t frame[SIM_FRAME_MAX + 64];
static volatile uint32_t tcp_sink;

static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 32);
}

static void tcp_reader(void *tcp, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
                       uint64_t now_ms)
{
    uint32_t sum = src ^ dst ^ (uint32_t)now_ms;
    (void)tcp;
    for (size_t i = 0; i < len; i++)
        sum += seg[i];
    tcp_sink += sum;
}

static void add(size_t len)
{
    if (ncorpus < NCORPUS) {
        memcpy(corpus[ncorpus].f, frame, len);
        corpus[ncorpus++].len = len;
    }
}

/* A DHCP reply to the fuzzed client's xid, with the options in hex. */
static size_t dhcp_frame(const char *opts)
{
    static uint8_t m[400];
    memset(m, 0, sizeof m);
    m[0] = 2, m[1] = 1, m[2] = 6;
    put_be32(m + 4, FIXED_RND);
    put_be32(m + 16, IP4(10, 0, 2, 20));
    memcpy(m + 28, dev_mac, 6);
    put_be32(m + 236, 0x63825363);
    size_t n = 240 + unhex(m + 240, 150, opts);
    return build_udp(frame, net_bcast_mac, gw_mac, GW_IP, IP_BROADCAST, 67, 68, m, n);
}

static size_t dns_frame(uint16_t port, const char *hex)
{
    static uint8_t m[600];
    put_be16(m, (uint16_t)FIXED_RND);
    size_t n = 2 + unhex(m + 2, sizeof m - 2, hex);
    return build_udp(frame, dev_mac, gw_mac, DNS_IP, DEV_IP, 53, port, m, n);
}

static void build_corpus(uint16_t dns_port, uint16_t eph_port)
{
    static const uint8_t zero6[6], data[64] = "0123456789abcdefghijklmnopqrstuvwxyz";
    uint8_t ramp[8] = { 0, 1, 2, 3, 4, 5, 6, 7 }, ip[80];
    uint32_t ping = (FIXED_RND >> 16) << 16;
    ncorpus = 0;
    add(build_arp(frame, 1, net_bcast_mac, gw_mac, GW_IP, zero6, DEV_IP));
    add(build_arp(frame, 2, dev_mac, peer_mac, IP4(10, 0, 2, 99), dev_mac, DEV_IP));
    add(build_arp(frame, 1, net_bcast_mac, peer_mac, 0, zero6, DEV_IP));
    add(build_icmp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 8, 0, 0x10001, data, 56));
    add(build_icmp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, ping | 1, ramp, 8));
    add(build_icmp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 0, 0, ping | 2, ramp, 8));
    add(build_icmp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 3, 3, 0, data, 28));
    add(build_udp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 1234, 7, data, 40));
    add(build_udp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 1234, eph_port, data, 3));
    add(build_udp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 1234, 999, data, 10));
    add(build_udp(frame, net_bcast_mac, gw_mac, GW_IP, IP_BROADCAST, 1, 7, data, 8));
    add(dhcp_frame("350102 3604 0a000202 0104 ffffff00 0304 0a000202 0604 0a000203"
                   " 3304 00000064 ff"));
    add(dhcp_frame("350105 3604 0a000202 0104 ffffff00 0304 0a000202 0604 0a000203 3304 0000003c"
                   " 3a04 0000000a 3b04 00000014 ff"));
    add(dhcp_frame("350106 3604 0a000202 ff"));
    add(dns_frame(dns_port, "8180 0001 0001 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"
                            " c00c 0001 0001 00000e10 0004 5db8d822"));
    add(dns_frame((uint16_t)(dns_port + 1),
                  "8180 0001 0002 0000 0000 03 777777 07 6578616d706c65 03 636f6d 00 0001 0001"
                  " c00c 0005 0001 0000012c 0006 03 636466 c010"
                  " c02d 0001 0001 0000003c 0004 01020304"));
    add(dns_frame(dns_port, "8183 0001 0000 0000 0000 07 6578616d706c65 03 636f6d 00 0001 0001"));
    uint8_t seg[40] = { 0x04, 0xd2, 0x00, 0x50 };
    seg[12] = 0x50;
    add(build_ip(frame, dev_mac, gw_mac, GW_IP, DEV_IP, IPPROTO_TCP, seg, sizeof seg));
    /* IPv4 with 4 bytes of options, carrying UDP to port 7. */
    size_t n = build_udp(frame, dev_mac, gw_mac, GW_IP, DEV_IP, 1234, 7, data, 12);
    memcpy(ip, frame + 14, 20);
    memcpy(ip + 24, frame + 34, n - 34);
    put_be32(ip + 20, 0x01010100);
    ip[0] = 0x46;
    put_be16(ip + 2, (uint16_t)(n - 14 + 4));
    put_be16(ip + 10, 0);
    put_be16(ip + 10, inet_cksum(ip, 24));
    memcpy(frame + 14, ip, n - 14 + 4);
    add(n + 4);
}

/* Make IPv4 header, UDP and ICMP checksums right again, so mutations reach deeper. */
static void fix_checksums(uint8_t *f, size_t len)
{
    if (len < 34 || get_be16(f + 12) != ETH_TYPE_IP)
        return;
    uint8_t *h = f + 14;
    size_t hl = (size_t)(h[0] & 15) * 4, tot = get_be16(h + 2);
    if (hl < 20 || 14 + hl > len)
        return;
    put_be16(h + 10, 0);
    put_be16(h + 10, inet_cksum(h, hl));
    if (tot < hl || 14 + tot > len)
        return;
    uint8_t *p = h + hl;
    size_t plen = tot - hl;
    if (h[9] == IPPROTO_ICMP && plen >= 8) {
        put_be16(p + 2, 0);
        put_be16(p + 2, inet_cksum(p, plen));
    } else if (h[9] == IPPROTO_UDP && plen >= 8) {
        size_t ulen = get_be16(p + 4);
        if (ulen < 8 || ulen > plen)
            return;
        struct inet_sum s;
        put_be16(p + 6, 0);
        inet_sum_init(&s, inet_pseudo(get_be32(h + 12), get_be32(h + 16), IPPROTO_UDP,
                                      (uint16_t)ulen));
        inet_sum_add(&s, p, ulen);
        put_be16(p + 6, inet_sum_final(&s));
    }
}

static size_t mutate(uint8_t *f, size_t len)
{
    static const uint8_t interesting[] = { 0, 1, 0x3f, 0x40, 0x7f, 0x80, 0xc0, 0xff };
    int n = 1 + (int)(rnd() % 8);
    for (int i = 0; i < n; i++) {
        size_t pos = len ? rnd() % len : 0;
        switch (rnd() % 8) {
        case 0:
            if (len)
                f[pos] ^= (uint8_t)(1u << (rnd() % 8));
            break;
        case 1:
            if (len)
                f[pos] = (uint8_t)rnd();
            break;
        case 2:
            if (len)
                f[pos] = interesting[rnd() % sizeof interesting];
            break;
        case 3:
            len = rnd() % (len + 1);
            break;
        case 4: {
            size_t add = rnd() % 64;
            for (size_t k = 0; k < add && len < SIM_FRAME_MAX; k++)
                f[len++] = (uint8_t)rnd();
            break;
        }
        case 5:
            if (len >= 2) {
                static const uint16_t v16[] = { 0, 1, 0x7fff, 0x8000, 0xffff, 0xc00c, 20, 300 };
                put_be16(f + (pos + 1 < len ? pos : pos - 1), v16[rnd() % 8]);
            }
            break;
        case 6:
            if (len >= 8) {
                size_t from = rnd() % len, to = rnd() % len, k = rnd() % 16;
                if (from + k > len)
                    k = len - from;
                if (to + k > len)
                    k = len - to;
                memmove(f + to, f + from, k);
            }
            break;
        case 7:
            if (len && len < SIM_FRAME_MAX) {
                memmove(f + pos + 1, f + pos, len - pos);
                len++;
            }
            break;
        }
    }
    if (rnd() % 2)
        fix_checksums(f, len);
    return len;
}

/* A frame of random bytes, usually addressed to us with a plausible type and IP header. */
static size_t random_frame(uint8_t *f)
{
    size_t len = rnd() % 4 ? rnd() % 120 : rnd() % SIM_FRAME_MAX;
    for (size_t i = 0; i < len; i++)
        f[i] = (uint8_t)rnd();
    if (len >= 14 && rnd() % 4) {
        memcpy(f, rnd() % 2 ? dev_mac : net_bcast_mac, 6);
        f[6] &= 0xfe;
        put_be16(f + 12, rnd() % 3 ? ETH_TYPE_IP : ETH_TYPE_ARP);
        if (len >= 34 && get_be16(f + 12) == ETH_TYPE_IP && rnd() % 2) {
            f[14] = 0x45;
            put_be16(f + 16, (uint16_t)(len - 14 - rnd() % 4));
            f[20] &= 0x80;  /* not a fragment */
            f[23] = (uint8_t[]){ 1, 6, 17 }[rnd() % 3];
            put_be32(f + 30, DEV_IP);
            fix_checksums(f, len);
        }
    }
    return len;
}

/* The pools are consistent: queued counts match owned buffers, pending packets have an entry. */
static void check_invariants(const struct net_stack *ns)
{
    int owned[NET_UDP_ENDPOINTS] = { 0 };
    for (int i = 0; i < NET_UDP_BUFS; i++) {
        int o = ns->udp_bufs[i].owner;
        CHECK(o >= 0 && o <= NET_UDP_ENDPOINTS);
        if (o > 0 && o <= NET_UDP_ENDPOINTS) {
            CHECK(ns->udp[o - 1].port != 0);
            owned[o - 1]++;
        }
    }
    for (int e = 0; e < NET_UDP_ENDPOINTS; e++) {
        const struct udp_endpoint *ep = &ns->udp[e];
        CHECK(owned[e] == ep->queued && ep->queued <= NET_UDP_QUEUE_MAX);
        int b = ep->head;
        for (int k = 0; k < ep->queued; k++) {
            CHECK(b < NET_UDP_BUFS && ns->udp_bufs[b].owner == e + 1);
            if (k == ep->queued - 1)
                CHECK(b == ep->tail);
            b = ns->udp_bufs[b].next;
        }
    }
    for (int i = 0; i < NET_ARP_QUEUE; i++) {
        const struct arp_pending *p = &ns->arp_queue[i];
        if (!p->len)
            continue;
        int found = 0;
        for (int k = 0; k < NET_ARP_ENTRIES; k++)
            found |= ns->arp[k].state == ARP_RESOLVING && ns->arp[k].ip == p->next_hop;
        CHECK(found && p->len <= NET_MTU);
    }
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        for (int k = i + 1; k < NET_ARP_ENTRIES; k++)
            CHECK(ns->arp[i].state == ARP_FREE || ns->arp[k].state == ARP_FREE ||
                  ns->arp[i].ip != ns->arp[k].ip);
}

/* Keep s1 busy: pings and DNS queries outstanding, UDP queues drained now and then. */
static void rearm(uint64_t now)
{
    uint32_t ip, rtt;
    char buf[NET_UDP_MAX];
    for (int h = 0; h < NET_DNS_QUERIES; h++)
        if (dns_result(&s1.ns, h, &ip) != MOTE_EAGAIN)
            dns_query(&s1.ns, h % 2 ? "www.example.com" : "example.com", now);
    for (int h = 0; h < NET_PING_SLOTS; h++)
        if (icmp_ping_poll(&s1.ns, h, &rtt) != MOTE_EAGAIN)
            icmp_ping_send(&s1.ns, h % 2 ? GW_IP : IP4(10, 0, 2, 99), 8, 3000, now);
    for (int h = 0; h < NET_UDP_ENDPOINTS; h++)
        while (rnd() % 2 && udp_recvfrom(&s1.ns, h, buf, rnd() % sizeof buf, 0, 0) >= 0)
            ;
    if (rnd() % 4 == 0)    /* forget answers, so that queries wait for the network */
        memset(s1.ns.dns_cache, 0, sizeof s1.ns.dns_cache);
    if (s2.ns.dhcp.state == DHCP_OFF || rnd() % 64 == 0)
        dhcp_start(&s2.ns, now);
}

static void timers(struct sim *s, uint64_t now)
{
    net_timer(&s->ns, now);
    CHECK(net_next_deadline(&s->ns) > now);     /* else the caller would spin: a hang */
    sim_clear(s);
}

void test_fuzz_frames(void)
{
    const char *env = getenv("NET_FUZZ_FRAMES"), *seed = getenv("NET_FUZZ_SEED");
    long frames = env ? atol(env) : 500000;
    rng = seed ? strtoull(seed, 0, 0) : 0x9e3779b97f4a7c15ull;
    if (!rng)
        rng = 1;
    uint64_t now = 1000, first_seed = rng;
    sim_init(&s1, dev_mac, 0, FIXED_RND, now);
    sim_static_with_gw(&s1, now);
    s1.ns.tcp_input = tcp_reader;
    CHECK(udp_bind(&s1.ns, 7) >= 0);
    int eph = udp_bind(&s1.ns, 0);
    sim_init(&s2, dev_mac, 0, FIXED_RND, now);
    dhcp_start(&s2.ns, now);
    rearm(now);
    /* Two queries with the same id: the second took the next port. */
    build_corpus(s1.ns.dnsq[0].port, udp_port(&s1.ns, eph));
    CHECK(ncorpus == 19);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    long fed = 0;
    int failures = check_failures;
    for (long i = 0; i < frames; i++) {
        size_t len;
        if (rnd() % 4 == 0) {
            len = random_frame(frame);
        } else {
            int c = (int)(rnd() % (unsigned)ncorpus);
            memcpy(frame, corpus[c].f, corpus[c].len);
            len = mutate(frame, corpus[c].len);
        }
        struct sim *s = i % 2 ? &s2 : &s1;
        net_input(&s->ns, frame, len, now);
        fed++;
        if (s->out_count > SIM_FRAMES / 2)
            sim_clear(s);
        if (i % 32 == 31) {
            now += rnd() % 1500;
            timers(&s1, now);
            timers(&s2, now);
            rearm(now);
        }
        if (i % 1024 == 0) {
            check_invariants(&s1.ns);
            check_invariants(&s2.ns);
        }
        if (check_failures != failures)
            break;     /* stop at the first broken frame, with its seed printed */
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("fuzz: %ld frames in %.2f s, %.0f frames/s (NET_FUZZ_SEED=0x%llx)\n", fed, secs,
           secs > 0 ? (double)fed / secs : 0.0, (unsigned long long)first_seed);
    if (getenv("NET_FUZZ_VERBOSE"))
        for (int i = 0; i < NET_C_COUNT; i++)
            printf("  %-18s %10llu %10llu\n", net_counter_name(i),
                   (unsigned long long)s1.ns.cnt[i], (unsigned long long)s2.ns.cnt[i]);
    /* An hour with nothing received: everything waiting ends, and the pools are all free. */
    for (int k = 0; k < 3600; k++) {
        now += 1000;
        timers(&s1, now);
        timers(&s2, now);
    }
    for (int h = 0; h < NET_UDP_ENDPOINTS; h++)
        udp_close(&s1.ns, h);
    for (int h = 0; h < NET_DNS_QUERIES; h++)
        CHECK(s1.ns.dnsq[h].state != SLOT_WAIT);
    for (int h = 0; h < NET_PING_SLOTS; h++)
        CHECK(s1.ns.ping[h].state != SLOT_WAIT);
    for (int i = 0; i < NET_UDP_BUFS; i++)
        CHECK(s1.ns.udp_bufs[i].owner == 0 && s2.ns.udp_bufs[i].owner == 0);
    for (int i = 0; i < NET_ARP_QUEUE; i++)
        CHECK(s1.ns.arp_queue[i].len == 0 && s2.ns.arp_queue[i].len == 0);
    check_invariants(&s1.ns);
    check_invariants(&s2.ns);
    CHECK(s1.ns.cnt[NET_C_rx_frames] + s2.ns.cnt[NET_C_rx_frames] >= (uint64_t)fed);
}
