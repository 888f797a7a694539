/*
 * icmp.c - ICMP (RFC 792, RFC 1122 3.2.2): echo replies, the errors we
 * send (port and protocol unreachable, rate limited), and a ping client
 * that matches replies to its requests by id, sequence, source and data.
 */
#include "net.h"

#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACH 3
#define ICMP_ECHO 8

/* Send type/code with header word `rest` and the data pieces; the checksum covers all. */
static int icmp_send(struct net_stack *ns, uint32_t src, uint32_t dst, uint8_t type, uint8_t code,
                     uint32_t rest, struct net_iov *v, int niov)
{
    uint8_t h[8];
    struct inet_sum s;
    h[0] = type;
    h[1] = code;
    put_be16(h + 2, 0);
    put_be32(h + 4, rest);
    inet_sum_init(&s, 0);
    inet_sum_add(&s, h, sizeof h);
    for (int i = 1; i < niov; i++)
        inet_sum_add(&s, v[i].base, v[i].len);
    put_be16(h + 2, inet_sum_final(&s));
    v[0].base = h;
    v[0].len = sizeof h;
    NET_COUNT(ns, icmp_tx);
    return ip_output(ns, src, dst, IPPROTO_ICMP, v, niov);
}

/* Does echo reply p (from src) answer one of our pings? Then it is done, with its RTT. */
static void ping_match(struct net_stack *ns, uint32_t src, const uint8_t *p, size_t len)
{
    if (get_be16(p + 4) != ns->ping_id)
        return;
    for (int i = 0; i < NET_PING_SLOTS; i++) {
        struct ping_slot *s = &ns->ping[i];
        if (s->state != SLOT_WAIT || s->seq != get_be16(p + 6) || s->dst != src)
            continue;
        int ok = len - 8 == s->len;
        for (size_t k = 8; ok && k < len; k++)
            ok = p[k] == (uint8_t)(k - 8);
        if (!ok) {
            NET_COUNT(ns, ping_bad);
            return;
        }
        s->state = SLOT_DONE;
        s->status = 0;
        s->rtt_ms = (uint32_t)(ns->now_ms - s->sent_ms);
        net_emit(ns, NET_EV_PING, i, 0, s->rtt_ms);
        return;
    }
}

void icmp_input(struct net_stack *ns, const struct ip_rx *rx, const uint8_t *p, size_t len)
{
    NET_COUNT(ns, icmp_rx);
    if (len < 8 || inet_cksum(p, len)) {
        NET_COUNT(ns, icmp_bad);
        return;
    }
    switch (p[0]) {
    case ICMP_ECHO:
        NET_COUNT(ns, icmp_echo_rx);
        if (rx->unicast && !p[1]) {     /* echoes to broadcast are ignored (RFC 1122 3.2.2.6) */
            struct net_iov v[2] = { { 0, 0 }, { p + 8, len - 8 } };
            icmp_send(ns, rx->dst, rx->src, ICMP_ECHO_REPLY, 0, get_be32(p + 4), v, 2);
        }
        break;
    case ICMP_ECHO_REPLY:
        NET_COUNT(ns, icmp_reply_rx);
        if (rx->unicast)
            ping_match(ns, rx->src, p, len);
        break;
    case ICMP_UNREACH:
        NET_COUNT(ns, icmp_unreach_rx);
        break;
    default:
        NET_COUNT(ns, icmp_other_rx);
    }
}

/*
 * Tell rx's sender that its packet went nowhere, quoting the packet's header
 * and first 8 data bytes (RFC 792). Only for unicast packets to us, never for
 * ICMP ones, at most NET_ICMP_ERR_PER_S a second.
 */
void icmp_send_error(struct net_stack *ns, uint8_t type, uint8_t code, const struct ip_rx *rx)
{
    if (!rx->unicast || rx->pkt[9] == IPPROTO_ICMP)
        return;
    if (ns->now_ms - ns->icmp_err_window_ms >= 1000) {
        ns->icmp_err_window_ms = ns->now_ms;
        ns->icmp_err_count = 0;
    }
    if (ns->icmp_err_count >= NET_ICMP_ERR_PER_S) {
        NET_COUNT(ns, icmp_err_limited);
        return;
    }
    ns->icmp_err_count++;
    NET_COUNT(ns, icmp_err_tx);
    size_t quote = rx->hdr_len + 8 < rx->len ? rx->hdr_len + 8 : rx->len;
    struct net_iov v[2] = { { 0, 0 }, { rx->pkt, quote } };
    icmp_send(ns, rx->dst, rx->src, type, code, 0, v, 2);
}

int icmp_ping_send(struct net_stack *ns, uint32_t dst, size_t len, uint32_t timeout_ms,
                   uint64_t now_ms)
{
    struct net_iov v[1 + (NET_PING_MAX + 255) / 256];
    uint8_t ramp[256];      /* echo data: byte i is (uint8_t)i, sent as pieces of this */
    struct ping_slot *s = 0;
    int h;
    if (now_ms > ns->now_ms)
        ns->now_ms = now_ms;
    if (len > NET_PING_MAX || !dst)
        return MOTE_EINVAL;
    for (h = 0; h < NET_PING_SLOTS && !s; h++)
        if (ns->ping[h].state == SLOT_FREE)
            s = &ns->ping[h];
    if (!s)
        return MOTE_ENOMEM;
    h--;
    for (int i = 0; i < 256; i++)
        ramp[i] = (uint8_t)i;
    int n = 1;
    for (size_t off = 0; off < len; off += 256, n++) {
        v[n].base = ramp;
        v[n].len = len - off < 256 ? len - off : 256;
    }
    uint16_t seq = ++ns->ping_seq;
    int err = icmp_send(ns, 0, dst, ICMP_ECHO, 0, (uint32_t)ns->ping_id << 16 | seq, v, n);
    if (err < 0)
        return err;
    s->state = SLOT_WAIT;
    s->seq = seq;
    s->len = (uint16_t)len;
    s->dst = dst;
    s->sent_ms = now_ms;
    s->deadline_ms = now_ms + timeout_ms;
    return h;
}

int icmp_ping_poll(struct net_stack *ns, int h, uint32_t *rtt_ms)
{
    if (h < 0 || h >= NET_PING_SLOTS || ns->ping[h].state == SLOT_FREE)
        return MOTE_EINVAL;
    struct ping_slot *s = &ns->ping[h];
    if (s->state == SLOT_WAIT)
        return MOTE_EAGAIN;
    s->state = SLOT_FREE;
    if (rtt_ms)
        *rtt_ms = s->rtt_ms;
    return s->status;
}

/* Pings whose time is up are finished with MOTE_ETIMEDOUT. */
void icmp_timer(struct net_stack *ns, uint64_t now_ms)
{
    for (int i = 0; i < NET_PING_SLOTS; i++) {
        struct ping_slot *s = &ns->ping[i];
        if (s->state == SLOT_WAIT && now_ms >= s->deadline_ms) {
            s->state = SLOT_DONE;
            s->status = MOTE_ETIMEDOUT;
            NET_COUNT(ns, ping_timeout);
            net_emit(ns, NET_EV_PING, i, MOTE_ETIMEDOUT, 0);
        }
    }
}

uint64_t icmp_deadline(const struct net_stack *ns)
{
    uint64_t t = NET_NEVER;
    for (int i = 0; i < NET_PING_SLOTS; i++)
        if (ns->ping[i].state == SLOT_WAIT && ns->ping[i].deadline_ms < t)
            t = ns->ping[i].deadline_ms;
    return t;
}
