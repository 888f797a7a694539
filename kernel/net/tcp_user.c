/*
 * tcp_user.c - the calls the socket layer makes (tcp.h): open, listen,
 * accept, send, receive, shut down, close, abort, and the queries.
 */
#include "tcp_impl.h"

#define TCP_EPHEMERAL_LO 49152
#define TCP_EPHEMERAL_N 16384

static int tcp_port_used(const struct tcp_stack *ts, uint16_t port)
{
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        if (ts->pcbs[i].lport == port)
            return 1;
    return 0;
}

/* RFC 6056: a random start in the ephemeral range, then the next free port; 0 if none. */
static uint16_t tcp_port_pick(struct tcp_stack *ts)
{
    uint32_t r = ts->env.random32(ts->env.ctx);
    for (uint32_t i = 0; i < TCP_EPHEMERAL_N; i++) {
        uint16_t p = (uint16_t)(TCP_EPHEMERAL_LO + (r + i) % TCP_EPHEMERAL_N);
        if (!tcp_port_used(ts, p))
            return p;
    }
    return 0;
}

int tcp_connect(struct tcp_stack *ts, uint32_t lip, uint16_t lport, uint32_t rip, uint16_t rport,
                uint64_t now, struct tcp_pcb **out)
{
    if (!rip || !rport)
        return MOTE_EINVAL;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        const struct tcp_pcb *p = &ts->pcbs[i];
        if (lport && p->state > TCP_LISTEN && p->lport == lport && p->rport == rport &&
            p->rip == rip && p->lip == lip)
            return TCP_EADDRINUSE;
    }
    if (!lport && !(lport = tcp_port_pick(ts)))
        return TCP_EADDRINUSE;
    struct tcp_pcb *pcb = tcp_pcb_new(ts, 1);
    if (!pcb)
        return MOTE_ENOMEM;
    pcb->flags = PF_USER;
    pcb->lip = lip;
    pcb->lport = lport;
    pcb->rip = rip;
    pcb->rport = rport;
    pcb->iss = tcp_isn(ts, lip, lport, rip, rport, now);
    pcb->snd_una = pcb->snd_nxt = pcb->snd_max = pcb->recover = pcb->sml = pcb->iss;
    pcb->sbase = pcb->iss + 1;
    pcb->rcv_ws = tcp_wshift(ts->cfg.rcvbuf);
    pcb->state = TCP_SYN_SENT;
    ts->cnt.active_opens++;
    tcp_output(pcb, now);
    *out = pcb;
    return 0;
}

int tcp_listen(struct tcp_stack *ts, uint16_t port, int backlog, struct tcp_pcb **out)
{
    if (!port || backlog < 1)
        return MOTE_EINVAL;
    for (int i = 0; i < TCP_MAX_PCBS; i++)
        if (ts->pcbs[i].state == TCP_LISTEN && ts->pcbs[i].lport == port)
            return TCP_EADDRINUSE;
    struct tcp_pcb *pcb = tcp_pcb_new(ts, 0);
    if (!pcb)
        return MOTE_ENOMEM;
    pcb->flags = PF_USER;
    pcb->lport = port;
    pcb->backlog = (uint16_t)(backlog < TCP_MAX_PCBS ? backlog : TCP_MAX_PCBS);
    pcb->state = TCP_LISTEN;
    *out = pcb;
    return 0;
}

/* The listener's oldest child past the handshake, or NULL. */
static struct tcp_pcb *tcp_ready_child(const struct tcp_pcb *l)
{
    struct tcp_pcb *best = NULL;
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *p = &l->ts->pcbs[i];
        if (p->parent == l && p->state != TCP_SYN_RCVD &&
            (!best || (int32_t)(p->stamp - best->stamp) < 0))
            best = p;
    }
    return best;
}

struct tcp_pcb *tcp_accept(struct tcp_pcb *l)
{
    struct tcp_pcb *c = l->state == TCP_LISTEN ? tcp_ready_child(l) : NULL;
    if (c) {
        c->parent = NULL;
        c->flags |= PF_USER;
    }
    return c;
}

int tcp_send(struct tcp_pcb *pcb, const void *buf, size_t len, uint64_t now)
{
    if (pcb->err)
        return pcb->err;
    if (pcb->flags & PF_FIN_Q)
        return TCP_EPIPE;
    int st = pcb->state;
    if (st != TCP_ESTABLISHED && st != TCP_CLOSE_WAIT && st != TCP_SYN_SENT && st != TCP_SYN_RCVD)
        return TCP_ENOTCONN;
    uint32_t size = pcb->ts->cfg.sndbuf;
    uint32_t n = (uint32_t)(len < size - pcb->slen ? len : size - pcb->slen);
    tcp_ring_put(pcb->sbuf, size, pcb->shead + pcb->slen, buf, n);
    pcb->slen += n;
    if (n)
        tcp_output(pcb, now);
    return (int)n;
}

int tcp_recv(struct tcp_pcb *pcb, void *buf, size_t len, uint64_t now)
{
    if (!pcb->rlen) {
        if (pcb->err)
            return pcb->err;
        if (pcb->flags & PF_FIN_IN)
            return 0;
        if (pcb->state == TCP_CLOSED || pcb->state == TCP_LISTEN)
            return TCP_ENOTCONN;
        return MOTE_EAGAIN;
    }
    uint32_t n = (uint32_t)(len < pcb->rlen ? len : pcb->rlen);
    uint32_t size = pcb->ts->cfg.rcvbuf;
    tcp_ring_get(pcb->rbuf, size, pcb->rhead, buf, n);
    pcb->rhead = (pcb->rhead + n) & (size - 1);
    pcb->rlen -= n;
    /*
     * A window update when what the peer may send at least doubles (the
     * right edge also moves by min(rcvbuf/2, MSS) at least: receiver SWS
     * avoidance). Smaller openings ride on the ACKs the data draws anyway.
     */
    int st = pcb->state;
    uint32_t cur = pcb->rcv_adv - pcb->rcv_nxt, w = tcp_rcv_space(pcb);
    if ((st == TCP_ESTABLISHED || st == TCP_FIN_WAIT_1 || st == TCP_FIN_WAIT_2) && w > cur &&
        w / 2 >= cur) {
        pcb->flags |= PF_ACKNOW;
        tcp_output(pcb, now);
    }
    return (int)n;
}

int tcp_shutdown(struct tcp_pcb *pcb, uint64_t now)
{
    switch (pcb->state) {
    case TCP_ESTABLISHED:
        pcb->state = TCP_FIN_WAIT_1;
        break;
    case TCP_CLOSE_WAIT:
        pcb->state = TCP_LAST_ACK;
        break;
    case TCP_SYN_SENT:
    case TCP_SYN_RCVD:             /* the FIN waits for the handshake (tcp_established) */
        break;
    default:
        return (pcb->flags & PF_FIN_Q) ? 0 : TCP_ENOTCONN;
    }
    pcb->flags |= PF_FIN_Q;
    tcp_output(pcb, now);
    return 0;
}

/* Reset and free the listener's children nobody accepted. */
static void tcp_unlisten(struct tcp_pcb *l)
{
    for (int i = 0; i < TCP_MAX_PCBS; i++) {
        struct tcp_pcb *c = &l->ts->pcbs[i];
        if (c->parent == l) {
            tcp_send_rst_pcb(c);
            tcp_pcb_free(c);
        }
    }
    tcp_pcb_free(l);
}

void tcp_abort(struct tcp_pcb *pcb, uint64_t now)
{
    (void)now;
    if (pcb->state == TCP_LISTEN) {
        tcp_unlisten(pcb);
        return;
    }
    if (pcb->state >= TCP_SYN_RCVD && pcb->state != TCP_TIME_WAIT)
        tcp_send_rst_pcb(pcb);
    pcb->flags &= ~PF_USER;
    tcp_closed(pcb, TCP_ECONNABORTED);
}

void tcp_close(struct tcp_pcb *pcb, uint64_t now)
{
    int st = pcb->state;
    if (st == TCP_LISTEN) {
        tcp_unlisten(pcb);
        return;
    }
    if (st == TCP_CLOSED) {
        tcp_pcb_free(pcb);
        return;
    }
    if (st == TCP_TIME_WAIT) {
        uint64_t end = pcb->t_rto;
        pcb->flags &= ~PF_USER;
        tcp_to_time_wait(pcb, now);      /* lets go of the buffers */
        pcb->t_rto = end;
        return;
    }
    if (st == TCP_SYN_SENT || pcb->rlen) {  /* RFC 2525: unread data lost: say so with RST */
        tcp_abort(pcb, now);
        return;
    }
    pcb->flags &= ~PF_USER;
    tcp_shutdown(pcb, now);
    if (pcb->state == TCP_FIN_WAIT_2)
        pcb->t_rto = now + 2 * (uint64_t)pcb->ts->cfg.msl_ms;
}

unsigned tcp_poll(const struct tcp_pcb *pcb)
{
    int st = pcb->state;
    if (st == TCP_LISTEN)
        return tcp_ready_child(pcb) ? TCP_EV_ACCEPT : 0;
    unsigned ev = 0;
    if (pcb->rlen || (pcb->flags & PF_FIN_IN) || pcb->err)
        ev |= TCP_EV_READABLE;
    if (pcb->err || ((st == TCP_ESTABLISHED || st == TCP_CLOSE_WAIT) &&
                     !(pcb->flags & PF_FIN_Q) && pcb->slen < pcb->ts->cfg.sndbuf))
        ev |= TCP_EV_WRITABLE;
    if (st >= TCP_ESTABLISHED)
        ev |= TCP_EV_CONNECTED;
    if (st == TCP_CLOSED)
        ev |= TCP_EV_CLOSED;
    return ev;
}

int tcp_state(const struct tcp_pcb *pcb)
{
    return pcb->state;
}

int tcp_error(const struct tcp_pcb *pcb)
{
    return pcb->err;
}

void tcp_set_nodelay(struct tcp_pcb *pcb, int on)
{
    if (on)
        pcb->flags |= PF_NODELAY;
    else
        pcb->flags &= ~PF_NODELAY;
}

void tcp_set_keepalive(struct tcp_pcb *pcb, int on, uint64_t now)
{
    if (on)
        pcb->flags |= PF_KEEPALIVE;
    else
        pcb->flags &= ~PF_KEEPALIVE;
    tcp_keep_reset(pcb, now);
}
