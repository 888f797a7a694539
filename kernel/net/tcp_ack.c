/*
 * tcp_ack.c - what the ACK field of an incoming segment does: free acked
 * bytes from the send ring, take an RTT sample, grow or cut the congestion
 * window (RFC 5681 slow start and congestion avoidance, RFC 6582 NewReno
 * fast retransmit and recovery), update the send window, and move the
 * closing states on when our FIN is acknowledged.
 */
#include "tcp_impl.h"

#define TCP_CWND_MAX (1u << 30)

static void tcp_ack_new(struct tcp_pcb *pcb, uint32_t ack, uint64_t now)
{
    const struct tcp_config *cfg = &pcb->ts->cfg;
    uint32_t d = SEQ_GT(ack, pcb->sbase) ? ack - pcb->sbase : 0;
    if (d > pcb->slen)
        d = pcb->slen;                   /* the rest acknowledges our FIN */
    pcb->shead = (pcb->shead + d) & (cfg->sndbuf - 1);
    pcb->slen -= d;
    pcb->sbase += d;
    pcb->st.bytes_out += d;
    uint32_t acked = ack - pcb->snd_una;
    pcb->snd_una = ack;
    if (SEQ_LT(pcb->snd_nxt, ack))
        pcb->snd_nxt = ack;
    if ((pcb->flags & PF_RTT) && SEQ_GEQ(ack, pcb->rtt_seq)) {
        pcb->flags &= ~PF_RTT;
        tcp_rtt_sample(pcb, (uint32_t)(now - pcb->rtt_t));
    }
    pcb->nrexmit = 0;
    pcb->dupacks = 0;
    uint32_t mss = pcb->mss;
    if (pcb->flags & PF_RECOVERY) {
        if (SEQ_GEQ(ack, pcb->recover)) {            /* full ACK: leave recovery */
            pcb->flags &= ~PF_RECOVERY;
            pcb->cwnd = tcp_min(pcb->ssthresh, tcp_max(pcb->snd_max - ack, mss) + mss);
        } else {                                     /* partial ACK: the next hole */
            tcp_rexmit_first(pcb, now);
            pcb->cwnd = pcb->cwnd > acked ? pcb->cwnd - acked : 0;
            if (acked >= mss)
                pcb->cwnd += mss;
            pcb->cwnd = tcp_max(pcb->cwnd, mss);
        }
    } else if (pcb->cwnd < pcb->ssthresh) {
        pcb->cwnd += tcp_min(acked, 2 * mss);        /* RFC 3465 L = 2 */
    } else {
        pcb->ca_acked += acked;
        if (pcb->ca_acked >= pcb->cwnd) {
            pcb->ca_acked -= pcb->cwnd;
            pcb->cwnd += mss;
        }
    }
    pcb->cwnd = tcp_min(pcb->cwnd, TCP_CWND_MAX);
    if (pcb->snd_una == pcb->snd_max) {
        if (!(pcb->flags & PF_PERSIST))
            pcb->t_rto = 0;
    } else {
        pcb->flags &= ~PF_PERSIST;
        tcp_arm_rto(pcb, now);
    }
    if (d)
        tcp_event(pcb, TCP_EV_WRITABLE);
}

/* The third duplicate ACK starts fast retransmit; later ones inflate cwnd (RFC 6582 3.2). */
static void tcp_dupack(struct tcp_pcb *pcb, uint64_t now)
{
    uint32_t mss = pcb->mss;
    if (pcb->dupacks < 255)
        pcb->dupacks++;
    if (pcb->flags & PF_RECOVERY) {
        pcb->cwnd = tcp_min(pcb->cwnd + mss, TCP_CWND_MAX);
        return;
    }
    if (pcb->dupacks != 3 || SEQ_LT(pcb->snd_una, pcb->recover))
        return;
    pcb->ssthresh = tcp_max((pcb->snd_max - pcb->snd_una) / 2, 2 * mss);
    pcb->recover = pcb->snd_max;
    tcp_rexmit_first(pcb, now);
    pcb->cwnd = pcb->ssthresh + 3 * mss;
    pcb->flags |= PF_RECOVERY;
    pcb->st.fast_rexmits++;
}

/*
 * The ACK of sg, in a synchronized state. A duplicate ACK is RFC 5681's (no
 * data, the same ACK and window, data outstanding), or one whose SACK blocks
 * report data beyond the hole whatever its window (RFC 6675's DupAck: Linux
 * grows its window as out-of-order data arrives, so its duplicates do not
 * keep the window the same). Returns 1 if the segment is
 * finished with (unacceptable ACK answered, or the pcb closed), else 0.
 */
int tcp_ack_in(struct tcp_pcb *pcb, const struct tcp_seg *sg, uint64_t now)
{
    uint32_t ack = sg->ack;
    /* RFC 5961 5.2: acceptable is SND.UNA - MAX.SND.WND <= SEG.ACK <= SND.NXT */
    uint32_t lo = pcb->snd_una - pcb->max_wnd;
    if (ack - lo > pcb->snd_max - lo) {
        pcb->ts->cnt.drop_seq++;
        tcp_oow_ack(pcb, sg, now);
        return 1;
    }
    uint32_t wnd = sg->wnd << pcb->snd_ws;
    int dup = 0;
    if (SEQ_GT(ack, pcb->snd_una))
        tcp_ack_new(pcb, ack, now);
    else if (ack == pcb->snd_una && !sg->len && !(sg->flags & (TH_SYN | TH_FIN)) &&
             pcb->snd_max != pcb->snd_una &&
             (wnd == pcb->snd_wnd || (sg->nsack && SEQ_GT(sg->sack_hi, ack))))
        dup = 1;      /* SACKed data beyond the hole: a duplicate even if the window moved */
    if (SEQ_LT(pcb->snd_wl1, sg->seq) ||
        (pcb->snd_wl1 == sg->seq && SEQ_LEQ(pcb->snd_wl2, ack))) {
        pcb->snd_wnd = wnd;
        pcb->snd_wl1 = sg->seq;
        pcb->snd_wl2 = ack;
        pcb->max_wnd = tcp_max(pcb->max_wnd, wnd);
    }
    if (dup)
        tcp_dupack(pcb, now);
    if (!(pcb->flags & PF_FIN_Q) || pcb->snd_una != pcb->sbase + pcb->slen + 1)
        return 0;
    /* our FIN is acknowledged */
    switch (pcb->state) {
    case TCP_FIN_WAIT_1:
        pcb->state = TCP_FIN_WAIT_2;
        pcb->flags &= ~PF_PERSIST;
        pcb->t_rto = (pcb->flags & PF_USER) ? 0 : now + 2 * (uint64_t)pcb->ts->cfg.msl_ms;
        break;
    case TCP_CLOSING:
        tcp_to_time_wait(pcb, now);
        break;
    case TCP_LAST_ACK:
        tcp_closed(pcb, 0);
        return 1;
    default:
        break;
    }
    return 0;
}
