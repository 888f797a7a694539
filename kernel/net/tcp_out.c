/*
 * tcp_out.c - building segments and deciding what to send: the send
 * window, the congestion window, Nagle (with Minshall's rule) and the
 * sender's silly-window avoidance, zero-window persist, pure ACKs and RSTs.
 * Payload goes out straight from the send ring (up to two pieces); nothing
 * is allocated or copied per segment.
 */
#include "tcp_impl.h"

static void tcp_hdr(uint8_t *h, uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack,
                    int hl, uint8_t flags, uint16_t wnd)
{
    put_be16(h, sport);
    put_be16(h + 2, dport);
    put_be32(h + 4, seq);
    put_be32(h + 8, ack);
    h[12] = (uint8_t)(hl / 4 << 4);
    h[13] = flags;
    put_be16(h + 14, wnd);
    put_be32(h + 16, 0);     /* checksum, urgent pointer */
}

/* Fill the checksum of iov[0] (the header) over the pseudo header and every piece; send. */
static void tcp_emit(struct tcp_stack *ts, uint32_t src, uint32_t dst, struct net_iov *iov,
                     int niov)
{
    size_t total = 0;
    for (int i = 0; i < niov; i++)
        total += iov[i].len;
    struct inet_sum s;
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_TCP, (uint16_t)total));
    for (int i = 0; i < niov; i++)
        inet_sum_add(&s, iov[i].base, iov[i].len);
    put_be16((uint8_t *)iov[0].base + 16, inet_sum_final(&s));
    ts->cnt.out_segs++;
    ts->env.output(ts->env.ctx, src, dst, iov, niov);
}

/*
 * The receive window to advertise, in bytes. RFC 9293 3.8.6.2.2: the right
 * edge moves only by min(rcvbuf/2, MSS) or more, so a slow reader never
 * invites tiny segments; it never moves left.
 */
uint32_t tcp_rcv_space(const struct tcp_pcb *pcb)
{
    if (!pcb->rbuf)
        return 0;
    uint32_t size = pcb->ts->cfg.rcvbuf;
    uint32_t w = tcp_min(size - pcb->rlen, 65535u << pcb->rcv_ws);
    w = w >> pcb->rcv_ws << pcb->rcv_ws;
    uint32_t old = SEQ_GT(pcb->rcv_adv, pcb->rcv_nxt) ? pcb->rcv_adv - pcb->rcv_nxt : 0;
    old = tcp_min(old, 65535u << pcb->rcv_ws);
    if (w <= old || w - old < tcp_min(size / 2, pcb->mss))
        return old;
    return w;
}

/*
 * The SACK option (RFC 2018) after the header at h: one block per range
 * held out of order (at most 4, so it fits without timestamps), the one
 * with the latest segment first. Returns the header length with it.
 */
static int tcp_sack_opts(const struct tcp_pcb *pcb, uint8_t *h)
{
    int first = 0, hl = TCP_HLEN + 4;
    for (int i = 0; i < pcb->nooo; i++)
        if (SEQ_LEQ(pcb->ooo[i].start, pcb->sack_last) && SEQ_LT(pcb->sack_last, pcb->ooo[i].end))
            first = i;
    h[20] = 1;
    h[21] = 1;
    h[22] = 5;
    h[23] = (uint8_t)(2 + 8 * pcb->nooo);
    for (int k = 0; k < pcb->nooo; k++, hl += 8) {
        const struct tcp_ooo *r = &pcb->ooo[k == 0 ? first : k == first ? 0 : k];
        put_be32(h + hl, r->start);
        put_be32(h + hl + 4, r->end);
    }
    return hl;
}

/*
 * Send one segment of pcb: seq, flags, and len bytes of the send ring from
 * data offset off (relative to sbase). A SYN carries our MSS and, when
 * allowed, window-scale and SACK-permitted options; an ACK without data
 * carries SACK blocks while data is held out of order (one with data leaves
 * them out: they would not fit beside a full segment). Any segment with ACK
 * settles a pending ACK.
 */
void tcp_xmit(struct tcp_pcb *pcb, uint32_t seq, uint8_t flags, uint32_t off, uint32_t len,
              uint64_t now)
{
    struct tcp_stack *ts = pcb->ts;
    uint8_t h[TCP_HLEN + 40];
    int hl = TCP_HLEN;
    uint32_t wnd;
    (void)now;
    if (flags & TH_SYN) {
        h[20] = 2;
        h[21] = 4;
        put_be16(h + 22, ts->cfg.mss);
        hl = 24;
        if (pcb->state == TCP_SYN_SENT || (pcb->flags & PF_WS_OK)) {
            h[24] = 1;
            h[25] = 3;
            h[26] = 3;
            h[27] = pcb->rcv_ws;
            hl = 28;
        }
        if (pcb->state == TCP_SYN_SENT || (pcb->flags & PF_SACK_OK)) {
            h[hl] = 1;
            h[hl + 1] = 1;
            h[hl + 2] = 4;
            h[hl + 3] = 2;
            hl += 4;
        }
        wnd = tcp_min(ts->cfg.rcvbuf, 65535);     /* never scaled in a SYN */
        pcb->rcv_adv = pcb->rcv_nxt + wnd;
    } else {
        wnd = tcp_rcv_space(pcb);
        pcb->rcv_adv = pcb->rcv_nxt + wnd;
        wnd >>= pcb->rcv_ws;
        if ((pcb->flags & PF_SACK_OK) && pcb->nooo && !len)
            hl = tcp_sack_opts(pcb, h);
    }
    tcp_hdr(h, pcb->lport, pcb->rport, seq, (flags & TH_ACK) ? pcb->rcv_nxt : 0, hl, flags,
            (uint16_t)wnd);
    struct net_iov iov[3] = { { h, (size_t)hl } };
    int n = 1;
    if (len) {
        uint32_t size = ts->cfg.sndbuf, at = (pcb->shead + off) & (size - 1);
        uint32_t k = tcp_min(len, size - at);
        iov[n++] = (struct net_iov){ pcb->sbuf + at, k };
        if (k < len)
            iov[n++] = (struct net_iov){ pcb->sbuf, len - k };
    }
    if (flags & TH_ACK) {
        pcb->flags &= ~(PF_ACKNOW | PF_ACK_LATER);
        pcb->t_ack = 0;
        pcb->unacked = 0;
    }
    pcb->st.segs_out++;
    tcp_emit(ts, pcb->lip, pcb->rip, iov, n);
}

/* A RST (or RST+ACK) with no pcb behind it: the answer to a stray segment. */
void tcp_send_reset(struct tcp_stack *ts, uint32_t src, uint32_t dst, uint16_t sport,
                    uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags)
{
    uint8_t h[TCP_HLEN];
    tcp_hdr(h, sport, dport, seq, ack, TCP_HLEN, flags, 0);
    struct net_iov iov = { h, TCP_HLEN };
    ts->cnt.rst_out++;
    tcp_emit(ts, src, dst, &iov, 1);
}

/* Abort: RST+ACK at the highest sequence sent, what the peer most likely expects next. */
void tcp_send_rst_pcb(struct tcp_pcb *pcb)
{
    tcp_send_reset(pcb->ts, pcb->lip, pcb->rip, pcb->lport, pcb->rport, pcb->snd_max,
                   pcb->rcv_nxt, TH_RST | TH_ACK);
}

/* RFC 5961 section 7: an ACK asking the sender to prove itself, at most 100 a second. */
void tcp_challenge_ack(struct tcp_pcb *pcb, uint64_t now)
{
    struct tcp_stack *ts = pcb->ts;
    if (now - ts->chal_t >= 1000) {
        ts->chal_t = now;
        ts->chal_n = 0;
    }
    if (ts->chal_n >= TCP_CHALLENGE_PER_S)
        return;
    ts->chal_n++;
    ts->cnt.challenge_acks++;
    pcb->flags |= PF_ACKNOW;
    tcp_output(pcb, now);
}

/*
 * The ACK that answers an unacceptable segment (RFC 9293 3.10.7.4, RFC
 * 5961 5.2). Two ends that disagree about the sequence space would answer
 * each other's empty ACKs for ever: those answers go out at most once per
 * TCP_OOW_MS (segments with data are always answered).
 */
void tcp_oow_ack(struct tcp_pcb *pcb, const struct tcp_seg *sg, uint64_t now)
{
    if (!sg->len && !(sg->flags & (TH_SYN | TH_FIN))) {
        if (pcb->t_oow && now - pcb->t_oow < TCP_OOW_MS) {
            pcb->ts->cnt.oow_acks_skipped++;
            return;
        }
        pcb->t_oow = now;
    }
    pcb->flags |= PF_ACKNOW;
    tcp_output(pcb, now);
}

/* Send the first unacknowledged segment again (fast retransmit, partial ACK). */
void tcp_rexmit_first(struct tcp_pcb *pcb, uint64_t now)
{
    uint32_t off = pcb->snd_una - pcb->sbase;
    if (off > pcb->slen)
        return;
    uint32_t len = tcp_min(tcp_min(pcb->slen - off, pcb->mss), pcb->snd_max - pcb->snd_una);
    uint8_t fl = TH_ACK | (len ? TH_PSH : 0);
    if ((pcb->flags & PF_FIN_Q) && off + len == pcb->slen &&
        pcb->snd_max == pcb->sbase + pcb->slen + 1)
        fl |= TH_FIN;
    if (!len && !(fl & TH_FIN))
        return;
    tcp_xmit(pcb, pcb->snd_una, fl, off, len, now);
    pcb->st.rexmits++;
    pcb->flags &= ~PF_RTT;       /* Karn: no sample across a retransmission */
}

/*
 * The sequence number of a pure ACK: the highest sent, not snd_nxt, which
 * a timeout moves back (the peer may have that data already and would
 * drop the ACK as old), but not past the window's end (as Linux does).
 */
static uint32_t tcp_ack_seq(const struct tcp_pcb *pcb)
{
    uint32_t end = pcb->snd_una + pcb->snd_wnd;
    return SEQ_GT(pcb->snd_max, end) ? end : pcb->snd_max;
}

/* RFC 3042 limited transmit: each of the first two duplicate ACKs lets one new segment go. */
static uint32_t tcp_limited(const struct tcp_pcb *pcb)
{
    if (pcb->dupacks >= 3 || (pcb->flags & PF_RECOVERY))
        return 0;
    return pcb->dupacks * (uint32_t)pcb->mss;
}

/* Nagle with Minshall's rule and sender SWS avoidance: may a short new segment go now? */
static int tcp_may_send_short(const struct tcp_pcb *pcb, uint32_t len, uint32_t avail)
{
    if (len == avail &&
        ((pcb->flags & PF_NODELAY) || SEQ_GEQ(pcb->snd_una, pcb->sml)))
        return 1;
    return pcb->max_wnd && len >= pcb->max_wnd / 2;
}

/*
 * Send what the windows, Nagle and the state allow: the SYN or SYN-ACK,
 * data and FIN from snd_nxt, then a pure ACK if one is still owed. With
 * data waiting, nothing in flight (or all of it to be sent again after a
 * timeout) and no window, arm the persist timer.
 */
void tcp_output(struct tcp_pcb *pcb, uint64_t now)
{
    switch (pcb->state) {
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
        if (pcb->snd_max == pcb->iss || (pcb->flags & PF_ACKNOW)) {
            tcp_xmit(pcb, pcb->iss, pcb->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK, 0, 0,
                     now);
            pcb->flags &= ~PF_ACKNOW;
            if (pcb->snd_max == pcb->iss) {
                pcb->snd_nxt = pcb->snd_max = pcb->iss + 1;
                pcb->flags |= PF_RTT;
                pcb->rtt_seq = pcb->snd_max;
                pcb->rtt_t = now;
                tcp_arm_rto(pcb, now);
            }
        }
        return;
    case TCP_ESTABLISHED:
    case TCP_CLOSE_WAIT:
    case TCP_FIN_WAIT_1:
    case TCP_CLOSING:
    case TCP_LAST_ACK:
        break;
    case TCP_FIN_WAIT_2:
    case TCP_TIME_WAIT:
        if (pcb->flags & PF_ACKNOW)
            tcp_xmit(pcb, tcp_ack_seq(pcb), TH_ACK, 0, 0, now);
        return;
    default:
        return;
    }
    uint32_t avail;
    for (;;) {
        uint32_t off = pcb->snd_nxt - pcb->sbase;
        avail = off < pcb->slen ? pcb->slen - off : 0;
        uint32_t flight = pcb->snd_nxt - pcb->snd_una;
        uint32_t wnd = tcp_min(pcb->snd_wnd, pcb->cwnd + tcp_limited(pcb));
        uint32_t len = tcp_min(tcp_min(avail, pcb->mss), wnd > flight ? wnd - flight : 0);
        int fin = (pcb->flags & PF_FIN_Q) && off + len == pcb->slen;
        if (!fin && !len)
            break;
        if (!fin && len < pcb->mss && SEQ_GEQ(pcb->snd_nxt, pcb->snd_max) &&
            !tcp_may_send_short(pcb, len, avail))
            break;
        uint8_t fl = TH_ACK | (fin ? TH_FIN : 0) | (len && off + len == pcb->slen ? TH_PSH : 0);
        tcp_xmit(pcb, pcb->snd_nxt, fl, off, len, now);
        if (SEQ_LT(pcb->snd_nxt, pcb->snd_max)) {
            pcb->st.rexmits++;
        } else if (!(pcb->flags & PF_RTT)) {
            pcb->flags |= PF_RTT;
            pcb->rtt_seq = pcb->snd_nxt + len + (uint32_t)fin;
            pcb->rtt_t = now;
        }
        if (len < pcb->mss)
            pcb->sml = pcb->snd_nxt + len;
        pcb->snd_nxt += len + (uint32_t)fin;
        if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        if (!pcb->t_rto || (pcb->flags & PF_PERSIST)) {
            pcb->flags &= ~PF_PERSIST;
            tcp_arm_rto(pcb, now);
        }
        if (fin)
            break;
    }
    if (pcb->flags & PF_ACKNOW)
        tcp_xmit(pcb, tcp_ack_seq(pcb), TH_ACK, 0, 0, now);
    if (avail && !pcb->t_rto && pcb->snd_nxt == pcb->snd_una) {
        pcb->flags |= PF_PERSIST;
        tcp_arm_rto(pcb, now);
    }
}
