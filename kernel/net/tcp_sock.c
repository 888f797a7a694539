/*
 * tcp_sock.c - mote/net.h's TCP calls over the TCP module (tcp.h): each
 * struct mote_tcp holds one pcb and two wait queues, readers (recv,
 * accept, connect) and writers (send), which the module's events wake.
 * The pcb belongs to the handle until mote_tcp_close / mote_tcp_abort;
 * after that the module finishes the connection on its own.
 */
#include <core/core.h>
#include <shell/shell.h>
#include "netif.h"

struct mote_tcp {
    struct netif_wq rx, tx;
    struct tcp_pcb *pcb;
};

static struct mote_tcp *tcp_new(void)
{
    struct mote_tcp *t = calloc(1, sizeof(*t));
    if (t) {
        netif_wq_init(&t->rx);
        netif_wq_init(&t->tx);
    }
    return t;
}

/* Give pcb to handle t: its events reach t's waiters from now on. */
static void tcp_bind_pcb(struct netif *nf, struct mote_tcp *t, struct tcp_pcb *pcb)
{
    t->pcb = pcb;
    nf->tcp_of[pcb - nf->ts.pcbs] = t;
}

/* Let go of t's pcb (close or abort) and of t. */
static void tcp_release(struct netif *nf, struct mote_tcp *t, int abort)
{
    nf->tcp_of[t->pcb - nf->ts.pcbs] = 0;
    if (abort)
        tcp_abort(t->pcb, mote_uptime_ms());
    else
        tcp_close(t->pcb, mote_uptime_ms());
    t->pcb = 0;
}

/* tcp_env.event, with the lock held: wake the handle's readers and/or writers. */
void netif_tcp_event(void *ctx, struct tcp_pcb *pcb, unsigned ev)
{
    struct netif *nf = ctx;
    struct mote_tcp *t = nf->tcp_of[pcb - nf->ts.pcbs];
    if (!t)
        return;
    if (ev & (TCP_EV_READABLE | TCP_EV_CONNECTED | TCP_EV_CLOSED | TCP_EV_ACCEPT))
        netif_wake_all(&t->rx);
    if (ev & (TCP_EV_WRITABLE | TCP_EV_CONNECTED | TCP_EV_CLOSED))
        netif_wake_all(&t->tx);
}

int mote_tcp_connect(uint32_t ip, uint16_t port, uint32_t timeout_ms, struct mote_tcp **out)
{
    struct netif *nf;
    struct tcp_pcb *pcb;
    uint64_t deadline = netif_deadline(timeout_ms);
    struct mote_tcp *t = tcp_new();
    if (!t)
        return MOTE_ENOMEM;
    int err = netif_enter(&nf);
    if (err)
        goto err_free;
    err = netif_need_addr(nf, deadline);
    if (!err)
        err = tcp_connect(&nf->ts, nf->ns.ip, 0, ip, port, mote_uptime_ms(), &pcb);
    if (err)
        goto err_leave;
    tcp_bind_pcb(nf, t, pcb);
    for (;;) {
        unsigned ev = tcp_poll(pcb);
        if (ev & TCP_EV_CONNECTED)
            break;
        err = ev & TCP_EV_CLOSED ? tcp_error(pcb) : netif_wait(nf, &t->rx, deadline);
        if (err) {
            tcp_release(nf, t, 1);
            goto err_leave;
        }
    }
    TRACE(TRACE_NET, EV_TCP_CONNECT, (uint64_t)ip << 16 | port, pcb - nf->ts.pcbs);
    netif_leave(nf);
    *out = t;
    return 0;

err_leave:
    TRACE(TRACE_NET, EV_TCP_CONNECT, (uint64_t)ip << 16 | port, err);
    netif_leave(nf);
err_free:
    free(t);
    return err == MOTE_EAGAIN ? MOTE_ETIMEDOUT : err;
}

int mote_tcp_listen(uint16_t port, int backlog, struct mote_tcp **out)
{
    struct netif *nf;
    struct tcp_pcb *pcb;
    struct mote_tcp *t = tcp_new();
    if (!t)
        return MOTE_ENOMEM;
    int err = netif_enter(&nf);
    if (err)
        goto err_free;
    err = tcp_listen(&nf->ts, port, backlog, &pcb);
    if (!err)
        tcp_bind_pcb(nf, t, pcb);
    netif_leave(nf);
    if (!err) {
        *out = t;
        return 0;
    }
err_free:
    free(t);
    return err;
}

int mote_tcp_accept(struct mote_tcp *l, uint32_t timeout_ms, struct mote_tcp **out)
{
    struct netif *nf;
    struct tcp_pcb *pcb;
    uint64_t deadline = netif_deadline(timeout_ms);
    struct mote_tcp *t = tcp_new();
    if (!t)
        return MOTE_ENOMEM;
    int err = netif_enter(&nf);
    if (err)
        goto err_free;
    while (!(pcb = tcp_accept(l->pcb)) && !(err = netif_wait(nf, &l->rx, deadline)))
        ;
    if (pcb)
        tcp_bind_pcb(nf, t, pcb);
    TRACE(TRACE_NET, EV_TCP_ACCEPT, l->pcb->lport, pcb ? pcb - nf->ts.pcbs : err);
    netif_leave(nf);
    if (pcb) {
        *out = t;
        return 0;
    }
err_free:
    free(t);
    return err;
}

int mote_tcp_send(struct mote_tcp *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    struct netif *nf;
    uint64_t deadline = netif_deadline(timeout_ms);
    if (!len)
        return 0;
    int r = netif_enter(&nf);
    if (r)
        return r;
    while ((r = tcp_send(c->pcb, buf, len, mote_uptime_ms())) == 0 &&
           (r = netif_wait(nf, &c->tx, deadline)) == 0)
        ;
    TRACE(TRACE_NET, EV_TCP_SEND, c->pcb - nf->ts.pcbs, r);
    netif_leave(nf);
    return r;
}

int mote_tcp_send_all(struct mote_tcp *c, const void *buf, size_t len, uint32_t timeout_ms)
{
    uint64_t deadline = netif_deadline(timeout_ms);
    size_t done = 0;
    while (done < len) {
        uint64_t now = mote_uptime_ms();
        uint32_t left = deadline == NET_NEVER ? MOTE_FOREVER
                        : deadline > now ? (uint32_t)(deadline - now) : 0;
        int r = mote_tcp_send(c, (const uint8_t *)buf + done, len - done, left);
        if (r < 0)
            return r;
        done += (size_t)r;
    }
    return (int)len;
}

int mote_tcp_recv(struct mote_tcp *c, void *buf, size_t len, uint32_t timeout_ms)
{
    struct netif *nf;
    uint64_t deadline = netif_deadline(timeout_ms);
    if (!len)
        return 0;
    int r = netif_enter(&nf);
    if (r)
        return r;
    while ((r = tcp_recv(c->pcb, buf, len, mote_uptime_ms())) == MOTE_EAGAIN &&
           (r = netif_wait(nf, &c->rx, deadline)) == 0)
        ;
    TRACE(TRACE_NET, EV_TCP_RECV, c->pcb - nf->ts.pcbs, r);
    netif_leave(nf);
    return r;
}

int mote_tcp_shutdown(struct mote_tcp *c)
{
    struct netif *nf;
    int r = netif_enter(&nf);
    if (r)
        return r;
    r = tcp_shutdown(c->pcb, mote_uptime_ms());
    netif_leave(nf);
    return r;
}

/* Close (graceful) or abort c, and free it. */
static int tcp_end(struct mote_tcp *c, int abort)
{
    struct netif *nf;
    if (!c)
        return MOTE_EINVAL;
    int r = netif_enter(&nf);
    if (r)
        return r;
    TRACE(TRACE_NET, EV_TCP_CLOSE, c->pcb - nf->ts.pcbs, abort);
    tcp_release(nf, c, abort);
    netif_leave(nf);
    free(c);
    return 0;
}

int mote_tcp_close(struct mote_tcp *c)
{
    return tcp_end(c, 0);
}

void mote_tcp_abort(struct mote_tcp *c)
{
    tcp_end(c, 1);
}

int mote_tcp_addr(const struct mote_tcp *c, uint32_t *local_ip, uint16_t *local_port,
                  uint32_t *peer_ip, uint16_t *peer_port)
{
    struct netif *nf;
    struct tcp_info info;
    int r = netif_enter(&nf);
    if (r)
        return r;
    tcp_get_info(c->pcb, &info);
    netif_leave(nf);
    if (local_ip)
        *local_ip = info.lip;
    if (local_port)
        *local_port = info.lport;
    if (peer_ip)
        *peer_ip = info.rip;
    if (peer_port)
        *peer_port = info.rport;
    return 0;
}

int mote_tcp_nodelay(struct mote_tcp *c, bool on)
{
    struct netif *nf;
    int r = netif_enter(&nf);
    if (r)
        return r;
    tcp_set_nodelay(c->pcb, on);
    netif_leave(nf);
    return 0;
}
