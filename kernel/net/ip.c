/*
 * ip.c - IPv4 (RFC 791, RFC 1122 host rules): header checks on the way in,
 * header, routing (on-link or the gateway) and ARP on the way out. No
 * fragmentation: fragments are refused and counted, and nothing larger
 * than NET_MTU is sent (DF is set on everything).
 */
#include "net.h"

#define IP_HDR 20
#define IP_DF 0x4000
#define IP_TTL 64

/* 255.255.255.255, or our subnet's broadcast address once we have one. */
int ip_is_broadcast(const struct net_stack *ns, uint32_t a)
{
    if (a == IP_BROADCAST)
        return 1;
    return ns->ip && ns->mask != IP_BROADCAST && (a & ~ns->mask) == ~ns->mask &&
           (a & ns->mask) == (ns->ip & ns->mask);
}

/* A source no packet may come from: 0, broadcast, multicast/reserved, loopback, our own. */
static int ip_bad_src(const struct net_stack *ns, uint32_t a)
{
    return !a || a >= 0xe0000000u || (a >> 24) == 127 || ip_is_broadcast(ns, a) ||
           (ns->ip && a == ns->ip);
}

/*
 * One received IPv4 packet (the frame's payload: it may be longer than the
 * packet). Checked: version, header length, total length, header checksum,
 * fragments, source, destination (ours or broadcast; while we have no
 * address, UDP to anyone, for DHCP). Options are skipped. Then ICMP, UDP,
 * TCP (through the hook); other protocols get a protocol unreachable.
 */
void ip_input(struct net_stack *ns, const uint8_t *p, size_t len)
{
    NET_COUNT(ns, ip_rx);
    if (len < IP_HDR) {
        NET_COUNT(ns, ip_short);
        return;
    }
    if (p[0] >> 4 != 4) {
        NET_COUNT(ns, ip_version);
        return;
    }
    size_t hl = (size_t)(p[0] & 15) * 4, tot = get_be16(p + 2);
    if (hl < IP_HDR || hl > len) {
        NET_COUNT(ns, ip_hdr);
        return;
    }
    if (tot < hl || tot > len) {
        NET_COUNT(ns, ip_len);
        return;
    }
    if (inet_cksum(p, hl)) {
        NET_COUNT(ns, ip_cksum);
        return;
    }
    if (get_be16(p + 6) & 0x3fff) {     /* more fragments, or an offset */
        NET_COUNT(ns, ip_frag);
        return;
    }
    struct ip_rx rx = { get_be32(p + 12), get_be32(p + 16), p, hl, tot, 0 };
    if (ip_bad_src(ns, rx.src)) {
        NET_COUNT(ns, ip_bad_src);
        return;
    }
    uint8_t proto = p[9];
    rx.unicast = ns->ip && rx.dst == ns->ip;
    if (!rx.unicast && !ip_is_broadcast(ns, rx.dst) && (ns->ip || proto != IPPROTO_UDP)) {
        NET_COUNT(ns, ip_not_ours);
        return;
    }
    const uint8_t *data = p + hl;
    size_t dlen = tot - hl;
    switch (proto) {
    case IPPROTO_ICMP:
        icmp_input(ns, &rx, data, dlen);
        break;
    case IPPROTO_UDP:
        udp_input(ns, &rx, data, dlen);
        break;
    case IPPROTO_TCP:
        if (!rx.unicast) {
            NET_COUNT(ns, ip_not_ours);
        } else if (!ns->tcp_input) {
            NET_COUNT(ns, tcp_no_hook);
        } else {
            NET_COUNT(ns, tcp_rx);
            ns->tcp_input(ns->tcp, rx.src, rx.dst, data, dlen, ns->now_ms);
        }
        break;
    default:
        NET_COUNT(ns, ip_proto);
        if (rx.unicast)
            icmp_send_error(ns, 3, 2, &rx);
    }
}

int ip_output(struct net_stack *ns, uint32_t src, uint32_t dst, uint8_t proto,
              const struct net_iov *iov, int niov)
{
    struct net_iov v[NET_IP_IOV_MAX + 1];
    uint8_t h[IP_HDR];
    size_t len = IP_HDR;
    if (niov < 0 || niov > NET_IP_IOV_MAX)
        return MOTE_EINVAL;
    for (int i = 0; i < niov; i++) {
        len += iov[i].len;
        v[i + 1] = iov[i];
    }
    if (len > NET_MTU) {
        NET_COUNT(ns, ip_too_big);
        return MOTE_EMSGSIZE;
    }
    uint32_t hop;
    if (src && src != ns->ip)   /* an address we no longer hold (DHCP moved us): never sent */
        hop = 0;
    else if (ip_is_broadcast(ns, dst))
        hop = IP_BROADCAST;
    else if (!ns->ip || !dst || dst >= 0xe0000000u || dst == ns->ip)
        hop = 0;
    else if ((dst & ns->mask) == (ns->ip & ns->mask))
        hop = dst;
    else
        hop = ns->gw;
    if (!hop) {
        NET_COUNT(ns, ip_no_route);
        return MOTE_ENETUNREACH;
    }
    h[0] = 0x45;
    h[1] = 0;
    put_be16(h + 2, (uint16_t)len);
    put_be16(h + 4, ns->ip_id++);
    put_be16(h + 6, IP_DF);
    h[8] = IP_TTL;
    h[9] = proto;
    put_be16(h + 10, 0);
    put_be32(h + 12, src ? src : ns->ip);
    put_be32(h + 16, dst);
    put_be16(h + 10, inet_cksum(h, IP_HDR));
    v[0].base = h;
    v[0].len = IP_HDR;
    NET_COUNT(ns, ip_tx);
    return arp_output(ns, hop, v, niov + 1);
}
