/*
 * tcp_rcv.c - a segment for a connection past SYN_SENT (RFC 9293 3.10.7.4,
 * in its order: sequence check, RST, SYN, ACK, data, FIN), and the receive
 * ring. Out-of-order data is written straight to its place in the ring,
 * inside the advertised window, and up to TCP_OOO_MAX ranges of it are
 * remembered; the window bounds it, so it can never eat other buffers.
 */
#include "tcp_impl.h"

/* Remember [s, e) as held out of order, merged with the ranges it touches. */
static void tcp_ooo_add(struct tcp_pcb *pcb, uint32_t s, uint32_t e)
{
    for (int i = 0; i < pcb->nooo;) {
        struct tcp_ooo *r = &pcb->ooo[i];
        if (SEQ_LEQ(r->start, e) && SEQ_LEQ(s, r->end)) {
            if (SEQ_LT(r->start, s))
                s = r->start;
            if (SEQ_GT(r->end, e))
                e = r->end;
            *r = pcb->ooo[--pcb->nooo];
        } else {
            i++;
        }
    }
    int slot = pcb->nooo;
    if (slot == TCP_OOO_MAX) {      /* full: forget the range farthest ahead, if beyond this one */
        slot = 0;
        for (int i = 1; i < TCP_OOO_MAX; i++)
            if (SEQ_GT(pcb->ooo[i].start, pcb->ooo[slot].start))
                slot = i;
        if (SEQ_LT(pcb->ooo[slot].start, s))
            return;
    } else {
        pcb->nooo++;
    }
    pcb->ooo[slot] = (struct tcp_ooo){ s, e };
}

/* rcv_nxt moved: take in the ranges it reached. Returns 1 if it filled any. */
static int tcp_ooo_take(struct tcp_pcb *pcb)
{
    int any = 0;
    for (int i = 0; i < pcb->nooo;) {
        struct tcp_ooo *r = &pcb->ooo[i];
        if (SEQ_GT(r->start, pcb->rcv_nxt)) {
            i++;
            continue;
        }
        if (SEQ_GT(r->end, pcb->rcv_nxt)) {
            uint32_t n = r->end - pcb->rcv_nxt;
            pcb->rcv_nxt += n;
            pcb->rlen += n;
            pcb->st.bytes_in += n;
        }
        *r = pcb->ooo[--pcb->nooo];
        any = 1;
        i = 0;                      /* rcv_nxt moved: look again from the start */
    }
    return any;
}

/*
 * len bytes at seq, within the window (seq >= rcv_nxt). In order: readable
 * now, ACK delayed unless this makes two full segments or fills a hole.
 * Out of order: kept, and ACKed at once (the duplicate ACK fast retransmit needs).
 */
static void tcp_rcv_data(struct tcp_pcb *pcb, uint32_t seq, const uint8_t *data, uint32_t len,
                         uint64_t now)
{
    uint32_t off = seq - pcb->rcv_nxt;
    tcp_ring_put(pcb->rbuf, pcb->ts->cfg.rcvbuf, pcb->rhead + pcb->rlen + off, data, len);
    if (off) {
        tcp_ooo_add(pcb, seq, seq + len);
        pcb->sack_last = seq;
        pcb->flags |= PF_ACKNOW;
        return;
    }
    pcb->rcv_nxt += len;
    pcb->rlen += len;
    pcb->st.bytes_in += len;
    pcb->unacked += len;
    if (tcp_ooo_take(pcb) || pcb->nooo || pcb->quick) {
        pcb->flags |= PF_ACKNOW;
        pcb->quick -= !!pcb->quick;
    }
    else if (pcb->unacked >= 2u * pcb->mss)
        pcb->flags |= pcb->ts->batch && pcb->unacked < pcb->ts->cfg.rcvbuf / 4 ? PF_ACK_LATER : PF_ACKNOW;
    else if (!pcb->t_ack)
        pcb->t_ack = now + pcb->ts->cfg.delack_ms;
    tcp_event(pcb, TCP_EV_READABLE);
}

/* The peer's FIN, in order: end of its stream. */
static void tcp_rcv_fin(struct tcp_pcb *pcb, uint64_t now)
{
    pcb->rcv_nxt++;
    pcb->nooo = 0;                  /* anything held beyond the FIN was never sent */
    pcb->flags |= PF_FIN_IN | PF_ACKNOW;
    switch (pcb->state) {
    case TCP_ESTABLISHED:
        pcb->state = TCP_CLOSE_WAIT;
        break;
    case TCP_FIN_WAIT_1:
        pcb->state = TCP_CLOSING;
        break;
    case TCP_FIN_WAIT_2:
        tcp_to_time_wait(pcb, now);
        break;
    default:
        break;
    }
    tcp_event(pcb, TCP_EV_READABLE);
}

/*
 * Is the segment (its sequence space, seglen) acceptable? RFC 9293's table,
 * plus seq == RCV.NXT. Offsets from RCV.NXT are compared unsigned: SEQ_LT
 * and SEQ_GT both hold for numbers 2^31 apart, and a forged segment there
 * must not pass as inside a zero window.
 */
static int tcp_seq_ok(const struct tcp_pcb *pcb, uint32_t seq, uint32_t seglen, uint32_t wnd)
{
    uint32_t nxt = pcb->rcv_nxt;
    if (seq == nxt)
        return 1;                   /* lets ACKs and RSTs through a zero window */
    /* its end in the window, or at RCV.NXT: a duplicate whose ACK may be new (simultaneous open) */
    if (seglen && seq + seglen - nxt <= wnd)
        return 1;
    return seq - nxt < wnd;
}

void tcp_segment(struct tcp_pcb *pcb, struct tcp_seg *sg, uint64_t now)
{
    struct tcp_stack *ts = pcb->ts;
    uint32_t wnd = pcb->rbuf ? ts->cfg.rcvbuf - pcb->rlen : 0;
    uint8_t fl = sg->flags;
    uint32_t seq = sg->seq, len = sg->len;
    const uint8_t *data = sg->data;
    if (!tcp_seq_ok(pcb, seq, len + !!(fl & TH_SYN) + !!(fl & TH_FIN), wnd)) {
        ts->cnt.drop_seq++;
        if (!(fl & TH_RST))
            tcp_oow_ack(pcb, sg, now);
        return;
    }
    if (SEQ_LT(seq, pcb->rcv_nxt)) {          /* trim what we already have */
        if (SEQ_LEQ(seq + len + !!(fl & TH_SYN) + !!(fl & TH_FIN), pcb->rcv_nxt)) {
            pcb->flags |= PF_ACKNOW;              /* a duplicate: say where we are */
            if (pcb->state == TCP_TIME_WAIT)
                pcb->t_rto = now + 2 * (uint64_t)ts->cfg.msl_ms;
        }
        uint32_t d = pcb->rcv_nxt - seq;
        if (fl & TH_SYN) {
            fl &= (uint8_t)~TH_SYN;
            d--;
            seq++;
        }
        if (d > len) {
            fl &= (uint8_t)~TH_FIN;
            d = len;
        }
        data += d;
        len -= d;
        seq += d;
    }
    uint32_t off = seq - pcb->rcv_nxt, room = off <= wnd ? wnd - off : 0;
    if (len > room) {                         /* and what does not fit */
        len = room;
        fl &= (uint8_t)~TH_FIN;
    }
    if (fl & TH_RST) {
        /* RFC 5961 3.2: only an exact match resets; in-window ones get a challenge */
        if (sg->seq != pcb->rcv_nxt) {
            tcp_challenge_ack(pcb, now);
        } else if (pcb->state != TCP_TIME_WAIT) {          /* RFC 1337 */
            ts->cnt.rst_in++;
            tcp_closed(pcb, pcb->state == TCP_SYN_RCVD ? TCP_ECONNREFUSED : TCP_ECONNRESET);
        }
        return;
    }
    if (fl & TH_SYN) {                        /* RFC 5961 4.2 */
        tcp_challenge_ack(pcb, now);
        return;
    }
    if (!(fl & TH_ACK)) {
        ts->cnt.drop_state++;
        tcp_output(pcb, now);                 /* owed for a duplicate (SYN-ACK again) */
        return;
    }
    tcp_keep_reset(pcb, now);
    if (pcb->state == TCP_SYN_RCVD) {
        if (sg->ack - pcb->snd_una - 1 >= pcb->snd_max - pcb->snd_una) {   /* not in (una, max] */
            ts->cnt.drop_seq++;
            tcp_send_reset(ts, pcb->lip, pcb->rip, pcb->lport, pcb->rport, sg->ack, 0, TH_RST);
            return;
        }
        pcb->snd_wnd = pcb->max_wnd = sg->wnd << pcb->snd_ws;
        pcb->snd_wl1 = sg->seq;
        pcb->snd_wl2 = sg->ack;
        tcp_established(pcb, now);
    }
    if (tcp_ack_in(pcb, sg, now))
        return;
    if (len) {
        int st = pcb->state;
        if (st != TCP_ESTABLISHED && st != TCP_FIN_WAIT_1 && st != TCP_FIN_WAIT_2) {
            len = 0;                          /* after the peer's FIN: ignored */
            fl &= (uint8_t)~TH_FIN;
        } else if (!(pcb->flags & PF_USER) && !pcb->parent) {
            tcp_send_rst_pcb(pcb);            /* closed by the user: nobody will read it */
            tcp_closed(pcb, TCP_ECONNRESET);
            return;
        } else {
            tcp_rcv_data(pcb, seq, data, len, now);
        }
    }
    if ((fl & TH_FIN) && seq + len == pcb->rcv_nxt && !(pcb->flags & PF_FIN_IN))
        tcp_rcv_fin(pcb, now);
    tcp_output(pcb, now);
}
