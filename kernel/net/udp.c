/*
 * udp.c - UDP (RFC 768): a table of bound ports, each with a queue of
 * received datagrams drawn from one shared pool (NET_UDP_BUFS buffers, at
 * most NET_UDP_QUEUE_MAX per port), and sending. DHCP (port 68) and DNS
 * answers (from port 53 to a query's port) are handed over before the table.
 */
#include "net.h"

#define UDP_HDR 8

_Static_assert(NET_UDP_ENDPOINTS < 255 && NET_UDP_BUFS <= 256 && NET_UDP_QUEUE_MAX < 256,
               "endpoint and buffer indices are bytes");

static struct udp_endpoint *udp_get(struct net_stack *ns, int h)
{
    if (h < 0 || h >= NET_UDP_ENDPOINTS || !ns->udp[h].port)
        return 0;
    return &ns->udp[h];
}

/* The endpoint bound to port, or -1 (port 0: a free endpoint). noinline: 450 bytes less. */
__attribute__((noinline)) int udp_find(const struct net_stack *ns, uint16_t port)
{
    for (int i = 0; i < NET_UDP_ENDPOINTS; i++)
        if (ns->udp[i].port == port)
            return i;
    return -1;
}

int udp_bind(struct net_stack *ns, uint16_t port)
{
    int h = udp_find(ns, 0);
    if (port && udp_find(ns, port) >= 0)
        return MOTE_EADDRINUSE;
    if (h < 0)
        return MOTE_ENOMEM;
    if (!port) {    /* an ephemeral port (49152-65535) from a random start */
        port = (uint16_t)(49152 + ns->env.random32(ns->env.ctx) % 16384);
        while (udp_find(ns, port) >= 0)
            port = port == 65535 ? 49152 : port + 1;
    }
    memset(&ns->udp[h], 0, sizeof ns->udp[h]);
    ns->udp[h].port = port;
    return h;
}

uint16_t udp_port(const struct net_stack *ns, int h)
{
    return h >= 0 && h < NET_UDP_ENDPOINTS ? ns->udp[h].port : 0;
}

int udp_close(struct net_stack *ns, int h)
{
    if (!udp_get(ns, h))
        return MOTE_EINVAL;
    for (int i = 0; i < NET_UDP_BUFS; i++)
        if (ns->udp_bufs[i].owner == h + 1)
            ns->udp_bufs[i].owner = 0;
    memset(&ns->udp[h], 0, sizeof ns->udp[h]);
    return 0;
}

/* Send the pieces as one datagram from sport, with its checksum (never 0: RFC 768). */
int udp_output(struct net_stack *ns, uint16_t sport, uint32_t dst, uint16_t dport,
               const struct net_iov *iov, int niov)
{
    struct net_iov v[NET_IP_IOV_MAX];
    uint8_t h[UDP_HDR];
    size_t len = UDP_HDR;
    struct inet_sum s;
    if (niov < 0 || niov > NET_IP_IOV_MAX - 1)
        return MOTE_EINVAL;
    for (int i = 0; i < niov; i++) {
        v[i + 1] = iov[i];
        len += iov[i].len;
    }
    if (len > NET_UDP_MAX + UDP_HDR)
        return MOTE_EMSGSIZE;
    put_be16(h, sport);
    put_be16(h + 2, dport);
    put_be16(h + 4, (uint16_t)len);
    put_be16(h + 6, 0);
    inet_sum_init(&s, inet_pseudo(ns->ip, dst, IPPROTO_UDP, (uint16_t)len));
    inet_sum_add(&s, h, UDP_HDR);
    for (int i = 0; i < niov; i++)
        inet_sum_add(&s, iov[i].base, iov[i].len);
    uint16_t c = inet_sum_final(&s);
    put_be16(h + 6, c ? c : 0xffff);
    v[0].base = h;
    v[0].len = UDP_HDR;
    NET_COUNT(ns, udp_tx);
    return ip_output(ns, 0, dst, IPPROTO_UDP, v, niov + 1);
}

int udp_sendto(struct net_stack *ns, int h, uint32_t dst, uint16_t dport, const void *data,
               size_t len)
{
    struct udp_endpoint *e = udp_get(ns, h);
    struct net_iov v = { data, len };
    if (!e || !dst || !dport)
        return MOTE_EINVAL;
    if (len > NET_UDP_MAX)
        return MOTE_EMSGSIZE;
    return udp_output(ns, e->port, dst, dport, &v, 1);
}

/* Queue a datagram on endpoint h, if its queue and the pool have room. */
static void udp_queue(struct net_stack *ns, int h, uint32_t src, uint16_t sport,
                      const uint8_t *data, size_t len)
{
    struct udp_endpoint *e = &ns->udp[h];
    int b;
    if (e->queued >= NET_UDP_QUEUE_MAX) {
        NET_COUNT(ns, udp_queue_full);
        return;
    }
    for (b = 0; b < NET_UDP_BUFS && ns->udp_bufs[b].owner; b++)
        ;
    if (b == NET_UDP_BUFS) {
        NET_COUNT(ns, udp_no_buf);
        return;
    }
    struct udp_buf *u = &ns->udp_bufs[b];
    u->owner = (uint8_t)(h + 1);
    u->src = src;
    u->sport = sport;
    u->len = (uint16_t)len;
    memcpy(u->data, data, len);
    if (e->queued)
        ns->udp_bufs[e->tail].next = (uint8_t)b;
    else
        e->head = (uint8_t)b;
    e->tail = (uint8_t)b;
    e->queued++;
    net_emit(ns, NET_EV_UDP, h, 0, (uint32_t)len);
}

/*
 * One received datagram: length and checksum (0: none sent) checked, then
 * DHCP, DNS, a bound port, or a port unreachable back to unicast senders.
 */
void udp_input(struct net_stack *ns, const struct ip_rx *rx, const uint8_t *p, size_t len)
{
    NET_COUNT(ns, udp_rx);
    size_t ulen = len >= UDP_HDR ? get_be16(p + 4) : 0;
    if (ulen < UDP_HDR || ulen > len || !get_be16(p + 2)) {
        NET_COUNT(ns, udp_bad);
        return;
    }
    if (get_be16(p + 6)) {
        struct inet_sum s;
        inet_sum_init(&s, inet_pseudo(rx->src, rx->dst, IPPROTO_UDP, (uint16_t)ulen));
        inet_sum_add(&s, p, ulen);
        if (inet_sum_final(&s)) {
            NET_COUNT(ns, udp_cksum);
            return;
        }
    }
    uint16_t sport = get_be16(p), dport = get_be16(p + 2);
    const uint8_t *data = p + UDP_HDR;
    size_t dlen = ulen - UDP_HDR;
    if (dport == 68 && dhcp_input(ns, sport, data, dlen))
        return;
    if (!ns->ip) {      /* accepted only for DHCP */
        NET_COUNT(ns, ip_not_ours);
        return;
    }
    if (sport == 53 && dns_input(ns, rx->src, dport, data, dlen))
        return;
    int h = udp_find(ns, dport);
    if (h >= 0) {
        if (dlen <= NET_UDP_MAX)
            udp_queue(ns, h, rx->src, sport, data, dlen);
        else
            NET_COUNT(ns, udp_bad);
        return;
    }
    NET_COUNT(ns, udp_no_port);
    icmp_send_error(ns, 3, 3, rx);
}

int udp_recvfrom(struct net_stack *ns, int h, void *buf, size_t cap, uint32_t *src,
                 uint16_t *sport)
{
    struct udp_endpoint *e = udp_get(ns, h);
    if (!e)
        return MOTE_EINVAL;
    if (!e->queued)
        return MOTE_EAGAIN;
    struct udp_buf *u = &ns->udp_bufs[e->head];
    size_t n = u->len < cap ? u->len : cap;
    if (n)
        memcpy(buf, u->data, n);
    if (src)
        *src = u->src;
    if (sport)
        *sport = u->sport;
    u->owner = 0;
    e->head = u->next;
    e->queued--;
    return (int)n;
}
