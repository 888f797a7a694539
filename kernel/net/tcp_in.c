/*
 * tcp_in.c - the way in: check and parse a segment (nothing from the
 * network is trusted: every malformed one is dropped and counted), find its
 * pcb, answer strays with RST (RFC 9293 3.10.7.1), and handle the two
 * states that have no connection yet: LISTEN and SYN_SENT.
 */
#include "tcp_impl.h"

/* Check the header, checksum and options of seg; fill *sg. 0, or -1 (counted) to drop. */
static int tcp_parse(struct tcp_stack *ts, uint32_t src, uint32_t dst, const uint8_t *p, size_t n,
                     struct tcp_seg *sg)
{
    struct tcp_counters *c = &ts->cnt;
    if (n < TCP_HLEN || n > 65535) {
        c->bad_hdr++;
        return -1;
    }
    size_t hl = (size_t)(p[12] >> 4) * 4;
    if (hl < TCP_HLEN || hl > n || !get_be16(p) || !get_be16(p + 2)) {
        c->bad_hdr++;
        return -1;
    }
    struct inet_sum s;
    inet_sum_init(&s, inet_pseudo(src, dst, IPPROTO_TCP, (uint16_t)n));
    inet_sum_add(&s, p, n);
    if (inet_sum_final(&s)) {
        c->bad_cksum++;
        return -1;
    }
    sg->flags = p[13] & 0x3f;
    /* SYN with RST or FIN means nothing legitimate: a scan, or garbage */
    if ((sg->flags & TH_SYN) && (sg->flags & (TH_RST | TH_FIN))) {
        c->bad_hdr++;
        return -1;
    }
    sg->mss = 0;
    sg->ws = -1;
    sg->sackok = sg->nsack = 0;
    for (size_t i = TCP_HLEN; i < hl;) {
        uint8_t kind = p[i];
        if (kind == 0)
            break;
        if (kind == 1) {
            i++;
            continue;
        }
        size_t ol = i + 1 < hl ? p[i + 1] : 0;
        if (ol < 2 || i + ol > hl || (kind == 2 && ol != 4) || (kind == 3 && ol != 3)) {
            c->bad_opt++;
            return -1;
        }
        if (kind == 2)
            sg->mss = get_be16(p + i + 2);
        else if (kind == 3)
            sg->ws = p[i + 2];
        else if (kind == 4 && ol == 2)
            sg->sackok = 1;
        for (size_t b = i + 2; kind == 5 && (ol - 2) % 8 == 0 && b < i + ol; b += 8) {
            uint32_t right = get_be32(p + b + 4);
            if (!sg->nsack++ || SEQ_GT(right, sg->sack_hi))
                sg->sack_hi = right;
        }
        i += ol;
    }
    sg->seq = get_be32(p + 4);
    sg->ack = get_be32(p + 8);
    sg->wnd = get_be16(p + 14);
    sg->data = p + hl;
    sg->len = (uint32_t)(n - hl);
    return 0;
}

/* RFC 9293 3.10.7.1: the RST that answers sg, sent from dst back to src. Never for a RST. */
static void tcp_reset_reply(struct tcp_stack *ts, uint32_t src, uint32_t dst, uint16_t sport,
                            uint16_t dport, const struct tcp_seg *sg)
{
    if (sg->flags & TH_RST)
        return;
    if (sg->flags & TH_ACK)
        tcp_send_reset(ts, dst, src, dport, sport, sg->ack, 0, TH_RST);
    else
        tcp_send_reset(ts, dst, src, dport, sport, 0,
                       sg->seq + sg->len + !!(sg->flags & TH_SYN) + !!(sg->flags & TH_FIN),
                       TH_RST | TH_ACK);
}

/* The peer's MSS, window-scale and SACK-permitted options, from its SYN. */
static void tcp_syn_options(struct tcp_pcb *pcb, const struct tcp_seg *sg)
{
    pcb->flags = (uint16_t)((pcb->flags & ~PF_SACK_OK) | (sg->sackok ? PF_SACK_OK : 0));
    uint32_t mss = sg->mss ? sg->mss : TCP_MSS_DEFAULT;
    pcb->mss = (uint16_t)tcp_min(tcp_max(mss, TCP_MSS_MIN), pcb->ts->cfg.mss);
    if (sg->ws >= 0) {
        pcb->flags |= PF_WS_OK;
        pcb->snd_ws = (uint8_t)tcp_min((uint32_t)sg->ws, 14);
        pcb->rcv_ws = tcp_wshift(pcb->ts->cfg.rcvbuf);
    } else {
        pcb->flags &= ~PF_WS_OK;
        pcb->snd_ws = pcb->rcv_ws = 0;
    }
    pcb->irs = sg->seq;
    pcb->rcv_nxt = sg->seq + 1;
    pcb->rcv_adv = pcb->rcv_nxt + tcp_min(pcb->ts->cfg.rcvbuf, 65535);   /* what our SYN said */
    pcb->snd_wnd = pcb->max_wnd = sg->wnd;   /* a SYN's window is never scaled */
    pcb->snd_wl1 = sg->seq;
    pcb->snd_wl2 = sg->ack;
}

/* A SYN for listener l: a child in SYN_RCVD, if the backlog and the pools allow. */
static void tcp_listen_input(struct tcp_pcb *l, uint32_t src, uint32_t dst, uint16_t sport,
                             const struct tcp_seg *sg, uint64_t now)
{
    struct tcp_stack *ts = l->ts;
    if (sg->flags & TH_ACK) {
        tcp_reset_reply(ts, src, dst, sport, l->lport, sg);
        return;
    }
    if ((sg->flags & (TH_SYN | TH_RST)) != TH_SYN) {
        ts->cnt.drop_state++;
        return;
    }
    int children = 0;
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        children += ts->pcbs[i].parent == l;
    if (children >= l->backlog) {
        ts->cnt.drop_backlog++;
        return;
    }
    struct tcp_pcb *c = tcp_pcb_new(ts, 1);
    if (!c) {
        ts->cnt.drop_nomem++;
        return;
    }
    c->parent = l;
    c->flags = l->flags & (PF_NODELAY | PF_KEEPALIVE);
    c->lip = dst;
    c->lport = l->lport;
    c->rip = src;
    c->rport = sport;
    c->iss = tcp_isn(ts, dst, c->lport, src, sport, now);
    c->snd_una = c->snd_nxt = c->snd_max = c->recover = c->sml = c->iss;
    c->sbase = c->iss + 1;
    tcp_syn_options(c, sg);
    c->state = TCP_SYN_RCVD;
    ts->cnt.passive_opens++;
    tcp_output(c, now);
}

/* RFC 9293 3.10.7.3: our SYN is out; a SYN-ACK completes, a bare SYN is a simultaneous open. */
static void tcp_syn_sent_input(struct tcp_pcb *pcb, uint32_t src, uint32_t dst, uint16_t sport,
                               const struct tcp_seg *sg, uint64_t now)
{
    struct tcp_stack *ts = pcb->ts;
    int ack_ok = 0;
    if (sg->flags & TH_ACK) {
        if (sg->ack - pcb->iss - 1 >= pcb->snd_max - pcb->iss) {     /* not in (iss, max] */
            ts->cnt.drop_seq++;
            tcp_reset_reply(ts, src, dst, sport, pcb->lport, sg);
            return;
        }
        ack_ok = 1;
    }
    if (sg->flags & TH_RST) {
        if (ack_ok) {
            ts->cnt.rst_in++;
            tcp_closed(pcb, TCP_ECONNREFUSED);
        } else {
            ts->cnt.drop_state++;
        }
        return;
    }
    if (!(sg->flags & TH_SYN)) {
        ts->cnt.drop_state++;
        return;
    }
    tcp_syn_options(pcb, sg);
    pcb->flags |= PF_ACKNOW;
    if (!ack_ok) {
        pcb->state = TCP_SYN_RCVD;            /* simultaneous open: SYN-ACK with our ISS */
        tcp_output(pcb, now);
        return;
    }
    pcb->snd_una = sg->ack;
    if (pcb->flags & PF_RTT) {
        pcb->flags &= ~PF_RTT;
        tcp_rtt_sample(pcb, (uint32_t)(now - pcb->rtt_t));
    }
    pcb->nrexmit = 0;
    pcb->t_rto = 0;
    tcp_established(pcb, now);
    tcp_output(pcb, now);
}

static struct tcp_pcb *tcp_lookup(struct tcp_stack *ts, uint32_t lip, uint16_t lport, uint32_t rip,
                                  uint16_t rport)
{
    struct tcp_pcb *listener = NULL;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *p = &ts->pcbs[i];
        if (p->state == TCP_CLOSED || p->lport != lport)
            continue;
        if (p->state == TCP_LISTEN)
            listener = p;
        else if (p->rport == rport && p->rip == rip && p->lip == lip)
            return p;
    }
    return listener;
}

void tcp_input(struct tcp_stack *ts, uint32_t src, uint32_t dst, const uint8_t *seg, size_t len,
               uint64_t now)
{
    struct tcp_seg sg;
    ts->cnt.in_segs++;
    if (tcp_parse(ts, src, dst, seg, len, &sg))
        return;
    uint16_t sport = get_be16(seg), dport = get_be16(seg + 2);
    struct tcp_pcb *pcb = tcp_lookup(ts, dst, dport, src, sport);
    /* RFC 9293 3.10.7.4: a SYN beyond an old incarnation's sequence space may reuse its pair */
    if (pcb && pcb->state == TCP_TIME_WAIT && !(pcb->flags & PF_USER) &&
        (sg.flags & (TH_SYN | TH_ACK)) == TH_SYN && SEQ_GT(sg.seq, pcb->rcv_nxt)) {
        tcp_pcb_free(pcb);
        pcb = tcp_lookup(ts, dst, dport, src, sport);
    }
    if (!pcb) {
        ts->cnt.no_port++;
        tcp_reset_reply(ts, src, dst, sport, dport, &sg);
        return;
    }
    pcb->st.segs_in++;
    if (pcb->state == TCP_LISTEN)
        tcp_listen_input(pcb, src, dst, sport, &sg, now);
    else if (pcb->state == TCP_SYN_SENT)
        tcp_syn_sent_input(pcb, src, dst, sport, &sg, now);
    else
        tcp_segment(pcb, &sg, now);
}
