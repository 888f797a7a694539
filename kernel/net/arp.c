/*
 * arp.c - ARP (RFC 826) for IPv4 over Ethernet: a small cache whose
 * mappings are refreshed after NET_ARP_TTL_MS, a bounded queue of packets
 * waiting for a next hop's MAC, replies for our address, and gratuitous ARP
 * when an address is bound (RFC 5227 announcements).
 */
#include "net.h"

#define ARP_LEN 28
#define ARP_REQUEST 1
#define ARP_REPLY 2

static const uint8_t zero_mac[6];

/*
 * Send one ARP packet to the Ethernet address `to`, asking for or telling
 * about tpa. (noinline here and on arp_find: called from several places, and
 * -O2 would put a copy, with its table walk unrolled, into each: 800 bytes.)
 */
static __attribute__((noinline)) void arp_send(struct net_stack *ns, uint16_t op,
                                               const uint8_t *to, const uint8_t *tha, uint32_t tpa)
{
    uint8_t a[ARP_LEN];
    put_be16(a, 1);                 /* Ethernet */
    put_be16(a + 2, ETH_TYPE_IP);
    a[4] = 6;
    a[5] = 4;
    put_be16(a + 6, op);
    memcpy(a + 8, ns->mac, 6);
    put_be32(a + 14, ns->ip);
    memcpy(a + 18, tha, 6);
    put_be32(a + 24, tpa);
    struct net_iov v = { a, sizeof a };
    NET_COUNT(ns, arp_tx);
    eth_output(ns, to, ETH_TYPE_ARP, &v, 1);
}

static void arp_request(struct net_stack *ns, uint32_t ip)
{
    arp_send(ns, ARP_REQUEST, net_bcast_mac, zero_mac, ip);
}

static __attribute__((noinline)) struct arp_entry *arp_find(struct net_stack *ns,
                                                             uint32_t ip)
{
    for (int i = 0; i < NET_ARP_ENTRIES; i++)
        if (ns->arp[i].state != ARP_FREE && ns->arp[i].ip == ip)
            return &ns->arp[i];
    return 0;
}

/* A free entry, else the resolved one that went stale first; NULL if all are resolving. */
static struct arp_entry *arp_new(struct net_stack *ns, uint32_t ip)
{
    struct arp_entry *best = 0;
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        struct arp_entry *e = &ns->arp[i];
        if (e->state == ARP_FREE) {
            best = e;
            break;
        }
        if (e->state == ARP_OK && (!best || e->stale_ms < best->stale_ms))
            best = e;
    }
    if (!best) {
        NET_COUNT(ns, arp_cache_full);
        return 0;
    }
    memset(best, 0, sizeof *best);
    best->ip = ip;
    return best;
}

/* Send the queued packets for e's address in arrival order (resolved), or drop them (not). */
static void arp_flush(struct net_stack *ns, const struct arp_entry *e, int resolved)
{
    for (;;) {
        struct arp_pending *first = 0;
        for (int i = 0; i < NET_ARP_QUEUE; i++) {
            struct arp_pending *p = &ns->arp_queue[i];
            if (p->len && p->next_hop == e->ip && (!first || p->seq - first->seq > 0x80000000u))
                first = p;
        }
        if (!first)
            return;
        if (resolved) {
            struct net_iov v = { first->pkt, first->len };
            eth_output(ns, e->mac, ETH_TYPE_IP, &v, 1);
        } else {
            NET_COUNT(ns, arp_unresolved);
        }
        first->len = 0;
    }
}

/* Learn (or refresh) ip -> mac, and send whatever was waiting for it. */
static void arp_learn(struct net_stack *ns, struct arp_entry *e, const uint8_t *mac)
{
    memcpy(e->mac, mac, 6);
    e->state = ARP_OK;
    e->tries = 0;
    e->stale_ms = ns->now_ms + NET_ARP_TTL_MS;
    arp_flush(ns, e, 1);
}

/*
 * One received ARP packet: refresh the sender's entry if we have one, make
 * one if the packet is addressed to us, answer requests for our address.
 * Another host claiming our address is counted and reported, not learnt.
 */
void arp_input(struct net_stack *ns, const uint8_t *p, size_t len)
{
    NET_COUNT(ns, arp_rx);
    if (len < ARP_LEN || get_be16(p) != 1 || get_be16(p + 2) != ETH_TYPE_IP || p[4] != 6 ||
        p[5] != 4) {
        NET_COUNT(ns, arp_bad);
        return;
    }
    uint16_t op = get_be16(p + 6);
    const uint8_t *sha = p + 8;
    uint32_t spa = get_be32(p + 14), tpa = get_be32(p + 24);
    if ((op != ARP_REQUEST && op != ARP_REPLY) || (sha[0] & 1) || !memcmp(sha, ns->mac, 6)) {
        NET_COUNT(ns, arp_bad);
        return;
    }
    if (ns->ip && spa == ns->ip) {
        NET_COUNT(ns, arp_conflict);
        net_emit(ns, NET_EV_CONFLICT, -1, 0, spa);
        return;
    }
    int for_us = ns->ip && tpa == ns->ip;
    if (spa && spa != IP_BROADCAST) {   /* 0: a probe (RFC 5227), answered but not learnt */
        struct arp_entry *e = arp_find(ns, spa);
        if (!e && for_us)
            e = arp_new(ns, spa);
        if (e)
            arp_learn(ns, e, sha);
    }
    if (for_us && op == ARP_REQUEST)
        arp_send(ns, ARP_REPLY, sha, sha, spa);
}

/*
 * Send an IPv4 packet (the pieces start with its header) to next_hop, or to
 * everyone for IP_BROADCAST. Unresolved, the packet is copied into the ARP
 * queue and a request goes out: 0. MOTE_ENOMEM when the queue or the cache
 * is full (the packet is dropped and counted).
 */
int arp_output(struct net_stack *ns, uint32_t next_hop, const struct net_iov *iov, int niov)
{
    if (next_hop == IP_BROADCAST)
        return eth_output(ns, net_bcast_mac, ETH_TYPE_IP, iov, niov);
    struct arp_entry *e = arp_find(ns, next_hop);
    if (e && e->state == ARP_OK) {
        if (ns->now_ms >= e->stale_ms && !e->tries) {   /* use it, and ask again */
            e->tries = 1;
            e->retry_ms = ns->now_ms + NET_ARP_RETRY_MS;
            arp_request(ns, next_hop);
        }
        return eth_output(ns, e->mac, ETH_TYPE_IP, iov, niov);
    }
    struct arp_pending *slot = 0;
    for (int i = 0; i < NET_ARP_QUEUE && !slot; i++)
        if (!ns->arp_queue[i].len)
            slot = &ns->arp_queue[i];
    size_t len = 0;
    for (int i = 0; i < niov; i++)
        len += iov[i].len;
    if (!slot || len > NET_MTU || !len) {
        NET_COUNT(ns, arp_queue_full);
        return MOTE_ENOMEM;
    }
    if (!e) {
        e = arp_new(ns, next_hop);
        if (!e)
            return MOTE_ENOMEM;
        e->state = ARP_RESOLVING;
        e->tries = 1;
        e->retry_ms = ns->now_ms + NET_ARP_RETRY_MS;
        arp_request(ns, next_hop);
    }
    len = 0;
    for (int i = 0; i < niov; i++) {
        memcpy(slot->pkt + len, iov[i].base, iov[i].len);
        len += iov[i].len;
    }
    slot->len = (uint16_t)len;
    slot->next_hop = next_hop;
    slot->seq = ns->arp_seq++;
    return 0;
}

/* Tell the link we hold ns->ip now (gratuitous ARP), twice, NET_ARP_ANNOUNCE_MS apart. */
void arp_announce(struct net_stack *ns)
{
    arp_send(ns, ARP_REQUEST, net_bcast_mac, zero_mac, ns->ip);
    ns->arp_announce_left = 1;
    ns->arp_announce_ms = ns->now_ms + NET_ARP_ANNOUNCE_MS;
}

/* Repeat requests that are due; give up on next hops that never answered. */
void arp_timer(struct net_stack *ns, uint64_t now_ms)
{
    if (ns->arp_announce_left && now_ms >= ns->arp_announce_ms) {
        ns->arp_announce_left = 0;
        if (ns->ip)
            arp_send(ns, ARP_REQUEST, net_bcast_mac, zero_mac, ns->ip);
    }
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        struct arp_entry *e = &ns->arp[i];
        if (e->state == ARP_FREE || !e->tries || now_ms < e->retry_ms)
            continue;
        if (e->tries >= NET_ARP_TRIES) {
            arp_flush(ns, e, 0);
            e->state = ARP_FREE;
            continue;
        }
        e->tries++;
        e->retry_ms = now_ms + NET_ARP_RETRY_MS;
        arp_request(ns, e->ip);
    }
}

uint64_t arp_deadline(const struct net_stack *ns)
{
    uint64_t t = ns->arp_announce_left ? ns->arp_announce_ms : NET_NEVER;
    for (int i = 0; i < NET_ARP_ENTRIES; i++) {
        const struct arp_entry *e = &ns->arp[i];
        if (e->state != ARP_FREE && e->tries && e->retry_ms < t)
            t = e->retry_ms;
    }
    return t;
}
