/*
 * tcp_timer.c - round-trip estimation (RFC 6298) and the three timers a
 * pcb has: t_rto (retransmission, or zero-window persist, or the end of
 * TIME_WAIT / an abandoned FIN_WAIT_2), t_ack (delayed ACK) and t_keep
 * (keepalive). Deadlines are absolute times in ms; 0 means off.
 */
#include "tcp_impl.h"

/* RFC 6298 2.2-2.4 with a 200 ms floor: one measurement of m ms. */
void tcp_rtt_sample(struct tcp_pcb *pcb, uint32_t m)
{
    m = tcp_min(m, TCP_RTO_MAX);     /* a sample across a long stall: keep the sums in range */
    if (!pcb->srtt8) {
        pcb->srtt8 = tcp_max(m, 1) << 3;
        pcb->rttvar4 = m << 1;
    } else {
        uint32_t srtt = pcb->srtt8 >> 3;
        uint32_t err = m > srtt ? m - srtt : srtt - m;
        pcb->srtt8 = pcb->srtt8 - srtt + m;
        pcb->rttvar4 = pcb->rttvar4 - (pcb->rttvar4 >> 2) + err;
    }
    uint32_t rto = (pcb->srtt8 >> 3) + tcp_max(1, pcb->rttvar4);
    pcb->rto = tcp_min(tcp_max(rto, TCP_RTO_MIN), TCP_RTO_MAX);
}

/* Start t_rto at the current RTO doubled once per timeout in a row (RFC 6298 5.5), capped. */
void tcp_arm_rto(struct tcp_pcb *pcb, uint64_t now)
{
    uint32_t rto = pcb->rto;
    for (int i = 0; i < pcb->nrexmit && rto < TCP_RTO_MAX; i++)
        rto <<= 1;
    pcb->t_rto = now + tcp_min(rto, TCP_RTO_MAX);
}

/* Something arrived: the peer is alive, the idle period starts again. */
void tcp_keep_reset(struct tcp_pcb *pcb, uint64_t now)
{
    pcb->nprobe = 0;
    if ((pcb->flags & PF_KEEPALIVE) &&
        (pcb->state == TCP_ESTABLISHED || pcb->state == TCP_CLOSE_WAIT))
        pcb->t_keep = now + pcb->ts->cfg.keep_idle_ms;
    else
        pcb->t_keep = 0;
}

/* A segment one byte left of the window: any live peer answers with an ACK. */
static void tcp_probe(struct tcp_pcb *pcb, uint64_t now)
{
    tcp_xmit(pcb, pcb->snd_una - 1, TH_ACK, 0, 0, now);
    pcb->nprobe++;
}

static void tcp_give_up(struct tcp_pcb *pcb)
{
    tcp_send_rst_pcb(pcb);
    tcp_closed(pcb, MOTE_ETIMEDOUT);
}

/*
 * Zero-window persist (RFC 9293 3.8.6.1): if some window opened, send what
 * fits even if SWS avoidance held it; else probe and back off. A peer that
 * answers probes is never given up on; one that stays silent is.
 */
static void tcp_persist(struct tcp_pcb *pcb, uint64_t now)
{
    uint32_t off = pcb->snd_nxt - pcb->sbase;
    uint32_t len = tcp_min(tcp_min(tcp_min(pcb->snd_wnd, pcb->cwnd), pcb->mss),
                           off < pcb->slen ? pcb->slen - off : 0);
    pcb->flags &= ~PF_PERSIST;
    if (len) {
        tcp_xmit(pcb, pcb->snd_nxt, TH_ACK | TH_PSH, off, len, now);
        pcb->sml = pcb->snd_nxt += len;
        if (SEQ_GT(pcb->snd_nxt, pcb->snd_max))
            pcb->snd_max = pcb->snd_nxt;
        tcp_arm_rto(pcb, now);
        return;
    }
    if (pcb->nprobe >= pcb->ts->cfg.data_retries) {
        tcp_give_up(pcb);
        return;
    }
    tcp_probe(pcb, now);
    if (pcb->nrexmit < 16)
        pcb->nrexmit++;
    pcb->flags |= PF_PERSIST;
    tcp_arm_rto(pcb, now);
}

/* t_rto expired. */
static void tcp_rto_expired(struct tcp_pcb *pcb, uint64_t now)
{
    const struct tcp_config *cfg = &pcb->ts->cfg;
    switch (pcb->state) {
    case TCP_TIME_WAIT:
    case TCP_FIN_WAIT_2:           /* abandoned by the user, peer never closed */
        tcp_closed(pcb, 0);
        return;
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:
        pcb->st.timeouts++;
        if (++pcb->nrexmit > cfg->syn_retries) {
            tcp_closed(pcb, MOTE_ETIMEDOUT);
            return;
        }
        pcb->flags &= ~PF_RTT;
        tcp_xmit(pcb, pcb->iss, pcb->state == TCP_SYN_SENT ? TH_SYN : TH_SYN | TH_ACK, 0, 0, now);
        pcb->st.rexmits++;
        tcp_arm_rto(pcb, now);
        return;
    default:
        break;
    }
    if (pcb->flags & PF_PERSIST) {
        tcp_persist(pcb, now);
        return;
    }
    if (pcb->snd_una == pcb->snd_max)
        return;
    pcb->flags &= ~(PF_RTT | PF_RECOVERY);
    pcb->dupacks = 0;
    pcb->snd_nxt = pcb->snd_una;          /* go back: resend from the first unacknowledged byte */
    if (!pcb->snd_wnd) {                  /* the peer shut its window: probe, don't time out */
        tcp_output(pcb, now);
        return;
    }
    pcb->st.timeouts++;
    if (++pcb->nrexmit > cfg->data_retries) {
        tcp_give_up(pcb);
        return;
    }
    if (pcb->nrexmit == 1)                 /* RFC 5681 (4): once per loss, not per backoff */
        pcb->ssthresh = tcp_max((pcb->snd_max - pcb->snd_una) / 2, 2u * pcb->mss);
    pcb->cwnd = pcb->mss;
    pcb->ca_acked = 0;
    pcb->recover = pcb->snd_max;
    tcp_arm_rto(pcb, now);
    tcp_output(pcb, now);
}

/* t_keep expired: probe an idle connection; drop it after keep_cnt silent probes. */
static void tcp_keep_expired(struct tcp_pcb *pcb, uint64_t now)
{
    const struct tcp_config *cfg = &pcb->ts->cfg;
    if (pcb->snd_una != pcb->snd_max) {   /* not idle: retransmission covers it */
        pcb->t_keep = now + cfg->keep_idle_ms;
        return;
    }
    if (pcb->nprobe >= cfg->keep_cnt) {
        tcp_give_up(pcb);
        return;
    }
    tcp_probe(pcb, now);
    pcb->t_keep = now + cfg->keep_intvl_ms;
}

void tcp_timer(struct tcp_stack *ts, uint64_t now)
{
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *pcb = &ts->pcbs[i];
        if (pcb->t_ack && pcb->t_ack <= now) {
            pcb->t_ack = 0;
            pcb->flags |= PF_ACKNOW;
            tcp_output(pcb, now);
        }
        if (pcb->t_rto && pcb->t_rto <= now) {
            pcb->t_rto = 0;
            tcp_rto_expired(pcb, now);
        }
        if (pcb->t_keep && pcb->t_keep <= now) {
            pcb->t_keep = 0;
            tcp_keep_expired(pcb, now);
        }
    }
}
