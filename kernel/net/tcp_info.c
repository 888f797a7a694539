/*
 * tcp_info.c - what netstat and the shell show about connections.
 */
#include "tcp_impl.h"

const char *tcp_state_name(int state)
{
    static const char *const names[] = {
        "CLOSED", "LISTEN", "SYN_SENT", "SYN_RCVD", "ESTABLISHED", "FIN_WAIT_1",
        "FIN_WAIT_2", "CLOSE_WAIT", "CLOSING", "LAST_ACK", "TIME_WAIT",
    };
    if (state < 0 || state > TCP_TIME_WAIT)
        return "?";
    return names[state];
}

void tcp_get_info(const struct tcp_pcb *pcb, struct tcp_info *out)
{
    memset(out, 0, sizeof *out);
    out->lip = pcb->lip;
    out->rip = pcb->rip;
    out->lport = pcb->lport;
    out->rport = pcb->rport;
    out->state = pcb->state;
    out->state_name = tcp_state_name(pcb->state);
    out->err = pcb->err;
    out->srtt_ms = pcb->srtt8 >> 3;
    out->rttvar_ms = pcb->rttvar4 >> 2;
    out->rto_ms = pcb->rto;
    out->cwnd = pcb->cwnd;
    out->ssthresh = pcb->ssthresh;
    out->snd_wnd = pcb->snd_wnd;
    out->rcv_wnd = pcb->rbuf ? pcb->ts->cfg.rcvbuf - pcb->rlen : 0;
    out->mss = pcb->mss;
    out->snd_queued = pcb->slen;
    out->rcv_queued = pcb->rlen;
    out->st = pcb->st;
}

int tcp_netstat(const struct tcp_stack *ts, struct tcp_info *out, int max)
{
    int n = 0;
    for (int i = 0; i < TCP_MAX_PCBS && n < max; i++) {
        const struct tcp_pcb *p = &ts->pcbs[i];
        if (p->state != TCP_CLOSED || (p->flags & PF_USER))
            tcp_get_info(p, &out[n++]);
    }
    return n;
}

int tcp_unacked(const struct tcp_stack *ts)
{
    int n = 0;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        const struct tcp_pcb *p = &ts->pcbs[i];
        n += p->state >= TCP_ESTABLISHED && (p->slen || p->snd_una != p->snd_max);
    }
    return n;
}
